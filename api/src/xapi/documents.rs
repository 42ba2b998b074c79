//! `/xapi/activities/state`, `/xapi/activities/profile`, `/xapi/agents/profile`,
//! `/xapi/activities` and `/xapi/agents`.

use super::request::XapiRequest;
use super::{last_modified, reject_unknown};
use crate::error::{ApiError, ApiResult};
use crate::services::xapi::documents::{self as svc, Preconditions, Write, WriteDocument};
use crate::services::xapi::XapiCaller;
use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpResponse;
use chrono::DateTime;
use learnwell_domain::FieldError;
use learnwell_xapi::{
    is_iri, is_uuid, parse_timestamp, validate_agent_parameter, DocumentKind, DocumentScope,
    XapiVersion,
};
use serde_json::Value;
use std::collections::HashMap;

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

fn target(r: &XapiRequest, kind: DocumentKind, version: XapiVersion) -> ApiResult<Target> {
    let p = r.params.clone();
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
fn preconditions(r: &XapiRequest) -> Preconditions {
    let tags = |name: header::HeaderName| {
        r.header(name.as_str()).map(|v| {
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

pub(super) async fn get(
    caller: &XapiCaller,
    version: XapiVersion,
    kind: DocumentKind,
    r: &XapiRequest,
) -> ApiResult<HttpResponse> {
    let t = target(r, kind, version)?;
    // `since` is checked even beside a document id, where it changes nothing (the 1.0.3 suite
    // expects a 400 for a bad one there too).
    let since = t
        .params
        .get("since")
        .map(|s| parse_timestamp(s, version).map_err(|why| bad("since", why)))
        .transpose()?;
    match &t.id {
        Some(id) => {
            let doc = svc::get(caller, &t.scope, id).await?;
            let mut res = HttpResponse::Ok()
                .content_type(doc.content_type.as_str())
                .body(doc.content);
            set_etag(&mut res, &doc.etag);
            if let Some(at) = DateTime::from_timestamp_micros(doc.updated_us) {
                last_modified(&mut res, at);
            }
            Ok(res)
        }
        None => {
            let ids = svc::list(caller, &t.scope, since).await?;
            Ok(HttpResponse::Ok().json(ids))
        }
    }
}

pub(super) async fn write(
    caller: &XapiCaller,
    version: XapiVersion,
    kind: DocumentKind,
    r: &XapiRequest,
    mode: Write,
) -> ApiResult<HttpResponse> {
    let t = target(r, kind, version)?;
    let id = id_required(&t)?;
    let content_type = r
        .header("content-type")
        .unwrap_or("application/octet-stream");
    let cmd = WriteDocument {
        id,
        content_type,
        content: r.body.to_vec(),
        mode,
        conditions: preconditions(r),
        version,
        scope: t.scope.clone(),
    };
    let etag = svc::write(caller, cmd).await?;
    let mut res = HttpResponse::NoContent().finish();
    set_etag(&mut res, &etag);
    Ok(res)
}

/// The document's ETag, quoted.
fn set_etag(res: &mut HttpResponse, etag: &str) {
    if let Ok(v) = HeaderValue::from_str(&format!("\"{etag}\"")) {
        res.headers_mut().insert(header::ETAG, v);
    }
}

pub(super) async fn delete(
    caller: &XapiCaller,
    version: XapiVersion,
    kind: DocumentKind,
    r: &XapiRequest,
) -> ApiResult<HttpResponse> {
    let t = target(r, kind, version)?;
    // Only the State resource deletes every document of an activity and agent at once.
    if t.id.is_none() && t.scope.kind != DocumentKind::State {
        return Err(bad("profileId", "is required"));
    }
    svc::delete(caller, &t.scope, t.id.as_deref(), &preconditions(r)).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub(super) async fn activity(caller: &XapiCaller, r: &XapiRequest) -> ApiResult<HttpResponse> {
    reject_unknown(&r.params, &["activityId"])?;
    let id = required(&r.params, "activityId")?;
    if !is_iri(id) {
        return Err(bad("activityId", "must be an IRI"));
    }
    Ok(HttpResponse::Ok().json(svc::activity(caller, id).await?))
}

pub(super) fn agent(
    caller: &XapiCaller,
    version: XapiVersion,
    r: &XapiRequest,
) -> ApiResult<HttpResponse> {
    reject_unknown(&r.params, &["agent"])?;
    let (agent, _) = agent_param(&r.params, version)?;
    Ok(HttpResponse::Ok().json(svc::person(caller, &agent)?))
}
