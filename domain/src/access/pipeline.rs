//! Who may do what in the leadership pipeline (`docs/PIPELINE.md`, "Who may do what").
//!
//! `ld_admin` runs programmes and cohorts; `hr_admin` manages positions, placements and talent
//! reviews; managers nominate their reports and see their units' aggregates; the programme lead
//! admits and reads reflections; members see their own membership and reflection; assessors see
//! what they assessed. Readiness and 9-box data are never shown to peers or to the person's
//! reports.

use super::{Principal, Relation, Role};

fn is_person(p: &Principal) -> bool {
    !p.leaver && p.employee_id.is_some()
}

/// `hr_admin` or `ld_admin`: every pipeline record (never a reflection, unless they lead).
pub fn is_pipeline_admin(p: &Principal) -> bool {
    p.has(Role::HrAdmin) || p.has(Role::LdAdmin)
}

/// Create programmes and cohorts: `ld_admin`.
pub fn can_run_programmes(p: &Principal) -> bool {
    p.has(Role::LdAdmin)
}

/// Positions, slates, placements, alumni and talent reviews: `hr_admin`.
pub fn can_manage_positions(p: &Principal) -> bool {
    p.has(Role::HrAdmin)
}

/// Read programmes, cohorts and positions (no sensitive field): any person.
pub fn can_browse_pipeline(p: &Principal) -> bool {
    is_person(p) || is_pipeline_admin(p)
}

/// Nominate someone: themselves, or a manager their report.
pub fn may_nominate(p: &Principal, relation: Relation) -> bool {
    is_person(p) && matches!(relation, Relation::Itself | Relation::Report)
}

/// Admit a nominee: the programme's lead only.
pub fn may_admit(p: &Principal, is_lead: bool) -> bool {
    is_person(p) && is_lead
}

/// Start or graduate a member: the lead or `ld_admin`.
pub fn may_progress(p: &Principal, is_lead: bool) -> bool {
    may_admit(p, is_lead) || p.has(Role::LdAdmin)
}

/// Withdraw: the member, the lead or `ld_admin`.
pub fn may_withdraw(p: &Principal, relation: Relation, is_lead: bool) -> bool {
    (is_person(p) && relation == Relation::Itself) || may_progress(p, is_lead)
}

/// See a membership (its state and dates): the member, their managers, the lead and the
/// admins.
pub fn may_see_membership(p: &Principal, relation: Relation, is_lead: bool) -> bool {
    (is_person(p) && matches!(relation, Relation::Itself | Relation::Report))
        || (is_person(p) && is_lead)
        || is_pipeline_admin(p)
}

/// Write one's motivation reflection: the member only.
pub fn may_write_reflection(p: &Principal, relation: Relation) -> bool {
    is_person(p) && relation == Relation::Itself
}

/// Read a reflection: the member and the programme lead only, whatever other roles anyone
/// holds.
pub fn may_read_reflection(p: &Principal, relation: Relation, is_lead: bool) -> bool {
    is_person(p) && (relation == Relation::Itself || is_lead)
}

/// Record a readiness assessment of someone: `hr_admin`, `ld_admin`, or one of their managers
/// (never oneself).
pub fn may_assess_readiness(p: &Principal, relation: Relation) -> bool {
    relation != Relation::Itself
        && (is_pipeline_admin(p) || (is_person(p) && relation == Relation::Report))
}

/// Which kind of talent record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TalentRecord {
    Readiness,
    NineBox,
}

/// See one readiness assessment or talent review: `hr_admin`, `ld_admin`, its assessor; the
/// person their own readiness only when the organisation allows it (`self_readiness`); nobody
/// else (not peers, not the person's reports, not their managers unless they assessed it).
pub fn may_see_talent_record(
    p: &Principal,
    kind: TalentRecord,
    relation: Relation,
    is_assessor: bool,
    self_readiness: bool,
) -> bool {
    is_pipeline_admin(p)
        || (is_person(p) && is_assessor)
        || (is_person(p)
            && relation == Relation::Itself
            && kind == TalentRecord::Readiness
            && self_readiness)
}

/// The bottleneck of the organisation, with the stagnant-leader signal, and the projection:
/// `hr_admin` and `ld_admin`.
pub fn can_read_whole_pipeline(p: &Principal) -> bool {
    is_pipeline_admin(p)
}

/// The bottleneck of an org unit: the admins, or a person who manages the unit or one above
/// it (in aggregate, through the privacy engine).
pub fn may_read_unit_pipeline(p: &Principal, manages: bool) -> bool {
    is_pipeline_admin(p) || (is_person(p) && manages)
}

/// The bottleneck of a programme or cohort: the admins or the programme's lead.
pub fn may_read_programme_pipeline(p: &Principal, is_lead: bool) -> bool {
    is_pipeline_admin(p) || (is_person(p) && is_lead)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::EmployeeId;

    fn person(roles: &[Role]) -> Principal {
        Principal {
            subject: "u".into(),
            roles: roles.iter().copied().collect(),
            scopes: Default::default(),
            employee_id: Some(EmployeeId::from_uuid(uuid::Uuid::from_u128(1))),
            leaver: false,
        }
    }

    #[test]
    fn reflections_are_for_the_member_and_the_lead_only() {
        let hr = person(&[Role::HrAdmin, Role::LdAdmin]);
        assert!(!may_read_reflection(&hr, Relation::Other, false));
        assert!(!may_read_reflection(&hr, Relation::Report, false));
        let me = person(&[Role::Employee]);
        assert!(may_read_reflection(&me, Relation::Itself, false));
        assert!(may_read_reflection(&me, Relation::Other, true));
        assert!(!may_write_reflection(&me, Relation::Report));
        let leaver = Principal { leaver: true, ..me };
        assert!(!may_read_reflection(&leaver, Relation::Itself, true));
    }

    #[test]
    fn talent_records_never_reach_peers_reports_or_managers_who_did_not_assess() {
        let me = person(&[Role::Employee]);
        for kind in [TalentRecord::Readiness, TalentRecord::NineBox] {
            for r in [Relation::Other, Relation::Report] {
                assert!(!may_see_talent_record(&me, kind, r, false, true));
                assert!(may_see_talent_record(&me, kind, r, true, false));
            }
            assert!(may_see_talent_record(
                &person(&[Role::LdAdmin]),
                kind,
                Relation::Other,
                false,
                false
            ));
        }
        assert!(!may_see_talent_record(
            &me,
            TalentRecord::Readiness,
            Relation::Itself,
            false,
            false
        ));
        assert!(may_see_talent_record(
            &me,
            TalentRecord::Readiness,
            Relation::Itself,
            false,
            true
        ));
        assert!(!may_see_talent_record(
            &me,
            TalentRecord::NineBox,
            Relation::Itself,
            false,
            true
        ));
        assert!(!may_assess_readiness(
            &person(&[Role::HrAdmin]),
            Relation::Itself
        ));
        assert!(may_assess_readiness(&me, Relation::Report));
        assert!(!may_assess_readiness(&me, Relation::Other));
    }

    #[test]
    fn only_the_lead_admits_and_ld_admin_runs_programmes() {
        let ld = person(&[Role::LdAdmin]);
        assert!(can_run_programmes(&ld) && !can_manage_positions(&ld));
        assert!(!may_admit(&ld, false) && may_progress(&ld, false));
        assert!(may_admit(&person(&[Role::Employee]), true));
        assert!(may_nominate(&person(&[]), Relation::Report));
        assert!(!may_nominate(&person(&[Role::HrAdmin]), Relation::Other));
        assert!(!may_read_unit_pipeline(&person(&[]), false));
        assert!(may_read_unit_pipeline(&person(&[]), true));
    }
}
