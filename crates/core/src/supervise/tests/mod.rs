//! Cross-module tests of the supervision engine.
