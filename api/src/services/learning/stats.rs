//! Dashboard counts of learning, computed in the database: enrolment states and completions per
//! course, and skills by the people learning them.
//!
//! Whose: a manager's team (exact, for the manager and admins), an org unit with the units
//! below it (exact, for those who see everyone's learning), or the organisation (exact for them;
//! for anyone else who may read learning aggregates, each count through the privacy engine,
//! `domain::learning::stats`). A period of completions is only for exact callers: differences
//! of periods would otherwise count a handful of people's completions.

use super::super::{ensure, page_size, Ctx};
use crate::error::{ApiError, ApiResult};
use learnwell_domain::access::{self, Relation};
use learnwell_domain::ids::{CourseId, EmployeeId, OrgUnitId, SkillId};
use learnwell_domain::learning::stats::{
    course_counts, minus_known, released_course_counts, released_skill_counts, skill_counts,
    CourseFigure, SkillAtom, SkillFigure, StateAtom,
};
use learnwell_domain::org::Period;
use learnwell_domain::privacy::Cell;
use learnwell_domain::FieldError;
use learnwell_persistence::learning::{self as store, People};
use std::collections::BTreeMap;

/// Whose learning a count covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsScope {
    Organisation,
    /// Everyone below this manager, at any depth.
    Team(EmployeeId),
    /// A unit and every unit below it.
    OrgUnit(OrgUnitId),
}

/// The people of `scope`, and whether the caller sees each of them (exact counts).
async fn people(ctx: &Ctx, scope: StatsScope) -> ApiResult<(People, bool)> {
    let p = &ctx.principal;
    let sees_all = access::can_see_learning(p, Relation::Other);
    Ok(match scope {
        StatsScope::Organisation => {
            ensure(sees_all || access::can_read_learning_aggregates(p))?;
            (People::Everyone, sees_all)
        }
        StatsScope::Team(m) => {
            ensure(access::can_see_team_learning(p, m))?;
            (People::ReportsOf(m), true)
        }
        StatsScope::OrgUnit(u) => {
            ensure(sees_all)?;
            let units = ctx.directory.unit_subtree(u).await?;
            (
                People::OrgUnits(units.iter().map(ToString::to_string).collect()),
                true,
            )
        }
    })
}

/// The people the caller knows one by one: themselves and their reports.
fn known_people(ctx: &Ctx) -> Vec<People> {
    ctx.principal
        .employee_id
        .map(|me| vec![People::Employee(me), People::ReportsOf(me)])
        .unwrap_or_default()
}

/// Enrolment counts of courses.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseStatsQuery {
    pub scope: StatsScope,
    /// These courses (default: every course with an enrolment in scope).
    pub courses: Option<Vec<CourseId>>,
    /// Also count completions in this period.
    pub completed_in: Option<Period>,
    pub first: Option<u64>,
}

/// One course's counts, each as the caller may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseStats {
    pub course_id: CourseId,
    pub counts: BTreeMap<CourseFigure, Cell<u64>>,
    pub completed_in_period: Option<Cell<u64>>,
}

impl CourseStats {
    /// The count of a figure (zero for a figure no enrolment has).
    pub fn figure(&self, f: CourseFigure) -> Cell<u64> {
        self.counts.get(&f).copied().unwrap_or(Cell::Value(0))
    }
}

/// The store's rows as atoms per course (rows are in course order), with completions in the
/// period per course.
fn course_atoms(rows: Vec<store::CourseStateCount>) -> BTreeMap<CourseId, (Vec<StateAtom>, u64)> {
    let mut out: BTreeMap<CourseId, (Vec<StateAtom>, u64)> = BTreeMap::new();
    for r in rows {
        let entry = out.entry(r.course_id).or_default();
        entry.0.push(StateAtom {
            status: r.status,
            overdue: r.overdue,
            count: r.count,
        });
        entry.1 += r.completed_in_period;
    }
    out
}

/// Enrolment states per course in the scope (most enrolments first): exact for a caller who
/// sees every learner, otherwise each count through the privacy engine.
#[tracing::instrument(skip_all, fields(scope = ?q.scope))]
pub async fn course_stats(ctx: &Ctx, q: CourseStatsQuery) -> ApiResult<Vec<CourseStats>> {
    let (people, exact) = people(ctx, q.scope).await?;
    if q.completed_in.is_some() && !exact {
        return Err(ApiError::InvalidQuery(FieldError::new(
            "completed_in",
            "completions by period are only for those who see each learner (their team, or \
             everyone's learning); the organisation's counts in aggregate cover all time",
        )));
    }
    let limit = usize::try_from(page_size(q.first)?).unwrap_or(usize::MAX);
    let today = ctx.now.date_naive();
    let span = q.completed_in.map(|p| (p.start(), p.end()));
    let courses = q.courses.as_deref();
    let rows = store::course_state_counts(&ctx.db, &people, courses, today, span).await?;
    let all = course_atoms(rows);
    let mut known = BTreeMap::<CourseId, Vec<StateAtom>>::new();
    if !exact {
        for who in known_people(ctx) {
            let rows = store::course_state_counts(&ctx.db, &who, courses, today, None).await?;
            for (course, (atoms, _)) in course_atoms(rows) {
                known.entry(course).or_default().extend(atoms);
            }
        }
    }
    let k = ctx.settings.privacy.min_group_size;
    let mut stats: Vec<CourseStats> = all
        .into_iter()
        .map(|(course_id, (atoms, in_period))| {
            let counts = if exact {
                course_counts(&atoms)
                    .into_iter()
                    .map(|(f, n)| (f, Cell::Value(n)))
                    .collect()
            } else {
                let mine = known.get(&course_id).map(Vec::as_slice).unwrap_or_default();
                released_course_counts(k, &atoms, &minus_known(&atoms, mine))
            };
            CourseStats {
                course_id,
                counts,
                completed_in_period: span.map(|_| Cell::Value(in_period)),
            }
        })
        .collect();
    // Most enrolments first, by what the caller sees (withheld totals last).
    stats.sort_by_key(|s| std::cmp::Reverse(s.figure(CourseFigure::Total).value().copied()));
    stats.truncate(limit);
    Ok(stats)
}

/// One skill's learners, each count as the caller may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct SkillStats {
    pub skill_id: SkillId,
    pub learning: Cell<u64>,
    pub completed: Cell<u64>,
}

fn skill_atoms(rows: Vec<store::SkillLearners>) -> BTreeMap<SkillId, Vec<SkillAtom>> {
    let mut out: BTreeMap<SkillId, Vec<SkillAtom>> = BTreeMap::new();
    for r in rows {
        out.entry(r.skill_id).or_default().push(SkillAtom {
            learning: r.learning,
            completed: r.completed,
            count: r.count,
        });
    }
    out
}

/// Skills by the people learning them (an open enrolment in a course that teaches the skill),
/// most learners first, with the people who completed one.
#[tracing::instrument(skip_all, fields(scope = ?scope))]
pub async fn skills_being_learnt(
    ctx: &Ctx,
    scope: StatsScope,
    first: Option<u64>,
) -> ApiResult<Vec<SkillStats>> {
    let (people, exact) = people(ctx, scope).await?;
    let limit = usize::try_from(page_size(first)?).unwrap_or(usize::MAX);
    let all = skill_atoms(store::skill_learners(&ctx.db, &people).await?);
    let mut known = BTreeMap::<SkillId, Vec<SkillAtom>>::new();
    if !exact {
        for who in known_people(ctx) {
            for (skill, atoms) in skill_atoms(store::skill_learners(&ctx.db, &who).await?) {
                known.entry(skill).or_default().extend(atoms);
            }
        }
    }
    let k = ctx.settings.privacy.min_group_size;
    let mut stats: Vec<SkillStats> = all
        .into_iter()
        .map(|(skill_id, atoms)| {
            let mut cells: BTreeMap<SkillFigure, Cell<u64>> = if exact {
                skill_counts(&atoms)
                    .into_iter()
                    .map(|(f, n)| (f, Cell::Value(n)))
                    .collect()
            } else {
                let mine = known.get(&skill_id).map(Vec::as_slice).unwrap_or_default();
                released_skill_counts(k, &atoms, &minus_known(&atoms, mine))
            };
            let mut take = |f| cells.remove(&f).unwrap_or(Cell::Value(0));
            SkillStats {
                skill_id,
                learning: take(SkillFigure::Learning),
                completed: take(SkillFigure::Completed),
            }
        })
        .collect();
    stats.sort_by_key(|s| std::cmp::Reverse(s.learning.value().copied()));
    stats.truncate(limit);
    Ok(stats)
}
