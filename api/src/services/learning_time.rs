//! The learning-time context: policies (ld_admin), time entries with approval, and summaries.
//!
//! A policy is never rewritten: a change ends it (`effective_to`) and starts a new one, so past
//! periods keep the allocation they had. Entries are logged by their person (or for them by their
//! manager or ld_admin); an entry above the policy's threshold waits for the manager, nobody
//! approves their own, and editing an approved entry sends it back for approval.

use super::{audit, decode_cursor, ensure, page_size, paginate, parse_day, Ctx, Page};
use crate::error::{ApiError, ApiResult};
use crate::services::Services;
use chrono::NaiveDate;
use learnwell_domain::access::{self, Relation};
use learnwell_domain::ids::{EmployeeId, LearningRecordId, OrgUnitId, PolicyId, TimeEntryId};
use learnwell_domain::learning_time::{
    check_entry, may_approve, parse_period, resolve, summarise, unit_chain, EntryFields, Policy,
    PolicyFields, PolicyScope, SlotFields, Summarised, TimeEntry, Totals, VersionedPolicy,
};
use learnwell_domain::org::{Employee, EmploymentDates, JobLevel, Period};
use learnwell_domain::FieldError;
use learnwell_persistence::audit::append;
use learnwell_persistence::learning_time as store;
use learnwell_persistence::org as org_store;
use learnwell_persistence::Tx;
use serde::{Deserialize, Serialize};

// ---- policies ----

/// A new learning-time policy. Give exactly one of `share_percent` and `fixed_hours_per_period`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    pub name: Option<String>,
    /// `organisation` (default), `org_unit` or `job_level`.
    pub scope: Option<String>,
    pub org_unit_id: Option<String>,
    pub job_level: Option<i64>,
    /// e.g. 10 for a day a fortnight.
    pub share_percent: Option<f64>,
    pub fixed_hours_per_period: Option<f64>,
    /// `week`, `month` (default) or `quarter`.
    pub period: Option<String>,
    pub carry_over_cap_hours: Option<f64>,
    /// A shared protected slot, e.g. `{"weekday": "thu", "start": "13:00", "end": "17:00"}`.
    pub protected_slot: Option<SlotInput>,
    /// Entries longer than this need the manager's approval.
    pub approval_threshold_minutes: Option<i64>,
    /// The full-time week fixed grants are meant for (default 40).
    pub full_time_hours: Option<f64>,
    /// YYYY-MM-DD
    pub effective_from: Option<String>,
    pub effective_to: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotInput {
    /// mon, tue, wed, thu, fri, sat or sun.
    pub weekday: String,
    /// HH:MM
    pub start: String,
    pub end: String,
}

impl From<PolicyInput> for PolicyFields {
    fn from(i: PolicyInput) -> Self {
        Self {
            name: i.name,
            scope: i.scope,
            org_unit_id: i.org_unit_id,
            job_level: i.job_level,
            share_percent: i.share_percent,
            fixed_hours_per_period: i.fixed_hours_per_period,
            period: i.period,
            carry_over_cap_hours: i.carry_over_cap_hours,
            protected_slot: i.protected_slot.map(|s| SlotFields {
                weekday: s.weekday,
                start: s.start,
                end: s.end,
            }),
            approval_threshold_minutes: i.approval_threshold_minutes,
            full_time_hours: i.full_time_hours,
            effective_from: i.effective_from,
            effective_to: i.effective_to,
        }
    }
}

pub async fn list_policies(ctx: &Ctx) -> ApiResult<Vec<VersionedPolicy>> {
    ensure(access::can_read_catalog(&ctx.principal))?;
    Ok(store::list_policies(&ctx.db).await?)
}

pub async fn create_policy(ctx: &Ctx, input: PolicyInput) -> ApiResult<VersionedPolicy> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    let policy = PolicyFields::from(input)
        .parse(PolicyId::from_uuid(uuid::Uuid::now_v7()))
        .map_err(ApiError::Validation)?;
    if let PolicyScope::OrgUnit(u) = policy.scope {
        if org_store::get_org_unit(&ctx.db, u).await?.is_none() {
            return Err(ApiError::validation(FieldError::new(
                "org_unit_id",
                "no such org unit",
            )));
        }
    }
    let stored = VersionedPolicy::new(policy, ctx.now);
    let tx = ctx.db.begin().await?;
    store::insert_policy(&tx, &stored).await?;
    append(
        &tx,
        &[audit::event(
            ctx,
            "learning_time_policy.create",
            "learning_time_policy",
            stored.policy.id,
        )],
    )
    .await?;
    tx.commit().await?;
    Ok(stored)
}

/// Ending a policy is the one change allowed: it applies from its date and never rewrites the
/// periods before it. Start a new policy for what follows.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyEnd {
    /// YYYY-MM-DD, the last day the policy applies; not before today.
    pub effective_to: String,
}

pub async fn end_policy(
    ctx: &Ctx,
    id: PolicyId,
    if_match: Option<i64>,
    end: PolicyEnd,
) -> ApiResult<VersionedPolicy> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    let expected = if_match.ok_or(ApiError::PreconditionRequired)?;
    let current = store::get_policy(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("learning-time policy"))?;
    if current.version != expected {
        return Err(ApiError::PreconditionFailed);
    }
    let to = parse_day("effective_to", &end.effective_to)?;
    let policy = current.ended(to, ctx.now.date_naive())?;
    let updated = current.revised(policy, ctx.now);
    let tx = ctx.db.begin().await?;
    store::update_policy(&tx, &updated).await?;
    append(
        &tx,
        &[audit::event(
            ctx,
            "learning_time_policy.end",
            "learning_time_policy",
            id,
        )],
    )
    .await?;
    tx.commit().await?;
    Ok(updated)
}

// ---- time entries ----

/// Learning time to log (for yourself without `employee_id`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    #[schema(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    /// YYYY-MM-DD
    pub date: Option<String>,
    pub minutes: Option<i64>,
    /// In working time (default true) or outside it.
    pub in_work_time: Option<bool>,
    /// `assigned`, `role_related`, `exploratory` (needs no justification), `mentoring`, `coaching`.
    pub category: Option<String>,
    pub course_id: Option<String>,
    /// Exploratory learning can be linked to a skill later.
    pub skill_id: Option<String>,
    /// The learning record this time was spent on: one of the person's own.
    pub learning_record_id: Option<String>,
    pub note: Option<String>,
}

impl From<EntryInput> for EntryFields {
    fn from(i: EntryInput) -> Self {
        Self {
            date: i.date,
            minutes: i.minutes,
            in_work_time: i.in_work_time,
            category: i.category,
            course_id: i.course_id,
            skill_id: i.skill_id,
            learning_record_id: i.learning_record_id,
            note: i.note,
        }
    }
}

/// A linked learning record must be one of the person's own.
async fn own_record(
    svc: &Services,
    who: EmployeeId,
    record: Option<LearningRecordId>,
) -> ApiResult<()> {
    let Some(id) = record else {
        return Ok(());
    };
    match learnwell_persistence::learning::get_record(&svc.db, id).await? {
        Some(r) if r.employee_id == who => Ok(()),
        _ => Err(ApiError::validation(FieldError::new(
            "learning_record_id",
            "is not a learning record of this person",
        ))),
    }
}

/// The policy threshold that applies to `employee` on `day`.
async fn threshold(svc: &Services, employee: &Employee, day: NaiveDate) -> ApiResult<Option<u32>> {
    let policies: Vec<Policy> = store::list_policies(&svc.db)
        .await?
        .into_iter()
        .map(|p| p.policy)
        .collect();
    let parents = svc.directory.unit_parent_map().await?;
    let chain = unit_chain(employee.data.org_unit_id, &parents);
    Ok(
        resolve(&policies, &chain, Some(employee.data.job_level), day)
            .and_then(|p| p.approval_threshold_minutes),
    )
}

/// Check and write an entry (replacing `previous`) in `tx`, holding the person's lock, so
/// concurrent entries cannot together exceed 24 hours in a day. Returns the audit action.
pub(crate) async fn put_entry(
    tx: &Tx,
    ctx: &Ctx,
    dates: &EmploymentDates,
    entry: &TimeEntry,
    previous: Option<&TimeEntry>,
) -> ApiResult<&'static str> {
    let day = (entry.employee_id, entry.date);
    store::lock_people(tx, &[entry.employee_id]).await?;
    let already = store::minutes_on_days(tx, &[day], previous.map(|p| p.id)).await?;
    let errors = check_entry(
        entry.date,
        entry.minutes,
        ctx.now.date_naive(),
        dates,
        already.get(&day).copied().unwrap_or(0),
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    match previous {
        None => {
            store::insert_entries(tx, std::slice::from_ref(entry)).await?;
            store::roll(tx, &[(entry, 1)]).await?;
            Ok("time_entry.create")
        }
        Some(before) => {
            store::update_entry(tx, entry).await?;
            store::roll(tx, &[(before, -1), (entry, 1)]).await?;
            Ok("time_entry.update")
        }
    }
}

/// Write the new entries that keep the rules of time entries, each checked after those before
/// it (24 hours a day, within employment, not in the future), and leave out the others. The
/// caller holds the people's locks ([`store::lock_people`]). Returns the entries written.
pub(crate) async fn add_entries(
    tx: &Tx,
    ctx: &Ctx,
    entries: &[(&EmploymentDates, &TimeEntry)],
) -> ApiResult<Vec<TimeEntry>> {
    let days: Vec<_> = entries
        .iter()
        .map(|(_, e)| (e.employee_id, e.date))
        .collect();
    let mut used = store::minutes_on_days(tx, &days, None).await?;
    let mut kept = Vec::new();
    for (dates, e) in entries {
        let day = used.entry((e.employee_id, e.date)).or_default();
        if check_entry(e.date, e.minutes, ctx.now.date_naive(), dates, *day).is_empty() {
            *day += e.minutes.get();
            kept.push((*e).clone());
        }
    }
    store::insert_entries(tx, &kept).await?;
    let rolled: Vec<_> = kept.iter().map(|e| (e, 1)).collect();
    store::roll(tx, &rolled).await?;
    Ok(kept)
}

async fn write_entry(
    ctx: &Ctx,
    employee: &Employee,
    entry: &TimeEntry,
    previous: Option<&TimeEntry>,
) -> ApiResult<()> {
    let tx = ctx.db.begin().await?;
    let action = put_entry(&tx, ctx, &employee.data.dates, entry, previous).await?;
    append(&tx, &[audit::event(ctx, action, "time_entry", entry.id)]).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn log_time(ctx: &Ctx, input: EntryInput) -> ApiResult<TimeEntry> {
    let p = &ctx.principal;
    let who = input
        .employee_id
        .or(p.employee_id)
        .ok_or_else(|| ApiError::validation(FieldError::new("employee_id", "is required")))?;
    let (employee, relation) = ctx.directory.relation(p, who).await?;
    ensure(access::can_act_on_learning(p, relation))?;
    let f = EntryFields::from(input)
        .parse()
        .map_err(ApiError::Validation)?;
    own_record(ctx, who, f.learning_record_id).await?;
    let threshold = threshold(ctx, &employee, f.date).await?;
    let id = TimeEntryId::from_uuid(uuid::Uuid::now_v7());
    let entry = TimeEntry::new(id, who, f, threshold, ctx.now);
    write_entry(ctx, &employee, &entry, None).await?;
    Ok(entry)
}

async fn visible_entry(ctx: &Ctx, id: TimeEntryId) -> ApiResult<(TimeEntry, Employee, Relation)> {
    let entry = store::get_entry(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("time entry"))?;
    let (employee, relation) = ctx
        .directory
        .relation(&ctx.principal, entry.employee_id)
        .await?;
    if !access::can_see_learning(&ctx.principal, relation) {
        return Err(ApiError::NotFound("time entry"));
    }
    Ok((entry, employee, relation))
}

pub async fn get_entry(ctx: &Ctx, id: TimeEntryId) -> ApiResult<TimeEntry> {
    Ok(visible_entry(ctx, id).await?.0)
}

/// Change an entry (its person, their manager or ld_admin). An approved entry that still needs
/// approval goes back to `pending`.
pub async fn edit_entry(
    ctx: &Ctx,
    id: TimeEntryId,
    if_match: Option<i64>,
    input: EntryInput,
) -> ApiResult<TimeEntry> {
    let expected = if_match.ok_or(ApiError::PreconditionRequired)?;
    let (current, employee, relation) = visible_entry(ctx, id).await?;
    ensure(access::can_act_on_learning(&ctx.principal, relation))?;
    if current.version != expected {
        return Err(ApiError::PreconditionFailed);
    }
    if input.employee_id.is_some_and(|e| e != current.employee_id) {
        return Err(ApiError::validation(FieldError::new(
            "employee_id",
            "an entry stays with its person",
        )));
    }
    let f = EntryFields::from(input)
        .over(&current)
        .parse()
        .map_err(ApiError::Validation)?;
    own_record(ctx, current.employee_id, f.learning_record_id).await?;
    let threshold = threshold(ctx, &employee, f.date).await?;
    let updated = current.edited(f, threshold, ctx.now);
    write_entry(ctx, &employee, &updated, Some(&current)).await?;
    Ok(updated)
}

/// Approve or reject a pending entry: only the person's manager, never the person.
pub async fn decide(ctx: &Ctx, id: TimeEntryId, approve: bool) -> ApiResult<TimeEntry> {
    let p = &ctx.principal;
    let (current, _, relation) = visible_entry(ctx, id).await?;
    let me = p.employee_id.ok_or(ApiError::Forbidden)?;
    may_approve(me, current.employee_id, relation == Relation::Report)
        .map_err(|_| ApiError::Forbidden)?;
    let decided = current.decided(approve, &p.subject, ctx.now)?;
    let tx = ctx.db.begin().await?;
    store::update_entry(&tx, &decided).await?;
    if !approve {
        // A rejected entry stops counting.
        store::roll(&tx, &[(&current, -1)]).await?;
    }
    let action = if approve {
        "time_entry.approve"
    } else {
        "time_entry.reject"
    };
    append(&tx, &[audit::event(ctx, action, "time_entry", id)]).await?;
    tx.commit().await?;
    Ok(decided)
}

/// A person's entries in a date range.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EntryFilter {
    /// Default: yourself.
    #[param(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    /// YYYY-MM-DD (default: 90 days ago)
    pub from: Option<String>,
    /// YYYY-MM-DD (default: today)
    pub to: Option<String>,
    pub first: Option<u64>,
    pub after: Option<String>,
}

pub async fn list_entries(ctx: &Ctx, f: EntryFilter) -> ApiResult<Page<TimeEntry>> {
    let p = &ctx.principal;
    let who = f
        .employee_id
        .or(p.employee_id)
        .ok_or_else(|| ApiError::InvalidQuery(FieldError::new("employee_id", "is required")))?;
    let (_, relation) = ctx.directory.relation(p, who).await?;
    ensure(access::can_see_learning(p, relation))?;
    let today = ctx.now.date_naive();
    let bad = ApiError::InvalidQuery;
    let from = f
        .from
        .as_deref()
        .map(|d| parse_day("from", d))
        .transpose()
        .map_err(bad)?;
    let to =
        f.to.as_deref()
            .map(|d| parse_day("to", d))
            .transpose()
            .map_err(bad)?;
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(to - chrono::Days::new(90));
    let limit = page_size(f.first)?;
    let after = decode_cursor::<TimeEntryId>(f.after.as_deref())?;
    let rows = store::list_entries(&ctx.db, who, from, to, after, limit + 1).await?;
    Ok(paginate(rows, limit, |e| e.id.to_string()))
}

// ---- summaries ----

/// Whose learning time: one of `employee_id`, `manager_id` (the whole team), `org_unit_id`
/// (with sub-units), `job_level_min`/`job_level_max`; none = the organisation.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryParams {
    /// `2026-Q1`, `2026-03` or `2026-W10`.
    pub period: String,
    #[param(value_type = Option<String>)]
    pub employee_id: Option<EmployeeId>,
    #[param(value_type = Option<String>)]
    pub manager_id: Option<EmployeeId>,
    #[param(value_type = Option<String>)]
    pub org_unit_id: Option<OrgUnitId>,
    /// With `org_unit_id`: include every unit below it (default true).
    pub include_descendants: Option<bool>,
    pub job_level_min: Option<i64>,
    pub job_level_max: Option<i64>,
    /// Also list each person's figures (default false): only to those allowed to see every
    /// person in scope; others always get the aggregate alone.
    pub include_people: Option<bool>,
}

/// Totals of one person, with their id (listed only to those allowed to see them).
#[derive(Debug, Clone)]
pub struct Summary {
    pub period: Period,
    pub totals: Totals,
    pub people: Option<Vec<(EmployeeId, Totals)>>,
}

pub async fn summary(ctx: &Ctx, q: SummaryParams) -> ApiResult<Summary> {
    let p = &ctx.principal;
    let (period, kind) = parse_period(&q.period).map_err(ApiError::InvalidQuery)?;
    let sees_all = access::can_see_learning(p, Relation::Other);
    let levels = match (q.job_level_min, q.job_level_max) {
        (None, None) => None,
        (a, b) => Some((
            JobLevel::new(a.unwrap_or(1)).map_err(ApiError::InvalidQuery)?,
            JobLevel::new(b.unwrap_or(8)).map_err(ApiError::InvalidQuery)?,
        )),
    };
    let ids: Vec<EmployeeId>;
    let units: Option<Vec<OrgUnitId>>;
    let (people, list_people) = match (q.employee_id, q.manager_id, q.org_unit_id) {
        (Some(e), None, None) => {
            let (_, relation) = ctx.directory.relation(p, e).await?;
            ensure(access::can_see_learning(p, relation))?;
            ids = vec![e];
            (store::People::Ids(&ids), true)
        }
        (None, Some(m), None) => {
            ensure(sees_all || p.employee_id == Some(m))?;
            let team =
                org_store::list_reports(&ctx.db, m, org_store::MAX_DEPTH, None, i64::MAX as u64)
                    .await?;
            ids = team.iter().map(|e| e.id).collect();
            (store::People::Ids(&ids), true)
        }
        (None, None, unit) => {
            // Org units, level bands and the organisation: in aggregate for everyone who sees
            // the directory; person by person only for those who may see every record.
            ensure(access::can_browse_directory(p))?;
            units = match unit {
                Some(u) => Some(ctx.directory.unit_subtree(u).await?),
                None => None,
            };
            let people = store::People::Where {
                units: units.as_deref(),
                levels,
            };
            (people, sees_all)
        }
        _ => {
            return Err(ApiError::InvalidQuery(FieldError::new(
                "employee_id",
                "give at most one of employee_id, manager_id and org_unit_id",
            )))
        }
    };
    let policies: Vec<Policy> = store::list_policies(&ctx.db)
        .await?
        .into_iter()
        .map(|s| s.policy)
        .collect();
    let parents = ctx.directory.unit_parent_map().await?;
    let previous = kind.previous(&period);
    let people = store::people_usage(&ctx.db, people, &previous, &period).await?;
    let Summarised { totals, people } = summarise(&policies, &parents, &period, kind, &people);
    Ok(Summary {
        period,
        totals,
        people: (list_people && q.include_people.unwrap_or(false)).then_some(people),
    })
}
