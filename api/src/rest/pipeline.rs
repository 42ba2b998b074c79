//! The leadership pipeline over REST (`docs/PIPELINE.md`): programmes, cohorts, memberships
//! and their transitions, the motivation reflection, readiness and 9-box reviews, positions,
//! slates and placements; the bottleneck report and the projection in `report`.

use super::{PageOf, PageParams};
use crate::body::JsonBody;
use crate::error::{ApiResult, Problem};
use crate::services::pipeline::{
    self as svc, Nomination, PlacementCommand, ReflectionView, SlateEntry,
};
use crate::services::Ctx;
use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use learnwell_domain::ids::{
    CohortId, EmployeeId, MembershipId, OrgUnitId, PositionId, ProgrammeId,
};
use learnwell_domain::pipeline::{
    Cohort, CohortFields, Incumbency, Membership, Placement, Position, PositionFields, Programme,
    ProgrammeFields, ReadinessAssessment, ReadinessFields, SlateFields, TalentReview,
    TalentReviewFields,
};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub mod report;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.configure(report::routes);
    cfg.service(list_programmes)
        .service(create_programme)
        .service(get_programme)
        .service(list_cohorts)
        .service(create_cohort)
        .service(get_cohort)
        .service(nominate_for_cohort)
        .service(list_cohort_memberships)
        .service(list_memberships)
        .service(get_membership)
        .service(admit_membership)
        .service(start_membership)
        .service(graduate_membership)
        .service(withdraw_membership)
        .service(mark_membership_alumni)
        .service(write_membership_reflection)
        .service(get_membership_reflection)
        .service(mark_membership_reflection_discussed)
        .service(record_readiness_assessment)
        .service(list_readiness_assessments)
        .service(record_talent_review)
        .service(list_talent_reviews)
        .service(create_position)
        .service(list_positions)
        .service(get_position)
        .service(list_position_history)
        .service(set_slate)
        .service(get_slate)
        .service(place_graduate)
        .service(list_placements);
}

fn list<T: Serialize>(items: impl IntoIterator<Item = T>) -> HttpResponse {
    HttpResponse::Ok().json(items.into_iter().collect::<Vec<_>>())
}

// ---- programmes and cohorts ----

/// A leadership programme.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeInput {
    pub name: Option<String>,
    pub description: Option<String>,
    /// The programme lead (an employee): admits members and reads their reflections.
    pub lead_id: Option<String>,
    /// The leadership job levels it prepares for, 1..8.
    pub target_level_min: Option<i64>,
    pub target_level_max: Option<i64>,
}

impl From<ProgrammeInput> for ProgrammeFields {
    fn from(i: ProgrammeInput) -> Self {
        Self {
            name: i.name,
            description: i.description,
            lead_id: i.lead_id,
            target_level_min: i.target_level_min,
            target_level_max: i.target_level_max,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProgrammeResource {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub lead_id: String,
    pub target_level_min: u8,
    pub target_level_max: u8,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

impl From<&Programme> for ProgrammeResource {
    fn from(p: &Programme) -> Self {
        Self {
            id: p.id.to_string(),
            name: p.name.to_string(),
            description: p.description.as_ref().map(ToString::to_string),
            lead_id: p.lead_id.to_string(),
            target_level_min: p.target_levels.0.get(),
            target_level_max: p.target_levels.1.get(),
            version: p.version,
            created_at: p.created_at,
        }
    }
}

/// The programmes, a page at a time by name (any person).
#[utoipa::path(tag = "pipeline", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<ProgrammeResource>), (status = 403, body = Problem)))]
#[get("/pipeline/programmes")]
async fn list_programmes(ctx: Ctx, q: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let page = svc::list_programmes(&ctx, q.first, q.after.as_deref()).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |p| ProgrammeResource::from(&p))))
}

/// Create a programme (ld_admin).
#[utoipa::path(tag = "pipeline", request_body = ProgrammeInput, security(("bearer" = [])),
    responses((status = 201, body = ProgrammeResource), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/pipeline/programmes")]
async fn create_programme(ctx: Ctx, body: JsonBody<ProgrammeInput>) -> ApiResult<HttpResponse> {
    let p = svc::create_programme(&ctx, body.0.into()).await?;
    Ok(HttpResponse::Created().json(ProgrammeResource::from(&p)))
}

#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ProgrammeResource), (status = 404, body = Problem)))]
#[get("/pipeline/programmes/{id}")]
async fn get_programme(ctx: Ctx, id: web::Path<ProgrammeId>) -> ApiResult<HttpResponse> {
    let p = svc::get_programme(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(ProgrammeResource::from(&p)))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CohortInput {
    pub name: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// Seats: admitted, active and graduated members, 1..500.
    pub capacity: Option<i64>,
}

impl From<CohortInput> for CohortFields {
    fn from(i: CohortInput) -> Self {
        Self {
            name: i.name,
            starts_on: i.starts_on,
            ends_on: i.ends_on,
            capacity: i.capacity,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CohortResource {
    pub id: String,
    pub programme_id: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// `upcoming`, `running` or `finished` (from the dates).
    pub state: String,
    pub capacity: u32,
    pub seats_taken: u32,
    pub version: i64,
}

impl CohortResource {
    pub fn new(c: &Cohort, today: NaiveDate) -> Self {
        Self {
            id: c.id.to_string(),
            programme_id: c.programme_id.to_string(),
            name: c.name.to_string(),
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            state: c.state(today).to_string(),
            capacity: c.capacity,
            seats_taken: c.seats_taken,
            version: c.version,
        }
    }
}

/// A programme's cohorts, a page at a time by start date (any person).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path), PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<CohortResource>)))]
#[get("/pipeline/programmes/{id}/cohorts")]
async fn list_cohorts(
    ctx: Ctx,
    id: web::Path<ProgrammeId>,
    q: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = svc::list_cohorts(&ctx, id.into_inner(), q.first, q.after.as_deref()).await?;
    let today = ctx.now.date_naive();
    Ok(HttpResponse::Ok().json(PageOf::map(page, |c| CohortResource::new(&c, today))))
}

/// Create a cohort of a programme (ld_admin).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), request_body = CohortInput, security(("bearer" = [])),
    responses((status = 201, body = CohortResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/pipeline/programmes/{id}/cohorts")]
async fn create_cohort(
    ctx: Ctx,
    id: web::Path<ProgrammeId>,
    body: JsonBody<CohortInput>,
) -> ApiResult<HttpResponse> {
    let c = svc::create_cohort(&ctx, id.into_inner(), body.0.into()).await?;
    Ok(HttpResponse::Created().json(CohortResource::new(&c, ctx.now.date_naive())))
}

#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CohortResource), (status = 404, body = Problem)))]
#[get("/pipeline/cohorts/{id}")]
async fn get_cohort(ctx: Ctx, id: web::Path<CohortId>) -> ApiResult<HttpResponse> {
    let c = svc::get_cohort(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(CohortResource::new(&c, ctx.now.date_naive())))
}

// ---- memberships ----

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominationInput {
    /// Whom to nominate: one of your reports, or (default) yourself.
    #[schema(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
}

/// A membership of a cohort. Its reflection is read apart (the member and the lead only).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MembershipResource {
    pub id: String,
    pub cohort_id: String,
    pub programme_id: String,
    pub employee_id: String,
    /// `nominated`, `admitted`, `active`, `graduated` or `withdrawn`.
    pub state: String,
    pub self_nominated: bool,
    pub admitted_on: Option<NaiveDate>,
    pub graduated_on: Option<NaiveDate>,
    pub withdrawn_on: Option<NaiveDate>,
    /// A graduate's outcome: `placed`, `role_grown`, `alumni` or `lost`; null while waiting.
    pub outcome: Option<String>,
    pub outcome_on: Option<NaiveDate>,
    pub ambassador: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

impl From<&Membership> for MembershipResource {
    fn from(m: &Membership) -> Self {
        Self {
            id: m.id.to_string(),
            cohort_id: m.cohort_id.to_string(),
            programme_id: m.programme_id.to_string(),
            employee_id: m.employee_id.to_string(),
            state: m.state.to_string(),
            self_nominated: m.self_nominated,
            admitted_on: m.admitted_on,
            graduated_on: m.graduated_on,
            withdrawn_on: m.withdrawn_on,
            outcome: m.outcome.map(|o| o.to_string()),
            outcome_on: m.outcome_on,
            ambassador: m.ambassador,
            version: m.version,
            created_at: m.created_at,
        }
    }
}

fn membership(m: &Membership) -> HttpResponse {
    HttpResponse::Ok().json(MembershipResource::from(m))
}

/// Nominate yourself or one of your reports into a cohort (one open membership per programme:
/// `duplicate`).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), request_body = NominationInput, security(("bearer" = [])),
    responses((status = 201, body = MembershipResource), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/pipeline/cohorts/{id}/memberships")]
async fn nominate_for_cohort(
    ctx: Ctx,
    id: web::Path<CohortId>,
    body: JsonBody<NominationInput>,
) -> ApiResult<HttpResponse> {
    let n = Nomination {
        cohort_id: id.into_inner(),
        employee_id: body.0.employee_id,
    };
    let m = svc::nominate(&ctx, n).await?;
    Ok(HttpResponse::Created().json(MembershipResource::from(&m)))
}

/// A cohort's memberships (the programme lead, hr_admin, ld_admin).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path), PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<MembershipResource>), (status = 403, body = Problem)))]
#[get("/pipeline/cohorts/{id}/memberships")]
async fn list_cohort_memberships(
    ctx: Ctx,
    id: web::Path<CohortId>,
    q: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = svc::list_memberships(&ctx, id.into_inner(), q.first, q.after).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |m| MembershipResource::from(&m))))
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PersonParams {
    /// Default: yourself.
    #[param(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    /// Page size, 1-200 (default 50).
    pub first: Option<u64>,
    /// Cursor from `next_cursor` of the previous page.
    pub after: Option<String>,
}

/// A person's memberships, a page at a time, oldest first (themselves, their managers,
/// hr_admin, ld_admin).
#[utoipa::path(tag = "pipeline", params(PersonParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<MembershipResource>), (status = 403, body = Problem)))]
#[get("/pipeline/memberships")]
async fn list_memberships(ctx: Ctx, q: web::Query<PersonParams>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = svc::my_memberships(&ctx, q.employee_id, q.first, q.after.as_deref()).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |m| MembershipResource::from(&m))))
}

/// One membership (404 unless you are its member, their manager, the lead or an admin).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MembershipResource), (status = 404, body = Problem)))]
#[get("/pipeline/memberships/{id}")]
async fn get_membership(ctx: Ctx, id: web::Path<MembershipId>) -> ApiResult<HttpResponse> {
    Ok(membership(
        &svc::get_membership(&ctx, id.into_inner()).await?,
    ))
}

/// Admit a nominee (the programme lead): takes a seat (`capacity_reached` when none is free).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MembershipResource), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/pipeline/memberships/{id}:admit")]
async fn admit_membership(ctx: Ctx, id: web::Path<MembershipId>) -> ApiResult<HttpResponse> {
    Ok(membership(&svc::admit(&ctx, id.into_inner()).await?))
}

/// The programme starts for an admitted member (the lead, ld_admin).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MembershipResource), (status = 403, body = Problem), (status = 409, body = Problem)))]
#[post("/pipeline/memberships/{id}:start")]
async fn start_membership(ctx: Ctx, id: web::Path<MembershipId>) -> ApiResult<HttpResponse> {
    Ok(membership(&svc::start(&ctx, id.into_inner()).await?))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DateInput {
    /// Default: today; never in the future.
    pub on: Option<NaiveDate>,
}

/// An active member graduates (the lead, ld_admin).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), request_body = DateInput, security(("bearer" = [])),
    responses((status = 200, body = MembershipResource), (status = 403, body = Problem), (status = 409, body = Problem)))]
#[post("/pipeline/memberships/{id}:graduate")]
async fn graduate_membership(
    ctx: Ctx,
    id: web::Path<MembershipId>,
    body: JsonBody<DateInput>,
) -> ApiResult<HttpResponse> {
    Ok(membership(
        &svc::graduate(&ctx, id.into_inner(), body.0.on).await?,
    ))
}

/// Withdraw before graduating (the member, the lead, ld_admin); frees the seat.
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MembershipResource), (status = 403, body = Problem), (status = 409, body = Problem)))]
#[post("/pipeline/memberships/{id}:withdraw")]
async fn withdraw_membership(ctx: Ctx, id: web::Path<MembershipId>) -> ApiResult<HttpResponse> {
    Ok(membership(&svc::withdraw(&ctx, id.into_inner()).await?))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlumniInput {
    /// Acts as an ambassador of the programme.
    pub ambassador: Option<bool>,
    /// Default: today.
    pub on: Option<NaiveDate>,
}

/// A waiting graduate moves on with the organisation's help (hr_admin): `alumni`.
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), request_body = AlumniInput, security(("bearer" = [])),
    responses((status = 200, body = MembershipResource), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/pipeline/memberships/{id}:alumni")]
async fn mark_membership_alumni(
    ctx: Ctx,
    id: web::Path<MembershipId>,
    body: JsonBody<AlumniInput>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let m = svc::alumni(&ctx, id.into_inner(), b.ambassador.unwrap_or(false), b.on).await?;
    Ok(membership(&m))
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReflectionInput {
    /// "Why do you want to lead?": 1-10,000 characters; never scored.
    pub text: String,
}

/// The motivation reflection (the member and the programme lead only).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReflectionResource {
    pub membership_id: String,
    pub text: String,
    /// When the lead discussed it with the member.
    pub discussed_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

impl From<&ReflectionView> for ReflectionResource {
    fn from(r: &ReflectionView) -> Self {
        Self {
            membership_id: r.membership_id.to_string(),
            text: r.text.as_str().to_owned(),
            discussed_on: r.discussed_on,
            updated_at: r.updated_at,
        }
    }
}

/// Write your reflection while your membership is open (the member only).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), request_body = ReflectionInput, security(("bearer" = [])),
    responses((status = 200, body = ReflectionResource), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[put("/pipeline/memberships/{id}/reflection")]
async fn write_membership_reflection(
    ctx: Ctx,
    id: web::Path<MembershipId>,
    body: JsonBody<ReflectionInput>,
) -> ApiResult<HttpResponse> {
    let r = svc::write_reflection(&ctx, id.into_inner(), &body.0.text).await?;
    Ok(HttpResponse::Ok().json(ReflectionResource::from(&r)))
}

/// Read a reflection (the member and the programme lead only; every read is audited).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ReflectionResource), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[get("/pipeline/memberships/{id}/reflection")]
async fn get_membership_reflection(
    ctx: Ctx,
    id: web::Path<MembershipId>,
) -> ApiResult<HttpResponse> {
    let r = svc::read_reflection(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(ReflectionResource::from(&r)))
}

/// The lead records having discussed the reflection with the member.
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[post("/pipeline/memberships/{id}/reflection:discussed")]
async fn mark_membership_reflection_discussed(
    ctx: Ctx,
    id: web::Path<MembershipId>,
) -> ApiResult<HttpResponse> {
    svc::discuss_reflection(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---- readiness and talent reviews ----

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadinessInput {
    /// `ready_now`, `ready_1_2_years`, `ready_3_5_years` or `ready_5_plus_years`.
    pub readiness: Option<String>,
    /// Default: you (only hr_admin and ld_admin may name another assessor).
    pub assessor_id: Option<String>,
    pub assessed_on: Option<NaiveDate>,
    pub rationale: Option<String>,
}

impl From<ReadinessInput> for ReadinessFields {
    fn from(i: ReadinessInput) -> Self {
        Self {
            readiness: i.readiness,
            assessor_id: i.assessor_id,
            assessed_on: i.assessed_on,
            rationale: i.rationale,
        }
    }
}

/// A readiness assessment (hr_admin, ld_admin and its assessor only).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReadinessResource {
    pub id: String,
    pub employee_id: String,
    pub readiness: String,
    pub assessor_id: String,
    pub assessed_on: NaiveDate,
    pub rationale: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&ReadinessAssessment> for ReadinessResource {
    fn from(a: &ReadinessAssessment) -> Self {
        Self {
            id: a.id.to_string(),
            employee_id: a.employee_id.to_string(),
            readiness: a.readiness.to_string(),
            assessor_id: a.assessor_id.to_string(),
            assessed_on: a.assessed_on,
            rationale: a.rationale.as_ref().map(|r| r.as_str().to_owned()),
            created_at: a.created_at,
        }
    }
}

/// Assess someone's readiness (hr_admin, ld_admin, or one of their managers).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), request_body = ReadinessInput, security(("bearer" = [])),
    responses((status = 201, body = ReadinessResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/employees/{id}/readiness-assessments")]
async fn record_readiness_assessment(
    ctx: Ctx,
    id: web::Path<EmployeeId>,
    body: JsonBody<ReadinessInput>,
) -> ApiResult<HttpResponse> {
    let a = svc::record_readiness(&ctx, id.into_inner(), body.0.into()).await?;
    Ok(HttpResponse::Created().json(ReadinessResource::from(&a)))
}

/// A person's readiness history, oldest first, as you may see it (403 for peers, reports and
/// anyone who assessed none of it).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<ReadinessResource>), (status = 403, body = Problem)))]
#[get("/employees/{id}/readiness-assessments")]
async fn list_readiness_assessments(
    ctx: Ctx,
    id: web::Path<EmployeeId>,
) -> ApiResult<HttpResponse> {
    let all = svc::readiness_history(&ctx, id.into_inner()).await?;
    Ok(list(all.iter().map(ReadinessResource::from)))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TalentReviewInput {
    /// 1..3.
    pub performance: Option<i64>,
    /// 1..3.
    pub potential: Option<i64>,
    /// Default: you.
    pub assessor_id: Option<String>,
    pub calibrated_by: Option<String>,
    pub reviewed_on: Option<NaiveDate>,
}

impl From<TalentReviewInput> for TalentReviewFields {
    fn from(i: TalentReviewInput) -> Self {
        Self {
            performance: i.performance,
            potential: i.potential,
            assessor_id: i.assessor_id,
            calibrated_by: i.calibrated_by,
            reviewed_on: i.reviewed_on,
        }
    }
}

/// A 9-box talent review (hr_admin, ld_admin and its assessor only).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TalentReviewResource {
    pub id: String,
    pub employee_id: String,
    pub performance: u8,
    pub potential: u8,
    /// The box, 1 (low, low) to 9 (high performance, high potential).
    pub nine_box: u8,
    pub assessor_id: String,
    pub calibrated_by: Option<String>,
    pub reviewed_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

impl From<&TalentReview> for TalentReviewResource {
    fn from(r: &TalentReview) -> Self {
        Self {
            id: r.id.to_string(),
            employee_id: r.employee_id.to_string(),
            performance: r.nine_box.performance(),
            potential: r.nine_box.potential(),
            nine_box: r.nine_box.cell(),
            assessor_id: r.assessor_id.to_string(),
            calibrated_by: r.calibrated_by.map(|c| c.to_string()),
            reviewed_on: r.reviewed_on,
            created_at: r.created_at,
        }
    }
}

/// Record a 9-box review (hr_admin).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), request_body = TalentReviewInput, security(("bearer" = [])),
    responses((status = 201, body = TalentReviewResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/employees/{id}/talent-reviews")]
async fn record_talent_review(
    ctx: Ctx,
    id: web::Path<EmployeeId>,
    body: JsonBody<TalentReviewInput>,
) -> ApiResult<HttpResponse> {
    let r = svc::record_review(&ctx, id.into_inner(), body.0.into()).await?;
    Ok(HttpResponse::Created().json(TalentReviewResource::from(&r)))
}

/// A person's 9-box history, oldest first, as you may see it.
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<TalentReviewResource>), (status = 403, body = Problem)))]
#[get("/employees/{id}/talent-reviews")]
async fn list_talent_reviews(ctx: Ctx, id: web::Path<EmployeeId>) -> ApiResult<HttpResponse> {
    let all = svc::talent_reviews(&ctx, id.into_inner()).await?;
    Ok(list(all.iter().map(TalentReviewResource::from)))
}

// ---- positions, slates, placements ----

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionInput {
    pub title: Option<String>,
    pub org_unit_id: Option<String>,
    /// 1..8.
    pub level: Option<i64>,
    /// Leave out for an open position.
    pub incumbent_id: Option<String>,
    /// Default: today (with an incumbent).
    pub incumbent_since: Option<NaiveDate>,
    /// Created to grow the organisation (a role grown for graduates).
    pub created_for_growth: Option<bool>,
}

impl From<PositionInput> for PositionFields {
    fn from(i: PositionInput) -> Self {
        Self {
            title: i.title,
            org_unit_id: i.org_unit_id,
            level: i.level,
            incumbent_id: i.incumbent_id,
            incumbent_since: i.incumbent_since,
            created_for_growth: i.created_for_growth,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PositionResource {
    pub id: String,
    pub title: String,
    pub org_unit_id: String,
    pub level: u8,
    /// `filled` or `open`.
    pub status: String,
    pub incumbent_id: Option<String>,
    pub incumbent_since: Option<NaiveDate>,
    pub created_for_growth: bool,
    pub version: i64,
}

impl From<&Position> for PositionResource {
    fn from(p: &Position) -> Self {
        Self {
            id: p.id.to_string(),
            title: p.title.to_string(),
            org_unit_id: p.org_unit_id.to_string(),
            level: p.level.get(),
            status: p.status().to_owned(),
            incumbent_id: p.incumbent_id.map(|i| i.to_string()),
            incumbent_since: p.incumbent_since,
            created_for_growth: p.created_for_growth,
            version: p.version,
        }
    }
}

/// Create a leadership position (hr_admin).
#[utoipa::path(tag = "pipeline", request_body = PositionInput, security(("bearer" = [])),
    responses((status = 201, body = PositionResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/pipeline/positions")]
async fn create_position(ctx: Ctx, body: JsonBody<PositionInput>) -> ApiResult<HttpResponse> {
    let p = svc::create_position(&ctx, body.0.into()).await?;
    Ok(HttpResponse::Created().json(PositionResource::from(&p)))
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PositionFilter {
    /// The unit and the units below it.
    #[param(value_type = Option<String>)]
    pub org_unit_id: Option<OrgUnitId>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

/// Leadership positions (any person), a page in id order.
#[utoipa::path(tag = "pipeline", params(PositionFilter), security(("bearer" = [])),
    responses((status = 200, body = PageOf<PositionResource>)))]
#[get("/pipeline/positions")]
async fn list_positions(ctx: Ctx, q: web::Query<PositionFilter>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = svc::list_positions(&ctx, q.org_unit_id, q.first, q.after).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |p| PositionResource::from(&p))))
}

#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = PositionResource), (status = 404, body = Problem)))]
#[get("/pipeline/positions/{id}")]
async fn get_position(ctx: Ctx, id: web::Path<PositionId>) -> ApiResult<HttpResponse> {
    let p = svc::get_position(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(PositionResource::from(&p)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IncumbencyResource {
    pub employee_id: String,
    pub started_on: NaiveDate,
    /// Null: holds it now.
    pub ended_on: Option<NaiveDate>,
}

impl From<&Incumbency> for IncumbencyResource {
    fn from(i: &Incumbency) -> Self {
        Self {
            employee_id: i.employee_id.to_string(),
            started_on: i.started_on,
            ended_on: i.ended_on,
        }
    }
}

/// Who held the position, oldest first.
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<IncumbencyResource>)))]
#[get("/pipeline/positions/{id}/history")]
async fn list_position_history(ctx: Ctx, id: web::Path<PositionId>) -> ApiResult<HttpResponse> {
    let all = svc::position_history(&ctx, id.into_inner()).await?;
    Ok(list(all.iter().map(IncumbencyResource::from)))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlateInput {
    /// Employee ids in rank order (first = rank 1), at most 10.
    pub candidates: Vec<String>,
}

/// A ranked candidate with their latest readiness.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SlateEntryResource {
    pub rank: u32,
    pub employee_id: String,
    pub readiness: Option<String>,
    pub assessed_on: Option<NaiveDate>,
}

impl From<&SlateEntry> for SlateEntryResource {
    fn from(e: &SlateEntry) -> Self {
        Self {
            rank: e.rank,
            employee_id: e.employee_id.to_string(),
            readiness: e.readiness.map(|r| r.to_string()),
            assessed_on: e.assessed_on,
        }
    }
}

/// Replace a position's succession slate (hr_admin).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), request_body = SlateInput, security(("bearer" = [])),
    responses((status = 200, body = Vec<SlateEntryResource>), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[put("/pipeline/positions/{id}/slate")]
async fn set_slate(
    ctx: Ctx,
    id: web::Path<PositionId>,
    body: JsonBody<SlateInput>,
) -> ApiResult<HttpResponse> {
    let fields = SlateFields {
        candidates: body.0.candidates,
    };
    let all = svc::set_slate(&ctx, id.into_inner(), fields).await?;
    Ok(list(all.iter().map(SlateEntryResource::from)))
}

/// A position's succession slate with readiness (hr_admin, ld_admin).
#[utoipa::path(tag = "pipeline", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<SlateEntryResource>), (status = 403, body = Problem)))]
#[get("/pipeline/positions/{id}/slate")]
async fn get_slate(ctx: Ctx, id: web::Path<PositionId>) -> ApiResult<HttpResponse> {
    let all = svc::slate(&ctx, id.into_inner()).await?;
    Ok(list(all.iter().map(SlateEntryResource::from)))
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacementInput {
    #[schema(value_type = String)]
    pub membership_id: MembershipId,
    #[schema(value_type = String)]
    pub position_id: PositionId,
    /// Default: today.
    pub placed_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlacementResource {
    pub id: String,
    pub membership_id: String,
    pub employee_id: String,
    pub position_id: String,
    pub placed_on: NaiveDate,
    pub previous_incumbent_id: Option<String>,
    /// Into a position created for growth (the membership's outcome is `role_grown`).
    pub role_grown: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&Placement> for PlacementResource {
    fn from(p: &Placement) -> Self {
        Self {
            id: p.id.to_string(),
            membership_id: p.membership_id.to_string(),
            employee_id: p.employee_id.to_string(),
            position_id: p.position_id.to_string(),
            placed_on: p.placed_on,
            previous_incumbent_id: p.previous_incumbent_id.map(|x| x.to_string()),
            role_grown: p.role_grown,
            created_at: p.created_at,
        }
    }
}

/// Place a waiting graduate into a position (hr_admin): the incumbent, the position's history
/// and the membership's outcome change in one transaction. Retrying the same placement answers
/// it again.
#[utoipa::path(tag = "pipeline", request_body = PlacementInput, security(("bearer" = [])),
    responses((status = 201, body = PlacementResource), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/pipeline/placements")]
async fn place_graduate(ctx: Ctx, body: JsonBody<PlacementInput>) -> ApiResult<HttpResponse> {
    let b = body.0;
    let cmd = PlacementCommand {
        membership_id: b.membership_id,
        position_id: b.position_id,
        placed_on: b.placed_on,
    };
    let p = svc::place(&ctx, cmd).await?;
    Ok(HttpResponse::Created().json(PlacementResource::from(&p)))
}

/// Placements, newest first (hr_admin, ld_admin).
#[utoipa::path(tag = "pipeline", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<PlacementResource>), (status = 403, body = Problem)))]
#[get("/pipeline/placements")]
async fn list_placements(ctx: Ctx, q: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = svc::list_placements(&ctx, q.first, q.after).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |p| PlacementResource::from(&p))))
}
