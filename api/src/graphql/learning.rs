//! Learning on the dashboard graph: `Employee.enrollments`, `Employee.learningTime(period)`,
//! `OrgUnit.learningTimeSummary(period, includeDescendants)`. Every field asks the same services
//! as REST, so the same people see the same things.

use super::catalog::CourseNode;
use super::service_ctx;
use crate::error::Gql;
use crate::services::learning::enrollments_of;
use crate::services::learning_time::{self as lt, Summary, SummaryParams};
use crate::services::Ctx;
use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::NaiveDate;
use learnwell_domain::ids::{CourseId, EmployeeId, OrgUnitId};
use learnwell_domain::learning::Enrollment;
use learnwell_domain::learning_time::Totals;
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

/// Learning-time totals in minutes.
#[derive(SimpleObject)]
pub struct LearningTimeTotals {
    people: u32,
    allocated_minutes: u64,
    carried_in_minutes: u64,
    used_in_work_minutes: u64,
    /// Learning outside working time ("on top").
    used_outside_work_minutes: u64,
    remaining_minutes: u64,
    utilisation: Option<f64>,
    on_top_share: Option<f64>,
    exploratory_share: Option<f64>,
}

impl From<&Totals> for LearningTimeTotals {
    fn from(t: &Totals) -> Self {
        Self {
            people: t.people,
            allocated_minutes: t.allocated,
            carried_in_minutes: t.carried_in,
            used_in_work_minutes: t.used_in_work,
            used_outside_work_minutes: t.used_outside_work,
            remaining_minutes: t.remaining(),
            utilisation: t.utilisation(),
            on_top_share: t.on_top_share(),
            exploratory_share: t.exploratory_share(),
        }
    }
}

#[derive(SimpleObject)]
pub struct PersonLearningTime {
    employee_id: ID,
    totals: LearningTimeTotals,
}

#[derive(SimpleObject)]
pub struct LearningTimeSummary {
    period_start: NaiveDate,
    period_end: NaiveDate,
    totals: LearningTimeTotals,
    /// Person by person, only for callers who may see each of them.
    people: Option<Vec<PersonLearningTime>>,
}

impl From<Summary> for LearningTimeSummary {
    fn from(s: Summary) -> Self {
        Self {
            period_start: s.period.start(),
            period_end: s.period.end(),
            totals: LearningTimeTotals::from(&s.totals),
            people: s.people.map(|people| {
                people
                    .iter()
                    .map(|(id, t)| PersonLearningTime {
                        employee_id: ID(id.to_string()),
                        totals: LearningTimeTotals::from(t),
                    })
                    .collect()
            }),
        }
    }
}

fn params(period: String) -> SummaryParams {
    SummaryParams {
        period,
        employee_id: None,
        manager_id: None,
        org_unit_id: None,
        include_descendants: None,
        job_level_min: None,
        job_level_max: None,
        include_people: None,
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

/// An employee's learning time in a period (`2026-Q1`, `2026-03`, `2026-W10`).
pub async fn employee_learning_time(
    ctx: &Context<'_>,
    id: EmployeeId,
    period: String,
) -> Result<LearningTimeSummary> {
    let q = SummaryParams {
        employee_id: Some(id),
        ..params(period)
    };
    Ok(lt::summary(service_ctx(ctx)?, q).await.gql()?.into())
}

/// An org unit's learning time in a period.
pub async fn unit_learning_time(
    ctx: &Context<'_>,
    id: OrgUnitId,
    period: String,
    include_descendants: bool,
) -> Result<LearningTimeSummary> {
    let q = SummaryParams {
        org_unit_id: Some(id),
        include_descendants: Some(include_descendants),
        include_people: Some(ctx.look_ahead().field("people").exists()),
        ..params(period)
    };
    Ok(lt::summary(service_ctx(ctx)?, q).await.gql()?.into())
}
