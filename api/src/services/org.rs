//! The org context: employees, org units and (in `hris`) the HRIS bulk sync.

pub mod hris;

use super::{audit, check_fields, decode_cursor, ensure, nullable, page_size, paginate, Ctx, Page};
use crate::error::{ApiError, ApiResult};
use crate::services::Services;
use learnwell_domain::access::{self, EmployeeView, Principal};
use learnwell_domain::ids::{EmployeeId, OrgUnitId};
use learnwell_domain::org::{
    descendants, non_blank, optional, optional_id, Employee, EmployeeFields, EmployeeStatus,
    ExternalId, JobLevel, Label, OrgUnit,
};
use learnwell_domain::FieldError;
use learnwell_domain::Rule;
use learnwell_persistence::org::{self as store, EmployeeQuery};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// An employee as sent by HR or an HRIS: for create, for each HRIS sync record, and (merged with
/// the stored record) for PATCH. Units and managers by Learnwell id or by HRIS external id.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployeeInput {
    /// The HRIS key (required for HRIS sync, where it is the upsert key).
    pub external_id: Option<String>,
    pub employee_number: Option<String>,
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub job_title: Option<String>,
    /// 1 (junior) .. 8 (executive).
    pub job_level: Option<i64>,
    pub org_unit_id: Option<String>,
    pub org_unit_external_id: Option<String>,
    pub manager_id: Option<String>,
    pub manager_external_id: Option<String>,
    /// full_time, part_time, contractor, intern, temporary (default full_time).
    pub employment_type: Option<String>,
    /// pending, active, leave, terminated (default active).
    pub status: Option<String>,
    /// YYYY-MM-DD
    pub hire_date: Option<String>,
    pub leave_start_date: Option<String>,
    pub leave_end_date: Option<String>,
    pub termination_date: Option<String>,
    /// Default 40.
    pub contracted_hours_per_week: Option<f64>,
    pub location: Option<String>,
}

impl From<EmployeeInput> for EmployeeFields {
    fn from(i: EmployeeInput) -> Self {
        Self {
            external_id: i.external_id,
            employee_number: i.employee_number,
            email: i.email,
            given_name: i.given_name,
            family_name: i.family_name,
            job_title: i.job_title,
            job_level: i.job_level,
            org_unit_id: i.org_unit_id,
            org_unit_external_id: i.org_unit_external_id,
            manager_id: i.manager_id,
            manager_external_id: i.manager_external_id,
            employment_type: i.employment_type,
            status: i.status,
            hire_date: i.hire_date,
            leave_start_date: i.leave_start_date,
            leave_end_date: i.leave_end_date,
            termination_date: i.termination_date,
            contracted_hours_per_week: i.contracted_hours_per_week,
            location: i.location,
        }
    }
}

/// A partial update: absent fields stay; `null` clears an optional field.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployeePatch {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub employee_number: Option<Option<String>>,
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub job_title: Option<Option<String>>,
    pub job_level: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub org_unit_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub manager_id: Option<Option<String>>,
    pub employment_type: Option<String>,
    pub status: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub hire_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub leave_start_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub leave_end_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub termination_date: Option<Option<String>>,
    pub contracted_hours_per_week: Option<f64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
}

impl EmployeePatch {
    fn apply(self, base: &mut EmployeeFields) {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { base.$f = v; } )* };
        }
        macro_rules! set_some {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { base.$f = Some(v); } )* };
        }
        set!(
            external_id,
            employee_number,
            job_title,
            org_unit_id,
            manager_id,
            hire_date,
            leave_start_date,
            leave_end_date,
            termination_date,
            location
        );
        set_some!(
            email,
            given_name,
            family_name,
            job_level,
            employment_type,
            status,
            contracted_hours_per_week
        );
    }
}

/// An employee together with how much of it the caller may see.
#[derive(Debug, Clone)]
pub struct Visible {
    pub employee: Employee,
    pub view: EmployeeView,
}

/// Filters of the employee list.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EmployeeFilter {
    /// Only this org unit and every unit below it.
    #[param(value_type = Option<String>)]
    pub org_unit_id: Option<OrgUnitId>,
    #[param(value_type = Option<String>)]
    pub manager_id: Option<EmployeeId>,
    /// pending, active, leave or terminated.
    pub status: Option<String>,
    pub job_level: Option<i64>,
    /// Case-insensitive text in the name or email.
    pub q: Option<String>,
    /// Page size, 1-200 (default 50).
    pub first: Option<u64>,
    /// Cursor from `next_cursor` of the previous page.
    pub after: Option<String>,
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
pub async fn me(ctx: &Ctx) -> ApiResult<Visible> {
    let id = ctx
        .principal
        .employee_id
        .ok_or(ApiError::NotFound("employee record of this caller"))?;
    get_employee(ctx, id).await
}

pub async fn list_employees(ctx: &Ctx, f: EmployeeFilter) -> ApiResult<Page<Visible>> {
    ensure(access::can_browse_directory(&ctx.principal))?;
    let limit = page_size(f.first)?;
    let after = decode_cursor::<EmployeeId>(f.after.as_deref())?;
    let mut errors = Vec::new();
    let status = optional("status", &f.status, EmployeeStatus::parse, &mut errors);
    let job_level = f
        .job_level
        .and_then(|l| JobLevel::new(l).map_err(|e| errors.push(e)).ok());
    if let Some(e) = errors.pop() {
        return Err(ApiError::InvalidQuery(e));
    }
    let org_unit_ids = match f.org_unit_id {
        Some(root) => Some(descendants(root, ctx.directory.unit_parents().await?)),
        None => None,
    };
    let query = EmployeeQuery {
        org_unit_ids,
        manager_id: f.manager_id,
        status,
        job_level,
        text: f.q,
    };
    let rows = store::list_employees(&ctx.db, &query, after, limit + 1).await?;
    let page = paginate(rows, limit, |e| e.id.to_string());
    Ok(Page {
        items: visible(ctx, &ctx.principal, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// `id`'s reports, direct (`depth` 1) or down to `depth` levels (`None` = all).
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
    let rows = store::list_reports(
        &ctx.db,
        id,
        depth.unwrap_or(store::MAX_DEPTH),
        after,
        limit + 1,
    )
    .await?;
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
        unit = store::org_unit_ids_by_external_ids(&svc.db, &[key])
            .await?
            .get(key)
            .copied();
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
        manager = store::employees_by_external_ids(&svc.db, &[key])
            .await?
            .first()
            .map(|e| e.id);
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

pub async fn create_employee(ctx: &Ctx, input: EmployeeInput) -> ApiResult<Employee> {
    ensure(access::can_write_people(&ctx.principal))?;
    let input = EmployeeFields::from(input);
    let (unit, manager) = resolve_refs(ctx, &input).await?;
    let data = input.parse(unit, manager).map_err(ApiError::Validation)?;
    let employee = Employee::new(EmployeeId::from_uuid(uuid::Uuid::now_v7()), data, ctx.now);
    let tx = ctx.db.begin().await?;
    store::insert_employee(&tx, &employee).await?;
    learnwell_persistence::audit::append(
        &tx,
        &[audit::event(
            ctx,
            "employee.create",
            "employee",
            employee.id,
        )],
    )
    .await?;
    tx.commit().await?;
    ctx.directory.people_changed().await?;
    Ok(employee)
}

pub async fn update_employee(
    ctx: &Ctx,
    id: EmployeeId,
    if_match: Option<i64>,
    patch: EmployeePatch,
) -> ApiResult<Employee> {
    ensure(access::can_write_people(&ctx.principal))?;
    let expected = if_match.ok_or(ApiError::PreconditionRequired)?;
    let current = store::get_employee(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("employee"))?;
    if current.version != expected {
        return Err(ApiError::PreconditionFailed);
    }
    let mut input = EmployeeFields::from_data(&current.data);
    patch.apply(&mut input);
    let (unit, manager) = resolve_refs(ctx, &input).await?;
    let data = input.parse(unit, manager).map_err(ApiError::Validation)?;
    if data.manager_id != current.data.manager_id {
        check_no_cycle(ctx, id, data.manager_id).await?;
    }
    if data == current.data {
        return Ok(current);
    }
    let updated = current.revised(data, ctx.now);
    let tx = ctx.db.begin().await?;
    store::update_employee(&tx, &updated).await?;
    learnwell_persistence::audit::append(
        &tx,
        &[audit::event(ctx, "employee.update", "employee", id)],
    )
    .await?;
    tx.commit().await?;
    ctx.directory.people_changed().await?;
    Ok(updated)
}

// ---- org units ----

/// A new org unit, or (for PATCH) the fields to change.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgUnitInput {
    pub name: Option<String>,
    /// e.g. division, department, team (default "unit").
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub manager_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
}

async fn build_unit(svc: &Services, base: OrgUnit, input: OrgUnitInput) -> ApiResult<OrgUnit> {
    let mut e = Vec::new();
    let mut unit = base;
    if let Some(n) = &input.name {
        if let Ok(n) = Label::parse(n).map_err(|x| e.push(FieldError::new("name", x.message))) {
            unit.name = n;
        }
    }
    if let Some(k) = &input.kind {
        if let Ok(k) = Label::parse(k).map_err(|x| e.push(FieldError::new("kind", x.message))) {
            unit.kind = k;
        }
    }
    if let Some(x) = &input.external_id {
        unit.external_id = optional("external_id", x, ExternalId::parse, &mut e);
    }
    if let Some(p) = &input.parent_id {
        unit.parent_id = optional_id("parent_id", p, &mut e);
    }
    if let Some(m) = &input.manager_id {
        unit.manager_id = optional_id("manager_id", m, &mut e);
    }
    check_fields(std::mem::take(&mut e))?;
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
    check_fields(e)?;
    Ok(unit)
}

pub async fn get_org_unit(ctx: &Ctx, id: OrgUnitId) -> ApiResult<OrgUnit> {
    ensure(access::can_browse_directory(&ctx.principal))?;
    store::get_org_unit(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("org unit"))
}

pub async fn list_org_units(ctx: &Ctx) -> ApiResult<Vec<OrgUnit>> {
    ensure(access::can_browse_directory(&ctx.principal))?;
    Ok(store::list_org_units(&ctx.db).await?)
}

pub async fn create_org_unit(ctx: &Ctx, input: OrgUnitInput) -> ApiResult<OrgUnit> {
    ensure(access::can_write_org_units(&ctx.principal))?;
    let name = input
        .name
        .as_deref()
        .ok_or_else(|| ApiError::validation(FieldError::new("name", "is required")))?;
    let base = OrgUnit {
        id: OrgUnitId::from_uuid(uuid::Uuid::now_v7()),
        external_id: None,
        name: Label::parse(name).map_err(|x| FieldError::new("name", x.message))?,
        kind: Label::parse("unit").map_err(|x| ApiError::Internal(x.to_string()))?,
        parent_id: None,
        manager_id: None,
        version: 1,
    };
    let unit = build_unit(ctx, base, input).await?;
    let tx = ctx.db.begin().await?;
    store::insert_org_unit(&tx, &unit, ctx.now).await?;
    learnwell_persistence::audit::append(
        &tx,
        &[audit::event(ctx, "org_unit.create", "org_unit", unit.id)],
    )
    .await?;
    tx.commit().await?;
    ctx.directory.units_changed().await?;
    Ok(unit)
}

pub async fn update_org_unit(
    ctx: &Ctx,
    id: OrgUnitId,
    if_match: Option<i64>,
    input: OrgUnitInput,
) -> ApiResult<OrgUnit> {
    ensure(access::can_write_org_units(&ctx.principal))?;
    let expected = if_match.ok_or(ApiError::PreconditionRequired)?;
    let current = store::get_org_unit(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("org unit"))?;
    if current.version != expected {
        return Err(ApiError::PreconditionFailed);
    }
    let mut unit = build_unit(ctx, current.clone(), input).await?;
    if unit == current {
        return Ok(current);
    }
    unit.version += 1;
    let tx = ctx.db.begin().await?;
    store::update_org_unit(&tx, &unit, ctx.now).await?;
    learnwell_persistence::audit::append(
        &tx,
        &[audit::event(ctx, "org_unit.update", "org_unit", id)],
    )
    .await?;
    tx.commit().await?;
    ctx.directory.units_changed().await?;
    Ok(unit)
}

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
    let tx = ctx.db.begin().await?;
    store::delete_org_unit(&tx, id).await?;
    learnwell_persistence::audit::append(
        &tx,
        &[audit::event(ctx, "org_unit.delete", "org_unit", id)],
    )
    .await?;
    tx.commit().await?;
    ctx.directory.units_changed().await?;
    Ok(())
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
    Ok(
        store::list_employees(&svc.db, &EmployeeQuery::default(), None, 1)
            .await?
            .is_empty(),
    )
}

/// The demo organisation's HR director (external id E-0002), if present.
pub async fn demo_admin(svc: &Services) -> ApiResult<Option<EmployeeId>> {
    Ok(store::employees_by_external_ids(&svc.db, &["E-0002"])
        .await?
        .first()
        .map(|e| e.id))
}
