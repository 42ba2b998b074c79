//! Development on the dashboard graph: PD budget policies, budgets and spend requests, mentor
//! and coach profiles, engagements, the equity report, and the mutations of
//! `DevelopmentMutation`. They call the same services as REST; money is integer minor units
//! with its currency.

use super::learning_time::SuppressionReasonGql;
use super::types::{connection, field_id, found, payload, wire_enum, Date, Enum};
use super::{parse_id, service_ctx};
use crate::error::{ApiResult, Gql};
use crate::services::development::{
    self as svc, BudgetView, EngagementDetail, EquityQuery, EquityReport, EquityView, SpendList,
};
use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use learnwell_domain::access::EngagementView;
use learnwell_domain::catalog::Description;
use learnwell_domain::development::{
    BudgetPolicy, BudgetPolicyFields, EngagementState, EquityFigures, Giver, MeetingFormat,
    MentorProfile, MentoringRequest, ProfileFields, ProfileKind, RequestFields, RequestState,
    Session, SessionFields, SpendCategory, SpendFields, SpendRequest, SpendState,
};
use learnwell_domain::privacy::Cell;
use learnwell_domain::FieldError;

wire_enum!(
    SpendCategory,
    "PdSpendCategory",
    "What PD money is spent on."
);
wire_enum!(
    SpendState,
    "PdSpendState",
    "Where a spend request stands: REQUESTED, then APPROVED or REJECTED; APPROVED, then SPENT or CANCELLED."
);
wire_enum!(
    ProfileKind,
    "MentoringKind",
    "Mentoring (an experienced colleague) or coaching (a trained coach, internal or paid)."
);
wire_enum!(
    EngagementState,
    "MentoringEngagementState",
    "Where a mentoring or coaching engagement stands: PENDING_APPROVAL (the mentee's manager approves or rejects it where the policy asks), PROPOSED, then ACTIVE or DECLINED by the mentor, and CLOSED."
);
wire_enum!(
    MeetingFormat,
    "MeetingFormat",
    "How a mentee would like to meet."
);
wire_enum!(
    RequestState,
    "MentoringRequestState",
    "A mentee's request: OPEN until a mentor accepts it (MATCHED)."
);

/// One job level's PD budget for one fiscal year.
#[derive(SimpleObject)]
pub struct PdBudgetPolicy {
    /// The policy's id.
    id: ID,
    /// The calendar year the fiscal year starts in.
    fiscal_year: i32,
    /// The job level it is for, 1..8.
    job_level: u8,
    /// A full year's budget, in minor units.
    amount_minor: i64,
    /// ISO 4217.
    currency: String,
    /// How much of last year's unused budget this year takes in, in minor units.
    carry_over_cap_minor: i64,
}

impl From<&BudgetPolicy> for PdBudgetPolicy {
    fn from(p: &BudgetPolicy) -> Self {
        Self {
            id: ID(p.id.to_string()),
            fiscal_year: p.fiscal_year,
            job_level: p.job_level.get(),
            amount_minor: p.amount.minor(),
            currency: p.amount.currency().to_string(),
            carry_over_cap_minor: p.carry_over_cap_minor,
        }
    }
}

impl From<BudgetPolicy> for PdBudgetPolicy {
    fn from(p: BudgetPolicy) -> Self {
        Self::from(&p)
    }
}

/// A person's PD budget for one fiscal year, in minor units of its currency.
#[derive(SimpleObject)]
pub struct PdBudget {
    /// Whose budget.
    employee_id: ID,
    /// The calendar year the fiscal year starts in.
    fiscal_year: i32,
    /// The fiscal year's first day.
    period_start: Date,
    /// The fiscal year's last day.
    period_end: Date,
    /// ISO 4217.
    currency: String,
    /// The policy's amount prorated for the days employed in the fiscal year, rounded down.
    allocated_minor: i64,
    /// Last year's unused amount taken in (up to the policy's cap).
    carried_in_minor: i64,
    /// Approved, not yet spent.
    reserved_minor: i64,
    /// Spent.
    spent_minor: i64,
    /// Allocated + carried in - reserved - spent; never below zero.
    available_minor: i64,
    /// False until the first spend request opens it (the figures are what it would open with).
    opened: bool,
}

impl From<&BudgetView> for PdBudget {
    fn from(v: &BudgetView) -> Self {
        let b = &v.budget;
        Self {
            employee_id: ID(b.employee_id.to_string()),
            fiscal_year: b.fiscal_year,
            period_start: v.period.start().into(),
            period_end: v.period.end().into(),
            currency: b.currency.to_string(),
            allocated_minor: b.allocated_minor,
            carried_in_minor: b.carried_in_minor,
            reserved_minor: b.reserved_minor,
            spent_minor: b.spent_minor,
            available_minor: b.available_minor(),
            opened: v.opened,
        }
    }
}

/// A request to spend from a PD budget.
#[derive(SimpleObject)]
pub struct PdSpendRequest {
    /// The request's id.
    #[graphql(owned)]
    pub(crate) id: ID,
    /// Whose budget.
    employee_id: ID,
    /// The budget's fiscal year.
    fiscal_year: i32,
    /// What the money is for.
    category: Enum<SpendCategory>,
    /// In minor units of the budget's currency.
    amount_minor: i64,
    /// ISO 4217: the budget's.
    currency: String,
    /// What it is.
    description: String,
    /// The catalog course it pays for.
    course_id: Option<ID>,
    /// The mentoring or coaching engagement it pays for.
    engagement_id: Option<ID>,
    /// Where it stands.
    state: Enum<SpendState>,
    /// 2 when the amount is above `development.second_approval_above_minor`.
    approvals_needed: u8,
    /// Who approved so far (token subjects), in order.
    #[graphql(complexity = "super::limits::list(2, child_complexity)")]
    approved_by: Vec<String>,
    /// Who rejected, recorded the spending or cancelled.
    decided_by: Option<String>,
    /// What it cost (SPENT).
    actual_amount_minor: Option<i64>,
}

impl From<&SpendRequest> for PdSpendRequest {
    fn from(r: &SpendRequest) -> Self {
        Self {
            id: ID(r.id.to_string()),
            employee_id: ID(r.employee_id.to_string()),
            fiscal_year: r.fiscal_year,
            category: Enum(r.category),
            amount_minor: r.amount.minor(),
            currency: r.amount.currency().to_string(),
            description: r.description.to_string(),
            course_id: r.course_id.map(|c| ID(c.to_string())),
            engagement_id: r.engagement_id.map(|e| ID(e.to_string())),
            state: Enum(r.state),
            approvals_needed: r.approvals_needed,
            approved_by: r.approved_by.clone(),
            decided_by: r.decided_by.clone(),
            actual_amount_minor: r.actual_minor,
        }
    }
}

impl From<SpendRequest> for PdSpendRequest {
    fn from(r: SpendRequest) -> Self {
        Self::from(&r)
    }
}

/// A mentor's or coach's profile (every person sees them).
#[derive(SimpleObject)]
#[graphql(name = "MentorProfile")]
pub struct MentorProfileNode {
    /// The profile's id.
    #[graphql(owned)]
    pub(crate) id: ID,
    /// Mentor or coach.
    kind: Enum<ProfileKind>,
    /// Internal: the employee.
    employee_id: Option<ID>,
    /// External: the provider's name (no login).
    external_name: Option<String>,
    /// In their own words.
    bio: Option<String>,
    /// Skill ids from the catalog's taxonomy.
    #[graphql(complexity = "super::limits::list(super::limits::COURSE_SKILLS, child_complexity)")]
    skills: Vec<ID>,
    /// The lowest job level of the mentees they work with.
    level_min: u8,
    /// The highest job level of the mentees they work with.
    level_max: u8,
    /// Language tags (`en`, `pt-BR`).
    #[graphql(complexity = "super::limits::list(super::limits::COURSE_SKILLS, child_complexity)")]
    languages: Vec<String>,
    /// Active mentees at most.
    capacity: u32,
    /// Places left.
    free_places: u32,
}

impl From<&MentorProfile> for MentorProfileNode {
    fn from(p: &MentorProfile) -> Self {
        let (employee_id, external_name) = match &p.giver {
            Giver::Internal(e) => (Some(ID(e.to_string())), None),
            Giver::External(n) => (None, Some(n.to_string())),
        };
        Self {
            id: ID(p.id.to_string()),
            kind: Enum(p.kind),
            employee_id,
            external_name,
            bio: p.bio.as_ref().map(ToString::to_string),
            skills: p.skills.iter().map(|s| ID(s.to_string())).collect(),
            level_min: p.levels.0.get(),
            level_max: p.levels.1.get(),
            languages: p.languages.iter().map(|l| l.as_str().to_owned()).collect(),
            capacity: p.capacity,
            free_places: p.free_places(),
        }
    }
}

impl From<MentorProfile> for MentorProfileNode {
    fn from(p: MentorProfile) -> Self {
        Self::from(&p)
    }
}

/// A mentee's request for a mentor or coach (the mentee, hr_admin, ld_admin).
#[derive(SimpleObject)]
#[graphql(name = "MentoringRequest")]
pub struct MentoringRequestNode {
    /// The request's id: pick a match with `chooseMentor`.
    #[graphql(owned)]
    pub(crate) id: ID,
    /// Who asks.
    mentee_id: ID,
    /// Mentor or coach.
    kind: Enum<ProfileKind>,
    /// What the mentee wants to work on.
    goals: String,
    /// Skill ids asked for.
    #[graphql(complexity = "super::limits::list(super::limits::COURSE_SKILLS, child_complexity)")]
    skills: Vec<ID>,
    /// Language tags the mentee speaks.
    #[graphql(complexity = "super::limits::list(super::limits::COURSE_SKILLS, child_complexity)")]
    languages: Vec<String>,
    /// How the mentee would like to meet.
    preferred_format: Enum<MeetingFormat>,
    /// Open or matched.
    state: Enum<RequestState>,
}

impl From<MentoringRequest> for MentoringRequestNode {
    fn from(r: MentoringRequest) -> Self {
        Self {
            id: ID(r.id.to_string()),
            mentee_id: ID(r.mentee_id.to_string()),
            kind: Enum(r.kind),
            goals: r.goals.to_string(),
            skills: r.skills.iter().map(|s| ID(s.to_string())).collect(),
            languages: r.languages.iter().map(|l| l.as_str().to_owned()).collect(),
            preferred_format: Enum(r.preferred_format),
            state: Enum(r.state),
        }
    }
}

/// One session; `notes` only for the participants.
#[derive(SimpleObject)]
#[graphql(name = "MentoringSession")]
pub struct EngagementSession {
    /// The session's id.
    id: ID,
    /// The day it was held.
    date: Date,
    /// How long.
    minutes: u32,
    /// In working time, or outside it.
    in_work_time: bool,
    /// Private to the participants: null for anyone else.
    notes: Option<String>,
    /// The mentee's learning-time entry of this session.
    time_entry_id: ID,
}

impl From<&Session> for EngagementSession {
    fn from(s: &Session) -> Self {
        Self {
            id: ID(s.id.to_string()),
            date: s.date.into(),
            minutes: s.minutes.get(),
            in_work_time: s.in_work_time,
            notes: s.notes.as_ref().map(ToString::to_string),
            time_entry_id: ID(s.time_entry_id.to_string()),
        }
    }
}

impl From<Session> for EngagementSession {
    fn from(s: Session) -> Self {
        Self::from(&s)
    }
}

/// A mentoring or coaching engagement as the caller may see it: `goals`, feedback and session
/// notes are null unless the caller takes part in it.
#[derive(SimpleObject)]
#[graphql(name = "MentoringEngagement")]
pub struct EngagementNode {
    /// The engagement's id.
    #[graphql(owned)]
    pub(crate) id: ID,
    /// Mentoring or coaching.
    kind: Enum<ProfileKind>,
    /// The mentor's or coach's profile.
    profile_id: ID,
    /// The mentee.
    mentee_id: ID,
    /// Where it stands.
    state: Enum<EngagementState>,
    /// The mentee's goals (participants only).
    goals: Option<String>,
    /// The mentor's closing feedback (participants only).
    mentor_feedback: Option<String>,
    /// The mentee's closing feedback (participants only).
    mentee_feedback: Option<String>,
    /// Its sessions, oldest first.
    #[graphql(complexity = "super::limits::list(super::limits::ENROLLMENTS, child_complexity)")]
    sessions: Vec<EngagementSession>,
}

impl From<&EngagementDetail> for EngagementNode {
    fn from(d: &EngagementDetail) -> Self {
        let e = &d.engagement;
        let full = d.view == EngagementView::Full;
        Self {
            id: ID(e.id.to_string()),
            kind: Enum(e.kind),
            profile_id: ID(e.profile_id.to_string()),
            mentee_id: ID(e.mentee_id.to_string()),
            state: Enum(e.state),
            goals: full.then(|| e.goals.to_string()),
            mentor_feedback: e.mentor_feedback.as_ref().map(ToString::to_string),
            mentee_feedback: e.mentee_feedback.as_ref().map(ToString::to_string),
            sessions: d.sessions.iter().map(EngagementSession::from).collect(),
        }
    }
}

impl From<EngagementDetail> for EngagementNode {
    fn from(d: EngagementDetail) -> Self {
        Self::from(&d)
    }
}

/// A group's development figures; every figure is null when `suppressed` (and
/// `suppressionReason` says why).
#[derive(SimpleObject)]
pub struct EquityCell {
    /// Whether the figures are withheld.
    suppressed: bool,
    /// Why they are withheld.
    suppression_reason: Option<SuppressionReasonGql>,
    /// People in the group.
    people: Option<u32>,
    /// People with an active mentoring or coaching engagement.
    with_engagement: Option<u32>,
    /// Their share of the people.
    access_share: Option<f64>,
    /// PD budget held (allocated plus carried in), in minor units.
    pd_budget_minor: Option<i64>,
    /// PD budget used (reserved plus spent), in minor units.
    pd_used_minor: Option<i64>,
    /// Used over held.
    pd_used_share: Option<f64>,
    /// Used per person, rounded down, in minor units.
    pd_used_per_person_minor: Option<i64>,
    /// Learning hours per person in the fiscal year.
    learning_hours_per_person: Option<f64>,
}

impl From<&Cell<EquityFigures>> for EquityCell {
    fn from(cell: &Cell<EquityFigures>) -> Self {
        let f = cell.value().map(EquityView::from);
        let reason = match cell {
            Cell::Value(_) => None,
            Cell::Suppressed(r) => Some(SuppressionReasonGql::from(*r)),
        };
        Self {
            suppressed: reason.is_some(),
            suppression_reason: reason,
            people: f.map(|f| f.people),
            with_engagement: f.map(|f| f.with_engagement),
            access_share: f.and_then(|f| f.access_share),
            pd_budget_minor: f.map(|f| f.pd_budget_minor),
            pd_used_minor: f.map(|f| f.pd_used_minor),
            pd_used_share: f.and_then(|f| f.pd_used_share),
            pd_used_per_person_minor: f.and_then(|f| f.pd_used_per_person_minor),
            learning_hours_per_person: f.and_then(|f| f.learning_hours_per_person),
        }
    }
}

/// A job-level band of the equity report.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum EquityBandName {
    /// Job levels 1-3.
    Junior,
    /// Job levels 4-5.
    Mid,
    /// Job levels 6-8.
    Senior,
}

impl EquityBandName {
    fn of(name: &str) -> Option<Self> {
        match name {
            "junior" => Some(Self::Junior),
            "mid" => Some(Self::Mid),
            "senior" => Some(Self::Senior),
            _ => None,
        }
    }
}

/// One job-level band's figures.
#[derive(SimpleObject)]
pub struct EquityBand {
    /// The band.
    band: EquityBandName,
    /// Its lowest job level.
    job_level_min: u8,
    /// Its highest job level.
    job_level_max: u8,
    /// Its figures.
    figures: EquityCell,
}

/// Juniors minus seniors; null unless both bands are shown.
#[derive(SimpleObject)]
#[graphql(name = "EquityGap")]
pub struct EquityGapNode {
    /// In the share with an engagement (negative: juniors get less).
    access_share: Option<f64>,
    /// In learning hours per person.
    learning_hours_per_person: Option<f64>,
    /// In PD budget used per person, minor units.
    pd_used_per_person_minor: Option<i64>,
}

/// Development equity of the organisation or an org unit, in total and per job-level band.
#[derive(SimpleObject)]
pub struct DevelopmentEquity {
    /// The fiscal year.
    fiscal_year: i32,
    /// The organisation's currency (ISO 4217).
    currency: String,
    /// Everyone in the place.
    all: EquityCell,
    /// Per job-level band.
    #[graphql(complexity = "super::limits::list(3, child_complexity)")]
    bands: Vec<EquityBand>,
    /// Juniors minus seniors.
    gap: Option<EquityGapNode>,
}

impl From<&EquityReport> for DevelopmentEquity {
    fn from(r: &EquityReport) -> Self {
        Self {
            fiscal_year: r.fiscal_year,
            currency: r.currency.to_string(),
            all: EquityCell::from(&r.all),
            bands: r
                .bands
                .iter()
                .filter_map(|b| {
                    Some(EquityBand {
                        band: EquityBandName::of(b.name)?,
                        job_level_min: b.levels.0.get(),
                        job_level_max: b.levels.1.get(),
                        figures: EquityCell::from(&b.figures),
                    })
                })
                .collect(),
            gap: r.gap.map(|g| EquityGapNode {
                access_share: g.access_share,
                learning_hours_per_person: g.learning_hours_per_person,
                pd_used_per_person_minor: g.used_per_person_minor,
            }),
        }
    }
}

#[derive(Default)]
pub struct DevelopmentQuery;

#[Object]
impl DevelopmentQuery {
    /// The PD budget policies (of one fiscal year, or all), by fiscal year and job level, Relay
    /// connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn pd_budget_policies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "One fiscal year (the calendar year it starts in); all when absent.")]
        fiscal_year: Option<i32>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, PdBudgetPolicy>> {
        let n = first.map(|n| u64::try_from(n).unwrap_or(0));
        let page = svc::list_policies(service_ctx(ctx)?, fiscal_year, n, after.as_deref())
            .await
            .gql()?;
        Ok(connection(
            page,
            after.as_deref(),
            svc::policy_cursor,
            |p| PdBudgetPolicy::from(&p),
        ))
    }

    /// A person's PD budget (yours without `employeeId`; default the current fiscal year):
    /// themselves, their managers, hr_admin and ld_admin.
    async fn pd_budget(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whose budget; yours when absent.")] employee_id: Option<ID>,
        #[graphql(desc = "The fiscal year; the current one when absent.")] fiscal_year: Option<i32>,
    ) -> Result<PdBudget> {
        let who = employee_id
            .as_ref()
            .map(|i| parse_id(i, "employee"))
            .transpose()?;
        let view = svc::get_budget(service_ctx(ctx)?, who, fiscal_year)
            .await
            .gql()?;
        Ok(PdBudget::from(&view))
    }

    /// Mentor and coach profiles (Relay connection).
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn mentor_profiles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, MentorProfileNode>> {
        let n = first.map(|n| u64::try_from(n).unwrap_or(0));
        let page = svc::list_profiles(service_ctx(ctx)?, n, after.clone())
            .await
            .gql()?;
        Ok(connection(
            page,
            after.as_deref(),
            |p| p.id,
            |p| MentorProfileNode::from(&p),
        ))
    }

    /// A person's engagements as mentee (yours without `employeeId`), in creation order:
    /// themselves, their managers (without goals, notes or feedback), hr_admin and ld_admin.
    /// Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn engagements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mentee; yourself when absent.")] employee_id: Option<ID>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, EngagementNode>> {
        let list = svc::EngagementList {
            employee: employee_id
                .as_ref()
                .map(|i| parse_id(i, "employee"))
                .transpose()?,
            as_mentor: false,
            first: first.map(|n| u64::try_from(n).unwrap_or(0)),
            after: after.clone(),
        };
        let page = svc::list_engagements(service_ctx(ctx)?, list).await.gql()?;
        Ok(connection(
            page,
            after.as_deref(),
            |d| d.engagement.id,
            |d| EngagementNode::from(&d),
        ))
    }

    /// Development equity per job-level band of the organisation or an org unit (figures only
    /// for groups the privacy engine releases).
    #[graphql(complexity = "super::limits::SUMMARY + child_complexity")]
    async fn development_equity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fiscal year; the current one when absent.")] fiscal_year: Option<i32>,
        #[graphql(desc = "An org unit; the organisation when absent.")] org_unit_id: Option<ID>,
        #[graphql(desc = "With the units below it (default true).")] include_descendants: Option<
            bool,
        >,
    ) -> Result<DevelopmentEquity> {
        let q = EquityQuery {
            fiscal_year,
            root: org_unit_id
                .as_ref()
                .map(|i| parse_id(i, "org unit"))
                .transpose()?,
            include_descendants: include_descendants.unwrap_or(true),
        };
        let r = svc::equity(service_ctx(ctx)?, q).await.gql()?;
        Ok(DevelopmentEquity::from(&r))
    }

    /// A person's spend requests (yours without `employeeId`), Relay connection.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn pd_spend_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whose requests; yours when absent.")] employee_id: Option<ID>,
        #[graphql(desc = "Page size, 1-200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, PdSpendRequest>> {
        let q = SpendList {
            employee_id: employee_id
                .as_ref()
                .map(|i| parse_id(i, "employee"))
                .transpose()?,
            first: first.map(|n| u64::try_from(n).unwrap_or(0)),
            after: after.clone(),
        };
        let page = svc::list_requests(service_ctx(ctx)?, q).await.gql()?;
        Ok(connection(
            page,
            after.as_deref(),
            |r| r.id,
            |r| PdSpendRequest::from(&r),
        ))
    }
}

// ---- mutations ----

payload!(
    /// The answer of `createPdBudgetPolicy`.
    PdBudgetPolicyPayload,
    policy: PdBudgetPolicy
);
payload!(
    /// The answer of the spend-request mutations.
    PdSpendRequestPayload,
    spend_request: PdSpendRequest
);
payload!(
    /// The answer of `createMentorProfile`.
    MentorProfilePayload,
    profile: MentorProfileNode
);
payload!(
    /// The answer of `createMentoringRequest`.
    MentoringRequestPayload,
    mentoring_request: MentoringRequestNode
);
payload!(
    /// The answer of the engagement mutations: the engagement as the caller may see it.
    MentoringEngagementPayload,
    engagement: EngagementNode
);
payload!(
    /// The answer of `logMentoringSession`.
    MentoringSessionPayload,
    session: EngagementSession
);

/// One job level's budget for one fiscal year (one per year and level).
#[derive(InputObject)]
pub struct CreatePdBudgetPolicyInput {
    /// The calendar year the fiscal year starts in (`development.fiscal_year_start_month`).
    fiscal_year: i32,
    /// 1 (junior) .. 8.
    job_level: i32,
    /// A full year's budget, in minor units (150000 = 1500.00 EUR).
    amount_minor: i64,
    /// ISO 4217; default the organisation's (`development.currency`).
    currency: Option<String>,
    /// How much of last year's unused budget this year takes in (default 0).
    carry_over_cap_minor: Option<i64>,
}

impl From<CreatePdBudgetPolicyInput> for BudgetPolicyFields {
    fn from(i: CreatePdBudgetPolicyInput) -> Self {
        Self {
            fiscal_year: Some(i64::from(i.fiscal_year)),
            job_level: Some(i64::from(i.job_level)),
            amount_minor: Some(i.amount_minor),
            currency: i.currency,
            carry_over_cap_minor: i.carry_over_cap_minor,
        }
    }
}

/// A request to spend from your budget of the current fiscal year.
#[derive(InputObject)]
pub struct RequestPdSpendInput {
    /// What the money is for.
    category: Enum<SpendCategory>,
    /// In minor units of the budget's currency, at least 1.
    amount_minor: i64,
    /// ISO 4217; must be the budget's (default).
    currency: Option<String>,
    /// What it is.
    description: String,
    /// A course of the catalog this pays for.
    course_id: Option<ID>,
    /// One of your mentoring or coaching engagements this pays for (an external coach, say).
    engagement_id: Option<ID>,
}

impl From<RequestPdSpendInput> for SpendFields {
    fn from(i: RequestPdSpendInput) -> Self {
        Self {
            category: Some(i.category.wire()),
            amount_minor: Some(i.amount_minor),
            currency: i.currency,
            description: Some(i.description),
            course_id: i.course_id.map(|x| x.0),
            engagement_id: i.engagement_id.map(|x| x.0),
        }
    }
}

/// What an approved request actually cost.
#[derive(InputObject)]
pub struct SettlePdSpendRequestInput {
    /// At most the approved amount; the rest returns to the budget.
    actual_amount_minor: i64,
}

/// A mentor or coach: give exactly one of `employeeId` (internal) and `externalName` (an
/// external provider, who has no login).
#[derive(InputObject)]
pub struct CreateMentorProfileInput {
    /// Mentor or coach.
    kind: Enum<ProfileKind>,
    /// Internal: the employee (yourself, unless hr_admin or ld_admin).
    employee_id: Option<ID>,
    /// External: the provider's name.
    external_name: Option<String>,
    /// In their own words.
    bio: Option<String>,
    /// Skill ids from the catalog's taxonomy.
    #[graphql(default)]
    skills: Vec<ID>,
    /// The lowest job level of the mentees they work with (default 1).
    level_min: Option<i32>,
    /// The highest job level of the mentees they work with (default 8).
    level_max: Option<i32>,
    /// Language tags (`en`, `pt-BR`).
    #[graphql(default)]
    languages: Vec<String>,
    /// When they are available, in words.
    availability: Option<String>,
    /// Active mentees at most (1-50, default 1).
    capacity: Option<i32>,
}

impl From<CreateMentorProfileInput> for ProfileFields {
    fn from(i: CreateMentorProfileInput) -> Self {
        Self {
            kind: Some(i.kind.wire()),
            employee_id: i.employee_id.map(|x| x.0),
            external_name: i.external_name,
            bio: i.bio,
            skills: i.skills.into_iter().map(|x| x.0).collect(),
            level_min: i.level_min.map(i64::from),
            level_max: i.level_max.map(i64::from),
            languages: i.languages,
            availability: i.availability,
            capacity: i.capacity.map(i64::from),
        }
    }
}

/// A request for a mentor or coach, for yourself.
#[derive(InputObject)]
pub struct CreateMentoringRequestInput {
    /// Default MENTOR.
    kind: Option<Enum<ProfileKind>>,
    /// What you want to work on.
    goals: String,
    /// Skill ids you want to grow.
    #[graphql(default)]
    skills: Vec<ID>,
    /// Language tags you speak.
    #[graphql(default)]
    languages: Vec<String>,
    /// Default ANY.
    preferred_format: Option<Enum<MeetingFormat>>,
}

impl From<CreateMentoringRequestInput> for RequestFields {
    fn from(i: CreateMentoringRequestInput) -> Self {
        Self {
            kind: i.kind.map(Enum::wire),
            goals: Some(i.goals),
            skills: i.skills.into_iter().map(|x| x.0).collect(),
            languages: i.languages,
            preferred_format: i.preferred_format.map(Enum::wire),
        }
    }
}

/// The profile the mentee picks.
#[derive(InputObject)]
pub struct ChooseMentorInput {
    /// One of the request's matches.
    profile_id: ID,
}

/// Your side's closing feedback.
#[derive(InputObject, Default)]
pub struct CloseMentoringEngagementInput {
    /// Read by the participants only (kept out of logs).
    #[graphql(secret)]
    feedback: Option<String>,
}

/// A session of an engagement.
#[derive(InputObject)]
pub struct LogMentoringSessionInput {
    /// Not in the future.
    date: Date,
    /// How long.
    minutes: i32,
    /// Default true: development is part of the job.
    in_work_time: Option<bool>,
    /// Private to the participants (kept out of logs).
    #[graphql(secret)]
    notes: Option<String>,
}

impl From<LogMentoringSessionInput> for SessionFields {
    fn from(i: LogMentoringSessionInput) -> Self {
        Self {
            date: Some(i.date.wire()),
            minutes: Some(i64::from(i.minutes)),
            in_work_time: i.in_work_time,
            notes: i.notes,
        }
    }
}

fn feedback(text: Option<&str>) -> ApiResult<Option<Description>> {
    Ok(text
        .map(|f| Description::parse(f).map_err(|e| FieldError::new("feedback", e.message)))
        .transpose()?)
}

#[derive(Default)]
pub struct DevelopmentMutation;

#[Object]
impl DevelopmentMutation {
    /// Set one job level's PD budget for one fiscal year (hr_admin, ld_admin; another for the
    /// same year and level is `duplicate`).
    async fn create_pd_budget_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year, the level and the amounts.")] input: CreatePdBudgetPolicyInput,
    ) -> Result<PdBudgetPolicyPayload> {
        PdBudgetPolicyPayload::from_result(
            svc::create_policy(service_ctx(ctx)?, input.into()).await,
        )
    }

    /// Ask to spend from your budget (refused at once with `budget_exceeded` when more than is
    /// available).
    async fn request_pd_spend(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What, how much, and what it pays for.")] input: RequestPdSpendInput,
    ) -> Result<PdSpendRequestPayload> {
        PdSpendRequestPayload::from_result(
            svc::request_spend(service_ctx(ctx)?, input.into()).await,
        )
    }

    /// Approve a spend request (the person's manager or hr_admin, never the person): the last
    /// approval needed reserves the amount, only if the budget stays at or above zero
    /// (`budget_exceeded`).
    async fn approve_pd_spend_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request's id.")] id: ID,
    ) -> Result<PdSpendRequestPayload> {
        let c = service_ctx(ctx)?;
        PdSpendRequestPayload::from_result(
            async { svc::approve(c, found(&id, "spend request")?).await }.await,
        )
    }

    /// Reject a spend request (the person's manager or hr_admin, never the person).
    async fn reject_pd_spend_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request's id.")] id: ID,
    ) -> Result<PdSpendRequestPayload> {
        let c = service_ctx(ctx)?;
        PdSpendRequestPayload::from_result(
            async { svc::reject(c, found(&id, "spend request")?).await }.await,
        )
    }

    /// Record what an approved request cost (the person or hr_admin; REST `:spend`).
    async fn settle_pd_spend_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request's id.")] id: ID,
        #[graphql(desc = "What it cost.")] input: SettlePdSpendRequestInput,
    ) -> Result<PdSpendRequestPayload> {
        let c = service_ctx(ctx)?;
        PdSpendRequestPayload::from_result(
            async { svc::settle(c, found(&id, "spend request")?, input.actual_amount_minor).await }
                .await,
        )
    }

    /// Cancel a request not yet spent (the person or hr_admin); an approved one's reservation
    /// is released.
    async fn cancel_pd_spend_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request's id.")] id: ID,
    ) -> Result<PdSpendRequestPayload> {
        let c = service_ctx(ctx)?;
        PdSpendRequestPayload::from_result(
            async { svc::cancel(c, found(&id, "spend request")?).await }.await,
        )
    }

    /// Create a mentor or coach profile (hr_admin, ld_admin; an employee for their own internal
    /// profile).
    async fn create_mentor_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The profile.")] input: CreateMentorProfileInput,
    ) -> Result<MentorProfilePayload> {
        MentorProfilePayload::from_result(
            svc::create_profile(service_ctx(ctx)?, input.into()).await,
        )
    }

    /// Ask for a mentor or coach for yourself; read the best matches from REST's
    /// `mentoring-requests/{id}/matches`.
    async fn create_mentoring_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What you are looking for.")] input: CreateMentoringRequestInput,
    ) -> Result<MentoringRequestPayload> {
        MentoringRequestPayload::from_result(
            svc::create_request(service_ctx(ctx)?, input.into()).await,
        )
    }

    /// The mentee picks a profile for their open request: a PROPOSED engagement the mentor
    /// accepts or declines (PENDING_APPROVAL first where the policy asks the manager).
    async fn choose_mentor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mentoring request's id.")] request_id: ID,
        #[graphql(desc = "The profile picked.")] input: ChooseMentorInput,
    ) -> Result<MentoringEngagementPayload> {
        let c = service_ctx(ctx)?;
        MentoringEngagementPayload::from_result(
            async {
                let id = found(&request_id, "mentoring request")?;
                let e = svc::choose(c, id, field_id(&input.profile_id, "profile_id")?).await?;
                svc::get_engagement(c, e.id).await
            }
            .await,
        )
    }

    /// The mentee's manager (or hr_admin, never the mentee) approves an engagement held for
    /// approval: the mentor is asked next.
    async fn approve_mentoring_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] id: ID,
    ) -> Result<MentoringEngagementPayload> {
        let c = service_ctx(ctx)?;
        MentoringEngagementPayload::from_result(
            async { svc::approve_engagement(c, found(&id, "engagement")?, true).await }.await,
        )
    }

    /// The mentee's manager (or hr_admin) rejects an engagement held for approval (final).
    async fn reject_mentoring_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] id: ID,
    ) -> Result<MentoringEngagementPayload> {
        let c = service_ctx(ctx)?;
        MentoringEngagementPayload::from_result(
            async { svc::approve_engagement(c, found(&id, "engagement")?, false).await }.await,
        )
    }

    /// The mentor accepts (hr_admin or ld_admin for an external provider): takes a free place,
    /// `capacity_reached` when none is left.
    async fn accept_mentoring_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] id: ID,
    ) -> Result<MentoringEngagementPayload> {
        let c = service_ctx(ctx)?;
        MentoringEngagementPayload::from_result(
            async { svc::answer(c, found(&id, "engagement")?, true).await }.await,
        )
    }

    /// The mentor declines (hr_admin or ld_admin for an external provider).
    async fn decline_mentoring_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] id: ID,
    ) -> Result<MentoringEngagementPayload> {
        let c = service_ctx(ctx)?;
        MentoringEngagementPayload::from_result(
            async { svc::answer(c, found(&id, "engagement")?, false).await }.await,
        )
    }

    /// Close an active engagement with your feedback (either participant), or add your
    /// feedback to a closed one; closing frees the mentor's place.
    async fn close_mentoring_engagement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] id: ID,
        #[graphql(desc = "Your feedback.", default)] input: CloseMentoringEngagementInput,
    ) -> Result<MentoringEngagementPayload> {
        let c = service_ctx(ctx)?;
        MentoringEngagementPayload::from_result(
            async {
                let id = found(&id, "engagement")?;
                svc::close(c, id, feedback(input.feedback.as_deref())?).await
            }
            .await,
        )
    }

    /// Log a session (either participant): it becomes the mentee's learning-time entry
    /// (MENTORING or COACHING).
    async fn log_mentoring_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The engagement's id.")] engagement_id: ID,
        #[graphql(desc = "The session.")] input: LogMentoringSessionInput,
    ) -> Result<MentoringSessionPayload> {
        let c = service_ctx(ctx)?;
        MentoringSessionPayload::from_result(
            async { svc::log_session(c, found(&engagement_id, "engagement")?, input.into()).await }
                .await,
        )
    }
}
