//! Learning: enrolments (the aggregate and its status rules), scores, learning records and the
//! rows an LMS import sends.

use crate::ids::{CourseId, EmployeeId, LearningRecordId};
use crate::org::Label;
use crate::FieldError;
use chrono::{DateTime, NaiveDate, Utc};

pub mod bulk;
mod enrollment;
pub mod import;
pub mod stats;

pub use enrollment::{
    enroll, ensure_enrollable, ensure_offered, Completion, Enrolled, Enrollment, EnrollmentChange,
    NewEnrollment, StoredEnrollment, Update,
};

code_enum!(
    /// Where an enrolment is.
    EnrollmentStatus, "status" {
        /// Signed up or assigned, not started yet.
        Enrolled = "enrolled",
        /// Started, not finished.
        InProgress = "in_progress",
        /// Finished on its completion date (with a score when one was given); never
        /// changes again.
        Completed = "completed",
        /// Left before completing; the person may enrol again.
        Withdrawn = "withdrawn",
    }
);

code_enum!(
    /// Where a learning record came from.
    LearningSource, "source" {
        /// Written by Learnwell when an enrolment is completed by hand (the course's
        /// estimated minutes).
        Manual = "manual",
        /// A row of an LMS import, recorded once per source id.
        Import = "import",
        /// An xAPI statement sent to the LRS.
        Xapi = "xapi",
        /// A mentoring session (sessions are learning-time entries today; no use case
        /// writes such a record yet).
        Mentoring = "mentoring",
        /// A coaching session (sessions are learning-time entries today; no use case
        /// writes such a record yet).
        Coaching = "coaching",
    }
);

code_enum!(
    /// Whether the learner chose the course or it was assigned to them.
    EnrollmentOrigin, "origin" {
        /// The learner enrolled themselves.
        SelfEnrolled = "self_enrolled",
        /// Enrolled by someone else: their manager (for a transitive report) or an L&D
        /// admin, alone or in a bulk assignment.
        Assigned = "assigned",
    }
);

/// May an enrolment move from `from` to `to`?
///
/// Allowed: `enrolled` -> `in_progress` | `completed` | `withdrawn`, `in_progress` ->
/// `completed` | `withdrawn`, and `withdrawn` -> `enrolled` (re-enrolment). Staying in the same
/// status is a no-op and allowed. A completed enrolment never changes (one per person and course).
pub fn transition(from: EnrollmentStatus, to: EnrollmentStatus) -> Result<(), FieldError> {
    use EnrollmentStatus::{Completed, Enrolled, InProgress, Withdrawn};
    match (from, to) {
        _ if from == to => Ok(()),
        (Enrolled, InProgress | Completed | Withdrawn)
        | (InProgress, Completed | Withdrawn)
        | (Withdrawn, Enrolled) => Ok(()),
        (Completed, _) => Err(FieldError::new(
            "status",
            "a completed enrolment is not reopened; record further learning as a learning record",
        )),
        _ => Err(FieldError::new(
            "status",
            format!("an enrolment cannot move from {from} to {to}"),
        )),
    }
}

/// A result as a percentage: finite, 0.0..=100.0.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Score(f64);

impl Score {
    /// A score in 0.0..=100.0; NaN and infinities are refused.
    pub fn new(percent: f64) -> Result<Self, FieldError> {
        if !percent.is_finite() || !(0.0..=100.0).contains(&percent) {
            return Err(FieldError::new("score", "must be between 0 and 100"));
        }
        // `abs` only turns -0.0 into 0.0 here: everything else in range is already positive.
        Ok(Self(percent.abs()))
    }

    /// The percentage.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// Learning that happened, from any source; `(source, source_id)` is unique, so every import
/// and every xAPI statement is recorded once.
#[derive(Debug, Clone, PartialEq)]
pub struct LearningRecord {
    pub id: LearningRecordId,
    pub employee_id: EmployeeId,
    pub course_id: Option<CourseId>,
    pub title: Label,
    pub completed_on: NaiveDate,
    pub minutes: u32,
    pub score: Option<Score>,
    pub source: LearningSource,
    pub source_id: String,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use EnrollmentStatus::{Completed, Enrolled, InProgress, Withdrawn};

    #[test]
    fn the_usual_enrolment_paths_are_allowed() {
        for (from, to) in [
            (Enrolled, InProgress),
            (Enrolled, Completed),
            (InProgress, Completed),
            (Enrolled, Withdrawn),
            (InProgress, Withdrawn),
            (Withdrawn, Enrolled),
        ] {
            assert!(transition(from, to).is_ok(), "{from} -> {to}");
        }
    }

    #[test]
    fn staying_in_the_same_status_is_a_no_op() {
        for s in EnrollmentStatus::ALL {
            assert!(transition(*s, *s).is_ok());
        }
    }

    #[test]
    fn a_completed_enrolment_is_never_reopened() {
        for to in [Enrolled, InProgress, Withdrawn] {
            let err = transition(Completed, to).unwrap_err();
            assert_eq!(err.field, "status");
            assert_eq!(
                err.message,
                "a completed enrolment is not reopened; record further learning as a learning record"
            );
        }
    }

    #[test]
    fn other_moves_are_refused_naming_both_states() {
        for (from, to) in [
            (InProgress, Enrolled),
            (Withdrawn, InProgress),
            (Withdrawn, Completed),
        ] {
            let err = transition(from, to).unwrap_err();
            assert!(err.message.contains(from.code()) && err.message.contains(to.code()));
        }
    }

    #[test]
    fn scores_are_finite_percentages() {
        assert!((Score::new(87.5).unwrap().get() - 87.5).abs() < f64::EPSILON);
        assert!(Score::new(100.0).is_ok());
        assert!(Score::new(0.0).is_ok());
        assert!(Score::new(-0.0).unwrap().get().is_sign_positive());
        for bad in [-0.1, 100.1, f64::NAN, f64::INFINITY] {
            assert_eq!(Score::new(bad).unwrap_err().field, "score");
        }
    }

    #[test]
    fn learning_codes_round_trip() {
        for s in LearningSource::ALL {
            assert_eq!(LearningSource::parse(s.code()).unwrap(), *s);
        }
        for o in EnrollmentOrigin::ALL {
            assert_eq!(EnrollmentOrigin::parse(o.code()).unwrap(), *o);
        }
        assert_eq!(LearningSource::parse("lms").unwrap_err().field, "source");
    }

    #[test]
    fn exactly_the_listed_moves_and_the_no_ops_are_allowed() {
        let allowed = EnrollmentStatus::ALL
            .iter()
            .flat_map(|a| EnrollmentStatus::ALL.iter().map(move |b| (*a, *b)))
            .filter(|(a, b)| transition(*a, *b).is_ok())
            .count();
        assert_eq!(allowed, 6 + EnrollmentStatus::ALL.len());
    }

    proptest! {
        #[test]
        fn every_accepted_score_is_in_range(p in proptest::num::f64::ANY) {
            if let Ok(s) = Score::new(p) {
                prop_assert!((0.0..=100.0).contains(&s.get()));
            }
        }
    }
}
