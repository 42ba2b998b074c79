//! Findings: deterministic, documented rules (`docs/PIPELINE.md`, "Findings") that turn the
//! bottleneck figures into statements a leader can act on, each with its rule id, the numbers
//! behind it and the actions the model supports. The rules are data: a table of ids and checks
//! over configurable thresholds (`pipeline.findings` in the configuration).

use super::bottleneck::BottleneckFigures;

code_enum!(
    /// What the model supports doing about a finding: place waiting graduates into open
    /// positions or grow the organisation (create positions), or help people move on with the
    /// organisation's help (graduates who will not be placed, incumbents going nowhere).
    Action, "action" {
        /// Place waiting graduates into open positions, or create positions to grow the
        /// organisation.
        PlaceOrGrow = "place_or_grow",
        /// Help people move on with the organisation's help: graduates who will not be
        /// placed, incumbents going nowhere.
        HelpMoveOn = "help_move_on",
    }
);

/// The thresholds of the rules (every one configurable; the defaults are documented).
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// `graduates_outnumber_openings`: at least this many graduates waiting ...
    pub min_waiting: u32,
    /// ... and at least this many per open position (or no open position at all).
    pub waiting_per_opening: f64,
    /// `long_wait`: the median wait of waiting graduates is at least this many days.
    pub long_wait_days: u32,
    /// `stagnant_incumbents`: at least this many incumbents in scope ...
    pub min_incumbents: u32,
    /// ... and at least this share of them without learning in 12 months.
    pub stagnant_share: f64,
    /// `ready_now_without_role`: at least this many ready-now people hold no leadership role.
    pub min_ready_now_without_role: u32,
    /// `weak_bench`: at least this many positions ...
    pub min_positions: u32,
    /// ... and fewer than this share have a ready-now successor.
    pub bench_strength_below: f64,
    /// `graduates_leave`: at least this many graduates left in 12 months ...
    pub min_graduates_left: u32,
    /// ... at a rate at least this multiple of non-graduates' of the same levels.
    pub attrition_ratio: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            min_waiting: 3,
            waiting_per_opening: 2.0,
            long_wait_days: 365,
            min_incumbents: 3,
            stagnant_share: 0.5,
            min_ready_now_without_role: 3,
            min_positions: 5,
            bench_strength_below: 0.3,
            min_graduates_left: 2,
            attrition_ratio: 1.5,
        }
    }
}

/// A statement with the numbers behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule_id: &'static str,
    pub message: String,
    pub figures: Vec<(&'static str, f64)>,
    pub actions: &'static [Action],
}

type Check = fn(&BottleneckFigures, &Thresholds, &str) -> Option<Finding>;

/// One rule: a stable id, what it says, and its check.
pub struct FindingRule {
    pub id: &'static str,
    pub summary: &'static str,
    check: Check,
}

const BOTH: &[Action] = &[Action::PlaceOrGrow, Action::HelpMoveOn];

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn outnumber(f: &BottleneckFigures, t: &Thresholds, place: &str) -> Option<Finding> {
    let w = f.graduates_waiting;
    let ratio_met = f
        .waiting_per_open_position
        .is_none_or(|r| r >= t.waiting_per_opening);
    if w < t.min_waiting || !ratio_met {
        return None;
    }
    let mut message = format!(
        "{} {} for {} in {place}",
        plural(w, "graduate", "graduates"),
        if w == 1 { "waits" } else { "wait" },
        plural(f.open_positions, "open position", "open positions"),
    );
    let mut figures = vec![
        ("graduates_waiting", f64::from(w)),
        ("open_positions", f64::from(f.open_positions)),
    ];
    if let Some(m) = f.waiting_days.median {
        message.push_str(&format!("; median wait {m} days"));
        figures.push(("median_wait_days", f64::from(m)));
    }
    Some(Finding {
        rule_id: "graduates_outnumber_openings",
        message,
        figures,
        actions: BOTH,
    })
}

fn long_wait(f: &BottleneckFigures, t: &Thresholds, place: &str) -> Option<Finding> {
    let m = f.waiting_days.median.filter(|m| *m >= t.long_wait_days)?;
    let p90 = f.waiting_days.p90.unwrap_or(m);
    Some(Finding {
        rule_id: "long_wait",
        message: format!(
            "graduates in {place} have waited a median of {m} days for a role (p90 {p90} days), \
             longer than {} days",
            t.long_wait_days
        ),
        figures: vec![
            ("median_wait_days", f64::from(m)),
            ("p90_wait_days", f64::from(p90)),
            ("graduates_waiting", f64::from(f.waiting_days.count)),
        ],
        actions: BOTH,
    })
}

fn stagnant(f: &BottleneckFigures, t: &Thresholds, place: &str) -> Option<Finding> {
    let s = f.stagnation?;
    if s.incumbents < t.min_incumbents
        || f64::from(s.without_learning) < t.stagnant_share * f64::from(s.incumbents)
    {
        return None;
    }
    Some(Finding {
        rule_id: "stagnant_incumbents",
        message: format!(
            "{} of {} incumbents in {place} have had no learning in 12 months; {} of them have \
             overdue assigned development",
            s.without_learning, s.incumbents, s.without_learning_and_overdue
        ),
        figures: vec![
            ("incumbents", f64::from(s.incumbents)),
            ("without_learning", f64::from(s.without_learning)),
            (
                "without_learning_and_overdue",
                f64::from(s.without_learning_and_overdue),
            ),
        ],
        actions: &[Action::HelpMoveOn],
    })
}

fn ready_without_role(f: &BottleneckFigures, t: &Thresholds, place: &str) -> Option<Finding> {
    let n = f.ready_now_without_role;
    if n < t.min_ready_now_without_role {
        return None;
    }
    let mut message = format!(
        "{} assessed ready now {} no leadership role in {place}",
        plural(n, "person", "people"),
        if n == 1 { "has" } else { "have" }
    );
    let mut figures = vec![("ready_now_without_role", f64::from(n))];
    if let Some(x) = f.ready_now_waiting_days.max {
        message.push_str(&format!("; the longest has been ready for {x} days"));
        figures.push(("longest_ready_days", f64::from(x)));
    }
    Some(Finding {
        rule_id: "ready_now_without_role",
        message,
        figures,
        actions: BOTH,
    })
}

fn weak_bench(f: &BottleneckFigures, t: &Thresholds, place: &str) -> Option<Finding> {
    let b = f.bench_strength?;
    if f.positions < t.min_positions || b >= t.bench_strength_below {
        return None;
    }
    Some(Finding {
        rule_id: "weak_bench",
        message: format!(
            "only {} of {} leadership positions in {place} have a ready-now successor",
            f.positions_with_ready_now_successor, f.positions
        ),
        figures: vec![
            ("positions", f64::from(f.positions)),
            (
                "with_ready_now_successor",
                f64::from(f.positions_with_ready_now_successor),
            ),
            ("bench_strength", b),
        ],
        actions: &[Action::PlaceOrGrow],
    })
}

fn graduates_leave(f: &BottleneckFigures, t: &Thresholds, place: &str) -> Option<Finding> {
    let (g, o) = (f.attrition.graduates, f.attrition.others);
    let gr = g.rate()?;
    let or = o.rate().unwrap_or(0.0);
    if g.left < t.min_graduates_left || gr < t.attrition_ratio * or {
        return None;
    }
    Some(Finding {
        rule_id: "graduates_leave",
        message: format!(
            "{} of {} graduates in {place} left in the last 12 months ({:.0}%), against {:.0}% \
             of non-graduates of the same levels",
            g.left,
            g.people,
            gr * 100.0,
            or * 100.0
        ),
        figures: vec![
            ("graduates_left", f64::from(g.left)),
            ("graduates", f64::from(g.people)),
            ("graduate_attrition", gr),
            ("other_attrition", or),
        ],
        actions: BOTH,
    })
}

/// Every rule, in the order findings are listed.
pub const RULES: &[FindingRule] = &[
    FindingRule {
        id: "graduates_outnumber_openings",
        summary: "at least min_waiting graduates wait and at least waiting_per_opening per open position (or none is open)",
        check: outnumber,
    },
    FindingRule {
        id: "long_wait",
        summary: "the median wait of waiting graduates is at least long_wait_days",
        check: long_wait,
    },
    FindingRule {
        id: "stagnant_incumbents",
        summary: "at least min_incumbents incumbents and at least stagnant_share of them without learning in 12 months (hr_admin and ld_admin only)",
        check: stagnant,
    },
    FindingRule {
        id: "ready_now_without_role",
        summary: "at least min_ready_now_without_role people assessed ready now hold no leadership position",
        check: ready_without_role,
    },
    FindingRule {
        id: "weak_bench",
        summary: "at least min_positions positions and fewer than bench_strength_below of them with a ready-now successor",
        check: weak_bench,
    },
    FindingRule {
        id: "graduates_leave",
        summary: "at least min_graduates_left graduates left in 12 months, at attrition_ratio times the rate of non-graduates of the same levels or more",
        check: graduates_leave,
    },
];

/// The findings of `figures` about `place` ("Operations", "the organisation", ...).
pub fn findings(figures: &BottleneckFigures, t: &Thresholds, place: &str) -> Vec<Finding> {
    RULES
        .iter()
        .filter_map(|r| (r.check)(figures, t, place))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::bottleneck::{Rate, Spread, Stagnation};

    fn ids(f: &BottleneckFigures) -> Vec<&'static str> {
        findings(f, &Thresholds::default(), "Operations")
            .into_iter()
            .map(|x| x.rule_id)
            .collect()
    }

    fn one(f: &BottleneckFigures, id: &str) -> Finding {
        findings(f, &Thresholds::default(), "Operations")
            .into_iter()
            .find(|x| x.rule_id == id)
            .expect(id)
    }

    #[test]
    fn rule_ids_are_unique() {
        let mut seen = std::collections::HashSet::new();
        assert!(RULES.iter().all(|r| seen.insert(r.id)));
    }

    #[test]
    fn no_figures_no_findings() {
        assert!(ids(&BottleneckFigures::default()).is_empty());
    }

    #[test]
    fn graduates_outnumber_openings_fires_at_its_thresholds() {
        let mut f = BottleneckFigures {
            graduates_waiting: 14,
            open_positions: 2,
            waiting_per_open_position: Some(7.0),
            waiting_days: Spread::of(vec![200, 410, 500]),
            ..Default::default()
        };
        let x = one(&f, "graduates_outnumber_openings");
        assert_eq!(
            x.message,
            "14 graduates wait for 2 open positions in Operations; median wait 410 days"
        );
        assert_eq!(x.actions, BOTH);
        assert!(x.figures.contains(&("median_wait_days", 410.0)));
        f.waiting_per_open_position = Some(1.9);
        assert!(!ids(&f).contains(&"graduates_outnumber_openings"));
        f.waiting_per_open_position = None;
        f.graduates_waiting = 2;
        assert!(!ids(&f).contains(&"graduates_outnumber_openings"));
        let t = Thresholds {
            min_waiting: 2,
            ..Thresholds::default()
        };
        assert!(findings(&f, &t, "x")
            .iter()
            .any(|x| x.rule_id == "graduates_outnumber_openings"));
    }

    #[test]
    fn long_wait_fires_from_the_median() {
        let mut f = BottleneckFigures {
            waiting_days: Spread::of(vec![100, 365, 700]),
            ..Default::default()
        };
        assert_eq!(
            one(&f, "long_wait").message,
            "graduates in Operations have waited a median of 365 days for a role (p90 700 days), longer than 365 days"
        );
        f.waiting_days = Spread::of(vec![100, 364, 700]);
        assert!(ids(&f).is_empty());
    }

    #[test]
    fn stagnant_incumbents_needs_the_signal_and_its_share() {
        let mut f = BottleneckFigures {
            stagnation: Some(Stagnation {
                incumbents: 7,
                without_learning: 5,
                overdue_assigned: 4,
                without_learning_and_overdue: 3,
            }),
            ..Default::default()
        };
        let x = one(&f, "stagnant_incumbents");
        assert_eq!(
            x.message,
            "5 of 7 incumbents in Operations have had no learning in 12 months; 3 of them have overdue assigned development"
        );
        assert_eq!(x.actions, &[Action::HelpMoveOn]);
        f.stagnation = Some(Stagnation {
            incumbents: 7,
            without_learning: 3,
            ..Stagnation::default()
        });
        assert!(ids(&f).is_empty());
        f.stagnation = None;
        assert!(ids(&f).is_empty());
    }

    #[test]
    fn ready_now_without_role_counts_and_names_the_longest_wait() {
        let mut f = BottleneckFigures {
            ready_now_without_role: 3,
            ready_now_waiting_days: Spread::of(vec![10, 20, 400]),
            ..Default::default()
        };
        assert_eq!(
            one(&f, "ready_now_without_role").message,
            "3 people assessed ready now have no leadership role in Operations; the longest has been ready for 400 days"
        );
        f.ready_now_without_role = 2;
        assert!(ids(&f).is_empty());
    }

    #[test]
    fn weak_bench_needs_enough_positions() {
        let mut f = BottleneckFigures {
            positions: 10,
            positions_with_ready_now_successor: 2,
            bench_strength: Some(0.2),
            ..Default::default()
        };
        assert_eq!(
            one(&f, "weak_bench").message,
            "only 2 of 10 leadership positions in Operations have a ready-now successor"
        );
        f.bench_strength = Some(0.3);
        assert!(ids(&f).is_empty());
        f.bench_strength = Some(0.0);
        f.positions = 4;
        assert!(ids(&f).is_empty());
    }

    #[test]
    fn graduates_leave_compares_with_non_graduates() {
        let mut f = BottleneckFigures::default();
        f.attrition.graduates = Rate {
            people: 10,
            left: 3,
        };
        f.attrition.others = Rate {
            people: 100,
            left: 10,
        };
        assert_eq!(
            one(&f, "graduates_leave").message,
            "3 of 10 graduates in Operations left in the last 12 months (30%), against 10% of non-graduates of the same levels"
        );
        f.attrition.others = Rate {
            people: 100,
            left: 21,
        };
        assert!(ids(&f).is_empty());
        f.attrition.others = Rate {
            people: 100,
            left: 0,
        };
        f.attrition.graduates = Rate {
            people: 10,
            left: 1,
        };
        assert!(ids(&f).is_empty());
    }

    #[test]
    fn thresholds_come_from_configuration_with_documented_defaults() {
        let t: Thresholds = serde_json::from_str(r#"{"long_wait_days": 180}"#).unwrap();
        assert_eq!(t.long_wait_days, 180);
        assert_eq!(t.min_waiting, 3);
        assert!(serde_json::from_str::<Thresholds>(r#"{"long_wait": 1}"#).is_err());
    }
}
