//! HTTP policy for every answer: security headers, no TRACE, and CORS for the configured origins.
//!
//! - every answer: `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, and
//!   `Strict-Transport-Security` when `server.hsts_max_age_seconds` is set;
//! - HTML pages: a Content-Security-Policy that allows only this origin's scripts (the pages
//!   have no inline script) and `X-Frame-Options: DENY`;
//! - answers to requests that carry credentials: `Cache-Control: no-store` unless the handler
//!   chose otherwise;
//! - `TRACE` (and `CONNECT`) are 405 everywhere;
//! - CORS: the origins in `server.cors_origins` only, with preflights for `/graphql`, `/api/v1`
//!   and `/xapi` (the xAPI headers allowed and exposed).

use crate::error::ApiError;
use actix_cors::Cors;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The headers and methods of the policy (outermost but one: the request id is set first).
pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if [Method::TRACE, Method::CONNECT].contains(req.method()) {
        let refused = ApiError::MethodNotAllowed {
            allowed: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
        }
        .error_response_owned();
        return Ok(req.into_response(refused).map_into_right_body());
    }
    let hsts = req
        .app_data::<actix_web::web::Data<crate::services::Services>>()
        .map_or(0, |s| s.settings.server.hsts_max_age_seconds);
    let credentialed = req.headers().contains_key(header::AUTHORIZATION);
    let mut res = next.call(req).await?;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if hsts > 0 {
        if let Ok(v) = HeaderValue::from_str(&format!("max-age={hsts}; includeSubDomains")) {
            h.insert(header::STRICT_TRANSPORT_SECURITY, v);
        }
    }
    let is_html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if credentialed && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res.map_into_left_body())
}

const XAPI_HEADERS: [&str; 2] = [
    "x-experience-api-version",
    "x-experience-api-consistent-through",
];

/// CORS for the configured origins. A page of this server itself (GraphiQL, the API docs) is the
/// same origin: browsers send `Origin` on its POSTs too, so the request's own host is allowed.
pub fn cors(origins: &[String]) -> Cors {
    let allowed: Vec<String> = origins
        .iter()
        .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
        .collect();
    Cors::default()
        .allowed_origin_fn(move |origin, head| {
            let Ok(origin) = origin.to_str() else {
                return false;
            };
            let origin = origin.to_ascii_lowercase();
            let same = head
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .is_some_and(|host| {
                    origin
                        .strip_prefix("http://")
                        .or_else(|| origin.strip_prefix("https://"))
                        == Some(host.to_ascii_lowercase().as_str())
                });
            same || allowed.contains(&origin)
        })
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static(XAPI_HEADERS[0]),
        ])
        .expose_headers([
            header::ETAG,
            header::LAST_MODIFIED,
            header::LOCATION,
            header::RETRY_AFTER,
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("idempotent-replayed"),
            HeaderName::from_static(XAPI_HEADERS[0]),
            HeaderName::from_static(XAPI_HEADERS[1]),
        ])
        .max_age(600)
}
