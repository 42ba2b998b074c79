//! Learning time built into job hours: policies, allocations, carry-over, time entries and
//! approvals, and the arithmetic of summaries.

mod allocation;
mod entry;
mod groups;
mod input;
mod policy;
mod summary;

pub use allocation::{allocation_minutes, carry_in, daily_minutes};
pub use entry::{
    approval_for, check_entry, entry_for_completion, may_approve, ApprovalState, EntryCategory,
    EntryData, EntryMinutes, TimeEntry, MINUTES_PER_DAY,
};
pub use groups::{
    decide_summary_groups, decide_summary_groups_knowing, LevelBands, Place, SummaryGroup,
};
pub use input::{parse_day, parse_period, EntryFields, PolicyFields, SlotFields};
pub use policy::{
    resolve, unit_chain, Grant, GrantKind, Policy, PolicyName, PolicyPeriod, PolicyScope,
    ProtectedSlot, Relative, VersionedPolicy,
};
pub use summary::{summarise, PersonUsage, Summarised, Totals, Usage};
