//! The catalog over REST: skills and courses. The wire types live here; handlers turn them into
//! the services' commands.

use super::{etag, IfMatch, PageOf, PageParams};
use crate::body::nullable;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult, Problem};
use crate::services::catalog::{self, ListCourses, UpdateCourse};
use crate::services::Ctx;
use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use learnwell_domain::catalog::{
    Course, CourseChanges, CourseFields, CourseLevel, Modality, Provider, Skill, SkillFields,
};
use learnwell_domain::ids::{CourseId, SkillId};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_skills)
        .service(create_skill)
        .service(list_courses)
        .service(create_course)
        .service(get_course)
        .service(update_course);
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SkillResource {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
}

impl From<Skill> for SkillResource {
    fn from(s: Skill) -> Self {
        Self {
            id: s.id.to_string(),
            name: s.name.to_string(),
            parent_id: s.parent_id.map(|p| p.to_string()),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CourseResource {
    pub id: String,
    pub code: String,
    pub title: String,
    pub description: Option<String>,
    pub provider: String,
    pub modality: String,
    pub level: Option<String>,
    pub estimated_minutes: u32,
    pub xapi_activity_id: Option<String>,
    pub skill_ids: Vec<String>,
    pub archived: bool,
    /// Also sent as the ETag; send it back in If-Match to change the course.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Course> for CourseResource {
    fn from(c: &Course) -> Self {
        let d = &c.data;
        Self {
            id: c.id.to_string(),
            code: d.code.to_string(),
            title: d.title.to_string(),
            description: d.description.as_ref().map(ToString::to_string),
            provider: d.provider.to_string(),
            modality: d.modality.to_string(),
            level: d.level.map(|l| l.to_string()),
            estimated_minutes: d.estimated_minutes,
            xapi_activity_id: d.xapi_activity_id.as_ref().map(ToString::to_string),
            skill_ids: d.skills.iter().map(ToString::to_string).collect(),
            archived: d.archived,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

fn course(c: &Course, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(actix_web::http::header::ETag(etag(c.version)))
        .json(CourseResource::from(c))
}

/// The skills taxonomy (a flat list; follow `parent_id`), a page at a time by name.
#[utoipa::path(tag = "catalog", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<SkillResource>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
#[get("/skills")]
async fn list_skills(ctx: Ctx, q: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let page = catalog::list_skills(&ctx, q.first, q.after.as_deref()).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, SkillResource::from)))
}

/// A new skill.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillInput {
    pub name: Option<String>,
    /// The broader skill this one belongs to.
    pub parent_id: Option<String>,
}

impl From<SkillInput> for SkillFields {
    fn from(i: SkillInput) -> Self {
        Self {
            name: i.name,
            parent_id: i.parent_id,
        }
    }
}

/// Add a skill (ld_admin).
#[utoipa::path(tag = "catalog", request_body = SkillInput, security(("bearer" = [])),
    responses((status = 201, body = SkillResource), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/skills")]
async fn create_skill(ctx: Ctx, body: JsonBody<SkillInput>) -> ApiResult<HttpResponse> {
    let s = catalog::create_skill(&ctx, body.0.into()).await?;
    Ok(HttpResponse::Created().json(SkillResource::from(s)))
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

impl CourseFilter {
    fn query(self) -> ApiResult<ListCourses> {
        let bad = ApiError::InvalidQuery;
        Ok(ListCourses {
            text: self.q,
            skill: self.skill_id,
            provider: self
                .provider
                .as_deref()
                .map(Provider::parse)
                .transpose()
                .map_err(bad)?,
            modality: self
                .modality
                .as_deref()
                .map(Modality::parse)
                .transpose()
                .map_err(bad)?,
            level: self
                .level
                .as_deref()
                .map(CourseLevel::parse)
                .transpose()
                .map_err(bad)?,
            include_archived: self.include_archived.unwrap_or(false),
            first: self.first,
            after: self.after,
        })
    }
}

/// Search and filter the catalog.
#[utoipa::path(tag = "catalog", params(CourseFilter), security(("bearer" = [])),
    responses((status = 200, body = PageOf<CourseResource>), (status = 400, body = Problem), (status = 403, body = Problem)))]
#[get("/courses")]
async fn list_courses(ctx: Ctx, q: web::Query<CourseFilter>) -> ApiResult<HttpResponse> {
    let page = catalog::list_courses(&ctx, q.into_inner().query()?).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |c| CourseResource::from(&c))))
}

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

/// Add a course (ld_admin).
#[utoipa::path(tag = "catalog", request_body = CourseInput, security(("bearer" = [])),
    responses((status = 201, body = CourseResource), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/courses")]
async fn create_course(ctx: Ctx, body: JsonBody<CourseInput>) -> ApiResult<HttpResponse> {
    let c = catalog::create_course(&ctx, body.0.into()).await?;
    Ok(course(&c, StatusCode::CREATED))
}

/// One course.
#[utoipa::path(tag = "catalog", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CourseResource), (status = 404, body = Problem)))]
#[get("/courses/{id}")]
async fn get_course(ctx: Ctx, id: web::Path<CourseId>) -> ApiResult<HttpResponse> {
    let c = catalog::get_course(&ctx, id.into_inner()).await?;
    Ok(course(&c, StatusCode::OK))
}

/// Change a course (ld_admin); `{"archived": true}` retires it. Send `If-Match`.
#[utoipa::path(tag = "catalog", params(("id" = String, Path), ("If-Match" = String, Header)), request_body = CoursePatch, security(("bearer" = [])),
    responses((status = 200, body = CourseResource), (status = 412, body = Problem), (status = 428, body = Problem), (status = 409, body = Problem, description = "A unique value (email, external id, code) is taken (`duplicate`)"), (status = 422, body = Problem)))]
#[patch("/courses/{id}")]
async fn update_course(
    ctx: Ctx,
    if_match: IfMatch,
    id: web::Path<CourseId>,
    body: JsonBody<CoursePatch>,
) -> ApiResult<HttpResponse> {
    let cmd = UpdateCourse {
        id: id.into_inner(),
        if_match: if_match.0,
        changes: body.0.into(),
    };
    let c = catalog::update_course(&ctx, cmd).await?;
    Ok(course(&c, StatusCode::OK))
}
