//! Merge mode of an HRIS sync: a record holds only what changed. An absent field keeps the
//! stored value, `null` clears it, a value replaces it. A record of a person not stored yet
//! merges over nothing, so it must be complete.

use crate::org::{EmployeeData, EmployeeFields};

/// One field of a delta: absent (keep), `null` (clear) or a value.
pub type Change<T> = Option<Option<T>>;

/// A delta record of an HRIS sync in merge mode. `external_id` is the upsert key. A unit or a
/// manager is one field named two ways (by Learnwell id or by HRIS id): setting or clearing
/// either replaces the stored reference.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmployeeDelta {
    pub external_id: Option<String>,
    pub employee_number: Change<String>,
    pub email: Change<String>,
    pub given_name: Change<String>,
    pub family_name: Change<String>,
    pub job_title: Change<String>,
    pub job_level: Change<i64>,
    pub org_unit_id: Change<String>,
    pub org_unit_external_id: Change<String>,
    pub manager_id: Change<String>,
    pub manager_external_id: Change<String>,
    pub employment_type: Change<String>,
    pub status: Change<String>,
    pub hire_date: Change<String>,
    pub leave_start_date: Change<String>,
    pub leave_end_date: Change<String>,
    pub termination_date: Change<String>,
    pub contracted_hours_per_week: Change<f64>,
    pub location: Change<String>,
}

/// How the records of a sync are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SyncMode {
    /// Each record is the whole person: a field left out is empty (the default).
    #[default]
    Replace,
    /// Each record is a delta over the stored person ([`EmployeeDelta`]).
    Merge,
}

impl SyncMode {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "replace" => Some(Self::Replace),
            "merge" => Some(Self::Merge),
            _ => None,
        }
    }
}

/// A whole record as a delta that sets every field it has (and leaves the others out).
impl From<EmployeeFields> for EmployeeDelta {
    fn from(f: EmployeeFields) -> Self {
        Self {
            external_id: f.external_id,
            employee_number: f.employee_number.map(Some),
            email: f.email.map(Some),
            given_name: f.given_name.map(Some),
            family_name: f.family_name.map(Some),
            job_title: f.job_title.map(Some),
            job_level: f.job_level.map(Some),
            org_unit_id: f.org_unit_id.map(Some),
            org_unit_external_id: f.org_unit_external_id.map(Some),
            manager_id: f.manager_id.map(Some),
            manager_external_id: f.manager_external_id.map(Some),
            employment_type: f.employment_type.map(Some),
            status: f.status.map(Some),
            hire_date: f.hire_date.map(Some),
            leave_start_date: f.leave_start_date.map(Some),
            leave_end_date: f.leave_end_date.map(Some),
            termination_date: f.termination_date.map(Some),
            contracted_hours_per_week: f.contracted_hours_per_week.map(Some),
            location: f.location.map(Some),
        }
    }
}

impl EmployeeDelta {
    /// The record as a whole record (replace mode: absent and `null` alike are empty).
    pub fn whole(self) -> EmployeeFields {
        EmployeeFields {
            external_id: self.external_id,
            employee_number: self.employee_number.flatten(),
            email: self.email.flatten(),
            given_name: self.given_name.flatten(),
            family_name: self.family_name.flatten(),
            job_title: self.job_title.flatten(),
            job_level: self.job_level.flatten(),
            org_unit_id: self.org_unit_id.flatten(),
            org_unit_external_id: self.org_unit_external_id.flatten(),
            manager_id: self.manager_id.flatten(),
            manager_external_id: self.manager_external_id.flatten(),
            employment_type: self.employment_type.flatten(),
            status: self.status.flatten(),
            hire_date: self.hire_date.flatten(),
            leave_start_date: self.leave_start_date.flatten(),
            leave_end_date: self.leave_end_date.flatten(),
            termination_date: self.termination_date.flatten(),
            contracted_hours_per_week: self.contracted_hours_per_week.flatten(),
            location: self.location.flatten(),
        }
    }

    /// The whole record this delta makes of `stored` (the person's stored data, or `None` for
    /// someone new, whose delta must then be complete).
    pub fn merged_over(self, stored: Option<&EmployeeData>) -> EmployeeFields {
        let Some(stored) = stored else {
            return self.whole();
        };
        let mut f = EmployeeFields::from_data(stored);
        f.external_id = self.external_id;
        macro_rules! merge {
            ($($field:ident),*) => { $( if let Some(v) = self.$field { f.$field = v; } )* };
        }
        merge!(
            employee_number,
            email,
            given_name,
            family_name,
            job_title,
            job_level,
            employment_type,
            status,
            hire_date,
            leave_start_date,
            leave_end_date,
            termination_date,
            contracted_hours_per_week,
            location
        );
        reference(
            (&mut f.org_unit_id, &mut f.org_unit_external_id),
            self.org_unit_id,
            self.org_unit_external_id,
        );
        reference(
            (&mut f.manager_id, &mut f.manager_external_id),
            self.manager_id,
            self.manager_external_id,
        );
        f
    }
}

/// A reference named by id or by HRIS id: when the delta names it either way, the stored one is
/// replaced by what the delta says (`null` in either clears it).
fn reference(
    (id, external): (&mut Option<String>, &mut Option<String>),
    by_id: Change<String>,
    by_external: Change<String>,
) {
    if by_id.is_none() && by_external.is_none() {
        return;
    }
    *id = by_id.flatten();
    *external = by_external.flatten();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> EmployeeData {
        EmployeeFields {
            external_id: Some("E-1".into()),
            email: Some("ada@example.com".into()),
            given_name: Some("Ada".into()),
            family_name: Some("Lovelace".into()),
            job_title: Some("Engineer".into()),
            job_level: Some(4),
            manager_id: Some("0190a0a0-0000-7000-8000-000000000001".into()),
            hire_date: Some("2020-01-06".into()),
            ..EmployeeFields::default()
        }
        .parse(
            None,
            Some(
                "0190a0a0-0000-7000-8000-000000000001"
                    .parse()
                    .expect("an id"),
            ),
        )
        .expect("valid")
    }

    #[test]
    fn a_termination_delta_keeps_everything_else() {
        let delta = EmployeeDelta {
            external_id: Some("E-1".into()),
            status: Some(Some("terminated".into())),
            termination_date: Some(Some("2026-11-30".into())),
            ..EmployeeDelta::default()
        };
        let s = stored();
        let merged = delta.merged_over(Some(&s)).parse(None, s.manager_id);
        let data = merged.expect("a complete record");
        assert_eq!(data.job_title, s.job_title);
        assert_eq!(data.manager_id, s.manager_id);
        assert_eq!(data.status.code(), "terminated");
    }

    #[test]
    fn null_clears_and_a_reference_by_hris_id_replaces_the_stored_one() {
        let delta = EmployeeDelta {
            external_id: Some("E-1".into()),
            job_title: Some(None),
            manager_external_id: Some(Some("E-9".into())),
            ..EmployeeDelta::default()
        };
        let f = delta.merged_over(Some(&stored()));
        assert_eq!(f.job_title, None);
        assert_eq!(f.manager_id, None, "the stored id no longer applies");
        assert_eq!(f.manager_external_id.as_deref(), Some("E-9"));
        let cleared = EmployeeDelta {
            external_id: Some("E-1".into()),
            manager_id: Some(None),
            ..EmployeeDelta::default()
        }
        .merged_over(Some(&stored()));
        assert_eq!(
            (cleared.manager_id, cleared.manager_external_id),
            (None, None)
        );
    }

    #[test]
    fn a_delta_of_someone_new_must_be_complete() {
        let delta = EmployeeDelta {
            external_id: Some("E-2".into()),
            status: Some(Some("active".into())),
            ..EmployeeDelta::default()
        };
        let errors = delta.merged_over(None).parse(None, None).unwrap_err();
        let fields: Vec<_> = errors.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["email", "given_name", "family_name", "job_level"]);
    }

    #[test]
    fn null_on_a_required_field_is_refused_like_an_empty_one() {
        let delta = EmployeeDelta {
            external_id: Some("E-1".into()),
            email: Some(None),
            ..EmployeeDelta::default()
        };
        let errors = delta
            .merged_over(Some(&stored()))
            .parse(None, None)
            .unwrap_err();
        assert_eq!(errors[0].field, "email");
    }
}
