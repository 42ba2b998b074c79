//! Stores of the learning-time context: policies and time entries, and usage sums for summaries.

use crate::db::{insert_all, json_keys, json_rows, statement};
use crate::{parse_id, Backend, Conn, StoreError, StoreResult, Tx};
use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use learnwell_domain::catalog::Description;
use learnwell_domain::ids::{EmployeeId, LearningRecordId, OrgUnitId, TimeEntryId};
use learnwell_domain::learning_time::{
    ApprovalState, EntryCategory, EntryMinutes, Grant, GrantKind, PersonUsage, Policy, PolicyName,
    PolicyPeriod, PolicyScope, ProtectedSlot, TimeEntry, Usage, VersionedPolicy,
};
use learnwell_domain::org::{ContractedHours, EmploymentDates, JobLevel, Period};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};

mod entities {
    pub mod policy {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "learning_time_policies")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: String,
            pub name: String,
            pub scope_kind: String,
            pub scope_org_unit_id: Option<String>,
            pub scope_job_level: Option<i16>,
            pub grant_kind: String,
            pub grant_value: i32,
            pub period: String,
            pub carry_over_cap_minutes: i32,
            pub slot_weekday: Option<i16>,
            pub slot_start: Option<String>,
            pub slot_end: Option<String>,
            pub approval_threshold_minutes: Option<i32>,
            pub full_time_centihours: i32,
            pub effective_from: Date,
            pub effective_to: Option<Date>,
            pub version: i64,
            pub created_at: DateTimeUtc,
            pub updated_at: DateTimeUtc,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    pub mod time_entry {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
        #[sea_orm(table_name = "time_entries")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: String,
            pub employee_id: String,
            pub entry_date: Date,
            pub minutes: i32,
            pub in_work_time: bool,
            pub category: String,
            pub course_id: Option<String>,
            pub skill_id: Option<String>,
            pub note: Option<String>,
            pub approval: String,
            pub learning_record_id: Option<String>,
            pub decided_by: Option<String>,
            pub version: i64,
            pub created_at: DateTimeUtc,
            pub updated_at: DateTimeUtc,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }
}

use entities::{policy, time_entry};

fn u32_of(v: i32) -> StoreResult<u32> {
    u32::try_from(v).map_err(|_| StoreError::corrupt(format!("negative value {v}")))
}

fn i32_of(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn time(s: &str) -> StoreResult<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").map_err(StoreError::corrupt)
}

// ---- policies ----

fn to_policy(m: policy::Model) -> StoreResult<Policy> {
    let c = StoreError::corrupt;
    let scope = match (
        m.scope_kind.as_str(),
        m.scope_org_unit_id,
        m.scope_job_level,
    ) {
        ("organisation", _, _) => PolicyScope::Organisation,
        ("org_unit", Some(u), _) => PolicyScope::OrgUnit(parse_id(&u)?),
        ("job_level", _, Some(l)) => PolicyScope::JobLevel(JobLevel::new(l.into()).map_err(c)?),
        (other, _, _) => return Err(StoreError::corrupt(format!("policy scope {other}"))),
    };
    let value = u32_of(m.grant_value)?;
    let grant = Grant::new(match m.grant_kind.as_str() {
        "share" => GrantKind::ShareOfContracted {
            basis_points: value,
        },
        _ => GrantKind::FixedMinutes {
            minutes_per_period: value,
        },
    })
    .map_err(c)?;
    let protected_slot = match (m.slot_weekday, m.slot_start, m.slot_end) {
        (Some(d), Some(start), Some(end)) => {
            let weekday = u8::try_from(d)
                .ok()
                .and_then(|d| Weekday::try_from(d.saturating_sub(1)).ok())
                .ok_or_else(|| StoreError::corrupt(format!("weekday {d}")))?;
            Some(ProtectedSlot::new(weekday, time(&start)?, time(&end)?).map_err(c)?)
        }
        _ => None,
    };
    Ok(Policy {
        id: parse_id(&m.id)?,
        name: PolicyName::parse(&m.name).map_err(c)?,
        scope,
        grant,
        period: PolicyPeriod::parse(&m.period).map_err(c)?,
        carry_over_cap_minutes: u32_of(m.carry_over_cap_minutes)?,
        protected_slot,
        approval_threshold_minutes: m.approval_threshold_minutes.map(u32_of).transpose()?,
        full_time_hours: ContractedHours::new(f64::from(m.full_time_centihours) / 100.0)
            .map_err(c)?,
        effective_from: m.effective_from,
        effective_to: m.effective_to,
    })
}

fn to_policy_model(p: &Policy, version: i64, at: chrono::DateTime<chrono::Utc>) -> policy::Model {
    let (kind, unit, level) = match p.scope {
        PolicyScope::Organisation => ("organisation", None, None),
        PolicyScope::OrgUnit(u) => ("org_unit", Some(u.to_string()), None),
        PolicyScope::JobLevel(l) => ("job_level", None, Some(i16::from(l.get()))),
    };
    let (grant_kind, value) = match p.grant.kind() {
        GrantKind::ShareOfContracted { basis_points } => ("share", basis_points),
        GrantKind::FixedMinutes { minutes_per_period } => ("fixed", minutes_per_period),
    };
    let slot = p.protected_slot.as_ref();
    #[expect(
        clippy::cast_possible_truncation,
        reason = "at most 8000 centi-hours by construction"
    )]
    let full_time_centihours = (p.full_time_hours.hours() * 100.0).round() as i32;
    policy::Model {
        id: p.id.to_string(),
        name: p.name.to_string(),
        scope_kind: kind.to_owned(),
        scope_org_unit_id: unit,
        scope_job_level: level,
        grant_kind: grant_kind.to_owned(),
        grant_value: i32_of(value),
        period: p.period.code().to_owned(),
        carry_over_cap_minutes: i32_of(p.carry_over_cap_minutes),
        slot_weekday: slot
            .map(|s| i16::from(u8::try_from(s.weekday().number_from_monday()).unwrap_or(1))),
        slot_start: slot.map(|s| s.start().format("%H:%M").to_string()),
        slot_end: slot.map(|s| s.end().format("%H:%M").to_string()),
        approval_threshold_minutes: p.approval_threshold_minutes.map(i32_of),
        full_time_centihours,
        effective_from: p.effective_from,
        effective_to: p.effective_to,
        version,
        created_at: at,
        updated_at: at,
    }
}

fn to_stored(m: policy::Model) -> StoreResult<VersionedPolicy> {
    let (version, created_at, updated_at) = (m.version, m.created_at, m.updated_at);
    Ok(VersionedPolicy {
        policy: to_policy(m)?,
        version,
        created_at,
        updated_at,
    })
}

/// Every policy, past and present, oldest first.
pub async fn list_policies(c: &impl Conn) -> StoreResult<Vec<VersionedPolicy>> {
    policy::Entity::find()
        .order_by_asc(policy::Column::Id)
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_stored)
        .collect()
}

/// A page of the policies in creation order, after the policy `after`.
pub async fn list_policies_after(
    c: &impl Conn,
    after: Option<learnwell_domain::ids::PolicyId>,
    limit: u64,
) -> StoreResult<Vec<VersionedPolicy>> {
    let after = after.map(|a| a.to_string());
    crate::paging::after_key(policy::Entity::find(), policy::Column::Id, after, limit)
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_stored)
        .collect()
}

pub async fn get_policy(
    c: &impl Conn,
    id: learnwell_domain::ids::PolicyId,
) -> StoreResult<Option<VersionedPolicy>> {
    policy::Entity::find_by_id(id.to_string())
        .one(c.conn())
        .await?
        .map(to_stored)
        .transpose()
}

pub async fn insert_policy(tx: &Tx, p: &VersionedPolicy) -> StoreResult<()> {
    let mut m = to_policy_model(&p.policy, p.version, p.updated_at);
    m.created_at = p.created_at;
    policy::Entity::insert(m.into_active_model().reset_all())
        .exec_without_returning(tx.conn())
        .await?;
    Ok(())
}

/// Write `p` (whose `version` is already the new one) if the stored row still has the one before.
pub async fn update_policy(tx: &Tx, p: &VersionedPolicy) -> StoreResult<()> {
    let mut m = to_policy_model(&p.policy, p.version, p.updated_at);
    m.created_at = p.created_at;
    let r = policy::Entity::update_many()
        .set(m.into_active_model().reset_all())
        .filter(policy::Column::Id.eq(p.policy.id.to_string()))
        .filter(policy::Column::Version.eq(p.version - 1))
        .exec(tx.conn())
        .await?;
    if r.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    Ok(())
}

// ---- time entries ----

fn to_entry(m: time_entry::Model) -> StoreResult<TimeEntry> {
    let c = StoreError::corrupt;
    Ok(TimeEntry {
        id: parse_id(&m.id)?,
        employee_id: parse_id(&m.employee_id)?,
        date: m.entry_date,
        minutes: EntryMinutes::new(m.minutes.into()).map_err(c)?,
        in_work_time: m.in_work_time,
        category: EntryCategory::parse(&m.category).map_err(c)?,
        course_id: m.course_id.as_deref().map(parse_id).transpose()?,
        skill_id: m.skill_id.as_deref().map(parse_id).transpose()?,
        learning_record_id: m.learning_record_id.as_deref().map(parse_id).transpose()?,
        note: m
            .note
            .as_deref()
            .map(Description::parse)
            .transpose()
            .map_err(c)?,
        approval: ApprovalState::parse(&m.approval).map_err(c)?,
        decided_by: m.decided_by,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_entry_model(e: &TimeEntry) -> time_entry::Model {
    time_entry::Model {
        id: e.id.to_string(),
        employee_id: e.employee_id.to_string(),
        entry_date: e.date,
        minutes: i32_of(e.minutes.get()),
        in_work_time: e.in_work_time,
        category: e.category.code().to_owned(),
        course_id: e.course_id.map(|x| x.to_string()),
        skill_id: e.skill_id.map(|x| x.to_string()),
        learning_record_id: e.learning_record_id.map(|x| x.to_string()),
        note: e.note.as_ref().map(ToString::to_string),
        approval: e.approval.code().to_owned(),
        decided_by: e.decided_by.clone(),
        version: e.version,
        created_at: e.created_at,
        updated_at: e.updated_at,
    }
}

pub async fn get_entry(c: &impl Conn, id: TimeEntryId) -> StoreResult<Option<TimeEntry>> {
    time_entry::Entity::find_by_id(id.to_string())
        .one(c.conn())
        .await?
        .map(to_entry)
        .transpose()
}

/// The entries spent on these learning records.
pub async fn entries_of_records(
    c: &impl Conn,
    records: &[LearningRecordId],
) -> StoreResult<Vec<TimeEntry>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    time_entry::Entity::find()
        .filter(time_entry::Column::LearningRecordId.is_in(records.iter().map(ToString::to_string)))
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_entry)
        .collect()
}

/// Delete an entry (the caller rolls it out of the monthly sums).
pub async fn delete_entry(tx: &Tx, id: TimeEntryId) -> StoreResult<()> {
    time_entry::Entity::delete_by_id(id.to_string())
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Insert new entries (the caller rolls them into the sums).
pub async fn insert_entries(tx: &Tx, entries: &[TimeEntry]) -> StoreResult<()> {
    let models: Vec<time_entry::Model> = entries.iter().map(to_entry_model).collect();
    insert_all::<time_entry::Entity>(tx, &models, &[]).await
}

/// Write `e` (whose `version` is already the new one) if the stored row still has the one before.
pub async fn update_entry(tx: &Tx, e: &TimeEntry) -> StoreResult<()> {
    let r = time_entry::Entity::update_many()
        .set(to_entry_model(e).into_active_model().reset_all())
        .filter(time_entry::Column::Id.eq(e.id.to_string()))
        .filter(time_entry::Column::Version.eq(e.version - 1))
        .exec(tx.conn())
        .await?;
    if r.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    Ok(())
}

/// Minutes each person has logged on each day asked for (rejected entries and `except` not
/// counted; a day with none is missing). Read inside the writing transaction, so concurrent
/// entries cannot together pass the 24-hour check: SQLite has one writer, and on PostgreSQL the
/// caller holds the people's locks ([`lock_people`]).
pub async fn minutes_on_days(
    c: &impl Conn,
    days: &[(EmployeeId, NaiveDate)],
    except: Option<TimeEntryId>,
) -> StoreResult<HashMap<(EmployeeId, NaiveDate), u32>> {
    #[derive(FromQueryResult)]
    struct DaySum {
        employee_id: String,
        entry_date: NaiveDate,
        total: i64,
    }
    if days.is_empty() {
        return Ok(HashMap::new());
    }
    let pairs: Vec<serde_json::Value> = days
        .iter()
        .map(|(p, d)| serde_json::json!([p.to_string(), d.to_string()]))
        .collect();
    // Exactly the pairs asked for (not every person on every day), each found by the index.
    let sql = format!(
        "SELECT employee_id, entry_date, SUM(minutes) AS total FROM time_entries \
         WHERE (employee_id, entry_date) IN ({}) \
         AND approval <> 'rejected' AND id <> ? GROUP BY employee_id, entry_date",
        json_rows(c.backend(), &["text", "date"])
    );
    let values = vec![
        json_list(&pairs)?,
        except.map_or_else(String::new, |e| e.to_string()).into(),
    ];
    let rows = DaySum::find_by_statement(statement(c.backend(), &sql, values))
        .all(c.conn())
        .await?;
    rows.into_iter()
        .map(|r| {
            let minutes = u32::try_from(r.total).unwrap_or(u32::MAX);
            Ok(((parse_id(&r.employee_id)?, r.entry_date), minutes))
        })
        .collect()
}

/// Serialize writers of these people's entries: PostgreSQL locks their employee rows, in id
/// order so that two writers cannot deadlock, until commit (SQLite transactions already run one
/// at a time).
pub async fn lock_people(tx: &Tx, people: &[EmployeeId]) -> StoreResult<()> {
    if tx.backend() == crate::Backend::Postgres && !people.is_empty() {
        let ids: Vec<String> = people.iter().map(ToString::to_string).collect();
        let sql = format!(
            "SELECT id FROM employees WHERE id IN ({}) ORDER BY id FOR UPDATE",
            json_keys(tx.backend())
        );
        sea_orm::ConnectionTrait::execute(
            tx.conn(),
            statement(tx.backend(), &sql, vec![json_list(&ids)?]),
        )
        .await?;
    }
    Ok(())
}

/// One page of a person's entries between two days (inclusive), in id order.
pub async fn list_entries(
    c: &impl Conn,
    employee: EmployeeId,
    from: NaiveDate,
    to: NaiveDate,
    after: Option<TimeEntryId>,
    limit: u64,
) -> StoreResult<Vec<TimeEntry>> {
    let mut find = time_entry::Entity::find()
        .filter(time_entry::Column::EmployeeId.eq(employee.to_string()))
        .filter(time_entry::Column::EntryDate.between(from, to));
    if let Some(a) = after {
        find = find.filter(time_entry::Column::Id.gt(a.to_string()));
    }
    find.order_by_asc(time_entry::Column::Id)
        .limit(limit)
        .all(c.conn())
        .await?
        .into_iter()
        .map(to_entry)
        .collect()
}

/// The rollup columns of the entry categories, in `EntryCategory::ALL` order.
const CATEGORY_COLUMNS: [&str; 6] = [
    "assigned",
    "role_related",
    "exploratory",
    "mentoring",
    "coaching",
    "advising",
];

/// Add (`sign` 1) or take away (`sign` -1) entries' minutes in their people's months and
/// quarters: one upsert per table, of the sums per person and period. Rejected entries count
/// nowhere, so callers roll an entry in when it starts counting and out when it stops. Upserts
/// are atomic on both engines, so concurrent writers cannot lose minutes.
pub async fn roll(tx: &Tx, entries: &[(&TimeEntry, i64)]) -> StoreResult<()> {
    let mut columns = vec!["in_work", "outside_work"];
    columns.extend(CATEGORY_COLUMNS);
    for (table, period, key) in [
        ("time_rollups", "month", "employee_id, month"),
        ("time_rollups_quarterly", "quarter", "quarter, employee_id"),
    ] {
        let mut sums: BTreeMap<(EmployeeId, NaiveDate), [i64; 8]> = BTreeMap::new();
        for (e, sign) in entries {
            if e.approval == ApprovalState::Rejected {
                continue;
            }
            let start = if period == "month" {
                e.date.with_day(1).unwrap_or(e.date)
            } else {
                PolicyPeriod::Quarter.containing(e.date).start()
            };
            let minutes = sign * i64::from(e.minutes.get());
            let sum = sums.entry((e.employee_id, start)).or_default();
            sum[usize::from(!e.in_work_time)] += minutes;
            let category = EntryCategory::ALL.iter().position(|c| *c == e.category);
            sum[2 + category.unwrap_or_default()] += minutes;
        }
        if sums.is_empty() {
            continue;
        }
        let rows: Vec<serde_json::Value> = sums
            .iter()
            .map(|((person, start), m)| {
                let mut row = vec![
                    serde_json::Value::from(person.to_string()),
                    start.to_string().into(),
                ];
                row.extend(m.iter().map(|v| serde_json::Value::from(*v)));
                serde_json::Value::Array(row)
            })
            .collect();
        let mut types = vec!["text", "date"];
        types.extend(["integer"; 8]);
        let sql = format!(
            "INSERT INTO {table} (employee_id, {period}, {}) {} \
             ON CONFLICT ({key}) DO UPDATE SET {}",
            columns.join(", "),
            json_rows(tx.backend(), &types),
            columns
                .iter()
                .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let json = serde_json::to_string(&rows).map_err(StoreError::corrupt)?;
        sea_orm::ConnectionTrait::execute(
            tx.conn(),
            statement(tx.backend(), &sql, vec![json.into()]),
        )
        .await?;
    }
    Ok(())
}

/// Whose learning time a summary covers: given people, everyone below a manager (at any depth),
/// or everyone in some units (all units when `None`) within a job-level band.
#[derive(Debug, Clone, Copy)]
pub enum People<'a> {
    Ids(&'a [EmployeeId]),
    Team(EmployeeId),
    Where {
        units: Option<&'a [OrgUnitId]>,
        levels: Option<(JobLevel, JobLevel)>,
    },
}

/// One person's row of [`people_usage`], as a JSON array: id, unit (empty when none), job level,
/// contracted centihours, the hire, leave start, leave end and termination dates (`YYYY-MM-DD`
/// or empty), and the minutes (in work, outside work, the categories in `CATEGORY_COLUMNS`
/// order, in work before the period).
#[derive(serde::Deserialize)]
struct PersonUsageRow(String, String, i16, i32, [String; 4], [i64; 9]);

/// [`people_usage`]'s rows, folded into one JSON array by the database.
#[derive(FromQueryResult)]
struct PeopleUsageRows {
    rows: String,
}

fn json_list<T: serde::Serialize>(items: &[T]) -> StoreResult<sea_orm::Value> {
    Ok(serde_json::to_string(items)
        .map_err(StoreError::corrupt)?
        .into())
}

/// The people of a summary with their usage in `period` and in `previous` (which ends the day
/// before `period` starts): one statement, one row per person, in no particular order. A month
/// or a quarter is read from the rollups (one row per person and period), a week from the
/// entries (rejected entries never count).
pub async fn people_usage(
    c: &impl Conn,
    people: People<'_>,
    previous: &Period,
    period: &Period,
) -> StoreResult<Vec<PersonUsage>> {
    let keys = crate::db::json_keys(c.backend());
    let mut scope_values: Vec<sea_orm::Value> = Vec::new();
    // Who is in scope, as a condition on the employees `e` and as a list of ids (`scope`).
    let (filter, scope) = match people {
        People::Ids(ids) => {
            let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
            scope_values.push(json_list(&ids)?);
            (format!("e.id IN ({keys})"), keys.to_owned())
        }
        People::Team(manager) => {
            scope_values.push(manager.to_string().into());
            scope_values.push(i64::from(crate::org::MAX_DEPTH).into());
            let team = "WITH RECURSIVE r(id, depth) AS ( \
                 SELECT id, 1 FROM employees WHERE manager_id = ? \
                 UNION ALL SELECT x.id, r.depth + 1 FROM employees x JOIN r ON x.manager_id = r.id \
                 WHERE r.depth < ?) SELECT id FROM r";
            (format!("e.id IN ({team})"), team.to_owned())
        }
        People::Where { units, levels } => {
            let mut filter = vec!["1 = 1".to_owned()];
            if let Some(units) = units {
                let units: Vec<String> = units.iter().map(ToString::to_string).collect();
                scope_values.push(json_list(&units)?);
                filter.push(format!("e.org_unit_id IN ({keys})"));
            }
            if let Some((min, max)) = levels {
                scope_values.push(i16::from(min.get()).into());
                scope_values.push(i16::from(max.get()).into());
                filter.push("e.job_level BETWEEN ? AND ?".to_owned());
            }
            let filter = filter.join(" AND ");
            let scope = format!("SELECT e.id FROM employees e WHERE {filter}");
            (filter, scope)
        }
    };
    let mut minutes = vec!["in_work", "outside_work"];
    minutes.extend(CATEGORY_COLUMNS);
    let is = |kind: PolicyPeriod, p: &Period| {
        let whole = kind.containing(p.start());
        whole.start() == p.start() && whole.end() == p.end()
    };
    let rollup = [
        (PolicyPeriod::Quarter, "time_rollups_quarterly", "quarter"),
        (PolicyPeriod::Month, "time_rollups", "month"),
    ]
    .into_iter()
    .find(|(kind, ..)| is(*kind, previous) && is(*kind, period));
    let mut values: Vec<sea_orm::Value> = Vec::new();
    // Zero rather than NULL for people without entries.
    let (usage, joins) = match rollup {
        // A month or a quarter: the person's rollup row of the period and of the one before.
        Some((_, table, column)) => {
            values.push(period.start().into());
            values.push(previous.start().into());
            let mut usage: Vec<String> = minutes
                .iter()
                .map(|m| format!("COALESCE(u.{m}, 0)"))
                .collect();
            usage.push("COALESCE(b.in_work, 0)".to_owned());
            let joins = format!(
                "LEFT JOIN {table} u ON u.{column} = ? AND u.employee_id = e.id \
                 LEFT JOIN {table} b ON b.{column} = ? AND b.employee_id = e.id"
            );
            (usage, joins)
        }
        // Any other range (a week): the entries, summed per person for the people in scope.
        None => {
            let mut sums: Vec<String> = Vec::new();
            for m in &minutes {
                let amount = match *m {
                    "in_work" => "CASE WHEN s.in_work_time THEN s.minutes ELSE 0 END".to_owned(),
                    "outside_work" => {
                        "CASE WHEN s.in_work_time THEN 0 ELSE s.minutes END".to_owned()
                    }
                    category => {
                        format!("CASE WHEN s.category = '{category}' THEN s.minutes ELSE 0 END")
                    }
                };
                sums.push(format!(
                    "SUM(CASE WHEN s.entry_date >= ? THEN {amount} END) AS {m}"
                ));
                values.push(period.start().into());
            }
            sums.push(
                "SUM(CASE WHEN s.entry_date < ? AND s.in_work_time THEN s.minutes END) \
                 AS before_in_work"
                    .to_owned(),
            );
            values.push(period.start().into());
            values.push(previous.start().into());
            values.push(period.end().into());
            values.extend(scope_values.iter().cloned());
            let mut usage: Vec<String> = minutes
                .iter()
                .map(|m| format!("COALESCE(u.{m}, 0)"))
                .collect();
            usage.push("COALESCE(u.before_in_work, 0)".to_owned());
            let joins = format!(
                "LEFT JOIN (SELECT s.employee_id, {} FROM time_entries s \
                 WHERE s.entry_date >= ? AND s.entry_date <= ? AND s.approval <> 'rejected' \
                 AND s.employee_id IN ({scope}) GROUP BY s.employee_id) u \
                 ON u.employee_id = e.id",
                sums.join(", ")
            );
            (usage, joins)
        }
    };
    values.extend(scope_values);
    // One row holding every person's as a JSON array: SQLite's driver hands each row from its
    // worker thread to the async runtime as a message (a wake-up each), which for 10,000 people
    // cost twice the query; one document costs one, and parses in a few milliseconds.
    let (fold, array) = match c.backend() {
        Backend::Sqlite => ("json_group_array", "json_array"),
        Backend::Postgres => ("json_agg", "json_build_array"),
    };
    let dates = [
        "hire_date",
        "leave_start_date",
        "leave_end_date",
        "termination_date",
    ]
    .map(|d| format!("COALESCE(CAST(e.{d} AS TEXT), '')"))
    .join(", ");
    let sql = format!(
        "SELECT COALESCE(CAST({fold}({array}(e.id, COALESCE(e.org_unit_id, ''), e.job_level, \
         e.contracted_centihours, {array}({dates}), {array}({}))) AS TEXT), '[]') AS rows \
         FROM employees e {joins} WHERE {filter}",
        usage.join(", ")
    );
    let found = PeopleUsageRows::find_by_statement(statement(c.backend(), &sql, values))
        .one(c.conn())
        .await?;
    let rows: Vec<PersonUsageRow> = match found {
        Some(found) => serde_json::from_str(&found.rows).map_err(StoreError::corrupt)?,
        None => Vec::new(),
    };
    let minutes = |v: i64| u64::try_from(v).unwrap_or(0);
    let date = |s: &str| -> StoreResult<Option<NaiveDate>> {
        (!s.is_empty())
            .then(|| {
                s.get(..10)
                    .unwrap_or(s)
                    .parse()
                    .map_err(StoreError::corrupt)
            })
            .transpose()
    };
    rows.into_iter()
        .map(
            |PersonUsageRow(id, unit, level, centihours, dates, minutes_of)| {
                let [in_work, outside_work, categories @ .., before] = minutes_of;
                let by_category = EntryCategory::ALL
                    .iter()
                    .zip(categories)
                    .map(|(c, m)| (*c, minutes(m)))
                    .filter(|(_, m)| *m > 0)
                    .collect();
                let [hire, leave_start, leave_end, termination] = &dates;
                Ok(PersonUsage {
                    id: parse_id(&id)?,
                    org_unit_id: (!unit.is_empty()).then(|| parse_id(&unit)).transpose()?,
                    job_level: JobLevel::new(level.into()).map_err(StoreError::corrupt)?,
                    contracted_hours: ContractedHours::new(f64::from(centihours) / 100.0)
                        .map_err(StoreError::corrupt)?,
                    dates: EmploymentDates {
                        hire_date: date(hire)?,
                        leave_start_date: date(leave_start)?,
                        leave_end_date: date(leave_end)?,
                        termination_date: date(termination)?,
                    },
                    used: Usage {
                        in_work: minutes(in_work),
                        outside_work: minutes(outside_work),
                        by_category,
                    },
                    used_before_in_work: minutes(before),
                })
            },
        )
        .collect()
}
