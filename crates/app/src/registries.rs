//! The registries (台账): introduced talents, platforms, technology contracts, IP-pledge financing, fiscal support
//! and achievements — list, read, create, edit with the version check, delete.
//!
//! Input arrives as text fields (a form, or a JSON object whose scalars are read as text) and is parsed here, field
//! by field, into the store's typed record: every problem is reported with its field, in Chinese and English, and
//! nothing is written unless all fields are good. Reading needs [`Permission::ViewInternal`], writing
//! [`Permission::EditRegistries`].

use std::collections::BTreeMap;

use jiff::Timestamp;
use plantrack_core::plan::Plan;
use plantrack_core::registry::{self, Built, Field, Kind};
use plantrack_exchange::Context;
use plantrack_store::registries::{
    Achievement, FiscalSupport, IpPledgeFinancing, Platform, Talent, TechContract,
};
use plantrack_store::{Actor, ListQuery, Record, Store, Stored};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::access::{Permission, Principal};
use crate::error::{AppError, FieldError};

/// One of the six registries, named as in the URL and the API (`/api/v1/{registry}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistryKind {
    /// 引进人才.
    Talents,
    /// 创新平台.
    Platforms,
    /// 技术合同.
    Contracts,
    /// 知识产权质押融资.
    Financing,
    /// 财政科技资金.
    Funding,
    /// 关键技术和新产品.
    Achievements,
}

impl RegistryKind {
    /// Every registry, in menu order.
    pub const ALL: [RegistryKind; 6] = [
        RegistryKind::Talents,
        RegistryKind::Platforms,
        RegistryKind::Contracts,
        RegistryKind::Financing,
        RegistryKind::Funding,
        RegistryKind::Achievements,
    ];

    /// The kind of registry row (its fields, names and vocabularies).
    pub fn kind(self) -> Kind {
        match self {
            RegistryKind::Talents => Kind::Talents,
            RegistryKind::Platforms => Kind::Platforms,
            RegistryKind::Contracts => Kind::Contracts,
            RegistryKind::Financing => Kind::Financing,
            RegistryKind::Funding => Kind::Funding,
            RegistryKind::Achievements => Kind::Achievements,
        }
    }

    /// The URL / API segment.
    pub fn slug(self) -> &'static str {
        self.kind().name()
    }

    /// Reads a URL segment.
    pub fn parse(slug: &str) -> Option<RegistryKind> {
        RegistryKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// The store table (also the audit log's entity name).
    pub fn entity(self) -> &'static str {
        match self {
            RegistryKind::Talents => Talent::ENTITY,
            RegistryKind::Platforms => Platform::ENTITY,
            RegistryKind::Contracts => TechContract::ENTITY,
            RegistryKind::Financing => IpPledgeFinancing::ENTITY,
            RegistryKind::Funding => FiscalSupport::ENTITY,
            RegistryKind::Achievements => Achievement::ENTITY,
        }
    }

    /// The fields, in form order (the registry spec of `plantrack_core::registry`).
    pub fn fields(self) -> &'static [Field] {
        self.kind().fields()
    }
}

/// A registry row with its id, version and timestamps; `values` holds every field as text (empty = none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryRow {
    /// Id.
    pub id: i64,
    /// Version for the optimistic check.
    pub version: i64,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
    /// Field name → text.
    pub values: BTreeMap<String, String>,
}

/// One page of rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryPage {
    /// Rows.
    pub items: Vec<RegistryRow>,
    /// Matching rows in all.
    pub total: i64,
    /// Skipped.
    pub offset: i64,
    /// Page size.
    pub limit: i64,
}

/// Text fields as submitted by a form: every field of the form, empty = none.
pub type Fields = BTreeMap<String, String>;

/// A partial update in the manner of JSON Merge Patch (RFC 7396): a field that is absent keeps its stored value,
/// `Some(text)` sets it (blank text clears it) and `None` — an explicit JSON `null` — clears it.
pub type Patch = BTreeMap<String, Option<String>>;

/// A form's fields as a patch (a form sends every field it shows).
pub fn patch_of(fields: &Fields) -> Patch {
    fields.iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect()
}

/// Reads a JSON object's scalars as a [`Patch`]: numbers exactly as written (never through `f64`), `null` as
/// "clear". Arrays and objects are an error for their field.
pub fn fields_from_json(body: &str) -> Result<Patch, AppError> {
    use serde_json::value::RawValue;
    let map: BTreeMap<String, Box<RawValue>> = serde_json::from_str(body).map_err(|e| {
        AppError::invalid(
            "body",
            format!("请求体应为 JSON 对象：{e}"),
            format!("the body must be a JSON object: {e}"),
        )
    })?;
    let mut out = Patch::new();
    let mut errors = Vec::new();
    for (k, v) in map {
        let raw = v.get().trim();
        if raw == "null" {
            out.insert(k, None);
        } else if raw.starts_with('"') {
            match serde_json::from_str::<String>(raw) {
                Ok(s) => {
                    out.insert(k, Some(s));
                }
                Err(e) => errors.push(FieldError::new(k, e.to_string(), e.to_string())),
            }
        } else if raw.starts_with('{') || raw.starts_with('[') {
            errors.push(FieldError::new(k, "应为文字或数字", "must be text or a number"));
        } else {
            out.insert(k, Some(raw.to_owned()));
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// `patch` applied to `base` (RFC 7396): absent keeps, `null` removes, a value replaces.
pub fn merge(mut base: Fields, patch: &Patch) -> Fields {
    for (k, v) in patch {
        match v {
            Some(text) => {
                base.insert(k.clone(), text.clone());
            }
            None => {
                base.remove(k);
            }
        }
    }
    base
}

fn row_of<T: Record>(kind: RegistryKind, s: &Stored<T>) -> RegistryRow {
    let mut values = registry::texts_of(kind.kind(), &s.record);
    for f in kind.fields() {
        values.entry(f.key.to_owned()).or_default();
    }
    RegistryRow {
        id: s.id,
        version: s.version,
        created_at: s.created_at,
        updated_at: s.updated_at,
        values,
    }
}

/// Field problems as the API and forms report them (field = the key).
pub fn field_errors(kind: Kind, problems: Vec<registry::Problem>) -> Vec<FieldError> {
    problems
        .into_iter()
        .map(|p| {
            let key = kind.fields().get(p.field).map_or("", |f| f.key);
            FieldError::new(key, p.reason.zh, p.reason.en)
        })
        .collect()
}

/// The keys a patch or form may carry besides the fields.
const NOT_FIELDS: [&str; 3] = ["version", "id", "_csrf"];

/// Reads and checks text fields into the record (the same reader and builder as file import), collecting
/// every field's problem, unknown fields included.
fn parse_fields(kind: RegistryKind, cx: &Context, input: &Fields) -> Result<Built, Vec<FieldError>> {
    let unknown: Vec<FieldError> = input
        .keys()
        .filter(|k| kind.kind().field(k).is_none() && !NOT_FIELDS.contains(&k.as_str()))
        .map(|k| FieldError::new(k.clone(), "未知字段", "unknown field"))
        .collect();
    match registry::build_from_text(kind.kind(), input, cx) {
        Ok(b) if unknown.is_empty() => Ok(b),
        Ok(_) => Err(unknown),
        Err(problems) => {
            let mut errors = field_errors(kind.kind(), problems);
            errors.extend(unknown);
            Err(errors)
        }
    }
}

fn to_json(b: Built) -> serde_json::Value {
    let v = match b {
        Built::Talent(r) => serde_json::to_value(r),
        Built::Platform(r) => serde_json::to_value(r),
        Built::Contract(r) => serde_json::to_value(r),
        Built::Financing(r) => serde_json::to_value(r),
        Built::Funding(r) => serde_json::to_value(r),
        Built::Achievement(r) => serde_json::to_value(r),
        Built::Enterprise(r) => serde_json::to_value(r),
        Built::Qualification(r) => serde_json::to_value(r),
        Built::Observation(r) => serde_json::to_value(r),
        Built::OrgUnit(r) => serde_json::to_value(r),
    };
    v.unwrap_or_default()
}

/// What the readers know: the plan's departments and elements, every org unit of the plan and the store.
async fn context(store: &Store, plan: &Plan, who: &Principal) -> Result<Context, AppError> {
    let codes = store.org_unit_codes().await?;
    Ok(Context::for_plan(plan, codes, Some(who.actor_name().to_owned())))
}

fn decode<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_json::from_value(value).map_err(|e| AppError::invalid("body", e.to_string(), e.to_string()))
}

/// Listing parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListParams {
    /// Free-text search.
    pub search: Option<String>,
    /// Rows to skip.
    pub offset: i64,
    /// Page size (1–500, default 50).
    pub limit: i64,
}

fn actor(p: &Principal) -> Actor {
    p.actor()
}

async fn list_t<T: Record>(
    store: &Store,
    kind: RegistryKind,
    p: &ListParams,
) -> Result<RegistryPage, AppError> {
    let limit = if p.limit <= 0 { 50 } else { p.limit.min(500) };
    let mut q = ListQuery::default().page(p.offset.max(0), limit);
    if let Some(s) = p.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.search(s.chars().take(100).collect::<String>());
    }
    let page = store.list::<T>(&q).await?;
    Ok(RegistryPage {
        items: page.items.iter().map(|s| row_of(kind, s)).collect(),
        total: page.total,
        offset: page.offset,
        limit: page.limit,
    })
}

async fn get_t<T: Record>(store: &Store, kind: RegistryKind, id: i64) -> Result<RegistryRow, AppError> {
    Ok(row_of(kind, &store.get::<T>(id).await?))
}

async fn create_t<T: Record + DeserializeOwned>(
    store: &Store,
    who: &Principal,
    kind: RegistryKind,
    value: serde_json::Value,
) -> Result<RegistryRow, AppError> {
    let record: T = decode(value)?;
    let mut tx = store.begin(actor(who)).await?;
    if tx.find_by_key::<T>(&record.key()).await?.is_some() {
        return Err(duplicate(kind));
    }
    let stored = tx.insert(&record).await?;
    tx.commit().await?;
    Ok(row_of(kind, &stored))
}

fn duplicate(kind: RegistryKind) -> AppError {
    let k = kind.kind();
    let words = k.key_words();
    AppError::Conflict(format!(
        "{}中已有相同的记录（{}） / a row with the same key already exists in {} ({})",
        k.name_zh(),
        words.zh,
        k.name_en(),
        words.en
    ))
}

async fn update_t<T: Record + DeserializeOwned>(
    store: &Store,
    who: &Principal,
    kind: RegistryKind,
    id: i64,
    version: i64,
    value: serde_json::Value,
) -> Result<RegistryRow, AppError> {
    let record: T = decode(value)?;
    let mut tx = store.begin(actor(who)).await?;
    if let Some(other) = tx.find_by_key::<T>(&record.key()).await?
        && other.id != id
    {
        return Err(duplicate(kind));
    }
    let stored = tx.update(id, version, &record).await?;
    tx.commit().await?;
    Ok(row_of(kind, &stored))
}

async fn delete_t<T: Record>(store: &Store, who: &Principal, id: i64, version: i64) -> Result<(), AppError> {
    let mut tx = store.begin(actor(who)).await?;
    tx.delete::<T>(id, version).await?;
    tx.commit().await?;
    Ok(())
}

/// Calls a generic function with the record type of a registry kind.
macro_rules! dispatch {
    ($kind:expr, $f:ident, $($arg:expr),*) => {
        match $kind {
            RegistryKind::Talents => $f::<Talent>($($arg),*).await,
            RegistryKind::Platforms => $f::<Platform>($($arg),*).await,
            RegistryKind::Contracts => $f::<TechContract>($($arg),*).await,
            RegistryKind::Financing => $f::<IpPledgeFinancing>($($arg),*).await,
            RegistryKind::Funding => $f::<FiscalSupport>($($arg),*).await,
            RegistryKind::Achievements => $f::<Achievement>($($arg),*).await,
        }
    };
}

/// Lists a registry (internal users).
pub async fn list(
    store: &Store,
    who: &Principal,
    kind: RegistryKind,
    params: &ListParams,
) -> Result<RegistryPage, AppError> {
    who.require(&Permission::ViewInternal)?;
    dispatch!(kind, list_t, store, kind, params)
}

/// Reads one row (internal users).
pub async fn get(
    store: &Store,
    who: &Principal,
    kind: RegistryKind,
    id: i64,
) -> Result<RegistryRow, AppError> {
    who.require(&Permission::ViewInternal)?;
    dispatch!(kind, get_t, store, kind, id)
}

/// Creates a row (registry editors) from a patch: absent and `null` fields are empty. A row with the same
/// natural key is a conflict.
pub async fn create(
    store: &Store,
    who: &Principal,
    plan: &Plan,
    kind: RegistryKind,
    patch: &Patch,
) -> Result<RegistryRow, AppError> {
    who.require(&Permission::EditRegistries)?;
    let cx = context(store, plan, who).await?;
    let fields = merge(Fields::new(), patch);
    let value = to_json(parse_fields(kind, &cx, &fields).map_err(AppError::Invalid)?);
    dispatch!(kind, create_t, store, who, kind, value)
}

/// Changes a row if it is still at `version` (otherwise [`AppError::Stale`]): the patch is applied to the
/// stored row (RFC 7396: an absent field keeps its value, `null` clears it), and the result is checked as a
/// whole, as a new row would be.
pub async fn update(
    store: &Store,
    who: &Principal,
    plan: &Plan,
    kind: RegistryKind,
    id: i64,
    version: i64,
    patch: &Patch,
) -> Result<RegistryRow, AppError> {
    who.require(&Permission::EditRegistries)?;
    let cx = context(store, plan, who).await?;
    let stored = dispatch!(kind, get_t, store, kind, id)?;
    let base: Fields = stored.values.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    let fields = merge(base, patch);
    let value = to_json(parse_fields(kind, &cx, &fields).map_err(AppError::Invalid)?);
    dispatch!(kind, update_t, store, who, kind, id, version, value)
}

/// Deletes a row if it is still at `version`.
pub async fn delete(
    store: &Store,
    who: &Principal,
    kind: RegistryKind,
    id: i64,
    version: i64,
) -> Result<(), AppError> {
    who.require(&Permission::EditRegistries)?;
    dispatch!(kind, delete_t, store, who, id, version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn cx() -> Context {
        let plan = plantrack_core::plan::embedded::shuangtaizi().unwrap();
        Context::for_plan(&plan, Vec::<String>::new(), None)
    }

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_good_contract_parses_into_the_store_record() {
        let b = parse_fields(
            RegistryKind::Contracts,
            &cx(),
            &fields(&[
                ("contract_number", "2019210011000123"),
                ("contract_type", "技术开发"),
                ("registered_on", "2019/5/6"),
                ("seller_uscc", "91350100M000100Y43"),
                ("turnover", "1,120.5"),
                ("org_unit_code", "211102"),
            ]),
        )
        .unwrap();
        let c: TechContract = decode(to_json(b)).unwrap();
        assert_eq!(c.turnover, "1120.5".parse::<Decimal>().unwrap());
        assert_eq!(c.registered_on.to_string(), "2019-05-06");
        assert_eq!(c.buyer_name, None);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let errs = parse_fields(
            RegistryKind::Contracts,
            &cx(),
            &fields(&[
                ("contract_type", "卖菜"),
                ("registered_on", "2019-13-01"),
                ("seller_uscc", "91350100M000100Y44"),
                ("turnover", "-1"),
                ("org_unit_code", "999999"),
                ("colour", "red"),
            ]),
        )
        .unwrap_err();
        let named: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "contract_number",
            "contract_type",
            "registered_on",
            "seller_uscc",
            "turnover",
            "org_unit_code",
            "colour",
        ] {
            assert!(named.contains(&f), "{f} missing from {named:?}");
        }
    }

    #[test]
    fn a_platform_cannot_be_revoked_before_it_was_recognised() {
        let errs = parse_fields(
            RegistryKind::Platforms,
            &cx(),
            &fields(&[
                ("name", "盘锦石化产业技术研究院"),
                ("kind", "industrial_tech_institute"),
                ("recognised_on", "2019-05-06"),
                ("revoked_on", "2019-01-01"),
                ("org_unit_code", "211102"),
            ]),
        )
        .unwrap_err();
        assert_eq!(errs[0].field, "revoked_on");
    }

    #[test]
    fn json_scalars_become_a_patch_and_objects_are_refused() {
        let f =
            fields_from_json(r#"{"turnover": 1234567.8901234567, "buyer_name": null, "n": "甲"}"#).unwrap();
        assert_eq!(f["turnover"].as_deref(), Some("1234567.8901234567"));
        assert_eq!(f["buyer_name"], None);
        assert_eq!(f["n"].as_deref(), Some("甲"));
        assert!(fields_from_json(r#"{"x": {"y": 1}}"#).is_err());
        assert!(fields_from_json("[1]").is_err());
    }

    #[test]
    fn a_patch_keeps_what_it_does_not_name_and_clears_what_it_nulls() {
        let base = fields(&[("name", "甲"), ("note", "旧备注"), ("category", "高层次人才")]);
        let patch: Patch = [
            ("name".to_owned(), Some("乙".to_owned())),
            ("note".to_owned(), None),
        ]
        .into_iter()
        .collect();
        let merged = merge(base, &patch);
        assert_eq!(merged.get("name").map(String::as_str), Some("乙"));
        assert_eq!(merged.get("note"), None);
        assert_eq!(merged.get("category").map(String::as_str), Some("高层次人才"));
    }

    #[test]
    fn every_field_names_a_column_of_its_record() {
        for kind in RegistryKind::ALL {
            let cols: &[&str] = match kind {
                RegistryKind::Talents => Talent::COLUMNS,
                RegistryKind::Platforms => Platform::COLUMNS,
                RegistryKind::Contracts => TechContract::COLUMNS,
                RegistryKind::Financing => IpPledgeFinancing::COLUMNS,
                RegistryKind::Funding => FiscalSupport::COLUMNS,
                RegistryKind::Achievements => Achievement::COLUMNS,
            };
            let names: Vec<&str> = kind.fields().iter().map(|f| f.key).collect();
            assert_eq!(names, cols, "{kind:?}");
            assert_eq!(RegistryKind::parse(kind.slug()), Some(kind));
        }
    }
}
