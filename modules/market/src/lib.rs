//! agora-market: Agora's compute market. This first part holds the providers: anyone
//! registers CPU, memory, GPU and storage capacity with prices per block and a bond locked in
//! the `market` module account (`/agora.market.v1.MsgRegisterProvider`), updates or pauses
//! it, and deregisters (its bond returns after the unbonding time, found in EndBlock through
//! a queue by release time, never while it has active leases). Jobs, bids, leases, escrow and
//! reputation updates come next. `/agora.market.v1.Query/{Provider,Providers,Params}`.

mod errors;
mod events;
pub mod expected;
mod genesis;
mod keeper;
mod msgs;
mod params;
pub mod provider;
mod queries;
mod state;

use std::sync::Arc;

use agora_core::{Context, DecodedMsg, Module, Result, ValidatorUpdate};
use agora_proto::Any;

pub use errors::MarketCode;
pub use keeper::{Keeper, Offer};
pub use msgs::{
    MSG_DEREGISTER_PROVIDER_TYPE_URL, MSG_PAUSE_PROVIDER_TYPE_URL, MSG_REGISTER_PROVIDER_TYPE_URL,
    MSG_UPDATE_PARAMS_TYPE_URL, MSG_UPDATE_PROVIDER_TYPE_URL,
};
pub use params::Params;

/// The module name: store, codespace and genesis key.
pub const MODULE: &str = "market";
/// The module account that holds provider bonds.
pub const MARKET_MODULE: &str = "market";
/// The reputation a new provider starts with: half of the 10,000 basis points.
pub const STARTING_REPUTATION: u32 = 5_000;

/// The market module, over its keeper.
pub struct Market {
    keeper: Arc<Keeper>,
}

impl Market {
    /// The market module of `keeper`.
    pub fn new(keeper: Arc<Keeper>) -> Self {
        Self { keeper }
    }
}

impl Module for Market {
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
        let (params, providers) = genesis::parse(genesis)?;
        genesis::init(&self.keeper, ctx, &params, &providers)?;
        Ok(Vec::new())
    }

    fn export_genesis(&self, ctx: &mut Context) -> Result<serde_json::Value> {
        genesis::export(&self.keeper, ctx)
    }

    /// Returns the bonds of providers whose unbonding ended.
    fn end_block(&self, ctx: &mut Context) -> Result<Vec<ValidatorUpdate>> {
        self.keeper.release_bonds(ctx)?;
        Ok(Vec::new())
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
