//! Commands that talk to a node over CometBFT RPC: `status`, `query ...`, `tx ...`.
//!
//! - [`args`]: coins, addresses, keys, `--node`.
//! - [`rpc`]: the RPC client and its errors.
//! - the SDK's tx JSON, both ways, is `agora_app::txjson`.
//! - [`factory`]: fees, gas (`--gas auto`), signing.
//! - [`broadcast`]: `-b sync|async` and the confirmation prompt.
//! - [`query`], [`tx`]: the subcommands; [`staking`]: staking's; [`distribution`]:
//!   distribution's and mint's; [`slashing`]: slashing's and evidence's; [`gov`]: gov's;
//!   [`upgrade`]: upgrade's.

pub mod args;
pub mod broadcast;
pub mod distribution;
pub mod factory;
pub mod gov;
pub mod query;
pub mod response;
pub mod rpc;
pub mod slashing;
pub mod staking;
pub mod tx;
pub mod upgrade;

use anyhow::Result;
use tendermint_rpc::Client as _;

pub use query::QueryCommand;
pub use tx::TxCommand;

use crate::{output, Globals};

/// `agorad status` arguments.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    #[command(flatten)]
    node: args::NodeArg,
}

impl StatusArgs {
    /// Prints the node's status (CometBFT's `/status`: node_info, sync_info, validator_info).
    pub fn run(self, globals: &Globals) -> Result<()> {
        let rpc = rpc::Rpc::new(&self.node.url(globals))?;
        output::print(&rpc.call(|c| c.status())?, globals.json)
    }
}
