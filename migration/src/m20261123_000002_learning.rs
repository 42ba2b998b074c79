//! Catalog (courses, skills), enrolments, learning records, learning-time policies and entries.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000002_learning"
    }
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

fn id() -> ColumnDef {
    col("id").string_len(36).not_null().primary_key().to_owned()
}

fn reference(name: &str, null: bool) -> ColumnDef {
    let mut c = col(name);
    c.string_len(36);
    if null {
        c.null();
    } else {
        c.not_null();
    }
    c
}

fn text(name: &str, len: u32, null: bool) -> ColumnDef {
    let mut c = col(name);
    c.string_len(len);
    if null {
        c.null();
    } else {
        c.not_null();
    }
    c
}

fn int(name: &str, null: bool) -> ColumnDef {
    let mut c = col(name);
    c.integer();
    if null {
        c.null();
    } else {
        c.not_null();
    }
    c
}

fn stamps() -> [ColumnDef; 3] {
    [
        col("version").big_integer().not_null().to_owned(),
        col("created_at")
            .timestamp_with_time_zone()
            .not_null()
            .to_owned(),
        col("updated_at")
            .timestamp_with_time_zone()
            .not_null()
            .to_owned(),
    ]
}

fn fk(table: &str, column: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new(table), Alias::new(column))
        .to(Alias::new(to), Alias::new("id"))
        .to_owned()
}

fn table(name: &str, cols: Vec<ColumnDef>, fks: &[(&str, &str)]) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Alias::new(name));
    for mut c in cols {
        t.col(&mut c);
    }
    for (column, to) in fks {
        t.foreign_key(&mut fk(name, column, to));
    }
    t.to_owned()
}

fn index(table: &str, name: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(Alias::new(table));
    for c in cols {
        stmt.col(Alias::new(*c));
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            table(
                "skills",
                vec![
                    id(),
                    text("name", 200, false).unique_key().to_owned(),
                    reference("parent_id", true),
                    col("created_at")
                        .timestamp_with_time_zone()
                        .not_null()
                        .to_owned(),
                ],
                &[("parent_id", "skills")],
            ),
            table(
                "courses",
                [
                    vec![
                        id(),
                        text("code", 40, false).unique_key().to_owned(),
                        text("title", 200, false),
                        col("description").text().null().to_owned(),
                        text("provider", 32, false),
                        text("modality", 32, false),
                        text("level", 32, true),
                        int("estimated_minutes", false),
                        text("xapi_activity_id", 2048, true),
                        col("archived").boolean().not_null().to_owned(),
                    ],
                    stamps().to_vec(),
                ]
                .concat(),
                &[],
            ),
            table(
                "course_skills",
                vec![reference("course_id", false), reference("skill_id", false)],
                &[("course_id", "courses"), ("skill_id", "skills")],
            ),
            table(
                "enrollments",
                [
                    vec![
                        id(),
                        reference("employee_id", false),
                        reference("course_id", false),
                        text("origin", 32, false),
                        text("assigned_by", 200, true),
                        text("status", 32, false),
                        col("due_date").date().null().to_owned(),
                        col("completed_on").date().null().to_owned(),
                        col("score").double().null().to_owned(),
                    ],
                    stamps().to_vec(),
                ]
                .concat(),
                &[("employee_id", "employees"), ("course_id", "courses")],
            ),
            table(
                "learning_records",
                vec![
                    id(),
                    reference("employee_id", false),
                    reference("course_id", true),
                    text("title", 200, false),
                    col("completed_on").date().not_null().to_owned(),
                    int("minutes", false),
                    col("score").double().null().to_owned(),
                    text("source", 32, false),
                    text("source_id", 200, false),
                    col("created_at")
                        .timestamp_with_time_zone()
                        .not_null()
                        .to_owned(),
                ],
                &[("employee_id", "employees"), ("course_id", "courses")],
            ),
        ];
        for t in tables {
            manager.create_table(t).await?;
        }
        let indexes = [
            index(
                "course_skills",
                "ux_course_skills",
                &["course_id", "skill_id"],
                true,
            ),
            index(
                "course_skills",
                "ix_course_skills_skill",
                &["skill_id"],
                false,
            ),
            index(
                "enrollments",
                "ux_enrollments_person_course",
                &["employee_id", "course_id"],
                true,
            ),
            index(
                "enrollments",
                "ix_enrollments_course",
                &["course_id", "id"],
                false,
            ),
            index(
                "enrollments",
                "ix_enrollments_due",
                &["status", "due_date"],
                false,
            ),
            index(
                "learning_records",
                "ux_learning_records_source",
                &["source", "source_id"],
                true,
            ),
            index(
                "learning_records",
                "ix_learning_records_person",
                &["employee_id", "completed_on"],
                false,
            ),
        ];
        for i in indexes {
            manager.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "learning_records",
            "enrollments",
            "course_skills",
            "courses",
            "skills",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
