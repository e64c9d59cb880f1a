//! Writing the files people fill in and get back: an import template per kind (header notes, drop-down lists,
//! typing checks, and a sheet of instructions), exports of stored rows with the same headers (so an export
//! imports back unchanged), and CSV files (UTF-8 with BOM, so Excel opens them right) for large exports and
//! `plantrack gen`.

use std::io::Write;

use jiff::civil::Date;
use plantrack_core::registry::vocab::{self, Vocabulary};
use plantrack_core::registry::{
    Achievement, Code, EnterpriseYearRow, FiscalSupport, IpPledgeFinancing, Observation, OrgUnit, Platform,
    Qualification, Talent, TechContract,
};
use plantrack_report::xlsx::{self as x, Cell as XCell, NumFmt, XlsxError};
use rust_decimal::Decimal;

use crate::schema::{Field, FieldType, Kind};

/// One value to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// Nothing.
    Empty,
    /// Text (codes included: never turned into numbers).
    Text(String),
    /// A number.
    Number(Decimal),
    /// A date.
    Date(Date),
}

impl Out {
    fn text(s: &str) -> Out {
        Out::Text(s.to_owned())
    }
    fn opt_text(s: Option<&str>) -> Out {
        s.map_or(Out::Empty, Out::text)
    }
    fn num(d: Option<Decimal>) -> Out {
        d.map_or(Out::Empty, Out::Number)
    }
    fn int(i: Option<i64>) -> Out {
        i.map_or(Out::Empty, |i| Out::Number(Decimal::from(i)))
    }
    fn date(d: Option<Date>) -> Out {
        d.map_or(Out::Empty, Out::Date)
    }

    /// The value as CSV text; text that a spreadsheet would run as a formula gets a leading `'`
    /// ([`crate::formula`]), numbers and dates are written as they are.
    pub fn csv_text(&self) -> String {
        match self {
            Out::Empty => String::new(),
            Out::Text(s) => crate::formula::guard(s).into_owned(),
            Out::Number(d) => d.normalize().to_string(),
            Out::Date(d) => d.to_string(),
        }
    }

    fn xlsx(self) -> XCell {
        match self {
            Out::Empty => XCell::Empty,
            Out::Text(s) => XCell::Text(s),
            Out::Number(d) => XCell::Number(d),
            Out::Date(d) => XCell::Date(d),
        }
    }
}

/// A stored code as its Chinese label (what templates offer and imports read back).
fn label(list: &Vocabulary, code: &str) -> Out {
    Out::text(list.zh(code))
}

/// A stored record as one row of its kind's file (all columns, extras included, in schema order).
pub trait ToRow {
    /// The kind of file it belongs to.
    const KIND: Kind;
    /// Its cells.
    fn cells(&self) -> Vec<Out>;
}

impl ToRow for EnterpriseYearRow {
    const KIND: Kind = Kind::Enterprises;
    fn cells(&self) -> Vec<Out> {
        let (e, y) = (&self.enterprise, &self.figures);
        vec![
            Out::text(&e.uscc),
            Out::text(&e.name),
            Out::date(e.founded_on),
            Out::opt_text(y.org_unit_code.as_deref().or(e.org_unit_code.as_deref())),
            Out::opt_text(e.industry_code.as_deref()),
            Out::opt_text(e.high_tech_field.as_deref()),
            Out::Number(Decimal::from(y.year)),
            Out::int(y.employees),
            Out::int(y.tech_staff),
            Out::num(y.sales_revenue),
            Out::num(y.main_business_revenue),
            Out::num(y.total_revenue),
            Out::num(y.high_tech_revenue),
            Out::num(y.total_assets),
            Out::num(y.total_liabilities),
            Out::num(y.total_cost),
            Out::num(y.rd_expense),
            Out::num(y.domestic_rd_expense),
            Out::int(y.ip_class1),
            Out::int(y.ip_class2),
            y.rd_institution_level
                .as_deref()
                .map_or(Out::Empty, |l| label(&vocab::RD_LEVELS, l)),
            Out::int(y.achievements_transformed),
            y.above_scale_industrial
                .map_or(Out::Empty, |b| label(&vocab::YES_NO, if b { "1" } else { "0" })),
        ]
    }
}

impl ToRow for Qualification {
    const KIND: Kind = Kind::Qualifications;
    fn cells(&self) -> Vec<Out> {
        vec![
            Out::text(&self.uscc),
            label(&vocab::QUALIFICATION_KINDS, self.kind.code()),
            Out::text(&self.number),
            Out::Date(self.issued_on),
            Out::Number(Decimal::from(self.year)),
            Out::date(self.revoked_on),
        ]
    }
}

impl ToRow for TechContract {
    const KIND: Kind = Kind::Contracts;
    fn cells(&self) -> Vec<Out> {
        vec![
            Out::text(&self.contract_number),
            Out::text(&self.contract_type),
            Out::Date(self.registered_on),
            Out::text(&self.seller_uscc),
            Out::opt_text(self.buyer_name.as_deref()),
            Out::Number(self.turnover),
            Out::num(self.tech_turnover),
            Out::text(&self.org_unit_code),
        ]
    }
}

impl ToRow for Talent {
    const KIND: Kind = Kind::Talents;
    fn cells(&self) -> Vec<Out> {
        vec![
            Out::text(&self.name),
            Out::text(&self.category),
            Out::Date(self.introduced_on),
            Out::opt_text(self.employer_uscc.as_deref()),
            Out::text(&self.org_unit_code),
            Out::opt_text(self.note.as_deref()),
        ]
    }
}

impl ToRow for Platform {
    const KIND: Kind = Kind::Platforms;
    fn cells(&self) -> Vec<Out> {
        vec![
            Out::text(&self.name),
            label(&vocab::PLATFORM_KINDS, self.kind.code()),
            Out::opt_text(self.level.as_deref()),
            Out::Date(self.recognised_on),
            Out::date(self.revoked_on),
            Out::text(&self.org_unit_code),
            Out::opt_text(self.host_unit.as_deref()),
            Out::opt_text(self.host_uscc.as_deref()),
        ]
    }
}

impl ToRow for Observation {
    const KIND: Kind = Kind::Observations;
    fn cells(&self) -> Vec<Out> {
        vec![
            Out::text(&self.org_unit_code),
            Out::text(&self.period),
            Out::text(&self.data_element),
            Out::Number(self.value),
            Out::opt_text(self.source.as_deref()),
            Out::opt_text(self.entered_by.as_deref()),
        ]
    }
}

impl ToRow for IpPledgeFinancing {
    const KIND: Kind = Kind::Financing;
    fn cells(&self) -> Vec<Out> {
        vec![
            Out::text(&self.registration_number),
            Out::text(&self.uscc),
            Out::text(&self.pledgee),
            Out::Number(self.amount),
            Out::Date(self.registered_on),
            Out::int(self.patent_count),
            Out::text(&self.org_unit_code),
            Out::opt_text(self.note.as_deref()),
        ]
    }
}

impl ToRow for FiscalSupport {
    const KIND: Kind = Kind::Funding;
    fn cells(&self) -> Vec<Out> {
        vec![
            Out::text(&self.program),
            Out::text(&self.recipient_name),
            Out::opt_text(self.recipient_uscc.as_deref()),
            Out::Number(self.amount),
            Out::Date(self.paid_on),
            Out::opt_text(self.department_code.as_deref()),
            Out::text(&self.org_unit_code),
            Out::opt_text(self.document_number.as_deref()),
        ]
    }
}

impl ToRow for Achievement {
    const KIND: Kind = Kind::Achievements;
    fn cells(&self) -> Vec<Out> {
        vec![
            label(&vocab::ACHIEVEMENT_KINDS, self.kind.code()),
            Out::text(&self.title),
            Out::text(&self.owner_name),
            Out::opt_text(self.owner_uscc.as_deref()),
            Out::opt_text(self.level.as_deref()),
            Out::date(self.recognised_on),
            Out::opt_text(self.evidence.as_deref()),
            Out::text(&self.org_unit_code),
        ]
    }
}

impl ToRow for OrgUnit {
    const KIND: Kind = Kind::OrgUnits;
    fn cells(&self) -> Vec<Out> {
        vec![
            Out::text(&self.code),
            Out::text(&self.name),
            Out::opt_text(self.parent_code.as_deref()),
            label(&vocab::ORG_LEVELS, &self.level),
            Out::Date(self.valid_from),
            Out::date(self.valid_to),
        ]
    }
}

/// A field's template note: what to enter, in both languages.
fn note(c: &Field) -> String {
    match (c.note_zh.is_empty(), c.note_en.is_empty()) {
        (false, false) => format!("{} / {}", c.note_zh, c.note_en),
        (false, true) => c.note_zh.to_owned(),
        _ => c.note_en.to_owned(),
    }
}

/// A workbook column for a field.
fn xlsx_column(c: &Field, template: bool) -> x::Column {
    let base = match c.ty {
        FieldType::Date => x::Column::date(c.zh),
        FieldType::Amount => x::Column::number(c.zh, NumFmt::fixed(2)),
        FieldType::Count | FieldType::Year => x::Column::number(c.zh, NumFmt::custom("0")),
        FieldType::Number => x::Column::number(c.zh, NumFmt::custom("General")),
        _ => x::Column::text(c.zh),
    };
    if !template {
        return base;
    }
    let required = if c.required { "必填。" } else { "选填。" };
    let mut col = base.note(format!("{required}{}", note(c)));
    match c.ty {
        FieldType::Choice(list) => {
            col = col.choices(list.terms.iter().map(|t| t.zh.to_owned()));
        }
        FieldType::Amount | FieldType::Number => col = col.non_negative(),
        FieldType::Count => col = col.rule(x::ValueRule::NonNegativeInteger),
        FieldType::Uscc => col = col.text_length(18, 18),
        _ => {}
    }
    col
}

/// The import template of `kind`: the data sheet (headers with notes, drop-downs and checks, no rows) and a
/// sheet of instructions (填写说明).
pub fn template(kind: Kind) -> Result<Vec<u8>, XlsxError> {
    let cols: Vec<&Field> = kind.fields().iter().filter(|c| c.in_template).collect();
    let data = x::Sheet::new(kind.name_zh()).columns(cols.iter().map(|c| xlsx_column(c, true)));
    let mut help = x::Sheet::new("填写说明")
        .column(x::Column::text("列 column"))
        .column(x::Column::text("是否必填 required"))
        .column(x::Column::text("说明 what to enter").width(60));
    for c in kind.fields() {
        let choices = match c.ty {
            FieldType::Choice(list) => format!("（可选：{}）", list.list_zh()),
            FieldType::Text { max_chars, .. } | FieldType::Code { max_chars } => {
                format!("（最多{max_chars}字 / at most {max_chars} characters）")
            }
            _ => String::new(),
        };
        help = help.row([
            XCell::Text(c.zh.to_owned()),
            XCell::Text(
                if c.required {
                    "必填 required"
                } else {
                    "选填 optional"
                }
                .into(),
            ),
            XCell::Text(format!("{}{choices}", note(c))),
        ]);
    }
    help = help.row([
        XCell::Text("整个文件 whole file".into()),
        XCell::Empty,
        XCell::Text(
            "任一行有错则整个文件不导入，并列出每个错误的行、列和原因；同一文件重复导入不会产生重复数据。/ \
             One bad row and nothing is imported; every problem is listed by row, column and reason. \
             Importing the same file again changes nothing."
                .into(),
        ),
    ]);
    x::Workbook::new()
        .author("plantrack")
        .sheet(data)
        .sheet(help)
        .to_xlsx()
}

/// Stored rows of one kind as a workbook with the import headers (all columns), so it imports back unchanged.
pub fn export_workbook<T: ToRow>(rows: &[T]) -> Result<Vec<u8>, XlsxError> {
    let mut sheet = x::Sheet::new(T::KIND.name_zh())
        .columns(T::KIND.fields().iter().map(|c| xlsx_column(c, false)))
        .validation_rows(0);
    sheet.rows.reserve(rows.len());
    for r in rows {
        sheet.rows.push(r.cells().into_iter().map(Out::xlsx).collect());
    }
    x::Workbook::new().author("plantrack").sheet(sheet).to_xlsx()
}

/// A table of any headers and rows as a workbook (the indicator table export).
pub fn table_workbook(sheet_name: &str, headers: &[&str], rows: Vec<Vec<Out>>) -> Result<Vec<u8>, XlsxError> {
    let mut sheet = x::Sheet::new(sheet_name)
        .columns(headers.iter().map(|h| x::Column::text(*h)))
        .validation_rows(0);
    for r in rows {
        sheet.rows.push(r.into_iter().map(Out::xlsx).collect());
    }
    x::Workbook::new().author("plantrack").sheet(sheet).to_xlsx()
}

/// Writes rows of one kind as CSV (UTF-8 with BOM, all columns with their Chinese headers).
pub struct CsvOut<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> CsvOut<W> {
    /// Start a CSV of `kind` on `out` (BOM and header written).
    pub fn new(kind: Kind, out: W) -> std::io::Result<CsvOut<W>> {
        let headers: Vec<&str> = kind.fields().iter().map(|c| c.zh).collect();
        CsvOut::with_headers(&headers, out)
    }

    /// Start a CSV with any headers.
    pub fn with_headers(headers: &[&str], mut out: W) -> std::io::Result<CsvOut<W>> {
        out.write_all(b"\xEF\xBB\xBF")?;
        let mut inner = csv::Writer::from_writer(out);
        inner.write_record(headers).map_err(std::io::Error::other)?;
        Ok(CsvOut { inner })
    }

    /// Write one record.
    pub fn row<T: ToRow>(&mut self, record: &T) -> std::io::Result<()> {
        self.cells(&record.cells())
    }

    /// Write one row of values.
    pub fn cells(&mut self, cells: &[Out]) -> std::io::Result<()> {
        let texts: Vec<String> = cells.iter().map(Out::csv_text).collect();
        self.inner.write_record(&texts).map_err(std::io::Error::other)
    }

    /// Flush and return the writer.
    pub fn finish(self) -> std::io::Result<W> {
        self.inner
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
}
