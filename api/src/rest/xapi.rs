//! The LRS's admin endpoints under `/api/v1` (documented in OpenAPI): LRS clients, and the
//! actors of statements about learning that match no employee. The `/xapi` resources themselves
//! are the protocol adapter `crate::xapi`.

use super::{PageOf, PageParams};
use crate::body::JsonBody;
use crate::error::{ApiResult, Problem};
use crate::services::xapi::{self as svc, ClientInput};
use crate::services::Ctx;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use learnwell_domain::xapi::LrsClient;
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_lrs_clients)
        .service(create_lrs_client)
        .service(revoke_lrs_client)
        .service(list_unmatched_actors)
        .service(reapply_unmatched_actors)
        .service(list_unapplied_statements)
        .service(reapply_unapplied_statements);
}

/// An actor of statements about learning that matches no employee.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnmatchedActorResource {
    /// `mbox:mailto:…`, `mbox_sha1sum:…`, `openid:…` or `account:<homePage>|<name>`.
    pub actor: String,
    pub statements: i64,
    pub last_stored: Option<DateTime<Utc>>,
}

/// Actors of stored statements about learning that match no employee (`ld_admin`): fix the
/// mapping (the employee's work email, or the client's account home page), then reapply.
/// A page at a time, by actor key.
#[utoipa::path(tag = "xapi", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<UnmatchedActorResource>), (status = 403, body = Problem)))]
#[get("/lrs/unmatched-actors")]
async fn list_unmatched_actors(ctx: Ctx, q: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let page = svc::projection::unmatched_actors(&ctx, q.first, q.after.as_deref()).await?;
    Ok(
        HttpResponse::Ok().json(PageOf::map(page, |a| UnmatchedActorResource {
            actor: a.actor,
            statements: a.statements,
            last_stored: a.last_stored,
        })),
    )
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReapplyResult {
    /// Statements that now became learning records.
    pub applied: usize,
}

/// Apply again the unmatched statements whose actors now match an employee (`ld_admin`).
#[utoipa::path(tag = "xapi", security(("bearer" = [])),
    responses((status = 200, body = ReapplyResult), (status = 403, body = Problem)))]
#[post("/lrs/unmatched-actors:reapply")]
async fn reapply_unmatched_actors(ctx: Ctx) -> ApiResult<HttpResponse> {
    let applied = svc::projection::reapply_unmatched(&ctx).await?;
    Ok(HttpResponse::Ok().json(ReapplyResult { applied }))
}

/// A statement about an employee's learning that made no learning record.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnappliedStatementResource {
    pub statement_id: String,
    /// `no_duration` (no duration, and no catalog course with the activity's id and an
    /// estimate), `duration_over_a_day`, `duration_out_of_range` or `invalid_title`.
    pub reason: String,
    pub stored: Option<DateTime<Utc>>,
}

/// Statements about employees' learning that made no learning record, with why (`ld_admin`):
/// add the course that gives the estimate and reapply, or have the LMS void and resend them.
/// A page at a time, oldest first.
#[utoipa::path(tag = "xapi", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<UnappliedStatementResource>), (status = 403, body = Problem)))]
#[get("/lrs/unapplied-statements")]
async fn list_unapplied_statements(ctx: Ctx, q: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let page = svc::projection::unapplied_statements(&ctx, q.first, q.after.as_deref()).await?;
    Ok(
        HttpResponse::Ok().json(PageOf::map(page, |u| UnappliedStatementResource {
            statement_id: u.statement_id,
            reason: u.reason,
            stored: u.stored,
        })),
    )
}

/// Apply again the statements that made no learning record (`ld_admin`).
#[utoipa::path(tag = "xapi", security(("bearer" = [])),
    responses((status = 200, body = ReapplyResult), (status = 403, body = Problem)))]
#[post("/lrs/unapplied-statements:reapply")]
async fn reapply_unapplied_statements(ctx: Ctx) -> ApiResult<HttpResponse> {
    let applied = svc::projection::reapply_unapplied(&ctx).await?;
    Ok(HttpResponse::Ok().json(ReapplyResult { applied }))
}

/// An LRS client; `secret` only in the answer that creates it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LrsClientResource {
    pub id: String,
    pub name: String,
    /// The HTTP Basic user name.
    pub key: String,
    /// The HTTP Basic password: shown once, stored only hashed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub scopes: Vec<String>,
    pub account_home_page: Option<String>,
    /// Verb IRIs that mean learning happened for this client, beside the four ADL verbs
    /// (completed, passed, attended, experienced).
    pub learning_verbs: Vec<String>,
    /// `1.0.3` or `2.0.0`: the `X-Experience-API-Version` the LRS answers this client's requests
    /// in when they name none (they are refused with 400 all the same).
    pub default_version: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<&LrsClient> for LrsClientResource {
    fn from(c: &LrsClient) -> Self {
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            key: c.api_key.clone(),
            secret: None,
            scopes: c.scopes.split(' ').map(str::to_owned).collect(),
            account_home_page: c.account_home_page.clone(),
            learning_verbs: c.learning_verbs.clone(),
            default_version: c.default_version.as_header().to_owned(),
            created_at: c.created_at,
            revoked_at: c.revoked_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LrsClientInput {
    pub name: String,
    /// Any of `xapi:write`, `xapi:read`, `xapi:read:mine`.
    pub scopes: Vec<String>,
    /// Statements whose actor is an `account` on this home page name an employee by external id.
    pub account_home_page: Option<String>,
    /// Verb IRIs (at most 50) that mean learning happened for this client, beside the four ADL
    /// verbs completed, passed, attended and experienced.
    #[serde(default)]
    pub learning_verbs: Vec<String>,
    /// `1.0.3` (default) or `2.0.0`: the version the LRS answers in when one of this client's
    /// requests names none.
    pub default_version: Option<String>,
}

/// LRS clients, a page at a time in creation order (`ld_admin`).
#[utoipa::path(tag = "xapi", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<LrsClientResource>), (status = 403, body = Problem)))]
#[get("/lrs-clients")]
async fn list_lrs_clients(ctx: Ctx, q: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let page = svc::list_clients(&ctx, q.first, q.after.as_deref()).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |c| LrsClientResource::from(&c))))
}

/// Create an LRS client (`ld_admin`): the answer holds the secret, once.
#[utoipa::path(tag = "xapi", security(("bearer" = [])), request_body = LrsClientInput,
    responses((status = 201, body = LrsClientResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/lrs-clients")]
async fn create_lrs_client(ctx: Ctx, body: JsonBody<LrsClientInput>) -> ApiResult<HttpResponse> {
    let input = body.0;
    let issued = svc::create_client(
        &ctx,
        ClientInput {
            name: input.name,
            scopes: input.scopes,
            account_home_page: input.account_home_page,
            learning_verbs: input.learning_verbs,
            default_version: input.default_version,
        },
    )
    .await?;
    let mut resource = LrsClientResource::from(&issued.client);
    resource.secret = Some(issued.secret);
    Ok(HttpResponse::Created().json(resource))
}

/// Revoke an LRS client (`ld_admin`): its credentials stop working at once.
#[utoipa::path(tag = "xapi", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = LrsClientResource), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[post("/lrs-clients/{id}:revoke")]
async fn revoke_lrs_client(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let client = svc::revoke_client(&ctx, &id).await?;
    Ok(HttpResponse::Ok().json(LrsClientResource::from(&client)))
}
