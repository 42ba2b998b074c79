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
    decide_summary_groups, decide_summary_groups_knowing, parse_period, summarise, EntryCategory,
    PersonUsage, Place, PolicyPeriod, Summarised, SummaryGroup, Totals,
};
use learnwell_domain::org::{descendants, JobLevel, Period};
use learnwell_domain::privacy::{Cell, Decision, Decisions};
use learnwell_domain::FieldError;
use learnwell_persistence::learning_time as store;
use std::collections::{BTreeMap, HashMap};
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
    pub by_category_minutes: BTreeMap<EntryCategory, u64>,
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
            by_category_minutes: t.by_category.clone(),
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
            Ok((People::Team(m), true))
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
    Team(EmployeeId),
    Where {
        units: Option<Vec<OrgUnitId>>,
        levels: Option<(JobLevel, JobLevel)>,
    },
}

impl People {
    fn as_store(&self) -> store::People<'_> {
        match self {
            People::Ids(ids) => store::People::Ids(ids),
            People::Team(m) => store::People::Team(*m),
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
    let Summarised { totals, people } = summarised(ctx, &people, &q.period, q.kind).await?;
    let people: Vec<(EmployeeId, &Totals)> = people.iter().map(|(id, t)| (*id, t)).collect();
    let listed = listable && q.include_people;
    answer(
        ctx,
        q.period,
        group_of(q.scope),
        listable,
        listed,
        &totals,
        &people,
    )
    .await
}

/// Several units' summaries in one period, each with or without the units below it, as
/// [`summary`] answers each `SummaryScope::Units` without a band: one usage statement for the
/// people of them all, each person summarised once (a dashboard's list of units).
#[tracing::instrument(skip_all, fields(period_start = %period.start(), units = roots.len()))]
pub async fn unit_summaries(
    ctx: &Ctx,
    roots: &[(OrgUnitId, bool)],
    period: Period,
    kind: PolicyPeriod,
    include_people: bool,
) -> ApiResult<HashMap<(OrgUnitId, bool), Summary>> {
    let p = &ctx.principal;
    ensure(access::can_read_learning_aggregates(p))?;
    let listable = access::can_see_learning(p, Relation::Other);
    let tree = ctx.directory.unit_parents().await?;
    let covers = |(root, below): (OrgUnitId, bool)| {
        if below {
            descendants(root, tree.iter().copied())
        } else {
            vec![root]
        }
    };
    let covered: Vec<Vec<OrgUnitId>> = roots.iter().map(|r| covers(*r)).collect();
    let mut units: Vec<OrgUnitId> = covered.iter().flatten().copied().collect();
    units.sort_unstable();
    units.dedup();
    let people = People::Where {
        units: Some(units),
        levels: None,
    };
    let (usage, Summarised { people, .. }) = summarised_usage(ctx, &people, &period, kind).await?;
    let unit_of: HashMap<EmployeeId, OrgUnitId> = usage
        .iter()
        .filter_map(|u| Some((u.id, u.org_unit_id?)))
        .collect();
    // Each unit's own people, in id order (as `summarise` answers them).
    let mut members: HashMap<OrgUnitId, Vec<(EmployeeId, &Totals)>> = HashMap::new();
    for (id, t) in &people {
        if let Some(unit) = unit_of.get(id) {
            members.entry(*unit).or_default().push((*id, t));
        }
    }
    let mut out = HashMap::with_capacity(roots.len());
    for (&(root, below), units) in roots.iter().zip(&covered) {
        let mut people: Vec<(EmployeeId, &Totals)> = units
            .iter()
            .filter_map(|u| members.get(u))
            .flatten()
            .copied()
            .collect();
        people.sort_unstable_by_key(|(id, _)| *id);
        let mut totals = Totals::default();
        for (_, t) in &people {
            totals += t;
        }
        let scope = SummaryScope::Units {
            root: Some(root),
            include_descendants: below,
            levels: None,
        };
        let listed = listable && include_people;
        let summary = answer(
            ctx,
            period,
            group_of(scope),
            listable,
            listed,
            &totals,
            &people,
        );
        out.insert((root, below), summary.await?);
    }
    Ok(out)
}

/// The summary of a group whose people have these `totals` (their sum is `sum`): the sum when the
/// caller sees them one by one (`listable`), else as the privacy engine releases `group`; and
/// each person's, when `listed`.
async fn answer(
    ctx: &Ctx,
    period: Period,
    group: Option<SummaryGroup>,
    listable: bool,
    listed: bool,
    sum: &Totals,
    people: &[(EmployeeId, &Totals)],
) -> ApiResult<Summary> {
    let totals = TotalsView::from(sum);
    let totals = match group {
        Some(group) if !listable => {
            let ids: Vec<EmployeeId> = people.iter().map(|(id, _)| *id).collect();
            released(ctx, &group, &ids).await?.map(|()| totals)
        }
        _ => Cell::Value(totals),
    };
    let people = listed.then(|| {
        people
            .iter()
            .map(|(id, t)| (*id, TotalsView::from(*t)))
            .collect()
    });
    Ok(Summary {
        period,
        totals,
        people,
    })
}

/// Each of `people`'s own summary in `period`, in two statements for them all (their relations
/// to the caller, their usage): `None` for a person the caller may not see (what
/// `SummaryScope::Person` answers `forbidden` for one).
#[tracing::instrument(skip_all, fields(period_start = %period.start(), people = people.len()))]
pub async fn person_summaries(
    ctx: &Ctx,
    people: &[EmployeeId],
    period: Period,
    kind: PolicyPeriod,
) -> ApiResult<HashMap<EmployeeId, Option<Summary>>> {
    let p = &ctx.principal;
    let relations = ctx.directory.relations(p, people).await?;
    let visible: Vec<EmployeeId> = people
        .iter()
        .zip(relations)
        .filter(|(_, r)| access::can_see_learning(p, *r))
        .map(|(id, _)| *id)
        .collect();
    let mut out: HashMap<EmployeeId, Option<Summary>> =
        people.iter().map(|id| (*id, None)).collect();
    if visible.is_empty() {
        return Ok(out);
    }
    let Summarised { people: rows, .. } =
        summarised(ctx, &People::Ids(visible), &period, kind).await?;
    for (id, totals) in rows {
        let summary = Summary {
            period,
            totals: Cell::Value(TotalsView::from(&totals)),
            people: None,
        };
        out.insert(id, Some(summary));
    }
    Ok(out)
}

/// The people of `scope` who had protected learning time in the period and used none of it in
/// working time, with their figures: only for a caller who may see each of them (`forbidden`
/// otherwise, even in aggregate, since the answer names people).
#[tracing::instrument(skip_all, fields(period_start = %period.start(), scope = ?scope))]
pub async fn unused_learning_time(
    ctx: &Ctx,
    period: Period,
    kind: PolicyPeriod,
    scope: SummaryScope,
) -> ApiResult<Vec<(EmployeeId, TotalsView)>> {
    let (people, listable) = people_in(ctx, scope).await?;
    ensure(listable)?;
    let Summarised { people, .. } = summarised(ctx, &people, &period, kind).await?;
    Ok(people
        .iter()
        .filter(|(_, t)| t.used_none_of_allocation())
        .map(|(id, t)| (*id, TotalsView::from(t)))
        .collect())
}

/// The domain's summary of `people` in `period`: their usage from the store in one query (with
/// the previous period's, for carry-over), and the policies that apply to each.
async fn summarised(
    ctx: &Ctx,
    people: &People,
    period: &Period,
    kind: PolicyPeriod,
) -> ApiResult<Summarised> {
    Ok(summarised_usage(ctx, people, period, kind).await?.1)
}

/// [`summarised`], with the usage it was made from.
async fn summarised_usage(
    ctx: &Ctx,
    people: &People,
    period: &Period,
    kind: PolicyPeriod,
) -> ApiResult<(Vec<PersonUsage>, Summarised)> {
    let policies = all_policies(ctx).await?;
    let parents = ctx.directory.unit_parent_map().await?;
    let previous = kind.previous(period);
    let usage = store::people_usage(&ctx.db, people.as_store(), &previous, period).await?;
    let summarised = summarise(&policies, &parents, period, kind, &usage);
    Ok((usage, summarised))
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

/// Whether the caller may have the figures of `group` (whose people are `members`): always when
/// they see each member one by one; else when the privacy engine releases the group for them. A
/// band the table does not offer is refused (`invalid_query`, naming the offered bands).
async fn released(ctx: &Ctx, group: &SummaryGroup, members: &[EmployeeId]) -> ApiResult<Cell<()>> {
    let bands = &ctx.settings.privacy.level_bands;
    if let Some(band) = group.levels.filter(|band| !bands.offers(*band)) {
        if sees_each(ctx, members).await? {
            return Ok(Cell::Value(()));
        }
        return Err(ApiError::InvalidQuery(FieldError::new(
            "job_level_min",
            format!(
                "the band {}-{} is not offered in aggregate; the offered bands are {} \
                 (privacy.level_bands)",
                band.0.get(),
                band.1.get(),
                bands.describe()
            ),
        )));
    }
    let cell = caller_decisions(ctx).await?.cell(group, ());
    Ok(match cell {
        Cell::Suppressed(_) if sees_each(ctx, members).await? => Cell::Value(()),
        cell => cell,
    })
}

/// The privacy engine's decisions over the summaries' linked table for this caller: for everyone,
/// made stricter by what the caller knows one by one (themselves and their reports). Any context
/// that shows figures of these groups (a unit, a band, the organisation) asks here.
pub(crate) async fn caller_decisions(ctx: &Ctx) -> ApiResult<CallerDecisions> {
    let table = group_decisions(ctx).await?;
    let knower = match ctx.principal.employee_id {
        None => None,
        Some(me) => Some(table.for_person(ctx, me).await?),
    };
    Ok(CallerDecisions { table, knower })
}

/// See [`caller_decisions`].
pub(crate) struct CallerDecisions {
    table: Arc<TableDecisions>,
    knower: Option<Arc<Knower>>,
}

impl CallerDecisions {
    /// The figure of `group` as the caller may see it (fails closed for a group outside the table).
    pub(crate) fn cell<V>(&self, group: &SummaryGroup, figure: V) -> Cell<V> {
        match self.knower.as_ref().and_then(|k| k.0.get(group)) {
            Some(Decision::Released) => Cell::Value(figure),
            Some(Decision::Suppressed { reason }) => Cell::Suppressed(*reason),
            None => self.table.decisions.cell(group, figure),
        }
    }
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

/// The privacy engine's decisions for everyone, from the cache when neither the directory version
/// nor the unit tree changed since they were made (membership, not the period, decides). Deciding
/// runs to the end and is kept even if the request that started it is dropped (a timeout), and
/// one decision runs at a time: others wait for it.
async fn group_decisions(ctx: &Ctx) -> ApiResult<Arc<TableDecisions>> {
    let version = ctx.directory.version().await?;
    let mut tree = ctx.directory.unit_parents().await?;
    tree.sort_unstable();
    let groups = Arc::clone(&ctx.summary_groups);
    let fresh = || {
        groups
            .current()
            .as_ref()
            .filter(|d| d.version == version && d.tree == tree)
            .cloned()
    };
    if let Some(d) = fresh() {
        return Ok(d);
    }
    let turn = Arc::clone(&groups.deciding).lock_owned().await;
    if let Some(d) = fresh() {
        return Ok(d);
    }
    let headcount = ctx.directory.headcount_by_unit_and_level().await?;
    let privacy = ctx.settings.privacy.clone();
    let keep = Arc::clone(&groups);
    tokio::task::spawn_blocking(move || {
        let parents: HashMap<_, _> = tree.iter().copied().collect();
        let decisions = decide_summary_groups(
            privacy.min_group_size,
            &privacy.level_bands,
            &parents,
            &headcount,
        );
        let decided = Arc::new(TableDecisions {
            version,
            tree,
            parents,
            headcount,
            decisions,
            knowers: std::sync::Mutex::default(),
        });
        *keep.current() = Some(Arc::clone(&decided));
        drop(turn);
        decided
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))
}

/// The decisions for one state of the directory: for everyone, and per person who knows some
/// people's figures exactly (themselves, their reports), as the groups where theirs differ.
struct TableDecisions {
    version: Option<Vec<u8>>,
    tree: Vec<(OrgUnitId, Option<OrgUnitId>)>,
    parents: HashMap<OrgUnitId, Option<OrgUnitId>>,
    headcount: Vec<(Option<OrgUnitId>, JobLevel, u64)>,
    decisions: Decisions<SummaryGroup>,
    knowers: std::sync::Mutex<HashMap<EmployeeId, Arc<Knower>>>,
}

/// Where a person's decisions differ from everyone's.
struct Knower(BTreeMap<SummaryGroup, Decision>);

impl TableDecisions {
    /// People whose differences are held at once (then they are made again as asked).
    const KNOWERS: usize = 4096;

    /// The decisions for `person`, who knows themself and everyone below them exactly, so that
    /// subtracting those figures from released ones isolates no one
    /// (`domain::privacy::Decisions::knowing`).
    async fn for_person(self: &Arc<Self>, ctx: &Ctx, person: EmployeeId) -> ApiResult<Arc<Knower>> {
        if let Some(k) = self.knowers_lock().get(&person).cloned() {
            return Ok(k);
        }
        let known = ctx
            .directory
            .team_headcount_by_unit_and_level(person)
            .await?;
        let privacy = ctx.settings.privacy.clone();
        let table = Arc::clone(self);
        let knower = tokio::task::spawn_blocking(move || {
            let unknown = subtract(&table.headcount, &known);
            let mine = decide_summary_groups_knowing(
                &table.decisions,
                privacy.min_group_size,
                &privacy.level_bands,
                &table.parents,
                &unknown,
            );
            let differ = mine
                .iter()
                .filter(|(key, d)| table.decisions.get(key) != Some(*d))
                .map(|(key, d)| (*key, d))
                .collect();
            Arc::new(Knower(differ))
        })
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
        let mut knowers = self.knowers_lock();
        if knowers.len() >= Self::KNOWERS {
            knowers.clear();
        }
        knowers.insert(person, Arc::clone(&knower));
        Ok(knower)
    }

    fn knowers_lock(&self) -> std::sync::MutexGuard<'_, HashMap<EmployeeId, Arc<Knower>>> {
        self.knowers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// `headcount` without the people of `known` (both per unit and level).
fn subtract(
    headcount: &[(Option<OrgUnitId>, JobLevel, u64)],
    known: &[(Option<OrgUnitId>, JobLevel, u64)],
) -> Vec<(Option<OrgUnitId>, JobLevel, u64)> {
    let known: HashMap<_, _> = known.iter().map(|(u, l, n)| ((*u, *l), *n)).collect();
    headcount
        .iter()
        .map(|(u, l, n)| {
            (
                *u,
                *l,
                n.saturating_sub(known.get(&(*u, *l)).copied().unwrap_or(0)),
            )
        })
        .collect()
}

/// The privacy engine's decisions for the summaries' linked table, for the current directory
/// version and unit tree (in process; every instance decides the same from the same membership).
/// A people or unit write changes the version or the tree, and the next summary decides again.
#[derive(Default)]
pub struct GroupDecisions {
    current: std::sync::Mutex<Option<Arc<TableDecisions>>>,
    /// Held while deciding, so concurrent first requests wait for one decision.
    deciding: Arc<tokio::sync::Mutex<()>>,
}

impl GroupDecisions {
    fn current(&self) -> std::sync::MutexGuard<'_, Option<Arc<TableDecisions>>> {
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
