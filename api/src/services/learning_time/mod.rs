//! The learning-time context's use cases: policies (ld_admin), time entries, their approval, and
//! summaries.
//!
//! A policy is never rewritten: a change ends it (`effective_to`) and starts a new one, so past
//! periods keep the allocation they had. Entries are logged by their person (or for them by their
//! manager or ld_admin); an entry above the policy's threshold waits for the manager, nobody
//! approves their own, and editing an approved entry sends it back for approval.

pub mod approvals;
pub mod entries;
pub mod policies;
pub mod summaries;

pub use approvals::decide;
pub(crate) use entries::{add_entries, put_entry};
pub use entries::{edit_entry, get_entry, list_entries, log_time, EntryCommand, EntryRange};
pub use policies::{create_policy, end_policy, list_policies};
pub(crate) use summaries::caller_decisions;
pub use summaries::{
    person_summaries, summary, unit_summaries, unused_learning_time, Summary, SummaryQuery,
    SummaryScope, TotalsView,
};

use crate::error::ApiResult;
use crate::services::Services;
use chrono::NaiveDate;
use learnwell_domain::learning_time::{resolve, unit_chain, Policy};
use learnwell_domain::org::Employee;
use learnwell_persistence::learning_time as store;

/// Every policy, past and present (what allocation and thresholds are resolved against).
async fn all_policies(svc: &Services) -> ApiResult<Vec<Policy>> {
    Ok(store::list_policies(&svc.db)
        .await?
        .into_iter()
        .map(|p| p.policy)
        .collect())
}

/// The approval threshold of the policy that applies to `employee` on `day`.
pub(crate) async fn threshold(
    svc: &Services,
    employee: &Employee,
    day: NaiveDate,
) -> ApiResult<Option<u32>> {
    let policies = all_policies(svc).await?;
    let parents = svc.directory.unit_parent_map().await?;
    let chain = unit_chain(employee.data.org_unit_id, &parents);
    let level = Some(employee.data.job_level);
    Ok(resolve(&policies, &chain, level, day).and_then(|p| p.approval_threshold_minutes))
}
