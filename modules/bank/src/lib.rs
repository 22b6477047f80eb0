//! agora-bank: balances, supply, denom metadata and send-enabled flags; `MsgSend` and
//! `MsgMultiSend` with the standard type URLs; `/cosmos.bank.v1beta1.Query/...` queries.

mod errors;
mod events;
mod genesis;
pub mod keeper;
mod metadata;
mod msgs;
mod params;
mod queries;
mod state;

use std::collections::BTreeSet;

use agora_core::{Address, Context, Module, Result};
use agora_proto::Any;

pub use errors::BankCode;
pub use metadata::{DenomUnit, Metadata};
pub use msgs::{MSG_MULTI_SEND_TYPE_URL, MSG_SEND_TYPE_URL};
pub use params::{Params, SendEnabled};

/// The module name: store prefix, codespace and genesis key.
pub const MODULE: &str = "bank";

/// The bank module, knowing which module accounts may not receive funds.
pub struct Bank {
    blocked: BTreeSet<Address>,
}

impl Bank {
    /// A bank module that refuses sends to the accounts of `blocked_module_accounts`
    /// (addresses `Address::module(name)`), as the SDK's `BlockedAddrs`.
    pub fn new(blocked_module_accounts: &[&str]) -> Self {
        Self {
            blocked: blocked_module_accounts
                .iter()
                .map(|name| Address::module(name))
                .collect(),
        }
    }
}

impl Module for Bank {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn default_genesis(&self) -> serde_json::Value {
        genesis::default_json()
    }

    fn validate_genesis(&self, genesis: &serde_json::Value) -> Result<()> {
        genesis::parse(genesis).map(|_| ())
    }

    fn init_genesis(&self, ctx: &mut Context, genesis: &serde_json::Value) -> Result<()> {
        let state = genesis::parse(genesis)?;
        genesis::init(ctx, &state, &self.blocked)
    }

    fn export_genesis(&self, ctx: &mut Context) -> Result<serde_json::Value> {
        genesis::export(ctx)
    }

    fn msg_type_urls(&self) -> &'static [&'static str] {
        msgs::TYPE_URLS
    }

    fn msg_signers(&self, msg: &Any) -> Result<Vec<Address>> {
        msgs::signers(msg)
    }

    fn handle_msg(&self, ctx: &mut Context, msg: &Any) -> Result<Vec<u8>> {
        msgs::handle(ctx, msg, &self.blocked)
    }

    fn query_paths(&self) -> &'static [&'static str] {
        queries::PATHS
    }

    fn query(&self, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
        queries::handle(ctx, path, data)
    }
}
