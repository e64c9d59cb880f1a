//! Chart tests: snapshots of representative charts (review changes with `cargo insta review` or by reading the
//! `.snap` diff), well-formed XML for every edge case, escaping, and the accessibility attributes.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;

/// Parses the SVG as XML (fails the test if it is not well-formed) and returns the document's text nodes.
fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("ill-formed SVG: {e}\n{svg}"))
}

fn texts(svg: &str) -> Vec<String> {
    let doc = parse(svg);
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            n.children()
                .filter(roxmltree::Node::is_text)
                .filter_map(|c| c.text())
                .collect::<String>()
        })
        .collect()
}

fn assert_accessible(svg: &str, title: &str) {
    let doc = parse(svg);
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(root.attribute("aria-label"), Some(title));
    let first: Vec<_> = root
        .children()
        .filter(roxmltree::Node::is_element)
        .take(2)
        .collect();
    assert_eq!(first[0].tag_name().name(), "title");
    assert_eq!(first[0].text(), Some(title));
    assert_eq!(first[1].tag_name().name(), "desc");
    assert!(first[1].text().is_some_and(|t| !t.is_empty()));
}

fn rd_intensity() -> LineChart {
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
}

#[test]
fn line_chart_snapshot() {
    let svg = rd_intensity().to_svg();
    assert_accessible(&svg, "研发经费投入强度");
    insta::assert_snapshot!(svg);
}

#[test]
fn line_chart_is_byte_stable() {
    assert_eq!(rd_intensity().to_svg(), rd_intensity().to_svg());
}

#[test]
fn line_chart_describes_every_value_target_and_deadline() {
    let chart = rd_intensity();
    assert_eq!(
        chart.summary(),
        "双台子区：2016 1.42%，2017 1.65%，2018 1.9%，2019 无数据，2020 2.31%；\
         盘锦市：2016 1.8%，2017 1.85%，2018 2%，2019 2.1%，2020 无数据；目标 2.5%；截止 2020"
    );
    let t = texts(&chart.to_svg());
    assert!(t.contains(&"目标 2.5%".to_owned()), "{t:?}");
    assert!(t.contains(&"截止 2020".to_owned()));
    assert!(t.contains(&"单位：%".to_owned()));
    // the legend names both series
    assert!(t.contains(&"双台子区".to_owned()) && t.contains(&"盘锦市".to_owned()));
}

#[test]
fn a_gap_splits_the_line_into_two_paths() {
    let svg = LineChart::new("t", ["a", "b", "c", "d", "e"])
        .series(
            "s",
            [Some(dec!(1)), Some(dec!(2)), None, Some(dec!(3)), Some(dec!(4))],
        )
        .to_svg();
    let doc = parse(&svg);
    let paths = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("fill") == Some("none"))
        .count();
    assert_eq!(paths, 2);
    let markers = doc.descendants().filter(|n| n.has_tag_name("circle")).count();
    assert_eq!(markers, 4, "one marker per known value");
}

#[test]
fn text_is_escaped_everywhere() {
    let evil = r#"<script>alert("x")</script> R&D 'q'"#;
    let svgs = [
        LineChart::new(evil, [evil])
            .series(evil, [Some(dec!(1))])
            .target(dec!(2), Some(evil.into()))
            .deadline(evil, Some(evil.into()))
            .unit(evil)
            .to_svg(),
        Sparkline::new(evil, [(evil, Some(dec!(1)))]).to_svg(),
        BarChart::new(evil, Orientation::Horizontal)
            .bar_with_status(evil, Some(dec!(3)), StatusMark::new(Light::Red, evil))
            .to_svg(),
        BarChart::new(evil, Orientation::Vertical)
            .bar(evil, Some(dec!(3)))
            .desc(evil)
            .to_svg(),
        ProgressBar::new(evil, Some(dec!(3)))
            .status(StatusMark::new(Light::Green, evil))
            .to_svg(),
    ];
    for svg in &svgs {
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; R&amp;D &apos;q&apos;"));
        parse(svg);
    }
}

#[test]
fn empty_and_all_missing_series_say_no_data() {
    let empty = LineChart::new("空", Vec::<String>::new()).to_svg();
    let no_series = LineChart::new("空", ["2019", "2020"]).to_svg();
    let missing = LineChart::new("缺", ["2019", "2020"])
        .series("s", [None, None])
        .target(dec!(5), None)
        .to_svg();
    let spark = Sparkline::new("缺", [("2019", None), ("2020", None)]).to_svg();
    let spark_empty = Sparkline::new("空", Vec::<(String, Option<Decimal>)>::new()).to_svg();
    let bars = BarChart::new("缺", Orientation::Vertical).bar("a", None).to_svg();
    let hbars = BarChart::new("空", Orientation::Horizontal).to_svg();
    let progress = ProgressBar::new("未报送", None).to_svg();
    for svg in [&empty, &no_series, &missing, &spark, &spark_empty, &bars, &hbars] {
        assert!(texts(svg).contains(&"暂无数据".to_owned()), "{svg}");
        assert!(!svg.contains("<path"), "no line is drawn: {svg}");
    }
    assert!(texts(&progress).iter().any(|t| t.contains("无数据")));
    assert!(!progress.contains("pt-progress-done"));
    assert!(
        missing.contains("暂无数据")
            && Sparkline::new("缺", [("2019", None)])
                .summary()
                .starts_with("暂无数据")
    );
}

#[test]
fn a_single_point_is_drawn_as_a_marker() {
    let line = LineChart::new("一点", ["2020"])
        .series("s", [Some(dec!(7))])
        .to_svg();
    let doc = parse(&line);
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("circle")).count(), 1);
    let spark = Sparkline::new("一点", [("2020", Some(dec!(7)))]).to_svg();
    assert_eq!(
        parse(&spark)
            .descendants()
            .filter(|n| n.has_tag_name("circle"))
            .count(),
        1
    );
    let bar = BarChart::new("一柱", Orientation::Vertical)
        .bar("a", Some(dec!(7)))
        .to_svg();
    assert!(texts(&bar).contains(&"7".to_owned()));
}

#[test]
fn negative_values_hang_below_the_zero_line() {
    let chart = BarChart::new("增长率", Orientation::Vertical)
        .unit("%")
        .bar("2018", Some(dec!(12.5)))
        .bar("2019", Some(dec!(-8)))
        .to_svg();
    insta::assert_snapshot!("bar_negative", chart);
    let doc = parse(&chart);
    let bars: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.children().any(|c| c.has_tag_name("title")))
        .collect();
    let y = |n: &roxmltree::Node<'_, '_>| n.attribute("y").unwrap().parse::<Decimal>().unwrap();
    let h = |n: &roxmltree::Node<'_, '_>| n.attribute("height").unwrap().parse::<Decimal>().unwrap();
    // The positive bar ends where the negative one starts: at the zero line.
    assert_eq!(y(&bars[0]) + h(&bars[0]), y(&bars[1]));
    assert!(texts(&chart).contains(&"-8%".to_owned()));
    let line = LineChart::new("负", ["a", "b"])
        .series("s", [Some(dec!(-3)), Some(dec!(4))])
        .to_svg();
    assert!(texts(&line).iter().any(|t| t.starts_with('-')));
}

#[test]
fn huge_values_do_not_panic_and_use_short_labels() {
    let line = LineChart::new("大", ["a", "b"])
        .series("s", [Some(Decimal::MAX), Some(Decimal::MIN)])
        .to_svg();
    parse(&line);
    assert!(texts(&line).contains(&"7.92e28".to_owned()));
    let bars = BarChart::new("大", Orientation::Horizontal)
        .bar("a", Some(Decimal::MAX))
        .bar("b", Some(dec!(1)))
        .target(Decimal::MIN, None)
        .to_svg();
    parse(&bars);
    let spark = Sparkline::new("大", [("a", Some(Decimal::MAX)), ("b", Some(Decimal::MAX))])
        .target(Decimal::MIN, Some("b".into()))
        .to_svg();
    parse(&spark);
    let p = ProgressBar::new("大", Some(Decimal::MAX))
        .expected(Some(Decimal::MIN))
        .to_svg();
    parse(&p);
    let big = BarChart::new("企业数", Orientation::Vertical)
        .bar("全省", Some(dec!(123456789012)))
        .to_svg();
    assert!(texts(&big).contains(&"123,456,789,012".to_owned()));
}

#[test]
fn sparkline_snapshot() {
    let svg = Sparkline::new(
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
    .to_svg();
    assert_accessible(&svg, "高新技术企业数");
    assert!(svg.contains("pt-target-marker"));
    insta::assert_snapshot!(svg);
}

#[test]
fn horizontal_bar_chart_with_statuses_snapshot() {
    let svg = BarChart::new("部门考核得分", Orientation::Horizontal)
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
        .to_svg();
    assert_accessible(&svg, "部门考核得分");
    let t = texts(&svg);
    for word in ["优秀", "良好", "预警", "不合格", "合格线 60", "无数据"] {
        assert!(t.contains(&word.to_owned()), "{word} missing in {t:?}");
    }
    // the long label is shortened, and its full text kept as a tooltip
    assert!(svg.contains("<title>双台子区科学技术和工业信息化局（区科技局、区工信局合署）</title>"));
    let doc = parse(&svg);
    let patterns: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("pattern"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    assert_eq!(patterns.len(), 4, "one pattern per light used: {patterns:?}");
    for light in [Light::Green, Light::Blue, Light::Yellow, Light::Red] {
        let id = patterns
            .iter()
            .find(|p| p.ends_with(&format!("-{}", light.key())))
            .unwrap();
        assert!(svg.contains(&format!("fill=\"url(#{id})\"")));
    }
    insta::assert_snapshot!(svg);
}

#[test]
fn vertical_bar_chart_snapshot() {
    let svg = BarChart::new("各镇街科技型中小企业数", Orientation::Vertical)
        .unit("家")
        .bar("红旗街道", Some(dec!(14)))
        .bar("胜利街道", Some(dec!(9)))
        .bar("双盛街道", Some(dec!(11)))
        .bar("统一镇", Some(dec!(6)))
        .bar("陆家镇", Some(dec!(10)))
        .target(dec!(12), None)
        .to_svg();
    insta::assert_snapshot!(svg);
}

#[test]
fn progress_bar_snapshot_and_overrun() {
    let svg = ProgressBar::new("建设5个产业技术研究院", Some(dec!(60)))
        .expected(Some(dec!(75)))
        .status(StatusMark::new(Light::Yellow, "滞后于序时"))
        .to_svg();
    assert_eq!(
        texts(&svg),
        ["建设5个产业技术研究院", "60% 滞后于序时", "序时 75%"]
    );
    insta::assert_snapshot!(svg);
    let over = ProgressBar::new("超额", Some(dec!(120))).to_svg();
    assert!(texts(&over).contains(&"120%".to_owned()));
    let doc = parse(&over);
    let done = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("pt-progress-done"))
        .unwrap();
    assert_eq!(
        done.attribute("width"),
        Some("316"),
        "drawn full, not beyond the track"
    );
}

#[test]
fn english_words_replace_the_chinese_defaults() {
    let svg = LineChart::new("R&D intensity", ["2019", "2020"])
        .text(ChartText::en())
        .series("District", [Some(dec!(2)), None])
        .target(dec!(2.5), None)
        .to_svg();
    let t = texts(&svg);
    assert!(t.contains(&"Target 2.5".to_owned()), "{t:?}");
    assert!(svg.contains("District: 2019 2, 2020 no data; Target 2.5"));
}

#[test]
fn explicit_ids_keep_patterns_apart_on_one_page() {
    let a = BarChart::new("同名", Orientation::Vertical)
        .id("chart-a")
        .bar_with_status("x", Some(dec!(1)), StatusMark::new(Light::Red, "r"))
        .to_svg();
    assert!(a.contains("id=\"chart-a-red\"") && a.contains("url(#chart-a-red)"));
}
