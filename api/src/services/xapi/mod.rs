//! The xAPI Learning Record Store: LRS clients (credentials for LMSs), authentication of `/xapi`
//! requests, and the Statement resource (store, void, fetch, query).

pub mod documents;
pub mod projection;

use super::{audit, ensure, Ctx};
use crate::error::{ApiError, ApiResult, Code};
use crate::services::Services;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use learnwell_domain::access::{self, Principal, Scope};
use learnwell_domain::xapi::{learning_activity, LearningVerbs, LrsClient};
use learnwell_domain::FieldError;
use learnwell_persistence::audit::append;
use learnwell_persistence::xapi::{self as store, NewStatement};
use learnwell_xapi::multipart::Part;
use learnwell_xapi::{
    agent_key, attachment_parts, check_attachments_sent, check_signature, declared_hashes,
    referenced_statement_id, related_activities, related_agents, same_statement,
    signature_attachments, statement_activities, statement_agents, statement_hashes,
    validate_statement, voided_statement_id, without_null_timestamp, AttachmentContent,
    SignatureAlgorithm, StatementSignature, XapiVersion, VOIDED_VERB,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// The `homePage` of the accounts that name LRS clients and token subjects as authorities.
pub const AUTHORITY_HOME_PAGE: &str = "urn:learnwell:lrs";

/// Scopes an LRS client may hold.
const CLIENT_SCOPES: [Scope; 3] = [Scope::XapiWrite, Scope::XapiRead, Scope::XapiReadMine];

/// Verified client secrets, so that only the first request of a client pays for argon2: the
/// SHA-256 of the secret that verified, by API key. Revoking a client clears its entry.
#[derive(Default)]
pub struct CredentialCache(Mutex<HashMap<String, [u8; 32]>>);

impl CredentialCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, [u8; 32]>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A new client's credentials: the secret appears here once and is stored only hashed.
#[derive(Debug, Clone)]
pub struct IssuedClient {
    pub client: LrsClient,
    pub secret: String,
}

/// What an `ld_admin` gives to create an LRS client.
#[derive(Debug, Clone)]
pub struct ClientInput {
    pub name: String,
    pub scopes: Vec<String>,
    pub account_home_page: Option<String>,
    /// Verb IRIs that mean learning happened for this client, beside the four ADL verbs.
    pub learning_verbs: Vec<String>,
}

fn random_token(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

pub async fn create_client(ctx: &Ctx, input: ClientInput) -> ApiResult<IssuedClient> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    let mut errors = Vec::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(FieldError::new("name", "must be 1 to 200 characters"));
    }
    let mut scopes: Vec<Scope> = Vec::new();
    for s in &input.scopes {
        match Scope::parse(s).filter(|s| CLIENT_SCOPES.contains(s)) {
            Some(scope) if !scopes.contains(&scope) => scopes.push(scope),
            Some(_) => {}
            None => errors.push(FieldError::new(
                "scopes",
                format!("unknown scope {s:?}; use xapi:write, xapi:read or xapi:read:mine"),
            )),
        }
    }
    if input.scopes.is_empty() {
        errors.push(FieldError::new("scopes", "give at least one scope"));
    }
    let home_page = input.account_home_page.map(|h| h.trim().to_owned());
    if home_page
        .as_deref()
        .is_some_and(|h| !learnwell_xapi::is_iri(h))
    {
        errors.push(FieldError::new(
            "account_home_page",
            "must be an absolute IRL such as https://lms.example.com",
        ));
    }
    let learning_verbs = LearningVerbs::parse(&input.learning_verbs)
        .map_err(|e| errors.push(e.into()))
        .ok();
    let (Some(learning_verbs), true) = (learning_verbs, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let secret = random_token(32);
    let secret_hash = Argon2::default()
        .hash_password(secret.as_bytes(), &SaltString::generate(&mut OsRng))
        .map_err(|e| ApiError::Internal(format!("hashing a client secret: {e}")))?
        .to_string();
    let client = LrsClient {
        id: uuid::Uuid::now_v7().to_string(),
        name,
        api_key: random_token(18),
        secret_hash,
        scopes: scopes
            .iter()
            .map(|s| s.code())
            .collect::<Vec<_>>()
            .join(" "),
        account_home_page: home_page,
        learning_verbs: learning_verbs.own().to_vec(),
        created_by: ctx.principal.subject.clone(),
        created_at: ctx.now,
        revoked_at: None,
    };
    let tx = ctx.db.begin().await?;
    store::insert_client(&tx, &client).await?;
    append(
        &tx,
        &[audit::event(
            ctx,
            "lrs_client.create",
            "lrs_client",
            &client.id,
        )],
    )
    .await?;
    tx.commit().await?;
    Ok(IssuedClient { client, secret })
}

pub async fn list_clients(ctx: &Ctx) -> ApiResult<Vec<LrsClient>> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    Ok(store::list_clients(&ctx.db).await?)
}

pub async fn revoke_client(ctx: &Ctx, id: &str) -> ApiResult<LrsClient> {
    ensure(access::is_learning_admin(&ctx.principal))?;
    let client = store::get_client(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("LRS client"))?;
    if client.revoked_at.is_none() {
        let tx = ctx.db.begin().await?;
        store::revoke_client(&tx, id, ctx.now).await?;
        append(
            &tx,
            &[audit::event(ctx, "lrs_client.revoke", "lrs_client", id)],
        )
        .await?;
        tx.commit().await?;
        ctx.lrs_credentials.lock().remove(&client.api_key);
    }
    store::get_client(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("LRS client"))
}

/// The caller of an `/xapi` request: an LRS client (HTTP Basic) or a token with xAPI scopes.
#[derive(Debug, Clone)]
pub struct XapiCaller {
    pub principal: Principal,
    pub client: Option<LrsClient>,
}

impl XapiCaller {
    /// The agent the LRS records as `authority` of what this caller stores.
    pub fn authority(&self) -> Value {
        let (name, account) = match &self.client {
            Some(c) => (c.name.as_str(), format!("client:{}", c.api_key)),
            None => (
                self.principal.subject.as_str(),
                format!("token:{}", self.principal.subject),
            ),
        };
        json!({
            "objectType": "Agent",
            "name": name,
            "account": { "homePage": AUTHORITY_HOME_PAGE, "name": account }
        })
    }

    fn can_write(&self) -> bool {
        self.principal.has_scope(Scope::XapiWrite)
    }

    /// `None`: reads everything; `Some(key)`: only what this caller stored (`xapi:read:mine`).
    fn read_filter(&self) -> ApiResult<Option<String>> {
        if self.principal.has_scope(Scope::XapiRead) {
            Ok(None)
        } else if self.principal.has_scope(Scope::XapiReadMine) {
            Ok(agent_key(&self.authority()))
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// Authenticate an `/xapi` request from its `Authorization` header: an LRS client's Basic
/// credentials, or a bearer token that `verify_bearer` checks.
pub async fn authenticate(
    svc: &Services,
    authorization: Option<&str>,
    verify_bearer: impl FnOnce(&str) -> ApiResult<Principal>,
) -> ApiResult<XapiCaller> {
    let header = authorization.ok_or_else(|| {
        ApiError::Unauthenticated("send HTTP Basic credentials of an LRS client".into())
    })?;
    if let Some(encoded) = header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))
    {
        let bad = || ApiError::Unauthenticated("unknown or revoked LRS client credentials".into());
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| bad())?;
        let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
        let (key, secret) = decoded.split_once(':').ok_or_else(bad)?;
        let client = store::client_by_key(&svc.db, key)
            .await?
            .filter(|c| c.revoked_at.is_none())
            .ok_or_else(bad)?;
        let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        let cached = svc.lrs_credentials.lock().get(key) == Some(&digest);
        if !cached {
            let hash = PasswordHash::new(&client.secret_hash)
                .map_err(|e| ApiError::Internal(format!("stored client hash: {e}")))?;
            Argon2::default()
                .verify_password(secret.as_bytes(), &hash)
                .map_err(|_| bad())?;
            svc.lrs_credentials.lock().insert(key.to_owned(), digest);
        }
        let principal = Principal {
            subject: format!("lrs-client:{}", client.id),
            roles: Default::default(),
            scopes: client.scopes.split(' ').filter_map(Scope::parse).collect(),
            employee_id: None,
        };
        svc.rate_limit(&principal.subject).await?;
        return Ok(XapiCaller {
            principal,
            client: Some(client),
        });
    }
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .ok_or_else(|| ApiError::Unauthenticated("use the Basic or Bearer scheme".into()))?;
    let principal = verify_bearer(token.trim())?;
    svc.rate_limit(&principal.subject).await?;
    if !CLIENT_SCOPES.iter().any(|s| principal.has_scope(*s)) {
        return Err(ApiError::Forbidden);
    }
    Ok(XapiCaller {
        principal,
        client: None,
    })
}

/// A statement the specification makes the LRS refuse, with the reason it gives.
fn bad_statement(path: impl Into<String>, reason: impl Into<String>) -> ApiError {
    ApiError::InvalidBody {
        code: Code::InvalidStatement,
        field: path.into(),
        message: reason.into(),
    }
}

/// The LRS's timestamp format: RFC 3339 in UTC with microseconds.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Store statements (POST of one or a batch, or PUT with `put_id`): all or nothing, with the raw
/// data of their attachments (`parts`: the parts of a `multipart/mixed` request, the statements
/// being part 0; empty for `application/json`). Returns the ids in the order given. A statement
/// whose id is stored already with the same content is accepted again without a duplicate; with
/// different content the whole batch is a 409.
pub async fn store_statements(
    svc: &Services,
    caller: &XapiCaller,
    version: XapiVersion,
    body: Value,
    parts: &[Part],
    put_id: Option<&str>,
) -> ApiResult<Vec<String>> {
    if !caller.can_write() {
        return Err(ApiError::Forbidden);
    }
    let now = Utc::now();
    let batch = prepare(body, parts, version, put_id, &caller.authority(), now)?;
    write_batch(svc, caller, &batch, now).await?;
    Ok(batch.ids)
}

/// A batch checked, its statements completed as stored (id, `stored`, `timestamp`, `authority`,
/// `version`), and what the client sent, which a re-submission is compared with.
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
    let mut statements = match (body, put_id) {
        (Value::Array(items), None) => items,
        (Value::Object(o), _) => vec![Value::Object(o)],
        (_, Some(_)) => return Err(bad_statement("statement", "PUT takes one statement object")),
        (_, None) => {
            return Err(bad_statement(
                "statement",
                "send a statement object or an array of statements",
            ))
        }
    };
    if statements.is_empty() {
        return Err(bad_statement("statements", "the batch is empty"));
    }
    for s in &mut statements {
        without_null_timestamp(s, version);
    }
    let sent = statements.clone();
    let stored = timestamp(now);
    let mut ids = Vec::with_capacity(statements.len());
    for (i, s) in statements.iter_mut().enumerate() {
        let path = |p: &str| statement_path(put_id.is_some(), i, p);
        validate_statement(s, version)
            .map_err(|e| bad_statement(path(&e.path), e.reason.clone()))?;
        let o = s
            .as_object_mut()
            .ok_or_else(|| bad_statement(path("statement"), "must be an object"))?;
        let id = match (o.get("id").and_then(Value::as_str), put_id) {
            (Some(id), Some(put)) if !id.eq_ignore_ascii_case(put) => {
                return Err(bad_statement(
                    "statementId",
                    "differs from the id in the statement",
                ))
            }
            (Some(id), _) => id.to_ascii_lowercase(),
            (None, Some(put)) => put.to_ascii_lowercase(),
            (None, None) => uuid::Uuid::new_v4().to_string(),
        };
        o.insert("id".into(), Value::String(id.clone()));
        o.insert("stored".into(), Value::String(stored.clone()));
        o.entry("timestamp")
            .or_insert_with(|| Value::String(stored.clone()));
        o.entry("authority").or_insert_with(|| authority.clone());
        o.entry("version")
            .or_insert_with(|| Value::String(version_property(version).into()));
        ids.push(id);
    }
    let mut seen = HashSet::new();
    if let Some(dup) = ids.iter().find(|id| !seen.insert(id.as_str())) {
        return Err(bad_statement(
            "statements",
            format!("the batch holds statement {dup} twice"),
        ));
    }
    let attachments = attachments(&sent, parts, put_id.is_some())?;
    // Voiding statements: a voiding statement cannot itself be voided.
    let targets = statements
        .iter()
        .filter_map(voided_statement_id)
        .map(|t| t.to_ascii_lowercase())
        .collect();
    Ok(Batch {
        statements,
        sent,
        ids,
        targets,
        attachments,
    })
}

/// The path of a problem in statement `i` of a request (a PUT holds one statement).
fn statement_path(single: bool, i: usize, path: &str) -> String {
    if single {
        path.to_owned()
    } else {
        format!("statements[{i}].{path}")
    }
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

/// The stored raw data of the attachments of `statements`, one per hash (attachments sent only
/// by `fileUrl` have none).
pub async fn attachment_contents(
    svc: &Services,
    statements: &[Value],
) -> ApiResult<Vec<AttachmentContent>> {
    let mut hashes: Vec<String> = statements.iter().flat_map(statement_hashes).collect();
    hashes.sort_unstable();
    hashes.dedup();
    Ok(store::attachments_by_hashes(&svc.db, &hashes).await?)
}

fn version_property(version: XapiVersion) -> &'static str {
    match version {
        XapiVersion::V1_0_3 => "1.0.0",
        XapiVersion::V2_0_0 => "2.0.0",
    }
}

/// What one request stores: the statements as stored and as sent, their ids, the statements
/// they void and the raw data of their attachments.
async fn write_batch(
    svc: &Services,
    caller: &XapiCaller,
    batch: &Batch,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    // The rows are written out before taking the writer's turn, so that the transaction stays
    // short. What may produce learning is queued for the projection.
    let client = caller.client.as_ref();
    let verbs = projection::learning_verbs(client)?;
    let mut prepared = Vec::with_capacity(batch.statements.len());
    for (s, id) in batch.statements.iter().zip(&batch.ids) {
        let mut row = new_statement(s, id, now, client.map(|c| c.id.clone()))?;
        row.queued = row.voids_statement_id.is_some() || learning_activity(s, &verbs).is_some();
        prepared.push(row);
    }
    let mut lookup: Vec<String> = batch.ids.clone();
    lookup.extend(batch.targets.iter().cloned());
    let tx = svc.db.begin().await?;
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
    for t in &batch.targets {
        if existing.get(t).is_some_and(|v| v.verb_id == VOIDED_VERB) {
            return Err(bad_statement(
                "object.id",
                format!("statement {t} is a voiding statement, which cannot be voided"),
            ));
        }
    }
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
    svc.projector.wake();
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

/// GET by `statementId` (not voided) or `voidedStatementId` (voided only).
pub async fn get_statement(
    svc: &Services,
    caller: &XapiCaller,
    id: &str,
    voided: bool,
) -> ApiResult<(Value, DateTime<Utc>)> {
    let mine = caller.read_filter()?;
    let found = store::statements_by_ids(&svc.db, &[id.to_ascii_lowercase()])
        .await?
        .into_iter()
        .find(|s| s.voided == voided)
        .ok_or(ApiError::NotFound("statement"))?;
    let value = parse_stored(&found)?;
    if let Some(mine) = mine {
        if agent_key(&value["authority"]).as_deref() != Some(mine.as_str()) {
            return Err(ApiError::NotFound("statement"));
        }
    }
    Ok((value, stored_at(&found)))
}

fn parse_stored(s: &store::StoredStatement) -> ApiResult<Value> {
    serde_json::from_str(&s.statement)
        .map_err(|e| ApiError::Internal(format!("stored statement is not JSON: {e}")))
}

fn stored_at(s: &store::StoredStatement) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(s.stored_us).unwrap_or_default()
}

/// The page size when a query gives no `limit` (or 0), and the most it may ask for: about
/// 100 KB of statements. Larger pages cost more than they save: at 10,000,000 statements a page
/// of 500 took 59 ms (p50) against 12 ms for 100 (docs/BENCHMARKS.md); clients follow `more`.
pub const MAX_STATEMENTS: u64 = 100;

/// A statement query as parsed from the request, plus where a `more` link continues.
pub use store::StatementQuery as Query;

/// One page of statements and the query that continues it, if more match.
pub struct StatementPage {
    pub statements: Vec<Value>,
    pub more: Option<Query>,
    pub last_stored: Option<DateTime<Utc>>,
}

pub async fn query_statements(
    svc: &Services,
    caller: &XapiCaller,
    q: Query,
) -> ApiResult<StatementPage> {
    let mine = caller.read_filter()?;
    let limit = match q.limit {
        0 => MAX_STATEMENTS,
        n => n.min(MAX_STATEMENTS),
    };
    let up_to = match q.up_to_seq {
        Some(seq) => seq,
        None => store::last_seq(&svc.db).await?,
    };
    let rows = store::query(
        &svc.db,
        &Query {
            up_to_seq: Some(up_to),
            authority: mine,
            limit: limit + 1,
            ..q.clone()
        },
    )
    .await?;
    let has_more = rows.len() as u64 > limit;
    let rows = &rows[..rows.len().min(usize::try_from(limit).unwrap_or(usize::MAX))];
    let more = has_more.then(|| Query {
        after_seq: rows.last().map(|r| r.seq),
        up_to_seq: Some(up_to),
        limit,
        ..q
    });
    Ok(StatementPage {
        statements: rows.iter().map(parse_stored).collect::<ApiResult<_>>()?,
        last_stored: rows.iter().map(stored_at).max(),
        more,
    })
}
