//! Coaching, mentoring and PD budgets: money in integer minor units, fiscal years, budget
//! policies per job level with prorating and carry-over, and spend requests with their states.

mod budget;
mod equity;
mod matching;
mod mentoring;
mod money;
mod spend;

pub use budget::{
    carry_in, fiscal_year_of, fiscal_year_period, prorated, Budget, BudgetPolicy,
    BudgetPolicyFields, FiscalStartMonth, Opening,
};
pub use equity::{DevelopmentGroup, EquityFigures, EquityGap, EQUITY_BANDS};
pub use matching::{propose, Candidate, Mentee, Proposal, Reason};
pub use mentoring::{
    Engagement, EngagementState, Giver, Language, MeetingFormat, MentorProfile, MentoringRequest,
    NewSession, ProfileFields, ProfileKind, RequestFields, RequestState, Session, SessionFields,
    Side,
};
pub use money::{Currency, Money};
pub use spend::{Decision, NewSpend, SpendCategory, SpendFields, SpendRequest, SpendState};
