//! Performance advising over REST: engagements, check-ins, ratings, reflections, advisor
//! notes, referrals, the export for the HR file, caseloads, and `support/fit`.

use super::{etag, IfMatch, PageOf, PageParams};
use crate::body::{nullable, JsonBody};
use crate::error::{ApiError, ApiResult, Problem};
use crate::services::advising::{
    self as svc, CheckInView, EngagementExport, EngagementPatch, EngagementView, FocusProgress,
    NoteView, OpenEngagement, RatingsCommand, ReferralCommand, UnitOutcomes,
};
use crate::services::{Ctx, Page};
use actix_web::http::StatusCode;
use actix_web::{get, patch, post, put, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use learnwell_domain::advising::{
    Caseload, FocusArea, FocusAreaFields, HistoryEntry, PlanFields, Referral, SupportFit,
    SUPPORT_ROLES,
};
use learnwell_domain::ids::{CheckInId, EmployeeId, EngagementId};
use learnwell_domain::learning_time::parse_day;
use learnwell_domain::privacy::Cell;
use learnwell_domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_support_fit)
        .service(list_advising_engagements)
        .service(open_advising_engagement)
        .service(list_overdue_check_ins)
        .service(list_advisor_caseloads)
        .service(get_advising_outcomes_by_unit)
        .service(list_advising_events)
        .service(get_advising_engagement)
        .service(update_advising_engagement)
        .service(acknowledge_advising_engagement)
        .service(activate_advising_engagement)
        .service(extend_advising_engagement)
        .service(close_advising_engagement)
        .service(list_advising_engagement_history)
        .service(list_check_ins)
        .service(hold_check_in)
        .service(list_focus_area_progress)
        .service(list_advisor_notes)
        .service(list_referrals)
        .service(refer_advising_client)
        .service(export_advising_engagement)
        .service(rate_check_in)
        .service(write_check_in_reflection)
        .service(add_advisor_note);
}

// ---- request bodies ----

/// A focus area: a kind, measurable expectations and the support offered. Send `id` to keep an
/// existing area (its ratings follow it) when changing a plan.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FocusAreaInput {
    pub id: Option<String>,
    /// `time_management`, `communication_style`, `quality`, `prioritisation`, `collaboration`
    /// or `custom` (with a `title`).
    pub kind: Option<String>,
    pub title: Option<String>,
    pub expectations: Option<String>,
    pub support: Option<String>,
}

impl From<FocusAreaInput> for FocusAreaFields {
    fn from(i: FocusAreaInput) -> Self {
        Self {
            id: i.id,
            kind: i.kind,
            title: i.title,
            expectations: i.expectations,
            support: i.support,
        }
    }
}

/// A new engagement (in draft). Without `client_id`: for yourself (a self-referral).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EngagementInput {
    #[schema(value_type = Option<String>)]
    pub client_id: Option<EmployeeId>,
    /// `pip`, `manager_referral` or `self_referral`.
    pub origin: Option<String>,
    #[schema(value_type = Option<String>)]
    pub advisor_id: Option<EmployeeId>,
    /// Pins the supervisor; without it the supervisor is the client's manager (and follows HRIS
    /// manager changes).
    #[schema(value_type = Option<String>)]
    pub supervisor_id: Option<EmployeeId>,
    pub focus_areas: Option<Vec<FocusAreaInput>>,
    /// `weekly` (default), `fortnightly` or `custom` (with `cadence_days`).
    pub cadence: Option<String>,
    pub cadence_days: Option<i64>,
    /// YYYY-MM-DD
    pub start_date: Option<String>,
    /// YYYY-MM-DD (PIPs are usually 30, 60 or 90 days)
    pub planned_end: Option<String>,
}

/// A change of an engagement (`If-Match` required). In draft the plan changes freely; once in
/// force a plan change is an amendment and needs a `reason`. `advisor_id` / `supervisor_id`
/// null: no advisor / follow the client's manager again.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EngagementPatchInput {
    pub focus_areas: Option<Vec<FocusAreaInput>>,
    pub cadence: Option<String>,
    pub cadence_days: Option<i64>,
    pub start_date: Option<String>,
    pub planned_end: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub advisor_id: Option<Option<EmployeeId>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub supervisor_id: Option<Option<EmployeeId>>,
    pub reason: Option<String>,
}

fn days(errors: &mut Vec<FieldError>, field: &str, v: Option<&String>) -> Option<NaiveDate> {
    v.and_then(|d| parse_day(field, d).map_err(|e| errors.push(e)).ok())
}

fn plan_fields(
    focus_areas: Option<Vec<FocusAreaInput>>,
    cadence: Option<String>,
    cadence_days: Option<i64>,
    start: Option<&String>,
    end: Option<&String>,
) -> ApiResult<PlanFields> {
    let mut errors = Vec::new();
    let fields = PlanFields {
        focus_areas: focus_areas.map(|f| f.into_iter().map(Into::into).collect()),
        cadence,
        cadence_days,
        start_date: days(&mut errors, "start_date", start),
        planned_end: days(&mut errors, "planned_end", end),
    };
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(ApiError::Validation(errors))
    }
}

impl EngagementInput {
    fn into_command(self) -> ApiResult<OpenEngagement> {
        let plan = plan_fields(
            self.focus_areas,
            self.cadence,
            self.cadence_days,
            self.start_date.as_ref(),
            self.planned_end.as_ref(),
        )?;
        Ok(OpenEngagement {
            client_id: self.client_id,
            origin: self.origin,
            advisor_id: self.advisor_id,
            supervisor_id: self.supervisor_id,
            plan,
        })
    }
}

impl EngagementPatchInput {
    fn into_command(self) -> ApiResult<EngagementPatch> {
        let plan = plan_fields(
            self.focus_areas,
            self.cadence,
            self.cadence_days,
            self.start_date.as_ref(),
            self.planned_end.as_ref(),
        )?;
        Ok(EngagementPatch {
            plan,
            advisor_id: self.advisor_id,
            supervisor_id: self.supervisor_id,
            reason: self.reason,
        })
    }
}

/// The client acknowledges their PIP.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeInput {
    pub comment: Option<String>,
}

/// A new planned end and why.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendInput {
    /// YYYY-MM-DD, after the current planned end.
    pub planned_end: Option<String>,
    pub reason: Option<String>,
}

/// How the engagement ended.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    /// `completed_successful`, `completed_unsuccessful` or `withdrawn`.
    pub outcome: Option<String>,
    /// The closing summary.
    pub summary: Option<String>,
}

/// A check-in held on a day (default today).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInInput {
    /// YYYY-MM-DD
    pub held_on: Option<String>,
    /// The session's length: logged as the client's learning time (category `advising`, in
    /// work time), so development during a PIP happens in work time.
    pub session_minutes: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    pub focus_area_id: Option<String>,
    /// `not_met`, `partly_met`, `met` or `exceeded`.
    pub rating: Option<String>,
}

/// The supervisor's ratings at a check-in.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingsInput {
    pub ratings: Vec<RatingInput>,
}

/// A text: the client's reflection, or the advisor's note.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextInput {
    pub text: Option<String>,
}

/// A referral. For the EAP send no note: only the fact and the date are stored.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralInput {
    /// `coach`, `mentor` or `eap`.
    pub target: Option<String>,
    /// YYYY-MM-DD (default today)
    pub referred_on: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FitParams {
    /// The need, described in words ("told to improve my time management").
    pub need: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseloadParams {
    /// One advisor (hr_admin); an advisor always gets their own.
    #[param(value_type = Option<String>)]
    pub advisor_id: Option<EmployeeId>,
    /// Page size, 1-200 (default 50).
    pub first: Option<u64>,
    /// Cursor from `next_cursor` of the previous page.
    pub after: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `json` (default) or `markdown`.
    pub format: Option<String>,
}

// ---- responses ----

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FocusAreaResource {
    pub id: String,
    pub kind: String,
    pub title: Option<String>,
    pub expectations: String,
    pub support: Option<String>,
}

impl From<&FocusArea> for FocusAreaResource {
    fn from(f: &FocusArea) -> Self {
        Self {
            id: f.id.to_string(),
            kind: f.kind.code().to_owned(),
            title: f.title.clone(),
            expectations: f.expectations.clone(),
            support: f.support.clone(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EngagementResource {
    pub id: String,
    pub client_id: String,
    pub advisor_id: Option<String>,
    /// The supervisor in effect: the pinned one, or the client's current manager.
    pub supervisor_id: Option<String>,
    pub supervisor_pinned: bool,
    pub origin: String,
    /// `draft`, `active`, `extended`, `completed_successful`, `completed_unsuccessful`,
    /// `withdrawn`.
    pub state: String,
    pub focus_areas: Vec<FocusAreaResource>,
    pub cadence: String,
    pub cadence_days: u32,
    pub start_date: NaiveDate,
    pub planned_end: NaiveDate,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledgement_comment: Option<String>,
    pub activated_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closing_summary: Option<String>,
    pub last_check_in: Option<NaiveDate>,
    pub next_check_in_due: Option<NaiveDate>,
    pub check_in_overdue: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&EngagementView> for EngagementResource {
    fn from(v: &EngagementView) -> Self {
        let e = &v.engagement;
        Self {
            id: e.id.to_string(),
            client_id: e.client_id.to_string(),
            advisor_id: e.advisor_id.map(|a| a.to_string()),
            supervisor_id: e.supervisor_id.map(|s| s.to_string()),
            supervisor_pinned: e.supervisor_pinned,
            origin: e.origin.code().to_owned(),
            state: e.state.code().to_owned(),
            focus_areas: e.plan.focus_areas.iter().map(Into::into).collect(),
            cadence: e.plan.cadence.code().to_owned(),
            cadence_days: e.plan.cadence.days(),
            start_date: e.plan.start_date,
            planned_end: e.plan.planned_end,
            acknowledged_at: e.acknowledgement.as_ref().map(|a| a.at),
            acknowledgement_comment: e.acknowledgement.as_ref().and_then(|a| a.comment.clone()),
            activated_at: e.activated_at,
            closed_at: e.closed_at,
            closing_summary: e.closing_summary.clone(),
            last_check_in: e.last_check_in,
            next_check_in_due: v.next_check_in_due,
            check_in_overdue: v.check_in_overdue,
            version: e.version,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// A page of advising engagements.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EngagementPage {
    pub items: Vec<EngagementResource>,
    /// Pass as `after` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl From<Page<EngagementView>> for EngagementPage {
    fn from(page: Page<EngagementView>) -> Self {
        Self {
            items: page.items.iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RatingResource {
    pub focus_area_id: String,
    pub rating: String,
    pub rated_by: String,
    pub rated_at: DateTime<Utc>,
}

/// A check-in: the ratings the caller may read and, for the client, the advisor and the
/// supervisor, the client's reflection. Advisor notes are never here.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckInResource {
    pub id: String,
    pub engagement_id: String,
    pub held_on: NaiveDate,
    pub ratings: Vec<RatingResource>,
    /// Absent for readers who may not read it (`hr_admin`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reflection: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&CheckInView> for CheckInResource {
    fn from(v: &CheckInView) -> Self {
        let c = &v.check_in;
        Self {
            id: c.id.to_string(),
            engagement_id: c.engagement_id.to_string(),
            held_on: c.held_on,
            ratings: c
                .ratings
                .iter()
                .map(|r| RatingResource {
                    focus_area_id: r.focus_area_id.to_string(),
                    rating: r.rating.code().to_owned(),
                    rated_by: r.rated_by.to_string(),
                    rated_at: r.rated_at,
                })
                .collect(),
            reflection: c.reflection.clone().filter(|_| v.reflection_visible),
            created_at: c.created_at,
        }
    }
}

/// An advisor note, only ever answered to its author.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoteResource {
    pub id: String,
    pub check_in_id: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

impl From<&NoteView> for NoteResource {
    fn from(v: &NoteView) -> Self {
        Self {
            id: v.note.id.to_string(),
            check_in_id: v.note.check_in_id.to_string(),
            text: v.note.text.expose().to_owned(),
            created_at: v.note.created_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryResource {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub reason: Option<String>,
    pub detail: Option<String>,
}

impl From<&HistoryEntry> for HistoryResource {
    fn from(h: &HistoryEntry) -> Self {
        Self {
            at: h.at,
            actor: h.actor.clone(),
            action: h.action.clone(),
            reason: h.reason.clone(),
            detail: h.detail.clone(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReferralResource {
    pub id: String,
    /// `coach`, `mentor` or `eap`.
    pub target: String,
    pub referred_on: NaiveDate,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&Referral> for ReferralResource {
    fn from(r: &Referral) -> Self {
        Self {
            id: r.id.to_string(),
            target: r.target.code().to_owned(),
            referred_on: r.referred_on,
            note: r.note.clone(),
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProgressPoint {
    pub held_on: NaiveDate,
    pub rating: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FocusProgressResource {
    pub focus_area: FocusAreaResource,
    pub ratings: Vec<ProgressPoint>,
}

impl From<&FocusProgress> for FocusProgressResource {
    fn from(p: &FocusProgress) -> Self {
        Self {
            focus_area: (&p.focus_area).into(),
            ratings: p
                .ratings
                .iter()
                .map(|(held_on, rating)| ProgressPoint {
                    held_on: *held_on,
                    rating: rating.code().to_owned(),
                })
                .collect(),
        }
    }
}

/// One row of the delineation table.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SupportRoleResource {
    pub role: String,
    pub who_it_is_for: String,
    pub relationship: String,
    pub who_judges_progress: String,
    pub in_learnwell: String,
}

/// Which support role fits a need, why, and the table it was read from.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SupportFitResource {
    /// `coach`, `mentor`, `performance_advisor`, `eap`, or null when nothing in the need
    /// points to one.
    pub role: Option<String>,
    pub reason: String,
    pub table: Vec<SupportRoleResource>,
}

impl From<&SupportFit> for SupportFitResource {
    fn from(f: &SupportFit) -> Self {
        Self {
            role: f.role.map(|r| r.role.to_owned()),
            reason: f.reason.clone(),
            table: SUPPORT_ROLES
                .iter()
                .map(|r| SupportRoleResource {
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseloadResource {
    /// Null: engagements without an advisor yet.
    pub advisor_id: Option<String>,
    pub draft: u32,
    pub running: u32,
    pub completed_successful: u32,
    pub completed_unsuccessful: u32,
    pub withdrawn: u32,
    pub overdue_check_ins: u32,
    pub median_days_to_outcome: Option<i64>,
    pub share_successful: Option<f64>,
}

impl From<&Caseload> for CaseloadResource {
    fn from(c: &Caseload) -> Self {
        Self {
            advisor_id: c.advisor_id.map(|a| a.to_string()),
            draft: c.draft,
            running: c.running,
            completed_successful: c.completed_successful,
            completed_unsuccessful: c.completed_unsuccessful,
            withdrawn: c.withdrawn,
            overdue_check_ins: c.overdue_check_ins,
            median_days_to_outcome: c.median_days_to_outcome,
            share_successful: c.share_successful,
        }
    }
}

/// The outcomes of a group (the organisation, or an org unit with its descendants). When
/// `suppressed` every figure is null and `suppression_reason` says why (`below_minimum`,
/// `complementary`): see "Aggregates and privacy".
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutcomesResource {
    pub suppressed: bool,
    pub suppression_reason: Option<String>,
    pub draft: Option<u32>,
    pub running: Option<u32>,
    pub completed_successful: Option<u32>,
    pub completed_unsuccessful: Option<u32>,
    pub withdrawn: Option<u32>,
    pub overdue_check_ins: Option<u32>,
    pub median_days_to_outcome: Option<i64>,
    pub share_successful: Option<f64>,
}

impl From<&Cell<Caseload>> for OutcomesResource {
    fn from(cell: &Cell<Caseload>) -> Self {
        let c = cell.value();
        let reason = match cell {
            Cell::Value(_) => None,
            Cell::Suppressed(r) => Some(r.as_str().to_owned()),
        };
        Self {
            suppressed: reason.is_some(),
            suppression_reason: reason,
            draft: c.map(|c| c.draft),
            running: c.map(|c| c.running),
            completed_successful: c.map(|c| c.completed_successful),
            completed_unsuccessful: c.map(|c| c.completed_unsuccessful),
            withdrawn: c.map(|c| c.withdrawn),
            overdue_check_ins: c.map(|c| c.overdue_check_ins),
            median_days_to_outcome: c.and_then(|c| c.median_days_to_outcome),
            share_successful: c.and_then(|c| c.share_successful),
        }
    }
}

/// An org unit's outcomes, with its descendants.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitOutcomesResource {
    pub org_unit_id: String,
    #[serde(flatten)]
    pub outcomes: OutcomesResource,
}

/// Outcomes by org unit: one decision of the privacy engine over the organisation and every
/// unit, so one document (as the other aggregates are), not a page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutcomesByUnitResource {
    pub organisation: OutcomesResource,
    /// Every org unit with its descendants, in creation order.
    pub units: Vec<UnitOutcomesResource>,
}

impl From<&UnitOutcomes> for OutcomesByUnitResource {
    fn from(o: &UnitOutcomes) -> Self {
        Self {
            organisation: (&o.organisation).into(),
            units: o
                .units
                .iter()
                .map(|(u, cell)| UnitOutcomesResource {
                    org_unit_id: u.to_string(),
                    outcomes: cell.into(),
                })
                .collect(),
        }
    }
}

/// The export of an engagement for the HR file: no advisor note.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportResource {
    pub engagement: EngagementResource,
    pub history: Vec<HistoryResource>,
    pub check_ins: Vec<CheckInResource>,
    pub referrals: Vec<ReferralResource>,
}

impl From<&EngagementExport> for ExportResource {
    fn from(x: &EngagementExport) -> Self {
        Self {
            engagement: (&x.engagement).into(),
            history: x.history.iter().map(Into::into).collect(),
            check_ins: x.check_ins.iter().map(Into::into).collect(),
            referrals: x.referrals.iter().map(Into::into).collect(),
        }
    }
}

/// The export as a Markdown document.
fn markdown(x: &ExportResource) -> String {
    use std::fmt::Write;
    let e = &x.engagement;
    let mut md = String::new();
    let _ = writeln!(md, "# Advising engagement {}\n", e.id);
    let _ = writeln!(md, "- Client: {}\n- Advisor: {}\n- Supervisor: {}\n- Origin: {}\n- State: {}\n- Start: {}\n- Planned end: {}\n- Cadence: {} ({} days)",
        e.client_id, e.advisor_id.as_deref().unwrap_or("-"), e.supervisor_id.as_deref().unwrap_or("-"),
        e.origin, e.state, e.start_date, e.planned_end, e.cadence, e.cadence_days);
    if let Some(at) = e.acknowledged_at {
        let _ = writeln!(md, "- Acknowledged by the client: {}", at.date_naive());
    }
    if let Some(summary) = &e.closing_summary {
        let _ = writeln!(md, "- Closing summary: {summary}");
    }
    let _ = writeln!(md, "\n## Focus areas\n");
    for f in &e.focus_areas {
        let _ = writeln!(
            md,
            "- **{}**: {} (support: {})",
            f.title.as_deref().unwrap_or(&f.kind),
            f.expectations,
            f.support.as_deref().unwrap_or("-")
        );
    }
    let _ = writeln!(md, "\n## Check-ins\n");
    for c in &x.check_ins {
        let ratings: Vec<String> = c
            .ratings
            .iter()
            .map(|r| format!("{}: {}", r.focus_area_id, r.rating))
            .collect();
        let _ = writeln!(
            md,
            "- {}: {}",
            c.held_on,
            if ratings.is_empty() {
                "not rated".to_owned()
            } else {
                ratings.join(", ")
            }
        );
    }
    let _ = writeln!(md, "\n## Referrals\n");
    for r in &x.referrals {
        let _ = writeln!(md, "- {} on {}", r.target, r.referred_on);
    }
    let _ = writeln!(md, "\n## History\n");
    for h in &x.history {
        let _ = writeln!(
            md,
            "- {} {} by {}{}",
            h.at.to_rfc3339(),
            h.action,
            h.actor,
            h.reason
                .as_ref()
                .map(|r| format!(" (reason: {r})"))
                .unwrap_or_default()
        );
    }
    md
}

fn engagement(v: &EngagementView, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(actix_web::http::header::ETag(etag(v.engagement.version)))
        .json(EngagementResource::from(v))
}

fn date(field: &str, v: Option<&String>) -> ApiResult<Option<NaiveDate>> {
    v.map(|d| parse_day(field, d))
        .transpose()
        .map_err(ApiError::validation)
}

// ---- handlers ----

/// Which support role fits a described need (coach, mentor, performance advisor, EAP), with the
/// reason and the delineation table. Any person.
#[utoipa::path(tag = "advising", params(FitParams), security(("bearer" = [])),
    responses((status = 200, body = SupportFitResource)))]
#[get("/support/fit")]
async fn get_support_fit(ctx: Ctx, q: web::Query<FitParams>) -> ApiResult<HttpResponse> {
    let fit = svc::support_fit(&ctx, q.need.as_deref())?;
    Ok(HttpResponse::Ok().json(SupportFitResource::from(&fit)))
}

/// The engagements you take part in (as client, advisor or supervisor; every one for hr_admin).
#[utoipa::path(tag = "advising", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = EngagementPage)))]
#[get("/advising/engagements")]
async fn list_advising_engagements(ctx: Ctx, q: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = svc::list_engagements(&ctx, q.first, q.after).await?;
    Ok(HttpResponse::Ok().json(EngagementPage::from(page)))
}

/// Open an engagement (draft): hr_admin for anyone, a manager for a report (`pip`,
/// `manager_referral`), a person for themselves (`self_referral`).
#[utoipa::path(tag = "advising", request_body = EngagementInput, security(("bearer" = [])),
    responses((status = 201, body = EngagementResource), (status = 422, body = Problem)))]
#[post("/advising/engagements")]
async fn open_advising_engagement(
    ctx: Ctx,
    body: JsonBody<EngagementInput>,
) -> ApiResult<HttpResponse> {
    let v = svc::open(&ctx, body.0.into_command()?).await?;
    Ok(engagement(&v, StatusCode::CREATED))
}

/// Running engagements whose check-in is overdue, for their advisor and supervisor (every one
/// for hr_admin), a page at a time in creation order.
#[utoipa::path(tag = "advising", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = EngagementPage)))]
#[get("/advising/overdue-check-ins")]
async fn list_overdue_check_ins(ctx: Ctx, q: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let page = svc::overdue_check_ins(&ctx, q.first, q.after.as_deref()).await?;
    Ok(HttpResponse::Ok().json(EngagementPage::from(page)))
}

/// Caseload and outcomes per advisor (hr_admin; an advisor sees their own), a page at a time
/// by advisor (the engagements without an advisor yet first).
#[utoipa::path(tag = "advising", params(CaseloadParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<CaseloadResource>)))]
#[get("/advising/caseload")]
async fn list_advisor_caseloads(
    ctx: Ctx,
    q: web::Query<CaseloadParams>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = svc::caseload(&ctx, q.advisor_id, q.first, q.after.as_deref()).await?;
    Ok(HttpResponse::Ok().json(PageOf::map(page, |c| CaseloadResource::from(&c))))
}

/// An advising event for the coming webhooks.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdvisingEventResource {
    pub id: String,
    /// `check_in.overdue`
    pub kind: String,
    pub engagement_id: String,
    /// The due date that passed.
    pub due_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdvisingEventPage {
    pub items: Vec<AdvisingEventResource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Advising events, oldest first (hr_admin): `check_in.overdue` once per engagement and due
/// date, recorded by a sweep every 15 minutes; the feed the coming webhooks deliver.
#[utoipa::path(tag = "advising", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = AdvisingEventPage)))]
#[get("/advising/events")]
async fn list_advising_events(ctx: Ctx, q: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = svc::list_events(&ctx, q.first, q.after).await?;
    Ok(HttpResponse::Ok().json(AdvisingEventPage {
        items: page
            .items
            .into_iter()
            .map(|e| AdvisingEventResource {
                id: e.id,
                kind: e.kind,
                engagement_id: e.engagement_id.to_string(),
                due_on: e.due_on,
                created_at: e.created_at,
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Outcomes for the organisation and every org unit (with its descendants), through the privacy
/// engine (hr_admin).
#[utoipa::path(tag = "advising", security(("bearer" = [])),
    responses((status = 200, body = OutcomesByUnitResource)))]
#[get("/advising/outcomes-by-unit")]
async fn get_advising_outcomes_by_unit(ctx: Ctx) -> ApiResult<HttpResponse> {
    let outcomes = svc::outcomes_by_unit(&ctx).await?;
    Ok(HttpResponse::Ok().json(OutcomesByUnitResource::from(&outcomes)))
}

/// One engagement (404 unless you take part in it or are hr_admin).
#[utoipa::path(tag = "advising", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = EngagementResource)))]
#[get("/advising/engagements/{id}")]
async fn get_advising_engagement(ctx: Ctx, id: web::Path<EngagementId>) -> ApiResult<HttpResponse> {
    let v = svc::get_engagement(&ctx, id.into_inner()).await?;
    Ok(engagement(&v, StatusCode::OK))
}

/// Change the plan or the people (advisor, supervisor, hr_admin). Send `If-Match`.
#[utoipa::path(tag = "advising", params(("id" = String, Path), ("If-Match" = String, Header)), request_body = EngagementPatchInput, security(("bearer" = [])),
    responses((status = 200, body = EngagementResource), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[patch("/advising/engagements/{id}")]
async fn update_advising_engagement(
    ctx: Ctx,
    if_match: IfMatch,
    id: web::Path<EngagementId>,
    body: JsonBody<EngagementPatchInput>,
) -> ApiResult<HttpResponse> {
    let v = svc::change(&ctx, id.into_inner(), if_match.0, body.0.into_command()?).await?;
    Ok(engagement(&v, StatusCode::OK))
}

/// The client acknowledges their PIP (date recorded, optional comment); it can start after.
#[utoipa::path(tag = "advising", params(("id" = String, Path)), request_body = AcknowledgeInput, security(("bearer" = [])),
    responses((status = 200, body = EngagementResource), (status = 409, body = Problem)))]
#[post("/advising/engagements/{id}:acknowledge")]
async fn acknowledge_advising_engagement(
    ctx: Ctx,
    id: web::Path<EngagementId>,
    body: JsonBody<AcknowledgeInput>,
) -> ApiResult<HttpResponse> {
    let v = svc::acknowledge(&ctx, id.into_inner(), body.0.comment).await?;
    Ok(engagement(&v, StatusCode::OK))
}

/// Put the plan in force; its expectations lock.
#[utoipa::path(tag = "advising", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = EngagementResource), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/advising/engagements/{id}:activate")]
async fn activate_advising_engagement(
    ctx: Ctx,
    id: web::Path<EngagementId>,
) -> ApiResult<HttpResponse> {
    let v = svc::activate(&ctx, id.into_inner()).await?;
    Ok(engagement(&v, StatusCode::OK))
}

/// Move the planned end later, with a reason.
#[utoipa::path(tag = "advising", params(("id" = String, Path)), request_body = ExtendInput, security(("bearer" = [])),
    responses((status = 200, body = EngagementResource), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/advising/engagements/{id}:extend")]
async fn extend_advising_engagement(
    ctx: Ctx,
    id: web::Path<EngagementId>,
    body: JsonBody<ExtendInput>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let end = date("planned_end", b.planned_end.as_ref())?;
    let v = svc::extend(&ctx, id.into_inner(), end, b.reason).await?;
    Ok(engagement(&v, StatusCode::OK))
}

/// End the engagement with its outcome and a closing summary.
#[utoipa::path(tag = "advising", params(("id" = String, Path)), request_body = CloseInput, security(("bearer" = [])),
    responses((status = 200, body = EngagementResource), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/advising/engagements/{id}:close")]
async fn close_advising_engagement(
    ctx: Ctx,
    id: web::Path<EngagementId>,
    body: JsonBody<CloseInput>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let v = svc::close(&ctx, id.into_inner(), b.outcome, b.summary).await?;
    Ok(engagement(&v, StatusCode::OK))
}

/// Every change with its reason, oldest first.
#[utoipa::path(tag = "advising", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<HistoryResource>)))]
#[get("/advising/engagements/{id}/history")]
async fn list_advising_engagement_history(
    ctx: Ctx,
    id: web::Path<EngagementId>,
) -> ApiResult<HttpResponse> {
    let all = svc::history(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(all.iter().map(HistoryResource::from).collect::<Vec<_>>()))
}

/// The check-ins, with what you may read of them (never advisor notes).
#[utoipa::path(tag = "advising", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<CheckInResource>)))]
#[get("/advising/engagements/{id}/check-ins")]
async fn list_check_ins(ctx: Ctx, id: web::Path<EngagementId>) -> ApiResult<HttpResponse> {
    let all = svc::list_check_ins(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(all.iter().map(CheckInResource::from).collect::<Vec<_>>()))
}

/// Record a check-in (the advisor or the supervisor).
#[utoipa::path(tag = "advising", params(("id" = String, Path)), request_body = CheckInInput, security(("bearer" = [])),
    responses((status = 201, body = CheckInResource), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/advising/engagements/{id}/check-ins")]
async fn hold_check_in(
    ctx: Ctx,
    id: web::Path<EngagementId>,
    body: JsonBody<CheckInInput>,
) -> ApiResult<HttpResponse> {
    let held_on = date("held_on", body.0.held_on.as_ref())?;
    let c = svc::hold_check_in(&ctx, id.into_inner(), held_on, body.0.session_minutes).await?;
    Ok(HttpResponse::Created().json(CheckInResource::from(&c)))
}

/// Each focus area's ratings over time.
#[utoipa::path(tag = "advising", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<FocusProgressResource>)))]
#[get("/advising/engagements/{id}/progress")]
async fn list_focus_area_progress(
    ctx: Ctx,
    id: web::Path<EngagementId>,
) -> ApiResult<HttpResponse> {
    let all = svc::progress(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(
        all.iter()
            .map(FocusProgressResource::from)
            .collect::<Vec<_>>(),
    ))
}

/// Your own advisor notes on the engagement (the advisor only).
#[utoipa::path(tag = "advising", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<NoteResource>)))]
#[get("/advising/engagements/{id}/notes")]
async fn list_advisor_notes(ctx: Ctx, id: web::Path<EngagementId>) -> ApiResult<HttpResponse> {
    let all = svc::list_notes(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(all.iter().map(NoteResource::from).collect::<Vec<_>>()))
}

/// Referrals (client, advisor, hr_admin).
#[utoipa::path(tag = "advising", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<ReferralResource>)))]
#[get("/advising/engagements/{id}/referrals")]
async fn list_referrals(ctx: Ctx, id: web::Path<EngagementId>) -> ApiResult<HttpResponse> {
    let all = svc::list_referrals(&ctx, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(all.iter().map(ReferralResource::from).collect::<Vec<_>>()))
}

/// Refer the client to a coach, a mentor or the EAP (the advisor or hr_admin).
#[utoipa::path(tag = "advising", params(("id" = String, Path)), request_body = ReferralInput, security(("bearer" = [])),
    responses((status = 201, body = ReferralResource), (status = 422, body = Problem)))]
#[post("/advising/engagements/{id}/referrals")]
async fn refer_advising_client(
    ctx: Ctx,
    id: web::Path<EngagementId>,
    body: JsonBody<ReferralInput>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let cmd = ReferralCommand {
        referred_on: date("referred_on", b.referred_on.as_ref())?,
        target: b.target,
        note: b.note,
    };
    let r = svc::refer(&ctx, id.into_inner(), cmd).await?;
    Ok(HttpResponse::Created().json(ReferralResource::from(&r)))
}

/// The read-only export for the HR file (hr_admin), as JSON or Markdown; never advisor notes.
#[utoipa::path(tag = "advising", params(("id" = String, Path), ExportParams), security(("bearer" = [])),
    responses((status = 200, description = "The export: JSON (default) or, with format=markdown, text/markdown", body = ExportResource)))]
#[get("/advising/engagements/{id}/export")]
async fn export_advising_engagement(
    ctx: Ctx,
    id: web::Path<EngagementId>,
    q: web::Query<ExportParams>,
) -> ApiResult<HttpResponse> {
    let markdown_wanted = match q.format.as_deref() {
        None | Some("json") => false,
        Some("markdown") => true,
        Some(_) => {
            return Err(ApiError::InvalidQuery(FieldError::new(
                "format",
                "must be json or markdown",
            )))
        }
    };
    let x = ExportResource::from(&svc::export(&ctx, id.into_inner()).await?);
    Ok(if markdown_wanted {
        HttpResponse::Ok()
            .content_type("text/markdown; charset=utf-8")
            .body(markdown(&x))
    } else {
        HttpResponse::Ok().json(x)
    })
}

/// The supervisor's ratings of focus areas at a check-in (only the supervisor rates).
#[utoipa::path(tag = "advising", params(("id" = String, Path)), request_body = RatingsInput, security(("bearer" = [])),
    responses((status = 200, body = CheckInResource), (status = 422, body = Problem)))]
#[put("/advising/check-ins/{id}/ratings")]
async fn rate_check_in(
    ctx: Ctx,
    id: web::Path<CheckInId>,
    body: JsonBody<RatingsInput>,
) -> ApiResult<HttpResponse> {
    let cmd = RatingsCommand {
        ratings: body
            .0
            .ratings
            .into_iter()
            .map(|r| (r.focus_area_id, r.rating))
            .collect(),
    };
    let c = svc::rate(&ctx, id.into_inner(), cmd).await?;
    Ok(HttpResponse::Ok().json(CheckInResource::from(&c)))
}

/// The client's reflection on a check-in.
#[utoipa::path(tag = "advising", params(("id" = String, Path)), request_body = TextInput, security(("bearer" = [])),
    responses((status = 200, body = CheckInResource), (status = 422, body = Problem)))]
#[put("/advising/check-ins/{id}/reflection")]
async fn write_check_in_reflection(
    ctx: Ctx,
    id: web::Path<CheckInId>,
    body: JsonBody<TextInput>,
) -> ApiResult<HttpResponse> {
    let c = svc::reflect(&ctx, id.into_inner(), body.0.text).await?;
    Ok(HttpResponse::Ok().json(CheckInResource::from(&c)))
}

/// The advisor's note on a check-in: sealed at rest, read by its author only.
#[utoipa::path(tag = "advising", params(("id" = String, Path)), request_body = TextInput, security(("bearer" = [])),
    responses((status = 201, body = NoteResource), (status = 422, body = Problem)))]
#[post("/advising/check-ins/{id}/notes")]
async fn add_advisor_note(
    ctx: Ctx,
    id: web::Path<CheckInId>,
    body: JsonBody<TextInput>,
) -> ApiResult<HttpResponse> {
    let n = svc::add_note(&ctx, id.into_inner(), body.0.text).await?;
    Ok(HttpResponse::Created().json(NoteResource::from(&n)))
}
