//! A small key-value store behind one trait: Redis when configured (shared by every instance),
//! otherwise in process (one instance). The cache, rate limits and idempotency keys use it.

use crate::{StoreError, StoreResult};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[async_trait::async_trait]
pub trait KvStore: Send + Sync {
    /// `redis` or `in_process`.
    fn kind(&self) -> &'static str;
    async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>>;
    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> StoreResult<()>;
    /// Set only when absent; true when this call set it (a reservation).
    async fn set_if_absent(&self, key: &str, value: &[u8], ttl: Duration) -> StoreResult<bool>;
    async fn delete(&self, key: &str) -> StoreResult<()>;
    /// Increment a counter that expires `window` after its first increment; the new value.
    async fn increment(&self, key: &str, window: Duration) -> StoreResult<u64>;
    /// The current value of a counter made by `increment` (0 when absent or expired).
    async fn counter(&self, key: &str) -> StoreResult<u64>;
    async fn ping(&self) -> StoreResult<()>;
}

/// In-process store: a map with expiry times, swept as it grows.
#[derive(Default)]
pub struct InProcessKv {
    entries: Mutex<HashMap<String, (Vec<u8>, Instant)>>,
}

impl InProcessKv {
    fn with<T>(
        &self,
        f: impl FnOnce(&mut HashMap<String, (Vec<u8>, Instant)>, Instant) -> T,
    ) -> StoreResult<T> {
        let mut map = self
            .entries
            .lock()
            .map_err(|_| StoreError::Kv("poisoned lock".into()))?;
        let now = Instant::now();
        if map.len() > 10_000 {
            map.retain(|_, (_, exp)| *exp > now);
        }
        Ok(f(&mut map, now))
    }
}

#[async_trait::async_trait]
impl KvStore for InProcessKv {
    fn kind(&self) -> &'static str {
        "in_process"
    }
    async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        self.with(|m, now| {
            m.get(key)
                .filter(|(_, exp)| *exp > now)
                .map(|(v, _)| v.clone())
        })
    }
    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> StoreResult<()> {
        self.with(|m, now| {
            m.insert(key.to_owned(), (value.to_vec(), now + ttl));
        })
    }
    async fn set_if_absent(&self, key: &str, value: &[u8], ttl: Duration) -> StoreResult<bool> {
        self.with(|m, now| match m.get(key) {
            Some((_, exp)) if *exp > now => false,
            _ => {
                m.insert(key.to_owned(), (value.to_vec(), now + ttl));
                true
            }
        })
    }
    async fn delete(&self, key: &str) -> StoreResult<()> {
        self.with(|m, _| {
            m.remove(key);
        })
    }
    async fn increment(&self, key: &str, window: Duration) -> StoreResult<u64> {
        self.with(|m, now| {
            let entry = m
                .entry(key.to_owned())
                .or_insert_with(|| (0u64.to_le_bytes().to_vec(), now + window));
            if entry.1 <= now {
                *entry = (0u64.to_le_bytes().to_vec(), now + window);
            }
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(entry.0.get(..8).unwrap_or(&[0; 8]));
            let next = u64::from_le_bytes(bytes) + 1;
            entry.0 = next.to_le_bytes().to_vec();
            next
        })
    }
    async fn counter(&self, key: &str) -> StoreResult<u64> {
        self.with(|m, now| {
            m.get(key)
                .filter(|(_, exp)| *exp > now)
                .and_then(|(v, _)| v.get(..8))
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map_or(0, u64::from_le_bytes)
        })
    }
    async fn ping(&self) -> StoreResult<()> {
        Ok(())
    }
}

/// Redis store; every key is prefixed (so tests and tenants can share one server).
pub struct RedisKv {
    conn: redis::aio::ConnectionManager,
    prefix: String,
}

const PEM_CERTIFICATE: &[u8] = b"-----BEGIN CERTIFICATE-----";

fn kv_err(e: redis::RedisError) -> StoreError {
    StoreError::Kv(e.to_string())
}

impl RedisKv {
    /// Connect to `redis://` or, over TLS, `rediss://`. The server's certificate is verified
    /// against the Mozilla roots, or against the PEM certificates in `ca_file` alone (a private
    /// CA), which needs a `rediss://` URL.
    pub async fn connect(url: &str, ca_file: Option<&Path>, prefix: &str) -> StoreResult<Self> {
        let client = match ca_file {
            None => redis::Client::open(url),
            Some(path) => {
                let unusable = |why: String| {
                    StoreError::Config(format!("redis.ca_file {}: {why}", path.display()))
                };
                let root_cert = std::fs::read(path).map_err(|e| unusable(e.to_string()))?;
                if !root_cert
                    .windows(PEM_CERTIFICATE.len())
                    .any(|w| w == PEM_CERTIFICATE)
                {
                    return Err(unusable("holds no PEM certificate".into()));
                }
                let certificates = redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(root_cert),
                };
                redis::Client::build_with_tls(url, certificates)
            }
        }
        .map_err(kv_err)?;
        // Three more tries, about a second apart, before a connection fails: the defaults wait up
        // to a minute between six, so a refused certificate would fail the start minutes late.
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_number_of_retries(3)
            .set_max_delay(1_000)
            .set_connection_timeout(Duration::from_secs(5))
            .set_response_timeout(Duration::from_secs(5));
        let conn = redis::aio::ConnectionManager::new_with_config(client, config)
            .await
            .map_err(kv_err)?;
        Ok(Self {
            conn,
            prefix: prefix.to_owned(),
        })
    }
    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

#[async_trait::async_trait]
impl KvStore for RedisKv {
    fn kind(&self) -> &'static str {
        "redis"
    }
    async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        let mut c = self.conn.clone();
        redis::cmd("GET")
            .arg(self.key(key))
            .query_async(&mut c)
            .await
            .map_err(kv_err)
    }
    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> StoreResult<()> {
        let mut c = self.conn.clone();
        redis::cmd("SET")
            .arg(self.key(key))
            .arg(value)
            .arg("PX")
            .arg(millis(ttl))
            .query_async::<()>(&mut c)
            .await
            .map_err(kv_err)
    }
    async fn set_if_absent(&self, key: &str, value: &[u8], ttl: Duration) -> StoreResult<bool> {
        let mut c = self.conn.clone();
        let r: Option<String> = redis::cmd("SET")
            .arg(self.key(key))
            .arg(value)
            .arg("NX")
            .arg("PX")
            .arg(millis(ttl))
            .query_async(&mut c)
            .await
            .map_err(kv_err)?;
        Ok(r.is_some())
    }
    async fn delete(&self, key: &str) -> StoreResult<()> {
        let mut c = self.conn.clone();
        redis::cmd("DEL")
            .arg(self.key(key))
            .query_async::<()>(&mut c)
            .await
            .map_err(kv_err)
    }
    async fn increment(&self, key: &str, window: Duration) -> StoreResult<u64> {
        let mut c = self.conn.clone();
        let key = self.key(key);
        let (n, _): (u64, i64) = redis::pipe()
            .atomic()
            .cmd("INCR")
            .arg(&key)
            .cmd("PEXPIRE")
            .arg(&key)
            .arg(millis(window))
            .arg("NX")
            .query_async(&mut c)
            .await
            .map_err(kv_err)?;
        Ok(n)
    }
    async fn counter(&self, key: &str) -> StoreResult<u64> {
        let mut c = self.conn.clone();
        let n: Option<u64> = redis::cmd("GET")
            .arg(self.key(key))
            .query_async(&mut c)
            .await
            .map_err(kv_err)?;
        Ok(n.unwrap_or(0))
    }
    async fn ping(&self) -> StoreResult<()> {
        let mut c = self.conn.clone();
        redis::cmd("PING")
            .query_async::<()>(&mut c)
            .await
            .map_err(kv_err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn in_process_reservations_are_exclusive_until_they_expire() {
        let kv = InProcessKv::default();
        assert!(kv
            .set_if_absent("k", b"1", Duration::from_millis(30))
            .await
            .unwrap());
        assert!(!kv
            .set_if_absent("k", b"2", Duration::from_secs(1))
            .await
            .unwrap());
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert!(kv
            .set_if_absent("k", b"3", Duration::from_secs(1))
            .await
            .unwrap());
        assert_eq!(kv.get("k").await.unwrap().as_deref(), Some(&b"3"[..]));
    }

    #[tokio::test]
    async fn in_process_counters_reset_after_their_window() {
        let kv = InProcessKv::default();
        assert_eq!(
            kv.increment("c", Duration::from_millis(30)).await.unwrap(),
            1
        );
        assert_eq!(
            kv.increment("c", Duration::from_millis(30)).await.unwrap(),
            2
        );
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(
            kv.increment("c", Duration::from_millis(30)).await.unwrap(),
            1
        );
    }
}
