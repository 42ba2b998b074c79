//! The development equity report: per job-level band (juniors 1-2, mid 3-5, seniors 6-8) of the
//! organisation or an org unit, the share of people with an active mentoring or coaching
//! engagement, PD budget held and used, learning hours, and the junior-senior gap.
//!
//! Privacy: the groups are the learning-time summaries' groups (a place and a level band) over
//! the same people, so the privacy engine's decisions for them apply as they are: callers who
//! see everyone's learning (`hr_admin`, `ld_admin`) get exact figures, everyone else a group's
//! figures only when the engine releases it, and the gap only when both bands are released.

use super::budgets::current_year;
use crate::error::{ApiError, ApiResult};
use crate::services::learning_time::caller_decisions;
use crate::services::{ensure, Ctx};
use learnwell_domain::access::{self, Relation};
use learnwell_domain::development::{
    fiscal_year_period, prorated, Currency, DevelopmentGroup, EquityFigures, EquityGap,
    EQUITY_BANDS,
};
use learnwell_domain::ids::OrgUnitId;
use learnwell_domain::learning_time::{Place, SummaryGroup};
use learnwell_domain::org::{JobLevel, Period};
use learnwell_domain::privacy::Cell;
use learnwell_domain::FieldError;
use learnwell_persistence::development::{self as store, equity::development_rows};
use std::collections::{HashMap, HashSet};

/// Which report: a fiscal year (default the current one) of the organisation or an org unit
/// (with its descendants unless said otherwise).
#[derive(Debug, Clone, Copy, Default)]
pub struct EquityQuery {
    pub fiscal_year: Option<i32>,
    pub root: Option<OrgUnitId>,
    pub include_descendants: bool,
}

/// Equity figures as every adapter shows them, the derived shares and per-person amounts
/// computed once: the one mapping from the domain's [`EquityFigures`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EquityView {
    pub people: u32,
    pub with_engagement: u32,
    pub access_share: Option<f64>,
    pub pd_budget_minor: i64,
    pub pd_used_minor: i64,
    pub pd_used_share: Option<f64>,
    pub pd_used_per_person_minor: Option<i64>,
    pub learning_hours_per_person: Option<f64>,
}

impl From<&EquityFigures> for EquityView {
    fn from(f: &EquityFigures) -> Self {
        Self {
            people: f.people,
            with_engagement: f.with_engagement,
            access_share: f.access_share(),
            pd_budget_minor: f.budget_minor,
            pd_used_minor: f.used_minor,
            pd_used_share: f.budget_used_share(),
            pd_used_per_person_minor: f.used_per_person_minor(),
            learning_hours_per_person: f.learning_hours_per_person(),
        }
    }
}

/// One band's figures, or that they are withheld.
#[derive(Debug, Clone)]
pub struct BandFigures {
    pub name: &'static str,
    pub levels: (JobLevel, JobLevel),
    pub figures: Cell<EquityFigures>,
}

#[derive(Debug, Clone)]
pub struct EquityReport {
    pub fiscal_year: i32,
    pub period: Period,
    pub currency: Currency,
    pub all: Cell<EquityFigures>,
    pub bands: Vec<BandFigures>,
    /// Juniors minus seniors, when both are shown.
    pub gap: Option<EquityGap>,
}

/// Everyone in scope with their year, per org unit and job level: an unopened budget counts the
/// policy's prorated amount (people who share a proration basis share a row, so the amount is
/// prorated once per row, rounded down per person as when each budget opens).
async fn groups(
    ctx: &Ctx,
    year: i32,
    period: &Period,
    units: Option<HashSet<OrgUnitId>>,
) -> ApiResult<Vec<DevelopmentGroup>> {
    let currency = ctx.settings.development.currency;
    let amounts: HashMap<JobLevel, i64> = store::list_policies(&ctx.db, Some(year))
        .await?
        .into_iter()
        .filter(|p| p.amount.currency() == currency)
        .map(|p| (p.job_level, p.amount.minor()))
        .collect();
    let rows = development_rows(&ctx.db, year, currency, period).await?;
    Ok(rows
        .into_iter()
        .filter(|r| {
            units
                .as_ref()
                .is_none_or(|u| r.org_unit.is_some_and(|o| u.contains(&o)))
        })
        .map(|r| {
            let amount = amounts.get(&r.level).copied().unwrap_or(0);
            let unopened = i64::from(r.unopened) * prorated(amount, period, &r.dates);
            DevelopmentGroup {
                org_unit: r.org_unit,
                level: r.level,
                figures: EquityFigures {
                    people: r.people,
                    with_engagement: r.with_engagement,
                    budget_minor: r.opened_budget_minor + unopened,
                    used_minor: r.used_minor,
                    learning_minutes: r.learning_minutes,
                },
            }
        })
        .collect())
}

#[tracing::instrument(skip_all, fields(fiscal_year = ?q.fiscal_year, root = ?q.root))]
pub async fn equity(ctx: &Ctx, q: EquityQuery) -> ApiResult<EquityReport> {
    let p = &ctx.principal;
    ensure(access::can_read_learning_aggregates(p))?;
    let year = q
        .fiscal_year
        .unwrap_or_else(|| current_year(ctx, ctx.now.date_naive()));
    if !(2000..=2100).contains(&year) {
        let e = FieldError::new("fiscal_year", "must be between 2000 and 2100");
        return Err(ApiError::InvalidQuery(e));
    }
    let period = fiscal_year_period(year, ctx.settings.development.fiscal_year_start_month);
    let (place, units) = match q.root {
        None => (Place::Organisation, None),
        Some(u) => {
            let units = ctx.directory.units_in(u, q.include_descendants).await?;
            let place = if q.include_descendants {
                Place::Subtree(u)
            } else {
                Place::Own(u)
            };
            (place, Some(units.into_iter().collect()))
        }
    };
    let groups = groups(ctx, year, &period, units).await?;
    let decisions = if access::can_see_learning(p, Relation::Other) {
        None
    } else {
        Some(caller_decisions(ctx).await?)
    };
    let cell = |levels: Option<(JobLevel, JobLevel)>| {
        let figures = EquityFigures::of(
            groups
                .iter()
                .filter(|g| levels.is_none_or(|(a, b)| (a..=b).contains(&g.level))),
        );
        match &decisions {
            None => Cell::Value(figures),
            Some(d) => d.cell(&SummaryGroup { place, levels }, figures),
        }
    };
    let bands: Vec<BandFigures> = EQUITY_BANDS
        .iter()
        .filter_map(|(name, a, b)| {
            let levels = (
                JobLevel::new((*a).into()).ok()?,
                JobLevel::new((*b).into()).ok()?,
            );
            Some(BandFigures {
                name,
                levels,
                figures: cell(Some(levels)),
            })
        })
        .collect();
    let gap = match (
        bands.first().map(|b| &b.figures),
        bands.last().map(|b| &b.figures),
    ) {
        (Some(Cell::Value(j)), Some(Cell::Value(s))) => Some(EquityGap::between(j, s)),
        _ => None,
    };
    Ok(EquityReport {
        fiscal_year: year,
        period,
        currency: ctx.settings.development.currency,
        all: cell(None),
        bands,
        gap,
    })
}
