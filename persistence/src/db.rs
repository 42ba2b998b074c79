use crate::{StoreError, StoreResult};
use learnwell_migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::{Alias, OnConflict};
use sea_orm::{
    ActiveModelTrait, ConnectOptions, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, IntoActiveModel, Statement, TransactionTrait, Value,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Which database engine the URL chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Connections in the pool.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
}

/// The database: a pool, the statement counter (for metrics and the N+1 tests) and, on SQLite,
/// the one connection that writes, with the lock writers take turns on (SQLite has one writer;
/// taking turns here avoids `SQLITE_BUSY`, and a connection that does every write keeps the
/// pages it writes in its cache, where another connection would find its cache out of date),
/// and the task that checkpoints its write-ahead log.
#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    backend: Backend,
    statements: Arc<AtomicU64>,
    writer: Option<(Arc<Mutex<()>>, DatabaseConnection)>,
    checkpointer: Option<Arc<Checkpointer>>,
}

/// How often SQLite's write-ahead log is copied back into the database, and how long it may
/// grow (in 4 KiB pages) before writers pause for it to start again from the beginning.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(50);
const WAL_RESTART_PAGES: i64 = 16_384;

/// SQLite's checkpoints, off the writer's path. A commit would otherwise copy the log back into
/// the database itself every 1,000 pages: with statements that each touch several indexes, that
/// was about half of every write transaction's time, on the one connection that writes. Here a
/// pool connection (on another core) copies what has been committed every 50 ms without
/// blocking anyone; once the log has grown past 64 MiB it takes the writer's turn for a moment,
/// so that the next transaction starts the log again from the beginning. Stops with the last
/// handle on the database.
struct Checkpointer(tokio::task::JoinHandle<()>);

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Checkpointer {
    fn start(pool: DatabaseConnection, turn: Arc<Mutex<()>>) -> Self {
        Self(tokio::spawn(async move {
            let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let result = match checkpoint(&pool, "PASSIVE").await {
                    Ok(log) if log > WAL_RESTART_PAGES => {
                        let _turn = turn.lock().await;
                        checkpoint(&pool, "RESTART").await.map(drop)
                    }
                    other => other.map(drop),
                };
                if let Err(e) = result {
                    tracing::warn!(error = %e, "SQLite checkpoint failed");
                }
            }
        }))
    }
}

/// Run a checkpoint; returns the pages in the log.
async fn checkpoint(pool: &DatabaseConnection, mode: &str) -> StoreResult<i64> {
    let row = pool
        .query_one(Statement::from_string(
            DbBackend::Sqlite,
            format!("PRAGMA wal_checkpoint({mode})"),
        ))
        .await?
        .ok_or_else(|| StoreError::corrupt("wal_checkpoint returned no row"))?;
    Ok(row.try_get_by_index(1)?)
}

/// The certificate files a PostgreSQL URL names (`sslrootcert`, `sslcert`, `sslkey` and their
/// aliases; a value holding the PEM itself is no file) can be read: sqlx would only say "No such
/// file or directory", without the file's name.
fn check_certificate_files(url: &str) -> StoreResult<()> {
    let url = url::Url::parse(url).map_err(|e| StoreError::Config(format!("database.url: {e}")))?;
    let files = url.query_pairs().filter(|(key, value)| {
        matches!(
            &**key,
            "sslrootcert"
                | "ssl-root-cert"
                | "ssl-ca"
                | "sslcert"
                | "ssl-cert"
                | "sslkey"
                | "ssl-key"
        ) && !value.starts_with("-----BEGIN")
    });
    for (key, path) in files {
        std::fs::File::open(&*path)
            .map_err(|e| StoreError::Config(format!("database.url: {key} {path}: {e}")))?;
    }
    Ok(())
}

/// A write transaction. Dropped without `commit`, it rolls back.
pub struct Tx {
    tx: DatabaseTransaction,
    backend: Backend,
    _turn: Option<OwnedMutexGuard<()>>,
}

/// Something store functions can read through: the pool or an open transaction.
pub trait Conn: Sync {
    #[doc(hidden)]
    type C: ConnectionTrait;
    #[doc(hidden)]
    fn conn(&self) -> &Self::C;
    fn backend(&self) -> Backend;
}

impl Conn for Db {
    type C = DatabaseConnection;
    fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }
    fn backend(&self) -> Backend {
        self.backend
    }
}

impl Conn for Tx {
    type C = DatabaseTransaction;
    fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }
    fn backend(&self) -> Backend {
        self.backend
    }
}

impl Db {
    /// Connect to `sqlite://...` or `postgres://...`. A SQLite file is created when missing.
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Config(
                "database.url must start with sqlite: or postgres://".into(),
            ));
        };
        if backend == Backend::Postgres {
            check_certificate_files(url)?;
        }
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.max_connections(max_connections)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        if backend == Backend::Sqlite {
            opts.map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(30))
                    .foreign_keys(true)
                    // Read pages straight from the OS page cache instead of copying each one
                    // into every connection's small private cache: summaries touch many pages.
                    .pragma("mmap_size", "268435456")
                    // Sorts and groupings of a summary stay in memory rather than a temp file.
                    .pragma("temp_store", "memory")
            });
        } else {
            // Plan each statement for its parameters. A generic plan cached while a table was
            // still small (the first HRIS load, the first bulk assignment) would otherwise keep
            // scanning it until autovacuum's next ANALYZE: seconds per request in between.
            opts.map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]));
        }
        let statements = Arc::new(AtomicU64::new(0));
        let counted = |mut conn: DatabaseConnection| {
            let counter = Arc::clone(&statements);
            conn.set_metric_callback(move |_| {
                counter.fetch_add(1, Ordering::Relaxed);
            });
            conn
        };
        let conn = counted(sea_orm::Database::connect(opts.clone()).await?);
        let (writer, checkpointer) = match backend {
            Backend::Sqlite => {
                let mut one = opts;
                one.max_connections(1)
                    .map_sqlx_sqlite_opts(|o| o.pragma("wal_autocheckpoint", "0"));
                let writer = counted(sea_orm::Database::connect(one).await?);
                let turn = Arc::new(Mutex::new(()));
                let checkpointer = Checkpointer::start(conn.clone(), Arc::clone(&turn));
                (Some((turn, writer)), Some(Arc::new(checkpointer)))
            }
            Backend::Postgres => (None, None),
        };
        Ok(Self {
            conn,
            backend,
            statements,
            writer,
            checkpointer,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Statements run since start (every backend, every connection).
    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    pub fn pool_stats(&self) -> PoolStats {
        let (size, idle) = match self.backend {
            Backend::Sqlite => {
                let p = self.conn.get_sqlite_connection_pool();
                (p.size(), p.num_idle())
            }
            Backend::Postgres => {
                let p = self.conn.get_postgres_connection_pool();
                (p.size(), p.num_idle())
            }
        };
        PoolStats {
            size,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
        }
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        Ok(Migrator::up(&self.conn, None).await?)
    }

    /// How many migrations have not been applied (0 = ready).
    pub async fn pending_migrations(&self) -> StoreResult<usize> {
        Ok(Migrator::get_pending_migrations(&self.conn).await?.len())
    }

    pub async fn ping(&self) -> StoreResult<()> {
        Ok(self.conn.ping().await?)
    }

    /// Begin a write transaction (on SQLite, on the writing connection, after taking the
    /// writer's turn).
    pub async fn begin(&self) -> StoreResult<Tx> {
        let (tx, turn) = match &self.writer {
            Some((lock, writer)) => {
                let turn = Arc::clone(lock).lock_owned().await;
                (writer.begin().await?, Some(turn))
            }
            None => (self.conn.begin().await?, None),
        };
        Ok(Tx {
            tx,
            backend: self.backend,
            _turn: turn,
        })
    }

    pub async fn close(self) -> StoreResult<()> {
        drop(self.checkpointer);
        if let Some((_, writer)) = self.writer {
            writer.close().await?;
        }
        Ok(self.conn.close().await?)
    }
}

impl Tx {
    pub async fn commit(self) -> StoreResult<()> {
        Ok(self.tx.commit().await?)
    }

    /// Undo everything written in the transaction (a dry run ends here).
    pub async fn rollback(self) -> StoreResult<()> {
        Ok(self.tx.rollback().await?)
    }
}

/// A raw statement written with `?` placeholders, renumbered to `$n` for PostgreSQL.
pub(crate) fn statement(backend: Backend, sql: &str, values: Vec<Value>) -> Statement {
    match backend {
        Backend::Sqlite => Statement::from_sql_and_values(DbBackend::Sqlite, sql, values),
        Backend::Postgres => {
            let mut out = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for ch in sql.chars() {
                if ch == '?' {
                    n += 1;
                    out.push('$');
                    out.push_str(&n.to_string());
                } else {
                    out.push(ch);
                }
            }
            Statement::from_sql_and_values(DbBackend::Postgres, out, values)
        }
    }
}

/// A subquery yielding the strings of a JSON array bound as one parameter: a lookup of any
/// number of keys is one statement with one parameter, and both planners use the index for it.
pub(crate) fn json_keys(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SELECT value FROM json_each(?)",
        Backend::Postgres => "SELECT json_array_elements_text(CAST(? AS json))",
    }
}

/// [`json_keys`] for a JSON array of integers (sequence numbers, say).
pub(crate) fn json_ints(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SELECT value FROM json_each(?)",
        Backend::Postgres => "SELECT CAST(jsonb_array_elements_text(CAST(? AS jsonb)) AS bigint)",
    }
}

/// A `SELECT` of the rows of a JSON array of arrays bound as one parameter, column `i` being
/// element `i` cast to `types[i]` (PostgreSQL; SQLite keeps JSON's own types, which are its
/// storage types). Many rows become one statement with one parameter, in an `INSERT ... SELECT`
/// for instance (with an upsert clause too: SQLite needs the `WHERE` to parse that).
pub(crate) fn json_rows(backend: Backend, types: &[&str]) -> String {
    let columns: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, t)| match backend {
            Backend::Postgres => format!("CAST(r->>{i} AS {t})"),
            Backend::Sqlite => format!("r.value->>{i}"),
        })
        .collect();
    let columns = columns.join(", ");
    match backend {
        Backend::Postgres => {
            format!("SELECT {columns} FROM jsonb_array_elements(CAST(? AS jsonb)) AS r")
        }
        Backend::Sqlite => format!("SELECT {columns} FROM json_each(?) AS r WHERE true"),
    }
}

/// Insert whole rows in bulk. PostgreSQL gets one statement whose single parameter is the rows
/// as JSON (`json_populate_recordset`): parsing thousands of `$n` placeholders cost more than the
/// insert itself. SQLite gets multi-row INSERTs. A row whose `skip_duplicates_of` columns are
/// already taken is skipped; any other unique violation maps to `Duplicate`.
pub(crate) async fn insert_all<E>(
    tx: &Tx,
    rows: &[E::Model],
    skip_duplicates_of: &[&str],
) -> StoreResult<()>
where
    E: EntityTrait,
    E::Model: serde::Serialize + Clone + IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E>,
{
    if rows.is_empty() {
        return Ok(());
    }
    match tx.backend() {
        Backend::Postgres => {
            let table = E::default().table_name().to_owned();
            let skip = if skip_duplicates_of.is_empty() {
                String::new()
            } else {
                format!(
                    " ON CONFLICT ({}) DO NOTHING",
                    skip_duplicates_of.join(", ")
                )
            };
            let sql = format!(
                "INSERT INTO \"{table}\" SELECT * FROM json_populate_recordset(NULL::\"{table}\", $1::json){skip}"
            );
            // Bounded pieces keep the JSON text (and the server's peak memory) small.
            for chunk in rows.chunks(2000) {
                let json = serde_json::to_string(chunk)
                    .map_err(|e| StoreError::Corrupt(format!("rows of {table}: {e}")))?;
                tx.conn()
                    .execute(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        sql.clone(),
                        [json.into()],
                    ))
                    .await
                    .map_err(StoreError::from_write)?;
            }
        }
        Backend::Sqlite => {
            for chunk in rows.chunks(crate::INSERT_CHUNK) {
                let mut insert = E::insert_many(
                    chunk
                        .iter()
                        .map(|m| m.clone().into_active_model().reset_all()),
                );
                if !skip_duplicates_of.is_empty() {
                    insert = insert.on_conflict(
                        OnConflict::columns(skip_duplicates_of.iter().map(|c| Alias::new(*c)))
                            .do_nothing()
                            .to_owned(),
                    );
                }
                insert
                    .exec_without_returning(tx.conn())
                    .await
                    .map_err(StoreError::from_write)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The writer leaves checkpoints to the background task, and what it commits still reaches
    /// the database file itself, not only its write-ahead log.
    #[tokio::test]
    async fn sqlite_commits_are_checkpointed_into_the_database_file() {
        let path =
            std::env::temp_dir().join(format!("learnwell-checkpoint-{}.db", uuid::Uuid::now_v7()));
        let db = Db::connect(&format!("sqlite://{}", path.display()), 2)
            .await
            .unwrap();
        let tx = db.begin().await.unwrap();
        tx.conn()
            .execute_unprepared("CREATE TABLE checkpointed (v INTEGER)")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut in_file = false;
        for _ in 0..100 {
            tokio::time::sleep(CHECKPOINT_EVERY).await;
            let bytes = std::fs::read(&path).unwrap();
            in_file = bytes.windows(12).any(|w| w == b"checkpointed");
            if in_file {
                break;
            }
        }
        db.close().await.unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        assert!(in_file, "the new table never reached the database file");
    }
}
