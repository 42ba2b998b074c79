//! Learning time on the dashboard graph: `learningTimeSummary(scope, period)` for a person, a
//! team, a unit, a level band or the organisation (also as `Employee.learningTime` and
//! `OrgUnit.learningTimeSummary`), and `peopleWithoutLearningTime`. Each builds the service's
//! `SummaryQuery` and maps its `TotalsView`, the same view REST maps.

use super::learning::JobLevelRangeInput;
use super::org::{employee_node, EmployeeNode};
use super::service_ctx;
use super::types::{field_id, found, payload, wire_enum, Date, Enum};
use crate::error::{ApiError, ApiResult, Gql};
use crate::services::learning_time::{
    self as svc, EntryCommand, Summary, SummaryQuery, SummaryScope, TotalsView,
};
use crate::services::org::employees_by_ids;
use crate::services::Ctx;
use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, InputObject, Object, OneofObject, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use learnwell_domain::ids::{EmployeeId, OrgUnitId};
use learnwell_domain::learning_time::{
    ApprovalState, EntryCategory, EntryFields, GrantKind, PolicyFields, PolicyPeriod, PolicyScope,
    Relative, SlotFields, TimeEntry, VersionedPolicy,
};
use learnwell_domain::org::{Employee, JobLevel, Period};
use learnwell_domain::privacy::{Cell, SuppressionReason};
use learnwell_domain::FieldError;
use std::collections::HashMap;

/// Minutes logged in one category, in or outside working time.
#[derive(SimpleObject)]
pub struct CategoryMinutes {
    /// The category.
    category: Enum<EntryCategory>,
    /// Minutes logged in it in the period, in and outside working time.
    minutes: u64,
}

/// Why figures are withheld (see "Aggregates and privacy" in `docs/API-DESIGN.md`).
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "SuppressionReason")]
pub enum SuppressionReasonGql {
    /// The group has fewer than `privacy.min_group_size` people.
    BelowMinimum,
    /// Shown, the figures would let a smaller group be recomputed from other answers.
    Complementary,
}

impl From<SuppressionReason> for SuppressionReasonGql {
    fn from(r: SuppressionReason) -> Self {
        match r {
            SuppressionReason::BelowMinimum => Self::BelowMinimum,
            SuppressionReason::Complementary => Self::Complementary,
        }
    }
}

/// Why a privacy cell is withheld, or `None` when it is shown.
fn reason<V>(cell: &Cell<V>) -> Option<SuppressionReasonGql> {
    match cell {
        Cell::Value(_) => None,
        Cell::Suppressed(r) => Some(SuppressionReasonGql::from(*r)),
    }
}

/// A count of people or enrolments: `value`, or null with `suppressed` and the reason when the
/// privacy engine withholds it.
#[derive(SimpleObject)]
pub struct Count {
    /// The count; null when `suppressed`.
    value: Option<u64>,
    /// True when the privacy engine withholds the count (then `value` is null).
    suppressed: bool,
    /// Why the count is withheld; null when it is shown.
    suppression_reason: Option<SuppressionReasonGql>,
}

impl From<Cell<u64>> for Count {
    fn from(cell: Cell<u64>) -> Self {
        let reason = reason(&cell);
        Self {
            value: cell.value().copied(),
            suppressed: reason.is_some(),
            suppression_reason: reason,
        }
    }
}

/// Learning-time totals in minutes. When `suppressed` is true every figure is null and
/// `suppressionReason` says why.
#[derive(SimpleObject)]
pub struct LearningTimeTotals {
    /// True when the privacy engine withholds the figures (then all of them are null).
    suppressed: bool,
    /// Why the figures are withheld; null when they are shown.
    suppression_reason: Option<SuppressionReasonGql>,
    /// People counted.
    people: Option<u32>,
    /// Protected learning time granted in the period.
    allocated_minutes: Option<u64>,
    /// Unused time carried in from the previous period.
    carried_in_minutes: Option<u64>,
    /// Learning in working time.
    used_in_work_minutes: Option<u64>,
    /// Learning outside working time ("on top").
    used_outside_work_minutes: Option<u64>,
    /// Allocated and carried in, less used in working time.
    remaining_minutes: Option<u64>,
    /// Used in working time over allocated and carried in (null without an allocation).
    utilisation: Option<f64>,
    /// Share of all learning done outside working time.
    on_top_share: Option<f64>,
    /// Share of all learning that was exploratory.
    exploratory_share: Option<f64>,
    /// Minutes per category (categories with none logged are left out).
    #[graphql(complexity = "super::limits::list(super::limits::CATEGORIES, child_complexity)")]
    by_category: Option<Vec<CategoryMinutes>>,
}

impl From<&Cell<TotalsView>> for LearningTimeTotals {
    fn from(cell: &Cell<TotalsView>) -> Self {
        let t = cell.value();
        let reason = reason(cell);
        Self {
            suppressed: reason.is_some(),
            suppression_reason: reason,
            people: t.map(|t| t.people),
            allocated_minutes: t.map(|t| t.allocated_minutes),
            carried_in_minutes: t.map(|t| t.carried_in_minutes),
            used_in_work_minutes: t.map(|t| t.used_in_work_minutes),
            used_outside_work_minutes: t.map(|t| t.used_outside_work_minutes),
            remaining_minutes: t.map(|t| t.remaining_minutes),
            utilisation: t.and_then(|t| t.utilisation),
            on_top_share: t.and_then(|t| t.on_top_share),
            exploratory_share: t.and_then(|t| t.exploratory_share),
            by_category: t.map(|t| {
                t.by_category_minutes
                    .iter()
                    .map(|(category, minutes)| CategoryMinutes {
                        category: Enum(*category),
                        minutes: *minutes,
                    })
                    .collect()
            }),
        }
    }
}

/// One person's learning time in a summary.
pub struct PersonLearningTime {
    employee_id: EmployeeId,
    totals: TotalsView,
    /// The person, when the summary read all of its people's records at once.
    employee: Option<Employee>,
}

impl PersonLearningTime {
    fn new(employee_id: EmployeeId, totals: TotalsView) -> Self {
        Self {
            employee_id,
            totals,
            employee: None,
        }
    }
}

/// One person's learning time in a summary.
#[Object]
impl PersonLearningTime {
    /// The person's id.
    async fn employee_id(&self) -> ID {
        ID(self.employee_id.to_string())
    }
    /// The person (through the request's loader: one query for the whole list).
    async fn employee(&self, ctx: &Context<'_>) -> Result<Option<EmployeeNode>> {
        match &self.employee {
            Some(e) => Ok(Some(EmployeeNode::loaded(e.clone()))),
            None => employee_node(ctx, self.employee_id).await,
        }
    }
    /// The person's own totals in the period (never suppressed: the caller may see them).
    async fn totals(&self) -> LearningTimeTotals {
        LearningTimeTotals::from(&Cell::Value(self.totals.clone()))
    }
}

/// Learning time of a person or a group in a period.
#[derive(SimpleObject)]
pub struct LearningTimeSummary {
    /// The first day of the period.
    period_start: Date,
    /// The last day of the period.
    period_end: Date,
    /// The totals of everyone in scope; `suppressed` when the privacy engine withholds them.
    totals: LearningTimeTotals,
    /// Person by person, only for callers who may see each of them (else null).
    #[graphql(complexity = "super::limits::list(super::limits::SUMMARY_PEOPLE, child_complexity)")]
    people: Option<Vec<PersonLearningTime>>,
}

impl From<Summary> for LearningTimeSummary {
    fn from(s: Summary) -> Self {
        Self {
            period_start: Date(s.period.start()),
            period_end: Date(s.period.end()),
            totals: LearningTimeTotals::from(&s.totals),
            people: s.people.map(|people| {
                people
                    .into_iter()
                    .map(|(id, totals)| PersonLearningTime::new(id, totals))
                    .collect()
            }),
        }
    }
}

impl LearningTimeSummary {
    /// The summary, with its people's records read in one statement when the query asks for
    /// them (thousands of people through the loader cost more than the summary).
    async fn with_employees(mut self, ctx: &Context<'_>) -> Result<Self> {
        let Some(people) = self.people.as_mut() else {
            return Ok(self);
        };
        if !ctx.look_ahead().field("people").field("employee").exists() {
            return Ok(self);
        }
        let ids: Vec<EmployeeId> = people.iter().map(|p| p.employee_id).collect();
        let mut found = employees_by_ids(service_ctx(ctx)?, &ids).await.gql()?;
        for p in people {
            p.employee = found.remove(&p.employee_id);
        }
        Ok(self)
    }
}

/// Which period: an explicit one, or the current or previous week, month or quarter (counted from
/// today).
#[derive(OneofObject)]
#[graphql(name = "PeriodInput")]
pub enum PeriodInput {
    /// `2026-Q1`, `2026-03` or `2026-W10`.
    Label(String),
    /// The week, month or quarter holding today.
    Current(Enum<PolicyPeriod>),
    /// The week, month or quarter before the current one.
    Previous(Enum<PolicyPeriod>),
}

impl PeriodInput {
    pub(crate) fn resolve(self, c: &Ctx) -> ApiResult<(Period, PolicyPeriod)> {
        let today = c.now.date_naive();
        Ok(match self {
            Self::Label(label) => SummaryQuery::period(&label)?,
            Self::Current(kind) => (kind.0.relative(today, Relative::Current), kind.0),
            Self::Previous(kind) => (kind.0.relative(today, Relative::Previous), kind.0),
        })
    }
}

/// The job levels of a band (a level out of range is `invalid_query`).
fn levels(band: Option<JobLevelRangeInput>) -> ApiResult<Option<(JobLevel, JobLevel)>> {
    band.map(|b| {
        let level = |n: i32, field: &str| {
            JobLevel::new(i64::from(n))
                .map_err(|e| ApiError::InvalidQuery(FieldError::new(field, e.message)))
        };
        Ok((level(b.min, "min")?, level(b.max, "max")?))
    })
    .transpose()
}

/// An org unit, with or without the units below it, optionally one band of job levels.
#[derive(InputObject)]
pub struct UnitScopeInput {
    /// The org unit.
    id: ID,
    /// Include every unit below it (default true).
    #[graphql(default = true)]
    include_descendants: bool,
    /// Only the people of this band of job levels; absent: every level.
    levels: Option<JobLevelRangeInput>,
}

/// The whole organisation, optionally one band of job levels.
#[derive(InputObject, Default)]
pub struct OrganisationScopeInput {
    /// Only the people of this band of job levels; absent: every level.
    levels: Option<JobLevelRangeInput>,
}

/// Whose learning time: exactly one of a person, a manager's team, an org unit or the
/// organisation (a level band is the organisation with `levels`).
#[derive(OneofObject)]
pub enum LearningTimeScopeInput {
    /// One person: themselves, their managers and admins.
    Person(ID),
    /// Everyone below this manager, at any depth: the manager and admins.
    Team(ID),
    /// Aggregates for anyone in the directory, through the privacy engine.
    OrgUnit(UnitScopeInput),
    /// Aggregates for anyone in the directory, through the privacy engine.
    Organisation(OrganisationScopeInput),
}

impl LearningTimeScopeInput {
    fn scope(self) -> ApiResult<SummaryScope> {
        let id = |i: &ID| i.parse().map_err(|_| ApiError::NotFound("employee"));
        Ok(match self {
            Self::Person(e) => SummaryScope::Person(id(&e)?),
            Self::Team(m) => SummaryScope::Team(id(&m)?),
            Self::OrgUnit(u) => SummaryScope::Units {
                root: Some(u.id.parse().map_err(|_| ApiError::NotFound("org unit"))?),
                include_descendants: u.include_descendants,
                levels: levels(u.levels)?,
            },
            Self::Organisation(o) => SummaryScope::Units {
                root: None,
                include_descendants: true,
                levels: levels(o.levels)?,
            },
        })
    }
}

/// A person's learning time in a period, batched for every person of a page: the key is the
/// person, the period's first day and its kind.
pub struct LearningTimeLoader(pub Ctx);

type PersonPeriod = (EmployeeId, NaiveDate, PolicyPeriod);

impl Loader<PersonPeriod> for LearningTimeLoader {
    type Value = Option<Summary>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[PersonPeriod]) -> Result<HashMap<PersonPeriod, Option<Summary>>> {
        let mut periods: HashMap<(NaiveDate, PolicyPeriod), Vec<EmployeeId>> = HashMap::new();
        for (id, start, kind) in keys {
            periods.entry((*start, *kind)).or_default().push(*id);
        }
        let mut out = HashMap::new();
        for ((start, kind), people) in periods {
            let period = kind.containing(start);
            let found = svc::person_summaries(&self.0, &people, period, kind)
                .await
                .gql()?;
            out.extend(found.into_iter().map(|(id, s)| ((id, start, kind), s)));
        }
        Ok(out)
    }
}

/// Org units' learning-time summaries in a period, batched for every unit of a list: the key is
/// the unit, whether the units below it count, the period's first day and kind, and whether
/// people are listed.
pub struct UnitSummaryLoader(pub Ctx);

type UnitPeriod = (OrgUnitId, bool, NaiveDate, PolicyPeriod, bool);

impl Loader<UnitPeriod> for UnitSummaryLoader {
    type Value = Summary;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[UnitPeriod]) -> Result<HashMap<UnitPeriod, Summary>> {
        let mut batches: HashMap<(NaiveDate, PolicyPeriod, bool), Vec<(OrgUnitId, bool)>> =
            HashMap::new();
        for (unit, below, start, kind, listed) in keys {
            let batch = batches.entry((*start, *kind, *listed)).or_default();
            batch.push((*unit, *below));
        }
        let mut out = HashMap::new();
        for ((start, kind, listed), roots) in batches {
            let period = kind.containing(start);
            let found = svc::unit_summaries(&self.0, &roots, period, kind, listed)
                .await
                .gql()?;
            let found = found.into_iter();
            out.extend(found.map(|((u, below), s)| ((u, below, start, kind, listed), s)));
        }
        Ok(out)
    }
}

/// An org unit's learning time in `period` through the request's loader.
pub async fn unit_learning_time(
    ctx: &Context<'_>,
    unit: OrgUnitId,
    include_descendants: bool,
    period: PeriodInput,
) -> Result<LearningTimeSummary> {
    let (period, kind) = period.resolve(service_ctx(ctx)?).gql()?;
    let listed = ctx.look_ahead().field("people").exists();
    let key = (unit, include_descendants, period.start(), kind, listed);
    let found = ctx
        .data::<DataLoader<UnitSummaryLoader>>()?
        .load_one(key)
        .await?;
    let summary = found.ok_or(ApiError::NotFound("org unit")).gql()?;
    LearningTimeSummary::from(summary).with_employees(ctx).await
}

/// An employee's learning time in `period` through the request's loader (`forbidden` when the
/// caller may not see it).
pub async fn person_learning_time(
    ctx: &Context<'_>,
    employee: EmployeeId,
    period: PeriodInput,
) -> Result<LearningTimeSummary> {
    let (period, kind) = period.resolve(service_ctx(ctx)?).gql()?;
    let found = ctx
        .data::<DataLoader<LearningTimeLoader>>()?
        .load_one((employee, period.start(), kind))
        .await?
        .flatten();
    Ok(found.ok_or(ApiError::Forbidden).gql()?.into())
}

/// The summary of `scope` in `period`, listing people when the query asks for them (and the
/// caller may see each of them).
pub async fn learning_time_summary(
    ctx: &Context<'_>,
    scope: SummaryScope,
    period: PeriodInput,
) -> Result<LearningTimeSummary> {
    let c = service_ctx(ctx)?;
    let include_people = ctx.look_ahead().field("people").exists();
    let summary = async {
        let (period, kind) = period.resolve(c)?;
        let q = SummaryQuery {
            period,
            kind,
            scope,
            include_people,
        };
        svc::summary(c, q).await
    };
    LearningTimeSummary::from(summary.await.gql()?)
        .with_employees(ctx)
        .await
}

#[derive(Default)]
pub struct LearningTimeQuery;

#[Object]
impl LearningTimeQuery {
    /// Learning time of a person, a manager's team, an org unit, a level band or the organisation
    /// in a period: totals (by category too), and each person when the caller may see them all.
    #[graphql(complexity = "super::limits::SUMMARY + child_complexity")]
    async fn learning_time_summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whose learning time.")] scope: LearningTimeScopeInput,
        #[graphql(desc = "The period to sum.")] period: PeriodInput,
    ) -> Result<LearningTimeSummary> {
        learning_time_summary(ctx, scope.scope().gql()?, period).await
    }
    /// People with protected learning time in the period who used none of it in working time,
    /// among a team, a unit or the organisation, for callers who may see each of them (managers
    /// for their team, admins for anyone); others get `forbidden`.
    #[graphql(complexity = "super::limits::list(super::limits::SUMMARY_PEOPLE, child_complexity)")]
    async fn people_without_learning_time(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Among whom: a team, an org unit or the organisation.")]
        scope: LearningTimeScopeInput,
        #[graphql(desc = "The period to look at.")] period: PeriodInput,
    ) -> Result<Vec<PersonLearningTime>> {
        let c = service_ctx(ctx)?;
        let unused = async {
            let (period, kind) = period.resolve(c)?;
            svc::unused_learning_time(c, period, kind, scope.scope()?).await
        };
        Ok(unused
            .await
            .gql()?
            .into_iter()
            .map(|(id, totals)| PersonLearningTime::new(id, totals))
            .collect())
    }
}

// ---- time entries and policies, and their mutations ----

wire_enum!(
    EntryCategory,
    "LearningCategory",
    "What learning time was spent on: ASSIGNED, ROLE_RELATED, EXPLORATORY (needs no justification), MENTORING, COACHING or ADVISING."
);
wire_enum!(
    ApprovalState,
    "ApprovalState",
    "Whether a time entry needs, waits for or got its manager's approval."
);
wire_enum!(
    PolicyPeriod,
    "PolicyPeriod",
    "The period a learning-time allocation is granted for."
);

/// Learning time a person logged on a day, in or outside working time.
#[derive(SimpleObject)]
#[graphql(name = "TimeEntry")]
pub struct TimeEntryNode {
    /// The entry's id.
    #[graphql(owned)]
    pub(crate) id: ID,
    /// Whose learning time it is.
    employee_id: ID,
    /// The day the learning happened.
    date: Date,
    /// How long, in minutes: 1-1440.
    minutes: u32,
    /// In working time, or outside it ("on top").
    in_work_time: bool,
    /// What kind of learning it was.
    category: Enum<EntryCategory>,
    /// The course the time was spent on; null when none is named.
    course_id: Option<ID>,
    /// The skill it was for; null when none is named (exploratory learning may name one later).
    skill_id: Option<ID>,
    /// The learning record this time was spent on (time recorded from xAPI statements).
    learning_record_id: Option<ID>,
    /// The person's note; null when none.
    note: Option<String>,
    /// Whether it needs, waits for or got the manager's approval.
    approval: Enum<ApprovalState>,
    /// Who approved or rejected it.
    decided_by: Option<String>,
    /// Send it back to `editTimeEntry` to change the entry.
    version: i64,
    /// When it was logged.
    created_at: DateTime<Utc>,
    /// When it last changed (an edit, an approval, a rejection).
    updated_at: DateTime<Utc>,
}

impl From<TimeEntry> for TimeEntryNode {
    fn from(e: TimeEntry) -> Self {
        Self {
            id: ID(e.id.to_string()),
            employee_id: ID(e.employee_id.to_string()),
            date: e.date.into(),
            minutes: e.minutes.get(),
            in_work_time: e.in_work_time,
            category: Enum(e.category),
            course_id: e.course_id.map(|c| ID(c.to_string())),
            skill_id: e.skill_id.map(|s| ID(s.to_string())),
            learning_record_id: e.learning_record_id.map(|x| ID(x.to_string())),
            note: e.note.as_ref().map(ToString::to_string),
            approval: Enum(e.approval),
            decided_by: e.decided_by,
            version: e.version,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// Which people a policy covers.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum PolicyScopeKind {
    /// Everyone (the least specific).
    Organisation,
    /// The people of an org unit and the units below it (the nearest unit wins).
    OrgUnit,
    /// The people of a job level.
    JobLevel,
}

/// A day of the week.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    fn wire(self) -> String {
        format!("{self:?}").to_lowercase()
    }
    fn of(day: chrono::Weekday) -> Self {
        use chrono::Weekday as W;
        match day {
            W::Mon => Self::Mon,
            W::Tue => Self::Tue,
            W::Wed => Self::Wed,
            W::Thu => Self::Thu,
            W::Fri => Self::Fri,
            W::Sat => Self::Sat,
            W::Sun => Self::Sun,
        }
    }
}

/// A shared protected slot in the week, e.g. Thursday 13:00-17:00.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "ProtectedSlotInput")]
pub struct ProtectedSlot {
    /// The day of the week it falls on.
    weekday: Weekday,
    /// HH:MM
    start: String,
    /// HH:MM
    end: String,
}

/// How much learning time people get, for whom and from when.
#[derive(SimpleObject)]
#[graphql(name = "LearningTimePolicy")]
pub struct PolicyNode {
    /// The policy's id.
    id: ID,
    /// The policy's name.
    name: String,
    /// Which people it covers.
    scope: PolicyScopeKind,
    /// With scope ORG_UNIT.
    org_unit_id: Option<ID>,
    /// With scope JOB_LEVEL.
    job_level: Option<u8>,
    /// A share of contracted hours, e.g. 10 for a day a fortnight.
    share_percent: Option<f64>,
    /// A fixed grant per period (scaled for part-timers).
    fixed_hours_per_period: Option<f64>,
    /// The period the time is granted for.
    period: Enum<PolicyPeriod>,
    /// At most this many hours of a period's unused time carry into the next (0: none).
    carry_over_cap_hours: f64,
    /// The shared slot in the week kept for learning; null when there is none.
    protected_slot: Option<ProtectedSlot>,
    /// Entries longer than this need the manager's approval.
    approval_threshold_minutes: Option<u32>,
    /// The full-time week fixed grants are meant for.
    full_time_hours: f64,
    /// The first day it applies.
    effective_from: Date,
    /// The last day it applies; null: open-ended.
    effective_to: Option<Date>,
    /// Send it back to `endLearningTimePolicy`.
    version: i64,
    /// When it was created.
    created_at: DateTime<Utc>,
    /// When it last changed (ended).
    updated_at: DateTime<Utc>,
}

impl From<VersionedPolicy> for PolicyNode {
    fn from(s: VersionedPolicy) -> Self {
        let p = &s.policy;
        let (scope, org_unit_id, job_level) = match p.scope {
            PolicyScope::Organisation => (PolicyScopeKind::Organisation, None, None),
            PolicyScope::OrgUnit(u) => (PolicyScopeKind::OrgUnit, Some(ID(u.to_string())), None),
            PolicyScope::JobLevel(l) => (PolicyScopeKind::JobLevel, None, Some(l.get())),
        };
        let (share, fixed) = match p.grant.kind() {
            GrantKind::ShareOfContracted { basis_points } => {
                (Some(f64::from(basis_points) / 100.0), None)
            }
            GrantKind::FixedMinutes { minutes_per_period } => {
                (None, Some(f64::from(minutes_per_period) / 60.0))
            }
        };
        Self {
            id: ID(p.id.to_string()),
            name: p.name.to_string(),
            scope,
            org_unit_id,
            job_level,
            share_percent: share,
            fixed_hours_per_period: fixed,
            period: Enum(p.period),
            carry_over_cap_hours: f64::from(p.carry_over_cap_minutes) / 60.0,
            protected_slot: p.protected_slot.as_ref().map(|s| ProtectedSlot {
                weekday: Weekday::of(s.weekday()),
                start: s.start().format("%H:%M").to_string(),
                end: s.end().format("%H:%M").to_string(),
            }),
            approval_threshold_minutes: p.approval_threshold_minutes,
            full_time_hours: p.full_time_hours.hours(),
            effective_from: p.effective_from.into(),
            effective_to: p.effective_to.map(Date),
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

payload!(
    /// The answer of the time-entry mutations.
    TimeEntryPayload,
    time_entry: TimeEntryNode
);
payload!(
    /// The answer of the learning-time policy mutations.
    LearningTimePolicyPayload,
    policy: PolicyNode
);

/// Learning time to log.
#[derive(InputObject)]
pub struct LogTimeInput {
    /// Whose time: yours when absent (a report's as their manager, anyone's as ld_admin).
    employee_id: Option<ID>,
    /// The day the learning happened: not in the future, within the person's employment.
    date: Date,
    /// How long, in minutes: 1-1440, and a day's entries together at most 1440.
    minutes: i32,
    /// In working time (default) or outside it.
    #[graphql(default = true)]
    in_work_time: bool,
    /// What kind of learning it was.
    category: Enum<EntryCategory>,
    /// The course the time was spent on.
    course_id: Option<ID>,
    /// Exploratory learning can be linked to a skill later.
    skill_id: Option<ID>,
    /// The learning record this time was spent on: one of the person's own.
    learning_record_id: Option<ID>,
    /// A note, 1-10,000 characters.
    note: Option<String>,
}

/// The fields of a time entry to change (absent: unchanged).
#[derive(InputObject)]
pub struct EditTimeEntryInput {
    /// The day the learning happened: not in the future, within the person's employment.
    date: Option<Date>,
    /// How long, in minutes: 1-1440, and a day's entries together at most 1440.
    minutes: Option<i32>,
    /// In working time, or outside it.
    in_work_time: Option<bool>,
    /// What kind of learning it was.
    category: Option<Enum<EntryCategory>>,
    /// The course the time was spent on (absent: the current one; a link cannot be removed).
    course_id: Option<ID>,
    /// The skill it was for, e.g. linking exploratory learning later.
    skill_id: Option<ID>,
    /// The learning record this time was spent on: one of the person's own.
    learning_record_id: Option<ID>,
    /// A note, 1-10,000 characters; blank removes it.
    note: Option<String>,
}

/// A new learning-time policy: give exactly one of `sharePercent` and `fixedHoursPerPeriod`.
#[derive(InputObject)]
pub struct CreateLearningTimePolicyInput {
    /// The policy's name, 1-200 characters.
    name: String,
    /// Which people it covers (default ORGANISATION).
    #[graphql(default_with = "PolicyScopeKind::Organisation")]
    scope: PolicyScopeKind,
    /// With scope ORG_UNIT.
    org_unit_id: Option<ID>,
    /// With scope JOB_LEVEL.
    job_level: Option<i32>,
    /// A share of contracted hours, 0.01-100, e.g. 10 for a day a fortnight.
    share_percent: Option<f64>,
    /// A fixed grant per period in hours (scaled for part-timers): at least one minute, at most
    /// 1666.67 hours.
    fixed_hours_per_period: Option<f64>,
    /// Default MONTH.
    period: Option<Enum<PolicyPeriod>>,
    /// At most this many hours of a period's unused time carry into the next: 0-10,000
    /// (default 0, no carry-over).
    carry_over_cap_hours: Option<f64>,
    /// A shared slot in the week kept for learning (the end after the start).
    protected_slot: Option<ProtectedSlot>,
    /// Entries longer than this need the manager's approval.
    approval_threshold_minutes: Option<i32>,
    /// The full-time week fixed grants are meant for (default 40).
    full_time_hours: Option<f64>,
    /// The first day it applies.
    effective_from: Date,
    /// The last day it applies, not before `effectiveFrom`; absent: open-ended.
    effective_to: Option<Date>,
}

fn id_text(id: Option<ID>) -> Option<String> {
    id.map(|i| i.0)
}

impl From<CreateLearningTimePolicyInput> for PolicyFields {
    fn from(i: CreateLearningTimePolicyInput) -> Self {
        let scope = match i.scope {
            PolicyScopeKind::Organisation => "organisation",
            PolicyScopeKind::OrgUnit => "org_unit",
            PolicyScopeKind::JobLevel => "job_level",
        };
        Self {
            name: Some(i.name),
            scope: Some(scope.to_owned()),
            org_unit_id: id_text(i.org_unit_id),
            job_level: i.job_level.map(i64::from),
            share_percent: i.share_percent,
            fixed_hours_per_period: i.fixed_hours_per_period,
            period: i.period.map(Enum::wire),
            carry_over_cap_hours: i.carry_over_cap_hours,
            protected_slot: i.protected_slot.map(|s| SlotFields {
                weekday: s.weekday.wire(),
                start: s.start,
                end: s.end,
            }),
            approval_threshold_minutes: i.approval_threshold_minutes.map(i64::from),
            full_time_hours: i.full_time_hours,
            effective_from: Some(i.effective_from.wire()),
            effective_to: i.effective_to.map(Date::wire),
        }
    }
}

impl LogTimeInput {
    fn command(self) -> ApiResult<EntryCommand> {
        Ok(EntryCommand {
            employee_id: self
                .employee_id
                .map(|i| field_id(&i, "employee_id"))
                .transpose()?,
            fields: EntryFields {
                date: Some(self.date.wire()),
                minutes: Some(i64::from(self.minutes)),
                in_work_time: Some(self.in_work_time),
                category: Some(self.category.wire()),
                course_id: id_text(self.course_id),
                skill_id: id_text(self.skill_id),
                learning_record_id: id_text(self.learning_record_id),
                note: self.note,
            },
        })
    }
}

impl From<EditTimeEntryInput> for EntryCommand {
    fn from(i: EditTimeEntryInput) -> Self {
        Self {
            employee_id: None,
            fields: EntryFields {
                date: i.date.map(Date::wire),
                minutes: i.minutes.map(i64::from),
                in_work_time: i.in_work_time,
                category: i.category.map(Enum::wire),
                course_id: id_text(i.course_id),
                skill_id: id_text(i.skill_id),
                learning_record_id: id_text(i.learning_record_id),
                note: i.note,
            },
        }
    }
}

#[derive(Default)]
pub struct LearningTimeMutation;

#[Object]
impl LearningTimeMutation {
    /// Log learning time (yours, or a report's as their manager, or anyone's as ld_admin).
    async fn log_time(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The learning time to log.")] input: LogTimeInput,
    ) -> Result<TimeEntryPayload> {
        let c = service_ctx(ctx)?;
        TimeEntryPayload::from_result(async { svc::log_time(c, input.command()?).await }.await)
    }
    /// Change an entry written at `version` (else `version_mismatch`); an edited entry that
    /// needs approval goes back to PENDING.
    async fn edit_time_entry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The entry to change.")] id: ID,
        #[graphql(desc = "The `version` as read; a newer one stored answers `version_mismatch`.")]
        version: i64,
        #[graphql(desc = "The fields to change.")] input: EditTimeEntryInput,
    ) -> Result<TimeEntryPayload> {
        let c = service_ctx(ctx)?;
        TimeEntryPayload::from_result(
            async {
                let id = found(&id, "time entry")?;
                svc::edit_entry(c, id, Some(version), input.into()).await
            }
            .await,
        )
    }
    /// Approve a pending entry (the person's manager; never the person).
    async fn approve_time_entry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pending entry.")] id: ID,
    ) -> Result<TimeEntryPayload> {
        decide(ctx, id, true).await
    }
    /// Reject a pending entry (the person's manager; never the person).
    async fn reject_time_entry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pending entry.")] id: ID,
    ) -> Result<TimeEntryPayload> {
        decide(ctx, id, false).await
    }
    /// Start a learning-time policy (ld_admin). The most specific policy wins: org unit
    /// (nearest), then job level, then organisation-wide.
    async fn create_learning_time_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new policy.")] input: CreateLearningTimePolicyInput,
    ) -> Result<LearningTimePolicyPayload> {
        let c = service_ctx(ctx)?;
        LearningTimePolicyPayload::from_result(svc::create_policy(c, input.into()).await)
    }
    /// End a policy read at `version` on `effectiveTo`, its last day (ld_admin): the one change a
    /// policy takes, so past periods keep their allocation.
    async fn end_learning_time_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The policy to end.")] id: ID,
        #[graphql(desc = "The `version` as read; a newer one stored answers `version_mismatch`.")]
        version: i64,
        #[graphql(desc = "Its last day: not before yesterday, nor before its `effectiveFrom`.")]
        effective_to: Date,
    ) -> Result<LearningTimePolicyPayload> {
        let c = service_ctx(ctx)?;
        LearningTimePolicyPayload::from_result(
            async {
                let id = found(&id, "learning-time policy")?;
                svc::end_policy(c, id, Some(version), effective_to.0).await
            }
            .await,
        )
    }
}

async fn decide(ctx: &Context<'_>, id: ID, approve: bool) -> Result<TimeEntryPayload> {
    let c = service_ctx(ctx)?;
    TimeEntryPayload::from_result(
        async { svc::decide(c, found(&id, "time entry")?, approve).await }.await,
    )
}
