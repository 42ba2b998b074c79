//! The learning projection: what statements about learning make on the learning side (a
//! learning record, the time spent in work hours, the enrolment completed), applied from the
//! statement log outside the request.
//!
//! Storing a batch queues, in the same transaction, each statement that may produce learning or
//! voids one that may have. The projector takes the queue oldest first, in batches of up to
//! [`BATCH`]: woken by each stored batch, and every [`IDLE_POLL`] for statements stored by other
//! instances or left by a failed attempt. Projections take turns (one writer on SQLite, an
//! advisory lock on PostgreSQL), and each claims its statements out of the queue in its own
//! transaction, so a statement is projected exactly once. A voided statement is skipped; a
//! voiding statement removes what its target produced. Statements whose actors match no employee
//! wait in the unmatched list until a learning admin applies them again.

use super::outcomes::{self, Learning, Outcome};
use super::parse_stored;
use crate::error::ApiResult;
use crate::services::Services;
use crate::services::{
    audit, decode_cursor, ensure, learning, learning_time, page_size, paginate, Ctx, Page,
};
use chrono::{DateTime, Utc};
use learnwell_domain::access::{self, Principal};
use learnwell_domain::ids::{CourseId, EmployeeId};
use learnwell_domain::learning::{LearningRecord, LearningSource};
use learnwell_persistence::audit::append;
use learnwell_persistence::learning as learning_store;
use learnwell_persistence::learning_time as time_store;
use learnwell_persistence::xapi::{self as store, StoredStatement, Waiting};
use learnwell_persistence::Tx;
use learnwell_xapi::{agent_key, voided_statement_id};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;
use tokio::sync::Notify;

/// The most statements one projection takes.
pub const BATCH: u64 = 2_000;

/// How often an idle projector looks at the queue unwoken.
pub const IDLE_POLL: Duration = Duration::from_secs(5);

/// How long a woken projector waits before it starts.
pub const LINGER: Duration = Duration::from_millis(100);

/// Wakes the projector of this instance.
#[derive(Default)]
pub struct Projector(Notify);

impl Projector {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// Project whatever is queued, then wait to be woken; for the life of the process.
pub async fn run(svc: Services) {
    loop {
        if let Err(e) = drain(&svc).await {
            tracing::error!(error = %e, "xAPI learning projection failed; it is retried");
        }
        tokio::select! {
            // Woken: let the statements of concurrent requests gather for a moment, so that a
            // projection takes many batches at once.
            () = svc.projector.0.notified() => tokio::time::sleep(LINGER).await,
            () = tokio::time::sleep(IDLE_POLL) => {}
        }
    }
}

/// Project the queue until it is empty. Returns how many statements this call projected.
#[tracing::instrument(skip_all, fields(projected))]
pub async fn drain(svc: &Services) -> ApiResult<usize> {
    let mut projected = 0;
    loop {
        let seqs = store::waiting(&svc.db, Waiting::Queued, BATCH).await?;
        if seqs.is_empty() {
            tracing::Span::current().record("projected", projected);
            return Ok(projected);
        }
        projected += project(svc, Waiting::Queued, &seqs, None).await?.claimed;
    }
}

/// How many statements wait for the projection (for the metrics).
pub async fn queue_length(svc: &Services) -> ApiResult<i64> {
    Ok(store::queue_length(&svc.db).await?)
}

/// An actor of statements about learning that matches no employee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedActor {
    /// The actor's key (`AgentIfi::key`).
    pub actor: String,
    pub statements: i64,
    pub last_stored: Option<DateTime<Utc>>,
}

/// A page of the actors of statements about learning that match no employee, by key, with how
/// many statements each.
#[tracing::instrument(skip_all)]
pub async fn unmatched_actors(
    ctx: &Ctx,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<UnmatchedActor>> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    let limit = page_size(first)?;
    let after = decode_cursor::<String>(after)?;
    let rows = store::unmatched_actors(&ctx.db, after, limit + 1).await?;
    let page = paginate(rows, limit, |a| a.actor_key.clone());
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|a| UnmatchedActor {
                actor: a.actor_key,
                statements: a.statements,
                last_stored: DateTime::from_timestamp_micros(a.last_stored_us),
            })
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// Apply again the unmatched statements whose actors now match an employee (after the HRIS sync
/// or an LRS client's account home page fixed the mapping). Returns how many were applied.
pub async fn reapply_unmatched(ctx: &Ctx) -> ApiResult<usize> {
    reapply(ctx, Waiting::Unmatched).await
}

/// A statement about an employee's learning that made no record, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnappliedStatement {
    pub statement_id: String,
    /// A `NotApplicable` code.
    pub reason: String,
    pub stored: Option<DateTime<Utc>>,
}

/// A page of the statements about employees' learning that made no record (not voided),
/// oldest first, with why.
#[tracing::instrument(skip_all)]
pub async fn unapplied_statements(
    ctx: &Ctx,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<UnappliedStatement>> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    let limit = page_size(first)?;
    let after = decode_cursor::<i64>(after)?;
    let rows = store::unapplied_statements(&ctx.db, after, limit + 1).await?;
    let page = paginate(rows, limit, |u| u.seq.to_string());
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|u| UnappliedStatement {
                statement_id: u.statement_id,
                reason: u.reason,
                stored: DateTime::from_timestamp_micros(u.stored_us),
            })
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// Apply again the statements that made no record (after the catalog gained the course that
/// gives their estimate, say); those that still make none stay listed. Returns how many applied.
pub async fn reapply_unapplied(ctx: &Ctx) -> ApiResult<usize> {
    reapply(ctx, Waiting::Unapplied).await
}

#[tracing::instrument(skip_all, fields(from = ?from, applied))]
async fn reapply(ctx: &Ctx, from: Waiting) -> ApiResult<usize> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    let seqs = store::waiting(&ctx.db, from, u64::MAX).await?;
    let mut applied = 0;
    for chunk in seqs.chunks(usize::try_from(BATCH).unwrap_or(usize::MAX)) {
        applied += project(ctx, from, chunk, Some(ctx)).await?.applied;
    }
    tracing::Span::current().record("applied", applied);
    Ok(applied)
}

/// What one projection did.
struct Projected {
    /// Statements taken out of where they waited.
    claimed: usize,
    /// Statements that became learning.
    applied: usize,
}

/// Project the statements numbered `seqs` that still wait in `from`, in one transaction, on
/// behalf of `by` (else of whoever stored each statement).
#[tracing::instrument(skip_all, fields(from = ?from, statements = seqs.len(), claimed, applied))]
async fn project(
    svc: &Services,
    from: Waiting,
    seqs: &[i64],
    by: Option<&Ctx>,
) -> ApiResult<Projected> {
    let now = Utc::now();
    let stored = store::statements_by_seqs(&svc.db, seqs).await?;
    let values: Vec<Value> = stored.iter().map(parse_stored).collect::<ApiResult<_>>()?;
    let outcome = outcomes::of_statements(svc, &stored, &values, now).await?;

    let tx = svc.db.begin().await?;
    let claimed: HashSet<i64> = store::claim(&tx, from, seqs).await?.into_iter().collect();
    let live: Vec<i64> = claimed.iter().copied().collect();
    let voided: HashSet<i64> = store::voided_among(&tx, &live).await?.into_iter().collect();
    let live = |s: &StoredStatement| claimed.contains(&s.seq) && !voided.contains(&s.seq);
    let Sorted {
        produced,
        voids,
        unmatched,
        not_applicable,
    } = sort_out(&stored, &values, &outcome, live);
    let ctx_of = |subject: String| match by {
        Some(ctx) => ctx.clone(),
        None => Ctx::system(
            svc,
            Principal {
                subject,
                roles: Default::default(),
                scopes: Default::default(),
                employee_id: None,
                leaver: false,
            },
            "xapi-projection",
            now,
        ),
    };
    let applied = produced.values().map(Vec::len).sum();
    // Apply first: a statement voided later in the same projection is then undone too.
    for (subject, learning) in produced {
        apply(&tx, &ctx_of(subject), &learning).await?;
    }
    for (subject, targets) in voids {
        unapply(&tx, &ctx_of(subject), &targets).await?;
    }
    store::insert_unmatched(&tx, &unmatched).await?;
    store::insert_unapplied(&tx, &not_applicable).await?;
    tx.commit().await?;
    let span = tracing::Span::current();
    span.record("claimed", claimed.len());
    span.record("applied", applied);
    Ok(Projected {
        claimed: claimed.len(),
        applied,
    })
}

/// What the live statements of a projection do, by who stored them (the audit trail's subject).
struct Sorted<'a> {
    /// Learning to apply.
    produced: BTreeMap<String, Vec<&'a Learning>>,
    /// Statements whose learning to undo.
    voids: BTreeMap<String, Vec<String>>,
    /// Statements about learning whose actors match no employee, with their actor's key.
    unmatched: Vec<(i64, String)>,
    /// Statements about an employee's learning that make no record, with the reason's code.
    not_applicable: Vec<(i64, &'static str)>,
}

fn sort_out<'a>(
    stored: &[StoredStatement],
    values: &[Value],
    outcome: &'a [Option<Outcome>],
    live: impl Fn(&StoredStatement) -> bool,
) -> Sorted<'a> {
    let mut sorted = Sorted {
        produced: BTreeMap::new(),
        voids: BTreeMap::new(),
        unmatched: Vec::new(),
        not_applicable: Vec::new(),
    };
    for ((s, value), outcome) in stored.iter().zip(values).zip(outcome) {
        if !live(s) {
            continue;
        }
        let subject = stored_by(s.client_id.as_deref(), value);
        if let Some(target) = voided_statement_id(value) {
            sorted
                .voids
                .entry(subject.clone())
                .or_default()
                .push(target.to_ascii_lowercase());
        }
        match outcome {
            Some(Outcome::Learning(l)) => {
                sorted.produced.entry(subject).or_default().push(l.as_ref())
            }
            Some(Outcome::Unmatched) => {
                if let Some(key) = agent_key(&value["actor"]) {
                    sorted.unmatched.push((s.seq, key));
                }
            }
            Some(Outcome::NotApplicable(why)) => sorted.not_applicable.push((s.seq, why.code())),
            _ => {}
        }
    }
    sorted
}

/// Who stored a statement, as the audit trail names them: the LRS client, or the subject of the
/// token (the `authority` account `token:<subject>`).
fn stored_by(client_id: Option<&str>, statement: &Value) -> String {
    match client_id {
        Some(id) => format!("lrs-client:{id}"),
        None => statement["authority"]["account"]["name"]
            .as_str()
            .map(|n| n.strip_prefix("token:").unwrap_or(n).to_owned())
            .unwrap_or_else(|| "xapi".to_owned()),
    }
}

/// Write what statements produced, in the statements' transaction: the records, their time
/// (unless it breaks a rule of time entries, such as 24 hours a day: the record stays) and the
/// enrolments they complete.
async fn apply(tx: &Tx, ctx: &Ctx, produced: &[&Learning]) -> ApiResult<()> {
    if produced.is_empty() {
        return Ok(());
    }
    // The people's locks first: inserting a record references its person, and taking the
    // person's lock after that (for the time entry) could deadlock with another batch.
    let mut people: Vec<EmployeeId> = produced.iter().map(|l| l.record.employee_id).collect();
    people.sort_unstable();
    people.dedup();
    time_store::lock_people(tx, &people).await?;
    let records: Vec<LearningRecord> = produced.iter().map(|l| l.record.clone()).collect();
    learning_store::insert_records(tx, &records).await?;
    let entries: Vec<_> = produced.iter().map(|l| (&l.dates, &l.entry)).collect();
    let written = learning_time::add_entries(tx, ctx, &entries).await?;
    let mut events: Vec<_> = records
        .iter()
        .map(|r| audit::event(ctx, "learning_record.create", "learning_record", r.id))
        .chain(
            written
                .iter()
                .map(|e| audit::event(ctx, "time_entry.create", "time_entry", e.id)),
        )
        .collect();
    let pairs: Vec<(EmployeeId, CourseId)> = records
        .iter()
        .filter_map(|r| Some((r.employee_id, r.course_id?)))
        .collect();
    let open = learning_store::open_enrollments_for(tx, &pairs).await?;
    events.extend(learning::complete_enrollments(tx, ctx, &records, &open).await?);
    append(tx, &events).await?;
    Ok(())
}

/// Remove what voided statements produced: their learning records, the time spent on them and
/// the completion of the enrolments they completed.
async fn unapply(tx: &Tx, ctx: &Ctx, voided: &[String]) -> ApiResult<()> {
    if voided.is_empty() {
        return Ok(());
    }
    let records =
        learning_store::delete_records_by_source(tx, LearningSource::Xapi, voided).await?;
    let entries = time_store::entries_of_records(tx, &records).await?;
    let mut events: Vec<_> = records
        .iter()
        .map(|r| audit::event(ctx, "learning_record.delete", "learning_record", r))
        .collect();
    events.extend(learning::reopen_enrollments(tx, ctx, &records).await?);
    for e in &entries {
        time_store::delete_entry(tx, e.id).await?;
        events.push(audit::event(ctx, "time_entry.delete", "time_entry", e.id));
    }
    let rolled: Vec<_> = entries.iter().map(|e| (e, -1)).collect();
    time_store::roll(tx, &rolled).await?;
    append(tx, &events).await?;
    Ok(())
}
