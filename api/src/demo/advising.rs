//! The demo's performance advising: an advisor in HR Operations with three engagements, created
//! through the same use cases as real ones: a PIP with an overdue check-in (and the advisor's
//! note), a manager referral that succeeded, and a self-referral in progress, so `support/fit`,
//! the caseload and the overdue list answer on first run.

use crate::error::ApiResult;
use crate::services::advising::{self as svc, OpenEngagement, RatingsCommand};
use crate::services::{Ctx, Services};
use chrono::{Days, NaiveDate};
use learnwell_domain::access::{Principal, Role};
use learnwell_domain::advising::{FocusAreaFields, PlanFields};
use learnwell_domain::ids::EmployeeId;
use learnwell_domain::org::EmployeeFields;
use std::collections::{BTreeSet, HashMap};

/// The people the demo's engagements are about, by external id.
pub struct Cast {
    advisor: String,
    clients: Vec<(String, String)>,
}

fn active(r: &EmployeeFields) -> bool {
    r.status.as_deref() == Some("active")
}

/// Choose the advisor (HR Operations) and three clients with a manager, in three teams, all
/// active and hired long enough ago for the engagements' dates.
pub fn cast(records: &[EmployeeFields], today: NaiveDate) -> Option<Cast> {
    let long_ago = ago(today, 200).format("%Y-%m-%d").to_string();
    let in_unit = |unit: &str| {
        records.iter().find(|r| {
            active(r)
                && r.org_unit_external_id.as_deref() == Some(unit)
                && r.job_level.is_some_and(|l| l <= 4)
                && r.hire_date
                    .as_deref()
                    .is_some_and(|h| h <= long_ago.as_str())
        })
    };
    let advisor = in_unit("U-D4T0")?.external_id.clone()?;
    let clients = ["U-D0T0", "U-D1T0", "U-D2T1"]
        .iter()
        .filter_map(|u| {
            let r = in_unit(u)?;
            Some((r.external_id.clone()?, r.manager_external_id.clone()?))
        })
        .collect();
    Some(Cast { advisor, clients })
}

fn person(id: EmployeeId, roles: &[Role]) -> Principal {
    Principal {
        subject: format!("demo-{id}"),
        roles: roles.iter().copied().collect::<BTreeSet<_>>(),
        scopes: BTreeSet::new(),
        employee_id: Some(id),
        leaver: false,
    }
}

fn ago(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

fn plan(
    start: NaiveDate,
    end: NaiveDate,
    areas: &[(&str, &str, &str)],
    cadence: &str,
) -> PlanFields {
    PlanFields {
        focus_areas: Some(
            areas
                .iter()
                .map(|(kind, expectations, support)| FocusAreaFields {
                    kind: Some((*kind).into()),
                    expectations: Some((*expectations).into()),
                    support: Some((*support).into()),
                    ..FocusAreaFields::default()
                })
                .collect(),
        ),
        cadence: Some(cadence.into()),
        start_date: Some(start),
        planned_end: Some(end),
        ..PlanFields::default()
    }
}

/// Who acts in one engagement.
struct Roles {
    advisor: Ctx,
    supervisor: Ctx,
    client: Ctx,
}

/// A check-in on `day` with the supervisor's `rating` of every focus area, a reflection and
/// an advisor note.
async fn check_in(
    r: &Roles,
    id: learnwell_domain::ids::EngagementId,
    day: NaiveDate,
    rating: &str,
    note: &str,
) -> ApiResult<()> {
    let c = svc::hold_check_in(&r.advisor, id, Some(day), Some(45)).await?;
    let areas = svc::get_engagement(&r.advisor, id)
        .await?
        .engagement
        .plan
        .focus_areas;
    let ratings = areas
        .iter()
        .map(|f| (Some(f.id.to_string()), Some(rating.to_owned())))
        .collect();
    svc::rate(&r.supervisor, c.check_in.id, RatingsCommand { ratings }).await?;
    svc::reflect(
        &r.client,
        c.check_in.id,
        Some("The weekly planning session helps me see what comes first.".into()),
    )
    .await?;
    svc::add_note(&r.advisor, c.check_in.id, Some(note.to_owned())).await?;
    Ok(())
}

/// Create the demo's engagements (none when the organisation lacks the people for them).
pub async fn seed(
    services: &Services,
    today: NaiveDate,
    cast: &Cast,
    ids: &HashMap<String, EmployeeId>,
) -> ApiResult<()> {
    let Some(advisor) = ids.get(&cast.advisor).copied() else {
        return Ok(());
    };
    let hr = Ctx::new(services, super::seeder());
    // (origin, started days ago, planned length in days, cadence, focus area, rating, note)
    let stories = [
        (
            "pip",
            40,
            90,
            "weekly",
            (
                "time_management",
                "Every customer answer within two working days",
                "A weekly planning session with the advisor",
            ),
            "partly_met",
            "Struggles to say no to ad-hoc requests; try a visible queue.",
        ),
        (
            "manager_referral",
            120,
            100,
            "fortnightly",
            (
                "communication_style",
                "Written updates to stakeholders every Friday",
                "Two sessions on structured updates",
            ),
            "met",
            "Good momentum; keep the cadence.",
        ),
        (
            "self_referral",
            20,
            90,
            "fortnightly",
            (
                "prioritisation",
                "A ranked list of the week's work agreed each Monday",
                "Fortnightly sessions",
            ),
            "partly_met",
            "Asked for help early; a good sign.",
        ),
    ];
    for ((origin, started, length, cadence, area, rating, note), (client, manager)) in
        stories.iter().zip(&cast.clients)
    {
        let (Some(client), Some(manager)) = (ids.get(client).copied(), ids.get(manager).copied())
        else {
            continue;
        };
        let roles = Roles {
            advisor: Ctx::new(
                services,
                person(advisor, &[Role::Employee, Role::PerformanceAdvisor]),
            ),
            supervisor: Ctx::new(services, person(manager, &[Role::Employee])),
            client: Ctx::new(services, person(client, &[Role::Employee])),
        };
        let start = ago(today, *started);
        let end = start.checked_add_days(Days::new(*length)).unwrap_or(today);
        let open = OpenEngagement {
            client_id: Some(client),
            origin: Some((*origin).into()),
            advisor_id: Some(advisor),
            supervisor_id: None,
            plan: plan(start, end, &[*area], cadence),
        };
        let id = svc::open(&hr, open).await?.engagement.id;
        if *origin == "pip" {
            svc::acknowledge(
                &roles.client,
                id,
                Some("I understand what is expected.".into()),
            )
            .await?;
        }
        svc::activate(&roles.advisor, id).await?;
        check_in(&roles, id, ago(today, started - 7), rating, note).await?;
        if *origin == "manager_referral" {
            check_in(&roles, id, ago(today, 40), "exceeded", "Ready to close.").await?;
            svc::close(
                &roles.supervisor,
                id,
                Some("completed_successful".into()),
                Some("Every Friday update sent for eight weeks; stakeholders confirm.".into()),
            )
            .await?;
        }
        if *origin == "self_referral" {
            svc::refer(
                &hr,
                id,
                svc::ReferralCommand {
                    target: Some("mentor".into()),
                    referred_on: Some(today),
                    note: Some("A mentor in product management".into()),
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// The demo's advisor (the advisor of its first engagement), for a token.
pub async fn advisor(services: &Services) -> ApiResult<Option<EmployeeId>> {
    let hr = Ctx::new(services, super::seeder());
    let page = svc::list_engagements(&hr, Some(1), None).await?;
    Ok(page.items.first().and_then(|v| v.engagement.advisor_id))
}
