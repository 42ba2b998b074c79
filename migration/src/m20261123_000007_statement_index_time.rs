//! Statement queries by agent or activity at scale, and cheaper statement writes:
//!
//! - the agent and activity index rows carry the statement's `stored` time, in their key after
//!   the sequence: a query walks one agent's rows in sequence order and checks `since` / `until`
//!   in the index, reading only the statements it returns (rebuilt from the rows stored);
//! - indexes that only a few statements need become partial (unmatched actors, StatementRefs),
//!   and the index of voiding targets, which no query reads, goes: fewer index writes per
//!   statement.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000007_statement_index_time"
    }
}

const UP: &str = "
DROP INDEX ix_xapi_statements_voids;
DROP INDEX ix_xapi_statements_mapping;
CREATE INDEX ix_xapi_statements_unmatched ON xapi_statements (actor_key) WHERE mapping = 'unmatched';
DROP INDEX ix_xapi_statements_ref;
CREATE INDEX ix_xapi_statements_refs ON xapi_statements (ref_statement_id) WHERE ref_statement_id IS NOT NULL;
{rebuild:xapi_statement_agents:agent_key}
{rebuild:xapi_statement_activities:activity_id}
";

const DOWN: &str = "
{restore:xapi_statement_agents:agent_key}
{restore:xapi_statement_activities:activity_id}
DROP INDEX ix_xapi_statements_refs;
CREATE INDEX ix_xapi_statements_ref ON xapi_statements (ref_statement_id);
DROP INDEX ix_xapi_statements_unmatched;
CREATE INDEX ix_xapi_statements_mapping ON xapi_statements (mapping, actor_key);
CREATE INDEX ix_xapi_statements_voids ON xapi_statements (voids_statement_id);
";

/// Rebuild an index table with (`with_time`) or without the statements' time in its key.
fn rebuild(table: &str, key: &str, with_time: bool) -> String {
    let (column, select, pk) = if with_time {
        (
            "stored_us BIGINT NOT NULL, ",
            format!(
                "SELECT x.{key}, x.related_only, x.seq, s.stored_us FROM {table} x \
                 JOIN xapi_statements s ON s.seq = x.seq"
            ),
            format!("{key}, related_only, seq, stored_us"),
        )
    } else {
        (
            "",
            format!("SELECT {key}, related_only, seq FROM {table}"),
            format!("{key}, related_only, seq"),
        )
    };
    format!(
        "CREATE TABLE {table}_next ({key} TEXT NOT NULL, related_only BOOLEAN NOT NULL, \
         seq BIGINT NOT NULL, {column}PRIMARY KEY ({pk}));
         INSERT INTO {table}_next {select};
         DROP TABLE {table};
         ALTER TABLE {table}_next RENAME TO {table};"
    )
}

async fn run(manager: &SchemaManager<'_>, script: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let mut script = script.to_owned();
    for (table, key) in [
        ("xapi_statement_agents", "agent_key"),
        ("xapi_statement_activities", "activity_id"),
    ] {
        script = script
            .replace(
                &format!("{{rebuild:{table}:{key}}}"),
                &rebuild(table, key, true),
            )
            .replace(
                &format!("{{restore:{table}:{key}}}"),
                &rebuild(table, key, false),
            );
    }
    // One call, so one connection: on SQLite, statements spread over the pool's connections saw
    // a dropped table still there when renaming the rebuilt one.
    db.execute_unprepared(&script).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, DOWN).await
    }
}
