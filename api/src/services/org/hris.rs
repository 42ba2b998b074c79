//! HRIS bulk sync: load what a batch refers to, plan it in the domain, write the plan.

use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page};
use learnwell_domain::access;
use learnwell_domain::ids::{EmployeeId, SyncRunId};
pub use learnwell_domain::org::sync::SyncOptions;
use learnwell_domain::org::sync::{Known, Plan, SyncBatch, SyncLimits, SyncLookups, SyncRun};
use learnwell_domain::org::{Employee, EmployeeFields, ManagerGraph};
use learnwell_persistence::org as store;
use learnwell_persistence::Tx;

/// Syncs take turns within the process: load, plan and write of one sync see the writes of the
/// one before, so concurrent syncs of the same new people answer `created` once and `unchanged`
/// after, never `duplicate`/`conflict` for a whole batch. (Several instances on one database
/// are not serialised by this: see API-DESIGN.md, "Idempotency".)
static SYNC_TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Inserts from which a sync considers refreshing the planner's statistics.
const BULK_LOAD: usize = 1000;

/// What a sync did: the run it recorded and the plan it wrote (every record's decision).
#[derive(Debug, Clone)]
pub struct SyncOutcome {
    pub run_id: SyncRunId,
    pub plan: Plan,
}

/// Sync a batch: load what it refers to, plan it (`domain::org::sync`), write the plan in one
/// transaction with the run and its audit records.
#[tracing::instrument(skip_all, fields(records = records.len(), reconcile = opts.deactivate_missing))]
pub async fn sync(
    ctx: &Ctx,
    records: Vec<EmployeeFields>,
    opts: SyncOptions,
) -> ApiResult<SyncOutcome> {
    ensure(access::can_write_people(&ctx.principal))?;
    let limits = SyncLimits {
        max_batch: ctx.settings.hris.max_batch,
        max_deactivation_share: ctx.settings.hris.max_deactivation_share,
    };
    let batch = SyncBatch::new(records, limits)?;
    // One sync at a time: in this process (the mutex, so waiting syncs hold no connection), and
    // across instances (a transaction lock on PostgreSQL; SQLite has one writer). What the plan
    // reads is read in the transaction that writes it.
    let _turn = SYNC_TURN.lock().await;
    let tx = ctx.db.begin().await?;
    store::take_sync_turn(&tx).await?;
    let known = load(&tx, &batch.lookups()).await?;
    let draft = batch.resolve(&known, ctx.now, || {
        EmployeeId::from_uuid(uuid::Uuid::now_v7())
    });
    let chart = if draft.needs_manager_chart() {
        Some(ManagerGraph::new(store::manager_links(&tx).await?))
    } else {
        None
    };
    let active = if opts.deactivate_missing {
        store::current_hris_employees(&tx).await?
    } else {
        Vec::new()
    };
    let plan = draft.plan(chart, &active, opts)?;
    let run_id = write(ctx, &tx, &plan, opts).await?;
    tx.commit().await?;
    if plan.writes_anything() {
        ctx.directory.people_changed().await?;
    }
    let inserted = plan.creates().count();
    if inserted >= BULK_LOAD {
        store::refresh_statistics_after_load(&ctx.db, inserted).await?;
    }
    Ok(SyncOutcome { run_id, plan })
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
        store::update_employee(tx, e)
            .await
            .map_err(|err| match err {
                learnwell_persistence::StoreError::StaleVersion => ApiError::Conflict(
                    "an employee in this batch changed while it was applied; retry the batch"
                        .into(),
                ),
                other => other.into(),
            })?;
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
