//! Courses and skills as sent (every field text, optional) and the rules that make them catalog
//! entries: which fields are required, the defaults, and how a partial update merges into a
//! course before the whole is checked again.

use super::{
    ActivityId, Course, CourseCode, CourseData, CourseLevel, Description, Minutes, Modality,
    Provider, Skill,
};
use crate::ids::{CourseId, SkillId};
use crate::org::Label;
use crate::FieldError;
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// Trimmed, `None` when blank.
fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Collect the error of one field, renamed to the field as sent.
fn field<T>(name: &str, r: Result<T, FieldError>, errors: &mut Vec<FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(FieldError::new(name, e.message)))
        .ok()
}

/// A new skill as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SkillFields {
    pub name: Option<String>,
    /// The broader skill this one belongs to.
    pub parent_id: Option<String>,
}

/// A new skill, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSkill {
    pub name: Label,
    pub parent_id: Option<SkillId>,
}

impl SkillFields {
    /// Whether parsing needs the known skills (a parent is named).
    pub fn names_a_parent(&self) -> bool {
        text(&self.parent_id).is_some()
    }

    /// Every field problem at once, or the skill: a name, and a parent among `known`.
    pub fn parse(&self, known: &HashSet<SkillId>) -> Result<NewSkill, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = match text(&self.name) {
            Some(n) => field("name", Label::parse(n), &mut errors),
            None => {
                errors.push(FieldError::new("name", "is required"));
                None
            }
        };
        let parent_id = text(&self.parent_id).and_then(|raw| {
            let found = raw.parse::<SkillId>().ok().filter(|p| known.contains(p));
            if found.is_none() {
                errors.push(FieldError::new("parent_id", "no such skill"));
            }
            found
        });
        match name {
            Some(name) if errors.is_empty() => Ok(NewSkill { name, parent_id }),
            _ => Err(errors),
        }
    }
}

impl Skill {
    /// A new skill in the taxonomy.
    pub fn new(id: SkillId, s: NewSkill, now: DateTime<Utc>) -> Self {
        Self {
            id,
            name: s.name,
            parent_id: s.parent_id,
            created_at: now,
        }
    }
}

/// A course as sent, or the whole of a course after a partial update is merged in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CourseFields {
    pub code: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Default `internal`.
    pub provider: Option<String>,
    /// Default `online`.
    pub modality: Option<String>,
    pub level: Option<String>,
    pub estimated_minutes: Option<i64>,
    pub xapi_activity_id: Option<String>,
    pub skill_ids: Option<Vec<String>>,
    /// Default false.
    pub archived: Option<bool>,
}

/// A partial update: `None` keeps a field; for the optional fields `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CourseChanges {
    pub code: Option<String>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub provider: Option<String>,
    pub modality: Option<String>,
    pub level: Option<Option<String>>,
    pub estimated_minutes: Option<i64>,
    pub xapi_activity_id: Option<Option<String>>,
    pub skill_ids: Option<Vec<String>>,
    pub archived: Option<bool>,
}

impl CourseFields {
    /// A stored course, as fields, to merge a partial update into.
    pub fn from_data(d: &CourseData) -> Self {
        Self {
            code: Some(d.code.to_string()),
            title: Some(d.title.to_string()),
            description: d.description.as_ref().map(ToString::to_string),
            provider: Some(d.provider.code().to_owned()),
            modality: Some(d.modality.code().to_owned()),
            level: d.level.map(|l| l.code().to_owned()),
            estimated_minutes: Some(i64::from(d.estimated_minutes)),
            xapi_activity_id: d.xapi_activity_id.as_ref().map(ToString::to_string),
            skill_ids: Some(d.skills.iter().map(ToString::to_string).collect()),
            archived: Some(d.archived),
        }
    }

    /// Merge a partial update in: what it sends replaces what is here.
    pub fn apply(&mut self, p: CourseChanges) {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = p.$f { self.$f = v; } )* };
        }
        macro_rules! set_some {
            ($($f:ident),*) => { $( if let Some(v) = p.$f { self.$f = Some(v); } )* };
        }
        set!(description, level, xapi_activity_id);
        set_some!(
            code,
            title,
            provider,
            modality,
            estimated_minutes,
            skill_ids,
            archived
        );
    }

    /// Whether parsing needs the known skills (skills are named).
    pub fn names_skills(&self) -> bool {
        self.skill_ids.as_ref().is_some_and(|s| !s.is_empty())
    }

    /// Every field problem at once, or the course data (skills among `known_skills`, sorted and
    /// free of repeats).
    pub fn parse(&self, known_skills: &HashSet<SkillId>) -> Result<CourseData, Vec<FieldError>> {
        let mut e = Vec::new();
        let required = |name: &str, v: &Option<String>, e: &mut Vec<FieldError>| {
            let t = text(v);
            if t.is_none() {
                e.push(FieldError::new(name, "is required"));
            }
            t.map(str::to_owned)
        };
        let code = required("code", &self.code, &mut e)
            .and_then(|c| field("code", CourseCode::parse(&c), &mut e));
        let title = required("title", &self.title, &mut e)
            .and_then(|t| field("title", Label::parse(&t), &mut e));
        let description = text(&self.description)
            .and_then(|d| field("description", Description::parse(d), &mut e));
        let provider = field(
            "provider",
            Provider::parse(text(&self.provider).unwrap_or("internal")),
            &mut e,
        );
        let modality = field(
            "modality",
            Modality::parse(text(&self.modality).unwrap_or("online")),
            &mut e,
        );
        let level = text(&self.level).and_then(|l| field("level", CourseLevel::parse(l), &mut e));
        let estimated_minutes = match self.estimated_minutes {
            Some(m) => field(
                "estimated_minutes",
                Minutes::course_estimate(m).map(Minutes::get),
                &mut e,
            ),
            None => {
                e.push(FieldError::new("estimated_minutes", "is required"));
                None
            }
        };
        let xapi_activity_id = text(&self.xapi_activity_id)
            .and_then(|a| field("xapi_activity_id", ActivityId::parse(a), &mut e));
        let skills = skills(self.skill_ids.iter().flatten(), known_skills, &mut e);
        match (code, title, provider, modality, estimated_minutes) {
            (Some(code), Some(title), Some(provider), Some(modality), Some(estimated_minutes))
                if e.is_empty() =>
            {
                Ok(CourseData {
                    code,
                    title,
                    description,
                    provider,
                    modality,
                    level,
                    estimated_minutes,
                    xapi_activity_id,
                    skills,
                    archived: self.archived.unwrap_or(false),
                })
            }
            _ => Err(e),
        }
    }
}

/// The skills named, each among `known`, sorted and free of repeats.
fn skills<'a>(
    raw: impl Iterator<Item = &'a String>,
    known: &HashSet<SkillId>,
    e: &mut Vec<FieldError>,
) -> Vec<SkillId> {
    let mut skills = Vec::new();
    for (i, raw) in raw.enumerate() {
        match raw.parse::<SkillId>().ok().filter(|s| known.contains(s)) {
            Some(s) => skills.push(s),
            None => e.push(FieldError::new(format!("skill_ids[{i}]"), "no such skill")),
        }
    }
    skills.sort_unstable();
    skills.dedup();
    skills
}

impl Course {
    /// A new course, at version 1.
    pub fn new(id: CourseId, data: CourseData, now: DateTime<Utc>) -> Self {
        Self {
            id,
            data,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// The course with `data`, one version on; `None` when nothing changes.
    pub fn revised(&self, data: CourseData, now: DateTime<Utc>) -> Option<Self> {
        (data != self.data).then(|| Self {
            data,
            version: self.version + 1,
            updated_at: now,
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
    }
    fn skill(n: u128) -> SkillId {
        SkillId::from_uuid(uuid::Uuid::from_u128(n))
    }
    fn minimal() -> CourseFields {
        CourseFields {
            code: Some(" lead-101 ".into()),
            title: Some("Leading people".into()),
            estimated_minutes: Some(90),
            ..CourseFields::default()
        }
    }
    fn fields_of(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_course_needs_a_code_a_title_and_an_estimate_and_defaults_the_rest() {
        let d = minimal().parse(&HashSet::new()).unwrap();
        assert_eq!(d.code.as_str(), "LEAD-101");
        assert_eq!(
            (d.provider, d.modality),
            (Provider::Internal, Modality::Online)
        );
        assert_eq!((d.level, d.archived, d.skills.len()), (None, false, 0));
        let errors = CourseFields::default().parse(&HashSet::new()).unwrap_err();
        assert_eq!(fields_of(errors), ["code", "title", "estimated_minutes"]);
    }

    #[test]
    fn every_field_problem_is_reported_at_once_under_the_name_sent() {
        let f = CourseFields {
            code: Some("a b".into()),
            provider: Some("vendor".into()),
            level: Some("expert".into()),
            estimated_minutes: Some(0),
            xapi_activity_id: Some("course-1".into()),
            skill_ids: Some(vec![skill(1).to_string(), "x".into()]),
            ..minimal()
        };
        let errors = f.parse(&[skill(1)].into()).unwrap_err();
        assert_eq!(
            fields_of(errors),
            [
                "code",
                "provider",
                "level",
                "estimated_minutes",
                "xapi_activity_id",
                "skill_ids[1]"
            ]
        );
    }

    #[test]
    fn skills_are_known_sorted_and_free_of_repeats() {
        let f = CourseFields {
            skill_ids: Some(vec![
                skill(2).to_string(),
                skill(1).to_string(),
                skill(2).to_string(),
            ]),
            ..minimal()
        };
        assert!(f.names_skills() && !minimal().names_skills());
        assert_eq!(
            f.parse(&[skill(1), skill(2)].into()).unwrap().skills,
            [skill(1), skill(2)]
        );
        assert_eq!(
            fields_of(f.parse(&[skill(1)].into()).unwrap_err()),
            ["skill_ids[0]", "skill_ids[2]"]
        );
    }

    #[test]
    fn a_partial_update_keeps_what_it_does_not_send_and_null_clears() {
        let f = CourseFields {
            description: Some("About leading".into()),
            level: Some("advanced".into()),
            ..minimal()
        };
        let data = f.parse(&HashSet::new()).unwrap();
        let mut merged = CourseFields::from_data(&data);
        merged.apply(CourseChanges {
            title: Some("Leading teams".into()),
            description: Some(None),
            ..CourseChanges::default()
        });
        let next = merged.parse(&HashSet::new()).unwrap();
        assert_eq!(next.title.as_str(), "Leading teams");
        assert_eq!(next.description, None);
        assert_eq!(next.level, Some(CourseLevel::Advanced));
        assert_eq!(next.code, data.code);
        let mut blank = CourseFields::from_data(&data);
        blank.apply(CourseChanges {
            title: Some(" ".into()),
            ..CourseChanges::default()
        });
        assert_eq!(
            fields_of(blank.parse(&HashSet::new()).unwrap_err()),
            ["title"]
        );
    }

    #[test]
    fn a_revision_bumps_the_version_only_when_something_changes() {
        let data = minimal().parse(&HashSet::new()).unwrap();
        let c = Course::new(
            CourseId::from_uuid(uuid::Uuid::from_u128(7)),
            data.clone(),
            now(),
        );
        assert_eq!(c.version, 1);
        assert!(c.revised(data.clone(), now()).is_none());
        let later = Utc.with_ymd_and_hms(2026, 3, 11, 0, 0, 0).unwrap();
        let r = c
            .revised(
                CourseData {
                    archived: true,
                    ..data
                },
                later,
            )
            .unwrap();
        assert_eq!((r.version, r.updated_at, r.created_at), (2, later, now()));
    }

    #[test]
    fn a_skill_needs_a_name_and_a_known_parent() {
        let s = SkillFields {
            name: Some(" Coaching ".into()),
            parent_id: Some(skill(1).to_string()),
        };
        assert!(s.names_a_parent());
        let ok = s.parse(&[skill(1)].into()).unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.parent_id),
            ("Coaching", Some(skill(1)))
        );
        let errors = SkillFields {
            name: None,
            parent_id: Some("nope".into()),
        }
        .parse(&HashSet::new())
        .unwrap_err();
        assert_eq!(fields_of(errors), ["name", "parent_id"]);
        let sk = Skill::new(skill(3), ok, now());
        assert_eq!((sk.id, sk.created_at), (skill(3), now()));
    }

    proptest! {
        #[test]
        fn a_stored_course_parses_back_to_itself(
            code in "[A-Za-z0-9._-]{1,40}",
            title in "[A-Za-z][A-Za-z0-9 ]{0,60}",
            minutes in 1i64..=100_000,
            archived in any::<bool>(),
        ) {
            let f = CourseFields {
                code: Some(code),
                title: Some(title),
                estimated_minutes: Some(minutes),
                archived: Some(archived),
                ..CourseFields::default()
            };
            let data = f.parse(&HashSet::new()).unwrap();
            prop_assert_eq!(CourseFields::from_data(&data).parse(&HashSet::new()).unwrap(), data);
        }

        #[test]
        fn arbitrary_fields_never_panic(
            v in proptest::collection::vec(proptest::option::of("\\PC{0,20}"), 8),
            minutes in proptest::option::of(any::<i64>()),
        ) {
            let f = CourseFields {
                code: v[0].clone(),
                title: v[1].clone(),
                description: v[2].clone(),
                provider: v[3].clone(),
                modality: v[4].clone(),
                level: v[5].clone(),
                estimated_minutes: minutes,
                xapi_activity_id: v[6].clone(),
                skill_ids: v[7].clone().map(|s| vec![s]),
                archived: None,
            };
            let _ = f.parse(&HashSet::new());
        }
    }
}
