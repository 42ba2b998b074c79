//! Exact linear algebra over the atoms: sparse integer (fraction-free) Gaussian elimination, and
//! the leak test built on it. Every entry is an `i128`, rows are divided by the gcd of their
//! entries after each step (incidence matrices of trees and intervals stay in {-1, 0, 1}), and
//! every operation is checked: an overflow is reported, never wrapped, and the caller treats it as
//! a leak (fail closed).

use std::collections::HashMap;

/// A vector over the atoms (`vals`, sorted by atom, no zeros) and how it was obtained from the
/// released groups (`combo`: distinct-group index -> coefficient, sorted, no zeros).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Row {
    pub vals: Vec<(u32, i128)>,
    pub combo: Vec<(u32, i128)>,
}

/// An intermediate value did not fit in an `i128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Overflow;

/// The family as the leak test sees it: atom sizes, and each distinct group as its atoms.
pub(super) struct Family<'a> {
    pub counts: &'a [u64],
    pub group_atoms: &'a [Vec<u32>],
    pub k: u64,
    /// How many partial sets the search may visit per leak test ([`SEARCH_BUDGET`] in use).
    pub budget: usize,
}

/// What the leak test found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Leak {
    /// No set of 1..k-1 people is a combination of the released figures.
    Safe,
    /// `atoms` (fewer than k people) is the sum of the released `groups` with some coefficients.
    Found { atoms: Vec<u32>, groups: Vec<u32> },
    /// The search ran out of budget; treated as a leak (fail closed) through these `groups`.
    Unknown { groups: Vec<u32> },
}

/// How many partial combinations the exact search may visit per leak test before it fails closed.
pub(super) const SEARCH_BUDGET: usize = 200_000;

impl Family<'_> {
    /// The leak test: is some set of 1..k-1 people a combination of the released groups?
    pub fn leak(&self, released: &[u32]) -> Result<Leak, Overflow> {
        let z = self.suspects(released)?;
        if z.is_empty() {
            return Ok(Leak::Safe);
        }
        // Collapse atoms with equal coordinates in Z* (its classes) into one column each.
        let n = self.counts.len();
        let mut columns: Vec<Vec<(u32, i128)>> = vec![Vec::new(); n];
        for (i, row) in (0u32..).zip(&z) {
            for &(a, v) in &row.vals {
                columns[a as usize].push((i, v));
            }
        }
        let mut class_of_sig: HashMap<&[(u32, i128)], u32> = HashMap::new();
        let mut class_of: Vec<Option<u32>> = vec![None; n];
        let mut class_count: Vec<u64> = Vec::new();
        let mut class_atoms: Vec<Vec<u32>> = Vec::new();
        for (a, col) in (0u32..).zip(&columns) {
            if col.is_empty() {
                continue;
            }
            let next = u32::try_from(class_count.len()).map_err(|_| Overflow)?;
            let c = *class_of_sig.entry(col.as_slice()).or_insert(next);
            if c == next {
                class_count.push(0);
                class_atoms.push(Vec::new());
            }
            class_of[a as usize] = Some(c);
            class_count[c as usize] =
                class_count[c as usize].saturating_add(self.counts[a as usize]);
            class_atoms[c as usize].push(a);
        }
        // The rows over classes (the value at a class's first atom), still in echelon form.
        let mut rows: Vec<Row> = z
            .into_iter()
            .map(|row| Row {
                vals: row
                    .vals
                    .iter()
                    .filter(|&&(a, _)| {
                        class_of[a as usize]
                            .is_some_and(|c| class_atoms[c as usize].first() == Some(&a))
                    })
                    .filter_map(|&(a, v)| class_of[a as usize].map(|c| (c, v)))
                    .collect(),
                combo: row.combo,
            })
            .collect();
        for row in &mut rows {
            row.vals.sort_unstable_by_key(|&(c, _)| c);
        }
        rows.sort_unstable_by_key(|r| r.vals.first().map(|&(c, _)| c));
        let rows = reduce(rows)?;
        let search = Search {
            rows: &rows,
            counts: &class_count,
            k: self.k,
            touching: touching(&rows),
            visited: 0,
            budget: self.budget,
        };
        Ok(match search.run()? {
            Outcome::Found(set) => {
                let mut atoms: Vec<u32> = set
                    .columns
                    .iter()
                    .flat_map(|&c| class_atoms[c as usize].iter().copied())
                    .collect();
                atoms.sort_unstable();
                let mut groups: Vec<u32> = Vec::new();
                for &i in &set.rows {
                    groups.extend(rows[i].combo.iter().map(|&(g, _)| g));
                }
                groups.sort_unstable();
                groups.dedup();
                Leak::Found { atoms, groups }
            }
            Outcome::OutOfBudget => Leak::Unknown {
                groups: rows
                    .first()
                    .map(|r| r.combo.iter().map(|&(g, _)| g).collect())
                    .unwrap_or_default(),
            },
            Outcome::None => Leak::Safe,
        })
    }

    fn rows(&self, released: &[u32]) -> Vec<Row> {
        released
            .iter()
            .map(|&g| Row {
                vals: self.group_atoms[g as usize]
                    .iter()
                    .map(|&a| (a, 1))
                    .collect(),
                combo: vec![(g, 1)],
            })
            .collect()
    }

    /// A basis of the subspace `Z*` (see the module docs): it holds the indicator of every set of
    /// 1..k-1 people that is a combination of released figures, and every class of atoms on its
    /// support has fewer than `k` people. Empty means safe.
    fn suspects(&self, released: &[u32]) -> Result<Vec<Row>, Overflow> {
        let n = self.counts.len();
        // Z_0 = V, the span of the released groups. Its classes are the Venn cells of the
        // released groups (atoms with the same released memberships); found without elimination.
        let mut membership: Vec<Vec<u32>> = vec![Vec::new(); n];
        for &g in released {
            for &a in &self.group_atoms[g as usize] {
                membership[a as usize].push(g);
            }
        }
        let small = self.small_classes(&membership);
        if !small.iter().any(|&s| s) {
            return Ok(Vec::new());
        }
        let mut z = intersect(self.rows(released), &small)?;
        // Refine: Z_{i+1} = Z_i restricted to the atoms in small classes of Z_i, until stable.
        loop {
            if z.is_empty() {
                return Ok(z);
            }
            let mut columns: Vec<Vec<(u32, i128)>> = vec![Vec::new(); n];
            for (i, row) in (0u32..).zip(&z) {
                for &(a, v) in &row.vals {
                    columns[a as usize].push((i, v));
                }
            }
            let support = columns.iter().filter(|c| !c.is_empty()).count();
            let small = self.small_classes(&columns);
            if small.iter().filter(|&&s| s).count() == support {
                return Ok(z);
            }
            z = intersect(z, &small)?;
        }
    }

    /// For each atom: does it lie in a class (atoms with equal non-empty `signature`) of fewer
    /// than `k` people? Atoms with an empty signature are outside the span and never small.
    fn small_classes<S: std::hash::Hash + Eq>(&self, signature: &[Vec<S>]) -> Vec<bool> {
        let mut size: HashMap<&[S], u64> = HashMap::new();
        for (sig, &count) in signature.iter().zip(self.counts) {
            if !sig.is_empty() {
                *size.entry(sig.as_slice()).or_default() += count;
            }
        }
        signature
            .iter()
            .map(|sig| !sig.is_empty() && size.get(sig.as_slice()).is_some_and(|&s| s < self.k))
            .collect()
    }
}

/// Echelon rows (distinct leading columns, sorted by them) to reduced form: each leading column
/// is non-zero in its own row only. Entries stay integers; a row's leading entry may exceed 1.
fn reduce(mut rows: Vec<Row>) -> Result<Vec<Row>, Overflow> {
    for i in (0..rows.len()).rev() {
        let Some(&(lead, _)) = rows[i].vals.first() else {
            continue;
        };
        for j in 0..i {
            if let Some(&(_, v)) = rows[j].vals.iter().find(|&&(c, _)| c == lead) {
                let pivot = rows[i].vals[0].1;
                let g = gcd(v, pivot);
                let mut out = Row {
                    vals: combine(&rows[j].vals, pivot / g, &rows[i].vals, v / g)?,
                    combo: combine(&rows[j].combo, pivot / g, &rows[i].combo, v / g)?,
                };
                normalise(&mut out)?;
                rows[j] = out;
            }
        }
    }
    Ok(rows)
}

/// For each column, the rows non-zero in it.
fn touching(rows: &[Row]) -> HashMap<u32, Vec<usize>> {
    let mut out: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        for &(c, _) in &row.vals {
            out.entry(c).or_default().push(i);
        }
    }
    out
}

/// A set of reduced rows whose sum (each row divided by its leading entry) is a 0/1 vector.
struct Found {
    rows: Vec<usize>,
    columns: Vec<u32>,
}

enum Outcome {
    Found(Found),
    OutOfBudget,
    None,
}

/// The exact search for a 0/1 vector of weight 1..k-1 in the span of reduced rows. In reduced
/// form the coefficient of row `i` in any vector is its value at row `i`'s leading column divided
/// by the leading entry, so a 0/1 vector is the sum of a set `I` of rows, each divided by its
/// leading entry, and its weight is at least the people in the leading columns of `I`: `I` has
/// fewer than `k` people in leading columns. A smallest such set is connected (rows sharing
/// columns; a component of a solution is a solution), so the search grows connected sets from
/// each row. Complete unless it runs out of budget.
struct Search<'a> {
    rows: &'a [Row],
    counts: &'a [u64],
    k: u64,
    touching: HashMap<u32, Vec<usize>>,
    visited: usize,
    budget: usize,
}

impl Search<'_> {
    fn run(mut self) -> Result<Outcome, Overflow> {
        let mut seen: std::collections::HashSet<Vec<usize>> = std::collections::HashSet::new();
        for start in 0..self.rows.len() {
            let lead = self.lead_weight(start);
            if lead >= self.k {
                continue;
            }
            match self.grow(&mut vec![start], lead, &mut seen)? {
                Outcome::None => {}
                found => return Ok(found),
            }
        }
        Ok(Outcome::None)
    }

    fn lead_weight(&self, row: usize) -> u64 {
        self.rows[row]
            .vals
            .first()
            .map_or(u64::MAX, |&(c, _)| self.counts[c as usize])
    }

    fn grow(
        &mut self,
        set: &mut Vec<usize>,
        lead: u64,
        seen: &mut std::collections::HashSet<Vec<usize>>,
    ) -> Result<Outcome, Overflow> {
        let mut key = set.clone();
        key.sort_unstable();
        if !seen.insert(key) {
            return Ok(Outcome::None);
        }
        self.visited += 1;
        if self.visited > self.budget {
            return Ok(Outcome::OutOfBudget);
        }
        if let Some(columns) = self.zero_one(set)? {
            let weight = columns
                .iter()
                .fold(0u64, |w, &c| w.saturating_add(self.counts[c as usize]));
            if weight < self.k {
                let mut rows = set.clone();
                rows.sort_unstable();
                return Ok(Outcome::Found(Found { rows, columns }));
            }
        }
        let mut next: Vec<usize> = set
            .iter()
            .flat_map(|&i| self.rows[i].vals.iter().map(|&(c, _)| c))
            .filter_map(|c| self.touching.get(&c))
            .flatten()
            .copied()
            .filter(|j| !set.contains(j) && *j > set[0])
            .collect();
        next.sort_unstable();
        next.dedup();
        for j in next {
            let weight = lead.saturating_add(self.lead_weight(j));
            if weight >= self.k {
                continue;
            }
            set.push(j);
            let outcome = self.grow(set, weight, seen)?;
            set.pop();
            if !matches!(outcome, Outcome::None) {
                return Ok(outcome);
            }
        }
        Ok(Outcome::None)
    }

    /// The columns of `Σ_{i ∈ set} row_i / lead_i` if that sum is a 0/1 vector.
    fn zero_one(&self, set: &[usize]) -> Result<Option<Vec<u32>>, Overflow> {
        // Common denominator: the lcm of the leading entries.
        let mut den: i128 = 1;
        for &i in set {
            let lead = self.rows[i].vals.first().map_or(1, |&(_, v)| v);
            den = den.checked_mul(lead / gcd(den, lead)).ok_or(Overflow)?;
        }
        let mut sum: std::collections::BTreeMap<u32, i128> = std::collections::BTreeMap::new();
        for &i in set {
            let lead = self.rows[i].vals.first().map_or(1, |&(_, v)| v);
            let f = den / lead;
            for &(c, v) in &self.rows[i].vals {
                let slot = sum.entry(c).or_default();
                *slot = slot
                    .checked_add(v.checked_mul(f).ok_or(Overflow)?)
                    .ok_or(Overflow)?;
            }
        }
        if sum.values().all(|&v| v == 0 || v == den) {
            Ok(Some(
                sum.into_iter()
                    .filter(|&(_, v)| v == den)
                    .map(|(c, _)| c)
                    .collect(),
            ))
        } else {
            Ok(None)
        }
    }
}

/// A basis of `span(rows) ∩ {x : x_a = 0 for every atom a outside target}`: echelon form with the
/// atoms outside `target` eliminated first; the rows left leading inside `target` are the basis.
/// The result is sorted by leading atom, so it does not depend on hash order.
pub(super) fn intersect(rows: Vec<Row>, target: &[bool]) -> Result<Vec<Row>, Overflow> {
    let n = target.len();
    let mut pos = vec![0u32; n];
    let mut atom_at = vec![0u32; n];
    let mut next = 0u32;
    for inside in [false, true] {
        for (a, _) in (0u32..).zip(target).filter(|(_, &t)| t == inside) {
            pos[a as usize] = next;
            atom_at[next as usize] = a;
            next += 1;
        }
    }
    let boundary = u32::try_from(target.iter().filter(|&&t| !t).count()).map_err(|_| Overflow)?;
    // Rows come sorted by atom; in position order they are their entries outside the target, then
    // those inside, each part still sorted.
    let mut pivots: Vec<Option<Row>> = vec![None; n];
    for row in rows {
        let outside = row.vals.iter().filter(|&&(a, _)| !target[a as usize]);
        let inside = row.vals.iter().filter(|&&(a, _)| target[a as usize]);
        let vals = outside
            .chain(inside)
            .map(|&(a, v)| (pos[a as usize], v))
            .collect();
        let mut r = Row {
            vals,
            combo: row.combo,
        };
        while let Some(&(lead, _)) = r.vals.first() {
            match &mut pivots[lead as usize] {
                Some(p) => r = eliminate(&r, p)?,
                slot @ None => {
                    *slot = Some(r);
                    break;
                }
            }
        }
    }
    // The rows leading inside the target have no entries outside it: position order is atom order.
    Ok(pivots
        .into_iter()
        .skip(boundary as usize)
        .flatten()
        .map(|mut r| {
            for e in &mut r.vals {
                e.0 = atom_at[e.0 as usize];
            }
            r
        })
        .collect())
}

/// `r` with its leading entry cancelled by the pivot row `p` (same leading position), divided by
/// the gcd of its entries, leading entry positive.
fn eliminate(r: &Row, p: &Row) -> Result<Row, Overflow> {
    let (a, b) = match (r.vals.first(), p.vals.first()) {
        (Some(&(_, a)), Some(&(_, b))) => (a, b),
        _ => return Err(Overflow),
    };
    let g = gcd(a, b);
    let (x, y) = (b / g, a / g);
    // x·r − y·p
    let mut out = Row {
        vals: combine(&r.vals, x, &p.vals, y)?,
        combo: combine(&r.combo, x, &p.combo, y)?,
    };
    normalise(&mut out)?;
    Ok(out)
}

fn combine(
    r: &[(u32, i128)],
    x: i128,
    p: &[(u32, i128)],
    y: i128,
) -> Result<Vec<(u32, i128)>, Overflow> {
    let mut out = Vec::with_capacity(r.len() + p.len());
    let (mut i, mut j) = (0, 0);
    let mul = |v: i128, f: i128| v.checked_mul(f).ok_or(Overflow);
    while i < r.len() || j < p.len() {
        let (idx, v) = match (r.get(i), p.get(j)) {
            (Some(&(ri, rv)), Some(&(pj, _))) if ri < pj => {
                i += 1;
                (ri, mul(rv, x)?)
            }
            (Some(&(ri, rv)), Some(&(pj, pv))) if ri == pj => {
                i += 1;
                j += 1;
                (ri, mul(rv, x)?.checked_sub(mul(pv, y)?).ok_or(Overflow)?)
            }
            (_, Some(&(pj, pv))) => {
                j += 1;
                (pj, mul(pv, y)?.checked_neg().ok_or(Overflow)?)
            }
            (Some(&(ri, rv)), None) => {
                i += 1;
                (ri, mul(rv, x)?)
            }
            (None, None) => break,
        };
        if v != 0 {
            out.push((idx, v));
        }
    }
    Ok(out)
}

fn normalise(r: &mut Row) -> Result<(), Overflow> {
    let g = r
        .vals
        .iter()
        .chain(&r.combo)
        .fold(0, |g, &(_, v)| gcd(g, v));
    let negative = r.vals.first().is_some_and(|&(_, v)| v < 0);
    let g = if negative {
        g.checked_neg().ok_or(Overflow)?
    } else {
        g
    };
    if g != 0 && g != 1 {
        for e in r.vals.iter_mut().chain(r.combo.iter_mut()) {
            e.1 /= g;
        }
    }
    Ok(())
}

/// The greatest common divisor (non-negative; `gcd(0, 0) = 0`).
fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    i128::try_from(a).unwrap_or(i128::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(vals: &[(u32, i128)], g: u32) -> Row {
        Row {
            vals: vals.to_vec(),
            combo: vec![(g, 1)],
        }
    }

    #[test]
    fn intersect_keeps_only_combinations_inside_the_target() {
        // {0,1}, {1,2}, {0,1,2}: the combination inside {1} is {0,1} + {1,2} - {0,1,2}.
        let rows = vec![
            row(&[(0, 1), (1, 1)], 0),
            row(&[(1, 1), (2, 1)], 1),
            row(&[(0, 1), (1, 1), (2, 1)], 2),
        ];
        let basis = intersect(rows, &[false, true, false]).unwrap();
        assert_eq!(basis.len(), 1);
        assert_eq!(basis[0].vals, vec![(1, 1)]);
        assert_eq!(basis[0].combo, vec![(0, 1), (1, 1), (2, -1)]);
    }

    #[test]
    fn intersect_of_independent_overlaps_is_empty() {
        let rows = vec![row(&[(0, 1), (1, 1)], 0), row(&[(1, 1), (2, 1)], 1)];
        assert!(intersect(rows, &[false, true, false]).unwrap().is_empty());
    }

    #[test]
    fn gcd_is_non_negative() {
        assert_eq!(gcd(-4, 6), 2);
        assert_eq!(gcd(0, -3), 3);
        assert_eq!(gcd(0, 0), 0);
    }
}
