//! What the equity report reads: the development of every employee (the people the learning-time
//! summaries and the privacy engine count) in one fiscal year, summed in the database per org
//! unit, job level and proration basis, in one statement.

use crate::db::statement;
use crate::{parse_id, Conn, StoreError, StoreResult};
use chrono::NaiveDate;
use learnwell_domain::development::Currency;
use learnwell_domain::ids::OrgUnitId;
use learnwell_domain::org::{EmploymentDates, JobLevel, Period};
use sea_orm::FromQueryResult;

/// The people of one org unit and job level who share a proration basis: `dates` holds a hire
/// date only when it falls after the fiscal year's start and a termination date only when it
/// falls before its end, so everyone employed the whole year shares one row.
#[derive(Debug, Clone)]
pub struct DevelopmentRow {
    pub org_unit: Option<OrgUnitId>,
    pub level: JobLevel,
    pub dates: EmploymentDates,
    pub people: u32,
    /// People with an active engagement as mentee.
    pub with_engagement: u32,
    /// Allocated plus carried in, of the budgets opened in the currency.
    pub opened_budget_minor: i64,
    /// People whose budget of the year is not opened yet.
    pub unopened: u32,
    pub used_minor: i64,
    pub learning_minutes: u64,
}

struct Raw {
    unit: String,
    level: i16,
    hire: String,
    termination: String,
    people: i64,
    engaged: i64,
    opened: i64,
    unopened: i64,
    used: i64,
    minutes: i64,
}

impl FromQueryResult for Raw {
    fn from_query_result(res: &sea_orm::QueryResult, _: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            unit: res.try_get_by_index(0)?,
            level: res.try_get_by_index(1)?,
            hire: res.try_get_by_index(2)?,
            termination: res.try_get_by_index(3)?,
            people: res.try_get_by_index(4)?,
            engaged: res.try_get_by_index(5)?,
            opened: res.try_get_by_index(6)?,
            unopened: res.try_get_by_index(7)?,
            used: res.try_get_by_index(8)?,
            minutes: res.try_get_by_index(9)?,
        })
    }
}

fn day(s: &str) -> StoreResult<Option<NaiveDate>> {
    (!s.is_empty())
        .then(|| {
            s.get(..10)
                .unwrap_or(s)
                .parse()
                .map_err(StoreError::corrupt)
        })
        .transpose()
}

fn count(n: i64) -> StoreResult<u32> {
    u32::try_from(n).map_err(StoreError::corrupt)
}

/// Every employee's engagement as mentee, budget of `year` in `currency`, and learning minutes
/// in the months of `period`, summed per org unit, job level and proration basis.
pub async fn development_rows(
    c: &impl Conn,
    year: i32,
    currency: Currency,
    period: &Period,
) -> StoreResult<Vec<DevelopmentRow>> {
    let sql = "SELECT unit, level, hire, termination, CAST(COUNT(*) AS BIGINT), \
         CAST(SUM(engaged) AS BIGINT), CAST(SUM(CASE WHEN budget >= 0 THEN budget ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN budget < 0 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(used) AS BIGINT), CAST(SUM(minutes) AS BIGINT) FROM ( \
         SELECT COALESCE(e.org_unit_id, '') AS unit, e.job_level AS level, \
         CASE WHEN e.hire_date > ? THEN CAST(e.hire_date AS TEXT) ELSE '' END AS hire, \
         CASE WHEN e.termination_date < ? THEN CAST(e.termination_date AS TEXT) ELSE '' END \
           AS termination, \
         CASE WHEN g.mentee_id IS NULL THEN 0 ELSE 1 END AS engaged, \
         COALESCE(b.allocated_minor + b.carried_in_minor, -1) AS budget, \
         COALESCE(b.reserved_minor + b.spent_minor, 0) AS used, \
         COALESCE(t.minutes, 0) AS minutes \
         FROM employees e \
         LEFT JOIN (SELECT DISTINCT mentee_id FROM engagements WHERE state = 'active') g \
           ON g.mentee_id = e.id \
         LEFT JOIN pd_budgets b ON b.employee_id = e.id AND b.fiscal_year = ? AND b.currency = ? \
         LEFT JOIN (SELECT employee_id, SUM(in_work + outside_work) AS minutes FROM time_rollups \
           WHERE month >= ? AND month <= ? GROUP BY employee_id) t ON t.employee_id = e.id \
         ) p GROUP BY unit, level, hire, termination";
    let values = vec![
        period.start().into(),
        period.end().into(),
        year.into(),
        currency.to_string().into(),
        period.start().into(),
        period.end().into(),
    ];
    let rows = Raw::find_by_statement(statement(c.backend(), sql, values))
        .all(c.conn())
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(DevelopmentRow {
                org_unit: (!r.unit.is_empty())
                    .then(|| parse_id(&r.unit))
                    .transpose()?,
                level: JobLevel::new(r.level.into()).map_err(StoreError::corrupt)?,
                dates: EmploymentDates {
                    hire_date: day(&r.hire)?,
                    termination_date: day(&r.termination)?,
                    ..EmploymentDates::default()
                },
                people: count(r.people)?,
                with_engagement: count(r.engaged)?,
                opened_budget_minor: r.opened,
                unopened: count(r.unopened)?,
                used_minor: r.used,
                learning_minutes: u64::try_from(r.minutes).unwrap_or(0),
            })
        })
        .collect()
}
