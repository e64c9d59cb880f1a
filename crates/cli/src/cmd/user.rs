//! `plantrack user add NAME --role ROLE [--department ID] [--enterprise USCC] [--display-name TEXT]` — creates a
//! user; the password is read from standard input (first line), never from the command line.

use std::io::BufRead;
use std::process::ExitCode;

use plantrack_app::accounts::{self, NewUser};
use plantrack_app::auth::Password;
use plantrack_app::{Principal, Role};

use super::{BadInput, StoreArgs, app_error, runtime, show_before_commit};

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create a user (the password is read from stdin).
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Login name.
    pub name: String,
    /// admin, department, leader or enterprise.
    #[arg(long)]
    pub role: Role,
    /// The department a `department` user reports for (plan id, e.g. `tongji`).
    #[arg(long, value_name = "ID")]
    pub department: Option<String>,
    /// The enterprise of an `enterprise` user (统一社会信用代码).
    #[arg(long, value_name = "USCC")]
    pub enterprise: Option<String>,
    /// Name shown in the pages.
    #[arg(long)]
    pub display_name: Option<String>,
}

pub fn run(cmd: UserCommand, store: &StoreArgs) -> anyhow::Result<ExitCode> {
    let UserCommand::Add(a) = cmd;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(BadInput(
            "密码从标准输入读取，不能为空 / the password is read from stdin and must not be empty".into(),
        )
        .into());
    }
    let rt = runtime()?;
    rt.block_on(async {
        let store = store.open().await?;
        let plan = plantrack_app::plan::current_plan(&store)
            .await
            .map_err(app_error)?;
        // Confirmed before it is committed: a user whose creation could not be reported is not kept.
        accounts::add_user_then(
            &store,
            &Principal::system(),
            &plan,
            NewUser {
                username: a.name,
                display_name: a.display_name,
                role: a.role,
                department: a.department,
                enterprise: a.enterprise,
                password: Password::new(password),
            },
            |user| {
                show_before_commit(
                    &format!("{} ({})\n", user.username, user.role),
                    "新用户",
                    "the new user",
                )
            },
        )
        .await
        .map_err(app_error)?;
        Ok(ExitCode::SUCCESS)
    })
}
