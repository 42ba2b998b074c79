//! Employees: read (as much as the caller may see), list, create and change one record.

use crate::error::{ApiError, ApiResult};
use crate::services::{
    audit, check_fields, decode_cursor, ensure, list_order, page_in_order, page_size, paginate,
};
use crate::services::{Ctx, Page, Services};
use chrono::{DateTime, Utc};
use learnwell_domain::access::{self, EmployeeView, Principal};
use learnwell_domain::ids::{EmployeeId, OrgUnitId};
use learnwell_domain::org::{
    descendants, non_blank, optional, optional_id, Employee, EmployeeChanges, EmployeeFields,
    EmployeeStatus, JobLevel,
};
use learnwell_domain::{FieldError, Rule};
use learnwell_persistence::org::{self as store, EmployeeQuery};
use std::collections::HashMap;

/// An employee together with how much of it the caller may see.
#[derive(Debug, Clone)]
pub struct Visible {
    pub employee: Employee,
    pub view: EmployeeView,
}

/// Which employees to list: all filters optional, combined with AND; a page of `first` after
/// the cursor `after`.
#[derive(Debug, Clone, Default)]
pub struct EmployeeList {
    /// This org unit and every unit below it.
    pub org_unit_id: Option<OrgUnitId>,
    pub manager_id: Option<EmployeeId>,
    pub status: Option<EmployeeStatus>,
    pub job_level: Option<JobLevel>,
    /// Case-insensitive text in the name (and the email and HRIS id for callers who read
    /// everyone's full record).
    pub text: Option<String>,
    /// Exactly this HRIS id.
    pub external_id: Option<String>,
    /// The change feed: people changed at or after this instant, in the order of their changes.
    pub updated_since: Option<DateTime<Utc>>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

impl EmployeeList {
    /// A query with `status` and `job_level` given as codes (a bad one is `invalid_query`).
    pub fn with_codes(status: Option<&str>, job_level: Option<i64>) -> ApiResult<Self> {
        let mut errors = Vec::new();
        let status = status.map(str::to_owned);
        let status = optional("status", &status, EmployeeStatus::parse, &mut errors);
        let job_level = job_level.and_then(|l| JobLevel::new(l).map_err(|e| errors.push(e)).ok());
        if let Some(e) = errors.pop() {
            return Err(ApiError::InvalidQuery(e));
        }
        Ok(Self {
            status,
            job_level,
            ..Self::default()
        })
    }
}

async fn visible(
    svc: &Services,
    p: &Principal,
    employees: Vec<Employee>,
) -> ApiResult<Vec<Visible>> {
    let v = svc.directory.views(p, &employees).await?;
    Ok(employees
        .into_iter()
        .zip(v)
        .map(|(employee, view)| Visible { employee, view })
        .collect())
}

#[tracing::instrument(skip_all, fields(employee_id = %id))]
pub async fn get_employee(ctx: &Ctx, id: EmployeeId) -> ApiResult<Visible> {
    let p = &ctx.principal;
    ensure(access::can_browse_directory(p))?;
    let (employee, relation) = ctx.directory.relation(p, id).await?;
    Ok(Visible {
        employee,
        view: access::employee_view(p, relation),
    })
}

/// The caller's own record.
#[tracing::instrument(skip_all)]
pub async fn me(ctx: &Ctx) -> ApiResult<Visible> {
    let id = ctx
        .principal
        .employee_id
        .ok_or(ApiError::NotFound("employee record of this caller"))?;
    get_employee(ctx, id).await
}

#[tracing::instrument(skip_all, fields(org_unit_id = ?q.org_unit_id, first = ?q.first))]
pub async fn list_employees(ctx: &Ctx, q: EmployeeList) -> ApiResult<Page<Visible>> {
    let p = &ctx.principal;
    let query = employee_query(ctx, &q).await?;
    let limit = page_size(q.first)?;
    let order = list_order(q.updated_since, q.after.as_deref())?;
    let rows = store::list_employees_in(&ctx.db, &query, order, limit + 1).await?;
    let page = page_in_order(&order, rows, limit, |e| (e.updated_at, e.id));
    Ok(Page {
        items: visible(ctx, p, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// How many employees the list `q` holds, over all its pages (a change feed has no total).
pub async fn count_employees(ctx: &Ctx, q: &EmployeeList) -> ApiResult<u64> {
    if q.updated_since.is_some() {
        return Err(ApiError::InvalidQuery(FieldError::new(
            "updated_since",
            "a change feed has no total count",
        )));
    }
    let query = employee_query(ctx, q).await?;
    Ok(store::count_employees(&ctx.db, &query).await?)
}

/// What a list of employees asks for, once the caller may ask it.
async fn employee_query(ctx: &Ctx, q: &EmployeeList) -> ApiResult<EmployeeQuery> {
    let p = &ctx.principal;
    ensure(access::can_browse_directory(p))?;
    let details = access::can_filter_on_details(p);
    for (name, given) in [
        ("status", q.status.is_some()),
        ("job_level", q.job_level.is_some()),
        ("external_id", q.external_id.is_some()),
        ("updated_since", q.updated_since.is_some()),
    ] {
        if given && !details {
            return Err(ApiError::InvalidQuery(FieldError::new(
                name,
                "filters only on fields the caller may read for everyone: name, org unit, manager",
            )));
        }
    }
    let org_unit_ids = match q.org_unit_id {
        Some(root) => Some(descendants(root, ctx.directory.unit_parents().await?)),
        None => None,
    };
    Ok(EmployeeQuery {
        org_unit_ids,
        manager_id: q.manager_id,
        status: q.status,
        job_level: q.job_level,
        text: q.text.clone(),
        text_in_email: details,
        external_id: q.external_id.clone(),
    })
}

/// `id`'s reports, direct (`depth` 1) or down to `depth` levels (`None` = all).
#[tracing::instrument(skip_all, fields(employee_id = %id, depth = ?depth))]
pub async fn list_reports(
    ctx: &Ctx,
    id: EmployeeId,
    depth: Option<u32>,
    first: Option<u64>,
    after: Option<&str>,
) -> ApiResult<Page<Visible>> {
    // Seeing the manager at all is required; each report is then shown as the caller may see it.
    get_employee(ctx, id).await?;
    let limit = page_size(first)?;
    let after = decode_cursor::<EmployeeId>(after)?;
    let depth = depth.unwrap_or(store::MAX_DEPTH);
    let rows = store::list_reports(&ctx.db, id, depth, after, limit + 1).await?;
    let page = paginate(rows, limit, |e| e.id.to_string());
    Ok(Page {
        items: visible(ctx, &ctx.principal, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// Resolve unit and manager references (by id or external id) of a single-record write.
async fn resolve_refs(
    svc: &Services,
    input: &EmployeeFields,
) -> ApiResult<(Option<OrgUnitId>, Option<EmployeeId>)> {
    let mut errors = Vec::new();
    let mut unit = optional_id::<OrgUnitId>("org_unit_id", &input.org_unit_id, &mut errors);
    let mut manager = optional_id::<EmployeeId>("manager_id", &input.manager_id, &mut errors);
    check_fields(std::mem::take(&mut errors))?;
    if let Some(u) = unit {
        if store::get_org_unit(&svc.db, u).await?.is_none() {
            errors.push(FieldError::new("org_unit_id", "no such org unit"));
        }
    } else if let Some(key) = non_blank(&input.org_unit_external_id) {
        let found = store::org_unit_ids_by_external_ids(&svc.db, &[key]).await?;
        unit = found.get(key).copied();
        if unit.is_none() {
            errors.push(FieldError::new(
                "org_unit_external_id",
                "no org unit has this external id",
            ));
        }
    }
    if let Some(m) = manager {
        if store::get_employee(&svc.db, m).await?.is_none() {
            errors.push(FieldError::new("manager_id", "no such employee"));
        }
    } else if let Some(key) = non_blank(&input.manager_external_id) {
        let found = store::employees_by_external_ids(&svc.db, &[key]).await?;
        manager = found.first().map(|e| e.id);
        if manager.is_none() {
            errors.push(FieldError::new(
                "manager_external_id",
                "no employee has this external id",
            ));
        }
    }
    check_fields(errors)?;
    Ok((unit, manager))
}

/// Refuse a manager link that would close a cycle (`manager` is `id` or one of `id`'s reports).
async fn check_no_cycle(
    svc: &Services,
    id: EmployeeId,
    manager: Option<EmployeeId>,
) -> ApiResult<()> {
    if let Some(m) = manager {
        if m == id || !svc.directory.reports_among(id, &[m]).await?.is_empty() {
            return Err(Rule::ManagerCycle.into());
        }
    }
    Ok(())
}

/// Write one employee (new, or over `previous`) with its audit record, and tell the directory.
async fn save(ctx: &Ctx, employee: &Employee, new: bool) -> ApiResult<()> {
    let tx = ctx.db.begin().await?;
    let action = if new {
        store::insert_employee(&tx, employee).await?;
        "employee.create"
    } else {
        store::update_employee(&tx, employee).await?;
        "employee.update"
    };
    crate::services::pipeline::graduates_terminated(ctx, &tx, [employee]).await?;
    let event = audit::event(ctx, action, "employee", employee.id);
    learnwell_persistence::audit::append(&tx, &[event]).await?;
    tx.commit().await?;
    ctx.directory.people_changed().await
}

#[tracing::instrument(skip_all, fields(employee_id = tracing::field::Empty))]
pub async fn create_employee(ctx: &Ctx, fields: EmployeeFields) -> ApiResult<Employee> {
    ensure(access::can_write_people(&ctx.principal))?;
    let (unit, manager) = resolve_refs(ctx, &fields).await?;
    let data = fields.parse(unit, manager).map_err(ApiError::Validation)?;
    let employee = Employee::new(EmployeeId::from_uuid(uuid::Uuid::now_v7()), data, ctx.now);
    save(ctx, &employee, true).await?;
    tracing::Span::current().record("employee_id", tracing::field::display(employee.id));
    Ok(employee)
}

/// Change one employee: `changes` over the stored record, written only over version `if_match`.
#[tracing::instrument(skip_all, fields(employee_id = %id))]
pub async fn update_employee(
    ctx: &Ctx,
    id: EmployeeId,
    if_match: Option<i64>,
    changes: EmployeeChanges,
) -> ApiResult<Employee> {
    ensure(access::can_write_people(&ctx.principal))?;
    let expected = if_match.ok_or(ApiError::PreconditionRequired)?;
    let current = store::get_employee(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("employee"))?;
    if current.version != expected {
        return Err(ApiError::PreconditionFailed);
    }
    let mut fields = EmployeeFields::from_data(&current.data);
    changes.apply(&mut fields);
    let (unit, manager) = resolve_refs(ctx, &fields).await?;
    let data = fields.parse(unit, manager).map_err(ApiError::Validation)?;
    if data.manager_id != current.data.manager_id {
        check_no_cycle(ctx, id, data.manager_id).await?;
    }
    if data == current.data {
        return Ok(current);
    }
    let updated = current.revised(data, ctx.now);
    save(ctx, &updated, false).await?;
    Ok(updated)
}

/// Employees by id, for the GraphQL loader (visibility is applied per field by the caller).
pub async fn employees_by_ids(
    svc: &Services,
    ids: &[EmployeeId],
) -> ApiResult<HashMap<EmployeeId, Employee>> {
    Ok(store::get_employees(&svc.db, ids)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect())
}

/// Whether the directory has nobody in it yet (the demo seeds only an empty database).
pub async fn is_empty(svc: &Services) -> ApiResult<bool> {
    let first = store::list_employees(&svc.db, &EmployeeQuery::default(), None, 1).await?;
    Ok(first.is_empty())
}

/// The person a development token names (`learnwell token --employee-id`): by Learnwell id or
/// by HRIS id. `None` when nobody is.
pub async fn find_person(svc: &Services, reference: &str) -> ApiResult<Option<EmployeeId>> {
    let reference = reference.trim();
    if let Ok(id) = reference.parse::<EmployeeId>() {
        return Ok(store::get_employee(&svc.db, id).await?.map(|e| e.id));
    }
    let found = store::employees_by_external_ids(&svc.db, &[reference]).await?;
    Ok(found.first().map(|e| e.id))
}

/// The demo organisation's HR director (external id E-0002), if present.
pub async fn demo_admin(svc: &Services) -> ApiResult<Option<EmployeeId>> {
    let found = store::employees_by_external_ids(&svc.db, &["E-0002"]).await?;
    Ok(found.first().map(|e| e.id))
}
