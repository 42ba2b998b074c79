//! What the learning side makes of statements, before anything is written: which employee a
//! statement's actor is (batched lookups: one per kind for the whole batch), and the learning
//! record and time entry a statement about learning produces.

use crate::error::{ApiError, ApiResult};
use crate::services::Services;
use chrono::{DateTime, Utc};
use learnwell_domain::catalog::Course;
use learnwell_domain::ids::{EmployeeId, LearningRecordId, TimeEntryId};
use learnwell_domain::learning::{LearningRecord, LearningSource, Score};
use learnwell_domain::learning_time::{entry_for_completion, TimeEntry};
use learnwell_domain::org::{EmploymentDates, Label};
use learnwell_domain::xapi::{
    activity_name, learning_activity, learning_minutes, LearningVerbs, LrsClient, NotApplicable,
};
use learnwell_persistence::catalog as catalog_store;
use learnwell_persistence::org as org_store;
use learnwell_persistence::xapi::{self as store, StoredStatement};
use learnwell_xapi::AgentIfi;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// The verbs that mean learning for statements of `client` (of a token: the ADL ones).
pub(super) fn learning_verbs(client: Option<&LrsClient>) -> ApiResult<LearningVerbs> {
    match client {
        Some(c) => LearningVerbs::parse(&c.learning_verbs).map_err(|e| {
            ApiError::Internal(format!("stored learning verbs of LRS client {}: {e}", c.id))
        }),
        None => Ok(LearningVerbs::default()),
    }
}

/// What a statement about learning produces: a learning record and the time spent on it.
pub(super) struct Learning {
    pub record: LearningRecord,
    pub entry: TimeEntry,
    pub dates: EmploymentDates,
}

/// What the learning side makes of a statement.
pub(super) enum Outcome {
    /// Not about learning, or nothing to measure it by.
    Nothing,
    /// About learning, but the actor matches no employee.
    Unmatched,
    /// About an employee's learning, but no record can be made of it, and why.
    NotApplicable(NotApplicable),
    Learning(Box<Learning>),
}

/// The email of an `mbox`, its SHA-1 (`mbox_sha1sum`), or the external id of an `account` on
/// the client's home page.
enum ActorRef {
    Email(String),
    EmailSha1(String),
    ExternalId(String),
}

fn actor_ref(actor: &Value, client: Option<&LrsClient>) -> Option<ActorRef> {
    match AgentIfi::of(actor)? {
        AgentIfi::Mbox(mbox) => mbox
            .strip_prefix("mailto:")
            .map(|e| ActorRef::Email(e.to_lowercase())),
        AgentIfi::MboxSha1sum(hash) => Some(ActorRef::EmailSha1(hash.to_ascii_lowercase())),
        AgentIfi::Account { home_page, name } => client
            .and_then(|c| c.account_home_page.as_deref())
            .filter(|h| h.trim_end_matches('/') == home_page.trim_end_matches('/'))
            .map(|_| ActorRef::ExternalId(name)),
        _ => None,
    }
}

/// What each of `stored` (parsed: `values`) produces, each by the rules of the client that sent
/// it: the client decides which verbs mean learning and whose accounts are employees'.
pub(super) async fn of_statements(
    svc: &Services,
    stored: &[StoredStatement],
    values: &[Value],
    now: DateTime<Utc>,
) -> ApiResult<Vec<Option<Outcome>>> {
    let clients: HashMap<String, LrsClient> = store::all_clients(&svc.db)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let mut by_client: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, s) in stored.iter().enumerate() {
        by_client.entry(s.client_id.as_deref()).or_default().push(i);
    }
    let mut outcome: Vec<Option<Outcome>> = stored.iter().map(|_| None).collect();
    for (client, at) in by_client {
        let client = client.and_then(|id| clients.get(id));
        let batch: Vec<&Value> = at.iter().map(|&i| &values[i]).collect();
        for (i, o) in at
            .into_iter()
            .zip(outcomes(svc, client, &batch, now).await?)
        {
            outcome[i] = Some(o);
        }
    }
    Ok(outcome)
}

/// Work out what each statement of one client produces.
async fn outcomes(
    svc: &Services,
    client: Option<&LrsClient>,
    statements: &[&Value],
    now: DateTime<Utc>,
) -> ApiResult<Vec<Outcome>> {
    let verbs = learning_verbs(client)?;
    let resolved = resolve_actors(svc, client, statements, &verbs).await?;
    let ids: Vec<EmployeeId> = resolved.iter().flatten().copied().collect();
    let employees = org_store::employment_dates(&svc.db, &ids).await?;
    let activities: Vec<String> = statements
        .iter()
        .filter_map(|s| learning_activity(s, &verbs).map(str::to_owned))
        .collect();
    let courses = catalog_store::courses_by_activity_ids(&svc.db, &activities).await?;
    Ok(statements
        .iter()
        .zip(resolved)
        .map(|(s, who)| {
            let Some(activity) = learning_activity(s, &verbs) else {
                return Outcome::Nothing;
            };
            let Some((employee_id, dates)) = who.and_then(|id| Some((id, *employees.get(&id)?)))
            else {
                return Outcome::Unmatched;
            };
            match learning_of(s, activity, courses.get(activity), employee_id, dates, now) {
                Ok(l) => Outcome::Learning(Box::new(l)),
                Err(why) => Outcome::NotApplicable(why),
            }
        })
        .collect())
}

/// The employee each statement about learning names as its actor, if any (one lookup per kind
/// of identifier for the whole batch).
async fn resolve_actors(
    svc: &Services,
    client: Option<&LrsClient>,
    statements: &[&Value],
    verbs: &LearningVerbs,
) -> ApiResult<Vec<Option<EmployeeId>>> {
    let refs: Vec<Option<(ActorRef, &str)>> = statements
        .iter()
        .map(|s| {
            Some((
                actor_ref(&s["actor"], client)?,
                learning_activity(s, verbs)?,
            ))
        })
        .collect();
    let (mut emails, mut hashes, mut externals) = (Vec::new(), Vec::new(), Vec::new());
    for (actor, _) in refs.iter().flatten() {
        match actor {
            ActorRef::Email(e) => emails.push(e.as_str()),
            ActorRef::EmailSha1(h) => hashes.push(h.as_str()),
            ActorRef::ExternalId(x) => externals.push(x.as_str()),
        }
    }
    let by_email = org_store::employee_ids_by_emails(&svc.db, &emails).await?;
    let by_hash = org_store::employee_ids_by_email_sha1(&svc.db, &hashes).await?;
    let by_external = org_store::stored_keys_by_external_ids(&svc.db, &externals).await?;
    Ok(refs
        .iter()
        .map(|r| match r {
            Some((ActorRef::Email(e), _)) => by_email.get(e).copied(),
            Some((ActorRef::EmailSha1(h), _)) => by_hash.get(h).copied(),
            Some((ActorRef::ExternalId(x), _)) => by_external.get(x).map(|k| k.id),
            None => None,
        })
        .collect())
}

/// The learning record and time entry of a statement about learning on `activity` done by an
/// employee, or why none can be made (no duration and no course estimate, a duration over a day
/// or out of range, a title that does not fit).
fn learning_of(
    s: &Value,
    activity: &str,
    course: Option<&Course>,
    employee_id: EmployeeId,
    dates: EmploymentDates,
    now: DateTime<Utc>,
) -> Result<Learning, NotApplicable> {
    let minutes = learning_minutes(s, course.map(|c| c.data.estimated_minutes))?;
    let title = course
        .map(|c| c.data.title.to_string())
        .or_else(|| activity_name(s))
        .unwrap_or_else(|| activity.to_owned());
    let title = Label::parse(&title.chars().take(200).collect::<String>())
        .map_err(|_| NotApplicable::InvalidTitle)?;
    let day = s["timestamp"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map_or(now.date_naive(), |t| t.with_timezone(&Utc).date_naive())
        .min(now.date_naive());
    let score = s["result"]["score"]["scaled"]
        .as_f64()
        .and_then(|scaled| Score::new(scaled * 100.0).ok());
    let statement_id = s["id"].as_str().unwrap_or_default().to_owned();
    let record = LearningRecord {
        id: LearningRecordId::from_uuid(uuid::Uuid::now_v7()),
        employee_id,
        course_id: course.map(|c| c.id),
        title,
        completed_on: day,
        minutes,
        score,
        source: LearningSource::Xapi,
        source_id: statement_id,
        created_at: now,
    };
    let entry = entry_for_completion(
        &record,
        TimeEntryId::from_uuid(uuid::Uuid::now_v7()),
        "xapi",
        now,
    )
    .ok_or(NotApplicable::DurationOutOfRange)?;
    Ok(Learning {
        record,
        entry,
        dates,
    })
}
