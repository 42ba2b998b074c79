//! REST adapters under `/api/v1`: extract input and the caller, call one service, map the result.
//! Routes are registered once through utoipa-actix-web, so the OpenAPI document cannot drift.

pub mod advising;
pub mod audit;
pub mod catalog;
pub mod development;
pub mod integration_clients;
pub mod learning;
pub mod learning_time;
pub mod oauth;
pub mod org;
pub mod pipeline;
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

/// A page of a list without filters: `first` items after the cursor `after`
/// (`docs/API-DESIGN.md`, "Pagination").
#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1-200 (default 50).
    pub first: Option<u64>,
    /// Cursor from `next_cursor` of the previous page.
    pub after: Option<String>,
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
            .configure(development::routes)
            .configure(xapi::routes)
            .configure(integration_clients::routes)
            .configure(advising::routes)
            .configure(pipeline::routes)
            .configure(audit::routes),
    )
    .configure(oauth::routes);
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
    let (_, mut api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .configure(system::routes)
        .split_for_parts();
    for item in api.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            document_errors(op);
        }
    }
    api
}

/// Every operation declares the errors the server can answer it with, as the problem documents
/// they are (`application/problem+json`): what any authenticated call may meet (401, 429, 503),
/// what a body may meet (400, 413, 415, and 422 when it breaks a rule), a path id (404), query
/// parameters (400). Statuses a handler declares itself keep their description.
fn document_errors(op: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::ParameterIn;
    // OAuth's token endpoint answers in RFC 6749's own error format, as declared on it.
    if op
        .tags
        .as_ref()
        .is_some_and(|t| t.iter().any(|t| t == "oauth"))
    {
        return;
    }
    let params = op.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| params.iter().any(|p| p.parameter_in == place);
    let mut statuses: Vec<u16> = Vec::new();
    if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
        statuses.extend([401, 403, 429, 503]);
    }
    if op.request_body.is_some() {
        // A well-formed body can still break a field rule or a named rule.
        statuses.extend([400, 413, 415, 422]);
    }
    if has(ParameterIn::Path) {
        statuses.push(404);
    }
    if has(ParameterIn::Query) || has(ParameterIn::Header) {
        statuses.push(400);
    }
    if params
        .iter()
        .any(|p| p.name.eq_ignore_ascii_case("if-match"))
    {
        statuses.extend([412, 428]);
    }
    let responses = &mut op.responses.responses;
    for status in statuses {
        responses
            .entry(status.to_string())
            .or_insert_with(|| problem_response(status).into());
    }
    for (status, response) in responses.iter_mut() {
        let utoipa::openapi::RefOr::T(response) = response else {
            continue;
        };
        if status.starts_with('4') || status.starts_with('5') {
            if let Some(content) = response.content.shift_remove("application/json") {
                response
                    .content
                    .insert("application/problem+json".to_owned(), content);
            }
        }
        if response.description.is_empty() {
            response.description = describe(status);
        }
    }
}

fn problem_response(status: u16) -> utoipa::openapi::Response {
    utoipa::openapi::ResponseBuilder::new()
        .description(describe(&status.to_string()))
        .content(
            "application/problem+json",
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// What a status means in this API (`docs/API-DESIGN.md` has the codes behind each).
fn describe(status: &str) -> String {
    match status {
        "200" => "OK",
        "201" => "Created",
        "204" => "No content",
        "400" => "The request is malformed: body, query or header (`code` says which rule)",
        "401" => "No, an expired or a wrongly signed token (`unauthenticated`)",
        "403" => "The caller's role or relation does not allow this (`forbidden`)",
        "404" => "No such record, or one the caller may not know exists (`not_found`)",
        "409" => "A state conflict or a duplicate unique value",
        "412" => "`If-Match` names an old version (`version_mismatch`)",
        "413" => "The body is larger than the configured limit (`payload_too_large`)",
        "415" => "The body's media type is not accepted (`unsupported_media_type`)",
        "422" => "Well-formed but breaks a rule (`validation_failed` or a named rule)",
        "428" => "A versioned resource changed without `If-Match` (`precondition_required`)",
        "429" => "Over a rate limit (`rate_limited`, `Retry-After`)",
        "503" => "The database or Redis is unavailable (`unavailable`, `Retry-After`)",
        other => other,
    }
    .to_owned()
}

/// The OpenAPI document as committed in `openapi/openapi.json` (pretty, trailing newline).
pub fn openapi_json() -> Result<String, serde_json::Error> {
    openapi().to_pretty_json().map(|s| s + "\n")
}
