//! Who may do what with PD budgets, spend requests and mentoring.

use super::{Principal, Relation, Role};

/// Manage budget policies and mentor or coach profiles, and see every budget: `hr_admin` and
/// `ld_admin`.
pub fn can_manage_development(p: &Principal) -> bool {
    p.has(Role::HrAdmin) || p.has(Role::LdAdmin)
}

fn is_person_related(p: &Principal, relation: Relation, allowed: &[Relation]) -> bool {
    !p.leaver && p.employee_id.is_some() && allowed.contains(&relation)
}

/// See a person's PD budget and spend requests: themselves, their managers (at any depth), and
/// `hr_admin` / `ld_admin`.
pub fn can_see_budget(p: &Principal, relation: Relation) -> bool {
    is_person_related(p, relation, &[Relation::Itself, Relation::Report])
        || can_manage_development(p)
}

/// Ask to spend from a budget: one's own only.
pub fn can_request_spend(p: &Principal, relation: Relation) -> bool {
    is_person_related(p, relation, &[Relation::Itself])
}

/// Approve or reject what a person asked for (a spend request, or an engagement where the
/// organisation's policy asks for approval): the person's manager or `hr_admin`, never the person
/// who asked (whatever roles they hold).
pub fn may_approve_for(p: &Principal, relation: Relation) -> bool {
    relation != Relation::Itself
        && (is_person_related(p, relation, &[Relation::Report]) || p.has(Role::HrAdmin))
}

/// Record what was spent, or cancel: the person who asked, or `hr_admin`.
pub fn may_settle_spend(p: &Principal, relation: Relation) -> bool {
    is_person_related(p, relation, &[Relation::Itself]) || p.has(Role::HrAdmin)
}

/// Create a mentor or coach profile: `hr_admin` / `ld_admin` for anyone, an employee for
/// themselves (`own`: the profile is the caller's internal one).
pub fn can_write_profile(p: &Principal, own: bool) -> bool {
    can_manage_development(p) || (own && !p.leaver && p.employee_id.is_some())
}

/// How much of an engagement the caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EngagementView {
    Hidden,
    /// That it exists, its kind, state and dates: the mentee's managers and the admins.
    Summary,
    /// Goals, sessions with their notes, feedback: the participants only.
    Full,
}

/// What the caller sees of an engagement, from how they relate to the mentee and whether they
/// are its (internal) mentor.
pub fn engagement_view(p: &Principal, mentee: Relation, is_mentor: bool) -> EngagementView {
    if p.leaver || p.employee_id.is_none() && !can_manage_development(p) {
        return EngagementView::Hidden;
    }
    if mentee == Relation::Itself || is_mentor {
        EngagementView::Full
    } else if mentee == Relation::Report || can_manage_development(p) {
        EngagementView::Summary
    } else {
        EngagementView::Hidden
    }
}

/// Accept or decline a proposed engagement: its internal mentor, or for an external provider
/// (no login) `hr_admin` / `ld_admin` on their behalf.
pub fn may_answer_engagement(p: &Principal, is_mentor: bool, external: bool) -> bool {
    !p.leaver && (is_mentor || (external && can_manage_development(p)))
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
    fn session_notes_are_for_the_participants_and_managers_see_only_that_there_is_one() {
        let me = person(&[Role::Employee]);
        assert_eq!(
            engagement_view(&me, Relation::Itself, false),
            EngagementView::Full
        );
        assert_eq!(
            engagement_view(&me, Relation::Other, true),
            EngagementView::Full
        );
        assert_eq!(
            engagement_view(&me, Relation::Report, false),
            EngagementView::Summary
        );
        assert_eq!(
            engagement_view(&me, Relation::Other, false),
            EngagementView::Hidden
        );
        let hr = person(&[Role::HrAdmin]);
        assert_eq!(
            engagement_view(&hr, Relation::Other, false),
            EngagementView::Summary
        );
        assert!(
            may_answer_engagement(&hr, false, true) && !may_answer_engagement(&hr, false, false)
        );
        assert!(can_write_profile(&me, true) && !can_write_profile(&me, false));
    }

    #[test]
    fn nobody_approves_their_own_request_not_even_hr() {
        let hr = person(&[Role::HrAdmin]);
        assert!(!may_approve_for(&hr, Relation::Itself));
        assert!(may_approve_for(&hr, Relation::Other));
        let manager = person(&[Role::Employee]);
        assert!(may_approve_for(&manager, Relation::Report));
        assert!(!may_approve_for(&manager, Relation::Other));
        assert!(!may_approve_for(&person(&[Role::LdAdmin]), Relation::Other));
    }

    #[test]
    fn budgets_are_seen_by_their_person_managers_and_admins_and_leavers_lose_them() {
        let me = person(&[Role::Employee]);
        assert!(can_see_budget(&me, Relation::Itself) && can_see_budget(&me, Relation::Report));
        assert!(!can_see_budget(&me, Relation::Other));
        assert!(can_see_budget(&person(&[Role::LdAdmin]), Relation::Other));
        let leaver = Principal {
            leaver: true,
            ..person(&[Role::HrAdmin])
        };
        assert!(
            !can_see_budget(&leaver, Relation::Itself)
                && !may_settle_spend(&leaver, Relation::Itself)
        );
        assert!(
            can_request_spend(&me, Relation::Itself) && !can_request_spend(&me, Relation::Report)
        );
    }
}
