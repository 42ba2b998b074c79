//! The audit context: build events for writes and sensitive reads; let HR read the log.

use super::{decode_cursor, page_size, paginate, Ctx, Page};
use crate::error::{ApiError, ApiResult};
use learnwell_domain::access;
use learnwell_domain::audit::{AuditEvent, AuditQuery};
use learnwell_domain::ids::AuditEventId;
use learnwell_persistence::audit as store;

/// An audit event of `action` on a resource, by the caller of `ctx`.
pub fn event(
    ctx: &Ctx,
    action: &str,
    resource_type: &str,
    resource_id: impl ToString,
) -> AuditEvent {
    AuditEvent {
        id: AuditEventId::from_uuid(uuid::Uuid::now_v7()),
        occurred_at: ctx.now,
        actor: ctx.principal.subject.clone(),
        action: action.to_owned(),
        resource_type: resource_type.to_owned(),
        resource_id: resource_id.to_string(),
        request_id: Some(ctx.request_id.clone()),
    }
}

/// The audit log, newest first. Reading it is itself audited.
pub async fn list(
    ctx: &Ctx,
    query: AuditQuery,
    after: Option<&str>,
    first: Option<u64>,
) -> ApiResult<Page<AuditEvent>> {
    if !access::can_read_audit(&ctx.principal) {
        return Err(ApiError::Forbidden);
    }
    let limit = page_size(first)?;
    let before = decode_cursor::<AuditEventId>(after)?;
    let rows = store::list(&ctx.db, &query, before, limit + 1).await?;
    let tx = ctx.db.begin().await?;
    store::append(&tx, &[event(ctx, "audit.read", "audit_log", "-")]).await?;
    tx.commit().await?;
    Ok(paginate(rows, limit, |e| e.id.to_string()))
}
