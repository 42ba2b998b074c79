//! Learning time built into job hours: policies, allocations, carry-over, time entries and
//! approvals, and the arithmetic of summaries.

mod allocation;
mod entry;
mod policy;
mod summary;

pub use allocation::{allocation_minutes, carry_in, daily_minutes};
pub use entry::{
    approval_for, check_entry, may_approve, ApprovalState, EntryCategory, EntryMinutes, TimeEntry,
    MINUTES_PER_DAY,
};
pub use policy::{
    resolve, Grant, GrantKind, Policy, PolicyName, PolicyPeriod, PolicyScope, ProtectedSlot,
};
pub use summary::Totals;
