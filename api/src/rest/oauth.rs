//! `POST /oauth/token`: the OAuth 2.0 client-credentials grant (RFC 6749 section 4.4), answered
//! in the protocol's own format (section 5.1 and 5.2), not as problem documents.

use crate::auth::{app_parts, client_address};
use crate::error::ApiError;
use crate::services::integration_clients::{self as svc, GrantError, TokenRequest};
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use base64::Engine;
use learnwell_domain::xapi::TokenRefusal;
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(issue_oauth_token);
}

/// The form of a token request (`application/x-www-form-urlencoded`).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct TokenForm {
    /// `client_credentials`.
    pub grant_type: Option<String>,
    /// Space-separated scopes, all of the client's; all of them when absent.
    pub scope: Option<String>,
    /// With `client_secret`, instead of HTTP Basic.
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// A granted token (RFC 6749 section 5.1).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds.
    pub expires_in: u64,
    /// Space-separated.
    pub scope: String,
}

/// A refused token request (RFC 6749 section 5.2).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OAuthError {
    /// `invalid_client`, `invalid_request`, `unsupported_grant_type` or `invalid_scope`.
    pub error: String,
    pub error_description: String,
}

/// Get a short-lived token for an integration client (OAuth 2.0 client credentials): the client
/// authenticates by HTTP Basic (`client_id:client_secret`) or by the `client_id` and
/// `client_secret` form fields. Errors are RFC 6749's: `invalid_client` (401, with
/// `WWW-Authenticate: Basic`), `invalid_request`, `unsupported_grant_type`, `invalid_scope` (400).
#[utoipa::path(tag = "oauth",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, body = TokenResponse, description = "A token (`Cache-Control: no-store`)"),
        (status = 400, body = OAuthError, description = "invalid_request, unsupported_grant_type or invalid_scope"),
        (status = 401, body = OAuthError, description = "invalid_client")))]
#[post("/oauth/token")]
async fn issue_oauth_token(req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let (services, auth) = app_parts(&req)?;
    let form_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';').next().is_some_and(|t| {
                t.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
    if !form_type {
        return Ok(refused(&TokenRefusal::InvalidRequest(
            "send the request as application/x-www-form-urlencoded".into(),
        )));
    }
    let Ok(form) = serde_urlencoded::from_bytes::<TokenForm>(&body) else {
        return Ok(refused(&TokenRefusal::InvalidRequest(
            "the form does not parse, or repeats a parameter".into(),
        )));
    };
    let basic = match basic_credentials(&req) {
        Ok(basic) => basic,
        Err(refusal) => return Ok(refused(&refusal)),
    };
    let address = client_address(&req, &services.settings.server.trusted_proxies);
    let request = TokenRequest {
        basic,
        grant_type: form.grant_type,
        scope: form.scope,
        client_id: form.client_id,
        client_secret: form.client_secret,
    };
    match svc::grant_token(&services, &auth, address, request).await {
        Ok(granted) => Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::PRAGMA, "no-cache"))
            .json(TokenResponse {
                access_token: granted.access_token,
                token_type: "Bearer".into(),
                expires_in: granted.expires_in,
                scope: granted.scope,
            })),
        Err(GrantError::Refused(refusal)) => Ok(refused(&refusal)),
        Err(GrantError::Api(e)) => Err(e),
    }
}

/// HTTP Basic client credentials (RFC 6749 section 2.3.1: both parts form-urlencoded), if sent.
fn basic_credentials(req: &HttpRequest) -> Result<Option<(String, String)>, TokenRefusal> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || TokenRefusal::InvalidClient("unreadable HTTP Basic credentials".into());
    let encoded = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
        .ok_or_else(bad)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
    let unescape = |s: &str| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={s}"))
            .ok()
            .and_then(|mut v| v.pop())
            .map(|(_, v)| v)
    };
    Ok(Some((
        unescape(id).ok_or_else(bad)?,
        unescape(secret).ok_or_else(bad)?,
    )))
}

fn refused(refusal: &TokenRefusal) -> HttpResponse {
    let mut answer = if matches!(refusal, TokenRefusal::InvalidClient(_)) {
        let mut a = HttpResponse::Unauthorized();
        a.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"learnwell\""));
        a
    } else {
        HttpResponse::BadRequest()
    };
    answer
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(OAuthError {
            error: refusal.code().to_owned(),
            error_description: refusal.description().to_owned(),
        })
}
