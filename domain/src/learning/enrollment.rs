//! An enrolment: one person in one course, the moves it makes and the rules around it.
//!
//! Every change goes through a method here; the version bump and `updated_at` happen in one
//! private place ([`Enrollment::touched`]), so a stored enrolment's version counts its changes.

use super::{
    transition, EnrollmentOrigin, EnrollmentStatus, LearningRecord, LearningSource, Score,
};
use crate::catalog::Course;
use crate::ids::{CourseId, EmployeeId, EnrollmentId, LearningRecordId};
use crate::org::EmployeeStatus;
use crate::{DomainError, FieldError, Rule};
use chrono::{DateTime, NaiveDate, Utc};

/// A person's enrolment in a course (one per person and course).
#[derive(Debug, Clone, PartialEq)]
pub struct Enrollment {
    id: EnrollmentId,
    employee_id: EmployeeId,
    course_id: CourseId,
    origin: EnrollmentOrigin,
    assigned_by: Option<String>,
    status: EnrollmentStatus,
    due_date: Option<NaiveDate>,
    completed_on: Option<NaiveDate>,
    score: Option<Score>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// Every field of a stored enrolment, as persistence reads it back ([`Enrollment::restore`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEnrollment {
    pub id: EnrollmentId,
    pub employee_id: EmployeeId,
    pub course_id: CourseId,
    pub origin: EnrollmentOrigin,
    pub assigned_by: Option<String>,
    pub status: EnrollmentStatus,
    pub due_date: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub score: Option<Score>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a new enrolment is: whose, in which course, how it came about and when it is due.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEnrollment {
    pub id: EnrollmentId,
    pub employee_id: EmployeeId,
    pub course_id: CourseId,
    pub origin: EnrollmentOrigin,
    /// Who enrols (the token subject); kept as `assigned_by` for assigned enrolments.
    pub by: String,
    pub due_date: Option<NaiveDate>,
}

/// What enrolling someone did.
#[derive(Debug, Clone, PartialEq)]
pub enum Enrolled {
    /// The person was enrolled already (and not withdrawn): nothing changed.
    Already(Enrollment),
    /// A withdrawn enrolment is open again.
    Again(Enrollment),
    /// A new enrolment.
    Created(Enrollment),
}

impl Enrolled {
    /// The enrolment, whatever happened.
    pub fn enrollment(&self) -> &Enrollment {
        match self {
            Enrolled::Already(e) | Enrolled::Again(e) | Enrolled::Created(e) => e,
        }
    }
}

/// A requested change: any of a new status, the completion's day and score, a due date.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EnrollmentChange {
    pub status: Option<EnrollmentStatus>,
    /// Only with the move to `completed` (default: today).
    pub completed_on: Option<NaiveDate>,
    /// Only with the move to `completed`.
    pub score: Option<Score>,
    pub due_date: Option<NaiveDate>,
}

/// What a change did.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    /// Nothing changed (the same status, due date and score): nothing to write.
    Unchanged,
    /// The enrolment changed.
    Changed(Enrollment),
    /// The enrolment is completed now: its learning record is to be written
    /// ([`Enrollment::completion_record`]).
    Completed(Enrollment),
}

/// Which learning record completed which enrolment, and what the enrolment was before, so that
/// removing the record reopens it.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub learning_record_id: LearningRecordId,
    pub enrollment_id: EnrollmentId,
    pub previous_status: EnrollmentStatus,
    pub previous_score: Option<Score>,
}

/// A terminated person cannot be enrolled (neither by themselves nor by anyone else).
pub fn ensure_enrollable(employee: EmployeeStatus) -> Result<(), Rule> {
    if employee == EmployeeStatus::Terminated {
        return Err(Rule::EmployeeTerminated { action: "enrolled" });
    }
    Ok(())
}

/// An archived course stays for history but is no longer offered: nobody enrols in it.
pub fn ensure_offered(course: &Course) -> Result<(), Rule> {
    if course.data.archived {
        return Err(Rule::CourseArchived);
    }
    Ok(())
}

/// Enrol someone: a new enrolment; a withdrawn one enrolled again (with the new origin and, when
/// given, the new due date); or the existing one, unchanged.
pub fn enroll(existing: Option<Enrollment>, new: NewEnrollment, now: DateTime<Utc>) -> Enrolled {
    match existing {
        Some(e) if e.status != EnrollmentStatus::Withdrawn => Enrolled::Already(e),
        Some(e) => Enrolled::Again(e.enrolled_again(new.origin, new.due_date, now)),
        None => Enrolled::Created(Enrollment::new(new, now)),
    }
}

impl Enrollment {
    /// A new enrolment, `enrolled`, at version 1.
    pub fn new(n: NewEnrollment, now: DateTime<Utc>) -> Self {
        Self {
            id: n.id,
            employee_id: n.employee_id,
            course_id: n.course_id,
            origin: n.origin,
            assigned_by: (n.origin == EnrollmentOrigin::Assigned).then_some(n.by),
            status: EnrollmentStatus::Enrolled,
            due_date: n.due_date,
            completed_on: None,
            score: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// An enrolment as it was stored.
    pub fn restore(s: StoredEnrollment) -> Self {
        Self {
            id: s.id,
            employee_id: s.employee_id,
            course_id: s.course_id,
            origin: s.origin,
            assigned_by: s.assigned_by,
            status: s.status,
            due_date: s.due_date,
            completed_on: s.completed_on,
            score: s.score,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }

    pub fn id(&self) -> EnrollmentId {
        self.id
    }
    pub fn employee_id(&self) -> EmployeeId {
        self.employee_id
    }
    pub fn course_id(&self) -> CourseId {
        self.course_id
    }
    pub fn origin(&self) -> EnrollmentOrigin {
        self.origin
    }
    /// Who assigned it (the token subject), for assigned enrolments.
    pub fn assigned_by(&self) -> Option<&str> {
        self.assigned_by.as_deref()
    }
    pub fn status(&self) -> EnrollmentStatus {
        self.status
    }
    pub fn due_date(&self) -> Option<NaiveDate> {
        self.due_date
    }
    pub fn completed_on(&self) -> Option<NaiveDate> {
        self.completed_on
    }
    pub fn score(&self) -> Option<Score> {
        self.score
    }
    /// Counts the changes: 1 when created, one more for each change.
    pub fn version(&self) -> i64 {
        self.version
    }
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    pub fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    /// Neither completed nor withdrawn.
    pub fn is_open(&self) -> bool {
        matches!(
            self.status,
            EnrollmentStatus::Enrolled | EnrollmentStatus::InProgress
        )
    }

    /// Open (not completed or withdrawn) and due before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.due_date.is_some_and(|d| d < today)
    }

    /// The one place a change is counted.
    fn touched(mut self, now: DateTime<Utc>) -> Self {
        self.version += 1;
        self.updated_at = now;
        self
    }

    /// A withdrawn enrolment, enrolled again; the due date stays unless a new one is given.
    fn enrolled_again(
        self,
        origin: EnrollmentOrigin,
        due_date: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            status: EnrollmentStatus::Enrolled,
            origin,
            due_date: due_date.or(self.due_date),
            ..self
        }
        .touched(now)
    }

    /// Apply a change. The status moves as [`transition`] allows; a completion's day (default
    /// today) is not in the future and comes, with a score, only with the move to `completed`.
    pub fn update(&self, c: EnrollmentChange, now: DateTime<Utc>) -> Result<Update, DomainError> {
        let status = c.status.unwrap_or(self.status);
        transition(self.status, status)?;
        let today = now.date_naive();
        let completing = status == EnrollmentStatus::Completed && self.status != status;
        let completed_on = if completing {
            let day = c.completed_on.unwrap_or(today);
            if day > today {
                return Err(FieldError::new("completed_on", "must not be in the future").into());
            }
            Some(day)
        } else if c.completed_on.is_some() || c.score.is_some() {
            return Err(FieldError::new(
                "status",
                "completed_on and score go with the change to completed",
            )
            .into());
        } else {
            self.completed_on
        };
        let next = Self {
            status,
            completed_on,
            score: c.score.or(self.score),
            due_date: c.due_date.or(self.due_date),
            ..self.clone()
        };
        if next.status == self.status && next.due_date == self.due_date && next.score == self.score
        {
            return Ok(Update::Unchanged);
        }
        let next = next.touched(now);
        Ok(if completing {
            Update::Completed(next)
        } else {
            Update::Changed(next)
        })
    }

    /// Start the course.
    pub fn start(&self, now: DateTime<Utc>) -> Result<Update, DomainError> {
        self.update(to_status(EnrollmentStatus::InProgress), now)
    }

    /// Complete it on `on` (default today), with a score.
    pub fn complete(
        &self,
        on: Option<NaiveDate>,
        score: Option<Score>,
        now: DateTime<Utc>,
    ) -> Result<Update, DomainError> {
        let change = EnrollmentChange {
            completed_on: on,
            score,
            ..to_status(EnrollmentStatus::Completed)
        };
        self.update(change, now)
    }

    /// Withdraw from the course.
    pub fn withdraw(&self, now: DateTime<Utc>) -> Result<Update, DomainError> {
        self.update(to_status(EnrollmentStatus::Withdrawn), now)
    }

    /// Set the due date.
    pub fn set_due_date(&self, due: NaiveDate, now: DateTime<Utc>) -> Result<Update, DomainError> {
        let change = EnrollmentChange {
            due_date: Some(due),
            ..EnrollmentChange::default()
        };
        self.update(change, now)
    }

    /// The learning record of this (completed) enrolment: the course's title and estimate, the
    /// completion's day and score; one per enrolment, whatever retries happen (its `source_id`).
    pub fn completion_record(
        &self,
        course: &Course,
        id: LearningRecordId,
        now: DateTime<Utc>,
    ) -> LearningRecord {
        LearningRecord {
            id,
            employee_id: self.employee_id,
            course_id: Some(course.id),
            title: course.data.title.clone(),
            completed_on: self.completed_on.unwrap_or_else(|| now.date_naive()),
            minutes: course.data.estimated_minutes,
            score: self.score,
            source: LearningSource::Manual,
            source_id: format!("enrollment:{}", self.id),
            created_at: now,
        }
    }

    /// A learning record of this person and course (imported, or from xAPI) completes this open
    /// enrolment on the record's day, with its score (or the one it had). `None` when the record
    /// is someone else's, of another course, or the enrolment is not open.
    pub fn completed_by(
        &self,
        record: &LearningRecord,
        now: DateTime<Utc>,
    ) -> Option<(Self, Completion)> {
        if !self.is_open()
            || record.employee_id != self.employee_id
            || record.course_id != Some(self.course_id)
        {
            return None;
        }
        let completion = Completion {
            learning_record_id: record.id,
            enrollment_id: self.id,
            previous_status: self.status,
            previous_score: self.score,
        };
        let done = Self {
            status: EnrollmentStatus::Completed,
            completed_on: Some(record.completed_on),
            score: record.score.or(self.score),
            ..self.clone()
        }
        .touched(now);
        Some((done, completion))
    }

    /// The record of `completion` was removed but `remaining` (the person's newest other record of
    /// the course) still completes the enrolment: it stays completed, by that record's day and
    /// score. `None` when the enrolment is not completed (changed since: left as it is).
    pub fn completed_instead_by(
        &self,
        completion: &Completion,
        remaining: &LearningRecord,
        now: DateTime<Utc>,
    ) -> Option<(Self, Completion)> {
        if self.status != EnrollmentStatus::Completed {
            return None;
        }
        let moved = Completion {
            learning_record_id: remaining.id,
            ..completion.clone()
        };
        let changed = Self {
            completed_on: Some(remaining.completed_on),
            score: remaining.score.or(completion.previous_score),
            ..self.clone()
        }
        .touched(now);
        Some((changed, moved))
    }

    /// The record of `completion` was removed (its xAPI statement voided) and no other record
    /// completes the enrolment: it goes back to the status and score it had, without a completion
    /// day. `None` when the enrolment is not completed (changed since: left as it is).
    pub fn reopen(&self, completion: &Completion, now: DateTime<Utc>) -> Option<Self> {
        if self.status != EnrollmentStatus::Completed {
            return None;
        }
        let reopened = Self {
            status: completion.previous_status,
            completed_on: None,
            score: completion.previous_score,
            ..self.clone()
        }
        .touched(now);
        Some(reopened)
    }
}

fn to_status(to: EnrollmentStatus) -> EnrollmentChange {
    EnrollmentChange {
        status: Some(to),
        ..EnrollmentChange::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{CourseCode, CourseData, Modality, Provider};
    use crate::org::Label;
    use chrono::TimeZone;
    use proptest::prelude::*;
    use EnrollmentStatus::{Completed, Enrolled as Open, InProgress, Withdrawn};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
    }
    fn later() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 11, 9, 0, 0).unwrap()
    }
    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }
    fn new(origin: EnrollmentOrigin) -> NewEnrollment {
        NewEnrollment {
            id: EnrollmentId::from_uuid(uuid::Uuid::from_u128(1)),
            employee_id: EmployeeId::from_uuid(uuid::Uuid::from_u128(2)),
            course_id: CourseId::from_uuid(uuid::Uuid::from_u128(3)),
            origin,
            by: "manager-1".into(),
            due_date: Some(day(31)),
        }
    }
    fn enrolled() -> Enrollment {
        Enrollment::new(new(EnrollmentOrigin::Assigned), now())
    }
    fn in_status(status: EnrollmentStatus) -> Enrollment {
        Enrollment {
            status,
            ..enrolled()
        }
    }
    fn course(archived: bool) -> Course {
        Course {
            id: CourseId::from_uuid(uuid::Uuid::from_u128(3)),
            data: CourseData {
                code: CourseCode::parse("LEAD-101").unwrap(),
                title: Label::parse("Leading people").unwrap(),
                description: None,
                provider: Provider::Internal,
                modality: Modality::Online,
                level: None,
                estimated_minutes: 90,
                xapi_activity_id: None,
                skills: vec![],
                archived,
            },
            version: 1,
            created_at: now(),
            updated_at: now(),
        }
    }
    fn record(completed_on: NaiveDate, score: Option<f64>) -> LearningRecord {
        let e = enrolled();
        LearningRecord {
            id: LearningRecordId::from_uuid(uuid::Uuid::from_u128(9)),
            employee_id: e.employee_id(),
            course_id: Some(e.course_id()),
            title: Label::parse("Leading people").unwrap(),
            completed_on,
            minutes: 90,
            score: score.map(|s| Score::new(s).unwrap()),
            source: LearningSource::Xapi,
            source_id: "s-1".into(),
            created_at: now(),
        }
    }
    fn changed(u: Update) -> Enrollment {
        match u {
            Update::Changed(e) | Update::Completed(e) => e,
            Update::Unchanged => panic!("expected a change"),
        }
    }

    #[test]
    fn a_new_enrolment_is_enrolled_at_version_one_and_names_its_assigner_only_when_assigned() {
        let e = enrolled();
        assert_eq!((e.status(), e.version()), (Open, 1));
        assert_eq!(e.assigned_by(), Some("manager-1"));
        assert_eq!((e.created_at(), e.updated_at()), (now(), now()));
        let mine = Enrollment::new(new(EnrollmentOrigin::SelfEnrolled), now());
        assert_eq!(mine.assigned_by(), None);
    }

    #[test]
    fn restoring_keeps_every_field() {
        let e = in_status(Completed);
        let again = Enrollment::restore(StoredEnrollment {
            id: e.id(),
            employee_id: e.employee_id(),
            course_id: e.course_id(),
            origin: e.origin(),
            assigned_by: e.assigned_by().map(str::to_owned),
            status: e.status(),
            due_date: e.due_date(),
            completed_on: e.completed_on(),
            score: e.score(),
            version: e.version(),
            created_at: e.created_at(),
            updated_at: e.updated_at(),
        });
        assert_eq!(again, e);
    }

    #[test]
    fn terminated_people_and_archived_courses_are_not_enrolled() {
        assert_eq!(
            ensure_enrollable(EmployeeStatus::Terminated),
            Err(Rule::EmployeeTerminated { action: "enrolled" })
        );
        assert_eq!(
            Rule::EmployeeTerminated { action: "enrolled" }.to_string(),
            "terminated employees cannot be enrolled"
        );
        assert!(ensure_enrollable(EmployeeStatus::Active).is_ok());
        assert_eq!(ensure_offered(&course(true)), Err(Rule::CourseArchived));
        assert!(ensure_offered(&course(false)).is_ok());
    }

    #[test]
    fn enrolling_again_reopens_only_a_withdrawn_enrolment() {
        let open = enrolled();
        assert_eq!(
            enroll(
                Some(open.clone()),
                new(EnrollmentOrigin::SelfEnrolled),
                later()
            ),
            Enrolled::Already(open)
        );
        let gone = in_status(Withdrawn);
        let mut fresh = new(EnrollmentOrigin::SelfEnrolled);
        fresh.due_date = None;
        let Enrolled::Again(e) = enroll(Some(gone), fresh, later()) else {
            panic!("expected a re-enrolment")
        };
        assert_eq!(
            (e.status(), e.origin()),
            (Open, EnrollmentOrigin::SelfEnrolled)
        );
        assert_eq!(e.due_date(), Some(day(31)), "the old due date stays");
        assert_eq!((e.version(), e.updated_at()), (2, later()));
        assert!(matches!(
            enroll(None, new(EnrollmentOrigin::Assigned), now()),
            Enrolled::Created(_)
        ));
    }

    #[test]
    fn completing_sets_the_day_and_score_and_asks_for_the_record() {
        let score = Score::new(80.0).unwrap();
        let Update::Completed(done) = enrolled()
            .complete(Some(day(9)), Some(score), later())
            .unwrap()
        else {
            panic!("expected a completion")
        };
        assert_eq!(done.status(), Completed);
        assert_eq!(
            (done.completed_on(), done.score()),
            (Some(day(9)), Some(score))
        );
        assert_eq!((done.version(), done.updated_at()), (2, later()));
        let r = done.completion_record(
            &course(false),
            LearningRecordId::from_uuid(uuid::Uuid::from_u128(5)),
            later(),
        );
        assert_eq!(r.source_id, format!("enrollment:{}", done.id()));
        assert_eq!(
            (r.minutes, r.completed_on, r.score),
            (90, day(9), Some(score))
        );
        assert_eq!(
            (r.source, r.title.as_str()),
            (LearningSource::Manual, "Leading people")
        );
    }

    #[test]
    fn a_completion_defaults_to_today_and_is_never_in_the_future() {
        let done = changed(enrolled().complete(None, None, later()).unwrap());
        assert_eq!(done.completed_on(), Some(later().date_naive()));
        let err = enrolled()
            .complete(Some(day(12)), None, later())
            .unwrap_err();
        assert_eq!(
            err,
            DomainError::from(FieldError::new("completed_on", "must not be in the future"))
        );
    }

    #[test]
    fn a_day_or_score_without_the_move_to_completed_is_refused() {
        let score = Score::new(10.0).unwrap();
        for c in [
            EnrollmentChange {
                score: Some(score),
                ..EnrollmentChange::default()
            },
            EnrollmentChange {
                completed_on: Some(day(1)),
                ..to_status(InProgress)
            },
        ] {
            let err = enrolled().update(c, later()).unwrap_err();
            assert_eq!(
                err,
                DomainError::from(FieldError::new(
                    "status",
                    "completed_on and score go with the change to completed"
                ))
            );
        }
    }

    #[test]
    fn the_status_moves_as_transition_allows() {
        assert_eq!(
            changed(enrolled().start(later()).unwrap()).status(),
            InProgress
        );
        assert_eq!(
            changed(enrolled().withdraw(later()).unwrap()).status(),
            Withdrawn
        );
        let err = in_status(Completed).withdraw(later()).unwrap_err();
        assert!(matches!(err, DomainError::Invalid(ref e) if e[0].field == "status"));
        assert!(in_status(InProgress)
            .update(to_status(Open), later())
            .is_err());
    }

    #[test]
    fn nothing_changed_writes_nothing_and_keeps_the_version() {
        let e = enrolled();
        assert_eq!(
            e.update(to_status(Open), later()).unwrap(),
            Update::Unchanged
        );
        assert_eq!(e.set_due_date(day(31), later()).unwrap(), Update::Unchanged);
        let moved = changed(e.set_due_date(day(20), later()).unwrap());
        assert_eq!((moved.due_date(), moved.version()), (Some(day(20)), 2));
    }

    #[test]
    fn a_record_completes_an_open_enrolment_and_remembers_what_it_was() {
        let e = in_status(InProgress);
        let (done, c) = e
            .completed_by(&record(day(8), Some(70.0)), later())
            .unwrap();
        assert_eq!(
            (done.status(), done.completed_on()),
            (Completed, Some(day(8)))
        );
        assert_eq!(done.score(), Some(Score::new(70.0).unwrap()));
        assert_eq!(done.version(), 2);
        assert_eq!((c.previous_status, c.previous_score), (InProgress, None));
        assert_eq!(c.enrollment_id, e.id());
        assert!(in_status(Withdrawn)
            .completed_by(&record(day(8), None), later())
            .is_none());
        let other = LearningRecord {
            course_id: None,
            ..record(day(8), None)
        };
        assert!(e.completed_by(&other, later()).is_none());
    }

    #[test]
    fn removing_the_completing_record_reopens_or_moves_the_completion() {
        let (done, c) = enrolled()
            .completed_by(&record(day(8), Some(70.0)), now())
            .unwrap();
        let back = done.reopen(&c, later()).unwrap();
        assert_eq!(
            (back.status(), back.completed_on(), back.score()),
            (Open, None, None)
        );
        assert_eq!(back.version(), 3);
        let other = LearningRecord {
            id: LearningRecordId::from_uuid(uuid::Uuid::from_u128(10)),
            ..record(day(5), None)
        };
        let (still, moved) = done.completed_instead_by(&c, &other, later()).unwrap();
        assert_eq!(
            (still.status(), still.completed_on()),
            (Completed, Some(day(5)))
        );
        assert_eq!(
            still.score(),
            None,
            "the other record's score, or the one before"
        );
        assert_eq!(moved.learning_record_id, other.id);
        assert!(
            enrolled().reopen(&c, later()).is_none(),
            "changed since: left alone"
        );
        assert!(in_status(Withdrawn)
            .completed_instead_by(&c, &other, later())
            .is_none());
    }

    fn any_status() -> impl Strategy<Value = EnrollmentStatus> {
        prop::sample::select(EnrollmentStatus::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn every_change_bumps_the_version_by_one_and_follows_transition(
            from in any_status(),
            to in proptest::option::of(any_status()),
            due in proptest::option::of(1u32..=31),
        ) {
            let e = in_status(from);
            let c = EnrollmentChange { status: to, due_date: due.map(day), ..EnrollmentChange::default() };
            match e.update(c, later()) {
                Ok(Update::Unchanged) => {}
                Ok(Update::Changed(n) | Update::Completed(n)) => {
                    prop_assert_eq!(n.version(), e.version() + 1);
                    prop_assert_eq!(n.updated_at(), later());
                    prop_assert!(transition(from, n.status()).is_ok());
                }
                Err(_) => prop_assert!(transition(from, to.unwrap_or(from)).is_err()),
            }
        }
    }
}
