//! Matching: the mentors or coaches proposed for a request, each with a score and the reasons
//! behind it. Deterministic: the same request and profiles give the same list.
//!
//! Eligible: an active profile of the kind asked for, with a free place, that works with the
//! mentee's job level, and is not the mentee. Points:
//! - `skill_overlap`: 10 per skill of the request the profile has (at most 5 skills, 50).
//! - `level_gap`: an internal mentor one or two levels above the mentee, 20 (close enough to
//!   remember the way, far enough to guide); three or four above, 10; otherwise nothing.
//! - `another_department`: an internal mentor in another org unit, 10 (a view from outside the
//!   reporting line).
//! - `free_capacity`: 2 per free place, at most 10.
//! - `shared_language`: the request names languages and the profile speaks one of them, 15.
//!
//! Highest score first; equal scores by profile id (creation order).

use super::mentoring::{MentorProfile, MentoringRequest};
use crate::ids::{EmployeeId, MentorProfileId, OrgUnitId};
use crate::org::JobLevel;

/// The mentee as matching sees them.
#[derive(Debug, Clone, Copy)]
pub struct Mentee {
    pub id: EmployeeId,
    pub level: JobLevel,
    pub org_unit: Option<OrgUnitId>,
}

/// A profile with what the directory knows of an internal giver.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub profile: &'a MentorProfile,
    pub level: Option<JobLevel>,
    pub org_unit: Option<OrgUnitId>,
}

/// One reason behind a score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub code: &'static str,
    pub points: u32,
    pub detail: String,
}

/// A proposed mentor or coach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub profile_id: MentorProfileId,
    pub score: u32,
    pub reasons: Vec<Reason>,
}

fn eligible(request: &MentoringRequest, mentee: &Mentee, c: &Candidate<'_>) -> bool {
    let p = c.profile;
    p.active
        && p.kind == request.kind
        && p.free_places() > 0
        && (p.levels.0..=p.levels.1).contains(&mentee.level)
        && p.employee_id() != Some(mentee.id)
}

fn reasons(request: &MentoringRequest, mentee: &Mentee, c: &Candidate<'_>) -> Vec<Reason> {
    let p = c.profile;
    let mut out = Vec::new();
    let shared = request
        .skills
        .iter()
        .filter(|s| p.skills.contains(s))
        .count()
        .min(5);
    if shared > 0 {
        let n = u32::try_from(shared).unwrap_or(5);
        out.push(Reason {
            code: "skill_overlap",
            points: 10 * n,
            detail: format!("{n} of the {} skills asked for", request.skills.len()),
        });
    }
    if let Some(level) = c.level {
        let gap = i32::from(level.get()) - i32::from(mentee.level.get());
        let points = match gap {
            1 | 2 => 20,
            3 | 4 => 10,
            _ => 0,
        };
        if points > 0 {
            out.push(Reason {
                code: "level_gap",
                points,
                detail: format!("{gap} job level(s) above the mentee"),
            });
        }
    }
    if p.employee_id().is_some() && c.org_unit.is_some() && c.org_unit != mentee.org_unit {
        out.push(Reason {
            code: "another_department",
            points: 10,
            detail: "works in another org unit".to_owned(),
        });
    }
    let free = p.free_places();
    out.push(Reason {
        code: "free_capacity",
        points: (2 * free).min(10),
        detail: format!("{free} free place(s)"),
    });
    if let Some(l) = request.languages.iter().find(|l| p.languages.contains(l)) {
        out.push(Reason {
            code: "shared_language",
            points: 15,
            detail: format!("speaks {}", l.as_str()),
        });
    }
    out
}

/// The best `limit` eligible candidates for `request`, best first.
pub fn propose<'a>(
    request: &MentoringRequest,
    mentee: &Mentee,
    candidates: impl IntoIterator<Item = Candidate<'a>>,
    limit: usize,
) -> Vec<Proposal> {
    let mut all: Vec<Proposal> = candidates
        .into_iter()
        .filter(|c| eligible(request, mentee, c))
        .map(|c| {
            let reasons = reasons(request, mentee, &c);
            Proposal {
                profile_id: c.profile.id,
                score: reasons.iter().map(|r| r.points).sum(),
                reasons,
            }
        })
        .collect();
    all.sort_by(|a, b| b.score.cmp(&a.score).then(a.profile_id.cmp(&b.profile_id)));
    all.truncate(limit);
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::development::mentoring::{ProfileFields, RequestFields};
    use crate::ids::{MentoringRequestId, SkillId};
    use chrono::DateTime;

    fn uuid(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }
    fn skill(n: u128) -> String {
        SkillId::from_uuid(uuid(100 + n)).to_string()
    }
    fn mentor(n: u128, skills: &[u128], capacity: i64, langs: &[&str]) -> MentorProfile {
        ProfileFields {
            kind: Some("mentor".into()),
            employee_id: Some(EmployeeId::from_uuid(uuid(n)).to_string()),
            skills: skills.iter().map(|s| skill(*s)).collect(),
            languages: langs.iter().map(|l| (*l).to_owned()).collect(),
            capacity: Some(capacity),
            ..Default::default()
        }
        .parse(MentorProfileId::from_uuid(uuid(n)), DateTime::UNIX_EPOCH)
        .unwrap()
    }
    fn level(n: i64) -> JobLevel {
        JobLevel::new(n).unwrap()
    }

    #[test]
    fn proposals_are_scored_with_their_reasons_best_first() {
        let request = RequestFields {
            goals: Some("Learn Rust".into()),
            skills: vec![skill(1), skill(2)],
            languages: vec!["de".into()],
            ..Default::default()
        }
        .parse(
            MentoringRequestId::from_uuid(uuid(9)),
            EmployeeId::from_uuid(uuid(50)),
            DateTime::UNIX_EPOCH,
        )
        .unwrap();
        let (unit_a, unit_b) = (
            OrgUnitId::from_uuid(uuid(70)),
            OrgUnitId::from_uuid(uuid(71)),
        );
        let mentee = Mentee {
            id: request.mentee_id,
            level: level(1),
            org_unit: Some(unit_a),
        };
        let close = mentor(1, &[1, 2], 1, &["de"]);
        let far = mentor(2, &[1], 5, &["en"]);
        let full = MentorProfile {
            active_count: 1,
            ..mentor(3, &[1, 2], 1, &["de"])
        };
        let myself = mentor(50, &[1, 2], 3, &["de"]);
        let candidates = [
            Candidate {
                profile: &far,
                level: Some(level(7)),
                org_unit: Some(unit_a),
            },
            Candidate {
                profile: &close,
                level: Some(level(3)),
                org_unit: Some(unit_b),
            },
            Candidate {
                profile: &full,
                level: Some(level(2)),
                org_unit: Some(unit_b),
            },
            Candidate {
                profile: &myself,
                level: Some(level(1)),
                org_unit: Some(unit_a),
            },
        ];
        let out = propose(&request, &mentee, candidates, 10);
        let ids: Vec<_> = out.iter().map(|p| p.profile_id).collect();
        assert_eq!(
            ids,
            [close.id, far.id],
            "the full and the mentee's own are left out"
        );
        // close: 2 skills (20), 2 levels up (20), another unit (10), 1 place (2), German (15).
        assert_eq!(out[0].score, 67);
        let codes: Vec<&str> = out[0].reasons.iter().map(|r| r.code).collect();
        assert_eq!(
            codes,
            [
                "skill_overlap",
                "level_gap",
                "another_department",
                "free_capacity",
                "shared_language"
            ]
        );
        // far: 1 skill (10), 6 levels up (0), same unit, 5 places (10).
        assert_eq!(out[1].score, 20);
        assert_eq!(propose(&request, &mentee, candidates, 1).len(), 1);
    }

    #[test]
    fn ties_are_broken_by_profile_id_so_matching_is_deterministic() {
        let request = RequestFields {
            goals: Some("x".into()),
            ..Default::default()
        }
        .parse(
            MentoringRequestId::from_uuid(uuid(9)),
            EmployeeId::from_uuid(uuid(50)),
            DateTime::UNIX_EPOCH,
        )
        .unwrap();
        let mentee = Mentee {
            id: request.mentee_id,
            level: level(1),
            org_unit: None,
        };
        let (a, b) = (mentor(2, &[], 1, &[]), mentor(1, &[], 1, &[]));
        let out = propose(
            &request,
            &mentee,
            [
                Candidate {
                    profile: &a,
                    level: None,
                    org_unit: None,
                },
                Candidate {
                    profile: &b,
                    level: None,
                    org_unit: None,
                },
            ],
            5,
        );
        assert_eq!(
            out.iter().map(|p| p.profile_id).collect::<Vec<_>>(),
            [b.id, a.id]
        );
    }
}
