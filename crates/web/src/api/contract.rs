//! The API's contract made exact: the OpenAPI document that utoipa derives from the handlers, completed with
//! what the handlers' attributes cannot say — typed request bodies written from the registry field specs
//! (`plantrack_core::registry`: lengths, ranges, vocabularies, patterns for dates, periods and codes), one path
//! per registry instead of `/{registry}`, and every status an operation can answer.
//!
//! Patterns describe the canonical form of each value (what the API documents and writes back); the readers are
//! more forgiving on input (full-width digits, `2020年1月5日`) because files and forms share them. What no
//! schema can say — a USCC's check digit, an org unit or department that exists, a unique key — is answered 422
//! or 409 and listed in `schemathesis.toml` for the contract test.

use plantrack_app::registries::RegistryKind;
use plantrack_core::registry::field::YEARS;
use plantrack_core::registry::{Field, FieldType, Kind};
use serde_json::{Map, Value, json};

/// The calendar dates the date reader accepts (years 1900–2999), as a regular expression: month lengths and
/// leap years (Gregorian: every 4th year, centuries only when divisible by 400) included, so that a schema-valid
/// date is always a real one.
pub const DATE_PATTERN: &str = concat!(
    "^(?:",
    // Any year: days 01–28 of every month, 29–30 of every month but February, 31 of the long months.
    "(?:19|2[0-9])[0-9]{2}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)",
    // 29 February of a leap year.
    "|(?:19|2[0-9])(?:0[48]|[2468][048]|[13579][26])-02-29",
    "|(?:20|24|28)00-02-29",
    ")$"
);

/// A reporting period of a year within the readers' range: `2019`, `2019Q3`, `2019-07`.
fn period_pattern() -> String {
    format!("^{}(?:Q[1-4]|-(?:0[1-9]|1[0-2]))?$", year_alternatives())
}

/// The years of [`YEARS`] as a regular expression (1990–2100 today).
fn year_alternatives() -> String {
    debug_assert_eq!((*YEARS.start(), *YEARS.end()), (1990, 2100));
    "(?:199[0-9]|20[0-9]{2}|2100)".to_owned()
}

/// 统一社会信用代码: 18 characters of the GB 32100-2015 alphabet (its check digit is checked by the server).
const USCC_PATTERN: &str = "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$";

/// A GB/T 2260 code: 6 digits (county level), 9 (township) or 12 (village).
const ORG_UNIT_PATTERN: &str = "^[0-9]{6}(?:[0-9]{3}|[0-9]{6})?$";

/// Text without control characters (line breaks and tabs allowed when `multiline`), with at least one
/// visible character when `required` (the readers trim, and empty text is no value).
fn text_pattern(multiline: bool, required: bool) -> String {
    let ok = if multiline {
        r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]"
    } else {
        r"[^\x00-\x1F\x7F-\x9F]"
    };
    if required {
        let visible = r"[^\s\x00-\x1F\x7F-\x9F]";
        format!("^{ok}*{visible}{ok}*$")
    } else {
        format!("^{ok}*$")
    }
}

/// The schema of one value of `field`.
pub fn value_schema(field: &Field, required: bool) -> Value {
    let non_negative = |max: f64| {
        json!({"anyOf": [
            {"type": "string", "pattern": "^[0-9]{1,12}(?:\\.[0-9]{1,6})?$"},
            {"type": "integer", "minimum": 0, "maximum": max},
        ]})
    };
    let mut s = match field.ty {
        FieldType::Text { max_chars, multiline } => {
            json!({"type": "string", "maxLength": max_chars, "pattern": text_pattern(multiline, required)})
        }
        FieldType::Code { max_chars } => {
            json!({"type": "string", "maxLength": max_chars, "pattern": text_pattern(false, required)})
        }
        FieldType::Uscc => json!({"type": "string", "pattern": USCC_PATTERN}),
        FieldType::OrgUnit => json!({"type": "string", "pattern": ORG_UNIT_PATTERN}),
        FieldType::Date => json!({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
        FieldType::Amount | FieldType::Number => non_negative(1e12),
        FieldType::Count => json!({"anyOf": [
            {"type": "string", "pattern": "^[0-9]{1,12}$"},
            {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_i64},
        ]}),
        FieldType::Year => json!({"anyOf": [
            {"type": "string", "pattern": format!("^{}$", year_alternatives())},
            {"type": "integer", "minimum": YEARS.start(), "maximum": YEARS.end()},
        ]}),
        FieldType::Period => json!({"type": "string", "pattern": period_pattern()}),
        FieldType::Choice(vocab) => {
            let mut accepted: Vec<&str> = Vec::new();
            for t in vocab.terms {
                accepted.extend([t.code, t.zh, t.en]);
                accepted.extend(t.aliases.iter().copied());
            }
            accepted.sort_unstable();
            accepted.dedup();
            json!({"type": "string", "enum": accepted})
        }
        FieldType::Industry => json!({"type": "string", "pattern": "^[A-T]?[0-9]{2,4}$"}),
        FieldType::Element | FieldType::Department => {
            json!({"type": "string", "minLength": 1, "maxLength": 100, "pattern": text_pattern(false, true)})
        }
    };
    if let Some(o) = s.as_object_mut() {
        o.insert(
            "description".into(),
            Value::String(
                format!("{} / {}. {}", field.zh, field.en, field.note_en)
                    .trim_end()
                    .to_owned(),
            ),
        );
    }
    if !required {
        s = json!({"anyOf": [s, {"type": "null"}], "description": format!("{} / {} (null clears it)", field.zh, field.en)});
    }
    s
}

/// The body of a create (`patch == false`: required fields required, none null) or of a merge-patch update
/// (every field optional; `null` clears an optional field; `version` required).
pub fn record_schema(kind: Kind, patch: bool) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in kind.fields() {
        // A required field is never null (a patch cannot clear it); only a create must name it.
        props.insert(f.key.into(), value_schema(f, f.required));
        if f.required && !patch {
            required.push(Value::String(f.key.into()));
        }
    }
    if patch {
        props.insert(
            "version".into(),
            json!({"anyOf": [{"type": "integer", "minimum": 0, "maximum": i64::MAX}, {"type": "string", "pattern": "^[0-9]{1,18}$"}],
                   "description": "The version read (optimistic locking)"}),
        );
        required.push(Value::String("version".into()));
    }
    json!({
        "type": "object",
        "description": format!("{} / {}{}", kind.name_zh(), kind.name_en(),
            if patch { ": a JSON merge patch (RFC 7396) — an absent field keeps its value, null clears it" } else { "" }),
        "properties": props,
        "required": required,
        "additionalProperties": false,
    })
}

/// The enterprise report body of `POST /api/v1/enterprises`: the master data (merge semantics) and one object
/// per year.
fn enterprise_schema() -> Value {
    let master = plantrack_core::registry::ENTERPRISE_MASTER_KEYS;
    let mut props = Map::new();
    let mut year_props = Map::new();
    for f in Kind::Enterprises.fields() {
        if f.key == "uscc" || f.key == "name" {
            props.insert(f.key.into(), value_schema(f, true));
        } else if master.contains(&f.key) {
            props.insert(f.key.into(), value_schema(f, false));
        } else if f.key == "year" {
            year_props.insert(f.key.into(), value_schema(f, true));
        } else {
            year_props.insert(f.key.into(), value_schema(f, false));
        }
    }
    props.insert(
        "years".into(),
        json!({"type": "array", "maxItems": 50, "items": {
            "type": "object", "properties": year_props, "required": ["year"], "additionalProperties": false,
            "description": "One year's figures; an absent figure keeps its stored value, null clears it",
        }}),
    );
    json!({
        "type": "object",
        "description": "企业年报 / an enterprise's report: a JSON merge patch (RFC 7396) of its master data and years",
        "properties": props,
        "required": ["uscc"],
        "additionalProperties": false,
    })
}

/// The body of `POST /api/v1/observations`: an array of observations, or `{"observations": [...]}`.
fn observations_schema() -> Value {
    let field = |key: &str| {
        Kind::Observations
            .field(key)
            .map(|f| value_schema(f, true))
            .unwrap_or_else(|| json!({"type": "string"}))
    };
    let item = json!({
        "type": "object",
        "properties": {
            "org_unit": field("org_unit_code"),
            "period": field("period"),
            "data_element": field("data_element"),
            // Text, as the API answers figures (exact decimals), never a JSON number.
            "value": {"type": "string", "pattern": "^[0-9]{1,12}(?:\\.[0-9]{1,6})?$"},
            "source": {"anyOf": [{"type": "string", "maxLength": 200}, {"type": "null"}]},
        },
        "required": ["org_unit", "period", "data_element", "value"],
        "additionalProperties": false,
    });
    // No item limit: the body's size is (1 MB, answered 413).
    let list = json!({"type": "array", "items": item});
    json!({"oneOf": [
        list.clone(),
        {"type": "object", "properties": {"observations": list}, "required": ["observations"], "additionalProperties": false},
    ]})
}

/// Completes the generated document (see the module's comment).
pub fn refine(doc: &mut Value) {
    split_registry_paths(doc);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(ops) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in ops.iter_mut() {
                refine_operation(path, method, op);
            }
        }
    }
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut);
    if let Some(schemas) = schemas {
        schemas.insert("EnterpriseReport".into(), enterprise_schema());
        schemas.insert("Observations".into(), observations_schema());
        for r in RegistryKind::ALL {
            schemas.insert(schema_name(r, false), record_schema(r.kind(), false));
            schemas.insert(schema_name(r, true), record_schema(r.kind(), true));
        }
    }
}

fn schema_name(r: RegistryKind, patch: bool) -> String {
    let base: String = r
        .slug()
        .split('_')
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect();
    format!("{base}{}", if patch { "Patch" } else { "" })
}

/// `/api/v1/{registry}` and `/api/v1/{registry}/{id}` become one pair of paths per registry, each with its own
/// typed bodies (the router serves the same handlers for them).
fn split_registry_paths(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let (Some(list), Some(one)) = (
        paths.remove("/api/v1/{registry}"),
        paths.remove("/api/v1/{registry}/{id}"),
    ) else {
        return;
    };
    for r in RegistryKind::ALL {
        for (template, path) in [
            (&list, format!("/api/v1/{}", r.slug())),
            (&one, format!("/api/v1/{}/{{id}}", r.slug())),
        ] {
            let mut item = template.clone();
            if let Some(ops) = item.as_object_mut() {
                for (method, op) in ops.iter_mut() {
                    let Some(o) = op.as_object_mut() else {
                        continue;
                    };
                    if let Some(params) = o.get_mut("parameters").and_then(Value::as_array_mut) {
                        params.retain(|p| p["name"] != "registry");
                    }
                    if let Some(id) = o.get("operationId").and_then(Value::as_str) {
                        let id = format!("{id}_{}", r.slug());
                        o.insert("operationId".into(), Value::String(id));
                    }
                    if let Some(s) = o.get("summary").and_then(Value::as_str) {
                        let s = format!("{s} ({} / {})", r.kind().name_zh(), r.kind().name_en());
                        o.insert("summary".into(), Value::String(s));
                    }
                    let body = match method.as_str() {
                        "post" => Some(schema_name(r, false)),
                        "put" => Some(schema_name(r, true)),
                        _ => None,
                    };
                    if let Some(name) = body {
                        o.insert(
                            "requestBody".into(),
                            json!({"required": true, "content": {"application/json": {
                                "schema": {"$ref": format!("#/components/schemas/{name}")}}}}),
                        );
                    }
                }
            }
            paths.insert(path, item);
        }
    }
}

/// Typed parameters and bodies, and every error status, for one operation.
fn refine_operation(path: &str, method: &str, op: &mut Value) {
    let Some(o) = op.as_object_mut() else {
        return;
    };
    if let Some(params) = o.get_mut("parameters").and_then(Value::as_array_mut) {
        for p in params.iter_mut() {
            let name = p["name"].as_str().unwrap_or_default().to_owned();
            // In a query an empty value is no value (what an HTML form sends for an empty field).
            let optional =
                |pattern: &str| format!("^(?:|{})$", pattern.trim_start_matches('^').trim_end_matches('$'));
            let schema = match name.as_str() {
                "period" => Some(json!({"type": "string", "pattern": optional(&period_pattern())})),
                "as_of" | "from" | "until" => {
                    Some(json!({"type": "string", "pattern": optional(DATE_PATTERN)}))
                }
                "org_unit" => Some(json!({"type": "string", "pattern": optional(ORG_UNIT_PATTERN)})),
                "uscc" => Some(json!({"type": "string", "pattern": USCC_PATTERN})),
                "kind" => Some(json!({"type": "string", "enum": import_kinds()})),
                "version" => {
                    // A delete names the version it read (or sends `If-Match`).
                    p["required"] = Value::Bool(true);
                    Some(json!({"type": "integer", "format": "int64", "minimum": 0}))
                }
                _ => None,
            };
            if let Some(s) = schema {
                p["schema"] = s;
            }
        }
    }
    let body = match (method, path) {
        ("post", "/api/v1/enterprises") => Some("EnterpriseReport"),
        ("post", "/api/v1/observations") => Some("Observations"),
        _ => None,
    };
    if let Some(name) = body {
        o.insert(
            "requestBody".into(),
            json!({"required": true, "content": {"application/json": {
                "schema": {"$ref": format!("#/components/schemas/{name}")}}}}),
        );
    }
    let has_body = o.contains_key("requestBody");
    let has_path_params = path.contains('{');
    let Some(responses) = o.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    let mut add = |status: &str, why: &str| {
        responses.entry(status.to_owned()).or_insert_with(|| {
            json!({"description": why, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/ErrorBody"}}}})
        });
    };
    add(
        "400",
        "Malformed request: a query parameter or JSON body that cannot be read (bad_request)",
    );
    add(
        "401",
        "Not signed in, or a token that is unknown, revoked or expired (unauthenticated)",
    );
    add("403", "Signed in without the permission (forbidden)");
    add(
        "422",
        "Well-formed but invalid: each bad field with its reason, in Chinese and English (invalid)",
    );
    add("429", "Too many attempts: try again later (throttled)");
    add("500", "Unexpected server error (internal), logged");
    if has_path_params || path.starts_with("/api/v1/enterprises") {
        add("404", "No such resource (not_found)");
    }
    if has_body {
        add("413", "Request body too large (too_large)");
    }
    if path.starts_with("/api/v1/imports/") {
        add(
            "409",
            "The file differs from the one checked (sha256), or a concurrent change (conflict)",
        );
    }
}

/// The kinds `POST /api/v1/imports/{kind}` accepts.
fn import_kinds() -> Vec<&'static str> {
    Kind::ALL.iter().map(|k| k.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, s: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(s)
    }

    #[test]
    fn the_date_pattern_accepts_exactly_the_real_dates() {
        let mut day = jiff::civil::date(1900, 1, 1);
        let end = jiff::civil::date(2999, 12, 31);
        let re = regex::Regex::new(DATE_PATTERN).unwrap();
        while day <= end {
            assert!(re.is_match(&day.to_string()), "{day}");
            day = day.tomorrow().unwrap();
        }
        for bad in [
            "1900-02-29",
            "2100-02-29",
            "2019-02-29",
            "2019-04-31",
            "2019-13-01",
            "2019-00-10",
            "1899-12-31",
            "3000-01-01",
            "2019-1-5",
            "2019-01-32",
        ] {
            assert!(!re.is_match(bad), "{bad}");
        }
        for leap in ["2000-02-29", "2024-02-29", "1904-02-29", "2400-02-29"] {
            assert!(re.is_match(leap), "{leap}");
        }
    }

    #[test]
    fn patterns_agree_with_the_readers() {
        use plantrack_core::registry::parse;
        for p in ["1990", "2019Q3", "2019-07", "2100Q4"] {
            assert!(matches(&period_pattern(), p), "{p}");
            assert!(parse::period(p).is_ok(), "{p}");
        }
        for p in ["1989", "2019Q5", "2019-13", "20一8"] {
            assert!(!matches(&period_pattern(), p), "{p}");
        }
        assert!(matches(USCC_PATTERN, "91211100MA0QC8XK2B"));
        assert!(!matches(USCC_PATTERN, "91211100MA0QC8XK2I"));
        assert!(!matches(&text_pattern(false, true), "   "));
        assert!(matches(&text_pattern(false, true), " 名称 "));
        assert!(!matches(&text_pattern(false, false), "a\u{7}b"));
        assert!(matches(&text_pattern(true, false), "a\nb"));
    }

    #[test]
    fn every_registry_has_a_create_and_a_patch_schema_naming_every_field() {
        for r in RegistryKind::ALL {
            let create = record_schema(r.kind(), false);
            let patch = record_schema(r.kind(), true);
            for f in r.kind().fields() {
                assert!(create["properties"][f.key].is_object(), "{}", f.key);
                assert!(patch["properties"][f.key].is_object(), "{}", f.key);
                assert_eq!(
                    create["required"].as_array().unwrap().contains(&json!(f.key)),
                    f.required
                );
            }
            assert_eq!(patch["required"], json!(["version"]));
        }
    }
}
