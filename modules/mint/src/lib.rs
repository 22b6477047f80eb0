//! agora-mint: inflation between min and max toward the bonded goal (the SDK's x/mint, v0.50
//! semantics). Each BeginBlock moves the inflation rate by the bonded ratio's distance from
//! the goal, recomputes the annual provisions from the bond denom's supply and mints this
//! block's share into the `mint` module account, which pays it to the fee collector. The
//! authority changes the params with `/cosmos.mint.v1beta1.MsgUpdateParams`;
//! `/cosmos.mint.v1beta1.Query/{Params,Inflation,AnnualProvisions}` read them.
//!
//! The app registers the `mint` module account with auth's `minter` permission.

mod events;
pub mod expected;
mod genesis;
mod keeper;
mod minter;
mod msgs;
mod params;
mod queries;
mod state;

use std::sync::Arc;

use agora_core::{Context, DecodedMsg, Module, Result, ValidatorUpdate};
use agora_proto::Any;

pub use keeper::Keeper;
pub use minter::Minter;
pub use msgs::MSG_UPDATE_PARAMS_TYPE_URL;
pub use params::Params;

/// The module name: store, codespace and genesis key.
pub const MODULE: &str = "mint";
/// The module account new coins are minted into (needs auth's `minter` permission).
pub const MINT_MODULE: &str = "mint";

/// The mint module, over its keeper.
pub struct Mint {
    keeper: Arc<Keeper>,
}

impl Mint {
    /// The mint module of `keeper`.
    pub fn new(keeper: Arc<Keeper>) -> Self {
        Self { keeper }
    }
}

impl Module for Mint {
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

    /// Mints this block's provision (the SDK's `BeginBlocker`).
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
