//! The demo's year of learning, created through the same use cases as real data: a skills
//! taxonomy and a course catalog, learning-time policies (org-wide and per unit, one with an
//! approval threshold), enrolments in every state (some overdue), learning records from
//! completions and from an LMS import, and time entries in and outside working time, some
//! awaiting their manager's approval. Deterministic for a given seed and day.

use super::Lcg;
use crate::error::ApiResult;
use crate::services::learning::{self, Enroll, ImportRecords, UpdateEnrollment};
use crate::services::learning_time::{self, EntryCommand};
use crate::services::xapi::clients::XapiCaller;
use crate::services::xapi::projection;
use crate::services::xapi::statements::{store_statements, StoreStatements};
use crate::services::{catalog, org, Ctx, Services};
use chrono::{Days, NaiveDate};
use learnwell_domain::access::{Principal, Role, Scope};
use learnwell_domain::catalog::{CourseFields, SkillFields};
use learnwell_domain::ids::{CourseId, EmployeeId};
use learnwell_domain::learning::import::ImportRow;
use learnwell_domain::learning::{Enrolled, EnrollmentChange, EnrollmentStatus, Score};
use learnwell_domain::learning_time::{EntryFields, PolicyFields};
use learnwell_xapi::XapiVersion;
use std::collections::BTreeSet;

/// A demo person who is at work: their id and manager.
pub struct Learner {
    pub id: EmployeeId,
    pub manager: Option<EmployeeId>,
    /// Nothing is learnt before this day.
    pub hired: NaiveDate,
}

/// The skills taxonomy: a broad skill and the skills below it.
const SKILLS: &[(&str, &[&str])] = &[
    (
        "Leadership",
        &["Coaching others", "Giving feedback", "Delegation"],
    ),
    ("Communication", &["Writing", "Presenting", "Negotiation"]),
    ("Engineering", &["Rust", "Cloud infrastructure", "Security"]),
    ("Data", &["SQL", "Statistics", "Data privacy"]),
];

/// One course of the catalog: code, title, provider, modality, level, minutes, skills (by name).
type DemoCourse = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static [&'static str],
);

/// The catalog.
const COURSES: &[DemoCourse] = &[
    (
        "GDPR-101",
        "Data protection essentials",
        "internal",
        "online",
        "beginner",
        45,
        &["Data privacy"],
    ),
    (
        "SEC-110",
        "Security awareness",
        "internal",
        "online",
        "beginner",
        60,
        &["Security"],
    ),
    (
        "LEAD-200",
        "Leading people",
        "internal",
        "blended",
        "intermediate",
        480,
        &["Coaching others", "Delegation"],
    ),
    (
        "FEED-150",
        "Feedback that lands",
        "internal",
        "classroom",
        "beginner",
        180,
        &["Giving feedback"],
    ),
    (
        "RUST-300",
        "Rust in production",
        "external",
        "online",
        "advanced",
        900,
        &["Rust"],
    ),
    (
        "CLOUD-220",
        "Cloud infrastructure fundamentals",
        "external",
        "online",
        "intermediate",
        600,
        &["Cloud infrastructure"],
    ),
    (
        "SQL-120",
        "SQL for analysts",
        "internal",
        "online",
        "beginner",
        240,
        &["SQL"],
    ),
    (
        "STAT-210",
        "Practical statistics",
        "external",
        "online",
        "intermediate",
        720,
        &["Statistics"],
    ),
    (
        "WRITE-130",
        "Clear business writing",
        "internal",
        "online",
        "beginner",
        120,
        &["Writing"],
    ),
    (
        "PRES-140",
        "Presenting with confidence",
        "external",
        "classroom",
        "beginner",
        360,
        &["Presenting"],
    ),
    (
        "NEG-250",
        "Negotiation skills",
        "external",
        "classroom",
        "intermediate",
        420,
        &["Negotiation"],
    ),
];

/// Notes of exploratory and role-related time.
const NOTES: &[&str] = &[
    "Read up on a topic from the last retro",
    "Worked through a tutorial",
    "Conference talk recording",
    "Pairing session on a new tool",
    "Article and notes for the team",
];

fn principal(subject: &str, roles: &[Role], employee: Option<EmployeeId>) -> Principal {
    Principal {
        subject: subject.into(),
        roles: roles.iter().copied().collect::<BTreeSet<_>>(),
        scopes: BTreeSet::new(),
        employee_id: employee,
        leaver: false,
    }
}

fn day(today: NaiveDate, days_ago: usize) -> NaiveDate {
    today
        .checked_sub_days(Days::new(days_ago as u64))
        .unwrap_or(today)
}

/// Seed the year of learning of `learners` (the people at work).
pub async fn seed(
    svc: &Services,
    learners: &[Learner],
    today: NaiveDate,
    seed: u64,
) -> ApiResult<()> {
    let admin = Ctx::new(svc, principal("demo-ld", &[Role::LdAdmin], None));
    let mut rng = Lcg(seed ^ 0x004c_4541_524e);
    let courses = catalog_of(&admin).await?;
    policies(&admin, today).await?;
    let imported = enrolments(svc, &admin, learners, &courses, today, &mut rng).await?;
    lms_import(&admin, learners, &imported, today, &mut rng).await?;
    xapi_completions(svc, learners, today, &mut rng).await?;
    time_entries(svc, learners, &courses, today, &mut rng).await
}

/// Completions an LMS sends over xAPI (records of source `xapi` and their learning time, made
/// by the LRS's projection as for any statement).
async fn xapi_completions(
    svc: &Services,
    learners: &[Learner],
    today: NaiveDate,
    rng: &mut Lcg,
) -> ApiResult<()> {
    let mut lms = principal("demo-lms", &[], None);
    lms.scopes = BTreeSet::from([Scope::XapiWrite]);
    let caller = XapiCaller::token(Ctx::new(svc, lms));
    let people =
        org::employees_by_ids(svc, &learners.iter().map(|l| l.id).collect::<Vec<_>>()).await?;
    let statements: Vec<serde_json::Value> = learners
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 5 == 2)
        .filter_map(|(i, l)| {
            let e = people.get(&l.id)?;
            let (id, name) = XAPI_ACTIVITIES[i % XAPI_ACTIVITIES.len()];
            let when = day(today, 2 + rng.next(330)).max(l.hired);
            Some(serde_json::json!({
                "actor": { "objectType": "Agent", "mbox": format!("mailto:{}", e.data.email.as_str()) },
                "verb": { "id": "http://adlnet.gov/expapi/verbs/completed", "display": { "en-US": "completed" } },
                "object": { "id": id, "definition": { "name": { "en-US": name } } },
                "result": { "completion": true, "duration": format!("PT{}M", [20, 35, 50][i % 3]) },
                "timestamp": format!("{when}T10:00:00Z"),
            }))
        })
        .collect();
    if statements.is_empty() {
        return Ok(());
    }
    let cmd = StoreStatements {
        version: XapiVersion::V1_0_3,
        body: serde_json::Value::Array(statements),
        parts: &[],
        put_id: None,
    };
    store_statements(&caller, cmd).await?;
    projection::drain(svc).await?;
    Ok(())
}

/// Activities of the demo LMS that are not in the catalog (the statement's duration counts).
const XAPI_ACTIVITIES: &[(&str, &str)] = &[
    (
        "https://lms.demo.learnwell.example/module/time-management",
        "Time management basics",
    ),
    (
        "https://lms.demo.learnwell.example/module/inclusive-meetings",
        "Inclusive meetings",
    ),
    (
        "https://lms.demo.learnwell.example/module/phishing-drill",
        "Phishing drill",
    ),
];

/// The skills and the courses, each course with its skills.
async fn catalog_of(admin: &Ctx) -> ApiResult<Vec<(CourseId, String)>> {
    let mut skill_ids = std::collections::HashMap::new();
    for (broad, narrow) in SKILLS {
        let parent = catalog::create_skill(
            admin,
            SkillFields {
                name: Some((*broad).into()),
                parent_id: None,
            },
        )
        .await?;
        for name in *narrow {
            let s = catalog::create_skill(
                admin,
                SkillFields {
                    name: Some((*name).into()),
                    parent_id: Some(parent.id.to_string()),
                },
            )
            .await?;
            skill_ids.insert(*name, s.id.to_string());
        }
    }
    let mut out = Vec::with_capacity(COURSES.len());
    for (code, title, provider, modality, level, minutes, skills) in COURSES {
        let course = catalog::create_course(
            admin,
            CourseFields {
                code: Some((*code).into()),
                title: Some((*title).into()),
                description: Some(format!("{title}: a course of the demo catalog.")),
                provider: Some((*provider).into()),
                modality: Some((*modality).into()),
                level: Some((*level).into()),
                estimated_minutes: Some(*minutes),
                xapi_activity_id: Some(format!(
                    "https://lms.demo.learnwell.example/course/{}",
                    code.to_lowercase()
                )),
                skill_ids: Some(
                    skills
                        .iter()
                        .filter_map(|s| skill_ids.get(s).cloned())
                        .collect(),
                ),
                archived: None,
            },
        )
        .await?;
        out.push((course.id, (*code).to_owned()));
    }
    Ok(out)
}

/// A day a month for everyone (more than three hours at once waits for the manager's
/// approval); a day a fortnight in Engineering; a day a week in Learning & Development, where
/// more than two hours at once waits for approval.
async fn policies(admin: &Ctx, today: NaiveDate) -> ApiResult<()> {
    let units = org::every_org_unit(admin).await?;
    let unit = |ext: &str| {
        units
            .iter()
            .find(|u| u.external_id.as_ref().is_some_and(|x| x.as_str() == ext))
            .map(|u| u.id.to_string())
    };
    let from = Some(day(today, 365).format("%Y-%m-01").to_string());
    let policies = [
        ("A day a month", "organisation", None, 5.0, Some(180)),
        (
            "A day a fortnight (Engineering)",
            "org_unit",
            unit("U-D0"),
            10.0,
            None,
        ),
        (
            "A day a week (Learning & Development)",
            "org_unit",
            unit("U-D4T1"),
            20.0,
            Some(120),
        ),
    ];
    for (name, scope, unit_id, share, threshold) in policies {
        learning_time::create_policy(
            admin,
            PolicyFields {
                name: Some(name.into()),
                scope: Some(scope.into()),
                org_unit_id: unit_id,
                share_percent: Some(share),
                period: Some("month".into()),
                carry_over_cap_hours: Some(8.0),
                approval_threshold_minutes: threshold,
                effective_from: from.clone(),
                ..PolicyFields::default()
            },
        )
        .await?;
    }
    Ok(())
}

/// Two to four enrolments a person over the year, in every state: completed (with a score),
/// in progress, enrolled, withdrawn; open ones due in the past are overdue. Returns the
/// (person, course code) pairs not enrolled, for the LMS import.
async fn enrolments(
    svc: &Services,
    admin: &Ctx,
    learners: &[Learner],
    courses: &[(CourseId, String)],
    today: NaiveDate,
    rng: &mut Lcg,
) -> ApiResult<Vec<(EmployeeId, String)>> {
    let mut elsewhere = Vec::new();
    for (i, learner) in learners.iter().enumerate() {
        let me = Ctx::new(
            svc,
            principal(
                &format!("demo-user-{}", learner.id),
                &[Role::Employee],
                Some(learner.id),
            ),
        );
        let first = rng.next(courses.len());
        for k in 0..(2 + rng.next(3)) {
            let (course, _) = &courses[(first + k * 3) % courses.len()];
            let assigned = rng.next(3) > 0;
            let due =
                assigned.then(|| day(today, 0) + Days::new(rng.next(120) as u64) - Days::new(60));
            let by = if assigned { admin } else { &me };
            let enrolled = learning::enroll(
                by,
                Enroll {
                    course: *course,
                    employee: Some(learner.id),
                    due,
                },
            )
            .await?;
            let Enrolled::Created(e) = enrolled else {
                continue;
            };
            let (status, completed_on, score) = match rng.next(10) {
                0..=4 => (
                    Some(EnrollmentStatus::Completed),
                    Some(day(today, 3 + rng.next(350)).max(learner.hired)),
                    Score::new((55 + rng.next(46)) as f64).ok(),
                ),
                5..=6 => (Some(EnrollmentStatus::InProgress), None, None),
                7 => (Some(EnrollmentStatus::Withdrawn), None, None),
                _ => (None, None, None),
            };
            if status.is_some() {
                let change = EnrollmentChange {
                    status,
                    completed_on,
                    score,
                    due_date: None,
                };
                learning::update_enrollment(
                    admin,
                    UpdateEnrollment {
                        id: e.id(),
                        if_match: Some(e.version()),
                        change,
                    },
                )
                .await?;
            }
        }
        if i % 4 == 0 {
            let (_, code) = &courses[(first + 1) % courses.len()];
            elsewhere.push((learner.id, code.clone()));
        }
    }
    Ok(elsewhere)
}

/// Completions an LMS reports by file: catalog courses taken outside an enrolment and external
/// events with their own minutes (records of source `import`, with their learning time).
async fn lms_import(
    admin: &Ctx,
    learners: &[Learner],
    courses: &[(EmployeeId, String)],
    today: NaiveDate,
    rng: &mut Lcg,
) -> ApiResult<()> {
    let ext: std::collections::HashMap<EmployeeId, String> =
        org::employees_by_ids(admin, &learners.iter().map(|l| l.id).collect::<Vec<_>>())
            .await?
            .into_iter()
            .filter_map(|(id, e)| Some((id, e.data.external_id?.to_string())))
            .collect();
    let hired = |who: &EmployeeId| {
        learners
            .iter()
            .find(|l| l.id == *who)
            .map_or(today, |l| l.hired)
    };
    let mut rows: Vec<ImportRow> = courses
        .iter()
        .filter_map(|(who, code)| {
            Some(ImportRow {
                employee_external_id: Some(ext.get(who)?.clone()),
                course_code: Some(code.clone()),
                completed_on: Some(day(today, 10 + rng.next(340)).max(hired(who)).to_string()),
                score: Some((60 + rng.next(41)) as f64),
                source_id: Some(format!("lms-{}-{code}", ext.get(who)?)),
                ..ImportRow::default()
            })
        })
        .collect();
    for (i, l) in learners.iter().enumerate().filter(|(i, _)| i % 7 == 3) {
        let Some(x) = ext.get(&l.id) else { continue };
        rows.push(ImportRow {
            employee_external_id: Some(x.clone()),
            title: Some(["Industry conference", "Vendor webinar", "Meetup talk"][i % 3].into()),
            minutes: Some([480, 60, 90][i % 3]),
            completed_on: Some(day(today, 5 + rng.next(300)).max(l.hired).to_string()),
            source_id: Some(format!("lms-event-{x}-{i}")),
            ..ImportRow::default()
        });
    }
    learning::import_records(
        admin,
        ImportRecords {
            rows,
            learning_time: true,
        },
    )
    .await?;
    Ok(())
}

/// A year of logged learning time: mostly in working time, some on top of it; exploratory and
/// role-related; entries above a policy's threshold wait for the manager, who approves most.
async fn time_entries(
    svc: &Services,
    learners: &[Learner],
    courses: &[(CourseId, String)],
    today: NaiveDate,
    rng: &mut Lcg,
) -> ApiResult<()> {
    for l in learners.iter().step_by(2) {
        let me = Ctx::new(
            svc,
            principal(
                &format!("demo-user-{}", l.id),
                &[Role::Employee],
                Some(l.id),
            ),
        );
        for _ in 0..(2 + rng.next(5)) {
            let kind = rng.next(10);
            let (category, course) = match kind {
                0..=3 => ("assigned", Some(courses[rng.next(courses.len())].0)),
                4..=6 => ("role_related", None),
                _ => ("exploratory", None),
            };
            let fields = EntryFields {
                date: Some(day(today, 1 + rng.next(360)).max(l.hired).to_string()),
                minutes: Some([30, 45, 60, 90, 150, 240][rng.next(6)]),
                in_work_time: Some(rng.next(5) > 0),
                category: Some(category.into()),
                course_id: course.map(|c| c.to_string()),
                note: (course.is_none()).then(|| NOTES[rng.next(NOTES.len())].to_owned()),
                ..EntryFields::default()
            };
            let entry = learning_time::log_time(
                &me,
                EntryCommand {
                    employee_id: None,
                    fields,
                },
            )
            .await;
            // A day already full (24 hours) refuses another entry, as it would for anyone.
            let Ok(entry) = entry else { continue };
            let Some(manager) = l.manager else { continue };
            if entry.approval == learnwell_domain::learning_time::ApprovalState::Pending
                && rng.next(3) > 0
            {
                let boss = Ctx::new(
                    svc,
                    principal(
                        &format!("demo-user-{manager}"),
                        &[Role::Employee],
                        Some(manager),
                    ),
                );
                learning_time::decide(&boss, entry.id, true).await?;
            }
        }
    }
    Ok(())
}
