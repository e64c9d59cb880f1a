//! Colours, fonts, line patterns and the status-light styles shared by all charts.
//!
//! Every colour that carries meaning has at least 3:1 contrast against white (WCAG 2.1 §1.4.11, non-text
//! contrast) and white text on it has at least 4.5:1 (§1.4.3); the tests below check each pair. Meaning is
//! never carried by colour alone (§1.4.1): status fills also get a pattern and a text label, series also get
//! a dash pattern and a marker shape.

use rust_decimal::Decimal;

use super::svg::{SvgWriter, Val};

/// `font-family` of every chart. Text is drawn by the viewer's fonts (browser, resvg): first the common
/// simplified-Chinese UI fonts of Linux, Windows and macOS, then the generic family. resvg maps
/// `sans-serif` to a CJK face (see [`crate::png`]). Written into the attribute as is: it holds no `"`, `&` or `<`.
pub const FONT_FAMILY: &str = "'Noto Sans CJK SC','Source Han Sans SC','Source Han Sans CN',\
'Microsoft YaHei','PingFang SC','Hiragino Sans GB','WenQuanYi Micro Hei',sans-serif";

/// Body text (labels, values): gray-800 on white, 14.7:1.
pub const TEXT_COLOUR: &str = "#1f2937";
/// Secondary text (tick labels, notes): gray-600 on white, 7.6:1.
pub const MUTED_COLOUR: &str = "#4b5563";
/// Axis lines and reference (target, deadline) lines: gray-700.
pub const AXIS_COLOUR: &str = "#374151";
/// Grid lines: decorative only, so no contrast requirement.
pub const GRID_COLOUR: &str = "#e5e7eb";
/// Empty track of a progress bar and placeholder lines.
pub const TRACK_COLOUR: &str = "#f3f4f6";

/// Series colours, in order; each ≥ 4.5:1 against white.
pub const SERIES_COLOURS: [&str; 6] = [
    "#1d4ed8", // blue-700
    "#c2410c", // orange-700
    "#047857", // emerald-700
    "#7e22ce", // purple-700
    "#be185d", // pink-700
    "#374151", // gray-700
];

/// Dash patterns (`stroke-dasharray`), in order; the first is a solid line.
pub const SERIES_DASHES: [&str; 4] = ["", "7 3", "2 3", "9 3 2 3"];

/// Marker shape of a series, in order, so that series differ in shape as well as colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerShape {
    Circle,
    Square,
    Triangle,
    Diamond,
}

pub(crate) const SERIES_MARKERS: [MarkerShape; 4] = [
    MarkerShape::Circle,
    MarkerShape::Square,
    MarkerShape::Triangle,
    MarkerShape::Diamond,
];

/// The look of series number `i` (colour, dash, marker), cycling independently so that the first
/// twelve series are all distinct.
pub(crate) fn series_style(i: usize) -> (&'static str, &'static str, MarkerShape) {
    (
        SERIES_COLOURS[i % SERIES_COLOURS.len()],
        SERIES_DASHES[i % SERIES_DASHES.len()],
        SERIES_MARKERS[i % SERIES_MARKERS.len()],
    )
}

/// Draws a marker of `shape` centred on (x, y) with half-size `r`.
pub(crate) fn marker(
    w: &mut SvgWriter,
    shape: MarkerShape,
    x: Decimal,
    y: Decimal,
    r: Decimal,
    fill: &str,
    tip: Option<&str>,
) {
    let stroke: [(&str, Val<'_>); 3] = [
        ("fill", fill.into()),
        ("stroke", "#ffffff".into()),
        ("stroke-width", "1".into()),
    ];
    let (name, mut attrs): (&str, Vec<(&str, Val<'_>)>) = match shape {
        MarkerShape::Circle => (
            "circle",
            vec![("cx", x.into()), ("cy", y.into()), ("r", r.into())],
        ),
        MarkerShape::Square => (
            "rect",
            vec![
                ("x", (x - r).into()),
                ("y", (y - r).into()),
                ("width", (r + r).into()),
                ("height", (r + r).into()),
            ],
        ),
        MarkerShape::Triangle => {
            let h = r + r / Decimal::from(4);
            let d = format!(
                "M{},{} L{},{} L{},{} Z",
                super::svg::Px(x),
                super::svg::Px(y - h),
                super::svg::Px(x + h),
                super::svg::Px(y + r),
                super::svg::Px(x - h),
                super::svg::Px(y + r)
            );
            ("path", vec![("d", d.into())])
        }
        MarkerShape::Diamond => {
            let h = r + r / Decimal::from(3);
            let d = format!(
                "M{},{} L{},{} L{},{} L{},{} Z",
                super::svg::Px(x),
                super::svg::Px(y - h),
                super::svg::Px(x + h),
                super::svg::Px(y),
                super::svg::Px(x),
                super::svg::Px(y + h),
                super::svg::Px(x - h),
                super::svg::Px(y)
            );
            ("path", vec![("d", d.into())])
        }
    };
    attrs.extend(stroke);
    match tip {
        Some(tip) => w.leaf_with_tip(name, &attrs, tip),
        None => w.leaf(name, &attrs),
    }
}

/// A warning or status light (预警灯/状态灯) as drawn in a chart. The domain decides what a light means
/// (a task's schedule light 蓝/绿/黄/红, a target's status 达标/正常/预警/滞后); the chart only needs its
/// colour, its pattern and the text label the caller gives with it (see [`StatusMark`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Light {
    /// 蓝灯 — done / achieved ahead. Solid fill with horizontal lines.
    Blue,
    /// 绿灯 — on schedule. Solid fill.
    Green,
    /// 黄灯 — warning. Fill with dots.
    Yellow,
    /// 红灯 — behind / overdue. Fill with diagonal hatching.
    Red,
    /// 灰 — no data / not started. Fill with cross-hatching.
    Grey,
}

impl Light {
    pub const ALL: [Light; 5] = [Light::Blue, Light::Green, Light::Yellow, Light::Red, Light::Grey];

    /// Fill colour: each ≥ 4.5:1 against white, and white text on it ≥ 4.5:1.
    pub fn colour(self) -> &'static str {
        match self {
            Light::Blue => "#1d4ed8",
            Light::Green => "#15803d",
            Light::Yellow => "#a16207",
            Light::Red => "#b91c1c",
            Light::Grey => "#4b5563",
        }
    }

    /// Stable lower-case name, used in element ids and CSS classes (`pt-light-red`).
    pub fn key(self) -> &'static str {
        match self {
            Light::Blue => "blue",
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
            Light::Grey => "grey",
        }
    }

    /// Default Chinese label (蓝灯 …), used when the caller gives none.
    pub fn label_zh(self) -> &'static str {
        match self {
            Light::Blue => "蓝灯",
            Light::Green => "绿灯",
            Light::Yellow => "黄灯",
            Light::Red => "红灯",
            Light::Grey => "无数据",
        }
    }

    /// Default English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Light::Blue => "blue",
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
            Light::Grey => "no data",
        }
    }
}

/// A status shown on a bar or progress bar: the light (colour + pattern) and the words that say the same
/// thing, so that the chart does not rely on colour alone (e.g. `StatusMark::new(Light::Red, "滞后")`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMark {
    pub light: Light,
    pub text: String,
}

impl StatusMark {
    pub fn new(light: Light, text: impl Into<String>) -> Self {
        StatusMark {
            light,
            text: text.into(),
        }
    }
}

/// Writes a `<pattern>` for each light in `lights` (deduplicated by the caller) into `<defs>`.
/// Patterns are white marks over the light's colour, so they also show in greyscale print.
pub(crate) fn write_light_patterns(w: &mut SvgWriter, id_prefix: &str, lights: &[Light]) {
    if lights.is_empty() {
        return;
    }
    w.open_tag("defs", &[]);
    for light in lights {
        let id = pattern_id(id_prefix, *light);
        w.open_tag(
            "pattern",
            &[
                ("id", id.into()),
                ("width", "8".into()),
                ("height", "8".into()),
                ("patternUnits", "userSpaceOnUse".into()),
            ],
        );
        w.leaf(
            "rect",
            &[
                ("width", "8".into()),
                ("height", "8".into()),
                ("fill", light.colour().into()),
            ],
        );
        let mark: [(&str, Val<'_>); 2] = [("stroke", "#ffffff".into()), ("stroke-opacity", "0.55".into())];
        match light {
            Light::Green => {}
            Light::Blue => {
                let mut a: Vec<(&str, Val<'_>)> =
                    vec![("d", "M0,4 H8".into()), ("stroke-width", "1.5".into())];
                a.extend(mark);
                w.leaf("path", &a);
            }
            Light::Yellow => {
                w.leaf(
                    "circle",
                    &[
                        ("cx", "4".into()),
                        ("cy", "4".into()),
                        ("r", "1.5".into()),
                        ("fill", "#ffffff".into()),
                        ("fill-opacity", "0.6".into()),
                    ],
                );
            }
            Light::Red => {
                let mut a: Vec<(&str, Val<'_>)> = vec![
                    ("d", "M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6".into()),
                    ("stroke-width", "1.5".into()),
                ];
                a.extend(mark);
                w.leaf("path", &a);
            }
            Light::Grey => {
                let mut a: Vec<(&str, Val<'_>)> =
                    vec![("d", "M0,0 L8,8 M8,0 L0,8".into()), ("stroke-width", "1".into())];
                a.extend(mark);
                w.leaf("path", &a);
            }
        }
        w.close("pattern");
    }
    w.close("defs");
}

pub(crate) fn pattern_id(id_prefix: &str, light: Light) -> String {
    format!("{id_prefix}-{}", light.key())
}

/// `url(#…)` fill for a light.
pub(crate) fn light_fill(id_prefix: &str, light: Light) -> String {
    format!("url(#{})", pattern_id(id_prefix, light))
}

/// WCAG 2.1 contrast ratio between two `#rrggbb` colours (1.0 … 21.0). Colour maths, not a domain rule,
/// hence floating point. Returns `None` for a malformed colour.
pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    let la = relative_luminance(a)?;
    let lb = relative_luminance(b)?;
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    Some((hi + 0.05) / (lo + 0.05))
}

fn relative_luminance(hex: &str) -> Option<f64> {
    let hex = hex.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let channel = |i: usize| -> Option<f64> {
        let v = u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()?;
        let c = f64::from(v) / 255.0;
        Some(if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_of_black_on_white_is_21() {
        let r = contrast_ratio("#000000", "#ffffff").unwrap();
        assert!((r - 21.0).abs() < 1e-9);
        assert!(contrast_ratio("#fff", "#000000").is_none());
    }

    #[test]
    fn light_colours_meet_wcag_aa_against_white_and_under_white_text() {
        for light in Light::ALL {
            let r = contrast_ratio(light.colour(), "#ffffff").unwrap();
            assert!(r >= 4.5, "{light:?} {} has contrast {r:.2}", light.colour());
        }
    }

    #[test]
    fn series_and_text_colours_meet_wcag_aa_against_white() {
        for c in SERIES_COLOURS
            .iter()
            .chain([TEXT_COLOUR, MUTED_COLOUR, AXIS_COLOUR].iter())
        {
            let r = contrast_ratio(c, "#ffffff").unwrap();
            assert!(r >= 4.5, "{c} has contrast {r:.2}");
        }
    }

    #[test]
    fn the_first_twelve_series_look_different() {
        let styles: std::collections::BTreeSet<String> =
            (0..12).map(|i| format!("{:?}", series_style(i))).collect();
        assert_eq!(styles.len(), 12);
    }
}
