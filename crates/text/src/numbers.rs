//! Quantities as Chinese policy texts and spreadsheets write them (数量): Arabic and Chinese numerals, scales
//! (万, 亿, 万亿, 千亿), units (家, 人, 亿元, %), bounds (以上, 左右, 以内, 约, 多/余) → an exact [`Decimal`]
//! with the unit as written and normalised.
//!
//! chinese-number 0.8 reads plain Chinese integers right but reads `一万二` as 10002 (colloquially it is 12000),
//! cannot read decimals (`一点五`) and cannot read mixed forms (`1.2万`, `3,500万元`) — see stack.md §3.12. So
//! this module has its own grammar; chinese-number is used only as a fallback for pure-Chinese integers our
//! grammar does not cover (large scales such as 兆), where it is right, and as the oracle of the property tests.

use rust_decimal::Decimal;

/// A bound written around a number (`15人以上`, `90%左右`, `约300`, `5000余家`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// 以上 / 不少于 — at least.
    AtLeast,
    /// 多 / 余 — a little more than.
    MoreThan,
    /// 左右 / 约 / 近 — about.
    About,
    /// 以内 / 以下 — at most.
    AtMost,
}

/// How the number itself is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Numeral {
    Arabic,
    Chinese,
    /// 翻一番, 翻两番: a multiple written as doubling.
    Doubling,
}

/// A number with its unit (数量): `3万家` is value 3, unit `万家`, normalised 30000 `家`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Quantity {
    /// The number as written, without the scale that belongs to the unit (3 in `3万家`, 100 in `一百亿元`).
    pub value: Decimal,
    /// The unit as written, scale included (`万家`, `亿元`, `%`, `人`; empty when none).
    pub unit: String,
    /// `value` times the scale (30000 for `3万家`).
    pub normalized_value: Decimal,
    /// The unit without its scale (`家`, `元`, `%`).
    pub normalized_unit: String,
    pub bound: Option<Bound>,
    pub numeral: Numeral,
    /// The upper end of a range written `3—5个`, `3至5家`, `3~5家` (`value` is the lower end), as written.
    pub high: Option<Decimal>,
}

/// A quantity found in a text, with its byte span (number, scale, unit and bound words included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundQuantity {
    pub start: usize,
    pub end: usize,
    /// Byte offset where the number proper starts (after a leading `约`/`百分之`), for context checks.
    pub number_start: usize,
    pub quantity: Quantity,
}

/// A cell or phrase that is not one quantity (数值无法识别).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("不是数值:「{0}」 / not a number: \"{0}\"")]
    NotANumber(String),
    #[error("数值后有多余内容:「{0}」 / unexpected text after the number: \"{0}\"")]
    Trailing(String),
    #[error("数值超出范围:「{0}」 / number out of range: \"{0}\"")]
    OutOfRange(String),
}

/// The longest Chinese numeral read (characters).
const MAX_NUMERAL_CHARS: usize = 24;

/// Scales, longest first, with their power of ten.
const SCALES: [(&str, u32); 11] = [
    ("万亿", 12),
    ("千亿", 11),
    ("百亿", 10),
    ("十亿", 9),
    ("亿", 8),
    ("千万", 7),
    ("百万", 6),
    ("十万", 5),
    ("万", 4),
    ("千", 3),
    ("百", 2),
];

/// Units after the number (and its scale), longest first where one is a prefix of another.
const UNITS: [&str; 44] = [
    "个百分点",
    "百分点",
    "平方公里",
    "平方米",
    "亿美元",
    "万美元",
    "美元",
    "亿元",
    "万元",
    "千元",
    "元",
    "公里",
    "千米",
    "公顷",
    "万吨",
    "吨",
    "人次",
    "人年",
    "台次",
    "批次",
    "%",
    "‰",
    "家",
    "个",
    "人",
    "名",
    "位",
    "件",
    "项",
    "所",
    "座",
    "台",
    "套",
    "户",
    "支",
    "篇",
    "部",
    "条",
    "场",
    "处",
    "倍",
    "亩",
    "种",
    "类",
];

/// Units whose first character is itself a scale (`万元`, `亿元`): the scale is in the unit, not the number.
fn unit_scale(unit: &str) -> (u32, &str) {
    match unit {
        "亿美元" => (8, "美元"),
        "万美元" => (4, "美元"),
        "亿元" => (8, "元"),
        "万元" => (4, "元"),
        "千元" => (3, "元"),
        "万吨" => (4, "吨"),
        "个百分点" => (0, "百分点"),
        _ => (0, unit),
    }
}

fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' | '貳' | '兩' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// Power of ten of a Chinese unit character (十 1, 百 2, 千 3, 万 4, 亿 8).
fn chinese_unit(c: char) -> Option<u32> {
    Some(match c {
        '十' | '拾' => 1,
        '百' | '佰' => 2,
        '千' | '仟' => 3,
        '万' | '萬' => 4,
        '亿' | '億' => 8,
        _ => return None,
    })
}

fn is_chinese_numeral_char(c: char) -> bool {
    chinese_digit(c).is_some() || chinese_unit(c).is_some() || c == '点'
}

fn pow10(exp: u32) -> Decimal {
    let mut d = Decimal::ONE;
    for _ in 0..exp {
        d *= Decimal::TEN;
    }
    d
}

/// Reads a Chinese integer such as `一千二百万`, `三亿零五百`, `十万零三`, and the colloquial tails `一万二`
/// (12000), `一百二` (120), `两千三` (2300).
pub fn parse_chinese_integer(s: &str) -> Option<Decimal> {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return None;
    }
    // Digit strings (二〇二五, 一二三) read digit by digit.
    if chars.len() > 1
        && chars.iter().all(|&c| chinese_digit(c).is_some())
        && (chars.contains(&'〇') || chars.len() >= 3)
    {
        let mut v = Decimal::ZERO;
        for c in &chars {
            v = v
                .checked_mul(Decimal::TEN)?
                .checked_add(Decimal::from(chinese_digit(*c)?))?;
        }
        return Some(v);
    }
    let mut total = Decimal::ZERO; // completed 亿 sections
    let mut section = Decimal::ZERO; // below 亿: completed 万 part
    let mut small = Decimal::ZERO; // below 万
    let mut digit: Option<u32> = None;
    let mut last_unit: Option<u32> = None; // power of the unit just read, for the colloquial tail
    let mut saw_zero = false;
    for (i, &c) in chars.iter().enumerate() {
        if let Some(d) = chinese_digit(c) {
            if digit.is_some() {
                return None; // two digits in a row outside a digit string
            }
            if d == 0 {
                saw_zero = true;
                continue;
            }
            digit = Some(d);
            continue;
        }
        let unit = chinese_unit(c)?;
        match unit {
            1..=3 => {
                // 十 alone (or at the start) means 一十.
                let d = digit.take().unwrap_or(if i == 0 || unit == 1 { 1 } else { 0 });
                if d == 0 {
                    return None;
                }
                small = small.checked_add(Decimal::from(d).checked_mul(pow10(unit))?)?;
            }
            4 => {
                let part = small.checked_add(Decimal::from(digit.take().unwrap_or(0)))?;
                let part = if part.is_zero() { Decimal::ONE } else { part };
                section = section.checked_add(part.checked_mul(pow10(4))?)?;
                small = Decimal::ZERO;
            }
            _ => {
                let part = section
                    .checked_add(small)?
                    .checked_add(Decimal::from(digit.take().unwrap_or(0)))?;
                let part = if part.is_zero() { Decimal::ONE } else { part };
                total = total.checked_add(part.checked_mul(pow10(8))?)?;
                section = Decimal::ZERO;
                small = Decimal::ZERO;
            }
        }
        last_unit = Some(unit);
        saw_zero = false;
    }
    if let Some(d) = digit {
        // A trailing digit right after a unit, with no 零 between, is the colloquial tail: 一万二 = 一万二千.
        let tail_power = match (last_unit, saw_zero) {
            (Some(u), false) if u >= 2 => match u {
                2 => 1,
                3 => 2,
                4 => 3,
                _ => 7,
            },
            _ => 0,
        };
        small = small.checked_add(Decimal::from(d).checked_mul(pow10(tail_power))?)?;
    }
    total.checked_add(section)?.checked_add(small)
}

/// Reads a Chinese number with an optional decimal part (`一点五`, `三点一四`, `二十五`).
pub fn parse_chinese_number(s: &str) -> Option<Decimal> {
    match s.split_once('点') {
        None => parse_chinese_integer(s).or_else(|| fallback_chinese_number(s)),
        Some((int, frac)) => {
            let int = if int.is_empty() {
                Decimal::ZERO
            } else {
                parse_chinese_integer(int)?
            };
            if frac.is_empty() {
                return None;
            }
            let mut v = int;
            let mut scale = Decimal::ONE;
            for c in frac.chars() {
                scale /= Decimal::TEN;
                v = v.checked_add(Decimal::from(chinese_digit(c)?).checked_mul(scale)?)?;
            }
            Some(v)
        }
    }
}

/// chinese-number for pure-Chinese integers our grammar rejects; it is right on those (formal and large forms).
fn fallback_chinese_number(s: &str) -> Option<Decimal> {
    use chinese_number::{ChineseCountMethod, ChineseToNumber};
    let n: u64 = s.to_number(ChineseCountMethod::TenThousand).ok()?;
    Some(Decimal::from(n))
}

/// Reads one quantity that fills the whole string (a spreadsheet cell, a form field): `1.2万`, `3,500万元`,
/// `12.5%`, `一万二`, `约300`, `１２３`, `百分之二十五`, `15人以上`. `—`, `-`, `/` and blanks mean "no value"
/// (`Ok(None)`).
pub fn parse_quantity(s: &str) -> Result<Option<Quantity>, NumberError> {
    let folded: String = s.trim().chars().map(crate::normalize::fold_char).collect();
    let t = folded.trim();
    if t.is_empty() || matches!(t, "—" | "——" | "-" | "--" | "/" | "无" | "－") {
        return Ok(None);
    }
    match scan_at(t, 0) {
        Some(found) if found.start == 0 && found.end == t.len() => Ok(Some(found.quantity)),
        Some(found) if found.start == 0 => Err(NumberError::Trailing(t[found.end..].to_owned())),
        _ => Err(NumberError::NotANumber(t.to_owned())),
    }
}

/// Every quantity in a (normalised) text, left to right, not overlapping.
pub fn find_quantities(text: &str) -> Vec<FoundQuantity> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        let starts_number = c.is_ascii_digit() || is_chinese_numeral_char(c) || c == '翻' || c == '约';
        if starts_number && let Some(f) = scan_at(text, i) {
            i = f.end.max(i + c.len_utf8());
            found.push(f);
            continue;
        }
        // Skip the rest of an Arabic number or numeral run that did not make a quantity, so that `2018` does not
        // yield `018`.
        let mut j = i + c.len_utf8();
        if c.is_ascii_digit() {
            while text[j..].starts_with(|ch: char| ch.is_ascii_digit() || ch == '.') {
                j += 1;
            }
        } else if is_chinese_numeral_char(c) {
            // Likewise a numeral run (一般, 统一, 十三五): rescanning its tail would make long runs quadratic.
            while let Some(ch) = text[j..].chars().next().filter(|&ch| is_chinese_numeral_char(ch)) {
                j += ch.len_utf8();
            }
        }
        i = j;
    }
    found
}

/// Tries to read a quantity starting exactly at byte `start` of `text`.
fn scan_at(text: &str, start: usize) -> Option<FoundQuantity> {
    let mut pos = start;
    let mut bound = None;
    if let Some(after) = text[pos..].strip_prefix('约') {
        bound = Some(Bound::About);
        pos = text.len() - after.len();
    }
    // 翻一番 / 翻两番 / 翻番: doubling, as a multiple of the base.
    let rest = &text[pos..];
    let first = rest.chars().next()?;
    for (word, times) in [("翻一番", 2u32), ("翻两番", 4), ("翻三番", 8), ("翻番", 2)] {
        if first == '翻' && rest.starts_with(word) {
            let value = Decimal::from(times);
            return Some(FoundQuantity {
                start,
                end: pos + word.len(),
                number_start: pos,
                quantity: Quantity {
                    value,
                    unit: "倍".to_owned(),
                    normalized_value: value,
                    normalized_unit: "倍".to_owned(),
                    bound,
                    numeral: Numeral::Doubling,
                    high: None,
                },
            });
        }
    }
    // 百分之二十五, 百分之12
    if let Some(after) = rest.strip_prefix("百分之").filter(|_| first == '百') {
        let number_start = text.len() - after.len();
        let (value, len, numeral) = read_number(after)?;
        let mut end = number_start + len;
        let tail_bound = read_bound_suffix(&text[end..]);
        if let Some((b, l)) = tail_bound {
            bound = Some(b);
            end += l;
        }
        return Some(FoundQuantity {
            start,
            end,
            number_start: pos,
            quantity: Quantity {
                value,
                unit: "%".to_owned(),
                normalized_value: value,
                normalized_unit: "%".to_owned(),
                bound,
                numeral,
                high: None,
            },
        });
    }
    let number_start = pos;
    let (value, len, numeral) = read_number(rest)?;
    pos += len;
    // 3—5个, 3至5家, 3~5家: a range; the unit after the second number belongs to both.
    let mut high = None;
    if let Some((h, l)) = read_range_end(&text[pos..], numeral) {
        high = Some(h);
        pos += l;
    }
    // 100多家, 5000余家: "more than", between the number and its unit.
    if let Some(after) = text[pos..]
        .strip_prefix('多')
        .or_else(|| text[pos..].strip_prefix('余'))
    {
        bound = Some(Bound::MoreThan);
        pos = text.len() - after.len();
    }
    // Scale (only after Arabic numbers: a Chinese numeral already took its 万/亿 in read_number).
    let mut scale_word = "";
    let mut scale_pow = 0;
    if numeral == Numeral::Arabic {
        for (w, p) in SCALES {
            if text[pos..].starts_with(w) {
                // `3万家` yes; but `5千米` is a unit (千米), not a scale.
                let after = &text[pos + w.len()..];
                if w == "千" && (after.starts_with('米') || after.starts_with('元'))
                    || w == "百" && after.starts_with('分')
                {
                    continue;
                }
                scale_word = w;
                scale_pow = p;
                pos += w.len();
                break;
            }
        }
    }
    let mut unit_word = "";
    for u in UNITS {
        if text[pos..].starts_with(u) && !unit_is_word_start(u, &text[pos + u.len()..]) {
            unit_word = u;
            pos += u.len();
            break;
        }
    }
    if let Some((b, l)) = read_bound_suffix(&text[pos..]) {
        bound = Some(b);
        pos += l;
    }
    let (chinese_scale_word, chinese_scale_pow, value) = if numeral == Numeral::Chinese {
        split_chinese_scale(&text[number_start..number_start + len], value)
    } else {
        ("", 0, value)
    };
    let (unit_pow, normalized_unit) = unit_scale(unit_word);
    let total_pow = scale_pow + chinese_scale_pow + unit_pow;
    let normalized_value = value.checked_mul(pow10(total_pow))?;
    let unit = format!("{chinese_scale_word}{scale_word}{unit_word}");
    let high = match high {
        Some(h) if h > value => Some(h),
        _ => None,
    };
    Some(FoundQuantity {
        start,
        end: pos,
        number_start,
        quantity: Quantity {
            value,
            unit,
            normalized_value,
            normalized_unit: normalized_unit.to_owned(),
            bound,
            numeral,
            high,
        },
    })
}

/// The second number of a range right after a first one: `—5`, `-5`, `~5`, `至5`, `到5` (same kind of numeral).
/// Returns its value and the bytes read. `2018—2020` is read too (a year range has no unit and is never a
/// target value).
fn read_range_end(s: &str, numeral: Numeral) -> Option<(Decimal, usize)> {
    for sep in ["——", "—", "–", "-", "~", "〜", "至", "到"] {
        if let Some(rest) = s.strip_prefix(sep) {
            let (v, l, n) = read_number(rest)?;
            return (n == numeral).then_some((v, sep.len() + l));
        }
    }
    None
}

/// A unit character that here starts a word instead (`3亿支持` is 3 亿 and then 支持, not 3 亿支; `5项目` is not
/// 5 项): the characters after the unit decide.
fn unit_is_word_start(unit: &str, after: &str) -> bool {
    let next = after.chars().next();
    let follows = |cs: &[char]| next.is_some_and(|c| cs.contains(&c));
    match unit {
        "支" => follows(&['持', '撑', '付', '出', '援', '柱']),
        "项" => follows(&['目']),
        "部" => follows(&['门', '署', '分', '委']),
        "条" => follows(&['件', '例']),
        "台" => follows(&['阶', '账']),
        "处" => follows(&['理', '置']),
        "所" => follows(&['属', '得', '在', '有']),
        "场" => follows(&['景', '所', '地', '馆']),
        "名" => follows(&['单', '称', '牌', '义']),
        "位" => follows(&['置', '于', '列', '居']),
        "类" => follows(&['型', '似']),
        "种" => follows(&['植', '养', '子', '业']),
        "个" => follows(&['人', '体', '性']),
        _ => false,
    }
}

/// For a Chinese numeral ending in a scale (`一百亿`, `十万`, `千亿`), splits the scale off into the unit:
/// returns (scale as written, its power, the value without it).
fn split_chinese_scale(numeral: &str, value: Decimal) -> (&'static str, u32, Decimal) {
    for (w, p) in [("万亿", 12u32), ("亿", 8), ("万", 4)] {
        if let Some(head) = numeral.strip_suffix(w)
            && !head.is_empty()
            && !head.ends_with(['万', '亿'])
            && let Some(v) = parse_chinese_number(head)
        {
            return (w, p, v);
        }
    }
    ("", 0, value)
}

/// Reads the number proper at the start of `s`: Arabic (`1,000`, `2.5`, `１２`) or Chinese (`一百`, `一点五`).
/// Returns the value, the byte length read and the kind.
fn read_number(s: &str) -> Option<(Decimal, usize, Numeral)> {
    let first = s.chars().next()?;
    if first.is_ascii_digit() {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        // Thousands separators: `1,000`, `12,345,678` — exactly three digits after each comma.
        let int_len = i;
        while i + 3 < bytes.len() + 1
            && bytes.get(i) == Some(&b',')
            && int_len <= 3
            && bytes
                .get(i + 1..i + 4)
                .is_some_and(|g| g.iter().all(u8::is_ascii_digit))
            && !bytes.get(i + 4).is_some_and(u8::is_ascii_digit)
        {
            i += 4;
        }
        if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
        let digits: String = s[..i].chars().filter(|&c| c != ',').collect();
        let value: Decimal = digits.parse().ok()?;
        return Some((value, i, Numeral::Arabic));
    }
    if !is_chinese_numeral_char(first) || first == '点' {
        return None;
    }
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if is_chinese_numeral_char(c) {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    // No numeral is longer than this (九千九百九十九万亿…); a longer run is prose or noise.
    if s[..end].chars().count() > MAX_NUMERAL_CHARS {
        return None;
    }
    let mut run = &s[..end];
    // A trailing 点 is the text's (一点, 重点), never the number's.
    while let Some(r) = run.strip_suffix('点') {
        run = r;
    }
    // Without a digit, only 十… (十五, 十万) and a small unit before a scale (千亿, 百万) are numbers: a lone 万
    // (每万人), 百 (百姓) or 千 (千方百计) is not.
    if !run.chars().any(|c| chinese_digit(c).is_some()) {
        let mut cs = run.chars();
        let ok = matches!(
            (cs.next(), cs.next()),
            (Some('十' | '拾'), _) | (Some('千' | '百' | '仟' | '佰'), Some('万' | '亿' | '萬' | '億'))
        );
        if !ok {
            return None;
        }
    }
    let value = parse_chinese_number(run)?;
    Some((value, run.len(), Numeral::Chinese))
}

/// 以上 / 以下 / 以内 / 左右 right after a quantity.
fn read_bound_suffix(s: &str) -> Option<(Bound, usize)> {
    for (w, b) in [
        ("以上", Bound::AtLeast),
        ("左右", Bound::About),
        ("以内", Bound::AtMost),
        ("以下", Bound::AtMost),
    ] {
        if s.starts_with(w) {
            return Some((b, w.len()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn q(s: &str) -> Quantity {
        parse_quantity(s).unwrap().unwrap()
    }

    #[test]
    fn percent_with_decimals() {
        let x = q("2.5%");
        assert_eq!((x.value, x.unit.as_str()), (dec!(2.5), "%"));
        assert_eq!(x.normalized_value, dec!(2.5));
    }

    #[test]
    fn people_at_least() {
        let x = q("15人以上");
        assert_eq!(
            (x.value, x.unit.as_str(), x.bound),
            (dec!(15), "人", Some(Bound::AtLeast))
        );
    }

    #[test]
    fn enterprises_as_a_plain_count() {
        let x = q("50家");
        assert_eq!(
            (x.value, x.unit.as_str(), x.normalized_unit.as_str()),
            (dec!(50), "家", "家")
        );
    }

    #[test]
    fn chinese_hundred_yi_yuan() {
        let x = q("一百亿元");
        assert_eq!((x.value, x.unit.as_str()), (dec!(100), "亿元"));
        assert_eq!(
            (x.normalized_value, x.normalized_unit.as_str()),
            (dec!(10000000000), "元")
        );
        assert_eq!(x.numeral, Numeral::Chinese);
    }

    #[test]
    fn arabic_with_wan_yi() {
        let x = q("1.2万亿");
        assert_eq!((x.value, x.unit.as_str()), (dec!(1.2), "万亿"));
        assert_eq!(x.normalized_value, dec!(1200000000000));
    }

    #[test]
    fn bare_qian_yi() {
        let x = q("千亿");
        assert_eq!((x.value, x.unit.as_str()), (dec!(1000), "亿"));
        assert_eq!(x.normalized_value, dec!(100000000000));
    }

    #[test]
    fn wan_jia_stays_as_written() {
        let x = q("3万家");
        assert_eq!((x.value, x.unit.as_str()), (dec!(3), "万家"));
        assert_eq!(
            (x.normalized_value, x.normalized_unit.as_str()),
            (dec!(30000), "家")
        );
    }

    #[test]
    fn two_times_and_doubling() {
        let x = q("两倍");
        assert_eq!((x.value, x.unit.as_str()), (dec!(2), "倍"));
        let x = q("翻一番");
        assert_eq!(
            (x.value, x.unit.as_str(), x.numeral),
            (dec!(2), "倍", Numeral::Doubling)
        );
        assert_eq!(q("翻两番").value, dec!(4));
    }

    #[test]
    fn percent_written_in_words() {
        let x = q("百分之二十五");
        assert_eq!((x.value, x.unit.as_str()), (dec!(25), "%"));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(q("1,000").value, dec!(1000));
        let x = q("3,500万元");
        assert_eq!(
            (x.value, x.unit.as_str(), x.normalized_value),
            (dec!(3500), "万元", dec!(35000000))
        );
        assert_eq!(q("12,345,678").value, dec!(12345678));
    }

    #[test]
    fn colloquial_wan_er_is_twelve_thousand() {
        assert_eq!(q("一万二").value, dec!(12000));
        assert_eq!(q("一百二").value, dec!(120));
        assert_eq!(q("两千三").value, dec!(2300));
        assert_eq!(q("一亿五").value, dec!(150000000));
    }

    #[test]
    fn formal_chinese_integers() {
        assert_eq!(parse_chinese_integer("一千二百万"), Some(dec!(12000000)));
        assert_eq!(parse_chinese_integer("三亿零五百"), Some(dec!(300000500)));
        assert_eq!(parse_chinese_integer("十万零三"), Some(dec!(100003)));
        assert_eq!(parse_chinese_integer("十五"), Some(dec!(15)));
        assert_eq!(parse_chinese_integer("壹仟贰佰"), Some(dec!(1200)));
        assert_eq!(parse_chinese_integer("二〇二五"), Some(dec!(2025)));
        assert_eq!(parse_chinese_number("一点五"), Some(dec!(1.5)));
    }

    #[test]
    fn spreadsheet_forms() {
        assert_eq!(q("约300").bound, Some(Bound::About));
        assert_eq!(q("１２３").value, dec!(123));
        assert_eq!(q("12.5%").value, dec!(12.5));
        assert_eq!(q("5000余家").bound, Some(Bound::MoreThan));
        assert_eq!(q("90%左右").bound, Some(Bound::About));
        assert_eq!(parse_quantity("—"), Ok(None));
        assert_eq!(parse_quantity(" / "), Ok(None));
        assert_eq!(parse_quantity(""), Ok(None));
        assert!(matches!(parse_quantity("abc"), Err(NumberError::NotANumber(_))));
        assert!(matches!(
            parse_quantity("15家企业"),
            Err(NumberError::Trailing(_))
        ));
    }

    #[test]
    fn quantities_are_found_in_running_text() {
        let t = "高新技术企业达到20家,增速达25%,引进人才15人以上,营业收入达到1600亿元";
        let found: Vec<_> = find_quantities(t)
            .into_iter()
            .map(|f| (f.quantity.value, f.quantity.unit, &t[f.start..f.end]))
            .collect();
        assert_eq!(
            found,
            vec![
                (dec!(20), "家".to_owned(), "20家"),
                (dec!(25), "%".to_owned(), "25%"),
                (dec!(15), "人".to_owned(), "15人以上"),
                (dec!(1600), "亿元".to_owned(), "1600亿元"),
            ]
        );
    }

    #[test]
    fn a_year_is_one_number_not_its_tail() {
        let found = find_quantities("到2020年底");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].quantity.value, dec!(2020));
        assert_eq!(found[0].quantity.unit, "");
    }

    proptest! {
        /// Our reading of chinese-number's own rendering of n is n (chinese-number is the oracle here).
        #[test]
        fn chinese_integers_round_trip_through_chinese_number(n in 0u64..1_000_000_000_000u64) {
            use chinese_number::{ChineseCase, ChineseCountMethod, ChineseVariant, NumberToChinese};
            let s = n.to_chinese(ChineseVariant::Simple, ChineseCase::Lower, ChineseCountMethod::TenThousand).unwrap();
            prop_assert_eq!(parse_chinese_integer(&s), Some(Decimal::from(n)), "{}", s);
        }

        /// Arabic numbers with two decimals read back exactly, with or without a unit.
        #[test]
        fn arabic_decimals_are_exact(int in 0u32..10_000_000, frac in 0u32..100, unit in prop::sample::select(vec!["", "%", "家", "亿元", "万家"])) {
            let s = format!("{int}.{frac:02}{unit}");
            let x = parse_quantity(&s).unwrap().unwrap();
            prop_assert_eq!(x.value, Decimal::new(i64::from(int) * 100 + i64::from(frac), 2));
            prop_assert_eq!(x.unit, unit);
        }
    }
}
