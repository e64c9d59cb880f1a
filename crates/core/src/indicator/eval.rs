//! The evaluator: an indicator's value for an org unit and period, with the inputs it used, or a typed
//! [`NoValue`] that says why there is none.
//!
//! Aggregation rules (DHIS2's "aggregate, then compute", anchors.md §1.2):
//!
//! * **Over time.** Every data element is aggregated over the *window* being evaluated (at first the period
//!   asked; `cum`, `ytd`, `yoy` and offsets move or widen it). A **flow** is the sum over the window, taken from
//!   the coarsest stored periods that tile it (a year, else its quarters, else their months — all parts
//!   needed). A **stock** is the value at the window's last day (stored for the year, its last quarter or its
//!   last month).
//! * **Over the org-unit tree.** A unit that has its own figure for a period (at any granularity that covers it)
//!   is taken at its own figure — it is the authoritative total (e.g. the city statistics bureau's), and adding
//!   its children as well would count twice. Otherwise the unit's value is the sum of its children's values,
//!   recursively; if any child has no value, neither has the parent (a partial sum would understate it).
//! * **Then arithmetic.** Operators apply to the aggregated values, so a city's R&D intensity is
//!   Σ R&D / Σ GDP of its districts, never the mean of their ratios.
//!
//! Arithmetic is exact `Decimal` with checked operations: a division by zero, an overflow or a missing input
//! gives [`NoValue`], never NaN or a silent 0.

use std::collections::HashMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

use super::expr::{BinOp, Expr, Function, Node, Shift};
use super::table::Observations;
use crate::period::Period;
use crate::plan::{DataElementId, ElementKind, IndicatorId, OrgUnitCode, Plan};

/// A stretch of whole months, `start..=end` as [`Period::first_month_index`] values. Empty when
/// `start > end` (e.g. a cumulative sum asked for before the plan starts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// First month index.
    pub start: i32,
    /// Last month index (inclusive).
    pub end: i32,
}

impl Window {
    /// The months of one period.
    pub fn of(period: Period) -> Window {
        Window {
            start: period.first_month_index(),
            end: period.last_month_index(),
        }
    }

    /// Whether the window has no month.
    pub fn is_empty(self) -> bool {
        self.start > self.end
    }

    /// The fewest calendar periods that tile the window: whole years, then quarters, then months.
    pub fn periods(self) -> Vec<Period> {
        let mut out = Vec::new();
        let mut m = self.start;
        while m <= self.end {
            let step = if m.rem_euclid(12) == 0 && m + 11 <= self.end {
                12
            } else if m.rem_euclid(3) == 0 && m + 2 <= self.end {
                3
            } else {
                1
            };
            let p = Period::from_month_index(m);
            let p = match (p, step) {
                (Some(p), 12) => Some(p.whole_year()),
                (Some(p), 3) => p.parent(),
                (p, _) => p,
            };
            if let Some(p) = p {
                out.push(p);
            }
            m += step;
        }
        out
    }

    fn shifted(self, months: i32) -> Window {
        Window {
            start: self.start + months,
            end: self.end + months,
        }
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ps = self.periods();
        match (ps.first(), ps.last()) {
            (Some(a), Some(b)) if a == b => write!(f, "{a}"),
            (Some(a), Some(b)) => write!(f, "{a}–{b}"),
            _ => f.write_str("∅"),
        }
    }
}

impl Serialize for Window {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why an expression has no value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum NoValue {
    /// A data element has no value for the org unit (nor for all its children) in part of the window.
    #[error("缺少数据 {element}({org_unit}, {period}) / missing data: {element} for {org_unit} in {period}")]
    Missing {
        /// The data element.
        element: DataElementId,
        /// The org unit whose value could not be formed (the deepest one).
        org_unit: OrgUnitCode,
        /// The period that lacks a value.
        period: Period,
    },
    /// The divisor is zero.
    #[error("除数为零: {divisor} / division by zero: {divisor}")]
    DivisionByZero {
        /// The divisor, as an expression.
        divisor: String,
    },
    /// A stock asked over a window with no month (before its start).
    #[error("期间为空 / empty period window for {element}")]
    EmptyWindow {
        /// The data element.
        element: DataElementId,
    },
    /// A shifted period falls outside the supported years.
    #[error("期间超出范围 / period out of range")]
    PeriodOutOfRange,
    /// The result does not fit a decimal.
    #[error("数值溢出 / arithmetic overflow")]
    Overflow,
    /// The indicator is not in the plan.
    #[error("未知指标 {0} / unknown indicator {0}")]
    UnknownIndicator(String),
}

/// One aggregated input of an evaluation: a data element over a window for an org unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Input {
    /// The data element.
    pub element: DataElementId,
    /// The window, e.g. `2019`, `2018–2019`, `2019Q1–2019Q3`.
    pub window: Window,
    /// The aggregated value, if there is one.
    pub value: Option<Decimal>,
}

/// An indicator value (or why there is none) with the inputs it used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// The value, or why there is none.
    pub value: Result<Decimal, NoValue>,
    /// Every aggregated input, in evaluation order (repeats removed).
    pub inputs: Vec<Input>,
}

/// Evaluates indicators of one plan over one observation table. Cheap to build; holds only indexes.
pub struct Evaluator<'a> {
    plan: &'a Plan,
    data: &'a Observations,
    children: HashMap<&'a OrgUnitCode, Vec<&'a OrgUnitCode>>,
    kinds: HashMap<&'a DataElementId, ElementKind>,
    plan_start: i32,
}

#[derive(Clone, Copy)]
struct At<'o> {
    org: &'o OrgUnitCode,
    period: Period,
    window: Window,
}

impl<'a> Evaluator<'a> {
    /// An evaluator over `data` for the indicators, data elements and org-unit tree of `plan`.
    pub fn new(plan: &'a Plan, data: &'a Observations) -> Evaluator<'a> {
        let mut children: HashMap<&OrgUnitCode, Vec<&OrgUnitCode>> = HashMap::new();
        for u in plan.org_units() {
            if let Some(p) = &u.parent {
                children.entry(p).or_default().push(&u.code);
            }
        }
        let kinds = plan.data_elements().iter().map(|e| (&e.id, e.kind)).collect();
        Evaluator {
            plan,
            data,
            children,
            kinds,
            plan_start: plan.meta().first_year * 12,
        }
    }

    /// The plan.
    pub fn plan(&self) -> &'a Plan {
        self.plan
    }

    /// The value of indicator `id` for `org` in `period`.
    pub fn indicator(&self, id: &IndicatorId, org: &OrgUnitCode, period: Period) -> Evaluation {
        match self.plan.indicator(id) {
            Some(ind) => self.expr(&ind.expression, org, period),
            None => Evaluation {
                value: Err(NoValue::UnknownIndicator(id.to_string())),
                inputs: Vec::new(),
            },
        }
    }

    /// The value of any expression for `org` in `period`.
    pub fn expr(&self, expr: &Expr, org: &OrgUnitCode, period: Period) -> Evaluation {
        let mut inputs = Vec::new();
        let at = At {
            org,
            period,
            window: Window::of(period),
        };
        let value = self.node(expr.root(), at, &mut inputs);
        Evaluation { value, inputs }
    }

    /// A data element aggregated over `window` for `org` (see the module documentation).
    pub fn element(
        &self,
        element: &DataElementId,
        org: &OrgUnitCode,
        window: Window,
    ) -> Result<Decimal, NoValue> {
        // Elements not declared in the plan are treated as flows; plans are checked so this does not happen.
        match self.kinds.get(element).copied().unwrap_or(ElementKind::Flow) {
            ElementKind::Flow => {
                let mut sum = Decimal::ZERO;
                for p in window.periods() {
                    let v = self.flow(element, org, p)?;
                    sum = sum.checked_add(v).ok_or(NoValue::Overflow)?;
                }
                Ok(sum)
            }
            ElementKind::Stock => {
                if window.is_empty() {
                    return Err(NoValue::EmptyWindow {
                        element: element.clone(),
                    });
                }
                self.stock(element, org, window.end)
            }
        }
    }

    /// Flow over one calendar period: own figure, else the children's sum.
    fn flow(&self, el: &DataElementId, org: &OrgUnitCode, p: Period) -> Result<Decimal, NoValue> {
        let gap = match self.own_flow(el, org, p) {
            Ok(v) => return Ok(v),
            Err(gap) => gap,
        };
        if self.children.get(org).is_some_and(|k| !k.is_empty()) {
            return self.sum_children(el, org, p, |c| self.flow(el, c, p));
        }
        Err(NoValue::Missing {
            element: el.clone(),
            org_unit: org.clone(),
            period: gap,
        })
    }

    /// The unit's own figure for a period, from the period itself or all of its parts. On failure, the period
    /// that is missing: the first missing part when some parts have data, the period itself when none has.
    fn own_flow(&self, el: &DataElementId, org: &OrgUnitCode, p: Period) -> Result<Decimal, Period> {
        if let Some(v) = self.data.get(org, el, p) {
            return Ok(v);
        }
        let parts = p.parts();
        if parts.is_empty() || !self.data.has_any(org, el) {
            return Err(p);
        }
        let results: Vec<_> = parts.iter().map(|q| self.own_flow(el, org, *q)).collect();
        if results.iter().all(Result::is_err) {
            return Err(p);
        }
        let mut sum = Decimal::ZERO;
        for r in results {
            // An overflow (beyond 7.9 × 10²⁸) is not a real amount; it is reported as the period lacking a value.
            sum = sum.checked_add(r?).ok_or(p)?;
        }
        Ok(sum)
    }

    /// Stock at the end of month `end`: own figure, else the children's sum.
    fn stock(&self, el: &DataElementId, org: &OrgUnitCode, end: i32) -> Result<Decimal, NoValue> {
        let month = Period::from_month_index(end).ok_or(NoValue::PeriodOutOfRange)?;
        // Periods ending with this month, coarsest first: the year (December), the quarter, the month.
        let mut candidates = vec![month];
        if let Some(q) = month.parent().filter(|q| q.last_month_index() == end) {
            candidates.insert(0, q);
            if let Some(y) = q.parent().filter(|y| y.last_month_index() == end) {
                candidates.insert(0, y);
            }
        }
        if let Some(v) = candidates.iter().find_map(|p| self.data.get(org, el, *p)) {
            return Ok(v);
        }
        self.sum_children(el, org, candidates[0], |c| self.stock(el, c, end))
    }

    fn sum_children(
        &self,
        el: &DataElementId,
        org: &OrgUnitCode,
        p: Period,
        value_of: impl Fn(&OrgUnitCode) -> Result<Decimal, NoValue>,
    ) -> Result<Decimal, NoValue> {
        let missing = || NoValue::Missing {
            element: el.clone(),
            org_unit: org.clone(),
            period: p,
        };
        let kids = self
            .children
            .get(org)
            .filter(|k| !k.is_empty())
            .ok_or_else(missing)?;
        let mut sum = Decimal::ZERO;
        for c in kids {
            sum = sum.checked_add(value_of(c)?).ok_or(NoValue::Overflow)?;
        }
        Ok(sum)
    }

    fn node(&self, n: &Node, at: At<'_>, inputs: &mut Vec<Input>) -> Result<Decimal, NoValue> {
        match n {
            Node::Number(v) => Ok(*v),
            Node::Element(el) => {
                let v = self.element(el, at.org, at.window);
                let input = Input {
                    element: el.clone(),
                    window: at.window,
                    value: v.as_ref().ok().copied(),
                };
                if !inputs.contains(&input) {
                    inputs.push(input);
                }
                v
            }
            Node::Neg(a) => Ok(-self.node(a, at, inputs)?),
            Node::Binary { op, lhs, rhs } => {
                // Both sides are evaluated so that every input shows in the explanation, even when one is
                // missing.
                let a = self.node(lhs, at, inputs);
                let b = self.node(rhs, at, inputs);
                let (a, b) = (a?, b?);
                match op {
                    BinOp::Add => a.checked_add(b).ok_or(NoValue::Overflow),
                    BinOp::Sub => a.checked_sub(b).ok_or(NoValue::Overflow),
                    BinOp::Mul => a.checked_mul(b).ok_or(NoValue::Overflow),
                    BinOp::Div => {
                        if b.is_zero() {
                            Err(NoValue::DivisionByZero {
                                divisor: rhs.to_string(),
                            })
                        } else {
                            a.checked_div(b).ok_or(NoValue::Overflow)
                        }
                    }
                }
            }
            Node::Call { func, arg } => match func {
                Function::Cum => {
                    let window = Window {
                        start: self.plan_start,
                        end: at.window.end,
                    };
                    self.node(arg, At { window, ..at }, inputs)
                }
                Function::Ytd => {
                    let window = Window {
                        start: at.window.end.div_euclid(12) * 12,
                        end: at.window.end,
                    };
                    self.node(arg, At { window, ..at }, inputs)
                }
                Function::Yoy => {
                    let cur = self.node(arg, at, inputs);
                    let prev = self.node(arg, self.shift(at, 12)?, inputs);
                    let (cur, prev) = (cur?, prev?);
                    if prev.is_zero() {
                        return Err(NoValue::DivisionByZero {
                            divisor: format!("{arg}[-1y]"),
                        });
                    }
                    let ratio = cur.checked_div(prev).ok_or(NoValue::Overflow)?;
                    (ratio - Decimal::ONE)
                        .checked_mul(Decimal::ONE_HUNDRED)
                        .ok_or(NoValue::Overflow)
                }
            },
            Node::Offset { inner, shift } => {
                let months = match shift {
                    Shift::Periods(n) => n.checked_mul(at.period.granularity().months()),
                    Shift::Years(n) => n.checked_mul(12),
                }
                .ok_or(NoValue::PeriodOutOfRange)?;
                self.node(inner, self.shift(at, -months)?, inputs)
            }
        }
    }

    /// The context `months` months earlier (positive = back in time).
    fn shift<'o>(&self, at: At<'o>, months: i32) -> Result<At<'o>, NoValue> {
        let period = at.period.shift_months(-months).ok_or(NoValue::PeriodOutOfRange)?;
        Ok(At {
            org: at.org,
            period,
            window: at.window.shifted(-months),
        })
    }
}

#[cfg(test)]
mod tests;
