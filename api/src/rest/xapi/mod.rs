//! The LRS: LRS clients under `/api/v1` (documented in OpenAPI), and the xAPI resources under
//! `/xapi`, which follow the xAPI specification rather than this API's conventions.

use crate::auth::Authenticator;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult, Code, Problem};
use crate::services::xapi::documents::Write;
use crate::services::xapi::{self as svc, ClientInput, Query, XapiCaller};
use crate::services::{Ctx, Services};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse, ResponseError};
use base64::Engine;
use chrono::{DateTime, Utc};
use learnwell_domain::xapi::LrsClient;
use learnwell_domain::FieldError;
use learnwell_xapi::multipart::{self, Part};
use learnwell_xapi::HASH_HEADER;
use learnwell_xapi::{
    is_iri, is_uuid, parse_timestamp, validate_agent_parameter, DocumentKind, XapiVersion,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_clients)
        .service(create_client)
        .service(revoke_client)
        .service(unmatched_actors)
        .service(reapply_unmatched);
}

/// An actor of statements about learning that matches no employee.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnmatchedActorResource {
    /// `mbox:mailto:…`, `mbox_sha1sum:…`, `openid:…` or `account:<homePage>|<name>`.
    pub actor: String,
    pub statements: i64,
    pub last_stored: Option<DateTime<Utc>>,
}

/// Actors of stored statements about learning that match no employee (`ld_admin`): fix the
/// mapping (the employee's work email, or the client's account home page), then reapply.
#[utoipa::path(tag = "xapi", security(("bearer" = [])),
    responses((status = 200, body = Vec<UnmatchedActorResource>), (status = 403, body = Problem)))]
#[get("/lrs/unmatched-actors")]
async fn unmatched_actors(ctx: Ctx) -> ApiResult<HttpResponse> {
    let actors = svc::projection::unmatched_actors(&ctx).await?;
    Ok(HttpResponse::Ok().json(
        actors
            .into_iter()
            .map(|a| UnmatchedActorResource {
                actor: a.actor_key,
                statements: a.statements,
                last_stored: DateTime::from_timestamp_micros(a.last_stored_us),
            })
            .collect::<Vec<_>>(),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReapplyResult {
    /// Statements that now became learning records.
    pub applied: usize,
}

/// Apply again the unmatched statements whose actors now match an employee (`ld_admin`).
#[utoipa::path(tag = "xapi", security(("bearer" = [])),
    responses((status = 200, body = ReapplyResult), (status = 403, body = Problem)))]
#[post("/lrs/unmatched-actors:reapply")]
async fn reapply_unmatched(ctx: Ctx) -> ApiResult<HttpResponse> {
    let applied = svc::projection::reapply_unmatched(&ctx).await?;
    Ok(HttpResponse::Ok().json(ReapplyResult { applied }))
}

/// An LRS client; `secret` only in the answer that creates it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LrsClientResource {
    pub id: String,
    pub name: String,
    /// The HTTP Basic user name.
    pub key: String,
    /// The HTTP Basic password: shown once, stored only hashed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub scopes: Vec<String>,
    pub account_home_page: Option<String>,
    /// Verb IRIs that mean learning happened for this client, beside the four ADL verbs
    /// (completed, passed, attended, experienced).
    pub learning_verbs: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<&LrsClient> for LrsClientResource {
    fn from(c: &LrsClient) -> Self {
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            key: c.api_key.clone(),
            secret: None,
            scopes: c.scopes.split(' ').map(str::to_owned).collect(),
            account_home_page: c.account_home_page.clone(),
            learning_verbs: c.learning_verbs.clone(),
            created_at: c.created_at,
            revoked_at: c.revoked_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LrsClientInput {
    pub name: String,
    /// Any of `xapi:write`, `xapi:read`, `xapi:read:mine`.
    pub scopes: Vec<String>,
    /// Statements whose actor is an `account` on this home page name an employee by external id.
    pub account_home_page: Option<String>,
    /// Verb IRIs (at most 50) that mean learning happened for this client, beside the four ADL
    /// verbs completed, passed, attended and experienced.
    #[serde(default)]
    pub learning_verbs: Vec<String>,
}

/// LRS clients (`ld_admin`).
#[utoipa::path(tag = "xapi", security(("bearer" = [])),
    responses((status = 200, body = Vec<LrsClientResource>), (status = 403, body = Problem)))]
#[get("/lrs-clients")]
async fn list_clients(ctx: Ctx) -> ApiResult<HttpResponse> {
    let clients = svc::list_clients(&ctx).await?;
    Ok(HttpResponse::Ok().json(
        clients
            .iter()
            .map(LrsClientResource::from)
            .collect::<Vec<_>>(),
    ))
}

/// Create an LRS client (`ld_admin`): the answer holds the secret, once.
#[utoipa::path(tag = "xapi", security(("bearer" = [])), request_body = LrsClientInput,
    responses((status = 201, body = LrsClientResource), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[post("/lrs-clients")]
async fn create_client(ctx: Ctx, body: JsonBody<LrsClientInput>) -> ApiResult<HttpResponse> {
    let input = body.0;
    let issued = svc::create_client(
        &ctx,
        ClientInput {
            name: input.name,
            scopes: input.scopes,
            account_home_page: input.account_home_page,
            learning_verbs: input.learning_verbs,
        },
    )
    .await?;
    let mut resource = LrsClientResource::from(&issued.client);
    resource.secret = Some(issued.secret);
    Ok(HttpResponse::Created().json(resource))
}

/// Revoke an LRS client (`ld_admin`): its credentials stop working at once.
#[utoipa::path(tag = "xapi", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = LrsClientResource), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[post("/lrs-clients/{id}:revoke")]
async fn revoke_client(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let client = svc::revoke_client(&ctx, &id).await?;
    Ok(HttpResponse::Ok().json(LrsClientResource::from(&client)))
}

/// The `/xapi` resources (plain actix routes: the xAPI specification is their contract).
mod documents;
mod request;

use request::XapiRequest;

/// Which `/xapi` resource a request is for: About, open to all, or one that needs credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resource {
    About,
    Lrs(Guarded),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Guarded {
    Statements,
    Document(DocumentKind),
    Activities,
    Agents,
}

impl Resource {
    /// The methods the resource answers (`Allow`).
    fn allowed(self) -> &'static str {
        match self {
            Self::About | Self::Lrs(Guarded::Activities | Guarded::Agents) => "GET, HEAD",
            Self::Lrs(Guarded::Statements) => "GET, HEAD, PUT, POST",
            Self::Lrs(Guarded::Document(_)) => "GET, HEAD, PUT, POST, DELETE",
        }
    }

    fn allows(self, method: &Method) -> bool {
        self.allowed().split(", ").any(|m| m == method.as_str())
    }
}

pub fn lrs(cfg: &mut web::ServiceConfig) {
    let mut scope = web::scope("/xapi");
    for (path, resource) in [
        ("/about", Resource::About),
        ("/statements", Resource::Lrs(Guarded::Statements)),
        (
            "/activities/state",
            Resource::Lrs(Guarded::Document(DocumentKind::State)),
        ),
        (
            "/activities/profile",
            Resource::Lrs(Guarded::Document(DocumentKind::ActivityProfile)),
        ),
        (
            "/agents/profile",
            Resource::Lrs(Guarded::Document(DocumentKind::AgentProfile)),
        ),
        ("/activities", Resource::Lrs(Guarded::Activities)),
        ("/agents", Resource::Lrs(Guarded::Agents)),
    ] {
        scope = scope.service(
            web::resource(path)
                .app_data(web::Data::new(resource))
                .route(web::route().to(entry)),
        );
    }
    cfg.service(scope);
}

/// The most an xAPI request body may hold.
const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// The request body, refused with 413 past [`BODY_LIMIT`].
async fn read_body(req: &HttpRequest, payload: web::Payload) -> ApiResult<web::Bytes> {
    crate::body::read(req, &mut payload.into_inner(), BODY_LIMIT).await
}

/// An answer with the xAPI version header.
fn versioned(mut res: HttpResponse, version: XapiVersion) -> HttpResponse {
    res.headers_mut().insert(
        header::HeaderName::from_static("x-experience-api-version"),
        HeaderValue::from_static(version.as_header()),
    );
    res
}

/// The version a request says it follows, if it names one this LRS knows: the version of the
/// answer, 1.0.3 otherwise.
fn answer_version(header: Option<&str>) -> XapiVersion {
    header
        .and_then(|v| XapiVersion::parse(v).ok())
        .unwrap_or(XapiVersion::V1_0_3)
}

/// Every `/xapi` request: taken from the HTTP request or its alternate syntax, checked for its
/// version and credentials, then handed to the resource's handler for its method. Every answer
/// to a GET (or HEAD) of statements, refusals included, says how far the LRS is consistent
/// (`X-Experience-API-Consistent-Through`, Communication 2.1.3).
async fn entry(
    svc: web::Data<Services>,
    auth: web::Data<Authenticator>,
    resource: web::Data<Resource>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let reads_statements = **resource == Resource::Lrs(Guarded::Statements)
        && [Method::GET, Method::HEAD].contains(req.method());
    let mut res = handle(svc, auth, **resource, req, payload).await;
    if reads_statements {
        consistent_through(&mut res);
    }
    res
}

async fn handle(
    svc: web::Data<Services>,
    auth: web::Data<Authenticator>,
    resource: Resource,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let mut payload = Some(payload);
    let built = async {
        if request::is_alternate(&req)? {
            let form = match payload.take() {
                Some(p) => read_body(&req, p).await?,
                None => web::Bytes::new(),
            };
            XapiRequest::from_form(&req, &form)
        } else {
            XapiRequest::from_http(&req)
        }
    }
    .await;
    let mut r = match built {
        Ok(r) => r,
        Err(e) => {
            let version = req
                .headers()
                .get(XapiVersion::HEADER)
                .and_then(|v| v.to_str().ok());
            return finish(Err(e), answer_version(version));
        }
    };
    let version = answer_version(r.header(XapiVersion::HEADER));
    if !resource.allows(&r.method) {
        return finish(
            Err(ApiError::MethodNotAllowed {
                allowed: resource.allowed(),
            }),
            version,
        );
    }
    if r.alternate && version == XapiVersion::V2_0_0 {
        return finish(
            Err(ApiError::InvalidQuery(FieldError::new(
                "method",
                "xAPI 2.0 removed the alternate request syntax: send the request with its own \
                 method, headers and body",
            ))),
            version,
        );
    }
    let head = r.method == Method::HEAD;
    let res = match resource {
        Resource::About => versioned(HttpResponse::Ok().json(svc::about()), XapiVersion::V1_0_3),
        Resource::Lrs(guarded) => {
            let (caller, version) = match begin(&svc, &auth, &r).await {
                Ok(started) => started,
                Err(e) => return finish(Err(e), version),
            };
            let outcome = async {
                if let Some(p) = payload.take() {
                    r.body = read_body(&req, p).await?;
                }
                dispatch(&svc, guarded, &caller, version, &r).await
            }
            .await;
            finish(outcome, version)
        }
    };
    if r.alternate && head {
        // A HEAD sent as a POST: actix would send the body of the POST.
        let (res, _) = res.into_parts();
        return res.set_body(actix_web::body::BoxBody::new(()));
    }
    res
}

async fn dispatch(
    svc: &Services,
    resource: Guarded,
    caller: &XapiCaller,
    version: XapiVersion,
    r: &XapiRequest,
) -> ApiResult<HttpResponse> {
    match (resource, r.method.as_str()) {
        (Guarded::Statements, "PUT") => put_statement(svc, caller, version, r).await,
        (Guarded::Statements, "POST") => post_statements(svc, caller, version, r).await,
        (Guarded::Statements, _) => get_statements(svc, caller, version, r).await,
        (Guarded::Document(kind), "PUT") => {
            documents::write(svc, caller, version, kind, r, Write::Put).await
        }
        (Guarded::Document(kind), "POST") => {
            documents::write(svc, caller, version, kind, r, Write::Post).await
        }
        (Guarded::Document(kind), "DELETE") => {
            documents::delete(svc, caller, version, kind, r).await
        }
        (Guarded::Document(kind), _) => documents::get(svc, caller, version, kind, r).await,
        (Guarded::Activities, _) => documents::activity(svc, caller, r).await,
        (Guarded::Agents, _) => documents::agent(caller, version, r),
    }
}

/// Check the version and the credentials of an xAPI request.
async fn begin(
    svc: &Services,
    auth: &Authenticator,
    r: &XapiRequest,
) -> ApiResult<(XapiCaller, XapiVersion)> {
    let version = match r.header(XapiVersion::HEADER) {
        None => {
            return Err(ApiError::InvalidQuery(FieldError::new(
                XapiVersion::HEADER,
                "is required: send X-Experience-API-Version: 1.0.3 or 2.0.0",
            )))
        }
        Some(v) => XapiVersion::parse(v)
            .map_err(|e| ApiError::InvalidQuery(FieldError::new(e.path, e.reason)))?,
    };
    let caller = svc::authenticate(svc, r.header("authorization"), |t| auth.verify(t)).await?;
    Ok((caller, version))
}

/// The answer of an xAPI request, with the version header; 401 asks for Basic credentials.
fn finish(outcome: ApiResult<HttpResponse>, version: XapiVersion) -> HttpResponse {
    let res = match outcome {
        Ok(res) => res,
        Err(e) => {
            let mut res = e.error_response();
            if e.status() == StatusCode::UNAUTHORIZED {
                res.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"xapi\""),
                );
            }
            res
        }
    };
    versioned(res, version)
}

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

fn reject_unknown(params: &HashMap<String, String>, allowed: &[&str]) -> ApiResult<()> {
    match params.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(ApiError::InvalidQuery(FieldError::new(
            k.clone(),
            "is not a parameter of this resource",
        ))),
        None => Ok(()),
    }
}

async fn put_statement(
    svc: &Services,
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
    svc::store_statements(svc, caller, version, statement, &parts, Some(id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn post_statements(
    svc: &Services,
    caller: &XapiCaller,
    version: XapiVersion,
    r: &XapiRequest,
) -> ApiResult<HttpResponse> {
    reject_unknown(&r.params, &[])?;
    let (statements, parts) = statement_body(r)?;
    let ids = svc::store_statements(svc, caller, version, statements, &parts, None).await?;
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

fn parse_query(params: &HashMap<String, String>, version: XapiVersion) -> ApiResult<Query> {
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
    Ok(Query {
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
        ..Query::default()
    })
}

/// The view a GET asked for.
fn formatted(statement: Value, format: &str, languages: &[String]) -> Value {
    let statement = learnwell_xapi::with_context_activity_arrays(&statement);
    match format {
        "ids" => learnwell_xapi::format_ids(&statement),
        "canonical" => learnwell_xapi::format_canonical(&statement, languages),
        _ => statement,
    }
}

fn consistent_through(res: &mut HttpResponse) {
    if let Ok(v) = HeaderValue::from_str(&svc::timestamp(Utc::now())) {
        res.headers_mut().insert(
            header::HeaderName::from_static("x-experience-api-consistent-through"),
            v,
        );
    }
}

fn last_modified(res: &mut HttpResponse, at: DateTime<Utc>) {
    if let Ok(v) = HeaderValue::from_str(&at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()) {
        res.headers_mut().insert(header::LAST_MODIFIED, v);
    }
}

async fn get_statements(
    svc: &Services,
    caller: &XapiCaller,
    version: XapiVersion,
    r: &XapiRequest,
) -> ApiResult<HttpResponse> {
    let params = &r.params;
    let languages =
        learnwell_xapi::parse_accept_language(r.header("accept-language").unwrap_or_default());
    if let Some(token) = params.get("more") {
        reject_unknown(params, &["more"])?;
        let more = decode_more(token)?;
        let view = View {
            format: &more.format,
            attachments: more.attachments,
            languages: &languages,
        };
        return page(svc, caller, more.query, &view).await;
    }
    reject_unknown(params, &QUERY_PARAMS)?;
    let format = params.get("format").map_or("exact", String::as_str);
    if !["exact", "ids", "canonical"].contains(&format) {
        return Err(ApiError::InvalidQuery(FieldError::new(
            "format",
            "must be exact, ids or canonical",
        )));
    }
    let view = View {
        format,
        attachments: flag(params, "attachments")?,
        languages: &languages,
    };
    let single = match (params.get("statementId"), params.get("voidedStatementId")) {
        (Some(_), Some(_)) => {
            return Err(ApiError::InvalidQuery(FieldError::new(
                "statementId",
                "give statementId or voidedStatementId, not both",
            )))
        }
        (Some(id), None) => Some((id, false)),
        (None, Some(id)) => Some((id, true)),
        (None, None) => None,
    };
    if let Some((id, voided)) = single {
        if let Some(other) = params.keys().find(|k| {
            !["statementId", "voidedStatementId", "format", "attachments"].contains(&k.as_str())
        }) {
            return Err(ApiError::InvalidQuery(FieldError::new(
                other.clone(),
                "cannot be combined with statementId or voidedStatementId",
            )));
        }
        if !is_uuid(id) {
            return Err(ApiError::InvalidQuery(FieldError::new(
                "statementId",
                "must be a UUID",
            )));
        }
        let (statement, stored) = svc::get_statement(svc, caller, id, voided).await?;
        let statements = [statement];
        let body = formatted(statements[0].clone(), format, &languages);
        let mut res = answer(svc, &statements, body, view.attachments).await?;
        last_modified(&mut res, stored);
        return Ok(res);
    }
    let q = parse_query(params, version)?;
    page(svc, caller, q, &view).await
}

/// How a GET wants its statements: the format, with or without attachment contents, and the
/// languages for the canonical format.
struct View<'a> {
    format: &'a str,
    attachments: bool,
    languages: &'a [String],
}

/// The answer to a GET of statements: `body` as JSON, or, when attachments were asked for, a
/// `multipart/mixed` body whose first part is `body` and whose other parts are the raw data of
/// the statements' attachments, one per hash (Communication 1.5.2).
async fn answer(
    svc: &Services,
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
    for c in svc::attachment_contents(svc, statements).await? {
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

async fn page(
    svc: &Services,
    caller: &XapiCaller,
    q: Query,
    view: &View<'_>,
) -> ApiResult<HttpResponse> {
    let page = svc::query_statements(svc, caller, q).await?;
    let more = match &page.more {
        Some(q) => format!("/xapi/statements?more={}", encode_more(q, view)?),
        None => String::new(),
    };
    let formatted_statements: Vec<Value> = page
        .statements
        .iter()
        .map(|s| formatted(s.clone(), view.format, view.languages))
        .collect();
    let body = json!({ "statements": formatted_statements, "more": more });
    let mut res = answer(svc, &page.statements, body, view.attachments).await?;
    if let Some(at) = page.last_stored {
        last_modified(&mut res, at);
    }
    consistent_through(&mut res);
    Ok(res)
}

/// What a `more` link continues: the query and the view it was asked with.
#[derive(Serialize, Deserialize)]
struct More {
    query: Query,
    format: String,
    #[serde(default)]
    attachments: bool,
}

fn encode_more(q: &Query, view: &View<'_>) -> ApiResult<String> {
    let more = More {
        query: q.clone(),
        format: view.format.to_owned(),
        attachments: view.attachments,
    };
    let text = serde_json::to_vec(&more)
        .map_err(|e| ApiError::Internal(format!("encoding a more link: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text))
}

fn decode_more(token: &str) -> ApiResult<More> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| {
            ApiError::InvalidQuery(FieldError::new("more", "is not a link this LRS gave"))
        })
}
