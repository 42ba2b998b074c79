//! REST adapters under `/api/v1`: extract input and the caller, call one service, map the result.
//! Routes are registered once through utoipa-actix-web, so the OpenAPI document cannot drift.

pub mod audit;
pub mod catalog;
pub mod learning;
pub mod learning_time;
pub mod org;
pub mod system;
pub mod xapi;

use crate::error::ApiError;
use actix_web::http::header;
use actix_web::HttpRequest;
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

/// A page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PageOf<T: utoipa::ToSchema> {
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T: utoipa::ToSchema> PageOf<T> {
    pub fn map<S>(page: crate::services::Page<S>, f: impl FnMut(S) -> T) -> Self {
        Self {
            items: page.items.into_iter().map(f).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

/// The version a client read, from `If-Match: "<version>"` (strong or weak).
pub fn if_match(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(v) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let v = v.to_str().map_err(|_| ApiError::PreconditionFailed)?.trim();
    let v = v.strip_prefix("W/").unwrap_or(v).trim_matches('"');
    v.parse()
        .map(Some)
        .map_err(|_| ApiError::PreconditionFailed)
}

pub fn etag(version: i64) -> header::EntityTag {
    header::EntityTag::new_strong(version.to_string())
}

/// Every REST route of the API.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/api/v1")
            .configure(org::routes)
            .configure(catalog::routes)
            .configure(learning::routes)
            .configure(learning_time::routes)
            .configure(xapi::routes)
            .configure(audit::routes),
    );
}

/// The OpenAPI document as committed in `openapi/openapi.json` (pretty, trailing newline).
pub fn openapi_json() -> Result<String, serde_json::Error> {
    crate::startup::openapi().to_pretty_json().map(|s| s + "\n")
}
