//! Persisted queries: the operations a production dashboard may send, from a manifest built with
//! its code (Apollo's `persisted-query-manifest.json`, or Relay's `{ "<id>": "<query>" }`).
//! A client sends an operation's hash alone (`extensions.persistedQuery.sha256Hash`, Apollo's
//! format), or its text; with `graphql.only_persisted` nothing outside the manifest runs.

use crate::config::GraphqlSettings;
use crate::error::ApiError;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

/// Why the manifest cannot be used (the server does not start).
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("graphql.persisted_queries {path}: {reason}")]
    Invalid { path: String, reason: String },
    #[error("graphql.only_persisted is on but graphql.persisted_queries names no manifest")]
    NoManifest,
}

/// The manifest's operations by the sha256 of their text (lower-case hex).
#[derive(Debug, Default)]
pub struct PersistedQueries {
    by_hash: HashMap<String, Arc<str>>,
    only: bool,
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl PersistedQueries {
    /// The manifest `graphql.persisted_queries` names (none when empty).
    pub fn load(settings: &GraphqlSettings) -> Result<Self, ManifestError> {
        let path = settings.persisted_queries.trim();
        if path.is_empty() {
            if settings.only_persisted {
                return Err(ManifestError::NoManifest);
            }
            return Ok(Self::default());
        }
        let invalid = |reason: String| ManifestError::Invalid {
            path: path.to_owned(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| invalid(format!("not JSON: {e}")))?;
        let mut queries = Self::from_manifest(&json).map_err(invalid)?;
        queries.only = settings.only_persisted;
        Ok(queries)
    }

    /// Apollo's manifest (`operations: [{ id, body }]`, each `id` the sha256 of its `body`) or
    /// a map of ids to query texts; every operation is kept under the sha256 of its text.
    fn from_manifest(json: &serde_json::Value) -> Result<Self, String> {
        let pairs: Vec<(Option<&str>, &serde_json::Value)> = match json.get("operations") {
            Some(ops) => ops
                .as_array()
                .ok_or("`operations` is not a list")?
                .iter()
                .map(|op| (op.get("id").and_then(|v| v.as_str()), &op["body"]))
                .collect(),
            None => json
                .as_object()
                .ok_or("neither an Apollo manifest nor a map of ids to queries")?
                .iter()
                .map(|(_, body)| (None, body))
                .collect(),
        };
        let mut by_hash = HashMap::with_capacity(pairs.len());
        for (i, (id, body)) in pairs.into_iter().enumerate() {
            let body = body
                .as_str()
                .ok_or_else(|| format!("operation {i} has no query text"))?;
            let hash = sha256_hex(body);
            if let Some(id) = id.filter(|id| !id.eq_ignore_ascii_case(&hash)) {
                return Err(format!(
                    "operation {i}: its id {id} is not the sha256 of its body ({hash})"
                ));
            }
            by_hash.insert(hash, Arc::from(body));
        }
        Ok(Self {
            by_hash,
            only: false,
        })
    }

    /// Fills in the text of a request sent by hash, and refuses what may not run.
    pub fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), ApiError> {
        let hash = request
            .extensions
            .get("persistedQuery")
            .and_then(|p| match p {
                async_graphql::Value::Object(o) => o.get("sha256Hash"),
                _ => None,
            })
            .and_then(|h| match h {
                async_graphql::Value::String(s) => Some(s.to_ascii_lowercase()),
                _ => None,
            });
        match hash {
            Some(hash) if request.query.is_empty() => {
                let text = self
                    .by_hash
                    .get(&hash)
                    .ok_or(ApiError::PersistedQueryNotFound(hash))?;
                request.query = text.to_string();
                Ok(())
            }
            _ => {
                let actual = sha256_hex(&request.query);
                if let Some(hash) = hash.filter(|h| *h != actual) {
                    return Err(ApiError::InvalidQuery(learnwell_domain::FieldError::new(
                        "extensions.persistedQuery.sha256Hash",
                        format!("is {hash}, but the query's sha256 is {actual}"),
                    )));
                }
                if self.only && !self.by_hash.contains_key(&actual) {
                    return Err(ApiError::QueryNotAllowed(actual));
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_apollo_manifest_id_must_be_the_hash_of_its_body() {
        let body = "{ me { id } }";
        let good = json!({ "format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{ "id": sha256_hex(body), "name": "Me", "type": "query", "body": body }] });
        assert!(PersistedQueries::from_manifest(&good).is_ok());
        let bad = json!({ "operations": [{ "id": "abc", "body": body }] });
        let err = PersistedQueries::from_manifest(&bad).expect_err("refused");
        assert!(err.contains("not the sha256"), "{err}");
    }

    #[test]
    fn only_persisted_without_a_manifest_does_not_start() {
        let settings = GraphqlSettings {
            max_depth: 12,
            max_complexity: 10_000,
            timeout_ms: 1_000,
            persisted_queries: String::new(),
            only_persisted: true,
        };
        assert!(matches!(
            PersistedQueries::load(&settings),
            Err(ManifestError::NoManifest)
        ));
    }

    #[test]
    fn a_relay_map_is_kept_under_the_hash_of_each_text() {
        let q = PersistedQueries::from_manifest(&json!({ "q1": "{ me { id } }" })).expect("map");
        assert!(q.by_hash.contains_key(&sha256_hex("{ me { id } }")));
    }
}
