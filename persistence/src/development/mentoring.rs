//! Stores of mentoring and coaching: profiles, requests, engagements and sessions. A profile's
//! `active_count` changes only by conditional updates that keep it within its capacity.

use super::entities::{engagement, profile, request, session};
use crate::db::statement;
use crate::{parse_id, Conn, StoreError, StoreResult, Tx};
use learnwell_domain::catalog::Description;
use learnwell_domain::development::{
    Engagement, EngagementState, Giver, Language, MeetingFormat, MentorProfile, MentoringRequest,
    ProfileKind, RequestState, Session,
};
use learnwell_domain::ids::{
    EmployeeId, MentorProfileId, MentoringEngagementId, MentoringRequestId, SkillId,
};
use learnwell_domain::learning_time::EntryMinutes;
use learnwell_domain::org::{JobLevel, Label};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned())
}

fn skills(s: &str) -> StoreResult<Vec<SkillId>> {
    serde_json::from_str(s).map_err(StoreError::corrupt)
}

fn languages(s: &str) -> StoreResult<Vec<Language>> {
    let tags: Vec<String> = serde_json::from_str(s).map_err(StoreError::corrupt)?;
    tags.iter()
        .map(|t| Language::parse(t, "languages").map_err(StoreError::corrupt))
        .collect()
}

fn tags(l: &[Language]) -> String {
    json(&l.iter().map(Language::as_str).collect::<Vec<_>>())
}

fn text(s: Option<&str>) -> StoreResult<Option<Description>> {
    s.map(Description::parse)
        .transpose()
        .map_err(StoreError::corrupt)
}

fn count(v: i32) -> StoreResult<u32> {
    u32::try_from(v).map_err(StoreError::corrupt)
}

// ---- profiles ----

fn to_profile(m: profile::Model) -> StoreResult<MentorProfile> {
    let c = StoreError::corrupt;
    let giver = match (m.employee_id, m.external_name) {
        (Some(e), _) => Giver::Internal(parse_id(&e)?),
        (None, Some(n)) => Giver::External(Label::parse(&n).map_err(c)?),
        (None, None) => return Err(StoreError::corrupt("a profile without a giver")),
    };
    Ok(MentorProfile {
        id: parse_id(&m.id)?,
        kind: ProfileKind::parse(&m.kind).map_err(c)?,
        giver,
        bio: text(m.bio.as_deref())?,
        skills: skills(&m.skills)?,
        levels: (
            JobLevel::new(m.level_min.into()).map_err(c)?,
            JobLevel::new(m.level_max.into()).map_err(c)?,
        ),
        languages: languages(&m.languages)?,
        availability: m
            .availability
            .as_deref()
            .map(Label::parse)
            .transpose()
            .map_err(c)?,
        capacity: count(m.capacity)?,
        active_count: count(m.active_count)?,
        active: m.active,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_profile_model(p: &MentorProfile) -> profile::Model {
    let (employee_id, external_name) = match &p.giver {
        Giver::Internal(e) => (Some(e.to_string()), None),
        Giver::External(n) => (None, Some(n.to_string())),
    };
    profile::Model {
        id: p.id.to_string(),
        kind: p.kind.code().to_owned(),
        employee_id,
        external_name,
        bio: p.bio.as_ref().map(ToString::to_string),
        skills: json(&p.skills),
        level_min: i16::from(p.levels.0.get()),
        level_max: i16::from(p.levels.1.get()),
        languages: tags(&p.languages),
        availability: p.availability.as_ref().map(ToString::to_string),
        capacity: i32::try_from(p.capacity).unwrap_or(i32::MAX),
        active_count: i32::try_from(p.active_count).unwrap_or(i32::MAX),
        active: p.active,
        version: p.version,
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}

pub async fn insert_profile(tx: &Tx, p: &MentorProfile) -> StoreResult<()> {
    profile::Entity::insert(to_profile_model(p).into_active_model().reset_all())
        .exec_without_returning(tx.conn())
        .await?;
    Ok(())
}

/// Insert many profiles at once (demo data, benchmarks).
pub async fn insert_profiles(tx: &Tx, all: &[MentorProfile]) -> StoreResult<()> {
    let rows: Vec<_> = all.iter().map(to_profile_model).collect();
    for chunk in rows.chunks(crate::INSERT_CHUNK / 4) {
        profile::Entity::insert_many(
            chunk
                .iter()
                .map(|m| m.clone().into_active_model().reset_all()),
        )
        .exec_without_returning(tx.conn())
        .await?;
    }
    Ok(())
}

pub async fn get_profile(c: &impl Conn, id: MentorProfileId) -> StoreResult<Option<MentorProfile>> {
    profile::Entity::find_by_id(id.to_string())
        .one(c.conn())
        .await?
        .map(to_profile)
        .transpose()
}

/// Profiles by id.
pub async fn profiles_by_ids(
    c: &impl Conn,
    ids: &[MentorProfileId],
) -> StoreResult<Vec<MentorProfile>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    profile::Entity::find()
        .filter(profile::Column::Id.is_in(ids.iter().map(ToString::to_string)))
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_profile)
        .collect()
}

/// One page of profiles, in id order.
pub async fn list_profiles(
    c: &impl Conn,
    after: Option<MentorProfileId>,
    limit: u64,
) -> StoreResult<Vec<MentorProfile>> {
    let mut find = profile::Entity::find();
    if let Some(a) = after {
        find = find.filter(profile::Column::Id.gt(a.to_string()));
    }
    find.order_by_asc(profile::Column::Id)
        .limit(limit)
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_profile)
        .collect()
}

/// The active profiles of a kind with a free place, with their givers' job level and org unit
/// (matching's candidates; an internal giver who left is none): two statements.
pub async fn candidates(
    c: &impl Conn,
    kind: ProfileKind,
) -> StoreResult<Vec<(MentorProfile, Option<i16>, Option<String>)>> {
    let rows = profile::Entity::find()
        .filter(profile::Column::Kind.eq(kind.code()))
        .filter(profile::Column::Active.eq(true))
        .filter(sea_orm::sea_query::Expr::cust("active_count < capacity"))
        .order_by_asc(profile::Column::Id)
        .all(c.conn())
        .await?;
    let internal: Vec<EmployeeId> = rows
        .iter()
        .filter_map(|m| m.employee_id.as_deref().and_then(|e| e.parse().ok()))
        .collect();
    let places = places_of(c, &internal).await?;
    rows.into_iter()
        .filter_map(|m| {
            let Some(giver) = m.employee_id.as_deref() else {
                return Some(to_profile(m).map(|p| (p, None, None)));
            };
            let (level, unit) = giver
                .parse::<EmployeeId>()
                .ok()
                .and_then(|e| places.get(&e).cloned())?;
            Some(to_profile(m).map(|p| (p, Some(level), unit)))
        })
        .collect()
}

/// The job level and org unit of each employee who has not left (one statement).
async fn places_of(
    c: &impl Conn,
    ids: &[EmployeeId],
) -> StoreResult<std::collections::HashMap<EmployeeId, (i16, Option<String>)>> {
    #[derive(sea_orm::FromQueryResult)]
    struct Place {
        id: String,
        job_level: i16,
        org_unit_id: Option<String>,
    }
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let sql = format!(
        "SELECT id, job_level, org_unit_id FROM employees \
         WHERE status <> 'terminated' AND id IN ({})",
        crate::db::json_keys(c.backend())
    );
    let json = serde_json::to_string(&keys).map_err(StoreError::corrupt)?;
    let rows = <Place as sea_orm::FromQueryResult>::find_by_statement(statement(
        c.backend(),
        &sql,
        vec![json.into()],
    ))
    .all(c.conn())
    .await?;
    rows.into_iter()
        .map(|r| Ok((parse_id(&r.id)?, (r.job_level, r.org_unit_id))))
        .collect()
}

async fn change(tx: &Tx, sql: &str, id: MentorProfileId) -> StoreResult<bool> {
    let r = tx
        .conn()
        .execute(statement(tx.backend(), sql, vec![id.to_string().into()]))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Take a free place on a profile: false when it has none (one conditional update, so
/// concurrent acceptances never exceed the capacity).
pub async fn take_place(tx: &Tx, id: MentorProfileId) -> StoreResult<bool> {
    change(
        tx,
        "UPDATE mentor_profiles SET active_count = active_count + 1, version = version + 1 \
         WHERE id = ? AND active_count < capacity",
        id,
    )
    .await
}

/// Give a place back (an engagement closed).
pub async fn free_place(tx: &Tx, id: MentorProfileId) -> StoreResult<()> {
    change(
        tx,
        "UPDATE mentor_profiles SET active_count = active_count - 1, version = version + 1 \
         WHERE id = ? AND active_count > 0",
        id,
    )
    .await
    .map(drop)
}

// ---- requests ----

fn to_request(m: request::Model) -> StoreResult<MentoringRequest> {
    let c = StoreError::corrupt;
    Ok(MentoringRequest {
        id: parse_id(&m.id)?,
        mentee_id: parse_id(&m.mentee_id)?,
        kind: ProfileKind::parse(&m.kind).map_err(c)?,
        goals: Description::parse(&m.goals).map_err(c)?,
        skills: skills(&m.skills)?,
        languages: languages(&m.languages)?,
        preferred_format: MeetingFormat::parse(&m.preferred_format).map_err(c)?,
        state: RequestState::parse(&m.state).map_err(c)?,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

pub async fn insert_request(tx: &Tx, r: &MentoringRequest) -> StoreResult<()> {
    let m = request::Model {
        id: r.id.to_string(),
        mentee_id: r.mentee_id.to_string(),
        kind: r.kind.code().to_owned(),
        goals: r.goals.to_string(),
        skills: json(&r.skills),
        languages: tags(&r.languages),
        preferred_format: r.preferred_format.code().to_owned(),
        state: r.state.code().to_owned(),
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    };
    request::Entity::insert(m.into_active_model().reset_all())
        .exec_without_returning(tx.conn())
        .await?;
    Ok(())
}

pub async fn get_request(
    c: &impl Conn,
    id: MentoringRequestId,
) -> StoreResult<Option<MentoringRequest>> {
    request::Entity::find_by_id(id.to_string())
        .one(c.conn())
        .await?
        .map(to_request)
        .transpose()
}

/// Mark an open request matched (an engagement for it was accepted): false when it was not
/// open (another engagement for it was accepted first).
pub async fn request_matched(tx: &Tx, id: MentoringRequestId) -> StoreResult<bool> {
    let r = request::Entity::update_many()
        .col_expr(
            request::Column::State,
            sea_orm::sea_query::Expr::value(RequestState::Matched.code()),
        )
        .filter(request::Column::Id.eq(id.to_string()))
        .filter(request::Column::State.eq(RequestState::Open.code()))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

// ---- engagements ----

fn to_engagement(m: engagement::Model) -> StoreResult<Engagement> {
    let c = StoreError::corrupt;
    Ok(Engagement {
        id: parse_id(&m.id)?,
        kind: ProfileKind::parse(&m.kind).map_err(c)?,
        profile_id: parse_id(&m.profile_id)?,
        mentee_id: parse_id(&m.mentee_id)?,
        request_id: m.request_id.as_deref().map(parse_id).transpose()?,
        goals: Description::parse(&m.goals).map_err(c)?,
        state: EngagementState::parse(&m.state).map_err(c)?,
        mentor_feedback: text(m.mentor_feedback.as_deref())?,
        mentee_feedback: text(m.mentee_feedback.as_deref())?,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_engagement_model(e: &Engagement) -> engagement::Model {
    engagement::Model {
        id: e.id.to_string(),
        kind: e.kind.code().to_owned(),
        profile_id: e.profile_id.to_string(),
        mentee_id: e.mentee_id.to_string(),
        request_id: e.request_id.map(|r| r.to_string()),
        goals: e.goals.to_string(),
        state: e.state.code().to_owned(),
        mentor_feedback: e.mentor_feedback.as_ref().map(ToString::to_string),
        mentee_feedback: e.mentee_feedback.as_ref().map(ToString::to_string),
        version: e.version,
        created_at: e.created_at,
        updated_at: e.updated_at,
    }
}

pub async fn insert_engagement(tx: &Tx, e: &Engagement) -> StoreResult<()> {
    engagement::Entity::insert(to_engagement_model(e).into_active_model().reset_all())
        .exec_without_returning(tx.conn())
        .await?;
    Ok(())
}

pub async fn get_engagement(
    c: &impl Conn,
    id: MentoringEngagementId,
) -> StoreResult<Option<Engagement>> {
    engagement::Entity::find_by_id(id.to_string())
        .one(c.conn())
        .await?
        .map(to_engagement)
        .transpose()
}

/// Write `e` (its `version` already the new one) over the version before, else `StaleVersion`.
pub async fn update_engagement(tx: &Tx, e: &Engagement) -> StoreResult<()> {
    let r = engagement::Entity::update_many()
        .set(to_engagement_model(e).into_active_model().reset_all())
        .filter(engagement::Column::Id.eq(e.id.to_string()))
        .filter(engagement::Column::Version.eq(e.version - 1))
        .exec(tx.conn())
        .await?;
    if r.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    Ok(())
}

/// A page of a person's engagements as mentee, or of profiles', in id order after `after`.
pub async fn list_engagements(
    c: &impl Conn,
    mentee: Option<EmployeeId>,
    profiles: Option<&[MentorProfileId]>,
    after: Option<MentoringEngagementId>,
    limit: u64,
) -> StoreResult<Vec<Engagement>> {
    let mut find = engagement::Entity::find();
    if let Some(m) = mentee {
        find = find.filter(engagement::Column::MenteeId.eq(m.to_string()));
    }
    if let Some(p) = profiles {
        find = find.filter(engagement::Column::ProfileId.is_in(p.iter().map(ToString::to_string)));
    }
    crate::paging::after_key(
        find,
        engagement::Column::Id,
        after.map(|a| a.to_string()),
        limit,
    )
    .all(c.conn())
    .await?
    .into_iter()
    .map(to_engagement)
    .collect()
}

/// The ids of a person's own internal profiles.
pub async fn profiles_of(c: &impl Conn, giver: EmployeeId) -> StoreResult<Vec<MentorProfileId>> {
    profile::Entity::find()
        .filter(profile::Column::EmployeeId.eq(giver.to_string()))
        .all(c.conn())
        .await?
        .iter()
        .map(|m| parse_id(&m.id))
        .collect()
}

// ---- sessions ----

pub async fn insert_session(tx: &Tx, s: &Session) -> StoreResult<()> {
    let m = session::Model {
        id: s.id.to_string(),
        engagement_id: s.engagement_id.to_string(),
        session_date: s.date,
        minutes: i32::try_from(s.minutes.get()).unwrap_or(i32::MAX),
        in_work_time: s.in_work_time,
        notes: s.notes.as_ref().map(ToString::to_string),
        time_entry_id: s.time_entry_id.to_string(),
        version: 1,
        created_at: s.created_at,
        updated_at: s.created_at,
    };
    session::Entity::insert(m.into_active_model().reset_all())
        .exec_without_returning(tx.conn())
        .await?;
    Ok(())
}

/// An engagement's sessions, oldest first.
pub async fn list_sessions(c: &impl Conn, id: MentoringEngagementId) -> StoreResult<Vec<Session>> {
    session::Entity::find()
        .filter(session::Column::EngagementId.eq(id.to_string()))
        .order_by_asc(session::Column::Id)
        .all(c.conn())
        .await?
        .into_iter()
        .map(|m| {
            Ok(Session {
                id: parse_id(&m.id)?,
                engagement_id: parse_id(&m.engagement_id)?,
                date: m.session_date,
                minutes: EntryMinutes::new(m.minutes.into()).map_err(StoreError::corrupt)?,
                in_work_time: m.in_work_time,
                notes: text(m.notes.as_deref())?,
                time_entry_id: parse_id(&m.time_entry_id)?,
                created_at: m.created_at,
            })
        })
        .collect()
}
