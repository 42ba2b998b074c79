//! The business side of the LRS: which statements count as learning and what they become
//! ([`learning`]), and the LRS clients that send them ([`LrsClient`]).
//!
//! The protocol itself (validation, formats, multipart, signatures, documents, ...) is the pure
//! `learnwell_xapi` crate (docs/decisions/0002-xapi-protocol-crate.md).

use learnwell_xapi::XapiError;

mod client;
mod learning;

pub use client::{
    granted_scopes, ClientKind, ClientSettings, IntegrationClientSettings, LrsClient, TokenRefusal,
};
pub use learning::{
    activity_name, duration_minutes, is_learning_verb, learning_activity, learning_minutes,
    LearningVerbs, NotApplicable, LEARNING_VERBS, MAX_CLIENT_VERBS, MAX_STATEMENT_MINUTES,
};

impl From<XapiError> for crate::FieldError {
    fn from(error: XapiError) -> Self {
        crate::FieldError::new(error.path, error.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_xapi_error_becomes_a_field_error() {
        let error = XapiError::new("statement.actor.mbox", "must be a mailto: IRI");
        let field: crate::FieldError = error.into();
        assert_eq!(field.field, "statement.actor.mbox");
    }
}
