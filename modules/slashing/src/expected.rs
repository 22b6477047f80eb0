//! What slashing needs from staking (the SDK's expected keeper), and the app's staking
//! keeper that provides it.

use agora_core::{Address, Context, Dec, Result};
use agora_staking::Validator;

/// Validators, as slashing reads, slashes, jails and unjails them.
pub trait StakingKeeper: Send + Sync {
    /// The validator operated by `operator`, if any.
    fn validator(&self, ctx: &mut Context, operator: &Address) -> Result<Option<Validator>>;
    /// The validator with consensus address `consensus`, if any.
    fn validator_by_consensus_address(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
    ) -> Result<Option<Validator>>;
    /// The shares `delegator` holds in `validator`, if any.
    fn delegation(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &Address,
    ) -> Result<Option<Dec>>;
    /// Burns `fraction` of the stake behind `power` at `infraction_height`; returns the
    /// tokens burned from the validator.
    fn slash(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
        infraction_height: i64,
        power: i64,
        fraction: Dec,
    ) -> Result<u128>;
    /// Takes the validator out of the bonded set.
    fn jail(&self, ctx: &mut Context, consensus: &[u8]) -> Result<()>;
    /// Lets the validator back into the bonded set.
    fn unjail(&self, ctx: &mut Context, consensus: &[u8]) -> Result<()>;
}

impl StakingKeeper for agora_staking::Keeper {
    fn validator(&self, ctx: &mut Context, operator: &Address) -> Result<Option<Validator>> {
        agora_staking::Keeper::validator(self, ctx, operator)
    }

    fn validator_by_consensus_address(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
    ) -> Result<Option<Validator>> {
        agora_staking::Keeper::validator_by_consensus_address(self, ctx, consensus)
    }

    fn delegation(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &Address,
    ) -> Result<Option<Dec>> {
        agora_staking::Keeper::delegation(self, ctx, delegator, validator)
    }

    fn slash(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
        infraction_height: i64,
        power: i64,
        fraction: Dec,
    ) -> Result<u128> {
        agora_staking::Keeper::slash(self, ctx, consensus, infraction_height, power, fraction)
    }

    fn jail(&self, ctx: &mut Context, consensus: &[u8]) -> Result<()> {
        agora_staking::Keeper::jail(self, ctx, consensus)
    }

    fn unjail(&self, ctx: &mut Context, consensus: &[u8]) -> Result<()> {
        agora_staking::Keeper::unjail(self, ctx, consensus)
    }
}
