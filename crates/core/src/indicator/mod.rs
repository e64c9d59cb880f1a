//! Indicators (指标): the expression language ([`expr`]), the observation table that holds data-element values
//! per org unit × period ([`table`]), and the evaluator ([`eval`]) that aggregates data elements over periods
//! (flows summed, stocks taken at the period end) and up the org-unit tree *before* dividing.

pub mod eval;
pub mod expr;
pub mod table;

pub use eval::{Evaluation, Evaluator, Input, NoValue, Window};
pub use expr::{BinOp, Expr, ExprError, Function, Node, Shift};
pub use table::{DuplicateObservation, Observation, Observations};
