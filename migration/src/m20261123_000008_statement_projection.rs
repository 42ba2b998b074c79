//! Learning is projected from the statement log outside the request: a statement that may
//! produce learning (or voids one that may have) is queued by its sequence number in the
//! transaction that stores it, and a projector applies the queue in large batches. The
//! statements themselves become append-only (but for `voided`): what the projection made of
//! them moves out of their rows (`mapping`, `employee_id`). Only the unmatched ones need
//! remembering, for the unmatched-actor report: `xapi_unmatched`. Down: statements still queued
//! are left unprojected.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000008_statement_projection"
    }
}

const UP: &str = "
CREATE TABLE xapi_projection_queue (seq BIGINT NOT NULL PRIMARY KEY);
CREATE TABLE xapi_unmatched (seq BIGINT NOT NULL PRIMARY KEY, actor_key TEXT NOT NULL);
CREATE INDEX ix_xapi_unmatched_actor ON xapi_unmatched (actor_key);
INSERT INTO xapi_unmatched (seq, actor_key)
    SELECT seq, actor_key FROM xapi_statements WHERE mapping = 'unmatched' AND actor_key IS NOT NULL;
DROP INDEX ix_xapi_statements_unmatched;
ALTER TABLE xapi_statements DROP COLUMN mapping;
ALTER TABLE xapi_statements DROP COLUMN employee_id;
";

const DOWN: &str = "
ALTER TABLE xapi_statements ADD COLUMN employee_id VARCHAR(36) NULL;
ALTER TABLE xapi_statements ADD COLUMN mapping VARCHAR(16) NOT NULL DEFAULT 'none';
UPDATE xapi_statements SET mapping = 'unmatched' WHERE seq IN (SELECT seq FROM xapi_unmatched);
CREATE INDEX ix_xapi_statements_unmatched ON xapi_statements (actor_key) WHERE mapping = 'unmatched';
DROP TABLE xapi_unmatched;
DROP TABLE xapi_projection_queue;
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    // One call each, so one connection (see m20261123_000007).
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(UP).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(DOWN).await?;
        Ok(())
    }
}
