//! Readiness assessments and 9-box talent reviews, with their history. Visible only to
//! `hr_admin`, `ld_admin` and each record's assessor (the person their own readiness when
//! `pipeline.self_readiness_visible` allows); every other caller is refused, on every path that
//! reaches them (REST, and GraphQL wherever an employee is nested).

use crate::error::{ApiError, ApiResult};
use crate::services::{audit, ensure, Ctx};
use learnwell_domain::access::pipeline::{self as rules, TalentRecord};
use learnwell_domain::access::Relation;
use learnwell_domain::ids::{EmployeeId, ReadinessAssessmentId, TalentReviewId};
use learnwell_domain::pipeline::{
    ReadinessAssessment, ReadinessFields, TalentReview, TalentReviewFields,
};
use learnwell_domain::FieldError;
use learnwell_persistence::pipeline as store;

/// The assessor (and calibrator) named must be people; only an admin may name someone other
/// than themselves as the assessor.
async fn check_people(ctx: &Ctx, assessor: EmployeeId, others: &[EmployeeId]) -> ApiResult<()> {
    let p = &ctx.principal;
    if Some(assessor) != p.employee_id && !rules::is_pipeline_admin(p) {
        return Err(FieldError::new("assessor_id", "must be yourself").into());
    }
    let mut wanted = vec![assessor];
    wanted.extend_from_slice(others);
    let found = learnwell_persistence::org::get_employees(&ctx.db, &wanted).await?;
    for (field, id) in [
        ("assessor_id", Some(assessor)),
        ("calibrated_by", others.first().copied()),
    ] {
        if let Some(id) = id {
            if !found.iter().any(|e| e.id == id) {
                return Err(FieldError::new(field, "no such employee").into());
            }
        }
    }
    Ok(())
}

/// Record a readiness assessment of `who`: hr_admin, ld_admin or one of their managers.
#[tracing::instrument(skip_all)]
pub async fn record_readiness(
    ctx: &Ctx,
    who: EmployeeId,
    fields: ReadinessFields,
) -> ApiResult<ReadinessAssessment> {
    let p = &ctx.principal;
    let (_, relation) = ctx.directory.relation(p, who).await?;
    ensure(rules::may_assess_readiness(p, relation))?;
    let id = ReadinessAssessmentId::from_uuid(uuid::Uuid::now_v7());
    let a = fields
        .parse(id, who, p.employee_id, ctx.now)
        .map_err(ApiError::Validation)?;
    check_people(ctx, a.assessor_id, &[]).await?;
    let tx = ctx.db.begin().await?;
    store::insert_readiness(&tx, &a).await?;
    let event = audit::event(ctx, "pipeline_readiness.create", "employee", who);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(a)
}

/// Record a 9-box talent review of `who`: hr_admin.
#[tracing::instrument(skip_all)]
pub async fn record_review(
    ctx: &Ctx,
    who: EmployeeId,
    fields: TalentReviewFields,
) -> ApiResult<TalentReview> {
    let p = &ctx.principal;
    ensure(rules::can_manage_positions(p))?;
    let (_, relation) = ctx.directory.relation(p, who).await?;
    if relation == Relation::Itself {
        return Err(ApiError::Forbidden);
    }
    let id = TalentReviewId::from_uuid(uuid::Uuid::now_v7());
    let r = fields
        .parse(id, who, p.employee_id, ctx.now)
        .map_err(ApiError::Validation)?;
    let calibrated: Vec<EmployeeId> = r.calibrated_by.into_iter().collect();
    check_people(ctx, r.assessor_id, &calibrated).await?;
    let tx = ctx.db.begin().await?;
    store::insert_review(&tx, &r).await?;
    let event = audit::event(ctx, "pipeline_talent_review.create", "employee", who);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(r)
}

/// Of `records` about `who`, those the caller may see; `forbidden` when the caller may see
/// none of this kind about this person whatever there is (so the answer never tells whether
/// records they may not see exist).
async fn visible<T>(
    ctx: &Ctx,
    who: EmployeeId,
    kind: TalentRecord,
    records: Vec<T>,
    assessor: impl Fn(&T) -> EmployeeId,
) -> ApiResult<Vec<T>> {
    let p = &ctx.principal;
    let (_, relation) = ctx.directory.relation(p, who).await?;
    let own = ctx.settings.pipeline.self_readiness_visible;
    let sees = |r: &T| {
        rules::may_see_talent_record(p, kind, relation, Some(assessor(r)) == p.employee_id, own)
    };
    let shown: Vec<T> = records.into_iter().filter(|r| sees(r)).collect();
    if shown.is_empty() && !rules::may_see_talent_record(p, kind, relation, false, own) {
        return Err(ApiError::Forbidden);
    }
    Ok(shown)
}

/// `who`'s readiness history as the caller may see it, oldest first.
#[tracing::instrument(skip_all)]
pub async fn readiness_history(ctx: &Ctx, who: EmployeeId) -> ApiResult<Vec<ReadinessAssessment>> {
    let all = store::readiness_of(&ctx.db, Some(&[who])).await?;
    visible(ctx, who, TalentRecord::Readiness, all, |a| a.assessor_id).await
}

/// `who`'s 9-box reviews as the caller may see them, oldest first.
#[tracing::instrument(skip_all)]
pub async fn talent_reviews(ctx: &Ctx, who: EmployeeId) -> ApiResult<Vec<TalentReview>> {
    let all = store::reviews_of(&ctx.db, &[who]).await?;
    visible(ctx, who, TalentRecord::NineBox, all, |r| r.assessor_id).await
}

/// The latest readiness of each of `people` (the admins only: slates and reports).
pub(super) async fn latest_readiness(
    ctx: &Ctx,
    people: &[EmployeeId],
) -> ApiResult<std::collections::HashMap<EmployeeId, ReadinessAssessment>> {
    ensure(rules::is_pipeline_admin(&ctx.principal))?;
    let all = store::readiness_of(&ctx.db, Some(people)).await?;
    Ok(all.into_iter().map(|a| (a.employee_id, a)).collect())
}
