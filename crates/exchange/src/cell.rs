//! One cell as spreadsheets and CSV files deliver it, and the parsers that turn it into typed values: text,
//! dates (ISO, slashes, dots, 年月日, 8 digits, Excel serial numbers and date cells), amounts in 万元 (full-width
//! digits, thousands separators, a unit written into the cell), counts, years and periods.
//!
//! Every parser returns `Err(Reason)` with the reason in Chinese and English; the row parser adds the row and
//! column. Nothing here panics on any input (a property test feeds it arbitrary strings).

use std::borrow::Cow;

use jiff::civil::Date;
use plantrack_core::period::Period;
use rust_decimal::Decimal;

/// A cell's value as read: CSV cells are always text; spreadsheet cells keep their type.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Nothing in the cell.
    Empty,
    /// Text (CSV, or a text cell).
    Text(Cow<'a, str>),
    /// A number cell.
    Number(f64),
    /// An integer cell.
    Int(i64),
    /// A boolean cell.
    Bool(bool),
    /// A date cell: its Excel serial value and whether the workbook uses the 1904 system.
    Date(DateSerial),
    /// An error value (`#DIV/0!`, `#REF!` …).
    Error(String),
}

/// An Excel date serial as stored in a date-formatted cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateSerial {
    /// Days since the epoch, with the day's fraction.
    pub value: f64,
    /// The 1904 date system (old Mac workbooks).
    pub is_1904: bool,
}

/// Why a cell could not be read, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// 中文.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Reason {
    /// A reason in both languages.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Reason {
        Reason {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

impl Cell<'_> {
    /// Whether the cell holds nothing but white space.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim_matches(is_space).is_empty(),
            _ => false,
        }
    }

    /// The cell as text, as a user would read it (numbers without a trailing `.0`).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim_matches(is_space).to_owned(),
            Cell::Number(f) => number_text(*f),
            Cell::Int(i) => i.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) => serial_to_date(*d).map_or_else(|| number_text(d.value), |d| d.to_string()),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// White space including the ideographic space (全角空格) and the no-break space.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}' || c == '\u{feff}'
}

/// The shortest decimal text that reads back as `f` (how Excel shows a general-format number).
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
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

/// Text of a cell, trimmed; `None` when blank. Numbers become their shortest text (a code typed as a number).
pub fn text(cell: &Cell<'_>) -> Result<Option<String>, Reason> {
    match cell {
        Cell::Error(e) => Err(error_value(e)),
        c if c.is_blank() => Ok(None),
        c => Ok(Some(c.display())),
    }
}

fn error_value(e: &str) -> Reason {
    Reason::new(
        format!("单元格是错误值 {e}(请检查公式)"),
        format!("the cell holds the error value {e} (check the formula)"),
    )
}

/// A number as written in government spreadsheets, in the column's unit (万元 for money): full-width digits,
/// thousands separators (`1,234.5`), surrounding spaces, and a unit written into the cell — `万元`/`万` (as is),
/// `亿元`/`亿` (× 10 000), `千元` (÷ 10), `元` (÷ 10 000). Negative numbers are refused.
pub fn amount_wan(cell: &Cell<'_>) -> Result<Option<Decimal>, Reason> {
    number(cell, true)
}

/// A count (家, 人, 项, 件): a whole number ≥ 0, optionally followed by its unit word.
pub fn count(cell: &Cell<'_>) -> Result<Option<i64>, Reason> {
    let Some(d) = number(cell, false)? else {
        return Ok(None);
    };
    if d.fract() != Decimal::ZERO {
        return Err(Reason::new(
            format!("应为整数: {d}"),
            format!("must be a whole number: {d}"),
        ));
    }
    i64::try_from(d.trunc())
        .map(Some)
        .map_err(|_| Reason::new(format!("数值过大: {d}"), format!("number too large: {d}")))
}

/// A plain number ≥ 0 (an observation's value in its data element's unit); no unit conversion.
pub fn plain_number(cell: &Cell<'_>) -> Result<Option<Decimal>, Reason> {
    number(cell, false)
}

const COUNT_UNITS: [&str; 6] = ["家", "人", "项", "件", "个", "名"];

fn number(cell: &Cell<'_>, money: bool) -> Result<Option<Decimal>, Reason> {
    let value = match cell {
        Cell::Error(e) => return Err(error_value(e)),
        c if c.is_blank() => return Ok(None),
        Cell::Int(i) => Decimal::from(*i),
        Cell::Number(f) => float_decimal(*f)?,
        Cell::Bool(_) | Cell::Date(_) => {
            return Err(Reason::new(
                format!("不是数字: {}", cell.display()),
                format!("not a number: {}", cell.display()),
            ));
        }
        Cell::Text(t) => parse_number_text(t, money)?,
        Cell::Empty => return Ok(None),
    };
    if value.is_sign_negative() && !value.is_zero() {
        return Err(Reason::new(
            format!("不能为负数: {value}"),
            format!("must not be negative: {value}"),
        ));
    }
    Ok(Some(value.normalize()))
}

/// A float cell as the decimal Excel shows: 15 significant digits (Excel's precision), so `=0.1+0.2` reads 0.3
/// and 24732.23 stays 24732.23 rather than its binary expansion.
fn float_decimal(f: f64) -> Result<Decimal, Reason> {
    if !f.is_finite() {
        return Err(Reason::new("不是有效数字", "not a finite number"));
    }
    let text = format!("{f:.14e}");
    Decimal::from_scientific(&text)
        .map(|d| d.normalize())
        .map_err(|_| Reason::new(format!("数值超出范围: {f}"), format!("number out of range: {f}")))
}

fn parse_number_text(raw: &str, money: bool) -> Result<Decimal, Reason> {
    match plain_decimal(raw) {
        Some(d) => Ok(d),
        None => parse_written_number(raw, money),
    }
}

/// The common case, read without copying: ASCII digits with at most one inner decimal point (`1234.5`). What it
/// reads, [`parse_written_number`] reads the same (a property test holds them together).
fn plain_decimal(raw: &str) -> Option<Decimal> {
    let b = raw.as_bytes();
    let plain = b.first()?.is_ascii_digit()
        && b.last()?.is_ascii_digit()
        && b.iter().all(|c| c.is_ascii_digit() || *c == b'.')
        && b.iter().filter(|c| **c == b'.').count() <= 1;
    if plain { raw.parse().ok() } else { None }
}

/// A number as people write it: see [`amount_wan`].
fn parse_written_number(raw: &str, money: bool) -> Result<Decimal, Reason> {
    let shown = raw.trim_matches(is_space);
    let half = halfwidth(shown);
    let mut s: String = half.chars().filter(|c| !is_space(*c)).collect();
    // Thousands separators: only between digit groups of three (`1,234,567.8`), never a decimal comma.
    if s.contains(',') {
        let int_part = s.split('.').next().unwrap_or("");
        let groups: Vec<&str> = int_part.trim_start_matches(['-', '+']).split(',').collect();
        let ok = groups.len() > 1
            && !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3);
        if !ok {
            return Err(Reason::new(
                format!("数字格式不对: {shown:?}(千位分隔符应每三位一个)"),
                format!("not a number: {shown:?} (thousands separators go every three digits)"),
            ));
        }
        s.retain(|c| c != ',');
    }
    let (digits, scale_num, scale_den, unit_ok) = if money {
        if let Some(d) = s.strip_suffix("万元").or_else(|| s.strip_suffix('万')) {
            (d, 1, 1, true)
        } else if let Some(d) = s.strip_suffix("亿元").or_else(|| s.strip_suffix('亿')) {
            (d, 10_000, 1, true)
        } else if let Some(d) = s.strip_suffix("千元") {
            (d, 1, 10, true)
        } else if let Some(d) = s.strip_suffix('元') {
            (d, 1, 10_000, true)
        } else {
            (s.as_str(), 1, 1, false)
        }
    } else {
        match COUNT_UNITS.iter().find_map(|u| s.strip_suffix(u)) {
            Some(d) => (d, 1, 1, true),
            None => (s.as_str(), 1, 1, false),
        }
    };
    let _ = unit_ok;
    if digits.ends_with('%') {
        return Err(Reason::new(
            format!("不能填百分数: {shown:?}"),
            format!("a percentage is not allowed here: {shown:?}"),
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
        let hint_zh = if money {
            "(单位为万元,可写 1,234.5 或 1234.5万元)"
        } else {
            ""
        };
        let hint_en = if money {
            " (in 万元; 1,234.5 or 1234.5万元 are fine)"
        } else {
            ""
        };
        return Err(Reason::new(
            format!("不是数字: {shown:?}{hint_zh}"),
            format!("not a number: {shown:?}{hint_en}"),
        ));
    }
    let d: Decimal = digits.trim_start_matches('+').parse().map_err(|_| {
        Reason::new(
            format!("数值超出范围: {shown:?}"),
            format!("number out of range: {shown:?}"),
        )
    })?;
    d.checked_mul(Decimal::from(scale_num))
        .and_then(|v| v.checked_div(Decimal::from(scale_den)))
        .ok_or_else(|| {
            Reason::new(
                format!("数值超出范围: {shown:?}"),
                format!("number out of range: {shown:?}"),
            )
        })
}

/// A calendar date: `2019-12-31`, `2019/12/31`, `2019.12.31`, `2019年12月31日`, `20191231`, with or without a
/// time after it; an Excel date cell; or an Excel serial number (a date typed in a cell without date format, or
/// written into a CSV as a number).
pub fn date(cell: &Cell<'_>) -> Result<Option<Date>, Reason> {
    match cell {
        Cell::Error(e) => Err(error_value(e)),
        c if c.is_blank() => Ok(None),
        Cell::Date(d) => serial_to_date(*d)
            .map(Some)
            .ok_or_else(|| bad_date(&cell.display())),
        Cell::Int(i) => int_date(*i).map(Some).ok_or_else(|| bad_date(&cell.display())),
        Cell::Number(f) if f.fract() == 0.0 && f.abs() < 1e9 => int_date(*f as i64)
            .map(Some)
            .ok_or_else(|| bad_date(&cell.display())),
        Cell::Number(f) => serial_to_date(DateSerial {
            value: *f,
            is_1904: false,
        })
        .map(Some)
        .ok_or_else(|| bad_date(&cell.display())),
        Cell::Text(t) => parse_date_text(t).map(Some),
        Cell::Bool(_) | Cell::Empty => Err(bad_date(&cell.display())),
    }
}

fn bad_date(shown: &str) -> Reason {
    Reason::new(
        format!("日期格式不对: {shown:?}(应为 2019-12-31)"),
        format!("not a date: {shown:?} (expected 2019-12-31)"),
    )
}

/// An integer in a date column: `20191231`, else an Excel serial day number.
fn int_date(i: i64) -> Option<Date> {
    if (19_000_101..=29_991_231).contains(&i) {
        let y = i16::try_from(i / 10_000).ok()?;
        let m = i8::try_from(i / 100 % 100).ok()?;
        let d = i8::try_from(i % 100).ok()?;
        return Date::new(y, m, d).ok();
    }
    serial_to_date(DateSerial {
        value: i as f64,
        is_1904: false,
    })
}

/// Excel serial → date. 1900 system: day 1 = 1900-01-01, and Excel counts a 29 February 1900 that never was
/// (serial 60), so serials from 61 on are one day ahead of the calendar; day 0 and 60 are refused. 1904
/// system: day 0 = 1904-01-01. Only 1900-01-01 … 9999-12-31 are dates.
pub fn serial_to_date(s: DateSerial) -> Option<Date> {
    if !s.value.is_finite() || s.value < 0.0 || s.value >= 2_958_466.0 {
        return None;
    }
    let days = s.value.floor() as i64;
    let (epoch, offset) = if s.is_1904 {
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

/// The Excel serial (1900 system) of a date, for tests and writers.
pub fn date_to_serial(d: Date) -> i64 {
    let epoch = Date::new(1899, 12, 30).unwrap_or(Date::MIN);
    let days = (d - epoch).get_days();
    let days = i64::from(days);
    if days <= 60 { days - 1 } else { days }
}

fn parse_date_text(raw: &str) -> Result<Date, Reason> {
    let shown = raw.trim_matches(is_space);
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
        Reason::new(
            format!("日期不存在: {shown:?}"),
            format!("no such date: {shown:?}"),
        )
    })
}

/// A year: `2019`, `2019年`, or a number cell.
pub fn year(cell: &Cell<'_>) -> Result<Option<i32>, Reason> {
    let shown = cell.display();
    let Some(t) = text(cell)? else {
        return Ok(None);
    };
    let half = halfwidth(&t);
    let t = half.trim_end_matches('年').trim_end_matches(".0");
    match t.parse::<i32>() {
        Ok(y) if (1900..=2999).contains(&y) => Ok(Some(y)),
        _ => Err(Reason::new(
            format!("年度应为四位年份: {shown:?}"),
            format!("a year has four digits: {shown:?}"),
        )),
    }
}

/// A reporting period: `2019`, `2019Q3`, `2019-07`, and `2019年`, `2019年第3季度` / `2019年三季度`, `2019年7月`.
pub fn period(cell: &Cell<'_>) -> Result<Option<Period>, Reason> {
    let shown = cell.display();
    let Some(t) = text(cell)? else {
        return Ok(None);
    };
    let half = halfwidth(&t).into_owned();
    let t = half.trim_end_matches(".0");
    // Period::parse slices at byte 4; only ASCII reaches it.
    if t.is_ascii()
        && let Ok(p) = Period::parse(t)
    {
        return Ok(Some(p));
    }
    let bad = || {
        Reason::new(
            format!("期间格式不对: {shown:?}(应为 2019、2019Q3 或 2019-07)"),
            format!("not a period: {shown:?} (expected 2019, 2019Q3 or 2019-07)"),
        )
    };
    let (y, rest) = t.split_once('年').ok_or_else(bad)?;
    let y: i32 = y.parse().map_err(|_| bad())?;
    let rest = rest.trim();
    if rest.is_empty() || rest == "度" || rest == "全年" {
        return Period::year_of(y).map(Some).map_err(|_| bad());
    }
    if let Some(q) = rest.trim_start_matches('第').strip_suffix("季度") {
        let q = match q {
            "1" | "一" => 1,
            "2" | "二" => 2,
            "3" | "三" => 3,
            "4" | "四" => 4,
            _ => return Err(bad()),
        };
        return Period::quarter_of(y, q).map(Some).map_err(|_| bad());
    }
    if let Some(m) = rest.strip_suffix('月') {
        let m: u32 = m.parse().map_err(|_| bad())?;
        return Period::month_of(y, m).map(Some).map_err(|_| bad());
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(s: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(s))
    }

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn amounts_accept_full_width_digits_separators_and_units_written_in() {
        let ok = |s: &str| amount_wan(&t(s)).unwrap().unwrap().to_string();
        assert_eq!(ok("１２３"), "123");
        assert_eq!(ok("1,234.5"), "1234.5");
        assert_eq!(ok(" 1，234，567.80 "), "1234567.8");
        assert_eq!(ok("1234.5万元"), "1234.5");
        assert_eq!(ok("1234.5 万"), "1234.5");
        assert_eq!(ok("1.2亿元"), "12000");
        assert_eq!(ok("12000元"), "1.2");
        assert_eq!(ok("500千元"), "50");
        assert_eq!(
            amount_wan(&Cell::Number(0.1 + 0.2)).unwrap().unwrap().to_string(),
            "0.3"
        );
        assert_eq!(
            amount_wan(&Cell::Number(24732.23)).unwrap().unwrap().to_string(),
            "24732.23"
        );
        assert_eq!(amount_wan(&t("  ")).unwrap(), None);
        for bad in ["-5", "12,34", "1.2.3", "abc", "5%", "1,2345", "万元", "Infinity"] {
            let e = amount_wan(&t(bad)).unwrap_err();
            assert!(!e.zh.is_empty() && !e.en.is_empty(), "{bad}");
        }
        assert!(
            amount_wan(&Cell::Error("#DIV/0!".into()))
                .unwrap_err()
                .en
                .contains("#DIV/0!")
        );
    }

    #[test]
    fn counts_are_whole_and_may_carry_their_unit() {
        assert_eq!(count(&t("１２人")).unwrap(), Some(12));
        assert_eq!(count(&Cell::Number(30.0)).unwrap(), Some(30));
        assert!(count(&t("2.5")).is_err());
        assert!(count(&t("-1")).is_err());
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
        ] {
            assert_eq!(date(&t(s)).unwrap(), Some(d(2019, 12, 31)), "{s}");
        }
        assert_eq!(date(&t("2019/1/5")).unwrap(), Some(d(2019, 1, 5)));
        assert!(date(&t("2019-02-30")).unwrap_err().en.contains("no such date"));
        assert!(date(&t("31/12/2019")).is_err());
        assert!(date(&t("明年")).is_err());
    }

    #[test]
    fn excel_serial_dates_follow_the_1900_system_with_its_leap_year_bug() {
        // 43830 is 2019-12-31 in Excel; 1 is 1900-01-01; 61 is 1900-03-01 (60 is the phantom 1900-02-29).
        assert_eq!(date(&Cell::Number(43830.0)).unwrap(), Some(d(2019, 12, 31)));
        assert_eq!(date(&Cell::Int(43830)).unwrap(), Some(d(2019, 12, 31)));
        assert_eq!(date(&t("43830")).unwrap(), Some(d(2019, 12, 31)));
        assert_eq!(date(&Cell::Number(43830.75)).unwrap(), Some(d(2019, 12, 31)));
        assert_eq!(
            serial_to_date(DateSerial {
                value: 1.0,
                is_1904: false
            }),
            Some(d(1900, 1, 1))
        );
        assert_eq!(
            serial_to_date(DateSerial {
                value: 59.0,
                is_1904: false
            }),
            Some(d(1900, 2, 28))
        );
        assert_eq!(
            serial_to_date(DateSerial {
                value: 60.0,
                is_1904: false
            }),
            None
        );
        assert_eq!(
            serial_to_date(DateSerial {
                value: 61.0,
                is_1904: false
            }),
            Some(d(1900, 3, 1))
        );
        assert_eq!(
            serial_to_date(DateSerial {
                value: 0.0,
                is_1904: true
            }),
            Some(d(1904, 1, 1))
        );
        assert_eq!(date_to_serial(d(2019, 12, 31)), 43830);
        assert_eq!(date_to_serial(d(1900, 1, 1)), 1);
        assert!(date(&Cell::Number(-3.0)).is_err());
    }

    #[test]
    fn years_and_periods_in_chinese_forms() {
        assert_eq!(year(&t("2019年")).unwrap(), Some(2019));
        assert_eq!(year(&Cell::Number(2019.0)).unwrap(), Some(2019));
        assert!(year(&t("19")).is_err());
        for (s, p) in [
            ("2019", "2019"),
            ("2019Q3", "2019Q3"),
            ("2019年", "2019"),
            ("2019年第3季度", "2019Q3"),
            ("2019年三季度", "2019Q3"),
            ("2019年7月", "2019-07"),
        ] {
            assert_eq!(period(&t(s)).unwrap().unwrap().to_string(), p, "{s}");
        }
        assert!(period(&t("2019H1")).is_err());
    }

    proptest! {
        #[test]
        fn no_input_makes_a_parser_panic(s in "\\PC{0,24}") {
            let c = t(&s);
            let _ = (amount_wan(&c), count(&c), date(&c), year(&c), period(&c), plain_number(&c));
        }

        #[test]
        fn serial_dates_round_trip(days in 61i64..2_958_000) {
            let d = serial_to_date(DateSerial { value: days as f64, is_1904: false }).unwrap();
            prop_assert_eq!(date_to_serial(d), days);
        }

        #[test]
        fn amounts_with_separators_read_as_without(n in 0u64..10_000_000_000, frac in 0u32..100) {
            let plain = format!("{n}.{frac:02}");
            let mut grouped = String::new();
            let digits = n.to_string();
            for (i, ch) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 { grouped.push(','); }
                grouped.push(ch);
            }
            let grouped = format!("{grouped}.{frac:02}万元");
            prop_assert_eq!(amount_wan(&t(&plain)).unwrap(), amount_wan(&t(&grouped)).unwrap());
        }

        /// The fast path for plain numbers reads exactly what the general reader reads, and takes nothing else.
        #[test]
        fn plain_numbers_read_as_the_general_reader_reads_them(s in "[0-9.]{1,32}", money: bool) {
            let general = parse_written_number(&s, money).ok();
            match plain_decimal(&s) {
                Some(fast) => prop_assert_eq!(Some(fast), general),
                None => prop_assert!(s.starts_with('.') || s.ends_with('.') || s.matches('.').count() > 1 || general.is_none()),
            }
        }
    }
}
