//! Unit tests of target extraction: the seed, each comparator form, each trap.

use rust_decimal_macros::dec;

use super::*;

const SEED: &str = include_str!("../../tests/fixtures/seed/plan-explanation.original.txt");

fn targets(text: &str) -> Vec<ExtractedTarget> {
    extract(text).targets
}

fn one(text: &str) -> ExtractedTarget {
    let t = targets(text);
    assert_eq!(t.len(), 1, "expected one target in {text:?}, got {t:#?}");
    t.into_iter().next().unwrap()
}

#[test]
fn the_seed_yields_its_eight_targets() {
    let e = extract(SEED);
    let got: Vec<_> = e
        .targets
        .iter()
        .map(|t| {
            (
                t.target_id.as_deref(),
                t.comparator.as_str(),
                t.value,
                t.unit.as_str(),
                t.deadline,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Some("rd_intensity"), ">=", dec!(2.5), "%", Some(2020)),
            (Some("high_end_talents"), ">=", dec!(15), "人", Some(2020)),
            (Some("tech_smes"), ">=", dec!(50), "家", Some(2020)),
            (Some("high_tech_enterprises"), ">=", dec!(20), "家", Some(2020)),
            (Some("rd_institution_coverage"), "=", dec!(100), "%", Some(2020)),
            (
                Some("high_tech_value_added_growth"),
                "growth>=",
                dec!(25),
                "%",
                Some(2020)
            ),
            (
                Some("tech_contract_growth"),
                "growth>=",
                dec!(15),
                "%",
                Some(2020)
            ),
            (
                Some("industrial_tech_institutes"),
                ">=",
                dec!(5),
                "家",
                Some(2020)
            ),
        ]
    );
    assert!(
        e.targets
            .iter()
            .all(|t| t.deadline_source == Some(DeadlineSource::Context))
    );
    assert!(e.targets.iter().all(|t| t.section == SectionKind::Targets));
}

#[test]
fn seed_evidence_maps_back_to_the_traditional_original() {
    let e = extract(SEED);
    let rd = &e.targets[0];
    assert_eq!(rd.evidence, "全社会研究与开发经费占国内生产总值(GDP)比重达到2.5%");
    assert_eq!(&e.normalized_text()[rd.start..rd.end], rd.evidence);
    let original = &SEED[rd.original_start..rd.original_end];
    assert!(
        original.starts_with("全社會研究與開發(fā)經(jīng)費"),
        "{original}"
    );
    assert!(original.ends_with("達(dá)到2.5%"), "{original}");
    assert_eq!(
        e.targets[0].indicator,
        "全社会研究与开发经费占国内生产总值(GDP)比重"
    );
    assert_eq!(e.targets[4].indicator, "规模以上科技型工业企业建有研发机构");
    assert_eq!(e.targets[7].indicator, "产业技术研究院");
    assert_eq!(
        e.targets[6].indicator, "技术合同成交额增速",
        "a rate keeps its noun"
    );
}

#[test]
fn the_title_and_plan_period_are_read() {
    let e = extract(SEED);
    assert!(e.title.starts_with("《双台子区关于落实科技支持"));
    assert_eq!(e.plan_period, Some((2018, 2020)));
    assert_eq!(e.document_year, Some(2018));
}

#[test]
fn comparators_follow_the_answer_key_vocabulary() {
    let cases = [
        ("到2020年,高新技术企业达到20家。", ">=", dec!(20), "家"),
        ("到2020年,高新技术企业总数突破3万家。", ">", dec!(3), "万家"),
        ("到2020年,税收减免额超520亿元。", ">", dec!(520), "亿元"),
        ("到2020年,研发机构建有率稳定在90%左右。", "≈", dec!(90), "%"),
        ("到2020年,研发投入强度为2.5%。", "=", dec!(2.5), "%"),
        ("到2018年底,地区生产总值增长7.5%。", "growth", dec!(7.5), "%"),
        (
            "到2020年,财政科技投入年均增长10%以上。",
            "growth>=",
            dec!(10),
            "%",
        ),
        ("到2020年,技术合同成交额增长15%左右。", "growth≈", dec!(15), "%"),
        ("到2020年,新增高新技术企业10家。", "add", dec!(10), "家"),
        (
            "到2020年,综合科技创新水平进入全国前10位。",
            "rank<=",
            dec!(10),
            "位",
        ),
        ("到2020年,引进高端人才15人以上。", ">=", dec!(15), "人"),
        (
            "到2020年,建成200家行业一流的企业研发机构。",
            ">=",
            dec!(200),
            "家",
        ),
        ("到2020年,研发经费投入比2015年翻一番。", "multiple", dec!(2), "倍"),
        ("到2020年,研发投入达到一百亿元。", ">=", dec!(100), "亿元"),
        ("到2020年,孵化面积不少于1,000平方米。", ">=", dec!(1000), "平方米"),
        ("到2020年,科技型企业达到百分之二十五。", ">=", dec!(25), "%"),
    ];
    for (text, cmp, value, unit) in cases {
        let t = one(text);
        assert_eq!(
            (t.comparator.as_str(), t.value, t.unit.as_str()),
            (cmp, value, unit),
            "{text}"
        );
        assert!(t.deadline.is_some(), "{text}");
    }
}

#[test]
fn a_relative_change_followed_by_its_level_is_one_target() {
    let t = targets(
        "到2023年,高新技术企业营业收入翻一番,达到1600亿元;国家科技计划项目批准数量翻一番,三年累计突破1000个。",
    );
    let got: Vec<_> = t
        .iter()
        .map(|t| (t.indicator.as_str(), t.comparator.as_str(), t.value))
        .collect();
    assert_eq!(
        got,
        vec![
            ("高新技术企业营业收入", ">=", dec!(1600)),
            ("国家科技计划项目批准数量(三年累计)", ">", dec!(1000)),
        ]
    );
    assert!(t[0].evidence.starts_with("高新技术企业营业收入翻一番"));
}

#[test]
fn a_share_keeps_its_word_for_share() {
    let t = one("到2023年,研发经费投入占地区生产总值(GDP)比重增加一倍,达到1.2%。");
    assert_eq!(t.indicator, "研发经费投入占地区生产总值(GDP)比重");
    assert_eq!(t.target_id.as_deref(), Some("rd_intensity"));
}

#[test]
fn values_joined_by_fenbie_give_one_target_each() {
    let t = targets("到2020年,科技型中小企业和高新技术企业分别超过5000家和6000家。");
    let got: Vec<_> = t
        .iter()
        .map(|t| {
            (
                t.indicator.as_str(),
                t.comparator.as_str(),
                t.value,
                t.target_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("科技型中小企业", ">", dec!(5000), Some("tech_smes")),
            ("高新技术企业", ">", dec!(6000), Some("high_tech_enterprises")),
        ]
    );
    let t = targets("到2020年,两项比重分别达到70%以上和80%左右。");
    let got: Vec<_> = t.iter().map(|t| (t.comparator.as_str(), t.value)).collect();
    assert_eq!(got, vec![(">=", dec!(70)), ("≈", dec!(80))]);
}

#[test]
fn a_plan_reports_its_base_period_without_making_targets_of_it() {
    let e = extract(
        "title: 某市科技创新规划(2021—2025年)\n发布日期:2021-06-30\n一、发展基础\n全市高新技术企业数量达到1200家。\n\
         二、发展目标\n“十三五”期间技术合同成交额达到85.6亿元。到2025年,高新技术企业总数突破2500家。\n",
    );
    let got: Vec<_> = e.targets.iter().map(|t| (t.value, t.deadline)).collect();
    assert_eq!(got, vec![(dec!(2500), Some(2025))]);
}

#[test]
fn per_year_increments_and_ranks_read_cleanly() {
    let t = one("到2025年,每年新增高新技术企业200家以上。");
    assert_eq!(
        (t.indicator.as_str(), t.comparator.as_str()),
        ("高新技术企业(每年)", "add")
    );
    let t = one("到2025年,科技创新综合实力进入全省前3位。");
    assert_eq!(
        (t.indicator.as_str(), t.comparator.as_str()),
        ("科技创新综合实力", "rank<=")
    );
    let t = one("到2025年,科技型中小企业入库数量达到5000家以上。");
    assert_eq!(t.target_id.as_deref(), Some("tech_smes"));
}

#[test]
fn the_base_year_of_a_doubling_is_no_deadline_and_no_target() {
    let t = one("到2020年,研发经费投入比2015年翻一番。");
    assert_eq!(t.deadline, Some(2020));
    assert_eq!(t.indicator, "研发经费投入");
}

#[test]
fn deadlines_come_from_terms_and_this_year() {
    let t = one("十三五末,高新技术企业达到20家。");
    assert_eq!(
        (t.deadline, t.deadline_source),
        (Some(2020), Some(DeadlineSource::Term))
    );
    let t = one("“十四五”期间,高新技术企业达到50家。");
    assert_eq!(t.deadline, Some(2025));
    let t = one("到十五五末,高新技术企业达到80家。");
    assert_eq!(t.deadline, Some(2030));
    let t = one("发布日期:2019-03-01\n今年,高新技术企业达到30家。");
    assert_eq!(t.deadline, Some(2019));
}

#[test]
fn a_deadline_scopes_the_following_sentences_until_the_next_heading() {
    let e = extract(
        "(一)主要目标\n到2020年,创新能力显著增强。高新技术企业达到20家。\n(二)重点任务\n新增孵化器3家。\n",
    );
    assert_eq!(e.targets[0].deadline, Some(2020));
    assert_eq!(e.targets[0].deadline_source, Some(DeadlineSource::Context));
    // After the next heading the context is gone; no plan period in this text either.
    assert_eq!(e.targets[1].deadline, None);
}

#[test]
fn the_lead_department_is_read() {
    let t =
        one("(二)主要目标\n到2018年底,全市主要经济指标如下:\n——地区生产总值增长7.5%;(牵头部门:市发改委)\n");
    assert_eq!(t.lead_department.as_deref(), Some("市发改委"));
    assert_eq!(t.deadline, Some(2018));
}

#[test]
fn traps_yield_no_target() {
    let traps = [
        // document numbers and dates
        "盘政办发〔2018〕23号",
        "2018年5月10日",
        // page furniture
        "发布时间:2018-09-03 浏览次数:1129",
        "联系电话:0427-2360834 网站标识码:2111020001 辽ICP备06000634号-1",
        // meeting numbers
        "认真贯彻落实市委十三届十次全会精神。",
        // counts of measures
        "出台18项措施,从五个方面推进。",
        "重点任务阐述了五个方面工作。",
        "首页 > 2020年全省科技工作会议 > 十项重点工作",
        // numbers in quotes and titles
        "深入贯彻落实“4.13”重要讲话、中央12号文件。",
        "主要科技创新指标实现“六个倍增、六个突破”。",
        "《辽宁沿海经济带三年攻坚计划(2018—2020年)》",
        // achieved statistics
        "一、2019年工作完成情况\n——新增高新技术企业606家,全市高新技术企业数量达到1836家,提前完成任务。",
        "2019年以来,全市高新技术企业数量达到1836家。",
        "新增高企占全市40%,国家级双创载体占全市58.3%。",
        // prose counts
        "攻克一批关键技术,建设一批省级实验室,进一步完善体制机制。",
    ];
    for t in traps {
        assert_eq!(targets(t), vec![], "{t}");
    }
}

#[test]
fn a_text_without_numbers_has_no_targets() {
    assert!(targets("加强组织领导,完善工作机制。").is_empty());
    assert!(targets("").is_empty());
}

#[test]
fn glossed_traditional_text_reads_like_simplified() {
    let t = one("到2020年,高新技術(shù)企業(yè)達(dá)到20家。");
    assert_eq!(t.indicator, "高新技术企业");
    assert_eq!(t.target_id.as_deref(), Some("high_tech_enterprises"));
}

#[test]
fn full_width_punctuation_and_digits_are_read() {
    let t = one("到２０２０年，研发经费投入强度达到２．５％。");
    assert_eq!(
        (t.value, t.unit.as_str(), t.deadline),
        (dec!(2.5), "%", Some(2020))
    );
}

#[test]
fn comparator_strings_round_trip() {
    for c in [
        ">=",
        ">",
        "≈",
        "=",
        "<=",
        "growth",
        "growth>=",
        "growth≈",
        "add",
        "rank<=",
        "multiple",
    ] {
        assert_eq!(Comparator::parse(c).map(Comparator::as_str), Some(c));
    }
}

mod properties {
    use proptest::prelude::*;

    use super::super::extract;

    /// Characters that exercise every path: digits, numerals, units, verbs, punctuation of both widths, glosses.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "到2020年",
                "达到",
                "突破",
                "增长",
                "增速达",
                "以上",
                "左右",
                "分别",
                "和",
                "翻一番",
                "增加一倍",
                "新增",
                "建成",
                "前",
                "位",
                "家",
                "%",
                "亿元",
                "万",
                "一百",
                "两",
                "十三五",
                "今年",
                "(",
                ")",
                "（",
                "）",
                ",",
                "，",
                "。",
                ";",
                ":",
                "\n",
                "——",
                "一是",
                "(一)",
                "1.",
                "“",
                "”",
                "《",
                "》",
                "區(qū)",
                "高新技术企业",
                "研发经费",
                "比2015年",
                "(牵头部门:市发改委)",
                "2.5",
                "1,000",
                "百分之",
                "第",
                "号",
            ])
            .prop_map(str::to_owned),
            any::<char>().prop_map(String::from),
            "[0-9]{1,6}",
        ]
    }

    proptest! {
        /// Any text extracts without panicking, and every span is a valid range of both texts.
        #[test]
        fn extraction_never_panics_and_spans_are_valid(pieces in prop::collection::vec(piece(), 0..60)) {
            let original: String = pieces.concat();
            let e = extract(&original);
            let text = e.normalized_text();
            for t in &e.targets {
                prop_assert!(t.start <= t.end && t.end <= text.len());
                prop_assert_eq!(text.get(t.start..t.end), Some(t.evidence.as_str()));
                prop_assert!(original.get(t.original_start..t.original_end).is_some());
            }
        }
    }
}

/// Pathological inputs (one endless clause, a numeral run, nested openings) finish in bounded time.
#[test]
fn pathological_texts_take_linear_time() {
    let cases = [
        "一".repeat(100_000),
        "高新技术企业达到5家".repeat(20_000),
        "到2020年".repeat(20_000),
        "區(".repeat(50_000),
        "“".repeat(100_000),
        "1,".repeat(100_000),
        "翻一番".repeat(20_000),
    ];
    for text in &cases {
        let started = std::time::Instant::now();
        let e = extract(text);
        let took = started.elapsed();
        eprintln!("{} bytes took {took:?}", text.len());
        assert!(took.as_secs() < 20, "{} bytes took {took:?}", text.len());
        // Every target's evidence stays short: the window bounds it.
        assert!(e.targets.iter().all(|t| t.evidence.len() < 2_000));
    }
}

/// The classes of misses and false finds on texts the extractor had not seen (issue: "target extraction that holds
/// on texts it has never seen"), one test each, with the issue's own examples.
mod unseen_classes {
    use rust_decimal_macros::dec;

    use super::super::*;

    const PLAN: &str = "title: 某区科技创新三年行动计划(2021—2023年)\n二、主要目标\n";

    fn in_plan(body: &str) -> Vec<ExtractedTarget> {
        extract(&format!("{PLAN}{body}\n")).targets
    }

    fn brief(t: &[ExtractedTarget]) -> Vec<(String, &'static str, Decimal, String)> {
        t.iter()
            .map(|t| {
                (
                    t.indicator.clone(),
                    t.comparator.as_str(),
                    t.value,
                    t.unit.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn one_target_stated_twice_is_one_target_with_two_evidences() {
        let t = extract(
            "到2020年高新技术企业达到500家。\n三、重点任务\n(一)培育企业\n到2020年,高新技术企业总数突破500家。\n",
        )
        .targets;
        assert_eq!(t.len(), 1, "{t:#?}");
        let t = &t[0];
        assert_eq!((t.comparator, t.value), (Comparator::AtLeast, dec!(500)));
        let ev: Vec<&str> = t.evidences.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(ev, ["到2020年高新技术企业达到500家", "高新技术企业总数突破500家"]);
        assert!(
            t.note
                .as_deref()
                .is_some_and(|n| n.contains(">=") && n.contains('>'))
        );
        assert!(t.evidences.iter().all(|e| e.original_start < e.original_end));
    }

    #[test]
    fn a_range_is_one_value_with_both_ends() {
        for (text, low, high, unit) in [
            ("新建3—5个孵化器。", dec!(3), dec!(5), "个"),
            ("新建孵化器3至5家。", dec!(3), dec!(5), "家"),
            ("新建孵化器3~5家。", dec!(3), dec!(5), "家"),
            ("新建孵化器3～5家。", dec!(3), dec!(5), "家"),
        ] {
            let t = in_plan(text);
            assert_eq!(t.len(), 1, "{text}: {t:#?}");
            assert_eq!(
                (t[0].value, t[0].range, t[0].unit.as_str(), t[0].comparator),
                (low, Some(ValueRange { low, high }), unit, Comparator::Add),
                "{text}"
            );
        }
    }

    #[test]
    fn a_value_before_its_indicator_is_read() {
        let t = in_plan("推动500项科技成果转化落地,培育100家瞪羚企业。");
        assert_eq!(
            brief(&t),
            [
                ("科技成果转化落地".to_owned(), "=", dec!(500), "项".to_owned()),
                ("瞪羚企业".to_owned(), "=", dec!(100), "家".to_owned())
            ]
        );
    }

    #[test]
    fn a_share_without_a_verb_is_read() {
        let t = in_plan("R&D经费占GDP比重2.8%以上,高新技术产业产值占比45%。");
        assert_eq!(
            brief(&t),
            [
                ("R&D经费占GDP比重".to_owned(), ">=", dec!(2.8), "%".to_owned()),
                ("高新技术产业产值占比".to_owned(), "=", dec!(45), "%".to_owned())
            ]
        );
        assert_eq!(t[0].target_id.as_deref(), Some("rd_intensity"));
    }

    #[test]
    fn ranks_are_read_with_and_without_qian() {
        let t = in_plan("综合科技创新水平进入全省前10位,专利授权量跃居全国第15位。");
        assert_eq!(
            brief(&t),
            [
                ("综合科技创新水平".to_owned(), "rank<=", dec!(10), "位".to_owned()),
                ("专利授权量".to_owned(), "rank<=", dec!(15), "位".to_owned())
            ]
        );
    }

    #[test]
    fn an_index_needs_no_unit() {
        let t = in_plan("区域创新能力指数达到150以上。");
        assert_eq!(
            brief(&t),
            [("区域创新能力指数".to_owned(), ">=", dec!(150), String::new())]
        );
    }

    #[test]
    fn a_bare_scale_is_the_unit_and_ends_the_number() {
        let t = in_plan("研发投入达到50亿以上,安排不少于3亿支持企业创新。");
        let got: Vec<_> = t
            .iter()
            .map(|t| (t.value, t.unit.as_str(), t.comparator))
            .collect();
        assert_eq!(
            got,
            [
                (dec!(50), "亿", Comparator::AtLeast),
                (dec!(3), "亿", Comparator::AtLeast)
            ]
        );
    }

    #[test]
    fn a_yearly_target_holds_every_year_of_the_plan() {
        let t = in_plan("每年安排科技专项资金不少于2亿元。");
        assert_eq!(t.len(), 1);
        assert_eq!(
            (t[0].recurring, t[0].deadline, t[0].value, t[0].unit.as_str()),
            (Some(Recurrence::Yearly), Some(2023), dec!(2), "亿元")
        );
        let t = in_plan("到2023年,高新技术企业达到50家。");
        assert_eq!(t[0].recurring, None);
    }

    #[test]
    fn last_years_results_in_a_work_report_are_not_targets() {
        let e = extract(
            "发布日期:2021-01-20\n去年技术合同成交额突破500亿元、增长12%。今年,技术合同成交额力争达到600亿元。\n\
             “十三五”期间累计新增高新技术企业300家。\n",
        );
        let got: Vec<_> = e
            .targets
            .iter()
            .map(|t| (t.value, t.deadline, t.firmness))
            .collect();
        assert_eq!(got, [(dec!(600), Some(2021), Firmness::Soft)]);
    }

    #[test]
    fn several_targets_under_one_verb_are_each_a_target() {
        let t = in_plan("建成省级重点实验室2家、新型研发机构1家、专业孵化器3家。");
        assert_eq!(
            brief(&t),
            [
                ("省级重点实验室".to_owned(), ">=", dec!(2), "家".to_owned()),
                ("新型研发机构".to_owned(), ">=", dec!(1), "家".to_owned()),
                ("专业孵化器".to_owned(), ">=", dec!(3), "家".to_owned())
            ]
        );
        assert_eq!(t[1].evidence, "新型研发机构1家");
    }

    #[test]
    fn soft_targets_keep_their_softness() {
        let t = in_plan("争创1家国家级创新型县,力争新增高新技术企业20家,确保研发投入增长10%。");
        let got: Vec<_> = t.iter().map(|t| (t.value, t.firmness)).collect();
        assert_eq!(
            got,
            [
                (dec!(1), Firmness::Soft),
                (dec!(20), Firmness::Soft),
                (dec!(10), Firmness::Hard)
            ]
        );
        // 力争到2025年 makes its paragraph soft; a deadline written without it ends that.
        let e =
            extract("力争到2025年,高新技术企业突破4000家。数字经济占比达50%。到2025年,建成孵化器10家。\n");
        let got: Vec<_> = e.targets.iter().map(|t| t.firmness).collect();
        assert_eq!(got, [Firmness::Soft, Firmness::Soft, Firmness::Hard]);
    }

    #[test]
    fn thresholds_and_quoted_speech() {
        // 30亿元 and 3亿美元 say which projects count; 6 is the target.
        let t = in_plan("全年引进投资超30亿元或3亿美元项目6个,支持总投资10亿元以上的技改项目。");
        assert_eq!(brief(&t).iter().map(|b| b.2).collect::<Vec<_>>(), [dec!(6)]);
        // A quoted speech states targets; a quoted name does not.
        let e = extract("发布日期:2018-02-06\n“今年,全省将新建省级产业技术创新联盟12家。”实现“六个倍增”。\n");
        assert_eq!(e.targets.len(), 1);
        assert_eq!(
            (e.targets[0].value, e.targets[0].deadline),
            (dec!(12), Some(2018))
        );
    }

    #[test]
    fn new_json_fields_are_present_and_old_ones_kept() {
        let e = extract(&format!("{PLAN}力争新建3—5个孵化器。\n"));
        let json = serde_json::to_value(e.to_json()).unwrap();
        let t = &json["targets"][0];
        for key in [
            "indicator",
            "target_id",
            "comparator",
            "value",
            "unit",
            "deadline",
            "evidence",
            "start",
            "end",
            "original_start",
            "original_end",
            "lead_department",
            "confidence",
        ] {
            assert!(t.get(key).is_some(), "{key}");
        }
        assert_eq!(t["firmness"], "soft");
        assert_eq!(t["recurring"], serde_json::Value::Null);
        assert_eq!(t["range"], serde_json::json!({"low": "3", "high": "5"}));
        assert_eq!(t["evidences"][0]["text"], "力争新建3—5个孵化器");
    }
}
