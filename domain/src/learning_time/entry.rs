//! Time entries: logged learning minutes, their checks and their approval.

use crate::catalog::{Description, Minutes};
use crate::ids::{CourseId, EmployeeId, LearningRecordId, SkillId, TimeEntryId};
use crate::org::EmploymentDates;
use crate::{FieldError, Rule};
use chrono::{DateTime, NaiveDate, Utc};

code_enum!(
    /// What kind of learning an entry was. `exploratory` needs no justification.
    EntryCategory, "category" {
        /// Learning someone was asked to do, e.g. an assigned course; LMS completions of
        /// catalog courses land here.
        Assigned = "assigned",
        /// Learning for the person's current role, chosen by them; LMS completions without
        /// a catalog course land here.
        RoleRelated = "role_related",
        /// Learning whose use is not known yet: needs no justification and can be linked
        /// to a skill, role or project later.
        Exploratory = "exploratory",
        /// Time with a mentor, as the mentee (mentoring sessions are logged here).
        Mentoring = "mentoring",
        /// Time with a coach, as the client (coaching sessions are logged here).
        Coaching = "coaching",
        /// A performance-advising session, as the client (a check-in's session minutes).
        Advising = "advising",
    }
);

code_enum!(
    /// Whether an entry needs, awaits or got the manager's approval.
    ApprovalState, "approval_state" {
        /// At or below the policy's approval threshold (or no threshold): counts without
        /// anyone's approval.
        NotRequired = "not_required",
        /// Above the policy's threshold and waiting for the manager; counts meanwhile.
        Pending = "pending",
        /// Approved by the employee's manager, or attested by the system that reported it
        /// (xAPI, an LMS import).
        Approved = "approved",
        /// Rejected by the employee's manager: counts nowhere.
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

/// What a person says about learning time they spent (the fields they may change).
#[derive(Debug, Clone, PartialEq)]
pub struct EntryData {
    pub date: NaiveDate,
    pub minutes: EntryMinutes,
    pub in_work_time: bool,
    pub category: EntryCategory,
    pub course_id: Option<CourseId>,
    pub skill_id: Option<SkillId>,
    pub learning_record_id: Option<LearningRecordId>,
    pub note: Option<Description>,
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

impl TimeEntry {
    /// A new entry: version 1, waiting for approval when above the policy's `threshold`.
    pub fn new(
        id: TimeEntryId,
        employee_id: EmployeeId,
        data: EntryData,
        threshold: Option<u32>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            employee_id,
            date: data.date,
            minutes: data.minutes,
            in_work_time: data.in_work_time,
            category: data.category,
            course_id: data.course_id,
            skill_id: data.skill_id,
            learning_record_id: data.learning_record_id,
            note: data.note,
            approval: approval_for(data.minutes.get(), threshold),
            decided_by: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// The same entry holding `data`: the next version. Any earlier decision is dropped, so an
    /// approved entry that still needs approval (above `threshold`) waits for it again.
    #[must_use]
    pub fn edited(&self, data: EntryData, threshold: Option<u32>, now: DateTime<Utc>) -> Self {
        Self {
            version: self.version,
            created_at: self.created_at,
            ..Self::new(self.id, self.employee_id, data, threshold, now)
        }
        .next(now)
    }

    /// Approve or reject (as `by`, a token subject): only a pending entry.
    pub fn decided(&self, approve: bool, by: &str, now: DateTime<Utc>) -> Result<Self, Rule> {
        if self.approval != ApprovalState::Pending {
            return Err(Rule::NotPending {
                state: self.approval.code(),
            });
        }
        Ok(Self {
            approval: if approve {
                ApprovalState::Approved
            } else {
                ApprovalState::Rejected
            },
            decided_by: Some(by.to_owned()),
            ..self.clone()
        }
        .next(now))
    }

    /// The next version, changed `now`: the one place an entry's version is bumped.
    fn next(self, now: DateTime<Utc>) -> Self {
        Self {
            version: self.version.saturating_add(1),
            updated_at: now,
            ..self
        }
    }
}

/// The learning time a completion reported by an LMS or an LRS stands for (one rule for every
/// source: xAPI statements and LMS imports alike): the record's minutes on its day, in working
/// time, approved by the system that attests it (`attested_by`, e.g. `xapi` or `import`),
/// `assigned` learning for a catalog course and `role_related` otherwise, linked to the record.
/// `None` when the record's minutes cannot be one entry (none, or more than a day).
pub fn entry_for_completion(
    record: &crate::learning::LearningRecord,
    id: TimeEntryId,
    attested_by: &str,
    now: DateTime<Utc>,
) -> Option<TimeEntry> {
    let minutes = EntryMinutes::new(i64::from(record.minutes)).ok()?;
    Some(TimeEntry {
        id,
        employee_id: record.employee_id,
        date: record.completed_on,
        minutes,
        in_work_time: true,
        category: if record.course_id.is_some() {
            EntryCategory::Assigned
        } else {
            EntryCategory::RoleRelated
        },
        course_id: record.course_id,
        skill_id: None,
        learning_record_id: Some(record.id),
        note: None,
        approval: ApprovalState::Approved,
        decided_by: Some(attested_by.to_owned()),
        version: 1,
        created_at: now,
        updated_at: now,
    })
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

    fn entry(minutes: i64, threshold: Option<u32>) -> TimeEntry {
        let data = EntryData {
            date: d(2026, 3, 2),
            minutes: mins(minutes),
            in_work_time: true,
            category: EntryCategory::Exploratory,
            course_id: None,
            skill_id: None,
            learning_record_id: None,
            note: None,
        };
        let id = TimeEntryId::from_uuid(uuid::Uuid::from_u128(9));
        TimeEntry::new(id, employee(1), data, threshold, DateTime::UNIX_EPOCH)
    }

    #[test]
    fn a_long_entry_waits_and_a_decision_is_the_next_version() {
        let short = entry(60, Some(120));
        assert_eq!(
            (short.approval, short.version),
            (ApprovalState::NotRequired, 1)
        );
        let err = short
            .decided(true, "boss", DateTime::UNIX_EPOCH)
            .unwrap_err();
        assert_eq!(err.to_string(), "this entry is not_required, not pending");
        let long = entry(180, Some(120));
        assert_eq!(long.approval, ApprovalState::Pending);
        let later = DateTime::UNIX_EPOCH + chrono::Duration::hours(1);
        let approved = long.decided(true, "boss", later).unwrap();
        assert_eq!(
            (
                approved.approval,
                approved.decided_by.as_deref(),
                approved.version
            ),
            (ApprovalState::Approved, Some("boss"), 2)
        );
        assert_eq!(
            (approved.created_at, approved.updated_at),
            (DateTime::UNIX_EPOCH, later)
        );
        let rejected = entry(180, Some(120)).decided(false, "boss", later).unwrap();
        assert_eq!(rejected.approval, ApprovalState::Rejected);
        assert!(approved.decided(false, "boss", later).is_err());
    }

    #[test]
    fn editing_an_approved_entry_sends_it_back_for_approval() {
        let approved = entry(180, Some(120))
            .decided(true, "boss", DateTime::UNIX_EPOCH)
            .unwrap();
        let mut data = entry(200, None);
        data.version = 99;
        let again = approved.edited(
            EntryData {
                date: data.date,
                minutes: data.minutes,
                in_work_time: false,
                category: data.category,
                course_id: None,
                skill_id: None,
                learning_record_id: None,
                note: None,
            },
            Some(120),
            DateTime::UNIX_EPOCH,
        );
        assert_eq!(
            (again.approval, again.decided_by.clone(), again.version),
            (ApprovalState::Pending, None, 3)
        );
        assert!(!again.in_work_time);
        assert_eq!(
            (again.id, again.employee_id),
            (approved.id, approved.employee_id)
        );
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
