use super::PageOf;
use crate::error::{ApiResult, Problem};
use crate::services::{self, Ctx};
use actix_web::{get, web, HttpResponse};
use learnwell_domain::audit::{AuditEvent, AuditQuery};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_events);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    pub actor: Option<String>,
    /// e.g. employee.update
    pub action: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEventResource {
    pub id: String,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub request_id: Option<String>,
}

impl From<AuditEvent> for AuditEventResource {
    fn from(e: AuditEvent) -> Self {
        Self {
            id: e.id.to_string(),
            occurred_at: e.occurred_at,
            actor: e.actor,
            action: e.action,
            resource_type: e.resource_type,
            resource_id: e.resource_id,
            request_id: e.request_id,
        }
    }
}

/// The audit log (hr_admin only), newest first.
#[utoipa::path(tag = "audit", params(AuditParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<AuditEventResource>), (status = 403, body = Problem)))]
#[get("/audit-events")]
async fn list_audit_events(ctx: Ctx, q: web::Query<AuditParams>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let query = AuditQuery {
        actor: q.actor,
        action: q.action,
        resource_type: q.resource_type,
        resource_id: q.resource_id,
    };
    let page = services::audit::list(&ctx, query, q.after.as_deref(), q.first).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, AuditEventResource::from)))
}
