//! Learning-time summaries: a person, a manager's team, org units or level bands, or the
//! organisation, for a week, month or quarter. The arithmetic is `domain::learning_time`'s.
//!
//! Privacy: a caller who may see every person of the group one by one (themselves, their
//! transitive reports, admins who see everyone's learning) gets exact figures. Everyone else gets
//! the totals of a unit, a band or the organisation only when the privacy engine releases that
//! group, deciding over every group the summary API offers (the linked table, see
//! `domain::learning_time::decide_summary_groups`), so that no difference of answers isolates
//! fewer than `privacy.min_group_size` people. The decisions depend on membership only and are
//! cached per period, directory version and unit tree ([`GroupDecisions`]).

use super::all_policies;
use crate::error::{ApiError, ApiResult};
use crate::services::{ensure, Ctx};
use learnwell_domain::access::{self, Relation};
use learnwell_domain::ids::{EmployeeId, OrgUnitId};
use learnwell_domain::learning_time::{
    decide_summary_groups, parse_period, summarise, Place, PolicyPeriod, Summarised, SummaryGroup,
    Totals,
};
use learnwell_domain::org::{JobLevel, Period};
use learnwell_domain::privacy::{Cell, Decisions};
use learnwell_persistence::learning_time as store;
use learnwell_persistence::org as org_store;
use std::collections::BTreeMap;
use std::sync::Arc;

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
        /// With `root`: the units below it too (`false`: the unit's own members only).
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

/// A summary: the period, the totals (or that they are suppressed, and why), and each person's
/// (when listed).
#[derive(Debug, Clone)]
pub struct Summary {
    pub period: Period,
    pub totals: Cell<TotalsView>,
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
        SummaryScope::Units {
            root,
            include_descendants,
            levels,
        } => {
            // In aggregate for people and `reports:read`; person by person only for those who
            // may see every record.
            ensure(access::can_read_learning_aggregates(p))?;
            let units = match root {
                Some(u) => Some(ctx.directory.units_in(u, include_descendants).await?),
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
    let ids: Vec<EmployeeId> = people.iter().map(|(id, _)| *id).collect();
    let totals = TotalsView::from(&totals);
    // A released group's figures are the exact ones, so who the caller sees one by one is only
    // asked about when the engine withholds the group.
    let totals = match group_of(q.scope) {
        Some(group) if !listable => {
            let cell = group_decisions(ctx, &q.period)
                .await?
                .cell(&group, totals.clone());
            match cell {
                Cell::Suppressed(_) if sees_each(ctx, &ids).await? => Cell::Value(totals),
                cell => cell,
            }
        }
        _ => Cell::Value(totals),
    };
    let people = (listable && q.include_people).then(|| {
        people
            .iter()
            .map(|(id, t)| (*id, TotalsView::from(t)))
            .collect()
    });
    Ok(Summary {
        period: q.period,
        totals,
        people,
    })
}

/// The group of the linked table a scope asks about (`None`: a person or a team, which only
/// those who see them one by one may ask for).
fn group_of(scope: SummaryScope) -> Option<SummaryGroup> {
    let SummaryScope::Units {
        root,
        include_descendants,
        levels,
    } = scope
    else {
        return None;
    };
    let place = match root {
        None => Place::Organisation,
        Some(u) if include_descendants => Place::Subtree(u),
        Some(u) => Place::Own(u),
    };
    Some(SummaryGroup { place, levels })
}

/// May the caller see each of `people` one by one (themselves, their reports)? One query.
async fn sees_each(ctx: &Ctx, people: &[EmployeeId]) -> ApiResult<bool> {
    let p = &ctx.principal;
    Ok(ctx
        .directory
        .relations(p, people)
        .await?
        .into_iter()
        .all(|r| access::can_see_learning(p, r)))
}

/// The privacy engine's decisions for every group of the linked table in `period`, from the cache
/// when neither the directory version nor the unit tree changed since they were made.
pub(crate) async fn group_decisions(
    ctx: &Ctx,
    period: &Period,
) -> ApiResult<Arc<Decisions<SummaryGroup>>> {
    let version = ctx.directory.version().await?;
    let mut tree = ctx.directory.unit_parents().await?;
    tree.sort_unstable();
    let key = GroupKey {
        period: (period.start(), period.end()),
        version,
        tree,
    };
    let mut entries = ctx.summary_groups.entries.lock().await;
    entries.retain(|(k, _)| k.version == key.version && k.tree == key.tree);
    if let Some((_, d)) = entries.iter().find(|(k, _)| k.period == key.period) {
        return Ok(Arc::clone(d));
    }
    let headcount = ctx.directory.headcount_by_unit_and_level().await?;
    let k = ctx.settings.privacy.min_group_size;
    let parents = key.tree.iter().copied().collect();
    let decisions =
        tokio::task::spawn_blocking(move || decide_summary_groups(k, &parents, &headcount))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
    let decisions = Arc::new(decisions);
    if entries.len() >= GroupDecisions::CAPACITY {
        entries.remove(0);
    }
    entries.push((key, Arc::clone(&decisions)));
    Ok(decisions)
}

#[derive(Debug, PartialEq, Eq)]
struct GroupKey {
    period: (chrono::NaiveDate, chrono::NaiveDate),
    version: Option<Vec<u8>>,
    tree: Vec<(OrgUnitId, Option<OrgUnitId>)>,
}

/// The privacy engine's decisions for the summaries' linked table, per period, for the current
/// directory version and unit tree (in process; every instance decides the same from the same
/// membership). A people or unit write changes the version or the tree, and the next summary
/// drops every entry made before it. Computing holds the lock, so concurrent first requests for
/// a period wait for one computation (about 1-2 s at 2,000 units) instead of repeating it.
#[derive(Default)]
pub struct GroupDecisions {
    entries: tokio::sync::Mutex<Vec<(GroupKey, Arc<Decisions<SummaryGroup>>)>>,
}

impl GroupDecisions {
    /// Periods held at once (the oldest is dropped first).
    const CAPACITY: usize = 16;
}
