use super::{etag, IfMatch, PageOf};
use crate::body::JsonBody;
use crate::error::{ApiResult, Problem};
use crate::services::catalog::{self, CourseFilter, CourseInput, CoursePatch, SkillInput};
use crate::services::Ctx;
use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use learnwell_domain::catalog::{Course, Skill};
use learnwell_domain::ids::CourseId;
use serde::Serialize;
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

/// The skills taxonomy (a flat list; follow `parent_id`).
#[utoipa::path(tag = "catalog", security(("bearer" = [])),
    responses((status = 200, body = Vec<SkillResource>), (status = 401, body = Problem), (status = 403, body = Problem)))]
#[get("/skills")]
async fn list_skills(ctx: Ctx) -> ApiResult<HttpResponse> {
    let skills = catalog::list_skills(&ctx).await?;
    Ok(HttpResponse::Ok().json(
        skills
            .into_iter()
            .map(SkillResource::from)
            .collect::<Vec<_>>(),
    ))
}

/// Add a skill (ld_admin).
#[utoipa::path(tag = "catalog", request_body = SkillInput, security(("bearer" = [])),
    responses((status = 201, body = SkillResource), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/skills")]
async fn create_skill(ctx: Ctx, body: JsonBody<SkillInput>) -> ApiResult<HttpResponse> {
    let s = catalog::create_skill(&ctx, body.0).await?;
    Ok(HttpResponse::Created().json(SkillResource::from(s)))
}

/// Search and filter the catalog.
#[utoipa::path(tag = "catalog", params(CourseFilter), security(("bearer" = [])),
    responses((status = 200, body = PageOf<CourseResource>), (status = 400, body = Problem), (status = 403, body = Problem)))]
#[get("/courses")]
async fn list_courses(ctx: Ctx, q: web::Query<CourseFilter>) -> ApiResult<HttpResponse> {
    let page = catalog::list_courses(&ctx, q.into_inner()).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |c| CourseResource::from(&c))))
}

/// Add a course (ld_admin).
#[utoipa::path(tag = "catalog", request_body = CourseInput, security(("bearer" = [])),
    responses((status = 201, body = CourseResource), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/courses")]
async fn create_course(ctx: Ctx, body: JsonBody<CourseInput>) -> ApiResult<HttpResponse> {
    let c = catalog::create_course(&ctx, body.0).await?;
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
    responses((status = 200, body = CourseResource), (status = 412, body = Problem), (status = 428, body = Problem), (status = 422, body = Problem)))]
#[patch("/courses/{id}")]
async fn update_course(
    ctx: Ctx,
    if_match: IfMatch,
    id: web::Path<CourseId>,
    body: JsonBody<CoursePatch>,
) -> ApiResult<HttpResponse> {
    let c = catalog::update_course(&ctx, id.into_inner(), if_match.0, body.0).await?;
    Ok(course(&c, StatusCode::OK))
}
