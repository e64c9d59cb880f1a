//! WCAG 2.1 AA basics and phone width, checked on what the server sends (issue 5: "pages work at 1280 px and on a
//! phone width; forms are usable with the keyboard; labels, contrast and focus meet WCAG 2.1 AA basics"):
//! every page of the route table declares its language and a viewport, and every form control has an accessible
//! name; the stylesheet's colour pairs meet the contrast ratios, focus is visible and the layout has a phone
//! breakpoint. (The E2E run checks the rendered phone width in Chromium.)

use std::collections::HashMap;

use plantrack_web::routes::routes;

use crate::authz::cases;
use crate::helpers::{login, public, sqlite_app};

/// The attributes of one start tag (`<input type="text" id="x">` → {type: text, id: x}); values are as escaped
/// in the HTML, which is enough for ids and types.
fn attributes(tag: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut rest = tag;
    // Skip the element name.
    if let Some(i) = rest.find(char::is_whitespace) {
        rest = &rest[i..];
    } else {
        return out;
    }
    loop {
        rest = rest.trim_start();
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace() || c == '>')
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        let name = rest[..end].to_ascii_lowercase();
        rest = &rest[end..];
        if let Some(r) = rest.strip_prefix('=') {
            let (value, after) = if let Some(r) = r.strip_prefix('"') {
                let e = r.find('"').unwrap_or(r.len());
                (&r[..e], &r[(e + 1).min(r.len())..])
            } else {
                let e = r.find(|c: char| c.is_whitespace() || c == '>').unwrap_or(r.len());
                (&r[..e], &r[e..])
            };
            out.insert(name, value.to_owned());
            rest = after;
        } else {
            out.insert(name, String::new());
        }
    }
    out
}

/// The form controls of a page without an accessible name: no `aria-label`/`aria-labelledby`/`title`, no
/// `<label for>` naming its id, and not inside a `<label>`.
fn unlabelled_controls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for element in ["<input", "<select", "<textarea"] {
        let mut from = 0;
        while let Some(i) = html[from..].find(element) {
            let at = from + i;
            from = at + element.len();
            let end = html[at..].find('>').map_or(html.len(), |e| at + e);
            let tag = &html[at + 1..end];
            let a = attributes(tag);
            let kind = a.get("type").map_or("text", String::as_str);
            if element == "<input" && matches!(kind, "hidden" | "submit" | "button" | "reset" | "image") {
                continue;
            }
            let named = ["aria-label", "aria-labelledby", "title"]
                .iter()
                .any(|k| a.get(*k).is_some_and(|v| !v.trim().is_empty()));
            let by_for = a
                .get("id")
                .is_some_and(|id| html.contains(&format!("for=\"{id}\"")));
            let before = &html[..at];
            let inside_label = before
                .rfind("<label")
                .is_some_and(|open| before.rfind("</label>").is_none_or(|close| close < open));
            if !(named || by_for || inside_label) {
                out.push(format!("<{tag}>"));
            }
        }
    }
    out
}

#[test]
fn the_label_check_recognises_each_way_of_naming_a_control() {
    let ok = r#"<label for="a">A</label><input id="a" name="a">
        <label>B <select name="b"></select></label>
        <input name="c" aria-label="C"><input type="hidden" name="d"><button type="submit">Go</button>
        <textarea name="e" title="E"></textarea>"#;
    assert!(
        unlabelled_controls(ok).is_empty(),
        "{:?}",
        unlabelled_controls(ok)
    );
    let bad = r#"<label for="x">X</label><input id="y" name="y"><label>Z</label><select name="z"></select>"#;
    assert_eq!(unlabelled_controls(bad).len(), 2);
}

/// Every page of the route table that answers with HTML, for the public and for the admin (who sees every form):
/// a `lang` on `<html>`, a viewport for phones, a skip link to the content, and a name for every form control.
#[tokio::test]
async fn every_page_declares_its_language_and_viewport_and_labels_its_controls() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let mut problems = Vec::new();
    let mut pages = 0;
    for caller in [public(), login(&base, "admin").await] {
        for def in routes()
            .iter()
            .filter(|d| d.method == "GET" && !d.path.starts_with("/api/") && !d.path.starts_with("/static/"))
        {
            for case in cases(def.method, def.path, &app.fx) {
                let resp = caller
                    .http
                    .get(format!("{base}{}", case.path))
                    .send()
                    .await
                    .unwrap();
                let html_page = resp
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("text/html"));
                if !resp.status().is_success() || !html_page {
                    continue;
                }
                pages += 1;
                let html = resp.text().await.unwrap();
                if !(html.contains("<html lang=\"zh-CN\"") || html.contains("<html lang=\"en\"")) {
                    problems.push(format!("{}: no lang on <html>", case.path));
                }
                if !html.contains("<meta name=\"viewport\" content=\"width=device-width") {
                    problems.push(format!("{}: no viewport meta", case.path));
                }
                if !html.contains("class=\"skip\"") {
                    problems.push(format!("{}: no skip link", case.path));
                }
                for c in unlabelled_controls(&html) {
                    problems.push(format!("{}: control without a label: {c}", case.path));
                }
            }
        }
    }
    assert!(pages > 30, "only {pages} pages checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    app.finish().await;
}

/// `#rrggbb` or `#rgb` → relative luminance (WCAG 2.1).
fn luminance(hex: &str) -> f64 {
    let h = hex.trim_start_matches('#');
    let h: String = if h.len() == 3 {
        h.chars().flat_map(|c| [c, c]).collect()
    } else {
        h.to_owned()
    };
    let ch = |i: usize| {
        let v = f64::from(u8::from_str_radix(&h[i..i + 2], 16).unwrap()) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(0) + 0.7152 * ch(2) + 0.0722 * ch(4)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn the_stylesheet_meets_contrast_and_keeps_focus_visible_and_reflows_for_phones() {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/app.css")).unwrap();
    // The custom properties of :root.
    let mut var: HashMap<String, String> = HashMap::new();
    let root = &css[css.find(":root {").unwrap() + 7..];
    let root = &root[..root.find('}').unwrap()];
    for decl in root.split(';') {
        if let Some((k, v)) = decl.trim().split_once(':')
            && let Some(k) = k.trim().strip_prefix("--")
            && v.trim().starts_with('#')
        {
            var.insert(k.to_owned(), v.trim().to_owned());
        }
    }
    let c = |name: &str| -> String {
        if name.starts_with('#') {
            name.to_owned()
        } else {
            var.get(name)
                .cloned()
                .unwrap_or_else(|| panic!("--{name} missing from :root"))
        }
    };
    // (foreground, background, minimum): text 4.5:1 (1.4.3), non-text such as the focus ring 3:1 (1.4.11).
    let pairs = [
        ("text", "bg", 4.5),
        ("muted", "bg", 4.5),
        ("muted", "soft", 4.5),
        ("brand", "bg", 4.5),
        ("brand-dark", "bg", 4.5),
        ("#ffffff", "brand-dark", 4.5),
        ("#ffffff", "#1e40af", 4.5),
        ("#ffffff", "brand", 4.5),
        ("#ffffff", "at_risk", 4.5),
        ("#ffffff", "off_track", 4.5),
        ("met", "bg", 4.5),
        ("on_track", "bg", 4.5),
        ("at_risk", "bg", 4.5),
        ("off_track", "bg", 4.5),
        ("not_assessable", "bg", 4.5),
        ("off_track", "#fef2f2", 4.5),
        ("text", "#ecfdf5", 4.5),
        ("text", "#fffbeb", 4.5),
        ("text", "#fef3c7", 4.5),
        ("#6b7280", "bg", 4.5),
        ("focus", "bg", 3.0),
        ("focus-on-dark", "brand-dark", 3.0),
        ("focus-on-dark", "#1e40af", 3.0),
    ];
    let mut failures = Vec::new();
    for (fg, bg, min) in pairs {
        let ratio = contrast(&c(fg), &c(bg));
        if ratio < min {
            failures.push(format!("{fg} on {bg}: {ratio:.2} < {min}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        css.contains(":focus-visible { outline: 3px solid var(--focus)"),
        "focus ring"
    );
    assert!(
        css.contains("header :focus-visible { outline-color: var(--focus-on-dark); }"),
        "focus ring on the dark header"
    );
    assert!(
        !css.contains("outline: none") || css.matches("outline: none").count() == 1,
        "only <main> (focused by the skip link, not interactive) may hide its outline"
    );
    assert!(css.contains("@media (max-width:"), "no phone breakpoint");
}
