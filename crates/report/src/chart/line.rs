//! Line chart (折线图) with a value axis, category axis, several series with a legend, an optional target
//! line (目标值) and an optional deadline marker (截止期限), e.g. an indicator by year against its 2020 target.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal_macros::dec;

use super::measure::{fit_text, text_width};
use super::scale::{LinearScale, format_tick, nice_axis};
use super::style::{AXIS_COLOUR, GRID_COLOUR, MUTED_COLOUR, marker, series_style};
use super::svg::{Anchor, SvgWriter, Val, polyline_d};
use super::{Frame, Series, Target, frame_setters};

/// A vertical marker at one category (e.g. the plan's deadline year 2020). Without a label the chart
/// writes "截止 2020".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub category: String,
    pub label: Option<String>,
}

/// A line chart over categories (periods). Build with [`LineChart::new`] and the setters, render with
/// [`LineChart::to_svg`]. A series shorter than the categories is padded with missing values; extra
/// values are ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineChart {
    pub frame: Frame,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    pub target: Option<Target>,
    pub deadline: Option<Deadline>,
    /// Whether the value axis must include zero (default false: the axis fits the data and the target).
    pub include_zero: bool,
    /// Show the legend: `None` (default) shows it when there is more than one series.
    pub legend: Option<bool>,
}

const PAD: Decimal = dec!(8);
const TICK_FONT: u32 = 11;
const LEGEND_ROW: Decimal = dec!(18);

impl LineChart {
    /// A 640 × 320 chart titled `title` over `categories` (x axis labels, left to right).
    pub fn new<I, S>(title: impl Into<String>, categories: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        LineChart {
            frame: Frame::new(title.into(), 640, 320),
            categories: categories.into_iter().map(Into::into).collect(),
            series: Vec::new(),
            target: None,
            deadline: None,
            include_zero: false,
            legend: None,
        }
    }

    frame_setters!();

    /// Adds a series.
    pub fn series<I>(mut self, name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = Option<Decimal>>,
    {
        self.series.push(Series {
            name: name.into(),
            values: values.into_iter().collect(),
        });
        self
    }

    /// Draws a dashed target line at `value`.
    pub fn target(mut self, value: Decimal, label: Option<String>) -> Self {
        self.target = Some(Target { value, label });
        self
    }

    /// Draws a deadline marker at the category named `category` (ignored if there is none).
    pub fn deadline(mut self, category: impl Into<String>, label: Option<String>) -> Self {
        self.deadline = Some(Deadline {
            category: category.into(),
            label,
        });
        self
    }

    pub fn include_zero(mut self, yes: bool) -> Self {
        self.include_zero = yes;
        self
    }

    pub fn legend(mut self, show: bool) -> Self {
        self.legend = Some(show);
        self
    }

    fn value(&self, series: &Series, i: usize) -> Option<Decimal> {
        series.values.get(i).copied().flatten()
    }

    fn deadline_index(&self) -> Option<usize> {
        let d = self.deadline.as_ref()?;
        self.categories.iter().position(|c| *c == d.category)
    }

    fn deadline_label(&self) -> Option<String> {
        let d = self.deadline.as_ref()?;
        Some(match &d.label {
            Some(l) => l.clone(),
            None => format!("{} {}", self.frame.text.deadline, d.category),
        })
    }

    /// The generated description: every series with every value, the target and the deadline.
    pub fn summary(&self) -> String {
        let t = &self.frame.text;
        let mut groups = Vec::new();
        for s in &self.series {
            let items: Vec<String> = self
                .categories
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c} {}", self.frame.opt_value_text(self.value(s, i))))
                .collect();
            groups.push(format!("{}{}{}", s.name, t.kv_sep, items.join(&t.item_sep)));
        }
        if self.series.is_empty() || self.categories.is_empty() {
            groups.push(t.no_data.clone());
        }
        if let Some(target) = &self.target {
            groups.push(target.label_text(&self.frame));
        }
        if self.deadline_index().is_some() {
            groups.extend(self.deadline_label());
        }
        groups.join(&t.group_sep)
    }

    /// Renders the chart as a standalone `<svg>` element.
    pub fn to_svg(&self) -> String {
        let f = &self.frame;
        let width = Decimal::from(f.width);
        let height = Decimal::from(f.height);
        let desc = f.desc.clone().unwrap_or_else(|| self.summary());
        let mut w = SvgWriter::open(f.width, f.height, "pt-chart pt-line", &f.title, &desc);
        w.leaf(
            "rect",
            &[
                ("width", width.into()),
                ("height", height.into()),
                ("fill", "#ffffff".into()),
            ],
        );

        let n = self.categories.len();
        let mut values: Vec<Decimal> = self
            .series
            .iter()
            .flat_map(|s| (0..n).filter_map(|i| self.value(s, i)))
            .collect();
        if values.is_empty() {
            empty_message(&mut w, width, height, &f.text.no_data);
            return w.finish();
        }
        if let Some(target) = &self.target {
            values.push(target.value);
        }
        if self.include_zero {
            values.push(Decimal::ZERO);
        }
        let lo = values.iter().copied().min().unwrap_or_default();
        let hi = values.iter().copied().max().unwrap_or_default();

        // Legend layout first: it decides the bottom margin.
        let show_legend = self.legend.unwrap_or(self.series.len() > 1);
        let legend_items: Vec<(usize, Decimal)> = if show_legend {
            self.series
                .iter()
                .enumerate()
                .map(|(i, s)| (i, dec!(28) + text_width(&s.name, 12)))
                .collect()
        } else {
            Vec::new()
        };
        let legend_rows = layout_rows(&legend_items, width - PAD - PAD);
        let legend_h = LEGEND_ROW * Decimal::from(legend_rows.len());

        let mut top = PAD + dec!(4);
        if f.unit.is_some() {
            top += dec!(14);
        }
        // Room above the plot for the deadline label and for a target label when the target is the maximum.
        if self.deadline_index().is_some() || self.target.is_some() {
            top += dec!(14);
        }
        let bottom = dec!(24) + legend_h + if legend_rows.is_empty() { dec!(0) } else { dec!(6) };
        let plot_h = (height - top - bottom).max(dec!(20));
        let tick_target = (plot_h / dec!(45)).floor().to_usize().unwrap_or(2).clamp(2, 8) + 1;
        let axis = nice_axis(lo, hi, tick_target);
        let labels: Vec<String> = axis
            .ticks
            .iter()
            .map(|t| format_tick(*t, axis.decimals))
            .collect();
        let label_w = labels
            .iter()
            .map(|l| text_width(l, TICK_FONT))
            .max()
            .unwrap_or_default();
        let left = (PAD + label_w + dec!(6)).min(width / dec!(3));
        let right = dec!(16);
        let plot_w = (width - left - right).max(dec!(20));
        let base = top + plot_h;
        let y = LinearScale::new(axis.min, axis.max, base, top);
        let band = plot_w / Decimal::from(n.max(1));
        let x = |i: usize| left + band * (Decimal::from(i) + dec!(0.5));

        if let Some(unit) = &f.unit {
            w.text(
                PAD,
                PAD + dec!(8),
                Anchor::Start,
                TICK_FONT,
                &[("fill", MUTED_COLOUR.into())],
                &format!("{}{unit}", f.text.unit),
                None,
            );
        }

        // Grid, tick labels, axes.
        w.open_tag("g", &[("class", "pt-axis".into())]);
        for (t, label) in axis.ticks.iter().zip(&labels) {
            let yy = y.map(*t);
            w.leaf(
                "line",
                &[
                    ("x1", left.into()),
                    ("x2", (left + plot_w).into()),
                    ("y1", yy.into()),
                    ("y2", yy.into()),
                    ("stroke", GRID_COLOUR.into()),
                ],
            );
            w.text(
                left - dec!(6),
                yy + dec!(4),
                Anchor::End,
                TICK_FONT,
                &[("fill", MUTED_COLOUR.into())],
                label,
                None,
            );
        }
        if axis.min < Decimal::ZERO && axis.max > Decimal::ZERO {
            let y0 = y.map(Decimal::ZERO);
            w.leaf(
                "line",
                &[
                    ("x1", left.into()),
                    ("x2", (left + plot_w).into()),
                    ("y1", y0.into()),
                    ("y2", y0.into()),
                    ("stroke", AXIS_COLOUR.into()),
                ],
            );
        }
        w.leaf(
            "line",
            &[
                ("x1", left.into()),
                ("x2", (left + plot_w).into()),
                ("y1", base.into()),
                ("y2", base.into()),
                ("stroke", AXIS_COLOUR.into()),
            ],
        );
        // Category labels, thinned when they would overlap.
        let widest = self
            .categories
            .iter()
            .map(|c| text_width(c, TICK_FONT))
            .max()
            .unwrap_or_default();
        let every = thinning(widest + dec!(6), band);
        for (i, c) in self.categories.iter().enumerate() {
            if i % every != 0 {
                continue;
            }
            let (label, cut) = fit_text(c, band * Decimal::from(every) - dec!(4), TICK_FONT);
            w.text(
                x(i),
                base + dec!(16),
                Anchor::Middle,
                TICK_FONT,
                &[("fill", MUTED_COLOUR.into())],
                &label,
                cut.then_some(c.as_str()),
            );
        }
        w.close("g");

        if let (Some(i), Some(label)) = (self.deadline_index(), self.deadline_label()) {
            let xd = x(i);
            w.open_tag("g", &[("class", "pt-deadline".into())]);
            w.leaf(
                "line",
                &[
                    ("x1", xd.into()),
                    ("x2", xd.into()),
                    ("y1", top.into()),
                    ("y2", base.into()),
                    ("stroke", AXIS_COLOUR.into()),
                    ("stroke-dasharray", "2 3".into()),
                ],
            );
            // Left of the line, at the top: the target label sits at the left end, so the two never meet
            // unless the deadline is the first category.
            let (anchor, lx) = if i == 0 {
                (Anchor::Start, xd + dec!(4))
            } else {
                (Anchor::End, xd - dec!(4))
            };
            label_box(&mut w, lx, top - dec!(4), anchor, &label);
            w.close("g");
        }

        if let Some(target) = &self.target {
            let yt = y.map(target.value);
            w.open_tag("g", &[("class", "pt-target".into())]);
            w.leaf(
                "line",
                &[
                    ("x1", left.into()),
                    ("x2", (left + plot_w).into()),
                    ("y1", yt.into()),
                    ("y2", yt.into()),
                    ("stroke", AXIS_COLOUR.into()),
                    ("stroke-width", "1.5".into()),
                    ("stroke-dasharray", "6 4".into()),
                ],
            );
            label_box(
                &mut w,
                left + dec!(4),
                yt - dec!(5),
                Anchor::Start,
                &target.label_text(f),
            );
            w.close("g");
        }

        for (si, s) in self.series.iter().enumerate() {
            let (colour, dash, shape) = series_style(si);
            w.open_tag("g", &[("class", "pt-series".into())]);
            let mut segment: Vec<(Decimal, Decimal)> = Vec::new();
            let mut segments = Vec::new();
            for i in 0..n {
                match self.value(s, i) {
                    Some(v) => segment.push((x(i), y.map(v))),
                    None => segments.push(std::mem::take(&mut segment)),
                }
            }
            segments.push(segment);
            for seg in segments.iter().filter(|seg| seg.len() > 1) {
                let mut attrs: Vec<(&str, Val<'_>)> = vec![
                    ("d", polyline_d(seg).into()),
                    ("fill", "none".into()),
                    ("stroke", colour.into()),
                    ("stroke-width", "2".into()),
                    ("stroke-linejoin", "round".into()),
                ];
                if !dash.is_empty() {
                    attrs.push(("stroke-dasharray", dash.into()));
                }
                w.leaf("path", &attrs);
            }
            for i in 0..n {
                if let Some(v) = self.value(s, i) {
                    let tip = format!(
                        "{} · {}{}{}",
                        s.name,
                        self.categories[i],
                        f.text.kv_sep,
                        f.value_text(v)
                    );
                    marker(&mut w, shape, x(i), y.map(v), dec!(4), colour, Some(&tip));
                }
            }
            w.close("g");
        }

        if !legend_rows.is_empty() {
            w.open_tag("g", &[("class", "pt-legend".into())]);
            let mut ly = height - legend_h - dec!(2) + LEGEND_ROW / dec!(2);
            for row in &legend_rows {
                let mut lx = PAD;
                for (si, item_w) in row {
                    let (colour, dash, shape) = series_style(*si);
                    let mut attrs: Vec<(&str, Val<'_>)> = vec![
                        ("x1", lx.into()),
                        ("x2", (lx + dec!(22)).into()),
                        ("y1", ly.into()),
                        ("y2", ly.into()),
                        ("stroke", colour.into()),
                        ("stroke-width", "2".into()),
                    ];
                    if !dash.is_empty() {
                        attrs.push(("stroke-dasharray", dash.into()));
                    }
                    w.leaf("line", &attrs);
                    marker(&mut w, shape, lx + dec!(11), ly, dec!(4), colour, None);
                    w.text(
                        lx + dec!(28),
                        ly + dec!(4),
                        Anchor::Start,
                        12,
                        &[],
                        &self.series[*si].name,
                        None,
                    );
                    lx += *item_w + dec!(16);
                }
                ly += LEGEND_ROW;
            }
            w.close("g");
        }
        w.finish()
    }
}

/// A reference-line label on a white box, so that lines crossing it do not hide it.
pub(crate) fn label_box(w: &mut SvgWriter, x: Decimal, baseline: Decimal, anchor: Anchor, label: &str) {
    let tw = text_width(label, TICK_FONT) + dec!(4);
    let x0 = match anchor {
        Anchor::Start => x - dec!(2),
        Anchor::Middle => x - tw / dec!(2),
        Anchor::End => x - tw + dec!(2),
    };
    w.leaf(
        "rect",
        &[
            ("x", x0.into()),
            ("y", (baseline - dec!(11)).into()),
            ("width", tw.into()),
            ("height", "14".into()),
            ("fill", "#ffffff".into()),
            ("fill-opacity", "0.85".into()),
        ],
    );
    w.text(x, baseline, anchor, TICK_FONT, &[], label, None);
}

/// Shows every `k`-th category label so that labels of `label_w` fit in bands of `band`.
pub(crate) fn thinning(label_w: Decimal, band: Decimal) -> usize {
    if band <= Decimal::ZERO {
        return 1;
    }
    (label_w / band).ceil().to_usize().unwrap_or(1).max(1)
}

/// Packs legend items `(index, width)` into rows of at most `max_w`.
pub(crate) fn layout_rows(items: &[(usize, Decimal)], max_w: Decimal) -> Vec<Vec<(usize, Decimal)>> {
    let mut rows: Vec<Vec<(usize, Decimal)>> = Vec::new();
    let mut used = Decimal::ZERO;
    for &(i, iw) in items {
        match rows.last_mut() {
            Some(row) if used + iw <= max_w => {
                row.push((i, iw));
                used += iw + dec!(16);
            }
            _ => {
                rows.push(vec![(i, iw)]);
                used = iw + dec!(16);
            }
        }
    }
    rows
}

/// The placeholder of a chart without any value.
pub(crate) fn empty_message(w: &mut SvgWriter, width: Decimal, height: Decimal, text: &str) {
    w.leaf(
        "rect",
        &[
            ("x", "0.5".into()),
            ("y", "0.5".into()),
            ("width", (width - Decimal::ONE).into()),
            ("height", (height - Decimal::ONE).into()),
            ("fill", "none".into()),
            ("stroke", GRID_COLOUR.into()),
        ],
    );
    let size = if height < dec!(40) { 10 } else { 14 };
    w.text(
        width / dec!(2),
        height / dec!(2) + Decimal::from(size) / dec!(3),
        Anchor::Middle,
        size,
        &[("fill", MUTED_COLOUR.into()), ("class", "pt-no-data".into())],
        text,
        None,
    );
}
