//! The learning-time context: policies (ld_admin), time entries with approval, and summaries.
//!
//! A policy is never rewritten: a change ends it (`effective_to`) and starts a new one, so past
//! periods keep the allocation they had. Entries are logged by their person (or for them by their
//! manager or ld_admin); an entry above the policy's threshold waits for the manager, nobody
//! approves their own, and editing an approved entry sends it back for approval.

use super::{audit, decode_cursor, ensure, page_size, paginate, parse_day, Ctx, Page};
use crate::error::{ApiError, ApiResult};
use crate::services::Services;
use chrono::{NaiveDate, NaiveTime, Weekday};
use learnwell_domain::access::{self, Relation};
use learnwell_domain::catalog::Description;
use learnwell_domain::ids::{EmployeeId, LearningRecordId, OrgUnitId, PolicyId, TimeEntryId};
use learnwell_domain::learning_time::{
    allocation_minutes, approval_for, carry_in, check_entry, may_approve, resolve, ApprovalState,
    EntryCategory, EntryMinutes, Grant, Policy, PolicyName, PolicyPeriod, PolicyScope,
    ProtectedSlot, TimeEntry, Totals,
};
use learnwell_domain::org::{ContractedHours, Employee, EmploymentDates, JobLevel, Period};
use learnwell_domain::FieldError;
use learnwell_domain::Rule;
use learnwell_persistence::audit::append;
use learnwell_persistence::learning_time::{self as store, StoredPolicy};
use learnwell_persistence::org as org_store;
use learnwell_persistence::Tx;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The value, or `None` with its error collected.
fn ok<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|err| errors.push(err)).ok()
}

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

impl PolicyInput {
    fn parse(&self, id: PolicyId) -> Result<Policy, Vec<FieldError>> {
        let mut e = Vec::new();
        let name = ok(
            &mut e,
            PolicyName::parse(self.name.as_deref().unwrap_or("")),
        );
        let scope = match self.scope.as_deref().unwrap_or("organisation") {
            "organisation" => Some(PolicyScope::Organisation),
            "org_unit" => ok(
                &mut e,
                self.org_unit_id
                    .as_deref()
                    .and_then(|u| u.parse::<OrgUnitId>().ok())
                    .map(PolicyScope::OrgUnit)
                    .ok_or_else(|| {
                        FieldError::new("org_unit_id", "is required for scope org_unit")
                    }),
            ),
            "job_level" => ok(
                &mut e,
                self.job_level
                    .ok_or_else(|| FieldError::new("job_level", "is required for scope job_level"))
                    .and_then(JobLevel::new)
                    .map(PolicyScope::JobLevel),
            ),
            _ => ok(
                &mut e,
                Err(FieldError::new(
                    "scope",
                    "must be organisation, org_unit or job_level",
                )),
            ),
        };
        let grant = match (self.share_percent, self.fixed_hours_per_period) {
            (Some(p), None) => ok(&mut e, Grant::share_percent(p)),
            (None, Some(h)) => ok(&mut e, Grant::fixed_hours(h)),
            _ => ok(
                &mut e,
                Err(FieldError::new(
                    "share_percent",
                    "give exactly one of share_percent and fixed_hours_per_period",
                )),
            ),
        };
        let period = ok(
            &mut e,
            PolicyPeriod::parse(self.period.as_deref().unwrap_or("month")),
        );
        let cap = self.carry_over_cap_hours.unwrap_or(0.0);
        let carry_over_cap_minutes = if cap.is_finite() && (0.0..=10_000.0).contains(&cap) {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "range checked"
            )]
            Some((cap * 60.0).round() as u32)
        } else {
            ok(
                &mut e,
                Err(FieldError::new("carry_over_cap_hours", "must be 0-10000")),
            )
        };
        let protected_slot = match &self.protected_slot {
            None => Some(None),
            Some(s) => {
                let weekday = s.weekday.parse::<Weekday>().map_err(|_| {
                    FieldError::new("protected_slot.weekday", "must be mon, tue, ... or sun")
                });
                let t = |f: &str, v: &str| {
                    NaiveTime::parse_from_str(v, "%H:%M").map_err(|_| {
                        FieldError::new(format!("protected_slot.{f}"), "must be HH:MM")
                    })
                };
                match (weekday, t("start", &s.start), t("end", &s.end)) {
                    (Ok(w), Ok(a), Ok(b)) => ok(&mut e, ProtectedSlot::new(w, a, b)).map(Some),
                    (w, a, b) => {
                        for err in [w.err(), a.err(), b.err()].into_iter().flatten() {
                            ok::<()>(&mut e, Err(err));
                        }
                        None
                    }
                }
            }
        };
        let threshold = match self.approval_threshold_minutes {
            None => Some(None),
            Some(m) => ok(
                &mut e,
                u32::try_from(m)
                    .ok()
                    .filter(|m| (1..=1440).contains(m))
                    .map(Some)
                    .ok_or_else(|| FieldError::new("approval_threshold_minutes", "must be 1-1440")),
            ),
        };
        let full_time = ok(
            &mut e,
            ContractedHours::new(self.full_time_hours.unwrap_or(40.0))
                .map_err(|err| FieldError::new("full_time_hours", err.message)),
        );
        let from = match self.effective_from.as_deref() {
            Some(v) => ok(&mut e, parse_day("effective_from", v)),
            None => ok(
                &mut e,
                Err(FieldError::new("effective_from", "is required")),
            ),
        };
        let to = self
            .effective_to
            .as_deref()
            .map(|v| ok(&mut e, parse_day("effective_to", v)))
            .unwrap_or(Some(None).flatten());
        let (
            Some(name),
            Some(scope),
            Some(grant),
            Some(period),
            Some(cap),
            Some(slot),
            Some(threshold),
            Some(full_time),
            Some(from),
        ) = (
            name,
            scope,
            grant,
            period,
            carry_over_cap_minutes,
            protected_slot,
            threshold,
            full_time,
            from,
        )
        else {
            return Err(e);
        };
        if !e.is_empty() {
            return Err(e);
        }
        let policy = Policy {
            id,
            name,
            scope,
            grant,
            period,
            carry_over_cap_minutes: cap,
            protected_slot: slot,
            approval_threshold_minutes: threshold,
            full_time_hours: full_time,
            effective_from: from,
            effective_to: to,
        };
        policy.check().map_err(|err| vec![err])?;
        Ok(policy)
    }
}

pub async fn list_policies(ctx: &Ctx) -> ApiResult<Vec<StoredPolicy>> {
    ensure(access::can_read_catalog(&ctx.principal))?;
    Ok(store::list_policies(&ctx.db).await?)
}

pub async fn create_policy(ctx: &Ctx, input: PolicyInput) -> ApiResult<StoredPolicy> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    let policy = input
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
    let stored = StoredPolicy {
        policy,
        version: 1,
        created_at: ctx.now,
        updated_at: ctx.now,
    };
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
) -> ApiResult<StoredPolicy> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    let expected = if_match.ok_or(ApiError::PreconditionRequired)?;
    let current = store::get_policy(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("learning-time policy"))?;
    if current.version != expected {
        return Err(ApiError::PreconditionFailed);
    }
    let to = parse_day("effective_to", &end.effective_to)?;
    if to < ctx.now.date_naive() - chrono::Days::new(1) {
        return Err(ApiError::validation(FieldError::new(
            "effective_to",
            "must not be before yesterday: past periods are never rewritten",
        )));
    }
    let policy = Policy {
        effective_to: Some(to),
        ..current.policy.clone()
    };
    policy.check()?;
    let updated = StoredPolicy {
        policy,
        version: current.version + 1,
        updated_at: ctx.now,
        ..current
    };
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

struct EntryFields {
    date: NaiveDate,
    minutes: EntryMinutes,
    in_work_time: bool,
    category: EntryCategory,
    course_id: Option<learnwell_domain::ids::CourseId>,
    skill_id: Option<learnwell_domain::ids::SkillId>,
    learning_record_id: Option<LearningRecordId>,
    note: Option<Description>,
}

fn id<T: std::str::FromStr>(field: &str, v: &Option<String>) -> Result<Option<T>, FieldError> {
    v.as_deref()
        .map(|s| {
            s.parse()
                .map_err(|_| FieldError::new(field, "is not an id"))
        })
        .transpose()
}

fn parse_entry(i: &EntryInput) -> Result<EntryFields, Vec<FieldError>> {
    let mut e = Vec::new();
    let day = match i.date.as_deref() {
        Some(d) => ok(&mut e, parse_day("date", d)),
        None => ok(&mut e, Err(FieldError::new("date", "is required"))),
    };
    let minutes = ok(&mut e, EntryMinutes::new(i.minutes.unwrap_or(0)));
    let category = match i.category.as_deref() {
        Some(c) => ok(&mut e, EntryCategory::parse(c)),
        None => ok(&mut e, Err(FieldError::new("category", "is required"))),
    };
    let course_id = ok(&mut e, id("course_id", &i.course_id)).flatten();
    let skill_id = ok(&mut e, id("skill_id", &i.skill_id)).flatten();
    let learning_record_id = ok(&mut e, id("learning_record_id", &i.learning_record_id)).flatten();
    let note = match i.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => ok(
            &mut e,
            Description::parse(n).map_err(|err| FieldError::new("note", err.message)),
        ),
        None => None,
    };
    match (day, minutes, category) {
        (Some(date), Some(minutes), Some(category)) if e.is_empty() => Ok(EntryFields {
            date,
            minutes,
            in_work_time: i.in_work_time.unwrap_or(true),
            category,
            course_id,
            skill_id,
            learning_record_id,
            note,
        }),
        _ => Err(e),
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

fn unit_chain(
    unit: Option<OrgUnitId>,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
) -> Vec<OrgUnitId> {
    let mut chain = Vec::new();
    let mut next = unit;
    while let Some(u) = next.filter(|u| !chain.contains(u)) {
        chain.push(u);
        next = parents.get(&u).copied().flatten();
    }
    chain
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
    let f = parse_entry(&input).map_err(ApiError::Validation)?;
    own_record(ctx, who, f.learning_record_id).await?;
    let approval = approval_for(f.minutes.get(), threshold(ctx, &employee, f.date).await?);
    let entry = TimeEntry {
        id: TimeEntryId::from_uuid(uuid::Uuid::now_v7()),
        employee_id: who,
        date: f.date,
        minutes: f.minutes,
        in_work_time: f.in_work_time,
        category: f.category,
        course_id: f.course_id,
        skill_id: f.skill_id,
        learning_record_id: f.learning_record_id,
        note: f.note,
        approval,
        decided_by: None,
        version: 1,
        created_at: ctx.now,
        updated_at: ctx.now,
    };
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
    let merged = EntryInput {
        employee_id: None,
        date: input.date.or_else(|| Some(current.date.to_string())),
        minutes: input.minutes.or(Some(i64::from(current.minutes.get()))),
        in_work_time: input.in_work_time.or(Some(current.in_work_time)),
        category: input
            .category
            .or_else(|| Some(current.category.code().to_owned())),
        course_id: input
            .course_id
            .or_else(|| current.course_id.map(|c| c.to_string())),
        skill_id: input
            .skill_id
            .or_else(|| current.skill_id.map(|s| s.to_string())),
        learning_record_id: input
            .learning_record_id
            .or_else(|| current.learning_record_id.map(|r| r.to_string())),
        note: input
            .note
            .or_else(|| current.note.as_ref().map(ToString::to_string)),
    };
    let f = parse_entry(&merged).map_err(ApiError::Validation)?;
    own_record(ctx, current.employee_id, f.learning_record_id).await?;
    let approval = match approval_for(f.minutes.get(), threshold(ctx, &employee, f.date).await?) {
        ApprovalState::NotRequired => ApprovalState::NotRequired,
        _ => ApprovalState::Pending,
    };
    let updated = TimeEntry {
        date: f.date,
        minutes: f.minutes,
        in_work_time: f.in_work_time,
        category: f.category,
        course_id: f.course_id,
        skill_id: f.skill_id,
        learning_record_id: f.learning_record_id,
        note: f.note,
        approval,
        decided_by: None,
        version: current.version + 1,
        updated_at: ctx.now,
        ..current.clone()
    };
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
    if current.approval != ApprovalState::Pending {
        return Err(Rule::NotPending {
            state: current.approval.code(),
        }
        .into());
    }
    let decided = TimeEntry {
        approval: if approve {
            ApprovalState::Approved
        } else {
            ApprovalState::Rejected
        },
        decided_by: Some(p.subject.clone()),
        version: current.version + 1,
        updated_at: ctx.now,
        ..current.clone()
    };
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

/// A period as `2026-Q1`, `2026-03` or `2026-W10` (ISO week).
pub fn parse_period(s: &str) -> Result<(Period, PolicyPeriod), FieldError> {
    let bad = || FieldError::new("period", "must look like 2026-Q1, 2026-03 or 2026-W10");
    let (year, rest) = s.trim().split_once('-').ok_or_else(bad)?;
    let year: i32 = year.parse().map_err(|_| bad())?;
    let (first, kind) = if let Some(q) = rest.strip_prefix('Q') {
        let q: u32 = q
            .parse()
            .ok()
            .filter(|q| (1..=4).contains(q))
            .ok_or_else(bad)?;
        (
            NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1),
            PolicyPeriod::Quarter,
        )
    } else if let Some(w) = rest.strip_prefix('W') {
        let w: u32 = w.parse().map_err(|_| bad())?;
        (
            NaiveDate::from_isoywd_opt(year, w, Weekday::Mon),
            PolicyPeriod::Week,
        )
    } else {
        let m: u32 = rest.parse().map_err(|_| bad())?;
        (NaiveDate::from_ymd_opt(year, m, 1), PolicyPeriod::Month)
    };
    let first = first.ok_or_else(bad)?;
    Ok((kind.containing(first), kind))
}

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
    let mut total = Totals::default();
    let mut each = Vec::with_capacity(people.len());
    // Allocation depends only on where someone sits, their level, hours and dates as seen from
    // the two periods; people who share all of those share one computation.
    let span = Period::new(previous.start(), period.end()).map_err(ApiError::InvalidQuery)?;
    let mut allocations = HashMap::new();
    for e in &people {
        let dates = e.dates.within(&span);
        let key = (e.org_unit_id, e.job_level, e.contracted_hours, dates);
        let (allocated, previous_allocated, cap) = *allocations.entry(key).or_insert_with(|| {
            let chain = unit_chain(e.org_unit_id, &parents);
            let level = Some(e.job_level);
            let alloc = |per: &Period| {
                allocation_minutes(&policies, &chain, level, e.contracted_hours, &dates, per)
            };
            let cap = resolve(&policies, &chain, level, period.start())
                .map_or(0, |p| p.carry_over_cap_minutes);
            (alloc(&period), alloc(&previous), cap)
        });
        let carried = carry_in(
            previous_allocated,
            u32::try_from(e.used_before_in_work).unwrap_or(u32::MAX),
            cap,
        );
        let mut t = Totals {
            allocated: u64::from(allocated),
            carried_in: u64::from(carried),
            people: 1,
            ..Totals::default()
        };
        t.used_in_work = e.used.in_work;
        t.used_outside_work = e.used.outside_work;
        for (c, m) in &e.used.by_category {
            *t.by_category.entry(*c).or_default() += m;
            if *c == EntryCategory::Exploratory {
                t.exploratory += m;
            }
        }
        total.allocated += t.allocated;
        total.carried_in += t.carried_in;
        total.used_in_work += t.used_in_work;
        total.used_outside_work += t.used_outside_work;
        total.exploratory += t.exploratory;
        for (c, m) in &t.by_category {
            *total.by_category.entry(*c).or_default() += m;
        }
        total.people += 1;
        each.push((e.id, t));
    }
    Ok(Summary {
        period,
        totals: total,
        people: (list_people && q.include_people.unwrap_or(false)).then(|| {
            each.sort_unstable_by_key(|(id, _)| *id);
            each
        }),
    })
}
