//! What a domain decision refuses with: field problems (the input does not parse) or a named
//! business rule the input breaks. Every rule has a stable code (the API's error table maps each
//! one to its HTTP status and GraphQL code) and a message built from its typed fields, so an
//! integrator reads the numbers, not only the code.

use crate::FieldError;

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
}

impl Rule {
    /// The stable code clients match on (`docs/API-DESIGN.md`).
    pub fn code(&self) -> &'static str {
        match self {
            Rule::CourseArchived => "course_archived",
            Rule::EmployeeTerminated { .. } => "employee_terminated",
            Rule::ManagerCycle => "manager_cycle",
            Rule::BatchTooLarge { .. } => "batch_too_large",
            Rule::DeactivationLimitExceeded { .. } => "deactivation_limit_exceeded",
            Rule::NotPending { .. } => "not_pending",
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
