//! The audit trail: an append-only record of every write and every read of sensitive data.

use crate::ids::AuditEventId;
use chrono::{DateTime, Utc};

/// One audited action. `action` is a stable dotted code such as `employee.update`.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub occurred_at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub request_id: Option<String>,
}

/// Which audit events to list: every given field must match exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
}
