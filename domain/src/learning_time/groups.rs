//! The groups a learning-time summary can be asked about, as one linked table for the privacy
//! engine: the organisation, every org unit with its descendants and on its own, each of them for
//! every job-level band. Membership comes as headcounts per (org unit, job level), which are the
//! engine's atoms: everyone in one unit at one level belongs to exactly the same groups.

use crate::ids::OrgUnitId;
use crate::learning_time::unit_chain;
use crate::org::JobLevel;
use crate::privacy::{decide_atoms, Decisions, MinGroupSize};
use std::collections::HashMap;

/// Where a summary looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    Organisation,
    /// The unit and every unit below it.
    Subtree(OrgUnitId),
    /// The unit's own members only.
    Own(OrgUnitId),
}

/// One group of the table: a place and a job-level band (`None`: every level).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SummaryGroup {
    pub place: Place,
    pub levels: Option<(JobLevel, JobLevel)>,
}

/// Every band `min..=max` of job levels.
fn bands() -> Vec<(JobLevel, JobLevel)> {
    let levels: Vec<JobLevel> = (JobLevel::MIN..=JobLevel::MAX)
        .filter_map(|l| JobLevel::new(i64::from(l)).ok())
        .collect();
    let mut out = Vec::new();
    for (i, a) in levels.iter().enumerate() {
        for b in &levels[i..] {
            out.push((*a, *b));
        }
    }
    out
}

/// Decide every group a summary can be asked about. `parents` is the unit tree; `headcount` says
/// how many people sit in each (unit, level) (`None`: no unit). Decisions depend on membership
/// only, so they can be cached per directory version and unit tree.
pub fn decide_summary_groups(
    k: MinGroupSize,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    headcount: &[(Option<OrgUnitId>, JobLevel, u64)],
) -> Decisions<SummaryGroup> {
    let bands = bands();
    let mut places = vec![Place::Organisation];
    for u in parents.keys() {
        places.extend([Place::Subtree(*u), Place::Own(*u)]);
    }
    let keys: Vec<SummaryGroup> = places
        .iter()
        .flat_map(|place| {
            std::iter::once(None)
                .chain(bands.iter().copied().map(Some))
                .map(|levels| SummaryGroup {
                    place: *place,
                    levels,
                })
        })
        .collect();
    let atoms = headcount.iter().map(|(unit, level, count)| {
        let mut at = vec![Place::Organisation];
        if let Some(u) = unit {
            at.push(Place::Own(*u));
        }
        at.extend(unit_chain(*unit, parents).into_iter().map(Place::Subtree));
        let of_level: Vec<Option<(JobLevel, JobLevel)>> = std::iter::once(None)
            .chain(
                bands
                    .iter()
                    .filter(|(a, b)| a <= level && level <= b)
                    .copied()
                    .map(Some),
            )
            .collect();
        let groups: Vec<SummaryGroup> = at
            .iter()
            .flat_map(|place| {
                of_level.iter().map(|levels| SummaryGroup {
                    place: *place,
                    levels: *levels,
                })
            })
            .collect();
        (*count, groups)
    });
    decide_atoms(k, keys, atoms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::{Decision, SuppressionReason};

    fn unit(n: u128) -> OrgUnitId {
        OrgUnitId::from_uuid(uuid::Uuid::from_u128(n))
    }
    fn level(l: i64) -> JobLevel {
        JobLevel::new(l).expect("level")
    }

    #[test]
    fn a_director_alone_in_a_department_is_hidden_from_every_combination() {
        // Department 1 (the director, level 8) above teams 2 and 3 (five people each, level 3).
        let parents = HashMap::from([
            (unit(1), None),
            (unit(2), Some(unit(1))),
            (unit(3), Some(unit(1))),
        ]);
        let headcount = [
            (Some(unit(1)), level(8), 1),
            (Some(unit(2)), level(3), 5),
            (Some(unit(3)), level(3), 5),
        ];
        let d = decide_summary_groups(MinGroupSize::default(), &parents, &headcount);
        let get = |place, levels| d.get(&SummaryGroup { place, levels }).expect("in family");
        assert_eq!(
            get(Place::Own(unit(1)), None),
            Decision::Suppressed {
                reason: SuppressionReason::BelowMinimum
            }
        );
        assert!(get(Place::Subtree(unit(2)), None).is_released());
        assert!(get(Place::Subtree(unit(3)), None).is_released());
        // Department minus its teams, or the organisation minus level 3, would be the director.
        assert!(!get(Place::Subtree(unit(1)), None).is_released());
        assert!(!get(Place::Organisation, None).is_released());
        assert!(!get(Place::Organisation, Some((level(3), level(8)))).is_released());
    }
}
