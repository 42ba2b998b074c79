//! Bearer JWT authentication: HS256 with a shared secret, or RS256/ES256 with the identity
//! provider's public key, from a PEM or its JWKS endpoint (see [`crate::jwks`]). Only the
//! configured algorithm is accepted (so never `none`).

use crate::config::{AuthSettings, JwtAlgorithm, PersonMatch};
use crate::error::ApiError;
use crate::jwks::Jwks;
use crate::services::{Ctx, Services};
use actix_web::{dev::Payload, http::header, web::Data, FromRequest, HttpRequest};
use jsonwebtoken::{
    decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use learnwell_domain::access::{Claimed, PersonClaim, Principal, Role, Scope};
use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::time::Duration;

/// The claims `mint` writes (verification reads any claims; see [`Authenticator::verify`]).
#[derive(Debug, Serialize)]
struct Claims {
    sub: String,
    roles: Vec<String>,
    /// Space-separated (RFC 8693).
    scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    employee_id: Option<String>,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nbf: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<u64>,
    iss: String,
    aud: String,
}

/// What a minted token says.
#[derive(Debug, Clone, Default)]
pub struct TokenSpec {
    pub subject: String,
    pub roles: Vec<String>,
    pub scopes: Vec<String>,
    pub employee_id: Option<String>,
    pub ttl: Duration,
}

/// Where the verification keys come from.
enum Keys {
    /// The shared secret or the provider's public key (PEM).
    Static(DecodingKey),
    /// The provider's JWKS, by the token's `kid`.
    Jwks(Jwks),
}

pub struct Authenticator {
    algorithm: Algorithm,
    keys: Keys,
    encoding: Option<EncodingKey>,
    validation: Validation,
    issuer: String,
    audience: String,
    person_claim: String,
    person_match: PersonMatch,
    roles_claim: String,
    role_map: BTreeMap<String, Role>,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthConfigError {
    #[error("auth.secret (LEARNWELL__AUTH__SECRET) must be set to at least 32 characters for HS256; `serve --demo` generates one")]
    MissingSecret,
    #[error("auth.public_key_pem (LEARNWELL__AUTH__PUBLIC_KEY_PEM) must hold the identity provider's public key for {0}: {1}")]
    BadPublicKey(String, String),
    #[error("auth.jwks_url {0:?} cannot be used: {1}")]
    BadJwksUrl(String, String),
    #[error("auth.jwks_url needs auth.algorithm RS256 or ES256 (the identity provider signs with its private key)")]
    JwksNeedsPublicKeyAlgorithm,
    #[error("auth.role_map maps {0:?} to {1:?}, which is not a role; use one of: {2}")]
    BadRoleMap(String, String, String),
}

impl Authenticator {
    pub fn from_settings(s: &AuthSettings) -> Result<Self, AuthConfigError> {
        let (algorithm, keys, encoding) = match s.algorithm {
            JwtAlgorithm::HS256 if !s.jwks_url.is_empty() => {
                return Err(AuthConfigError::JwksNeedsPublicKeyAlgorithm)
            }
            JwtAlgorithm::HS256 => {
                let secret = s.secret.expose_secret();
                if secret.len() < 32 {
                    return Err(AuthConfigError::MissingSecret);
                }
                (
                    Algorithm::HS256,
                    Keys::Static(DecodingKey::from_secret(secret.as_bytes())),
                    Some(EncodingKey::from_secret(secret.as_bytes())),
                )
            }
            alg @ (JwtAlgorithm::RS256 | JwtAlgorithm::ES256) if !s.jwks_url.is_empty() => {
                let a = if alg == JwtAlgorithm::RS256 {
                    Algorithm::RS256
                } else {
                    Algorithm::ES256
                };
                let jwks = Jwks::new(
                    &s.jwks_url,
                    a,
                    Duration::from_secs(s.jwks_refetch_seconds),
                    Duration::from_secs(s.jwks_max_age_seconds),
                )
                .map_err(|e| AuthConfigError::BadJwksUrl(s.jwks_url.clone(), e))?;
                (a, Keys::Jwks(jwks), None)
            }
            alg @ (JwtAlgorithm::RS256 | JwtAlgorithm::ES256) => {
                let pem = s.public_key_pem.as_bytes();
                let (key, a) = if alg == JwtAlgorithm::RS256 {
                    (DecodingKey::from_rsa_pem(pem), Algorithm::RS256)
                } else {
                    (DecodingKey::from_ec_pem(pem), Algorithm::ES256)
                };
                let key = key.map_err(|e| {
                    AuthConfigError::BadPublicKey(format!("{alg:?}"), e.to_string())
                })?;
                (a, Keys::Static(key), None)
            }
        };
        let mut validation = Validation::new(algorithm);
        validation.algorithms = vec![algorithm];
        validation.set_issuer(&[s.issuer.as_str()]);
        validation.set_audience(&[s.audience.as_str()]);
        validation.validate_nbf = true;
        validation.leeway = s.leeway_seconds;
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        let role_map = s
            .role_map
            .iter()
            .map(|(from, to)| {
                Role::parse(to).map(|r| (from.clone(), r)).ok_or_else(|| {
                    AuthConfigError::BadRoleMap(from.clone(), to.clone(), role_codes())
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            algorithm,
            keys,
            encoding,
            validation,
            issuer: s.issuer.clone(),
            audience: s.audience.clone(),
            person_claim: s.person_claim.clone(),
            person_match: s.person_match,
            roles_claim: s.roles_claim.clone(),
            role_map,
        })
    }

    /// Check a bearer token: signature, algorithm, `exp`/`nbf`, issuer and audience (a string or,
    /// as RFC 7519 allows, a list that holds ours), then read the caller from its claims.
    pub async fn verify(&self, token: &str) -> Result<Claimed, ApiError> {
        let from_jwks;
        let key = match &self.keys {
            Keys::Static(key) => key,
            Keys::Jwks(jwks) => {
                from_jwks = jwks.key(&self.key_id(token)?).await?;
                &*from_jwks
            }
        };
        let data = decode::<Map<String, Value>>(token, key, &self.validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            let why = match e.kind() {
                K::ExpiredSignature => "the token has expired",
                K::ImmatureSignature => "the token is not valid yet (nbf)",
                K::InvalidIssuer => "the token's issuer is not accepted",
                K::InvalidAudience => "the token's audience is not accepted",
                K::InvalidAlgorithm => "the token's algorithm is not accepted",
                K::InvalidSignature => "the token's signature is invalid",
                K::MissingRequiredClaim(_) => "the token lacks a required claim",
                _ => "the token is malformed",
            };
            ApiError::Unauthenticated(why.to_owned())
        })?;
        let c = data.claims;
        let bad = |claim: &str, what: &str| {
            ApiError::Unauthenticated(format!("the token's {claim} claim {what}"))
        };
        let subject = c
            .get("sub")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("sub", "is not a string"))?
            .to_owned();
        let roles = names(c.get(&self.roles_claim))
            .ok_or_else(|| {
                bad(
                    &self.roles_claim,
                    "is neither a string nor a list of strings",
                )
            })?
            .iter()
            .filter_map(|r| self.role_map.get(r).copied().or_else(|| Role::parse(r)))
            .collect::<BTreeSet<_>>();
        let scopes = names(c.get("scope"))
            .ok_or_else(|| bad("scope", "is neither a string nor a list of strings"))?
            .iter()
            .filter_map(|s| Scope::parse(s))
            .collect::<BTreeSet<_>>();
        let person = match c.get(&self.person_claim) {
            None | Some(Value::Null) => None,
            Some(Value::String(v)) => Some(match self.person_match {
                PersonMatch::Id => PersonClaim::Id(
                    v.parse()
                        .map_err(|_| bad(&self.person_claim, "is not an employee id"))?,
                ),
                PersonMatch::Email => PersonClaim::Email(v.trim().to_lowercase()),
                PersonMatch::ExternalId => PersonClaim::ExternalId(v.trim().to_owned()),
            }),
            Some(_) => return Err(bad(&self.person_claim, "is not a string")),
        };
        Ok(Claimed {
            principal: Principal {
                subject,
                roles,
                scopes,
                employee_id: None,
                leaver: false,
            },
            person,
        })
    }

    /// The `kid` of a token to be checked with the JWKS. Its header is read before the signature
    /// is checked, so a token of another algorithm is refused here and never costs a fetch.
    fn key_id(&self, token: &str) -> Result<String, ApiError> {
        let header = decode_header(token)
            .map_err(|_| ApiError::Unauthenticated("the token is malformed".into()))?;
        if header.alg != self.algorithm {
            return Err(ApiError::Unauthenticated(
                "the token's algorithm is not accepted".into(),
            ));
        }
        header.kid.ok_or_else(|| {
            ApiError::Unauthenticated(
                "the token names no key (kid) of the identity provider".into(),
            )
        })
    }

    /// Mint a token (HS256 only: with RS256/ES256 the identity provider issues tokens).
    pub fn mint(&self, spec: &TokenSpec, now_unix: u64) -> Result<String, String> {
        let key = self
            .encoding
            .as_ref()
            .ok_or("tokens can only be minted with HS256; your identity provider issues them")?;
        for r in &spec.roles {
            if r == "manager" {
                return Err(format!(
                    "manager is not a token role: a manager is anyone with reports in the org \
                     chart; mint an employee token with --employee-id of a manager (roles: {})",
                    role_codes()
                ));
            }
            Role::parse(r).ok_or(format!("unknown role {r}; use one of: {}", role_codes()))?;
        }
        for s in &spec.scopes {
            Scope::parse(s).ok_or(format!(
                "unknown scope {s}; use one of: {}",
                Scope::ALL
                    .iter()
                    .map(|s| s.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))?;
        }
        let claims = Claims {
            sub: spec.subject.clone(),
            roles: spec.roles.clone(),
            scope: spec.scopes.join(" "),
            employee_id: spec.employee_id.clone(),
            exp: now_unix + spec.ttl.as_secs(),
            nbf: Some(now_unix),
            iat: Some(now_unix),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        encode(&Header::new(self.algorithm), &claims, key).map_err(|e| e.to_string())
    }
}

/// Every role code, for messages.
fn role_codes() -> String {
    Role::ALL
        .iter()
        .map(|r| r.code())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A claim of names: a space-separated string or a list of strings (absent: none; anything else:
/// `None`).
fn names(claim: Option<&Value>) -> Option<Vec<String>> {
    match claim {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::String(s)) => Some(s.split_whitespace().map(str::to_owned).collect()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect(),
        Some(_) => None,
    }
}

/// Read and check the bearer token of a request, and charge it to the caller's and the client
/// address's rate limits. A client address with too many failed attempts this minute is refused
/// before its token is looked at; every failure counts against it.
pub async fn authenticate(
    auth: &Authenticator,
    svc: &Services,
    req: &HttpRequest,
) -> Result<Principal, ApiError> {
    let address = client_address(req, &svc.settings.server.trusted_proxies);
    svc.rate_limit_address(address).await?;
    let who = format!("ip:{address}");
    svc.refuse_while_failing(&who).await?;
    match bearer_principal(auth, req).await {
        Ok(claimed) => {
            svc.rate_limit(&claimed.principal.subject).await?;
            let principal = svc.directory.principal(claimed).await?;
            crate::services::integration_clients::ensure_not_revoked(svc, &principal).await?;
            Ok(principal)
        }
        Err(e) => {
            svc.authentication_failed(&who).await?;
            Err(e)
        }
    }
}

async fn bearer_principal(auth: &Authenticator, req: &HttpRequest) -> Result<Claimed, ApiError> {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthenticated("send Authorization: Bearer <token>".into()))?;
    let token = header
        .to_str()
        .ok()
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .ok_or_else(|| ApiError::Unauthenticated("use the Bearer scheme".into()))?;
    auth.verify(token.trim()).await
}

/// The client's address: the connection's peer, or, when the peer is a trusted proxy, the
/// nearest address in `X-Forwarded-For` that is not one (proxies append, so the rightmost
/// untrusted entry is the one no client can forge).
pub fn client_address(req: &HttpRequest, trusted: &[IpAddr]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::from([127, 0, 0, 1]), |a| a.ip());
    if !trusted.contains(&peer) {
        return peer;
    }
    req.headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .unwrap_or(peer)
}

/// The services and the authenticator registered with the app.
pub(crate) fn app_parts(
    req: &HttpRequest,
) -> Result<(Data<Services>, Data<Authenticator>), ApiError> {
    let missing = || ApiError::Internal("app data missing".into());
    Ok((
        req.app_data::<Data<Services>>()
            .cloned()
            .ok_or_else(missing)?,
        req.app_data::<Data<Authenticator>>()
            .cloned()
            .ok_or_else(missing)?,
    ))
}

/// A REST handler's use-case context: the authenticated caller (rate limit charged), the request
/// id, the time and the services.
impl FromRequest for Ctx {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (svc, auth) = app_parts(&req)?;
            let principal = authenticate(&auth, &svc, &req).await?;
            Ok(Ctx::new(&svc, principal))
        })
    }
}
