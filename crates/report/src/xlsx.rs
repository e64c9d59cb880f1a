//! Workbooks (XLSX) with rust_xlsxwriter: sheets of typed tables (text, `Decimal` numbers with number
//! formats, dates), a bold frozen header row, column widths fitted to CJK text, optional native Excel charts
//! over a table's columns (they stay editable in Excel and WPS), header-cell notes (批注) and drop-down lists
//! (数据验证) — everything an import template (导入模板) needs: a sheet with no rows, a note on each header
//! saying what to enter, drop-downs for coded columns and numeric/date/length checks.
//!
//! Dates are written from `jiff::civil::Date` by hand (rust_xlsxwriter's `jiff` feature would pull a second
//! jiff); `Decimal`s become Excel's binary doubles only here, at the edge.
//!
//! ```
//! use plantrack_report::xlsx::{Cell, Column, NumFmt, Sheet, SheetChart, Workbook};
//! use rust_decimal_macros::dec;
//!
//! let targets = Sheet::new("主要目标")
//!     .column(Column::text("指标"))
//!     .column(Column::number("目标值", NumFmt::fixed(1)))
//!     .column(Column::number("完成值", NumFmt::fixed(1)))
//!     .row([Cell::from("科技型中小企业（家）"), dec!(50).into(), dec!(52).into()])
//!     .chart(SheetChart::column("目标与完成", 0, [1, 2]));
//! let template = Sheet::new("企业资质")
//!     .column(Column::text("统一社会信用代码").note("18位，含校验码").text_length(18, 18))
//!     .column(Column::text("资质类型").choices(["高新技术企业", "科技型中小企业"]))
//!     .column(Column::date("发证日期").note("格式：2019-12-31"));
//! let bytes = Workbook::new().sheet(targets).sheet(template).to_xlsx()?;
//! assert!(bytes.starts_with(b"PK"));
//! # Ok::<(), plantrack_report::xlsx::XlsxError>(())
//! ```

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Chart, ChartType, DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, Note, Worksheet,
};
use unicode_width::UnicodeWidthStr;

use crate::chart::format_value;

/// An Excel number format. The constructors cover the plan's figures; [`NumFmt::custom`] takes any code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumFmt(pub String);

impl NumFmt {
    /// `#,##0` — counts (家, 人, 项).
    pub fn integer() -> Self {
        NumFmt("#,##0".into())
    }
    /// `#,##0.00` with `decimals` places — amounts (万元).
    pub fn fixed(decimals: u32) -> Self {
        NumFmt(if decimals == 0 {
            "#,##0".into()
        } else {
            format!("#,##0.{}", "0".repeat(decimals as usize))
        })
    }
    /// A value already in percent (2.5 meaning 2.5 %), shown `2.50%` without scaling.
    pub fn percent_points(decimals: u32) -> Self {
        let digits = if decimals == 0 {
            "0".to_owned()
        } else {
            format!("0.{}", "0".repeat(decimals as usize))
        };
        NumFmt(format!("{digits}\"%\""))
    }
    /// A ratio (0.025) shown as a percentage (`2.50%`).
    pub fn ratio_percent(decimals: u32) -> Self {
        let digits = if decimals == 0 {
            "0".to_owned()
        } else {
            format!("0.{}", "0".repeat(decimals as usize))
        };
        NumFmt(format!("{digits}%"))
    }
    pub fn custom(code: impl Into<String>) -> Self {
        NumFmt(code.into())
    }
}

/// What a column holds; decides the cell format and the width estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Number(NumFmt),
    /// Shown `yyyy-mm-dd`.
    Date,
}

/// A check Excel applies to what is typed into a template column (besides drop-down lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueRule {
    /// A number ≥ 0.
    NonNegativeNumber,
    /// A whole number ≥ 0.
    NonNegativeInteger,
    /// A date from 1900-01-01 to 9999-12-31.
    Date,
    /// Text of `min`…`max` characters (e.g. 18 for a 统一社会信用代码).
    TextLength { min: u32, max: u32 },
}

/// A column: header text, kind, optional header note, drop-down choices, a typing rule and a width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub kind: ColumnKind,
    /// A note (批注) on the header cell: what to enter, the unit, an example.
    pub note: Option<String>,
    /// Drop-down list of allowed values (数据验证 → 序列); anything else is refused by Excel.
    pub choices: Vec<String>,
    pub rule: Option<ValueRule>,
    /// Width in Excel character units; fitted to the content when `None`.
    pub width: Option<u32>,
}

impl Column {
    fn new(header: impl Into<String>, kind: ColumnKind) -> Self {
        Column {
            header: header.into(),
            kind,
            note: None,
            choices: Vec::new(),
            rule: None,
            width: None,
        }
    }
    pub fn text(header: impl Into<String>) -> Self {
        Column::new(header, ColumnKind::Text)
    }
    pub fn number(header: impl Into<String>, format: NumFmt) -> Self {
        Column::new(header, ColumnKind::Number(format))
    }
    /// A date column; in templates it also gets the [`ValueRule::Date`] check.
    pub fn date(header: impl Into<String>) -> Self {
        let mut c = Column::new(header, ColumnKind::Date);
        c.rule = Some(ValueRule::Date);
        c
    }
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
    pub fn choices<I, S>(mut self, choices: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.choices = choices.into_iter().map(Into::into).collect();
        self
    }
    pub fn rule(mut self, rule: ValueRule) -> Self {
        self.rule = Some(rule);
        self
    }
    pub fn non_negative(self) -> Self {
        self.rule(ValueRule::NonNegativeNumber)
    }
    pub fn text_length(self, min: u32, max: u32) -> Self {
        self.rule(ValueRule::TextLength { min, max })
    }
    pub fn width(mut self, width: u32) -> Self {
        self.width = Some(width);
        self
    }
}

/// One cell's value. `None` of any option converts to [`Cell::Empty`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(Decimal),
    Date(Date),
}

impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Text(v.to_owned())
    }
}
impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(v)
    }
}
impl From<Decimal> for Cell {
    fn from(v: Decimal) -> Self {
        Cell::Number(v)
    }
}
impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Number(Decimal::from(v))
    }
}
impl From<Date> for Cell {
    fn from(v: Date) -> Self {
        Cell::Date(v)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// Kind of a native Excel chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetChartKind {
    /// Vertical columns.
    Column,
    /// Horizontal bars.
    Bar,
    Line,
}

/// A native Excel chart over a sheet's table: categories from one column, one series per value column
/// (named by its header), placed right of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetChart {
    pub kind: SheetChartKind,
    pub title: String,
    pub category_column: usize,
    pub value_columns: Vec<usize>,
    pub y_axis_title: Option<String>,
}

impl SheetChart {
    pub fn new(
        kind: SheetChartKind,
        title: impl Into<String>,
        category_column: usize,
        value_columns: impl IntoIterator<Item = usize>,
    ) -> Self {
        SheetChart {
            kind,
            title: title.into(),
            category_column,
            value_columns: value_columns.into_iter().collect(),
            y_axis_title: None,
        }
    }
    pub fn column(
        title: impl Into<String>,
        category_column: usize,
        value_columns: impl IntoIterator<Item = usize>,
    ) -> Self {
        SheetChart::new(SheetChartKind::Column, title, category_column, value_columns)
    }
    pub fn line(
        title: impl Into<String>,
        category_column: usize,
        value_columns: impl IntoIterator<Item = usize>,
    ) -> Self {
        SheetChart::new(SheetChartKind::Line, title, category_column, value_columns)
    }
    pub fn y_axis_title(mut self, title: impl Into<String>) -> Self {
        self.y_axis_title = Some(title.into());
        self
    }
}

/// A worksheet holding one table. With a `title`, the title is a merged bold first row and the header
/// the second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    pub title: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub charts: Vec<SheetChart>,
    /// How many rows under the header get the drop-downs and checks (default 1000, at least the data rows).
    pub validation_rows: u32,
}

impl Sheet {
    pub fn new(name: impl Into<String>) -> Self {
        Sheet {
            name: name.into(),
            title: None,
            columns: Vec::new(),
            rows: Vec::new(),
            charts: Vec::new(),
            validation_rows: 1000,
        }
    }
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
    pub fn column(mut self, column: Column) -> Self {
        self.columns.push(column);
        self
    }
    pub fn columns(mut self, columns: impl IntoIterator<Item = Column>) -> Self {
        self.columns.extend(columns);
        self
    }
    /// Adds a row; cells beyond the columns are an error when writing.
    pub fn row<I, C>(mut self, cells: I) -> Self
    where
        I: IntoIterator<Item = C>,
        C: Into<Cell>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }
    pub fn chart(mut self, chart: SheetChart) -> Self {
        self.charts.push(chart);
        self
    }
    pub fn validation_rows(mut self, rows: u32) -> Self {
        self.validation_rows = rows;
        self
    }
    fn header_row(&self) -> u32 {
        u32::from(self.title.is_some())
    }
}

/// Why a workbook could not be written; names the sheet, row and column (row numbers as Excel shows them).
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    #[error("工作表名无效「{name}」：{reason} / invalid sheet name \"{name}\": {reason}")]
    SheetName { name: String, reason: String },
    #[error(
        "工作表「{sheet}」第{row}行第{column}列：{reason} / sheet \"{sheet}\" row {row} column {column}: {reason}"
    )]
    Cell {
        sheet: String,
        row: u32,
        column: u32,
        reason: String,
    },
    #[error(
        "工作表「{sheet}」的图表「{chart}」引用了不存在的列 {column} / chart \"{chart}\" on sheet \"{sheet}\" refers to missing column {column}"
    )]
    ChartColumn {
        sheet: String,
        chart: String,
        column: usize,
    },
    #[error(
        "工作表「{sheet}」第{column}列的下拉列表无效：{reason} / invalid drop-down list in sheet \"{sheet}\" column {column}: {reason}"
    )]
    Validation {
        sheet: String,
        column: u32,
        reason: String,
    },
    #[error("XLSX 写入失败 / writing the XLSX failed: {0}")]
    Write(String),
}

/// Hidden sheet holding drop-down lists too long for Excel's 255-character inline limit.
const LISTS_SHEET: &str = "_lists";

/// A workbook: sheets in order. [`Workbook::to_xlsx`] writes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
    pub author: Option<String>,
}

impl Workbook {
    pub fn new() -> Self {
        Workbook::default()
    }
    pub fn sheet(mut self, sheet: Sheet) -> Self {
        self.sheets.push(sheet);
        self
    }
    pub fn author(mut self, author: impl Into<String>) -> Self {
        self.author = Some(author.into());
        self
    }

    pub fn to_xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let mut props = rust_xlsxwriter::DocProperties::new();
        if let Some(author) = &self.author {
            props = props.set_author(author);
        }
        // A fixed creation time keeps the file reproducible for the same input.
        let created = ExcelDateTime::from_ymd(2000, 1, 1).map_err(|e| XlsxError::Write(e.to_string()))?;
        wb.set_properties(&props.set_creation_datetime(&created));

        let mut lists = ListSheet::default();
        for sheet in &self.sheets {
            let mut ws = Worksheet::new();
            ws.set_name(&sheet.name).map_err(|e| XlsxError::SheetName {
                name: sheet.name.clone(),
                reason: e.to_string(),
            })?;
            write_sheet(&mut ws, sheet, &mut lists)?;
            wb.push_worksheet(ws);
        }
        if !lists.columns.is_empty() {
            let mut ws = Worksheet::new();
            ws.set_name(LISTS_SHEET)
                .map_err(|e| XlsxError::Write(e.to_string()))?;
            for (c, values) in lists.columns.iter().enumerate() {
                let col = col_num(LISTS_SHEET, c)?;
                for (r, v) in values.iter().enumerate() {
                    let row = u32::try_from(r).map_err(|e| XlsxError::Write(e.to_string()))?;
                    ws.write_string(row, col, v)
                        .map_err(|e| XlsxError::Write(e.to_string()))?;
                }
            }
            ws.set_hidden(true);
            wb.push_worksheet(ws);
        }
        wb.save_to_buffer().map_err(|e| XlsxError::Write(e.to_string()))
    }
}

#[derive(Default)]
struct ListSheet {
    columns: Vec<Vec<String>>,
}

impl ListSheet {
    /// Stores `values` in a new column and returns the range formula.
    fn add(&mut self, values: &[String]) -> String {
        let col = self.columns.len();
        self.columns.push(values.to_vec());
        let letter = column_letter(col);
        format!("='{LISTS_SHEET}'!${letter}$1:${letter}${}", values.len().max(1))
    }
}

/// Excel column letters for a 0-based index (0 → A, 26 → AA).
fn column_letter(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

fn col_num(sheet: &str, c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c)
        .ok()
        .filter(|c| *c < 16_384)
        .ok_or_else(|| XlsxError::Cell {
            sheet: sheet.to_owned(),
            row: 1,
            column: u32::try_from(c + 1).unwrap_or(u32::MAX),
            reason: "超过 Excel 的 16384 列 / beyond Excel's 16384 columns".into(),
        })
}

/// Converts a civil date to Excel's date type; Excel knows 1900-01-01 … 9999-12-31.
fn excel_date(d: Date) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok().filter(|y| *y >= 1900)?;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// Width in Excel character units of a displayed string: a CJK character counts two.
fn display_width(s: &str) -> usize {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet, lists: &mut ListSheet) -> Result<(), XlsxError> {
    let name = &sheet.name;
    let cols = sheet.columns.len();
    let header_row = sheet.header_row();
    let first_data = header_row + 1;
    let err = |e: rust_xlsxwriter::XlsxError| XlsxError::Write(format!("{name}: {e}"));

    let header_fmt = Format::new()
        .set_bold()
        .set_background_color("D9E1F2")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let formats: Vec<Option<Format>> = sheet
        .columns
        .iter()
        .map(|c| match &c.kind {
            ColumnKind::Text => None,
            ColumnKind::Number(f) => Some(Format::new().set_num_format(&f.0)),
            ColumnKind::Date => Some(date_fmt.clone()),
        })
        .collect();

    if let Some(title) = &sheet.title {
        let title_fmt = Format::new()
            .set_bold()
            .set_font_size(14)
            .set_align(FormatAlign::Center);
        let last = col_num(name, cols.saturating_sub(1))?;
        if last > 0 {
            ws.merge_range(0, 0, 0, last, title, &title_fmt).map_err(err)?;
        } else {
            ws.write_string_with_format(0, 0, title, &title_fmt)
                .map_err(err)?;
        }
        ws.set_row_height(0, 24).map_err(err)?;
    }

    let mut widths: Vec<usize> = sheet.columns.iter().map(|c| display_width(&c.header)).collect();
    for (c, column) in sheet.columns.iter().enumerate() {
        let col = col_num(name, c)?;
        ws.write_string_with_format(header_row, col, &column.header, &header_fmt)
            .map_err(err)?;
        if let Some(note) = &column.note {
            // Notes are sized for Chinese text: about 16 characters a line.
            let lines =
                u32::try_from(display_width(note) / 32 + 1 + note.matches('\n').count()).unwrap_or(10);
            let note = Note::new(note)
                .add_author_prefix(false)
                .set_width(260)
                .set_height(24 + 18 * lines.min(20));
            ws.insert_note(header_row, col, &note).map_err(err)?;
        }
    }

    for (r, row) in sheet.rows.iter().enumerate() {
        let excel_row = u32::try_from(r)
            .ok()
            .and_then(|r| r.checked_add(first_data))
            .filter(|r| *r < 1_048_576);
        let Some(excel_row) = excel_row else {
            return Err(XlsxError::Cell {
                sheet: name.clone(),
                row: u32::MAX,
                column: 1,
                reason: "超过 Excel 的 1048576 行 / beyond Excel's 1048576 rows".into(),
            });
        };
        if row.len() > cols {
            return Err(XlsxError::Cell {
                sheet: name.clone(),
                row: excel_row + 1,
                column: u32::try_from(cols + 1).unwrap_or(u32::MAX),
                reason: format!(
                    "该行有{}个单元格，表头只有{cols}列 / the row has {} cells for {cols} columns",
                    row.len(),
                    row.len()
                ),
            });
        }
        for (c, cell) in row.iter().enumerate() {
            let col = col_num(name, c)?;
            let cell_err = |reason: String| XlsxError::Cell {
                sheet: name.clone(),
                row: excel_row + 1,
                column: u32::from(col) + 1,
                reason,
            };
            let shown = match cell {
                Cell::Empty => 0,
                Cell::Text(s) => {
                    ws.write_string(excel_row, col, s)
                        .map_err(|e| cell_err(e.to_string()))?;
                    display_width(s)
                }
                Cell::Number(v) => {
                    let f = v
                        .to_f64()
                        .ok_or_else(|| cell_err(format!("数值 {v} 无法写入 / cannot write {v}")))?;
                    match &formats[c] {
                        Some(fmt) => ws.write_number_with_format(excel_row, col, f, fmt),
                        None => ws.write_number(excel_row, col, f),
                    }
                    .map_err(|e| cell_err(e.to_string()))?;
                    // Grouped digits plus a little room for the format's decimals and unit.
                    format_value(*v, 2).len() + 3
                }
                Cell::Date(d) => {
                    let date = excel_date(*d).ok_or_else(|| {
                        cell_err(format!("日期 {d} 超出 Excel 的范围（1900–9999年） / date {d} is outside Excel's range 1900–9999"))
                    })?;
                    ws.write_datetime_with_format(excel_row, col, &date, &date_fmt)
                        .map_err(|e| cell_err(e.to_string()))?;
                    10
                }
            };
            widths[c] = widths[c].max(shown);
        }
    }

    for (c, column) in sheet.columns.iter().enumerate() {
        let col = col_num(name, c)?;
        let fitted = u32::try_from(widths[c] + 2).unwrap_or(60).clamp(8, 60);
        ws.set_column_width(col, f64::from(column.width.unwrap_or(fitted)))
            .map_err(err)?;
    }
    ws.set_freeze_panes(first_data, 0).map_err(err)?;
    if !sheet.rows.is_empty() && cols > 0 {
        let last_row = header_row + u32::try_from(sheet.rows.len()).unwrap_or(0);
        ws.autofilter(header_row, 0, last_row, col_num(name, cols - 1)?)
            .map_err(err)?;
    }

    // Drop-downs and checks on the data rows (and on empty rows under them, for typing).
    let data_rows = u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX);
    let last_validated = first_data
        .saturating_add(sheet.validation_rows.max(data_rows))
        .saturating_sub(1)
        .min(1_048_575);
    for (c, column) in sheet.columns.iter().enumerate() {
        let col = col_num(name, c)?;
        let v_err = |reason: String| XlsxError::Validation {
            sheet: name.clone(),
            column: u32::from(col) + 1,
            reason,
        };
        let validation = if !column.choices.is_empty() {
            let inline_len: usize = column.choices.iter().map(|s| s.encode_utf16().count() + 1).sum();
            let dv = if inline_len <= 255 {
                DataValidation::new()
                    .allow_list_strings(&column.choices)
                    .map_err(|e| v_err(e.to_string()))?
            } else {
                DataValidation::new().allow_list_formula(Formula::new(lists.add(&column.choices)))
            };
            Some(
                dv.set_error_title("无效的值")
                    .and_then(|dv| {
                        dv.set_error_message(format!(
                            "请从下拉列表中选择「{}」的值。\nChoose a value from the list.",
                            column.header
                        ))
                    })
                    .map_err(|e| v_err(e.to_string()))?,
            )
        } else {
            match column.rule {
                None => None,
                Some(ValueRule::NonNegativeNumber) => Some(
                    DataValidation::new().allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
                ),
                Some(ValueRule::NonNegativeInteger) => Some(
                    DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
                ),
                Some(ValueRule::Date) => {
                    let (Ok(lo), Ok(hi)) = (
                        ExcelDateTime::from_ymd(1900, 1, 1),
                        ExcelDateTime::from_ymd(9999, 12, 31),
                    ) else {
                        return Err(v_err("date range".into()));
                    };
                    Some(DataValidation::new().allow_date(DataValidationRule::Between(lo, hi)))
                }
                Some(ValueRule::TextLength { min, max }) => {
                    let rule = if min == max {
                        DataValidationRule::EqualTo(min)
                    } else {
                        DataValidationRule::Between(min, max)
                    };
                    Some(DataValidation::new().allow_text_length(rule))
                }
            }
            .map(|dv| dv.set_error_style(DataValidationErrorStyle::Stop))
        };
        if let Some(dv) = validation {
            ws.add_data_validation(first_data, col, last_validated, col, &dv)
                .map_err(|e| v_err(e.to_string()))?;
        }
    }

    // Native charts, stacked right of the table.
    let data_last = header_row + data_rows;
    for (i, spec) in sheet.charts.iter().enumerate() {
        let missing = std::iter::once(spec.category_column)
            .chain(spec.value_columns.iter().copied())
            .find(|c| *c >= cols);
        if let Some(column) = missing {
            return Err(XlsxError::ChartColumn {
                sheet: name.clone(),
                chart: spec.title.clone(),
                column,
            });
        }
        let mut chart = Chart::new(match spec.kind {
            SheetChartKind::Column => ChartType::Column,
            SheetChartKind::Bar => ChartType::Bar,
            SheetChartKind::Line => ChartType::Line,
        });
        chart.title().set_name(&spec.title);
        if let Some(y) = &spec.y_axis_title {
            chart.y_axis().set_name(y);
        }
        let cat = col_num(name, spec.category_column)?;
        for vc in &spec.value_columns {
            let vc = col_num(name, *vc)?;
            chart
                .add_series()
                .set_categories((name.as_str(), first_data, cat, data_last.max(first_data), cat))
                .set_values((name.as_str(), first_data, vc, data_last.max(first_data), vc))
                .set_name((name.as_str(), header_row, vc));
        }
        let at_row = header_row + 16 * u32::try_from(i).unwrap_or(0);
        let at_col = col_num(name, cols + 1)?;
        ws.insert_chart(at_row, at_col, &chart).map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
