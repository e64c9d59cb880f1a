//! API behaviour (filled in below).
