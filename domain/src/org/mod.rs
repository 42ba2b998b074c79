//! The organisation directory: employees, org units and the manager hierarchy.

mod employment;
mod hierarchy;
pub mod sync;
mod values;

pub use employment::{employed_share, EmploymentDates, Period};
pub use hierarchy::{descendants, ManagerGraph};
pub use values::{
    ContractedHours, Email, EmployeeStatus, EmploymentType, ExternalId, JobLevel, Label, PersonName,
};

use crate::ids::{EmployeeId, OrgUnitId};
use crate::FieldError;
use chrono::NaiveDate;

/// Everything about an employee that HR owns (the HRIS is the usual source).
#[derive(Debug, Clone, PartialEq)]
pub struct EmployeeData {
    pub external_id: Option<ExternalId>,
    pub employee_number: Option<Label>,
    pub email: Email,
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub job_title: Option<Label>,
    pub job_level: JobLevel,
    pub org_unit_id: Option<OrgUnitId>,
    pub manager_id: Option<EmployeeId>,
    pub employment_type: EmploymentType,
    pub status: EmployeeStatus,
    pub dates: EmploymentDates,
    pub contracted_hours: ContractedHours,
    pub location: Option<Label>,
}

/// A stored employee: the data plus identity and optimistic-concurrency version.
#[derive(Debug, Clone, PartialEq)]
pub struct Employee {
    pub id: EmployeeId,
    pub data: EmployeeData,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Employee {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.data.given_name, self.data.family_name)
    }
}

impl EmployeeData {
    /// Cross-field rules: the status agrees with the dates, and the dates are in order.
    pub fn check(&self) -> Result<(), FieldError> {
        self.dates.check()?;
        match self.status {
            EmployeeStatus::Terminated if self.dates.termination_date.is_none() => Err(
                FieldError::new("termination_date", "is required when status is terminated"),
            ),
            EmployeeStatus::Leave if self.dates.leave_start_date.is_none() => Err(FieldError::new(
                "leave_start_date",
                "is required when status is leave",
            )),
            _ => Ok(()),
        }
    }

    /// Terminate as of `date`: status and date change, every other field (and all history) stays.
    pub fn terminate(&mut self, date: NaiveDate) {
        self.status = EmployeeStatus::Terminated;
        if self.dates.termination_date.is_none() {
            self.dates.termination_date = Some(date);
        }
    }
}

/// An org unit: a node of the organisation tree.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgUnit {
    pub id: OrgUnitId,
    pub external_id: Option<ExternalId>,
    pub name: Label,
    pub kind: Label,
    pub parent_id: Option<OrgUnitId>,
    pub manager_id: Option<EmployeeId>,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> EmployeeData {
        EmployeeData {
            external_id: None,
            employee_number: None,
            email: Email::parse("a@b.co").unwrap(),
            given_name: PersonName::parse("Ada").unwrap(),
            family_name: PersonName::parse("Lovelace").unwrap(),
            job_title: None,
            job_level: JobLevel::new(3).unwrap(),
            org_unit_id: None,
            manager_id: None,
            employment_type: EmploymentType::FullTime,
            status: EmployeeStatus::Active,
            dates: EmploymentDates::default(),
            contracted_hours: ContractedHours::new(40.0).unwrap(),
            location: None,
        }
    }

    #[test]
    fn a_terminated_employee_needs_a_termination_date() {
        let mut d = data();
        d.status = EmployeeStatus::Terminated;
        assert_eq!(d.check().unwrap_err().field, "termination_date");
        d.terminate(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap());
        assert!(d.check().is_ok());
    }

    #[test]
    fn an_employee_on_leave_needs_a_leave_start() {
        let mut d = data();
        d.status = EmployeeStatus::Leave;
        assert_eq!(d.check().unwrap_err().field, "leave_start_date");
    }
}
