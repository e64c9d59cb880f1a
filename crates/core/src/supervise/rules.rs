//! The supervision rules as plan data: the `[supervision]` table of a plan file, with every field defaulted
//! (`#[serde(default)]`) so an absent table or key means the documented default, and unknown keys refused so
//! that a misspelt rule is not silently ignored.
//!
//! ```toml
//! [supervision.reporting]   # DueDateRule
//! [supervision.lights]      # LightRules
//! [supervision.reminders]   # ReminderRules
//! [supervision.scoring]     # ScoringRules (+ .bonus and .deduction tables)
//! ```

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::cycle::DueDateRule;
use super::error::SuperviseError;
use super::light::LightRules;
use super::remind::ReminderRules;
use super::score::ScoringRules;

/// A non-negative number of points (分值 / 阈值), exact. In TOML an integer, a float (read through its
/// shortest decimal text, so `0.5` is exactly 0.5) or a string such as `"0.5"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Points(Decimal);

impl Points {
    /// Zero points.
    pub const ZERO: Points = Points(Decimal::ZERO);

    /// Points from a value; negative values are refused.
    pub fn new(value: Decimal) -> Result<Self, SuperviseError> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(SuperviseError::Negative {
                field: "points",
                value,
            });
        }
        Ok(Points(value.normalize()))
    }

    /// Whole points (for defaults and tests).
    pub fn whole(value: u32) -> Self {
        Points(Decimal::from(value))
    }

    /// The value.
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl TryFrom<Decimal> for Points {
    type Error = SuperviseError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Points::new(value)
    }
}

impl From<Points> for Decimal {
    fn from(p: Points) -> Decimal {
        p.0
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// All supervision rules of a plan (`[supervision]`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupervisionRules {
    /// When progress reports are due.
    pub reporting: DueDateRule,
    /// The schedule light.
    pub lights: LightRules,
    /// Reminders (催办).
    pub reminders: ReminderRules,
    /// Department scoring (考核).
    pub scoring: ScoringRules,
}

impl SupervisionRules {
    /// Reads the rules from a plan file's `[supervision]` table (already parsed as TOML).
    pub fn from_toml_table(table: toml::Table) -> Result<Self, toml::de::Error> {
        toml::Value::Table(table).try_into()
    }

    /// Reads the rules from the text of a `[supervision]` table's body.
    pub fn from_toml_str(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn an_empty_table_gives_the_documented_defaults() {
        let rules = SupervisionRules::from_toml_str("").unwrap();
        assert_eq!(rules, SupervisionRules::default());
        assert_eq!(rules.reporting.monthly_days_after_end, 5);
        assert_eq!(rules.reporting.quarterly_days_after_end, 10);
        assert_eq!(rules.lights.near_deadline_days, 3);
        assert_eq!(rules.lights.behind_schedule_points.value(), dec!(10));
        assert_eq!(rules.lights.red_behind_schedule_points, None);
        assert_eq!(rules.reminders.due_soon_days, 3);
        assert_eq!(rules.scoring.base.value(), dec!(100));
        assert_eq!(rules.scoring.deduction.late_report.value(), dec!(1));
        assert_eq!(rules.scoring.deduction.returned_report.value(), dec!(2));
        assert_eq!(rules.scoring.bonus.closed_on_time.value(), dec!(1));
    }

    #[test]
    fn a_partial_table_overrides_only_what_it_names() {
        let rules = SupervisionRules::from_toml_str(
            r#"
            [reporting]
            monthly_days_after_end = 7
            [lights]
            behind_schedule_points = 12.5
            red_behind_schedule_points = "30"
            [scoring.deduction]
            late_report = 0.5
            "#,
        )
        .unwrap();
        assert_eq!(rules.reporting.monthly_days_after_end, 7);
        assert_eq!(rules.reporting.quarterly_days_after_end, 10);
        assert_eq!(rules.lights.behind_schedule_points.value(), dec!(12.5));
        assert_eq!(
            rules.lights.red_behind_schedule_points.map(Points::value),
            Some(dec!(30))
        );
        assert_eq!(rules.lights.near_deadline_days, 3);
        assert_eq!(rules.scoring.deduction.late_report.value(), dec!(0.5));
        assert_eq!(rules.scoring.deduction.returned_report.value(), dec!(2));
    }

    #[test]
    fn misspelt_keys_and_negative_points_are_refused_with_the_field_named() {
        let err = SupervisionRules::from_toml_str("[lights]\nnear_deadline_dayz = 3\n").unwrap_err();
        assert!(err.to_string().contains("near_deadline_dayz"), "{err}");
        let err = SupervisionRules::from_toml_str("[scoring.deduction]\nlate_report = -1\n").unwrap_err();
        assert!(err.to_string().contains("late_report"), "{err}");
        assert!(err.to_string().contains("不能为负数"), "{err}");
    }

    #[test]
    fn the_rules_round_trip_through_toml() {
        let rules = SupervisionRules::default();
        let text = toml::to_string(&rules).unwrap();
        assert_eq!(SupervisionRules::from_toml_str(&text).unwrap(), rules);
    }
}
