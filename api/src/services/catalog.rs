//! The catalog context: the skills taxonomy and courses. Everyone reads; `ld_admin` writes.
//! What a course or skill is, its defaults and how a partial update merges, is the domain's
//! (`domain::catalog`); the use cases here authorize, load, decide with it, write and audit.

use super::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page, Services};
use crate::error::{ApiError, ApiResult};
use learnwell_domain::access;
use learnwell_domain::catalog::{
    Course, CourseChanges, CourseFields, CourseLevel, Modality, Provider, Skill, SkillFields,
};
use learnwell_domain::ids::{CourseId, SkillId};
use learnwell_persistence::audit::append;
use learnwell_persistence::catalog::{self as store, CourseQuery};
use std::collections::HashSet;

// ---- skills ----

/// A page of the skills taxonomy (a flat list; follow `parent_id`), by name.
#[tracing::instrument(skip_all)]
pub async fn list_skills(
    ctx: &Ctx,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<Skill>> {
    ensure(access::can_read_catalog(&ctx.principal))?;
    let limit = page_size(first)?;
    let after = decode_cursor::<String>(after)?;
    let rows = store::list_skills_after(&ctx.db, after, limit + 1).await?;
    Ok(paginate(rows, limit, skill_cursor))
}

/// What a skill's cursor names: its place in the list, by its (unique) name.
pub fn skill_cursor(s: &Skill) -> String {
    s.name.to_string()
}

/// Skills by id, for GraphQL loaders (the caller is checked by the resolver). The taxonomy is
/// small: one query loads it.
pub async fn skills_by_ids(svc: &Services, ids: &[SkillId]) -> ApiResult<Vec<Skill>> {
    let all = store::list_skills(&svc.db).await?;
    Ok(all.into_iter().filter(|s| ids.contains(&s.id)).collect())
}

/// The ids of every skill, when `needed` (to check the skills a request names).
async fn known_skills(svc: &Services, needed: bool) -> ApiResult<HashSet<SkillId>> {
    if !needed {
        return Ok(HashSet::new());
    }
    Ok(store::list_skills(&svc.db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect())
}

/// Add a skill (a name, and a broader skill it belongs to).
#[tracing::instrument(skip_all)]
pub async fn create_skill(ctx: &Ctx, fields: SkillFields) -> ApiResult<Skill> {
    ensure(access::can_write_catalog(&ctx.principal))?;
    let known = known_skills(ctx, fields.names_a_parent()).await?;
    let new = fields.parse(&known).map_err(ApiError::Validation)?;
    let skill = Skill::new(SkillId::from_uuid(uuid::Uuid::now_v7()), new, ctx.now);
    let tx = ctx.db.begin().await?;
    store::insert_skill(&tx, &skill).await?;
    append(&tx, &[audit::event(ctx, "skill.create", "skill", skill.id)]).await?;
    tx.commit().await?;
    Ok(skill)
}

// ---- courses ----

/// Add a course to the catalog.
#[tracing::instrument(skip_all)]
pub async fn create_course(ctx: &Ctx, fields: CourseFields) -> ApiResult<Course> {
    ensure(access::can_write_catalog(&ctx.principal))?;
    let known = known_skills(ctx, fields.names_skills()).await?;
    let data = fields.parse(&known).map_err(ApiError::Validation)?;
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

#[tracing::instrument(skip_all, fields(course_id = %id))]
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

/// Change a course, at the version the caller read: what `changes` sends replaces what the
/// course has, and the whole is checked again.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateCourse {
    pub id: CourseId,
    pub if_match: Option<i64>,
    pub changes: CourseChanges,
}

#[tracing::instrument(skip_all, fields(course_id = %cmd.id))]
pub async fn update_course(ctx: &Ctx, cmd: UpdateCourse) -> ApiResult<Course> {
    ensure(access::can_write_catalog(&ctx.principal))?;
    let expected = cmd.if_match.ok_or(ApiError::PreconditionRequired)?;
    let current = store::get_course(&ctx.db, cmd.id)
        .await?
        .ok_or(ApiError::NotFound("course"))?;
    if current.version != expected {
        return Err(ApiError::PreconditionFailed);
    }
    let mut fields = CourseFields::from_data(&current.data);
    fields.apply(cmd.changes);
    let known = known_skills(ctx, fields.names_skills()).await?;
    let data = fields.parse(&known).map_err(ApiError::Validation)?;
    let Some(updated) = current.revised(data, ctx.now) else {
        return Ok(current);
    };
    let tx = ctx.db.begin().await?;
    store::update_course(&tx, &updated).await?;
    append(&tx, &[audit::event(ctx, "course.update", "course", cmd.id)]).await?;
    tx.commit().await?;
    Ok(updated)
}

/// A page of the catalog: text in the code, title or description; a skill; provider, modality
/// and level; archived courses only when asked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListCourses {
    pub text: Option<String>,
    pub skill: Option<SkillId>,
    pub provider: Option<Provider>,
    pub modality: Option<Modality>,
    pub level: Option<CourseLevel>,
    pub include_archived: bool,
    pub first: Option<u64>,
    pub after: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn list_courses(ctx: &Ctx, q: ListCourses) -> ApiResult<Page<Course>> {
    let query = course_query(ctx, &q)?;
    let limit = page_size(q.first)?;
    let after = decode_cursor::<CourseId>(q.after.as_deref())?;
    let rows = store::list_courses(&ctx.db, &query, after, limit + 1).await?;
    Ok(paginate(rows, limit, |c| c.id.to_string()))
}

/// How many courses the list `q` holds, over all its pages.
pub async fn count_courses(ctx: &Ctx, q: &ListCourses) -> ApiResult<u64> {
    Ok(store::count_courses(&ctx.db, &course_query(ctx, q)?).await?)
}

fn course_query(ctx: &Ctx, q: &ListCourses) -> ApiResult<CourseQuery> {
    ensure(access::can_read_catalog(&ctx.principal))?;
    Ok(CourseQuery {
        text: q.text.clone(),
        skill_id: q.skill,
        provider: q.provider,
        modality: q.modality,
        level: q.level,
        include_archived: q.include_archived,
    })
}
