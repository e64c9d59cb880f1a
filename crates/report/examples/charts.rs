//! Writes sample charts as SVG and PNG to `target/report-samples/` for a look by eye:
//! `cargo run -p plantrack-report --example charts`.

use plantrack_report::chart::{BarChart, Light, LineChart, Orientation, ProgressBar, Sparkline, StatusMark};
use plantrack_report::png::Rasterizer;
use rust_decimal_macros::dec;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/report-samples");
    std::fs::create_dir_all(&dir)?;
    let charts = [
        (
            "line",
            LineChart::new("研发经费投入强度", ["2016", "2017", "2018", "2019", "2020"])
                .unit("%")
                .series(
                    "双台子区",
                    [
                        Some(dec!(1.42)),
                        Some(dec!(1.65)),
                        Some(dec!(1.9)),
                        None,
                        Some(dec!(2.31)),
                    ],
                )
                .series(
                    "盘锦市",
                    [
                        Some(dec!(1.8)),
                        Some(dec!(1.85)),
                        Some(dec!(2.0)),
                        Some(dec!(2.1)),
                        None,
                    ],
                )
                .target(dec!(2.5), None)
                .deadline("2020", None)
                .to_svg(),
        ),
        (
            "sparkline",
            Sparkline::new(
                "高新技术企业数",
                [
                    ("2017", Some(dec!(8))),
                    ("2018", None),
                    ("2019", Some(dec!(13))),
                    ("2020", Some(dec!(16))),
                ],
            )
            .unit("家")
            .target(dec!(20), Some("2020".into()))
            .to_svg(),
        ),
        (
            "hbar",
            BarChart::new("部门考核得分", Orientation::Horizontal)
                .bar_with_status(
                    "区科技局",
                    Some(dec!(96.5)),
                    StatusMark::new(Light::Green, "优秀"),
                )
                .bar_with_status(
                    "区发展和改革局",
                    Some(dec!(88)),
                    StatusMark::new(Light::Blue, "良好"),
                )
                .bar_with_status("区财政局", Some(dec!(72)), StatusMark::new(Light::Yellow, "预警"))
                .bar_with_status(
                    "双台子区科学技术和工业信息化局（区科技局、区工信局合署）",
                    Some(dec!(59.5)),
                    StatusMark::new(Light::Red, "不合格"),
                )
                .bar("区人社局", None)
                .target(dec!(60), Some("合格线 60".into()))
                .to_svg(),
        ),
        (
            "vbar",
            BarChart::new("技术合同成交额增长率", Orientation::Vertical)
                .unit("%")
                .bar("2017", Some(dec!(12.5)))
                .bar("2018", Some(dec!(-8)))
                .bar("2019", Some(dec!(16.2)))
                .bar("2020", None)
                .target(dec!(15), None)
                .to_svg(),
        ),
        (
            "progress",
            ProgressBar::new("建设5个产业技术研究院", Some(dec!(60)))
                .expected(Some(dec!(75)))
                .status(StatusMark::new(Light::Yellow, "滞后于序时"))
                .to_svg(),
        ),
    ];
    let started = std::time::Instant::now();
    let raster = Rasterizer::shared();
    println!(
        "fonts: {} faces loaded in {:?}; CJK sans: {:?}; CJK serif: {:?}; renders Chinese: {}",
        raster.face_count(),
        started.elapsed(),
        raster.cjk_family(),
        raster.cjk_serif_family(),
        raster.renders_chinese()
    );
    for (name, svg) in &charts {
        std::fs::write(dir.join(format!("{name}.svg")), svg)?;
        let t = std::time::Instant::now();
        let png = raster.render_scaled(svg, 2)?;
        println!(
            "{name}: {} bytes of SVG, PNG at 2x in {:?}",
            svg.len(),
            t.elapsed()
        );
        std::fs::write(dir.join(format!("{name}.png")), png)?;
    }
    // SVG generation cost, for the dashboard's budget (eight sparklines per page).
    let t = std::time::Instant::now();
    let mut bytes = 0;
    for i in 0..8000u32 {
        let v = rust_decimal::Decimal::from(i % 97);
        bytes += Sparkline::new(
            "高新技术企业数",
            [
                ("2017", Some(v)),
                ("2018", None),
                ("2019", Some(v + dec!(3))),
                ("2020", Some(v + dec!(5.5))),
            ],
        )
        .target(dec!(20), Some("2020".into()))
        .to_svg()
        .len();
    }
    println!("8000 sparklines ({bytes} bytes) in {:?}", t.elapsed());
    println!("wrote {}", dir.display());
    Ok(())
}
