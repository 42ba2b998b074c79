//! Learning-time policies: what is granted, to whom, per which period, and which policy applies.

use crate::ids::{OrgUnitId, PolicyId};
use crate::org::{ContractedHours, JobLevel, Period};
use crate::FieldError;
use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, Utc, Weekday};
use std::cmp::Reverse;
use std::collections::HashMap;

text_type!(
    /// A policy's name: 1-200 characters, trimmed.
    PolicyName, "name", 200
);

code_enum!(
    /// The period a policy grants time for (and carries over between).
    PolicyPeriod, "period" {
        /// An ISO week, Monday to Sunday.
        Week = "week",
        /// A calendar month.
        Month = "month",
        /// A calendar quarter: January-March, April-June, July-September or
        /// October-December.
        Quarter = "quarter",
    }
);

impl PolicyPeriod {
    /// The period of this kind that contains `date`: the ISO week (Monday to Sunday), the
    /// calendar month or the calendar quarter. Clipped to chrono's calendar at its very ends.
    pub fn containing(self, date: NaiveDate) -> Period {
        match self {
            PolicyPeriod::Week => {
                let back = Days::new(u64::from(date.weekday().num_days_from_monday()));
                let start = date.checked_sub_days(back).unwrap_or(NaiveDate::MIN);
                let end = start
                    .checked_add_days(Days::new(6))
                    .unwrap_or(NaiveDate::MAX);
                Period::spanning(start, end)
            }
            PolicyPeriod::Month => calendar_months(date, 1),
            PolicyPeriod::Quarter => calendar_months(date, 3),
        }
    }

    /// The period of this kind holding `today`, or the one before it: what a dashboard means by
    /// "this quarter" and "last quarter".
    pub fn relative(self, today: NaiveDate, which: Relative) -> Period {
        let current = self.containing(today);
        match which {
            Relative::Current => current,
            Relative::Previous => self.previous(&current),
        }
    }

    /// The period of this kind just before `period` (the one containing the day before it
    /// starts). At the first day of chrono's calendar there is none, so the first one is returned.
    pub fn previous(self, period: &Period) -> Period {
        self.containing(period.start().pred_opt().unwrap_or(NaiveDate::MIN))
    }
}

/// A period named by where it lies from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relative {
    /// The period holding today.
    Current,
    /// The period just before it.
    Previous,
}

/// The block of `months` calendar months holding `date` (1: its month; 3: its quarter, the
/// blocks aligned to January).
fn calendar_months(date: NaiveDate, months: u32) -> Period {
    // The first of the month, then back to the first month of the block: same year, never fails.
    let month_start = date - Days::new(u64::from(date.day0()));
    let start = month_start - Months::new(date.month0() % months);
    let end = start
        .checked_add_months(Months::new(months))
        .and_then(|next| next.pred_opt())
        .unwrap_or(NaiveDate::MAX);
    Period::spanning(start, end)
}

/// How much learning time a policy grants per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantKind {
    /// A share of contracted hours, in basis points (500 = 5%): 1..=10 000.
    ShareOfContracted { basis_points: u32 },
    /// A fixed number of minutes per period for a full-timer: 1..=100 000.
    FixedMinutes { minutes_per_period: u32 },
}

/// A validated grant. Read it with [`Grant::kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Grant(GrantKind);

impl Grant {
    /// The largest share: all contracted time.
    pub const MAX_BASIS_POINTS: u32 = 10_000;
    /// The largest fixed grant per period (about 1667 hours).
    pub const MAX_FIXED_MINUTES: u32 = 100_000;

    /// A share of contracted hours given in percent (5.0 = 5%), rounded to hundredths of a
    /// percent: more than 0, at most 100 (field `share_percent`).
    pub fn share_percent(percent: f64) -> Result<Self, FieldError> {
        // Unrepresentable input becomes 0, which `new` refuses with the field's message.
        let basis_points = rounded(percent * 100.0).unwrap_or(0);
        Self::new(GrantKind::ShareOfContracted { basis_points })
    }

    /// A fixed number of hours per period (8.0 = a day), rounded to whole minutes: at least one
    /// minute, at most 100 000 minutes (field `fixed_hours_per_period`).
    pub fn fixed_hours(hours: f64) -> Result<Self, FieldError> {
        let minutes_per_period = rounded(hours * 60.0).unwrap_or(0);
        Self::new(GrantKind::FixedMinutes { minutes_per_period })
    }

    /// A grant from its stored form, checked against the same ranges.
    pub fn new(kind: GrantKind) -> Result<Self, FieldError> {
        match kind {
            GrantKind::ShareOfContracted { basis_points }
                if !(1..=Self::MAX_BASIS_POINTS).contains(&basis_points) =>
            {
                Err(FieldError::new(
                    "share_percent",
                    "must be at least 0.01 and at most 100",
                ))
            }
            GrantKind::FixedMinutes { minutes_per_period }
                if !(1..=Self::MAX_FIXED_MINUTES).contains(&minutes_per_period) =>
            {
                Err(FieldError::new(
                    "fixed_hours_per_period",
                    "must be at least one minute and at most 1666.67 hours",
                ))
            }
            _ => Ok(Self(kind)),
        }
    }

    /// What is granted.
    pub fn kind(self) -> GrantKind {
        self.0
    }
}

/// `value` rounded to a whole number, if that fits a `u32`.
fn rounded(value: f64) -> Option<u32> {
    let value = value.round();
    if !value.is_finite() || value < 0.0 || value > f64::from(u32::MAX) {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "range checked above"
    )]
    Some(value as u32)
}

/// Who a policy applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyScope {
    /// Everyone.
    Organisation,
    /// Everyone in this org unit and the units below it.
    OrgUnit(OrgUnitId),
    /// Everyone at this job level.
    JobLevel(JobLevel),
}

/// A protected learning slot shared by everyone under a policy, e.g. Thursday 13:00-17:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProtectedSlot {
    weekday: Weekday,
    start: NaiveTime,
    end: NaiveTime,
}

impl ProtectedSlot {
    /// A weekly slot; `end` must be after `start` (field `protected_slot.end`).
    pub fn new(weekday: Weekday, start: NaiveTime, end: NaiveTime) -> Result<Self, FieldError> {
        if end <= start {
            return Err(FieldError::new(
                "protected_slot.end",
                "must be after the start",
            ));
        }
        Ok(Self {
            weekday,
            start,
            end,
        })
    }
    /// The day of the week.
    pub fn weekday(&self) -> Weekday {
        self.weekday
    }
    /// When the slot starts.
    pub fn start(&self) -> NaiveTime {
        self.start
    }
    /// When the slot ends.
    pub fn end(&self) -> NaiveTime {
        self.end
    }
}

/// A learning-time policy. Changes are made by ending one policy and starting another, so a
/// change applies from its date and never rewrites past periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub id: PolicyId,
    pub name: PolicyName,
    pub scope: PolicyScope,
    pub grant: Grant,
    pub period: PolicyPeriod,
    /// The most unused minutes that move into the next period.
    pub carry_over_cap_minutes: u32,
    pub protected_slot: Option<ProtectedSlot>,
    /// Entries longer than this many minutes need the manager's approval; `None`: never.
    pub approval_threshold_minutes: Option<u32>,
    /// The full-time week a fixed grant is meant for; part-timers get it scaled down.
    pub full_time_hours: ContractedHours,
    pub effective_from: NaiveDate,
    /// The last day the policy applies (inclusive); `None`: open-ended.
    pub effective_to: Option<NaiveDate>,
}

impl Policy {
    /// Cross-field rules: the policy does not end before it starts (field `effective_to`).
    pub fn check(&self) -> Result<(), FieldError> {
        match self.effective_to {
            Some(to) if to < self.effective_from => Err(FieldError::new(
                "effective_to",
                "must not be before effective_from",
            )),
            _ => Ok(()),
        }
    }

    /// Does the policy apply on `date` (`effective_from <= date <= effective_to`)?
    pub fn in_effect_on(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date <= to)
    }
}

/// A policy as kept: the policy, its optimistic-concurrency version and its times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionedPolicy {
    pub policy: Policy,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl VersionedPolicy {
    /// A new policy: version 1.
    pub fn new(policy: Policy, now: DateTime<Utc>) -> Self {
        Self {
            policy,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// End the policy on `to` (its last day): the one change a policy allows. It applies from
    /// its date and never rewrites a past period, so `to` is not before yesterday (`today` - 1).
    pub fn ended(&self, to: NaiveDate, today: NaiveDate) -> Result<Policy, FieldError> {
        if to
            < today
                .checked_sub_days(Days::new(1))
                .unwrap_or(NaiveDate::MIN)
        {
            return Err(FieldError::new(
                "effective_to",
                "must not be before yesterday: past periods are never rewritten",
            ));
        }
        let policy = Policy {
            effective_to: Some(to),
            ..self.policy.clone()
        };
        policy.check()?;
        Ok(policy)
    }

    /// The same policy holding `policy`: the next version, the one place it is bumped.
    #[must_use]
    pub fn revised(&self, policy: Policy, now: DateTime<Utc>) -> Self {
        Self {
            policy,
            version: self.version.saturating_add(1),
            created_at: self.created_at,
            updated_at: now,
        }
    }
}

/// The chain of org units from `unit` up to the root, given each unit's parent: the order in
/// which unit policies apply ([`resolve`]). Stops at a unit already seen, so a corrupt tree
/// cannot loop.
pub fn unit_chain(
    unit: Option<OrgUnitId>,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
) -> Vec<OrgUnitId> {
    let mut chain = Vec::new();
    let mut next = unit;
    while let Some(u) = next.filter(|u| !chain.contains(u)) {
        chain.push(u);
        next = parents.get(&u).copied().flatten();
    }
    chain
}

/// The policy that applies to one employee on `date`, if any.
///
/// Among the policies in effect on `date`, the most specific wins:
/// 1. a policy for the employee's own org unit, else for the nearest ancestor unit
///    (`unit_chain` runs from the employee's own unit up to the root; earlier is more specific);
/// 2. else a policy for the employee's job level (`level`);
/// 3. else an organisation-wide policy.
///
/// Between equally specific policies the latest `effective_from` wins, then the smallest id, so
/// the answer never depends on the order of `policies`.
pub fn resolve<'a>(
    policies: &'a [Policy],
    unit_chain: &[OrgUnitId],
    level: Option<JobLevel>,
    date: NaiveDate,
) -> Option<&'a Policy> {
    policies
        .iter()
        .filter(|p| p.in_effect_on(date))
        .filter_map(|p| {
            specificity(p, unit_chain, level).map(|rank| (rank, Reverse(p.effective_from), p.id, p))
        })
        .min_by_key(|(rank, from, id, _)| (*rank, *from, *id))
        .map(|(.., p)| p)
}

/// How specific `policy` is for someone in `unit_chain` at `level` (lower wins; `None`: it does
/// not apply to them).
fn specificity(
    policy: &Policy,
    unit_chain: &[OrgUnitId],
    level: Option<JobLevel>,
) -> Option<usize> {
    match policy.scope {
        PolicyScope::OrgUnit(unit) => unit_chain.iter().position(|u| *u == unit),
        PolicyScope::JobLevel(l) if Some(l) == level => Some(unit_chain.len()),
        PolicyScope::JobLevel(_) => None,
        PolicyScope::Organisation => Some(unit_chain.len() + 1),
    }
}

/// The policies that can apply to someone in `unit_chain` at `level`, each with its place in
/// the order of precedence (equal places tie, as [`resolve`] breaks ties): as indexes into
/// `policies`. Two people with the same precedence get the same policy from [`resolve`] on every
/// day, whatever their units and levels.
pub fn precedence(
    policies: &[Policy],
    unit_chain: &[OrgUnitId],
    level: Option<JobLevel>,
) -> Vec<(usize, usize)> {
    let mut ranked: Vec<(usize, usize)> = policies
        .iter()
        .enumerate()
        .filter_map(|(i, p)| specificity(p, unit_chain, level).map(|rank| (rank, i)))
        .collect();
    ranked.sort_unstable();
    // Only the order matters: the places become 0, 1, 2, ... (ties keep one place).
    let mut place = 0;
    let mut last = None;
    for (rank, _) in &mut ranked {
        if last.is_some_and(|l| l != *rank) {
            place += 1;
        }
        last = Some(*rank);
        *rank = place;
    }
    ranked
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn current_and_previous_periods_are_counted_from_today() {
        let today = d(2026, 1, 14);
        let q = PolicyPeriod::Quarter.relative(today, Relative::Current);
        assert_eq!((q.start(), q.end()), (d(2026, 1, 1), d(2026, 3, 31)));
        let q = PolicyPeriod::Quarter.relative(today, Relative::Previous);
        assert_eq!((q.start(), q.end()), (d(2025, 10, 1), d(2025, 12, 31)));
        let w = PolicyPeriod::Week.relative(today, Relative::Previous);
        assert_eq!((w.start(), w.end()), (d(2026, 1, 5), d(2026, 1, 11)));
        let m = PolicyPeriod::Month.relative(today, Relative::Current);
        assert_eq!((m.start(), m.end()), (d(2026, 1, 1), d(2026, 1, 31)));
    }

    pub(crate) fn id(n: u128) -> PolicyId {
        PolicyId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn unit(n: u128) -> OrgUnitId {
        OrgUnitId::from_uuid(uuid::Uuid::from_u128(n))
    }

    /// An open-ended organisation-wide policy granting `percent` per `period` from `from`.
    pub(crate) fn policy(n: u128, percent: f64, period: PolicyPeriod, from: NaiveDate) -> Policy {
        Policy {
            id: id(n),
            name: PolicyName::parse("Learning time").unwrap(),
            scope: PolicyScope::Organisation,
            grant: Grant::share_percent(percent).unwrap(),
            period,
            carry_over_cap_minutes: 0,
            protected_slot: None,
            approval_threshold_minutes: None,
            full_time_hours: ContractedHours::FORTY_HOURS,
            effective_from: from,
            effective_to: None,
        }
    }

    #[test]
    fn weeks_run_monday_to_sunday() {
        let week = PolicyPeriod::Week.containing(d(2026, 1, 1)); // a Thursday
        assert_eq!((week.start(), week.end()), (d(2025, 12, 29), d(2026, 1, 4)));
        let sunday = PolicyPeriod::Week.containing(d(2026, 1, 4));
        assert_eq!(sunday, week);
    }

    #[test]
    fn months_and_quarters_are_calendar_ones() {
        let feb = PolicyPeriod::Month.containing(d(2024, 2, 15));
        assert_eq!((feb.start(), feb.end()), (d(2024, 2, 1), d(2024, 2, 29)));
        let q4 = PolicyPeriod::Quarter.containing(d(2026, 11, 30));
        assert_eq!((q4.start(), q4.end()), (d(2026, 10, 1), d(2026, 12, 31)));
        let q1 = PolicyPeriod::Quarter.containing(d(2026, 1, 1));
        assert_eq!((q1.start(), q1.end()), (d(2026, 1, 1), d(2026, 3, 31)));
    }

    #[test]
    fn the_previous_period_is_the_one_just_before() {
        let jan = PolicyPeriod::Month.containing(d(2026, 1, 20));
        let dec = PolicyPeriod::Month.previous(&jan);
        assert_eq!((dec.start(), dec.end()), (d(2025, 12, 1), d(2025, 12, 31)));
        let q1 = PolicyPeriod::Quarter.containing(d(2026, 2, 1));
        assert_eq!(PolicyPeriod::Quarter.previous(&q1).start(), d(2025, 10, 1));
        let week = PolicyPeriod::Week.containing(d(2026, 3, 4));
        assert_eq!(PolicyPeriod::Week.previous(&week).start(), d(2026, 2, 23));
    }

    #[test]
    fn the_calendar_ends_do_not_panic() {
        let first = PolicyPeriod::Week.containing(NaiveDate::MIN);
        assert_eq!(PolicyPeriod::Week.previous(&first).start(), NaiveDate::MIN);
        assert_eq!(
            PolicyPeriod::Quarter.containing(NaiveDate::MAX).end(),
            NaiveDate::MAX
        );
        assert_eq!(
            PolicyPeriod::Week.containing(NaiveDate::MAX).end(),
            NaiveDate::MAX
        );
    }

    #[test]
    fn grants_are_built_from_percent_or_hours() {
        assert_eq!(
            Grant::share_percent(5.0).unwrap().kind(),
            GrantKind::ShareOfContracted { basis_points: 500 }
        );
        assert_eq!(
            Grant::fixed_hours(8.0).unwrap().kind(),
            GrantKind::FixedMinutes {
                minutes_per_period: 480
            }
        );
        assert!(Grant::share_percent(100.0).is_ok());
        for bad in [0.0, -1.0, 0.004, 100.01, f64::NAN, f64::INFINITY] {
            assert_eq!(
                Grant::share_percent(bad).unwrap_err().field,
                "share_percent"
            );
        }
        for bad in [0.0, -8.0, 0.001, 1666.7, f64::NAN] {
            assert_eq!(
                Grant::fixed_hours(bad).unwrap_err().field,
                "fixed_hours_per_period"
            );
        }
    }

    #[test]
    fn stored_grants_are_checked_again() {
        assert!(Grant::new(GrantKind::ShareOfContracted { basis_points: 0 }).is_err());
        assert!(Grant::new(GrantKind::ShareOfContracted {
            basis_points: 10_001
        })
        .is_err());
        assert!(Grant::new(GrantKind::FixedMinutes {
            minutes_per_period: 100_000
        })
        .is_ok());
    }

    #[test]
    fn a_protected_slot_ends_after_it_starts() {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let slot = ProtectedSlot::new(Weekday::Thu, t(13), t(17)).unwrap();
        assert_eq!(
            (slot.weekday(), slot.start(), slot.end()),
            (Weekday::Thu, t(13), t(17))
        );
        let err = ProtectedSlot::new(Weekday::Thu, t(13), t(13)).unwrap_err();
        assert_eq!(err.field, "protected_slot.end");
    }

    #[test]
    fn a_policy_is_in_effect_between_its_dates_inclusive() {
        let mut p = policy(1, 5.0, PolicyPeriod::Month, d(2026, 1, 1));
        p.effective_to = Some(d(2026, 6, 30));
        assert!(p.check().is_ok());
        assert!(!p.in_effect_on(d(2025, 12, 31)));
        assert!(p.in_effect_on(d(2026, 1, 1)));
        assert!(p.in_effect_on(d(2026, 6, 30)));
        assert!(!p.in_effect_on(d(2026, 7, 1)));
        p.effective_to = Some(d(2025, 1, 1));
        assert_eq!(p.check().unwrap_err().field, "effective_to");
    }

    #[test]
    fn the_most_specific_policy_wins() {
        let from = d(2026, 1, 1);
        let level = JobLevel::new(3).unwrap();
        let org = policy(1, 1.0, PolicyPeriod::Month, from);
        let by_level = Policy {
            scope: PolicyScope::JobLevel(level),
            ..policy(2, 5.0, PolicyPeriod::Month, from)
        };
        let root = Policy {
            scope: PolicyScope::OrgUnit(unit(100)),
            ..policy(3, 10.0, PolicyPeriod::Month, from)
        };
        let own = Policy {
            scope: PolicyScope::OrgUnit(unit(101)),
            ..policy(4, 20.0, PolicyPeriod::Month, from)
        };
        let chain = [unit(101), unit(100)];
        let all = [org.clone(), by_level.clone(), root.clone(), own.clone()];
        let on = d(2026, 2, 1);
        assert_eq!(resolve(&all, &chain, Some(level), on), Some(&own));
        assert_eq!(resolve(&all[..3], &chain, Some(level), on), Some(&root));
        assert_eq!(resolve(&all[..2], &chain, Some(level), on), Some(&by_level));
        let other_level = JobLevel::new(4).ok();
        assert_eq!(resolve(&all[..2], &chain, other_level, on), Some(&org));
        assert_eq!(resolve(&all[..2], &[], None, on), Some(&org));
        assert_eq!(resolve(&all, &chain, Some(level), d(2025, 12, 31)), None);
        // A unit policy for a unit outside the chain does not apply.
        assert_eq!(resolve(&all[2..], &[unit(7)], None, on), None);
    }

    #[test]
    fn among_equals_the_latest_start_then_the_smallest_id_wins() {
        let old = policy(1, 5.0, PolicyPeriod::Month, d(2025, 1, 1));
        let new = policy(9, 10.0, PolicyPeriod::Month, d(2026, 1, 1));
        let twin = policy(5, 20.0, PolicyPeriod::Month, d(2026, 1, 1));
        let on = d(2026, 3, 1);
        assert_eq!(
            resolve(&[old.clone(), new.clone()], &[], None, on),
            Some(&new)
        );
        assert_eq!(
            resolve(&[new, twin.clone(), old], &[], None, on),
            Some(&twin)
        );
    }

    #[test]
    fn the_unit_chain_runs_up_to_the_root_and_survives_a_loop() {
        let parents = HashMap::from([
            (unit(1), None),
            (unit(2), Some(unit(1))),
            (unit(3), Some(unit(2))),
            (unit(8), Some(unit(9))),
            (unit(9), Some(unit(8))),
        ]);
        assert_eq!(
            unit_chain(Some(unit(3)), &parents),
            [unit(3), unit(2), unit(1)]
        );
        assert_eq!(unit_chain(Some(unit(8)), &parents), [unit(8), unit(9)]);
        assert_eq!(unit_chain(Some(unit(5)), &parents), [unit(5)]);
        assert!(unit_chain(None, &parents).is_empty());
    }

    #[test]
    fn ending_a_policy_never_rewrites_the_past() {
        let t0 = DateTime::UNIX_EPOCH;
        let stored = VersionedPolicy::new(policy(1, 5.0, PolicyPeriod::Month, d(2026, 1, 1)), t0);
        let today = d(2026, 3, 10);
        let err = stored.ended(d(2026, 3, 8), today).unwrap_err();
        assert_eq!(err.field, "effective_to");
        assert!(err.message.contains("yesterday"));
        let ended = stored.ended(d(2026, 3, 9), today).unwrap();
        assert_eq!(ended.effective_to, Some(d(2026, 3, 9)));
        let early = VersionedPolicy::new(policy(2, 5.0, PolicyPeriod::Month, d(2026, 6, 1)), t0);
        assert_eq!(
            early.ended(d(2026, 5, 1), today).unwrap_err().message,
            "must not be before effective_from"
        );
        let later = t0 + chrono::Duration::days(1);
        let next = stored.revised(ended, later);
        assert_eq!(
            (next.version, next.created_at, next.updated_at),
            (2, t0, later)
        );
    }

    proptest! {
        #[test]
        fn a_unit_chain_starts_at_the_unit_and_never_repeats(
            links in proptest::collection::vec(proptest::option::of(0u128..12), 12),
            start in 0u128..12,
        ) {
            let parents: HashMap<_, _> = links
                .iter()
                .enumerate()
                .map(|(i, p)| (unit(i as u128), p.map(unit)))
                .collect();
            let chain = unit_chain(Some(unit(start)), &parents);
            prop_assert_eq!(chain.first(), Some(&unit(start)));
            let unique: std::collections::HashSet<_> = chain.iter().collect();
            prop_assert_eq!(unique.len(), chain.len());
            for pair in chain.windows(2) {
                prop_assert_eq!(parents.get(&pair[0]).copied().flatten(), Some(pair[1]));
            }
        }
    }

    fn date() -> impl Strategy<Value = NaiveDate> {
        (0u64..3000).prop_map(|n| d(2020, 1, 1) + Days::new(n))
    }

    fn kind() -> impl Strategy<Value = PolicyPeriod> {
        proptest::sample::select(PolicyPeriod::ALL)
    }

    proptest! {
        #[test]
        fn a_period_contains_its_date_and_follows_its_previous(day in date(), kind in kind()) {
            let period = kind.containing(day);
            prop_assert!(period.start() <= day && day <= period.end());
            prop_assert_eq!(kind.containing(period.start()), period);
            prop_assert_eq!(kind.containing(period.end()), period);
            let before = kind.previous(&period);
            prop_assert_eq!(before.end().succ_opt(), Some(period.start()));
            let days = period.days();
            let expected = match kind {
                PolicyPeriod::Week => 7..=7,
                PolicyPeriod::Month => 28..=31,
                PolicyPeriod::Quarter => 90..=92,
            };
            prop_assert!(expected.contains(&days));
        }

        #[test]
        fn resolving_does_not_depend_on_the_order_of_policies(
            starts in proptest::collection::vec((date(), 0u128..5), 1..8),
            on in date(),
        ) {
            let policies: Vec<Policy> = starts
                .iter()
                .enumerate()
                .map(|(i, (from, n))| policy(i as u128 * 10 + n, 5.0, PolicyPeriod::Month, *from))
                .collect();
            let mut reversed = policies.clone();
            reversed.reverse();
            prop_assert_eq!(
                resolve(&policies, &[], None, on).map(|p| p.id),
                resolve(&reversed, &[], None, on).map(|p| p.id)
            );
        }
    }

    proptest! {
        /// People with the same precedence get the same policy on every day, whatever their
        /// units and levels; an organisation-wide policy alone gives everyone the same.
        #[test]
        fn the_same_precedence_resolves_the_same_policy_every_day(
            a in (0u128..4, 1i64..=8), b in (0u128..4, 1i64..=8), day in 0u64..900,
        ) {
            // Units 1 and 2 under root 0, unit 3 under 1.
            let parents: HashMap<OrgUnitId, Option<OrgUnitId>> = [
                (unit(0), None), (unit(1), Some(unit(0))), (unit(2), Some(unit(0))), (unit(3), Some(unit(1))),
            ].into_iter().collect();
            let mut for_unit = policy(2, 20.0, PolicyPeriod::Month, d(2025, 6, 1));
            for_unit.scope = PolicyScope::OrgUnit(unit(1));
            let mut for_level = policy(3, 5.0, PolicyPeriod::Month, d(2024, 1, 1));
            for_level.scope = PolicyScope::JobLevel(JobLevel::new(3).unwrap());
            let policies = [policy(1, 10.0, PolicyPeriod::Month, d(2024, 1, 1)), for_unit, for_level];
            let on = d(2024, 6, 1) + chrono::Days::new(day);
            let of = |(u, l): (u128, i64)| {
                let chain = unit_chain(Some(unit(u)), &parents);
                let level = JobLevel::new(l).ok();
                (precedence(&policies, &chain, level), resolve(&policies, &chain, level, on).map(|p| p.id))
            };
            let (pa, ra) = of(a);
            let (pb, rb) = of(b);
            if pa == pb {
                prop_assert_eq!(ra, rb);
            }
            let alone = &policies[..1];
            prop_assert_eq!(
                precedence(alone, &unit_chain(Some(unit(a.0)), &parents), JobLevel::new(a.1).ok()),
                precedence(alone, &unit_chain(Some(unit(b.0)), &parents), JobLevel::new(b.1).ok())
            );
        }
    }
}
