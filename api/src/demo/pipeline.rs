//! The demo's leadership pipeline, with a visible bottleneck: two programmes (Emerging Leaders
//! for levels 5-6, Senior Leadership for 7-8), cohorts over four years and a running one,
//! graduates waiting behind incumbents in role for years (many with no learning and overdue
//! assigned development), a few placements (one into a role grown for growth), alumni, and
//! graduates lost when a second HRIS sync terminates them, so the findings say something on
//! first run. Past cohorts are back-filled through the domain's transitions; everything else
//! goes through the same use cases as real data.

use crate::error::ApiResult;
use crate::services::catalog;
use crate::services::learning::{self, Enroll};
use crate::services::org::{self, hris};
use crate::services::pipeline::{
    self as svc, memberships::record_past, Nomination, PlacementCommand,
};
use crate::services::{Ctx, Services};
use chrono::{Datelike, Days, NaiveDate};
use learnwell_domain::access::{Principal, Role};
use learnwell_domain::catalog::{CourseFields, SkillFields};
use learnwell_domain::ids::{CohortId, EmployeeId, MembershipId, OrgUnitId, PositionId};
use learnwell_domain::org::EmployeeFields;
use learnwell_domain::pipeline::{
    CohortFields, PositionFields, Programme, ProgrammeFields, ReadinessFields, SlateFields,
    TalentReviewFields,
};
use std::collections::{BTreeSet, HashMap};

/// A demo person the pipeline may use: active, with their level, unit and manager.
pub struct Candidate {
    pub id: EmployeeId,
    pub ext: String,
    pub level: i64,
    pub unit: OrgUnitId,
    pub manager: Option<EmployeeId>,
}

fn as_person(svc: &Services, id: EmployeeId, roles: &[Role]) -> Ctx {
    let mut all = BTreeSet::from([Role::Employee]);
    all.extend(roles.iter().copied());
    Ctx::new(
        svc,
        Principal {
            subject: format!("demo-user-{id}"),
            roles: all,
            scopes: BTreeSet::new(),
            employee_id: Some(id),
            leaver: false,
        },
    )
}

fn ago(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

fn date(y: i32, m: u32, d: u32, today: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(today)
}

async fn programme(
    ld: &Ctx,
    name: &str,
    lead: EmployeeId,
    levels: (i64, i64),
) -> ApiResult<Programme> {
    let fields = ProgrammeFields {
        name: Some(name.into()),
        description: Some(format!(
            "{name}: a year of practice, coaching and a stretch project"
        )),
        lead_id: Some(lead.to_string()),
        target_level_min: Some(levels.0),
        target_level_max: Some(levels.1),
    };
    svc::create_programme(ld, fields).await
}

async fn cohort(
    ld: &Ctx,
    programme: &Programme,
    name: String,
    dates: (NaiveDate, NaiveDate),
    capacity: i64,
) -> ApiResult<CohortId> {
    let fields = CohortFields {
        name: Some(name),
        starts_on: Some(dates.0),
        ends_on: Some(dates.1),
        capacity: Some(capacity),
    };
    Ok(svc::create_cohort(ld, programme.id, fields).await?.id)
}

/// A graduate's membership, person and graduation day.
type Graduate = (MembershipId, EmployeeId, NaiveDate);

/// Past cohorts of `size` members each, over the four years before this one: everyone but the
/// last of each cohort graduates at its end. Returns the graduates' memberships, oldest first.
async fn past_cohorts(
    ld: &Ctx,
    programme: &Programme,
    people: &[&Candidate],
    size: usize,
    today: NaiveDate,
) -> ApiResult<Vec<Graduate>> {
    let mut graduates = Vec::new();
    for (i, chunk) in people.chunks(size).take(4).enumerate() {
        let year = today.year() - 4 + i32::try_from(i).unwrap_or(0);
        let (start, end) = (date(year, 3, 1, today), date(year, 11, 30, today));
        let c = cohort(
            ld,
            programme,
            format!("{year}"),
            (start, end),
            i64::try_from(size).unwrap_or(10),
        )
        .await?;
        for (n, p) in chunk.iter().enumerate() {
            let graduated = n + 1 < chunk.len();
            let ended = if graduated {
                end
            } else {
                date(year, 6, 30, today)
            };
            let m = record_past(ld, c, p.id, ago(start, 14), (ended, graduated)).await?;
            if graduated {
                graduates.push((m.id, p.id, end));
            }
        }
    }
    Ok(graduates)
}

/// This year's cohort: nominated by managers and by themselves; most admitted and active, each
/// with a motivation reflection the lead has read.
async fn running_cohort(
    svc: &Services,
    ld: &Ctx,
    programme: &Programme,
    people: &[&Candidate],
    today: NaiveDate,
) -> ApiResult<()> {
    let c = cohort(
        ld,
        programme,
        format!("{}", today.year()),
        (ago(today, 60), today + Days::new(200)),
        10,
    )
    .await?;
    let lead = as_person(svc, programme.lead_id, &[]);
    for (n, p) in people.iter().enumerate() {
        let by_manager = n % 2 == 0 && p.manager.is_some();
        let nominator = as_person(
            svc,
            if by_manager {
                p.manager.unwrap_or(p.id)
            } else {
                p.id
            },
            &[],
        );
        let m = svc::nominate(
            &nominator,
            Nomination {
                cohort_id: c,
                employee_id: Some(p.id),
            },
        )
        .await?;
        let me = as_person(svc, p.id, &[]);
        let why = "I want to lead because the best manager I had made me braver; I want to do that for others.";
        svc::write_reflection(&me, m.id, why).await?;
        if n + 2 < people.len() {
            svc::admit(&lead, m.id).await?;
            svc::start(ld, m.id).await?;
            svc::read_reflection(&lead, m.id).await?;
            svc::discuss_reflection(&lead, m.id).await?;
        }
    }
    Ok(())
}

/// A position per team (its lead) and per department (its head), in role for years, and open
/// ones; returns (open positions, one filled position per department).
async fn positions(
    hr: &Ctx,
    leaders: &[&Candidate],
    open_in: &[(OrgUnitId, bool)],
    today: NaiveDate,
) -> ApiResult<(Vec<PositionId>, Vec<PositionId>)> {
    let mut filled = Vec::new();
    for (n, l) in leaders.iter().enumerate() {
        let fields = PositionFields {
            title: Some(
                if l.level >= 7 {
                    "Head of department"
                } else {
                    "Team lead"
                }
                .into(),
            ),
            org_unit_id: Some(l.unit.to_string()),
            level: Some(l.level.min(8)),
            incumbent_id: Some(l.id.to_string()),
            incumbent_since: Some(ago(today, 900 + 211 * (n as u64 % 13))),
            created_for_growth: Some(false),
        };
        filled.push(svc::create_position(hr, fields).await?.id);
    }
    let mut open = Vec::new();
    for (unit, growth) in open_in {
        let fields = PositionFields {
            title: Some(
                if *growth {
                    "Team lead (new team)"
                } else {
                    "Team lead"
                }
                .into(),
            ),
            org_unit_id: Some(unit.to_string()),
            level: Some(5),
            created_for_growth: Some(*growth),
            ..PositionFields::default()
        };
        open.push(svc::create_position(hr, fields).await?.id);
    }
    Ok((open, filled))
}

/// Overdue assigned development for most incumbents, and a recent learning record for a few.
async fn incumbents_learning(ld: &Ctx, leaders: &[&Candidate], today: NaiveDate) -> ApiResult<()> {
    let skill = catalog::create_skill(
        ld,
        SkillFields {
            name: Some("Leading change".into()),
            parent_id: None,
        },
    )
    .await?;
    let course = catalog::create_course(
        ld,
        CourseFields {
            code: Some("LEAD-CHANGE".into()),
            title: Some("Leading through change".into()),
            estimated_minutes: Some(240),
            skill_ids: Some(vec![skill.id.to_string()]),
            ..CourseFields::default()
        },
    )
    .await?;
    // Two in three, by HRIS id, so the same seed makes the same demo.
    let number = |l: &Candidate| l.ext.trim_start_matches("E-").parse::<u32>().unwrap_or(0);
    for l in leaders.iter().filter(|l| number(l) % 3 != 0) {
        let cmd = Enroll {
            course: course.id,
            employee: Some(l.id),
            due: Some(ago(today, 120)),
        };
        learning::enroll(ld, cmd).await?;
    }
    Ok(())
}

/// Readiness of the graduates (most ready now, assessed months ago), 9-box reviews of some,
/// and slates naming them.
async fn talent(
    hr: &Ctx,
    assessor: EmployeeId,
    graduates: &[Graduate],
    slated: &[PositionId],
    today: NaiveDate,
) -> ApiResult<()> {
    for (n, (_, who, _)) in graduates.iter().enumerate() {
        let readiness = if n % 4 == 3 {
            "ready_1_2_years"
        } else {
            "ready_now"
        };
        let fields = ReadinessFields {
            readiness: Some(readiness.into()),
            assessor_id: Some(assessor.to_string()),
            assessed_on: Some(ago(today, 30 + 20 * (n as u64 % 12))),
            rationale: Some("Led the cohort's stretch project; ready for a team.".into()),
        };
        svc::record_readiness(hr, *who, fields).await?;
        if n % 2 == 0 {
            let fields = TalentReviewFields {
                performance: Some(3),
                potential: Some(2 + i64::from(n % 4 == 0)),
                assessor_id: Some(assessor.to_string()),
                reviewed_on: Some(ago(today, 60)),
                ..TalentReviewFields::default()
            };
            svc::record_review(hr, *who, fields).await?;
        }
    }
    for (position, chunk) in slated.iter().zip(graduates.chunks(2)) {
        let fields = SlateFields {
            candidates: chunk.iter().map(|(_, e, _)| e.to_string()).collect(),
        };
        svc::set_slate(hr, *position, fields).await?;
    }
    Ok(())
}

/// Terminate `leavers` in the HRIS (a second sync): graduates among them become lost.
async fn terminate(hr: &Ctx, leavers: &[&Candidate], today: NaiveDate) -> ApiResult<()> {
    let ids: Vec<EmployeeId> = leavers.iter().map(|l| l.id).collect();
    let current = org::employees::employees_by_ids(hr, &ids).await?;
    let records = current
        .values()
        .map(|e| {
            let mut f = EmployeeFields::from_data(&e.data);
            f.status = Some("terminated".into());
            f.termination_date = Some(ago(today, 45).to_string());
            f.into()
        })
        .collect();
    let cmd = hris::SyncCommand {
        records,
        ..hris::SyncCommand::default()
    };
    hris::sync(hr, cmd).await?;
    Ok(())
}

pub async fn seed(
    svc: &Services,
    hr: &Ctx,
    people: &[Candidate],
    today: NaiveDate,
) -> ApiResult<()> {
    let director = people.iter().find(|p| p.ext == "E-0002").map(|p| p.id);
    let Some(director) = director else {
        return Ok(());
    };
    let ld = as_person(svc, director, &[Role::LdAdmin, Role::HrAdmin]);
    let heads: Vec<&Candidate> = people.iter().filter(|p| p.level == 7).collect();
    let leads: Vec<&Candidate> = people
        .iter()
        .filter(|p| (5..=6).contains(&p.level))
        .collect();
    let rising: Vec<&Candidate> = people.iter().filter(|p| p.level == 4).collect();
    let (Some(el_lead), Some(sl_lead)) = (heads.first(), heads.get(1)) else {
        return Ok(());
    };
    let emerging = programme(&ld, "Emerging Leaders", el_lead.id, (5, 6)).await?;
    let senior = programme(&ld, "Senior Leadership", sl_lead.id, (7, 8)).await?;
    let (past, now) = rising.split_at(rising.len().min(32));
    let mut graduates = past_cohorts(&ld, &emerging, past, 8, today).await?;
    let emerging_graduates = graduates.len();
    running_cohort(
        svc,
        &ld,
        &emerging,
        &now.iter().take(8).copied().collect::<Vec<_>>(),
        today,
    )
    .await?;
    graduates.extend(
        past_cohorts(
            &ld,
            &senior,
            &leads.iter().skip(3).take(6).copied().collect::<Vec<_>>(),
            3,
            today,
        )
        .await?,
    );
    let units_by_head: HashMap<EmployeeId, OrgUnitId> =
        heads.iter().map(|h| (h.id, h.unit)).collect();
    let open_in: Vec<(OrgUnitId, bool)> = heads
        .iter()
        .take(5)
        .enumerate()
        .map(|(n, h)| (units_by_head[&h.id], n % 2 == 0))
        .collect();
    let leaders: Vec<&Candidate> = heads.iter().chain(&leads).copied().collect();
    let (open, filled) = positions(hr, &leaders, &open_in, today).await?;
    incumbents_learning(&ld, &leaders, today).await?;
    // Three placements (two into roles grown for growth), two alumni, two lost.
    for ((m, _, graduated), (position, days)) in
        graduates.iter().zip(open.iter().zip([400u64, 250, 90]))
    {
        let cmd = PlacementCommand {
            membership_id: *m,
            position_id: *position,
            placed_on: Some((*graduated + Days::new(days)).min(today)),
        };
        svc::place(hr, cmd).await?;
    }
    for (n, (m, _, _)) in graduates.iter().skip(3).take(2).enumerate() {
        svc::alumni(hr, *m, n == 0, Some(ago(today, 200))).await?;
    }
    let waiting = graduates.get(5..emerging_graduates).unwrap_or_default();
    talent(hr, director, waiting, &filled, today).await?;
    let lost: Vec<&Candidate> = graduates
        .iter()
        .skip(5)
        .step_by(7)
        .take(2)
        .filter_map(|(_, e, _)| people.iter().find(|p| p.id == *e))
        .collect();
    terminate(hr, &lost, today).await
}
