//! The xAPI protocol, for xAPI 1.0.3 and 2.0.0 (IEEE 9274.1.1-2023): the pure parts of a Learning
//! Record Store. No IO, no framework, no business rules: which statements count as learning, and
//! what they become, is `learnwell_domain::xapi` (docs/decisions/0002-xapi-protocol-crate.md).
//!
//! Statements stay `serde_json::Value`s: the LRS must store and return them exactly as received
//! (Data 2.3.1), so nothing here rebuilds them from typed structs. What is here:
//!
//! - [`XapiVersion`]: the `X-Experience-API-Version` of a request;
//! - [`validate_statement`]: the full statement rules of the specification and the conformance
//!   test suite (allowed properties at every level, formats, cross-property rules), and
//!   [`validate_agent_parameter`] for the `agent` query parameter;
//! - [`parse_timestamp`], [`parse_duration`], [`truncate_duration`] and the string formats
//!   ([`is_iri`], [`is_uuid`], [`is_language_tag`], [`is_mailto_iri`]) for parameters;
//! - [`AgentIfi`], [`agent_key`], [`statement_agents`], [`related_agents`],
//!   [`statement_activities`], [`related_activities`], [`voided_statement_id`],
//!   [`referenced_statement_id`]: what a statement is indexed by;
//! - [`complete_batch`]: a PUT or POST body checked and completed as the LRS stores it;
//! - [`same_statement`]: the Statement Comparison Requirements, for idempotent re-submission;
//! - [`with_context_activity_arrays`], [`format_ids`], [`format_canonical`] (with
//!   [`parse_accept_language`] and [`best_language`]): the views GET statements returns;
//! - [`multipart`]: reading and writing `multipart/mixed` bodies; [`attachment_parts`],
//!   [`check_attachments_sent`]: matching attachment parts with the attachments statements
//!   declare, by SHA-2 hash;
//! - [`check_signature`]: the structure of a signed statement's JWS (Data 2.6);
//! - [`DocumentKind`], [`DocumentScope`], [`Document`]: the document resources' documents;
//!   [`put_without_precondition`]: when a PUT needs `If-Match` / `If-None-Match`.
//!
//! Where the specification and the ADL conformance test suite disagree, the test suite wins, and
//! the function says so.

mod agents;
mod attachments;
mod batch;
mod compare;
mod documents;
mod duration;
mod format;
pub mod multipart;
mod signature;
#[cfg(test)]
mod suite_cases;
mod syntax;
mod timestamp;
mod validate;

pub use agents::{
    agent_key, referenced_statement_id, related_activities, related_agents, statement_activities,
    statement_agents, voided_statement_id, AgentIfi,
};
pub use attachments::{
    attachment_parts, check_attachments_sent, declared_hashes, sha2_matches, statement_hashes,
    AttachmentContent, HASH_HEADER,
};
pub use batch::{complete_batch, statement_path, Batch};
pub use compare::same_statement;
pub use documents::{
    put_without_precondition, Document, DocumentKind, DocumentScope, MissingPrecondition,
};
pub use duration::{parse_duration, truncate_duration};
pub use format::{
    best_language, format_canonical, format_ids, merge_activity_definitions, parse_accept_language,
    with_context_activity_arrays, StatementFormat,
};
pub use signature::{
    check_signature, rsa_public_key, signature_attachments, SignatureAlgorithm, StatementSignature,
    SIGNATURE_USAGE,
};
pub use syntax::{is_iri, is_language_tag, is_mailto_iri, is_uuid};
pub use timestamp::{format_timestamp, parse_timestamp};
pub use validate::{validate_agent_parameter, validate_statement, without_null_timestamp};

/// The verb that voids another statement (Data 2.3.2).
pub const VOIDED_VERB: &str = "http://adlnet.gov/expapi/verbs/voided";

/// An xAPI statement (or request) that breaks a rule: the offending property path, as the client
/// sent it (`statement.actor.mbox`, `statement.context.contextActivities.parent[0].id`), and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct XapiError {
    pub path: String,
    pub reason: String,
}

impl XapiError {
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// The xAPI version a request follows, from its `X-Experience-API-Version` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum XapiVersion {
    /// xAPI 1.0.3; requests saying `1.0` or any `1.0.x` follow it (Communication 3.3).
    V1_0_3,
    /// xAPI 2.0.0 (IEEE 9274.1.1-2023); requests saying `2.0` or `2.0.x`.
    V2_0_0,
}

impl XapiVersion {
    /// The header name.
    pub const HEADER: &'static str = "X-Experience-API-Version";

    /// Parse a header value: `1.0` and `1.0.<patch>` are 1.0.3 (the LRS answers every 1.0.x
    /// request as the latest patch); `2.0` and `2.0.<patch>` are 2.0.0. Anything else (a missing
    /// patch number, `0.95`, `1.1.0`, text) is refused, to be answered with 400 Bad Request.
    pub fn parse(header: &str) -> Result<Self, XapiError> {
        let value = header.trim();
        if is_version_of(value, "1.0", false) {
            Ok(Self::V1_0_3)
        } else if is_version_of(value, "2.0", false) {
            Ok(Self::V2_0_0)
        } else {
            Err(XapiError::new(
                Self::HEADER,
                format!("unsupported xAPI version {value:?}; use 1.0.3 or 2.0.0"),
            ))
        }
    }

    /// The header value the LRS answers with: `1.0.3` or `2.0.0`.
    pub fn as_header(self) -> &'static str {
        match self {
            Self::V1_0_3 => "1.0.3",
            Self::V2_0_0 => "2.0.0",
        }
    }
}

impl std::fmt::Display for XapiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_header())
    }
}

/// Is `value` `<minor>` itself or `<minor>.<patch>` (patch: digits, and with `semver_suffix` a
/// Semantic Versioning 1.0.0 pre-release or build suffix such as `-beta.1` or `+build5`)?
pub(crate) fn is_version_of(value: &str, minor: &str, semver_suffix: bool) -> bool {
    let Some(rest) = value.strip_prefix(minor) else {
        return false;
    };
    let Some(patch) = rest.strip_prefix('.') else {
        return rest.is_empty();
    };
    let digits = patch.bytes().take_while(u8::is_ascii_digit).count();
    let suffix = &patch[digits..];
    digits > 0
        && (suffix.is_empty()
            || (semver_suffix
                && (suffix.starts_with('-') || suffix.starts_with('+'))
                && suffix.len() > 1
                && suffix
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_1_0_header_is_answered_as_1_0_3() {
        for header in [
            "1.0", "1.0.0", "1.0.1", "1.0.2", "1.0.3", " 1.0.3 ", "1.0.9",
        ] {
            assert_eq!(
                XapiVersion::parse(header),
                Ok(XapiVersion::V1_0_3),
                "{header}"
            );
        }
    }

    #[test]
    fn a_2_0_header_is_2_0_0() {
        for header in ["2.0", "2.0.0"] {
            assert_eq!(
                XapiVersion::parse(header),
                Ok(XapiVersion::V2_0_0),
                "{header}"
            );
        }
    }

    #[test]
    fn other_headers_are_refused_naming_the_header() {
        for header in [
            "", "1", "0.95", "0.9", "1.1.0", "1.0.", "1.0.x", "2.1.0", "3.0.0", "latest",
        ] {
            let error = XapiVersion::parse(header).unwrap_err();
            assert_eq!(error.path, "X-Experience-API-Version", "{header}");
        }
    }

    #[test]
    fn the_answer_header_is_the_full_version() {
        assert_eq!(XapiVersion::V1_0_3.as_header(), "1.0.3");
        assert_eq!(XapiVersion::V2_0_0.as_header(), "2.0.0");
        assert_eq!(XapiVersion::V2_0_0.to_string(), "2.0.0");
    }

    #[test]
    fn semver_suffixes_are_accepted_only_where_asked_for() {
        assert!(is_version_of("1.0.3-beta.1", "1.0", true));
        assert!(is_version_of("1.0.0+build5", "1.0", true));
        assert!(!is_version_of("1.0.3-beta.1", "1.0", false));
        assert!(!is_version_of("1.0.3-", "1.0", true));
        assert!(!is_version_of("1.0.3 x", "1.0", true));
    }

    #[test]
    fn an_xapi_error_reads_as_path_and_reason() {
        let error = XapiError::new("statement.actor.mbox", "must be a mailto: IRI");
        assert_eq!(
            error.to_string(),
            "statement.actor.mbox: must be a mailto: IRI"
        );
    }
}
