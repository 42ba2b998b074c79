//! Employment dates and prorating: which share of a period someone was employed and not on leave.

use crate::FieldError;
use chrono::NaiveDate;

/// Hire, leave and termination dates. Leave is one range (`leave_end_date` open while on leave).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct EmploymentDates {
    pub hire_date: Option<NaiveDate>,
    pub leave_start_date: Option<NaiveDate>,
    pub leave_end_date: Option<NaiveDate>,
    pub termination_date: Option<NaiveDate>,
}

impl EmploymentDates {
    /// The dates are in order: hire <= leave start <= leave end, hire <= termination.
    pub fn check(&self) -> Result<(), FieldError> {
        if let (Some(hire), Some(end)) = (self.hire_date, self.termination_date) {
            if end < hire {
                return Err(FieldError::new(
                    "termination_date",
                    "must not be before hire_date",
                ));
            }
        }
        if let (Some(hire), Some(start)) = (self.hire_date, self.leave_start_date) {
            if start < hire {
                return Err(FieldError::new(
                    "leave_start_date",
                    "must not be before hire_date",
                ));
            }
        }
        match (self.leave_start_date, self.leave_end_date) {
            (None, Some(_)) => Err(FieldError::new(
                "leave_end_date",
                "needs a leave_start_date",
            )),
            (Some(start), Some(end)) if end < start => Err(FieldError::new(
                "leave_end_date",
                "must not be before leave_start_date",
            )),
            _ => Ok(()),
        }
    }

    /// The same dates as seen from inside `period`: a hire before it, a termination after it and
    /// a leave outside it are dropped, a leave overlapping its start begins with it. Availability
    /// on every day of `period` is unchanged, so people whose dates differ only outside a period
    /// share one allocation for it.
    #[must_use]
    pub fn within(&self, period: &Period) -> Self {
        let (start, end) = (period.start(), period.end());
        let leave = self
            .leave_start_date
            .filter(|from| *from <= end && self.leave_end_date.is_none_or(|to| to >= start));
        Self {
            hire_date: self.hire_date.filter(|hire| *hire > start),
            termination_date: self.termination_date.filter(|t| *t < end),
            leave_start_date: leave.map(|from| from.max(start)),
            leave_end_date: leave.and(self.leave_end_date.filter(|to| *to < end)),
        }
    }
}

/// A closed range of days, `start..=end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    start: NaiveDate,
    end: NaiveDate,
}

impl Period {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, FieldError> {
        if end < start {
            return Err(FieldError::new("period", "must not end before it starts"));
        }
        Ok(Self { start, end })
    }
    /// The days from the earlier of two dates to the later one (never fails).
    pub(crate) fn spanning(a: NaiveDate, b: NaiveDate) -> Self {
        Self {
            start: a.min(b),
            end: a.max(b),
        }
    }
    pub fn start(&self) -> NaiveDate {
        self.start
    }
    pub fn end(&self) -> NaiveDate {
        self.end
    }
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
    fn overlap_days(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let start = from.max(self.start);
        let end = to.min(self.end);
        if end < start {
            0
        } else {
            (end - start).num_days() + 1
        }
    }
}

/// The share (0.0..=1.0) of `period` in which someone was employed and not on leave: employed
/// from the hire date up to and including the termination date; leave days do not count.
pub fn employed_share(dates: &EmploymentDates, period: &Period) -> f64 {
    let from = dates.hire_date.unwrap_or(NaiveDate::MIN);
    let to = dates.termination_date.unwrap_or(NaiveDate::MAX);
    let employed = period.overlap_days(from, to);
    let on_leave = match dates.leave_start_date {
        Some(leave_start) => {
            let leave_end = dates.leave_end_date.unwrap_or(NaiveDate::MAX);
            // Only leave inside the employment counts against it.
            Period::new(from.max(period.start), to.min(period.end))
                .map(|employed| employed.overlap_days(leave_start, leave_end))
                .unwrap_or(0)
        }
        None => 0,
    };
    #[expect(clippy::cast_precision_loss, reason = "day counts are far below 2^52")]
    let share = (employed - on_leave) as f64 / period.days() as f64;
    share.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn april() -> Period {
        Period::new(d(2026, 4, 1), d(2026, 4, 30)).unwrap()
    }

    #[test]
    fn someone_employed_all_period_gets_the_whole_share() {
        let dates = EmploymentDates {
            hire_date: Some(d(2020, 1, 1)),
            ..Default::default()
        };
        assert!((employed_share(&dates, &april()) - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn a_mid_period_hire_is_prorated_from_the_hire_date() {
        let dates = EmploymentDates {
            hire_date: Some(d(2026, 4, 16)),
            ..Default::default()
        };
        assert!((employed_share(&dates, &april()) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn termination_day_counts_and_later_days_do_not() {
        let dates = EmploymentDates {
            hire_date: Some(d(2020, 1, 1)),
            termination_date: Some(d(2026, 4, 3)),
            ..Default::default()
        };
        assert!((employed_share(&dates, &april()) - 0.1).abs() < 1e-9);
    }

    #[test]
    fn leave_days_are_removed() {
        let dates = EmploymentDates {
            hire_date: Some(d(2020, 1, 1)),
            leave_start_date: Some(d(2026, 4, 11)),
            leave_end_date: Some(d(2026, 4, 25)),
            ..Default::default()
        };
        assert!((employed_share(&dates, &april()) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn dates_out_of_order_are_refused() {
        let dates = EmploymentDates {
            hire_date: Some(d(2026, 4, 2)),
            termination_date: Some(d(2026, 4, 1)),
            ..Default::default()
        };
        assert_eq!(dates.check().unwrap_err().field, "termination_date");
    }

    fn date() -> impl Strategy<Value = NaiveDate> {
        (0i64..1500).prop_map(|n| d(2024, 1, 1) + chrono::Days::new(n.unsigned_abs()))
    }

    proptest! {
        #[test]
        fn the_share_is_always_between_zero_and_one(
            hire in proptest::option::of(date()),
            term in proptest::option::of(date()),
            leave in proptest::option::of((date(), proptest::option::of(date()))),
            start in date(), len in 0u64..120,
        ) {
            let period = Period::new(start, start + chrono::Days::new(len)).unwrap();
            let dates = EmploymentDates {
                hire_date: hire,
                termination_date: term,
                leave_start_date: leave.map(|l| l.0),
                leave_end_date: leave.and_then(|l| l.1),
            };
            let share = employed_share(&dates, &period);
            prop_assert!((0.0..=1.0).contains(&share));
        }

        #[test]
        fn splitting_a_period_splits_the_share(hire in date(), start in date(), len in 1u64..100, cut in 0u64..100) {
            let cut = cut % len;
            let whole = Period::new(start, start + chrono::Days::new(len)).unwrap();
            let first = Period::new(start, start + chrono::Days::new(cut)).unwrap();
            let second = Period::new(start + chrono::Days::new(cut + 1), whole.end()).unwrap();
            let dates = EmploymentDates { hire_date: Some(hire), ..Default::default() };
            #[expect(clippy::cast_precision_loss, reason = "small day counts")]
            let days = |p: &Period| p.days() as f64;
            let sum = employed_share(&dates, &first) * days(&first) + employed_share(&dates, &second) * days(&second);
            prop_assert!((sum - employed_share(&dates, &whole) * days(&whole)).abs() < 1e-6);
        }
    }
}
