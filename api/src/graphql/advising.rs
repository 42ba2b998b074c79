//! Performance advising on the dashboard graph: `advisingEngagement(id)`,
//! `advisingEngagements`, `overdueCheckIns` and `supportFit(need)`, and the mutations of
//! `AdvisingMutation`. Each field calls the same service as REST, so the same parties see the
//! same parts: check-ins cut to the reader, `advisorNotes` for their author only, `referrals`
//! never for the supervisor; a mutation's payload is cut the same way.

use super::service_ctx;
use super::types::{
    absent_is_none, connection, field_id, found, nullable, payload, wire_enum, Date, Enum,
};
use crate::error::{ApiResult, Gql};
use crate::services::advising::{
    self as svc, CheckInView, EngagementPatch, EngagementView, NoteView, OpenEngagement,
    RatingsCommand, ReferralCommand,
};
use async_graphql::connection::Connection;
use async_graphql::{
    ComplexObject, Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID,
};
use chrono::{DateTime, Utc};
use learnwell_domain::advising::{
    CheckInCadence, EngagementState, FocusArea, FocusAreaFields, FocusKind, Origin, Outcome,
    PlanFields, Rating, Referral, ReferralTarget, SupportFit, SUPPORT_ROLES,
};
use learnwell_domain::ids::{EmployeeId, EngagementId};

wire_enum!(
    FocusKind,
    "AdvisingFocusKind",
    "What a focus area of an advising plan is about (CUSTOM has a title)."
);
wire_enum!(
    Origin,
    "AdvisingOrigin",
    "How an advising engagement came about: a PIP, a manager's referral or a self-referral."
);
wire_enum!(
    EngagementState,
    "AdvisingEngagementState",
    "Where an advising engagement is: DRAFT, then ACTIVE (EXTENDED after an extension), then closed with its outcome."
);
wire_enum!(
    Outcome,
    "AdvisingOutcome",
    "How an advising engagement ended."
);
wire_enum!(
    Rating,
    "FocusAreaRating",
    "The supervisor's judgement of a focus area at a check-in."
);
wire_enum!(
    ReferralTarget,
    "ReferralTarget",
    "Where a client is referred: a coach, a mentor or the employee assistance programme (EAP)."
);

/// How often check-ins are due.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "CheckInCadence")]
pub enum CadenceKind {
    /// Every 7 days.
    Weekly,
    /// Every 14 days.
    Fortnightly,
    /// Every `cadenceDays` days.
    Custom,
}

impl CadenceKind {
    fn of(c: CheckInCadence) -> Self {
        match c {
            CheckInCadence::Weekly => Self::Weekly,
            CheckInCadence::Fortnightly => Self::Fortnightly,
            CheckInCadence::Custom(_) => Self::Custom,
        }
    }
    /// The wire code the domain's `PlanFields` parse.
    fn wire(self) -> String {
        match self {
            Self::Weekly => "weekly",
            Self::Fortnightly => "fortnightly",
            Self::Custom => "custom",
        }
        .to_owned()
    }
}

/// One area the client is to improve in, with what is expected and the support offered.
#[derive(SimpleObject)]
pub struct AdvisingFocusArea {
    /// Send it back in `AdvisingFocusAreaInput.id` to keep the area (and its ratings).
    id: ID,
    /// What the area is about.
    kind: Enum<FocusKind>,
    /// The title of a CUSTOM area; optional for the others.
    title: Option<String>,
    /// What is expected, measurably.
    expectations: String,
    /// The support offered.
    support: Option<String>,
}

impl From<&FocusArea> for AdvisingFocusArea {
    fn from(f: &FocusArea) -> Self {
        Self {
            id: ID(f.id.to_string()),
            kind: Enum(f.kind),
            title: f.title.clone(),
            expectations: f.expectations.clone(),
            support: f.support.clone(),
        }
    }
}

/// The supervisor's rating of one focus area at one check-in.
#[derive(SimpleObject)]
pub struct AdvisingRating {
    /// The focus area rated.
    focus_area_id: ID,
    /// The judgement.
    rating: Enum<Rating>,
    /// The supervisor who rated it.
    rated_by: ID,
}

/// A check-in, as the reader may see it (never an advisor note).
#[derive(SimpleObject)]
pub struct AdvisingCheckIn {
    /// The check-in's id.
    id: ID,
    /// Its engagement.
    engagement_id: ID,
    /// The day it was held.
    held_on: Date,
    /// The ratings the reader may see (a supervisor sees the ratings they gave).
    #[graphql(complexity = "super::limits::list(super::limits::FOCUS_AREAS, child_complexity)")]
    ratings: Vec<AdvisingRating>,
    /// The client's reflection (client, advisor and supervisor only; null for others).
    reflection: Option<String>,
}

impl From<&CheckInView> for AdvisingCheckIn {
    fn from(v: &CheckInView) -> Self {
        let c = &v.check_in;
        Self {
            id: ID(c.id.to_string()),
            engagement_id: ID(c.engagement_id.to_string()),
            held_on: c.held_on.into(),
            ratings: c
                .ratings
                .iter()
                .map(|r| AdvisingRating {
                    focus_area_id: ID(r.focus_area_id.to_string()),
                    rating: Enum(r.rating),
                    rated_by: ID(r.rated_by.to_string()),
                })
                .collect(),
            reflection: c.reflection.clone().filter(|_| v.reflection_visible),
        }
    }
}

impl From<CheckInView> for AdvisingCheckIn {
    fn from(v: CheckInView) -> Self {
        Self::from(&v)
    }
}

/// An advisor's note on a check-in, only ever answered to its author.
#[derive(SimpleObject)]
#[graphql(name = "AdvisorNote")]
pub struct AdvisorNoteNode {
    /// The note's id.
    id: ID,
    /// The check-in it is about.
    check_in_id: ID,
    /// The note as written.
    text: String,
    /// When it was written.
    created_at: DateTime<Utc>,
}

impl From<&NoteView> for AdvisorNoteNode {
    fn from(n: &NoteView) -> Self {
        Self {
            id: ID(n.note.id.to_string()),
            check_in_id: ID(n.note.check_in_id.to_string()),
            text: n.note.text.expose().to_owned(),
            created_at: n.note.created_at,
        }
    }
}

impl From<NoteView> for AdvisorNoteNode {
    fn from(n: NoteView) -> Self {
        Self::from(&n)
    }
}

/// A referral of the client to other support.
#[derive(SimpleObject)]
pub struct AdvisingReferral {
    /// The referral's id.
    id: ID,
    /// To whom.
    target: Enum<ReferralTarget>,
    /// The day of the referral.
    referred_on: Date,
    /// A note for the coach or mentor (never for the EAP).
    note: Option<String>,
}

impl From<&Referral> for AdvisingReferral {
    fn from(r: &Referral) -> Self {
        Self {
            id: ID(r.id.to_string()),
            target: Enum(r.target),
            referred_on: r.referred_on.into(),
            note: r.note.clone(),
        }
    }
}

impl From<Referral> for AdvisingReferral {
    fn from(r: Referral) -> Self {
        Self::from(&r)
    }
}

/// One change of an engagement (never a note).
#[derive(SimpleObject)]
pub struct AdvisingHistoryEntry {
    /// When it happened.
    at: DateTime<Utc>,
    /// Who did it (the token subject).
    actor: String,
    /// The event, e.g. `advising.plan.amend`.
    action: String,
    /// The reason given (amendments, extensions).
    reason: Option<String>,
    /// What changed, in short.
    detail: Option<String>,
}

/// A performance-advising engagement, as the reader may see it.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct AdvisingEngagement {
    /// The engagement's id.
    #[graphql(owned)]
    pub(crate) id: ID,
    /// The person advised.
    client_id: ID,
    /// The performance advisor; null until one is named.
    advisor_id: Option<ID>,
    /// The supervisor in effect: the pinned one, or the client's current manager.
    supervisor_id: Option<ID>,
    /// Whether the supervisor is pinned (else it follows the client's manager).
    supervisor_pinned: bool,
    /// How it came about.
    origin: Enum<Origin>,
    /// Where it is.
    state: Enum<EngagementState>,
    /// The plan's focus areas.
    #[graphql(complexity = "super::limits::list(super::limits::FOCUS_AREAS, child_complexity)")]
    focus_areas: Vec<AdvisingFocusArea>,
    /// How often check-ins are due.
    cadence: CadenceKind,
    /// Days between check-ins.
    cadence_days: u32,
    /// The plan's first day.
    start_date: Date,
    /// The plan's last day (moved only by an extension once in force).
    planned_end: Date,
    /// When the client acknowledged the PIP.
    acknowledged_at: Option<DateTime<Utc>>,
    /// The summary written at closing.
    closing_summary: Option<String>,
    /// When the next check-in is due (running engagements).
    next_check_in_due: Option<Date>,
    /// The last check-in (or the start) is more than a cadence ago.
    check_in_overdue: bool,
    /// Send it back to `updateAdvisingEngagement`.
    version: i64,
    #[graphql(skip)]
    key: EngagementId,
}

impl From<&EngagementView> for AdvisingEngagement {
    fn from(v: &EngagementView) -> Self {
        let e = &v.engagement;
        Self {
            id: ID(e.id.to_string()),
            client_id: ID(e.client_id.to_string()),
            advisor_id: e.advisor_id.map(|a| ID(a.to_string())),
            supervisor_id: e.supervisor_id.map(|s| ID(s.to_string())),
            supervisor_pinned: e.supervisor_pinned,
            origin: Enum(e.origin),
            state: Enum(e.state),
            focus_areas: e.plan.focus_areas.iter().map(Into::into).collect(),
            cadence: CadenceKind::of(e.plan.cadence),
            cadence_days: e.plan.cadence.days(),
            start_date: e.plan.start_date.into(),
            planned_end: e.plan.planned_end.into(),
            acknowledged_at: e.acknowledgement.as_ref().map(|a| a.at),
            closing_summary: e.closing_summary.clone(),
            next_check_in_due: v.next_check_in_due.map(Date),
            check_in_overdue: v.check_in_overdue,
            version: e.version,
            key: e.id,
        }
    }
}

impl From<EngagementView> for AdvisingEngagement {
    fn from(v: EngagementView) -> Self {
        Self::from(&v)
    }
}

#[ComplexObject]
impl AdvisingEngagement {
    /// The check-ins, cut to what the reader may see (never advisor notes). Null with an error
    /// where the reader may not see a part, so the rest of the engagement still answers.
    #[graphql(complexity = "super::limits::list(super::limits::CHECK_INS, child_complexity)")]
    async fn check_ins(&self, ctx: &Context<'_>) -> Result<Option<Vec<AdvisingCheckIn>>> {
        let all = svc::list_check_ins(service_ctx(ctx)?, self.key)
            .await
            .gql()?;
        Ok(Some(all.iter().map(Into::into).collect()))
    }

    /// The reader's own advisor notes (the advisor only; `forbidden` for everyone else).
    #[graphql(complexity = "super::limits::list(super::limits::CHECK_INS, child_complexity)")]
    async fn advisor_notes(&self, ctx: &Context<'_>) -> Result<Option<Vec<AdvisorNoteNode>>> {
        let all = svc::list_notes(service_ctx(ctx)?, self.key).await.gql()?;
        Ok(Some(all.iter().map(AdvisorNoteNode::from).collect()))
    }

    /// Referrals (client, advisor, hr_admin; `forbidden` for the supervisor).
    #[graphql(complexity = "super::limits::list(super::limits::FOCUS_AREAS, child_complexity)")]
    async fn referrals(&self, ctx: &Context<'_>) -> Result<Option<Vec<AdvisingReferral>>> {
        let all = svc::list_referrals(service_ctx(ctx)?, self.key)
            .await
            .gql()?;
        Ok(Some(all.iter().map(AdvisingReferral::from).collect()))
    }

    /// Every change with its reason, oldest first.
    #[graphql(complexity = "super::limits::list(super::limits::CHECK_INS, child_complexity)")]
    async fn history(&self, ctx: &Context<'_>) -> Result<Option<Vec<AdvisingHistoryEntry>>> {
        let all = svc::history(service_ctx(ctx)?, self.key).await.gql()?;
        Ok(Some(
            all.into_iter()
                .map(|h| AdvisingHistoryEntry {
                    at: h.at,
                    actor: h.actor,
                    action: h.action,
                    reason: h.reason,
                    detail: h.detail,
                })
                .collect(),
        ))
    }
}

/// A kind of support.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum SupportRoleKind {
    /// A trained coach (internal or paid).
    Coach,
    /// An experienced colleague.
    Mentor,
    /// A performance advisor (performance advising in Learnwell).
    PerformanceAdvisor,
    /// The employee assistance programme, outside Learnwell.
    Eap,
}

impl SupportRoleKind {
    fn of(code: &str) -> Option<Self> {
        match code {
            "coach" => Some(Self::Coach),
            "mentor" => Some(Self::Mentor),
            "performance_advisor" => Some(Self::PerformanceAdvisor),
            "eap" => Some(Self::Eap),
            _ => None,
        }
    }
}

/// One row of the delineation table of support roles.
#[derive(SimpleObject)]
#[graphql(name = "SupportRole")]
pub struct SupportRoleNode {
    /// The role.
    role: SupportRoleKind,
    /// Whom it is for.
    who_it_is_for: String,
    /// The kind of relationship.
    relationship: String,
    /// Who judges progress.
    who_judges_progress: String,
    /// What Learnwell stores about it.
    in_learnwell: String,
}

/// Which support role fits a need, why, and the delineation table.
#[derive(SimpleObject)]
#[graphql(name = "SupportFit")]
pub struct SupportFitNode {
    /// The role that fits; null when none is clear.
    role: Option<SupportRoleKind>,
    /// Why, in words.
    reason: String,
    /// Every support role with whom it is for and who judges progress.
    #[graphql(complexity = "super::limits::list(super::limits::FOCUS_AREAS, child_complexity)")]
    table: Vec<SupportRoleNode>,
}

impl From<&SupportFit> for SupportFitNode {
    fn from(f: &SupportFit) -> Self {
        Self {
            role: f.role.and_then(|r| SupportRoleKind::of(r.role)),
            reason: f.reason.clone(),
            table: SUPPORT_ROLES
                .iter()
                .filter_map(|r| {
                    Some(SupportRoleNode {
                        role: SupportRoleKind::of(r.role)?,
                        who_it_is_for: r.who_it_is_for.to_owned(),
                        relationship: r.relationship.to_owned(),
                        who_judges_progress: r.who_judges_progress.to_owned(),
                        in_learnwell: r.in_learnwell.to_owned(),
                    })
                })
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct AdvisingQuery;

#[Object]
impl AdvisingQuery {
    /// One engagement: null when there is no such engagement or the caller takes no part in it
    /// (hr_admin sees every one).
    async fn advising_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] id: ID,
    ) -> Result<Option<AdvisingEngagement>> {
        let Ok(id) = id.parse() else {
            return Ok(None);
        };
        let found = absent_is_none(svc::get_engagement(service_ctx(ctx)?, id).await);
        Ok(nullable(ctx, found.gql())
            .flatten()
            .map(AdvisingEngagement::from))
    }

    /// The engagements the caller takes part in (every one for hr_admin).
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn advising_engagements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, AdvisingEngagement>> {
        let first = first.map(|n| u64::try_from(n).unwrap_or(0));
        let page = svc::list_engagements(service_ctx(ctx)?, first, after.clone())
            .await
            .gql()?;
        Ok(connection(
            page,
            after.as_deref(),
            |v| v.engagement.id,
            |v| (&v).into(),
        ))
    }

    /// Running engagements whose check-in is overdue (their advisor and supervisor; hr_admin
    /// sees every one), in creation order, Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn overdue_check_ins(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, AdvisingEngagement>> {
        let first = first.map(|n| u64::try_from(n).unwrap_or(0));
        let page = svc::overdue_check_ins(service_ctx(ctx)?, first, after.as_deref())
            .await
            .gql()?;
        Ok(connection(
            page,
            after.as_deref(),
            |v| v.engagement.id,
            |v| AdvisingEngagement::from(&v),
        ))
    }

    /// Which support role fits a described need, with the reason.
    async fn support_fit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The need, in words (\"told to improve my time management\").")]
        need: String,
    ) -> Result<SupportFitNode> {
        let fit = svc::support_fit(service_ctx(ctx)?, Some(&need)).gql()?;
        Ok((&fit).into())
    }
}

// ---- mutations ----

payload!(
    /// The answer of the advising-engagement mutations.
    AdvisingEngagementPayload,
    advising_engagement: AdvisingEngagement
);
payload!(
    /// The answer of the check-in mutations: the check-in as the caller may see it.
    AdvisingCheckInPayload,
    check_in: AdvisingCheckIn
);
payload!(
    /// The answer of `addAdvisorNote`: the note, for its author.
    AdvisorNotePayload,
    note: AdvisorNoteNode
);
payload!(
    /// The answer of `referAdvisingClient`.
    AdvisingReferralPayload,
    referral: AdvisingReferral
);

/// A focus area of a plan.
#[derive(InputObject)]
pub struct AdvisingFocusAreaInput {
    /// An existing area's id, to keep it (and its ratings) when changing a plan.
    id: Option<ID>,
    /// What it is about; CUSTOM needs a `title`.
    kind: Enum<FocusKind>,
    /// The title (required for CUSTOM).
    title: Option<String>,
    /// What is expected, measurably ("every customer answer within two working days").
    expectations: String,
    /// The support offered ("weekly planning with the advisor").
    support: Option<String>,
}

impl From<AdvisingFocusAreaInput> for FocusAreaFields {
    fn from(i: AdvisingFocusAreaInput) -> Self {
        Self {
            id: i.id.map(|x| x.0),
            kind: Some(Enum::wire(i.kind)),
            title: i.title,
            expectations: Some(i.expectations),
            support: i.support,
        }
    }
}

/// A new engagement, opened in DRAFT.
#[derive(InputObject)]
pub struct OpenAdvisingEngagementInput {
    /// Whom it is for; yourself when absent (a self-referral).
    client_id: Option<ID>,
    /// PIP or MANAGER_REFERRAL (a manager for a report, or hr_admin), SELF_REFERRAL.
    origin: Enum<Origin>,
    /// The performance advisor.
    advisor_id: Option<ID>,
    /// Pins the supervisor; without it the supervisor is the client's manager (and follows
    /// HRIS manager changes).
    supervisor_id: Option<ID>,
    /// The plan's focus areas (at most 10).
    #[graphql(default)]
    focus_areas: Vec<AdvisingFocusAreaInput>,
    /// Default WEEKLY.
    cadence: Option<CadenceKind>,
    /// Days between check-ins, with CUSTOM.
    cadence_days: Option<i32>,
    /// The plan's first day.
    start_date: Date,
    /// The plan's last day (PIPs are usually 30, 60 or 90 days).
    planned_end: Date,
}

/// A change of an engagement: absent fields stay. In draft the plan changes freely; once in
/// force a change of focus areas or cadence is an amendment and needs a `reason`.
#[derive(InputObject)]
pub struct UpdateAdvisingEngagementInput {
    /// The whole new list of focus areas (send an area's `id` to keep it).
    focus_areas: Option<Vec<AdvisingFocusAreaInput>>,
    /// How often check-ins are due.
    cadence: Option<CadenceKind>,
    /// Days between check-ins, with CUSTOM.
    cadence_days: Option<i32>,
    /// The plan's first day (in draft).
    start_date: Option<Date>,
    /// The plan's last day (in draft; later by `extendAdvisingEngagement`).
    planned_end: Option<Date>,
    /// Another advisor (hr_admin); null: none.
    advisor_id: MaybeUndefined<ID>,
    /// Pin the supervisor (hr_admin); null: follow the client's manager again.
    supervisor_id: MaybeUndefined<ID>,
    /// Why the plan changes (required once it is in force).
    reason: Option<String>,
}

/// The client's acknowledgement of their PIP.
#[derive(InputObject, Default)]
pub struct AcknowledgeAdvisingEngagementInput {
    /// A comment of the client's.
    comment: Option<String>,
}

/// A later planned end and why.
#[derive(InputObject)]
pub struct ExtendAdvisingEngagementInput {
    /// After the current planned end.
    planned_end: Date,
    /// Why it is extended.
    reason: Option<String>,
}

/// How the engagement ended.
#[derive(InputObject)]
pub struct CloseAdvisingEngagementInput {
    /// The outcome (WITHDRAWN also from draft).
    outcome: Enum<Outcome>,
    /// The closing summary.
    summary: Option<String>,
}

/// A check-in held on a day.
#[derive(InputObject, Default)]
pub struct HoldAdvisingCheckInInput {
    /// Within the plan, not in the future; default today.
    held_on: Option<Date>,
    /// The session's length: logged as the client's learning time (category ADVISING, in
    /// work time).
    session_minutes: Option<i32>,
}

/// A referral. For the EAP send no note: only the fact and the date are stored.
#[derive(InputObject)]
pub struct ReferAdvisingClientInput {
    /// To whom.
    target: Enum<ReferralTarget>,
    /// Default today.
    referred_on: Option<Date>,
    /// For the coach or mentor (refused for the EAP).
    note: Option<String>,
}

/// One rating of a focus area.
#[derive(InputObject)]
pub struct AdvisingRatingInput {
    /// A focus area of the engagement's plan.
    focus_area_id: ID,
    /// The judgement.
    rating: Enum<Rating>,
}

/// The supervisor's ratings at a check-in (an area rated again is replaced).
#[derive(InputObject)]
pub struct RateAdvisingCheckInInput {
    /// One rating per focus area rated.
    ratings: Vec<AdvisingRatingInput>,
}

/// A text: the client's reflection, or the advisor's note.
#[derive(InputObject)]
pub struct AdvisingTextInput {
    /// The text (kept out of logs).
    #[graphql(secret)]
    text: String,
}

fn plan_fields(
    focus_areas: Option<Vec<AdvisingFocusAreaInput>>,
    cadence: Option<CadenceKind>,
    cadence_days: Option<i32>,
    start_date: Option<Date>,
    planned_end: Option<Date>,
) -> PlanFields {
    PlanFields {
        focus_areas: focus_areas.map(|f| f.into_iter().map(Into::into).collect()),
        cadence: cadence.map(CadenceKind::wire),
        cadence_days: cadence_days.map(i64::from),
        start_date: start_date.map(|d| d.0),
        planned_end: planned_end.map(|d| d.0),
    }
}

fn person(id: Option<&ID>, field: &str) -> ApiResult<Option<EmployeeId>> {
    id.map(|i| field_id(i, field)).transpose()
}

/// Absent: unchanged; null: cleared; a value: that person.
fn change_person(v: &MaybeUndefined<ID>, field: &str) -> ApiResult<Option<Option<EmployeeId>>> {
    match v {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(i) => Ok(Some(Some(field_id(i, field)?))),
    }
}

impl OpenAdvisingEngagementInput {
    fn command(self) -> ApiResult<OpenEngagement> {
        Ok(OpenEngagement {
            client_id: person(self.client_id.as_ref(), "client_id")?,
            origin: Some(self.origin.wire()),
            advisor_id: person(self.advisor_id.as_ref(), "advisor_id")?,
            supervisor_id: person(self.supervisor_id.as_ref(), "supervisor_id")?,
            plan: plan_fields(
                Some(self.focus_areas),
                self.cadence,
                self.cadence_days,
                Some(self.start_date),
                Some(self.planned_end),
            ),
        })
    }
}

impl UpdateAdvisingEngagementInput {
    fn command(self) -> ApiResult<EngagementPatch> {
        Ok(EngagementPatch {
            advisor_id: change_person(&self.advisor_id, "advisor_id")?,
            supervisor_id: change_person(&self.supervisor_id, "supervisor_id")?,
            plan: plan_fields(
                self.focus_areas,
                self.cadence,
                self.cadence_days,
                self.start_date,
                self.planned_end,
            ),
            reason: self.reason,
        })
    }
}

#[derive(Default)]
pub struct AdvisingMutation;

#[Object]
impl AdvisingMutation {
    /// Open an engagement in DRAFT: hr_admin for anyone, a manager for a report (PIP,
    /// MANAGER_REFERRAL), a person for themselves (SELF_REFERRAL).
    async fn open_advising_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The client, the people and the plan.")]
        input: OpenAdvisingEngagementInput,
    ) -> Result<AdvisingEngagementPayload> {
        let c = service_ctx(ctx)?;
        AdvisingEngagementPayload::from_result(async { svc::open(c, input.command()?).await }.await)
    }

    /// Change the plan (the advisor, the supervisor, hr_admin) or the people (hr_admin) of an
    /// engagement read at `version` (else `version_mismatch`).
    async fn update_advising_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] id: ID,
        #[graphql(desc = "The `version` the change is based on.")] version: i64,
        #[graphql(desc = "What to change.")] input: UpdateAdvisingEngagementInput,
    ) -> Result<AdvisingEngagementPayload> {
        let c = service_ctx(ctx)?;
        AdvisingEngagementPayload::from_result(
            async {
                let id = found(&id, "engagement")?;
                svc::change(c, id, Some(version), input.command()?).await
            }
            .await,
        )
    }

    /// The client acknowledges their PIP (the day is recorded); it can be activated after.
    async fn acknowledge_advising_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] id: ID,
        #[graphql(desc = "An optional comment.", default)]
        input: AcknowledgeAdvisingEngagementInput,
    ) -> Result<AdvisingEngagementPayload> {
        let c = service_ctx(ctx)?;
        AdvisingEngagementPayload::from_result(
            async { svc::acknowledge(c, found(&id, "engagement")?, input.comment).await }.await,
        )
    }

    /// Put the plan in force (the advisor, the supervisor, hr_admin); its expectations lock.
    async fn activate_advising_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] id: ID,
    ) -> Result<AdvisingEngagementPayload> {
        let c = service_ctx(ctx)?;
        AdvisingEngagementPayload::from_result(
            async { svc::activate(c, found(&id, "engagement")?).await }.await,
        )
    }

    /// Move the planned end later, with a reason (the advisor, the supervisor, hr_admin).
    async fn extend_advising_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] id: ID,
        #[graphql(desc = "The new planned end and why.")] input: ExtendAdvisingEngagementInput,
    ) -> Result<AdvisingEngagementPayload> {
        let c = service_ctx(ctx)?;
        AdvisingEngagementPayload::from_result(
            async {
                let id = found(&id, "engagement")?;
                svc::extend(c, id, Some(input.planned_end.0), input.reason).await
            }
            .await,
        )
    }

    /// End the engagement with its outcome and a closing summary (the advisor, the supervisor,
    /// hr_admin; the client may withdraw a self-referral).
    async fn close_advising_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] id: ID,
        #[graphql(desc = "The outcome and the summary.")] input: CloseAdvisingEngagementInput,
    ) -> Result<AdvisingEngagementPayload> {
        let c = service_ctx(ctx)?;
        AdvisingEngagementPayload::from_result(
            async {
                let id = found(&id, "engagement")?;
                svc::close(c, id, Some(input.outcome.wire()), input.summary).await
            }
            .await,
        )
    }

    /// Record a check-in (the advisor or the supervisor); its minutes become the client's
    /// learning time.
    async fn hold_advising_check_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] engagement_id: ID,
        #[graphql(desc = "The day and the session's length.", default)]
        input: HoldAdvisingCheckInInput,
    ) -> Result<AdvisingCheckInPayload> {
        let c = service_ctx(ctx)?;
        AdvisingCheckInPayload::from_result(
            async {
                let id = found(&engagement_id, "engagement")?;
                let minutes = input.session_minutes.map(i64::from);
                svc::hold_check_in(c, id, input.held_on.map(|d| d.0), minutes).await
            }
            .await,
        )
    }

    /// Refer the client to a coach, a mentor or the EAP (the advisor or hr_admin).
    async fn refer_advising_client(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] engagement_id: ID,
        #[graphql(desc = "To whom, when, and a note.")] input: ReferAdvisingClientInput,
    ) -> Result<AdvisingReferralPayload> {
        let c = service_ctx(ctx)?;
        AdvisingReferralPayload::from_result(
            async {
                let cmd = ReferralCommand {
                    target: Some(input.target.wire()),
                    referred_on: input.referred_on.map(|d| d.0),
                    note: input.note,
                };
                svc::refer(c, found(&engagement_id, "engagement")?, cmd).await
            }
            .await,
        )
    }

    /// The supervisor rates focus areas at a check-in (only the supervisor rates).
    async fn rate_advising_check_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The check-in's id.")] check_in_id: ID,
        #[graphql(desc = "The ratings.")] input: RateAdvisingCheckInInput,
    ) -> Result<AdvisingCheckInPayload> {
        let c = service_ctx(ctx)?;
        let cmd = RatingsCommand {
            ratings: input
                .ratings
                .into_iter()
                .map(|r| (Some(r.focus_area_id.0), Some(r.rating.wire())))
                .collect(),
        };
        AdvisingCheckInPayload::from_result(
            async { svc::rate(c, found(&check_in_id, "check-in")?, cmd).await }.await,
        )
    }

    /// The client writes their reflection on a check-in (replacing an earlier one). Read by the
    /// client, the advisor and the supervisor only.
    async fn write_advising_reflection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The check-in's id.")] check_in_id: ID,
        #[graphql(desc = "The reflection.")] input: AdvisingTextInput,
    ) -> Result<AdvisingCheckInPayload> {
        let c = service_ctx(ctx)?;
        AdvisingCheckInPayload::from_result(
            async { svc::reflect(c, found(&check_in_id, "check-in")?, Some(input.text)).await }
                .await,
        )
    }

    /// The advisor writes a note on a check-in: sealed at rest, read by its author only.
    async fn add_advisor_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The check-in's id.")] check_in_id: ID,
        #[graphql(desc = "The note.")] input: AdvisingTextInput,
    ) -> Result<AdvisorNotePayload> {
        let c = service_ctx(ctx)?;
        AdvisorNotePayload::from_result(
            async { svc::add_note(c, found(&check_in_id, "check-in")?, Some(input.text)).await }
                .await,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_support_role_has_its_enum_value() {
        for r in SUPPORT_ROLES {
            assert!(SupportRoleKind::of(r.role).is_some(), "{}", r.role);
        }
    }
}
