//! Programmes and cohorts: created by ld_admin, read by every person (no sensitive field).

use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page, Position};
use chrono::NaiveDate;
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

/// A page of the programmes, by their (unique) name.
#[tracing::instrument(skip_all)]
pub async fn list_programmes(
    ctx: &Ctx,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<Programme>> {
    ensure(rules::can_browse_pipeline(&ctx.principal))?;
    let limit = page_size(first)?;
    let after = decode_cursor::<String>(after)?;
    let rows = store::list_programmes(&ctx.db, after, limit + 1).await?;
    Ok(paginate(rows, limit, programme_cursor))
}

/// What a programme's cursor names: its place in the list, by name.
pub fn programme_cursor(p: &Programme) -> String {
    p.name.to_string()
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

/// A page of a programme's cohorts, by start date.
#[tracing::instrument(skip_all, fields(programme_id = %programme))]
pub async fn list_cohorts(
    ctx: &Ctx,
    programme: ProgrammeId,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<Cohort>> {
    get_programme(ctx, programme).await?;
    let limit = page_size(first)?;
    let after = decode_cursor::<Position<NaiveDate, CohortId>>(after)?;
    let rows =
        store::list_cohorts(&ctx.db, programme, after.map(|p| (p.0, p.1)), limit + 1).await?;
    Ok(paginate(rows, limit, |c| cohort_cursor(c).to_string()))
}

/// What a cohort's cursor names: its place in the list, by start date and then id.
pub fn cohort_cursor(c: &Cohort) -> Position<NaiveDate, CohortId> {
    Position(c.starts_on, c.id)
}
