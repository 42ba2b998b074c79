//! Development equity: per job-level band, who has a mentor or coach, how much of their PD
//! budget is used, how many hours they learn, and the gap between juniors and seniors.
//!
//! Bands: juniors 1-2, mid 3-5, seniors 6-8. Figures are sums over people; the shares and
//! per-person figures are derived from them (`None` for an empty group). Money per person is
//! rounded down to the minor unit.

use crate::ids::OrgUnitId;
use crate::org::JobLevel;

/// The bands of the equity report: a name and its levels (inclusive). They are the default
/// `privacy.level_bands`, the bands the privacy engine decides for callers who do not see every
/// person (a band it does not decide is withheld).
pub const EQUITY_BANDS: [(&str, u8, u8); 3] = [("junior", 1, 3), ("mid", 4, 5), ("senior", 6, 8)];

/// The development of the people of one org unit and job level in a fiscal year (one of the
/// privacy engine's atoms, or part of one), as the report counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DevelopmentGroup {
    pub org_unit: Option<OrgUnitId>,
    pub level: JobLevel,
    pub figures: EquityFigures,
}

/// The sums of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EquityFigures {
    pub people: u32,
    /// People with an active mentoring or coaching engagement as mentee.
    pub with_engagement: u32,
    /// What the budgets hold: allocated (prorated) plus carried in.
    pub budget_minor: i64,
    /// Reserved (approved) plus spent.
    pub used_minor: i64,
    /// Learning time logged in the year, in and outside working time.
    pub learning_minutes: u64,
}

fn share(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| part / whole)
}

impl EquityFigures {
    /// The sums over `groups`.
    pub fn of<'a>(groups: impl IntoIterator<Item = &'a DevelopmentGroup>) -> Self {
        groups.into_iter().fold(Self::default(), |f, g| Self {
            people: f.people + g.figures.people,
            with_engagement: f.with_engagement + g.figures.with_engagement,
            budget_minor: f.budget_minor + g.figures.budget_minor,
            used_minor: f.used_minor + g.figures.used_minor,
            learning_minutes: f.learning_minutes + g.figures.learning_minutes,
        })
    }

    /// Share of people with an active engagement.
    pub fn access_share(&self) -> Option<f64> {
        share(f64::from(self.with_engagement), f64::from(self.people))
    }

    /// Share of the budget reserved or spent.
    #[expect(clippy::cast_precision_loss, reason = "amounts far below 2^52")]
    pub fn budget_used_share(&self) -> Option<f64> {
        share(self.used_minor as f64, self.budget_minor as f64)
    }

    /// Learning hours per person.
    #[expect(clippy::cast_precision_loss, reason = "minutes far below 2^52")]
    pub fn learning_hours_per_person(&self) -> Option<f64> {
        share(self.learning_minutes as f64 / 60.0, f64::from(self.people))
    }

    /// PD money used per person, rounded down.
    pub fn used_per_person_minor(&self) -> Option<i64> {
        (self.people > 0).then(|| self.used_minor / i64::from(self.people))
    }
}

/// Juniors minus seniors: negative when juniors get less.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EquityGap {
    pub access_share: Option<f64>,
    pub learning_hours_per_person: Option<f64>,
    pub used_per_person_minor: Option<i64>,
}

impl EquityGap {
    pub fn between(junior: &EquityFigures, senior: &EquityFigures) -> Self {
        let diff = |a: Option<f64>, b: Option<f64>| Some(a? - b?);
        Self {
            access_share: diff(junior.access_share(), senior.access_share()),
            learning_hours_per_person: diff(
                junior.learning_hours_per_person(),
                senior.learning_hours_per_person(),
            ),
            used_per_person_minor: junior
                .used_per_person_minor()
                .zip(senior.used_per_person_minor())
                .map(|(a, b)| a - b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(level: i64, engaged: bool, budget: i64, used: i64, minutes: u64) -> DevelopmentGroup {
        DevelopmentGroup {
            org_unit: None,
            level: JobLevel::new(level).unwrap(),
            figures: EquityFigures {
                people: 1,
                with_engagement: u32::from(engaged),
                budget_minor: budget,
                used_minor: used,
                learning_minutes: minutes,
            },
        }
    }

    #[test]
    fn figures_sum_and_derive_and_the_gap_is_juniors_minus_seniors() {
        let juniors = EquityFigures::of(&[p(1, false, 1000, 0, 60), p(2, true, 1000, 500, 120)]);
        assert_eq!(juniors.people, 2);
        assert_eq!(juniors.access_share(), Some(0.5));
        assert_eq!(juniors.budget_used_share(), Some(0.25));
        assert_eq!(juniors.learning_hours_per_person(), Some(1.5));
        assert_eq!(juniors.used_per_person_minor(), Some(250));
        let seniors = EquityFigures::of(&[p(7, true, 4000, 3001, 600)]);
        let gap = EquityGap::between(&juniors, &seniors);
        assert_eq!(gap.access_share, Some(-0.5));
        assert_eq!(gap.learning_hours_per_person, Some(-8.5));
        assert_eq!(gap.used_per_person_minor, Some(-2751));
        let empty = EquityFigures::default();
        assert_eq!(
            (empty.access_share(), empty.used_per_person_minor()),
            (None, None)
        );
        assert_eq!(EquityGap::between(&empty, &seniors).access_share, None);
    }
}
