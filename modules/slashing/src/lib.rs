//! agora-slashing: validators punished for downtime (the SDK's x/slashing, v0.50 semantics).
//!
//! Each BeginBlock moves every validator of `decided_last_commit` one block along its
//! `signed_blocks_window` (a missed-block bitmap and counter in its signing info); one
//! that missed more than `1 - min_signed_per_window` of the window is slashed by
//! `slash_fraction_downtime`, jailed for `downtime_jail_duration`, and starts a fresh
//! window. x/evidence slashes, jails and tombstones double signers through this keeper.
//! Msgs: `MsgUnjail` and the authority's `MsgUpdateParams`; queries Params, SigningInfo,
//! SigningInfos. A staking hook gives each newly bonded validator its signing info.

mod errors;
pub mod expected;
mod genesis;
mod hooks;
mod keeper;
mod liveness;
mod msgs;
mod params;
mod queries;
mod state;

use std::sync::Arc;

use agora_core::{Context, DecodedMsg, Module, Result, ValidatorUpdate};
use agora_proto::Any;

pub use errors::SlashingCode;
pub use hooks::Hooks;
pub use keeper::{double_sign_jail_end, valcons, Infraction, Keeper};
pub use liveness::VALIDATOR_UPDATE_DELAY;
pub use msgs::{MSG_UNJAIL_TYPE_URL, MSG_UPDATE_PARAMS_TYPE_URL};
pub use params::Params;
pub use state::SigningInfo;

/// The module name: store, codespace and genesis key.
pub const MODULE: &str = "slashing";

/// The slashing module, over its keeper.
pub struct Slashing {
    keeper: Arc<Keeper>,
}

impl Slashing {
    /// The slashing module of `keeper`.
    pub fn new(keeper: Arc<Keeper>) -> Self {
        Self { keeper }
    }
}

impl Module for Slashing {
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

    /// Judges the liveness of the last commit's validators.
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
