//! Learnwell's domain: types that parse, rules and calculations. No IO, no framework.
//!
//! Every value type here has private fields and a `parse`/`new` constructor, so an invalid value
//! cannot be built. Time is always a parameter; nothing here reads the clock.

#[macro_use]
mod macros;

pub mod access;
pub mod advising;
pub mod audit;
pub mod catalog;
pub mod development;
mod error;
pub mod ids;
pub mod learning;
pub mod learning_time;
pub mod org;
pub mod pipeline;
pub mod privacy;
pub mod xapi;

pub use error::{Code, DomainError, Rule};

/// A validation failure of one input field: the field path (as the client sent it) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same error, nested under a parent path (`records[3]` + `email` = `records[3].email`).
    #[must_use]
    pub fn under(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_owned()
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}
