//! Accounts and sessions (filled in below).
