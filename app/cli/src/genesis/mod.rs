//! `agorad genesis ...`: the SDK's genesis ceremony.
//!
//! `add-genesis-account` funds accounts, `gentx` signs a validator's MsgCreateValidator,
//! `collect-gentxs` gathers them into genesis.json, `validate` checks the result.

pub mod account;
pub mod collect;
pub mod doc;
pub mod gentx;

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use crate::Globals;

/// `agorad genesis` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum GenesisCommand {
    /// Adds an account with coins to genesis.json.
    AddGenesisAccount(account::AddGenesisAccountArgs),
    /// Signs a genesis tx creating this node's validator with a self-delegation.
    Gentx(Box<gentx::GentxArgs>),
    /// Collects the gentxs of config/gentx into genesis.json.
    CollectGentxs(collect::CollectGentxsArgs),
    /// Checks a genesis file against every module's rules.
    #[command(visible_alias = "validate-genesis")]
    Validate {
        /// The genesis file (default: <home>/config/genesis.json).
        file: Option<PathBuf>,
    },
}

impl GenesisCommand {
    /// Runs the subcommand.
    pub fn run(self, globals: &Globals) -> Result<()> {
        match self {
            GenesisCommand::AddGenesisAccount(args) => args.run(globals),
            GenesisCommand::Gentx(args) => args.run(globals),
            GenesisCommand::CollectGentxs(args) => args.run(globals),
            GenesisCommand::Validate { file } => {
                validate(&file.unwrap_or_else(|| globals.home.genesis()))
            }
        }
    }
}

fn validate(file: &std::path::Path) -> Result<()> {
    let text = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let doc: serde_json::Value =
        serde_json::from_slice(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    doc::validate_app_state(&doc.get("app_state").cloned().unwrap_or_default())?;
    println!("File at {} is a valid genesis file", file.display());
    Ok(())
}
