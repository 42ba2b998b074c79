use super::*;
use proptest::prelude::*;
use std::collections::BTreeSet;

fn k(n: u32) -> MinGroupSize {
    MinGroupSize::new(n).unwrap()
}

fn range(a: u32, b: u32) -> Vec<u32> {
    (a..b).collect()
}

const BELOW: Decision = Decision::Suppressed {
    reason: SuppressionReason::BelowMinimum,
};
const COMPLEMENTARY: Decision = Decision::Suppressed {
    reason: SuppressionReason::Complementary,
};

// ---- the brute-force checker: exact rational elimination over people, independent of the engine.

/// Is the indicator of `target` (a set of people) a rational combination of the `released` sets?
/// Dense fraction-free elimination over `n` people.
fn in_span(n: usize, released: &[Vec<usize>], target: &[usize]) -> bool {
    let dense = |set: &[usize]| {
        let mut v = vec![0i128; n];
        for &p in set {
            v[p] = 1;
        }
        v
    };
    let mut basis: Vec<(usize, Vec<i128>)> = Vec::new();
    let reduce = |basis: &[(usize, Vec<i128>)], mut v: Vec<i128>| {
        for (pivot, row) in basis {
            let (a, b) = (v[*pivot], row[*pivot]);
            if a != 0 {
                for i in 0..n {
                    v[i] = v[i] * b - row[i] * a;
                }
                let g = v.iter().fold(0i128, |g, &x| {
                    let (mut x, mut y) = (g.abs(), x.abs());
                    while y != 0 {
                        (x, y) = (y, x % y);
                    }
                    x
                });
                if g > 1 {
                    v.iter_mut().for_each(|x| *x /= g);
                }
            }
        }
        v
    };
    for set in released {
        let v = reduce(&basis, dense(set));
        if let Some(pivot) = v.iter().position(|&x| x != 0) {
            basis.push((pivot, v));
        }
    }
    reduce(&basis, dense(target)).iter().all(|&x| x == 0)
}

/// A set of 1..k-1 of the `n` people that is a combination of the `released` groups, if any.
fn recoverable_small_set(n: usize, k: MinGroupSize, released: &[Vec<usize>]) -> Option<Vec<usize>> {
    (1u32..(1 << n))
        .filter(|mask| mask.count_ones() < k.get())
        .map(|mask| (0..n).filter(|&p| mask & (1 << p) != 0).collect::<Vec<_>>())
        .find(|set| in_span(n, released, set))
}

fn released_sets<Key: Ord>(
    family: &[(Key, Vec<usize>)],
    decisions: &Decisions<Key>,
    also: Option<&Key>,
) -> Vec<Vec<usize>> {
    family
        .iter()
        .filter(|(key, _)| decisions.get(key) == Some(Decision::Released) || Some(key) == also)
        .map(|(_, members)| members.clone())
        .collect()
}

/// Panics with the offending set if any set of 1..k-1 of the `n` people is a combination of the
/// released groups' indicators.
fn assert_no_small_set_recoverable<Key: Ord>(
    n: usize,
    k: MinGroupSize,
    family: &[(Key, Vec<usize>)],
    decisions: &Decisions<Key>,
) {
    let released = released_sets(family, decisions, None);
    if let Some(set) = recoverable_small_set(n, k, &released) {
        panic!("the set {set:?} is recoverable from the released groups");
    }
}

#[test]
fn the_checker_finds_parent_minus_children() {
    let released = vec![vec![0, 1, 2], vec![1], vec![2]];
    assert!(in_span(3, &released, &[0]));
    assert!(!in_span(3, &released[..1], &[0]));
}

// ---- k

#[test]
fn min_group_size_defaults_to_five_and_is_never_below_three() {
    assert_eq!(MinGroupSize::default().get(), 5);
    assert!(MinGroupSize::new(2).is_err());
    assert!(MinGroupSize::new(0).is_err());
    assert_eq!(MinGroupSize::new(3).unwrap().get(), 3);
    assert!(serde_json::from_str::<MinGroupSize>("2").is_err());
    assert_eq!(serde_json::from_str::<MinGroupSize>("7").unwrap().get(), 7);
}

// ---- the named attacks

#[test]
fn a_director_alone_in_a_department_is_not_recoverable_as_parent_minus_teams() {
    // Person 0 is the director; teams of 6 and 5.
    let family = vec![
        ("dept", range(0, 12)),
        ("dept.own", vec![0]),
        ("team-a", range(1, 7)),
        ("team-b", range(7, 12)),
    ];
    let d = decide(
        k(5),
        family.iter().map(|(key, m)| (*key, m.iter().copied())),
    );
    assert_eq!(d.get(&"dept.own"), Some(BELOW));
    // The smallest team is withheld, not the department.
    assert_eq!(d.get(&"team-b"), Some(COMPLEMENTARY));
    assert_eq!(d.get(&"team-a"), Some(Decision::Released));
    assert_eq!(d.get(&"dept"), Some(Decision::Released));
    assert_no_small_set_recoverable(12, k(5), &to_usize(&family), &d);
}

#[test]
fn a_band_minus_its_sub_band_does_not_reveal_the_top_level() {
    // Levels: 3 -> people 0..6, 4 -> 6..10, 5 -> 10..12 (two people at level 5).
    let family = vec![
        ("3-5", range(0, 12)),
        ("3-4", range(0, 10)),
        ("5-5", range(10, 12)),
        ("3-3", range(0, 6)),
        ("4-4", range(6, 10)),
    ];
    let d = decide(
        k(5),
        family.iter().map(|(key, m)| (*key, m.iter().copied())),
    );
    assert_eq!(d.get(&"5-5"), Some(BELOW));
    assert_eq!(d.get(&"4-4"), Some(BELOW));
    assert_ne!(
        (d.get(&"3-5"), d.get(&"3-4")),
        (Some(Decision::Released), Some(Decision::Released))
    );
    assert_no_small_set_recoverable(12, k(5), &to_usize(&family), &d);
}

#[test]
fn two_overlapping_filters_and_their_union_do_not_isolate_the_overlap() {
    // A = 0..8, B = 6..14: the overlap 6..8 has two people; A + B - (A ∪ B) would give it.
    let family = vec![
        ("a", range(0, 8)),
        ("b", range(6, 14)),
        ("a-or-b", range(0, 14)),
    ];
    let d = decide(
        k(5),
        family.iter().map(|(key, m)| (*key, m.iter().copied())),
    );
    assert_eq!(
        d.iter().filter(|(_, d)| *d == COMPLEMENTARY).count(),
        1,
        "{d:?}"
    );
    assert_no_small_set_recoverable(14, k(5), &to_usize(&family), &d);
}

#[test]
fn two_overlapping_filters_alone_are_both_released() {
    // Without their union (or anything else) the overlap cannot be isolated: nothing to withhold.
    let family = vec![("a", range(0, 8)), ("b", range(6, 14))];
    let d = decide(
        k(5),
        family.iter().map(|(key, m)| (*key, m.iter().copied())),
    );
    assert!(d.iter().all(|(_, d)| d.is_released()), "{d:?}");
    assert_no_small_set_recoverable(14, k(5), &to_usize(&family), &d);
}

#[test]
fn a_group_and_the_same_group_plus_one_person_are_not_both_released() {
    let family = vec![("before", range(0, 6)), ("after", range(0, 7))];
    let d = decide(
        k(5),
        family.iter().map(|(key, m)| (*key, m.iter().copied())),
    );
    assert_eq!(d.get(&"before"), Some(COMPLEMENTARY));
    assert_eq!(d.get(&"after"), Some(Decision::Released));
    assert_no_small_set_recoverable(7, k(5), &to_usize(&family), &d);
}

#[test]
fn empty_groups_are_released_as_empty() {
    let family: Vec<(&str, Vec<u32>)> = vec![("nobody", vec![]), ("all", range(0, 6))];
    let d = decide(k(5), family);
    assert_eq!(d.get(&"nobody"), Some(Decision::Released));
    assert_eq!(d.get(&"all"), Some(Decision::Released));
    let empty = decide_atoms(k(5), ["nobody"], Vec::<(u64, Vec<&str>)>::new());
    assert_eq!(empty.get(&"nobody"), Some(Decision::Released));
}

#[test]
fn nothing_is_suppressed_when_every_part_has_k_people() {
    let family = [
        ("org", range(0, 20)),
        ("org.own", range(0, 5)),
        ("a", range(5, 12)),
        ("a.own", range(5, 12)),
        ("b", range(12, 20)),
        ("b.own", range(12, 20)),
    ];
    let d = decide(
        k(5),
        family.iter().map(|(key, m)| (*key, m.iter().copied())),
    );
    assert!(d.iter().all(|(_, d)| d.is_released()), "{d:?}");
}

#[test]
fn k_three_releases_groups_of_three_and_protects_pairs() {
    let family = vec![
        ("org", range(0, 8)),
        ("a", range(0, 3)),
        ("b", range(3, 6)),
        ("pair", range(6, 8)),
    ];
    let d = decide(
        k(3),
        family.iter().map(|(key, m)| (*key, m.iter().copied())),
    );
    assert_eq!(d.get(&"pair"), Some(BELOW));
    // org - a - b = pair: exactly one of the three is withheld.
    assert_eq!(
        [d.get(&"org"), d.get(&"a"), d.get(&"b")]
            .iter()
            .filter(|d| **d == Some(COMPLEMENTARY))
            .count(),
        1
    );
    assert_no_small_set_recoverable(8, k(3), &to_usize(&family), &d);
}

#[test]
fn keys_with_the_same_people_share_one_decision() {
    let family = [
        ("leaf", range(0, 6)),
        ("leaf.own", range(0, 6)),
        ("leaf+1", range(0, 7)),
    ];
    let d = decide(
        k(5),
        family.iter().map(|(key, m)| (*key, m.iter().copied())),
    );
    assert_eq!(d.get(&"leaf"), d.get(&"leaf.own"));
    assert_eq!(d.get(&"leaf"), Some(COMPLEMENTARY));
}

#[test]
fn atoms_counted_elsewhere_give_the_same_decisions_as_people() {
    let family = vec![
        ("dept", range(0, 12)),
        ("dept.own", vec![0]),
        ("team-a", range(1, 7)),
        ("team-b", range(7, 12)),
    ];
    let from_people = decide(k(5), family.clone());
    let from_atoms = decide_atoms(
        k(5),
        ["dept", "dept.own", "team-a", "team-b"],
        [
            (1, vec!["dept", "dept.own"]),
            (6, vec!["dept", "team-a"]),
            (5, vec!["dept", "team-b"]),
        ],
    );
    assert_eq!(from_people, from_atoms);
}

#[test]
fn a_search_out_of_budget_fails_closed() {
    // a = people 0..7; p = {0} + g, q = {1} + g with g = 7..12. p - q is person 0 minus person 1,
    // a signed difference but no set's figure: the exact search releases everything; with no
    // search budget the suspicion counts as a leak and a group is withheld.
    let keys = vec!["a", "p", "q"];
    let atoms = BTreeMap::from([
        (vec![0, 1], 1),
        (vec![0, 2], 1),
        (vec![0], 5),
        (vec![1, 2], 5),
    ]);
    let family = [
        ("a", range(0, 7)),
        ("p", [0].into_iter().chain(7..12).collect()),
        ("q", [1].into_iter().chain(7..12).collect()),
    ];
    let exact = decide_indexed(k(5), keys.clone(), atoms.clone(), span::SEARCH_BUDGET, None);
    assert!(exact.iter().all(|(_, d)| d.is_released()), "{exact:?}");
    let none = decide_indexed(k(5), keys, atoms, 0, None);
    assert_eq!(
        none.iter().filter(|(_, d)| *d == COMPLEMENTARY).count(),
        1,
        "{none:?}"
    );
    assert_no_small_set_recoverable(12, k(5), &to_usize(&family), &exact);
    assert_no_small_set_recoverable(12, k(5), &to_usize(&family), &none);
}

// ---- figures

#[test]
fn figures_become_cells_and_suppressed_cells_say_why() {
    let family = vec![("big", range(0, 10)), ("tiny", range(0, 2))];
    let d = decide(k(5), family);
    let cells = d.cells([("big", 600u64), ("tiny", 90), ("unknown", 5)]);
    assert_eq!(cells[&"big"], Cell::Value(600));
    assert_eq!(
        cells[&"tiny"],
        Cell::Suppressed(SuppressionReason::BelowMinimum)
    );
    assert_eq!(
        cells[&"unknown"],
        Cell::Suppressed(SuppressionReason::Complementary)
    );
    assert_eq!(serde_json::to_string(&cells[&"big"]).unwrap(), "600");
    assert_eq!(
        serde_json::to_string(&cells[&"tiny"]).unwrap(),
        r#"{"suppressed":true,"reason":"below_minimum"}"#
    );
    assert_eq!(
        serde_json::to_value(Cell::<u64>::Suppressed(SuppressionReason::Complementary)).unwrap(),
        serde_json::json!({"suppressed": true, "reason": "complementary"})
    );
    assert_eq!(cells[&"big"].map(|m| m / 60).value(), Some(&10));
}

// ---- scale (not timed)

#[test]
fn an_org_shaped_like_a_real_one_keeps_the_organisation_and_most_figures() {
    let fam = realistic_family(60, true);
    let d = decide(
        k(5),
        fam.iter().map(|(key, m)| (key.clone(), m.iter().copied())),
    );
    assert_eq!(d.len(), fam.len());
    // The organisation is not the group given up, and complementary suppression stays small.
    assert_eq!(d.get(&Key::Org), Some(Decision::Released));
    for (key, members) in &fam {
        if (1..5).contains(&members.len()) {
            assert_eq!(d.get(key), Some(BELOW), "{key:?}");
        }
    }
    let complementary = d.iter().filter(|(_, d)| *d == COMPLEMENTARY).count();
    assert!(
        complementary * 10 < fam.len(),
        "{complementary} of {}",
        fam.len()
    );
}

// ---- families shaped like the API's: org tree, own members, bands, bands x units

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Key {
    Org,
    Subtree(usize),
    Own(usize),
    Band(u8, u8),
    BandInUnit(u8, u8, usize),
    Any(usize),
}

/// parent[i] < i for i > 0; unit 0 is the root.
fn tree(units: usize) -> Vec<usize> {
    (0..units)
        .map(|u| if u == 0 { 0 } else { (u * 37 + 11) % u })
        .collect()
}

fn org_family_placed(
    parent: &[usize],
    people: usize,
    unit_of: impl Fn(usize) -> usize,
    level: impl Fn(usize) -> u8,
    bands_in_units: bool,
) -> Vec<(Key, Vec<usize>)> {
    let units = parent.len();
    let ancestors = |mut u: usize| {
        let mut chain = vec![u];
        while u != 0 {
            u = parent[u];
            chain.push(u);
        }
        chain
    };
    let mut family: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    family.insert(Key::Org, (0..people).collect());
    for u in 0..units {
        family.insert(Key::Subtree(u), vec![]);
        family.insert(Key::Own(u), vec![]);
    }
    for p in 0..people {
        let u = unit_of(p);
        family.entry(Key::Own(u)).or_default().push(p);
        let l = level(p);
        for a in 1..=l {
            for b in l..=8 {
                family.entry(Key::Band(a, b)).or_default().push(p);
            }
        }
        for anc in ancestors(u) {
            family.entry(Key::Subtree(anc)).or_default().push(p);
            if bands_in_units && anc % 5 == 0 {
                family
                    .entry(Key::BandInUnit(l, l, anc))
                    .or_default()
                    .push(p);
            }
        }
    }
    family.into_iter().collect()
}

fn to_usize<K: Clone>(family: &[(K, Vec<u32>)]) -> Vec<(K, Vec<usize>)> {
    family
        .iter()
        .map(|(key, m)| (key.clone(), m.iter().map(|&p| p as usize).collect()))
        .collect()
}

/// A random small org: up to 6 units (parent before child), up to 12 people with a unit and a
/// level, and a few interval filters, some crossed with a unit.
fn api_family() -> impl Strategy<Value = (usize, Vec<(Key, Vec<usize>)>)> {
    (1usize..=6, 1usize..=12).prop_flat_map(|(units, people)| {
        (
            proptest::collection::vec(0usize..6, units),
            proptest::collection::vec((0usize..6, 1u8..=4), people),
            proptest::collection::vec((1u8..=4, 0u8..=3, proptest::option::of(0usize..6)), 0..6),
        )
            .prop_map(move |(parents, placed, filters)| {
                let parent: Vec<usize> = (0..units)
                    .map(|u| if u == 0 { 0 } else { parents[u] % u })
                    .collect();
                let in_subtree = |mut u: usize, root: usize| loop {
                    if u == root {
                        return true;
                    }
                    if u == 0 {
                        return false;
                    }
                    u = parent[u];
                };
                let mut family: Vec<(Key, Vec<usize>)> = vec![(Key::Org, (0..people).collect())];
                for u in 0..units {
                    let of = |pred: &dyn Fn(usize) -> bool| -> Vec<usize> {
                        (0..people).filter(|&p| pred(placed[p].0 % units)).collect()
                    };
                    family.push((Key::Subtree(u), of(&|pu| in_subtree(pu, u))));
                    family.push((Key::Own(u), of(&|pu| pu == u)));
                }
                for (min, width, unit) in filters {
                    let max = (min + width).min(4);
                    let members = (0..people)
                        .filter(|&p| (min..=max).contains(&placed[p].1))
                        .filter(|&p| {
                            unit.is_none_or(|u| in_subtree(placed[p].0 % units, u % units))
                        })
                        .collect();
                    let key = match unit {
                        Some(u) => Key::BandInUnit(min, max, u % units),
                        None => Key::Band(min, max),
                    };
                    family.push((key, members));
                }
                family.sort();
                family.dedup_by(|a, b| a.0 == b.0);
                (people, family)
            })
    })
}

/// Arbitrary groups over up to 10 people.
fn any_family() -> impl Strategy<Value = (usize, Vec<(Key, Vec<usize>)>)> {
    (1usize..=10).prop_flat_map(|people| {
        proptest::collection::vec(0u32..(1 << people), 1..8).prop_map(move |masks| {
            let family = masks
                .into_iter()
                .enumerate()
                .map(|(i, mask)| {
                    (
                        Key::Any(i),
                        (0..people).filter(|&p| mask & (1 << p) != 0).collect(),
                    )
                })
                .collect();
            (people, family)
        })
    })
}

fn check_family(people: usize, k: MinGroupSize, family: &[(Key, Vec<usize>)]) {
    let d = decide(
        k,
        family
            .iter()
            .map(|(key, m)| (key.clone(), m.iter().copied())),
    );
    assert_eq!(
        d.len(),
        family
            .iter()
            .map(|(key, _)| key)
            .collect::<BTreeSet<_>>()
            .len()
    );
    for (key, members) in family {
        let decision = d.get(key);
        if members.is_empty() {
            assert_eq!(decision, Some(Decision::Released), "{key:?} is empty");
        } else if members.len() < k.get() as usize {
            assert_eq!(decision, Some(BELOW), "{key:?} is below k");
        } else {
            assert_ne!(decision, Some(BELOW), "{key:?} is not below k");
        }
    }
    assert_no_small_set_recoverable(people, k, family, &d);
    // Nothing is withheld in vain: releasing any complementary group as well would expose a set.
    for (key, _) in family {
        if d.get(key) == Some(COMPLEMENTARY) {
            let released = released_sets(family, &d, Some(key));
            assert!(
                recoverable_small_set(people, k, &released).is_some(),
                "{key:?} was withheld although releasing it exposes no one"
            );
        }
    }
}

/// The family as a caller who knows `known` sees it: those people left out of every group.
fn without(family: &[(Key, Vec<usize>)], known: &BTreeSet<usize>) -> Vec<(Key, Vec<usize>)> {
    family
        .iter()
        .map(|(key, m)| {
            let rest = m.iter().copied().filter(|p| !known.contains(p)).collect();
            (key.clone(), rest)
        })
        .collect()
}

/// Decisions for a caller who knows `known`, checked against the brute force: nothing below `k`
/// of the people they do not know is recoverable, and nothing withheld for everyone is released
/// unless the caller knows every member.
fn check_knowing(
    people: usize,
    k: MinGroupSize,
    family: &[(Key, Vec<usize>)],
    known: &BTreeSet<usize>,
) {
    let everyone = decide(
        k,
        family
            .iter()
            .map(|(key, m)| (key.clone(), m.iter().copied())),
    );
    let reduced = without(family, known);
    let mine = everyone.knowing(
        k,
        reduced
            .iter()
            .map(|(key, m)| (key.clone(), m.iter().copied())),
    );
    assert_no_small_set_recoverable(people, k, &reduced, &mine);
    for (key, members) in &reduced {
        let d = mine.get(key).expect("decided");
        if members.is_empty() {
            assert_eq!(
                d,
                Decision::Released,
                "{key:?}: the caller knows everyone in it"
            );
        } else if d.is_released() {
            assert!(
                everyone.get(key).expect("decided").is_released(),
                "{key:?} released only to a knower"
            );
        }
    }
}

#[test]
fn a_released_team_minus_oneself_is_withheld_from_its_members() {
    // A team of exactly five: released to outsiders; a member minus themself would see four.
    let family = vec![
        (Key::Org, range(0, 12)),
        (Key::Own(1), range(0, 5)),
        (Key::Own(2), range(5, 12)),
    ];
    let everyone = decide(k(5), family.clone());
    assert!(everyone.get(&Key::Own(1)).unwrap().is_released());
    let known = BTreeSet::from([0usize]);
    let reduced = without(&to_usize(&family), &known);
    let mine = everyone.knowing(k(5), reduced.clone());
    assert_eq!(mine.get(&Key::Own(1)), Some(BELOW));
    // The organisation minus the other team would be the caller's own team: not both.
    assert!(
        !(mine.get(&Key::Org).unwrap().is_released()
            && mine.get(&Key::Own(2)).unwrap().is_released())
    );
    assert_no_small_set_recoverable(12, k(5), &reduced, &mine);
}

#[test]
fn a_department_minus_the_managers_own_team_does_not_reveal_the_rest() {
    // Department 1 holds the caller's five reports (not a unit of their own) and three more people.
    let family = vec![(Key::Org, range(0, 20)), (Key::Subtree(1), range(0, 8))];
    let everyone = decide(k(5), family.clone());
    assert!(everyone.get(&Key::Subtree(1)).unwrap().is_released());
    let known: BTreeSet<usize> = (0..5).collect();
    let reduced = without(&to_usize(&family), &known);
    let mine = everyone.knowing(k(5), reduced.clone());
    assert_eq!(
        mine.get(&Key::Subtree(1)),
        Some(BELOW),
        "three unknown people"
    );
    assert_no_small_set_recoverable(20, k(5), &reduced, &mine);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_set_below_k_of_the_unknown_people_is_recoverable_by_a_knower(
        (people, family, known) in api_family().prop_flat_map(|(people, family)| {
            let known = proptest::collection::btree_set(0..people, 0..=people.min(6));
            (Just(people), Just(family), known)
        }),
        k in 3u32..=5,
    ) {
        check_knowing(people, MinGroupSize::new(k).unwrap(), &family, &known);
    }

    #[test]
    fn no_set_below_k_is_a_combination_of_released_org_figures(
        (people, family) in api_family(),
        k in 3u32..=5,
    ) {
        check_family(people, MinGroupSize::new(k).unwrap(), &family);
    }

    #[test]
    fn no_set_below_k_is_a_combination_of_released_arbitrary_groups(
        (people, family) in any_family(),
        k in 3u32..=5,
    ) {
        check_family(people, MinGroupSize::new(k).unwrap(), &family);
    }

    #[test]
    fn decisions_do_not_depend_on_the_input_order(
        (shuffled, family) in api_family().prop_flat_map(|(_, family)| {
            let shuffled = Just(family.iter().map(|(key, m)| {
                let mut m = m.clone();
                m.reverse();
                (key.clone(), m)
            }).collect::<Vec<_>>()).prop_shuffle();
            (shuffled, Just(family))
        }),
    ) {
        let k = MinGroupSize::default();
        let a = decide(k, family);
        let b = decide(k, shuffled);
        prop_assert_eq!(a, b);
    }
}

/// An org shaped like a real one: managers' units own 1-3 people at levels 6-8, leaf teams own
/// 3-60 people at levels 1-5; every unit with and without descendants, the organisation, every
/// band, and (when `crossed`) every single level within every fifth unit's subtree.
fn realistic_family(units: usize, crossed: bool) -> Vec<(Key, Vec<usize>)> {
    let parent = tree(units);
    let hash = |x: usize| (x.wrapping_mul(2_654_435_761) >> 7) % 1_000_003;
    let has_children: BTreeSet<usize> = (1..units).map(|u| parent[u]).collect();
    let mut people: Vec<(usize, u8)> = Vec::new();
    for u in 0..units {
        let (own, levels) = if has_children.contains(&u) {
            (1 + hash(u) % 3, (6, 3))
        } else {
            (3 + hash(u) % 58, (1, 5))
        };
        for i in 0..own {
            let p = people.len();
            people.push((u, levels.0 + (hash(p + i) % levels.1) as u8));
        }
    }
    let level = |p: usize| people[p].1;
    let mut fam = org_family_placed(&parent, people.len(), |p| people[p].0, level, crossed);
    fam.sort();
    fam
}

/// A measurement, not a test (nothing is timed); run by hand:
/// `cargo test -p learnwell-domain --release privacy::tests::scale -- --ignored --nocapture`.
#[test]
#[ignore = "measurement, run by hand in release mode"]
fn scale() {
    for (units, crossed) in [
        (60, false),
        (60, true),
        (500, false),
        (2000, false),
        (2000, true),
    ] {
        let fam = realistic_family(units, crossed);
        let people = fam
            .iter()
            .find(|(key, _)| *key == Key::Org)
            .map_or(0, |(_, m)| m.len());
        let start = std::time::Instant::now();
        let d = decide(
            k(5),
            fam.iter().map(|(key, m)| (key.clone(), m.iter().copied())),
        );
        let took = start.elapsed();
        let count = |want: Decision| d.iter().filter(|(_, x)| *x == want).count();
        let bands_withheld = d
            .iter()
            .filter(|(key, x)| matches!(key, Key::Band(..)) && !x.is_released())
            .count();
        println!(
            "units {units} people {people} crossed {crossed}: {} groups, {} released, {} below k, {} complementary ({} org-wide bands); org {:?}; {took:?}",
            d.len(), count(Decision::Released), count(BELOW), count(COMPLEMENTARY), bands_withheld, d.get(&Key::Org)
        );
    }
}
