//! Programmes and cohorts: created by ld_admin, read by every person (no sensitive field).

use crate::error::{ApiError, ApiResult};
use crate::services::{audit, ensure, Ctx};
use learnwell_domain::access::pipeline as rules;
use learnwell_domain::ids::{CohortId, ProgrammeId};
use learnwell_domain::pipeline::{Cohort, CohortFields, Programme, ProgrammeFields};
use learnwell_domain::FieldError;
use learnwell_persistence::pipeline as store;

#[tracing::instrument(skip_all)]
pub async fn create_programme(ctx: &Ctx, fields: ProgrammeFields) -> ApiResult<Programme> {
    ensure(rules::can_run_programmes(&ctx.principal))?;
    let id = ProgrammeId::from_uuid(uuid::Uuid::now_v7());
    let programme = fields.parse(id, ctx.now).map_err(ApiError::Validation)?;
    if learnwell_persistence::org::get_employee(&ctx.db, programme.lead_id)
        .await?
        .is_none()
    {
        return Err(FieldError::new("lead_id", "no such employee").into());
    }
    let tx = ctx.db.begin().await?;
    store::insert_programme(&tx, &programme).await?;
    let event = audit::event(ctx, "pipeline_programme.create", "pipeline_programme", id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(programme)
}

#[tracing::instrument(skip_all, fields(programme_id = %id))]
pub async fn get_programme(ctx: &Ctx, id: ProgrammeId) -> ApiResult<Programme> {
    ensure(rules::can_browse_pipeline(&ctx.principal))?;
    store::get_programme(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("programme"))
}

#[tracing::instrument(skip_all)]
pub async fn list_programmes(ctx: &Ctx) -> ApiResult<Vec<Programme>> {
    ensure(rules::can_browse_pipeline(&ctx.principal))?;
    Ok(store::list_programmes(&ctx.db).await?)
}

#[tracing::instrument(skip_all, fields(programme_id = %programme))]
pub async fn create_cohort(
    ctx: &Ctx,
    programme: ProgrammeId,
    fields: CohortFields,
) -> ApiResult<Cohort> {
    ensure(rules::can_run_programmes(&ctx.principal))?;
    get_programme(ctx, programme).await?;
    let id = CohortId::from_uuid(uuid::Uuid::now_v7());
    let cohort = fields
        .parse(id, programme, ctx.now)
        .map_err(ApiError::Validation)?;
    let tx = ctx.db.begin().await?;
    store::insert_cohort(&tx, &cohort).await?;
    let event = audit::event(ctx, "pipeline_cohort.create", "pipeline_cohort", id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(cohort)
}

#[tracing::instrument(skip_all, fields(cohort_id = %id))]
pub async fn get_cohort(ctx: &Ctx, id: CohortId) -> ApiResult<Cohort> {
    ensure(rules::can_browse_pipeline(&ctx.principal))?;
    store::get_cohort(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("cohort"))
}

/// The cohorts of a programme (or all), by start date.
#[tracing::instrument(skip_all)]
pub async fn list_cohorts(ctx: &Ctx, programme: Option<ProgrammeId>) -> ApiResult<Vec<Cohort>> {
    ensure(rules::can_browse_pipeline(&ctx.principal))?;
    Ok(store::list_cohorts(&ctx.db, programme).await?)
}
