//! `plantrack template KIND -o FILE.xlsx` — the import template of a kind: the headers with a note on each
//! (what to enter, unit, example), drop-down lists for coded columns, checks on numbers, dates and codes, and a
//! sheet of instructions (填写说明).

use std::path::PathBuf;
use std::process::ExitCode;

use plantrack_exchange::Kind;

use super::import::parse_kind;
use super::{BadInput, app_error};

#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// Which template (enterprises, qualifications, contracts, talents, platforms, observations, financing,
    /// funding, achievements, org_units).
    #[arg(value_parser = parse_kind)]
    pub kind: Kind,
    /// Where to write it (an .xlsx file).
    #[arg(short, long, value_name = "FILE.xlsx")]
    pub output: PathBuf,
}

pub fn run(args: &TemplateArgs) -> anyhow::Result<ExitCode> {
    let bytes = plantrack_app::export::template_file(args.kind).map_err(app_error)?;
    std::fs::write(&args.output, bytes)
        .map_err(|e| BadInput(format!("{}: 无法写入 / cannot write: {e}", args.output.display())))?;
    super::note(&format!(
        "已写入模板 template written: {} ({})",
        args.output.display(),
        args.kind.name_zh()
    ));
    Ok(ExitCode::SUCCESS)
}
