//! plantrack-core — the domain, pure: plans, data elements and indicators, periods, progress methods,
//! enterprise qualification rules and supervision rules.
//!
//! This crate does no IO: no files, no network, no database, no async. Adapters (`store`, `exchange`,
//! `web`, `cli`) turn the outside world into the typed values defined here and call the pure engines.
//! Each module owns its own error type; they name the input that was wrong and why.

mod bilingual;
pub mod indicator;
pub mod period;
pub mod plan;
pub mod progress;
pub mod qualify;
pub mod registry;
pub mod supervise;

pub use bilingual::Text;

#[cfg(test)]
pub(crate) mod testing;
