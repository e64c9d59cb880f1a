//! plantrack-report — the document layer: it turns computed results into pictures and files.
//!
//! - [`bulletin`]: the periodic supervision report (督导检查通报) as data, DOCX and XLSX, and its as-issued comparison;
//! - [`chart`]: hand-written SVG charts (sparkline, line, bar, progress) for the web pages and documents;
//! - [`png`]: SVG → PNG with resvg, for embedding charts in DOCX;
//! - [`docx`]: official documents (公文, GB/T 9704-2012 layout) as DOCX;
//! - [`xlsx`]: workbooks of typed tables, native Excel charts and import templates as XLSX.
//!
//! This crate knows nothing of the plan's domain types: callers pass labels, `Decimal` values and dates, so the
//! periodic supervision report (督导检查通报), the exports and the web pages all assemble from the same blocks.

pub mod bulletin;
pub mod chart;
pub mod docx;
pub mod png;
pub mod xlsx;
