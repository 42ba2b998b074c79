//! Employees get the SHA-1 of their `mailto:` email, by which xAPI statements may name them
//! (`mbox_sha1sum`), computed here for those already stored.
//!
//! Minutes per person and quarter, beside the monthly ones: a quarter's summary (with the quarter
//! before, for carry-over) then reads two rows per person instead of six. Filled from the
//! monthly rollups. Summaries select one period's rows for many people, so the quarterly key and
//! a new index of the monthly rollups lead with the period.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};
use sha1::{Digest, Sha1};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000005_quarterly_rollups"
    }
}

const MINUTES: [&str; 7] = [
    "in_work",
    "outside_work",
    "assigned",
    "role_related",
    "exploratory",
    "mentoring",
    "coaching",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let columns = MINUTES
            .iter()
            .map(|c| format!("{c} BIGINT NOT NULL"))
            .collect::<Vec<_>>()
            .join(", ");
        db.execute_unprepared(&format!(
            "CREATE TABLE time_rollups_quarterly (quarter DATE NOT NULL, \
             employee_id VARCHAR(36) NOT NULL, {columns}, PRIMARY KEY (quarter, employee_id))"
        ))
        .await?;
        let quarter = match db.get_database_backend() {
            DbBackend::Postgres => "CAST(date_trunc('quarter', month) AS DATE)".to_owned(),
            _ => "date(month, '-' || ((CAST(strftime('%m', month) AS INTEGER) - 1) % 3) \
                  || ' months')"
                .to_owned(),
        };
        let sums = MINUTES
            .iter()
            .map(|c| format!("SUM({c})"))
            .collect::<Vec<_>>()
            .join(", ");
        db.execute_unprepared(&format!(
            "INSERT INTO time_rollups_quarterly (quarter, employee_id, {}) \
             SELECT {quarter}, employee_id, {sums} FROM time_rollups \
             GROUP BY {quarter}, employee_id",
            MINUTES.join(", ")
        ))
        .await?;
        db.execute_unprepared(
            "CREATE INDEX ix_time_rollups_month_person ON time_rollups (month, employee_id)",
        )
        .await?;
        db.execute_unprepared(
            "ALTER TABLE employees ADD COLUMN email_sha1 VARCHAR(40) NOT NULL DEFAULT ''",
        )
        .await?;
        let backend = db.get_database_backend();
        let rows = db
            .query_all(Statement::from_string(
                backend,
                "SELECT id, email FROM employees",
            ))
            .await?;
        for row in rows {
            let id: String = row.try_get("", "id")?;
            let email: String = row.try_get("", "email")?;
            let hash = format!("{:x}", Sha1::digest(format!("mailto:{email}")));
            let sql = match backend {
                DbBackend::Postgres => "UPDATE employees SET email_sha1 = $1 WHERE id = $2",
                _ => "UPDATE employees SET email_sha1 = ? WHERE id = ?",
            };
            db.execute(Statement::from_sql_and_values(
                backend,
                sql,
                [hash.into(), id.into()],
            ))
            .await?;
        }
        db.execute_unprepared("CREATE INDEX ix_employees_email_sha1 ON employees (email_sha1)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX ix_employees_email_sha1")
            .await?;
        db.execute_unprepared("ALTER TABLE employees DROP COLUMN email_sha1")
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_time_rollups_month_person")
                    .table(Alias::new("time_rollups"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(Alias::new("time_rollups_quarterly"))
                    .to_owned(),
            )
            .await
    }
}
