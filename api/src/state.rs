//! Wiring: what one instance runs with. The services hold the database, the key-value store and
//! the caches; the authenticator checks bearer tokens. Neither imports this module.

use crate::auth::Authenticator;
use crate::services::Services;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub auth: Arc<Authenticator>,
}
