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
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use serde::Serialize;
use std::future::{ready, Ready};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::AppExt;

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

/// The version a client read, from `If-Match: "<version>"` (strong or weak); `None` without the
/// header (the use case decides whether it is required). An unreadable value is a stale version.
pub struct IfMatch(pub Option<i64>);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = match req.headers().get(header::IF_MATCH) {
            None => Ok(None),
            Some(v) => v
                .to_str()
                .ok()
                .map(|v| v.trim())
                .map(|v| v.strip_prefix("W/").unwrap_or(v).trim_matches('"'))
                .and_then(|v| v.parse().ok())
                .map(Some)
                .ok_or(ApiError::PreconditionFailed),
        };
        ready(parsed.map(IfMatch))
    }
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

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Learnwell", description = "Learning & development backend. Conventions: docs/API-DESIGN.md."),
    modifiers(&BearerAuth),
    components(schemas(crate::error::Problem))
)]
struct ApiDoc;

/// The OpenAPI document, collected from the registered routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .configure(system::routes)
        .split_for_parts();
    api
}

/// The OpenAPI document as committed in `openapi/openapi.json` (pretty, trailing newline).
pub fn openapi_json() -> Result<String, serde_json::Error> {
    openapi().to_pretty_json().map(|s| s + "\n")
}
