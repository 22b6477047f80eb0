//! agora-distribution: fees and inflation paid to validators and their delegators (the SDK's
//! x/distribution, v0.50 semantics).
//!
//! Each BeginBlock moves what the fee collector holds into the distribution module account
//! and shares it among the last commit's validators by power, after the community tax; a
//! validator's commission is set aside and the rest accrues to its delegators with the F1
//! algorithm (validator periods, historical and current rewards, slash events), so
//! withdrawing costs the same after 10 blocks or 10,000. Staking hooks keep the records in
//! step with delegations. Msgs: set withdraw address, withdraw rewards and commission, fund
//! the community pool, deposit into a validator's rewards pool, and the authority's
//! community pool spend and `MsgUpdateParams`. Every Query method of the SDK.

mod allocation;
mod errors;
pub mod expected;
mod genesis;
mod hooks;
mod keeper;
mod msgs;
mod params;
mod queries;
mod rewards;
mod state;

use std::sync::Arc;

use agora_core::{Context, DecodedMsg, Module, Result, ValidatorUpdate};
use agora_proto::Any;

pub use errors::DistributionCode;
pub use hooks::Hooks;
pub use keeper::Keeper;
pub use msgs::{
    MSG_COMMUNITY_POOL_SPEND_TYPE_URL, MSG_DEPOSIT_VALIDATOR_REWARDS_TYPE_URL,
    MSG_FUND_COMMUNITY_POOL_TYPE_URL, MSG_SET_WITHDRAW_ADDRESS_TYPE_URL,
    MSG_UPDATE_PARAMS_TYPE_URL, MSG_WITHDRAW_COMMISSION_TYPE_URL, MSG_WITHDRAW_REWARD_TYPE_URL,
};
pub use params::Params;

/// The module name: store, codespace and genesis key.
pub const MODULE: &str = "distribution";
/// The module account holding rewards, commission and the community pool.
pub const DISTRIBUTION_MODULE: &str = "distribution";

/// The distribution module, over its keeper.
pub struct Distribution {
    keeper: Arc<Keeper>,
}

impl Distribution {
    /// The distribution module of `keeper`.
    pub fn new(keeper: Arc<Keeper>) -> Self {
        Self { keeper }
    }
}

impl Module for Distribution {
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

    /// Allocates the fee collector's coins to the last commit's validators.
    fn begin_block(&self, ctx: &mut Context) -> Result<()> {
        self.keeper.begin_block(ctx)
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
