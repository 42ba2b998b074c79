//! Org units: the organisation tree (read by everyone with directory access, changed by HR).

use crate::error::{ApiError, ApiResult};
use crate::services::{
    audit, check_fields, ensure, list_order, page_in_order, page_size, Ctx, Page, Services,
};
use chrono::{DateTime, Utc};
use learnwell_domain::access;
use learnwell_domain::ids::OrgUnitId;
use learnwell_domain::org::{descendants, OrgUnit, OrgUnitChanges};
use learnwell_domain::FieldError;
use learnwell_persistence::org as store;
use std::collections::HashMap;

/// The references of `unit` exist, and its parent is not the unit itself or one below it.
async fn check_refs(svc: &Services, unit: &OrgUnit) -> ApiResult<()> {
    let mut e = Vec::new();
    if let Some(parent) = unit.parent_id {
        let pairs = svc.directory.unit_parents().await?;
        if !pairs.iter().any(|(id, _)| *id == parent) {
            e.push(FieldError::new("parent_id", "no such org unit"));
        } else if descendants(unit.id, pairs).contains(&parent) {
            e.push(FieldError::new(
                "parent_id",
                "is this unit or one below it; the tree would loop",
            ));
        }
    }
    if let Some(m) = unit.manager_id {
        if store::get_employee(&svc.db, m).await?.is_none() {
            e.push(FieldError::new("manager_id", "no such employee"));
        }
    }
    check_fields(e)
}

/// Write one unit's change (`write` in the transaction) with its audit record, and tell the
/// directory.
async fn save(ctx: &Ctx, action: &str, id: OrgUnitId, write: Write<'_>) -> ApiResult<()> {
    let tx = ctx.db.begin().await?;
    match write {
        Write::Insert(unit) => store::insert_org_unit(&tx, unit, ctx.now).await?,
        Write::Update(unit) => store::update_org_unit(&tx, unit, ctx.now).await?,
        Write::Delete => store::delete_org_unit(&tx, id).await?,
    }
    let event = audit::event(ctx, action, "org_unit", id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    ctx.directory.units_changed().await
}

enum Write<'a> {
    Insert(&'a OrgUnit),
    Update(&'a OrgUnit),
    Delete,
}

#[tracing::instrument(skip_all, fields(org_unit_id = %id))]
pub async fn get_org_unit(ctx: &Ctx, id: OrgUnitId) -> ApiResult<OrgUnit> {
    ensure(access::can_browse_directory(&ctx.principal))?;
    store::get_org_unit(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("org unit"))
}

/// Which org units to list: the filters (optional, combined with AND) and a page of `first`
/// after the cursor `after`.
#[derive(Debug, Clone, Default)]
pub struct OrgUnitList {
    /// Exactly this HRIS id.
    pub external_id: Option<String>,
    /// The change feed: units changed at or after this instant, in the order of their changes.
    pub updated_since: Option<DateTime<Utc>>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

/// A page of the org-unit tree as a flat list (each unit names its parent), in creation order,
/// or of the change feed.
#[tracing::instrument(skip_all, fields(first = ?q.first))]
pub async fn list_org_units(ctx: &Ctx, q: OrgUnitList) -> ApiResult<Page<OrgUnit>> {
    ensure(access::can_browse_directory(&ctx.principal))?;
    let limit = page_size(q.first)?;
    let order = list_order(q.updated_since, q.after.as_deref())?;
    let rows =
        store::list_org_units_in(&ctx.db, q.external_id.as_deref(), order, limit + 1).await?;
    let page = page_in_order(&order, rows, limit, |(u, at)| (*at, u.id));
    Ok(Page {
        items: page.items.into_iter().map(|(u, _)| u).collect(),
        next_cursor: page.next_cursor,
    })
}

/// The whole tree at once, in creation order: for the demo's seeding (the API pages it).
pub async fn every_org_unit(svc: &Services) -> ApiResult<Vec<OrgUnit>> {
    Ok(store::list_org_units(&svc.db).await?)
}

/// The units directly below `parent`, in creation order (from the directory's tree).
#[tracing::instrument(skip_all, fields(org_unit_id = %parent))]
pub async fn child_org_unit_ids(ctx: &Ctx, parent: OrgUnitId) -> ApiResult<Vec<OrgUnitId>> {
    ensure(access::can_browse_directory(&ctx.principal))?;
    let mut children: Vec<OrgUnitId> = ctx
        .directory
        .unit_parents()
        .await?
        .iter()
        .filter(|(_, p)| *p == Some(parent))
        .map(|(id, _)| *id)
        .collect();
    children.sort();
    Ok(children)
}

#[tracing::instrument(skip_all, fields(org_unit_id = tracing::field::Empty))]
pub async fn create_org_unit(ctx: &Ctx, fields: OrgUnitChanges) -> ApiResult<OrgUnit> {
    ensure(access::can_write_org_units(&ctx.principal))?;
    let unit = fields
        .create(OrgUnitId::from_uuid(uuid::Uuid::now_v7()))
        .map_err(ApiError::Validation)?;
    tracing::Span::current().record("org_unit_id", tracing::field::display(unit.id));
    check_refs(ctx, &unit).await?;
    save(ctx, "org_unit.create", unit.id, Write::Insert(&unit)).await?;
    Ok(unit)
}

/// Change one unit, written only over version `if_match`.
#[tracing::instrument(skip_all, fields(org_unit_id = %id))]
pub async fn update_org_unit(
    ctx: &Ctx,
    id: OrgUnitId,
    if_match: Option<i64>,
    changes: OrgUnitChanges,
) -> ApiResult<OrgUnit> {
    ensure(access::can_write_org_units(&ctx.principal))?;
    let expected = if_match.ok_or(ApiError::PreconditionRequired)?;
    let current = store::get_org_unit(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("org unit"))?;
    if current.version != expected {
        return Err(ApiError::PreconditionFailed);
    }
    let changed = changes
        .apply(current.clone())
        .map_err(ApiError::Validation)?;
    check_refs(ctx, &changed).await?;
    if changed == current {
        return Ok(current);
    }
    let unit = current.revised(changed);
    save(ctx, "org_unit.update", id, Write::Update(&unit)).await?;
    Ok(unit)
}

/// Delete an empty unit (no child units, no employees).
#[tracing::instrument(skip_all, fields(org_unit_id = %id))]
pub async fn delete_org_unit(ctx: &Ctx, id: OrgUnitId) -> ApiResult<()> {
    ensure(access::can_write_org_units(&ctx.principal))?;
    store::get_org_unit(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("org unit"))?;
    if store::org_unit_in_use(&ctx.db, id).await? {
        return Err(ApiError::Conflict(
            "the unit still has child units or employees; move them first".into(),
        ));
    }
    save(ctx, "org_unit.delete", id, Write::Delete).await
}

/// Units by id, for the GraphQL loader.
pub async fn org_units_by_ids(
    svc: &Services,
    ids: &[OrgUnitId],
) -> ApiResult<HashMap<OrgUnitId, OrgUnit>> {
    Ok(store::get_org_units(&svc.db, ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}
