//! The catalog: courses and what describes them (code, modality, provider, level, xAPI activity).

use crate::ids::{CourseId, SkillId};
use crate::org::Label;
use crate::FieldError;
use chrono::{DateTime, Utc};
use std::fmt;

mod fields;

pub use fields::{CourseChanges, CourseFields, NewSkill, SkillFields};

code_enum!(
    /// How a course is delivered.
    Modality, "modality" {
        /// Online with a trainer at set times, e.g. a virtual classroom or webinar.
        Online = "online",
        /// In person, in a room with a trainer.
        Classroom = "classroom",
        /// A mix of online and in-person sessions.
        Blended = "blended",
        /// Worked through alone at the learner's own pace, e.g. e-learning modules.
        SelfPaced = "self_paced",
        /// Learnt while doing the job, e.g. shadowing or a stretch assignment.
        OnTheJob = "on_the_job",
    }
);

code_enum!(
    /// Who provides a course.
    Provider, "provider" {
        /// Designed and run by the organisation itself.
        Internal = "internal",
        /// Bought in from an outside provider (a vendor, a school, a platform).
        External = "external",
    }
);

code_enum!(
    /// How advanced a course is.
    CourseLevel, "level" {
        /// For people new to the subject; no prior knowledge assumed.
        Beginner = "beginner",
        /// For people who know the basics and want to build on them.
        Intermediate = "intermediate",
        /// For experienced practitioners deepening their expertise.
        Advanced = "advanced",
    }
);

/// A course code: 1-40 ASCII letters, digits, `-`, `_` or `.`, trimmed, stored upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CourseCode(String);

impl CourseCode {
    /// The longest code accepted.
    pub const MAX_CHARS: usize = 40;

    /// Parse a code: `" lead-101 "` becomes `LEAD-101`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let code = input.trim();
        if code.is_empty() {
            return Err(FieldError::new("code", "must not be blank"));
        }
        if code.len() > Self::MAX_CHARS {
            return Err(FieldError::new(
                "code",
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(FieldError::new(
                "code",
                "may only contain ASCII letters, digits, '-', '_' and '.'",
            ));
        }
        Ok(Self(code.to_ascii_uppercase()))
    }

    /// The code, as stored (upper case).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CourseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An xAPI activity id: an absolute IRI (`https://…`, `urn:…`), at most 2048 characters, no
/// whitespace. Stored exactly as given (after trimming): xAPI compares activity ids verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActivityId(String);

impl ActivityId {
    /// The longest activity id accepted.
    pub const MAX_CHARS: usize = 2048;

    /// Parse an activity id. The scheme follows RFC 3987/3986 (a letter, then letters, digits,
    /// `+`, `-` or `.`) and must be followed by `://` and something, or be `urn:` and something.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let iri = input.trim();
        let invalid = |why: &str| Err(FieldError::new("xapi_activity_id", why.to_owned()));
        if iri.is_empty() {
            return invalid("must not be blank");
        }
        if iri.chars().count() > Self::MAX_CHARS {
            return invalid("must be at most 2048 characters");
        }
        if iri.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return invalid("must not contain whitespace");
        }
        if !has_iri_scheme(iri) {
            return invalid(
                "must be an absolute IRI such as https://example.com/course/1 or urn:…",
            );
        }
        Ok(Self(iri.to_owned()))
    }

    /// The IRI, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ActivityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `scheme://rest` or `urn:rest` (case-insensitive scheme), with a non-empty rest.
fn has_iri_scheme(iri: &str) -> bool {
    if iri.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
        return iri.len() > 4;
    }
    let Some((scheme, rest)) = iri.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    starts_with_letter
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
}

/// A positive whole number of minutes, at most a maximum that depends on what is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Minutes(u32);

impl Minutes {
    /// The longest course estimate accepted (about 1667 hours).
    pub const MAX_COURSE_ESTIMATE: u32 = 100_000;

    /// Minutes in `1..=max`; errors name `field`.
    pub fn new(minutes: i64, field: &str, max: u32) -> Result<Self, FieldError> {
        match u32::try_from(minutes) {
            Ok(m) if (1..=max).contains(&m) => Ok(Self(m)),
            _ => Err(FieldError::new(
                field,
                format!("must be between 1 and {max} minutes"),
            )),
        }
    }

    /// A course's estimated duration: 1..=100 000 minutes (field `estimated_minutes`).
    pub fn course_estimate(minutes: i64) -> Result<Self, FieldError> {
        Self::new(minutes, "estimated_minutes", Self::MAX_COURSE_ESTIMATE)
    }

    /// The number of minutes.
    pub fn get(self) -> u32 {
        self.0
    }
}

text_type!(
    /// A course description: 1-10,000 characters, trimmed.
    Description, "description", 10000
);

/// A skill in the taxonomy, a tree (a skill may have a broader parent skill).
#[derive(Debug, Clone, PartialEq)]
pub struct Skill {
    pub id: SkillId,
    pub name: Label,
    pub parent_id: Option<SkillId>,
    pub created_at: DateTime<Utc>,
}

/// What a course is. `skills` is sorted and free of repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseData {
    pub code: CourseCode,
    pub title: Label,
    pub description: Option<Description>,
    pub provider: Provider,
    pub modality: Modality,
    pub level: Option<CourseLevel>,
    pub estimated_minutes: u32,
    /// The xAPI activity whose completion completes this course.
    pub xapi_activity_id: Option<ActivityId>,
    pub skills: Vec<SkillId>,
    /// Archived courses stay for history but are not offered or assigned.
    pub archived: bool,
}

/// A course in the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct Course {
    pub id: CourseId,
    pub data: CourseData,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn course_codes_are_trimmed_and_upper_cased() {
        assert_eq!(
            CourseCode::parse("  lead-101.a_b ").unwrap().as_str(),
            "LEAD-101.A_B"
        );
    }

    #[test]
    fn course_codes_with_other_characters_or_too_long_are_refused() {
        for bad in ["", "   ", "a b", "lead/1", "kurs-ä", &"x".repeat(41)] {
            assert_eq!(CourseCode::parse(bad).unwrap_err().field, "code", "{bad}");
        }
        assert!(CourseCode::parse(&"x".repeat(40)).is_ok());
    }

    #[test]
    fn activity_ids_must_be_absolute_iris() {
        for good in [
            "https://example.com/course/1",
            "  http://x.io/a?b=c#d ",
            "urn:uuid:6f1c1c4e-0000-0000-0000-000000000000",
            "URN:isbn:123",
            "tag+x.y-z://thing",
        ] {
            assert!(ActivityId::parse(good).is_ok(), "{good} should parse");
        }
        for bad in [
            "",
            "example.com/course",
            "/course/1",
            "https://",
            "urn:",
            "1http://x",
            "https://example.com/a b",
            "ht tp://x",
        ] {
            let err = ActivityId::parse(bad).unwrap_err();
            assert_eq!(err.field, "xapi_activity_id", "{bad}");
        }
    }

    #[test]
    fn activity_ids_are_kept_verbatim_and_bounded() {
        let id = ActivityId::parse(" https://Example.com/Course ").unwrap();
        assert_eq!(id.as_str(), "https://Example.com/Course");
        assert_eq!(id.to_string(), "https://Example.com/Course");
        let long = format!("https://x.io/{}", "a".repeat(2048));
        assert!(ActivityId::parse(&long).is_err());
    }

    #[test]
    fn minutes_are_positive_and_bounded() {
        assert_eq!(Minutes::course_estimate(90).unwrap().get(), 90);
        assert_eq!(
            Minutes::course_estimate(0).unwrap_err().field,
            "estimated_minutes"
        );
        assert!(Minutes::course_estimate(100_001).is_err());
        assert!(Minutes::new(-5, "minutes", 10).is_err());
        assert_eq!(Minutes::new(10, "minutes", 10).unwrap().get(), 10);
    }

    #[test]
    fn catalog_codes_round_trip() {
        for m in Modality::ALL {
            assert_eq!(Modality::parse(m.code()).unwrap(), *m);
        }
        for p in Provider::ALL {
            assert_eq!(Provider::parse(&p.to_string()).unwrap(), *p);
        }
        for l in CourseLevel::ALL {
            assert_eq!(CourseLevel::parse(l.code()).unwrap(), *l);
        }
        assert_eq!(Modality::parse("remote").unwrap_err().field, "modality");
        assert_eq!(CourseLevel::parse("expert").unwrap_err().field, "level");
    }

    proptest! {
        #[test]
        fn a_parsed_course_code_parses_again_to_itself(s in "[a-zA-Z0-9._ -]{0,50}") {
            if let Ok(code) = CourseCode::parse(&s) {
                prop_assert_eq!(CourseCode::parse(code.as_str()).unwrap(), code);
            }
        }

        #[test]
        fn a_parsed_activity_id_has_no_whitespace(s in "[a-z]{0,6}(://|:)?\\PC{0,30}") {
            if let Ok(id) = ActivityId::parse(&s) {
                prop_assert!(!id.as_str().chars().any(char::is_whitespace));
                prop_assert!(id.as_str().contains(':'));
            }
        }
    }
}
