//! Reading import files: every kind of bad input gets its own clear message (row, column, reason in Chinese and
//! English), good files in every accepted form read to the same records, and exports read back unchanged.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use jiff::civil::date;
use plantrack_core::plan::embedded::shuangtaizi;
use plantrack_core::qualify::Uscc;
use plantrack_core::registry::{EnterpriseYearRow, Qualification};
use plantrack_exchange::write::{CsvOut, ToRow, export_workbook, template};
use plantrack_exchange::{Context, Kind, Parser, Problem, Records};
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

fn cx() -> Context {
    let plan = shuangtaizi().unwrap();
    Context::for_plan(&plan, ["211102001".to_string()], Some("tester".into()))
}

fn uscc(n: u32) -> String {
    Uscc::with_check_digit(&format!("91211102MA{n:07}"))
        .unwrap()
        .to_string()
}

/// Read a whole file: all records and all problems.
fn read(bytes: Vec<u8>, name: &str, kind: Kind) -> (Vec<Records>, Vec<Problem>) {
    let cx = cx();
    let mut p = match Parser::open(bytes, name, kind) {
        Ok(p) => p,
        Err(problems) => return (Vec::new(), problems),
    };
    let mut records = Vec::new();
    let mut problems = Vec::new();
    while let Some(b) = p.next_batch(3, &cx) {
        records.push(b.records);
        problems.extend(b.problems);
    }
    (records, problems)
}

fn enterprises(records: Vec<Records>) -> Vec<EnterpriseYearRow> {
    records
        .into_iter()
        .flat_map(|r| match r {
            Records::Enterprises(v) => v,
            _ => Vec::new(),
        })
        .collect()
}

const HEADER: &str = "统一社会信用代码,企业名称,成立日期,所在区划代码,行业代码,高新技术领域,年度,职工总数,科技人员数,销售收入(万元),主营业务收入(万元),总收入(万元),高新技术产品(服务)收入(万元),资产总额(万元),负债总额(万元),成本费用支出总额(万元),研发费用(万元),境内研发费用(万元),Ⅰ类知识产权数,Ⅱ类知识产权数,研发机构级别,科技成果转化数";

fn good_csv() -> String {
    format!(
        "{HEADER}\n\
         {a},盘锦甲化工有限公司（演示）,2010-05-01,211102,C2614,新材料,2019,120,30,\"5,000.5\",5000.5,5200,3000,8000,2000,4500,260,250,2,10,市级,3\n\
         {b},盘锦乙软件有限公司（演示）,2015/3/8,211102001,I6513,电子信息,2019,40,20,800万元,800,820,600,900,100,700,90,90,1,5,无,0\n",
        a = uscc(1),
        b = uscc(2)
    )
}

#[test]
fn a_good_csv_reads_to_typed_records() {
    let (records, problems) = read(good_csv().into_bytes(), "企业.csv", Kind::Enterprises);
    assert!(problems.is_empty(), "{problems:?}");
    let rows = enterprises(records);
    assert_eq!(rows.len(), 2);
    let a = &rows[0];
    assert_eq!(a.figures.sales_revenue, Some("5000.5".parse().unwrap()));
    assert_eq!(a.figures.rd_institution_level.as_deref(), Some("市级"));
    assert_eq!(a.enterprise.founded_on, Some(date(2010, 5, 1)));
    assert_eq!(a.enterprise.reported_year, Some(2019));
    let b = &rows[1];
    assert_eq!(b.figures.sales_revenue, Some(Decimal::from(800)));
    assert_eq!(b.figures.rd_institution_level, None);
    assert_eq!(b.figures.org_unit_code.as_deref(), Some("211102001"));
}

#[test]
fn gbk_and_bom_and_utf16_csv_read_alike() {
    let text = good_csv();
    let (utf8, _) = read(text.clone().into_bytes(), "a.csv", Kind::Enterprises);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(text.as_bytes());
    let (with_bom, p1) = read(bom, "a.csv", Kind::Enterprises);
    let (gbk_bytes, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    let (gbk, p2) = read(gbk_bytes.into_owned(), "a.csv", Kind::Enterprises);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.replace(',', "\t").encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let (tsv, p3) = read(utf16, "a.txt", Kind::Enterprises);
    assert!(
        p1.is_empty() && p2.is_empty() && p3.is_empty(),
        "{p1:?} {p2:?} {p3:?}"
    );
    let base = enterprises(utf8);
    assert_eq!(enterprises(with_bom), base);
    assert_eq!(enterprises(gbk), base);
    // The tab-separated UTF-16 variant loses the quoted thousands separator's quotes only.
    assert_eq!(enterprises(tsv).len(), 2);
}

#[test]
fn every_bad_row_is_listed_with_row_column_and_reason() {
    let bad_uscc = {
        let mut u = uscc(3);
        let last = u.pop().unwrap();
        u.push(if last == '0' { '1' } else { '0' });
        u
    };
    let text = format!(
        "{HEADER}\n\
         {e},好,2010-01-01,211102,C2614,,2019,10,5,1,1,1,1,1,1,1,1,1,0,0,,0\n\
         {bad_uscc},坏代码,2010-01-01,211102,C2614,,2019,10,5,1,1,1,1,1,1,1,1,1,0,0,,0\n\
         {a},科技人员过多,2010-01-01,211102,C2614,,2019,10,11,1,1,1,1,1,1,1,2,3,0,0,,0\n\
         {b},负数,2010-01-01,999999,C2614,,2019,10,5,-1,1,1,1,1,1,1,1,1,0,0,,0\n\
         {c},日期坏,2019-02-30,211102,X99,太空,2019,10,5,abc,1,1,1,1,1,1,1,1,0,0,火星级,0\n\
         {e},重复行,2010-01-01,211102,C2614,,2019,10,5,1,1,1,1,1,1,1,1,1,0,0,,0\n\
         {d},,2010-01-01,211102,C2614,,,10,5,1,1,1,1,1,1,1,1,1,0,0,,0\n",
        a = uscc(4),
        b = uscc(5),
        c = uscc(6),
        d = uscc(7),
        e = uscc(8),
    );
    let (_, problems) = read(text.into_bytes(), "bad.csv", Kind::Enterprises);
    let has = |row: u64, col: &str, en: &str| {
        problems.iter().any(|p| {
            p.row == Some(row)
                && p.column.as_deref().unwrap_or("") == col
                && p.message_en.contains(en)
                && !p.message_zh.is_empty()
        })
    };
    assert!(has(3, "统一社会信用代码", "check digit"), "{problems:#?}");
    assert!(has(4, "科技人员数", "exceeds employees"), "{problems:#?}");
    assert!(
        has(4, "境内研发费用(万元)", "exceeds the R&D expense"),
        "{problems:#?}"
    );
    assert!(
        has(5, "所在区划代码", "999999: no province has the prefix"),
        "{problems:#?}"
    );
    assert!(has(5, "销售收入(万元)", "negative"), "{problems:#?}");
    assert!(has(6, "成立日期", "no such date"), "{problems:#?}");
    assert!(has(6, "行业代码", "GB/T 4754"), "{problems:#?}");
    assert!(has(6, "高新技术领域", "one of"), "{problems:#?}");
    assert!(has(6, "销售收入(万元)", "not a number"), "{problems:#?}");
    assert!(has(6, "研发机构级别", "one of"), "{problems:#?}");
    assert!(
        problems
            .iter()
            .any(|p| p.row == Some(7) && p.message_en.contains("duplicates row 2")),
        "{problems:#?}"
    );
    assert!(has(8, "企业名称", "required"), "{problems:#?}");
    assert!(has(8, "年度", "required"), "{problems:#?}");
    assert!(!problems.iter().any(|p| p.row == Some(2)), "{problems:#?}");
    assert_eq!(problems.len(), 13, "{problems:#?}");
}

#[test]
fn wrong_headers_and_wrong_files_get_clear_messages() {
    let (_, p) = read("名称,数量\n甲,1\n".into(), "x.csv", Kind::Enterprises);
    assert!(
        p[0].message_en.contains("no header row found") && p[0].message_zh.contains("统一社会信用代码"),
        "{p:?}"
    );
    let (_, p) = read(
        "统一社会信用代码,企业名称,年度\n".into(),
        "x.csv",
        Kind::Enterprises,
    );
    assert!(
        p[0].message_en.contains("lacks required columns: 所在区划代码"),
        "{p:?}"
    );
    let (_, p) = read(format!("{HEADER}\n").into_bytes(), "x.csv", Kind::Enterprises);
    assert!(p[0].message_en.contains("no data rows"), "{p:?}");
    let (_, p) = read(Vec::new(), "x.csv", Kind::Enterprises);
    assert!(p[0].message_en.contains("empty"), "{p:?}");
    let (_, p) = read(b"just text, renamed".to_vec(), "x.xlsx", Kind::Enterprises);
    assert!(p[0].message_en.contains("not a valid workbook"), "{p:?}");
    let (_, p) = read(vec![0, 1, 2, 3, 0, 0, 255], "x.bin", Kind::Enterprises);
    assert!(p[0].message_en.contains("neither a text file"), "{p:?}");
    let (_, p) = read(vec![0xB0, 0xA1, 0xFF, 0xFF, 0x81], "x.csv", Kind::Enterprises);
    assert!(p[0].message_en.contains("neither UTF-8 nor GBK"), "{p:?}");
    // A truncated workbook: a real template cut in half.
    let book = template(Kind::Enterprises).unwrap();
    let (_, p) = read(book[..book.len() / 2].to_vec(), "半个.xlsx", Kind::Enterprises);
    assert!(p[0].message_en.contains("cannot be read"), "{p:?}");
    // A 100 MB "workbook": refused before reading, with the way out.
    let mut big = b"PK\x03\x04".to_vec();
    big.resize(100 * 1024 * 1024, b'x');
    let (_, p) = read(big, "大.xlsx", Kind::Enterprises);
    assert!(
        p[0].message_en.contains("too large") && p[0].message_en.contains("CSV"),
        "{p:?}"
    );
    // Two columns for one header.
    let (_, p) = read(
        format!("{HEADER},年度\n").into_bytes(),
        "x.csv",
        Kind::Enterprises,
    );
    assert!(p[0].message_en.contains("appears twice"), "{p:?}");
}

#[test]
fn observations_of_derived_elements_are_refused_with_the_reason() {
    let text = "区划代码,期间,指标,数值,来源\n211102,2019,gdp,1200000,区统计局\n211102,2019,高新技术企业数(年末有效证书),13,\n211102,2019Q3,nonsense,1,\n";
    let (records, p) = read(text.into(), "obs.csv", Kind::Observations);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].row == Some(3) && p[0].message_en.contains("derived from the registries"),
        "{p:?}"
    );
    assert!(p[1].message_en.contains("unknown data element"), "{p:?}");
    let n: usize = records.iter().map(Records::len).sum();
    assert_eq!(n, 1);
}

/// A workbook as offices make them: a title row, dates as date cells and as serial numbers, formulas with
/// results, full-width digits and units in text cells.
#[test]
fn a_workbook_with_a_title_dates_formulas_and_text_numbers_reads_right() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "2019年度企业年报汇总（演示）").unwrap();
    for (c, h) in HEADER.split(',').enumerate() {
        ws.write_string(1, c as u16, h).unwrap();
    }
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let row = 2;
    ws.write_string(row, 0, uscc(11)).unwrap();
    ws.write_string(row, 1, "甲（演示）").unwrap();
    ws.write_datetime_with_format(row, 2, ExcelDateTime::from_ymd(2010, 5, 1).unwrap(), &date_fmt)
        .unwrap();
    ws.write_number(row, 3, 211102.0).unwrap();
    ws.write_string(row, 4, "C2614").unwrap();
    ws.write_number(row, 6, 2019.0).unwrap();
    ws.write_string(row, 7, "１２０").unwrap();
    ws.write_number(row, 8, 30.0).unwrap();
    ws.write_string(row, 9, "1,234.5万元").unwrap();
    ws.write_formula(row, 10, Formula::new("=J3").set_result("1234.5"))
        .unwrap();
    ws.write_number(row, 16, 100.25).unwrap();
    ws.write_number(row, 17, 100.25).unwrap();
    // Second row: founded as a bare serial number.
    ws.write_string(row + 1, 0, uscc(12)).unwrap();
    ws.write_string(row + 1, 1, "乙（演示）").unwrap();
    ws.write_number(row + 1, 2, 43830.0).unwrap();
    ws.write_string(row + 1, 3, "211102").unwrap();
    ws.write_number(row + 1, 6, 2019.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let (records, p) = read(bytes, "年报.xlsx", Kind::Enterprises);
    assert!(p.is_empty(), "{p:#?}");
    let rows = enterprises(records);
    assert_eq!(rows[0].enterprise.founded_on, Some(date(2010, 5, 1)));
    assert_eq!(rows[0].figures.org_unit_code.as_deref(), Some("211102"));
    assert_eq!(rows[0].figures.employees, Some(120));
    assert_eq!(rows[0].figures.sales_revenue, Some("1234.5".parse().unwrap()));
    assert_eq!(
        rows[0].figures.main_business_revenue,
        Some("1234.5".parse().unwrap())
    );
    assert_eq!(rows[0].figures.rd_expense, Some("100.25".parse().unwrap()));
    assert_eq!(rows[1].enterprise.founded_on, Some(date(2019, 12, 31)));
}

#[test]
fn merged_cells_and_uncomputed_formulas_are_explained() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["统一社会信用代码", "资质类型", "证书编号", "发证日期"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, uscc(21)).unwrap();
    ws.write_string(2, 0, uscc(22)).unwrap();
    ws.merge_range(1, 1, 2, 1, "高新技术企业", &Format::new())
        .unwrap();
    ws.write_string(1, 2, "GR201921000001").unwrap();
    ws.write_string(2, 2, "GR201921000002").unwrap();
    ws.write_string(1, 3, "2019-11-01").unwrap();
    ws.write_formula(2, 3, Formula::new("=D2+1").set_result(""))
        .unwrap();
    let (_, p) = read(wb.save_to_buffer().unwrap(), "资质.xlsx", Kind::Qualifications);
    assert!(
        p.iter()
            .any(|p| p.row == Some(3) && p.message_en.contains("merged cells")),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|p| p.row == Some(3) && p.message_en.contains("formula =D2+1")),
        "{p:#?}"
    );
}

#[test]
fn a_template_reads_back_as_a_file_without_rows() {
    for kind in Kind::ALL {
        let book = template(kind).unwrap();
        let (_, p) = read(book, "t.xlsx", kind);
        assert_eq!(p.len(), 1, "{kind}: {p:?}");
        assert!(p[0].message_en.contains("no data rows"), "{kind}: {p:?}");
    }
}

fn qualifications() -> Vec<Qualification> {
    let mut q = vec![
        Qualification::high_tech(uscc(1), "GR201721000001", date(2017, 12, 1)),
        Qualification::tech_sme(uscc(2), "2019211102A0001", date(2019, 4, 2), 2019),
    ];
    q[1].revoked_on = Some(date(2019, 10, 1));
    q
}

#[test]
fn exports_read_back_unchanged_as_xlsx_and_csv() {
    let rows = enterprises(read(good_csv().into_bytes(), "a.csv", Kind::Enterprises).0);
    let book = export_workbook(&rows).unwrap();
    let (back, p) = read(book, "export.xlsx", Kind::Enterprises);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(enterprises(back), rows);

    let quals = qualifications();
    let mut csv = CsvOut::new(Kind::Qualifications, Vec::new()).unwrap();
    for q in &quals {
        csv.row(q).unwrap();
    }
    let (back, p) = read(csv.finish().unwrap(), "q.csv", Kind::Qualifications);
    assert!(p.is_empty(), "{p:?}");
    let back: Vec<Qualification> = back
        .into_iter()
        .flat_map(|r| match r {
            Records::Qualifications(v) => v,
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(back, quals);
    let (back, p) = read(export_workbook(&quals).unwrap(), "q.xlsx", Kind::Qualifications);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(back.iter().map(Records::len).sum::<usize>(), 2);
    assert_eq!(<Qualification as ToRow>::KIND, Kind::Qualifications);
}

#[test]
fn duplicates_within_a_file_name_the_first_row() {
    let text = "合同登记编号,合同类型,登记日期,卖方统一社会信用代码,买方名称,成交额(万元),技术交易额(万元),所在区划代码\n\
                C1,技术开发,2019-01-02,UUU,甲,100,120,211102\n";
    let text = text.replace("UUU", &uscc(1));
    let text = format!("{text}C1,技术服务,2019-01-03,{},乙,5,,211102\n", uscc(1));
    let (_, p) = read(text.into_bytes(), "c.csv", Kind::Contracts);
    let rows: HashSet<u64> = p.iter().filter_map(|p| p.row).collect();
    // Row 2: technology turnover above the turnover; row 3 would have been fine but row 2's key was not kept.
    assert!(
        p.iter()
            .any(|p| p.row == Some(2) && p.message_en.contains("exceeds the turnover")),
        "{p:?}"
    );
    assert_eq!(rows.len(), 1, "{p:?}");
}
