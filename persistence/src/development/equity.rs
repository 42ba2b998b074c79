//! What the equity report reads: the development of every employee (the people the learning-time
//! summaries and the privacy engine count) in one fiscal year, summed in the database per org
//! unit, job level and proration basis.

use crate::db::statement;
use crate::{parse_id, Conn, StoreError, StoreResult};
use chrono::NaiveDate;
use learnwell_domain::development::Currency;
use learnwell_domain::ids::OrgUnitId;
use learnwell_domain::org::{EmploymentDates, JobLevel, Period};
use sea_orm::FromQueryResult;
use std::collections::HashMap;

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

/// A row of either statement: the group's key (unit, level, proration basis) and its sums.
struct Raw {
    key: (String, i16, String, String),
    sums: Vec<i64>,
}

impl FromQueryResult for Raw {
    fn from_query_result(res: &sea_orm::QueryResult, _: &str) -> Result<Self, sea_orm::DbErr> {
        let mut sums = Vec::new();
        while let Ok(v) = res.try_get_by_index::<i64>(4 + sums.len()) {
            sums.push(v);
        }
        Ok(Self {
            key: (
                res.try_get_by_index(0)?,
                res.try_get_by_index(1)?,
                res.try_get_by_index(2)?,
                res.try_get_by_index(3)?,
            ),
            sums,
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

/// The group of an employee row `e`: org unit, job level, and the proration basis.
const GROUP: &str = "COALESCE(e.org_unit_id, ''), e.job_level, \
     CASE WHEN e.hire_date > ? THEN CAST(e.hire_date AS TEXT) ELSE '' END, \
     CASE WHEN e.termination_date < ? THEN CAST(e.termination_date AS TEXT) ELSE '' END";

/// The learning-time rollup rows of `period`'s months: whole calendar quarters from the
/// quarterly rollups (a third of the rows), the other months from the monthly ones.
fn rollups(period: &Period) -> (String, Vec<sea_orm::Value>) {
    let mut quarters = Vec::new();
    let mut months = Vec::new();
    let mut month = period.start();
    while month <= period.end() {
        let after = |m: NaiveDate, n: u32| m.checked_add_months(chrono::Months::new(n));
        let quarter_end = after(month, 3).and_then(|next| next.pred_opt());
        let whole = chrono::Datelike::month0(&month).is_multiple_of(3)
            && quarter_end.is_some_and(|end| end <= period.end());
        if whole {
            quarters.push(month);
        } else {
            months.push(month);
        }
        month = match after(month, if whole { 3 } else { 1 }) {
            Some(next) => next,
            None => break,
        };
    }
    let mut parts = Vec::new();
    let mut values: Vec<sea_orm::Value> = Vec::new();
    for (table, column, starts) in [
        ("time_rollups_quarterly", "quarter", &quarters),
        ("time_rollups", "month", &months),
    ] {
        if !starts.is_empty() {
            let marks = vec!["?"; starts.len()].join(", ");
            parts.push(format!(
                "SELECT employee_id, in_work + outside_work AS minutes FROM {table} \
                 WHERE {column} IN ({marks})"
            ));
            values.extend(starts.iter().map(|d| sea_orm::Value::from(*d)));
        }
    }
    (parts.join(" UNION ALL "), values)
}

async fn sums(
    c: &impl Conn,
    sql: &str,
    mut values: Vec<sea_orm::Value>,
    period: &Period,
) -> StoreResult<Vec<Raw>> {
    values.splice(0..0, [period.start().into(), period.end().into()]);
    Ok(Raw::find_by_statement(statement(c.backend(), sql, values))
        .all(c.conn())
        .await?)
}

/// Every employee's engagement as mentee, budget of `year` in `currency`, and learning minutes
/// in the months of `period`, summed per org unit, job level and proration basis: the people in
/// one statement, the minutes in another (joined to their people, not summed per person first).
pub async fn development_rows(
    c: &impl Conn,
    year: i32,
    currency: Currency,
    period: &Period,
) -> StoreResult<Vec<DevelopmentRow>> {
    let people = format!(
        "SELECT {GROUP}, CAST(COUNT(*) AS BIGINT), \
         CAST(SUM(CASE WHEN g.mentee_id IS NULL THEN 0 ELSE 1 END) AS BIGINT), \
         CAST(COALESCE(SUM(b.allocated_minor + b.carried_in_minor), 0) AS BIGINT), \
         CAST(SUM(CASE WHEN b.employee_id IS NULL THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(COALESCE(SUM(b.reserved_minor + b.spent_minor), 0) AS BIGINT) \
         FROM employees e \
         LEFT JOIN (SELECT DISTINCT mentee_id FROM engagements WHERE state = 'active') g \
           ON g.mentee_id = e.id \
         LEFT JOIN pd_budgets b ON b.employee_id = e.id AND b.fiscal_year = ? AND b.currency = ? \
         GROUP BY 1, 2, 3, 4"
    );
    let people = sums(
        c,
        &people,
        vec![year.into(), currency.to_string().into()],
        period,
    )
    .await?;
    let (rollups, values) = rollups(period);
    let minutes: HashMap<_, i64> = if rollups.is_empty() {
        HashMap::new()
    } else {
        let sql = format!(
            "SELECT {GROUP}, CAST(SUM(r.minutes) AS BIGINT) FROM ({rollups}) r \
             JOIN employees e ON e.id = r.employee_id GROUP BY 1, 2, 3, 4"
        );
        sums(c, &sql, values, period)
            .await?
            .into_iter()
            .map(|r| (r.key, r.sums.first().copied().unwrap_or(0)))
            .collect()
    };
    people
        .into_iter()
        .map(|r| {
            let [people, engaged, opened, unopened, used] = r.sums[..] else {
                return Err(StoreError::corrupt("an equity row without its sums"));
            };
            let learning = minutes.get(&r.key).copied().unwrap_or(0);
            let (unit, level, hire, termination) = r.key;
            Ok(DevelopmentRow {
                org_unit: (!unit.is_empty()).then(|| parse_id(&unit)).transpose()?,
                level: JobLevel::new(level.into()).map_err(StoreError::corrupt)?,
                dates: EmploymentDates {
                    hire_date: day(&hire)?,
                    termination_date: day(&termination)?,
                    ..EmploymentDates::default()
                },
                people: count(people)?,
                with_engagement: count(engaged)?,
                opened_budget_minor: opened,
                unopened: count(unopened)?,
                used_minor: used,
                learning_minutes: u64::try_from(learning).unwrap_or(0),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn d(y: i32, m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, 1).unwrap()
    }

    #[test]
    fn a_fiscal_year_reads_whole_quarters_from_the_quarterly_rollups() {
        let calendar = Period::new(d(2026, 1), d(2026, 12).with_day(31).unwrap()).unwrap();
        let (sql, values) = rollups(&calendar);
        assert!(!sql.contains("time_rollups WHERE"), "{sql}");
        assert_eq!(values.len(), 4);
        let february = Period::new(d(2026, 2), d(2027, 1).with_day(31).unwrap()).unwrap();
        let (sql, values) = rollups(&february);
        assert!(sql.contains("time_rollups_quarterly") && sql.contains("time_rollups WHERE"));
        // February, March and January of the next year by month; Q2, Q3 and Q4 by quarter.
        let expected: Vec<sea_orm::Value> = [d(2026, 4), d(2026, 7), d(2026, 10)]
            .into_iter()
            .chain([d(2026, 2), d(2026, 3), d(2027, 1)])
            .map(sea_orm::Value::from)
            .collect();
        assert_eq!(values, expected);
    }
}
