//! Authentication (身份验证): passwords (argon2id), log-in with throttling, sessions and API bearer tokens.
//!
//! Everything lives in the store — sessions, throttling counters and tokens — so that several server instances on
//! one database behave as one (issue 5 §3). The web layer only carries the cookie or the `Authorization` header;
//! this module turns them into a [`Principal`].
//!
//! Hashing and verifying are CPU-bound (tens of milliseconds by design), so they run on the blocking pool, never
//! on the async executor. An unknown user name is verified against a fixed dummy hash, so a failed log-in takes
//! the same time whether the user exists or not (no user enumeration by timing).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use jiff::{SignedDuration, Timestamp};
use plantrack_store::accounts::{Admission, AppUser, Session, ThrottlePolicy};
use plantrack_store::{Actor, Store, Stored};

use crate::access::{Principal, Role};
use crate::error::AppError;

/// How long a session lives without activity (sliding: each request extends it, written at most once a minute).
pub const SESSION_TTL: SignedDuration = SignedDuration::from_hours(8);

/// Shortest password accepted (GB/T 22239-2019 二级: 口令复杂度 — length is what we can check without rules
/// that push users to write passwords down).
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Longest password accepted: argon2 would hash anything, but a megabyte "password" is an attack on the CPU.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A password, kept out of `Debug` output and logs.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Wraps a password as typed.
    pub fn new(text: impl Into<String>) -> Password {
        Password(text.into())
    }

    /// The password text.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Checks the length rules for a new password.
    pub fn check_new(&self) -> Result<(), AppError> {
        let n = self.0.chars().count();
        if n < MIN_PASSWORD_CHARS {
            return Err(AppError::invalid(
                "password",
                format!("密码至少 {MIN_PASSWORD_CHARS} 个字符"),
                format!("the password needs at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        if n > MAX_PASSWORD_CHARS {
            return Err(AppError::invalid(
                "password",
                format!("密码最多 {MAX_PASSWORD_CHARS} 个字符"),
                format!("the password may have at most {MAX_PASSWORD_CHARS} characters"),
            ));
        }
        Ok(())
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([redacted])")
    }
}

/// Hashes a password with argon2id (default parameters: 19 MiB, 2 passes) on the blocking pool.
pub async fn hash_password(password: Password) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.expose().as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Unexpected(format!("argon2: {e}").into()))
    })
    .await
    .map_err(AppError::unexpected)?
}

/// A valid argon2id hash of a random string nobody knows: what an unknown user name is verified against.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Zk1m5kv3yG7m8Ow7d7Xx3W9cF8uE2b0HqFQm0mH3bqY";

/// Verifies `password` against a PHC string on the blocking pool. A malformed stored hash verifies as false.
pub async fn verify_password(password: Password, phc: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.expose().as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .map_err(AppError::unexpected)
}

/// The principal a stored user acts as.
pub fn principal_of(user: &Stored<AppUser>) -> Principal {
    let role = match user.record.role {
        plantrack_store::accounts::Role::Admin => Role::Admin,
        plantrack_store::accounts::Role::Department => Role::Department,
        plantrack_store::accounts::Role::Leader => Role::Leader,
        plantrack_store::accounts::Role::Enterprise => Role::Enterprise,
    };
    Principal::User {
        id: user.id,
        username: user.record.username.clone(),
        role,
        department: user.record.department_code.clone(),
        enterprise: user.record.enterprise_uscc.clone(),
        ip: None,
    }
}

/// Where a log-in comes from (for throttling and the audit log).
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// Client IP address.
    pub ip: Option<String>,
    /// `User-Agent` header.
    pub user_agent: Option<String>,
}

/// A successful log-in: the raw session token (for the cookie only), the session and who logged in.
#[derive(Debug)]
pub struct LoggedIn {
    /// The cookie value; the store keeps only its hash.
    pub token: String,
    /// The session row (with its CSRF token).
    pub session: Session,
    /// The user as a principal.
    pub principal: Principal,
}

fn throttle_keys(username: &str, client: &ClientInfo) -> Vec<String> {
    let mut keys = vec![format!("user:{}", username.to_lowercase())];
    if let Some(ip) = &client.ip {
        keys.push(format!("ip:{ip}"));
    }
    keys
}

fn bad_credentials() -> AppError {
    AppError::Invalid(vec![crate::FieldError::new(
        "password",
        "用户名或密码不正确",
        "wrong user name or password",
    )])
}

/// Logs in. The attempt is first counted and checked against the locks of the user name and the client's
/// address in one step ([`Store::throttle_admit`]), so that parallel attempts cannot slip past the limit while
/// passwords are being verified: a locked name or address refuses without verifying — the right password too
/// (audited as `login_locked`). Then the password is verified (against a dummy hash for unknown users); a
/// failure is audited as `login_failed` and may lock the keys (`lockout`); a success forgets the count and opens
/// a session (audited as `login`).
pub async fn login(
    store: &Store,
    username: &str,
    password: Password,
    client: &ClientInfo,
) -> Result<LoggedIn, AppError> {
    let username = username.trim();
    let now = Timestamp::now();
    let policy = ThrottlePolicy::default();
    let keys = throttle_keys(username, client);
    let typed = crate::audit::clip(username, 64);
    let who = crate::audit::public_actor(client.ip.as_deref());
    if let Admission::Locked { until } = store
        .throttle_admit(&keys, &typed, now, policy, who.clone())
        .await?
    {
        return Err(locked(until, now));
    }
    let user = if username.is_empty() || username.len() > 128 {
        None
    } else {
        store.user_by_username(username).await?
    };
    let phc = user
        .as_ref()
        .map_or_else(|| DUMMY_HASH.to_owned(), |u| u.record.password_hash.clone());
    let ok = verify_password(password, phc).await?;
    let user = match user {
        Some(u) if ok && !u.record.disabled => u,
        other => {
            let reason = match other {
                None => "unknown_user",
                Some(u) if u.record.disabled => "disabled",
                Some(_) => "wrong_password",
            };
            let locked_until = store
                .throttle_failed(&keys, &typed, reason, now, policy, who)
                .await?;
            return Err(match locked_until {
                Some(until) => locked(until, now),
                None => bad_credentials(),
            });
        }
    };
    for key in &keys {
        store.throttle_reset(key).await?;
    }
    let mut actor = Actor::user(&user.record.username);
    if let Some(ip) = &client.ip {
        actor = actor.with_ip(ip.clone());
    }
    let mut tx = store.begin(actor).await?;
    let (token, session) = tx
        .create_session(
            user.id,
            SESSION_TTL,
            client.ip.as_deref(),
            client.user_agent.as_deref(),
        )
        .await?;
    tx.commit().await?;
    Ok(LoggedIn {
        token,
        session,
        principal: principal_of(&user).with_ip(client.ip.clone()),
    })
}

fn locked(until: Timestamp, now: Timestamp) -> AppError {
    let minutes = until.duration_since(now).as_mins().max(1);
    AppError::Throttled {
        retry_after_secs: u64::try_from(until.duration_since(now).as_secs().max(1)).unwrap_or(60),
        message_zh: format!("登录失败次数过多，请 {minutes} 分钟后再试"),
        message_en: format!("too many failed log-ins; try again in {minutes} min"),
    }
}

/// The session behind a cookie token, and who it is; `None` if unknown, expired or the user is disabled.
/// Slides the expiry (written at most once a minute).
pub async fn session_principal(store: &Store, token: &str) -> Result<Option<(Session, Principal)>, AppError> {
    if !looks_like_secret(token) {
        return Ok(None);
    }
    let now = Timestamp::now();
    let Some((session, user)) = store.session_by_token(token, now).await? else {
        return Ok(None);
    };
    store.touch_session(&session, now, SESSION_TTL).await?;
    Ok(Some((session, principal_of(&user))))
}

/// Who an API bearer token authenticates, calling from `client`; `None` if unknown, revoked, expired or the user
/// is disabled — each refusal audited as `token_refused` with the token's id when it exists, and the reason.
pub async fn token_principal(
    store: &Store,
    token: &str,
    client: &ClientInfo,
) -> Result<Option<Principal>, AppError> {
    let now = Timestamp::now();
    let found = if looks_like_secret(token) {
        store.user_by_api_token(token, now).await?
    } else {
        None
    };
    if let Some((_, user)) = found {
        return Ok(Some(principal_of(&user).with_ip(client.ip.clone())));
    }
    let known = if looks_like_secret(token) {
        store.api_token_by_secret(token).await?
    } else {
        None
    };
    let reason = match &known {
        None => "unknown",
        Some(t) if t.revoked => "revoked",
        Some(t) if t.expires_at.is_some_and(|e| e <= now) => "expired",
        Some(_) => "user_disabled",
    };
    crate::audit::record_token_refused(store, client.ip.as_deref(), known.map(|t| t.id), reason).await?;
    Ok(None)
}

/// Ends a session (audited as `logout`).
pub async fn logout(store: &Store, principal: &Principal, token: &str) -> Result<(), AppError> {
    let mut tx = store.begin(principal.actor()).await?;
    tx.delete_session(token).await?;
    tx.commit().await?;
    Ok(())
}

/// Secrets are 64 hex digits; anything else is not looked up at all.
fn looks_like_secret(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let h = hash_password(Password::new("correct horse")).await.unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(
            verify_password(Password::new("correct horse"), h.clone())
                .await
                .unwrap()
        );
        assert!(!verify_password(Password::new("correct horsE"), h).await.unwrap());
    }

    #[tokio::test]
    async fn the_dummy_hash_is_well_formed_so_unknown_users_cost_a_full_verification() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(
            !verify_password(Password::new("x"), DUMMY_HASH.to_owned())
                .await
                .unwrap()
        );
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(Password::new("1234567").check_new().is_err());
        assert!(Password::new("12345678").check_new().is_ok());
        assert!(Password::new("x".repeat(257)).check_new().is_err());
        assert_eq!(format!("{:?}", Password::new("secret")), "Password([redacted])");
    }

    #[test]
    fn only_hex_tokens_are_looked_up() {
        assert!(looks_like_secret(&"a".repeat(64)));
        assert!(!looks_like_secret("' or 1=1 --"));
        assert!(!looks_like_secret(&"a".repeat(63)));
    }
}
