//! The string formats statements use: IRIs, mailto IRIs, UUIDs, hashes, RFC 5646 language tags
//! and Internet media types. Each is a best-effort syntax check, as the specification allows for
//! IRIs and language tags (Data 2.2.s4.b6, b7).

/// An absolute IRI (or IRL): a scheme (`ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")`), `:`, and a
/// non-empty remainder without whitespace, control characters or the characters RFC 3987
/// excludes (`<>"{}|\^` and backtick); every `%` starts a two-hex-digit escape. IRIs without a
/// scheme (relative references, fragments) are refused (Data 2.2.s4.b1.b8).
pub fn is_iri(input: &str) -> bool {
    let Some((scheme, rest)) = input.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && rest.char_indices().all(|(at, c)| match c {
            '%' => rest
                .as_bytes()
                .get(at + 1..at + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)),
            '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`' => false,
            c => !c.is_whitespace() && !c.is_control(),
        })
}

/// A `mailto:` IRI holding one e-mail address: `mailto:` (lower case, as the specification
/// writes it), a non-empty local part, one `@` and a non-empty domain.
pub fn is_mailto_iri(input: &str) -> bool {
    let Some((local, domain)) = input
        .strip_prefix("mailto:")
        .and_then(|address| address.split_once('@'))
    else {
        return false;
    };
    !local.is_empty() && !domain.is_empty() && !domain.contains('@') && is_iri(input)
}

/// A UUID in the standard string form (8-4-4-4-12 hex digits, either case). Any version and
/// variant is accepted: ids minted as UUIDv7 are as valid as RFC 4122 variant-2 ones.
pub fn is_uuid(input: &str) -> bool {
    input.len() == 36
        && input.bytes().enumerate().all(|(at, b)| match at {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A hex-encoded SHA-1 hash (40 hex digits), as in `mbox_sha1sum`.
pub(crate) fn is_sha1_hex(input: &str) -> bool {
    input.len() == 40 && input.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A hex-encoded SHA-2 hash: SHA-224, SHA-256, SHA-384 or SHA-512 (56, 64, 96 or 128 digits).
pub(crate) fn is_sha2_hex(input: &str) -> bool {
    matches!(input.len(), 56 | 64 | 96 | 128) && input.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An Internet media type (RFC 2046): `type/subtype`, both RFC 7230 tokens, optionally followed
/// by `;` parameters, which are not checked.
pub(crate) fn is_media_type(input: &str) -> bool {
    let essence = media_type_essence(input);
    let is_token = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    essence
        .split_once('/')
        .is_some_and(|(kind, subtype)| is_token(kind) && is_token(subtype))
}

/// The `type/subtype` part of a media type, without parameters or surrounding spaces.
pub(crate) fn media_type_essence(input: &str) -> &str {
    input.split(';').next().unwrap_or_default().trim()
}

/// An RFC 5646 language tag (case-insensitive): well-formed as the `oxilangtag` crate checks it
/// (`language ["-" script] ["-" region] *("-" variant) *("-" extension) ["-" privateuse]`, a
/// private-use tag `x-...`, or a grandfathered tag), and without a repeated variant or extension
/// singleton (RFC 5646 2.2.5 and 2.2.6, the two validity rules that need no registry; the
/// conformance suite refuses `es-a-aaa-b-bbb-b-ccc`). The registry is not consulted (`qq` passes).
pub fn is_language_tag(tag: &str) -> bool {
    let Ok(parsed) = oxilangtag::LanguageTag::parse(tag) else {
        return false;
    };
    let mut variants: Vec<String> = parsed
        .variant_subtags()
        .map(str::to_ascii_lowercase)
        .collect();
    let mut singletons: Vec<char> = parsed
        .extension_subtags()
        .map(|(s, _)| s.to_ascii_lowercase())
        .collect();
    let (v, e) = (variants.len(), singletons.len());
    variants.sort_unstable();
    variants.dedup();
    singletons.sort_unstable();
    singletons.dedup();
    variants.len() == v && singletons.len() == e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris_need_a_scheme_and_no_forbidden_characters() {
        for good in [
            "http://adlnet.gov/expapi/verbs/completed",
            "https://example.com/a?b=c#d",
            "urn:uuid:6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
            "mailto:a@example.com",
            "http://example.com/فعل/خواندن",
            "http://example.com/a%20b",
            "tag:example.com,2024:x",
        ] {
            assert!(is_iri(good), "{good}");
        }
        for bad in [
            "",
            "should error",
            "ab=c://should.fail.com",
            "//example.com/a",
            "#fragment",
            "1http://example.com",
            "http:",
            "http://example.com/a b",
            "http://example.com/a%2",
            "http://example.com/a%zz",
            "http://example.com/<a>",
            "http://example.com/a|b",
        ] {
            assert!(!is_iri(bad), "{bad}");
        }
    }

    #[test]
    fn mailto_iris_hold_one_address() {
        assert!(is_mailto_iri("mailto:xapi@adlnet.gov"));
        assert!(is_mailto_iri("mailto:first.last+tag@Example.COM"));
        for bad in [
            "mailto:should.fail.com",
            "http://should.fail.com",
            "xapi@adlnet.gov",
            "mailto:@adlnet.gov",
            "mailto:xapi@",
            "mailto:a@b@c",
            "mailto:a b@c.d",
            "MAILTO:xapi@adlnet.gov",
        ] {
            assert!(!is_mailto_iri(bad), "{bad}");
        }
    }

    #[test]
    fn uuids_are_in_standard_form_in_either_case() {
        assert!(is_uuid("fd41c918-b88b-4b20-a0a5-a4c32391aaa0"));
        assert!(is_uuid("FD41C918-B88B-4B20-A0A5-A4C32391AAA0"));
        assert!(is_uuid("12345678-1234-5678-1234-567812345678"));
        for bad in [
            "AA97B177-9383-4934-8543-0F91A7A028368",
            "MA97B177-9383-4934-8543-0F91A7A02836",
            "fd41c918b88b4b20a0a5a4c32391aaa0",
            "{fd41c918-b88b-4b20-a0a5-a4c32391aaa0}",
            "",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }

    #[test]
    fn hashes_have_their_lengths_in_hex() {
        assert!(is_sha1_hex("ebd31e95054c018b10727ccffd2ef2ec3a016ee9"));
        assert!(is_sha1_hex("CD9B00A5611F94EAA7B1661EDAB976068E364975"));
        assert!(!is_sha1_hex("ebd31e95054c018b10727ccffd2ef2ec3a016ee"));
        assert!(!is_sha1_hex("zbd31e95054c018b10727ccffd2ef2ec3a016ee9"));
        assert!(is_sha2_hex(
            "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"
        ));
        assert!(!is_sha2_hex("495395e777cd98da"));
    }

    #[test]
    fn media_types_are_type_slash_subtype_with_optional_parameters() {
        assert!(is_media_type("text/plain; charset=ascii"));
        assert!(is_media_type("application/octet-stream"));
        assert!(is_media_type("application/vnd.api+json"));
        assert_eq!(
            media_type_essence(" text/plain ; charset=ascii"),
            "text/plain"
        );
        for bad in ["", "text", "text/", "/plain", "text/pl ain", "text/plain/x"] {
            assert!(!is_media_type(bad), "{bad}");
        }
    }

    #[test]
    fn language_tags_follow_rfc_5646() {
        // The conformance suite's accepted tags (Data 2.2.s4.b2).
        for good in [
            "de",
            "en-US",
            "i-enochian",
            "ine",
            "zh-Hant",
            "sr-Latn",
            "zh-cmn-Hans-CN",
            "sr-Latn-RS",
            "sl-rozaj-biske",
            "de-CH-1901",
            "hy-Latn-IT-arevela",
            "de-DE",
            "az-Arab-x-AZE-derbend",
            "x-whatever",
            "es-419",
            "tlh",
            "en-a-bbb-x-a-ccc",
            "EN-us",
        ] {
            assert!(is_language_tag(good), "{good}");
        }
        // ... and the rejected ones, plus a few more malformed tags.
        for bad in [
            "de-419-DE",
            "a-DE",
            "ar-a-aaa-b-bbb-a-ccc",
            "a12345",
            "",
            "en-",
            "-en",
            "en--US",
            "en_US",
            "supercalifragilistic",
            "de-1901-1901",
            "en-a",
            "en-x",
            "x",
            "en-US-abcd",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
