//! Signed statements (Data 2.6): a statement signed with a JSON Web Signature (RFC 7515, compact
//! serialization) carried as an attachment with usage type [`SIGNATURE_USAGE`]. What can be
//! checked without cryptography is here: the three base64url parts, a JOSE header whose `alg` is
//! RS256, RS384 or RS512, a payload that is the signed statement (compared as statements are,
//! with the signature attachment taken out, Data 2.6.s4.b3), and, when the header carries `x5c`,
//! the RSA public key of its first certificate, for the caller to verify the signature with.

use super::compare::same_statement;
use super::XapiError;
use base64::Engine;
use serde_json::Value;

/// The usage type of the attachment holding a statement's signature (Data 2.6).
pub const SIGNATURE_USAGE: &str = "http://adlnet.gov/expapi/attachments/signature";

/// The algorithms a statement signature may use (Data 2.6.s4.b4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    Rs256,
    Rs384,
    Rs512,
}

/// A well-formed statement signature, ready to be verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementSignature {
    pub algorithm: SignatureAlgorithm,
    /// `<header>.<payload>` as sent: the bytes the signature covers.
    pub signing_input: String,
    /// The signature part, base64url as sent.
    pub signature: String,
    /// The PKCS#1 `RSAPublicKey` (DER) of the first `x5c` certificate, when there is one: the
    /// signature must verify against it (Data 2.6.s4.b3).
    pub public_key: Option<Vec<u8>>,
}

/// The signature attachments of a statement: their index and their (lower-case) `sha2`.
pub fn signature_attachments(statement: &Value) -> Vec<(usize, String)> {
    statement["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, a)| a["usageType"].as_str() == Some(SIGNATURE_USAGE))
        .filter_map(|(at, a)| Some((at, a["sha2"].as_str()?.to_ascii_lowercase())))
        .collect()
}

/// Check the signature in attachment `at` of `statement` (as the client sent it), whose raw data
/// is `jws`. Errors name `statement.attachments[at]`.
pub fn check_signature(
    statement: &Value,
    at: usize,
    jws: &[u8],
) -> Result<StatementSignature, XapiError> {
    let path = format!("statement.attachments[{at}]");
    let bad = |why: &str| XapiError::new(path.clone(), format!("malformed signature: {why}"));
    let jws = std::str::from_utf8(jws).map_err(|_| bad("a JWS is ASCII text"))?;
    let mut pieces = jws.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (pieces.next(), pieces.next(), pieces.next(), pieces.next())
    else {
        return Err(bad(
            "use the JWS compact serialization: three base64url parts separated by dots",
        ));
    };
    let decode = |part: &str, name: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| bad(&format!("the {name} is not base64url without padding")))
    };
    let header: Value = serde_json::from_slice(&decode(header, "JOSE header")?)
        .map_err(|_| bad("the JOSE header is not JSON"))?;
    let algorithm = match header["alg"].as_str() {
        Some("RS256") => SignatureAlgorithm::Rs256,
        Some("RS384") => SignatureAlgorithm::Rs384,
        Some("RS512") => SignatureAlgorithm::Rs512,
        _ => return Err(bad("the JOSE header alg must be RS256, RS384 or RS512")),
    };
    if decode(signature, "signature")?.is_empty() {
        return Err(bad("the signature part is empty"));
    }
    let public_key = match header.get("x5c") {
        None => None,
        Some(chain) => {
            let first = chain
                .as_array()
                .and_then(|c| c.first())
                .and_then(Value::as_str)
                .ok_or_else(|| bad("x5c must be an array of base64 certificates"))?;
            let der = base64::engine::general_purpose::STANDARD
                .decode(first)
                .map_err(|_| bad("the first x5c certificate is not base64"))?;
            Some(
                rsa_public_key(&der)
                    .ok_or_else(|| bad("the first x5c certificate holds no RSA public key"))?
                    .to_vec(),
            )
        }
    };
    let signed: Value = serde_json::from_slice(&decode(payload, "payload")?)
        .map_err(|_| bad("the payload is not a JSON serialization of a statement"))?;
    if !signed.is_object() || !same_statement(&signed, &without_attachment(statement, at)) {
        return Err(bad(
            "the signed payload is not the statement (without its signature attachment)",
        ));
    }
    let signing_input = jws[..jws.len() - signature.len() - 1].to_owned();
    Ok(StatementSignature {
        algorithm,
        signing_input,
        signature: signature.to_owned(),
        public_key,
    })
}

/// The statement before the signature was added: without attachment `at` (and without
/// `attachments` when that was the only one).
fn without_attachment(statement: &Value, at: usize) -> Value {
    let mut statement = statement.clone();
    if let Some(map) = statement.as_object_mut() {
        let now_empty = match map.get_mut("attachments").and_then(Value::as_array_mut) {
            Some(list) if at < list.len() => {
                list.remove(at);
                list.is_empty()
            }
            _ => false,
        };
        if now_empty {
            map.remove("attachments");
        }
    }
    statement
}

/// One DER element at the start of `input`: its tag, its content and what follows it.
fn der(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = match first {
        0..=0x7f => (usize::from(first), rest),
        0x81..=0x84 => {
            let n = usize::from(first & 0x7f);
            if rest.len() < n {
                return None;
            }
            let length = rest[..n]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (length, &rest[n..])
        }
        _ => return None,
    };
    (rest.len() >= length).then(|| (tag, &rest[..length], &rest[length..]))
}

const SEQUENCE: u8 = 0x30;
/// The OID 1.2.840.113549.1.1.1 (rsaEncryption), DER content bytes.
const RSA_ENCRYPTION: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// The PKCS#1 `RSAPublicKey` of an X.509 certificate (DER): the `subjectPublicKey` of its
/// `subjectPublicKeyInfo` when the algorithm is rsaEncryption; `None` for anything else.
pub fn rsa_public_key(certificate: &[u8]) -> Option<&[u8]> {
    let (SEQUENCE, certificate, _) = der(certificate)? else {
        return None;
    };
    let (SEQUENCE, tbs, _) = der(certificate)? else {
        return None;
    };
    // version [0] (optional), serialNumber, signature, issuer, validity, subject, then the key.
    let mut rest = tbs;
    let (tag, _, after) = der(rest)?;
    if tag == 0xa0 {
        rest = after;
    }
    for _ in 0..5 {
        rest = der(rest)?.2;
    }
    let (SEQUENCE, spki, _) = der(rest)? else {
        return None;
    };
    let (SEQUENCE, algorithm, after) = der(spki)? else {
        return None;
    };
    let (0x06, oid, _) = der(algorithm)? else {
        return None;
    };
    if oid != RSA_ENCRYPTION {
        return None;
    }
    let (0x03, bits, _) = der(after)? else {
        return None;
    };
    let (0, key) = bits.split_first()? else {
        return None;
    };
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    let (SEQUENCE, fields, _) = der(key)? else {
        return None;
    };
    let (0x02, _, fields) = der(fields)? else {
        return None;
    };
    let (0x02, _, []) = der(fields)? else {
        return None;
    };
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A self-signed RSA 2048 certificate (CN=Learnwell test signer) and its key as PKCS#1.
    const CERTIFICATE: &str = "MIIDIzCCAgugAwIBAgIUNX2RGN5Mr3xg0JCzncsR3kG8QYQwDQYJKoZIhvcNAQELBQAwIDEeMBwGA1UEAwwVTGVhcm53ZWxsIHRlc3Qgc2lnbmVyMCAXDTI2MTEyMzE1MjIzMloYDzIxMjYxMDMwMTUyMjMyWjAgMR4wHAYDVQQDDBVMZWFybndlbGwgdGVzdCBzaWduZXIwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCxtlnt8HdMVPtN0099GuYshVysyaIr/Ko0MsiZcuLB3vkjRyAUQuozPdYq1ysOEJyQWJtw0g9ZK3xo9k9+u3vNJuiyiZFtRO6knuu8R0RvR0wqT1se4K8CKcMcHFqwPfLjDDvcCWIjPChWqtkesbeVVd2JdoGRf8Hm4V7aDhrOhh25EZSUYL8H0YEv9n1YMeLGdnWXNAySoW9k91YY2IKofGaUrvmDwqiDa8jl6CJA7fhDYa1GF8YAY/gfh/eooxgHqmwP+tpwBsIzV0P76IRC/3wnsA6ZrY8igZxc78MB1dbaIMO/Q5P6dejEMWFr7j9z3ety6AJcCzBcjovLKmkHAgMBAAGjUzBRMB0GA1UdDgQWBBSupZHp3pUIyXo1Zh6yk+3rndKr3DAfBgNVHSMEGDAWgBSupZHp3pUIyXo1Zh6yk+3rndKr3DAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQA8ZpBH6iSlHH1dd9y6honwGU5KzTeMoCuIJ6XBIMoaaba2+TpTt09gSD7by0phNJA4CCQEJFmeMLyCFQssiTkWvBqbLQa8woYVZE/hybNsguGqtqPlizfeJU3vq6boXJ9bmbsK4dFZFX+Q+3gNIWM4n9/ZzbtBf/75vjEuMpekajYjBamsFMGbgQQ382eEtHB6EmLw0R9NYj7FDtv5NHHvOCn1j5e7XJWlZN/nEyqzmUdxwKhW5NE8XFix8xC6lBeOPLv1KLd5R28GtXPmK8cQfSwaz9pb8QCM1Dc6irYmn5lkkiGy3Hntd8IOdPF6ZICJkRzwLHP5cda1IB2ZkYWK";
    const PUBLIC_KEY: &str = "MIIBCgKCAQEAsbZZ7fB3TFT7TdNPfRrmLIVcrMmiK/yqNDLImXLiwd75I0cgFELqMz3WKtcrDhCckFibcNIPWSt8aPZPfrt7zSbosomRbUTupJ7rvEdEb0dMKk9bHuCvAinDHBxasD3y4ww73AliIzwoVqrZHrG3lVXdiXaBkX/B5uFe2g4azoYduRGUlGC/B9GBL/Z9WDHixnZ1lzQMkqFvZPdWGNiCqHxmlK75g8Kog2vI5egiQO34Q2GtRhfGAGP4H4f3qKMYB6psD/racAbCM1dD++iEQv98J7AOma2PIoGcXO/DAdXW2iDDv0OT+nXoxDFha+4/c93rcugCXAswXI6LyyppBwIDAQAB";
    /// A self-signed P-256 certificate: not an RSA key.
    const EC_CERTIFICATE: &str = "MIIBcDCCARegAwIBAgIUW0mVY77QzuU0y7E+pNb8m125tJgwCgYIKoZIzj0EAwIwDTELMAkGA1UEAwwCRUMwIBcNMjYxMTIzMTUyMjM0WhgPMjEyNjEwMzAxNTIyMzRaMA0xCzAJBgNVBAMMAkVDMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEDnWpeVNmm0ltix8Nxyr0fbEUfGNDbI0gGFyTDO+0jLGqUBcw7vflazR1bT+4REgwCVXsx71NEIroqa2F9/OTl6NTMFEwHQYDVR0OBBYEFOmJghhWMm0RgNlYwovTllMRpUm0MB8GA1UdIwQYMBaAFOmJghhWMm0RgNlYwovTllMRpUm0MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgfvinO7EKA95jFVwz6RGxqrkTMUFI5CZrnUoK7dtLaPwCICLwXrTcIoCljbziL8rLi0JBokxydHcYnBWAtIKSipVW";

    fn b64(text: &str) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .expect("base64")
    }

    fn b64url(value: &Value) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
    }

    fn statement() -> Value {
        json!({
            "id": "6a5e6bd1-0000-4000-8000-000000000001",
            "actor": { "objectType": "Agent", "mbox": "mailto:a@example.com" },
            "verb": { "id": "http://adlnet.gov/expapi/verbs/answered", "display": { "en-US": "answered" } },
            "object": { "id": "http://example.com/a" }
        })
    }

    fn signed(statement: &Value) -> Value {
        let mut s = statement.clone();
        s["attachments"] = json!([{
            "usageType": SIGNATURE_USAGE,
            "display": { "en-US": "Signature" },
            "contentType": "application/octet-stream",
            "length": 10,
            "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"
        }]);
        s
    }

    fn jws(header: &Value, payload: &Value) -> String {
        format!("{}.{}.c2lnbmF0dXJl", b64url(header), b64url(payload))
    }

    #[test]
    fn the_rsa_key_of_a_certificate_is_its_pkcs1_subject_public_key() {
        assert_eq!(
            rsa_public_key(&b64(CERTIFICATE)),
            Some(b64(PUBLIC_KEY).as_slice())
        );
        assert_eq!(rsa_public_key(&b64(EC_CERTIFICATE)), None);
        assert_eq!(rsa_public_key(b"not der"), None);
        let truncated = b64(CERTIFICATE);
        assert_eq!(rsa_public_key(&truncated[..truncated.len() / 2]), None);
    }

    #[test]
    fn a_well_formed_signature_of_the_statement_is_accepted() {
        let header = json!({ "alg": "RS384", "x5c": [CERTIFICATE] });
        let token = jws(&header, &statement());
        let checked = check_signature(&signed(&statement()), 0, token.as_bytes()).expect("ok");
        assert_eq!(checked.algorithm, SignatureAlgorithm::Rs384);
        assert_eq!(checked.signature, "c2lnbmF0dXJl");
        assert_eq!(
            checked.signing_input,
            token.rsplit_once('.').expect("dot").0
        );
        assert_eq!(checked.public_key, Some(b64(PUBLIC_KEY)));
        // Without x5c there is no key to verify against.
        let plain = jws(&json!({ "alg": "RS256" }), &statement());
        let checked = check_signature(&signed(&statement()), 0, plain.as_bytes()).expect("ok");
        assert_eq!(checked.public_key, None);
    }

    #[test]
    fn the_payload_compares_as_a_statement_ignoring_what_the_lrs_sets() {
        let mut payload = statement();
        payload["verb"]["display"] = json!({ "de": "beantwortet" });
        payload["authority"] = json!({ "mbox": "mailto:lrs@example.com" });
        payload["stored"] = json!("2026-01-01T00:00:00Z");
        payload.as_object_mut().expect("object").remove("id");
        let token = jws(&json!({ "alg": "RS256" }), &payload);
        assert!(check_signature(&signed(&statement()), 0, token.as_bytes()).is_ok());
        payload["object"]["id"] = json!("http://example.com/b");
        let token = jws(&json!({ "alg": "RS256" }), &payload);
        let error = check_signature(&signed(&statement()), 0, token.as_bytes()).expect_err("bad");
        assert_eq!(error.path, "statement.attachments[0]");
        assert!(error.reason.contains("not the statement"));
    }

    #[test]
    fn malformed_signatures_are_refused_with_the_reason() {
        let s = signed(&statement());
        let refused = |jws: &str| {
            check_signature(&s, 0, jws.as_bytes())
                .expect_err(jws)
                .reason
        };
        let good_header = b64url(&json!({ "alg": "RS256" }));
        let payload = b64url(&statement());
        assert!(refused("only.two").contains("compact serialization"));
        assert!(refused(&format!("{good_header}.{payload}.c2ln.extra")).contains("compact"));
        assert!(refused(&format!("{good_header}.{payload}.")).contains("empty"));
        assert!(refused(&format!("{good_header}.{payload}.c2ln==")).contains("base64url"));
        assert!(refused(&jws(&json!({ "alg": "HS256" }), &statement())).contains("RS256"));
        assert!(refused(&jws(&json!({ "typ": "JWT" }), &statement())).contains("alg"));
        let broken = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(statement().to_string().replacen('"', "'", 1));
        assert!(refused(&format!("{good_header}.{broken}.c2ln")).contains("JSON"));
        assert!(refused(&format!("bm90IGpzb24.{payload}.c2ln")).contains("JOSE header"));
        let ec = jws(
            &json!({ "alg": "RS256", "x5c": [EC_CERTIFICATE] }),
            &statement(),
        );
        assert!(refused(&ec).contains("RSA public key"));
        let not_list = jws(&json!({ "alg": "RS256", "x5c": CERTIFICATE }), &statement());
        assert!(refused(&not_list).contains("x5c"));
        assert!(check_signature(&s, 0, &[0xff, 0xfe]).is_err());
    }

    #[test]
    fn signature_attachments_are_found_by_usage_type() {
        let mut s = signed(&statement());
        s["attachments"].as_array_mut().expect("list").insert(
            0,
            json!({ "usageType": "http://example.com/other", "sha2": "AB" }),
        );
        assert_eq!(
            signature_attachments(&s),
            [(
                1,
                "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a".to_owned()
            )]
        );
        assert!(signature_attachments(&statement()).is_empty());
    }
}
