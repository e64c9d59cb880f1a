//! Reading a file's bytes into rows of [`Cell`]s: XLSX (and XLS, ODS) through calamine, CSV through `csv` after
//! decoding (UTF-8 with or without BOM, UTF-16 with BOM as Excel's "Unicode text", else GB18030 — what Excel on
//! Chinese Windows writes). The format is told by the bytes, not the name; a name that promises a workbook the
//! bytes are not gets a clear message (truncated or renamed file).
//!
//! CSV is streamed row by row (a file of any size); a workbook sheet is read whole, so workbooks are limited to
//! [`MAX_WORKBOOK_BYTES`] — larger ones are asked to be saved as CSV.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{Data, Dimensions, Range, Reader, SheetVisible};

use crate::cell::{Cell, DateSerial};
use crate::report::Problem;

/// The largest workbook read (a sheet is held in memory whole; a CSV is streamed and has no limit).
pub const MAX_WORKBOOK_BYTES: usize = 64 * 1024 * 1024;

/// What the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Comma- or tab-separated text.
    Csv,
    /// Office Open XML workbook.
    Xlsx,
    /// Excel 97–2003 workbook.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
}

/// Which text encoding a CSV had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// UTF-8 (with or without BOM).
    Utf8,
    /// UTF-16 with BOM.
    Utf16,
    /// GB18030 (GBK).
    Gb18030,
}

fn file_problem(zh: impl Into<String>, en: impl Into<String>) -> Problem {
    Problem::file(zh, en)
}

/// Tell the format from the bytes, checking the name's promise.
pub fn detect(bytes: &[u8], file_name: &str) -> Result<Format, Problem> {
    let lower = file_name.to_lowercase();
    let named_book = [".xlsx", ".xlsm", ".xls", ".ods", ".et"]
        .iter()
        .any(|e| lower.ends_with(e));
    if bytes.iter().all(u8::is_ascii_whitespace) || bytes == b"\xEF\xBB\xBF" {
        return Err(file_problem("文件为空", "the file is empty"));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(if lower.ends_with(".ods") {
            Format::Ods
        } else {
            Format::Xlsx
        });
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Ok(Format::Xls);
    }
    if named_book {
        return Err(file_problem(
            format!("{file_name} 不是有效的 Excel 文件(可能已损坏、未传完,或是改了扩展名的其他文件)"),
            format!(
                "{file_name} is not a valid workbook (damaged, truncated, or another kind of file renamed)"
            ),
        ));
    }
    Ok(Format::Csv)
}

/// Decode CSV bytes to UTF-8 text.
pub fn decode_text(mut bytes: Vec<u8>) -> Result<(Vec<u8>, Encoding), Problem> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(&bytes[3..]).map_err(|e| e.valid_up_to() + 3) {
            Ok(_) => {
                // In place: a large file is not copied.
                bytes.drain(..3);
                Ok((bytes, Encoding::Utf8))
            }
            Err(at) => Err(file_problem(
                format!("文件声明为 UTF-8,但第 {at} 字节起不是 UTF-8"),
                format!("the file declares UTF-8 but is not UTF-8 from byte {at}"),
            )),
        };
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, bad) = encoding_rs::UTF_16LE.decode(&bytes);
        let (text, bad) = if bytes.starts_with(&[0xFE, 0xFF]) {
            let (t, _, b) = encoding_rs::UTF_16BE.decode(&bytes);
            (t, b)
        } else {
            (text, bad)
        };
        if bad {
            return Err(file_problem(
                "UTF-16 文件中有无效字符",
                "invalid characters in the UTF-16 file",
            ));
        }
        return Ok((text.into_owned().into_bytes(), Encoding::Utf16));
    }
    if bytes.iter().take(8192).any(|b| *b == 0) {
        return Err(file_problem(
            "不是文本文件,也不是 Excel 文件(请上传 XLSX 或 CSV)",
            "neither a text file nor a workbook (upload XLSX or CSV)",
        ));
    }
    if std::str::from_utf8(&bytes).is_ok() {
        return Ok((bytes, Encoding::Utf8));
    }
    let (text, _, bad) = encoding_rs::GB18030.decode(&bytes);
    if bad {
        return Err(file_problem(
            "无法识别文件编码(应为 UTF-8 或 GBK/GB18030)",
            "cannot read the text: neither UTF-8 nor GBK/GB18030",
        ));
    }
    Ok((text.into_owned().into_bytes(), Encoding::Gb18030))
}

/// Rows of one sheet or CSV file. [`Rows::next_row`] lends the cells of one row at a time.
pub enum Rows {
    /// A streamed CSV.
    Csv {
        /// The reader over the decoded text.
        reader: Box<csv::Reader<Cursor<Vec<u8>>>>,
        /// The current record.
        record: csv::StringRecord,
        /// Size of the decoded text, for progress.
        total: u64,
    },
    /// A worksheet held in memory.
    Sheet {
        /// Its name.
        name: String,
        /// The cells.
        range: Range<Data>,
        /// Formulas, to tell "a formula without a computed value" from an empty cell.
        formulas: Option<Range<String>>,
        /// Merged regions.
        merged: Vec<Dimensions>,
        /// Next row (relative to the range's start).
        next: usize,
    },
}

impl std::fmt::Debug for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rows::Csv { total, .. } => write!(f, "Rows::Csv({total} bytes)"),
            Rows::Sheet { name, next, .. } => write!(f, "Rows::Sheet({name}, at {next})"),
        }
    }
}

/// One row lent by [`Rows::next_row`].
#[derive(Debug)]
pub struct RowRef<'a> {
    /// Row number as the user sees it (spreadsheet row, CSV line; 1-based).
    pub number: u64,
    /// Its cells.
    pub cells: Vec<Cell<'a>>,
}

fn csv_problem(e: &csv::Error) -> Problem {
    let line = e.position().map(csv::Position::line);
    let mut p = file_problem(format!("CSV 格式错误: {e}"), format!("malformed CSV: {e}"));
    p.row = line;
    p
}

impl Rows {
    /// Open CSV text (already UTF-8).
    pub fn csv(text: Vec<u8>) -> Rows {
        let first_line = text.split(|b| *b == b'\n').next().unwrap_or(&[]);
        let tabs = first_line.iter().filter(|b| **b == b'\t').count();
        let commas = first_line.iter().filter(|b| **b == b',').count();
        let delimiter = if tabs > commas { b'\t' } else { b',' };
        let total = text.len() as u64;
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(Cursor::new(text));
        Rows::Csv {
            reader: Box::new(reader),
            record: csv::StringRecord::new(),
            total,
        }
    }

    /// Progress through the rows: (done, total) in bytes for CSV, rows for a sheet.
    pub fn progress(&self) -> (u64, u64) {
        match self {
            Rows::Csv { reader, total, .. } => (reader.position().byte(), *total),
            Rows::Sheet { range, next, .. } => (*next as u64, range.height() as u64),
        }
    }

    /// The next row, or `None` at the end; a malformed CSV line is a problem (and reading stops).
    pub fn next_row(&mut self) -> Option<Result<RowRef<'_>, Problem>> {
        match self {
            Rows::Csv { reader, record, .. } => match reader.read_record(record) {
                Ok(false) => None,
                Ok(true) => {
                    let number = record.position().map_or(0, csv::Position::line);
                    // A cell guarded against formula injection on export loses its `'` (crate::formula).
                    let cells = record
                        .iter()
                        .map(|c| Cell::Text(Cow::Borrowed(crate::formula::unguard(c))))
                        .collect();
                    Some(Ok(RowRef { number, cells }))
                }
                Err(e) => Some(Err(csv_problem(&e))),
            },
            Rows::Sheet { range, next, .. } => {
                if *next >= range.height() {
                    return None;
                }
                let r = *next;
                *next += 1;
                let start_row = u64::from(range.start().map_or(0, |s| s.0));
                let start_col = range.start().map_or(0, |s| s.1) as usize;
                let mut cells: Vec<Cell<'_>> = vec![Cell::Empty; start_col];
                for c in 0..range.width() {
                    cells.push(data_cell(range.get((r, c)).unwrap_or(&Data::Empty)));
                }
                Some(Ok(RowRef {
                    number: start_row + r as u64 + 1,
                    cells,
                }))
            }
        }
    }

    /// More about a cell a problem is reported on: it is a formula (whose stored result was read — or, if it
    /// reads empty, has no stored result), or the non-first cell of a merged region. `row` is 1-based, `column`
    /// 0-based; `empty` says whether the cell read empty.
    pub fn cell_note(&self, row: u64, column: usize, empty: bool) -> Option<(String, String)> {
        let Rows::Sheet { formulas, merged, .. } = self else {
            return None;
        };
        let (r, c) = (
            u32::try_from(row.saturating_sub(1)).ok()?,
            u32::try_from(column).ok()?,
        );
        if let Some(f) = formulas
            .as_ref()
            .and_then(|f| f.get_value((r, c)))
            .filter(|f| !f.is_empty())
        {
            return Some(if empty {
                (
                    format!("公式 ={f} 没有计算结果(请在 Excel 中打开、保存后再导入)"),
                    format!(
                        "the formula ={f} has no computed value (open and save the file in Excel, then import)"
                    ),
                )
            } else {
                (
                    format!("该单元格是公式 ={f},读到的是它保存的计算结果"),
                    format!("the cell is the formula ={f}; its stored result was read"),
                )
            });
        }
        if empty && merged.iter().any(|m| m.contains(r, c) && m.start != (r, c)) {
            return Some((
                "合并单元格:请取消合并,并在每一行填写".into(),
                "merged cells: unmerge them and fill in every row".into(),
            ));
        }
        None
    }
}

fn data_cell(d: &Data) -> Cell<'_> {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(Cow::Borrowed(s.as_str())),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Int(*i),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => {
            // calamine keeps the 1904 flag private; its own conversion tells which epoch applies.
            let (y, ..) = dt.to_ymd_hms_milli();
            let via_1900 = crate::cell::serial_to_date(DateSerial {
                value: dt.as_f64(),
                is_1904: false,
            });
            let is_1904 = via_1900.is_some_and(|d| i32::from(d.year()) != i32::from(y));
            Cell::Date(DateSerial {
                value: dt.as_f64(),
                is_1904,
            })
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(Cow::Borrowed(s.as_str())),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// The sheets of a workbook, visible ones first, as rows.
pub fn workbook_sheets(bytes: Vec<u8>, format: Format, file_name: &str) -> Result<Vec<Rows>, Problem> {
    if bytes.len() > MAX_WORKBOOK_BYTES {
        return Err(file_problem(
            format!(
                "Excel 文件过大({} MB,上限 {} MB),请另存为 CSV(UTF-8)后导入",
                bytes.len() / (1024 * 1024),
                MAX_WORKBOOK_BYTES / (1024 * 1024)
            ),
            format!(
                "the workbook is too large ({} MB, limit {} MB); save it as CSV (UTF-8) and import that",
                bytes.len() / (1024 * 1024),
                MAX_WORKBOOK_BYTES / (1024 * 1024)
            ),
        ));
    }
    let damaged = |e: &dyn std::fmt::Display| {
        file_problem(
            format!("{file_name} 无法读取(文件已损坏或不完整): {e}"),
            format!("{file_name} cannot be read (damaged or incomplete file): {e}"),
        )
    };
    let mut out = Vec::new();
    match format {
        Format::Xlsx => {
            let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
            for sheet in visible_sheets(book.sheets_metadata()) {
                let range = book.worksheet_range(&sheet).map_err(|e| damaged(&e))?;
                let formulas = book.worksheet_formula(&sheet).ok();
                let merged = book.merge_cells_by_sheet_name(&sheet).unwrap_or_default();
                out.push(Rows::Sheet {
                    name: sheet,
                    range,
                    formulas,
                    merged,
                    next: 0,
                });
            }
        }
        Format::Xls => {
            let mut book = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
            for sheet in visible_sheets(book.sheets_metadata()) {
                let range = book.worksheet_range(&sheet).map_err(|e| damaged(&e))?;
                out.push(Rows::Sheet {
                    name: sheet,
                    range,
                    formulas: None,
                    merged: Vec::new(),
                    next: 0,
                });
            }
        }
        Format::Ods => {
            let mut book = calamine::Ods::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
            for sheet in visible_sheets(book.sheets_metadata()) {
                let range = book.worksheet_range(&sheet).map_err(|e| damaged(&e))?;
                out.push(Rows::Sheet {
                    name: sheet,
                    range,
                    formulas: None,
                    merged: Vec::new(),
                    next: 0,
                });
            }
        }
        Format::Csv => return Ok(vec![Rows::csv(bytes)]),
    }
    if out.is_empty() {
        return Err(file_problem(
            "工作簿中没有工作表",
            "the workbook has no worksheet",
        ));
    }
    Ok(out)
}

fn visible_sheets(meta: &[calamine::Sheet]) -> Vec<String> {
    meta.iter()
        .filter(|s| s.visible == SheetVisible::Visible && s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}
