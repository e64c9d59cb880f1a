//! SVG → PNG with resvg, for charts embedded in DOCX (Word needs a raster image).
//!
//! Fonts: a [`Rasterizer`] loads the system fonts once (plus any font directories given), then maps the
//! generic `sans-serif` and `serif` families to a CJK face. This matters: resvg's default `sans-serif` is
//! "Arial", which a Linux server rarely has, and when no font at all matches a text element resvg silently
//! drops the text — the chart comes out without a single label. With a CJK face installed (Debian:
//! `fonts-noto-cjk`, installed by `.ci/run`) everything renders; without one, `sans-serif` is mapped to any
//! installed face so Latin digits still render, CJK glyphs are looked up in any face that has them, and
//! [`Rasterizer::cjk_family`] returns `None` so callers can warn (the PNG is still produced; Chinese
//! characters may be missing). Nothing here panics on missing fonts.
//!
//! ```no_run
//! use plantrack_report::{chart::LineChart, png::Rasterizer};
//! use rust_decimal_macros::dec;
//!
//! let svg = LineChart::new("研发经费投入强度", ["2019", "2020"]).series("区", [Some(dec!(2.1)), Some(dec!(2.4))]).to_svg();
//! let raster = Rasterizer::shared();
//! if raster.cjk_family().is_none() {
//!     eprintln!("no CJK font installed: Chinese labels will be missing from chart images");
//! }
//! let png = raster.render(&svg, 1280, 640)?; // 2× the 640 × 320 chart, sharp when printed
//! assert_eq!(plantrack_report::png::png_size(&png), Some((1280, 640)));
//! # Ok::<(), plantrack_report::png::PngError>(())
//! ```

use std::path::Path;
use std::sync::OnceLock;

use resvg::tiny_skia::{Color, Pixmap, Transform};
use resvg::usvg;

/// CJK sans-serif families tried in order (Linux packages first, then Windows/macOS names).
pub const CJK_SANS_CANDIDATES: [&str; 10] = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
];

/// CJK serif families tried in order for `serif`.
pub const CJK_SERIF_CANDIDATES: [&str; 6] = [
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "AR PL UMing CN",
    "SimSun",
    "Songti SC",
];

/// Why a PNG could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("SVG 无法解析 / the SVG cannot be parsed: {0}")]
    Svg(#[from] usvg::Error),
    #[error("PNG 尺寸无效 {width}×{height} / invalid PNG size {width}×{height}")]
    Size { width: u32, height: u32 },
    #[error("PNG 编码失败 / PNG encoding failed: {0}")]
    Encode(String),
}

/// Renders SVG to PNG with a font database loaded once. Cheap to share (`&Rasterizer` is `Sync`); use
/// [`Rasterizer::shared`] for the process-wide instance with the system fonts.
#[derive(Debug)]
pub struct Rasterizer {
    options: usvg::Options<'static>,
    cjk_sans: Option<String>,
    cjk_serif: Option<String>,
}

impl Rasterizer {
    /// The process-wide rasterizer with the system fonts (loaded on first use, ~0.1 s).
    pub fn shared() -> &'static Rasterizer {
        static SHARED: OnceLock<Rasterizer> = OnceLock::new();
        SHARED.get_or_init(|| Rasterizer::new(true, &[]))
    }

    /// A rasterizer with the system fonts (when `system_fonts`) and the fonts found under `font_dirs`
    /// (e.g. a configured font directory with 仿宋/黑体 files).
    pub fn new(system_fonts: bool, font_dirs: &[&Path]) -> Self {
        let mut options = usvg::Options::default();
        let db = options.fontdb_mut();
        if system_fonts {
            db.load_system_fonts();
        }
        for dir in font_dirs {
            db.load_fonts_dir(dir);
        }
        let families: std::collections::BTreeSet<String> = db
            .faces()
            .flat_map(|f| f.families.iter().map(|(name, _)| name.clone()))
            .collect();
        let first_family = db
            .faces()
            .next()
            .and_then(|f| f.families.first())
            .map(|(n, _)| n.clone());
        let pick = |candidates: &[&str]| {
            candidates
                .iter()
                .find(|f| families.contains(**f))
                .map(|f| (*f).to_owned())
        };
        let cjk_sans = pick(&CJK_SANS_CANDIDATES);
        let cjk_serif = pick(&CJK_SERIF_CANDIDATES);
        // Without a CJK face, any installed face is better than none: text is dropped when nothing matches.
        let any_face = pick(&["DejaVu Sans", "Liberation Sans", "Arial"]).or(first_family);
        if let Some(sans) = cjk_sans.clone().or_else(|| any_face.clone()) {
            db.set_sans_serif_family(sans.clone());
            options.font_family = sans;
        }
        if let Some(serif) = cjk_serif.clone().or_else(|| cjk_sans.clone()).or(any_face) {
            options.fontdb_mut().set_serif_family(serif);
        }
        Rasterizer {
            options,
            cjk_sans,
            cjk_serif,
        }
    }

    /// The CJK sans-serif family used for `sans-serif`, or `None` when no CJK font is installed (Chinese
    /// text may then be missing from PNGs: install `fonts-noto-cjk`).
    pub fn cjk_family(&self) -> Option<&str> {
        self.cjk_sans.as_deref()
    }

    /// The CJK serif family used for `serif`, if any.
    pub fn cjk_serif_family(&self) -> Option<&str> {
        self.cjk_serif.as_deref()
    }

    /// Number of font faces loaded.
    pub fn face_count(&self) -> usize {
        self.options.fontdb.len()
    }

    /// Renders `svg` scaled to exactly `width` × `height` pixels on a white background.
    pub fn render(&self, svg: &str, width: u32, height: u32) -> Result<Vec<u8>, PngError> {
        let pixmap = self.render_pixmap(svg, width, height)?;
        pixmap.encode_png().map_err(|e| PngError::Encode(e.to_string()))
    }

    /// Renders at `scale` × the SVG's own size (e.g. 2 for print-quality images of a 640 × 320 chart).
    pub fn render_scaled(&self, svg: &str, scale: u32) -> Result<Vec<u8>, PngError> {
        let tree = usvg::Tree::from_str(svg, &self.options)?;
        let size = tree.size().to_int_size();
        let (w, h) = (
            size.width().saturating_mul(scale),
            size.height().saturating_mul(scale),
        );
        self.render(svg, w, h)
    }

    fn render_pixmap(&self, svg: &str, width: u32, height: u32) -> Result<Pixmap, PngError> {
        let tree = usvg::Tree::from_str(svg, &self.options)?;
        // 100 megapixels is far beyond any chart and keeps a typo from exhausting memory.
        if u64::from(width) * u64::from(height) > 100_000_000 {
            return Err(PngError::Size { width, height });
        }
        let Some(mut pixmap) = Pixmap::new(width, height) else {
            return Err(PngError::Size { width, height });
        };
        pixmap.fill(Color::WHITE);
        let size = tree.size();
        let transform = Transform::from_scale(width as f32 / size.width(), height as f32 / size.height());
        resvg::render(&tree, transform, &mut pixmap.as_mut());
        Ok(pixmap)
    }

    /// Self-check: renders "中文" and reports whether any ink appeared — `false` means Chinese labels will
    /// be missing from chart images on this machine.
    pub fn renders_chinese(&self) -> bool {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"32\">\
                   <text x=\"4\" y=\"24\" font-family=\"sans-serif\" font-size=\"24\">中文</text></svg>";
        match self.render_pixmap(svg, 64, 32) {
            Ok(p) => p.pixels().iter().any(|c| c.red() < 128),
            Err(_) => false,
        }
    }
}

/// Width and height from a PNG's IHDR chunk, or `None` if `bytes` is not a PNG.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    if bytes.get(..8)? != SIGNATURE || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let be = |r: std::ops::Range<usize>| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(r)?.try_into().ok()?))
    };
    Some((be(16..20)?, be(20..24)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{BarChart, LineChart, Orientation};
    use rust_decimal_macros::dec;

    #[test]
    fn a_chart_renders_to_a_png_of_the_requested_size() {
        let svg = LineChart::new("研发经费投入强度", ["2018", "2019", "2020"])
            .unit("%")
            .series("双台子区", [Some(dec!(1.9)), Some(dec!(2.1)), Some(dec!(2.4))])
            .target(dec!(2.5), None)
            .to_svg();
        let r = Rasterizer::shared();
        let png = r.render(&svg, 1280, 640).unwrap();
        assert_eq!(png_size(&png), Some((1280, 640)));
        let png = r.render_scaled(&svg, 1).unwrap();
        assert_eq!(png_size(&png), Some((640, 320)));
        let bars = BarChart::new("部门", Orientation::Horizontal)
            .bar("区科技局", Some(dec!(3)))
            .to_svg();
        let png = r.render_scaled(&bars, 2).unwrap();
        assert_eq!(png_size(&png).map(|(w, _)| w), Some(1280));
    }

    #[test]
    fn chinese_text_leaves_ink_when_a_cjk_font_is_installed() {
        let r = Rasterizer::shared();
        match r.cjk_family() {
            Some(family) => assert!(
                r.renders_chinese(),
                "{family} is installed but Chinese text vanished"
            ),
            None => {
                eprintln!("no CJK font installed (apt-get install fonts-noto-cjk): skipping the ink check")
            }
        }
    }

    #[test]
    fn without_any_font_rendering_still_succeeds() {
        let r = Rasterizer::new(false, &[]);
        assert_eq!(r.cjk_family(), None);
        assert!(!r.renders_chinese());
        let png = r
            .render(
                &BarChart::new("无字体", Orientation::Vertical)
                    .bar("a", Some(dec!(1)))
                    .to_svg(),
                320,
                160,
            )
            .unwrap();
        assert_eq!(png_size(&png), Some((320, 160)));
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let r = Rasterizer::shared();
        assert!(matches!(r.render("<svg", 10, 10), Err(PngError::Svg(_))));
        let svg = BarChart::new("x", Orientation::Vertical).to_svg();
        assert!(matches!(r.render(&svg, 0, 10), Err(PngError::Size { .. })));
        assert!(matches!(
            r.render(&svg, 100_000, 100_000),
            Err(PngError::Size { .. })
        ));
        assert_eq!(png_size(b"GIF89a"), None);
    }
}
