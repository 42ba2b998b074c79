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
}

impl Family<'_> {
    /// The leak of a set of released groups: a basis of the subspace `Z*` (see the module docs)
    /// of combinations of released figures that depend only on people in classes smaller than
    /// `k`. Empty means safe: no set of 1..k-1 people is a combination of released figures.
    pub fn leak(&self, released: &[u32]) -> Result<Vec<Row>, Overflow> {
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
        let rows = released
            .iter()
            .map(|&g| Row {
                vals: self.group_atoms[g as usize]
                    .iter()
                    .map(|&a| (a, 1))
                    .collect(),
                combo: vec![(g, 1)],
            })
            .collect();
        let mut z = intersect(rows, &small)?;
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
    let mut pivots: HashMap<u32, Row> = HashMap::new();
    for row in rows {
        let mut vals: Vec<(u32, i128)> = row
            .vals
            .iter()
            .map(|&(a, v)| (pos[a as usize], v))
            .collect();
        vals.sort_unstable_by_key(|&(p, _)| p);
        let mut r = Row {
            vals,
            combo: row.combo,
        };
        while let Some(&(lead, _)) = r.vals.first() {
            match pivots.get(&lead) {
                Some(p) => r = eliminate(&r, p)?,
                None => {
                    pivots.insert(lead, r);
                    break;
                }
            }
        }
    }
    let mut basis: Vec<(u32, Row)> = pivots
        .into_iter()
        .filter(|(lead, _)| *lead >= boundary)
        .collect();
    basis.sort_unstable_by_key(|(lead, _)| *lead);
    Ok(basis
        .into_iter()
        .map(|(_, mut r)| {
            for e in &mut r.vals {
                e.0 = atom_at[e.0 as usize];
            }
            r.vals.sort_unstable_by_key(|&(a, _)| a);
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
