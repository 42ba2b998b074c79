//! Request bodies and query strings with precise errors: 413 past the size limit, 415 for a wrong
//! media type, 400 with the field path for malformed JSON, unknown fields, wrong types, bad dates.

use crate::error::{ApiError, Code};
use crate::services::Services;
use actix_web::{dev::Payload, http::header, web::Data, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// A JSON body (up to the ordinary limit), parsed into `T`.
pub struct JsonBody<T>(pub T);

/// A body of a bulk endpoint (up to the bulk limit): JSON, or CSV with a header row for the
/// bodies that take it; with a fingerprint of the whole request for `Idempotency-Key`.
pub struct Bulk<B> {
    pub body: B,
    pub fingerprint: String,
}

/// What a bulk endpoint accepts.
pub trait BulkBody: DeserializeOwned + Sized + 'static {
    /// The media types, for the 415 answer.
    const ACCEPTS: &'static str = "application/json";
    /// The body from CSV rows (`text/csv`); `None` when the endpoint takes JSON only.
    fn from_csv(_bytes: &[u8]) -> Option<Result<Self, ApiError>> {
        None
    }
}

fn media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

pub(crate) async fn read(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> Result<actix_web::web::Bytes, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut body = actix_web::web::BytesMut::with_capacity(declared.unwrap_or(1024).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::MalformedJson(format!("the body could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Parse JSON into `T`, reporting the failing field path and what was wrong.
/// Anything but whitespace after the JSON value (`{...}garbage`) is `malformed_json`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = parse_value(de)?;
    de.end()
        .map_err(|e| ApiError::MalformedJson(e.to_string()))?;
    Ok(value)
}

fn parse_value<'de, T: DeserializeOwned>(
    de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::MalformedJson(inner.to_string());
        }
        let message = inner.to_string();
        // serde_json appends " at line L column C"; the path says where, more usefully.
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        let code = if message.starts_with("unknown field") {
            Code::UnknownField
        } else if message.starts_with("missing field") {
            Code::MissingField
        } else if message.starts_with("invalid type") {
            Code::InvalidType
        } else {
            Code::InvalidValue
        };
        let field = if path == "." { String::new() } else { path };
        ApiError::InvalidBody {
            code,
            field,
            message,
        }
    })
}

fn services(req: &HttpRequest) -> Result<&Data<Services>, ApiError> {
    req.app_data::<Data<Services>>()
        .ok_or_else(|| ApiError::Internal("app data missing".into()))
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json(&media_type(&req)) {
                return Err(ApiError::UnsupportedMediaType("application/json"));
            }
            let limit = services(&req)?.settings.server.json_limit_bytes;
            let bytes = read(&req, &mut payload, limit).await?;
            parse_json(&bytes).map(JsonBody)
        })
    }
}

impl<B: BulkBody> FromRequest for Bulk<B> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let media = media_type(&req);
            let limit = services(&req)?.settings.server.bulk_limit_bytes;
            let bytes = read(&req, &mut payload, limit).await?;
            let body = if is_json(&media) {
                parse_json(&bytes)?
            } else if media == "text/csv" {
                B::from_csv(&bytes).ok_or(ApiError::UnsupportedMediaType(B::ACCEPTS))??
            } else {
                return Err(ApiError::UnsupportedMediaType(B::ACCEPTS));
            };
            let fingerprint = crate::idempotency::fingerprint(&[
                req.method().as_str().as_bytes(),
                req.path().as_bytes(),
                req.query_string().as_bytes(),
                media.as_bytes(),
                &bytes,
            ]);
            Ok(Bulk { body, fingerprint })
        })
    }
}

/// Map actix's query-string errors to our table (used as the QueryConfig error handler).
pub fn query_error(err: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    let message = err.to_string();
    let message = message
        .trim_start_matches("Query deserialize error: ")
        .to_owned();
    let field = message
        .split('`')
        .nth(1)
        .filter(|_| message.contains("field"))
        .unwrap_or("query")
        .to_owned();
    ApiError::InvalidQuery(learnwell_domain::FieldError::new(field, message)).into()
}

/// Map actix's path errors (e.g. an id that is not a UUID) to 404: such a record cannot exist.
pub fn path_error(_: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound("resource").into()
}

/// How a CSV file is read (docs/OPERATIONS.md, "CSV"): RFC 4180 quoting, UTF-8 (a leading byte
/// order mark is skipped), a header row whose names are matched to fields case-insensitively and
/// trimmed, cells trimmed, an empty cell an absent value.
#[derive(Debug, Clone, Default)]
pub struct CsvDialect {
    /// The separator; `None`: the one of `,` `;` tab the header row holds most of (`,` on a tie).
    pub delimiter: Option<u8>,
    /// Field -> the header that holds it in this file (matched case-insensitively).
    pub columns: Vec<(&'static str, String)>,
    /// Skip columns that name no field (otherwise they are refused, as unknown JSON fields are).
    pub ignore_other_columns: bool,
}

impl CsvDialect {
    /// The separator of `bytes`: the configured one, or the one its header row holds most of.
    fn delimiter_of(&self, bytes: &[u8]) -> u8 {
        self.delimiter.unwrap_or_else(|| {
            let header = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
            let count = |d: u8| header.iter().filter(|b| **b == d).count();
            [b',', b';', b'\t']
                .into_iter()
                .max_by_key(|d| (count(*d), *d == b','))
                .unwrap_or(b',')
        })
    }

    /// The field a header names: a mapped column, else the header itself (lower-cased).
    fn field_of(&self, header: &str) -> String {
        let header = header.trim();
        self.columns
            .iter()
            .find(|(_, name)| name.trim().eq_ignore_ascii_case(header))
            .map_or_else(|| header.to_lowercase(), |(field, _)| (*field).to_owned())
    }
}

fn csv_error(field: String, message: String) -> ApiError {
    ApiError::InvalidBody {
        code: Code::InvalidCsv,
        field,
        message,
    }
}

/// CSV rows with a header row naming the fields of `T` (the default dialect).
pub fn parse_csv<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<Vec<T>, ApiError> {
    parse_csv_with(bytes, &CsvDialect::default(), &[])
}

/// CSV rows in `dialect` whose headers name the fields of `T` (`fields`: every field `T` has, for
/// `ignore_other_columns`). A row that does not parse is a 400 `invalid_csv` naming it
/// (`records[i]`, row i + 2 of the file); a mapping to a header the file lacks is a 400
/// `invalid_csv` naming the header row.
pub fn parse_csv_with<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    dialect: &CsvDialect,
    fields: &[&str],
) -> Result<Vec<T>, ApiError> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(dialect.delimiter_of(bytes))
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header_error = |message: String| csv_error("header".into(), message);
    let headers = reader
        .headers()
        .map_err(|e| header_error(format!("the header row of the CSV: {e}")))?
        .clone();
    for (field, name) in &dialect.columns {
        if !headers
            .iter()
            .any(|h| h.trim().eq_ignore_ascii_case(name.trim()))
        {
            return Err(header_error(format!(
                "the CSV has no column {name:?} (mapped to {field})"
            )));
        }
    }
    let named: Vec<String> = headers.iter().map(|h| dialect.field_of(h)).collect();
    let keep: Vec<bool> = named
        .iter()
        .map(|n| !dialect.ignore_other_columns || fields.contains(&n.as_str()))
        .collect();
    let renamed: csv::StringRecord = named
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(n, _)| n.as_str())
        .collect();
    reader
        .records()
        .enumerate()
        .map(|(i, row)| {
            let bad = |e: &dyn std::fmt::Display| {
                csv_error(
                    format!("records[{i}]"),
                    format!("row {} of the CSV: {e}", i + 2),
                )
            };
            let row = row.map_err(|e| bad(&e))?;
            let kept: csv::StringRecord = row
                .iter()
                .zip(keep.iter().chain(std::iter::repeat(&true)))
                .filter(|(_, k)| **k)
                .map(|(v, _)| v)
                .collect();
            kept.deserialize::<T>(Some(&renamed)).map_err(|e| bad(&e))
        })
        .collect()
}

/// For PATCH bodies: `absent` -> None, `null` -> Some(None), value -> Some(Some(v)).
pub fn nullable<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(de).map(Some)
}
