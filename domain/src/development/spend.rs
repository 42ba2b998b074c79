//! Spend requests against a PD budget and their states:
//! `requested` -> `approved` | `rejected`; `approved` -> `spent` (the actual amount, never more
//! than approved); `requested` | `approved` -> `cancelled`. A request above the second-approval
//! amount needs two approvals from two different approvers before it is approved.

use super::budget::Budget;
use super::money::{Currency, Money};
use crate::catalog::Description;
use crate::ids::{BudgetId, CourseId, EmployeeId, MentoringEngagementId, SpendRequestId};
use crate::{DomainError, FieldError, Rule};
use chrono::{DateTime, Utc};

code_enum!(
    /// What PD money is spent on.
    SpendCategory, "category" {
        /// A course or training fee; the request may name the catalog course.
        Course = "course",
        /// A conference or event ticket.
        Conference = "conference",
        /// A paid external coach; the request may name the coaching engagement.
        ExternalCoaching = "external_coaching",
        /// A paid external mentor; the request may name the mentoring engagement.
        ExternalMentoring = "external_mentoring",
        /// Books and other learning materials.
        Books = "books",
        /// Any other development spend; the description says what.
        Other = "other",
    }
);

code_enum!(
    /// Where a spend request stands.
    SpendState, "state" {
        /// Waiting for approval (two different approvers above the second-approval
        /// amount); nobody approves their own request.
        Requested = "requested",
        /// Approved: its amount is reserved from the budget until it is spent or
        /// cancelled.
        Approved = "approved",
        /// Refused by an approver; nothing is reserved.
        Rejected = "rejected",
        /// Paid: the actual amount (at most the approved one) is charged to the budget.
        Spent = "spent",
        /// Withdrawn before it was spent; an approved amount is released to the budget.
        Cancelled = "cancelled",
    }
);

/// A spend request as sent.
#[derive(Debug, Clone, Default)]
pub struct SpendFields {
    pub category: Option<String>,
    pub amount_minor: Option<i64>,
    /// Default: the budget's currency (the only one accepted).
    pub currency: Option<String>,
    pub description: Option<String>,
    pub course_id: Option<String>,
    pub engagement_id: Option<String>,
}

/// A checked spend request.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSpend {
    pub category: SpendCategory,
    pub amount: Money,
    pub description: Description,
    pub course_id: Option<CourseId>,
    pub engagement_id: Option<MentoringEngagementId>,
}

fn id_of<T: std::str::FromStr>(
    v: Option<&String>,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    v.and_then(|s| {
        s.parse()
            .map_err(|_| errors.push(FieldError::new(field, "is not an id")))
            .ok()
    })
}

impl SpendFields {
    /// Every field checked at once, against the budget's currency (no conversion).
    pub fn parse(&self, currency: Currency) -> Result<NewSpend, Vec<FieldError>> {
        let mut errors = Vec::new();
        let category = match &self.category {
            Some(c) => SpendCategory::parse(c).map_err(|e| errors.push(e)).ok(),
            None => {
                errors.push(FieldError::new("category", "is required"));
                None
            }
        };
        match self
            .currency
            .as_deref()
            .map(|c| Currency::parse(c, "currency"))
        {
            Some(Ok(c)) if c != currency => errors.push(FieldError::new(
                "currency",
                format!("must be the budget's currency, {currency}"),
            )),
            Some(Err(e)) => errors.push(e),
            _ => {}
        }
        let amount = match self.amount_minor {
            Some(a) if a >= 1 => Money::new(a, currency, "amount_minor")
                .map_err(|e| errors.push(e))
                .ok(),
            Some(_) => {
                errors.push(FieldError::new("amount_minor", "must be at least 1"));
                None
            }
            None => {
                errors.push(FieldError::new("amount_minor", "is required"));
                None
            }
        };
        let description = match &self.description {
            Some(d) => Description::parse(d).map_err(|e| errors.push(e)).ok(),
            None => {
                errors.push(FieldError::new("description", "is required"));
                None
            }
        };
        let course_id = id_of(self.course_id.as_ref(), "course_id", &mut errors);
        let engagement_id = id_of(self.engagement_id.as_ref(), "engagement_id", &mut errors);
        match (category, amount, description) {
            (Some(category), Some(amount), Some(description)) if errors.is_empty() => {
                Ok(NewSpend {
                    category,
                    amount,
                    description,
                    course_id,
                    engagement_id,
                })
            }
            _ => Err(errors),
        }
    }
}

/// What an approval did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The request is approved: reserve its amount.
    Approved,
    /// The first of two approvals: the request waits for a second approver.
    AwaitingSecond,
}

/// A request to spend from a PD budget.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendRequest {
    pub id: SpendRequestId,
    pub employee_id: EmployeeId,
    pub budget_id: BudgetId,
    pub fiscal_year: i32,
    pub category: SpendCategory,
    pub amount: Money,
    pub description: Description,
    pub course_id: Option<CourseId>,
    pub engagement_id: Option<MentoringEngagementId>,
    pub state: SpendState,
    /// 1, or 2 for a request above the second-approval amount.
    pub approvals_needed: u8,
    /// The approvers so far (token subjects), in order.
    pub approved_by: Vec<String>,
    /// Who rejected, recorded the spending or cancelled (token subject).
    pub decided_by: Option<String>,
    /// What was spent (set in `spent`; at most the amount).
    pub actual_minor: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SpendRequest {
    /// A new request on `budget`: two approvals needed when its amount is above
    /// `second_approval_above_minor`.
    pub fn new(
        id: SpendRequestId,
        budget: &Budget,
        new: NewSpend,
        second_approval_above_minor: i64,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            employee_id: budget.employee_id,
            budget_id: budget.id,
            fiscal_year: budget.fiscal_year,
            category: new.category,
            approvals_needed: if new.amount.minor() > second_approval_above_minor {
                2
            } else {
                1
            },
            amount: new.amount,
            description: new.description,
            course_id: new.course_id,
            engagement_id: new.engagement_id,
            state: SpendState::Requested,
            approved_by: Vec::new(),
            decided_by: None,
            actual_minor: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    fn expect(&self, states: &[SpendState], action: &'static str) -> Result<(), Rule> {
        if states.contains(&self.state) {
            Ok(())
        } else {
            Err(Rule::SpendRequestState {
                state: self.state.code(),
                action,
            })
        }
    }

    /// One approval by `by` (who may approve is `access`'s rule): the last one needed approves
    /// the request (the caller reserves its amount); a second approval by the first approver is
    /// refused.
    pub fn approve(&self, by: &str, now: DateTime<Utc>) -> Result<(Self, Decision), Rule> {
        self.expect(&[SpendState::Requested], "approved")?;
        if self.approved_by.iter().any(|a| a == by) {
            return Err(Rule::SecondApproverNeeded);
        }
        let mut next = self.clone();
        next.approved_by.push(by.to_owned());
        let decision = if next.approved_by.len() >= usize::from(self.approvals_needed) {
            next.state = SpendState::Approved;
            Decision::Approved
        } else {
            Decision::AwaitingSecond
        };
        Ok((next.next(now), decision))
    }

    /// Reject a request still waiting for approval.
    pub fn reject(&self, by: &str, now: DateTime<Utc>) -> Result<Self, Rule> {
        self.expect(&[SpendState::Requested], "rejected")?;
        Ok(Self {
            state: SpendState::Rejected,
            decided_by: Some(by.to_owned()),
            ..self.clone()
        }
        .next(now))
    }

    /// Record what an approved request actually cost (field `actual_amount_minor`: 0 up to the
    /// approved amount); the caller settles the budget.
    pub fn settle(
        &self,
        actual_minor: i64,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        self.expect(&[SpendState::Approved], "spent")?;
        if !(0..=self.amount.minor()).contains(&actual_minor) {
            return Err(FieldError::new(
                "actual_amount_minor",
                format!(
                    "must be between 0 and the approved {} minor units",
                    self.amount.minor()
                ),
            )
            .into());
        }
        Ok(Self {
            state: SpendState::Spent,
            actual_minor: Some(actual_minor),
            decided_by: Some(by.to_owned()),
            ..self.clone()
        }
        .next(now))
    }

    /// Cancel a request not yet spent; true when it was approved (the caller releases its
    /// reservation).
    pub fn cancel(&self, by: &str, now: DateTime<Utc>) -> Result<(Self, bool), Rule> {
        self.expect(&[SpendState::Requested, SpendState::Approved], "cancelled")?;
        let release = self.state == SpendState::Approved;
        let next = Self {
            state: SpendState::Cancelled,
            decided_by: Some(by.to_owned()),
            ..self.clone()
        }
        .next(now);
        Ok((next, release))
    }

    /// The next version, changed `now`: the one place a request's version is bumped.
    fn next(self, now: DateTime<Utc>) -> Self {
        Self {
            version: self.version.saturating_add(1),
            updated_at: now,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::development::Opening;

    fn eur() -> Currency {
        Currency::parse("EUR", "c").unwrap()
    }

    fn budget() -> Budget {
        let opening = Opening {
            currency: eur(),
            allocated_minor: 100_000,
            carried_in_minor: 0,
        };
        let id = BudgetId::from_uuid(uuid::Uuid::from_u128(2));
        let who = EmployeeId::from_uuid(uuid::Uuid::from_u128(3));
        Budget::open(id, who, 2026, opening, DateTime::UNIX_EPOCH)
    }

    fn request(amount: i64) -> SpendRequest {
        let fields = SpendFields {
            category: Some("conference".into()),
            amount_minor: Some(amount),
            currency: Some("EUR".into()),
            description: Some("RustConf".into()),
            ..Default::default()
        };
        let new = fields.parse(eur()).unwrap();
        let id = SpendRequestId::from_uuid(uuid::Uuid::from_u128(4));
        SpendRequest::new(id, &budget(), new, 50_000, DateTime::UNIX_EPOCH)
    }

    #[test]
    fn fields_are_checked_at_once_against_the_budgets_currency() {
        let bad = SpendFields {
            category: Some("yacht".into()),
            amount_minor: Some(0),
            currency: Some("USD".into()),
            description: None,
            course_id: Some("nope".into()),
            engagement_id: None,
        };
        let fields: Vec<String> = bad
            .parse(eur())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "category",
                "currency",
                "amount_minor",
                "description",
                "course_id"
            ]
        );
        for c in SpendCategory::ALL {
            assert_eq!(SpendCategory::parse(c.code()).unwrap(), *c);
        }
    }

    #[test]
    fn a_small_request_is_approved_once_then_spent_for_less() {
        let r = request(30_000);
        assert_eq!((r.state, r.approvals_needed), (SpendState::Requested, 1));
        let (approved, d) = r.approve("boss", DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(
            (approved.state, d, approved.version),
            (SpendState::Approved, Decision::Approved, 2)
        );
        assert_eq!(
            approved
                .approve("hr", DateTime::UNIX_EPOCH)
                .unwrap_err()
                .to_string(),
            "this spend request is approved; it cannot be approved"
        );
        let too_much = approved
            .settle(30_001, "me", DateTime::UNIX_EPOCH)
            .unwrap_err();
        assert!(
            matches!(too_much, DomainError::Invalid(ref e) if e[0].field == "actual_amount_minor")
        );
        let spent = approved.settle(25_000, "me", DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(
            (spent.state, spent.actual_minor),
            (SpendState::Spent, Some(25_000))
        );
        assert!(spent.cancel("me", DateTime::UNIX_EPOCH).is_err());
    }

    #[test]
    fn a_large_request_needs_two_different_approvers() {
        let r = request(50_001);
        assert_eq!(r.approvals_needed, 2);
        let (first, d) = r.approve("boss", DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(
            (first.state, d),
            (SpendState::Requested, Decision::AwaitingSecond)
        );
        assert_eq!(
            first.approve("boss", DateTime::UNIX_EPOCH).unwrap_err(),
            Rule::SecondApproverNeeded
        );
        let (second, d) = first.approve("hr", DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(
            (second.state, d),
            (SpendState::Approved, Decision::Approved)
        );
        assert_eq!(second.approved_by, ["boss", "hr"]);
    }

    #[test]
    fn rejection_and_cancellation_follow_the_states() {
        let rejected = request(10).reject("boss", DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(rejected.state, SpendState::Rejected);
        assert!(rejected.approve("boss", DateTime::UNIX_EPOCH).is_err());
        assert!(rejected.cancel("me", DateTime::UNIX_EPOCH).is_err());
        let (cancelled, release) = request(10).cancel("me", DateTime::UNIX_EPOCH).unwrap();
        assert_eq!((cancelled.state, release), (SpendState::Cancelled, false));
        let (approved, _) = request(10).approve("boss", DateTime::UNIX_EPOCH).unwrap();
        let (_, release) = approved.cancel("me", DateTime::UNIX_EPOCH).unwrap();
        assert!(
            release,
            "cancelling an approved request releases its reservation"
        );
    }
}
