//! DOCX tests: the package unzips, every XML part is well-formed, the layout values are those of GB/T 9704,
//! and the document's text (extracted from `word/document.xml`) matches a golden snapshot.

use std::io::Read;

use rust_decimal_macros::dec;

use super::*;
use crate::chart::{BarChart, Light, LineChart, Orientation, StatusMark};

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
    let mut parts = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        parts.insert(f.name().to_owned(), buf);
    }
    parts
}

fn xml(parts: &std::collections::BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(
        parts
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .clone(),
    )
    .unwrap()
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The document's text: one line per paragraph, table rows as `cell | cell`, images as `[图像 rId]`.
fn extract_text(document_xml: &str) -> String {
    let doc = roxmltree::Document::parse(document_xml).unwrap();
    let body = doc.descendants().find(|n| n.has_tag_name((W, "body"))).unwrap();
    let para_text = |p: roxmltree::Node<'_, '_>| -> String {
        let mut s = String::new();
        for n in p.descendants() {
            if n.has_tag_name((W, "t")) {
                s.push_str(n.text().unwrap_or(""));
            } else if n.has_tag_name((W, "br")) {
                s.push('⏎');
            } else if n.tag_name().name() == "blip" {
                let id = n
                    .attributes()
                    .find(|a| a.name() == "embed")
                    .map(|a| a.value())
                    .unwrap_or("?");
                s.push_str(&format!("[图像 {id}]"));
            }
        }
        s
    };
    let mut lines = Vec::new();
    for child in body.children().filter(roxmltree::Node::is_element) {
        if child.has_tag_name((W, "p")) {
            lines.push(para_text(child));
        } else if child.has_tag_name((W, "tbl")) {
            for row in child.children().filter(|n| n.has_tag_name((W, "tr"))) {
                let cells: Vec<String> = row
                    .children()
                    .filter(|n| n.has_tag_name((W, "tc")))
                    .map(|c| {
                        c.descendants()
                            .filter(|n| n.has_tag_name((W, "p")))
                            .map(para_text)
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                lines.push(cells.join(" | "));
            }
        }
    }
    lines.join("\n")
}

fn chart_figure(caption: &str) -> Figure {
    let svg = LineChart::new("研发经费投入强度", ["2017", "2018", "2019"])
        .unit("%")
        .series("双台子区", [Some(dec!(1.6)), Some(dec!(1.9)), Some(dec!(2.2))])
        .target(dec!(2.5), None)
        .to_svg();
    Figure::from_svg(&svg, Rasterizer::shared())
        .unwrap()
        .caption(caption)
}

fn sample() -> OfficialDocument {
    let bars = BarChart::new("部门考核得分", Orientation::Horizontal)
        .bar_with_status("区科技局", Some(dec!(96)), StatusMark::new(Light::Green, "优秀"))
        .bar_with_status("区财政局", Some(dec!(58)), StatusMark::new(Light::Red, "不合格"))
        .to_svg();
    OfficialDocument::new("关于2019年第四季度科技行动计划\n重点任务督导检查情况的通报")
        .letterhead("督 查 通 报", Some("第4期".into()))
        .subtitle("（2019年第四季度）")
        .recipients("各镇（街道），区直各有关部门：")
        .paragraph("按照区政府常务会议部署，区科技工作领导小组办公室对第四季度重点任务进行了督导检查。现将有关情况通报如下。")
        .section(
            Section::new("主要目标完成情况")
                .block(Block::Paragraph(vec![Span::bold("总体看，"), Span::plain("8项目标中5项达到序时进度。")]))
                .table(
                    DocTable::new(["序号", "指标", "2020年目标", "完成值", "状态"])
                        .caption("表1 主要目标完成情况")
                        .widths([1, 5, 2, 2, 2])
                        .align([CellAlign::Center, CellAlign::Left, CellAlign::Right, CellAlign::Right, CellAlign::Center])
                        .row(["1", "研发经费投入强度（%）", "2.5", "2.2", "预警"])
                        .row(["2", "科技型中小企业（家）", "50", "52", "达标"])
                        .row(["3", "<高新技术企业> & \"R&D\""])
                        .note("注：完成值为截至2019年12月31日的数据。"),
                )
                .figure(chart_figure("图1 研发经费投入强度")),
        )
        .section(
            Section::new("存在的问题")
                .subsection(Section::new("部分任务进度滞后").paragraph("产业技术研究院建设进度滞后于序时。"))
                .subsection(
                    Section::new("个别部门报送不及时")
                        .subsection(Section::new("第三层").paragraph("内容。"))
                        .figure(Figure::from_svg(&bars, Rasterizer::shared()).unwrap().caption("图2 部门考核得分").width_mm(120)),
                ),
        )
        .closing(Block::text("请各有关部门对照问题抓好整改。"))
        .attachment("重点任务督导检查情况表")
        .attachment("部门考核得分表")
        .issuer("双台子区科技工作领导小组办公室")
        .date(jiff::civil::date(2019, 12, 31))
}

#[test]
fn the_docx_unzips_into_well_formed_parts() {
    let bytes = sample().to_docx().unwrap();
    let parts = unzip(&bytes);
    for name in [
        "[Content_Types].xml",
        "word/document.xml",
        "word/styles.xml",
        "word/fontTable.xml",
        "word/_rels/document.xml.rels",
        "word/settings.xml",
    ] {
        assert!(parts.contains_key(name), "{name} missing: {:?}", parts.keys());
    }
    for (name, data) in &parts {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let text = std::str::from_utf8(data).unwrap();
            roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name} is not well-formed: {e}"));
        }
    }
}

#[test]
fn the_document_holds_title_table_cells_and_escaped_text() {
    let parts = unzip(&sample().to_docx().unwrap());
    let text = extract_text(&xml(&parts, "word/document.xml"));
    assert!(text.contains("关于2019年第四季度科技行动计划⏎重点任务督导检查情况的通报"));
    assert!(text.contains("1 | 研发经费投入强度（%） | 2.5 | 2.2 | 预警"));
    // a short row is padded, markup characters arrive as text
    assert!(text.contains("3 | <高新技术企业> & \"R&D\" |  |  | "), "{text}");
}

#[test]
fn figures_are_embedded_pngs_with_stable_relationships() {
    let parts = unzip(&sample().to_docx().unwrap());
    let rels =
        roxmltree::Document::parse(std::str::from_utf8(&parts["word/_rels/document.xml.rels"]).unwrap())
            .unwrap();
    let images: Vec<(String, String)> = rels
        .descendants()
        .filter(|n| n.attribute("Type").is_some_and(|t| t.ends_with("/image")))
        .map(|n| {
            (
                n.attribute("Id").unwrap().to_owned(),
                n.attribute("Target").unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(images.len(), 2, "{images:?}");
    let document = xml(&parts, "word/document.xml");
    for (id, target) in &images {
        assert!(
            document.contains(&format!("r:embed=\"{id}\"")),
            "{id} not referenced"
        );
        let media = parts
            .get(&format!("word/{target}"))
            .unwrap_or_else(|| panic!("{target} missing"));
        assert_eq!(
            png_size(media),
            Some((
                1280,
                if id == "rIdImage1" {
                    640
                } else {
                    png_size(media).unwrap().1
                }
            ))
        );
    }
    assert_eq!(images[0].0, "rIdImage1");
    // 150 mm wide, height from the 2:1 aspect ratio
    assert!(
        document.contains("cx=\"5400000\" cy=\"2700000\""),
        "figure size in EMU"
    );
}

#[test]
fn the_page_follows_gb_t_9704() {
    let parts = unzip(&sample().to_docx().unwrap());
    let document = xml(&parts, "word/document.xml");
    assert!(document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\""), "A4");
    for m in [
        "w:top=\"2098\"",
        "w:bottom=\"1984\"",
        "w:left=\"1587\"",
        "w:right=\"1474\"",
    ] {
        assert!(document.contains(m), "margin {m}");
    }
    assert!(document.contains("w:linePitch=\"579\""));
    assert!(
        document.contains("w:line=\"579\" w:lineRule=\"exact\""),
        "fixed 28.95 pt body lines"
    );
    assert!(document.contains("w:eastAsia=\"方正小标宋简体\""));
    assert!(document.contains("<w:sz w:val=\"44\" />"), "二号 title");
    assert!(document.contains("w:eastAsia=\"仿宋_GB2312\""));
    assert!(document.contains("w:eastAsia=\"楷体_GB2312\""));
    assert_eq!(
        document.matches("<w:tblHeader />").count(),
        1,
        "only the header row repeats on each page"
    );
    let fonts = xml(&parts, "word/fontTable.xml");
    assert!(fonts.contains("<w:font w:name=\"仿宋_GB2312\"><w:altName w:val=\"仿宋\"/>"));
    assert!(fonts.contains("<w:font w:name=\"方正小标宋简体\"><w:altName w:val=\"宋体\"/>"));
    let settings = xml(&parts, "word/settings.xml");
    assert!(settings.contains("evenAndOddHeaders"));
    let footers: Vec<String> = parts
        .keys()
        .filter(|k| k.starts_with("word/footer"))
        .map(|k| xml(&parts, k))
        .collect();
    assert_eq!(footers.len(), 2);
    for f in &footers {
        assert!(
            f.contains(">PAGE<") && f.contains("— ") && f.contains(" —"),
            "{f}"
        );
    }
    assert!(
        footers.iter().any(|f| f.contains("w:val=\"right\""))
            && footers.iter().any(|f| f.contains("w:val=\"left\""))
    );
}

#[test]
fn golden_text() {
    let parts = unzip(&sample().to_docx().unwrap());
    insta::assert_snapshot!(extract_text(&xml(&parts, "word/document.xml")));
}

#[test]
fn the_output_is_deterministic() {
    assert_eq!(sample().to_docx().unwrap(), sample().to_docx().unwrap());
}

#[test]
fn heading_numbers_follow_the_official_sequence() {
    assert_eq!(heading_number(1, 1), "一、");
    assert_eq!(heading_number(1, 10), "十、");
    assert_eq!(heading_number(1, 12), "十二、");
    assert_eq!(heading_number(2, 3), "（三）");
    assert_eq!(heading_number(3, 2), "2.");
    assert_eq!(heading_number(4, 5), "（5）");
    assert_eq!(chinese_date(jiff::civil::date(2020, 1, 5)), "2020年1月5日");
}

/// The `w:left` indents of the last two paragraphs (issuer, date).
fn signature_indents(doc: &OfficialDocument) -> (i32, i32) {
    let parts = unzip(&doc.to_docx().unwrap());
    let document = xml(&parts, "word/document.xml");
    let tree = roxmltree::Document::parse(&document).unwrap();
    let lefts: Vec<i32> = tree
        .descendants()
        .filter(|n| n.has_tag_name((W, "ind")))
        .filter_map(|n| {
            n.attributes()
                .find(|a| a.name() == "left")
                .map(|a| a.value().parse().unwrap())
        })
        .collect();
    (lefts[lefts.len() - 2], lefts[lefts.len() - 1])
}

#[test]
fn the_date_starts_two_characters_right_of_the_issuer() {
    // issuer 15 characters (4800 twips) two characters (640) from the right of the 8845-twip text block;
    // the date starts two characters right of the issuer.
    let (issuer, date) = signature_indents(&sample());
    assert_eq!((issuer, date), (8845 - 640 - 4800, 8845 - 640 - 4800 + 640));
    // A date longer than the issuer keeps two characters from the margin; the issuer moves left.
    // "2019年12月31日" is 7 characters wide (digits are half width) = 2240 twips.
    let (issuer, date) = signature_indents(
        &OfficialDocument::new("t")
            .issuer("区科技局")
            .date(jiff::civil::date(2019, 12, 31)),
    );
    assert_eq!(date, 8845 - 640 - 2240);
    assert_eq!(issuer, date - 640);
}

#[test]
fn a_figure_that_is_not_png_is_refused() {
    let doc =
        OfficialDocument::new("t").section(Section::new("s").figure(Figure::new(b"GIF89a....".to_vec())));
    assert!(matches!(doc.to_docx(), Err(DocxError::NotPng { index: 1 })));
}

#[test]
fn a_minimal_document_and_other_font_sets_work() {
    for fonts in [OfficialFonts::common(), OfficialFonts::noto()] {
        let parts = unzip(
            &OfficialDocument::new("通知")
                .number_line("双科办〔2020〕1号")
                .fonts(fonts.clone())
                .to_docx()
                .unwrap(),
        );
        let document = xml(&parts, "word/document.xml");
        assert!(document.contains(&format!("w:eastAsia=\"{}\"", fonts.title)));
        roxmltree::Document::parse(&xml(&parts, "word/fontTable.xml")).unwrap();
        assert_eq!(extract_text(&document).lines().next(), Some("双科办〔2020〕1号"));
    }
}
