use super::{etag, IfMatch, PageOf, PageParams};
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult, Problem};
use crate::services::learning_time::{
    self as svc, EntryCommand, EntryRange, Summary, SummaryQuery, SummaryScope, TotalsView,
};
use crate::services::Ctx;
use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use learnwell_domain::ids::{EmployeeId, OrgUnitId, PolicyId, TimeEntryId};
use learnwell_domain::learning_time::{
    parse_day, EntryFields, GrantKind, PolicyFields, PolicyScope, SlotFields, TimeEntry,
    VersionedPolicy,
};
use learnwell_domain::org::JobLevel;
use learnwell_domain::privacy::{Cell, SuppressionReason};
use learnwell_domain::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_learning_time_policies)
        .service(create_learning_time_policy)
        .service(end_learning_time_policy)
        .service(get_learning_time_summary)
        .service(list_time_entries)
        .service(log_time)
        .service(approve_time_entry)
        .service(reject_time_entry)
        .service(get_time_entry)
        .service(edit_time_entry);
}

// ---- request bodies and queries ----

/// A new learning-time policy. Give exactly one of `share_percent` and `fixed_hours_per_period`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    pub name: Option<String>,
    /// `organisation` (default), `org_unit` or `job_level`.
    pub scope: Option<String>,
    pub org_unit_id: Option<String>,
    pub job_level: Option<i64>,
    /// e.g. 10 for a day a fortnight.
    pub share_percent: Option<f64>,
    pub fixed_hours_per_period: Option<f64>,
    /// `week`, `month` (default) or `quarter`.
    pub period: Option<String>,
    pub carry_over_cap_hours: Option<f64>,
    /// A shared protected slot, e.g. `{"weekday": "thu", "start": "13:00", "end": "17:00"}`.
    pub protected_slot: Option<SlotInput>,
    /// Entries longer than this need the manager's approval.
    pub approval_threshold_minutes: Option<i64>,
    /// The full-time week fixed grants are meant for (default 40).
    pub full_time_hours: Option<f64>,
    /// YYYY-MM-DD
    pub effective_from: Option<String>,
    pub effective_to: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotInput {
    /// mon, tue, wed, thu, fri, sat or sun.
    pub weekday: String,
    /// HH:MM
    pub start: String,
    pub end: String,
}

impl From<PolicyInput> for PolicyFields {
    fn from(i: PolicyInput) -> Self {
        Self {
            name: i.name,
            scope: i.scope,
            org_unit_id: i.org_unit_id,
            job_level: i.job_level,
            share_percent: i.share_percent,
            fixed_hours_per_period: i.fixed_hours_per_period,
            period: i.period,
            carry_over_cap_hours: i.carry_over_cap_hours,
            protected_slot: i.protected_slot.map(|s| SlotFields {
                weekday: s.weekday,
                start: s.start,
                end: s.end,
            }),
            approval_threshold_minutes: i.approval_threshold_minutes,
            full_time_hours: i.full_time_hours,
            effective_from: i.effective_from,
            effective_to: i.effective_to,
        }
    }
}

/// Ending a policy is the one change allowed: it applies from its date and never rewrites the
/// periods before it. Start a new policy for what follows.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyEnd {
    /// YYYY-MM-DD, the last day the policy applies; not before today.
    pub effective_to: String,
}

/// Learning time to log (for yourself without `employee_id`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    #[schema(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    /// YYYY-MM-DD
    pub date: Option<String>,
    pub minutes: Option<i64>,
    /// In working time (default true) or outside it.
    pub in_work_time: Option<bool>,
    /// `assigned`, `role_related`, `exploratory` (needs no justification), `mentoring`, `coaching`,
    /// `advising` (sessions with a performance advisor).
    pub category: Option<String>,
    pub course_id: Option<String>,
    /// Exploratory learning can be linked to a skill later.
    pub skill_id: Option<String>,
    /// The learning record this time was spent on: one of the person's own.
    pub learning_record_id: Option<String>,
    pub note: Option<String>,
}

/// A person's entries in a date range.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EntryFilter {
    /// Default: yourself.
    #[param(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    /// YYYY-MM-DD (default: 90 days ago)
    pub from: Option<String>,
    /// YYYY-MM-DD (default: today)
    pub to: Option<String>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

/// Whose learning time: one of `employee_id`, `manager_id` (the whole team), `org_unit_id`
/// (with sub-units), `job_level_min`/`job_level_max`; none = the organisation.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryParams {
    /// `2026-Q1`, `2026-03` or `2026-W10`.
    pub period: String,
    #[param(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    #[param(value_type = Option<String>)]
    pub manager_id: Option<EmployeeId>,
    #[param(value_type = Option<String>)]
    pub org_unit_id: Option<OrgUnitId>,
    /// With `org_unit_id`: include every unit below it (default true); false: the unit's own
    /// members only.
    pub include_descendants: Option<bool>,
    pub job_level_min: Option<i64>,
    pub job_level_max: Option<i64>,
    /// Also list each person's figures (default false): only to those allowed to see every
    /// person in scope; others always get the aggregate alone.
    pub include_people: Option<bool>,
}

impl From<EntryInput> for EntryCommand {
    fn from(i: EntryInput) -> Self {
        Self {
            employee_id: i.employee_id,
            fields: EntryFields {
                date: i.date,
                minutes: i.minutes,
                in_work_time: i.in_work_time,
                category: i.category,
                course_id: i.course_id,
                skill_id: i.skill_id,
                learning_record_id: i.learning_record_id,
                note: i.note,
            },
        }
    }
}

impl EntryFilter {
    /// The service's query: dates parsed (a bad one is `invalid_query`).
    fn into_range(self) -> ApiResult<EntryRange> {
        let day = |field: &str, v: Option<String>| {
            v.map(|d| parse_day(field, &d))
                .transpose()
                .map_err(ApiError::InvalidQuery)
        };
        Ok(EntryRange {
            employee_id: self.employee_id,
            from: day("from", self.from)?,
            to: day("to", self.to)?,
            first: self.first,
            after: self.after,
        })
    }
}

impl SummaryParams {
    /// The service's query: the period, the level band and the one scope parsed.
    fn into_query(self) -> ApiResult<SummaryQuery> {
        let (period, kind) = SummaryQuery::period(&self.period)?;
        let levels = match (self.job_level_min, self.job_level_max) {
            (None, None) => None,
            (a, b) => Some((
                JobLevel::new(a.unwrap_or(1)).map_err(ApiError::InvalidQuery)?,
                JobLevel::new(b.unwrap_or(8)).map_err(ApiError::InvalidQuery)?,
            )),
        };
        let scope = match (self.employee_id, self.manager_id, self.org_unit_id) {
            (Some(e), None, None) => SummaryScope::Person(e),
            (None, Some(m), None) => SummaryScope::Team(m),
            (None, None, root) => SummaryScope::Units {
                root,
                include_descendants: self.include_descendants.unwrap_or(true),
                levels,
            },
            _ => {
                return Err(ApiError::InvalidQuery(FieldError::new(
                    "employee_id",
                    "give at most one of employee_id, manager_id and org_unit_id",
                )))
            }
        };
        Ok(SummaryQuery {
            period,
            kind,
            scope,
            include_people: self.include_people.unwrap_or(false),
        })
    }
}

// ---- responses ----

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PolicyResource {
    pub id: String,
    pub name: String,
    /// `organisation`, `org_unit` or `job_level`.
    pub scope: String,
    pub org_unit_id: Option<String>,
    pub job_level: Option<u8>,
    pub share_percent: Option<f64>,
    pub fixed_hours_per_period: Option<f64>,
    pub period: String,
    pub carry_over_cap_hours: f64,
    pub protected_slot: Option<SlotInput>,
    pub approval_threshold_minutes: Option<u32>,
    pub full_time_hours: f64,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&VersionedPolicy> for PolicyResource {
    fn from(s: &VersionedPolicy) -> Self {
        let p = &s.policy;
        let (scope, org_unit_id, job_level) = match p.scope {
            PolicyScope::Organisation => ("organisation", None, None),
            PolicyScope::OrgUnit(u) => ("org_unit", Some(u.to_string()), None),
            PolicyScope::JobLevel(l) => ("job_level", None, Some(l.get())),
        };
        let (share, fixed) = match p.grant.kind() {
            GrantKind::ShareOfContracted { basis_points } => {
                (Some(f64::from(basis_points) / 100.0), None)
            }
            GrantKind::FixedMinutes { minutes_per_period } => {
                (None, Some(f64::from(minutes_per_period) / 60.0))
            }
        };
        Self {
            id: p.id.to_string(),
            name: p.name.to_string(),
            scope: scope.to_owned(),
            org_unit_id,
            job_level,
            share_percent: share,
            fixed_hours_per_period: fixed,
            period: p.period.to_string(),
            carry_over_cap_hours: f64::from(p.carry_over_cap_minutes) / 60.0,
            protected_slot: p.protected_slot.as_ref().map(|s| SlotInput {
                weekday: s.weekday().to_string().to_lowercase(),
                start: s.start().format("%H:%M").to_string(),
                end: s.end().format("%H:%M").to_string(),
            }),
            approval_threshold_minutes: p.approval_threshold_minutes,
            full_time_hours: p.full_time_hours.hours(),
            effective_from: p.effective_from,
            effective_to: p.effective_to,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

fn policy(p: &VersionedPolicy, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(actix_web::http::header::ETag(etag(p.version)))
        .json(PolicyResource::from(p))
}

/// The learning-time policies, past and present, a page at a time in creation order.
#[utoipa::path(tag = "learning-time", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<PolicyResource>), (status = 403, body = Problem)))]
#[get("/learning-time/policies")]
async fn list_learning_time_policies(
    ctx: Ctx,
    q: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = svc::list_policies(&ctx, q.first, q.after.as_deref()).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |p| PolicyResource::from(&p))))
}

/// Start a policy (ld_admin). The most specific policy wins: org unit (nearest), then job level,
/// then organisation-wide.
#[utoipa::path(tag = "learning-time", request_body = PolicyInput, security(("bearer" = [])),
    responses((status = 201, body = PolicyResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/learning-time/policies")]
async fn create_learning_time_policy(
    ctx: Ctx,
    body: JsonBody<PolicyInput>,
) -> ApiResult<HttpResponse> {
    let p = svc::create_policy(&ctx, body.0.into()).await?;
    Ok(policy(&p, StatusCode::CREATED))
}

/// End a policy on a date (ld_admin): the one change a policy takes, so past periods keep their
/// allocation. Send `If-Match`.
#[utoipa::path(tag = "learning-time", params(("id" = String, Path), ("If-Match" = String, Header)), request_body = PolicyEnd, security(("bearer" = [])),
    responses((status = 200, body = PolicyResource), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[patch("/learning-time/policies/{id}")]
async fn end_learning_time_policy(
    ctx: Ctx,
    if_match: IfMatch,
    id: web::Path<PolicyId>,
    body: JsonBody<PolicyEnd>,
) -> ApiResult<HttpResponse> {
    let to = parse_day("effective_to", &body.0.effective_to)?;
    let p = svc::end_policy(&ctx, id.into_inner(), if_match.0, to).await?;
    Ok(policy(&p, StatusCode::OK))
}

/// Why figures are withheld: the group has fewer than `privacy.min_group_size` people
/// (`below_minimum`), or its figures would let such a group be recomputed from other answers
/// (`complementary`).
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReasonResource {
    BelowMinimum,
    Complementary,
}

impl From<SuppressionReason> for SuppressionReasonResource {
    fn from(r: SuppressionReason) -> Self {
        match r {
            SuppressionReason::BelowMinimum => Self::BelowMinimum,
            SuppressionReason::Complementary => Self::Complementary,
        }
    }
}

/// Learning-time totals. When `suppressed` is true every figure is null and
/// `suppression_reason` says why (see "Aggregates and privacy" in `docs/API-DESIGN.md`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TotalsResource {
    pub suppressed: bool,
    pub suppression_reason: Option<SuppressionReasonResource>,
    pub people: Option<u32>,
    pub allocated_minutes: Option<u64>,
    pub carried_in_minutes: Option<u64>,
    pub used_in_work_minutes: Option<u64>,
    /// Learning outside working time ("on top").
    pub used_outside_work_minutes: Option<u64>,
    pub remaining_minutes: Option<u64>,
    /// Used in work time / (allocated + carried in).
    pub utilisation: Option<f64>,
    pub on_top_share: Option<f64>,
    pub exploratory_share: Option<f64>,
    pub by_category_minutes: Option<BTreeMap<String, u64>>,
}

impl From<&Cell<TotalsView>> for TotalsResource {
    fn from(cell: &Cell<TotalsView>) -> Self {
        let t = cell.value();
        let reason = match cell {
            Cell::Value(_) => None,
            Cell::Suppressed(r) => Some(SuppressionReasonResource::from(*r)),
        };
        Self {
            suppressed: reason.is_some(),
            suppression_reason: reason,
            people: t.map(|t| t.people),
            allocated_minutes: t.map(|t| t.allocated_minutes),
            carried_in_minutes: t.map(|t| t.carried_in_minutes),
            used_in_work_minutes: t.map(|t| t.used_in_work_minutes),
            used_outside_work_minutes: t.map(|t| t.used_outside_work_minutes),
            remaining_minutes: t.map(|t| t.remaining_minutes),
            utilisation: t.and_then(|t| t.utilisation),
            on_top_share: t.and_then(|t| t.on_top_share),
            exploratory_share: t.and_then(|t| t.exploratory_share),
            by_category_minutes: t.map(|t| {
                t.by_category_minutes
                    .iter()
                    .map(|(c, m)| (c.to_string(), *m))
                    .collect()
            }),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonTotals {
    pub employee_id: String,
    #[serde(flatten)]
    pub totals: TotalsResource,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SummaryResource {
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub totals: TotalsResource,
    /// Person by person, only for callers who may see each of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub people: Option<Vec<PersonTotals>>,
}

impl From<Summary> for SummaryResource {
    fn from(s: Summary) -> Self {
        Self {
            period_start: s.period.start(),
            period_end: s.period.end(),
            totals: TotalsResource::from(&s.totals),
            people: s.people.map(|people| {
                people
                    .iter()
                    .map(|(id, t)| PersonTotals {
                        employee_id: id.to_string(),
                        totals: TotalsResource::from(&Cell::Value(t.clone())),
                    })
                    .collect()
            }),
        }
    }
}

/// Learning time of a person, a manager's team, an org unit, a job-level band or the
/// organisation, for a week, month or quarter.
#[utoipa::path(tag = "learning-time", params(SummaryParams), security(("bearer" = [])),
    responses((status = 200, body = SummaryResource), (status = 400, body = Problem), (status = 403, body = Problem)))]
#[get("/learning-time/summary")]
async fn get_learning_time_summary(
    ctx: Ctx,
    q: web::Query<SummaryParams>,
) -> ApiResult<HttpResponse> {
    let s = svc::summary(&ctx, q.into_inner().into_query()?).await?;
    Ok(HttpResponse::Ok().json(SummaryResource::from(s)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TimeEntryResource {
    pub id: String,
    pub employee_id: String,
    pub date: NaiveDate,
    pub minutes: u32,
    pub in_work_time: bool,
    pub category: String,
    pub course_id: Option<String>,
    pub skill_id: Option<String>,
    /// The learning record this time was spent on (time recorded from xAPI statements).
    pub learning_record_id: Option<String>,
    pub note: Option<String>,
    /// `not_required`, `pending`, `approved` or `rejected`.
    pub approval: String,
    pub decided_by: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&TimeEntry> for TimeEntryResource {
    fn from(e: &TimeEntry) -> Self {
        Self {
            id: e.id.to_string(),
            employee_id: e.employee_id.to_string(),
            date: e.date,
            minutes: e.minutes.get(),
            in_work_time: e.in_work_time,
            category: e.category.to_string(),
            course_id: e.course_id.map(|c| c.to_string()),
            skill_id: e.skill_id.map(|s| s.to_string()),
            learning_record_id: e.learning_record_id.map(|x| x.to_string()),
            note: e.note.as_ref().map(ToString::to_string),
            approval: e.approval.to_string(),
            decided_by: e.decided_by.clone(),
            version: e.version,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

fn entry(e: &TimeEntry, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(actix_web::http::header::ETag(etag(e.version)))
        .json(TimeEntryResource::from(e))
}

/// A person's time entries in a date range.
#[utoipa::path(tag = "learning-time", params(EntryFilter), security(("bearer" = [])),
    responses((status = 200, body = PageOf<TimeEntryResource>), (status = 403, body = Problem)))]
#[get("/time-entries")]
async fn list_time_entries(ctx: Ctx, q: web::Query<EntryFilter>) -> ApiResult<HttpResponse> {
    let page = svc::list_entries(&ctx, q.into_inner().into_range()?).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |e| TimeEntryResource::from(&e))))
}

/// Log learning time (yours, or a report's as their manager, or anyone's as ld_admin).
#[utoipa::path(tag = "learning-time", request_body = EntryInput, security(("bearer" = [])),
    responses((status = 201, body = TimeEntryResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/time-entries")]
async fn log_time(ctx: Ctx, body: JsonBody<EntryInput>) -> ApiResult<HttpResponse> {
    let e = svc::log_time(&ctx, body.0.into()).await?;
    Ok(entry(&e, StatusCode::CREATED))
}

/// One time entry (404 when it is not yours to see).
#[utoipa::path(tag = "learning-time", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = TimeEntryResource), (status = 404, body = Problem)))]
#[get("/time-entries/{id}")]
async fn get_time_entry(ctx: Ctx, id: web::Path<TimeEntryId>) -> ApiResult<HttpResponse> {
    let e = svc::get_entry(&ctx, id.into_inner()).await?;
    Ok(entry(&e, StatusCode::OK))
}

/// Change an entry; an edited entry that needs approval goes back to `pending`. Send `If-Match`.
#[utoipa::path(tag = "learning-time", params(("id" = String, Path), ("If-Match" = String, Header)), request_body = EntryInput, security(("bearer" = [])),
    responses((status = 200, body = TimeEntryResource), (status = 412, body = Problem), (status = 422, body = Problem)))]
#[patch("/time-entries/{id}")]
async fn edit_time_entry(
    ctx: Ctx,
    if_match: IfMatch,
    id: web::Path<TimeEntryId>,
    body: JsonBody<EntryInput>,
) -> ApiResult<HttpResponse> {
    let e = svc::edit_entry(&ctx, id.into_inner(), if_match.0, body.0.into()).await?;
    Ok(entry(&e, StatusCode::OK))
}

/// Approve a pending entry (the person's manager; never the person).
#[utoipa::path(tag = "learning-time", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = TimeEntryResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/time-entries/{id}:approve")]
async fn approve_time_entry(ctx: Ctx, id: web::Path<TimeEntryId>) -> ApiResult<HttpResponse> {
    let e = svc::decide(&ctx, id.into_inner(), true).await?;
    Ok(entry(&e, StatusCode::OK))
}

/// Reject a pending entry (the person's manager; never the person).
#[utoipa::path(tag = "learning-time", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = TimeEntryResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/time-entries/{id}:reject")]
async fn reject_time_entry(ctx: Ctx, id: web::Path<TimeEntryId>) -> ApiResult<HttpResponse> {
    let e = svc::decide(&ctx, id.into_inner(), false).await?;
    Ok(entry(&e, StatusCode::OK))
}
