//! Typed rows from a file: [`Parser::open`] finds the header row and maps it onto the kind's columns; then
//! [`Parser::next_batch`] turns rows into the store's records, checking every cell and every row (USCC check
//! digit, dates, numbers ≥ 0, 科技人员 ≤ 职工, 境内研发 ≤ 研发, 技术交易额 ≤ 成交额, known org units, departments
//! and data elements, duplicates within the file). Problems are collected for every row; the caller imports
//! nothing if there is any (all or nothing).

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;
use plantrack_core::period::Period;
use plantrack_core::plan::{ElementSource, Plan};
use plantrack_core::qualify::{IndustryCode, Uscc};
use plantrack_store::enterprises::{
    Enterprise, EnterpriseYear, EnterpriseYearRow, Qualification, QualificationKind,
};
use plantrack_store::observations::Observation;
use plantrack_store::org::OrgUnit;
use plantrack_store::registries::{
    Achievement, AchievementKind, FiscalSupport, IpPledgeFinancing, Platform, PlatformKind, Talent,
    TechContract,
};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::cell::{self, Cell, Reason};
use crate::report::Problem;
use crate::schema::{Choice, Column, HeaderIndex, Kind, Value};
use crate::source::{self, Encoding, Format, Rows};

/// What the checks need to know besides the file: known org units, the plan's data elements and departments,
/// and who imports (written on observations).
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Codes of known org units (the store's and the plan's).
    pub org_units: HashSet<String>,
    /// Data elements by id and by Chinese name.
    pub elements: HashMap<String, ElementRef>,
    /// Department ids by id, full name and short name.
    pub departments: HashMap<String, String>,
    /// Who imports (the observation's `entered_by`).
    pub actor: Option<String>,
}

/// A plan data element as the observation import sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementRef {
    /// Its id.
    pub id: String,
    /// Its Chinese name.
    pub name_zh: String,
    /// The registry rule it is derived by, if derived (then it cannot be imported).
    pub derived_by: Option<&'static str>,
}

impl Context {
    /// The context of `plan`, with more known org units (the store's).
    pub fn for_plan(
        plan: &Plan,
        org_units: impl IntoIterator<Item = String>,
        actor: Option<String>,
    ) -> Context {
        let mut cx = Context {
            org_units: org_units.into_iter().collect(),
            actor,
            ..Context::default()
        };
        cx.org_units
            .extend(plan.org_units().iter().map(|u| u.code.to_string()));
        for e in plan.data_elements() {
            let r = ElementRef {
                id: e.id.to_string(),
                name_zh: e.name_zh.clone(),
                derived_by: match e.source {
                    ElementSource::Derived(rule) => Some(rule.name()),
                    ElementSource::Observed => None,
                },
            };
            cx.elements.insert(e.name_zh.clone(), r.clone());
            cx.elements.insert(e.id.to_string(), r);
        }
        for d in plan.departments() {
            for name in [d.id.to_string(), d.name_zh.clone(), d.short_zh.clone()] {
                cx.departments.insert(name, d.id.to_string());
            }
        }
        cx
    }
}

/// Typed records of one kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Records {
    /// 企业年报 rows.
    Enterprises(Vec<EnterpriseYearRow>),
    /// Certificates and registrations.
    Qualifications(Vec<Qualification>),
    /// Contracts.
    Contracts(Vec<TechContract>),
    /// Talents.
    Talents(Vec<Talent>),
    /// Platforms.
    Platforms(Vec<Platform>),
    /// Observations.
    Observations(Vec<Observation>),
    /// IP-pledge financing.
    Financing(Vec<IpPledgeFinancing>),
    /// Fiscal support.
    Funding(Vec<FiscalSupport>),
    /// Achievements.
    Achievements(Vec<Achievement>),
    /// Org units.
    OrgUnits(Vec<OrgUnit>),
}

impl Records {
    fn with_capacity(kind: Kind, rows: usize) -> Records {
        match kind {
            Kind::Enterprises => Records::Enterprises(Vec::with_capacity(rows)),
            Kind::Qualifications => Records::Qualifications(Vec::with_capacity(rows)),
            Kind::Contracts => Records::Contracts(Vec::with_capacity(rows)),
            Kind::Talents => Records::Talents(Vec::with_capacity(rows)),
            Kind::Platforms => Records::Platforms(Vec::with_capacity(rows)),
            Kind::Observations => Records::Observations(Vec::with_capacity(rows)),
            Kind::Financing => Records::Financing(Vec::with_capacity(rows)),
            Kind::Funding => Records::Funding(Vec::with_capacity(rows)),
            Kind::Achievements => Records::Achievements(Vec::with_capacity(rows)),
            Kind::OrgUnits => Records::OrgUnits(Vec::with_capacity(rows)),
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        match self {
            Records::Enterprises(v) => v.len(),
            Records::Qualifications(v) => v.len(),
            Records::Contracts(v) => v.len(),
            Records::Talents(v) => v.len(),
            Records::Platforms(v) => v.len(),
            Records::Observations(v) => v.len(),
            Records::Financing(v) => v.len(),
            Records::Funding(v) => v.len(),
            Records::Achievements(v) => v.len(),
            Records::OrgUnits(v) => v.len(),
        }
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Rows read in one go: the good records, their row numbers, and the problems of this stretch of the file.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The records of rows without problems.
    pub records: Records,
    /// The row number of each record.
    pub rows: Vec<u64>,
    /// Problems found in this stretch.
    pub problems: Vec<Problem>,
}

/// Facts about the file, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileInfo {
    /// XLSX, XLS, ODS or CSV.
    pub format: Format,
    /// The text encoding of a CSV.
    pub encoding: Option<Encoding>,
    /// The sheet read (workbooks).
    pub sheet: Option<String>,
    /// Row number of the header.
    pub header_row: u64,
    /// Columns recognised, as (header in the file, column id).
    pub columns: Vec<(String, String)>,
    /// Headers of the file that are not columns of this kind (ignored, reported as warnings).
    pub ignored_columns: Vec<String>,
}

/// Reads one file of one kind, batch by batch.
#[derive(Debug)]
pub struct Parser {
    kind: Kind,
    rows: Rows,
    map: Vec<Option<usize>>,
    headers: Vec<String>,
    info: FileInfo,
    seen: rustc_hash::FxHashMap<String, u64>,
    file_org_units: Vec<(u64, String, Option<String>)>,
    data_rows: u64,
    done: bool,
}

/// Rows of the first lines searched for the header (a title row or two above it are common).
const HEADER_SEARCH_ROWS: usize = 20;

impl Parser {
    /// Detect the format, decode, and find the header row. Errors are the file's problems (nothing read).
    pub fn open(bytes: Vec<u8>, file_name: &str, kind: Kind) -> Result<Parser, Vec<Problem>> {
        let format = source::detect(&bytes, file_name).map_err(|p| vec![p])?;
        let (sheets, encoding) = match format {
            Format::Csv => {
                let (text, enc) = source::decode_text(bytes).map_err(|p| vec![p])?;
                (vec![Rows::csv(text)], Some(enc))
            }
            _ => (
                source::workbook_sheets(bytes, format, file_name).map_err(|p| vec![p])?,
                None,
            ),
        };
        let index = HeaderIndex::new(kind);
        let columns = kind.columns();
        let mut best: Option<(Vec<Problem>, usize)> = None;
        for mut rows in sheets {
            match find_header(&mut rows, &index, columns) {
                Ok((header_row, headers, map, ignored)) => {
                    let sheet = match &rows {
                        Rows::Sheet { name, .. } => Some(name.clone()),
                        Rows::Csv { .. } => None,
                    };
                    let info = FileInfo {
                        format,
                        encoding,
                        sheet,
                        header_row,
                        columns: map
                            .iter()
                            .enumerate()
                            .filter_map(|(i, m)| m.map(|f| (headers[f].clone(), columns[i].id.to_owned())))
                            .collect(),
                        ignored_columns: ignored,
                    };
                    return Ok(Parser {
                        kind,
                        rows,
                        map,
                        headers,
                        info,
                        seen: rustc_hash::FxHashMap::default(),
                        file_org_units: Vec::new(),
                        data_rows: 0,
                        done: false,
                    });
                }
                Err((problems, matched)) => {
                    if best.as_ref().is_none_or(|(_, m)| matched > *m) {
                        best = Some((problems, matched));
                    }
                }
            }
        }
        Err(best.map(|b| b.0).unwrap_or_default())
    }

    /// The kind of file.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// What was found about the file.
    pub fn info(&self) -> &FileInfo {
        &self.info
    }

    /// Data rows read so far (blank rows not counted).
    pub fn data_rows(&self) -> u64 {
        self.data_rows
    }

    /// Progress through the file: (done, total), bytes for CSV, rows for sheets.
    pub fn progress(&self) -> (u64, u64) {
        self.rows.progress()
    }

    /// Warnings that do not block the import (columns ignored).
    pub fn warnings(&self) -> Vec<Problem> {
        self.info
            .ignored_columns
            .iter()
            .map(|h| Problem {
                row: Some(self.info.header_row),
                column: Some(h.clone()),
                value: None,
                message_zh: "不是此类文件的列,已忽略".into(),
                message_en: "not a column of this kind of file; ignored".into(),
            })
            .collect()
    }

    /// Up to `max` more rows as typed records (problems of bad rows beside them); `None` at the end of the file.
    pub fn next_batch(&mut self, max: usize, cx: &Context) -> Option<Batch> {
        if self.done {
            return None;
        }
        // Room for the rows this batch will hold: `max`, or fewer when the rest of the file is shorter.
        let (done, total) = self.rows.progress();
        let left = match (self.data_rows, done) {
            (0, _) | (_, 0) => max,
            (rows, done) => usize::try_from(rows.saturating_mul(total.saturating_sub(done)) / done)
                .unwrap_or(max)
                .saturating_add(64),
        };
        let room = max.min(left).min(1 << 16);
        let mut batch = Batch {
            records: Records::with_capacity(self.kind, room),
            rows: Vec::with_capacity(room),
            problems: Vec::new(),
        };
        let mut read = 0;
        while read < max {
            let Some(next) = self.rows.next_row() else {
                self.done = true;
                batch.problems.extend(self.finish(cx));
                break;
            };
            let row = match next {
                Ok(r) => r,
                Err(p) => {
                    batch.problems.push(p);
                    continue;
                }
            };
            if row.cells.iter().all(Cell::is_blank) {
                continue;
            }
            read += 1;
            self.data_rows += 1;
            let number = row.number;
            let cells = row.cells;
            let mut r = RowIn {
                number,
                cells: &cells,
                map: &self.map,
                headers: &self.headers,
                columns: self.kind.columns(),
                problems: Vec::new(),
            };
            let parsed = parse_row(self.kind, &mut r, cx);
            let mut problems = r.problems;
            // Explain cells that are formulas or merged cells.
            for p in &mut problems {
                if let Some(col) = p
                    .column
                    .as_deref()
                    .and_then(|c| self.headers.iter().position(|h| h == c))
                    && let Some((zh, en)) = self.rows.cell_note(number, col, p.value.is_none())
                {
                    p.message_zh = format!("{}: {zh}", p.message_zh);
                    p.message_en = format!("{}: {en}", p.message_en);
                }
            }
            if let Some(record) = parsed {
                let key = record.key();
                if let Some(first) = self.seen.get(&key) {
                    problems.push(Problem::row(
                        number,
                        None,
                        format!("与第{first}行重复({})", record.key_text_zh()),
                        format!("duplicates row {first} ({})", record.key_text_en()),
                    ));
                } else if problems.is_empty() {
                    self.seen.insert(key, number);
                    if let Parsed::OrgUnit(u) = &record {
                        self.file_org_units
                            .push((number, u.code.clone(), u.parent_code.clone()));
                    }
                    record.push_into(&mut batch.records);
                    batch.rows.push(number);
                }
            }
            batch.problems.extend(problems);
        }
        // The duplicate check keeps every key of the file: size it once for the whole file, estimated from the
        // share read so far, instead of growing (and rehashing) it a dozen times.
        let (done, total) = self.rows.progress();
        if done > 0 && total > done {
            let estimate = u64::try_from(self.seen.len())
                .unwrap_or(u64::MAX)
                .saturating_mul(total)
                / done;
            let more = usize::try_from(estimate)
                .unwrap_or(0)
                .saturating_sub(self.seen.len());
            self.seen.reserve(more.min(50_000_000));
        }
        Some(batch)
    }

    /// Checks that need the whole file: an org unit's parent may be defined anywhere in it.
    fn finish(&mut self, cx: &Context) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.data_rows == 0 {
            out.push(Problem::file(
                format!("表头下没有数据行(表头在第{}行)", self.info.header_row),
                format!("no data rows under the header (row {})", self.info.header_row),
            ));
        }
        let in_file: HashSet<&str> = self.file_org_units.iter().map(|(_, c, _)| c.as_str()).collect();
        let parent_col = self.header_of("parent");
        for (row, code, parent) in &self.file_org_units {
            if let Some(p) = parent
                && !in_file.contains(p.as_str())
                && !cx.org_units.contains(p)
            {
                out.push(Problem::cell(
                    *row,
                    &parent_col,
                    Some(p.clone()),
                    Reason::new(
                        format!("上级区划 {p} 未知({code} 的上级应先导入或在同一文件中)"),
                        format!(
                            "unknown parent org unit {p} (import it first or in the same file as {code})"
                        ),
                    ),
                ));
            }
        }
        out
    }

    fn header_of(&self, id: &str) -> String {
        let cols = self.kind.columns();
        cols.iter()
            .position(|c| c.id == id)
            .and_then(|i| {
                self.map
                    .get(i)
                    .copied()
                    .flatten()
                    .map(|f| self.headers[f].clone())
            })
            .unwrap_or_else(|| {
                cols.iter()
                    .find(|c| c.id == id)
                    .map_or(id, |c| c.header)
                    .to_owned()
            })
    }
}

type HeaderFound = (u64, Vec<String>, Vec<Option<usize>>, Vec<String>);

/// Find the header among the first rows: the first row naming every required column, else the problems of the
/// row that named the most (and how many it named).
fn find_header(
    rows: &mut Rows,
    index: &HeaderIndex,
    columns: &[Column],
) -> Result<HeaderFound, (Vec<Problem>, usize)> {
    let mut best: Option<(u64, Vec<String>, usize)> = None;
    let mut first_line: Option<(u64, Vec<String>)> = None;
    for _ in 0..HEADER_SEARCH_ROWS {
        let Some(next) = rows.next_row() else { break };
        let row = match next {
            Ok(r) => r,
            Err(p) => return Err((vec![p], 0)),
        };
        if row.cells.iter().all(Cell::is_blank) {
            continue;
        }
        let headers: Vec<String> = row.cells.iter().map(Cell::display).collect();
        if first_line.is_none() {
            first_line = Some((row.number, headers.clone()));
        }
        let matched: HashSet<usize> = headers.iter().filter_map(|h| index.find(h)).collect();
        let required_ok = columns
            .iter()
            .enumerate()
            .all(|(i, c)| !c.required || matched.contains(&i));
        if required_ok {
            let mut map = vec![None; columns.len()];
            let mut problems = Vec::new();
            let mut ignored = Vec::new();
            for (f, h) in headers.iter().enumerate() {
                if h.trim().is_empty() {
                    continue;
                }
                match index.find(h) {
                    Some(i) if map[i].is_some() => problems.push(Problem::row(
                        row.number,
                        Some(h),
                        format!("列「{}」重复出现", columns[i].header),
                        format!("column {} appears twice", columns[i].header),
                    )),
                    Some(i) => map[i] = Some(f),
                    None => ignored.push(h.clone()),
                }
            }
            if !problems.is_empty() {
                return Err((problems, matched.len()));
            }
            return Ok((row.number, headers, map, ignored));
        }
        if best.as_ref().is_none_or(|b| matched.len() > b.2) {
            best = Some((row.number, headers, matched.len()));
        }
    }
    let expected: Vec<&str> = columns
        .iter()
        .filter(|c| c.in_template)
        .map(|c| c.header)
        .collect();
    match best.filter(|b| b.2 >= 2) {
        Some((number, headers, n)) => {
            let found: HashSet<usize> = headers.iter().filter_map(|h| index.find(h)).collect();
            let missing: Vec<&str> = columns
                .iter()
                .enumerate()
                .filter(|(i, c)| c.required && !found.contains(i))
                .map(|(_, c)| c.header)
                .collect();
            Err((
                vec![Problem::row(
                    number,
                    None,
                    format!("表头缺少必填列: {}", missing.join("、")),
                    format!("the header lacks required columns: {}", missing.join(", ")),
                )],
                n,
            ))
        }
        None => {
            let (zh_found, en_found) = match &first_line {
                Some((n, h)) => (
                    format!("第{n}行为: {}", h.join(", ")),
                    format!("row {n} reads: {}", h.join(", ")),
                ),
                None => ("文件中没有内容".to_owned(), "the file has no content".to_owned()),
            };
            Err((
                vec![Problem::file(
                    format!(
                        "找不到表头(是否选错了导入类型或文件?)。应有: {};{zh_found}",
                        expected.join(", ")
                    ),
                    format!(
                        "no header row found (wrong kind or file?). Expected: {}; {en_found}",
                        expected.join(", ")
                    ),
                )],
                0,
            ))
        }
    }
}

/// One row being parsed: getters read a column's cell, check it, and record a problem when it is wrong.
struct RowIn<'r, 'c> {
    number: u64,
    cells: &'r [Cell<'c>],
    map: &'r [Option<usize>],
    headers: &'r [String],
    columns: &'static [Column],
    problems: Vec<Problem>,
}

const EMPTY: Cell<'static> = Cell::Empty;

impl<'r, 'c> RowIn<'r, 'c> {
    fn cell(&self, col: usize) -> &Cell<'c> {
        match self.map.get(col).copied().flatten() {
            Some(f) => self.cells.get(f).unwrap_or(&EMPTY),
            None => &EMPTY,
        }
    }

    fn header(&self, col: usize) -> &str {
        match self.map.get(col).copied().flatten() {
            Some(f) => self.headers.get(f).map_or("", String::as_str),
            None => self.columns.get(col).map_or("", |c| c.header),
        }
    }

    fn fail(&mut self, col: usize, reason: Reason) {
        let value = Some(self.cell(col).display());
        let header = self.header(col).to_owned();
        self.problems
            .push(Problem::cell(self.number, &header, value, reason));
    }

    /// Apply a parser; record its error; a missing required value is an error too.
    fn take<T>(&mut self, col: usize, v: Result<Option<T>, Reason>) -> Option<T> {
        match v {
            Ok(Some(x)) => Some(x),
            Ok(None) => {
                if self.columns.get(col).is_some_and(|c| c.required) {
                    let header = self.header(col).to_owned();
                    self.problems.push(Problem::cell(
                        self.number,
                        &header,
                        None,
                        Reason::new("必填项为空", "required value missing"),
                    ));
                }
                None
            }
            Err(reason) => {
                self.fail(col, reason);
                None
            }
        }
    }

    fn text(&mut self, col: usize) -> Option<String> {
        let v = cell::text(self.cell(col));
        self.take(col, v)
    }

    fn date(&mut self, col: usize) -> Option<Date> {
        let v = cell::date(self.cell(col));
        self.take(col, v)
    }

    fn amount(&mut self, col: usize) -> Option<Decimal> {
        let v = cell::amount_wan(self.cell(col));
        self.take(col, v)
    }

    fn count(&mut self, col: usize) -> Option<i64> {
        let v = cell::count(self.cell(col));
        self.take(col, v)
    }

    fn year(&mut self, col: usize) -> Option<i32> {
        let v = cell::year(self.cell(col));
        self.take(col, v)
    }

    fn uscc(&mut self, col: usize) -> Option<String> {
        let v = cell::text(self.cell(col)).and_then(|t| {
            t.map(|t| {
                // Most codes arrive as written: 18 ASCII capitals and digits, nothing to normalise.
                let t: String = if t.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
                    t
                } else {
                    cell::halfwidth(&t)
                        .chars()
                        .filter(|c| !cell::is_space(*c))
                        .collect::<String>()
                        .to_uppercase()
                };
                Uscc::parse(&t)
                    .map(|u| u.to_string())
                    .map_err(|e| split_reason(&e.to_string()))
            })
            .transpose()
        });
        self.take(col, v)
    }

    fn org_unit(&mut self, col: usize, cx: &Context) -> Option<String> {
        let v = cell::text(self.cell(col)).and_then(|t| {
            t.map(|t| {
                let code = cell::halfwidth(&t).trim().to_owned();
                if cx.org_units.contains(&code) {
                    Ok(code)
                } else {
                    Err(Reason::new(
                        format!("未知的区划代码 {code}(先导入区划或检查代码)"),
                        format!(
                            "unknown org-unit code {code} (import the org unit first, or check the code)"
                        ),
                    ))
                }
            })
            .transpose()
        });
        self.take(col, v)
    }

    fn choice(&mut self, col: usize) -> Option<&'static Choice> {
        let value = self.columns.get(col).map(|c| c.value);
        let v = cell::text(self.cell(col)).and_then(|t| {
            t.map(|t| match (value, value.and_then(|v| v.choose(&t))) {
                (_, Some(c)) => Ok(c),
                (Some(Value::Choice(list)), None) => {
                    let labels: Vec<&str> = list.iter().map(|c| c.label).collect();
                    Err(Reason::new(
                        format!("应为 {} 之一", labels.join("、")),
                        format!("must be one of {}", labels.join(", ")),
                    ))
                }
                _ => Err(Reason::new("不是可选值", "not an allowed value")),
            })
            .transpose()
        });
        self.take(col, v)
    }

    fn industry(&mut self, col: usize) -> Option<String> {
        let v = cell::text(self.cell(col)).and_then(|t| {
            t.map(|t| {
                IndustryCode::parse(&t)
                    .map(|c| c.to_string())
                    .map_err(|e| split_reason(&e.to_string()))
            })
            .transpose()
        });
        self.take(col, v)
    }

    fn period(&mut self, col: usize) -> Option<Period> {
        let v = cell::period(self.cell(col));
        self.take(col, v)
    }

    fn number(&mut self, col: usize) -> Option<Decimal> {
        let v = cell::plain_number(self.cell(col));
        self.take(col, v)
    }

    /// Report a check between columns on `col`.
    /// Record a problem in `col` unless `ok`; the message is only written for a failed check (a million rows
    /// pass).
    fn check(&mut self, ok: bool, col: usize, message: impl FnOnce() -> (String, String)) {
        if !ok {
            let (zh, en) = message();
            self.fail(col, Reason::new(zh, en));
        }
    }
}

/// Our error messages are `中文 / English`; split them into the two fields.
fn split_reason(text: &str) -> Reason {
    match text.split_once(" / ") {
        Some((zh, en)) => Reason::new(zh.trim(), en.trim()),
        None => Reason::new(text, text),
    }
}

/// One parsed row of any kind.
enum Parsed {
    Enterprise(Box<EnterpriseYearRow>),
    Qualification(Qualification),
    Contract(TechContract),
    Talent(Talent),
    Platform(Platform),
    Observation(Observation),
    Financing(IpPledgeFinancing),
    Funding(FiscalSupport),
    Achievement(Achievement),
    OrgUnit(OrgUnit),
}

impl Parsed {
    /// The natural key, for duplicates within the file.
    fn key(&self) -> String {
        match self {
            Parsed::Enterprise(r) => format!("{}\u{1}{}", r.figures.uscc, r.figures.year),
            Parsed::Qualification(q) => format!("{}\u{1}{}", q.kind, q.number),
            Parsed::Contract(c) => c.contract_number.clone(),
            Parsed::Talent(t) => format!("{}\u{1}{}\u{1}{}", t.name, t.introduced_on, t.org_unit_code),
            Parsed::Platform(p) => format!("{}\u{1}{}", p.kind, p.name),
            Parsed::Observation(o) => format!("{}\u{1}{}\u{1}{}", o.org_unit_code, o.period, o.data_element),
            Parsed::Financing(f) => f.registration_number.clone(),
            Parsed::Funding(f) => format!("{}\u{1}{}\u{1}{}", f.program, f.recipient_name, f.paid_on),
            Parsed::Achievement(a) => format!("{}\u{1}{}\u{1}{}", a.kind, a.title, a.owner_name),
            Parsed::OrgUnit(u) => format!("{}\u{1}{}", u.code, u.valid_from),
        }
    }

    fn key_text_zh(&self) -> String {
        match self {
            Parsed::Enterprise(_) => "统一社会信用代码+年度相同".into(),
            Parsed::Qualification(_) => "资质类型+证书编号相同".into(),
            Parsed::Contract(_) => "合同登记编号相同".into(),
            Parsed::Talent(_) => "姓名+引进日期+区划相同".into(),
            Parsed::Platform(_) => "类型+名称相同".into(),
            Parsed::Observation(_) => "区划+期间+指标相同".into(),
            Parsed::Financing(_) => "质押登记号相同".into(),
            Parsed::Funding(_) => "项目+受助单位+拨付日期相同".into(),
            Parsed::Achievement(_) => "成果类型+名称+完成单位相同".into(),
            Parsed::OrgUnit(_) => "区划代码+起始日期相同".into(),
        }
    }

    fn key_text_en(&self) -> String {
        match self {
            Parsed::Enterprise(_) => "same USCC and year".into(),
            Parsed::Qualification(_) => "same kind and number".into(),
            Parsed::Contract(_) => "same contract number".into(),
            Parsed::Talent(_) => "same name, date and org unit".into(),
            Parsed::Platform(_) => "same kind and name".into(),
            Parsed::Observation(_) => "same org unit, period and element".into(),
            Parsed::Financing(_) => "same registration number".into(),
            Parsed::Funding(_) => "same programme, recipient and date".into(),
            Parsed::Achievement(_) => "same kind, title and owner".into(),
            Parsed::OrgUnit(_) => "same code and start date".into(),
        }
    }

    fn push_into(self, records: &mut Records) {
        match (self, records) {
            (Parsed::Enterprise(r), Records::Enterprises(v)) => v.push(*r),
            (Parsed::Qualification(r), Records::Qualifications(v)) => v.push(r),
            (Parsed::Contract(r), Records::Contracts(v)) => v.push(r),
            (Parsed::Talent(r), Records::Talents(v)) => v.push(r),
            (Parsed::Platform(r), Records::Platforms(v)) => v.push(r),
            (Parsed::Observation(r), Records::Observations(v)) => v.push(r),
            (Parsed::Financing(r), Records::Financing(v)) => v.push(r),
            (Parsed::Funding(r), Records::Funding(v)) => v.push(r),
            (Parsed::Achievement(r), Records::Achievements(v)) => v.push(r),
            (Parsed::OrgUnit(r), Records::OrgUnits(v)) => v.push(r),
            _ => {}
        }
    }
}

fn parse_row(kind: Kind, r: &mut RowIn<'_, '_>, cx: &Context) -> Option<Parsed> {
    match kind {
        Kind::Enterprises => enterprise(r, cx).map(|e| Parsed::Enterprise(Box::new(e))),
        Kind::Qualifications => qualification(r).map(Parsed::Qualification),
        Kind::Contracts => contract(r, cx).map(Parsed::Contract),
        Kind::Talents => talent(r, cx).map(Parsed::Talent),
        Kind::Platforms => platform(r, cx).map(Parsed::Platform),
        Kind::Observations => observation(r, cx).map(Parsed::Observation),
        Kind::Financing => financing(r, cx).map(Parsed::Financing),
        Kind::Funding => funding(r, cx).map(Parsed::Funding),
        Kind::Achievements => achievement(r, cx).map(Parsed::Achievement),
        Kind::OrgUnits => org_unit(r).map(Parsed::OrgUnit),
    }
}

/// Whether every getter so far succeeded (no problem recorded for this row).
fn clean(r: &RowIn<'_, '_>) -> bool {
    r.problems.is_empty()
}

fn enterprise(r: &mut RowIn<'_, '_>, cx: &Context) -> Option<EnterpriseYearRow> {
    // Column positions in `schema::ENTERPRISES`.
    let uscc = r.uscc(0);
    let name = r.text(1);
    let founded_on = r.date(2);
    let org = r.org_unit(3, cx);
    let industry_code = r.industry(4);
    let high_tech_field = r.choice(5).map(|c| c.code.to_owned());
    let year = r.year(6);
    let employees = r.count(7);
    let tech_staff = r.count(8);
    let sales_revenue = r.amount(9);
    let main_business_revenue = r.amount(10);
    let total_revenue = r.amount(11);
    let high_tech_revenue = r.amount(12);
    let total_assets = r.amount(13);
    let total_liabilities = r.amount(14);
    let total_cost = r.amount(15);
    let rd_expense = r.amount(16);
    let domestic_rd_expense = r.amount(17);
    let ip_class1 = r.count(18);
    let ip_class2 = r.count(19);
    let rd_level = r.choice(20).map(|c| c.code);
    let achievements_transformed = r.count(21);
    let above_scale = r.choice(22).map(|c| c.code == "1");
    if let (Some(e), Some(t)) = (employees, tech_staff) {
        r.check(t <= e, 8, || {
            (
                format!("科技人员数 {t} 大于职工总数 {e}"),
                format!("tech staff {t} exceeds employees {e}"),
            )
        });
    }
    if let (Some(all), Some(dom)) = (rd_expense, domestic_rd_expense) {
        r.check(dom <= all, 17, || {
            (
                format!("境内研发费用 {dom} 大于研发费用 {all}"),
                format!("domestic R&D expense {dom} exceeds the R&D expense {all}"),
            )
        });
    }
    if let (Some(f), Some(y)) = (founded_on, year) {
        r.check(i32::from(f.year()) <= y, 6, || {
            (
                format!("年度 {y} 早于成立日期 {f}"),
                format!("year {y} is before the founding date {f}"),
            )
        });
    }
    if !clean(r) {
        return None;
    }
    let (uscc, name, year) = (uscc?, name?, year?);
    Some(EnterpriseYearRow {
        enterprise: Enterprise {
            uscc: uscc.clone(),
            name,
            founded_on,
            org_unit_code: org.clone(),
            industry_code,
            high_tech_field,
            reported_year: Some(year),
        },
        figures: EnterpriseYear {
            uscc,
            year,
            org_unit_code: org,
            employees,
            tech_staff,
            sales_revenue,
            main_business_revenue,
            total_revenue,
            high_tech_revenue,
            total_assets,
            total_liabilities,
            total_cost,
            rd_expense,
            domestic_rd_expense,
            ip_class1,
            ip_class2,
            rd_institution_level: rd_level.filter(|l| !l.is_empty()).map(str::to_owned),
            achievements_transformed,
            above_scale_industrial: above_scale,
        },
    })
}

fn qualification(r: &mut RowIn<'_, '_>) -> Option<Qualification> {
    let uscc = r.uscc(0);
    let kind = r.choice(1).map(|c| c.code);
    let number = r.text(2);
    let issued_on = r.date(3);
    let year = r.year(4);
    let revoked_on = r.date(5);
    if let (Some(i), Some(rv)) = (issued_on, revoked_on) {
        r.check(rv >= i, 5, || {
            (
                format!("撤销日期 {rv} 早于发证日期 {i}"),
                format!("revoked {rv} before it was issued {i}"),
            )
        });
    }
    if !clean(r) {
        return None;
    }
    let (uscc, number, issued_on) = (uscc?, number?, issued_on?);
    let mut q = match kind? {
        "high_tech" => {
            let mut q = Qualification::high_tech(uscc, number, issued_on);
            if let Some(y) = year {
                q.year = y;
            }
            q
        }
        _ => {
            let y = year.unwrap_or(i32::from(issued_on.year()));
            Qualification::tech_sme(
                uscc,
                number,
                issued_on,
                i16::try_from(y).unwrap_or(issued_on.year()),
            )
        }
    };
    q.revoked_on = revoked_on;
    debug_assert!(matches!(
        q.kind,
        QualificationKind::HighTech | QualificationKind::TechSme
    ));
    Some(q)
}

fn contract(r: &mut RowIn<'_, '_>, cx: &Context) -> Option<TechContract> {
    let contract_number = r.text(0);
    let contract_type = r.choice(1).map(|c| c.code.to_owned());
    let registered_on = r.date(2);
    let seller_uscc = r.uscc(3);
    let buyer_name = r.text(4);
    let turnover = r.amount(5);
    let tech_turnover = r.amount(6);
    let org = r.org_unit(7, cx);
    if let (Some(all), Some(tech)) = (turnover, tech_turnover) {
        r.check(tech <= all, 6, || {
            (
                format!("技术交易额 {tech} 大于成交额 {all}"),
                format!("technology turnover {tech} exceeds the turnover {all}"),
            )
        });
    }
    if !clean(r) {
        return None;
    }
    Some(TechContract {
        contract_number: contract_number?,
        contract_type: contract_type?,
        registered_on: registered_on?,
        seller_uscc: seller_uscc?,
        buyer_name,
        turnover: turnover?,
        tech_turnover,
        org_unit_code: org?,
    })
}

fn talent(r: &mut RowIn<'_, '_>, cx: &Context) -> Option<Talent> {
    let name = r.text(0);
    let category = r.text(1);
    let introduced_on = r.date(2);
    let employer_uscc = r.uscc(3);
    let org = r.org_unit(4, cx);
    let note = r.text(5);
    if !clean(r) {
        return None;
    }
    Some(Talent {
        name: name?,
        category: category?,
        introduced_on: introduced_on?,
        employer_uscc,
        org_unit_code: org?,
        note,
    })
}

fn platform(r: &mut RowIn<'_, '_>, cx: &Context) -> Option<Platform> {
    let name = r.text(0);
    let kind = r.choice(1).map(|c| c.code);
    let level = r.choice(2).map(|c| c.code.to_owned());
    let recognised_on = r.date(3);
    let revoked_on = r.date(4);
    let org = r.org_unit(5, cx);
    let host_unit = r.text(6);
    let host_uscc = r.uscc(7);
    if let (Some(a), Some(b)) = (recognised_on, revoked_on) {
        r.check(b >= a, 4, || {
            (
                format!("撤销日期 {b} 早于认定日期 {a}"),
                format!("revoked {b} before it was recognised {a}"),
            )
        });
    }
    if !clean(r) {
        return None;
    }
    let kind = match kind? {
        "industrial_tech_institute" => PlatformKind::IndustrialTechInstitute,
        "maker_space" => PlatformKind::MakerSpace,
        _ => PlatformKind::Incubator,
    };
    Some(Platform {
        name: name?,
        kind,
        level,
        recognised_on: recognised_on?,
        revoked_on,
        org_unit_code: org?,
        host_unit,
        host_uscc,
    })
}

fn observation(r: &mut RowIn<'_, '_>, cx: &Context) -> Option<Observation> {
    let org = r.org_unit(0, cx);
    let period = r.period(1);
    let element = {
        let v = cell::text(r.cell(2)).and_then(|t| {
            t.map(|t| match cx.elements.get(t.trim()) {
                Some(e) if e.derived_by.is_some() => Err(Reason::new(
                    format!(
                        "{}({})由登记台账计算(规则 {}),不能导入;请导入相应台账",
                        e.name_zh,
                        e.id,
                        e.derived_by.unwrap_or("")
                    ),
                    format!(
                        "{} is derived from the registries (rule {}) and cannot be imported; import the registry instead",
                        e.id,
                        e.derived_by.unwrap_or("")
                    ),
                )),
                Some(e) => Ok(e.id.clone()),
                None => Err(Reason::new(
                    format!("计划中没有数据项 {t:?}"),
                    format!("unknown data element {t:?} (not in the plan)"),
                )),
            })
            .transpose()
        });
        r.take(2, v)
    };
    let value = r.number(3);
    let source = r.text(4);
    // An export names who entered each value; re-importing it keeps them (without the column: the importer).
    let entered_by = r.text(5).or_else(|| cx.actor.clone());
    if !clean(r) {
        return None;
    }
    Some(Observation::new(
        org?, period?, element?, value?, source, entered_by,
    ))
}

fn financing(r: &mut RowIn<'_, '_>, cx: &Context) -> Option<IpPledgeFinancing> {
    let registration_number = r.text(0);
    let uscc = r.uscc(1);
    let pledgee = r.text(2);
    let amount = r.amount(3);
    let registered_on = r.date(4);
    let patent_count = r.count(5);
    let org = r.org_unit(6, cx);
    let note = r.text(7);
    if !clean(r) {
        return None;
    }
    Some(IpPledgeFinancing {
        registration_number: registration_number?,
        uscc: uscc?,
        pledgee: pledgee?,
        amount: amount?,
        registered_on: registered_on?,
        patent_count,
        org_unit_code: org?,
        note,
    })
}

fn funding(r: &mut RowIn<'_, '_>, cx: &Context) -> Option<FiscalSupport> {
    let program = r.text(0);
    let recipient_name = r.text(1);
    let recipient_uscc = r.uscc(2);
    let amount = r.amount(3);
    let paid_on = r.date(4);
    let department = {
        let v = cell::text(r.cell(5)).and_then(|t| {
            t.map(|t| {
                cx.departments.get(t.trim()).cloned().ok_or_else(|| {
                    Reason::new(
                        format!("计划中没有部门 {t:?}"),
                        format!("unknown department {t:?} (not in the plan)"),
                    )
                })
            })
            .transpose()
        });
        r.take(5, v)
    };
    let org = r.org_unit(6, cx);
    let document_number = r.text(7);
    if !clean(r) {
        return None;
    }
    Some(FiscalSupport {
        program: program?,
        recipient_name: recipient_name?,
        recipient_uscc,
        amount: amount?,
        paid_on: paid_on?,
        department_code: department,
        org_unit_code: org?,
        document_number,
    })
}

fn achievement(r: &mut RowIn<'_, '_>, cx: &Context) -> Option<Achievement> {
    let kind = r.choice(0).map(|c| c.code);
    let title = r.text(1);
    let owner_name = r.text(2);
    let owner_uscc = r.uscc(3);
    let level = r.text(4);
    let recognised_on = r.date(5);
    let evidence = r.text(6);
    let org = r.org_unit(7, cx);
    if !clean(r) {
        return None;
    }
    Some(Achievement {
        kind: if kind? == "key_technology" {
            AchievementKind::KeyTechnology
        } else {
            AchievementKind::NewProduct
        },
        title: title?,
        owner_name: owner_name?,
        owner_uscc,
        level,
        recognised_on,
        evidence,
        org_unit_code: org?,
    })
}

/// Since ever, for an org unit without a start date.
const SINCE_EVER: Date = Date::constant(1900, 1, 1);

fn org_unit(r: &mut RowIn<'_, '_>) -> Option<OrgUnit> {
    let code = r.text(0);
    let name = r.text(1);
    let parent = r.text(2);
    let level = r.choice(3).map(|c| c.code.to_owned());
    let valid_from = r.date(4);
    let valid_to = r.date(5);
    let code_ok = |c: &str| (6..=12).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit());
    if let Some(c) = &code {
        r.check(code_ok(c), 0, || {
            (
                "区划代码应为6位(街道9位或12位)数字".into(),
                "an org-unit code has 6 digits (9 or 12 for a street)".into(),
            )
        });
    }
    if let Some(p) = &parent {
        r.check(code_ok(p), 2, || {
            (
                "上级区划代码应为数字代码".into(),
                "the parent is an org-unit code (digits)".into(),
            )
        });
        if let Some(c) = &code {
            r.check(p != c, 2, || {
                (
                    "上级区划不能是自己".into(),
                    "an org unit cannot be its own parent".into(),
                )
            });
        }
    }
    if let (Some(a), Some(b)) = (valid_from, valid_to) {
        r.check(b >= a, 5, || {
            (
                format!("终止日期 {b} 早于起始日期 {a}"),
                format!("valid to {b} is before valid from {a}"),
            )
        });
    }
    if !clean(r) {
        return None;
    }
    Some(OrgUnit {
        code: code?,
        name: name?,
        parent_code: parent,
        level: level?,
        valid_from: valid_from.unwrap_or(SINCE_EVER),
        valid_to,
    })
}
