//! The document resources (Communication 2.3 to 2.6): State, Activity Profile and Agent Profile
//! documents are opaque content an LMS keeps about an activity, an agent or both.

/// Which document resource a document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    State,
    ActivityProfile,
    AgentProfile,
}

/// Where a document lives: its resource, the activity and agent it is about (empty when the
/// resource has none) and the registration (empty for none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentScope {
    pub kind: DocumentKind,
    pub activity_id: String,
    pub agent_key: String,
    pub registration: String,
}

/// A stored document: its id within its scope, its content as sent, and its ETag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub document_id: String,
    pub content_type: String,
    pub content: Vec<u8>,
    pub etag: String,
    /// When it was last written, in microseconds since the epoch.
    pub updated_us: i64,
}

/// Why a PUT without `If-Match` / `If-None-Match` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingPrecondition {
    /// The document exists: replacing it without saying which version it replaces would lose
    /// someone's change (409, Communication 3.1).
    Exists,
    /// xAPI 1.0.3 profile resources take no PUT without a precondition at all, even for a new
    /// document (400, Communication 2.6.s3 and 2.7.s3: XAPI-00273 of the conformance suite).
    Required,
}

/// Whether a PUT that carries no precondition may go on, by the version's rule. 1.0.3 lets the
/// State resource go without ("state conflicts are unlikely", Communication 3.1) and asks one of
/// every profile PUT; 2.0.0 asks one of every document resource when the document exists.
pub fn put_without_precondition(
    kind: DocumentKind,
    version: crate::XapiVersion,
    exists: bool,
) -> Result<(), MissingPrecondition> {
    use crate::XapiVersion::{V1_0_3, V2_0_0};
    match (kind, version, exists) {
        (DocumentKind::State, V1_0_3, _) => Ok(()),
        (_, _, true) => Err(MissingPrecondition::Exists),
        (DocumentKind::ActivityProfile | DocumentKind::AgentProfile, V1_0_3, false) => {
            Err(MissingPrecondition::Required)
        }
        (_, V2_0_0, false) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::XapiVersion::{V1_0_3, V2_0_0};

    #[test]
    fn a_put_without_precondition_follows_the_versions_rule() {
        use DocumentKind::{ActivityProfile, AgentProfile, State};
        use MissingPrecondition::{Exists, Required};
        for exists in [false, true] {
            assert_eq!(put_without_precondition(State, V1_0_3, exists), Ok(()));
        }
        for kind in [ActivityProfile, AgentProfile] {
            assert_eq!(put_without_precondition(kind, V1_0_3, false), Err(Required));
            assert_eq!(put_without_precondition(kind, V1_0_3, true), Err(Exists));
        }
        for kind in [State, ActivityProfile, AgentProfile] {
            assert_eq!(put_without_precondition(kind, V2_0_0, false), Ok(()));
            assert_eq!(put_without_precondition(kind, V2_0_0, true), Err(Exists));
        }
    }
}
