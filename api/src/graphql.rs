//! GraphQL for dashboards. The schema holds no data: the state, the caller and the DataLoaders are
//! attached per request. Depth and complexity are limited; every relation goes through a loader.

pub mod catalog;
pub mod learning;
pub mod org;

use crate::auth::authenticate;
use crate::config::GraphqlSettings;
use crate::error::{ApiError, Gql};
use crate::services::Ctx;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::dataloader::DataLoader;
use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, SDLExportOptions, Schema};
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};
use learnwell_domain::access::Principal;

#[derive(MergedObject, Default)]
pub struct Query(org::OrgQuery, catalog::CatalogQuery);

pub type LearnwellSchema = Schema<Query, EmptyMutation, EmptySubscription>;

pub fn schema(limits: &GraphqlSettings) -> LearnwellSchema {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .finish()
}

/// The schema in SDL with sorted fields (committed as `schema.graphql`).
pub fn sdl() -> String {
    let limits = GraphqlSettings {
        max_depth: 64,
        max_complexity: 100_000,
    };
    schema(&limits).sdl_with_options(SDLExportOptions::new().sorted_fields())
}

fn state<'a>(ctx: &async_graphql::Context<'a>) -> async_graphql::Result<&'a AppState> {
    ctx.data::<AppState>()
}

fn service_ctx(ctx: &async_graphql::Context<'_>) -> async_graphql::Result<Ctx> {
    Ok(Ctx::new(ctx.data::<Principal>()?.clone()))
}

fn parse_id<T: std::str::FromStr>(
    id: &async_graphql::ID,
    what: &'static str,
) -> async_graphql::Result<T> {
    id.parse::<T>().map_err(|_| ApiError::NotFound(what)).gql()
}

/// POST /graphql
pub async fn execute(
    state: web::Data<AppState>,
    schema: web::Data<LearnwellSchema>,
    req: HttpRequest,
    gql: GraphQLRequest,
) -> Result<GraphQLResponse, ApiError> {
    let principal = authenticate(&state, &req).await?;
    let st = state.get_ref().clone();
    let request = gql
        .into_inner()
        .data(DataLoader::new(
            org::EmployeeLoader(st.clone()),
            tokio::spawn,
        ))
        .data(DataLoader::new(
            org::OrgUnitLoader(st.clone()),
            tokio::spawn,
        ))
        .data(DataLoader::new(
            catalog::SkillLoader(st.clone()),
            tokio::spawn,
        ))
        .data(DataLoader::new(
            learning::CourseLoader(st.clone()),
            tokio::spawn,
        ))
        .data(DataLoader::new(
            learning::EnrollmentLoader {
                state: st.clone(),
                principal: principal.clone(),
            },
            tokio::spawn,
        ))
        .data(DataLoader::new(
            org::ReportLoader {
                state: st.clone(),
                principal: principal.clone(),
            },
            tokio::spawn,
        ))
        .data(st)
        .data(principal);
    let mut response = schema.execute(request).await;
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

/// GET /graphql: the GraphiQL page.
pub async fn graphiql() -> HttpResponse {
    crate::rest::system::graphiql()
}
