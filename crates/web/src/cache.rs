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
//!
//! Under load the version check itself is the one cost left on a cached page (a round trip to the database —
//! on SQLite through sqlx's connection worker thread: about half the CPU of a cached dashboard). Concurrent
//! checks are therefore coalesced ([`VersionReads`]): a request uses the result of a read that *began after the
//! request arrived*, so it still sees every write committed before it arrived, but a burst of requests shares one
//! read instead of each making its own.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// Coalesced reads of the data version: one read at a time; a caller takes the last result if that read began
/// after the caller arrived, and otherwise makes the next read (which then serves everyone queued behind it).
#[derive(Default)]
pub struct VersionReads {
    /// How many reads have begun (the sequence number of the latest).
    begun: AtomicU64,
    /// The latest result with its sequence number; the lock is held for the duration of a read.
    last: tokio::sync::Mutex<Option<(u64, String)>>,
}

impl VersionReads {
    /// The data version as of a moment after this call began, from `read` or from a read that began after this
    /// call did. Errors are returned to the caller that made the read and not kept.
    pub async fn read<F, Fut>(&self, read: F) -> Result<String, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<String, AppError>>,
    {
        // Reads numbered above `seen` began after this point, so they see every write committed before it.
        let seen = self.begun.load(Ordering::SeqCst);
        let mut last = self.last.lock().await;
        if let Some((seq, version)) = last.as_ref()
            && *seq > seen
        {
            return Ok(version.clone());
        }
        let seq = self.begun.fetch_add(1, Ordering::SeqCst) + 1;
        let version = read().await?;
        *last = Some((seq, version.clone()));
        Ok(version)
    }

    /// How many reads were made (for tests and diagnostics).
    pub fn reads(&self) -> u64 {
        self.begun.load(Ordering::SeqCst)
    }
}

/// The current generation, replaced when the data version changes.
#[derive(Default)]
pub struct Cache {
    current: Mutex<Option<Arc<Generation>>>,
    /// Serialises building a new generation (loading the plan), so a burst after a write loads it once.
    building: tokio::sync::Mutex<()>,
    /// The coalesced version checks.
    versions: VersionReads,
}

fn same<K: Eq + Hash>(a: &K, b: &K) -> bool {
    a == b
}

impl Cache {
    /// The generation for the store's current data version.
    pub async fn generation(&self, store: &Store) -> Result<Arc<Generation>, AppError> {
        let version = self
            .versions
            .read(|| async { Ok(store.data_version().await?) })
            .await?;
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_burst_of_version_checks_shares_reads() {
        let reads = VersionReads::default();
        let data = AtomicU64::new(7);
        let read = || async {
            tokio::task::yield_now().await;
            Ok(data.load(Ordering::SeqCst).to_string())
        };
        let all = futures_join_all((0..50).map(|_| reads.read(read))).await;
        assert!(all.iter().all(|v| v.as_deref().ok() == Some("7")));
        // The first read, and one more for everyone who arrived while it ran.
        assert_eq!(reads.reads(), 2);
    }

    #[tokio::test]
    async fn a_check_never_takes_a_read_that_began_before_it() {
        let reads = Arc::new(VersionReads::default());
        let data = Arc::new(AtomicU64::new(0));
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        // A read is in flight: it began before the write below and will report the old version.
        let early = {
            let (reads, data) = (reads.clone(), data.clone());
            tokio::spawn(async move {
                reads
                    .read(|| async move {
                        let v = data.load(Ordering::SeqCst).to_string();
                        let _ = wait.await;
                        Ok(v)
                    })
                    .await
            })
        };
        while reads.reads() == 0 {
            tokio::task::yield_now().await;
        }
        // A write commits, then a request arrives: it must see the write, not share the read in flight.
        data.store(1, Ordering::SeqCst);
        let late = {
            let (reads, data) = (reads.clone(), data.clone());
            tokio::spawn(async move {
                reads
                    .read(|| async move { Ok(data.load(Ordering::SeqCst).to_string()) })
                    .await
            })
        };
        tokio::task::yield_now().await;
        let _ = release.send(());
        assert_eq!(early.await.unwrap().unwrap(), "0");
        assert_eq!(late.await.unwrap().unwrap(), "1");
        assert_eq!(reads.reads(), 2);
    }

    #[tokio::test]
    async fn a_failed_read_is_not_kept() {
        let reads = VersionReads::default();
        let failed = reads
            .read(|| async { Err(AppError::Unexpected("database gone".into())) })
            .await;
        assert!(failed.is_err());
        let ok = reads.read(|| async { Ok("3".to_owned()) }).await;
        assert_eq!(ok.unwrap(), "3");
    }

    /// Polls every future to completion on the current task (no extra dependency for one test).
    async fn futures_join_all<F: std::future::Future>(futs: impl Iterator<Item = F>) -> Vec<F::Output> {
        let mut futs: Vec<std::pin::Pin<Box<F>>> = futs.map(Box::pin).collect();
        let mut out: Vec<Option<F::Output>> = futs.iter().map(|_| None).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (f, o) in futs.iter_mut().zip(out.iter_mut()) {
                if o.is_none() {
                    match f.as_mut().poll(cx) {
                        std::task::Poll::Ready(v) => *o = Some(v),
                        std::task::Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
        out.into_iter().flatten().collect()
    }
}
