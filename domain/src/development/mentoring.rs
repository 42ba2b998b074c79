//! Mentor and coach profiles, mentees' requests, engagements and their sessions. Who matches
//! whom is `matching.rs`.

use crate::catalog::Description;
use crate::ids::{EmployeeId, MentorProfileId, MentoringEngagementId, MentoringRequestId, SkillId};
use crate::learning_time::{EntryCategory, EntryMinutes};
use crate::org::{JobLevel, Label};
use crate::{FieldError, Rule};
use chrono::{DateTime, NaiveDate, Utc};

code_enum!(
    /// Mentoring (an experienced colleague) or coaching (a trained coach, internal or paid).
    ProfileKind, "kind" {
        /// An experienced colleague who guides a mentee in their field; sessions are logged
        /// as `mentoring` learning time.
        Mentor = "mentor",
        /// A trained coach (internal or paid) for client-led strengths work; sessions are
        /// logged as `coaching` learning time.
        Coach = "coach",
    }
);

impl ProfileKind {
    /// The learning-time category a session of this kind is logged in.
    pub fn category(self) -> EntryCategory {
        match self {
            ProfileKind::Mentor => EntryCategory::Mentoring,
            ProfileKind::Coach => EntryCategory::Coaching,
        }
    }
}

code_enum!(
    /// How a mentee would like to meet.
    MeetingFormat, "preferred_format" {
        /// Face to face, in the same place.
        InPerson = "in_person",
        /// Over video or phone.
        Remote = "remote",
        /// Either way; the mentee has no preference (the default).
        Any = "any",
    }
);

code_enum!(
    /// Where an engagement stands: proposed by the mentee (first approved or rejected by their
    /// manager where the organisation's policy asks for it), then accepted (active) or declined
    /// by the mentor, and closed by either side.
    EngagementState, "state" {
        /// Proposed by the mentee, waiting for their manager's approval (where the
        /// organisation's policy asks for it) before the mentor is asked.
        PendingApproval = "pending_approval",
        /// The mentee's manager did not approve it; the mentor was never asked.
        Rejected = "rejected",
        /// Waiting for the mentor or coach to accept or decline.
        Proposed = "proposed",
        /// Accepted: it holds a place of the profile's capacity and sessions are logged.
        Active = "active",
        /// The mentor or coach declined it.
        Declined = "declined",
        /// Ended by either side, with their feedback; its place is free again.
        Closed = "closed",
    }
);

code_enum!(
    /// A mentee's request: open until a mentor accepts it.
    RequestState, "state" {
        /// Waiting for a mentor or coach: no engagement for it has been accepted yet.
        Open = "open",
        /// An engagement for it was accepted; no other one can be.
        Matched = "matched",
    }
);

/// A language tag (`en`, `de`, `pt-BR`): 2-8 letters, optionally a region after `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Language(String);

impl Language {
    pub fn parse(input: &str, field: &str) -> Result<Self, FieldError> {
        let ok = input.len() <= 12
            && input.split('-').enumerate().all(|(i, part)| {
                (2..=8).contains(&part.len())
                    && part.chars().all(|c| c.is_ascii_alphanumeric())
                    && (i > 0 || part.chars().all(|c| c.is_ascii_lowercase()))
            });
        if ok {
            Ok(Self(input.to_owned()))
        } else {
            Err(FieldError::new(
                field,
                "must be a language tag such as en or pt-BR",
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who gives the mentoring or coaching: an employee, or an external provider (a name, no login).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Giver {
    Internal(EmployeeId),
    External(Label),
}

/// A mentor's or coach's profile.
#[derive(Debug, Clone, PartialEq)]
pub struct MentorProfile {
    pub id: MentorProfileId,
    pub kind: ProfileKind,
    pub giver: Giver,
    pub bio: Option<Description>,
    pub skills: Vec<SkillId>,
    /// The mentees' job levels they like to work with (inclusive).
    pub levels: (JobLevel, JobLevel),
    pub languages: Vec<Language>,
    pub availability: Option<Label>,
    /// How many active mentees at most.
    pub capacity: u32,
    /// Active engagements now (the store keeps it at most `capacity`).
    pub active_count: u32,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl MentorProfile {
    pub fn free_places(&self) -> u32 {
        self.capacity.saturating_sub(self.active_count)
    }
    pub fn employee_id(&self) -> Option<EmployeeId> {
        match self.giver {
            Giver::Internal(e) => Some(e),
            Giver::External(_) => None,
        }
    }
}

fn skills_of(v: &[String], field: &str, errors: &mut Vec<FieldError>) -> Vec<SkillId> {
    let mut out: Vec<SkillId> = Vec::new();
    for (i, s) in v.iter().enumerate() {
        match s.parse() {
            Ok(id) if !out.contains(&id) => out.push(id),
            Ok(_) => {}
            Err(_) => errors.push(FieldError::new(
                format!("{field}[{i}]"),
                "is not a skill id",
            )),
        }
    }
    out
}

fn languages_of(v: &[String], field: &str, errors: &mut Vec<FieldError>) -> Vec<Language> {
    v.iter()
        .enumerate()
        .filter_map(|(i, l)| {
            Language::parse(l, &format!("{field}[{i}]"))
                .map_err(|e| errors.push(e))
                .ok()
        })
        .collect()
}

fn required<T>(v: Option<T>, field: &str, errors: &mut Vec<FieldError>) -> Option<T> {
    if v.is_none() {
        errors.push(FieldError::new(field, "is required"));
    }
    v
}

/// A profile as sent: exactly one of `employee_id` (internal) and `external_name`.
#[derive(Debug, Clone, Default)]
pub struct ProfileFields {
    pub kind: Option<String>,
    pub employee_id: Option<String>,
    pub external_name: Option<String>,
    pub bio: Option<String>,
    pub skills: Vec<String>,
    pub level_min: Option<i64>,
    pub level_max: Option<i64>,
    pub languages: Vec<String>,
    pub availability: Option<String>,
    pub capacity: Option<i64>,
}

impl ProfileFields {
    /// Every field checked at once (the skills' existence is the caller's to check).
    pub fn parse(
        &self,
        id: MentorProfileId,
        now: DateTime<Utc>,
    ) -> Result<MentorProfile, Vec<FieldError>> {
        let mut e = Vec::new();
        let kind = required(self.kind.as_deref(), "kind", &mut e)
            .and_then(|k| ProfileKind::parse(k).map_err(|x| e.push(x)).ok());
        let giver = match (&self.employee_id, &self.external_name) {
            (Some(id), None) => id
                .parse()
                .map(Giver::Internal)
                .map_err(|_| e.push(FieldError::new("employee_id", "is not an id")))
                .ok(),
            (None, Some(name)) => Label::parse(name)
                .map(Giver::External)
                .map_err(|_| e.push(FieldError::new("external_name", "must be 1-200 characters")))
                .ok(),
            _ => {
                e.push(FieldError::new(
                    "employee_id",
                    "give exactly one of employee_id (internal) and external_name (external)",
                ));
                None
            }
        };
        let bio = self
            .bio
            .as_deref()
            .and_then(|b| Description::parse(b).map_err(|x| e.push(x)).ok());
        let skills = skills_of(&self.skills, "skills", &mut e);
        let level = |v: Option<i64>, d: u8, field: &str, e: &mut Vec<FieldError>| {
            JobLevel::new(v.unwrap_or(i64::from(d)))
                .map_err(|_| e.push(FieldError::new(field, "must be between 1 and 8")))
                .ok()
        };
        let min = level(self.level_min, JobLevel::MIN, "level_min", &mut e);
        let max = level(self.level_max, JobLevel::MAX, "level_max", &mut e);
        if let (Some(a), Some(b)) = (min, max) {
            if b < a {
                e.push(FieldError::new("level_max", "must not be below level_min"));
            }
        }
        let languages = languages_of(&self.languages, "languages", &mut e);
        let availability = self.availability.as_deref().and_then(|a| {
            Label::parse(a)
                .map_err(|_| e.push(FieldError::new("availability", "must be 1-200 characters")))
                .ok()
        });
        let capacity = match self.capacity.unwrap_or(1) {
            c @ 1..=50 => u32::try_from(c).ok(),
            _ => {
                e.push(FieldError::new("capacity", "must be between 1 and 50"));
                None
            }
        };
        match (kind, giver, min, max, capacity) {
            (Some(kind), Some(giver), Some(a), Some(b), Some(capacity)) if e.is_empty() => {
                Ok(MentorProfile {
                    id,
                    kind,
                    giver,
                    bio,
                    skills,
                    levels: (a, b),
                    languages,
                    availability,
                    capacity,
                    active_count: 0,
                    active: true,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                })
            }
            _ => Err(e),
        }
    }
}

/// A mentee's request for a mentor or coach.
#[derive(Debug, Clone, PartialEq)]
pub struct MentoringRequest {
    pub id: MentoringRequestId,
    pub mentee_id: EmployeeId,
    pub kind: ProfileKind,
    pub goals: Description,
    pub skills: Vec<SkillId>,
    pub languages: Vec<Language>,
    pub preferred_format: MeetingFormat,
    pub state: RequestState,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A request as sent.
#[derive(Debug, Clone, Default)]
pub struct RequestFields {
    pub kind: Option<String>,
    pub goals: Option<String>,
    pub skills: Vec<String>,
    pub languages: Vec<String>,
    pub preferred_format: Option<String>,
}

impl RequestFields {
    pub fn parse(
        &self,
        id: MentoringRequestId,
        mentee_id: EmployeeId,
        now: DateTime<Utc>,
    ) -> Result<MentoringRequest, Vec<FieldError>> {
        let mut e = Vec::new();
        let kind = ProfileKind::parse(self.kind.as_deref().unwrap_or("mentor"))
            .map_err(|x| e.push(x))
            .ok();
        let goals = required(self.goals.as_deref(), "goals", &mut e)
            .and_then(|g| Description::parse(g).map_err(|x| e.push(x)).ok());
        let skills = skills_of(&self.skills, "skills", &mut e);
        let languages = languages_of(&self.languages, "languages", &mut e);
        let format = MeetingFormat::parse(self.preferred_format.as_deref().unwrap_or("any"))
            .map_err(|x| e.push(x))
            .ok();
        match (kind, goals, format) {
            (Some(kind), Some(goals), Some(preferred_format)) if e.is_empty() => {
                Ok(MentoringRequest {
                    id,
                    mentee_id,
                    kind,
                    goals,
                    skills,
                    languages,
                    preferred_format,
                    state: RequestState::Open,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                })
            }
            _ => Err(e),
        }
    }
}

/// A mentoring or coaching relationship between a profile and a mentee.
#[derive(Debug, Clone, PartialEq)]
pub struct Engagement {
    pub id: MentoringEngagementId,
    pub kind: ProfileKind,
    pub profile_id: MentorProfileId,
    pub mentee_id: EmployeeId,
    pub request_id: Option<MentoringRequestId>,
    pub goals: Description,
    pub state: EngagementState,
    pub mentor_feedback: Option<Description>,
    pub mentee_feedback: Option<Description>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which side of an engagement someone is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Mentor,
    Mentee,
}

impl Engagement {
    /// The mentee proposes `profile` for their `request`; with `needs_approval` their manager
    /// approves before the mentor is asked.
    pub fn propose(
        id: MentoringEngagementId,
        request: &MentoringRequest,
        profile: &MentorProfile,
        needs_approval: bool,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            kind: profile.kind,
            profile_id: profile.id,
            mentee_id: request.mentee_id,
            request_id: Some(request.id),
            goals: request.goals.clone(),
            state: if needs_approval {
                EngagementState::PendingApproval
            } else {
                EngagementState::Proposed
            },
            mentor_feedback: None,
            mentee_feedback: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    fn expect(&self, state: EngagementState, action: &'static str) -> Result<(), Rule> {
        if self.state == state {
            Ok(())
        } else {
            Err(Rule::EngagementState {
                state: self.state.code(),
                action,
            })
        }
    }

    /// The mentee's manager approves (the mentor is asked next) or rejects.
    pub fn approved(&self, approve: bool, now: DateTime<Utc>) -> Result<Self, Rule> {
        self.expect(
            EngagementState::PendingApproval,
            if approve { "approved" } else { "rejected" },
        )?;
        let state = if approve {
            EngagementState::Proposed
        } else {
            EngagementState::Rejected
        };
        Ok(Self {
            state,
            ..self.clone()
        }
        .next(now))
    }

    /// The mentor accepts (the caller takes a free place on the profile) or declines.
    pub fn answered(&self, accept: bool, now: DateTime<Utc>) -> Result<Self, Rule> {
        self.expect(
            EngagementState::Proposed,
            if accept { "accepted" } else { "declined" },
        )?;
        let state = if accept {
            EngagementState::Active
        } else {
            EngagementState::Declined
        };
        Ok(Self {
            state,
            ..self.clone()
        }
        .next(now))
    }

    /// Close an active engagement (either side), with that side's feedback; the caller frees
    /// the place.
    pub fn closed(
        &self,
        side: Side,
        feedback: Option<Description>,
        now: DateTime<Utc>,
    ) -> Result<Self, Rule> {
        self.expect(EngagementState::Active, "closed")?;
        Ok(Self {
            state: EngagementState::Closed,
            ..self.clone()
        }
        .with_feedback(side, feedback)
        .next(now))
    }

    /// One side's closing feedback, given after the other side closed it.
    pub fn feedback(
        &self,
        side: Side,
        feedback: Description,
        now: DateTime<Utc>,
    ) -> Result<Self, Rule> {
        self.expect(EngagementState::Closed, "given feedback")?;
        Ok(self.clone().with_feedback(side, Some(feedback)).next(now))
    }

    fn with_feedback(self, side: Side, feedback: Option<Description>) -> Self {
        match (side, feedback) {
            (_, None) => self,
            (Side::Mentor, f) => Self {
                mentor_feedback: f,
                ..self
            },
            (Side::Mentee, f) => Self {
                mentee_feedback: f,
                ..self
            },
        }
    }

    /// Sessions are logged while the engagement is active.
    pub fn check_session(&self) -> Result<(), Rule> {
        self.expect(EngagementState::Active, "given a session")
    }

    fn next(self, now: DateTime<Utc>) -> Self {
        Self {
            version: self.version.saturating_add(1),
            updated_at: now,
            ..self
        }
    }
}

/// One session of an engagement; its time is the mentee's learning-time entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: crate::ids::SessionId,
    pub engagement_id: MentoringEngagementId,
    pub date: NaiveDate,
    pub minutes: EntryMinutes,
    pub in_work_time: bool,
    /// Private to the participants.
    pub notes: Option<Description>,
    pub time_entry_id: crate::ids::TimeEntryId,
    pub created_at: DateTime<Utc>,
}

/// A session as sent.
#[derive(Debug, Clone, Default)]
pub struct SessionFields {
    pub date: Option<String>,
    pub minutes: Option<i64>,
    /// Default true: development is part of the job.
    pub in_work_time: Option<bool>,
    pub notes: Option<String>,
}

/// A checked session: the day, its minutes, in working time or not, private notes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    pub date: NaiveDate,
    pub minutes: EntryMinutes,
    pub in_work_time: bool,
    pub notes: Option<Description>,
}

impl SessionFields {
    pub fn parse(&self) -> Result<NewSession, Vec<FieldError>> {
        let mut e = Vec::new();
        let date = required(self.date.as_deref(), "date", &mut e).and_then(|d| {
            crate::learning_time::parse_day("date", d)
                .map_err(|x| e.push(x))
                .ok()
        });
        let minutes = required(self.minutes, "minutes", &mut e)
            .and_then(|m| EntryMinutes::new(m).map_err(|x| e.push(x)).ok());
        let notes = self.notes.as_deref().and_then(|n| {
            Description::parse(n)
                .map_err(|x| e.push(FieldError::new("notes", x.message)))
                .ok()
        });
        match (date, minutes) {
            (Some(date), Some(minutes)) if e.is_empty() => Ok(NewSession {
                date,
                minutes,
                in_work_time: self.in_work_time.unwrap_or(true),
                notes,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> MentorProfile {
        let fields = ProfileFields {
            kind: Some("coach".into()),
            external_name: Some("Acme Coaching".into()),
            capacity: Some(2),
            languages: vec!["en".into(), "pt-BR".into()],
            ..Default::default()
        };
        fields
            .parse(
                MentorProfileId::from_uuid(uuid::Uuid::from_u128(1)),
                DateTime::UNIX_EPOCH,
            )
            .unwrap()
    }

    #[test]
    fn a_profile_is_internal_or_external_and_checked_at_once() {
        let p = profile();
        assert_eq!(
            (p.kind, p.free_places(), p.employee_id()),
            (ProfileKind::Coach, 2, None)
        );
        assert_eq!(p.kind.category(), EntryCategory::Coaching);
        let bad = ProfileFields {
            kind: Some("guru".into()),
            skills: vec!["x".into()],
            level_min: Some(5),
            level_max: Some(2),
            languages: vec!["English".into()],
            capacity: Some(0),
            ..Default::default()
        };
        let fields: Vec<String> = bad
            .parse(p.id, DateTime::UNIX_EPOCH)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "kind",
                "employee_id",
                "skills[0]",
                "level_max",
                "languages[0]",
                "capacity"
            ]
        );
    }

    #[test]
    fn an_engagement_is_proposed_accepted_once_and_closed_with_feedback() {
        let req = RequestFields {
            goals: Some("Grow into a lead".into()),
            ..Default::default()
        }
        .parse(
            MentoringRequestId::from_uuid(uuid::Uuid::from_u128(2)),
            EmployeeId::from_uuid(uuid::Uuid::from_u128(3)),
            DateTime::UNIX_EPOCH,
        )
        .unwrap();
        assert_eq!(
            (req.kind, req.preferred_format),
            (ProfileKind::Mentor, MeetingFormat::Any)
        );
        let e = Engagement::propose(
            MentoringEngagementId::from_uuid(uuid::Uuid::from_u128(4)),
            &req,
            &profile(),
            false,
            DateTime::UNIX_EPOCH,
        );
        assert!(
            e.approved(true, DateTime::UNIX_EPOCH).is_err(),
            "nothing to approve without the policy"
        );
        assert!(
            e.check_session().is_err(),
            "no session before it is accepted"
        );
        let active = e.answered(true, DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(active.state, EngagementState::Active);
        assert!(active.answered(false, DateTime::UNIX_EPOCH).is_err());
        let thanks = Description::parse("Thank you").unwrap();
        let closed = active
            .closed(Side::Mentee, Some(thanks.clone()), DateTime::UNIX_EPOCH)
            .unwrap();
        assert_eq!(
            (closed.state, closed.mentee_feedback.as_ref()),
            (EngagementState::Closed, Some(&thanks))
        );
        let both = closed
            .feedback(Side::Mentor, thanks.clone(), DateTime::UNIX_EPOCH)
            .unwrap();
        assert_eq!(both.mentor_feedback, Some(thanks));
        assert_eq!(both.version, 4);
        assert!(
            e.answered(false, DateTime::UNIX_EPOCH).unwrap().state == EngagementState::Declined
        );
    }

    #[test]
    fn with_the_policy_the_manager_approves_before_the_mentor_is_asked() {
        let req = RequestFields {
            goals: Some("Grow into a lead".into()),
            ..Default::default()
        }
        .parse(
            MentoringRequestId::from_uuid(uuid::Uuid::from_u128(2)),
            EmployeeId::from_uuid(uuid::Uuid::from_u128(3)),
            DateTime::UNIX_EPOCH,
        )
        .unwrap();
        let id = MentoringEngagementId::from_uuid(uuid::Uuid::from_u128(4));
        let e = Engagement::propose(id, &req, &profile(), true, DateTime::UNIX_EPOCH);
        assert_eq!(e.state, EngagementState::PendingApproval);
        assert!(
            e.answered(true, DateTime::UNIX_EPOCH).is_err(),
            "the mentor is asked only once it is approved"
        );
        let approved = e.approved(true, DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(approved.state, EngagementState::Proposed);
        assert!(approved.approved(false, DateTime::UNIX_EPOCH).is_err());
        let rejected = e.approved(false, DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(rejected.state, EngagementState::Rejected);
        assert!(rejected.answered(true, DateTime::UNIX_EPOCH).is_err());
    }

    #[test]
    fn language_tags() {
        for ok in ["en", "de", "pt-BR", "zh-Hant"] {
            assert!(Language::parse(ok, "l").is_ok(), "{ok}");
        }
        for bad in ["E", "English!", "EN", "en_US", ""] {
            assert!(Language::parse(bad, "l").is_err(), "{bad}");
        }
    }
}
