//! Learning-time summaries: a person, a manager's team, org units or level bands, or the
//! organisation, for a week, month or quarter. The arithmetic is `domain::learning_time`'s.

use super::all_policies;
use crate::error::{ApiError, ApiResult};
use crate::services::{ensure, Ctx};
use learnwell_domain::access::{self, Relation};
use learnwell_domain::ids::{EmployeeId, OrgUnitId};
use learnwell_domain::learning_time::{parse_period, summarise, PolicyPeriod, Summarised, Totals};
use learnwell_domain::org::{JobLevel, Period};
use learnwell_persistence::learning_time as store;
use learnwell_persistence::org as org_store;
use std::collections::BTreeMap;

/// Whose learning time a summary covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryScope {
    /// One person.
    Person(EmployeeId),
    /// Everyone below this manager, at any depth.
    Team(EmployeeId),
    /// Everyone in an org unit (`None`: the organisation) within a job-level band.
    Units {
        root: Option<OrgUnitId>,
        /// With `root`: the units below it too. (Today every summary includes them.)
        include_descendants: bool,
        levels: Option<(JobLevel, JobLevel)>,
    },
}

/// A summary to compute: a period (`2026-Q1`, `2026-03`, `2026-W10`), a scope, and whether to
/// list each person (only to those allowed to see every person in scope).
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryQuery {
    pub period: Period,
    pub kind: PolicyPeriod,
    pub scope: SummaryScope,
    pub include_people: bool,
}

impl SummaryQuery {
    /// The summary of `scope` in the period labelled `period` (a bad label is `invalid_query`).
    pub fn new(period: &str, scope: SummaryScope, include_people: bool) -> ApiResult<Self> {
        let (period, kind) = Self::period(period)?;
        Ok(Self {
            period,
            kind,
            scope,
            include_people,
        })
    }

    /// The period labelled `label` and its kind.
    pub fn period(label: &str) -> ApiResult<(Period, PolicyPeriod)> {
        parse_period(label).map_err(ApiError::InvalidQuery)
    }
}

/// Learning-time totals as every adapter shows them (minutes, the derived figures, minutes by
/// category code): the one mapping from the domain's [`Totals`].
#[derive(Debug, Clone, PartialEq)]
pub struct TotalsView {
    pub people: u32,
    pub allocated_minutes: u64,
    pub carried_in_minutes: u64,
    pub used_in_work_minutes: u64,
    pub used_outside_work_minutes: u64,
    pub remaining_minutes: u64,
    pub utilisation: Option<f64>,
    pub on_top_share: Option<f64>,
    pub exploratory_share: Option<f64>,
    pub by_category_minutes: BTreeMap<String, u64>,
}

impl From<&Totals> for TotalsView {
    fn from(t: &Totals) -> Self {
        Self {
            people: t.people,
            allocated_minutes: t.allocated,
            carried_in_minutes: t.carried_in,
            used_in_work_minutes: t.used_in_work,
            used_outside_work_minutes: t.used_outside_work,
            remaining_minutes: t.remaining(),
            utilisation: t.utilisation(),
            on_top_share: t.on_top_share(),
            exploratory_share: t.exploratory_share(),
            by_category_minutes: t
                .by_category
                .iter()
                .map(|(c, m)| (c.to_string(), *m))
                .collect(),
        }
    }
}

/// A summary: the period, the totals, and each person's (when listed).
#[derive(Debug, Clone)]
pub struct Summary {
    pub period: Period,
    pub totals: TotalsView,
    pub people: Option<Vec<(EmployeeId, TotalsView)>>,
}

/// Who the summary covers, after checking the caller may ask: the people, and whether the
/// caller may see them one by one.
async fn people_in(ctx: &Ctx, scope: SummaryScope) -> ApiResult<(People, bool)> {
    let p = &ctx.principal;
    let sees_all = access::can_see_learning(p, Relation::Other);
    match scope {
        SummaryScope::Person(e) => {
            let (_, relation) = ctx.directory.relation(p, e).await?;
            ensure(access::can_see_learning(p, relation))?;
            Ok((People::Ids(vec![e]), true))
        }
        SummaryScope::Team(m) => {
            ensure(access::can_see_team_learning(p, m))?;
            let all = u64::try_from(i64::MAX).unwrap_or(u64::MAX);
            let team = org_store::list_reports(&ctx.db, m, org_store::MAX_DEPTH, None, all).await?;
            Ok((People::Ids(team.iter().map(|e| e.id).collect()), true))
        }
        SummaryScope::Units { root, levels, .. } => {
            // In aggregate for people and `reports:read`; person by person only for those who
            // may see every record.
            ensure(access::can_read_learning_aggregates(p))?;
            let units = match root {
                Some(u) => Some(ctx.directory.unit_subtree(u).await?),
                None => None,
            };
            Ok((People::Where { units, levels }, sees_all))
        }
    }
}

/// Owned form of the store's people selector.
enum People {
    Ids(Vec<EmployeeId>),
    Where {
        units: Option<Vec<OrgUnitId>>,
        levels: Option<(JobLevel, JobLevel)>,
    },
}

impl People {
    fn as_store(&self) -> store::People<'_> {
        match self {
            People::Ids(ids) => store::People::Ids(ids),
            People::Where { units, levels } => store::People::Where {
                units: units.as_deref(),
                levels: *levels,
            },
        }
    }
}

#[tracing::instrument(skip_all, fields(period_start = %q.period.start(), scope = ?q.scope))]
pub async fn summary(ctx: &Ctx, q: SummaryQuery) -> ApiResult<Summary> {
    let (people, listable) = people_in(ctx, q.scope).await?;
    let policies = all_policies(ctx).await?;
    let parents = ctx.directory.unit_parent_map().await?;
    let previous = q.kind.previous(&q.period);
    let usage = store::people_usage(&ctx.db, people.as_store(), &previous, &q.period).await?;
    let Summarised { totals, people } = summarise(&policies, &parents, &q.period, q.kind, &usage);
    let people = (listable && q.include_people).then(|| {
        people
            .iter()
            .map(|(id, t)| (*id, TotalsView::from(t)))
            .collect()
    });
    Ok(Summary {
        period: q.period,
        totals: TotalsView::from(&totals),
        people,
    })
}
