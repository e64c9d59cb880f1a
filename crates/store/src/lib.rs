//! plantrack-store — see `../shared/design/architecture.md` for what this crate owns.
