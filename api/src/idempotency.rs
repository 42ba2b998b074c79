//! `Idempotency-Key`: the first response to a key is stored (24 h by default) and replayed to
//! retries; the same key with a different request is refused. Shared across instances via Redis.

use crate::error::{ApiError, ApiResult};
use crate::services::Ctx;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::future::{ready, Ready};
use std::time::Duration;

#[derive(Serialize, Deserialize)]
enum Entry {
    InProgress {
        fingerprint: String,
    },
    Done {
        fingerprint: String,
        status: u16,
        body: String,
    },
}

/// A fingerprint of the request (method, path, query, body).
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    format!("{:x}", h.finalize())
}

fn response(status: u16, body: String, replayed: bool) -> HttpResponse {
    let mut r = HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK));
    r.content_type("application/json");
    if replayed {
        r.insert_header(("Idempotent-Replayed", "true"));
    }
    r.body(body)
}

/// The `Idempotency-Key` header of a request (1-255 characters), if it has one.
pub struct IdempotencyKey(Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = match req.headers().get("idempotency-key") {
            None => Ok(None),
            Some(v) => v
                .to_str()
                .ok()
                .filter(|k| !k.is_empty() && k.len() <= 255)
                .map(|k| Some(k.to_owned()))
                .ok_or_else(|| {
                    ApiError::InvalidQuery(learnwell_domain::FieldError::new(
                        "Idempotency-Key",
                        "must be 1-255 visible ASCII characters",
                    ))
                }),
        };
        ready(key.map(IdempotencyKey))
    }
}

/// Run `op` once per (caller, key) and answer its result as JSON (200); with no key, just run
/// it. `fingerprint` identifies the request, so the same key with another request is refused.
pub async fn run<T, F, Fut>(
    ctx: &Ctx,
    key: &IdempotencyKey,
    fingerprint: &str,
    op: F,
) -> ApiResult<HttpResponse>
where
    T: Serialize,
    F: FnOnce() -> Fut,
    Fut: Future<Output = ApiResult<T>>,
{
    let json =
        |value: &T| serde_json::to_string(value).map_err(|e| ApiError::Internal(e.to_string()));
    let Some(key) = key.0.as_deref() else {
        return Ok(response(200, json(&op().await?)?, false));
    };
    let fingerprint = fingerprint.to_owned();
    let svc = ctx.services();
    let subject = &ctx.principal.subject;
    let ttl = Duration::from_secs(svc.settings.hris.idempotency_ttl_hours * 3600);
    let slot = format!("idem:{subject}:{}", self::fingerprint(&[key.as_bytes()]));
    let reserve = serde_json::to_vec(&Entry::InProgress {
        fingerprint: fingerprint.clone(),
    })
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    if !svc.kv.set_if_absent(&slot, &reserve, ttl).await? {
        let stored = svc
            .kv
            .get(&slot)
            .await?
            .ok_or(ApiError::IdempotencyInProgress)?;
        return match serde_json::from_slice::<Entry>(&stored)
            .map_err(|e| ApiError::Internal(e.to_string()))?
        {
            Entry::InProgress { .. } => Err(ApiError::IdempotencyInProgress),
            Entry::Done { fingerprint: f, .. } if f != fingerprint => {
                Err(ApiError::IdempotencyKeyReused)
            }
            Entry::Done { status, body, .. } => Ok(response(status, body, true)),
        };
    }
    match op().await.and_then(|value| json(&value)) {
        Ok(body) => {
            let done = Entry::Done {
                fingerprint,
                status: 200,
                body: body.clone(),
            };
            let bytes = serde_json::to_vec(&done).map_err(|e| ApiError::Internal(e.to_string()))?;
            svc.kv.set(&slot, &bytes, ttl).await?;
            Ok(response(200, body, false))
        }
        Err(err) => {
            // A failed attempt leaves nothing behind, so a retry runs again.
            svc.kv.delete(&slot).await?;
            Err(err)
        }
    }
}
