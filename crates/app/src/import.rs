//! Importing a file (导入): bytes + file name + kind + who → a row-by-row report, all or nothing.
//!
//! The file is parsed on a blocking thread while the rows are written, batch by batch, inside one store
//! transaction; the first problem stops the writing (parsing goes on, so the report lists every bad row) and the
//! transaction is rolled back. A dry run does everything but commit, so its report says what the import would
//! insert, update and leave unchanged — the web's "check, then confirm" flow (confirm with the report's `sha256`
//! to be sure the same file is imported). Killing the process mid-import leaves the store as it was: nothing is
//! committed before the end.

use std::collections::HashSet;
use std::sync::Arc;

use plantrack_exchange::{Context, FileInfo, Kind, Parser, Problem, Records};
use plantrack_store::audit::ImportSummary;
use plantrack_store::{Store, Tx, UpsertCounts};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::status::current_plan;
use crate::{AppError, Permission, Principal};

/// Rows parsed and written at a time (several bulk statements of the store, so that it builds one while the
/// database runs the previous).
const BATCH_ROWS: usize = 50_000;
/// The first batch: writing starts as soon as it is parsed (a whole batch is 0.4 s of parsing for a
/// province's annual figures, the writer idle meanwhile).
const FIRST_BATCH_ROWS: usize = 8_000;
/// Problems listed in a report (the total is always given).
pub const MAX_LISTED_PROBLEMS: usize = 10_000;
/// The largest upload accepted (a CSV is streamed; this bounds memory for the bytes themselves).
pub const MAX_FILE_BYTES: usize = 1024 * 1024 * 1024;

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The kind of file.
    pub kind: Kind,
    /// The file's name as uploaded (its extension is checked against its content).
    pub file_name: String,
    /// The file.
    pub bytes: Vec<u8>,
    /// Check and count, but commit nothing.
    pub dry_run: bool,
    /// For the confirm step: the SHA-256 the dry run reported; a different file is refused.
    pub expect_sha256: Option<String>,
}

/// Progress callback: (done, total) in bytes for CSV, rows for workbooks.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// What an import did or would do, row by row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportReport {
    /// Kind of file.
    pub kind: Kind,
    /// File name.
    pub file_name: String,
    /// Hex SHA-256 of the file.
    pub sha256: String,
    /// Format, encoding, sheet, header row, columns recognised.
    pub file: Option<FileInfo>,
    /// Data rows read.
    pub rows_total: u64,
    /// Problems (at most [`MAX_LISTED_PROBLEMS`]); any problem means nothing was imported.
    pub problems: Vec<Problem>,
    /// Problems in all.
    pub problems_total: u64,
    /// Notes that do not block (ignored columns).
    pub warnings: Vec<Problem>,
    /// Rows inserted / updated / unchanged per table (or that would be, on a dry run).
    pub counts: Vec<(String, UpsertCounts)>,
    /// A dry run.
    pub dry_run: bool,
    /// Whether the rows were committed.
    pub imported: bool,
    /// The import batch recorded (and audited), when imported.
    pub batch_id: Option<i64>,
}

impl ImportReport {
    /// Whether the file has no problem.
    pub fn is_clean(&self) -> bool {
        self.problems_total == 0
    }
}

fn permission(kind: Kind) -> Permission<'static> {
    match kind {
        Kind::Observations => Permission::EnterObservations,
        Kind::OrgUnits => Permission::ManageAccounts,
        _ => Permission::EditRegistries,
    }
}

/// The checks' context from the store: the current plan's elements and departments, every known org unit.
pub async fn context(store: &Store, actor: &str) -> Result<Context, AppError> {
    let plan = current_plan(store).await?.plan;
    let codes = store.org_unit_codes().await?;
    Ok(Context::for_plan(&plan, codes, Some(actor.to_owned())))
}

/// Import a file (see the module documentation). Bad rows are not an error: the report lists them and
/// `imported` is false. Errors are permission, a changed file on confirm, or the store failing.
pub async fn import(
    store: &Store,
    principal: &Principal,
    req: ImportRequest,
    progress: Option<Progress>,
) -> Result<ImportReport, AppError> {
    principal.require(&permission(req.kind))?;
    if req.bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::TooLarge {
            limit_bytes: MAX_FILE_BYTES as u64,
        });
    }
    let sha256 = hex::encode(Sha256::digest(&req.bytes));
    if let Some(expected) = &req.expect_sha256
        && !expected.eq_ignore_ascii_case(&sha256)
    {
        return Err(AppError::Conflict(
            "文件与检查时的不同,请重新上传并检查 / the file differs from the one checked; upload and check it again"
                .into(),
        ));
    }
    crate::demo::ensure_plan(store).await?;
    let cx = Arc::new(context(store, principal.actor_name()).await?);
    let mut report = ImportReport {
        kind: req.kind,
        file_name: req.file_name.clone(),
        sha256,
        file: None,
        rows_total: 0,
        problems: Vec::new(),
        problems_total: 0,
        warnings: Vec::new(),
        counts: Vec::new(),
        dry_run: req.dry_run,
        imported: false,
        batch_id: None,
    };

    // Parse on a blocking thread; batches come over a small channel, so at most a few are in memory.
    let (tx_batches, mut rx_batches) = tokio::sync::mpsc::channel::<Message>(2);
    let (kind, file_name, bytes) = (req.kind, req.file_name.clone(), req.bytes);
    let parse_cx = Arc::clone(&cx);
    let parser_task = tokio::task::spawn_blocking(move || {
        let mut parser = match Parser::open(bytes, &file_name, kind) {
            Ok(p) => p,
            Err(problems) => {
                let _ = tx_batches.blocking_send(Message::Failed(problems));
                return;
            }
        };
        let _ = tx_batches.blocking_send(Message::Opened(parser.info().clone(), parser.warnings()));
        // A small first batch, so that writing starts while the rest is parsed.
        let mut size = FIRST_BATCH_ROWS;
        while let Some(batch) = parser.next_batch(size, &parse_cx) {
            size = BATCH_ROWS;
            if let Some(p) = &progress {
                let (done, total) = parser.progress();
                p(done, total);
            }
            if tx_batches.blocking_send(Message::Batch(batch)).is_err() {
                return;
            }
        }
        let _ = tx_batches.blocking_send(Message::Done(parser.data_rows()));
    });

    let mut tx = store.begin(principal.actor()).await?;
    let mut counts: Vec<(String, UpsertCounts)> = Vec::new();
    while let Some(msg) = rx_batches.recv().await {
        match msg {
            Message::Failed(problems) => add_problems(&mut report, problems),
            Message::Opened(info, warnings) => {
                report.file = Some(info);
                report.warnings = warnings;
            }
            Message::Done(rows) => report.rows_total = rows,
            Message::Batch(batch) => {
                add_problems(&mut report, batch.problems);
                let mut records = batch.records;
                if let Records::Qualifications(q) = &records {
                    // A qualification belongs to a stored enterprise (the annual figures come first).
                    let usccs: Vec<String> = q
                        .iter()
                        .map(|q| q.uscc.clone())
                        .collect::<HashSet<_>>()
                        .into_iter()
                        .collect();
                    let known = store.known_usccs(&usccs).await?;
                    let missing: Vec<Problem> = q
                        .iter()
                        .zip(&batch.rows)
                        .filter(|(q, _)| !known.contains(&q.uscc))
                        .map(|(q, row)| {
                            Problem::cell(
                                *row,
                                "统一社会信用代码",
                                Some(q.uscc.clone()),
                                plantrack_exchange::cell::Reason::new(
                                    "没有此企业(请先导入企业年报)",
                                    "no such enterprise (import its annual figures first)",
                                ),
                            )
                        })
                        .collect();
                    add_problems(&mut report, missing);
                }
                // After the first problem nothing more is written: the transaction will be rolled back.
                if report.problems_total == 0 {
                    write(&mut tx, &mut records, &mut counts).await?;
                }
            }
        }
    }
    parser_task.await.map_err(AppError::unexpected)?;
    report.counts = counts;
    if report.problems_total > 0 || report.dry_run {
        tx.rollback().await?;
        return Ok(report);
    }
    let total = report
        .counts
        .iter()
        .fold(UpsertCounts::default(), |mut a, (_, c)| {
            a += *c;
            a
        });
    let batch_id = tx
        .record_import(&ImportSummary {
            kind: req.kind.name().to_owned(),
            file_name: Some(req.file_name),
            sha256: Some(report.sha256.clone()),
            rows_total: report.rows_total,
            counts: total,
        })
        .await?;
    tx.commit().await?;
    report.imported = true;
    report.batch_id = Some(batch_id);
    Ok(report)
}

enum Message {
    Failed(Vec<Problem>),
    Opened(FileInfo, Vec<Problem>),
    Batch(plantrack_exchange::Batch),
    Done(u64),
}

fn add_problems(report: &mut ImportReport, problems: Vec<Problem>) {
    report.problems_total += problems.len() as u64;
    let room = MAX_LISTED_PROBLEMS.saturating_sub(report.problems.len());
    report.problems.extend(problems.into_iter().take(room));
}

fn add(counts: &mut Vec<(String, UpsertCounts)>, name: &str, c: UpsertCounts) {
    match counts.iter_mut().find(|(n, _)| n == name) {
        Some((_, acc)) => *acc += c,
        None => counts.push((name.to_owned(), c)),
    }
}

async fn write(
    tx: &mut Tx,
    records: &mut Records,
    counts: &mut Vec<(String, UpsertCounts)>,
) -> Result<(), AppError> {
    match records {
        Records::Enterprises(v) => {
            let (m, y) = tx.import_enterprise_years(v).await?;
            add(counts, "enterprises", m);
            add(counts, "enterprise_years", y);
        }
        Records::Qualifications(v) => add(counts, "qualifications", tx.import_rows(v).await?),
        Records::Contracts(v) => add(counts, "contracts", tx.import_rows(v).await?),
        Records::Talents(v) => add(counts, "talents", tx.import_rows(v).await?),
        Records::Platforms(v) => add(counts, "platforms", tx.import_rows(v).await?),
        Records::Observations(v) => add(counts, "observations", tx.import_rows(v).await?),
        Records::Financing(v) => add(counts, "financing", tx.import_rows(v).await?),
        Records::Funding(v) => add(counts, "funding", tx.import_rows(v).await?),
        Records::Achievements(v) => add(counts, "achievements", tx.import_rows(v).await?),
        Records::OrgUnits(v) => add(counts, "org_units", tx.import_rows(v).await?),
    }
    Ok(())
}
