//! The development context's use cases: PD budget policies (hr_admin, ld_admin), each person's
//! budget for a fiscal year, and spend requests with their approval.
//!
//! A budget is opened (stored) with its first spend request, from the policy of the person's
//! job level for the fiscal year: the allocation prorated for hire and termination, and last
//! year's unused amount up to the policy's carry-over cap. Before that it is shown as it would
//! open. Approvals reserve, spending settles and cancellation releases, each by a conditional
//! update, so the available amount never goes below zero.

pub mod budgets;
pub mod engagements;
pub mod equity;
pub mod mentoring;
pub mod spend;

pub use budgets::{create_policy, get_budget, list_policies, policy_cursor, BudgetView};
pub use engagements::{
    answer, approve as approve_engagement, close, get_engagement, list_engagements, log_session,
    EngagementDetail, EngagementList,
};
pub use equity::{equity, BandFigures, EquityQuery, EquityReport, EquityView};
pub use mentoring::{
    choose, create_profile, create_request, get_profile, get_request as get_mentoring_request,
    list_profiles, matches,
};
pub use spend::{
    approve, cancel, get_request, list_requests, reject, request_spend, settle, SpendList,
};
