//! Each LRS client's default xAPI version: the version the LRS answers in
//! (`X-Experience-API-Version`) when one of its requests names none.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000015_lrs_client_version"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE lrs_clients ADD COLUMN default_version VARCHAR(8) NOT NULL \
                 DEFAULT '1.0.3'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE lrs_clients DROP COLUMN default_version")
            .await?;
        Ok(())
    }
}
