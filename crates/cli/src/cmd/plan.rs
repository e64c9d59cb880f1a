//! `plantrack plan show|check` — print a plan, or check a plan file and report every problem in it.
//!
//! Also home of [`load`], which every command that takes `--plan FILE` uses: the embedded Shuangtaizi plan by
//! default, a file otherwise; a file that does not read is bad input (exit 2) with file, line, field and reason.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use owo_colors::OwoColorize;
use plantrack_core::plan::{
    DepartmentId, ElementKind, ElementSource, OrgUnitCode, Plan, ReportingCycle, Task, embedded,
};

use super::BadInput;

#[derive(Debug, clap::Subcommand)]
pub enum PlanCommand {
    /// Print a plan: targets (主要目标), goals, key tasks (重点任务), safeguards (保障措施), org units, departments.
    Show(ShowArgs),
    /// Check a plan file (schema, ids, cross-references); exit 2 with every problem found.
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Plan file (TOML, schema 1); default: the embedded Shuangtaizi plan (双台子区 2018–2020).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowFormat {
    /// Readable outline.
    Text,
    /// The whole plan as JSON (numbers as decimal strings).
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The plan file to check.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

pub fn run(cmd: PlanCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PlanCommand::Show(a) => show(&a),
        PlanCommand::Check(a) => check(&a),
    }
}

/// The plan in `path`, or the embedded default plan.
pub fn load(path: Option<&Path>) -> anyhow::Result<Plan> {
    match path {
        None => embedded::shuangtaizi()
            .map_err(|e| anyhow::anyhow!("the embedded plan does not read (a build error):\n{e}")),
        Some(p) => {
            let shown = p.display().to_string();
            let bytes = std::fs::read(p).map_err(|e| {
                BadInput(format!(
                    "{shown}: 无法读取计划文件 / cannot read the plan file: {e}"
                ))
            })?;
            let text = String::from_utf8(bytes).map_err(|e| {
                BadInput(format!(
                    "{shown}: 计划文件不是 UTF-8 编码 / the plan file is not UTF-8 (byte {})",
                    e.utf8_error().valid_up_to()
                ))
            })?;
            Plan::from_toml(&text, &shown).map_err(|e| BadInput(e.to_string()).into())
        }
    }
}

fn check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let plan = load(Some(&args.file))?;
    let mut out = anstream::stdout().lock();
    writeln!(
        out,
        "{} {}: schema 1 — {} targets, {} goals, {} task areas, {} tasks, {} safeguards, {} org units, {} departments, {} data elements",
        "✓".green(),
        args.file.display(),
        plan.targets().len(),
        plan.goals().len(),
        plan.task_areas().len(),
        plan.tasks().count(),
        plan.safeguards().len(),
        plan.org_units().len(),
        plan.departments().len(),
        plan.data_elements().len(),
    )?;
    Ok(ExitCode::SUCCESS)
}

fn show(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let plan = load(args.plan.as_deref())?;
    let mut out = anstream::stdout().lock();
    match args.format {
        ShowFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &plan).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        ShowFormat::Text => outline(&plan, &mut out)?,
    }
    Ok(ExitCode::SUCCESS)
}

const NUMERALS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

fn numeral(n: u32) -> String {
    NUMERALS
        .get(n as usize)
        .map_or_else(|| n.to_string(), |s| (*s).to_string())
}

fn outline(plan: &Plan, out: &mut impl Write) -> std::io::Result<()> {
    let m = plan.meta();
    let unit_name = |code| plan.org_unit(code).map_or("", |u| u.name_zh.as_str());
    let dept = |id: &DepartmentId| plan.department(id).map_or("?", |d| d.short_zh.as_str());
    writeln!(out, "{}", m.title_zh.bold())?;
    writeln!(out, "{}", m.title_en)?;
    writeln!(
        out,
        "起草 issued by: {}   审议 adopted by: {}",
        m.issuing_body_zh, m.adopting_body_zh
    )?;
    writeln!(
        out,
        "期间 period: {}–{}   基期 baseline: {}   区划 org unit: {} {}",
        m.first_year,
        m.last_year,
        m.baseline,
        m.org_unit,
        unit_name(&m.org_unit)
    )?;
    for p in &m.parents {
        writeln!(out, "上位规划 parent plan: 《{}》({})", p.title_zh, p.level)?;
    }

    writeln!(
        out,
        "\n{}",
        format!("主要目标 Targets ({})", plan.targets().len()).bold()
    )?;
    for t in plan.targets() {
        let expr = plan
            .indicator(&t.indicator)
            .map_or(String::new(), |i| i.expression.to_string());
        let also = if t.also.is_empty() {
            String::new()
        } else {
            let names: Vec<_> = t.also.iter().map(|m| m.name()).collect();
            format!("; also {}", names.join(", "))
        };
        writeln!(
            out,
            "  {}  {} {} {} {} by {}  [{}{}]",
            t.id.cyan(),
            t.name_zh,
            t.comparator.symbol(),
            t.value.normalize(),
            t.unit,
            t.deadline,
            t.method,
            also
        )?;
        writeln!(out, "      = {expr}   ({})", t.name_en.dimmed())?;
    }

    writeln!(
        out,
        "\n{}",
        format!("定性目标 Goals ({})", plan.goals().len()).bold()
    )?;
    for g in plan.goals() {
        writeln!(
            out,
            "  {}  {} — tracked by {}",
            g.id.cyan(),
            g.name_zh,
            g.tracked_by
        )?;
    }

    let task_line = |t: &Task, out: &mut dyn Write| -> std::io::Result<()> {
        let co: Vec<_> = t.co.iter().map(dept).collect();
        let serves: Vec<_> = t.serves.iter().map(ToString::to_string).collect();
        writeln!(
            out,
            "    {}  {}  牵头 lead {}{}  截止 {}  {}{}",
            t.id.cyan(),
            t.title_zh,
            dept(&t.lead),
            if co.is_empty() {
                String::new()
            } else {
                format!("  配合 {}", co.join("、"))
            },
            t.deadline,
            match t.cycle {
                ReportingCycle::Monthly => "月报 monthly",
                ReportingCycle::Quarterly => "季报 quarterly",
            },
            if serves.is_empty() {
                String::new()
            } else {
                format!("  → {}", serves.join(", "))
            },
        )
    };
    writeln!(out, "\n{}", "重点任务 Key tasks".bold())?;
    for a in plan.task_areas() {
        writeln!(
            out,
            "  {}是 {} / {}",
            numeral(a.number),
            a.title_zh.bold(),
            a.title_en
        )?;
        for t in &a.tasks {
            task_line(t, out)?;
        }
    }
    writeln!(out, "\n{}", "保障措施 Safeguards".bold())?;
    for s in plan.safeguards() {
        writeln!(
            out,
            "  {}是 {} / {}",
            numeral(s.number),
            s.title_zh.bold(),
            s.title_en
        )?;
        for t in &s.tasks {
            task_line(t, out)?;
        }
    }

    writeln!(out, "\n{}", "区划 Org units".bold())?;
    fn tree(
        plan: &Plan,
        code: Option<&OrgUnitCode>,
        depth: usize,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        for u in plan.org_units().iter().filter(|u| u.parent.as_ref() == code) {
            writeln!(
                out,
                "  {}{} {} ({})",
                "  ".repeat(depth),
                u.code,
                u.name_zh,
                u.name_en
            )?;
            tree(plan, Some(&u.code), depth + 1, out)?;
        }
        Ok(())
    }
    tree(plan, None, 0, out)?;

    writeln!(out, "\n{}", "部门 Departments".bold())?;
    for d in plan.departments() {
        let mark = if d.named_in_text {
            ""
        } else {
            "  (proposed / 建议)"
        };
        writeln!(
            out,
            "  {}  {} {}{}",
            d.id.cyan(),
            d.short_zh,
            d.name_en.dimmed(),
            mark
        )?;
    }

    writeln!(out, "\n{}", "数据项 Data elements".bold())?;
    for e in plan.data_elements() {
        let source = match e.source {
            ElementSource::Observed => "observed".to_string(),
            ElementSource::Derived(r) => format!("derived: {}", r.name()),
        };
        let kind = match e.kind {
            ElementKind::Flow => "flow 流量",
            ElementKind::Stock => "stock 存量",
        };
        writeln!(
            out,
            "  {}  {} ({}, {kind}, {source})",
            e.id.cyan(),
            e.name_zh,
            e.unit
        )?;
    }
    Ok(())
}
