//! Progress bar (完成进度) for percent complete: a track with the share done filled in (with the status's
//! colour and pattern), the percentage and the status in words, and an optional marker for the expected
//! progress by now (序时进度), so "behind schedule" is visible without colour.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::measure::{fit_text, text_width};
use super::scale::LinearScale;
use super::style::{
    AXIS_COLOUR, MUTED_COLOUR, SERIES_COLOURS, StatusMark, TRACK_COLOUR, light_fill, write_light_patterns,
};
use super::svg::{Anchor, SvgWriter};
use super::{Frame, frame_setters};

/// A horizontal progress bar, 320 px wide. The unit defaults to `%`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressBar {
    pub frame: Frame,
    /// Percent complete (0–100; more than 100 is printed as is and drawn full). `None` = not reported.
    pub percent: Option<Decimal>,
    /// Expected percent by now (序时进度).
    pub expected: Option<Decimal>,
    pub status: Option<StatusMark>,
}

const PAD: Decimal = dec!(2);
const TRACK_Y: Decimal = dec!(24);
const TRACK_H: Decimal = dec!(12);

impl ProgressBar {
    /// A progress bar labelled (and titled) `label`.
    pub fn new(label: impl Into<String>, percent: Option<Decimal>) -> Self {
        let mut frame = Frame::new(label.into(), 320, 42);
        frame.unit = Some("%".to_owned());
        frame.decimals = 1;
        ProgressBar {
            frame,
            percent,
            expected: None,
            status: None,
        }
    }

    frame_setters!();

    /// Marks the expected progress (序时进度); adds a line under the bar for its label.
    pub fn expected(mut self, expected: Option<Decimal>) -> Self {
        self.expected = expected;
        if expected.is_some() && self.frame.height < 56 {
            self.frame.height = 56;
        }
        self
    }

    pub fn status(mut self, status: StatusMark) -> Self {
        self.status = Some(status);
        self
    }

    fn headline(&self) -> String {
        let mut s = self.frame.opt_value_text(self.percent);
        if let Some(st) = &self.status {
            s.push(' ');
            s.push_str(&st.text);
        }
        s
    }

    /// The generated description: label, percent, expected progress, status.
    pub fn summary(&self) -> String {
        let f = &self.frame;
        let mut groups = vec![format!(
            "{}{}{}",
            f.title,
            f.text.kv_sep,
            f.opt_value_text(self.percent)
        )];
        if let Some(e) = self.expected {
            groups.push(format!("{} {}", f.text.expected, f.value_text(e)));
        }
        if let Some(st) = &self.status {
            groups.push(st.text.clone());
        }
        groups.join(&f.text.group_sep)
    }

    pub fn to_svg(&self) -> String {
        let f = &self.frame;
        let width = Decimal::from(f.width);
        let desc = f.desc.clone().unwrap_or_else(|| self.summary());
        let id = f.id_prefix("progress");
        let mut w = SvgWriter::open(f.width, f.height, "pt-chart pt-progress", &f.title, &desc);
        if let Some(st) = &self.status {
            write_light_patterns(&mut w, &id, &[st.light]);
        }
        let headline = self.headline();
        let head_w = text_width(&headline, 13);
        let (label, cut) = fit_text(&f.title, width - head_w - dec!(12), 13);
        w.text(
            PAD,
            dec!(16),
            Anchor::Start,
            13,
            &[],
            &label,
            cut.then_some(f.title.as_str()),
        );
        w.text(
            width - PAD,
            dec!(16),
            Anchor::End,
            13,
            &[("font-weight", "bold".into())],
            &headline,
            None,
        );

        let track_w = width - PAD - PAD;
        let x = LinearScale::new(Decimal::ZERO, dec!(100), PAD, PAD + track_w);
        w.leaf(
            "rect",
            &[
                ("x", PAD.into()),
                ("y", TRACK_Y.into()),
                ("width", track_w.into()),
                ("height", TRACK_H.into()),
                ("rx", "3".into()),
                ("fill", TRACK_COLOUR.into()),
                ("stroke", "#9ca3af".into()),
            ],
        );
        if let Some(p) = self.percent {
            let done = x.map(p.clamp(Decimal::ZERO, dec!(100))) - PAD;
            let fill = match &self.status {
                Some(st) => light_fill(&id, st.light),
                None => SERIES_COLOURS[0].to_owned(),
            };
            w.leaf(
                "rect",
                &[
                    ("class", "pt-progress-done".into()),
                    ("x", PAD.into()),
                    ("y", TRACK_Y.into()),
                    ("width", done.into()),
                    ("height", TRACK_H.into()),
                    ("rx", "3".into()),
                    ("fill", fill.into()),
                ],
            );
        }
        if let Some(e) = self.expected {
            let xe = x.map(e.clamp(Decimal::ZERO, dec!(100)));
            w.leaf(
                "line",
                &[
                    ("class", "pt-expected".into()),
                    ("x1", xe.into()),
                    ("x2", xe.into()),
                    ("y1", (TRACK_Y - dec!(4)).into()),
                    ("y2", (TRACK_Y + TRACK_H + dec!(4)).into()),
                    ("stroke", AXIS_COLOUR.into()),
                    ("stroke-width", "2".into()),
                ],
            );
            let text = format!("{} {}", f.text.expected, f.value_text(e));
            let half = text_width(&text, 11) / dec!(2);
            let (anchor, lx) = if xe - half < PAD {
                (Anchor::Start, PAD)
            } else if xe + half > width - PAD {
                (Anchor::End, width - PAD)
            } else {
                (Anchor::Middle, xe)
            };
            w.text(
                lx,
                TRACK_Y + TRACK_H + dec!(16),
                anchor,
                11,
                &[("fill", MUTED_COLOUR.into())],
                &text,
                None,
            );
        }
        w.finish()
    }
}
