//! Import learning records from an LMS without xAPI: parse every row (the domain's
//! [`parse_row`]), skip what is recorded already (answering its record), write the rest with
//! the learning time they stand for (the rule xAPI completions follow,
//! `domain::learning_time::entry_for_completion`, unless the import asks for none) and complete
//! the enrolments they complete.

use super::records::complete_enrollments;
use crate::error::ApiResult;
use crate::services::{audit, ensure, learning_time, Ctx};
use learnwell_domain::access;
use learnwell_domain::ids::{CourseId, EmployeeId, LearningRecordId, TimeEntryId};
use learnwell_domain::learning::import::{
    ensure_import_size, parse_row, ImportRow, Known, KnownCourse, MinutesFrom, RowError,
};
use learnwell_domain::learning::{LearningRecord, LearningSource};
use learnwell_domain::learning_time::{entry_for_completion, TimeEntry};
use learnwell_domain::org::Label;
use learnwell_persistence::audit::append;
use learnwell_persistence::catalog as catalog_store;
use learnwell_persistence::learning as store;
use learnwell_persistence::learning_time as time_store;
use learnwell_persistence::org as org_store;
use learnwell_persistence::Tx;
use std::collections::HashMap;

/// An import: its rows, and whether completions with minutes make learning-time entries.
#[derive(Debug, Clone)]
pub struct ImportRecords {
    pub rows: Vec<ImportRow>,
    /// Make the learning-time entry of each new record (default), as an xAPI completion does.
    pub learning_time: bool,
}

/// What happened to one row.
#[derive(Debug, Clone, PartialEq)]
pub enum RowOutcome {
    /// Recorded now, as this record, with its minutes from the row or the course, and the
    /// learning-time entry made of it (none when the import asked for none, or when the entry
    /// would break a rule of time entries: outside employment, more than 24 hours that day).
    Created {
        record_id: LearningRecordId,
        minutes_from: MinutesFrom,
        time_entry_id: Option<TimeEntryId>,
    },
    /// Recorded already (or earlier in the file), as this record.
    Unchanged(LearningRecordId),
    Failed(RowError),
}

/// The import's outcome: one per row, in order, and how many open enrolments it completed.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub rows: Vec<RowOutcome>,
    pub enrollments_completed: usize,
}

/// A parsed row: the record and where its minutes came from.
type Parsed = Result<(LearningRecord, MinutesFrom), RowError>;

/// Import learning records (ld_admin). Idempotent per row: a row's key is the LMS's
/// `source_id`, or its content.
#[tracing::instrument(skip_all, fields(rows = cmd.rows.len()))]
pub async fn import_records(ctx: &Ctx, cmd: ImportRecords) -> ApiResult<Imported> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    ensure_import_size(cmd.rows.len())?;
    let known = known_of(ctx, &cmd.rows).await?;
    let today = ctx.now.date_naive();
    let parsed: Vec<Parsed> = cmd
        .rows
        .iter()
        .map(|r| {
            let id = LearningRecordId::from_uuid(uuid::Uuid::now_v7());
            parse_row(r, &known, today).map(|p| {
                let from = p.minutes_from;
                (p.into_record(id, ctx.now), from)
            })
        })
        .collect();
    let tx = ctx.db.begin().await?;
    // The people's locks first (as the xAPI projection takes them): concurrent imports of the
    // same people take turns, so each row is recorded once and answered with that record.
    let mut people: Vec<EmployeeId> = parsed
        .iter()
        .flatten()
        .map(|(r, _)| r.employee_id)
        .collect();
    people.sort_unstable();
    people.dedup();
    time_store::lock_people(&tx, &people).await?;
    let (mut outcomes, inserts) = new_records(&tx, parsed).await?;
    store::insert_records(&tx, &inserts).await?;
    let mut events = vec![audit::event(
        ctx,
        "learning_record.import",
        "learning_records",
        inserts.len(),
    )];
    events.extend(
        inserts
            .iter()
            .map(|r| audit::event(ctx, "learning_record.create", "learning_record", r.id)),
    );
    if cmd.learning_time {
        let written = learning_time_of(&tx, ctx, &inserts).await?;
        events.extend(
            written
                .iter()
                .map(|e| audit::event(ctx, "time_entry.create", "time_entry", e.id)),
        );
        let by_record: HashMap<LearningRecordId, TimeEntryId> = written
            .iter()
            .filter_map(|e| Some((e.learning_record_id?, e.id)))
            .collect();
        for o in &mut outcomes {
            if let RowOutcome::Created {
                record_id,
                time_entry_id,
                ..
            } = o
            {
                *time_entry_id = by_record.get(record_id).copied();
            }
        }
    }
    // A completion of a course someone is enrolled in completes the enrolment.
    let pairs: Vec<(EmployeeId, CourseId)> = inserts
        .iter()
        .filter_map(|r| Some((r.employee_id, r.course_id?)))
        .collect();
    let open = store::open_enrollments_for(&tx, &pairs).await?;
    let completed = complete_enrollments(&tx, ctx, &inserts, &open).await?;
    let enrollments_completed = completed.len();
    events.extend(completed);
    append(&tx, &events).await?;
    tx.commit().await?;
    Ok(Imported {
        rows: outcomes,
        enrollments_completed,
    })
}

/// The learning-time entries of new records that the rules of time entries allow (written in
/// `tx`).
async fn learning_time_of(
    tx: &Tx,
    ctx: &Ctx,
    records: &[LearningRecord],
) -> ApiResult<Vec<TimeEntry>> {
    let entries: Vec<TimeEntry> = records
        .iter()
        .filter_map(|r| {
            let id = TimeEntryId::from_uuid(uuid::Uuid::now_v7());
            entry_for_completion(r, id, "import", ctx.now)
        })
        .collect();
    let ids: Vec<EmployeeId> = entries.iter().map(|e| e.employee_id).collect();
    let dates = org_store::employment_dates(tx, &ids).await?;
    let with_dates: Vec<_> = entries
        .iter()
        .filter_map(|e| Some((dates.get(&e.employee_id)?, e)))
        .collect();
    learning_time::add_entries(tx, ctx, &with_dates).await
}

/// Each row's outcome, and the records to write: rows already recorded (or repeated in this
/// file) are unchanged and answer the record they are.
async fn new_records(
    tx: &Tx,
    parsed: Vec<Parsed>,
) -> ApiResult<(Vec<RowOutcome>, Vec<LearningRecord>)> {
    let keys: Vec<&str> = parsed
        .iter()
        .flatten()
        .map(|(r, _)| r.source_id.as_str())
        .collect();
    let mut recorded = store::recorded_source_ids(tx, LearningSource::Import, &keys).await?;
    let mut inserts = Vec::new();
    let outcomes = parsed
        .into_iter()
        .map(|row| match row {
            Err(e) => RowOutcome::Failed(e),
            Ok((r, minutes_from)) => match recorded.get(&r.source_id) {
                Some(id) => RowOutcome::Unchanged(*id),
                None => {
                    recorded.insert(r.source_id.clone(), r.id);
                    let record_id = r.id;
                    inserts.push(r);
                    RowOutcome::Created {
                        record_id,
                        minutes_from,
                        time_entry_id: None,
                    }
                }
            },
        })
        .collect();
    Ok((outcomes, inserts))
}

/// The people and courses the rows name, in one query each.
async fn known_of(ctx: &Ctx, rows: &[ImportRow]) -> ApiResult<Known> {
    let ext_refs: Vec<&str> = rows.iter().filter_map(ImportRow::external_id).collect();
    let by_external_id = org_store::stored_keys_by_external_ids(&ctx.db, &ext_refs)
        .await?
        .into_iter()
        .map(|(x, k)| (x, k.id))
        .collect();
    let emails: Vec<String> = rows.iter().filter_map(ImportRow::email).collect();
    let email_refs: Vec<&str> = emails.iter().map(String::as_str).collect();
    let by_email = org_store::employee_ids_by_emails(&ctx.db, &email_refs)
        .await?
        .into_iter()
        .collect();
    let codes: Vec<String> = rows.iter().filter_map(ImportRow::course_code).collect();
    let code_refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let by_code = catalog_store::course_ids_by_codes(&ctx.db, &code_refs).await?;
    let ids: Vec<CourseId> = by_code.values().map(|(id, _)| *id).collect();
    let titles: HashMap<CourseId, Label> = catalog_store::courses_by_ids(&ctx.db, &ids)
        .await?
        .into_iter()
        .map(|c| (c.id, c.data.title))
        .collect();
    let courses = by_code
        .into_iter()
        .filter_map(|(code, (id, estimated_minutes))| {
            let title = titles.get(&id)?.clone();
            let course = KnownCourse {
                id,
                title,
                estimated_minutes,
            };
            Some((code, course))
        })
        .collect();
    Ok(Known {
        by_external_id,
        by_email,
        courses,
    })
}
