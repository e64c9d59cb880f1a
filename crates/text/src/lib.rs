//! plantrack-text — reading policy texts (政策文本), pure: no IO.
//!
//! Owns normalisation ([`normalize`]), Chinese and Arabic quantities ([`numbers`]), target and task extraction
//! ([`extract`]), the mapping of indicator phrases onto known indicators ([`indicators`]) and the decoding of raw
//! bytes into text ([`decode`]).

pub mod normalize;

pub use normalize::{NormalizedText, OffsetMap, normalize};
pub mod decode;
pub mod numbers;
