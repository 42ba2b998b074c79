//! The one error table: every failure has a stable [`Code`] (closed, from the domain), an HTTP
//! status and a GraphQL `extensions.code`, and a message built from typed fields that reaches the
//! client. REST bodies are RFC 9457 `application/problem+json`; 5xx bodies are opaque and their
//! cause is logged once with the request id. `docs/API-DESIGN.md` lists the same table; a test
//! compares the two.

use crate::request_id::current_request_id;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
pub use learnwell_domain::Code;
use learnwell_domain::{DomainError, FieldError, Rule};
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
    /// A body that parsed but does not fit the schema (unknown field, wrong type, bad date,
    /// missing field, a bad CSV row, an xAPI statement the specification refuses), with the
    /// field path.
    #[error("{message}")]
    InvalidBody {
        code: Code,
        field: String,
        message: String,
    },
    #[error("the input is not valid: {}", list(.0))]
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
    /// A named business rule, with its numbers in the message.
    #[error(transparent)]
    Rule(#[from] Rule),
    #[error("the service is temporarily unavailable; retry in a moment")]
    Unavailable(String),
    /// A GraphQL request by `extensions.persistedQuery.sha256Hash` that the manifest lacks.
    #[error("no persisted query has the sha256Hash {0}; send one of the manifest's operations (graphql.persisted_queries)")]
    PersistedQueryNotFound(String),
    /// A GraphQL query outside the manifest when only persisted queries may run.
    #[error("only the persisted queries of the manifest may run here (graphql.only_persisted); this query's sha256 is {0}")]
    QueryNotAllowed(String),
    /// A GraphQL query that ran longer than `graphql.timeout_ms` and was stopped.
    #[error("the query ran longer than {ms} ms (graphql.timeout_ms) and was stopped; ask for smaller pages or fewer fields")]
    Timeout { ms: u64 },
    #[error("internal error")]
    Internal(String),
}

/// Field errors as one sentence for `detail` (the first five; `errors` lists them all).
fn list(errors: &[FieldError]) -> String {
    let mut text: Vec<String> = errors.iter().take(5).map(ToString::to_string).collect();
    if errors.len() > 5 {
        text.push(format!("and {} more", errors.len() - 5));
    }
    text.join("; ")
}

/// How long a client should wait before retrying an `unavailable` answer.
const RETRY_AFTER_UNAVAILABLE_SECS: u64 = 2;

/// The HTTP status of every code.
pub fn status(code: Code) -> StatusCode {
    use Code as C;
    match code {
        C::Unauthenticated => StatusCode::UNAUTHORIZED,
        C::Forbidden => StatusCode::FORBIDDEN,
        C::NotFound => StatusCode::NOT_FOUND,
        C::MalformedJson
        | C::UnknownField
        | C::MissingField
        | C::InvalidType
        | C::InvalidValue
        | C::InvalidCsv
        | C::InvalidQuery
        | C::InvalidStatement
        | C::InvalidContentType
        | C::InvalidMultipart
        | C::InvalidAttachment
        | C::InvalidSignature
        | C::InvalidAlternateRequest
        | C::NotMergeable
        | C::EmptyDocument
        | C::PersistedQueryNotFound
        | C::QueryNotAllowed => StatusCode::BAD_REQUEST,
        C::ValidationFailed
        | C::ManagerCycle
        | C::BatchTooLarge
        | C::DeactivationLimitExceeded
        | C::CourseArchived
        | C::EmployeeTerminated
        | C::NotPending
        | C::BudgetExceeded
        | C::CapacityReached
        | C::IdempotencyKeyReused
        | C::DuplicateInBatch
        | C::DuplicateEmail
        | C::UnknownManager
        | C::UnknownOrgUnit
        | C::ManagerRejected
        | C::UnknownEmployee
        | C::UnknownCourse => StatusCode::UNPROCESSABLE_ENTITY,
        C::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        C::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        C::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        C::Conflict | C::Duplicate | C::IdempotencyInProgress => StatusCode::CONFLICT,
        C::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
        C::VersionMismatch => StatusCode::PRECONDITION_FAILED,
        C::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        C::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        C::Timeout => StatusCode::GATEWAY_TIMEOUT,
        C::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    /// The stable machine-readable code.
    pub fn code(&self) -> Code {
        match self {
            ApiError::Unauthenticated(_) => Code::Unauthenticated,
            ApiError::Forbidden => Code::Forbidden,
            ApiError::NotFound(_) => Code::NotFound,
            ApiError::MalformedJson(_) => Code::MalformedJson,
            ApiError::InvalidBody { code, .. } => *code,
            ApiError::Validation(_) => Code::ValidationFailed,
            ApiError::InvalidQuery(_) => Code::InvalidQuery,
            ApiError::PayloadTooLarge { .. } => Code::PayloadTooLarge,
            ApiError::UnsupportedMediaType(_) => Code::UnsupportedMediaType,
            ApiError::MethodNotAllowed { .. } => Code::MethodNotAllowed,
            ApiError::Conflict(_) => Code::Conflict,
            ApiError::Duplicate(_) => Code::Duplicate,
            ApiError::PreconditionFailed => Code::VersionMismatch,
            ApiError::PreconditionRequired => Code::PreconditionRequired,
            ApiError::IdempotencyKeyReused => Code::IdempotencyKeyReused,
            ApiError::IdempotencyInProgress => Code::IdempotencyInProgress,
            ApiError::RateLimited { .. } => Code::RateLimited,
            ApiError::Rule(rule) => rule.code(),
            ApiError::Unavailable(_) => Code::Unavailable,
            ApiError::PersistedQueryNotFound(_) => Code::PersistedQueryNotFound,
            ApiError::QueryNotAllowed(_) => Code::QueryNotAllowed,
            ApiError::Timeout { .. } => Code::Timeout,
            ApiError::Internal(_) => Code::Internal,
        }
    }

    pub fn status(&self) -> StatusCode {
        status(self.code())
    }

    pub fn validation(err: FieldError) -> Self {
        ApiError::Validation(vec![err])
    }

    /// What a client may read: the sentence for 4xx and 503, a fixed one for 500.
    pub fn detail(&self) -> String {
        if self.code() == Code::Internal {
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
            tracing::error!(code = self.code().as_str(), request_id = %current_request_id(), cause, "request failed");
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if e.is_unavailable() {
            return ApiError::Unavailable(e.to_string());
        }
        match e {
            StoreError::NotFound => ApiError::NotFound("record"),
            StoreError::StaleVersion => ApiError::PreconditionFailed,
            StoreError::Duplicate(field) => ApiError::Duplicate(field),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::validation(e)
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(errors) => ApiError::Validation(errors),
            DomainError::Rule(rule) => ApiError::Rule(rule),
        }
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
    /// What went wrong, for people: built from the error's own fields (e.g. how many people a
    /// reconcile would terminate).
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

/// Why one row of a bulk request (HRIS sync, bulk assignment, LMS import) failed: the same codes
/// as whole requests, the field path within the row, and the message.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    #[schema(value_type = String, example = "validation_failed")]
    pub code: Code,
    pub field: Option<String>,
    pub message: String,
}

impl RowError {
    pub fn new(code: Code, field: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            code,
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// The code of the error a response carries, for the request log and metrics.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCode(pub Code);

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let status = self.status();
        let code = self.code().as_str();
        let problem = Problem {
            kind: format!("urn:learnwell:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.detail(),
            code: code.to_owned(),
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
            ApiError::Unavailable(_) => {
                res.insert_header((
                    header::RETRY_AFTER,
                    RETRY_AFTER_UNAVAILABLE_SECS.to_string(),
                ));
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
        let code = self.code().as_str();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unavailable_dependency_is_a_503_with_retry_after_and_says_so() {
        let res = ApiError::Unavailable("pool timed out".into()).error_response();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            res.headers().get(header::RETRY_AFTER).map(|v| v.as_bytes()),
            Some(&b"2"[..])
        );
        assert_eq!(
            ApiError::Unavailable("pool timed out".into()).detail(),
            "the service is temporarily unavailable; retry in a moment",
            "the cause stays in the log"
        );
    }

    #[test]
    fn a_rule_answers_with_its_code_and_its_figures() {
        let e = ApiError::from(DomainError::Rule(Rule::BatchTooLarge {
            what: "a batch",
            items: "records",
            max: 10,
            sent: 12,
        }));
        assert_eq!(e.code(), Code::BatchTooLarge);
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            e.detail(),
            "a batch holds at most 10 records; this one has 12"
        );
    }

    /// The table in docs/API-DESIGN.md lists every code with its status, and nothing else.
    #[test]
    fn the_error_table_in_the_docs_matches_the_code() {
        let doc = include_str!("../../docs/API-DESIGN.md");
        let mut documented = std::collections::BTreeMap::new();
        for line in doc.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let Some(status) = cells.get(2).and_then(|s| s.parse::<u16>().ok()) else {
                continue;
            };
            for code in cells[1].split(',') {
                documented.insert(code.trim().trim_matches('`').to_owned(), status);
            }
        }
        for code in Code::ALL {
            assert_eq!(
                documented.remove(code.as_str()),
                Some(status(*code).as_u16()),
                "docs/API-DESIGN.md must list `{code}` with status {}",
                status(*code).as_u16()
            );
        }
        assert!(
            documented.is_empty(),
            "documented but not in Code: {documented:?}"
        );
    }
}
