use super::*;
use chrono::TimeZone;

fn id(n: u128) -> EmployeeId {
    EmployeeId::from_uuid(uuid::Uuid::from_u128(n))
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap_or_default()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn fresh() -> impl FnMut() -> FocusAreaId {
    let mut n = 100;
    move || {
        n += 1;
        FocusAreaId::from_uuid(uuid::Uuid::from_u128(n))
    }
}

fn plan_fields() -> PlanFields {
    PlanFields {
        focus_areas: Some(vec![FocusAreaFields {
            kind: Some("time_management".into()),
            expectations: Some("every customer answer within two working days".into()),
            support: Some("a weekly planning session".into()),
            ..FocusAreaFields::default()
        }]),
        start_date: Some(day("2026-03-02")),
        planned_end: Some(day("2026-05-31")),
        ..PlanFields::default()
    }
}

fn pip() -> Engagement {
    let plan = plan_fields()
        .parse(None, &mut fresh())
        .unwrap_or_else(|e| panic!("{e:?}"));
    Engagement::new(
        EngagementId::from_uuid(uuid::Uuid::from_u128(7)),
        id(1),
        Origin::Pip,
        Some(id(2)),
        (Some(id(3)), false),
        plan,
        now(),
    )
}

#[test]
fn a_plan_lists_every_problem_at_once() {
    let fields = PlanFields {
        focus_areas: Some(vec![FocusAreaFields {
            kind: Some("custom".into()),
            ..FocusAreaFields::default()
        }]),
        cadence: Some("custom".into()),
        ..PlanFields::default()
    };
    let Err(DomainError::Invalid(errors)) = fields.parse(None, &mut fresh()) else {
        panic!("parsed");
    };
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    for f in [
        "focus_areas[0].title",
        "focus_areas[0].expectations",
        "cadence_days",
        "start_date",
        "planned_end",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
}

#[test]
fn a_pip_starts_only_once_acknowledged_and_then_its_expectations_lock() {
    let draft = pip();
    assert_eq!(draft.activate(now()), Err(Rule::PlanNotAcknowledged.into()));
    let (acked, _) = draft
        .acknowledge(Some("I understand"), now())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let (active, change) = acked.activate(now()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        (active.state, change.action),
        (EngagementState::Active, "advising.engagement.activate")
    );
    assert_eq!(active.version, 3);
    let new_plan = plan_fields()
        .parse(Some(&active.plan), &mut fresh())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let Err(DomainError::Invalid(e)) = active.revise(new_plan.clone(), None, now()) else {
        panic!("amended without a reason");
    };
    assert_eq!(e[0].field, "reason");
    let (amended, change) = active
        .revise(
            new_plan,
            Some("the team moved to a new ticket system"),
            now(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(change.action, "advising.plan.amend");
    assert_eq!(amended.state, EngagementState::Active);
}

#[test]
fn extensions_move_the_end_later_with_a_reason_and_closing_needs_a_summary() {
    let (active, _) = pip()
        .acknowledge(None, now())
        .and_then(|(e, _)| e.activate(now()))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(active.extend(day("2026-05-01"), Some("x"), now()).is_err());
    let (extended, change) = active
        .extend(day("2026-06-30"), Some("two weeks of leave"), now())
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(extended.state, EngagementState::Extended);
    assert_eq!(
        change.detail.as_deref(),
        Some("planned end 2026-05-31 -> 2026-06-30")
    );
    assert!(extended
        .close(Outcome::CompletedSuccessful, None, now())
        .is_err());
    let (done, _) = extended
        .close(
            Outcome::CompletedSuccessful,
            Some("all expectations met"),
            now(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(done.state, EngagementState::CompletedSuccessful);
    assert_eq!(
        done.extend(day("2026-07-30"), Some("x"), now()),
        Err(Rule::EngagementState {
            state: "completed_successful",
            action: "extended"
        }
        .into())
    );
}

#[test]
fn a_check_in_is_overdue_a_cadence_after_the_last_one() {
    let (active, _) = pip()
        .acknowledge(None, now())
        .and_then(|(e, _)| e.activate(now()))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut active = active;
    assert_eq!(active.next_check_in_due(), Some(day("2026-03-09")));
    assert!(!active.check_in_overdue(day("2026-03-09")));
    assert!(active.check_in_overdue(day("2026-03-10")));
    active.last_check_in = Some(day("2026-03-08"));
    assert!(!active.check_in_overdue(day("2026-03-10")));
    assert!(!pip().check_in_overdue(day("2027-01-01")));
}

#[test]
fn the_advisor_never_supervises_and_an_eap_referral_keeps_no_note() {
    assert_eq!(check_people(id(1), Some(id(2)), Some(id(2))).len(), 1);
    assert_eq!(check_people(id(1), Some(id(1)), Some(id(1))).len(), 3);
    assert!(parse_referral(Some("eap"), None, Some("anxious"), day("2026-03-02")).is_err());
    assert!(parse_referral(Some("eap"), None, None, day("2026-03-02")).is_ok());
}

#[test]
fn a_note_never_shows_its_text_in_debug_output() {
    let note = NoteText::parse("confidential remark").unwrap_or_else(|e| panic!("{e:?}"));
    assert!(!format!("{note:?}").contains("confidential"));
}

#[test]
fn outcomes_by_unit_hide_small_groups_and_the_differences_that_would_reveal_them() {
    use crate::ids::OrgUnitId;
    use crate::learning_time::Place;
    use crate::privacy::{Cell, MinGroupSize, SuppressionReason};
    let unit = |n: u128| OrgUnitId::from_uuid(uuid::Uuid::from_u128(n));
    let (root, small, large) = (unit(50), unit(51), unit(52));
    let parents =
        std::collections::HashMap::from([(root, None), (small, Some(root)), (large, Some(root))]);
    let mut engagements = Vec::new();
    for n in 0..7u128 {
        let mut e = pip();
        e.client_id = id(200 + n);
        engagements.push((e, Some(if n < 2 { small } else { large })));
    }
    let refs: Vec<_> = engagements.iter().map(|(e, u)| (e, *u)).collect();
    let k = MinGroupSize::new(3).unwrap_or_default();
    let cells: std::collections::HashMap<Place, Cell<Caseload>> =
        outcomes_by_unit(k, &parents, &refs, day("2026-03-03"))
            .into_iter()
            .collect();
    assert_eq!(
        cells[&Place::Subtree(small)],
        Cell::Suppressed(SuppressionReason::BelowMinimum)
    );
    let shown = |p: Place| matches!(cells[&p], Cell::Value(_));
    assert!(
        !(shown(Place::Subtree(root)) && shown(Place::Subtree(large))),
        "root minus large would be the small unit"
    );
    assert!(
        !(shown(Place::Organisation) && shown(Place::Subtree(large))),
        "the organisation minus large too"
    );
    let released: Vec<_> = cells.values().filter_map(|c| c.value()).collect();
    assert!(!released.is_empty() && released.iter().all(|c| c.draft >= 3));
}
