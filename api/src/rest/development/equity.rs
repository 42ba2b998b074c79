//! The development equity report over REST.

use crate::error::{ApiResult, Problem};
use crate::rest::learning_time::SuppressionReasonResource;
use crate::services::development::{self as svc, EquityQuery, EquityReport, EquityView};
use crate::services::Ctx;
use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use learnwell_domain::development::EquityFigures;
use learnwell_domain::ids::OrgUnitId;
use learnwell_domain::privacy::Cell;
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_development_equity);
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EquityParams {
    /// Default: the current fiscal year.
    pub fiscal_year: Option<i32>,
    /// Default: the organisation.
    #[param(value_type = Option<String>)]
    pub org_unit_id: Option<OrgUnitId>,
    /// With `org_unit_id`: the units below it too (default true).
    pub include_descendants: Option<bool>,
}

/// A group's figures. When `suppressed` is true every figure is null and `suppression_reason`
/// says why (`docs/API-DESIGN.md`, "Aggregates and privacy").
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EquityCellResource {
    pub suppressed: bool,
    pub suppression_reason: Option<SuppressionReasonResource>,
    pub people: Option<u32>,
    /// People with an active mentoring or coaching engagement as mentee.
    pub with_engagement: Option<u32>,
    pub access_share: Option<f64>,
    /// PD budgets held (allocated plus carried in), in minor units of the organisation's currency.
    pub pd_budget_minor: Option<i64>,
    /// Reserved (approved) plus spent.
    pub pd_used_minor: Option<i64>,
    pub pd_used_share: Option<f64>,
    pub pd_used_per_person_minor: Option<i64>,
    pub learning_hours_per_person: Option<f64>,
}

impl From<&Cell<EquityFigures>> for EquityCellResource {
    fn from(cell: &Cell<EquityFigures>) -> Self {
        let f = cell.value().map(EquityView::from);
        let reason = match cell {
            Cell::Value(_) => None,
            Cell::Suppressed(r) => Some(SuppressionReasonResource::from(*r)),
        };
        Self {
            suppressed: reason.is_some(),
            suppression_reason: reason,
            people: f.map(|f| f.people),
            with_engagement: f.map(|f| f.with_engagement),
            access_share: f.and_then(|f| f.access_share),
            pd_budget_minor: f.map(|f| f.pd_budget_minor),
            pd_used_minor: f.map(|f| f.pd_used_minor),
            pd_used_share: f.and_then(|f| f.pd_used_share),
            pd_used_per_person_minor: f.and_then(|f| f.pd_used_per_person_minor),
            learning_hours_per_person: f.and_then(|f| f.learning_hours_per_person),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EquityBandResource {
    /// `junior` (levels 1-2), `mid` (3-5) or `senior` (6-8).
    pub band: String,
    pub job_level_min: u8,
    pub job_level_max: u8,
    #[serde(flatten)]
    pub figures: EquityCellResource,
}

/// Juniors minus seniors (negative: juniors get less); null unless both bands are shown.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EquityGapResource {
    pub access_share: Option<f64>,
    pub learning_hours_per_person: Option<f64>,
    pub pd_used_per_person_minor: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EquityResource {
    pub fiscal_year: i32,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub currency: String,
    pub all: EquityCellResource,
    pub bands: Vec<EquityBandResource>,
    pub gap: Option<EquityGapResource>,
}

impl From<&EquityReport> for EquityResource {
    fn from(r: &EquityReport) -> Self {
        Self {
            fiscal_year: r.fiscal_year,
            period_start: r.period.start(),
            period_end: r.period.end(),
            currency: r.currency.to_string(),
            all: EquityCellResource::from(&r.all),
            bands: r
                .bands
                .iter()
                .map(|b| EquityBandResource {
                    band: b.name.to_owned(),
                    job_level_min: b.levels.0.get(),
                    job_level_max: b.levels.1.get(),
                    figures: EquityCellResource::from(&b.figures),
                })
                .collect(),
            gap: r.gap.map(|g| EquityGapResource {
                access_share: g.access_share,
                learning_hours_per_person: g.learning_hours_per_person,
                pd_used_per_person_minor: g.used_per_person_minor,
            }),
        }
    }
}

/// Development equity per job-level band of the organisation or an org unit: access to
/// mentoring and coaching, PD budget used, learning hours, and the junior-senior gap; figures
/// only for groups the privacy engine releases (exact for hr_admin and ld_admin).
#[utoipa::path(tag = "development", params(EquityParams), security(("bearer" = [])),
    responses((status = 200, body = EquityResource), (status = 403, body = Problem)))]
#[get("/development/equity")]
async fn get_development_equity(ctx: Ctx, q: web::Query<EquityParams>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let query = EquityQuery {
        fiscal_year: q.fiscal_year,
        root: q.org_unit_id,
        include_descendants: q.include_descendants.unwrap_or(true),
    };
    let r = svc::equity(&ctx, query).await?;
    Ok(HttpResponse::Ok().json(EquityResource::from(&r)))
}
