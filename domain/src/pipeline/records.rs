//! The pipeline's records as sent and as stored: programmes, cohorts, readiness assessments,
//! talent reviews, positions, succession slates and the motivation reflection.

use crate::catalog::Description;
use crate::ids::{
    CohortId, EmployeeId, MembershipId, OrgUnitId, PlacementId, PositionId, ProgrammeId,
    ReadinessAssessmentId, TalentReviewId,
};
use crate::org::{optional_id, JobLevel, Label};
use crate::FieldError;
use chrono::{DateTime, NaiveDate, Utc};

fn required<T>(field: &str, v: Option<T>, errors: &mut Vec<FieldError>) -> Option<T> {
    if v.is_none() {
        errors.push(FieldError::new(field, "is required"));
    }
    v
}

fn label(field: &str, v: Option<&str>, errors: &mut Vec<FieldError>) -> Option<Label> {
    match v.map(Label::parse) {
        None => {
            errors.push(FieldError::new(field, "is required"));
            None
        }
        Some(Err(e)) => {
            errors.push(FieldError::new(field, e.message));
            None
        }
        Some(Ok(l)) => Some(l),
    }
}

fn description(v: Option<&str>, errors: &mut Vec<FieldError>) -> Option<Description> {
    v.map(Description::parse)
        .transpose()
        .map_err(|e| errors.push(e))
        .ok()
        .flatten()
}

fn level(field: &str, v: Option<i64>, errors: &mut Vec<FieldError>) -> Option<JobLevel> {
    let v = required(field, v, errors)?;
    JobLevel::new(v)
        .map_err(|e| errors.push(FieldError::new(field, e.message)))
        .ok()
}

fn required_id<T: std::str::FromStr>(
    field: &str,
    v: &Option<String>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    if v.is_none() {
        errors.push(FieldError::new(field, "is required"));
        return None;
    }
    optional_id(field, v, errors)
}

/// A leadership programme (e.g. Emerging Leaders): who leads it and which job levels it
/// prepares people for.
#[derive(Debug, Clone, PartialEq)]
pub struct Programme {
    pub id: ProgrammeId,
    pub name: Label,
    pub description: Option<Description>,
    /// The programme lead: admits members and discusses their reflections with them.
    pub lead_id: EmployeeId,
    /// The leadership levels it prepares for (inclusive).
    pub target_levels: (JobLevel, JobLevel),
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A programme as sent.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeFields {
    pub name: Option<String>,
    pub description: Option<String>,
    pub lead_id: Option<String>,
    pub target_level_min: Option<i64>,
    pub target_level_max: Option<i64>,
}

impl ProgrammeFields {
    /// Parse every field at once into a programme with `id`, created `now`.
    pub fn parse(&self, id: ProgrammeId, now: DateTime<Utc>) -> Result<Programme, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = label("name", self.name.as_deref(), &mut errors);
        let description = description(self.description.as_deref(), &mut errors);
        let lead_id = required_id::<EmployeeId>("lead_id", &self.lead_id, &mut errors);
        let min = level("target_level_min", self.target_level_min, &mut errors);
        let max = level("target_level_max", self.target_level_max, &mut errors);
        if let (Some(a), Some(b)) = (min, max) {
            if a > b {
                errors.push(FieldError::new(
                    "target_level_max",
                    "must not be below target_level_min",
                ));
            }
        }
        match (name, lead_id, min, max) {
            (Some(name), Some(lead_id), Some(a), Some(b)) if errors.is_empty() => Ok(Programme {
                id,
                name,
                description,
                lead_id,
                target_levels: (a, b),
                version: crate::org::FIRST_VERSION,
                created_at: now,
                updated_at: now,
            }),
            _ => Err(errors),
        }
    }
}

/// One cohort of a programme: its dates and how many members it admits.
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    pub id: CohortId,
    pub programme_id: ProgrammeId,
    pub name: Label,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: u32,
    /// Members admitted, active or graduated (a seat each); changed only by conditional updates
    /// that keep it at most `capacity`.
    pub seats_taken: u32,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The largest cohort.
const COHORT_MAX: i64 = 500;

/// A cohort as sent.
#[derive(Debug, Clone, Default)]
pub struct CohortFields {
    pub name: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub capacity: Option<i64>,
}

impl CohortFields {
    pub fn parse(
        &self,
        id: CohortId,
        programme_id: ProgrammeId,
        now: DateTime<Utc>,
    ) -> Result<Cohort, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = label("name", self.name.as_deref(), &mut errors);
        let starts_on = required("starts_on", self.starts_on, &mut errors);
        let ends_on = required("ends_on", self.ends_on, &mut errors);
        if let (Some(s), Some(e)) = (starts_on, ends_on) {
            if e < s {
                errors.push(FieldError::new("ends_on", "must not be before starts_on"));
            }
        }
        let capacity = required("capacity", self.capacity, &mut errors).and_then(|c| {
            if (1..=COHORT_MAX).contains(&c) {
                u32::try_from(c).ok()
            } else {
                errors.push(FieldError::new(
                    "capacity",
                    format!("must be between 1 and {COHORT_MAX}"),
                ));
                None
            }
        });
        match (name, starts_on, ends_on, capacity) {
            (Some(name), Some(starts_on), Some(ends_on), Some(capacity)) if errors.is_empty() => {
                Ok(Cohort {
                    id,
                    programme_id,
                    name,
                    starts_on,
                    ends_on,
                    capacity,
                    seats_taken: 0,
                    version: crate::org::FIRST_VERSION,
                    created_at: now,
                    updated_at: now,
                })
            }
            _ => Err(errors),
        }
    }
}

code_enum!(
    /// How ready a person is for a leadership role (stable codes).
    Readiness, "readiness" {
        /// Could take a leadership role now.
        ReadyNow = "ready_now",
        /// Ready for a leadership role in one to two years.
        OneToTwoYears = "ready_1_2_years",
        /// Ready for a leadership role in three to five years.
        ThreeToFiveYears = "ready_3_5_years",
        /// Ready for a leadership role in more than five years.
        FivePlusYears = "ready_5_plus_years",
    }
);

/// Why the assessor thinks so: at most 2,000 characters, sensitive like the assessment, so its
/// `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Rationale(String);

impl Rationale {
    pub fn new(text: String) -> Self {
        Self(text)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Rationale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[rationale, {} characters]", self.0.chars().count())
    }
}

fn rationale(v: Option<&str>, errors: &mut Vec<FieldError>) -> Option<Rationale> {
    let text = v.map(str::trim).filter(|s| !s.is_empty())?;
    if text.chars().count() > 2000 {
        errors.push(FieldError::new(
            "rationale",
            "must be at most 2000 characters",
        ));
        return None;
    }
    Some(Rationale(text.to_owned()))
}

/// One readiness assessment; a person's history is every assessment, the latest counts.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadinessAssessment {
    pub id: ReadinessAssessmentId,
    pub employee_id: EmployeeId,
    pub readiness: Readiness,
    pub assessor_id: EmployeeId,
    pub assessed_on: NaiveDate,
    pub rationale: Option<Rationale>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct ReadinessFields {
    pub readiness: Option<String>,
    /// Default: the caller.
    pub assessor_id: Option<String>,
    /// Default: today.
    pub assessed_on: Option<NaiveDate>,
    pub rationale: Option<String>,
}

/// The assessor named in a request, or the caller by default.
fn assessor(
    v: &Option<String>,
    caller: Option<EmployeeId>,
    errors: &mut Vec<FieldError>,
) -> Option<EmployeeId> {
    let named = optional_id("assessor_id", v, errors);
    let who = named.or(caller);
    if who.is_none() && v.is_none() {
        errors.push(FieldError::new(
            "assessor_id",
            "is required when the caller has no employee record",
        ));
    }
    who
}

impl ReadinessFields {
    pub fn parse(
        &self,
        id: ReadinessAssessmentId,
        employee_id: EmployeeId,
        caller: Option<EmployeeId>,
        now: DateTime<Utc>,
    ) -> Result<ReadinessAssessment, Vec<FieldError>> {
        let mut errors = Vec::new();
        let readiness = match self.readiness.as_deref() {
            None => {
                errors.push(FieldError::new("readiness", "is required"));
                None
            }
            Some(r) => Readiness::parse(r).map_err(|e| errors.push(e)).ok(),
        };
        let assessor_id = assessor(&self.assessor_id, caller, &mut errors);
        let assessed_on = self.assessed_on.unwrap_or(now.date_naive());
        if assessed_on > now.date_naive() {
            errors.push(FieldError::new("assessed_on", "must not be in the future"));
        }
        let rationale = rationale(self.rationale.as_deref(), &mut errors);
        match (readiness, assessor_id) {
            (Some(readiness), Some(assessor_id)) if errors.is_empty() => Ok(ReadinessAssessment {
                id,
                employee_id,
                readiness,
                assessor_id,
                assessed_on,
                rationale,
                created_at: now,
            }),
            _ => Err(errors),
        }
    }
}

/// A 9-box placement: performance 1-3 by potential 1-3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NineBox {
    performance: u8,
    potential: u8,
}

impl NineBox {
    pub fn new(performance: i64, potential: i64) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut axis = |field: &str, v: i64| match u8::try_from(v) {
            Ok(x @ 1..=3) => x,
            _ => {
                errors.push(FieldError::new(field, "must be 1, 2 or 3"));
                0
            }
        };
        let (performance, potential) = (
            axis("performance", performance),
            axis("potential", potential),
        );
        if errors.is_empty() {
            Ok(Self {
                performance,
                potential,
            })
        } else {
            Err(errors)
        }
    }
    pub fn performance(self) -> u8 {
        self.performance
    }
    pub fn potential(self) -> u8 {
        self.potential
    }
    /// The box, 1 (low performance, low potential) to 9 (high, high), row by potential.
    pub fn cell(self) -> u8 {
        (self.potential - 1) * 3 + self.performance
    }
}

/// One 9-box talent review; a person's history is every review, the latest counts.
#[derive(Debug, Clone, PartialEq)]
pub struct TalentReview {
    pub id: TalentReviewId,
    pub employee_id: EmployeeId,
    pub nine_box: NineBox,
    pub assessor_id: EmployeeId,
    /// Who calibrated it (the calibration session's facilitator), if it was calibrated.
    pub calibrated_by: Option<EmployeeId>,
    pub reviewed_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct TalentReviewFields {
    pub performance: Option<i64>,
    pub potential: Option<i64>,
    pub assessor_id: Option<String>,
    pub calibrated_by: Option<String>,
    pub reviewed_on: Option<NaiveDate>,
}

impl TalentReviewFields {
    pub fn parse(
        &self,
        id: TalentReviewId,
        employee_id: EmployeeId,
        caller: Option<EmployeeId>,
        now: DateTime<Utc>,
    ) -> Result<TalentReview, Vec<FieldError>> {
        let mut errors = Vec::new();
        let perf = required("performance", self.performance, &mut errors);
        let pot = required("potential", self.potential, &mut errors);
        let nine_box = match (perf, pot) {
            (Some(a), Some(b)) => NineBox::new(a, b).map_err(|e| errors.extend(e)).ok(),
            _ => None,
        };
        let assessor_id = assessor(&self.assessor_id, caller, &mut errors);
        let calibrated_by = optional_id("calibrated_by", &self.calibrated_by, &mut errors);
        let reviewed_on = self.reviewed_on.unwrap_or(now.date_naive());
        if reviewed_on > now.date_naive() {
            errors.push(FieldError::new("reviewed_on", "must not be in the future"));
        }
        match (nine_box, assessor_id) {
            (Some(nine_box), Some(assessor_id)) if errors.is_empty() => Ok(TalentReview {
                id,
                employee_id,
                nine_box,
                assessor_id,
                calibrated_by,
                reviewed_on,
                created_at: now,
            }),
            _ => Err(errors),
        }
    }
}

/// A leadership position: `filled` while it has an incumbent, else `open`.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    pub id: PositionId,
    pub title: Label,
    pub org_unit_id: OrgUnitId,
    pub level: JobLevel,
    pub incumbent_id: Option<EmployeeId>,
    pub incumbent_since: Option<NaiveDate>,
    /// Created to grow the organisation (a role grown for graduates), not a replacement.
    pub created_for_growth: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Position {
    pub fn is_open(&self) -> bool {
        self.incumbent_id.is_none()
    }
    /// `filled` or `open`.
    pub fn status(&self) -> &'static str {
        if self.is_open() {
            "open"
        } else {
            "filled"
        }
    }
    /// The position held by `who` from `on`: the next version.
    #[must_use]
    pub fn filled_by(self, who: EmployeeId, on: NaiveDate, now: DateTime<Utc>) -> Self {
        Self {
            incumbent_id: Some(who),
            incumbent_since: Some(on),
            version: crate::org::next_version(self.version),
            updated_at: now,
            ..self
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PositionFields {
    pub title: Option<String>,
    pub org_unit_id: Option<String>,
    pub level: Option<i64>,
    pub incumbent_id: Option<String>,
    pub incumbent_since: Option<NaiveDate>,
    pub created_for_growth: Option<bool>,
}

impl PositionFields {
    pub fn parse(&self, id: PositionId, now: DateTime<Utc>) -> Result<Position, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = label("title", self.title.as_deref(), &mut errors);
        let org_unit_id = required_id::<OrgUnitId>("org_unit_id", &self.org_unit_id, &mut errors);
        let level = level("level", self.level, &mut errors);
        let incumbent_id =
            optional_id::<EmployeeId>("incumbent_id", &self.incumbent_id, &mut errors);
        let incumbent_since = match (incumbent_id, self.incumbent_since) {
            (Some(_), since) => Some(since.unwrap_or(now.date_naive())),
            (None, Some(_)) => {
                errors.push(FieldError::new("incumbent_since", "needs an incumbent_id"));
                None
            }
            (None, None) => None,
        };
        match (title, org_unit_id, level) {
            (Some(title), Some(org_unit_id), Some(level)) if errors.is_empty() => Ok(Position {
                id,
                title,
                org_unit_id,
                level,
                incumbent_id,
                incumbent_since,
                created_for_growth: self.created_for_growth.unwrap_or(false),
                version: crate::org::FIRST_VERSION,
                created_at: now,
                updated_at: now,
            }),
            _ => Err(errors),
        }
    }
}

/// One incumbency of a position: who, from, until (`None`: holds it now).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incumbency {
    pub employee_id: EmployeeId,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

/// A graduate placed into a position (the position's incumbent and history, and the
/// membership's outcome, change with it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub id: PlacementId,
    pub membership_id: MembershipId,
    pub employee_id: EmployeeId,
    pub position_id: PositionId,
    pub placed_on: NaiveDate,
    pub previous_incumbent_id: Option<EmployeeId>,
    /// Into a position created for growth.
    pub role_grown: bool,
    pub created_at: DateTime<Utc>,
}

/// The most candidates a succession slate ranks.
pub const SLATE_MAX: usize = 10;

/// A position's succession slate as sent: candidates in rank order (first = rank 1).
#[derive(Debug, Clone, Default)]
pub struct SlateFields {
    pub candidates: Vec<String>,
}

impl SlateFields {
    /// The candidates in rank order: ids, no repeats, at most [`SLATE_MAX`], never the
    /// incumbent.
    pub fn parse(&self, incumbent: Option<EmployeeId>) -> Result<Vec<EmployeeId>, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.candidates.len() > SLATE_MAX {
            errors.push(FieldError::new(
                "candidates",
                format!("must hold at most {SLATE_MAX} people"),
            ));
        }
        let mut out: Vec<EmployeeId> = Vec::new();
        for (i, c) in self.candidates.iter().enumerate() {
            let field = format!("candidates[{i}]");
            match c.trim().parse::<EmployeeId>() {
                Err(_) => errors.push(FieldError::new(field, "is not an id")),
                Ok(e) if out.contains(&e) => errors.push(FieldError::new(field, "is named twice")),
                Ok(e) if Some(e) == incumbent => {
                    errors.push(FieldError::new(field, "is the position's incumbent"));
                }
                Ok(e) => out.push(e),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// The motivation reflection ("why do you want to lead?"): 1-10,000 characters, trimmed, line
/// breaks kept. Never scored.
#[derive(Clone, PartialEq, Eq)]
pub struct Reflection(String);

/// Redacted: a reflection's text never reaches a log line through `{:?}`.
impl std::fmt::Debug for Reflection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl Reflection {
    pub const MAX: usize = 10_000;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let t = input.trim();
        if t.is_empty() {
            return Err(FieldError::new("text", "must not be blank"));
        }
        if t.chars().count() > Self::MAX {
            return Err(FieldError::new(
                "text",
                format!("must be at most {} characters", Self::MAX),
            ));
        }
        if t.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(FieldError::new(
                "text",
                "must not contain control characters other than line breaks and tabs",
            ));
        }
        Ok(Self(t.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Never print a reflection's text in logs or panics.
impl std::fmt::Display for Reflection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[reflection, {} characters]", self.0.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-06-01T10:00:00Z".parse().unwrap()
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_programme_needs_a_name_a_lead_and_ordered_levels() {
        let id = ProgrammeId::from_uuid(uuid::Uuid::nil());
        let bad = ProgrammeFields {
            target_level_min: Some(6),
            target_level_max: Some(4),
            ..Default::default()
        };
        assert_eq!(
            fields(bad.parse(id, now()).unwrap_err()),
            ["name", "lead_id", "target_level_max"]
        );
        let good = ProgrammeFields {
            name: Some(" Emerging Leaders ".into()),
            lead_id: Some(uuid::Uuid::nil().to_string()),
            target_level_min: Some(4),
            target_level_max: Some(5),
            ..Default::default()
        };
        let p = good.parse(id, now()).unwrap();
        assert_eq!(p.name.as_str(), "Emerging Leaders");
        assert_eq!((p.target_levels.0.get(), p.target_levels.1.get()), (4, 5));
    }

    #[test]
    fn a_cohort_has_ordered_dates_and_a_bounded_capacity() {
        let (c, p) = (
            CohortId::from_uuid(uuid::Uuid::nil()),
            ProgrammeId::from_uuid(uuid::Uuid::nil()),
        );
        let bad = CohortFields {
            name: Some("2026".into()),
            starts_on: NaiveDate::from_ymd_opt(2026, 9, 1),
            ends_on: NaiveDate::from_ymd_opt(2026, 1, 1),
            capacity: Some(0),
        };
        assert_eq!(
            fields(bad.parse(c, p, now()).unwrap_err()),
            ["ends_on", "capacity"]
        );
    }

    #[test]
    fn the_nine_box_numbers_cells_by_potential_rows() {
        assert_eq!(NineBox::new(1, 1).unwrap().cell(), 1);
        assert_eq!(NineBox::new(3, 1).unwrap().cell(), 3);
        assert_eq!(NineBox::new(1, 3).unwrap().cell(), 7);
        assert_eq!(NineBox::new(3, 3).unwrap().cell(), 9);
        assert_eq!(
            fields(NineBox::new(0, 4).unwrap_err()),
            ["performance", "potential"]
        );
    }

    #[test]
    fn assessments_need_a_known_code_and_no_future_date() {
        let id = ReadinessAssessmentId::from_uuid(uuid::Uuid::nil());
        let who = EmployeeId::from_uuid(uuid::Uuid::nil());
        let bad = ReadinessFields {
            readiness: Some("ready_soon".into()),
            assessed_on: NaiveDate::from_ymd_opt(2027, 1, 1),
            ..Default::default()
        };
        assert_eq!(
            fields(bad.parse(id, who, None, now()).unwrap_err()),
            ["readiness", "assessor_id", "assessed_on"]
        );
        let ok = ReadinessFields {
            readiness: Some("ready_now".into()),
            ..Default::default()
        };
        let a = ok.parse(id, who, Some(who), now()).unwrap();
        assert_eq!(
            (a.readiness, a.assessed_on),
            (Readiness::ReadyNow, now().date_naive())
        );
    }

    #[test]
    fn a_slate_ranks_distinct_people_other_than_the_incumbent() {
        let a = EmployeeId::from_uuid(uuid::Uuid::now_v7());
        let b = EmployeeId::from_uuid(uuid::Uuid::now_v7());
        let s = SlateFields {
            candidates: vec![a.to_string(), a.to_string(), b.to_string(), "x".into()],
        };
        assert_eq!(
            fields(s.parse(Some(b)).unwrap_err()),
            ["candidates[1]", "candidates[2]", "candidates[3]"]
        );
        let s = SlateFields {
            candidates: vec![b.to_string(), a.to_string()],
        };
        assert_eq!(s.parse(None).unwrap(), [b, a]);
    }

    #[test]
    fn a_reflection_keeps_line_breaks_and_never_displays_its_text() {
        let r = Reflection::parse("  I want to lead\nbecause  ").unwrap();
        assert_eq!(r.as_str(), "I want to lead\nbecause");
        assert_eq!(r.to_string(), "[reflection, 22 characters]");
        assert!(Reflection::parse(" ").is_err());
        assert!(Reflection::parse("a\u{7}b").is_err());
    }
}
