//! Allocation: the learning minutes an employee is granted in a period, and what carries over.
//!
//! Allocation is computed day by day. Each day is worth a share of the grant of the policy in
//! effect that day, so a policy change applies from its date and never rewrites past periods, and
//! hire, leave and termination prorate the allocation without any special case.

use super::policy::{resolve, GrantKind, Policy};
use crate::ids::OrgUnitId;
use crate::org::{ContractedHours, EmploymentDates, JobLevel, Period};
use chrono::NaiveDate;

/// The learning minutes one day of `policy_period` is worth under `policy` (unrounded).
///
/// `policy_period` is the policy's own period (week, month or quarter) containing the day.
/// - share of contracted: contracted hours per week × 60 × share ÷ 7;
/// - fixed minutes: minutes per period ÷ days in the period, scaled by contracted ÷ full-time
///   hours for part-timers (never scaled up for people contracted above full time).
pub fn daily_minutes(policy: &Policy, contracted: ContractedHours, policy_period: &Period) -> f64 {
    match policy.grant.kind() {
        GrantKind::ShareOfContracted { basis_points } => {
            contracted.hours() * 60.0 * f64::from(basis_points) / 10_000.0 / 7.0
        }
        GrantKind::FixedMinutes { minutes_per_period } => {
            let scale = (contracted.hours() / policy.full_time_hours.hours()).min(1.0);
            #[expect(clippy::cast_precision_loss, reason = "day counts are far below 2^52")]
            let days = policy_period.days() as f64;
            f64::from(minutes_per_period) / days * scale
        }
    }
}

/// The learning minutes granted to one employee in `period` (any range of days), rounded once.
///
/// The sum, over the days of `period` on which the employee is employed (hire date <= day <=
/// termination date) and not on leave (leave start <= day <= leave end; no end = still on leave),
/// of [`daily_minutes`] under the policy [`resolve`]d for that day, within that policy's own
/// period containing the day. So asking for a quarter under a monthly policy sums three months.
pub fn allocation_minutes(
    policies: &[Policy],
    unit_chain: &[OrgUnitId],
    level: Option<JobLevel>,
    contracted: ContractedHours,
    dates: &EmploymentDates,
    period: &Period,
) -> u32 {
    let total: f64 = period
        .start()
        .iter_days()
        .take_while(|day| *day <= period.end())
        .filter(|day| available_on(dates, *day))
        .filter_map(|day| {
            let policy = resolve(policies, unit_chain, level, day)?;
            Some(daily_minutes(
                policy,
                contracted,
                &policy.period.containing(day),
            ))
        })
        .sum();
    let minutes = total.round().clamp(0.0, f64::from(u32::MAX));
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to the u32 range above"
    )]
    let minutes = minutes as u32;
    minutes
}

/// Employed on `day` and not on leave.
fn available_on(dates: &EmploymentDates, day: NaiveDate) -> bool {
    let employed = dates.hire_date.is_none_or(|hire| hire <= day)
        && dates.termination_date.is_none_or(|end| day <= end);
    let on_leave = dates
        .leave_start_date
        .is_some_and(|start| start <= day && dates.leave_end_date.is_none_or(|end| day <= end));
    employed && !on_leave
}

/// The unused minutes carried into the next period: what was left of the previous period's own
/// allocation after the minutes used in working time, at most `cap` (never negative).
///
/// Carry-over does not compound: `previous_allocated` is the previous period's allocation
/// without what was carried into it, so unused time moves one period forward and no further.
pub fn carry_in(previous_allocated: u32, previous_used_in_work: u32, cap: u32) -> u32 {
    previous_allocated
        .saturating_sub(previous_used_in_work)
        .min(cap)
}

#[cfg(test)]
mod tests {
    use super::super::policy::tests::{d, policy};
    use super::super::policy::{Grant, PolicyPeriod, PolicyScope};
    use super::*;
    use chrono::Days;
    use proptest::prelude::*;

    fn hours(h: f64) -> ContractedHours {
        ContractedHours::new(h).unwrap()
    }
    fn period(from: NaiveDate, to: NaiveDate) -> Period {
        Period::new(from, to).unwrap()
    }
    fn month(y: i32, m: u32) -> Period {
        PolicyPeriod::Month.containing(d(y, m, 1))
    }
    fn hired(date: NaiveDate) -> EmploymentDates {
        EmploymentDates {
            hire_date: Some(date),
            ..Default::default()
        }
    }
    fn fixed(n: u128, hours: f64, kind: PolicyPeriod) -> Policy {
        Policy {
            grant: Grant::fixed_hours(hours).unwrap(),
            ..policy(n, 1.0, kind, d(2020, 1, 1))
        }
    }
    fn allocate(
        policies: &[Policy],
        h: ContractedHours,
        dates: &EmploymentDates,
        p: &Period,
    ) -> u32 {
        allocation_minutes(policies, &[], None, h, dates, p)
    }

    #[test]
    fn a_share_is_of_contracted_hours_per_day() {
        let p = policy(1, 10.0, PolicyPeriod::Month, d(2020, 1, 1));
        let rate = daily_minutes(&p, hours(40.0), &month(2026, 4));
        assert!((rate - 240.0 / 7.0).abs() < 1e-9);
    }

    #[test]
    fn a_fixed_grant_is_spread_over_the_policy_period_and_scaled_for_part_timers() {
        let p = fixed(1, 8.0, PolicyPeriod::Month);
        let april = month(2026, 4);
        assert!((daily_minutes(&p, hours(40.0), &april) - 16.0).abs() < 1e-9);
        assert!((daily_minutes(&p, hours(20.0), &april) - 8.0).abs() < 1e-9);
        assert!((daily_minutes(&p, hours(45.0), &april) - 16.0).abs() < 1e-9);
    }

    #[test]
    fn a_full_month_of_a_fixed_grant_is_the_grant() {
        let policies = [fixed(1, 8.0, PolicyPeriod::Month)];
        let dates = hired(d(2020, 1, 1));
        assert_eq!(
            allocate(&policies, hours(40.0), &dates, &month(2026, 2)),
            480
        );
        assert_eq!(
            allocate(&policies, hours(30.0), &dates, &month(2026, 2)),
            360
        );
        let q2 = PolicyPeriod::Quarter.containing(d(2026, 5, 5));
        assert_eq!(allocate(&policies, hours(40.0), &dates, &q2), 1440);
    }

    #[test]
    fn hire_termination_and_leave_prorate_by_day() {
        let policies = [fixed(1, 30.0, PolicyPeriod::Month)]; // 60 minutes a day in April
        let april = month(2026, 4);
        assert_eq!(
            allocate(&policies, hours(40.0), &hired(d(2026, 4, 16)), &april),
            900
        );
        let leaver = EmploymentDates {
            termination_date: Some(d(2026, 4, 3)),
            ..hired(d(2020, 1, 1))
        };
        assert_eq!(allocate(&policies, hours(40.0), &leaver, &april), 180);
        let on_leave = EmploymentDates {
            leave_start_date: Some(d(2026, 4, 11)),
            leave_end_date: Some(d(2026, 4, 25)),
            ..hired(d(2020, 1, 1))
        };
        assert_eq!(allocate(&policies, hours(40.0), &on_leave, &april), 900);
        let still_on_leave = EmploymentDates {
            leave_start_date: Some(d(2026, 4, 21)),
            ..hired(d(2020, 1, 1))
        };
        assert_eq!(
            allocate(&policies, hours(40.0), &still_on_leave, &april),
            1200
        );
    }

    #[test]
    fn without_a_policy_nothing_is_allocated() {
        let later = policy(1, 10.0, PolicyPeriod::Month, d(2027, 1, 1));
        let dates = hired(d(2020, 1, 1));
        assert_eq!(allocate(&[], hours(40.0), &dates, &month(2026, 4)), 0);
        assert_eq!(allocate(&[later], hours(40.0), &dates, &month(2026, 4)), 0);
    }

    #[test]
    fn the_policy_for_the_employees_unit_is_the_one_allocated() {
        let unit = OrgUnitId::from_uuid(uuid::Uuid::from_u128(7));
        let own = Policy {
            scope: PolicyScope::OrgUnit(unit),
            ..fixed(2, 16.0, PolicyPeriod::Month)
        };
        let policies = [fixed(1, 8.0, PolicyPeriod::Month), own];
        let dates = hired(d(2020, 1, 1));
        let april = month(2026, 4);
        let in_unit = allocation_minutes(&policies, &[unit], None, hours(40.0), &dates, &april);
        assert_eq!(in_unit, 960);
        assert_eq!(allocate(&policies, hours(40.0), &dates, &april), 480);
    }

    #[test]
    fn carry_over_is_what_was_left_up_to_the_cap() {
        assert_eq!(carry_in(480, 300, 240), 180);
        assert_eq!(carry_in(480, 0, 240), 240);
        assert_eq!(carry_in(480, 600, 240), 0);
        assert_eq!(carry_in(480, 100, 0), 0);
    }

    fn date() -> impl Strategy<Value = NaiveDate> {
        (0u64..2500).prop_map(|n| d(2022, 1, 1) + Days::new(n))
    }
    fn kind() -> impl Strategy<Value = PolicyPeriod> {
        proptest::sample::select(PolicyPeriod::ALL)
    }
    fn contracted() -> impl Strategy<Value = ContractedHours> {
        (1u32..=8000).prop_map(|centi| hours(f64::from(centi) / 100.0))
    }
    fn grant() -> impl Strategy<Value = Grant> {
        prop_oneof![
            (1u32..=10_000).prop_map(|bp| Grant::share_percent(f64::from(bp) / 100.0).unwrap()),
            (1u32..=100_000).prop_map(|m| Grant::fixed_hours(f64::from(m) / 60.0).unwrap()),
        ]
    }
    fn any_policy() -> impl Strategy<Value = Policy> {
        (
            0u128..1000,
            grant(),
            kind(),
            date(),
            proptest::option::of(0u64..400),
        )
            .prop_map(|(n, grant, kind, from, length)| Policy {
                grant,
                effective_to: length.map(|l| from + Days::new(l)),
                ..policy(n, 1.0, kind, from)
            })
    }
    fn any_dates() -> impl Strategy<Value = EmploymentDates> {
        (
            proptest::option::of(date()),
            proptest::option::of(date()),
            proptest::option::of((date(), proptest::option::of(date()))),
        )
            .prop_map(|(hire, term, leave)| EmploymentDates {
                hire_date: hire,
                termination_date: term,
                leave_start_date: leave.map(|l| l.0),
                leave_end_date: leave.and_then(|l| l.1),
            })
    }

    proptest! {
        #[test]
        fn a_quarter_is_the_sum_of_its_three_months(
            policies in proptest::collection::vec(any_policy(), 0..4),
            h in contracted(),
            dates in any_dates(),
            day in date(),
        ) {
            let quarter = PolicyPeriod::Quarter.containing(day);
            let whole = allocate(&policies, h, &dates, &quarter);
            let mut months = 0;
            let mut month = PolicyPeriod::Month.containing(quarter.start());
            for _ in 0..3 {
                months += allocate(&policies, h, &dates, &month);
                month = PolicyPeriod::Month.containing(month.end().succ_opt().unwrap());
            }
            prop_assert!(whole.abs_diff(months) <= 3, "{whole} vs {months}");
        }

        #[test]
        fn a_full_timer_at_ten_percent_gets_240_minutes_an_iso_week(day in date(), kind in kind()) {
            let policies = [policy(1, 10.0, kind, d(2020, 1, 1))];
            let week = PolicyPeriod::Week.containing(day);
            prop_assert_eq!(allocate(&policies, hours(40.0), &hired(d(2020, 1, 1)), &week), 240);
        }

        #[test]
        fn a_twenty_hour_part_timer_gets_half_a_full_timers_grant(
            grant in grant(), kind in kind(), dates in any_dates(), day in date(), len in 0u64..120,
        ) {
            let policies = [Policy { grant, ..policy(1, 1.0, kind, d(2020, 1, 1)) }];
            let p = period(day, day + Days::new(len));
            let part = allocate(&policies, hours(20.0), &dates, &p);
            let full = allocate(&policies, hours(40.0), &dates, &p);
            prop_assert!((2 * part).abs_diff(full) <= 1, "{part} vs {full}");
        }

        #[test]
        fn prorating_never_gives_more_than_being_there_throughout(
            policies in proptest::collection::vec(any_policy(), 0..4),
            h in contracted(),
            dates in any_dates(),
            day in date(),
            len in 0u64..120,
        ) {
            let p = period(day, day + Days::new(len));
            let prorated = allocate(&policies, h, &dates, &p);
            let throughout = allocate(&policies, h, &EmploymentDates::default(), &p);
            prop_assert!(prorated <= throughout);
            for policy in &policies {
                let rate = daily_minutes(policy, h, &policy.period.containing(day));
                prop_assert!(rate.is_finite() && rate >= 0.0);
            }
        }

        #[test]
        fn dates_seen_from_inside_a_period_allocate_the_same(
            policies in proptest::collection::vec(any_policy(), 0..4),
            h in contracted(),
            dates in any_dates(),
            day in date(),
            len in 0u64..120,
        ) {
            let p = period(day, day + Days::new(len));
            prop_assert_eq!(
                allocate(&policies, h, &dates.within(&p), &p),
                allocate(&policies, h, &dates, &p)
            );
        }

        #[test]
        fn nothing_is_allocated_after_termination(
            policies in proptest::collection::vec(any_policy(), 0..4),
            h in contracted(),
            day in date(),
            gap in 1u64..400,
            len in 0u64..120,
        ) {
            let dates = EmploymentDates { termination_date: Some(day), ..hired(d(2020, 1, 1)) };
            let start = day + Days::new(gap);
            let p = period(start, start + Days::new(len));
            prop_assert_eq!(allocate(&policies, h, &dates, &p), 0);
        }

        #[test]
        fn a_policy_change_mid_month_splits_the_month(
            first in grant(), second in grant(), kind in kind(), day in date(), h in contracted(),
        ) {
            let month = PolicyPeriod::Month.containing(day);
            prop_assume!(day > month.start());
            let old = Policy { grant: first, ..policy(1, 1.0, kind, d(2020, 1, 1)) };
            let new = Policy { grant: second, ..policy(2, 1.0, kind, day) };
            let dates = EmploymentDates::default();
            let before = period(month.start(), day.pred_opt().unwrap());
            let after = period(day, month.end());
            let changed = allocate(&[old.clone(), new.clone()], h, &dates, &month);
            let split = allocate(std::slice::from_ref(&old), h, &dates, &before)
                + allocate(std::slice::from_ref(&new), h, &dates, &after);
            prop_assert!(changed.abs_diff(split) <= 1, "{changed} vs {split}");
            // The change never rewrites the days before it.
            prop_assert_eq!(
                allocate(&[old.clone(), new], h, &dates, &before),
                allocate(&[old], h, &dates, &before)
            );
        }
    }
}
