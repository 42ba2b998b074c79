//! What a GraphQL query may cost, measured before it runs.
//!
//! The cost is async-graphql's complexity with every list priced by its size: a field costs 1
//! plus what is selected below it, and a list or connection multiplies what is selected on each
//! item by the number of items it may return (`first`, default 50, at most 200; lists without
//! `first` by the estimates below). It is an upper bound on the values in the answer, as
//! GitHub's node limit and Shopify's query cost are. Introspection (`__schema`, `__type` and
//! everything below them) is measured apart: it does not count toward the depth and the cost,
//! and it follows graphql-js's `MaxIntrospectionDepthRule` instead (at most two nested
//! `fields`, `interfaces`, `possibleTypes` or `inputFields`), which bounds the answer by the
//! schema's size.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest,
    NextValidation,
};
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{
    Name, Positioned, Request, ServerError, ServerResult, ValidationResult, Variables,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Items a connection returns without `first` (the services' default page).
pub const DEFAULT_PAGE: usize = 50;
/// The largest page a connection returns.
pub const MAX_PAGE: usize = 200;
/// Size estimates for lists without `first`.
pub const CHILD_UNITS: usize = 10;
pub const COURSE_SKILLS: usize = 10;
pub const ENROLLMENTS: usize = 20;
pub const SUMMARY_PEOPLE: usize = 50;
pub const CATEGORIES: usize = 6;
/// Focus areas of an advising plan (at most 10), and rows of other short advising lists.
pub const FOCUS_AREAS: usize = 10;
/// Check-ins (and notes, history entries) of one advising engagement.
pub const CHECK_INS: usize = 30;
/// What a field that computes a learning-time summary costs beyond its selection.
pub const SUMMARY: usize = 10;
/// No field costs more than this, so sums over a whole query never overflow.
const CEILING: usize = 1 << 40;
/// The most fields a query may select once its fragments are expanded (a small document can
/// spread fragments that spread fragments, doubling at each step); checked on the document
/// before anything else walks it.
pub const MAX_EXPANDED_FIELDS: u64 = 100_000;
/// graphql-js's limit on nested `fields`/`interfaces`/`possibleTypes`/`inputFields`.
const INTROSPECTION_LISTS: usize = 3;

/// A connection's cost: its page size times what each item selects, plus itself.
pub fn page(first: Option<i32>, child_complexity: usize) -> usize {
    let size = first.map_or(DEFAULT_PAGE, |n| {
        usize::try_from(n).unwrap_or(1).clamp(1, MAX_PAGE)
    });
    list(size, child_complexity)
}

/// A list's cost: its (estimated) size times what each item selects, plus itself.
pub fn list(size: usize, child_complexity: usize) -> usize {
    size.saturating_mul(child_complexity)
        .saturating_add(1)
        .min(CEILING)
}

/// The configured limits, as an extension that refuses a query over them before it runs, with
/// its figures.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_complexity: usize,
}

impl ExtensionFactory for Limits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsExtension {
            limits: *self,
            measured: Mutex::new(None),
        })
    }
}

struct LimitsExtension {
    limits: Limits,
    measured: Mutex<Option<Measured>>,
}

/// What is measured on the document itself (async-graphql measures the rest).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    /// The deepest field outside introspection.
    pub depth: usize,
    /// Fields inside introspection (each counts 1 in async-graphql's complexity).
    pub introspection_fields: usize,
    /// The most nested `fields`/`interfaces`/`possibleTypes`/`inputFields` in introspection.
    pub introspection_lists: usize,
}

fn refuse(message: String, figures: &[(&str, usize)]) -> Vec<ServerError> {
    vec![refusal(message, figures)]
}

fn refusal(message: String, figures: &[(&str, usize)]) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", "invalid_query");
    for (name, value) in figures {
        ext.set(*name, u64::try_from(*value).unwrap_or(u64::MAX));
    }
    error.extensions = Some(ext);
    error
}

#[async_graphql::async_trait::async_trait]
impl Extension for LimitsExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // Before async-graphql's own checks, which expand every spread (a parse error is
        // theirs to report).
        if let Ok(doc) = async_graphql::parser::parse_query(&request.query) {
            let fields = expanded_fields(&doc);
            if fields > MAX_EXPANDED_FIELDS {
                return Err(refusal(
                    format!(
                        "the query selects {fields} fields once its fragments are expanded; at most {MAX_EXPANDED_FIELDS}"
                    ),
                    &[("fields", usize::try_from(fields).unwrap_or(usize::MAX))],
                ));
            }
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        if let Ok(mut measured) = self.measured.lock() {
            *measured = Some(measure(&doc));
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let measured = self
            .measured
            .lock()
            .ok()
            .and_then(|mut m| m.take())
            .unwrap_or_default();
        if measured.introspection_lists >= INTROSPECTION_LISTS {
            return Err(refuse(
                format!(
                    "the introspection query nests fields, interfaces, possibleTypes or inputFields {} deep; at most {} may be nested",
                    measured.introspection_lists,
                    INTROSPECTION_LISTS - 1
                ),
                &[],
            ));
        }
        let Limits {
            max_depth,
            max_complexity,
        } = self.limits;
        if measured.depth > max_depth {
            return Err(refuse(
                format!(
                    "the query is nested too deep: depth {}, the limit is {max_depth} (graphql.max_depth)",
                    measured.depth
                ),
                &[("depth", measured.depth), ("limit", max_depth)],
            ));
        }
        let cost = result
            .complexity
            .saturating_sub(measured.introspection_fields);
        if cost > max_complexity {
            return Err(refuse(
                format!(
                    "the query costs {cost}, above the limit of {max_complexity} (graphql.max_complexity): a list multiplies what it selects by its size (first, default {DEFAULT_PAGE}); ask for smaller pages or fewer nested lists"
                ),
                &[("cost", cost), ("limit", max_complexity)],
            ));
        }
        Ok(result)
    }
}

/// Depth outside introspection and the introspection figures of every operation in `doc`, with
/// fragments expanded where they are spread (as async-graphql's own measures do).
pub fn measure(doc: &ExecutableDocument) -> Measured {
    let mut walk = Walk {
        fragments: &doc.fragments,
        open: Vec::new(),
        measured: Measured::default(),
    };
    for (_, operation) in doc.operations.iter() {
        walk.set(&operation.node.selection_set.node, 0, None);
    }
    walk.measured
}

/// The fields of every operation with fragments expanded where they are spread, each fragment
/// counted once (linear in the document, however often it is spread). A spread that closes a
/// cycle or names no fragment counts nothing: validation refuses it.
pub fn expanded_fields(doc: &ExecutableDocument) -> u64 {
    fn count<'a>(
        set: &'a SelectionSet,
        doc: &'a ExecutableDocument,
        memo: &mut HashMap<&'a str, u64>,
        open: &mut Vec<&'a str>,
    ) -> u64 {
        let mut total: u64 = 0;
        for item in &set.items {
            let n = match &item.node {
                Selection::Field(field) => {
                    count(&field.node.selection_set.node, doc, memo, open).saturating_add(1)
                }
                Selection::InlineFragment(fragment) => {
                    count(&fragment.node.selection_set.node, doc, memo, open)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    match (memo.get(name), doc.fragments.get_key_value(name)) {
                        (Some(n), _) => *n,
                        (None, Some((key, fragment))) if !open.contains(&name) => {
                            open.push(key.as_str());
                            let n = count(&fragment.node.selection_set.node, doc, memo, open);
                            open.pop();
                            memo.insert(key.as_str(), n);
                            n
                        }
                        _ => 0,
                    }
                }
            };
            total = total.saturating_add(n);
        }
        total
    }
    let mut memo = HashMap::new();
    doc.operations
        .iter()
        .map(|(_, op)| count(&op.node.selection_set.node, doc, &mut memo, &mut Vec::new()))
        .fold(0, u64::saturating_add)
}

struct Walk<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    /// Fragments being expanded (a cycle is validation's to refuse, not ours to follow).
    open: Vec<&'a str>,
    measured: Measured,
}

impl<'a> Walk<'a> {
    /// `introspection`: the nested list count when inside `__schema`/`__type`, else `None`.
    fn set(&mut self, set: &'a SelectionSet, depth: usize, introspection: Option<usize>) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    let inside = match introspection {
                        Some(lists) => Some(
                            lists
                                + usize::from(matches!(
                                    name,
                                    "fields" | "interfaces" | "possibleTypes" | "inputFields"
                                )),
                        ),
                        None if matches!(name, "__schema" | "__type") => Some(0),
                        None => None,
                    };
                    match inside {
                        Some(lists) => {
                            self.measured.introspection_fields += 1;
                            self.measured.introspection_lists =
                                self.measured.introspection_lists.max(lists);
                        }
                        None => self.measured.depth = self.measured.depth.max(depth + 1),
                    }
                    self.set(&field.node.selection_set.node, depth + 1, inside);
                }
                Selection::InlineFragment(fragment) => {
                    self.set(&fragment.node.selection_set.node, depth, introspection);
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some((key, fragment)) = self.fragments.get_key_value(name) else {
                        continue;
                    };
                    if self.open.contains(&name) {
                        continue;
                    }
                    self.open.push(key.as_str());
                    self.set(&fragment.node.selection_set.node, depth, introspection);
                    self.open.pop();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(query: &str) -> Measured {
        measure(&async_graphql::parser::parse_query(query).expect("parses"))
    }

    #[test]
    fn introspection_is_measured_apart_from_the_data() {
        let m = measured(
            "{ me { id } __schema { types { name fields { name type { ...T } } } } }
             fragment T on __Type { kind ofType { kind ofType { name } } }",
        );
        assert_eq!(m.depth, 2, "{m:?}");
        assert_eq!(m.introspection_fields, 11, "{m:?}");
        assert_eq!(m.introspection_lists, 1, "{m:?}");
        let m = measured("{ __type(name: \"Employee\") { fields { type { fields { type { fields { name } } } } } } }");
        assert_eq!((m.depth, m.introspection_lists), (0, 3), "{m:?}");
    }

    #[test]
    fn fragments_spread_many_times_are_counted_expanded_in_linear_time() {
        let mut query = String::from("{ me { ...F0 } }");
        for i in 0..40 {
            query.push_str(&format!(
                " fragment F{i} on Employee {{ ...F{} ...F{} }}",
                i + 1,
                i + 1
            ));
        }
        query.push_str(" fragment F40 on Employee { id }");
        let doc = async_graphql::parser::parse_query(&query).expect("parses");
        assert_eq!(expanded_fields(&doc), (1u64 << 40) + 1);
        let doc = async_graphql::parser::parse_query(
            "{ me { ...A } } fragment A on Employee { id ...A }",
        )
        .expect("parses");
        assert_eq!(
            expanded_fields(&doc),
            2,
            "a cycle is validation's to refuse"
        );
    }

    #[test]
    fn pages_are_priced_by_their_size_and_never_overflow() {
        assert_eq!(page(None, 2), 101);
        assert_eq!(page(Some(200), 2), 401);
        assert_eq!(page(Some(5000), 2), 401, "first is at most 200");
        assert_eq!(page(Some(-3), 2), 3);
        assert_eq!(list(usize::MAX, usize::MAX), CEILING);
    }
}
