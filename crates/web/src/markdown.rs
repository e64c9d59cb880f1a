//! A small Markdown renderer for our own documents (the user guide): headings with anchors, paragraphs, lists,
//! tables, code, emphasis and links. Every character of the text is HTML-escaped first; only the markup it
//! produces itself is HTML. Not a general Markdown implementation — the guide is written to this subset.

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Inline markup of one escaped line: `code`, **bold**, [text](href) with local or http(s) targets.
fn inline(text: &str) -> String {
    let e = escape(text);
    let mut out = String::new();
    let mut rest = e.as_str();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('`')
            && let Some(end) = r.find('`')
        {
            out.push_str(&format!("<code>{}</code>", &r[..end]));
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix("**")
            && let Some(end) = r.find("**")
        {
            out.push_str(&format!("<strong>{}</strong>", &r[..end]));
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix('[')
            && let Some(mid) = r.find("](")
            && let Some(end) = r[mid + 2..].find(')')
        {
            let label = &r[..mid];
            let href = &r[mid + 2..mid + 2 + end];
            if href.starts_with('/')
                || href.starts_with('#')
                || href.starts_with("http://")
                || href.starts_with("https://")
            {
                out.push_str(&format!("<a href=\"{href}\">{label}</a>"));
            } else {
                out.push_str(label);
            }
            rest = &r[mid + 3 + end..];
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The anchor of a heading: `{#id}` at its end, else its text with spaces as dashes.
fn heading(line: &str) -> (String, String) {
    let line = line.trim();
    if let Some(start) = line.rfind("{#")
        && line.ends_with('}')
    {
        let id: String = line[start + 2..line.len() - 1]
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        return (line[..start].trim().to_owned(), id);
    }
    (line.to_owned(), line.replace(' ', "-"))
}

/// Renders the subset to HTML.
pub fn to_html(md: &str) -> String {
    let mut out = String::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Option<&'static str> = None;
    let mut in_code = false;
    let mut table: Vec<Vec<String>> = Vec::new();
    let flush_para = |out: &mut String, para: &mut Vec<&str>| {
        if !para.is_empty() {
            out.push_str(&format!("<p>{}</p>\n", inline(&para.join(" "))));
            para.clear();
        }
    };
    let flush_table = |out: &mut String, table: &mut Vec<Vec<String>>| {
        if table.is_empty() {
            return;
        }
        out.push_str("<div class=\"table-wrap\"><table>\n");
        for (i, row) in table.iter().enumerate() {
            if i == 1
                && row
                    .iter()
                    .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
            {
                continue;
            }
            let tag = if i == 0 { "th" } else { "td" };
            out.push_str("<tr>");
            for c in row {
                out.push_str(&format!("<{tag}>{}</{tag}>", inline(c.trim())));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table></div>\n");
        table.clear();
    };
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            flush_para(&mut out, &mut para);
            out.push_str(if in_code { "</code></pre>\n" } else { "<pre><code>" });
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str(&escape(line));
            out.push('\n');
            continue;
        }
        let t = line.trim();
        if t.starts_with('|') && t.ends_with('|') && t.len() > 1 {
            flush_para(&mut out, &mut para);
            table.push(t[1..t.len() - 1].split('|').map(str::to_owned).collect());
            continue;
        }
        flush_table(&mut out, &mut table);
        let item = t.strip_prefix("- ").map(|r| ("ul", r)).or_else(|| {
            let digits = t.chars().take_while(char::is_ascii_digit).count();
            (digits > 0 && t[digits..].starts_with(". ")).then(|| ("ol", &t[digits + 2..]))
        });
        if let Some((kind, text)) = item {
            flush_para(&mut out, &mut para);
            if list != Some(kind) {
                if let Some(k) = list {
                    out.push_str(&format!("</{k}>\n"));
                }
                out.push_str(&format!("<{kind}>\n"));
                list = Some(kind);
            }
            out.push_str(&format!("<li>{}</li>\n", inline(text)));
            continue;
        }
        if let Some(k) = list.take() {
            out.push_str(&format!("</{k}>\n"));
        }
        if t.is_empty() {
            flush_para(&mut out, &mut para);
            continue;
        }
        let level = t.chars().take_while(|c| *c == '#').count();
        if (1..=4).contains(&level) && t[level..].starts_with(' ') {
            flush_para(&mut out, &mut para);
            let (text, id) = heading(&t[level + 1..]);
            let n = level.max(1);
            out.push_str(&format!(
                "<h{n} id=\"{}\">{}</h{n}>\n",
                escape(&id),
                inline(&text)
            ));
            continue;
        }
        para.push(t);
    }
    flush_para(&mut out, &mut para);
    flush_table(&mut out, &mut table);
    if let Some(k) = list {
        out.push_str(&format!("</{k}>\n"));
    }
    if in_code {
        out.push_str("</code></pre>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_markup_rendered() {
        let html = to_html(
            "## 登录 {#login}\n\n点 **登录**，见 [指南](/guide) <script>x</script>\n\n- 一\n- `二`\n",
        );
        assert!(html.contains("<h2 id=\"login\">登录</h2>"), "{html}");
        assert!(html.contains("<strong>登录</strong>"), "{html}");
        assert!(html.contains("<a href=\"/guide\">指南</a>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(
            html.contains("<ul>\n<li>一</li>\n<li><code>二</code></li>\n</ul>"),
            "{html}"
        );
    }

    #[test]
    fn links_to_scripts_are_not_links() {
        assert!(!to_html("[x](javascript:alert(1))").contains("href"));
    }
}
