//! agora-auth: accounts (public keys, account numbers, sequences), module accounts and the
//! auth params the ante handler reads. Queries answer `/cosmos.auth.v1beta1.Query/...` with the
//! standard protobuf types, so cosmjs and the CLI read accounts unchanged; the authority
//! changes the params with `/cosmos.auth.v1beta1.MsgUpdateParams`.

mod account;
mod genesis;
mod keeper;
mod msgs;
mod params;
mod queries;
mod state;

use std::sync::Arc;

use agora_core::{Context, DecodedMsg, Module, Result, ValidatorUpdate};
use agora_proto::Any;

pub use account::{
    Account, ModuleAccountInfo, BASE_ACCOUNT_TYPE_URL, MODULE_ACCOUNT_TYPE_URL,
    SECP256K1_PUBKEY_TYPE_URL,
};
pub use keeper::Keeper;
pub use msgs::MSG_UPDATE_PARAMS_TYPE_URL;
pub use params::Params;

/// The module name: store, codespace and genesis key.
pub const MODULE: &str = "auth";
/// The module account that collects tx fees.
pub const FEE_COLLECTOR: &str = "fee_collector";
/// Permission to mint coins (`authtypes.Minter`).
pub const MINTER: &str = "minter";
/// Permission to burn coins (`authtypes.Burner`).
pub const BURNER: &str = "burner";
/// Permission to hold staked coins (`authtypes.Staking`).
pub const STAKING: &str = "staking";

/// The auth module, over its keeper.
pub struct Auth {
    keeper: Arc<Keeper>,
}

impl Auth {
    /// The auth module of `keeper`.
    pub fn new(keeper: Arc<Keeper>) -> Self {
        Self { keeper }
    }
}

impl Module for Auth {
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
