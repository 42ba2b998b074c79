//! The projection of the organisation's graduate queue (hr_admin, ld_admin): the model is
//! `domain::pipeline::project`; the defaults come from the organisation's own history.
//!
//! Defaults, over the last three years (per year: a third): graduations; incumbencies ended,
//! over the positions filled now (turnover); positions created for growth; graduates helped to
//! move on (alumni), over the graduates waiting now (at most 1). The start is today's queue,
//! positions and open positions; the horizon 5 years.

use super::bottleneck::{all_facts, organisation_figures, AllFacts};
use crate::error::{ApiError, ApiResult};
use crate::services::{ensure, Ctx};
use chrono::{Duration, NaiveDate};
use learnwell_domain::access::pipeline as rules;
use learnwell_domain::pipeline::{project, AssumptionFields, Assumptions, Outcome, ProjectionYear};
use learnwell_persistence::pipeline::facts;

/// The assumptions used, the defaults they were filled from, and the years.
#[derive(Debug, Clone)]
pub struct Projection {
    pub assumptions: Assumptions,
    pub defaults: Assumptions,
    pub years: Vec<ProjectionYear>,
}

const YEARS: f64 = 3.0;

fn defaults(all: &AllFacts, today: NaiveDate, ended: u32, grown: u32) -> Assumptions {
    let from = today - Duration::days(3 * 365);
    let m = &all.memberships;
    let graduations = m
        .iter()
        .filter(|x| x.graduated_on.is_some_and(|g| g >= from && g <= today))
        .count();
    let alumni = m
        .iter()
        .filter(|x| {
            x.outcome
                .is_some_and(|(o, on)| o == Outcome::Alumni && on >= from)
        })
        .count();
    let now = organisation_figures(all, today);
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let (graduations, alumni) = (graduations as f64, alumni as f64);
    let (waiting, filled) = (f64::from(now.graduates_waiting), f64::from(now.incumbents));
    let share = |part: f64, whole: f64| {
        if whole > 0.0 {
            (part / whole).min(1.0)
        } else {
            0.0
        }
    };
    Assumptions {
        graduates_per_year: graduations / YEARS,
        incumbent_turnover: share(f64::from(ended) / YEARS, filled),
        positions_created_per_year: f64::from(grown) / YEARS,
        helped_to_move_on: share(alumni / YEARS, waiting),
        horizon_years: 5,
        waiting_now: waiting,
        positions_now: f64::from(now.positions),
        open_now: f64::from(now.open_positions),
    }
}

#[tracing::instrument(skip_all)]
pub async fn projection(ctx: &Ctx, fields: AssumptionFields) -> ApiResult<Projection> {
    ensure(rules::can_read_whole_pipeline(&ctx.principal))?;
    let today = ctx.now.date_naive();
    let all = all_facts(ctx, today).await?;
    let from = today - Duration::days(3 * 365);
    let (ended, grown) =
        facts::movement_since(&ctx.db, from, ctx.now - Duration::days(3 * 365)).await?;
    let defaults = defaults(&all, today, ended, grown);
    let assumptions = fields.parse(&defaults).map_err(ApiError::Validation)?;
    Ok(Projection {
        years: project(&assumptions),
        assumptions,
        defaults,
    })
}
