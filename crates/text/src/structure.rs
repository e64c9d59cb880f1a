//! The outline of a plan text (文本结构): headings (`一、` `(一)` `1.` `(1)`), list items (`——…`, inline
//! `一是…二是…`) and their sentences, as a tree; and which kind of section (主要目标 / 重点任务 / 保障措施 /
//! 完成情况 …) every line belongs to, which the target extractor needs (achievements are not targets).
//!
//! All offsets are byte offsets into the normalised text.

use serde::Serialize;

/// What a section is about (章节类别), judged from its heading and inherited by everything under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// 主要目标 / 总体目标 / 发展目标.
    Targets,
    /// 重点任务 / 主要任务 / 重点工作.
    Tasks,
    /// 保障措施 / 组织保障.
    Safeguards,
    /// 完成情况 / 工作总结 / 主要成效: what was achieved, never a target.
    Achievements,
    /// 起草背景 / 指导思想 / 总体要求 / 基本原则.
    Background,
    #[default]
    Other,
}

impl SectionKind {
    /// The kind a heading's words announce, if any.
    pub fn from_heading(title: &str) -> Option<Self> {
        const RULES: [(&[&str], SectionKind); 5] = [
            (
                &[
                    "完成情况",
                    "工作总结",
                    "主要成效",
                    "取得成效",
                    "工作成效",
                    "回顾",
                    "主要成绩",
                    "进展情况",
                    "发展基础",
                    "工作基础",
                    "发展现状",
                    "基本情况",
                ],
                SectionKind::Achievements,
            ),
            (
                &["保障措施", "保障机制", "组织保障", "组织实施", "保障"],
                SectionKind::Safeguards,
            ),
            (&["目标"], SectionKind::Targets),
            (
                &["任务", "重点工作", "主要工作", "工作安排", "工作措施", "主要举措"],
                SectionKind::Tasks,
            ),
            (
                &["背景", "指导思想", "总体要求", "基本原则", "编制依据", "重要意义"],
                SectionKind::Background,
            ),
        ];
        // A heading that lists several parts ("包括三个大方面:主要目标、重点任务、保障措施") announces none.
        if title.contains('、') && title.contains(':') {
            return None;
        }
        RULES
            .iter()
            .find(|(words, _)| words.iter().any(|w| title.contains(w)))
            .map(|&(_, kind)| kind)
    }
}

/// What a node of the outline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A numbered heading: `一、` `(一)` `1.` `(1)` `①`.
    Heading,
    /// A list item: `——…` lines, inline `一是…` enumerations.
    Item,
    /// One sentence of an item: a sub-task.
    Sentence,
}

/// A node of the task tree (任务树).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskNode {
    pub kind: NodeKind,
    /// The numbering as written (`二、`, `(一)`, `1.`, `一是`, `——`); empty for sentences.
    pub label: String,
    /// The heading text or the item's first sentence, without the label and the final `。`.
    pub title: String,
    /// The section this node belongs to (its own heading's kind, or its parent's).
    pub section: SectionKind,
    /// Byte range of the whole node in the normalised text, children included.
    pub start: usize,
    pub end: usize,
    pub children: Vec<TaskNode>,
}

/// One line of the text with its place in the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInfo {
    pub start: usize,
    pub end: usize,
    /// The heading that starts this line, if it is one.
    pub heading: Option<HeadingMark>,
    /// The kind of the innermost section that has one.
    pub section: SectionKind,
}

/// A heading found at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingMark {
    /// 1 for `一、`, 2 for `(一)`, 3 for `1.`, 4 for `(1)`, 5 for `①`.
    pub rank: u8,
    pub label: String,
    /// Byte range of the title (after the label, up to the first `。` or the end of the line).
    pub title_start: usize,
    pub title_end: usize,
}

/// The outline of a text: its lines with their sections, and the task tree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outline {
    pub lines: Vec<LineInfo>,
    pub tree: Vec<TaskNode>,
}

const CN_ORDINALS: &str = "一二三四五六七八九十";

/// Reads the numbering at the start of `line` (already trimmed): its rank and byte length.
fn heading_label(line: &str) -> Option<(u8, usize)> {
    let cn_run = |s: &str| -> usize {
        s.char_indices()
            .take_while(|&(_, c)| CN_ORDINALS.contains(c))
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8())
    };
    let digit_run = |s: &str| -> usize { s.bytes().take_while(u8::is_ascii_digit).count() };
    // 一、  /  第一章 第一节
    let n = cn_run(line);
    if n > 0 && line[n..].starts_with('、') {
        return Some((1, n + '、'.len_utf8()));
    }
    if let Some(rest) = line.strip_prefix('第') {
        let n = cn_run(rest);
        if n > 0 && (rest[n..].starts_with('章') || rest[n..].starts_with('部')) {
            return Some((1, '第'.len_utf8() + n + 3));
        }
    }
    // (一)  (1)
    if let Some(rest) = line.strip_prefix('(') {
        let n = cn_run(rest);
        if n > 0 && rest[n..].starts_with(')') {
            return Some((2, n + 2));
        }
        let n = digit_run(rest);
        if n > 0 && n <= 2 && rest[n..].starts_with(')') {
            return Some((4, n + 2));
        }
    }
    // 1.  1、  (but not 1.5 or 2018年)
    let n = digit_run(line);
    if n > 0 && n <= 2 {
        let rest = &line[n..];
        if (rest.starts_with('.') && !rest[1..].starts_with(|c: char| c.is_ascii_digit()))
            || rest.starts_with('、')
        {
            let sep = rest.chars().next().map_or(1, char::len_utf8);
            return Some((3, n + sep));
        }
    }
    // ①…⑳
    if line.starts_with(|c: char| ('\u{2460}'..='\u{2473}').contains(&c)) {
        return Some((5, 3));
    }
    None
}

/// Lines of furniture at the top of the development texts (`source: URL`, `title: …`), not part of the outline.
fn is_header_line(line: &str) -> bool {
    line.starts_with("source:") || line.starts_with("title:")
}

/// End (exclusive) of the first sentence of `s` (up to and excluding `。`), or the whole of `s`.
fn first_sentence_len(s: &str) -> usize {
    s.find('。').unwrap_or(s.len())
}

/// Finds the inline enumeration `一是…二是…三是…` in `s`: byte offsets of each `N是`, only when it starts at
/// 一是 and the ordinals follow one another.
fn inline_enumeration(s: &str) -> Vec<usize> {
    let ordinals: Vec<char> = CN_ORDINALS.chars().collect();
    let mut marks = Vec::new();
    let mut from = 0;
    for &ord in &ordinals {
        let needle = format!("{ord}是");
        let Some(pos) = s[from..].find(&needle).map(|p| p + from) else {
            break;
        };
        // `一是` must open a clause: at the start, or after punctuation.
        let prev = s[..pos].chars().next_back();
        if !matches!(prev, None | Some(':' | '。' | ',' | ';' | '\n' | ' ')) {
            break;
        }
        marks.push(pos);
        from = pos + needle.len();
    }
    if marks.len() >= 2 { marks } else { Vec::new() }
}

/// Splits `text[start..end]` into sentence nodes (at `。` `;` `!` `?`).
fn sentences(text: &str, start: usize, end: usize, section: SectionKind) -> Vec<TaskNode> {
    let mut out = Vec::new();
    let mut s = start;
    for (i, c) in text[start..end].char_indices() {
        if matches!(c, '。' | ';' | '!' | '?') {
            let e = start + i + c.len_utf8();
            push_sentence(text, s, e, section, &mut out);
            s = e;
        }
    }
    push_sentence(text, s, end, section, &mut out);
    out
}

fn push_sentence(text: &str, s: usize, e: usize, section: SectionKind, out: &mut Vec<TaskNode>) {
    let raw = &text[s..e];
    let title = raw.trim().trim_end_matches(['。', ';', '!', '?']).trim();
    if title.chars().count() < 2 {
        return;
    }
    let lead = raw.len() - raw.trim_start().len();
    out.push(TaskNode {
        kind: NodeKind::Sentence,
        label: String::new(),
        title: title.to_owned(),
        section,
        start: s + lead,
        end: e,
        children: Vec::new(),
    });
}

/// An item node (`一是…`, `——…`) for `text[start..end]`: title = first sentence, children = the other sentences.
fn item(text: &str, label: &str, start: usize, end: usize, section: SectionKind) -> TaskNode {
    let body_start = start + label.len();
    let body = &text[body_start..end];
    let first = first_sentence_len(body);
    let title = body[..first].trim().trim_end_matches([',', ';']).to_owned();
    let rest_start = (body_start + first + '。'.len_utf8()).min(end);
    let children = if body_start + first < end {
        sentences(text, rest_start, end, section)
    } else {
        Vec::new()
    };
    TaskNode {
        kind: NodeKind::Item,
        label: label.to_owned(),
        title,
        section,
        start,
        end,
        children,
    }
}

/// Items of a body line: `——…` bullet, or inline `一是…二是…`; none for plain prose.
fn items_of_line(text: &str, start: usize, end: usize, section: SectionKind) -> Vec<TaskNode> {
    let line = &text[start..end];
    if line.starts_with("——") {
        return vec![item(text, "——", start, end, section)];
    }
    let marks = inline_enumeration(line);
    let mut out = Vec::new();
    for (k, &m) in marks.iter().enumerate() {
        let s = start + m;
        let e = marks.get(k + 1).map_or(end, |&n| start + n);
        let label_len = text[s..].char_indices().nth(2).map_or(e - s, |(i, _)| i);
        out.push(item(text, &text[s..s + label_len], s, e, section));
    }
    out
}

/// Builds the outline of a normalised text.
pub fn outline(text: &str) -> Outline {
    let mut lines = Vec::new();
    // Stack of open headings: (rank, node, own section kind or inherited).
    let mut stack: Vec<(u8, TaskNode)> = Vec::new();
    let mut roots: Vec<TaskNode> = Vec::new();

    fn close_to(stack: &mut Vec<(u8, TaskNode)>, roots: &mut Vec<TaskNode>, rank: u8) {
        while stack.last().is_some_and(|(r, _)| *r >= rank) {
            if let Some((_, node)) = stack.pop() {
                match stack.last_mut() {
                    Some((_, parent)) => {
                        parent.end = parent.end.max(node.end);
                        parent.children.push(node);
                    }
                    None => roots.push(node),
                }
            }
        }
    }

    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let content = raw.trim_end_matches(['\n', '\r']);
        let lead = content.len() - content.trim_start().len();
        let trimmed = content.trim();
        let start = line_start + lead;
        let end = start + trimmed.len();
        if trimmed.is_empty() || is_header_line(trimmed) {
            let section = stack.last().map_or(SectionKind::Other, |(_, n)| n.section);
            lines.push(LineInfo {
                start,
                end,
                heading: None,
                section,
            });
            continue;
        }
        if let Some((rank, label_len)) = heading_label(trimmed) {
            close_to(&mut stack, &mut roots, rank);
            let after = &trimmed[label_len..];
            let title_len = first_sentence_len(after);
            let title = after[..title_len].trim();
            let inherited = stack.last().map_or(SectionKind::Other, |(_, n)| n.section);
            let section = SectionKind::from_heading(title).unwrap_or(inherited);
            let title_start = start + label_len;
            let mut node = TaskNode {
                kind: NodeKind::Heading,
                label: trimmed[..label_len].to_owned(),
                title: title.to_owned(),
                section,
                start,
                end,
                children: Vec::new(),
            };
            // The rest of the heading line (after its first sentence) is body text.
            let body_start = (title_start + title_len + '。'.len_utf8()).min(end);
            if body_start < end {
                let items = items_of_line(text, body_start, end, section);
                if items.is_empty() {
                    node.children = sentences(text, body_start, end, section);
                } else {
                    node.children = items;
                }
            }
            lines.push(LineInfo {
                start,
                end,
                heading: Some(HeadingMark {
                    rank,
                    label: node.label.clone(),
                    title_start,
                    title_end: title_start + title_len,
                }),
                section,
            });
            stack.push((rank, node));
            continue;
        }
        let section = stack.last().map_or(SectionKind::Other, |(_, n)| n.section);
        lines.push(LineInfo {
            start,
            end,
            heading: None,
            section,
        });
        if let Some((_, parent)) = stack.last_mut() {
            parent.end = parent.end.max(end);
            let items = items_of_line(text, start, end, section);
            parent.children.extend(items);
        }
    }
    close_to(&mut stack, &mut roots, 0);
    Outline { lines, tree: roots }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../tests/fixtures/seed/plan-explanation.simplified.txt");

    fn find<'a>(nodes: &'a [TaskNode], title_part: &str) -> Option<&'a TaskNode> {
        for n in nodes {
            if n.title == title_part || n.title.starts_with(title_part) {
                return Some(n);
            }
            if let Some(f) = find(&n.children, title_part) {
                return Some(f);
            }
        }
        None
    }

    #[test]
    fn the_seed_has_its_three_parts_with_their_enumerations() {
        let o = outline(SEED);
        let goals = find(&o.tree, "主要目标").unwrap();
        assert_eq!(
            (goals.label.as_str(), goals.section),
            ("(一)", SectionKind::Targets)
        );
        let tasks = find(&o.tree, "重点任务").unwrap();
        assert_eq!(tasks.section, SectionKind::Tasks);
        let labels: Vec<_> = tasks.children.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["一是", "二是", "三是", "四是", "五是"]);
        assert_eq!(tasks.children[0].title, "分类别抓培育,促进主体活跃");
        assert_eq!(
            tasks.children[0].children[0].title,
            "加大对高新技术企业、科技型中小企业、小巨人企业的引进培育力度"
        );
        let safeguards = find(&o.tree, "保障措施").unwrap();
        assert_eq!(safeguards.section, SectionKind::Safeguards);
        assert_eq!(safeguards.children.len(), 3);
        assert_eq!(safeguards.children[2].title, "加强督导检查,助推工作取得实效");
    }

    #[test]
    fn the_part_list_heading_announces_no_section() {
        let o = outline(SEED);
        let parts = find(&o.tree, "《行动计划》包括").unwrap();
        assert_eq!(parts.section, SectionKind::Other);
        assert_eq!(parts.children.len(), 3);
    }

    #[test]
    fn numbered_headings_nest_by_rank() {
        let t = "二、主要任务\n(一)打赢平台建设攻坚战。\n1.全力打造国家实验室。以国家实验室建设为主攻方向。\n2.建设省级实验室。\n(二)企业创新\n三、保障措施\n";
        let o = outline(t);
        assert_eq!(o.tree.len(), 2);
        let tasks = &o.tree[0];
        assert_eq!(tasks.children.len(), 2);
        assert_eq!(tasks.children[0].children.len(), 2);
        let lab = &tasks.children[0].children[0];
        assert_eq!(
            (lab.label.as_str(), lab.title.as_str()),
            ("1.", "全力打造国家实验室")
        );
        assert_eq!(lab.children[0].title, "以国家实验室建设为主攻方向");
        assert_eq!(lab.section, SectionKind::Tasks);
        assert_eq!(o.tree[1].section, SectionKind::Safeguards);
    }

    #[test]
    fn dash_lines_are_items_and_achievement_sections_are_recognised() {
        let t = "一、2019年工作完成情况\n——培育企业创新主体取得新成效。新增高新技术企业606家。\n";
        let o = outline(t);
        assert_eq!(o.tree[0].section, SectionKind::Achievements);
        assert_eq!(o.tree[0].children[0].label, "——");
        assert_eq!(o.lines[1].section, SectionKind::Achievements);
    }

    #[test]
    fn decimals_and_years_are_not_headings() {
        assert_eq!(heading_label("2.5%的增长"), None);
        assert_eq!(heading_label("2018年,辽东"), None);
        assert_eq!(heading_label("1.总体目标"), Some((3, 2)));
        assert_eq!(heading_label("(一)主要目标"), Some((2, 5)));
    }
}
