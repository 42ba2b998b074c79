//! Integration clients on the graph: an HRIS connector's, a reporting job's, an LMS's (an LRS
//! client is one kind of integration client). Issued with exactly their scopes, the secret shown
//! once, revoked at once; the same services as REST.

use super::service_ctx;
use super::types::payload;
use crate::error::ApiResult;
use crate::services::xapi::{self as lrs, ClientInput, IssuedClient};
use crate::services::{integration_clients as svc, Ctx};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use learnwell_domain::xapi::{ClientKind, LrsClient};

/// What a client is for.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum IntegrationClientKind {
    /// An LMS or content player sending xAPI (`/xapi`, HTTP Basic).
    Lrs,
    /// An HRIS connector, a reporting job or a SCIM push (`POST /oauth/token`).
    Integration,
}

/// A machine client with its scopes; `clientSecret` only in the answer that creates it.
#[derive(SimpleObject)]
#[graphql(name = "IntegrationClient")]
pub struct ClientNode {
    /// The client's id.
    id: ID,
    /// What the client is for.
    kind: IntegrationClientKind,
    /// The name it was issued under, e.g. the system it belongs to.
    name: String,
    /// The `client_id` of `POST /oauth/token`, and the HTTP Basic user name.
    client_id: String,
    /// Shown once, stored only hashed.
    client_secret: Option<String>,
    /// The scopes it holds, as codes (e.g. `hris:write`); its tokens carry at most these.
    scopes: Vec<String>,
    /// LRS clients: the `account.homePage` whose `name` is an employee's HRIS id.
    account_home_page: Option<String>,
    /// LRS clients: verb IRIs that mean learning happened, beside the four ADL verbs.
    learning_verbs: Vec<String>,
    /// LRS clients: the xAPI version answered when a request names none.
    default_version: String,
    /// When it was issued.
    created_at: DateTime<Utc>,
    /// When it was revoked (its credentials and tokens stopped working); null while in use.
    revoked_at: Option<DateTime<Utc>>,
    /// When the client last got a token.
    last_used_at: Option<DateTime<Utc>>,
}

impl From<LrsClient> for ClientNode {
    fn from(c: LrsClient) -> Self {
        Self {
            id: ID(c.id),
            kind: match c.kind {
                ClientKind::Lrs => IntegrationClientKind::Lrs,
                ClientKind::Integration => IntegrationClientKind::Integration,
            },
            name: c.name,
            client_id: c.api_key,
            client_secret: None,
            scopes: c.scopes.split(' ').map(str::to_owned).collect(),
            account_home_page: c.account_home_page,
            learning_verbs: c.learning_verbs,
            default_version: c.default_version.to_string(),
            created_at: c.created_at,
            revoked_at: c.revoked_at,
            last_used_at: c.last_used_at,
        }
    }
}

impl From<IssuedClient> for ClientNode {
    fn from(issued: IssuedClient) -> Self {
        Self {
            client_secret: Some(issued.secret),
            ..issued.client.into()
        }
    }
}

impl From<svc::IssuedIntegrationClient> for ClientNode {
    fn from(issued: svc::IssuedIntegrationClient) -> Self {
        Self {
            client_secret: Some(issued.secret),
            ..issued.client.into()
        }
    }
}

payload!(
    /// The answer of the integration-client mutations.
    IntegrationClientPayload,
    client: ClientNode
);

/// A new integration client.
#[derive(InputObject)]
pub struct CreateIntegrationClientInput {
    /// A name for people to recognise it by, 1-200 characters.
    name: String,
    /// Any of `hris:write`, `scim`, `reports:read`, `xapi:write`, `xapi:read`, `xapi:read:mine`.
    scopes: Vec<String>,
}

/// A new LRS client (an LMS sending xAPI).
#[derive(InputObject)]
pub struct CreateLrsClientInput {
    /// A name for people to recognise it by (e.g. the LMS), 1-200 characters.
    name: String,
    /// `xapi:write`, `xapi:read`, `xapi:read:mine`.
    scopes: Vec<String>,
    /// The `account.homePage` whose `name` is an employee's HRIS id.
    account_home_page: Option<String>,
    /// Verb IRIs that mean learning happened, beside the four ADL verbs.
    #[graphql(default)]
    learning_verbs: Vec<String>,
    /// `1.0.3` (default) or `2.0.0`.
    default_version: Option<String>,
}

async fn issue_lrs(c: &Ctx, input: CreateLrsClientInput) -> ApiResult<IssuedClient> {
    let input = ClientInput {
        name: input.name,
        scopes: input.scopes,
        account_home_page: input.account_home_page,
        learning_verbs: input.learning_verbs,
        default_version: input.default_version,
    };
    lrs::create_client(c, input).await
}

#[derive(Default)]
pub struct ClientsMutation;

#[Object]
impl ClientsMutation {
    /// Issue an integration client (hr_admin): the answer holds the secret, once.
    async fn create_integration_client(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The client's name and scopes.")] input: CreateIntegrationClientInput,
    ) -> Result<IntegrationClientPayload> {
        let c = service_ctx(ctx)?;
        IntegrationClientPayload::from_result(svc::create(c, &input.name, &input.scopes).await)
    }
    /// Revoke an integration client (hr_admin): it gets no more tokens, and its tokens stop
    /// working at once.
    async fn revoke_integration_client(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The client to revoke.")] id: ID,
    ) -> Result<IntegrationClientPayload> {
        let c = service_ctx(ctx)?;
        IntegrationClientPayload::from_result(svc::revoke_client(c, &id).await)
    }
    /// Create an LRS client (ld_admin): the answer holds the secret, once.
    async fn create_lrs_client(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The client's name, scopes and xAPI settings.")]
        input: CreateLrsClientInput,
    ) -> Result<IntegrationClientPayload> {
        IntegrationClientPayload::from_result(issue_lrs(service_ctx(ctx)?, input).await)
    }
    /// Revoke an LRS client (ld_admin): its credentials stop working at once.
    async fn revoke_lrs_client(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The LRS client to revoke.")] id: ID,
    ) -> Result<IntegrationClientPayload> {
        let c = service_ctx(ctx)?;
        IntegrationClientPayload::from_result(lrs::revoke_client(c, &id).await)
    }
}
