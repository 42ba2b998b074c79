//! `multipart/mixed` bodies (RFC 2046 5.1), as statements with attachments travel (Communication
//! 1.5.2): a reader for requests and a writer for answers.
//!
//! The reader follows RFC 2046: what comes before the first delimiter line is a preamble and what
//! follows the close delimiter an epilogue, both ignored; a delimiter is `--boundary` at the start
//! of a line, optionally followed by spaces or tabs (transport padding); the line break before a
//! delimiter belongs to the delimiter, not to the part. Lines end with CRLF as RFC 2046 requires,
//! or, for bodies written with bare LF line ends throughout (as some clients and the conformance
//! test suite's fixtures are), with LF: the line end of the first delimiter line decides which,
//! so binary content ending in a CR byte stays intact in a CRLF body.

use super::XapiError;

/// One part of a multipart body: its header fields (names as sent) and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Part {
    /// The value of a header field, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type of the part without parameters, lower case (`""` without `Content-Type`).
    pub fn media_type(&self) -> String {
        essence(self.header("Content-Type").unwrap_or_default())
    }
}

/// The media type of a `Content-Type` value without its parameters, lower case.
pub fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The `boundary` parameter of a `multipart/*` `Content-Type` value (quoted or not), if it is a
/// valid RFC 2046 boundary: 1 to 70 characters, not ending in a space.
pub fn boundary_of(content_type: &str) -> Option<String> {
    let value = content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim())
    })?;
    let value = match value.strip_prefix('"') {
        Some(quoted) => quoted.strip_suffix('"')?,
        None => value,
    };
    let valid = (1..=70).contains(&value.len())
        && !value.ends_with(' ')
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" '()+_,-./:=?".contains(&b));
    valid.then(|| value.to_owned())
}

fn err(reason: impl Into<String>) -> XapiError {
    XapiError::new("multipart", reason)
}

/// Where `needle` first occurs in `haystack` at or after `from`.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut at = from;
    while at + needle.len() <= haystack.len() {
        let next = haystack[at..=haystack.len() - needle.len()]
            .iter()
            .position(|b| *b == first)?;
        at += next;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// What follows `--boundary` on a delimiter line, from `at`: the close delimiter (`--`), or the
/// end of the line (after transport padding) with the offset just past it.
enum LineEnd {
    Close,
    Next(usize),
}

fn after_delimiter(body: &[u8], at: usize, eol: &[u8]) -> Result<LineEnd, XapiError> {
    if body[at..].starts_with(b"--") {
        return Ok(LineEnd::Close);
    }
    let padded = at
        + body[at..]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
    if body[padded..].starts_with(eol) {
        Ok(LineEnd::Next(padded + eol.len()))
    } else {
        Err(err(
            "a boundary line holds more than the boundary (the boundary must not occur in a part)",
        ))
    }
}

/// Split a `multipart/*` body into its parts.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, XapiError> {
    let dash = format!("--{boundary}").into_bytes();
    let start = if body.starts_with(&dash) {
        0
    } else {
        find(body, &[b"\n".as_slice(), &dash].concat(), 0)
            .map(|at| at + 1)
            .ok_or_else(|| err(format!("the body has no --{boundary} line")))?
    };
    let first_line_end = start + dash.len();
    let crlf = {
        let rest = &body[first_line_end..];
        let padding = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        !rest[padding..].starts_with(b"\n")
    };
    let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let delimiter = [eol, &dash].concat();
    let mut parts = Vec::new();
    let mut at = match after_delimiter(body, first_line_end, eol)? {
        LineEnd::Close => return Err(err("the body closes before its first part")),
        LineEnd::Next(at) => at,
    };
    loop {
        // A part that is empty up to the next delimiter has no header block and no content; the
        // delimiter's line break is then the line break that ended the previous line.
        let (end, next) = if body[at..].starts_with(&dash) {
            (at, at + dash.len())
        } else {
            let end = find(body, &delimiter, at).ok_or_else(|| {
                err(format!(
                    "the body ends without the closing --{boundary}-- line"
                ))
            })?;
            (end, end + delimiter.len())
        };
        parts.push(part(&body[at..end], eol, parts.len())?);
        match after_delimiter(body, next, eol)? {
            LineEnd::Close => return Ok(parts),
            LineEnd::Next(after) => at = after,
        }
    }
}

fn part(raw: &[u8], eol: &[u8], index: usize) -> Result<Part, XapiError> {
    let (head, body) = if raw.starts_with(eol) {
        (&raw[..0], &raw[eol.len()..])
    } else {
        let blank = [eol, eol].concat();
        match find(raw, &blank, 0) {
            Some(at) => (&raw[..at], &raw[at + blank.len()..]),
            None if raw.is_empty() => (raw, raw),
            None => {
                return Err(err(format!(
                    "part {index} has no empty line between its header fields and its content"
                )))
            }
        }
    };
    let head = std::str::from_utf8(head)
        .map_err(|_| err(format!("the header fields of part {index} are not UTF-8")))?;
    let mut headers: Vec<(String, String)> = Vec::new();
    let separator = if eol == b"\r\n" { "\r\n" } else { "\n" };
    for line in head.split(separator).filter(|l| !l.is_empty()) {
        if line.starts_with([' ', '\t']) {
            // A folded line continues the previous field (RFC 5322 2.2.3).
            let (_, value) = headers
                .last_mut()
                .ok_or_else(|| err(format!("part {index} starts with a continuation line")))?;
            value.push(' ');
            value.push_str(line.trim());
            continue;
        }
        let (name, value) = line.split_once(':').ok_or_else(|| {
            err(format!(
                "part {index} has a header line without a colon: {line:?}"
            ))
        })?;
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(err(format!(
                "part {index} has an invalid header field name {name:?}"
            )));
        }
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
    Ok(Part {
        headers,
        body: body.to_vec(),
    })
}

/// Write parts as a `multipart/mixed` body with CRLF line ends. Refused when the boundary occurs
/// in a part (pick another one).
pub fn write(boundary: &str, parts: &[Part]) -> Result<Vec<u8>, XapiError> {
    let dash = format!("--{boundary}");
    if parts
        .iter()
        .any(|p| find(&p.body, dash.as_bytes(), 0).is_some())
    {
        return Err(err("the boundary occurs in a part"));
    }
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.body.len() + 200).sum());
    for p in parts {
        out.extend_from_slice(dash.as_bytes());
        out.extend_from_slice(b"\r\n");
        for (name, value) in &p.headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&p.body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(dash.as_bytes());
    out.extend_from_slice(b"--\r\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "-------314159265358979323846";

    fn statement_part() -> String {
        format!(
            "--{B}\r\nContent-Type: application/json\r\n\r\n{{\"a\":1}}\r\n--{B}\r\n\
             Content-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n\
             X-Experience-API-Hash: 495395e7\r\n\r\nhere is a simple attachment\r\n--{B}--\r\n"
        )
    }

    #[test]
    fn the_boundary_comes_from_the_content_type_quoted_or_not() {
        assert_eq!(
            boundary_of(&format!("multipart/mixed; boundary={B}")).as_deref(),
            Some(B)
        );
        assert_eq!(
            boundary_of("multipart/mixed; charset=x; BOUNDARY=\"abcABC0123'()+_,-./:=?\"")
                .as_deref(),
            Some("abcABC0123'()+_,-./:=?")
        );
        assert_eq!(boundary_of("multipart/mixed;"), None);
        assert_eq!(boundary_of("multipart/mixed; boundary="), None);
        assert_eq!(boundary_of("multipart/mixed; boundary=\"open"), None);
        assert_eq!(
            boundary_of(&format!("multipart/mixed; boundary={}", "x".repeat(71))),
            None
        );
        assert_eq!(essence("Multipart/Mixed ; boundary=x"), "multipart/mixed");
    }

    #[test]
    fn parts_split_at_delimiters_with_their_headers() {
        let parts = parse(statement_part().as_bytes(), B).expect("parts");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].media_type(), "application/json");
        assert_eq!(parts[0].body, b"{\"a\":1}");
        assert_eq!(parts[1].header("x-experience-api-hash"), Some("495395e7"));
        assert_eq!(parts[1].header("CONTENT-TRANSFER-ENCODING"), Some("binary"));
        assert_eq!(parts[1].body, b"here is a simple attachment");
    }

    #[test]
    fn preamble_epilogue_and_padding_are_ignored() {
        let body = format!(
            "preamble\r\n--{B}  \r\nContent-Type:application/json\r\n\r\n[]\r\n--{B}--\t\r\nepilogue"
        );
        let parts = parse(body.as_bytes(), B).expect("parts");
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].header("content-type"), Some("application/json"));
        assert_eq!(parts[0].body, b"[]");
        // A leading line break, as the conformance suite's signed statements start.
        let body = format!("\r\n--{B}\r\nContent-Type:application/json\r\n\r\n{{}}\r\n--{B}--");
        assert_eq!(parse(body.as_bytes(), B).expect("parts")[0].body, b"{}");
    }

    #[test]
    fn bodies_with_bare_lf_line_ends_parse_and_keep_their_content() {
        let body = statement_part().replace("\r\n", "\n");
        let parts = parse(body.as_bytes(), B).expect("parts");
        assert_eq!(parts[1].body, b"here is a simple attachment");
    }

    #[test]
    fn binary_content_keeps_every_byte_including_line_breaks() {
        let content: Vec<u8> = (0..=255u8).chain(b"\r\n\r\n\n\r".iter().copied()).collect();
        let written = write(
            "xyz",
            &[
                Part {
                    headers: vec![("Content-Type".into(), "application/json".into())],
                    body: b"{}".to_vec(),
                },
                Part {
                    headers: vec![("Content-Type".into(), "image/png".into())],
                    body: content.clone(),
                },
            ],
        )
        .expect("written");
        let parts = parse(&written, "xyz").expect("parts");
        assert_eq!(parts[1].body, content);
        assert_eq!(parts[1].header("content-type"), Some("image/png"));
    }

    #[test]
    fn folded_header_lines_continue_the_field() {
        let body =
            format!("--{B}\r\nContent-Type: text/plain;\r\n charset=ascii\r\n\r\nx\r\n--{B}--");
        let parts = parse(body.as_bytes(), B).expect("parts");
        assert_eq!(
            parts[0].header("content-type"),
            Some("text/plain; charset=ascii")
        );
    }

    #[test]
    fn malformed_bodies_are_refused_with_the_reason() {
        let refused = |body: &str| parse(body.as_bytes(), B).expect_err(body).reason;
        assert!(refused("{\"a\":1}").contains("no --"));
        assert!(refused(&format!("--{B}\r\nContent-Type: a/b\r\n\r\nopen")).contains("closing"));
        assert!(refused(&format!("--{B}--\r\n")).contains("before its first part"));
        assert!(
            refused(&format!("--{B}\r\nContent-Type a/b\r\n\r\nx\r\n--{B}--"))
                .contains("without a colon")
        );
        assert!(
            refused(&format!("--{B}\r\nContent-Type: a/b\r\nx\r\n--{B}--"))
                .contains("no empty line")
        );
        assert!(refused(&format!("--{B}\r\n\r\nx\r\n--{B}x\r\n--{B}--"))
            .contains("more than the boundary"));
    }

    #[test]
    fn a_part_without_headers_or_content_is_still_a_part() {
        let body = format!("--{B}\r\n\r\nonly content\r\n--{B}\r\n--{B}--");
        let parts = parse(body.as_bytes(), B).expect("parts");
        assert_eq!(parts.len(), 2);
        assert!(parts[0].headers.is_empty());
        assert_eq!(parts[0].body, b"only content");
        assert!(parts[1].body.is_empty());
    }

    #[test]
    fn the_writer_refuses_a_boundary_found_in_a_part() {
        let part = Part {
            headers: Vec::new(),
            body: b"a --xyz b".to_vec(),
        };
        assert!(write("xyz", &[part]).is_err());
    }
}
