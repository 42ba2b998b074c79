//! Assign one course to many people at once.

use super::{new_enrollment, open_course};
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, Ctx};
use chrono::NaiveDate;
use learnwell_domain::access;
use learnwell_domain::ids::{CourseId, EmployeeId};
use learnwell_domain::learning::bulk::{self, ensure_bulk_size, Assignment, BulkTarget};
use learnwell_domain::learning::{Enrollment, EnrollmentOrigin};
use learnwell_domain::org::EmployeeStatus;
use learnwell_persistence::audit::append;
use learnwell_persistence::learning as store;
use learnwell_persistence::org as org_store;
use std::collections::HashMap;

/// Assign a course, due on a day, to everyone a target covers.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignBulk {
    pub course: CourseId,
    pub due: Option<NaiveDate>,
    pub target: BulkTarget,
}

/// What the assignment did for each person, in the order of the target.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkAssigned {
    pub rows: Vec<(EmployeeId, Assignment)>,
}

/// Per-person outcomes; repeating it creates nothing new (a withdrawn enrolment stays withdrawn).
#[tracing::instrument(skip_all, fields(course_id = %cmd.course, people = tracing::field::Empty))]
pub async fn assign_bulk(ctx: &Ctx, cmd: AssignBulk) -> ApiResult<BulkAssigned> {
    let people = targeted(ctx, &cmd.target).await?;
    tracing::Span::current().record("people", people.len());
    let course = open_course(ctx, cmd.course).await?;
    let ids: Vec<EmployeeId> = people.iter().map(|(id, _)| *id).collect();
    let existing = store::enrollments_in_course(&ctx.db, course.id, &ids).await?;
    let allowed = assignable(ctx, &ids).await?;
    let rows: Vec<(EmployeeId, Assignment)> = people
        .into_iter()
        .zip(allowed)
        .map(|((id, status), allowed)| {
            let new = new_enrollment(ctx, id, course.id, EnrollmentOrigin::Assigned, cmd.due);
            let outcome = bulk::assign(status, allowed, existing.get(&id), new, ctx.now);
            (id, outcome)
        })
        .collect();
    let inserts: Vec<Enrollment> = rows
        .iter()
        .filter_map(|(_, a)| match a {
            Assignment::Created(e) => Some(e.clone()),
            _ => None,
        })
        .collect();
    let tx = ctx.db.begin().await?;
    store::insert_enrollments(&tx, &inserts).await?;
    let mut events = vec![audit::event(
        ctx,
        "enrollment.bulk_assign",
        "course",
        course.id,
    )];
    events.extend(
        inserts
            .iter()
            .map(|e| audit::event(ctx, "enrollment.create", "enrollment", e.id())),
    );
    append(&tx, &events).await?;
    tx.commit().await?;
    Ok(BulkAssigned { rows })
}

/// Everyone the target covers, with their status (`None`: no such employee).
async fn targeted(
    ctx: &Ctx,
    target: &BulkTarget,
) -> ApiResult<Vec<(EmployeeId, Option<EmployeeStatus>)>> {
    let (units, levels) = match target {
        BulkTarget::People(ids) => {
            ensure_bulk_size(ids.len())?;
            let found: HashMap<EmployeeId, EmployeeStatus> = org_store::get_employees(&ctx.db, ids)
                .await?
                .into_iter()
                .map(|e| (e.id, e.data.status))
                .collect();
            return Ok(ids.iter().map(|id| (*id, found.get(id).copied())).collect());
        }
        // Whole units and level bands are ld_admin's.
        _ if !access::is_learning_admin(&ctx.principal) => return Err(ApiError::Forbidden),
        BulkTarget::OrgUnit(root) => (Some(ctx.directory.unit_subtree(*root).await?), None),
        BulkTarget::JobLevels { min, max } => (None, Some((*min, *max))),
    };
    let people = org_store::employee_statuses(&ctx.db, units.as_deref(), levels).await?;
    ensure_bulk_size(people.len())?;
    Ok(people.into_iter().map(|(id, s)| (id, Some(s))).collect())
}

/// Whether the caller may assign each of `people` (an L&D admin anyone, without asking).
async fn assignable(ctx: &Ctx, people: &[EmployeeId]) -> ApiResult<Vec<bool>> {
    let p = &ctx.principal;
    if access::is_learning_admin(p) {
        return Ok(vec![true; people.len()]);
    }
    let relations = ctx.directory.relations(p, people).await?;
    Ok(relations
        .into_iter()
        .map(|r| access::enrollment_origin(p, r).is_some())
        .collect())
}
