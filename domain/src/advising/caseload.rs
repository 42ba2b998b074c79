//! Caseload and outcomes per advisor: running engagements, outcomes, time to outcome, the share
//! that succeeded and the overdue check-ins.

use super::{Engagement, EngagementState};
use crate::ids::EmployeeId;
use chrono::NaiveDate;
use std::collections::BTreeMap;

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

/// The caseload of every advisor in `engagements` (engagements without an advisor under
/// `None`), by advisor id.
pub fn caseloads(engagements: &[Engagement], today: NaiveDate) -> Vec<Caseload> {
    let mut by: BTreeMap<Option<EmployeeId>, (Caseload, Vec<i64>)> = BTreeMap::new();
    for e in engagements {
        let (row, days) = by.entry(e.advisor_id).or_default();
        row.advisor_id = e.advisor_id;
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
    by.into_values()
        .map(|(mut row, days)| {
            row.median_days_to_outcome = median(days);
            let closed = row.completed_successful + row.completed_unsuccessful + row.withdrawn;
            row.share_successful =
                (closed > 0).then(|| f64::from(row.completed_successful) / f64::from(closed));
            row
        })
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
