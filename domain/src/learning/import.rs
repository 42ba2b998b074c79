//! One row of a learning-record import from an LMS without xAPI: who (by external id or email),
//! what (by course code or title), when and how long. [`parse_row`] turns a row into a record
//! or says, for the first field that is wrong, why.
//!
//! The people and courses a file names are looked up before parsing (one query each for the
//! whole file, by [`RowInput::external_id`], [`RowInput::email`] and [`RowInput::course_code`]),
//! so parsing is pure.

use super::{LearningRecord, LearningSource, Score};
use crate::catalog::Minutes;
use crate::ids::{CourseId, EmployeeId, LearningRecordId};
use crate::org::Label;
use crate::{Code, FieldError, Rule};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// A row as sent (JSON or CSV), every field optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportRow {
    pub employee_external_id: Option<String>,
    pub employee_email: Option<String>,
    pub course_code: Option<String>,
    /// Required without a course.
    pub title: Option<String>,
    /// YYYY-MM-DD, required.
    pub completed_on: Option<String>,
    /// Default: the course's estimate. Required without a course.
    pub minutes: Option<i64>,
    /// 0-100.
    pub score: Option<f64>,
    /// The LMS's key of the row; without it the row's content is its key.
    pub source_id: Option<String>,
}

/// Trimmed, `None` when blank.
fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ImportRow {
    /// The external id to look the person up by (trimmed).
    pub fn external_id(&self) -> Option<&str> {
        text(&self.employee_external_id)
    }
    /// The email to look the person up by (trimmed, lower-cased).
    pub fn email(&self) -> Option<String> {
        text(&self.employee_email).map(str::to_lowercase)
    }
    /// The course code to look the course up by (trimmed, upper-cased).
    pub fn course_code(&self) -> Option<String> {
        text(&self.course_code).map(str::to_uppercase)
    }
}

/// An import holds at most [`MAX_BULK`](super::bulk::MAX_BULK) rows.
pub fn ensure_import_size(rows: usize) -> Result<(), Rule> {
    if rows > super::bulk::MAX_BULK {
        return Err(Rule::BatchTooLarge {
            what: "an import",
            items: "rows",
            max: super::bulk::MAX_BULK,
            sent: rows,
        });
    }
    Ok(())
}

/// A course a row may name by its code.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownCourse {
    pub id: CourseId,
    pub title: Label,
    pub estimated_minutes: u32,
}

/// The people and courses the file names, found before parsing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Known {
    /// By external id (as stored).
    pub by_external_id: HashMap<String, EmployeeId>,
    /// By email, lower-cased.
    pub by_email: HashMap<String, EmployeeId>,
    /// By course code, upper-cased.
    pub courses: HashMap<String, KnownCourse>,
}

/// Why a row is not imported (the first problem found, in the order of the fields).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RowError {
    /// A field is missing or does not parse.
    #[error("{0}")]
    Invalid(FieldError),
    /// No employee has this external id or email.
    #[error("{0}")]
    UnknownEmployee(FieldError),
    /// No course has this code.
    #[error("{0}")]
    UnknownCourse(FieldError),
}

impl RowError {
    /// The stable code of the row's error.
    pub fn code(&self) -> Code {
        match self {
            RowError::Invalid(_) => Code::ValidationFailed,
            RowError::UnknownEmployee(_) => Code::UnknownEmployee,
            RowError::UnknownCourse(_) => Code::UnknownCourse,
        }
    }
    /// The field and why.
    pub fn field_error(&self) -> &FieldError {
        match self {
            RowError::Invalid(e) | RowError::UnknownEmployee(e) | RowError::UnknownCourse(e) => e,
        }
    }
}

fn invalid(field: &str, message: impl Into<String>) -> RowError {
    RowError::Invalid(FieldError::new(field, message))
}

/// Where an imported record's minutes came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MinutesFrom {
    /// The row's own `minutes`.
    Row,
    /// The catalog course's estimate (the row gave none).
    CourseEstimate,
}

impl MinutesFrom {
    pub fn code(self) -> &'static str {
        match self {
            Self::Row => "row",
            Self::CourseEstimate => "course_estimate",
        }
    }
}

/// An imported record, before it has an id.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRecord {
    pub employee_id: EmployeeId,
    pub course_id: Option<CourseId>,
    pub title: Label,
    pub completed_on: NaiveDate,
    pub minutes: u32,
    pub minutes_from: MinutesFrom,
    pub score: Option<Score>,
    /// The LMS's key, or `employee:course-or-title:day`.
    pub source_id: String,
}

impl ImportedRecord {
    /// The learning record, from the `import` source.
    pub fn into_record(self, id: LearningRecordId, now: DateTime<Utc>) -> LearningRecord {
        LearningRecord {
            id,
            employee_id: self.employee_id,
            course_id: self.course_id,
            title: self.title,
            completed_on: self.completed_on,
            minutes: self.minutes,
            score: self.score,
            source: LearningSource::Import,
            source_id: self.source_id,
            created_at: now,
        }
    }
}

/// Parse one row against the people and courses `known`, completed no later than `today`.
pub fn parse_row(
    row: &ImportRow,
    known: &Known,
    today: NaiveDate,
) -> Result<ImportedRecord, RowError> {
    let employee_id = employee(row, known)?;
    let course = match row.course_code() {
        Some(code) => Some(known.courses.get(&code).ok_or_else(|| {
            RowError::UnknownCourse(FieldError::new("course_code", "no course has this code"))
        })?),
        None => None,
    };
    let title = match (text(&row.title), course) {
        (Some(t), _) => Label::parse(t).map_err(|e| invalid("title", e.message))?,
        (None, Some(c)) => c.title.clone(),
        (None, None) => return Err(invalid("title", "is required without a course")),
    };
    // Not `text`: a blank day is a malformed day, not a missing one.
    let completed_on = match row.completed_on.as_deref() {
        Some(d) => NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
            .map_err(|_| invalid("completed_on", "must be a date YYYY-MM-DD"))?,
        None => return Err(invalid("completed_on", "is required")),
    };
    if completed_on > today {
        return Err(invalid("completed_on", "must not be in the future"));
    }
    let (minutes, minutes_from) = match (row.minutes, course) {
        (Some(m), _) => (
            Minutes::course_estimate(m)
                .map(Minutes::get)
                .map_err(|e| invalid("minutes", e.message))?,
            MinutesFrom::Row,
        ),
        (None, Some(c)) => (c.estimated_minutes, MinutesFrom::CourseEstimate),
        (None, None) => return Err(invalid("minutes", "is required without a course")),
    };
    let score = row
        .score
        .map(Score::new)
        .transpose()
        .map_err(|e| invalid("score", e.message))?;
    let what = course.map_or_else(|| title.to_string(), |c| c.id.to_string());
    let source_id = text(&row.source_id).map_or_else(
        || format!("{employee_id}:{what}:{completed_on}"),
        str::to_owned,
    );
    Ok(ImportedRecord {
        employee_id,
        course_id: course.map(|c| c.id),
        title,
        completed_on,
        minutes,
        minutes_from,
        score,
        source_id,
    })
}

/// The person, by external id when given, else by email.
fn employee(row: &ImportRow, known: &Known) -> Result<EmployeeId, RowError> {
    let unknown = |field: &str, message: &str| {
        RowError::UnknownEmployee(FieldError::new(field, message.to_owned()))
    };
    match (row.external_id(), row.email()) {
        (Some(x), _) => known
            .by_external_id
            .get(x)
            .copied()
            .ok_or_else(|| unknown("employee_external_id", "no employee has this external id")),
        (None, Some(e)) => known
            .by_email
            .get(&e)
            .copied()
            .ok_or_else(|| unknown("employee_email", "no employee has this email")),
        (None, None) => Err(invalid(
            "employee_external_id",
            "give employee_external_id or employee_email",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ann() -> EmployeeId {
        EmployeeId::from_uuid(uuid::Uuid::from_u128(1))
    }
    fn lead() -> KnownCourse {
        KnownCourse {
            id: CourseId::from_uuid(uuid::Uuid::from_u128(2)),
            title: Label::parse("Leading people").unwrap(),
            estimated_minutes: 90,
        }
    }
    fn known() -> Known {
        Known {
            by_external_id: [("E-1".to_owned(), ann())].into(),
            by_email: [("ann@example.com".to_owned(), ann())].into(),
            courses: [("LEAD-101".to_owned(), lead())].into(),
        }
    }
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
    }
    fn row() -> ImportRow {
        ImportRow {
            employee_external_id: Some(" E-1 ".into()),
            course_code: Some("lead-101".into()),
            completed_on: Some("2026-03-01".into()),
            ..ImportRow::default()
        }
    }
    fn err(r: &ImportRow) -> (&'static str, String, String) {
        let e = parse_row(r, &known(), today()).unwrap_err();
        let f = e.field_error();
        (e.code().as_str(), f.field.clone(), f.message.clone())
    }

    #[test]
    fn a_row_naming_a_course_takes_its_title_and_estimate() {
        let r = parse_row(&row(), &known(), today()).unwrap();
        assert_eq!((r.employee_id, r.course_id), (ann(), Some(lead().id)));
        assert_eq!((r.title.as_str(), r.minutes), ("Leading people", 90));
        assert_eq!(r.source_id, format!("{}:{}:2026-03-01", ann(), lead().id));
        let rec = r.into_record(
            LearningRecordId::from_uuid(uuid::Uuid::from_u128(3)),
            Utc::now(),
        );
        assert_eq!(rec.source, LearningSource::Import);
    }

    #[test]
    fn a_row_without_a_course_needs_a_title_and_minutes_and_is_keyed_by_its_title() {
        let r = ImportRow {
            employee_external_id: None,
            employee_email: Some(" Ann@Example.com".into()),
            course_code: None,
            title: Some("Conference talk".into()),
            minutes: Some(45),
            score: Some(50.0),
            source_id: None,
            ..row()
        };
        let p = parse_row(&r, &known(), today()).unwrap();
        assert_eq!((p.course_id, p.minutes), (None, 45));
        assert_eq!(p.source_id, format!("{}:Conference talk:2026-03-01", ann()));
        let no_title = ImportRow {
            title: None,
            ..r.clone()
        };
        assert_eq!(
            err(&no_title),
            (
                "validation_failed",
                "title".into(),
                "is required without a course".into()
            )
        );
        let no_minutes = ImportRow { minutes: None, ..r };
        assert_eq!(
            err(&no_minutes),
            (
                "validation_failed",
                "minutes".into(),
                "is required without a course".into()
            )
        );
    }

    #[test]
    fn unknown_people_and_courses_are_named_by_their_field() {
        let r = ImportRow {
            employee_external_id: Some("E-9".into()),
            ..row()
        };
        assert_eq!(err(&r).0, "unknown_employee");
        assert_eq!(err(&r).1, "employee_external_id");
        let r = ImportRow {
            employee_external_id: None,
            employee_email: Some("bob@example.com".into()),
            ..row()
        };
        assert_eq!(
            err(&r),
            (
                "unknown_employee",
                "employee_email".into(),
                "no employee has this email".into()
            )
        );
        let r = ImportRow {
            employee_external_id: Some("  ".into()),
            ..row()
        };
        assert_eq!(
            err(&r),
            (
                "validation_failed",
                "employee_external_id".into(),
                "give employee_external_id or employee_email".into()
            )
        );
        let r = ImportRow {
            course_code: Some("NOPE".into()),
            ..row()
        };
        assert_eq!(
            err(&r),
            (
                "unknown_course",
                "course_code".into(),
                "no course has this code".into()
            )
        );
    }

    #[test]
    fn the_first_problem_in_field_order_is_reported() {
        let r = ImportRow {
            employee_external_id: Some("E-9".into()),
            completed_on: Some("tomorrow".into()),
            score: Some(200.0),
            ..row()
        };
        assert_eq!(err(&r).0, "unknown_employee");
    }

    #[test]
    fn days_minutes_and_scores_are_checked() {
        for (r, field, message) in [
            (
                ImportRow {
                    completed_on: None,
                    ..row()
                },
                "completed_on",
                "is required",
            ),
            (
                ImportRow {
                    completed_on: Some(" ".into()),
                    ..row()
                },
                "completed_on",
                "must be a date YYYY-MM-DD",
            ),
            (
                ImportRow {
                    completed_on: Some("01/03/2026".into()),
                    ..row()
                },
                "completed_on",
                "must be a date YYYY-MM-DD",
            ),
            (
                ImportRow {
                    completed_on: Some("2026-03-11".into()),
                    ..row()
                },
                "completed_on",
                "must not be in the future",
            ),
            (
                ImportRow {
                    minutes: Some(0),
                    ..row()
                },
                "minutes",
                "must be between 1 and 100000 minutes",
            ),
            (
                ImportRow {
                    score: Some(-1.0),
                    ..row()
                },
                "score",
                "must be between 0 and 100",
            ),
        ] {
            assert_eq!(err(&r), ("validation_failed", field.into(), message.into()));
        }
    }

    #[test]
    fn the_lms_key_wins_over_the_content_key() {
        let r = ImportRow {
            source_id: Some(" lms-42 ".into()),
            ..row()
        };
        assert_eq!(
            parse_row(&r, &known(), today()).unwrap().source_id,
            "lms-42"
        );
    }

    proptest! {
        #[test]
        fn any_accepted_row_keeps_its_values(
            title in "[A-Za-z][A-Za-z0-9 ]{0,40}",
            days_ago in 0i64..3650,
            minutes in 1i64..=100_000,
            score in proptest::option::of(0.0f64..=100.0),
            key in proptest::option::of("[a-z0-9-]{1,20}"),
        ) {
            let day = today() - chrono::Duration::days(days_ago);
            let r = ImportRow {
                employee_external_id: Some("E-1".into()),
                employee_email: None,
                course_code: None,
                title: Some(title.clone()),
                completed_on: Some(day.to_string()),
                minutes: Some(minutes),
                score,
                source_id: key.clone(),
            };
            let p = parse_row(&r, &known(), today()).unwrap();
            prop_assert_eq!(p.employee_id, ann());
            prop_assert_eq!(p.title.as_str(), title.trim());
            prop_assert_eq!(p.completed_on, day);
            prop_assert_eq!(i64::from(p.minutes), minutes);
            prop_assert_eq!(p.score.map(Score::get), score);
            match key {
                Some(k) => prop_assert_eq!(p.source_id, k),
                None => prop_assert_eq!(p.source_id, format!("{}:{}:{}", ann(), title.trim(), day)),
            }
        }

        #[test]
        fn arbitrary_rows_never_panic(
            fields in proptest::collection::vec(proptest::option::of("\\PC{0,30}"), 6),
            minutes in proptest::option::of(any::<i64>()),
            score in proptest::option::of(any::<f64>()),
        ) {
            let f = |i: usize| fields[i].clone();
            let r = ImportRow {
                employee_external_id: f(0),
                employee_email: f(1),
                course_code: f(2),
                title: f(3),
                completed_on: f(4),
                minutes,
                score,
                source_id: f(5),
            };
            if let Ok(p) = parse_row(&r, &known(), today()) {
                prop_assert!(p.completed_on <= today());
                prop_assert!(!p.source_id.trim().is_empty());
            }
        }
    }
}
