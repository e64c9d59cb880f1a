//! Writes a sample 通报 (DOCX) and workbook (XLSX) to `target/report-samples/` for a look by eye:
//! `cargo run -p plantrack-report --example documents`, then e.g.
//! `soffice --headless --convert-to pdf target/report-samples/sample.docx`.

use plantrack_report::chart::{BarChart, Light, LineChart, Orientation, StatusMark};
use plantrack_report::docx::{Block, CellAlign, DocTable, Figure, OfficialDocument, Section, Span};
use plantrack_report::png::Rasterizer;
use plantrack_report::xlsx::{Cell, Column, NumFmt, Sheet, SheetChart, Workbook};
use rust_decimal_macros::dec;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/report-samples");
    std::fs::create_dir_all(&dir)?;
    let raster = Rasterizer::shared();
    let line = LineChart::new("研发经费投入强度", ["2017", "2018", "2019", "2020"])
        .unit("%")
        .series(
            "双台子区",
            [Some(dec!(1.6)), Some(dec!(1.9)), Some(dec!(2.2)), None],
        )
        .target(dec!(2.5), None)
        .deadline("2020", None)
        .to_svg();
    let bars = BarChart::new("部门考核得分", Orientation::Horizontal)
        .bar_with_status("区科技局", Some(dec!(96)), StatusMark::new(Light::Green, "优秀"))
        .bar_with_status(
            "区发展和改革局",
            Some(dec!(84)),
            StatusMark::new(Light::Blue, "良好"),
        )
        .bar_with_status("区财政局", Some(dec!(58)), StatusMark::new(Light::Red, "不合格"))
        .target(dec!(60), Some("合格线 60".into()))
        .to_svg();
    let mut table = DocTable::new(["序号", "指标", "2020年目标", "完成值", "状态"])
        .caption("表1 主要目标完成情况")
        .widths([1, 5, 2, 2, 2])
        .align([
            CellAlign::Center,
            CellAlign::Left,
            CellAlign::Right,
            CellAlign::Right,
            CellAlign::Center,
        ])
        .note("注：完成值为截至2019年12月31日的数据。");
    let rows = [
        ("研发经费投入强度（%）", "2.5", "2.2", "预警"),
        ("引进高端创新创业人才（人）", "15", "11", "正常"),
        ("科技型中小企业（家）", "50", "52", "达标"),
        ("高新技术企业（家）", "20", "16", "正常"),
        ("规上科技型工业企业研发机构覆盖率（%）", "100", "86", "预警"),
        ("高新技术产品增加值增长率（%）", "25", "18.3", "滞后"),
        ("技术合同成交额增长率（%）", "15", "16.2", "达标"),
        ("产业技术研究院（个）", "5", "3", "滞后"),
    ];
    for (i, (name, target, value, status)) in rows.iter().enumerate() {
        table = table.row([
            (i + 1).to_string(),
            name.to_string(),
            target.to_string(),
            value.to_string(),
            status.to_string(),
        ]);
    }
    let doc = OfficialDocument::new("关于2019年第四季度科技行动计划\n重点任务督导检查情况的通报")
        .letterhead("督 查 通 报", Some("第4期".into()))
        .recipients("各镇（街道），区直各有关部门：")
        .paragraph("按照区政府常务会议部署，区科技工作领导小组办公室对《双台子区关于落实科技支持盘锦沿海经济带建设助推经济高质量发展三年行动计划（2018—2020年）》第四季度重点任务进行了督导检查。现将有关情况通报如下。")
        .section(
            Section::new("主要目标完成情况")
                .block(Block::Paragraph(vec![Span::bold("总体看，"), Span::plain("8项主要目标中，达标2项、正常2项、预警2项、滞后2项。")]))
                .table(table)
                .figure(Figure::from_svg(&line, raster)?.caption("图1 研发经费投入强度")),
        )
        .section(
            Section::new("存在的问题")
                .subsection(Section::new("部分任务进度滞后").paragraph("产业技术研究院建设进度滞后于序时，高新技术产品增加值增长率低于预期。"))
                .subsection(Section::new("个别部门报送不及时").figure(Figure::from_svg(&bars, raster)?.caption("图2 部门考核得分").width_mm(130))),
        )
        .closing(Block::text("请各有关部门对照问题抓好整改，于2020年1月15日前将整改情况报区科技工作领导小组办公室。"))
        .attachment("重点任务督导检查情况表")
        .attachment("部门考核得分表")
        .issuer("双台子区科技工作领导小组办公室")
        .date(jiff::civil::date(2019, 12, 31));
    std::fs::write(dir.join("sample.docx"), doc.to_docx()?)?;

    let sheet = Sheet::new("主要目标")
        .title("表1 主要目标完成情况")
        .column(Column::text("指标"))
        .column(Column::number("2020年目标", NumFmt::fixed(1)))
        .column(Column::number("完成值", NumFmt::fixed(1)))
        .column(Column::text("状态").choices(["达标", "正常", "预警", "滞后"]))
        .chart(SheetChart::column("目标与完成", 0, [1, 2]));
    let sheet = rows.iter().fold(sheet, |s, (name, target, value, status)| {
        s.row([
            Cell::from(*name),
            target
                .parse::<rust_decimal::Decimal>()
                .map(Cell::from)
                .unwrap_or(Cell::Empty),
            value
                .parse::<rust_decimal::Decimal>()
                .map(Cell::from)
                .unwrap_or(Cell::Empty),
            Cell::from(*status),
        ])
    });
    std::fs::write(dir.join("sample.xlsx"), Workbook::new().sheet(sheet).to_xlsx()?)?;
    println!("wrote {}", dir.display());
    Ok(())
}
