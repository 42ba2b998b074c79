//! The organisation directory: employees, org units and the manager hierarchy.

mod employment;
mod hierarchy;
mod input;
pub mod sync;
mod values;

pub use employment::{employed_share, EmploymentDates, Period};
pub use hierarchy::{descendants, ManagerGraph};
pub use input::{
    non_blank, optional, optional_id, EmployeeChanges, EmployeeFields, OrgUnitChanges,
};
pub use values::{
    ContractedHours, Email, EmployeeStatus, EmploymentType, ExternalId, JobLevel, Label, PersonName,
};

use crate::ids::{EmployeeId, OrgUnitId};
use crate::FieldError;
use chrono::{DateTime, NaiveDate, Utc};

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
    /// A new employee: version 1, created now.
    pub fn new(id: EmployeeId, data: EmployeeData, now: DateTime<Utc>) -> Self {
        Self {
            id,
            data,
            version: FIRST_VERSION,
            created_at: now,
            updated_at: now,
        }
    }

    /// The same employee holding `data`: the next version.
    #[must_use]
    pub fn revised(self, data: EmployeeData, now: DateTime<Utc>) -> Self {
        Self {
            data,
            version: next_version(self.version),
            updated_at: now,
            ..self
        }
    }

    /// Terminated as of `today` (see [`EmployeeData::terminate`]): the next version.
    #[must_use]
    pub fn terminated(self, today: NaiveDate, now: DateTime<Utc>) -> Self {
        let mut data = self.data.clone();
        data.terminate(today);
        self.revised(data, now)
    }

    pub fn display_name(&self) -> String {
        format!("{} {}", self.data.given_name, self.data.family_name)
    }
}

/// The version of a record just created.
pub(crate) const FIRST_VERSION: i64 = 1;

/// The version a stored record gets when it changes (optimistic concurrency: the store writes it
/// only over `version - 1`). The one place a version is bumped.
pub(crate) fn next_version(version: i64) -> i64 {
    version.saturating_add(1)
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

    /// A fingerprint of every HR-owned field (SHA-256, hex, of the fields in a fixed order): two
    /// records hold the same data exactly when their fingerprints are equal. Stored beside each
    /// employee, so an HRIS replay compares fingerprints instead of loading every stored record.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let text = |v: &Option<_>| v.as_ref().map(|x: &Label| x.as_str().to_owned());
        let fields = (
            (
                self.external_id.as_ref().map(ExternalId::as_str),
                text(&self.employee_number),
                self.email.as_str(),
                self.given_name.as_str(),
            ),
            (
                self.family_name.as_str(),
                text(&self.job_title),
                self.job_level.get(),
                self.org_unit_id.map(|x| x.to_string()),
            ),
            (
                self.manager_id.map(|x| x.to_string()),
                self.employment_type.code(),
                self.status.code(),
                self.dates.hire_date,
            ),
            (
                self.dates.leave_start_date,
                self.dates.leave_end_date,
                self.dates.termination_date,
            ),
            (self.contracted_hours.centihours(), text(&self.location)),
        );
        let bytes = serde_json::to_vec(&fields).unwrap_or_default();
        format!("{:x}", Sha256::digest(bytes))
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
    fn fingerprints_stored_by_earlier_versions_still_match() {
        // Stored beside every employee: changing the fingerprint would make every HRIS replay
        // rewrite every record.
        let full = EmployeeFields {
            external_id: Some("E-1".into()),
            employee_number: Some("42".into()),
            email: Some("Ada@Example.com".into()),
            given_name: Some("Ada".into()),
            family_name: Some("Lovelace".into()),
            job_title: Some("Eng".into()),
            job_level: Some(3),
            employment_type: Some("part_time".into()),
            status: Some("leave".into()),
            hire_date: Some("2020-01-06".into()),
            leave_start_date: Some("2021-01-01".into()),
            leave_end_date: Some("2021-02-01".into()),
            termination_date: Some("2022-01-01".into()),
            contracted_hours_per_week: Some(37.5),
            location: Some("Oslo".into()),
            ..Default::default()
        };
        let unit = OrgUnitId::from_uuid(uuid::Uuid::from_u128(5));
        let manager = EmployeeId::from_uuid(uuid::Uuid::from_u128(6));
        let d = full.parse(Some(unit), Some(manager)).unwrap();
        assert_eq!(
            d.fingerprint(),
            "934b1be7da406648ef76313afa4788fcfb361f2bbd7cea3af66043b10397e74b"
        );
        let minimal = EmployeeFields {
            email: Some("b@c.de".into()),
            given_name: Some("B".into()),
            family_name: Some("C".into()),
            job_level: Some(1),
            ..Default::default()
        };
        assert_eq!(
            minimal.parse(None, None).unwrap().fingerprint(),
            "e986804dcde6265562befd954270a5b876144cf8610a5a3b904538780cdafdcd"
        );
        let mut other = d.clone();
        other.job_level = JobLevel::new(4).unwrap();
        assert_ne!(other.fingerprint(), d.fingerprint());
    }

    #[test]
    fn a_revision_is_the_next_version_and_keeps_its_creation() {
        let t0 = chrono::DateTime::UNIX_EPOCH;
        let t1 = t0 + chrono::Duration::days(1);
        let id = EmployeeId::from_uuid(uuid::Uuid::from_u128(1));
        let e = Employee::new(id, data(), t0);
        assert_eq!((e.version, e.created_at, e.updated_at), (1, t0, t0));
        let r = e.revised(data(), t1);
        assert_eq!((r.version, r.created_at, r.updated_at), (2, t0, t1));
    }

    #[test]
    fn an_employee_on_leave_needs_a_leave_start() {
        let mut d = data();
        d.status = EmployeeStatus::Leave;
        assert_eq!(d.check().unwrap_err().field, "leave_start_date");
    }
}
