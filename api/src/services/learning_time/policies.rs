//! Learning-time policies: list (everyone who reads the catalog), start and end (ld_admin).

use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page};
use chrono::NaiveDate;
use learnwell_domain::access;
use learnwell_domain::ids::PolicyId;
use learnwell_domain::learning_time::{PolicyFields, PolicyScope, VersionedPolicy};
use learnwell_domain::FieldError;
use learnwell_persistence::learning_time as store;
use learnwell_persistence::org as org_store;

/// A page of the policies, past and present, in creation order.
#[tracing::instrument(skip_all)]
pub async fn list_policies(
    ctx: &Ctx,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<VersionedPolicy>> {
    ensure(access::can_read_catalog(&ctx.principal))?;
    let limit = page_size(first)?;
    let after = decode_cursor::<PolicyId>(after)?;
    let rows = store::list_policies_after(&ctx.db, after, limit + 1).await?;
    Ok(paginate(rows, limit, |p| p.policy.id.to_string()))
}

/// Start a policy.
#[tracing::instrument(skip_all, fields(policy_id = tracing::field::Empty))]
pub async fn create_policy(ctx: &Ctx, fields: PolicyFields) -> ApiResult<VersionedPolicy> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    let id = PolicyId::from_uuid(uuid::Uuid::now_v7());
    tracing::Span::current().record("policy_id", tracing::field::display(id));
    let policy = fields.parse(id).map_err(ApiError::Validation)?;
    if let PolicyScope::OrgUnit(u) = policy.scope {
        if org_store::get_org_unit(&ctx.db, u).await?.is_none() {
            return Err(FieldError::new("org_unit_id", "no such org unit").into());
        }
    }
    let stored = VersionedPolicy::new(policy, ctx.now);
    let tx = ctx.db.begin().await?;
    store::insert_policy(&tx, &stored).await?;
    let event = audit::event(
        ctx,
        "learning_time_policy.create",
        "learning_time_policy",
        id,
    );
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(stored)
}

/// End a policy on `to`, its last day (written only over version `if_match`): the one change a
/// policy takes, so past periods keep their allocation.
#[tracing::instrument(skip_all, fields(policy_id = %id))]
pub async fn end_policy(
    ctx: &Ctx,
    id: PolicyId,
    if_match: Option<i64>,
    to: NaiveDate,
) -> ApiResult<VersionedPolicy> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    let expected = if_match.ok_or(ApiError::PreconditionRequired)?;
    let current = store::get_policy(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("learning-time policy"))?;
    if current.version != expected {
        return Err(ApiError::PreconditionFailed);
    }
    let policy = current.ended(to, ctx.now.date_naive())?;
    let updated = current.revised(policy, ctx.now);
    let tx = ctx.db.begin().await?;
    store::update_policy(&tx, &updated).await?;
    let event = audit::event(ctx, "learning_time_policy.end", "learning_time_policy", id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(updated)
}
