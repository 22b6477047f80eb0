//! agora-bank: balances, supply, denom metadata and send-enabled flags; `MsgSend`,
//! `MsgMultiSend`, and the authority's `MsgUpdateParams` and `MsgSetSendEnabled`, with the
//! standard type URLs; `/cosmos.bank.v1beta1.Query/...` queries.

mod errors;
mod events;
pub mod expected;
mod genesis;
mod keeper;
mod metadata;
mod msgs;
mod params;
mod queries;
mod state;

use std::sync::Arc;

use agora_core::{Context, DecodedMsg, Module, Result, ValidatorUpdate};
use agora_proto::Any;

pub use errors::BankCode;
pub use keeper::Keeper;
pub use metadata::{DenomUnit, Metadata};
pub use msgs::{
    MSG_MULTI_SEND_TYPE_URL, MSG_SEND_TYPE_URL, MSG_SET_SEND_ENABLED_TYPE_URL,
    MSG_UPDATE_PARAMS_TYPE_URL,
};
pub use params::{Params, SendEnabled};

/// The module name: store, codespace and genesis key.
pub const MODULE: &str = "bank";

/// The bank module, over its keeper.
pub struct Bank {
    keeper: Arc<Keeper>,
}

impl Bank {
    /// The bank module of `keeper`.
    pub fn new(keeper: Arc<Keeper>) -> Self {
        Self { keeper }
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

    fn init_genesis(
        &self,
        ctx: &mut Context,
        genesis: &serde_json::Value,
    ) -> Result<Vec<ValidatorUpdate>> {
        let state = genesis::parse(genesis)?;
        genesis::init(&self.keeper, ctx, &state)?;
        Ok(Vec::new())
    }

    fn export_genesis(&self, ctx: &mut Context) -> Result<serde_json::Value> {
        genesis::export(&self.keeper, ctx)
    }

    fn msg_type_urls(&self) -> &'static [&'static str] {
        msgs::TYPE_URLS
    }

    fn decode_msg(&self, msg: &Any) -> Result<DecodedMsg> {
        msgs::decode(msg)
    }

    fn handle_msg(&self, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
        msgs::handle(&self.keeper, ctx, msg)
    }

    fn query_paths(&self) -> &'static [&'static str] {
        queries::PATHS
    }

    fn query(&self, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
        queries::handle(&self.keeper, ctx, path, data)
    }
}
