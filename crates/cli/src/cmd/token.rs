//! `plantrack token create NAME [--label TEXT]` — prints a new API bearer token for user NAME; the token carries
//! the user's role. Shown once: the store keeps only its hash.

use std::process::ExitCode;

use plantrack_app::Principal;
use plantrack_app::accounts;

use super::{StoreArgs, app_error, runtime, show_before_commit};

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create a bearer token for a user and print it.
    Create(CreateArgs),
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The user's login name.
    pub name: String,
    /// A label for the token (shown on the accounts page).
    #[arg(long, default_value = "cli")]
    pub label: String,
}

pub fn run(cmd: TokenCommand, store: &StoreArgs) -> anyhow::Result<ExitCode> {
    let TokenCommand::Create(a) = cmd;
    let rt = runtime()?;
    rt.block_on(async {
        let store = store.open().await?;
        // Shown before it is committed: a token that could not be printed is not kept (nobody could use it).
        accounts::create_token_then(&store, &Principal::system(), &a.name, &a.label, |token| {
            show_before_commit(&format!("{token}\n"), "令牌", "the token")
        })
        .await
        .map_err(app_error)?;
        Ok(ExitCode::SUCCESS)
    })
}
