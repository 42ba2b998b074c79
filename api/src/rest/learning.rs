use super::{etag, IfMatch, PageOf};
use crate::body::JsonBody;
use crate::body::{parse_csv, Bulk, BulkBody};
use crate::error::ApiError;
use crate::error::{ApiResult, Problem};
use crate::idempotency::{self, IdempotencyKey};
use crate::services::learning::{
    self, BulkAssignment, BulkResult, EnrollmentFilter, EnrollmentInput, EnrollmentPatch,
    ImportResult, RecordFilter, RecordRow,
};
use crate::services::Ctx;
use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use learnwell_domain::ids::EnrollmentId;
use learnwell_domain::learning::{Enrollment, LearningRecord};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_enrollments)
        .service(enroll)
        .service(assign_bulk)
        .service(get_enrollment)
        .service(update_enrollment)
        .service(list_records)
        .service(import_records);
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LearningRecordResource {
    pub id: String,
    pub employee_id: String,
    pub course_id: Option<String>,
    pub title: String,
    pub completed_on: NaiveDate,
    pub minutes: u32,
    pub score: Option<f64>,
    /// `manual`, `import`, `xapi`, `mentoring` or `coaching`.
    pub source: String,
    pub source_id: String,
    pub created_at: DateTime<Utc>,
}

impl From<LearningRecord> for LearningRecordResource {
    fn from(r: LearningRecord) -> Self {
        Self {
            id: r.id.to_string(),
            employee_id: r.employee_id.to_string(),
            course_id: r.course_id.map(|c| c.to_string()),
            title: r.title.to_string(),
            completed_on: r.completed_on,
            minutes: r.minutes,
            score: r.score.map(|s| s.get()),
            source: r.source.to_string(),
            source_id: r.source_id,
            created_at: r.created_at,
        }
    }
}

/// Learning records from every source.
#[utoipa::path(tag = "learning", params(RecordFilter), security(("bearer" = [])),
    responses((status = 200, body = PageOf<LearningRecordResource>), (status = 403, body = Problem)))]
#[get("/learning-records")]
async fn list_records(ctx: Ctx, q: web::Query<RecordFilter>) -> ApiResult<HttpResponse> {
    let page = learning::list_records(&ctx, q.into_inner()).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, LearningRecordResource::from)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    pub rows: Vec<RecordRow>,
}

impl BulkBody for ImportBody {
    const ACCEPTS: &'static str = "application/json or text/csv";
    fn from_csv(bytes: &[u8]) -> Option<Result<Self, ApiError>> {
        Some(parse_csv(bytes).map(|rows| Self { rows }))
    }
}

/// Import up to 10,000 learning records from an LMS (ld_admin): JSON `{"rows": [...]}` or CSV
/// with a header row. Per-row results; importing the same rows again writes nothing; a record of
/// a course someone is enrolled in completes the enrolment.
#[utoipa::path(tag = "learning", params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer to this key for 24 h")), request_body(content = ImportBody, content_type = "application/json"), security(("bearer" = [])),
    responses((status = 200, body = ImportResult), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/learning-records:import")]
async fn import_records(
    ctx: Ctx,
    key: IdempotencyKey,
    body: Bulk<ImportBody>,
) -> ApiResult<HttpResponse> {
    idempotency::run(&ctx, &key, &body.fingerprint, || {
        learning::import_records(&ctx, body.body.rows)
    })
    .await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EnrollmentResource {
    pub id: String,
    pub employee_id: String,
    pub course_id: String,
    /// `self_enrolled` or `assigned`.
    pub origin: String,
    pub assigned_by: Option<String>,
    /// `enrolled`, `in_progress`, `completed` or `withdrawn`.
    pub status: String,
    pub due_date: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub score: Option<f64>,
    /// Also sent as the ETag; send it back in If-Match to change the enrolment.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Enrollment> for EnrollmentResource {
    fn from(e: &Enrollment) -> Self {
        Self {
            id: e.id().to_string(),
            employee_id: e.employee_id().to_string(),
            course_id: e.course_id().to_string(),
            origin: e.origin().to_string(),
            assigned_by: e.assigned_by().map(str::to_owned),
            status: e.status().to_string(),
            due_date: e.due_date(),
            completed_on: e.completed_on(),
            score: e.score().map(|s| s.get()),
            version: e.version(),
            created_at: e.created_at(),
            updated_at: e.updated_at(),
        }
    }
}

fn enrollment(e: &Enrollment, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(actix_web::http::header::ETag(etag(e.version())))
        .json(EnrollmentResource::from(e))
}

/// Enrolments: your own; a person's (yourself, their manager, admins); a manager's team; an org
/// unit's (admins). `overdue=true` lists open enrolments past their due date.
#[utoipa::path(tag = "learning", params(EnrollmentFilter), security(("bearer" = [])),
    responses((status = 200, body = PageOf<EnrollmentResource>), (status = 400, body = Problem), (status = 403, body = Problem)))]
#[get("/enrollments")]
async fn list_enrollments(ctx: Ctx, q: web::Query<EnrollmentFilter>) -> ApiResult<HttpResponse> {
    let page = learning::list_enrollments(&ctx, q.into_inner()).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |e| EnrollmentResource::from(&e))))
}

/// Enrol yourself, or assign a report (managers) or anyone (ld_admin). 201 when created, 200 with
/// the existing enrolment when the person is already enrolled.
#[utoipa::path(tag = "learning", request_body = EnrollmentInput, security(("bearer" = [])),
    responses((status = 201, body = EnrollmentResource), (status = 200, body = EnrollmentResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/enrollments")]
async fn enroll(ctx: Ctx, body: JsonBody<EnrollmentInput>) -> ApiResult<HttpResponse> {
    let (e, created) = learning::enroll(&ctx, body.0).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(enrollment(&e, status))
}

/// Assign one course to up to 10,000 people (a list, an org unit with its sub-units, or a job-level
/// band). Per-person results; repeating it creates nothing new.
#[utoipa::path(tag = "learning", params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer to this key for 24 h")), request_body = BulkAssignment, security(("bearer" = [])),
    responses((status = 200, body = BulkResult), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/enrollments:bulk")]
async fn assign_bulk(
    ctx: Ctx,
    key: IdempotencyKey,
    body: Bulk<BulkAssignment>,
) -> ApiResult<HttpResponse> {
    idempotency::run(&ctx, &key, &body.fingerprint, || {
        learning::assign_bulk(&ctx, body.body)
    })
    .await
}

/// One enrolment (404 when it is not yours to see).
#[utoipa::path(tag = "learning", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = EnrollmentResource), (status = 404, body = Problem)))]
#[get("/enrollments/{id}")]
async fn get_enrollment(ctx: Ctx, id: web::Path<EnrollmentId>) -> ApiResult<HttpResponse> {
    let e = learning::get_enrollment(&ctx, id.into_inner()).await?;
    Ok(enrollment(&e, StatusCode::OK))
}

/// Start, complete (with date and score) or withdraw; managers and ld_admin also set due dates.
/// A completed enrolment is final. Send `If-Match`.
#[utoipa::path(tag = "learning", params(("id" = String, Path), ("If-Match" = String, Header)), request_body = EnrollmentPatch, security(("bearer" = [])),
    responses((status = 200, body = EnrollmentResource), (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
#[patch("/enrollments/{id}")]
async fn update_enrollment(
    ctx: Ctx,
    if_match: IfMatch,
    id: web::Path<EnrollmentId>,
    body: JsonBody<EnrollmentPatch>,
) -> ApiResult<HttpResponse> {
    let e = learning::update_enrollment(&ctx, id.into_inner(), if_match.0, body.0).await?;
    Ok(enrollment(&e, StatusCode::OK))
}

impl BulkBody for BulkAssignment {}
