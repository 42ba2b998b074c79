//! The leadership pipeline on the dashboard graph: programmes and cohorts, memberships,
//! positions with their incumbents, history and slates, placements, the bottleneck report and
//! the projection, and the mutations of `PipelineMutation`. Readiness and 9-box reviews are
//! fields of `Employee` (`readinessAssessments`, `talentReviews`), so every path that reaches a
//! person (a position's incumbent, a slate's candidate, a membership's member, `me`, an org
//! unit's employees) asks the same service, which refuses whoever may not see them. A
//! membership's reflection is never on the graph: it is read over REST, each read audited.

use super::org::{employee_node, EmployeeNode};
use super::types::{
    absent_is_none, connection, field_id, found, nullable, payload, split, wire_enum, Date, Enum,
    UserError,
};
use super::{parse_id, service_ctx};
use crate::error::{ApiResult, Gql};
use crate::services::pipeline::{
    self as svc, BottleneckReport, BottleneckScope, Nomination, PlacementCommand, Projection,
    ReflectionView, SlateEntry,
};
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use learnwell_domain::ids::EmployeeId;
use learnwell_domain::pipeline::{
    Action, AssumptionFields, Assumptions, BottleneckFigures, Cohort, CohortFields, CohortState,
    Finding, Incumbency, Membership, MembershipState, Outcome, Placement, Position, PositionFields,
    Programme, ProgrammeFields, ProjectionYear, Rate, Readiness, ReadinessAssessment,
    ReadinessFields, SlateFields, Spread, TalentReview, TalentReviewFields,
};
use learnwell_domain::privacy::Cell;

wire_enum!(
    Readiness,
    "Readiness",
    "How ready a person is for a leadership role."
);
wire_enum!(
    CohortState,
    "CohortState",
    "A cohort's state, from its dates and today."
);
wire_enum!(
    MembershipState,
    "MembershipState",
    "Where a membership is: NOMINATED, ADMITTED, ACTIVE, then GRADUATED (or WITHDRAWN before)."
);
wire_enum!(
    Outcome,
    "MembershipOutcome",
    "What became of a graduate: PLACED, ROLE_GROWN (placed into a position created for growth), ALUMNI (moved on with help) or LOST (left)."
);
wire_enum!(
    Action,
    "FindingAction",
    "What the model supports doing about a finding: place waiting graduates or grow the organisation, or help people move on."
);

/// A readiness assessment.
#[derive(SimpleObject)]
#[graphql(name = "ReadinessAssessment")]
pub struct ReadinessNode {
    /// The assessment's id.
    id: ID,
    /// Who was assessed.
    employee_id: ID,
    /// How ready they are.
    readiness: Enum<Readiness>,
    /// Who assessed.
    assessor_id: ID,
    /// The day of the assessment.
    assessed_on: Date,
    /// Why, in the assessor's words.
    rationale: Option<String>,
}

impl From<&ReadinessAssessment> for ReadinessNode {
    fn from(a: &ReadinessAssessment) -> Self {
        Self {
            id: ID(a.id.to_string()),
            employee_id: ID(a.employee_id.to_string()),
            readiness: Enum(a.readiness),
            assessor_id: ID(a.assessor_id.to_string()),
            assessed_on: a.assessed_on.into(),
            rationale: a.rationale.as_ref().map(|r| r.as_str().to_owned()),
        }
    }
}

impl From<ReadinessAssessment> for ReadinessNode {
    fn from(a: ReadinessAssessment) -> Self {
        Self::from(&a)
    }
}

/// A 9-box talent review.
#[derive(SimpleObject)]
#[graphql(name = "TalentReview")]
pub struct TalentReviewNode {
    /// The review's id.
    id: ID,
    /// Who was reviewed.
    employee_id: ID,
    /// 1 (low) .. 3 (high).
    performance: u8,
    /// 1 (low) .. 3 (high).
    potential: u8,
    /// 1 (low, low) .. 9 (high performance, high potential).
    nine_box: u8,
    /// Who reviewed.
    assessor_id: ID,
    /// Who calibrated the review.
    calibrated_by: Option<ID>,
    /// The day of the review.
    reviewed_on: Date,
}

impl From<&TalentReview> for TalentReviewNode {
    fn from(r: &TalentReview) -> Self {
        Self {
            id: ID(r.id.to_string()),
            employee_id: ID(r.employee_id.to_string()),
            performance: r.nine_box.performance(),
            potential: r.nine_box.potential(),
            nine_box: r.nine_box.cell(),
            assessor_id: ID(r.assessor_id.to_string()),
            calibrated_by: r.calibrated_by.map(|c| ID(c.to_string())),
            reviewed_on: r.reviewed_on.into(),
        }
    }
}

impl From<TalentReview> for TalentReviewNode {
    fn from(r: TalentReview) -> Self {
        Self::from(&r)
    }
}

/// `Employee.readinessAssessments`.
pub(crate) async fn readiness_of(ctx: &Context<'_>, who: EmployeeId) -> Result<Vec<ReadinessNode>> {
    let all = svc::readiness_history(service_ctx(ctx)?, who).await.gql()?;
    Ok(all.iter().map(ReadinessNode::from).collect())
}

/// `Employee.talentReviews`.
pub(crate) async fn reviews_of(
    ctx: &Context<'_>,
    who: EmployeeId,
) -> Result<Vec<TalentReviewNode>> {
    let all = svc::talent_reviews(service_ctx(ctx)?, who).await.gql()?;
    Ok(all.iter().map(TalentReviewNode::from).collect())
}

/// A leadership programme.
#[derive(SimpleObject)]
#[graphql(complex, name = "PipelineProgramme")]
pub struct ProgrammeNode {
    /// The programme's id.
    #[graphql(owned)]
    pub(crate) id: ID,
    /// Its name.
    name: String,
    /// What it is.
    description: Option<String>,
    /// The programme lead: admits members and reads their reflections.
    lead_id: ID,
    /// The lowest leadership job level it prepares for.
    target_level_min: u8,
    /// The highest leadership job level it prepares for.
    target_level_max: u8,
}

impl From<&Programme> for ProgrammeNode {
    fn from(p: &Programme) -> Self {
        Self {
            id: ID(p.id.to_string()),
            name: p.name.to_string(),
            description: p.description.as_ref().map(ToString::to_string),
            lead_id: ID(p.lead_id.to_string()),
            target_level_min: p.target_levels.0.get(),
            target_level_max: p.target_levels.1.get(),
        }
    }
}

impl From<Programme> for ProgrammeNode {
    fn from(p: Programme) -> Self {
        Self::from(&p)
    }
}

#[ComplexObject]
impl ProgrammeNode {
    /// Its cohorts, by start date, Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn cohorts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, CohortNode>> {
        let c = service_ctx(ctx)?;
        let id = parse_id(&self.id, "programme")?;
        let n = first.map(|n| u64::try_from(n).unwrap_or(0));
        let page = svc::list_cohorts(c, id, n, after.as_deref()).await.gql()?;
        let today = c.now.date_naive();
        Ok(connection(
            page,
            after.as_deref(),
            svc::cohort_cursor,
            |x| CohortNode::new(&x, today),
        ))
    }
}

/// A cohort of a programme.
#[derive(SimpleObject)]
#[graphql(name = "PipelineCohort")]
pub struct CohortNode {
    /// The cohort's id.
    #[graphql(owned)]
    pub(crate) id: ID,
    /// Its programme.
    programme_id: ID,
    /// Its name.
    name: String,
    /// Its first day.
    starts_on: Date,
    /// Its last day.
    ends_on: Date,
    /// From its dates and today.
    state: Enum<CohortState>,
    /// Seats: admitted, active and graduated members.
    capacity: u32,
    /// Seats taken.
    seats_taken: u32,
}

impl CohortNode {
    pub(crate) fn new(c: &Cohort, today: NaiveDate) -> Self {
        Self {
            id: ID(c.id.to_string()),
            programme_id: ID(c.programme_id.to_string()),
            name: c.name.to_string(),
            starts_on: c.starts_on.into(),
            ends_on: c.ends_on.into(),
            state: Enum(c.state(today)),
            capacity: c.capacity,
            seats_taken: c.seats_taken,
        }
    }
}

/// A membership of a cohort (the reflection is never on the graph).
#[derive(SimpleObject)]
#[graphql(complex, name = "PipelineMembership")]
pub struct MembershipNode {
    /// The membership's id.
    #[graphql(owned)]
    pub(crate) id: ID,
    /// Its cohort.
    cohort_id: ID,
    /// The cohort's programme.
    programme_id: ID,
    /// The member.
    employee_id: ID,
    /// Where it is.
    state: Enum<MembershipState>,
    /// Whether the member nominated themselves.
    self_nominated: bool,
    /// The day of admission.
    admitted_on: Option<Date>,
    /// The day of graduation.
    graduated_on: Option<Date>,
    /// The day of withdrawal.
    withdrawn_on: Option<Date>,
    /// A graduate's outcome; null while waiting.
    outcome: Option<Enum<Outcome>>,
    /// The day of the outcome.
    outcome_on: Option<Date>,
    /// An alumnus acting as an ambassador of the programme.
    ambassador: bool,
    #[graphql(skip)]
    employee: EmployeeId,
}

impl From<&Membership> for MembershipNode {
    fn from(m: &Membership) -> Self {
        Self {
            id: ID(m.id.to_string()),
            cohort_id: ID(m.cohort_id.to_string()),
            programme_id: ID(m.programme_id.to_string()),
            employee_id: ID(m.employee_id.to_string()),
            state: Enum(m.state),
            self_nominated: m.self_nominated,
            admitted_on: m.admitted_on.map(Date),
            graduated_on: m.graduated_on.map(Date),
            withdrawn_on: m.withdrawn_on.map(Date),
            outcome: m.outcome.map(Enum),
            outcome_on: m.outcome_on.map(Date),
            ambassador: m.ambassador,
            employee: m.employee_id,
        }
    }
}

impl From<Membership> for MembershipNode {
    fn from(m: Membership) -> Self {
        Self::from(&m)
    }
}

#[ComplexObject]
impl MembershipNode {
    /// The member, as the caller may see them.
    async fn member(&self, ctx: &Context<'_>) -> Result<Option<EmployeeNode>> {
        employee_node(ctx, self.employee).await
    }
}

/// Whether a position has an incumbent.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum PositionStatus {
    /// Someone holds it.
    Filled,
    /// Nobody holds it.
    Open,
}

/// A leadership position.
#[derive(SimpleObject)]
#[graphql(complex, name = "PipelinePosition")]
pub struct PositionNode {
    /// The position's id.
    #[graphql(owned)]
    pub(crate) id: ID,
    /// Its title.
    title: String,
    /// Its org unit.
    org_unit_id: ID,
    /// Its job level, 1..8.
    level: u8,
    /// Filled or open.
    status: PositionStatus,
    /// Since when the incumbent holds it.
    incumbent_since: Option<Date>,
    /// Created to grow the organisation (a role grown for graduates).
    created_for_growth: bool,
    #[graphql(skip)]
    incumbent_id: Option<EmployeeId>,
}

impl From<&Position> for PositionNode {
    fn from(p: &Position) -> Self {
        Self {
            id: ID(p.id.to_string()),
            title: p.title.to_string(),
            org_unit_id: ID(p.org_unit_id.to_string()),
            level: p.level.get(),
            status: if p.is_open() {
                PositionStatus::Open
            } else {
                PositionStatus::Filled
            },
            incumbent_since: p.incumbent_since.map(Date),
            created_for_growth: p.created_for_growth,
            incumbent_id: p.incumbent_id,
        }
    }
}

impl From<Position> for PositionNode {
    fn from(p: Position) -> Self {
        Self::from(&p)
    }
}

/// One incumbency of a position.
#[derive(SimpleObject)]
#[graphql(name = "PipelineIncumbency")]
pub struct IncumbencyNode {
    /// Who held it.
    employee_id: ID,
    /// From.
    started_on: Date,
    /// Until; null: holds it now.
    ended_on: Option<Date>,
}

impl From<&Incumbency> for IncumbencyNode {
    fn from(i: &Incumbency) -> Self {
        Self {
            employee_id: ID(i.employee_id.to_string()),
            started_on: i.started_on.into(),
            ended_on: i.ended_on.map(Date),
        }
    }
}

/// A ranked candidate of a succession slate.
#[derive(SimpleObject)]
#[graphql(complex, name = "PipelineSlateEntry")]
pub struct SlateEntryNode {
    /// 1 is the first candidate.
    rank: u32,
    /// Their latest readiness.
    readiness: Option<Enum<Readiness>>,
    /// The day of that assessment.
    assessed_on: Option<Date>,
    #[graphql(skip)]
    employee_id: EmployeeId,
}

impl From<&SlateEntry> for SlateEntryNode {
    fn from(e: &SlateEntry) -> Self {
        Self {
            rank: e.rank,
            readiness: e.readiness.map(Enum),
            assessed_on: e.assessed_on.map(Date),
            employee_id: e.employee_id,
        }
    }
}

#[ComplexObject]
impl SlateEntryNode {
    /// The candidate, as the caller may see them.
    async fn candidate(&self, ctx: &Context<'_>) -> Result<Option<EmployeeNode>> {
        employee_node(ctx, self.employee_id).await
    }
}

#[ComplexObject]
impl PositionNode {
    /// Who holds it, as the caller may see them.
    async fn incumbent(&self, ctx: &Context<'_>) -> Result<Option<EmployeeNode>> {
        match self.incumbent_id {
            Some(id) => employee_node(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Who held it, oldest first.
    #[graphql(complexity = "super::limits::list(super::limits::CHECK_INS, child_complexity)")]
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<IncumbencyNode>> {
        let id = parse_id(&self.id, "position")?;
        let all = svc::position_history(service_ctx(ctx)?, id).await.gql()?;
        Ok(all.iter().map(IncumbencyNode::from).collect())
    }
    /// The succession slate with readiness: an error (`forbidden`) unless hr_admin or ld_admin.
    #[graphql(
        complexity = "super::limits::list(learnwell_domain::pipeline::SLATE_MAX, child_complexity)"
    )]
    async fn slate(&self, ctx: &Context<'_>) -> Result<Vec<SlateEntryNode>> {
        let id = parse_id(&self.id, "position")?;
        let all = svc::slate(service_ctx(ctx)?, id).await.gql()?;
        Ok(all.iter().map(SlateEntryNode::from).collect())
    }
}

/// A placement of a graduate.
#[derive(SimpleObject)]
#[graphql(name = "PipelinePlacement")]
pub struct PlacementNode {
    /// The placement's id.
    id: ID,
    /// The graduate's membership.
    membership_id: ID,
    /// The graduate.
    employee_id: ID,
    /// The position.
    position_id: ID,
    /// The day of the placement.
    placed_on: Date,
    /// Who held the position before.
    previous_incumbent_id: Option<ID>,
    /// Into a position created for growth (the membership's outcome is ROLE_GROWN).
    role_grown: bool,
}

impl From<&Placement> for PlacementNode {
    fn from(p: &Placement) -> Self {
        Self {
            id: ID(p.id.to_string()),
            membership_id: ID(p.membership_id.to_string()),
            employee_id: ID(p.employee_id.to_string()),
            position_id: ID(p.position_id.to_string()),
            placed_on: p.placed_on.into(),
            previous_incumbent_id: p.previous_incumbent_id.map(|x| ID(x.to_string())),
            role_grown: p.role_grown,
        }
    }
}

impl From<Placement> for PlacementNode {
    fn from(p: Placement) -> Self {
        Self::from(&p)
    }
}

/// Whole days (nearest-rank percentiles); values null in aggregate below the minimum group.
#[derive(SimpleObject)]
#[graphql(name = "PipelineSpread")]
pub struct SpreadNode {
    /// How many values.
    count: u32,
    /// The median.
    median: Option<u32>,
    /// The 90th percentile.
    p90: Option<u32>,
    /// The largest.
    max: Option<u32>,
}

impl From<Spread> for SpreadNode {
    fn from(s: Spread) -> Self {
        Self {
            count: s.count,
            median: s.median,
            p90: s.p90,
            max: s.max,
        }
    }
}

/// How many of a group left the organisation.
#[derive(SimpleObject)]
#[graphql(name = "PipelineRate")]
pub struct RateNode {
    /// People in the group.
    people: u32,
    /// Of them, who left.
    left: u32,
    /// Left over people; null for an empty group.
    rate: Option<f64>,
}

impl From<Rate> for RateNode {
    fn from(r: Rate) -> Self {
        Self {
            people: r.people,
            left: r.left,
            rate: r.rate(),
        }
    }
}

/// Incumbents whose own development stalled.
#[derive(SimpleObject)]
pub struct StagnantLeaders {
    /// Incumbents counted.
    incumbents: u32,
    /// Without learning in the last year.
    without_learning: u32,
    /// With overdue assigned learning.
    overdue_assigned: u32,
    /// Both.
    without_learning_and_overdue: u32,
}

/// Memberships by stage.
#[derive(SimpleObject)]
pub struct PipelineFunnel {
    /// Nominated.
    nominated: u32,
    /// Admitted.
    admitted: u32,
    /// Withdrawn.
    withdrawn: u32,
    /// Graduated.
    graduated: u32,
    /// Placed.
    placed: u32,
    /// Placed into a position created for growth.
    role_grown: u32,
    /// Moved on with help.
    alumni: u32,
    /// Left.
    lost: u32,
    /// Graduates waiting for a role.
    waiting: u32,
}

/// The bottleneck's figures (see the REST resource).
#[derive(SimpleObject)]
#[graphql(name = "PipelineBottleneckFigures")]
pub struct BottleneckFiguresNode {
    /// Leadership positions.
    positions: u32,
    /// Of them, open.
    open_positions: u32,
    /// Graduates waiting for a role.
    graduates_waiting: u32,
    /// Waiting graduates per open position.
    waiting_per_open_position: Option<f64>,
    /// How long the waiting graduates have waited.
    waiting_days: SpreadNode,
    /// How long placed graduates waited.
    days_to_placement: SpreadNode,
    /// People assessed ready now without a leadership role.
    ready_now_without_role: u32,
    /// How long they have waited.
    ready_now_waiting_days: SpreadNode,
    /// Incumbents of leadership positions.
    incumbents: u32,
    /// How long they have held their role.
    incumbent_days_in_role: SpreadNode,
    /// hr_admin and ld_admin only; null for everyone else.
    stagnant_leaders: Option<StagnantLeaders>,
    /// Positions created to grow the organisation.
    positions_created_for_growth: u32,
    /// Memberships by stage.
    funnel: PipelineFunnel,
    /// Positions with a successor ready now on their slate.
    positions_with_ready_now_successor: u32,
    /// Those over all positions.
    bench_strength: Option<f64>,
    /// Graduates who left.
    graduate_attrition: RateNode,
    /// Everyone else who left.
    other_attrition: RateNode,
}

impl From<&BottleneckFigures> for BottleneckFiguresNode {
    fn from(f: &BottleneckFigures) -> Self {
        let n = f.funnel;
        Self {
            positions: f.positions,
            open_positions: f.open_positions,
            graduates_waiting: f.graduates_waiting,
            waiting_per_open_position: f.waiting_per_open_position,
            waiting_days: f.waiting_days.into(),
            days_to_placement: f.days_to_placement.into(),
            ready_now_without_role: f.ready_now_without_role,
            ready_now_waiting_days: f.ready_now_waiting_days.into(),
            incumbents: f.incumbents,
            incumbent_days_in_role: f.incumbent_days_in_role.into(),
            stagnant_leaders: f.stagnation.map(|s| StagnantLeaders {
                incumbents: s.incumbents,
                without_learning: s.without_learning,
                overdue_assigned: s.overdue_assigned,
                without_learning_and_overdue: s.without_learning_and_overdue,
            }),
            positions_created_for_growth: f.positions_created_for_growth,
            funnel: PipelineFunnel {
                nominated: n.nominated,
                admitted: n.admitted,
                withdrawn: n.withdrawn,
                graduated: n.graduated,
                placed: n.placed,
                role_grown: n.role_grown,
                alumni: n.alumni,
                lost: n.lost,
                waiting: n.waiting,
            },
            positions_with_ready_now_successor: f.positions_with_ready_now_successor,
            bench_strength: f.bench_strength,
            graduate_attrition: f.attrition.graduates.into(),
            other_attrition: f.attrition.others.into(),
        }
    }
}

/// One figure behind a finding.
#[derive(SimpleObject)]
pub struct FindingFigure {
    /// Its name.
    name: String,
    /// Its value.
    value: f64,
}

/// A statement a leader can act on.
#[derive(SimpleObject)]
#[graphql(name = "PipelineFinding")]
pub struct FindingNode {
    /// The rule that made it.
    rule_id: String,
    /// The statement, with its figures.
    message: String,
    /// The figures it rests on.
    #[graphql(complexity = "super::limits::list(super::limits::FOCUS_AREAS, child_complexity)")]
    figures: Vec<FindingFigure>,
    /// What can be done about it.
    #[graphql(complexity = "super::limits::list(2, child_complexity)")]
    actions: Vec<Enum<Action>>,
}

impl From<&Finding> for FindingNode {
    fn from(f: &Finding) -> Self {
        Self {
            rule_id: f.rule_id.to_owned(),
            message: f.message.clone(),
            figures: f
                .figures
                .iter()
                .map(|(name, value)| FindingFigure {
                    name: (*name).to_owned(),
                    value: *value,
                })
                .collect(),
            actions: f.actions.iter().copied().map(Enum).collect(),
        }
    }
}

/// What a bottleneck report is about.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum BottleneckScopeKind {
    /// The whole organisation.
    Organisation,
    /// An org unit and the units below it.
    OrgUnit,
    /// A programme.
    Programme,
    /// A cohort.
    Cohort,
}

/// The bottleneck of a scope: `figures` null and `findings` empty when withheld.
#[derive(SimpleObject)]
pub struct PipelineBottleneck {
    /// What it is about.
    scope: BottleneckScopeKind,
    /// The place's name.
    place: String,
    /// The day of the figures.
    as_of: Date,
    /// Whether the figures are withheld.
    suppressed: bool,
    /// Why they are withheld.
    suppression_reason: Option<super::learning_time::SuppressionReasonGql>,
    /// The figures.
    figures: Option<BottleneckFiguresNode>,
    /// What the figures say.
    #[graphql(
        complexity = "super::limits::list(learnwell_domain::pipeline::RULES.len(), child_complexity)"
    )]
    findings: Vec<FindingNode>,
}

impl From<&BottleneckReport> for PipelineBottleneck {
    fn from(r: &BottleneckReport) -> Self {
        let scope = match r.scope {
            BottleneckScope::Organisation => BottleneckScopeKind::Organisation,
            BottleneckScope::OrgUnit(_) => BottleneckScopeKind::OrgUnit,
            BottleneckScope::Programme(_) => BottleneckScopeKind::Programme,
            BottleneckScope::Cohort(_) => BottleneckScopeKind::Cohort,
        };
        let reason = match &r.figures {
            Cell::Value(_) => None,
            Cell::Suppressed(x) => Some(super::learning_time::SuppressionReasonGql::from(*x)),
        };
        Self {
            scope,
            place: r.place.clone(),
            as_of: r.as_of.into(),
            suppressed: reason.is_some(),
            suppression_reason: reason,
            figures: r.figures.value().map(BottleneckFiguresNode::from),
            findings: r.findings.iter().map(FindingNode::from).collect(),
        }
    }
}

/// Assumptions of a projection; each one left out takes the organisation's history.
#[derive(InputObject, Default)]
pub struct ProjectionAssumptions {
    /// Graduations per year.
    graduates_per_year: Option<f64>,
    /// The share of incumbents leaving their role per year, 0..1.
    incumbent_turnover: Option<f64>,
    /// Positions created for growth per year.
    positions_created_per_year: Option<f64>,
    /// The share of waiting graduates helped to move on per year, 0..1.
    helped_to_move_on: Option<f64>,
    /// Years to project (default 5).
    horizon_years: Option<i64>,
}

/// The assumptions a projection used.
#[derive(SimpleObject)]
#[graphql(name = "PipelineAssumptions")]
pub struct AssumptionsNode {
    /// Graduations per year.
    graduates_per_year: f64,
    /// The share of incumbents leaving their role per year.
    incumbent_turnover: f64,
    /// Positions created for growth per year.
    positions_created_per_year: f64,
    /// The share of waiting graduates helped to move on per year.
    helped_to_move_on: f64,
    /// Years projected.
    horizon_years: u32,
    /// Graduates waiting today.
    waiting_now: f64,
    /// Leadership positions today.
    positions_now: f64,
    /// Open positions today.
    open_now: f64,
}

impl From<&Assumptions> for AssumptionsNode {
    fn from(a: &Assumptions) -> Self {
        Self {
            graduates_per_year: a.graduates_per_year,
            incumbent_turnover: a.incumbent_turnover,
            positions_created_per_year: a.positions_created_per_year,
            helped_to_move_on: a.helped_to_move_on,
            horizon_years: a.horizon_years,
            waiting_now: a.waiting_now,
            positions_now: a.positions_now,
            open_now: a.open_now,
        }
    }
}

/// One projected year.
#[derive(SimpleObject)]
#[graphql(name = "PipelineProjectionYear")]
pub struct ProjectionYearNode {
    /// 1 is the coming year.
    year: u32,
    /// Positions opening.
    openings: f64,
    /// Graduates placed.
    placed: f64,
    /// Graduates helped to move on.
    moved_on: f64,
    /// Graduates waiting at the end of the year.
    queue: f64,
    /// Open positions at the end of the year.
    open_positions: f64,
    /// Null: nobody leaves the queue (the wait is unbounded).
    expected_wait_days: Option<f64>,
}

impl From<&ProjectionYear> for ProjectionYearNode {
    fn from(y: &ProjectionYear) -> Self {
        Self {
            year: y.year,
            openings: y.openings,
            placed: y.placed,
            moved_on: y.moved_on,
            queue: y.queue,
            open_positions: y.open_positions,
            expected_wait_days: y.expected_wait_days,
        }
    }
}

/// The projection of the graduate queue, year by year.
#[derive(SimpleObject)]
pub struct PipelineProjection {
    /// The assumptions used.
    assumptions: AssumptionsNode,
    /// What the organisation's history gives (the assumptions left out took these).
    defaults: AssumptionsNode,
    /// The years.
    #[graphql(complexity = "super::limits::list(30, child_complexity)")]
    years: Vec<ProjectionYearNode>,
}

impl From<&Projection> for PipelineProjection {
    fn from(p: &Projection) -> Self {
        Self {
            assumptions: (&p.assumptions).into(),
            defaults: (&p.defaults).into(),
            years: p.years.iter().map(ProjectionYearNode::from).collect(),
        }
    }
}

#[derive(Default)]
pub struct PipelineQuery;

#[Object]
impl PipelineQuery {
    /// The leadership programmes, by name, Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn pipeline_programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, ProgrammeNode>> {
        let n = first.map(|n| u64::try_from(n).unwrap_or(0));
        let page = svc::list_programmes(service_ctx(ctx)?, n, after.as_deref())
            .await
            .gql()?;
        Ok(connection(
            page,
            after.as_deref(),
            svc::programme_cursor,
            |p| ProgrammeNode::from(&p),
        ))
    }

    /// One programme: null when there is no such programme.
    async fn pipeline_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The programme's id.")] id: ID,
    ) -> Result<Option<ProgrammeNode>> {
        let Ok(id) = id.parse() else {
            return Ok(None);
        };
        let found = absent_is_none(svc::get_programme(service_ctx(ctx)?, id).await);
        Ok(nullable(ctx, found.gql())
            .flatten()
            .map(ProgrammeNode::from))
    }

    /// A person's memberships (yours without `employeeId`), oldest first: themselves, their
    /// managers, the admins. Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn pipeline_memberships(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member; yourself when absent.")] employee_id: Option<ID>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, MembershipNode>> {
        let who = employee_id
            .as_ref()
            .map(|i| parse_id(i, "employee"))
            .transpose()?;
        let n = first.map(|n| u64::try_from(n).unwrap_or(0));
        let page = svc::my_memberships(service_ctx(ctx)?, who, n, after.as_deref())
            .await
            .gql()?;
        Ok(connection(
            page,
            after.as_deref(),
            |m| m.id,
            |m| MembershipNode::from(&m),
        ))
    }

    /// A cohort's memberships (the programme lead, the admins), Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn pipeline_cohort_members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort's id.")] cohort_id: ID,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, MembershipNode>> {
        let n = first.map(|n| u64::try_from(n).unwrap_or(0));
        let id = parse_id(&cohort_id, "cohort")?;
        let page = svc::list_memberships(service_ctx(ctx)?, id, n, after.clone())
            .await
            .gql()?;
        Ok(connection(
            page,
            after.as_deref(),
            |m| m.id,
            |m| MembershipNode::from(&m),
        ))
    }

    /// Leadership positions (of an org unit and the units below it), Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn pipeline_positions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An org unit (and the units below it); every position when absent.")]
        org_unit_id: Option<ID>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, PositionNode>> {
        let n = first.map(|n| u64::try_from(n).unwrap_or(0));
        let unit = org_unit_id
            .as_ref()
            .map(|i| parse_id(i, "org unit"))
            .transpose()?;
        let page = svc::list_positions(service_ctx(ctx)?, unit, n, after.clone())
            .await
            .gql()?;
        Ok(connection(
            page,
            after.as_deref(),
            |p| p.id,
            |p| PositionNode::from(&p),
        ))
    }

    /// Placements, newest first (hr_admin, ld_admin), Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn pipeline_placements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, PlacementNode>> {
        let n = first.map(|n| u64::try_from(n).unwrap_or(0));
        let page = svc::list_placements(service_ctx(ctx)?, n, after.clone())
            .await
            .gql()?;
        Ok(connection(
            page,
            after.as_deref(),
            |p| p.id,
            |p| PlacementNode::from(&p),
        ))
    }

    /// The bottleneck with its findings: the organisation without arguments, else one of an
    /// org unit (and below), a programme or a cohort.
    #[graphql(complexity = "super::limits::SUMMARY + child_complexity")]
    async fn pipeline_bottleneck(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An org unit (and the units below it).")] org_unit_id: Option<ID>,
        #[graphql(desc = "A programme.")] programme_id: Option<ID>,
        #[graphql(desc = "A cohort.")] cohort_id: Option<ID>,
    ) -> Result<PipelineBottleneck> {
        let scope = match (org_unit_id, programme_id, cohort_id) {
            (None, None, None) => BottleneckScope::Organisation,
            (Some(u), None, None) => BottleneckScope::OrgUnit(parse_id(&u, "org unit")?),
            (None, Some(p), None) => BottleneckScope::Programme(parse_id(&p, "programme")?),
            (None, None, Some(c)) => BottleneckScope::Cohort(parse_id(&c, "cohort")?),
            _ => {
                let e = learnwell_domain::FieldError::new(
                    "orgUnitId",
                    "ask for one of orgUnitId, programmeId and cohortId",
                );
                return Err(crate::error::ApiError::InvalidQuery(e)).gql();
            }
        };
        let r = svc::bottleneck(service_ctx(ctx)?, scope).await.gql()?;
        Ok(PipelineBottleneck::from(&r))
    }

    /// The projection of the graduate queue (hr_admin, ld_admin): computed, nothing stored.
    #[graphql(complexity = "super::limits::SUMMARY + child_complexity")]
    async fn pipeline_projection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Assumptions to use instead of the organisation's history.")]
        assumptions: Option<ProjectionAssumptions>,
    ) -> Result<PipelineProjection> {
        let a = assumptions.unwrap_or_default();
        let fields = AssumptionFields {
            graduates_per_year: a.graduates_per_year,
            incumbent_turnover: a.incumbent_turnover,
            positions_created_per_year: a.positions_created_per_year,
            helped_to_move_on: a.helped_to_move_on,
            horizon_years: a.horizon_years,
        };
        let p = svc::projection(service_ctx(ctx)?, fields).await.gql()?;
        Ok(PipelineProjection::from(&p))
    }
}

// ---- mutations ----

payload!(
    /// The answer of `createPipelineProgramme`.
    PipelineProgrammePayload,
    programme: ProgrammeNode
);
payload!(
    /// The answer of `createPipelineCohort`.
    PipelineCohortPayload,
    cohort: CohortNode
);
payload!(
    /// The answer of the membership mutations.
    PipelineMembershipPayload,
    membership: MembershipNode
);
payload!(
    /// The answer of `writePipelineReflection`: when it was saved, never its text.
    PipelineReflectionPayload,
    reflection: PipelineReflection
);
payload!(
    /// The answer of `recordReadinessAssessment`.
    ReadinessAssessmentPayload,
    readiness_assessment: ReadinessNode
);
payload!(
    /// The answer of `recordTalentReview`.
    TalentReviewPayload,
    talent_review: TalentReviewNode
);
payload!(
    /// The answer of `createPipelinePosition`.
    PipelinePositionPayload,
    position: PositionNode
);
payload!(
    /// The answer of `setPipelineSlate`: the slate with each candidate's latest readiness.
    PipelineSlatePayload,
    slate: Vec<SlateEntryNode>
);
payload!(
    /// The answer of `placePipelineGraduate`.
    PipelinePlacementPayload,
    placement: PlacementNode
);

/// A membership's motivation reflection, without its text (read it over REST, where each read
/// is audited).
#[derive(SimpleObject)]
pub struct PipelineReflection {
    /// The membership.
    membership_id: ID,
    /// When the lead discussed it with the member.
    discussed_on: Option<Date>,
    /// When it was last written.
    updated_at: DateTime<Utc>,
}

impl From<ReflectionView> for PipelineReflection {
    fn from(r: ReflectionView) -> Self {
        Self {
            membership_id: ID(r.membership_id.to_string()),
            discussed_on: r.discussed_on.map(Date),
            updated_at: r.updated_at,
        }
    }
}

/// The answer of `markPipelineReflectionDiscussed`.
#[derive(SimpleObject)]
pub struct DiscussPipelineReflectionPayload {
    /// The membership whose reflection was discussed; null when `userErrors` is not empty.
    membership_id: Option<ID>,
    /// Why nothing changed; empty on success.
    user_errors: Vec<UserError>,
}

/// A leadership programme.
#[derive(InputObject)]
pub struct CreatePipelineProgrammeInput {
    /// Its name (unique).
    name: String,
    /// What it is.
    description: Option<String>,
    /// The programme lead (an employee): admits members and reads their reflections.
    lead_id: ID,
    /// The lowest leadership job level it prepares for, 1..8.
    target_level_min: i32,
    /// The highest leadership job level it prepares for, 1..8.
    target_level_max: i32,
}

impl From<CreatePipelineProgrammeInput> for ProgrammeFields {
    fn from(i: CreatePipelineProgrammeInput) -> Self {
        Self {
            name: Some(i.name),
            description: i.description,
            lead_id: Some(i.lead_id.0),
            target_level_min: Some(i64::from(i.target_level_min)),
            target_level_max: Some(i64::from(i.target_level_max)),
        }
    }
}

/// A cohort of a programme.
#[derive(InputObject)]
pub struct CreatePipelineCohortInput {
    /// Its name.
    name: String,
    /// Its first day.
    starts_on: Date,
    /// Its last day.
    ends_on: Date,
    /// Seats: admitted, active and graduated members, 1..500.
    capacity: i32,
}

impl From<CreatePipelineCohortInput> for CohortFields {
    fn from(i: CreatePipelineCohortInput) -> Self {
        Self {
            name: Some(i.name),
            starts_on: Some(i.starts_on.0),
            ends_on: Some(i.ends_on.0),
            capacity: Some(i64::from(i.capacity)),
        }
    }
}

/// Whom to nominate.
#[derive(InputObject, Default)]
pub struct NominateForPipelineCohortInput {
    /// One of your reports; yourself when absent.
    employee_id: Option<ID>,
}

/// The day of a step.
#[derive(InputObject, Default)]
pub struct PipelineDateInput {
    /// Default today; never in the future.
    on: Option<Date>,
}

/// A waiting graduate moving on with the organisation's help.
#[derive(InputObject, Default)]
pub struct MarkPipelineAlumniInput {
    /// Acts as an ambassador of the programme (default false).
    ambassador: Option<bool>,
    /// Default today.
    on: Option<Date>,
}

/// The motivation reflection.
#[derive(InputObject)]
pub struct WritePipelineReflectionInput {
    /// "Why do you want to lead?": 1-10,000 characters; never scored (kept out of logs).
    #[graphql(secret)]
    text: String,
}

/// A readiness assessment.
#[derive(InputObject)]
pub struct RecordReadinessAssessmentInput {
    /// How ready the person is.
    readiness: Enum<Readiness>,
    /// Default you (only hr_admin and ld_admin may name another assessor).
    assessor_id: Option<ID>,
    /// Default today.
    assessed_on: Option<Date>,
    /// Why (kept out of logs).
    #[graphql(secret)]
    rationale: Option<String>,
}

impl From<RecordReadinessAssessmentInput> for ReadinessFields {
    fn from(i: RecordReadinessAssessmentInput) -> Self {
        Self {
            readiness: Some(i.readiness.wire()),
            assessor_id: i.assessor_id.map(|x| x.0),
            assessed_on: i.assessed_on.map(|d| d.0),
            rationale: i.rationale,
        }
    }
}

/// A 9-box review.
#[derive(InputObject)]
pub struct RecordTalentReviewInput {
    /// 1 (low) .. 3 (high) (kept out of logs).
    #[graphql(secret)]
    performance: i32,
    /// 1 (low) .. 3 (high) (kept out of logs).
    #[graphql(secret)]
    potential: i32,
    /// Default you.
    assessor_id: Option<ID>,
    /// Who calibrated the review.
    calibrated_by: Option<ID>,
    /// Default today.
    reviewed_on: Option<Date>,
}

impl From<RecordTalentReviewInput> for TalentReviewFields {
    fn from(i: RecordTalentReviewInput) -> Self {
        Self {
            performance: Some(i64::from(i.performance)),
            potential: Some(i64::from(i.potential)),
            assessor_id: i.assessor_id.map(|x| x.0),
            calibrated_by: i.calibrated_by.map(|x| x.0),
            reviewed_on: i.reviewed_on.map(|d| d.0),
        }
    }
}

/// A leadership position.
#[derive(InputObject)]
pub struct CreatePipelinePositionInput {
    /// Its title.
    title: String,
    /// Its org unit.
    org_unit_id: ID,
    /// Its job level, 1..8.
    level: i32,
    /// Who holds it; absent for an open position.
    incumbent_id: Option<ID>,
    /// Default today (with an incumbent).
    incumbent_since: Option<Date>,
    /// Created to grow the organisation (a role grown for graduates).
    created_for_growth: Option<bool>,
}

impl From<CreatePipelinePositionInput> for PositionFields {
    fn from(i: CreatePipelinePositionInput) -> Self {
        Self {
            title: Some(i.title),
            org_unit_id: Some(i.org_unit_id.0),
            level: Some(i64::from(i.level)),
            incumbent_id: i.incumbent_id.map(|x| x.0),
            incumbent_since: i.incumbent_since.map(|d| d.0),
            created_for_growth: i.created_for_growth,
        }
    }
}

/// A succession slate.
#[derive(InputObject)]
pub struct SetPipelineSlateInput {
    /// Employee ids in rank order (first = rank 1), at most 10.
    candidates: Vec<ID>,
}

/// A placement of a waiting graduate.
#[derive(InputObject)]
pub struct PlacePipelineGraduateInput {
    /// The graduate's membership.
    membership_id: ID,
    /// The position.
    position_id: ID,
    /// Default today.
    placed_on: Option<Date>,
}

impl PlacePipelineGraduateInput {
    fn command(self) -> ApiResult<PlacementCommand> {
        Ok(PlacementCommand {
            membership_id: field_id(&self.membership_id, "membership_id")?,
            position_id: field_id(&self.position_id, "position_id")?,
            placed_on: self.placed_on.map(|d| d.0),
        })
    }
}

#[derive(Default)]
pub struct PipelineMutation;

#[Object]
impl PipelineMutation {
    /// Create a leadership programme (ld_admin).
    async fn create_pipeline_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The programme.")] input: CreatePipelineProgrammeInput,
    ) -> Result<PipelineProgrammePayload> {
        PipelineProgrammePayload::from_result(
            svc::create_programme(service_ctx(ctx)?, input.into()).await,
        )
    }

    /// Create a cohort of a programme (ld_admin).
    async fn create_pipeline_cohort(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The programme's id.")] programme_id: ID,
        #[graphql(desc = "The cohort.")] input: CreatePipelineCohortInput,
    ) -> Result<PipelineCohortPayload> {
        let c = service_ctx(ctx)?;
        let today = c.now.date_naive();
        PipelineCohortPayload::from_result(
            async {
                let id = found(&programme_id, "programme")?;
                let cohort = svc::create_cohort(c, id, input.into()).await?;
                Ok(CohortNode::new(&cohort, today))
            }
            .await,
        )
    }

    /// Nominate yourself or one of your reports into a cohort (one open membership per
    /// programme: `duplicate`).
    async fn nominate_for_pipeline_cohort(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort's id.")] cohort_id: ID,
        #[graphql(desc = "Whom to nominate.", default)] input: NominateForPipelineCohortInput,
    ) -> Result<PipelineMembershipPayload> {
        let c = service_ctx(ctx)?;
        PipelineMembershipPayload::from_result(
            async {
                let n = Nomination {
                    cohort_id: found(&cohort_id, "cohort")?,
                    employee_id: input
                        .employee_id
                        .map(|i| field_id(&i, "employee_id"))
                        .transpose()?,
                };
                svc::nominate(c, n).await
            }
            .await,
        )
    }

    /// Admit a nominee (the programme lead): takes a seat (`capacity_reached` when none is
    /// free).
    async fn admit_pipeline_membership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership's id.")] id: ID,
    ) -> Result<PipelineMembershipPayload> {
        let c = service_ctx(ctx)?;
        PipelineMembershipPayload::from_result(
            async { svc::admit(c, found(&id, "membership")?).await }.await,
        )
    }

    /// The programme starts for an admitted member (the lead, ld_admin).
    async fn start_pipeline_membership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership's id.")] id: ID,
    ) -> Result<PipelineMembershipPayload> {
        let c = service_ctx(ctx)?;
        PipelineMembershipPayload::from_result(
            async { svc::start(c, found(&id, "membership")?).await }.await,
        )
    }

    /// An active member graduates (the lead, ld_admin).
    async fn graduate_pipeline_membership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership's id.")] id: ID,
        #[graphql(desc = "The day.", default)] input: PipelineDateInput,
    ) -> Result<PipelineMembershipPayload> {
        let c = service_ctx(ctx)?;
        PipelineMembershipPayload::from_result(
            async { svc::graduate(c, found(&id, "membership")?, input.on.map(|d| d.0)).await }
                .await,
        )
    }

    /// Withdraw before graduating (the member, the lead, ld_admin); frees the seat.
    async fn withdraw_pipeline_membership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership's id.")] id: ID,
    ) -> Result<PipelineMembershipPayload> {
        let c = service_ctx(ctx)?;
        PipelineMembershipPayload::from_result(
            async { svc::withdraw(c, found(&id, "membership")?).await }.await,
        )
    }

    /// A waiting graduate moves on with the organisation's help (hr_admin): ALUMNI.
    async fn mark_pipeline_alumni(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership's id.")] id: ID,
        #[graphql(desc = "Ambassador or not, and the day.", default)]
        input: MarkPipelineAlumniInput,
    ) -> Result<PipelineMembershipPayload> {
        let c = service_ctx(ctx)?;
        PipelineMembershipPayload::from_result(
            async {
                let id = found(&id, "membership")?;
                let ambassador = input.ambassador.unwrap_or(false);
                svc::alumni(c, id, ambassador, input.on.map(|d| d.0)).await
            }
            .await,
        )
    }

    /// Write your reflection while your membership is open (the member only). The payload
    /// says when it was saved; its text is read over REST (the member and the lead, audited).
    async fn write_pipeline_reflection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership's id.")] membership_id: ID,
        #[graphql(desc = "The reflection.")] input: WritePipelineReflectionInput,
    ) -> Result<PipelineReflectionPayload> {
        let c = service_ctx(ctx)?;
        PipelineReflectionPayload::from_result(
            async {
                let id = found(&membership_id, "membership")?;
                svc::write_reflection(c, id, &input.text).await
            }
            .await,
        )
    }

    /// The programme lead records having discussed the reflection with the member.
    async fn mark_pipeline_reflection_discussed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership's id.")] membership_id: ID,
    ) -> Result<DiscussPipelineReflectionPayload> {
        let c = service_ctx(ctx)?;
        let result =
            async { svc::discuss_reflection(c, found(&membership_id, "membership")?).await }.await;
        let (done, user_errors) = split(result)?;
        Ok(DiscussPipelineReflectionPayload {
            membership_id: done.map(|()| membership_id),
            user_errors,
        })
    }

    /// Assess someone's readiness (hr_admin, ld_admin, or one of their managers).
    async fn record_readiness_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who is assessed.")] employee_id: ID,
        #[graphql(desc = "The assessment.")] input: RecordReadinessAssessmentInput,
    ) -> Result<ReadinessAssessmentPayload> {
        let c = service_ctx(ctx)?;
        ReadinessAssessmentPayload::from_result(
            async {
                svc::record_readiness(c, found(&employee_id, "employee")?, input.into()).await
            }
            .await,
        )
    }

    /// Record a 9-box review (hr_admin).
    async fn record_talent_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who is reviewed.")] employee_id: ID,
        #[graphql(desc = "The review.")] input: RecordTalentReviewInput,
    ) -> Result<TalentReviewPayload> {
        let c = service_ctx(ctx)?;
        TalentReviewPayload::from_result(
            async { svc::record_review(c, found(&employee_id, "employee")?, input.into()).await }
                .await,
        )
    }

    /// Create a leadership position (hr_admin).
    async fn create_pipeline_position(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The position.")] input: CreatePipelinePositionInput,
    ) -> Result<PipelinePositionPayload> {
        PipelinePositionPayload::from_result(
            svc::create_position(service_ctx(ctx)?, input.into()).await,
        )
    }

    /// Replace a position's succession slate (hr_admin).
    async fn set_pipeline_slate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The position's id.")] position_id: ID,
        #[graphql(desc = "The candidates in rank order.")] input: SetPipelineSlateInput,
    ) -> Result<PipelineSlatePayload> {
        let c = service_ctx(ctx)?;
        PipelineSlatePayload::from_result(
            async {
                let fields = SlateFields {
                    candidates: input.candidates.into_iter().map(|x| x.0).collect(),
                };
                let all = svc::set_slate(c, found(&position_id, "position")?, fields).await?;
                Ok(all.iter().map(SlateEntryNode::from).collect::<Vec<_>>())
            }
            .await,
        )
    }

    /// Place a waiting graduate into a position (hr_admin): the incumbent, the position's
    /// history and the membership's outcome change together; placing the same again answers
    /// it again.
    async fn place_pipeline_graduate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership, the position and the day.")]
        input: PlacePipelineGraduateInput,
    ) -> Result<PipelinePlacementPayload> {
        let c = service_ctx(ctx)?;
        PipelinePlacementPayload::from_result(async { svc::place(c, input.command()?).await }.await)
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextParseQuery,
    };
    use async_graphql::parser::types::ExecutableDocument;
    use async_graphql::{Request, ServerResult, Variables};
    use std::sync::{Arc, Mutex};

    /// Keeps what the tracing extension records of a query: the document with its variables.
    #[derive(Clone, Default)]
    struct Traced(Arc<Mutex<Vec<String>>>);

    impl ExtensionFactory for Traced {
        fn create(&self) -> Arc<dyn Extension> {
            Arc::new(self.clone())
        }
    }

    #[async_graphql::async_trait::async_trait]
    impl Extension for Traced {
        async fn parse_query(
            &self,
            ctx: &ExtensionContext<'_>,
            query: &str,
            variables: &Variables,
            next: NextParseQuery<'_>,
        ) -> ServerResult<ExecutableDocument> {
            let doc = next.run(ctx, query, variables).await?;
            if let Ok(mut seen) = self.0.lock() {
                seen.push(ctx.stringify_execute_doc(&doc, variables));
            }
            Ok(doc)
        }
    }

    #[tokio::test]
    async fn notes_reflections_reviews_and_rationales_never_reach_the_query_trace() {
        let traced = Traced::default();
        let schema = async_graphql::Schema::build(
            crate::graphql::Query::default(),
            crate::graphql::Mutation::default(),
            async_graphql::EmptySubscription,
        )
        .extension(traced.clone())
        .finish();
        let secret = "SECRET-TEXT-9b1f";
        let cases = [
            ("mutation($t: String!) { addAdvisorNote(checkInId: \"x\", input: { text: $t }) { note { id } } }", serde_json::json!({ "t": secret })),
            ("mutation { writeAdvisingReflection(checkInId: \"x\", input: { text: \"SECRET-TEXT-9b1f\" }) { checkIn { id } } }", serde_json::json!({})),
            ("mutation($i: WritePipelineReflectionInput!) { writePipelineReflection(membershipId: \"x\", input: $i) { reflection { membershipId } } }", serde_json::json!({ "i": { "text": secret } })),
            ("mutation($i: RecordReadinessAssessmentInput!) { recordReadinessAssessment(employeeId: \"x\", input: $i) { readinessAssessment { id } } }", serde_json::json!({ "i": { "readiness": "READY_NOW", "rationale": secret } })),
            ("mutation($i: LogMentoringSessionInput!) { logMentoringSession(engagementId: \"x\", input: $i) { session { id } } }", serde_json::json!({ "i": { "date": "2026-01-05", "minutes": 30, "notes": secret } })),
            ("mutation($i: CloseMentoringEngagementInput!) { closeMentoringEngagement(id: \"x\", input: $i) { engagement { id } } }", serde_json::json!({ "i": { "feedback": secret } })),
            ("mutation { recordTalentReview(employeeId: \"x\", input: { performance: 987654, potential: 987653 }) { talentReview { id } } }", serde_json::json!({})),
        ];
        for (query, vars) in cases {
            let request = Request::new(query).variables(Variables::from_json(vars));
            // No use-case context: the mutation itself fails, after the query was traced.
            let _ = schema.execute(request).await;
        }
        let seen = traced.0.lock().expect("lock").clone();
        assert_eq!(seen.len(), 7, "{seen:?}");
        for line in &seen {
            assert!(!line.contains(secret), "{line}");
            assert!(!line.contains("98765"), "{line}");
            assert!(line.contains("<secret>"), "{line}");
        }
    }
}
