//! Summary arithmetic over learning-time totals (one person or a group, one period).

use super::allocation::{allocation_minutes, carry_in};
use super::entry::EntryCategory;
use super::policy::{precedence, resolve, unit_chain, Policy, PolicyPeriod};
use crate::ids::{EmployeeId, OrgUnitId};
use crate::org::{ContractedHours, EmploymentDates, JobLevel, Period};
use std::collections::{BTreeMap, HashMap};
use std::ops::AddAssign;

/// Minutes used by one person in a period, split the ways a summary reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    pub in_work: u64,
    pub outside_work: u64,
    pub by_category: Vec<(EntryCategory, u64)>,
}

/// What a summary needs of one person: what decides their allocation, their usage in the period
/// and their minutes used in work time in the period before (for carry-over).
#[derive(Debug, Clone, PartialEq)]
pub struct PersonUsage {
    pub id: EmployeeId,
    pub org_unit_id: Option<OrgUnitId>,
    pub job_level: JobLevel,
    pub contracted_hours: ContractedHours,
    pub dates: EmploymentDates,
    pub used: Usage,
    pub used_before_in_work: u64,
}

/// The totals of a group in one period, and each person's.
#[derive(Debug, Clone, PartialEq)]
pub struct Summarised {
    pub totals: Totals,
    /// Each person's totals, in id order.
    pub people: Vec<(EmployeeId, Totals)>,
}

/// Sum the learning time of `people` in `period` (of kind `kind`) under `policies`, with each
/// org unit's parent in `parents`. Allocation depends only on which policies can apply to
/// someone and in what order of precedence (from where they sit and their level), their hours,
/// and their dates as seen from this period and the one before, so people who share all of
/// those share one computation (under one organisation-wide policy: one per kind of contract
/// and dates, whatever the units and levels).
pub fn summarise(
    policies: &[Policy],
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    period: &Period,
    kind: PolicyPeriod,
    people: &[PersonUsage],
) -> Summarised {
    let previous = kind.previous(period);
    let span = Period::spanning(previous.start(), period.end());
    let mut precedences = HashMap::new();
    let mut allocations = HashMap::new();
    let mut totals = Totals::default();
    let mut each = Vec::with_capacity(people.len());
    for e in people {
        let dates = e.dates.within(&span);
        let chain_of = || unit_chain(e.org_unit_id, parents);
        let level = Some(e.job_level);
        let order = precedences
            .entry((e.org_unit_id, e.job_level))
            .or_insert_with(|| precedence(policies, &chain_of(), level))
            .clone();
        let key = (order, e.contracted_hours, dates);
        let (allocated, previous_allocated, cap) = *allocations.entry(key).or_insert_with(|| {
            let chain = chain_of();
            let alloc = |per: &Period| {
                allocation_minutes(policies, &chain, level, e.contracted_hours, &dates, per)
            };
            let cap = resolve(policies, &chain, level, period.start())
                .map_or(0, |p| p.carry_over_cap_minutes);
            (alloc(period), alloc(&previous), cap)
        });
        let used_before = u32::try_from(e.used_before_in_work).unwrap_or(u32::MAX);
        let person = Totals::of_person(
            allocated,
            carry_in(previous_allocated, used_before, cap),
            &e.used,
        );
        totals += &person;
        each.push((e.id, person));
    }
    each.sort_unstable_by_key(|(id, _)| *id);
    Summarised {
        totals,
        people: each,
    }
}

/// Learning-time totals in minutes, for one person or summed over `people`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub allocated: u64,
    pub carried_in: u64,
    /// Minutes logged in working time.
    pub used_in_work: u64,
    /// Minutes logged outside working time ("learning on top").
    pub used_outside_work: u64,
    /// Minutes logged as exploratory, in or outside working time.
    pub exploratory: u64,
    /// Minutes logged per category, in or outside working time.
    pub by_category: BTreeMap<EntryCategory, u64>,
    pub people: u32,
}

impl Totals {
    /// One person's totals: their allocation, what carried in, and what they used.
    pub fn of_person(allocated: u32, carried_in: u32, used: &Usage) -> Self {
        let mut t = Totals {
            allocated: u64::from(allocated),
            carried_in: u64::from(carried_in),
            used_in_work: used.in_work,
            used_outside_work: used.outside_work,
            people: 1,
            ..Totals::default()
        };
        for (c, m) in &used.by_category {
            *t.by_category.entry(*c).or_default() += m;
            if *c == EntryCategory::Exploratory {
                t.exploratory += m;
            }
        }
        t
    }

    /// Minutes still available in working time: allocated + carried in − used in work (at least 0).
    pub fn remaining(&self) -> u64 {
        self.allocated
            .saturating_add(self.carried_in)
            .saturating_sub(self.used_in_work)
    }

    /// Had protected learning time and used none of it in working time (what a manager follows
    /// up on: the time exists but the work leaves no room for it).
    pub fn used_none_of_allocation(&self) -> bool {
        self.allocated.saturating_add(self.carried_in) > 0 && self.used_in_work == 0
    }

    /// Minutes used in working time ÷ minutes available (allocated + carried in); `None` when
    /// nothing was available. Above 1.0 when more was used than granted.
    pub fn utilisation(&self) -> Option<f64> {
        ratio(
            self.used_in_work,
            self.allocated.saturating_add(self.carried_in),
        )
    }

    /// The share of learning done outside working time; `None` when nothing was logged.
    pub fn on_top_share(&self) -> Option<f64> {
        ratio(self.used_outside_work, self.used())
    }

    /// The share of learning that was exploratory; `None` when nothing was logged.
    pub fn exploratory_share(&self) -> Option<f64> {
        ratio(self.exploratory, self.used())
    }

    /// All minutes logged, in and outside working time.
    fn used(&self) -> u64 {
        self.used_in_work.saturating_add(self.used_outside_work)
    }
}

impl AddAssign<&Totals> for Totals {
    /// Add another person's or group's totals (people counted once each).
    fn add_assign(&mut self, other: &Totals) {
        self.allocated += other.allocated;
        self.carried_in += other.carried_in;
        self.used_in_work += other.used_in_work;
        self.used_outside_work += other.used_outside_work;
        self.exploratory += other.exploratory;
        for (c, m) in &other.by_category {
            *self.by_category.entry(*c).or_default() += m;
        }
        self.people += other.people;
    }
}

/// `part / whole`, or `None` when `whole` is 0.
fn ratio(part: u64, whole: u64) -> Option<f64> {
    if whole == 0 {
        return None;
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "minute totals are far below 2^52"
    )]
    let share = part as f64 / whole as f64;
    Some(share)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn totals() -> Totals {
        Totals {
            allocated: 960,
            carried_in: 240,
            used_in_work: 900,
            used_outside_work: 300,
            exploratory: 400,
            by_category: BTreeMap::from([
                (EntryCategory::Exploratory, 400),
                (EntryCategory::RoleRelated, 800),
            ]),
            people: 2,
        }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn remaining_is_what_is_left_of_allocation_and_carry() {
        assert_eq!(totals().remaining(), 300);
        let over = Totals {
            used_in_work: 5000,
            ..totals()
        };
        assert_eq!(over.remaining(), 0);
    }

    #[test]
    fn utilisation_counts_only_working_time() {
        assert!(close(totals().utilisation(), 0.75));
        assert_eq!(Totals::default().utilisation(), None);
    }

    #[test]
    fn on_top_share_is_outside_over_all_used() {
        assert!(close(totals().on_top_share(), 0.25));
        assert_eq!(Totals::default().on_top_share(), None);
    }

    #[test]
    fn exploratory_share_is_over_all_used() {
        assert!(close(totals().exploratory_share(), 400.0 / 1200.0));
        assert_eq!(Totals::default().exploratory_share(), None);
    }

    fn person(n: u128, in_work: u64, outside: u64, exploratory: u64) -> PersonUsage {
        PersonUsage {
            id: EmployeeId::from_uuid(uuid::Uuid::from_u128(n)),
            org_unit_id: None,
            job_level: JobLevel::new(3).unwrap(),
            contracted_hours: ContractedHours::FORTY_HOURS,
            dates: EmploymentDates::default(),
            used: Usage {
                in_work,
                outside_work: outside,
                by_category: vec![
                    (EntryCategory::Exploratory, exploratory),
                    (EntryCategory::RoleRelated, in_work + outside - exploratory),
                ],
            },
            used_before_in_work: 0,
        }
    }

    fn ten_percent() -> Vec<Policy> {
        use super::super::policy::tests::{d, policy};
        vec![Policy {
            carry_over_cap_minutes: 120,
            ..policy(1, 10.0, PolicyPeriod::Month, d(2020, 1, 1))
        }]
    }

    fn april() -> Period {
        PolicyPeriod::Month.containing(chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap())
    }

    #[test]
    fn a_group_is_the_sum_of_its_people_with_carry_over_capped() {
        let people = [person(2, 300, 60, 100), person(1, 0, 0, 0)];
        let s = summarise(
            &ten_percent(),
            &HashMap::new(),
            &april(),
            PolicyPeriod::Month,
            &people,
        );
        // 40 h x 10% = 240 minutes a week; April has 30 days: 240 x 30 / 7 = 1029.
        let one = &s.people[0].1;
        assert_eq!((one.allocated, one.carried_in, one.people), (1029, 120, 1));
        assert_eq!(s.people[0].0, people[1].id, "people are in id order");
        assert_eq!(s.totals.allocated, 2058);
        assert_eq!(s.totals.carried_in, 240);
        assert_eq!(
            (s.totals.used_in_work, s.totals.used_outside_work),
            (300, 60)
        );
        assert_eq!(s.totals.exploratory, 100);
        assert_eq!(s.totals.by_category[&EntryCategory::RoleRelated], 260);
        assert_eq!(s.totals.people, 2);
    }

    proptest! {
        #[test]
        fn totals_by_category_sum_to_the_total_and_the_group_to_its_people(
            usage in proptest::collection::vec((0u64..5000, 0u64..5000, 0u64..=100, 0u64..20_000), 0..12),
            hired in proptest::collection::vec(proptest::option::of(0u64..200), 12),
        ) {
            let people: Vec<PersonUsage> = usage
                .iter()
                .enumerate()
                .map(|(i, (inside, outside, explore, before))| {
                    let mut p = person(i as u128, *inside, *outside, (inside + outside) * explore / 100);
                    p.used_before_in_work = *before;
                    p.dates.hire_date = hired[i].map(|n| april().start() - chrono::Days::new(40) + chrono::Days::new(n));
                    p
                })
                .collect();
            let policies = ten_percent();
            let s = summarise(&policies, &HashMap::new(), &april(), PolicyPeriod::Month, &people);
            let t = &s.totals;
            let by_category: u64 = t.by_category.values().sum();
            prop_assert_eq!(by_category, t.used_in_work + t.used_outside_work);
            prop_assert_eq!(t.exploratory, t.by_category.get(&EntryCategory::Exploratory).copied().unwrap_or(0));
            let mut sum = Totals::default();
            for (_, p) in &s.people {
                sum += p;
                prop_assert!(p.carried_in <= 120);
                prop_assert!(p.remaining() <= p.allocated + p.carried_in);
            }
            prop_assert_eq!(&sum, t);
            prop_assert_eq!(t.people as usize, people.len());
            // Shared computations give what computing each person alone gives.
            for p in &people {
                let alone = allocation_minutes(&policies, &[], Some(p.job_level), p.contracted_hours, &p.dates, &april());
                let got = s.people.iter().find(|(id, _)| *id == p.id).map(|(_, t)| t.allocated);
                prop_assert_eq!(got, Some(u64::from(alone)));
            }
        }

        #[test]
        fn shares_are_between_zero_and_one(
            inside in 0u64..1_000_000, outside in 0u64..1_000_000, explore in 0u64..=100,
        ) {
            let used = inside + outside;
            let t = Totals {
                used_in_work: inside,
                used_outside_work: outside,
                exploratory: used * explore / 100,
                ..Totals::default()
            };
            for share in [t.on_top_share(), t.exploratory_share()].into_iter().flatten() {
                prop_assert!((0.0..=1.0).contains(&share));
            }
            prop_assert_eq!(t.on_top_share().is_none(), used == 0);
        }
    }
}
