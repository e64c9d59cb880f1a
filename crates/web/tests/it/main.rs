#![allow(clippy::unwrap_used)] // tests may unwrap (conventions); helpers outside #[test] fns too.
//! HTTP-level tests of the web application: each test spawns the real router on 127.0.0.1:0 over a fresh store
//! (SQLite always; PostgreSQL too when `PLANTRACK_TEST_PG_URL` is set) and talks to it with an HTTP client.

mod a11y;
mod api;
mod auth;
mod authz;
mod drafts;
mod e2e;
mod fields;
mod hardening;
mod helpers;
mod merge;
mod no_panic;
mod pages;
mod supervision;
