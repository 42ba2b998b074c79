//! A person's membership of a cohort and its states (`docs/PIPELINE.md`):
//!
//! ```text
//! nominated ─admit─> admitted ─start─> active ─graduate─> graduated ─> placed | role_grown | alumni | lost
//!     └──────────────────┴───────────────┴─withdraw─> withdrawn
//! ```
//!
//! A graduate's outcome is set once: `placed` (or `role_grown`, placed into a position created
//! for growth) by a placement, `alumni` when hr helps them move on, `lost` only when the HRIS
//! terminates a graduate who has no outcome yet.

use super::records::Cohort;
use crate::ids::{CohortId, EmployeeId, MembershipId, ProgrammeId};
use crate::org::{next_version, FIRST_VERSION};
use crate::Rule;
use chrono::{DateTime, NaiveDate, Utc};

code_enum!(
    /// Where a membership is.
    MembershipState, "state" {
        /// Put forward, by themselves or their manager; waiting for the programme lead
        /// to admit them.
        Nominated = "nominated",
        /// Admitted by the programme lead: holds a seat of the cohort's capacity, not
        /// started yet.
        Admitted = "admitted",
        /// Taking part in the programme.
        Active = "active",
        /// Finished the programme; what became of them is the outcome (none yet: waiting
        /// for a role).
        Graduated = "graduated",
        /// Left the programme before graduating.
        Withdrawn = "withdrawn",
    }
);

impl MembershipState {
    /// Still in the programme: a person holds at most one open membership per programme.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Nominated | Self::Admitted | Self::Active)
    }
    /// Holds a seat of the cohort's capacity.
    pub fn holds_seat(self) -> bool {
        matches!(self, Self::Admitted | Self::Active | Self::Graduated)
    }
}

code_enum!(
    /// What became of a graduate.
    Outcome, "outcome" {
        /// Placed into a leadership position that was not created for growth.
        Placed = "placed",
        /// Placed into a position created to grow the organisation.
        RoleGrown = "role_grown",
        /// Helped to move on with the organisation's help (counted as a success); may act
        /// as an ambassador.
        Alumni = "alumni",
        /// Left the organisation (terminated in the HRIS) while waiting, without support.
        Lost = "lost",
    }
);

code_enum!(
    /// A cohort's state, from its dates and today.
    CohortState, "state" {
        /// Today is before the cohort's start date.
        Upcoming = "upcoming",
        /// Today is between the cohort's start and end dates (both included).
        Running = "running",
        /// Today is after the cohort's end date.
        Finished = "finished",
    }
);

impl Cohort {
    pub fn state(&self, today: NaiveDate) -> CohortState {
        if today < self.starts_on {
            CohortState::Upcoming
        } else if today <= self.ends_on {
            CohortState::Running
        } else {
            CohortState::Finished
        }
    }
}

/// One person's membership of one cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub id: MembershipId,
    pub cohort_id: CohortId,
    pub programme_id: ProgrammeId,
    pub employee_id: EmployeeId,
    pub state: MembershipState,
    /// Who nominated (token subject), and whether the person nominated themselves.
    pub nominated_by: String,
    pub self_nominated: bool,
    pub admitted_on: Option<NaiveDate>,
    pub graduated_on: Option<NaiveDate>,
    pub withdrawn_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub outcome_on: Option<NaiveDate>,
    /// Alumni only: acts as an ambassador of the programme.
    pub ambassador: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Membership {
    /// A nomination into `cohort`: by the person themselves or by their manager.
    pub fn nominate(
        id: MembershipId,
        cohort: &Cohort,
        employee_id: EmployeeId,
        nominated_by: &str,
        self_nominated: bool,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            cohort_id: cohort.id,
            programme_id: cohort.programme_id,
            employee_id,
            state: MembershipState::Nominated,
            nominated_by: nominated_by.to_owned(),
            self_nominated,
            admitted_on: None,
            graduated_on: None,
            withdrawn_on: None,
            outcome: None,
            outcome_on: None,
            ambassador: false,
            version: FIRST_VERSION,
            created_at: now,
            updated_at: now,
        }
    }

    fn refuse(&self, action: &'static str) -> Rule {
        Rule::MembershipState {
            state: self.outcome.map_or(self.state.code(), Outcome::code),
            action,
        }
    }

    fn next(self, now: DateTime<Utc>, change: impl FnOnce(&mut Self)) -> Self {
        let mut m = Self {
            version: next_version(self.version),
            updated_at: now,
            ..self
        };
        change(&mut m);
        m
    }

    fn moved(
        self,
        from: MembershipState,
        to: MembershipState,
        action: &'static str,
        now: DateTime<Utc>,
        change: impl FnOnce(&mut Self),
    ) -> Result<Self, Rule> {
        if self.state != from {
            return Err(self.refuse(action));
        }
        Ok(self.next(now, |m| {
            m.state = to;
            change(m);
        }))
    }

    /// Admitted by the programme lead (the cohort's capacity is checked by the store).
    pub fn admit(self, on: NaiveDate, now: DateTime<Utc>) -> Result<Self, Rule> {
        use MembershipState::{Admitted, Nominated};
        self.moved(Nominated, Admitted, "admitted", now, |m| {
            m.admitted_on = Some(on);
        })
    }

    /// The programme starts for the member.
    pub fn start(self, now: DateTime<Utc>) -> Result<Self, Rule> {
        use MembershipState::{Active, Admitted};
        self.moved(Admitted, Active, "started", now, |_| {})
    }

    pub fn graduate(self, on: NaiveDate, now: DateTime<Utc>) -> Result<Self, Rule> {
        use MembershipState::{Active, Graduated};
        if self.admitted_on.is_some_and(|a| on < a) {
            return Err(self.refuse("graduated before admission"));
        }
        self.moved(Active, Graduated, "graduated", now, |m| {
            m.graduated_on = Some(on);
        })
    }

    /// Leave the programme before graduating (the member, the lead, ld_admin).
    pub fn withdraw(self, on: NaiveDate, now: DateTime<Utc>) -> Result<Self, Rule> {
        if !self.state.is_open() {
            return Err(self.refuse("withdrawn"));
        }
        Ok(self.next(now, |m| {
            m.state = MembershipState::Withdrawn;
            m.withdrawn_on = Some(on);
        }))
    }

    /// A graduate still without an outcome.
    pub fn is_waiting_graduate(&self) -> bool {
        self.state == MembershipState::Graduated && self.outcome.is_none()
    }

    fn concluded(
        self,
        outcome: Outcome,
        on: NaiveDate,
        action: &'static str,
        now: DateTime<Utc>,
    ) -> Result<Self, Rule> {
        if !self.is_waiting_graduate() {
            return Err(self.refuse(action));
        }
        Ok(self.next(now, |m| {
            m.outcome = Some(outcome);
            m.outcome_on = Some(on);
        }))
    }

    /// Placed into a position (`grown`: one created for growth).
    pub fn placed(self, on: NaiveDate, grown: bool, now: DateTime<Utc>) -> Result<Self, Rule> {
        let outcome = if grown {
            Outcome::RoleGrown
        } else {
            Outcome::Placed
        };
        self.concluded(outcome, on, "placed", now)
    }

    /// Helped to move on, with the organisation's help (a success), perhaps as an ambassador.
    pub fn alumni(self, on: NaiveDate, ambassador: bool, now: DateTime<Utc>) -> Result<Self, Rule> {
        let mut m = self.concluded(Outcome::Alumni, on, "made alumni", now)?;
        m.ambassador = ambassador;
        Ok(m)
    }

    /// Terminated in the HRIS without a placement; `None` when the membership is not a waiting
    /// graduate (the termination changes nothing here).
    pub fn lost(self, on: NaiveDate, now: DateTime<Utc>) -> Option<Self> {
        self.concluded(Outcome::Lost, on, "lost", now).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::Label;

    fn now() -> DateTime<Utc> {
        "2026-06-01T10:00:00Z".parse().unwrap()
    }
    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn cohort() -> Cohort {
        Cohort {
            id: CohortId::from_uuid(uuid::Uuid::now_v7()),
            programme_id: ProgrammeId::from_uuid(uuid::Uuid::now_v7()),
            name: Label::parse("2026").unwrap(),
            starts_on: day(3, 1),
            ends_on: day(9, 30),
            capacity: 10,
            seats_taken: 0,
            version: 1,
            created_at: now(),
            updated_at: now(),
        }
    }

    fn nominated() -> Membership {
        let id = MembershipId::from_uuid(uuid::Uuid::now_v7());
        let who = EmployeeId::from_uuid(uuid::Uuid::now_v7());
        Membership::nominate(id, &cohort(), who, "mgr", false, now())
    }

    #[test]
    fn a_membership_walks_the_states_in_order_and_bumps_its_version() {
        let m = nominated().admit(day(2, 1), now()).unwrap();
        assert_eq!((m.state, m.version), (MembershipState::Admitted, 2));
        let m = m.start(now()).unwrap().graduate(day(9, 30), now()).unwrap();
        assert_eq!(m.state, MembershipState::Graduated);
        assert!(m.is_waiting_graduate());
        let placed = m.clone().placed(day(12, 1), true, now()).unwrap();
        assert_eq!(placed.outcome, Some(Outcome::RoleGrown));
        assert_eq!(
            placed.clone().alumni(day(12, 2), true, now()).unwrap_err(),
            Rule::MembershipState {
                state: "role_grown",
                action: "made alumni"
            }
        );
        assert!(placed.lost(day(12, 3), now()).is_none());
        let lost = m.lost(day(12, 3), now()).unwrap();
        assert_eq!(
            (lost.outcome, lost.outcome_on),
            (Some(Outcome::Lost), Some(day(12, 3)))
        );
    }

    #[test]
    fn states_cannot_be_skipped_and_only_open_memberships_withdraw() {
        let m = nominated();
        assert_eq!(
            m.clone().graduate(day(9, 1), now()).unwrap_err(),
            Rule::MembershipState {
                state: "nominated",
                action: "graduated"
            }
        );
        assert!(m.clone().start(now()).is_err());
        let w = m.withdraw(day(3, 1), now()).unwrap();
        assert_eq!(w.state, MembershipState::Withdrawn);
        assert!(!w.state.is_open() && !w.state.holds_seat());
        assert!(w.clone().withdraw(day(3, 2), now()).is_err());
        assert!(w.admit(day(3, 2), now()).is_err());
    }

    #[test]
    fn a_cohort_state_follows_its_dates() {
        let c = cohort();
        assert_eq!(c.state(day(2, 28)), CohortState::Upcoming);
        assert_eq!(c.state(day(3, 1)), CohortState::Running);
        assert_eq!(c.state(day(9, 30)), CohortState::Running);
        assert_eq!(c.state(day(10, 1)), CohortState::Finished);
    }
}
