//! The HRIS sync plan: what one batch does to the directory, decided without IO.
//!
//! A sync is load -> plan -> write. The service asks [`SyncBatch::lookups`] what to read, reads it
//! into [`Known`], lets [`SyncBatch::resolve`] parse the records and resolve their references, reads
//! the stored manager chart only when [`SyncDraft::needs_manager_chart`] says so (and the active
//! HRIS people for a reconcile), and [`SyncDraft::plan`] decides every record's outcome and who is
//! terminated. The service then writes the [`Plan`] in one transaction.
//!
//! Per record, in this order (the first problem found is the one reported):
//! 1. the external id is present and not already in the batch;
//! 2. the org unit reference (by external id, else by id) exists; the fields parse;
//! 3. the email belongs to nobody else, in the directory or earlier in the batch;
//! 4. the manager reference (external id: the batch first, then the directory; or id) exists;
//! 5. the manager link, applied in batch order, closes no cycle; and a record whose manager is a
//!    new person refused in this batch is refused too (nobody can report to someone who does
//!    not exist).
//!
//! For the batch: at most [`SyncLimits::max_batch`] records; a reconcile terminates the active
//! HRIS people absent from the batch, unless that is more than the allowed share (and not forced).

use super::{deactivation_exceeds, RecordError, RecordOutcome, SyncCounts};
use crate::error::{Code, Rule};
use crate::ids::{EmployeeId, OrgUnitId};
use crate::org::ManagerGraph;
use crate::org::{next_version, non_blank, Email, Employee, EmployeeData, EmployeeFields};
use crate::FieldError;
use chrono::{DateTime, Utc};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// How a sync runs (query parameters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncOptions {
    /// Full reconcile: terminate active HRIS employees absent from the batch.
    pub deactivate_missing: bool,
    /// Allow a reconcile that terminates more than the allowed share.
    pub force: bool,
}

/// The limits of a sync (configuration).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyncLimits {
    /// The most records in one batch.
    pub max_batch: usize,
    /// The largest share (0.0..=1.0) of the active HRIS people a reconcile may terminate.
    pub max_deactivation_share: f64,
}

/// A stored employee as a sync sees it: identity, manager, version and the fingerprint of its
/// data ([`EmployeeData::fingerprint`]), so an unchanged record is found without loading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPerson {
    pub id: EmployeeId,
    pub manager_id: Option<EmployeeId>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub fingerprint: String,
}

impl StoredPerson {
    /// Is `data` exactly what is stored?
    pub fn holds(&self, data: &EmployeeData) -> bool {
        self.fingerprint == data.fingerprint()
    }

    /// The stored employee holding `data`: the next version.
    fn revised(&self, data: EmployeeData, now: DateTime<Utc>) -> Employee {
        Employee {
            id: self.id,
            data,
            version: next_version(self.version),
            created_at: self.created_at,
            updated_at: now,
        }
    }
}

/// Why one record of a batch was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    /// `validation_failed`: no external id.
    MissingExternalId,
    /// `duplicate_in_batch`: an earlier record has the same external id.
    DuplicateInBatch { first: usize },
    /// `unknown_org_unit`, by external id or by id.
    UnknownOrgUnit { by_external_id: bool },
    /// `validation_failed`: the fields do not parse.
    Invalid(Vec<FieldError>),
    /// `duplicate_email`: someone else has this email.
    DuplicateEmail,
    /// `unknown_manager`, by external id or by id.
    UnknownManager { by_external_id: bool },
    /// `manager_cycle`: the manager reports to this person.
    ManagerCycle,
    /// `manager_rejected`: the manager is a new person whose own record was refused.
    ManagerRejected,
}

impl Rejection {
    /// The stable per-record code.
    pub fn code(&self) -> Code {
        match self {
            Rejection::MissingExternalId | Rejection::Invalid(_) => Code::ValidationFailed,
            Rejection::DuplicateInBatch { .. } => Code::DuplicateInBatch,
            Rejection::UnknownOrgUnit { .. } => Code::UnknownOrgUnit,
            Rejection::DuplicateEmail => Code::DuplicateEmail,
            Rejection::UnknownManager { .. } => Code::UnknownManager,
            Rejection::ManagerCycle => Rule::ManagerCycle.code(),
            Rejection::ManagerRejected => Code::ManagerRejected,
        }
    }

    /// The field the problem is in.
    pub fn field(&self) -> Option<&str> {
        Some(match self {
            Rejection::MissingExternalId | Rejection::DuplicateInBatch { .. } => "external_id",
            Rejection::UnknownOrgUnit { by_external_id } => {
                if *by_external_id {
                    "org_unit_external_id"
                } else {
                    "org_unit_id"
                }
            }
            Rejection::Invalid(errors) => return errors.first().map(|e| e.field.as_str()),
            Rejection::DuplicateEmail => "email",
            Rejection::UnknownManager {
                by_external_id: false,
            } => "manager_id",
            Rejection::UnknownManager {
                by_external_id: true,
            }
            | Rejection::ManagerCycle
            | Rejection::ManagerRejected => "manager_external_id",
        })
    }

    /// The record error of record `index` (as kept in the run and returned to the client).
    pub fn to_error(&self, index: usize, external_id: Option<&str>) -> RecordError {
        RecordError {
            index,
            external_id: external_id.map(str::to_owned),
            code: self.code(),
            field: self.field().map(str::to_owned),
            message: self.to_string(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::MissingExternalId => f.write_str("is required for HRIS sync"),
            Rejection::DuplicateInBatch { first } => write!(f, "also in record {first}"),
            Rejection::UnknownOrgUnit {
                by_external_id: true,
            } => f.write_str("no org unit has this external id"),
            Rejection::UnknownOrgUnit {
                by_external_id: false,
            } => f.write_str("no such org unit"),
            Rejection::Invalid(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
            Rejection::DuplicateEmail => f.write_str("another employee has this email"),
            Rejection::UnknownManager {
                by_external_id: true,
            } => f.write_str("no employee has this external id"),
            Rejection::UnknownManager {
                by_external_id: false,
            } => f.write_str("no such employee"),
            Rejection::ManagerCycle => write!(f, "{}", Rule::ManagerCycle),
            Rejection::ManagerRejected => {
                f.write_str("the manager's own record was rejected in this batch")
            }
        }
    }
}

/// What a sync does with one record.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Create(Employee),
    Update(Employee),
    Unchanged(EmployeeId),
    Reject(Rejection),
}

impl Decision {
    pub fn outcome(&self) -> RecordOutcome {
        match self {
            Decision::Create(_) => RecordOutcome::Created,
            Decision::Update(_) => RecordOutcome::Updated,
            Decision::Unchanged(_) => RecordOutcome::Unchanged,
            Decision::Reject(_) => RecordOutcome::Error,
        }
    }

    /// The employee the record is (none when refused).
    pub fn employee_id(&self) -> Option<EmployeeId> {
        match self {
            Decision::Create(e) | Decision::Update(e) => Some(e.id),
            Decision::Unchanged(id) => Some(*id),
            Decision::Reject(_) => None,
        }
    }
}

/// One record of the batch and what happens to it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRecord {
    pub index: usize,
    pub external_id: Option<String>,
    pub decision: Decision,
}

/// Everything a sync writes: each record's decision, in batch order, and who is terminated.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub records: Vec<PlannedRecord>,
    /// Active HRIS people absent from a reconcile's batch, to terminate as of today.
    pub terminate: Vec<EmployeeId>,
}

impl Plan {
    /// The employees to insert.
    pub fn creates(&self) -> impl Iterator<Item = &Employee> {
        self.records.iter().filter_map(|r| match &r.decision {
            Decision::Create(e) => Some(e),
            _ => None,
        })
    }

    /// The employees to write over their stored version.
    pub fn updates(&self) -> impl Iterator<Item = &Employee> {
        self.records.iter().filter_map(|r| match &r.decision {
            Decision::Update(e) => Some(e),
            _ => None,
        })
    }

    /// The refused records, as kept in the run.
    pub fn errors(&self) -> Vec<RecordError> {
        self.records
            .iter()
            .filter_map(|r| match &r.decision {
                Decision::Reject(why) => Some(why.to_error(r.index, r.external_id.as_deref())),
                _ => None,
            })
            .collect()
    }

    /// Counts of the run.
    pub fn counts(&self) -> SyncCounts {
        let mut counts = SyncCounts {
            total: saturating_u32(self.records.len()),
            deactivated: saturating_u32(self.terminate.len()),
            ..SyncCounts::default()
        };
        for r in &self.records {
            counts.add(r.decision.outcome());
        }
        counts
    }

    /// Does the plan change the directory at all?
    pub fn writes_anything(&self) -> bool {
        !self.terminate.is_empty()
            || self
                .records
                .iter()
                .any(|r| matches!(r.decision, Decision::Create(_) | Decision::Update(_)))
    }
}

fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A batch of records, within the batch limit.
#[derive(Debug, Clone)]
pub struct SyncBatch {
    records: Vec<EmployeeFields>,
    limits: SyncLimits,
}

/// What the directory must be asked before a batch can be planned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncLookups<'a> {
    /// Every HRIS key the batch names: its records' and their managers' (for [`Known::people`]).
    pub external_ids: Vec<&'a str>,
    /// Org units by HRIS key (for [`Known::units_by_external_id`]).
    pub unit_external_ids: Vec<&'a str>,
    /// Org units by id (for [`Known::units`]).
    pub unit_ids: Vec<OrgUnitId>,
    /// Managers by id (for [`Known::employees`]).
    pub manager_ids: Vec<EmployeeId>,
    /// The emails of the records (for [`Known::email_owners`]).
    pub emails: Vec<String>,
}

/// What the directory holds of a batch's [`SyncLookups`].
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Stored people by HRIS key.
    pub people: HashMap<String, StoredPerson>,
    /// Org units by HRIS key.
    pub units_by_external_id: HashMap<String, OrgUnitId>,
    /// The org units of `unit_ids` that exist.
    pub units: HashSet<OrgUnitId>,
    /// The employees of `manager_ids` that exist.
    pub employees: HashSet<EmployeeId>,
    /// Who has each of the emails.
    pub email_owners: HashMap<String, EmployeeId>,
}

impl SyncBatch {
    /// A batch, refused whole when it holds more than `limits.max_batch` records.
    pub fn new(records: Vec<EmployeeFields>, limits: SyncLimits) -> Result<Self, Rule> {
        Self::ensure_size(records.len(), limits)?;
        Ok(Self { records, limits })
    }

    /// A batch of `records` records is within `limits.max_batch`.
    pub fn ensure_size(records: usize, limits: SyncLimits) -> Result<(), Rule> {
        if records > limits.max_batch {
            return Err(Rule::BatchTooLarge {
                what: "a batch",
                items: "records",
                max: limits.max_batch,
                sent: records,
            });
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// What to read before [`SyncBatch::resolve`] (each list without repeats).
    pub fn lookups(&self) -> SyncLookups<'_> {
        fn unique<T: Eq + std::hash::Hash + Clone>(items: impl Iterator<Item = T>) -> Vec<T> {
            let mut seen = HashSet::new();
            items.filter(|x| seen.insert(x.clone())).collect()
        }
        let r = &self.records;
        SyncLookups {
            external_ids: unique(
                r.iter()
                    .filter_map(|x| non_blank(&x.external_id))
                    .chain(r.iter().filter_map(|x| non_blank(&x.manager_external_id))),
            ),
            unit_external_ids: unique(r.iter().filter_map(|x| non_blank(&x.org_unit_external_id))),
            unit_ids: unique(
                r.iter()
                    .filter_map(|x| non_blank(&x.org_unit_id)?.parse().ok()),
            ),
            manager_ids: unique(
                r.iter()
                    .filter_map(|x| non_blank(&x.manager_id)?.parse().ok()),
            ),
            emails: unique(r.iter().filter_map(|x| {
                Email::parse(non_blank(&x.email)?)
                    .ok()
                    .map(|e| e.as_str().to_owned())
            })),
        }
    }

    /// Steps 1-4: parse every record and resolve its references against `known`. New people get
    /// their id from `new_id`, in batch order.
    pub fn resolve(
        &self,
        known: &Known,
        now: DateTime<Utc>,
        mut new_id: impl FnMut() -> EmployeeId,
    ) -> SyncDraft<'_> {
        let mut first_seen: HashMap<&str, usize> = HashMap::new();
        let mut slots = Vec::with_capacity(self.records.len());
        for (i, r) in self.records.iter().enumerate() {
            let slot = match non_blank(&r.external_id) {
                None => Slot::refused(Rejection::MissingExternalId),
                Some(ext) => match first_seen.entry(ext) {
                    Entry::Occupied(first) => Slot::refused(Rejection::DuplicateInBatch {
                        first: *first.get(),
                    }),
                    Entry::Vacant(v) => {
                        v.insert(i);
                        parse_record(r, ext, known, &mut new_id)
                    }
                },
            };
            slots.push(slot);
        }
        let mut draft = SyncDraft {
            batch: self,
            slots,
            now,
        };
        draft.check_emails(known);
        draft.link_managers(known);
        draft
    }
}

/// Step 2 for one record: its unit, its fields, its id.
fn parse_record(
    r: &EmployeeFields,
    ext: &str,
    known: &Known,
    new_id: &mut impl FnMut() -> EmployeeId,
) -> Slot {
    let unit = if let Some(key) = non_blank(&r.org_unit_external_id) {
        match known.units_by_external_id.get(key) {
            Some(u) => Some(*u),
            None => {
                return Slot::refused(Rejection::UnknownOrgUnit {
                    by_external_id: true,
                })
            }
        }
    } else if let Some(raw) = non_blank(&r.org_unit_id) {
        match raw
            .parse::<OrgUnitId>()
            .ok()
            .filter(|u| known.units.contains(u))
        {
            Some(u) => Some(u),
            None => {
                return Slot::refused(Rejection::UnknownOrgUnit {
                    by_external_id: false,
                })
            }
        }
    } else {
        None
    };
    match r.parse(unit, None) {
        Err(errors) => Slot::refused(Rejection::Invalid(errors)),
        Ok(data) => {
            let existing = known.people.get(ext).cloned();
            let id = existing.as_ref().map_or_else(&mut *new_id, |e| e.id);
            Slot::Pending(Pending { id, data, existing })
        }
    }
}

#[derive(Debug, Clone)]
struct Pending {
    id: EmployeeId,
    data: EmployeeData,
    existing: Option<StoredPerson>,
}

#[derive(Debug, Clone)]
#[expect(
    clippy::large_enum_variant,
    reason = "nearly every slot is pending; boxing would allocate once per record for nothing"
)]
enum Slot {
    Pending(Pending),
    /// Refused; `lost` is the id the record would have created (nobody may report to it).
    Refused {
        why: Rejection,
        lost: Option<EmployeeId>,
    },
}

impl Slot {
    fn refused(why: Rejection) -> Self {
        Slot::Refused { why, lost: None }
    }

    fn refuse(&mut self, why: Rejection) {
        if let Slot::Pending(p) = self {
            let lost = p.existing.is_none().then_some(p.id);
            *self = Slot::Refused { why, lost };
        }
    }

    fn pending(&self) -> Option<&Pending> {
        match self {
            Slot::Pending(p) => Some(p),
            Slot::Refused { .. } => None,
        }
    }
}

/// A batch parsed and resolved, before cycles, refused managers and the reconcile are decided.
#[derive(Debug, Clone)]
pub struct SyncDraft<'a> {
    batch: &'a SyncBatch,
    slots: Vec<Slot>,
    now: DateTime<Utc>,
}

impl SyncDraft<'_> {
    /// Step 3: an email belongs to nobody else, in the directory or earlier in the batch.
    fn check_emails(&mut self, known: &Known) {
        let mut batch_emails: HashMap<String, EmployeeId> = HashMap::new();
        for slot in &mut self.slots {
            let Slot::Pending(p) = slot else { continue };
            let email = p.data.email.as_str();
            let other = |owner: &EmployeeId| *owner != p.id;
            if known.email_owners.get(email).is_some_and(other)
                || batch_emails.get(email).is_some_and(other)
            {
                slot.refuse(Rejection::DuplicateEmail);
            } else {
                batch_emails.insert(email.to_owned(), p.id);
            }
        }
    }

    /// Step 4: managers by external id (the batch first, then the directory) or by id.
    fn link_managers(&mut self, known: &Known) {
        let records = &self.batch.records;
        let batch_ids: HashMap<&str, EmployeeId> = self
            .slots
            .iter()
            .zip(records)
            .filter_map(|(s, r)| Some((non_blank(&r.external_id)?, s.pending()?.id)))
            .collect();
        let in_batch: HashSet<EmployeeId> = batch_ids.values().copied().collect();
        for (slot, r) in self.slots.iter_mut().zip(records) {
            let Slot::Pending(p) = slot else { continue };
            let manager = if let Some(key) = non_blank(&r.manager_external_id) {
                batch_ids
                    .get(key)
                    .copied()
                    .or_else(|| known.people.get(key).map(|s| s.id))
                    .map(Some)
                    .ok_or(Rejection::UnknownManager {
                        by_external_id: true,
                    })
            } else if let Some(raw) = non_blank(&r.manager_id) {
                raw.parse::<EmployeeId>()
                    .ok()
                    .filter(|m| known.employees.contains(m) || in_batch.contains(m))
                    .map(Some)
                    .ok_or(Rejection::UnknownManager {
                        by_external_id: false,
                    })
            } else {
                Ok(None)
            };
            match manager {
                Ok(m) => p.data.manager_id = m,
                Err(why) => slot.refuse(why),
            }
        }
    }

    /// Does the plan need the stored manager chart? Only when someone already stored changes
    /// manager: new people manage nobody yet, so links among them need only the batch itself.
    pub fn needs_manager_chart(&self) -> bool {
        self.slots.iter().filter_map(Slot::pending).any(|p| {
            p.existing
                .as_ref()
                .is_some_and(|e| e.manager_id != p.data.manager_id)
        })
    }

    /// Does any record set or change a manager link?
    fn relinks(&self) -> bool {
        self.slots.iter().filter_map(Slot::pending).any(|p| {
            p.existing
                .as_ref()
                .map_or(p.data.manager_id.is_some(), |e| {
                    e.manager_id != p.data.manager_id
                })
        })
    }

    /// Step 5, first half: apply the links in batch order over `chart`; refuse those that would
    /// close a cycle.
    fn refuse_cycles(&mut self, chart: &ManagerGraph) {
        let mut graph = chart.clone();
        for slot in &mut self.slots {
            let Slot::Pending(p) = slot else { continue };
            if !graph.link(p.id, p.data.manager_id) {
                slot.refuse(Rejection::ManagerCycle);
            }
        }
    }

    /// Step 5, second half: refuse, until none is left, every record whose manager is a new
    /// person refused in this batch. True when any was refused.
    fn refuse_lost_managers(&mut self) -> bool {
        let mut any = false;
        loop {
            let lost: HashSet<EmployeeId> = self
                .slots
                .iter()
                .filter_map(|s| match s {
                    Slot::Refused { lost, .. } => *lost,
                    Slot::Pending(_) => None,
                })
                .collect();
            let mut changed = false;
            for slot in &mut self.slots {
                let Slot::Pending(p) = slot else { continue };
                if p.data.manager_id.is_some_and(|m| lost.contains(&m)) {
                    slot.refuse(Rejection::ManagerRejected);
                    changed = true;
                }
            }
            if !changed {
                return any;
            }
            any = true;
        }
    }

    /// Step 5 and the reconcile: the plan. `chart` is the stored manager chart (read only when
    /// [`SyncDraft::needs_manager_chart`]; otherwise give `None`); `active` is every active
    /// HRIS person (id, external id), read for a reconcile only.
    pub fn plan(
        mut self,
        chart: Option<ManagerGraph>,
        active: &[(EmployeeId, String)],
        opts: SyncOptions,
    ) -> Result<Plan, Rule> {
        let chart = match chart {
            Some(chart) if self.needs_manager_chart() => chart,
            _ => ManagerGraph::default(),
        };
        // A record refused for its manager keeps its stored link, which the links applied after
        // it did not see: check the links again until no refusal changes the picture.
        loop {
            if self.relinks() {
                self.refuse_cycles(&chart);
            }
            if !self.refuse_lost_managers() {
                break;
            }
        }
        let terminate = if opts.deactivate_missing {
            self.terminations(active, opts.force)?
        } else {
            Vec::new()
        };
        let now = self.now;
        let records = self
            .slots
            .into_iter()
            .zip(&self.batch.records)
            .enumerate()
            .map(|(index, (slot, r))| PlannedRecord {
                index,
                external_id: non_blank(&r.external_id).map(str::to_owned),
                decision: match slot {
                    Slot::Refused { why, .. } => Decision::Reject(why),
                    Slot::Pending(p) => match p.existing {
                        None => Decision::Create(Employee::new(p.id, p.data, now)),
                        Some(e) if e.holds(&p.data) => Decision::Unchanged(e.id),
                        Some(e) => Decision::Update(e.revised(p.data, now)),
                    },
                },
            })
            .collect();
        Ok(Plan { records, terminate })
    }

    /// The active HRIS people absent from the batch (any record naming them counts, even a
    /// refused one), unless that is more than the allowed share and not forced. An empty batch
    /// is refused whatever the flags: it can only mean a broken export.
    fn terminations(
        &self,
        active: &[(EmployeeId, String)],
        force: bool,
    ) -> Result<Vec<EmployeeId>, Rule> {
        if self.batch.records.is_empty() {
            return Err(Rule::EmptyReconcile);
        }
        let present: HashSet<&str> = self
            .batch
            .records
            .iter()
            .filter_map(|r| non_blank(&r.external_id))
            .collect();
        let missing: Vec<EmployeeId> = active
            .iter()
            .filter(|(_, x)| !present.contains(x.as_str()))
            .map(|(id, _)| *id)
            .collect();
        let share = self.batch.limits.max_deactivation_share;
        if !force && deactivation_exceeds(missing.len(), active.len(), share) {
            return Err(Rule::DeactivationLimitExceeded {
                would_terminate: missing.len(),
                active: active.len(),
                max_percent: percent(share),
            });
        }
        Ok(missing)
    }
}

/// A share (0.0..=1.0) as a whole percentage.
fn percent(share: f64) -> u32 {
    let p = (share * 100.0).round().clamp(0.0, f64::from(u32::MAX));
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to the u32 range above"
    )]
    let p = p as u32;
    p
}

#[cfg(test)]
mod tests;
