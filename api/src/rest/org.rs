use super::{etag, IfMatch, PageOf, PageParams};
use crate::body::nullable;
use crate::body::{parse_csv, Bulk, BulkBody, JsonBody};
use crate::error::RowError;
use crate::error::{ApiError, ApiResult, Problem};
use crate::idempotency::{self, IdempotencyKey};
use crate::services::org::hris::{
    self, EmployeeDelta, SyncCommand, SyncMode, SyncOptions, SyncOutcome,
};
use crate::services::org::reconcile;
use crate::services::org::units_sync::{self, UnitSyncOutcome};
use crate::services::org::{self, EmployeeList, OrgUnitList, Visible};
use crate::services::Ctx;
use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, put, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use learnwell_domain::access::EmployeeView;
use learnwell_domain::ids::{EmployeeId, OrgUnitId, ReconcileRunId, SyncRunId};
use learnwell_domain::org::sync::{
    Decision, PlannedRecord, ReconcileRun, RecordError, RecordOutcome, SyncCounts, SyncRun,
    UnitDecision, UnitFields,
};
use learnwell_domain::org::{Employee, EmployeeChanges, EmployeeFields, OrgUnit, OrgUnitChanges};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_employees)
        .service(create_employee)
        .service(get_employee)
        .service(update_employee)
        .service(list_employee_reports)
        .service(list_org_units)
        .service(create_org_unit)
        .service(get_org_unit)
        .service(update_org_unit)
        .service(delete_org_unit)
        .service(sync_employees)
        .service(sync_org_units)
        .service(open_reconcile_run)
        .service(get_reconcile_run)
        .service(put_reconcile_page)
        .service(commit_reconcile_run)
        .service(list_sync_runs)
        .service(get_sync_run);
}

// ---- request bodies and queries ----

/// An employee as sent by HR or an HRIS: for create, for each HRIS sync record, and (merged with
/// the stored record) for PATCH. Units and managers by Learnwell id or by HRIS external id.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployeeInput {
    /// The HRIS key (required for HRIS sync, where it is the upsert key).
    pub external_id: Option<String>,
    pub employee_number: Option<String>,
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub job_title: Option<String>,
    /// 1 (junior) .. 8 (executive).
    pub job_level: Option<i64>,
    pub org_unit_id: Option<String>,
    pub org_unit_external_id: Option<String>,
    pub manager_id: Option<String>,
    pub manager_external_id: Option<String>,
    /// full_time, part_time, contractor, intern, temporary (default full_time).
    pub employment_type: Option<String>,
    /// pending, active, leave, terminated (default active).
    pub status: Option<String>,
    /// YYYY-MM-DD
    pub hire_date: Option<String>,
    pub leave_start_date: Option<String>,
    pub leave_end_date: Option<String>,
    pub termination_date: Option<String>,
    /// Default 40.
    pub contracted_hours_per_week: Option<f64>,
    pub location: Option<String>,
}

impl From<EmployeeInput> for EmployeeFields {
    fn from(i: EmployeeInput) -> Self {
        Self {
            external_id: i.external_id,
            employee_number: i.employee_number,
            email: i.email,
            given_name: i.given_name,
            family_name: i.family_name,
            job_title: i.job_title,
            job_level: i.job_level,
            org_unit_id: i.org_unit_id,
            org_unit_external_id: i.org_unit_external_id,
            manager_id: i.manager_id,
            manager_external_id: i.manager_external_id,
            employment_type: i.employment_type,
            status: i.status,
            hire_date: i.hire_date,
            leave_start_date: i.leave_start_date,
            leave_end_date: i.leave_end_date,
            termination_date: i.termination_date,
            contracted_hours_per_week: i.contracted_hours_per_week,
            location: i.location,
        }
    }
}

/// A partial update: absent fields stay; `null` clears an optional field.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployeePatch {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub employee_number: Option<Option<String>>,
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub job_title: Option<Option<String>>,
    pub job_level: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub org_unit_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub manager_id: Option<Option<String>>,
    pub employment_type: Option<String>,
    pub status: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub hire_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub leave_start_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub leave_end_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub termination_date: Option<Option<String>>,
    pub contracted_hours_per_week: Option<f64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
}

impl From<EmployeePatch> for EmployeeChanges {
    fn from(p: EmployeePatch) -> Self {
        Self {
            external_id: p.external_id,
            employee_number: p.employee_number,
            email: p.email,
            given_name: p.given_name,
            family_name: p.family_name,
            job_title: p.job_title,
            job_level: p.job_level,
            org_unit_id: p.org_unit_id,
            manager_id: p.manager_id,
            employment_type: p.employment_type,
            status: p.status,
            hire_date: p.hire_date,
            leave_start_date: p.leave_start_date,
            leave_end_date: p.leave_end_date,
            termination_date: p.termination_date,
            contracted_hours_per_week: p.contracted_hours_per_week,
            location: p.location,
        }
    }
}

/// Filters of the employee list.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EmployeeFilter {
    /// Only this org unit and every unit below it.
    #[param(value_type = Option<String>)]
    pub org_unit_id: Option<OrgUnitId>,
    #[param(value_type = Option<String>)]
    pub manager_id: Option<EmployeeId>,
    /// pending, active, leave or terminated; only for callers who read everyone's full record
    /// (otherwise `invalid_query`), like `job_level`.
    pub status: Option<String>,
    pub job_level: Option<i64>,
    /// Case-insensitive text in the name (and the email and HRIS `external_id` for callers who
    /// read everyone's full record).
    pub q: Option<String>,
    /// Exactly this HRIS id; only for callers who read everyone's full record.
    pub external_id: Option<String>,
    /// The change feed: people changed at or after this instant (RFC 3339), ordered by change
    /// (`updated_at`, then id); only for callers who read everyone's full record. `next_cursor`
    /// follows every page with changes, the last one too: keep it and ask again with `after`
    /// for what changed since (an empty page answers `next_cursor: null`).
    #[param(value_type = Option<String>, format = DateTime)]
    pub updated_since: Option<DateTime<Utc>>,
    /// Page size, 1-200 (default 50).
    pub first: Option<u64>,
    /// Cursor from `next_cursor` of the previous page.
    pub after: Option<String>,
}

impl EmployeeFilter {
    /// The service's query: status and level parsed (a bad one is `invalid_query`).
    fn into_list(self) -> ApiResult<EmployeeList> {
        Ok(EmployeeList {
            org_unit_id: self.org_unit_id,
            manager_id: self.manager_id,
            text: self.q,
            external_id: self.external_id,
            updated_since: self.updated_since,
            first: self.first,
            after: self.after,
            ..EmployeeList::with_codes(self.status.as_deref(), self.job_level)?
        })
    }
}

/// A new org unit, or (for PATCH) the fields to change.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgUnitInput {
    pub name: Option<String>,
    /// e.g. division, department, team (default "unit").
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub manager_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
}

impl From<OrgUnitInput> for OrgUnitChanges {
    fn from(u: OrgUnitInput) -> Self {
        Self {
            name: u.name,
            kind: u.kind,
            parent_id: u.parent_id,
            manager_id: u.manager_id,
            external_id: u.external_id,
        }
    }
}

// ---- responses ----

/// Directory fields (everyone with directory access sees these) plus, when the caller may see
/// the whole record, `details`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmployeeResource {
    pub id: String,
    /// `full` or `directory`: whether `details` is included.
    pub view: String,
    pub display_name: String,
    pub given_name: String,
    pub family_name: String,
    pub job_title: Option<String>,
    pub org_unit_id: Option<String>,
    pub manager_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<EmployeeDetails>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmployeeDetails {
    pub external_id: Option<String>,
    pub employee_number: Option<String>,
    pub email: String,
    pub job_level: u8,
    pub employment_type: String,
    pub status: String,
    pub hire_date: Option<NaiveDate>,
    pub leave_start_date: Option<NaiveDate>,
    pub leave_end_date: Option<NaiveDate>,
    pub termination_date: Option<NaiveDate>,
    pub contracted_hours_per_week: f64,
    pub location: Option<String>,
    /// Also sent as the ETag; send it back in If-Match to change the record.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn opt(v: Option<&impl ToString>) -> Option<String> {
    v.map(ToString::to_string)
}

impl EmployeeResource {
    fn new(e: &Employee, view: EmployeeView) -> Self {
        let d = &e.data;
        Self {
            id: e.id.to_string(),
            view: if view == EmployeeView::Full {
                "full"
            } else {
                "directory"
            }
            .to_owned(),
            display_name: e.display_name(),
            given_name: d.given_name.to_string(),
            family_name: d.family_name.to_string(),
            job_title: opt(d.job_title.as_ref()),
            org_unit_id: opt(d.org_unit_id.as_ref()),
            manager_id: opt(d.manager_id.as_ref()),
            details: (view == EmployeeView::Full).then(|| EmployeeDetails {
                external_id: opt(d.external_id.as_ref()),
                employee_number: opt(d.employee_number.as_ref()),
                email: d.email.to_string(),
                job_level: d.job_level.get(),
                employment_type: d.employment_type.to_string(),
                status: d.status.to_string(),
                hire_date: d.dates.hire_date,
                leave_start_date: d.dates.leave_start_date,
                leave_end_date: d.dates.leave_end_date,
                termination_date: d.dates.termination_date,
                contracted_hours_per_week: d.contracted_hours.hours(),
                location: opt(d.location.as_ref()),
                version: e.version,
                created_at: e.created_at,
                updated_at: e.updated_at,
            }),
        }
    }
}

impl From<Visible> for EmployeeResource {
    fn from(v: Visible) -> Self {
        Self::new(&v.employee, v.view)
    }
}

fn full(e: &Employee, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(actix_web::http::header::ETag(etag(e.version)))
        .json(EmployeeResource::new(e, EmployeeView::Full))
}

/// List employees the caller may see (directory entries, or full records where allowed).
#[utoipa::path(tag = "org", params(EmployeeFilter), security(("bearer" = [])),
    responses((status = 200, body = PageOf<EmployeeResource>), (status = 400, body = Problem), (status = 401, body = Problem)))]
#[get("/employees")]
async fn list_employees(ctx: Ctx, q: web::Query<EmployeeFilter>) -> ApiResult<HttpResponse> {
    let page = org::list_employees(&ctx, q.into_inner().into_list()?).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, EmployeeResource::from)))
}

/// Create an employee (hr_admin or an HRIS client).
#[utoipa::path(tag = "org", request_body = EmployeeInput, security(("bearer" = [])),
    responses((status = 201, body = EmployeeResource), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/employees")]
async fn create_employee(ctx: Ctx, body: JsonBody<EmployeeInput>) -> ApiResult<HttpResponse> {
    let e = org::create_employee(&ctx, body.0.into()).await?;
    Ok(full(&e, StatusCode::CREATED))
}

/// One employee: the full record for themselves, their managers and admins; directory fields
/// for colleagues.
#[utoipa::path(tag = "org", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = EmployeeResource), (status = 404, body = Problem)))]
#[get("/employees/{id}")]
async fn get_employee(ctx: Ctx, id: web::Path<EmployeeId>) -> ApiResult<HttpResponse> {
    let v = org::get_employee(&ctx, id.into_inner()).await?;
    let mut res = HttpResponse::Ok();
    if v.view == EmployeeView::Full {
        res.insert_header(actix_web::http::header::ETag(etag(v.employee.version)));
    }
    Ok(res.json(EmployeeResource::from(v)))
}

/// Change an employee. Send `If-Match` with the ETag you read; a stale one gets 412.
#[utoipa::path(tag = "org", params(("id" = String, Path), ("If-Match" = String, Header)), request_body = EmployeePatch, security(("bearer" = [])),
    responses((status = 200, body = EmployeeResource), (status = 412, body = Problem), (status = 428, body = Problem), (status = 409, body = Problem, description = "A unique value (email, external id, code) is taken (`duplicate`)"), (status = 422, body = Problem)))]
#[patch("/employees/{id}")]
async fn update_employee(
    ctx: Ctx,
    if_match: IfMatch,
    id: web::Path<EmployeeId>,
    body: JsonBody<EmployeePatch>,
) -> ApiResult<HttpResponse> {
    let e = org::update_employee(&ctx, id.into_inner(), if_match.0, body.0.into()).await?;
    Ok(full(&e, StatusCode::OK))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportsParams {
    /// `1` for direct reports, a number of levels, or `all` (default 1).
    pub depth: Option<String>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

/// An employee's reports, direct or transitive.
#[utoipa::path(tag = "org", params(("id" = String, Path), ReportsParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<EmployeeResource>), (status = 404, body = Problem)))]
#[get("/employees/{id}/reports")]
async fn list_employee_reports(
    ctx: Ctx,
    id: web::Path<EmployeeId>,
    q: web::Query<ReportsParams>,
) -> ApiResult<HttpResponse> {
    let depth = match q.depth.as_deref() {
        None => Some(1),
        Some("all") => None,
        Some(n) => Some(n.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            ApiError::InvalidQuery(learnwell_domain::FieldError::new(
                "depth",
                "must be a positive number or all",
            ))
        })?),
    };
    let page = org::list_reports(&ctx, id.into_inner(), depth, q.first, q.after.as_deref()).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, EmployeeResource::from)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrgUnitResource {
    pub id: String,
    pub external_id: Option<String>,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<String>,
    pub manager_id: Option<String>,
    pub version: i64,
}

impl From<OrgUnit> for OrgUnitResource {
    fn from(u: OrgUnit) -> Self {
        Self {
            id: u.id.to_string(),
            external_id: opt(u.external_id.as_ref()),
            name: u.name.to_string(),
            kind: u.kind.to_string(),
            parent_id: opt(u.parent_id.as_ref()),
            manager_id: opt(u.manager_id.as_ref()),
            version: u.version,
        }
    }
}

fn unit(u: OrgUnit, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(actix_web::http::header::ETag(etag(u.version)))
        .json(OrgUnitResource::from(u))
}

/// Filters of the org-unit list, and its page.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrgUnitFilter {
    /// Exactly this HRIS id.
    pub external_id: Option<String>,
    /// The change feed: units changed at or after this instant (RFC 3339), ordered by change
    /// (`updated_at`, then id), with `next_cursor` as the employees' feed has it.
    #[param(value_type = Option<String>, format = DateTime)]
    pub updated_since: Option<DateTime<Utc>>,
    /// Page size, 1-200 (default 50).
    pub first: Option<u64>,
    /// Cursor from `next_cursor` of the previous page.
    pub after: Option<String>,
}

/// The org-unit tree as a flat list (each unit names its parent), a page at a time in creation
/// order, or the units the filters select.
#[utoipa::path(tag = "org", params(OrgUnitFilter), security(("bearer" = [])), responses((status = 200, body = PageOf<OrgUnitResource>), (status = 400, body = Problem)))]
#[get("/org-units")]
async fn list_org_units(ctx: Ctx, q: web::Query<OrgUnitFilter>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let list = OrgUnitList {
        external_id: q.external_id,
        updated_since: q.updated_since,
        first: q.first,
        after: q.after,
    };
    let page = org::list_org_units(&ctx, list).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, OrgUnitResource::from)))
}

/// Create an org unit (hr_admin or an HRIS client).
#[utoipa::path(tag = "org", request_body = OrgUnitInput, security(("bearer" = [])),
    responses((status = 201, body = OrgUnitResource), (status = 403, body = Problem), (status = 409, body = Problem, description = "A unique value (email, external id, code) is taken (`duplicate`)"), (status = 422, body = Problem)))]
#[post("/org-units")]
async fn create_org_unit(ctx: Ctx, body: JsonBody<OrgUnitInput>) -> ApiResult<HttpResponse> {
    Ok(unit(
        org::create_org_unit(&ctx, body.0.into()).await?,
        StatusCode::CREATED,
    ))
}

#[utoipa::path(tag = "org", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = OrgUnitResource), (status = 404, body = Problem)))]
#[get("/org-units/{id}")]
async fn get_org_unit(ctx: Ctx, id: web::Path<OrgUnitId>) -> ApiResult<HttpResponse> {
    Ok(unit(
        org::get_org_unit(&ctx, id.into_inner()).await?,
        StatusCode::OK,
    ))
}

/// Rename, move (the tree may not loop) or change the head of a unit. Needs `If-Match`.
#[utoipa::path(tag = "org", params(("id" = String, Path), ("If-Match" = String, Header)), request_body = OrgUnitInput, security(("bearer" = [])),
    responses((status = 200, body = OrgUnitResource), (status = 412, body = Problem), (status = 409, body = Problem, description = "A unique value (email, external id, code) is taken (`duplicate`)"), (status = 422, body = Problem)))]
#[patch("/org-units/{id}")]
async fn update_org_unit(
    ctx: Ctx,
    if_match: IfMatch,
    id: web::Path<OrgUnitId>,
    body: JsonBody<OrgUnitInput>,
) -> ApiResult<HttpResponse> {
    let u = org::update_org_unit(&ctx, id.into_inner(), if_match.0, body.0.into()).await?;
    Ok(unit(u, StatusCode::OK))
}

/// Delete an empty unit (no child units, no employees).
#[utoipa::path(tag = "org", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 409, body = Problem)))]
#[delete("/org-units/{id}")]
async fn delete_org_unit(ctx: Ctx, id: web::Path<OrgUnitId>) -> ApiResult<HttpResponse> {
    org::delete_org_unit(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One person in an HRIS sync. In `mode=replace` (the default) it is the whole record: a field
/// left out or `null` is empty. In `mode=merge` it is a delta over the stored person with this
/// `external_id`: a field left out is unchanged, `null` clears it (a person not stored yet must
/// be complete). In CSV an empty cell is a field left out.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncRecordInput {
    /// The HRIS key (required: the upsert key).
    pub external_id: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub employee_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub given_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub family_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub job_title: Option<Option<String>>,
    /// 1 (junior) .. 8 (executive).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub job_level: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub org_unit_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub org_unit_external_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub manager_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub manager_external_id: Option<Option<String>>,
    /// full_time, part_time, contractor, intern, temporary (default full_time).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub employment_type: Option<Option<String>>,
    /// pending, active, leave, terminated (default active).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub status: Option<Option<String>>,
    /// YYYY-MM-DD
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub hire_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub leave_start_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub leave_end_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub termination_date: Option<Option<String>>,
    /// Default 40.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<f64>)]
    pub contracted_hours_per_week: Option<Option<f64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
}

macro_rules! sync_record_fields {
    ($m:ident, $from:ident) => {
        $m!(
            $from,
            employee_number,
            email,
            given_name,
            family_name,
            job_title,
            job_level,
            org_unit_id,
            org_unit_external_id,
            manager_id,
            manager_external_id,
            employment_type,
            status,
            hire_date,
            leave_start_date,
            leave_end_date,
            termination_date,
            contracted_hours_per_week,
            location
        )
    };
}

impl From<SyncRecordInput> for EmployeeDelta {
    fn from(i: SyncRecordInput) -> Self {
        macro_rules! delta {
            ($from:ident, $($f:ident),*) => {
                EmployeeDelta { external_id: $from.external_id, $( $f: $from.$f, )* }
            };
        }
        sync_record_fields!(delta, i)
    }
}

/// A CSV row: every cell given is a value, an empty one a field left out.
impl From<EmployeeInput> for SyncRecordInput {
    fn from(i: EmployeeInput) -> Self {
        macro_rules! record {
            ($from:ident, $($f:ident),*) => {
                SyncRecordInput { external_id: $from.external_id, $( $f: $from.$f.map(Some), )* }
            };
        }
        sync_record_fields!(record, i)
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncBody {
    pub records: Vec<SyncRecordInput>,
}

impl BulkBody for SyncBody {
    const ACCEPTS: &'static str = "application/json or text/csv";
    fn from_csv(bytes: &[u8]) -> Option<Result<Self, ApiError>> {
        Some(parse_csv::<EmployeeInput>(bytes).map(|rows| Self {
            records: rows.into_iter().map(SyncRecordInput::from).collect(),
        }))
    }
}

impl SyncBody {
    fn deltas(self) -> Vec<EmployeeDelta> {
        self.records.into_iter().map(EmployeeDelta::from).collect()
    }
}

/// How the records of a sync are read.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncModeParam {
    /// Each record is the whole person.
    #[default]
    Replace,
    /// Each record is a delta: absent = unchanged, `null` = clear.
    Merge,
}

impl From<SyncModeParam> for SyncMode {
    fn from(m: SyncModeParam) -> Self {
        match m {
            SyncModeParam::Replace => SyncMode::Replace,
            SyncModeParam::Merge => SyncMode::Merge,
        }
    }
}

impl From<SyncMode> for SyncModeParam {
    fn from(m: SyncMode) -> Self {
        match m {
            SyncMode::Replace => SyncModeParam::Replace,
            SyncMode::Merge => SyncModeParam::Merge,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SyncParams {
    /// Full reconcile: terminate active HRIS employees absent from this batch.
    #[serde(default)]
    pub deactivate_missing: bool,
    /// Allow a reconcile above the configured share of terminations.
    #[serde(default)]
    pub force: bool,
    /// `replace` (default): each record is the whole person; `merge`: each record is a delta.
    #[serde(default)]
    #[param(inline)]
    pub mode: SyncModeParam,
    /// Answer exactly what the sync would do, and write nothing (no run is recorded, and the
    /// answer is not kept for an `Idempotency-Key`).
    #[serde(default)]
    pub dry_run: bool,
}

/// Upsert up to 10,000 employees by `external_id` (JSON `{"records": [...]}` or CSV with a
/// header row), as whole records or (`mode=merge`) as deltas. Per-record results; replaying a
/// batch changes nothing; `Idempotency-Key` replays the first response for 24 h; `dry_run=true`
/// answers the same and writes nothing.
#[utoipa::path(tag = "hris", params(SyncParams, ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = SyncBody, content_type = "application/json"), security(("bearer" = [])),
    responses((status = 200, body = SyncResult), (status = 400, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
#[post("/hris/employees:sync")]
async fn sync_employees(
    ctx: Ctx,
    q: web::Query<SyncParams>,
    key: IdempotencyKey,
    body: Bulk<SyncBody>,
) -> ApiResult<HttpResponse> {
    let cmd = SyncCommand {
        records: body.body.deltas(),
        mode: q.mode.into(),
        options: SyncOptions {
            deactivate_missing: q.deactivate_missing,
            force: q.force,
        },
        dry_run: q.dry_run,
    };
    let ctx = &ctx;
    if cmd.dry_run {
        let result = SyncResult::from(hris::sync(ctx, cmd).await?);
        return Ok(HttpResponse::Ok().json(result));
    }
    idempotency::run(ctx, &key, &body.fingerprint, || async move {
        Ok(SyncResult::from(hris::sync(ctx, cmd).await?))
    })
    .await
}

/// One org unit in an HRIS sync (the whole unit).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgUnitRecordInput {
    /// The HRIS key (required: the upsert key).
    pub external_id: Option<String>,
    pub name: Option<String>,
    /// e.g. division, department, team (default "unit").
    pub kind: Option<String>,
    /// The parent's HRIS key (in this batch, before or after this record, or already synced);
    /// none for a root.
    pub parent_external_id: Option<String>,
    /// The head's HRIS key (an employee already synced).
    pub manager_external_id: Option<String>,
}

impl From<OrgUnitRecordInput> for UnitFields {
    fn from(i: OrgUnitRecordInput) -> Self {
        Self {
            external_id: i.external_id,
            name: i.name,
            kind: i.kind,
            parent_external_id: i.parent_external_id,
            manager_external_id: i.manager_external_id,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitSyncBody {
    pub records: Vec<OrgUnitRecordInput>,
}

impl BulkBody for UnitSyncBody {
    const ACCEPTS: &'static str = "application/json or text/csv";
    fn from_csv(bytes: &[u8]) -> Option<Result<Self, ApiError>> {
        Some(parse_csv(bytes).map(|records| Self { records }))
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DryRunParams {
    /// Answer exactly what the sync would do, and write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// Upsert up to 10,000 org units by `external_id` (JSON `{"records": [...]}` or CSV), parents by
/// `parent_external_id` resolved in a second pass (a parent may come after its children).
/// Per-record results; a replay changes nothing; `Idempotency-Key` replays the first answer.
#[utoipa::path(tag = "hris", params(DryRunParams, ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = UnitSyncBody, content_type = "application/json"), security(("bearer" = [])),
    responses((status = 200, body = UnitSyncResult), (status = 400, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
#[post("/hris/org-units:sync")]
async fn sync_org_units(
    ctx: Ctx,
    q: web::Query<DryRunParams>,
    key: IdempotencyKey,
    body: Bulk<UnitSyncBody>,
) -> ApiResult<HttpResponse> {
    let records: Vec<UnitFields> = body.body.records.into_iter().map(Into::into).collect();
    let ctx = &ctx;
    if q.dry_run {
        let o = units_sync::sync_units(ctx, records, true).await?;
        return Ok(HttpResponse::Ok().json(UnitSyncResult::from(o)));
    }
    idempotency::run(ctx, &key, &body.fingerprint, || async move {
        Ok(UnitSyncResult::from(
            units_sync::sync_units(ctx, records, false).await?,
        ))
    })
    .await
}

/// What happened to one org-unit record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitRecordResult {
    pub index: usize,
    pub external_id: Option<String>,
    #[schema(value_type = String, example = "created")]
    pub outcome: RecordOutcome,
    pub org_unit_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<RowError>,
}

/// The answer to an org-unit sync.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitSyncResult {
    /// True when nothing was written.
    pub dry_run: bool,
    #[schema(value_type = Object)]
    pub counts: SyncCounts,
    pub results: Vec<UnitRecordResult>,
}

impl From<UnitSyncOutcome> for UnitSyncResult {
    fn from(o: UnitSyncOutcome) -> Self {
        Self {
            dry_run: o.dry_run,
            counts: o.plan.counts(),
            results: o
                .plan
                .records
                .iter()
                .map(|r| UnitRecordResult {
                    index: r.index,
                    external_id: r.external_id.clone(),
                    outcome: r.decision.outcome(),
                    org_unit_id: r.decision.unit_id().map(|id| id.to_string()),
                    error: match &r.decision {
                        UnitDecision::Reject(why) => {
                            Some(RowError::new(why.code(), why.field(), why.to_string()))
                        }
                        _ => None,
                    },
                })
                .collect(),
        }
    }
}

/// A new reconcile run.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReconcileRunInput {
    /// How the pages' records are read (default `replace`).
    #[serde(default)]
    pub mode: SyncModeParam,
}

/// A multi-request reconcile.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReconcileRunResource {
    pub id: String,
    /// `open` (taking pages), `committed` or `expired`.
    #[schema(example = "open")]
    pub state: String,
    pub mode: SyncModeParam,
    pub actor: String,
    pub opened_at: DateTime<Utc>,
    /// An open run not committed by then expires and changes nothing.
    pub expires_at: DateTime<Utc>,
    pub pages: u32,
    pub records: u64,
    pub committed_at: Option<DateTime<Utc>>,
    /// The sync run the commit recorded.
    pub sync_run_id: Option<String>,
}

impl ReconcileRunResource {
    fn new(r: ReconcileRun, now: DateTime<Utc>) -> Self {
        Self {
            id: r.id.to_string(),
            state: r.state_at(now).code().to_owned(),
            mode: r.mode.into(),
            actor: r.actor,
            opened_at: r.opened_at,
            expires_at: r.expires_at,
            pages: r.pages,
            records: r.records,
            committed_at: r.committed_at,
            sync_run_id: r.sync_run_id.map(|id| id.to_string()),
        }
    }
}

/// Open a reconcile that spans several requests: send its pages (`PUT .../pages/{n}`), then
/// commit. Nothing changes before the commit.
#[utoipa::path(tag = "hris", request_body = ReconcileRunInput, security(("bearer" = [])),
    responses((status = 201, body = ReconcileRunResource), (status = 400, body = Problem), (status = 403, body = Problem)))]
#[post("/hris/reconcile-runs")]
async fn open_reconcile_run(
    ctx: Ctx,
    body: JsonBody<ReconcileRunInput>,
) -> ApiResult<HttpResponse> {
    let run = reconcile::open(&ctx, body.0.mode.into()).await?;
    Ok(HttpResponse::Created().json(ReconcileRunResource::new(run, ctx.now)))
}

#[utoipa::path(tag = "hris", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ReconcileRunResource), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/hris/reconcile-runs/{id}")]
async fn get_reconcile_run(ctx: Ctx, id: web::Path<ReconcileRunId>) -> ApiResult<HttpResponse> {
    let run = reconcile::get(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(ReconcileRunResource::new(run, ctx.now)))
}

/// Send page `page` (1-10,000) of an open run: up to 10,000 records, JSON or CSV as for a sync.
/// Sending a page number again replaces that page, so a retried page counts once. Stored only;
/// applied at the commit.
#[utoipa::path(tag = "hris", params(("id" = String, Path), ("page" = u32, Path, minimum = 1, maximum = 10000)),
    request_body(content = SyncBody, content_type = "application/json"), security(("bearer" = [])),
    responses((status = 200, body = ReconcileRunResource), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem, description = "The run is committed or expired (`conflict`)"), (status = 413, body = Problem), (status = 422, body = Problem)))]
#[put("/hris/reconcile-runs/{id}/pages/{page}")]
async fn put_reconcile_page(
    ctx: Ctx,
    path: web::Path<(ReconcileRunId, u32)>,
    body: Bulk<SyncBody>,
) -> ApiResult<HttpResponse> {
    let (id, page) = path.into_inner();
    let run = reconcile::put_page(&ctx, id, page, body.body.deltas()).await?;
    Ok(HttpResponse::Ok().json(ReconcileRunResource::new(run, ctx.now)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CommitParams {
    /// Allow a reconcile above the configured share of terminations.
    #[serde(default)]
    pub force: bool,
    /// Answer exactly what the commit would do, write nothing, and leave the run open.
    #[serde(default)]
    pub dry_run: bool,
}

/// Apply every page of the run as one full reconcile (`deactivate_missing=true`): the records
/// of all pages upserted as one batch, the active HRIS people in none of them terminated, the
/// deactivation guard checked over the whole run. A refused commit leaves the run open.
#[utoipa::path(tag = "hris", params(("id" = String, Path), CommitParams), security(("bearer" = [])),
    responses((status = 200, body = SyncResult), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem, description = "The run is committed or expired (`conflict`)"), (status = 422, body = Problem)))]
#[post("/hris/reconcile-runs/{id}:commit")]
async fn commit_reconcile_run(
    ctx: Ctx,
    id: web::Path<ReconcileRunId>,
    q: web::Query<CommitParams>,
) -> ApiResult<HttpResponse> {
    let o = reconcile::commit(&ctx, id.into_inner(), q.force, q.dry_run).await?;
    Ok(HttpResponse::Ok().json(SyncResult::from(o)))
}

/// What happened to one record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordResult {
    pub index: usize,
    pub external_id: Option<String>,
    #[schema(value_type = String, example = "created")]
    pub outcome: RecordOutcome,
    pub employee_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<RowError>,
}

/// The answer to a sync.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SyncResult {
    /// The recorded run (`GET /api/v1/hris/sync-runs/{id}`); null in a dry run.
    pub run_id: Option<String>,
    /// True when nothing was written.
    pub dry_run: bool,
    #[schema(value_type = Object)]
    pub counts: SyncCounts,
    pub results: Vec<RecordResult>,
    /// The people a reconcile terminates (not in the batch).
    pub deactivated_ids: Vec<String>,
}

impl From<&PlannedRecord> for RecordResult {
    fn from(r: &PlannedRecord) -> Self {
        Self {
            index: r.index,
            external_id: r.external_id.clone(),
            outcome: r.decision.outcome(),
            employee_id: r.decision.employee_id().map(|id| id.to_string()),
            error: match &r.decision {
                Decision::Reject(why) => {
                    Some(RowError::new(why.code(), why.field(), why.to_string()))
                }
                _ => None,
            },
        }
    }
}

impl From<SyncOutcome> for SyncResult {
    fn from(o: SyncOutcome) -> Self {
        Self {
            run_id: o.run_id.map(|id| id.to_string()),
            dry_run: o.dry_run,
            counts: o.plan.counts(),
            results: o.plan.records.iter().map(RecordResult::from).collect(),
            deactivated_ids: o.plan.terminate.iter().map(ToString::to_string).collect(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SyncRunResource {
    pub id: String,
    pub actor: String,
    pub request_id: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub deactivate_missing: bool,
    #[schema(value_type = Object)]
    pub counts: SyncCounts,
    #[schema(value_type = Vec<Object>)]
    pub errors: Vec<RecordError>,
}

impl From<SyncRun> for SyncRunResource {
    fn from(r: SyncRun) -> Self {
        Self {
            id: r.id.to_string(),
            actor: r.actor,
            request_id: r.request_id,
            started_at: r.started_at,
            finished_at: r.finished_at,
            deactivate_missing: r.deactivate_missing,
            counts: r.counts,
            errors: r.errors,
        }
    }
}

/// HRIS sync runs, newest first.
#[utoipa::path(tag = "hris", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<SyncRunResource>), (status = 403, body = Problem)))]
#[get("/hris/sync-runs")]
async fn list_sync_runs(ctx: Ctx, q: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let page = hris::list_runs(&ctx, q.after.as_deref(), q.first).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, SyncRunResource::from)))
}

#[utoipa::path(tag = "hris", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = SyncRunResource), (status = 404, body = Problem)))]
#[get("/hris/sync-runs/{id}")]
async fn get_sync_run(ctx: Ctx, id: web::Path<SyncRunId>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(SyncRunResource::from(
        hris::get_run(&ctx, id.into_inner()).await?,
    )))
}
