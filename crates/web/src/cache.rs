//! Caching of computed results, correct across server instances.
//!
//! Every request that uses a cached result first reads the store's data version ([`Store::data_version`]: one
//! indexed query — `max(audit_event_id)` on SQLite, the MVCC snapshot on PostgreSQL). A *generation* holds what was
//! computed for one version: the plan in force, the status table, computed reports and rendered public pages.
//! When the version differs from the current generation's, a new empty generation replaces it; so a write on any
//! instance (every write appends an audit event in its own transaction) is seen by the next request on every other
//! instance, and nothing older than the data a request could read is ever served.
//!
//! Within a generation each entry is computed once even under concurrent requests (`tokio::sync::OnceCell` per key).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use plantrack_app::AppError;
use plantrack_core::plan::Plan;
use plantrack_store::Store;
use tokio::sync::OnceCell;

/// A cached value of any type, computed once.
type Cell = Arc<OnceCell<Arc<dyn std::any::Any + Send + Sync>>>;

/// Results computed for one data version.
pub struct Generation {
    /// The data version they were computed from.
    pub version: String,
    /// The plan in force.
    pub plan: Arc<Plan>,
    cells: Mutex<HashMap<CacheKey, Cell>>,
}

/// What a cached entry is; the key type keeps different kinds of entries apart.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    kind: &'static str,
    key: String,
}

impl CacheKey {
    /// A key of kind `kind` (e.g. `status`, `page`) and text `key`.
    pub fn new(kind: &'static str, key: impl Into<String>) -> CacheKey {
        CacheKey {
            kind,
            key: key.into(),
        }
    }
}

impl Generation {
    /// The value of `key`, computing it once with `compute` if absent. Errors are not cached.
    pub async fn get_or_try<T, F, Fut>(&self, key: CacheKey, compute: F) -> Result<Arc<T>, AppError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        let cell = {
            let mut cells = self
                .cells
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // Bound memory: a generation holds at most this many entries (drill-downs over many org units).
            if cells.len() > 20_000 {
                cells.clear();
            }
            cells.entry(key).or_default().clone()
        };
        let any = cell
            .get_or_try_init(|| async {
                compute()
                    .await
                    .map(|v| Arc::new(v) as Arc<dyn std::any::Any + Send + Sync>)
            })
            .await?
            .clone();
        any.downcast::<T>()
            .map_err(|_| AppError::Unexpected("cache entry of another type under the same key".into()))
    }
}

/// The current generation, replaced when the data version changes.
#[derive(Default)]
pub struct Cache {
    current: Mutex<Option<Arc<Generation>>>,
    /// Serialises building a new generation (loading the plan), so a burst after a write loads it once.
    building: tokio::sync::Mutex<()>,
}

fn same<K: Eq + Hash>(a: &K, b: &K) -> bool {
    a == b
}

impl Cache {
    /// The generation for the store's current data version.
    pub async fn generation(&self, store: &Store) -> Result<Arc<Generation>, AppError> {
        let version = store.data_version().await?;
        if let Some(g) = self.peek().filter(|g| same(&g.version, &version)) {
            return Ok(g);
        }
        let _guard = self.building.lock().await;
        if let Some(g) = self.peek().filter(|g| same(&g.version, &version)) {
            return Ok(g);
        }
        let plan = Arc::new(plantrack_app::status::current_plan(store).await?.plan);
        let g = Arc::new(Generation {
            version,
            plan,
            cells: Mutex::new(HashMap::new()),
        });
        *self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(g.clone());
        Ok(g)
    }

    fn peek(&self) -> Option<Arc<Generation>> {
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}
