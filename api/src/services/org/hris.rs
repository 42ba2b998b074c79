//! HRIS bulk sync: load what a batch refers to, plan it in the domain, write the plan. People in
//! one request (whole records or deltas), or over several (a reconcile run, see `reconcile`);
//! the org-unit tree in `units`. A dry run does all of it and rolls back.

use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page};
use learnwell_domain::access;
use learnwell_domain::ids::{EmployeeId, SyncRunId};
pub use learnwell_domain::org::sync::{EmployeeDelta, SyncMode, SyncOptions};
use learnwell_domain::org::sync::{Known, Plan, SyncBatch, SyncLimits, SyncLookups, SyncRun};
use learnwell_domain::org::{Employee, EmployeeData, EmployeeFields, ManagerGraph};
use learnwell_persistence::org as store;
use learnwell_persistence::Tx;
use std::collections::HashMap;

/// Syncs take turns within the process: load, plan and write of one sync see the writes of the
/// one before, so concurrent syncs of the same new people answer `created` once and `unchanged`
/// after, never `duplicate`/`conflict` for a whole batch. (Several instances on one database
/// are not serialised by this: see API-DESIGN.md, "Idempotency".)
static SYNC_TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Inserts from which a sync considers refreshing the planner's statistics.
const BULK_LOAD: usize = 1000;

/// A sync of people: the records, how to read them, and whether to write at all.
#[derive(Debug, Clone, Default)]
pub struct SyncCommand {
    pub records: Vec<EmployeeDelta>,
    pub mode: SyncMode,
    pub options: SyncOptions,
    /// Plan and answer exactly as a sync would, then write nothing.
    pub dry_run: bool,
}

/// What a sync did (or, in a dry run, would do): the run it recorded (none in a dry run) and
/// the plan (every record's decision, and who is terminated).
#[derive(Debug, Clone)]
pub struct SyncOutcome {
    pub run_id: Option<SyncRunId>,
    pub dry_run: bool,
    pub plan: Plan,
}

pub(super) fn limits(ctx: &Ctx, max_batch: usize) -> SyncLimits {
    SyncLimits {
        max_batch,
        max_deactivation_share: ctx.settings.hris.max_deactivation_share,
    }
}

/// One sync at a time: in this process (the mutex, so waiting syncs hold no connection), and
/// across instances (a transaction lock on PostgreSQL; SQLite has one writer). What a plan reads
/// is read in the transaction that writes it.
pub(super) async fn take_turn(ctx: &Ctx) -> ApiResult<(tokio::sync::MutexGuard<'static, ()>, Tx)> {
    let turn = SYNC_TURN.lock().await;
    let tx = ctx.db.begin().await?;
    store::take_sync_turn(&tx).await?;
    Ok((turn, tx))
}

/// Sync a batch: load what it refers to, plan it (`domain::org::sync`), write the plan in one
/// transaction with the run and its audit records (rolled back in a dry run).
#[tracing::instrument(skip_all, fields(records = cmd.records.len(), reconcile = cmd.options.deactivate_missing))]
pub async fn sync(ctx: &Ctx, cmd: SyncCommand) -> ApiResult<SyncOutcome> {
    ensure(access::can_write_people(&ctx.principal))?;
    let limits = limits(ctx, ctx.settings.hris.max_batch);
    SyncBatch::ensure_size(cmd.records.len(), limits)?;
    let (_turn, tx) = take_turn(ctx).await?;
    let (run_id, plan) = apply(ctx, &tx, cmd.records, cmd.mode, cmd.options, limits).await?;
    finish(ctx, tx, run_id, plan, cmd.dry_run).await
}

/// Plan `records` and write the plan in `tx` (the caller commits): the run's id and the plan.
pub(super) async fn apply(
    ctx: &Ctx,
    tx: &Tx,
    records: Vec<EmployeeDelta>,
    mode: SyncMode,
    opts: SyncOptions,
    limits: SyncLimits,
) -> ApiResult<(SyncRunId, Plan)> {
    let records = whole_records(tx, records, mode).await?;
    let batch = SyncBatch::new(records, limits)?;
    let known = load(tx, &batch.lookups()).await?;
    let draft = batch.resolve(&known, ctx.now, || {
        EmployeeId::from_uuid(uuid::Uuid::now_v7())
    });
    let chart = if draft.needs_manager_chart() {
        Some(ManagerGraph::new(store::manager_links(tx).await?))
    } else {
        None
    };
    let active = if opts.deactivate_missing {
        store::current_hris_employees(tx).await?
    } else {
        Vec::new()
    };
    let plan = draft.plan(chart, &active, opts)?;
    let run_id = write(ctx, tx, &plan, opts).await?;
    Ok((run_id, plan))
}

/// Commit (or, in a dry run, roll back) a sync's transaction and tell the directory.
pub(super) async fn finish(
    ctx: &Ctx,
    tx: Tx,
    run_id: SyncRunId,
    plan: Plan,
    dry_run: bool,
) -> ApiResult<SyncOutcome> {
    if dry_run {
        tx.rollback().await?;
        return Ok(SyncOutcome {
            run_id: None,
            dry_run,
            plan,
        });
    }
    tx.commit().await?;
    if plan.writes_anything() {
        ctx.directory.people_changed().await?;
    }
    let inserted = plan.creates().count();
    if inserted >= BULK_LOAD {
        store::refresh_statistics_after_load(&ctx.db, inserted).await?;
    }
    Ok(SyncOutcome {
        run_id: Some(run_id),
        dry_run,
        plan,
    })
}

/// The records as whole records: as sent (replace), or each delta merged over the stored person
/// with its HRIS id (merge; `domain::org::sync::EmployeeDelta`).
async fn whole_records(
    tx: &Tx,
    records: Vec<EmployeeDelta>,
    mode: SyncMode,
) -> ApiResult<Vec<EmployeeFields>> {
    if mode == SyncMode::Replace {
        return Ok(records.into_iter().map(EmployeeDelta::whole).collect());
    }
    let keys: Vec<&str> = records
        .iter()
        .filter_map(|r| r.external_id.as_deref().map(str::trim))
        .collect();
    let stored: HashMap<String, EmployeeData> = store::employees_by_external_ids(tx, &keys)
        .await?
        .into_iter()
        .filter_map(|e| Some((e.data.external_id.as_ref()?.to_string(), e.data)))
        .collect();
    Ok(records
        .into_iter()
        .map(|r| {
            let base = r.external_id.as_deref().and_then(|x| stored.get(x.trim()));
            r.merged_over(base)
        })
        .collect())
}

/// What the directory holds of a batch's lookups.
async fn load(db: &Tx, needs: &SyncLookups<'_>) -> ApiResult<Known> {
    let emails: Vec<&str> = needs.emails.iter().map(String::as_str).collect();
    Ok(Known {
        people: store::stored_keys_by_external_ids(db, &needs.external_ids).await?,
        units_by_external_id: store::org_unit_ids_by_external_ids(db, &needs.unit_external_ids)
            .await?,
        units: store::get_org_units(db, &needs.unit_ids)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect(),
        employees: store::get_employees(db, &needs.manager_ids)
            .await?
            .into_iter()
            .map(|e| e.id)
            .collect(),
        email_owners: store::employee_ids_by_emails(db, &emails).await?,
    })
}

/// The error of a versioned write that lost a race inside a sync.
pub(super) fn stale(err: learnwell_persistence::StoreError) -> ApiError {
    match err {
        learnwell_persistence::StoreError::StaleVersion => ApiError::Conflict(
            "a record in this batch changed while it was applied; retry the batch".into(),
        ),
        other => other.into(),
    }
}

/// Write `plan` in the sync's transaction: inserts, updates, terminations, the audit records and
/// the run. Returns the run's id.
async fn write(ctx: &Ctx, tx: &Tx, plan: &Plan, opts: SyncOptions) -> ApiResult<SyncRunId> {
    let today = ctx.now.date_naive();
    let terminations: Vec<Employee> = store::get_employees(tx, &plan.terminate)
        .await?
        .into_iter()
        .map(|e| e.terminated(today, ctx.now))
        .collect();
    let run = SyncRun {
        id: SyncRunId::from_uuid(uuid::Uuid::now_v7()),
        actor: ctx.principal.subject.clone(),
        request_id: Some(ctx.request_id.clone()),
        started_at: ctx.now,
        finished_at: chrono::Utc::now(),
        deactivate_missing: opts.deactivate_missing,
        counts: plan.counts(),
        errors: plan.errors(),
    };
    let mut events = vec![audit::event(ctx, "hris.sync", "hris_sync_run", run.id)];
    let each = |action, e: &Employee| audit::event(ctx, action, "employee", e.id);
    events.extend(plan.creates().map(|e| each("employee.create", e)));
    events.extend(plan.updates().map(|e| each("employee.update", e)));
    events.extend(terminations.iter().map(|e| each("employee.terminate", e)));
    store::insert_employees(tx, plan.creates()).await?;
    for e in plan.updates().chain(&terminations) {
        store::update_employee(tx, e).await.map_err(stale)?;
    }
    crate::services::pipeline::graduates_terminated(ctx, tx, plan.updates().chain(&terminations))
        .await?;
    learnwell_persistence::audit::append(tx, &events).await?;
    store::insert_sync_run(tx, &run).await?;
    Ok(run.id)
}

#[tracing::instrument(skip_all)]
pub async fn list_runs(
    ctx: &Ctx,
    after: Option<&str>,
    first: Option<u64>,
) -> ApiResult<Page<SyncRun>> {
    ensure(access::can_read_sync_runs(&ctx.principal))?;
    let limit = page_size(first)?;
    let before = decode_cursor::<SyncRunId>(after)?;
    let rows = store::list_sync_runs(&ctx.db, before, limit + 1).await?;
    Ok(paginate(rows, limit, |r| r.id.to_string()))
}

#[tracing::instrument(skip_all, fields(run_id = %id))]
pub async fn get_run(ctx: &Ctx, id: SyncRunId) -> ApiResult<SyncRun> {
    ensure(access::can_read_sync_runs(&ctx.principal))?;
    store::get_sync_run(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("sync run"))
}
