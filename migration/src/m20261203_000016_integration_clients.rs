//! Integration clients: LRS clients become one kind of client (`kind`: `lrs` or `integration`),
//! with the time each last got a token.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000016_integration_clients"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE lrs_clients ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'lrs'",
        )
        .await?;
        db.execute_unprepared("ALTER TABLE lrs_clients ADD COLUMN last_used_at TIMESTAMPTZ NULL")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE lrs_clients DROP COLUMN last_used_at")
            .await?;
        db.execute_unprepared("ALTER TABLE lrs_clients DROP COLUMN kind")
            .await?;
        Ok(())
    }
}
