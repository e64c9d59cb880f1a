//! `plantrack extract FILE [--format json|toml]` — draft a plan from a policy text (政策文本): read the document
//! (.docx, .pdf with a text layer, .ofd, a saved web page, or plain text — told apart by content, not by the
//! file's name), normalise it, read its targets and task tree, and print them. Unusable input (missing, empty,
//! binary, undecodable or oversized files, old .doc/.wps files, scanned PDFs) exits with code 2 and a message in
//! Chinese and English; a text without targets is not an error.
//!
//! The JSON is written through a buffer straight to stdout: its size is the text once (`normalized_text`) plus
//! what was found, and nothing of it is held in memory twice.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use plantrack_text::decode::{MAX_TEXT_BYTES, decode};

use super::BadInput;

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// The policy text: .docx, .pdf (with text), .ofd, .html/.htm, or plain text in UTF-8, UTF-16 with a
    /// byte-order mark, or GBK/GB18030 — the kind is detected from the content.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Output: `json` (targets with evidence spans, task tree) or `toml` (a draft plan file, every guess marked
    /// for review).
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Toml,
}

pub fn run(args: &ExtractArgs) -> anyhow::Result<ExitCode> {
    let bytes = read_bounded(&args.file)?;
    let decoded = decode(&bytes).map_err(|e| BadInput(format!("{}: {e}", args.file.display())))?;
    let extraction = plantrack_text::extract(&decoded.text);
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &extraction.to_json())?;
            writeln!(out)?;
        }
        Format::Toml => {
            let source = args.file.display().to_string();
            out.write_all(plantrack_text::draft_plan_toml(&extraction, &source).as_bytes())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Reads at most [`MAX_TEXT_BYTES`] + 1 bytes, so an enormous file costs neither the time nor the memory to read
/// it whole before it is refused.
fn read_bounded(path: &Path) -> anyhow::Result<Vec<u8>> {
    let unreadable = |e: std::io::Error| {
        BadInput(format!(
            "{}: 无法读取文件 / cannot read the file: {e}",
            path.display()
        ))
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(BadInput(format!(
            "{}: 这是一个目录,不是文件 / this is a directory, not a file",
            path.display()
        ))
        .into());
    }
    let mut bytes = Vec::new();
    let limit = u64::try_from(MAX_TEXT_BYTES).unwrap_or(u64::MAX) + 1;
    file.take(limit).read_to_end(&mut bytes).map_err(unreadable)?;
    Ok(bytes)
}
