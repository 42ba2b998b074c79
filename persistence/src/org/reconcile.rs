//! Multi-request HRIS reconcile runs: the run and its pages (the records as sent, applied only
//! when the run is committed).

use super::entities::{reconcile_page, reconcile_run};
use crate::{parse_id, Conn, StoreError, StoreResult, Tx};
use chrono::{DateTime, Utc};
use learnwell_domain::ids::{ReconcileRunId, SyncRunId};
use learnwell_domain::org::sync::{EmployeeDelta, ReconcileRun, RunState, SyncMode};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Map, Value};

fn mode_code(m: SyncMode) -> &'static str {
    match m {
        SyncMode::Replace => "replace",
        SyncMode::Merge => "merge",
    }
}

fn to_run(m: reconcile_run::Model) -> StoreResult<ReconcileRun> {
    let c = StoreError::corrupt;
    Ok(ReconcileRun {
        id: parse_id(&m.id)?,
        actor: m.actor,
        mode: SyncMode::parse(&m.mode).ok_or_else(|| c(&m.mode))?,
        state: RunState::parse(&m.state).ok_or_else(|| c(&m.state))?,
        opened_at: m.opened_at,
        expires_at: m.expires_at,
        pages: u32::try_from(m.pages).map_err(StoreError::corrupt)?,
        records: u64::try_from(m.records).map_err(StoreError::corrupt)?,
        committed_at: m.committed_at,
        sync_run_id: m.sync_run_id.as_deref().map(parse_id).transpose()?,
    })
}

pub async fn insert_run(tx: &Tx, run: &ReconcileRun) -> StoreResult<()> {
    let row = reconcile_run::ActiveModel {
        id: Set(run.id.to_string()),
        actor: Set(run.actor.clone()),
        mode: Set(mode_code(run.mode).to_owned()),
        state: Set(run.state.code().to_owned()),
        opened_at: Set(run.opened_at),
        expires_at: Set(run.expires_at),
        pages: Set(i32::try_from(run.pages).unwrap_or(i32::MAX)),
        records: Set(i64::try_from(run.records).unwrap_or(i64::MAX)),
        committed_at: Set(run.committed_at),
        sync_run_id: Set(run.sync_run_id.map(|id| id.to_string())),
    };
    reconcile_run::Entity::insert(row)
        .exec_without_returning(tx.conn())
        .await?;
    Ok(())
}

pub async fn get_run(c: &impl Conn, id: ReconcileRunId) -> StoreResult<Option<ReconcileRun>> {
    reconcile_run::Entity::find_by_id(id.to_string())
        .one(c.conn())
        .await?
        .map(to_run)
        .transpose()
}

/// Drop the pages of every open run expired by `now`, and mark those runs expired.
pub async fn expire_runs(tx: &Tx, now: DateTime<Utc>) -> StoreResult<u64> {
    let expired: Vec<String> = reconcile_run::Entity::find()
        .select_only()
        .column(reconcile_run::Column::Id)
        .filter(reconcile_run::Column::State.eq(RunState::Open.code()))
        .filter(reconcile_run::Column::ExpiresAt.lte(now))
        .into_tuple()
        .all(tx.conn())
        .await?;
    if expired.is_empty() {
        return Ok(0);
    }
    reconcile_page::Entity::delete_many()
        .filter(reconcile_page::Column::RunId.is_in(expired.clone()))
        .exec(tx.conn())
        .await?;
    let done = reconcile_run::Entity::update_many()
        .col_expr(
            reconcile_run::Column::State,
            Expr::value(RunState::Expired.code()),
        )
        .filter(reconcile_run::Column::Id.is_in(expired))
        .filter(reconcile_run::Column::State.eq(RunState::Open.code()))
        .exec(tx.conn())
        .await?;
    Ok(done.rows_affected)
}

/// Lock the open run for a page (PostgreSQL waits here for a commit of the same run, which then
/// holds it): `true` when it is still open.
pub async fn hold_open_run(tx: &Tx, id: ReconcileRunId, now: DateTime<Utc>) -> StoreResult<bool> {
    let r = reconcile_run::Entity::update_many()
        .col_expr(
            reconcile_run::Column::State,
            Expr::value(RunState::Open.code()),
        )
        .filter(reconcile_run::Column::Id.eq(id.to_string()))
        .filter(reconcile_run::Column::State.eq(RunState::Open.code()))
        .filter(reconcile_run::Column::ExpiresAt.gt(now))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// The number of records page `page` of the run holds now (`None` when not sent yet).
pub async fn page_records(tx: &Tx, id: ReconcileRunId, page: u32) -> StoreResult<Option<u64>> {
    let n: Option<i32> = reconcile_page::Entity::find()
        .select_only()
        .column(reconcile_page::Column::RecordCount)
        .filter(reconcile_page::Column::RunId.eq(id.to_string()))
        .filter(reconcile_page::Column::Page.eq(i64::from(page)))
        .into_tuple()
        .one(tx.conn())
        .await?;
    Ok(n.map(|n| u64::try_from(n).unwrap_or(0)))
}

/// Store page `page` (replacing a page of that number sent before) and the run's new counts.
pub async fn put_page(
    tx: &Tx,
    run: &ReconcileRun,
    page: u32,
    records: &[EmployeeDelta],
) -> StoreResult<()> {
    let json = Value::Array(records.iter().map(encode).collect()).to_string();
    reconcile_page::Entity::delete_many()
        .filter(reconcile_page::Column::RunId.eq(run.id.to_string()))
        .filter(reconcile_page::Column::Page.eq(i64::from(page)))
        .exec(tx.conn())
        .await?;
    reconcile_page::Entity::insert(reconcile_page::ActiveModel {
        run_id: Set(run.id.to_string()),
        page: Set(i32::try_from(page).map_err(StoreError::corrupt)?),
        record_count: Set(i32::try_from(records.len()).map_err(StoreError::corrupt)?),
        records: Set(json),
    })
    .exec_without_returning(tx.conn())
    .await?;
    reconcile_run::Entity::update_many()
        .col_expr(
            reconcile_run::Column::Pages,
            Expr::value(i32::try_from(run.pages).unwrap_or(i32::MAX)),
        )
        .col_expr(
            reconcile_run::Column::Records,
            Expr::value(i64::try_from(run.records).unwrap_or(i64::MAX)),
        )
        .filter(reconcile_run::Column::Id.eq(run.id.to_string()))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Mark the run committed, if it is still open and not expired at `now` (PostgreSQL: a page being
/// stored for it is waited for). `false` when it is not.
pub async fn claim_for_commit(
    tx: &Tx,
    id: ReconcileRunId,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let r = reconcile_run::Entity::update_many()
        .col_expr(
            reconcile_run::Column::State,
            Expr::value(RunState::Committed.code()),
        )
        .col_expr(reconcile_run::Column::CommittedAt, Expr::value(now))
        .filter(reconcile_run::Column::Id.eq(id.to_string()))
        .filter(reconcile_run::Column::State.eq(RunState::Open.code()))
        .filter(reconcile_run::Column::ExpiresAt.gt(now))
        .exec(tx.conn())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Record the sync run a commit made, and drop the pages it applied.
pub async fn finish_commit(tx: &Tx, id: ReconcileRunId, sync_run: SyncRunId) -> StoreResult<()> {
    reconcile_run::Entity::update_many()
        .col_expr(
            reconcile_run::Column::SyncRunId,
            Expr::value(sync_run.to_string()),
        )
        .filter(reconcile_run::Column::Id.eq(id.to_string()))
        .exec(tx.conn())
        .await?;
    reconcile_page::Entity::delete_many()
        .filter(reconcile_page::Column::RunId.eq(id.to_string()))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Every record of the run, page by page in page order.
pub async fn run_records(c: &impl Conn, id: ReconcileRunId) -> StoreResult<Vec<EmployeeDelta>> {
    let pages: Vec<String> = reconcile_page::Entity::find()
        .select_only()
        .column(reconcile_page::Column::Records)
        .filter(reconcile_page::Column::RunId.eq(id.to_string()))
        .order_by_asc(reconcile_page::Column::Page)
        .into_tuple()
        .all(c.conn())
        .await?;
    let mut out = Vec::new();
    for p in pages {
        let Value::Array(items) = serde_json::from_str(&p).map_err(StoreError::corrupt)? else {
            return Err(StoreError::corrupt("a reconcile page is not a list"));
        };
        for item in items {
            out.push(decode(item)?);
        }
    }
    Ok(out)
}

macro_rules! delta_fields {
    ($m:ident) => {
        $m!(
            employee_number: String,
            email: String,
            given_name: String,
            family_name: String,
            job_title: String,
            job_level: i64,
            org_unit_id: String,
            org_unit_external_id: String,
            manager_id: String,
            manager_external_id: String,
            employment_type: String,
            status: String,
            hire_date: String,
            leave_start_date: String,
            leave_end_date: String,
            termination_date: String,
            contracted_hours_per_week: f64,
            location: String
        )
    };
}

/// A delta as JSON: an absent field is left out, a cleared one is `null`.
fn encode(d: &EmployeeDelta) -> Value {
    let mut m = Map::new();
    if let Some(x) = &d.external_id {
        m.insert("external_id".into(), Value::from(x.clone()));
    }
    macro_rules! put {
        ($($f:ident: $t:ty),*) => { $(
            if let Some(v) = &d.$f {
                m.insert(stringify!($f).into(), v.clone().map_or(Value::Null, Value::from));
            }
        )* };
    }
    delta_fields!(put);
    Value::Object(m)
}

fn decode(v: Value) -> StoreResult<EmployeeDelta> {
    let Value::Object(mut m) = v else {
        return Err(StoreError::corrupt("a reconcile record is not an object"));
    };
    let mut d = EmployeeDelta {
        external_id: m
            .remove("external_id")
            .and_then(|v| v.as_str().map(str::to_owned)),
        ..EmployeeDelta::default()
    };
    macro_rules! take {
        ($($f:ident: $t:ty),*) => { $(
            if let Some(v) = m.remove(stringify!($f)) {
                d.$f = Some(if v.is_null() {
                    None
                } else {
                    Some(serde_json::from_value::<$t>(v).map_err(StoreError::corrupt)?)
                });
            }
        )* };
    }
    delta_fields!(take);
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delta_keeps_absent_apart_from_null_through_storage() {
        let d = EmployeeDelta {
            external_id: Some("E-1".into()),
            job_title: Some(None),
            job_level: Some(Some(3)),
            contracted_hours_per_week: Some(Some(37.5)),
            ..EmployeeDelta::default()
        };
        let json = encode(&d);
        assert_eq!(
            json,
            serde_json::json!({"external_id": "E-1", "job_title": null, "job_level": 3,
                "contracted_hours_per_week": 37.5})
        );
        assert_eq!(decode(json).expect("decodes"), d);
    }
}
