//! Staking hooks: what other modules (distribution, slashing) learn of validator and
//! delegation changes, as the SDK's `StakingHooks`. The app registers them once at wiring
//! ([`crate::Keeper::set_hooks`]); each call runs them in order and an error aborts the tx.

use agora_core::{Address, Context, Dec, Result};

/// Callbacks on validator and delegation changes; every method does nothing by default.
pub trait StakingHooks: Send + Sync {
    /// A validator was created (after its record is stored).
    fn after_validator_created(&self, _ctx: &mut Context, _validator: &Address) -> Result<()> {
        Ok(())
    }
    /// A validator's commission is about to change.
    fn before_validator_modified(&self, _ctx: &mut Context, _validator: &Address) -> Result<()> {
        Ok(())
    }
    /// A validator was deleted.
    fn after_validator_removed(
        &self,
        _ctx: &mut Context,
        _consensus: &Address,
        _validator: &Address,
    ) -> Result<()> {
        Ok(())
    }
    /// A validator joined the bonded set.
    fn after_validator_bonded(
        &self,
        _ctx: &mut Context,
        _consensus: &Address,
        _validator: &Address,
    ) -> Result<()> {
        Ok(())
    }
    /// A validator left the bonded set and began unbonding.
    fn after_validator_begin_unbonding(
        &self,
        _ctx: &mut Context,
        _consensus: &Address,
        _validator: &Address,
    ) -> Result<()> {
        Ok(())
    }
    /// A delegator's first delegation to a validator is about to be created.
    fn before_delegation_created(
        &self,
        _ctx: &mut Context,
        _delegator: &Address,
        _validator: &Address,
    ) -> Result<()> {
        Ok(())
    }
    /// An existing delegation's shares are about to change.
    fn before_delegation_shares_modified(
        &self,
        _ctx: &mut Context,
        _delegator: &Address,
        _validator: &Address,
    ) -> Result<()> {
        Ok(())
    }
    /// A delegation is about to be deleted (its last shares were unbonded).
    fn before_delegation_removed(
        &self,
        _ctx: &mut Context,
        _delegator: &Address,
        _validator: &Address,
    ) -> Result<()> {
        Ok(())
    }
    /// The validator is about to lose `fraction` of its stake to a slash.
    fn before_validator_slashed(
        &self,
        _ctx: &mut Context,
        _validator: &Address,
        _fraction: Dec,
    ) -> Result<()> {
        Ok(())
    }
    /// A delegation was created or its shares changed.
    fn after_delegation_modified(
        &self,
        _ctx: &mut Context,
        _delegator: &Address,
        _validator: &Address,
    ) -> Result<()> {
        Ok(())
    }
}
