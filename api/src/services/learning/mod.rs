//! The learning context: enrolments (self, assigned, in bulk) and learning records.
//!
//! Who may do what: a person enrols themselves; `ld_admin` assigns anyone; a manager assigns
//! their transitive reports. An enrolment is seen and updated by its learner, their managers and
//! `ld_admin` (`hr_admin` sees it too). Completing an enrolment records the learning. The rules
//! are the domain's (`domain::learning`, `domain::access`); each use case here authorizes, loads,
//! decides with them, writes in one transaction and audits.

mod bulk;
mod enrollments;
mod import;
mod records;
mod stats;

pub use bulk::{assign_bulk, AssignBulk, BulkAssigned};
pub use enrollments::{
    count_enrollments, enroll, enrollments_of, get_enrollment, list_enrollments, update_enrollment,
    Enroll, ListEnrollments, UpdateEnrollment, Whose,
};
pub use import::{import_records, ImportRecords, Imported, RowOutcome};
pub(crate) use records::{complete_enrollments, reopen_enrollments};
pub use records::{list_records, ListRecords};
pub use stats::{
    course_stats, skills_being_learnt, CourseStats, CourseStatsQuery, SkillStats, StatsScope,
};

use super::Ctx;
use crate::error::{ApiError, ApiResult};
use chrono::NaiveDate;
use learnwell_domain::catalog::Course;
use learnwell_domain::ids::{CourseId, EmployeeId, EnrollmentId};
use learnwell_domain::learning::{ensure_offered, EnrollmentOrigin, NewEnrollment};
use learnwell_domain::FieldError;
use learnwell_persistence::catalog as catalog_store;

/// The course to enrol in: it exists and is offered (not archived).
async fn open_course(ctx: &Ctx, id: CourseId) -> ApiResult<Course> {
    let course = catalog_store::get_course(&ctx.db, id)
        .await?
        .ok_or_else(|| ApiError::validation(FieldError::new("course_id", "no such course")))?;
    ensure_offered(&course)?;
    Ok(course)
}

/// A new enrolment of `employee_id` by the caller, with a fresh id.
fn new_enrollment(
    ctx: &Ctx,
    employee_id: EmployeeId,
    course_id: CourseId,
    origin: EnrollmentOrigin,
    due_date: Option<NaiveDate>,
) -> NewEnrollment {
    NewEnrollment {
        id: EnrollmentId::from_uuid(uuid::Uuid::now_v7()),
        employee_id,
        course_id,
        origin,
        by: ctx.principal.subject.clone(),
        due_date,
    }
}
