//! Keys the server signs with that every instance must share and that outlive a restart, one row
//! per purpose (first: the xAPI statement `more` links, docs/decisions/0003-xapi-more-token.md).
//! The first instance to start writes a random key; the others read it.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000009_signing_keys"
    }
}

const UP: &str = "
CREATE TABLE signing_keys (name VARCHAR(64) NOT NULL PRIMARY KEY, secret TEXT NOT NULL);
";

const DOWN: &str = "
DROP TABLE signing_keys;
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(UP).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(DOWN).await?;
        Ok(())
    }
}
