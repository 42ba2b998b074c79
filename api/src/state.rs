//! Shared application state: the database, the key-value store, the authenticator, settings.

use crate::auth::Authenticator;
use crate::config::Settings;
use crate::error::{ApiError, ApiResult};
use crate::services::org::cache::DirectoryCache;
use learnwell_persistence::kv::KvStore;
use learnwell_persistence::Db;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    pub kv: Arc<dyn KvStore>,
    pub auth: Arc<Authenticator>,
    /// Employees by id for the hot read paths; coherent across instances through `kv`.
    pub directory: Arc<DirectoryCache>,
    /// LRS client secrets verified since start (argon2 runs once per client and secret).
    pub lrs_credentials: Arc<crate::services::xapi::CredentialCache>,
    pub projector: Arc<crate::services::xapi::projection::Projector>,
}

impl AppState {
    /// Charge one request to `subject`'s per-minute budget (fixed window, shared via the KV store).
    pub async fn rate_limit(&self, subject: &str) -> ApiResult<()> {
        let limit = self.settings.rate_limit.per_minute;
        if limit == 0 {
            return Ok(());
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let window = now / 60;
        let used = self
            .kv
            .increment(&format!("rl:{subject}:{window}"), Duration::from_secs(61))
            .await?;
        if used > limit {
            return Err(ApiError::RateLimited {
                retry_after_secs: 60 - now % 60,
            });
        }
        Ok(())
    }
}
