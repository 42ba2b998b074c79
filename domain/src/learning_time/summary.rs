//! Summary arithmetic over learning-time totals (one person or a group, one period).

use super::entry::EntryCategory;
use std::collections::BTreeMap;

/// Learning-time totals in minutes, for one person or summed over `people`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub allocated: u64,
    pub carried_in: u64,
    /// Minutes logged in working time.
    pub used_in_work: u64,
    /// Minutes logged outside working time ("learning on top").
    pub used_outside_work: u64,
    /// Minutes logged as exploratory, in or outside working time.
    pub exploratory: u64,
    /// Minutes logged per category, in or outside working time.
    pub by_category: BTreeMap<EntryCategory, u64>,
    pub people: u32,
}

impl Totals {
    /// Minutes still available in working time: allocated + carried in − used in work (at least 0).
    pub fn remaining(&self) -> u64 {
        self.allocated
            .saturating_add(self.carried_in)
            .saturating_sub(self.used_in_work)
    }

    /// Minutes used in working time ÷ minutes available (allocated + carried in); `None` when
    /// nothing was available. Above 1.0 when more was used than granted.
    pub fn utilisation(&self) -> Option<f64> {
        ratio(
            self.used_in_work,
            self.allocated.saturating_add(self.carried_in),
        )
    }

    /// The share of learning done outside working time; `None` when nothing was logged.
    pub fn on_top_share(&self) -> Option<f64> {
        ratio(self.used_outside_work, self.used())
    }

    /// The share of learning that was exploratory; `None` when nothing was logged.
    pub fn exploratory_share(&self) -> Option<f64> {
        ratio(self.exploratory, self.used())
    }

    /// All minutes logged, in and outside working time.
    fn used(&self) -> u64 {
        self.used_in_work.saturating_add(self.used_outside_work)
    }
}

/// `part / whole`, or `None` when `whole` is 0.
fn ratio(part: u64, whole: u64) -> Option<f64> {
    if whole == 0 {
        return None;
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "minute totals are far below 2^52"
    )]
    let share = part as f64 / whole as f64;
    Some(share)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn totals() -> Totals {
        Totals {
            allocated: 960,
            carried_in: 240,
            used_in_work: 900,
            used_outside_work: 300,
            exploratory: 400,
            by_category: BTreeMap::from([
                (EntryCategory::Exploratory, 400),
                (EntryCategory::RoleRelated, 800),
            ]),
            people: 2,
        }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn remaining_is_what_is_left_of_allocation_and_carry() {
        assert_eq!(totals().remaining(), 300);
        let over = Totals {
            used_in_work: 5000,
            ..totals()
        };
        assert_eq!(over.remaining(), 0);
    }

    #[test]
    fn utilisation_counts_only_working_time() {
        assert!(close(totals().utilisation(), 0.75));
        assert_eq!(Totals::default().utilisation(), None);
    }

    #[test]
    fn on_top_share_is_outside_over_all_used() {
        assert!(close(totals().on_top_share(), 0.25));
        assert_eq!(Totals::default().on_top_share(), None);
    }

    #[test]
    fn exploratory_share_is_over_all_used() {
        assert!(close(totals().exploratory_share(), 400.0 / 1200.0));
        assert_eq!(Totals::default().exploratory_share(), None);
    }

    proptest! {
        #[test]
        fn shares_are_between_zero_and_one(
            inside in 0u64..1_000_000, outside in 0u64..1_000_000, explore in 0u64..=100,
        ) {
            let used = inside + outside;
            let t = Totals {
                used_in_work: inside,
                used_outside_work: outside,
                exploratory: used * explore / 100,
                ..Totals::default()
            };
            for share in [t.on_top_share(), t.exploratory_share()].into_iter().flatten() {
                prop_assert!((0.0..=1.0).contains(&share));
            }
            prop_assert_eq!(t.on_top_share().is_none(), used == 0);
        }
    }
}
