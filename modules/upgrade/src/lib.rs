//! agora-upgrade: software upgrades (the SDK's x/upgrade, v0.50 semantics). The authority
//! (the gov account, through a passed proposal) schedules a [`Plan`] with
//! `/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade` or cancels it with `MsgCancelUpgrade`. At the
//! plan's height, [`Keeper::pre_block`] runs before BeginBlock: a binary without a handler
//! for the plan stops the node there ([`UpgradeNeeded`], the SDK's
//! `UPGRADE "<name>" NEEDED at height: <h>: <info>`); one with a handler ([`Upgrades`]) runs
//! it (migrations, the new module version map) and goes on; `--unsafe-skip-upgrades` skips
//! it. `/cosmos.upgrade.v1beta1.Query/*` reads the plan, applied upgrades, module versions,
//! the authority and the upgraded IBC consensus state.

mod abci;
mod errors;
mod genesis;
mod keeper;
mod msgs;
mod plan;
mod queries;
mod state;

use std::sync::Arc;

use agora_core::{Context, DecodedMsg, Module, Result, ValidatorUpdate};
use agora_proto::Any;

pub use errors::UpgradeCode;
pub use keeper::Keeper;
pub use msgs::{MSG_CANCEL_UPGRADE_TYPE_URL, MSG_SOFTWARE_UPGRADE_TYPE_URL};
pub use plan::{
    run_migrations, Plan, UpgradeHandler, UpgradeNeeded, Upgrades, UPGRADE_INFO_FILE,
    UPGRADE_NEEDED_EXIT_CODE,
};

/// The module name: store, codespace and genesis key.
pub const MODULE: &str = "upgrade";

/// The upgrade module, over its keeper.
pub struct Upgrade {
    keeper: Arc<Keeper>,
}

impl Upgrade {
    /// The upgrade module of `keeper`.
    pub fn new(keeper: Arc<Keeper>) -> Self {
        Self { keeper }
    }
}

impl Module for Upgrade {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn default_genesis(&self) -> serde_json::Value {
        genesis::default_json()
    }

    fn validate_genesis(&self, genesis: &serde_json::Value) -> Result<()> {
        genesis::validate(genesis)
    }

    fn init_genesis(
        &self,
        ctx: &mut Context,
        genesis: &serde_json::Value,
    ) -> Result<Vec<ValidatorUpdate>> {
        genesis::validate(genesis)?;
        genesis::init(&self.keeper, ctx)?;
        Ok(Vec::new())
    }

    fn export_genesis(&self, _ctx: &mut Context) -> Result<serde_json::Value> {
        Ok(genesis::default_json())
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
