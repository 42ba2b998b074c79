//! Performance advising: engagements for people who struggle on the job (told to improve their
//! time management or communication, or put on a performance improvement plan). A prescriptive
//! relationship between a client, a performance advisor and a supervisor (the client's manager
//! unless pinned), whose progress the supervisor judges.
//!
//! States: `draft` -> `active` -> (`extended`) -> `completed_successful` |
//! `completed_unsuccessful` | `withdrawn`. The plan (focus areas with measurable expectations
//! and the support offered) is edited freely in draft and locks when the engagement becomes
//! active; a change after that is an amendment with a reason.

mod caseload;
pub mod fit;
mod plan;

pub use caseload::{caseloads, outcomes_by_unit, tally, Caseload};

pub use fit::{support_fit, SupportFit, SupportRole, SUPPORT_ROLES};
pub use plan::{
    CheckInCadence, FocusArea, FocusAreaFields, FocusKind, Plan, PlanFields, MAX_FOCUS_AREAS,
};

use crate::ids::{CheckInId, EmployeeId, EngagementId, FocusAreaId, NoteId, ReferralId};
use crate::macros::clean_text;
use crate::{DomainError, FieldError, Rule};
use chrono::{DateTime, NaiveDate, Utc};

code_enum!(
    /// How an engagement came about.
    Origin, "origin" {
        /// A performance improvement plan: the client acknowledges it before it starts.
        Pip = "pip",
        /// The client's manager referred them, without a formal plan.
        ManagerReferral = "manager_referral",
        /// The client asked for advising themselves.
        SelfReferral = "self_referral",
    }
);

code_enum!(
    /// Where an engagement is in its life.
    EngagementState, "state" {
        /// Being prepared: the plan is edited freely; no check-ins yet.
        Draft = "draft",
        /// In force: the expectations are locked (changed only by an amendment with a
        /// reason), check-ins are due at the cadence.
        Active = "active",
        /// In force after its planned end was moved later, with a reason.
        Extended = "extended",
        /// Closed with the client having met the plan's expectations.
        CompletedSuccessful = "completed_successful",
        /// Closed with the client not having met the plan's expectations.
        CompletedUnsuccessful = "completed_unsuccessful",
        /// Stopped without a verdict, from draft or while in force.
        Withdrawn = "withdrawn",
    }
);

code_enum!(
    /// How an engagement ended.
    Outcome, "outcome" {
        /// The client met the plan's expectations (from a running engagement).
        CompletedSuccessful = "completed_successful",
        /// The client did not meet the plan's expectations (from a running
        /// engagement).
        CompletedUnsuccessful = "completed_unsuccessful",
        /// Stopped without a verdict (from draft too).
        Withdrawn = "withdrawn",
    }
);

code_enum!(
    /// The supervisor's judgement of one focus area at a check-in.
    Rating, "rating" {
        /// The focus area's expectation was not met.
        NotMet = "not_met",
        /// Part of the focus area's expectation was met.
        PartlyMet = "partly_met",
        /// The focus area's expectation was met.
        Met = "met",
        /// The focus area's expectation was met and surpassed.
        Exceeded = "exceeded",
    }
);

code_enum!(
    /// Where a client is referred when advising is not (only) what they need.
    ReferralTarget, "target" {
        /// A coach, for client-led strengths work the client judges.
        Coach = "coach",
        /// A mentor, for guidance from someone experienced in the client's field.
        Mentor = "mentor",
        /// The employee assistance programme, for mental-health needs: only the fact and
        /// the date are stored, never a note.
        Eap = "eap",
    }
);

impl EngagementState {
    /// Running: check-ins are due and ratings are given.
    pub fn is_running(self) -> bool {
        matches!(self, EngagementState::Active | EngagementState::Extended)
    }
    /// Ended, with an outcome.
    pub fn is_closed(self) -> bool {
        !self.is_running() && self != EngagementState::Draft
    }
}

impl Outcome {
    fn state(self) -> EngagementState {
        match self {
            Outcome::CompletedSuccessful => EngagementState::CompletedSuccessful,
            Outcome::CompletedUnsuccessful => EngagementState::CompletedUnsuccessful,
            Outcome::Withdrawn => EngagementState::Withdrawn,
        }
    }
}

/// The client's acknowledgement of a PIP.
#[derive(Debug, Clone, PartialEq)]
pub struct Acknowledgement {
    pub at: DateTime<Utc>,
    pub comment: Option<String>,
}

/// An advising engagement. `supervisor_id` is the supervisor in effect: the pinned one, or the
/// client's current manager (so it follows HRIS manager changes unless pinned).
#[derive(Debug, Clone, PartialEq)]
pub struct Engagement {
    pub id: EngagementId,
    pub client_id: EmployeeId,
    pub advisor_id: Option<EmployeeId>,
    pub supervisor_id: Option<EmployeeId>,
    pub supervisor_pinned: bool,
    pub origin: Origin,
    pub state: EngagementState,
    pub plan: Plan,
    pub acknowledgement: Option<Acknowledgement>,
    pub activated_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closing_summary: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The day of the latest check-in (read from the check-ins, never written with the
    /// engagement).
    pub last_check_in: Option<NaiveDate>,
}

/// What happened to an engagement, for its history (the reason of an amendment or an
/// extension, the new end date, the outcome). Never holds an advisor note.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub action: &'static str,
    pub reason: Option<String>,
    pub detail: Option<String>,
}

/// One entry of an engagement's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub reason: Option<String>,
    pub detail: Option<String>,
}

/// The people of an engagement, as sent: each must be someone else.
pub fn check_people(
    client: EmployeeId,
    advisor: Option<EmployeeId>,
    supervisor: Option<EmployeeId>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if advisor == Some(client) {
        errors.push(FieldError::new("advisor_id", "nobody advises themselves"));
    }
    if supervisor == Some(client) {
        errors.push(FieldError::new(
            "supervisor_id",
            "nobody supervises their own engagement",
        ));
    }
    if advisor.is_some() && advisor == supervisor {
        errors.push(FieldError::new(
            "supervisor_id",
            "the advisor never judges progress: the supervisor must be someone else",
        ));
    }
    errors
}

/// A reason (for amendments and extensions), required.
pub fn parse_reason(input: Option<&str>, action: &str) -> Result<String, FieldError> {
    let text =
        input.ok_or_else(|| FieldError::new("reason", format!("is required to {action}")))?;
    clean_text(text, "reason", 2000)
}

/// Optional free text of at most `max` characters.
pub fn optional_text(
    input: Option<&str>,
    field: &str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    input.map(|t| clean_text(t, field, max)).transpose()
}

fn next(version: i64) -> i64 {
    version.saturating_add(1)
}

impl Engagement {
    /// A new engagement, in draft.
    pub fn new(
        id: EngagementId,
        client_id: EmployeeId,
        origin: Origin,
        advisor_id: Option<EmployeeId>,
        supervisor: (Option<EmployeeId>, bool),
        plan: Plan,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            client_id,
            advisor_id,
            supervisor_id: supervisor.0,
            supervisor_pinned: supervisor.1,
            origin,
            state: EngagementState::Draft,
            plan,
            acknowledgement: None,
            activated_at: None,
            closed_at: None,
            closing_summary: None,
            version: 1,
            created_at: now,
            updated_at: now,
            last_check_in: None,
        }
    }

    fn refuse(&self, action: &'static str) -> DomainError {
        Rule::EngagementState {
            state: self.state.code(),
            action,
        }
        .into()
    }

    fn bumped(mut self, now: DateTime<Utc>) -> Self {
        self.version = next(self.version);
        self.updated_at = now;
        self
    }

    /// The plan replaced by `plan`: freely in draft; once running only as an amendment with a
    /// reason (start date and planned end then stay: an extension moves the end).
    pub fn revise(
        &self,
        plan: Plan,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Self, Change), DomainError> {
        let change = match self.state {
            EngagementState::Draft => Change {
                action: "advising.plan.update",
                reason: optional_text(reason, "reason", 2000)?,
                detail: None,
            },
            s if s.is_running() => {
                let reason = parse_reason(reason, "amend a plan that is in force")?;
                if plan.start_date != self.plan.start_date
                    || plan.planned_end != self.plan.planned_end
                {
                    return Err(FieldError::new(
                        "planned_end",
                        "the dates of a running plan do not change by amendment: extend it instead",
                    )
                    .into());
                }
                plan.check_runnable()?;
                Change {
                    action: "advising.plan.amend",
                    reason: Some(reason),
                    detail: Some(plan.describe()),
                }
            }
            _ => return Err(self.refuse("changed")),
        };
        let mut next = self.clone();
        next.plan = plan;
        Ok((next.bumped(now), change))
    }

    /// The advisor and the pinned supervisor (`None`: follow the client's manager), in draft or
    /// while running.
    pub fn assign(
        &self,
        advisor: Option<EmployeeId>,
        supervisor: (Option<EmployeeId>, bool),
        now: DateTime<Utc>,
    ) -> Result<(Self, Change), DomainError> {
        if self.state.is_closed() {
            return Err(self.refuse("changed"));
        }
        if self.state.is_running() && advisor.is_none() {
            return Err(
                FieldError::new("advisor_id", "a running engagement keeps an advisor").into(),
            );
        }
        let errors = check_people(self.client_id, advisor, supervisor.0);
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let mut next = self.clone();
        next.advisor_id = advisor;
        next.supervisor_id = supervisor.0;
        next.supervisor_pinned = supervisor.1;
        let detail = format!(
            "advisor {}; supervisor {}",
            advisor.map_or("none".to_owned(), |a| a.to_string()),
            match (supervisor.0, supervisor.1) {
                (Some(s), true) => format!("{s} (pinned)"),
                _ => "the client's manager".to_owned(),
            }
        );
        Ok((
            next.bumped(now),
            Change {
                action: "advising.people.update",
                reason: None,
                detail: Some(detail),
            },
        ))
    }

    /// The client acknowledges their PIP (in draft), with an optional comment.
    pub fn acknowledge(
        &self,
        comment: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Self, Change), DomainError> {
        if self.origin != Origin::Pip {
            return Err(FieldError::new(
                "origin",
                "only a performance improvement plan is acknowledged",
            )
            .into());
        }
        if self.state != EngagementState::Draft || self.acknowledgement.is_some() {
            return Err(self.refuse("acknowledged again"));
        }
        let comment = optional_text(comment, "comment", 2000)?;
        let mut next = self.clone();
        next.acknowledgement = Some(Acknowledgement {
            at: now,
            comment: comment.clone(),
        });
        Ok((
            next.bumped(now),
            Change {
                action: "advising.plan.acknowledge",
                reason: None,
                detail: comment,
            },
        ))
    }

    /// Start the engagement: it needs an advisor, a supervisor and a runnable plan; a PIP needs
    /// the client's acknowledgement. The expectations lock from here.
    pub fn activate(&self, now: DateTime<Utc>) -> Result<(Self, Change), DomainError> {
        if self.state != EngagementState::Draft {
            return Err(self.refuse("activated"));
        }
        let mut errors = Vec::new();
        if self.advisor_id.is_none() {
            errors.push(FieldError::new(
                "advisor_id",
                "an active engagement needs an advisor",
            ));
        }
        if self.supervisor_id.is_none() {
            errors.push(FieldError::new(
                "supervisor_id",
                "an active engagement needs a supervisor (the client has no manager: pin one)",
            ));
        }
        if let Err(DomainError::Invalid(plan)) = self.plan.check_runnable() {
            errors.extend(plan);
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        if self.origin == Origin::Pip && self.acknowledgement.is_none() {
            return Err(Rule::PlanNotAcknowledged.into());
        }
        let mut next = self.clone();
        next.state = EngagementState::Active;
        next.activated_at = Some(now);
        Ok((
            next.bumped(now),
            Change {
                action: "advising.engagement.activate",
                reason: None,
                detail: None,
            },
        ))
    }

    /// Move the planned end later, with a reason.
    pub fn extend(
        &self,
        new_end: NaiveDate,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Self, Change), DomainError> {
        if !self.state.is_running() {
            return Err(self.refuse("extended"));
        }
        let reason = parse_reason(reason, "extend an engagement")?;
        if new_end <= self.plan.planned_end {
            return Err(FieldError::new(
                "planned_end",
                format!(
                    "must be after the current planned end ({})",
                    self.plan.planned_end
                ),
            )
            .into());
        }
        let before = self.plan.planned_end;
        let mut next = self.clone();
        next.plan.planned_end = new_end;
        next.state = EngagementState::Extended;
        Ok((
            next.bumped(now),
            Change {
                action: "advising.engagement.extend",
                reason: Some(reason),
                detail: Some(format!("planned end {before} -> {new_end}")),
            },
        ))
    }

    /// End the engagement with an outcome and a closing summary: completed from a running
    /// engagement, withdrawn from draft too.
    pub fn close(
        &self,
        outcome: Outcome,
        summary: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Self, Change), DomainError> {
        let allowed = match outcome {
            Outcome::Withdrawn => !self.state.is_closed(),
            _ => self.state.is_running(),
        };
        if !allowed {
            return Err(self.refuse("closed with this outcome"));
        }
        let summary = summary
            .ok_or_else(|| FieldError::new("summary", "a closing summary is required"))
            .and_then(|s| clean_text(s, "summary", 5000))?;
        let mut next = self.clone();
        next.state = outcome.state();
        next.closed_at = Some(now);
        next.closing_summary = Some(summary);
        Ok((
            next.bumped(now),
            Change {
                action: "advising.engagement.close",
                reason: None,
                detail: Some(outcome.code().to_owned()),
            },
        ))
    }

    /// When the next check-in is due: a cadence after the last one held (or after the start),
    /// while the engagement runs.
    pub fn next_check_in_due(&self) -> Option<NaiveDate> {
        if !self.state.is_running() {
            return None;
        }
        let from = self
            .last_check_in
            .map_or(self.plan.start_date, |d| d.max(self.plan.start_date));
        from.checked_add_days(chrono::Days::new(u64::from(self.plan.cadence.days())))
    }

    /// Is a check-in overdue on `today`?
    pub fn check_in_overdue(&self, today: NaiveDate) -> bool {
        self.next_check_in_due().is_some_and(|due| today > due)
    }

    /// Does the plan have this focus area?
    pub fn focus_area(&self, id: FocusAreaId) -> Option<&FocusArea> {
        self.plan.focus_areas.iter().find(|f| f.id == id)
    }
}

/// A check-in: when it was held, the client's reflection, the supervisor's ratings.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckIn {
    pub id: CheckInId,
    pub engagement_id: EngagementId,
    pub held_on: NaiveDate,
    pub reflection: Option<String>,
    pub ratings: Vec<FocusRating>,
    pub created_at: DateTime<Utc>,
}

/// The supervisor's rating of one focus area at one check-in.
#[derive(Debug, Clone, PartialEq)]
pub struct FocusRating {
    pub focus_area_id: FocusAreaId,
    pub rating: Rating,
    pub rated_by: EmployeeId,
    pub rated_at: DateTime<Utc>,
}

/// A check-in's day: within the engagement's dates and not in the future.
pub fn check_held_on(
    engagement: &Engagement,
    held_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if !engagement.state.is_running() {
        return Err(Rule::EngagementState {
            state: engagement.state.code(),
            action: "checked in on",
        }
        .into());
    }
    if held_on > today {
        return Err(FieldError::new("held_on", "must not be in the future").into());
    }
    if held_on < engagement.plan.start_date {
        return Err(FieldError::new(
            "held_on",
            format!(
                "must not be before the start ({})",
                engagement.plan.start_date
            ),
        )
        .into());
    }
    Ok(())
}

/// The supervisor's ratings as sent: each of the plan's focus areas at most once, each a
/// rating code.
pub fn parse_ratings(
    engagement: &Engagement,
    sent: &[(Option<String>, Option<String>)],
    rated_by: EmployeeId,
    now: DateTime<Utc>,
) -> Result<Vec<FocusRating>, DomainError> {
    if !engagement.state.is_running() {
        return Err(Rule::EngagementState {
            state: engagement.state.code(),
            action: "rated",
        }
        .into());
    }
    let mut errors = Vec::new();
    let mut out: Vec<FocusRating> = Vec::new();
    if sent.is_empty() {
        errors.push(FieldError::new(
            "ratings",
            "must rate at least one focus area",
        ));
    }
    for (i, (area, rating)) in sent.iter().enumerate() {
        let at = format!("ratings[{i}]");
        let area = match area.as_deref().map(str::parse::<FocusAreaId>) {
            Some(Ok(id)) if engagement.focus_area(id).is_some() => Some(id),
            Some(Ok(_) | Err(_)) => {
                errors.push(
                    FieldError::new("focus_area_id", "is not a focus area of this plan").under(&at),
                );
                None
            }
            None => {
                errors.push(FieldError::new("focus_area_id", "is required").under(&at));
                None
            }
        };
        let rating = match rating.as_deref().map(Rating::parse) {
            Some(Ok(r)) => Some(r),
            Some(Err(e)) => {
                errors.push(e.under(&at));
                None
            }
            None => {
                errors.push(FieldError::new("rating", "is required").under(&at));
                None
            }
        };
        if let (Some(focus_area_id), Some(rating)) = (area, rating) {
            if out.iter().any(|r| r.focus_area_id == focus_area_id) {
                errors.push(FieldError::new("focus_area_id", "is rated twice").under(&at));
            }
            out.push(FocusRating {
                focus_area_id,
                rating,
                rated_by,
                rated_at: now,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors.into())
    }
}

/// The text of an advisor note. Its `Debug` never shows the text, so a note cannot reach a log
/// line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct NoteText(String);

impl NoteText {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        clean_text(input, "text", 10_000).map(Self)
    }
    /// The text, for its author (and for encryption).
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// Text read back from the store (already checked when written).
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }
}

impl std::fmt::Debug for NoteText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NoteText([redacted])")
    }
}

/// An advisor's note on a check-in (private to its author).
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisorNote {
    pub id: NoteId,
    pub engagement_id: EngagementId,
    pub check_in_id: CheckInId,
    pub author_id: EmployeeId,
    pub text: NoteText,
    pub created_at: DateTime<Utc>,
}

/// A referral to a coach, a mentor or the EAP. For the EAP only the fact and the date.
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    pub id: ReferralId,
    pub engagement_id: EngagementId,
    pub target: ReferralTarget,
    pub referred_on: NaiveDate,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A referral as sent: the EAP gets no note (nothing clinical is stored).
pub fn parse_referral(
    target: Option<&str>,
    referred_on: Option<NaiveDate>,
    note: Option<&str>,
    today: NaiveDate,
) -> Result<(ReferralTarget, NaiveDate, Option<String>), DomainError> {
    let mut errors = Vec::new();
    let target = match target.map(ReferralTarget::parse) {
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => {
            errors.push(e);
            None
        }
        None => {
            errors.push(FieldError::new("target", "is required"));
            None
        }
    };
    let day = referred_on.unwrap_or(today);
    if day > today {
        errors.push(FieldError::new("referred_on", "must not be in the future"));
    }
    let note = match (target, note) {
        (Some(ReferralTarget::Eap), Some(_)) => {
            errors.push(FieldError::new(
                "note",
                "an EAP referral stores only its fact and date, nothing clinical: leave the note out",
            ));
            None
        }
        (_, n) => match optional_text(n, "note", 2000) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                None
            }
        },
    };
    match target {
        Some(t) if errors.is_empty() => Ok((t, day, note)),
        _ => Err(errors.into()),
    }
}

#[cfg(test)]
mod tests;
