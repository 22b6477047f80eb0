//! `agorad comet`: this node's CometBFT identities, as the SDK's `comet` commands print them.
//!
//! - `show-validator`: the consensus public key as `MsgCreateValidator.pubkey` takes it,
//!   `{"@type":"/cosmos.crypto.ed25519.PubKey","key":"<base64>"}`.
//! - `show-address`: the consensus address (`agoravalcons1...`), as slashing reports it.
//! - `show-node-id`: the p2p node id (hex), as peers are addressed (`<id>@<host>:26656`).

use agora_core::{Address, VALCONS_PREFIX};
use agora_node::validator::PrivValidator;
use anyhow::{anyhow, Result};
use base64::Engine as _;
use clap::Subcommand;
use serde_json::json;

use crate::Globals;

/// Type URL of an ed25519 consensus public key.
const ED25519_PUBKEY_TYPE_URL: &str = "/cosmos.crypto.ed25519.PubKey";

/// `agorad comet ...`.
#[derive(Debug, Subcommand)]
pub enum CometCommand {
    /// Prints the validator's consensus public key, as `create-validator` takes it.
    ShowValidator,
    /// Prints the validator's consensus address (agoravalcons...).
    ShowAddress,
    /// Prints this node's p2p id.
    ShowNodeId,
}

impl CometCommand {
    /// Runs the command against the home in `globals`.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let home = &globals.home;
        let key = || PrivValidator::load(&home.priv_validator_key());
        match self {
            CometCommand::ShowValidator => {
                let b64 = base64::engine::general_purpose::STANDARD;
                let pub_key = json!({
                    "@type": ED25519_PUBKEY_TYPE_URL,
                    "key": b64.encode(key()?.public_key().to_bytes()),
                });
                // JSON whatever --output says: it is what create-validator's file holds.
                println!("{pub_key}");
            }
            CometCommand::ShowAddress => {
                let id = key()?.address();
                let address = Address::from_bytes(id.as_bytes())?.to_bech32_with(VALCONS_PREFIX);
                crate::output::print(&address, globals.json)?;
            }
            CometCommand::ShowNodeId => {
                let path = home.node_key();
                let node_key = tendermint_config::NodeKey::load_json_file(&path)
                    .map_err(|e| anyhow!("cannot load {}: {e}", path.display()))?;
                crate::output::print(&node_key.node_id().to_string(), globals.json)?;
            }
        }
        Ok(())
    }
}
