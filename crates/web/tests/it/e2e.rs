//! End-to-end tests in headless Chromium (filled in below).
