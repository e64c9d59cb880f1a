//! Sparkline (趋势小图) for a dashboard card: a small trend line without axes, gaps for missing values,
//! the latest value emphasised, an optional dashed target line and an optional target marker (the target
//! value placed at its deadline, e.g. 2.5 % in 2020).

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::line::empty_message;
use super::scale::LinearScale;
use super::style::{AXIS_COLOUR, MarkerShape, SERIES_COLOURS, marker};
use super::svg::{SvgWriter, Val, polyline_d};
use super::{Frame, frame_setters};

/// A sparkline: `(label, value)` points left to right, `None` for a missing value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sparkline {
    pub frame: Frame,
    pub points: Vec<(String, Option<Decimal>)>,
    /// Dashed horizontal line at the target value.
    pub target: Option<Decimal>,
    /// Label of the point where a hollow target marker is drawn at the target value (the deadline).
    pub target_at: Option<String>,
}

const PAD: Decimal = dec!(4);

impl Sparkline {
    /// A 120 × 32 sparkline.
    pub fn new<I, S>(title: impl Into<String>, points: I) -> Self
    where
        I: IntoIterator<Item = (S, Option<Decimal>)>,
        S: Into<String>,
    {
        Sparkline {
            frame: Frame::new(title.into(), 120, 32),
            points: points.into_iter().map(|(l, v)| (l.into(), v)).collect(),
            target: None,
            target_at: None,
        }
    }

    frame_setters!();

    /// Draws a dashed line at `value`; with `at`, also a hollow diamond at (`at`, `value`).
    pub fn target(mut self, value: Decimal, at: Option<String>) -> Self {
        self.target = Some(value);
        self.target_at = at;
        self
    }

    fn target_index(&self) -> Option<usize> {
        let at = self.target_at.as_ref()?;
        self.points.iter().position(|(l, _)| l == at)
    }

    /// The generated description: every point, then the target.
    pub fn summary(&self) -> String {
        let t = &self.frame.text;
        let mut groups = Vec::new();
        let items: Vec<String> = self
            .points
            .iter()
            .map(|(l, v)| format!("{l} {}", self.frame.opt_value_text(*v)))
            .collect();
        if self.points.iter().all(|(_, v)| v.is_none()) {
            groups.push(t.no_data.clone());
        }
        if !items.is_empty() {
            groups.push(items.join(&t.item_sep));
        }
        if let Some(target) = self.target {
            let mut s = format!("{} {}", t.target, self.frame.value_text(target));
            if let Some(at) = self.target_at.as_ref().filter(|_| self.target_index().is_some()) {
                s.push_str(&format!("（{at}）"));
            }
            groups.push(s);
        }
        groups.join(&t.group_sep)
    }

    pub fn to_svg(&self) -> String {
        let f = &self.frame;
        let width = Decimal::from(f.width);
        let height = Decimal::from(f.height);
        let desc = f.desc.clone().unwrap_or_else(|| self.summary());
        let mut w = SvgWriter::open(f.width, f.height, "pt-chart pt-sparkline", &f.title, &desc);

        let mut values: Vec<Decimal> = self.points.iter().filter_map(|(_, v)| *v).collect();
        if values.is_empty() {
            empty_message(&mut w, width, height, &f.text.no_data);
            return w.finish();
        }
        values.extend(self.target);
        let lo = values.iter().copied().min().unwrap_or_default();
        let hi = values.iter().copied().max().unwrap_or_default();
        // A flat series sits in the middle rather than on an edge.
        let (lo, hi) = if lo == hi {
            (
                lo.checked_sub(Decimal::ONE).unwrap_or(lo),
                hi.checked_add(Decimal::ONE).unwrap_or(hi),
            )
        } else {
            (lo, hi)
        };
        let y = LinearScale::new(lo, hi, height - PAD, PAD);
        let n = Decimal::from(self.points.len());
        let band = (width - PAD - PAD) / n;
        let x = |i: usize| PAD + band * (Decimal::from(i) + dec!(0.5));
        let colour = SERIES_COLOURS[0];

        if let Some(target) = self.target {
            let yt = y.map(target);
            w.leaf(
                "line",
                &[
                    ("class", "pt-target".into()),
                    ("x1", PAD.into()),
                    ("x2", (width - PAD).into()),
                    ("y1", yt.into()),
                    ("y2", yt.into()),
                    ("stroke", AXIS_COLOUR.into()),
                    ("stroke-dasharray", "3 2".into()),
                ],
            );
        }

        let mut segment = Vec::new();
        let mut segments = Vec::new();
        for (i, (_, v)) in self.points.iter().enumerate() {
            match v {
                Some(v) => segment.push((x(i), y.map(*v))),
                None => segments.push(std::mem::take(&mut segment)),
            }
        }
        segments.push(segment);
        let last = self
            .points
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, (label, v))| v.map(|v| (i, label, v)));
        let last_xy = last.map(|(i, _, v)| (x(i), y.map(v)));
        for seg in &segments {
            match seg.as_slice() {
                [] => {}
                // The latest value gets its own marker below.
                [p] if Some(*p) == last_xy => {}
                // An isolated value between gaps is a dot, so it is not lost.
                [(px, py)] => w.leaf(
                    "circle",
                    &[
                        ("cx", (*px).into()),
                        ("cy", (*py).into()),
                        ("r", "1.5".into()),
                        ("fill", colour.into()),
                    ],
                ),
                _ => {
                    let attrs: Vec<(&str, Val<'_>)> = vec![
                        ("d", polyline_d(seg).into()),
                        ("fill", "none".into()),
                        ("stroke", colour.into()),
                        ("stroke-width", "1.5".into()),
                        ("stroke-linejoin", "round".into()),
                    ];
                    w.leaf("path", &attrs);
                }
            }
        }

        if let (Some(i), Some(target)) = (self.target_index(), self.target) {
            let (cx, cy) = (x(i), y.map(target));
            let h = dec!(3.5);
            let d = polyline_d(&[(cx, cy - h), (cx + h, cy), (cx, cy + h), (cx - h, cy)]) + " Z";
            w.leaf(
                "path",
                &[
                    ("class", "pt-target-marker".into()),
                    ("d", d.into()),
                    ("fill", "#ffffff".into()),
                    ("stroke", AXIS_COLOUR.into()),
                    ("stroke-width", "1.5".into()),
                ],
            );
        }

        // The latest known value, emphasised.
        if let Some((i, label, v)) = last {
            let tip = format!("{label}{}{}", f.text.kv_sep, f.value_text(v));
            marker(
                &mut w,
                MarkerShape::Circle,
                x(i),
                y.map(v),
                dec!(2.5),
                colour,
                Some(&tip),
            );
        }
        w.finish()
    }
}
