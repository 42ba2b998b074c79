//! Identifiers: UUIDv7 (time-ordered, so ordering by id is ordering by creation).

use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A new id from the time and randomness the caller supplies.
            pub fn from_uuid(id: uuid::Uuid) -> Self {
                Self(id)
            }
            pub fn as_uuid(&self) -> uuid::Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// An employee's Learnwell id.
    EmployeeId
);
id_type!(
    /// An org unit's Learnwell id.
    OrgUnitId
);
id_type!(
    /// One HRIS sync run.
    SyncRunId
);
id_type!(
    /// A multi-request HRIS reconcile (open, pages, commit).
    ReconcileRunId
);
id_type!(
    /// One audit event.
    AuditEventId
);
id_type!(
    /// A course in the catalog.
    CourseId
);
id_type!(
    /// A skill in the catalog.
    SkillId
);
id_type!(
    /// One enrolment of an employee in a course.
    EnrollmentId
);
id_type!(
    /// One learning record (learning that happened, from any source).
    LearningRecordId
);
id_type!(
    /// A learning-time policy.
    PolicyId
);
id_type!(
    /// One learning-time entry.
    TimeEntryId
);
id_type!(
    /// A performance-advising engagement.
    EngagementId
);
id_type!(
    /// One focus area of an advising plan (kept across amendments, so progress follows it).
    FocusAreaId
);
id_type!(
    /// One check-in of an advising engagement.
    CheckInId
);
id_type!(
    /// One advisor note (encrypted at rest).
    NoteId
);
id_type!(
    /// A referral from an advising engagement to a coach, a mentor or the EAP.
    ReferralId
);
id_type!(
    /// A PD budget policy (per fiscal year and job level).
    BudgetPolicyId
);
id_type!(
    /// One employee's PD budget for one fiscal year.
    BudgetId
);
id_type!(
    /// A request to spend from a PD budget.
    SpendRequestId
);
id_type!(
    /// A mentoring or coaching engagement.
    MentoringEngagementId
);
id_type!(
    /// A mentor's or coach's profile.
    MentorProfileId
);
id_type!(
    /// A mentee's request for a mentor or coach.
    MentoringRequestId
);
id_type!(
    /// One session of an engagement.
    SessionId
);
id_type!(
    /// A leadership programme (e.g. Emerging Leaders).
    ProgrammeId
);
id_type!(
    /// One cohort of a leadership programme.
    CohortId
);
id_type!(
    /// One person's membership of a cohort.
    MembershipId
);
id_type!(
    /// A leadership position.
    PositionId
);
id_type!(
    /// One readiness assessment of a person.
    ReadinessAssessmentId
);
id_type!(
    /// One 9-box talent review of a person.
    TalentReviewId
);
id_type!(
    /// A graduate's placement into a leadership position.
    PlacementId
);
