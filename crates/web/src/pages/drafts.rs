//! Drafting a plan from a policy text (规划起草, issue 7): paste or upload a document — .docx, .pdf, .ofd, a saved
//! web page or plain text, told apart by content in `plantrack_text::document` — (`GET /plans/new`), review
//! the extracted targets beside the normalised text with each target's evidence highlighted (`POST /plans/new`),
//! accept a subset into a new draft plan (`POST /plans/accept`), which is then shown at `/plans/{key}`.
//!
//! No server state between the steps: the review form carries the decoded text back (base64, so that no byte of
//! it changes on the way and the offsets still hold), and the accept step extracts it again. Works without
//! JavaScript: the rows link to the highlighted spans and back by anchors.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use base64::Engine;
use plantrack_app::drafts::{AcceptRequest, ReadDocument};
use plantrack_app::{AppError, Permission};
use plantrack_text::{
    Comparator, DeadlineSource, DocumentFormat, NodeKind, SectionKind, SourceEncoding, TaskNode,
};

use super::{Msgs, OrPage, PageResult, fail, field_messages};
use crate::AppState;
use crate::ctx::{Ctx, see_other};
use crate::i18n::Tr;
use crate::layout::{Chrome, render, render_status};

/// Pasted text is kept in the form when it is refused, up to this size (larger pastes are not echoed back).
const MAX_ECHO_BYTES: usize = 256 * 1024;

#[derive(Template)]
#[template(path = "plans/new.html")]
struct FormPage {
    c: Chrome,
    text: String,
    text_error: String,
    file_error: String,
}

/// `GET /plans/new`.
pub async fn form(ctx: Ctx) -> PageResult {
    ctx.principal.require(&Permission::ManagePlans).or_page(&ctx)?;
    Ok(render(&FormPage {
        c: Chrome::new(&ctx, "draft.title", "drafts"),
        text: String::new(),
        text_error: String::new(),
        file_error: String::new(),
    }))
}

/// A piece of the normalised text: plain, or the evidence of targets (`ids`: the targets whose span starts here,
/// 0-based; the first gives the anchor).
pub struct Piece {
    /// The text (escaped by the template).
    pub text: String,
    /// Targets whose evidence starts in this piece; empty for plain text.
    pub ids: Vec<usize>,
}

/// Cuts `text` at the target spans. Overlapping spans share the piece of the one that starts first; a span that
/// is out of range or not on character boundaries is not highlighted (the row still lists the target).
pub fn pieces(text: &str, spans: &[(usize, usize)]) -> Vec<Piece> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| (spans[i].0, spans[i].1));
    let mut out: Vec<Piece> = Vec::new();
    let mut pos = 0;
    for i in order {
        let (start, end) = spans[i];
        if start > end || !text.is_char_boundary(start) || !text.is_char_boundary(end) || end > text.len() {
            continue;
        }
        if start > pos {
            out.push(Piece {
                text: text[pos..start].to_owned(),
                ids: Vec::new(),
            });
            pos = start;
        }
        if end > pos {
            out.push(Piece {
                text: text[pos..end].to_owned(),
                ids: vec![i],
            });
            pos = end;
        } else if let Some(last) = out.iter_mut().rev().find(|p| !p.ids.is_empty()) {
            // Wholly inside an earlier span: its anchor is that span's.
            last.ids.push(i);
        }
    }
    if pos < text.len() {
        out.push(Piece {
            text: text[pos..].to_owned(),
            ids: Vec::new(),
        });
    }
    out
}

/// A row of the targets table.
pub struct TargetRow {
    /// 0-based index (the checkbox value).
    pub index: usize,
    /// Indicator phrase.
    pub indicator: String,
    /// The known indicator's target id, or empty for a new indicator.
    pub target_id: String,
    /// Comparator in the answer key's vocabulary.
    pub comparator: &'static str,
    /// Value as a decimal string.
    pub value: String,
    /// Unit as written.
    pub unit: String,
    /// Deadline year and where it came from, or empty.
    pub deadline: String,
    /// Lead department, or empty.
    pub lead: String,
    /// Confidence 0–1.
    pub confidence: String,
    /// Low confidence (below 0.8): flagged for a closer look.
    pub doubtful: bool,
    /// Whether it can be drafted (a multiple of a base cannot).
    pub draftable: bool,
}

/// A node of the task tree, flattened with its depth.
pub struct TreeRow {
    /// 0, 1, 2 … (capped at 4 for the indentation classes).
    pub depth: usize,
    /// 一、 / (一) / 一是 …
    pub label: String,
    /// Title or sentence.
    pub title: String,
    /// Section kind label key (`draft.section.targets` …).
    pub section: &'static str,
    /// A heading (bold) or an item.
    pub heading: bool,
}

fn section_key(s: SectionKind) -> &'static str {
    match s {
        SectionKind::Targets => "draft.section.targets",
        SectionKind::Tasks => "draft.section.tasks",
        SectionKind::Safeguards => "draft.section.safeguards",
        SectionKind::Background => "draft.section.background",
        SectionKind::Achievements => "draft.section.achievements",
        SectionKind::Other => "draft.section.other",
    }
}

fn flatten(nodes: &[TaskNode], depth: usize, out: &mut Vec<TreeRow>) {
    for n in nodes {
        out.push(TreeRow {
            depth: depth.min(4),
            label: n.label.clone(),
            title: n.title.clone(),
            section: section_key(n.section),
            heading: matches!(n.kind, NodeKind::Heading),
        });
        flatten(&n.children, depth + 1, out);
    }
}

fn deadline_text(tr: Tr, year: Option<i32>, source: Option<DeadlineSource>) -> String {
    match (year, source) {
        (Some(y), Some(s)) => {
            let key = match s {
                DeadlineSource::Written => "draft.deadline_from.written",
                DeadlineSource::Context => "draft.deadline_from.context",
                DeadlineSource::Term => "draft.deadline_from.term",
                DeadlineSource::PlanPeriod => "draft.deadline_from.period",
            };
            format!("{y}（{}）", tr.t(key))
        }
        (Some(y), None) => y.to_string(),
        _ => String::new(),
    }
}

#[derive(Template)]
#[template(path = "plans/review.html")]
struct ReviewPage {
    c: Chrome,
    title: String,
    source: String,
    encoding: String,
    period: String,
    pieces: Vec<Piece>,
    targets: Vec<TargetRow>,
    tree: Vec<TreeRow>,
    payload: String,
}

/// The kind of document and, for plain text, its encoding (`Word (.docx)`, `文本 / text · GBK/GB18030`).
fn encoding_name(format: DocumentFormat, e: SourceEncoding) -> String {
    let encoding = match e {
        SourceEncoding::Utf8 => "UTF-8",
        SourceEncoding::Utf16Le => "UTF-16LE",
        SourceEncoding::Utf16Be => "UTF-16BE",
        SourceEncoding::Gb18030 => "GBK/GB18030",
    };
    match format {
        DocumentFormat::PlainText => format!("{} · {encoding}", format.label()),
        other => other.label().to_owned(),
    }
}

fn review_page(ctx: &Ctx, doc: &ReadDocument, source: &str) -> ReviewPage {
    let tr = Tr::new(ctx.lang);
    let e = &doc.extraction;
    let spans: Vec<(usize, usize)> = e.targets.iter().map(|t| (t.start, t.end)).collect();
    let threshold = rust_decimal::Decimal::new(80, 2);
    let targets = e
        .targets
        .iter()
        .enumerate()
        .map(|(index, t)| TargetRow {
            index,
            indicator: t.indicator.clone(),
            target_id: t.target_id.clone().unwrap_or_default(),
            comparator: t.comparator.as_str(),
            value: t.value.to_string(),
            unit: t.unit.clone(),
            deadline: deadline_text(tr, t.deadline, t.deadline_source),
            lead: t.lead_department.clone().unwrap_or_default(),
            confidence: t.confidence.to_string(),
            doubtful: t.confidence < threshold,
            draftable: !matches!(
                t.comparator,
                Comparator::Multiple | Comparator::Decrease | Comparator::DecreaseAtLeast
            ),
        })
        .collect();
    let mut tree = Vec::new();
    flatten(&e.tasks, 0, &mut tree);
    ReviewPage {
        c: Chrome::new(ctx, "draft.review_title", "drafts"),
        title: e.title.clone(),
        source: source.to_owned(),
        encoding: encoding_name(doc.decoded.format, doc.decoded.encoding),
        period: e.plan_period.map(|(a, b)| format!("{a}–{b}")).unwrap_or_default(),
        pieces: pieces(e.normalized_text(), &spans),
        targets,
        tree,
        payload: base64::engine::general_purpose::STANDARD.encode(doc.decoded.text.as_bytes()),
    }
}

fn unreadable(e: &str) -> AppError {
    AppError::invalid(
        "file",
        format!("上传内容无法读取：{e}"),
        format!("the upload cannot be read: {e}"),
    )
}

/// `POST /plans/new` (multipart: `_csrf`, `text`, `file`) — the review page, or the form again with the reason
/// next to the field when the input is unusable (nothing is stored either way).
pub async fn review(ctx: Ctx, mp: Result<Multipart, MultipartRejection>) -> PageResult {
    ctx.principal.require(&Permission::ManagePlans).or_page(&ctx)?;
    let mut mp = mp.map_err(|e| unreadable(&e.to_string())).or_page(&ctx)?;
    let mut pasted: Vec<u8> = Vec::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| unreadable(&e.to_string()))
        .or_page(&ctx)?
    {
        match field.name().unwrap_or("") {
            "text" => {
                pasted = field
                    .bytes()
                    .await
                    .map_err(|e| unreadable(&e.to_string()))
                    .or_page(&ctx)?
                    .to_vec();
            }
            "file" => {
                let name = field.file_name().unwrap_or("").to_owned();
                let data = field
                    .bytes()
                    .await
                    .map_err(|e| unreadable(&e.to_string()))
                    .or_page(&ctx)?;
                // A file input left empty still sends a part, with no name and no bytes.
                if !name.is_empty() || !data.is_empty() {
                    file = Some((name, data.to_vec()));
                }
            }
            _ => {}
        }
    }
    let (field, source, bytes) = match file {
        Some((name, data)) => ("file", name, data),
        None if pasted.iter().all(u8::is_ascii_whitespace) => {
            let err = AppError::invalid(
                "text",
                "请粘贴政策文本或选择文件",
                "paste a policy text or choose a file",
            );
            return Err(form_again(&ctx, &pasted, &err));
        }
        None => ("text", String::new(), pasted.clone()),
    };
    match plantrack_app::drafts::read_document(&ctx.principal, field, &bytes).await {
        Ok(doc) => {
            let source = if source.is_empty() {
                Tr::new(ctx.lang).t("draft.pasted").to_owned()
            } else {
                source.chars().filter(|c| !c.is_control()).take(200).collect()
            };
            Ok(render(&review_page(&ctx, &doc, &source)))
        }
        Err(err @ AppError::Invalid(_)) => Err(form_again(&ctx, &pasted, &err)),
        Err(err) => Err(fail(&ctx, err)),
    }
}

/// The form again, 422, with the messages in place and the pasted text kept (when it is text and not huge).
fn form_again(ctx: &Ctx, pasted: &[u8], err: &AppError) -> super::PageError {
    let errors = match err {
        AppError::Invalid(list) => field_messages(ctx.lang, list),
        _ => BTreeMap::new(),
    };
    let text = if pasted.len() <= MAX_ECHO_BYTES {
        std::str::from_utf8(pasted).unwrap_or("").to_owned()
    } else {
        String::new()
    };
    super::PageError(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            c: Chrome::new(ctx, "draft.title", "drafts"),
            text,
            text_error: errors.of("text").to_owned(),
            file_error: errors.of("file").to_owned(),
        },
    ))
}

/// `POST /plans/accept` (multipart: `_csrf`, `payload` — the text in base64 —, `source`, `accept` per accepted
/// target) — stores the draft plan and shows it.
pub async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    ctx.principal.require(&Permission::ManagePlans).or_page(&ctx)?;
    let bad = |e: String| {
        AppError::invalid(
            "payload",
            format!("审核表单无法读取：{e}"),
            format!("the review form cannot be read: {e}"),
        )
    };
    let mut mp = mp.map_err(|e| bad(e.to_string())).or_page(&ctx)?;
    let mut text: Option<String> = None;
    let mut source = String::new();
    let mut accepted = Vec::new();
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| bad(e.to_string()))
        .or_page(&ctx)?
    {
        let name = field.name().unwrap_or("").to_owned();
        let value = field.text().await.map_err(|e| bad(e.to_string())).or_page(&ctx)?;
        match name.as_str() {
            "payload" => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(value.trim())
                    .map_err(|e| bad(e.to_string()))
                    .or_page(&ctx)?;
                text = Some(
                    String::from_utf8(bytes)
                        .map_err(|e| bad(e.to_string()))
                        .or_page(&ctx)?,
                );
            }
            "source" => source = value,
            "accept" => {
                let i = value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| {
                        bad(format!(
                            "accept = “{}”",
                            value.chars().take(20).collect::<String>()
                        ))
                    })
                    .or_page(&ctx)?;
                accepted.push(i);
            }
            _ => {}
        }
    }
    let Some(text) = text else {
        return Err(fail(&ctx, bad("no payload".into())));
    };
    let stored = plantrack_app::drafts::accept_draft(
        state.store(),
        &ctx.principal,
        AcceptRequest {
            text,
            source,
            accepted,
        },
    )
    .await
    .or_page(&ctx)?;
    let to = format!("/plans/{}", super::url_encode(&stored.file.record.plan_key));
    Ok(see_other(&ctx, &to, Some("plan_drafted")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_text_and_mark_each_span_once() {
        let text = "一二三四五六七八";
        // 三四 (6..12), 六七 (15..21), and 四 inside the first (9..12).
        let p = pieces(text, &[(6, 12), (15, 21), (9, 12), (2, 4)]);
        let joined: String = p.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(joined, text, "nothing lost or doubled");
        let marked: Vec<(&str, Vec<usize>)> = p
            .iter()
            .filter(|x| !x.ids.is_empty())
            .map(|x| (x.text.as_str(), x.ids.clone()))
            .collect();
        // (2, 4) is not on character boundaries: not highlighted.
        assert_eq!(marked, [("三四", vec![0, 2]), ("六七", vec![1])]);
    }

    #[test]
    fn overlapping_spans_do_not_repeat_text() {
        let p = pieces("abcdef", &[(1, 4), (2, 6)]);
        let parts: Vec<(&str, Vec<usize>)> = p.iter().map(|x| (x.text.as_str(), x.ids.clone())).collect();
        assert_eq!(parts, [("a", vec![]), ("bcd", vec![0]), ("ef", vec![1])]);
    }
}
