//! Money: an amount in integer minor units (cents for EUR, yen for JPY) with its ISO 4217
//! currency. Never a float; arithmetic is on the integers only.

use crate::FieldError;

/// An ISO 4217 alphabetic code: three upper-case ASCII letters (`EUR`, `USD`, `JPY`). Which
/// currencies an organisation uses is configuration; the code's shape is checked here.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(pub(super) [u8; 3]);

impl TryFrom<String> for Currency {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s, "currency")
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_owned()
    }
}

impl Currency {
    /// Parse `EUR`-style codes (exact, upper case) in `field`.
    pub fn parse(input: &str, field: &str) -> Result<Self, FieldError> {
        match input.as_bytes() {
            [a, b, c] if [a, b, c].iter().all(|x| x.is_ascii_uppercase()) => Ok(Self([*a, *b, *c])),
            _ => Err(FieldError::new(
                field,
                "must be an ISO 4217 currency code (three upper-case letters, e.g. EUR)",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        // Three ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A non-negative amount of one currency, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

/// The largest amount accepted anywhere (10^13 minor units: a hundred billion euros).
pub const MAX_MINOR: i64 = 10_000_000_000_000;

impl Money {
    /// `minor` in 0..=10^13 (field `field`).
    pub fn new(minor: i64, currency: Currency, field: &str) -> Result<Self, FieldError> {
        if !(0..=MAX_MINOR).contains(&minor) {
            return Err(FieldError::new(
                field,
                format!("must be between 0 and {MAX_MINOR} minor units"),
            ));
        }
        Ok(Self { minor, currency })
    }

    pub fn minor(&self) -> i64 {
        self.minor
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_are_three_upper_case_letters() {
        assert_eq!(Currency::parse("EUR", "c").unwrap().as_str(), "EUR");
        for bad in ["eur", "EU", "EURO", "E1R", ""] {
            assert_eq!(
                Currency::parse(bad, "currency").unwrap_err().field,
                "currency"
            );
        }
    }

    #[test]
    fn amounts_are_bounded_integers() {
        let eur = Currency::parse("EUR", "c").unwrap();
        assert_eq!(Money::new(1999, eur, "amount").unwrap().minor(), 1999);
        assert!(Money::new(-1, eur, "amount").is_err());
        assert!(Money::new(MAX_MINOR + 1, eur, "amount").is_err());
    }
}
