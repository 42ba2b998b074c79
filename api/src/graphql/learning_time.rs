//! Learning time on the dashboard graph: `Employee.learningTime(period)` and
//! `OrgUnit.learningTimeSummary(period, includeDescendants)`. Both build the service's
//! `SummaryQuery` and map its `TotalsView`, the same view REST maps.

use super::service_ctx;
use crate::error::Gql;
use crate::services::learning_time::{
    self as svc, Summary, SummaryQuery, SummaryScope, TotalsView,
};
use async_graphql::{Context, Result, SimpleObject, ID};
use chrono::NaiveDate;
use learnwell_domain::ids::{EmployeeId, OrgUnitId};
use learnwell_domain::privacy::{Cell, SuppressionReason};

/// Minutes logged in one category, in or outside working time.
#[derive(SimpleObject)]
pub struct CategoryMinutes {
    /// `assigned`, `role_related`, `exploratory`, `mentoring`, `coaching` or `advising`.
    category: String,
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

/// Learning-time totals in minutes. When `suppressed` is true every figure is null and
/// `suppressionReason` says why.
#[derive(SimpleObject)]
pub struct LearningTimeTotals {
    suppressed: bool,
    suppression_reason: Option<SuppressionReasonGql>,
    people: Option<u32>,
    allocated_minutes: Option<u64>,
    carried_in_minutes: Option<u64>,
    used_in_work_minutes: Option<u64>,
    /// Learning outside working time ("on top").
    used_outside_work_minutes: Option<u64>,
    remaining_minutes: Option<u64>,
    utilisation: Option<f64>,
    on_top_share: Option<f64>,
    exploratory_share: Option<f64>,
    /// Minutes per category (categories with none logged are left out), by category code.
    #[graphql(complexity = "super::limits::list(super::limits::CATEGORIES, child_complexity)")]
    by_category_minutes: Option<Vec<CategoryMinutes>>,
}

impl From<&Cell<TotalsView>> for LearningTimeTotals {
    fn from(cell: &Cell<TotalsView>) -> Self {
        let t = cell.value();
        let reason = match cell {
            Cell::Value(_) => None,
            Cell::Suppressed(r) => Some(SuppressionReasonGql::from(*r)),
        };
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
            by_category_minutes: t.map(|t| {
                t.by_category_minutes
                    .iter()
                    .map(|(category, minutes)| CategoryMinutes {
                        category: category.clone(),
                        minutes: *minutes,
                    })
                    .collect()
            }),
        }
    }
}

#[derive(SimpleObject)]
pub struct PersonLearningTime {
    employee_id: ID,
    totals: LearningTimeTotals,
}

#[derive(SimpleObject)]
pub struct LearningTimeSummary {
    period_start: NaiveDate,
    period_end: NaiveDate,
    totals: LearningTimeTotals,
    /// Person by person, only for callers who may see each of them.
    #[graphql(complexity = "super::limits::list(super::limits::SUMMARY_PEOPLE, child_complexity)")]
    people: Option<Vec<PersonLearningTime>>,
}

impl From<Summary> for LearningTimeSummary {
    fn from(s: Summary) -> Self {
        Self {
            period_start: s.period.start(),
            period_end: s.period.end(),
            totals: LearningTimeTotals::from(&s.totals),
            people: s.people.map(|people| {
                people
                    .iter()
                    .map(|(id, t)| PersonLearningTime {
                        employee_id: ID(id.to_string()),
                        totals: LearningTimeTotals::from(&Cell::Value(t.clone())),
                    })
                    .collect()
            }),
        }
    }
}

/// An employee's learning time in a period (`2026-Q1`, `2026-03`, `2026-W10`).
pub async fn employee_learning_time(
    ctx: &Context<'_>,
    id: EmployeeId,
    period: String,
) -> Result<LearningTimeSummary> {
    let q = SummaryQuery::new(&period, SummaryScope::Person(id), false).gql()?;
    Ok(svc::summary(service_ctx(ctx)?, q).await.gql()?.into())
}

/// An org unit's learning time in a period; people listed when the query asks for them (and
/// the caller may see each of them).
pub async fn unit_learning_time(
    ctx: &Context<'_>,
    id: OrgUnitId,
    period: String,
    include_descendants: bool,
) -> Result<LearningTimeSummary> {
    let scope = SummaryScope::Units {
        root: Some(id),
        include_descendants,
        levels: None,
    };
    let include_people = ctx.look_ahead().field("people").exists();
    let q = SummaryQuery::new(&period, scope, include_people).gql()?;
    Ok(svc::summary(service_ctx(ctx)?, q).await.gql()?.into())
}
