//! plantrack-exchange — files in and out: reading XLSX/XLS/ODS and CSV (UTF-8, UTF-16, GB18030) with Chinese
//! headers and English aliases into the store's typed records, with every row checked and every problem named by
//! row, column and reason in Chinese and English; import templates with notes and drop-down lists; exports
//! with the same headers; CSV writing for large files.
//!
//! This crate parses at the edge and writes files; it does no database work (the `app` crate runs the import
//! in one transaction: all or nothing). The kinds, their fields, the readers of text and the record builders
//! are `plantrack_core::registry`'s, shared with web forms and the API.
//!
//! - [`schema`]: header matching onto a kind's fields;
//! - [`cell`]: typed spreadsheet cells → values (text goes to the shared reader);
//! - [`source`]: bytes → rows (format and encoding detection);
//! - [`parse`]: rows → typed records with problems ([`Parser`]);
//! - [`report`]: the problems an import reports;
//! - [`write`]: templates, exports, CSV.

#![warn(missing_docs)]

pub mod cell;
pub mod formula;
pub mod parse;
pub mod report;
pub mod schema;
pub mod source;
pub mod write;

pub use parse::{Batch, Context, ElementRef, FileInfo, Parser, Records};
pub use report::Problem;
pub use schema::{Kind, UnknownKind};
