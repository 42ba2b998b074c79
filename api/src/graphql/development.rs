//! PD budgets on the dashboard graph: `pdBudgetPolicies`, `pdBudget(employeeId, fiscalYear)` and
//! `pdSpendRequests(employeeId)`. They call the same services as REST; money is integer minor
//! units with its currency.

use super::learning_time::SuppressionReasonGql;
use super::{parse_id, service_ctx};
use crate::error::Gql;
use crate::services::development::{
    self as svc, BudgetView, EngagementDetail, EquityQuery, EquityReport, EquityView, SpendList,
};
use crate::services::encode_cursor;
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::NaiveDate;
use learnwell_domain::access::EngagementView;
use learnwell_domain::development::{
    BudgetPolicy, EquityFigures, Giver, MentorProfile, SpendRequest,
};
use learnwell_domain::privacy::Cell;

/// One job level's PD budget for one fiscal year.
#[derive(SimpleObject)]
pub struct PdBudgetPolicy {
    id: ID,
    fiscal_year: i32,
    job_level: u8,
    amount_minor: i64,
    currency: String,
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

/// A person's PD budget for one fiscal year (see the REST resource for the figures).
#[derive(SimpleObject)]
pub struct PdBudget {
    employee_id: ID,
    fiscal_year: i32,
    period_start: NaiveDate,
    period_end: NaiveDate,
    currency: String,
    allocated_minor: i64,
    carried_in_minor: i64,
    reserved_minor: i64,
    spent_minor: i64,
    available_minor: i64,
    opened: bool,
}

impl From<&BudgetView> for PdBudget {
    fn from(v: &BudgetView) -> Self {
        let b = &v.budget;
        Self {
            employee_id: ID(b.employee_id.to_string()),
            fiscal_year: b.fiscal_year,
            period_start: v.period.start(),
            period_end: v.period.end(),
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
    id: ID,
    employee_id: ID,
    fiscal_year: i32,
    /// `course`, `conference`, `external_coaching`, `external_mentoring`, `books`, `other`.
    category: String,
    amount_minor: i64,
    currency: String,
    description: String,
    /// `requested`, `approved`, `rejected`, `spent` or `cancelled`.
    state: String,
    approvals_needed: u8,
    #[graphql(complexity = "super::limits::list(2, child_complexity)")]
    approved_by: Vec<String>,
    decided_by: Option<String>,
    actual_amount_minor: Option<i64>,
}

impl From<&SpendRequest> for PdSpendRequest {
    fn from(r: &SpendRequest) -> Self {
        Self {
            id: ID(r.id.to_string()),
            employee_id: ID(r.employee_id.to_string()),
            fiscal_year: r.fiscal_year,
            category: r.category.to_string(),
            amount_minor: r.amount.minor(),
            currency: r.amount.currency().to_string(),
            description: r.description.to_string(),
            state: r.state.to_string(),
            approvals_needed: r.approvals_needed,
            approved_by: r.approved_by.clone(),
            decided_by: r.decided_by.clone(),
            actual_amount_minor: r.actual_minor,
        }
    }
}

/// A mentor's or coach's profile (every person sees them).
#[derive(SimpleObject)]
pub struct MentorProfileNode {
    id: ID,
    /// `mentor` or `coach`.
    kind: String,
    employee_id: Option<ID>,
    external_name: Option<String>,
    bio: Option<String>,
    #[graphql(complexity = "super::limits::list(super::limits::COURSE_SKILLS, child_complexity)")]
    skills: Vec<ID>,
    level_min: u8,
    level_max: u8,
    #[graphql(complexity = "super::limits::list(super::limits::COURSE_SKILLS, child_complexity)")]
    languages: Vec<String>,
    capacity: u32,
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
            kind: p.kind.to_string(),
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

/// One session; `notes` only for the participants.
#[derive(SimpleObject)]
pub struct EngagementSession {
    date: NaiveDate,
    minutes: u32,
    in_work_time: bool,
    notes: Option<String>,
}

/// A mentoring or coaching engagement as the caller may see it: `goals`, feedback and session
/// notes are null unless the caller takes part in it.
#[derive(SimpleObject)]
pub struct EngagementNode {
    id: ID,
    kind: String,
    profile_id: ID,
    mentee_id: ID,
    /// `pending_approval`, `rejected`, `proposed`, `active`, `declined` or `closed`.
    state: String,
    goals: Option<String>,
    mentor_feedback: Option<String>,
    mentee_feedback: Option<String>,
    #[graphql(complexity = "super::limits::list(super::limits::ENROLLMENTS, child_complexity)")]
    sessions: Vec<EngagementSession>,
}

impl From<&EngagementDetail> for EngagementNode {
    fn from(d: &EngagementDetail) -> Self {
        let e = &d.engagement;
        let full = d.view == EngagementView::Full;
        Self {
            id: ID(e.id.to_string()),
            kind: e.kind.to_string(),
            profile_id: ID(e.profile_id.to_string()),
            mentee_id: ID(e.mentee_id.to_string()),
            state: e.state.to_string(),
            goals: full.then(|| e.goals.to_string()),
            mentor_feedback: e.mentor_feedback.as_ref().map(ToString::to_string),
            mentee_feedback: e.mentee_feedback.as_ref().map(ToString::to_string),
            sessions: d
                .sessions
                .iter()
                .map(|s| EngagementSession {
                    date: s.date,
                    minutes: s.minutes.get(),
                    in_work_time: s.in_work_time,
                    notes: s.notes.as_ref().map(ToString::to_string),
                })
                .collect(),
        }
    }
}

/// A group's development figures; every figure is null when `suppressed` (and
/// `suppressionReason` says why).
#[derive(SimpleObject)]
pub struct EquityCell {
    suppressed: bool,
    suppression_reason: Option<SuppressionReasonGql>,
    people: Option<u32>,
    with_engagement: Option<u32>,
    access_share: Option<f64>,
    pd_budget_minor: Option<i64>,
    pd_used_minor: Option<i64>,
    pd_used_share: Option<f64>,
    pd_used_per_person_minor: Option<i64>,
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

/// One job-level band: `junior` (1-2), `mid` (3-5), `senior` (6-8).
#[derive(SimpleObject)]
pub struct EquityBand {
    band: String,
    job_level_min: u8,
    job_level_max: u8,
    figures: EquityCell,
}

/// Juniors minus seniors; null unless both bands are shown.
#[derive(SimpleObject)]
pub struct EquityGapNode {
    access_share: Option<f64>,
    learning_hours_per_person: Option<f64>,
    pd_used_per_person_minor: Option<i64>,
}

#[derive(SimpleObject)]
pub struct DevelopmentEquity {
    fiscal_year: i32,
    currency: String,
    all: EquityCell,
    #[graphql(complexity = "super::limits::list(3, child_complexity)")]
    bands: Vec<EquityBand>,
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
                .map(|b| EquityBand {
                    band: b.name.to_owned(),
                    job_level_min: b.levels.0.get(),
                    job_level_max: b.levels.1.get(),
                    figures: EquityCell::from(&b.figures),
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
    /// The PD budget policies (of one fiscal year, or all).
    #[graphql(complexity = "super::limits::list(super::limits::PD_POLICIES, child_complexity)")]
    async fn pd_budget_policies(
        &self,
        ctx: &Context<'_>,
        fiscal_year: Option<i32>,
    ) -> Result<Vec<PdBudgetPolicy>> {
        let all = svc::list_policies(service_ctx(ctx)?, fiscal_year)
            .await
            .gql()?;
        Ok(all.iter().map(PdBudgetPolicy::from).collect())
    }

    /// A person's PD budget (yours without `employeeId`; default the current fiscal year):
    /// themselves, their managers, hr_admin and ld_admin.
    async fn pd_budget(
        &self,
        ctx: &Context<'_>,
        employee_id: Option<ID>,
        fiscal_year: Option<i32>,
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
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, MentorProfileNode>> {
        let n = first.map(|n| u64::try_from(n).unwrap_or(0));
        let page = svc::list_profiles(service_ctx(ctx)?, n, after.clone())
            .await
            .gql()?;
        let mut conn = Connection::new(after.is_some(), page.next_cursor.is_some());
        conn.edges.extend(
            page.items
                .iter()
                .map(|p| Edge::new(encode_cursor(p.id), MentorProfileNode::from(p))),
        );
        Ok(conn)
    }

    /// A person's engagements as mentee (yours without `employeeId`): themselves, their
    /// managers (without goals, notes or feedback), hr_admin and ld_admin.
    #[graphql(complexity = "super::limits::list(super::limits::ENROLLMENTS, child_complexity)")]
    async fn engagements(
        &self,
        ctx: &Context<'_>,
        employee_id: Option<ID>,
    ) -> Result<Vec<EngagementNode>> {
        let who = employee_id
            .as_ref()
            .map(|i| parse_id(i, "employee"))
            .transpose()?;
        let all = svc::list_engagements(service_ctx(ctx)?, who, false)
            .await
            .gql()?;
        Ok(all.iter().map(EngagementNode::from).collect())
    }

    /// Development equity per job-level band of the organisation or an org unit (figures only
    /// for groups the privacy engine releases).
    #[graphql(complexity = "super::limits::SUMMARY + child_complexity")]
    async fn development_equity(
        &self,
        ctx: &Context<'_>,
        fiscal_year: Option<i32>,
        org_unit_id: Option<ID>,
        include_descendants: Option<bool>,
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
        employee_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
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
        let mut conn = Connection::new(after.is_some(), page.next_cursor.is_some());
        conn.edges.extend(
            page.items
                .iter()
                .map(|r| Edge::new(encode_cursor(r.id), PdSpendRequest::from(r))),
        );
        Ok(conn)
    }
}
