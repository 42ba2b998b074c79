//! The xAPI protocol adapter: the `/xapi` resources of the Learning Record Store, plain actix
//! routes whose contract is the xAPI specification (1.0.3 and 2.0.0), not this API's conventions.
//! Every request is taken from HTTP or its alternate syntax ([`request`]), checked for its version
//! and credentials, then handed to its resource: [`statements`], [`documents`] (with Activities
//! and Agents) or [`about`]. They call the same services as REST and GraphQL.

mod about;
mod documents;
mod request;
mod statements;

use crate::auth::Authenticator;
use crate::error::{ApiError, ApiResult};
use crate::services::xapi::documents::Write;
use crate::services::xapi::{self as svc, XapiCaller};
use crate::services::Services;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use chrono::{DateTime, Utc};
use learnwell_domain::FieldError;
use learnwell_xapi::{DocumentKind, XapiVersion};
use request::XapiRequest;
use statements::{get_statements, post_statements, put_statement};
use std::collections::HashMap;

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

/// Every `/xapi` route.
pub fn routes(cfg: &mut web::ServiceConfig) {
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
    services: web::Data<Services>,
    auth: web::Data<Authenticator>,
    resource: web::Data<Resource>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let reads_statements = **resource == Resource::Lrs(Guarded::Statements)
        && [Method::GET, Method::HEAD].contains(req.method());
    let mut res = handle(services, auth, **resource, req, payload).await;
    if reads_statements {
        consistent_through(&mut res);
    }
    res
}

async fn handle(
    services: web::Data<Services>,
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
        Resource::About => about::get(),
        Resource::Lrs(guarded) => {
            let (caller, version) = match begin(&services, &auth, &req, &r).await {
                Ok(started) => started,
                Err((e, answer)) => return finish(Err(e), answer),
            };
            let outcome = async {
                if let Some(p) = payload.take() {
                    r.body = read_body(&req, p).await?;
                }
                dispatch(guarded, &caller, version, &r).await
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
    resource: Guarded,
    caller: &XapiCaller,
    version: XapiVersion,
    r: &XapiRequest,
) -> ApiResult<HttpResponse> {
    match (resource, r.method.as_str()) {
        (Guarded::Statements, "PUT") => put_statement(caller, version, r).await,
        (Guarded::Statements, "POST") => post_statements(caller, version, r).await,
        (Guarded::Statements, _) => get_statements(caller, version, r).await,
        (Guarded::Document(kind), "PUT") => {
            documents::write(caller, version, kind, r, Write::Put).await
        }
        (Guarded::Document(kind), "POST") => {
            documents::write(caller, version, kind, r, Write::Post).await
        }
        (Guarded::Document(kind), "DELETE") => documents::delete(caller, version, kind, r).await,
        (Guarded::Document(kind), _) => documents::get(caller, version, kind, r).await,
        (Guarded::Activities, _) => documents::activity(caller, r).await,
        (Guarded::Agents, _) => documents::agent(caller, version, r),
    }
}

/// Check the credentials, then the version of an xAPI request. A refusal comes with the version
/// to answer it in: the request's, or where it names none the caller's default (an LRS client's
/// `default_version`; 1.0.3 for a token), so a 2.0.0 client hears 2.0.0 even then.
async fn begin(
    services: &Services,
    auth: &Authenticator,
    req: &HttpRequest,
    r: &XapiRequest,
) -> Result<(XapiCaller, XapiVersion), (ApiError, XapiVersion)> {
    let named = r.header(XapiVersion::HEADER);
    let address = crate::auth::client_address(req, &services.settings.server.trusted_proxies);
    let caller = svc::authenticate(
        services,
        address,
        r.header("authorization"),
        |t| async move { auth.verify(&t).await },
    )
    .await
    .map_err(|e| (e, answer_version(named)))?;
    let default = caller
        .client
        .as_ref()
        .map_or(XapiVersion::V1_0_3, |c| c.default_version);
    let version = match named {
        None => Err(FieldError::new(
            XapiVersion::HEADER,
            "is required: send X-Experience-API-Version: 1.0.3 or 2.0.0",
        )),
        Some(v) => XapiVersion::parse(v).map_err(|e| FieldError::new(e.path, e.reason)),
    };
    match version {
        Ok(v) => Ok((caller, v)),
        Err(e) => Err((ApiError::InvalidQuery(e), default)),
    }
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

fn reject_unknown(params: &HashMap<String, String>, allowed: &[&str]) -> ApiResult<()> {
    match params.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(ApiError::InvalidQuery(FieldError::new(
            k.clone(),
            "is not a parameter of this resource",
        ))),
        None => Ok(()),
    }
}

fn consistent_through(res: &mut HttpResponse) {
    if let Ok(v) = HeaderValue::from_str(&learnwell_xapi::format_timestamp(Utc::now())) {
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
