//! Official documents (公文) as DOCX, laid out after GB/T 9704-2012《党政机关公文格式》 as far as a DOCX can
//! carry it: A4, margins top 37 mm / bottom 35 mm / left 28 mm / right 26 mm (版心 156 × 225 mm), 22 lines per
//! page (fixed line spacing 28.95 pt), title in 方正小标宋简体 二号 centred, body in 仿宋_GB2312 三号 with a
//! two-character first-line indent, headings 一、(黑体) （一）(楷体_GB2312) 1.（仿宋 bold) （1）(仿宋), page numbers
//! "— 1 —" in 宋体 四号 (odd pages right, even pages left, one character in), tables with a repeated header
//! row, embedded chart images, attachments note (附件说明) and the issuing body with its date (发文机关署名、成文日期,
//! GB/T 9704 §7.3.5.2: the date's first character two characters right of the issuer's).
//!
//! Fonts are referenced by name only (the official fonts are proprietary and never shipped). `fontTable.xml`
//! names a substitute for each (`w:altName`: 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体), which
//! Word and WPS use when the font is missing; LibreOffice substitutes through fontconfig (Noto Serif/Sans CJK
//! on Debian). [`OfficialFonts::common`] uses the fonts every Chinese Windows has, [`OfficialFonts::noto`] the
//! free Noto CJK fonts, for readers without the official ones.
//!
//! ```
//! use plantrack_report::docx::{Block, DocTable, OfficialDocument, Section};
//!
//! let doc = OfficialDocument::new("关于2019年第四季度重点任务督导检查情况的通报")
//!     .number_line("双科督〔2019〕4号")
//!     .recipients("各镇（街道），区直各有关部门：")
//!     .paragraph("按照区政府常务会议部署，现将第四季度督导检查情况通报如下。")
//!     .section(
//!         Section::new("总体情况")
//!             .paragraph("全区8项主要目标中，5项达到序时进度。")
//!             .table(DocTable::new(["指标", "目标值", "完成值"]).row(["研发经费投入强度（%）", "2.5", "2.31"])),
//!     )
//!     .issuer("双台子区科技工作领导小组办公室")
//!     .date(jiff::civil::date(2019, 12, 31));
//! let bytes = doc.to_docx()?;
//! assert!(bytes.starts_with(b"PK"));
//! # Ok::<(), plantrack_report::docx::DocxError>(())
//! ```

use std::io::Cursor;

use chinese_number::{ChineseCase, ChineseCountMethod, ChineseVariant, NumberToChinese};
use docx_rs::{
    AlignmentType, BorderType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer, HeightRule,
    InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Pic, Run, RunFonts, SpecialIndentType, Table,
    TableAlignmentType, TableCell, TableLayoutType, TableRow, VAlignType, WidthType,
};
use jiff::civil::Date;
use unicode_width::UnicodeWidthStr;

use crate::chart::escape_xml;
use crate::png::{PngError, Rasterizer, png_size};

// Page geometry in twips (1/20 pt; 1 mm = 56.69 twips). GB/T 9704-2012 §5.2.1–5.2.2.
const A4_W: u32 = 11906;
const A4_H: u32 = 16838;
const MARGIN_TOP: i32 = 2098; // 37 mm
const MARGIN_BOTTOM: i32 = 1984; // 35 mm
const MARGIN_LEFT: i32 = 1587; // 28 mm
const MARGIN_RIGHT: i32 = 1474; // 26 mm
/// 版心 width: 156 mm.
pub const TEXT_WIDTH_TWIPS: u32 = A4_W - (MARGIN_LEFT + MARGIN_RIGHT) as u32;
/// Page number's top about 7 mm under the text block (§7.5): footer edge ≈ 22 mm from the page bottom.
const FOOTER_DISTANCE: i32 = 1247;
/// 22 lines on 225 mm: 28.95 pt (§5.2.2).
const LINE_PITCH: i32 = 579;
/// Minimum table row heights (8 mm header, 7 mm body); the header value also marks header rows.
const HEADER_ROW_HEIGHT: f32 = 454.0;
const BODY_ROW_HEIGHT: f32 = 397.0;
/// One 三号 character (16 pt) in twips.
const BODY_CHAR: i32 = 320;

// Font sizes in half-points (字号).
const SIZE_ER: usize = 44; // 二号 22 pt
const SIZE_SAN: usize = 32; // 三号 16 pt
const SIZE_SI: usize = 28; // 四号 14 pt
const SIZE_XIAO_SI: usize = 24; // 小四 12 pt

/// The fonts of an official document. Names only: the reader's Word/WPS supplies the faces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialFonts {
    /// Title (标题): 方正小标宋简体.
    pub title: String,
    /// Body text (正文): 仿宋_GB2312.
    pub body: String,
    /// First-level headings 一、 and table headers: 黑体.
    pub heading1: String,
    /// Second-level headings （一）: 楷体_GB2312.
    pub heading2: String,
    /// Page numbers: 宋体.
    pub page_number: String,
    /// Latin letters and digits in text: Times New Roman.
    pub latin: String,
}

impl OfficialFonts {
    /// The fonts GB/T 9704-2012 names.
    pub fn gb9704() -> Self {
        OfficialFonts {
            title: "方正小标宋简体".into(),
            body: "仿宋_GB2312".into(),
            heading1: "黑体".into(),
            heading2: "楷体_GB2312".into(),
            page_number: "宋体".into(),
            latin: "Times New Roman".into(),
        }
    }

    /// Fonts every simplified-Chinese Windows has (宋体, 仿宋, 黑体, 楷体).
    pub fn common() -> Self {
        OfficialFonts {
            title: "宋体".into(),
            body: "仿宋".into(),
            heading1: "黑体".into(),
            heading2: "楷体".into(),
            page_number: "宋体".into(),
            latin: "Times New Roman".into(),
        }
    }

    /// The free Noto CJK fonts (Debian `fonts-noto-cjk`), for readers on Linux.
    pub fn noto() -> Self {
        OfficialFonts {
            title: "Noto Serif CJK SC".into(),
            body: "Noto Serif CJK SC".into(),
            heading1: "Noto Sans CJK SC".into(),
            heading2: "Noto Serif CJK SC".into(),
            page_number: "Noto Serif CJK SC".into(),
            latin: "Noto Serif CJK SC".into(),
        }
    }
}

impl Default for OfficialFonts {
    fn default() -> Self {
        OfficialFonts::gb9704()
    }
}

/// A run of text inside a paragraph; `bold` for a lead-in such as "一是".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
}

impl Span {
    pub fn plain(text: impl Into<String>) -> Self {
        Span {
            text: text.into(),
            bold: false,
        }
    }
    pub fn bold(text: impl Into<String>) -> Self {
        Span {
            text: text.into(),
            bold: true,
        }
    }
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CellAlign {
    Left,
    #[default]
    Center,
    Right,
}

/// A table with one header row (repeated on every page), body rows of text, optional caption above
/// ("表1 …"), relative column widths, per-column alignment and a note below ("注：…"). Rows shorter than the
/// header are padded with empty cells; cells beyond the header's width are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocTable {
    pub caption: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Relative widths (e.g. `[3, 1, 1]`); equal widths when empty.
    pub widths: Vec<u32>,
    /// Alignment per column of the body rows (header cells are centred); centred when missing.
    pub align: Vec<CellAlign>,
    pub note: Option<String>,
}

impl DocTable {
    pub fn new<I, S>(header: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        DocTable {
            header: header.into_iter().map(Into::into).collect(),
            ..DocTable::default()
        }
    }

    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    pub fn row<I, S>(mut self, cells: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    pub fn widths(mut self, widths: impl IntoIterator<Item = u32>) -> Self {
        self.widths = widths.into_iter().collect();
        self
    }

    pub fn align(mut self, align: impl IntoIterator<Item = CellAlign>) -> Self {
        self.align = align.into_iter().collect();
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    fn columns(&self) -> usize {
        if self.header.is_empty() {
            self.rows.iter().map(Vec::len).max().unwrap_or(0)
        } else {
            self.header.len()
        }
    }
}

/// A PNG image (usually a chart) centred on the page with an optional caption below ("图1 …").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub png: Vec<u8>,
    /// Printed width in millimetres (at most the 156 mm text width); the height follows the aspect ratio.
    pub width_mm: u32,
    pub caption: Option<String>,
}

impl Figure {
    /// A figure from PNG bytes, 150 mm wide.
    pub fn new(png: Vec<u8>) -> Self {
        Figure {
            png,
            width_mm: 150,
            caption: None,
        }
    }

    /// Renders an SVG chart at twice its size (sharp in print) and wraps it as a figure.
    pub fn from_svg(svg: &str, rasterizer: &Rasterizer) -> Result<Self, PngError> {
        Ok(Figure::new(rasterizer.render_scaled(svg, 2)?))
    }

    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    pub fn width_mm(mut self, width_mm: u32) -> Self {
        self.width_mm = width_mm;
        self
    }
}

/// A piece of body content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A body paragraph (三号 仿宋, first line indented two characters, justified).
    Paragraph(Vec<Span>),
    Table(DocTable),
    Figure(Figure),
    /// An empty line of body height.
    BlankLine,
    PageBreak,
}

impl Block {
    /// A plain body paragraph.
    pub fn text(text: impl Into<String>) -> Self {
        Block::Paragraph(vec![Span::plain(text)])
    }
}

/// A numbered section: its heading (numbered automatically by depth: 一、 （一） 1. （1）), its content, then
/// its subsections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
    pub subsections: Vec<Section>,
}

impl Section {
    pub fn new(heading: impl Into<String>) -> Self {
        Section {
            heading: heading.into(),
            blocks: Vec::new(),
            subsections: Vec::new(),
        }
    }

    pub fn block(mut self, block: Block) -> Self {
        self.blocks.push(block);
        self
    }

    pub fn paragraph(self, text: impl Into<String>) -> Self {
        self.block(Block::text(text))
    }

    pub fn table(self, table: DocTable) -> Self {
        self.block(Block::Table(table))
    }

    pub fn figure(self, figure: Figure) -> Self {
        self.block(Block::Figure(figure))
    }

    pub fn subsection(mut self, section: Section) -> Self {
        self.subsections.push(section);
        self
    }
}

/// The red letterhead (版头) of a document: the issuing body's mark (发文机关标志, e.g. "督 查 通 报") in red
/// 小标宋, the number line under it, and the red separator line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    pub mark: String,
    pub number_line: Option<String>,
}

/// An official document. Build with [`OfficialDocument::new`] and the setters; [`OfficialDocument::to_docx`]
/// writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialDocument {
    pub letterhead: Option<Letterhead>,
    /// A line centred above the title when there is no letterhead (发文字号 "双科督〔2019〕4号", or "第4期").
    pub number_line: Option<String>,
    /// The title (标题); `\n` breaks lines.
    pub title: String,
    /// A line centred under the title in 楷体 (e.g. "（2019年第四季度）").
    pub subtitle: Option<String>,
    /// 主送机关, flush left, ending with a full-width colon.
    pub recipients: Option<String>,
    /// Content before the first section (the 导语).
    pub preamble: Vec<Block>,
    pub sections: Vec<Section>,
    /// Content after the last section (closing requests).
    pub closing: Vec<Block>,
    /// 附件说明: attachment names, numbered when more than one.
    pub attachments: Vec<String>,
    /// 发文机关署名.
    pub issuer: Option<String>,
    /// 成文日期, written "2019年12月31日".
    pub date: Option<Date>,
    /// Whether section headings are numbered automatically (default true).
    pub numbered_headings: bool,
    pub fonts: OfficialFonts,
}

/// Why a DOCX could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("第{index}幅图不是 PNG 图像 / figure {index} is not a PNG image")]
    NotPng { index: usize },
    #[error("DOCX 写入失败 / writing the DOCX failed: {0}")]
    Write(String),
}

impl OfficialDocument {
    pub fn new(title: impl Into<String>) -> Self {
        OfficialDocument {
            letterhead: None,
            number_line: None,
            title: title.into(),
            subtitle: None,
            recipients: None,
            preamble: Vec::new(),
            sections: Vec::new(),
            closing: Vec::new(),
            attachments: Vec::new(),
            issuer: None,
            date: None,
            numbered_headings: true,
            fonts: OfficialFonts::gb9704(),
        }
    }

    pub fn letterhead(mut self, mark: impl Into<String>, number_line: Option<String>) -> Self {
        self.letterhead = Some(Letterhead {
            mark: mark.into(),
            number_line,
        });
        self
    }

    pub fn number_line(mut self, line: impl Into<String>) -> Self {
        self.number_line = Some(line.into());
        self
    }

    pub fn subtitle(mut self, subtitle: impl Into<String>) -> Self {
        self.subtitle = Some(subtitle.into());
        self
    }

    pub fn recipients(mut self, recipients: impl Into<String>) -> Self {
        self.recipients = Some(recipients.into());
        self
    }

    /// Adds a paragraph before the first section.
    pub fn paragraph(mut self, text: impl Into<String>) -> Self {
        self.preamble.push(Block::text(text));
        self
    }

    /// Adds a block before the first section.
    pub fn block(mut self, block: Block) -> Self {
        self.preamble.push(block);
        self
    }

    pub fn section(mut self, section: Section) -> Self {
        self.sections.push(section);
        self
    }

    /// Adds a block after the last section.
    pub fn closing(mut self, block: Block) -> Self {
        self.closing.push(block);
        self
    }

    pub fn attachment(mut self, name: impl Into<String>) -> Self {
        self.attachments.push(name.into());
        self
    }

    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    pub fn date(mut self, date: Date) -> Self {
        self.date = Some(date);
        self
    }

    pub fn numbered_headings(mut self, yes: bool) -> Self {
        self.numbered_headings = yes;
        self
    }

    pub fn fonts(mut self, fonts: OfficialFonts) -> Self {
        self.fonts = fonts;
        self
    }

    /// Writes the document as DOCX bytes. The output is deterministic for the same input.
    pub fn to_docx(&self) -> Result<Vec<u8>, DocxError> {
        let mut w = Writer {
            fonts: &self.fonts,
            figures: 0,
            docx: base_docx(&self.fonts),
        };

        if let Some(head) = &self.letterhead {
            w.letterhead(head);
        } else if let Some(line) = &self.number_line {
            w.push(w.centred(line, &self.fonts.body, SIZE_SAN, false));
            w.blank();
        }
        w.title(&self.title);
        if let Some(sub) = &self.subtitle {
            w.push(w.centred(sub, &self.fonts.heading2, SIZE_SAN, false));
        }
        w.blank();
        if let Some(to) = &self.recipients {
            w.push(w.body_paragraph(&[Span::plain(to.clone())], false));
        }
        for block in &self.preamble {
            w.block(block)?;
        }
        for (i, section) in self.sections.iter().enumerate() {
            w.section(section, 1, i + 1, self.numbered_headings)?;
        }
        for block in &self.closing {
            w.block(block)?;
        }
        if !self.attachments.is_empty() {
            w.blank();
            w.attachments(&self.attachments);
        }
        if self.issuer.is_some() || self.date.is_some() {
            w.blank();
            w.signature(self.issuer.as_deref(), self.date.map(chinese_date).as_deref());
        }

        let mut docx = w.docx;
        if let Some(d) = self.date {
            docx = docx.created_at(&format!("{d}T00:00:00Z"));
        }
        let mut xml = docx.build();
        xml.font_table = font_table(&self.fonts).into_bytes();
        // docx-rs has no repeated-header-row flag: header rows are the only ones with HEADER_ROW_HEIGHT, and we
        // add `tblHeader` beside it (CT_TrPr allows its children in any order).
        let header_height = format!("<w:trHeight w:val=\"{HEADER_ROW_HEIGHT}\" w:hRule=\"atLeast\" />");
        let document = String::from_utf8_lossy(&xml.document)
            .replace(&header_height, &format!("{header_height}<w:tblHeader />"));
        xml.document = document.into_bytes();
        let mut out = Cursor::new(Vec::new());
        xml.pack(&mut out).map_err(|e| DocxError::Write(e.to_string()))?;
        Ok(out.into_inner())
    }
}

/// "2019年12月31日": Arabic numerals, no leading zeros (GB/T 9704-2012 §7.3.5.1).
pub fn chinese_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Heading number for depth 1–4 and position `n` (1-based): 一、 （一） 1. （1）.
pub fn heading_number(depth: usize, n: usize) -> String {
    let zh = || {
        u64::try_from(n)
            .ok()
            .and_then(|n| {
                n.to_chinese(
                    ChineseVariant::Simple,
                    ChineseCase::Lower,
                    ChineseCountMethod::TenThousand,
                )
                .ok()
            })
            .unwrap_or_else(|| n.to_string())
    };
    match depth {
        1 => format!("{}、", zh()),
        2 => format!("（{}）", zh()),
        3 => format!("{n}."),
        _ => format!("（{n}）"),
    }
}

fn base_docx(fonts: &OfficialFonts) -> Docx {
    let mut docx = Docx::new()
        .page_size(A4_W, A4_H)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(851)
                .footer(FOOTER_DISTANCE),
        )
        .default_fonts(run_fonts(&fonts.body, &fonts.latin))
        .default_size(SIZE_SAN)
        .footer(Footer::new().add_paragraph(page_number(fonts, AlignmentType::Right)))
        .even_footer(Footer::new().add_paragraph(page_number(fonts, AlignmentType::Left)));
    docx.document = docx.document.doc_grid(
        DocGrid::new()
            .grid_type(DocGridType::Lines)
            .line_pitch(LINE_PITCH as usize),
    );
    docx
}

fn run_fonts(east_asia: &str, latin: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(latin)
        .hi_ansi(latin)
        .cs(latin)
}

fn exact(line: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(line)
        .before(0)
        .after(0)
}

/// "— 1 —", 宋体 四号, one character in from the outer edge (GB/T 9704-2012 §7.5).
fn page_number(fonts: &OfficialFonts, align: AlignmentType) -> Paragraph {
    let one_char = 280; // one 四号 character
    let indent = match align {
        AlignmentType::Left => (Some(one_char), None),
        _ => (None, Some(one_char)),
    };
    let run = Run::new()
        .fonts(run_fonts(&fonts.page_number, &fonts.page_number))
        .size(SIZE_SI)
        .add_text("— ")
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false)
        .add_text(" —");
    Paragraph::new()
        .align(align)
        .indent(indent.0, None, indent.1, None)
        .add_run(run)
}

/// `fontTable.xml` naming every font used, each with the substitute Word/WPS takes when it is missing.
fn font_table(fonts: &OfficialFonts) -> String {
    let mut names: Vec<&str> = vec![
        &fonts.title,
        &fonts.body,
        &fonts.heading1,
        &fonts.heading2,
        &fonts.page_number,
        &fonts.latin,
    ];
    names.dedup();
    let mut seen = Vec::new();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">",
    );
    for name in names {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let (alt, family, pitch) = match name {
            "方正小标宋简体" => (Some("宋体"), "script", "variable"),
            "仿宋_GB2312" => (Some("仿宋"), "modern", "fixed"),
            "楷体_GB2312" => (Some("楷体"), "modern", "fixed"),
            "仿宋" => (Some("FangSong"), "modern", "fixed"),
            "楷体" => (Some("KaiTi"), "modern", "fixed"),
            "黑体" => (Some("SimHei"), "modern", "fixed"),
            "宋体" => (Some("SimSun"), "auto", "variable"),
            "Times New Roman" => (None, "roman", "variable"),
            _ => (None, "auto", "variable"),
        };
        let charset = if name.is_ascii()
            && alt.is_none()
            && name != "Noto Serif CJK SC"
            && name != "Noto Sans CJK SC"
        {
            "00"
        } else {
            "86" // GB2312
        };
        xml.push_str(&format!("<w:font w:name=\"{}\">", escape_xml(name)));
        if let Some(alt) = alt {
            xml.push_str(&format!("<w:altName w:val=\"{alt}\"/>"));
        }
        xml.push_str(&format!(
            "<w:charset w:val=\"{charset}\"/><w:family w:val=\"{family}\"/><w:pitch w:val=\"{pitch}\"/></w:font>"
        ));
    }
    xml.push_str("</w:fonts>");
    xml
}

/// Display width in half-characters (a CJK character is 2, a digit 1).
fn half_chars(s: &str) -> i32 {
    i32::try_from(s.width()).unwrap_or(i32::MAX / 4)
}

struct Writer<'a> {
    fonts: &'a OfficialFonts,
    figures: usize,
    docx: Docx,
}

impl Writer<'_> {
    fn push(&mut self, p: Paragraph) {
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_paragraph(p);
    }

    fn run(&self, text: &str, font: &str, size: usize, bold: bool) -> Run {
        let mut run = Run::new().fonts(run_fonts(font, &self.fonts.latin)).size(size);
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                run = run.add_break(BreakType::TextWrapping);
            }
            run = run.add_text(line);
        }
        if bold { run.bold() } else { run }
    }

    fn centred(&self, text: &str, font: &str, size: usize, bold: bool) -> Paragraph {
        Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(exact(LINE_PITCH))
            .add_run(self.run(text, font, size, bold))
    }

    fn blank(&mut self) {
        let p = Paragraph::new()
            .line_spacing(exact(LINE_PITCH))
            .add_run(Run::new().size(SIZE_SAN));
        self.push(p);
    }

    fn body_paragraph(&self, spans: &[Span], indent: bool) -> Paragraph {
        let mut p = Paragraph::new()
            .align(AlignmentType::Both)
            .line_spacing(exact(LINE_PITCH));
        if indent {
            p = p
                .indent(
                    None,
                    Some(SpecialIndentType::FirstLine(2 * BODY_CHAR)),
                    None,
                    None,
                )
                .first_line_chars(200);
        }
        for span in spans {
            p = p.add_run(self.run(&span.text, &self.fonts.body, SIZE_SAN, span.bold));
        }
        p
    }

    fn letterhead(&mut self, head: &Letterhead) {
        // 发文机关标志: red 小标宋, larger than the title (GB/T 9704-2012 §7.2.3).
        let mark = Paragraph::new()
            .align(AlignmentType::Center)
            .snap_to_grid(false)
            .line_spacing(
                LineSpacing::new()
                    .line_rule(LineSpacingType::Auto)
                    .line(240)
                    .before(0)
                    .after(0),
            )
            .add_run(self.run(&head.mark, &self.fonts.title, 72, false).color("E60012"));
        self.push(mark);
        self.blank();
        let mut line = Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(exact(LINE_PITCH));
        if let Some(number) = &head.number_line {
            line = line.add_run(self.run(number, &self.fonts.body, SIZE_SAN, false));
        }
        // The red separator line under the number line (§7.2.5), drawn as the paragraph's bottom border.
        line.property = line.property.set_borders(
            ParagraphBorders::with_empty().set(
                ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                    .val(BorderType::Single)
                    .size(12)
                    .space(4)
                    .color("E60012"),
            ),
        );
        self.push(line);
        self.blank();
    }

    fn title(&mut self, title: &str) {
        let p = Paragraph::new()
            .align(AlignmentType::Center)
            .snap_to_grid(false)
            .line_spacing(exact(700))
            .outline_lvl(0)
            .add_run(self.run(title, &self.fonts.title, SIZE_ER, false));
        self.push(p);
    }

    fn heading(&mut self, depth: usize, text: &str) {
        let (font, bold) = match depth {
            1 => (&self.fonts.heading1, false),
            2 => (&self.fonts.heading2, false),
            3 => (&self.fonts.body, true),
            _ => (&self.fonts.body, false),
        };
        let p = self
            .body_paragraph(&[], true)
            .keep_next(true)
            .outline_lvl(depth.min(9))
            .add_run(self.run(text, font, SIZE_SAN, bold));
        self.push(p);
    }

    fn section(
        &mut self,
        section: &Section,
        depth: usize,
        n: usize,
        numbered: bool,
    ) -> Result<(), DocxError> {
        let heading = if numbered {
            format!("{}{}", heading_number(depth, n), section.heading)
        } else {
            section.heading.clone()
        };
        self.heading(depth, &heading);
        for block in &section.blocks {
            self.block(block)?;
        }
        for (i, sub) in section.subsections.iter().enumerate() {
            self.section(sub, depth + 1, i + 1, numbered)?;
        }
        Ok(())
    }

    fn block(&mut self, block: &Block) -> Result<(), DocxError> {
        match block {
            Block::Paragraph(spans) => {
                let p = self.body_paragraph(spans, true);
                self.push(p);
            }
            Block::Table(t) => self.table(t),
            Block::Figure(f) => self.figure(f)?,
            Block::BlankLine => self.blank(),
            Block::PageBreak => {
                self.push(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
            }
        }
        Ok(())
    }

    fn caption(&mut self, text: &str, keep_next: bool) {
        let p = self
            .centred(text, &self.fonts.heading1, SIZE_SI, false)
            .keep_next(keep_next);
        self.push(p);
    }

    fn table(&mut self, t: &DocTable) {
        let cols = t.columns();
        if cols == 0 {
            return;
        }
        if let Some(caption) = &t.caption {
            self.caption(caption, true);
        }
        let weights: Vec<u32> = (0..cols)
            .map(|i| t.widths.get(i).copied().unwrap_or(1).max(1))
            .collect();
        let total: u32 = weights.iter().sum();
        let grid: Vec<usize> = weights
            .iter()
            .map(|w| {
                usize::try_from(u64::from(TEXT_WIDTH_TWIPS) * u64::from(*w) / u64::from(total)).unwrap_or(0)
            })
            .collect();
        let cell = |text: &str, width: usize, align: CellAlign, header: bool| {
            let alignment = match align {
                CellAlign::Left => AlignmentType::Left,
                CellAlign::Center => AlignmentType::Center,
                CellAlign::Right => AlignmentType::Right,
            };
            let font = if header {
                &self.fonts.heading1
            } else {
                &self.fonts.body
            };
            // Off the page's line grid, or every table line would take a full 28.95 pt body line.
            let p = Paragraph::new()
                .align(alignment)
                .snap_to_grid(false)
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Auto)
                        .line(240)
                        .before(0)
                        .after(0),
                )
                .add_run(self.run(text, font, SIZE_XIAO_SI, false));
            TableCell::new()
                .width(width, WidthType::Dxa)
                .vertical_align(VAlignType::Center)
                .add_paragraph(p)
        };
        let mut rows = Vec::new();
        if !t.header.is_empty() {
            let cells = (0..cols)
                .map(|i| cell(&t.header[i], grid[i], CellAlign::Center, true))
                .collect();
            rows.push(
                TableRow::new(cells)
                    .cant_split()
                    .row_height(HEADER_ROW_HEIGHT)
                    .height_rule(HeightRule::AtLeast),
            );
        }
        for row in &t.rows {
            let cells = (0..cols)
                .map(|i| {
                    let text = row.get(i).map(String::as_str).unwrap_or("");
                    cell(text, grid[i], t.align.get(i).copied().unwrap_or_default(), false)
                })
                .collect();
            rows.push(
                TableRow::new(cells)
                    .cant_split()
                    .row_height(BODY_ROW_HEIGHT)
                    .height_rule(HeightRule::AtLeast),
            );
        }
        let table = Table::new(rows)
            .set_grid(grid)
            .width(TEXT_WIDTH_TWIPS as usize, WidthType::Dxa)
            .align(TableAlignmentType::Center)
            .layout(TableLayoutType::Fixed);
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_table(table);
        if let Some(note) = &t.note {
            let p = Paragraph::new()
                .align(AlignmentType::Both)
                .line_spacing(exact(LINE_PITCH))
                .add_run(self.run(note, &self.fonts.body, SIZE_XIAO_SI, false));
            self.push(p);
        }
    }

    fn figure(&mut self, f: &Figure) -> Result<(), DocxError> {
        self.figures += 1;
        let index = self.figures;
        let (px_w, px_h) = png_size(&f.png).ok_or(DocxError::NotPng { index })?;
        if px_w == 0 || px_h == 0 {
            return Err(DocxError::NotPng { index });
        }
        const EMU_PER_MM: u64 = 36_000;
        let width_mm = u64::from(f.width_mm.clamp(10, 156));
        let w_emu = width_mm * EMU_PER_MM;
        let h_emu = w_emu * u64::from(px_h) / u64::from(px_w);
        let (Ok(w_emu), Ok(h_emu)) = (u32::try_from(w_emu), u32::try_from(h_emu)) else {
            return Err(DocxError::NotPng { index });
        };
        // A stable relationship id (docx-rs would number images from a process-wide counter).
        let pic = Pic::new_with_dimensions(f.png.clone(), px_w, px_h)
            .size(w_emu, h_emu)
            .id(format!("rIdImage{index}"));
        let p = Paragraph::new()
            .align(AlignmentType::Center)
            .snap_to_grid(false)
            .keep_next(f.caption.is_some())
            .add_run(Run::new().add_image(pic));
        self.push(p);
        if let Some(caption) = &f.caption {
            self.caption(caption, false);
        }
        Ok(())
    }

    /// 附件说明 (GB/T 9704-2012 §7.3.4): "附件：1. …", later names aligned under the first.
    fn attachments(&mut self, names: &[String]) {
        let numbered = names.len() > 1;
        for (i, name) in names.iter().enumerate() {
            let item = if numbered {
                format!("{}. {name}", i + 1)
            } else {
                name.clone()
            };
            let (text, indent) = if i == 0 {
                (format!("附件：{item}"), 2 * BODY_CHAR)
            } else {
                (item, 5 * BODY_CHAR) // under the first name: 2 characters + "附件："
            };
            let mut p = Paragraph::new()
                .align(AlignmentType::Left)
                .line_spacing(exact(LINE_PITCH));
            p = if i == 0 {
                p.indent(None, Some(SpecialIndentType::FirstLine(indent)), None, None)
            } else {
                p.indent(Some(indent), None, None, None)
            };
            let p = p.add_run(self.run(&text, &self.fonts.body, SIZE_SAN, false));
            self.push(p);
        }
    }

    /// 发文机关署名 two characters from the right margin and the 成文日期 under it, its first character two characters
    /// right of the issuer's; when the date is the longer, the date keeps two characters from the margin and the
    /// issuer moves left (GB/T 9704-2012 §7.3.5.2, documents without a seal). Both lines are placed by their
    /// left edge, so the two-character offset holds whatever width the reader's font gives the digits.
    fn signature(&mut self, issuer: Option<&str>, date: Option<&str>) {
        let text_width = i32::try_from(TEXT_WIDTH_TWIPS).unwrap_or(8845);
        let two_chars = 2 * BODY_CHAR;
        let width = |s: Option<&str>| s.map(|s| half_chars(s) * BODY_CHAR / 2).unwrap_or(0);
        let (li, ld) = (width(issuer), width(date));
        let (issuer_left, date_left) = if ld <= li {
            let left = text_width - two_chars - li;
            (left, left + two_chars)
        } else {
            let left = text_width - two_chars - ld;
            (left - two_chars, left)
        };
        for (text, left) in [(issuer, issuer_left), (date, date_left)] {
            if let Some(text) = text {
                let p = Paragraph::new()
                    .align(AlignmentType::Left)
                    .line_spacing(exact(LINE_PITCH))
                    .indent(Some(left.max(0)), None, None, None)
                    .add_run(self.run(text, &self.fonts.body, SIZE_SAN, false));
                self.push(p);
            }
        }
    }
}

#[cfg(test)]
mod tests;
