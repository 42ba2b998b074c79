//! Learning on the dashboard graph: `Employee.enrollments` and their courses, the enrolment list
//! (overdue ones too), enrolment states per course and skills by the people learning them.
//! Every field asks the same services as REST, so the same people see the same things.

use super::catalog::{skill_node, CourseNode, SkillNode};
use super::learning_time::{Count, PeriodInput};
use super::org::{employee_node, EmployeeNode};
use super::service_ctx;
use super::types::{
    field_id, found, payload, wire_enum, Counted, Date, Enum, TotalCount, UserError,
};
use crate::error::{ApiError, ApiResult, Gql};
use crate::services::learning::{
    self as svc, enrollments_of, AssignBulk, BulkAssigned, CourseStats, CourseStatsQuery, Enroll,
    ListEnrollments, SkillStats, StatsScope, UpdateEnrollment, Whose,
};
use crate::services::{encode_cursor, Ctx};
use async_graphql::connection::{Connection, Edge};
use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use learnwell_domain::ids::{CourseId, EmployeeId};
use learnwell_domain::learning::bulk::{Assignment, BulkTarget};
use learnwell_domain::learning::stats::CourseFigure;
use learnwell_domain::learning::{
    Enrollment, EnrollmentChange, EnrollmentOrigin, EnrollmentStatus, Score,
};
use std::collections::HashMap;

/// Enrolments by employee, for everyone in one page of a query (two statements).
pub struct EnrollmentLoader(pub Ctx);

impl Loader<EmployeeId> for EnrollmentLoader {
    type Value = Vec<Enrollment>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[EmployeeId]) -> Result<HashMap<EmployeeId, Vec<Enrollment>>> {
        enrollments_of(&self.0, keys).await.gql()
    }
}

/// Courses by id.
pub struct CourseLoader(pub Ctx);

impl Loader<CourseId> for CourseLoader {
    type Value = learnwell_domain::catalog::Course;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[CourseId]) -> Result<HashMap<CourseId, Self::Value>> {
        let courses = crate::services::catalog::courses_by_ids(&self.0, keys)
            .await
            .gql()?;
        Ok(courses.into_iter().map(|c| (c.id, c)).collect())
    }
}

wire_enum!(
    EnrollmentStatus,
    "EnrollmentStatus",
    "Where an enrolment stands: ENROLLED, IN_PROGRESS, COMPLETED (final) or WITHDRAWN."
);
wire_enum!(
    EnrollmentOrigin,
    "EnrollmentOrigin",
    "How an enrolment began: SELF_ENROLLED (the person chose it) or ASSIGNED (a manager or ld_admin)."
);

/// A person's enrolment in a course.
pub struct EnrollmentNode(pub Enrollment);

impl From<Enrollment> for EnrollmentNode {
    fn from(e: Enrollment) -> Self {
        Self(e)
    }
}

/// A person's enrolment in a course: its state, due date and completion.
#[Object(name = "Enrollment")]
impl EnrollmentNode {
    /// The enrolment's id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id().to_string())
    }
    /// The learner's id.
    async fn employee_id(&self) -> ID {
        ID(self.0.employee_id().to_string())
    }
    /// Where the enrolment stands.
    async fn status(&self) -> Enum<EnrollmentStatus> {
        Enum(self.0.status())
    }
    /// Whether the learner chose the course or it was assigned to them.
    async fn origin(&self) -> Enum<EnrollmentOrigin> {
        Enum(self.0.origin())
    }
    /// The day it should be completed by; null when no due date is set.
    async fn due_date(&self) -> Option<Date> {
        self.0.due_date().map(Date)
    }
    /// The day it was completed; null until COMPLETED.
    async fn completed_on(&self) -> Option<Date> {
        self.0.completed_on().map(Date)
    }
    /// 0-100, when completed with a score.
    async fn score(&self) -> Option<f64> {
        self.0.score().map(|s| s.get())
    }
    /// Send it back to `updateEnrollment`.
    async fn version(&self) -> i64 {
        self.0.version()
    }
    /// When the enrolment was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at()
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at()
    }
    /// The course (through the request's loader), archived or not.
    async fn course(&self, ctx: &Context<'_>) -> Result<Option<CourseNode>> {
        course_node(ctx, self.0.course_id()).await
    }
    /// The learner (through the request's loader).
    async fn employee(&self, ctx: &Context<'_>) -> Result<Option<EmployeeNode>> {
        employee_node(ctx, self.0.employee_id()).await
    }
}

async fn course_node(ctx: &Context<'_>, id: CourseId) -> Result<Option<CourseNode>> {
    Ok(ctx
        .data::<DataLoader<CourseLoader>>()?
        .load_one(id)
        .await?
        .map(CourseNode))
}

/// An employee's enrolments (empty unless the caller may see them).
pub async fn employee_enrollments(
    ctx: &Context<'_>,
    id: EmployeeId,
) -> Result<Vec<EnrollmentNode>> {
    let found = ctx
        .data::<DataLoader<EnrollmentLoader>>()?
        .load_one(id)
        .await?;
    Ok(found
        .unwrap_or_default()
        .into_iter()
        .map(EnrollmentNode)
        .collect())
}

payload!(
    /// The answer of `enroll` and `updateEnrollment`.
    EnrollmentPayload,
    enrollment: EnrollmentNode
);

/// Enrol yourself (no `employeeId`), or assign a report (managers) or anyone (ld_admin).
#[derive(InputObject)]
pub struct EnrollInput {
    /// The course, one still offered (not archived).
    course_id: ID,
    /// Whom to enrol; the caller when absent.
    employee_id: Option<ID>,
    /// The day it should be completed by.
    due_date: Option<Date>,
}

/// A change of status, completion, score or due date.
#[derive(InputObject)]
pub struct UpdateEnrollmentInput {
    /// The new status: ENROLLED to IN_PROGRESS, COMPLETED or WITHDRAWN; IN_PROGRESS to
    /// COMPLETED or WITHDRAWN; WITHDRAWN back to ENROLLED.
    status: Option<Enum<EnrollmentStatus>>,
    /// For COMPLETED (default today).
    completed_on: Option<Date>,
    /// 0-100.
    score: Option<f64>,
    /// Managers and ld_admin only.
    due_date: Option<Date>,
}

/// A band of job levels, both ends included (1 entry to 8 executive).
#[derive(InputObject)]
pub struct JobLevelRangeInput {
    /// The lowest level of the band, 1-8.
    pub(crate) min: i32,
    /// The highest level of the band, 1-8, not below `min`.
    pub(crate) max: i32,
}

/// One course for many people: exactly one of `employeeIds`, `orgUnitId` (with every unit below
/// it) or `jobLevels`.
#[derive(InputObject)]
pub struct AssignCourseInput {
    /// The course, one still offered (not archived).
    course_id: ID,
    /// The day each new enrolment should be completed by.
    due_date: Option<Date>,
    /// These people (at most 10,000); unless the caller is ld_admin, anyone but themselves and
    /// their reports is an ERROR (`forbidden`).
    employee_ids: Option<Vec<ID>>,
    /// Everyone in this unit and every unit below it (ld_admin).
    org_unit_id: Option<ID>,
    /// Everyone in this band of job levels (ld_admin).
    job_levels: Option<JobLevelRangeInput>,
}

/// What a bulk assignment did for one person.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentOutcome {
    /// A new enrolment.
    Created,
    /// Enrolled already (or withdrawn: a bulk assignment does not re-enrol).
    Unchanged,
    /// Nothing was done: `error` says why.
    Error,
}

/// One person of a bulk assignment.
#[derive(SimpleObject)]
pub struct AssignmentResult {
    /// The person.
    employee_id: ID,
    /// What the assignment did for them.
    outcome: AssignmentOutcome,
    /// Their enrolment in the course, new or existing; null for ERROR.
    enrollment_id: Option<ID>,
    /// Why, for ERROR (`not_found`, `forbidden`, `employee_terminated`).
    error: Option<UserError>,
}

/// The answer of `assignCourse`: per-person results (null with `userErrors` when the whole
/// assignment is refused).
#[derive(SimpleObject)]
pub struct AssignCoursePayload {
    /// People given a new enrolment; null when the assignment was refused.
    created: Option<u32>,
    /// People enrolled already (or withdrawn); null when the assignment was refused.
    unchanged: Option<u32>,
    /// People nothing was done for (ERROR); null when the assignment was refused.
    failed: Option<u32>,
    /// One result per person, in the order of the target; null when the assignment was refused.
    results: Option<Vec<AssignmentResult>>,
    /// Why nothing was assigned; empty on success.
    user_errors: Vec<UserError>,
}

impl From<BulkAssigned> for AssignCoursePayload {
    fn from(b: BulkAssigned) -> Self {
        let results: Vec<AssignmentResult> = b
            .rows
            .into_iter()
            .map(|(employee, a)| AssignmentResult {
                employee_id: ID(employee.to_string()),
                outcome: match a {
                    Assignment::Created(_) => AssignmentOutcome::Created,
                    Assignment::Unchanged(_) => AssignmentOutcome::Unchanged,
                    _ => AssignmentOutcome::Error,
                },
                enrollment_id: a.enrollment_id().map(|e| ID(e.to_string())),
                error: a.refusal().map(|(code, message)| UserError {
                    code: code.as_str().to_owned(),
                    field: None,
                    message,
                }),
            })
            .collect();
        let count = |o: AssignmentOutcome| {
            Some(
                u32::try_from(results.iter().filter(|r| r.outcome == o).count())
                    .unwrap_or(u32::MAX),
            )
        };
        Self {
            created: count(AssignmentOutcome::Created),
            unchanged: count(AssignmentOutcome::Unchanged),
            failed: count(AssignmentOutcome::Error),
            results: Some(results),
            user_errors: Vec::new(),
        }
    }
}

impl AssignCourseInput {
    fn command(self) -> ApiResult<AssignBulk> {
        let people = self
            .employee_ids
            .map(|ids| {
                ids.iter()
                    .map(|i| field_id(i, "employee_ids"))
                    .collect::<ApiResult<Vec<EmployeeId>>>()
            })
            .transpose()?;
        let unit = self
            .org_unit_id
            .map(|i| field_id(&i, "org_unit_id"))
            .transpose()?;
        let levels = self
            .job_levels
            .map(|l| (i64::from(l.min), i64::from(l.max)));
        Ok(AssignBulk {
            course: field_id(&self.course_id, "course_id")?,
            due: self.due_date.map(|d| d.0),
            target: BulkTarget::parse(people, unit, levels).map_err(ApiError::validation)?,
        })
    }
}

impl UpdateEnrollmentInput {
    fn change(self) -> ApiResult<EnrollmentChange> {
        Ok(EnrollmentChange {
            status: self.status.map(|s| s.0),
            completed_on: self.completed_on.map(|d| d.0),
            score: self
                .score
                .map(Score::new)
                .transpose()
                .map_err(ApiError::validation)?,
            due_date: self.due_date.map(|d| d.0),
        })
    }
}

#[derive(Default)]
pub struct LearningMutation;

#[Object]
impl LearningMutation {
    /// Enrol yourself, or assign a report (managers) or anyone (ld_admin). Enrolling again
    /// answers the existing enrolment.
    async fn enroll(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The course, and whom to enrol.")] input: EnrollInput,
    ) -> Result<EnrollmentPayload> {
        let c = service_ctx(ctx)?;
        EnrollmentPayload::from_result(
            async {
                let cmd = Enroll {
                    course: field_id(&input.course_id, "course_id")?,
                    employee: input
                        .employee_id
                        .map(|i| field_id(&i, "employee_id"))
                        .transpose()?,
                    due: input.due_date.map(|d| d.0),
                };
                svc::enroll(c, cmd).await.map(|e| e.enrollment().clone())
            }
            .await,
        )
    }
    /// Start, complete (with date and score) or withdraw an enrolment read at `version`;
    /// managers and ld_admin also set due dates. A completed enrolment is final.
    async fn update_enrollment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The enrolment to change.")] id: ID,
        #[graphql(desc = "The `version` as read; a newer one stored answers `version_mismatch`.")]
        version: i64,
        #[graphql(desc = "The change.")] input: UpdateEnrollmentInput,
    ) -> Result<EnrollmentPayload> {
        let c = service_ctx(ctx)?;
        EnrollmentPayload::from_result(
            async {
                let cmd = UpdateEnrollment {
                    id: found(&id, "enrolment")?,
                    if_match: Some(version),
                    change: input.change()?,
                };
                svc::update_enrollment(c, cmd).await
            }
            .await,
        )
    }
    /// Assign one course to up to 10,000 people (a list, an org unit with its sub-units, or a
    /// job-level band), with per-person results. Repeating it creates nothing new, so a retry is
    /// safe.
    async fn assign_course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The course and the people to assign it to.")] input: AssignCourseInput,
    ) -> Result<AssignCoursePayload> {
        let c = service_ctx(ctx)?;
        let result = async { svc::assign_bulk(c, input.command()?).await }.await;
        Ok(match super::types::split(result)? {
            (Some(done), _) => done.into(),
            (None, user_errors) => AssignCoursePayload {
                created: None,
                unchanged: None,
                failed: None,
                results: None,
                user_errors,
            },
        })
    }
}

// ---- dashboard reads ----

/// Which enrolments to list: at most one of `employeeId`, `managerId` and `orgUnitId` (none:
/// the caller's own, or everyone's for those who see everyone's learning).
#[derive(InputObject, Default)]
pub struct EnrollmentFilterInput {
    /// One person's: themselves, their managers and admins.
    employee_id: Option<ID>,
    /// A manager's whole team, at any depth: the manager and admins.
    manager_id: Option<ID>,
    /// A unit and every unit below it: those who see everyone's learning.
    org_unit_id: Option<ID>,
    /// Only enrolments in this course.
    course_id: Option<ID>,
    /// Only enrolments in this status.
    status: Option<Enum<EnrollmentStatus>>,
    /// Only open enrolments past their due date, of people still employed.
    #[graphql(default)]
    overdue: bool,
}

impl EnrollmentFilterInput {
    fn query(self, first: Option<i32>, after: Option<String>) -> ApiResult<ListEnrollments> {
        fn id<T: std::str::FromStr>(i: Option<ID>, what: &'static str) -> ApiResult<Option<T>> {
            i.map(|i| found(&i, what)).transpose()
        }
        Ok(ListEnrollments {
            whose: Whose::parse(
                id(self.employee_id, "employee")?,
                id(self.manager_id, "employee")?,
                id(self.org_unit_id, "org unit")?,
            )
            .map_err(ApiError::InvalidQuery)?,
            course: id(self.course_id, "course")?,
            status: self.status.map(|s| s.0),
            overdue: self.overdue,
            first: first.map(|n| u64::try_from(n).unwrap_or(0)),
            after,
        })
    }
}

/// Whose learning a count covers: a manager's team (`teamOf`), a unit with the units below it
/// (`orgUnitId`), or, with neither, the organisation.
fn stats_scope(team_of: Option<ID>, org_unit_id: Option<ID>) -> ApiResult<StatsScope> {
    match (team_of, org_unit_id) {
        (None, None) => Ok(StatsScope::Organisation),
        (Some(m), None) => Ok(StatsScope::Team(found(&m, "employee")?)),
        (None, Some(u)) => Ok(StatsScope::OrgUnit(found(&u, "org unit")?)),
        (Some(_), Some(_)) => Err(ApiError::InvalidQuery(learnwell_domain::FieldError::new(
            "team_of",
            "give at most one of teamOf and orgUnitId",
        ))),
    }
}

/// A course's enrolments by state. Each count is exact for those who see every learner in
/// scope; for others (the organisation in aggregate) it goes through the privacy engine.
pub struct CourseEnrollmentStats(CourseStats);

/// A course's enrolments by state, each count exact or through the privacy engine.
#[Object]
impl CourseEnrollmentStats {
    /// The course's id.
    async fn course_id(&self) -> ID {
        ID(self.0.course_id.to_string())
    }
    /// The course (through the request's loader), archived or not.
    async fn course(&self, ctx: &Context<'_>) -> Result<Option<CourseNode>> {
        course_node(ctx, self.0.course_id).await
    }
    /// Every enrolment in scope.
    async fn total(&self) -> Count {
        self.0.figure(CourseFigure::Total).into()
    }
    /// Enrolments in scope in ENROLLED.
    async fn enrolled(&self) -> Count {
        self.0
            .figure(CourseFigure::Status(EnrollmentStatus::Enrolled))
            .into()
    }
    /// Enrolments in scope in IN_PROGRESS.
    async fn in_progress(&self) -> Count {
        self.0
            .figure(CourseFigure::Status(EnrollmentStatus::InProgress))
            .into()
    }
    /// Enrolments in scope in COMPLETED, of all time.
    async fn completed(&self) -> Count {
        self.0
            .figure(CourseFigure::Status(EnrollmentStatus::Completed))
            .into()
    }
    /// Enrolments in scope in WITHDRAWN.
    async fn withdrawn(&self) -> Count {
        self.0
            .figure(CourseFigure::Status(EnrollmentStatus::Withdrawn))
            .into()
    }
    /// Open, past due, of people still employed.
    async fn overdue(&self) -> Count {
        self.0.figure(CourseFigure::Overdue).into()
    }
    /// Completions in the period `completedIn` names (null without one).
    async fn completed_in_period(&self) -> Option<Count> {
        self.0.completed_in_period.map(Count::from)
    }
}

/// A skill with the people learning it.
pub struct SkillLearning(SkillStats);

/// A skill with the people learning it and those who completed a course teaching it.
#[Object]
impl SkillLearning {
    /// The skill's id.
    async fn skill_id(&self) -> ID {
        ID(self.0.skill_id.to_string())
    }
    /// The skill (through the request's loader).
    async fn skill(&self, ctx: &Context<'_>) -> Result<Option<SkillNode>> {
        skill_node(ctx, self.0.skill_id).await
    }
    /// People with an open enrolment in a course that teaches it.
    async fn learners(&self) -> Count {
        self.0.learning.into()
    }
    /// People who completed a course that teaches it.
    async fn completed_by(&self) -> Count {
        self.0.completed.into()
    }
}

#[derive(Default)]
pub struct LearningQuery;

#[Object]
impl LearningQuery {
    /// Enrolments the caller may see, in a stable order (Relay connection, `first` up to 200):
    /// `filter: { overdue: true }` lists the overdue ones.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn enrollments(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Whose enrolments and which; absent: the caller's own (everyone's for \
                          those who see everyone's learning)."
        )]
        filter: Option<EnrollmentFilterInput>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Counted<EnrollmentNode>> {
        let q = filter
            .unwrap_or_default()
            .query(first, after.clone())
            .gql()?;
        let page = svc::list_enrollments(service_ctx(ctx)?, q.clone())
            .await
            .gql()?;
        let total = TotalCount::new(move |ctx| {
            let q = q.clone();
            async move { svc::count_enrollments(&ctx, &q).await }
        });
        let mut conn =
            Connection::with_additional_fields(after.is_some(), page.next_cursor.is_some(), total);
        conn.edges.extend(
            page.items
                .into_iter()
                .map(|e| Edge::new(encode_cursor(e.id()), EnrollmentNode(e))),
        );
        Ok(conn)
    }
    /// Enrolment states per course (most enrolments first, `first` up to 200), with the
    /// completions of a period for those who see each learner.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn course_enrollment_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A manager's team: everyone below them, at any depth (the manager \
                          and those who see everyone's learning)."
        )]
        team_of: Option<ID>,
        #[graphql(desc = "A unit and every unit below it (those who see everyone's \
                          learning); with neither this nor `teamOf`: the organisation.")]
        org_unit_id: Option<ID>,
        #[graphql(desc = "Only these courses; absent: every course with an enrolment in scope.")]
        course_ids: Option<Vec<ID>>,
        #[graphql(
            desc = "Also count completions in this period (`completedInPeriod`); only \
                          for callers who see each learner in scope, else `invalid_query`."
        )]
        completed_in: Option<PeriodInput>,
        #[graphql(desc = "How many courses: 1-200 (default 50).")] first: Option<i32>,
    ) -> Result<Vec<CourseEnrollmentStats>> {
        let c = service_ctx(ctx)?;
        let stats = async {
            let q = CourseStatsQuery {
                scope: stats_scope(team_of, org_unit_id)?,
                courses: course_ids
                    .map(|ids| ids.iter().map(|i| found(i, "course")).collect())
                    .transpose()?,
                completed_in: completed_in.map(|p| p.resolve(c)).transpose()?.map(|p| p.0),
                first: first.map(|n| u64::try_from(n).unwrap_or(0)),
            };
            svc::course_stats(c, q).await
        };
        Ok(stats
            .await
            .gql()?
            .into_iter()
            .map(CourseEnrollmentStats)
            .collect())
    }
    /// Skills by the people learning them, most learners first (`first` up to 200).
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn skills_being_learnt(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A manager's team: everyone below them, at any depth (the manager \
                          and those who see everyone's learning)."
        )]
        team_of: Option<ID>,
        #[graphql(desc = "A unit and every unit below it (those who see everyone's \
                          learning); with neither this nor `teamOf`: the organisation.")]
        org_unit_id: Option<ID>,
        #[graphql(desc = "How many skills: 1-200 (default 50).")] first: Option<i32>,
    ) -> Result<Vec<SkillLearning>> {
        let c = service_ctx(ctx)?;
        let stats = async {
            let scope = stats_scope(team_of, org_unit_id)?;
            svc::skills_being_learnt(c, scope, first.map(|n| u64::try_from(n).unwrap_or(0))).await
        };
        Ok(stats.await.gql()?.into_iter().map(SkillLearning).collect())
    }
}
