//! The bottleneck figures of one scope (the organisation, an org unit, a programme, a cohort),
//! from facts the service loads in a few set-based queries. Pure: today is a parameter.
//!
//! Percentiles are nearest-rank (`p`-th of `n` sorted values: the `ceil(p·n)`-th), in whole
//! days; a spread of no values has none.

use super::membership::{MembershipState, Outcome};
use crate::ids::EmployeeId;
use chrono::NaiveDate;

/// One membership in scope, with what the HRIS and the positions say of its person.
#[derive(Debug, Clone, PartialEq)]
pub struct MembershipFact {
    pub employee_id: EmployeeId,
    pub state: MembershipState,
    pub admitted: bool,
    pub graduated_on: Option<NaiveDate>,
    pub outcome: Option<(Outcome, NaiveDate)>,
    /// The person is terminated in the HRIS.
    pub terminated: bool,
    /// The person holds a leadership position now.
    pub holds_position: bool,
}

impl MembershipFact {
    /// A graduate without an outcome who is still employed and holds no leadership position.
    pub fn is_waiting(&self) -> bool {
        self.state == MembershipState::Graduated
            && self.outcome.is_none()
            && !self.terminated
            && !self.holds_position
    }
}

/// An incumbent's signals of the last 12 months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncumbentFact {
    pub since: NaiveDate,
    /// At least one learning record completed in the 12 months before today.
    pub learned_in_12_months: bool,
    /// Assigned development past its due date and not completed.
    pub overdue_assigned: bool,
}

/// One leadership position in scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionFact {
    pub incumbent: Option<IncumbentFact>,
    pub created_for_growth: bool,
    /// Its succession slate names someone whose latest readiness is `ready_now`.
    pub ready_now_successor: bool,
}

/// A person whose latest readiness is `ready_now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadyNowFact {
    /// The first of their consecutive `ready_now` assessments up to the latest.
    pub since: NaiveDate,
    pub holds_position: bool,
}

/// Headcount and leavers of a group over the 12 months before today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rate {
    /// Employed at some time in the window.
    pub people: u32,
    /// Terminated in the window.
    pub left: u32,
}

impl Rate {
    pub fn rate(&self) -> Option<f64> {
        (self.people > 0).then(|| f64::from(self.left) / f64::from(self.people))
    }
}

/// Graduates' attrition against non-graduates of the same job levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Attrition {
    pub graduates: Rate,
    pub others: Rate,
}

/// Everything the figures of one scope are computed from.
#[derive(Debug, Clone, Default)]
pub struct BottleneckFacts {
    pub memberships: Vec<MembershipFact>,
    pub positions: Vec<PositionFact>,
    pub ready_now: Vec<ReadyNowFact>,
    pub attrition: Attrition,
}

/// A distribution of whole days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spread {
    pub count: u32,
    pub median: Option<u32>,
    pub p90: Option<u32>,
    pub max: Option<u32>,
}

impl Spread {
    pub fn of(mut days: Vec<u32>) -> Self {
        days.sort_unstable();
        let rank = |p: f64| {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss,
                reason = "ranks of at most millions of values"
            )]
            let r = (p * days.len() as f64).ceil() as usize;
            days.get(r.max(1) - 1).copied()
        };
        Self {
            count: u32::try_from(days.len()).unwrap_or(u32::MAX),
            median: rank(0.5),
            p90: rank(0.9),
            max: days.last().copied(),
        }
    }

    /// The same count without the values (shown to callers for whom fewer than `k` values could
    /// single a person out).
    #[must_use]
    pub fn count_only(self) -> Self {
        Self {
            count: self.count,
            ..Self::default()
        }
    }
}

/// The cohort funnel: admitted -> graduated -> placed / role grown / alumni / lost (and those
/// still waiting or withdrawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Funnel {
    pub nominated: u32,
    pub admitted: u32,
    pub withdrawn: u32,
    pub graduated: u32,
    pub placed: u32,
    pub role_grown: u32,
    pub alumni: u32,
    pub lost: u32,
    pub waiting: u32,
}

/// The stagnant-leader signal: incumbents with no learning records in 12 months and with
/// assigned development they did not complete. Shown only to `hr_admin` and `ld_admin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stagnation {
    pub incumbents: u32,
    pub without_learning: u32,
    pub overdue_assigned: u32,
    /// Both at once.
    pub without_learning_and_overdue: u32,
}

/// The bottleneck of one scope.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BottleneckFigures {
    pub positions: u32,
    pub open_positions: u32,
    pub graduates_waiting: u32,
    /// Graduates waiting per open position (`None` with no open position).
    pub waiting_per_open_position: Option<f64>,
    /// How long the waiting graduates have waited so far.
    pub waiting_days: Spread,
    /// Days from graduation to placement, of graduates placed (or placed into a grown role).
    pub days_to_placement: Spread,
    pub ready_now_without_role: u32,
    /// How long the ready-now people without a role have been ready.
    pub ready_now_waiting_days: Spread,
    pub incumbents: u32,
    pub incumbent_days_in_role: Spread,
    /// `None` when withheld from the caller.
    pub stagnation: Option<Stagnation>,
    pub positions_created_for_growth: u32,
    pub funnel: Funnel,
    pub positions_with_ready_now_successor: u32,
    /// Share of positions with a ready-now successor (`None` without positions).
    pub bench_strength: Option<f64>,
    pub attrition: Attrition,
}

fn days(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days()).unwrap_or(0)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl BottleneckFigures {
    pub fn of(facts: &BottleneckFacts, today: NaiveDate) -> Self {
        let m = &facts.memberships;
        let waiting: Vec<&MembershipFact> = m.iter().filter(|f| f.is_waiting()).collect();
        let outcome = |o: Outcome| {
            count(
                m.iter()
                    .filter(|f| f.outcome.is_some_and(|(x, _)| x == o))
                    .count(),
            )
        };
        let funnel = Funnel {
            nominated: count(m.len()),
            admitted: count(m.iter().filter(|f| f.admitted).count()),
            withdrawn: count(
                m.iter()
                    .filter(|f| f.state == MembershipState::Withdrawn)
                    .count(),
            ),
            graduated: count(
                m.iter()
                    .filter(|f| f.state == MembershipState::Graduated)
                    .count(),
            ),
            placed: outcome(Outcome::Placed),
            role_grown: outcome(Outcome::RoleGrown),
            alumni: outcome(Outcome::Alumni),
            lost: outcome(Outcome::Lost),
            waiting: count(waiting.len()),
        };
        let placement_days = m
            .iter()
            .filter_map(|f| match (f.graduated_on, f.outcome) {
                (Some(g), Some((Outcome::Placed | Outcome::RoleGrown, on))) => Some(days(g, on)),
                _ => None,
            })
            .collect();
        let p = &facts.positions;
        let open = count(p.iter().filter(|x| x.incumbent.is_none()).count());
        let incumbents: Vec<IncumbentFact> = p.iter().filter_map(|x| x.incumbent).collect();
        let stagnation = Stagnation {
            incumbents: count(incumbents.len()),
            without_learning: count(
                incumbents
                    .iter()
                    .filter(|i| !i.learned_in_12_months)
                    .count(),
            ),
            overdue_assigned: count(incumbents.iter().filter(|i| i.overdue_assigned).count()),
            without_learning_and_overdue: count(
                incumbents
                    .iter()
                    .filter(|i| !i.learned_in_12_months && i.overdue_assigned)
                    .count(),
            ),
        };
        let ready: Vec<&ReadyNowFact> = facts
            .ready_now
            .iter()
            .filter(|r| !r.holds_position)
            .collect();
        let with_successor = count(p.iter().filter(|x| x.ready_now_successor).count());
        Self {
            positions: count(p.len()),
            open_positions: open,
            graduates_waiting: funnel.waiting,
            waiting_per_open_position: (open > 0)
                .then(|| f64::from(funnel.waiting) / f64::from(open)),
            waiting_days: Spread::of(
                waiting
                    .iter()
                    .filter_map(|f| f.graduated_on.map(|g| days(g, today)))
                    .collect(),
            ),
            days_to_placement: Spread::of(placement_days),
            ready_now_without_role: count(ready.len()),
            ready_now_waiting_days: Spread::of(
                ready.iter().map(|r| days(r.since, today)).collect(),
            ),
            incumbents: stagnation.incumbents,
            incumbent_days_in_role: Spread::of(
                incumbents.iter().map(|i| days(i.since, today)).collect(),
            ),
            stagnation: Some(stagnation),
            positions_created_for_growth: count(p.iter().filter(|x| x.created_for_growth).count()),
            funnel,
            positions_with_ready_now_successor: with_successor,
            bench_strength: (!p.is_empty())
                .then(|| f64::from(with_successor) / f64::from(count(p.len()))),
            attrition: facts.attrition,
        }
    }

    /// The figures as an aggregate for a caller who may not see the people one by one (a
    /// manager, for a unit the privacy engine releases): no stagnant-leader signal, and no
    /// day spread of fewer than `k` values (a median of two waits is nearly each one's).
    #[must_use]
    pub fn as_aggregate(self, k: u32) -> Self {
        let coarse = |s: Spread| if s.count < k { s.count_only() } else { s };
        Self {
            stagnation: None,
            waiting_days: coarse(self.waiting_days),
            days_to_placement: coarse(self.days_to_placement),
            ready_now_waiting_days: coarse(self.ready_now_waiting_days),
            incumbent_days_in_role: coarse(self.incumbent_days_in_role),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn member(state: MembershipState, graduated: Option<NaiveDate>) -> MembershipFact {
        MembershipFact {
            employee_id: EmployeeId::from_uuid(uuid::Uuid::now_v7()),
            state,
            admitted: state != MembershipState::Nominated,
            graduated_on: graduated,
            outcome: None,
            terminated: false,
            holds_position: false,
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        let s = Spread::of(vec![10, 30, 20, 40]);
        assert_eq!(
            (s.count, s.median, s.p90, s.max),
            (4, Some(20), Some(40), Some(40))
        );
        let s = Spread::of((1..=10).collect());
        assert_eq!((s.median, s.p90), (Some(5), Some(9)));
        assert_eq!(Spread::of(vec![]), Spread::default());
        assert_eq!(Spread::of(vec![7]).median, Some(7));
    }

    #[test]
    fn the_worked_example_of_docs_pipeline() {
        // docs/PIPELINE.md, "Worked example": 4 graduates (2 waiting, 1 placed after 120 days,
        // 1 lost), 1 withdrawn, 1 nominated; 3 positions, 1 open, 1 grown; 1 ready-now person
        // without a role since 2026-01-01; incumbents in role since 2020-06-01 and 2025-06-01.
        let today = day(2026, 6, 1);
        let g = Some(day(2025, 6, 1));
        let mut placed = member(MembershipState::Graduated, g);
        placed.outcome = Some((Outcome::Placed, day(2025, 9, 29)));
        let mut lost = member(MembershipState::Graduated, g);
        lost.outcome = Some((Outcome::Lost, day(2026, 1, 15)));
        lost.terminated = true;
        let facts = BottleneckFacts {
            memberships: vec![
                member(MembershipState::Graduated, g),
                member(MembershipState::Graduated, Some(day(2026, 3, 1))),
                placed,
                lost,
                member(MembershipState::Withdrawn, None),
                member(MembershipState::Nominated, None),
            ],
            positions: vec![
                PositionFact {
                    incumbent: None,
                    created_for_growth: true,
                    ready_now_successor: false,
                },
                PositionFact {
                    incumbent: Some(IncumbentFact {
                        since: day(2020, 6, 1),
                        learned_in_12_months: false,
                        overdue_assigned: true,
                    }),
                    created_for_growth: false,
                    ready_now_successor: true,
                },
                PositionFact {
                    incumbent: Some(IncumbentFact {
                        since: day(2025, 6, 1),
                        learned_in_12_months: true,
                        overdue_assigned: false,
                    }),
                    created_for_growth: false,
                    ready_now_successor: false,
                },
            ],
            ready_now: vec![
                ReadyNowFact {
                    since: day(2026, 1, 1),
                    holds_position: false,
                },
                ReadyNowFact {
                    since: day(2025, 1, 1),
                    holds_position: true,
                },
            ],
            attrition: Attrition {
                graduates: Rate { people: 4, left: 1 },
                others: Rate {
                    people: 40,
                    left: 2,
                },
            },
        };
        let f = BottleneckFigures::of(&facts, today);
        assert_eq!(
            (f.positions, f.open_positions, f.graduates_waiting),
            (3, 1, 2)
        );
        assert_eq!(f.waiting_per_open_position, Some(2.0));
        assert_eq!(
            (f.waiting_days.median, f.waiting_days.max),
            (Some(92), Some(365))
        );
        assert_eq!(f.days_to_placement.median, Some(120));
        assert_eq!(
            (f.ready_now_without_role, f.ready_now_waiting_days.max),
            (1, Some(151))
        );
        assert_eq!(f.incumbent_days_in_role.max, Some(2191));
        let s = f.stagnation.unwrap();
        assert_eq!(
            (
                s.incumbents,
                s.without_learning,
                s.overdue_assigned,
                s.without_learning_and_overdue
            ),
            (2, 1, 1, 1)
        );
        assert_eq!(f.positions_created_for_growth, 1);
        assert_eq!(
            f.funnel,
            Funnel {
                nominated: 6,
                admitted: 5,
                withdrawn: 1,
                graduated: 4,
                placed: 1,
                role_grown: 0,
                alumni: 0,
                lost: 1,
                waiting: 2,
            }
        );
        assert_eq!(f.bench_strength, Some(1.0 / 3.0));
        assert_eq!(f.attrition.graduates.rate(), Some(0.25));
        assert_eq!(f.attrition.others.rate(), Some(0.05));
        let a = f.as_aggregate(5);
        assert_eq!(a.stagnation, None);
        assert_eq!(
            a.waiting_days,
            Spread {
                count: 2,
                ..Spread::default()
            }
        );
        assert_eq!(a.graduates_waiting, 2);
    }

    proptest! {
        #[test]
        fn percentiles_are_values_in_order(v in proptest::collection::vec(0u32..5000, 1..200)) {
            let s = Spread::of(v.clone());
            let (m, p, x) = (s.median.unwrap(), s.p90.unwrap(), s.max.unwrap());
            prop_assert!(m <= p && p <= x);
            prop_assert!(v.contains(&m) && v.contains(&p));
            prop_assert_eq!(x, *v.iter().max().unwrap());
        }
    }
}
