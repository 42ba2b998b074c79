//! Stores of the xAPI context: LRS clients, statements (kept exactly as stored, with agent and
//! activity indexes for queries), attachment contents (one copy per SHA-2 hash) and the
//! unmatched-actor report.

use crate::db::{json_ints, json_keys, json_rows, statement};
use crate::{Conn, StoreError, StoreResult, Tx};
use chrono::{DateTime, Utc};
use learnwell_domain::xapi::{ClientKind, LrsClient};
use learnwell_xapi::{AttachmentContent, Document, DocumentKind, DocumentScope};
use sea_orm::sea_query::value::sea_value_to_json_value;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde_json::json;

#[derive(FromQueryResult)]
struct ClientRow {
    id: String,
    name: String,
    api_key: String,
    secret_hash: String,
    scopes: String,
    account_home_page: Option<String>,
    learning_verbs: String,
    default_version: String,
    created_by: String,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    kind: String,
    last_used_at: Option<DateTime<Utc>>,
}

impl TryFrom<ClientRow> for LrsClient {
    type Error = StoreError;
    fn try_from(r: ClientRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            kind: ClientKind::parse(&r.kind)
                .ok_or_else(|| StoreError::corrupt(format!("client kind {:?}", r.kind)))?,
            name: r.name,
            api_key: r.api_key,
            secret_hash: r.secret_hash,
            scopes: r.scopes,
            account_home_page: r.account_home_page,
            learning_verbs: r
                .learning_verbs
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            default_version: learnwell_xapi::XapiVersion::parse(&r.default_version)
                .map_err(|e| StoreError::corrupt(e.reason))?,
            created_by: r.created_by,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
            last_used_at: r.last_used_at,
        })
    }
}

const CLIENT_COLUMNS: &str = "id, name, api_key, secret_hash, scopes, account_home_page, \
                              learning_verbs, default_version, created_by, created_at, \
                              revoked_at, kind, last_used_at";

pub async fn insert_client(tx: &Tx, c: &LrsClient) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO lrs_clients ({CLIENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    );
    let values: Vec<Value> = vec![
        c.id.clone().into(),
        c.name.clone().into(),
        c.api_key.clone().into(),
        c.secret_hash.clone().into(),
        c.scopes.clone().into(),
        c.account_home_page.clone().into(),
        c.learning_verbs.join(" ").into(),
        c.default_version.as_header().into(),
        c.created_by.clone().into(),
        c.created_at.into(),
        c.revoked_at.into(),
        c.kind.code().into(),
        c.last_used_at.into(),
    ];
    tx.conn()
        .execute(statement(tx.backend(), &sql, values))
        .await
        .map_err(StoreError::from_write)?;
    Ok(())
}

/// The clients `tail` selects (a condition, and its order and limit where it needs them).
async fn clients_where(
    c: &impl Conn,
    tail: &str,
    values: Vec<Value>,
) -> StoreResult<Vec<LrsClient>> {
    let sql = format!("SELECT {CLIENT_COLUMNS} FROM lrs_clients WHERE {tail}");
    let rows = ClientRow::find_by_statement(statement(c.backend(), &sql, values))
        .all(c.conn())
        .await?;
    rows.into_iter().map(LrsClient::try_from).collect()
}

/// Every client, of every kind.
pub async fn all_clients(c: &impl Conn) -> StoreResult<Vec<LrsClient>> {
    clients_where(c, "1 = 1 ORDER BY id", Vec::new()).await
}

/// A page of the clients of one kind in id order, after the client `after`.
pub async fn list_clients(
    c: &impl Conn,
    kind: ClientKind,
    after: Option<String>,
    limit: u64,
) -> StoreResult<Vec<LrsClient>> {
    let values = vec![
        kind.code().into(),
        after.unwrap_or_default().into(),
        i64::try_from(limit).unwrap_or(i64::MAX).into(),
    ];
    clients_where(c, "kind = ? AND id > ? ORDER BY id LIMIT ?", values).await
}

/// Note that a client got a token.
pub async fn touch_client(c: &impl Conn, id: &str, at: DateTime<Utc>) -> StoreResult<()> {
    let sql = "UPDATE lrs_clients SET last_used_at = ? WHERE id = ?";
    c.conn()
        .execute(statement(c.backend(), sql, vec![at.into(), id.into()]))
        .await
        .map_err(StoreError::from_write)?;
    Ok(())
}

pub async fn get_client(c: &impl Conn, id: &str) -> StoreResult<Option<LrsClient>> {
    Ok(clients_where(c, "id = ?", vec![id.into()]).await?.pop())
}

pub async fn client_by_key(c: &impl Conn, api_key: &str) -> StoreResult<Option<LrsClient>> {
    Ok(clients_where(c, "api_key = ?", vec![api_key.into()])
        .await?
        .pop())
}

pub async fn revoke_client(tx: &Tx, id: &str, at: DateTime<Utc>) -> StoreResult<()> {
    let sql = "UPDATE lrs_clients SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
    tx.conn()
        .execute(statement(tx.backend(), sql, vec![at.into(), id.into()]))
        .await?;
    Ok(())
}

/// A statement to store, with what it is found by.
#[derive(Debug, Clone)]
pub struct NewStatement {
    pub statement_id: String,
    pub stored: DateTime<Utc>,
    pub verb_id: String,
    pub voids_statement_id: Option<String>,
    /// The statement the object refers to (a StatementRef, voiding or not), in lower case.
    pub ref_statement_id: Option<String>,
    pub registration: Option<String>,
    pub actor_key: Option<String>,
    pub client_id: Option<String>,
    /// Queued for the learning projection: it may produce learning, or voids a statement.
    pub queued: bool,
    /// The statement as stored (with `id`, `stored`, `authority`, `version`), serialised.
    pub statement: String,
    /// Agent keys, each with "only a related agent" (authority, context, SubStatement).
    pub agents: Vec<(String, bool)>,
    /// Activity ids, each with "only a related activity".
    pub activities: Vec<(String, bool)>,
}

/// A stored statement.
#[derive(Debug, Clone, FromQueryResult)]
pub struct StoredStatement {
    pub seq: i64,
    pub statement_id: String,
    pub stored_us: i64,
    pub verb_id: String,
    pub voided: bool,
    pub client_id: Option<String>,
    pub statement: String,
}

const STATEMENT_COLUMNS: &str =
    "seq, statement_id, stored_us, verb_id, voided, client_id, statement";

/// Insert statements and their indexes (in the caller's transaction: a batch is all or nothing).
/// The index tables get one statement each whose one parameter is the rows as JSON; so do the
/// statements on PostgreSQL, while SQLite binds their values.
pub async fn insert_statements(tx: &Tx, rows: &[NewStatement]) -> StoreResult<()> {
    #[derive(FromQueryResult)]
    struct Inserted {
        seq: i64,
        statement_id: String,
    }
    if rows.is_empty() {
        return Ok(());
    }
    const COLUMNS: &str = "statement_id, stored_us, verb_id, voided, voids_statement_id, \
         registration, actor_key, client_id, statement, ref_statement_id";
    let inserted = match tx.backend() {
        // Thousands of `$n` placeholders cost PostgreSQL more to parse than one JSON parameter.
        crate::Backend::Postgres => {
            let values: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    statement_values(r)
                        .iter()
                        .map(sea_value_to_json_value)
                        .collect()
                })
                .collect();
            let sql = format!(
                "INSERT INTO xapi_statements ({COLUMNS}) {} RETURNING seq, statement_id",
                json_rows(
                    tx.backend(),
                    &[
                        "text", "bigint", "text", "boolean", "text", "text", "text", "text",
                        "text", "text"
                    ]
                )
            );
            Inserted::find_by_statement(statement(tx.backend(), &sql, vec![json_param(&values)?]))
                .all(tx.conn())
                .await
                .map_err(StoreError::from_write)?
        }
        // Bound values: SQLite would otherwise parse each statement's JSON text twice more
        // (out of the array, then out of the row).
        crate::Backend::Sqlite => {
            let mut inserted = Vec::with_capacity(rows.len());
            for chunk in rows.chunks(crate::INSERT_CHUNK) {
                let row = format!("({})", ["?"; 10].join(", "));
                let sql = format!(
                    "INSERT INTO xapi_statements ({COLUMNS}) VALUES {} RETURNING seq, statement_id",
                    vec![row; chunk.len()].join(", ")
                );
                let values: Vec<Value> = chunk.iter().flat_map(statement_values).collect();
                inserted.extend(
                    Inserted::find_by_statement(statement(tx.backend(), &sql, values))
                        .all(tx.conn())
                        .await
                        .map_err(StoreError::from_write)?,
                );
            }
            inserted
        }
    };
    let seq: std::collections::HashMap<&str, i64> = inserted
        .iter()
        .map(|i| (i.statement_id.as_str(), i.seq))
        .collect();
    let mut agents = Vec::new();
    let mut activities = Vec::new();
    let mut queued = Vec::new();
    for r in rows {
        let s = *seq
            .get(r.statement_id.as_str())
            .ok_or_else(|| StoreError::corrupt("an inserted statement has no sequence"))?;
        let at = r.stored.timestamp_micros();
        if r.queued {
            queued.push(s);
        }
        agents.extend(
            r.agents
                .iter()
                .map(|(k, related)| json!([k, related, s, at])),
        );
        activities.extend(
            r.activities
                .iter()
                .map(|(k, related)| json!([k, related, s, at])),
        );
    }
    insert_index(tx, "xapi_statement_agents", "agent_key", &agents).await?;
    insert_index(tx, "xapi_statement_activities", "activity_id", &activities).await?;
    if !queued.is_empty() {
        let sql = format!(
            "INSERT INTO xapi_projection_queue (seq) {}",
            json_ints(tx.backend())
        );
        tx.conn()
            .execute(statement(tx.backend(), &sql, vec![ints_param(&queued)?]))
            .await?;
    }
    Ok(())
}

/// A new statement's values, in the order of `insert_statements`' columns.
fn statement_values(r: &NewStatement) -> [Value; 10] {
    [
        r.statement_id.clone().into(),
        r.stored.timestamp_micros().into(),
        r.verb_id.clone().into(),
        false.into(),
        r.voids_statement_id.clone().into(),
        r.registration.clone().into(),
        r.actor_key.clone().into(),
        r.client_id.clone().into(),
        r.statement.clone().into(),
        r.ref_statement_id.clone().into(),
    ]
}

fn ints_param(ints: &[i64]) -> StoreResult<Value> {
    Ok(serde_json::to_string(ints)
        .map_err(StoreError::corrupt)?
        .into())
}

fn json_param(rows: &[serde_json::Value]) -> StoreResult<Value> {
    Ok(serde_json::to_string(rows)
        .map_err(StoreError::corrupt)?
        .into())
}

/// Index rows: `[key, related_only, seq, stored_us]` each.
async fn insert_index(
    tx: &Tx,
    table: &str,
    key: &str,
    rows: &[serde_json::Value],
) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO {table} ({key}, related_only, seq, stored_us) {} ON CONFLICT DO NOTHING",
        json_rows(tx.backend(), &["text", "boolean", "bigint", "bigint"])
    );
    tx.conn()
        .execute(statement(tx.backend(), &sql, vec![json_param(rows)?]))
        .await?;
    Ok(())
}

/// Make writers of the same statement ids take turns until the transaction ends. PostgreSQL:
/// transaction advisory locks on the ids' hashes, taken in order so that overlapping batches
/// cannot deadlock. SQLite has one writer at a time already.
pub async fn lock_ids(tx: &Tx, ids: &[String]) -> StoreResult<()> {
    if tx.backend() != crate::Backend::Postgres || ids.is_empty() {
        return Ok(());
    }
    let mut keys: Vec<&str> = ids.iter().map(String::as_str).collect();
    keys.sort_unstable();
    keys.dedup();
    let json = serde_json::to_string(&keys).map_err(StoreError::corrupt)?;
    let sql = "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM \
               (SELECT json_array_elements_text(CAST(? AS json)) AS k ORDER BY 1) ids";
    tx.conn()
        .execute(statement(tx.backend(), sql, vec![json.into()]))
        .await?;
    Ok(())
}

/// The stored statements among `ids` (voided or not).
pub async fn statements_by_ids(c: &impl Conn, ids: &[String]) -> StoreResult<Vec<StoredStatement>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let json = serde_json::to_string(ids).map_err(StoreError::corrupt)?;
    let sql = format!(
        "SELECT {STATEMENT_COLUMNS} FROM xapi_statements WHERE statement_id IN ({})",
        json_keys(c.backend())
    );
    Ok(
        StoredStatement::find_by_statement(statement(c.backend(), &sql, vec![json.into()]))
            .all(c.conn())
            .await?,
    )
}

/// Mark statements voided.
pub async fn void(tx: &Tx, ids: &[String]) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(ids).map_err(StoreError::corrupt)?;
    let sql = format!(
        "UPDATE xapi_statements SET voided = ? WHERE statement_id IN ({})",
        json_keys(tx.backend())
    );
    tx.conn()
        .execute(statement(
            tx.backend(),
            &sql,
            vec![true.into(), json.into()],
        ))
        .await?;
    Ok(())
}

/// The filters of a statement query (xAPI Communication 2.1.3), already validated, and where a
/// page continues.
#[derive(Debug, Clone, Default)]
pub struct StatementQuery {
    pub agent: Option<String>,
    pub related_agents: bool,
    pub verb: Option<String>,
    pub activity: Option<String>,
    pub related_activities: bool,
    pub registration: Option<String>,
    /// Only statements with this authority (agent key): a client reading only its own.
    pub authority: Option<String>,
    pub since_us: Option<i64>,
    pub until_us: Option<i64>,
    pub ascending: bool,
    /// Continue after this sequence number (from a `more` link).
    pub after_seq: Option<i64>,
    /// Only statements stored at or before this sequence number (the first page's snapshot).
    pub up_to_seq: Option<i64>,
    pub limit: u64,
}

/// The index table a query walks when it names an agent (or else an activity): its rows hold
/// the sequence and time of each statement, so a page reads only the statements it returns.
struct Driver<'a> {
    table: &'static str,
    column: &'static str,
    key: &'a str,
    related: bool,
}

fn driver(q: &StatementQuery) -> Option<Driver<'_>> {
    match (&q.agent, &q.activity) {
        (Some(agent), _) => Some(Driver {
            table: "xapi_statement_agents",
            column: "agent_key",
            key: agent,
            related: q.related_agents,
        }),
        (None, Some(activity)) => Some(Driver {
            table: "xapi_statement_activities",
            column: "activity_id",
            key: activity,
            related: q.related_activities,
        }),
        (None, None) => None,
    }
}

/// The conditions of a query on what a statement says (agent, verb, activity, registration), on
/// the statement aliased `alias`, but for what `skip` (the driver) checks already: SQL to join
/// with AND, and its values in order.
fn content_filter(
    q: &StatementQuery,
    alias: &str,
    skip: Option<&Driver<'_>>,
) -> (Vec<String>, Vec<Value>) {
    let mut filter = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let indexed = [
        (
            "xapi_statement_agents",
            "agent_key",
            &q.agent,
            q.related_agents,
        ),
        (
            "xapi_statement_activities",
            "activity_id",
            &q.activity,
            q.related_activities,
        ),
    ];
    for (table, column, key, related) in indexed {
        let Some(key) = key else { continue };
        if skip.is_some_and(|d| d.table == table) {
            continue;
        }
        let only = if related {
            ""
        } else {
            " AND i.related_only = ?"
        };
        filter.push(format!(
            "{alias}.seq IN (SELECT i.seq FROM {table} i WHERE i.{column} = ?{only})"
        ));
        values.push(key.clone().into());
        if !related {
            values.push(false.into());
        }
    }
    if let Some(verb) = &q.verb {
        filter.push(format!("{alias}.verb_id = ?"));
        values.push(verb.clone().into());
    }
    if let Some(registration) = &q.registration {
        filter.push(format!("{alias}.registration = ?"));
        values.push(registration.clone().into());
    }
    (filter, values)
}

/// The conditions every returned statement meets (not voided, the caller's authority, time and
/// sequence), the time and sequence read from `at` (the driver's rows, or the statements).
fn page_filter(q: &StatementQuery, at: &str) -> (Vec<String>, Vec<Value>) {
    let mut filter = vec!["s.voided = ?".to_owned()];
    let mut values: Vec<Value> = vec![false.into()];
    if let Some(authority) = &q.authority {
        filter.push(
            "s.seq IN (SELECT i.seq FROM xapi_statement_agents i WHERE i.agent_key = ?)".to_owned(),
        );
        values.push(authority.clone().into());
    }
    let after = if q.ascending { ">" } else { "<" };
    for (condition, value) in [
        (format!("{at}.stored_us > ?"), q.since_us),
        (format!("{at}.stored_us <= ?"), q.until_us),
        (format!("{at}.seq <= ?"), q.up_to_seq),
        (format!("{at}.seq {after} ?"), q.after_seq),
    ] {
        if let Some(v) = value {
            filter.push(condition);
            values.push(v.into());
        }
    }
    (filter, values)
}

/// Statements matching a query, not voided, in stored order (newest first unless ascending).
///
/// A query naming an agent or an activity walks that index in sequence order, filtering on
/// time in the index itself, and stops at the page's end. A statement whose object is a
/// StatementRef also matches when the statement it refers to matches what the query says about
/// content (agent, verb, activity, registration), however deep the chain of references and even
/// when that statement is voided; the time, sequence and authority conditions apply to the
/// returned statement only (Communication 2.1.3, "Filter Conditions for StatementRefs"). The
/// references are followed from the statements that have one (indexed, and few), in a second
/// branch of the query, so the first keeps its index path.
pub async fn query(c: &impl Conn, q: &StatementQuery) -> StoreResult<Vec<StoredStatement>> {
    let order = if q.ascending { "ASC" } else { "DESC" };
    let limit = Value::from(i64::try_from(q.limit).unwrap_or(i64::MAX));
    let columns = STATEMENT_COLUMNS
        .split(", ")
        .map(|c| format!("s.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let driver = driver(q);
    let mut values: Vec<Value> = Vec::new();
    // The statements that match directly.
    let (mut filter, content_values) = content_filter(q, "s", driver.as_ref());
    let (from, at) = match &driver {
        Some(d) => {
            filter.insert(0, format!("d.{} = ?", d.column));
            values.push(d.key.to_owned().into());
            if !d.related {
                filter.insert(1, "d.related_only = ?".to_owned());
                values.push(false.into());
            }
            (
                format!("{} d JOIN xapi_statements s ON s.seq = d.seq", d.table),
                "d",
            )
        }
        None => ("xapi_statements s".to_owned(), "s"),
    };
    values.extend(content_values);
    let (page, page_values) = page_filter(q, at);
    filter.extend(page);
    values.extend(page_values);
    values.push(limit.clone());
    let direct = format!(
        "SELECT {columns} FROM {from} WHERE {} ORDER BY {at}.seq {order} LIMIT ?",
        filter.join(" AND ")
    );
    if driver.is_none() && q.verb.is_none() && q.registration.is_none() {
        return Ok(
            StoredStatement::find_by_statement(statement(c.backend(), &direct, values))
                .all(c.conn())
                .await?,
        );
    }
    // And those that target a matching statement through StatementRefs.
    let (target, target_values) = content_filter(q, "t", None);
    let (page, page_values) = page_filter(q, "s");
    let sql = format!(
        "WITH RECURSIVE targeting (statement_id) AS (\
         SELECT r.statement_id FROM xapi_statements r \
         JOIN xapi_statements t ON t.statement_id = r.ref_statement_id \
         WHERE r.ref_statement_id IS NOT NULL AND {} \
         UNION SELECT r.statement_id FROM xapi_statements r \
         JOIN targeting g ON r.ref_statement_id = g.statement_id) \
         SELECT * FROM ({direct}) m UNION \
         SELECT * FROM (SELECT {columns} FROM xapi_statements s \
         WHERE s.statement_id IN (SELECT statement_id FROM targeting) AND {} \
         ORDER BY s.seq {order} LIMIT ?) r \
         ORDER BY seq {order} LIMIT ?",
        target.join(" AND "),
        page.join(" AND ")
    );
    let mut all = target_values;
    all.extend(values);
    all.extend(page_values);
    all.push(limit.clone());
    all.push(limit);
    Ok(
        StoredStatement::find_by_statement(statement(c.backend(), &sql, all))
            .all(c.conn())
            .await?,
    )
}

/// The newest sequence number (0 when empty): the snapshot a paged query stays within.
pub async fn last_seq(c: &impl Conn) -> StoreResult<i64> {
    #[derive(FromQueryResult)]
    struct Last {
        seq: Option<i64>,
    }
    let row = Last::find_by_statement(statement(
        c.backend(),
        "SELECT MAX(seq) AS seq FROM xapi_statements",
        Vec::new(),
    ))
    .one(c.conn())
    .await?;
    Ok(row.and_then(|r| r.seq).unwrap_or(0))
}

/// An actor that statements about learning name but no employee matches.
#[derive(Debug, Clone, FromQueryResult)]
pub struct UnmatchedActor {
    pub actor_key: String,
    pub statements: i64,
    pub last_stored_us: i64,
}

/// A page of the unmatched actors by key, after the actor `after`.
pub async fn unmatched_actors(
    c: &impl Conn,
    after: Option<String>,
    limit: u64,
) -> StoreResult<Vec<UnmatchedActor>> {
    let sql = "SELECT u.actor_key, COUNT(*) AS statements, MAX(s.stored_us) AS last_stored_us \
               FROM xapi_unmatched u JOIN xapi_statements s ON s.seq = u.seq \
               WHERE s.voided = ? AND u.actor_key > ? GROUP BY u.actor_key ORDER BY u.actor_key \
               LIMIT ?";
    let values = vec![
        false.into(),
        after.unwrap_or_default().into(),
        i64::try_from(limit).unwrap_or(i64::MAX).into(),
    ];
    Ok(
        UnmatchedActor::find_by_statement(statement(c.backend(), sql, values))
            .all(c.conn())
            .await?,
    )
}

/// Where statements wait for the learning projection: the queue of new ones, or the unmatched
/// ones (applied again once their actors match).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    Queued,
    Unmatched,
    /// About learning by an employee, but not applicable (see `xapi_unapplied.reason`).
    Unapplied,
}

impl Waiting {
    fn table(self) -> &'static str {
        match self {
            Self::Queued => "xapi_projection_queue",
            Self::Unmatched => "xapi_unmatched",
            Self::Unapplied => "xapi_unapplied",
        }
    }
}

/// The first `limit` sequence numbers waiting in `from`, oldest first.
pub async fn waiting(c: &impl Conn, from: Waiting, limit: u64) -> StoreResult<Vec<i64>> {
    #[derive(FromQueryResult)]
    struct Seq {
        seq: i64,
    }
    let sql = format!("SELECT seq FROM {} ORDER BY seq LIMIT ?", from.table());
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    Ok(
        Seq::find_by_statement(statement(c.backend(), &sql, vec![limit.into()]))
            .all(c.conn())
            .await?
            .into_iter()
            .map(|s| s.seq)
            .collect(),
    )
}

/// How many statements wait in the projection queue.
pub async fn queue_length(c: &impl Conn) -> StoreResult<i64> {
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let sql = "SELECT COUNT(*) AS n FROM xapi_projection_queue";
    Ok(
        Count::find_by_statement(statement(c.backend(), sql, vec![]))
            .one(c.conn())
            .await?
            .map_or(0, |c| c.n),
    )
}

/// Take `seqs` out of `from` for this transaction's projection: returns those that were still
/// there. PostgreSQL: projections take turns (a transaction advisory lock), so a statement is
/// projected once, and after any projection that started before it.
pub async fn claim(tx: &Tx, from: Waiting, seqs: &[i64]) -> StoreResult<Vec<i64>> {
    #[derive(FromQueryResult)]
    struct Seq {
        seq: i64,
    }
    if tx.backend() == crate::Backend::Postgres {
        tx.conn()
            .execute(statement(
                tx.backend(),
                "SELECT pg_advisory_xact_lock(?)",
                vec![PROJECTION_LOCK.into()],
            ))
            .await?;
    }
    let sql = format!(
        "DELETE FROM {} WHERE seq IN ({}) RETURNING seq",
        from.table(),
        json_ints(tx.backend())
    );
    Ok(
        Seq::find_by_statement(statement(tx.backend(), &sql, vec![ints_param(seqs)?]))
            .all(tx.conn())
            .await?
            .into_iter()
            .map(|s| s.seq)
            .collect(),
    )
}

/// The advisory lock of the learning projection ("xAPI" in ASCII).
const PROJECTION_LOCK: i64 = 0x7841_5049;

/// Remember statements whose actors matched no employee: `(seq, actor_key)` each.
/// A statement set aside as not applicable, with why.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct UnappliedStatement {
    /// The statement's place in the log (the list's order).
    pub seq: i64,
    pub statement_id: String,
    pub reason: String,
    pub stored_us: i64,
}

/// A page of the statements set aside as not applicable (not voided), oldest first, after the
/// one at `after` in the log.
pub async fn unapplied_statements(
    c: &impl Conn,
    after: Option<i64>,
    limit: u64,
) -> StoreResult<Vec<UnappliedStatement>> {
    let sql = "SELECT u.seq, s.statement_id, u.reason, s.stored_us \
               FROM xapi_unapplied u JOIN xapi_statements s ON s.seq = u.seq \
               WHERE s.voided = ? AND u.seq > ? ORDER BY u.seq LIMIT ?";
    let values = vec![
        false.into(),
        after.unwrap_or(i64::MIN).into(),
        i64::try_from(limit).unwrap_or(i64::MAX).into(),
    ];
    Ok(
        UnappliedStatement::find_by_statement(statement(c.backend(), sql, values))
            .all(c.conn())
            .await?,
    )
}

/// Set statements aside as not applicable, with their reasons.
pub async fn insert_unapplied(tx: &Tx, rows: &[(i64, &'static str)]) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = rows.iter().map(|(s, r)| json!([s, r])).collect();
    let sql = format!(
        "INSERT INTO xapi_unapplied (seq, reason) {} ON CONFLICT DO NOTHING",
        json_rows(tx.backend(), &["bigint", "text"])
    );
    tx.conn()
        .execute(statement(tx.backend(), &sql, vec![json_param(&rows)?]))
        .await?;
    Ok(())
}

pub async fn insert_unmatched(tx: &Tx, rows: &[(i64, String)]) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = rows.iter().map(|(s, k)| json!([s, k])).collect();
    let sql = format!(
        "INSERT INTO xapi_unmatched (seq, actor_key) {} ON CONFLICT DO NOTHING",
        json_rows(tx.backend(), &["bigint", "text"])
    );
    tx.conn()
        .execute(statement(tx.backend(), &sql, vec![json_param(&rows)?]))
        .await?;
    Ok(())
}

/// The statements numbered `seqs` (voided or not), in sequence order.
pub async fn statements_by_seqs(c: &impl Conn, seqs: &[i64]) -> StoreResult<Vec<StoredStatement>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {STATEMENT_COLUMNS} FROM xapi_statements WHERE seq IN ({}) ORDER BY seq",
        json_ints(c.backend())
    );
    Ok(
        StoredStatement::find_by_statement(statement(c.backend(), &sql, vec![ints_param(seqs)?]))
            .all(c.conn())
            .await?,
    )
}

/// Which of `seqs` are voided now.
pub async fn voided_among(c: &impl Conn, seqs: &[i64]) -> StoreResult<Vec<i64>> {
    #[derive(FromQueryResult)]
    struct Seq {
        seq: i64,
    }
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT seq FROM xapi_statements WHERE voided = ? AND seq IN ({})",
        json_ints(c.backend())
    );
    Ok(Seq::find_by_statement(statement(
        c.backend(),
        &sql,
        vec![true.into(), ints_param(seqs)?],
    ))
    .all(c.conn())
    .await?
    .into_iter()
    .map(|s| s.seq)
    .collect())
}

/// The `kind` column of a document.
fn kind_code(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::State => "state",
        DocumentKind::ActivityProfile => "activity_profile",
        DocumentKind::AgentProfile => "agent_profile",
    }
}

#[derive(FromQueryResult)]
struct DocumentRow {
    document_id: String,
    content_type: String,
    content: Vec<u8>,
    etag: String,
    updated_us: i64,
}

impl From<DocumentRow> for Document {
    fn from(r: DocumentRow) -> Self {
        Self {
            document_id: r.document_id,
            content_type: r.content_type,
            content: r.content,
            etag: r.etag,
            updated_us: r.updated_us,
        }
    }
}

const SCOPE_FILTER: &str = "kind = ? AND activity_id = ? AND agent_key = ? AND registration = ?";

fn scope_values(s: &DocumentScope) -> Vec<Value> {
    vec![
        kind_code(s.kind).into(),
        s.activity_id.clone().into(),
        s.agent_key.clone().into(),
        s.registration.clone().into(),
    ]
}

pub async fn get_document(
    c: &impl Conn,
    scope: &DocumentScope,
    document_id: &str,
) -> StoreResult<Option<Document>> {
    let sql = format!(
        "SELECT document_id, content_type, content, etag, updated_us FROM xapi_documents \
         WHERE {SCOPE_FILTER} AND document_id = ?"
    );
    let mut values = scope_values(scope);
    values.push(document_id.into());
    Ok(
        DocumentRow::find_by_statement(statement(c.backend(), &sql, values))
            .one(c.conn())
            .await?
            .map(Document::from),
    )
}

/// The ids of the documents in a scope, changed after `since_us` if given.
pub async fn document_ids(
    c: &impl Conn,
    scope: &DocumentScope,
    since_us: Option<i64>,
) -> StoreResult<Vec<String>> {
    #[derive(FromQueryResult)]
    struct Id {
        document_id: String,
    }
    let mut values = scope_values(scope);
    let since = match since_us {
        Some(t) => {
            values.push(t.into());
            " AND updated_us > ?"
        }
        None => "",
    };
    let sql = format!(
        "SELECT document_id FROM xapi_documents WHERE {SCOPE_FILTER}{since} ORDER BY document_id"
    );
    Ok(Id::find_by_statement(statement(c.backend(), &sql, values))
        .all(c.conn())
        .await?
        .into_iter()
        .map(|r| r.document_id)
        .collect())
}

/// Store a document (insert or replace).
pub async fn put_document(tx: &Tx, scope: &DocumentScope, doc: &Document) -> StoreResult<()> {
    let sql = "INSERT INTO xapi_documents (kind, activity_id, agent_key, registration, \
               document_id, content_type, content, etag, updated_us) \
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
               ON CONFLICT (kind, activity_id, agent_key, registration, document_id) DO UPDATE \
               SET content_type = excluded.content_type, content = excluded.content, \
               etag = excluded.etag, updated_us = excluded.updated_us";
    let mut values = scope_values(scope);
    values.extend([
        Value::from(doc.document_id.clone()),
        doc.content_type.clone().into(),
        doc.content.clone().into(),
        doc.etag.clone().into(),
        doc.updated_us.into(),
    ]);
    tx.conn()
        .execute(statement(tx.backend(), sql, values))
        .await?;
    Ok(())
}

/// Delete one document, or every document of the scope (`None`).
pub async fn delete_documents(
    tx: &Tx,
    scope: &DocumentScope,
    document_id: Option<&str>,
) -> StoreResult<()> {
    let mut values = scope_values(scope);
    let one = match document_id {
        Some(id) => {
            values.push(id.into());
            " AND document_id = ?"
        }
        None => "",
    };
    let sql = format!("DELETE FROM xapi_documents WHERE {SCOPE_FILTER}{one}");
    tx.conn()
        .execute(statement(tx.backend(), &sql, values))
        .await?;
    Ok(())
}

/// The newest statements (at most `limit`, newest first) whose object is this activity, voided
/// or not (for the Activities resource).
pub async fn newest_about_activity(
    c: &impl Conn,
    activity_id: &str,
    limit: u64,
) -> StoreResult<Vec<StoredStatement>> {
    let sql = format!(
        "SELECT {} FROM xapi_statements s WHERE s.seq IN (SELECT x.seq FROM \
         xapi_statement_activities x WHERE x.activity_id = ? AND x.related_only = ?) \
         ORDER BY s.seq DESC LIMIT ?",
        STATEMENT_COLUMNS
            .split(", ")
            .map(|c| format!("s.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(StoredStatement::find_by_statement(statement(
        c.backend(),
        &sql,
        vec![
            activity_id.into(),
            false.into(),
            i64::try_from(limit).unwrap_or(i64::MAX).into(),
        ],
    ))
    .all(c.conn())
    .await?)
}

/// Keep attachment contents, one copy per hash: a hash stored already keeps its first content
/// (equal, since the hash was checked) and content type.
pub async fn insert_attachments(tx: &Tx, contents: &[AttachmentContent]) -> StoreResult<()> {
    for c in contents {
        let sql = "INSERT INTO xapi_attachments (sha2, content_type, content) VALUES (?, ?, ?) \
                   ON CONFLICT (sha2) DO NOTHING";
        tx.conn()
            .execute(statement(
                tx.backend(),
                sql,
                vec![
                    c.sha2.clone().into(),
                    c.content_type.clone().into(),
                    c.content.clone().into(),
                ],
            ))
            .await?;
    }
    Ok(())
}

/// The stored contents among `hashes` (lower-case hex), in no particular order.
pub async fn attachments_by_hashes(
    c: &impl Conn,
    hashes: &[String],
) -> StoreResult<Vec<AttachmentContent>> {
    #[derive(FromQueryResult)]
    struct Row {
        sha2: String,
        content_type: String,
        content: Vec<u8>,
    }
    if hashes.is_empty() {
        return Ok(Vec::new());
    }
    let json = serde_json::to_string(hashes).map_err(StoreError::corrupt)?;
    let sql = format!(
        "SELECT sha2, content_type, content FROM xapi_attachments WHERE sha2 IN ({})",
        json_keys(c.backend())
    );
    Ok(
        Row::find_by_statement(statement(c.backend(), &sql, vec![json.into()]))
            .all(c.conn())
            .await?
            .into_iter()
            .map(|r| AttachmentContent {
                sha2: r.sha2,
                content_type: r.content_type,
                content: r.content,
            })
            .collect(),
    )
}
