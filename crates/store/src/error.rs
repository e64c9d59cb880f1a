//! The store's one error type. Callers match on the variant (a web layer maps `NotFound` → 404,
//! `StaleVersion` → 409, `Conflict` → 409, `Invalid` → 422); messages give the reason in Chinese and English.

use std::borrow::Cow;

/// What kind of integrity conflict the database reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// A row with the same natural key already exists (重复).
    Duplicate,
    /// The row refers to a row that does not exist (e.g. an unknown USCC), or is still referred to.
    Reference,
}

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row (记录不存在).
    #[error("记录不存在 / not found: {entity} {id}")]
    NotFound {
        /// Table / entity name.
        entity: Cow<'static, str>,
        /// The id or natural key asked for.
        id: String,
    },
    /// A uniqueness or reference constraint refused the write.
    #[error("{}", conflict_message(*kind, entity))]
    Conflict {
        /// Duplicate key or missing reference.
        kind: ConflictKind,
        /// Table / entity name, when known.
        entity: Cow<'static, str>,
    },
    /// Optimistic concurrency: the row changed since the caller read it (数据已被他人修改).
    #[error(
        "数据已被他人修改（期望版本 {expected}，当前版本 {actual}）/ stale version of {entity} {id}: expected {expected}, found {actual}"
    )]
    StaleVersion {
        /// Table / entity name.
        entity: Cow<'static, str>,
        /// Row id.
        id: i64,
        /// The version the caller read.
        expected: i64,
        /// The version now in the store.
        actual: i64,
    },
    /// A value the store refuses (check constraint, bad field, unparsable stored value).
    #[error("数据无效 / invalid {entity}.{field}: {reason}")]
    Invalid {
        /// Table / entity name.
        entity: Cow<'static, str>,
        /// Column or field.
        field: Cow<'static, str>,
        /// Why, in Chinese and English.
        reason: String,
    },
    /// The database URL names an engine we do not support.
    #[error("不支持的数据库地址 / unsupported database URL (use sqlite:PATH or postgres://…): {0}")]
    UnsupportedUrl(String),
    /// Applying the migrations failed.
    #[error("数据库迁移失败 / migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// File access (backup, restore, data directory).
    #[error("文件错误 / file error: {0}")]
    Io(#[from] std::io::Error),
    /// Any other database error.
    #[error("数据库错误 / database error: {0}")]
    Database(sqlx::Error),
    /// A command that only reads was pointed at a store that does not exist (nothing is created).
    #[error(
        "数据库不存在 / the store does not exist: {0} (检查 --db 路径,或先运行 plantrack demo 载入演示数据、plantrack import 导入数据 / check the --db path, or run plantrack demo or plantrack import first)"
    )]
    Missing(String),
    /// The store cannot be written (read-only file, directory or mount) but the command writes.
    #[error(
        "数据库只读,无法写入 / the store is read-only and this command writes to it: {path} ({reason}); 只读命令(status、export、report)可在只读数据库上运行 / read-only commands (status, export, report) work on it"
    )]
    ReadOnly {
        /// The file or directory that cannot be written.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// Opened for reading, the store's schema is older than this program's (migrations are applied only by a
    /// command that may write).
    #[error(
        "数据库结构较旧(第 {found} 版,本程序需要第 {needed} 版),只读打开时不能升级;请先用可写方式运行一次(如 plantrack serve 或 import) / the store's schema is older (version {found}, this program needs {needed}) and cannot be upgraded when opened read-only; run a writing command on it once (e.g. plantrack serve or import)"
    )]
    SchemaOutdated {
        /// The newest migration applied to the store (0: none).
        found: i64,
        /// The newest migration this program knows.
        needed: i64,
    },
    /// The bulk-write function could not be added to SQLite.
    #[error(transparent)]
    BulkRows(#[from] plantrack_sqlite_rows::RowsError),
}

fn conflict_message(kind: ConflictKind, entity: &str) -> String {
    match kind {
        ConflictKind::Duplicate => format!("记录重复 / duplicate {entity}: a row with the same key exists"),
        ConflictKind::Reference => {
            format!("引用的记录不存在或仍被引用 / {entity} refers to a missing row, or is still referred to")
        }
    }
}

impl StoreError {
    pub(crate) fn invalid(entity: &str, field: &str, reason: impl Into<String>) -> Self {
        StoreError::Invalid {
            entity: Cow::Owned(entity.to_owned()),
            field: Cow::Owned(field.to_owned()),
            reason: reason.into(),
        }
    }

    pub(crate) fn not_found(entity: &str, id: impl std::fmt::Display) -> Self {
        StoreError::NotFound {
            entity: Cow::Owned(entity.to_owned()),
            id: id.to_string(),
        }
    }

    /// Attach the entity name to a conflict or not-found raised by the database without one.
    pub(crate) fn on(self, entity: &str) -> Self {
        match self {
            StoreError::Conflict { kind, entity: e } if e.is_empty() => StoreError::Conflict {
                kind,
                entity: Cow::Owned(entity.to_owned()),
            },
            StoreError::NotFound { entity: e, id } if e.is_empty() => StoreError::NotFound {
                entity: Cow::Owned(entity.to_owned()),
                id,
            },
            other => other,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        match &err {
            sqlx::Error::RowNotFound => StoreError::NotFound {
                entity: Cow::Borrowed(""),
                id: String::new(),
            },
            // Map on kind(), not constraint names: SQLite does not report them (stack.md §2.2).
            sqlx::Error::Database(db) => match db.kind() {
                ErrorKind::UniqueViolation => StoreError::Conflict {
                    kind: ConflictKind::Duplicate,
                    entity: Cow::Borrowed(""),
                },
                ErrorKind::ForeignKeyViolation => StoreError::Conflict {
                    kind: ConflictKind::Reference,
                    entity: Cow::Borrowed(""),
                },
                ErrorKind::CheckViolation | ErrorKind::NotNullViolation => StoreError::Invalid {
                    entity: Cow::Borrowed(""),
                    field: Cow::Borrowed(""),
                    reason: format!("约束不满足 / constraint failed: {}", db.message()),
                },
                _ => StoreError::Database(err),
            },
            _ => StoreError::Database(err),
        }
    }
}
