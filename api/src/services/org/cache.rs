//! An in-process read cache of employees for the hot single-record paths (`GET /employees/{id}`
//! and the org-chart walk that decides what the caller may see).
//!
//! Coherence: the cache belongs to one *directory version*, a random token in the key-value store
//! that every employee write replaces after it commits. Each use reads the token once (from
//! Redis when configured, so all instances agree) and drops the whole cache when it changed. A
//! read racing a write caches under the old token at worst, which the new token already
//! invalidates. Without Redis the token is per process: run one instance (see OPERATIONS.md).

use crate::error::ApiResult;
use crate::state::AppState;
use learnwell_domain::ids::EmployeeId;
use learnwell_domain::org::Employee;
use learnwell_persistence::org as store;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

const VERSION_KEY: &str = "org:directory_version";
/// The token outlives any realistic gap between writes; if it expires the cache just refills.
const VERSION_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// At most this many employees are held (about 1 KB each); a full cache starts over.
const CAPACITY: usize = 100_000;

#[derive(Default)]
struct Inner {
    version: Option<Vec<u8>>,
    employees: HashMap<EmployeeId, Arc<Employee>>,
}

#[derive(Default)]
pub struct DirectoryCache {
    inner: RwLock<Inner>,
}

/// The cache as of one directory version, for the duration of one operation.
pub struct Snapshot<'a> {
    cache: &'a DirectoryCache,
    state: &'a AppState,
    version: Option<Vec<u8>>,
}

impl DirectoryCache {
    /// Read the current directory version (one key-value read) and align the cache with it.
    pub async fn snapshot<'a>(&'a self, state: &'a AppState) -> ApiResult<Snapshot<'a>> {
        let version = state.kv.get(VERSION_KEY).await?;
        let stale = self.read(|i| i.version != version);
        if stale {
            let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
            if inner.version != version {
                inner.employees.clear();
                inner.version.clone_from(&version);
            }
        }
        Ok(Snapshot {
            cache: self,
            state,
            version,
        })
    }

    /// Start a new directory version: call after committing any change to employees.
    pub async fn invalidate(state: &AppState) -> ApiResult<()> {
        let token = uuid::Uuid::now_v7();
        state
            .kv
            .set(VERSION_KEY, token.as_bytes(), VERSION_TTL)
            .await?;
        Ok(())
    }

    fn read<T>(&self, f: impl FnOnce(&Inner) -> T) -> T {
        f(&self.inner.read().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Snapshot<'_> {
    /// One employee, from memory or (once per version) from the database.
    pub async fn employee(&self, id: EmployeeId) -> ApiResult<Option<Arc<Employee>>> {
        if let Some(e) = self.cache.read(|i| i.employees.get(&id).cloned()) {
            return Ok(Some(e));
        }
        let Some(e) = store::get_employee(&self.state.db, id).await? else {
            return Ok(None);
        };
        let e = Arc::new(e);
        let mut inner = self.cache.inner.write().unwrap_or_else(|e| e.into_inner());
        if inner.version == self.version {
            if inner.employees.len() >= CAPACITY {
                inner.employees.clear();
            }
            inner.employees.insert(id, Arc::clone(&e));
        }
        Ok(Some(e))
    }

    /// Does `employee` report to `manager`, directly or transitively? Walks up the chain.
    pub async fn reports_to(&self, employee: &Employee, manager: EmployeeId) -> ApiResult<bool> {
        let mut next = employee.data.manager_id;
        for _ in 0..store::MAX_DEPTH {
            let Some(id) = next else { return Ok(false) };
            if id == manager {
                return Ok(true);
            }
            next = self.employee(id).await?.and_then(|m| m.data.manager_id);
        }
        Ok(false)
    }
}
