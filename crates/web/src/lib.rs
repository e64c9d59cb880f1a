//! plantrack-web — the web application: server-rendered pages (askama templates compiled in, assets embedded with
//! rust-embed), the JSON API under `/api/v1` with its OpenAPI document, sessions and roles.
//!
//! Layout: [`routes`] is the one table of every route with the access it declares (the router and the
//! authorisation-matrix test are both generated from it); [`ctx`] resolves the caller and guards state-changing
//! requests; [`error`] maps use-case errors to responses in one place; [`layout`] is the shared page chrome and
//! navigation; [`i18n`] the catalogs; [`cache`] the data-version cache; `pages/` and `api/` the handlers, thin:
//! extract, call one `plantrack_app` use case, render. The server keeps no state outside the store.

#![warn(missing_docs)]
// Handlers return `Result<_, Response>`: the error *is* the response to send, built once where it arises.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod assets;
pub mod cache;
pub mod ctx;
pub mod error;
pub mod i18n;
pub mod layout;
pub mod markdown;
pub mod pages;
mod panic;
pub mod routes;
pub mod status;

use std::net::SocketAddr;
use std::sync::Arc;

use plantrack_app::AppError;
use plantrack_app::audit::RecordedCheck;
pub use plantrack_app::clock::Clock;
use plantrack_core::period::Period;
use plantrack_core::plan::OrgUnitCode;
use plantrack_core::progress::StatusReport;
use plantrack_store::Store;
use tokio::net::TcpListener;

use crate::cache::{Cache, CacheKey, Generation};
use crate::status::StatusSource;

/// Settings of the web server.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Always mark cookies `Secure` (behind TLS); otherwise only when `X-Forwarded-Proto: https` says so.
    pub secure_cookies: bool,
    /// Take the client address for throttling from the last `X-Forwarded-For` entry (behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Largest form or JSON body (bytes).
    pub max_body_bytes: usize,
    /// Largest file upload (bytes).
    pub max_upload_bytes: usize,
    /// Where "today" comes from for the supervision pages.
    pub clock: Clock,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            trust_forwarded_for: false,
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 20 * 1024 * 1024,
            clock: Clock::System,
        }
    }
}

struct Inner {
    store: Store,
    config: WebConfig,
    cache: Cache,
    /// The latest recorded check of the audit chain and when it was read (re-read after [`CHAIN_CHECK_TTL`]).
    chain_check: tokio::sync::Mutex<Option<(std::time::Instant, Option<RecordedCheck>)>>,
}

/// How long the latest recorded chain check is kept before it is read from the store again.
const CHAIN_CHECK_TTL: std::time::Duration = std::time::Duration::from_secs(30);

/// What every handler shares: the store, the settings and the data-version cache. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl AppState {
    /// State over an opened store.
    pub fn new(store: Store, config: WebConfig) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                store,
                config,
                cache: Cache::default(),
                chain_check: tokio::sync::Mutex::new(None),
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The settings.
    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    /// The latest recorded check of the audit chain when it found the chain broken (for the admins' banner),
    /// read from the store at most every 30 seconds — the check may have been made by another instance.
    pub async fn chain_alarm(&self) -> Option<RecordedCheck> {
        let mut slot = self.inner.chain_check.lock().await;
        let fresh = slot
            .as_ref()
            .is_some_and(|(at, _)| at.elapsed() < CHAIN_CHECK_TTL);
        if !fresh {
            match plantrack_app::audit::latest_check(&self.inner.store).await {
                Ok(c) => *slot = Some((std::time::Instant::now(), c)),
                Err(e) => tracing::warn!(error = %e, "reading the latest audit chain check failed"),
            }
        }
        slot.as_ref().and_then(|(_, c)| c.clone()).filter(|c| !c.intact)
    }

    /// Forget the cached chain check (after a new one was recorded).
    pub async fn forget_chain_check(&self) {
        *self.inner.chain_check.lock().await = None;
    }

    /// The cache generation of the current data version (one small query).
    pub async fn generation(&self) -> Result<Arc<Generation>, AppError> {
        self.inner.cache.generation(&self.inner.store).await
    }

    /// The status table of a generation (loaded once per data version).
    pub async fn status_source(&self, g: &Generation) -> Result<Arc<StatusSource>, AppError> {
        let store = self.inner.store.clone();
        let plan = g.plan.clone();
        g.get_or_try(CacheKey::new("status_source", ""), || async move {
            StatusSource::load(&store, plan.as_ref().clone()).await
        })
        .await
    }

    /// The status report of every target for `org` in `period` (computed once per data version).
    pub async fn report(
        &self,
        g: &Generation,
        org: &OrgUnitCode,
        period: Period,
    ) -> Result<Arc<StatusReport>, AppError> {
        let source = self.status_source(g).await?;
        let org = org.clone();
        g.get_or_try(
            CacheKey::new("report", format!("{org}/{period}")),
            || async move { Ok(source.report(&org, period)) },
        )
        .await
    }
}

/// The whole application as a router (every route of [`routes::routes`], behind the guard).
pub fn router(state: AppState) -> axum::Router {
    routes::router(state)
}

/// Serves `state` on `listener` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Warm the cache in the background: on a province-sized store the status table takes seconds to load, and
    // the first visitor should not wait for it; start-up itself does not (the listener is already bound).
    let warm = state.clone();
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        let result = async {
            let g = warm.generation().await?;
            warm.status_source(&g).await.map(|_| ())
        }
        .await;
        match result {
            Ok(()) => tracing::info!(ms = started.elapsed().as_millis(), "status table loaded"),
            Err(e) => tracing::warn!(error = %e, "warming the cache failed; the first request will retry"),
        }
    });
    let app = router(state);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
