//! The privacy engine: which group figures may be shown to a caller who may not see the people one
//! by one, so that no figure, and no linear combination of the shown figures, belongs to fewer
//! than `k` people.
//!
//! # Input and output
//! The input is the whole *family* of groups a caller can obtain figures for, across every request
//! they can make (org units with and without their descendants, the organisation, every level band,
//! bands crossed with units, ...): one linked table. Each group is a set of people under a key the
//! caller chooses. The output is one [`Decision`] per key: released, or suppressed because the group
//! has 1..k-1 people ([`SuppressionReason::BelowMinimum`], primary) or because its figure would let a
//! suppressed set be recomputed ([`SuppressionReason::Complementary`]). An empty group is released:
//! it reveals nothing. [`Decisions::cells`] turns figures into [`Cell`]s for the wire.
//!
//! # The rule
//! People with the same memberships collapse into one *atom* with a count; every group is a set of
//! atoms, keys with the same atoms are one group (one decision), and all work is on atoms. A figure
//! is additive (count, minutes, sum), so a combination `Σ c_G · figure(G)` of released groups is
//! the figure of a set `S` of people, for every figure, exactly when `Σ c_G · 1_G = 1_S`: `1_S`
//! lies in `V`, the span of the released groups' indicator vectors (then `S` is a union of atoms).
//! The released family is safe when `V` holds no such `1_S` with 1..k-1 people. The leak test
//! decides this exactly, with sparse fraction-free Gaussian elimination over `i128` (checked):
//!
//! 1. *Suspects.* `Z_0 = V`. The *classes* of `Z_i` are the atoms with equal coordinates in all of
//!    `Z_i` (for `Z_0`: the Venn cells of the released groups). A 0/1 vector of `Z_i` is constant on
//!    classes, so a small recoverable `S` is a union of classes of fewer than `k` people each, and
//!    `Z_{i+1} = Z_i ∩ {x : x = 0 outside those small classes}` still holds `1_S`. At the fixed
//!    point `Z*` every class on the support is small; `Z* = {0}` proves safety at once (the usual
//!    case: it needs no search, and for laminar families such as the org tree, `Z* ≠ {0}` exactly
//!    when a group minus its released subgroups leaves 1..k-1 people).
//! 2. *Search.* In reduced row form of `Z*` (over its classes) the coefficient of row `i` in any
//!    vector is that vector's value at row `i`'s leading column, so every 0/1 vector of `Z*` is the
//!    sum of a set `I` of rows (each divided by its leading entry), and its people include those of
//!    the leading columns of `I`. The search grows connected sets of rows (a component of a solution
//!    is a solution) with fewer than `k` people in their leading columns, and reports the first sum
//!    that is a 0/1 vector of 1..k-1 people. It is complete; it gives up after a fixed budget of
//!    partial sets, and then, like an arithmetic overflow, counts as a leak (fail closed).
//!
//! Primary suppression withholds every group of 1..k-1 people. Then, while the test finds a set
//! `S`, one of the groups in the combination that yields `S` is withheld: the smallest (ties: the
//! smallest key) after whose removal the test no longer finds `S`, else the smallest. The loop ends
//! only when the test passes, so it is its own verification pass. A give-back pass then tries the
//! withheld groups again, largest first, and releases each one the test still accepts: no group is
//! withheld in vain (releasing any complementary group as well would expose a set). Everything runs
//! in a canonical order (keys, atoms by signature, groups by size then key), so the same family gives
//! the same decisions whatever the input order; decisions depend on membership only, never on
//! figures.
//!
//! # What is exact, what is not
//! * The test is exact for every family (laminar org trees, intervals of levels, their crossings,
//!   overlapping filters, arbitrary groups) unless the search budget or `i128` runs out, which
//!   over-suppresses and never under-suppresses. Two overlapping filters whose overlap cannot be
//!   isolated are both released.
//! * The choice of what to withhold is greedy: choosing the fewest or cheapest cells is NP-hard in
//!   general (secondary cell suppression). It is irredundant, not minimal.
//! * Only sets are protected. A signed combination such as `figure(G ∪ {p}) − figure(G ∪ {q})`
//!   (one person's minutes minus another's) is not a set's figure and may be released; a dominance
//!   rule (one person's minutes being most of a group's) is not part of this engine.
//!
//! # Cost
//! With `M` memberships, `A` atoms (at most the people; for the org tree crossed with levels, at
//! most units × 8) and `G` distinct groups: building atoms is `O(M log M)` ([`decide_atoms`] skips it
//! when the caller counts atoms in SQL, e.g. one row per unit and level). A leak test is one sparse
//! elimination of the released rows, at worst `O(G · A · min(G, A))` and near-linear for tree rows,
//! plus a search bounded by a constant budget; no test is needed when every Venn cell of the
//! released groups has `k` people or more. The greedy runs one test per candidate tried and the
//! give-back one per withheld group. Measured (release build, on a shared machine, the ignored
//! `scale` test): 2,000 units, 63,000 people, 4,000 groups: 1.4-2 s; with per-level crossings
//! (6,000 groups): 2.5-4 s; 500 units: 0.3 s. Decisions depend on membership only, so cache them
//! per family and reporting period rather than deciding on every request.

mod span;
#[cfg(test)]
mod tests;

use crate::FieldError;
use std::collections::BTreeMap;

/// The minimum group size `k`: figures about fewer than `k` people are never shown. Default 5,
/// never below 3.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "u32", into = "u32")]
pub struct MinGroupSize(u32);

impl MinGroupSize {
    /// The smallest `k` the engine accepts.
    pub const FLOOR: u32 = 3;
    /// The `k` used when none is configured.
    pub const DEFAULT: u32 = 5;

    /// Parse a configured `k`: at least [`Self::FLOOR`].
    pub fn new(k: u32) -> Result<Self, FieldError> {
        if k < Self::FLOOR {
            return Err(FieldError::new(
                "min_group_size",
                format!("must be at least {}", Self::FLOOR),
            ));
        }
        Ok(Self(k))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for MinGroupSize {
    fn default() -> Self {
        Self(Self::DEFAULT)
    }
}

impl TryFrom<u32> for MinGroupSize {
    type Error = FieldError;
    fn try_from(k: u32) -> Result<Self, FieldError> {
        Self::new(k)
    }
}

impl From<MinGroupSize> for u32 {
    fn from(k: MinGroupSize) -> u32 {
        k.0
    }
}

/// Why a figure is withheld.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    /// The group has 1..k-1 people (primary suppression).
    BelowMinimum,
    /// Shown, it would let a suppressed set be recomputed from other figures (secondary).
    Complementary,
}

impl SuppressionReason {
    /// The reason as clients see it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BelowMinimum => "below_minimum",
            Self::Complementary => "complementary",
        }
    }
}

/// What the engine decided for one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Released,
    Suppressed { reason: SuppressionReason },
}

impl Decision {
    pub fn is_released(self) -> bool {
        self == Self::Released
    }
}

/// A figure as the caller may see it: the value, or that it is withheld and why. Serialises as the
/// value itself, or as `{"suppressed": true, "reason": "below_minimum"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<V> {
    Value(V),
    Suppressed(SuppressionReason),
}

impl<V> Cell<V> {
    pub fn value(&self) -> Option<&V> {
        match self {
            Self::Value(v) => Some(v),
            Self::Suppressed(_) => None,
        }
    }

    pub fn map<W>(self, f: impl FnOnce(V) -> W) -> Cell<W> {
        match self {
            Self::Value(v) => Cell::Value(f(v)),
            Self::Suppressed(r) => Cell::Suppressed(r),
        }
    }
}

impl<V: serde::Serialize> serde::Serialize for Cell<V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match self {
            Self::Value(v) => v.serialize(serializer),
            Self::Suppressed(reason) => {
                let mut s = serializer.serialize_struct("Suppressed", 2)?;
                s.serialize_field("suppressed", &true)?;
                s.serialize_field("reason", reason)?;
                s.end()
            }
        }
    }
}

/// The decision for every key of a family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decisions<K: Ord> {
    by_key: BTreeMap<K, Decision>,
}

impl<K: Ord> Decisions<K> {
    /// The decision for `key`, if the key was part of the family.
    pub fn get(&self, key: &K) -> Option<Decision> {
        self.by_key.get(key).copied()
    }

    /// Every key and its decision, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, Decision)> {
        self.by_key.iter().map(|(k, d)| (k, *d))
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The figure of `key` as the caller may see it. Fails closed: a key that was not part of the
    /// family is withheld (as `Complementary`), since the engine cannot vouch for it.
    pub fn cell<V>(&self, key: &K, figure: V) -> Cell<V> {
        match self.get(key) {
            Some(Decision::Released) => Cell::Value(figure),
            Some(Decision::Suppressed { reason }) => Cell::Suppressed(reason),
            None => Cell::Suppressed(SuppressionReason::Complementary),
        }
    }

    /// Every figure as the caller may see it (see [`Self::cell`]).
    pub fn cells<V>(&self, figures: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, Cell<V>> {
        figures
            .into_iter()
            .map(|(key, figure)| {
                let cell = self.cell(&key, figure);
                (key, cell)
            })
            .collect()
    }
}

/// Decide a family given as groups of people: `(key, members)`. A key given twice is one group
/// with the members of both. People are opaque ids (`u128`, `EmployeeId`, ...).
pub fn decide<K, P, G, M>(k: MinGroupSize, groups: G) -> Decisions<K>
where
    K: Ord + Clone,
    P: Ord,
    G: IntoIterator<Item = (K, M)>,
    M: IntoIterator<Item = P>,
{
    let mut by_key: BTreeMap<K, Vec<P>> = BTreeMap::new();
    for (key, members) in groups {
        by_key.entry(key).or_default().extend(members);
    }
    let atoms = people_atoms(&by_key);
    decide_indexed(
        k,
        by_key.into_keys().collect(),
        atoms,
        span::SEARCH_BUDGET,
        None,
    )
}

/// The atoms of groups given as people: a signature (indices into the keys, in key order) and its
/// number of people.
fn people_atoms<K, P: Ord>(by_key: &BTreeMap<K, Vec<P>>) -> BTreeMap<Vec<u32>, u64> {
    let mut memberships: Vec<(&P, u32)> = Vec::new();
    for (i, members) in (0u32..).zip(by_key.values()) {
        memberships.extend(members.iter().map(|p| (p, i)));
    }
    memberships.sort_unstable();
    memberships.dedup();
    let mut atoms: BTreeMap<Vec<u32>, u64> = BTreeMap::new();
    for person in memberships.chunk_by(|a, b| a.0 == b.0) {
        *atoms
            .entry(person.iter().map(|&(_, g)| g).collect())
            .or_default() += 1;
    }
    atoms
}

/// Decide a family given as atoms: `(count, keys)` says `count` people belong to exactly the groups
/// `keys` (e.g. one row per org unit and level, counted in SQL). `keys` lists every group, so that
/// an empty group gets its (released) decision too; keys named only in atoms are added.
pub fn decide_atoms<K, I, A, S>(k: MinGroupSize, keys: I, atoms: A) -> Decisions<K>
where
    K: Ord + Clone,
    I: IntoIterator<Item = K>,
    A: IntoIterator<Item = (u64, S)>,
    S: IntoIterator<Item = K>,
{
    let (keys, atoms) = index_atoms(keys, atoms);
    decide_indexed(k, keys, atoms, span::SEARCH_BUDGET, None)
}

/// Keys in order and atoms by signature (indices into those keys), from atoms given by key.
fn index_atoms<K, I, A, S>(keys: I, atoms: A) -> (Vec<K>, BTreeMap<Vec<u32>, u64>)
where
    K: Ord + Clone,
    I: IntoIterator<Item = K>,
    A: IntoIterator<Item = (u64, S)>,
    S: IntoIterator<Item = K>,
{
    let atoms: Vec<(u64, Vec<K>)> = atoms
        .into_iter()
        .map(|(count, keys)| (count, keys.into_iter().collect()))
        .collect();
    let mut index: BTreeMap<K, u32> = keys.into_iter().map(|key| (key, 0)).collect();
    for (_, keys) in &atoms {
        for key in keys {
            index.entry(key.clone()).or_insert(0);
        }
    }
    for (i, slot) in (0u32..).zip(index.values_mut()) {
        *slot = i;
    }
    let mut merged: BTreeMap<Vec<u32>, u64> = BTreeMap::new();
    for (count, keys) in atoms {
        let mut sig: Vec<u32> = keys
            .iter()
            .filter_map(|key| index.get(key).copied())
            .collect();
        sig.sort_unstable();
        sig.dedup();
        let slot = merged.entry(sig).or_default();
        *slot = slot.saturating_add(count);
    }
    (index.into_keys().collect(), merged)
}

impl<K: Ord + Clone> Decisions<K> {
    /// The decisions for a caller who already knows some people's figures exactly (themselves,
    /// their reports: the people they may see one by one), given the same family as `groups` with
    /// those people left out. `self` holds the decisions for a caller who knows nobody.
    ///
    /// Subtracting a known figure costs nothing, so a combination of released figures exposes
    /// the people in it whom the caller does not know: the leak test over the family without the
    /// known people is the exact test for this caller (a released team of five minus oneself is
    /// four people; a department minus the caller's own team may be the director). The result
    /// only withholds more than `self`: a group withheld there stays withheld, except a group whose
    /// members the caller all knows, which reveals nothing new and is released.
    pub fn knowing<P, G, M>(&self, k: MinGroupSize, groups: G) -> Decisions<K>
    where
        P: Ord,
        G: IntoIterator<Item = (K, M)>,
        M: IntoIterator<Item = P>,
    {
        let mut by_key: BTreeMap<K, Vec<P>> = BTreeMap::new();
        for (key, members) in groups {
            by_key.entry(key).or_default().extend(members);
        }
        let atoms = people_atoms(&by_key);
        let keys: Vec<K> = by_key.into_keys().collect();
        let prior = self.prior(&keys);
        decide_indexed(k, keys, atoms, span::SEARCH_BUDGET, Some(&prior))
    }

    /// [`Self::knowing`] with the family given as atoms (see [`decide_atoms`]) that count only the
    /// people the caller does not know.
    pub fn knowing_atoms<I, A, S>(&self, k: MinGroupSize, keys: I, atoms: A) -> Decisions<K>
    where
        I: IntoIterator<Item = K>,
        A: IntoIterator<Item = (u64, S)>,
        S: IntoIterator<Item = K>,
    {
        let (keys, atoms) = index_atoms(keys, atoms);
        let prior = self.prior(&keys);
        decide_indexed(k, keys, atoms, span::SEARCH_BUDGET, Some(&prior))
    }

    /// The decision of each of `keys` here; a key not decided here is withheld (fail closed).
    fn prior(&self, keys: &[K]) -> Vec<Decision> {
        keys.iter()
            .map(|key| {
                self.get(key).unwrap_or(Decision::Suppressed {
                    reason: SuppressionReason::Complementary,
                })
            })
            .collect()
    }
}

/// The engine proper. `keys` are sorted and distinct; `atoms` maps a signature (sorted indices into
/// `keys`) to its number of people; `budget` bounds each leak test's search. With `prior` (one
/// decision per key), a non-empty group any of whose keys is withheld there starts withheld and
/// stays so (see [`Decisions::knowing`]).
fn decide_indexed<K: Ord>(
    k: MinGroupSize,
    keys: Vec<K>,
    atoms: BTreeMap<Vec<u32>, u64>,
    budget: usize,
    prior: Option<&[Decision]>,
) -> Decisions<K> {
    let atoms: Vec<(Vec<u32>, u64)> = atoms
        .into_iter()
        .filter(|(sig, count)| !sig.is_empty() && *count > 0)
        .collect();
    let counts: Vec<u64> = atoms.iter().map(|(_, c)| *c).collect();
    // The atoms of each key, then the distinct groups (keys with the same atoms share one).
    let mut key_atoms: Vec<Vec<u32>> = vec![Vec::new(); keys.len()];
    for (a, (sig, _)) in (0u32..).zip(&atoms) {
        for &key in sig {
            key_atoms[key as usize].push(a);
        }
    }
    let mut distinct: BTreeMap<Vec<u32>, Vec<u32>> = BTreeMap::new();
    for (key, atoms_of_key) in (0u32..).zip(key_atoms) {
        distinct.entry(atoms_of_key).or_default().push(key);
    }
    let size = |atoms_of: &[u32]| -> u64 {
        atoms_of
            .iter()
            .fold(0u64, |s, &a| s.saturating_add(counts[a as usize]))
    };
    // Canonical group order: size, then smallest key (keys are already sorted).
    let mut groups: Vec<(u64, Vec<u32>, Vec<u32>)> = distinct
        .into_iter()
        .map(|(atoms_of, keys_of)| (size(&atoms_of), keys_of, atoms_of))
        .collect();
    groups.sort_unstable_by(|a, b| (a.0, a.1.first()).cmp(&(b.0, b.1.first())));

    let threshold = u64::from(k.get());
    let held_before = |keys_of: &[u32]| -> Option<Decision> {
        let prior = prior?;
        keys_of
            .iter()
            .map(|&key| prior[key as usize])
            .find(|d| !d.is_released())
    };
    let mut decision: Vec<Decision> = groups
        .iter()
        .map(|(size, keys_of, _)| {
            if *size == 0 {
                Decision::Released
            } else if *size < threshold {
                Decision::Suppressed {
                    reason: SuppressionReason::BelowMinimum,
                }
            } else {
                held_before(keys_of).unwrap_or(Decision::Released)
            }
        })
        .collect();
    // Withheld by `prior`: never given back here.
    let fixed: Vec<bool> = groups
        .iter()
        .map(|(size, keys_of, _)| *size >= threshold && held_before(keys_of).is_some())
        .collect();
    let group_atoms: Vec<Vec<u32>> = groups.iter().map(|(_, _, a)| a.clone()).collect();
    let family = span::Family {
        counts: &counts,
        group_atoms: &group_atoms,
        k: threshold,
        budget,
    };
    let mut released: Vec<u32> = (0u32..)
        .zip(&groups)
        .filter(|(g, (size, _, _))| *size > 0 && decision[*g as usize].is_released())
        .map(|(g, _)| g)
        .collect();

    // Complementary suppression: withhold groups until the leak test passes.
    let mut current = family.leak(&released);
    loop {
        let (withheld, next) = match current {
            Ok(span::Leak::Safe) => break,
            Ok(span::Leak::Found { atoms, groups }) => choose(&family, &released, &atoms, &groups),
            Ok(span::Leak::Unknown { groups }) => (groups.first().copied(), None),
            // Fail closed: an overflow counts as a leak (the smallest released group goes).
            Err(span::Overflow) => (None, None),
        };
        let Some(withheld) = withheld.or_else(|| released.first().copied()) else {
            break;
        };
        released.retain(|&g| g != withheld);
        decision[withheld as usize] = Decision::Suppressed {
            reason: SuppressionReason::Complementary,
        };
        current = next.unwrap_or_else(|| family.leak(&released));
    }
    // Give back: a greedy choice can be made unnecessary by a later one. Largest first, release
    // each withheld group again if the leak test still passes with it.
    let withheld: Vec<u32> = (0u32..)
        .zip(&decision)
        .filter(|(g, d)| {
            !fixed[*g as usize]
                && **d
                    == Decision::Suppressed {
                        reason: SuppressionReason::Complementary,
                    }
        })
        .map(|(g, _)| g)
        .collect();
    for &g in withheld.iter().rev() {
        let mut trial = released.clone();
        let at = trial.partition_point(|&r| r < g);
        trial.insert(at, g);
        if family.leak(&trial) == Ok(span::Leak::Safe) {
            released = trial;
            decision[g as usize] = Decision::Released;
        }
    }

    let mut by_key: Vec<Option<Decision>> = vec![None; keys.len()];
    for ((_, keys_of, _), d) in groups.iter().zip(&decision) {
        for &key in keys_of {
            by_key[key as usize] = Some(*d);
        }
    }
    Decisions {
        by_key: keys
            .into_iter()
            .zip(by_key)
            .map(|(key, d)| (key, d.unwrap_or(Decision::Released)))
            .collect(),
    }
}

/// The group to withhold next, against the recoverable set `atoms` found as a combination of
/// `groups`: the smallest of those groups (canonical order) without which the leak test no longer
/// finds that set; if none does it alone, the smallest of them. Also returns the leak test of the
/// released groups without the chosen one, so the caller need not run it again.
fn choose(
    family: &span::Family<'_>,
    released: &[u32],
    atoms: &[u32],
    groups: &[u32],
) -> (Option<u32>, Option<Result<span::Leak, span::Overflow>>) {
    let mut candidates: Vec<u32> = groups
        .iter()
        .copied()
        .filter(|g| released.binary_search(g).is_ok())
        .collect();
    candidates.sort_unstable();
    let mut fallback = None;
    for g in candidates {
        let rest: Vec<u32> = released.iter().copied().filter(|&r| r != g).collect();
        let leak = family.leak(&rest);
        let same = matches!(&leak, Ok(span::Leak::Found { atoms: found, .. }) if found == atoms);
        if !same {
            return (Some(g), Some(leak));
        }
        fallback.get_or_insert((g, leak));
    }
    match fallback {
        Some((g, leak)) => (Some(g), Some(leak)),
        None => (None, None),
    }
}
