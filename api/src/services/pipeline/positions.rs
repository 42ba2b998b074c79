//! Leadership positions with their history, succession slates and placements (hr_admin).
//! A placement moves the graduate into the position, ends the previous incumbency, opens the
//! new one and records the membership's outcome, all in one transaction.

use super::memberships::write;
use super::talent::latest_readiness;
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, decode_cursor, ensure, page_size, paginate, Ctx, Page};
use chrono::NaiveDate;
use learnwell_domain::access::pipeline as rules;
use learnwell_domain::ids::{EmployeeId, MembershipId, OrgUnitId, PlacementId, PositionId};
use learnwell_domain::pipeline::{
    Incumbency, Placement, Position, PositionFields, Readiness, SlateFields,
};
use learnwell_domain::FieldError;
use learnwell_persistence::pipeline as store;
use learnwell_persistence::StoreError;

async fn known_people(ctx: &Ctx, people: &[EmployeeId], field: &str) -> ApiResult<()> {
    let found = learnwell_persistence::org::get_employees(&ctx.db, people).await?;
    match people
        .iter()
        .position(|p| !found.iter().any(|e| e.id == *p))
    {
        None => Ok(()),
        Some(i) if people.len() == 1 => {
            Err(FieldError::new(field, format!("no such employee {}", people[i])).into())
        }
        Some(i) => Err(FieldError::new(format!("{field}[{i}]"), "no such employee").into()),
    }
}

#[tracing::instrument(skip_all)]
pub async fn create_position(ctx: &Ctx, fields: PositionFields) -> ApiResult<Position> {
    ensure(rules::can_manage_positions(&ctx.principal))?;
    let id = PositionId::from_uuid(uuid::Uuid::now_v7());
    let position = fields.parse(id, ctx.now).map_err(ApiError::Validation)?;
    if learnwell_persistence::org::get_org_units(&ctx.db, &[position.org_unit_id])
        .await?
        .is_empty()
    {
        return Err(FieldError::new("org_unit_id", "no such org unit").into());
    }
    if let Some(who) = position.incumbent_id {
        known_people(ctx, &[who], "incumbent_id").await?;
    }
    let tx = ctx.db.begin().await?;
    store::insert_position(&tx, &position).await?;
    let event = audit::event(ctx, "pipeline_position.create", "pipeline_position", id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(position)
}

#[tracing::instrument(skip_all, fields(position_id = %id))]
pub async fn get_position(ctx: &Ctx, id: PositionId) -> ApiResult<Position> {
    ensure(rules::can_browse_pipeline(&ctx.principal))?;
    store::get_position(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("position"))
}

/// Positions (of an org unit and the units below it), a page in id order.
#[tracing::instrument(skip_all)]
pub async fn list_positions(
    ctx: &Ctx,
    unit: Option<OrgUnitId>,
    first: Option<u64>,
    after: Option<String>,
) -> ApiResult<Page<Position>> {
    ensure(rules::can_browse_pipeline(&ctx.principal))?;
    let units = match unit {
        Some(u) => Some(ctx.directory.unit_subtree(u).await?),
        None => None,
    };
    let limit = page_size(first)?;
    let after = decode_cursor::<PositionId>(after.as_deref())?;
    let rows = store::list_positions(&ctx.db, units.as_deref(), after, limit + 1).await?;
    Ok(paginate(rows, limit, |p| p.id.to_string()))
}

/// Who held the position, oldest first.
#[tracing::instrument(skip_all, fields(position_id = %id))]
pub async fn position_history(ctx: &Ctx, id: PositionId) -> ApiResult<Vec<Incumbency>> {
    get_position(ctx, id).await?;
    Ok(store::history_of(&ctx.db, id).await?)
}

/// A candidate of a succession slate with their latest readiness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlateEntry {
    pub rank: u32,
    pub employee_id: EmployeeId,
    pub readiness: Option<Readiness>,
    pub assessed_on: Option<NaiveDate>,
}

/// A position's succession slate in rank order, with readiness: hr_admin and ld_admin.
#[tracing::instrument(skip_all, fields(position_id = %id))]
pub async fn slate(ctx: &Ctx, id: PositionId) -> ApiResult<Vec<SlateEntry>> {
    ensure(rules::is_pipeline_admin(&ctx.principal))?;
    get_position(ctx, id).await?;
    let people: Vec<EmployeeId> = store::slates(&ctx.db, Some(&[id]))
        .await?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    let readiness = latest_readiness(ctx, &people).await?;
    Ok(people
        .into_iter()
        .zip(1u32..)
        .map(|(employee_id, rank)| {
            let r = readiness.get(&employee_id);
            SlateEntry {
                rank,
                employee_id,
                readiness: r.map(|a| a.readiness),
                assessed_on: r.map(|a| a.assessed_on),
            }
        })
        .collect())
}

/// Replace a position's succession slate (hr_admin).
#[tracing::instrument(skip_all, fields(position_id = %id))]
pub async fn set_slate(
    ctx: &Ctx,
    id: PositionId,
    fields: SlateFields,
) -> ApiResult<Vec<SlateEntry>> {
    ensure(rules::can_manage_positions(&ctx.principal))?;
    let position = get_position(ctx, id).await?;
    let people = fields
        .parse(position.incumbent_id)
        .map_err(ApiError::Validation)?;
    if !people.is_empty() {
        known_people(ctx, &people, "candidates").await?;
    }
    let tx = ctx.db.begin().await?;
    store::replace_slate(&tx, id, &people, ctx.now).await?;
    let event = audit::event(ctx, "pipeline_slate.set", "pipeline_position", id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    slate(ctx, id).await
}

/// Place a graduate into a position.
#[derive(Debug, Clone, Copy)]
pub struct PlacementCommand {
    pub membership_id: MembershipId,
    pub position_id: PositionId,
    pub placed_on: Option<NaiveDate>,
}

/// The placement of a membership, if it has one.
async fn placement_of(ctx: &Ctx, m: MembershipId) -> ApiResult<Option<Placement>> {
    Ok(store::list_placements(&ctx.db, Some(m), None, 1)
        .await?
        .pop())
}

/// Place a waiting graduate (hr_admin). A retry of the same placement answers it again; a
/// graduate with another outcome is `conflict`.
#[tracing::instrument(skip_all, fields(membership_id = %cmd.membership_id, position_id = %cmd.position_id))]
pub async fn place(ctx: &Ctx, cmd: PlacementCommand) -> ApiResult<Placement> {
    ensure(rules::can_manage_positions(&ctx.principal))?;
    let m = super::get_membership(ctx, cmd.membership_id).await?;
    if let Some(p) = placement_of(ctx, m.id).await? {
        if p.position_id == cmd.position_id {
            return Ok(p);
        }
    }
    let position = get_position(ctx, cmd.position_id).await?;
    let on = cmd.placed_on.unwrap_or(ctx.now.date_naive());
    if on > ctx.now.date_naive() || m.graduated_on.is_some_and(|g| on < g) {
        let e = FieldError::new("placed_on", "must be between the graduation and today");
        return Err(ApiError::Validation(vec![e]));
    }
    let grown = position.created_for_growth;
    let next = m.placed(on, grown, ctx.now)?;
    let placement = Placement {
        id: PlacementId::from_uuid(uuid::Uuid::now_v7()),
        membership_id: next.id,
        employee_id: next.employee_id,
        position_id: position.id,
        placed_on: on,
        previous_incumbent_id: position.incumbent_id,
        role_grown: grown,
        created_at: ctx.now,
    };
    let filled = position.filled_by(next.employee_id, on, ctx.now);
    let tx = ctx.db.begin().await?;
    store::update_position(&tx, &filled)
        .await
        .map_err(|e| match e {
            StoreError::StaleVersion => ApiError::Conflict(
                "the position changed while this placement was made; read it again".into(),
            ),
            other => other.into(),
        })?;
    store::change_incumbent(&tx, filled.id, next.employee_id, on, ctx.now).await?;
    write(&tx, ctx, &next, "pipeline_membership.place").await?;
    store::insert_placement(&tx, &placement).await?;
    let event = audit::event(
        ctx,
        "pipeline_placement.create",
        "pipeline_placement",
        placement.id,
    );
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    Ok(placement)
}

/// Placements, newest first (hr_admin, ld_admin).
#[tracing::instrument(skip_all)]
pub async fn list_placements(
    ctx: &Ctx,
    first: Option<u64>,
    after: Option<String>,
) -> ApiResult<Page<Placement>> {
    ensure(rules::is_pipeline_admin(&ctx.principal))?;
    let limit = page_size(first)?;
    let before = decode_cursor::<PlacementId>(after.as_deref())?;
    let rows = store::list_placements(&ctx.db, None, before, limit + 1).await?;
    Ok(paginate(rows, limit, |p| p.id.to_string()))
}
