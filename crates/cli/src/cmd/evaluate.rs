//! `plantrack evaluate FILE.json [--as-of YYYY-MM-DD] [--format table|json]` — judges enterprise profiles against
//! the national rules (科技型中小企业, 高新技术企业, 规上工业, 加计扣除) and shows what each failing one lacks.
//!
//! Thin: reads the file, lets `core::qualify` parse (all problems at once, exit 2), judge, explain and compute the
//! gaps, then renders. The JSON is the array of `EvaluationReport`s documented in the README.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use jiff::civil::Date;
use plantrack_core::qualify::{self, EvaluationReport, Rules};

use super::BadInput;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people.
    Table,
    /// The JSON array of evaluation reports.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct EvaluateArgs {
    /// JSON file with an array of enterprise profiles (企业画像); amounts in 万元.
    #[arg(value_name = "FILE.json")]
    pub file: PathBuf,
    /// Evaluation date (for 高企: the application date); default today. 科小 uses the fiscal year before it.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub fn run(args: EvaluateArgs) -> anyhow::Result<ExitCode> {
    let EvaluateArgs { file, as_of, format } = args;
    let text = std::fs::read_to_string(&file).map_err(|e| {
        BadInput(format!(
            "无法读取 {} / cannot read {}: {e}",
            file.display(),
            file.display()
        ))
    })?;
    let profiles =
        qualify::parse_profiles_json(&text).map_err(|e| BadInput(format!("{}:\n{e}", file.display())))?;
    let as_of = as_of.unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    let rules = Rules::default();

    let mut stderr = std::io::stderr().lock();
    for p in &profiles {
        for w in p.warnings() {
            writeln!(stderr, "plantrack: 提示 / warning: {}: {w}", p.label())?;
        }
    }

    let reports: Vec<EvaluationReport> = profiles
        .iter()
        .map(|p| {
            let e = qualify::evaluate(p, as_of, &rules);
            let g = qualify::gaps(p, &e, &rules);
            qualify::report(p, &e, Some(&g), &rules)
        })
        .collect();

    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &reports).context("writing JSON")?;
            writeln!(out)?;
        }
        Format::Table => write_table(&mut out, &profiles, &reports)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Display width: CJK and full-width characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

fn tech_sme_cell(r: &EvaluationReport) -> String {
    let t = &r.tech_sme;
    match (t.qualified, t.route.as_deref(), t.score) {
        (Some(true), Some("direct"), _) => format!("✓ 直接 {}", t.direct_reason.as_deref().unwrap_or("")),
        (Some(true), _, Some(s)) => format!("✓ {s} 分"),
        (Some(true), _, None) => "✓".to_owned(),
        (Some(false), _, Some(s)) => format!("✗ {s} 分"),
        (Some(false), _, None) => "✗".to_owned(),
        (None, ..) => "? 缺数据".to_owned(),
    }
}

fn high_tech_cell(r: &EvaluationReport) -> String {
    let h = &r.high_tech;
    let s = h.innovation_score;
    let range = if s.min == s.max {
        format!("{}", s.min)
    } else {
        format!("{}–{}", s.min, s.max)
    };
    match h.verdict.as_str() {
        "eligible" => format!("✓ {range} 分"),
        "not_eligible" => format!("✗ {range} 分"),
        "needs_expert_review" => format!("专家评审 {range} 分，差 {}", h.points_needed.unwrap_or(0)),
        _ => "? 缺数据".to_owned(),
    }
}

fn write_table(
    out: &mut impl Write,
    profiles: &[qualify::EnterpriseProfile],
    reports: &[EvaluationReport],
) -> anyhow::Result<()> {
    let header = [
        "统一社会信用代码",
        "企业",
        "科技型中小企业",
        "高新技术企业",
        "规上工业",
        "加计扣除/节税(万元)",
    ];
    let rows: Vec<[String; 6]> = profiles
        .iter()
        .zip(reports)
        .map(|(p, r)| {
            [
                r.uscc.clone(),
                p.name().to_owned(),
                tech_sme_cell(r),
                high_tech_cell(r),
                match r.above_scale_industrial {
                    Some(true) => "是".to_owned(),
                    Some(false) => "否".to_owned(),
                    None => "?".to_owned(),
                },
                r.rd_deduction.as_ref().map_or("—".to_owned(), |d| {
                    format!("{} / {}", d.extra_deduction.normalize(), d.tax_saving.normalize())
                }),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..6)
        .map(|i| {
            rows.iter()
                .map(|r| width(&r[i]))
                .chain([width(header[i])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| pad(c, *w))
            .collect::<Vec<_>>()
            .join("  ")
    };
    writeln!(out, "{}", line(&header.map(str::to_owned)).trim_end())?;
    for (row, r) in rows.iter().zip(reports) {
        writeln!(out, "{}", line(row).trim_end())?;
        if let Some(m) = &r.tech_sme.missing {
            writeln!(out, "    科小无法判断 / tech SME cannot judge: {m}")?;
        }
        if let Some(m) = &r.high_tech.missing {
            writeln!(out, "    高企无法判断 / high-tech cannot judge: {m}")?;
        }
        for (label, gaps) in [("科小培育", &r.gaps.tech_sme), ("高企培育", &r.gaps.high_tech)] {
            for g in gaps {
                writeln!(out, "    {label}：{}", g.text_zh)?;
            }
        }
    }
    writeln!(
        out,
        "截至 / as of {}；明细见 --format json / details with --format json",
        reports.first().map_or_else(String::new, |r| r.as_of.to_string())
    )?;
    Ok(())
}
