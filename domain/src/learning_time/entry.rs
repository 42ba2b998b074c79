//! Time entries: logged learning minutes, their checks and their approval.

use crate::catalog::{Description, Minutes};
use crate::ids::{CourseId, EmployeeId, LearningRecordId, SkillId, TimeEntryId};
use crate::org::EmploymentDates;
use crate::FieldError;
use chrono::{DateTime, NaiveDate, Utc};

code_enum!(
    /// What kind of learning an entry was. `exploratory` needs no justification.
    EntryCategory, "category" {
        Assigned = "assigned",
        RoleRelated = "role_related",
        Exploratory = "exploratory",
        Mentoring = "mentoring",
        Coaching = "coaching",
    }
);

code_enum!(
    /// Whether an entry needs, awaits or got the manager's approval.
    ApprovalState, "approval_state" {
        NotRequired = "not_required",
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
);

/// The minutes in one day.
pub const MINUTES_PER_DAY: u32 = 1440;

/// The minutes of one time entry: 1..=1440 (field `minutes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryMinutes(Minutes);

impl EntryMinutes {
    /// Minutes in 1..=1440.
    pub fn new(minutes: i64) -> Result<Self, FieldError> {
        Minutes::new(minutes, "minutes", MINUTES_PER_DAY).map(Self)
    }

    /// The number of minutes.
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

/// Every reason an entry of `minutes` on `date` cannot be logged (empty: it can).
///
/// The date is not after `today`, not before the hire date and not after the termination date
/// (field `date`); with the `minutes_already_that_day` logged, the day holds at most 24 hours
/// (field `minutes`, saying how many minutes are left).
pub fn check_entry(
    date: NaiveDate,
    minutes: EntryMinutes,
    today: NaiveDate,
    dates: &EmploymentDates,
    minutes_already_that_day: u32,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if date > today {
        errors.push(FieldError::new("date", "must not be in the future"));
    }
    if let Some(hire) = dates.hire_date.filter(|hire| date < *hire) {
        errors.push(FieldError::new(
            "date",
            format!("must not be before the hire date ({hire})"),
        ));
    }
    if let Some(end) = dates.termination_date.filter(|end| date > *end) {
        errors.push(FieldError::new(
            "date",
            format!("must not be after the termination date ({end})"),
        ));
    }
    if minutes_already_that_day.saturating_add(minutes.get()) > MINUTES_PER_DAY {
        let left = MINUTES_PER_DAY.saturating_sub(minutes_already_that_day);
        errors.push(FieldError::new(
            "minutes",
            format!(
                "a day holds at most {MINUTES_PER_DAY} minutes; {left} minutes are left on {date}"
            ),
        ));
    }
    errors
}

/// The approval an entry of `minutes` starts in: `pending` when it is above the policy's
/// threshold, else `not_required` (also when the policy has no threshold).
pub fn approval_for(minutes: u32, threshold: Option<u32>) -> ApprovalState {
    match threshold {
        Some(limit) if minutes > limit => ApprovalState::Pending,
        _ => ApprovalState::NotRequired,
    }
}

/// May `approver` approve (or reject) an entry of `entry_owner`? Only the owner's manager may,
/// and nobody approves their own entry (field `approver`).
pub fn may_approve(
    approver: EmployeeId,
    entry_owner: EmployeeId,
    approver_is_owners_manager: bool,
) -> Result<(), FieldError> {
    if approver == entry_owner {
        return Err(FieldError::new(
            "approver",
            "nobody approves their own learning time",
        ));
    }
    if !approver_is_owners_manager {
        return Err(FieldError::new(
            "approver",
            "only the employee's manager approves their learning time",
        ));
    }
    Ok(())
}

/// Learning time someone logged.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeEntry {
    pub id: TimeEntryId,
    pub employee_id: EmployeeId,
    pub date: NaiveDate,
    pub minutes: EntryMinutes,
    /// In working time, or outside it ("on top").
    pub in_work_time: bool,
    pub category: EntryCategory,
    pub course_id: Option<CourseId>,
    pub skill_id: Option<SkillId>,
    /// The learning record this time was spent on (set for time recorded from xAPI statements).
    pub learning_record_id: Option<LearningRecordId>,
    pub note: Option<Description>,
    pub approval: ApprovalState,
    /// Who approved or rejected it (token subject).
    pub decided_by: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn mins(n: i64) -> EntryMinutes {
        EntryMinutes::new(n).unwrap()
    }
    fn employee(n: u128) -> EmployeeId {
        EmployeeId::from_uuid(uuid::Uuid::from_u128(n))
    }
    fn employed() -> EmploymentDates {
        EmploymentDates {
            hire_date: Some(d(2025, 1, 6)),
            termination_date: Some(d(2026, 6, 30)),
            ..Default::default()
        }
    }

    #[test]
    fn entry_minutes_fit_in_a_day() {
        assert_eq!(mins(90).get(), 90);
        assert_eq!(mins(1440).get(), 1440);
        for bad in [0, -1, 1441] {
            assert_eq!(EntryMinutes::new(bad).unwrap_err().field, "minutes");
        }
    }

    #[test]
    fn an_entry_within_employment_and_the_day_is_fine() {
        let today = d(2026, 3, 10);
        assert!(check_entry(today, mins(60), today, &employed(), 1380).is_empty());
        assert!(check_entry(d(2025, 1, 6), mins(60), today, &employed(), 0).is_empty());
    }

    #[test]
    fn future_dates_and_dates_outside_employment_are_refused() {
        let today = d(2026, 3, 10);
        let errors = check_entry(d(2026, 3, 11), mins(60), today, &employed(), 0);
        assert_eq!(
            errors,
            [FieldError::new("date", "must not be in the future")]
        );
        let before = check_entry(d(2025, 1, 5), mins(60), today, &employed(), 0);
        assert_eq!(before[0].field, "date");
        assert!(before[0].message.contains("2025-01-06"));
        let after = check_entry(d(2026, 7, 1), mins(60), d(2026, 8, 1), &employed(), 0);
        assert!(after[0].message.contains("termination"));
    }

    #[test]
    fn a_day_holds_at_most_24_hours() {
        let today = d(2026, 3, 10);
        let errors = check_entry(today, mins(120), today, &employed(), 1380);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "minutes");
        assert!(errors[0].message.contains("60 minutes are left"));
        let full = check_entry(today, mins(1), today, &employed(), 2000);
        assert!(full[0].message.contains("0 minutes are left"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let errors = check_entry(d(2027, 1, 1), mins(10), d(2026, 3, 10), &employed(), 1440);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["date", "date", "minutes"]);
    }

    #[test]
    fn only_entries_above_the_threshold_wait_for_approval() {
        assert_eq!(approval_for(240, Some(240)), ApprovalState::NotRequired);
        assert_eq!(approval_for(241, Some(240)), ApprovalState::Pending);
        assert_eq!(approval_for(1440, None), ApprovalState::NotRequired);
    }

    #[test]
    fn nobody_approves_their_own_entry() {
        let err = may_approve(employee(1), employee(1), true).unwrap_err();
        assert_eq!(err.message, "nobody approves their own learning time");
        assert!(may_approve(employee(2), employee(1), false).is_err());
        assert!(may_approve(employee(2), employee(1), true).is_ok());
    }

    #[test]
    fn entry_codes_round_trip() {
        for c in EntryCategory::ALL {
            assert_eq!(EntryCategory::parse(c.code()).unwrap(), *c);
        }
        for s in ApprovalState::ALL {
            assert_eq!(ApprovalState::parse(s.code()).unwrap(), *s);
        }
        assert_eq!(EntryCategory::parse("other").unwrap_err().field, "category");
    }

    proptest! {
        #[test]
        fn an_entry_fits_the_day_exactly_when_the_total_is_at_most_1440(
            already in 0u32..3000, minutes in 1i64..=1440,
        ) {
            let today = d(2026, 3, 10);
            let errors = check_entry(today, mins(minutes), today, &employed(), already);
            let fits = u64::from(already) + minutes.unsigned_abs() <= 1440;
            prop_assert_eq!(errors.is_empty(), fits);
        }
    }
}
