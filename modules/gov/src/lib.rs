//! agora-gov: on-chain governance (the SDK's x/gov v1, v0.50 semantics).
//!
//! A proposal carries Msgs whose only signer is the gov module account. It waits in its
//! deposit period until deposits reach `min_deposit` (then voting starts) or
//! `max_deposit_period` ends (it is dropped, its deposits refunded or burned). Votes are
//! weighted options; at the end of the voting period the tally weighs them by bonded stake,
//! validators voting for delegators who did not; quorum, veto and threshold decide. A passed
//! proposal's Msgs run through the app's router in one branch: all apply or it is FAILED.
//! Expedited proposals vote shorter against a higher threshold and, failing, become regular.
//!
//! - [`proposals`]: submit, deposit, cancel, settle deposits; [`votes`]: weighted votes.
//! - [`tally`]: the SDK's tally; [`abci`]: EndBlock.
//! - [`legacy`]: the v1beta1 Msgs and queries over the same proposals.
//! - [`msgs`], [`queries`], [`genesis`], [`events`], [`params`], [`state`].

mod abci;
mod errors;
mod events;
pub mod expected;
mod genesis;
mod keeper;
mod legacy;
mod msgs;
mod params;
mod proposals;
mod queries;
mod state;
mod tally;
mod votes;

use std::sync::Arc;

use agora_core::{Context, DecodedMsg, Module, Result, ValidatorUpdate};
use agora_proto::Any;

pub use errors::GovCode;
pub use keeper::{Config, Keeper};
pub use msgs::{
    MSG_CANCEL_PROPOSAL_TYPE_URL, MSG_DEPOSIT_TYPE_URL, MSG_EXEC_LEGACY_CONTENT_TYPE_URL,
    MSG_SUBMIT_PROPOSAL_TYPE_URL, MSG_UPDATE_PARAMS_TYPE_URL, MSG_VOTE_TYPE_URL,
    MSG_VOTE_WEIGHTED_TYPE_URL, TEXT_PROPOSAL_TYPE_URL,
};
pub use params::Params;
pub use proposals::status_name;
pub use tally::{Tally, TallyCounts};

/// The module name: store, codespace, genesis key and module account.
pub const MODULE: &str = agora_core::authority::GOV_MODULE;

/// The gov module, over its keeper.
pub struct Gov {
    keeper: Arc<Keeper>,
}

impl Gov {
    /// The gov module of `keeper`.
    pub fn new(keeper: Arc<Keeper>) -> Self {
        Self { keeper }
    }
}

impl Module for Gov {
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

    /// Ends the deposit and voting periods due at this block's time.
    fn end_block(&self, ctx: &mut Context) -> Result<Vec<ValidatorUpdate>> {
        self.keeper.end_block(ctx)?;
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
        if path.starts_with("/cosmos.gov.v1beta1.") {
            return legacy::handle(&self.keeper, ctx, path, data);
        }
        queries::handle(&self.keeper, ctx, path, data)
    }
}
