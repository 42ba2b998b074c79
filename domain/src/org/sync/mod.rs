//! HRIS sync: per-record outcomes, the record of a run, and (in [`plan`]) the pure decision of
//! what a batch does to the directory.

mod delta;
mod plan;
mod reconcile;
mod units;

pub use delta::{Change, EmployeeDelta, SyncMode};
pub use reconcile::{ReconcileRun, RunState, MAX_PAGE};
pub use units::{
    plan_units, PlannedUnit, UnitDecision, UnitFields, UnitKnown, UnitPlan, UnitRejection,
};

pub use plan::{
    Decision, Known, Plan, PlannedRecord, Rejection, StoredPerson, SyncBatch, SyncDraft,
    SyncLimits, SyncLookups, SyncOptions,
};

use crate::ids::SyncRunId;
use crate::Code;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a sync did to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordOutcome {
    Created,
    Updated,
    Unchanged,
    Error,
}

/// Why one record of a batch was rejected: a stable code, the field and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordError {
    pub index: usize,
    pub external_id: Option<String>,
    pub code: Code,
    pub field: Option<String>,
    pub message: String,
}

/// Counts of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncCounts {
    pub total: u32,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub failed: u32,
    pub deactivated: u32,
}

impl SyncCounts {
    pub fn add(&mut self, outcome: RecordOutcome) {
        match outcome {
            RecordOutcome::Created => self.created += 1,
            RecordOutcome::Updated => self.updated += 1,
            RecordOutcome::Unchanged => self.unchanged += 1,
            RecordOutcome::Error => self.failed += 1,
        }
    }
}

/// The record of one HRIS sync run.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncRun {
    pub id: SyncRunId,
    pub actor: String,
    pub request_id: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub deactivate_missing: bool,
    pub counts: SyncCounts,
    pub errors: Vec<RecordError>,
}

/// Would terminating `missing` of `active` people exceed the allowed share (0.0..=1.0)?
pub fn deactivation_exceeds(missing: usize, active: usize, max_share: f64) -> bool {
    if active == 0 {
        return false;
    }
    #[expect(clippy::cast_precision_loss, reason = "head counts are far below 2^52")]
    let share = missing as f64 / active as f64;
    share > max_share
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deactivating_more_than_the_share_is_refused() {
        assert!(!deactivation_exceeds(20, 100, 0.2));
        assert!(deactivation_exceeds(21, 100, 0.2));
        assert!(!deactivation_exceeds(0, 0, 0.2));
    }
}
