//! What genutil needs from staking, and staking's keeper providing it.

use agora_core::{Context, Result, ValidatorUpdate};

/// The bonded set after the gentxs created their validators.
pub trait StakingKeeper: Send + Sync {
    /// The SDK's `ApplyAndReturnValidatorSetUpdates`.
    fn apply_and_return_validator_set_updates(
        &self,
        ctx: &mut Context,
    ) -> Result<Vec<ValidatorUpdate>>;
}

impl StakingKeeper for agora_staking::Keeper {
    fn apply_and_return_validator_set_updates(
        &self,
        ctx: &mut Context,
    ) -> Result<Vec<ValidatorUpdate>> {
        self.apply_validator_set_updates(ctx)
    }
}
