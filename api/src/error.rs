//! The one error-code table: every failure has a stable code, an HTTP status and a GraphQL
//! `extensions.code`. REST bodies are RFC 9457 `application/problem+json`; 5xx bodies are opaque
//! and their cause is logged once with the request id.

use crate::observe::current_request_id;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use learnwell_domain::FieldError;
use learnwell_persistence::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("authentication required: {0}")]
    Unauthenticated(String),
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    /// A body that parsed as JSON but does not fit the schema (unknown field, wrong type, bad
    /// date, missing field), with the field path.
    #[error("{message}")]
    InvalidBody {
        code: &'static str,
        field: String,
        message: String,
    },
    #[error("the input is not valid")]
    Validation(Vec<FieldError>),
    #[error("invalid query parameter {0}")]
    InvalidQuery(FieldError),
    #[error("the body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("send this body as {0}")]
    UnsupportedMediaType(&'static str),
    #[error("this resource answers only {allowed}")]
    MethodNotAllowed { allowed: &'static str },
    #[error("{0}")]
    Conflict(String),
    #[error("a record with this {0} already exists")]
    Duplicate(String),
    #[error("the record changed since you read it; fetch it again and retry with the new ETag")]
    PreconditionFailed,
    #[error("send If-Match with the ETag you read, so concurrent changes are not lost")]
    PreconditionRequired,
    #[error("this Idempotency-Key was used with a different request")]
    IdempotencyKeyReused,
    #[error("a request with this Idempotency-Key is still being processed")]
    IdempotencyInProgress,
    #[error("too many requests; retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("{0}")]
    Unprocessable(&'static str, String),
    #[error("a dependency is unavailable")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated(_) => "unauthenticated",
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MalformedJson(_) => "malformed_json",
            ApiError::InvalidBody { code, .. } => code,
            ApiError::Validation(_) => "validation_failed",
            ApiError::InvalidQuery(_) => "invalid_query",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::Duplicate(_) => "duplicate",
            ApiError::PreconditionFailed => "version_mismatch",
            ApiError::PreconditionRequired => "precondition_required",
            ApiError::IdempotencyKeyReused => "idempotency_key_reused",
            ApiError::IdempotencyInProgress => "idempotency_in_progress",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Unprocessable(code, _) => code,
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MalformedJson(_)
            | ApiError::InvalidBody { .. }
            | ApiError::InvalidQuery(_) => StatusCode::BAD_REQUEST,
            ApiError::Validation(_)
            | ApiError::IdempotencyKeyReused
            | ApiError::Unprocessable(..) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::Duplicate(_) | ApiError::IdempotencyInProgress => {
                StatusCode::CONFLICT
            }
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn validation(err: FieldError) -> Self {
        ApiError::Validation(vec![err])
    }

    /// What a client may read: the sentence for 4xx, a fixed one for 5xx.
    pub fn detail(&self) -> String {
        if self.status().is_server_error() {
            "The server could not complete the request; quote the request_id when reporting it."
                .to_owned()
        } else {
            self.to_string()
        }
    }

    /// Field-level errors, if any.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            ApiError::Validation(errors) => errors.clone(),
            ApiError::InvalidQuery(e) => vec![e.clone()],
            ApiError::InvalidBody { field, message, .. } => {
                vec![FieldError::new(field.clone(), message.clone())]
            }
            _ => Vec::new(),
        }
    }

    /// Log the cause of a server error once, with the request id.
    fn log(&self) {
        if self.status().is_server_error() {
            let cause = match self {
                ApiError::Unavailable(c) | ApiError::Internal(c) => c.as_str(),
                _ => "",
            };
            tracing::error!(code = self.code(), request_id = %current_request_id(), cause, "request failed");
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound("record"),
            StoreError::StaleVersion => ApiError::PreconditionFailed,
            StoreError::Duplicate(field) => ApiError::Duplicate(field),
            StoreError::Kv(cause) => ApiError::Unavailable(cause),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::validation(e)
    }
}

/// An RFC 9457 problem document, with Learnwell's `code`, `request_id` and field `errors`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:learnwell:problem:<code>`
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code (see docs/API-DESIGN.md).
    pub code: String,
    pub request_id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    /// The field path as sent, e.g. `records[3].email`.
    pub field: String,
    pub message: String,
}

/// The code of the error a response carries, for the request log and metrics.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCode(pub &'static str);

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let status = self.status();
        let problem = Problem {
            kind: format!("urn:learnwell:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.detail(),
            code: self.code().to_owned(),
            request_id: current_request_id(),
            errors: self
                .field_errors()
                .into_iter()
                .map(|e| ProblemField {
                    field: e.field,
                    message: e.message,
                })
                .collect(),
        };
        let mut res = HttpResponse::build(status);
        res.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        match self {
            ApiError::Unauthenticated(why) => {
                let why = why.replace('"', "'");
                res.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!("Bearer realm=\"learnwell\", error=\"invalid_token\", error_description=\"{why}\""),
                ));
            }
            ApiError::RateLimited { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::MethodNotAllowed { allowed } => {
                res.insert_header((header::ALLOW, *allowed));
            }
            _ => {}
        }
        let mut response = res.body(serde_json::to_string(&problem).unwrap_or_default());
        response.extensions_mut().insert(ErrorCode(self.code()));
        response
    }
}

impl async_graphql::ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        self.log();
        let code = self.code();
        let request_id = current_request_id();
        let fields: Vec<String> = self
            .field_errors()
            .into_iter()
            .map(|f| f.to_string())
            .collect();
        async_graphql::Error::new(self.detail()).extend_with(|_, ext| {
            ext.set("code", code);
            ext.set("request_id", request_id.clone());
            if !fields.is_empty() {
                ext.set("fields", fields.clone());
            }
        })
    }
}

/// `result.gql()?` in resolvers: the error keeps its code in `extensions.code`.
pub trait Gql<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> Gql<T> for ApiResult<T> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| async_graphql::ErrorExtensions::extend(&e))
    }
}

impl ApiError {
    /// The problem response, for places that answer without returning a `Result`.
    pub fn error_response_owned(self) -> HttpResponse {
        self.error_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
