//! Pages: language, the dashboard's eight targets, messages in place, the conflict page, the catalogs.

use crate::helpers::{client, form_token, login, sqlite_app};

#[tokio::test]
async fn the_dashboard_is_chinese_by_default_and_english_by_the_switch() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let http = client();
    let html = http
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert_eq!(html.matches("class=\"card target-card\"").count(), 8);
    assert!(html.contains("目标完成情况"));
    let r = http
        .get(format!("{base}/lang/en?next=/plan"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/plan");
    let html = http
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Target status"));
    app.finish().await;
}

#[tokio::test]
async fn every_page_renders_without_raw_catalog_keys() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let admin = login(&base, "admin").await;
    let uscc = app.fx.uscc.clone();
    for lang in ["zh-CN", "en"] {
        admin
            .http
            .get(format!("{base}/lang/{lang}"))
            .send()
            .await
            .unwrap();
        for page in [
            "/".to_owned(),
            "/targets/rd_intensity".into(),
            "/targets/tech_smes?org_unit=211102&period=2019".into(),
            "/plan".into(),
            "/guide".into(),
            "/enterprises".into(),
            format!("/enterprises/{uscc}"),
            "/enterprises/pool".into(),
            "/registries/platforms".into(),
            "/registries/contracts/new".into(),
            "/data/tongji".into(),
            "/imports".into(),
            "/audit".into(),
            "/accounts".into(),
            "/accounts/new".into(),
            "/plans".into(),
            "/plans/new".into(),
            "/plans/shuangtaizi_2018_2020".into(),
        ] {
            let r = admin.http.get(format!("{base}{page}")).send().await.unwrap();
            assert_eq!(r.status(), 200, "{lang} {page}");
            let html = r.text().await.unwrap();
            for prefix in [
                "nav.", "dash.", "ent.", "reg.", "target.", "common.", "field.", "pool.", "acc.", "import.",
                "plans.", "draft.",
            ] {
                let raw = format!(">{prefix}");
                assert!(!html.contains(&raw), "{lang} {page} shows a raw key {prefix}…");
            }
        }
    }
    app.finish().await;
}

#[tokio::test]
async fn a_stale_form_shows_both_versions_and_bad_fields_get_messages_in_place() {
    let app = sqlite_app().await;
    let base = app.base().to_owned();
    let admin = login(&base, "admin").await;
    let id = app.fx.rows["platforms"];
    let form = admin
        .http
        .get(format!("{base}/registries/platforms/{id}/edit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = form_token(&form).unwrap();
    let version: String = {
        let i = form.find("name=\"version\" value=\"").unwrap() + 22;
        form[i..i + form[i..].find('"').unwrap()].to_owned()
    };
    let value = |name: &str| {
        let key = format!("name=\"{name}\" type=\"");
        form.find(&key).and_then(|i| {
            let rest = &form[i..];
            let v = rest.find("value=\"")? + 7;
            Some(rest[v..v + rest[v..].find('"')?].to_owned())
        })
    };
    let name = value("name").unwrap();
    let fields = |n: &str, v: &str| {
        vec![
            ("_csrf".to_owned(), token.clone()),
            ("version".into(), v.to_owned()),
            ("name".into(), n.to_owned()),
            ("kind".into(), "incubator".into()),
            ("recognised_on".into(), "2018-05-01".into()),
            ("org_unit_code".into(), "211102".into()),
        ]
    };
    // Someone saves first.
    let r = admin
        .http
        .post(format!("{base}/registries/platforms/{id}"))
        .form(&fields(&format!("{name}（甲）"), &version))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // The second save with the old version gets the conflict page with both versions.
    let r = admin
        .http
        .post(format!("{base}/registries/platforms/{id}"))
        .form(&fields(&format!("{name}（乙）"), &version))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"conflict-table\""));
    assert!(html.contains(&format!("{name}（甲）")) && html.contains(&format!("{name}（乙）")));
    // A bad date gets its message next to the field.
    let mut bad = fields("x", &version);
    bad[4].1 = "2018-13-45".into();
    let r = admin
        .http
        .post(format!("{base}/registries/platforms"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"e-recognised_on\""), "no message in place");
    assert!(html.contains("aria-invalid=\"true\""));
    app.finish().await;
}

#[test]
fn every_catalog_key_a_template_uses_exists() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut missing = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for (i, _) in text.match_indices(".t(\"") {
                let rest = &text[i + 4..];
                let key = &rest[..rest.find('"').unwrap()];
                for lang in [plantrack_web::i18n::Lang::Zh, plantrack_web::i18n::Lang::En] {
                    if !plantrack_web::i18n::catalog(lang).contains_key(key) {
                        missing.push(format!("{} {key} ({lang:?})", p.display()));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn every_registry_field_and_import_kind_has_a_label() {
    use plantrack_app::registries::RegistryKind;
    for lang in [plantrack_web::i18n::Lang::Zh, plantrack_web::i18n::Lang::En] {
        let cat = plantrack_web::i18n::catalog(lang);
        for k in RegistryKind::ALL {
            assert!(cat.contains_key(&format!("reg.{}", k.slug())));
            // Field labels come from the registry spec, in both languages.
            for f in k.fields() {
                assert!(
                    f.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) && !f.en.trim().is_empty(),
                    "{} {}",
                    k.slug(),
                    f.key
                );
            }
        }
        for kind in plantrack_web::pages::imports::KINDS {
            assert!(cat.contains_key(&format!("import.kind.{kind}")), "{kind}");
        }
    }
}
