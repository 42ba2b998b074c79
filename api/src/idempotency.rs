//! `Idempotency-Key`: the first response to a key is stored (24 h by default) and replayed to
//! retries; the same key with a different request is refused. Shared across instances via Redis.

use crate::error::{ApiError, ApiResult};
use crate::services::Services;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::future::Future;
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

/// Run `op` once per (caller, key); with no key, just run it.
pub async fn run<F, Fut>(
    svc: &Services,
    subject: &str,
    key: Option<&str>,
    fingerprint: String,
    op: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = ApiResult<(StatusCode, String)>>,
{
    let Some(key) = key else {
        let (status, body) = op().await?;
        return Ok(response(status.as_u16(), body, false));
    };
    if key.is_empty() || key.len() > 255 {
        return Err(ApiError::InvalidQuery(learnwell_domain::FieldError::new(
            "Idempotency-Key",
            "must be 1-255 characters",
        )));
    }
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
    match op().await {
        Ok((status, body)) => {
            let done = Entry::Done {
                fingerprint,
                status: status.as_u16(),
                body: body.clone(),
            };
            let bytes = serde_json::to_vec(&done).map_err(|e| ApiError::Internal(e.to_string()))?;
            svc.kv.set(&slot, &bytes, ttl).await?;
            Ok(response(status.as_u16(), body, false))
        }
        Err(err) => {
            // A failed attempt leaves nothing behind, so a retry runs again.
            svc.kv.delete(&slot).await?;
            Err(err)
        }
    }
}
