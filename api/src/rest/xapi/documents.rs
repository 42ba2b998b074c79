//! `/xapi/activities/state`, `/xapi/activities/profile`, `/xapi/agents/profile`,
//! `/xapi/activities` and `/xapi/agents`.

use super::{begin, finish, last_modified, params, read_body, reject_unknown};
use crate::error::{ApiError, ApiResult};
use crate::services::xapi::documents::{self as svc, Preconditions, Write};
use crate::state::AppState;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::DateTime;
use learnwell_domain::xapi::{
    is_iri, is_uuid, parse_timestamp, validate_agent_parameter, XapiVersion,
};
use learnwell_domain::FieldError;
use learnwell_persistence::xapi::{DocumentKind, DocumentScope};
use serde_json::Value;
use std::collections::HashMap;

pub fn routes(cfg: &mut web::ServiceConfig) {
    for (path, kind) in [
        ("/activities/state", DocumentKind::State),
        ("/activities/profile", DocumentKind::ActivityProfile),
        ("/agents/profile", DocumentKind::AgentProfile),
    ] {
        cfg.service(
            web::resource(path)
                .app_data(web::Data::new(kind))
                .route(web::get().to(get))
                .route(web::head().to(get))
                .route(web::put().to(put))
                .route(web::post().to(post))
                .route(web::delete().to(delete)),
        );
    }
    cfg.route("/activities", web::get().to(activity))
        .route("/activities", web::head().to(activity))
        .route("/agents", web::get().to(agent))
        .route("/agents", web::head().to(agent));
}

fn bad(name: &str, why: &str) -> ApiError {
    ApiError::InvalidQuery(FieldError::new(name, why))
}

fn required<'a>(p: &'a HashMap<String, String>, name: &str) -> ApiResult<&'a String> {
    p.get(name).ok_or_else(|| bad(name, "is required"))
}

fn agent_param(p: &HashMap<String, String>, version: XapiVersion) -> ApiResult<(Value, String)> {
    let value: Value = serde_json::from_str(required(p, "agent")?)
        .map_err(|_| bad("agent", "must be an Agent as JSON"))?;
    let ifi = validate_agent_parameter(&value, version).map_err(|e| bad("agent", &e.reason))?;
    Ok((value, ifi.key()))
}

/// The parameters of a document request: where the document lives, and its id (the name of the
/// id parameter depends on the resource).
struct Target {
    scope: DocumentScope,
    id: Option<String>,
    params: HashMap<String, String>,
}

fn target(req: &HttpRequest, kind: DocumentKind, version: XapiVersion) -> ApiResult<Target> {
    let p = params(req)?;
    let (allowed, id_name): (&[&str], &str) = match kind {
        DocumentKind::State => (
            &["activityId", "agent", "registration", "stateId", "since"],
            "stateId",
        ),
        DocumentKind::ActivityProfile => (&["activityId", "profileId", "since"], "profileId"),
        DocumentKind::AgentProfile => (&["agent", "profileId", "since"], "profileId"),
    };
    reject_unknown(&p, allowed)?;
    let activity_id = if kind == DocumentKind::AgentProfile {
        String::new()
    } else {
        let id = required(&p, "activityId")?;
        if !is_iri(id) {
            return Err(bad("activityId", "must be an IRI"));
        }
        id.clone()
    };
    let agent_key = if kind == DocumentKind::ActivityProfile {
        String::new()
    } else {
        agent_param(&p, version)?.1
    };
    let registration = match p.get("registration") {
        Some(r) if is_uuid(r) => r.to_ascii_lowercase(),
        Some(_) => return Err(bad("registration", "must be a UUID")),
        None => String::new(),
    };
    Ok(Target {
        scope: DocumentScope {
            kind,
            activity_id,
            agent_key,
            registration,
        },
        id: p.get(id_name).cloned(),
        params: p,
    })
}

/// `If-Match` / `If-None-Match` as lists of unquoted ETags (or `*`).
fn preconditions(req: &HttpRequest) -> Preconditions {
    let tags = |name: header::HeaderName| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(',')
                    .map(|t| {
                        let t = t.trim();
                        t.strip_prefix("W/")
                            .unwrap_or(t)
                            .trim_matches('"')
                            .to_owned()
                    })
                    .collect()
            })
    };
    Preconditions {
        if_match: tags(header::IF_MATCH),
        if_none_match: tags(header::IF_NONE_MATCH),
    }
}

fn id_required(t: &Target) -> ApiResult<&str> {
    let name = if t.scope.kind == DocumentKind::State {
        "stateId"
    } else {
        "profileId"
    };
    t.id.as_deref().ok_or_else(|| bad(name, "is required"))
}

async fn get(
    state: web::Data<AppState>,
    kind: web::Data<DocumentKind>,
    req: HttpRequest,
) -> HttpResponse {
    let (caller, version) = match begin(&state, &req).await {
        Ok(started) => started,
        Err(refused) => return refused,
    };
    let outcome = async {
        let t = target(&req, **kind, version)?;
        match &t.id {
            Some(id) => {
                let doc = svc::get(&state, &caller, &t.scope, id).await?;
                let mut res = HttpResponse::Ok()
                    .content_type(doc.content_type.as_str())
                    .body(doc.content);
                if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", doc.etag)) {
                    res.headers_mut().insert(header::ETAG, v);
                }
                if let Some(at) = DateTime::from_timestamp_micros(doc.updated_us) {
                    last_modified(&mut res, at);
                }
                Ok(res)
            }
            None => {
                let since = t
                    .params
                    .get("since")
                    .map(|s| parse_timestamp(s, version).map_err(|why| bad("since", why)))
                    .transpose()?;
                let ids = svc::list(&state, &caller, &t.scope, since).await?;
                Ok(HttpResponse::Ok().json(ids))
            }
        }
    }
    .await;
    finish(outcome, version)
}

async fn write(
    state: web::Data<AppState>,
    kind: web::Data<DocumentKind>,
    req: HttpRequest,
    payload: web::Payload,
    mode: Write,
) -> HttpResponse {
    let (caller, version) = match begin(&state, &req).await {
        Ok(started) => started,
        Err(refused) => return refused,
    };
    let outcome = async {
        let t = target(&req, **kind, version)?;
        let id = id_required(&t)?;
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream");
        let etag = svc::write(
            &state,
            &caller,
            &t.scope,
            id,
            content_type,
            read_body(&req, payload).await?.to_vec(),
            mode,
            &preconditions(&req),
            version,
        )
        .await?;
        let mut res = HttpResponse::NoContent().finish();
        if let Ok(v) = HeaderValue::from_str(&format!("\"{etag}\"")) {
            res.headers_mut().insert(header::ETAG, v);
        }
        Ok(res)
    }
    .await;
    finish(outcome, version)
}

async fn put(
    state: web::Data<AppState>,
    kind: web::Data<DocumentKind>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    write(state, kind, req, payload, Write::Put).await
}

async fn post(
    state: web::Data<AppState>,
    kind: web::Data<DocumentKind>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    write(state, kind, req, payload, Write::Post).await
}

async fn delete(
    state: web::Data<AppState>,
    kind: web::Data<DocumentKind>,
    req: HttpRequest,
) -> HttpResponse {
    let (caller, version) = match begin(&state, &req).await {
        Ok(started) => started,
        Err(refused) => return refused,
    };
    let outcome = async {
        let t = target(&req, **kind, version)?;
        // Only the State resource deletes every document of an activity and agent at once.
        if t.id.is_none() && t.scope.kind != DocumentKind::State {
            return Err(bad("profileId", "is required"));
        }
        svc::delete(
            &state,
            &caller,
            &t.scope,
            t.id.as_deref(),
            &preconditions(&req),
        )
        .await?;
        Ok(HttpResponse::NoContent().finish())
    }
    .await;
    finish(outcome, version)
}

async fn activity(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let (caller, version) = match begin(&state, &req).await {
        Ok(started) => started,
        Err(refused) => return refused,
    };
    let outcome = async {
        let p = params(&req)?;
        reject_unknown(&p, &["activityId"])?;
        let id = required(&p, "activityId")?;
        if !is_iri(id) {
            return Err(bad("activityId", "must be an IRI"));
        }
        Ok(HttpResponse::Ok().json(svc::activity(&state, &caller, id).await?))
    }
    .await;
    finish(outcome, version)
}

async fn agent(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let (caller, version) = match begin(&state, &req).await {
        Ok(started) => started,
        Err(refused) => return refused,
    };
    let outcome = async {
        let p = params(&req)?;
        reject_unknown(&p, &["agent"])?;
        let (agent, _) = agent_param(&p, version)?;
        Ok(HttpResponse::Ok().json(svc::person(&caller, &agent)?))
    }
    .await;
    finish(outcome, version)
}
