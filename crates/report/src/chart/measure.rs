//! Text measuring for layout. Charts are drawn before any font is known (the browser or resvg picks it),
//! so widths are estimated: a wide (CJK, full-width) character is 1 em, anything else 0.6 em — a little
//! generous for Latin text, which keeps labels from colliding.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use unicode_width::UnicodeWidthChar;

/// Estimated width of one character in em.
fn char_em(c: char) -> Decimal {
    match c.width() {
        Some(2) => Decimal::ONE,
        Some(0) => Decimal::ZERO,
        _ => dec!(0.6),
    }
}

/// Estimated width of `s` at `font_size` px.
pub(crate) fn text_width(s: &str, font_size: u32) -> Decimal {
    s.chars().map(char_em).sum::<Decimal>() * Decimal::from(font_size)
}

/// `s` shortened with `…` to fit `max_width` at `font_size`; the flag says whether it was shortened
/// (the caller then puts the full text in a tooltip).
pub(crate) fn fit_text(s: &str, max_width: Decimal, font_size: u32) -> (String, bool) {
    if text_width(s, font_size) <= max_width {
        return (s.to_owned(), false);
    }
    let size = Decimal::from(font_size);
    let budget = max_width - size; // room for the ellipsis
    let mut used = Decimal::ZERO;
    let mut out = String::new();
    for c in s.chars() {
        let w = char_em(c) * size;
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    (out, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_characters_are_one_em_and_latin_narrower() {
        assert_eq!(text_width("研发", 12), dec!(24));
        assert_eq!(text_width("R&D", 10), dec!(18));
    }

    #[test]
    fn long_labels_are_shortened_with_an_ellipsis() {
        let (s, cut) = fit_text("双台子区科学技术和工业信息化局", dec!(60), 12);
        assert!(cut);
        assert_eq!(s, "双台子区…");
        assert_eq!(fit_text("科技局", dec!(60), 12), ("科技局".to_owned(), false));
    }
}
