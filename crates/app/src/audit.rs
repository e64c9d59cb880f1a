//! The audit log's use cases (审计): checking the hash chain (`plantrack audit verify`, the `/audit` page, the
//! server's daily check) and recording the security events that are not row changes — failed log-ins, lock-outs,
//! refused tokens and refused writes — in the small fixed vocabulary of `plantrack_store::chain::actions`.
//! The chain itself is the store's (`plantrack_store::chain`, docs/audit.md).

use plantrack_store::audit::AuditQuery;
use plantrack_store::chain::actions;
use plantrack_store::{Actor, Store};
use serde::{Deserialize, Serialize};

pub use plantrack_store::chain::{BreakKind, ChainBreak, ChainReport};

use crate::access::{Permission, Principal};
use crate::error::AppError;

/// Check the chain from event `from` (default: the first) on: who may read the audit log may check it.
pub async fn verify(store: &Store, who: &Principal, from: Option<i64>) -> Result<ChainReport, AppError> {
    who.require(&Permission::ViewAudit)?;
    Ok(store.verify_audit_chain(from).await?)
}

/// A check of the chain as recorded in the audit log (the after-JSON of a `chain_check` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedCheck {
    /// The `chain_check` event's id.
    #[serde(default)]
    pub event_id: i64,
    /// When (Unix milliseconds).
    #[serde(default)]
    pub at_ms: i64,
    /// Whether the chain was intact.
    pub intact: bool,
    /// Events verified.
    pub verified: u64,
    /// The newest intact event and its hash.
    pub head_id: Option<i64>,
    /// Its hash.
    pub head_hash: Option<String>,
    /// The broken event, if any.
    pub broken_id: Option<i64>,
    /// What happened to it, in Chinese.
    pub message_zh: Option<String>,
    /// What happened to it, in English.
    pub message_en: Option<String>,
}

impl RecordedCheck {
    fn of(report: &ChainReport) -> RecordedCheck {
        RecordedCheck {
            event_id: 0,
            at_ms: 0,
            intact: report.intact(),
            verified: report.verified,
            head_id: report.head_id,
            head_hash: report.head_hash.clone(),
            broken_id: report.broken.as_ref().map(|b| b.id),
            message_zh: report.broken.as_ref().map(ChainBreak::message_zh),
            message_en: report.broken.as_ref().map(ChainBreak::message_en),
        }
    }
}

/// Check the whole chain as the system and record the result as a `chain_check` event (so that every server
/// instance, and the admins' pages, see the latest result). A broken chain is logged as an error.
pub async fn check_and_record(store: &Store) -> Result<ChainReport, AppError> {
    let report = store.verify_audit_chain(None).await?;
    record_check(store, &report).await?;
    match &report.broken {
        None => tracing::info!(
            verified = report.verified,
            head = report.head_id,
            head_hash = report.head_hash.as_deref().unwrap_or(""),
            "audit chain intact"
        ),
        Some(b) => tracing::error!(
            event = b.id,
            kind = ?b.kind,
            "audit chain broken: {} / {}",
            b.message_zh(),
            b.message_en()
        ),
    }
    Ok(report)
}

/// Record a check's result as a `chain_check` event.
pub async fn record_check(store: &Store, report: &ChainReport) -> Result<(), AppError> {
    let after = serde_json::to_value(RecordedCheck::of(report)).map_err(AppError::unexpected)?;
    let mut tx = store.begin(Actor::system()).await?;
    tx.audit(actions::CHAIN_CHECK, "audit_chain", "1", None, Some(after))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The newest recorded check, if any (one indexed query: cheap enough for every admin page).
pub async fn latest_check(store: &Store) -> Result<Option<RecordedCheck>, AppError> {
    let page = store
        .audit_events(&AuditQuery {
            entity: Some("audit_chain".into()),
            entity_id: Some("1".into()),
            action: Some(actions::CHAIN_CHECK.into()),
            limit: 1,
            ..AuditQuery::default()
        })
        .await?;
    Ok(page.items.into_iter().next().and_then(|e| {
        let mut c: RecordedCheck = serde_json::from_value(e.after?).ok()?;
        c.event_id = e.id;
        c.at_ms = e.at.as_millisecond();
        Some(c)
    }))
}

/// The anonymous caller of a refused log-in or token, from `ip`.
pub(crate) fn public_actor(ip: Option<&str>) -> Actor {
    Actor {
        name: Principal::Public.actor_name().to_owned(),
        ip: ip.map(str::to_owned),
    }
}

/// Text from a request, cut to `n` characters for the audit log.
pub(crate) fn clip(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

/// Record a security event in its own unit of work (the refused request's own work, if any, is rolled back).
pub async fn record_security_event(
    store: &Store,
    actor: Actor,
    action: &'static str,
    entity: &str,
    entity_id: &str,
    after: serde_json::Value,
) -> Result<(), AppError> {
    debug_assert!(actions::ALL.contains(&action));
    let mut tx = store.begin(actor).await?;
    tx.audit(action, entity, entity_id, None, Some(after)).await?;
    tx.commit().await?;
    Ok(())
}

/// A bearer token was refused (`token_refused`): the token's id when it exists, else `unknown`; the reason.
pub async fn record_token_refused(
    store: &Store,
    ip: Option<&str>,
    token_id: Option<i64>,
    reason: &str,
) -> Result<(), AppError> {
    let id = token_id.map_or_else(|| "unknown".to_owned(), |i| i.to_string());
    record_security_event(
        store,
        public_actor(ip),
        actions::TOKEN_REFUSED,
        "api_token",
        &id,
        serde_json::json!({ "reason": reason }),
    )
    .await
}

/// A state-changing request was refused (`access_denied`): who, `METHOD /path` and the HTTP status.
pub async fn record_access_denied(
    store: &Store,
    who: &Principal,
    ip: Option<&str>,
    method: &str,
    path: &str,
    status: u16,
) -> Result<(), AppError> {
    let actor = Actor {
        name: who.actor_name().to_owned(),
        ip: ip.map(str::to_owned),
    };
    let target = format!("{method} {}", clip(path, 200));
    record_security_event(
        store,
        actor,
        actions::ACCESS_DENIED,
        "request",
        &target,
        serde_json::json!({ "status": status }),
    )
    .await
}
