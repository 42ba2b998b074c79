//! Coaching, mentoring and PD budgets: budget policies, budgets, spend requests, mentor and
//! coach profiles, mentoring requests, engagements and their sessions. Money is integer minor
//! units (BIGINT) with its ISO 4217 currency.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000012_development"
    }
}

fn col(name: &str, f: impl FnOnce(&mut ColumnDef) -> &mut ColumnDef) -> ColumnDef {
    let mut c = ColumnDef::new(Alias::new(name));
    f(&mut c);
    c
}

fn table(name: &str, mut cols: Vec<ColumnDef>) -> TableCreateStatement {
    cols.insert(0, col("id", |c| c.string_len(36).not_null().primary_key()));
    cols.extend([
        col("version", |c| c.big_integer().not_null()),
        col("created_at", |c| c.timestamp_with_time_zone().not_null()),
        col("updated_at", |c| c.timestamp_with_time_zone().not_null()),
    ]);
    let mut t = Table::create();
    t.table(Alias::new(name));
    for mut c in cols {
        t.col(&mut c);
    }
    t.to_owned()
}

fn index(name: &str, table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Alias::new(table));
    for c in cols {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

fn references(t: &mut TableCreateStatement, table: &str, column: &str, target: &str) {
    t.foreign_key(
        ForeignKey::create()
            .from(Alias::new(table), Alias::new(column))
            .to(Alias::new(target), Alias::new("id")),
    );
}

const TABLES: [&str; 7] = [
    "engagement_sessions",
    "engagements",
    "mentoring_requests",
    "mentor_profiles",
    "pd_spend_requests",
    "pd_budgets",
    "pd_budget_policies",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let money = |name: &str| col(name, |c| c.big_integer().not_null());
        let text = |name: &str, len: u32| col(name, |c| c.string_len(len).not_null());
        let id_of = |name: &str| col(name, |c| c.string_len(36).not_null());
        let maybe_id = |name: &str| col(name, |c| c.string_len(36).null());

        let t = table(
            "pd_budget_policies",
            vec![
                col("fiscal_year", |c| c.integer().not_null()),
                col("job_level", |c| c.small_integer().not_null()),
                money("amount_minor"),
                text("currency", 3),
                money("carry_over_cap_minor"),
            ],
        );
        manager.create_table(t).await?;
        let i = index(
            "ux_pd_budget_policies_year_level",
            "pd_budget_policies",
            &["fiscal_year", "job_level"],
            true,
        );
        manager.create_index(i).await?;

        // reserved and spent change only by conditional updates that keep
        // allocated + carried_in - reserved - spent >= 0.
        let mut t = table(
            "pd_budgets",
            vec![
                id_of("employee_id"),
                col("fiscal_year", |c| c.integer().not_null()),
                text("currency", 3),
                money("allocated_minor"),
                money("carried_in_minor"),
                money("reserved_minor"),
                money("spent_minor"),
            ],
        );
        references(&mut t, "pd_budgets", "employee_id", "employees");
        manager.create_table(t).await?;
        let i = index(
            "ux_pd_budgets_person_year",
            "pd_budgets",
            &["employee_id", "fiscal_year"],
            true,
        );
        manager.create_index(i).await?;

        let mut t = table(
            "pd_spend_requests",
            vec![
                id_of("employee_id"),
                id_of("budget_id"),
                col("fiscal_year", |c| c.integer().not_null()),
                text("category", 32),
                money("amount_minor"),
                text("currency", 3),
                col("description", |c| c.text().not_null()),
                maybe_id("course_id"),
                maybe_id("engagement_id"),
                text("state", 16),
                col("approvals_needed", |c| c.small_integer().not_null()),
                col("first_approved_by", |c| c.string_len(200).null()),
                col("second_approved_by", |c| c.string_len(200).null()),
                col("decided_by", |c| c.string_len(200).null()),
                col("actual_minor", |c| c.big_integer().null()),
            ],
        );
        references(&mut t, "pd_spend_requests", "employee_id", "employees");
        references(&mut t, "pd_spend_requests", "budget_id", "pd_budgets");
        manager.create_table(t).await?;
        for (name, cols) in [
            ("ix_pd_spend_requests_person", ["employee_id", "id"]),
            ("ix_pd_spend_requests_budget", ["budget_id", "id"]),
        ] {
            manager
                .create_index(index(name, "pd_spend_requests", &cols, false))
                .await?;
        }

        // Skills and languages are JSON arrays; active_count changes only by a conditional
        // update that keeps it at most capacity.
        let mut t = table(
            "mentor_profiles",
            vec![
                text("kind", 16),
                maybe_id("employee_id"),
                col("external_name", |c| c.string_len(200).null()),
                col("bio", |c| c.text().null()),
                col("skills", |c| c.text().not_null()),
                col("level_min", |c| c.small_integer().not_null()),
                col("level_max", |c| c.small_integer().not_null()),
                col("languages", |c| c.text().not_null()),
                col("availability", |c| c.string_len(200).null()),
                col("capacity", |c| c.integer().not_null()),
                col("active_count", |c| c.integer().not_null()),
                col("active", |c| c.boolean().not_null()),
            ],
        );
        references(&mut t, "mentor_profiles", "employee_id", "employees");
        manager.create_table(t).await?;
        let i = index(
            "ix_mentor_profiles_employee",
            "mentor_profiles",
            &["employee_id"],
            false,
        );
        manager.create_index(i).await?;

        let mut t = table(
            "mentoring_requests",
            vec![
                id_of("mentee_id"),
                text("kind", 16),
                col("goals", |c| c.text().not_null()),
                col("skills", |c| c.text().not_null()),
                col("languages", |c| c.text().not_null()),
                text("preferred_format", 16),
                text("state", 16),
            ],
        );
        references(&mut t, "mentoring_requests", "mentee_id", "employees");
        manager.create_table(t).await?;
        let i = index(
            "ix_mentoring_requests_mentee",
            "mentoring_requests",
            &["mentee_id", "id"],
            false,
        );
        manager.create_index(i).await?;

        let mut t = table(
            "engagements",
            vec![
                text("kind", 16),
                id_of("profile_id"),
                id_of("mentee_id"),
                maybe_id("request_id"),
                col("goals", |c| c.text().not_null()),
                text("state", 16),
                col("mentor_feedback", |c| c.text().null()),
                col("mentee_feedback", |c| c.text().null()),
            ],
        );
        references(&mut t, "engagements", "profile_id", "mentor_profiles");
        references(&mut t, "engagements", "mentee_id", "employees");
        manager.create_table(t).await?;
        for (name, cols) in [
            ("ix_engagements_mentee", ["mentee_id", "id"]),
            ("ix_engagements_profile", ["profile_id", "id"]),
        ] {
            manager
                .create_index(index(name, "engagements", &cols, false))
                .await?;
        }

        let mut t = table(
            "engagement_sessions",
            vec![
                id_of("engagement_id"),
                col("session_date", |c| c.date().not_null()),
                col("minutes", |c| c.integer().not_null()),
                col("in_work_time", |c| c.boolean().not_null()),
                col("notes", |c| c.text().null()),
                id_of("time_entry_id"),
            ],
        );
        references(
            &mut t,
            "engagement_sessions",
            "engagement_id",
            "engagements",
        );
        manager.create_table(t).await?;
        let i = index(
            "ix_engagement_sessions_engagement",
            "engagement_sessions",
            &["engagement_id", "id"],
            false,
        );
        manager.create_index(i).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            manager
                .drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
