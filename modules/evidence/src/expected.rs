//! What evidence needs from other modules (the SDK's expected keepers), and the app's
//! keepers that provide it.

use std::time::Duration;

use agora_core::{Context, Dec, Result};
use agora_slashing::{Infraction, SigningInfo};
use agora_staking::Validator;

/// Validators, as evidence finds them.
pub trait StakingKeeper: Send + Sync {
    /// The validator with consensus address `consensus`, if any.
    fn validator_by_consensus_address(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
    ) -> Result<Option<Validator>>;
}

impl StakingKeeper for agora_staking::Keeper {
    fn validator_by_consensus_address(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
    ) -> Result<Option<Validator>> {
        agora_staking::Keeper::validator_by_consensus_address(self, ctx, consensus)
    }
}

/// Slashing, jailing and tombstoning, as evidence asks for them.
pub trait SlashingKeeper: Send + Sync {
    /// The validator's signing info, if any.
    fn signing_info(&self, ctx: &mut Context, consensus: &[u8]) -> Result<Option<SigningInfo>>;
    /// The share of stake a double sign burns.
    fn slash_fraction_double_sign(&self, ctx: &mut Context) -> Result<Dec>;
    /// Slashes `fraction` of the stake behind `power` at `infraction_height`.
    fn slash(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
        fraction: Dec,
        power: i64,
        infraction_height: i64,
        infraction: Infraction,
    ) -> Result<u128>;
    /// Jails the validator.
    fn jail(&self, ctx: &mut Context, consensus: &[u8]) -> Result<()>;
    /// Keeps it jailed until `until`.
    fn jail_until(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
        until: tendermint::Time,
    ) -> Result<()>;
    /// Marks it as never to be unjailed.
    fn tombstone(&self, ctx: &mut Context, consensus: &[u8]) -> Result<()>;
}

impl SlashingKeeper for agora_slashing::Keeper {
    fn signing_info(&self, ctx: &mut Context, consensus: &[u8]) -> Result<Option<SigningInfo>> {
        agora_slashing::Keeper::signing_info(self, ctx, consensus)
    }

    fn slash_fraction_double_sign(&self, ctx: &mut Context) -> Result<Dec> {
        Ok(self.params(ctx)?.slash_fraction_double_sign)
    }

    fn slash(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
        fraction: Dec,
        power: i64,
        infraction_height: i64,
        infraction: Infraction,
    ) -> Result<u128> {
        agora_slashing::Keeper::slash(
            self,
            ctx,
            consensus,
            fraction,
            power,
            infraction_height,
            infraction,
        )
    }

    fn jail(&self, ctx: &mut Context, consensus: &[u8]) -> Result<()> {
        agora_slashing::Keeper::jail(self, ctx, consensus)
    }

    fn jail_until(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
        until: tendermint::Time,
    ) -> Result<()> {
        agora_slashing::Keeper::jail_until(self, ctx, consensus, until)
    }

    fn tombstone(&self, ctx: &mut Context, consensus: &[u8]) -> Result<()> {
        agora_slashing::Keeper::tombstone(self, ctx, consensus)
    }
}

/// The evidence age limits of the consensus params.
pub trait ConsensusKeeper: Send + Sync {
    /// (max age in blocks, max age in time), if the params set them.
    fn evidence_max_age(&self, ctx: &mut Context) -> Result<Option<(i64, Duration)>>;
}

impl ConsensusKeeper for agora_consensus::Keeper {
    fn evidence_max_age(&self, ctx: &mut Context) -> Result<Option<(i64, Duration)>> {
        Ok(self.params(ctx)?.evidence.map(|e| {
            let d = e.max_age_duration.unwrap_or_default();
            let age = Duration::new(d.seconds.max(0) as u64, d.nanos.max(0) as u32);
            (e.max_age_num_blocks, age)
        }))
    }
}
