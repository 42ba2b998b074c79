//! Engagements: accepted or declined by the mentor (a free place taken under the capacity,
//! whatever runs concurrently), sessions that become the mentee's learning time, closing with
//! feedback from both sides. Participants see everything; the mentee's managers and the admins
//! see that it exists, never its goals, notes or feedback.

use crate::error::{ApiError, ApiResult};
use crate::services::learning_time::{put_entry, threshold};
use crate::services::{audit, decode_cursor, page_size, paginate, Ctx, Page};
use learnwell_domain::access::{self, EngagementView};
use learnwell_domain::catalog::Description;
use learnwell_domain::development::{
    Engagement, EngagementState, Giver, MentorProfile, Session, SessionFields, Side,
};
use learnwell_domain::ids::{EmployeeId, MentoringEngagementId, SessionId, TimeEntryId};
use learnwell_domain::learning_time::{EntryData, TimeEntry};
use learnwell_domain::Rule;
use learnwell_persistence::development::mentoring as store;
use learnwell_persistence::{StoreError, Tx};

/// An engagement as one caller sees it: with its sessions, and with goals, notes and feedback
/// only for the participants (`view` says which).
#[derive(Debug, Clone)]
pub struct EngagementDetail {
    pub engagement: Engagement,
    pub profile: MentorProfile,
    pub view: EngagementView,
    pub sessions: Vec<Session>,
}

impl EngagementDetail {
    /// What the caller may see: a summary drops goals, feedback and session notes.
    fn for_view(mut self) -> Self {
        if self.view == EngagementView::Summary {
            self.engagement.mentor_feedback = None;
            self.engagement.mentee_feedback = None;
            for s in &mut self.sessions {
                s.notes = None;
            }
        }
        self
    }
}

/// The engagement, its profile and what the caller sees of it; not found when nothing.
async fn visible(
    ctx: &Ctx,
    id: MentoringEngagementId,
) -> ApiResult<(Engagement, MentorProfile, EngagementView, Option<Side>)> {
    let engagement = store::get_engagement(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("engagement"))?;
    let profile = store::get_profile(&ctx.db, engagement.profile_id)
        .await?
        .ok_or(ApiError::NotFound("mentor profile"))?;
    let p = &ctx.principal;
    let (_, relation) = ctx.directory.relation(p, engagement.mentee_id).await?;
    let is_mentor = p.employee_id.is_some() && profile.employee_id() == p.employee_id;
    let view = access::engagement_view(p, relation, is_mentor);
    if view == EngagementView::Hidden {
        return Err(ApiError::NotFound("engagement"));
    }
    let side = if is_mentor {
        Some(Side::Mentor)
    } else if Some(engagement.mentee_id) == p.employee_id && !p.leaver {
        Some(Side::Mentee)
    } else {
        None
    };
    Ok((engagement, profile, view, side))
}

async fn detail(
    ctx: &Ctx,
    e: Engagement,
    profile: MentorProfile,
    view: EngagementView,
) -> ApiResult<EngagementDetail> {
    let sessions = store::list_sessions(&ctx.db, e.id).await?;
    Ok(EngagementDetail {
        engagement: e,
        profile,
        view,
        sessions,
    }
    .for_view())
}

#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn get_engagement(ctx: &Ctx, id: MentoringEngagementId) -> ApiResult<EngagementDetail> {
    let (e, profile, view, _) = visible(ctx, id).await?;
    detail(ctx, e, profile, view).await
}

/// Whose engagements to list, and the page.
#[derive(Debug, Clone, Default)]
pub struct EngagementList {
    /// The mentee (default: the caller).
    pub employee: Option<EmployeeId>,
    /// The caller's engagements as mentor or coach instead.
    pub as_mentor: bool,
    pub first: Option<u64>,
    pub after: Option<String>,
}

/// A page of a person's engagements as mentee (`as_mentor`: those of their own profiles), in
/// creation order.
#[tracing::instrument(skip_all)]
pub async fn list_engagements(ctx: &Ctx, q: EngagementList) -> ApiResult<Page<EngagementDetail>> {
    let p = &ctx.principal;
    let who = q.employee.or(p.employee_id).ok_or(ApiError::Forbidden)?;
    let (_, relation) = ctx.directory.relation(p, who).await?;
    let limit = page_size(q.first)?;
    let after = decode_cursor::<MentoringEngagementId>(q.after.as_deref())?;
    let rows = if q.as_mentor {
        ensure_self(p.employee_id == Some(who) && !p.leaver)?;
        let profiles = store::profiles_of(&ctx.db, who).await?;
        store::list_engagements(&ctx.db, None, Some(&profiles), after, limit + 1).await?
    } else {
        ensure_self(access::engagement_view(p, relation, false) != EngagementView::Hidden)?;
        store::list_engagements(&ctx.db, Some(who), None, after, limit + 1).await?
    };
    let page = paginate(rows, limit, |e| e.id.to_string());
    let mut items = Vec::with_capacity(page.items.len());
    for e in page.items {
        let (e, profile, view, _) = visible(ctx, e.id).await?;
        items.push(detail(ctx, e, profile, view).await?);
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

fn ensure_self(allowed: bool) -> ApiResult<()> {
    crate::services::ensure(allowed)
}

fn stale(e: StoreError) -> ApiError {
    match e {
        StoreError::StaleVersion => {
            ApiError::Conflict("the engagement changed meanwhile; read it again".into())
        }
        other => other.into(),
    }
}

async fn write(tx: &Tx, ctx: &Ctx, next: &Engagement, action: &str) -> ApiResult<()> {
    store::update_engagement(tx, next).await.map_err(stale)?;
    let event = audit::event(ctx, action, "engagement", next.id);
    learnwell_persistence::audit::append(tx, &[event]).await?;
    Ok(())
}

/// The mentee's manager (or `hr_admin`, never the mentee) approves an engagement the policy
/// holds for approval, so the mentor is asked, or rejects it.
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn approve(
    ctx: &Ctx,
    id: MentoringEngagementId,
    approve: bool,
) -> ApiResult<EngagementDetail> {
    let (e, profile, view, _) = visible(ctx, id).await?;
    let (_, relation) = ctx.directory.relation(&ctx.principal, e.mentee_id).await?;
    crate::services::ensure(access::may_approve_for(&ctx.principal, relation))?;
    let next = e.approved(approve, ctx.now)?;
    let tx = ctx.db.begin().await?;
    let action = if approve {
        "engagement.approve"
    } else {
        "engagement.reject"
    };
    write(&tx, ctx, &next, action).await?;
    tx.commit().await?;
    detail(ctx, next, profile, view).await
}

/// The mentor accepts (taking one of the profile's free places: `capacity_reached` when none is
/// left, even under concurrent acceptances) or declines.
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn answer(
    ctx: &Ctx,
    id: MentoringEngagementId,
    accept: bool,
) -> ApiResult<EngagementDetail> {
    let (e, profile, view, side) = visible(ctx, id).await?;
    let external = matches!(profile.giver, Giver::External(_));
    let allowed =
        access::may_answer_engagement(&ctx.principal, side == Some(Side::Mentor), external);
    crate::services::ensure(allowed)?;
    let next = e.answered(accept, ctx.now)?;
    let tx = ctx.db.begin().await?;
    write(
        &tx,
        ctx,
        &next,
        if accept {
            "engagement.accept"
        } else {
            "engagement.decline"
        },
    )
    .await?;
    if accept {
        if !store::take_place(&tx, profile.id).await? {
            let now = store::get_profile(&tx, profile.id)
                .await?
                .unwrap_or(profile);
            return Err(Rule::CapacityReached {
                active: now.active_count,
                capacity: now.capacity,
            }
            .into());
        }
        if let Some(r) = next.request_id {
            if !store::request_matched(&tx, r).await? {
                let m = "the mentee's request was matched with another mentor meanwhile";
                return Err(ApiError::Conflict(m.into()));
            }
        }
    }
    tx.commit().await?;
    if accept {
        super::mentoring::profiles_changed(ctx).await?;
    }
    detail(ctx, next, profile, view).await
}

/// Close an active engagement (either participant) with that side's feedback; the mentor's
/// place is freed.
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn close(
    ctx: &Ctx,
    id: MentoringEngagementId,
    feedback: Option<Description>,
) -> ApiResult<EngagementDetail> {
    let (e, profile, view, side) = visible(ctx, id).await?;
    let side = side.ok_or(ApiError::Forbidden)?;
    let next = if e.state == EngagementState::Closed {
        let text = feedback.ok_or(ApiError::Rule(Rule::EngagementState {
            state: "closed",
            action: "closed again",
        }))?;
        e.feedback(side, text, ctx.now)?
    } else {
        e.closed(side, feedback, ctx.now)?
    };
    let tx = ctx.db.begin().await?;
    write(&tx, ctx, &next, "engagement.close").await?;
    let freed = e.state == EngagementState::Active;
    if freed {
        store::free_place(&tx, profile.id).await?;
    }
    tx.commit().await?;
    if freed {
        super::mentoring::profiles_changed(ctx).await?;
    }
    detail(ctx, next, profile, view).await
}

/// Log a session of an active engagement (either participant): it becomes the mentee's
/// learning-time entry, category `mentoring` or `coaching`, in working time unless said
/// otherwise, checked like any entry (not in the future, within employment, 24 hours a day).
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn log_session(
    ctx: &Ctx,
    id: MentoringEngagementId,
    fields: SessionFields,
) -> ApiResult<Session> {
    let (e, _, _, side) = visible(ctx, id).await?;
    side.ok_or(ApiError::Forbidden)?;
    e.check_session()?;
    let new = fields.parse().map_err(ApiError::Validation)?;
    let (mentee, _) = ctx.directory.relation(&ctx.principal, e.mentee_id).await?;
    let data = EntryData {
        date: new.date,
        minutes: new.minutes,
        in_work_time: new.in_work_time,
        category: e.kind.category(),
        course_id: None,
        skill_id: None,
        learning_record_id: None,
        note: None,
    };
    let limit = threshold(ctx, &mentee, new.date).await?;
    let entry = TimeEntry::new(
        TimeEntryId::from_uuid(uuid::Uuid::now_v7()),
        e.mentee_id,
        data,
        limit,
        ctx.now,
    );
    let session = Session {
        id: SessionId::from_uuid(uuid::Uuid::now_v7()),
        engagement_id: e.id,
        date: new.date,
        minutes: new.minutes,
        in_work_time: new.in_work_time,
        notes: new.notes,
        time_entry_id: entry.id,
        created_at: ctx.now,
    };
    let tx = ctx.db.begin().await?;
    let action = put_entry(&tx, ctx, &mentee.data.dates, &entry, None).await?;
    store::insert_session(&tx, &session).await?;
    let events = [
        audit::event(ctx, action, "time_entry", entry.id),
        audit::event(ctx, "engagement.session", "engagement", e.id),
    ];
    learnwell_persistence::audit::append(&tx, &events).await?;
    tx.commit().await?;
    Ok(session)
}
