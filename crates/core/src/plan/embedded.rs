//! The default plan compiled into the binary: the Shuangtaizi District plan 2018–2020
//! (`plans/shuangtaizi-2018-2020.toml`).

use super::Plan;

/// Path of the embedded plan's source, relative to the repository root (for messages).
pub const SHUANGTAIZI_PATH: &str = "plans/shuangtaizi-2018-2020.toml";

/// The text of the embedded plan file.
pub const SHUANGTAIZI_TOML: &str = include_str!("../../../../plans/shuangtaizi-2018-2020.toml");

/// The Shuangtaizi plan, read from the embedded file. A test reads it on every build, so this cannot fail in a
/// released binary; the `Result` is kept so that callers never need `unwrap`.
pub fn shuangtaizi() -> Result<Plan, super::PlanErrors> {
    Plan::from_toml(SHUANGTAIZI_TOML, SHUANGTAIZI_PATH)
}
