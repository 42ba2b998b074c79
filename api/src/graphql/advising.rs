//! Performance advising on the dashboard graph: `advisingEngagement(id)`,
//! `advisingEngagements`, `overdueCheckIns` and `supportFit(need)`. Each field calls the same
//! service as REST, so the same parties see the same parts: check-ins cut to the reader,
//! `advisorNotes` for their author only, `referrals` never for the supervisor.

use super::{parse_id, service_ctx};
use crate::error::Gql;
use crate::services::advising::{self as svc, CheckInView, EngagementView};
use crate::services::encode_cursor;
use async_graphql::connection::{Connection, Edge};
use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use learnwell_domain::advising::{FocusArea, SupportFit, SUPPORT_ROLES};
use learnwell_domain::ids::EngagementId;

#[derive(SimpleObject)]
pub struct AdvisingFocusArea {
    id: ID,
    kind: String,
    title: Option<String>,
    expectations: String,
    support: Option<String>,
}

impl From<&FocusArea> for AdvisingFocusArea {
    fn from(f: &FocusArea) -> Self {
        Self {
            id: ID(f.id.to_string()),
            kind: f.kind.code().to_owned(),
            title: f.title.clone(),
            expectations: f.expectations.clone(),
            support: f.support.clone(),
        }
    }
}

#[derive(SimpleObject)]
pub struct AdvisingRating {
    focus_area_id: ID,
    /// `not_met`, `partly_met`, `met` or `exceeded`.
    rating: String,
    rated_by: ID,
}

#[derive(SimpleObject)]
pub struct AdvisingCheckIn {
    id: ID,
    held_on: NaiveDate,
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
            held_on: c.held_on,
            ratings: c
                .ratings
                .iter()
                .map(|r| AdvisingRating {
                    focus_area_id: ID(r.focus_area_id.to_string()),
                    rating: r.rating.code().to_owned(),
                    rated_by: ID(r.rated_by.to_string()),
                })
                .collect(),
            reflection: c.reflection.clone().filter(|_| v.reflection_visible),
        }
    }
}

#[derive(SimpleObject)]
pub struct AdvisorNoteNode {
    id: ID,
    check_in_id: ID,
    text: String,
    created_at: DateTime<Utc>,
}

#[derive(SimpleObject)]
pub struct AdvisingReferral {
    id: ID,
    /// `coach`, `mentor` or `eap`.
    target: String,
    referred_on: NaiveDate,
    note: Option<String>,
}

#[derive(SimpleObject)]
pub struct AdvisingHistoryEntry {
    at: DateTime<Utc>,
    actor: String,
    action: String,
    reason: Option<String>,
    detail: Option<String>,
}

/// A performance-advising engagement, as the reader may see it.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct AdvisingEngagement {
    id: ID,
    client_id: ID,
    advisor_id: Option<ID>,
    /// The supervisor in effect: the pinned one, or the client's current manager.
    supervisor_id: Option<ID>,
    supervisor_pinned: bool,
    origin: String,
    state: String,
    #[graphql(complexity = "super::limits::list(super::limits::FOCUS_AREAS, child_complexity)")]
    focus_areas: Vec<AdvisingFocusArea>,
    cadence: String,
    cadence_days: u32,
    start_date: NaiveDate,
    planned_end: NaiveDate,
    acknowledged_at: Option<DateTime<Utc>>,
    closing_summary: Option<String>,
    next_check_in_due: Option<NaiveDate>,
    check_in_overdue: bool,
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
            origin: e.origin.code().to_owned(),
            state: e.state.code().to_owned(),
            focus_areas: e.plan.focus_areas.iter().map(Into::into).collect(),
            cadence: e.plan.cadence.code().to_owned(),
            cadence_days: e.plan.cadence.days(),
            start_date: e.plan.start_date,
            planned_end: e.plan.planned_end,
            acknowledged_at: e.acknowledgement.as_ref().map(|a| a.at),
            closing_summary: e.closing_summary.clone(),
            next_check_in_due: v.next_check_in_due,
            check_in_overdue: v.check_in_overdue,
            version: e.version,
            key: e.id,
        }
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
        Ok(Some(
            all.iter()
                .map(|n| AdvisorNoteNode {
                    id: ID(n.note.id.to_string()),
                    check_in_id: ID(n.note.check_in_id.to_string()),
                    text: n.note.text.expose().to_owned(),
                    created_at: n.note.created_at,
                })
                .collect(),
        ))
    }

    /// Referrals (client, advisor, hr_admin; `forbidden` for the supervisor).
    #[graphql(complexity = "super::limits::list(super::limits::FOCUS_AREAS, child_complexity)")]
    async fn referrals(&self, ctx: &Context<'_>) -> Result<Option<Vec<AdvisingReferral>>> {
        let all = svc::list_referrals(service_ctx(ctx)?, self.key)
            .await
            .gql()?;
        Ok(Some(
            all.iter()
                .map(|r| AdvisingReferral {
                    id: ID(r.id.to_string()),
                    target: r.target.code().to_owned(),
                    referred_on: r.referred_on,
                    note: r.note.clone(),
                })
                .collect(),
        ))
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

#[derive(SimpleObject)]
pub struct SupportRoleNode {
    role: String,
    who_it_is_for: String,
    relationship: String,
    who_judges_progress: String,
    in_learnwell: String,
}

/// Which support role fits a need, why, and the delineation table.
#[derive(SimpleObject)]
pub struct SupportFitNode {
    /// `coach`, `mentor`, `performance_advisor`, `eap`, or null.
    role: Option<String>,
    reason: String,
    #[graphql(complexity = "super::limits::list(super::limits::FOCUS_AREAS, child_complexity)")]
    table: Vec<SupportRoleNode>,
}

impl From<&SupportFit> for SupportFitNode {
    fn from(f: &SupportFit) -> Self {
        Self {
            role: f.role.map(|r| r.role.to_owned()),
            reason: f.reason.clone(),
            table: SUPPORT_ROLES
                .iter()
                .map(|r| SupportRoleNode {
                    role: r.role.to_owned(),
                    who_it_is_for: r.who_it_is_for.to_owned(),
                    relationship: r.relationship.to_owned(),
                    who_judges_progress: r.who_judges_progress.to_owned(),
                    in_learnwell: r.in_learnwell.to_owned(),
                })
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct AdvisingQuery;

#[Object]
impl AdvisingQuery {
    /// One engagement (an error `not_found` unless the caller takes part in it or is hr_admin).
    async fn advising_engagement(&self, ctx: &Context<'_>, id: ID) -> Result<AdvisingEngagement> {
        let id = parse_id(&id, "engagement")?;
        let v = svc::get_engagement(service_ctx(ctx)?, id).await.gql()?;
        Ok((&v).into())
    }

    /// The engagements the caller takes part in (every one for hr_admin).
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn advising_engagements(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, AdvisingEngagement>> {
        let first = first.map(|n| u64::try_from(n).unwrap_or(0));
        let page = svc::list_engagements(service_ctx(ctx)?, first, after.clone())
            .await
            .gql()?;
        let mut conn = Connection::new(after.is_some(), page.next_cursor.is_some());
        conn.edges.extend(
            page.items
                .iter()
                .map(|v| Edge::new(encode_cursor(v.engagement.id), v.into())),
        );
        Ok(conn)
    }

    /// Running engagements whose check-in is overdue (their advisor and supervisor; hr_admin
    /// sees every one).
    #[graphql(complexity = "super::limits::list(super::limits::DEFAULT_PAGE, child_complexity)")]
    async fn overdue_check_ins(&self, ctx: &Context<'_>) -> Result<Vec<AdvisingEngagement>> {
        let all = svc::overdue_check_ins(service_ctx(ctx)?).await.gql()?;
        Ok(all.iter().map(Into::into).collect())
    }

    /// Which support role fits a described need, with the reason.
    async fn support_fit(&self, ctx: &Context<'_>, need: String) -> Result<SupportFitNode> {
        let fit = svc::support_fit(service_ctx(ctx)?, Some(&need)).gql()?;
        Ok((&fit).into())
    }
}
