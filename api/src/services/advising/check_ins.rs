//! Check-ins: held by the advisor or the supervisor; the supervisor rates each focus area, the
//! client writes a reflection, the advisor keeps notes (sealed at rest, read by their author
//! only). Progress per focus area over time, and the overdue check-ins.

use super::{allowed, audit_read, me, view, visible, EngagementView};
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, learning_time, page_size, paginate, Ctx, Page};
use chrono::NaiveDate;
use learnwell_domain::access::advising::{may, sees_all_engagements, Action, Parties};
use learnwell_domain::access::Role;
use learnwell_domain::advising::{
    check_held_on, optional_text, parse_ratings, AdvisorNote, CheckIn, Engagement, FocusArea,
    NoteText, Rating,
};
use learnwell_domain::ids::{CheckInId, EngagementId, NoteId, TimeEntryId};
use learnwell_domain::learning_time::{EntryCategory, EntryData, EntryMinutes, TimeEntry};
use learnwell_domain::org::Employee;
use learnwell_domain::FieldError;
use learnwell_persistence::advising::{self as store, SealedNote};
use learnwell_persistence::audit::append;
use learnwell_persistence::learning_time as time_store;
use learnwell_persistence::Tx;

/// A check-in as its reader may see it: ratings cut to what they may read (a supervisor sees
/// the ratings they gave), the reflection only for the client, the advisor and the supervisor.
#[derive(Debug, Clone)]
pub struct CheckInView {
    pub check_in: CheckIn,
    pub reflection_visible: bool,
}

/// The supervisor's ratings as sent: (focus area id, rating code) per item.
#[derive(Debug, Clone, Default)]
pub struct RatingsCommand {
    pub ratings: Vec<(Option<String>, Option<String>)>,
}

/// An advisor note, opened for its author.
#[derive(Debug, Clone)]
pub struct NoteView {
    pub note: AdvisorNote,
}

/// One focus area's ratings over time.
#[derive(Debug, Clone)]
pub struct FocusProgress {
    pub focus_area: FocusArea,
    pub ratings: Vec<(NaiveDate, Rating)>,
}

fn cut(ctx: &Ctx, parties: Parties, e: &Engagement, mut c: CheckIn) -> CheckInView {
    let all_ratings = parties.client || parties.advisor || parties.hr;
    if !all_ratings {
        let mine = ctx.principal.employee_id;
        c.ratings
            .retain(|r| parties.supervisor && Some(r.rated_by) == mine);
    }
    let reflection_visible = may(parties, Action::ReadReflections, e.origin);
    if !reflection_visible {
        c.reflection = None;
    }
    CheckInView {
        check_in: c,
        reflection_visible,
    }
}

/// The check-in and its engagement, for a caller who may `action` on it.
async fn check_in_for(
    ctx: &Ctx,
    id: CheckInId,
    action: Action,
) -> ApiResult<(Engagement, Parties, CheckIn)> {
    let engagement = store::check_in_engagement(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("check-in"))?;
    let (e, parties) = match allowed(ctx, engagement, action).await {
        Err(ApiError::NotFound(_)) => return Err(ApiError::NotFound("check-in")),
        other => other?,
    };
    let check_in = store::list_check_ins(&ctx.db, engagement)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(ApiError::NotFound("check-in"))?;
    Ok((e, parties, check_in))
}

/// A session with the advisor as the client's learning time (category `advising`, in work
/// time), so development during a PIP happens in work time, not on top of it.
async fn session_entry(
    ctx: &Ctx,
    e: &Engagement,
    held_on: NaiveDate,
    minutes: Option<i64>,
) -> ApiResult<Option<(Employee, TimeEntry)>> {
    let Some(minutes) = minutes else {
        return Ok(None);
    };
    let minutes = EntryMinutes::new(minutes)
        .map_err(|_| FieldError::new("session_minutes", "must be between 1 and 1440"))?;
    let (client, _) = ctx.directory.relation(&ctx.principal, e.client_id).await?;
    let threshold = learning_time::threshold(ctx, &client, held_on).await?;
    let data = EntryData {
        date: held_on,
        minutes,
        in_work_time: true,
        category: EntryCategory::Advising,
        course_id: None,
        skill_id: None,
        learning_record_id: None,
        note: None,
    };
    let id = TimeEntryId::from_uuid(uuid::Uuid::now_v7());
    let entry = TimeEntry::new(id, e.client_id, data, threshold, ctx.now);
    Ok(Some((client, entry)))
}

/// Write the session's learning time in `tx`, holding the client's lock (24 hours a day, within
/// employment), with its audit event.
async fn log_session(tx: &Tx, ctx: &Ctx, session: Option<&(Employee, TimeEntry)>) -> ApiResult<()> {
    let Some((client, entry)) = session else {
        return Ok(());
    };
    time_store::lock_people(tx, &[client.id]).await?;
    let kept = learning_time::add_entries(tx, ctx, &[(&client.data.dates, entry)]).await?;
    if kept.is_empty() {
        return Err(FieldError::new(
            "session_minutes",
            "do not fit the client's learning time that day (a day holds at most 24 hours, within their employment)",
        )
        .into());
    }
    append(
        tx,
        &[audit::event(
            ctx,
            "time_entry.create",
            "time_entry",
            entry.id,
        )],
    )
    .await?;
    Ok(())
}

/// Record a check-in held on a day (the advisor or the supervisor), and the session's minutes
/// as the client's learning time when given.
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn hold_check_in(
    ctx: &Ctx,
    id: EngagementId,
    held_on: Option<NaiveDate>,
    session_minutes: Option<i64>,
) -> ApiResult<CheckInView> {
    let (e, parties) = allowed(ctx, id, Action::CheckIn).await?;
    let held_on = held_on.unwrap_or(ctx.now.date_naive());
    check_held_on(&e, held_on, ctx.now.date_naive())?;
    let session = session_entry(ctx, &e, held_on, session_minutes).await?;
    let check_in = CheckIn {
        id: CheckInId::from_uuid(uuid::Uuid::now_v7()),
        engagement_id: id,
        held_on,
        reflection: None,
        ratings: Vec::new(),
        created_at: ctx.now,
    };
    let tx = ctx.db.begin().await?;
    store::insert_check_in(&tx, &check_in).await?;
    log_session(&tx, ctx, session.as_ref()).await?;
    append(
        &tx,
        &[audit::event(
            ctx,
            "advising.check_in.create",
            "advising_check_in",
            check_in.id,
        )],
    )
    .await?;
    tx.commit().await?;
    Ok(cut(ctx, parties, &e, check_in))
}

/// The supervisor rates focus areas at a check-in (a focus area rated again is replaced).
#[tracing::instrument(skip_all, fields(check_in_id = %id))]
pub async fn rate(ctx: &Ctx, id: CheckInId, cmd: RatingsCommand) -> ApiResult<CheckInView> {
    let (e, parties, mut check_in) = check_in_for(ctx, id, Action::Rate).await?;
    let ratings = parse_ratings(&e, &cmd.ratings, me(ctx)?, ctx.now)?;
    let tx = ctx.db.begin().await?;
    store::put_ratings(&tx, id, &ratings).await?;
    append(
        &tx,
        &[audit::event(
            ctx,
            "advising.check_in.rate",
            "advising_check_in",
            id,
        )],
    )
    .await?;
    tx.commit().await?;
    check_in
        .ratings
        .retain(|r| !ratings.iter().any(|n| n.focus_area_id == r.focus_area_id));
    check_in.ratings.extend(ratings);
    Ok(cut(ctx, parties, &e, check_in))
}

/// The client's reflection on a check-in (replaces an earlier one).
#[tracing::instrument(skip_all, fields(check_in_id = %id))]
pub async fn reflect(ctx: &Ctx, id: CheckInId, text: Option<String>) -> ApiResult<CheckInView> {
    let (e, parties, mut check_in) = check_in_for(ctx, id, Action::Reflect).await?;
    let text = optional_text(text.as_deref(), "text", 5000)?
        .ok_or_else(|| ApiError::validation(FieldError::new("text", "is required")))?;
    let tx = ctx.db.begin().await?;
    store::set_reflection(&tx, id, &text).await?;
    append(
        &tx,
        &[audit::event(
            ctx,
            "advising.check_in.reflect",
            "advising_check_in",
            id,
        )],
    )
    .await?;
    tx.commit().await?;
    check_in.reflection = Some(text);
    Ok(cut(ctx, parties, &e, check_in))
}

/// What a note's ciphertext is bound to: it opens for this row only.
pub(super) fn note_context(n: &SealedNote) -> String {
    format!(
        "learnwell:advising-note:v1:{}:{}:{}:{}",
        n.id, n.engagement_id, n.check_in_id, n.author_id
    )
}

pub(super) fn keys_unavailable(e: &super::cipher::CipherError) -> ApiError {
    ApiError::Unavailable(e.to_string())
}

/// The advisor writes a note on a check-in; it is sealed before it is stored.
#[tracing::instrument(skip_all, fields(check_in_id = %id))]
pub async fn add_note(ctx: &Ctx, id: CheckInId, text: Option<String>) -> ApiResult<NoteView> {
    let (e, _, _) = check_in_for(ctx, id, Action::Notes).await?;
    let text = NoteText::parse(text.as_deref().unwrap_or_default())?;
    let mut sealed = SealedNote {
        id: NoteId::from_uuid(uuid::Uuid::now_v7()),
        engagement_id: e.id,
        check_in_id: id,
        author_id: me(ctx)?,
        key_id: String::new(),
        ciphertext: String::new(),
        created_at: ctx.now,
    };
    let keys = &ctx.settings.advising.note_keys;
    (sealed.key_id, sealed.ciphertext) = keys
        .seal(text.expose(), &note_context(&sealed))
        .map_err(|e| keys_unavailable(&e))?;
    let tx = ctx.db.begin().await?;
    store::insert_note(&tx, &sealed).await?;
    append(
        &tx,
        &[audit::event(
            ctx,
            "advising.note.create",
            "advising_note",
            sealed.id,
        )],
    )
    .await?;
    tx.commit().await?;
    Ok(NoteView {
        note: AdvisorNote {
            id: sealed.id,
            engagement_id: e.id,
            check_in_id: id,
            author_id: sealed.author_id,
            text,
            created_at: ctx.now,
        },
    })
}

/// Open a stored note (for its author, or for re-sealing).
pub(super) fn open_note(ctx: &crate::services::Services, n: &SealedNote) -> ApiResult<NoteText> {
    let keys = &ctx.settings.advising.note_keys;
    keys.open(&n.key_id, &n.ciphertext, &note_context(n))
        .map(NoteText::from_stored)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// The advisor's own notes on an engagement, opened. Nobody else reads them.
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn list_notes(ctx: &Ctx, id: EngagementId) -> ApiResult<Vec<NoteView>> {
    allowed(ctx, id, Action::Notes).await?;
    let author = me(ctx)?;
    let sealed = store::list_notes(&ctx.db, id, author).await?;
    audit_read(ctx, "advising.notes.read", id).await?;
    sealed
        .iter()
        .map(|n| {
            Ok(NoteView {
                note: AdvisorNote {
                    id: n.id,
                    engagement_id: n.engagement_id,
                    check_in_id: n.check_in_id,
                    author_id: n.author_id,
                    text: open_note(ctx, n)?,
                    created_at: n.created_at,
                },
            })
        })
        .collect()
}

/// An engagement's check-ins, cut to what the caller may read.
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn list_check_ins(ctx: &Ctx, id: EngagementId) -> ApiResult<Vec<CheckInView>> {
    let (e, parties) = visible(ctx, id).await?;
    let check_ins = store::list_check_ins(&ctx.db, id).await?;
    audit_read(ctx, "advising.check_ins.read", id).await?;
    Ok(check_ins
        .into_iter()
        .map(|c| cut(ctx, parties, &e, c))
        .collect())
}

/// Each focus area's ratings over time (what the caller may read of them).
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn progress(ctx: &Ctx, id: EngagementId) -> ApiResult<Vec<FocusProgress>> {
    let (e, _) = allowed(ctx, id, Action::ReadRatings).await?;
    let check_ins = list_check_ins(ctx, id).await?;
    Ok(e.plan
        .focus_areas
        .iter()
        .map(|f| FocusProgress {
            focus_area: f.clone(),
            ratings: check_ins
                .iter()
                .flat_map(|c| {
                    c.check_in
                        .ratings
                        .iter()
                        .filter(|r| r.focus_area_id == f.id)
                        .map(|r| (c.check_in.held_on, r.rating))
                })
                .collect(),
        })
        .collect())
}

/// A page of the running engagements whose check-in is overdue, in creation order, for their
/// advisor and supervisor (every one for `hr_admin`).
#[tracing::instrument(skip_all)]
pub async fn overdue_check_ins(
    ctx: &Ctx,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<EngagementView>> {
    let p = &ctx.principal;
    let limit = page_size(first)?;
    let after = decode_cursor::<EngagementId>(after)?;
    let overseer = if sees_all_engagements(p) {
        None
    } else {
        match p.employee_id {
            Some(person) if !p.leaver => Some(store::Overseer {
                person,
                advisor: p.has(Role::PerformanceAdvisor),
            }),
            _ => {
                return Ok(Page {
                    items: Vec::new(),
                    next_cursor: None,
                })
            }
        }
    };
    let today = ctx.now.date_naive();
    let rows = store::list_overdue(&ctx.db, today, overseer, after, limit + 1).await?;
    let page = paginate(rows, limit, |e| e.id.to_string());
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|e| view(ctx, e))
            .filter(|v| {
                v.check_in_overdue && (v.parties.advisor || v.parties.supervisor || v.parties.hr)
            })
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// How often the overdue sweep runs.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Record a `check_in.overdue` event for every running engagement whose check-in is overdue,
/// once per due date (for the coming webhooks). Returns how many events are new.
pub async fn flag_overdue(svc: &crate::services::Services, today: NaiveDate) -> ApiResult<u64> {
    let all = store::list_overdue(&svc.db, today, None, None, 100_000).await?;
    let tx = svc.db.begin().await?;
    let mut new = 0;
    for e in all.iter().filter(|e| e.check_in_overdue(today)) {
        let Some(due_on) = e.next_check_in_due() else {
            continue;
        };
        let event = store::AdvisingEvent {
            id: uuid::Uuid::now_v7().to_string(),
            engagement_id: e.id,
            kind: "check_in.overdue".to_owned(),
            due_on,
            created_at: chrono::Utc::now(),
        };
        new += u64::from(store::record_event(&tx, &event).await?);
    }
    tx.commit().await?;
    Ok(new)
}

/// The overdue sweep, every quarter of an hour while the server runs (the first a quarter of an
/// hour after start, off the start-up's path).
pub async fn run_overdue_sweep(svc: crate::services::Services) {
    loop {
        tokio::time::sleep(SWEEP_EVERY).await;
        let today = chrono::Utc::now().date_naive();
        if let Err(e) = flag_overdue(&svc, today).await {
            tracing::error!(error = %e, "advising overdue sweep failed; it is retried");
        }
    }
}

/// The advising events after the cursor `after` (`hr_admin`; the feed the coming webhooks
/// deliver).
#[tracing::instrument(skip_all)]
pub async fn list_events(
    ctx: &Ctx,
    first: Option<u64>,
    after: Option<String>,
) -> ApiResult<Page<store::AdvisingEvent>> {
    crate::services::ensure(sees_all_engagements(&ctx.principal))?;
    let limit = page_size(first)?;
    let after = decode_cursor::<uuid::Uuid>(after.as_deref())?;
    let rows =
        store::list_events(&ctx.db, after.map(|a| a.to_string()).as_deref(), limit + 1).await?;
    Ok(paginate(rows, limit, |e| e.id.clone()))
}
