//! The Statement resource: PUT and POST store statements (JSON, or `multipart/mixed` with their
//! attachments); GET fetches one or queries, in pages linked by `more`.

use super::request::XapiRequest;
use super::{consistent_through, last_modified, reject_unknown};
use crate::error::{ApiError, ApiResult, Code};
use crate::services::xapi::{
    self as svc, StatementFilter, StatementPage, StatementView, StoreStatements, XapiCaller,
};
use actix_web::HttpResponse;
use learnwell_domain::FieldError;
use learnwell_xapi::multipart::{self, Part};
use learnwell_xapi::HASH_HEADER;
use learnwell_xapi::{
    is_iri, is_uuid, parse_timestamp, validate_agent_parameter, StatementFormat, XapiVersion,
};
use serde_json::{json, Value};
use std::collections::HashMap;

fn invalid_multipart(field: impl Into<String>, message: impl Into<String>) -> ApiError {
    ApiError::InvalidBody {
        code: Code::InvalidMultipart,
        field: field.into(),
        message: message.into(),
    }
}

/// The statements of a PUT or POST and, for `multipart/mixed` (Communication 1.5.2), all its
/// parts (the statements are part 0).
fn statement_body(r: &XapiRequest) -> ApiResult<(Value, Vec<Part>)> {
    let parse = |bytes: &[u8]| -> ApiResult<Value> {
        serde_json::from_slice(bytes).map_err(|e| ApiError::MalformedJson(e.to_string()))
    };
    match r.media_type().as_str() {
        "application/json" => Ok((parse(&r.body)?, Vec::new())),
        "multipart/mixed" => {
            let content_type = r.header("content-type").unwrap_or_default();
            let boundary = multipart::boundary_of(content_type).ok_or_else(|| {
                invalid_multipart(
                    "Content-Type",
                    "multipart/mixed needs a boundary parameter of 1 to 70 characters",
                )
            })?;
            let parts = multipart::parse(&r.body, &boundary)
                .map_err(|e| invalid_multipart(e.path, e.reason))?;
            let first = parts
                .first()
                .filter(|p| p.media_type() == "application/json")
                .ok_or_else(|| {
                    invalid_multipart(
                        "parts[0].Content-Type",
                        "the first part holds the statements, as application/json",
                    )
                })?;
            Ok((parse(&first.body)?, parts))
        }
        // The conformance test suite expects 400 here, not 415 (Data 2.4.11).
        _ => Err(ApiError::InvalidBody {
            code: Code::InvalidContentType,
            field: "Content-Type".to_owned(),
            message: "send statements as application/json, or as multipart/mixed with their \
                      attachments"
                .to_owned(),
        }),
    }
}

pub(super) async fn put_statement(
    caller: &XapiCaller,
    version: XapiVersion,
    r: &XapiRequest,
) -> ApiResult<HttpResponse> {
    reject_unknown(&r.params, &["statementId"])?;
    let id = r
        .params
        .get("statementId")
        .filter(|id| is_uuid(id))
        .ok_or_else(|| ApiError::InvalidQuery(FieldError::new("statementId", "must be a UUID")))?;
    let (statement, parts) = statement_body(r)?;
    let cmd = StoreStatements {
        version,
        body: statement,
        parts: &parts,
        put_id: Some(id),
    };
    svc::store_statements(caller, cmd).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub(super) async fn post_statements(
    caller: &XapiCaller,
    version: XapiVersion,
    r: &XapiRequest,
) -> ApiResult<HttpResponse> {
    reject_unknown(&r.params, &[])?;
    let (statements, parts) = statement_body(r)?;
    let cmd = StoreStatements {
        version,
        body: statements,
        parts: &parts,
        put_id: None,
    };
    let ids = svc::store_statements(caller, cmd).await?;
    Ok(HttpResponse::Ok().json(ids))
}

const QUERY_PARAMS: [&str; 14] = [
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "statementId",
    "voidedStatementId",
];

fn flag(params: &HashMap<String, String>, name: &str) -> ApiResult<bool> {
    match params.get(name).map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::InvalidQuery(FieldError::new(
            name,
            "must be true or false",
        ))),
    }
}

fn micros(
    params: &HashMap<String, String>,
    name: &str,
    version: XapiVersion,
) -> ApiResult<Option<i64>> {
    params
        .get(name)
        .map(|v| {
            parse_timestamp(v, version)
                .map(|t| t.timestamp_micros())
                .map_err(|why| ApiError::InvalidQuery(FieldError::new(name, why)))
        })
        .transpose()
}

fn parse_query(
    params: &HashMap<String, String>,
    version: XapiVersion,
) -> ApiResult<StatementFilter> {
    let bad = |name: &str, why: &str| ApiError::InvalidQuery(FieldError::new(name, why));
    let agent = match params.get("agent") {
        Some(text) => {
            let value: Value =
                serde_json::from_str(text).map_err(|_| bad("agent", "must be an Agent as JSON"))?;
            let ifi =
                validate_agent_parameter(&value, version).map_err(|e| bad("agent", &e.reason))?;
            Some(ifi.key())
        }
        None => None,
    };
    let iri = |name: &str| -> ApiResult<Option<String>> {
        match params.get(name) {
            Some(v) if is_iri(v) => Ok(Some(v.clone())),
            Some(_) => Err(bad(name, "must be an IRI")),
            None => Ok(None),
        }
    };
    let registration = match params.get("registration") {
        Some(r) if is_uuid(r) => Some(r.to_ascii_lowercase()),
        Some(_) => return Err(bad("registration", "must be a UUID")),
        None => None,
    };
    let limit = match params.get("limit") {
        Some(l) => l
            .parse()
            .map_err(|_| bad("limit", "must be a whole number, 0 for the server's most"))?,
        None => 0,
    };
    Ok(StatementFilter {
        agent,
        related_agents: flag(params, "related_agents")?,
        verb: iri("verb")?,
        activity: iri("activity")?,
        related_activities: flag(params, "related_activities")?,
        registration,
        since_us: micros(params, "since", version)?,
        until_us: micros(params, "until", version)?,
        ascending: flag(params, "ascending")?,
        limit,
    })
}

pub(super) async fn get_statements(
    caller: &XapiCaller,
    version: XapiVersion,
    r: &XapiRequest,
) -> ApiResult<HttpResponse> {
    let params = &r.params;
    let languages =
        learnwell_xapi::parse_accept_language(r.header("accept-language").unwrap_or_default());
    if let Some(token) = params.get("more") {
        reject_unknown(params, &["more"])?;
        let page = svc::more_statements(caller, token).await?;
        return answer_page(caller, page, &languages).await;
    }
    reject_unknown(params, &QUERY_PARAMS)?;
    let format = match params.get("format") {
        None => StatementFormat::Exact,
        Some(f) => StatementFormat::parse(f).ok_or_else(|| {
            ApiError::InvalidQuery(FieldError::new("format", "must be exact, ids or canonical"))
        })?,
    };
    let view = StatementView {
        format,
        attachments: flag(params, "attachments")?,
    };
    if let Some((id, voided)) = single(params)? {
        let (statement, stored) = svc::get_statement(caller, id, voided).await?;
        let body = format.apply(&statement, &languages);
        let mut res = answer(caller, &[statement], body, view.attachments).await?;
        last_modified(&mut res, stored);
        return Ok(res);
    }
    let filter = parse_query(params, version)?;
    let page = svc::query_statements(caller, filter, view).await?;
    answer_page(caller, page, &languages).await
}

/// The statement a GET names by `statementId` or `voidedStatementId` (`true`), if it names one;
/// with one of them only `format` and `attachments` may come along.
fn single(params: &HashMap<String, String>) -> ApiResult<Option<(&str, bool)>> {
    let single = match (params.get("statementId"), params.get("voidedStatementId")) {
        (Some(_), Some(_)) => {
            return Err(ApiError::InvalidQuery(FieldError::new(
                "statementId",
                "give statementId or voidedStatementId, not both",
            )))
        }
        (Some(id), None) => (id, false),
        (None, Some(id)) => (id, true),
        (None, None) => return Ok(None),
    };
    if let Some(other) = params.keys().find(|k| {
        !["statementId", "voidedStatementId", "format", "attachments"].contains(&k.as_str())
    }) {
        return Err(ApiError::InvalidQuery(FieldError::new(
            other.clone(),
            "cannot be combined with statementId or voidedStatementId",
        )));
    }
    if !is_uuid(single.0) {
        return Err(ApiError::InvalidQuery(FieldError::new(
            "statementId",
            "must be a UUID",
        )));
    }
    Ok(Some((single.0.as_str(), single.1)))
}

/// The answer to a GET of statements: `body` as JSON, or, when attachments were asked for, a
/// `multipart/mixed` body whose first part is `body` and whose other parts are the raw data of
/// the statements' attachments, one per hash (Communication 1.5.2).
async fn answer(
    caller: &XapiCaller,
    statements: &[Value],
    body: Value,
    attachments: bool,
) -> ApiResult<HttpResponse> {
    if !attachments {
        return Ok(HttpResponse::Ok().json(body));
    }
    let json = serde_json::to_vec(&body)
        .map_err(|e| ApiError::Internal(format!("serialising statements: {e}")))?;
    let mut parts = vec![Part {
        headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
        body: json,
    }];
    for c in svc::attachment_contents(caller, statements).await? {
        parts.push(Part {
            headers: vec![
                ("Content-Type".to_owned(), c.content_type),
                ("Content-Transfer-Encoding".to_owned(), "binary".to_owned()),
                (HASH_HEADER.to_owned(), c.sha2),
            ],
            body: c.content,
        });
    }
    let boundary = format!("xapi{}", uuid::Uuid::new_v4().simple());
    let written = multipart::write(&boundary, &parts)
        .map_err(|e| ApiError::Internal(format!("writing a multipart answer: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type(format!("multipart/mixed; boundary={boundary}"))
        .body(written))
}

/// A page of a query: the statements in the view it was asked in, and the `more` link.
async fn answer_page(
    caller: &XapiCaller,
    page: StatementPage,
    languages: &[String],
) -> ApiResult<HttpResponse> {
    let more = match &page.more {
        Some(token) => format!("/xapi/statements?more={token}"),
        None => String::new(),
    };
    let formatted: Vec<Value> = page
        .statements
        .iter()
        .map(|s| page.view.format.apply(s, languages))
        .collect();
    let body = json!({ "statements": formatted, "more": more });
    let mut res = answer(caller, &page.statements, body, page.view.attachments).await?;
    if let Some(at) = page.last_stored {
        last_modified(&mut res, at);
    }
    consistent_through(&mut res);
    Ok(res)
}
