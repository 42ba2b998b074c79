//! Storing statements (PUT, POST): all or nothing, checked as the specification asks, with the
//! raw data of their attachments and the signatures among them verified; what may produce
//! learning is queued for the projection in the same transaction.

use super::{outcomes, XapiCaller};
use crate::error::{ApiError, ApiResult, Code};
use chrono::{DateTime, Utc};
use learnwell_domain::access;
use learnwell_domain::xapi::learning_activity;
use learnwell_persistence::xapi::{self as store, NewStatement};
use learnwell_xapi::multipart::Part;
use learnwell_xapi::{
    agent_key, attachment_parts, check_attachments_sent, check_signature, complete_batch,
    declared_hashes, referenced_statement_id, related_activities, related_agents, same_statement,
    signature_attachments, statement_activities, statement_agents, statement_path,
    voided_statement_id, AttachmentContent, SignatureAlgorithm, StatementSignature, XapiVersion,
    VOIDED_VERB,
};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// A statement the specification makes the LRS refuse, with the reason it gives.
fn bad_statement(path: impl Into<String>, reason: impl Into<String>) -> ApiError {
    ApiError::InvalidBody {
        code: Code::InvalidStatement,
        field: path.into(),
        message: reason.into(),
    }
}

/// What a PUT or POST of statements sends.
pub struct StoreStatements<'a> {
    pub version: XapiVersion,
    /// One statement object, or (POST only) an array of them.
    pub body: Value,
    /// The parts of a `multipart/mixed` request, the statements being part 0; empty for
    /// `application/json`.
    pub parts: &'a [Part],
    /// The `statementId` of a PUT.
    pub put_id: Option<&'a str>,
}

/// Store statements (POST of one or a batch, or PUT with `put_id`): all or nothing, with the raw
/// data of their attachments. Returns the ids in the order given. A statement whose id is stored
/// already with the same content is accepted again without a duplicate; with different content
/// the whole batch is a 409.
#[tracing::instrument(skip_all, fields(client_id, statements))]
pub async fn store_statements(
    caller: &XapiCaller,
    cmd: StoreStatements<'_>,
) -> ApiResult<Vec<String>> {
    let span = tracing::Span::current();
    if let Some(client) = &caller.client {
        span.record("client_id", client.id.as_str());
    }
    if !caller.can_write() {
        return Err(ApiError::Forbidden);
    }
    // The time the statements are stored at, taken once the request is read (not when the
    // caller was authenticated), as close to the commit as it can be.
    let now = Utc::now();
    let batch = prepare(
        cmd.body,
        cmd.parts,
        cmd.version,
        cmd.put_id,
        &caller.authority(),
        now,
    )?;
    span.record("statements", batch.ids.len());
    write_batch(caller, &batch, now).await?;
    Ok(batch.ids)
}

/// A batch checked and completed (`learnwell_xapi::complete_batch`), with the raw data of its
/// attachments.
struct Batch {
    statements: Vec<Value>,
    sent: Vec<Value>,
    ids: Vec<String>,
    /// The statements that voiding statements of the batch void.
    targets: Vec<String>,
    attachments: Vec<AttachmentContent>,
}

fn prepare(
    body: Value,
    parts: &[Part],
    version: XapiVersion,
    put_id: Option<&str>,
    authority: &Value,
    now: DateTime<Utc>,
) -> ApiResult<Batch> {
    let completed = complete_batch(body, version, put_id, authority, now, || {
        uuid::Uuid::new_v4().to_string()
    })
    .map_err(|e| bad_statement(e.path, e.reason))?;
    let attachments = attachments(&completed.sent, parts, put_id.is_some())?;
    Ok(Batch {
        statements: completed.statements,
        sent: completed.sent,
        ids: completed.ids,
        targets: completed.targets,
        attachments,
    })
}

/// The raw data of the statements' attachments, checked (Communication 1.5.2): every part matches
/// a declared attachment by its hash, every attachment without `fileUrl` has a part, and every
/// signature whose JWS came along is well formed and, with an `x5c` certificate, verifies.
fn attachments(sent: &[Value], parts: &[Part], single: bool) -> ApiResult<Vec<AttachmentContent>> {
    let contents =
        attachment_parts(parts, &declared_hashes(sent)).map_err(|e| ApiError::InvalidBody {
            code: Code::InvalidAttachment,
            field: e.path,
            message: e.reason,
        })?;
    let received: HashSet<String> = contents.iter().map(|c| c.sha2.clone()).collect();
    for (i, s) in sent.iter().enumerate() {
        check_attachments_sent(s, &received).map_err(|e| ApiError::InvalidBody {
            code: Code::InvalidAttachment,
            field: statement_path(single, i, &e.path),
            message: e.reason,
        })?;
        for (at, sha2) in signature_attachments(s) {
            // A signature sent only by fileUrl cannot be checked: the LRS does not fetch it.
            let Some(jws) = contents.iter().find(|c| c.sha2 == sha2) else {
                continue;
            };
            let invalid = |field: &str, message: String| ApiError::InvalidBody {
                code: Code::InvalidSignature,
                field: statement_path(single, i, field),
                message,
            };
            let signature =
                check_signature(s, at, &jws.content).map_err(|e| invalid(&e.path, e.reason))?;
            if !verifies(&signature) {
                return Err(invalid(
                    &format!("statement.attachments[{at}]"),
                    "the signature does not verify against the first x5c certificate".to_owned(),
                ));
            }
        }
    }
    Ok(contents)
}

/// Does the signature verify against its certificate's key (true without a certificate: then
/// only the structure can be checked)?
fn verifies(signature: &StatementSignature) -> bool {
    let Some(key) = &signature.public_key else {
        return true;
    };
    let algorithm = match signature.algorithm {
        SignatureAlgorithm::Rs256 => jsonwebtoken::Algorithm::RS256,
        SignatureAlgorithm::Rs384 => jsonwebtoken::Algorithm::RS384,
        SignatureAlgorithm::Rs512 => jsonwebtoken::Algorithm::RS512,
    };
    jsonwebtoken::crypto::verify(
        &signature.signature,
        signature.signing_input.as_bytes(),
        &jsonwebtoken::DecodingKey::from_rsa_der(key),
        algorithm,
    )
    .unwrap_or(false)
}

/// What one request stores: the statements as stored and as sent, their ids, the statements
/// they void and the raw data of their attachments.
async fn write_batch(caller: &XapiCaller, batch: &Batch, now: DateTime<Utc>) -> ApiResult<()> {
    // The rows are written out before taking the writer's turn, so that the transaction stays
    // short. What may produce learning is queued for the projection.
    let client = caller.client.as_ref();
    let verbs = outcomes::learning_verbs(client)?;
    let mut prepared = Vec::with_capacity(batch.statements.len());
    for (s, id) in batch.statements.iter().zip(&batch.ids) {
        let mut row = new_statement(s, id, now, client.map(|c| c.id.clone()))?;
        row.queued = row.voids_statement_id.is_some() || learning_activity(s, &verbs).is_some();
        prepared.push(row);
    }
    let mut lookup: Vec<String> = batch.ids.clone();
    lookup.extend(batch.targets.iter().cloned());
    let tx = caller.db.begin().await?;
    // Writers of the same ids take turns, so a statement is compared with what is stored and
    // stored at most once, however many overlapping batches arrive together.
    store::lock_ids(&tx, &lookup).await?;
    let existing: HashMap<String, store::StoredStatement> = store::statements_by_ids(&tx, &lookup)
        .await?
        .into_iter()
        .map(|s| (s.statement_id.clone(), s))
        .collect();
    let mut rows = Vec::new();
    for (row, as_sent) in prepared.into_iter().zip(&batch.sent) {
        if let Some(old) = existing.get(&row.statement_id) {
            let old: Value = serde_json::from_str(&old.statement).map_err(|e| {
                ApiError::Internal(format!(
                    "stored statement {} is not JSON: {e}",
                    row.statement_id
                ))
            })?;
            if same_statement(&old, as_sent) {
                continue;
            }
            return Err(ApiError::Conflict(format!(
                "statement {} is stored already with different content",
                row.statement_id
            )));
        }
        rows.push(row);
    }
    check_voids(caller, &batch.targets, &existing)?;
    if rows.is_empty() && batch.attachments.is_empty() {
        return Ok(());
    }
    let newly_voided: Vec<String> = rows
        .iter()
        .filter_map(|r| r.voids_statement_id.clone())
        .collect();
    store::insert_statements(&tx, &rows).await?;
    store::insert_attachments(&tx, &batch.attachments).await?;
    store::void(&tx, &newly_voided).await?;
    tx.commit().await?;
    caller.projector.wake();
    Ok(())
}

/// May the caller void each stored statement the batch voids? A voiding statement cannot be
/// voided; a statement may be voided only by whoever stored it (the same LRS client or token
/// subject), or by an L&D admin (`domain::access::may_void`). A target not stored at all is
/// accepted (the specification asks the LRS not to refuse it) and voids nothing.
fn check_voids(
    caller: &XapiCaller,
    targets: &[String],
    existing: &HashMap<String, store::StoredStatement>,
) -> ApiResult<()> {
    let mine = agent_key(&caller.authority());
    for t in targets {
        let Some(target) = existing.get(t) else {
            continue;
        };
        if target.verb_id == VOIDED_VERB {
            return Err(bad_statement(
                "object.id",
                format!("statement {t} is a voiding statement, which cannot be voided"),
            ));
        }
        let stored: Value = serde_json::from_str(&target.statement)
            .map_err(|e| ApiError::Internal(format!("stored statement {t} is not JSON: {e}")))?;
        let own = mine.is_some() && agent_key(&stored["authority"]) == mine;
        if !access::may_void(&caller.principal, own) {
            return Err(ApiError::Forbidden);
        }
    }
    Ok(())
}

/// Each key a statement is found by, with "only as a related one" (not actor or object).
fn index_keys(direct: Vec<String>, related: Vec<String>) -> Vec<(String, bool)> {
    let direct: HashSet<String> = direct.into_iter().collect();
    related
        .into_iter()
        .chain(direct.iter().cloned())
        .collect::<HashSet<_>>()
        .into_iter()
        .map(|k| {
            let related_only = !direct.contains(&k);
            (k, related_only)
        })
        .collect()
}

fn new_statement(
    s: &Value,
    id: &str,
    stored: DateTime<Utc>,
    client_id: Option<String>,
) -> ApiResult<NewStatement> {
    let agents = index_keys(statement_agents(s), related_agents(s));
    let activities = index_keys(statement_activities(s), related_activities(s));
    let verb_id = s["verb"]["id"].as_str().unwrap_or_default().to_owned();
    Ok(NewStatement {
        statement_id: id.to_owned(),
        stored,
        voids_statement_id: voided_statement_id(s).map(|t| t.to_ascii_lowercase()),
        ref_statement_id: referenced_statement_id(s),
        verb_id,
        registration: s["context"]["registration"]
            .as_str()
            .map(str::to_ascii_lowercase),
        actor_key: agent_key(&s["actor"]),
        client_id,
        queued: false,
        statement: serde_json::to_string(s)
            .map_err(|e| ApiError::Internal(format!("serialising a statement: {e}")))?,
        agents,
        activities,
    })
}
