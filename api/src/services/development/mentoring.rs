//! Mentor and coach profiles (read by every person; written by hr_admin / ld_admin, or by an
//! employee for themselves), mentees' requests and matching.

use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page};
use learnwell_domain::access::{self, Relation};
use learnwell_domain::development::{
    propose, Candidate, Engagement, Giver, Mentee, MentorProfile, MentoringRequest, ProfileFields,
    ProfileKind, Proposal, RequestFields, RequestState,
};
use learnwell_domain::ids::{
    MentorProfileId, MentoringEngagementId, MentoringRequestId, OrgUnitId, SkillId,
};
use learnwell_domain::org::JobLevel;
use learnwell_domain::FieldError;
use learnwell_persistence::development::mentoring as store;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

const PROFILES_VERSION_KEY: &str = "development:profiles_version";
const PROFILES_VERSION_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// A profile as matching scores it, with what the directory knows of an internal giver.
#[derive(Debug)]
struct CandidateRow {
    profile: MentorProfile,
    level: Option<JobLevel>,
    org_unit: Option<OrgUnitId>,
}

/// The profiles version and the directory version a load was made at.
type CacheKey = (Option<Vec<u8>>, Option<Vec<u8>>);
type Loaded = (CacheKey, Arc<Vec<CandidateRow>>);

/// Matching's candidates of each kind, loaded once per *profiles version* and directory version,
/// so a request only scores. Every profile write (a place taken or freed included) starts a new
/// profiles version after it commits, a giver's level, unit or leaving a new directory version;
/// both are tokens in the key-value store (shared through Redis when configured), as the
/// directory's. Concurrent requests wait for one load.
#[derive(Debug, Default)]
pub struct CandidateCache {
    kinds: tokio::sync::Mutex<HashMap<ProfileKind, Loaded>>,
}

impl CandidateCache {
    async fn get(&self, ctx: &Ctx, kind: ProfileKind) -> ApiResult<Arc<Vec<CandidateRow>>> {
        let key = (
            ctx.kv.get(PROFILES_VERSION_KEY).await?,
            ctx.directory.version().await?,
        );
        let mut kinds = self.kinds.lock().await;
        if let Some((k, rows)) = kinds.get(&kind) {
            if *k == key {
                return Ok(Arc::clone(rows));
            }
        }
        let rows: Vec<CandidateRow> = store::candidates(&ctx.db, kind)
            .await?
            .into_iter()
            .map(|(profile, level, unit)| CandidateRow {
                profile,
                level: level.and_then(|l| JobLevel::new(l.into()).ok()),
                org_unit: unit.as_deref().and_then(|u| u.parse().ok()),
            })
            .collect();
        let rows = Arc::new(rows);
        kinds.insert(kind, (key, Arc::clone(&rows)));
        Ok(rows)
    }
}

/// Start a new profiles version: call after committing any change to mentor profiles.
pub(super) async fn profiles_changed(ctx: &Ctx) -> ApiResult<()> {
    let token = uuid::Uuid::now_v7();
    ctx.kv
        .set(PROFILES_VERSION_KEY, token.as_bytes(), PROFILES_VERSION_TTL)
        .await?;
    Ok(())
}

/// Every skill named must be in the catalog's taxonomy (field `skills[i]`).
async fn known(ctx: &Ctx, skills: &[SkillId]) -> ApiResult<()> {
    let found = crate::services::catalog::skills_by_ids(ctx, skills).await?;
    let errors: Vec<FieldError> = skills
        .iter()
        .enumerate()
        .filter(|(_, s)| !found.iter().any(|f| f.id == **s))
        .map(|(i, _)| FieldError::new(format!("skills[{i}]"), "no such skill"))
        .collect();
    crate::services::check_fields(errors)
}

/// Create a mentor or coach profile.
#[tracing::instrument(skip_all)]
pub async fn create_profile(ctx: &Ctx, fields: ProfileFields) -> ApiResult<MentorProfile> {
    let id = MentorProfileId::from_uuid(uuid::Uuid::now_v7());
    let profile = fields.parse(id, ctx.now).map_err(ApiError::Validation)?;
    let own = matches!(profile.giver, Giver::Internal(e) if Some(e) == ctx.principal.employee_id);
    ensure(access::can_write_profile(&ctx.principal, own))?;
    if let Giver::Internal(e) = profile.giver {
        ctx.directory
            .relation(&ctx.principal, e)
            .await
            .map_err(|_| FieldError::new("employee_id", "no such employee"))?;
    }
    known(ctx, &profile.skills).await?;
    let tx = ctx.db.begin().await?;
    store::insert_profile(&tx, &profile).await?;
    let event = audit::event(ctx, "mentor_profile.create", "mentor_profile", id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    profiles_changed(ctx).await?;
    Ok(profile)
}

/// Profiles, a page in creation order: every person (peers see profiles, nothing more).
#[tracing::instrument(skip_all)]
pub async fn list_profiles(
    ctx: &Ctx,
    first: Option<u64>,
    after: Option<String>,
) -> ApiResult<Page<MentorProfile>> {
    ensure(access::can_read_catalog(&ctx.principal))?;
    let limit = page_size(first)?;
    let after = decode_cursor::<MentorProfileId>(after.as_deref())?;
    let rows = store::list_profiles(&ctx.db, after, limit + 1).await?;
    Ok(paginate(rows, limit, |p| p.id.to_string()))
}

#[tracing::instrument(skip_all, fields(profile_id = %id))]
pub async fn get_profile(ctx: &Ctx, id: MentorProfileId) -> ApiResult<MentorProfile> {
    ensure(access::can_read_catalog(&ctx.principal))?;
    store::get_profile(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("mentor profile"))
}

/// Ask for a mentor or coach (for yourself).
#[tracing::instrument(skip_all)]
pub async fn create_request(ctx: &Ctx, fields: RequestFields) -> ApiResult<MentoringRequest> {
    let p = &ctx.principal;
    let who = p.employee_id.ok_or(ApiError::Forbidden)?;
    let (me, relation) = ctx.directory.relation(p, who).await?;
    ensure(access::can_request_spend(p, relation))?;
    let id = MentoringRequestId::from_uuid(uuid::Uuid::now_v7());
    let request = fields
        .parse(id, who, ctx.now)
        .map_err(ApiError::Validation)?;
    let from = ctx.settings.development.coaching_from_level;
    if request.kind == ProfileKind::Coach && me.data.job_level.get() < from {
        let m = format!("coaching is offered from job level {from} here");
        return Err(FieldError::new("kind", m).into());
    }
    known(ctx, &request.skills).await?;
    let tx = ctx.db.begin().await?;
    store::insert_request(&tx, &request).await?;
    let event = audit::event(ctx, "mentoring_request.create", "mentoring_request", id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(request)
}

/// The request, if the caller is its mentee (or manages development); else not found.
async fn own_request(ctx: &Ctx, id: MentoringRequestId) -> ApiResult<MentoringRequest> {
    let request = store::get_request(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("mentoring request"))?;
    let (_, relation) = ctx
        .directory
        .relation(&ctx.principal, request.mentee_id)
        .await?;
    let mine = relation == Relation::Itself && !ctx.principal.leaver;
    if !mine && !access::can_manage_development(&ctx.principal) {
        return Err(ApiError::NotFound("mentoring request"));
    }
    Ok(request)
}

#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn get_request(ctx: &Ctx, id: MentoringRequestId) -> ApiResult<MentoringRequest> {
    own_request(ctx, id).await
}

/// The best `limit` (1-50, default 10) mentors or coaches for a request, with their scores and
/// reasons (rules in `domain::development::propose`).
#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn matches(
    ctx: &Ctx,
    id: MentoringRequestId,
    limit: Option<u64>,
) -> ApiResult<Vec<(Proposal, MentorProfile)>> {
    let limit = match limit.unwrap_or(10) {
        n @ 1..=50 => usize::try_from(n).unwrap_or(10),
        _ => {
            return Err(ApiError::InvalidQuery(FieldError::new(
                "limit",
                "must be between 1 and 50",
            )))
        }
    };
    let request = own_request(ctx, id).await?;
    let (mentee, _) = ctx
        .directory
        .relation(&ctx.principal, request.mentee_id)
        .await?;
    let rows = ctx.mentoring_candidates.get(ctx, request.kind).await?;
    let candidates = rows.iter().map(|r| Candidate {
        profile: &r.profile,
        level: r.level,
        org_unit: r.org_unit,
    });
    let who = Mentee {
        id: mentee.id,
        level: mentee.data.job_level,
        org_unit: mentee.data.org_unit_id,
    };
    let proposals = propose(&request, &who, candidates, limit);
    Ok(proposals
        .into_iter()
        .filter_map(|p| {
            let profile = rows.iter().find(|r| r.profile.id == p.profile_id)?;
            let profile = profile.profile.clone();
            Some((p, profile))
        })
        .collect())
}

/// The mentee picks a profile for their open request: a proposed engagement the mentor
/// accepts or declines (where the policy asks for it, once the mentee's manager approved it).
#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn choose(
    ctx: &Ctx,
    id: MentoringRequestId,
    profile_id: MentorProfileId,
) -> ApiResult<Engagement> {
    let request = own_request(ctx, id).await?;
    ensure(Some(request.mentee_id) == ctx.principal.employee_id)?;
    if request.state != RequestState::Open {
        return Err(ApiError::Conflict("this request is matched already".into()));
    }
    let profile = store::get_profile(&ctx.db, profile_id)
        .await?
        .filter(|p| p.active && p.kind == request.kind)
        .filter(|p| p.employee_id() != Some(request.mentee_id))
        .ok_or_else(|| FieldError::new("profile_id", "no active profile of this kind"))?;
    let needs_approval = ctx
        .settings
        .development
        .manager_approves
        .contains(&request.kind);
    let engagement = Engagement::propose(
        MentoringEngagementId::from_uuid(uuid::Uuid::now_v7()),
        &request,
        &profile,
        needs_approval,
        ctx.now,
    );
    let tx = ctx.db.begin().await?;
    store::insert_engagement(&tx, &engagement).await?;
    let event = audit::event(ctx, "engagement.propose", "engagement", engagement.id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(engagement)
}
