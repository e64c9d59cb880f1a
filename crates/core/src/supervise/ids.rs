//! Identities used by the supervision engine: item, department, user, target and inspection ids, and the
//! actor (user + role) that every workflow step records.
//!
//! Departments, tasks and targets use the plan's ids ([`crate::plan::ids`]); item, user, inspection and finding
//! ids are opaque strings chosen by the store or the plan, and this module only refuses empty ones.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::SuperviseError;
pub use crate::plan::{DepartmentId, TargetId, TaskId};

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $what_zh:literal, $what_en:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses an id: surrounding whitespace is trimmed, an empty id is refused.
            pub fn parse(raw: impl AsRef<str>) -> Result<Self, SuperviseError> {
                let trimmed = raw.as_ref().trim();
                if trimmed.is_empty() {
                    return Err(SuperviseError::EmptyId { what_zh: $what_zh, what_en: $what_en });
                }
                Ok(Self(trimmed.to_owned()))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = SuperviseError;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(raw)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(
    /// A supervised item (督办事项): a plan task, an admin-added task or a rectification item.
    ItemId, "督办事项编号", "item id"
);
string_id!(
    /// A user account (用户).
    UserId, "用户编号", "user id"
);
string_id!(
    /// An inspection round (督查).
    InspectionId, "督查编号", "inspection id"
);
string_id!(
    /// A finding (发现问题) of an inspection round.
    FindingId, "问题编号", "finding id"
);

impl From<&TaskId> for ItemId {
    /// A plan task is supervised under its own id.
    fn from(task: &TaskId) -> Self {
        ItemId(task.as_str().to_owned())
    }
}

/// What a user may do (角色). Mirrors the web application's roles: `admin` (the bureau, 督查室), `department`
/// (acts only on its own department's items), `leader` (reads all, comments and approves).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    /// 管理员 (督查部门): may do everything.
    Admin,
    /// 责任单位: may act only on items its department leads (牵头).
    Department {
        /// The user's own department.
        department: DepartmentId,
    },
    /// 领导: comments, commends, approves or returns; never reports.
    Leader,
}

impl Role {
    /// Short Chinese name of the role.
    pub fn name_zh(&self) -> String {
        match self {
            Role::Admin => "管理员".to_owned(),
            Role::Department { department } => format!("部门（{department}）"),
            Role::Leader => "领导".to_owned(),
        }
    }

    /// Short English name of the role.
    pub fn name_en(&self) -> String {
        match self {
            Role::Admin => "admin".to_owned(),
            Role::Department { department } => format!("department ({department})"),
            Role::Leader => "leader".to_owned(),
        }
    }
}

/// Who performs a step (操作人): the user and the role they act in. Recorded on every transition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// The user account.
    pub user: UserId,
    /// The role the user acts in.
    #[serde(flatten)]
    pub role: Role,
}

impl Actor {
    /// An administrator.
    pub fn admin(user: UserId) -> Self {
        Self {
            user,
            role: Role::Admin,
        }
    }

    /// A user of `department`.
    pub fn department(user: UserId, department: DepartmentId) -> Self {
        Self {
            user,
            role: Role::Department { department },
        }
    }

    /// A leader.
    pub fn leader(user: UserId) -> Self {
        Self {
            user,
            role: Role::Leader,
        }
    }

    /// The department the actor belongs to, if it acts as a department.
    pub fn department_id(&self) -> Option<&DepartmentId> {
        match &self.role {
            Role::Department { department } => Some(department),
            _ => None,
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.user, self.role.name_en())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_ids_are_refused_and_whitespace_is_trimmed() {
        assert!(ItemId::parse("  ").is_err());
        assert_eq!(ItemId::parse(" t1 ").unwrap().as_str(), "t1");
    }

    #[test]
    fn actor_serialises_with_a_flat_role_tag() {
        let actor = Actor::department(UserId::parse("u").unwrap(), DepartmentId::parse("jxj").unwrap());
        let json = serde_json::to_value(&actor).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"user": "u", "role": "department", "department": "jxj"})
        );
        let back: Actor = serde_json::from_value(json).unwrap();
        assert_eq!(back, actor);
        let bad: Result<Actor, _> = serde_json::from_value(serde_json::json!({"user": "", "role": "admin"}));
        assert!(bad.is_err());
    }
}
