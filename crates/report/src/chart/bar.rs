//! Bar chart (柱状图/条形图), vertical or horizontal, one value per category with an optional status per bar:
//! departments' scores (部门考核得分), enterprises per district, tasks per light. Bars start at zero (negative
//! values go the other way); value labels are printed on every bar; status fills carry a pattern and appear in
//! a legend with their words.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal_macros::dec;

use super::line::{empty_message, label_box, layout_rows, thinning};
use super::measure::{fit_text, text_width};
use super::scale::{LinearScale, format_tick, nice_axis};
use super::style::{
    AXIS_COLOUR, GRID_COLOUR, Light, MUTED_COLOUR, SERIES_COLOURS, StatusMark, light_fill,
    write_light_patterns,
};
use super::svg::{Anchor, SvgWriter};
use super::{Frame, Target, frame_setters};

/// Which way the bars run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// Columns rising from a horizontal category axis (few, short labels: years, lights).
    Vertical,
    /// Bars running right from a vertical list of labels (many or long labels: departments, districts).
    Horizontal,
}

/// One bar: its category label, its value (`None` = missing, shown as 无数据) and an optional status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: Option<Decimal>,
    pub status: Option<StatusMark>,
}

/// A single-series bar chart. Horizontal charts grow with the number of bars: their height is computed
/// when `frame.height` is 0 (the default for [`Orientation::Horizontal`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    pub frame: Frame,
    pub orientation: Orientation,
    pub bars: Vec<Bar>,
    pub target: Option<Target>,
}

const PAD: Decimal = dec!(8);
const TICK_FONT: u32 = 11;
const VALUE_FONT: u32 = 11;
const ROW: Decimal = dec!(28);
const LEGEND_ROW: Decimal = dec!(18);

impl BarChart {
    /// A chart 640 px wide; 320 px high when vertical, automatic height when horizontal.
    pub fn new(title: impl Into<String>, orientation: Orientation) -> Self {
        let height = match orientation {
            Orientation::Vertical => 320,
            Orientation::Horizontal => 0,
        };
        BarChart {
            frame: Frame::new(title.into(), 640, height),
            orientation,
            bars: Vec::new(),
            target: None,
        }
    }

    frame_setters!();

    /// Adds a bar without status.
    pub fn bar(mut self, label: impl Into<String>, value: Option<Decimal>) -> Self {
        self.bars.push(Bar {
            label: label.into(),
            value,
            status: None,
        });
        self
    }

    /// Adds a bar filled with the status's colour and pattern.
    pub fn bar_with_status(
        mut self,
        label: impl Into<String>,
        value: Option<Decimal>,
        status: StatusMark,
    ) -> Self {
        self.bars.push(Bar {
            label: label.into(),
            value,
            status: Some(status),
        });
        self
    }

    /// Adds bars.
    pub fn bars(mut self, bars: impl IntoIterator<Item = Bar>) -> Self {
        self.bars.extend(bars);
        self
    }

    /// Draws a dashed reference line at `value` across the bars.
    pub fn target(mut self, value: Decimal, label: Option<String>) -> Self {
        self.target = Some(Target { value, label });
        self
    }

    fn bar_text(&self, bar: &Bar) -> String {
        let mut s = self.frame.opt_value_text(bar.value);
        if let Some(st) = &bar.status {
            s.push_str(&format!("（{}）", st.text));
        }
        s
    }

    /// The generated description: every bar with its value and status, then the target.
    pub fn summary(&self) -> String {
        let t = &self.frame.text;
        let mut groups = Vec::new();
        if self.bars.iter().all(|b| b.value.is_none()) {
            groups.push(t.no_data.clone());
        }
        let items: Vec<String> = self
            .bars
            .iter()
            .map(|b| format!("{}{}{}", b.label, t.kv_sep, self.bar_text(b)))
            .collect();
        if !items.is_empty() {
            groups.push(items.join(&t.item_sep));
        }
        if let Some(target) = &self.target {
            groups.push(target.label_text(&self.frame));
        }
        groups.join(&t.group_sep)
    }

    /// Distinct status marks in order of first appearance (the legend).
    fn legend_marks(&self) -> Vec<&StatusMark> {
        let mut marks: Vec<&StatusMark> = Vec::new();
        for b in &self.bars {
            if let Some(st) = &b.status
                && !marks.contains(&st)
            {
                marks.push(st);
            }
        }
        marks
    }

    pub fn to_svg(&self) -> String {
        let f = &self.frame;
        let width = Decimal::from(f.width);
        let n = self.bars.len();
        let marks = self.legend_marks();
        let legend_items: Vec<(usize, Decimal)> = marks
            .iter()
            .enumerate()
            .map(|(i, m)| (i, dec!(18) + text_width(&m.text, 12)))
            .collect();
        let legend_rows = layout_rows(&legend_items, width - PAD - PAD);
        let legend_h = if legend_rows.is_empty() {
            Decimal::ZERO
        } else {
            LEGEND_ROW * Decimal::from(legend_rows.len()) + dec!(6)
        };
        let mut top = PAD + dec!(4);
        if f.unit.is_some() {
            top += dec!(14);
        }
        let height_u32 = if f.height > 0 {
            f.height
        } else {
            let target_room = if self.target.is_some() { dec!(14) } else { dec!(0) };
            let h = top + target_room + ROW * Decimal::from(n.max(1)) + dec!(24) + legend_h;
            h.ceil().to_u32().unwrap_or(u32::MAX)
        };
        let height = Decimal::from(height_u32);
        let desc = f.desc.clone().unwrap_or_else(|| self.summary());
        let class = match self.orientation {
            Orientation::Vertical => "pt-chart pt-bar pt-bar-vertical",
            Orientation::Horizontal => "pt-chart pt-bar pt-bar-horizontal",
        };
        let id = f.id_prefix("bar");
        let mut w = SvgWriter::open(f.width, height_u32, class, &f.title, &desc);
        let mut lights: Vec<Light> = marks.iter().map(|m| m.light).collect();
        lights.sort();
        lights.dedup();
        write_light_patterns(&mut w, &id, &lights);
        w.leaf(
            "rect",
            &[
                ("width", width.into()),
                ("height", height.into()),
                ("fill", "#ffffff".into()),
            ],
        );

        let mut values: Vec<Decimal> = self.bars.iter().filter_map(|b| b.value).collect();
        if values.is_empty() {
            empty_message(&mut w, width, height, &f.text.no_data);
            return w.finish();
        }
        values.push(Decimal::ZERO);
        values.extend(self.target.as_ref().map(|t| t.value));
        let lo = values.iter().copied().min().unwrap_or_default();
        let hi = values.iter().copied().max().unwrap_or_default();

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
        let bottom = dec!(24) + legend_h;
        match self.orientation {
            Orientation::Vertical => {
                self.draw_vertical(&mut w, &id, width, height, top + dec!(14), bottom, lo, hi)
            }
            Orientation::Horizontal => {
                let top = if self.target.is_some() {
                    top + dec!(14)
                } else {
                    top
                };
                self.draw_horizontal(&mut w, &id, width, height, top, bottom, lo, hi)
            }
        }

        if !legend_rows.is_empty() {
            w.open_tag("g", &[("class", "pt-legend".into())]);
            let mut ly = height - legend_h + dec!(6) + LEGEND_ROW / dec!(2);
            for row in &legend_rows {
                let mut lx = PAD;
                for (i, item_w) in row {
                    let m = marks[*i];
                    w.leaf(
                        "rect",
                        &[
                            ("x", lx.into()),
                            ("y", (ly - dec!(6)).into()),
                            ("width", "12".into()),
                            ("height", "12".into()),
                            ("fill", light_fill(&id, m.light).into()),
                            ("stroke", AXIS_COLOUR.into()),
                        ],
                    );
                    w.text(lx + dec!(18), ly + dec!(4), Anchor::Start, 12, &[], &m.text, None);
                    lx += *item_w + dec!(16);
                }
                ly += LEGEND_ROW;
            }
            w.close("g");
        }
        w.finish()
    }

    fn fill(&self, id: &str, bar: &Bar) -> String {
        match &bar.status {
            Some(st) => light_fill(id, st.light),
            None => SERIES_COLOURS[0].to_owned(),
        }
    }

    fn tip(&self, bar: &Bar) -> String {
        format!("{}{}{}", bar.label, self.frame.text.kv_sep, self.bar_text(bar))
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_vertical(
        &self,
        w: &mut SvgWriter,
        id: &str,
        width: Decimal,
        height: Decimal,
        top: Decimal,
        bottom: Decimal,
        lo: Decimal,
        hi: Decimal,
    ) {
        let plot_h = (height - top - bottom).max(dec!(20));
        let ticks = (plot_h / dec!(45)).floor().to_usize().unwrap_or(2).clamp(2, 8) + 1;
        let axis = nice_axis(lo, hi, ticks);
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
        let plot_w = (width - left - dec!(16)).max(dec!(20));
        let base = top + plot_h;
        let y = LinearScale::new(axis.min, axis.max, base, top);
        let n = self.bars.len();
        let band = plot_w / Decimal::from(n.max(1));
        let bar_w = (band * dec!(0.6)).min(dec!(56));
        let x = |i: usize| left + band * (Decimal::from(i) + dec!(0.5));
        let y0 = y.map(Decimal::ZERO);

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
        let widest = self
            .bars
            .iter()
            .map(|b| text_width(&b.label, TICK_FONT))
            .max()
            .unwrap_or_default();
        let every = thinning(widest + dec!(6), band);
        for (i, b) in self.bars.iter().enumerate() {
            if i % every != 0 {
                continue;
            }
            let (label, cut) = fit_text(&b.label, band * Decimal::from(every) - dec!(4), TICK_FONT);
            w.text(
                x(i),
                base + dec!(16),
                Anchor::Middle,
                TICK_FONT,
                &[("fill", MUTED_COLOUR.into())],
                &label,
                cut.then_some(b.label.as_str()),
            );
        }
        w.close("g");

        w.open_tag("g", &[("class", "pt-bars".into())]);
        for (i, b) in self.bars.iter().enumerate() {
            let xc = x(i);
            match b.value {
                Some(v) => {
                    let yv = y.map(v);
                    w.leaf_with_tip(
                        "rect",
                        &[
                            ("x", (xc - bar_w / dec!(2)).into()),
                            ("y", yv.min(y0).into()),
                            ("width", bar_w.into()),
                            ("height", (yv - y0).abs().into()),
                            ("fill", self.fill(id, b).into()),
                        ],
                        &self.tip(b),
                    );
                    // Negative bars hang below zero: their label sits above the zero line.
                    let ly = if v < Decimal::ZERO {
                        y0 - dec!(4)
                    } else {
                        yv - dec!(4)
                    };
                    let (label, _) = fit_text(&self.frame.value_text(v), band, VALUE_FONT);
                    w.text(xc, ly, Anchor::Middle, VALUE_FONT, &[], &label, None);
                }
                None => {
                    w.text(
                        xc,
                        y0 - dec!(4),
                        Anchor::Middle,
                        10,
                        &[("fill", MUTED_COLOUR.into())],
                        &self.frame.text.missing,
                        None,
                    );
                }
            }
        }
        w.close("g");
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
                w,
                left + plot_w,
                yt - dec!(5),
                Anchor::End,
                &target.label_text(&self.frame),
            );
            w.close("g");
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_horizontal(
        &self,
        w: &mut SvgWriter,
        id: &str,
        width: Decimal,
        height: Decimal,
        top: Decimal,
        bottom: Decimal,
        lo: Decimal,
        hi: Decimal,
    ) {
        let n = self.bars.len();
        let plot_h = (height - top - bottom).max(dec!(20));
        let row = plot_h / Decimal::from(n.max(1));
        let thickness = (row * dec!(0.6)).min(dec!(18));
        let label_col = self
            .bars
            .iter()
            .map(|b| text_width(&b.label, 12))
            .max()
            .unwrap_or_default()
            .min(width * dec!(0.35));
        let left = PAD + label_col + dec!(8);
        let value_w = self
            .bars
            .iter()
            .map(|b| text_width(&self.frame.opt_value_text(b.value), VALUE_FONT))
            .max()
            .unwrap_or_default();
        let right = PAD + value_w + dec!(4);
        let plot_w = (width - left - right).max(dec!(20));
        let ticks = (plot_w / dec!(80)).floor().to_usize().unwrap_or(2).clamp(2, 8) + 1;
        let axis = nice_axis(lo, hi, ticks);
        let x = LinearScale::new(axis.min, axis.max, left, left + plot_w);
        let base = top + plot_h;
        let yc = |i: usize| top + row * (Decimal::from(i) + dec!(0.5));
        let x0 = x.map(Decimal::ZERO);

        w.open_tag("g", &[("class", "pt-axis".into())]);
        for t in &axis.ticks {
            let xx = x.map(*t);
            w.leaf(
                "line",
                &[
                    ("x1", xx.into()),
                    ("x2", xx.into()),
                    ("y1", top.into()),
                    ("y2", base.into()),
                    ("stroke", GRID_COLOUR.into()),
                ],
            );
            w.text(
                xx,
                base + dec!(16),
                Anchor::Middle,
                TICK_FONT,
                &[("fill", MUTED_COLOUR.into())],
                &format_tick(*t, axis.decimals),
                None,
            );
        }
        for (i, b) in self.bars.iter().enumerate() {
            let (label, cut) = fit_text(&b.label, label_col, 12);
            w.text(
                left - dec!(8),
                yc(i) + dec!(4),
                Anchor::End,
                12,
                &[],
                &label,
                cut.then_some(b.label.as_str()),
            );
        }
        w.close("g");

        w.open_tag("g", &[("class", "pt-bars".into())]);
        for (i, b) in self.bars.iter().enumerate() {
            let cy = yc(i);
            match b.value {
                Some(v) => {
                    let xv = x.map(v);
                    w.leaf_with_tip(
                        "rect",
                        &[
                            ("x", xv.min(x0).into()),
                            ("y", (cy - thickness / dec!(2)).into()),
                            ("width", (xv - x0).abs().into()),
                            ("height", thickness.into()),
                            ("fill", self.fill(id, b).into()),
                        ],
                        &self.tip(b),
                    );
                    // Negative bars run left of zero: their label sits right of the zero line.
                    let lx = if v < Decimal::ZERO {
                        x0 + dec!(4)
                    } else {
                        xv + dec!(4)
                    };
                    w.text(
                        lx,
                        cy + dec!(4),
                        Anchor::Start,
                        VALUE_FONT,
                        &[],
                        &self.frame.value_text(v),
                        None,
                    );
                }
                None => {
                    w.text(
                        x0 + dec!(4),
                        cy + dec!(4),
                        Anchor::Start,
                        10,
                        &[("fill", MUTED_COLOUR.into())],
                        &self.frame.text.missing,
                        None,
                    );
                }
            }
        }
        w.close("g");
        w.leaf(
            "line",
            &[
                ("x1", x0.into()),
                ("x2", x0.into()),
                ("y1", top.into()),
                ("y2", base.into()),
                ("stroke", AXIS_COLOUR.into()),
            ],
        );

        if let Some(target) = &self.target {
            let xt = x.map(target.value);
            w.open_tag("g", &[("class", "pt-target".into())]);
            w.leaf(
                "line",
                &[
                    ("x1", xt.into()),
                    ("x2", xt.into()),
                    ("y1", (top - dec!(4)).into()),
                    ("y2", base.into()),
                    ("stroke", AXIS_COLOUR.into()),
                    ("stroke-width", "1.5".into()),
                    ("stroke-dasharray", "6 4".into()),
                ],
            );
            label_box(
                w,
                xt,
                top - dec!(6),
                Anchor::Middle,
                &target.label_text(&self.frame),
            );
            w.close("g");
        }
    }
}
