//! An `/xapi` request as the handlers see it: the method, the headers, the query parameters and
//! the body, taken from the HTTP request itself or, for the Alternate Request Syntax of xAPI 1.0.3
//! (Communication 1.3), from the form of a `POST ...?method=<METHOD>`.

use crate::error::{ApiError, ApiResult, Code};
use actix_web::http::{header, Method};
use actix_web::web::Bytes;
use actix_web::HttpRequest;
use learnwell_domain::FieldError;
use std::collections::HashMap;

/// The headers the Alternate Request Syntax may carry as form parameters (Communication
/// 1.3.s3.b6), lower case.
const FORM_HEADERS: [&str; 6] = [
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
];

/// The methods the Alternate Request Syntax may name.
const METHODS: [&str; 5] = ["GET", "HEAD", "PUT", "POST", "DELETE"];

pub struct XapiRequest {
    pub method: Method,
    /// By lower-case name; a header sent several times has its values joined with `, `.
    headers: HashMap<String, String>,
    pub params: HashMap<String, String>,
    pub body: Bytes,
    /// Sent with the Alternate Request Syntax.
    pub alternate: bool,
}

fn bad(name: &str, why: impl Into<String>) -> ApiError {
    ApiError::InvalidQuery(FieldError::new(name, why))
}

const VERSION: &str = "x-experience-api-version";

/// A version given as a form parameter: one the LRS speaks, and the header's if there is one.
fn checked_version(headers: &mut HashMap<String, String>, value: String) -> ApiResult<()> {
    let form = learnwell_xapi::XapiVersion::parse(&value).map_err(|e| bad(&e.path, e.reason))?;
    match headers.get(VERSION) {
        None => {
            headers.insert(VERSION.to_owned(), value);
        }
        Some(header) if learnwell_xapi::XapiVersion::parse(header).ok() != Some(form) => {
            return Err(bad(
                learnwell_xapi::XapiVersion::HEADER,
                "the form's version differs from the request's header",
            ))
        }
        Some(_) => {}
    }
    Ok(())
}

fn query(req: &HttpRequest) -> ApiResult<HashMap<String, String>> {
    actix_web::web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .map(actix_web::web::Query::into_inner)
        .map_err(|e| bad("query", e.to_string()))
}

fn headers(req: &HttpRequest) -> HashMap<String, String> {
    let mut headers: HashMap<String, String> = HashMap::new();
    for (name, value) in req.headers() {
        let Ok(value) = value.to_str() else { continue };
        headers
            .entry(name.as_str().to_owned())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(value);
            })
            .or_insert_with(|| value.to_owned());
    }
    headers
}

/// Does the request use the Alternate Request Syntax (a `method` query parameter)?
pub fn is_alternate(req: &HttpRequest) -> ApiResult<bool> {
    Ok(query(req)?.contains_key("method"))
}

impl XapiRequest {
    /// The request as sent; the body is read later, once the caller is known.
    pub fn from_http(req: &HttpRequest) -> ApiResult<Self> {
        Ok(Self {
            method: req.method().clone(),
            headers: headers(req),
            params: query(req)?,
            body: Bytes::new(),
            alternate: false,
        })
    }

    /// A request in the Alternate Request Syntax: a POST whose only query parameter is `method`,
    /// with an `application/x-www-form-urlencoded` body. The form's `content` is the body, the
    /// form parameters named like the headers of Communication 1.3.s3.b6 are headers and the
    /// others are query parameters. `Content-Type` and `Content-Length` are always the form's
    /// (the request's own describe the form); for the others, a header the request also carries
    /// itself keeps that value, except the version: a form's `X-Experience-API-Version` must be a
    /// version the LRS speaks and, beside the header, the same one. Content without a
    /// `Content-Type` is taken as `application/json`.
    pub fn from_form(req: &HttpRequest, form: &[u8]) -> ApiResult<Self> {
        let query = query(req)?;
        if req.method() != Method::POST {
            return Err(bad(
                "method",
                "the alternate request syntax is sent as POST",
            ));
        }
        if let Some(other) = query.keys().find(|k| k.as_str() != "method") {
            return Err(bad(
                other,
                "the alternate request syntax allows no query parameter but method: send it \
                 as a form parameter",
            ));
        }
        let method = query.get("method").map(String::as_str).unwrap_or_default();
        if !METHODS.contains(&method) {
            return Err(bad("method", "must be GET, HEAD, PUT, POST or DELETE"));
        }
        let media = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(learnwell_xapi::multipart::essence)
            .unwrap_or_default();
        if media != "application/x-www-form-urlencoded" {
            return Err(ApiError::InvalidBody {
                code: Code::InvalidAlternateRequest,
                field: "Content-Type".to_owned(),
                message: "the alternate request syntax sends its parameters, headers and \
                          content as an application/x-www-form-urlencoded form"
                    .to_owned(),
            });
        }
        let fields: Vec<(String, String)> =
            actix_web::web::Query::<Vec<(String, String)>>::from_query(
                std::str::from_utf8(form).map_err(|_| ApiError::InvalidBody {
                    code: Code::InvalidAlternateRequest,
                    field: "form".to_owned(),
                    message: "the form is not UTF-8".to_owned(),
                })?,
            )
            .map(actix_web::web::Query::into_inner)
            .map_err(|e| ApiError::InvalidBody {
                code: Code::InvalidAlternateRequest,
                field: "form".to_owned(),
                message: format!("the form does not parse: {e}"),
            })?;
        let mut headers = headers(req);
        headers.remove("content-type");
        headers.remove("content-length");
        let mut params = HashMap::new();
        let mut content: Option<String> = None;
        for (name, value) in fields {
            let lower = name.to_ascii_lowercase();
            if name == "content" {
                content = Some(value);
            } else if lower == VERSION {
                checked_version(&mut headers, value)?;
            } else if FORM_HEADERS.contains(&lower.as_str()) {
                headers.entry(lower).or_insert(value);
            } else {
                params.insert(name, value);
            }
        }
        if content.is_some() {
            headers
                .entry("content-type".to_owned())
                .or_insert_with(|| "application/json".to_owned());
        }
        Ok(Self {
            method: Method::from_bytes(method.as_bytes()).map_err(|_| bad("method", "unknown"))?,
            headers,
            params,
            body: Bytes::from(content.unwrap_or_default()),
            alternate: true,
        })
    }

    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The media type of the body, without parameters, lower case.
    pub fn media_type(&self) -> String {
        learnwell_xapi::multipart::essence(self.header("content-type").unwrap_or_default())
    }
}
