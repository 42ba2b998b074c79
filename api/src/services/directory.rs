//! The directory service: how the caller relates to a person (themselves, one of their reports,
//! or someone else) and which people and org units fall in a scope. Every context asks it
//! (learning, learning time, and the coming advisor, supervisor, mentor and programme-lead
//! relations), so the rule is computed in one place, over one cache.
//!
//! Cache coherence: employees are cached per *directory version*, a random token in the
//! key-value store that every employee write replaces after it commits. Each use reads the token
//! once (from Redis when configured, so all instances agree) and drops the whole cache when it
//! changed. A read racing a write caches under the old token at worst, which the new token
//! already invalidates. Without Redis the token is per process: run one instance (see
//! OPERATIONS.md). The org-unit tree is cached in the key-value store and dropped on unit writes.

use crate::error::{ApiError, ApiResult};
use learnwell_domain::access::{self, Claimed, EmployeeView, PersonClaim, Principal, Relation};
use learnwell_domain::ids::{EmployeeId, OrgUnitId};
use learnwell_domain::org::{descendants, Employee, EmployeeStatus, JobLevel};
use learnwell_persistence::kv::KvStore;
use learnwell_persistence::org as store;
use learnwell_persistence::Db;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};
use std::time::Duration;

const VERSION_KEY: &str = "org:directory_version";
/// The token outlives any realistic gap between writes; if it expires the cache just refills.
const VERSION_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// At most this many employees are held (about 1 KB each); a full cache starts over.
const CAPACITY: usize = 100_000;
const UNITS_KEY: &str = "cache:org_unit_parents:v1";
const UNITS_TTL: Duration = Duration::from_secs(300);

#[derive(Default)]
struct Inner {
    version: Option<Vec<u8>>,
    employees: HashMap<EmployeeId, Arc<Employee>>,
    /// Who a token's email or HRIS id names (`None`: nobody).
    named: HashMap<PersonClaim, Option<EmployeeId>>,
}

/// Relations and scopes, with the employee cache.
pub struct Directory {
    db: Db,
    kv: Arc<dyn KvStore>,
    inner: RwLock<Inner>,
}

/// The cache as of one directory version, for the duration of one operation.
struct Snapshot<'a> {
    directory: &'a Directory,
    version: Option<Vec<u8>>,
}

impl Directory {
    pub fn new(db: Db, kv: Arc<dyn KvStore>) -> Self {
        Self {
            db,
            kv,
            inner: RwLock::default(),
        }
    }

    /// Read the current directory version (one key-value read) and align the cache with it.
    async fn snapshot(&self) -> ApiResult<Snapshot<'_>> {
        let version = self.kv.get(VERSION_KEY).await?;
        if self.read(|i| i.version != version) {
            let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
            if inner.version != version {
                inner.employees.clear();
                inner.named.clear();
                inner.version.clone_from(&version);
            }
        }
        Ok(Snapshot {
            directory: self,
            version,
        })
    }

    /// Start a new directory version: call after committing any change to employees.
    pub async fn people_changed(&self) -> ApiResult<()> {
        let token = uuid::Uuid::now_v7();
        self.kv
            .set(VERSION_KEY, token.as_bytes(), VERSION_TTL)
            .await?;
        Ok(())
    }

    /// Drop the cached org-unit tree: call after committing any change to org units.
    pub async fn units_changed(&self) -> ApiResult<()> {
        Ok(self.kv.delete(UNITS_KEY).await?)
    }

    fn read<T>(&self, f: impl FnOnce(&Inner) -> T) -> T {
        f(&self.inner.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The caller a verified token stands for: the person it names (by id, or by email or HRIS
    /// id looked up once per directory version; nobody when no record matches) and whether they
    /// left.
    pub async fn principal(&self, claimed: Claimed) -> ApiResult<Principal> {
        let Claimed {
            mut principal,
            person,
        } = claimed;
        principal.employee_id = match person {
            None => None,
            Some(PersonClaim::Id(id)) => Some(id),
            Some(named) => self.person_named(named).await?,
        };
        principal.leaver = self.is_leaver(&principal).await?;
        Ok(principal)
    }

    async fn person_named(&self, named: PersonClaim) -> ApiResult<Option<EmployeeId>> {
        self.snapshot().await?;
        if let Some(id) = self.read(|i| i.named.get(&named).copied()) {
            return Ok(id);
        }
        let id = match &named {
            PersonClaim::Id(id) => Some(*id),
            PersonClaim::Email(email) => store::employee_ids_by_emails(&self.db, &[email.as_str()])
                .await?
                .into_values()
                .next(),
            PersonClaim::ExternalId(ext) => {
                store::employees_by_external_ids(&self.db, &[ext.as_str()])
                    .await?
                    .first()
                    .map(|e| e.id)
            }
        };
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if inner.named.len() >= CAPACITY {
            inner.named.clear();
        }
        inner.named.insert(named, id);
        Ok(id)
    }

    /// Is the caller a leaver (their employee record terminated)? One cached read per directory
    /// version; `domain::access` then keeps them to their own learning history.
    pub async fn is_leaver(&self, p: &Principal) -> ApiResult<bool> {
        let Some(id) = p.employee_id else {
            return Ok(false);
        };
        let employee = self.snapshot().await?.employee(id).await?;
        Ok(employee.is_some_and(|e| e.data.status == EmployeeStatus::Terminated))
    }

    /// An employee and how the caller relates to them; `not_found` when there is no such person.
    pub async fn relation(&self, p: &Principal, id: EmployeeId) -> ApiResult<(Employee, Relation)> {
        let snapshot = self.snapshot().await?;
        let employee = snapshot
            .employee(id)
            .await?
            .ok_or(ApiError::NotFound("employee"))?;
        let relation = match p.employee_id {
            Some(me) if me == id => Relation::Itself,
            Some(me) if snapshot.reports_to(&employee, me).await? => Relation::Report,
            _ => Relation::Other,
        };
        Ok((Employee::clone(&employee), relation))
    }

    /// How the caller relates to each of `people` (one query at most).
    pub async fn relations(
        &self,
        p: &Principal,
        people: &[EmployeeId],
    ) -> ApiResult<Vec<Relation>> {
        let reports = match p.employee_id {
            Some(me) => self.reports_among(me, people).await?,
            None => HashSet::new(),
        };
        Ok(people
            .iter()
            .map(|id| {
                if Some(*id) == p.employee_id {
                    Relation::Itself
                } else if reports.contains(id) {
                    Relation::Report
                } else {
                    Relation::Other
                }
            })
            .collect())
    }

    /// How much of each employee the caller may see (one query at most, and none for callers who
    /// see everyone in full).
    pub async fn views(
        &self,
        p: &Principal,
        employees: &[Employee],
    ) -> ApiResult<Vec<EmployeeView>> {
        if access::employee_view(p, Relation::Other) == EmployeeView::Full {
            return Ok(vec![EmployeeView::Full; employees.len()]);
        }
        let ids: Vec<_> = employees.iter().map(|e| e.id).collect();
        Ok(self
            .relations(p, &ids)
            .await?
            .into_iter()
            .map(|r| access::employee_view(p, r))
            .collect())
    }

    /// Which of `candidates` report to `manager`, directly or transitively.
    pub async fn reports_among(
        &self,
        manager: EmployeeId,
        candidates: &[EmployeeId],
    ) -> ApiResult<HashSet<EmployeeId>> {
        let others: Vec<_> = candidates
            .iter()
            .copied()
            .filter(|id| *id != manager)
            .collect();
        if others.is_empty() {
            return Ok(HashSet::new());
        }
        Ok(store::reports_among(&self.db, manager, &others).await?)
    }

    /// The org-unit tree as (unit, parent) pairs, from the key-value store's cache.
    pub async fn unit_parents(&self) -> ApiResult<Vec<(OrgUnitId, Option<OrgUnitId>)>> {
        if let Some(bytes) = self.kv.get(UNITS_KEY).await? {
            if let Ok(pairs) = serde_json::from_slice(&bytes) {
                return Ok(pairs);
            }
        }
        let pairs: Vec<_> = store::list_org_units(&self.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.parent_id))
            .collect();
        let bytes = serde_json::to_vec(&pairs).map_err(|e| ApiError::Internal(e.to_string()))?;
        self.kv.set(UNITS_KEY, &bytes, UNITS_TTL).await?;
        Ok(pairs)
    }

    /// Each org unit's parent.
    pub async fn unit_parent_map(&self) -> ApiResult<HashMap<OrgUnitId, Option<OrgUnitId>>> {
        Ok(self.unit_parents().await?.into_iter().collect())
    }

    /// `root` and every org unit below it.
    pub async fn unit_subtree(&self, root: OrgUnitId) -> ApiResult<Vec<OrgUnitId>> {
        Ok(descendants(root, self.unit_parents().await?))
    }

    /// The units a scope on `root` covers: `root` and every unit below it, or (without
    /// descendants) `root` alone.
    pub async fn units_in(
        &self,
        root: OrgUnitId,
        include_descendants: bool,
    ) -> ApiResult<Vec<OrgUnitId>> {
        if include_descendants {
            self.unit_subtree(root).await
        } else {
            Ok(vec![root])
        }
    }

    /// The current directory version (changes with every employee write; `None` before the
    /// first): what caches of who-is-where are keyed on, with the unit tree.
    pub async fn version(&self) -> ApiResult<Option<Vec<u8>>> {
        Ok(self.kv.get(VERSION_KEY).await?)
    }

    /// How many people sit in each (org unit, job level): the atoms of every group a summary by
    /// unit and level band can be asked about (one grouped query).
    pub async fn headcount_by_unit_and_level(
        &self,
    ) -> ApiResult<Vec<(Option<OrgUnitId>, JobLevel, u64)>> {
        Ok(store::headcount_by_unit_and_level(&self.db).await?)
    }

    /// [`Self::headcount_by_unit_and_level`] of the people `person` sees one by one: themselves
    /// and everyone below them at any depth.
    pub async fn team_headcount_by_unit_and_level(
        &self,
        person: EmployeeId,
    ) -> ApiResult<Vec<(Option<OrgUnitId>, JobLevel, u64)>> {
        Ok(store::team_headcount_by_unit_and_level(&self.db, person).await?)
    }
}

impl Snapshot<'_> {
    /// One employee, from memory or (once per version) from the database.
    async fn employee(&self, id: EmployeeId) -> ApiResult<Option<Arc<Employee>>> {
        let d = self.directory;
        if let Some(e) = d.read(|i| i.employees.get(&id).cloned()) {
            return Ok(Some(e));
        }
        let Some(e) = store::get_employee(&d.db, id).await? else {
            return Ok(None);
        };
        let e = Arc::new(e);
        let mut inner = d.inner.write().unwrap_or_else(|e| e.into_inner());
        if inner.version == self.version {
            if inner.employees.len() >= CAPACITY {
                inner.employees.clear();
            }
            inner.employees.insert(id, Arc::clone(&e));
        }
        Ok(Some(e))
    }

    /// Does `employee` report to `manager`, directly or transitively? Walks up the chain.
    async fn reports_to(&self, employee: &Employee, manager: EmployeeId) -> ApiResult<bool> {
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
