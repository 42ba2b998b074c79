//! The learning context: enrolments (self, assigned, in bulk) and learning records.
//!
//! Who may do what: a person enrols themselves; `ld_admin` assigns anyone; a manager assigns
//! their transitive reports. An enrolment is seen and updated by its learner, their managers and
//! `ld_admin` (`hr_admin` sees it too). Completing an enrolment records the learning.

use super::{audit, decode_cursor, ensure, page_size, paginate, parse_day, Ctx, Page};
use crate::error::{ApiError, ApiResult, Code, RowError};
use crate::services::Services;
use chrono::NaiveDate;
use learnwell_domain::access::{self, Principal, Relation};
use learnwell_domain::audit::AuditEvent;
use learnwell_domain::catalog::Course;
use learnwell_domain::ids::{CourseId, EmployeeId, EnrollmentId, LearningRecordId, OrgUnitId};
use learnwell_domain::learning::import::{self, Known, KnownCourse, RowInput};
use learnwell_domain::learning::{
    self, ensure_enrollable, ensure_offered, Enrolled, Enrollment, EnrollmentChange,
    EnrollmentOrigin, EnrollmentStatus, LearningRecord, LearningSource, NewEnrollment, Score,
    Update,
};
use learnwell_domain::org::{EmployeeStatus, JobLevel, Label};
use learnwell_domain::FieldError;
use learnwell_domain::Rule;
use learnwell_persistence::audit::append;
use learnwell_persistence::learning::{self as store, EnrollmentQuery, People};
use learnwell_persistence::org as org_store;
use learnwell_persistence::Tx;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// At most this many people in one bulk assignment.
pub const MAX_BULK: usize = 10_000;

fn parse_date(field: &str, v: Option<&str>) -> Result<Option<NaiveDate>, FieldError> {
    v.map(|s| parse_day(field, s)).transpose()
}

async fn open_course(svc: &Services, id: CourseId) -> ApiResult<Course> {
    let course = store::get_course(&svc.db, id)
        .await?
        .ok_or_else(|| ApiError::validation(FieldError::new("course_id", "no such course")))?;
    ensure_offered(&course)?;
    Ok(course)
}

fn new_enrollment(
    ctx: &Ctx,
    employee_id: EmployeeId,
    course_id: CourseId,
    origin: EnrollmentOrigin,
    due_date: Option<NaiveDate>,
) -> NewEnrollment {
    NewEnrollment {
        id: EnrollmentId::from_uuid(uuid::Uuid::now_v7()),
        employee_id,
        course_id,
        origin,
        by: ctx.principal.subject.clone(),
        due_date,
    }
}

// ---- one enrolment ----

/// Enrol yourself (no `employee_id`), or assign someone.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentInput {
    #[schema(value_type = String)]
    pub course_id: CourseId,
    /// Whom to enrol; the caller when absent.
    #[schema(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    /// YYYY-MM-DD
    pub due_date: Option<String>,
}

/// The enrolment, and whether it was created now (false: it already existed).
pub async fn enroll(ctx: &Ctx, input: EnrollmentInput) -> ApiResult<(Enrollment, bool)> {
    let p = &ctx.principal;
    let who = input
        .employee_id
        .or(p.employee_id)
        .ok_or_else(|| ApiError::validation(FieldError::new("employee_id", "is required")))?;
    let due_date = parse_date("due_date", input.due_date.as_deref())?;
    let (employee, relation) = ctx.directory.relation(p, who).await?;
    let origin = access::enrollment_origin(p, relation).ok_or(ApiError::Forbidden)?;
    ensure_enrollable(employee.data.status)?;
    let course = open_course(ctx, input.course_id).await?;
    let existing = store::enrollments_in_course(&ctx.db, course.id, &[who])
        .await?
        .remove(&who);
    let new = new_enrollment(ctx, who, course.id, origin, due_date);
    let tx = ctx.db.begin().await?;
    let (enrollment, created) = match learning::enroll(existing, new, ctx.now) {
        Enrolled::Already(e) => return Ok((e, false)),
        Enrolled::Again(e) => {
            store::update_enrollment(&tx, &e).await?;
            (e, false)
        }
        Enrolled::Created(e) => {
            store::insert_enrollments(&tx, std::slice::from_ref(&e)).await?;
            (e, true)
        }
    };
    append(
        &tx,
        &[audit::event(
            ctx,
            "enrollment.create",
            "enrollment",
            enrollment.id(),
        )],
    )
    .await?;
    tx.commit().await?;
    Ok((enrollment, created))
}

async fn visible_enrollment(ctx: &Ctx, id: EnrollmentId) -> ApiResult<(Enrollment, Relation)> {
    let e = store::get_enrollment(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("enrollment"))?;
    let (_, relation) = ctx
        .directory
        .relation(&ctx.principal, e.employee_id())
        .await?;
    if !access::can_see_learning(&ctx.principal, relation) {
        // Not revealing that someone else's enrolment exists.
        return Err(ApiError::NotFound("enrollment"));
    }
    Ok((e, relation))
}

pub async fn get_enrollment(ctx: &Ctx, id: EnrollmentId) -> ApiResult<Enrollment> {
    Ok(visible_enrollment(ctx, id).await?.0)
}

/// A change of status, completion, score or due date.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentPatch {
    /// `enrolled`, `in_progress`, `completed` or `withdrawn`.
    pub status: Option<String>,
    /// YYYY-MM-DD, for `completed` (default today).
    pub completed_on: Option<String>,
    /// 0-100.
    pub score: Option<f64>,
    /// YYYY-MM-DD; managers and ld_admin only.
    pub due_date: Option<String>,
}

pub async fn update_enrollment(
    ctx: &Ctx,
    id: EnrollmentId,
    if_match: Option<i64>,
    patch: EnrollmentPatch,
) -> ApiResult<Enrollment> {
    let expected = if_match.ok_or(ApiError::PreconditionRequired)?;
    let (current, relation) = visible_enrollment(ctx, id).await?;
    let p = &ctx.principal;
    ensure(access::can_act_on_learning(p, relation))?;
    if patch.due_date.is_some() && relation == Relation::Itself && !access::is_learning_admin(p) {
        return Err(ApiError::Forbidden);
    }
    if current.version() != expected {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = Vec::new();
    let status = match patch.status.as_deref() {
        Some(s) => EnrollmentStatus::parse(s).map_err(|e| errors.push(e)).ok(),
        None => Some(current.status()),
    };
    let completed_on = parse_date("completed_on", patch.completed_on.as_deref())
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let score = patch
        .score
        .map(Score::new)
        .transpose()
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let due_date = parse_date("due_date", patch.due_date.as_deref())
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let Some(status) = status.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let change = EnrollmentChange {
        status: Some(status),
        completed_on,
        score,
        due_date,
    };
    let (updated, completed) = match current.update(change, ctx.now)? {
        Update::Unchanged => return Ok(current),
        Update::Changed(e) => (e, false),
        Update::Completed(e) => (e, true),
    };
    let tx = ctx.db.begin().await?;
    store::update_enrollment(&tx, &updated).await?;
    let mut events = vec![audit::event(ctx, "enrollment.update", "enrollment", id)];
    if completed {
        let course = store::get_course(&tx, updated.course_id())
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

// ---- bulk assignment ----

/// A range of job levels, both ends included.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelRange {
    pub min: i64,
    pub max: i64,
}

/// Assign one course to many people: exactly one of `employee_ids`, `org_unit_id` (with every
/// unit below it) or `job_levels`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkAssignment {
    #[schema(value_type = String)]
    pub course_id: CourseId,
    pub due_date: Option<String>,
    #[schema(value_type = Option<Vec<String>>)]
    pub employee_ids: Option<Vec<EmployeeId>>,
    #[schema(value_type = Option<String>)]
    pub org_unit_id: Option<OrgUnitId>,
    pub job_levels: Option<LevelRange>,
}

/// What happened for one person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssignmentResult {
    pub employee_id: String,
    /// `created`, `unchanged` (already enrolled) or `error`.
    pub outcome: String,
    pub enrollment_id: Option<String>,
    /// Why, for `error`: `not_found`, `forbidden` or `employee_terminated`, with a message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<RowError>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BulkResult {
    pub created: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub results: Vec<AssignmentResult>,
}

pub async fn assign_bulk(ctx: &Ctx, input: BulkAssignment) -> ApiResult<BulkResult> {
    let p = &ctx.principal;
    let due_date = parse_date("due_date", input.due_date.as_deref())?;
    let targets = [
        input.employee_ids.is_some(),
        input.org_unit_id.is_some(),
        input.job_levels.is_some(),
    ];
    if targets.iter().filter(|t| **t).count() != 1 {
        return Err(ApiError::validation(FieldError::new(
            "employee_ids",
            "give exactly one of employee_ids, org_unit_id or job_levels",
        )));
    }
    // Everyone targeted, with their status (`None`: no such employee).
    let people: Vec<(EmployeeId, Option<EmployeeStatus>)> = if let Some(ids) = &input.employee_ids {
        let mut seen = HashSet::new();
        let unique: Vec<EmployeeId> = ids.iter().copied().filter(|i| seen.insert(*i)).collect();
        check_size(unique.len())?;
        let found: HashMap<EmployeeId, EmployeeStatus> = org_store::get_employees(&ctx.db, &unique)
            .await?
            .into_iter()
            .map(|e| (e.id, e.data.status))
            .collect();
        unique
            .iter()
            .map(|id| (*id, found.get(id).copied()))
            .collect()
    } else {
        // Whole units and level bands are ld_admin's.
        ensure(access::is_learning_admin(p))?;
        let units = match input.org_unit_id {
            Some(root) => Some(ctx.directory.unit_subtree(root).await?),
            None => None,
        };
        let levels = match input.job_levels {
            Some(r) => Some((
                JobLevel::new(r.min).map_err(|e| FieldError::new("job_levels.min", e.message))?,
                JobLevel::new(r.max).map_err(|e| FieldError::new("job_levels.max", e.message))?,
            )),
            None => None,
        };
        let people = org_store::employee_statuses(&ctx.db, units.as_deref(), levels).await?;
        check_size(people.len())?;
        people.into_iter().map(|(id, s)| (id, Some(s))).collect()
    };
    let course = open_course(ctx, input.course_id).await?;
    let ids: Vec<EmployeeId> = people.iter().map(|(id, _)| *id).collect();
    let existing = store::enrollments_in_course(&ctx.db, course.id, &ids).await?;
    let reports = match p.employee_id {
        Some(me) if !access::is_learning_admin(p) => ctx.directory.reports_among(me, &ids).await?,
        _ => HashSet::new(),
    };
    let mut results = Vec::with_capacity(people.len());
    let mut inserts = Vec::new();
    for (id, status) in people {
        let relation = if Some(id) == p.employee_id {
            Relation::Itself
        } else if reports.contains(&id) {
            Relation::Report
        } else {
            Relation::Other
        };
        let refused =
            |code, message: &str| ("error", None, Some(RowError::new(code, None, message)));
        let (outcome, enrollment_id, error) = if status.is_none() {
            refused(Code::NotFound, "no such employee")
        } else if access::enrollment_origin(p, relation).is_none() {
            refused(Code::Forbidden, "you may not assign courses to this person")
        } else if status == Some(EmployeeStatus::Terminated) {
            let rule = Rule::EmployeeTerminated { action: "assigned" };
            refused(rule.code(), &rule.to_string())
        } else if let Some(e) = existing.get(&id) {
            // Already enrolled (or withdrawn: a bulk assignment does not silently re-enrol).
            ("unchanged", Some(e.id()), None)
        } else {
            let new = new_enrollment(ctx, id, course.id, EnrollmentOrigin::Assigned, due_date);
            let e = Enrollment::new(new, ctx.now);
            let eid = e.id();
            inserts.push(e);
            ("created", Some(eid), None)
        };
        results.push(AssignmentResult {
            employee_id: id.to_string(),
            outcome: outcome.to_owned(),
            enrollment_id: enrollment_id.map(|e| e.to_string()),
            error,
        });
    }
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
    let count = |o: &str| results.iter().filter(|r| r.outcome == o).count();
    Ok(BulkResult {
        created: count("created"),
        unchanged: count("unchanged"),
        failed: count("error"),
        results,
    })
}

fn check_size(n: usize) -> ApiResult<()> {
    if n > MAX_BULK {
        return Err(Rule::BatchTooLarge {
            what: "a bulk assignment",
            items: "people",
            max: MAX_BULK,
            sent: n,
        }
        .into());
    }
    Ok(())
}

// ---- lists ----

/// The enrolments of each of these employees the caller may see (one query for the relations,
/// one for the enrolments): for GraphQL's `Employee.enrollments`.
pub async fn enrollments_of(
    svc: &Services,
    p: &Principal,
    employees: &[EmployeeId],
) -> ApiResult<HashMap<EmployeeId, Vec<Enrollment>>> {
    let sees_all = access::can_see_learning(p, Relation::Other);
    let visible: Vec<EmployeeId> = if sees_all {
        employees.to_vec()
    } else {
        let reports = match p.employee_id {
            Some(me) => svc.directory.reports_among(me, employees).await?,
            None => HashSet::new(),
        };
        employees
            .iter()
            .copied()
            .filter(|e| Some(*e) == p.employee_id || reports.contains(e))
            .collect()
    };
    let mut out: HashMap<EmployeeId, Vec<Enrollment>> = HashMap::new();
    for e in store::enrollments_of(&svc.db, &visible).await? {
        out.entry(e.employee_id()).or_default().push(e);
    }
    Ok(out)
}

/// Filters of the enrolment list: whose (at most one of `employee_id`, `manager_id`,
/// `org_unit_id`; default: your own, or everyone's for ld_admin and hr_admin), and which.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EnrollmentFilter {
    #[param(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    /// The manager's whole team (transitive reports).
    #[param(value_type = Option<String>)]
    pub manager_id: Option<EmployeeId>,
    /// This unit and every unit below it.
    #[param(value_type = Option<String>)]
    pub org_unit_id: Option<OrgUnitId>,
    #[param(value_type = Option<String>)]
    pub course_id: Option<CourseId>,
    /// enrolled, in_progress, completed or withdrawn.
    pub status: Option<String>,
    /// Only open enrolments past their due date.
    pub overdue: Option<bool>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

pub async fn list_enrollments(ctx: &Ctx, f: EnrollmentFilter) -> ApiResult<Page<Enrollment>> {
    let p = &ctx.principal;
    let sees_all = access::can_see_learning(p, Relation::Other);
    let people = match (f.employee_id, f.manager_id, f.org_unit_id) {
        (Some(e), None, None) => {
            let (_, relation) = ctx.directory.relation(p, e).await?;
            ensure(access::can_see_learning(p, relation))?;
            People::Employee(e)
        }
        (None, Some(m), None) => {
            ensure(sees_all || p.employee_id == Some(m))?;
            People::ReportsOf(m)
        }
        (None, None, Some(u)) => {
            ensure(sees_all)?;
            People::OrgUnits(
                ctx.directory
                    .unit_subtree(u)
                    .await?
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            )
        }
        (None, None, None) if sees_all => People::Everyone,
        (None, None, None) => People::Employee(p.employee_id.ok_or(ApiError::Forbidden)?),
        _ => {
            return Err(ApiError::InvalidQuery(FieldError::new(
                "employee_id",
                "give at most one of employee_id, manager_id and org_unit_id",
            )))
        }
    };
    let status = f
        .status
        .as_deref()
        .map(EnrollmentStatus::parse)
        .transpose()
        .map_err(ApiError::InvalidQuery)?;
    let limit = page_size(f.first)?;
    let after = decode_cursor::<EnrollmentId>(f.after.as_deref())?;
    let query = EnrollmentQuery {
        people,
        course_id: f.course_id,
        status,
        overdue_on: f.overdue.unwrap_or(false).then(|| ctx.now.date_naive()),
    };
    let rows = store::list_enrollments(&ctx.db, &query, after, limit + 1).await?;
    Ok(paginate(rows, limit, |e| e.id().to_string()))
}

// ---- learning records ----

/// Learning records: a person's (yourself, their managers, admins); default your own, or
/// everyone's for ld_admin and hr_admin.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecordFilter {
    #[param(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

pub async fn list_records(ctx: &Ctx, f: RecordFilter) -> ApiResult<Page<LearningRecord>> {
    let p = &ctx.principal;
    let employee = match f.employee_id {
        Some(e) => {
            let (_, relation) = ctx.directory.relation(p, e).await?;
            ensure(access::can_see_learning(p, relation))?;
            Some(e)
        }
        None if access::can_see_learning(p, Relation::Other) => None,
        None => Some(p.employee_id.ok_or(ApiError::Forbidden)?),
    };
    let limit = page_size(f.first)?;
    let after = decode_cursor::<LearningRecordId>(f.after.as_deref())?;
    let rows = store::list_records(&ctx.db, employee, after, limit + 1).await?;
    Ok(paginate(rows, limit, |r| r.id.to_string()))
}

/// One row of an import from an LMS (or one manual record): who by external id or email, what by
/// course code or title, when, how long. `source_id` is the LMS's key of the row; without it the
/// row's own content is its key, so re-importing a file writes nothing new.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRow {
    pub employee_external_id: Option<String>,
    pub employee_email: Option<String>,
    pub course_code: Option<String>,
    /// Required without a course.
    pub title: Option<String>,
    /// YYYY-MM-DD
    pub completed_on: Option<String>,
    /// Default: the course's estimated minutes. Required without a course.
    pub minutes: Option<i64>,
    /// 0-100.
    pub score: Option<f64>,
    pub source_id: Option<String>,
}

impl RecordRow {
    fn input(&self) -> RowInput<'_> {
        RowInput {
            employee_external_id: self.employee_external_id.as_deref(),
            employee_email: self.employee_email.as_deref(),
            course_code: self.course_code.as_deref(),
            title: self.title.as_deref(),
            completed_on: self.completed_on.as_deref(),
            minutes: self.minutes,
            score: self.score,
            source_id: self.source_id.as_deref(),
        }
    }
}

/// What happened to one row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowResult {
    pub index: usize,
    /// `created`, `unchanged` (already recorded) or `error`.
    pub outcome: String,
    pub record_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<RowError>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    pub created: usize,
    pub unchanged: usize,
    pub failed: usize,
    /// Open enrolments completed by the imported records.
    pub enrollments_completed: usize,
    pub results: Vec<RowResult>,
}

fn row_error(code: Code, field: &str, message: impl Into<String>) -> RowError {
    RowError::new(code, Some(field), message)
}

/// Complete the open enrolments (`open`, by person and course) that these new records complete:
/// a completion of a course someone is enrolled in completes the enrolment. Which record
/// completed which enrolment, and what the enrolment was before, is kept so that removing the
/// record reopens it ([`reopen_enrollments`]). Returns the audit events of the enrolments changed.
pub(crate) async fn complete_enrollments(
    tx: &Tx,
    ctx: &Ctx,
    records: &[LearningRecord],
    open: &HashMap<(EmployeeId, CourseId), Enrollment>,
) -> ApiResult<Vec<AuditEvent>> {
    let mut completed: HashSet<(EmployeeId, CourseId)> = HashSet::new();
    let mut completions = Vec::new();
    let mut events = Vec::new();
    for r in records {
        let Some((key, e)) = r
            .course_id
            .and_then(|c| open.get_key_value(&(r.employee_id, c)))
            .filter(|(key, _)| !completed.contains(*key))
        else {
            continue;
        };
        let Some((done, completion)) = e.completed_by(r, ctx.now) else {
            continue;
        };
        store::update_enrollment(tx, &done).await?;
        events.push(audit::event(
            ctx,
            "enrollment.update",
            "enrollment",
            done.id(),
        ));
        completions.push(completion);
        completed.insert(*key);
    }
    store::insert_completions(tx, &completions).await?;
    Ok(events)
}

/// Reopen the enrolments these records completed (the records have just been removed, for
/// instance because the xAPI statement behind them was voided): each goes back to the status and
/// score it had before, without a completion day. While another record of the person for the
/// course remains, the enrolment stays completed, by the newest of them. An enrolment changed
/// since (withdrawn, or completed again by hand) is left as it is. Returns the audit events of
/// the enrolments changed.
pub(crate) async fn reopen_enrollments(
    tx: &Tx,
    ctx: &Ctx,
    records: &[LearningRecordId],
) -> ApiResult<Vec<AuditEvent>> {
    let mut events = Vec::new();
    for c in store::take_completions(tx, records).await? {
        let Some(e) = store::get_enrollment(tx, c.enrollment_id).await? else {
            continue;
        };
        if e.status() != EnrollmentStatus::Completed {
            continue;
        }
        let changed = match store::newest_record_for(tx, e.employee_id(), e.course_id()).await? {
            Some(r) => e
                .completed_instead_by(&c, &r, ctx.now)
                .map(|(changed, moved)| (changed, Some(moved))),
            None => e.reopen(&c, ctx.now).map(|changed| (changed, None)),
        };
        let Some((changed, moved)) = changed else {
            continue;
        };
        if let Some(moved) = moved {
            store::insert_completions(tx, std::slice::from_ref(&moved)).await?;
        }
        store::update_enrollment(tx, &changed).await?;
        events.push(audit::event(
            ctx,
            "enrollment.update",
            "enrollment",
            changed.id(),
        ));
    }
    Ok(events)
}

/// The people and courses the rows name, in one query each.
async fn known_of(svc: &Services, rows: &[RowInput<'_>]) -> ApiResult<Known> {
    let ext_refs: Vec<&str> = rows.iter().filter_map(RowInput::external_id).collect();
    let by_external_id = org_store::stored_keys_by_external_ids(&svc.db, &ext_refs)
        .await?
        .into_iter()
        .map(|(x, k)| (x, k.id))
        .collect();
    let emails: Vec<String> = rows.iter().filter_map(RowInput::email).collect();
    let email_refs: Vec<&str> = emails.iter().map(String::as_str).collect();
    let by_email = org_store::employee_ids_by_emails(&svc.db, &email_refs)
        .await?
        .into_iter()
        .collect();
    let codes: Vec<String> = rows.iter().filter_map(RowInput::course_code).collect();
    let code_refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let by_code = store::course_ids_by_codes(&svc.db, &code_refs).await?;
    let ids: Vec<CourseId> = by_code.values().map(|(id, _)| *id).collect();
    let titles: HashMap<CourseId, Label> = store::courses_by_ids(&svc.db, &ids)
        .await?
        .into_iter()
        .map(|c| (c.id, c.data.title))
        .collect();
    let courses = by_code
        .into_iter()
        .filter_map(|(code, (id, estimated_minutes))| {
            let title = titles.get(&id)?.clone();
            Some((
                code,
                KnownCourse {
                    id,
                    title,
                    estimated_minutes,
                },
            ))
        })
        .collect();
    Ok(Known {
        by_external_id,
        by_email,
        courses,
    })
}

/// Import learning records from an LMS without xAPI (ld_admin). Idempotent per row.
pub async fn import_records(ctx: &Ctx, rows: Vec<RecordRow>) -> ApiResult<ImportResult> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    if rows.len() > MAX_BULK {
        return Err(Rule::BatchTooLarge {
            what: "an import",
            items: "rows",
            max: MAX_BULK,
            sent: rows.len(),
        }
        .into());
    }
    let inputs: Vec<RowInput<'_>> = rows.iter().map(RecordRow::input).collect();
    let known = known_of(ctx, &inputs).await?;
    let today = ctx.now.date_naive();
    let parsed: Vec<Result<LearningRecord, RowError>> = inputs
        .iter()
        .map(|r| {
            import::parse_row(r, &known, today)
                .map(|p| p.into_record(LearningRecordId::from_uuid(uuid::Uuid::now_v7()), ctx.now))
                .map_err(|e| {
                    let f = e.field_error();
                    row_error(e.code(), &f.field, f.message.clone())
                })
        })
        .collect();

    // Rows already recorded (or repeated in this file) are unchanged.
    let keys: Vec<&str> = parsed
        .iter()
        .flatten()
        .map(|r| r.source_id.as_str())
        .collect();
    let recorded = store::recorded_source_ids(&ctx.db, LearningSource::Import, &keys).await?;
    let mut seen: HashSet<String> = HashSet::new();
    let mut inserts = Vec::new();
    let mut results = Vec::with_capacity(rows.len());
    for (index, row) in parsed.into_iter().enumerate() {
        let (outcome, record_id, error) = match row {
            Err(e) => ("error", None, Some(e)),
            Ok(r) if recorded.contains(&r.source_id) || !seen.insert(r.source_id.clone()) => {
                ("unchanged", None, None)
            }
            Ok(r) => {
                let id = r.id.to_string();
                inserts.push(r);
                ("created", Some(id), None)
            }
        };
        results.push(RowResult {
            index,
            outcome: outcome.to_owned(),
            record_id,
            error,
        });
    }

    // A completion of a course someone is enrolled in completes the enrolment.
    let pairs: Vec<(EmployeeId, CourseId)> = inserts
        .iter()
        .filter_map(|r| Some((r.employee_id, r.course_id?)))
        .collect();
    let open = store::open_enrollments_for(&ctx.db, &pairs).await?;
    let tx = ctx.db.begin().await?;
    store::insert_records(&tx, &inserts).await?;
    let mut events = vec![audit::event(
        ctx,
        "learning_record.import",
        "learning_records",
        inserts.len(),
    )];
    events.extend(
        inserts
            .iter()
            .map(|r| audit::event(ctx, "learning_record.create", "learning_record", r.id)),
    );
    let completed = complete_enrollments(&tx, ctx, &inserts, &open).await?;
    let enrollments_completed = completed.len();
    events.extend(completed);
    append(&tx, &events).await?;
    tx.commit().await?;
    let count = |o: &str| results.iter().filter(|r| r.outcome == o).count();
    Ok(ImportResult {
        created: count("created"),
        unchanged: count("unchanged"),
        failed: count("error"),
        enrollments_completed,
        results,
    })
}
