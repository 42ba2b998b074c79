use super::*;
use crate::org::EmployeeStatus;
use proptest::prelude::*;

fn e(n: u128) -> EmployeeId {
    EmployeeId::from_uuid(uuid::Uuid::from_u128(n))
}
fn unit(n: u128) -> OrgUnitId {
    OrgUnitId::from_uuid(uuid::Uuid::from_u128(n))
}
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).unwrap()
}
fn limits() -> SyncLimits {
    SyncLimits {
        max_batch: 100,
        max_deactivation_share: 0.2,
    }
}
/// New ids 1000, 1001, ... in the order asked.
fn new_ids() -> impl FnMut() -> EmployeeId {
    let mut next = 1000;
    move || {
        next += 1;
        e(next - 1)
    }
}

fn rec(ext: &str, manager: Option<&str>) -> EmployeeFields {
    EmployeeFields {
        external_id: Some(ext.into()),
        email: Some(format!("{ext}@example.com")),
        given_name: Some("Given".into()),
        family_name: Some(ext.into()),
        job_level: Some(3),
        manager_external_id: manager.map(Into::into),
        ..EmployeeFields::default()
    }
}

fn stored(n: u128, manager: Option<u128>) -> StoredPerson {
    StoredPerson {
        id: e(n),
        manager_id: manager.map(e),
        version: 4,
        created_at: DateTime::UNIX_EPOCH,
        fingerprint: "not the batch's".into(),
    }
}

fn known(people: impl IntoIterator<Item = (&'static str, StoredPerson)>) -> Known {
    let mut k = Known::default();
    for (ext, p) in people {
        k.email_owners
            .insert(format!("{ext}@example.com").to_lowercase(), p.id);
        k.people.insert(ext.into(), p);
    }
    k
}

fn run(
    records: Vec<EmployeeFields>,
    known: &Known,
    chart: &[(EmployeeId, EmployeeId)],
    active: &[(EmployeeId, String)],
    opts: SyncOptions,
) -> Result<Plan, Rule> {
    let batch = SyncBatch::new(records, limits())?;
    let draft = batch.resolve(known, now(), new_ids());
    let chart = draft
        .needs_manager_chart()
        .then(|| ManagerGraph::new(chart.iter().copied()));
    draft.plan(chart, active, opts)
}

fn plan(records: Vec<EmployeeFields>, known: &Known) -> Plan {
    run(records, known, &[], &[], SyncOptions::default()).unwrap()
}

fn codes(plan: &Plan) -> Vec<&'static str> {
    plan.records
        .iter()
        .map(|r| match &r.decision {
            Decision::Reject(why) => why.code().as_str(),
            other => match other.outcome() {
                RecordOutcome::Created => "created",
                RecordOutcome::Updated => "updated",
                RecordOutcome::Unchanged => "unchanged",
                RecordOutcome::Error => "error",
            },
        })
        .collect()
}

fn created(plan: &Plan, index: usize) -> &Employee {
    match &plan.records[index].decision {
        Decision::Create(e) => e,
        other => panic!("record {index} is {other:?}"),
    }
}

#[test]
fn new_people_are_created_and_a_manager_may_come_later_in_the_batch() {
    let p = plan(vec![rec("B", Some("A")), rec("A", None)], &Known::default());
    assert_eq!(codes(&p), ["created", "created"]);
    let (b, a) = (created(&p, 0), created(&p, 1));
    assert_eq!((b.id, a.id), (e(1000), e(1001)));
    assert_eq!(b.data.manager_id, Some(a.id));
    assert_eq!((b.version, b.created_at, b.updated_at), (1, now(), now()));
    let counts = p.counts();
    assert_eq!((counts.total, counts.created, counts.failed), (2, 2, 0));
    assert!(p.writes_anything());
}

#[test]
fn a_stored_record_is_unchanged_when_its_fingerprint_matches_else_updated() {
    let same = rec("A", None).parse(None, None).unwrap();
    let mut held = stored(1, None);
    held.fingerprint = same.fingerprint();
    let p = plan(
        vec![rec("A", None), rec("B", None)],
        &known([("A", held), ("B", stored(2, None))]),
    );
    assert_eq!(codes(&p), ["unchanged", "updated"]);
    let Decision::Update(b) = &p.records[1].decision else {
        unreachable!()
    };
    assert_eq!((b.id, b.version), (e(2), 5));
    assert_eq!((b.created_at, b.updated_at), (DateTime::UNIX_EPOCH, now()));
    assert_eq!(p.records[0].decision.employee_id(), Some(e(1)));
}

#[test]
fn a_record_without_an_external_id_or_with_a_repeated_one_is_refused() {
    let p = plan(
        vec![
            rec("A", None),
            EmployeeFields {
                external_id: Some("  ".into()),
                ..rec("X", None)
            },
            rec("A", None),
        ],
        &Known::default(),
    );
    assert_eq!(
        codes(&p),
        ["created", "validation_failed", "duplicate_in_batch"]
    );
    let errors = p.errors();
    assert_eq!(
        (errors[0].field.as_deref(), errors[0].message.as_str()),
        (Some("external_id"), "is required for HRIS sync")
    );
    assert_eq!(errors[1].message, "also in record 0");
    assert_eq!(errors[1].external_id.as_deref(), Some("A"));
}

#[test]
fn field_problems_are_one_error_naming_the_first_field() {
    let bad = EmployeeFields {
        email: Some("nope".into()),
        job_level: Some(0),
        ..rec("A", None)
    };
    let p = plan(vec![bad], &Known::default());
    let err = &p.errors()[0];
    assert_eq!(err.code, Code::ValidationFailed);
    assert_eq!(err.field.as_deref(), Some("email"));
    assert_eq!(
        err.message,
        "email: must contain @; job_level: must be between 1 and 8"
    );
}

#[test]
fn an_email_belongs_to_one_person() {
    let mut mine = rec("A", None);
    mine.email = Some("B@example.com".into());
    let p = plan(
        vec![rec("C", None), mine, rec("B", None)],
        &known([("B", stored(2, None))]),
    );
    // A takes B's stored email; B keeps their own.
    assert_eq!(codes(&p), ["created", "duplicate_email", "updated"]);
    let mut twin = rec("D", None);
    twin.email = Some("c@example.com".into());
    let p = plan(vec![rec("C", None), twin], &Known::default());
    assert_eq!(codes(&p), ["created", "duplicate_email"]);
    assert_eq!(p.errors()[0].field.as_deref(), Some("email"));
}

#[test]
fn unknown_units_and_managers_are_refused_with_their_field() {
    let mut k = Known::default();
    k.units_by_external_id.insert("U1".into(), unit(1));
    k.units.insert(unit(2));
    k.employees.insert(e(7));
    let with = |f: fn(&mut EmployeeFields)| {
        let mut r = rec("A", None);
        f(&mut r);
        r
    };
    let records = vec![
        with(|r| r.org_unit_external_id = Some("U1".into())),
        EmployeeFields {
            external_id: Some("B".into()),
            org_unit_external_id: Some("U9".into()),
            ..rec("B", None)
        },
        EmployeeFields {
            org_unit_id: Some(unit(3).to_string()),
            ..rec("C", None)
        },
        EmployeeFields {
            org_unit_id: Some(unit(2).to_string()),
            manager_id: Some(e(7).to_string()),
            ..rec("D", None)
        },
        rec("E", Some("nobody")),
        EmployeeFields {
            manager_id: Some("not-an-id".into()),
            ..rec("F", None)
        },
    ];
    let p = plan(records, &k);
    assert_eq!(
        codes(&p),
        [
            "created",
            "unknown_org_unit",
            "unknown_org_unit",
            "created",
            "unknown_manager",
            "unknown_manager"
        ]
    );
    assert_eq!(created(&p, 0).data.org_unit_id, Some(unit(1)));
    assert_eq!(created(&p, 3).data.manager_id, Some(e(7)));
    let fields: Vec<_> = p.errors().into_iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            Some("org_unit_external_id".into()),
            Some("org_unit_id".into()),
            Some("manager_external_id".into()),
            Some("manager_id".into())
        ]
    );
}

#[test]
fn a_manager_by_external_id_may_be_in_the_directory() {
    let p = plan(vec![rec("B", Some("A"))], &known([("A", stored(1, None))]));
    assert_eq!(created(&p, 0).data.manager_id, Some(e(1)));
}

#[test]
fn a_stored_person_cannot_come_to_report_to_their_own_report() {
    // 2 reports to 1; the batch makes 2 the manager of 1.
    let k = known([("P1", stored(1, None)), ("P2", stored(2, Some(1)))]);
    let records = vec![rec("P1", Some("P2"))];
    let p = run(records, &k, &[(e(2), e(1))], &[], SyncOptions::default()).unwrap();
    assert_eq!(codes(&p), ["manager_cycle"]);
    assert_eq!(
        p.errors()[0].message,
        "this manager reports to the employee, directly or indirectly; the link would close a cycle"
    );
}

#[test]
fn new_people_who_would_manage_each_other_are_refused_once() {
    let p = plan(
        vec![
            rec("C1", Some("C2")),
            rec("C2", Some("C1")),
            rec("C3", Some("C3")),
        ],
        &Known::default(),
    );
    assert_eq!(
        codes(&p),
        ["manager_rejected", "manager_cycle", "manager_cycle"]
    );
}

#[test]
fn nobody_reports_to_a_new_person_refused_for_their_own_manager() {
    // A is refused (unknown manager), so B, whose manager A would have been, is refused too.
    let p = plan(
        vec![
            rec("A", Some("nobody")),
            rec("B", Some("A")),
            rec("C", Some("B")),
        ],
        &Known::default(),
    );
    assert_eq!(
        codes(&p),
        ["unknown_manager", "manager_rejected", "manager_rejected"]
    );
}

#[test]
fn the_manager_chart_is_needed_only_when_a_stored_person_changes_manager() {
    let k = known([("A", stored(1, None)), ("B", stored(2, Some(1)))]);
    let batch = |records| SyncBatch::new(records, limits()).unwrap();
    let needs = |b: &SyncBatch| b.resolve(&k, now(), new_ids()).needs_manager_chart();
    assert!(!needs(&batch(vec![
        rec("N", Some("A")),
        rec("B", Some("A"))
    ])));
    assert!(needs(&batch(vec![rec("B", None)])));
    assert!(needs(&batch(vec![rec("A", Some("B"))])));
}

#[test]
fn an_oversized_batch_is_refused_whole() {
    let records = vec![rec("A", None); 101];
    let err = SyncBatch::new(records, limits()).unwrap_err();
    assert_eq!(err.code(), Code::BatchTooLarge);
    assert_eq!(
        err.to_string(),
        "a batch holds at most 100 records; this one has 101"
    );
}

fn active(n: u128) -> Vec<(EmployeeId, String)> {
    (0..n).map(|i| (e(i), format!("P{i}"))).collect()
}

#[test]
fn a_reconcile_terminates_the_absent_within_the_allowed_share() {
    let records: Vec<_> = (0..8).map(|i| rec(&format!("P{i}"), None)).collect();
    let opts = SyncOptions {
        deactivate_missing: true,
        force: false,
    };
    let p = run(records.clone(), &Known::default(), &[], &active(10), opts).unwrap();
    assert_eq!(p.terminate, [e(8), e(9)]);
    assert_eq!(p.counts().deactivated, 2);
    let err = run(
        records[..7].to_vec(),
        &Known::default(),
        &[],
        &active(10),
        opts,
    )
    .unwrap_err();
    assert_eq!(
        err,
        Rule::DeactivationLimitExceeded {
            would_terminate: 3,
            active: 10,
            max_percent: 20
        }
    );
    assert!(err.to_string().contains("terminate 3 of 10 active people"));
    let forced = SyncOptions {
        force: true,
        ..opts
    };
    let p = run(
        records[..7].to_vec(),
        &Known::default(),
        &[],
        &active(10),
        forced,
    )
    .unwrap();
    assert_eq!(p.terminate.len(), 3);
}

#[test]
fn an_empty_reconcile_is_refused_whatever_force_says() {
    for force in [false, true] {
        for people in [0, 1, 10] {
            let opts = SyncOptions {
                deactivate_missing: true,
                force,
            };
            let err = run(vec![], &Known::default(), &[], &active(people), opts).unwrap_err();
            assert_eq!(err, Rule::EmptyReconcile);
            assert_eq!(err.code().as_str(), "deactivation_limit_exceeded");
        }
    }
    let upsert = SyncOptions {
        deactivate_missing: false,
        force: true,
    };
    assert!(run(vec![], &Known::default(), &[], &active(3), upsert).is_ok());
}

#[test]
fn a_refused_record_still_counts_as_present_for_a_reconcile() {
    let mut bad = rec("P0", None);
    bad.email = None;
    let opts = SyncOptions {
        deactivate_missing: true,
        force: false,
    };
    let p = run(vec![bad], &Known::default(), &[], &active(1), opts).unwrap();
    assert!(p.terminate.is_empty());
    assert_eq!(codes(&p), ["validation_failed"]);
    assert!(!p.writes_anything());
}

// ---- properties ----

/// A record of a batch over `people` HRIS keys: its key, its manager's key, whether its email
/// is its own, its level.
fn any_record(people: usize) -> impl Strategy<Value = EmployeeFields> {
    (
        0..people,
        proptest::option::of(0..people + 2),
        any::<bool>(),
        0i64..=9,
    )
        .prop_map(move |(key, manager, own_email, level)| {
            let ext = format!("P{key}");
            let mut r = rec(&ext, None);
            r.manager_external_id = manager.map(|m| format!("P{m}"));
            if !own_email {
                r.email = Some(format!("P{}@example.com", (key + 1) % people));
            }
            r.job_level = Some(level);
            r
        })
}

/// A stored chart over `n` people: person i reports to someone before them, or to nobody.
fn any_directory(n: usize) -> impl Strategy<Value = Vec<Option<usize>>> {
    proptest::collection::vec(proptest::option::of(any::<usize>()), n).prop_map(|links| {
        links
            .into_iter()
            .enumerate()
            .map(|(i, m)| m.filter(|_| i > 0).map(|m| m % i.max(1)))
            .collect()
    })
}

fn stored_known(links: &[Option<usize>], prefix: &str) -> (Known, Vec<(EmployeeId, EmployeeId)>) {
    let mut k = Known::default();
    let mut chart = Vec::new();
    for (i, m) in links.iter().enumerate() {
        let id = e(i as u128 + 1);
        let manager = m.map(|m| e(m as u128 + 1));
        k.people.insert(
            format!("{prefix}{i}"),
            StoredPerson {
                manager_id: manager,
                ..stored(i as u128 + 1, None)
            },
        );
        k.email_owners
            .insert(format!("{prefix}{i}@example.com").to_lowercase(), id);
        if let Some(m) = manager {
            chart.push((id, m));
        }
    }
    (k, chart)
}

/// What the directory holds after `plan` was written over `known`.
fn written(known: &Known, plan: &Plan) -> Known {
    let mut after = known.clone();
    for e in plan.creates().chain(plan.updates()) {
        let ext = e.data.external_id.as_ref().unwrap().as_str().to_owned();
        after
            .email_owners
            .insert(e.data.email.as_str().to_owned(), e.id);
        after.people.insert(
            ext,
            StoredPerson {
                id: e.id,
                manager_id: e.data.manager_id,
                version: e.version,
                created_at: e.created_at,
                fingerprint: e.data.fingerprint(),
            },
        );
    }
    after
}

proptest! {
    #[test]
    fn every_record_gets_exactly_one_outcome(
        records in proptest::collection::vec(any_record(8), 0..20),
    ) {
        let n = records.len();
        let p = plan(records, &Known::default());
        prop_assert_eq!(p.records.len(), n);
        for (i, r) in p.records.iter().enumerate() {
            prop_assert_eq!(r.index, i);
        }
        let c = p.counts();
        prop_assert_eq!(c.created + c.updated + c.unchanged + c.failed, c.total);
        prop_assert_eq!(c.failed as usize, p.errors().len());
    }

    #[test]
    fn replaying_what_a_plan_wrote_changes_nothing(
        links in any_directory(6),
        records in proptest::collection::vec(any_record(8), 0..20),
    ) {
        let (k, chart) = stored_known(&links, "P");
        let first = run(records.clone(), &k, &chart, &[], SyncOptions::default()).unwrap();
        let after = written(&k, &first);
        let replay: Vec<EmployeeFields> = first
            .records
            .iter()
            .filter(|r| matches!(r.decision, Decision::Create(_) | Decision::Update(_)))
            .map(|r| records[r.index].clone())
            .collect();
        let chart_after: Vec<_> = after
            .people
            .values()
            .filter_map(|p| Some((p.id, p.manager_id?)))
            .collect();
        let again = run(replay, &after, &chart_after, &[], SyncOptions::default()).unwrap();
        prop_assert!(
            again.records.iter().all(|r| matches!(r.decision, Decision::Unchanged(_))),
            "{:?}", codes(&again)
        );
        prop_assert!(!again.writes_anything());
    }

    #[test]
    fn manager_links_never_form_a_cycle_nor_point_at_nobody(
        links in any_directory(6),
        records in proptest::collection::vec(any_record(10), 0..24),
    ) {
        let (k, chart) = stored_known(&links, "P");
        let p = run(records, &k, &chart, &[], SyncOptions::default()).unwrap();
        let after = written(&k, &p);
        let manager_of: HashMap<EmployeeId, EmployeeId> = after
            .people
            .values()
            .filter_map(|p| Some((p.id, p.manager_id?)))
            .collect();
        let everyone: HashSet<EmployeeId> = after.people.values().map(|p| p.id).collect();
        for start in &everyone {
            let mut current = Some(*start);
            let mut steps = 0;
            while let Some(n) = current {
                prop_assert!(everyone.contains(&n), "{n} is a manager but nobody");
                current = manager_of.get(&n).copied();
                steps += 1;
                prop_assert!(steps <= everyone.len() + 1, "a cycle through {start}");
            }
        }
    }

    #[test]
    fn no_reconcile_terminates_more_than_the_allowed_share_unless_forced(
        people in 0u128..40,
        present in proptest::collection::vec(any::<bool>(), 40),
        share in 0u32..=100,
        force in any::<bool>(),
    ) {
        let records: Vec<_> = (0..people)
            .filter(|i| present[*i as usize])
            .map(|i| rec(&format!("P{i}"), None))
            .collect();
        let kept = records.len();
        let batch = SyncBatch::new(records, SyncLimits {
            max_batch: 100,
            max_deactivation_share: f64::from(share) / 100.0,
        }).unwrap();
        let opts = SyncOptions { deactivate_missing: true, force };
        let result = batch
            .resolve(&Known::default(), now(), new_ids())
            .plan(None, &active(people), opts);
        let missing = people as usize - kept;
        match result {
            Ok(p) => {
                prop_assert_eq!(p.terminate.len(), missing);
                prop_assert!(force || missing * 100 <= share as usize * people as usize);
            }
            Err(Rule::EmptyReconcile) => prop_assert_eq!(kept, 0),
            Err(Rule::DeactivationLimitExceeded { would_terminate, active, max_percent }) => {
                prop_assert!(!force);
                prop_assert_eq!((would_terminate, active, max_percent), (missing, people as usize, share));
                prop_assert!(missing * 100 > share as usize * people as usize);
            }
            Err(other) => prop_assert!(false, "{other}"),
        }
    }

    #[test]
    fn a_terminated_stored_record_keeps_its_data_but_its_status(level in 1i64..=8) {
        let mut r = rec("A", None);
        r.job_level = Some(level);
        let data = r.parse(None, None).unwrap();
        let before = Employee::new(e(1), data.clone(), now());
        let today = now().date_naive();
        let after = before.clone().terminated(today, now());
        prop_assert_eq!(after.version, before.version + 1);
        prop_assert_eq!(after.data.status, EmployeeStatus::Terminated);
        prop_assert_eq!(after.data.dates.termination_date, Some(today));
        prop_assert_eq!(after.data.job_level, data.job_level);
    }
}
