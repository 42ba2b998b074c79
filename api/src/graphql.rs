//! GraphQL for dashboards. The schema holds no data: the use-case context (caller, services) and the DataLoaders are
//! attached per request. Depth and cost are limited before a query runs (`limits`), and every
//! execution is bounded in time; every relation goes through a loader.

pub mod advising;
pub mod catalog;
pub mod clients;
pub mod development;
pub mod learning;
pub mod learning_time;
pub mod limits;
pub mod node;
pub mod org;
pub mod persisted;
pub mod pipeline;
pub mod types;

use crate::auth::{authenticate, Authenticator};
use crate::config::GraphqlSettings;
use crate::error::{ApiError, Gql};
use crate::services::{Ctx, Services};
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::dataloader::DataLoader;
use async_graphql::{EmptySubscription, ErrorExtensions, MergedObject, SDLExportOptions, Schema};
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};
use futures_util::future::BoxFuture;
use std::time::Duration;

/// Every read: each field asks the same service as REST, so the same people see the same things.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    org::OrgQuery,
    catalog::CatalogQuery,
    learning::LearningQuery,
    learning_time::LearningTimeQuery,
    advising::AdvisingQuery,
    development::DevelopmentQuery,
    pipeline::PipelineQuery,
);

/// Every write: each mutation builds the command REST builds and calls the same service, and
/// answers a payload with the changed object and `userErrors`.
#[derive(MergedObject, Default)]
pub struct Mutation(
    advising::AdvisingMutation,
    catalog::CatalogMutation,
    clients::ClientsMutation,
    development::DevelopmentMutation,
    learning::LearningMutation,
    learning_time::LearningTimeMutation,
    org::OrgMutation,
    pipeline::PipelineMutation,
);

pub type LearnwellSchema = Schema<Query, Mutation, EmptySubscription>;

/// A Relay connection of the graph, with opaque cursors.
type Page<Node> = async_graphql::connection::Connection<String, Node>;

pub fn schema(limits: &GraphqlSettings) -> LearnwellSchema {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .override_output_type_description::<chrono::DateTime<chrono::Utc>>(
            "An instant, RFC 3339 with its offset; answers are in UTC, e.g. \
             `2026-03-10T09:30:00+00:00`.",
        )
        // async-graphql's Relay connections carry no description of their own.
        .override_output_type_description::<Page<advising::AdvisingEngagement>>(
            "A page of advising engagements (`advisingEngagements`, `overdueCheckIns`).",
        )
        .override_output_type_description::<Page<catalog::CourseNode>>(
            "A page of catalog courses (`courses`), in a stable order.",
        )
        .override_output_type_description::<Page<catalog::SkillNode>>(
            "A page of the skills taxonomy (`skills`), by name.",
        )
        .override_output_type_description::<Page<org::OrgUnitNode>>(
            "A page of org units (`orgUnits`), in creation order.",
        )
        .override_output_type_description::<Page<org::EmployeeNode>>(
            "A page of employees (`employees`, `OrgUnit.employees`), in a stable order.",
        )
        .override_output_type_description::<Page<learning::EnrollmentNode>>(
            "A page of enrolments (`enrollments`), in a stable order.",
        )
        .override_output_type_description::<Page<development::MentorProfileNode>>(
            "A page of mentor and coach profiles (`mentorProfiles`).",
        )
        .override_output_type_description::<Page<development::EngagementNode>>(
            "A page of a person's mentoring and coaching engagements (`engagements`).",
        )
        .override_output_type_description::<Page<development::PdBudgetPolicy>>(
            "A page of PD budget policies (`pdBudgetPolicies`), by fiscal year and job level.",
        )
        .override_output_type_description::<Page<development::PdSpendRequest>>(
            "A page of a person's PD spend requests (`pdSpendRequests`).",
        )
        .override_output_type_description::<Page<pipeline::MembershipNode>>(
            "A page of memberships (`pipelineCohortMembers`, `pipelineMemberships`).",
        )
        .override_output_type_description::<Page<pipeline::ProgrammeNode>>(
            "A page of leadership programmes (`pipelineProgrammes`), by name.",
        )
        .override_output_type_description::<Page<pipeline::CohortNode>>(
            "A page of a programme's cohorts (`PipelineProgramme.cohorts`), by start date.",
        )
        .override_output_type_description::<Page<pipeline::PlacementNode>>(
            "A page of placements into leadership positions (`pipelinePlacements`), newest first.",
        )
        .override_output_type_description::<Page<pipeline::PositionNode>>(
            "A page of leadership positions (`pipelinePositions`).",
        )
        .extension(OperationSpan)
        .extension(limits::Limits {
            max_depth: limits.max_depth,
            max_complexity: limits.max_complexity,
        })
        .finish()
}

/// One tracing span per GraphQL operation, inside the HTTP request's span (async-graphql's own
/// `Tracing` opens one per object field as well: 15,000 for a summary listing 5,000 people).
/// Neither the query's text nor its variables are recorded.
struct OperationSpan;

impl async_graphql::extensions::ExtensionFactory for OperationSpan {
    fn create(&self) -> std::sync::Arc<dyn async_graphql::extensions::Extension> {
        std::sync::Arc::new(OperationSpan)
    }
}

#[async_graphql::async_trait::async_trait]
impl async_graphql::extensions::Extension for OperationSpan {
    async fn execute(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: async_graphql::extensions::NextExecute<'_>,
    ) -> async_graphql::Response {
        let span = tracing::info_span!("graphql", operation = operation_name.unwrap_or(""));
        tracing::Instrument::instrument(next.run(ctx, operation_name), span).await
    }
}

/// The schema in SDL with sorted fields (committed as `schema.graphql`).
pub fn sdl() -> String {
    let limits = GraphqlSettings {
        max_depth: 64,
        max_complexity: 100_000,
        timeout_ms: 10_000,
        persisted_queries: String::new(),
        only_persisted: false,
    };
    schema(&limits).sdl_with_options(SDLExportOptions::new().sorted_fields())
}

/// The request's use-case context (the caller, the request id, the services).
fn service_ctx<'a>(ctx: &async_graphql::Context<'a>) -> async_graphql::Result<&'a Ctx> {
    ctx.data::<Ctx>()
}

fn parse_id<T: std::str::FromStr>(
    id: &async_graphql::ID,
    what: &'static str,
) -> async_graphql::Result<T> {
    id.parse::<T>().map_err(|_| ApiError::NotFound(what)).gql()
}

/// POST /graphql
pub async fn execute(
    services: web::Data<Services>,
    auth: web::Data<Authenticator>,
    schema: web::Data<LearnwellSchema>,
    persisted: web::Data<persisted::PersistedQueries>,
    req: HttpRequest,
    gql: GraphQLRequest,
) -> Result<GraphQLResponse, ApiError> {
    let principal = authenticate(&auth, &services, &req).await?;
    let mut request = gql.into_inner();
    if let Err(e) = persisted.resolve(&mut request) {
        return Ok(request_error(&e).into());
    }
    let ctx = Ctx::new(&services, principal);
    // The loaders' batches run as tasks of their own; they end with this request (answered,
    // timed out or abandoned by the client), when `_running` is dropped.
    let (_running, ended) = tokio::sync::watch::channel(());
    let request = request
        .data(DataLoader::new(
            org::EmployeeLoader(ctx.clone()),
            spawner(&ended),
        ))
        .data(DataLoader::new(
            org::OrgUnitLoader(ctx.clone()),
            spawner(&ended),
        ))
        .data(DataLoader::new(
            catalog::SkillLoader(ctx.clone()),
            spawner(&ended),
        ))
        .data(DataLoader::new(
            learning::CourseLoader(ctx.clone()),
            spawner(&ended),
        ))
        .data(DataLoader::new(
            learning::EnrollmentLoader(ctx.clone()),
            spawner(&ended),
        ))
        .data(DataLoader::new(
            org::ViewLoader(ctx.clone()),
            spawner(&ended),
        ))
        .data(DataLoader::new(
            learning_time::LearningTimeLoader(ctx.clone()),
            spawner(&ended),
        ))
        .data(DataLoader::new(
            learning_time::UnitSummaryLoader(ctx.clone()),
            spawner(&ended),
        ))
        .data(ctx);
    let ms = services.settings.graphql.timeout_ms;
    let mut response =
        match tokio::time::timeout(Duration::from_millis(ms), schema.execute(request)).await {
            Ok(response) => response,
            // The execution (its resolvers and their queries) is dropped here.
            Err(_) => {
                tracing::warn!(timeout_ms = ms, "graphql query stopped at its timeout");
                request_error(&ApiError::Timeout { ms })
            }
        };
    for error in &mut response.errors {
        // Parse and validation errors (syntax, unknown fields, depth, complexity) come from the
        // engine without a code; every error a client sees carries one.
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", "invalid_query");
        }
    }
    Ok(response.into())
}

/// An answer about the whole request, not a place in it (no `locations`, no `data`).
fn request_error(e: &ApiError) -> async_graphql::Response {
    let error = ErrorExtensions::extend(e);
    let mut server_error = async_graphql::ServerError::new(error.message, None);
    server_error.extensions = error.extensions;
    async_graphql::Response::from_errors(vec![server_error])
}

/// Runs a loader's batch as a task that stops when the request ends.
fn spawner(
    ended: &tokio::sync::watch::Receiver<()>,
) -> impl Fn(BoxFuture<'static, ()>) + Send + Sync + 'static {
    let ended = ended.clone();
    move |batch| {
        let mut ended = ended.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = batch => {}
                _ = ended.changed() => {}
            }
        });
    }
}

/// GET /graphql: the GraphiQL page.
pub async fn graphiql() -> HttpResponse {
    crate::rest::system::graphiql()
}
