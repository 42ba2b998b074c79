//! Policies, time entries and summary periods as clients send them, as plain values: parsed here
//! with every field problem collected. The wire shapes belong to the adapters.

use super::entry::{EntryCategory, EntryData, EntryMinutes, TimeEntry};
use super::policy::{Grant, Policy, PolicyName, PolicyPeriod, PolicyScope, ProtectedSlot};
use crate::catalog::Description;
use crate::ids::{OrgUnitId, PolicyId};
use crate::org::{ContractedHours, JobLevel, Period};
use crate::FieldError;
use chrono::{NaiveDate, NaiveTime, Weekday};

/// The value, or `None` with its error collected.
fn ok<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|err| errors.push(err)).ok()
}

/// A calendar date `YYYY-MM-DD` given in `field`.
pub fn parse_day(field: &str, v: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "must be a date YYYY-MM-DD"))
}

/// A new policy's fields. Exactly one of `share_percent` and `fixed_hours_per_period`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyFields {
    pub name: Option<String>,
    /// `organisation` (default), `org_unit` or `job_level`.
    pub scope: Option<String>,
    pub org_unit_id: Option<String>,
    pub job_level: Option<i64>,
    pub share_percent: Option<f64>,
    pub fixed_hours_per_period: Option<f64>,
    /// `week`, `month` (default) or `quarter`.
    pub period: Option<String>,
    pub carry_over_cap_hours: Option<f64>,
    pub protected_slot: Option<SlotFields>,
    pub approval_threshold_minutes: Option<i64>,
    /// Default 40.
    pub full_time_hours: Option<f64>,
    pub effective_from: Option<String>,
    pub effective_to: Option<String>,
}

/// A protected slot's fields: weekday `mon`..`sun`, times `HH:MM`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlotFields {
    pub weekday: String,
    pub start: String,
    pub end: String,
}

impl PolicyFields {
    /// The policy with id `id`, or every field problem.
    pub fn parse(&self, id: PolicyId) -> Result<Policy, Vec<FieldError>> {
        let mut e = Vec::new();
        let name = ok(
            &mut e,
            PolicyName::parse(self.name.as_deref().unwrap_or("")),
        );
        let scope = self.scope(&mut e);
        let grant = match (self.share_percent, self.fixed_hours_per_period) {
            (Some(p), None) => ok(&mut e, Grant::share_percent(p)),
            (None, Some(h)) => ok(&mut e, Grant::fixed_hours(h)),
            _ => ok(
                &mut e,
                Err(FieldError::new(
                    "share_percent",
                    "give exactly one of share_percent and fixed_hours_per_period",
                )),
            ),
        };
        let period = ok(
            &mut e,
            PolicyPeriod::parse(self.period.as_deref().unwrap_or("month")),
        );
        let cap = ok(&mut e, carry_over_cap(self.carry_over_cap_hours));
        let protected_slot = match &self.protected_slot {
            None => Some(None),
            Some(s) => s.parse(&mut e).map(Some),
        };
        let threshold = match self.approval_threshold_minutes {
            None => Some(None),
            Some(m) => ok(
                &mut e,
                u32::try_from(m)
                    .ok()
                    .filter(|m| (1..=1440).contains(m))
                    .map(Some)
                    .ok_or_else(|| FieldError::new("approval_threshold_minutes", "must be 1-1440")),
            ),
        };
        let full_time = ok(
            &mut e,
            ContractedHours::new(self.full_time_hours.unwrap_or(40.0))
                .map_err(|err| FieldError::new("full_time_hours", err.message)),
        );
        let from = match self.effective_from.as_deref() {
            Some(v) => ok(&mut e, parse_day("effective_from", v)),
            None => ok(
                &mut e,
                Err(FieldError::new("effective_from", "is required")),
            ),
        };
        let to = self
            .effective_to
            .as_deref()
            .and_then(|v| ok(&mut e, parse_day("effective_to", v)));
        let (
            Some(name),
            Some(scope),
            Some(grant),
            Some(period),
            Some(cap),
            Some(slot),
            Some(threshold),
            Some(full_time),
            Some(from),
            true,
        ) = (
            name,
            scope,
            grant,
            period,
            cap,
            protected_slot,
            threshold,
            full_time,
            from,
            e.is_empty(),
        )
        else {
            return Err(e);
        };
        let policy = Policy {
            id,
            name,
            scope,
            grant,
            period,
            carry_over_cap_minutes: cap,
            protected_slot: slot,
            approval_threshold_minutes: threshold,
            full_time_hours: full_time,
            effective_from: from,
            effective_to: to,
        };
        policy.check().map_err(|err| vec![err])?;
        Ok(policy)
    }

    fn scope(&self, e: &mut Vec<FieldError>) -> Option<PolicyScope> {
        match self.scope.as_deref().unwrap_or("organisation") {
            "organisation" => Some(PolicyScope::Organisation),
            "org_unit" => ok(
                e,
                self.org_unit_id
                    .as_deref()
                    .and_then(|u| u.parse::<OrgUnitId>().ok())
                    .map(PolicyScope::OrgUnit)
                    .ok_or_else(|| {
                        FieldError::new("org_unit_id", "is required for scope org_unit")
                    }),
            ),
            "job_level" => ok(
                e,
                self.job_level
                    .ok_or_else(|| FieldError::new("job_level", "is required for scope job_level"))
                    .and_then(JobLevel::new)
                    .map(PolicyScope::JobLevel),
            ),
            _ => ok(
                e,
                Err(FieldError::new(
                    "scope",
                    "must be organisation, org_unit or job_level",
                )),
            ),
        }
    }
}

/// The carry-over cap in minutes from hours (default 0): 0-10000 hours.
fn carry_over_cap(hours: Option<f64>) -> Result<u32, FieldError> {
    let cap = hours.unwrap_or(0.0);
    if cap.is_finite() && (0.0..=10_000.0).contains(&cap) {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "range checked"
        )]
        Ok((cap * 60.0).round() as u32)
    } else {
        Err(FieldError::new("carry_over_cap_hours", "must be 0-10000"))
    }
}

impl SlotFields {
    fn parse(&self, e: &mut Vec<FieldError>) -> Option<ProtectedSlot> {
        let weekday = self
            .weekday
            .parse::<Weekday>()
            .map_err(|_| FieldError::new("protected_slot.weekday", "must be mon, tue, ... or sun"));
        let t = |f: &str, v: &str| {
            NaiveTime::parse_from_str(v, "%H:%M")
                .map_err(|_| FieldError::new(format!("protected_slot.{f}"), "must be HH:MM"))
        };
        match (weekday, t("start", &self.start), t("end", &self.end)) {
            (Ok(w), Ok(a), Ok(b)) => ok(e, ProtectedSlot::new(w, a, b)),
            (w, a, b) => {
                e.extend([w.err(), a.err(), b.err()].into_iter().flatten());
                None
            }
        }
    }
}

/// A time entry's fields (for a new entry, or merged over a stored one to change it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryFields {
    /// `YYYY-MM-DD`
    pub date: Option<String>,
    pub minutes: Option<i64>,
    /// Default true.
    pub in_work_time: Option<bool>,
    pub category: Option<String>,
    pub course_id: Option<String>,
    pub skill_id: Option<String>,
    pub learning_record_id: Option<String>,
    pub note: Option<String>,
}

fn id<T: std::str::FromStr>(field: &str, v: &Option<String>) -> Result<Option<T>, FieldError> {
    v.as_deref()
        .map(|s| {
            s.parse()
                .map_err(|_| FieldError::new(field, "is not an id"))
        })
        .transpose()
}

impl EntryFields {
    /// The entry's data, or every field problem.
    pub fn parse(&self) -> Result<EntryData, Vec<FieldError>> {
        let mut e = Vec::new();
        let day = match self.date.as_deref() {
            Some(d) => ok(&mut e, parse_day("date", d)),
            None => ok(&mut e, Err(FieldError::new("date", "is required"))),
        };
        let minutes = ok(&mut e, EntryMinutes::new(self.minutes.unwrap_or(0)));
        let category = match self.category.as_deref() {
            Some(c) => ok(&mut e, EntryCategory::parse(c)),
            None => ok(&mut e, Err(FieldError::new("category", "is required"))),
        };
        let course_id = ok(&mut e, id("course_id", &self.course_id)).flatten();
        let skill_id = ok(&mut e, id("skill_id", &self.skill_id)).flatten();
        let learning_record_id =
            ok(&mut e, id("learning_record_id", &self.learning_record_id)).flatten();
        let note = match self
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            Some(n) => ok(
                &mut e,
                Description::parse(n).map_err(|err| FieldError::new("note", err.message)),
            ),
            None => None,
        };
        match (day, minutes, category) {
            (Some(date), Some(minutes), Some(category)) if e.is_empty() => Ok(EntryData {
                date,
                minutes,
                in_work_time: self.in_work_time.unwrap_or(true),
                category,
                course_id,
                skill_id,
                learning_record_id,
                note,
            }),
            _ => Err(e),
        }
    }

    /// These fields, with every field not given taken from `current`.
    #[must_use]
    pub fn over(self, current: &TimeEntry) -> Self {
        Self {
            date: self.date.or_else(|| Some(current.date.to_string())),
            minutes: self.minutes.or(Some(i64::from(current.minutes.get()))),
            in_work_time: self.in_work_time.or(Some(current.in_work_time)),
            category: self
                .category
                .or_else(|| Some(current.category.code().to_owned())),
            course_id: self
                .course_id
                .or_else(|| current.course_id.map(|c| c.to_string())),
            skill_id: self
                .skill_id
                .or_else(|| current.skill_id.map(|s| s.to_string())),
            learning_record_id: self
                .learning_record_id
                .or_else(|| current.learning_record_id.map(|r| r.to_string())),
            note: self
                .note
                .or_else(|| current.note.as_ref().map(ToString::to_string)),
        }
    }
}

/// A summary period as `2026-Q1`, `2026-03` or `2026-W10` (ISO week), and its kind.
pub fn parse_period(s: &str) -> Result<(Period, PolicyPeriod), FieldError> {
    let bad = || FieldError::new("period", "must look like 2026-Q1, 2026-03 or 2026-W10");
    let (year, rest) = s.trim().split_once('-').ok_or_else(bad)?;
    let year: i32 = year.parse().map_err(|_| bad())?;
    let (first, kind) = if let Some(q) = rest.strip_prefix('Q') {
        let q: u32 = q
            .parse()
            .ok()
            .filter(|q| (1..=4).contains(q))
            .ok_or_else(bad)?;
        (
            NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1),
            PolicyPeriod::Quarter,
        )
    } else if let Some(w) = rest.strip_prefix('W') {
        let w: u32 = w.parse().map_err(|_| bad())?;
        (
            NaiveDate::from_isoywd_opt(year, w, Weekday::Mon),
            PolicyPeriod::Week,
        )
    } else {
        let m: u32 = rest.parse().map_err(|_| bad())?;
        (NaiveDate::from_ymd_opt(year, m, 1), PolicyPeriod::Month)
    };
    let first = first.ok_or_else(bad)?;
    Ok((kind.containing(first), kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn monthly() -> PolicyFields {
        PolicyFields {
            name: Some("Learning time".into()),
            share_percent: Some(10.0),
            effective_from: Some("2026-01-01".into()),
            ..PolicyFields::default()
        }
    }

    fn fields_of(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_policy_parses_with_defaults() {
        let p = monthly()
            .parse(PolicyId::from_uuid(uuid::Uuid::nil()))
            .unwrap();
        assert_eq!(p.period, PolicyPeriod::Month);
        assert_eq!(p.scope, PolicyScope::Organisation);
        assert_eq!(p.carry_over_cap_minutes, 0);
        assert_eq!(p.full_time_hours, ContractedHours::FORTY_HOURS);
        assert_eq!(p.effective_to, None);
    }

    #[test]
    fn every_policy_problem_is_reported_at_once() {
        let bad = PolicyFields {
            name: None,
            scope: Some("org_unit".into()),
            fixed_hours_per_period: Some(8.0),
            carry_over_cap_hours: Some(-1.0),
            protected_slot: Some(SlotFields {
                weekday: "someday".into(),
                start: "9".into(),
                end: "17:00".into(),
            }),
            approval_threshold_minutes: Some(0),
            effective_from: None,
            ..monthly()
        };
        let errors = bad
            .parse(PolicyId::from_uuid(uuid::Uuid::nil()))
            .unwrap_err();
        assert_eq!(
            fields_of(errors),
            [
                "name",
                "org_unit_id",
                "share_percent",
                "carry_over_cap_hours",
                "protected_slot.weekday",
                "protected_slot.start",
                "approval_threshold_minutes",
                "effective_from"
            ]
        );
    }

    #[test]
    fn an_entry_needs_a_date_minutes_and_a_category() {
        let errors = EntryFields::default().parse().unwrap_err();
        assert_eq!(fields_of(errors), ["date", "minutes", "category"]);
        let ok = EntryFields {
            date: Some("2026-03-02".into()),
            minutes: Some(90),
            category: Some("exploratory".into()),
            note: Some("  ".into()),
            ..EntryFields::default()
        }
        .parse()
        .unwrap();
        assert_eq!(
            (ok.date, ok.minutes.get(), ok.in_work_time),
            (d(2026, 3, 2), 90, true)
        );
        assert_eq!(ok.note, None);
        let bad_id = EntryFields {
            course_id: Some("x".into()),
            ..EntryFields::default()
        };
        assert!(fields_of(bad_id.parse().unwrap_err()).contains(&"course_id".to_owned()));
    }

    #[test]
    fn periods_are_quarters_months_or_iso_weeks() {
        let (q, kind) = parse_period("2026-Q2").unwrap();
        assert_eq!(
            (q.start(), q.end(), kind),
            (d(2026, 4, 1), d(2026, 6, 30), PolicyPeriod::Quarter)
        );
        let (m, _) = parse_period(" 2024-02 ").unwrap();
        assert_eq!(m.end(), d(2024, 2, 29));
        let (w, kind) = parse_period("2026-W01").unwrap();
        assert_eq!((w.start(), kind), (d(2025, 12, 29), PolicyPeriod::Week));
        for bad in ["2026", "2026-Q5", "2026-13", "2026-W54", "x-01", "2026-Qx"] {
            assert_eq!(parse_period(bad).unwrap_err().field, "period", "{bad}");
        }
    }

    proptest! {
        #[test]
        fn a_parsed_entry_merged_over_itself_is_itself(
            day in 0u64..3000, minutes in 1i64..=1440, work in any::<bool>(),
            cat in proptest::sample::select(EntryCategory::ALL),
        ) {
            let date = d(2020, 1, 1) + chrono::Days::new(day);
            let data = EntryFields {
                date: Some(date.to_string()),
                minutes: Some(minutes),
                in_work_time: Some(work),
                category: Some(cat.code().into()),
                ..EntryFields::default()
            }
            .parse()
            .unwrap();
            let entry = TimeEntry::new(
                crate::ids::TimeEntryId::from_uuid(uuid::Uuid::nil()),
                crate::ids::EmployeeId::from_uuid(uuid::Uuid::nil()),
                data.clone(),
                None,
                chrono::DateTime::UNIX_EPOCH,
            );
            prop_assert_eq!(EntryFields::default().over(&entry).parse(), Ok(data));
        }
    }
}
