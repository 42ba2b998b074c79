//! LRS conformance and the learning side of xAPI:
//!
//! - LRS clients name their own learning verbs (`learning_verbs`, space-separated IRIs), counted
//!   beside the four ADL verbs;
//! - statements remember the statement their object refers to (`ref_statement_id`, for any
//!   StatementRef, voiding or not), so that a query also finds the statements that target a
//!   matching one (Communication 2.1.3, "Filter Conditions for StatementRefs"); filled here for the
//!   statements stored already;
//! - `enrollment_completions` remembers which learning record completed an enrolment and what the
//!   enrolment was before, so that voiding the statement behind the record reopens it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000006_lrs_client_verbs"
    }
}

const UP: &str = "
ALTER TABLE lrs_clients ADD COLUMN learning_verbs TEXT NOT NULL DEFAULT '';
ALTER TABLE xapi_statements ADD COLUMN ref_statement_id VARCHAR(36) NULL;
{backfill};
CREATE INDEX ix_xapi_statements_ref ON xapi_statements (ref_statement_id);
CREATE TABLE enrollment_completions (
    learning_record_id VARCHAR(36) NOT NULL PRIMARY KEY,
    enrollment_id VARCHAR(36) NOT NULL,
    previous_status VARCHAR(32) NOT NULL,
    previous_score DOUBLE PRECISION NULL
);
CREATE INDEX ix_enrollment_completions_enrollment ON enrollment_completions (enrollment_id)
";

const DOWN: &str = "
DROP TABLE enrollment_completions;
DROP INDEX ix_xapi_statements_ref;
ALTER TABLE xapi_statements DROP COLUMN ref_statement_id;
ALTER TABLE lrs_clients DROP COLUMN learning_verbs
";

/// The referred statement's id of the statements stored before this migration.
fn backfill(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "UPDATE xapi_statements SET ref_statement_id = \
             lower(CAST(statement AS json) -> 'object' ->> 'id') \
             WHERE CAST(statement AS json) -> 'object' ->> 'objectType' = 'StatementRef'"
        }
        _ => {
            "UPDATE xapi_statements SET ref_statement_id = \
             lower(json_extract(statement, '$.object.id')) \
             WHERE json_extract(statement, '$.object.objectType') = 'StatementRef'"
        }
    }
}

async fn run(manager: &SchemaManager<'_>, script: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let script = script.replace("{backfill}", backfill(db.get_database_backend()));
    for sql in script.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        db.execute_unprepared(sql).await?;
    }
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
