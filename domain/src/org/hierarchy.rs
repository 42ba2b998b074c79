//! The manager hierarchy and the org-unit tree: cycle detection and descendants.

use crate::ids::{EmployeeId, OrgUnitId};
use std::collections::{HashMap, HashSet};

/// Who manages whom: a map employee -> manager, with links changed in place as a batch applies.
#[derive(Debug, Default, Clone)]
pub struct ManagerGraph {
    manager_of: HashMap<EmployeeId, EmployeeId>,
}

impl ManagerGraph {
    pub fn new(links: impl IntoIterator<Item = (EmployeeId, EmployeeId)>) -> Self {
        Self {
            manager_of: links.into_iter().collect(),
        }
    }

    pub fn manager_of(&self, employee: EmployeeId) -> Option<EmployeeId> {
        self.manager_of.get(&employee).copied()
    }

    /// Would making `manager` the manager of `employee` close a cycle (including `employee`
    /// managing themselves)? Walks up from `manager`; the graph is acyclic by construction,
    /// and the walk also stops on any loop it finds so a corrupt graph cannot hang it.
    pub fn would_close_cycle(&self, employee: EmployeeId, manager: EmployeeId) -> bool {
        let mut seen = HashSet::new();
        let mut current = Some(manager);
        while let Some(node) = current {
            if node == employee {
                return true;
            }
            if !seen.insert(node) {
                return false;
            }
            current = self.manager_of(node);
        }
        false
    }

    /// Set (or clear) `employee`'s manager, unless that would close a cycle; true when applied.
    pub fn link(&mut self, employee: EmployeeId, manager: Option<EmployeeId>) -> bool {
        match manager {
            Some(m) if self.would_close_cycle(employee, m) => false,
            Some(m) => {
                self.manager_of.insert(employee, m);
                true
            }
            None => {
                self.manager_of.remove(&employee);
                true
            }
        }
    }
}

/// `root` and every unit below it, from a list of `(unit, parent)` pairs; robust to cycles.
pub fn descendants(
    root: OrgUnitId,
    parents: impl IntoIterator<Item = (OrgUnitId, Option<OrgUnitId>)>,
) -> Vec<OrgUnitId> {
    let mut children: HashMap<OrgUnitId, Vec<OrgUnitId>> = HashMap::new();
    for (unit, parent) in parents {
        if let Some(p) = parent {
            children.entry(p).or_default().push(unit);
        }
    }
    let mut out = vec![root];
    let mut seen: HashSet<OrgUnitId> = out.iter().copied().collect();
    let mut i = 0;
    while let Some(&unit) = out.get(i) {
        for &child in children.get(&unit).into_iter().flatten() {
            if seen.insert(child) {
                out.push(child);
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e(n: u128) -> EmployeeId {
        EmployeeId::from_uuid(uuid::Uuid::from_u128(n))
    }
    fn u(n: u128) -> OrgUnitId {
        OrgUnitId::from_uuid(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn managing_yourself_is_a_cycle() {
        assert!(ManagerGraph::default().would_close_cycle(e(1), e(1)));
    }

    #[test]
    fn a_report_cannot_become_their_managers_manager() {
        // 3 -> 2 -> 1 (arrows point to the manager)
        let g = ManagerGraph::new([(e(3), e(2)), (e(2), e(1))]);
        assert!(g.would_close_cycle(e(1), e(3)));
        assert!(!g.would_close_cycle(e(3), e(1)));
    }

    #[test]
    fn a_link_that_closes_a_cycle_is_not_applied() {
        let mut g = ManagerGraph::new([(e(2), e(1))]);
        assert!(!g.link(e(1), Some(e(2))));
        assert_eq!(g.manager_of(e(1)), None);
        assert!(g.link(e(1), None));
    }

    #[test]
    fn descendants_include_the_root_and_every_level_below() {
        let tree = [
            (u(1), None),
            (u(2), Some(u(1))),
            (u(3), Some(u(2))),
            (u(4), None),
        ];
        let mut d = descendants(u(1), tree);
        d.sort();
        assert_eq!(d, vec![u(1), u(2), u(3)]);
    }

    proptest! {
        #[test]
        fn linking_in_any_order_never_makes_a_cycle(links in proptest::collection::vec((0u128..30, 0u128..30), 0..200)) {
            let mut g = ManagerGraph::default();
            for (a, b) in links {
                g.link(e(a), Some(e(b)));
            }
            // From every node, walking up reaches the top within n steps.
            for start in 0..30 {
                let mut current = Some(e(start));
                let mut steps = 0;
                while let Some(n) = current {
                    current = g.manager_of(n);
                    steps += 1;
                    prop_assert!(steps <= 31, "cycle reachable from {start}");
                }
            }
        }
    }
}
