//! Updates change what they name and nothing else (RFC 7396 merge semantics): a partial enterprise report no
//! longer wipes the master data and the year's other figures, an older year's report does not overwrite newer
//! master data, `null` clears, and every field can be set, kept and cleared through the API.

use std::collections::BTreeMap;

use plantrack_core::registry::{self, FieldType, Kind};
use serde_json::{Value, json};

use crate::helpers::{Caller, all_apps, login, sqlite_app, username};
use plantrack_app::Role;

/// The stored master data and one year's figures of an enterprise, as text by key.
async fn stored(
    store: &plantrack_store::Store,
    uscc: &str,
    year: i32,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let p = store.enterprise_profile(uscc).await.unwrap();
    let mut master = registry::texts_of(Kind::Enterprises, &p.enterprise.record);
    if let Some(y) = p.enterprise.record.reported_year {
        master.insert("reported_year".into(), y.to_string());
    }
    let figures = p
        .years
        .iter()
        .find(|y| y.record.year == year)
        .map(|y| registry::texts_of(Kind::Enterprises, &y.record))
        .unwrap_or_default();
    (master, figures)
}

async fn post(c: &Caller, base: &str, body: &Value) -> (u16, Value) {
    let resp = c
        .http
        .post(format!("{base}/api/v1/enterprises"))
        .header("x-csrf-token", c.csrf.clone().unwrap_or_default())
        .json(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_partial_report_of_an_enterprise_keeps_everything_it_does_not_name() {
    for app in all_apps().await {
        let base = app.base().to_owned();
        let uscc = app.fx.uscc.clone();
        let (master0, year0) = stored(&app.db.store, &uscc, 2019).await;
        assert!(
            master0.contains_key("org_unit_code") && year0.len() > 5,
            "{master0:?} {year0:?}"
        );
        // The probe's request, as the enterprise's own user.
        let me = login(&base, username(Role::Enterprise)).await;
        let name = master0.get("name").cloned().unwrap_or_default();
        let (status, body) = post(
            &me,
            &base,
            &json!({"uscc": uscc, "name": name, "years": [{"year": 2019, "employees": 150}]}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let (master1, year1) = stored(&app.db.store, &uscc, 2019).await;
        assert_eq!(master1, master0, "master data changed");
        let mut expected = year0.clone();
        expected.insert("employees".into(), "150".into());
        // tech staff may exceed 150 in the demo data: then the request is refused and nothing changes.
        assert_eq!(year1, expected);
        app.finish().await;
    }
}

#[tokio::test]
async fn an_older_years_report_does_not_overwrite_newer_master_data() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let uscc = app.fx.uscc.clone();
    let (master0, _) = stored(&app.db.store, &uscc, 2020).await;
    assert_eq!(master0.get("reported_year").map(String::as_str), Some("2020"));
    let admin = login(&base, username(Role::Admin)).await;
    let (status, body) = post(
        &admin,
        &base,
        &json!({"uscc": uscc, "name": "改过的旧名称", "org_unit_code": "211103",
                "years": [{"year": 2017, "employees": 40}]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["master_updated"], json!(false), "{body}");
    let (master1, year2017) = stored(&app.db.store, &uscc, 2017).await;
    assert_eq!(
        master1, master0,
        "the 2020 master data were overwritten by a 2017 report"
    );
    // The 2017 figures take the report's org unit: the enterprise was there in 2017.
    assert_eq!(year2017.get("org_unit_code").map(String::as_str), Some("211103"));
    assert_eq!(year2017.get("employees").map(String::as_str), Some("40"));
    // A newer report does replace them.
    let (status, body) = post(
        &admin,
        &base,
        &json!({"uscc": uscc, "name": "新名称有限公司", "years": [{"year": 2021, "employees": 41}]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["master_updated"], json!(true), "{body}");
    let (master2, _) = stored(&app.db.store, &uscc, 2021).await;
    assert_eq!(master2.get("name").map(String::as_str), Some("新名称有限公司"));
    assert_eq!(master2.get("founded_on"), master0.get("founded_on"));
    app.finish().await;
}

/// A valid text for a field of the enterprise kind, small enough for every check between fields.
fn sample(key: &str, ty: FieldType) -> Option<&'static str> {
    Some(match ty {
        FieldType::Date => "2015-03-04",
        FieldType::Amount => "0.5",
        FieldType::Count => "1",
        FieldType::Industry => "C2614",
        FieldType::OrgUnit => "211103",
        FieldType::Choice(v) => v.terms.iter().map(|t| t.code).find(|c| !c.is_empty())?,
        FieldType::Text { .. } if key == "name" => "测试企业有限公司",
        _ => return None,
    })
}

#[tokio::test]
async fn every_field_of_an_enterprise_can_be_set_kept_and_cleared() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let uscc = app.fx.uscc.clone();
    let admin = login(&base, username(Role::Admin)).await;
    // Clear every figure of 2019 (null), then set each field in turn: the others stay as they were.
    let clear: serde_json::Map<String, Value> = Kind::Enterprises
        .fields()
        .iter()
        .filter(|f| !registry::ENTERPRISE_MASTER_KEYS.contains(&f.key) && f.key != "year")
        .map(|f| (f.key.to_owned(), Value::Null))
        .collect();
    let mut year = clear.clone();
    year.insert("year".into(), json!(2019));
    let (status, body) = post(&admin, &base, &json!({"uscc": uscc, "years": [year]})).await;
    assert_eq!(status, 200, "{body}");
    let (_, cleared) = stored(&app.db.store, &uscc, 2019).await;
    let left: Vec<&String> = cleared
        .keys()
        .filter(|k| !["uscc", "year", "org_unit_code"].contains(&k.as_str()))
        .collect();
    assert!(left.is_empty(), "null did not clear {left:?}");
    for f in Kind::Enterprises.fields() {
        let Some(value) = sample(f.key, f.ty) else {
            continue;
        };
        let (master0, year0) = stored(&app.db.store, &uscc, 2019).await;
        let is_master = registry::ENTERPRISE_MASTER_KEYS.contains(&f.key);
        let body = if is_master {
            json!({"uscc": uscc, f.key: value})
        } else {
            json!({"uscc": uscc, "years": [{"year": 2019, f.key: value}]})
        };
        let (status, resp) = post(&admin, &base, &body).await;
        assert_eq!(status, 200, "{}: {resp}", f.key);
        let (master1, year1) = stored(&app.db.store, &uscc, 2019).await;
        let (before, after) = if is_master {
            (&master0, &master1)
        } else {
            (&year0, &year1)
        };
        let got = after.get(f.key).cloned().unwrap_or_default();
        assert!(!got.is_empty(), "{} was not set", f.key);
        for (k, v) in before {
            if k != f.key && !(is_master && k == "org_unit_code") {
                assert_eq!(after.get(k), Some(v), "setting {} changed {k}", f.key);
            }
        }
        // Omitted: kept. Null: cleared (or refused for a required field, changing nothing).
        let (status, _) = post(&admin, &base, &json!({"uscc": uscc, "years": [{"year": 2019}]})).await;
        assert_eq!(status, 200);
        let (m, y) = stored(&app.db.store, &uscc, 2019).await;
        let kept = if is_master { &m } else { &y };
        assert_eq!(kept.get(f.key), Some(&got), "{} was not kept", f.key);
        let body = if is_master {
            json!({"uscc": uscc, f.key: null})
        } else {
            json!({"uscc": uscc, "years": [{"year": 2019, f.key: null}]})
        };
        let (status, resp) = post(&admin, &base, &body).await;
        let (m, y) = stored(&app.db.store, &uscc, 2019).await;
        let now = if is_master { &m } else { &y };
        if f.required {
            assert_eq!(status, 422, "{}: {resp}", f.key);
            assert_eq!(now.get(f.key), Some(&got), "a refused request changed {}", f.key);
        } else {
            assert_eq!(status, 200, "{}: {resp}", f.key);
            assert_eq!(now.get(f.key), None, "{} was not cleared", f.key);
        }
    }
    app.finish().await;
}

#[tokio::test]
async fn a_registry_update_keeps_the_fields_it_does_not_name() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let id = app.fx.rows["talents"];
    let admin = login(&base, username(Role::Admin)).await;
    let url = format!("{base}/api/v1/talents/{id}");
    let before: Value = admin.http.get(&url).send().await.unwrap().json().await.unwrap();
    let put = |body: Value| {
        admin
            .http
            .put(&url)
            .header("x-csrf-token", admin.csrf.clone().unwrap_or_default())
            .json(&body)
            .send()
    };
    let resp = put(json!({"version": before["version"], "note": "补充说明"}))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let after: Value = resp.json().await.unwrap();
    for (k, v) in before["values"].as_object().unwrap() {
        if k != "note" {
            assert_eq!(&after["values"][k], v, "{k} changed");
        }
    }
    assert_eq!(after["values"]["note"], json!("补充说明"));
    let resp = put(json!({"version": after["version"], "note": null}))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let cleared: Value = resp.json().await.unwrap();
    assert_eq!(cleared["values"]["note"], json!(""));
    assert_eq!(cleared["values"]["name"], before["values"]["name"]);
    // A required field cannot be cleared; nothing changes.
    let resp = put(json!({"version": cleared["version"], "name": null}))
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    app.finish().await;
}
