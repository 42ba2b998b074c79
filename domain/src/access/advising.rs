//! Who may do what in a performance-advising engagement. The parties (client, advisor,
//! supervisor) come from the engagement and the caller; `hr_admin` sees everything but advisor
//! notes. Nobody else learns that an engagement exists (the services answer 404).

use super::{Principal, Relation, Role};
use crate::advising::Origin;
use crate::ids::EmployeeId;

/// How the caller takes part in one engagement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Parties {
    pub client: bool,
    /// The engagement's advisor, holding the `performance_advisor` role.
    pub advisor: bool,
    /// The supervisor in effect (pinned, or the client's manager).
    pub supervisor: bool,
    pub hr: bool,
}

impl Parties {
    /// The caller's parts in an engagement of `client`, `advisor` and `supervisor`.
    pub fn of(
        p: &Principal,
        client: EmployeeId,
        advisor: Option<EmployeeId>,
        supervisor: Option<EmployeeId>,
    ) -> Self {
        let me = if p.leaver { None } else { p.employee_id };
        let is = |who: Option<EmployeeId>| me.is_some() && who == me;
        Self {
            client: is(Some(client)),
            advisor: is(advisor) && p.has(Role::PerformanceAdvisor),
            supervisor: is(supervisor),
            hr: p.has(Role::HrAdmin),
        }
    }

    /// Does the caller know the engagement exists?
    pub fn sees(self) -> bool {
        self.client || self.advisor || self.supervisor || self.hr
    }
}

/// What can be done to an engagement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The plan, the state, the check-ins' dates.
    Read,
    /// Edit the plan in draft, amend it when running, assign people, activate, extend, close.
    Manage,
    /// Acknowledge a PIP.
    Acknowledge,
    /// Withdraw (also the client of a self-referral).
    Withdraw,
    /// Hold a check-in (record that it took place).
    CheckIn,
    /// Rate focus areas: the supervisor only (the advisor never rates).
    Rate,
    /// Read ratings.
    ReadRatings,
    /// Write and read advisor notes: the advisor only (their own).
    Notes,
    /// Write the client's reflection.
    Reflect,
    /// Read reflections: client, advisor, supervisor.
    ReadReflections,
    /// Refer to a coach, a mentor or the EAP, and read referrals (never the supervisor).
    Refer,
    ReadReferrals,
    /// The history of changes with their reasons.
    ReadHistory,
    /// The read-only export for the HR file.
    Export,
}

/// May a caller with these parts do `action` on an engagement of `origin`?
pub fn may(parties: Parties, action: Action, origin: Origin) -> bool {
    let Parties {
        client,
        advisor,
        supervisor,
        hr,
    } = parties;
    match action {
        Action::Read | Action::ReadHistory => parties.sees(),
        Action::Manage => advisor || supervisor || hr,
        Action::Acknowledge | Action::Reflect => client,
        Action::Withdraw => {
            advisor || supervisor || hr || (client && origin == Origin::SelfReferral)
        }
        Action::CheckIn => advisor || supervisor,
        Action::Rate => supervisor && !advisor,
        Action::ReadRatings => parties.sees(),
        Action::Notes => advisor,
        Action::ReadReflections => client || advisor || supervisor,
        Action::Refer => advisor || hr,
        Action::ReadReferrals => client || advisor || hr,
        Action::Export => hr,
    }
}

/// May the caller open an engagement for a person they relate to so, with this origin?
/// `hr_admin` for anyone; a manager for a report (a PIP or a referral); a person for themselves
/// (a self-referral).
pub fn may_open(p: &Principal, relation: Relation, origin: Origin) -> bool {
    if p.leaver {
        return false;
    }
    if p.has(Role::HrAdmin) {
        return true;
    }
    match relation {
        Relation::Itself => origin == Origin::SelfReferral,
        Relation::Report => matches!(origin, Origin::Pip | Origin::ManagerReferral),
        Relation::Other => false,
    }
}

/// List every engagement (not only the caller's own parts): `hr_admin`.
pub fn sees_all_engagements(p: &Principal) -> bool {
    p.has(Role::HrAdmin)
}

/// Caseload and outcome reports: `hr_admin` for every advisor, an advisor for themselves.
pub fn may_read_caseload(p: &Principal, advisor: Option<EmployeeId>) -> bool {
    p.has(Role::HrAdmin)
        || (p.has(Role::PerformanceAdvisor) && advisor.is_some() && advisor == p.employee_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn id(n: u128) -> EmployeeId {
        EmployeeId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn person(n: u128, roles: &[Role]) -> Principal {
        Principal {
            subject: format!("u{n}"),
            roles: roles.iter().copied().collect(),
            scopes: BTreeSet::new(),
            employee_id: Some(id(n)),
            leaver: false,
        }
    }

    #[test]
    fn only_the_supervisor_rates_and_only_the_advisor_keeps_notes() {
        let (client, advisor, supervisor) = (1, 2, 3);
        let parts =
            |p: &Principal| Parties::of(p, id(client), Some(id(advisor)), Some(id(supervisor)));
        let a = parts(&person(
            advisor,
            &[Role::Employee, Role::PerformanceAdvisor],
        ));
        let s = parts(&person(supervisor, &[Role::Employee]));
        let c = parts(&person(client, &[Role::Employee]));
        let hr = parts(&person(9, &[Role::HrAdmin]));
        let o = Origin::Pip;
        assert!(may(s, Action::Rate, o) && !may(a, Action::Rate, o) && !may(hr, Action::Rate, o));
        assert!(may(a, Action::Notes, o));
        for other in [s, c, hr] {
            assert!(!may(other, Action::Notes, o));
        }
        assert!(!may(s, Action::ReadReferrals, o));
        assert!(!may(c, Action::Withdraw, o) && may(c, Action::Withdraw, Origin::SelfReferral));
    }

    #[test]
    fn an_advisor_without_the_role_is_no_advisor() {
        let p = person(2, &[Role::Employee]);
        assert!(!Parties::of(&p, id(1), Some(id(2)), Some(id(3))).sees());
    }

    #[test]
    fn engagements_are_opened_by_hr_a_manager_for_a_report_or_the_client_for_themselves() {
        let m = person(3, &[Role::Employee]);
        assert!(may_open(&m, Relation::Report, Origin::Pip));
        assert!(!may_open(&m, Relation::Report, Origin::SelfReferral));
        assert!(!may_open(&m, Relation::Other, Origin::Pip));
        assert!(may_open(&m, Relation::Itself, Origin::SelfReferral));
        assert!(!may_open(&m, Relation::Itself, Origin::Pip));
        assert!(may_open(
            &person(9, &[Role::HrAdmin]),
            Relation::Other,
            Origin::Pip
        ));
        assert!(!may_open(
            &person(9, &[Role::LdAdmin]),
            Relation::Other,
            Origin::Pip
        ));
    }
}
