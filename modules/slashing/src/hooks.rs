//! Slashing's staking hooks: a validator joining the bonded set gets a signing info, or
//! its window restarts at this height if it has one (the SDK's `AfterValidatorBonded`).

use std::sync::Arc;

use agora_core::{Address, Context, Result};
use agora_staking::StakingHooks;

use crate::state::SigningInfo;
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
    fn after_validator_bonded(
        &self,
        ctx: &mut Context,
        consensus: &Address,
        _validator: &Address,
    ) -> Result<()> {
        let height = ctx.block.height;
        let info = match self.keeper.signing_info(ctx, consensus.as_bytes())? {
            Some(mut info) => {
                info.start_height = height;
                info
            }
            None => SigningInfo::new(height),
        };
        self.keeper
            .set_signing_info(ctx, consensus.as_bytes(), &info)
    }
}
