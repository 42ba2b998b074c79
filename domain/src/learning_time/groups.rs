//! The groups a learning-time summary can be asked about, as one linked table for the privacy
//! engine: the organisation, every org unit with its descendants and on its own, each of them for
//! every job-level band. Membership comes as headcounts per (org unit, job level), which are the
//! engine's atoms: everyone in one unit at one level belongs to exactly the same groups.

use crate::ids::OrgUnitId;
use crate::learning_time::unit_chain;
use crate::org::JobLevel;
use crate::privacy::{decide_atoms, Decisions, MinGroupSize};
use crate::FieldError;
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

/// The job-level bands offered in aggregate (`privacy.level_bands`): distinct, each `min..=max`
/// within 1..=8. Every band multiplies the linked table by the number of places, and every band
/// overlapping another costs figures to complementary suppression, so offer few (default: 1-3,
/// 4-5, 6-8). Whoever sees every person of a group one by one may ask for any band.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "Vec<[u8; 2]>")]
pub struct LevelBands(Vec<(JobLevel, JobLevel)>);

impl LevelBands {
    pub fn new(bands: &[[u8; 2]]) -> Result<Self, FieldError> {
        let mut out = Vec::new();
        for [min, max] in bands {
            let bad = || {
                FieldError::new(
                    "level_bands",
                    format!("{min}-{max} is not a band of job levels 1-8"),
                )
            };
            let min = JobLevel::new(i64::from(*min)).map_err(|_| bad())?;
            let max = JobLevel::new(i64::from(*max)).map_err(|_| bad())?;
            if min > max {
                return Err(bad());
            }
            if !out.contains(&(min, max)) {
                out.push((min, max));
            }
        }
        out.sort_unstable();
        Ok(Self(out))
    }

    /// Is `band` offered?
    pub fn offers(&self, band: (JobLevel, JobLevel)) -> bool {
        self.0.contains(&band)
    }

    /// The bands as `min-max`, for messages.
    pub fn describe(&self) -> String {
        let bands: Vec<String> = self
            .0
            .iter()
            .map(|(a, b)| format!("{}-{}", a.get(), b.get()))
            .collect();
        bands.join(", ")
    }
}

impl Default for LevelBands {
    fn default() -> Self {
        Self::new(&[[1, 3], [4, 5], [6, 8]]).unwrap_or(Self(Vec::new()))
    }
}

impl TryFrom<Vec<[u8; 2]>> for LevelBands {
    type Error = FieldError;
    fn try_from(bands: Vec<[u8; 2]>) -> Result<Self, FieldError> {
        Self::new(&bands)
    }
}

/// Decide every group a summary can be asked about in aggregate: every place, for every level and
/// for each of `bands`. `parents` is the unit tree; `headcount` says how many people sit in each
/// (unit, level) (`None`: no unit). Decisions depend on membership only, so they can be cached per
/// directory version and unit tree.
pub fn decide_summary_groups(
    k: MinGroupSize,
    bands: &LevelBands,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    headcount: &[(Option<OrgUnitId>, JobLevel, u64)],
) -> Decisions<SummaryGroup> {
    let (keys, atoms) = summary_family(bands, parents, headcount);
    decide_atoms(k, keys, atoms)
}

/// The decisions for a caller who knows some people's figures (themselves, their reports), from
/// the decisions for everyone (`everyone`, [`decide_summary_groups`]) and the headcounts of the
/// people the caller does *not* know (see [`Decisions::knowing`]).
pub fn decide_summary_groups_knowing(
    everyone: &Decisions<SummaryGroup>,
    k: MinGroupSize,
    bands: &LevelBands,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    unknown_headcount: &[(Option<OrgUnitId>, JobLevel, u64)],
) -> Decisions<SummaryGroup> {
    let (keys, atoms) = summary_family(bands, parents, unknown_headcount);
    everyone.knowing_atoms(k, keys, atoms)
}

/// Every group of the table, and the atoms (one per unit and level) with the groups they are in.
fn summary_family(
    bands: &LevelBands,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    headcount: &[(Option<OrgUnitId>, JobLevel, u64)],
) -> (Vec<SummaryGroup>, Vec<(u64, Vec<SummaryGroup>)>) {
    let bands = &bands.0;
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
    (keys, atoms.collect())
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
    /// Every band of levels.
    fn all_bands() -> LevelBands {
        let all: Vec<[u8; 2]> = (1..=8u8)
            .flat_map(|a| (a..=8).map(move |b| [a, b]))
            .collect();
        LevelBands::new(&all).expect("bands")
    }

    #[test]
    fn level_bands_are_checked_and_default_to_three() {
        assert_eq!(LevelBands::default().describe(), "1-3, 4-5, 6-8");
        assert!(LevelBands::new(&[[0, 3]]).is_err());
        assert!(LevelBands::new(&[[5, 4]]).is_err());
        assert!(LevelBands::new(&[[2, 9]]).is_err());
        assert!(LevelBands::default().offers((level(4), level(5))));
        assert!(!LevelBands::default().offers((level(8), level(8))));
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
        let d = decide_summary_groups(MinGroupSize::default(), &all_bands(), &parents, &headcount);
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

    #[test]
    fn a_manager_cannot_subtract_themself_and_their_team() {
        // Department 1's own members: its manager (level 6) and four people at level 5; team 2
        // (five people at level 3) reports to the manager; team 3 has five at level 4.
        let parents = HashMap::from([
            (unit(1), None),
            (unit(2), Some(unit(1))),
            (unit(3), Some(unit(1))),
        ]);
        let k = MinGroupSize::default();
        let bands = all_bands();
        let headcount = [
            (Some(unit(1)), level(6), 1),
            (Some(unit(1)), level(5), 4),
            (Some(unit(2)), level(3), 5),
            (Some(unit(3)), level(4), 5),
        ];
        let everyone = decide_summary_groups(k, &bands, &parents, &headcount);
        let own = SummaryGroup {
            place: Place::Own(unit(1)),
            levels: None,
        };
        let team = SummaryGroup {
            place: Place::Own(unit(2)),
            levels: None,
        };
        assert!(everyone.get(&own).expect("in family").is_released());
        // The manager knows themself and team 2: the department's own figure minus theirs is
        // the four people at level 5.
        let unknown = [(Some(unit(1)), level(5), 4), (Some(unit(3)), level(4), 5)];
        let manager = decide_summary_groups_knowing(&everyone, k, &bands, &parents, &unknown);
        assert_eq!(
            manager.get(&own),
            Some(Decision::Suppressed {
                reason: SuppressionReason::BelowMinimum
            })
        );
        assert!(
            manager.get(&team).expect("in family").is_released(),
            "all known"
        );
    }

    /// A measurement, not a test (nothing is timed); run by hand:
    /// `cargo test -p learnwell-domain --release groups::tests::scale -- --ignored --nocapture`.
    #[test]
    #[ignore = "measurement, run by hand in release mode"]
    fn scale() {
        for units in [30u128, 200, 500] {
            // A tree of fan-out 5; leaf teams of 3-40 people at levels 1-5, managers' units 1-3
            // people at levels 6-8.
            let parents: HashMap<OrgUnitId, Option<OrgUnitId>> = (0..units)
                .map(|u| (unit(u), (u > 0).then(|| unit((u - 1) / 5))))
                .collect();
            let hash = |x: u128| (x.wrapping_mul(2_654_435_761) >> 7) % 1_000_003;
            let mut headcount = Vec::new();
            for u in 0..units {
                if u * 5 + 1 < units {
                    headcount.push((
                        Some(unit(u)),
                        level(6 + (hash(u) % 3) as i64),
                        1 + (hash(u) % 3) as u64,
                    ));
                } else {
                    for l in 1..=5 {
                        headcount.push((
                            Some(unit(u)),
                            level(l),
                            (hash(u * 7 + l as u128) % 9) as u64,
                        ));
                    }
                }
            }
            let k = MinGroupSize::default();
            let bands = LevelBands::default();
            let start = std::time::Instant::now();
            let everyone = decide_summary_groups(k, &bands, &parents, &headcount);
            let global = start.elapsed();
            println!("units {units}: everyone {global:?}");
            // A manager of the first leaf team knows it (and themself, one level above).
            let leaf = units - 1;
            let unknown: Vec<_> = headcount
                .iter()
                .map(|&(u, l, c)| (u, l, if u == Some(unit(leaf)) { 0 } else { c }))
                .collect();
            let start = std::time::Instant::now();
            let manager = decide_summary_groups_knowing(&everyone, k, &bands, &parents, &unknown);
            let knowing = start.elapsed();
            let changed = everyone
                .iter()
                .filter(|(key, d)| manager.get(key) != Some(*d))
                .count();
            println!(
                "units {units}: {} groups, {} released; everyone {global:?}; a manager {knowing:?}, {changed} decisions differ",
                everyone.len(),
                everyone.iter().filter(|(_, d)| d.is_released()).count()
            );
        }
    }
}
