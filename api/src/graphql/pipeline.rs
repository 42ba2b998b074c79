//! The leadership pipeline on the dashboard graph (read fields only): programmes and cohorts,
//! memberships, positions with their incumbents, history and slates, placements, the
//! bottleneck report and the projection. Readiness and 9-box reviews are fields of `Employee`
//! (`readinessAssessments`, `talentReviews`), so every path that reaches a person (a position's
//! incumbent, a slate's candidate, a membership's member, `me`, an org unit's employees) asks
//! the same service, which refuses whoever may not see them.

use super::org::{employee_node, EmployeeNode};
use super::{parse_id, service_ctx};
use crate::error::Gql;
use crate::services::encode_cursor;
use crate::services::pipeline::{
    self as svc, BottleneckReport, BottleneckScope, Projection, SlateEntry,
};
use async_graphql::connection::{Connection, Edge};
use async_graphql::{ComplexObject, Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::NaiveDate;
use learnwell_domain::ids::EmployeeId;
use learnwell_domain::pipeline::{
    AssumptionFields, Assumptions, BottleneckFigures, Cohort, Finding, Incumbency, Membership,
    Placement, Position, Programme, ProjectionYear, Rate, ReadinessAssessment, Spread,
    TalentReview,
};
use learnwell_domain::privacy::Cell;

/// A readiness assessment.
#[derive(SimpleObject)]
pub struct ReadinessNode {
    id: ID,
    employee_id: ID,
    /// `ready_now`, `ready_1_2_years`, `ready_3_5_years`, `ready_5_plus_years`.
    readiness: String,
    assessor_id: ID,
    assessed_on: NaiveDate,
    rationale: Option<String>,
}

impl From<&ReadinessAssessment> for ReadinessNode {
    fn from(a: &ReadinessAssessment) -> Self {
        Self {
            id: ID(a.id.to_string()),
            employee_id: ID(a.employee_id.to_string()),
            readiness: a.readiness.to_string(),
            assessor_id: ID(a.assessor_id.to_string()),
            assessed_on: a.assessed_on,
            rationale: a.rationale.as_ref().map(|r| r.as_str().to_owned()),
        }
    }
}

/// A 9-box talent review.
#[derive(SimpleObject)]
pub struct TalentReviewNode {
    id: ID,
    employee_id: ID,
    performance: u8,
    potential: u8,
    /// 1 (low, low) .. 9 (high performance, high potential).
    nine_box: u8,
    assessor_id: ID,
    calibrated_by: Option<ID>,
    reviewed_on: NaiveDate,
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
            reviewed_on: r.reviewed_on,
        }
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
#[graphql(complex)]
pub struct ProgrammeNode {
    id: ID,
    name: String,
    description: Option<String>,
    lead_id: ID,
    target_level_min: u8,
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

#[ComplexObject]
impl ProgrammeNode {
    /// Its cohorts, by start date.
    #[graphql(
        complexity = "super::limits::list(super::limits::PIPELINE_COHORTS, child_complexity)"
    )]
    async fn cohorts(&self, ctx: &Context<'_>) -> Result<Vec<CohortNode>> {
        let c = service_ctx(ctx)?;
        let id = parse_id(&self.id, "programme")?;
        let all = svc::list_cohorts(c, Some(id)).await.gql()?;
        let today = c.now.date_naive();
        Ok(all.iter().map(|x| CohortNode::new(x, today)).collect())
    }
}

/// A cohort of a programme.
#[derive(SimpleObject)]
pub struct CohortNode {
    id: ID,
    programme_id: ID,
    name: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    /// `upcoming`, `running`, `finished`.
    state: String,
    capacity: u32,
    seats_taken: u32,
}

impl CohortNode {
    fn new(c: &Cohort, today: NaiveDate) -> Self {
        Self {
            id: ID(c.id.to_string()),
            programme_id: ID(c.programme_id.to_string()),
            name: c.name.to_string(),
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            state: c.state(today).to_string(),
            capacity: c.capacity,
            seats_taken: c.seats_taken,
        }
    }
}

/// A membership of a cohort (the reflection is never on the graph).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct MembershipNode {
    id: ID,
    cohort_id: ID,
    programme_id: ID,
    employee_id: ID,
    state: String,
    self_nominated: bool,
    admitted_on: Option<NaiveDate>,
    graduated_on: Option<NaiveDate>,
    withdrawn_on: Option<NaiveDate>,
    /// `placed`, `role_grown`, `alumni`, `lost`; null while waiting.
    outcome: Option<String>,
    outcome_on: Option<NaiveDate>,
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
            state: m.state.to_string(),
            self_nominated: m.self_nominated,
            admitted_on: m.admitted_on,
            graduated_on: m.graduated_on,
            withdrawn_on: m.withdrawn_on,
            outcome: m.outcome.map(|o| o.to_string()),
            outcome_on: m.outcome_on,
            ambassador: m.ambassador,
            employee: m.employee_id,
        }
    }
}

#[ComplexObject]
impl MembershipNode {
    async fn member(&self, ctx: &Context<'_>) -> Result<Option<EmployeeNode>> {
        employee_node(ctx, self.employee).await
    }
}

/// A leadership position.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct PositionNode {
    id: ID,
    title: String,
    org_unit_id: ID,
    level: u8,
    /// `filled` or `open`.
    status: String,
    incumbent_since: Option<NaiveDate>,
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
            status: p.status().to_owned(),
            incumbent_since: p.incumbent_since,
            created_for_growth: p.created_for_growth,
            incumbent_id: p.incumbent_id,
        }
    }
}

/// One incumbency of a position.
#[derive(SimpleObject)]
pub struct IncumbencyNode {
    employee_id: ID,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
}

impl From<&Incumbency> for IncumbencyNode {
    fn from(i: &Incumbency) -> Self {
        Self {
            employee_id: ID(i.employee_id.to_string()),
            started_on: i.started_on,
            ended_on: i.ended_on,
        }
    }
}

/// A ranked candidate of a succession slate.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SlateEntryNode {
    rank: u32,
    /// Their latest readiness.
    readiness: Option<String>,
    assessed_on: Option<NaiveDate>,
    #[graphql(skip)]
    employee_id: EmployeeId,
}

impl From<&SlateEntry> for SlateEntryNode {
    fn from(e: &SlateEntry) -> Self {
        Self {
            rank: e.rank,
            readiness: e.readiness.map(|r| r.to_string()),
            assessed_on: e.assessed_on,
            employee_id: e.employee_id,
        }
    }
}

#[ComplexObject]
impl SlateEntryNode {
    async fn candidate(&self, ctx: &Context<'_>) -> Result<Option<EmployeeNode>> {
        employee_node(ctx, self.employee_id).await
    }
}

#[ComplexObject]
impl PositionNode {
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
pub struct PlacementNode {
    id: ID,
    membership_id: ID,
    employee_id: ID,
    position_id: ID,
    placed_on: NaiveDate,
    previous_incumbent_id: Option<ID>,
    role_grown: bool,
}

impl From<&Placement> for PlacementNode {
    fn from(p: &Placement) -> Self {
        Self {
            id: ID(p.id.to_string()),
            membership_id: ID(p.membership_id.to_string()),
            employee_id: ID(p.employee_id.to_string()),
            position_id: ID(p.position_id.to_string()),
            placed_on: p.placed_on,
            previous_incumbent_id: p.previous_incumbent_id.map(|x| ID(x.to_string())),
            role_grown: p.role_grown,
        }
    }
}

/// Whole days (nearest-rank percentiles); values null in aggregate below the minimum group.
#[derive(SimpleObject)]
#[graphql(name = "PipelineSpread")]
pub struct SpreadNode {
    count: u32,
    median: Option<u32>,
    p90: Option<u32>,
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

#[derive(SimpleObject)]
#[graphql(name = "PipelineRate")]
pub struct RateNode {
    people: u32,
    left: u32,
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

#[derive(SimpleObject)]
pub struct StagnantLeaders {
    incumbents: u32,
    without_learning: u32,
    overdue_assigned: u32,
    without_learning_and_overdue: u32,
}

#[derive(SimpleObject)]
pub struct PipelineFunnel {
    nominated: u32,
    admitted: u32,
    withdrawn: u32,
    graduated: u32,
    placed: u32,
    role_grown: u32,
    alumni: u32,
    lost: u32,
    waiting: u32,
}

/// The bottleneck's figures (see the REST resource).
#[derive(SimpleObject)]
pub struct BottleneckFiguresNode {
    positions: u32,
    open_positions: u32,
    graduates_waiting: u32,
    waiting_per_open_position: Option<f64>,
    waiting_days: SpreadNode,
    days_to_placement: SpreadNode,
    ready_now_without_role: u32,
    ready_now_waiting_days: SpreadNode,
    incumbents: u32,
    incumbent_days_in_role: SpreadNode,
    /// hr_admin and ld_admin only; null for everyone else.
    stagnant_leaders: Option<StagnantLeaders>,
    positions_created_for_growth: u32,
    funnel: PipelineFunnel,
    positions_with_ready_now_successor: u32,
    bench_strength: Option<f64>,
    graduate_attrition: RateNode,
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

#[derive(SimpleObject)]
pub struct FindingFigure {
    name: String,
    value: f64,
}

/// A statement a leader can act on.
#[derive(SimpleObject)]
pub struct FindingNode {
    rule_id: String,
    message: String,
    #[graphql(complexity = "super::limits::list(super::limits::FOCUS_AREAS, child_complexity)")]
    figures: Vec<FindingFigure>,
    /// `place_or_grow`, `help_move_on`.
    #[graphql(complexity = "super::limits::list(2, child_complexity)")]
    actions: Vec<String>,
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
            actions: f.actions.iter().map(ToString::to_string).collect(),
        }
    }
}

/// The bottleneck of a scope: `figures` null and `findings` empty when withheld.
#[derive(SimpleObject)]
pub struct PipelineBottleneck {
    /// `organisation`, `org_unit`, `programme`, `cohort`.
    scope: String,
    place: String,
    as_of: NaiveDate,
    suppressed: bool,
    suppression_reason: Option<super::learning_time::SuppressionReasonGql>,
    figures: Option<BottleneckFiguresNode>,
    #[graphql(
        complexity = "super::limits::list(learnwell_domain::pipeline::RULES.len(), child_complexity)"
    )]
    findings: Vec<FindingNode>,
}

impl From<&BottleneckReport> for PipelineBottleneck {
    fn from(r: &BottleneckReport) -> Self {
        let scope = match r.scope {
            BottleneckScope::Organisation => "organisation",
            BottleneckScope::OrgUnit(_) => "org_unit",
            BottleneckScope::Programme(_) => "programme",
            BottleneckScope::Cohort(_) => "cohort",
        };
        let reason = match &r.figures {
            Cell::Value(_) => None,
            Cell::Suppressed(x) => Some(super::learning_time::SuppressionReasonGql::from(*x)),
        };
        Self {
            scope: scope.to_owned(),
            place: r.place.clone(),
            as_of: r.as_of,
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
    graduates_per_year: Option<f64>,
    incumbent_turnover: Option<f64>,
    positions_created_per_year: Option<f64>,
    helped_to_move_on: Option<f64>,
    horizon_years: Option<i64>,
}

#[derive(SimpleObject)]
pub struct AssumptionsNode {
    graduates_per_year: f64,
    incumbent_turnover: f64,
    positions_created_per_year: f64,
    helped_to_move_on: f64,
    horizon_years: u32,
    waiting_now: f64,
    positions_now: f64,
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

#[derive(SimpleObject)]
pub struct ProjectionYearNode {
    year: u32,
    openings: f64,
    placed: f64,
    moved_on: f64,
    queue: f64,
    open_positions: f64,
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

#[derive(SimpleObject)]
pub struct PipelineProjection {
    assumptions: AssumptionsNode,
    defaults: AssumptionsNode,
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
    /// Every leadership programme.
    #[graphql(
        complexity = "super::limits::list(super::limits::PIPELINE_PROGRAMMES, child_complexity)"
    )]
    async fn pipeline_programmes(&self, ctx: &Context<'_>) -> Result<Vec<ProgrammeNode>> {
        let all = svc::list_programmes(service_ctx(ctx)?).await.gql()?;
        Ok(all.iter().map(ProgrammeNode::from).collect())
    }

    async fn pipeline_programme(&self, ctx: &Context<'_>, id: ID) -> Result<ProgrammeNode> {
        let p = svc::get_programme(service_ctx(ctx)?, parse_id(&id, "programme")?)
            .await
            .gql()?;
        Ok(ProgrammeNode::from(&p))
    }

    /// A person's memberships (yours without `employeeId`): themselves, their managers, the
    /// admins.
    #[graphql(
        complexity = "super::limits::list(super::limits::PIPELINE_COHORTS, child_complexity)"
    )]
    async fn pipeline_memberships(
        &self,
        ctx: &Context<'_>,
        employee_id: Option<ID>,
    ) -> Result<Vec<MembershipNode>> {
        let who = employee_id
            .as_ref()
            .map(|i| parse_id(i, "employee"))
            .transpose()?;
        let all = svc::my_memberships(service_ctx(ctx)?, who).await.gql()?;
        Ok(all.iter().map(MembershipNode::from).collect())
    }

    /// A cohort's memberships (the programme lead, the admins), Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn pipeline_cohort_members(
        &self,
        ctx: &Context<'_>,
        cohort_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, MembershipNode>> {
        let n = first.map(|n| u64::try_from(n).unwrap_or(0));
        let id = parse_id(&cohort_id, "cohort")?;
        let page = svc::list_memberships(service_ctx(ctx)?, id, n, after.clone())
            .await
            .gql()?;
        let mut conn = Connection::new(after.is_some(), page.next_cursor.is_some());
        conn.edges.extend(
            page.items
                .iter()
                .map(|m| Edge::new(encode_cursor(m.id), MembershipNode::from(m))),
        );
        Ok(conn)
    }

    /// Leadership positions (of an org unit and the units below it), Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn pipeline_positions(
        &self,
        ctx: &Context<'_>,
        org_unit_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, PositionNode>> {
        let n = first.map(|n| u64::try_from(n).unwrap_or(0));
        let unit = org_unit_id
            .as_ref()
            .map(|i| parse_id(i, "org unit"))
            .transpose()?;
        let page = svc::list_positions(service_ctx(ctx)?, unit, n, after.clone())
            .await
            .gql()?;
        let mut conn = Connection::new(after.is_some(), page.next_cursor.is_some());
        conn.edges.extend(
            page.items
                .iter()
                .map(|p| Edge::new(encode_cursor(p.id), PositionNode::from(p))),
        );
        Ok(conn)
    }

    /// Placements, newest first (hr_admin, ld_admin), Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn pipeline_placements(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, PlacementNode>> {
        let n = first.map(|n| u64::try_from(n).unwrap_or(0));
        let page = svc::list_placements(service_ctx(ctx)?, n, after.clone())
            .await
            .gql()?;
        let mut conn = Connection::new(after.is_some(), page.next_cursor.is_some());
        conn.edges.extend(
            page.items
                .iter()
                .map(|p| Edge::new(encode_cursor(p.id), PlacementNode::from(p))),
        );
        Ok(conn)
    }

    /// The bottleneck with its findings: the organisation without arguments, else one of an
    /// org unit (and below), a programme or a cohort.
    #[graphql(complexity = "super::limits::SUMMARY + child_complexity")]
    async fn pipeline_bottleneck(
        &self,
        ctx: &Context<'_>,
        org_unit_id: Option<ID>,
        programme_id: Option<ID>,
        cohort_id: Option<ID>,
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
