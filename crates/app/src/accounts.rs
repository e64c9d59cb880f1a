//! Accounts (账户管理): users with their role and scope, passwords, API tokens — the admin's use cases, and the
//! CLI's `plantrack user add` / `plantrack token create` (which act as [`Principal::system`]).
//!
//! A user's scope follows the role: a `department` user names one of the plan's departments, an `enterprise` user
//! one enterprise (统一社会信用代码, check digit verified); the other roles name neither.

use plantrack_core::plan::{DepartmentId, Plan};
use plantrack_core::qualify::Uscc;
use plantrack_store::accounts::{ApiToken, AppUser};
use plantrack_store::{Actor, Store, Stored};
use serde::{Deserialize, Serialize};

use crate::access::{Permission, Principal, Role};
use crate::auth::{Password, hash_password};
use crate::error::{AppError, FieldError};

/// What an admin types to create a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Name shown in the UI.
    pub display_name: Option<String>,
    /// Role.
    pub role: Role,
    /// Department id (plan file) for `department` users.
    pub department: Option<String>,
    /// USCC for `enterprise` users.
    pub enterprise: Option<String>,
    /// Initial password.
    pub password: Password,
}

/// What an admin changes on a user (the version guards against overwriting someone else's change).
#[derive(Debug, Clone)]
pub struct UserChange {
    /// Name shown in the UI.
    pub display_name: Option<String>,
    /// Role.
    pub role: Role,
    /// Department id for `department` users.
    pub department: Option<String>,
    /// USCC for `enterprise` users.
    pub enterprise: Option<String>,
    /// Disabled accounts cannot log in; their sessions end.
    pub disabled: bool,
    /// A new password, if it is reset.
    pub new_password: Option<Password>,
}

/// A user as shown on the accounts page and in the API (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    /// Id.
    pub id: i64,
    /// Version (for edits).
    pub version: i64,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: Option<String>,
    /// Role id.
    pub role: Role,
    /// Department id.
    pub department: Option<String>,
    /// Enterprise USCC.
    pub enterprise: Option<String>,
    /// Disabled.
    pub disabled: bool,
}

impl From<&Stored<AppUser>> for UserView {
    fn from(u: &Stored<AppUser>) -> Self {
        UserView {
            id: u.id,
            version: u.version,
            username: u.record.username.clone(),
            display_name: u.record.display_name.clone(),
            role: role_of(u.record.role),
            department: u.record.department_code.clone(),
            enterprise: u.record.enterprise_uscc.clone(),
            disabled: u.record.disabled,
        }
    }
}

fn role_of(r: plantrack_store::accounts::Role) -> Role {
    use plantrack_store::accounts::Role as S;
    match r {
        S::Admin => Role::Admin,
        S::Department => Role::Department,
        S::Leader => Role::Leader,
        S::Enterprise => Role::Enterprise,
    }
}

fn store_role(r: Role) -> plantrack_store::accounts::Role {
    use plantrack_store::accounts::Role as S;
    match r {
        Role::Admin => S::Admin,
        Role::Department => S::Department,
        Role::Leader => S::Leader,
        Role::Enterprise => S::Enterprise,
    }
}

fn actor(p: &Principal) -> Actor {
    p.actor()
}

/// Checks a login name: 2–64 characters, letters (any script), digits and `_ . - @`.
pub fn check_username(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    let n = name.chars().count();
    if !(2..=64).contains(&n) {
        return Err(FieldError::new(
            "username",
            "用户名应为 2–64 个字符",
            "a user name has 2–64 characters",
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '@')))
    {
        return Err(FieldError::new(
            "username",
            format!("用户名不能含有字符 “{c}”（可用字母、数字和 _ . - @）"),
            format!("a user name cannot contain “{c}” (letters, digits and _ . - @ only)"),
        ));
    }
    Ok(name.to_owned())
}

/// Checks that the scope fits the role; returns the normalised (department, enterprise).
fn check_scope(
    plan: &Plan,
    role: Role,
    department: Option<&str>,
    enterprise: Option<&str>,
) -> Result<(Option<String>, Option<String>), Vec<FieldError>> {
    let department = department.map(str::trim).filter(|s| !s.is_empty());
    let enterprise = enterprise.map(str::trim).filter(|s| !s.is_empty());
    let mut errors = Vec::new();
    let dept = match (role, department) {
        (Role::Department, None) => {
            errors.push(FieldError::new(
                "department",
                "部门填报员必须指定部门",
                "a department user needs a department",
            ));
            None
        }
        (Role::Department, Some(d)) => {
            let known = DepartmentId::parse(d)
                .ok()
                .filter(|id| plan.department(id).is_some());
            if known.is_none() {
                let ids: Vec<&str> = plan.departments().iter().map(|d| d.id.as_str()).collect();
                errors.push(FieldError::new(
                    "department",
                    format!("计划中没有部门 “{d}”（可用：{}）", ids.join(", ")),
                    format!("no department “{d}” in the plan (one of {})", ids.join(", ")),
                ));
            }
            known.map(|k| k.as_str().to_owned())
        }
        (_, Some(_)) => {
            errors.push(FieldError::new(
                "department",
                "只有部门填报员才指定部门",
                "only department users have a department",
            ));
            None
        }
        (_, None) => None,
    };
    let ent = match (role, enterprise) {
        (Role::Enterprise, None) => {
            errors.push(FieldError::new(
                "enterprise",
                "企业用户必须指定统一社会信用代码",
                "an enterprise user needs a USCC",
            ));
            None
        }
        (Role::Enterprise, Some(u)) => match Uscc::parse(u) {
            Ok(code) => Some(code.as_str().to_owned()),
            Err(e) => {
                errors.push(FieldError::new("enterprise", e.to_string(), e.to_string()));
                None
            }
        },
        (_, Some(_)) => {
            errors.push(FieldError::new(
                "enterprise",
                "只有企业用户才指定企业",
                "only enterprise users have an enterprise",
            ));
            None
        }
        (_, None) => None,
    };
    if errors.is_empty() {
        Ok((dept, ent))
    } else {
        Err(errors)
    }
}

/// Creates a user (admin only). The password is hashed with argon2id; the audit log records the change without
/// the hash.
pub async fn add_user(
    store: &Store,
    who: &Principal,
    plan: &Plan,
    new: NewUser,
) -> Result<UserView, AppError> {
    add_user_then(store, who, plan, new, |_| Ok(())).await
}

/// [`add_user`], calling `confirm` with the new user before the commit: when it fails (the command line could
/// not say that the user was created) nothing is kept.
pub async fn add_user_then(
    store: &Store,
    who: &Principal,
    plan: &Plan,
    new: NewUser,
    confirm: impl FnOnce(&UserView) -> Result<(), AppError>,
) -> Result<UserView, AppError> {
    who.require(&Permission::ManageAccounts)?;
    let mut errors = Vec::new();
    let username = check_username(&new.username).map_err(|e| errors.push(e)).ok();
    if let Err(AppError::Invalid(e)) = new.password.check_new() {
        errors.extend(e);
    }
    let scope = check_scope(
        plan,
        new.role,
        new.department.as_deref(),
        new.enterprise.as_deref(),
    )
    .map_err(|e| errors.extend(e))
    .ok();
    let (Some(username), Some((department, enterprise)), true) = (username, scope, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    if store.user_by_username(&username).await?.is_some() {
        return Err(AppError::Invalid(vec![FieldError::new(
            "username",
            format!("用户名 “{username}” 已存在"),
            format!("the user name “{username}” is taken"),
        )]));
    }
    let password_hash = hash_password(new.password).await?;
    let user = AppUser {
        username,
        display_name: new
            .display_name
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
        password_hash,
        role: store_role(new.role),
        department_code: department,
        enterprise_uscc: enterprise,
        disabled: false,
    };
    let mut tx = store.begin(actor(who)).await?;
    let stored = tx.insert(&user).await?;
    let view = UserView::from(&stored);
    confirm(&view)?;
    tx.commit().await?;
    Ok(view)
}

/// Every user (admin only).
pub async fn list_users(store: &Store, who: &Principal) -> Result<Vec<UserView>, AppError> {
    who.require(&Permission::ManageAccounts)?;
    Ok(store.users().await?.iter().map(UserView::from).collect())
}

/// One user (admin only).
pub async fn get_user(store: &Store, who: &Principal, id: i64) -> Result<UserView, AppError> {
    who.require(&Permission::ManageAccounts)?;
    Ok(UserView::from(&store.get::<AppUser>(id).await?))
}

/// Changes a user at `version` (admin only). Disabling a user or resetting the password ends the user's sessions.
/// An admin cannot disable or demote themselves (so that the bureau cannot lock itself out by a slip).
pub async fn update_user(
    store: &Store,
    who: &Principal,
    plan: &Plan,
    id: i64,
    version: i64,
    change: UserChange,
) -> Result<UserView, AppError> {
    who.require(&Permission::ManageAccounts)?;
    let current = store.get::<AppUser>(id).await?;
    let mut errors = Vec::new();
    if let Principal::User { id: me, .. } = who
        && *me == id
        && (change.disabled || change.role != Role::Admin)
    {
        errors.push(FieldError::new(
            "role",
            "不能停用自己的账户或取消自己的管理员角色",
            "you cannot disable your own account or remove your own admin role",
        ));
    }
    if let Some(p) = &change.new_password
        && let Err(AppError::Invalid(e)) = p.check_new()
    {
        errors.extend(e);
    }
    let scope = check_scope(
        plan,
        change.role,
        change.department.as_deref(),
        change.enterprise.as_deref(),
    )
    .map_err(|e| errors.extend(e))
    .ok();
    let (Some((department, enterprise)), true) = (scope, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let password_hash = match change.new_password.clone() {
        Some(p) => hash_password(p).await?,
        None => current.record.password_hash.clone(),
    };
    let user = AppUser {
        username: current.record.username.clone(),
        display_name: change
            .display_name
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
        password_hash,
        role: store_role(change.role),
        department_code: department,
        enterprise_uscc: enterprise,
        disabled: change.disabled,
    };
    let mut tx = store.begin(actor(who)).await?;
    let stored = tx.update(id, version, &user).await?;
    if change.disabled || change.new_password.is_some() {
        tx.delete_user_sessions(id).await?;
    }
    tx.commit().await?;
    Ok(UserView::from(&stored))
}

/// Creates an API token for `username` (admin only); returns the raw token — shown once — and its record.
pub async fn create_token(
    store: &Store,
    who: &Principal,
    username: &str,
    label: &str,
) -> Result<(String, ApiToken), AppError> {
    create_token_then(store, who, username, label, |_| Ok(())).await
}

/// [`create_token`], handing the raw token to `show` before the commit: a token that could not be shown (the
/// command line's output failed) is not kept, since nobody could ever use it.
pub async fn create_token_then(
    store: &Store,
    who: &Principal,
    username: &str,
    label: &str,
    show: impl FnOnce(&str) -> Result<(), AppError>,
) -> Result<(String, ApiToken), AppError> {
    who.require(&Permission::ManageAccounts)?;
    let user = store
        .user_by_username(username.trim())
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "user".into(),
            id: username.to_owned(),
        })?;
    if user.record.disabled {
        return Err(AppError::invalid(
            "username",
            format!("用户 “{username}” 已停用"),
            format!("the user “{username}” is disabled"),
        ));
    }
    let label = label.trim();
    let label = if label.is_empty() { "api" } else { label };
    let mut tx = store.begin(actor(who)).await?;
    let created = tx.create_api_token(user.id, label, None).await?;
    show(&created.0)?;
    tx.commit().await?;
    Ok(created)
}

/// A user's API tokens (admin only).
pub async fn tokens_of(store: &Store, who: &Principal, user_id: i64) -> Result<Vec<ApiToken>, AppError> {
    who.require(&Permission::ManageAccounts)?;
    Ok(store.api_tokens_of(user_id).await?)
}

/// Revokes an API token (admin only).
pub async fn revoke_token(store: &Store, who: &Principal, token_id: i64) -> Result<(), AppError> {
    who.require(&Permission::ManageAccounts)?;
    let mut tx = store.begin(actor(who)).await?;
    tx.revoke_api_token(token_id).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_letters_digits_and_a_few_marks() {
        assert_eq!(check_username(" zhang.san ").unwrap(), "zhang.san");
        assert!(check_username("张三").is_ok());
        assert!(check_username("a").is_err());
        assert!(check_username("a b").is_err());
        assert!(check_username("<script>").is_err());
    }

    #[test]
    fn the_scope_must_fit_the_role() {
        let plan = plantrack_core::plan::embedded::shuangtaizi().unwrap();
        assert_eq!(
            check_scope(&plan, Role::Department, Some("jingxin"), None).unwrap(),
            (Some("jingxin".into()), None)
        );
        assert!(check_scope(&plan, Role::Department, None, None).is_err());
        assert!(check_scope(&plan, Role::Department, Some("nosuch"), None).is_err());
        assert!(check_scope(&plan, Role::Leader, Some("jingxin"), None).is_err());
        assert!(check_scope(&plan, Role::Enterprise, None, Some("91350100M000100Y44")).is_err());
        assert!(check_scope(&plan, Role::Enterprise, None, Some("91350100m000100y43")).is_ok());
    }
}
