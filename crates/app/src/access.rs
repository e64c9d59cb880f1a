//! Who may do what. Roles come from the store; permissions are checked here, in the service layer.
//!
//! The roles follow the plan's users: the bureau's staff (`admin`, 区经信局), department reporters
//! (`department`, 部门填报员 — only their own department's tasks and data), leaders (`leader`, 领导 — read
//! everything, comment and approve), enterprises (`enterprise`, 企业 — their own data and self-check) and the
//! anonymous public (公众 — the public dashboard only).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A signed-in user's role (角色).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 管理员 — the bureau's staff: everything.
    Admin,
    /// 部门填报员 — a department's reporter: its own department's tasks and data.
    Department,
    /// 领导 — reads everything, comments and approves.
    Leader,
    /// 企业 — its own enterprise data and self-check.
    Enterprise,
}

impl Role {
    /// All roles, in display order.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Department, Role::Leader, Role::Enterprise];

    /// The stable id used in the store, the CLI (`--role`) and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Department => "department",
            Role::Leader => "leader",
            Role::Enterprise => "enterprise",
        }
    }

    /// Chinese name for display.
    pub fn name_zh(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Department => "部门填报员",
            Role::Leader => "领导",
            Role::Enterprise => "企业",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = AppErrorRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| AppErrorRole(s.to_owned()))
    }
}

/// An unknown role name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "未知角色 “{0}”（可用：admin, department, leader, enterprise）/ unknown role “{0}” (one of admin, department, leader, enterprise)"
)]
pub struct AppErrorRole(pub String);

/// The caller of a use case: a signed-in user, or the anonymous public (`Principal::Public`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// 公众 — not signed in: the public dashboard only.
    Public,
    /// A signed-in user (or an API token, which carries its user's role).
    User {
        /// Store id of the user.
        id: i64,
        /// Login name; also the actor name in the audit log.
        username: String,
        /// The user's role.
        role: Role,
        /// For `department` users: their department id (as in the plan file, e.g. `jingxin`).
        department: Option<String>,
        /// For `enterprise` users: their enterprise's 统一社会信用代码.
        enterprise: Option<String>,
        /// The client's address, for a request from the web or the API (honouring `--trust-forwarded-for`):
        /// written with every change the user makes ([`Principal::actor`]).
        ip: Option<String>,
    },
}

/// Something a caller may want to do. Scoped permissions carry the department or enterprise they touch, so the
/// check is one function and the authorisation matrix can be tested exhaustively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Permission<'a> {
    /// The public dashboard and the published plan (公开).
    ViewPublic,
    /// Internal pages and data: enterprises, registries, supervision board, audit (内部查看).
    ViewInternal,
    /// The audit log (审计日志).
    ViewAudit,
    /// Create, edit or delete registry rows (talents, platforms, contracts, financing, funding, achievements) and
    /// import files.
    EditRegistries,
    /// Enter observations (statistics) for the plan's data elements.
    EnterObservations,
    /// View one enterprise's data and evaluation.
    ViewEnterprise(&'a str),
    /// Edit one enterprise's data (its own annual figures for an enterprise user).
    EditEnterprise(&'a str),
    /// Act on a department's supervised items (sign, report progress, request closure or extension).
    ActForDepartment(&'a str),
    /// Comment on and approve supervised items and reports (批示、审核).
    CommentAndApprove,
    /// Assign, return, close items; run inspections; decide appeals; issue reports (督办管理).
    ManageSupervision,
    /// Users, roles, departments, tokens (账户管理).
    ManageAccounts,
    /// Draft a new plan from a policy text and store it (规划起草): admin.
    ManagePlans,
}

impl Principal {
    /// The machine itself acting for the operator at the console (`plantrack user add`, demo data): an admin
    /// with user id 0 named `system` in the audit log. Never produced from a request.
    pub fn system() -> Principal {
        Principal::User {
            id: 0,
            username: "system".into(),
            role: Role::Admin,
            department: None,
            enterprise: None,
            ip: None,
        }
    }

    /// The name written to the audit log.
    pub fn actor_name(&self) -> &str {
        match self {
            Principal::Public => "public",
            Principal::User { username, .. } => username,
        }
    }

    /// Who acts in the store for this caller: the audit log's actor name and the client's address.
    pub fn actor(&self) -> plantrack_store::Actor {
        plantrack_store::Actor {
            name: self.actor_name().to_owned(),
            ip: self.ip().map(str::to_owned),
        }
    }

    /// The client's address, if known.
    pub fn ip(&self) -> Option<&str> {
        match self {
            Principal::Public => None,
            Principal::User { ip, .. } => ip.as_deref(),
        }
    }

    /// The same caller, calling from `ip` (the web's guard sets it on every request).
    pub fn with_ip(mut self, client: Option<String>) -> Principal {
        if let Principal::User { ip, .. } = &mut self {
            *ip = client;
        }
        self
    }

    /// The role, if signed in.
    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::Public => None,
            Principal::User { role, .. } => Some(*role),
        }
    }

    /// Whether this caller holds `permission`.
    pub fn can(&self, permission: &Permission<'_>) -> bool {
        use Permission as P;
        let Principal::User {
            role,
            department,
            enterprise,
            ..
        } = self
        else {
            return matches!(permission, P::ViewPublic);
        };
        match role {
            Role::Admin => true,
            Role::Leader => matches!(
                permission,
                P::ViewPublic | P::ViewInternal | P::ViewAudit | P::ViewEnterprise(_) | P::CommentAndApprove
            ),
            Role::Department => match permission {
                P::ViewPublic | P::ViewInternal | P::EnterObservations | P::ViewEnterprise(_) => true,
                P::ActForDepartment(d) => department.as_deref() == Some(*d),
                _ => false,
            },
            Role::Enterprise => match permission {
                P::ViewPublic => true,
                P::ViewEnterprise(u) | P::EditEnterprise(u) => enterprise.as_deref() == Some(*u),
                _ => false,
            },
        }
    }

    /// `Ok(())` when allowed, otherwise the error the use case returns (401 for the public, 403 for users).
    pub fn require(&self, permission: &Permission<'_>) -> Result<(), crate::AppError> {
        if self.can(permission) {
            Ok(())
        } else if matches!(self, Principal::Public) {
            Err(crate::AppError::Unauthenticated)
        } else {
            Err(crate::AppError::Forbidden)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, department: Option<&str>, enterprise: Option<&str>) -> Principal {
        Principal::User {
            id: 1,
            username: "u".into(),
            role,
            department: department.map(str::to_owned),
            enterprise: enterprise.map(str::to_owned),
            ip: None,
        }
    }

    #[test]
    fn the_public_sees_only_the_public_dashboard() {
        assert!(Principal::Public.can(&Permission::ViewPublic));
        assert!(!Principal::Public.can(&Permission::ViewInternal));
        assert_eq!(
            Principal::Public.require(&Permission::ViewInternal),
            Err(crate::AppError::Unauthenticated)
        );
    }

    #[test]
    fn a_department_acts_only_for_its_own_department() {
        let p = user(Role::Department, Some("keji"), None);
        assert!(p.can(&Permission::ActForDepartment("keji")));
        assert!(!p.can(&Permission::ActForDepartment("caizheng")));
        assert!(!p.can(&Permission::ManageSupervision));
        assert_eq!(
            p.require(&Permission::ManageAccounts),
            Err(crate::AppError::Forbidden)
        );
    }

    #[test]
    fn an_enterprise_sees_only_itself() {
        let p = user(Role::Enterprise, None, Some("91211100MA0XXXXXXX"));
        assert!(p.can(&Permission::EditEnterprise("91211100MA0XXXXXXX")));
        assert!(!p.can(&Permission::ViewEnterprise("91211100MA0YYYYYYY")));
        assert!(!p.can(&Permission::ViewInternal));
    }

    #[test]
    fn leaders_read_and_approve_but_do_not_edit() {
        let p = user(Role::Leader, None, None);
        assert!(p.can(&Permission::ViewAudit));
        assert!(p.can(&Permission::CommentAndApprove));
        assert!(!p.can(&Permission::EditRegistries));
        assert!(!p.can(&Permission::ManagePlans));
        assert!(!p.can(&Permission::ActForDepartment("keji")));
    }

    #[test]
    fn admins_do_everything() {
        let p = user(Role::Admin, None, None);
        for perm in [
            Permission::ManageAccounts,
            Permission::ManageSupervision,
            Permission::ManagePlans,
            Permission::EditRegistries,
            Permission::ActForDepartment("any"),
            Permission::EditEnterprise("any"),
        ] {
            assert!(p.can(&perm), "{perm:?}");
        }
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("boss".parse::<Role>().is_err());
    }
}
