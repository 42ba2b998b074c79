//! An employee as HR or an HRIS sends it, as plain values: parsed into [`EmployeeData`] with every
//! field problem collected. The wire shape (JSON, CSV) belongs to the adapters; they fill this in.

use super::{
    ContractedHours, Email, EmployeeData, EmployeeStatus, EmploymentDates, EmploymentType,
    ExternalId, JobLevel, Label, OrgUnit, PersonName,
};
use crate::ids::{EmployeeId, OrgUnitId};
use crate::FieldError;
use chrono::NaiveDate;

/// The fields of one employee record, unparsed. Units and managers are referenced by Learnwell
/// id or by HRIS external id; [`EmployeeFields::parse`] takes them already resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmployeeFields {
    pub external_id: Option<String>,
    pub employee_number: Option<String>,
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub job_title: Option<String>,
    pub job_level: Option<i64>,
    pub org_unit_id: Option<String>,
    pub org_unit_external_id: Option<String>,
    pub manager_id: Option<String>,
    pub manager_external_id: Option<String>,
    pub employment_type: Option<String>,
    pub status: Option<String>,
    pub hire_date: Option<String>,
    pub leave_start_date: Option<String>,
    pub leave_end_date: Option<String>,
    pub termination_date: Option<String>,
    pub contracted_hours_per_week: Option<f64>,
    pub location: Option<String>,
}

/// The text, trimmed, or `None` when absent or blank.
pub fn non_blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn date(field: &str, v: &Option<String>, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let s = non_blank(v)?;
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(field, "must be a date YYYY-MM-DD"));
            None
        }
    }
}

fn required<T>(
    field: &str,
    v: &Option<String>,
    parse: impl Fn(&str) -> Result<T, FieldError>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    match non_blank(v) {
        None => {
            errors.push(FieldError::new(field, "is required"));
            None
        }
        Some(s) => parse(s)
            .map_err(|e| errors.push(FieldError::new(field, e.message)))
            .ok(),
    }
}

/// The parsed value of an optional field (absent or blank: `None`), its error collected.
pub fn optional<T>(
    field: &str,
    v: &Option<String>,
    parse: impl Fn(&str) -> Result<T, FieldError>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    non_blank(v).and_then(|s| {
        parse(s)
            .map_err(|e| errors.push(FieldError::new(field, e.message)))
            .ok()
    })
}

/// An optional reference by Learnwell id (`"is not an id"` when it does not parse).
pub fn optional_id<T: std::str::FromStr>(
    field: &str,
    v: &Option<String>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    optional(
        field,
        v,
        |s| {
            s.parse::<T>()
                .map_err(|_| FieldError::new(field, "is not an id"))
        },
        errors,
    )
}

impl EmployeeFields {
    /// Parse everything but the unit and manager references (resolved by the caller), collecting
    /// every field error; then the cross-field rules ([`EmployeeData::check`]).
    pub fn parse(
        &self,
        org_unit_id: Option<OrgUnitId>,
        manager_id: Option<EmployeeId>,
    ) -> Result<EmployeeData, Vec<FieldError>> {
        let mut e = Vec::new();
        let external_id = optional("external_id", &self.external_id, ExternalId::parse, &mut e);
        let employee_number = optional(
            "employee_number",
            &self.employee_number,
            Label::parse,
            &mut e,
        );
        let email = required("email", &self.email, Email::parse, &mut e);
        let given_name = required("given_name", &self.given_name, PersonName::parse, &mut e);
        let family_name = required("family_name", &self.family_name, PersonName::parse, &mut e);
        let job_title = optional("job_title", &self.job_title, Label::parse, &mut e);
        let job_level = match self.job_level {
            None => {
                e.push(FieldError::new("job_level", "is required"));
                None
            }
            Some(l) => JobLevel::new(l).map_err(|x| e.push(x)).ok(),
        };
        let employment_type = optional(
            "employment_type",
            &self.employment_type,
            EmploymentType::parse,
            &mut e,
        )
        .unwrap_or(EmploymentType::FullTime);
        let status = optional("status", &self.status, EmployeeStatus::parse, &mut e)
            .unwrap_or(EmployeeStatus::Active);
        let dates = EmploymentDates {
            hire_date: date("hire_date", &self.hire_date, &mut e),
            leave_start_date: date("leave_start_date", &self.leave_start_date, &mut e),
            leave_end_date: date("leave_end_date", &self.leave_end_date, &mut e),
            termination_date: date("termination_date", &self.termination_date, &mut e),
        };
        let contracted_hours = ContractedHours::new(self.contracted_hours_per_week.unwrap_or(40.0))
            .map_err(|x| e.push(x))
            .ok();
        let location = optional("location", &self.location, Label::parse, &mut e);
        let (
            Some(email),
            Some(given_name),
            Some(family_name),
            Some(job_level),
            Some(contracted_hours),
            true,
        ) = (
            email,
            given_name,
            family_name,
            job_level,
            contracted_hours,
            e.is_empty(),
        )
        else {
            return Err(e);
        };
        let data = EmployeeData {
            external_id,
            employee_number,
            email,
            given_name,
            family_name,
            job_title,
            job_level,
            org_unit_id,
            manager_id,
            employment_type,
            status,
            dates,
            contracted_hours,
            location,
        };
        data.check().map_err(|x| vec![x])?;
        Ok(data)
    }

    /// The fields that parse to `d` (to merge a partial update over a stored record).
    pub fn from_data(d: &EmployeeData) -> Self {
        let s = |v: &dyn ToString| Some(v.to_string());
        let date = |v: Option<NaiveDate>| v.map(|d| d.format("%Y-%m-%d").to_string());
        Self {
            external_id: d.external_id.as_ref().map(ToString::to_string),
            employee_number: d.employee_number.as_ref().map(ToString::to_string),
            email: s(&d.email),
            given_name: s(&d.given_name),
            family_name: s(&d.family_name),
            job_title: d.job_title.as_ref().map(ToString::to_string),
            job_level: Some(i64::from(d.job_level.get())),
            org_unit_id: d.org_unit_id.map(|x| x.to_string()),
            org_unit_external_id: None,
            manager_id: d.manager_id.map(|x| x.to_string()),
            manager_external_id: None,
            employment_type: s(&d.employment_type),
            status: s(&d.status),
            hire_date: date(d.dates.hire_date),
            leave_start_date: date(d.dates.leave_start_date),
            leave_end_date: date(d.dates.leave_end_date),
            termination_date: date(d.dates.termination_date),
            contracted_hours_per_week: Some(d.contracted_hours.hours()),
            location: d.location.as_ref().map(ToString::to_string),
        }
    }
}

/// A partial update of an employee: an absent field stays; `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmployeeChanges {
    pub external_id: Option<Option<String>>,
    pub employee_number: Option<Option<String>>,
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub job_title: Option<Option<String>>,
    pub job_level: Option<i64>,
    pub org_unit_id: Option<Option<String>>,
    pub manager_id: Option<Option<String>>,
    pub employment_type: Option<String>,
    pub status: Option<String>,
    pub hire_date: Option<Option<String>>,
    pub leave_start_date: Option<Option<String>>,
    pub leave_end_date: Option<Option<String>>,
    pub termination_date: Option<Option<String>>,
    pub contracted_hours_per_week: Option<f64>,
    pub location: Option<Option<String>>,
}

impl EmployeeChanges {
    /// `base` with these changes made.
    pub fn apply(self, base: &mut EmployeeFields) {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { base.$f = v; } )* };
        }
        macro_rules! set_some {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { base.$f = Some(v); } )* };
        }
        set!(
            external_id,
            employee_number,
            job_title,
            org_unit_id,
            manager_id,
            hire_date,
            leave_start_date,
            leave_end_date,
            termination_date,
            location
        );
        set_some!(
            email,
            given_name,
            family_name,
            job_level,
            employment_type,
            status,
            contracted_hours_per_week
        );
    }
}

/// A new org unit's fields, or (for a change) the fields to change: an absent field stays;
/// `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgUnitChanges {
    pub name: Option<String>,
    /// e.g. division, department, team (default "unit").
    pub kind: Option<String>,
    pub parent_id: Option<Option<String>>,
    pub manager_id: Option<Option<String>>,
    pub external_id: Option<Option<String>>,
}

impl OrgUnitChanges {
    /// A new unit with id `id` from these fields (`name` is required).
    pub fn create(self, id: OrgUnitId) -> Result<OrgUnit, Vec<FieldError>> {
        let name = self
            .name
            .as_deref()
            .ok_or_else(|| vec![FieldError::new("name", "is required")])?;
        let base = OrgUnit {
            id,
            external_id: None,
            name: Label::parse(name).map_err(|x| vec![FieldError::new("name", x.message)])?,
            kind: Label::parse("unit").map_err(|x| vec![x])?,
            parent_id: None,
            manager_id: None,
            version: crate::org::FIRST_VERSION,
        };
        self.apply(base)
    }

    /// `base` with these changes made (references are parsed, not looked up), or every field
    /// problem. The version is the caller's to bump.
    pub fn apply(self, base: OrgUnit) -> Result<OrgUnit, Vec<FieldError>> {
        let mut e = Vec::new();
        let mut unit = base;
        let label = |field: &str, v: &str, e: &mut Vec<FieldError>| {
            Label::parse(v)
                .map_err(|x| e.push(FieldError::new(field, x.message)))
                .ok()
        };
        if let Some(n) = self.name.as_deref().and_then(|n| label("name", n, &mut e)) {
            unit.name = n;
        }
        if let Some(k) = self.kind.as_deref().and_then(|k| label("kind", k, &mut e)) {
            unit.kind = k;
        }
        if let Some(x) = &self.external_id {
            unit.external_id = optional("external_id", x, ExternalId::parse, &mut e);
        }
        if let Some(p) = &self.parent_id {
            unit.parent_id = optional_id("parent_id", p, &mut e);
        }
        if let Some(m) = &self.manager_id {
            unit.manager_id = optional_id("manager_id", m, &mut e);
        }
        if e.is_empty() {
            Ok(unit)
        } else {
            Err(e)
        }
    }
}

impl OrgUnit {
    /// The same unit holding `changed`'s fields: the next version.
    #[must_use]
    pub fn revised(&self, changed: OrgUnit) -> OrgUnit {
        OrgUnit {
            version: crate::org::next_version(self.version),
            ..changed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ada() -> EmployeeFields {
        EmployeeFields {
            external_id: Some("E-1".into()),
            email: Some(" Ada@Example.com ".into()),
            given_name: Some("Ada".into()),
            family_name: Some("Lovelace".into()),
            job_level: Some(3),
            hire_date: Some("2020-01-06".into()),
            ..EmployeeFields::default()
        }
    }

    #[test]
    fn a_complete_record_parses_with_defaults() {
        let d = ada().parse(None, None).unwrap();
        assert_eq!(d.email.as_str(), "ada@example.com");
        assert_eq!(d.status, EmployeeStatus::Active);
        assert_eq!(d.employment_type, EmploymentType::FullTime);
        assert_eq!(d.contracted_hours, ContractedHours::FORTY_HOURS);
    }

    #[test]
    fn every_field_problem_is_reported_at_once() {
        let bad = EmployeeFields {
            email: Some("nope".into()),
            given_name: Some("  ".into()),
            job_level: Some(9),
            hire_date: Some("06/01/2020".into()),
            status: Some("gone".into()),
            ..ada()
        };
        let fields: Vec<String> = bad
            .parse(None, None)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["email", "given_name", "job_level", "status", "hire_date"]
        );
    }

    #[test]
    fn cross_field_rules_run_after_the_fields_parse() {
        let bad = EmployeeFields {
            status: Some("terminated".into()),
            ..ada()
        };
        let errors = bad.parse(None, None).unwrap_err();
        assert_eq!(errors[0].field, "termination_date");
    }

    #[test]
    fn ids_that_do_not_parse_are_named() {
        let mut errors = Vec::new();
        let id: Option<EmployeeId> = optional_id("manager_id", &Some("x".into()), &mut errors);
        assert_eq!(id, None);
        assert_eq!(errors, [FieldError::new("manager_id", "is not an id")]);
    }

    #[test]
    fn changes_keep_absent_fields_and_clear_nulled_ones() {
        let mut f = ada();
        f.job_title = Some("Eng".into());
        EmployeeChanges {
            job_title: Some(None),
            given_name: Some("Augusta".into()),
            ..EmployeeChanges::default()
        }
        .apply(&mut f);
        assert_eq!(f.job_title, None);
        assert_eq!(f.given_name.as_deref(), Some("Augusta"));
        assert_eq!(f.family_name.as_deref(), Some("Lovelace"));
    }

    #[test]
    fn a_unit_needs_a_name_and_parses_its_references() {
        let id = OrgUnitId::from_uuid(uuid::Uuid::from_u128(1));
        let err = OrgUnitChanges::default().create(id).unwrap_err();
        assert_eq!(err, [FieldError::new("name", "is required")]);
        let unit = OrgUnitChanges {
            name: Some(" Sales ".into()),
            external_id: Some(Some("U-1".into())),
            ..OrgUnitChanges::default()
        }
        .create(id)
        .unwrap();
        assert_eq!(
            (unit.name.as_str(), unit.kind.as_str(), unit.version),
            ("Sales", "unit", 1)
        );
        let bad = OrgUnitChanges {
            kind: Some(" ".into()),
            parent_id: Some(Some("x".into())),
            ..OrgUnitChanges::default()
        }
        .apply(unit.clone())
        .unwrap_err();
        let fields: Vec<_> = bad.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "parent_id"]);
        let renamed = OrgUnitChanges {
            name: Some("Sales EMEA".into()),
            ..OrgUnitChanges::default()
        }
        .apply(unit.clone())
        .unwrap();
        assert_eq!(unit.revised(renamed).version, 2);
    }

    proptest! {
        #[test]
        fn the_fields_of_parsed_data_parse_back_to_it(
            level in 1i64..=8,
            hours in 1u32..=8000,
            title in proptest::option::of("[A-Za-z ]{1,20}"),
            status in proptest::sample::select(EmployeeStatus::ALL),
        ) {
            let fields = EmployeeFields {
                job_level: Some(level),
                contracted_hours_per_week: Some(f64::from(hours) / 100.0),
                job_title: title,
                status: Some(status.code().into()),
                leave_start_date: Some("2021-01-01".into()),
                termination_date: Some("2022-01-01".into()),
                ..ada()
            };
            if let Ok(data) = fields.parse(None, None) {
                let again = EmployeeFields::from_data(&data).parse(None, None);
                prop_assert_eq!(again, Ok(data));
            }
        }
    }
}
