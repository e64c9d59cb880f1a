//! Server-side charts as hand-written SVG (no dependency): a dashboard [`Sparkline`], a [`LineChart`] with
//! axes, a target line and a deadline marker, a [`BarChart`] (vertical or horizontal) and a
//! [`ProgressBar`] for percent complete.
//!
//! What every chart guarantees:
//! - **Byte-stable**: the same input gives the same bytes (coordinates are `Decimal`s rounded to two
//!   places in one formatter), so pages and documents can be snapshot-tested.
//! - **Readable without JavaScript and printable**: presentation is in attributes, not CSS; the background
//!   is white; tooltips are native `<title>` elements.
//! - **Accessible**: `role="img"`, `aria-label` (the title), `<title>` and `<desc>`. When no description is
//!   given, one is generated from the data (every value, the target, the deadline), so a screen reader
//!   hears the numbers.
//! - **Not colour alone**: series differ in colour, dash and marker shape and have a legend; status fills
//!   ([`Light`]) carry a pattern and a text label ([`StatusMark`]). Colours meet WCAG AA contrast.
//! - **Text is escaped** (XML) everywhere; Chinese text is drawn by the viewer's fonts ([`FONT_FAMILY`]).
//! - **Exact inputs**: values are `Decimal`; missing values are `None` and show as gaps, never as zero.
//!
//! ```
//! use plantrack_report::chart::{LineChart, Light, ProgressBar, StatusMark};
//! use rust_decimal_macros::dec;
//!
//! let svg = LineChart::new("研发经费投入强度", ["2017", "2018", "2019", "2020"])
//!     .unit("%")
//!     .series("双台子区", [Some(dec!(1.6)), Some(dec!(1.9)), None, Some(dec!(2.3))])
//!     .target(dec!(2.5), None)
//!     .deadline("2020", None)
//!     .to_svg();
//! assert!(svg.starts_with("<svg") && svg.contains("<title>研发经费投入强度</title>"));
//!
//! let bar = ProgressBar::new("建设产业技术研究院", Some(dec!(60)))
//!     .expected(Some(dec!(75)))
//!     .status(StatusMark::new(Light::Yellow, "预警"))
//!     .to_svg();
//! assert!(bar.contains("60%") && bar.contains("预警"));
//! ```
//!
//! Several charts inlined in one HTML page should get distinct ids ([`Frame::id`]); by default the id is
//! derived from the title, so two charts with the same title share pattern definitions that are identical.

mod bar;
mod line;
mod measure;
mod progress;
pub mod scale;
mod sparkline;
mod style;
mod svg;

pub use bar::{Bar, BarChart, Orientation};
pub use line::{Deadline, LineChart};
pub use progress::ProgressBar;
pub use scale::{Axis, format_tick, format_value, nice_axis};
pub use sparkline::Sparkline;
pub use style::{
    AXIS_COLOUR, FONT_FAMILY, Light, MUTED_COLOUR, SERIES_COLOURS, StatusMark, TEXT_COLOUR, contrast_ratio,
};
pub use svg::escape_xml;

use rust_decimal::Decimal;

/// The fixed words a chart draws itself (no data, target, deadline …), so that the web's translation
/// layer can supply them. [`ChartText::zh`] is the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartText {
    /// Shown in place of a chart that has no value at all: 暂无数据.
    pub no_data: String,
    /// A missing value in descriptions and bar labels: 无数据.
    pub missing: String,
    /// Prefix of the target line's label: 目标.
    pub target: String,
    /// Prefix of the deadline marker's label: 截止.
    pub deadline: String,
    /// Prefix of the expected-progress marker (序时进度): 序时.
    pub expected: String,
    /// Prefix of the unit note above the value axis: 单位：
    pub unit: String,
    /// Between a name and its value in descriptions: `：`
    pub kv_sep: String,
    /// Between items in descriptions: `，`
    pub item_sep: String,
    /// Between groups (series, target …) in descriptions: `；`
    pub group_sep: String,
}

impl ChartText {
    pub fn zh() -> Self {
        ChartText {
            no_data: "暂无数据".into(),
            missing: "无数据".into(),
            target: "目标".into(),
            deadline: "截止".into(),
            expected: "序时".into(),
            unit: "单位：".into(),
            kv_sep: "：".into(),
            item_sep: "，".into(),
            group_sep: "；".into(),
        }
    }

    pub fn en() -> Self {
        ChartText {
            no_data: "No data".into(),
            missing: "no data".into(),
            target: "Target".into(),
            deadline: "Deadline".into(),
            expected: "Expected".into(),
            unit: "Unit: ".into(),
            kv_sep: ": ".into(),
            item_sep: ", ".into(),
            group_sep: "; ".into(),
        }
    }
}

impl Default for ChartText {
    fn default() -> Self {
        ChartText::zh()
    }
}

/// What every chart has besides its data: title (`<title>`, `aria-label`), description (`<desc>`, generated
/// from the data when `None`), size in px (the `viewBox`; scale it with CSS), an element-id prefix, the
/// fixed words, the unit appended to values (`%`, `家`, `万元`) and the maximum decimals of value labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub title: String,
    pub desc: Option<String>,
    pub width: u32,
    pub height: u32,
    pub id: Option<String>,
    pub text: ChartText,
    pub unit: Option<String>,
    pub decimals: u32,
}

impl Frame {
    pub(crate) fn new(title: String, width: u32, height: u32) -> Self {
        Frame {
            title,
            desc: None,
            width,
            height,
            id: None,
            text: ChartText::zh(),
            unit: None,
            decimals: 2,
        }
    }

    /// Id prefix for `<pattern>` elements: the given id (reduced to `[A-Za-z0-9_-]`) or `pt` + a hash of
    /// the title.
    pub(crate) fn id_prefix(&self, kind: &str) -> String {
        match &self.id {
            Some(id) => {
                let clean: String = id
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                    .collect();
                if clean.is_empty() { "pt".to_owned() } else { clean }
            }
            None => format!("pt-{kind}-{:08x}", fnv1a32(&self.title)),
        }
    }

    /// A value as labelled on the chart: grouped digits plus the unit.
    pub(crate) fn value_text(&self, v: Decimal) -> String {
        let mut s = format_value(v, self.decimals);
        if let Some(unit) = &self.unit {
            s.push_str(unit);
        }
        s
    }

    pub(crate) fn opt_value_text(&self, v: Option<Decimal>) -> String {
        match v {
            Some(v) => self.value_text(v),
            None => self.text.missing.clone(),
        }
    }
}

fn fnv1a32(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// One named series of values, aligned with the chart's categories; `None` is a missing value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<Decimal>>,
}

/// A reference line at a target value (目标值). Without a label the chart writes "目标 2.5%".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub value: Decimal,
    pub label: Option<String>,
}

impl Target {
    pub(crate) fn label_text(&self, frame: &Frame) -> String {
        match &self.label {
            Some(l) => l.clone(),
            None => format!("{} {}", frame.text.target, frame.value_text(self.value)),
        }
    }
}

/// The builder methods every chart shares (they set fields of its [`Frame`]).
macro_rules! frame_setters {
    () => {
        /// Sets the description (`<desc>`); by default it is generated from the data.
        pub fn desc(mut self, desc: impl Into<String>) -> Self {
            self.frame.desc = Some(desc.into());
            self
        }
        /// Sets the size in px (the `viewBox`).
        pub fn size(mut self, width: u32, height: u32) -> Self {
            self.frame.width = width;
            self.frame.height = height;
            self
        }
        /// Sets the element-id prefix (needed when several charts with the same title share a page).
        pub fn id(mut self, id: impl Into<String>) -> Self {
            self.frame.id = Some(id.into());
            self
        }
        /// Sets the fixed words (e.g. [`ChartText::en`](crate::chart::ChartText::en)).
        pub fn text(mut self, text: crate::chart::ChartText) -> Self {
            self.frame.text = text;
            self
        }
        /// Sets the unit appended to value labels (`%`, `家`, `万元`).
        pub fn unit(mut self, unit: impl Into<String>) -> Self {
            self.frame.unit = Some(unit.into());
            self
        }
        /// Sets the maximum number of decimals of value labels (default 2).
        pub fn decimals(mut self, decimals: u32) -> Self {
            self.frame.decimals = decimals;
            self
        }
    };
}
pub(crate) use frame_setters;

#[cfg(test)]
mod tests;
