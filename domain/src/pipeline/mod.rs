//! The leadership pipeline: programmes and their cohorts, memberships with their states, the
//! motivation reflection, readiness assessments and 9-box talent reviews, leadership positions
//! with their succession slates, placements, alumni and lost graduates; and, from those, the
//! bottleneck figures, the findings a leader can act on, and the projection of the queue.

mod bottleneck;
mod findings;
mod membership;
mod projection;
mod records;

pub use bottleneck::{
    Attrition, BottleneckFacts, BottleneckFigures, Funnel, IncumbentFact, MembershipFact,
    PositionFact, Rate, ReadyNowFact, Spread, Stagnation,
};
pub use findings::{findings, Action, Finding, FindingRule, Thresholds, RULES};
pub use membership::{CohortState, Membership, MembershipState, Outcome};
pub use projection::{project, AssumptionFields, Assumptions, ProjectionYear};
pub use records::{
    Cohort, CohortFields, Incumbency, NineBox, Placement, Position, PositionFields, Programme,
    ProgrammeFields, Rationale, Readiness, ReadinessAssessment, ReadinessFields, Reflection,
    SlateFields, TalentReview, TalentReviewFields, SLATE_MAX,
};
