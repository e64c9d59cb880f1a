//! The plan-file format (TOML, `schema = 1`) and its reader.
//!
//! Reading is two steps: serde turns the text into raw tables (every id already typed, so a malformed id or
//! period is reported at its own line by the TOML reader), then [`read`] checks what serde cannot — duplicate
//! ids, references to org units, departments, data elements, indicators, targets and goals that do not exist,
//! inconsistent directions, a method that does not fit the target — and builds the [`Plan`]. All problems found
//! in the second step are reported together; a plan with any problem is not returned at all.
//!
//! Each error names the file, the line, the field and the reason in Chinese and English.
//! The layout of the file is documented by `plans/shuangtaizi-2018-2020.toml` itself and in the README.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_spanned::Spanned;

use super::Plan;
use super::ids::{
    DataElementId, DepartmentId, GoalId, IndicatorId, OrgUnitCode, PlanId, SafeguardId, TargetId, TaskAreaId,
    TaskId,
};
use super::model::{
    Comparator, DataElement, Department, DerivationRule, Direction, ElementKind, ElementSource, Goal,
    Indicator, Milestone, OrgUnit, ParentPlan, PlanMeta, ReportingCycle, SafeguardMeasure, Target,
    TargetKind, Task, TaskArea,
};
use crate::indicator::Expr;
use crate::period::Period;
use crate::progress::MethodId;

/// The plan-file schema version this reader understands.
pub const SCHEMA: i64 = 1;

/// One problem in a plan file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    /// The file (as the caller named it).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The field, as a path (`targets[rd_intensity].indicator`) or a TOML key.
    pub field: String,
    /// Reason, Chinese.
    pub reason_zh: String,
    /// Reason, English.
    pub reason_en: String,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: ", self.file, l)?,
            None => write!(f, "{}: ", self.file)?,
        }
        write!(
            f,
            "字段 field `{}`: {} / {}",
            self.field, self.reason_zh, self.reason_en
        )
    }
}

/// Every problem found in a plan file (at least one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PlanErrors(pub Vec<PlanError>);

impl fmt::Display for PlanErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------------------
// Raw tables, as serde reads them.

#[derive(Deserialize)]
struct RawSchema {
    schema: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    schema: i64,
    plan: RawMeta,
    org_units: Vec<Spanned<RawOrgUnit>>,
    #[serde(default)]
    departments: Vec<RawDepartment>,
    data_elements: Vec<RawElement>,
    indicators: Vec<RawIndicator>,
    #[serde(default)]
    targets: Vec<RawTarget>,
    #[serde(default)]
    goals: Vec<RawGoal>,
    #[serde(default)]
    task_areas: Vec<RawTaskArea>,
    #[serde(default)]
    safeguards: Vec<RawSafeguard>,
    /// `[supervision]`: typed here so that a bad rule is reported at its line; absent means the defaults.
    #[serde(default)]
    supervision: crate::supervise::SupervisionRules,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    id: PlanId,
    title_zh: String,
    title_en: String,
    issuing_body_zh: String,
    issuing_body_en: String,
    adopting_body_zh: String,
    adopting_body_en: String,
    first_year: Spanned<i32>,
    last_year: Spanned<i32>,
    baseline: Spanned<Period>,
    org_unit: Spanned<OrgUnitCode>,
    #[serde(default)]
    parents: Vec<RawParent>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParent {
    title_zh: String,
    title_en: String,
    level: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrgUnit {
    code: Spanned<OrgUnitCode>,
    name_zh: String,
    name_en: String,
    parent: Option<Spanned<OrgUnitCode>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDepartment {
    id: Spanned<DepartmentId>,
    name_zh: String,
    short_zh: String,
    name_en: String,
    named_in_text: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawElement {
    id: Spanned<DataElementId>,
    name_zh: String,
    name_en: String,
    kind: ElementKind,
    unit: String,
    derived_from: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: Spanned<IndicatorId>,
    name_zh: String,
    name_en: String,
    unit: String,
    expression: Spanned<String>,
    #[serde(default = "default_decimals")]
    decimals: u32,
}

fn default_decimals() -> u32 {
    2
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    id: Spanned<TargetId>,
    name_zh: String,
    name_en: String,
    text_zh: String,
    indicator: Spanned<IndicatorId>,
    comparator: Spanned<Comparator>,
    value: Spanned<toml::Value>,
    unit: String,
    deadline: Spanned<Period>,
    direction: Spanned<Direction>,
    kind: TargetKind,
    ceiling: Option<Spanned<toml::Value>>,
    baseline: Option<Spanned<Period>>,
    method: Spanned<MethodId>,
    #[serde(default)]
    also: Vec<MethodId>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGoal {
    id: Spanned<GoalId>,
    name_zh: String,
    name_en: String,
    text_zh: String,
    tracked_by: String,
    #[serde(default)]
    related_targets: Vec<Spanned<TargetId>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaskArea {
    id: Spanned<TaskAreaId>,
    number: u32,
    title_zh: String,
    title_en: String,
    text_zh: String,
    #[serde(default)]
    tasks: Vec<RawTask>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSafeguard {
    id: Spanned<SafeguardId>,
    number: u32,
    title_zh: String,
    title_en: String,
    text_zh: String,
    #[serde(default)]
    tasks: Vec<RawTask>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    id: Spanned<TaskId>,
    title_zh: String,
    title_en: String,
    text_zh: String,
    lead: Spanned<DepartmentId>,
    #[serde(default)]
    co: Vec<Spanned<DepartmentId>>,
    principal_leader: String,
    leader_in_charge: String,
    deadline: Spanned<toml::Value>,
    #[serde(default)]
    milestones: Vec<RawMilestone>,
    #[serde(default)]
    serves: Vec<Spanned<TargetId>>,
    #[serde(default)]
    serves_goals: Vec<Spanned<GoalId>>,
    cycle: ReportingCycle,
    #[serde(default)]
    standing: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMilestone {
    due: Spanned<toml::Value>,
    text_zh: String,
    text_en: String,
}

// ---------------------------------------------------------------------------------------------------------
// Checking and building.

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<PlanError>,
}

impl Ctx<'_> {
    fn line_of(&self, span: &Range<usize>) -> usize {
        line_of(self.text, span.start)
    }

    fn push(&mut self, span: Option<Range<usize>>, field: String, zh: String, en: String) {
        let line = span.map(|s| self.line_of(&s));
        self.errors.push(PlanError {
            file: self.file.to_string(),
            line,
            field,
            reason_zh: zh,
            reason_en: en,
        });
    }

    fn decimal(&mut self, v: &Spanned<toml::Value>, field: String) -> Option<Decimal> {
        match decimal_of(v.get_ref()) {
            Some(d) => Some(d),
            None => {
                self.push(
                    Some(v.span()),
                    field,
                    "应为数字(可写作字符串,如 \"2.5\")".into(),
                    "expected a number (may be written as a string, e.g. \"2.5\")".into(),
                );
                None
            }
        }
    }

    fn date(&mut self, v: &Spanned<toml::Value>, field: String) -> Option<Date> {
        let parsed = match v.get_ref() {
            toml::Value::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => Date::new(d.year as i16, d.month as i8, d.day as i8).ok(),
                _ => None,
            },
            toml::Value::String(s) => s.parse::<Date>().ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.push(
                Some(v.span()),
                field,
                "应为日期,如 2020-12-31".into(),
                "expected a date such as 2020-12-31".into(),
            );
        }
        parsed
    }

    fn unique<T: fmt::Display + Eq + std::hash::Hash + Clone>(
        &mut self,
        seen: &mut HashSet<T>,
        id: &Spanned<T>,
        field: String,
    ) {
        if !seen.insert(id.get_ref().clone()) {
            let shown = id.get_ref().to_string();
            self.push(
                Some(id.span()),
                field,
                format!("标识 {shown} 重复"),
                format!("duplicate id {shown}"),
            );
        }
    }

    fn known<T: fmt::Display + Eq + std::hash::Hash>(
        &mut self,
        set: &HashSet<T>,
        id: &Spanned<T>,
        field: String,
        what_zh: &str,
        what_en: &str,
    ) {
        if !set.contains(id.get_ref()) {
            let shown = id.get_ref().to_string();
            self.push(
                Some(id.span()),
                field,
                format!("未知的{what_zh} {shown}"),
                format!("unknown {what_en} {shown}"),
            );
        }
    }
}

fn decimal_of(v: &toml::Value) -> Option<Decimal> {
    match v {
        toml::Value::Integer(i) => Some(Decimal::from(*i)),
        // The shortest text that reads back as the same f64 is what the author wrote for any literal with up
        // to 15 significant digits, so `2.5` stays exactly 2.5.
        toml::Value::Float(f) if f.is_finite() => f.to_string().parse().ok(),
        toml::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The TOML key at a byte offset: the table header above it plus the `key =` of its line.
fn key_at(text: &str, offset: usize) -> String {
    // A span from the TOML reader should lie on a character boundary; flooring makes sure that a span inside a
    // multi-byte character can never make the slices below panic.
    let end = text.floor_char_boundary(offset);
    let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let line = &text[line_start..line_end];
    let header = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    let key = line
        .split_once('=')
        .filter(|(k, _)| line_start + k.len() <= end || end == line_start)
        .map(|(k, _)| k.trim().to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    match (header, key) {
        (Some(h), Some(k)) => format!("{h}.{k}"),
        (Some(h), None) => h,
        (None, Some(k)) => k,
        (None, None) => "-".into(),
    }
}

/// Turns a TOML/serde error into ours, with the Chinese reason for the common cases.
fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> PlanError {
    let msg = e.message().trim().to_string();
    let span = e.span();
    let backticked = msg
        .split('`')
        .nth(1)
        .map(str::to_string)
        .filter(|s| !s.is_empty());
    let at_key = span.as_ref().map(|s| key_at(text, s.start));
    let (zh, field) = if msg.starts_with("missing field") {
        let f = backticked.unwrap_or_default();
        let table = at_key.unwrap_or_default();
        (
            format!("缺少字段 {f}"),
            if table.is_empty() || table == "-" {
                f
            } else {
                format!("{table}.{f}")
            },
        )
    } else if msg.starts_with("unknown field") {
        let f = backticked.unwrap_or_default();
        (format!("未知字段 {f}"), at_key.unwrap_or(f))
    } else if msg.starts_with("unknown variant") {
        ("取值不在允许范围内".to_string(), at_key.unwrap_or_default())
    } else if msg.starts_with("invalid type") {
        ("类型不对".to_string(), at_key.unwrap_or_default())
    } else if msg.starts_with("duplicate key") {
        ("键重复".to_string(), at_key.unwrap_or_default())
    } else if msg.contains('/') {
        // Our own messages (ids, periods) are already bilingual.
        (String::new(), at_key.unwrap_or_default())
    } else {
        ("TOML 语法或取值错误".to_string(), at_key.unwrap_or_default())
    };
    let (reason_zh, reason_en) = if zh.is_empty() {
        match msg.split_once(" / ") {
            Some((a, b)) => (a.to_string(), b.to_string()),
            None => (msg.clone(), msg.clone()),
        }
    } else {
        (zh, msg)
    };
    PlanError {
        file: file.to_string(),
        line: span.map(|s| line_of(text, s.start)),
        field: if field.is_empty() { "-".into() } else { field },
        reason_zh,
        reason_en,
    }
}

/// Reads and checks a plan file. See the module documentation.
pub fn read(text: &str, file: &str) -> Result<Plan, PlanErrors> {
    let one = |e: PlanError| PlanErrors(vec![e]);
    // The schema decides how to read the rest, so it is checked first and alone.
    let schema: RawSchema = toml::from_str(text).map_err(|e| one(toml_error(file, text, &e)))?;
    match schema.schema {
        None => {
            return Err(one(PlanError {
                file: file.into(),
                line: Some(1),
                field: "schema".into(),
                reason_zh: "缺少 schema = 1".into(),
                reason_en: "missing `schema = 1`".into(),
            }));
        }
        Some(s) if s.get_ref().as_integer() != Some(SCHEMA) => {
            return Err(one(PlanError {
                file: file.into(),
                line: Some(line_of(text, s.span().start)),
                field: "schema".into(),
                reason_zh: format!("不支持的版本 {},本程序读取 schema = {SCHEMA}", s.get_ref()),
                reason_en: format!(
                    "unsupported schema {}; this program reads schema = {SCHEMA}",
                    s.get_ref()
                ),
            }));
        }
        Some(_) => {}
    }
    let raw: RawFile = toml::from_str(text).map_err(|e| one(toml_error(file, text, &e)))?;
    let mut cx = Ctx {
        file,
        text,
        errors: Vec::new(),
    };
    let plan = build(&mut cx, raw);
    if cx.errors.is_empty() {
        Ok(plan)
    } else {
        cx.errors.sort_by_key(|e| e.line);
        Err(PlanErrors(cx.errors))
    }
}

fn build(cx: &mut Ctx<'_>, raw: RawFile) -> Plan {
    // Org units: unique codes, known parents, no cycles; stored parents first.
    let mut codes = HashSet::new();
    for u in &raw.org_units {
        let f = format!("org_units[{}].code", u.get_ref().code.get_ref());
        cx.unique(&mut codes, &u.get_ref().code, f);
    }
    for u in &raw.org_units {
        if let Some(p) = &u.get_ref().parent {
            let f = format!("org_units[{}].parent", u.get_ref().code.get_ref());
            cx.known(&codes, p, f, "上级区划", "parent org unit");
        }
    }
    let org_units = order_org_units(cx, &raw.org_units);
    cx.known(
        &codes,
        &raw.plan.org_unit,
        "plan.org_unit".into(),
        "区划",
        "org unit",
    );

    let m = &raw.plan;
    if m.first_year.get_ref() > m.last_year.get_ref() {
        cx.push(
            Some(m.last_year.span()),
            "plan.last_year".into(),
            "结束年份早于开始年份".into(),
            "last_year is before first_year".into(),
        );
    }
    let meta = PlanMeta {
        id: m.id.clone(),
        title_zh: m.title_zh.clone(),
        title_en: m.title_en.clone(),
        issuing_body_zh: m.issuing_body_zh.clone(),
        issuing_body_en: m.issuing_body_en.clone(),
        adopting_body_zh: m.adopting_body_zh.clone(),
        adopting_body_en: m.adopting_body_en.clone(),
        first_year: *m.first_year.get_ref(),
        last_year: *m.last_year.get_ref(),
        baseline: *m.baseline.get_ref(),
        org_unit: m.org_unit.get_ref().clone(),
        parents: m
            .parents
            .iter()
            .map(|p| ParentPlan {
                title_zh: p.title_zh.clone(),
                title_en: p.title_en.clone(),
                level: p.level.clone(),
            })
            .collect(),
        source: m.source.clone(),
    };

    // Departments.
    let mut dept_ids = HashSet::new();
    let departments = raw
        .departments
        .iter()
        .map(|d| {
            cx.unique(
                &mut dept_ids,
                &d.id,
                format!("departments[{}].id", d.id.get_ref()),
            );
            Department {
                id: d.id.get_ref().clone(),
                name_zh: d.name_zh.clone(),
                short_zh: d.short_zh.clone(),
                name_en: d.name_en.clone(),
                named_in_text: d.named_in_text,
            }
        })
        .collect();

    // Data elements.
    let mut element_ids = HashSet::new();
    let data_elements = raw
        .data_elements
        .iter()
        .map(|e| {
            let id = e.id.get_ref();
            cx.unique(&mut element_ids, &e.id, format!("data_elements[{id}].id"));
            let source = match &e.derived_from {
                None => ElementSource::Observed,
                Some(rule) => match DerivationRule::parse(rule.get_ref()) {
                    Some(r) => ElementSource::Derived(r),
                    None => {
                        let known: Vec<_> = DerivationRule::ALL.iter().map(|r| r.name()).collect();
                        cx.push(
                            Some(rule.span()),
                            format!("data_elements[{id}].derived_from"),
                            format!("未知的派生规则 {}(可用: {})", rule.get_ref(), known.join(", ")),
                            format!(
                                "unknown derivation rule {} (known: {})",
                                rule.get_ref(),
                                known.join(", ")
                            ),
                        );
                        ElementSource::Observed
                    }
                },
            };
            DataElement {
                id: id.clone(),
                name_zh: e.name_zh.clone(),
                name_en: e.name_en.clone(),
                kind: e.kind,
                unit: e.unit.clone(),
                source,
            }
        })
        .collect();

    // Indicators.
    let mut indicator_ids = HashSet::new();
    let mut indicators = Vec::new();
    for i in &raw.indicators {
        let id = i.id.get_ref();
        cx.unique(&mut indicator_ids, &i.id, format!("indicators[{id}].id"));
        let field = format!("indicators[{id}].expression");
        match Expr::parse(i.expression.get_ref()) {
            Ok(expr) => {
                for el in expr.elements() {
                    if !element_ids.contains(el) {
                        cx.push(
                            Some(i.expression.span()),
                            field.clone(),
                            format!("未知的数据项 {el}"),
                            format!("unknown data element {el}"),
                        );
                    }
                }
                indicators.push(Indicator {
                    id: id.clone(),
                    name_zh: i.name_zh.clone(),
                    name_en: i.name_en.clone(),
                    unit: i.unit.clone(),
                    expression: expr,
                    decimals: i.decimals,
                });
            }
            Err(e) => cx.push(
                Some(i.expression.span()),
                field,
                format!("表达式第{}个字符: {}", e.position, e.reason_zh),
                format!("expression, character {}: {}", e.position, e.reason_en),
            ),
        }
    }

    // Targets.
    let mut target_ids = HashSet::new();
    let mut targets = Vec::new();
    for t in &raw.targets {
        let id = t.id.get_ref();
        cx.unique(&mut target_ids, &t.id, format!("targets[{id}].id"));
        cx.known(
            &indicator_ids,
            &t.indicator,
            format!("targets[{id}].indicator"),
            "指标",
            "indicator",
        );
        let value = cx.decimal(&t.value, format!("targets[{id}].value"));
        let ceiling = t
            .ceiling
            .as_ref()
            .and_then(|c| cx.decimal(c, format!("targets[{id}].ceiling")));
        let comparator = *t.comparator.get_ref();
        let direction = *t.direction.get_ref();
        if matches!(
            (comparator, direction),
            (Comparator::AtLeast, Direction::LowerIsBetter) | (Comparator::AtMost, Direction::HigherIsBetter)
        ) {
            cx.push(
                Some(t.direction.span()),
                format!("targets[{id}].direction"),
                "方向与比较符不一致(>= 对应 higher_is_better, <= 对应 lower_is_better)".into(),
                "direction contradicts the comparator (>= goes with higher_is_better, <= with lower_is_better)".into(),
            );
        }
        if let (Some(v), Some(c)) = (value, ceiling)
            && v > c
        {
            cx.push(
                t.ceiling.as_ref().map(Spanned::span),
                format!("targets[{id}].ceiling"),
                format!("目标值 {v} 超过自然上限 {c}"),
                format!("target value {v} is above the natural ceiling {c}"),
            );
        }
        let baseline = t.baseline.as_ref().map_or(meta.baseline, |b| *b.get_ref());
        if baseline >= *t.deadline.get_ref() {
            cx.push(
                Some(t.deadline.span()),
                format!("targets[{id}].deadline"),
                format!("截止期 {} 不晚于基期 {baseline}", t.deadline.get_ref()),
                format!(
                    "deadline {} is not after the baseline {baseline}",
                    t.deadline.get_ref()
                ),
            );
        }
        for (m, span) in std::iter::once((t.method.get_ref(), Some(t.method.span())))
            .chain(t.also.iter().map(|m| (m, None)))
        {
            if let Err((zh, en)) = m.fits(t.kind) {
                cx.push(
                    span.clone().or(Some(t.method.span())),
                    format!("targets[{id}].{}", if span.is_some() { "method" } else { "also" }),
                    zh,
                    en,
                );
            }
        }
        if let (Some(value), Some(_)) = (value, indicator_ids.get(t.indicator.get_ref())) {
            targets.push(Target {
                id: id.clone(),
                name_zh: t.name_zh.clone(),
                name_en: t.name_en.clone(),
                text_zh: t.text_zh.clone(),
                indicator: t.indicator.get_ref().clone(),
                comparator,
                value,
                unit: t.unit.clone(),
                deadline: *t.deadline.get_ref(),
                direction,
                kind: t.kind,
                ceiling,
                baseline,
                method: *t.method.get_ref(),
                also: t.also.clone(),
            });
        }
    }

    // Goals.
    let mut goal_ids = HashSet::new();
    let goals = raw
        .goals
        .iter()
        .map(|g| {
            let id = g.id.get_ref();
            cx.unique(&mut goal_ids, &g.id, format!("goals[{id}].id"));
            for r in &g.related_targets {
                cx.known(
                    &target_ids,
                    r,
                    format!("goals[{id}].related_targets"),
                    "目标",
                    "target",
                );
            }
            Goal {
                id: id.clone(),
                name_zh: g.name_zh.clone(),
                name_en: g.name_en.clone(),
                text_zh: g.text_zh.clone(),
                tracked_by: g.tracked_by.clone(),
                related_targets: g.related_targets.iter().map(|r| r.get_ref().clone()).collect(),
            }
        })
        .collect();

    // Tasks, in areas and safeguards; task ids are unique across both.
    let refs = Refs {
        departments: &dept_ids,
        targets: &target_ids,
        goals: &goal_ids,
    };
    let mut task_ids = HashSet::new();
    let mut area_ids = HashSet::new();
    let task_areas = raw
        .task_areas
        .iter()
        .map(|a| {
            cx.unique(&mut area_ids, &a.id, format!("task_areas[{}].id", a.id.get_ref()));
            TaskArea {
                id: a.id.get_ref().clone(),
                number: a.number,
                title_zh: a.title_zh.clone(),
                title_en: a.title_en.clone(),
                text_zh: a.text_zh.clone(),
                tasks: a
                    .tasks
                    .iter()
                    .filter_map(|t| build_task(cx, &refs, &mut task_ids, t))
                    .collect(),
            }
        })
        .collect();
    let mut safeguard_ids = HashSet::new();
    let safeguards = raw
        .safeguards
        .iter()
        .map(|s| {
            cx.unique(
                &mut safeguard_ids,
                &s.id,
                format!("safeguards[{}].id", s.id.get_ref()),
            );
            SafeguardMeasure {
                id: s.id.get_ref().clone(),
                number: s.number,
                title_zh: s.title_zh.clone(),
                title_en: s.title_en.clone(),
                text_zh: s.text_zh.clone(),
                tasks: s
                    .tasks
                    .iter()
                    .filter_map(|t| build_task(cx, &refs, &mut task_ids, t))
                    .collect(),
            }
        })
        .collect();

    Plan {
        meta,
        org_units,
        departments,
        data_elements,
        indicators,
        targets,
        goals,
        task_areas,
        safeguards,
        supervision: raw.supervision,
    }
}

struct Refs<'a> {
    departments: &'a HashSet<DepartmentId>,
    targets: &'a HashSet<TargetId>,
    goals: &'a HashSet<GoalId>,
}

fn build_task(cx: &mut Ctx<'_>, refs: &Refs<'_>, seen: &mut HashSet<TaskId>, t: &RawTask) -> Option<Task> {
    let id = t.id.get_ref();
    cx.unique(seen, &t.id, format!("tasks[{id}].id"));
    cx.known(
        refs.departments,
        &t.lead,
        format!("tasks[{id}].lead"),
        "部门",
        "department",
    );
    for c in &t.co {
        cx.known(
            refs.departments,
            c,
            format!("tasks[{id}].co"),
            "部门",
            "department",
        );
        if c.get_ref() == t.lead.get_ref() {
            cx.push(
                Some(c.span()),
                format!("tasks[{id}].co"),
                "牵头单位不应同时列为配合单位".into(),
                "the lead department is also listed as a co-department".into(),
            );
        }
    }
    for s in &t.serves {
        cx.known(refs.targets, s, format!("tasks[{id}].serves"), "目标", "target");
    }
    for g in &t.serves_goals {
        cx.known(
            refs.goals,
            g,
            format!("tasks[{id}].serves_goals"),
            "定性目标",
            "goal",
        );
    }
    let deadline = cx.date(&t.deadline, format!("tasks[{id}].deadline"));
    let mut milestones = Vec::new();
    for m in &t.milestones {
        let Some(due) = cx.date(&m.due, format!("tasks[{id}].milestones.due")) else {
            continue;
        };
        if deadline.is_some_and(|d| due > d) {
            cx.push(
                Some(m.due.span()),
                format!("tasks[{id}].milestones.due"),
                format!("节点日期 {due} 晚于任务截止日期"),
                format!("milestone date {due} is after the task's deadline"),
            );
        }
        milestones.push(Milestone {
            due,
            text_zh: m.text_zh.clone(),
            text_en: m.text_en.clone(),
        });
    }
    milestones.sort_by_key(|m| m.due);
    Some(Task {
        id: id.clone(),
        title_zh: t.title_zh.clone(),
        title_en: t.title_en.clone(),
        text_zh: t.text_zh.clone(),
        lead: t.lead.get_ref().clone(),
        co: t.co.iter().map(|c| c.get_ref().clone()).collect(),
        principal_leader: t.principal_leader.clone(),
        leader_in_charge: t.leader_in_charge.clone(),
        deadline: deadline?,
        milestones,
        serves: t.serves.iter().map(|s| s.get_ref().clone()).collect(),
        serves_goals: t.serves_goals.iter().map(|s| s.get_ref().clone()).collect(),
        cycle: t.cycle,
        standing: t.standing,
    })
}

/// Orders org units parents-first and reports cycles.
fn order_org_units(cx: &mut Ctx<'_>, raw: &[Spanned<RawOrgUnit>]) -> Vec<OrgUnit> {
    let by_code: HashMap<&OrgUnitCode, &Spanned<RawOrgUnit>> =
        raw.iter().map(|u| (u.get_ref().code.get_ref(), u)).collect();
    let mut placed: HashSet<&OrgUnitCode> = HashSet::new();
    let mut out = Vec::new();
    let mut remaining: Vec<&Spanned<RawOrgUnit>> = raw.iter().collect();
    while !remaining.is_empty() {
        let before = remaining.len();
        remaining.retain(|u| {
            let r = u.get_ref();
            let ready = match &r.parent {
                None => true,
                Some(p) => placed.contains(p.get_ref()) || !by_code.contains_key(p.get_ref()),
            };
            if ready && placed.insert(r.code.get_ref()) {
                out.push(OrgUnit {
                    code: r.code.get_ref().clone(),
                    name_zh: r.name_zh.clone(),
                    name_en: r.name_en.clone(),
                    parent: r.parent.as_ref().map(|p| p.get_ref().clone()),
                });
            }
            !ready
        });
        if remaining.len() == before {
            for u in &remaining {
                let code = u.get_ref().code.get_ref();
                cx.push(
                    Some(u.span()),
                    format!("org_units[{code}].parent"),
                    "上级区划关系成环".into(),
                    "the parent links form a cycle".into(),
                );
            }
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests;
