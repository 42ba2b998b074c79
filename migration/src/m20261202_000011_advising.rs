//! Performance advising: engagements (the plan's focus areas as JSON), their history, check-ins
//! with the supervisor's ratings, advisor notes (ciphertext with the id of the key that sealed
//! it, never plaintext) and referrals; and the learning-time category `advising` in the rollups. Dates are `YYYY-MM-DD` text and instants RFC 3339 text,
//! the same on both engines.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000011_advising"
    }
}

const UP: &[&str] = &[
    "CREATE TABLE advising_engagements (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        client_id VARCHAR(36) NOT NULL REFERENCES employees (id),
        advisor_id VARCHAR(36) NULL REFERENCES employees (id),
        supervisor_pin VARCHAR(36) NULL REFERENCES employees (id),
        origin VARCHAR(32) NOT NULL,
        state VARCHAR(32) NOT NULL,
        focus_areas TEXT NOT NULL,
        cadence VARCHAR(16) NOT NULL,
        cadence_days INTEGER NOT NULL,
        start_date VARCHAR(10) NOT NULL,
        planned_end VARCHAR(10) NOT NULL,
        acknowledged_at VARCHAR(40) NULL,
        acknowledgement_comment TEXT NULL,
        activated_at VARCHAR(40) NULL,
        closed_at VARCHAR(40) NULL,
        closing_summary TEXT NULL,
        version BIGINT NOT NULL,
        created_at VARCHAR(40) NOT NULL,
        updated_at VARCHAR(40) NOT NULL
    )",
    "CREATE INDEX ix_advising_engagements_client ON advising_engagements (client_id)",
    "CREATE INDEX ix_advising_engagements_advisor ON advising_engagements (advisor_id)",
    "CREATE INDEX ix_advising_engagements_supervisor ON advising_engagements (supervisor_pin)",
    "CREATE TABLE advising_history (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        engagement_id VARCHAR(36) NOT NULL REFERENCES advising_engagements (id),
        at VARCHAR(40) NOT NULL,
        actor VARCHAR(200) NOT NULL,
        action VARCHAR(64) NOT NULL,
        reason TEXT NULL,
        detail TEXT NULL
    )",
    "CREATE INDEX ix_advising_history_engagement ON advising_history (engagement_id, id)",
    "CREATE TABLE advising_check_ins (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        engagement_id VARCHAR(36) NOT NULL REFERENCES advising_engagements (id),
        held_on VARCHAR(10) NOT NULL,
        reflection TEXT NULL,
        created_at VARCHAR(40) NOT NULL
    )",
    "CREATE INDEX ix_advising_check_ins_engagement ON advising_check_ins (engagement_id, held_on)",
    "CREATE TABLE advising_ratings (
        check_in_id VARCHAR(36) NOT NULL REFERENCES advising_check_ins (id),
        focus_area_id VARCHAR(36) NOT NULL,
        rating VARCHAR(16) NOT NULL,
        rated_by VARCHAR(36) NOT NULL,
        rated_at VARCHAR(40) NOT NULL,
        PRIMARY KEY (check_in_id, focus_area_id)
    )",
    "CREATE TABLE advising_notes (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        engagement_id VARCHAR(36) NOT NULL REFERENCES advising_engagements (id),
        check_in_id VARCHAR(36) NOT NULL REFERENCES advising_check_ins (id),
        author_id VARCHAR(36) NOT NULL,
        key_id VARCHAR(64) NOT NULL,
        ciphertext TEXT NOT NULL,
        created_at VARCHAR(40) NOT NULL
    )",
    "CREATE INDEX ix_advising_notes_check_in ON advising_notes (check_in_id, id)",
    "CREATE INDEX ix_advising_notes_key ON advising_notes (key_id)",
    "CREATE TABLE advising_referrals (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        engagement_id VARCHAR(36) NOT NULL REFERENCES advising_engagements (id),
        target VARCHAR(16) NOT NULL,
        referred_on VARCHAR(10) NOT NULL,
        note TEXT NULL,
        created_at VARCHAR(40) NOT NULL
    )",
    "CREATE INDEX ix_advising_referrals_engagement ON advising_referrals (engagement_id)",
    // Events for the coming webhooks: one per engagement and overdue due date.
    "CREATE TABLE advising_events (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        engagement_id VARCHAR(36) NOT NULL REFERENCES advising_engagements (id),
        kind VARCHAR(40) NOT NULL,
        due_on VARCHAR(10) NOT NULL,
        created_at VARCHAR(40) NOT NULL
    )",
    "CREATE UNIQUE INDEX ux_advising_events_once ON advising_events (engagement_id, kind, due_on)",
    // The learning-time category `advising` (sessions with the advisor), in both rollups.
    "ALTER TABLE time_rollups ADD COLUMN advising BIGINT NOT NULL DEFAULT 0",
    "ALTER TABLE time_rollups_quarterly ADD COLUMN advising BIGINT NOT NULL DEFAULT 0",
];

const DOWN: &[&str] = &[
    "ALTER TABLE time_rollups_quarterly DROP COLUMN advising",
    "ALTER TABLE time_rollups DROP COLUMN advising",
    "DROP TABLE advising_events",
    "DROP TABLE advising_referrals",
    "DROP TABLE advising_notes",
    "DROP TABLE advising_ratings",
    "DROP TABLE advising_check_ins",
    "DROP TABLE advising_history",
    "DROP TABLE advising_engagements",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for sql in UP {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for sql in DOWN {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
