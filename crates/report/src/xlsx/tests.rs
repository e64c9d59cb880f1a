//! XLSX tests: read the file back with calamine (values, types, dates), and look into the package for the
//! parts calamine does not expose (notes, drop-downs, frozen panes, charts).

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use rust_decimal_macros::dec;

use super::*;

fn read(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("calamine opens the workbook")
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut parts = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            parts.insert(f.name().to_owned(), s);
        }
    }
    parts
}

fn targets_sheet() -> Sheet {
    Sheet::new("主要目标")
        .title("表1 主要目标完成情况")
        .column(Column::text("指标"))
        .column(Column::number("2020年目标", NumFmt::fixed(2)))
        .column(Column::number("完成值", NumFmt::fixed(2)))
        .column(Column::date("数据截至"))
        .row([
            Cell::from("研发经费投入强度（%）"),
            dec!(2.5).into(),
            dec!(2.31).into(),
            jiff::civil::date(2019, 12, 31).into(),
        ])
        .row([
            Cell::from("科技型中小企业（家）"),
            dec!(50).into(),
            Cell::from(None::<Decimal>),
            Cell::Empty,
        ])
        .row([
            Cell::from("技术合同成交额（万元）"),
            dec!(12345.678).into(),
            dec!(-1.5).into(),
        ])
        .chart(SheetChart::column("目标与完成", 0, [1, 2]).y_axis_title("数值"))
}

#[test]
fn typed_cells_read_back_with_calamine() {
    let bytes = Workbook::new()
        .author("plantrack")
        .sheet(targets_sheet())
        .to_xlsx()
        .unwrap();
    let mut wb = read(&bytes);
    assert_eq!(wb.sheet_names(), ["主要目标"]);
    let range = wb.worksheet_range("主要目标").unwrap();
    assert_eq!(
        range.get_value((0, 0)),
        Some(&Data::String("表1 主要目标完成情况".into()))
    );
    assert_eq!(range.get_value((1, 1)), Some(&Data::String("2020年目标".into())));
    assert_eq!(
        range.get_value((2, 0)),
        Some(&Data::String("研发经费投入强度（%）".into()))
    );
    assert_eq!(range.get_value((2, 1)), Some(&Data::Float(2.5)));
    assert_eq!(range.get_value((2, 2)), Some(&Data::Float(2.31)));
    assert_eq!(range.get_value((4, 1)), Some(&Data::Float(12345.678)));
    assert_eq!(range.get_value((4, 2)), Some(&Data::Float(-1.5)));
    match range.get_value((2, 3)) {
        Some(Data::DateTime(d)) => assert_eq!(d.as_f64(), 43830.0, "2019-12-31 is Excel day 43830"),
        other => panic!("expected a date, got {other:?}"),
    }
    assert!(
        matches!(range.get_value((3, 2)), None | Some(Data::Empty)),
        "a missing value stays empty, not 0"
    );
}

#[test]
fn header_is_bold_frozen_filtered_and_columns_fit_chinese_text() {
    let bytes = Workbook::new().sheet(targets_sheet()).to_xlsx().unwrap();
    let parts = unzip(&bytes);
    let sheet = &parts["xl/worksheets/sheet1.xml"];
    assert!(
        sheet.contains("ySplit=\"2\"") && sheet.contains("state=\"frozen\""),
        "frozen under the header: {sheet}"
    );
    assert!(sheet.contains("<autoFilter ref=\"A2:D5\"/>"));
    assert!(sheet.contains("<mergeCell ref=\"A1:D1\"/>"));
    // "技术合同成交额（万元）" is 11 CJK characters = 22 units, plus padding
    assert!(
        sheet.contains("<col min=\"1\" max=\"1\" width=\"24.7109375\""),
        "{sheet}"
    );
    assert!(parts["xl/styles.xml"].contains("<b/>"));
    assert!(parts["xl/styles.xml"].contains("formatCode=\"#,##0.00\""));
    assert!(parts["xl/styles.xml"].contains("formatCode=\"yyyy-mm-dd\""));
}

#[test]
fn native_chart_covers_the_value_columns() {
    let parts = unzip(&Workbook::new().sheet(targets_sheet()).to_xlsx().unwrap());
    let chart = &parts["xl/charts/chart1.xml"];
    assert!(chart.contains("<c:barChart>") && chart.contains("<c:barDir val=\"col\"/>"));
    assert!(chart.contains("主要目标!$A$3:$A$5"), "categories");
    assert!(
        chart.contains("主要目标!$B$3:$B$5") && chart.contains("主要目标!$C$3:$C$5"),
        "one series per value column"
    );
    assert!(
        chart.contains("<c:f>主要目标!$B$2</c:f>"),
        "series named by the header"
    );
    assert!(chart.contains("目标与完成"));
}

/// The enterprise annual-report template of issue 4 (§4), as the exchange crate would build it.
fn enterprise_template() -> Sheet {
    let fields = [
        "电子信息",
        "生物与新医药",
        "航空航天",
        "新材料",
        "高技术服务",
        "新能源与节能",
        "资源与环境",
        "先进制造与自动化",
    ];
    let wan = |h: &str| {
        Column::number(h, NumFmt::fixed(2))
            .non_negative()
            .note("单位：万元，填数字，不含“万元”字样")
    };
    Sheet::new("企业年报")
        .column(
            Column::text("统一社会信用代码")
                .text_length(18, 18)
                .note("18位统一社会信用代码，末位为校验码"),
        )
        .column(Column::text("企业名称"))
        .column(Column::date("成立日期").note("日期，如 2015-06-30"))
        .column(Column::text("所在区划代码").choices((1..=120).map(|i| format!("2111{i:04}"))))
        .column(Column::text("行业代码"))
        .column(Column::text("高新技术领域").choices(fields))
        .column(Column::number("年度", NumFmt::custom("0")).rule(ValueRule::NonNegativeInteger))
        .column(Column::number("职工总数", NumFmt::integer()).rule(ValueRule::NonNegativeInteger))
        .column(
            Column::number("科技人员数", NumFmt::integer())
                .rule(ValueRule::NonNegativeInteger)
                .note("不得多于职工总数"),
        )
        .column(wan("销售收入(万元)"))
        .column(wan("研发费用(万元)"))
        .column(Column::text("研发机构级别").choices(["国家级", "省级", "市级", "区级", "无"]))
}

#[test]
fn an_import_template_has_notes_and_drop_downs() {
    let bytes = Workbook::new().sheet(enterprise_template()).to_xlsx().unwrap();
    let mut wb = read(&bytes);
    assert_eq!(wb.sheet_names(), ["企业年报", "_lists"]);
    let range = wb.worksheet_range("企业年报").unwrap();
    assert_eq!(
        range.get_value((0, 0)),
        Some(&Data::String("统一社会信用代码".into()))
    );
    assert_eq!(
        range.get_value((0, 11)),
        Some(&Data::String("研发机构级别".into()))
    );
    assert_eq!(range.height(), 1, "a template has no data rows");

    let parts = unzip(&bytes);
    let sheet = &parts["xl/worksheets/sheet1.xml"];
    assert!(
        sheet.contains("<formula1>\"国家级,省级,市级,区级,无\"</formula1>"),
        "inline drop-down: {sheet}"
    );
    assert!(
        sheet.contains("sqref=\"L2:L1001\""),
        "drop-down on 1000 rows under the header"
    );
    assert!(
        sheet.contains("<formula1>'_lists'!$A$1:$A$120</formula1>"),
        "a long list lives on the hidden sheet"
    );
    assert!(sheet.contains("type=\"textLength\"") && sheet.contains("operator=\"equal\""));
    assert!(sheet.contains("type=\"decimal\"") && sheet.contains("operator=\"greaterThanOrEqual\""));
    assert!(sheet.contains("type=\"date\""));
    assert!(sheet.contains("请从下拉列表中选择「研发机构级别」的值"));
    let comments = parts
        .iter()
        .find(|(k, _)| k.starts_with("xl/comments"))
        .map(|(_, v)| v)
        .expect("notes part");
    assert!(comments.contains("18位统一社会信用代码，末位为校验码"));
    assert!(comments.contains("不得多于职工总数"));
    assert!(parts["xl/workbook.xml"].contains("name=\"_lists\" sheetId=\"2\" state=\"hidden\""));
    let lists = wb.worksheet_range("_lists").unwrap();
    assert_eq!(lists.get_value((119, 0)), Some(&Data::String("21110120".into())));
}

#[test]
fn bad_input_is_refused_with_sheet_row_and_column() {
    let bad_name = Workbook::new()
        .sheet(Sheet::new("a[1]").column(Column::text("x")))
        .to_xlsx();
    assert!(
        matches!(bad_name, Err(XlsxError::SheetName { .. })),
        "{bad_name:?}"
    );
    let wide = Workbook::new()
        .sheet(Sheet::new("s").column(Column::text("x")).row(["a", "b"]))
        .to_xlsx();
    match wide {
        Err(
            e @ XlsxError::Cell {
                row: 2, column: 2, ..
            },
        ) => assert!(e.to_string().contains("第2行第2列")),
        other => panic!("{other:?}"),
    }
    let old = Workbook::new()
        .sheet(
            Sheet::new("s")
                .column(Column::date("d"))
                .row([jiff::civil::date(1899, 12, 31)]),
        )
        .to_xlsx();
    assert!(
        matches!(
            old,
            Err(XlsxError::Cell {
                row: 2,
                column: 1,
                ..
            })
        ),
        "{old:?}"
    );
    let chart = Workbook::new()
        .sheet(
            Sheet::new("s")
                .column(Column::text("x"))
                .chart(SheetChart::line("c", 0, [3])),
        )
        .to_xlsx();
    assert!(matches!(chart, Err(XlsxError::ChartColumn { column: 3, .. })));
}

#[test]
fn number_formats_and_column_letters() {
    assert_eq!(NumFmt::fixed(0).0, "#,##0");
    assert_eq!(NumFmt::fixed(1).0, "#,##0.0");
    assert_eq!(NumFmt::percent_points(2).0, "0.00\"%\"");
    assert_eq!(NumFmt::ratio_percent(1).0, "0.0%");
    assert_eq!(column_letter(0), "A");
    assert_eq!(column_letter(25), "Z");
    assert_eq!(column_letter(26), "AA");
    assert_eq!(column_letter(701), "ZZ");
    assert_eq!(column_letter(702), "AAA");
}

#[test]
fn the_output_is_deterministic() {
    let a = Workbook::new()
        .sheet(targets_sheet())
        .sheet(enterprise_template())
        .to_xlsx()
        .unwrap();
    let b = Workbook::new()
        .sheet(targets_sheet())
        .sheet(enterprise_template())
        .to_xlsx()
        .unwrap();
    assert_eq!(a, b);
}
