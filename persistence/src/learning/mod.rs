//! Stores of the learning context: enrolments, learning records and which record completed
//! which enrolment.

mod entities;

use crate::db::{insert_all, json_keys, statement};
use crate::{from_u32, parse_id, to_u32, Conn, StoreError, StoreResult, Tx, LOOKUP_CHUNK};
use chrono::NaiveDate;
use entities::{enrollment, learning_record};
use learnwell_domain::ids::{CourseId, EmployeeId, EnrollmentId, LearningRecordId, SkillId};
use learnwell_domain::learning::{
    Completion, Enrollment, EnrollmentOrigin, EnrollmentStatus, LearningRecord, LearningSource,
    Score, StoredEnrollment,
};
use learnwell_domain::org::Label;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{HashMap, HashSet};

// ---- enrolments ----

fn to_enrollment(m: enrollment::Model) -> StoreResult<Enrollment> {
    let c = StoreError::corrupt;
    Ok(Enrollment::restore(StoredEnrollment {
        id: parse_id(&m.id)?,
        employee_id: parse_id(&m.employee_id)?,
        course_id: parse_id(&m.course_id)?,
        origin: EnrollmentOrigin::parse(&m.origin).map_err(c)?,
        assigned_by: m.assigned_by,
        status: EnrollmentStatus::parse(&m.status).map_err(c)?,
        due_date: m.due_date,
        completed_on: m.completed_on,
        score: m.score.map(Score::new).transpose().map_err(c)?,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }))
}

fn to_enrollment_model(e: &Enrollment) -> enrollment::Model {
    enrollment::Model {
        id: e.id().to_string(),
        employee_id: e.employee_id().to_string(),
        course_id: e.course_id().to_string(),
        origin: e.origin().code().to_owned(),
        assigned_by: e.assigned_by().map(str::to_owned),
        status: e.status().code().to_owned(),
        due_date: e.due_date(),
        completed_on: e.completed_on(),
        score: e.score().map(Score::get),
        version: e.version(),
        created_at: e.created_at(),
        updated_at: e.updated_at(),
    }
}

fn to_enrollment_row(e: &Enrollment) -> enrollment::ActiveModel {
    to_enrollment_model(e).into_active_model().reset_all()
}

pub async fn get_enrollment(c: &impl Conn, id: EnrollmentId) -> StoreResult<Option<Enrollment>> {
    enrollment::Entity::find_by_id(id.to_string())
        .one(c.conn())
        .await?
        .map(to_enrollment)
        .transpose()
}

/// Every enrolment of these employees, in id order.
pub async fn enrollments_of(
    c: &impl Conn,
    employees: &[EmployeeId],
) -> StoreResult<Vec<Enrollment>> {
    let mut out = Vec::new();
    for chunk in employees.chunks(LOOKUP_CHUNK) {
        let rows = enrollment::Entity::find()
            .filter(enrollment::Column::EmployeeId.is_in(chunk.iter().map(ToString::to_string)))
            .order_by_asc(enrollment::Column::Id)
            .all(c.conn())
            .await?;
        for r in rows {
            out.push(to_enrollment(r)?);
        }
    }
    Ok(out)
}

/// The enrolments in `course` of these employees, by employee. One statement.
pub async fn enrollments_in_course(
    c: &impl Conn,
    course: CourseId,
    employees: &[EmployeeId],
) -> StoreResult<HashMap<EmployeeId, Enrollment>> {
    if employees.is_empty() {
        return Ok(HashMap::new());
    }
    let keys: Vec<String> = employees.iter().map(ToString::to_string).collect();
    let json = serde_json::to_string(&keys).map_err(StoreError::corrupt)?;
    let sql = format!(
        "SELECT * FROM enrollments WHERE course_id = ? AND employee_id IN ({})",
        json_keys(c.backend())
    );
    let rows = enrollment::Entity::find()
        .from_raw_sql(statement(
            c.backend(),
            &sql,
            vec![course.to_string().into(), json.into()],
        ))
        .all(c.conn())
        .await?;
    rows.into_iter()
        .map(|r| {
            let e = to_enrollment(r)?;
            Ok((e.employee_id(), e))
        })
        .collect()
}

/// Open (enrolled or in progress) enrolments for these (employee, course) pairs.
pub async fn open_enrollments_for(
    c: &impl Conn,
    pairs: &[(EmployeeId, CourseId)],
) -> StoreResult<HashMap<(EmployeeId, CourseId), Enrollment>> {
    let mut out = HashMap::new();
    let employees: Vec<String> = pairs
        .iter()
        .map(|(e, _)| e.to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let wanted: HashSet<&(EmployeeId, CourseId)> = pairs.iter().collect();
    for chunk in employees.chunks(LOOKUP_CHUNK) {
        let rows = enrollment::Entity::find()
            .filter(enrollment::Column::EmployeeId.is_in(chunk.iter().cloned()))
            .filter(enrollment::Column::Status.is_in([
                EnrollmentStatus::Enrolled.code(),
                EnrollmentStatus::InProgress.code(),
            ]))
            .all(c.conn())
            .await?;
        for r in rows {
            let e = to_enrollment(r)?;
            let key = (e.employee_id(), e.course_id());
            if wanted.contains(&key) {
                out.insert(key, e);
            }
        }
    }
    Ok(out)
}

pub async fn insert_enrollments(tx: &Tx, rows: &[Enrollment]) -> StoreResult<()> {
    let models: Vec<enrollment::Model> = rows.iter().map(to_enrollment_model).collect();
    insert_all::<enrollment::Entity>(tx, &models, &[]).await
}

/// Write `e` (whose `version` is already the new one) if the stored row still has `e.version - 1`.
pub async fn update_enrollment(tx: &Tx, e: &Enrollment) -> StoreResult<()> {
    let result = enrollment::Entity::update_many()
        .set(to_enrollment_row(e))
        .filter(enrollment::Column::Id.eq(e.id().to_string()))
        .filter(enrollment::Column::Version.eq(e.version() - 1))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    Ok(())
}

/// Whose enrolments a list covers.
#[derive(Debug, Clone)]
pub enum People {
    Everyone,
    Employee(EmployeeId),
    /// The manager's transitive reports.
    ReportsOf(EmployeeId),
    /// Employees of these org units.
    OrgUnits(Vec<String>),
}

/// Filters of the enrolment list.
#[derive(Debug, Clone)]
pub struct EnrollmentQuery {
    pub people: People,
    pub course_id: Option<CourseId>,
    pub status: Option<EnrollmentStatus>,
    /// Only open enrolments due before this date.
    pub overdue_on: Option<NaiveDate>,
}

/// The SQL that limits enrolments `en` to some people: a `WITH` clause and its values, and
/// conditions and theirs.
#[derive(Default)]
struct Filter {
    with: String,
    with_values: Vec<sea_orm::Value>,
    clauses: Vec<String>,
    values: Vec<sea_orm::Value>,
}

impl Filter {
    /// Limit to `people`; false when that is nobody (no query needed).
    fn people(&mut self, people: &People) -> bool {
        match people {
            People::Everyone => {}
            People::Employee(e) => {
                self.clauses.push("en.employee_id = ?".into());
                self.values.push(e.to_string().into());
            }
            People::ReportsOf(m) => {
                self.with = "WITH RECURSIVE team(id, depth) AS ( \
                      SELECT id, 1 FROM employees WHERE manager_id = ? \
                      UNION ALL SELECT e.id, t.depth + 1 FROM employees e JOIN team t ON e.manager_id = t.id \
                      WHERE t.depth < 256) "
                    .into();
                self.with_values.push(m.to_string().into());
                self.clauses
                    .push("en.employee_id IN (SELECT id FROM team)".into());
            }
            People::OrgUnits(units) => {
                if units.is_empty() {
                    return false;
                }
                let marks = vec!["?"; units.len()].join(",");
                self.clauses.push(format!(
                    "en.employee_id IN (SELECT id FROM employees WHERE org_unit_id IN ({marks}))"
                ));
                self.values.extend(units.iter().map(|u| u.clone().into()));
            }
        }
        true
    }

    fn where_clause(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// Enrolments of a course in one status, counted: `overdue` ones are open, past due and of
/// people still employed; `completed_in_period` completed within the period asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseStateCount {
    pub course_id: CourseId,
    pub status: EnrollmentStatus,
    pub overdue: bool,
    pub count: u64,
    pub completed_in_period: u64,
}

#[derive(FromQueryResult)]
struct CourseStateRow {
    course_id: String,
    status: String,
    overdue: bool,
    n: i64,
    completed_in_period: i64,
}

fn count(n: i64) -> StoreResult<u64> {
    u64::try_from(n).map_err(StoreError::corrupt)
}

/// Enrolments per course, status and overdue-ness among `people` (of `courses`, or every
/// course), with completions between `from` and `to` (inclusive) when given. One statement.
pub async fn course_state_counts(
    c: &impl Conn,
    people: &People,
    courses: Option<&[CourseId]>,
    today: NaiveDate,
    completed: Option<(NaiveDate, NaiveDate)>,
) -> StoreResult<Vec<CourseStateCount>> {
    let mut f = Filter::default();
    if !f.people(people) || courses.is_some_and(<[CourseId]>::is_empty) {
        return Ok(Vec::new());
    }
    let mut values = vec![today.into()];
    let in_period = match completed {
        Some((from, to)) => {
            values.push(from.into());
            values.push(to.into());
            "CASE WHEN en.status = 'completed' AND en.completed_on BETWEEN ? AND ? \
             THEN 1 ELSE 0 END"
        }
        None => "0",
    };
    if let Some(courses) = courses {
        let json =
            serde_json::to_string(&courses.iter().map(ToString::to_string).collect::<Vec<_>>())
                .map_err(StoreError::corrupt)?;
        f.clauses
            .push(format!("en.course_id IN ({})", json_keys(c.backend())));
        f.values.push(json.into());
    }
    let sql = format!(
        "{with}SELECT course_id, status, overdue, CAST(COUNT(*) AS BIGINT) AS n, \
         CAST(SUM(in_period) AS BIGINT) AS completed_in_period FROM ( \
           SELECT en.course_id, en.status, \
             CASE WHEN en.status IN ('enrolled', 'in_progress') AND en.due_date < ? \
              AND e.status <> 'terminated' THEN 1 ELSE 0 END = 1 AS overdue, \
             {in_period} AS in_period \
           FROM enrollments en JOIN employees e ON e.id = en.employee_id {filter} \
         ) t GROUP BY course_id, status, overdue ORDER BY course_id, status, overdue",
        with = f.with,
        filter = f.where_clause(),
    );
    // In the order of the text: the WITH clause's, the select list's, the conditions'.
    let all = [f.with_values, values, f.values].concat();
    CourseStateRow::find_by_statement(statement(c.backend(), &sql, all))
        .all(c.conn())
        .await?
        .into_iter()
        .map(|r| {
            Ok(CourseStateCount {
                course_id: parse_id(&r.course_id)?,
                status: EnrollmentStatus::parse(&r.status).map_err(StoreError::corrupt)?,
                overdue: r.overdue,
                count: count(r.n)?,
                completed_in_period: count(r.completed_in_period)?,
            })
        })
        .collect()
}

/// People learning a skill (an open enrolment in a course that teaches it) and people who
/// completed one, counted by what they do: `learning` and `completed` may both hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillLearners {
    pub skill_id: SkillId,
    pub learning: bool,
    pub completed: bool,
    pub count: u64,
}

#[derive(FromQueryResult)]
struct SkillLearnersRow {
    skill_id: String,
    learning: bool,
    completed: bool,
    n: i64,
}

/// [`SkillLearners`] among `people`, per skill. One statement.
pub async fn skill_learners(c: &impl Conn, people: &People) -> StoreResult<Vec<SkillLearners>> {
    let mut f = Filter::default();
    if !f.people(people) {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{with}SELECT skill_id, learning, completed, CAST(COUNT(*) AS BIGINT) AS n FROM ( \
           SELECT cs.skill_id, en.employee_id, \
             MAX(CASE WHEN en.status IN ('enrolled', 'in_progress') THEN 1 ELSE 0 END) = 1 AS learning, \
             MAX(CASE WHEN en.status = 'completed' THEN 1 ELSE 0 END) = 1 AS completed \
           FROM enrollments en JOIN course_skills cs ON cs.course_id = en.course_id {filter} \
           GROUP BY cs.skill_id, en.employee_id \
         ) t WHERE learning OR completed GROUP BY skill_id, learning, completed \
         ORDER BY skill_id, learning, completed",
        with = f.with,
        filter = f.where_clause(),
    );
    let values = [f.with_values, f.values].concat();
    SkillLearnersRow::find_by_statement(statement(c.backend(), &sql, values))
        .all(c.conn())
        .await?
        .into_iter()
        .map(|r| {
            Ok(SkillLearners {
                skill_id: parse_id(&r.skill_id)?,
                learning: r.learning,
                completed: r.completed,
                count: count(r.n)?,
            })
        })
        .collect()
}

/// The enrolments `q` names, as a filter of `en` (None: nobody's).
fn enrollments_matching(q: &EnrollmentQuery) -> Option<Filter> {
    let mut f = Filter::default();
    if !f.people(&q.people) {
        return None;
    }
    if let Some(course) = q.course_id {
        f.clauses.push("en.course_id = ?".into());
        f.values.push(course.to_string().into());
    }
    if let Some(s) = q.status {
        f.clauses.push("en.status = ?".into());
        f.values.push(s.code().into());
    }
    if let Some(day) = q.overdue_on {
        // A leaver's open enrolment is not overdue: they will not take it.
        f.clauses.push(
            "en.status IN ('enrolled', 'in_progress') AND en.due_date < ? \
             AND en.employee_id IN (SELECT id FROM employees WHERE status <> 'terminated')"
                .into(),
        );
        f.values.push(day.into());
    }
    Some(f)
}

#[derive(FromQueryResult)]
struct CountRow {
    n: i64,
}

/// How many enrolments match `q` (every page of it). One statement.
pub async fn count_enrollments(c: &impl Conn, q: &EnrollmentQuery) -> StoreResult<u64> {
    let Some(f) = enrollments_matching(q) else {
        return Ok(0);
    };
    let sql = format!(
        "{}SELECT CAST(COUNT(*) AS BIGINT) AS n FROM enrollments en {}",
        f.with,
        f.where_clause()
    );
    let values = [f.with_values, f.values].concat();
    let row = CountRow::find_by_statement(statement(c.backend(), &sql, values))
        .one(c.conn())
        .await?;
    count(row.map_or(0, |r| r.n))
}

/// One page of enrolments in id order after the cursor. Team lists follow the reporting line in SQL.
pub async fn list_enrollments(
    c: &impl Conn,
    q: &EnrollmentQuery,
    after: Option<EnrollmentId>,
    limit: u64,
) -> StoreResult<Vec<Enrollment>> {
    let Some(mut f) = enrollments_matching(q) else {
        return Ok(Vec::new());
    };
    if let Some(a) = after {
        f.clauses.push("en.id > ?".into());
        f.values.push(a.to_string().into());
    }
    f.values
        .push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    let sql = format!(
        "{}SELECT en.* FROM enrollments en {} ORDER BY en.id LIMIT ?",
        f.with,
        f.where_clause()
    );
    let values = [f.with_values, f.values].concat();
    enrollment::Entity::find()
        .from_raw_sql(statement(c.backend(), &sql, values))
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_enrollment)
        .collect()
}

// ---- learning records ----

fn to_record(m: learning_record::Model) -> StoreResult<LearningRecord> {
    let c = StoreError::corrupt;
    Ok(LearningRecord {
        id: parse_id(&m.id)?,
        employee_id: parse_id(&m.employee_id)?,
        course_id: m.course_id.as_deref().map(parse_id).transpose()?,
        title: Label::parse(&m.title).map_err(c)?,
        completed_on: m.completed_on,
        minutes: to_u32(m.minutes)?,
        score: m.score.map(Score::new).transpose().map_err(c)?,
        source: LearningSource::parse(&m.source).map_err(c)?,
        source_id: m.source_id,
        created_at: m.created_at,
    })
}

fn to_record_model(r: &LearningRecord) -> learning_record::Model {
    learning_record::Model {
        id: r.id.to_string(),
        employee_id: r.employee_id.to_string(),
        course_id: r.course_id.map(|c| c.to_string()),
        title: r.title.as_str().to_owned(),
        completed_on: r.completed_on,
        minutes: from_u32(r.minutes),
        score: r.score.map(Score::get),
        source: r.source.code().to_owned(),
        source_id: r.source_id.clone(),
        created_at: r.created_at,
    }
}

#[derive(FromQueryResult)]
struct SourceRow {
    id: String,
    source_id: String,
}

/// The records of `source` already holding these source ids, by source id. One statement.
pub async fn recorded_source_ids(
    c: &impl Conn,
    source: LearningSource,
    source_ids: &[&str],
) -> StoreResult<HashMap<String, LearningRecordId>> {
    if source_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let json = serde_json::to_string(source_ids).map_err(StoreError::corrupt)?;
    let sql = format!(
        "SELECT id, source_id FROM learning_records WHERE source = ? AND source_id IN ({})",
        json_keys(c.backend())
    );
    let rows = SourceRow::find_by_statement(statement(
        c.backend(),
        &sql,
        vec![source.code().into(), json.into()],
    ))
    .all(c.conn())
    .await?;
    rows.into_iter()
        .map(|r| Ok((r.source_id, parse_id(&r.id)?)))
        .collect()
}

/// Insert records; a `(source, source_id)` already present is skipped, never duplicated.
pub async fn insert_records(tx: &Tx, rows: &[LearningRecord]) -> StoreResult<()> {
    let models: Vec<learning_record::Model> = rows.iter().map(to_record_model).collect();
    insert_all::<learning_record::Entity>(tx, &models, &["source", "source_id"]).await
}

/// Delete the records of `source` with these source ids; returns the ids of those deleted.
/// Remember which records completed which enrolments (in the completing transaction).
pub async fn insert_completions(tx: &Tx, rows: &[Completion]) -> StoreResult<()> {
    for chunk in rows.chunks(LOOKUP_CHUNK) {
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * 4);
        for c in chunk {
            values.extend([
                sea_orm::Value::from(c.learning_record_id.to_string()),
                c.enrollment_id.to_string().into(),
                c.previous_status.code().into(),
                c.previous_score.map(Score::get).into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO enrollment_completions (learning_record_id, enrollment_id, \
             previous_status, previous_score) VALUES {}",
            vec!["(?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        tx.conn()
            .execute(statement(tx.backend(), &sql, values))
            .await
            .map_err(StoreError::from_write)?;
    }
    Ok(())
}

/// Take (read and forget) the completions of these records: the records are going away.
pub async fn take_completions(
    tx: &Tx,
    records: &[LearningRecordId],
) -> StoreResult<Vec<Completion>> {
    #[derive(FromQueryResult)]
    struct Row {
        learning_record_id: String,
        enrollment_id: String,
        previous_status: String,
        previous_score: Option<f64>,
    }
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = records.iter().map(ToString::to_string).collect();
    let json = serde_json::to_string(&ids).map_err(StoreError::corrupt)?;
    let filter = format!("learning_record_id IN ({})", json_keys(tx.backend()));
    let rows = Row::find_by_statement(statement(
        tx.backend(),
        &format!(
            "SELECT learning_record_id, enrollment_id, previous_status, previous_score \
             FROM enrollment_completions WHERE {filter}"
        ),
        vec![json.clone().into()],
    ))
    .all(tx.conn())
    .await?;
    tx.conn()
        .execute(statement(
            tx.backend(),
            &format!("DELETE FROM enrollment_completions WHERE {filter}"),
            vec![json.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Completion {
                learning_record_id: parse_id(&r.learning_record_id)?,
                enrollment_id: parse_id(&r.enrollment_id)?,
                previous_status: EnrollmentStatus::parse(&r.previous_status)
                    .map_err(StoreError::corrupt)?,
                previous_score: r
                    .previous_score
                    .map(Score::new)
                    .transpose()
                    .map_err(StoreError::corrupt)?,
            })
        })
        .collect()
}

pub async fn delete_records_by_source(
    tx: &Tx,
    source: LearningSource,
    source_ids: &[String],
) -> StoreResult<Vec<LearningRecordId>> {
    let found = learning_record::Entity::find()
        .filter(learning_record::Column::Source.eq(source.code()))
        .filter(learning_record::Column::SourceId.is_in(source_ids.iter().cloned()))
        .all(tx.conn())
        .await?;
    let ids: Vec<String> = found.into_iter().map(|r| r.id).collect();
    if !ids.is_empty() {
        learning_record::Entity::delete_many()
            .filter(learning_record::Column::Id.is_in(ids.iter().cloned()))
            .exec(tx.conn())
            .await?;
    }
    ids.iter().map(|id| parse_id(id)).collect()
}

/// The newest learning record of a person for a course (by completion day, then id), if any.
pub async fn newest_record_for(
    c: &impl Conn,
    employee: EmployeeId,
    course: CourseId,
) -> StoreResult<Option<LearningRecord>> {
    learning_record::Entity::find()
        .filter(learning_record::Column::EmployeeId.eq(employee.to_string()))
        .filter(learning_record::Column::CourseId.eq(course.to_string()))
        .order_by_desc(learning_record::Column::CompletedOn)
        .order_by_desc(learning_record::Column::Id)
        .one(c.conn())
        .await?
        .map(to_record)
        .transpose()
}

pub async fn get_record(
    c: &impl Conn,
    id: LearningRecordId,
) -> StoreResult<Option<LearningRecord>> {
    learning_record::Entity::find_by_id(id.to_string())
        .one(c.conn())
        .await?
        .map(to_record)
        .transpose()
}

/// One page of an employee's learning records (or everyone's), in id order after the cursor.
pub async fn list_records(
    c: &impl Conn,
    employee: Option<EmployeeId>,
    after: Option<LearningRecordId>,
    limit: u64,
) -> StoreResult<Vec<LearningRecord>> {
    let mut find = learning_record::Entity::find();
    if let Some(e) = employee {
        find = find.filter(learning_record::Column::EmployeeId.eq(e.to_string()));
    }
    if let Some(a) = after {
        find = find.filter(learning_record::Column::Id.gt(a.to_string()));
    }
    find.order_by_asc(learning_record::Column::Id)
        .limit(limit)
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_record)
        .collect()
}
