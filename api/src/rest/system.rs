//! Health, readiness, metrics, the landing page, API docs and their offline assets.

use crate::auth::Authenticator;
use crate::error::{ApiError, ApiResult, Problem};
use crate::metrics::{Gauges, Metrics};
use crate::services::xapi::projection;
use crate::services::Services;
use actix_web::http::header::{self, ContentType};
use actix_web::{get, web, HttpRequest, HttpResponse};
use learnwell_domain::access;
use secrecy::ExposeSecret;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_health)
        .service(get_readiness)
        .service(get_metrics);
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
        "docs-init.js" => (
            include_bytes!("../../assets/docs-init.js"),
            "text/javascript",
        ),
        "graphiql-init.js" => (
            include_bytes!("../../assets/graphiql-init.js"),
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
async fn get_health() -> HttpResponse {
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
async fn get_readiness(state: web::Data<Services>) -> HttpResponse {
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

/// Prometheus metrics (text format 0.0.4). Needs the configured `metrics.token` as a bearer
/// token, or an `hr_admin` token.
#[utoipa::path(tag = "system", security(("bearer" = [])),
    responses((status = 200, content_type = "text/plain", body = String), (status = 401, body = Problem), (status = 403, body = Problem)))]
#[get("/metrics")]
async fn get_metrics(
    req: HttpRequest,
    svc: web::Data<Services>,
    auth: web::Data<Authenticator>,
    m: web::Data<Metrics>,
) -> ApiResult<HttpResponse> {
    if !is_scrape_token(&req, &svc) {
        let principal = crate::auth::authenticate(&auth, &svc, &req).await?;
        if !access::can_read_metrics(&principal) {
            return Err(ApiError::Forbidden);
        }
    }
    let pool = svc.db.pool_stats();
    let text = m.render(&Gauges {
        db_pool_size: pool.size,
        db_pool_idle: pool.idle,
        db_statements: svc.db.statements_executed(),
        xapi_projection_queue: projection::queue_length(&svc).await?,
        credential_checks: svc.lrs_credentials.checks_done(),
    });
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text))
}

/// Is the bearer token the configured scrape token? (Compared as digests, in constant time.)
fn is_scrape_token(req: &HttpRequest, svc: &Services) -> bool {
    let configured = svc.settings.metrics.token.expose_secret();
    let sent = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "));
    match sent {
        Some(sent) if !configured.is_empty() => {
            let (a, b) = (
                Sha256::digest(sent.as_bytes()),
                Sha256::digest(configured.as_bytes()),
            );
            a.iter()
                .zip(b.iter())
                .fold(0u8, |acc, (x, y)| acc | (x ^ y))
                == 0
        }
        _ => false,
    }
}
