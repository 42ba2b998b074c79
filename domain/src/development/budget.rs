//! Fiscal years, PD budget policies per job level, and each person's budget: prorated for hire
//! and termination, with carry-over.
//!
//! Rounding: a prorated allocation is the policy's amount times the employed days of the fiscal
//! year over its days, rounded down to the minor unit (a budget never grants a fraction of a
//! cent more than the policy). Leave does not reduce a PD budget.

use super::money::{Currency, Money};
use crate::ids::{BudgetId, BudgetPolicyId, EmployeeId};
use crate::org::{EmploymentDates, JobLevel, Period};
use crate::FieldError;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The month a fiscal year starts in (1 = January: fiscal years are calendar years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct FiscalStartMonth(u32);

impl FiscalStartMonth {
    pub fn new(month: u32) -> Result<Self, FieldError> {
        if (1..=12).contains(&month) {
            Ok(Self(month))
        } else {
            Err(FieldError::new(
                "fiscal_year_start_month",
                "must be between 1 and 12",
            ))
        }
    }
    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for FiscalStartMonth {
    type Error = FieldError;
    fn try_from(m: u32) -> Result<Self, FieldError> {
        Self::new(m)
    }
}

impl From<FiscalStartMonth> for u32 {
    fn from(m: FiscalStartMonth) -> u32 {
        m.0
    }
}

/// The fiscal year `day` falls in, named by the calendar year it starts in (with an April start,
/// 2027-02-10 is in fiscal year 2026).
pub fn fiscal_year_of(day: NaiveDate, start: FiscalStartMonth) -> i32 {
    if day.month() >= start.get() {
        day.year()
    } else {
        day.year() - 1
    }
}

/// The days of fiscal year `year`: from the first of its start month to the day before the
/// next one starts.
pub fn fiscal_year_period(year: i32, start: FiscalStartMonth) -> Period {
    let first = |y| NaiveDate::from_ymd_opt(y, start.get(), 1).unwrap_or(NaiveDate::MIN);
    let next = first(year + 1);
    let end = next.pred_opt().unwrap_or(next);
    Period::new(first(year), end).unwrap_or_else(|_| {
        Period::new(end, end).unwrap_or_else(|_| unreachable!("a one-day period"))
    })
}

/// `amount_minor` for the days of `year` between hire and termination (inclusive), rounded down.
pub fn prorated(amount_minor: i64, year: &Period, dates: &EmploymentDates) -> i64 {
    let from = dates
        .hire_date
        .map_or(year.start(), |h| h.max(year.start()));
    let to = dates
        .termination_date
        .map_or(year.end(), |t| t.min(year.end()));
    if to < from {
        return 0;
    }
    let employed = i128::from((to - from).num_days() + 1);
    let total = i128::from(year.days());
    i64::try_from(i128::from(amount_minor) * employed / total).unwrap_or(0)
}

/// What comes in from last year: its unused amount (nothing reserved or spent), up to `cap`.
pub fn carry_in(cap_minor: i64, previous_unused_minor: i64) -> i64 {
    previous_unused_minor.clamp(0, cap_minor.max(0))
}

/// What a policy grants everyone of one job level in one fiscal year.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetPolicy {
    pub id: BudgetPolicyId,
    pub fiscal_year: i32,
    pub job_level: JobLevel,
    pub amount: Money,
    /// How much of the previous fiscal year's unused budget this year takes in.
    pub carry_over_cap_minor: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A budget policy as sent.
#[derive(Debug, Clone, Default)]
pub struct BudgetPolicyFields {
    pub fiscal_year: Option<i64>,
    pub job_level: Option<i64>,
    pub amount_minor: Option<i64>,
    /// Default: the organisation's currency.
    pub currency: Option<String>,
    pub carry_over_cap_minor: Option<i64>,
}

impl BudgetPolicyFields {
    /// Every field checked at once; the currency must be one the organisation uses
    /// (`currencies`, its own first).
    pub fn parse(
        &self,
        id: BudgetPolicyId,
        currencies: &[Currency],
        now: DateTime<Utc>,
    ) -> Result<BudgetPolicy, Vec<FieldError>> {
        let mut errors = Vec::new();
        let year = match self.fiscal_year {
            Some(y) if (2000..=2100).contains(&y) => i32::try_from(y).ok(),
            Some(_) => {
                errors.push(FieldError::new(
                    "fiscal_year",
                    "must be between 2000 and 2100",
                ));
                None
            }
            None => {
                errors.push(FieldError::new("fiscal_year", "is required"));
                None
            }
        };
        let level = match self.job_level {
            Some(l) => JobLevel::new(l).map_err(|e| errors.push(e)).ok(),
            None => {
                errors.push(FieldError::new("job_level", "is required"));
                None
            }
        };
        let currency = match &self.currency {
            None => currencies.first().copied(),
            Some(c) => match Currency::parse(c, "currency") {
                Ok(c) if currencies.contains(&c) => Some(c),
                Ok(_) => {
                    let list: Vec<&str> = currencies.iter().map(Currency::as_str).collect();
                    errors.push(FieldError::new(
                        "currency",
                        format!(
                            "must be a currency of the organisation: {}",
                            list.join(", ")
                        ),
                    ));
                    None
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
        };
        let amount = match self.amount_minor {
            None => {
                errors.push(FieldError::new("amount_minor", "is required"));
                None
            }
            Some(a) => {
                // Checked whatever the currency, so every problem is reported at once.
                let checked = Money::new(
                    a,
                    currencies.first().copied().unwrap_or(Currency([b'X'; 3])),
                    "amount_minor",
                );
                match (checked, currency) {
                    (Err(e), _) => {
                        errors.push(e);
                        None
                    }
                    (Ok(_), c) => c.and_then(|c| Money::new(a, c, "amount_minor").ok()),
                }
            }
        };
        let cap = self.carry_over_cap_minor.unwrap_or(0);
        if !(0..=super::money::MAX_MINOR).contains(&cap) {
            errors.push(FieldError::new(
                "carry_over_cap_minor",
                "must be between 0 and 10000000000000",
            ));
        }
        match (year, level, amount) {
            (Some(fiscal_year), Some(job_level), Some(amount)) if errors.is_empty() => {
                Ok(BudgetPolicy {
                    id,
                    fiscal_year,
                    job_level,
                    amount,
                    carry_over_cap_minor: cap,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                })
            }
            _ => Err(errors),
        }
    }
}

/// What a budget opens with: the prorated allocation and what carries in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    pub currency: Currency,
    pub allocated_minor: i64,
    pub carried_in_minor: i64,
}

impl Opening {
    /// The opening of a person's budget for `year` under `policy` (none: nothing allocated, in
    /// the organisation's `currency`), with the `previous_unused` of last year's budget.
    pub fn new(
        policy: Option<&BudgetPolicy>,
        currency: Currency,
        year: &Period,
        dates: &EmploymentDates,
        previous_unused_minor: i64,
    ) -> Self {
        match policy {
            None => Self {
                currency,
                allocated_minor: 0,
                carried_in_minor: 0,
            },
            Some(p) => Self {
                currency: p.amount.currency(),
                allocated_minor: prorated(p.amount.minor(), year, dates),
                carried_in_minor: carry_in(p.carry_over_cap_minor, previous_unused_minor),
            },
        }
    }
}

/// One person's PD budget for one fiscal year. Approvals reserve, spending settles,
/// cancellation releases; `available` never goes below zero (the store changes `reserved` and
/// `spent` only under that condition).
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub id: BudgetId,
    pub employee_id: EmployeeId,
    pub fiscal_year: i32,
    pub currency: Currency,
    pub allocated_minor: i64,
    pub carried_in_minor: i64,
    pub reserved_minor: i64,
    pub spent_minor: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Budget {
    /// A budget opened now: nothing reserved or spent.
    pub fn open(
        id: BudgetId,
        employee_id: EmployeeId,
        fiscal_year: i32,
        opening: Opening,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            employee_id,
            fiscal_year,
            currency: opening.currency,
            allocated_minor: opening.allocated_minor,
            carried_in_minor: opening.carried_in_minor,
            reserved_minor: 0,
            spent_minor: 0,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// The same budget with its allocation as of now (`allocated`, prorated from the policy and
    /// the person's current dates), never below what is already reserved or spent: money
    /// committed before a termination stays committed.
    #[must_use]
    pub fn with_allocation(&self, allocated_minor: i64) -> Self {
        let used = self.reserved_minor + self.spent_minor - self.carried_in_minor;
        Self {
            allocated_minor: allocated_minor.max(used),
            ..self.clone()
        }
    }

    /// What can still be approved: allocated + carried in - reserved - spent.
    pub fn available_minor(&self) -> i64 {
        self.allocated_minor + self.carried_in_minor - self.reserved_minor - self.spent_minor
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn april() -> FiscalStartMonth {
        FiscalStartMonth::new(4).unwrap()
    }

    #[test]
    fn fiscal_years_start_in_their_month_and_are_named_by_their_first_calendar_year() {
        assert_eq!(fiscal_year_of(d(2027, 2, 10), april()), 2026);
        assert_eq!(fiscal_year_of(d(2026, 4, 1), april()), 2026);
        let jan = FiscalStartMonth::new(1).unwrap();
        assert_eq!(fiscal_year_of(d(2026, 12, 31), jan), 2026);
        let fy = fiscal_year_period(2026, april());
        assert_eq!((fy.start(), fy.end()), (d(2026, 4, 1), d(2027, 3, 31)));
        let cal = fiscal_year_period(2028, jan);
        assert_eq!(
            (cal.start(), cal.end(), cal.days()),
            (d(2028, 1, 1), d(2028, 12, 31), 366)
        );
        assert!(FiscalStartMonth::new(0).is_err() && FiscalStartMonth::new(13).is_err());
    }

    #[test]
    fn budgets_are_prorated_for_hire_and_termination_and_rounded_down() {
        let year = fiscal_year_period(2026, FiscalStartMonth::new(1).unwrap());
        let whole = EmploymentDates::default();
        assert_eq!(prorated(100_000, &year, &whole), 100_000);
        let july = EmploymentDates {
            hire_date: Some(d(2026, 7, 1)),
            ..Default::default()
        };
        // 184 of 365 days: 50410.95... rounded down.
        assert_eq!(prorated(100_000, &year, &july), 50_410);
        let leaves = EmploymentDates {
            hire_date: Some(d(2020, 1, 1)),
            termination_date: Some(d(2026, 1, 31)),
            ..Default::default()
        };
        assert_eq!(prorated(36_500, &year, &leaves), 3_100);
        let gone = EmploymentDates {
            termination_date: Some(d(2025, 12, 31)),
            ..Default::default()
        };
        assert_eq!(prorated(100_000, &year, &gone), 0);
    }

    #[test]
    fn carry_over_is_the_unused_amount_up_to_the_cap() {
        assert_eq!(carry_in(20_000, 35_000), 20_000);
        assert_eq!(carry_in(20_000, 5_000), 5_000);
        assert_eq!(carry_in(20_000, -10), 0);
        assert_eq!(carry_in(0, 5_000), 0);
    }

    #[test]
    fn a_policy_parses_every_field_at_once_and_only_in_the_organisations_currencies() {
        let eur = Currency::parse("EUR", "c").unwrap();
        let id = BudgetPolicyId::from_uuid(uuid::Uuid::from_u128(1));
        let bad = BudgetPolicyFields {
            fiscal_year: Some(1999),
            job_level: Some(9),
            amount_minor: Some(-5),
            currency: Some("USD".into()),
            carry_over_cap_minor: Some(-1),
        };
        let errors = bad.parse(id, &[eur], DateTime::UNIX_EPOCH).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "fiscal_year",
                "job_level",
                "currency",
                "amount_minor",
                "carry_over_cap_minor"
            ]
        );
        let good = BudgetPolicyFields {
            fiscal_year: Some(2026),
            job_level: Some(1),
            amount_minor: Some(150_000),
            currency: None,
            carry_over_cap_minor: None,
        };
        let p = good.parse(id, &[eur], DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(
            (
                p.amount.minor(),
                p.amount.currency(),
                p.carry_over_cap_minor
            ),
            (150_000, eur, 0)
        );
    }

    proptest! {
        #[test]
        fn a_prorated_budget_never_exceeds_the_policy_and_is_monotone_in_the_hire_date(
            amount in 0i64..10_000_000_000, hire in 0u64..400, later in 0u64..30,
        ) {
            let year = fiscal_year_period(2026, FiscalStartMonth::new(4).unwrap());
            let at = |days: u64| EmploymentDates {
                hire_date: Some(d(2026, 3, 1) + chrono::Days::new(days)),
                ..Default::default()
            };
            let a = prorated(amount, &year, &at(hire));
            let b = prorated(amount, &year, &at(hire + later));
            prop_assert!((0..=amount).contains(&a));
            prop_assert!(b <= a);
        }
    }
}
