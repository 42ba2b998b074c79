//! The leadership pipeline: programmes, cohorts, memberships (with the motivation reflection),
//! readiness assessments, 9-box talent reviews, leadership positions with their history and
//! succession slates, and placements.
//!
//! Two constraints hold under concurrency in the database itself: a person has at most one open
//! membership per programme (`open_programme_id` is the programme while the membership is
//! nominated, admitted or active, else NULL, under a unique index with the person), and a
//! cohort's `seats_taken` changes only by conditional updates that keep it at most `capacity`.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000013_pipeline"
    }
}

fn col(name: &str, f: impl FnOnce(&mut ColumnDef) -> &mut ColumnDef) -> ColumnDef {
    let mut c = ColumnDef::new(Alias::new(name));
    f(&mut c);
    c
}

fn table(name: &str, mut cols: Vec<ColumnDef>, refs: &[(&str, &str)]) -> TableCreateStatement {
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
    for (column, target) in refs {
        t.foreign_key(
            ForeignKey::create()
                .from(Alias::new(name), Alias::new(*column))
                .to(Alias::new(*target), Alias::new("id")),
        );
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

const TABLES: [&str; 10] = [
    "pipeline_placements",
    "pipeline_slate_entries",
    "pipeline_position_history",
    "pipeline_positions",
    "pipeline_talent_reviews",
    "pipeline_readiness",
    "pipeline_reflections",
    "pipeline_memberships",
    "pipeline_cohorts",
    "pipeline_programmes",
];

fn id_of(name: &str) -> ColumnDef {
    col(name, |c| c.string_len(36).not_null())
}
fn maybe_id(name: &str) -> ColumnDef {
    col(name, |c| c.string_len(36).null())
}
fn text(name: &str, len: u32) -> ColumnDef {
    col(name, |c| c.string_len(len).not_null())
}
fn day(name: &str) -> ColumnDef {
    col(name, |c| c.date().not_null())
}
fn maybe_day(name: &str) -> ColumnDef {
    col(name, |c| c.date().null())
}
fn small(name: &str) -> ColumnDef {
    col(name, |c| c.small_integer().not_null())
}
fn flag(name: &str) -> ColumnDef {
    col(name, |c| c.boolean().not_null())
}

fn tables() -> Vec<(TableCreateStatement, Vec<IndexCreateStatement>)> {
    vec![
        (
            table(
                "pipeline_programmes",
                vec![
                    text("name", 200),
                    col("description", |c| c.text().null()),
                    id_of("lead_id"),
                    small("level_min"),
                    small("level_max"),
                ],
                &[("lead_id", "employees")],
            ),
            vec![index(
                "ux_pipeline_programmes_name",
                "pipeline_programmes",
                &["name"],
                true,
            )],
        ),
        (
            table(
                "pipeline_cohorts",
                vec![
                    id_of("programme_id"),
                    text("name", 200),
                    day("starts_on"),
                    day("ends_on"),
                    col("capacity", |c| c.integer().not_null()),
                    col("seats_taken", |c| c.integer().not_null()),
                ],
                &[("programme_id", "pipeline_programmes")],
            ),
            vec![index(
                "ix_pipeline_cohorts_programme",
                "pipeline_cohorts",
                &["programme_id", "starts_on"],
                false,
            )],
        ),
        (
            table(
                "pipeline_memberships",
                vec![
                    id_of("cohort_id"),
                    id_of("programme_id"),
                    id_of("employee_id"),
                    text("state", 16),
                    maybe_id("open_programme_id"),
                    text("nominated_by", 200),
                    flag("self_nominated"),
                    maybe_day("admitted_on"),
                    maybe_day("graduated_on"),
                    maybe_day("withdrawn_on"),
                    col("outcome", |c| c.string_len(16).null()),
                    maybe_day("outcome_on"),
                    flag("ambassador"),
                ],
                &[
                    ("cohort_id", "pipeline_cohorts"),
                    ("employee_id", "employees"),
                ],
            ),
            vec![
                index(
                    "ux_pipeline_memberships_open",
                    "pipeline_memberships",
                    &["employee_id", "open_programme_id"],
                    true,
                ),
                index(
                    "ix_pipeline_memberships_cohort",
                    "pipeline_memberships",
                    &["cohort_id", "id"],
                    false,
                ),
                index(
                    "ix_pipeline_memberships_programme",
                    "pipeline_memberships",
                    &["programme_id"],
                    false,
                ),
            ],
        ),
        (
            table(
                "pipeline_reflections",
                vec![
                    id_of("employee_id"),
                    col("text", |c| c.text().not_null()),
                    maybe_day("discussed_on"),
                ],
                &[("id", "pipeline_memberships"), ("employee_id", "employees")],
            ),
            vec![],
        ),
        (
            table(
                "pipeline_readiness",
                vec![
                    id_of("employee_id"),
                    text("readiness", 32),
                    id_of("assessor_id"),
                    day("assessed_on"),
                    col("rationale", |c| c.text().null()),
                ],
                &[("employee_id", "employees"), ("assessor_id", "employees")],
            ),
            vec![
                index(
                    "ix_pipeline_readiness_person",
                    "pipeline_readiness",
                    &["employee_id", "assessed_on"],
                    false,
                ),
                index(
                    "ix_pipeline_readiness_assessor",
                    "pipeline_readiness",
                    &["assessor_id"],
                    false,
                ),
            ],
        ),
        (
            table(
                "pipeline_talent_reviews",
                vec![
                    id_of("employee_id"),
                    small("performance"),
                    small("potential"),
                    id_of("assessor_id"),
                    maybe_id("calibrated_by"),
                    day("reviewed_on"),
                ],
                &[("employee_id", "employees"), ("assessor_id", "employees")],
            ),
            vec![
                index(
                    "ix_pipeline_talent_reviews_person",
                    "pipeline_talent_reviews",
                    &["employee_id", "reviewed_on"],
                    false,
                ),
                index(
                    "ix_pipeline_talent_reviews_assessor",
                    "pipeline_talent_reviews",
                    &["assessor_id"],
                    false,
                ),
            ],
        ),
        (
            table(
                "pipeline_positions",
                vec![
                    text("title", 200),
                    id_of("org_unit_id"),
                    small("level"),
                    maybe_id("incumbent_id"),
                    maybe_day("incumbent_since"),
                    flag("created_for_growth"),
                ],
                &[("org_unit_id", "org_units"), ("incumbent_id", "employees")],
            ),
            vec![
                index(
                    "ix_pipeline_positions_unit",
                    "pipeline_positions",
                    &["org_unit_id"],
                    false,
                ),
                index(
                    "ix_pipeline_positions_incumbent",
                    "pipeline_positions",
                    &["incumbent_id"],
                    false,
                ),
            ],
        ),
        (
            table(
                "pipeline_position_history",
                vec![
                    id_of("position_id"),
                    id_of("employee_id"),
                    day("started_on"),
                    maybe_day("ended_on"),
                ],
                &[
                    ("position_id", "pipeline_positions"),
                    ("employee_id", "employees"),
                ],
            ),
            vec![index(
                "ix_pipeline_position_history_position",
                "pipeline_position_history",
                &["position_id", "started_on"],
                false,
            )],
        ),
        (
            table(
                "pipeline_slate_entries",
                vec![id_of("position_id"), id_of("employee_id"), small("rank")],
                &[
                    ("position_id", "pipeline_positions"),
                    ("employee_id", "employees"),
                ],
            ),
            vec![
                index(
                    "ux_pipeline_slate_entries_person",
                    "pipeline_slate_entries",
                    &["position_id", "employee_id"],
                    true,
                ),
                index(
                    "ix_pipeline_slate_entries_employee",
                    "pipeline_slate_entries",
                    &["employee_id"],
                    false,
                ),
            ],
        ),
        (
            table(
                "pipeline_placements",
                vec![
                    id_of("membership_id"),
                    id_of("employee_id"),
                    id_of("position_id"),
                    day("placed_on"),
                    maybe_id("previous_incumbent_id"),
                    flag("role_grown"),
                ],
                &[
                    ("membership_id", "pipeline_memberships"),
                    ("employee_id", "employees"),
                    ("position_id", "pipeline_positions"),
                ],
            ),
            vec![index(
                "ux_pipeline_placements_membership",
                "pipeline_placements",
                &["membership_id"],
                true,
            )],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (t, indexes) in tables() {
            manager.create_table(t).await?;
            for i in indexes {
                manager.create_index(i).await?;
            }
        }
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
