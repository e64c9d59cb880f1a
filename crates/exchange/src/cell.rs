//! One cell as spreadsheets and CSV files deliver it, and the step from a cell to a registry value: typed
//! spreadsheet cells (numbers, date cells, Excel serial numbers) are read here; text goes to the one reader of
//! `plantrack_core::registry::parse`, which forms and the API use too — so a file, a form and the API accept
//! and refuse the same values.
//!
//! Every reader returns the reason in Chinese and English; the row parser adds the row and column. Nothing here
//! panics on any input (a property test feeds it arbitrary strings).

use std::borrow::Cow;

use jiff::civil::Date;
use plantrack_core::period::Period;
use plantrack_core::registry::parse::{self as text, Lookup, Value};
use plantrack_core::registry::{Field, FieldType};
use rust_decimal::Decimal;

pub use plantrack_core::registry::parse::{halfwidth, is_space};

/// Why a cell could not be read, in Chinese and English.
pub type Reason = plantrack_core::Text;

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

/// The shortest decimal text that reads back as `f` (how Excel shows a general-format number).
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn error_value(e: &str) -> Reason {
    Reason::new(
        format!("单元格是错误值 {e}（请检查公式）"),
        format!("the cell holds the error value {e} (check the formula)"),
    )
}

fn not_a_number(cell: &Cell<'_>) -> Reason {
    Reason::new(
        format!("不是数字：{}", cell.display()),
        format!("not a number: {}", cell.display()),
    )
}

/// Reads a cell as a value of `field`: `Ok(None)` when blank.
pub fn read(field: &Field, cell: &Cell<'_>, lookup: &dyn Lookup) -> Result<Option<Value>, Reason> {
    match cell {
        Cell::Error(e) => return Err(error_value(e)),
        c if c.is_blank() => return Ok(None),
        Cell::Text(t) => return text::read(field, t, lookup),
        _ => {}
    }
    // A typed spreadsheet cell.
    let v = match field.ty {
        FieldType::Amount => Value::Decimal(text::non_negative(cell_decimal(cell)?)?),
        FieldType::Number => Value::Decimal(text::non_negative(cell_decimal(cell)?)?),
        FieldType::Count => Value::Int(text::whole(text::non_negative(cell_decimal(cell)?)?)?),
        FieldType::Date => Value::Date(cell_date(cell)?),
        _ => return text::read(field, &cell.display(), lookup),
    };
    Ok(Some(v))
}

/// A number cell's exact decimal.
fn cell_decimal(cell: &Cell<'_>) -> Result<Decimal, Reason> {
    match cell {
        Cell::Int(i) => Ok(Decimal::from(*i)),
        Cell::Number(f) => float_decimal(*f),
        _ => Err(not_a_number(cell)),
    }
}

/// A date cell, an integer (`20191231` or an Excel serial) or a serial number.
fn cell_date(cell: &Cell<'_>) -> Result<Date, Reason> {
    let bad = || {
        Reason::new(
            format!("日期格式不对：“{}”（应为 2019-12-31）", cell.display()),
            format!("not a date: “{}” (expected 2019-12-31)", cell.display()),
        )
    };
    match cell {
        Cell::Date(d) => serial_to_date(*d).ok_or_else(bad),
        Cell::Int(i) => text::int_date(*i).ok_or_else(bad),
        Cell::Number(f) if f.fract() == 0.0 && f.abs() < 1e9 => text::int_date(*f as i64).ok_or_else(bad),
        Cell::Number(f) => serial_to_date(DateSerial {
            value: *f,
            is_1904: false,
        })
        .ok_or_else(bad),
        _ => Err(bad()),
    }
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
        .map_err(|_| Reason::new(format!("数值超出范围：{f}"), format!("number out of range: {f}")))
}

/// Excel serial → date (see `plantrack_core::registry::parse::excel_serial_date`); the day's fraction is
/// dropped.
pub fn serial_to_date(s: DateSerial) -> Option<Date> {
    if !s.value.is_finite() || s.value < 0.0 || s.value >= 2_958_466.0 {
        return None;
    }
    text::excel_serial_date(s.value.floor() as i64, s.is_1904)
}

/// The Excel serial (1900 system) of a date, for tests and writers.
pub fn date_to_serial(d: Date) -> i64 {
    let epoch = Date::new(1899, 12, 30).unwrap_or(Date::MIN);
    let days = (d - epoch).get_days();
    let days = i64::from(days);
    if days <= 60 { days - 1 } else { days }
}

/// The reporting period of a cell (`2019`, `2019Q3`, a number cell 2019).
pub fn period(cell: &Cell<'_>) -> Result<Option<Period>, Reason> {
    match cell {
        Cell::Error(e) => Err(error_value(e)),
        c if c.is_blank() => Ok(None),
        c => text::period(&c.display()).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plantrack_core::registry::Kind;

    struct Nothing;
    impl Lookup for Nothing {
        fn has_org_unit(&self, _: &str) -> bool {
            false
        }
        fn department(&self, _: &str) -> Option<String> {
            None
        }
        fn element(&self, _: &str) -> Result<String, Reason> {
            Err(Reason::new("无", "none"))
        }
    }

    fn field(key: &str) -> Field {
        Kind::Enterprises
            .field(key)
            .copied()
            .unwrap_or_else(|| panic!("no field {key}"))
    }

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn typed_cells_are_read_exactly() {
        let amount = field("sales_revenue");
        let get = |c: Cell<'_>| read(&amount, &c, &Nothing);
        assert_eq!(
            get(Cell::Number(0.1 + 0.2)).unwrap(),
            Some(Value::Decimal(Decimal::new(3, 1)))
        );
        assert_eq!(
            get(Cell::Number(24732.23)).unwrap(),
            Some(Value::Decimal(Decimal::new(2_473_223, 2)))
        );
        assert!(get(Cell::Number(-1.0)).is_err());
        assert!(
            get(Cell::Error("#DIV/0!".into()))
                .unwrap_err()
                .en
                .contains("#DIV/0!")
        );
        assert_eq!(get(Cell::Text("  ".into())).unwrap(), None);
        let count = field("employees");
        assert_eq!(
            read(&count, &Cell::Number(30.0), &Nothing).unwrap(),
            Some(Value::Int(30))
        );
        assert!(read(&count, &Cell::Number(2.5), &Nothing).is_err());
        let year = field("year");
        assert_eq!(
            read(&year, &Cell::Number(2019.0), &Nothing).unwrap(),
            Some(Value::Int(2019))
        );
    }

    #[test]
    fn excel_serial_dates_follow_the_1900_system_with_its_leap_year_bug() {
        let founded = field("founded_on");
        let date = |c: Cell<'_>| match read(&founded, &c, &Nothing) {
            Ok(Some(Value::Date(d))) => Ok(d),
            other => Err(format!("{other:?}")),
        };
        // 43830 is 2019-12-31 in Excel; 1 is 1900-01-01; 61 is 1900-03-01 (60 is the phantom 1900-02-29).
        assert_eq!(date(Cell::Number(43830.0)), Ok(d(2019, 12, 31)));
        assert_eq!(date(Cell::Int(43830)), Ok(d(2019, 12, 31)));
        assert_eq!(date(Cell::Text("43830".into())), Ok(d(2019, 12, 31)));
        assert_eq!(date(Cell::Number(43830.75)), Ok(d(2019, 12, 31)));
        assert_eq!(date(Cell::Int(20_191_231)), Ok(d(2019, 12, 31)));
        assert!(date(Cell::Number(-3.0)).is_err());
        let serial = |value: f64, is_1904: bool| serial_to_date(DateSerial { value, is_1904 });
        assert_eq!(serial(1.0, false), Some(d(1900, 1, 1)));
        assert_eq!(serial(59.0, false), Some(d(1900, 2, 28)));
        assert_eq!(serial(60.0, false), None);
        assert_eq!(serial(61.0, false), Some(d(1900, 3, 1)));
        assert_eq!(serial(0.0, true), Some(d(1904, 1, 1)));
        assert_eq!(date_to_serial(d(2019, 12, 31)), 43830);
        assert_eq!(date_to_serial(d(1900, 1, 1)), 1);
    }

    #[test]
    fn periods_in_chinese_forms_and_as_numbers() {
        for (c, p) in [
            (Cell::Text("2019年第3季度".into()), "2019Q3"),
            (Cell::Text("2019年三季度".into()), "2019Q3"),
            (Cell::Number(2019.0), "2019"),
        ] {
            assert_eq!(period(&c).unwrap().map(|p| p.to_string()).as_deref(), Some(p));
        }
        assert!(period(&Cell::Text("2019H1".into())).is_err());
    }

    proptest::proptest! {
        #[test]
        fn no_cell_makes_a_reader_panic(s in "\\PC{0,24}", f: f64, i: i64) {
            for field in Kind::Enterprises.fields() {
                for c in [Cell::Text(s.as_str().into()), Cell::Number(f), Cell::Int(i)] {
                    let _ = read(field, &c, &Nothing);
                }
            }
        }

        #[test]
        fn serial_dates_round_trip(days in 61i64..2_958_000) {
            let d = serial_to_date(DateSerial { value: days as f64, is_1904: false }).unwrap();
            proptest::prop_assert_eq!(date_to_serial(d), days);
        }
    }
}
