//! Attachments (Data 2.4.11, Communication 1.5.2): matching the raw data sent as parts of a
//! `multipart/mixed` request with the attachment objects the statements declare, by SHA-2 hash
//! and by nothing else (Communication 1.5.2.s1.b4).

use super::multipart::{essence, Part};
use super::XapiError;
use serde_json::Value;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use std::collections::HashSet;

/// The part header naming the SHA-2 hash of the part's content.
pub const HASH_HEADER: &str = "X-Experience-API-Hash";

/// The raw data of an attachment, as the LRS keeps it: one copy per hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentContent {
    /// Lower-case hex.
    pub sha2: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Is `sha2_hex` the SHA-2 hash of `content`? The function is the one whose output length the
/// hex digits give (SHA-224, SHA-256, SHA-384 or SHA-512); digits compare case-insensitively.
pub fn sha2_matches(sha2_hex: &str, content: &[u8]) -> bool {
    let digest: Vec<u8> = match sha2_hex.len() {
        56 => Sha224::digest(content).to_vec(),
        64 => Sha256::digest(content).to_vec(),
        96 => Sha384::digest(content).to_vec(),
        128 => Sha512::digest(content).to_vec(),
        _ => return false,
    };
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex.eq_ignore_ascii_case(sha2_hex)
}

/// The attachment objects of a statement (the statement has been validated).
fn attachments(statement: &Value) -> impl Iterator<Item = (usize, &Value)> {
    statement["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
}

/// The hashes (lower case) the statements declare for their attachments.
pub fn declared_hashes(statements: &[Value]) -> HashSet<String> {
    statements
        .iter()
        .flat_map(attachments)
        .filter_map(|(_, a)| a["sha2"].as_str().map(str::to_ascii_lowercase))
        .collect()
}

/// The attachment parts of a `multipart/mixed` request (every part after the statements): each
/// needs `X-Experience-API-Hash` naming a hash some statement declares, with content whose hash
/// it is, and `Content-Transfer-Encoding: binary`. Parts are numbered as in the body (the
/// statements are part 0). Returns one content per hash; the `Content-Type` of a part (or
/// `application/octet-stream`) is the one its content is answered with.
pub fn attachment_parts(
    parts: &[Part],
    declared: &HashSet<String>,
) -> Result<Vec<AttachmentContent>, XapiError> {
    let mut contents: Vec<AttachmentContent> = Vec::new();
    for (index, part) in parts.iter().enumerate().skip(1) {
        let path = format!("parts[{index}]");
        let hash = part.header(HASH_HEADER).ok_or_else(|| {
            XapiError::new(
                format!("{path}.{HASH_HEADER}"),
                "is required on every attachment part: the SHA-2 hash of its content",
            )
        })?;
        let hash = hash.to_ascii_lowercase();
        let encoding = part.header("Content-Transfer-Encoding").unwrap_or_default();
        if !encoding.trim().eq_ignore_ascii_case("binary") {
            return Err(XapiError::new(
                format!("{path}.Content-Transfer-Encoding"),
                "must be binary on every attachment part",
            ));
        }
        if !declared.contains(&hash) {
            return Err(XapiError::new(
                format!("{path}.{HASH_HEADER}"),
                format!("{hash} is the sha2 of no attachment of the statements"),
            ));
        }
        if !sha2_matches(&hash, &part.body) {
            return Err(XapiError::new(
                format!("{path}.{HASH_HEADER}"),
                format!("{hash} is not the SHA-2 hash of the part's content"),
            ));
        }
        if contents.iter().all(|c| c.sha2 != hash) {
            let content_type = match part.header("Content-Type") {
                Some(t) if !essence(t).is_empty() => t.to_owned(),
                _ => "application/octet-stream".to_owned(),
            };
            contents.push(AttachmentContent {
                sha2: hash,
                content_type,
                content: part.body.clone(),
            });
        }
    }
    Ok(contents)
}

/// Every attachment of a statement without a `fileUrl` must come with its raw data (Communication
/// 1.5.2.s3.b5): refused, naming the attachment's `sha2`, when none of `received` is its hash.
pub fn check_attachments_sent(
    statement: &Value,
    received: &HashSet<String>,
) -> Result<(), XapiError> {
    for (at, attachment) in attachments(statement) {
        let sha2 = attachment["sha2"]
            .as_str()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if attachment.get("fileUrl").is_none() && !received.contains(&sha2) {
            return Err(XapiError::new(
                format!("statement.attachments[{at}].sha2"),
                "the attachment has no fileUrl and no part with this hash was sent",
            ));
        }
    }
    Ok(())
}

/// The hashes (lower case) of a statement's attachments, for answering with their content.
pub fn statement_hashes(statement: &Value) -> Vec<String> {
    attachments(statement)
        .filter_map(|(_, a)| a["sha2"].as_str().map(str::to_ascii_lowercase))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TEXT: &[u8] = b"here is a simple attachment";
    const TEXT_SHA256: &str = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a";

    fn statement(attachments: Value) -> Value {
        json!({
            "actor": { "mbox": "mailto:a@example.com" },
            "verb": { "id": "http://adlnet.gov/expapi/verbs/answered" },
            "object": { "id": "http://example.com/a" },
            "attachments": attachments
        })
    }

    fn attachment(sha2: &str, file_url: Option<&str>) -> Value {
        let mut a = json!({
            "usageType": "http://example.com/attachment-usage/test",
            "display": { "en-US": "A test attachment" },
            "contentType": "text/plain",
            "length": 27,
            "sha2": sha2
        });
        if let Some(url) = file_url {
            a["fileUrl"] = json!(url);
        }
        a
    }

    fn part(headers: &[(&str, &str)], body: &[u8]) -> Part {
        Part {
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.to_vec(),
        }
    }

    fn json_part() -> Part {
        part(&[("Content-Type", "application/json")], b"{}")
    }

    fn text_part(hash: &str) -> Part {
        part(
            &[
                ("Content-Type", "text/plain"),
                ("Content-Transfer-Encoding", "binary"),
                (HASH_HEADER, hash),
            ],
            TEXT,
        )
    }

    #[test]
    fn every_sha2_length_is_checked_with_its_function() {
        assert!(sha2_matches(TEXT_SHA256, TEXT));
        assert!(sha2_matches(&TEXT_SHA256.to_ascii_uppercase(), TEXT));
        assert!(!sha2_matches(TEXT_SHA256, b"here is another attachment"));
        let hex = |d: &[u8]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert!(sha2_matches(&hex(&Sha224::digest(TEXT)), TEXT));
        assert!(sha2_matches(&hex(&Sha384::digest(TEXT)), TEXT));
        assert!(sha2_matches(&hex(&Sha512::digest(TEXT)), TEXT));
        assert!(!sha2_matches("abc", TEXT));
    }

    #[test]
    fn parts_matching_declared_hashes_become_one_content_each() {
        let statements = [statement(json!([attachment(TEXT_SHA256, None)]))];
        let declared = declared_hashes(&statements);
        let upper = TEXT_SHA256.to_ascii_uppercase();
        let contents = attachment_parts(
            &[json_part(), text_part(TEXT_SHA256), text_part(&upper)],
            &declared,
        )
        .expect("matched");
        assert_eq!(
            contents,
            [AttachmentContent {
                sha2: TEXT_SHA256.to_owned(),
                content_type: "text/plain".to_owned(),
                content: TEXT.to_vec(),
            }]
        );
    }

    #[test]
    fn parts_without_hash_binary_encoding_declaration_or_matching_content_are_refused() {
        let declared = declared_hashes(&[statement(json!([attachment(TEXT_SHA256, None)]))]);
        let refused =
            |p: Part| attachment_parts(&[json_part(), p], &declared).expect_err("refused");
        let no_hash = refused(part(&[("Content-Transfer-Encoding", "binary")], TEXT));
        assert_eq!(no_hash.path, "parts[1].X-Experience-API-Hash");
        let mut base64 = text_part(TEXT_SHA256);
        base64.headers[1].1 = "base64".to_owned();
        assert_eq!(refused(base64).path, "parts[1].Content-Transfer-Encoding");
        let mut no_encoding = text_part(TEXT_SHA256);
        no_encoding.headers.remove(1);
        assert_eq!(
            refused(no_encoding).path,
            "parts[1].Content-Transfer-Encoding"
        );
        let undeclared = "b018994f8bbe0f08992a65c48c8c8c56f09e9baceaa6227ed85c90ae52b73c89";
        assert!(refused(text_part(undeclared))
            .reason
            .contains("no attachment"));
        let mut tampered = text_part(TEXT_SHA256);
        tampered.body = b"here is a changed attachment".to_vec();
        assert!(refused(tampered).reason.contains("not the SHA-2 hash"));
    }

    #[test]
    fn attachments_need_a_file_url_or_a_part() {
        let s = statement(json!([
            attachment(TEXT_SHA256, Some("http://over.there.com/file.txt")),
            attachment(
                "b018994f8bbe0f08992a65c48c8c8c56f09e9baceaa6227ed85c90ae52b73c89",
                None
            )
        ]));
        let error = check_attachments_sent(&s, &HashSet::new()).expect_err("missing");
        assert_eq!(error.path, "statement.attachments[1].sha2");
        let received = HashSet::from([
            "b018994f8bbe0f08992a65c48c8c8c56f09e9baceaa6227ed85c90ae52b73c89".to_owned(),
        ]);
        assert_eq!(check_attachments_sent(&s, &received), Ok(()));
        assert_eq!(statement_hashes(&s).len(), 2);
        assert_eq!(
            check_attachments_sent(&json!({ "actor": {} }), &HashSet::new()),
            Ok(())
        );
    }
}
