//! The SVG writer every chart uses: XML escaping, coordinate formatting and the document frame
//! (`<svg role="img">` with `<title>`/`<desc>`). Charts never format a number or a string into markup
//! any other way, so escaping and byte-stable coordinates are guaranteed in one place.

use std::borrow::Cow;
use std::fmt::{self, Display, Write as _};

use rust_decimal::Decimal;

use super::style::{FONT_FAMILY, TEXT_COLOUR};

/// Escapes `&`, `<`, `>`, `"` and `'` for XML text and attribute values, and drops the characters
/// XML 1.0 cannot carry at all (C0 controls other than tab/newline/carriage return, U+FFFE/U+FFFF):
/// a label pasted from a spreadsheet must never make the chart ill-formed.
pub fn escape_xml(s: &str) -> Cow<'_, str> {
    let needs_work = s
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'') || !is_xml_char(c));
    if !needs_work {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if !is_xml_char(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// XML 1.0 `Char` production (§2.2).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A screen coordinate or length in SVG user units, printed with at most two decimals and no
/// trailing zeros, so the same input always gives the same bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Px(pub Decimal);

impl Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0.round_dp(2).normalize();
        // `-0` would be a distinct byte sequence for the same position.
        if v.is_zero() {
            f.write_str("0")
        } else {
            write!(f, "{v}")
        }
    }
}

/// Attribute value of any displayable kind; strings are escaped when written.
pub(crate) enum Val<'a> {
    Px(Decimal),
    Str(&'a str),
    Owned(String),
}

impl From<Decimal> for Val<'_> {
    fn from(v: Decimal) -> Self {
        Val::Px(v)
    }
}
impl<'a> From<&'a str> for Val<'a> {
    fn from(v: &'a str) -> Self {
        Val::Str(v)
    }
}
impl From<String> for Val<'_> {
    fn from(v: String) -> Self {
        Val::Owned(v)
    }
}
impl From<u32> for Val<'_> {
    fn from(v: u32) -> Self {
        Val::Px(Decimal::from(v))
    }
}

/// Horizontal text alignment (`text-anchor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Accumulates one SVG document. Elements are written one per line so that snapshot diffs are
/// readable.
pub(crate) struct SvgWriter {
    buf: String,
    depth: usize,
}

impl SvgWriter {
    /// Opens the document: size, accessibility attributes, default font and text colour, then
    /// `<title>` and `<desc>`.
    pub fn open(width: u32, height: u32, class: &str, title: &str, desc: &str) -> Self {
        let mut w = SvgWriter {
            buf: String::with_capacity(4096),
            depth: 0,
        };
        let _ = writeln!(
            w.buf,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
             viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\" class=\"{}\" \
             font-family=\"{FONT_FAMILY}\" font-size=\"12\" fill=\"{TEXT_COLOUR}\">",
            escape_xml(title),
            escape_xml(class),
        );
        w.depth = 1;
        w.leaf_text("title", &[], title);
        w.leaf_text("desc", &[], desc);
        w
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.buf.push_str("  ");
        }
    }

    fn attrs(&mut self, attrs: &[(&str, Val<'_>)]) {
        for (name, value) in attrs {
            self.buf.push(' ');
            self.buf.push_str(name);
            self.buf.push_str("=\"");
            match value {
                Val::Px(v) => {
                    let _ = write!(self.buf, "{}", Px(*v));
                }
                Val::Str(s) => self.buf.push_str(&escape_xml(s)),
                Val::Owned(s) => self.buf.push_str(&escape_xml(s)),
            }
            self.buf.push('"');
        }
    }

    /// `<name attrs/>`
    pub fn leaf(&mut self, name: &str, attrs: &[(&str, Val<'_>)]) {
        self.indent();
        self.buf.push('<');
        self.buf.push_str(name);
        self.attrs(attrs);
        self.buf.push_str("/>\n");
    }

    /// `<name attrs>text</name>` with the text escaped.
    pub fn leaf_text(&mut self, name: &str, attrs: &[(&str, Val<'_>)], text: &str) {
        self.indent();
        self.buf.push('<');
        self.buf.push_str(name);
        self.attrs(attrs);
        self.buf.push('>');
        self.buf.push_str(&escape_xml(text));
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push_str(">\n");
    }

    /// `<name attrs><title>tip</title></name>`: a shape with a native tooltip (no JavaScript).
    pub fn leaf_with_tip(&mut self, name: &str, attrs: &[(&str, Val<'_>)], tip: &str) {
        self.open_tag(name, attrs);
        self.leaf_text("title", &[], tip);
        self.close(name);
    }

    /// `<name attrs>` — must be matched by [`SvgWriter::close`].
    pub fn open_tag(&mut self, name: &str, attrs: &[(&str, Val<'_>)]) {
        self.indent();
        self.buf.push('<');
        self.buf.push_str(name);
        self.attrs(attrs);
        self.buf.push_str(">\n");
        self.depth += 1;
    }

    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push_str(">\n");
    }

    /// A text label. `tip`, when given, becomes a `<title>` child (the full label of a truncated one).
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        x: Decimal,
        y: Decimal,
        anchor: Anchor,
        size: u32,
        extra: &[(&str, Val<'_>)],
        content: &str,
        tip: Option<&str>,
    ) {
        self.indent();
        self.buf.push_str("<text");
        self.attrs(&[("x", x.into()), ("y", y.into())]);
        if anchor != Anchor::Start {
            self.attrs(&[("text-anchor", anchor.as_str().into())]);
        }
        if size != 12 {
            self.attrs(&[("font-size", size.into())]);
        }
        self.attrs(extra);
        self.buf.push('>');
        if let Some(tip) = tip {
            self.buf.push_str("<title>");
            self.buf.push_str(&escape_xml(tip));
            self.buf.push_str("</title>");
        }
        self.buf.push_str(&escape_xml(content));
        self.buf.push_str("</text>\n");
    }

    pub fn finish(mut self) -> String {
        self.buf.push_str("</svg>\n");
        self.buf
    }
}

/// Builds a path `d` attribute from points, one `M` then `L`s.
pub(crate) fn polyline_d(points: &[(Decimal, Decimal)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        let cmd = if i == 0 { 'M' } else { 'L' };
        if i > 0 {
            d.push(' ');
        }
        let _ = write!(d, "{cmd}{},{}", Px(*x), Px(*y));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape_xml(r#"<a href="x">R&D 'q'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;R&amp;D &apos;q&apos;&lt;/a&gt;"
        );
    }

    #[test]
    fn escaping_leaves_plain_chinese_untouched_and_drops_control_characters() {
        assert!(matches!(escape_xml("研发经费投入强度"), Cow::Borrowed(_)));
        assert_eq!(escape_xml("a\u{0}b\u{1b}c\td"), "abc\td");
    }

    #[test]
    fn px_rounds_to_two_decimals_without_trailing_zeros_or_negative_zero() {
        assert_eq!(Px(dec!(12.3456)).to_string(), "12.35");
        assert_eq!(Px(dec!(12.50)).to_string(), "12.5");
        assert_eq!(Px(dec!(-0.001)).to_string(), "0");
        assert_eq!(Px(dec!(40)).to_string(), "40");
    }
}
