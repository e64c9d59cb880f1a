//! The one reader of registry values written as text — by a form, a JSON property, or a file cell that holds
//! text — so that every path accepts and refuses exactly the same values. It is forgiving where people are
//! (full-width digits, thousands separators, a unit written into the cell, dates as `2020-01-05`, `2020/1/5` or
//! `2020年1月5日`) and strict where a rule is (no negative amounts, whole counts, known codes).
//!
//! Every reader returns the reason in Chinese and English; nothing here panics on any input (property tests
//! feed it arbitrary Unicode) and nothing slices text by byte position.

use std::borrow::Cow;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::field::{Field, FieldType, YEARS};
use super::vocab::Term;
use crate::Text;
use crate::period::Period;
use crate::plan::OrgUnitCode;
use crate::qualify::{IndustryCode, Uscc};

/// A value read from a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Text, codes, USCCs, org-unit, industry, element and department codes (canonical form).
    Text(String),
    /// A date.
    Date(Date),
    /// An amount or a number.
    Decimal(Decimal),
    /// A count or a year.
    Int(i64),
    /// A reporting period.
    Period(Period),
    /// A vocabulary term.
    Term(&'static Term),
}

/// What the readers need to know besides the text: which org units exist and the plan's departments and data
/// elements.
pub trait Lookup {
    /// Whether `code` (canonical) is a known org unit.
    fn has_org_unit(&self, code: &str) -> bool;
    /// The department id that `text` names (id, full or short name).
    fn department(&self, text: &str) -> Option<String>;
    /// The id of the observed data element that `text` names (id or Chinese name), or why not.
    fn element(&self, text: &str) -> Result<String, Text>;
}

/// White space including the ideographic space (全角空格), the no-break space and a byte-order mark.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}' || c == '\u{feff}'
}

/// Text without surrounding white space of any kind.
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Full-width digits, signs and separators to ASCII (１２３ → 123, ．→ ., ，→ ,).
pub fn halfwidth(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + u32::from(b'0')).unwrap_or(c),
                '．' | '。' => '.',
                '，' => ',',
                '－' | '—' | '–' => '-',
                '＋' => '+',
                '％' => '%',
                '／' => '/',
                '：' => ':',
                _ => c,
            })
            .collect(),
    )
}

/// Reads `raw` as a value of `field`: `Ok(None)` when blank (the caller decides whether it was required).
pub fn read(field: &Field, raw: &str, lookup: &dyn Lookup) -> Result<Option<Value>, Text> {
    let t = trim(raw);
    if t.is_empty() {
        return Ok(None);
    }
    let v = match field.ty {
        FieldType::Text { max_chars, multiline } => Value::Text(text(t, max_chars, multiline)?),
        FieldType::Code { max_chars } => Value::Text(text(t, max_chars, false)?),
        FieldType::Uscc => Value::Text(uscc(t)?.as_str().to_owned()),
        FieldType::OrgUnit => Value::Text(org_unit(t, lookup)?),
        FieldType::Date => Value::Date(date(t)?),
        FieldType::Amount => Value::Decimal(amount_wan(t)?),
        FieldType::Count => Value::Int(count(t)?),
        FieldType::Year => Value::Int(i64::from(year(t)?)),
        FieldType::Period => Value::Period(period(t)?),
        FieldType::Number => Value::Decimal(number(t)?),
        FieldType::Choice(vocab) => Value::Term(vocab.find(t).ok_or_else(|| {
            Text::new(
                format!("“{t}”不是可选值，应为{}之一", vocab.list_zh()),
                format!("“{t}” is not allowed: one of {}", vocab.list_en()),
            )
        })?),
        FieldType::Industry => Value::Text(
            IndustryCode::parse(&halfwidth(t))
                .map(|c| c.to_string())
                .map_err(|e| split(&e.to_string()))?,
        ),
        FieldType::Element => Value::Text(lookup.element(t)?),
        FieldType::Department => Value::Text(lookup.department(t).ok_or_else(|| {
            Text::new(
                format!("计划中没有部门“{t}”"),
                format!("no department “{t}” in the plan"),
            )
        })?),
    };
    Ok(Some(v))
}

/// Our error types print `中文 / English`; split such a message into its two languages.
pub fn split(message: &str) -> Text {
    match message.split_once(" / ") {
        Some((zh, en)) => Text::new(zh.trim(), en.trim()),
        None => Text::new(message, message),
    }
}

/// Free text: at most `max_chars` characters, no control characters (line breaks and tabs allowed in
/// multi-line text, with `\r\n` kept as `\n`).
pub fn text(t: &str, max_chars: usize, multiline: bool) -> Result<String, Text> {
    let n = t.chars().count();
    if n > max_chars {
        return Err(Text::new(
            format!("最多 {max_chars} 个字，现有 {n} 个"),
            format!("at most {max_chars} characters ({n} given)"),
        ));
    }
    let allowed = |c: char| multiline && (c == '\n' || c == '\t' || c == '\r');
    if t.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(Text::new("含有控制字符", "contains control characters"));
    }
    Ok(if multiline && t.contains('\r') {
        t.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        t.to_owned()
    })
}

/// A 统一社会信用代码: full-width characters and spaces removed, letters upper-cased.
pub fn uscc(t: &str) -> Result<Uscc, Text> {
    // Most codes arrive as written: 18 ASCII capitals and digits, nothing to normalise.
    let canonical: Cow<'_, str> = if t.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(
            halfwidth(t)
                .chars()
                .filter(|c| !is_space(*c))
                .collect::<String>()
                .to_uppercase(),
        )
    };
    Uscc::parse(&canonical).map_err(|e| split(&e.to_string()))
}

/// A known org unit's code.
pub fn org_unit(t: &str, lookup: &dyn Lookup) -> Result<String, Text> {
    let code = halfwidth(t);
    let code = trim(&code);
    if lookup.has_org_unit(code) {
        return Ok(code.to_owned());
    }
    let why = match OrgUnitCode::parse(code) {
        Ok(_) => Text::new(
            format!("未知的区划代码 {code}（先导入该区划，或检查代码）"),
            format!("unknown org-unit code {code} (import the org unit first, or check the code)"),
        ),
        Err(_) if code.chars().count() == 6 && code.chars().all(|c| c.is_ascii_digit()) => Text::new(
            format!("区划代码 {code} 的省级前两位不存在（GB/T 2260）"),
            format!("org-unit code {code}: no province has the prefix of its first two digits (GB/T 2260)"),
        ),
        Err(_) => Text::new(
            format!("区划代码应为6位数字（GB/T 2260）：“{code}”"),
            format!("an org-unit code has 6 digits (GB/T 2260): “{code}”"),
        ),
    };
    Err(why)
}

const COUNT_UNITS: [&str; 6] = ["家", "人", "项", "件", "个", "名"];

/// An amount in 万元 as written in government spreadsheets: full-width digits, thousands separators
/// (`1,234.5`), and a unit written in — `万元`/`万` (as is), `亿元`/`亿` (× 10 000), `千元` (÷ 10), `元`
/// (÷ 10 000). Negative amounts are refused.
pub fn amount_wan(t: &str) -> Result<Decimal, Text> {
    non_negative(written_number(t, true)?)
}

/// A count (家, 人, 项, 件): a whole number ≥ 0, optionally followed by its unit word.
pub fn count(t: &str) -> Result<i64, Text> {
    whole(non_negative(written_number(t, false)?)?)
}

/// A whole decimal as an integer.
pub fn whole(d: Decimal) -> Result<i64, Text> {
    if !d.fract().is_zero() {
        return Err(Text::new(
            format!("应为整数：{d}"),
            format!("must be a whole number: {d}"),
        ));
    }
    i64::try_from(d.trunc())
        .map_err(|_| Text::new(format!("数值过大：{d}"), format!("number too large: {d}")))
}

/// A number ≥ 0 in a data element's own unit (no unit conversion).
pub fn number(t: &str) -> Result<Decimal, Text> {
    non_negative(written_number(t, false)?)
}

/// Refuses a negative value (a zero written `-0` is zero).
pub fn non_negative(d: Decimal) -> Result<Decimal, Text> {
    if d.is_sign_negative() && !d.is_zero() {
        return Err(Text::new(
            format!("不能为负数：{d}"),
            format!("must not be negative: {d}"),
        ));
    }
    Ok(d.normalize())
}

/// A number as people write it (see [`amount_wan`]); `money` reads the money units, otherwise count units.
pub fn written_number(raw: &str, money: bool) -> Result<Decimal, Text> {
    if let Some(d) = plain_decimal(raw) {
        return Ok(d);
    }
    let shown = trim(raw);
    let half = halfwidth(shown);
    let mut s: String = half.chars().filter(|c| !is_space(*c)).collect();
    // Thousands separators: only between digit groups of three (`1,234,567.8`), never a decimal comma.
    if s.contains(',') {
        let int_part = s.split('.').next().unwrap_or("");
        let groups: Vec<&str> = int_part.trim_start_matches(['-', '+']).split(',').collect();
        let ok = groups.len() > 1
            && groups.first().is_some_and(|g| !g.is_empty() && g.len() <= 3)
            && groups.iter().skip(1).all(|g| g.len() == 3);
        if !ok {
            return Err(Text::new(
                format!("数字格式不对：“{shown}”（千位分隔符应每三位一个）"),
                format!("not a number: “{shown}” (thousands separators go every three digits)"),
            ));
        }
        s.retain(|c| c != ',');
    }
    let (digits, times, divide) = if money {
        if let Some(d) = s.strip_suffix("万元").or_else(|| s.strip_suffix('万')) {
            (d, 1, 1)
        } else if let Some(d) = s.strip_suffix("亿元").or_else(|| s.strip_suffix('亿')) {
            (d, 10_000, 1)
        } else if let Some(d) = s.strip_suffix("千元") {
            (d, 1, 10)
        } else if let Some(d) = s.strip_suffix('元') {
            (d, 1, 10_000)
        } else {
            (s.as_str(), 1, 1)
        }
    } else {
        (
            COUNT_UNITS
                .iter()
                .find_map(|u| s.strip_suffix(u))
                .unwrap_or(s.as_str()),
            1,
            1,
        )
    };
    if digits.ends_with('%') {
        return Err(Text::new(
            format!("此处不能填百分数：“{shown}”"),
            format!("a percentage is not allowed here: “{shown}”"),
        ));
    }
    let valid = !digits.is_empty()
        && digits
            .trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    if !valid {
        let (hint_zh, hint_en) = if money {
            (
                "（单位为万元，可写 1,234.5 或 1234.5万元）",
                " (in 万元; 1,234.5 or 1234.5万元 are fine)",
            )
        } else {
            ("", "")
        };
        return Err(Text::new(
            format!("不是数字：“{shown}”{hint_zh}"),
            format!("not a number: “{shown}”{hint_en}"),
        ));
    }
    let out_of_range = || {
        Text::new(
            format!("数值超出范围：“{shown}”"),
            format!("number out of range: “{shown}”"),
        )
    };
    let d: Decimal = digits
        .trim_start_matches('+')
        .parse()
        .map_err(|_| out_of_range())?;
    d.checked_mul(Decimal::from(times))
        .and_then(|v| v.checked_div(Decimal::from(divide)))
        .ok_or_else(out_of_range)
}

/// The common case, read without copying: ASCII digits with at most one inner decimal point (`1234.5`). What it
/// reads, the general reader reads the same (a property test holds them together).
fn plain_decimal(raw: &str) -> Option<Decimal> {
    let b = raw.as_bytes();
    let plain = b.first()?.is_ascii_digit()
        && b.last()?.is_ascii_digit()
        && b.iter().all(|c| c.is_ascii_digit() || *c == b'.')
        && b.iter().filter(|c| **c == b'.').count() <= 1;
    if plain { raw.parse().ok() } else { None }
}

fn bad_date(shown: &str) -> Text {
    Text::new(
        format!("日期格式不对：“{shown}”（应为 2019-12-31）"),
        format!("not a date: “{shown}” (expected 2019-12-31)"),
    )
}

/// A calendar date: `2019-12-31`, `2019/12/31`, `2019/1/5`, `2019.12.31`, `2019年12月31日`, `20191231`, with or
/// without a time after it, or an Excel serial day number written as text (five digits).
pub fn date(raw: &str) -> Result<Date, Text> {
    let shown = trim(raw);
    let half = halfwidth(shown);
    let s = half.as_ref();
    // Drop a time part: `2019-12-31 00:00:00`, `2019-12-31T08:00`.
    let s = s.split([' ', 'T']).next().unwrap_or(s);
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().map_err(|_| bad_date(shown))?;
        return match s.len() {
            8 => int_date(n).ok_or_else(|| bad_date(shown)),
            // A serial written as text (an Excel date exported without its format): 1954 … 2119.
            5 if (20_000..=80_000).contains(&n) => int_date(n).ok_or_else(|| bad_date(shown)),
            _ => Err(bad_date(shown)),
        };
    }
    let s = s.trim_end_matches('日');
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad_date(shown));
    };
    let num = |t: &str, max_len: usize| -> Option<i64> {
        if t.is_empty() || t.len() > max_len || !t.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            t.parse().ok()
        }
    };
    let (Some(y), Some(m), Some(d)) = (num(y, 4), num(m, 2), num(d, 2)) else {
        return Err(bad_date(shown));
    };
    if !(1900..=2999).contains(&y) {
        return Err(bad_date(shown));
    }
    let date = Date::new(
        i16::try_from(y).map_err(|_| bad_date(shown))?,
        i8::try_from(m).map_err(|_| bad_date(shown))?,
        i8::try_from(d).map_err(|_| bad_date(shown))?,
    );
    date.map_err(|_| {
        Text::new(
            format!("日期不存在：“{shown}”"),
            format!("no such date: “{shown}”"),
        )
    })
}

/// An integer where a date is expected: `20191231`, else an Excel serial day number.
pub fn int_date(i: i64) -> Option<Date> {
    if (19_000_101..=29_991_231).contains(&i) {
        let y = i16::try_from(i / 10_000).ok()?;
        let m = i8::try_from(i / 100 % 100).ok()?;
        let d = i8::try_from(i % 100).ok()?;
        return Date::new(y, m, d).ok();
    }
    excel_serial_date(i, false)
}

/// Excel serial day → date. 1900 system: day 1 = 1900-01-01, and Excel counts a 29 February 1900 that never
/// was (serial 60), so serials from 61 on are one day ahead of the calendar; day 0 and 60 are refused. 1904
/// system: day 0 = 1904-01-01. Only 1900-01-01 … 9999-12-31 are dates.
pub fn excel_serial_date(days: i64, is_1904: bool) -> Option<Date> {
    if !(0..2_958_466).contains(&days) {
        return None;
    }
    let (epoch, offset) = if is_1904 {
        (Date::new(1904, 1, 1).ok()?, days)
    } else {
        match days {
            0 | 60 => return None,
            1..=59 => (Date::new(1899, 12, 31).ok()?, days),
            _ => (Date::new(1899, 12, 30).ok()?, days),
        }
    };
    epoch.checked_add(jiff::Span::new().days(offset)).ok()
}

/// A report year: `2019`, `2019年`, within [`YEARS`].
pub fn year(raw: &str) -> Result<i32, Text> {
    let shown = trim(raw);
    let half = halfwidth(shown);
    let t = half.trim_end_matches('年').trim_end_matches(".0");
    match t.parse::<i32>() {
        Ok(y) if YEARS.contains(&y) => Ok(y),
        Ok(y) => Err(Text::new(
            format!("年度应在 {}–{} 之间：{y}", YEARS.start(), YEARS.end()),
            format!("the year must be {}–{}: {y}", YEARS.start(), YEARS.end()),
        )),
        Err(_) => Err(Text::new(
            format!("年度应为四位年份：“{shown}”"),
            format!("a year has four digits: “{shown}”"),
        )),
    }
}

/// A reporting period: `2019`, `2019Q3`, `2019-07`, and `2019年`, `2019年第3季度` / `2019年三季度`, `2019年7月`.
pub fn period(raw: &str) -> Result<Period, Text> {
    let shown = trim(raw);
    let half = halfwidth(shown);
    let t = half.trim_end_matches(".0");
    let bad = || {
        Text::new(
            format!("期间格式不对：“{shown}”（应为 2019、2019Q3 或 2019-07）"),
            format!("not a period: “{shown}” (expected 2019, 2019Q3 or 2019-07)"),
        )
    };
    if t.is_ascii() {
        return Period::parse(t).map_err(|_| bad());
    }
    let (y, rest) = t.split_once('年').ok_or_else(bad)?;
    let y: i32 = y.parse().map_err(|_| bad())?;
    let rest = rest.trim();
    if rest.is_empty() || rest == "度" || rest == "全年" {
        return Period::year_of(y).map_err(|_| bad());
    }
    if let Some(q) = rest.trim_start_matches('第').strip_suffix("季度") {
        let q = match q {
            "1" | "一" => 1,
            "2" | "二" => 2,
            "3" | "三" => 3,
            "4" | "四" => 4,
            _ => return Err(bad()),
        };
        return Period::quarter_of(y, q).map_err(|_| bad());
    }
    if let Some(m) = rest.strip_suffix('月') {
        let m: u32 = m.parse().map_err(|_| bad())?;
        return Period::month_of(y, m).map_err(|_| bad());
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn amounts_accept_full_width_digits_separators_and_units_written_in() {
        let ok = |s: &str| amount_wan(s).unwrap().to_string();
        assert_eq!(ok("１２３"), "123");
        assert_eq!(ok("1,234.5"), "1234.5");
        assert_eq!(ok(" 1，234，567.80 "), "1234567.8");
        assert_eq!(ok("1,270,000"), "1270000");
        assert_eq!(ok("1234.5万元"), "1234.5");
        assert_eq!(ok("1234.5 万"), "1234.5");
        assert_eq!(ok("1.2亿元"), "12000");
        assert_eq!(ok("12000元"), "1.2");
        assert_eq!(ok("500千元"), "50");
        for bad in [
            "-5", "12,34", "1.2.3", "abc", "5%", "1,2345", "万元", "Infinity", ",123",
        ] {
            let e = amount_wan(bad).unwrap_err();
            assert!(!e.zh.is_empty() && !e.en.is_empty(), "{bad}");
        }
    }

    #[test]
    fn counts_are_whole_and_may_carry_their_unit() {
        assert_eq!(count("１２人").unwrap(), 12);
        assert_eq!(count("1,200").unwrap(), 1200);
        assert!(count("2.5").is_err());
        assert!(count("-1").is_err());
    }

    #[test]
    fn dates_in_every_form_an_office_writes_them() {
        for s in [
            "2019-12-31",
            "2019/12/31",
            "2019.12.31",
            "2019年12月31日",
            "20191231",
            "2019-12-31 00:00:00",
            "２０１９－１２－３１",
            "43830",
        ] {
            assert_eq!(date(s).unwrap(), d(2019, 12, 31), "{s}");
        }
        assert_eq!(date("2020/1/5").unwrap(), d(2020, 1, 5));
        assert_eq!(date("2020年1月5日").unwrap(), d(2020, 1, 5));
        assert!(date("2019-02-30").unwrap_err().en.contains("no such date"));
        assert!(date("31/12/2019").is_err());
        assert!(date("明年").is_err());
    }

    #[test]
    fn excel_serials_follow_the_1900_system_with_its_leap_year_bug() {
        assert_eq!(excel_serial_date(43830, false), Some(d(2019, 12, 31)));
        assert_eq!(excel_serial_date(1, false), Some(d(1900, 1, 1)));
        assert_eq!(excel_serial_date(61, false), Some(d(1900, 3, 1)));
        assert_eq!(excel_serial_date(60, false), None);
        assert_eq!(excel_serial_date(0, true), Some(d(1904, 1, 1)));
        assert_eq!(excel_serial_date(-1, false), None);
    }

    #[test]
    fn years_are_within_the_range_every_path_shares() {
        assert_eq!(year("2019年").unwrap(), 2019);
        assert_eq!(year("２０１９").unwrap(), 2019);
        assert!(year("1989").unwrap_err().en.contains("1990–2100"));
        assert!(year("2101").is_err());
        assert!(year("19").is_err());
    }

    #[test]
    fn periods_in_codes_and_in_chinese() {
        let p = |s: &str| period(s).map(|p| p.to_string());
        assert_eq!(p("2019Q3").unwrap(), "2019Q3");
        assert_eq!(p("2019年第三季度").unwrap(), "2019Q3");
        assert_eq!(p("2019年7月").unwrap(), "2019-07");
        assert_eq!(p("2019年").unwrap(), "2019");
        assert!(p("20一8").is_err());
        assert!(p("2019年第五季度").is_err());
    }

    #[test]
    fn text_is_limited_in_characters_not_bytes() {
        let cjk = "企".repeat(200);
        assert_eq!(text(&cjk, 200, false).unwrap(), cjk);
        assert!(
            text(&"企".repeat(201), 200, false)
                .unwrap_err()
                .en
                .contains("at most 200")
        );
        assert!(text("a\u{0}b", 10, false).is_err());
        assert!(text("a\nb", 10, false).is_err());
        assert_eq!(text("a\r\nb", 10, true).unwrap(), "a\nb");
    }

    proptest! {
        /// The fast path reads plain numbers exactly as the general reader does.
        #[test]
        fn the_fast_path_agrees_with_the_general_reader(int in 0u64..1_000_000_000_000, frac in proptest::option::of(0u32..1_000_000)) {
            let s = match frac { Some(f) => format!("{int}.{f}"), None => int.to_string() };
            let fast = plain_decimal(&s);
            let general = written_number(&format!(" {s} "), false).ok();
            prop_assert_eq!(fast, general);
        }

        /// No reader panics, whatever the text.
        #[test]
        fn no_reader_panics(s in "\\PC{0,40}|[0-9,.，。０-９万亿元年月日QH/ -]{0,30}") {
            let _ = amount_wan(&s);
            let _ = count(&s);
            let _ = number(&s);
            let _ = date(&s);
            let _ = year(&s);
            let _ = period(&s);
            let _ = uscc(&s);
            let _ = text(&s, 10, true);
        }
    }
}
