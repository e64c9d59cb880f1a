//! Writing the files people fill in and get back: an import template per kind (header notes, drop-down lists,
//! typing checks, and a sheet of instructions), exports of stored rows with the same headers (so an export
//! imports back unchanged), and CSV files (UTF-8 with BOM, so Excel opens them right) for large exports and
//! `plantrack gen`.

use std::io::Write;

use jiff::civil::Date;
use plantrack_report::xlsx::{self as x, Cell as XCell, NumFmt, XlsxError};
use plantrack_store::enterprises::{EnterpriseYearRow, Qualification};
use plantrack_store::observations::Observation;
use plantrack_store::org::OrgUnit;
use plantrack_store::registries::{
    Achievement, FiscalSupport, IpPledgeFinancing, Platform, Talent, TechContract,
};
use plantrack_store::sql::CodeEnum;
use rust_decimal::Decimal;

use crate::schema::{
    ACHIEVEMENT_KINDS, Column, Kind, ORG_LEVELS, PLATFORM_KINDS, QUALIFICATION_KINDS, RD_LEVELS, Value,
    YES_NO,
};

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

fn label(list: &[crate::schema::Choice], code: &str) -> Out {
    list.iter()
        .find(|c| c.code == code)
        .map_or_else(|| Out::text(code), |c| Out::text(c.label))
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
                .map_or(Out::Empty, |l| label(RD_LEVELS, l)),
            Out::int(y.achievements_transformed),
            y.above_scale_industrial
                .map_or(Out::Empty, |b| label(YES_NO, if b { "1" } else { "0" })),
        ]
    }
}

impl ToRow for Qualification {
    const KIND: Kind = Kind::Qualifications;
    fn cells(&self) -> Vec<Out> {
        vec![
            Out::text(&self.uscc),
            label(QUALIFICATION_KINDS, self.kind.code()),
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
            label(PLATFORM_KINDS, self.kind.code()),
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
            label(ACHIEVEMENT_KINDS, self.kind.code()),
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
            label(ORG_LEVELS, &self.level),
            Out::Date(self.valid_from),
            Out::date(self.valid_to),
        ]
    }
}

/// A workbook column for a schema column.
fn xlsx_column(c: &Column, template: bool) -> x::Column {
    let base = match c.value {
        Value::Date => x::Column::date(c.header),
        Value::Amount => x::Column::number(c.header, NumFmt::fixed(2)),
        Value::Count | Value::Year => x::Column::number(c.header, NumFmt::custom("0")),
        Value::Number => x::Column::number(c.header, NumFmt::custom("General")),
        _ => x::Column::text(c.header),
    };
    if !template {
        return base;
    }
    let required = if c.required { "必填。" } else { "选填。" };
    let mut col = base.note(format!("{required}{}", c.note));
    match c.value {
        Value::Choice(list) => {
            col = col.choices(list.iter().map(|ch| ch.label.to_owned()));
        }
        Value::Amount | Value::Number => col = col.non_negative(),
        Value::Count => col = col.rule(x::ValueRule::NonNegativeInteger),
        Value::Uscc => col = col.text_length(18, 18),
        _ => {}
    }
    col
}

/// The import template of `kind`: the data sheet (headers with notes, drop-downs and checks, no rows) and a
/// sheet of instructions (填写说明).
pub fn template(kind: Kind) -> Result<Vec<u8>, XlsxError> {
    let cols: Vec<&Column> = kind.columns().iter().filter(|c| c.in_template).collect();
    let data = x::Sheet::new(kind.name_zh()).columns(cols.iter().map(|c| xlsx_column(c, true)));
    let mut help = x::Sheet::new("填写说明")
        .column(x::Column::text("列 column"))
        .column(x::Column::text("是否必填 required"))
        .column(x::Column::text("说明 what to enter").width(60));
    for c in kind.columns() {
        let choices = match c.value {
            Value::Choice(list) => format!(
                "(可选: {})",
                list.iter().map(|ch| ch.label).collect::<Vec<_>>().join("、")
            ),
            _ => String::new(),
        };
        help = help.row([
            XCell::Text(c.header.to_owned()),
            XCell::Text(
                if c.required {
                    "必填 required"
                } else {
                    "选填 optional"
                }
                .into(),
            ),
            XCell::Text(format!("{}{choices}", c.note)),
        ]);
    }
    help = help.row([
        XCell::Text("整个文件 whole file".into()),
        XCell::Empty,
        XCell::Text(
            "任一行有错则整个文件不导入,并列出每个错误的行、列和原因;同一文件重复导入不会产生重复数据。/ \
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
        .columns(T::KIND.columns().iter().map(|c| xlsx_column(c, false)))
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
        let headers: Vec<&str> = kind.columns().iter().map(|c| c.header).collect();
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
