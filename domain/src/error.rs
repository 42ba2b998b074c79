//! What a domain decision refuses with: field problems (the input does not parse) or a named
//! business rule the input breaks. Every rule has a stable code (the API's error table maps each
//! one to its HTTP status and GraphQL code) and a message built from its typed fields, so an
//! integrator reads the numbers, not only the code.

use crate::FieldError;

macro_rules! codes {
    ($($(#[doc = $doc:expr])* $variant:ident = $name:literal,)*) => {
        /// Every stable error code the API answers with, for whole requests and for the rows of
        /// a bulk request alike. Closed: a new refusal adds a variant here, and the API's error
        /// table (`api/src/error.rs`) and `docs/API-DESIGN.md` must then say its status, or the
        /// build and the table test fail.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as clients see it (`snake_case`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    Unauthenticated = "unauthenticated",
    Forbidden = "forbidden",
    NotFound = "not_found",
    MalformedJson = "malformed_json",
    UnknownField = "unknown_field",
    MissingField = "missing_field",
    InvalidType = "invalid_type",
    InvalidValue = "invalid_value",
    InvalidCsv = "invalid_csv",
    InvalidQuery = "invalid_query",
    ValidationFailed = "validation_failed",
    ManagerCycle = "manager_cycle",
    BatchTooLarge = "batch_too_large",
    DeactivationLimitExceeded = "deactivation_limit_exceeded",
    CourseArchived = "course_archived",
    EmployeeTerminated = "employee_terminated",
    NotPending = "not_pending",
    IdempotencyKeyReused = "idempotency_key_reused",
    BudgetExceeded = "budget_exceeded",
    CapacityReached = "capacity_reached",
    PayloadTooLarge = "payload_too_large",
    UnsupportedMediaType = "unsupported_media_type",
    MethodNotAllowed = "method_not_allowed",
    InvalidStatement = "invalid_statement",
    InvalidContentType = "invalid_content_type",
    InvalidMultipart = "invalid_multipart",
    InvalidAttachment = "invalid_attachment",
    InvalidSignature = "invalid_signature",
    InvalidAlternateRequest = "invalid_alternate_request",
    NotMergeable = "not_mergeable",
    EmptyDocument = "empty_document",
    PersistedQueryNotFound = "persisted_query_not_found",
    QueryNotAllowed = "query_not_allowed",
    Conflict = "conflict",
    Duplicate = "duplicate",
    IdempotencyInProgress = "idempotency_in_progress",
    PreconditionRequired = "precondition_required",
    VersionMismatch = "version_mismatch",
    RateLimited = "rate_limited",
    Unavailable = "unavailable",
    Timeout = "timeout",
    Internal = "internal",
    /// Rows of a bulk request only.
    DuplicateInBatch = "duplicate_in_batch",
    DuplicateEmail = "duplicate_email",
    UnknownManager = "unknown_manager",
    UnknownOrgUnit = "unknown_org_unit",
    ManagerRejected = "manager_rejected",
    UnknownEmployee = "unknown_employee",
    UnknownCourse = "unknown_course",
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Code::ALL
            .iter()
            .find(|c| c.as_str() == name)
            .copied()
            .ok_or_else(|| serde::de::Error::custom(format!("unknown error code {name}")))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A named business rule that a well-formed request breaks.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Rule {
    #[error("this course is archived and no longer offered")]
    CourseArchived,
    #[error("terminated employees cannot be {action}")]
    EmployeeTerminated { action: &'static str },
    #[error("this manager reports to the employee, directly or indirectly; the link would close a cycle")]
    ManagerCycle,
    #[error("{what} holds at most {max} {items}; this one has {sent}")]
    BatchTooLarge {
        what: &'static str,
        items: &'static str,
        max: usize,
        sent: usize,
    },
    #[error("this reconcile would terminate {would_terminate} of {active} active people, more than the allowed {max_percent}%; check the batch or send force=true")]
    DeactivationLimitExceeded {
        would_terminate: usize,
        active: usize,
        max_percent: u32,
    },
    #[error("this entry is {state}, not pending")]
    NotPending { state: &'static str },
    #[error("this spend request is {state}; it cannot be {action}")]
    SpendRequestState {
        state: &'static str,
        action: &'static str,
    },
    #[error("this request needs a second approval from someone other than the first approver")]
    SecondApproverNeeded,
    #[error("this budget has {available_minor} {currency} minor units available; the request needs {requested_minor}")]
    BudgetExceeded {
        available_minor: i64,
        requested_minor: i64,
        currency: String,
    },
    #[error("fiscal year {fiscal_year} has ended; its budget takes no new requests or approvals")]
    FiscalYearClosed { fiscal_year: i32 },
    #[error("this mentor has no free place: {active} active of a capacity of {capacity}")]
    CapacityReached { active: u32, capacity: u32 },
    #[error("a reconcile (deactivate_missing=true) with no records would terminate every HRIS person; it is refused whatever force says: send the people, or deactivate_missing=false")]
    EmptyReconcile,
    /// A reconcile run that is committed or expired takes no pages and no second commit.
    #[error("this reconcile run is {state}; it cannot be {action}{hint}")]
    ReconcileRunState {
        state: &'static str,
        action: &'static str,
        hint: &'static str,
    },
    /// An engagement (advising, mentoring or coaching) in a state that does not allow the action.
    #[error("an engagement that is {state} cannot be {action}")]
    EngagementState {
        state: &'static str,
        action: &'static str,
    },
    /// A PIP starts counting only once its client has acknowledged the plan.
    #[error("the client has not acknowledged this performance improvement plan yet; it starts only after they have")]
    PlanNotAcknowledged,
    /// A pipeline membership in a state (or with an outcome) that does not allow the action.
    #[error("a membership that is {state} cannot be {action}")]
    MembershipState {
        state: &'static str,
        action: &'static str,
    },
    #[error("this cohort has no free seat: {seats_taken} of a capacity of {capacity} are taken")]
    CohortFull { seats_taken: u32, capacity: u32 },
    #[error("this person already has an open membership (nominated, admitted or active) in a cohort of this programme")]
    OpenMembership,
}

impl Rule {
    /// The stable code clients match on (`docs/API-DESIGN.md`).
    pub fn code(&self) -> Code {
        match self {
            Rule::CourseArchived => Code::CourseArchived,
            Rule::EmployeeTerminated { .. } => Code::EmployeeTerminated,
            Rule::ManagerCycle => Code::ManagerCycle,
            Rule::BatchTooLarge { .. } => Code::BatchTooLarge,
            Rule::DeactivationLimitExceeded { .. } => Code::DeactivationLimitExceeded,
            Rule::NotPending { .. } => Code::NotPending,
            Rule::EmptyReconcile => Code::DeactivationLimitExceeded,
            Rule::ReconcileRunState { .. } => Code::Conflict,
            Rule::SpendRequestState { .. }
            | Rule::FiscalYearClosed { .. }
            | Rule::EngagementState { .. }
            | Rule::PlanNotAcknowledged
            | Rule::MembershipState { .. } => Code::Conflict,
            Rule::OpenMembership => Code::Duplicate,
            Rule::SecondApproverNeeded => Code::Forbidden,
            Rule::BudgetExceeded { .. } => Code::BudgetExceeded,
            Rule::CapacityReached { .. } | Rule::CohortFull { .. } => Code::CapacityReached,
        }
    }
}

/// Why a domain decision refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    /// The input does not parse; every field problem at once.
    #[error("the input is not valid")]
    Invalid(Vec<FieldError>),
    /// A named rule is broken.
    #[error(transparent)]
    Rule(#[from] Rule),
}

impl From<FieldError> for DomainError {
    fn from(e: FieldError) -> Self {
        DomainError::Invalid(vec![e])
    }
}

impl From<Vec<FieldError>> for DomainError {
    fn from(e: Vec<FieldError>) -> Self {
        DomainError::Invalid(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_words() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{c} twice");
            assert!(c
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
    }

    #[test]
    fn a_rule_message_carries_its_numbers() {
        let r = Rule::DeactivationLimitExceeded {
            would_terminate: 4210,
            active: 13177,
            max_percent: 20,
        };
        assert_eq!(r.code(), Code::DeactivationLimitExceeded);
        assert_eq!(
            r.to_string(),
            "this reconcile would terminate 4210 of 13177 active people, more than the allowed 20%; check the batch or send force=true"
        );
    }
}
