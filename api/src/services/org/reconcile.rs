//! A reconcile over several requests: open a run, send its pages, commit. Pages are kept as
//! sent and reach the directory only at the commit, which plans them all at once like one sync
//! (the deactivation guard included); an expired run changes nothing.

use super::hris::{self, EmployeeDelta, SyncMode, SyncOptions, SyncOutcome};
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, ensure, Ctx};
use learnwell_domain::access;
use learnwell_domain::ids::ReconcileRunId;
use learnwell_domain::org::sync::{ReconcileRun, SyncBatch, MAX_PAGE};
use learnwell_domain::FieldError;
use learnwell_persistence::audit::append;
use learnwell_persistence::org::reconcile as store;

/// Open a run (its pages are read in `mode`).
#[tracing::instrument(skip_all)]
pub async fn open(ctx: &Ctx, mode: SyncMode) -> ApiResult<ReconcileRun> {
    ensure(access::can_write_people(&ctx.principal))?;
    let ttl = i64::try_from(ctx.settings.hris.reconcile_run_ttl_seconds).unwrap_or(i64::MAX);
    let run = ReconcileRun::open(
        ReconcileRunId::from_uuid(uuid::Uuid::now_v7()),
        ctx.principal.subject.clone(),
        mode,
        ctx.now,
        chrono::Duration::try_seconds(ttl).unwrap_or(chrono::Duration::MAX),
    );
    let tx = ctx.db.begin().await?;
    store::expire_runs(&tx, ctx.now).await?;
    store::insert_run(&tx, &run).await?;
    let event = audit::event(ctx, "hris.reconcile.open", "hris_reconcile_run", run.id);
    append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(run)
}

#[tracing::instrument(skip_all, fields(run_id = %id))]
pub async fn get(ctx: &Ctx, id: ReconcileRunId) -> ApiResult<ReconcileRun> {
    ensure(access::can_read_sync_runs(&ctx.principal))?;
    store::get_run(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("reconcile run"))
}

/// Store page `page` of an open run (sending a page number again replaces that page, so a
/// retried page is counted once).
#[tracing::instrument(skip_all, fields(run_id = %id, page, records = records.len()))]
pub async fn put_page(
    ctx: &Ctx,
    id: ReconcileRunId,
    page: u32,
    records: Vec<EmployeeDelta>,
) -> ApiResult<ReconcileRun> {
    ensure(access::can_write_people(&ctx.principal))?;
    if !ReconcileRun::valid_page(page) {
        return Err(ApiError::validation(FieldError::new(
            "page",
            format!("must be 1..={MAX_PAGE}"),
        )));
    }
    SyncBatch::ensure_size(
        records.len(),
        hris::limits(ctx, ctx.settings.hris.max_batch),
    )?;
    let tx = ctx.db.begin().await?;
    let held = store::hold_open_run(&tx, id, ctx.now).await?;
    let mut run = store::get_run(&tx, id)
        .await?
        .ok_or(ApiError::NotFound("reconcile run"))?;
    if !held {
        run.ensure_open(ctx.now, "sent a page")?;
    }
    let replaced = store::page_records(&tx, id, page).await?;
    run.ensure_room(
        replaced.unwrap_or(0),
        records.len(),
        ctx.settings.hris.max_reconcile_records,
    )?;
    run.records = run.records - replaced.unwrap_or(0) + records.len() as u64;
    if replaced.is_none() {
        run.pages += 1;
    }
    store::put_page(&tx, &run, page, &records).await?;
    let event = audit::event(ctx, "hris.reconcile.page", "hris_reconcile_run", run.id);
    append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(run)
}

/// Apply every page of an open run as one reconcile (`deactivate_missing`, the guard unless
/// `force`), in one transaction; in a dry run, answer what it would do and leave the run open.
#[tracing::instrument(skip_all, fields(run_id = %id))]
pub async fn commit(
    ctx: &Ctx,
    id: ReconcileRunId,
    force: bool,
    dry_run: bool,
) -> ApiResult<SyncOutcome> {
    ensure(access::can_write_people(&ctx.principal))?;
    let (_turn, tx) = hris::take_turn(ctx).await?;
    let claimed = store::claim_for_commit(&tx, id, ctx.now).await?;
    let run = store::get_run(&tx, id)
        .await?
        .ok_or(ApiError::NotFound("reconcile run"))?;
    if !claimed {
        run.ensure_open(ctx.now, "committed")?;
    }
    let records = store::run_records(&tx, id).await?;
    let max = usize::try_from(ctx.settings.hris.max_reconcile_records).unwrap_or(usize::MAX);
    let opts = SyncOptions {
        deactivate_missing: true,
        force,
    };
    let (sync_run, plan) =
        hris::apply(ctx, &tx, records, run.mode, opts, hris::limits(ctx, max)).await?;
    store::finish_commit(&tx, id, sync_run).await?;
    let event = audit::event(ctx, "hris.reconcile.commit", "hris_reconcile_run", id);
    append(&tx, &[event]).await?;
    hris::finish(ctx, tx, sync_run, plan, dry_run).await
}
