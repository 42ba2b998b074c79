//! The xAPI document resources (State, Activity Profile, Agent Profile): opaque documents an LMS
//! keeps about an activity, an agent or both, with `ETag` concurrency and JSON merge on POST; and
//! the Activities and Agents resources, which describe what the LRS knows.

use super::XapiCaller;
use crate::error::{ApiError, ApiResult, Code};
use crate::services::ensure;
use chrono::{DateTime, Utc};
use learnwell_domain::access::{self, LrsReads};
use learnwell_domain::FieldError;
use learnwell_persistence::xapi as store;
use learnwell_xapi::{
    merge_activity_definitions, put_without_precondition, AgentIfi, Document, DocumentScope,
    MissingPrecondition, XapiVersion,
};
use serde_json::{json, Value};
use sha1::{Digest, Sha1};

/// The conditions a write carries (`If-Match`, `If-None-Match`).
#[derive(Debug, Clone, Default)]
pub struct Preconditions {
    /// ETags (unquoted) or `*`.
    pub if_match: Option<Vec<String>>,
    /// `*` (or ETags).
    pub if_none_match: Option<Vec<String>>,
}

impl Preconditions {
    fn given(&self) -> bool {
        self.if_match.is_some() || self.if_none_match.is_some()
    }

    /// 412 when the stored document does not meet the conditions.
    fn check(&self, current: Option<&Document>) -> ApiResult<()> {
        let matches = |tags: &[String]| {
            current.is_some_and(|d| tags.iter().any(|t| t == "*" || *t == d.etag))
        };
        if let Some(tags) = &self.if_match {
            if !matches(tags) {
                return Err(ApiError::PreconditionFailed);
            }
        }
        if let Some(tags) = &self.if_none_match {
            if matches(tags) {
                return Err(ApiError::PreconditionFailed);
            }
        }
        Ok(())
    }
}

/// PUT replaces a document; POST merges a JSON object into the stored one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    Put,
    Post,
}

fn readable(caller: &XapiCaller) -> ApiResult<()> {
    ensure(access::lrs_reads(&caller.principal) != LrsReads::Nothing)
}

fn writable(caller: &XapiCaller) -> ApiResult<()> {
    ensure(access::can_write_lrs(&caller.principal))
}

/// The ETag of a document's content: its SHA-1 in hex, as the specification suggests.
pub fn etag(content: &[u8]) -> String {
    Sha1::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tracing::instrument(skip_all, fields(kind = ?scope.kind))]
pub async fn get(caller: &XapiCaller, scope: &DocumentScope, id: &str) -> ApiResult<Document> {
    readable(caller)?;
    store::get_document(&caller.db, scope, id)
        .await?
        .ok_or(ApiError::NotFound("document"))
}

#[tracing::instrument(skip_all, fields(kind = ?scope.kind))]
pub async fn list(
    caller: &XapiCaller,
    scope: &DocumentScope,
    since: Option<DateTime<Utc>>,
) -> ApiResult<Vec<String>> {
    readable(caller)?;
    Ok(store::document_ids(&caller.db, scope, since.map(|t| t.timestamp_micros())).await?)
}

fn is_json(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// A document a POST merges: an `application/json` JSON object (Communication 2.2.s8).
fn json_object(bytes: &[u8], media: &str) -> ApiResult<serde_json::Map<String, Value>> {
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(o)) if is_json(media) => Ok(o),
        _ => Err(ApiError::InvalidBody {
            code: Code::NotMergeable,
            field: "document".into(),
            message: "POST merges JSON objects (application/json); this document or the stored \
                      one is not one"
                .into(),
        }),
    }
}

/// A PUT or POST of a document.
pub struct WriteDocument<'a> {
    pub scope: DocumentScope,
    pub id: &'a str,
    pub content_type: &'a str,
    pub content: Vec<u8>,
    pub mode: Write,
    pub conditions: Preconditions,
    pub version: XapiVersion,
}

/// Store a document. Returns its new ETag.
#[tracing::instrument(skip_all, fields(kind = ?cmd.scope.kind, mode = ?cmd.mode))]
pub async fn write(caller: &XapiCaller, cmd: WriteDocument<'_>) -> ApiResult<String> {
    writable(caller)?;
    let tx = caller.db.begin().await?;
    let current = store::get_document(&tx, &cmd.scope, cmd.id).await?;
    cmd.conditions.check(current.as_ref())?;
    if cmd.mode == Write::Put && !cmd.conditions.given() {
        put_without_precondition(cmd.scope.kind, cmd.version, current.is_some()).map_err(
            |missing| match missing {
                MissingPrecondition::Exists => ApiError::Conflict(
                    "this document exists: send If-Match with its ETag (or If-None-Match: *)"
                        .into(),
                ),
                MissingPrecondition::Required => ApiError::InvalidQuery(FieldError::new(
                    "If-None-Match",
                    "xAPI 1.0.3 profile documents are written with a precondition: send \
                     If-None-Match: * to create one (If-Match with its ETag to replace it)",
                )),
            },
        )?;
    }
    let (content_type, content) = new_content(cmd.mode, current, cmd.content_type, cmd.content)?;
    let doc = Document {
        document_id: cmd.id.to_owned(),
        etag: etag(&content),
        content_type,
        content,
        updated_us: Utc::now().timestamp_micros(),
    };
    store::put_document(&tx, &cmd.scope, &doc).await?;
    tx.commit().await?;
    Ok(doc.etag)
}

/// What a write stores: its content (PUT, or a POST of a new document), or the stored JSON
/// object with the sent one merged into it.
fn new_content(
    mode: Write,
    current: Option<Document>,
    content_type: &str,
    content: Vec<u8>,
) -> ApiResult<(String, Vec<u8>)> {
    Ok(match (mode, current) {
        (Write::Put, _) => (content_type.to_owned(), content),
        // A POST for a document not yet stored is a PUT (Communication 2.2.s7): kept as sent,
        // whatever its type, as long as there is one and what says it is JSON is an object.
        (Write::Post, None) => {
            if content.is_empty() {
                return Err(ApiError::InvalidBody {
                    code: Code::EmptyDocument,
                    field: "document".into(),
                    message: "POST needs a document".into(),
                });
            }
            if is_json(content_type) {
                json_object(&content, content_type)?;
            }
            (content_type.to_owned(), content)
        }
        (Write::Post, Some(old)) => {
            // POST merges JSON objects: the request's into the stored document.
            let mut merged = json_object(&old.content, &old.content_type)?;
            merged.extend(json_object(&content, content_type)?);
            let bytes = serde_json::to_vec(&Value::Object(merged))
                .map_err(|e| ApiError::Internal(format!("merging a document: {e}")))?;
            ("application/json".to_owned(), bytes)
        }
    })
}

/// Delete one document, or (State only) every document of the scope.
#[tracing::instrument(skip_all, fields(kind = ?scope.kind, all = id.is_none()))]
pub async fn delete(
    caller: &XapiCaller,
    scope: &DocumentScope,
    id: Option<&str>,
    conditions: &Preconditions,
) -> ApiResult<()> {
    writable(caller)?;
    let tx = caller.db.begin().await?;
    if let Some(id) = id {
        let current = store::get_document(&tx, scope, id).await?;
        conditions.check(current.as_ref())?;
    }
    store::delete_documents(&tx, scope, id).await?;
    tx.commit().await?;
    Ok(())
}

/// How many of the newest statements about an activity the Activities resource reads.
const ACTIVITY_HISTORY: u64 = 200;

/// The Activities resource: the activity with what the statements about it (the newest
/// [`ACTIVITY_HISTORY`]) say of its definition, merged: language maps and extensions key by key,
/// the newest value for everything else (Communication 2.5).
#[tracing::instrument(skip_all)]
pub async fn activity(caller: &XapiCaller, id: &str) -> ApiResult<Value> {
    readable(caller)?;
    let statements: Vec<Value> = store::newest_about_activity(&caller.db, id, ACTIVITY_HISTORY)
        .await?
        .iter()
        .rev()
        .filter_map(|s| serde_json::from_str::<Value>(&s.statement).ok())
        .collect();
    let definition = merge_activity_definitions(
        statements
            .iter()
            .filter_map(|s| s["object"].get("definition")),
    );
    let mut activity = json!({ "objectType": "Activity", "id": id });
    if let Some(d) = definition {
        activity["definition"] = d;
    }
    Ok(activity)
}

/// The Agents resource: the Person object of an agent (what identifies it, and its name).
pub fn person(caller: &XapiCaller, agent: &Value) -> ApiResult<Value> {
    readable(caller)?;
    let ifi = AgentIfi::of(agent)
        .ok_or_else(|| ApiError::InvalidQuery(FieldError::new("agent", "needs an identifier")))?;
    let mut person = json!({ "objectType": "Person" });
    if let Some(name) = agent.get("name") {
        person["name"] = json!([name]);
    }
    let (key, value) = match ifi {
        AgentIfi::Mbox(m) => ("mbox", json!(m)),
        AgentIfi::MboxSha1sum(s) => ("mbox_sha1sum", json!(s)),
        AgentIfi::Openid(o) => ("openid", json!(o)),
        AgentIfi::Account { home_page, name } => {
            ("account", json!({ "homePage": home_page, "name": name }))
        }
    };
    person[key] = json!([value]);
    Ok(person)
}
