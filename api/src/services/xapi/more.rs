//! The `more` token of a statement page: where the next page continues (the filters, the view,
//! the snapshot and the position), signed with HMAC-SHA256 under a key every instance shares, so
//! that a client cannot edit it into another query (docs/decisions/0003-xapi-more-token.md).

use super::queries::{StatementFilter, StatementView};
use crate::error::{ApiError, ApiResult};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use learnwell_domain::FieldError;
use learnwell_persistence::{keys, Db};
use learnwell_xapi::StatementFormat;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::sync::OnceCell;

/// The row of `signing_keys` that holds the key.
const KEY_NAME: &str = "xapi.more";

/// What the tag covers besides the payload, so that a tag made for something else never fits.
const DOMAIN: &[u8] = b"learnwell xapi more v1\n";

/// The length of an HMAC-SHA256 tag.
const TAG_LEN: usize = 32;

/// Where the next page of a query continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Continuation {
    pub filter: StatementFilter,
    pub view: StatementView,
    /// After this statement (by sequence number); `None` for the first page.
    pub after_seq: Option<i64>,
    /// The snapshot: statements stored up to this sequence number when the first page was read.
    pub up_to_seq: i64,
    /// The page size, already clamped.
    pub limit: u64,
}

/// The signed payload, as JSON.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    filter: StatementFilter,
    format: String,
    attachments: bool,
    after_seq: Option<i64>,
    up_to_seq: i64,
    limit: u64,
}

/// Signs and opens `more` tokens. The key is read (or, by the first instance, written) on first
/// use and kept for the life of the process.
#[derive(Default)]
pub struct MoreLinks {
    key: OnceCell<Vec<u8>>,
}

impl MoreLinks {
    async fn key(&self, db: &Db) -> ApiResult<&[u8]> {
        let key = self
            .key
            .get_or_try_init(|| async {
                use rand::RngCore;
                let mut candidate = [0u8; 32];
                rand::thread_rng().fill_bytes(&mut candidate);
                let stored =
                    keys::shared_key(db, KEY_NAME, &URL_SAFE_NO_PAD.encode(candidate)).await?;
                URL_SAFE_NO_PAD
                    .decode(stored)
                    .map_err(|e| ApiError::Internal(format!("the stored more-link key: {e}")))
            })
            .await?;
        Ok(key)
    }

    pub(super) async fn sign(&self, db: &Db, next: &Continuation) -> ApiResult<String> {
        let payload = serde_json::to_vec(&Payload {
            filter: next.filter.clone(),
            format: next.view.format.as_str().to_owned(),
            attachments: next.view.attachments,
            after_seq: next.after_seq,
            up_to_seq: next.up_to_seq,
            limit: next.limit,
        })
        .map_err(|e| ApiError::Internal(format!("encoding a more link: {e}")))?;
        seal(self.key(db).await?, &payload)
    }

    /// The continuation of a token this LRS signed; 400 for anything else.
    pub(super) async fn open(&self, db: &Db, token: &str) -> ApiResult<Continuation> {
        let bad = || ApiError::InvalidQuery(FieldError::new("more", "is not a link this LRS gave"));
        let payload = unseal(self.key(db).await?, token)?.ok_or_else(bad)?;
        let p: Payload = serde_json::from_slice(&payload).map_err(|_| bad())?;
        let format = StatementFormat::parse(&p.format).ok_or_else(bad)?;
        Ok(Continuation {
            filter: p.filter,
            view: StatementView {
                format,
                attachments: p.attachments,
            },
            after_seq: p.after_seq,
            up_to_seq: p.up_to_seq,
            limit: p.limit,
        })
    }
}

fn mac(key: &[u8], payload: &[u8]) -> ApiResult<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .map_err(|e| ApiError::Internal(format!("the more-link key: {e}")))?;
    mac.update(DOMAIN);
    mac.update(payload);
    Ok(mac)
}

/// `base64url(tag || payload)`.
fn seal(key: &[u8], payload: &[u8]) -> ApiResult<String> {
    let mut token = mac(key, payload)?.finalize().into_bytes().to_vec();
    token.extend_from_slice(payload);
    Ok(URL_SAFE_NO_PAD.encode(token))
}

/// The payload of a token whose tag verifies under `key` (compared in constant time); `None`
/// for a token that does not decode, is too short, or was signed otherwise or edited.
fn unseal(key: &[u8], token: &str) -> ApiResult<Option<Vec<u8>>> {
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(token) else {
        return Ok(None);
    };
    if bytes.len() <= TAG_LEN {
        return Ok(None);
    }
    let (tag, payload) = bytes.split_at(TAG_LEN);
    Ok(mac(key, payload)?
        .verify_slice(tag)
        .is_ok()
        .then(|| payload.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_sealed_payload_opens_with_its_key_only() {
        let token = seal(KEY, b"{\"limit\":2}").unwrap();
        assert_eq!(unseal(KEY, &token).unwrap().unwrap(), b"{\"limit\":2}");
        assert_eq!(unseal(b"another key", &token).unwrap(), None);
    }

    #[test]
    fn an_edited_truncated_or_made_up_token_does_not_open() {
        let token = seal(KEY, b"{\"limit\":2}").unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert_eq!(unseal(KEY, &URL_SAFE_NO_PAD.encode(&bytes)).unwrap(), None);
        assert_eq!(unseal(KEY, &token[..token.len() - 4]).unwrap(), None);
        assert_eq!(unseal(KEY, &token[..20]).unwrap(), None);
        assert_eq!(unseal(KEY, "not base64!").unwrap(), None);
        let unsigned = URL_SAFE_NO_PAD.encode(b"{\"limit\":2}");
        assert_eq!(unseal(KEY, &unsigned).unwrap(), None);
    }
}
