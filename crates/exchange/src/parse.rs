//! Typed rows from a file: [`Parser::open`] finds the header row and maps it onto the kind's columns; then
//! [`Parser::next_batch`] turns rows into the store's records, checking every cell and every row (USCC check
//! digit, dates, numbers ≥ 0, 科技人员 ≤ 职工, 境内研发 ≤ 研发, 技术交易额 ≤ 成交额, known org units, departments
//! and data elements, duplicates within the file). Problems are collected for every row; the caller imports
//! nothing if there is any (all or nothing).

use std::collections::{HashMap, HashSet};

use plantrack_core::plan::{ElementSource, Plan};
use plantrack_core::registry::{
    Achievement, Built, EnterpriseYearRow, FiscalSupport, IpPledgeFinancing, Lookup, Observation, OrgUnit,
    Platform, Qualification, Row, Talent, TechContract,
};
use serde::Serialize;

use crate::cell::{self, Cell, Reason};
use crate::report::Problem;
use crate::schema::{Field, HeaderIndex, Kind};
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

impl Lookup for Context {
    fn has_org_unit(&self, code: &str) -> bool {
        self.org_units.contains(code)
    }

    fn department(&self, text: &str) -> Option<String> {
        self.departments.get(text).cloned()
    }

    fn element(&self, text: &str) -> Result<String, Reason> {
        match self.elements.get(text) {
            Some(e) => match e.derived_by {
                Some(rule) => Err(Reason::new(
                    format!(
                        "{}（{}）由登记台账计算（规则 {rule}），不能导入；请导入相应台账",
                        e.name_zh, e.id
                    ),
                    format!(
                        "{} is derived from the registries (rule {rule}) and cannot be imported; import the registry instead",
                        e.id
                    ),
                )),
                None => Ok(e.id.clone()),
            },
            None => Err(Reason::new(
                format!("计划中没有数据项“{text}”"),
                format!("unknown data element “{text}” (not in the plan)"),
            )),
        }
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

    /// Add a record of this kind (a record of another kind is a bug: it is dropped).
    fn push(&mut self, record: Built) {
        match (record, self) {
            (Built::Enterprise(r), Records::Enterprises(v)) => v.push(*r),
            (Built::Qualification(r), Records::Qualifications(v)) => v.push(r),
            (Built::Contract(r), Records::Contracts(v)) => v.push(r),
            (Built::Talent(r), Records::Talents(v)) => v.push(r),
            (Built::Platform(r), Records::Platforms(v)) => v.push(r),
            (Built::Observation(r), Records::Observations(v)) => v.push(r),
            (Built::Financing(r), Records::Financing(v)) => v.push(r),
            (Built::Funding(r), Records::Funding(v)) => v.push(r),
            (Built::Achievement(r), Records::Achievements(v)) => v.push(r),
            (Built::OrgUnit(r), Records::OrgUnits(v)) => v.push(r),
            _ => {}
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
        let columns = kind.fields();
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
                            .filter_map(|(i, m)| m.map(|f| (headers[f].clone(), columns[i].key.to_owned())))
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
            let (built, mut problems) =
                parse_row(self.kind, &self.map, &self.headers, number, &row.cells, cx);
            // Explain cells that are formulas or merged cells.
            for p in &mut problems {
                if let Some(col) = p
                    .column
                    .as_deref()
                    .and_then(|c| self.headers.iter().position(|h| h == c))
                    && let Some((zh, en)) = self.rows.cell_note(number, col, p.value.is_none())
                {
                    p.message_zh = format!("{}：{zh}", p.message_zh);
                    p.message_en = format!("{}: {en}", p.message_en);
                }
            }
            if let Some(record) = built {
                let key = key_of(&record);
                if let Some(first) = self.seen.get(&key) {
                    let words = self.kind.key_words();
                    problems.push(Problem::row(
                        number,
                        None,
                        format!("与第{first}行重复（{}）", words.zh),
                        format!("duplicates row {first} ({})", words.en),
                    ));
                } else if problems.is_empty() {
                    self.seen.insert(key, number);
                    if let Built::OrgUnit(u) = &record {
                        self.file_org_units
                            .push((number, u.code.clone(), u.parent_code.clone()));
                    }
                    batch.records.push(record);
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
        let parent_col = self.header_of("parent_code");
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
        let cols = self.kind.fields();
        cols.iter()
            .position(|c| c.key == id)
            .and_then(|i| {
                self.map
                    .get(i)
                    .copied()
                    .flatten()
                    .map(|f| self.headers[f].clone())
            })
            .unwrap_or_else(|| cols.iter().find(|c| c.key == id).map_or(id, |c| c.zh).to_owned())
    }
}

type HeaderFound = (u64, Vec<String>, Vec<Option<usize>>, Vec<String>);

/// Find the header among the first rows: the first row naming every required column, else the problems of the
/// row that named the most (and how many it named).
fn find_header(
    rows: &mut Rows,
    index: &HeaderIndex,
    columns: &[Field],
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
                        format!("列「{}」重复出现", columns[i].zh),
                        format!("column {} appears twice", columns[i].zh),
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
    let expected: Vec<&str> = columns.iter().filter(|c| c.in_template).map(|c| c.zh).collect();
    match best.filter(|b| b.2 >= 2) {
        Some((number, headers, n)) => {
            let found: HashSet<usize> = headers.iter().filter_map(|h| index.find(h)).collect();
            let missing: Vec<&str> = columns
                .iter()
                .enumerate()
                .filter(|(i, c)| c.required && !found.contains(i))
                .map(|(_, c)| c.zh)
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

/// One row: every mapped cell read as its field's value, then the record built with the checks between fields
/// (both in `plantrack_core::registry`, shared with forms and the API). Problems name the file's header and the
/// cell as written.
fn parse_row(
    kind: Kind,
    map: &[Option<usize>],
    headers: &[String],
    number: u64,
    cells: &[Cell<'_>],
    cx: &Context,
) -> (Option<Built>, Vec<Problem>) {
    let fields = kind.fields();
    // The header of field `i` as the file writes it (or the template's header when the file lacks it).
    let header = |i: usize| -> String {
        match map.get(i).copied().flatten() {
            Some(f) => headers.get(f).cloned().unwrap_or_default(),
            None => fields.get(i).map_or("", |c| c.zh).to_owned(),
        }
    };
    let mut row = Row::new(kind);
    let mut problems = Vec::new();
    let mut failed = vec![false; fields.len()];
    for (i, f) in fields.iter().enumerate() {
        let Some(c) = map.get(i).copied().flatten() else {
            continue;
        };
        let cell = cells.get(c).unwrap_or(&Cell::Empty);
        match cell::read(f, cell, cx) {
            Ok(v) => row.set(i, v),
            Err(reason) => {
                failed[i] = true;
                problems.push(Problem::cell(number, &header(i), Some(cell.display()), reason));
            }
        }
    }
    if kind == Kind::Observations
        && row.get(ENTERED_BY).is_none()
        && let Some(actor) = &cx.actor
    {
        // An export names who entered each value; re-importing it keeps them (without the column: the importer).
        row.set(
            ENTERED_BY,
            Some(plantrack_core::registry::Value::Text(actor.clone())),
        );
    }
    match plantrack_core::registry::build(kind, row) {
        Ok(b) if problems.is_empty() => (Some(b), problems),
        Ok(_) => (None, problems),
        Err(more) => {
            for p in more
                .into_iter()
                .filter(|p| !failed.get(p.field).copied().unwrap_or(false))
            {
                let value = map
                    .get(p.field)
                    .copied()
                    .flatten()
                    .and_then(|c| cells.get(c))
                    .map(Cell::display);
                problems.push(Problem::cell(number, &header(p.field), value, p.reason));
            }
            (None, problems)
        }
    }
}

/// Position of `entered_by` among the observation fields.
const ENTERED_BY: usize =
    plantrack_core::registry::field::index(plantrack_core::registry::spec::OBSERVATIONS, "entered_by");

/// The natural key of a record, for duplicates within a file.
fn key_of(record: &Built) -> String {
    match record {
        Built::Enterprise(r) => format!("{}\u{1}{}", r.figures.uscc, r.figures.year),
        Built::Qualification(q) => format!("{}\u{1}{}", q.kind, q.number),
        Built::Contract(c) => c.contract_number.clone(),
        Built::Talent(t) => format!("{}\u{1}{}\u{1}{}", t.name, t.introduced_on, t.org_unit_code),
        Built::Platform(p) => format!("{}\u{1}{}", p.kind, p.name),
        Built::Observation(o) => format!("{}\u{1}{}\u{1}{}", o.org_unit_code, o.period, o.data_element),
        Built::Financing(f) => f.registration_number.clone(),
        Built::Funding(f) => format!("{}\u{1}{}\u{1}{}", f.program, f.recipient_name, f.paid_on),
        Built::Achievement(a) => format!("{}\u{1}{}\u{1}{}", a.kind, a.title, a.owner_name),
        Built::OrgUnit(u) => format!("{}\u{1}{}", u.code, u.valid_from),
    }
}
