use super::catalog::change;
use super::learning::{self, EnrollmentNode};
use super::learning_time::{self, LearningTimeSummary, PeriodInput};
use super::types::{
    absent_is_none, connection, found, nullable, payload, wire_enum, Counted, Date, Enum,
    TotalCount,
};
use super::{parse_id, service_ctx};
use crate::error::{ApiError, Gql};
use crate::services::encode_cursor;
use crate::services::org::{self as svc, EmployeeList, Visible};
use crate::services::Ctx;
use async_graphql::connection::{Connection, Edge};
use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use learnwell_domain::access::EmployeeView;
use learnwell_domain::ids::{EmployeeId, OrgUnitId};
use learnwell_domain::org::{
    Employee, EmployeeChanges, EmployeeFields, EmployeeStatus, EmploymentType, OrgUnit,
    OrgUnitChanges,
};
use learnwell_domain::FieldError;
use std::collections::HashMap;

pub struct EmployeeLoader(pub Ctx);

impl Loader<EmployeeId> for EmployeeLoader {
    type Value = Employee;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[EmployeeId]) -> Result<HashMap<EmployeeId, Employee>> {
        svc::employees_by_ids(&self.0, keys).await.gql()
    }
}

pub struct OrgUnitLoader(pub Ctx);

impl Loader<OrgUnitId> for OrgUnitLoader {
    type Value = OrgUnit;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[OrgUnitId]) -> Result<HashMap<OrgUnitId, OrgUnit>> {
        svc::org_units_by_ids(&self.0, keys).await.gql()
    }
}

/// How much of each employee the caller may see (the directory service's answer), batched: one
/// query per batch for managers.
pub struct ViewLoader(pub Ctx);

impl Loader<EmployeeId> for ViewLoader {
    type Value = EmployeeView;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[EmployeeId]) -> Result<HashMap<EmployeeId, EmployeeView>> {
        let loaded = svc::employees_by_ids(&self.0, keys).await.gql()?;
        let employees: Vec<Employee> = loaded.into_values().collect();
        let views = self
            .0
            .directory
            .views(&self.0.principal, &employees)
            .await
            .gql()?;
        Ok(employees
            .iter()
            .zip(views)
            .map(|(e, v)| (e.id, v))
            .collect())
    }
}

/// An employee: directory fields for everyone with directory access; `details` only for those
/// who may see the whole record (themselves, their managers, admins).
pub struct EmployeeNode {
    employee: Employee,
    view: Option<EmployeeView>,
}

impl From<Visible> for EmployeeNode {
    fn from(v: Visible) -> Self {
        Self {
            employee: v.employee,
            view: Some(v.view),
        }
    }
}

wire_enum!(
    EmploymentType,
    "EmploymentType",
    "How a person is employed."
);
wire_enum!(
    EmployeeStatus,
    "EmployeeStatus",
    "Where a person stands: PENDING (hired, not started), ACTIVE, LEAVE or TERMINATED."
);

/// The whole record of an employee: for themselves, their managers and admins.
#[derive(SimpleObject)]
#[graphql(name = "EmployeeDetails")]
pub struct EmployeeDetailsNode {
    /// The HRIS id.
    external_id: Option<String>,
    /// The HRIS's employee number; null when it sent none.
    employee_number: Option<String>,
    /// The work email, unique among employees (xAPI actors are matched by it).
    email: String,
    /// 1 (entry) to 8 (executive).
    job_level: u8,
    /// How they are employed.
    employment_type: Enum<EmploymentType>,
    /// Where they are in their employment (the dates below say since when).
    status: Enum<EmployeeStatus>,
    /// The first day of employment; null when the HRIS sent none.
    hire_date: Option<Date>,
    /// The first day of the leave (required with status LEAVE); null when there is none.
    leave_start_date: Option<Date>,
    /// The last day of the leave; null while the leave is open-ended or when there is none.
    leave_end_date: Option<Date>,
    /// The last day of employment (required with status TERMINATED); null when none is known.
    termination_date: Option<Date>,
    /// Contracted hours per week (more than 0, at most 80): learning-time policies grant a share
    /// of these.
    contracted_hours_per_week: f64,
    /// Where they work, as the HRIS names it; null when none.
    location: Option<String>,
    /// Send it back to `updateEmployee`.
    version: i64,
    /// When the record was created in Learnwell.
    created_at: DateTime<Utc>,
    /// When the record last changed.
    updated_at: DateTime<Utc>,
}

impl EmployeeNode {
    /// An employee read through the loader: each field applies its own visibility.
    pub(crate) fn loaded(employee: Employee) -> Self {
        Self {
            employee,
            view: None,
        }
    }
}

/// The employee `id` through the request's loader (`None`: no such person).
pub(crate) async fn employee_node(
    ctx: &Context<'_>,
    id: EmployeeId,
) -> Result<Option<EmployeeNode>> {
    Ok(ctx
        .data::<DataLoader<EmployeeLoader>>()?
        .load_one(id)
        .await?
        .map(EmployeeNode::loaded))
}

/// A person in the directory: directory fields for anyone who may browse it, `details` and
/// learning for themselves, their managers and admins.
#[Object(name = "Employee")]
impl EmployeeNode {
    /// The employee's id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.employee.id.to_string())
    }
    /// Their enrolments: empty unless the caller is them, their manager or an admin.
    #[graphql(complexity = "super::limits::list(super::limits::ENROLLMENTS, child_complexity)")]
    async fn enrollments(&self, ctx: &Context<'_>) -> Result<Vec<EnrollmentNode>> {
        learning::employee_enrollments(ctx, self.employee.id).await
    }
    /// Their learning time in a period: null with a `forbidden` error at this field unless the
    /// caller is them, their manager or an admin.
    #[graphql(complexity = "super::limits::SUMMARY + child_complexity")]
    async fn learning_time(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The period to sum.")] period: PeriodInput,
    ) -> Result<Option<LearningTimeSummary>> {
        let summary = learning_time::person_learning_time(ctx, self.employee.id, period).await;
        Ok(nullable(ctx, summary))
    }
    /// Their readiness assessments, oldest first: an error (`forbidden`) unless the caller is
    /// hr_admin, ld_admin or assessed some of them (then only those), or is the person and
    /// `pipeline.self_readiness_visible` allows.
    #[graphql(complexity = "super::limits::list(super::limits::CHECK_INS, child_complexity)")]
    async fn readiness_assessments(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<super::pipeline::ReadinessNode>>> {
        let found = super::pipeline::readiness_of(ctx, self.employee.id).await;
        Ok(nullable(ctx, found))
    }
    /// Their 9-box talent reviews, oldest first: null with a `forbidden` error at this
    /// field unless the caller is hr_admin, ld_admin or assessed some of them (then only those).
    #[graphql(complexity = "super::limits::list(super::limits::CHECK_INS, child_complexity)")]
    async fn talent_reviews(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<super::pipeline::TalentReviewNode>>> {
        let found = super::pipeline::reviews_of(ctx, self.employee.id).await;
        Ok(nullable(ctx, found))
    }
    /// The given and family name, separated by a space.
    async fn display_name(&self) -> String {
        self.employee.display_name()
    }
    /// The given (first) name.
    async fn given_name(&self) -> &str {
        self.employee.data.given_name.as_str()
    }
    /// The family name.
    async fn family_name(&self) -> &str {
        self.employee.data.family_name.as_str()
    }
    /// The job title, as the HRIS names it; null when none.
    async fn job_title(&self) -> Option<&str> {
        self.employee.data.job_title.as_ref().map(|t| t.as_str())
    }
    /// The org unit they belong to; null when they belong to none.
    async fn org_unit(&self, ctx: &Context<'_>) -> Result<Option<OrgUnitNode>> {
        let Some(id) = self.employee.data.org_unit_id else {
            return Ok(None);
        };
        Ok(ctx
            .data::<DataLoader<OrgUnitLoader>>()?
            .load_one(id)
            .await?
            .map(OrgUnitNode))
    }
    /// Their manager (with `details` as the caller may see them); null when they have none.
    async fn manager(&self, ctx: &Context<'_>) -> Result<Option<EmployeeNode>> {
        let Some(id) = self.employee.data.manager_id else {
            return Ok(None);
        };
        let e = ctx
            .data::<DataLoader<EmployeeLoader>>()?
            .load_one(id)
            .await?;
        Ok(e.map(|employee| EmployeeNode {
            employee,
            view: None,
        }))
    }
    /// The whole record, or null when the caller may only see directory fields.
    async fn details(&self, ctx: &Context<'_>) -> Result<Option<EmployeeDetailsNode>> {
        // The view the directory service gave with the employee, else its answer for this one
        // (batched per request): the rule itself lives in `domain::access`.
        let full = match self.view {
            Some(v) => v == EmployeeView::Full,
            None => ctx
                .data::<DataLoader<ViewLoader>>()?
                .load_one(self.employee.id)
                .await?
                .is_some_and(|v| v == EmployeeView::Full),
        };
        if !full {
            return Ok(None);
        }
        let e = &self.employee;
        let d = &e.data;
        Ok(Some(EmployeeDetailsNode {
            external_id: d.external_id.as_ref().map(ToString::to_string),
            employee_number: d.employee_number.as_ref().map(ToString::to_string),
            email: d.email.to_string(),
            job_level: d.job_level.get(),
            employment_type: Enum(d.employment_type),
            status: Enum(d.status),
            hire_date: d.dates.hire_date.map(Date),
            leave_start_date: d.dates.leave_start_date.map(Date),
            leave_end_date: d.dates.leave_end_date.map(Date),
            termination_date: d.dates.termination_date.map(Date),
            contracted_hours_per_week: d.contracted_hours.hours(),
            location: d.location.as_ref().map(ToString::to_string),
            version: e.version,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }))
    }
}

pub struct OrgUnitNode(OrgUnit);

/// A unit of the organisation tree (division, department, team).
#[Object(name = "OrgUnit")]
impl OrgUnitNode {
    /// The unit's id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Learning time of the unit's people in a period; people listed only to those who may see
    /// each of them.
    #[graphql(complexity = "super::limits::SUMMARY + child_complexity")]
    async fn learning_time_summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The period to sum.")] period: PeriodInput,
        #[graphql(
            default = true,
            desc = "Also the people of every unit below this one (default true); false: only \
                    the unit's own people."
        )]
        include_descendants: bool,
    ) -> Result<Option<LearningTimeSummary>> {
        let summary =
            learning_time::unit_learning_time(ctx, self.0.id, include_descendants, period).await;
        Ok(nullable(ctx, summary))
    }
    /// The unit's name.
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }
    /// What kind of unit it is, free text such as division, department or team ("unit" when
    /// none was given).
    async fn kind(&self) -> &str {
        self.0.kind.as_str()
    }
    /// The HRIS id; null for a unit created without one.
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_ref().map(|x| x.as_str())
    }
    /// Send it back to `updateOrgUnit`.
    async fn version(&self) -> i64 {
        self.0.version
    }
    /// The unit directly above; null for a top-level unit.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<OrgUnitNode>> {
        let Some(id) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(ctx
            .data::<DataLoader<OrgUnitLoader>>()?
            .load_one(id)
            .await?
            .map(OrgUnitNode))
    }
    #[graphql(complexity = "super::limits::list(super::limits::CHILD_UNITS, child_complexity)")]
    /// The units directly below, in creation order; empty for a unit without any.
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<OrgUnitNode>> {
        let ids = svc::child_org_unit_ids(service_ctx(ctx)?, self.0.id)
            .await
            .gql()?;
        let mut found = ctx
            .data::<DataLoader<OrgUnitLoader>>()?
            .load_many(ids.iter().copied())
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| found.remove(id))
            .map(OrgUnitNode)
            .collect())
    }
    /// The head of the unit.
    async fn manager(&self, ctx: &Context<'_>) -> Result<Option<EmployeeNode>> {
        let Some(id) = self.0.manager_id else {
            return Ok(None);
        };
        let e = ctx
            .data::<DataLoader<EmployeeLoader>>()?
            .load_one(id)
            .await?;
        Ok(e.map(|employee| EmployeeNode {
            employee,
            view: None,
        }))
    }
    /// Employees of this unit and every unit below it.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn employees(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Narrows the list; an `orgUnitId` other than this unit's is refused (`invalid_query`)."
        )]
        filter: Option<EmployeeFilterInput>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Counted<EmployeeNode>> {
        let mut f = filter.unwrap_or_default().into_filter(first, after)?;
        if f.org_unit_id.is_some_and(|u| u != self.0.id) {
            return Err(ApiError::InvalidQuery(FieldError::new(
                "filter.orgUnitId",
                "this list is the unit's own; ask `employees(filter:)` for another unit",
            )))
            .gql();
        }
        f.org_unit_id = Some(self.0.id);
        employees_connection(ctx, f).await
    }
}

/// Which employees to list.
#[derive(InputObject, Default)]
pub struct EmployeeFilterInput {
    /// This unit and every unit below it.
    org_unit_id: Option<ID>,
    /// The direct reports of this employee (not their reports' reports).
    manager_id: Option<ID>,
    /// Only for callers who read everyone's full record (otherwise `invalid_query`), like
    /// `jobLevel`.
    status: Option<Enum<EmployeeStatus>>,
    /// Exactly this job level, 1-8; only for callers who read everyone's full record (otherwise
    /// `invalid_query`).
    job_level: Option<i32>,
    /// Case-insensitive text in the name (and the email and HRIS id for callers who read
    /// everyone's full record).
    q: Option<String>,
    /// Exactly this HRIS id; only for callers who read everyone's full record.
    external_id: Option<String>,
}

impl EmployeeFilterInput {
    fn into_filter(self, first: Option<i32>, after: Option<String>) -> Result<EmployeeList> {
        let org_unit_id = self
            .org_unit_id
            .as_ref()
            .map(|i| parse_id(i, "org unit"))
            .transpose()?;
        let manager_id = self
            .manager_id
            .as_ref()
            .map(|i| parse_id(i, "employee"))
            .transpose()?;
        let codes = EmployeeList::with_codes(
            self.status.map(|s| s.0.code()),
            self.job_level.map(i64::from),
        );
        Ok(EmployeeList {
            org_unit_id,
            manager_id,
            text: self.q,
            external_id: self.external_id,
            first: first.map(|n| u64::try_from(n).unwrap_or(0)),
            after,
            ..codes.gql()?
        })
    }
}

async fn employees_connection(ctx: &Context<'_>, f: EmployeeList) -> Result<Counted<EmployeeNode>> {
    let has_previous = f.after.is_some();
    let page = svc::list_employees(service_ctx(ctx)?, f.clone())
        .await
        .gql()?;
    let total = TotalCount::new(move |ctx| {
        let f = f.clone();
        async move { svc::count_employees(&ctx, &f).await }
    });
    let mut conn =
        Connection::with_additional_fields(has_previous, page.next_cursor.is_some(), total);
    conn.edges.extend(
        page.items
            .into_iter()
            .map(|v| Edge::new(encode_cursor(v.employee.id), EmployeeNode::from(v))),
    );
    Ok(conn)
}

#[derive(Default)]
pub struct OrgQuery;

#[Object]
impl OrgQuery {
    /// The caller's own employee record.
    async fn me(&self, ctx: &Context<'_>) -> Result<EmployeeNode> {
        Ok(svc::me(service_ctx(ctx)?).await.gql()?.into())
    }
    /// An employee by id: null when there is no such person.
    async fn employee(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The employee's id; an id that names nobody answers null.")] id: ID,
    ) -> Result<Option<EmployeeNode>> {
        let Ok(id) = id.parse() else {
            return Ok(None);
        };
        let found = absent_is_none(svc::get_employee(service_ctx(ctx)?, id).await);
        Ok(nullable(ctx, found.gql()).flatten().map(EmployeeNode::from))
    }
    /// Employees the caller may see, in a stable order (Relay connection, `first` up to 200).
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn employees(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; absent: everyone the caller may see.")] filter: Option<
            EmployeeFilterInput,
        >,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Counted<EmployeeNode>> {
        let f = filter.unwrap_or_default().into_filter(first, after)?;
        employees_connection(ctx, f).await
    }
    /// An org unit by id: null when there is no such unit.
    async fn org_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit's id; an id that names no unit answers null.")] id: ID,
    ) -> Result<Option<OrgUnitNode>> {
        let Ok(id) = id.parse() else {
            return Ok(None);
        };
        let found = absent_is_none(svc::get_org_unit(service_ctx(ctx)?, id).await);
        Ok(nullable(ctx, found.gql()).flatten().map(OrgUnitNode))
    }
    /// The org units (the tree as a flat list in creation order; follow `parent` and
    /// `children`), Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn org_units(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, OrgUnitNode>> {
        let list = svc::OrgUnitList {
            first: first.map(|n| u64::try_from(n).unwrap_or(0)),
            after: after.clone(),
            ..svc::OrgUnitList::default()
        };
        let page = svc::list_org_units(service_ctx(ctx)?, list).await.gql()?;
        Ok(connection(page, after.as_deref(), |u| u.id, OrgUnitNode))
    }
}

impl From<Employee> for EmployeeNode {
    /// A record the caller just wrote (people writers read every field).
    fn from(employee: Employee) -> Self {
        Self {
            employee,
            view: Some(EmployeeView::Full),
        }
    }
}

impl From<OrgUnit> for OrgUnitNode {
    fn from(u: OrgUnit) -> Self {
        Self(u)
    }
}

payload!(
    /// The answer of the employee mutations.
    EmployeePayload,
    employee: EmployeeNode
);
payload!(
    /// The answer of the org-unit mutations.
    OrgUnitPayload,
    org_unit: OrgUnitNode
);

/// The answer of `deleteOrgUnit`.
#[derive(SimpleObject)]
pub struct DeleteOrgUnitPayload {
    /// The unit deleted; null when `userErrors` is not empty.
    deleted_id: Option<ID>,
    /// Why nothing was deleted; empty on success.
    user_errors: Vec<super::types::UserError>,
}

/// A new employee (hr_admin or an HRIS client).
#[derive(InputObject)]
pub struct CreateEmployeeInput {
    /// The HRIS id.
    external_id: Option<String>,
    /// The HRIS's employee number, 1-200 characters.
    employee_number: Option<String>,
    /// The work email, unique among employees.
    email: String,
    /// The given (first) name, 1-200 characters.
    given_name: String,
    /// The family name, 1-200 characters.
    family_name: String,
    /// The job title, 1-200 characters.
    job_title: Option<String>,
    /// 1 (entry) to 8 (executive).
    job_level: i32,
    /// The org unit they belong to.
    org_unit_id: Option<ID>,
    /// Their manager, another employee.
    manager_id: Option<ID>,
    /// Default FULL_TIME.
    employment_type: Option<Enum<EmploymentType>>,
    /// Default ACTIVE; LEAVE needs `leaveStartDate`, TERMINATED needs `terminationDate`.
    status: Option<Enum<EmployeeStatus>>,
    /// The first day of employment.
    hire_date: Option<Date>,
    /// The first day of a leave; not before `hireDate`.
    leave_start_date: Option<Date>,
    /// The last day of the leave; needs `leaveStartDate` and is not before it.
    leave_end_date: Option<Date>,
    /// The last day of employment; not before `hireDate`.
    termination_date: Option<Date>,
    /// More than 0, at most 80 (default 40).
    contracted_hours_per_week: Option<f64>,
    /// Where they work, 1-200 characters.
    location: Option<String>,
}

/// An employee's fields to change: absent fields stay; `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateEmployeeInput {
    /// The HRIS id; null clears it.
    external_id: MaybeUndefined<String>,
    /// The HRIS's employee number, 1-200 characters; null clears it.
    employee_number: MaybeUndefined<String>,
    /// The work email, unique among employees.
    email: Option<String>,
    /// The given (first) name, 1-200 characters.
    given_name: Option<String>,
    /// The family name, 1-200 characters.
    family_name: Option<String>,
    /// The job title, 1-200 characters; null clears it.
    job_title: MaybeUndefined<String>,
    /// 1 (entry) to 8 (executive).
    job_level: Option<i32>,
    /// The org unit they belong to; null: none.
    org_unit_id: MaybeUndefined<ID>,
    /// Their manager, another employee (the chain of managers may not loop); null: none.
    manager_id: MaybeUndefined<ID>,
    /// How they are employed.
    employment_type: Option<Enum<EmploymentType>>,
    /// LEAVE needs a leave start date, TERMINATED a termination date (sent or stored).
    status: Option<Enum<EmployeeStatus>>,
    /// The first day of employment; null clears it.
    hire_date: MaybeUndefined<Date>,
    /// The first day of a leave, not before the hire date; null clears it.
    leave_start_date: MaybeUndefined<Date>,
    /// The last day of the leave, not before its start; null: open-ended.
    leave_end_date: MaybeUndefined<Date>,
    /// The last day of employment, not before the hire date; null clears it.
    termination_date: MaybeUndefined<Date>,
    /// More than 0, at most 80.
    contracted_hours_per_week: Option<f64>,
    /// Where they work, 1-200 characters; null clears it.
    location: MaybeUndefined<String>,
}

/// A new org unit.
#[derive(InputObject)]
pub struct CreateOrgUnitInput {
    /// The unit's name, 1-200 characters.
    name: String,
    /// e.g. division, department, team (default "unit").
    kind: Option<String>,
    /// The unit directly above; absent: a top-level unit.
    parent_id: Option<ID>,
    /// The head of the unit.
    manager_id: Option<ID>,
    /// The HRIS id.
    external_id: Option<String>,
}

/// An org unit's fields to change: absent fields stay; `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateOrgUnitInput {
    /// The unit's name, 1-200 characters.
    name: Option<String>,
    /// e.g. division, department, team, 1-200 characters.
    kind: Option<String>,
    /// A move: the tree may not loop; null makes it a top-level unit.
    parent_id: MaybeUndefined<ID>,
    /// The head of the unit; null: none.
    manager_id: MaybeUndefined<ID>,
    /// The HRIS id; null clears it.
    external_id: MaybeUndefined<String>,
}

impl From<CreateEmployeeInput> for EmployeeFields {
    fn from(i: CreateEmployeeInput) -> Self {
        Self {
            external_id: i.external_id,
            employee_number: i.employee_number,
            email: Some(i.email),
            given_name: Some(i.given_name),
            family_name: Some(i.family_name),
            job_title: i.job_title,
            job_level: Some(i64::from(i.job_level)),
            org_unit_id: i.org_unit_id.map(|x| x.0),
            org_unit_external_id: None,
            manager_id: i.manager_id.map(|x| x.0),
            manager_external_id: None,
            employment_type: i.employment_type.map(Enum::wire),
            status: i.status.map(Enum::wire),
            hire_date: i.hire_date.map(Date::wire),
            leave_start_date: i.leave_start_date.map(Date::wire),
            leave_end_date: i.leave_end_date.map(Date::wire),
            termination_date: i.termination_date.map(Date::wire),
            contracted_hours_per_week: i.contracted_hours_per_week,
            location: i.location,
        }
    }
}

impl From<UpdateEmployeeInput> for EmployeeChanges {
    fn from(i: UpdateEmployeeInput) -> Self {
        let text = |s: String| s;
        let id = |x: ID| x.0;
        Self {
            external_id: change(i.external_id, text),
            employee_number: change(i.employee_number, text),
            email: i.email,
            given_name: i.given_name,
            family_name: i.family_name,
            job_title: change(i.job_title, text),
            job_level: i.job_level.map(i64::from),
            org_unit_id: change(i.org_unit_id, id),
            manager_id: change(i.manager_id, id),
            employment_type: i.employment_type.map(Enum::wire),
            status: i.status.map(Enum::wire),
            hire_date: change(i.hire_date, Date::wire),
            leave_start_date: change(i.leave_start_date, Date::wire),
            leave_end_date: change(i.leave_end_date, Date::wire),
            termination_date: change(i.termination_date, Date::wire),
            contracted_hours_per_week: i.contracted_hours_per_week,
            location: change(i.location, text),
        }
    }
}

impl From<CreateOrgUnitInput> for OrgUnitChanges {
    fn from(i: CreateOrgUnitInput) -> Self {
        Self {
            name: Some(i.name),
            kind: i.kind,
            parent_id: i.parent_id.map(|x| Some(x.0)),
            manager_id: i.manager_id.map(|x| Some(x.0)),
            external_id: i.external_id.map(Some),
        }
    }
}

impl From<UpdateOrgUnitInput> for OrgUnitChanges {
    fn from(i: UpdateOrgUnitInput) -> Self {
        Self {
            name: i.name,
            kind: i.kind,
            parent_id: change(i.parent_id, |x| x.0),
            manager_id: change(i.manager_id, |x| x.0),
            external_id: change(i.external_id, |x| x),
        }
    }
}

#[derive(Default)]
pub struct OrgMutation;

#[Object]
impl OrgMutation {
    /// Create an employee (hr_admin or an HRIS client).
    async fn create_employee(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new employee.")] input: CreateEmployeeInput,
    ) -> Result<EmployeePayload> {
        EmployeePayload::from_result(svc::create_employee(service_ctx(ctx)?, input.into()).await)
    }
    /// Change an employee read at `version` (hr_admin or an HRIS client).
    async fn update_employee(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The employee to change.")] id: ID,
        #[graphql(desc = "The `version` as read; a newer one stored answers `version_mismatch`.")]
        version: i64,
        #[graphql(desc = "The fields to change.")] input: UpdateEmployeeInput,
    ) -> Result<EmployeePayload> {
        let c = service_ctx(ctx)?;
        EmployeePayload::from_result(
            async {
                let id = found(&id, "employee")?;
                svc::update_employee(c, id, Some(version), input.into()).await
            }
            .await,
        )
    }
    /// Create an org unit (hr_admin or an HRIS client).
    async fn create_org_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new unit.")] input: CreateOrgUnitInput,
    ) -> Result<OrgUnitPayload> {
        OrgUnitPayload::from_result(svc::create_org_unit(service_ctx(ctx)?, input.into()).await)
    }
    /// Rename, move (the tree may not loop) or change the head of a unit read at `version`.
    async fn update_org_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit to change.")] id: ID,
        #[graphql(desc = "The `version` as read; a newer one stored answers `version_mismatch`.")]
        version: i64,
        #[graphql(desc = "The fields to change.")] input: UpdateOrgUnitInput,
    ) -> Result<OrgUnitPayload> {
        let c = service_ctx(ctx)?;
        OrgUnitPayload::from_result(
            async {
                let id = found(&id, "org unit")?;
                svc::update_org_unit(c, id, Some(version), input.into()).await
            }
            .await,
        )
    }
    /// Delete an empty unit (no child units, no employees).
    async fn delete_org_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit to delete.")] id: ID,
    ) -> Result<DeleteOrgUnitPayload> {
        let c = service_ctx(ctx)?;
        let result = async {
            let unit: OrgUnitId = found(&id, "org unit")?;
            svc::delete_org_unit(c, unit).await
        }
        .await;
        let (done, user_errors) = super::types::split(result)?;
        Ok(DeleteOrgUnitPayload {
            deleted_id: done.map(|()| id),
            user_errors,
        })
    }
}
