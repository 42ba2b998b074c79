//! LRS clients (credentials for LMSs, managed by a learning admin) and who is calling `/xapi`:
//! an LRS client with HTTP Basic credentials, or a bearer token with xAPI scopes.

use crate::error::{ApiError, ApiResult, Code};
use crate::services::Services;
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use base64::Engine;
use learnwell_domain::access::{self, Claimed, LrsReads, Principal};
use learnwell_domain::xapi::{ClientKind, ClientSettings, LrsClient};
use learnwell_persistence::audit::append;
use learnwell_persistence::xapi as store;
use learnwell_xapi::agent_key;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// The `homePage` of the accounts that name LRS clients and token subjects as authorities.
pub const AUTHORITY_HOME_PAGE: &str = "urn:learnwell:lrs";

/// Verified client secrets, so that only the first request of a client pays for argon2: the
/// SHA-256 of the secret that verified, by API key. Revoking a client clears its entry.
pub struct CredentialCache {
    verified: Mutex<HashMap<String, [u8; 32]>>,
    /// Argon2 checks run on blocking threads, at most one per core but one, so that a flood of
    /// wrong secrets leaves a core for every other request.
    checks: tokio::sync::Semaphore,
    /// Argon2 checks done since start (known or unknown key alike): `learnwell_credential_checks_total`.
    done: AtomicU64,
}

impl Default for CredentialCache {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self {
            verified: Mutex::default(),
            checks: tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1)),
            done: AtomicU64::new(0),
        }
    }
}

impl CredentialCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, [u8; 32]>> {
        self.verified
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Secret checks done since start.
    pub fn checks_done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Check `secret` against an argon2 hash, off the request workers and within the bound; without
    /// a hash (unknown key) against a hash of nothing anyone knows, so both paths cost the same
    /// and fail alike.
    async fn verify(&self, hash: Option<String>, secret: String) -> ApiResult<bool> {
        let _turn = self
            .checks
            .acquire()
            .await
            .map_err(|e| ApiError::Internal(format!("secret check: {e}")))?;
        self.done.fetch_add(1, Ordering::Relaxed);
        tokio::task::spawn_blocking(move || {
            let stored = hash.unwrap_or_else(|| unknown_key_hash().to_owned());
            let Ok(parsed) = PasswordHash::new(&stored) else {
                return Err(ApiError::Internal(
                    "a stored LRS client hash does not parse".into(),
                ));
            };
            Ok(Argon2::default()
                .verify_password(secret.as_bytes(), &parsed)
                .is_ok())
        })
        .await
        .map_err(|e| ApiError::Internal(format!("secret check: {e}")))?
    }
}

/// A new client's credentials: the secret appears here once and is stored only hashed.
#[derive(Debug, Clone)]
pub struct IssuedClient {
    pub client: LrsClient,
    pub secret: String,
}

/// What an `ld_admin` gives to create an LRS client.
#[derive(Debug, Clone)]
pub struct ClientInput {
    pub name: String,
    pub scopes: Vec<String>,
    pub account_home_page: Option<String>,
    /// Verb IRIs that mean learning happened for this client, beside the four ADL verbs.
    pub learning_verbs: Vec<String>,
    /// `1.0.3` (default) or `2.0.0`.
    pub default_version: Option<String>,
}

pub(crate) fn random_token(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

#[tracing::instrument(skip_all, fields(scopes = input.scopes.len(), learning_verbs = input.learning_verbs.len()))]
pub async fn create_client(ctx: &Ctx, input: ClientInput) -> ApiResult<IssuedClient> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    let settings = ClientSettings::parse(
        &input.name,
        &input.scopes,
        input.account_home_page.as_deref(),
        &input.learning_verbs,
        input.default_version.as_deref(),
    )
    .map_err(ApiError::Validation)?;
    let (secret, secret_hash) = new_secret()?;
    let client = LrsClient {
        id: uuid::Uuid::now_v7().to_string(),
        kind: ClientKind::Lrs,
        name: settings.name().to_owned(),
        api_key: random_token(18),
        secret_hash,
        scopes: settings
            .scopes()
            .iter()
            .map(|s| s.code())
            .collect::<Vec<_>>()
            .join(" "),
        account_home_page: settings.account_home_page().map(str::to_owned),
        learning_verbs: settings.learning_verbs().own().to_vec(),
        default_version: settings.default_version(),
        created_by: ctx.principal.subject.clone(),
        created_at: ctx.now,
        revoked_at: None,
        last_used_at: None,
    };
    let tx = ctx.db.begin().await?;
    store::insert_client(&tx, &client).await?;
    append(
        &tx,
        &[audit::event(
            ctx,
            "lrs_client.create",
            "lrs_client",
            &client.id,
        )],
    )
    .await?;
    tx.commit().await?;
    Ok(IssuedClient { client, secret })
}

/// A new client secret and its argon2 hash (the only form it is stored in).
pub(crate) fn new_secret() -> ApiResult<(String, String)> {
    let secret = random_token(32);
    let hash = Argon2::default()
        .hash_password(secret.as_bytes(), &SaltString::generate(&mut OsRng))
        .map_err(|e| ApiError::Internal(format!("hashing a client secret: {e}")))?
        .to_string();
    Ok((secret, hash))
}

/// A page of the LRS clients, in creation order.
#[tracing::instrument(skip_all)]
pub async fn list_clients(
    ctx: &Ctx,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<LrsClient>> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    clients_page(ctx, ClientKind::Lrs, first, after).await
}

/// A page of the clients of one kind, in creation order (integration or LRS clients).
pub(crate) async fn clients_page(
    ctx: &Ctx,
    kind: ClientKind,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<LrsClient>> {
    let limit = page_size(first)?;
    let after = decode_cursor::<String>(after)?;
    let rows = store::list_clients(&ctx.db, kind, after, limit + 1).await?;
    Ok(paginate(rows, limit, |c| c.id.clone()))
}

#[tracing::instrument(skip_all, fields(client_id = %id))]
pub async fn revoke_client(ctx: &Ctx, id: &str) -> ApiResult<LrsClient> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    revoke(ctx, id, ClientKind::Lrs).await
}

/// Revoke a client of `kind`: its credentials stop working at once, and so do the tokens it got.
pub(crate) async fn revoke(ctx: &Ctx, id: &str, kind: ClientKind) -> ApiResult<LrsClient> {
    let what = match kind {
        ClientKind::Lrs => "LRS client",
        ClientKind::Integration => "integration client",
    };
    let client = store::get_client(&ctx.db, id)
        .await?
        .filter(|c| c.kind == kind)
        .ok_or(ApiError::NotFound(what))?;
    if client.revoked_at.is_none() {
        let tx = ctx.db.begin().await?;
        store::revoke_client(&tx, id, ctx.now).await?;
        let action = format!("{}_client.revoke", kind.code());
        append(
            &tx,
            &[audit::event(
                ctx,
                &action,
                &format!("{}_client", kind.code()),
                id,
            )],
        )
        .await?;
        tx.commit().await?;
        ctx.lrs_credentials.lock().remove(&client.api_key);
    }
    store::get_client(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound(what))
}

/// The caller of an `/xapi` request: an LRS client (HTTP Basic) or a token with xAPI scopes. It
/// derefs to the request's [`Ctx`] (`caller.principal`, `caller.db`, ...), as a `Ctx` derefs to
/// the services.
#[derive(Clone)]
pub struct XapiCaller {
    ctx: Ctx,
    /// The LRS client, for Basic credentials; `None` for a token.
    pub client: Option<LrsClient>,
}

impl std::ops::Deref for XapiCaller {
    type Target = Ctx;
    fn deref(&self) -> &Ctx {
        &self.ctx
    }
}

impl XapiCaller {
    /// A caller with a bearer token's principal (its scopes decide what it may do).
    pub fn token(ctx: Ctx) -> Self {
        Self { ctx, client: None }
    }

    /// The agent the LRS records as `authority` of what this caller stores.
    pub fn authority(&self) -> Value {
        let (name, account) = match &self.client {
            Some(c) => (c.name.as_str(), format!("client:{}", c.api_key)),
            None => (
                self.principal.subject.as_str(),
                format!("token:{}", self.principal.subject),
            ),
        };
        json!({
            "objectType": "Agent",
            "name": name,
            "account": { "homePage": AUTHORITY_HOME_PAGE, "name": account }
        })
    }

    pub(super) fn can_write(&self) -> bool {
        access::can_write_lrs(&self.principal)
    }

    /// `None`: reads everything; `Some(key)`: only what this caller stored (`xapi:read:mine`).
    pub(super) fn read_filter(&self) -> ApiResult<Option<String>> {
        match access::lrs_reads(&self.principal) {
            LrsReads::All => Ok(None),
            LrsReads::Own => Ok(agent_key(&self.authority())),
            LrsReads::Nothing => Err(ApiError::Forbidden),
        }
    }
}

/// Authenticate an `/xapi` request from its `Authorization` header: an LRS client's Basic
/// credentials, or a bearer token that `verify_bearer` checks. The client address and the LRS
/// key are charged for every failure and refused (429) while they have too many this minute;
/// a secret is checked off the request workers, and an unknown key costs the same check as a
/// known one (nobody learns which keys exist from the time an answer takes).
#[tracing::instrument(skip_all, fields(client_id))]
pub async fn authenticate<V>(
    svc: &Services,
    address: IpAddr,
    authorization: Option<&str>,
    verify_bearer: impl FnOnce(String) -> V,
) -> ApiResult<XapiCaller>
where
    V: std::future::Future<Output = ApiResult<Claimed>>,
{
    svc.rate_limit_address(address).await?;
    let from = format!("ip:{address}");
    svc.refuse_while_failing(&from).await?;
    let header = authorization.ok_or_else(|| {
        ApiError::Unauthenticated("send HTTP Basic credentials of an LRS client".into())
    })?;
    let outcome = match header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))
    {
        Some(encoded) => basic_caller(svc, encoded).await,
        None => bearer_caller(svc, header, verify_bearer).await,
    };
    let caller = match outcome {
        Ok(caller) => caller,
        Err(e) => {
            if e.code() == Code::Unauthenticated {
                svc.authentication_failed(&from).await?;
            }
            return Err(e);
        }
    };
    svc.rate_limit(&caller.principal.subject).await?;
    if caller.client.is_none() && !access::can_use_lrs(&caller.principal) {
        return Err(ApiError::Forbidden);
    }
    Ok(caller)
}

async fn bearer_caller<V>(
    svc: &Services,
    header: &str,
    verify_bearer: impl FnOnce(String) -> V,
) -> ApiResult<XapiCaller>
where
    V: std::future::Future<Output = ApiResult<Claimed>>,
{
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .ok_or_else(|| ApiError::Unauthenticated("use the Basic or Bearer scheme".into()))?;
    let principal = svc
        .directory
        .principal(verify_bearer(token.trim().to_owned()).await?)
        .await?;
    crate::services::integration_clients::ensure_not_revoked(svc, &principal).await?;
    Ok(XapiCaller::token(Ctx::new(svc, principal)))
}

async fn basic_caller(svc: &Services, encoded: &str) -> ApiResult<XapiCaller> {
    let bad = || ApiError::Unauthenticated("unknown or revoked LRS client credentials".into());
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (key, secret) = decoded.split_once(':').ok_or_else(bad)?;
    let client = verified_client(svc, key, secret).await?;
    let principal = Principal {
        subject: format!("lrs-client:{}", client.id),
        roles: Default::default(),
        scopes: client.scope_set().into_iter().collect(),
        employee_id: None,
        leaver: false,
    };
    tracing::Span::current().record("client_id", client.id.as_str());
    Ok(XapiCaller {
        ctx: Ctx::new(svc, principal),
        client: Some(client),
    })
}

/// The client whose credentials these are, of any kind, if the secret is right and the client not
/// revoked (else unauthenticated, and a failure charged to the key). Only the first success of a
/// key pays for argon2; an unknown key costs the same check as a known one.
pub(crate) async fn verified_client(
    svc: &Services,
    key: &str,
    secret: &str,
) -> ApiResult<LrsClient> {
    let bad = || ApiError::Unauthenticated("unknown or revoked client credentials".into());
    let per_key = format!(
        "key:{}",
        Sha256::digest(key.as_bytes())
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    svc.refuse_while_failing(&per_key).await?;
    let client = store::client_by_key(&svc.db, key)
        .await?
        .filter(|c| c.revoked_at.is_none());
    let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
    let cached = client.is_some() && svc.lrs_credentials.lock().get(key) == Some(&digest);
    if !cached {
        let hash = client.as_ref().map(|c| c.secret_hash.clone());
        if !svc.lrs_credentials.verify(hash, secret.to_owned()).await? {
            svc.authentication_failed(&per_key).await?;
            return Err(bad());
        }
        svc.lrs_credentials.lock().insert(key.to_owned(), digest);
    }
    client.ok_or_else(bad)
}

/// The hash an unknown key's secret is checked against: of a random secret, made once.
fn unknown_key_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        Argon2::default()
            .hash_password(
                random_token(32).as_bytes(),
                &SaltString::generate(&mut OsRng),
            )
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}
