//! Every reader of outside input in the domain crate, fed hostile text: it must return `Ok` or its typed error,
//! never panic, overflow the stack or hang. Property tests over arbitrary Unicode and over mutations of valid
//! input (the embedded plan, the enterprise profiles fixture); `PROPTEST_CASES` sets the count (small by default
//! so CI stays fast; `scripts/fuzz.sh` runs them for longer). The crash inputs once found are regression tests.
#![allow(clippy::unwrap_used)]

use plantrack_core::indicator::expr::Expr;
use plantrack_core::period::Period;
use plantrack_core::plan::embedded::SHUANGTAIZI_TOML;
use plantrack_core::plan::{DataElementId, OrgUnitCode, Plan, TargetId};
use plantrack_core::qualify::{IndustryCode, Num, Rules, Uscc, evaluate, parse_profiles_json};
use plantrack_core::supervise::rules::SupervisionRules;
use proptest::prelude::*;

const PROFILES: &str = include_str!("../../cli/tests/fixtures/enterprises.json");

/// `PROPTEST_CASES` when set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Characters around the troublesome places: CJK and full-width digits, combining marks, controls, the ends of
/// the surrogate gap, BOM, replacement character, astral planes, and the syntax of our formats.
fn special_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        '一',
        '二',
        '〇',
        '十',
        '万',
        '亿',
        '％',
        '２',
        '０',
        '．',
        '\u{301}',
        '\u{0}',
        '\t',
        '\n',
        '\r',
        '\u{b}',
        '\u{c}',
        '\u{7f}',
        '\u{85}',
        '\u{a0}',
        '\u{2028}',
        '\u{d7ff}',
        '\u{e000}',
        '\u{feff}',
        '\u{fffd}',
        '\u{10ffff}',
        '😀',
        '%',
        '/',
        '\\',
        '?',
        '#',
        '&',
        '=',
        '+',
        '-',
        '@',
        '.',
        ',',
        ' ',
        'Q',
        'q',
        'e',
        'E',
        'y',
        '0',
        '1',
        '2',
        '9',
        '(',
        ')',
        '[',
        ']',
        '{',
        '}',
        '"',
        '\'',
        ':',
        '<',
        '>',
        '_',
        'x',
    ])
}

/// Hostile text: any Unicode, runs of special characters, valid-looking prefixes with junk, long runs.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>(),
        4 => prop::collection::vec(special_char(), 0..32).prop_map(|v| v.into_iter().collect()),
        2 => (
            prop::sample::select(vec![
                "2019", "2019Q3", "2019-07", "211102", "91211100MA0XXXXXX", "C3511", "1e3", "gdp", "yoy(",
            ]),
            prop::collection::vec(prop_oneof![special_char(), any::<char>()], 0..6),
        )
            .prop_map(|(p, v)| format!("{p}{}", v.into_iter().collect::<String>())),
        1 => (prop_oneof![special_char(), any::<char>()], 1000usize..20_000)
            .prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
    ]
}

/// `base` with a piece replaced by hostile text, at character boundaries picked from two fractions.
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    (0.0f64..1.0, 0usize..40, hostile_text()).prop_map(move |(at, len, insert)| {
        let starts: Vec<usize> = base.char_indices().map(|(i, _)| i).chain([base.len()]).collect();
        let i = ((starts.len() - 1) as f64 * at) as usize;
        let j = (i + len).min(starts.len() - 1);
        format!("{}{insert}{}", &base[..starts[i]], &base[starts[j]..])
    })
}

/// Expressions: tokens of the expression language in any order, with hostile bits.
fn expression() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "(",
        ")",
        "-",
        "+",
        "*",
        "/",
        "[",
        "]",
        "[-1]",
        "[-1y]",
        "y",
        "yoy(",
        "cum(",
        "ytd(",
        "gdp",
        "rd_spend",
        "0",
        "1.5",
        "100",
        "1e3",
        " ",
        "9999999999999999999999999999",
        "0.0000000000000000000000000001",
    ]);
    prop_oneof![
        4 => prop::collection::vec(token, 0..40).prop_map(|v| v.concat()),
        1 => hostile_text(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn period(text in hostile_text()) {
        if let Ok(p) = Period::parse(&text) {
            prop_assert_eq!(Period::parse(&p.to_string()).unwrap(), p);
        }
    }

    #[test]
    fn org_unit_code(text in hostile_text()) {
        if let Ok(c) = OrgUnitCode::parse(&text) {
            let _ = c.implied_parent();
            prop_assert_eq!(c.as_str().len(), 6);
        }
    }

    #[test]
    fn plan_ids(text in hostile_text()) {
        let _ = DataElementId::parse(&text);
        let _ = TargetId::parse(&text);
    }

    #[test]
    fn uscc(text in hostile_text()) {
        if let Ok(u) = Uscc::parse(&text) {
            let _ = (u.region_code(), u.organisation_code(), u.warnings());
        }
        let _ = Uscc::with_check_digit(&text);
    }

    #[test]
    fn industry_code(text in hostile_text()) {
        let _ = IndustryCode::parse(&text);
    }

    #[test]
    fn number(text in hostile_text()) {
        let _ = Num::parse(&text);
    }

    #[test]
    fn expression_parse(text in expression()) {
        if let Ok(e) = Expr::parse(&text) {
            let _ = e.elements();
            let _ = e.root().to_string();
        }
    }

    #[test]
    fn plan_toml(text in prop_oneof![1 => hostile_text(), 4 => mutated(SHUANGTAIZI_TOML)]) {
        let _ = Plan::from_toml(&text, "fuzz.toml").map_err(|e| e.to_string());
    }

    #[test]
    fn supervision_rules_toml(text in hostile_text()) {
        let _ = SupervisionRules::from_toml_str(&text);
    }

    #[test]
    fn enterprise_profiles_json(text in prop_oneof![1 => hostile_text(), 4 => mutated(PROFILES)]) {
        if let Ok(profiles) = parse_profiles_json(&text) {
            let rules = Rules::default();
            for p in &profiles {
                let _ = evaluate(p, jiff::civil::date(2020, 6, 30), &rules);
            }
        }
    }
}

// Regression tests: the crash inputs of the outside probe.

#[test]
fn a_period_cut_inside_a_character_is_an_error() {
    assert!(Period::parse("20一8").is_err());
    assert!(Period::parse("20\u{4e00}8").is_err());
}

#[test]
fn deeply_nested_expressions_are_errors_not_stack_overflows() {
    for text in [
        format!("{}gdp{}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("{}gdp", "-".repeat(30_000)),
        format!("{}gdp{}", "yoy(".repeat(30_000), ")".repeat(30_000)),
    ] {
        let e = Expr::parse(&text).unwrap_err();
        assert!(e.to_string().contains("nested too deeply"), "{e}");
    }
}

#[test]
fn a_plan_with_a_deeply_nested_expression_or_toml_value_is_refused() {
    let nested = format!("{}gdp{}", "(".repeat(10_000), ")".repeat(10_000));
    let line = SHUANGTAIZI_TOML
        .lines()
        .find(|l| l.trim_start().starts_with("expression ="))
        .expect("the plan has an expression");
    let text = SHUANGTAIZI_TOML.replacen(line, &format!("expression = \"{nested}\""), 1);
    let e = Plan::from_toml(&text, "deep.toml").unwrap_err().to_string();
    assert!(e.contains("nested too deeply"), "{e}");
    // TOML itself: arrays and inline tables nested 100,000 deep.
    for deep in [
        format!("x = {}1{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        format!("x = {}1{}\n", "{a = ".repeat(100_000), "}".repeat(100_000)),
    ] {
        assert!(Plan::from_toml(&deep, "deep.toml").is_err());
        assert!(SupervisionRules::from_toml_str(&deep).is_err());
    }
}

#[test]
fn deeply_nested_json_profiles_are_refused() {
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse_profiles_json(&deep).is_err());
}
