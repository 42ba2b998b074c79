//! What the bottleneck report reads, in four set-based statements: every membership with its
//! person, every position with its incumbent's signals, every readiness assessment's code and
//! date, and the headcount and leavers per org unit and job level over a window.

use crate::db::statement;
use crate::{parse_id, Conn, StoreError, StoreResult};
use chrono::NaiveDate;
use learnwell_domain::ids::{CohortId, EmployeeId, OrgUnitId, PositionId, ProgrammeId};
use learnwell_domain::org::JobLevel;
use learnwell_domain::pipeline::{MembershipState, Outcome, Readiness};
use sea_orm::{ConnectionTrait, QueryResult};

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

fn unit(s: &str) -> StoreResult<Option<OrgUnitId>> {
    (!s.is_empty()).then(|| parse_id(s)).transpose()
}

fn level(v: i16) -> StoreResult<JobLevel> {
    JobLevel::new(v.into()).map_err(StoreError::corrupt)
}

/// A row of text and integer columns, read by position (portable across both backends).
struct Row(QueryResult);

impl Row {
    fn s(&self, i: usize) -> StoreResult<String> {
        Ok(self.0.try_get_by_index(i)?)
    }
    fn n(&self, i: usize) -> StoreResult<i64> {
        Ok(self.0.try_get_by_index(i)?)
    }
    fn l(&self, i: usize) -> StoreResult<i16> {
        Ok(self.0.try_get_by_index(i)?)
    }
}

async fn rows(c: &impl Conn, sql: &str, values: Vec<sea_orm::Value>) -> StoreResult<Vec<Row>> {
    let all = c
        .conn()
        .query_all(statement(c.backend(), sql, values))
        .await?;
    Ok(all.into_iter().map(Row).collect())
}

/// One membership and its person as the HRIS has them.
#[derive(Debug, Clone)]
pub struct MembershipRow {
    pub employee_id: EmployeeId,
    pub cohort_id: CohortId,
    pub programme_id: ProgrammeId,
    pub state: MembershipState,
    pub admitted: bool,
    pub graduated_on: Option<NaiveDate>,
    pub outcome: Option<(Outcome, NaiveDate)>,
    pub org_unit: Option<OrgUnitId>,
    pub level: JobLevel,
    pub hired_on: Option<NaiveDate>,
    pub terminated_on: Option<NaiveDate>,
}

pub async fn memberships(c: &impl Conn) -> StoreResult<Vec<MembershipRow>> {
    let sql = "SELECT m.employee_id, m.cohort_id, m.programme_id, m.state, \
         CAST(CASE WHEN m.admitted_on IS NULL THEN 0 ELSE 1 END AS BIGINT), \
         COALESCE(CAST(m.graduated_on AS TEXT), ''), COALESCE(m.outcome, ''), \
         COALESCE(CAST(m.outcome_on AS TEXT), ''), COALESCE(e.org_unit_id, ''), e.job_level, \
         COALESCE(CAST(e.hire_date AS TEXT), ''), \
         COALESCE(CAST(CASE WHEN e.status = 'terminated' THEN e.termination_date END AS TEXT), '') \
         FROM pipeline_memberships m JOIN employees e ON e.id = m.employee_id";
    rows(c, sql, Vec::new())
        .await?
        .into_iter()
        .map(|r| {
            let outcome = r.s(6)?;
            let outcome = if outcome.is_empty() {
                None
            } else {
                let on =
                    day(&r.s(7)?)?.ok_or_else(|| StoreError::corrupt("outcome without date"))?;
                Some((Outcome::parse(&outcome).map_err(StoreError::corrupt)?, on))
            };
            Ok(MembershipRow {
                employee_id: parse_id(&r.s(0)?)?,
                cohort_id: parse_id(&r.s(1)?)?,
                programme_id: parse_id(&r.s(2)?)?,
                state: MembershipState::parse(&r.s(3)?).map_err(StoreError::corrupt)?,
                admitted: r.n(4)? == 1,
                graduated_on: day(&r.s(5)?)?,
                outcome,
                org_unit: unit(&r.s(8)?)?,
                level: level(r.l(9)?)?,
                hired_on: day(&r.s(10)?)?,
                terminated_on: day(&r.s(11)?)?,
            })
        })
        .collect()
}

/// One position with its (employed) incumbent's signals.
#[derive(Debug, Clone)]
pub struct PositionRow {
    pub id: PositionId,
    pub org_unit: OrgUnitId,
    pub level: JobLevel,
    /// The incumbent, unless terminated in the HRIS (then the position counts as open).
    pub incumbent: Option<EmployeeId>,
    pub incumbent_since: Option<NaiveDate>,
    pub created_for_growth: bool,
    pub learned_since: bool,
    pub overdue_assigned: bool,
}

/// Every position; `learned_since` says whether the incumbent completed learning on or after
/// `since`, `overdue_assigned` whether they have assigned development due before `today` and
/// not completed.
pub async fn positions(
    c: &impl Conn,
    since: NaiveDate,
    today: NaiveDate,
) -> StoreResult<Vec<PositionRow>> {
    let sql = "SELECT p.id, p.org_unit_id, p.level, COALESCE(e.id, ''), \
         COALESCE(CAST(p.incumbent_since AS TEXT), ''), \
         CAST(CASE WHEN p.created_for_growth THEN 1 ELSE 0 END AS BIGINT), \
         CAST(CASE WHEN EXISTS (SELECT 1 FROM learning_records r WHERE r.employee_id = e.id \
           AND r.completed_on >= ?) THEN 1 ELSE 0 END AS BIGINT), \
         CAST(CASE WHEN EXISTS (SELECT 1 FROM enrollments n WHERE n.employee_id = e.id \
           AND n.origin = 'assigned' AND n.status <> 'completed' AND n.due_date < ?) \
           THEN 1 ELSE 0 END AS BIGINT) \
         FROM pipeline_positions p LEFT JOIN employees e ON e.id = p.incumbent_id \
           AND e.status <> 'terminated'";
    rows(c, sql, vec![since.into(), today.into()])
        .await?
        .into_iter()
        .map(|r| {
            let incumbent = r.s(3)?;
            Ok(PositionRow {
                id: parse_id(&r.s(0)?)?,
                org_unit: parse_id(&r.s(1)?)?,
                level: level(r.l(2)?)?,
                incumbent: (!incumbent.is_empty())
                    .then(|| parse_id(&incumbent))
                    .transpose()?,
                incumbent_since: day(&r.s(4)?)?,
                created_for_growth: r.n(5)? == 1,
                learned_since: r.n(6)? == 1,
                overdue_assigned: r.n(7)? == 1,
            })
        })
        .collect()
}

/// One readiness assessment of an employed person, with where they sit.
#[derive(Debug, Clone)]
pub struct ReadinessRow {
    pub employee_id: EmployeeId,
    pub readiness: Readiness,
    pub assessed_on: NaiveDate,
    pub org_unit: Option<OrgUnitId>,
}

/// Every assessment of people still employed, oldest first per person.
pub async fn readiness(c: &impl Conn) -> StoreResult<Vec<ReadinessRow>> {
    let sql = "SELECT a.employee_id, a.readiness, CAST(a.assessed_on AS TEXT), \
         COALESCE(e.org_unit_id, '') FROM pipeline_readiness a \
         JOIN employees e ON e.id = a.employee_id AND e.status <> 'terminated' \
         ORDER BY a.employee_id, a.assessed_on, a.id";
    rows(c, sql, Vec::new())
        .await?
        .into_iter()
        .map(|r| {
            Ok(ReadinessRow {
                employee_id: parse_id(&r.s(0)?)?,
                readiness: Readiness::parse(&r.s(1)?).map_err(StoreError::corrupt)?,
                assessed_on: day(&r.s(2)?)?.ok_or_else(|| StoreError::corrupt("no date"))?,
                org_unit: unit(&r.s(3)?)?,
            })
        })
        .collect()
}

/// People employed at some time in `from..=to` and people terminated in it, per org unit and
/// job level (one grouped statement).
#[derive(Debug, Clone, Copy)]
pub struct WindowHeadcount {
    pub org_unit: Option<OrgUnitId>,
    pub level: JobLevel,
    pub people: u32,
    pub left: u32,
}

pub async fn headcount_window(
    c: &impl Conn,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<WindowHeadcount>> {
    let sql = "SELECT COALESCE(org_unit_id, ''), job_level, \
         CAST(SUM(CASE WHEN (hire_date IS NULL OR hire_date <= ?) \
           AND (termination_date IS NULL OR termination_date >= ?) THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN status = 'terminated' AND termination_date >= ? \
           AND termination_date <= ? THEN 1 ELSE 0 END) AS BIGINT) \
         FROM employees GROUP BY COALESCE(org_unit_id, ''), job_level";
    let values = vec![to.into(), from.into(), from.into(), to.into()];
    rows(c, sql, values)
        .await?
        .into_iter()
        .map(|r| {
            Ok(WindowHeadcount {
                org_unit: unit(&r.s(0)?)?,
                level: level(r.l(1)?)?,
                people: u32::try_from(r.n(2)?).unwrap_or(0),
                left: u32::try_from(r.n(3)?).unwrap_or(0),
            })
        })
        .collect()
}

/// Since `from`: incumbencies that ended, and positions created for growth.
pub async fn movement_since(
    c: &impl Conn,
    from: NaiveDate,
    created_from: chrono::DateTime<chrono::Utc>,
) -> StoreResult<(u32, u32)> {
    let sql = "SELECT CAST((SELECT COUNT(*) FROM pipeline_position_history WHERE ended_on >= ?) AS BIGINT), \
         CAST((SELECT COUNT(*) FROM pipeline_positions WHERE created_for_growth = ? AND created_at >= ?) AS BIGINT)";
    let r = rows(c, sql, vec![from.into(), true.into(), created_from.into()]).await?;
    let r = r.first().ok_or_else(|| StoreError::corrupt("no row"))?;
    let n = |i| r.n(i).map(|v| u32::try_from(v).unwrap_or(0));
    Ok((n(0)?, n(1)?))
}
