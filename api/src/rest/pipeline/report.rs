//! The bottleneck report and the projection over REST.

use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult, Problem};
use crate::rest::learning_time::SuppressionReasonResource;
use crate::services::pipeline::{self as svc, BottleneckReport, BottleneckScope, Projection};
use crate::services::Ctx;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use learnwell_domain::ids::{CohortId, OrgUnitId, ProgrammeId};
use learnwell_domain::pipeline::{
    AssumptionFields, Assumptions, BottleneckFigures, Finding, ProjectionYear, Rate, Spread,
};
use learnwell_domain::privacy::Cell;
use learnwell_domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_pipeline_bottleneck)
        .service(compute_pipeline_projection);
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BottleneckParams {
    /// At most one of the three; none: the organisation.
    #[param(value_type = Option<String>)]
    pub org_unit_id: Option<OrgUnitId>,
    #[param(value_type = Option<String>)]
    pub programme_id: Option<ProgrammeId>,
    #[param(value_type = Option<String>)]
    pub cohort_id: Option<CohortId>,
}

impl BottleneckParams {
    fn scope(&self) -> ApiResult<BottleneckScope> {
        match (self.org_unit_id, self.programme_id, self.cohort_id) {
            (None, None, None) => Ok(BottleneckScope::Organisation),
            (Some(u), None, None) => Ok(BottleneckScope::OrgUnit(u)),
            (None, Some(p), None) => Ok(BottleneckScope::Programme(p)),
            (None, None, Some(c)) => Ok(BottleneckScope::Cohort(c)),
            _ => Err(ApiError::InvalidQuery(FieldError::new(
                "org_unit_id",
                "ask for one of org_unit_id, programme_id and cohort_id",
            ))),
        }
    }
}

/// A distribution of whole days (nearest-rank percentiles); the values are null for callers
/// who see it in aggregate when fewer than the minimum group size make it up.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SpreadResource {
    pub count: u32,
    pub median: Option<u32>,
    pub p90: Option<u32>,
    pub max: Option<u32>,
}

impl From<Spread> for SpreadResource {
    fn from(s: Spread) -> Self {
        Self {
            count: s.count,
            median: s.median,
            p90: s.p90,
            max: s.max,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RateResource {
    /// Employed at some time in the last 12 months.
    pub people: u32,
    /// Terminated in them.
    pub left: u32,
    pub rate: Option<f64>,
}

impl From<Rate> for RateResource {
    fn from(r: Rate) -> Self {
        Self {
            people: r.people,
            left: r.left,
            rate: r.rate(),
        }
    }
}

/// Incumbents with no learning records in 12 months, and with overdue assigned development.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StagnationResource {
    pub incumbents: u32,
    pub without_learning: u32,
    pub overdue_assigned: u32,
    pub without_learning_and_overdue: u32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FunnelResource {
    pub nominated: u32,
    pub admitted: u32,
    pub withdrawn: u32,
    pub graduated: u32,
    pub placed: u32,
    pub role_grown: u32,
    pub alumni: u32,
    pub lost: u32,
    pub waiting: u32,
}

/// The bottleneck's figures (`docs/PIPELINE.md`, "The bottleneck").
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FiguresResource {
    pub positions: u32,
    pub open_positions: u32,
    pub graduates_waiting: u32,
    pub waiting_per_open_position: Option<f64>,
    /// How long the waiting graduates have waited so far.
    pub waiting_days: SpreadResource,
    pub days_to_placement: SpreadResource,
    pub ready_now_without_role: u32,
    pub ready_now_waiting_days: SpreadResource,
    pub incumbents: u32,
    pub incumbent_days_in_role: SpreadResource,
    /// hr_admin and ld_admin only; null for everyone else.
    pub stagnant_leaders: Option<StagnationResource>,
    pub positions_created_for_growth: u32,
    pub funnel: FunnelResource,
    pub positions_with_ready_now_successor: u32,
    pub bench_strength: Option<f64>,
    pub graduate_attrition: RateResource,
    /// Non-graduates of the graduates' job levels.
    pub other_attrition: RateResource,
}

impl From<&BottleneckFigures> for FiguresResource {
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
            stagnant_leaders: f.stagnation.map(|s| StagnationResource {
                incumbents: s.incumbents,
                without_learning: s.without_learning,
                overdue_assigned: s.overdue_assigned,
                without_learning_and_overdue: s.without_learning_and_overdue,
            }),
            positions_created_for_growth: f.positions_created_for_growth,
            funnel: FunnelResource {
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FindingFigureResource {
    pub name: String,
    pub value: f64,
}

/// A statement a leader can act on, with the rule that made it and its numbers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FindingResource {
    pub rule_id: String,
    pub message: String,
    pub figures: Vec<FindingFigureResource>,
    /// `place_or_grow`, `help_move_on`.
    pub actions: Vec<String>,
}

impl From<&Finding> for FindingResource {
    fn from(f: &Finding) -> Self {
        Self {
            rule_id: f.rule_id.to_owned(),
            message: f.message.clone(),
            figures: f
                .figures
                .iter()
                .map(|(name, value)| FindingFigureResource {
                    name: (*name).to_owned(),
                    value: *value,
                })
                .collect(),
            actions: f.actions.iter().map(ToString::to_string).collect(),
        }
    }
}

/// The bottleneck of a scope. When `suppressed` is true `figures` is null, `findings` empty and
/// `suppression_reason` says why (`docs/API-DESIGN.md`, "Aggregates and privacy").
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BottleneckResource {
    /// `organisation`, `org_unit`, `programme` or `cohort`.
    pub scope: String,
    pub scope_id: Option<String>,
    pub place: String,
    pub as_of: NaiveDate,
    pub suppressed: bool,
    pub suppression_reason: Option<SuppressionReasonResource>,
    pub figures: Option<FiguresResource>,
    pub findings: Vec<FindingResource>,
}

impl From<&BottleneckReport> for BottleneckResource {
    fn from(r: &BottleneckReport) -> Self {
        let (scope, id) = match r.scope {
            BottleneckScope::Organisation => ("organisation", None),
            BottleneckScope::OrgUnit(u) => ("org_unit", Some(u.to_string())),
            BottleneckScope::Programme(p) => ("programme", Some(p.to_string())),
            BottleneckScope::Cohort(c) => ("cohort", Some(c.to_string())),
        };
        let reason = match &r.figures {
            Cell::Value(_) => None,
            Cell::Suppressed(x) => Some(SuppressionReasonResource::from(*x)),
        };
        Self {
            scope: scope.to_owned(),
            scope_id: id,
            place: r.place.clone(),
            as_of: r.as_of,
            suppressed: reason.is_some(),
            suppression_reason: reason,
            figures: r.figures.value().map(FiguresResource::from),
            findings: r.findings.iter().map(FindingResource::from).collect(),
        }
    }
}

/// The bottleneck report with its findings: the organisation (hr_admin, ld_admin), an org unit
/// and the units below it (the admins; its managers in aggregate), a programme or a cohort (the
/// admins, the programme lead).
#[utoipa::path(tag = "pipeline", params(BottleneckParams), security(("bearer" = [])),
    responses((status = 200, body = BottleneckResource), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/pipeline/bottleneck")]
async fn get_pipeline_bottleneck(
    ctx: Ctx,
    q: web::Query<BottleneckParams>,
) -> ApiResult<HttpResponse> {
    let r = svc::bottleneck(&ctx, q.scope()?).await?;
    Ok(HttpResponse::Ok().json(BottleneckResource::from(&r)))
}

/// Assumptions of the projection; each one left out takes the organisation's own history.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectionInput {
    pub graduates_per_year: Option<f64>,
    /// Share of filled positions vacated per year, 0..1.
    pub incumbent_turnover: Option<f64>,
    pub positions_created_per_year: Option<f64>,
    /// Share of the waiting graduates helped to move on per year, 0..1.
    pub helped_to_move_on: Option<f64>,
    /// 1..30 years (default 5).
    pub horizon_years: Option<i64>,
}

impl From<ProjectionInput> for AssumptionFields {
    fn from(i: ProjectionInput) -> Self {
        Self {
            graduates_per_year: i.graduates_per_year,
            incumbent_turnover: i.incumbent_turnover,
            positions_created_per_year: i.positions_created_per_year,
            helped_to_move_on: i.helped_to_move_on,
            horizon_years: i.horizon_years,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssumptionsResource {
    pub graduates_per_year: f64,
    pub incumbent_turnover: f64,
    pub positions_created_per_year: f64,
    pub helped_to_move_on: f64,
    pub horizon_years: u32,
    pub waiting_now: f64,
    pub positions_now: f64,
    pub open_now: f64,
}

impl From<&Assumptions> for AssumptionsResource {
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectionYearResource {
    pub year: u32,
    pub openings: f64,
    pub placed: f64,
    pub moved_on: f64,
    /// Graduates waiting at the end of the year.
    pub queue: f64,
    pub open_positions: f64,
    /// Null: nobody leaves the queue (the wait is unbounded).
    pub expected_wait_days: Option<f64>,
}

impl From<&ProjectionYear> for ProjectionYearResource {
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectionResource {
    pub assumptions: AssumptionsResource,
    /// What the organisation's history gives (the assumptions left out took these).
    pub defaults: AssumptionsResource,
    pub years: Vec<ProjectionYearResource>,
}

impl From<&Projection> for ProjectionResource {
    fn from(p: &Projection) -> Self {
        Self {
            assumptions: (&p.assumptions).into(),
            defaults: (&p.defaults).into(),
            years: p.years.iter().map(ProjectionYearResource::from).collect(),
        }
    }
}

/// Project the graduate queue and its expected wait year by year (hr_admin, ld_admin); a
/// computation, nothing is stored (`docs/PIPELINE.md`, "Projection").
#[utoipa::path(tag = "pipeline", request_body = ProjectionInput, security(("bearer" = [])),
    responses((status = 200, body = ProjectionResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/pipeline/projections")]
async fn compute_pipeline_projection(
    ctx: Ctx,
    body: JsonBody<ProjectionInput>,
) -> ApiResult<HttpResponse> {
    let p = svc::projection(&ctx, body.0.into()).await?;
    Ok(HttpResponse::Ok().json(ProjectionResource::from(&p)))
}
