//! The org context's use cases: employees (`employees`), org units (`org_units`) and the HRIS
//! bulk sync (`hris`). Each authorizes with `domain::access`, decides with `domain::org`, writes
//! in one transaction with its audit record and tells the directory service what changed.

pub mod employees;
pub mod hris;
pub mod org_units;
pub mod reconcile;
pub mod units_sync;

pub use employees::{
    count_employees, create_employee, demo_admin, employees_by_ids, find_person, get_employee,
    is_empty, list_employees, list_reports, me, update_employee, EmployeeList, Visible,
};
pub use org_units::{
    child_org_unit_ids, create_org_unit, delete_org_unit, every_org_unit, get_org_unit,
    list_org_units, org_units_by_ids, update_org_unit, OrgUnitList,
};
