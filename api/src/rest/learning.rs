//! The learning context over REST: enrolments (one, in bulk, lists) and learning records (list,
//! LMS import). The wire types live here; handlers turn them into the services' commands.

use super::{etag, IfMatch, PageOf};
use crate::body::JsonBody;
use crate::body::{parse_csv_with, Bulk, BulkBody, CsvDialect};
use crate::error::{ApiError, ApiResult, Code, Problem, RowError};
use crate::idempotency::{self, IdempotencyKey};
use crate::services::learning::{
    self, AssignBulk, BulkAssigned, Enroll, ImportRecords, Imported, ListEnrollments, ListRecords,
    RowOutcome, UpdateEnrollment, Whose,
};
use crate::services::{parse_day, Ctx};
use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use learnwell_domain::ids::{CourseId, EmployeeId, EnrollmentId, OrgUnitId};
use learnwell_domain::learning::bulk::{Assignment, BulkTarget};
use learnwell_domain::learning::import::{self, ImportRow};
use learnwell_domain::learning::{
    Enrolled, Enrollment, EnrollmentChange, EnrollmentStatus, LearningRecord, Score,
};
use learnwell_domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

fn parse_date(field: &str, v: Option<&str>) -> Result<Option<NaiveDate>, FieldError> {
    v.map(|s| parse_day(field, s)).transpose()
}

/// The value, or its error collected.
fn keep<T>(errors: &mut Vec<FieldError>, r: Result<Option<T>, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok().flatten()
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_enrollments)
        .service(create_enrollment)
        .service(bulk_assign_enrollments)
        .service(get_enrollment)
        .service(update_enrollment)
        .service(list_learning_records)
        .service(import_learning_records);
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

/// Learning records: a person's (yourself, their managers, admins); default your own, or
/// everyone's for ld_admin and hr_admin.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecordFilter {
    #[param(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

/// One row of an import from an LMS (or one manual record): who by external id or email, what by
/// course code or title, when, how long. `source_id` is the LMS's key of the row; without it the
/// row's own content is its key, so re-importing a file writes nothing new.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRow {
    pub employee_external_id: Option<String>,
    pub employee_email: Option<String>,
    pub course_code: Option<String>,
    /// Required without a course.
    pub title: Option<String>,
    /// YYYY-MM-DD
    pub completed_on: Option<String>,
    /// Default: the course's estimated minutes. Required without a course.
    pub minutes: Option<i64>,
    /// 0-100.
    pub score: Option<f64>,
    pub source_id: Option<String>,
}

impl From<RecordRow> for ImportRow {
    fn from(r: RecordRow) -> Self {
        Self {
            employee_external_id: r.employee_external_id,
            employee_email: r.employee_email,
            course_code: r.course_code,
            title: r.title,
            completed_on: r.completed_on,
            minutes: r.minutes,
            score: r.score,
            source_id: r.source_id,
        }
    }
}

/// One row of a CSV import as the file holds it: text cells, numbers in the file's locale (a
/// decimal comma is read as a point).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CsvRecordRow {
    employee_external_id: Option<String>,
    employee_email: Option<String>,
    course_code: Option<String>,
    title: Option<String>,
    completed_on: Option<String>,
    minutes: Option<String>,
    score: Option<String>,
    source_id: Option<String>,
}

/// The fields a CSV row may have (its headers, or what the column mapping names).
const CSV_FIELDS: [&str; 8] = [
    "employee_external_id",
    "employee_email",
    "course_code",
    "title",
    "completed_on",
    "minutes",
    "score",
    "source_id",
];

impl CsvRecordRow {
    /// The row, its numbers parsed (a bad one is `invalid_csv` naming the row and field).
    fn into_row(self, i: usize) -> Result<RecordRow, ApiError> {
        fn number<T: std::str::FromStr>(
            i: usize,
            field: &str,
            v: Option<String>,
        ) -> Result<Option<T>, ApiError> {
            v.filter(|s| !s.trim().is_empty())
                .map(|s| {
                    s.trim()
                        .replace(',', ".")
                        .parse::<T>()
                        .map_err(|_| ApiError::InvalidBody {
                            code: Code::InvalidCsv,
                            field: format!("records[{i}]"),
                            message: format!(
                                "row {} of the CSV: {field} {s:?} is not a number",
                                i + 2
                            ),
                        })
                })
                .transpose()
        }
        Ok(RecordRow {
            minutes: number(i, "minutes", self.minutes)?,
            score: number(i, "score", self.score)?,
            employee_external_id: self.employee_external_id,
            employee_email: self.employee_email,
            course_code: self.course_code,
            title: self.title,
            completed_on: self.completed_on,
            source_id: self.source_id,
        })
    }
}

/// The separator of a CSV import.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CsvDelimiter {
    /// The one of `,` `;` tab the header row holds most of.
    #[default]
    Auto,
    Comma,
    Semicolon,
    Tab,
}

/// What to do with CSV columns that name no field and no mapping.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OtherColumns {
    /// Refuse the file (`invalid_csv`), as an unknown JSON field is refused.
    #[default]
    Refuse,
    /// Skip them (an LMS export with more columns than the import reads).
    Ignore,
}

/// Options of an LMS import. The `*_column` parameters map a CSV file's own headers to the
/// import's fields (headers match case-insensitively); they apply to CSV bodies only.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Make the learning-time entry of each new record with minutes, as an xAPI completion does
    /// (default true); false records the learning only.
    #[serde(default = "yes")]
    #[param(default = true)]
    pub learning_time: bool,
    /// The CSV separator (default `auto`).
    #[serde(default)]
    #[param(inline)]
    pub delimiter: CsvDelimiter,
    /// CSV columns that name no field: `refuse` (default) or `ignore`.
    #[serde(default)]
    #[param(inline)]
    pub other_columns: OtherColumns,
    /// The CSV header holding `employee_external_id`.
    pub employee_external_id_column: Option<String>,
    /// The CSV header holding `employee_email`.
    pub employee_email_column: Option<String>,
    /// The CSV header holding `course_code`.
    pub course_code_column: Option<String>,
    /// The CSV header holding `title`.
    pub title_column: Option<String>,
    /// The CSV header holding `completed_on`.
    pub completed_on_column: Option<String>,
    /// The CSV header holding `minutes`.
    pub minutes_column: Option<String>,
    /// The CSV header holding `score`.
    pub score_column: Option<String>,
    /// The CSV header holding `source_id`.
    pub source_id_column: Option<String>,
}

fn yes() -> bool {
    true
}

impl ImportParams {
    fn dialect(&self) -> CsvDialect {
        let columns = [
            ("employee_external_id", &self.employee_external_id_column),
            ("employee_email", &self.employee_email_column),
            ("course_code", &self.course_code_column),
            ("title", &self.title_column),
            ("completed_on", &self.completed_on_column),
            ("minutes", &self.minutes_column),
            ("score", &self.score_column),
            ("source_id", &self.source_id_column),
        ]
        .into_iter()
        .filter_map(|(field, header)| Some((field, header.clone()?)))
        .collect();
        CsvDialect {
            delimiter: match self.delimiter {
                CsvDelimiter::Auto => None,
                CsvDelimiter::Comma => Some(b','),
                CsvDelimiter::Semicolon => Some(b';'),
                CsvDelimiter::Tab => Some(b'\t'),
            },
            columns,
            ignore_other_columns: matches!(self.other_columns, OtherColumns::Ignore),
        }
    }
}

/// What happened to one row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowResult {
    pub index: usize,
    /// `created`, `unchanged` (already recorded) or `error`.
    pub outcome: String,
    /// The record the row is: the new one, or for `unchanged` the one recorded before.
    pub record_id: Option<String>,
    /// For `created`: where the minutes came from, `row` or `course_estimate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes_from: Option<String>,
    /// For `created`: the learning-time entry made of the record (null when the import asked
    /// for none, or when it would break a rule of time entries, such as 24 hours a day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_entry_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<RowError>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    pub created: usize,
    pub unchanged: usize,
    pub failed: usize,
    /// Open enrolments completed by the imported records.
    pub enrollments_completed: usize,
    /// New records whose minutes came from their row.
    pub minutes_from_row: usize,
    /// New records whose minutes came from their course's estimate (the row gave none).
    pub minutes_from_course_estimate: usize,
    /// Learning-time entries made of the new records.
    pub time_entries_created: usize,
    pub results: Vec<RowResult>,
}

impl From<&import::RowError> for RowError {
    fn from(e: &import::RowError) -> Self {
        let f = e.field_error();
        RowError::new(e.code(), Some(&f.field), f.message.clone())
    }
}

impl From<Imported> for ImportResult {
    fn from(i: Imported) -> Self {
        let results: Vec<RowResult> = i
            .rows
            .iter()
            .enumerate()
            .map(|(index, row)| {
                let mut r = RowResult {
                    index,
                    outcome: String::new(),
                    record_id: None,
                    minutes_from: None,
                    time_entry_id: None,
                    error: None,
                };
                match row {
                    RowOutcome::Created {
                        record_id,
                        minutes_from,
                        time_entry_id,
                    } => {
                        r.outcome = "created".into();
                        r.record_id = Some(record_id.to_string());
                        r.minutes_from = Some(minutes_from.code().to_owned());
                        r.time_entry_id = time_entry_id.map(|id| id.to_string());
                    }
                    RowOutcome::Unchanged(id) => {
                        r.outcome = "unchanged".into();
                        r.record_id = Some(id.to_string());
                    }
                    RowOutcome::Failed(e) => {
                        r.outcome = "error".into();
                        r.error = Some(RowError::from(e));
                    }
                }
                r
            })
            .collect();
        let count = |o: &str| results.iter().filter(|r| r.outcome == o).count();
        let from = |m: &str| {
            results
                .iter()
                .filter(|r| r.minutes_from.as_deref() == Some(m))
                .count()
        };
        Self {
            created: count("created"),
            unchanged: count("unchanged"),
            failed: count("error"),
            enrollments_completed: i.enrollments_completed,
            minutes_from_row: from("row"),
            minutes_from_course_estimate: from("course_estimate"),
            time_entries_created: results.iter().filter(|r| r.time_entry_id.is_some()).count(),
            results,
        }
    }
}

/// Learning records from every source.
#[utoipa::path(tag = "learning", params(RecordFilter), security(("bearer" = [])),
    responses((status = 200, body = PageOf<LearningRecordResource>), (status = 403, body = Problem)))]
#[get("/learning-records")]
async fn list_learning_records(ctx: Ctx, q: web::Query<RecordFilter>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let query = ListRecords {
        employee: q.employee_id,
        first: q.first,
        after: q.after,
    };
    let page = learning::list_records(&ctx, query).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, LearningRecordResource::from)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    pub rows: Vec<RecordRow>,
    /// A CSV body, read in the handler with the request's dialect (`ImportParams`).
    #[serde(skip)]
    #[schema(ignore)]
    csv: Option<Vec<u8>>,
}

impl BulkBody for ImportBody {
    const ACCEPTS: &'static str = "application/json or text/csv";
    fn from_csv(bytes: &[u8]) -> Option<Result<Self, ApiError>> {
        Some(Ok(Self {
            rows: Vec::new(),
            csv: Some(bytes.to_vec()),
        }))
    }
}

impl ImportBody {
    /// The rows: as sent in JSON, or read from the CSV in `dialect`.
    fn rows(self, dialect: &CsvDialect) -> Result<Vec<ImportRow>, ApiError> {
        let rows = match self.csv {
            None => self.rows,
            Some(bytes) => parse_csv_with::<CsvRecordRow>(&bytes, dialect, &CSV_FIELDS)?
                .into_iter()
                .enumerate()
                .map(|(i, r)| r.into_row(i))
                .collect::<Result<_, _>>()?,
        };
        Ok(rows.into_iter().map(ImportRow::from).collect())
    }
}

/// Import up to 10,000 learning records from an LMS (ld_admin): JSON `{"rows": [...]}` or CSV
/// (`text/csv`: comma-, semicolon- or tab-separated, with a header row whose names match the
/// fields case-insensitively or are mapped with the `*_column` parameters; docs/OPERATIONS.md,
/// "LMS imports"). Per-row results; importing the same rows again writes nothing and answers the
/// records already made; a record of a course someone is enrolled in completes the enrolment; a
/// record with minutes makes its learning-time entry unless `learning_time=false`.
#[utoipa::path(tag = "learning", params(ImportParams, ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer to this key for 24 h")), request_body(content = ImportBody, content_type = "application/json"), security(("bearer" = [])),
    responses((status = 200, body = ImportResult), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/learning-records:import")]
async fn import_learning_records(
    ctx: Ctx,
    q: web::Query<ImportParams>,
    key: IdempotencyKey,
    body: Bulk<ImportBody>,
) -> ApiResult<HttpResponse> {
    let cmd = ImportRecords {
        rows: body.body.rows(&q.dialect())?,
        learning_time: q.learning_time,
    };
    idempotency::run(&ctx, &key, &body.fingerprint, || async {
        learning::import_records(&ctx, cmd)
            .await
            .map(ImportResult::from)
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

/// Filters of the enrolment list: whose (at most one of `employee_id`, `manager_id`,
/// `org_unit_id`; default: your own, or everyone's for ld_admin and hr_admin), and which.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EnrollmentFilter {
    #[param(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    /// The manager's whole team (transitive reports).
    #[param(value_type = Option<String>)]
    pub manager_id: Option<EmployeeId>,
    /// This unit and every unit below it.
    #[param(value_type = Option<String>)]
    pub org_unit_id: Option<OrgUnitId>,
    #[param(value_type = Option<String>)]
    pub course_id: Option<CourseId>,
    /// enrolled, in_progress, completed or withdrawn.
    pub status: Option<String>,
    /// Only open enrolments past their due date.
    pub overdue: Option<bool>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

impl EnrollmentFilter {
    fn query(self) -> ApiResult<ListEnrollments> {
        let whose = Whose::parse(self.employee_id, self.manager_id, self.org_unit_id)
            .map_err(ApiError::InvalidQuery)?;
        let status = self
            .status
            .as_deref()
            .map(EnrollmentStatus::parse)
            .transpose()
            .map_err(ApiError::InvalidQuery)?;
        Ok(ListEnrollments {
            whose,
            course: self.course_id,
            status,
            overdue: self.overdue.unwrap_or(false),
            first: self.first,
            after: self.after,
        })
    }
}

/// Enrolments: your own; a person's (yourself, their manager, admins); a manager's team; an org
/// unit's (admins). `overdue=true` lists open enrolments past their due date.
#[utoipa::path(tag = "learning", params(EnrollmentFilter), security(("bearer" = [])),
    responses((status = 200, body = PageOf<EnrollmentResource>), (status = 400, body = Problem), (status = 403, body = Problem)))]
#[get("/enrollments")]
async fn list_enrollments(ctx: Ctx, q: web::Query<EnrollmentFilter>) -> ApiResult<HttpResponse> {
    let page = learning::list_enrollments(&ctx, q.into_inner().query()?).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |e| EnrollmentResource::from(&e))))
}

/// Enrol yourself (no `employee_id`), or assign someone.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentInput {
    #[schema(value_type = String)]
    pub course_id: CourseId,
    /// Whom to enrol; the caller when absent.
    #[schema(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    /// YYYY-MM-DD
    pub due_date: Option<String>,
}

/// Enrol yourself, or assign a report (managers) or anyone (ld_admin). 201 when created, 200 with
/// the existing enrolment when the person is already enrolled.
#[utoipa::path(tag = "learning", request_body = EnrollmentInput, security(("bearer" = [])),
    responses((status = 201, body = EnrollmentResource), (status = 200, body = EnrollmentResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/enrollments")]
async fn create_enrollment(ctx: Ctx, body: JsonBody<EnrollmentInput>) -> ApiResult<HttpResponse> {
    let cmd = Enroll {
        course: body.0.course_id,
        employee: body.0.employee_id,
        due: parse_date("due_date", body.0.due_date.as_deref())?,
    };
    Ok(match learning::enroll(&ctx, cmd).await? {
        Enrolled::Created(e) => enrollment(&e, StatusCode::CREATED),
        Enrolled::Already(e) | Enrolled::Again(e) => enrollment(&e, StatusCode::OK),
    })
}

/// A range of job levels, both ends included.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelRange {
    pub min: i64,
    pub max: i64,
}

/// Assign one course to many people: exactly one of `employee_ids`, `org_unit_id` (with every
/// unit below it) or `job_levels`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkAssignment {
    #[schema(value_type = String)]
    pub course_id: CourseId,
    pub due_date: Option<String>,
    #[schema(value_type = Option<Vec<String>>)]
    pub employee_ids: Option<Vec<EmployeeId>>,
    #[schema(value_type = Option<String>)]
    pub org_unit_id: Option<OrgUnitId>,
    pub job_levels: Option<LevelRange>,
}

impl BulkAssignment {
    fn command(self) -> ApiResult<AssignBulk> {
        let due = parse_date("due_date", self.due_date.as_deref())?;
        let levels = self.job_levels.map(|l| (l.min, l.max));
        let target = BulkTarget::parse(self.employee_ids, self.org_unit_id, levels)?;
        Ok(AssignBulk {
            course: self.course_id,
            due,
            target,
        })
    }
}

/// What happened for one person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssignmentResult {
    pub employee_id: String,
    /// `created`, `unchanged` (already enrolled) or `error`.
    pub outcome: String,
    pub enrollment_id: Option<String>,
    /// Why, for `error`: `not_found`, `forbidden` or `employee_terminated`, with a message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<RowError>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BulkResult {
    pub created: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub results: Vec<AssignmentResult>,
}

impl From<BulkAssigned> for BulkResult {
    fn from(b: BulkAssigned) -> Self {
        let results: Vec<AssignmentResult> = b
            .rows
            .into_iter()
            .map(|(employee, a)| {
                let outcome = match a {
                    Assignment::Created(_) => "created",
                    Assignment::Unchanged(_) => "unchanged",
                    _ => "error",
                };
                AssignmentResult {
                    employee_id: employee.to_string(),
                    outcome: outcome.to_owned(),
                    enrollment_id: a.enrollment_id().map(|e| e.to_string()),
                    error: a
                        .refusal()
                        .map(|(code, message)| RowError::new(code, None, message)),
                }
            })
            .collect();
        let count = |o: &str| results.iter().filter(|r| r.outcome == o).count();
        Self {
            created: count("created"),
            unchanged: count("unchanged"),
            failed: count("error"),
            results,
        }
    }
}

/// Assign one course to up to 10,000 people (a list, an org unit with its sub-units, or a job-level
/// band). Per-person results; repeating it creates nothing new.
#[utoipa::path(tag = "learning", params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer to this key for 24 h")), request_body = BulkAssignment, security(("bearer" = [])),
    responses((status = 200, body = BulkResult), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/enrollments:bulk")]
async fn bulk_assign_enrollments(
    ctx: Ctx,
    key: IdempotencyKey,
    body: Bulk<BulkAssignment>,
) -> ApiResult<HttpResponse> {
    let cmd = body.body.command()?;
    idempotency::run(&ctx, &key, &body.fingerprint, || async {
        learning::assign_bulk(&ctx, cmd).await.map(BulkResult::from)
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

/// A change of status, completion, score or due date.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentPatch {
    /// `enrolled`, `in_progress`, `completed` or `withdrawn`.
    pub status: Option<String>,
    /// YYYY-MM-DD, for `completed` (default today).
    pub completed_on: Option<String>,
    /// 0-100.
    pub score: Option<f64>,
    /// YYYY-MM-DD; managers and ld_admin only.
    pub due_date: Option<String>,
}

impl EnrollmentPatch {
    /// The change, or every field problem at once.
    fn change(self) -> ApiResult<EnrollmentChange> {
        let mut errors = Vec::new();
        let e = &mut errors;
        let status = keep(
            e,
            self.status
                .as_deref()
                .map(EnrollmentStatus::parse)
                .transpose(),
        );
        let completed_on = keep(e, parse_date("completed_on", self.completed_on.as_deref()));
        let score = keep(e, self.score.map(Score::new).transpose());
        let due_date = keep(e, parse_date("due_date", self.due_date.as_deref()));
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        Ok(EnrollmentChange {
            status,
            completed_on,
            score,
            due_date,
        })
    }
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
    let cmd = UpdateEnrollment {
        id: id.into_inner(),
        if_match: if_match.0,
        change: body.0.change()?,
    };
    let e = learning::update_enrollment(&ctx, cmd).await?;
    Ok(enrollment(&e, StatusCode::OK))
}

impl BulkBody for BulkAssignment {}
