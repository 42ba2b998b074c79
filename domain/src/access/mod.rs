//! Who may see or change what. Pure rules over a `Principal` and the relation to the target.

use crate::ids::EmployeeId;
use crate::learning::EnrollmentOrigin;
use std::collections::BTreeSet;

pub mod advising;
mod development;
mod lrs;
pub mod pipeline;

pub use development::{
    can_manage_development, can_request_spend, can_see_budget, can_write_profile, engagement_view,
    may_answer_engagement, may_approve_for, may_settle_spend, EngagementView,
};
pub use lrs::{can_use_lrs, can_write_lrs, lrs_reads, LrsReads, LRS_SCOPES};

/// A role carried in the token (`manager` is derived from the org chart, never trusted from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Employee,
    LdAdmin,
    HrAdmin,
    PerformanceAdvisor,
    Coach,
    Mentor,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Employee,
        Role::LdAdmin,
        Role::HrAdmin,
        Role::PerformanceAdvisor,
        Role::Coach,
        Role::Mentor,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::LdAdmin => "ld_admin",
            Role::HrAdmin => "hr_admin",
            Role::PerformanceAdvisor => "performance_advisor",
            Role::Coach => "coach",
            Role::Mentor => "mentor",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.code() == code)
    }
}

/// An integration client's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    HrisWrite,
    Scim,
    XapiWrite,
    XapiRead,
    XapiReadMine,
    ReportsRead,
}

impl Scope {
    pub const ALL: &'static [Scope] = &[
        Scope::HrisWrite,
        Scope::Scim,
        Scope::XapiWrite,
        Scope::XapiRead,
        Scope::XapiReadMine,
        Scope::ReportsRead,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Scope::HrisWrite => "hris:write",
            Scope::Scim => "scim",
            Scope::XapiWrite => "xapi:write",
            Scope::XapiRead => "xapi:read",
            Scope::XapiReadMine => "xapi:read:mine",
            Scope::ReportsRead => "reports:read",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.code() == code)
    }
}

/// What an integration scope grants outside the LRS (whose scopes `lrs.rs` reads). A scope grants
/// exactly what it names: no scope reaches learning data, the catalog or the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grant {
    /// Every employee record in full, and the org-unit tree (read).
    ReadPeople,
    /// Create, change and terminate people and org units; run HRIS syncs and read their runs.
    WritePeople,
    /// Learning-time summaries of org units, level bands and the organisation, in aggregate only.
    ReadLearningAggregates,
}

impl Scope {
    /// The table of `docs/API-DESIGN.md` ("Integration scopes"), outside `/xapi`.
    pub fn grants(self) -> &'static [Grant] {
        match self {
            Scope::HrisWrite => &[Grant::ReadPeople, Grant::WritePeople],
            Scope::Scim => &[Grant::ReadPeople],
            Scope::ReportsRead => &[Grant::ReadLearningAggregates],
            Scope::XapiWrite | Scope::XapiRead | Scope::XapiReadMine => &[],
        }
    }
}

/// The authenticated caller: a person (with an `employee_id`) or an integration client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub subject: String,
    pub roles: BTreeSet<Role>,
    pub scopes: BTreeSet<Scope>,
    pub employee_id: Option<EmployeeId>,
    /// The caller's employee record is terminated (found by the directory service when the
    /// request is authenticated): a leaver keeps only the reading of their own learning.
    pub leaver: bool,
}

impl Principal {
    /// A role the caller holds (none for a leaver, whatever the token says).
    pub fn has(&self, role: Role) -> bool {
        !self.leaver && self.roles.contains(&role)
    }
    pub fn has_scope(&self, scope: Scope) -> bool {
        !self.leaver && self.scopes.contains(&scope)
    }
    /// Does one of the caller's scopes grant `grant`?
    pub fn granted(&self, grant: Grant) -> bool {
        !self.leaver && self.scopes.iter().any(|s| s.grants().contains(&grant))
    }
    /// A person (roles or an employee record), as opposed to an integration client.
    pub fn is_person(&self) -> bool {
        self.employee_id.is_some() || !self.roles.is_empty()
    }
    fn is_people_admin(&self) -> bool {
        self.has(Role::HrAdmin) || self.has(Role::LdAdmin)
    }
    fn is_people_writer(&self) -> bool {
        self.has(Role::HrAdmin) || self.granted(Grant::WritePeople)
    }
}

/// How the caller relates to an employee record, found from the org chart by the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The record is the caller's own.
    Itself,
    /// The record is one of the caller's transitive reports.
    Report,
    /// Anyone else.
    Other,
}

/// How much of an employee record the caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EmployeeView {
    /// Nothing: the record is not visible at all.
    Hidden,
    /// Directory fields only: name, title, unit, manager.
    Directory,
    /// The whole record.
    Full,
}

/// What of an employee record the principal may see, given their relation to it.
pub fn employee_view(principal: &Principal, relation: Relation) -> EmployeeView {
    if principal.leaver {
        return EmployeeView::Hidden;
    }
    if principal.is_people_admin() || principal.granted(Grant::ReadPeople) {
        return EmployeeView::Full;
    }
    match (principal.employee_id, relation) {
        (Some(_), Relation::Itself | Relation::Report) => EmployeeView::Full,
        (Some(_), Relation::Other) => EmployeeView::Directory,
        (None, _) => EmployeeView::Hidden,
    }
}

/// The widest view the principal may have of anyone, without knowing the target (for lists).
pub fn can_browse_directory(principal: &Principal) -> bool {
    employee_view(principal, Relation::Other) >= EmployeeView::Directory
}

/// Filter and search the directory on fields beyond the directory's (status, job level, email):
/// only a caller who reads every record in full, so no filter reveals a hidden field.
pub fn can_filter_on_details(principal: &Principal) -> bool {
    employee_view(principal, Relation::Other) == EmployeeView::Full
}

/// Create, change or terminate people, and run HRIS syncs.
pub fn can_write_people(principal: &Principal) -> bool {
    principal.is_people_writer()
}

/// Change the org-unit tree.
pub fn can_write_org_units(principal: &Principal) -> bool {
    principal.is_people_writer()
}

/// Read the audit log.
pub fn can_read_audit(principal: &Principal) -> bool {
    principal.has(Role::HrAdmin)
}

/// Void an xAPI statement: the LRS client (or token) that stored it, or an L&D admin correcting
/// the record. Another client may not, even one that may write statements: voiding removes the
/// learning the statement recorded.
pub fn may_void(principal: &Principal, stored_it: bool) -> bool {
    stored_it || is_learning_admin(principal)
}

/// Operational metrics (request counts, pool, queues): `hr_admin` (scrapers use the configured
/// metrics token instead).
pub fn can_read_metrics(principal: &Principal) -> bool {
    principal.has(Role::HrAdmin)
}

/// Read HRIS sync runs.
pub fn can_read_sync_runs(principal: &Principal) -> bool {
    principal.is_people_writer()
}

/// Read the course catalog, skills taxonomy and learning-time policies: people, not
/// integration clients.
pub fn can_read_catalog(principal: &Principal) -> bool {
    principal.is_person() && can_browse_directory(principal)
}

/// Change the course catalog and skills taxonomy.
pub fn can_write_catalog(principal: &Principal) -> bool {
    is_learning_admin(principal)
}

/// L&D administration: assign anyone, import records, set learning-time policies.
/// Issue, list and revoke integration clients.
pub fn can_manage_integration_clients(principal: &Principal) -> bool {
    principal.has(Role::HrAdmin)
}

pub fn is_learning_admin(principal: &Principal) -> bool {
    principal.has(Role::LdAdmin)
}

/// See a person's learning (enrolments, records, time, per-person summaries): themselves, their
/// managers and the admins (`hr_admin`, `ld_admin`). With `Relation::Other`: whether the
/// principal sees everyone's. Never an integration scope, whatever it sees of the directory.
pub fn can_see_learning(principal: &Principal, relation: Relation) -> bool {
    if principal.leaver {
        return leaver_may_read_learning(principal, relation);
    }
    if principal.is_people_admin() {
        return true;
    }
    principal.employee_id.is_some() && matches!(relation, Relation::Itself | Relation::Report)
}

/// A leaver (terminated employee) may still read their own learning history (enrolments,
/// records, time entries, their own summary) and nothing else: no directory, catalog,
/// aggregates or writes, and nobody else's learning.
pub fn leaver_may_read_learning(principal: &Principal, relation: Relation) -> bool {
    principal.employee_id.is_some() && relation == Relation::Itself
}

/// Learning-time summaries of org units, level bands and the organisation (aggregates, never a
/// person one by one unless [`can_see_learning`] says so): people in the directory and
/// `reports:read`.
pub fn can_read_learning_aggregates(principal: &Principal) -> bool {
    (principal.is_person() && can_browse_directory(principal))
        || principal.granted(Grant::ReadLearningAggregates)
}

/// Act on a person's learning (log time, move an enrolment): themselves, their managers and
/// L&D admins.
pub fn can_act_on_learning(principal: &Principal, relation: Relation) -> bool {
    !principal.leaver
        && (principal.employee_id.is_some()
            && matches!(relation, Relation::Itself | Relation::Report))
        || is_learning_admin(principal)
}

/// Set an enrolment's due date: not the learner themselves (unless an L&D admin).
pub fn can_set_due_date(principal: &Principal, relation: Relation) -> bool {
    !principal.leaver && relation != Relation::Itself || is_learning_admin(principal)
}

/// See the learning of a manager's whole team: the manager themselves and those who see
/// everyone's learning.
pub fn can_see_team_learning(principal: &Principal, manager: EmployeeId) -> bool {
    can_see_learning(principal, Relation::Other)
        || (!principal.leaver && principal.employee_id == Some(manager))
}

/// May the principal enrol this person (by their relation), and with which origin? Oneself:
/// self-enrolled; a transitive report, or anyone for an L&D admin: assigned; anyone else: no.
pub fn enrollment_origin(principal: &Principal, relation: Relation) -> Option<EnrollmentOrigin> {
    if principal.leaver {
        return None;
    }
    match relation {
        Relation::Itself => Some(EnrollmentOrigin::SelfEnrolled),
        Relation::Report => Some(EnrollmentOrigin::Assigned),
        Relation::Other if is_learning_admin(principal) => Some(EnrollmentOrigin::Assigned),
        Relation::Other => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_is_voided_by_whoever_stored_it_or_an_ld_admin() {
        let client = Principal {
            subject: "lrs-client:a".into(),
            roles: BTreeSet::new(),
            scopes: [Scope::XapiWrite].into_iter().collect(),
            employee_id: None,
            leaver: false,
        };
        assert!(may_void(&client, true));
        assert!(!may_void(&client, false));
        let admin = Principal {
            roles: [Role::LdAdmin].into_iter().collect(),
            ..client
        };
        assert!(may_void(&admin, false));
    }

    fn person(roles: &[Role]) -> Principal {
        Principal {
            subject: "u".into(),
            roles: roles.iter().copied().collect(),
            scopes: BTreeSet::new(),
            employee_id: Some(EmployeeId::from_uuid(uuid::Uuid::from_u128(1))),
            leaver: false,
        }
    }
    fn client(scopes: &[Scope]) -> Principal {
        Principal {
            subject: "c".into(),
            roles: BTreeSet::new(),
            scopes: scopes.iter().copied().collect(),
            employee_id: None,
            leaver: false,
        }
    }

    #[test]
    fn an_employee_sees_themselves_fully_and_colleagues_as_directory_entries() {
        let p = person(&[Role::Employee]);
        assert_eq!(employee_view(&p, Relation::Itself), EmployeeView::Full);
        assert_eq!(employee_view(&p, Relation::Other), EmployeeView::Directory);
    }

    #[test]
    fn learning_is_seen_by_its_person_managers_and_admins_and_acted_on_by_ld_not_hr() {
        let me = person(&[Role::Employee]);
        assert!(
            can_see_learning(&me, Relation::Itself) && can_act_on_learning(&me, Relation::Report)
        );
        assert!(
            !can_see_learning(&me, Relation::Other) && !can_act_on_learning(&me, Relation::Other)
        );
        let hr = person(&[Role::HrAdmin]);
        assert!(can_see_learning(&hr, Relation::Other));
        assert!(
            !can_act_on_learning(&hr, Relation::Other),
            "hr reads learning, L&D runs it"
        );
        assert!(can_act_on_learning(
            &person(&[Role::LdAdmin]),
            Relation::Other
        ));
        assert!(!can_see_learning(
            &client(&[Scope::XapiWrite]),
            Relation::Other
        ));
    }

    #[test]
    fn a_manager_sees_reports_fully() {
        assert_eq!(
            employee_view(&person(&[Role::Employee]), Relation::Report),
            EmployeeView::Full
        );
    }

    #[test]
    fn admins_see_everyone_but_only_hr_writes_people() {
        for r in [Role::HrAdmin, Role::LdAdmin] {
            assert_eq!(
                employee_view(&person(&[r]), Relation::Other),
                EmployeeView::Full
            );
        }
        assert!(can_write_people(&person(&[Role::HrAdmin])));
        assert!(!can_write_people(&person(&[Role::LdAdmin])));
        assert!(!can_write_people(&person(&[
            Role::PerformanceAdvisor,
            Role::Coach,
            Role::Mentor
        ])));
    }

    #[test]
    fn integration_clients_are_limited_to_their_scopes() {
        assert!(can_write_people(&client(&[Scope::HrisWrite])));
        assert!(!can_write_people(&client(&[
            Scope::XapiWrite,
            Scope::ReportsRead
        ])));
        assert_eq!(
            employee_view(&client(&[Scope::XapiWrite]), Relation::Other),
            EmployeeView::Hidden
        );
        assert!(!can_browse_directory(&client(&[Scope::XapiRead])));
    }

    #[test]
    fn each_scope_gets_exactly_what_it_names() {
        use Scope::*;
        for scope in Scope::ALL.iter().copied() {
            let c = client(&[scope]);
            let people = matches!(scope, HrisWrite | Scim);
            assert_eq!(can_browse_directory(&c), people, "{scope:?} directory");
            assert_eq!(
                employee_view(&c, Relation::Other) == EmployeeView::Full,
                people,
                "{scope:?} full records"
            );
            assert_eq!(can_write_people(&c), scope == HrisWrite, "{scope:?} people");
            assert_eq!(
                can_write_org_units(&c),
                scope == HrisWrite,
                "{scope:?} units"
            );
            assert_eq!(can_read_sync_runs(&c), scope == HrisWrite, "{scope:?} runs");
            assert_eq!(
                can_read_learning_aggregates(&c),
                scope == ReportsRead,
                "{scope:?} aggregates"
            );
            assert!(!can_read_catalog(&c), "{scope:?} catalog");
            assert!(!can_write_catalog(&c) && !is_learning_admin(&c));
            for r in [Relation::Itself, Relation::Report, Relation::Other] {
                assert!(!can_see_learning(&c, r), "{scope:?} learning");
                assert!(!can_act_on_learning(&c, r), "{scope:?} acts on learning");
            }
            assert!(enrollment_origin(&c, Relation::Other).is_none());
            assert!(!can_see_team_learning(
                &c,
                EmployeeId::from_uuid(uuid::Uuid::from_u128(9))
            ));
            assert!(!can_read_audit(&c) && !can_read_metrics(&c));
            assert_eq!(
                can_use_lrs(&c),
                LRS_SCOPES.contains(&scope),
                "{scope:?} lrs"
            );
        }
        let all = client(Scope::ALL);
        assert!(!can_see_learning(&all, Relation::Other) && !can_read_catalog(&all));
    }

    #[test]
    fn people_read_the_catalog_and_aggregates_and_admins_see_all_learning() {
        for r in Role::ALL.iter().copied() {
            let p = person(&[r]);
            assert!(
                can_read_catalog(&p) && can_read_learning_aggregates(&p),
                "{r:?}"
            );
            assert_eq!(
                can_see_learning(&p, Relation::Other),
                matches!(r, Role::HrAdmin | Role::LdAdmin),
                "{r:?}"
            );
        }
    }

    #[test]
    fn only_who_reads_every_record_filters_on_its_details() {
        assert!(!can_filter_on_details(&person(&[Role::Employee])));
        assert!(!can_filter_on_details(&person(&[
            Role::Coach,
            Role::Mentor
        ])));
        assert!(can_filter_on_details(&person(&[Role::HrAdmin])));
        assert!(can_filter_on_details(&client(&[Scope::Scim])));
        assert!(!can_filter_on_details(&client(&[Scope::ReportsRead])));
    }

    #[test]
    fn a_leaver_reads_their_own_learning_and_nothing_else() {
        let mut gone = person(&[Role::Employee, Role::HrAdmin, Role::LdAdmin]);
        gone.leaver = true;
        let me = gone.employee_id.unwrap();
        assert!(can_see_learning(&gone, Relation::Itself));
        for r in [Relation::Report, Relation::Other] {
            assert!(!can_see_learning(&gone, r));
        }
        for r in [Relation::Itself, Relation::Report, Relation::Other] {
            assert_eq!(employee_view(&gone, r), EmployeeView::Hidden);
            assert!(!can_act_on_learning(&gone, r) && !can_set_due_date(&gone, r));
            assert!(enrollment_origin(&gone, r).is_none());
        }
        assert!(!can_browse_directory(&gone) && !can_read_catalog(&gone));
        assert!(!can_read_learning_aggregates(&gone) && !can_see_team_learning(&gone, me));
        assert!(!can_write_people(&gone) && !can_write_catalog(&gone) && !can_read_audit(&gone));
        assert!(!can_filter_on_details(&gone) && !can_read_metrics(&gone));
    }

    #[test]
    fn only_hr_reads_the_audit_log() {
        assert!(can_read_audit(&person(&[Role::HrAdmin])));
        assert!(!can_read_audit(&person(&[Role::LdAdmin])));
        assert!(!can_read_audit(&client(&[Scope::HrisWrite])));
    }

    #[test]
    fn learners_do_not_move_their_own_due_dates() {
        let me = person(&[Role::Employee]);
        assert!(!can_set_due_date(&me, Relation::Itself));
        assert!(can_set_due_date(&me, Relation::Report));
        assert!(can_set_due_date(
            &person(&[Role::LdAdmin]),
            Relation::Itself
        ));
    }

    #[test]
    fn a_team_is_seen_by_its_manager_and_by_those_who_see_everyone() {
        let me = person(&[Role::Employee]);
        let my_id = me.employee_id.unwrap();
        assert!(can_see_team_learning(&me, my_id));
        let other = EmployeeId::from_uuid(uuid::Uuid::from_u128(2));
        assert!(!can_see_team_learning(&me, other));
        assert!(can_see_team_learning(&person(&[Role::HrAdmin]), other));
    }

    #[test]
    fn people_enrol_themselves_managers_assign_reports_and_ld_admins_assign_anyone() {
        let me = person(&[Role::Employee]);
        assert_eq!(
            enrollment_origin(&me, Relation::Itself),
            Some(EnrollmentOrigin::SelfEnrolled)
        );
        assert_eq!(
            enrollment_origin(&me, Relation::Report),
            Some(EnrollmentOrigin::Assigned)
        );
        assert_eq!(enrollment_origin(&me, Relation::Other), None);
        assert_eq!(
            enrollment_origin(&person(&[Role::HrAdmin]), Relation::Other),
            None,
            "hr reads learning, L&D assigns it"
        );
        let ld = person(&[Role::LdAdmin]);
        assert_eq!(
            enrollment_origin(&ld, Relation::Other),
            Some(EnrollmentOrigin::Assigned)
        );
        assert_eq!(
            enrollment_origin(&ld, Relation::Itself),
            Some(EnrollmentOrigin::SelfEnrolled)
        );
    }
}

/// The person a token names, before the directory resolves it (`auth.person_claim` and
/// `auth.person_match`): identity providers know an email or the HRIS's id, not Learnwell's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PersonClaim {
    /// Learnwell's own employee id.
    Id(EmployeeId),
    /// The work email, lower-cased.
    Email(String),
    /// The HRIS's id of the person (`external_id`).
    ExternalId(String),
}

/// A verified token: the caller as its claims describe them (no person yet), and the person it
/// names, for the directory to resolve.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub principal: Principal,
    pub person: Option<PersonClaim>,
}
