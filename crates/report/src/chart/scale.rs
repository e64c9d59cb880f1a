//! Value → screen conversion, in one place: "nice" axis ranges and tick steps computed exactly in
//! `Decimal`, the linear scale that turns a value into an SVG coordinate, and the formatting of
//! tick and value labels. Every arithmetic step is checked: no input, however large, panics.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// An axis range with its ticks: `ticks` run from `min` to `max` (inclusive) in equal steps of
/// 1, 2, 2.5 or 5 × 10ⁿ, and `decimals` is how many decimal places the tick labels need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Axis {
    pub min: Decimal,
    pub max: Decimal,
    pub ticks: Vec<Decimal>,
    pub decimals: u32,
}

/// Computes a nice axis covering `[a, b]` with about `target_ticks` ticks (at least 2).
///
/// An empty range (`a == b`) is widened to include zero (or to `[0, 1]` for zero itself), so a
/// single point or a constant series still gets a readable axis. When nice rounding would overflow
/// `Decimal` (values near ±7.9 × 10²⁸) the axis falls back to the exact range with two ticks.
pub fn nice_axis(a: Decimal, b: Decimal, target_ticks: usize) -> Axis {
    let (mut lo, mut hi) = if a <= b { (a, b) } else { (b, a) };
    if lo == hi {
        if lo.is_zero() {
            hi = Decimal::ONE;
        } else if lo > Decimal::ZERO {
            lo = Decimal::ZERO;
        } else {
            hi = Decimal::ZERO;
        }
    }
    let intervals = Decimal::from(target_ticks.max(2) - 1);
    nice_axis_exact(lo, hi, intervals).unwrap_or_else(|| Axis {
        min: lo,
        max: hi,
        ticks: vec![lo, hi],
        decimals: lo.normalize().scale().max(hi.normalize().scale()).min(2),
    })
}

fn nice_axis_exact(lo: Decimal, hi: Decimal, intervals: Decimal) -> Option<Axis> {
    let raw = hi.checked_sub(lo)?.checked_div(intervals)?;
    let step = nice_step(raw)?;
    let mut min = lo.checked_div(step)?.floor().checked_mul(step)?;
    let mut max = hi.checked_div(step)?.ceil().checked_mul(step)?;
    // Division by 2, 2.5 or 5 × 10ⁿ is exact in decimal, but guard the invariant anyway.
    if min > lo {
        min = min.checked_sub(step)?;
    }
    if max < hi {
        max = max.checked_add(step)?;
    }
    let mut ticks = Vec::new();
    let mut t = min;
    loop {
        ticks.push(t);
        if t >= max {
            break;
        }
        if ticks.len() > 64 {
            return None;
        }
        t = t.checked_add(step)?;
    }
    Some(Axis {
        min,
        max,
        ticks,
        decimals: step.normalize().scale(),
    })
}

/// The smallest of 1, 2, 2.5, 5, 10 × 10ⁿ that is ≥ `raw` (`raw` > 0).
fn nice_step(raw: Decimal) -> Option<Decimal> {
    if raw <= Decimal::ZERO {
        return None;
    }
    let mut magnitude = Decimal::ONE;
    while magnitude > raw {
        magnitude = magnitude.checked_div(Decimal::TEN)?;
        if magnitude.is_zero() {
            return None;
        }
    }
    while let Some(next) = magnitude.checked_mul(Decimal::TEN) {
        if next > raw {
            break;
        }
        magnitude = next;
    }
    for factor in [dec!(1), dec!(2), dec!(2.5), dec!(5), dec!(10)] {
        let step = magnitude.checked_mul(factor)?;
        if step >= raw {
            return Some(step);
        }
    }
    None
}

/// Maps a domain `[d0, d1]` onto a screen range `[r0, r1]` (r1 < r0 for a y axis pointing up).
/// This is the only place where a data value becomes a coordinate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LinearScale {
    pub d0: Decimal,
    pub d1: Decimal,
    pub r0: Decimal,
    pub r1: Decimal,
}

impl LinearScale {
    pub fn new(d0: Decimal, d1: Decimal, r0: Decimal, r1: Decimal) -> Self {
        LinearScale { d0, d1, r0, r1 }
    }

    pub fn map(&self, v: Decimal) -> Decimal {
        let t = match (v.checked_sub(self.d0), self.d1.checked_sub(self.d0)) {
            (Some(off), Some(span)) if !span.is_zero() => off.checked_div(span),
            // Near the limits of Decimal, quarter everything first: the ratio is the same.
            _ => {
                let four = dec!(4);
                let span = (self.d1 / four).checked_sub(self.d0 / four);
                let off = (v / four).checked_sub(self.d0 / four);
                off.zip(span).and_then(|(o, s)| o.checked_div(s))
            }
        };
        // Values outside the domain (never produced by our charts) stay near the plot.
        let t = t.unwrap_or(dec!(0.5)).clamp(dec!(-1), dec!(2));
        self.r0 + t * (self.r1 - self.r0)
    }
}

/// Formats a tick label with exactly `decimals` places and thousands separators
/// (`1,250.0`); magnitudes of 10¹⁵ and more use the short form `7.92e28`.
pub fn format_tick(v: Decimal, decimals: u32) -> String {
    if let Some(short) = format_huge(v) {
        return short;
    }
    let rounded = v.round_dp(decimals);
    group_thousands(&format!("{rounded:.prec$}", prec = decimals as usize))
}

/// Formats a data value for a label: at most `max_decimals` places, no trailing zeros, thousands
/// separators (`12,345.6`); magnitudes of 10¹⁵ and more use the short form `7.92e28`.
pub fn format_value(v: Decimal, max_decimals: u32) -> String {
    if let Some(short) = format_huge(v) {
        return short;
    }
    let v = v.round_dp(max_decimals).normalize();
    let v = if v.is_zero() { Decimal::ZERO } else { v };
    group_thousands(&v.to_string())
}

fn format_huge(v: Decimal) -> Option<String> {
    let int = v.abs().trunc().mantissa();
    let digits = int.to_string().len();
    if digits < 16 {
        return None;
    }
    let mut exponent = u32::try_from(digits - 1).ok()?;
    // int / 10^exponent, exactly: the same digits with the scale moved.
    let mut mantissa = Decimal::try_from_i128_with_scale(int, exponent).ok()?.round_dp(2);
    if mantissa >= Decimal::TEN {
        mantissa /= Decimal::TEN;
        exponent += 1;
    }
    let sign = if v.is_sign_negative() { "-" } else { "" };
    Some(format!("{sign}{}e{exponent}", mantissa.normalize()))
}

/// Inserts `,` every three digits of the integer part of a plain decimal string.
fn group_thousands(s: &str) -> String {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s),
    };
    let (int, frac) = match rest.find('.') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(frac);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn percentages_get_decimal_steps() {
        let axis = nice_axis(dec!(1.8), dec!(2.5), 6);
        assert_eq!(
            axis.ticks,
            vec![dec!(1.8), dec!(2.0), dec!(2.2), dec!(2.4), dec!(2.6)]
        );
        let axis = nice_axis(dec!(0), dec!(2.5), 6);
        assert_eq!(
            axis.ticks,
            vec![dec!(0), dec!(0.5), dec!(1), dec!(1.5), dec!(2), dec!(2.5)]
        );
        assert_eq!(axis.decimals, 1);
    }

    #[test]
    fn counts_get_whole_steps() {
        let axis = nice_axis(dec!(0), dec!(47), 6);
        assert_eq!(
            axis.ticks,
            vec![dec!(0), dec!(10), dec!(20), dec!(30), dec!(40), dec!(50)]
        );
        assert_eq!(axis.decimals, 0);
    }

    #[test]
    fn negative_ranges_straddle_zero() {
        let axis = nice_axis(dec!(-12), dec!(30), 6);
        assert_eq!(axis.min, dec!(-20));
        assert_eq!(axis.max, dec!(30));
        assert!(axis.ticks.contains(&Decimal::ZERO));
    }

    #[test]
    fn an_empty_range_is_widened_to_include_zero() {
        assert_eq!(nice_axis(dec!(5), dec!(5), 6).min, Decimal::ZERO);
        assert_eq!(nice_axis(dec!(-5), dec!(-5), 6).max, Decimal::ZERO);
        assert_eq!(nice_axis(dec!(0), dec!(0), 6).ticks.last(), Some(&dec!(1)));
    }

    #[test]
    fn the_largest_decimals_fall_back_without_panicking() {
        let axis = nice_axis(Decimal::MIN, Decimal::MAX, 6);
        assert_eq!(axis.ticks, vec![Decimal::MIN, Decimal::MAX]);
        let scale = LinearScale::new(axis.min, axis.max, dec!(0), dec!(100));
        assert_eq!(scale.map(Decimal::ZERO), dec!(50));
        assert_eq!(scale.map(Decimal::MAX), dec!(100));
    }

    #[test]
    fn labels_are_grouped_and_huge_ones_shortened() {
        assert_eq!(format_tick(dec!(1250), 1), "1,250.0");
        assert_eq!(format_tick(dec!(-1234567), 0), "-1,234,567");
        assert_eq!(format_value(dec!(2.50), 2), "2.5");
        assert_eq!(format_value(dec!(-0.001), 2), "0");
        assert_eq!(format_value(dec!(999), 2), "999");
        assert_eq!(format_value(Decimal::MAX, 2), "7.92e28");
        assert_eq!(format_value(Decimal::MIN, 2), "-7.92e28");
        assert_eq!(format_value(dec!(9999999999999999), 2), "1e16");
    }

    fn decimal_in(range: std::ops::Range<i64>) -> impl Strategy<Value = Decimal> {
        (range, 0u32..6).prop_map(|(m, s)| Decimal::new(m, s))
    }

    proptest! {
        #[test]
        fn nice_axis_covers_the_range_in_equal_nice_steps(a in decimal_in(-10_000_000..10_000_000), b in decimal_in(-10_000_000..10_000_000), n in 2usize..10) {
            let axis = nice_axis(a, b, n);
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(axis.min <= lo && axis.max >= hi);
            prop_assert!(axis.ticks.len() >= 2);
            prop_assert!(axis.ticks.len() <= 2 * n + 2, "{} ticks for n={}", axis.ticks.len(), n);
            prop_assert_eq!(axis.ticks.first(), Some(&axis.min));
            prop_assert_eq!(axis.ticks.last(), Some(&axis.max));
            let step = axis.ticks[1] - axis.ticks[0];
            for w in axis.ticks.windows(2) {
                prop_assert_eq!(w[1] - w[0], step);
            }
            // step = f × 10^k with f in {1, 2, 2.5, 5}
            let mut m = step.normalize();
            while m >= Decimal::TEN { m /= Decimal::TEN; }
            while m < Decimal::ONE { m *= Decimal::TEN; }
            prop_assert!([dec!(1), dec!(2), dec!(2.5), dec!(5)].contains(&m.normalize()), "step {}", step);
            // labels with `decimals` places show every tick exactly
            for t in &axis.ticks {
                prop_assert_eq!(t.round_dp(axis.decimals), *t);
            }
        }

        #[test]
        fn the_scale_maps_the_domain_ends_onto_the_range_ends(a in decimal_in(-1_000_000..1_000_000), span in decimal_in(1..1_000_000)) {
            let s = LinearScale::new(a, a + span, dec!(300), dec!(20));
            prop_assert_eq!(s.map(a), dec!(300));
            prop_assert_eq!(s.map(a + span).round_dp(10), dec!(20));
        }
    }
}
