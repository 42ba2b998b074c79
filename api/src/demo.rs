//! A realistic demo organisation, created through the same services as real data: an org-unit
//! tree, 330 people at levels 1-8 with managers, part-timers, people on leave, leavers.

use crate::error::ApiResult;
use crate::services::org::{self, hris};
use crate::services::Ctx;
use crate::services::Services;
use chrono::{Days, NaiveDate};
use learnwell_domain::access::{Principal, Role};
use learnwell_domain::ids::EmployeeId;
use learnwell_domain::org::{EmployeeFields, OrgUnitChanges};
use std::collections::BTreeSet;
pub mod keys;
mod learning;

pub mod advising;
mod development;
mod pipeline;

const GIVEN: &[&str] = &[
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Liam", "Maya", "Nikos", "Olga", "Priya", "Quinn", "Rosa", "Sami", "Tess", "Umar", "Vera",
    "Wen", "Ximena", "Yusuf", "Zoe",
];
const FAMILY: &[&str] = &[
    "Okafor", "Schmidt", "Nguyen", "Garcia", "Kowalski", "Haddad", "Tanaka", "Silva", "Larsen",
    "Moreau", "Patel", "Rossi", "Dubois", "Khan", "Novak", "Osei", "Berg", "Costa", "Ivanova",
    "Murphy",
];
const DEPARTMENTS: &[(&str, &[&str])] = &[
    ("Engineering", &["Platform", "Mobile", "Data", "Security"]),
    ("Sales", &["Enterprise", "Mid-market", "Partnerships"]),
    ("Customer Success", &["Onboarding", "Support", "Renewals"]),
    ("Operations", &["Finance", "Facilities", "Procurement"]),
    ("People", &["HR Operations", "Learning & Development"]),
    ("Product", &["Design", "Product Management", "Research"]),
];
const TITLES: [&str; 9] = [
    "",
    "Associate",
    "Specialist",
    "Senior Specialist",
    "Lead",
    "Manager",
    "Senior Manager",
    "Director",
    "Chief Executive",
];

/// The identity the demo seed acts as.
fn seeder() -> Principal {
    Principal {
        subject: "demo-seed".into(),
        roles: BTreeSet::from([Role::HrAdmin]),
        scopes: BTreeSet::new(),
        employee_id: None,
        leaver: false,
    }
}

/// A tiny deterministic generator, so every demo organisation is the same for a given seed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % (n as u64)).unwrap_or(0)
    }
}

struct Person {
    ext: String,
    level: i64,
    unit: String,
    manager: Option<String>,
}

/// The seed of `--seed` when none is given.
pub const DEFAULT_SEED: u64 = 42;

/// Fill an empty database (the same organisation and year of learning for the same `seed` and
/// day); returns the id of the demo HR director (the admin token's person).
/// One senior leader in four (by HRIS id) takes part in the demo's learning.
fn leader_who_learns(ext: &str) -> bool {
    let number: u32 = ext.trim_start_matches("E-").parse().unwrap_or(0);
    number.is_multiple_of(4)
}

pub async fn seed(svc: &Services, today: NaiveDate, seed: u64) -> ApiResult<EmployeeId> {
    let ctx = Ctx::new(svc, seeder());
    let unit = |name: &str, kind: &str, ext: &str, parent: Option<String>| OrgUnitChanges {
        name: Some(name.into()),
        kind: Some(kind.into()),
        external_id: Some(Some(ext.into())),
        parent_id: Some(parent),
        manager_id: None,
    };
    let root =
        org::create_org_unit(&ctx, unit("Learnwell Demo Ltd", "company", "U-ROOT", None)).await?;
    let mut people = vec![Person {
        ext: "E-0001".into(),
        level: 8,
        unit: "U-ROOT".into(),
        manager: None,
    }];
    let mut next = 2;
    let ext = |n: &mut i32| {
        let e = format!("E-{n:04}");
        *n += 1;
        e
    };
    let mut rng = Lcg(seed);
    for (d, (dept, teams)) in DEPARTMENTS.iter().enumerate() {
        let dept_ext = format!("U-D{d}");
        let dept_unit = org::create_org_unit(
            &ctx,
            unit(dept, "department", &dept_ext, Some(root.id.to_string())),
        )
        .await?;
        let head = ext(&mut next);
        people.push(Person {
            ext: head.clone(),
            level: 7,
            unit: dept_ext.clone(),
            manager: Some("E-0001".into()),
        });
        for (t, team) in teams.iter().enumerate() {
            let team_ext = format!("U-D{d}T{t}");
            org::create_org_unit(
                &ctx,
                unit(team, "team", &team_ext, Some(dept_unit.id.to_string())),
            )
            .await?;
            let lead = ext(&mut next);
            people.push(Person {
                ext: lead.clone(),
                level: 5 + i64::from(rng.next(2) == 0),
                unit: team_ext.clone(),
                manager: Some(head.clone()),
            });
            for _ in 0..(14 + rng.next(6)) {
                let level = [1, 2, 2, 3, 3, 3, 4, 4][rng.next(8)];
                people.push(Person {
                    ext: ext(&mut next),
                    level,
                    unit: team_ext.clone(),
                    manager: Some(lead.clone()),
                });
            }
        }
    }
    let hr_director = "E-0002";
    let records: Vec<EmployeeFields> = people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let given = GIVEN[rng.next(GIVEN.len())];
            let family = FAMILY[rng.next(FAMILY.len())];
            let hire = today
                .checked_sub_days(Days::new(30 + rng.next(3000) as u64))
                .unwrap_or(today);
            let roll = rng.next(100);
            let (status, leave, termination) = match roll {
                0..=4 => (
                    "terminated",
                    None,
                    today.checked_sub_days(Days::new(1 + rng.next(300) as u64)),
                ),
                5..=7 => (
                    "leave",
                    today.checked_sub_days(Days::new(rng.next(60) as u64)),
                    None,
                ),
                _ => ("active", None, None),
            };
            let part_time = roll.is_multiple_of(9);
            let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
            EmployeeFields {
                external_id: Some(p.ext.clone()),
                employee_number: Some(format!("{:05}", 10_000 + i)),
                email: Some(format!(
                    "{}.{}.{}@demo.learnwell.example",
                    given.to_lowercase(),
                    family.to_lowercase(),
                    i
                )),
                given_name: Some(given.into()),
                family_name: Some(family.into()),
                job_title: Some(TITLES[usize::try_from(p.level).unwrap_or(1)].into()),
                job_level: Some(p.level),
                org_unit_external_id: Some(p.unit.clone()),
                manager_external_id: p.manager.clone(),
                employment_type: Some(if part_time { "part_time" } else { "full_time" }.into()),
                status: Some(if p.level >= 5 { "active" } else { status }.into()),
                hire_date: date(Some(hire.min(termination.unwrap_or(hire)))),
                leave_start_date: if p.level >= 5 { None } else { date(leave) },
                termination_date: if p.level >= 5 {
                    None
                } else {
                    date(termination)
                },
                contracted_hours_per_week: Some(if part_time {
                    [20.0, 24.0, 30.0][rng.next(3)]
                } else {
                    40.0
                }),
                location: Some(["London", "Berlin", "Lisbon", "Remote"][rng.next(4)].into()),
                ..EmployeeFields::default()
            }
        })
        .collect();
    let cast = advising::cast(&records, today);
    let records_status: Vec<String> = records
        .iter()
        .map(|r| r.status.clone().unwrap_or_default())
        .collect();
    let hired: Vec<NaiveDate> = records
        .iter()
        .map(|r| {
            r.hire_date
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .unwrap_or(today)
        })
        .collect();
    let cmd = hris::SyncCommand {
        records: records.into_iter().map(Into::into).collect(),
        ..hris::SyncCommand::default()
    };
    let result = hris::sync(&ctx, cmd).await?;
    let ids: std::collections::HashMap<String, EmployeeId> = result
        .plan
        .records
        .iter()
        .filter_map(|r| Some((r.external_id.clone()?, r.decision.employee_id()?)))
        .collect();
    if let Some(cast) = cast {
        advising::seed(svc, today, &cast, &ids).await?;
    }
    let hr = result
        .plan
        .records
        .iter()
        .find(|r| r.external_id.as_deref() == Some(hr_director))
        .and_then(|r| r.decision.employee_id())
        .ok_or_else(|| {
            crate::error::ApiError::Internal("demo seed did not create its HR director".into())
        })?;
    let learners: Vec<learning::Learner> = people
        .iter()
        .zip(&records_status)
        .zip(&hired)
        .filter(|((_, status), _)| status.as_str() == "active")
        // Most senior leaders (levels 5 and up) learn nothing: the pipeline's stagnant
        // incumbents (`demo/pipeline.rs`); one in four of them does.
        .filter(|((p, _), _)| p.level < 5 || leader_who_learns(&p.ext))
        .filter_map(|((p, _), hired)| {
            Some(learning::Learner {
                id: *ids.get(&p.ext)?,
                manager: p.manager.as_ref().and_then(|m| ids.get(m)).copied(),
                hired: *hired,
            })
        })
        .collect();
    learning::seed(svc, &learners, today, seed).await?;
    let active_levels: std::collections::HashMap<&str, i64> = people
        .iter()
        .zip(&records_status)
        .filter(|(_, status)| status.as_str() == "active")
        .map(|(p, _)| (p.ext.as_str(), p.level))
        .collect();
    let active: Vec<development::Member> = result
        .plan
        .records
        .iter()
        .filter_map(|r| {
            Some(development::Member {
                level: *active_levels.get(r.external_id.as_deref()?)?,
                id: r.decision.employee_id()?,
            })
        })
        .collect();
    development::seed(svc, &ctx, &active, today).await?;
    let units: std::collections::HashMap<String, learnwell_domain::ids::OrgUnitId> =
        org::every_org_unit(svc)
            .await?
            .into_iter()
            .filter_map(|u| Some((u.external_id?.to_string(), u.id)))
            .collect();
    let candidates: Vec<pipeline::Candidate> = people
        .iter()
        .filter(|p| active_levels.contains_key(p.ext.as_str()))
        .filter_map(|p| {
            Some(pipeline::Candidate {
                id: *ids.get(&p.ext)?,
                ext: p.ext.clone(),
                level: p.level,
                unit: *units.get(&p.unit)?,
                manager: p.manager.as_ref().and_then(|m| ids.get(m).copied()),
            })
        })
        .collect();
    pipeline::seed(svc, &ctx, &candidates, today).await?;
    Ok(hr)
}
