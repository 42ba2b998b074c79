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
