//! HRIS integrations: multi-request reconcile runs (a run and the pages it was sent, applied
//! only at commit) and the change feed's order over employees (`updated_at`, `id`).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000014_hris_reconcile"
    }
}

fn col(name: &str, f: impl FnOnce(&mut ColumnDef) -> &mut ColumnDef) -> ColumnDef {
    let mut c = ColumnDef::new(Alias::new(name));
    f(&mut c);
    c
}

fn index(name: &str, table: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Alias::new(table));
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut runs = Table::create();
        runs.table(Alias::new("hris_reconcile_runs"));
        for mut c in [
            col("id", |c| c.string_len(36).not_null().primary_key()),
            col("actor", |c| c.string_len(200).not_null()),
            col("mode", |c| c.string_len(16).not_null()),
            col("state", |c| c.string_len(16).not_null()),
            col("opened_at", |c| c.timestamp_with_time_zone().not_null()),
            col("expires_at", |c| c.timestamp_with_time_zone().not_null()),
            col("pages", |c| c.integer().not_null()),
            col("records", |c| c.big_integer().not_null()),
            col("committed_at", |c| c.timestamp_with_time_zone().null()),
            col("sync_run_id", |c| c.string_len(36).null()),
        ] {
            runs.col(&mut c);
        }
        manager.create_table(runs.to_owned()).await?;
        manager
            .create_index(index(
                "ix_hris_reconcile_runs_state",
                "hris_reconcile_runs",
                &["state", "expires_at"],
            ))
            .await?;

        let mut pages = Table::create();
        pages.table(Alias::new("hris_reconcile_pages"));
        for mut c in [
            col("run_id", |c| c.string_len(36).not_null()),
            col("page", |c| c.integer().not_null()),
            col("record_count", |c| c.integer().not_null()),
            col("records", |c| c.text().not_null()),
        ] {
            pages.col(&mut c);
        }
        pages
            .primary_key(
                Index::create()
                    .col(Alias::new("run_id"))
                    .col(Alias::new("page")),
            )
            .foreign_key(
                ForeignKey::create()
                    .from(Alias::new("hris_reconcile_pages"), Alias::new("run_id"))
                    .to(Alias::new("hris_reconcile_runs"), Alias::new("id")),
            );
        manager.create_table(pages.to_owned()).await?;

        manager
            .create_index(index(
                "ix_employees_updated",
                "employees",
                &["updated_at", "id"],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_org_units_updated",
                "org_units",
                &["updated_at", "id"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("ix_employees_updated", "employees"),
            ("ix_org_units_updated", "org_units"),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        for t in ["hris_reconcile_pages", "hris_reconcile_runs"] {
            manager
                .drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
