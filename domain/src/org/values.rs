//! Value types that parse: once built, they are valid.

use crate::FieldError;
use std::fmt;

text_type!(
    /// The HRIS key of a record (the upsert key): 1-128 characters, trimmed.
    ExternalId, "external_id", 128
);
text_type!(
    /// A given or family name: 1-200 characters, trimmed.
    PersonName, "name", 200
);
text_type!(
    /// A short free label (job title, location, unit name, employee number): 1-200 characters.
    Label, "value", 200
);

/// A work email, stored lower-cased. Deliberately simple: one `@`, a dotted domain, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let value = input.trim().to_lowercase();
        let invalid = |why: &str| Err(FieldError::new("email", why.to_owned()));
        if value.is_empty() {
            return invalid("must not be blank");
        }
        if value.len() > 254 {
            return invalid("must be at most 254 characters");
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return invalid("must not contain spaces");
        }
        let Some((local, domain)) = value.split_once('@') else {
            return invalid("must contain @");
        };
        if local.is_empty() || local.len() > 64 || domain.contains('@') {
            return invalid("must have exactly one @ with a local part of 1-64 characters");
        }
        let labels_ok = domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
        if !domain.contains('.') || !labels_ok {
            return invalid("must have a domain like example.com");
        }
        Ok(Self(value))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ordered job-level band: 1 (junior) .. 8 (executive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobLevel(u8);

impl JobLevel {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 8;

    pub fn new(level: i64) -> Result<Self, FieldError> {
        match u8::try_from(level) {
            Ok(l) if (Self::MIN..=Self::MAX).contains(&l) => Ok(Self(l)),
            _ => Err(FieldError::new(
                "job_level",
                format!("must be between {} and {}", Self::MIN, Self::MAX),
            )),
        }
    }
    pub fn get(self) -> u8 {
        self.0
    }
}

/// Contracted working hours per week: more than 0, at most 80, in hundredths of an hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContractedHours(u32);

impl ContractedHours {
    /// The usual full-time week, 40 hours (the default full time of a learning-time policy).
    pub const FORTY_HOURS: Self = Self(4000);

    pub fn new(hours: f64) -> Result<Self, FieldError> {
        if !hours.is_finite() || hours <= 0.0 || hours > 80.0 {
            return Err(FieldError::new(
                "contracted_hours_per_week",
                "must be more than 0 and at most 80",
            ));
        }
        // In range (0, 80], so the product fits a u32 and is positive.
        let centi = (hours * 100.0).round();
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "range checked above"
        )]
        Ok(Self(centi as u32))
    }
    pub fn hours(self) -> f64 {
        f64::from(self.0) / 100.0
    }
    /// Hundredths of an hour per week (37.5 hours: 3750).
    pub fn centihours(self) -> u32 {
        self.0
    }
    /// Contracted minutes in a week.
    pub fn minutes_per_week(self) -> u32 {
        self.0 * 60 / 100
    }
}

code_enum!(
    /// How someone is employed.
    EmploymentType, "employment_type" {
        /// Employed on the organisation's full working week (the default).
        FullTime = "full_time",
        /// Employed for fewer hours than a full week; allocations follow their contracted
        /// hours.
        PartTime = "part_time",
        /// Works for the organisation under a contract for services, not employed.
        Contractor = "contractor",
        /// An internship or placement, usually for a fixed term.
        Intern = "intern",
        /// Employed for a fixed term or through an agency.
        Temporary = "temporary",
    }
);

code_enum!(
    /// Where someone is in their employment.
    EmployeeStatus, "status" {
        /// Hired but not started yet, as the HRIS reports it.
        Pending = "pending",
        /// Employed and at work (the default).
        Active = "active",
        /// On leave from the leave start date (required) to the leave end date (none: still
        /// on leave); no learning time is allocated on those days.
        Leave = "leave",
        /// Left the organisation on the termination date (required); every learning
        /// record is kept.
        Terminated = "terminated",
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails_are_lowercased_and_trimmed() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "a b@example.com",
            "a@b",
            "a@@b.com",
            "a@-b.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn job_levels_are_one_to_eight() {
        assert!(JobLevel::new(0).is_err());
        assert!(JobLevel::new(9).is_err());
        assert_eq!(JobLevel::new(8).unwrap().get(), 8);
    }

    #[test]
    fn contracted_hours_round_to_hundredths() {
        assert_eq!(ContractedHours::new(37.5).unwrap().minutes_per_week(), 2250);
        assert!(ContractedHours::new(0.0).is_err());
        assert!(ContractedHours::new(f64::NAN).is_err());
        assert!(ContractedHours::new(80.01).is_err());
        assert_eq!(
            ContractedHours::FORTY_HOURS,
            ContractedHours::new(40.0).unwrap()
        );
    }

    #[test]
    fn codes_round_trip() {
        for s in EmployeeStatus::ALL {
            assert_eq!(EmployeeStatus::parse(s.code()).unwrap(), *s);
        }
        assert_eq!(
            EmploymentType::parse("x").unwrap_err().field,
            "employment_type"
        );
    }

    proptest! {
        #[test]
        fn parsed_text_is_trimmed_nonblank_and_bounded(s in "\\PC{0,300}") {
            if let Ok(v) = ExternalId::parse(&s) {
                prop_assert_eq!(v.as_str(), v.as_str().trim());
                prop_assert!(!v.as_str().is_empty());
                prop_assert!(v.as_str().chars().count() <= 128);
            }
        }

        #[test]
        fn every_parsed_email_parses_again_to_itself(s in "[a-zA-Z0-9.@ -]{0,40}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e);
            }
        }
    }
}
