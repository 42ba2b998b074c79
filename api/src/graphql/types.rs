//! The schema's shared types: the `Date` scalar, enums made from the domain's coded values, and
//! the mutation convention (a payload with the changed object and `userErrors`).

use crate::error::{ApiError, ApiResult, Gql};
use crate::services::Ctx;
use async_graphql::registry::{MetaEnumValue, MetaType, MetaTypeId, Registry};
use async_graphql::{
    ContextSelectionSet, InputType, InputValueError, InputValueResult, Name, OutputType,
    Positioned, Scalar, ScalarType, ServerResult, SimpleObject, Value,
};
use chrono::NaiveDate;
use std::borrow::Cow;

/// A calendar date, `YYYY-MM-DD` (ISO 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// A calendar date, `YYYY-MM-DD` (ISO 8601).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom(format!("{s:?} is not a date (YYYY-MM-DD)"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

impl Date {
    /// The wire form the domain's `*Fields` parse.
    pub fn wire(self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
}

/// An id of a `what` (an id that does not parse names nothing: `not_found`).
pub fn found<T: std::str::FromStr>(id: &async_graphql::ID, what: &'static str) -> ApiResult<T> {
    id.parse().map_err(|_| ApiError::NotFound(what))
}

/// An id in an input's `field` (one that does not parse is a field error).
pub fn field_id<T: std::str::FromStr>(id: &async_graphql::ID, field: &str) -> ApiResult<T> {
    id.parse()
        .map_err(|_| ApiError::validation(learnwell_domain::FieldError::new(field, "is not an id")))
}

/// A domain value with stable wire codes (`code_enum!`), as a GraphQL enum whose values are the
/// codes in capitals (`in_progress` is `IN_PROGRESS`). One line per type: `wire_enum!`.
pub trait WireEnum: Copy + Eq + Send + Sync + 'static {
    const NAME: &'static str;
    const DESCRIPTION: &'static str;
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    /// What the value means (its doc line in the domain): the enum value's description.
    fn describe(self) -> &'static str;
    /// The GraphQL names, in the order of `all()` (made once).
    fn names() -> &'static [String];
}

macro_rules! wire_enum {
    ($ty:path, $name:literal, $desc:literal) => {
        impl $crate::graphql::types::WireEnum for $ty {
            const NAME: &'static str = $name;
            const DESCRIPTION: &'static str = $desc;
            fn all() -> &'static [Self] {
                <$ty>::ALL
            }
            fn code(self) -> &'static str {
                <$ty>::code(self)
            }
            fn describe(self) -> &'static str {
                <$ty>::describe(self)
            }
            fn names() -> &'static [String] {
                static NAMES: ::std::sync::OnceLock<Vec<String>> = ::std::sync::OnceLock::new();
                NAMES.get_or_init(|| {
                    <$ty>::ALL
                        .iter()
                        .map(|v| v.code().to_ascii_uppercase())
                        .collect()
                })
            }
        }
    };
}
pub(crate) use wire_enum;

/// A domain enum on the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enum<T>(pub T);

impl<T: WireEnum> Enum<T> {
    fn name(self) -> &'static str {
        let i = T::all().iter().position(|v| *v == self.0).unwrap_or(0);
        T::names()[i].as_str()
    }
    /// The wire code the domain's `*Fields` parse.
    pub fn wire(self) -> String {
        self.0.code().to_owned()
    }
}

fn enum_type_info<T: WireEnum>() -> MetaType {
    MetaType::Enum {
        name: T::NAME.to_owned(),
        description: Some(T::DESCRIPTION.to_owned()),
        enum_values: T::names()
            .iter()
            .zip(T::all())
            .map(|(n, v)| {
                (
                    n.clone(),
                    MetaEnumValue {
                        name: n.clone(),
                        description: Some(v.describe().to_owned()),
                        deprecation: Default::default(),
                        visible: None,
                        inaccessible: false,
                        tags: Vec::new(),
                        directive_invocations: Vec::new(),
                    },
                )
            })
            .collect(),
        visible: None,
        inaccessible: false,
        tags: Vec::new(),
        rust_typename: Some(std::any::type_name::<Enum<T>>()),
        directive_invocations: Vec::new(),
        requires_scopes: Vec::new(),
    }
}

impl<T: WireEnum> InputType for Enum<T> {
    type RawValueType = Self;
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(T::NAME)
    }
    fn create_type_info(registry: &mut Registry) -> String {
        registry.create_input_type::<Self, _>(MetaTypeId::Enum, |_| enum_type_info::<T>())
    }
    fn parse(value: Option<Value>) -> InputValueResult<Self> {
        let value = value.unwrap_or_default();
        let text = match &value {
            Value::Enum(s) => s.as_str(),
            Value::String(s) => s.as_str(),
            _ => return Err(InputValueError::expected_type(value)),
        };
        T::names()
            .iter()
            .position(|n| n == text)
            .map(|i| Enum(T::all()[i]))
            .ok_or_else(|| {
                InputValueError::custom(format!("{text:?} is not one of {}", T::names().join(", ")))
            })
    }
    fn to_value(&self) -> Value {
        Value::Enum(Name::new(self.name()))
    }
    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }
}

impl<T: WireEnum> OutputType for Enum<T> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(T::NAME)
    }
    fn create_type_info(registry: &mut Registry) -> String {
        registry.create_output_type::<Self, _>(MetaTypeId::Enum, |_| enum_type_info::<T>())
    }
    async fn resolve(
        &self,
        _: &ContextSelectionSet<'_>,
        _: &Positioned<async_graphql::parser::types::Field>,
    ) -> ServerResult<Value> {
        Ok(Value::Enum(Name::new(self.name())))
    }
}

/// Why a mutation changed nothing: a code of the error table (`docs/API-DESIGN.md`, the same
/// codes as `extensions.code` and REST's problem `code`), the input field it concerns, and a
/// sentence for people.
#[derive(SimpleObject, Debug, Clone)]
pub struct UserError {
    /// The stable code, e.g. `validation_failed`, `version_mismatch`, `forbidden`.
    pub code: String,
    /// The path to the input field at fault (`["input", "minutes"]`), or null when the error
    /// is about the whole mutation.
    pub field: Option<Vec<String>>,
    /// What is wrong, with the numbers.
    pub message: String,
}

/// `protected_slot.weekday` as `["input", "protectedSlot", "weekday"]`.
fn field_path(field: &str) -> Vec<String> {
    let mut path = vec!["input".to_owned()];
    for part in field.split('.').filter(|p| !p.is_empty()) {
        let (name, index) = match part.split_once('[') {
            Some((n, rest)) => (n, rest.strip_suffix(']')),
            None => (part, None),
        };
        path.push(camel(name));
        if let Some(i) = index {
            path.push(i.to_owned());
        }
    }
    path
}

fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The service's answer as a payload's parts: the value, or the errors a client acts on. An
/// error about the request itself (authentication, rate limits, an unavailable dependency, the
/// server's own fault) stays a top-level error.
pub fn split<T>(result: ApiResult<T>) -> async_graphql::Result<(Option<T>, Vec<UserError>)> {
    let error = match result {
        Ok(v) => return Ok((Some(v), Vec::new())),
        Err(e) => e,
    };
    match error {
        ApiError::Unauthenticated(_)
        | ApiError::RateLimited { .. }
        | ApiError::Unavailable(_)
        | ApiError::Timeout { .. }
        | ApiError::Internal(_) => Err(async_graphql::ErrorExtensions::extend(&error)),
        e => {
            let code = e.code().as_str().to_owned();
            let fields = e.field_errors();
            if fields.is_empty() {
                return Ok((
                    None,
                    vec![UserError {
                        code,
                        field: None,
                        message: e.detail(),
                    }],
                ));
            }
            Ok((
                None,
                fields
                    .into_iter()
                    .map(|f| UserError {
                        code: code.clone(),
                        field: Some(field_path(&f.field)),
                        message: f.message,
                    })
                    .collect(),
            ))
        }
    }
}

/// A mutation's payload: `payload!(/// doc, LogTimePayload, time_entry: TimeEntryNode)` is an
/// object with the changed object (null when refused) and `userErrors` (empty on success).
macro_rules! payload {
    ($(#[doc = $doc:expr])* $name:ident, $field:ident: $ty:ty) => {
        $(#[doc = $doc])*
        #[derive(async_graphql::SimpleObject)]
        pub struct $name {
            /// The object as it is after the mutation; null when `userErrors` is not empty.
            pub $field: Option<$ty>,
            /// Why nothing changed; empty on success.
            pub user_errors: Vec<$crate::graphql::types::UserError>,
        }

        impl $name {
            pub fn from_result<T: Into<$ty>>(
                result: $crate::error::ApiResult<T>,
            ) -> async_graphql::Result<Self> {
                let (value, user_errors) = $crate::graphql::types::split(result)?;
                Ok(Self {
                    $field: value.map(Into::into),
                    user_errors,
                })
            }
        }
    };
}
pub(crate) use payload;

/// A nullable field's answer: an error (say `forbidden`) makes this field `null`, with the error
/// and its `path` in `errors`, and leaves its parent and siblings alone, as the GraphQL spec
/// asks. (async-graphql would otherwise null the nearest nullable parent: a list of colleagues
/// would vanish because one of them is not the caller's to read.)
pub fn nullable<T>(
    ctx: &async_graphql::Context<'_>,
    answer: async_graphql::Result<T>,
) -> Option<T> {
    match answer {
        Ok(v) => Some(v),
        Err(e) => {
            ctx.add_error(ctx.set_error_path(e.into_server_error(ctx.item.pos)));
            None
        }
    }
}

/// A single lookup's answer: a miss is `None` (the field is `null`, not an error).
pub fn absent_is_none<T>(answer: ApiResult<T>) -> ApiResult<Option<T>> {
    match answer {
        Ok(v) => Ok(Some(v)),
        Err(ApiError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_are_camel_case_under_input() {
        assert_eq!(field_path("minutes"), ["input", "minutes"]);
        assert_eq!(
            field_path("protected_slot.weekday"),
            ["input", "protectedSlot", "weekday"]
        );
        assert_eq!(
            field_path("rows[3].employee_id"),
            ["input", "rows", "3", "employeeId"]
        );
    }

    #[test]
    fn a_refusal_is_a_user_error_and_a_server_fault_a_top_level_error() {
        let (v, errors) = split::<()>(Err(ApiError::validation(
            learnwell_domain::FieldError::new("minutes", "must be at least 1"),
        )))
        .unwrap();
        assert!(v.is_none());
        assert_eq!(errors[0].code, "validation_failed");
        assert_eq!(
            errors[0].field.as_deref(),
            Some(&["input".into(), "minutes".into()][..])
        );
        assert!(split::<()>(Err(ApiError::Internal("x".into()))).is_err());
        let (_, errors) = split::<()>(Err(ApiError::PreconditionFailed)).unwrap();
        assert_eq!(errors[0].code, "version_mismatch");
        assert!(errors[0].field.is_none());
    }
}

/// A Relay connection over a page of a service's list: its items in order, each edge's cursor
/// the place `key` gives it (as the service's `next_cursor` names the last one), and
/// `hasNextPage` when the page has a next cursor.
pub fn connection<T, N: async_graphql::OutputType, K: std::fmt::Display>(
    page: crate::services::Page<T>,
    after: Option<&str>,
    key: impl Fn(&T) -> K,
    node: impl Fn(T) -> N,
) -> async_graphql::connection::Connection<String, N> {
    let mut conn =
        async_graphql::connection::Connection::new(after.is_some(), page.next_cursor.is_some());
    conn.edges.extend(page.items.into_iter().map(|item| {
        let cursor = crate::services::encode_cursor(key(&item));
        async_graphql::connection::Edge::new(cursor, node(item))
    }));
    conn
}

/// A Relay connection with `totalCount`.
pub type Counted<N> = async_graphql::connection::Connection<String, N, TotalCount>;

type CountFuture = futures_util::future::BoxFuture<'static, ApiResult<u64>>;

/// A connection's `totalCount`: the list's whole size over every page, counted (one statement,
/// with the list's own filter and authorization) only when a query selects it.
pub struct TotalCount(Box<dyn Fn(Ctx) -> CountFuture + Send + Sync>);

impl TotalCount {
    /// Counts with `count(ctx)`, which receives the request's context.
    pub fn new<F, Fut>(count: F) -> Self
    where
        F: Fn(Ctx) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ApiResult<u64>> + Send + 'static,
    {
        Self(Box::new(move |ctx| Box::pin(count(ctx))))
    }
}

#[async_graphql::Object]
impl TotalCount {
    /// How many the list holds over all its pages (its filter's whole result, not this page).
    async fn total_count(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<i32> {
        let n = (self.0)(super::service_ctx(ctx)?.clone()).await.gql()?;
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }
}
