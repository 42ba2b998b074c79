//! An advising plan: focus areas with measurable expectations and the support offered, the
//! check-in cadence, the start and the planned end.

use crate::ids::FocusAreaId;
use crate::macros::clean_text;
use crate::{DomainError, FieldError};
use chrono::NaiveDate;

/// The most focus areas one plan holds.
pub const MAX_FOCUS_AREAS: usize = 10;
/// The longest plan, start to planned end (a PIP is usually 30, 60 or 90 days).
const MAX_DAYS: i64 = 366;

code_enum!(
    /// What a focus area is about (`custom` needs a title).
    FocusKind, "kind" {
        /// Managing time: planning the work and meeting deadlines.
        TimeManagement = "time_management",
        /// How the client communicates: clarity, tone, listening.
        CommunicationStyle = "communication_style",
        /// The quality of the client's work: accuracy, completeness, rework.
        Quality = "quality",
        /// Choosing what to do first and what to leave.
        Prioritisation = "prioritisation",
        /// Working with others: sharing information, helping, handing over.
        Collaboration = "collaboration",
        /// Anything else, named by the focus area's title (required).
        Custom = "custom",
    }
);

/// How often check-ins are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInCadence {
    Weekly,
    Fortnightly,
    /// Every this many days (1..=90).
    Custom(u32),
}

impl CheckInCadence {
    pub fn days(self) -> u32 {
        match self {
            CheckInCadence::Weekly => 7,
            CheckInCadence::Fortnightly => 14,
            CheckInCadence::Custom(d) => d,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            CheckInCadence::Weekly => "weekly",
            CheckInCadence::Fortnightly => "fortnightly",
            CheckInCadence::Custom(_) => "custom",
        }
    }
    /// `weekly`, `fortnightly`, or `custom` with `days` (1..=90).
    pub fn parse(code: &str, days: Option<i64>) -> Result<Self, FieldError> {
        match (code, days) {
            ("weekly", None) => Ok(Self::Weekly),
            ("fortnightly", None) => Ok(Self::Fortnightly),
            ("custom", Some(d)) if (1..=90).contains(&d) => {
                Ok(Self::Custom(u32::try_from(d).unwrap_or(7)))
            }
            ("custom", _) => Err(FieldError::new(
                "cadence_days",
                "a custom cadence needs cadence_days between 1 and 90",
            )),
            ("weekly" | "fortnightly", Some(_)) => Err(FieldError::new(
                "cadence_days",
                "is only given with a custom cadence",
            )),
            _ => Err(FieldError::new(
                "cadence",
                "must be one of: weekly, fortnightly, custom",
            )),
        }
    }
}

/// One focus area of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct FocusArea {
    pub id: FocusAreaId,
    pub kind: FocusKind,
    /// Required for `custom`; optional otherwise.
    pub title: Option<String>,
    /// What is expected, measurably ("every customer answer within two working days").
    pub expectations: String,
    /// What support is offered ("weekly planning session with the advisor").
    pub support: Option<String>,
}

/// A focus area as sent; `id` keeps an existing area (so its ratings follow it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FocusAreaFields {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub title: Option<String>,
    pub expectations: Option<String>,
    pub support: Option<String>,
}

impl FocusAreaFields {
    fn parse(
        &self,
        known: &[FocusArea],
        fresh: &mut dyn FnMut() -> FocusAreaId,
        errors: &mut Vec<FieldError>,
        at: &str,
    ) -> Option<FocusArea> {
        let mut push = |e: FieldError| errors.push(e.under(at));
        let id = match self.id.as_deref().map(str::parse::<FocusAreaId>) {
            None => Some(fresh()),
            Some(Ok(id)) if known.iter().any(|k| k.id == id) => Some(id),
            Some(_) => {
                push(FieldError::new("id", "is not a focus area of this plan"));
                None
            }
        };
        let kind = match self.kind.as_deref().map(FocusKind::parse) {
            Some(Ok(k)) => Some(k),
            Some(Err(e)) => {
                push(e);
                None
            }
            None => {
                push(FieldError::new("kind", "is required"));
                None
            }
        };
        let title = match self.title.as_deref().map(|t| clean_text(t, "title", 200)) {
            Some(Ok(t)) => Some(t),
            Some(Err(e)) => {
                push(e);
                None
            }
            None => {
                if kind == Some(FocusKind::Custom) {
                    push(FieldError::new(
                        "title",
                        "a custom focus area needs a title",
                    ));
                }
                None
            }
        };
        let expectations = match self.expectations.as_deref() {
            Some(t) => clean_text(t, "expectations", 2000).map_err(&mut push).ok(),
            None => {
                push(FieldError::new(
                    "expectations",
                    "is required: say what is expected, measurably",
                ));
                None
            }
        };
        let support = self
            .support
            .as_deref()
            .map(|t| clean_text(t, "support", 2000))
            .transpose()
            .map_err(&mut push)
            .ok()
            .flatten();
        Some(FocusArea {
            id: id?,
            kind: kind?,
            title,
            expectations: expectations?,
            support,
        })
    }
}

/// The plan of an engagement.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub focus_areas: Vec<FocusArea>,
    pub cadence: CheckInCadence,
    pub start_date: NaiveDate,
    pub planned_end: NaiveDate,
}

/// A plan as sent (for a change, absent fields keep the current plan's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanFields {
    pub focus_areas: Option<Vec<FocusAreaFields>>,
    pub cadence: Option<String>,
    pub cadence_days: Option<i64>,
    pub start_date: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
}

impl PlanFields {
    /// Parse over `current` (absent fields keep it; `None` for a new plan: then the dates are
    /// required), every field problem at once. `fresh` names new focus areas.
    pub fn parse(
        &self,
        current: Option<&Plan>,
        fresh: &mut dyn FnMut() -> FocusAreaId,
    ) -> Result<Plan, DomainError> {
        let mut errors = Vec::new();
        let known = current.map_or(&[][..], |p| &p.focus_areas[..]);
        let focus_areas = match &self.focus_areas {
            None => known.to_vec(),
            Some(sent) => {
                if sent.len() > MAX_FOCUS_AREAS {
                    errors.push(FieldError::new(
                        "focus_areas",
                        format!("a plan holds at most {MAX_FOCUS_AREAS} focus areas"),
                    ));
                }
                let parsed: Vec<_> = sent
                    .iter()
                    .enumerate()
                    .map(|(i, f)| f.parse(known, fresh, &mut errors, &format!("focus_areas[{i}]")))
                    .collect();
                parsed.into_iter().flatten().collect()
            }
        };
        let cadence = match (&self.cadence, current) {
            (None, Some(p)) if self.cadence_days.is_none() => Some(p.cadence),
            (code, _) => {
                CheckInCadence::parse(code.as_deref().unwrap_or("weekly"), self.cadence_days)
                    .map_err(|e| errors.push(e))
                    .ok()
            }
        };
        let start = self.start_date.or(current.map(|p| p.start_date));
        let end = self.planned_end.or(current.map(|p| p.planned_end));
        if start.is_none() {
            errors.push(FieldError::new("start_date", "is required"));
        }
        if end.is_none() {
            errors.push(FieldError::new("planned_end", "is required"));
        }
        if let (Some(s), Some(e)) = (start, end) {
            if e <= s {
                errors.push(FieldError::new(
                    "planned_end",
                    "must be after the start date",
                ));
            } else if (e - s).num_days() > MAX_DAYS {
                errors.push(FieldError::new(
                    "planned_end",
                    format!("a plan runs at most {MAX_DAYS} days; extend it later if needed"),
                ));
            }
        }
        match (cadence, start, end) {
            (Some(cadence), Some(start_date), Some(planned_end)) if errors.is_empty() => Ok(Plan {
                focus_areas,
                cadence,
                start_date,
                planned_end,
            }),
            _ => Err(errors.into()),
        }
    }
}

impl Plan {
    /// A plan that can be in force: at least one focus area.
    pub fn check_runnable(&self) -> Result<(), DomainError> {
        if self.focus_areas.is_empty() {
            return Err(FieldError::new(
                "focus_areas",
                "a plan in force needs at least one focus area with its expectations",
            )
            .into());
        }
        Ok(())
    }

    /// The plan in one line, for the history of an amendment.
    pub fn describe(&self) -> String {
        let areas: Vec<String> = self
            .focus_areas
            .iter()
            .map(|f| {
                format!(
                    "{}: {}",
                    f.title.as_deref().unwrap_or(f.kind.code()),
                    f.expectations
                )
            })
            .collect();
        format!(
            "cadence {} ({} days); {}",
            self.cadence.code(),
            self.cadence.days(),
            areas.join("; ")
        )
    }
}
