//! One enrolment: enrol, read, change; and the lists of enrolments.

use super::{new_enrollment, open_course};
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page};
use chrono::NaiveDate;
use learnwell_domain::access::{self, Relation};
use learnwell_domain::ids::{CourseId, EmployeeId, EnrollmentId, LearningRecordId, OrgUnitId};
use learnwell_domain::learning::{
    self, ensure_enrollable, Enrolled, Enrollment, EnrollmentChange, EnrollmentStatus, Update,
};
use learnwell_domain::FieldError;
use learnwell_persistence::audit::append;
use learnwell_persistence::catalog as catalog_store;
use learnwell_persistence::learning::{self as store, EnrollmentQuery, People};
use std::collections::HashMap;

/// Enrol someone in a course: the caller (no `employee`), a report, or anyone (ld_admin).
#[derive(Debug, Clone, PartialEq)]
pub struct Enroll {
    pub course: CourseId,
    pub employee: Option<EmployeeId>,
    pub due: Option<NaiveDate>,
}

/// What enrolling did: a new enrolment, a withdrawn one enrolled again, or the existing one.
#[tracing::instrument(skip_all, fields(course_id = %cmd.course))]
pub async fn enroll(ctx: &Ctx, cmd: Enroll) -> ApiResult<Enrolled> {
    let p = &ctx.principal;
    let who = cmd
        .employee
        .or(p.employee_id)
        .ok_or_else(|| ApiError::validation(FieldError::new("employee_id", "is required")))?;
    let (employee, relation) = ctx.directory.relation(p, who).await?;
    let origin = access::enrollment_origin(p, relation).ok_or(ApiError::Forbidden)?;
    ensure_enrollable(employee.data.status)?;
    let course = open_course(ctx, cmd.course).await?;
    let existing = store::enrollments_in_course(&ctx.db, course.id, &[who])
        .await?
        .remove(&who);
    let new = new_enrollment(ctx, who, course.id, origin, cmd.due);
    let outcome = learning::enroll(existing, new, ctx.now);
    let tx = ctx.db.begin().await?;
    match &outcome {
        Enrolled::Already(_) => return Ok(outcome),
        Enrolled::Again(e) => store::update_enrollment(&tx, e).await?,
        Enrolled::Created(e) => store::insert_enrollments(&tx, std::slice::from_ref(e)).await?,
    }
    let id = outcome.enrollment().id();
    append(
        &tx,
        &[audit::event(ctx, "enrollment.create", "enrollment", id)],
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}

/// The enrolment and the caller's relation to its learner; `not_found` when the caller may not
/// see it (not revealing that someone else's enrolment exists).
async fn visible_enrollment(ctx: &Ctx, id: EnrollmentId) -> ApiResult<(Enrollment, Relation)> {
    let e = store::get_enrollment(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("enrollment"))?;
    let (_, relation) = ctx
        .directory
        .relation(&ctx.principal, e.employee_id())
        .await?;
    if !access::can_see_learning(&ctx.principal, relation) {
        return Err(ApiError::NotFound("enrollment"));
    }
    Ok((e, relation))
}

#[tracing::instrument(skip_all, fields(enrollment_id = %id))]
pub async fn get_enrollment(ctx: &Ctx, id: EnrollmentId) -> ApiResult<Enrollment> {
    Ok(visible_enrollment(ctx, id).await?.0)
}

/// Change an enrolment's status (completing it with a day and score) or due date, at the
/// version the caller read.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateEnrollment {
    pub id: EnrollmentId,
    pub if_match: Option<i64>,
    pub change: EnrollmentChange,
}

/// The enrolment after the change. Completing it writes its learning record.
#[tracing::instrument(skip_all, fields(enrollment_id = %cmd.id))]
pub async fn update_enrollment(ctx: &Ctx, cmd: UpdateEnrollment) -> ApiResult<Enrollment> {
    let expected = cmd.if_match.ok_or(ApiError::PreconditionRequired)?;
    let (current, relation) = visible_enrollment(ctx, cmd.id).await?;
    let p = &ctx.principal;
    ensure(access::can_act_on_learning(p, relation))?;
    ensure(cmd.change.due_date.is_none() || access::can_set_due_date(p, relation))?;
    if current.version() != expected {
        return Err(ApiError::PreconditionFailed);
    }
    let (updated, completed) = match current.update(cmd.change, ctx.now)? {
        Update::Unchanged => return Ok(current),
        Update::Changed(e) => (e, false),
        Update::Completed(e) => (e, true),
    };
    let tx = ctx.db.begin().await?;
    store::update_enrollment(&tx, &updated).await?;
    let mut events = vec![audit::event(ctx, "enrollment.update", "enrollment", cmd.id)];
    if completed {
        let course = catalog_store::get_course(&tx, updated.course_id())
            .await?
            .ok_or(ApiError::NotFound("course"))?;
        let record_id = LearningRecordId::from_uuid(uuid::Uuid::now_v7());
        let record = updated.completion_record(&course, record_id, ctx.now);
        store::insert_records(&tx, std::slice::from_ref(&record)).await?;
        events.push(audit::event(
            ctx,
            "learning_record.create",
            "learning_record",
            record.id,
        ));
    }
    append(&tx, &events).await?;
    tx.commit().await?;
    Ok(updated)
}

/// The enrolments of each of these employees the caller may see (one query for the relations,
/// one for the enrolments): for GraphQL's `Employee.enrollments`.
#[tracing::instrument(skip_all, fields(employees = employees.len()))]
pub async fn enrollments_of(
    ctx: &Ctx,
    employees: &[EmployeeId],
) -> ApiResult<HashMap<EmployeeId, Vec<Enrollment>>> {
    let p = &ctx.principal;
    let visible: Vec<EmployeeId> = if access::can_see_learning(p, Relation::Other) {
        employees.to_vec()
    } else {
        let relations = ctx.directory.relations(p, employees).await?;
        employees
            .iter()
            .zip(relations)
            .filter(|(_, r)| access::can_see_learning(p, *r))
            .map(|(e, _)| *e)
            .collect()
    };
    let mut out: HashMap<EmployeeId, Vec<Enrollment>> = HashMap::new();
    for e in store::enrollments_of(&ctx.db, &visible).await? {
        out.entry(e.employee_id()).or_default().push(e);
    }
    Ok(out)
}

/// Whose enrolments a list covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// The caller's own, or everyone's for those who see everyone's learning.
    Default,
    Employee(EmployeeId),
    /// A manager's whole team (transitive reports).
    TeamOf(EmployeeId),
    /// A unit and every unit below it.
    OrgUnit(OrgUnitId),
}

impl Whose {
    /// At most one of a person, a manager's team and a unit.
    pub fn parse(
        employee: Option<EmployeeId>,
        manager: Option<EmployeeId>,
        unit: Option<OrgUnitId>,
    ) -> Result<Self, FieldError> {
        match (employee, manager, unit) {
            (None, None, None) => Ok(Self::Default),
            (Some(e), None, None) => Ok(Self::Employee(e)),
            (None, Some(m), None) => Ok(Self::TeamOf(m)),
            (None, None, Some(u)) => Ok(Self::OrgUnit(u)),
            _ => Err(FieldError::new(
                "employee_id",
                "give at most one of employee_id, manager_id and org_unit_id",
            )),
        }
    }
}

/// A page of enrolments: whose, of which course, in which status, only the overdue ones.
#[derive(Debug, Clone, PartialEq)]
pub struct ListEnrollments {
    pub whose: Whose,
    pub course: Option<CourseId>,
    pub status: Option<EnrollmentStatus>,
    pub overdue: bool,
    pub first: Option<u64>,
    pub after: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn list_enrollments(ctx: &Ctx, q: ListEnrollments) -> ApiResult<Page<Enrollment>> {
    let query = enrollment_query(ctx, &q).await?;
    let limit = page_size(q.first)?;
    let after = decode_cursor::<EnrollmentId>(q.after.as_deref())?;
    let rows = store::list_enrollments(&ctx.db, &query, after, limit + 1).await?;
    Ok(paginate(rows, limit, |e| e.id().to_string()))
}

/// How many enrolments the list `q` holds, over all its pages.
pub async fn count_enrollments(ctx: &Ctx, q: &ListEnrollments) -> ApiResult<u64> {
    let query = enrollment_query(ctx, q).await?;
    Ok(store::count_enrollments(&ctx.db, &query).await?)
}

async fn enrollment_query(ctx: &Ctx, q: &ListEnrollments) -> ApiResult<EnrollmentQuery> {
    Ok(EnrollmentQuery {
        people: people(ctx, q.whose).await?,
        course_id: q.course,
        status: q.status,
        overdue_on: q.overdue.then(|| ctx.now.date_naive()),
    })
}

/// The people whose enrolments the caller may list.
async fn people(ctx: &Ctx, whose: Whose) -> ApiResult<People> {
    let p = &ctx.principal;
    let sees_all = access::can_see_learning(p, Relation::Other);
    Ok(match whose {
        Whose::Employee(e) => {
            let (_, relation) = ctx.directory.relation(p, e).await?;
            ensure(access::can_see_learning(p, relation))?;
            People::Employee(e)
        }
        Whose::TeamOf(m) => {
            ensure(access::can_see_team_learning(p, m))?;
            People::ReportsOf(m)
        }
        Whose::OrgUnit(u) => {
            ensure(sees_all)?;
            let units = ctx.directory.unit_subtree(u).await?;
            People::OrgUnits(units.iter().map(ToString::to_string).collect())
        }
        Whose::Default if sees_all => People::Everyone,
        Whose::Default => People::Employee(p.employee_id.ok_or(ApiError::Forbidden)?),
    })
}
