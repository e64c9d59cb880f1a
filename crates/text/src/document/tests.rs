//! Each format on a real file of its kind made for the test (`tests/fixtures/documents/`, see its README), and
//! the refusals.

use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/documents/");
    std::fs::read(format!("{path}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn read(name: &str) -> DecodedText {
    read_document(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The byte offset of `needle` in `text`, which must be there.
fn at(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in:\n{text}"))
}

#[test]
fn a_docx_written_by_libreoffice_reads_in_order_with_tables_as_rows_and_furniture_apart() {
    let d = read("plan.docx");
    assert_eq!(d.format, DocumentFormat::Docx);
    let t = &d.text;
    assert!(
        t.starts_with("汕尾市城区促进科技创新强区建设行动方案(2023-2026年)\n"),
        "{t}"
    );
    // Paragraphs in their order, the two-column section included.
    assert!(at(t, "一、指导思想") < at(t, "二、主要目标"));
    assert!(at(t, "1.创新平台建设提速") < at(t, "4.科技投入提速"));
    assert!(t.contains("高技术制造业增加值占规模以上工业增加值比重达到50%。\n"));
    // A table row is one line, its cells apart.
    assert!(t.contains("高新技术企业(家)\t15\t30\n"), "{t}");
    // Header and footer after the body, apart.
    let furniture = at(t, "〔页眉页脚 / headers and footers〕");
    assert!(at(t, "加强组织领导") < furniture);
    assert!(at(t, "汕尾市城区人民政府办公室文件") > furniture);
    assert!(at(t, "城区府办〔2024〕第1页") > furniture);
    let e = crate::extract(t);
    let values: Vec<String> = e
        .targets
        .iter()
        .map(|t| format!("{}{}", t.value, t.unit))
        .collect();
    for v in ["8家", "10家", "50%", "30家", "60家", "500万元", "10%"] {
        assert!(values.contains(&v.to_owned()), "{v} in {values:?}");
    }
}

#[test]
fn a_two_column_pdf_written_by_libreoffice_reads_column_by_column() {
    let d = read("plan.pdf");
    assert_eq!(d.format, DocumentFormat::Pdf);
    let t: String = d.text.replace(' ', "");
    // The left column is read down before the right one, so a sentence is whole.
    assert!(
        t.contains("布局建成省级新型研发机构、工程技术研究中心、实验室等省级创新平台8家"),
        "{t}"
    );
    assert!(at(&t, "比重达到50%") < at(&t, "2.产业技术攻关能力提速"), "{t}");
    assert!(t.contains("到2026年,全区高新技术企业突破30家"), "{t}");
    // The full-width lines above and below the columns keep their places.
    assert!(at(&t, "二、主要目标") < at(&t, "1.创新平台建设提速"));
    assert!(at(&t, "4.科技投入提速") < at(&t, "三、主要指标"));
    let e = crate::extract(&d.text);
    let values: Vec<String> = e
        .targets
        .iter()
        .map(|t| format!("{}{}", t.value, t.unit))
        .collect();
    for v in ["8家", "10家", "50%", "30家", "60家", "500万元", "10%"] {
        assert!(values.contains(&v.to_owned()), "{v} in {values:?}");
    }
}

#[test]
fn an_ofd_reads_its_text_codes_in_page_order_whatever_their_order_in_the_file() {
    let d = read("dongtou-plan.ofd");
    assert_eq!(d.format, DocumentFormat::Ofd);
    let t = &d.text;
    // The template page's red head first, then the lines top to bottom.
    assert!(t.starts_with("温州市洞头区人民政府文件\n"), "{t}");
    assert!(at(t, "洞头区大力提升科技创新能力") < at(t, "一、总体要求"));
    assert!(at(t, "一、总体要求") < at(t, "——重大科研成果加快涌现"));
    let e = crate::extract(t);
    let values: Vec<String> = e
        .targets
        .iter()
        .map(|t| format!("{}{}", t.value, t.unit))
        .collect();
    for v in ["3.4%", "160", "40位", "209人年", "7项", "10项", "2项"] {
        assert!(values.contains(&v.to_owned()), "{v} in {values:?}");
    }
}

#[test]
fn a_saved_government_page_reads_its_article_without_navigation_or_footer() {
    let d = read("dongtou-page.html");
    assert_eq!(d.format, DocumentFormat::Html);
    let t = &d.text;
    assert!(
        t.starts_with(
            "洞头区大力提升科技创新能力全面落实融入省“315”科技创新体系建设工程实施方案(2023-2027年)\n"
        ),
        "{t}"
    );
    assert!(t.contains("到2027年,力争全社会研究与试验发展(R&D)经费支出占地区生产总值比重3.4%以上"));
    for furniture in [
        "首页",
        "网站标识码",
        "浙ICP备",
        "浏览次数",
        "相关链接",
        "新增高新技术企业20家",
        "pageType",
    ] {
        assert!(!t.contains(furniture), "{furniture} in:\n{t}");
    }
    let e = crate::extract(t);
    assert_eq!(e.plan_period, Some((2023, 2027)));
    let values: Vec<String> = e
        .targets
        .iter()
        .map(|t| format!("{}{}", t.value, t.unit))
        .collect();
    for v in ["3.4%", "160", "40位", "1家", "209人年", "7项", "10项", "2项"] {
        assert!(values.contains(&v.to_owned()), "{v} in {values:?}");
    }
}

#[test]
fn a_scanned_pdf_is_refused_as_needing_ocr() {
    let e = read_document(&fixture("scan.pdf")).unwrap_err();
    assert_eq!(e, DecodeError::ScannedPdf);
    let msg = e.to_string();
    assert!(msg.contains("需要OCR") && msg.contains("scan"), "{msg}");
}

#[test]
fn an_old_word_file_is_refused_with_a_request_for_docx() {
    let e = read_document(&fixture("plan.doc")).unwrap_err();
    assert_eq!(e, DecodeError::LegacyOffice);
    let msg = e.to_string();
    assert!(msg.contains(".docx") && msg.contains("另存为"), "{msg}");
}

#[test]
fn formats_are_told_by_content_not_by_name() {
    // The same bytes whatever the name; and text that merely mentions a format stays text.
    let d = read_document("%PDF is how a PDF starts; 高新技术企业达到20家。".as_bytes()).unwrap();
    assert_eq!(
        d.format,
        DocumentFormat::PlainText,
        "%PDF- with its dash is a PDF, %PDF without is text"
    );
    let d = read_document("PDF 和 OFD 文件:到2020年,高新技术企业达到20家。".as_bytes()).unwrap();
    assert_eq!(d.format, DocumentFormat::PlainText);
    // A ZIP that is no document (a spreadsheet, an archive) is refused.
    let mut buf = Vec::new();
    {
        let mut z = zip::ZipWriter::new(Cursor::new(&mut buf));
        z.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut z, b"<workbook/>").unwrap();
        z.finish().unwrap();
    }
    assert_eq!(read_document(&buf), Err(DecodeError::NotADocument));
    // GBK plain text as before.
    let (gbk, _, _) = encoding_rs::GBK.encode("到2020年,高新技术企业达到20家。");
    let d = read_document(&gbk).unwrap();
    assert_eq!(
        (d.format, d.encoding),
        (DocumentFormat::PlainText, SourceEncoding::Gb18030)
    );
}

#[test]
fn broken_documents_are_refused_not_panicked_on() {
    let mut pdf = fixture("plan.pdf");
    pdf.truncate(pdf.len() / 3);
    assert!(read_document(&pdf).is_err());
    let mut docx = fixture("plan.docx");
    docx.truncate(docx.len() / 2);
    assert!(read_document(&docx).is_err());
    assert!(read_document(b"PK\x03\x04garbage").is_err());
    assert!(read_document(b"%PDF-1.7\n%garbage").is_err());
}

mod properties {
    use proptest::prelude::*;

    use super::super::read_document;

    /// Prefixes that send bytes down each reader's path.
    fn prefix() -> impl Strategy<Value = Vec<u8>> {
        prop::sample::select(vec![
            Vec::new(),
            b"%PDF-1.7\n".to_vec(),
            b"PK\x03\x04".to_vec(),
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
            b"<!DOCTYPE html><html><body><div class=\"TRS_Editor\">".to_vec(),
            b"\xEF\xBB\xBF".to_vec(),
            b"\xFF\xFE".to_vec(),
        ])
    }

    proptest! {
        /// Reading never panics, whatever the bytes; what it returns is text or a refusal.
        #[test]
        fn reading_arbitrary_bytes_never_panics(p in prefix(), rest in prop::collection::vec(any::<u8>(), 0..2000)) {
            let mut bytes = p;
            bytes.extend(rest);
            if let Ok(d) = read_document(&bytes) {
                prop_assert!(!d.text.trim().is_empty());
            }
        }

        /// Any Unicode text reads as itself (or is refused as blank/binary) and extracts without panicking, with
        /// every span valid in both texts.
        #[test]
        fn arbitrary_unicode_decodes_and_extracts_without_panicking(s in any::<String>()) {
            if let Ok(d) = read_document(s.as_bytes()) {
                let e = crate::extract(&d.text);
                for t in &e.targets {
                    prop_assert!(e.normalized_text().get(t.start..t.end).is_some());
                    prop_assert!(d.text.get(t.original_start..t.original_end).is_some());
                }
            }
            let e = crate::extract(&s);
            for t in &e.targets {
                prop_assert!(s.get(t.original_start..t.original_end).is_some());
                for ev in &t.evidences {
                    prop_assert!(s.get(ev.original_start..ev.original_end).is_some());
                }
            }
        }
    }
}
