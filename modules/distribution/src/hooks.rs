//! Distribution's staking hooks: F1 records start with each validator and delegation, a
//! delegation's rewards are paid before its shares change, and a removed validator's
//! records are closed (the SDK's `distribution.Hooks`).

use std::sync::Arc;

use agora_core::{Address, Context, Dec, Result};
use agora_staking::StakingHooks;

use crate::Keeper;

/// The hooks the app registers with staking.
pub struct Hooks {
    keeper: Arc<Keeper>,
}

impl Hooks {
    /// The hooks over `keeper`.
    pub fn new(keeper: Arc<Keeper>) -> Self {
        Self { keeper }
    }
}

impl StakingHooks for Hooks {
    fn after_validator_created(&self, ctx: &mut Context, validator: &Address) -> Result<()> {
        self.keeper.initialize_validator(ctx, validator)
    }

    fn after_validator_removed(
        &self,
        ctx: &mut Context,
        _consensus: &Address,
        validator: &Address,
    ) -> Result<()> {
        self.keeper.close_validator(ctx, validator)
    }

    fn before_delegation_created(
        &self,
        ctx: &mut Context,
        _delegator: &Address,
        validator: &Address,
    ) -> Result<()> {
        let validator = self.keeper.existing_validator(ctx, validator)?;
        self.keeper.increment_validator_period(ctx, &validator)?;
        Ok(())
    }

    fn before_delegation_shares_modified(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &Address,
    ) -> Result<()> {
        let shares = self.keeper.existing_delegation(ctx, delegator, validator)?;
        let validator = self.keeper.existing_validator(ctx, validator)?;
        self.keeper
            .withdraw_delegation_rewards(ctx, &validator, delegator, shares)?;
        Ok(())
    }

    fn after_delegation_modified(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &Address,
    ) -> Result<()> {
        self.keeper.initialize_delegation(ctx, validator, delegator)
    }

    fn before_validator_slashed(
        &self,
        ctx: &mut Context,
        validator: &Address,
        fraction: Dec,
    ) -> Result<()> {
        let validator = self.keeper.existing_validator(ctx, validator)?;
        self.keeper.record_slash(ctx, &validator, fraction)
    }
}
