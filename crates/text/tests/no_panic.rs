//! Reading policy texts never panics, whatever the bytes: decoding, normalisation (and its offset map back to
//! the original), number reading, target extraction and the plan draft built from it. Property tests over
//! arbitrary bytes and Unicode and over mutations of the fixture policy texts, through the public API only;
//! `PROPTEST_CASES` sets the count (small by default; `scripts/fuzz.sh` runs them longer).
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

const POLICY: &str = include_str!("fixtures/policy-texts/14_panjin_yanhai_jingjidai_2018_gongzuo_fangan.txt");

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn special_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        '一',
        '二',
        '三',
        '十',
        '百',
        '千',
        '万',
        '亿',
        '〇',
        '零',
        '两',
        '半',
        '％',
        '%',
        '‰',
        '．',
        '。',
        '，',
        '、',
        '：',
        '（',
        '）',
        '(',
        ')',
        '—',
        '-',
        '~',
        '～',
        '到',
        '至',
        '年',
        '月',
        '底',
        '前',
        '达',
        '到',
        '超',
        '过',
        '不',
        '低',
        '于',
        '增',
        '长',
        '家',
        '个',
        '元',
        '０',
        '１',
        '９',
        '0',
        '1',
        '2',
        '5',
        '9',
        '.',
        '\u{301}',
        '\u{0}',
        '\t',
        '\n',
        '\r',
        '\u{3000}',
        '\u{a0}',
        '\u{200b}',
        '\u{feff}',
        '\u{fffd}',
        '\u{d7ff}',
        '\u{e000}',
        '\u{10ffff}',
        '😀',
        ' ',
        '第',
        '章',
        '条',
        '（',
        '一',
        '）',
        '1',
        '、',
    ])
}

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        4 => prop::collection::vec(special_char(), 0..64).prop_map(|v| v.into_iter().collect()),
        1 => (prop_oneof![special_char(), any::<char>()], 1000usize..20_000)
            .prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
    ]
}

/// The fixture policy text with a piece replaced by hostile text.
fn mutated_policy() -> impl Strategy<Value = String> {
    (0.0f64..1.0, 0usize..60, hostile_text()).prop_map(|(at, len, insert)| {
        let starts: Vec<usize> = POLICY
            .char_indices()
            .map(|(i, _)| i)
            .chain([POLICY.len()])
            .collect();
        let i = ((starts.len() - 1) as f64 * at) as usize;
        let j = (i + len).min(starts.len() - 1);
        format!("{}{insert}{}", &POLICY[..starts[i]], &POLICY[starts[j]..])
    })
}

fn check_text(text: &str) {
    let n = plantrack_text::normalize(text);
    let len = n.as_str().len();
    for i in [0, len / 3, len / 2, len] {
        let (a, b) = n.original_range(i.min(len), len);
        assert!(a <= b && b <= text.len(), "{a}..{b} of {}", text.len());
    }
    let e = plantrack_text::extract(text);
    for t in &e.targets {
        let _ = t.evidence.len();
    }
    let _ = plantrack_text::default_plan_id(&e);
    let _ = plantrack_text::draft_plan_toml(&e, "fuzz.txt");
    let _ = plantrack_text::parse_quantity(text);
    let _ = plantrack_text::numbers::parse_chinese_number(text);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(64), ..ProptestConfig::default() })]

    #[test]
    fn decoding_arbitrary_bytes(bytes in prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        prop::collection::vec(any::<u8>(), 0..512).prop_map(|mut v| { v.splice(0..0, [0xFF, 0xFE]); v }),
        prop::collection::vec(any::<u8>(), 0..512).prop_map(|mut v| { v.splice(0..0, [0xFE, 0xFF]); v }),
        prop::collection::vec(any::<u8>(), 0..512).prop_map(|mut v| { v.splice(0..0, [0xEF, 0xBB, 0xBF]); v }),
        hostile_text().prop_map(String::into_bytes),
    ]) {
        if let Ok(d) = plantrack_text::decode(&bytes) {
            check_text(&d.text);
        }
    }

    #[test]
    fn reading_hostile_text(text in hostile_text()) {
        check_text(&text);
    }

    #[test]
    fn reading_a_mutated_policy_text(text in mutated_policy()) {
        check_text(&text);
    }

    #[test]
    fn numbers(text in hostile_text()) {
        let _ = plantrack_text::parse_quantity(&text);
        let _ = plantrack_text::numbers::parse_chinese_number(&text);
        let _ = plantrack_text::numbers::parse_chinese_integer(&text);
        let _ = plantrack_text::numbers::find_quantities(&text);
    }
}
