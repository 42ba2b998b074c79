//! Learning on the dashboard graph: `Employee.enrollments` and their courses. Every field asks
//! the same services as REST, so the same people see the same things.

use super::catalog::CourseNode;
use crate::error::Gql;
use crate::services::learning::enrollments_of;
use crate::services::Ctx;
use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Object, Result, ID};
use chrono::NaiveDate;
use learnwell_domain::ids::{CourseId, EmployeeId};
use learnwell_domain::learning::Enrollment;
use std::collections::HashMap;

/// Enrolments by employee, for everyone in one page of a query (two statements).
pub struct EnrollmentLoader(pub Ctx);

impl Loader<EmployeeId> for EnrollmentLoader {
    type Value = Vec<Enrollment>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[EmployeeId]) -> Result<HashMap<EmployeeId, Vec<Enrollment>>> {
        enrollments_of(&self.0, keys).await.gql()
    }
}

/// Courses by id.
pub struct CourseLoader(pub Ctx);

impl Loader<CourseId> for CourseLoader {
    type Value = learnwell_domain::catalog::Course;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[CourseId]) -> Result<HashMap<CourseId, Self::Value>> {
        let courses = crate::services::catalog::courses_by_ids(&self.0, keys)
            .await
            .gql()?;
        Ok(courses.into_iter().map(|c| (c.id, c)).collect())
    }
}

pub struct EnrollmentNode(pub Enrollment);

#[Object(name = "Enrollment")]
impl EnrollmentNode {
    async fn id(&self) -> ID {
        ID(self.0.id().to_string())
    }
    async fn status(&self) -> String {
        self.0.status().to_string()
    }
    async fn origin(&self) -> String {
        self.0.origin().to_string()
    }
    async fn due_date(&self) -> Option<NaiveDate> {
        self.0.due_date()
    }
    async fn completed_on(&self) -> Option<NaiveDate> {
        self.0.completed_on()
    }
    async fn score(&self) -> Option<f64> {
        self.0.score().map(|s| s.get())
    }
    async fn course(&self, ctx: &Context<'_>) -> Result<Option<CourseNode>> {
        Ok(ctx
            .data::<DataLoader<CourseLoader>>()?
            .load_one(self.0.course_id())
            .await?
            .map(CourseNode))
    }
}

/// An employee's enrolments (empty unless the caller may see them).
pub async fn employee_enrollments(
    ctx: &Context<'_>,
    id: EmployeeId,
) -> Result<Vec<EnrollmentNode>> {
    let found = ctx
        .data::<DataLoader<EnrollmentLoader>>()?
        .load_one(id)
        .await?;
    Ok(found
        .unwrap_or_default()
        .into_iter()
        .map(EnrollmentNode)
        .collect())
}
