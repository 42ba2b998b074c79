//! The leadership pipeline's use cases (`docs/PIPELINE.md`): programmes and cohorts (ld_admin),
//! nominations and memberships through their states (managers, members, the programme lead),
//! the motivation reflection (the member and the lead only, every read audited), readiness and
//! 9-box reviews (visible to hr_admin, ld_admin and the assessor), positions, slates and
//! placements (hr_admin), alumni, lost graduates (from HRIS terminations), the bottleneck report
//! with its findings, and the projection.

pub mod bottleneck;
pub mod lost;
pub mod memberships;
pub mod positions;
pub mod programmes;
pub mod projection;
pub mod talent;

pub use bottleneck::{bottleneck, BottleneckReport, BottleneckScope};
pub use lost::graduates_terminated;
pub use memberships::{
    admit, alumni, discuss_reflection, get_membership, graduate, list_memberships, my_memberships,
    nominate, read_reflection, start, withdraw, write_reflection, Nomination, ReflectionView,
};
pub use positions::{
    create_position, get_position, list_placements, list_positions, place, position_history,
    set_slate, slate, PlacementCommand, SlateEntry,
};
pub use programmes::{
    cohort_cursor, create_cohort, create_programme, get_cohort, get_programme, list_cohorts,
    list_programmes, programme_cursor,
};
pub use projection::{projection, Projection};
pub use talent::{readiness_history, record_readiness, record_review, talent_reviews};
