//! Stores of the advising context: engagements (with the supervisor in effect: the pinned one or
//! the client's current manager), their history, check-ins with ratings, sealed advisor notes
//! and referrals. Dates are stored as `YYYY-MM-DD` text and instants as RFC 3339 text.

use crate::db::statement;
use crate::{parse_id, Conn, StoreError, StoreResult, Tx};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use learnwell_domain::advising::{
    Acknowledgement, CheckIn, CheckInCadence, Engagement, EngagementState, FocusArea, FocusKind,
    FocusRating, HistoryEntry, Origin, Plan, Rating, Referral, ReferralTarget,
};
use learnwell_domain::ids::{CheckInId, EmployeeId, EngagementId, NoteId};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use std::collections::HashMap;

fn day(s: &str) -> StoreResult<NaiveDate> {
    s.parse().map_err(StoreError::corrupt)
}

fn instant(s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(StoreError::corrupt)
}

fn text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn opt<T: ToString>(v: Option<T>) -> Value {
    Value::String(v.map(|v| Box::new(v.to_string())))
}

fn code<T>(s: &str, parse: fn(&str) -> Result<T, learnwell_domain::FieldError>) -> StoreResult<T> {
    parse(s).map_err(StoreError::corrupt)
}

async fn exec(c: &impl Conn, sql: &str, values: Vec<Value>) -> StoreResult<u64> {
    Ok(c.conn()
        .execute(statement(c.backend(), sql, values))
        .await
        .map_err(StoreError::from_write)?
        .rows_affected())
}

async fn rows<T: FromQueryResult>(
    c: &impl Conn,
    sql: &str,
    values: Vec<Value>,
) -> StoreResult<Vec<T>> {
    Ok(T::find_by_statement(statement(c.backend(), sql, values))
        .all(c.conn())
        .await?)
}

// ---- engagements ----

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredFocusArea {
    id: String,
    kind: String,
    title: Option<String>,
    expectations: String,
    support: Option<String>,
}

#[derive(FromQueryResult)]
struct EngagementRow {
    id: String,
    client_id: String,
    advisor_id: Option<String>,
    supervisor_pin: Option<String>,
    client_manager_id: Option<String>,
    origin: String,
    state: String,
    focus_areas: String,
    cadence: String,
    cadence_days: i32,
    start_date: String,
    planned_end: String,
    acknowledged_at: Option<String>,
    acknowledgement_comment: Option<String>,
    activated_at: Option<String>,
    closed_at: Option<String>,
    closing_summary: Option<String>,
    version: i64,
    created_at: String,
    updated_at: String,
    last_check_in: Option<String>,
}

const SELECT: &str = "SELECT a.id, a.client_id, a.advisor_id, a.supervisor_pin, e.manager_id AS client_manager_id, \
     a.origin, a.state, a.focus_areas, a.cadence, a.cadence_days, a.start_date, a.planned_end, \
     a.acknowledged_at, a.acknowledgement_comment, a.activated_at, a.closed_at, a.closing_summary, \
     a.version, a.created_at, a.updated_at, \
     (SELECT MAX(c.held_on) FROM advising_check_ins c WHERE c.engagement_id = a.id) AS last_check_in \
     FROM advising_engagements a JOIN employees e ON e.id = a.client_id";

fn focus_areas(json: &str) -> StoreResult<Vec<FocusArea>> {
    let stored: Vec<StoredFocusArea> = serde_json::from_str(json).map_err(StoreError::corrupt)?;
    stored
        .into_iter()
        .map(|f| {
            Ok(FocusArea {
                id: parse_id(&f.id)?,
                kind: code(&f.kind, FocusKind::parse)?,
                title: f.title,
                expectations: f.expectations,
                support: f.support,
            })
        })
        .collect()
}

fn focus_areas_json(areas: &[FocusArea]) -> StoreResult<String> {
    let stored: Vec<_> = areas
        .iter()
        .map(|f| StoredFocusArea {
            id: f.id.to_string(),
            kind: f.kind.code().to_owned(),
            title: f.title.clone(),
            expectations: f.expectations.clone(),
            support: f.support.clone(),
        })
        .collect();
    serde_json::to_string(&stored).map_err(StoreError::corrupt)
}

impl EngagementRow {
    fn into_engagement(self) -> StoreResult<Engagement> {
        let pin = self.supervisor_pin.as_deref().map(parse_id).transpose()?;
        let manager = self
            .client_manager_id
            .as_deref()
            .map(parse_id)
            .transpose()?;
        let days = i64::from(self.cadence_days);
        let cadence =
            CheckInCadence::parse(&self.cadence, (self.cadence == "custom").then_some(days))
                .map_err(StoreError::corrupt)?;
        let acknowledgement = match self.acknowledged_at {
            Some(at) => Some(Acknowledgement {
                at: instant(&at)?,
                comment: self.acknowledgement_comment,
            }),
            None => None,
        };
        Ok(Engagement {
            id: parse_id(&self.id)?,
            client_id: parse_id(&self.client_id)?,
            advisor_id: self.advisor_id.as_deref().map(parse_id).transpose()?,
            supervisor_id: pin.or(manager),
            supervisor_pinned: pin.is_some(),
            origin: code(&self.origin, Origin::parse)?,
            state: code(&self.state, EngagementState::parse)?,
            plan: Plan {
                focus_areas: focus_areas(&self.focus_areas)?,
                cadence,
                start_date: day(&self.start_date)?,
                planned_end: day(&self.planned_end)?,
            },
            acknowledgement,
            activated_at: self.activated_at.as_deref().map(instant).transpose()?,
            closed_at: self.closed_at.as_deref().map(instant).transpose()?,
            closing_summary: self.closing_summary,
            version: self.version,
            created_at: instant(&self.created_at)?,
            updated_at: instant(&self.updated_at)?,
            last_check_in: self.last_check_in.as_deref().map(day).transpose()?,
        })
    }
}

/// The columns written for an engagement, in `COLUMNS` order (without `id`).
fn values(e: &Engagement) -> StoreResult<Vec<Value>> {
    let pin = if e.supervisor_pinned {
        e.supervisor_id
    } else {
        None
    };
    Ok(vec![
        e.client_id.to_string().into(),
        opt(e.advisor_id),
        opt(pin),
        e.origin.code().into(),
        e.state.code().into(),
        focus_areas_json(&e.plan.focus_areas)?.into(),
        e.plan.cadence.code().into(),
        i32::try_from(e.plan.cadence.days()).unwrap_or(7).into(),
        e.plan.start_date.to_string().into(),
        e.plan.planned_end.to_string().into(),
        opt(e.acknowledgement.as_ref().map(|a| text(a.at))),
        opt(e.acknowledgement.as_ref().and_then(|a| a.comment.clone())),
        opt(e.activated_at.map(text)),
        opt(e.closed_at.map(text)),
        opt(e.closing_summary.clone()),
        e.version.into(),
        text(e.created_at).into(),
        text(e.updated_at).into(),
    ])
}

const COLUMNS: &[&str] = &[
    "client_id",
    "advisor_id",
    "supervisor_pin",
    "origin",
    "state",
    "focus_areas",
    "cadence",
    "cadence_days",
    "start_date",
    "planned_end",
    "acknowledged_at",
    "acknowledgement_comment",
    "activated_at",
    "closed_at",
    "closing_summary",
    "version",
    "created_at",
    "updated_at",
];

pub async fn insert_engagement(tx: &Tx, e: &Engagement) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO advising_engagements (id, {}) VALUES (?{})",
        COLUMNS.join(", "),
        ", ?".repeat(COLUMNS.len())
    );
    let mut v = vec![e.id.to_string().into()];
    v.extend(values(e)?);
    exec(tx, &sql, v).await?;
    Ok(())
}

/// Write `e` over the stored row only if that row still has version `expected`.
pub async fn update_engagement(tx: &Tx, e: &Engagement, expected: i64) -> StoreResult<()> {
    let sets: Vec<String> = COLUMNS.iter().map(|c| format!("{c} = ?")).collect();
    let sql = format!(
        "UPDATE advising_engagements SET {} WHERE id = ? AND version = ?",
        sets.join(", ")
    );
    let mut v = values(e)?;
    v.push(e.id.to_string().into());
    v.push(expected.into());
    match exec(tx, &sql, v).await? {
        0 => Err(StoreError::StaleVersion),
        _ => Ok(()),
    }
}

pub async fn get_engagement(c: &impl Conn, id: EngagementId) -> StoreResult<Option<Engagement>> {
    let sql = format!("{SELECT} WHERE a.id = ?");
    let found: Vec<EngagementRow> = rows(c, &sql, vec![id.to_string().into()]).await?;
    found
        .into_iter()
        .next()
        .map(EngagementRow::into_engagement)
        .transpose()
}

/// Engagements in id order after `after`, at most `limit`: every one (`involving` None), or
/// those where the person is the client, the advisor, the pinned supervisor or the manager of
/// a client without a pinned supervisor.
pub async fn list_engagements(
    c: &impl Conn,
    involving: Option<EmployeeId>,
    after: Option<EngagementId>,
    limit: u64,
) -> StoreResult<Vec<Engagement>> {
    let mut sql = format!("{SELECT} WHERE a.id > ?");
    let mut v: Vec<Value> = vec![after.map_or(String::new(), |a| a.to_string()).into()];
    if let Some(me) = involving {
        sql.push_str(
            " AND (a.client_id = ? OR a.advisor_id = ? OR a.supervisor_pin = ? \
             OR (a.supervisor_pin IS NULL AND e.manager_id = ?))",
        );
        v.extend(std::iter::repeat_n(Value::from(me.to_string()), 4));
    }
    sql.push_str(" ORDER BY a.id LIMIT ?");
    v.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    let found: Vec<EngagementRow> = rows(c, &sql, v).await?;
    found
        .into_iter()
        .map(EngagementRow::into_engagement)
        .collect()
}

/// Who an overdue list is for: every engagement (`None` in [`list_overdue`]), or a person's as
/// their supervisor and, when they hold the advisor role, as their advisor.
#[derive(Debug, Clone, Copy)]
pub struct Overseer {
    pub person: EmployeeId,
    pub advisor: bool,
}

/// A page of the running engagements whose check-in is overdue on `today`, in id order after
/// `after`. The domain's rule (`Engagement::check_in_overdue`) in SQL: the next check-in is due
/// a cadence after the last check-in (or the start, when later), and overdue once that day has
/// passed.
pub async fn list_overdue(
    c: &impl Conn,
    today: NaiveDate,
    overseer: Option<Overseer>,
    after: Option<EngagementId>,
    limit: u64,
) -> StoreResult<Vec<Engagement>> {
    let from =
        "CASE WHEN x.last_check_in > x.start_date THEN x.last_check_in ELSE x.start_date END";
    let due = match c.backend() {
        crate::Backend::Sqlite => format!("date({from}, '+' || x.cadence_days || ' days')"),
        crate::Backend::Postgres => {
            format!("to_char(CAST({from} AS date) + x.cadence_days, 'YYYY-MM-DD')")
        }
    };
    let mut sql =
        format!("SELECT * FROM ({SELECT}) x WHERE x.state IN (?, ?) AND {due} < ? AND x.id > ?");
    let mut v: Vec<Value> = vec![
        EngagementState::Active.code().into(),
        EngagementState::Extended.code().into(),
        today.to_string().into(),
        after.map_or(String::new(), |a| a.to_string()).into(),
    ];
    if let Some(o) = overseer {
        sql.push_str(
            " AND (x.supervisor_pin = ? OR (x.supervisor_pin IS NULL AND x.client_manager_id = ?)",
        );
        v.extend(std::iter::repeat_n(Value::from(o.person.to_string()), 2));
        if o.advisor {
            sql.push_str(" OR x.advisor_id = ?");
            v.push(o.person.to_string().into());
        }
        sql.push(')');
    }
    sql.push_str(" ORDER BY x.id LIMIT ?");
    v.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    let found: Vec<EngagementRow> = rows(c, &sql, v).await?;
    found
        .into_iter()
        .map(EngagementRow::into_engagement)
        .collect()
}

#[derive(FromQueryResult)]
struct AdvisorKey {
    advisor: String,
}

/// A page of the advisors of engagements by id (`None` first: the engagements without an
/// advisor yet), after `after`, at most `limit`; only `advisor` when given.
pub async fn list_advisors(
    c: &impl Conn,
    advisor: Option<EmployeeId>,
    after: Option<Option<EmployeeId>>,
    limit: u64,
) -> StoreResult<Vec<Option<EmployeeId>>> {
    let key = "COALESCE(advisor_id, '')";
    let mut sql = format!("SELECT DISTINCT {key} AS advisor FROM advising_engagements WHERE 1 = 1");
    let mut v: Vec<Value> = Vec::new();
    if let Some(a) = advisor {
        sql.push_str(" AND advisor_id = ?");
        v.push(a.to_string().into());
    }
    if let Some(a) = after {
        sql.push_str(&format!(" AND {key} > ?"));
        v.push(a.map_or(String::new(), |a| a.to_string()).into());
    }
    sql.push_str(&format!(" ORDER BY {key} LIMIT ?"));
    v.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    let found: Vec<AdvisorKey> = rows(c, &sql, v).await?;
    found
        .iter()
        .map(|k| {
            (!k.advisor.is_empty())
                .then(|| parse_id(&k.advisor))
                .transpose()
        })
        .collect()
}

/// The engagements of these advisors (`None`: those without an advisor).
pub async fn engagements_of_advisors(
    c: &impl Conn,
    advisors: &[Option<EmployeeId>],
) -> StoreResult<Vec<Engagement>> {
    if advisors.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; advisors.len()].join(", ");
    let sql = format!("{SELECT} WHERE COALESCE(a.advisor_id, '') IN ({marks}) ORDER BY a.id");
    let v = advisors
        .iter()
        .map(|a| Value::from(a.map_or(String::new(), |a| a.to_string())))
        .collect();
    let found: Vec<EngagementRow> = rows(c, &sql, v).await?;
    found
        .into_iter()
        .map(EngagementRow::into_engagement)
        .collect()
}

// ---- history ----

#[derive(FromQueryResult)]
struct HistoryRow {
    at: String,
    actor: String,
    action: String,
    reason: Option<String>,
    detail: Option<String>,
}

pub async fn append_history(
    tx: &Tx,
    engagement: EngagementId,
    entry: &HistoryEntry,
) -> StoreResult<()> {
    exec(
        tx,
        "INSERT INTO advising_history (id, engagement_id, at, actor, action, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
        vec![
            uuid::Uuid::now_v7().to_string().into(),
            engagement.to_string().into(),
            text(entry.at).into(),
            entry.actor.clone().into(),
            entry.action.clone().into(),
            opt(entry.reason.clone()),
            opt(entry.detail.clone()),
        ],
    )
    .await?;
    Ok(())
}

/// The engagement's history, oldest first.
pub async fn list_history(
    c: &impl Conn,
    engagement: EngagementId,
) -> StoreResult<Vec<HistoryEntry>> {
    let found: Vec<HistoryRow> = rows(
        c,
        "SELECT at, actor, action, reason, detail FROM advising_history WHERE engagement_id = ? ORDER BY id",
        vec![engagement.to_string().into()],
    )
    .await?;
    found
        .into_iter()
        .map(|r| {
            Ok(HistoryEntry {
                at: instant(&r.at)?,
                actor: r.actor,
                action: r.action,
                reason: r.reason,
                detail: r.detail,
            })
        })
        .collect()
}

// ---- check-ins and ratings ----

#[derive(FromQueryResult)]
struct CheckInRow {
    id: String,
    engagement_id: String,
    held_on: String,
    reflection: Option<String>,
    created_at: String,
}

#[derive(FromQueryResult)]
struct RatingRow {
    check_in_id: String,
    focus_area_id: String,
    rating: String,
    rated_by: String,
    rated_at: String,
}

pub async fn insert_check_in(tx: &Tx, c: &CheckIn) -> StoreResult<()> {
    exec(
        tx,
        "INSERT INTO advising_check_ins (id, engagement_id, held_on, reflection, created_at) VALUES (?, ?, ?, ?, ?)",
        vec![
            c.id.to_string().into(),
            c.engagement_id.to_string().into(),
            c.held_on.to_string().into(),
            opt(c.reflection.clone()),
            text(c.created_at).into(),
        ],
    )
    .await?;
    Ok(())
}

pub async fn set_reflection(tx: &Tx, check_in: CheckInId, reflection: &str) -> StoreResult<()> {
    exec(
        tx,
        "UPDATE advising_check_ins SET reflection = ? WHERE id = ?",
        vec![reflection.into(), check_in.to_string().into()],
    )
    .await?;
    Ok(())
}

/// Replace the ratings of the given focus areas at a check-in (an upsert per focus area, so
/// concurrent raters never leave two ratings of one area).
pub async fn put_ratings(tx: &Tx, check_in: CheckInId, ratings: &[FocusRating]) -> StoreResult<()> {
    for r in ratings {
        exec(
            tx,
            "INSERT INTO advising_ratings (check_in_id, focus_area_id, rating, rated_by, rated_at) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (check_in_id, focus_area_id) DO UPDATE SET rating = excluded.rating, \
             rated_by = excluded.rated_by, rated_at = excluded.rated_at",
            vec![
                check_in.to_string().into(),
                r.focus_area_id.to_string().into(),
                r.rating.code().into(),
                r.rated_by.to_string().into(),
                text(r.rated_at).into(),
            ],
        )
        .await?;
    }
    Ok(())
}

/// An engagement's check-ins with their ratings, by day then creation.
pub async fn list_check_ins(c: &impl Conn, engagement: EngagementId) -> StoreResult<Vec<CheckIn>> {
    let key = vec![Value::from(engagement.to_string())];
    let found: Vec<CheckInRow> = rows(
        c,
        "SELECT id, engagement_id, held_on, reflection, created_at FROM advising_check_ins WHERE engagement_id = ? ORDER BY held_on, id",
        key.clone(),
    )
    .await?;
    let ratings: Vec<RatingRow> = rows(
        c,
        "SELECT r.check_in_id, r.focus_area_id, r.rating, r.rated_by, r.rated_at FROM advising_ratings r \
         JOIN advising_check_ins c ON c.id = r.check_in_id WHERE c.engagement_id = ? ORDER BY r.focus_area_id",
        key,
    )
    .await?;
    let mut by_check_in: HashMap<String, Vec<FocusRating>> = HashMap::new();
    for r in ratings {
        by_check_in
            .entry(r.check_in_id)
            .or_default()
            .push(FocusRating {
                focus_area_id: parse_id(&r.focus_area_id)?,
                rating: code(&r.rating, Rating::parse)?,
                rated_by: parse_id(&r.rated_by)?,
                rated_at: instant(&r.rated_at)?,
            });
    }
    found
        .into_iter()
        .map(|r| {
            Ok(CheckIn {
                ratings: by_check_in.remove(&r.id).unwrap_or_default(),
                id: parse_id(&r.id)?,
                engagement_id: parse_id(&r.engagement_id)?,
                held_on: day(&r.held_on)?,
                reflection: r.reflection,
                created_at: instant(&r.created_at)?,
            })
        })
        .collect()
}

/// The engagement a check-in belongs to.
pub async fn check_in_engagement(
    c: &impl Conn,
    check_in: CheckInId,
) -> StoreResult<Option<EngagementId>> {
    #[derive(FromQueryResult)]
    struct Row {
        engagement_id: String,
    }
    let found: Vec<Row> = rows(
        c,
        "SELECT engagement_id FROM advising_check_ins WHERE id = ?",
        vec![check_in.to_string().into()],
    )
    .await?;
    found
        .into_iter()
        .next()
        .map(|r| parse_id(&r.engagement_id))
        .transpose()
}

// ---- advisor notes (sealed) ----

/// An advisor note as stored: the ciphertext and the id of the key that sealed it.
#[derive(Debug, Clone, PartialEq)]
pub struct SealedNote {
    pub id: NoteId,
    pub engagement_id: EngagementId,
    pub check_in_id: CheckInId,
    pub author_id: EmployeeId,
    pub key_id: String,
    pub ciphertext: String,
    pub created_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct NoteRow {
    id: String,
    engagement_id: String,
    check_in_id: String,
    author_id: String,
    key_id: String,
    ciphertext: String,
    created_at: String,
}

impl NoteRow {
    fn into_note(self) -> StoreResult<SealedNote> {
        Ok(SealedNote {
            id: parse_id(&self.id)?,
            engagement_id: parse_id(&self.engagement_id)?,
            check_in_id: parse_id(&self.check_in_id)?,
            author_id: parse_id(&self.author_id)?,
            key_id: self.key_id,
            ciphertext: self.ciphertext,
            created_at: instant(&self.created_at)?,
        })
    }
}

const NOTE_COLUMNS: &str =
    "id, engagement_id, check_in_id, author_id, key_id, ciphertext, created_at";

pub async fn insert_note(tx: &Tx, n: &SealedNote) -> StoreResult<()> {
    exec(
        tx,
        &format!("INSERT INTO advising_notes ({NOTE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        vec![
            n.id.to_string().into(),
            n.engagement_id.to_string().into(),
            n.check_in_id.to_string().into(),
            n.author_id.to_string().into(),
            n.key_id.clone().into(),
            n.ciphertext.clone().into(),
            text(n.created_at).into(),
        ],
    )
    .await?;
    Ok(())
}

/// The notes `author` wrote on an engagement, oldest first.
pub async fn list_notes(
    c: &impl Conn,
    engagement: EngagementId,
    author: EmployeeId,
) -> StoreResult<Vec<SealedNote>> {
    let found: Vec<NoteRow> = rows(
        c,
        &format!("SELECT {NOTE_COLUMNS} FROM advising_notes WHERE engagement_id = ? AND author_id = ? ORDER BY id"),
        vec![engagement.to_string().into(), author.to_string().into()],
    )
    .await?;
    found.into_iter().map(NoteRow::into_note).collect()
}

/// Up to `limit` notes sealed with another key than `key_id` (what a rotation re-seals).
pub async fn notes_not_sealed_with(
    c: &impl Conn,
    key_id: &str,
    limit: u64,
) -> StoreResult<Vec<SealedNote>> {
    let found: Vec<NoteRow> = rows(
        c,
        &format!("SELECT {NOTE_COLUMNS} FROM advising_notes WHERE key_id <> ? ORDER BY id LIMIT ?"),
        vec![
            key_id.into(),
            i64::try_from(limit).unwrap_or(i64::MAX).into(),
        ],
    )
    .await?;
    found.into_iter().map(NoteRow::into_note).collect()
}

/// Replace a note's ciphertext, only if it is still sealed with `old_key`.
pub async fn reseal_note(
    tx: &Tx,
    note: NoteId,
    old_key: &str,
    key_id: &str,
    ciphertext: &str,
) -> StoreResult<bool> {
    Ok(exec(
        tx,
        "UPDATE advising_notes SET key_id = ?, ciphertext = ? WHERE id = ? AND key_id = ?",
        vec![
            key_id.into(),
            ciphertext.into(),
            note.to_string().into(),
            old_key.into(),
        ],
    )
    .await?
        == 1)
}

// ---- referrals ----

#[derive(FromQueryResult)]
struct ReferralRow {
    id: String,
    engagement_id: String,
    target: String,
    referred_on: String,
    note: Option<String>,
    created_at: String,
}

pub async fn insert_referral(tx: &Tx, r: &Referral) -> StoreResult<()> {
    exec(
        tx,
        "INSERT INTO advising_referrals (id, engagement_id, target, referred_on, note, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            r.id.to_string().into(),
            r.engagement_id.to_string().into(),
            r.target.code().into(),
            r.referred_on.to_string().into(),
            opt(r.note.clone()),
            text(r.created_at).into(),
        ],
    )
    .await?;
    Ok(())
}

pub async fn list_referrals(c: &impl Conn, engagement: EngagementId) -> StoreResult<Vec<Referral>> {
    let found: Vec<ReferralRow> = rows(
        c,
        "SELECT id, engagement_id, target, referred_on, note, created_at FROM advising_referrals WHERE engagement_id = ? ORDER BY id",
        vec![engagement.to_string().into()],
    )
    .await?;
    found
        .into_iter()
        .map(|r| {
            Ok(Referral {
                id: parse_id(&r.id)?,
                engagement_id: parse_id(&r.engagement_id)?,
                target: code(&r.target, ReferralTarget::parse)?,
                referred_on: day(&r.referred_on)?,
                note: r.note,
                created_at: instant(&r.created_at)?,
            })
        })
        .collect()
}

/// Each engagement's client's current org unit.
pub async fn client_units(
    c: &impl Conn,
) -> StoreResult<HashMap<EngagementId, Option<learnwell_domain::ids::OrgUnitId>>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: String,
        org_unit_id: Option<String>,
    }
    let found: Vec<Row> = rows(
        c,
        "SELECT a.id, e.org_unit_id FROM advising_engagements a JOIN employees e ON e.id = a.client_id",
        vec![],
    )
    .await?;
    found
        .into_iter()
        .map(|r| {
            Ok((
                parse_id(&r.id)?,
                r.org_unit_id.as_deref().map(parse_id).transpose()?,
            ))
        })
        .collect()
}

// ---- events ----

/// An event for the coming webhooks (e.g. `check_in.overdue`).
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisingEvent {
    pub id: String,
    pub engagement_id: EngagementId,
    pub kind: String,
    pub due_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// Record an event once per (engagement, kind, due date); `false` when it was recorded before.
pub async fn record_event(tx: &Tx, e: &AdvisingEvent) -> StoreResult<bool> {
    Ok(exec(
        tx,
        "INSERT INTO advising_events (id, engagement_id, kind, due_on, created_at) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (engagement_id, kind, due_on) DO NOTHING",
        vec![
            e.id.clone().into(),
            e.engagement_id.to_string().into(),
            e.kind.clone().into(),
            e.due_on.to_string().into(),
            text(e.created_at).into(),
        ],
    )
    .await?
        == 1)
}

/// Events in id (creation) order after `after`, at most `limit`.
pub async fn list_events(
    c: &impl Conn,
    after: Option<&str>,
    limit: u64,
) -> StoreResult<Vec<AdvisingEvent>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: String,
        engagement_id: String,
        kind: String,
        due_on: String,
        created_at: String,
    }
    let found: Vec<Row> = rows(
        c,
        "SELECT id, engagement_id, kind, due_on, created_at FROM advising_events WHERE id > ? ORDER BY id LIMIT ?",
        vec![after.unwrap_or_default().into(), i64::try_from(limit).unwrap_or(i64::MAX).into()],
    )
    .await?;
    found
        .into_iter()
        .map(|r| {
            Ok(AdvisingEvent {
                engagement_id: parse_id(&r.engagement_id)?,
                due_on: day(&r.due_on)?,
                created_at: instant(&r.created_at)?,
                id: r.id,
                kind: r.kind,
            })
        })
        .collect()
}
