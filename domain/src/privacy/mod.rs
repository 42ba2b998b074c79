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
//! atoms, groups with the same atoms are one group (one decision), and all work is on atoms. A
//! figure is additive (count, minutes, sum), so a combination `Σ c_G · figure(G)` of released groups
//! is the figure of a set `S` of people, for every figure, only if `Σ c_G · 1_G = 1_S`, i.e. `1_S`
//! lies in `V`, the span of the released groups' indicator vectors. Such an `S` is a union of
//! atoms. The engine computes, exactly (sparse fraction-free Gaussian elimination over `i128`,
//! checked), a subspace `Z*` of `V` that contains `1_S` for every recoverable `S` of 1..k-1 people:
//!
//! * `Z_0 = V`. Given `Z_i`, its *classes* are the atoms with equal coordinates in every vector of
//!   `Z_i` (for `Z_0`: the Venn cells of the released groups). A 0/1 vector of `Z_i` is constant on
//!   classes, so a recoverable set of fewer than `k` people is a union of classes of fewer than `k`
//!   people each; `Z_{i+1} = Z_i ∩ {x : x = 0 outside those small classes}` still contains it.
//! * `Z*` is the fixed point. The engine releases a family only when `Z* = {0}`; then no set of
//!   1..k-1 people is recoverable (proof: such a set would give a non-zero vector in every `Z_i`).
//!
//! Primary suppression withholds every group of 1..k-1 people. Then, while `Z* ≠ {0}`, a basis
//! vector of `Z*` is written as a combination of released groups; of those groups, the smallest
//! (ties: the smallest key) whose suppression shrinks `Z*` is withheld (if none does alone, the
//! smallest of them). `Z*` only shrinks when groups are withheld, so this ends, and it ends only on
//! `Z* = {0}`: the loop is its own verification pass. Everything runs in a canonical order (keys,
//! atoms by signature, groups by size then key), so the same family gives the same decisions
//! whatever the input order; decisions depend on membership only, never on figures.
//!
//! # Where it is exact, where it over-suppresses
//! * Laminar families (the org tree: units with and without descendants, the organisation): the
//!   classes of `V` are the "own parts" (a group minus its released children), `V` contains each of
//!   them, and `Z* ≠ {0}` exactly when an own part has 1..k-1 people, i.e. exactly when parent minus
//!   children recovers a small set. The test is exact there.
//! * Intervals of levels, their crossings with units, overlapping filters, arbitrary groups: the test
//!   is safe (never releases a recoverable small set) and never flags two overlapping filters whose
//!   overlap cannot be isolated. It can over-suppress when `Z*` holds only signed or weighted mixes
//!   of small classes (e.g. the difference of two people's figures, from two groups that differ by
//!   swapping one person), which we treat as a leak too. Choosing the fewest cells to withhold is
//!   NP-hard in general (secondary cell suppression); the greedy choice is not minimal, but safe.
//!
//! # Cost
//! With `A` atoms (at most the number of people; for the org tree crossed with eight levels, at
//! most units × 8), `G` distinct released groups and `r ≤ min(A, G)` the rank: building atoms is
//! `O(M log M)` in the `M` memberships ([`decide_atoms`] skips it when the caller counts atoms in
//! SQL); when every Venn cell of the released groups has `k` people or more, the check is `O(M)` with
//! no elimination; otherwise one sparse elimination, `O(G · r · w)` worst case for rows of `w`
//! non-zeros (near-linear for trees, whose rows stay 0/±1), per leak test, and the greedy runs one
//! test per candidate tried. Decisions depend on membership only, so the caller may cache them per
//! family and reporting period.

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
    decide_indexed(k, by_key.into_keys().collect(), atoms)
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
    decide_indexed(k, index.into_keys().collect(), merged)
}

/// The engine proper. `keys` are sorted and distinct; `atoms` maps a signature (sorted indices into
/// `keys`) to its number of people.
fn decide_indexed<K: Ord>(
    k: MinGroupSize,
    keys: Vec<K>,
    atoms: BTreeMap<Vec<u32>, u64>,
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
    let mut decision: Vec<Decision> = groups
        .iter()
        .map(|(size, _, _)| {
            if *size == 0 || *size >= threshold {
                Decision::Released
            } else {
                Decision::Suppressed {
                    reason: SuppressionReason::BelowMinimum,
                }
            }
        })
        .collect();
    let group_atoms: Vec<Vec<u32>> = groups.iter().map(|(_, _, a)| a.clone()).collect();
    let family = span::Family {
        counts: &counts,
        group_atoms: &group_atoms,
        k: threshold,
    };
    let mut released: Vec<u32> = (0u32..)
        .zip(&groups)
        .filter(|(g, (size, _, _))| *size > 0 && decision[*g as usize].is_released())
        .map(|(g, _)| g)
        .collect();

    // Complementary suppression: withhold groups until the leak test passes.
    loop {
        let withheld = match family.leak(&released) {
            Ok(span::Leak::Safe) => break,
            Ok(span::Leak::Found { atoms, groups }) => choose(&family, &released, &atoms, &groups),
            Ok(span::Leak::Unknown { groups }) => groups.first().copied(),
            // Fail closed: an overflow counts as a leak; withhold the smallest released group.
            Err(span::Overflow) => None,
        }
        .or_else(|| released.first().copied());
        let Some(withheld) = withheld else { break };
        released.retain(|&g| g != withheld);
        decision[withheld as usize] = Decision::Suppressed {
            reason: SuppressionReason::Complementary,
        };
    }
    // Give back: a greedy choice can be made unnecessary by a later one. Largest first, release
    // each withheld group again if the leak test still passes with it.
    let withheld: Vec<u32> = (0u32..)
        .zip(&decision)
        .filter(|(_, d)| {
            **d == Decision::Suppressed {
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
/// `groups`: the smallest of those groups (canonical order) without which the set is no longer
/// recoverable; if none does it alone, the smallest of them.
fn choose(
    family: &span::Family<'_>,
    released: &[u32],
    atoms: &[u32],
    groups: &[u32],
) -> Option<u32> {
    let mut candidates: Vec<u32> = groups
        .iter()
        .copied()
        .filter(|g| released.binary_search(g).is_ok())
        .collect();
    candidates.sort_unstable();
    let breaks = |g: u32| {
        let rest: Vec<u32> = released.iter().copied().filter(|&r| r != g).collect();
        family.recovers(&rest, atoms) == Ok(false)
    };
    candidates
        .iter()
        .copied()
        .find(|&g| breaks(g))
        .or_else(|| candidates.first().copied())
}
