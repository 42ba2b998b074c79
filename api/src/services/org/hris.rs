//! HRIS bulk sync: upsert by external id, managers linked in a second pass (a manager may come
//! later in the batch), cycles refused per record, optional full reconcile, every run recorded.

use super::{blank_to_none, EmployeeInput};
use crate::error::{ApiError, ApiResult, Code, RowError};
use crate::services::ensure;
use crate::services::{audit, decode_cursor, page_size, paginate, Ctx, Page};
use learnwell_domain::access;
use learnwell_domain::ids::{EmployeeId, OrgUnitId, SyncRunId};
use learnwell_domain::org::sync::{
    deactivation_exceeds, RecordError, RecordOutcome, SyncCounts, SyncRun,
};
use learnwell_domain::org::{Employee, EmployeeData, ManagerGraph};
use learnwell_domain::FieldError;
use learnwell_domain::Rule;
use learnwell_persistence::org as store;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Inserts from which a sync considers refreshing the planner's statistics.
const BULK_LOAD: usize = 1000;

/// Options of a sync (query parameters).
#[derive(Debug, Clone, Copy, Default)]
pub struct SyncOptions {
    /// Full reconcile: terminate active HRIS employees absent from the batch.
    pub deactivate_missing: bool,
    /// Allow a reconcile that terminates more than the configured share.
    pub force: bool,
}

/// What happened to one record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordResult {
    pub index: usize,
    pub external_id: Option<String>,
    #[schema(value_type = String, example = "created")]
    pub outcome: RecordOutcome,
    pub employee_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<RowError>,
}

/// The answer to a sync.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SyncResult {
    pub run_id: String,
    #[schema(value_type = Object)]
    pub counts: SyncCounts,
    pub results: Vec<RecordResult>,
}

struct Pending {
    index: usize,
    external_id: String,
    id: EmployeeId,
    data: EmployeeData,
    existing: Option<store::StoredKey>,
}

struct Failures(Vec<Option<RecordError>>);

impl Failures {
    fn fail(
        &mut self,
        index: usize,
        ext: Option<&str>,
        code: Code,
        field: Option<&str>,
        message: impl Into<String>,
    ) {
        if let Some(slot) = self.0.get_mut(index) {
            if slot.is_none() {
                *slot = Some(RecordError {
                    index,
                    external_id: ext.map(str::to_owned),
                    code,
                    field: field.map(str::to_owned),
                    message: message.into(),
                });
            }
        }
    }
    fn fields(&mut self, index: usize, ext: Option<&str>, errors: &[FieldError]) {
        let message = errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        self.fail(
            index,
            ext,
            Code::ValidationFailed,
            errors.first().map(|e| e.field.as_str()),
            message,
        );
    }
    fn failed(&self, index: usize) -> bool {
        self.0.get(index).is_some_and(Option::is_some)
    }
}

pub async fn sync(
    ctx: &Ctx,
    records: Vec<EmployeeInput>,
    opts: SyncOptions,
) -> ApiResult<SyncResult> {
    ensure(access::can_write_people(&ctx.principal))?;
    let max = ctx.settings.hris.max_batch;
    if records.len() > max {
        return Err(Rule::BatchTooLarge {
            what: "a batch",
            items: "records",
            max,
            sent: records.len(),
        }
        .into());
    }
    let mut failures = Failures(vec![None; records.len()]);

    // 1. External ids: present and unique in the batch.
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    let mut ext_of: Vec<Option<&str>> = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        let ext = blank_to_none(&r.external_id);
        ext_of.push(ext);
        match ext {
            None => failures.fail(
                i,
                None,
                Code::ValidationFailed,
                Some("external_id"),
                "is required for HRIS sync",
            ),
            Some(x) if first_seen.contains_key(x) => failures.fail(
                i,
                ext,
                Code::DuplicateInBatch,
                Some("external_id"),
                format!("also in record {}", first_seen[x]),
            ),
            Some(x) => {
                first_seen.insert(x, i);
            }
        }
    }

    // 2. Load what the batch refers to, in bulk.
    let keys: Vec<&str> = first_seen.keys().copied().collect();
    let existing = store::stored_keys_by_external_ids(&ctx.db, &keys).await?;
    let unit_keys: Vec<&str> = records
        .iter()
        .filter_map(|r| blank_to_none(&r.org_unit_external_id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let units_by_key = store::org_unit_ids_by_external_ids(&ctx.db, &unit_keys).await?;
    let unit_ids: Vec<OrgUnitId> = records
        .iter()
        .filter_map(|r| blank_to_none(&r.org_unit_id)?.parse().ok())
        .collect();
    let known_units: HashSet<OrgUnitId> = store::get_org_units(&ctx.db, &unit_ids)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();

    // 3. Parse each record (manager linked later) and give it an id.
    let mut pending: Vec<Pending> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let Some(ext) = ext_of[i].filter(|_| !failures.failed(i)) else {
            continue;
        };
        let unit = if let Some(key) = blank_to_none(&r.org_unit_external_id) {
            match units_by_key.get(key) {
                Some(u) => Some(*u),
                None => {
                    failures.fail(
                        i,
                        Some(ext),
                        Code::UnknownOrgUnit,
                        Some("org_unit_external_id"),
                        "no org unit has this external id",
                    );
                    continue;
                }
            }
        } else if let Some(raw) = blank_to_none(&r.org_unit_id) {
            match raw
                .parse::<OrgUnitId>()
                .ok()
                .filter(|u| known_units.contains(u))
            {
                Some(u) => Some(u),
                None => {
                    failures.fail(
                        i,
                        Some(ext),
                        Code::UnknownOrgUnit,
                        Some("org_unit_id"),
                        "no such org unit",
                    );
                    continue;
                }
            }
        } else {
            None
        };
        match r.parse(unit, None) {
            Err(errors) => failures.fields(i, Some(ext), &errors),
            Ok(data) => {
                let existing = existing.get(ext).cloned();
                let id = existing
                    .as_ref()
                    .map_or_else(|| EmployeeId::from_uuid(uuid::Uuid::now_v7()), |e| e.id);
                pending.push(Pending {
                    index: i,
                    external_id: ext.to_owned(),
                    id,
                    data,
                    existing,
                });
            }
        }
    }

    // 4. Emails are unique: against other people in the database and earlier records.
    let emails: Vec<&str> = pending.iter().map(|p| p.data.email.as_str()).collect();
    let owners = store::employee_ids_by_emails(&ctx.db, &emails).await?;
    let mut batch_emails: HashMap<String, EmployeeId> = HashMap::new();
    for p in &pending {
        let email = p.data.email.as_str();
        let taken_in_db = owners.get(email).is_some_and(|owner| *owner != p.id);
        let taken_in_batch = batch_emails.get(email).is_some_and(|owner| *owner != p.id);
        if taken_in_db || taken_in_batch {
            failures.fail(
                p.index,
                Some(&p.external_id),
                Code::DuplicateEmail,
                Some("email"),
                "another employee has this email",
            );
        } else {
            batch_emails.insert(email.to_owned(), p.id);
        }
    }
    pending.retain(|p| !failures.failed(p.index));

    // 5. Second pass: managers, by external id (batch first, then database) or by id.
    let batch_ids: HashMap<String, EmployeeId> = pending
        .iter()
        .map(|p| (p.external_id.clone(), p.id))
        .collect();
    let outside: Vec<&str> = records
        .iter()
        .filter_map(|r| blank_to_none(&r.manager_external_id))
        .filter(|k| !batch_ids.contains_key(*k))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut manager_ids: HashMap<String, EmployeeId> =
        store::stored_keys_by_external_ids(&ctx.db, &outside)
            .await?
            .into_iter()
            .map(|(ext, key)| (ext, key.id))
            .collect();
    manager_ids.extend(batch_ids.iter().map(|(k, v)| (k.clone(), *v)));
    let direct: Vec<EmployeeId> = records
        .iter()
        .filter_map(|r| blank_to_none(&r.manager_id)?.parse().ok())
        .collect();
    let known_people: HashSet<EmployeeId> = store::get_employees(&ctx.db, &direct)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    for p in &mut pending {
        let r = &records[p.index];
        p.data.manager_id = if let Some(key) = blank_to_none(&r.manager_external_id) {
            match manager_ids.get(key) {
                Some(m) => Some(*m),
                None => {
                    failures.fail(
                        p.index,
                        Some(&p.external_id),
                        Code::UnknownManager,
                        Some("manager_external_id"),
                        "no employee has this external id",
                    );
                    continue;
                }
            }
        } else if let Some(raw) = blank_to_none(&r.manager_id) {
            match raw
                .parse::<EmployeeId>()
                .ok()
                .filter(|m| known_people.contains(m) || batch_ids.values().any(|v| v == m))
            {
                Some(m) => Some(m),
                None => {
                    failures.fail(
                        p.index,
                        Some(&p.external_id),
                        Code::UnknownManager,
                        Some("manager_id"),
                        "no such employee",
                    );
                    continue;
                }
            }
        } else {
            None
        };
    }
    pending.retain(|p| !failures.failed(p.index));

    // 6. Cycles: apply the links in batch order; a link that would close a cycle is refused.
    let relinks = pending.iter().any(|p| {
        p.existing
            .as_ref()
            .map_or(p.data.manager_id.is_some(), |e| {
                e.manager_id != p.data.manager_id
            })
    });
    if relinks {
        // Only a changed manager of someone already stored can close a cycle through the stored
        // chart; new people manage nobody yet, so links among them need only the batch itself.
        let relinks_stored = pending.iter().any(|p| {
            p.existing
                .as_ref()
                .is_some_and(|e| e.manager_id != p.data.manager_id)
        });
        let mut graph = if relinks_stored {
            ManagerGraph::new(store::manager_links(&ctx.db).await?)
        } else {
            ManagerGraph::default()
        };
        for p in &pending {
            if !graph.link(p.id, p.data.manager_id) {
                failures.fail(
                    p.index,
                    Some(&p.external_id),
                    Code::ManagerCycle,
                    Some("manager_external_id"),
                    "this manager reports to the employee, directly or indirectly; the link would close a cycle",
                );
            }
        }
        // A new person whose record failed does not exist, so nobody can report to them.
        loop {
            let failed_new: HashSet<EmployeeId> = pending
                .iter()
                .filter(|p| p.existing.is_none() && failures.failed(p.index))
                .map(|p| p.id)
                .collect();
            let mut changed = false;
            for p in &pending {
                if !failures.failed(p.index)
                    && p.data.manager_id.is_some_and(|m| failed_new.contains(&m))
                {
                    failures.fail(
                        p.index,
                        Some(&p.external_id),
                        Code::ManagerRejected,
                        Some("manager_external_id"),
                        "the manager's own record was rejected in this batch",
                    );
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        pending.retain(|p| !failures.failed(p.index));
    }

    // 7. Full reconcile: who would be terminated, and is that within the allowed share?
    let mut terminations: Vec<Employee> = Vec::new();
    if opts.deactivate_missing {
        let current = store::current_hris_employees(&ctx.db).await?;
        let present: HashSet<&str> = ext_of.iter().flatten().copied().collect();
        let missing: Vec<EmployeeId> = current
            .iter()
            .filter(|(_, x)| !present.contains(x.as_str()))
            .map(|(id, _)| *id)
            .collect();
        let share = ctx.settings.hris.max_deactivation_share;
        if !opts.force && deactivation_exceeds(missing.len(), current.len(), share) {
            return Err(Rule::DeactivationLimitExceeded {
                would_terminate: missing.len(),
                active: current.len(),
                max_percent: percent(share),
            }
            .into());
        }
        let today = ctx.now.date_naive();
        for mut e in store::get_employees(&ctx.db, &missing).await? {
            e.data.terminate(today);
            e.version += 1;
            e.updated_at = ctx.now;
            terminations.push(e);
        }
    }

    // 8. Diff and write, all in one transaction.
    let mut outcomes: HashMap<usize, (RecordOutcome, EmployeeId)> = HashMap::new();
    let mut inserts = Vec::new();
    let mut updates = Vec::new();
    for p in pending {
        let outcome = match p.existing {
            None => {
                inserts.push(Employee {
                    id: p.id,
                    data: p.data,
                    version: 1,
                    created_at: ctx.now,
                    updated_at: ctx.now,
                });
                RecordOutcome::Created
            }
            Some(e) if e.holds(&p.data) => RecordOutcome::Unchanged,
            Some(e) => {
                updates.push(Employee {
                    id: e.id,
                    data: p.data,
                    version: e.version + 1,
                    created_at: e.created_at,
                    updated_at: ctx.now,
                });
                RecordOutcome::Updated
            }
        };
        outcomes.insert(p.index, (outcome, p.id));
    }

    let mut counts = SyncCounts {
        total: u32::try_from(records.len()).unwrap_or(u32::MAX),
        ..SyncCounts::default()
    };
    let mut results = Vec::with_capacity(records.len());
    let mut errors = Vec::new();
    for (i, slot) in failures.0.into_iter().enumerate() {
        let ext = ext_of[i].map(str::to_owned);
        let (outcome, id, error) = match (slot, outcomes.get(&i)) {
            (Some(err), _) => {
                let body = RowError {
                    code: err.code,
                    field: err.field.clone(),
                    message: err.message.clone(),
                };
                errors.push(err);
                (RecordOutcome::Error, None, Some(body))
            }
            (None, Some((o, id))) => (*o, Some(id.to_string()), None),
            (None, None) => return Err(ApiError::Internal(format!("record {i} has no outcome"))),
        };
        counts.add(outcome);
        results.push(RecordResult {
            index: i,
            external_id: ext,
            outcome,
            employee_id: id,
            error,
        });
    }
    counts.deactivated = u32::try_from(terminations.len()).unwrap_or(u32::MAX);

    let run = SyncRun {
        id: SyncRunId::from_uuid(uuid::Uuid::now_v7()),
        actor: ctx.principal.subject.clone(),
        request_id: Some(ctx.request_id.clone()),
        started_at: ctx.now,
        finished_at: chrono::Utc::now(),
        deactivate_missing: opts.deactivate_missing,
        counts,
        errors,
    };
    let mut events = vec![audit::event(ctx, "hris.sync", "hris_sync_run", run.id)];
    events.extend(
        inserts
            .iter()
            .map(|e| audit::event(ctx, "employee.create", "employee", e.id)),
    );
    events.extend(
        updates
            .iter()
            .map(|e| audit::event(ctx, "employee.update", "employee", e.id)),
    );
    events.extend(
        terminations
            .iter()
            .map(|e| audit::event(ctx, "employee.terminate", "employee", e.id)),
    );

    let tx = ctx.db.begin().await?;
    store::insert_employees(&tx, &inserts).await?;
    for e in updates.iter().chain(&terminations) {
        store::update_employee(&tx, e)
            .await
            .map_err(|err| match err {
                learnwell_persistence::StoreError::StaleVersion => ApiError::Conflict(
                    "an employee in this batch changed while it was applied; retry the batch"
                        .into(),
                ),
                other => other.into(),
            })?;
    }
    learnwell_persistence::audit::append(&tx, &events).await?;
    store::insert_sync_run(&tx, &run).await?;
    tx.commit().await?;
    if !(inserts.is_empty() && updates.is_empty() && terminations.is_empty()) {
        ctx.directory.people_changed().await?;
    }
    if inserts.len() >= BULK_LOAD {
        store::refresh_statistics_after_load(&ctx.db, inserts.len()).await?;
    }
    Ok(SyncResult {
        run_id: run.id.to_string(),
        counts,
        results,
    })
}

pub async fn list_runs(
    ctx: &Ctx,
    after: Option<&str>,
    first: Option<u64>,
) -> ApiResult<Page<SyncRun>> {
    ensure(access::can_read_sync_runs(&ctx.principal))?;
    let limit = page_size(first)?;
    let before = decode_cursor::<SyncRunId>(after)?;
    let rows = store::list_sync_runs(&ctx.db, before, limit + 1).await?;
    Ok(paginate(rows, limit, |r| r.id.to_string()))
}

pub async fn get_run(ctx: &Ctx, id: SyncRunId) -> ApiResult<SyncRun> {
    ensure(access::can_read_sync_runs(&ctx.principal))?;
    store::get_sync_run(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("sync run"))
}

/// A share (0.0-1.0) as a whole percentage, for messages.
fn percent(share: f64) -> u32 {
    let p = (share * 100.0).round().clamp(0.0, 100.0);
    // In 0..=100 after the clamp, so the conversion is exact.
    p as u32
}
