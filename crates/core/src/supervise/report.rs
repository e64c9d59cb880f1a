//! Progress reports (进展反馈): the percent-complete value, what a department submits, what the item records,
//! and the status of each reporting slot (on time, late, missing, not yet due, or not owed).
//!
//! Timeliness rule: the *first* report on a slot's period decides whether the slot was reported on time
//! (submitted on or before the due date). Later reports on the same period (a resubmission after 退回, or a
//! supplement) are never late themselves: the return is scored on its own (anchors.md §5.3, 佳木斯: −1 late,
//! −2 returned), and charging lateness again would count one fault twice.

use std::fmt;

use jiff::civil::{Date, DateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::cycle::{Period, ReportingSlot};
use super::error::SuperviseError;
use super::ids::Actor;

/// Percent complete (完成进度), 0–100, exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Percent(Decimal);

impl Percent {
    /// Nothing done.
    pub const ZERO: Percent = Percent(Decimal::ZERO);
    /// Done.
    pub const HUNDRED: Percent = Percent(Decimal::ONE_HUNDRED);

    /// Parses a percentage; values outside 0–100 are refused.
    pub fn new(value: Decimal) -> Result<Self, SuperviseError> {
        if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            return Err(SuperviseError::PercentOutOfRange { value });
        }
        Ok(Percent(value.normalize()))
    }

    /// The value, 0–100.
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl TryFrom<Decimal> for Percent {
    type Error = SuperviseError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Percent::new(value)
    }
}

impl From<Percent> for Decimal {
    fn from(p: Percent) -> Decimal {
        p.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

/// What a department submits as a progress report (反馈内容).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressInput {
    /// The month or quarter reported on. `None` lets the engine choose: the period a returned report belongs
    /// to, else the earliest started period not yet reported whose report is still on time, else the latest
    /// started period not yet reported, else the latest started period (a supplement). The recorded step always
    /// holds the chosen period.
    #[serde(default)]
    pub period: Option<Period>,
    /// Percent complete.
    pub percent: Percent,
    /// The report's text.
    pub text: String,
    /// Evidence attachments, by the store's attachment id (the store checks size and type).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Links to the data behind the report (indicator/target ids or URLs).
    #[serde(default)]
    pub data_links: Vec<String>,
}

/// A return (退回) of a progress report: who, when, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReturnNote {
    /// When it was returned.
    pub at: DateTime,
    /// Who returned it.
    pub by: Actor,
    /// Why.
    pub reason: String,
}

/// A progress report as the item holds it (反馈记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressReport {
    /// 1-based number of the report within its item.
    pub number: u32,
    /// The workflow step that filed it.
    pub step: u32,
    /// The period reported on.
    pub period: Period,
    /// When it was submitted.
    pub submitted_at: DateTime,
    /// Who submitted it.
    pub by: Actor,
    /// Percent complete.
    pub percent: Percent,
    /// Text.
    pub text: String,
    /// Evidence attachment ids.
    pub evidence: Vec<String>,
    /// Data links.
    pub data_links: Vec<String>,
    /// Whether an earlier report on the same period exists (a resubmission or supplement; never late).
    pub resubmission: bool,
    /// Set when the report was returned (退回).
    pub returned: Option<ReturnNote>,
}

/// How a reporting slot stands on a date (报送情况).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SlotState {
    /// Due date not passed and nothing reported yet.
    NotDueYet,
    /// First report on or before the due date.
    OnTime {
        /// Submission date of the first report.
        submitted_on: Date,
    },
    /// First report after the due date (迟报).
    Late {
        /// Submission date of the first report.
        submitted_on: Date,
    },
    /// Due date passed, nothing reported (未报).
    Missing,
    /// Not owed: on its due date the item was closed or awaiting the closure decision.
    Exempt,
}

impl SlotState {
    /// Whether the slot counts as reported late (迟报 or 未报 once due).
    pub fn is_late(self) -> bool {
        matches!(self, SlotState::Late { .. } | SlotState::Missing)
    }
}

/// A reporting slot with its status on the evaluation date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SlotStatus {
    /// The slot.
    pub slot: ReportingSlot,
    /// Its status.
    #[serde(flatten)]
    pub state: SlotState,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn percent_accepts_its_bounds_and_refuses_just_outside_them() {
        assert_eq!(Percent::new(dec!(0)).unwrap(), Percent::ZERO);
        assert_eq!(Percent::new(dec!(100.00)).unwrap(), Percent::HUNDRED);
        assert!(Percent::new(dec!(-0.01)).is_err());
        assert!(Percent::new(dec!(100.01)).is_err());
        let p: Percent = serde_json::from_str("\"37.5\"").unwrap();
        assert_eq!(p.value(), dec!(37.5));
        assert!(serde_json::from_str::<Percent>("\"101\"").is_err());
    }
}
