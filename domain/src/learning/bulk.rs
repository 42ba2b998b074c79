//! Assigning one course to many people: whom it covers, how many at most, and what happens for
//! each person.

use super::{Enrollment, EnrollmentOrigin, NewEnrollment};
use crate::ids::{EmployeeId, EnrollmentId, OrgUnitId};
use crate::org::{EmployeeStatus, JobLevel};
use crate::{FieldError, Rule};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// At most this many people in one bulk assignment (and rows in one import).
pub const MAX_BULK: usize = 10_000;

/// Whom a bulk assignment covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkTarget {
    /// These people (each once, in the order given).
    People(Vec<EmployeeId>),
    /// Everyone in this unit and every unit below it.
    OrgUnit(OrgUnitId),
    /// Everyone with a job level in this band (both ends included).
    JobLevels { min: JobLevel, max: JobLevel },
}

impl BulkTarget {
    /// Exactly one of a list of people, an org unit or a job-level band (`(min, max)`).
    pub fn parse(
        employee_ids: Option<Vec<EmployeeId>>,
        org_unit_id: Option<OrgUnitId>,
        job_levels: Option<(i64, i64)>,
    ) -> Result<Self, FieldError> {
        match (employee_ids, org_unit_id, job_levels) {
            (Some(ids), None, None) => {
                let mut seen = HashSet::new();
                Ok(Self::People(
                    ids.into_iter().filter(|i| seen.insert(*i)).collect(),
                ))
            }
            (None, Some(unit), None) => Ok(Self::OrgUnit(unit)),
            (None, None, Some((min, max))) => Ok(Self::JobLevels {
                min: JobLevel::new(min)
                    .map_err(|e| FieldError::new("job_levels.min", e.message))?,
                max: JobLevel::new(max)
                    .map_err(|e| FieldError::new("job_levels.max", e.message))?,
            }),
            _ => Err(FieldError::new(
                "employee_ids",
                "give exactly one of employee_ids, org_unit_id or job_levels",
            )),
        }
    }

    /// A whole unit or level band, not a list of people.
    pub fn is_wholesale(&self) -> bool {
        !matches!(self, Self::People(_))
    }
}

/// A bulk assignment covers at most [`MAX_BULK`] people.
pub fn ensure_bulk_size(people: usize) -> Result<(), Rule> {
    if people > MAX_BULK {
        return Err(Rule::BatchTooLarge {
            what: "a bulk assignment",
            items: "people",
            max: MAX_BULK,
            sent: people,
        });
    }
    Ok(())
}

/// What a bulk assignment does for one person.
#[derive(Debug, Clone, PartialEq)]
pub enum Assignment {
    /// A new enrolment.
    Created(Enrollment),
    /// Enrolled already (or withdrawn: a bulk assignment does not silently re-enrol).
    Unchanged(EnrollmentId),
    /// No such employee.
    NotFound,
    /// The caller may not assign this person.
    Forbidden,
    /// A rule refuses it (a terminated person).
    Refused(Rule),
}

impl Assignment {
    /// The enrolment it names, if any.
    pub fn enrollment_id(&self) -> Option<EnrollmentId> {
        match self {
            Assignment::Created(e) => Some(e.id()),
            Assignment::Unchanged(id) => Some(*id),
            _ => None,
        }
    }

    /// Why nothing was done for this person: the code and a sentence.
    pub fn refusal(&self) -> Option<(crate::Code, String)> {
        match self {
            Assignment::Created(_) | Assignment::Unchanged(_) => None,
            Assignment::NotFound => Some((crate::Code::NotFound, "no such employee".into())),
            Assignment::Forbidden => Some((
                crate::Code::Forbidden,
                "you may not assign courses to this person".into(),
            )),
            Assignment::Refused(rule) => Some((rule.code(), rule.to_string())),
        }
    }
}

/// One person of a bulk assignment: `status` is `None` for no such employee, `allowed` whether
/// the caller may assign them, `existing` their enrolment in the course. The new enrolment is
/// always `assigned`.
pub fn assign(
    status: Option<EmployeeStatus>,
    allowed: bool,
    existing: Option<&Enrollment>,
    new: NewEnrollment,
    now: DateTime<Utc>,
) -> Assignment {
    let Some(status) = status else {
        return Assignment::NotFound;
    };
    if !allowed {
        return Assignment::Forbidden;
    }
    if status == EmployeeStatus::Terminated {
        return Assignment::Refused(Rule::EmployeeTerminated { action: "assigned" });
    }
    match existing {
        Some(e) => Assignment::Unchanged(e.id()),
        None => Assignment::Created(Enrollment::new(
            NewEnrollment {
                origin: EnrollmentOrigin::Assigned,
                ..new
            },
            now,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::CourseId;
    use crate::learning::EnrollmentStatus;

    fn id(n: u128) -> EmployeeId {
        EmployeeId::from_uuid(uuid::Uuid::from_u128(n))
    }
    fn new() -> NewEnrollment {
        NewEnrollment {
            id: EnrollmentId::from_uuid(uuid::Uuid::from_u128(1)),
            employee_id: id(2),
            course_id: CourseId::from_uuid(uuid::Uuid::from_u128(3)),
            origin: EnrollmentOrigin::SelfEnrolled,
            by: "ld".into(),
            due_date: None,
        }
    }

    #[test]
    fn a_target_is_exactly_one_of_people_a_unit_or_a_band() {
        let unit = OrgUnitId::from_uuid(uuid::Uuid::from_u128(9));
        assert_eq!(
            BulkTarget::parse(Some(vec![id(1), id(2), id(1)]), None, None),
            Ok(BulkTarget::People(vec![id(1), id(2)]))
        );
        assert!(BulkTarget::parse(None, Some(unit), None)
            .unwrap()
            .is_wholesale());
        assert!(BulkTarget::parse(None, None, Some((3, 5)))
            .unwrap()
            .is_wholesale());
        for (ids, u, l) in [
            (None, None, None),
            (Some(vec![]), Some(unit), None),
            (None, Some(unit), Some((1, 2))),
        ] {
            assert_eq!(
                BulkTarget::parse(ids, u, l).unwrap_err().field,
                "employee_ids"
            );
        }
        assert_eq!(
            BulkTarget::parse(None, None, Some((0, 3)))
                .unwrap_err()
                .field,
            "job_levels.min"
        );
        assert_eq!(
            BulkTarget::parse(None, None, Some((3, 99)))
                .unwrap_err()
                .field,
            "job_levels.max"
        );
    }

    #[test]
    fn a_bulk_assignment_covers_at_most_ten_thousand_people() {
        assert!(ensure_bulk_size(MAX_BULK).is_ok());
        let err = ensure_bulk_size(MAX_BULK + 1).unwrap_err();
        assert_eq!(err.code(), crate::Code::BatchTooLarge);
        assert_eq!(
            err.to_string(),
            "a bulk assignment holds at most 10000 people; this one has 10001"
        );
    }

    #[test]
    fn each_person_is_created_unchanged_or_refused_in_this_order() {
        let now = chrono::Utc::now();
        let active = Some(EmployeeStatus::Active);
        let Assignment::Created(e) = assign(active, true, None, new(), now) else {
            panic!("expected a new enrolment")
        };
        assert_eq!(
            (e.origin(), e.status(), e.assigned_by()),
            (
                EnrollmentOrigin::Assigned,
                EnrollmentStatus::Enrolled,
                Some("ld")
            )
        );
        assert_eq!(
            assign(active, true, Some(&e), new(), now),
            Assignment::Unchanged(e.id())
        );
        assert_eq!(assign(None, false, None, new(), now), Assignment::NotFound);
        let gone = Some(EmployeeStatus::Terminated);
        assert_eq!(assign(gone, false, None, new(), now), Assignment::Forbidden);
        assert_eq!(
            assign(gone, true, Some(&e), new(), now),
            Assignment::Refused(Rule::EmployeeTerminated { action: "assigned" })
        );
    }
}
