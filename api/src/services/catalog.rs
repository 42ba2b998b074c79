//! The catalog context: the skills taxonomy and courses. Everyone reads; `ld_admin` writes.

use super::{audit, decode_cursor, ensure, nullable, page_size, paginate, Ctx, Page};
use crate::error::{ApiError, ApiResult};
use crate::services::Services;
use learnwell_domain::access;
use learnwell_domain::catalog::{
    ActivityId, Course, CourseCode, CourseData, CourseLevel, Description, Minutes, Modality,
    Provider, Skill,
};
use learnwell_domain::ids::{CourseId, SkillId};
use learnwell_domain::org::Label;
use learnwell_domain::FieldError;
use learnwell_persistence::audit::append;
use learnwell_persistence::learning::{self as store, CourseQuery};
use serde::Deserialize;
use std::collections::HashSet;

/// Collect the error of one field, renamed to the field as sent.
fn field<T>(name: &str, r: Result<T, FieldError>, errors: &mut Vec<FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(FieldError::new(name, e.message)))
        .ok()
}

fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

// ---- skills ----

/// A new skill.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillInput {
    pub name: Option<String>,
    /// The broader skill this one belongs to.
    pub parent_id: Option<String>,
}

pub async fn list_skills(ctx: &Ctx) -> ApiResult<Vec<Skill>> {
    ensure(access::can_read_catalog(&ctx.principal))?;
    Ok(store::list_skills(&ctx.db).await?)
}

pub async fn create_skill(ctx: &Ctx, input: SkillInput) -> ApiResult<Skill> {
    ensure(access::can_write_catalog(&ctx.principal))?;
    let mut errors = Vec::new();
    let name = match text(&input.name) {
        Some(n) => field("name", Label::parse(n), &mut errors),
        None => {
            errors.push(FieldError::new("name", "is required"));
            None
        }
    };
    let parent_id = match text(&input.parent_id) {
        None => None,
        Some(raw) => {
            let known: HashSet<SkillId> = store::list_skills(&ctx.db)
                .await?
                .into_iter()
                .map(|s| s.id)
                .collect();
            match raw.parse::<SkillId>().ok().filter(|p| known.contains(p)) {
                Some(p) => Some(p),
                None => {
                    errors.push(FieldError::new("parent_id", "no such skill"));
                    None
                }
            }
        }
    };
    let (Some(name), true) = (name, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let skill = Skill {
        id: SkillId::from_uuid(uuid::Uuid::now_v7()),
        name,
        parent_id,
        created_at: ctx.now,
    };
    let tx = ctx.db.begin().await?;
    store::insert_skill(&tx, &skill).await?;
    append(&tx, &[audit::event(ctx, "skill.create", "skill", skill.id)]).await?;
    tx.commit().await?;
    Ok(skill)
}

// ---- courses ----

/// A new course, or the whole of a course after a PATCH is applied.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseInput {
    /// Unique, 1-40 letters, digits, `-`, `_`, `.`; stored upper-case.
    pub code: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `internal` or `external` (default internal).
    pub provider: Option<String>,
    /// `online`, `classroom`, `blended`, `self_paced` or `on_the_job` (default online).
    pub modality: Option<String>,
    /// `beginner`, `intermediate` or `advanced`.
    pub level: Option<String>,
    pub estimated_minutes: Option<i64>,
    /// The xAPI activity IRI whose completion completes this course.
    pub xapi_activity_id: Option<String>,
    pub skill_ids: Option<Vec<String>>,
    pub archived: Option<bool>,
}

/// A partial update: absent fields stay; `null` clears an optional field.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoursePatch {
    pub code: Option<String>,
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    pub provider: Option<String>,
    pub modality: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub level: Option<Option<String>>,
    pub estimated_minutes: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub xapi_activity_id: Option<Option<String>>,
    pub skill_ids: Option<Vec<String>>,
    pub archived: Option<bool>,
}

impl CourseInput {
    fn from_data(d: &CourseData) -> Self {
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

    fn apply(&mut self, p: CoursePatch) {
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

    /// Every field problem at once, or the course data.
    fn parse(&self, known_skills: &HashSet<SkillId>) -> Result<CourseData, Vec<FieldError>> {
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
        let mut skills = Vec::new();
        for (i, raw) in self.skill_ids.iter().flatten().enumerate() {
            match raw
                .parse::<SkillId>()
                .ok()
                .filter(|s| known_skills.contains(s))
            {
                Some(s) => skills.push(s),
                None => e.push(FieldError::new(format!("skill_ids[{i}]"), "no such skill")),
            }
        }
        skills.sort_unstable();
        skills.dedup();
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

async fn known_skills(svc: &Services, input: &CourseInput) -> ApiResult<HashSet<SkillId>> {
    if input.skill_ids.as_ref().is_none_or(Vec::is_empty) {
        return Ok(HashSet::new());
    }
    Ok(store::list_skills(&svc.db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect())
}

pub async fn create_course(ctx: &Ctx, input: CourseInput) -> ApiResult<Course> {
    ensure(access::can_write_catalog(&ctx.principal))?;
    let data = input
        .parse(&known_skills(ctx, &input).await?)
        .map_err(ApiError::Validation)?;
    let course = Course {
        id: CourseId::from_uuid(uuid::Uuid::now_v7()),
        data,
        version: 1,
        created_at: ctx.now,
        updated_at: ctx.now,
    };
    let tx = ctx.db.begin().await?;
    store::insert_course(&tx, &course).await?;
    append(
        &tx,
        &[audit::event(ctx, "course.create", "course", course.id)],
    )
    .await?;
    tx.commit().await?;
    Ok(course)
}

pub async fn get_course(ctx: &Ctx, id: CourseId) -> ApiResult<Course> {
    ensure(access::can_read_catalog(&ctx.principal))?;
    store::get_course(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("course"))
}

/// Courses by id, for GraphQL loaders (the caller is checked by the resolver).
pub async fn courses_by_ids(svc: &Services, ids: &[CourseId]) -> ApiResult<Vec<Course>> {
    Ok(store::courses_by_ids(&svc.db, ids).await?)
}

pub async fn update_course(
    ctx: &Ctx,
    id: CourseId,
    if_match: Option<i64>,
    patch: CoursePatch,
) -> ApiResult<Course> {
    ensure(access::can_write_catalog(&ctx.principal))?;
    let expected = if_match.ok_or(ApiError::PreconditionRequired)?;
    let current = store::get_course(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("course"))?;
    if current.version != expected {
        return Err(ApiError::PreconditionFailed);
    }
    let mut input = CourseInput::from_data(&current.data);
    input.apply(patch);
    let data = input
        .parse(&known_skills(ctx, &input).await?)
        .map_err(ApiError::Validation)?;
    if data == current.data {
        return Ok(current);
    }
    let updated = Course {
        data,
        version: current.version + 1,
        updated_at: ctx.now,
        ..current
    };
    let tx = ctx.db.begin().await?;
    store::update_course(&tx, &updated).await?;
    append(&tx, &[audit::event(ctx, "course.update", "course", id)]).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Filters of the course list.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CourseFilter {
    /// Case-insensitive text in the code, title or description.
    pub q: Option<String>,
    #[param(value_type = Option<String>)]
    pub skill_id: Option<SkillId>,
    pub provider: Option<String>,
    pub modality: Option<String>,
    pub level: Option<String>,
    /// Include archived courses (default false).
    pub include_archived: Option<bool>,
    /// Page size, 1-200 (default 50).
    pub first: Option<u64>,
    /// Cursor from `next_cursor` of the previous page.
    pub after: Option<String>,
}

pub async fn list_courses(ctx: &Ctx, f: CourseFilter) -> ApiResult<Page<Course>> {
    ensure(access::can_read_catalog(&ctx.principal))?;
    let bad = |e: FieldError| ApiError::InvalidQuery(e);
    let query = CourseQuery {
        text: f.q,
        skill_id: f.skill_id,
        provider: f
            .provider
            .as_deref()
            .map(Provider::parse)
            .transpose()
            .map_err(bad)?,
        modality: f
            .modality
            .as_deref()
            .map(Modality::parse)
            .transpose()
            .map_err(bad)?,
        level: f
            .level
            .as_deref()
            .map(CourseLevel::parse)
            .transpose()
            .map_err(bad)?,
        include_archived: f.include_archived.unwrap_or(false),
    };
    let limit = page_size(f.first)?;
    let after = decode_cursor::<CourseId>(f.after.as_deref())?;
    let rows = store::list_courses(&ctx.db, &query, after, limit + 1).await?;
    Ok(paginate(rows, limit, |c| c.id.to_string()))
}
