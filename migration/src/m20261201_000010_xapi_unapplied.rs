//! Statements about learning by an employee that the projection could not turn into learning
//! (no duration to measure, a duration longer than a day or out of range, a title that does not
//! fit), with the reason: listed for learning admins and applied again after a fix.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000010_xapi_unapplied"
    }
}

const UP: &str = "
CREATE TABLE xapi_unapplied (seq BIGINT NOT NULL PRIMARY KEY, reason VARCHAR(40) NOT NULL);
";

const DOWN: &str = "
DROP TABLE xapi_unapplied;
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
