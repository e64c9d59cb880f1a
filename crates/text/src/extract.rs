//! Target extraction (目标提取): finds the quantitative targets a plan text states — indicator phrase,
//! comparator, value and unit, deadline, evidence span, lead department — and leaves out what only looks like one:
//! achieved figures (完成情况), document and meeting numbers (〔2018〕23号, 十三届十次全会), counts of measures
//! (18项措施), page furniture (浏览次数, 发布日期), base years (比2015年翻一番), numbers in quotes and titles.
//!
//! The conventions are those of the development set's answer key (`tests/fixtures/policy-texts/README.md`):
//! `>=` 达到/达/以上/不少于/建成; `>` 突破/超过/超; `≈` 左右; `=` 为 or none; `growth` 增长/年均增长 (a rate);
//! `growth>=`/`growth≈` a rate with 以上 (or 达)/左右; `add` 新增/新建; `rank<=` 前N位; `multiple` 翻一番.
//! The value and unit are kept as written (3万家 is 3 `万家`), with the normalised value beside them.
//!
//! Work is linear in the text: each line is cut into sentences and clauses once, each clause scanned once.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::indicators::{KnownIndicator, recognise};
use crate::normalize::{NormalizedText, normalize};
use crate::numbers::{Bound, FoundQuantity, Numeral, find_quantities};
use crate::structure::{Outline, SectionKind, TaskNode, outline};

/// How a target compares its indicator with its value (比较方式), in the answer key's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Comparator {
    /// `>=` — 达到, 达, 以上, 不少于, 建成.
    #[serde(rename = ">=")]
    AtLeast,
    /// `>` — 突破, 超过, 超.
    #[serde(rename = ">")]
    MoreThan,
    /// `≈` — 左右.
    #[serde(rename = "≈")]
    About,
    /// `=` — 为, or no comparator word.
    #[serde(rename = "=")]
    Equal,
    /// `<=` — 以内, 以下, 不超过 (beyond the answer key's vocabulary, which has no upper bounds).
    #[serde(rename = "<=")]
    AtMost,
    /// `growth` — 增长, 年均增长: the value is a rate.
    #[serde(rename = "growth")]
    Growth,
    /// `growth>=` — a rate with 以上, or reached (增速达).
    #[serde(rename = "growth>=")]
    GrowthAtLeast,
    /// `growth≈` — a rate with 左右.
    #[serde(rename = "growth≈")]
    GrowthAbout,
    /// `add` — 新增, 新建: an increment, not a level.
    #[serde(rename = "add")]
    Add,
    /// `rank<=` — 前N位.
    #[serde(rename = "rank<=")]
    RankAtMost,
    /// `multiple` — 翻一番, N倍: relative to a base.
    #[serde(rename = "multiple")]
    Multiple,
    /// `decrease` — 下降, 降低, 压降, 减少: the value is a rate of decrease.
    #[serde(rename = "decrease")]
    Decrease,
    /// `decrease>=` — a decrease with 以上.
    #[serde(rename = "decrease>=")]
    DecreaseAtLeast,
}

/// How firmly a target is stated (目标刚性): `hard` (达到, 确保) or `soft` (力争, 争取, 努力, 争创, 冲刺).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Firmness {
    #[default]
    Hard,
    Soft,
}

/// A target that holds for every period of the plan, not only at its deadline (每年安排…不少于2亿元).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Yearly,
}

/// A range value (`新建3—5个孵化器`): `value` is its low end, this its both ends as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ValueRange {
    #[serde(with = "rust_decimal::serde::str")]
    pub low: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub high: Decimal,
}

/// One statement of a target in the text (a target stated in the summary and again in the body has two).
/// Offsets as in [`ExtractedTarget`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub original_start: usize,
    pub original_end: usize,
    /// The comparator of this statement.
    pub comparator: Comparator,
}

impl Comparator {
    /// The answer key's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AtLeast => ">=",
            Self::MoreThan => ">",
            Self::About => "≈",
            Self::Equal => "=",
            Self::AtMost => "<=",
            Self::Growth => "growth",
            Self::GrowthAtLeast => "growth>=",
            Self::GrowthAbout => "growth≈",
            Self::Add => "add",
            Self::RankAtMost => "rank<=",
            Self::Multiple => "multiple",
            Self::Decrease => "decrease",
            Self::DecreaseAtLeast => "decrease>=",
        }
    }

    /// Parses the answer key's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::AtLeast,
            Self::MoreThan,
            Self::About,
            Self::Equal,
            Self::AtMost,
            Self::Growth,
            Self::GrowthAtLeast,
            Self::GrowthAbout,
            Self::Add,
            Self::RankAtMost,
            Self::Multiple,
            Self::Decrease,
            Self::DecreaseAtLeast,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }

    pub fn is_growth(self) -> bool {
        matches!(self, Self::Growth | Self::GrowthAtLeast | Self::GrowthAbout)
    }
}

/// Where a target's deadline came from (期限来源).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineSource {
    /// Written in the target's own sentence (到2020年底, 力争2020年).
    Written,
    /// From an earlier sentence of the same section (到2020年, then the targets).
    Context,
    /// From a plan term (十三五 → 2020, 十四五 → 2025, 十五五 → 2030) or 今年 (the document's year).
    Term,
    /// Nothing in the text: the end of the plan period in the title.
    PlanPeriod,
}

/// One extracted target (提取的目标). Offsets are byte offsets: `start`/`end` into the normalised text,
/// `original_start`/`original_end` into the original (decoded) text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtractedTarget {
    /// The indicator phrase (指标), as the text words it.
    pub indicator: String,
    /// The known indicator's target id (`rd_intensity`), or `None`: a new indicator to define.
    pub target_id: Option<String>,
    /// Data elements of the known indicator (empty for a new one).
    pub data_elements: Vec<String>,
    pub comparator: Comparator,
    /// The words that gave the comparator (`达到`, `增速达`, `以上`; empty when none).
    pub comparator_text: String,
    /// The value as written (3 for 3万家).
    pub value: Decimal,
    /// The unit as written (`万家`).
    pub unit: String,
    /// The value with the unit's scale applied (30000).
    pub normalized_value: Decimal,
    /// The unit without its scale (`家`).
    pub normalized_unit: String,
    /// Deadline year (目标年份).
    pub deadline: Option<i32>,
    pub deadline_source: Option<DeadlineSource>,
    /// The clause(s) stating the target, from the normalised text.
    pub evidence: String,
    pub start: usize,
    pub end: usize,
    pub original_start: usize,
    pub original_end: usize,
    /// 牵头部门 when the text names one for this target.
    pub lead_department: Option<String>,
    /// The kind of section the target sits in.
    pub section: SectionKind,
    /// How sure the extractor is, 0–1, two decimals.
    pub confidence: Decimal,
    /// `hard` or `soft` (力争, 争取 …).
    pub firmness: Firmness,
    /// `yearly` for a target that holds every year (每年…); `null` otherwise.
    pub recurring: Option<Recurrence>,
    /// Both ends of a range value (`3—5个`); `null` for a single value.
    pub range: Option<ValueRange>,
    /// Every statement of this target, in text order; the first is `evidence`/`start`/`end` above.
    pub evidences: Vec<Evidence>,
    /// What differs between the statements (a comparator), for the reviewer.
    pub note: Option<String>,
}

/// Everything read from one policy text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extraction {
    pub title: String,
    /// The year the document was issued (发布日期, 成文日期, else the first year of the plan period).
    pub document_year: Option<i32>,
    /// The plan period in the title (`(2018—2020年)`).
    pub plan_period: Option<(i32, i32)>,
    pub normalized: NormalizedText,
    pub targets: Vec<ExtractedTarget>,
    pub tasks: Vec<TaskNode>,
}

impl Extraction {
    pub fn normalized_text(&self) -> &str {
        self.normalized.as_str()
    }

    /// The extraction as the `plantrack extract --format json` document:
    /// `{"title", "document_year", "plan_period", "normalized_text", "targets", "tasks"}`.
    pub fn to_json(&self) -> ExtractionJson<'_> {
        ExtractionJson {
            title: &self.title,
            document_year: self.document_year,
            plan_period: self.plan_period.map(|(start, end)| PlanPeriodJson { start, end }),
            normalized_text: self.normalized.as_str(),
            targets: &self.targets,
            tasks: &self.tasks,
        }
    }
}

/// The JSON shape of an [`Extraction`] (the CLI's and the web API's contract).
#[derive(Debug, Serialize)]
pub struct ExtractionJson<'a> {
    pub title: &'a str,
    pub document_year: Option<i32>,
    pub plan_period: Option<PlanPeriodJson>,
    pub normalized_text: &'a str,
    pub targets: &'a [ExtractedTarget],
    pub tasks: &'a [TaskNode],
}

/// The plan period in the title, as `{"start": 2018, "end": 2020}`.
#[derive(Debug, Serialize)]
pub struct PlanPeriodJson {
    pub start: i32,
    pub end: i32,
}

/// Normalises `original` and extracts its title, targets and task tree.
pub fn extract(original: &str) -> Extraction {
    let normalized = normalize(original);
    let text = normalized.as_str();
    let Outline { lines, tree } = outline(text);
    let title = find_title(text);
    let plan_period = find_period(&title);
    let document_year = find_document_year(text).or(plan_period.map(|(s, _)| s));
    let doc = DocFacts {
        document_year,
        plan_period,
    };
    let mut targets = Vec::new();
    let mut ctx = DeadlineContext::default();
    let mut targets_before_line = 0;
    for line in &lines {
        if line.heading.is_some() {
            ctx = DeadlineContext::default();
        }
        let content = &text[line.start..line.end];
        if content.is_empty() || content.starts_with("source:") || content.starts_with("title:") {
            continue;
        }
        // A deadline and a 力争 hold for their own paragraph, for the list items after it (——…, 一是…), and for the
        // paragraph after a lead-in that states no target itself (到2020年,主要目标如下:); in a targets section, to its
        // end.
        let item = content.starts_with("——") || is_enumerated(content);
        if !item {
            ctx.soft = false;
            if line.section != SectionKind::Targets && targets.len() > targets_before_line {
                ctx.year = None;
                ctx.source = None;
            }
        }
        targets_before_line = targets.len();
        let lead = lead_department(content);
        for (s, e) in split_sentences(content) {
            let sentence = Span {
                start: line.start + s,
                end: line.start + e,
            };
            extract_sentence(
                text,
                sentence,
                line.section,
                &mut ctx,
                doc,
                lead.as_deref(),
                &mut targets,
            );
        }
    }
    for t in &mut targets {
        let (os, oe) = normalized.original_range(t.start, t.end);
        t.original_start = os;
        t.original_end = oe;
        for e in &mut t.evidences {
            let (os, oe) = normalized.original_range(e.start, e.end);
            e.original_start = os;
            e.original_end = oe;
        }
    }
    let targets = merge_statements(targets);
    Extraction {
        title,
        document_year,
        plan_period,
        normalized,
        targets,
        tasks: tree,
    }
}

/// A paragraph opened by an enumeration: 一是…, (一)…, 1.…, ①….
fn is_enumerated(line: &str) -> bool {
    let mut cs = line.chars();
    match (cs.next(), cs.next()) {
        (Some(c), Some('是')) if "一二三四五六七八九十".contains(c) => true,
        (Some('(' | '（'), _) => true,
        (Some(c), _) if ('\u{2460}'..='\u{2473}').contains(&c) => true,
        (Some(c), Some('.' | '、')) if c.is_ascii_digit() => true,
        _ => false,
    }
}

/// The facts of the whole document a sentence is read against.
#[derive(Debug, Clone, Copy)]
struct DocFacts {
    document_year: Option<i32>,
    plan_period: Option<(i32, i32)>,
}

/// Statements of one target (same indicator, value, unit and deadline: a summary and the body) become one target
/// with several evidences; a comparator that differs between them is kept as a note.
fn merge_statements(targets: Vec<ExtractedTarget>) -> Vec<ExtractedTarget> {
    let mut out: Vec<ExtractedTarget> = Vec::with_capacity(targets.len());
    let mut index: std::collections::HashMap<(String, Decimal, String, Option<i32>, bool), usize> =
        std::collections::HashMap::new();
    for t in targets {
        let growth = t.comparator.is_growth();
        let subject = t
            .target_id
            .clone()
            .unwrap_or_else(|| crate::indicators::core_phrase(&t.indicator).to_owned());
        let key = (
            subject,
            t.normalized_value.normalize(),
            t.normalized_unit.clone(),
            t.deadline,
            growth,
        );
        match index.get(&key).and_then(|&i| out.get_mut(i)) {
            Some(first) if !key.0.is_empty() => {
                if first.comparator != t.comparator {
                    let note = format!(
                        "「{}」: {} / 「{}」: {}",
                        first.evidence,
                        first.comparator.as_str(),
                        t.evidence,
                        t.comparator.as_str()
                    );
                    first.note = Some(match first.note.take() {
                        Some(n) => format!("{n}; {note}"),
                        None => note,
                    });
                }
                if t.firmness == Firmness::Hard {
                    first.firmness = Firmness::Hard;
                }
                first.evidences.extend(t.evidences);
            }
            _ => {
                index.insert(key, out.len());
                out.push(t);
            }
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

/// Whether a sentence speaks of what was done or of what shall be (时态).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tense {
    Past,
    Future,
}

/// What is in force while reading a section: the deadline set by 到2020年, 十三五, 今年 …, whether the text
/// speaks of the past (去年…, 一年来…) or of what shall be, and a paragraph's 力争; cleared at each heading.
#[derive(Debug, Clone, Copy, Default)]
struct DeadlineContext {
    year: Option<i32>,
    source: Option<DeadlineSource>,
    tense: Option<Tense>,
    soft: bool,
}

// ---------------------------------------------------------------------------------------------------------------
// Document-level facts

fn find_title(text: &str) -> String {
    let mut first = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("title:") {
            return truncate_chars(rest.trim(), 200);
        }
        if first.is_none() && !t.is_empty() && !t.starts_with("source:") {
            first = Some(t);
        }
    }
    first.map(|t| truncate_chars(t, 200)).unwrap_or_default()
}

fn truncate_chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// A four-digit year at the start of `s` (1949–2100).
fn year_at(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) || b.get(4).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let y: i32 = s[..4].parse().ok()?;
    (1949..=2100).contains(&y).then_some(y)
}

/// Is there an ASCII digit right before byte `i`?
fn digit_before(s: &str, i: usize) -> bool {
    i > 0 && s.as_bytes()[i - 1].is_ascii_digit()
}

/// `(2018—2020年)`, `2021-2023年`, `2018年工作实施方案` in the title.
fn find_period(title: &str) -> Option<(i32, i32)> {
    let mut single = None;
    for (i, _) in title.char_indices() {
        if digit_before(title, i) {
            continue;
        }
        let Some(y1) = year_at(&title[i..]) else { continue };
        let rest = &title[i + 4..];
        for dash in ["—", "-", "–", "~", "至", "——"] {
            if let Some(r) = rest.strip_prefix(dash)
                && let Some(y2) = year_at(r)
                && y2 >= y1
            {
                return Some((y1, y2));
            }
        }
        // 2018年工作实施方案, 2024年工作要点: a plan for one year. (2030年跻身…先进行列 is a goal, not a period.)
        if single.is_none()
            && let Some(r) = rest.strip_prefix('年')
            && [
                "工作",
                "度",
                "计划",
                "行动",
                "实施",
                "要点",
                "重点",
                "政府工作报告",
                "科技",
            ]
            .iter()
            .any(|w| r.starts_with(w))
        {
            single = Some((y1, y1));
        }
    }
    single
}

/// The year the document was issued: 发布日期/发布时间/成文日期, else the first full date (2018年5月10日,
/// 2020-01-20) in the text.
fn find_document_year(text: &str) -> Option<i32> {
    for key in ["发布日期", "发布时间", "成文日期", "印发日期"] {
        if let Some(p) = text.find(key) {
            let after = &text[p + key.len()..];
            let after = after.trim_start_matches([':', ' ']);
            if let Some(y) = year_at(after) {
                return Some(y);
            }
        }
    }
    for (i, _) in text.char_indices() {
        if digit_before(text, i) {
            continue;
        }
        let Some(y) = year_at(&text[i..]) else { continue };
        let rest = &text[i + 4..];
        let is_date = rest.strip_prefix('年').is_some_and(|r| {
            let digits = r.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && r[digits..].starts_with('月')
        }) || rest.strip_prefix('-').is_some_and(|r| {
            r.len() >= 5 && r.as_bytes()[..2].iter().all(u8::is_ascii_digit) && r[2..].starts_with('-')
        });
        if is_date {
            return Some(y);
        }
    }
    None
}

/// `(牵头部门:市发改委)`, `(责任单位:市财政局、市税务局)` in a line.
fn lead_department(line: &str) -> Option<String> {
    if !line.contains("牵头") && !line.contains("责任") && !line.contains("主责") {
        return None;
    }
    for key in ["牵头部门", "牵头单位", "责任部门", "责任单位", "主责部门", "牵头"] {
        if let Some(p) = line.find(key) {
            let after = &line[p + key.len()..];
            let after = after.trim_start_matches([':', ' ', '为']);
            let end = after.find([')', ';', '。', '\n']).unwrap_or(after.len());
            let dept = after[..end].trim();
            if !dept.is_empty() && dept.chars().count() <= 40 {
                return Some(dept.to_owned());
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------------------------
// Sentences and clauses

/// Sentence spans in a line: split at `。` `;` `!` `?` outside brackets and quotes.
fn split_sentences(line: &str) -> Vec<(usize, usize)> {
    split_at(line, |c| matches!(c, '。' | ';' | '!' | '?'))
}

/// Clause spans in a sentence: split at `,` `:` as well (but not in `1,000`).
fn split_clauses(sentence: &str) -> Vec<(usize, usize)> {
    split_at(sentence, |c| matches!(c, '。' | ';' | '!' | '?' | ',' | ':'))
}

fn split_at(s: &str, is_sep: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth: i32 = 0;
    let mut start = 0;
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        // Brackets and title marks hold no sentence of their own; quotation marks may (a quoted speech states
        // targets sentence by sentence), so they are not nesting.
        match c {
            '(' | '《' | '〔' | '[' | '【' => depth += 1,
            ')' | '》' | '〕' | ']' | '】' => depth = (depth - 1).max(0),
            _ => {}
        }
        if depth > 0 || !is_sep(c) {
            continue;
        }
        // `1,000`: a comma between a digit and exactly three digits is a thousands separator.
        if c == ','
            && digit_before(s, i)
            && bytes
                .get(i + 1..i + 4)
                .is_some_and(|g| g.iter().all(u8::is_ascii_digit))
            && !bytes.get(i + 4).is_some_and(u8::is_ascii_digit)
        {
            continue;
        }
        let end = i + c.len_utf8();
        if end > start {
            out.push((start, end));
        }
        start = end;
    }
    if start < s.len() {
        out.push((start, s.len()));
    }
    out
}

/// A quotation longer than this (characters) and holding a sentence's punctuation is speech, not a name.
const MAX_QUOTED_NAME_CHARS: usize = 8;

/// Byte ranges of `s` inside quotes or title marks (“…”, 《…》, 〔…〕, ‘…’): numbers there are names, not targets.
fn protected_ranges(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(char, usize)> = None;
    for (i, c) in s.char_indices() {
        match (open, c) {
            (None, '“' | '《' | '〔' | '‘') => open = Some((c, i)),
            (Some(('《', st)), '》') | (Some(('〔', st)), '〕') => {
                out.push((st, i + c.len_utf8()));
                open = None;
            }
            // A quoted name or slogan (“4.13”, “六个倍增”) is protected; a quoted speech (“今年,…新增1000家…”) is
            // what someone said the targets are.
            (Some(('“', st)), '”') | (Some(('‘', st)), '’') => {
                let inner = &s[st..i];
                let speech = inner.contains([',', '。', ';', '!', '?', ':'])
                    && inner.chars().count() > MAX_QUOTED_NAME_CHARS;
                if !speech {
                    out.push((st, i + c.len_utf8()));
                }
                open = None;
            }
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Deadlines

/// Deadline markers in a sentence: (byte offset, year, source).
fn deadline_marks(
    sentence: &str,
    document_year: Option<i32>,
    protected: &[(usize, usize)],
) -> Vec<(usize, i32, DeadlineSource)> {
    let mut out = Vec::new();
    // Protected ranges are sorted and do not overlap: a pointer follows `i`.
    let mut prot_n = 0;
    let mut inside = |i: usize| {
        while protected.get(prot_n).is_some_and(|&(_, e)| e <= i) {
            prot_n += 1;
        }
        protected.get(prot_n).is_some_and(|&(s, e)| i > s && i < e)
    };
    for (i, c) in sentence.char_indices() {
        let rest = &sentence[i..];
        match c {
            // 十三五 / 十四五 / 十五五 (optionally quoted — quotes do not protect these)
            '十' => {
                for (term, year) in [("十三五", 2020), ("十四五", 2025), ("十五五", 2030)] {
                    if rest.starts_with(term) {
                        out.push((i, year, DeadlineSource::Term));
                    }
                }
                continue;
            }
            '今' | '年' | '本' | '明' => {
                if let Some(y) = document_year {
                    for (word, delta) in [("今年", 0), ("年内", 0), ("本年度", 0), ("明年", 1)] {
                        if rest.starts_with(word) {
                            out.push((i, y + delta, DeadlineSource::Term));
                        }
                    }
                }
                continue;
            }
            '0'..='9' => {}
            _ => continue,
        }
        if inside(i) || digit_before(sentence, i) {
            continue;
        }
        let Some(year) = year_at(rest) else { continue };
        let after = &rest[4..];
        // A range 2018—2020年: the end year counts.
        let (year, after) = match ["—", "-", "–", "至"].iter().find_map(|d| {
            after
                .strip_prefix(d)
                .and_then(|r| year_at(r).map(|y2| (y2, &r[4..])))
        }) {
            Some((y2, a)) => (y2, a),
            None => (year, after),
        };
        let Some(after_nian) = after.strip_prefix('年') else {
            continue;
        };
        // Not deadlines: dates (2018年5月), past spans (2019年以来), and a year followed by a month.
        if after_nian.starts_with("以来")
            || after_nian.starts_with(|c: char| c.is_ascii_digit())
            || after_nian.starts_with("度工作")
        {
            continue;
        }
        let before = &sentence[..i];
        // 比2015年 / 较2015年 / 与2015年相比: a base year.
        if before.ends_with('比')
            || before.ends_with('较')
            || before.ends_with("与")
            || before.ends_with("相比")
        {
            continue;
        }
        let lead_in = [
            "到",
            "至",
            "力争",
            "确保",
            "争取",
            "预计",
            "力争到",
            "确保到",
            "争取到",
            "截至",
        ];
        let starts_clause = before.is_empty()
            || before.ends_with([',', ':', '—', '。', ';'])
            || lead_in.iter().any(|w| before.ends_with(w));
        if before.ends_with("截至") || before.ends_with("截止") {
            continue;
        }
        if starts_clause || after_nian.starts_with(['底', '末', '前']) {
            out.push((i, year, DeadlineSource::Written));
        }
    }
    out
}

/// Words that say a sentence reports what happened (同比增长, 去年…, 一年来…) or what shall be (力争, 今年, 每年 …),
/// longest first where one begins another.
const TENSE_WORDS: [(&str, Tense); 47] = [
    ("去年全年", Tense::Past),
    ("提前完成", Tense::Past),
    ("超额完成", Tense::Past),
    ("圆满完成", Tense::Past),
    ("累计完成", Tense::Past),
    ("全年完成", Tense::Past),
    ("已经", Tense::Past),
    ("已", Tense::Past),
    ("完成了", Tense::Past),
    ("取得了", Tense::Past),
    ("实现了", Tense::Past),
    ("达到了", Tense::Past),
    ("同比", Tense::Past),
    ("同期", Tense::Past),
    ("比上年", Tense::Past),
    ("较上年", Tense::Past),
    ("上年", Tense::Past),
    ("截至", Tense::Past),
    ("截止", Tense::Past),
    ("以来", Tense::Past),
    ("去年", Tense::Past),
    ("过去", Tense::Past),
    ("一年来", Tense::Past),
    ("年来", Tense::Past),
    ("回顾", Tense::Past),
    ("获批", Tense::Past),
    ("荣获", Tense::Past),
    ("预计到", Tense::Future),
    ("预计至", Tense::Future),
    // 预计 alone: a report's estimate of the year just ended (预计地区生产总值超过2100亿元).
    ("预计", Tense::Past),
    ("力争", Tense::Future),
    ("确保", Tense::Future),
    ("争取", Tense::Future),
    ("努力", Tense::Future),
    ("冲刺", Tense::Future),
    ("计划", Tense::Future),
    ("将", Tense::Future),
    ("到20", Tense::Future),
    ("至20", Tense::Future),
    ("今年", Tense::Future),
    ("明年", Tense::Future),
    ("每年", Tense::Future),
    ("全年", Tense::Future),
    ("目标为", Tense::Future),
    ("目标是", Tense::Future),
    ("目标:", Tense::Future),
    ("拟", Tense::Future),
];

/// Tense markers of a sentence: (byte offset, tense), in order.
fn tense_marks(sentence: &str) -> Vec<(usize, Tense)> {
    let mut out = Vec::new();
    let mut skip_to = 0;
    for (i, _) in sentence.char_indices() {
        if i < skip_to {
            continue;
        }
        let rest = &sentence[i..];
        if let Some(&(w, t)) = TENSE_WORDS.iter().find(|(w, _)| rest.starts_with(w)) {
            out.push((i, t));
            skip_to = i + w.len();
        }
    }
    out
}

/// The tense at byte `at` of a sentence: the last marker before it, else the first after it.
fn tense_at(marks: &[(usize, Tense)], at: usize) -> Option<Tense> {
    let n = marks.partition_point(|m| m.0 < at);
    n.checked_sub(1)
        .and_then(|i| marks.get(i))
        .or_else(|| marks.first())
        .map(|m| m.1)
}

/// Bytes before a value searched for the words that qualify it (力争, 每年): about 100 CJK characters, so that the
/// work per value is bounded however long a sentence runs.
const QUALIFIER_WINDOW: usize = 300;

/// The last [`QUALIFIER_WINDOW`] bytes of `s` before byte `at`.
fn window_before(s: &str, at: usize) -> &str {
    let at = s.floor_char_boundary(at.min(s.len()));
    let from = s.floor_char_boundary(at.saturating_sub(QUALIFIER_WINDOW));
    &s[from..at]
}

/// Words that make a target soft (力争) or firm (确保): the nearest one before the value decides.
const FIRMNESS_WORDS: [(&str, Firmness); 11] = [
    ("力争", Firmness::Soft),
    ("争取", Firmness::Soft),
    ("努力", Firmness::Soft),
    ("争创", Firmness::Soft),
    ("冲刺", Firmness::Soft),
    ("力求", Firmness::Soft),
    ("争当", Firmness::Soft),
    ("确保", Firmness::Hard),
    ("必须", Firmness::Hard),
    ("务必", Firmness::Hard),
    ("保证", Firmness::Hard),
];

/// The firmness word nearest before byte `at` of `s`, if any.
fn firmness_before(s: &str, at: usize) -> Option<Firmness> {
    let head = window_before(s, at);
    // 要努力实现六个目标:一是…: a word before a colon introduces the list, it does not qualify each item.
    let head = head.rfind(':').map_or(head, |p| &head[p + 1..]);
    let mut best: Option<(usize, Firmness)> = None;
    for &(w, f) in &FIRMNESS_WORDS {
        if let Some(p) = head.rfind(w)
            && best.is_none_or(|(b, _)| p > b)
        {
            best = Some((p, f));
        }
    }
    best.map(|(_, f)| f)
}

// ---------------------------------------------------------------------------------------------------------------
// Comparator words

/// Verbs right before the value, longest first: (word, comparator).
const VERBS_BEFORE: [(&str, Comparator); 53] = [
    ("下降到", Comparator::AtMost),
    ("下降至", Comparator::AtMost),
    ("降低到", Comparator::AtMost),
    ("降低至", Comparator::AtMost),
    ("下降", Comparator::Decrease),
    ("降低", Comparator::Decrease),
    ("压降", Comparator::Decrease),
    ("减少", Comparator::Decrease),
    ("年均增长率达到", Comparator::GrowthAtLeast),
    ("年均增速达到", Comparator::GrowthAtLeast),
    ("增长率达到", Comparator::GrowthAtLeast),
    ("年均增长率为", Comparator::Growth),
    ("年均增长率", Comparator::Growth),
    ("年均增速达", Comparator::GrowthAtLeast),
    ("增速达到", Comparator::GrowthAtLeast),
    ("增幅达到", Comparator::GrowthAtLeast),
    ("增长率达", Comparator::GrowthAtLeast),
    ("年均增长", Comparator::Growth),
    ("年均递增", Comparator::Growth),
    ("增速达", Comparator::GrowthAtLeast),
    ("增幅达", Comparator::GrowthAtLeast),
    ("增速为", Comparator::Growth),
    ("增幅为", Comparator::Growth),
    ("增长率为", Comparator::Growth),
    ("不少于", Comparator::AtLeast),
    ("不低于", Comparator::AtLeast),
    ("不超过", Comparator::AtMost),
    ("提高到", Comparator::AtLeast),
    ("提升到", Comparator::AtLeast),
    ("提高至", Comparator::AtLeast),
    ("提升至", Comparator::AtLeast),
    ("增加到", Comparator::AtLeast),
    ("增加至", Comparator::AtLeast),
    ("扩大到", Comparator::AtLeast),
    ("稳定在", Comparator::Equal),
    ("保持在", Comparator::Equal),
    ("控制在", Comparator::AtMost),
    ("达到", Comparator::AtLeast),
    ("突破", Comparator::MoreThan),
    ("超过", Comparator::MoreThan),
    ("高于", Comparator::MoreThan),
    ("增至", Comparator::AtLeast),
    ("增长", Comparator::Growth),
    ("递增", Comparator::Growth),
    ("增速", Comparator::Growth),
    ("建成", Comparator::AtLeast),
    ("做实", Comparator::AtLeast),
    ("新增", Comparator::Add),
    ("新建", Comparator::Add),
    ("达", Comparator::AtLeast),
    ("超", Comparator::MoreThan),
    ("为", Comparator::Equal),
    ("是", Comparator::Equal),
];

/// Verbs that open a clause whose value comes later (建成200家…, 做实…5家, 新增…606家), longest first.
const LEADING_VERBS: [(&str, Comparator); 11] = [
    ("新培育", Comparator::Add),
    ("新引进", Comparator::Add),
    ("新认定", Comparator::Add),
    ("累计建成", Comparator::AtLeast),
    ("布局建成", Comparator::AtLeast),
    ("建成", Comparator::AtLeast),
    ("做实", Comparator::AtLeast),
    ("新增", Comparator::Add),
    ("新建", Comparator::Add),
    ("打造", Comparator::AtLeast),
    ("创建", Comparator::AtLeast),
];

/// Verbs of action that state a quantity of what they act on without a comparator word (培育100家瞪羚企业,
/// 推动500项科技成果转化落地, 招引科小130家): the value is the target, compared as `=`. Longest first.
const ACTION_VERBS: [&str; 25] = [
    "发放和使用",
    "引进或培养",
    "谋划实施",
    "组织实施",
    "精准选认",
    "培育",
    "推动",
    "实施",
    "建设",
    "引进",
    "招引",
    "认定",
    "遴选",
    "选认",
    "开放",
    "发放",
    "安排",
    "争创",
    "培养",
    "支持",
    "设立",
    "孵化",
    "吸引",
    "举办",
    "转化",
];

/// Verbs that follow a value and say what it measures (100%建有研发机构).
const VERBS_AFTER: [&str; 6] = ["建有", "设立", "建立", "拥有", "开展", "实现"];

/// Clause openers that are not part of the indicator: time, resolve, connectives.
const CLAUSE_OPENERS: [&str; 23] = [
    "力争",
    "确保",
    "争取",
    "努力",
    "预计",
    "其中",
    "同时",
    "并且",
    "并",
    "且",
    "实现",
    "使",
    "全年",
    "冲刺",
    "加快",
    "大力",
    "积极",
    "持续",
    "进一步",
    "每年",
    "带动",
    "将",
    "要",
];

/// Words that make a value a change relative to a base, to be followed by the level (增加一倍,达到1.2%).
const RELATIVE_CHANGE: [&str; 6] = ["增加一倍", "增长一倍", "提高一倍", "翻一番", "翻两番", "翻番"];

/// Modifiers that may stand alone before a carried-over indicator (三年累计突破1000个).
fn is_modifier(s: &str) -> bool {
    let s = s.trim();
    s.is_empty()
        || s.chars().count() <= 6
            && (s.contains("累计")
                || s.contains("年均")
                || s == "分别"
                || s == "均"
                || s == "总计"
                || s == "共")
}

/// Strips openers (力争, 到2020年底, “六个倍增”——, ——) from the start of a clause.
fn strip_openers(mut s: &str) -> &str {
    loop {
        let before = s;
        s = s.trim_start_matches([' ', '—', '-', ',', ':', '、']);
        // A quoted label followed by a dash: “六个倍增”——
        if s.starts_with('“')
            && let Some(close) = s.find('”')
            && s[close + '”'.len_utf8()..].starts_with('—')
        {
            s = &s[close + '”'.len_utf8()..];
            continue;
        }
        for w in CLAUSE_OPENERS {
            if let Some(r) = s.strip_prefix(w) {
                s = r;
            }
        }
        // 一是 … 十是: an inline enumeration.
        let mut cs = s.chars();
        if cs.next().is_some_and(|c| "一二三四五六七八九十".contains(c)) && cs.next() == Some('是')
        {
            s = cs.as_str();
        }
        for w in ["到", "至"] {
            if let Some(r) = s.strip_prefix(w)
                && year_at(r).is_some()
            {
                s = r;
            }
        }
        if let Some(y) = year_at(s).map(|_| &s[4..]) {
            let mut r = y;
            for sep in ["—", "-"] {
                if let Some(r2) = r.strip_prefix(sep)
                    && year_at(r2).is_some()
                {
                    r = &r2[4..];
                }
            }
            if let Some(r) = r.strip_prefix('年') {
                s = r.trim_start_matches(['底', '末', '前']);
            }
        }
        for term in ["“十三五”", "“十四五”", "“十五五”", "十三五", "十四五", "十五五"]
        {
            if let Some(r) = s.strip_prefix(term) {
                s = r.trim_start_matches(['末', '期', '间', '时']);
            }
        }
        if s == before {
            return s;
        }
    }
}

/// The text after a value that names what a value-first clause counts (建成200家行业一流的企业研发机构), up to
/// the clause end or a verb.
fn trailing_object(after: &str) -> &str {
    let t = after.trim_start_matches('的');
    let end = t.find(['(', ',', ';', '。', '、', ':']).unwrap_or(t.len());
    t[..end].trim()
}

/// Counts of measures and other numbered things that are never targets (18项措施, 五个方面, 十项重点工作).
fn is_count_of_measures(unit: &str, after: &str, before: &str) -> bool {
    const MEASURE_NOUNS: [&str; 24] = [
        "目标",
        "主要指标",
        "重点工作",
        "重点任务",
        "重点领域",
        "重点产业",
        "措施",
        "举措",
        "政策",
        "任务",
        "工作",
        "内容",
        "要求",
        "制度",
        "机制",
        "意见",
        "方面",
        "大方面",
        "环节",
        "倍增",
        "突破",
        "行动",
        "条款",
        "原则",
    ];
    if matches!(unit, "项" | "条" | "个" | "类" | "种" | "大" | "部")
        && MEASURE_NOUNS.iter().any(|n| after.starts_with(n))
    {
        return true;
    }
    ["出台", "制定", "印发", "提出", "包括", "阐述了", "共有", "涵盖"]
        .iter()
        .any(|w| before.ends_with(w))
}

/// Units that a target value may carry (a number without one is a year, a code, a page count …).
fn is_target_unit(unit: &str) -> bool {
    !unit.is_empty() && !matches!(unit, "万" | "亿" | "千" | "百" | "十万" | "百万" | "千万")
        || unit == "万亿"
}

// ---------------------------------------------------------------------------------------------------------------
// One sentence

/// A candidate read from one clause before the sentence-level decisions.
struct Candidate {
    indicator: String,
    comparator: Comparator,
    comparator_text: String,
    found: FoundQuantity,
    /// Evidence span (normalised text).
    span: Span,
    /// An explicit comparator word or bound was found.
    explicit: bool,
    /// The clause is a relative change (翻一番) waiting for the level in the next clause.
    relative_subject: Option<String>,
    /// The indicator was carried over from the previous clause's relative change.
    carried: bool,
    /// Superseded by the level that followed it.
    dropped: bool,
    /// The comparator before the value's own bound was applied.
    base_comparator: Comparator,
    /// Joined to the previous value of the clause (…5000家和6000家).
    continued: bool,
    /// Its comparator came from a verb before the indicator (建成…2家), which the next items of a list share
    /// (建成省级重点实验室2家、新型研发机构1家).
    leading: bool,
    /// Stated by a verb of action (培育100家…), an inherited list verb, or another statement of the sentence:
    /// a target even without a comparator word.
    action: bool,
    /// Byte offset of the value in the normalised text.
    value_abs: usize,
}

/// What a value inherits from the statements before it in its sentence.
#[derive(Debug, Clone, Default)]
struct Inherit {
    /// The list verb of the previous item (建成…2家、…1家), with its words.
    list: Option<(Comparator, String)>,
    /// The indicator of the previous target of the sentence (…增长6%以上,冲刺1500亿元).
    indicator: Option<String>,
    /// The noun phrase of the previous clause when it had no value (争取上级资金支持,确保超过6000万元).
    subject: Option<String>,
}

/// Bytes read on each side of a value for its indicator and comparator (about 80 CJK characters).
const WINDOW: usize = 240;

/// Words that join two values of one statement (分别达到70%和80%).
const CONNECTORS: [&str; 4] = ["和", "、", "及", "与"];

/// The candidate for a value joined to the previous one: same comparator words, same subject.
fn continuation(prev: &Candidate, f: &FoundQuantity, clause_abs: usize) -> Candidate {
    Candidate {
        indicator: prev.indicator.clone(),
        comparator: with_bound(prev.base_comparator, f.quantity.bound),
        comparator_text: prev.comparator_text.clone(),
        found: f.clone(),
        span: Span {
            start: prev.span.start,
            end: clause_abs + f.end,
        },
        explicit: prev.explicit,
        relative_subject: None,
        carried: false,
        dropped: false,
        base_comparator: prev.base_comparator,
        continued: true,
        leading: prev.leading,
        action: prev.action,
        value_abs: 0,
    }
}

/// 自创区高新技术产品产值占比、高端装备制造业收入占比分别达到70%和80%: one subject per value, in order, when the
/// subject splits into as many parts as there are values.
fn distribute_subjects(candidates: &mut [(Candidate, Option<i32>, Option<DeadlineSource>)], chain: &[usize]) {
    let Some(first) = chain.first().and_then(|&i| candidates.get(i)) else {
        return;
    };
    let subject = first.0.indicator.trim_end_matches("分别").trim_end_matches('均');
    let parts: Vec<String> = subject
        .split(['和', '、', '及', '与'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    if parts.len() != chain.len() {
        return;
    }
    for (&idx, part) in chain.iter().zip(parts) {
        if let Some((c, _, _)) = candidates.get_mut(idx) {
            c.indicator = part;
        }
    }
}

/// The comparator once the value's own bound (以上, 左右, 余, 以内) is taken into account.
fn with_bound(base: Comparator, bound: Option<Bound>) -> Comparator {
    match (base, bound) {
        (c, Some(Bound::AtLeast)) if c.is_growth() => Comparator::GrowthAtLeast,
        (c, Some(Bound::About)) if c.is_growth() => Comparator::GrowthAbout,
        (Comparator::MoreThan, Some(Bound::AtLeast)) => Comparator::MoreThan,
        (Comparator::Add, _) => Comparator::Add,
        (_, Some(Bound::AtLeast)) => Comparator::AtLeast,
        (_, Some(Bound::About)) => Comparator::About,
        (_, Some(Bound::MoreThan)) => Comparator::MoreThan,
        (_, Some(Bound::AtMost)) => Comparator::AtMost,
        (c, None) => c,
    }
}

#[allow(clippy::too_many_lines)]
fn extract_sentence(
    text: &str,
    sentence: Span,
    section: SectionKind,
    ctx: &mut DeadlineContext,
    doc: DocFacts,
    lead: Option<&str>,
    out: &mut Vec<ExtractedTarget>,
) {
    let s = &text[sentence.start..sentence.end];
    let protected = protected_ranges(s);
    let marks = deadline_marks(s, doc.document_year, &protected);
    let tenses = tense_marks(s);
    let before_ctx = *ctx;
    // 力争到2025年, 争取2020年: the paragraph is soft, until a deadline is written without such a word.
    if let Some(m) = marks.iter().rfind(|m| m.2 == DeadlineSource::Written) {
        let head = s[..m.0].trim_end_matches(['到', '至']);
        ctx.soft = ["力争", "争取", "努力"].iter().any(|w| head.ends_with(w));
    }
    // A year before the document's own can only be reported (“十三五”期间…达到1200家, in a 2021 plan).
    let past_year = |y: i32| doc.document_year.is_some_and(|d| y < d);
    let latest_year = marks.iter().map(|m| m.1).max();
    ctx.tense = if latest_year.is_some_and(past_year) {
        Some(Tense::Past)
    } else if let Some(&(_, t)) = tenses.last() {
        Some(t)
    } else if latest_year.is_some() {
        Some(Tense::Future)
    } else {
        ctx.tense
    };
    update_ctx(ctx, &marks);
    if section == SectionKind::Achievements {
        return;
    }
    if section == SectionKind::Background && marks.is_empty() && before_ctx.year.is_none() {
        return;
    }
    let clauses = split_clauses(s);
    // The relative change (翻一番) of the previous clause: its subject, span and index in `candidates`.
    let mut pending_relative: Option<(String, Span, usize)> = None;
    let mut candidates: Vec<(Candidate, Option<i32>, Option<DeadlineSource>)> = Vec::new();
    let mut inherit = Inherit::default();
    // Clauses, marks and protected ranges all run left to right: one pointer each keeps the sentence linear.
    let mut mark_n = 0;
    let mut prot_n = 0;
    for &(cs, ce) in &clauses {
        let clause = &s[cs..ce];
        let clause_abs = sentence.start + cs;
        // Deadline as of this clause: the last mark of this sentence before the clause ends, else the context.
        while marks.get(mark_n).is_some_and(|m| m.0 < ce) {
            mark_n += 1;
        }
        let (deadline, source) = match mark_n.checked_sub(1).and_then(|i| marks.get(i)) {
            Some(&(_, y, src)) => (Some(y), Some(src)),
            None => (before_ctx.year, before_ctx.source),
        };
        let carry = pending_relative
            .as_ref()
            .map(|(subject, span, _)| (subject.clone(), *span));
        let mut relative_here = None;
        // Indices (in `candidates`) of this clause's chain of joined values.
        let mut chain: Vec<usize> = Vec::new();
        // End (in the clause) of the previous target of this clause: a value's words start after it.
        let mut from = 0;
        let mut any_here = false;
        for f in find_quantities(clause) {
            let at = cs + f.start;
            while protected.get(prot_n).is_some_and(|&(_, pe)| pe <= at) {
                prot_n += 1;
            }
            if protected.get(prot_n).is_some_and(|&(ps, pe)| at >= ps && at < pe) {
                continue;
            }
            // 分别超过5000家和6000家: a value joined to the previous one takes its comparator and indicator.
            let continued = chain
                .last()
                .and_then(|&idx| candidates.get(idx))
                .and_then(|(prev, _, _)| {
                    let between = clause.get(prev.found.end..f.start)?;
                    (CONNECTORS.contains(&between) && is_target_unit(&f.quantity.unit))
                        .then(|| continuation(prev, &f, clause_abs))
                });
            let Some(c) = continued.or_else(|| {
                // Read within a window around the value: an indicator is a phrase, not a page, and a window keeps
                // the work per value bounded however long a clause runs.
                let ws = clause.floor_char_boundary(f.start.saturating_sub(WINDOW).max(from));
                let we = clause.ceil_char_boundary((f.end + WINDOW).min(clause.len()));
                let mut fw = f.clone();
                fw.start -= ws;
                fw.end -= ws;
                fw.number_start -= ws;
                let mut c = read_candidate(
                    &clause[ws..we],
                    clause_abs + ws,
                    &fw,
                    section,
                    deadline.is_some(),
                    carry.as_ref(),
                    &inherit,
                )?;
                c.found = f.clone();
                if ws > 0 && c.span.start == clause_abs + ws {
                    // The evidence of a later item of a list starts at its own words, after the separator.
                    let lead_ws = clause[ws..].len()
                        - clause[ws..]
                            .trim_start_matches(['、', ',', ' ', '和', '及', '与'])
                            .len();
                    c.span.start += lead_ws;
                }
                Some(c)
            }) else {
                continue;
            };
            let mut c = c;
            c.value_abs = clause_abs + f.start;
            from = f.end;
            any_here = true;
            if c.relative_subject.is_none() && !c.continued {
                chain.clear();
            }
            if c.relative_subject.is_none() {
                chain.push(candidates.len());
            }
            if c.carried
                && let Some((_, _, idx)) = pending_relative.take()
                && let Some(slot) = candidates.get_mut(idx)
            {
                // A level follows the relative change (翻一番,达到1600亿元): the change is no target of its own.
                slot.0.dropped = true;
            }
            if let Some(subject) = c.relative_subject.clone() {
                relative_here = Some((subject, c.span, candidates.len()));
            }
            inherit.list = c.leading.then(|| (c.base_comparator, c.comparator_text.clone()));
            if c.relative_subject.is_none() {
                inherit.indicator = Some(c.indicator.clone());
            }
            candidates.push((c, deadline, source));
        }
        if !any_here {
            inherit.list = None;
            let subject = strip_openers(clause.trim_end_matches([',', ';', '。', ':'])).trim();
            inherit.subject =
                (!subject.is_empty() && subject.chars().count() <= 30).then(|| subject.to_owned());
        }
        pending_relative = relative_here;
        if chain.len() >= 2 && clause.contains("分别") {
            distribute_subjects(&mut candidates, &chain);
        }
    }
    candidates.retain(|(c, _, _)| !c.dropped);
    if candidates.is_empty() {
        return;
    }
    for (c, deadline, source) in candidates {
        let value_at = c.value_abs.saturating_sub(sentence.start).min(s.len());
        // Reported, not targeted: a past marker nearest the value, a year before the document's, or a past context.
        let tense = tense_at(&tenses, value_at).or(before_ctx.tense);
        if tense == Some(Tense::Past)
            || deadline.is_some_and(past_year) && source != Some(DeadlineSource::PlanPeriod)
        {
            continue;
        }
        let recurring = ["每年", "每一年", "年年"]
            .iter()
            .any(|w| window_before(s, value_at).contains(w))
            .then_some(Recurrence::Yearly);
        let (deadline, source) = match (deadline, doc.plan_period) {
            (Some(y), _) => (Some(y), source),
            (None, Some((_, end))) => (Some(end), Some(DeadlineSource::PlanPeriod)),
            (None, None) => (None, None),
        };
        // Outside the targets and tasks of a plan, a value is a target only when something says it is still to
        // come: a deadline, or a word of the future (力争, 今年, 每年 …).
        let future = tense == Some(Tense::Future) || deadline.is_some() || recurring.is_some();
        if !future && !matches!(section, SectionKind::Targets | SectionKind::Tasks) {
            continue;
        }
        // Outside a targets section, a value without a comparator word, a verb or a written deadline is a
        // statement, not a target.
        if !c.explicit
            && !c.action
            && section != SectionKind::Targets
            && source != Some(DeadlineSource::Written)
        {
            continue;
        }
        let firmness =
            firmness_before(s, value_at).unwrap_or(if ctx.soft { Firmness::Soft } else { Firmness::Hard });
        let known = recognise(&c.indicator, c.comparator, &c.found.quantity.unit);
        let confidence = confidence(&c, section, source, known.as_ref());
        let q = &c.found.quantity;
        let evidence = text[c.span.start..c.span.end].to_owned();
        out.push(ExtractedTarget {
            indicator: c.indicator,
            target_id: known.as_ref().map(|k| k.target_id.to_owned()),
            data_elements: known
                .as_ref()
                .map(|k| k.data_elements.iter().map(|d| (*d).to_owned()).collect())
                .unwrap_or_default(),
            comparator: c.comparator,
            comparator_text: c.comparator_text,
            value: q.value,
            unit: q.unit.clone(),
            normalized_value: q.normalized_value,
            normalized_unit: q.normalized_unit.clone(),
            deadline,
            deadline_source: source,
            evidences: vec![Evidence {
                text: evidence.clone(),
                start: c.span.start,
                end: c.span.end,
                original_start: 0,
                original_end: 0,
                comparator: c.comparator,
            }],
            evidence,
            start: c.span.start,
            end: c.span.end,
            original_start: 0,
            original_end: 0,
            lead_department: lead.map(str::to_owned),
            section,
            confidence,
            firmness,
            recurring,
            range: q.high.map(|high| ValueRange { low: q.value, high }),
            note: None,
        });
    }
}

fn update_ctx(ctx: &mut DeadlineContext, marks: &[(usize, i32, DeadlineSource)]) {
    if let Some(&(_, y, src)) = marks.last() {
        ctx.year = Some(y);
        ctx.source = Some(match src {
            DeadlineSource::Written => DeadlineSource::Context,
            other => other,
        });
    }
}

fn confidence(
    c: &Candidate,
    section: SectionKind,
    source: Option<DeadlineSource>,
    known: Option<&KnownIndicator>,
) -> Decimal {
    // Points out of 20, so the result is an exact two-decimal number.
    let mut points: i64 = 8;
    if c.explicit {
        points += 3;
    }
    points += match source {
        Some(DeadlineSource::Written) => 4,
        Some(DeadlineSource::Context | DeadlineSource::Term) => 3,
        Some(DeadlineSource::PlanPeriod) => 1,
        None => 0,
    };
    if section == SectionKind::Targets {
        points += 2;
    }
    if known.is_some() {
        points += 2;
    }
    let len = c.indicator.chars().count();
    if len < 2 {
        points -= 6;
    } else if len > 40 {
        points -= 2;
    }
    Decimal::new(points.clamp(1, 19) * 5, 2)
}

/// Places a rank is counted in (全省前10位, 世界第二).
const RANK_SCOPES: [&str; 7] = ["全国", "全省", "全市", "全区", "世界", "国内", "同类城市"];

/// Words before a rank that are neither the indicator nor the place (进入, 跃居 …).
const RANK_VERBS: [&str; 10] = [
    "进入",
    "跃居",
    "位居",
    "位列",
    "排名",
    "保持",
    "居",
    "达到",
    "提升至",
    "提升到",
];

/// A rank's head without its place and verb (…综合实力进入全省 → …综合实力).
fn rank_scope(head: &str) -> &str {
    let mut h = head;
    for _ in 0..2 {
        for w in RANK_SCOPES.iter().chain(RANK_VERBS.iter()) {
            if let Some(r) = h.strip_suffix(w) {
                h = r;
            }
        }
    }
    h
}

/// Money units: a money amount right before a noun names a kind of thing (10亿元以上的项目), not a target.
fn is_money_or_share(unit: &str) -> bool {
    unit.ends_with('元') || unit == "%" || unit.ends_with("美元")
}

/// Nouns that close an indicator measured without a unit (区域创新能力指数达到150以上).
const UNITLESS_NOUNS: [&str; 5] = ["指数", "指标值", "得分", "分值", "融合度"];

/// Reads one quantity of a clause as a target candidate, or `None` when it is not one.
#[allow(clippy::too_many_lines)]
fn read_candidate(
    clause: &str,
    clause_abs: usize,
    f: &FoundQuantity,
    section: SectionKind,
    deadline_known: bool,
    pending_relative: Option<&(String, Span)>,
    inherit: &Inherit,
) -> Option<Candidate> {
    let q = &f.quantity;
    let before = &clause[..f.start];
    let after = &clause[f.end..];
    // A money amount or share that qualifies a noun (超30亿元或3亿美元项目, 10亿元以上的重大技改项目, 十亿元企业)
    // is a threshold, not a target.
    if is_money_or_share(&q.unit)
        && (["项目", "企业", "的", "或", "规模", "级"]
            .iter()
            .any(|w| after.starts_with(w)))
    {
        return None;
    }
    // Document numbers (12号), sessions (十三届), batches.
    if after.starts_with(['号', '届', '次', '期', '版', '批', '轮']) {
        return None;
    }
    // A rank: 前10位, 前三名, 前3水平, 第15位, 世界第二, 18名以内.
    let before_rank = before.strip_suffix('前').or_else(|| before.strip_suffix('第'));
    let is_rank_place =
        |h: &str| RANK_SCOPES.iter().any(|w| h.ends_with(w)) || RANK_VERBS.iter().any(|w| h.ends_with(w));
    let rank = match before_rank {
        Some(h)
            if before.ends_with('前')
                && (matches!(q.unit.as_str(), "位" | "名")
                    || q.unit.is_empty()
                        && ["水平", "行列", "位次"].iter().any(|w| after.starts_with(w))) =>
        {
            Some(h)
        }
        Some(h)
            if before.ends_with('第') && matches!(q.unit.as_str(), "位" | "名" | "") && is_rank_place(h) =>
        {
            Some(h)
        }
        _ if matches!(q.unit.as_str(), "名" | "位")
            && q.bound == Some(Bound::AtMost)
            && is_rank_place(before) =>
        {
            Some(before)
        }
        _ => None,
    };
    if rank.is_none() && before.ends_with('第') {
        return None;
    }
    if is_count_of_measures(&q.unit, after, before) {
        return None;
    }
    // A Chinese numeral counts things in prose (五个方面, 一批, 三大); only with a scale (一百亿元) or right after a
    // comparator verb is it a value.
    let chinese_without_scale =
        q.numeral == Numeral::Chinese && q.normalized_value == q.value && !q.unit.contains('倍');

    // The relative change (翻一番, 增加一倍) of the subject before it.
    let is_relative = q.numeral == Numeral::Doubling
        || (q.unit == "倍" && RELATIVE_CHANGE.iter().any(|w| clause[..f.end].ends_with(w)));
    if is_relative {
        let verb_len = ["增加", "增长", "提高", "实现", "比"]
            .iter()
            .find(|w| before.ends_with(*w))
            .map_or(0, |w| w.len());
        let mut subject = strip_openers(&before[..before.len() - verb_len])
            .trim()
            .to_owned();
        // 比2015年翻一番: the base (a year, 上年, 基期) is not part of the subject; 比重 is.
        if let Some(p) = base_of_comparison(&subject) {
            subject.truncate(p);
        }
        let value_multiple = if q.numeral == Numeral::Doubling {
            q.value
        } else {
            q.value + Decimal::ONE
        };
        let mut found = f.clone();
        found.quantity.value = value_multiple;
        found.quantity.normalized_value = value_multiple;
        found.quantity.unit = "倍".to_owned();
        found.quantity.normalized_unit = "倍".to_owned();
        return Some(Candidate {
            indicator: subject.clone(),
            comparator: Comparator::Multiple,
            comparator_text: clause[f.start..f.end].to_owned(),
            found,
            span: Span {
                start: clause_abs + (clause.len() - clause.trim_start_matches([',', ' ']).len()),
                end: clause_abs + f.end,
            },
            explicit: true,
            relative_subject: Some(subject),
            carried: false,
            dropped: false,
            base_comparator: Comparator::Multiple,
            continued: false,
            leading: false,
            action: false,
            value_abs: 0,
        });
    }

    // Comparator right before the value.
    let mut comparator = None;
    let mut comparator_text = String::new();
    let mut head = before;
    if let Some(h) = rank {
        comparator = Some(Comparator::RankAtMost);
        comparator_text = if before.ends_with('前') {
            format!("前{}", q.unit)
        } else if before.ends_with('第') {
            format!("第{}", q.unit)
        } else {
            format!("{}以内", q.unit)
        };
        // …综合实力进入全省前3位: neither the place nor the verb is part of the indicator.
        head = rank_scope(h);
    } else {
        let h = before.strip_suffix('了').unwrap_or(before);
        if let Some(&(w, c)) = VERBS_BEFORE.iter().find(|(w, _)| h.ends_with(w)) {
            // 为 and 是 count only as a verb of their own (not 作为, 成为, 但是).
            let ok = !matches!(w, "为" | "是")
                || !["作为", "成为", "但是", "就是", "认为", "还是"]
                    .iter()
                    .any(|x| h.ends_with(x));
            if ok {
                comparator = Some(c);
                comparator_text = w.to_owned();
                head = &h[..h.len() - w.len()];
            }
        }
    }
    let verb_before = comparator.is_some();
    // 要突破, 将达到, 力争达到: the auxiliary is not part of the indicator.
    let mut head = head.trim_end_matches(['要', '将']);
    for w in ["力争", "争取", "努力", "确保", "力求"] {
        head = head.strip_suffix(w).unwrap_or(head);
    }
    let stripped = strip_openers(head).trim();
    let mut indicator = stripped.to_owned();
    // Leading verb: 做实产业技术研究院5家, 新增高新技术企业606家, 每年新增高新技术企业200家 (per year).
    let per_year = ["每年", "年均"]
        .iter()
        .find(|p| head.trim_start_matches([',', ' ', '、']).contains(*p) && stripped.len() < head.len())
        .copied();
    // 在全市遴选500家…: the place before a verb of action is not the indicator either.
    let after_period = [
        "在全市",
        "在全省",
        "在全区",
        "在全县",
        "全市",
        "全省",
        "全区",
        "全县",
    ]
    .iter()
    .find_map(|p| {
        let r = strip_openers(stripped.strip_prefix(p)?.trim_start_matches(['将', '要']));
        LEADING_VERBS
            .iter()
            .map(|(w, _)| *w)
            .chain(ACTION_VERBS)
            .any(|w| r.starts_with(w))
            .then_some(r)
    })
    .unwrap_or(stripped);
    let mut leading = false;
    let mut action = false;
    if comparator.is_none()
        && let Some(&(w, c)) = LEADING_VERBS.iter().find(|(w, _)| after_period.starts_with(w))
    {
        comparator = Some(c);
        comparator_text = format!("{}{w}", per_year.unwrap_or(""));
        indicator = after_period[w.len()..].trim().to_owned();
        leading = true;
        action = true;
    } else if comparator.is_none()
        && let Some(w) = ACTION_VERBS.iter().find(|w| after_period.starts_with(*w))
    {
        comparator_text = (*w).to_owned();
        indicator = after_period[w.len()..].trim().to_owned();
        leading = true;
        action = true;
    } else if let Some(w) = LEADING_VERBS
        .iter()
        .map(|(w, _)| *w)
        .chain(ACTION_VERBS)
        .find(|w| after_period.starts_with(*w))
        && verb_before
    {
        // 新增高新技术企业达到20家: the verb before the value decides; the leading verb is not the indicator's.
        indicator = after_period[w.len()..].trim().to_owned();
    }
    if let Some(p) = per_year
        && leading
        && !indicator.is_empty()
    {
        indicator = format!("{indicator}({p})");
    }
    // The next items of a list share its verb (建成省级重点实验室2家、新型研发机构1家; …1家,市级重点实验室1家).
    if comparator.is_none()
        && !action
        && let Some((c, words)) = &inherit.list
    {
        comparator = Some(*c);
        comparator_text.clone_from(words);
        leading = true;
        action = true;
    }
    if chinese_without_scale && comparator.is_none() && !action {
        return None;
    }
    let mut indicator_after = "";
    if indicator.is_empty() && pending_relative.is_none() {
        // Value first, then what it counts: 建成200家行业一流的企业研发机构.
        indicator_after = trailing_object(after);
    } else if comparator.is_none() && VERBS_AFTER.iter().any(|v| after.starts_with(v)) {
        // A value followed by what it measures: 规模以上科技型工业企业100%建有研发机构.
        indicator_after = trailing_object(after);
    }
    indicator.push_str(indicator_after);
    // A second value of the sentence for the same subject (增长6%以上,冲刺1500亿元; 确保超过6000万元、争取7000万元).
    if indicator.is_empty()
        && pending_relative.is_none()
        && let Some(prev) = inherit.indicator.as_ref().or(inherit.subject.as_ref())
    {
        indicator.clone_from(prev);
        action = true;
    }
    // A share stated with 占 but no verb (新增高企占全市40%) is a statement of fact; a ratio with its name
    // (比重3.4%以上, 占比45%) is a target when the sentence says so.
    if !verb_before && !action {
        let t = before.trim_end();
        let share_word = ["比重", "占比", "比例", "之比", "强度", "覆盖率", "建有率"]
            .iter()
            .any(|w| t.ends_with(w));
        if !share_word && (before.contains('占') || t.ends_with('比') || t.ends_with('较')) {
            return None;
        }
    }
    // The unit: a bare scale (研发投入达到50亿以上) is money or a count only with a comparator; no unit at all only for
    // an index (指数达到150) or a rank.
    let explicit_word = comparator.is_some() || q.bound.is_some();
    if !is_target_unit(&q.unit) {
        let bare_scale = matches!(
            q.unit.as_str(),
            "亿" | "千亿" | "百亿" | "十亿" | "万" | "十万" | "百万" | "千万"
        );
        let index = q.unit.is_empty()
            && UNITLESS_NOUNS
                .iter()
                .any(|w| indicator.trim_end_matches("的").ends_with(w));
        let ok =
            (bare_scale && explicit_word) || (index && verb_before) || (rank.is_some() && q.unit.is_empty());
        if !ok {
            return None;
        }
    }
    // The bound after the value decides or sharpens the comparator.
    let explicit = explicit_word || action;
    let base = comparator.unwrap_or(Comparator::Equal);
    let comparator = match (base, q.bound) {
        (Comparator::Decrease, Some(Bound::AtLeast)) => Comparator::DecreaseAtLeast,
        (Comparator::RankAtMost, _) => Comparator::RankAtMost,
        (b, bound) => with_bound(b, bound),
    };
    if let Some(b) = q.bound {
        let word = match b {
            Bound::AtLeast => "以上",
            Bound::About => "左右",
            Bound::MoreThan => "余",
            Bound::AtMost => "以内",
        };
        if !comparator_text.contains(word) {
            comparator_text = if comparator_text.is_empty() {
                word.to_owned()
            } else {
                format!("{comparator_text}…{word}")
            };
        }
    }
    // Growth and decrease need a rate; a level needs no 增长 in its unit.
    if (comparator.is_growth() || matches!(comparator, Comparator::Decrease | Comparator::DecreaseAtLeast))
        && q.unit != "%"
        && q.unit != "个百分点"
    {
        return None;
    }
    // Span of the evidence: from the clause's start (or the carried-over subject) to the end of the value and the
    // words that complete it.
    let lead_ws = clause.len() - clause.trim_start_matches([',', ' ', ':']).len();
    let mut span = Span {
        start: clause_abs + lead_ws,
        end: clause_abs + f.end + indicator_after_len(after, indicator_after),
    };
    // 三年累计突破1000个 after 国家科技计划项目批准数量翻一番: carry the subject over.
    let mut carried = false;
    if let Some((subject, rel_span)) = pending_relative
        && is_modifier(&indicator)
    {
        carried = true;
        let modifier = indicator.trim().to_owned();
        indicator = if modifier.is_empty() {
            subject.clone()
        } else {
            format!("{subject}({modifier})")
        };
        span.start = rel_span.start;
    }
    // A rate keeps its noun (技术合同成交额增速): the verb 达 goes, 增速 stays.
    if comparator.is_growth()
        && !carried
        && let Some(noun) = ["年均增长率", "年均增速", "年均增长", "增长率", "增速", "增幅"]
            .iter()
            .find(|n| comparator_text.starts_with(*n))
    {
        indicator.push_str(noun);
    }
    let indicator = truncate_indicator(indicator.trim().trim_end_matches('的'));
    if indicator.chars().count() < 2 && !(section == SectionKind::Targets && deadline_known) {
        return None;
    }
    Some(Candidate {
        indicator,
        comparator,
        comparator_text,
        found: f.clone(),
        span,
        explicit,
        relative_subject: None,
        carried,
        dropped: false,
        base_comparator: base,
        continued: false,
        leading,
        action,
        value_abs: 0,
    })
}

/// Byte offset of a base of comparison (`比2015年`, `比上年`, `较基期`) in a phrase.
fn base_of_comparison(phrase: &str) -> Option<usize> {
    phrase.char_indices().rev().find_map(|(i, c)| {
        let rest = &phrase[i + c.len_utf8()..];
        let is_base = matches!(c, '比' | '较')
            && (rest.starts_with(|d: char| d.is_ascii_digit())
                || ["上年", "去年", "基期", "十二五", "十三五", "十四五", "“十"]
                    .iter()
                    .any(|w| rest.starts_with(w)));
        is_base.then_some(i)
    })
}

fn indicator_after_len(after: &str, indicator_after: &str) -> usize {
    if indicator_after.is_empty() {
        return 0;
    }
    after
        .find(indicator_after)
        .map_or(0, |p| p + indicator_after.len())
}

/// Keeps the last 60 characters of an over-long phrase (the head noun is at the end in Chinese).
fn truncate_indicator(s: &str) -> String {
    let n = s.chars().count();
    if n <= 60 {
        s.to_owned()
    } else {
        s.chars().skip(n - 60).collect()
    }
}

#[cfg(test)]
mod tests;
