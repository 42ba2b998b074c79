//! Mentoring and coaching over REST: profiles, requests and their matches, engagements and
//! sessions.

use crate::body::JsonBody;
use crate::error::{ApiResult, Problem};
use crate::rest::{PageOf, PageParams};
use crate::services::development::{self as svc, EngagementDetail, EngagementList};
use crate::services::Ctx;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use learnwell_domain::access::EngagementView;
use learnwell_domain::catalog::Description;
use learnwell_domain::development::{
    Giver, MentorProfile, MentoringRequest, ProfileFields, Proposal, RequestFields, Session,
    SessionFields,
};
use learnwell_domain::ids::{
    EmployeeId, MentorProfileId, MentoringEngagementId, MentoringRequestId,
};
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_mentor_profiles)
        .service(create_mentor_profile)
        .service(get_mentor_profile)
        .service(create_mentoring_request)
        .service(get_mentoring_request)
        .service(list_mentoring_matches)
        .service(choose_mentor)
        .service(list_mentoring_engagements)
        .service(get_mentoring_engagement)
        .service(approve_mentoring_engagement)
        .service(reject_mentoring_engagement)
        .service(accept_mentoring_engagement)
        .service(decline_mentoring_engagement)
        .service(close_mentoring_engagement)
        .service(log_mentoring_session);
}

/// A mentor or coach: give exactly one of `employee_id` (internal) and `external_name` (an
/// external provider, who has no login).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    /// `mentor` or `coach`.
    pub kind: Option<String>,
    pub employee_id: Option<String>,
    pub external_name: Option<String>,
    pub bio: Option<String>,
    /// Skill ids from the catalog's taxonomy.
    #[serde(default)]
    pub skills: Vec<String>,
    /// The mentees' job levels they like to work with (default 1..8).
    pub level_min: Option<i64>,
    pub level_max: Option<i64>,
    /// Language tags (`en`, `pt-BR`).
    #[serde(default)]
    pub languages: Vec<String>,
    pub availability: Option<String>,
    /// Active mentees at most (1-50, default 1).
    pub capacity: Option<i64>,
}

impl From<ProfileInput> for ProfileFields {
    fn from(i: ProfileInput) -> Self {
        Self {
            kind: i.kind,
            employee_id: i.employee_id,
            external_name: i.external_name,
            bio: i.bio,
            skills: i.skills,
            level_min: i.level_min,
            level_max: i.level_max,
            languages: i.languages,
            availability: i.availability,
            capacity: i.capacity,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProfileResource {
    pub id: String,
    pub kind: String,
    /// Internal: the employee.
    pub employee_id: Option<String>,
    /// External: the provider's name.
    pub external_name: Option<String>,
    pub bio: Option<String>,
    pub skills: Vec<String>,
    pub level_min: u8,
    pub level_max: u8,
    pub languages: Vec<String>,
    pub availability: Option<String>,
    pub capacity: u32,
    pub active_mentees: u32,
    pub free_places: u32,
    pub active: bool,
}

impl From<&MentorProfile> for ProfileResource {
    fn from(p: &MentorProfile) -> Self {
        let (employee_id, external_name) = match &p.giver {
            Giver::Internal(e) => (Some(e.to_string()), None),
            Giver::External(n) => (None, Some(n.to_string())),
        };
        Self {
            id: p.id.to_string(),
            kind: p.kind.to_string(),
            employee_id,
            external_name,
            bio: p.bio.as_ref().map(ToString::to_string),
            skills: p.skills.iter().map(ToString::to_string).collect(),
            level_min: p.levels.0.get(),
            level_max: p.levels.1.get(),
            languages: p.languages.iter().map(|l| l.as_str().to_owned()).collect(),
            availability: p.availability.as_ref().map(ToString::to_string),
            capacity: p.capacity,
            active_mentees: p.active_count,
            free_places: p.free_places(),
            active: p.active,
        }
    }
}

/// Mentor and coach profiles (every person).
#[utoipa::path(tag = "development", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<ProfileResource>)))]
#[get("/mentor-profiles")]
async fn list_mentor_profiles(ctx: Ctx, q: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = svc::list_profiles(&ctx, q.first, q.after).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |p| ProfileResource::from(&p))))
}

/// Create a profile (hr_admin, ld_admin; an employee for themselves).
#[utoipa::path(tag = "development", request_body = ProfileInput, security(("bearer" = [])),
    responses((status = 201, body = ProfileResource), (status = 422, body = Problem)))]
#[post("/mentor-profiles")]
async fn create_mentor_profile(ctx: Ctx, body: JsonBody<ProfileInput>) -> ApiResult<HttpResponse> {
    let p = svc::create_profile(&ctx, body.0.into()).await?;
    Ok(HttpResponse::Created().json(ProfileResource::from(&p)))
}

#[utoipa::path(tag = "development", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ProfileResource)))]
#[get("/mentor-profiles/{id}")]
async fn get_mentor_profile(ctx: Ctx, id: web::Path<MentorProfileId>) -> ApiResult<HttpResponse> {
    let p = svc::get_profile(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(ProfileResource::from(&p)))
}

/// A request for a mentor or coach, for yourself.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MentoringRequestInput {
    /// `mentor` (default) or `coach`.
    pub kind: Option<String>,
    pub goals: Option<String>,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    /// `in_person`, `remote` or `any` (default).
    pub preferred_format: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MentoringRequestResource {
    pub id: String,
    pub mentee_id: String,
    pub kind: String,
    pub goals: String,
    pub skills: Vec<String>,
    pub languages: Vec<String>,
    pub preferred_format: String,
    /// `open` or `matched`.
    pub state: String,
    pub created_at: DateTime<Utc>,
}

impl From<&MentoringRequest> for MentoringRequestResource {
    fn from(r: &MentoringRequest) -> Self {
        Self {
            id: r.id.to_string(),
            mentee_id: r.mentee_id.to_string(),
            kind: r.kind.to_string(),
            goals: r.goals.to_string(),
            skills: r.skills.iter().map(ToString::to_string).collect(),
            languages: r.languages.iter().map(|l| l.as_str().to_owned()).collect(),
            preferred_format: r.preferred_format.to_string(),
            state: r.state.to_string(),
            created_at: r.created_at,
        }
    }
}

/// Ask for a mentor or coach.
#[utoipa::path(tag = "development", request_body = MentoringRequestInput, security(("bearer" = [])),
    responses((status = 201, body = MentoringRequestResource), (status = 422, body = Problem)))]
#[post("/mentoring-requests")]
async fn create_mentoring_request(
    ctx: Ctx,
    body: JsonBody<MentoringRequestInput>,
) -> ApiResult<HttpResponse> {
    let i = body.0;
    let fields = RequestFields {
        kind: i.kind,
        goals: i.goals,
        skills: i.skills,
        languages: i.languages,
        preferred_format: i.preferred_format,
    };
    let r = svc::create_request(&ctx, fields).await?;
    Ok(HttpResponse::Created().json(MentoringRequestResource::from(&r)))
}

/// A request (its mentee, hr_admin, ld_admin).
#[utoipa::path(tag = "development", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MentoringRequestResource)))]
#[get("/mentoring-requests/{id}")]
async fn get_mentoring_request(
    ctx: Ctx,
    id: web::Path<MentoringRequestId>,
) -> ApiResult<HttpResponse> {
    let r = svc::get_mentoring_request(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(MentoringRequestResource::from(&r)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReasonResource {
    /// `skill_overlap`, `level_gap`, `another_department`, `free_capacity`, `shared_language`.
    pub code: String,
    pub points: u32,
    pub detail: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchResource {
    pub score: u32,
    pub reasons: Vec<ReasonResource>,
    pub profile: ProfileResource,
}

impl From<&(Proposal, MentorProfile)> for MatchResource {
    fn from((p, profile): &(Proposal, MentorProfile)) -> Self {
        Self {
            score: p.score,
            reasons: p
                .reasons
                .iter()
                .map(|r| ReasonResource {
                    code: r.code.to_owned(),
                    points: r.points,
                    detail: r.detail.clone(),
                })
                .collect(),
            profile: ProfileResource::from(profile),
        }
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MatchParams {
    /// 1-50, default 10.
    pub limit: Option<u64>,
}

/// The best mentors or coaches for a request, each with its score and the reasons behind it
/// (the rules: `docs/API-DESIGN.md`, "Matching").
#[utoipa::path(tag = "development", params(("id" = String, Path), MatchParams), security(("bearer" = [])),
    responses((status = 200, body = Vec<MatchResource>)))]
#[get("/mentoring-requests/{id}/matches")]
async fn list_mentoring_matches(
    ctx: Ctx,
    id: web::Path<MentoringRequestId>,
    q: web::Query<MatchParams>,
) -> ApiResult<HttpResponse> {
    let found = svc::matches(&ctx, id.into_inner(), q.limit).await?;
    Ok(HttpResponse::Ok().json(found.iter().map(MatchResource::from).collect::<Vec<_>>()))
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChooseInput {
    #[schema(value_type = String)]
    pub profile_id: MentorProfileId,
}

/// The mentee picks a mentor or coach: a proposed engagement they accept or decline.
#[utoipa::path(tag = "development", params(("id" = String, Path)), request_body = ChooseInput, security(("bearer" = [])),
    responses((status = 201, body = MentoringEngagementResource), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/mentoring-requests/{id}:choose")]
async fn choose_mentor(
    ctx: Ctx,
    id: web::Path<MentoringRequestId>,
    body: JsonBody<ChooseInput>,
) -> ApiResult<HttpResponse> {
    let e = svc::choose(&ctx, id.into_inner(), body.0.profile_id).await?;
    let d = svc::get_engagement(&ctx, e.id).await?;
    Ok(HttpResponse::Created().json(MentoringEngagementResource::from(&d)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionResource {
    pub id: String,
    pub date: NaiveDate,
    pub minutes: u32,
    pub in_work_time: bool,
    /// Private to the participants: null for anyone else.
    pub notes: Option<String>,
    /// The mentee's learning-time entry of this session.
    pub time_entry_id: String,
}

impl From<&Session> for SessionResource {
    fn from(s: &Session) -> Self {
        Self {
            id: s.id.to_string(),
            date: s.date,
            minutes: s.minutes.get(),
            in_work_time: s.in_work_time,
            notes: s.notes.as_ref().map(ToString::to_string),
            time_entry_id: s.time_entry_id.to_string(),
        }
    }
}

/// An engagement. `view` is `full` for its participants; `summary` (the mentee's managers,
/// hr_admin, ld_admin) has no goals, feedback or session notes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MentoringEngagementResource {
    pub id: String,
    pub kind: String,
    pub profile_id: String,
    pub mentee_id: String,
    /// `pending_approval` (the policy holds it for the mentee's manager), `rejected` (by the
    /// manager), `proposed`, `active`, `declined` (by the mentor) or `closed`.
    pub state: String,
    /// `full` or `summary`.
    pub view: String,
    pub goals: Option<String>,
    pub mentor_feedback: Option<String>,
    pub mentee_feedback: Option<String>,
    pub sessions: Vec<SessionResource>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&EngagementDetail> for MentoringEngagementResource {
    fn from(d: &EngagementDetail) -> Self {
        let e = &d.engagement;
        let full = d.view == EngagementView::Full;
        Self {
            id: e.id.to_string(),
            kind: e.kind.to_string(),
            profile_id: e.profile_id.to_string(),
            mentee_id: e.mentee_id.to_string(),
            state: e.state.to_string(),
            view: if full { "full" } else { "summary" }.to_owned(),
            goals: full.then(|| e.goals.to_string()),
            mentor_feedback: e.mentor_feedback.as_ref().map(ToString::to_string),
            mentee_feedback: e.mentee_feedback.as_ref().map(ToString::to_string),
            sessions: d.sessions.iter().map(SessionResource::from).collect(),
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

fn ok(d: &EngagementDetail) -> HttpResponse {
    HttpResponse::Ok().json(MentoringEngagementResource::from(d))
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EngagementFilter {
    /// The mentee (default: yourself).
    #[param(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    /// Yours as mentor or coach instead (default false).
    pub as_mentor: Option<bool>,
    /// Page size, 1-200 (default 50).
    pub first: Option<u64>,
    /// Cursor from `next_cursor` of the previous page.
    pub after: Option<String>,
}

/// A person's engagements as mentee (themselves, their managers, hr_admin, ld_admin), or yours
/// as mentor, a page at a time in creation order.
#[utoipa::path(tag = "development", params(EngagementFilter), security(("bearer" = [])),
    responses((status = 200, body = PageOf<MentoringEngagementResource>)))]
#[get("/engagements")]
async fn list_mentoring_engagements(
    ctx: Ctx,
    q: web::Query<EngagementFilter>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let list = EngagementList {
        employee: q.employee_id,
        as_mentor: q.as_mentor.unwrap_or(false),
        first: q.first,
        after: q.after,
    };
    let page = svc::list_engagements(&ctx, list).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |d| MentoringEngagementResource::from(&d))))
}

#[utoipa::path(tag = "development", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MentoringEngagementResource)))]
#[get("/engagements/{id}")]
async fn get_mentoring_engagement(
    ctx: Ctx,
    id: web::Path<MentoringEngagementId>,
) -> ApiResult<HttpResponse> {
    Ok(ok(&svc::get_engagement(&ctx, id.into_inner()).await?))
}

/// The mentee's manager (or hr_admin, never the mentee) approves an engagement held for
/// approval (`development.manager_approves`): the mentor is asked next.
#[utoipa::path(tag = "development", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MentoringEngagementResource), (status = 403, body = Problem), (status = 409, body = Problem)))]
#[post("/engagements/{id}:approve")]
async fn approve_mentoring_engagement(
    ctx: Ctx,
    id: web::Path<MentoringEngagementId>,
) -> ApiResult<HttpResponse> {
    Ok(ok(
        &svc::approve_engagement(&ctx, id.into_inner(), true).await?
    ))
}

/// The mentee's manager (or hr_admin) rejects an engagement held for approval.
#[utoipa::path(tag = "development", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MentoringEngagementResource), (status = 403, body = Problem), (status = 409, body = Problem)))]
#[post("/engagements/{id}:reject")]
async fn reject_mentoring_engagement(
    ctx: Ctx,
    id: web::Path<MentoringEngagementId>,
) -> ApiResult<HttpResponse> {
    Ok(ok(
        &svc::approve_engagement(&ctx, id.into_inner(), false).await?
    ))
}

/// The mentor accepts (a free place is taken; `capacity_reached` when none is left).
#[utoipa::path(tag = "development", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MentoringEngagementResource), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/engagements/{id}:accept")]
async fn accept_mentoring_engagement(
    ctx: Ctx,
    id: web::Path<MentoringEngagementId>,
) -> ApiResult<HttpResponse> {
    Ok(ok(&svc::answer(&ctx, id.into_inner(), true).await?))
}

/// The mentor declines.
#[utoipa::path(tag = "development", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MentoringEngagementResource), (status = 409, body = Problem)))]
#[post("/engagements/{id}:decline")]
async fn decline_mentoring_engagement(
    ctx: Ctx,
    id: web::Path<MentoringEngagementId>,
) -> ApiResult<HttpResponse> {
    Ok(ok(&svc::answer(&ctx, id.into_inner(), false).await?))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    /// Your side's closing feedback (the other side adds theirs the same way once closed).
    pub feedback: Option<String>,
}

/// Close an active engagement with your feedback (either participant), or add your feedback
/// to a closed one.
#[utoipa::path(tag = "development", params(("id" = String, Path)), request_body = CloseInput, security(("bearer" = [])),
    responses((status = 200, body = MentoringEngagementResource), (status = 409, body = Problem)))]
#[post("/engagements/{id}:close")]
async fn close_mentoring_engagement(
    ctx: Ctx,
    id: web::Path<MentoringEngagementId>,
    body: JsonBody<CloseInput>,
) -> ApiResult<HttpResponse> {
    let feedback = body
        .0
        .feedback
        .as_deref()
        .map(|f| {
            Description::parse(f)
                .map_err(|e| learnwell_domain::FieldError::new("feedback", e.message))
        })
        .transpose()?;
    Ok(ok(&svc::close(&ctx, id.into_inner(), feedback).await?))
}

/// A session of an engagement.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// YYYY-MM-DD, not in the future.
    pub date: Option<String>,
    pub minutes: Option<i64>,
    /// Default true: development is part of the job.
    pub in_work_time: Option<bool>,
    /// Private to the participants.
    pub notes: Option<String>,
}

/// Log a session (either participant): it becomes the mentee's learning-time entry
/// (`mentoring` or `coaching`).
#[utoipa::path(tag = "development", params(("id" = String, Path)), request_body = SessionInput, security(("bearer" = [])),
    responses((status = 201, body = SessionResource), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/engagements/{id}/sessions")]
async fn log_mentoring_session(
    ctx: Ctx,
    id: web::Path<MentoringEngagementId>,
    body: JsonBody<SessionInput>,
) -> ApiResult<HttpResponse> {
    let i = body.0;
    let fields = SessionFields {
        date: i.date,
        minutes: i.minutes,
        in_work_time: i.in_work_time,
        notes: i.notes,
    };
    let s = svc::log_session(&ctx, id.into_inner(), fields).await?;
    Ok(HttpResponse::Created().json(SessionResource::from(&s)))
}
