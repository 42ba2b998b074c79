//! The identity provider's signing keys from its JWKS endpoint (`auth.jwks_url`), cached by `kid`.
//!
//! The set is fetched on first use. A token whose `kid` is not cached refetches it (the provider
//! rotated its key), and so does a set older than `auth.jwks_max_age_seconds` (keys it withdrew
//! go); such refetches, failed fetches included, happen at most once per
//! `auth.jwks_refetch_seconds`, so a flood of tokens with made-up `kid`s costs the provider one
//! request per interval. Concurrent misses wait for one fetch instead of making their own.

use crate::error::ApiError;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, RwLock};

pub struct Jwks {
    url: String,
    algorithm: Algorithm,
    client: reqwest::Client,
    refetch_every: Duration,
    max_age: Duration,
    keys: RwLock<Cached>,
    /// Held while deciding on and making a fetch (one at a time); the last refetch's time.
    fetching: Mutex<Option<Instant>>,
}

#[derive(Default)]
struct Cached {
    by_kid: HashMap<String, Arc<DecodingKey>>,
    fetched_at: Option<Instant>,
}

impl Cached {
    fn fresh(&self, kid: &str, max_age: Duration) -> Option<Arc<DecodingKey>> {
        self.fetched_at
            .filter(|at| at.elapsed() < max_age)
            .and_then(|_| self.by_kid.get(kid).cloned())
    }
}

#[derive(Deserialize)]
struct Document {
    keys: Vec<Value>,
}

impl Jwks {
    pub fn new(
        url: &str,
        algorithm: Algorithm,
        refetch_every: Duration,
        max_age: Duration,
    ) -> Result<Self, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| e.to_string())?;
        if !matches!(parsed.scheme(), "https" | "http") {
            return Err("use an https:// address".into());
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(3))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            url: url.to_owned(),
            algorithm,
            client,
            refetch_every,
            max_age,
            keys: RwLock::new(Cached::default()),
            fetching: Mutex::new(None),
        })
    }

    /// The key a token names by `kid`, fetching the set when it is not cached (bounded).
    pub async fn key(&self, kid: &str) -> Result<Arc<DecodingKey>, ApiError> {
        if let Some(key) = self.keys.read().await.fresh(kid, self.max_age) {
            return Ok(key);
        }
        let mut last_refetch = self.fetching.lock().await;
        // Another request may have fetched the set while this one waited.
        let loaded = {
            let cached = self.keys.read().await;
            if let Some(key) = cached.fresh(kid, self.max_age) {
                return Ok(key);
            }
            cached.fetched_at.is_some()
        };
        // The first load is free; refetches and failures wait out the interval.
        if last_refetch.is_none_or(|at| at.elapsed() >= self.refetch_every) {
            match self.fetch().await {
                Ok(by_kid) => {
                    if loaded {
                        *last_refetch = Some(Instant::now());
                    }
                    let mut cached = self.keys.write().await;
                    cached.by_kid = by_kid;
                    cached.fetched_at = Some(Instant::now());
                }
                Err(why) => {
                    *last_refetch = Some(Instant::now());
                    tracing::warn!(url = %self.url, %why, "could not fetch the identity provider's keys (auth.jwks_url)");
                    if !loaded {
                        return Err(ApiError::Unavailable(format!(
                            "the identity provider's keys could not be fetched: {why}"
                        )));
                    }
                }
            }
        }
        let cached = self.keys.read().await;
        cached
            .by_kid
            .get(kid)
            .cloned()
            // (A set past its age that could not be refetched still serves its keys.)
            .ok_or_else(|| {
                if cached.fetched_at.is_none() {
                    ApiError::Unavailable(
                        "the identity provider's keys could not be fetched".into(),
                    )
                } else {
                    ApiError::Unauthenticated(
                        "the token's key (kid) is not one of the identity provider's".into(),
                    )
                }
            })
    }

    /// Fetch the set and keep the signing keys for the configured algorithm; keys of other kinds,
    /// for encryption, without a `kid` or that do not parse are skipped.
    async fn fetch(&self) -> Result<HashMap<String, Arc<DecodingKey>>, String> {
        let res = self
            .client
            .get(&self.url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !res.status().is_success() {
            return Err(format!("the endpoint answered {}", res.status()));
        }
        let doc: Document = res.json().await.map_err(|e| e.to_string())?;
        let keys: HashMap<_, _> = doc
            .keys
            .into_iter()
            .filter_map(|v| serde_json::from_value::<Jwk>(v).ok())
            .filter(|jwk| self.signs_with_our_algorithm(jwk))
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                let key = DecodingKey::from_jwk(&jwk).ok()?;
                Some((kid, Arc::new(key)))
            })
            .collect();
        tracing::info!(url = %self.url, keys = keys.len(), "fetched the identity provider's keys");
        Ok(keys)
    }

    fn signs_with_our_algorithm(&self, jwk: &Jwk) -> bool {
        let for_signing = matches!(
            jwk.common.public_key_use,
            None | Some(PublicKeyUse::Signature)
        );
        let (kind, alg) = match self.algorithm {
            Algorithm::RS256 => (
                matches!(jwk.algorithm, AlgorithmParameters::RSA(_)),
                KeyAlgorithm::RS256,
            ),
            Algorithm::ES256 => (
                matches!(jwk.algorithm, AlgorithmParameters::EllipticCurve(_)),
                KeyAlgorithm::ES256,
            ),
            _ => (false, KeyAlgorithm::RS256),
        };
        for_signing && kind && jwk.common.key_algorithm.is_none_or(|a| a == alg)
    }
}
