//! Supervision (督导检查) persistence: supervised items (督办事项) with their append-only workflow steps,
//! evidence attachments (BLOBs), inspection rounds, the append-only scoring ledger (考核台账) with appeals, issued
//! report snapshots (通报) and reminder receipts.
//!
//! The rules live in `core::supervise`: the store takes and returns its types ([`SupervisedItem`],
//! [`ItemRecord`], [`InspectionRound`], [`LedgerEntry`], [`Appeal`]) and checks nothing about the workflow
//! itself — the app replays a stored record through [`SupervisedItem::restore`], which refuses a history that
//! does not replay. What the store guards: one version per step (optimistic concurrency: a second writer that
//! read the same version gets `StaleVersion`), steps only appended, never changed, ledger entries only
//! appended (a key already held is skipped), an appeal decided once, attachment size under a hard limit.
//! Every write appends its audit event in the same transaction.

use std::collections::{BTreeMap, HashSet};

use jiff::Timestamp;
use jiff::civil::Date;
use plantrack_core::supervise::{
    Appeal, InspectionRound, ItemKind, ItemRecord, ItemSpec, LedgerEntry, Role, ScoreEventKind, State,
    SupervisedItem, Transition,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;

use crate::sql::{Stmt, get};
use crate::{Store, StoreError, Tx};

/// The hard limit of one attachment in the store (32 MiB). The app refuses far smaller files first (its own,
/// configurable limit); this only keeps a forgotten check from filling the database.
pub const MAX_ATTACHMENT_BYTES: usize = 32 * 1024 * 1024;

/// The text code of a serde unit enum (`State::InProgress` → `in_progress`).
fn code_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn from_code<T: DeserializeOwned>(entity: &str, field: &str, code: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).map_err(|e| {
        StoreError::invalid(
            entity,
            field,
            format!("存储值无法识别 / stored value not understood: {code:?} ({e})"),
        )
    })
}

fn to_json<T: Serialize>(entity: &str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::invalid(entity, "json", format!("无法序列化 / cannot serialise: {e}")))
}

fn from_json<T: DeserializeOwned>(entity: &str, field: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| {
        StoreError::invalid(
            entity,
            field,
            format!("存储的 JSON 无法读取 / stored JSON not understood: {e}"),
        )
    })
}

fn json_value<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

fn kind_code(kind: &ItemKind) -> &'static str {
    match kind {
        ItemKind::Task { .. } => "task",
        ItemKind::Adhoc => "adhoc",
        ItemKind::Rectification { .. } => "rectification",
    }
}

fn role_parts(role: &Role) -> (&'static str, Option<String>) {
    match role {
        Role::Admin => ("admin", None),
        Role::Department { department } => ("department", Some(department.to_string())),
        Role::Leader => ("leader", None),
    }
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

// ---------------------------------------------------------------------------------------------------------
// Supervised items and their steps

/// A supervised item as stored: its row data and its full record (spec + every step), ready for
/// [`SupervisedItem::restore`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredItem {
    /// Row id.
    pub id: i64,
    /// Optimistic-concurrency version: 1 after registration, +1 per write.
    pub version: i64,
    /// The plan the item belongs to.
    pub plan_key: String,
    /// Current state (denormalised from the last step).
    pub state: State,
    /// Deadline in force (denormalised).
    pub deadline: Date,
    /// When registered in the store.
    pub created_at: Timestamp,
    /// When last changed.
    pub updated_at: Timestamp,
    /// Spec and steps.
    pub record: ItemRecord,
}

const ITEM_COLUMNS: &str = "supervised_item_id, plan_key, item_key, state, deadline, spec_json, steps, version, created_at, updated_at";

struct ItemRow {
    id: i64,
    plan_key: String,
    state: State,
    deadline: Date,
    spec: ItemSpec,
    version: i64,
    created_at: Timestamp,
    updated_at: Timestamp,
}

fn item_row(r: &AnyRow) -> Result<ItemRow, StoreError> {
    let state: String = get(r, "state")?;
    let spec: String = get(r, "spec_json")?;
    Ok(ItemRow {
        id: get(r, "supervised_item_id")?,
        plan_key: get(r, "plan_key")?,
        state: from_code("supervised_item", "state", &state)?,
        deadline: get(r, "deadline")?,
        spec: from_json("supervised_item", "spec_json", &spec)?,
        version: get(r, "version")?,
        created_at: get(r, "created_at")?,
        updated_at: get(r, "updated_at")?,
    })
}

fn stored_item(row: ItemRow, history: Vec<Transition>) -> StoredItem {
    StoredItem {
        id: row.id,
        version: row.version,
        plan_key: row.plan_key,
        state: row.state,
        deadline: row.deadline,
        created_at: row.created_at,
        updated_at: row.updated_at,
        record: ItemRecord {
            spec: row.spec,
            history,
        },
    }
}

async fn steps_of(
    conn: &mut sqlx::AnyConnection,
    item_ids: &[i64],
) -> Result<BTreeMap<i64, Vec<Transition>>, StoreError> {
    let mut out: BTreeMap<i64, Vec<Transition>> = BTreeMap::new();
    // Chunks keep the IN list well under both engines' bound-parameter limits.
    for chunk in item_ids.chunks(500) {
        let mut st = Stmt::new(
            "select supervised_item_id, step_json from supervision_step where supervised_item_id in (",
        );
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                st.push(", ");
            }
            st.bind(*id);
        }
        st.push(") order by supervised_item_id, seq");
        for r in st.query(crate::backend_of(conn)).fetch_all(&mut *conn).await? {
            let id: i64 = get(&r, "supervised_item_id")?;
            let json: String = get(&r, "step_json")?;
            out.entry(id)
                .or_default()
                .push(from_json("supervision_step", "step_json", &json)?);
        }
    }
    Ok(out)
}

async fn fetch_item(
    conn: &mut sqlx::AnyConnection,
    plan_key: &str,
    item_key: &str,
) -> Result<Option<StoredItem>, StoreError> {
    let mut st = Stmt::new(format!(
        "select {ITEM_COLUMNS} from supervised_item where plan_key = "
    ));
    st.bind(plan_key).push(" and item_key = ").bind(item_key);
    let Some(r) = st
        .query(crate::backend_of(conn))
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let row = item_row(&r)?;
    let mut steps = steps_of(conn, &[row.id]).await?;
    let history = steps.remove(&row.id).unwrap_or_default();
    Ok(Some(stored_item(row, history)))
}

async fn insert_steps(
    tx: &mut Tx,
    item_row_id: i64,
    item_key: &str,
    steps: &[Transition],
) -> Result<(), StoreError> {
    let now = tx.now();
    for t in steps {
        let (role, department) = role_parts(&t.actor.role);
        let json = to_json("supervision_step", t)?;
        let mut st = Stmt::new(
            "insert into supervision_step (supervised_item_id, seq, at, actor_user, actor_role, actor_department, action, from_state, to_state, reason, step_json, created_at) values (",
        );
        st.bind(item_row_id)
            .push(", ")
            .bind(i64::from(t.seq))
            .push(", ")
            .bind(t.at.to_string());
        st.push(", ")
            .bind(t.actor.user.as_str())
            .push(", ")
            .bind(role)
            .push(", ")
            .bind(department);
        st.push(", ")
            .bind(code_of(&t.action.kind()))
            .push(", ")
            .bind(t.from.map(|s| code_of(&s)))
            .push(", ")
            .bind(code_of(&t.to));
        st.push(", ")
            .bind(&t.reason)
            .push(", ")
            .bind(json)
            .push(", ")
            .bind(now)
            .push(")");
        st.query(tx.backend())
            .execute(tx.conn())
            .await
            .map_err(|e| StoreError::from(e).on("supervision_step"))?;
        tx.audit(
            &format!("supervise.{}", code_of(&t.action.kind())),
            "supervised_item",
            item_key,
            None,
            Some(json_value(t)),
        )
        .await?;
    }
    Ok(())
}

impl Tx {
    /// 立项: stores a newly registered item with every step it holds (usually just the registration).
    /// A second item with the same key in the plan is a `Conflict`.
    pub async fn register_item(
        &mut self,
        plan_key: &str,
        item: &SupervisedItem,
    ) -> Result<StoredItem, StoreError> {
        let spec = item.spec();
        let now = self.now();
        let inspection_key = match &spec.kind {
            ItemKind::Rectification { inspection, .. } => Some(inspection.to_string()),
            _ => None,
        };
        let mut st = Stmt::new(
            "insert into supervised_item (plan_key, item_key, kind, title, lead_department, state, deadline, inspection_key, spec_json, steps, version, created_at, updated_at) values (",
        );
        st.bind(plan_key)
            .push(", ")
            .bind(spec.id.as_str())
            .push(", ")
            .bind(kind_code(&spec.kind));
        st.push(", ")
            .bind(&spec.title)
            .push(", ")
            .bind(spec.lead_department.as_str());
        st.push(", ")
            .bind(code_of(&item.state()))
            .push(", ")
            .bind(item.deadline())
            .push(", ")
            .bind(inspection_key);
        st.push(", ")
            .bind(to_json("supervised_item", spec)?)
            .push(", ")
            .bind(to_i64(item.history().len()));
        st.push(", 1, ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(") returning supervised_item_id");
        let row = st
            .query(self.backend())
            .fetch_one(self.conn())
            .await
            .map_err(|e| StoreError::from(e).on("supervised_item"))?;
        let id: i64 = get(&row, "supervised_item_id")?;
        self.audit(
            "create",
            "supervised_item",
            spec.id.as_str(),
            None,
            Some(json_value(spec)),
        )
        .await?;
        insert_steps(self, id, spec.id.as_str(), item.history()).await?;
        Ok(StoredItem {
            id,
            version: 1,
            plan_key: plan_key.to_owned(),
            state: item.state(),
            deadline: item.deadline(),
            created_at: now,
            updated_at: now,
            record: item.record(),
        })
    }

    /// Appends the steps of `item` that the store does not hold yet, if the stored item is still at
    /// `expected_version`; updates its state and deadline and bumps the version once. The stored steps must be
    /// a prefix of the item's history (steps are never changed).
    pub async fn record_steps(
        &mut self,
        plan_key: &str,
        item: &SupervisedItem,
        expected_version: i64,
    ) -> Result<StoredItem, StoreError> {
        let key = item.id().as_str();
        let stored = fetch_item(self.conn(), plan_key, key)
            .await?
            .ok_or_else(|| StoreError::not_found("supervised_item", key))?;
        if stored.version != expected_version {
            return Err(StoreError::StaleVersion {
                entity: "supervised_item".into(),
                id: stored.id,
                expected: expected_version,
                actual: stored.version,
            });
        }
        let held = stored.record.history.len();
        let history = item.history();
        if history.len() < held || history[..held] != stored.record.history[..] {
            return Err(StoreError::invalid(
                "supervision_step",
                "seq",
                "已记录的步骤不能修改 / recorded steps cannot be changed",
            ));
        }
        let fresh = &history[held..];
        if fresh.is_empty() {
            return Ok(stored);
        }
        let now = self.now();
        let mut st = Stmt::new("update supervised_item set state = ");
        st.bind(code_of(&item.state()))
            .push(", deadline = ")
            .bind(item.deadline());
        st.push(", steps = ")
            .bind(to_i64(history.len()))
            .push(", version = version + 1, updated_at = ")
            .bind(now);
        st.push(" where supervised_item_id = ")
            .bind(stored.id)
            .push(" and version = ")
            .bind(expected_version);
        let done = st.query(self.backend()).execute(self.conn()).await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::StaleVersion {
                entity: "supervised_item".into(),
                id: stored.id,
                expected: expected_version,
                actual: expected_version + 1,
            });
        }
        insert_steps(self, stored.id, key, fresh).await?;
        Ok(StoredItem {
            version: expected_version + 1,
            state: item.state(),
            deadline: item.deadline(),
            updated_at: now,
            record: item.record(),
            ..stored
        })
    }

    /// A supervised item read inside this unit of work (to apply a step to what is current).
    pub async fn supervised_item(
        &mut self,
        plan_key: &str,
        item_key: &str,
    ) -> Result<Option<StoredItem>, StoreError> {
        fetch_item(self.conn(), plan_key, item_key).await
    }
}

impl Store {
    /// One supervised item with its full record.
    pub async fn supervised_item(
        &self,
        plan_key: &str,
        item_key: &str,
    ) -> Result<Option<StoredItem>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        fetch_item(&mut conn, plan_key, item_key).await
    }

    /// Every supervised item of a plan with its full record, in registration order.
    pub async fn supervised_items(&self, plan_key: &str) -> Result<Vec<StoredItem>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let mut st = Stmt::new(format!(
            "select {ITEM_COLUMNS} from supervised_item where plan_key = "
        ));
        st.bind(plan_key).push(" order by supervised_item_id");
        let rows = st
            .query(self.backend)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(item_row)
            .collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut steps = steps_of(&mut conn, &ids).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let history = steps.remove(&row.id).unwrap_or_default();
                stored_item(row, history)
            })
            .collect())
    }
}

// ---------------------------------------------------------------------------------------------------------
// Attachments

/// An evidence file to store (佐证材料). The app has checked its type and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    /// The plan.
    pub plan_key: String,
    /// The item it documents.
    pub item_key: String,
    /// File name as uploaded (without directories).
    pub file_name: String,
    /// Media type, e.g. `application/pdf`.
    pub media_type: String,
    /// The bytes.
    pub content: Vec<u8>,
}

/// An attachment's description (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentMeta {
    /// Id (what a progress report's `evidence` lists, as text).
    pub id: i64,
    /// The plan.
    pub plan_key: String,
    /// The item.
    pub item_key: String,
    /// File name.
    pub file_name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub created_at: Timestamp,
}

/// An attachment with its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Its description.
    pub meta: AttachmentMeta,
    /// The bytes.
    pub content: Vec<u8>,
}

const ATTACHMENT_META: &str = "supervision_attachment_id, plan_key, item_key, file_name, media_type, size_bytes, sha256, uploaded_by, created_at";

fn attachment_meta(r: &AnyRow) -> Result<AttachmentMeta, StoreError> {
    Ok(AttachmentMeta {
        id: get(r, "supervision_attachment_id")?,
        plan_key: get(r, "plan_key")?,
        item_key: get(r, "item_key")?,
        file_name: get(r, "file_name")?,
        media_type: get(r, "media_type")?,
        size_bytes: get(r, "size_bytes")?,
        sha256: get(r, "sha256")?,
        uploaded_by: get(r, "uploaded_by")?,
        created_at: get(r, "created_at")?,
    })
}

impl Tx {
    /// Stores an evidence file; the audit event records its name, type, size and hash (not the bytes).
    pub async fn add_attachment(&mut self, file: &NewAttachment) -> Result<AttachmentMeta, StoreError> {
        if file.content.len() > MAX_ATTACHMENT_BYTES {
            return Err(StoreError::invalid(
                "supervision_attachment",
                "content",
                format!(
                    "附件超过存储上限 {MAX_ATTACHMENT_BYTES} 字节 / attachment exceeds the store's limit of {MAX_ATTACHMENT_BYTES} bytes"
                ),
            ));
        }
        if file.file_name.trim().is_empty() || file.media_type.trim().is_empty() {
            return Err(StoreError::invalid(
                "supervision_attachment",
                "file_name",
                "附件须有文件名和类型 / an attachment needs a file name and a media type",
            ));
        }
        let now = self.now();
        let sha256 = hex::encode(Sha256::digest(&file.content));
        let uploaded_by = self.actor().name.clone();
        let mut st = Stmt::new(
            "insert into supervision_attachment (plan_key, item_key, file_name, media_type, size_bytes, sha256, content, uploaded_by, version, created_at, updated_at) values (",
        );
        st.bind(&file.plan_key)
            .push(", ")
            .bind(&file.item_key)
            .push(", ")
            .bind(&file.file_name);
        st.push(", ")
            .bind(&file.media_type)
            .push(", ")
            .bind(to_i64(file.content.len()))
            .push(", ")
            .bind(&sha256);
        st.push(", ")
            .bind(&file.content)
            .push(", ")
            .bind(&uploaded_by)
            .push(", 1, ")
            .bind(now)
            .push(", ")
            .bind(now);
        st.push(") returning supervision_attachment_id");
        let row = st
            .query(self.backend())
            .fetch_one(self.conn())
            .await
            .map_err(|e| StoreError::from(e).on("supervision_attachment"))?;
        let meta = AttachmentMeta {
            id: get(&row, "supervision_attachment_id")?,
            plan_key: file.plan_key.clone(),
            item_key: file.item_key.clone(),
            file_name: file.file_name.clone(),
            media_type: file.media_type.clone(),
            size_bytes: to_i64(file.content.len()),
            sha256,
            uploaded_by,
            created_at: now,
        };
        self.audit(
            "create",
            "supervision_attachment",
            &meta.id.to_string(),
            None,
            Some(json_value(&meta)),
        )
        .await?;
        Ok(meta)
    }
}

impl Store {
    /// An attachment with its bytes.
    pub async fn attachment(&self, id: i64) -> Result<Option<Attachment>, StoreError> {
        let mut st = Stmt::new(format!(
            "select {ATTACHMENT_META}, content from supervision_attachment where supervision_attachment_id = "
        ));
        st.bind(id);
        let row = st.query(self.backend).fetch_optional(&self.pool).await?;
        row.map(|r| {
            Ok(Attachment {
                meta: attachment_meta(&r)?,
                content: get(&r, "content")?,
            })
        })
        .transpose()
    }

    /// The attachments of an item, oldest first (without their bytes).
    pub async fn attachments_of(
        &self,
        plan_key: &str,
        item_key: &str,
    ) -> Result<Vec<AttachmentMeta>, StoreError> {
        let mut st = Stmt::new(format!(
            "select {ATTACHMENT_META} from supervision_attachment where plan_key = "
        ));
        st.bind(plan_key)
            .push(" and item_key = ")
            .bind(item_key)
            .push(" order by supervision_attachment_id");
        let rows = st.query(self.backend).fetch_all(&self.pool).await?;
        rows.iter().map(attachment_meta).collect()
    }
}

// ---------------------------------------------------------------------------------------------------------
// Inspections

/// An inspection round as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredInspection {
    /// Row id.
    pub id: i64,
    /// Version (+1 per change of the round: findings added, ended).
    pub version: i64,
    /// The plan.
    pub plan_key: String,
    /// The round.
    pub round: InspectionRound,
    /// When stored.
    pub created_at: Timestamp,
    /// When last changed.
    pub updated_at: Timestamp,
}

const INSPECTION_COLUMNS: &str = "inspection_id, plan_key, round_json, version, created_at, updated_at";

fn stored_inspection(r: &AnyRow) -> Result<StoredInspection, StoreError> {
    let json: String = get(r, "round_json")?;
    Ok(StoredInspection {
        id: get(r, "inspection_id")?,
        version: get(r, "version")?,
        plan_key: get(r, "plan_key")?,
        round: from_json("inspection", "round_json", &json)?,
        created_at: get(r, "created_at")?,
        updated_at: get(r, "updated_at")?,
    })
}

async fn fetch_inspection(
    conn: &mut sqlx::AnyConnection,
    plan_key: &str,
    key: &str,
) -> Result<Option<StoredInspection>, StoreError> {
    let mut st = Stmt::new(format!(
        "select {INSPECTION_COLUMNS} from inspection where plan_key = "
    ));
    st.bind(plan_key).push(" and inspection_key = ").bind(key);
    let row = st.query(crate::backend_of(conn)).fetch_optional(conn).await?;
    row.as_ref().map(stored_inspection).transpose()
}

impl Tx {
    /// Stores a new inspection round (a round with the same id in the plan is a `Conflict`).
    pub async fn insert_inspection(
        &mut self,
        plan_key: &str,
        round: &InspectionRound,
    ) -> Result<StoredInspection, StoreError> {
        let now = self.now();
        let mut st = Stmt::new(
            "insert into inspection (plan_key, inspection_key, title, started_on, ended_on, round_json, version, created_at, updated_at) values (",
        );
        st.bind(plan_key)
            .push(", ")
            .bind(round.id().as_str())
            .push(", ")
            .bind(round.title());
        st.push(", ")
            .bind(round.started_on())
            .push(", ")
            .bind(round.ended_on())
            .push(", ")
            .bind(to_json("inspection", round)?);
        st.push(", 1, ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(") returning inspection_id");
        let row = st
            .query(self.backend())
            .fetch_one(self.conn())
            .await
            .map_err(|e| StoreError::from(e).on("inspection"))?;
        let id: i64 = get(&row, "inspection_id")?;
        self.audit(
            "create",
            "inspection",
            round.id().as_str(),
            None,
            Some(json_value(round)),
        )
        .await?;
        Ok(StoredInspection {
            id,
            version: 1,
            plan_key: plan_key.to_owned(),
            round: round.clone(),
            created_at: now,
            updated_at: now,
        })
    }

    /// Replaces a round (findings added, end date set) if it is still at `expected_version`.
    pub async fn update_inspection(
        &mut self,
        plan_key: &str,
        round: &InspectionRound,
        expected_version: i64,
    ) -> Result<StoredInspection, StoreError> {
        let key = round.id().as_str();
        let before = fetch_inspection(self.conn(), plan_key, key)
            .await?
            .ok_or_else(|| StoreError::not_found("inspection", key))?;
        if before.version != expected_version {
            return Err(StoreError::StaleVersion {
                entity: "inspection".into(),
                id: before.id,
                expected: expected_version,
                actual: before.version,
            });
        }
        if before.round == *round {
            return Ok(before);
        }
        let now = self.now();
        let mut st = Stmt::new("update inspection set title = ");
        st.bind(round.title())
            .push(", started_on = ")
            .bind(round.started_on())
            .push(", ended_on = ")
            .bind(round.ended_on());
        st.push(", round_json = ")
            .bind(to_json("inspection", round)?)
            .push(", version = version + 1, updated_at = ")
            .bind(now);
        st.push(" where inspection_id = ")
            .bind(before.id)
            .push(" and version = ")
            .bind(expected_version);
        let done = st.query(self.backend()).execute(self.conn()).await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::StaleVersion {
                entity: "inspection".into(),
                id: before.id,
                expected: expected_version,
                actual: expected_version + 1,
            });
        }
        self.audit(
            "update",
            "inspection",
            key,
            Some(json_value(&before.round)),
            Some(json_value(round)),
        )
        .await?;
        Ok(StoredInspection {
            version: expected_version + 1,
            round: round.clone(),
            updated_at: now,
            ..before
        })
    }
}

impl Store {
    /// One inspection round.
    pub async fn inspection(
        &self,
        plan_key: &str,
        key: &str,
    ) -> Result<Option<StoredInspection>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        fetch_inspection(&mut conn, plan_key, key).await
    }

    /// The inspection rounds of a plan, by start date.
    pub async fn inspections(&self, plan_key: &str) -> Result<Vec<StoredInspection>, StoreError> {
        let mut st = Stmt::new(format!(
            "select {INSPECTION_COLUMNS} from inspection where plan_key = "
        ));
        st.bind(plan_key).push(" order by started_on, inspection_id");
        let rows = st.query(self.backend).fetch_all(&self.pool).await?;
        rows.iter().map(stored_inspection).collect()
    }
}

// ---------------------------------------------------------------------------------------------------------
// The scoring ledger and appeals

/// An appeal as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredAppeal {
    /// Row id.
    pub id: i64,
    /// Version: 1 when filed, 2 once decided.
    pub version: i64,
    /// The appeal (with its decision once decided).
    pub appeal: Appeal,
}

fn ledger_entry(r: &AnyRow) -> Result<LedgerEntry, StoreError> {
    let kind: String = get(r, "kind")?;
    let kind: ScoreEventKind = from_code("score_entry", "kind", &kind)?;
    let department: String = get(r, "department")?;
    let item: Option<String> = get(r, "item_key")?;
    let bad = |field: &str, e: plantrack_core::supervise::SuperviseError| {
        StoreError::invalid("score_entry", field, e.to_string())
    };
    Ok(LedgerEntry {
        key: get(r, "entry_key")?,
        department: plantrack_core::plan::DepartmentId::parse(&department)
            .map_err(|e| StoreError::invalid("score_entry", "department", e.to_string()))?,
        kind,
        points: get(r, "points")?,
        effective_on: get(r, "effective_on")?,
        recorded_on: get(r, "recorded_on")?,
        item: item
            .map(plantrack_core::supervise::ItemId::parse)
            .transpose()
            .map_err(|e| bad("item_key", e))?,
        reverses: get(r, "reverses")?,
        appeal: get(r, "appeal_key")?,
        detail: get(r, "detail")?,
    })
}

impl Tx {
    /// Appends the ledger entries whose keys the plan's ledger does not hold yet (in the order given); returns
    /// those appended. Entries are never changed or removed.
    pub async fn append_score_entries(
        &mut self,
        plan_key: &str,
        entries: &[LedgerEntry],
    ) -> Result<Vec<LedgerEntry>, StoreError> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let mut st = Stmt::new("select entry_key from score_entry where plan_key = ");
        st.bind(plan_key);
        let mut held: HashSet<String> = st
            .query(self.backend())
            .fetch_all(self.conn())
            .await?
            .iter()
            .map(|r| get::<String>(r, "entry_key"))
            .collect::<Result<_, _>>()?;
        let now = self.now();
        let mut appended = Vec::new();
        for e in entries {
            if !held.insert(e.key.clone()) {
                continue;
            }
            let mut st = Stmt::new(
                "insert into score_entry (plan_key, entry_key, department, kind, points, effective_on, recorded_on, item_key, reverses, appeal_key, detail, created_at) values (",
            );
            st.bind(plan_key)
                .push(", ")
                .bind(&e.key)
                .push(", ")
                .bind(e.department.as_str());
            st.push(", ")
                .bind(code_of(&e.kind))
                .push(", ")
                .bind(e.points)
                .push(", ")
                .bind(e.effective_on);
            st.push(", ")
                .bind(e.recorded_on)
                .push(", ")
                .bind(e.item.as_ref().map(ToString::to_string));
            st.push(", ")
                .bind(&e.reverses)
                .push(", ")
                .bind(&e.appeal)
                .push(", ")
                .bind(&e.detail);
            st.push(", ").bind(now).push(")");
            st.query(self.backend())
                .execute(self.conn())
                .await
                .map_err(|err| StoreError::from(err).on("score_entry"))?;
            self.audit("create", "score_entry", &e.key, None, Some(json_value(e)))
                .await?;
            appended.push(e.clone());
        }
        Ok(appended)
    }

    /// Files an appeal (申诉). A second appeal with the same id is a `Conflict`.
    pub async fn insert_appeal(
        &mut self,
        plan_key: &str,
        appeal: &Appeal,
    ) -> Result<StoredAppeal, StoreError> {
        let now = self.now();
        let mut st = Stmt::new(
            "insert into score_appeal (plan_key, appeal_key, entry_key, department, decided, appeal_json, version, created_at, updated_at) values (",
        );
        st.bind(plan_key)
            .push(", ")
            .bind(&appeal.id)
            .push(", ")
            .bind(&appeal.entry)
            .push(", ")
            .bind(appeal.department.as_str());
        st.push(", ")
            .bind(appeal.decision.is_some())
            .push(", ")
            .bind(to_json("score_appeal", appeal)?);
        st.push(", 1, ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(") returning score_appeal_id");
        let row = st
            .query(self.backend())
            .fetch_one(self.conn())
            .await
            .map_err(|e| StoreError::from(e).on("score_appeal"))?;
        self.audit(
            "create",
            "score_appeal",
            &appeal.id,
            None,
            Some(json_value(appeal)),
        )
        .await?;
        Ok(StoredAppeal {
            id: get(&row, "score_appeal_id")?,
            version: 1,
            appeal: appeal.clone(),
        })
    }

    /// Records the decision of an appeal that is still undecided at `expected_version`.
    pub async fn decide_appeal(
        &mut self,
        plan_key: &str,
        decided: &Appeal,
        expected_version: i64,
    ) -> Result<StoredAppeal, StoreError> {
        if decided.decision.is_none() {
            return Err(StoreError::invalid(
                "score_appeal",
                "decision",
                "没有裁决 / no decision given",
            ));
        }
        let now = self.now();
        let mut st = Stmt::new("update score_appeal set decided = 1, appeal_json = ");
        st.bind(to_json("score_appeal", decided)?)
            .push(", version = version + 1, updated_at = ")
            .bind(now);
        st.push(" where plan_key = ")
            .bind(plan_key)
            .push(" and appeal_key = ")
            .bind(&decided.id);
        st.push(" and decided = 0 and version = ")
            .bind(expected_version)
            .push(" returning score_appeal_id");
        let Some(row) = st.query(self.backend()).fetch_optional(self.conn()).await? else {
            let mut st = Stmt::new("select score_appeal_id, version from score_appeal where plan_key = ");
            st.bind(plan_key).push(" and appeal_key = ").bind(&decided.id);
            return Err(
                match st.query(self.backend()).fetch_optional(self.conn()).await? {
                    Some(r) => StoreError::StaleVersion {
                        entity: "score_appeal".into(),
                        id: get(&r, "score_appeal_id")?,
                        expected: expected_version,
                        actual: get(&r, "version")?,
                    },
                    None => StoreError::not_found("score_appeal", &decided.id),
                },
            );
        };
        self.audit(
            "update",
            "score_appeal",
            &decided.id,
            None,
            Some(json_value(decided)),
        )
        .await?;
        Ok(StoredAppeal {
            id: get(&row, "score_appeal_id")?,
            version: expected_version + 1,
            appeal: decided.clone(),
        })
    }
}

impl Store {
    /// The plan's ledger entries in recording order.
    pub async fn score_entries(&self, plan_key: &str) -> Result<Vec<LedgerEntry>, StoreError> {
        let mut st = Stmt::new(
            "select entry_key, department, kind, points, effective_on, recorded_on, item_key, reverses, appeal_key, detail from score_entry where plan_key = ",
        );
        st.bind(plan_key).push(" order by score_entry_id");
        let rows = st.query(self.backend).fetch_all(&self.pool).await?;
        rows.iter().map(ledger_entry).collect()
    }

    /// The plan's appeals in filing order.
    pub async fn appeals(&self, plan_key: &str) -> Result<Vec<StoredAppeal>, StoreError> {
        let mut st =
            Stmt::new("select score_appeal_id, version, appeal_json from score_appeal where plan_key = ");
        st.bind(plan_key).push(" order by score_appeal_id");
        let rows = st.query(self.backend).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let json: String = get(r, "appeal_json")?;
                Ok(StoredAppeal {
                    id: get(r, "score_appeal_id")?,
                    version: get(r, "version")?,
                    appeal: from_json("score_appeal", "appeal_json", &json)?,
                })
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------------------
// Issued reports

/// An issued supervision report (督导检查通报) with the figures it used, frozen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuedReport {
    /// Row id.
    pub id: i64,
    /// The plan.
    pub plan_key: String,
    /// 1, 2, … per plan.
    pub report_no: i64,
    /// The period reported on (`2019Q4`).
    pub period: String,
    /// Issue date.
    pub issued_on: Date,
    /// Who issued it.
    pub issued_by: String,
    /// Title.
    pub title: String,
    /// The snapshot (JSON text exactly as stored).
    pub snapshot_json: String,
    /// Hex SHA-256 of `snapshot_json`.
    pub sha256: String,
    /// When stored.
    pub created_at: Timestamp,
}

const REPORT_COLUMNS: &str = "supervision_report_id, plan_key, report_no, period, issued_on, issued_by, title, snapshot_json, sha256, created_at";

fn issued_report(r: &AnyRow) -> Result<IssuedReport, StoreError> {
    Ok(IssuedReport {
        id: get(r, "supervision_report_id")?,
        plan_key: get(r, "plan_key")?,
        report_no: get(r, "report_no")?,
        period: get(r, "period")?,
        issued_on: get(r, "issued_on")?,
        issued_by: get(r, "issued_by")?,
        title: get(r, "title")?,
        snapshot_json: get(r, "snapshot_json")?,
        sha256: get(r, "sha256")?,
        created_at: get(r, "created_at")?,
    })
}

impl Tx {
    /// Stores an issued report with the next number of the plan; returns it. The snapshot is kept byte for byte.
    pub async fn issue_report(
        &mut self,
        plan_key: &str,
        period: &str,
        issued_on: Date,
        title: &str,
        snapshot_json: &str,
    ) -> Result<IssuedReport, StoreError> {
        let mut st =
            Stmt::new("select coalesce(max(report_no), 0) as n from supervision_report where plan_key = ");
        st.bind(plan_key);
        let last: i64 = get(&st.query(self.backend()).fetch_one(self.conn()).await?, "n")?;
        let now = self.now();
        let issued_by = self.actor().name.clone();
        let sha256 = hex::encode(Sha256::digest(snapshot_json.as_bytes()));
        let mut st = Stmt::new(
            "insert into supervision_report (plan_key, report_no, period, issued_on, issued_by, title, snapshot_json, sha256, version, created_at, updated_at) values (",
        );
        st.bind(plan_key)
            .push(", ")
            .bind(last + 1)
            .push(", ")
            .bind(period)
            .push(", ")
            .bind(issued_on);
        st.push(", ")
            .bind(&issued_by)
            .push(", ")
            .bind(title)
            .push(", ")
            .bind(snapshot_json)
            .push(", ")
            .bind(&sha256);
        st.push(", 1, ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(") returning supervision_report_id");
        let row = st
            .query(self.backend())
            .fetch_one(self.conn())
            .await
            .map_err(|e| StoreError::from(e).on("supervision_report"))?;
        let report = IssuedReport {
            id: get(&row, "supervision_report_id")?,
            plan_key: plan_key.to_owned(),
            report_no: last + 1,
            period: period.to_owned(),
            issued_on,
            issued_by,
            title: title.to_owned(),
            snapshot_json: snapshot_json.to_owned(),
            sha256,
            created_at: now,
        };
        self.audit(
            "issue",
            "supervision_report",
            &report.id.to_string(),
            None,
            Some(serde_json::json!({
                "plan_key": plan_key, "report_no": report.report_no, "period": period,
                "issued_on": issued_on.to_string(), "title": title, "sha256": report.sha256,
            })),
        )
        .await?;
        Ok(report)
    }
}

impl Store {
    /// The plan's issued reports, newest first.
    pub async fn issued_reports(&self, plan_key: &str) -> Result<Vec<IssuedReport>, StoreError> {
        let mut st = Stmt::new(format!(
            "select {REPORT_COLUMNS} from supervision_report where plan_key = "
        ));
        st.bind(plan_key).push(" order by report_no desc");
        let rows = st.query(self.backend).fetch_all(&self.pool).await?;
        rows.iter().map(issued_report).collect()
    }

    /// One issued report by its number in the plan.
    pub async fn issued_report(
        &self,
        plan_key: &str,
        report_no: i64,
    ) -> Result<Option<IssuedReport>, StoreError> {
        let mut st = Stmt::new(format!(
            "select {REPORT_COLUMNS} from supervision_report where plan_key = "
        ));
        st.bind(plan_key).push(" and report_no = ").bind(report_no);
        let row = st.query(self.backend).fetch_optional(&self.pool).await?;
        row.as_ref().map(issued_report).transpose()
    }
}

// ---------------------------------------------------------------------------------------------------------
// Reminder receipts

/// What a user has done with one reminder (催办) line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderReceipt {
    /// The reminder's key.
    pub reminder_key: String,
    /// When the user marked it read.
    pub read_at: Option<Timestamp>,
    /// The day it was last mailed.
    pub mailed_on: Option<Date>,
}

async fn upsert_receipt(
    tx: &mut Tx,
    user: &str,
    key: &str,
    read_at: Option<Timestamp>,
    mailed_on: Option<Date>,
) -> Result<(), StoreError> {
    let now = tx.now();
    let mut st = Stmt::new("select reminder_receipt_id from reminder_receipt where user_name = ");
    st.bind(user).push(" and reminder_key = ").bind(key);
    let existing = st.query(tx.backend()).fetch_optional(tx.conn()).await?;
    let st = match existing {
        Some(r) => {
            let id: i64 = get(&r, "reminder_receipt_id")?;
            let mut st = Stmt::new("update reminder_receipt set updated_at = ");
            st.bind(now);
            if let Some(at) = read_at {
                st.push(", read_at = ").bind(at);
            }
            if let Some(on) = mailed_on {
                st.push(", mailed_on = ").bind(on);
            }
            st.push(" where reminder_receipt_id = ").bind(id);
            st
        }
        None => {
            let mut st = Stmt::new(
                "insert into reminder_receipt (user_name, reminder_key, read_at, mailed_on, created_at, updated_at) values (",
            );
            st.bind(user)
                .push(", ")
                .bind(key)
                .push(", ")
                .bind(read_at)
                .push(", ")
                .bind(mailed_on);
            st.push(", ").bind(now).push(", ").bind(now).push(")");
            st
        }
    };
    st.query(tx.backend()).execute(tx.conn()).await?;
    Ok(())
}

impl Tx {
    /// Removes the supervision history of a plan — items with their steps and attachments, inspections, the score
    /// ledger and appeals (issued reports and reminder receipts stay) — as one audited change. For undoing a
    /// demo history that could not be written completely (`plantrack demo`), never for real data.
    pub async fn clear_supervision_history(&mut self, plan_key: &str) -> Result<u64, StoreError> {
        let mut removed = 0;
        let mut steps = Stmt::new(
            "delete from supervision_step where supervised_item_id in \
             (select supervised_item_id from supervised_item where plan_key = ",
        );
        steps.bind(plan_key).push(")");
        removed += steps
            .query(self.backend())
            .execute(&mut *self.conn())
            .await?
            .rows_affected();
        for table in [
            "score_appeal",
            "score_entry",
            "supervision_attachment",
            "inspection",
            "supervised_item",
        ] {
            let mut st = Stmt::new(format!("delete from {table} where plan_key = "));
            st.bind(plan_key);
            removed += st
                .query(self.backend())
                .execute(&mut *self.conn())
                .await?
                .rows_affected();
        }
        self.audit(
            "delete",
            "supervised_item",
            plan_key,
            None,
            Some(serde_json::json!({ "cleared_supervision_history": plan_key, "rows": removed })),
        )
        .await?;
        Ok(removed)
    }

    /// Marks reminders read for `user` (not audited: it changes nobody's data, like a session touch).
    pub async fn mark_reminders_read(&mut self, user: &str, keys: &[String]) -> Result<(), StoreError> {
        let now = self.now();
        for key in keys {
            upsert_receipt(self, user, key, Some(now), None).await?;
        }
        Ok(())
    }

    /// Records that a reminder was mailed to `user` on `on` (audited: a message left the system).
    pub async fn record_reminder_mailed(
        &mut self,
        user: &str,
        key: &str,
        on: Date,
    ) -> Result<(), StoreError> {
        upsert_receipt(self, user, key, None, Some(on)).await?;
        self.audit(
            "mail",
            "reminder_receipt",
            &format!("{user}/{key}"),
            None,
            Some(serde_json::json!({ "user": user, "reminder": key, "on": on.to_string() })),
        )
        .await
    }
}

impl Store {
    /// A user's reminder receipts, by key.
    pub async fn reminder_receipts(
        &self,
        user: &str,
    ) -> Result<BTreeMap<String, ReminderReceipt>, StoreError> {
        let mut st =
            Stmt::new("select reminder_key, read_at, mailed_on from reminder_receipt where user_name = ");
        st.bind(user);
        let rows = st.query(self.backend).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let key: String = get(r, "reminder_key")?;
                Ok((
                    key.clone(),
                    ReminderReceipt {
                        reminder_key: key,
                        read_at: get(r, "read_at")?,
                        mailed_on: get(r, "mailed_on")?,
                    },
                ))
            })
            .collect()
    }
}
