//! Time entries: log, read, change and list learning time (the person, their manager or an
//! ld_admin), and the checked bulk write xAPI uses.

use super::threshold;
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page, Services};
use chrono::NaiveDate;
use learnwell_domain::access::{self, Relation};
use learnwell_domain::ids::{EmployeeId, LearningRecordId, TimeEntryId};
use learnwell_domain::learning_time::{check_entry, EntryFields, TimeEntry};
use learnwell_domain::org::{Employee, EmploymentDates};
use learnwell_domain::FieldError;
use learnwell_persistence::learning_time as store;
use learnwell_persistence::Tx;

/// Learning time to log or change: whose (`None`: the caller's; an entry stays with its person)
/// and its fields (for a change, only those to change).
#[derive(Debug, Clone, Default)]
pub struct EntryCommand {
    pub employee_id: Option<EmployeeId>,
    pub fields: EntryFields,
}

/// A person's entries (`None`: the caller's) from `from` (default: 90 days before `to`) to `to`
/// (default: today), a page of `first` after the cursor `after`.
#[derive(Debug, Clone, Default)]
pub struct EntryRange {
    pub employee_id: Option<EmployeeId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

/// A linked learning record must be one of the person's own.
async fn own_record(
    svc: &Services,
    who: EmployeeId,
    record: Option<LearningRecordId>,
) -> ApiResult<()> {
    let Some(id) = record else {
        return Ok(());
    };
    match learnwell_persistence::learning::get_record(&svc.db, id).await? {
        Some(r) if r.employee_id == who => Ok(()),
        _ => Err(FieldError::new(
            "learning_record_id",
            "is not a learning record of this person",
        )
        .into()),
    }
}

/// Check and write an entry (replacing `previous`) in `tx`, holding the person's lock, so
/// concurrent entries cannot together exceed 24 hours in a day. Returns the audit action.
pub(crate) async fn put_entry(
    tx: &Tx,
    ctx: &Ctx,
    dates: &EmploymentDates,
    entry: &TimeEntry,
    previous: Option<&TimeEntry>,
) -> ApiResult<&'static str> {
    let day = (entry.employee_id, entry.date);
    store::lock_people(tx, &[entry.employee_id]).await?;
    let already = store::minutes_on_days(tx, &[day], previous.map(|p| p.id)).await?;
    let already = already.get(&day).copied().unwrap_or(0);
    let errors = check_entry(
        entry.date,
        entry.minutes,
        ctx.now.date_naive(),
        dates,
        already,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    match previous {
        None => {
            store::insert_entries(tx, std::slice::from_ref(entry)).await?;
            store::roll(tx, &[(entry, 1)]).await?;
            Ok("time_entry.create")
        }
        Some(before) => {
            store::update_entry(tx, entry).await?;
            store::roll(tx, &[(before, -1), (entry, 1)]).await?;
            Ok("time_entry.update")
        }
    }
}

/// Write the new entries that keep the rules of time entries, each checked after those before
/// it (24 hours a day, within employment, not in the future), and leave out the others. The
/// caller holds the people's locks ([`store::lock_people`]). Returns the entries written.
pub(crate) async fn add_entries(
    tx: &Tx,
    ctx: &Ctx,
    entries: &[(&EmploymentDates, &TimeEntry)],
) -> ApiResult<Vec<TimeEntry>> {
    let days: Vec<_> = entries
        .iter()
        .map(|(_, e)| (e.employee_id, e.date))
        .collect();
    let mut used = store::minutes_on_days(tx, &days, None).await?;
    let mut kept = Vec::new();
    for (dates, e) in entries {
        let day = used.entry((e.employee_id, e.date)).or_default();
        if check_entry(e.date, e.minutes, ctx.now.date_naive(), dates, *day).is_empty() {
            *day += e.minutes.get();
            kept.push((*e).clone());
        }
    }
    store::insert_entries(tx, &kept).await?;
    let rolled: Vec<_> = kept.iter().map(|e| (e, 1)).collect();
    store::roll(tx, &rolled).await?;
    Ok(kept)
}

/// Write one entry (new, or over `previous`) with its audit record, in one transaction.
async fn write_entry(
    ctx: &Ctx,
    employee: &Employee,
    entry: &TimeEntry,
    previous: Option<&TimeEntry>,
) -> ApiResult<()> {
    let tx = ctx.db.begin().await?;
    let action = put_entry(&tx, ctx, &employee.data.dates, entry, previous).await?;
    let event = audit::event(ctx, action, "time_entry", entry.id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(())
}

/// Log learning time (yours, a report's as their manager, anyone's as ld_admin).
#[tracing::instrument(skip_all, fields(employee_id = tracing::field::Empty))]
pub async fn log_time(ctx: &Ctx, cmd: EntryCommand) -> ApiResult<TimeEntry> {
    let p = &ctx.principal;
    let who = cmd
        .employee_id
        .or(p.employee_id)
        .ok_or_else(|| ApiError::validation(FieldError::new("employee_id", "is required")))?;
    tracing::Span::current().record("employee_id", tracing::field::display(who));
    let (employee, relation) = ctx.directory.relation(p, who).await?;
    ensure(access::can_act_on_learning(p, relation))?;
    let data = cmd.fields.parse().map_err(ApiError::Validation)?;
    own_record(ctx, who, data.learning_record_id).await?;
    let threshold = threshold(ctx, &employee, data.date).await?;
    let id = TimeEntryId::from_uuid(uuid::Uuid::now_v7());
    let entry = TimeEntry::new(id, who, data, threshold, ctx.now);
    write_entry(ctx, &employee, &entry, None).await?;
    Ok(entry)
}

/// The entry with its person and how the caller relates to them; not found unless the caller
/// may see the person's learning.
pub(super) async fn visible_entry(
    ctx: &Ctx,
    id: TimeEntryId,
) -> ApiResult<(TimeEntry, Employee, Relation)> {
    let entry = store::get_entry(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("time entry"))?;
    let (employee, relation) = ctx
        .directory
        .relation(&ctx.principal, entry.employee_id)
        .await?;
    if !access::can_see_learning(&ctx.principal, relation) {
        return Err(ApiError::NotFound("time entry"));
    }
    Ok((entry, employee, relation))
}

#[tracing::instrument(skip_all, fields(time_entry_id = %id))]
pub async fn get_entry(ctx: &Ctx, id: TimeEntryId) -> ApiResult<TimeEntry> {
    Ok(visible_entry(ctx, id).await?.0)
}

/// Change an entry (its person, their manager or ld_admin), written only over version
/// `if_match`. An approved entry that still needs approval goes back to `pending`.
#[tracing::instrument(skip_all, fields(time_entry_id = %id))]
pub async fn edit_entry(
    ctx: &Ctx,
    id: TimeEntryId,
    if_match: Option<i64>,
    cmd: EntryCommand,
) -> ApiResult<TimeEntry> {
    let expected = if_match.ok_or(ApiError::PreconditionRequired)?;
    let (current, employee, relation) = visible_entry(ctx, id).await?;
    ensure(access::can_act_on_learning(&ctx.principal, relation))?;
    if current.version != expected {
        return Err(ApiError::PreconditionFailed);
    }
    if cmd.employee_id.is_some_and(|e| e != current.employee_id) {
        return Err(FieldError::new("employee_id", "an entry stays with its person").into());
    }
    let data = cmd
        .fields
        .over(&current)
        .parse()
        .map_err(ApiError::Validation)?;
    own_record(ctx, current.employee_id, data.learning_record_id).await?;
    let threshold = threshold(ctx, &employee, data.date).await?;
    let updated = current.edited(data, threshold, ctx.now);
    write_entry(ctx, &employee, &updated, Some(&current)).await?;
    Ok(updated)
}

/// A person's entries in a date range.
#[tracing::instrument(skip_all, fields(employee_id = ?q.employee_id))]
pub async fn list_entries(ctx: &Ctx, q: EntryRange) -> ApiResult<Page<TimeEntry>> {
    let p = &ctx.principal;
    let who = q
        .employee_id
        .or(p.employee_id)
        .ok_or_else(|| ApiError::InvalidQuery(FieldError::new("employee_id", "is required")))?;
    let (_, relation) = ctx.directory.relation(p, who).await?;
    ensure(access::can_see_learning(p, relation))?;
    let to = q.to.unwrap_or(ctx.now.date_naive());
    let from = q.from.unwrap_or(to - chrono::Days::new(90));
    let limit = page_size(q.first)?;
    let after = decode_cursor::<TimeEntryId>(q.after.as_deref())?;
    let rows = store::list_entries(&ctx.db, who, from, to, after, limit + 1).await?;
    Ok(paginate(rows, limit, |e| e.id.to_string()))
}
