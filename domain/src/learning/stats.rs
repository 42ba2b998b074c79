//! Dashboard counts of learning: enrolment states per course and people per skill, and which of
//! those counts a caller who may not see the people one by one may have.
//!
//! Each course (each skill) is its own small family for the privacy engine: its figures are
//! counts of overlapping sets of its people (the total, each status, the overdue ones; people
//! learning a skill, people who completed it), counted in SQL as atoms (people with the same
//! memberships). The engine withholds every count of 1..k-1 people and every count from which
//! such a set could be recomputed (a course total beside all but one of its status counts). The
//! caller's own enrolments and their reports' are known to them, so the decision is made on the
//! people they do not know ([`crate::privacy::Decisions::knowing_atoms`]).
//!
//! Across courses the families are decided apart: two courses' counts are counts of different
//! enrolments, and no sum or difference of them is the count of one course's set. What is not
//! covered: two courses whose learners are nested (everyone in B is also in A) give `A - B`, the
//! number of A's learners who are not in B, without saying who they are.

use super::EnrollmentStatus;
use crate::privacy::{decide_atoms, Cell, Decisions, MinGroupSize};
use std::collections::BTreeMap;

/// One atom of a family: a count of people with the same memberships (its `kind`).
pub trait Atom: Copy {
    type Kind: PartialEq;
    fn kind(&self) -> Self::Kind;
    fn count(&self) -> u64;
    fn with_count(self, count: u64) -> Self;
}

/// `all` less the people the caller already knows of each kind (`known`), never below zero:
/// what the privacy engine decides on.
pub fn minus_known<A: Atom>(all: &[A], known: &[A]) -> Vec<A> {
    all.iter()
        .map(|a| {
            let k: u64 = known
                .iter()
                .filter(|b| b.kind() == a.kind())
                .map(Atom::count)
                .sum();
            a.with_count(a.count().saturating_sub(k))
        })
        .collect()
}

/// A count shown for a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CourseFigure {
    Total,
    Status(EnrollmentStatus),
    /// Open, past due, of people still employed.
    Overdue,
}

/// Enrolments of one course in one status, overdue or not: the atoms of the course's family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateAtom {
    pub status: EnrollmentStatus,
    pub overdue: bool,
    pub count: u64,
}

impl Atom for StateAtom {
    type Kind = (EnrollmentStatus, bool);
    fn kind(&self) -> Self::Kind {
        (self.status, self.overdue)
    }
    fn count(&self) -> u64 {
        self.count
    }
    fn with_count(self, count: u64) -> Self {
        Self { count, ..self }
    }
}

impl StateAtom {
    fn figures(self) -> Vec<CourseFigure> {
        let mut f = vec![CourseFigure::Total, CourseFigure::Status(self.status)];
        if self.overdue {
            f.push(CourseFigure::Overdue);
        }
        f
    }
}

/// Every figure of a course.
fn course_keys() -> Vec<CourseFigure> {
    let mut keys = vec![CourseFigure::Total, CourseFigure::Overdue];
    keys.extend(
        EnrollmentStatus::ALL
            .iter()
            .map(|s| CourseFigure::Status(*s)),
    );
    keys
}

/// A course's counts: each figure as the caller may see it.
pub type CourseCounts = BTreeMap<CourseFigure, Cell<u64>>;

/// The counts of one course from its atoms, exact.
pub fn course_counts(atoms: &[StateAtom]) -> BTreeMap<CourseFigure, u64> {
    let mut counts: BTreeMap<CourseFigure, u64> =
        course_keys().into_iter().map(|k| (k, 0)).collect();
    for a in atoms {
        for f in a.figures() {
            *counts.entry(f).or_default() += a.count;
        }
    }
    counts
}

/// The counts of one course for a caller who may not see its people one by one: `all` counts
/// everyone, `unknown` the people the caller does not know (not themselves, not their reports).
pub fn released_course_counts(
    k: MinGroupSize,
    all: &[StateAtom],
    unknown: &[StateAtom],
) -> CourseCounts {
    let atoms = |atoms: &[StateAtom]| -> Vec<(u64, Vec<CourseFigure>)> {
        atoms.iter().map(|a| (a.count, a.figures())).collect()
    };
    let everyone: Decisions<CourseFigure> = decide_atoms(k, course_keys(), atoms(all));
    let mine = everyone.knowing_atoms(k, course_keys(), atoms(unknown));
    mine.cells(course_counts(all))
}

/// A count shown for a skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkillFigure {
    /// People with an open enrolment in a course teaching it.
    Learning,
    /// People who completed a course teaching it.
    Completed,
}

/// People of a skill by what they do (`learning` and `completed` may both hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkillAtom {
    pub learning: bool,
    pub completed: bool,
    pub count: u64,
}

impl Atom for SkillAtom {
    type Kind = (bool, bool);
    fn kind(&self) -> Self::Kind {
        (self.learning, self.completed)
    }
    fn count(&self) -> u64 {
        self.count
    }
    fn with_count(self, count: u64) -> Self {
        Self { count, ..self }
    }
}

impl SkillAtom {
    fn figures(self) -> Vec<SkillFigure> {
        let mut f = Vec::new();
        if self.learning {
            f.push(SkillFigure::Learning);
        }
        if self.completed {
            f.push(SkillFigure::Completed);
        }
        f
    }
}

const SKILL_KEYS: [SkillFigure; 2] = [SkillFigure::Learning, SkillFigure::Completed];

/// The counts of one skill, exact.
pub fn skill_counts(atoms: &[SkillAtom]) -> BTreeMap<SkillFigure, u64> {
    let mut counts: BTreeMap<SkillFigure, u64> = SKILL_KEYS.into_iter().map(|k| (k, 0)).collect();
    for a in atoms {
        for f in a.figures() {
            *counts.entry(f).or_default() += a.count;
        }
    }
    counts
}

/// The counts of one skill for a caller who may not see its people one by one (see
/// [`released_course_counts`]).
pub fn released_skill_counts(
    k: MinGroupSize,
    all: &[SkillAtom],
    unknown: &[SkillAtom],
) -> BTreeMap<SkillFigure, Cell<u64>> {
    let atoms = |atoms: &[SkillAtom]| -> Vec<(u64, Vec<SkillFigure>)> {
        atoms.iter().map(|a| (a.count, a.figures())).collect()
    };
    let everyone = decide_atoms(k, SKILL_KEYS, atoms(all));
    let mine = everyone.knowing_atoms(k, SKILL_KEYS, atoms(unknown));
    mine.cells(skill_counts(all))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::SuppressionReason;
    use EnrollmentStatus::{Completed, Enrolled, InProgress, Withdrawn};

    fn atom(status: EnrollmentStatus, overdue: bool, count: u64) -> StateAtom {
        StateAtom {
            status,
            overdue,
            count,
        }
    }

    fn k5() -> MinGroupSize {
        MinGroupSize::new(5).unwrap()
    }

    #[test]
    fn counts_add_up_per_figure() {
        let atoms = [
            atom(Enrolled, false, 3),
            atom(Enrolled, true, 2),
            atom(Completed, false, 7),
        ];
        let c = course_counts(&atoms);
        assert_eq!(c[&CourseFigure::Total], 12);
        assert_eq!(c[&CourseFigure::Status(Enrolled)], 5);
        assert_eq!(c[&CourseFigure::Overdue], 2);
        assert_eq!(c[&CourseFigure::Status(Withdrawn)], 0);
    }

    #[test]
    fn a_small_status_is_withheld_and_so_is_what_would_recompute_it() {
        // 10 completed, 2 in progress: the 2 are withheld, and so is something that would give
        // them back as total minus completed.
        let atoms = [atom(Completed, false, 10), atom(InProgress, false, 2)];
        let c = released_course_counts(k5(), &atoms, &atoms);
        assert_eq!(
            c[&CourseFigure::Status(InProgress)],
            Cell::Suppressed(SuppressionReason::BelowMinimum)
        );
        let total = c[&CourseFigure::Total].value().copied();
        let completed = c[&CourseFigure::Status(Completed)].value().copied();
        assert!(total.is_none() || completed.is_none(), "{c:?}");
        // Empty figures reveal nothing and are shown.
        assert_eq!(c[&CourseFigure::Status(Withdrawn)], Cell::Value(0));
    }

    #[test]
    fn what_the_caller_knows_is_not_counted_as_protection() {
        // Five completed, the caller among them: the other four would be a group of four.
        let all = [atom(Completed, false, 5), atom(Enrolled, false, 6)];
        let unknown = [atom(Completed, false, 4), atom(Enrolled, false, 6)];
        let stranger = released_course_counts(k5(), &all, &all);
        assert_eq!(stranger[&CourseFigure::Status(Completed)], Cell::Value(5));
        let insider = released_course_counts(k5(), &all, &unknown);
        assert!(insider[&CourseFigure::Status(Completed)].value().is_none());
    }

    #[test]
    fn skill_learners_overlap_and_are_protected_alike() {
        let atoms = [
            SkillAtom {
                learning: true,
                completed: false,
                count: 6,
            },
            SkillAtom {
                learning: true,
                completed: true,
                count: 1,
            },
            SkillAtom {
                learning: false,
                completed: true,
                count: 5,
            },
        ];
        let exact = skill_counts(&atoms);
        assert_eq!(exact[&SkillFigure::Learning], 7);
        assert_eq!(exact[&SkillFigure::Completed], 6);
        let c = released_skill_counts(k5(), &atoms, &atoms);
        // Both shown, each of 6-7 people, and no difference of them is a set.
        assert_eq!(c[&SkillFigure::Learning], Cell::Value(7));
        assert_eq!(c[&SkillFigure::Completed], Cell::Value(6));
    }
}
