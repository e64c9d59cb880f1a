//! The audit log (审计日志): filterable by entity, row, actor, action and date; each change shown as the fields that
//! changed, before → after.

use askama::Template;
use axum::extract::{Query, State};
use plantrack_app::AppError;
use plantrack_app::{Permission, Role};
use plantrack_store::audit::{AuditEvent, AuditQuery};
use serde::Deserialize;

use super::{OrPage, PageResult};
use crate::AppState;
use crate::ctx::Ctx;
use crate::layout::{Chrome, render};

/// Filters, as in the query string.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct AuditFilter {
    /// Entity (table).
    pub entity: Option<String>,
    /// Row id.
    pub entity_id: Option<String>,
    /// Actor.
    pub actor: Option<String>,
    /// Action.
    pub action: Option<String>,
    /// From date (inclusive).
    pub from: Option<String>,
    /// Until date (inclusive).
    pub until: Option<String>,
    /// Page from 1.
    pub page: Option<i64>,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(100).collect())
}

fn day_start(s: &str, plus_days: i64) -> Result<jiff::Timestamp, AppError> {
    let d: jiff::civil::Date = s
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("from", "日期应为 YYYY-MM-DD", "a date is YYYY-MM-DD"))?;
    let d = d
        .checked_add(jiff::Span::new().days(plus_days))
        .map_err(|e| AppError::invalid("until", e.to_string(), e.to_string()))?;
    d.to_zoned_datetime(jiff::tz::TimeZone::system())
        .map(|z| z.timestamp())
        .map_err(|e| AppError::invalid("from", e.to_string(), e.to_string()))
}

/// The store query of a filter (shared with the API).
pub fn to_query(f: &AuditFilter, limit: i64) -> Result<AuditQuery, AppError> {
    let page = f.page.unwrap_or(1).max(1);
    Ok(AuditQuery {
        entity: nonempty(&f.entity),
        entity_id: nonempty(&f.entity_id),
        actor: nonempty(&f.actor),
        action: nonempty(&f.action),
        from: nonempty(&f.from).map(|s| day_start(&s, 0)).transpose()?,
        until: nonempty(&f.until).map(|s| day_start(&s, 1)).transpose()?,
        offset: (page - 1) * limit,
        limit,
    })
}

/// One change of an event: field, before, after.
pub fn changes(e: &AuditEvent) -> Vec<(String, String, String)> {
    let empty = serde_json::Map::new();
    let obj = |v: &Option<serde_json::Value>| v.as_ref().and_then(|v| v.as_object().cloned());
    let before = obj(&e.before).unwrap_or_else(|| empty.clone());
    let after = obj(&e.after).unwrap_or_else(|| empty.clone());
    let text = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "—".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| (k.clone(), text(before.get(k)), text(after.get(k))))
        .collect()
}

/// An event with its local time and its changes (field, before, after).
type EventRow = (AuditEvent, String, Vec<(String, String, String)>);

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage {
    c: Chrome,
    f: AuditFilter,
    events: Vec<EventRow>,
    total: i64,
    page: i64,
    pages: i64,
    query: String,
    /// For admins: the chain check's banner (intact, text).
    chain: Option<(bool, String)>,
}

const PAGE_SIZE: i64 = 50;

/// `GET /audit`.
pub async fn list(State(state): State<AppState>, ctx: Ctx, Query(f): Query<AuditFilter>) -> PageResult {
    ctx.principal.require(&Permission::ViewAudit).or_page(&ctx)?;
    let q = to_query(&f, PAGE_SIZE).or_page(&ctx)?;
    let chain = if ctx.principal.role() == Some(Role::Admin) {
        Some(chain_banner(&state, &ctx).await.or_page(&ctx)?)
    } else {
        None
    };
    let page = state.store().audit_events(&q).await.or_page(&ctx)?;
    let tz = jiff::tz::TimeZone::system();
    let events = page
        .items
        .into_iter()
        .map(|e| {
            let at =
                e.at.to_zoned_datetime(tz.clone())
                    .strftime("%Y-%m-%d %H:%M:%S")
                    .to_string();
            let ch = changes(&e);
            (e, at, ch)
        })
        .collect();
    let enc = super::url_encode;
    let query = format!(
        "entity={}&amp;entity_id={}&amp;actor={}&amp;action={}&amp;from={}&amp;until={}",
        enc(f.entity.as_deref().unwrap_or("")),
        enc(f.entity_id.as_deref().unwrap_or("")),
        enc(f.actor.as_deref().unwrap_or("")),
        enc(f.action.as_deref().unwrap_or("")),
        enc(f.from.as_deref().unwrap_or("")),
        enc(f.until.as_deref().unwrap_or(""))
    );
    Ok(render(&AuditPage {
        c: Chrome::new(&ctx, "audit.title", "audit"),
        page: f.page.unwrap_or(1).max(1),
        pages: ((page.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        total: page.total,
        f,
        events,
        query,
        chain,
    }))
}

/// Check the whole chain now and say the result. A break that the latest recorded check does not know yet is
/// recorded, so that the admins' other pages (and other instances) show it too.
async fn chain_banner(state: &AppState, ctx: &Ctx) -> Result<(bool, String), AppError> {
    let report = plantrack_app::audit::verify(state.store(), &ctx.principal, None).await?;
    let tr = crate::i18n::Tr::new(ctx.lang);
    let Some(b) = &report.broken else {
        let text = match (report.head_id, &report.head_hash) {
            (Some(head), Some(hash)) => tr
                .t("audit.chain_intact")
                .replace("{n}", &report.verified.to_string())
                .replace("{head}", &head.to_string())
                .replace("{hash}", hash),
            _ => tr.t("audit.chain_empty").to_owned(),
        };
        return Ok((true, text));
    };
    let known = plantrack_app::audit::latest_check(state.store())
        .await?
        .is_some_and(|c| !c.intact && c.broken_id == Some(b.id));
    if !known {
        plantrack_app::audit::record_check(state.store(), &report).await?;
        state.forget_chain_check().await;
    }
    let message = match ctx.lang {
        crate::i18n::Lang::Zh => b.message_zh(),
        crate::i18n::Lang::En => b.message_en(),
    };
    Ok((
        false,
        tr.t("audit.chain_broken")
            .replace("{message}", &message)
            .replace("{n}", &report.verified.to_string()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_fields_are_listed() {
        let e = AuditEvent {
            id: 1,
            at: jiff::Timestamp::UNIX_EPOCH,
            actor: "a".into(),
            ip: None,
            action: "update".into(),
            entity: "talent".into(),
            entity_id: "1".into(),
            before: Some(serde_json::json!({"name": "甲", "note": null})),
            after: Some(serde_json::json!({"name": "乙", "note": null})),
        };
        assert_eq!(
            changes(&e),
            vec![("name".to_owned(), "甲".to_owned(), "乙".to_owned())]
        );
    }
}
