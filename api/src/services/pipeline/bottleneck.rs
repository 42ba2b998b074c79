//! The bottleneck report of the organisation, an org unit (with the units below it), a
//! programme or a cohort, with its findings.
//!
//! Who sees what: `hr_admin` and `ld_admin` every figure of every scope, the stagnant-leader
//! signal included; a programme's lead their programme and its cohorts, without that signal
//! and with day spreads of fewer than `k` values reduced to their count; a manager the units
//! they manage (and those below) in aggregate: the same reduction, and only when the privacy
//! engine releases the unit's group for them (`caller_decisions`, as the learning-time
//! summaries' groups), else the whole report is withheld with the engine's reason.

use crate::error::{ApiError, ApiResult};
use crate::services::learning_time::caller_decisions;
use crate::services::{ensure, Ctx};
use chrono::{Duration, NaiveDate};
use learnwell_domain::access::pipeline as rules;
use learnwell_domain::ids::{CohortId, EmployeeId, OrgUnitId, ProgrammeId};
use learnwell_domain::learning_time::{Place, SummaryGroup};
use learnwell_domain::org::JobLevel;
use learnwell_domain::pipeline::{
    findings, Attrition, BottleneckFacts, BottleneckFigures, Finding, IncumbentFact,
    MembershipFact, MembershipState, PositionFact, Rate, Readiness, ReadyNowFact,
};
use learnwell_domain::privacy::Cell;
use learnwell_persistence::pipeline::facts::{
    self, MembershipRow, PositionRow, ReadinessRow, WindowHeadcount,
};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Which part of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BottleneckScope {
    Organisation,
    /// The unit and every unit below it.
    OrgUnit(OrgUnitId),
    Programme(ProgrammeId),
    Cohort(CohortId),
}

/// The report: the scope's name, its figures (or why they are withheld) and the findings.
#[derive(Debug, Clone)]
pub struct BottleneckReport {
    pub scope: BottleneckScope,
    /// "the organisation", the unit's or programme's name, "cohort 2024 of Emerging Leaders".
    pub place: String,
    pub as_of: NaiveDate,
    pub figures: Cell<BottleneckFigures>,
    pub findings: Vec<Finding>,
}

/// Every fact of the pipeline, read once per report.
pub(super) struct AllFacts {
    pub memberships: Vec<MembershipRow>,
    pub positions: Vec<PositionRow>,
    pub readiness: Vec<ReadinessRow>,
    pub headcount: Arc<Vec<WindowHeadcount>>,
    pub slates: Vec<(learnwell_domain::ids::PositionId, EmployeeId)>,
}

/// The 12 months before `today`.
pub(super) fn year_before(today: NaiveDate) -> NaiveDate {
    today - Duration::days(365)
}

/// The headcount and leavers per unit and level over the year before a day, for one directory
/// version: the one fact that reads every employee, so it is read once per version and day (in
/// process; every instance reads the same from the same directory).
#[derive(Default)]
pub struct HeadcountCache {
    current: std::sync::Mutex<Option<HeadcountEntry>>,
}

type HeadcountEntry = (Option<Vec<u8>>, NaiveDate, Arc<Vec<WindowHeadcount>>);

impl HeadcountCache {
    fn get(
        &self,
        version: &Option<Vec<u8>>,
        today: NaiveDate,
    ) -> Option<Arc<Vec<WindowHeadcount>>> {
        let current = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        current
            .as_ref()
            .filter(|(v, d, _)| v == version && *d == today)
            .map(|(_, _, rows)| Arc::clone(rows))
    }
    fn put(&self, entry: HeadcountEntry) {
        *self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(entry);
    }
}

async fn headcount(ctx: &Ctx, today: NaiveDate) -> ApiResult<Arc<Vec<WindowHeadcount>>> {
    let version = ctx.directory.version().await?;
    if let Some(rows) = ctx.pipeline_headcount.get(&version, today) {
        return Ok(rows);
    }
    let rows = Arc::new(facts::headcount_window(&ctx.db, year_before(today), today).await?);
    ctx.pipeline_headcount
        .put((version, today, Arc::clone(&rows)));
    Ok(rows)
}

pub(super) async fn all_facts(ctx: &Ctx, today: NaiveDate) -> ApiResult<AllFacts> {
    let from = year_before(today);
    let db = &ctx.db;
    let (memberships, positions, readiness, headcount, slates) = futures_util::try_join!(
        async { Ok::<_, ApiError>(facts::memberships(db).await?) },
        async { Ok(facts::positions(db, from, today).await?) },
        async { Ok(facts::readiness(db).await?) },
        headcount(ctx, today),
        async { Ok(learnwell_persistence::pipeline::slates(db, None).await?) },
    )?;
    Ok(AllFacts {
        memberships,
        positions,
        readiness,
        headcount,
        slates,
    })
}

/// What a scope selects: units (`None`: all), a programme or cohort of memberships, and the
/// job levels of its positions (a programme's target levels).
#[derive(Default)]
struct Selection {
    units: Option<HashSet<OrgUnitId>>,
    programme: Option<ProgrammeId>,
    cohort: Option<CohortId>,
    levels: Option<(JobLevel, JobLevel)>,
}

impl Selection {
    fn unit(&self, u: Option<OrgUnitId>) -> bool {
        self.units
            .as_ref()
            .is_none_or(|s| u.is_some_and(|u| s.contains(&u)))
    }
    fn membership(&self, m: &MembershipRow) -> bool {
        self.programme.is_none_or(|p| m.programme_id == p)
            && self.cohort.is_none_or(|c| m.cohort_id == c)
            && self.unit(m.org_unit)
    }
    fn position(&self, p: &PositionRow) -> bool {
        self.unit(Some(p.org_unit)) && self.levels.is_none_or(|(a, b)| (a..=b).contains(&p.level))
    }
}

/// Each employed person whose latest readiness is ready now, with the first of their
/// consecutive ready-now assessments (rows come ordered by person, then date).
fn ready_now_since(rows: &[ReadinessRow]) -> HashMap<EmployeeId, (NaiveDate, Option<OrgUnitId>)> {
    let mut out = HashMap::new();
    for r in rows {
        if r.readiness == Readiness::ReadyNow {
            out.entry(r.employee_id)
                .or_insert((r.assessed_on, r.org_unit));
        } else {
            out.remove(&r.employee_id);
        }
    }
    out
}

fn attrition(
    all: &AllFacts,
    sel: &Selection,
    members: &[&MembershipRow],
    today: NaiveDate,
) -> Attrition {
    let from = year_before(today);
    let mut graduates = Rate::default();
    let mut levels = HashSet::new();
    let mut seen = HashSet::new();
    for m in members
        .iter()
        .filter(|m| m.state == MembershipState::Graduated)
    {
        if !seen.insert(m.employee_id) {
            continue;
        }
        levels.insert(m.level);
        let employed =
            m.hired_on.is_none_or(|h| h <= today) && m.terminated_on.is_none_or(|t| t >= from);
        graduates.people += u32::from(employed);
        graduates.left += u32::from(m.terminated_on.is_some_and(|t| t >= from && t <= today));
    }
    let (mut people, mut left) = (0u32, 0u32);
    let whole = sel.programme.is_some();
    for h in all
        .headcount
        .iter()
        .filter(|h| levels.contains(&h.level) && (whole || sel.unit(h.org_unit)))
    {
        people += h.people;
        left += h.left;
    }
    Attrition {
        graduates,
        others: Rate {
            people: people.saturating_sub(graduates.people),
            left: left.saturating_sub(graduates.left),
        },
    }
}

/// The facts of one selection.
fn scoped(all: &AllFacts, sel: &Selection, today: NaiveDate) -> BottleneckFacts {
    let incumbents: HashSet<EmployeeId> =
        all.positions.iter().filter_map(|p| p.incumbent).collect();
    let ready = ready_now_since(&all.readiness);
    let members: Vec<&MembershipRow> = all
        .memberships
        .iter()
        .filter(|m| sel.membership(m))
        .collect();
    let member_ids: HashSet<EmployeeId> = members.iter().map(|m| m.employee_id).collect();
    let with_successor: HashSet<_> = all
        .slates
        .iter()
        .filter(|(_, e)| ready.contains_key(e))
        .map(|(p, _)| *p)
        .collect();
    let by_members = sel.programme.is_some();
    BottleneckFacts {
        memberships: members
            .iter()
            .map(|m| MembershipFact {
                employee_id: m.employee_id,
                state: m.state,
                admitted: m.admitted,
                graduated_on: m.graduated_on,
                outcome: m.outcome,
                terminated: m.terminated_on.is_some(),
                holds_position: incumbents.contains(&m.employee_id),
            })
            .collect(),
        positions: all
            .positions
            .iter()
            .filter(|p| sel.position(p))
            .map(|p| PositionFact {
                incumbent: p.incumbent.map(|_| IncumbentFact {
                    since: p.incumbent_since.unwrap_or(today),
                    learned_in_12_months: p.learned_since,
                    overdue_assigned: p.overdue_assigned,
                }),
                created_for_growth: p.created_for_growth,
                ready_now_successor: with_successor.contains(&p.id),
            })
            .collect(),
        ready_now: ready
            .iter()
            .filter(|(e, (_, unit))| {
                if by_members {
                    member_ids.contains(e)
                } else {
                    sel.unit(*unit)
                }
            })
            .map(|(e, (since, _))| ReadyNowFact {
                since: *since,
                holds_position: incumbents.contains(e),
            })
            .collect(),
        attrition: attrition(all, sel, &members, today),
    }
}

/// The whole organisation's figures (the projection starts from them).
pub(super) fn organisation_figures(all: &AllFacts, today: NaiveDate) -> BottleneckFigures {
    BottleneckFigures::of(&scoped(all, &Selection::default(), today), today)
}

/// Does the caller manage `unit` or a unit above it?
async fn manages(ctx: &Ctx, unit: OrgUnitId) -> ApiResult<bool> {
    let Some(me) = ctx.principal.employee_id else {
        return Ok(false);
    };
    let parents = ctx.directory.unit_parent_map().await?;
    let mut chain = vec![unit];
    while let Some(Some(up)) = chain.last().and_then(|u| parents.get(u)) {
        if chain.contains(up) || chain.len() > 64 {
            break;
        }
        chain.push(*up);
    }
    let units = learnwell_persistence::org::get_org_units(&ctx.db, &chain).await?;
    Ok(units.iter().any(|u| u.manager_id == Some(me)))
}

/// How the caller may see a scope.
enum Sight {
    /// Every figure.
    Full,
    /// In aggregate, without the stagnant-leader signal.
    Aggregate,
    /// In aggregate, if the privacy engine releases this group.
    Released(SummaryGroup),
}

/// Authorize the scope and resolve what it selects and what it is called.
async fn resolve(ctx: &Ctx, scope: BottleneckScope) -> ApiResult<(Selection, String, Sight)> {
    let p = &ctx.principal;
    let admin = rules::can_read_whole_pipeline(p);
    let full_or = |other: Sight| if admin { Sight::Full } else { other };
    let programme = |id| async move {
        learnwell_persistence::pipeline::get_programme(&ctx.db, id)
            .await?
            .ok_or(ApiError::NotFound("programme"))
    };
    match scope {
        BottleneckScope::Organisation => {
            ensure(admin)?;
            Ok((Selection::default(), "the organisation".into(), Sight::Full))
        }
        BottleneckScope::OrgUnit(u) => {
            let unit = learnwell_persistence::org::get_org_units(&ctx.db, &[u])
                .await?
                .pop()
                .ok_or(ApiError::NotFound("org unit"))?;
            ensure(admin || rules::may_read_unit_pipeline(p, manages(ctx, u).await?))?;
            let units = ctx.directory.unit_subtree(u).await?.into_iter().collect();
            let sel = Selection {
                units: Some(units),
                ..Selection::default()
            };
            let group = SummaryGroup {
                place: Place::Subtree(u),
                levels: None,
            };
            Ok((sel, unit.name.to_string(), full_or(Sight::Released(group))))
        }
        BottleneckScope::Programme(id) => {
            let prog = programme(id).await?;
            ensure(rules::may_read_programme_pipeline(
                p,
                p.employee_id == Some(prog.lead_id),
            ))?;
            let sel = Selection {
                programme: Some(id),
                levels: Some(prog.target_levels),
                ..Selection::default()
            };
            Ok((sel, prog.name.to_string(), full_or(Sight::Aggregate)))
        }
        BottleneckScope::Cohort(id) => {
            let cohort = super::get_cohort(ctx, id).await?;
            let prog = programme(cohort.programme_id).await?;
            ensure(rules::may_read_programme_pipeline(
                p,
                p.employee_id == Some(prog.lead_id),
            ))?;
            let sel = Selection {
                programme: Some(prog.id),
                cohort: Some(id),
                levels: Some(prog.target_levels),
                ..Selection::default()
            };
            let name = format!("cohort {} of {}", cohort.name, prog.name);
            Ok((sel, name, full_or(Sight::Aggregate)))
        }
    }
}

#[tracing::instrument(skip_all, fields(scope = ?scope))]
pub async fn bottleneck(ctx: &Ctx, scope: BottleneckScope) -> ApiResult<BottleneckReport> {
    let (sel, place, sight) = resolve(ctx, scope).await?;
    let today = ctx.now.date_naive();
    let all = all_facts(ctx, today).await?;
    let figures = BottleneckFigures::of(&scoped(&all, &sel, today), today);
    let k = ctx.settings.privacy.min_group_size.get();
    let figures = match sight {
        Sight::Full => Cell::Value(figures),
        Sight::Aggregate => Cell::Value(figures.as_aggregate(k)),
        Sight::Released(group) => caller_decisions(ctx)
            .await?
            .cell(&group, figures.as_aggregate(k)),
    };
    let thresholds = &ctx.settings.pipeline.findings;
    let found = figures
        .value()
        .map(|f| findings(f, thresholds, &place))
        .unwrap_or_default();
    Ok(BottleneckReport {
        scope,
        place,
        as_of: today,
        figures,
        findings: found,
    })
}
