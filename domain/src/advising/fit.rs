//! Which support role fits a need: the delineation table of `docs/SUPPORT-ROLES.md` as data,
//! and a plain, explainable match of a described need against it (cues per role, the first
//! role in safety order whose cue appears wins, and the answer says which cue).

/// One row of the delineation table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SupportRole {
    /// `coach`, `mentor`, `performance_advisor` or `eap`.
    pub role: &'static str,
    pub who_it_is_for: &'static str,
    pub relationship: &'static str,
    pub who_judges_progress: &'static str,
    /// What Learnwell stores about it.
    pub in_learnwell: &'static str,
    /// Words in a described need that point to this role (lower case).
    cues: &'static [&'static str],
}

/// The table, in the order needs are matched: mental-health needs first (they go outside
/// Learnwell whatever else is said), then struggling on the job, then guidance, then strengths.
pub const SUPPORT_ROLES: &[SupportRole] = &[
    SupportRole {
        role: "eap",
        who_it_is_for: "people with mental-health needs",
        relationship: "outside Learnwell: a therapist or the employee assistance programme",
        who_judges_progress: "-",
        in_learnwell: "a referral is recorded (the fact and the date), nothing clinical",
        cues: &[
            "mental health", "anxiety", "anxious", "depress", "burnout", "burned out",
            "burnt out", "panic", "grief", "bereave", "therapy", "therapist", "counsel",
            "self-harm", "suicid", "trauma", "addiction", "can't sleep", "cannot sleep",
        ],
    },
    SupportRole {
        role: "performance_advisor",
        who_it_is_for: "people struggling on the job, e.g. told to improve their time management or communication, or on a PIP",
        relationship: "prescriptive, in collaboration with the manager",
        who_judges_progress: "the supervisor",
        in_learnwell: "an advising engagement: plan, check-ins, the supervisor's ratings",
        cues: &[
            "pip", "performance improvement", "improvement plan", "poor performance",
            "underperform", "under-perform", "struggl", "told to improve", "manager says",
            "manager said", "manager told", "missed deadline", "missing deadline",
            "time management", "communication style", "warning", "not meeting expectations",
            "behind on", "falling behind",
        ],
    },
    SupportRole {
        role: "mentor",
        who_it_is_for: "people who want guidance from someone experienced in their field",
        relationship: "mentee-led",
        who_judges_progress: "the mentee",
        in_learnwell: "a mentoring engagement; sessions count as learning time",
        cues: &[
            "mentor", "guidance", "experienced", "career", "advice from", "learn from someone",
            "someone who has done", "new to the field", "grow in my field", "senior colleague",
        ],
    },
    SupportRole {
        role: "coach",
        who_it_is_for: "people who want strengths training, often high performers",
        relationship: "client-led",
        who_judges_progress: "the client",
        in_learnwell: "a coaching engagement; sessions count as learning time",
        cues: &[
            "coach", "strength", "high perform", "potential", "stretch", "next level",
            "leadership presence", "confidence", "excel", "goals of my own",
        ],
    },
];

/// What fits a need: the role (or none when no cue matched), why, and the row behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportFit {
    pub role: Option<&'static SupportRole>,
    pub matched: Option<&'static str>,
    pub reason: String,
}

/// Does `text` hold `cue` at the start of a word (and, for a short cue such as "pip", as a whole
/// word, so "pipeline" is no PIP)?
fn mentions(text: &str, cue: &str) -> bool {
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(cue).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + cue.len()..].chars().next();
        !alnum(before) && (cue.len() > 4 || !alnum(after))
    })
}

/// Which role fits `need` (free text, matched case-insensitively).
pub fn support_fit(need: &str) -> SupportFit {
    let text = need.to_lowercase();
    for role in SUPPORT_ROLES {
        if let Some(cue) = role.cues.iter().find(|c| mentions(&text, c)) {
            let reason = format!(
                "the need mentions \"{cue}\": the {} is for {}; the relationship is {}, and progress is judged by {}",
                role.role.replace('_', " "),
                role.who_it_is_for,
                role.relationship,
                role.who_judges_progress
            );
            return SupportFit {
                role: Some(role),
                matched: Some(cue),
                reason,
            };
        }
    }
    SupportFit {
        role: None,
        matched: None,
        reason: "nothing in the need points to one role: read the table (who it is for, the relationship, who judges progress) with the person".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_need_gets_its_role_with_the_cue_as_reason() {
        for (need, role) in [
            (
                "My manager put me on a PIP for missed deadlines",
                "performance_advisor",
            ),
            (
                "I was told to improve my time management",
                "performance_advisor",
            ),
            (
                "I'd like guidance from someone experienced in data engineering",
                "mentor",
            ),
            (
                "High performer who wants to build on her strengths",
                "coach",
            ),
            ("I feel anxious all the time and can't sleep", "eap"),
        ] {
            let fit = support_fit(need);
            assert_eq!(fit.role.map(|r| r.role), Some(role), "{need}");
            assert!(
                fit.reason.contains(fit.matched.unwrap_or("-")),
                "{}",
                fit.reason
            );
        }
    }

    #[test]
    fn a_mental_health_need_goes_to_the_eap_even_beside_a_pip() {
        let fit = support_fit("On a PIP and burned out");
        assert_eq!(fit.role.map(|r| r.role), Some("eap"));
    }

    #[test]
    fn a_short_cue_is_a_whole_word() {
        let fit = support_fit("a mentor for pipeline work");
        assert_eq!(fit.role.map(|r| r.role), Some("mentor"));
    }

    #[test]
    fn a_need_without_cues_fits_no_role_and_says_so() {
        let fit = support_fit("hello");
        assert!(fit.role.is_none());
        assert!(fit.reason.contains("table"));
    }
}
