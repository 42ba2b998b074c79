//! Learning-time policies and time entries.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000003_learning_time"
    }
}

fn col(name: &str, f: impl FnOnce(&mut ColumnDef) -> &mut ColumnDef) -> ColumnDef {
    let mut c = ColumnDef::new(Alias::new(name));
    f(&mut c);
    c
}

fn table(name: &str, cols: Vec<ColumnDef>) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Alias::new(name));
    for mut c in cols {
        t.col(&mut c);
    }
    t.to_owned()
}

fn stamps() -> Vec<ColumnDef> {
    vec![
        col("version", |c| c.big_integer().not_null()),
        col("created_at", |c| c.timestamp_with_time_zone().not_null()),
        col("updated_at", |c| c.timestamp_with_time_zone().not_null()),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let id = || col("id", |c| c.string_len(36).not_null().primary_key());
        let mut policies = vec![
            id(),
            col("name", |c| c.string_len(200).not_null()),
            // organisation, org_unit or job_level
            col("scope_kind", |c| c.string_len(32).not_null()),
            col("scope_org_unit_id", |c| c.string_len(36).null()),
            col("scope_job_level", |c| c.small_integer().null()),
            // share (basis points) or fixed (minutes per period)
            col("grant_kind", |c| c.string_len(16).not_null()),
            col("grant_value", |c| c.integer().not_null()),
            col("period", |c| c.string_len(16).not_null()),
            col("carry_over_cap_minutes", |c| c.integer().not_null()),
            // ISO weekday 1 (Monday) .. 7, and HH:MM times
            col("slot_weekday", |c| c.small_integer().null()),
            col("slot_start", |c| c.string_len(5).null()),
            col("slot_end", |c| c.string_len(5).null()),
            col("approval_threshold_minutes", |c| c.integer().null()),
            col("full_time_centihours", |c| c.integer().not_null()),
            col("effective_from", |c| c.date().not_null()),
            col("effective_to", |c| c.date().null()),
        ];
        policies.extend(stamps());
        manager
            .create_table(table("learning_time_policies", policies))
            .await?;

        let mut entries = vec![
            id(),
            col("employee_id", |c| c.string_len(36).not_null()),
            col("entry_date", |c| c.date().not_null()),
            col("minutes", |c| c.integer().not_null()),
            col("in_work_time", |c| c.boolean().not_null()),
            col("category", |c| c.string_len(32).not_null()),
            col("course_id", |c| c.string_len(36).null()),
            col("skill_id", |c| c.string_len(36).null()),
            col("note", |c| c.text().null()),
            col("approval", |c| c.string_len(16).not_null()),
            col("decided_by", |c| c.string_len(200).null()),
        ];
        entries.extend(stamps());
        let mut t = table("time_entries", entries);
        t.foreign_key(
            ForeignKey::create()
                .from(Alias::new("time_entries"), Alias::new("employee_id"))
                .to(Alias::new("employees"), Alias::new("id")),
        );
        manager.create_table(t).await?;
        // Summaries read a date range for a set of people; a person's day is checked on write.
        for (name, cols) in [
            ("ix_time_entries_person_day", ["employee_id", "entry_date"]),
            ("ix_time_entries_day_person", ["entry_date", "employee_id"]),
        ] {
            let mut i = Index::create();
            i.name(name).table(Alias::new("time_entries"));
            for c in cols {
                i.col(Alias::new(c));
            }
            manager.create_index(i.to_owned()).await?;
        }
        // Minutes per person and month, kept with every entry write, approval and rejection, so a
        // month or quarter summary reads one row per person and month instead of every entry.
        let mut rollups = vec![
            col("employee_id", |c| c.string_len(36).not_null()),
            col("month", |c| c.date().not_null()),
        ];
        for name in [
            "in_work",
            "outside_work",
            "assigned",
            "role_related",
            "exploratory",
            "mentoring",
            "coaching",
        ] {
            rollups.push(col(name, |c| c.big_integer().not_null()));
        }
        let mut t = table("time_rollups", rollups);
        t.primary_key(
            Index::create()
                .col(Alias::new("employee_id"))
                .col(Alias::new("month")),
        );
        manager.create_table(t).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["time_rollups", "time_entries", "learning_time_policies"] {
            manager
                .drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
