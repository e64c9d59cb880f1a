//! One field schema for every path: each field of each registry, given good and bad values, is accepted or
//! refused alike by the JSON API, the web form and a file import (dry run) — the same reader and builder
//! (`plantrack_core::registry`) stand behind all three.

use std::collections::BTreeMap;

use plantrack_core::registry::{Field, FieldType, Kind};
use serde_json::Value;

use crate::helpers::{Caller, REGISTRIES, form_token, login, sqlite_app, username};
use plantrack_app::Role;

/// A valid text for every field of `kind` (unique per `n` where it is part of the natural key).
fn base_row(kind: Kind, n: usize) -> BTreeMap<String, String> {
    kind.fields()
        .iter()
        .filter_map(|f| {
            let v = match f.ty {
                FieldType::Text { .. } | FieldType::Code { .. } => format!("样例{}{n}", f.key.len()),
                FieldType::Uscc => "91350100M000100Y43".to_owned(),
                FieldType::OrgUnit => "211102".to_owned(),
                FieldType::Date => format!("2019-01-{:02}", n % 28 + 1),
                FieldType::Amount => "100".to_owned(),
                FieldType::Count => "2".to_owned(),
                FieldType::Choice(v) => v.terms.first()?.code.to_owned(),
                FieldType::Department => "caizheng".to_owned(),
                _ => return None,
            };
            Some((f.key.to_owned(), v))
        })
        .collect()
}

/// Values to try in a field: some good, some bad.
fn candidates(f: &Field) -> Vec<String> {
    let mut v: Vec<String> = match f.ty {
        FieldType::Text { max_chars, .. } | FieldType::Code { max_chars } => vec![
            "企".repeat(max_chars),
            "企".repeat(max_chars + 1),
            "a\u{0}b".into(),
            "双台子区 石化".into(),
        ],
        FieldType::Uscc => vec![
            "91350100M000100Y44".into(),
            "91350100m000100y43".into(),
            "123".into(),
        ],
        FieldType::OrgUnit => vec!["999999".into(), "211103".into(), "21一102".into()],
        FieldType::Date => vec![
            "2019-02-30".into(),
            "2020/1/5".into(),
            "2020年1月5日".into(),
            "明年".into(),
        ],
        FieldType::Amount => vec![
            "-1".into(),
            "1,270,000".into(),
            "１２７".into(),
            "abc".into(),
            "12,34".into(),
        ],
        FieldType::Count => vec!["2.5".into(), "1,200".into(), "-3".into()],
        FieldType::Choice(voc) => vec![
            "不存在的选项".into(),
            voc.terms.last().map_or("", |t| t.zh).into(),
        ],
        FieldType::Department => vec!["不存在的部门".into(), "双台子区财政局".into(), "区财政局".into()],
        _ => Vec::new(),
    };
    if !f.required {
        v.push(String::new());
    }
    v
}

fn csv_cell(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Whether the API refuses the row (422); a duplicate's 409 comes after the fields were accepted.
async fn via_api(c: &Caller, base: &str, slug: &str, row: &BTreeMap<String, String>, key: &str) -> bool {
    let body: serde_json::Map<String, Value> = row
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let resp = c
        .http
        .post(format!("{base}/api/v1/{slug}"))
        .header("x-csrf-token", c.csrf.clone().unwrap_or_default())
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    assert!([201, 409, 422].contains(&status), "{slug}.{key}: {status} {v}");
    // The row is good but for this field, so a refusal is the field's (or a check between it and another).
    status == 422
}

/// Whether the web form refuses the row (the form comes back with a message at a field).
async fn via_form(c: &Caller, base: &str, slug: &str, row: &BTreeMap<String, String>, key: &str) -> bool {
    let page = c
        .http
        .get(format!("{base}/registries/{slug}/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut form: Vec<(String, String)> = row.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    form.push(("_csrf".into(), form_token(&page).unwrap()));
    let resp = c
        .http
        .post(format!("{base}/registries/{slug}"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let html = resp.text().await.unwrap();
    assert!([200, 303, 422].contains(&status), "{slug}.{key}: {status}");
    status != 303 && html.contains("class=\"field-error\"")
}

/// Whether a dry-run import of the row as a CSV file refuses it.
async fn via_import(c: &Caller, base: &str, kind: Kind, row: &BTreeMap<String, String>, key: &str) -> bool {
    let fields = kind.fields();
    let header: Vec<String> = fields.iter().map(|f| csv_cell(f.zh)).collect();
    let cells: Vec<String> = fields
        .iter()
        .map(|f| csv_cell(row.get(f.key).map_or("", String::as_str)))
        .collect();
    let file = format!("{}\n{}\n", header.join(","), cells.join(","));
    let resp = c
        .http
        .post(format!(
            "{base}/api/v1/imports/{}?dry_run=true&file_name=t.csv",
            kind.name()
        ))
        .header("x-csrf-token", c.csrf.clone().unwrap_or_default())
        .body(file)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    assert!(
        [200, 422].contains(&status),
        "{}.{key}: {status} {v}",
        kind.name()
    );
    // The row is good but for this field, so any refusal is the field's (a NUL byte makes the whole file
    // unreadable as text: refused as a file, before its columns).
    status == 422
}

#[tokio::test]
async fn every_field_of_every_registry_is_judged_alike_by_the_api_the_form_and_a_file() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let admin = login(&base, username(Role::Admin)).await;
    let mut n = 0;
    let mut tried = 0;
    let mut refused = 0;
    for slug in REGISTRIES {
        let kind: Kind = slug.parse().unwrap();
        for f in kind.fields() {
            for value in candidates(f) {
                n += 1;
                let mut row = base_row(kind, n);
                row.insert(f.key.to_owned(), value.clone());
                let api = via_api(&admin, &base, slug, &row, f.key).await;
                let form = via_form(&admin, &base, slug, &row, f.key).await;
                let file = via_import(&admin, &base, kind, &row, f.key).await;
                assert!(
                    api == form && form == file,
                    "{slug}.{} = {value:?}: api refuses {api}, form {form}, file {file}",
                    f.key
                );
                tried += 1;
                refused += usize::from(api);
            }
        }
    }
    // The walk tried good and bad values alike.
    assert!(
        tried > 150 && refused > 50 && refused < tried,
        "{tried} tried, {refused} refused"
    );
    app.finish().await;
}
