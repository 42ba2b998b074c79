//! Caseload and outcomes per advisor: running engagements, outcomes, time to outcome, the share
//! that succeeded and the overdue check-ins.

use super::{Engagement, EngagementState};
use crate::ids::{EmployeeId, OrgUnitId};
use crate::learning_time::{unit_chain, Place};
use crate::privacy::{decide, Cell, MinGroupSize};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// One advisor's caseload.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Caseload {
    pub advisor_id: Option<EmployeeId>,
    pub draft: u32,
    pub running: u32,
    pub completed_successful: u32,
    pub completed_unsuccessful: u32,
    pub withdrawn: u32,
    pub overdue_check_ins: u32,
    /// Median days from activation to the outcome, over the closed engagements that ran.
    pub median_days_to_outcome: Option<i64>,
    /// Successful among those closed (successful, unsuccessful or withdrawn).
    pub share_successful: Option<f64>,
}

fn median(mut days: Vec<i64>) -> Option<i64> {
    days.sort_unstable();
    let n = days.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => days.get(n / 2).copied(),
        _ => Some((days[n / 2 - 1] + days[n / 2]) / 2),
    }
}

/// The figures of a set of engagements (their advisor left unset).
pub fn tally(engagements: &[&Engagement], today: NaiveDate) -> Caseload {
    let mut row = Caseload::default();
    let mut days = Vec::new();
    for e in engagements {
        count(&mut row, &mut days, e, today);
    }
    finish(row, days)
}

fn count(row: &mut Caseload, days: &mut Vec<i64>, e: &Engagement, today: NaiveDate) {
    match e.state {
        EngagementState::Draft => row.draft += 1,
        EngagementState::Active | EngagementState::Extended => row.running += 1,
        EngagementState::CompletedSuccessful => row.completed_successful += 1,
        EngagementState::CompletedUnsuccessful => row.completed_unsuccessful += 1,
        EngagementState::Withdrawn => row.withdrawn += 1,
    }
    if e.check_in_overdue(today) {
        row.overdue_check_ins += 1;
    }
    if let (Some(start), Some(end)) = (e.activated_at, e.closed_at) {
        days.push((end - start).num_days());
    }
}

fn finish(mut row: Caseload, days: Vec<i64>) -> Caseload {
    row.median_days_to_outcome = median(days);
    let closed = row.completed_successful + row.completed_unsuccessful + row.withdrawn;
    row.share_successful =
        (closed > 0).then(|| f64::from(row.completed_successful) / f64::from(closed));
    row
}

/// Outcomes for the organisation and each org unit (with its descendants), through the privacy
/// engine: a group is the clients of its engagements, and no figure, nor any difference of
/// figures, is about fewer than `k` clients. `engagements` pairs each engagement with its
/// client's unit.
pub fn outcomes_by_unit(
    k: MinGroupSize,
    parents: &HashMap<OrgUnitId, Option<OrgUnitId>>,
    engagements: &[(&Engagement, Option<OrgUnitId>)],
    today: NaiveDate,
) -> Vec<(Place, Cell<Caseload>)> {
    let mut members: BTreeMap<Place, Vec<&Engagement>> = BTreeMap::new();
    members.insert(Place::Organisation, Vec::new());
    for unit in parents.keys() {
        members.insert(Place::Subtree(*unit), Vec::new());
    }
    for (e, unit) in engagements {
        members.entry(Place::Organisation).or_default().push(e);
        for u in unit_chain(*unit, parents) {
            members.entry(Place::Subtree(u)).or_default().push(e);
        }
    }
    let groups = members
        .iter()
        .map(|(place, es)| (*place, es.iter().map(|e| e.client_id).collect::<Vec<_>>()));
    let decisions = decide(k, groups);
    members
        .into_iter()
        .map(|(place, es)| (place, decisions.cell(&place, tally(&es, today))))
        .collect()
}

/// The caseload of every advisor in `engagements` (engagements without an advisor under
/// `None`), by advisor id.
pub fn caseloads(engagements: &[Engagement], today: NaiveDate) -> Vec<Caseload> {
    let mut by: BTreeMap<Option<EmployeeId>, (Caseload, Vec<i64>)> = BTreeMap::new();
    for e in engagements {
        let (row, days) = by.entry(e.advisor_id).or_default();
        row.advisor_id = e.advisor_id;
        count(row, days, e, today);
    }
    by.into_values()
        .map(|(row, days)| finish(row, days))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(vec![30, 10, 20, 90]), Some(25));
        assert_eq!(median(vec![7]), Some(7));
        assert_eq!(median(vec![]), None);
    }
}
