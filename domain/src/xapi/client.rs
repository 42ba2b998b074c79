//! LRS clients: the credentials an LMS sends statements with.

use chrono::{DateTime, Utc};

/// An LRS client: HTTP Basic credentials for an LMS (the secret only as its argon2 hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LrsClient {
    pub id: String,
    pub name: String,
    pub api_key: String,
    pub secret_hash: String,
    /// Space-separated scope codes.
    pub scopes: String,
    /// The `account.homePage` whose `name` is an employee's external id.
    pub account_home_page: Option<String>,
    /// Verb IRIs that mean learning happened, beside the four ADL verbs.
    pub learning_verbs: Vec<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}
