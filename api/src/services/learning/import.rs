//! Import learning records from an LMS without xAPI: parse every row (the domain's
//! [`parse_row`]), skip what is recorded already, write the rest and complete the enrolments
//! they complete.

use super::records::complete_enrollments;
use crate::error::ApiResult;
use crate::services::{audit, ensure, Ctx};
use learnwell_domain::access;
use learnwell_domain::ids::{CourseId, EmployeeId, LearningRecordId};
use learnwell_domain::learning::import::{
    ensure_import_size, parse_row, ImportRow, Known, KnownCourse, RowError,
};
use learnwell_domain::learning::{LearningRecord, LearningSource};
use learnwell_domain::org::Label;
use learnwell_persistence::audit::append;
use learnwell_persistence::catalog as catalog_store;
use learnwell_persistence::learning as store;
use learnwell_persistence::org as org_store;
use std::collections::{HashMap, HashSet};

/// What happened to one row.
#[derive(Debug, Clone, PartialEq)]
pub enum RowOutcome {
    /// Recorded now, as this record.
    Created(LearningRecordId),
    /// Recorded already (or repeated in the file).
    Unchanged,
    Failed(RowError),
}

/// The import's outcome: one per row, in order, and how many open enrolments it completed.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub rows: Vec<RowOutcome>,
    pub enrollments_completed: usize,
}

/// Import learning records (ld_admin). Idempotent per row: a row's key is the LMS's
/// `source_id`, or its content.
#[tracing::instrument(skip_all, fields(rows = rows.len()))]
pub async fn import_records(ctx: &Ctx, rows: Vec<ImportRow>) -> ApiResult<Imported> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    ensure_import_size(rows.len())?;
    let known = known_of(ctx, &rows).await?;
    let today = ctx.now.date_naive();
    let parsed: Vec<Result<LearningRecord, RowError>> = rows
        .iter()
        .map(|r| {
            let id = LearningRecordId::from_uuid(uuid::Uuid::now_v7());
            parse_row(r, &known, today).map(|p| p.into_record(id, ctx.now))
        })
        .collect();
    let (outcomes, inserts) = new_records(ctx, parsed).await?;
    // A completion of a course someone is enrolled in completes the enrolment.
    let pairs: Vec<(EmployeeId, CourseId)> = inserts
        .iter()
        .filter_map(|r| Some((r.employee_id, r.course_id?)))
        .collect();
    let open = store::open_enrollments_for(&ctx.db, &pairs).await?;
    let tx = ctx.db.begin().await?;
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

/// Each row's outcome, and the records to write: rows already recorded (or repeated in this
/// file) are unchanged.
async fn new_records(
    ctx: &Ctx,
    parsed: Vec<Result<LearningRecord, RowError>>,
) -> ApiResult<(Vec<RowOutcome>, Vec<LearningRecord>)> {
    let keys: Vec<&str> = parsed
        .iter()
        .flatten()
        .map(|r| r.source_id.as_str())
        .collect();
    let recorded = store::recorded_source_ids(&ctx.db, LearningSource::Import, &keys).await?;
    let mut seen: HashSet<String> = HashSet::new();
    let mut inserts = Vec::new();
    let outcomes = parsed
        .into_iter()
        .map(|row| match row {
            Err(e) => RowOutcome::Failed(e),
            Ok(r) if recorded.contains(&r.source_id) || !seen.insert(r.source_id.clone()) => {
                RowOutcome::Unchanged
            }
            Ok(r) => {
                let id = r.id;
                inserts.push(r);
                RowOutcome::Created(id)
            }
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
