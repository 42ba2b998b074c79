//! Portable, append-only migrations (SQLite and PostgreSQL). A shipped migration is never edited.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_org;
mod m20261123_000002_learning;
mod m20261123_000003_learning_time;
mod m20261123_000004_xapi;
mod m20261123_000005_quarterly_rollups;
mod m20261123_000006_lrs_client_verbs;
mod m20261123_000007_statement_index_time;
mod m20261123_000008_statement_projection;
mod m20261201_000009_signing_keys;
mod m20261201_000010_xapi_unapplied;
mod m20261202_000011_advising;
mod m20261202_000012_development;
mod m20261203_000013_pipeline;
mod m20261203_000014_hris_reconcile;
mod m20261203_000015_lrs_client_version;
mod m20261203_000016_integration_clients;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_org::Migration),
            Box::new(m20261123_000002_learning::Migration),
            Box::new(m20261123_000003_learning_time::Migration),
            Box::new(m20261123_000004_xapi::Migration),
            Box::new(m20261123_000005_quarterly_rollups::Migration),
            Box::new(m20261123_000006_lrs_client_verbs::Migration),
            Box::new(m20261123_000007_statement_index_time::Migration),
            Box::new(m20261123_000008_statement_projection::Migration),
            Box::new(m20261201_000009_signing_keys::Migration),
            Box::new(m20261201_000010_xapi_unapplied::Migration),
            Box::new(m20261202_000011_advising::Migration),
            Box::new(m20261202_000012_development::Migration),
            Box::new(m20261203_000013_pipeline::Migration),
            Box::new(m20261203_000014_hris_reconcile::Migration),
            Box::new(m20261203_000015_lrs_client_version::Migration),
            Box::new(m20261203_000016_integration_clients::Migration),
        ]
    }
}
