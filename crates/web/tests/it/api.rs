//! The JSON API: error bodies and status codes, the contract JSON (status = `plantrack status`, evaluation =
//! `plantrack evaluate`), optimistic concurrency, oversized bodies, escaping and injection attempts.

use plantrack_app::Principal;

use crate::helpers::{client, login, sqlite_app};

fn assert_error_shape(v: &serde_json::Value, code: &str) {
    let e = &v["error"];
    assert_eq!(e["code"], code, "{v}");
    assert!(e["message_zh"].as_str().is_some_and(|s| !s.is_empty()), "{v}");
    assert!(e["message_en"].as_str().is_some_and(|s| !s.is_empty()), "{v}");
    assert!(e.get("details").is_some(), "{v}");
}

#[tokio::test]
async fn errors_are_json_with_code_messages_and_details() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let admin = login(&base, "admin").await;
    let csrf = admin.csrf.clone().unwrap();
    // 401
    let r = client().get(format!("{base}/api/v1/audit")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_error_shape(&r.json().await.unwrap(), "unauthenticated");
    // 403
    let dept = login(&base, "tongji_user").await;
    let r = dept
        .http
        .get(format!("{base}/api/v1/audit"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_error_shape(&r.json().await.unwrap(), "forbidden");
    // 404: unknown route and unknown row
    let r = admin
        .http
        .get(format!("{base}/api/v1/nothing/1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_error_shape(&r.json().await.unwrap(), "not_found");
    let r = admin
        .http
        .get(format!("{base}/api/v1/a/b/c"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_error_shape(&r.json().await.unwrap(), "not_found");
    // The router's and extractors' refusals are JSON too.
    let r = admin
        .http
        .get(format!("{base}/api/v1/talents/abc"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_error_shape(&r.json().await.unwrap(), "bad_request");
    let r = admin
        .http
        .get(format!("{base}/api/v1/talents?offset=many"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_error_shape(&r.json().await.unwrap(), "bad_request");
    let r = admin
        .http
        .put(format!("{base}/api/v1/plan"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_error_shape(&r.json().await.unwrap(), "method_not_allowed");
    let r = admin
        .http
        .get(format!("{base}/api/v1/talents/999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // 400: malformed JSON
    let r = admin
        .http
        .post(format!("{base}/api/v1/talents"))
        .header("x-csrf-token", &csrf)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_error_shape(&r.json().await.unwrap(), "bad_request");
    // 422 with every field named
    let r = admin
        .http
        .post(format!("{base}/api/v1/contracts"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"contract_number": "X1", "turnover": "-5", "seller_uscc": "123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_error_shape(&v, "invalid");
    let fields: Vec<&str> = v["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    for f in [
        "contract_type",
        "registered_on",
        "seller_uscc",
        "turnover",
        "org_unit_code",
    ] {
        assert!(fields.contains(&f), "{f} not in {fields:?}");
    }
    // 413
    let big = format!(
        "[{}]",
        vec![
            "{\"org_unit\":\"211102\",\"period\":\"2019\",\"data_element\":\"gdp\",\"value\":\"1\"}";
            30_000
        ]
        .join(",")
    );
    let r = admin
        .http
        .post(format!("{base}/api/v1/observations"))
        .header("x-csrf-token", &csrf)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_error_shape(&r.json().await.unwrap(), "too_large");
    app.finish().await;
}

#[tokio::test]
async fn a_stale_edit_is_a_conflict_with_both_versions() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let admin = login(&base, "admin").await;
    let csrf = admin.csrf.clone().unwrap();
    let id = app.fx.rows["talents"];
    let row: serde_json::Value = admin
        .http
        .get(format!("{base}/api/v1/talents/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let version = row["version"].as_i64().unwrap();
    let mut values = row["values"].as_object().unwrap().clone();
    values.insert("note".into(), "第一次修改".into());
    values.insert("version".into(), version.into());
    let r = admin
        .http
        .put(format!("{base}/api/v1/talents/{id}"))
        .header("x-csrf-token", &csrf)
        .json(&values)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // The same version again: someone else changed it meanwhile.
    values.insert("note".into(), "第二次修改".into());
    let r = admin
        .http
        .put(format!("{base}/api/v1/talents/{id}"))
        .header("x-csrf-token", &csrf)
        .json(&values)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_error_shape(&v, "stale_version");
    assert_eq!(v["error"]["details"]["expected_version"], version);
    assert_eq!(v["error"]["details"]["actual_version"], version + 1);
    assert_eq!(v["error"]["details"]["current"]["values"]["note"], "第一次修改");
    // Deleting at the old version is refused too; at the current one it works.
    let r = admin
        .http
        .delete(format!("{base}/api/v1/talents/{id}?version={version}"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let r = admin
        .http
        .delete(format!("{base}/api/v1/talents/{id}"))
        .header("x-csrf-token", &csrf)
        .header("if-match", format!("\"{}\"", version + 1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    app.finish().await;
}

#[tokio::test]
async fn html_in_text_fields_is_escaped_everywhere_it_is_shown() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let admin = login(&base, "admin").await;
    let evil = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let r = admin
        .http
        .post(format!("{base}/api/v1/talents"))
        .header("x-csrf-token", admin.csrf.clone().unwrap())
        .json(&serde_json::json!({"name": evil, "category": "其他", "introduced_on": "2019-03-01", "org_unit_code": "211102", "note": evil}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    for page in ["/registries/talents?q=script", "/audit?entity=talent"] {
        let html = admin
            .http
            .get(format!("{base}{page}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("<script>alert"), "{page} shows raw HTML");
        assert!(!html.contains("<img src=x"), "{page} shows raw HTML");
        assert!(
            html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"),
            "{page} lost the text"
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn injection_attempts_are_just_text() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let admin = login(&base, "admin").await;
    for q in [
        "' or 1=1 --",
        "%' union select password_hash from app_user --",
        "\\",
    ] {
        let r = admin
            .http
            .get(format!("{base}/api/v1/enterprises"))
            .query(&[("q", q)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["total"], 0, "{q}");
    }
    let r = admin
        .http
        .get(format!("{base}/api/v1/status"))
        .query(&[("org_unit", "211102' --")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let text = r.text().await.unwrap();
    assert!(!text.to_lowercase().contains("select"), "{text}");
    app.finish().await;
}

#[tokio::test]
async fn status_and_evaluation_are_the_json_of_the_cli() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let store = &app.db.store;
    // The status of `plantrack status` (app::status) for the same org unit and period.
    let query = plantrack_app::status::StatusQuery {
        org_unit: Some("211102".into()),
        period: Some("2019".into()),
    };
    let expected = plantrack_app::status::status(store, &Principal::Public, &query)
        .await
        .unwrap();
    let got: serde_json::Value = client()
        .get(format!("{base}/api/v1/status?org_unit=211102&period=2019"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got, serde_json::to_value(&expected).unwrap());
    assert_eq!(got["targets"].as_array().unwrap().len(), 8);
    // The evaluation of `plantrack evaluate` for one stored enterprise.
    let leader = login(&base, "leader").await;
    let uscc = &app.fx.uscc;
    let got: serde_json::Value = leader
        .http
        .get(format!(
            "{base}/api/v1/enterprises/{uscc}/evaluation?as_of=2020-06-30"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let profile = store.enterprise_profile(uscc).await.unwrap();
    let p = plantrack_core::qualify::EnterpriseProfile::from_input(&profile.to_input()).unwrap();
    let rules = plantrack_core::qualify::Rules::default();
    let as_of: jiff::civil::Date = "2020-06-30".parse().unwrap();
    let e = plantrack_core::qualify::evaluate(&p, as_of, &rules);
    let g = plantrack_core::qualify::gaps(&p, &e, &rules);
    let report = plantrack_core::qualify::report(&p, &e, Some(&g), &rules);
    assert_eq!(got, serde_json::to_value(&report).unwrap());
    app.finish().await;
}

#[tokio::test]
async fn a_department_enters_its_own_data_and_nothing_else() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let dept = login(&base, "tongji_user").await;
    let csrf = dept.csrf.clone().unwrap();
    let post = |body: serde_json::Value| {
        dept.http
            .post(format!("{base}/api/v1/observations"))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
    };
    let r = post(serde_json::json!([{"org_unit": "211102", "period": "2019", "data_element": "gdp", "value": "2000.5", "source": "测试"}])).await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // A derived element and a bad value: all refused, each with its row.
    let r = post(serde_json::json!([
        {"org_unit": "211102", "period": "2019", "data_element": "gdp", "value": "2100"},
        {"org_unit": "211102", "period": "2019", "data_element": "tech_sme_count", "value": "3"},
        {"org_unit": "211102", "period": "2019", "data_element": "rd_expenditure", "value": "abc"}
    ]))
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    let rows: Vec<i64> = v["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["row"].as_i64().unwrap())
        .collect();
    assert_eq!(rows, vec![2, 3]);
    // Nothing of that batch was written: GDP is still 2000.5.
    let obs = app
        .db
        .store
        .observations_between("2019-01-01".parse().unwrap(), "2019-12-31".parse().unwrap())
        .await
        .unwrap();
    let gdp = obs
        .iter()
        .find(|o| {
            o.record.data_element == "gdp" && o.record.org_unit_code == "211102" && o.record.period == "2019"
        })
        .unwrap();
    assert_eq!(gdp.record.value.to_string(), "2000.5");
    // The grid of another department is forbidden.
    let r = dept
        .http
        .get(format!("{base}/data/jingxin"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    app.finish().await;
}

async fn openapi_document(app: &crate::helpers::TestApp) -> serde_json::Value {
    client()
        .get(format!("{}/api/v1/openapi.json", app.base()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_openapi_document_is_served_and_describes_the_errors() {
    let app = sqlite_app().await;
    let v = openapi_document(&app).await;
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    assert!(v["paths"]["/api/v1/status"]["get"].is_object());
    assert!(v["components"]["schemas"]["ErrorBody"].is_object());
    let r = client()
        .get(format!("{}/api/docs/", app.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    app.finish().await;
}

/// The OpenAPI document is generated from the handlers' annotations, the router from `routes::routes()`: every
/// API route the router serves must be in the document, with its method, so that a client generated from the
/// document reaches everything (a route added without its annotation fails here).
#[tokio::test]
async fn the_openapi_document_lists_every_api_route_the_router_serves() {
    let app = sqlite_app().await;
    let v = openapi_document(&app).await;
    let paths = v["paths"].as_object().unwrap();
    let mut missing = Vec::new();
    let mut checked = 0;
    for def in plantrack_web::routes::routes() {
        if !def.path.starts_with("/api/v1/") || def.path == "/api/v1/openapi.json" {
            continue;
        }
        let method = def.method.to_ascii_lowercase();
        // `{registry}` may be documented as one templated path or as one path per registry.
        let expanded: Vec<String> = if def.path.contains("{registry}") {
            crate::helpers::REGISTRIES
                .iter()
                .map(|r| def.path.replace("{registry}", r))
                .collect()
        } else {
            Vec::new()
        };
        let documented = |p: &str| paths.get(p).is_some_and(|item| item.get(&method).is_some());
        let ok = documented(def.path) || (!expanded.is_empty() && expanded.iter().all(|p| documented(p)));
        checked += 1;
        if !ok {
            missing.push(format!("{} {}", def.method, def.path));
        }
    }
    assert!(
        missing.is_empty(),
        "not in the OpenAPI document:\n{}",
        missing.join("\n")
    );
    // The list alone names more than fifteen (method, path) pairs.
    assert!(checked >= 15, "only {checked} API routes");
    app.finish().await;
}

/// The contract the API publishes is typed: one path per registry with a create body and a merge-patch body
/// naming every field of the registry's spec (required ones required), typed enterprise and observation bodies,
/// and every error status on every operation (schemathesis checks the server keeps to it: .ci/api-contract.sh).
#[tokio::test]
async fn the_openapi_document_types_every_body_and_documents_every_status() {
    let app = sqlite_app().await;
    let v = openapi_document(&app).await;
    let paths = v["paths"].as_object().unwrap();
    assert!(!paths.contains_key("/api/v1/{registry}"));
    let schemas = &v["components"]["schemas"];
    for r in plantrack_app::registries::RegistryKind::ALL {
        let list = &paths[&format!("/api/v1/{}", r.slug())];
        let create_ref = list["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap();
        let create = &schemas[create_ref.trim_start_matches("#/components/schemas/")];
        let one = &paths[&format!("/api/v1/{}/{{id}}", r.slug())];
        let patch_ref = one["put"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap();
        let patch = &schemas[patch_ref.trim_start_matches("#/components/schemas/")];
        for f in r.kind().fields() {
            assert!(create["properties"][f.key].is_object(), "{} {}", r.slug(), f.key);
            assert!(patch["properties"][f.key].is_object(), "{} {}", r.slug(), f.key);
            let required = create["required"].as_array().unwrap().contains(&f.key.into());
            assert_eq!(required, f.required, "{} {}", r.slug(), f.key);
        }
        assert_eq!(create["additionalProperties"], false);
        let version = one["delete"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "version")
            .unwrap();
        assert_eq!(version["required"], true);
    }
    assert!(schemas["EnterpriseReport"]["properties"]["years"].is_object());
    assert!(schemas["Observations"]["oneOf"].is_array());
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            if path == "/api/v1/openapi.json" {
                continue;
            }
            for status in ["400", "401", "403", "422", "429", "500"] {
                assert!(
                    op["responses"][status].is_object(),
                    "{method} {path} does not document {status}"
                );
            }
        }
    }
    app.finish().await;
}
