//! The catalog context: the skills taxonomy and courses. Everyone reads; `ld_admin` writes.

use super::{audit, decode_cursor, ensure, nullable, page_size, paginate, Ctx, Page};
use crate::error::{ApiError, ApiResult};
use crate::services::Services;
use learnwell_domain::access;
use learnwell_domain::catalog::{
    Course, CourseChanges, CourseFields, CourseLevel, Modality, Provider, Skill, SkillFields,
};
use learnwell_domain::ids::{CourseId, SkillId};
use learnwell_domain::FieldError;
use learnwell_persistence::audit::append;
use learnwell_persistence::learning::{self as store, CourseQuery};
use serde::Deserialize;
use std::collections::HashSet;

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
    let fields = SkillFields {
        name: input.name,
        parent_id: input.parent_id,
    };
    let known: HashSet<SkillId> = if fields.names_a_parent() {
        store::list_skills(&ctx.db)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect()
    } else {
        HashSet::new()
    };
    let new = fields.parse(&known).map_err(ApiError::Validation)?;
    let skill = Skill::new(SkillId::from_uuid(uuid::Uuid::now_v7()), new, ctx.now);
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

impl From<CourseInput> for CourseFields {
    fn from(i: CourseInput) -> Self {
        Self {
            code: i.code,
            title: i.title,
            description: i.description,
            provider: i.provider,
            modality: i.modality,
            level: i.level,
            estimated_minutes: i.estimated_minutes,
            xapi_activity_id: i.xapi_activity_id,
            skill_ids: i.skill_ids,
            archived: i.archived,
        }
    }
}

impl From<CoursePatch> for CourseChanges {
    fn from(p: CoursePatch) -> Self {
        Self {
            code: p.code,
            title: p.title,
            description: p.description,
            provider: p.provider,
            modality: p.modality,
            level: p.level,
            estimated_minutes: p.estimated_minutes,
            xapi_activity_id: p.xapi_activity_id,
            skill_ids: p.skill_ids,
            archived: p.archived,
        }
    }
}

async fn known_skills(svc: &Services, fields: &CourseFields) -> ApiResult<HashSet<SkillId>> {
    if !fields.names_skills() {
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
    let fields = CourseFields::from(input);
    let data = fields
        .parse(&known_skills(ctx, &fields).await?)
        .map_err(ApiError::Validation)?;
    let course = Course::new(CourseId::from_uuid(uuid::Uuid::now_v7()), data, ctx.now);
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
    let mut fields = CourseFields::from_data(&current.data);
    fields.apply(patch.into());
    let data = fields
        .parse(&known_skills(ctx, &fields).await?)
        .map_err(ApiError::Validation)?;
    let Some(updated) = current.revised(data, ctx.now) else {
        return Ok(current);
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
