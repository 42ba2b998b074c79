//! Integration clients (an HRIS connector, a reporting job, an identity provider's SCIM push),
//! issued by an HR admin with exactly the scopes they name, and the OAuth 2.0 client-credentials
//! grant (RFC 6749 section 4.4) that gives them short-lived tokens. They are the same kind of
//! credential as LRS clients: one table, one domain type, one secret check and cache
//! ([`crate::services::xapi::clients`]).

use crate::auth::{Authenticator, TokenSpec};
use crate::error::{ApiError, ApiResult, Code};
use crate::services::xapi::clients::{
    clients_page, new_secret, random_token, revoke, verified_client,
};
use crate::services::{audit, ensure, Ctx, Page, Services};
use learnwell_domain::access::{self, Principal};
use learnwell_domain::xapi::{
    granted_scopes, ClientKind, IntegrationClientSettings, LrsClient, TokenRefusal,
};
use learnwell_persistence::audit::append;
use learnwell_persistence::xapi as store;
use std::net::IpAddr;
use std::time::Duration;

/// How long a granted token lives. Revoking a client also stops its tokens at once (see
/// [`ensure_not_revoked`]).
pub const TOKEN_TTL: Duration = Duration::from_secs(600);

/// A new integration client: the secret appears here once and is stored only hashed.
#[derive(Debug, Clone)]
pub struct IssuedIntegrationClient {
    pub client: LrsClient,
    pub secret: String,
}

#[tracing::instrument(skip_all, fields(scopes = scopes.len()))]
pub async fn create(
    ctx: &Ctx,
    name: &str,
    scopes: &[String],
) -> ApiResult<IssuedIntegrationClient> {
    ensure(access::can_manage_integration_clients(&ctx.principal))?;
    let settings = IntegrationClientSettings::parse(name, scopes).map_err(ApiError::Validation)?;
    let (secret, secret_hash) = new_secret()?;
    let client = LrsClient {
        id: uuid::Uuid::now_v7().to_string(),
        kind: ClientKind::Integration,
        name: settings.name,
        api_key: random_token(18),
        secret_hash,
        scopes: settings
            .scopes
            .iter()
            .map(|s| s.code())
            .collect::<Vec<_>>()
            .join(" "),
        account_home_page: None,
        learning_verbs: Vec::new(),
        default_version: learnwell_xapi::XapiVersion::V1_0_3,
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
            "integration_client.create",
            "integration_client",
            &client.id,
        )],
    )
    .await?;
    tx.commit().await?;
    Ok(IssuedIntegrationClient { client, secret })
}

/// A page of the integration clients, in creation order.
#[tracing::instrument(skip_all)]
pub async fn list(
    ctx: &Ctx,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<LrsClient>> {
    ensure(access::can_manage_integration_clients(&ctx.principal))?;
    clients_page(ctx, ClientKind::Integration, first, after).await
}

#[tracing::instrument(skip_all, fields(client_id = %id))]
pub async fn revoke_client(ctx: &Ctx, id: &str) -> ApiResult<LrsClient> {
    ensure(access::can_manage_integration_clients(&ctx.principal))?;
    revoke(ctx, id, ClientKind::Integration).await
}

/// A token request as the protocol sends it: the client's credentials from HTTP Basic or from
/// the form, `grant_type` and an optional `scope`.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    pub basic: Option<(String, String)>,
    pub grant_type: Option<String>,
    pub scope: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// A granted token.
#[derive(Debug, Clone)]
pub struct GrantedToken {
    pub access_token: String,
    pub expires_in: u64,
    pub scope: String,
}

/// Why no token: refused by the protocol's rules, or the server's own error (429, 500, 503).
#[derive(Debug)]
pub enum GrantError {
    Refused(TokenRefusal),
    Api(ApiError),
}

impl From<ApiError> for GrantError {
    fn from(e: ApiError) -> Self {
        GrantError::Api(e)
    }
}

/// The client-credentials grant: authenticate the client (either way, not both), check the grant
/// type and the scopes, mint a token whose `sub` is the client id and `scope` its scopes, and note
/// the client's last use. The client address is rate-limited and charged for every failure.
#[tracing::instrument(skip_all, fields(client_id))]
pub async fn grant_token(
    svc: &Services,
    auth: &Authenticator,
    address: IpAddr,
    req: TokenRequest,
) -> Result<GrantedToken, GrantError> {
    svc.rate_limit_address(address).await?;
    let from = format!("ip:{address}");
    svc.refuse_while_failing(&from).await?;
    let (id, secret) = match (req.basic, req.client_id, req.client_secret) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(GrantError::Refused(TokenRefusal::InvalidRequest(
                "authenticate the client one way: HTTP Basic or the form fields, not both".into(),
            )))
        }
        (Some(basic), None, None) => basic,
        (None, Some(id), Some(secret)) => (id, secret),
        (None, _, _) => {
            svc.authentication_failed(&from).await?;
            return Err(GrantError::Refused(TokenRefusal::InvalidClient(
                "authenticate the client: HTTP Basic client_id:client_secret, or the client_id \
                 and client_secret form fields"
                    .into(),
            )));
        }
    };
    let client = match verified_client(svc, &id, &secret).await {
        Ok(c) => c,
        Err(e) if e.code() == Code::Unauthenticated => {
            svc.authentication_failed(&from).await?;
            return Err(GrantError::Refused(TokenRefusal::InvalidClient(
                "unknown or revoked client credentials".into(),
            )));
        }
        Err(e) => return Err(e.into()),
    };
    tracing::Span::current().record("client_id", client.id.as_str());
    match req.grant_type.as_deref() {
        Some("client_credentials") => {}
        None => {
            return Err(GrantError::Refused(TokenRefusal::InvalidRequest(
                "grant_type is required: client_credentials".into(),
            )))
        }
        Some(other) => {
            return Err(GrantError::Refused(TokenRefusal::UnsupportedGrantType(
                format!("{other:?} is not supported; use client_credentials"),
            )))
        }
    }
    let scopes =
        granted_scopes(&client.scope_set(), req.scope.as_deref()).map_err(GrantError::Refused)?;
    let codes: Vec<String> = scopes.iter().map(|s| s.code().to_owned()).collect();
    let now = chrono::Utc::now();
    let token = auth
        .mint(
            &TokenSpec {
                subject: client.api_key.clone(),
                roles: Vec::new(),
                scopes: codes.clone(),
                employee_id: None,
                ttl: TOKEN_TTL,
            },
            u64::try_from(now.timestamp()).unwrap_or_default(),
        )
        .map_err(|e| ApiError::Internal(format!("minting a client token: {e}")))?;
    store::touch_client(&svc.db, &client.id, now)
        .await
        .map_err(ApiError::from)?;
    Ok(GrantedToken {
        access_token: token,
        expires_in: TOKEN_TTL.as_secs(),
        scope: codes.join(" "),
    })
}

/// Refuse the token of a revoked client: a principal with no roles and no employee is a client
/// (its subject the client id), looked up on every request.
pub async fn ensure_not_revoked(svc: &Services, principal: &Principal) -> ApiResult<()> {
    if !principal.roles.is_empty() || principal.employee_id.is_some() {
        return Ok(());
    }
    match store::client_by_key(&svc.db, &principal.subject).await? {
        Some(c) if c.revoked_at.is_some() => Err(ApiError::Unauthenticated(
            "the token's client has been revoked".into(),
        )),
        _ => Ok(()),
    }
}
