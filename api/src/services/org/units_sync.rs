//! HRIS bulk sync of the org-unit tree by external id: plan it in the domain
//! (`domain::org::sync::plan_units`, parents in a second pass), write it in one transaction
//! with its audit records (rolled back in a dry run).

use super::hris;
use crate::error::ApiResult;
use crate::services::{audit, ensure, Ctx};
use learnwell_domain::access;
use learnwell_domain::ids::OrgUnitId;
use learnwell_domain::org::non_blank;
use learnwell_domain::org::sync::{plan_units, SyncBatch, UnitFields, UnitKnown, UnitPlan};
use learnwell_persistence::org as store;

/// What a unit sync did, or in a dry run would do.
#[derive(Debug, Clone)]
pub struct UnitSyncOutcome {
    pub dry_run: bool,
    pub plan: UnitPlan,
}

/// Upsert org units by external id.
#[tracing::instrument(skip_all, fields(records = records.len()))]
pub async fn sync_units(
    ctx: &Ctx,
    records: Vec<UnitFields>,
    dry_run: bool,
) -> ApiResult<UnitSyncOutcome> {
    ensure(access::can_write_org_units(&ctx.principal))?;
    SyncBatch::ensure_size(
        records.len(),
        hris::limits(ctx, ctx.settings.hris.max_batch),
    )?;
    let (_turn, tx) = hris::take_turn(ctx).await?;
    let heads: Vec<&str> = records
        .iter()
        .filter_map(|r| non_blank(&r.manager_external_id))
        .collect();
    let known = UnitKnown {
        units: store::list_org_units(&tx).await?,
        people: store::stored_keys_by_external_ids(&tx, &heads)
            .await?
            .into_iter()
            .map(|(x, p)| (x, p.id))
            .collect(),
    };
    let plan = plan_units(&records, &known, || {
        OrgUnitId::from_uuid(uuid::Uuid::now_v7())
    });
    let creates = plan.creates();
    let mut events = vec![audit::event(
        ctx,
        "hris.org_units_sync",
        "org_units",
        plan.records.len(),
    )];
    for u in &creates {
        store::insert_org_unit(&tx, u, ctx.now).await?;
        events.push(audit::event(ctx, "org_unit.create", "org_unit", u.id));
    }
    for u in plan.updates() {
        store::update_org_unit(&tx, u, ctx.now)
            .await
            .map_err(hris::stale)?;
        events.push(audit::event(ctx, "org_unit.update", "org_unit", u.id));
    }
    learnwell_persistence::audit::append(&tx, &events).await?;
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
        if plan.writes_anything() {
            ctx.directory.units_changed().await?;
        }
    }
    Ok(UnitSyncOutcome { dry_run, plan })
}
