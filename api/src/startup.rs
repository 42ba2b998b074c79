//! The app factory and server start-up.

use crate::auth::{AuthConfigError, Authenticator};
use crate::body::{path_error, query_error};
use crate::config::Settings;
use crate::error::ApiError;
use crate::graphql::{self, LearnwellSchema};
use crate::metrics::Metrics;
use crate::observe::observe;
use crate::policy;
use crate::rest;
use crate::services::Services;
use crate::state::AppState;
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpResponse, HttpServer};
use learnwell_persistence::kv::{InProcessKv, KvStore, RedisKv};
use learnwell_persistence::{Db, StoreError};
use secrecy::ExposeSecret;
use std::net::TcpListener;
use std::sync::Arc;
use utoipa_actix_web::AppExt;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Auth(#[from] AuthConfigError),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("redis: {0}")]
    Redis(StoreError),
    #[error("could not listen: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    PersistedQueries(#[from] graphql::persisted::ManifestError),
}

/// Connect to the database (and Redis when configured) and build the shared state.
pub async fn state(settings: Settings) -> Result<AppState, StartupError> {
    let auth = Authenticator::from_settings(&settings.auth)?;
    let db = Db::connect(
        settings.database.url.expose_secret(),
        settings.database.max_connections,
    )
    .await?;
    let redis_url = settings.redis.url.expose_secret();
    let kv: Arc<dyn KvStore> = if redis_url.is_empty() {
        Arc::new(InProcessKv::default())
    } else {
        let redis = &settings.redis;
        let kv = RedisKv::connect(redis_url, redis.ca_file(), &redis.key_prefix)
            .await
            .map_err(StartupError::Redis)?;
        Arc::new(kv)
    };
    Ok(AppState {
        services: Services::new(settings, db, kv),
        auth: Arc::new(auth),
    })
}

async fn not_found() -> HttpResponse {
    ApiError::NotFound("route").error_response_owned()
}

/// Start the HTTP server on `listener`.
pub fn serve(state: AppState, listener: TcpListener) -> Result<Server, StartupError> {
    let metrics = web::Data::new(Metrics::default());
    let schema: web::Data<LearnwellSchema> =
        web::Data::new(graphql::schema(&state.services.settings.graphql));
    let persisted = web::Data::new(graphql::persisted::PersistedQueries::load(
        &state.services.settings.graphql,
    )?);
    let api_doc = web::Data::new(rest::openapi());
    let workers = state.services.settings.server.workers;
    tokio::spawn(crate::services::xapi::projection::run(
        state.services.clone(),
    ));
    tokio::spawn(crate::services::advising::run_overdue_sweep(
        state.services.clone(),
    ));
    let services = web::Data::new(state.services);
    let auth = web::Data::from(state.auth);
    let cors_origins = services.settings.server.cors_origins.clone();
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(policy::cors(&cors_origins))
            .wrap(from_fn(policy::headers))
            .wrap(from_fn(observe))
            .app_data(services.clone())
            .app_data(auth.clone())
            .app_data(metrics.clone())
            .app_data(schema.clone())
            .app_data(persisted.clone())
            .app_data(api_doc.clone())
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .into_utoipa_app()
            .configure(rest::routes)
            .configure(rest::system::routes)
            .into_app()
            .route(
                "/openapi.json",
                web::get().to(|doc: web::Data<utoipa::openapi::OpenApi>| async move {
                    HttpResponse::Ok().json(doc.get_ref())
                }),
            )
            .configure(crate::xapi::routes)
            .route("/graphql", web::post().to(graphql::execute))
            .route("/graphql", web::get().to(graphql::graphiql))
            .configure(rest::system::pages)
            .default_service(web::to(not_found))
    });
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.listen(listener)?.run())
}
