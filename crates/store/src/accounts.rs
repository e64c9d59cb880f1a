//! Accounts for the web: users (用户) with roles, sessions, API tokens and login-throttling counters. All of
//! it lives in the store so that several server instances can share one PostgreSQL (issue 5 §3).
//!
//! Secrets never reach the database in clear: a session id is the hex SHA-256 of the cookie's random token, an
//! API token is stored as its SHA-256; password hashes (argon2id PHC strings, made by the web layer) are kept
//! out of the audit log.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::record::{Stored, record, select_list, stored_from_row};
use crate::sql::{Stmt, code_enum, get};
use crate::{Store, StoreError, Tx};

code_enum! {
    /// A user's role (角色).
    pub enum Role {
        /// 区科技局管理员: everything.
        Admin = "admin",
        /// 部门填报员: its own department's tasks and data.
        Department = "department",
        /// 领导: reads all, comments and approves.
        Leader = "leader",
        /// 企业: its own data and self-check.
        Enterprise = "enterprise",
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppUser {
    /// Login name (unique).
    pub username: String,
    /// Name shown in the UI.
    pub display_name: Option<String>,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// The department a `department` user acts for.
    pub department_code: Option<String>,
    /// The enterprise an `enterprise` user acts for.
    pub enterprise_uscc: Option<String>,
    /// Disabled accounts cannot log in, and their sessions and tokens stop working.
    pub disabled: bool,
}
record!(AppUser, "app_user", key(username), search(username, display_name), order "username",
{ username, display_name, password_hash, role, department_code, enterprise_uscc, disabled },
fn audit_json(&self) -> serde_json::Value {
    let mut v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
    if let Some(obj) = v.as_object_mut() {
        // Record that the hash changed without recording the hash.
        let fingerprint = hex::encode(&Sha256::digest(self.password_hash.as_bytes())[..4]);
        obj.insert("password_hash".into(), serde_json::Value::String(format!("[redacted {fingerprint}]")));
    }
    v
});

/// A log-in session. The cookie holds the raw token; the store only its hash (`session_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    /// Hex SHA-256 of the token.
    pub session_id: String,
    /// The user.
    pub user_id: i64,
    /// Synchronizer token for forms (CSRF).
    pub csrf_token: String,
    /// Created.
    pub created_at: Timestamp,
    /// Expires (sliding: extended by [`Store::touch_session`]).
    pub expires_at: Timestamp,
    /// Last request seen.
    pub last_seen_at: Timestamp,
    /// Client address at log-in.
    pub ip: Option<String>,
    /// Browser at log-in.
    pub user_agent: Option<String>,
}

/// An API bearer token. The raw token is shown once at creation; the store keeps its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    /// Id.
    pub id: i64,
    /// The user whose role the token carries.
    pub user_id: i64,
    /// Label given at creation.
    pub name: String,
    /// Expiry, if any.
    pub expires_at: Option<Timestamp>,
    /// Last use (updated at most once a minute).
    pub last_used_at: Option<Timestamp>,
    /// Revoked tokens never authenticate.
    pub revoked: bool,
    /// Created.
    pub created_at: Timestamp,
}

/// Login-throttling policy: `max_failures` within `window` lock the key for `lockout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed in one window.
    pub max_failures: i64,
    /// The counting window.
    pub window: SignedDuration,
    /// How long a key stays locked.
    pub lockout: SignedDuration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            max_failures: 5,
            window: SignedDuration::from_mins(15),
            lockout: SignedDuration::from_mins(15),
        }
    }
}

/// Whether a log-in attempt may have its password checked ([`Store::throttle_admit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Admission {
    /// Counted; check the password.
    Allowed,
    /// Refused without checking: the user name or the address is locked until then.
    Locked {
        /// Until when.
        until: Timestamp,
    },
}

/// Lock `key` from `now` for the policy's lockout and start its count again; audited as `lockout`.
async fn lock_key(
    tx: &mut Tx,
    key: &str,
    failures: i64,
    now: Timestamp,
    policy: ThrottlePolicy,
) -> Result<Timestamp, StoreError> {
    let until = now.saturating_add(policy.lockout).unwrap_or(now);
    let mut st = Stmt::new("update login_throttle set locked_until = ");
    st.bind(until)
        .push(", failures = 0, window_started_at = ")
        .bind(now)
        .push(", updated_at = ")
        .bind(now);
    st.push(" where throttle_key = ").bind(key);
    st.query(tx.backend()).execute(tx.conn()).await?;
    let after = serde_json::json!({ "failures": failures, "locked_until": until.as_millisecond() });
    tx.audit(
        crate::chain::actions::LOCKOUT,
        "login_throttle",
        key,
        None,
        Some(after),
    )
    .await?;
    Ok(until)
}

/// A fresh random secret (32 bytes, hex): session tokens, API tokens, CSRF tokens.
pub fn new_secret() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Hex SHA-256 of a secret: what the store keeps instead of it.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn session_from_row(r: &sqlx::any::AnyRow) -> Result<Session, StoreError> {
    Ok(Session {
        session_id: get(r, "session_id")?,
        user_id: get(r, "app_user_id")?,
        csrf_token: get(r, "csrf_token")?,
        created_at: get(r, "created_at")?,
        expires_at: get(r, "expires_at")?,
        last_seen_at: get(r, "last_seen_at")?,
        ip: get(r, "ip")?,
        user_agent: get(r, "user_agent")?,
    })
}

fn token_from_row(r: &sqlx::any::AnyRow) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: get(r, "api_token_id")?,
        user_id: get(r, "app_user_id")?,
        name: get(r, "name")?,
        expires_at: get(r, "expires_at")?,
        last_used_at: get(r, "last_used_at")?,
        revoked: get(r, "revoked")?,
        created_at: get(r, "created_at")?,
    })
}

const SESSION_COLUMNS: &str =
    "session_id, app_user_id, csrf_token, created_at, expires_at, last_seen_at, ip, user_agent";
const TOKEN_COLUMNS: &str = "api_token_id, app_user_id, name, expires_at, last_used_at, revoked, created_at";

impl Tx {
    /// Open a session for `user_id` valid for `ttl`, audited as `login`. Returns the raw token for the cookie
    /// (shown nowhere else) and the session.
    pub async fn create_session(
        &mut self,
        user_id: i64,
        ttl: SignedDuration,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> Result<(String, Session), StoreError> {
        let token = new_secret();
        let now = self.now();
        let session = Session {
            session_id: secret_hash(&token),
            user_id,
            csrf_token: new_secret(),
            created_at: now,
            expires_at: now.saturating_add(ttl).unwrap_or(now),
            last_seen_at: now,
            ip: ip.map(str::to_owned),
            user_agent: user_agent.map(str::to_owned),
        };
        let mut st = Stmt::new(format!(
            "insert into session ({SESSION_COLUMNS}, updated_at) values ("
        ));
        st.bind(&session.session_id)
            .push(", ")
            .bind(user_id)
            .push(", ")
            .bind(&session.csrf_token);
        st.push(", ")
            .bind(now)
            .push(", ")
            .bind(session.expires_at)
            .push(", ")
            .bind(now);
        st.push(", ")
            .bind(&session.ip)
            .push(", ")
            .bind(&session.user_agent)
            .push(", ")
            .bind(now)
            .push(")");
        st.query(self.backend())
            .execute(self.conn())
            .await
            .map_err(|e| StoreError::from(e).on("session"))?;
        let after = serde_json::json!({ "ip": session.ip, "user_agent": session.user_agent });
        self.audit("login", "app_user", &user_id.to_string(), None, Some(after))
            .await?;
        Ok((token, session))
    }

    /// End the session whose cookie token is `token`, audited as `logout`. Unknown tokens are ignored.
    pub async fn delete_session(&mut self, token: &str) -> Result<(), StoreError> {
        let mut st = Stmt::new("delete from session where session_id = ");
        st.bind(secret_hash(token)).push(" returning app_user_id");
        if let Some(row) = st.query(self.backend()).fetch_optional(self.conn()).await? {
            let user: i64 = get(&row, "app_user_id")?;
            self.audit("logout", "app_user", &user.to_string(), None, None)
                .await?;
        }
        Ok(())
    }

    /// End every session of a user (password change, account disabled).
    pub async fn delete_user_sessions(&mut self, user_id: i64) -> Result<u64, StoreError> {
        let mut st = Stmt::new("delete from session where app_user_id = ");
        st.bind(user_id);
        let n = st
            .query(self.backend())
            .execute(self.conn())
            .await?
            .rows_affected();
        if n > 0 {
            let after = serde_json::json!({ "sessions_ended": n });
            self.audit("logout_all", "app_user", &user_id.to_string(), None, Some(after))
                .await?;
        }
        Ok(n)
    }

    /// Create an API token for `user_id`. Returns the raw token (print it once) and its record.
    pub async fn create_api_token(
        &mut self,
        user_id: i64,
        name: &str,
        expires_at: Option<Timestamp>,
    ) -> Result<(String, ApiToken), StoreError> {
        let token = new_secret();
        let now = self.now();
        let mut st = Stmt::new(
            "insert into api_token (token_hash, app_user_id, name, expires_at, last_used_at, revoked, created_at, updated_at) values (",
        );
        st.bind(secret_hash(&token))
            .push(", ")
            .bind(user_id)
            .push(", ")
            .bind(name)
            .push(", ")
            .bind(expires_at);
        st.push(", ")
            .bind(None::<Timestamp>)
            .push(", 0, ")
            .bind(now)
            .push(", ")
            .bind(now);
        st.push(") returning api_token_id");
        let row = st
            .query(self.backend())
            .fetch_one(self.conn())
            .await
            .map_err(|e| StoreError::from(e).on("api_token"))?;
        let id: i64 = get(&row, "api_token_id")?;
        let t = ApiToken {
            id,
            user_id,
            name: name.to_owned(),
            expires_at,
            last_used_at: None,
            revoked: false,
            created_at: now,
        };
        self.audit(
            "create",
            "api_token",
            &id.to_string(),
            None,
            Some(serde_json::to_value(&t).unwrap_or_default()),
        )
        .await?;
        Ok((token, t))
    }

    /// Revoke an API token.
    pub async fn revoke_api_token(&mut self, id: i64) -> Result<(), StoreError> {
        let mut st = Stmt::new("update api_token set revoked = 1, updated_at = ");
        st.bind(self.now())
            .push(" where api_token_id = ")
            .bind(id)
            .push(" and revoked = 0");
        if st
            .query(self.backend())
            .execute(self.conn())
            .await?
            .rows_affected()
            == 0
        {
            let mut st = Stmt::new("select api_token_id from api_token where api_token_id = ");
            st.bind(id);
            if st
                .query(self.backend())
                .fetch_optional(self.conn())
                .await?
                .is_none()
            {
                return Err(StoreError::not_found("api_token", id));
            }
            return Ok(());
        }
        self.audit("revoke", "api_token", &id.to_string(), None, None)
            .await
    }
}

impl Store {
    /// A user by login name.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<Stored<AppUser>>, StoreError> {
        self.find_by_key::<AppUser>(&[crate::ToParam::to_param(username)])
            .await
    }

    /// The live session for a cookie token and its (enabled) user; `None` if unknown, expired or disabled.
    pub async fn session_by_token(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<Option<(Session, Stored<AppUser>)>, StoreError> {
        let mut st = Stmt::new(format!(
            "select {SESSION_COLUMNS} from session where session_id = "
        ));
        st.bind(secret_hash(token)).push(" and expires_at > ").bind(now);
        let mut conn = self.pool.acquire().await?;
        let Some(row) = st.query(self.backend()).fetch_optional(&mut *conn).await? else {
            return Ok(None);
        };
        let session = session_from_row(&row)?;
        let user = crate::record::fetch_by_id::<AppUser>(&mut conn, session.user_id).await?;
        Ok(user.filter(|u| !u.record.disabled).map(|u| (session, u)))
    }

    /// Note activity on a session and slide its expiry to `now + ttl`. Writes at most once a minute per
    /// session, so busy pages do not turn every request into a write.
    pub async fn touch_session(
        &self,
        session: &Session,
        now: Timestamp,
        ttl: SignedDuration,
    ) -> Result<(), StoreError> {
        if now.duration_since(session.last_seen_at) < SignedDuration::from_mins(1) {
            return Ok(());
        }
        let mut st = Stmt::new("update session set last_seen_at = ");
        st.bind(now)
            .push(", expires_at = ")
            .bind(now.saturating_add(ttl).unwrap_or(now));
        st.push(", updated_at = ")
            .bind(now)
            .push(" where session_id = ")
            .bind(&session.session_id);
        st.query(self.backend()).execute(&self.pool).await?;
        Ok(())
    }

    /// Delete expired sessions; returns how many.
    pub async fn purge_expired_sessions(&self, now: Timestamp) -> Result<u64, StoreError> {
        let mut st = Stmt::new("delete from session where expires_at <= ");
        st.bind(now);
        Ok(st
            .query(self.backend())
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// The user an API bearer token authenticates (not revoked, not expired, user enabled).
    pub async fn user_by_api_token(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<Option<(ApiToken, Stored<AppUser>)>, StoreError> {
        let mut st = Stmt::new(format!(
            "select {TOKEN_COLUMNS} from api_token where token_hash = "
        ));
        st.bind(secret_hash(token)).push(" and revoked = 0");
        let mut conn = self.pool.acquire().await?;
        let Some(row) = st.query(self.backend()).fetch_optional(&mut *conn).await? else {
            return Ok(None);
        };
        let t = token_from_row(&row)?;
        if t.expires_at.is_some_and(|e| e <= now) {
            return Ok(None);
        }
        if t.last_used_at
            .is_none_or(|l| now.duration_since(l) >= SignedDuration::from_mins(1))
        {
            let mut st = Stmt::new("update api_token set last_used_at = ");
            st.bind(now).push(" where api_token_id = ").bind(t.id);
            st.query(self.backend()).execute(&mut *conn).await?;
        }
        let user = crate::record::fetch_by_id::<AppUser>(&mut conn, t.user_id).await?;
        Ok(user.filter(|u| !u.record.disabled).map(|u| (t, u)))
    }

    /// The API token whose secret is `token`, whatever its state (revoked, expired): to say why it was refused.
    pub async fn api_token_by_secret(&self, token: &str) -> Result<Option<ApiToken>, StoreError> {
        let mut st = Stmt::new(format!(
            "select {TOKEN_COLUMNS} from api_token where token_hash = "
        ));
        st.bind(secret_hash(token));
        let row = st.query(self.backend()).fetch_optional(&self.pool).await?;
        row.as_ref().map(token_from_row).transpose()
    }

    /// A user's API tokens, newest first.
    pub async fn api_tokens_of(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        let mut st = Stmt::new(format!(
            "select {TOKEN_COLUMNS} from api_token where app_user_id = "
        ));
        st.bind(user_id).push(" order by api_token_id desc");
        let rows = st.query(self.backend()).fetch_all(&self.pool).await?;
        rows.iter().map(token_from_row).collect()
    }

    /// Users, for the accounts page.
    pub async fn users(&self) -> Result<Vec<Stored<AppUser>>, StoreError> {
        let st = Stmt::new(format!("{} order by username", select_list::<AppUser>()));
        let rows = st.query(self.backend()).fetch_all(&self.pool).await?;
        rows.iter().map(stored_from_row).collect()
    }

    /// Admit a log-in attempt before its password is checked, or refuse it as locked: in one transaction over
    /// every key (`user:NAME`, `ip:ADDR`), so that parallel attempts on several server instances are counted
    /// one by one. A key that is locked, or that already counted `max_failures` attempts in its window (some may
    /// still be being checked), refuses — the right password too; a key found at the limit is locked from now
    /// (audited as `lockout`), and the refusal is audited as `login_locked`. Otherwise the attempt is counted on
    /// every key as a failure in advance: a successful log-in forgets them ([`Store::throttle_reset`]).
    ///
    /// `who` is the actor of the audit events (the public, with the client's address); `username` the name typed.
    pub async fn throttle_admit(
        &self,
        keys: &[String],
        username: &str,
        now: Timestamp,
        policy: ThrottlePolicy,
        who: crate::Actor,
    ) -> Result<Admission, StoreError> {
        let window_start = now.saturating_sub(policy.window).unwrap_or(now);
        // Always the same order, so that two attempts never wait on each other's keys crosswise.
        let mut keys: Vec<&String> = keys.iter().collect();
        keys.sort();
        keys.dedup();
        let mut tx = self.begin(who).await?;
        tx.set_now(now);
        let mut states = Vec::with_capacity(keys.len());
        for key in &keys {
            let mut st = Stmt::new(
                "insert into login_throttle (throttle_key, failures, window_started_at, locked_until, created_at, updated_at) values (",
            );
            st.bind(key.as_str())
                .push(", 0, ")
                .bind(now)
                .push(", ")
                .bind(None::<Timestamp>)
                .push(", $2, $2) on conflict (throttle_key) do nothing");
            st.query(self.backend()).execute(tx.conn()).await?;
            let mut st = Stmt::new(
                "select failures, window_started_at, locked_until from login_throttle where throttle_key = ",
            );
            st.bind(key.as_str());
            if self.backend() == crate::Backend::Postgres {
                st.push(" for update");
            }
            let row = st.query(self.backend()).fetch_one(tx.conn()).await?;
            let started: Timestamp = get(&row, "window_started_at")?;
            let failures: i64 = if started < window_start {
                0
            } else {
                get(&row, "failures")?
            };
            let locked: Option<Timestamp> = get(&row, "locked_until")?;
            states.push((*key, failures, locked.filter(|u| *u > now)));
        }
        let mut refused_until: Option<Timestamp> = None;
        for (key, failures, locked) in &states {
            let until = match locked {
                Some(u) => Some(*u),
                None if *failures >= policy.max_failures => {
                    Some(lock_key(&mut tx, key, *failures, now, policy).await?)
                }
                None => None,
            };
            refused_until = refused_until.max(until);
        }
        if let Some(until) = refused_until {
            let after = serde_json::json!({ "locked_until": until.as_millisecond() });
            tx.audit(
                crate::chain::actions::LOGIN_LOCKED,
                "app_user",
                username,
                None,
                Some(after),
            )
            .await?;
            tx.commit().await?;
            return Ok(Admission::Locked { until });
        }
        for (key, failures, _) in &states {
            let mut st = Stmt::new("update login_throttle set failures = ");
            st.bind(failures + 1).push(", window_started_at = ");
            // A window that ended starts again with this attempt.
            st.push("case when window_started_at < ")
                .bind(window_start)
                .push(" then ")
                .bind(now)
                .push(" else window_started_at end, updated_at = ")
                .bind(now)
                .push(" where throttle_key = ")
                .bind(key.as_str());
            st.query(self.backend()).execute(tx.conn()).await?;
        }
        tx.commit().await?;
        Ok(Admission::Allowed)
    }

    /// After an admitted attempt failed (wrong password, unknown or disabled user, said by `reason`): audit it as
    /// `login_failed`, and lock every key whose attempts reached `max_failures` (audited as `lockout`). Returns
    /// until when the attempt's keys are locked now, if they are.
    pub async fn throttle_failed(
        &self,
        keys: &[String],
        username: &str,
        reason: &str,
        now: Timestamp,
        policy: ThrottlePolicy,
        who: crate::Actor,
    ) -> Result<Option<Timestamp>, StoreError> {
        let window_start = now.saturating_sub(policy.window).unwrap_or(now);
        let mut keys: Vec<&String> = keys.iter().collect();
        keys.sort();
        keys.dedup();
        let mut tx = self.begin(who).await?;
        tx.set_now(now);
        let after = serde_json::json!({ "reason": reason });
        tx.audit(
            crate::chain::actions::LOGIN_FAILED,
            "app_user",
            username,
            None,
            Some(after),
        )
        .await?;
        let mut locked_until: Option<Timestamp> = None;
        for key in keys {
            let mut st = Stmt::new(
                "select failures, window_started_at, locked_until from login_throttle where throttle_key = ",
            );
            st.bind(key.as_str());
            if self.backend() == crate::Backend::Postgres {
                st.push(" for update");
            }
            let Some(row) = st.query(self.backend()).fetch_optional(tx.conn()).await? else {
                continue;
            };
            let started: Timestamp = get(&row, "window_started_at")?;
            let failures: i64 = get(&row, "failures")?;
            let locked: Option<Timestamp> =
                get::<Option<Timestamp>>(&row, "locked_until")?.filter(|u| *u > now);
            let until = match locked {
                Some(u) => Some(u),
                None if started >= window_start && failures >= policy.max_failures => {
                    Some(lock_key(&mut tx, key, failures, now, policy).await?)
                }
                None => None,
            };
            locked_until = locked_until.max(until);
        }
        tx.commit().await?;
        Ok(locked_until)
    }

    /// Forget the failures of `key` (after a successful log-in).
    pub async fn throttle_reset(&self, key: &str) -> Result<(), StoreError> {
        let mut st = Stmt::new("delete from login_throttle where throttle_key = ");
        st.bind(key);
        st.query(self.backend()).execute(&self.pool).await?;
        Ok(())
    }
}
