//! Integration clients under `/api/v1` (`hr_admin`): issue one with its scopes (the secret shown
//! once), list them, revoke one.

use super::{PageOf, PageParams};
use crate::body::JsonBody;
use crate::error::{ApiResult, Problem};
use crate::services::integration_clients as svc;
use crate::services::Ctx;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use learnwell_domain::xapi::LrsClient;
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_integration_clients)
        .service(create_integration_client)
        .service(revoke_integration_client);
}

/// An integration client; `client_secret` only in the answer that creates it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IntegrationClientResource {
    pub id: String,
    pub name: String,
    /// The `client_id` of `POST /oauth/token` (and the HTTP Basic user name).
    pub client_id: String,
    /// Shown once, stored only hashed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the client last got a token.
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<&LrsClient> for IntegrationClientResource {
    fn from(c: &LrsClient) -> Self {
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            client_id: c.api_key.clone(),
            client_secret: None,
            scopes: c.scopes.split(' ').map(str::to_owned).collect(),
            created_at: c.created_at,
            revoked_at: c.revoked_at,
            last_used_at: c.last_used_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationClientInput {
    pub name: String,
    /// Any of `hris:write`, `scim`, `reports:read`, `xapi:write`, `xapi:read`, `xapi:read:mine`.
    pub scopes: Vec<String>,
}

/// Integration clients, a page at a time in creation order (`hr_admin`).
#[utoipa::path(tag = "integration-clients", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<IntegrationClientResource>), (status = 403, body = Problem)))]
#[get("/integration-clients")]
async fn list_integration_clients(ctx: Ctx, q: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let page = svc::list(&ctx, q.first, q.after.as_deref()).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |c| IntegrationClientResource::from(&c))))
}

/// Issue an integration client (`hr_admin`): the answer holds the secret, once.
#[utoipa::path(tag = "integration-clients", security(("bearer" = [])), request_body = IntegrationClientInput,
    responses((status = 201, body = IntegrationClientResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/integration-clients")]
async fn create_integration_client(
    ctx: Ctx,
    body: JsonBody<IntegrationClientInput>,
) -> ApiResult<HttpResponse> {
    let issued = svc::create(&ctx, &body.0.name, &body.0.scopes).await?;
    let mut resource = IntegrationClientResource::from(&issued.client);
    resource.client_secret = Some(issued.secret);
    Ok(HttpResponse::Created().json(resource))
}

/// Revoke an integration client (`hr_admin`): it gets no more tokens, and its tokens stop
/// working at once.
#[utoipa::path(tag = "integration-clients", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = IntegrationClientResource), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[post("/integration-clients/{id}:revoke")]
async fn revoke_integration_client(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let client = svc::revoke_client(&ctx, &id).await?;
    Ok(HttpResponse::Ok().json(IntegrationClientResource::from(&client)))
}
