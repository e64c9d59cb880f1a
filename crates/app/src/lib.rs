//! plantrack-app — the use cases shared by the web application and the CLI.
//!
//! Each use case is one function: it checks the caller's permission ([`Principal::can`]), runs its writes in one
//! store transaction (which appends the audit record in the same transaction) and calls the pure engines of
//! `plantrack-core`. `web` and `cli` stay thin: they extract input, call one use case and render its result.
//! Permissions are enforced here, never only in templates.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod demo;
pub mod drafts;
pub mod enterprises;
pub mod error;
pub mod export;
pub mod generate;
pub mod import;
pub mod observations;
pub mod plan;
pub mod registries;
pub mod report;
pub mod status;
pub mod supervision;

pub use access::{Permission, Principal, Role};
pub use error::{AppError, FieldError};
