//! Health, readiness, metrics, the landing page, API docs and their offline assets.

use crate::error::ApiResult;
use crate::metrics::{Gauges, Metrics};
use crate::services::xapi::projection;
use crate::services::Services;
use actix_web::{get, http::header::ContentType, web, HttpResponse};
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}

/// Pages and assets that are not part of the API contract.
pub fn pages(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.route(
        "/",
        web::get().to(|| async { html(include_str!("../../assets/index.html")) }),
    )
    .route(
        "/docs",
        web::get().to(|| async { html(include_str!("../../assets/docs.html")) }),
    )
    .route("/assets/{path:.*}", web::get().to(asset));
}

fn html(body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::html())
        .body(body)
}

/// The GraphiQL page (served on GET /graphql).
pub fn graphiql() -> HttpResponse {
    html(include_str!("../../assets/graphiql.html"))
}

async fn asset(path: web::Path<String>) -> HttpResponse {
    let (body, mime): (&'static [u8], &str) = match path.as_str() {
        "swagger-ui/swagger-ui-bundle.js" => (
            include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js"),
            "text/javascript",
        ),
        "swagger-ui/swagger-ui.css" => (
            include_bytes!("../../assets/swagger-ui/swagger-ui.css"),
            "text/css",
        ),
        "graphiql/graphiql.min.js" => (
            include_bytes!("../../assets/graphiql/graphiql.min.js"),
            "text/javascript",
        ),
        "graphiql/graphiql.min.css" => (
            include_bytes!("../../assets/graphiql/graphiql.min.css"),
            "text/css",
        ),
        "graphiql/react.production.min.js" => (
            include_bytes!("../../assets/graphiql/react.production.min.js"),
            "text/javascript",
        ),
        "graphiql/react-dom.production.min.js" => (
            include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
            "text/javascript",
        ),
        _ => return crate::error::ApiError::NotFound("asset").error_response_owned(),
    };
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .content_type(mime)
        .body(body)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: String,
}

/// Liveness: the process answers.
#[utoipa::path(tag = "system", responses((status = 200, body = Health)))]
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Readiness {
    /// `ready` or `not_ready`.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    pub database_reachable: bool,
    pub pending_migrations: Option<usize>,
    /// Where cache, rate limits and idempotency keys live: `redis` or `in_process`.
    pub kv_store: String,
    pub kv_reachable: bool,
}

/// Readiness: the database is reachable and migrated, and Redis answers when configured.
#[utoipa::path(tag = "system", responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
#[get("/readyz")]
async fn readyz(state: web::Data<Services>) -> HttpResponse {
    let reachable = state.db.ping().await.is_ok();
    let pending = if reachable {
        state.db.pending_migrations().await.ok()
    } else {
        None
    };
    let kv_ok = state.kv.ping().await.is_ok();
    let ready = reachable && pending == Some(0) && kv_ok;
    let body = Readiness {
        status: if ready { "ready" } else { "not_ready" }.into(),
        database: state.db.backend().name().into(),
        database_reachable: reachable,
        pending_migrations: pending,
        kv_store: state.kv.kind().into(),
        kv_reachable: kv_ok,
    };
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// Prometheus metrics (text format 0.0.4).
#[utoipa::path(tag = "system", responses((status = 200, content_type = "text/plain", body = String)))]
#[get("/metrics")]
async fn metrics(state: web::Data<Services>, m: web::Data<Metrics>) -> ApiResult<HttpResponse> {
    let pool = state.db.pool_stats();
    let text = m.render(&Gauges {
        db_pool_size: pool.size,
        db_pool_idle: pool.idle,
        db_statements: state.db.statements_executed(),
        xapi_projection_queue: projection::queue_length(&state).await?,
    });
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text))
}
