//! agora-staking: validators chosen by stake (the SDK's x/staking, v0.50 semantics).
//!
//! Validators with tokens, shares and commission (`MsgEditValidator` with the SDK's daily
//! and max-change limits); delegations with the SDK's share arithmetic; the bonded and
//! not-bonded pools; `MsgCreateValidator`, `MsgDelegate`, `MsgUndelegate`,
//! `MsgCancelUnbondingDelegation`, `MsgBeginRedelegate` and the authority's
//! `MsgUpdateParams`; the unbonding and redelegation queues maturing at EndBlock; EndBlock's
//! bonded set of the `max_validators` strongest unjailed validators, returned to the engine
//! as power changes; historical info for IBC; `Slash`, `Jail` and `Unjail` for x/slashing
//! and x/evidence; every Query method; `StakingHooks` registered at wiring.

mod errors;
mod events;
pub mod expected;
mod genesis;
mod historical;
mod hooks;
mod keeper;
mod msgs;
mod params;
mod queries;
mod redelegation;
mod slash;
mod state;
mod unbonding;
mod validator;

use std::sync::Arc;

use agora_core::{Context, DecodedMsg, Module, Result, ValidatorUpdate};
use agora_proto::Any;

pub use errors::StakingCode;
pub use hooks::StakingHooks;
pub use keeper::{Delegation, Keeper, TokenSource, BONDED_POOL, NOT_BONDED_POOL};
pub use msgs::{
    MSG_CANCEL_UNBONDING_TYPE_URL, MSG_CREATE_VALIDATOR_TYPE_URL, MSG_DELEGATE_TYPE_URL,
    MSG_EDIT_VALIDATOR_TYPE_URL, MSG_REDELEGATE_TYPE_URL, MSG_UNDELEGATE_TYPE_URL,
    MSG_UPDATE_PARAMS_TYPE_URL,
};
pub use params::Params;
pub use redelegation::{Redelegation, RedelegationEntry, RedelegationRecord};
pub use unbonding::{UnbondingDelegation, UnbondingEntry};
pub use validator::{
    consensus_pubkey_any, BondStatus, Commission, Description, Validator, POWER_REDUCTION,
};

/// The module name: store, codespace and genesis key.
pub const MODULE: &str = "staking";

/// The staking module, over its keeper.
pub struct Staking {
    keeper: Arc<Keeper>,
}

impl Staking {
    /// The staking module of `keeper`.
    pub fn new(keeper: Arc<Keeper>) -> Self {
        Self { keeper }
    }
}

impl Module for Staking {
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
        genesis::init(&self.keeper, ctx, &state)
    }

    fn export_genesis(&self, ctx: &mut Context) -> Result<serde_json::Value> {
        genesis::export(&self.keeper, ctx)
    }

    /// Stores this block's header and bonded set as historical info, for IBC.
    fn begin_block(&self, ctx: &mut Context) -> Result<()> {
        self.keeper.track_historical_info(ctx)
    }

    /// The bonded set by power (its changes go to the engine), then matured validator
    /// unbondings and unbonding delegations, in the SDK's order.
    fn end_block(&self, ctx: &mut Context) -> Result<Vec<ValidatorUpdate>> {
        let updates = self.keeper.apply_validator_set_updates(ctx)?;
        self.keeper.unbond_mature_validators(ctx)?;
        self.keeper.complete_mature_unbondings(ctx)?;
        self.keeper.complete_mature_redelegations(ctx)?;
        Ok(updates)
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
