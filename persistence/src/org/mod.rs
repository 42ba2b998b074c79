//! Stores of the org context: employees, org units, HRIS sync runs.

mod entities;
pub mod reconcile;

use crate::db::{insert_all, json_keys, statement};
use crate::{like_pattern, parse_id, Conn, ListOrder, StoreError, StoreResult, Tx, LOOKUP_CHUNK};
use entities::{employee, org_unit, sync_run};
use learnwell_domain::ids::{EmployeeId, OrgUnitId, SyncRunId};
use learnwell_domain::org::sync::{RecordError, StoredPerson, SyncCounts, SyncRun};
use learnwell_domain::org::{
    ContractedHours, Email, Employee, EmployeeData, EmployeeStatus, EmploymentDates,
    EmploymentType, ExternalId, JobLevel, Label, OrgUnit, PersonName,
};
use sea_orm::sea_query::{Expr, Func, LikeExpr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use std::collections::{HashMap, HashSet};

/// How deep a reporting line is followed (a guard; cycles are refused on write).
pub const MAX_DEPTH: u32 = 256;

fn opt_label(v: Option<String>) -> StoreResult<Option<Label>> {
    v.map(|s| Label::parse(&s).map_err(StoreError::corrupt))
        .transpose()
}

fn to_employee(m: employee::Model) -> StoreResult<Employee> {
    let c = StoreError::corrupt;
    Ok(Employee {
        id: parse_id(&m.id)?,
        data: EmployeeData {
            external_id: m
                .external_id
                .map(|s| ExternalId::parse(&s))
                .transpose()
                .map_err(c)?,
            employee_number: opt_label(m.employee_number)?,
            email: Email::parse(&m.email).map_err(c)?,
            given_name: PersonName::parse(&m.given_name).map_err(c)?,
            family_name: PersonName::parse(&m.family_name).map_err(c)?,
            job_title: opt_label(m.job_title)?,
            job_level: JobLevel::new(m.job_level.into()).map_err(c)?,
            org_unit_id: m.org_unit_id.as_deref().map(parse_id).transpose()?,
            manager_id: m.manager_id.as_deref().map(parse_id).transpose()?,
            employment_type: EmploymentType::parse(&m.employment_type).map_err(c)?,
            status: EmployeeStatus::parse(&m.status).map_err(c)?,
            dates: EmploymentDates {
                hire_date: m.hire_date,
                leave_start_date: m.leave_start_date,
                leave_end_date: m.leave_end_date,
                termination_date: m.termination_date,
            },
            contracted_hours: ContractedHours::new(f64::from(m.contracted_centihours) / 100.0)
                .map_err(c)?,
            location: opt_label(m.location)?,
        },
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// The row of `d`, with placeholder identity and timestamps.
fn data_model(d: &EmployeeData) -> employee::Model {
    let centi = (d.contracted_hours.hours() * 100.0).round();
    employee::Model {
        id: String::new(),
        external_id: d.external_id.as_ref().map(|x| x.as_str().to_owned()),
        employee_number: d.employee_number.as_ref().map(|x| x.as_str().to_owned()),
        email: d.email.as_str().to_owned(),
        given_name: d.given_name.as_str().to_owned(),
        family_name: d.family_name.as_str().to_owned(),
        job_title: d.job_title.as_ref().map(|x| x.as_str().to_owned()),
        job_level: i16::from(d.job_level.get()),
        org_unit_id: d.org_unit_id.map(|x| x.to_string()),
        manager_id: d.manager_id.map(|x| x.to_string()),
        employment_type: d.employment_type.code().to_owned(),
        status: d.status.code().to_owned(),
        hire_date: d.dates.hire_date,
        leave_start_date: d.dates.leave_start_date,
        leave_end_date: d.dates.leave_end_date,
        termination_date: d.dates.termination_date,
        #[expect(
            clippy::cast_possible_truncation,
            reason = "at most 8000 by construction"
        )]
        contracted_centihours: centi as i32,
        location: d.location.as_ref().map(|x| x.as_str().to_owned()),
        content_hash: String::new(),
        email_sha1: email_sha1(d.email.as_str()),
        version: 0,
        created_at: chrono::DateTime::UNIX_EPOCH,
        updated_at: chrono::DateTime::UNIX_EPOCH,
    }
}

/// SHA-1 (hex) of `mailto:<email>`, the xAPI `mbox_sha1sum` of a work email.
pub fn email_sha1(email: &str) -> String {
    use sha1::{Digest, Sha1};
    format!("{:x}", Sha1::digest(format!("mailto:{email}")))
}

fn to_employee_model(e: &Employee) -> employee::Model {
    let mut m = data_model(&e.data);
    m.content_hash = e.data.fingerprint();
    m.id = e.id.to_string();
    m.version = e.version;
    m.created_at = e.created_at;
    m.updated_at = e.updated_at;
    m
}

fn to_employee_row(e: &Employee) -> employee::ActiveModel {
    to_employee_model(e).into_active_model().reset_all()
}

fn to_employees(rows: Vec<employee::Model>) -> StoreResult<Vec<Employee>> {
    rows.into_iter().map(to_employee).collect()
}

/// Filters of the employee list; all optional, combined with AND.
#[derive(Debug, Default, Clone)]
pub struct EmployeeQuery {
    /// Units to include (the service expands "unit and descendants" into this list).
    pub org_unit_ids: Option<Vec<OrgUnitId>>,
    pub manager_id: Option<EmployeeId>,
    pub status: Option<EmployeeStatus>,
    pub job_level: Option<JobLevel>,
    /// Case-insensitive substring of "given family" (or of the email with `text_in_email`).
    pub text: Option<String>,
    /// Match `text` against the email and the HRIS id too (only for callers who read everyone's
    /// full record).
    pub text_in_email: bool,
    /// Exactly this HRIS id.
    pub external_id: Option<String>,
}

pub async fn get_employee(c: &impl Conn, id: EmployeeId) -> StoreResult<Option<Employee>> {
    employee::Entity::find_by_id(id.to_string())
        .one(c.conn())
        .await?
        .map(to_employee)
        .transpose()
}

/// The employees with these ids (any order; missing ids are skipped). One statement.
pub async fn get_employees(c: &impl Conn, ids: &[EmployeeId]) -> StoreResult<Vec<Employee>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let json = serde_json::to_string(&keys).map_err(StoreError::corrupt)?;
    let sql = format!(
        "SELECT * FROM employees WHERE id IN ({})",
        json_keys(c.backend())
    );
    let rows = employee::Entity::find()
        .from_raw_sql(statement(c.backend(), &sql, vec![json.into()]))
        .all(c.conn())
        .await?;
    to_employees(rows)
}

/// The employment dates of the people asked for (those that exist).
pub async fn employment_dates(
    c: &impl Conn,
    ids: &[EmployeeId],
) -> StoreResult<HashMap<EmployeeId, EmploymentDates>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: String,
        hire_date: Option<chrono::NaiveDate>,
        leave_start_date: Option<chrono::NaiveDate>,
        leave_end_date: Option<chrono::NaiveDate>,
        termination_date: Option<chrono::NaiveDate>,
    }
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let json = serde_json::to_string(&keys).map_err(StoreError::corrupt)?;
    let sql = format!(
        "SELECT id, hire_date, leave_start_date, leave_end_date, termination_date \
         FROM employees WHERE id IN ({})",
        json_keys(c.backend())
    );
    Row::find_by_statement(statement(c.backend(), &sql, vec![json.into()]))
        .all(c.conn())
        .await?
        .into_iter()
        .map(|r| {
            let dates = EmploymentDates {
                hire_date: r.hire_date,
                leave_start_date: r.leave_start_date,
                leave_end_date: r.leave_end_date,
                termination_date: r.termination_date,
            };
            Ok((parse_id(&r.id)?, dates))
        })
        .collect()
}

/// One page of employees in id order (= creation order), after the cursor id.
pub async fn list_employees(
    c: &impl Conn,
    q: &EmployeeQuery,
    after: Option<EmployeeId>,
    limit: u64,
) -> StoreResult<Vec<Employee>> {
    list_employees_in(c, q, ListOrder::Created { after }, limit).await
}

/// How many employees match `q` (every page of it).
pub async fn count_employees(c: &impl Conn, q: &EmployeeQuery) -> StoreResult<u64> {
    Ok(employees_matching(q).count(c.conn()).await?)
}

fn employees_matching(q: &EmployeeQuery) -> Select<employee::Entity> {
    let mut find = employee::Entity::find();
    if let Some(x) = &q.external_id {
        find = find.filter(employee::Column::ExternalId.eq(x.trim()));
    }
    if let Some(units) = &q.org_unit_ids {
        find =
            find.filter(employee::Column::OrgUnitId.is_in(units.iter().map(ToString::to_string)));
    }
    if let Some(m) = q.manager_id {
        find = find.filter(employee::Column::ManagerId.eq(m.to_string()));
    }
    if let Some(s) = q.status {
        find = find.filter(employee::Column::Status.eq(s.code()));
    }
    if let Some(l) = q.job_level {
        find = find.filter(employee::Column::JobLevel.eq(i16::from(l.get())));
    }
    if let Some(text) = q.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let p = like_pattern(text.trim());
        let like = || LikeExpr::new(p.clone()).escape('!');
        let name = Func::lower(Expr::cust("given_name || ' ' || family_name"));
        let mut cond = Expr::expr(name).like(like());
        if q.text_in_email {
            cond = cond
                .or(employee::Column::Email.like(like()))
                .or(Expr::expr(Func::lower(Expr::col(employee::Column::ExternalId))).like(like()));
        }
        find = find.filter(cond);
    }
    find
}

/// One page of employees in `order`, from its cursor on.
pub async fn list_employees_in(
    c: &impl Conn,
    q: &EmployeeQuery,
    order: ListOrder<EmployeeId>,
    limit: u64,
) -> StoreResult<Vec<Employee>> {
    let find = order.select(
        employees_matching(q),
        employee::Column::Id,
        employee::Column::UpdatedAt,
        limit,
    );
    to_employees(find.all(c.conn()).await?)
}

/// A page of `manager`'s reports down to `max_depth` levels, in id order, after the cursor.
pub async fn list_reports(
    c: &impl Conn,
    manager: EmployeeId,
    max_depth: u32,
    after: Option<EmployeeId>,
    limit: u64,
) -> StoreResult<Vec<Employee>> {
    let sql = "WITH RECURSIVE r(id, depth) AS ( \
          SELECT id, 1 FROM employees WHERE manager_id = ? \
          UNION ALL SELECT e.id, r.depth + 1 FROM employees e JOIN r ON e.manager_id = r.id \
          WHERE r.depth < ?) \
        SELECT employees.* FROM employees JOIN r ON r.id = employees.id \
        WHERE employees.id > ? ORDER BY employees.id LIMIT ?";
    let after = after.map_or_else(String::new, |a| a.to_string());
    let values = vec![
        manager.to_string().into(),
        i64::from(max_depth.min(MAX_DEPTH)).into(),
        after.into(),
        i64::try_from(limit).unwrap_or(i64::MAX).into(),
    ];
    let rows = employee::Entity::find()
        .from_raw_sql(statement(c.backend(), sql, values))
        .all(c.conn())
        .await?;
    to_employees(rows)
}

#[derive(FromQueryResult)]
struct IdRow {
    id: String,
}

/// Which of `candidates` report to `manager`, directly or transitively. One query.
pub async fn reports_among(
    c: &impl Conn,
    manager: EmployeeId,
    candidates: &[EmployeeId],
) -> StoreResult<HashSet<EmployeeId>> {
    let mut out = HashSet::new();
    for chunk in candidates.chunks(LOOKUP_CHUNK) {
        let marks = vec!["?"; chunk.len()].join(",");
        let sql = format!(
            "WITH RECURSIVE up(start, boss, depth) AS ( \
               SELECT id, manager_id, 1 FROM employees WHERE id IN ({marks}) AND manager_id IS NOT NULL \
               UNION ALL SELECT up.start, e.manager_id, up.depth + 1 FROM employees e \
               JOIN up ON e.id = up.boss WHERE e.manager_id IS NOT NULL AND up.depth < ?) \
             SELECT DISTINCT start AS id FROM up WHERE boss = ?"
        );
        let mut values: Vec<sea_orm::Value> =
            chunk.iter().map(|id| id.to_string().into()).collect();
        values.push(i64::from(MAX_DEPTH).into());
        values.push(manager.to_string().into());
        let rows = IdRow::find_by_statement(statement(c.backend(), &sql, values))
            .all(c.conn())
            .await?;
        for r in rows {
            out.insert(parse_id(&r.id)?);
        }
    }
    Ok(out)
}

#[derive(FromQueryResult)]
struct HeadcountRow {
    org_unit_id: String,
    job_level: i16,
    people: i64,
}

/// How many people sit in each (org unit, job level): one grouped query. The people are those the
/// learning-time summaries count (every employee row; no unit is `None`).
pub async fn headcount_by_unit_and_level(
    c: &impl Conn,
) -> StoreResult<Vec<(Option<OrgUnitId>, JobLevel, u64)>> {
    let sql = "SELECT COALESCE(org_unit_id, '') AS org_unit_id, job_level, COUNT(*) AS people \
               FROM employees GROUP BY COALESCE(org_unit_id, ''), job_level";
    headcount(c, sql, Vec::new()).await
}

/// [`headcount_by_unit_and_level`] of one person and everyone below them at any depth (the people
/// a manager sees one by one).
pub async fn team_headcount_by_unit_and_level(
    c: &impl Conn,
    person: EmployeeId,
) -> StoreResult<Vec<(Option<OrgUnitId>, JobLevel, u64)>> {
    let sql = "WITH RECURSIVE r(id, depth) AS ( \
          SELECT id, 0 FROM employees WHERE id = ? \
          UNION ALL SELECT e.id, r.depth + 1 FROM employees e JOIN r ON e.manager_id = r.id \
          WHERE r.depth < ?) \
        SELECT COALESCE(org_unit_id, '') AS org_unit_id, job_level, COUNT(*) AS people \
        FROM employees WHERE id IN (SELECT id FROM r) \
        GROUP BY COALESCE(org_unit_id, ''), job_level";
    let values = vec![person.to_string().into(), i64::from(MAX_DEPTH).into()];
    headcount(c, sql, values).await
}

async fn headcount(
    c: &impl Conn,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> StoreResult<Vec<(Option<OrgUnitId>, JobLevel, u64)>> {
    let rows = HeadcountRow::find_by_statement(statement(c.backend(), sql, values))
        .all(c.conn())
        .await?;
    rows.into_iter()
        .map(|r| {
            let unit = (!r.org_unit_id.is_empty())
                .then(|| parse_id(&r.org_unit_id))
                .transpose()?;
            let level = JobLevel::new(r.job_level.into()).map_err(StoreError::corrupt)?;
            Ok((unit, level, u64::try_from(r.people).unwrap_or(0)))
        })
        .collect()
}

pub async fn insert_employee(tx: &Tx, e: &Employee) -> StoreResult<()> {
    insert_employees(tx, std::slice::from_ref(e)).await
}

/// Insert many employees.
pub async fn insert_employees<'a>(
    tx: &Tx,
    employees: impl IntoIterator<Item = &'a Employee>,
) -> StoreResult<()> {
    let rows: Vec<employee::Model> = employees.into_iter().map(to_employee_model).collect();
    insert_all::<employee::Entity>(tx, &rows, &[]).await
}

/// Write `e` (whose `version` is already the new one) if the stored row still has `e.version - 1`.
pub async fn update_employee(tx: &Tx, e: &Employee) -> StoreResult<()> {
    let result = employee::Entity::update_many()
        .set(to_employee_row(e))
        .filter(employee::Column::Id.eq(e.id.to_string()))
        .filter(employee::Column::Version.eq(e.version - 1))
        .exec(tx.conn())
        .await
        .map_err(StoreError::from_write)?;
    if result.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    Ok(())
}

#[derive(FromQueryResult)]
struct StoredKeyRow {
    id: String,
    external_id: Option<String>,
    manager_id: Option<String>,
    version: i64,
    created_at: chrono::DateTime<chrono::Utc>,
    content_hash: String,
}

/// What a sync needs of the stored people with these HRIS keys (identity, manager, version and
/// data fingerprint), by HRIS key. One statement.
pub async fn stored_keys_by_external_ids(
    c: &impl Conn,
    external_ids: &[&str],
) -> StoreResult<HashMap<String, StoredPerson>> {
    if external_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let json = serde_json::to_string(external_ids).map_err(StoreError::corrupt)?;
    let sql = format!(
        "SELECT id, external_id, manager_id, version, created_at, content_hash FROM employees \
         WHERE external_id IN ({})",
        json_keys(c.backend())
    );
    let rows = StoredKeyRow::find_by_statement(statement(c.backend(), &sql, vec![json.into()]))
        .all(c.conn())
        .await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        let Some(ext) = r.external_id else { continue };
        out.insert(
            ext,
            StoredPerson {
                id: parse_id(&r.id)?,
                manager_id: r.manager_id.as_deref().map(parse_id).transpose()?,
                version: r.version,
                created_at: r.created_at,
                fingerprint: r.content_hash,
            },
        );
    }
    Ok(out)
}

/// Employees by HRIS key.
pub async fn employees_by_external_ids(
    c: &impl Conn,
    external_ids: &[&str],
) -> StoreResult<Vec<Employee>> {
    let mut out = Vec::with_capacity(external_ids.len());
    for chunk in external_ids.chunks(LOOKUP_CHUNK) {
        let rows = employee::Entity::find()
            .filter(employee::Column::ExternalId.is_in(chunk.iter().copied()))
            .all(c.conn())
            .await?;
        out.extend(to_employees(rows)?);
    }
    Ok(out)
}

#[derive(FromQueryResult)]
struct KeyRow {
    id: String,
    key: Option<String>,
}

/// Run `sql`, whose `{keys}` is replaced by the subquery of `keys`, for (key, id) pairs.
async fn keyed_ids(c: &impl Conn, sql: &str, keys: &[&str]) -> StoreResult<Vec<(String, String)>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let json = serde_json::to_string(keys).map_err(StoreError::corrupt)?;
    let sql = sql.replace("{keys}", json_keys(c.backend()));
    let stmt = statement(c.backend(), &sql, vec![json.into()]);
    Ok(KeyRow::find_by_statement(stmt)
        .all(c.conn())
        .await?
        .into_iter()
        .filter_map(|r| Some((r.key?, r.id)))
        .collect())
}

/// email -> employee id, for the emails given.
pub async fn employee_ids_by_emails(
    c: &impl Conn,
    emails: &[&str],
) -> StoreResult<HashMap<String, EmployeeId>> {
    let sql = "SELECT id, email AS key FROM employees WHERE email IN ({keys})";
    keyed_ids(c, sql, emails)
        .await?
        .into_iter()
        .map(|(k, id)| Ok((k, parse_id(&id)?)))
        .collect()
}

/// `mbox_sha1sum` -> employee id, for the hashes given (lower-case hex).
pub async fn employee_ids_by_email_sha1(
    c: &impl Conn,
    hashes: &[&str],
) -> StoreResult<HashMap<String, EmployeeId>> {
    let sql = "SELECT id, email_sha1 AS key FROM employees WHERE email_sha1 IN ({keys})";
    keyed_ids(c, sql, hashes)
        .await?
        .into_iter()
        .map(|(k, id)| Ok((k, parse_id(&id)?)))
        .collect()
}

/// external id -> org unit id, for the keys given.
pub async fn org_unit_ids_by_external_ids(
    c: &impl Conn,
    keys: &[&str],
) -> StoreResult<HashMap<String, OrgUnitId>> {
    let sql = "SELECT id, external_id AS key FROM org_units WHERE external_id IN ({keys})";
    keyed_ids(c, sql, keys)
        .await?
        .into_iter()
        .map(|(k, id)| Ok((k, parse_id(&id)?)))
        .collect()
}

/// Every manager link (employee, manager) in the organisation.
pub async fn manager_links(c: &impl Conn) -> StoreResult<Vec<(EmployeeId, EmployeeId)>> {
    let sql = "SELECT id, manager_id AS key FROM employees WHERE manager_id IS NOT NULL";
    let rows = KeyRow::find_by_statement(statement(c.backend(), sql, vec![]))
        .all(c.conn())
        .await?;
    rows.into_iter()
        .filter_map(|r| r.key.map(|k| (r.id, k)))
        .map(|(id, m)| Ok((parse_id(&id)?, parse_id(&m)?)))
        .collect()
}

/// (id, status) of the employees in these org units (any unit when `None`) with a job level in
/// the range (any level when `None`), in id order.
pub async fn employee_statuses(
    c: &impl Conn,
    units: Option<&[OrgUnitId]>,
    levels: Option<(JobLevel, JobLevel)>,
) -> StoreResult<Vec<(EmployeeId, EmployeeStatus)>> {
    let mut find = employee::Entity::find()
        .select_only()
        .columns([employee::Column::Id, employee::Column::Status]);
    if let Some(units) = units {
        find =
            find.filter(employee::Column::OrgUnitId.is_in(units.iter().map(ToString::to_string)));
    }
    if let Some((min, max)) = levels {
        find = find
            .filter(employee::Column::JobLevel.gte(i16::from(min.get())))
            .filter(employee::Column::JobLevel.lte(i16::from(max.get())));
    }
    let rows: Vec<(String, String)> = find
        .order_by_asc(employee::Column::Id)
        .into_tuple()
        .all(c.conn())
        .await?;
    rows.into_iter()
        .map(|(id, s)| {
            Ok((
                parse_id(&id)?,
                EmployeeStatus::parse(&s).map_err(StoreError::corrupt)?,
            ))
        })
        .collect()
}

/// After a bulk load of `inserted` employees, refresh PostgreSQL's planner statistics when the
/// table grew by half or more: cached plans made while it was small would otherwise scan it.
/// Growth-triggered, so a load in many batches analyzes only a few times. (SQLite's planner
/// needs no statistics for these lookups.)
pub async fn refresh_statistics_after_load(c: &impl Conn, inserted: usize) -> StoreResult<()> {
    if c.backend() != crate::Backend::Postgres {
        return Ok(());
    }
    let total = employee::Entity::find().count(c.conn()).await?;
    if (inserted as u64).saturating_mul(2) >= total {
        c.conn().execute_unprepared("ANALYZE employees").await?;
    }
    Ok(())
}

/// (id, external id) of everyone not terminated who came from the HRIS.
pub async fn current_hris_employees(c: &impl Conn) -> StoreResult<Vec<(EmployeeId, String)>> {
    let sql = "SELECT id, external_id AS key FROM employees \
               WHERE status <> 'terminated' AND external_id IS NOT NULL";
    let rows = KeyRow::find_by_statement(statement(c.backend(), sql, vec![]))
        .all(c.conn())
        .await?;
    rows.into_iter()
        .filter_map(|r| r.key.map(|k| (r.id, k)))
        .map(|(id, k)| Ok((parse_id(&id)?, k)))
        .collect()
}

// ---- org units ----

fn to_org_unit(m: org_unit::Model) -> StoreResult<OrgUnit> {
    let c = StoreError::corrupt;
    Ok(OrgUnit {
        id: parse_id(&m.id)?,
        external_id: m
            .external_id
            .map(|s| ExternalId::parse(&s))
            .transpose()
            .map_err(c)?,
        name: Label::parse(&m.name).map_err(c)?,
        kind: Label::parse(&m.kind).map_err(c)?,
        parent_id: m.parent_id.as_deref().map(parse_id).transpose()?,
        manager_id: m.manager_id.as_deref().map(parse_id).transpose()?,
        version: m.version,
    })
}

fn to_org_unit_row(u: &OrgUnit, now: chrono::DateTime<chrono::Utc>) -> org_unit::ActiveModel {
    org_unit::ActiveModel {
        id: Set(u.id.to_string()),
        external_id: Set(u.external_id.as_ref().map(|x| x.as_str().to_owned())),
        name: Set(u.name.as_str().to_owned()),
        kind: Set(u.kind.as_str().to_owned()),
        parent_id: Set(u.parent_id.map(|x| x.to_string())),
        manager_id: Set(u.manager_id.map(|x| x.to_string())),
        version: Set(u.version),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

pub async fn get_org_unit(c: &impl Conn, id: OrgUnitId) -> StoreResult<Option<OrgUnit>> {
    org_unit::Entity::find_by_id(id.to_string())
        .one(c.conn())
        .await?
        .map(to_org_unit)
        .transpose()
}

pub async fn get_org_units(c: &impl Conn, ids: &[OrgUnitId]) -> StoreResult<Vec<OrgUnit>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        let rows = org_unit::Entity::find()
            .filter(org_unit::Column::Id.is_in(chunk.iter().map(ToString::to_string)))
            .all(c.conn())
            .await?;
        for r in rows {
            out.push(to_org_unit(r)?);
        }
    }
    Ok(out)
}

/// The whole tree, in id order (org trees are small: hundreds to a few thousand units).
pub async fn list_org_units(c: &impl Conn) -> StoreResult<Vec<OrgUnit>> {
    org_unit::Entity::find()
        .order_by_asc(org_unit::Column::Id)
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_org_unit)
        .collect()
}

/// One page of units in `order` (with the time each last changed), those with this HRIS id
/// only when given.
pub async fn list_org_units_in(
    c: &impl Conn,
    external_id: Option<&str>,
    order: ListOrder<OrgUnitId>,
    limit: u64,
) -> StoreResult<Vec<(OrgUnit, chrono::DateTime<chrono::Utc>)>> {
    let mut find = org_unit::Entity::find();
    if let Some(x) = external_id {
        find = find.filter(org_unit::Column::ExternalId.eq(x.trim()));
    }
    order
        .select(
            find,
            org_unit::Column::Id,
            org_unit::Column::UpdatedAt,
            limit,
        )
        .all(c.conn())
        .await?
        .into_iter()
        .map(|m| {
            let at = m.updated_at;
            Ok((to_org_unit(m)?, at))
        })
        .collect()
}

pub async fn insert_org_unit(
    tx: &Tx,
    u: &OrgUnit,
    now: chrono::DateTime<chrono::Utc>,
) -> StoreResult<()> {
    org_unit::Entity::insert(to_org_unit_row(u, now))
        .exec_without_returning(tx.conn())
        .await
        .map_err(StoreError::from_write)?;
    Ok(())
}

/// Write `u` (with its new version) if the stored row still has `u.version - 1`.
pub async fn update_org_unit(
    tx: &Tx,
    u: &OrgUnit,
    now: chrono::DateTime<chrono::Utc>,
) -> StoreResult<()> {
    let mut row = to_org_unit_row(u, now);
    row.created_at = sea_orm::ActiveValue::NotSet;
    let result = org_unit::Entity::update_many()
        .set(row)
        .filter(org_unit::Column::Id.eq(u.id.to_string()))
        .filter(org_unit::Column::Version.eq(u.version - 1))
        .exec(tx.conn())
        .await
        .map_err(StoreError::from_write)?;
    if result.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    Ok(())
}

/// Whether any unit or employee still points at this unit.
pub async fn org_unit_in_use(c: &impl Conn, id: OrgUnitId) -> StoreResult<bool> {
    let id = id.to_string();
    let child = org_unit::Entity::find()
        .filter(org_unit::Column::ParentId.eq(id.clone()))
        .one(c.conn())
        .await?;
    if child.is_some() {
        return Ok(true);
    }
    let member = employee::Entity::find()
        .filter(employee::Column::OrgUnitId.eq(id))
        .one(c.conn())
        .await?;
    Ok(member.is_some())
}

pub async fn delete_org_unit(tx: &Tx, id: OrgUnitId) -> StoreResult<()> {
    let r = org_unit::Entity::delete_by_id(id.to_string())
        .exec(tx.conn())
        .await?;
    if r.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

// ---- HRIS sync runs ----

fn to_sync_run(m: sync_run::Model) -> StoreResult<SyncRun> {
    let count = |v: i32| u32::try_from(v).map_err(StoreError::corrupt);
    Ok(SyncRun {
        id: parse_id(&m.id)?,
        actor: m.actor,
        request_id: m.request_id,
        started_at: m.started_at,
        finished_at: m.finished_at,
        deactivate_missing: m.deactivate_missing,
        counts: SyncCounts {
            total: count(m.total)?,
            created: count(m.created)?,
            updated: count(m.updated)?,
            unchanged: count(m.unchanged)?,
            failed: count(m.failed)?,
            deactivated: count(m.deactivated)?,
        },
        errors: serde_json::from_str::<Vec<RecordError>>(&m.errors).map_err(StoreError::corrupt)?,
    })
}

pub async fn insert_sync_run(tx: &Tx, run: &SyncRun) -> StoreResult<()> {
    let n = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    let errors = serde_json::to_string(&run.errors).map_err(StoreError::corrupt)?;
    let row = sync_run::ActiveModel {
        id: Set(run.id.to_string()),
        actor: Set(run.actor.clone()),
        request_id: Set(run.request_id.clone()),
        started_at: Set(run.started_at),
        finished_at: Set(run.finished_at),
        deactivate_missing: Set(run.deactivate_missing),
        total: Set(n(run.counts.total)),
        created: Set(n(run.counts.created)),
        updated: Set(n(run.counts.updated)),
        unchanged: Set(n(run.counts.unchanged)),
        failed: Set(n(run.counts.failed)),
        deactivated: Set(n(run.counts.deactivated)),
        errors: Set(errors),
    };
    sync_run::Entity::insert(row)
        .on_conflict(
            OnConflict::column(sync_run::Column::Id)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(tx.conn())
        .await?;
    Ok(())
}

pub async fn get_sync_run(c: &impl Conn, id: SyncRunId) -> StoreResult<Option<SyncRun>> {
    sync_run::Entity::find_by_id(id.to_string())
        .one(c.conn())
        .await?
        .map(to_sync_run)
        .transpose()
}

/// Newest first, before the cursor id.
pub async fn list_sync_runs(
    c: &impl Conn,
    before: Option<SyncRunId>,
    limit: u64,
) -> StoreResult<Vec<SyncRun>> {
    let mut find = sync_run::Entity::find();
    if let Some(b) = before {
        find = find.filter(sync_run::Column::Id.lt(b.to_string()));
    }
    find.order_by_desc(sync_run::Column::Id)
        .limit(limit)
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_sync_run)
        .collect()
}

/// A key no other advisory lock uses: HRIS syncs take turns on it.
const SYNC_LOCK: i64 = 0x4c57_5359_4e43; // "LWSYNC"

/// Wait for this transaction's turn among HRIS syncs, across every instance on the database
/// (PostgreSQL: a transaction-scoped advisory lock; SQLite's one writer already takes turns).
pub async fn take_sync_turn(tx: &Tx) -> StoreResult<()> {
    if tx.backend() == crate::Backend::Postgres {
        tx.conn()
            .execute(statement(
                tx.backend(),
                "SELECT pg_advisory_xact_lock(?)",
                vec![SYNC_LOCK.into()],
            ))
            .await?;
    }
    Ok(())
}
