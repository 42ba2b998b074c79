//! The demo's development data: PD budget policies for every level, mentor profiles and
//! external coaches, engagements with sessions (visible as learning time), and spend requests in
//! every state, so the equity report shows a junior-senior gap on first run. Created through the
//! same use cases as real data.

use crate::error::ApiResult;
use crate::services::development as svc;
use crate::services::{Ctx, Services};
use chrono::{Datelike, Days, NaiveDate};
use learnwell_domain::access::{Principal, Role};
use learnwell_domain::development::{
    BudgetPolicyFields, ProfileFields, RequestFields, SessionFields, SpendFields,
};
use learnwell_domain::ids::{EmployeeId, MentorProfileId};
use std::collections::BTreeSet;

/// A demo person: id and job level (active people only).
pub struct Member {
    pub id: EmployeeId,
    pub level: i64,
}

fn person(svc: &Services, id: EmployeeId) -> Ctx {
    let p = Principal {
        subject: format!("demo-user-{id}"),
        roles: BTreeSet::from([Role::Employee]),
        scopes: BTreeSet::new(),
        employee_id: Some(id),
        leaver: false,
    };
    Ctx::new(svc, p)
}

/// The yearly PD budget of each job level (minor units of the organisation's currency).
const BUDGETS: [i64; 8] = [
    60_000, 80_000, 100_000, 150_000, 200_000, 250_000, 350_000, 500_000,
];

async fn policies(admin: &Ctx, today: NaiveDate) -> ApiResult<()> {
    let start = admin.settings.development.fiscal_year_start_month;
    let year = learnwell_domain::development::fiscal_year_of(today, start);
    for (level, amount) in (1..=8).zip(BUDGETS) {
        let fields = BudgetPolicyFields {
            fiscal_year: Some(year.into()),
            job_level: Some(level),
            amount_minor: Some(amount),
            currency: None,
            carry_over_cap_minor: Some(amount / 4),
        };
        svc::create_policy(admin, fields).await?;
    }
    Ok(())
}

async fn profile(admin: &Ctx, fields: ProfileFields) -> ApiResult<MentorProfileId> {
    Ok(svc::create_profile(admin, fields).await?.id)
}

/// `mentee` asks for `kind`, picks `profile`, which `acceptor` accepts; two sessions follow.
async fn engagement(
    svc_: &Services,
    mentee: EmployeeId,
    kind: &str,
    profile: MentorProfileId,
    acceptor: &Ctx,
    today: NaiveDate,
) -> ApiResult<()> {
    let me = person(svc_, mentee);
    let request = RequestFields {
        kind: Some(kind.into()),
        goals: Some("Grow into the next role with a plan for the year".into()),
        ..RequestFields::default()
    };
    let request = svc::create_request(&me, request).await?;
    let e = svc::choose(&me, request.id, profile).await?;
    svc::answer(acceptor, e.id, true).await?;
    for (days, minutes) in [(14, 60), (7, 45)] {
        let date = today.checked_sub_days(Days::new(days)).unwrap_or(today);
        let session = SessionFields {
            date: Some(date.to_string()),
            minutes: Some(minutes),
            in_work_time: None,
            notes: Some("Agreed next steps".into()),
        };
        svc::log_session(&me, e.id, session).await?;
    }
    Ok(())
}

/// A spend request of `amount` by `who`, taken to `to` (`requested`, `approved`, `rejected`,
/// `spent` or `cancelled`) by the HR admin.
async fn spend(
    svc_: &Services,
    admin: &Ctx,
    who: EmployeeId,
    category: &str,
    amount: i64,
    to: &str,
) -> ApiResult<()> {
    let me = person(svc_, who);
    // Someone hired this fiscal year has a prorated budget that may not hold the amount.
    if svc::get_budget(&me, None, None)
        .await?
        .budget
        .available_minor()
        < amount
    {
        return Ok(());
    }
    let fields = SpendFields {
        category: Some(category.into()),
        amount_minor: Some(amount),
        currency: None,
        description: Some(format!("Demo {category}")),
        course_id: None,
        engagement_id: None,
    };
    let r = svc::request_spend(&me, fields).await?;
    match to {
        "approved" => drop(svc::approve(admin, r.id).await?),
        "rejected" => drop(svc::reject(admin, r.id).await?),
        "spent" => {
            svc::approve(admin, r.id).await?;
            svc::settle(&me, r.id, amount - amount / 10).await?;
        }
        "cancelled" => drop(svc::cancel(&me, r.id).await?),
        _ => {}
    }
    Ok(())
}

/// Seed it all for the active `people`, acting as `admin` (hr_admin).
pub async fn seed(
    svc_: &Services,
    admin: &Ctx,
    people: &[Member],
    today: NaiveDate,
) -> ApiResult<()> {
    policies(admin, today).await?;
    let at = |levels: &[i64]| -> Vec<EmployeeId> {
        people
            .iter()
            .filter(|m| levels.contains(&m.level))
            .map(|m| m.id)
            .collect()
    };
    let (juniors, seniors, mentors) = (at(&[1, 2]), at(&[5, 6, 7]), at(&[4, 5]));
    let coach = |name: &str| ProfileFields {
        kind: Some("coach".into()),
        external_name: Some(name.into()),
        bio: Some("Certified coach for leaders and new managers".into()),
        languages: vec!["en".into(), "de".into()],
        capacity: Some(25),
        ..ProfileFields::default()
    };
    let coaches = [
        profile(admin, coach("Northstar Executive Coaching")).await?,
        profile(admin, coach("Bright Path Coaching")).await?,
    ];
    let mut internal = Vec::new();
    for m in mentors.iter().take(6) {
        let fields = ProfileFields {
            kind: Some("mentor".into()),
            employee_id: Some(m.to_string()),
            bio: Some("Happy to help someone find their way here".into()),
            level_max: Some(3),
            languages: vec!["en".into()],
            availability: Some("Fortnightly, Thursday afternoons".into()),
            capacity: Some(2),
            ..ProfileFields::default()
        };
        internal.push((*m, profile(admin, fields).await?));
    }
    // Most seniors have a coach; a few juniors have a mentor: the gap the report shows.
    for (i, s) in seniors.iter().enumerate().filter(|(i, _)| i % 5 != 4) {
        engagement(svc_, *s, "coach", coaches[i % 2], admin, today).await?;
    }
    for (j, (mentor, p)) in juniors.iter().step_by(7).zip(&internal) {
        let acceptor = person(svc_, *mentor);
        engagement(svc_, *j, "mentor", *p, &acceptor, today).await?;
    }
    // Spend requests in every state; seniors spend more of larger budgets.
    let states = ["requested", "approved", "rejected", "spent", "cancelled"];
    for (i, s) in seniors.iter().enumerate() {
        spend(
            svc_,
            admin,
            *s,
            ["conference", "external_coaching"][i % 2],
            90_000,
            states[i % 5],
        )
        .await?;
        if i % 2 == 0 {
            spend(svc_, admin, *s, "course", 60_000, "spent").await?;
        }
    }
    for (i, j) in juniors.iter().enumerate().filter(|(i, _)| i % 6 == 0) {
        spend(
            svc_,
            admin,
            *j,
            "books",
            4_000 + 500 * i64::try_from(i % 4).unwrap_or(0),
            states[(i / 6) % 5],
        )
        .await?;
    }
    tracing::debug!(year = today.year(), "demo development data seeded");
    Ok(())
}
