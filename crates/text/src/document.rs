//! Documents as bureaus receive them (来文格式): Word (.docx), PDF with a text layer, OFD (GB/T 33190-2016, the
//! national format for electronic official documents), saved web pages (.html/.htm) and plain text — each
//! detected by its content (magic bytes, ZIP entries, markup), never by its name, and turned into the text the
//! extractor reads. Old binary Word/WPS files (.doc, .wps: OLE2 containers) and scanned PDFs without a text layer
//! are refused with a message that says what to send instead.
//!
//! How each format is read, and why (see `docs/` and the shared reference `document-formats.md`):
//! - DOCX: the main part named by `_rels/.rels` (usually `word/document.xml`) streamed with quick-xml: the text
//!   runs (`w:t`) of each paragraph in order, `w:tab` as a tab, `w:br` as a line break, a table row (`w:tr`) as
//!   one line with its cells (`w:tc`) separated by tabs; of `mc:AlternateContent` only `mc:Choice` (the fallback
//!   repeats the same text box); deleted text (`w:delText`) left out. Headers and footers (their own parts) come
//!   after the body, apart, under a marked line, so that page furniture never interrupts a sentence.
//! - PDF: pdf-extract (on lopdf) decodes the glyphs (ToUnicode, Identity-H) and reports each with its position;
//!   this module puts them in reading order itself: lines by baseline, and on a page set in two columns the left
//!   column before the right one. pdf-extract panics on some predefined CMaps (GBK-EUC-H), so it runs under
//!   `catch_unwind` and such a file is refused with a message instead of taking the process down. A PDF with no
//!   text at all is a scan: "需要OCR".
//! - OFD: `OFD.xml` → `DocBody/DocRoot` → `Document.xml` → `Pages/Page@BaseLoc` → `Content.xml`, the `TextCode`s of
//!   every `TextObject` (and of the template pages a page uses) in page order, sorted by line (Y) then X.
//! - HTML: decoded by its byte-order mark or `<meta charset>` (government sites still serve GBK), parsed with
//!   html5ever (scraper); the main text is the content block of the usual government CMS (`.TRS_Editor`, `#zoom`,
//!   …) or else the block with the most paragraph text; navigation, headers, footers, scripts and forms are
//!   dropped. The page title goes first, as the document's title line.
//!
//! ZIP containers are opened with limits (entry count, inflated size of every part read) so that a small upload
//! cannot inflate into gigabytes.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::decode::{DecodeError, DecodedText, MAX_TEXT_BYTES, SourceEncoding, decode_text};

/// The kind of document the bytes were (来文格式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentFormat {
    #[default]
    PlainText,
    Docx,
    Pdf,
    Ofd,
    Html,
}

impl DocumentFormat {
    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::PlainText => "文本 / text",
            Self::Docx => "Word (.docx)",
            Self::Pdf => "PDF",
            Self::Ofd => "OFD",
            Self::Html => "网页 / web page (HTML)",
        }
    }
}

/// The most entries a document container may have.
const MAX_ZIP_ENTRIES: usize = 10_000;
/// The most bytes inflated from all the parts of one container read together.
const MAX_INFLATED_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a document of any accepted format into text (see the module documentation).
pub fn read_document(bytes: &[u8]) -> Result<DecodedText, DecodeError> {
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(DecodeError::TooLarge {
            size: bytes.len(),
            limit: MAX_TEXT_BYTES,
        });
    }
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let head = &bytes[..bytes.len().min(1024)];
    let (text, format) = if head.windows(5).any(|w| w == b"%PDF-") {
        (pdf_text(bytes)?, DocumentFormat::Pdf)
    } else if bytes.starts_with(b"PK\x03\x04") {
        zip_document(bytes)?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(DecodeError::LegacyOffice);
    } else if let Some(html) = html_bytes(bytes) {
        (html_text(&html)?, DocumentFormat::Html)
    } else {
        return decode_text(bytes);
    };
    finish(&text, format)
}

/// The text of a document format: never blank, control characters other than line breaks and tabs removed (a
/// document's text may hold them where a plain text file may not).
fn finish(text: &str, format: DocumentFormat) -> Result<DecodedText, DecodeError> {
    let mut text: String = text
        .chars()
        .filter(|&c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect();
    // Trailing spaces of lines and runs of blank lines come from layout, not from the text.
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    text = out;
    if text.trim().is_empty() {
        return Err(if format == DocumentFormat::Pdf {
            DecodeError::ScannedPdf
        } else {
            DecodeError::Blank
        });
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(DecodeError::TooLarge {
            size: text.len(),
            limit: MAX_TEXT_BYTES,
        });
    }
    Ok(DecodedText {
        text,
        encoding: SourceEncoding::Utf8,
        format,
    })
}

fn broken(format: DocumentFormat, reason: impl std::fmt::Display) -> DecodeError {
    DecodeError::Unreadable {
        format: format.label(),
        reason: reason.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// ZIP containers: DOCX and OFD

struct Container {
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    inflated: u64,
    format: DocumentFormat,
}

impl Container {
    fn names(&self) -> Vec<String> {
        self.zip.file_names().map(str::to_owned).collect()
    }

    /// The text of one part (`None` when there is no such part), within the container's inflation budget.
    fn part(&mut self, name: &str) -> Result<Option<String>, DecodeError> {
        let name = name.trim_start_matches('/');
        let format = self.format;
        let mut file = match self.zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(broken(format, e)),
        };
        if file.encrypted() {
            return Err(DecodeError::Encrypted);
        }
        let budget = MAX_INFLATED_BYTES.saturating_sub(self.inflated);
        let mut buf = Vec::new();
        (&mut file)
            .take(budget + 1)
            .read_to_end(&mut buf)
            .map_err(|e| broken(format, e))?;
        self.inflated += buf.len() as u64;
        if self.inflated > MAX_INFLATED_BYTES {
            return Err(DecodeError::TooLarge {
                size: usize::try_from(self.inflated).unwrap_or(usize::MAX),
                limit: usize::try_from(MAX_INFLATED_BYTES).unwrap_or(usize::MAX),
            });
        }
        let text = String::from_utf8(buf)
            .or_else(|e| {
                // XML parts are UTF-8 by default; a UTF-16 part says so with its byte-order mark.
                let b = e.into_bytes();
                encoding_rs::Encoding::for_bom(&b)
                    .map(|(enc, _)| enc.decode_with_bom_removal(&b).0.into_owned())
                    .ok_or(())
            })
            .map_err(|()| broken(format, format!("{name}: not UTF-8")))?;
        Ok(Some(text))
    }
}

fn zip_document(bytes: &[u8]) -> Result<(String, DocumentFormat), DecodeError> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec()))
        .map_err(|e| broken(DocumentFormat::Docx, format!("ZIP: {e}")))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(DecodeError::NotADocument);
    }
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    let has = |n: &str| {
        names
            .iter()
            .any(|x| x.trim_start_matches('/').eq_ignore_ascii_case(n))
    };
    let format = if has("OFD.xml") {
        DocumentFormat::Ofd
    } else if has("word/document.xml")
        || has("[Content_Types].xml") && names.iter().any(|n| n.starts_with("word/"))
    {
        DocumentFormat::Docx
    } else {
        return Err(DecodeError::NotADocument);
    };
    let mut c = Container {
        zip,
        inflated: 0,
        format,
    };
    let text = match format {
        DocumentFormat::Ofd => ofd_text(&mut c)?,
        _ => docx_text(&mut c)?,
    };
    Ok((text, format))
}

/// Local name of an XML name (`w:t` → `t`).
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The value of the attribute with this local name.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| local(a.key.as_ref()) == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(std::borrow::Cow::into_owned)
        })
}

/// The character an entity reference stands for (`&amp;`, `&#x4E00;`).
fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Relationship targets of a `.rels` part, as (type, target) pairs.
fn relationships(xml: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut r = Reader::from_str(xml);
    while let Ok(ev) = r.read_event() {
        match ev {
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == "Relationship" => {
                if let (Some(t), Some(target)) = (attr(&e, "Type"), attr(&e, "Target")) {
                    out.push((t, target));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn docx_text(c: &mut Container) -> Result<String, DecodeError> {
    let main = c
        .part("_rels/.rels")?
        .and_then(|rels| {
            relationships(&rels)
                .into_iter()
                .find(|(t, _)| t.ends_with("/officeDocument"))
                .map(|(_, target)| target.trim_start_matches('/').to_owned())
        })
        .unwrap_or_else(|| "word/document.xml".to_owned());
    let Some(body) = c.part(&main)? else {
        return Err(broken(DocumentFormat::Docx, format!("{main} missing")));
    };
    let mut text = wordprocessing_text(&body).map_err(|e| broken(DocumentFormat::Docx, e))?;
    // Headers and footers: their own parts, listed in the main part's relationships; apart, after the body.
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d);
    let rels_name = format!(
        "{dir}/_rels/{}.rels",
        main.rsplit('/').next().unwrap_or("document.xml")
    );
    let mut furniture = Vec::new();
    if let Some(rels) = c.part(&rels_name)? {
        let mut parts: Vec<String> = relationships(&rels)
            .into_iter()
            .filter(|(t, _)| t.ends_with("/header") || t.ends_with("/footer"))
            .map(|(_, target)| {
                if target.starts_with('/') {
                    target.trim_start_matches('/').to_owned()
                } else {
                    format!("{dir}/{target}")
                }
            })
            .collect();
        parts.sort();
        parts.dedup();
        for p in parts {
            if let Some(xml) = c.part(&p)? {
                let t = wordprocessing_text(&xml).map_err(|e| broken(DocumentFormat::Docx, e))?;
                let t = t.trim();
                if !t.is_empty() && !furniture.iter().any(|f: &String| f == t) {
                    furniture.push(t.to_owned());
                }
            }
        }
    }
    if !furniture.is_empty() {
        text.push_str("\n〔页眉页脚 / headers and footers〕\n");
        for f in furniture {
            text.push_str(&f);
            text.push('\n');
        }
    }
    let _ = c.names();
    Ok(text)
}

/// The text of a WordprocessingML part (document, header, footer).
fn wordprocessing_text(xml: &str) -> Result<String, quick_xml::Error> {
    let mut out = String::with_capacity(xml.len() / 4);
    let mut r = Reader::from_str(xml);
    let mut in_text = false; // inside w:t
    let mut skip = 0usize; // depth inside mc:Fallback, w:del, w:instrText …
    let mut cell_depth = 0usize; // table cells open
    let mut para_has_text = false;
    loop {
        match r.read_event()? {
            Event::Start(e) => {
                let n = local(e.name().as_ref()).to_owned();
                if skip > 0 {
                    skip += 1;
                    continue;
                }
                match n.as_str() {
                    "Fallback" | "delText" | "instrText" | "del" => skip = 1,
                    "t" => in_text = true,
                    "tc" => cell_depth += 1,
                    "p" => para_has_text = false,
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if skip > 0 {
                    continue;
                }
                match local(e.name().as_ref()) {
                    "tab" => out.push('\t'),
                    "br" | "cr" => out.push('\n'),
                    _ => {}
                }
            }
            Event::End(e) => {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                match local(e.name().as_ref()) {
                    "t" => in_text = false,
                    "p" => {
                        if cell_depth > 0 {
                            if para_has_text {
                                out.push(' ');
                            }
                        } else {
                            out.push('\n');
                        }
                    }
                    "tc" => {
                        cell_depth = cell_depth.saturating_sub(1);
                        while out.ends_with(' ') {
                            out.pop();
                        }
                        out.push('\t');
                    }
                    "tr" => {
                        while out.ends_with(['\t', ' ']) {
                            out.pop();
                        }
                        out.push('\n');
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip == 0 => {
                out.push_str(&t.html_content());
                para_has_text = true;
            }
            Event::CData(t) if in_text && skip == 0 => {
                out.push_str(&t);
                para_has_text = true;
            }
            Event::GeneralRef(g) if in_text && skip == 0 => {
                if let Some(ch) = entity(&g) {
                    out.push(ch);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------------------
// OFD

/// One `TextCode` placed on its page (mm).
struct Placed {
    page: usize,
    y: f64,
    x: f64,
    size: f64,
    text: String,
}

/// Resolves a path of the package: absolute from the root when it starts with `/`, else relative to `base`.
fn ofd_path(base: &str, path: &str) -> String {
    if let Some(abs) = path.strip_prefix('/') {
        return abs.to_owned();
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn numbers(s: &str) -> Vec<f64> {
    s.split_whitespace().filter_map(|x| x.parse().ok()).collect()
}

fn ofd_text(c: &mut Container) -> Result<String, DecodeError> {
    let fmt = DocumentFormat::Ofd;
    let root = c.part("OFD.xml")?.ok_or_else(|| broken(fmt, "OFD.xml missing"))?;
    // OFD.xml → DocBody/DocRoot (e.g. Doc_0/Document.xml).
    let mut doc_roots = Vec::new();
    {
        let mut r = Reader::from_str(&root);
        let mut in_root = false;
        loop {
            match r.read_event().map_err(|e| broken(fmt, e))? {
                Event::Start(e) if local(e.name().as_ref()) == "DocRoot" => in_root = true,
                Event::End(e) if local(e.name().as_ref()) == "DocRoot" => in_root = false,
                Event::Text(t) if in_root => doc_roots.push(t.html_content().trim().to_owned()),
                Event::Eof => break,
                _ => {}
            }
        }
    }
    if doc_roots.is_empty() {
        return Err(broken(fmt, "OFD.xml names no DocRoot"));
    }
    let mut placed = Vec::new();
    let mut page_no = 0;
    for doc_root in doc_roots {
        let doc_path = ofd_path("", &doc_root);
        let doc_dir = doc_path.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
        let document = c
            .part(&doc_path)?
            .ok_or_else(|| broken(fmt, format!("{doc_path} missing")))?;
        // Pages in order (a page may also name templates here); template pages by id.
        let mut pages: Vec<(String, Vec<String>)> = Vec::new();
        let mut templates: Vec<(String, String)> = Vec::new();
        {
            let mut r = Reader::from_str(&document);
            loop {
                match r.read_event().map_err(|e| broken(fmt, e))? {
                    Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                        "Page" => {
                            if let Some(loc) = attr(&e, "BaseLoc") {
                                pages.push((ofd_path(&doc_dir, &loc), Vec::new()));
                            }
                        }
                        "TemplatePage" => {
                            if let (Some(id), Some(loc)) = (attr(&e, "ID"), attr(&e, "BaseLoc")) {
                                templates.push((id, ofd_path(&doc_dir, &loc)));
                            }
                        }
                        "Template" => {
                            if let (Some(id), Some(last)) = (attr(&e, "TemplateID"), pages.last_mut()) {
                                last.1.push(id);
                            }
                        }
                        _ => {}
                    },
                    Event::Eof => break,
                    _ => {}
                }
            }
        }
        for (page, mut template_ids) in pages {
            // The page's content names its templates too (Page/Template@TemplateID); they are drawn beneath it.
            let content = c.part(&page)?;
            if let Some(xml) = &content {
                template_ids.extend(page_templates(xml));
            }
            template_ids.dedup();
            for id in &template_ids {
                if let Some((_, loc)) = templates.iter().find(|(t, _)| t == id)
                    && let Some(xml) = c.part(loc)?
                {
                    ofd_page(&xml, page_no, &mut placed).map_err(|e| broken(fmt, e))?;
                }
            }
            if let Some(xml) = content {
                ofd_page(&xml, page_no, &mut placed).map_err(|e| broken(fmt, e))?;
            }
            page_no += 1;
        }
    }
    Ok(lines_in_reading_order(placed))
}

/// The template ids a page's content names.
fn page_templates(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut r = Reader::from_str(xml);
    while let Ok(ev) = r.read_event() {
        match ev {
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == "Template" => {
                out.extend(attr(&e, "TemplateID"));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The text codes of one page's content.
fn ofd_page(xml: &str, page: usize, out: &mut Vec<Placed>) -> Result<(), quick_xml::Error> {
    let mut r = Reader::from_str(xml);
    // The open TextObject: its boundary origin, CTM and size.
    let mut object: Option<(f64, f64, [f64; 6], f64)> = None;
    let mut code: Option<(f64, f64)> = None;
    let mut text = String::new();
    loop {
        match r.read_event()? {
            Event::Start(e) => match local(e.name().as_ref()) {
                "TextObject" => {
                    let b = attr(&e, "Boundary").map(|b| numbers(&b)).unwrap_or_default();
                    let ctm = attr(&e, "CTM").map(|m| numbers(&m)).unwrap_or_default();
                    let ctm = if ctm.len() == 6 {
                        [ctm[0], ctm[1], ctm[2], ctm[3], ctm[4], ctm[5]]
                    } else {
                        [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
                    };
                    let size = attr(&e, "Size")
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(3.5);
                    object = Some((
                        b.first().copied().unwrap_or(0.0),
                        b.get(1).copied().unwrap_or(0.0),
                        ctm,
                        size,
                    ));
                }
                "TextCode" => {
                    let x = attr(&e, "X").and_then(|s| s.trim().parse().ok()).unwrap_or(0.0);
                    let y = attr(&e, "Y").and_then(|s| s.trim().parse().ok()).unwrap_or(0.0);
                    code = Some((x, y));
                    text.clear();
                }
                _ => {}
            },
            Event::Text(t) if code.is_some() => text.push_str(&t.html_content()),
            Event::GeneralRef(g) if code.is_some() => {
                if let Some(ch) = entity(&g) {
                    text.push(ch);
                }
            }
            Event::End(e) => match local(e.name().as_ref()) {
                "TextCode" => {
                    if let (Some((x, y)), Some((bx, by, m, size))) = (code.take(), object) {
                        // The code's position through the object's CTM, then offset by its boundary.
                        let px = bx + m[0] * x + m[2] * y + m[4];
                        let py = by + m[1] * x + m[3] * y + m[5];
                        out.push(Placed {
                            page,
                            y: py,
                            x: px,
                            size,
                            text: std::mem::take(&mut text),
                        });
                    }
                }
                "TextObject" => object = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// Joins placed runs into lines: page by page, lines by their baseline (runs within half a character height are
/// one line), each line left to right.
fn lines_in_reading_order(mut placed: Vec<Placed>) -> String {
    placed.sort_by(|a, b| {
        a.page
            .cmp(&b.page)
            .then(a.y.total_cmp(&b.y))
            .then(a.x.total_cmp(&b.x))
    });
    let mut out = String::new();
    let mut page: Vec<VisualLine> = Vec::new();
    let mut line: Vec<&Placed> = Vec::new();
    let flush = |line: &mut Vec<&Placed>, page: &mut Vec<VisualLine>| {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        if let Some(last) = line.last() {
            let text: String = line.iter().map(|p| p.text.as_str()).collect();
            page.push(VisualLine {
                right: last.x + last.text.chars().count() as f64 * last.size,
                size: last.size,
                text,
            });
        }
        line.clear();
    };
    let mut current_page = placed.first().map_or(0, |p| p.page);
    for p in &placed {
        if let Some(first) = line.first()
            && (first.page != p.page || (p.y - first.y).abs() > first.size.max(p.size) * 0.5)
        {
            flush(&mut line, &mut page);
        }
        if p.page != current_page {
            out.push_str(&join_wrapped_lines(&page));
            out.push('\n');
            page.clear();
            current_page = p.page;
        }
        line.push(p);
    }
    flush(&mut line, &mut page);
    out.push_str(&join_wrapped_lines(&page));
    out
}

// ---------------------------------------------------------------------------------------------------------------
// PDF

/// One glyph with its place (PDF units, y upwards).
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    w: f64,
    size: f64,
    text: String,
}

#[derive(Default)]
struct Collector {
    pages: Vec<Vec<Glyph>>,
}

impl pdf_extract::OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        _media_box: &pdf_extract::MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        self.pages.push(Vec::new());
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        let size = (font_size * trm.m11.hypot(trm.m12)).abs().max(1.0);
        if let Some(page) = self.pages.last_mut() {
            page.push(Glyph {
                x: trm.m31,
                y: trm.m32,
                w: (width * size).abs(),
                size,
                text: char.to_owned(),
            });
        }
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}

fn pdf_text(bytes: &[u8]) -> Result<String, DecodeError> {
    let fmt = DocumentFormat::Pdf;
    let doc = pdf_extract::Document::load_mem(bytes).map_err(|e| broken(fmt, e))?;
    if doc.is_encrypted() {
        return Err(DecodeError::Encrypted);
    }
    let mut collector = Collector::default();
    // pdf-extract panics on fonts it cannot decode (predefined CMaps such as GBK-EUC-H): a refusal, not a crash.
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pdf_extract::output_doc(&doc, &mut collector)
    }));
    match run {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(broken(fmt, e)),
        Err(_) => return Err(DecodeError::PdfFonts),
    }
    let mut out = String::new();
    for page in collector.pages {
        out.push_str(&page_in_reading_order(page));
        out.push('\n');
    }
    let total = out.chars().filter(|c| !c.is_whitespace()).count();
    let bad = out.chars().filter(|&c| c == '\u{FFFD}').count();
    if total == 0 {
        return Err(DecodeError::ScannedPdf);
    }
    if bad * 5 > total {
        return Err(DecodeError::PdfFonts);
    }
    Ok(out)
}

/// A line of glyphs: its baseline and glyphs left to right.
struct Line {
    y: f64,
    size: f64,
    glyphs: Vec<Glyph>,
}

impl Line {
    fn left(&self) -> f64 {
        self.glyphs.first().map_or(0.0, |g| g.x)
    }
    fn right(&self) -> f64 {
        self.glyphs.last().map_or(0.0, |g| g.x + g.w)
    }
}

/// One page's glyphs in reading order: lines top to bottom; where the page is set in two columns (a vertical gap
/// that most lines do not cross), the left column's run of lines before the right column's.
fn page_in_reading_order(mut glyphs: Vec<Glyph>) -> String {
    glyphs.retain(|g| !g.text.trim().is_empty() || g.text == " ");
    if glyphs.is_empty() {
        return String::new();
    }
    // Lines: by baseline, top first (PDF y grows upwards).
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Line> = Vec::new();
    for g in glyphs {
        match lines.last_mut() {
            Some(l) if (l.y - g.y).abs() <= l.size.min(g.size) * 0.4 => l.glyphs.push(g),
            _ => lines.push(Line {
                y: g.y,
                size: g.size,
                glyphs: vec![g],
            }),
        }
    }
    for l in &mut lines {
        l.glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    // Split each line at wide gaps (more than two characters): the pieces of a two-column page.
    let mut pieces: Vec<Line> = Vec::new();
    for l in lines {
        let mut cur: Vec<Glyph> = Vec::new();
        for g in l.glyphs {
            if let Some(prev) = cur.last()
                && g.x - (prev.x + prev.w) > 2.0 * l.size
            {
                pieces.push(Line {
                    y: l.y,
                    size: l.size,
                    glyphs: std::mem::take(&mut cur),
                });
            }
            cur.push(g);
        }
        if !cur.is_empty() {
            pieces.push(Line {
                y: l.y,
                size: l.size,
                glyphs: cur,
            });
        }
    }
    let gutter = find_gutter(&pieces);
    // Rows: the pieces of one baseline.
    let mut rows: Vec<Vec<&Line>> = Vec::new();
    for p in &pieces {
        match rows.last_mut() {
            Some(r) if r.first().is_some_and(|f| (f.y - p.y).abs() < f64::EPSILON) => r.push(p),
            _ => rows.push(vec![p]),
        }
    }
    // The two-column band: from the first to the last row with a long piece of text in one column and a piece in
    // the other; rows above and below it (titles, tables, signatures) run across the page.
    let min_x = pieces.iter().map(Line::left).fold(f64::INFINITY, f64::min);
    let max_x = pieces.iter().map(Line::right).fold(f64::NEG_INFINITY, f64::max);
    let band = gutter.and_then(|g| {
        let column = (g - min_x).min(max_x - g);
        let two = |r: &Vec<&Line>| {
            let l = r.iter().find(|p| p.right() <= g);
            let rt = r.iter().find(|p| p.left() >= g - 1.0);
            matches!((l, rt), (Some(l), Some(rt))
                if (l.right() - l.left()).max(rt.right() - rt.left()) >= 0.5 * column)
        };
        let first = rows.iter().position(two)?;
        let last = rows.iter().rposition(two)?;
        Some((g, first, last))
    });
    let mut out = String::new();
    let mut left: Vec<VisualLine> = Vec::new();
    let mut right: Vec<VisualLine> = Vec::new();
    let mut across: Vec<VisualLine> = Vec::new();
    let visual = |ls: &[&Line]| VisualLine {
        text: ls.iter().map(|l| line_text(l)).collect::<Vec<_>>().join("\t"),
        right: ls.last().map_or(0.0, |l| l.right()),
        size: ls.first().map_or(1.0, |l| l.size),
    };
    for (i, row) in rows.iter().enumerate() {
        match band {
            // Inside the band, and the last rows of a column that ends higher than the other.
            Some((g, first, last))
                if i >= first && (i <= last || row.iter().all(|p| p.left() >= g - 1.0)) =>
            {
                let (l, r): (Vec<&Line>, Vec<&Line>) = row.iter().partition(|p| p.right() <= g);
                if !across.is_empty() {
                    out.push_str(&join_wrapped_lines(&across));
                    across.clear();
                }
                if !l.is_empty() {
                    left.push(visual(&l));
                }
                if !r.is_empty() {
                    right.push(visual(&r));
                }
            }
            _ => {
                // A row across the page ends the columns above it.
                if !left.is_empty() || !right.is_empty() {
                    out.push_str(&join_wrapped_lines(&left));
                    out.push_str(&join_wrapped_lines(&right));
                    left.clear();
                    right.clear();
                }
                across.push(visual(row));
            }
        }
    }
    out.push_str(&join_wrapped_lines(&left));
    out.push_str(&join_wrapped_lines(&right));
    out.push_str(&join_wrapped_lines(&across));
    out
}

fn line_text(l: &Line) -> String {
    let mut out = String::new();
    let mut prev_end: Option<f64> = None;
    for g in &l.glyphs {
        if let Some(end) = prev_end
            && g.x - end > 0.25 * l.size
            && !out.ends_with(' ')
        {
            // A visible gap between Latin words; CJK glyphs sit edge to edge.
            let last_ascii = out.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
            let next_ascii = g.text.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
            if last_ascii || next_ascii {
                out.push(' ');
            }
        }
        out.push_str(&g.text);
        prev_end = Some(g.x + g.w);
    }
    out
}

/// A line as laid out on the page: its text, where it ends on the right, its character size.
struct VisualLine {
    text: String,
    right: f64,
    size: f64,
}

/// Joins the lines of a block that a layout wrapped inside a paragraph: a line that runs to the block's right
/// edge and does not end a sentence continues on the next one, unless that one opens a heading or an item. The
/// extractor reads sentences, and a sentence cut by a line break would lose its targets.
fn join_wrapped_lines(lines: &[VisualLine]) -> String {
    let full = lines.iter().map(|l| l.right).fold(f64::NEG_INFINITY, f64::max);
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let text = l.text.trim_end();
        out.push_str(text);
        let next = lines.get(i + 1).map(|n| n.text.trim_start());
        let reaches_edge = l.right >= full - 2.5 * l.size;
        let ends_sentence = text.ends_with(['。', ';', ':', '!', '?', '；', '：', '！', '？', '”', '》']);
        let next_opens = next.is_none_or(opens_block);
        // A title in a larger type does not run on into the text below it; a table row is a line of its own.
        let same_size = lines
            .get(i + 1)
            .is_some_and(|n| (n.size - l.size).abs() <= 0.2 * l.size);
        if !(reaches_edge && !ends_sentence && !next_opens && same_size && !text.contains('\t')) {
            out.push('\n');
        }
    }
    out
}

/// Does a line start a heading or an item (一、 (一) 1. —— ①)?
fn opens_block(line: &str) -> bool {
    let mut cs = line.chars();
    let first = cs.next();
    let second = cs.next();
    match (first, second) {
        (Some(c), Some('、' | '是')) if "一二三四五六七八九十".contains(c) => true,
        (Some('(' | '（'), _) | (Some('—'), Some('—')) => true,
        (Some(c), _) if ('\u{2460}'..='\u{2473}').contains(&c) => true,
        (Some(c), Some('.' | '、' | '．')) if c.is_ascii_digit() => true,
        (Some('第'), _) => true,
        _ => false,
    }
}

/// The x of a vertical gap between two columns, if the page has one: a band no piece crosses, between pieces on
/// both sides, with most lines of the page on one side or the other.
fn find_gutter(pieces: &[Line]) -> Option<f64> {
    if pieces.len() < 6 {
        return None;
    }
    let min_x = pieces.iter().map(Line::left).fold(f64::INFINITY, f64::min);
    let max_x = pieces.iter().map(Line::right).fold(f64::NEG_INFINITY, f64::max);
    let width = max_x - min_x;
    if width <= 0.0 {
        return None;
    }
    // Candidate gutters: the left edges of pieces in the middle of the page.
    let mut best: Option<(usize, f64)> = None;
    for p in pieces {
        let x = p.left();
        if x < min_x + width * 0.3 || x > min_x + width * 0.7 {
            continue;
        }
        let crossing = pieces
            .iter()
            .filter(|q| q.left() < x - 1.0 && q.right() > x + 1.0)
            .count();
        let right = pieces.iter().filter(|q| q.left() >= x - 1.0).count();
        let left = pieces.iter().filter(|q| q.right() <= x).count();
        if left >= 3 && right >= 3 && crossing * 4 < pieces.len() && best.is_none_or(|(c, _)| crossing < c) {
            best = Some((crossing, x - 0.5));
        }
    }
    best.map(|(_, x)| x)
}

// ---------------------------------------------------------------------------------------------------------------
// HTML

/// The bytes as HTML, decoded, if they are a web page.
fn html_bytes(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(2048)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let lower: Vec<u8> = head[start..]
        .iter()
        .take(512)
        .map(u8::to_ascii_lowercase)
        .collect();
    let looks = [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<body",
        b"<meta",
        b"<title",
    ]
    .iter()
    .any(|m| lower.starts_with(m))
        || lower.starts_with(b"<!--") && lower.windows(5).any(|w| w == b"<html");
    if !looks {
        return None;
    }
    // Encoding: a byte-order mark, else <meta charset=…> / <meta http-equiv … content="…charset=…">, else UTF-8 if
    // valid, else GB18030 (which reads GBK and GB2312).
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return Some(enc.decode_with_bom_removal(bytes).0.into_owned());
    }
    let lower_head: String = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let label = lower_head.find("charset").and_then(|p| {
        let rest = lower_head[p + "charset".len()..].trim_start_matches([' ', '=', '"', '\'']);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        encoding_rs::Encoding::for_label(&rest.as_bytes()[..end])
    });
    let enc = match label {
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => encoding_rs::GB18030,
    };
    Some(enc.decode_without_bom_handling(bytes).0.into_owned())
}

/// Content blocks of the usual government CMS pages, most specific first.
const CONTENT_SELECTORS: [&str; 12] = [
    ".TRS_Editor",
    ".trs_editor_view",
    "#zoom",
    "#UCAP-CONTENT",
    ".pages_content",
    ".article-content",
    ".article_content",
    "#article",
    ".zwnr",
    "#content",
    "article",
    "main",
];

/// Elements never part of the main text.
const DROPPED: [&str; 14] = [
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "select", "button",
    "template", "svg", "head",
];

fn html_text(html: &str) -> Result<String, DecodeError> {
    let doc = scraper::Html::parse_document(html);
    let title = ["meta[name=ArticleTitle]", "h1", "title"].iter().find_map(|sel| {
        let s = scraper::Selector::parse(sel).ok()?;
        let el = doc.select(&s).next()?;
        let t = el
            .value()
            .attr("content")
            .map(str::to_owned)
            .unwrap_or_else(|| el.text().collect::<String>());
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        (!t.is_empty()).then_some(t)
    });
    let mut main = None;
    for sel in CONTENT_SELECTORS {
        let Ok(s) = scraper::Selector::parse(sel) else {
            continue;
        };
        if let Some(el) = doc
            .select(&s)
            .max_by_key(|el| el.text().map(|t| t.trim().chars().count()).sum::<usize>())
            && el.text().map(|t| t.trim().chars().count()).sum::<usize>() >= 50
        {
            main = Some(el);
            break;
        }
    }
    let main = main
        .or_else(|| densest_block(&doc))
        .unwrap_or_else(|| doc.root_element());
    let mut body = String::new();
    block_text(main, &mut body);
    let mut out = String::new();
    if let Some(t) = title
        && !body.trim_start().starts_with(t.as_str())
    {
        out.push_str(&t);
        out.push('\n');
    }
    out.push_str(&body);
    Ok(out)
}

/// The block (div, td, section, article) whose own paragraphs hold the most text that is not links: the main
/// text of a page whose CMS is not known (after readability's idea).
fn densest_block(doc: &scraper::Html) -> Option<scraper::ElementRef<'_>> {
    let s = scraper::Selector::parse("div, td, section, article").ok()?;
    doc.select(&s)
        .filter(|el| !is_dropped(el.value().name()))
        .max_by_key(|el| {
            let mut text = 0usize;
            let mut links = 0usize;
            for child in el.children() {
                if let Some(c) = scraper::ElementRef::wrap(child) {
                    let n: usize = c.text().map(|t| t.trim().chars().count()).sum();
                    match c.value().name() {
                        "p" | "br" | "span" | "font" | "strong" => text += n,
                        "a" | "ul" | "ol" | "li" => links += n,
                        _ => {}
                    }
                } else if let Some(t) = child.value().as_text() {
                    text += t.trim().chars().count();
                }
            }
            text.saturating_sub(links * 2)
        })
}

fn is_dropped(name: &str) -> bool {
    DROPPED.contains(&name)
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "tr"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "table"
            | "section"
            | "article"
            | "ul"
            | "ol"
            | "blockquote"
            | "pre"
            | "hr"
            | "dd"
            | "dt"
    )
}

/// The text under a node with line breaks at block boundaries and tabs between table cells.
fn block_text(node: scraper::ElementRef<'_>, out: &mut String) {
    for child in node.children() {
        match child.value() {
            scraper::Node::Text(t) => {
                // Whitespace of the markup collapses; a non-breaking space (&nbsp;) is a space.
                let mut last_space = out.ends_with([' ', '\n', '\t']) || out.is_empty();
                for c in t.chars() {
                    if c.is_whitespace() || c == '\u{a0}' {
                        if !last_space {
                            out.push(' ');
                            last_space = true;
                        }
                    } else {
                        out.push(c);
                        last_space = false;
                    }
                }
            }
            scraper::Node::Element(e) => {
                let name = e.name();
                if is_dropped(name) {
                    continue;
                }
                if is_block(name) && !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                if let Some(el) = scraper::ElementRef::wrap(child) {
                    block_text(el, out);
                }
                match name {
                    "td" | "th" => out.push('\t'),
                    n if is_block(n) => {
                        while out.ends_with([' ', '\t']) {
                            out.pop();
                        }
                        if !out.ends_with('\n') {
                            out.push('\n');
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
