//! The projection of the graduate queue (`docs/PIPELINE.md`, "Projection"): a deterministic
//! flow model in expected values, year by year.
//!
//! With `Q` the graduates waiting, `P` the positions and `O` the positions open at the end of a
//! year, in year `y`:
//!
//! ```text
//! openings_y = O_{y-1} + t·(P_{y-1} − O_{y-1}) + c      vacated by turnover, plus created
//! P_y        = P_{y-1} + c
//! moved_on_y = h·Q_{y-1}                                helped to move on
//! candidates = Q_{y-1} − moved_on_y + g
//! placed_y   = min(candidates, openings_y)
//! Q_y        = candidates − placed_y
//! O_y        = openings_y − placed_y
//! wait_y     = 365 · Q_y / (placed_y + moved_on_y)      Little's law; 0 when Q_y = 0, none
//!                                                       when nobody leaves the queue
//! ```
//!
//! `Q_y` grows with `Q_{y-1}` and `g` and shrinks with `openings_y`, and `openings_y` grows with
//! `c`, `O` and `P`: more positions never lengthen the queue, and without graduates it never
//! grows (property tests below).

use crate::FieldError;

/// The assumptions, checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assumptions {
    pub graduates_per_year: f64,
    /// Share of filled positions vacated per year (0..=1).
    pub incumbent_turnover: f64,
    pub positions_created_per_year: f64,
    /// Share of the waiting graduates helped to move on per year (0..=1).
    pub helped_to_move_on: f64,
    /// Years, 1..=30.
    pub horizon_years: u32,
    /// Where it starts: graduates waiting, positions, open positions.
    pub waiting_now: f64,
    pub positions_now: f64,
    pub open_now: f64,
}

/// The assumptions as sent; a missing one takes the default given (the organisation's own
/// history).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AssumptionFields {
    pub graduates_per_year: Option<f64>,
    pub incumbent_turnover: Option<f64>,
    pub positions_created_per_year: Option<f64>,
    pub helped_to_move_on: Option<f64>,
    pub horizon_years: Option<i64>,
}

pub const HORIZON_MAX: u32 = 30;
const COUNT_MAX: f64 = 1e7;

impl AssumptionFields {
    /// Fill the missing fields from `defaults` and check every one.
    pub fn parse(&self, defaults: &Assumptions) -> Result<Assumptions, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &str, v: Option<f64>, default: f64, max: f64| {
            let x = v.unwrap_or(default);
            if !(x.is_finite() && (0.0..=max).contains(&x)) {
                errors.push(FieldError::new(
                    field,
                    format!("must be between 0 and {max}"),
                ));
            }
            x
        };
        let a = Assumptions {
            graduates_per_year: check(
                "graduates_per_year",
                self.graduates_per_year,
                defaults.graduates_per_year,
                COUNT_MAX,
            ),
            incumbent_turnover: check(
                "incumbent_turnover",
                self.incumbent_turnover,
                defaults.incumbent_turnover,
                1.0,
            ),
            positions_created_per_year: check(
                "positions_created_per_year",
                self.positions_created_per_year,
                defaults.positions_created_per_year,
                COUNT_MAX,
            ),
            helped_to_move_on: check(
                "helped_to_move_on",
                self.helped_to_move_on,
                defaults.helped_to_move_on,
                1.0,
            ),
            horizon_years: match self.horizon_years {
                None => defaults.horizon_years,
                Some(h) => match u32::try_from(h) {
                    Ok(h @ 1..=HORIZON_MAX) => h,
                    _ => {
                        errors.push(FieldError::new(
                            "horizon_years",
                            format!("must be between 1 and {HORIZON_MAX}"),
                        ));
                        1
                    }
                },
            },
            ..*defaults
        };
        if errors.is_empty() {
            Ok(a)
        } else {
            Err(errors)
        }
    }
}

/// One projected year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProjectionYear {
    /// 1 = the first year from now.
    pub year: u32,
    pub openings: f64,
    pub placed: f64,
    pub moved_on: f64,
    /// Graduates waiting at the end of the year.
    pub queue: f64,
    pub open_positions: f64,
    /// Their expected wait in days (`None`: nobody leaves the queue, the wait is unbounded).
    pub expected_wait_days: Option<f64>,
}

/// The queue year by year over the horizon.
pub fn project(a: &Assumptions) -> Vec<ProjectionYear> {
    let (mut q, mut p, mut o) = (
        a.waiting_now,
        a.positions_now,
        a.open_now.min(a.positions_now),
    );
    (1..=a.horizon_years)
        .map(|year| {
            let openings =
                o + a.incumbent_turnover * (p - o).max(0.0) + a.positions_created_per_year;
            p += a.positions_created_per_year;
            let moved_on = a.helped_to_move_on * q;
            let candidates = q - moved_on + a.graduates_per_year;
            let placed = candidates.min(openings);
            q = (candidates - placed).max(0.0);
            o = (openings - placed).max(0.0);
            let exits = placed + moved_on;
            let expected_wait_days = if q <= 0.0 {
                Some(0.0)
            } else if exits > 0.0 {
                Some(365.0 * q / exits)
            } else {
                None
            };
            ProjectionYear {
                year,
                openings,
                placed,
                moved_on,
                queue: q,
                open_positions: o,
                expected_wait_days,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn base() -> Assumptions {
        Assumptions {
            graduates_per_year: 20.0,
            incumbent_turnover: 0.1,
            positions_created_per_year: 2.0,
            helped_to_move_on: 0.1,
            horizon_years: 3,
            waiting_now: 30.0,
            positions_now: 50.0,
            open_now: 2.0,
        }
    }

    #[test]
    fn the_worked_example_of_docs_pipeline() {
        let y = project(&base());
        // Year 1: openings = 2 + 0.1·48 + 2 = 8.8; moved on 3; candidates 30 − 3 + 20 = 47;
        // placed 8.8; queue 38.2; wait 365 · 38.2 / 11.8.
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(y[0].openings, 8.8));
        assert!(close(y[0].moved_on, 3.0));
        assert!(close(y[0].placed, 8.8));
        assert!(close(y[0].queue, 38.2));
        assert!(close(y[0].expected_wait_days.unwrap(), 365.0 * 38.2 / 11.8));
        // Year 2: positions 52, none open: openings = 0.1·52 + 2 = 7.2; moved on 3.82.
        assert!(close(y[1].openings, 7.2));
        assert!(close(y[1].queue, 38.2 - 3.82 + 20.0 - 7.2));
        assert_eq!(y.len(), 3);
    }

    #[test]
    fn nobody_leaving_the_queue_means_an_unbounded_wait() {
        let a = Assumptions {
            incumbent_turnover: 0.0,
            positions_created_per_year: 0.0,
            helped_to_move_on: 0.0,
            open_now: 0.0,
            ..base()
        };
        assert_eq!(project(&a)[0].expected_wait_days, None);
        assert!(project(&a).windows(2).all(|w| w[1].queue > w[0].queue));
    }

    #[test]
    fn missing_assumptions_take_the_defaults_and_bad_ones_are_named() {
        let d = base();
        let f = AssumptionFields {
            graduates_per_year: Some(5.0),
            ..Default::default()
        };
        assert_eq!(
            f.parse(&d).unwrap(),
            Assumptions {
                graduates_per_year: 5.0,
                ..d
            }
        );
        let bad = AssumptionFields {
            graduates_per_year: Some(-1.0),
            incumbent_turnover: Some(1.5),
            positions_created_per_year: Some(f64::NAN),
            helped_to_move_on: Some(2.0),
            horizon_years: Some(31),
        };
        let fields: Vec<String> = bad
            .parse(&d)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "graduates_per_year",
                "incumbent_turnover",
                "positions_created_per_year",
                "helped_to_move_on",
                "horizon_years"
            ]
        );
    }

    fn assumptions() -> impl Strategy<Value = Assumptions> {
        (
            0.0..200.0f64,
            0.0..=1.0f64,
            0.0..50.0f64,
            0.0..=1.0f64,
            1u32..=30,
            0.0..500.0f64,
            0.0..2000.0f64,
            0.0..1.0f64,
        )
            .prop_map(|(g, t, c, h, horizon, q, p, open_share)| Assumptions {
                graduates_per_year: g,
                incumbent_turnover: t,
                positions_created_per_year: c,
                helped_to_move_on: h,
                horizon_years: horizon,
                waiting_now: q,
                positions_now: p,
                open_now: p * open_share,
            })
    }

    proptest! {
        #[test]
        fn more_positions_never_lengthen_the_queue(a in assumptions(), more in 0.0..50.0f64, open in 0.0..100.0f64) {
            let grown = Assumptions {
                positions_created_per_year: a.positions_created_per_year + more,
                positions_now: a.positions_now + open,
                open_now: a.open_now + open,
                ..a
            };
            for (x, y) in project(&a).iter().zip(project(&grown)) {
                prop_assert!(y.queue <= x.queue + 1e-6, "{} > {}", y.queue, x.queue);
            }
        }

        #[test]
        fn zero_graduates_empties_the_queue(a in assumptions(), created in 0.5..50.0f64) {
            let none = Assumptions { graduates_per_year: 0.0, positions_created_per_year: created, ..a };
            let years = project(&none);
            let mut before = none.waiting_now;
            for y in &years {
                prop_assert!(y.queue <= before + 1e-9);
                before = y.queue;
            }
            // At least `created` openings a year: empty within ceil(Q0 / created) years.
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "small")]
            let needed = (none.waiting_now / created).ceil() as u32 + 1;
            if needed <= none.horizon_years {
                prop_assert_eq!(years[needed as usize - 1].queue, 0.0);
            }
            let empty = Assumptions { waiting_now: 0.0, ..none };
            prop_assert!(project(&empty).iter().all(|y| y.queue == 0.0 && y.expected_wait_days == Some(0.0)));
        }
    }
}
