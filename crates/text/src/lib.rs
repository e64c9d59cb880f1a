//! plantrack-text — reading policy texts (政策文本), pure: no IO.
//!
//! Owns normalisation ([`normalize`]), Chinese and Arabic quantities ([`numbers`]), the outline of a text
//! ([`structure`]), target extraction ([`extract`]), the mapping of indicator phrases onto known indicators
//! ([`indicators`]) and the decoding of raw bytes into text ([`decode`]).

pub mod decode;
pub mod document;
pub mod extract;
pub mod indicators;
pub mod normalize;
pub mod numbers;
pub mod plan_draft;
pub mod structure;

pub use decode::{DecodeError, DecodedText, SourceEncoding, decode, decode_text};
pub use document::{DocumentFormat, read_document};
pub use extract::{
    Comparator, DeadlineSource, Evidence, ExtractedTarget, Extraction, ExtractionJson, Firmness, Recurrence,
    ValueRange, extract,
};
pub use indicators::{KnownIndicator, recognise};
pub use normalize::{NormalizedText, OffsetMap, normalize};
pub use numbers::{Bound, Quantity, parse_quantity};
pub use plan_draft::{DraftOptions, default_plan_id, draft_plan_toml, draft_plan_toml_with};
pub use structure::{NodeKind, SectionKind, TaskNode};
