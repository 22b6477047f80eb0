//! The slashing keeper: the only way to slashing's store. Params, signing infos and the
//! missed-block bitmaps; slashing and jailing on behalf of liveness and x/evidence.

use std::sync::Arc;

use agora_core::{Address, Context, Dec, Event, Result, StoreKey, VALCONS_PREFIX};
use cosmwasm_std::Order;

use crate::errors::SlashingCode;
use crate::expected::StakingKeeper;
use crate::state::{SigningInfo, MISSED, PARAMS, SIGNING_INFOS};
use crate::Params;

/// Why a validator is slashed (the SDK's `Infraction`, as the `slash` event's `reason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Infraction {
    /// It signed two blocks at one height.
    DoubleSign,
    /// It missed too many blocks of its window.
    Downtime,
}

impl Infraction {
    /// The `reason` attribute of the `slash` event.
    pub fn reason(self) -> &'static str {
        match self {
            Infraction::DoubleSign => "double_sign",
            Infraction::Downtime => "missing_signature",
        }
    }
}

/// The end of time for a tombstoned validator's jail (the SDK's `DoubleSignJailEndTime`,
/// 9999-12-31T23:59:59Z).
pub fn double_sign_jail_end() -> tendermint::Time {
    tendermint::Time::from_unix_timestamp(253_402_300_799, 0).expect("year 9999 is a valid time")
}

/// The block time as a tendermint time.
pub(crate) fn block_time(ctx: &Context) -> tendermint::Time {
    let t = ctx.block.time;
    tendermint::Time::from_unix_timestamp(t.seconds() as i64, t.subsec_nanos() as u32)
        .expect("a block time is a valid time")
}

/// The bech32 consensus address (`agoravalcons1...`) of raw address bytes.
pub fn valcons(consensus: &[u8]) -> String {
    match Address::from_bytes(consensus.to_vec()) {
        Ok(a) => a.to_bech32_with(VALCONS_PREFIX),
        Err(_) => String::new(),
    }
}

/// The slashing keeper.
pub struct Keeper {
    pub(crate) key: StoreKey,
    authority: Address,
    pub(crate) staking: Arc<dyn StakingKeeper>,
}

impl Keeper {
    /// A keeper over `key`, changed by `authority`, slashing through `staking`.
    pub fn new(key: StoreKey, authority: Address, staking: Arc<dyn StakingKeeper>) -> Self {
        Self {
            key,
            authority,
            staking,
        }
    }

    /// Who may change slashing's params.
    pub fn authority(&self) -> &Address {
        &self.authority
    }

    /// The params (the defaults before genesis wrote any).
    pub fn params(&self, ctx: &mut Context) -> Result<Params> {
        Ok(PARAMS.may_load(&ctx.kv(&self.key))?.unwrap_or_default())
    }

    /// Replaces the params; errors if they are invalid.
    pub(crate) fn set_params(&self, ctx: &mut Context, params: &Params) -> Result<()> {
        params.validate()?;
        Ok(PARAMS.save(&mut ctx.kv(&self.key), params)?)
    }

    /// The signing info of consensus address `consensus`, if any.
    pub fn signing_info(&self, ctx: &mut Context, consensus: &[u8]) -> Result<Option<SigningInfo>> {
        Ok(SIGNING_INFOS.may_load(&ctx.kv(&self.key), consensus)?)
    }

    /// The signing info of `consensus`, or `slashing/8`.
    pub fn existing_signing_info(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
    ) -> Result<SigningInfo> {
        self.signing_info(ctx, consensus)?
            .ok_or_else(|| SlashingCode::NoSigningInfoFound.err(valcons(consensus)))
    }

    /// Saves a signing info.
    pub(crate) fn set_signing_info(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
        info: &SigningInfo,
    ) -> Result<()> {
        Ok(SIGNING_INFOS.save(&mut ctx.kv(&self.key), consensus, info)?)
    }

    /// Every (consensus address, signing info), by address.
    pub(crate) fn all_signing_infos(
        &self,
        ctx: &mut Context,
    ) -> Result<Vec<(Vec<u8>, SigningInfo)>> {
        let kv = ctx.kv(&self.key);
        let all = SIGNING_INFOS.range(&kv, None, None, Order::Ascending);
        Ok(all.collect::<std::result::Result<_, _>>()?)
    }

    /// Whether block `index` of `consensus`'s window was missed.
    pub(crate) fn missed(&self, ctx: &mut Context, consensus: &[u8], index: u64) -> Result<bool> {
        Ok(MISSED.has(&ctx.kv(&self.key), (consensus, index)))
    }

    /// Records block `index` of `consensus`'s window as missed or signed.
    pub(crate) fn set_missed(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
        index: u64,
        missed: bool,
    ) -> Result<()> {
        let mut kv = ctx.kv(&self.key);
        if missed {
            MISSED.save(&mut kv, (consensus, index), &())?;
        } else {
            MISSED.remove(&mut kv, (consensus, index));
        }
        Ok(())
    }

    /// The indices of `consensus`'s window that were missed, in order.
    pub(crate) fn missed_indices(&self, ctx: &mut Context, consensus: &[u8]) -> Result<Vec<u64>> {
        let kv = ctx.kv(&self.key);
        let keys = MISSED
            .prefix(consensus)
            .keys(&kv, None, None, Order::Ascending);
        Ok(keys.collect::<std::result::Result<_, _>>()?)
    }

    /// Forgets `consensus`'s missed blocks (a new window starts).
    pub(crate) fn clear_missed(&self, ctx: &mut Context, consensus: &[u8]) -> Result<()> {
        for index in self.missed_indices(ctx, consensus)? {
            MISSED.remove(&mut ctx.kv(&self.key), (consensus, index));
        }
        Ok(())
    }

    /// Whether `consensus` double signed and can never be unjailed.
    pub fn is_tombstoned(&self, ctx: &mut Context, consensus: &[u8]) -> Result<bool> {
        Ok(self
            .signing_info(ctx, consensus)?
            .is_some_and(|i| i.tombstoned))
    }

    /// Marks `consensus` as tombstoned; errors if it has no signing info.
    pub fn tombstone(&self, ctx: &mut Context, consensus: &[u8]) -> Result<()> {
        let mut info = self.existing_signing_info(ctx, consensus)?;
        info.tombstoned = true;
        self.set_signing_info(ctx, consensus, &info)
    }

    /// Keeps `consensus` jailed until `until`.
    pub fn jail_until(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
        until: tendermint::Time,
    ) -> Result<()> {
        let mut info = self.existing_signing_info(ctx, consensus)?;
        info.jailed_until = until;
        self.set_signing_info(ctx, consensus, &info)
    }

    /// Slashes `consensus` by `fraction` of the stake behind `power` at `infraction_height`
    /// through staking, and emits `slash` with the reason and the tokens burned (the SDK's
    /// `SlashWithInfractionReason`). Returns the tokens burned.
    pub fn slash(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
        fraction: Dec,
        power: i64,
        infraction_height: i64,
        infraction: Infraction,
    ) -> Result<u128> {
        let burned = self
            .staking
            .slash(ctx, consensus, infraction_height, power, fraction)?;
        ctx.emit(
            Event::new("slash")
                .attr("address", valcons(consensus))
                .attr("power", power.to_string())
                .attr("reason", infraction.reason())
                .attr("burned_coins", burned.to_string()),
        );
        Ok(burned)
    }

    /// Jails `consensus` through staking and emits `slash` with `jailed`.
    pub fn jail(&self, ctx: &mut Context, consensus: &[u8]) -> Result<()> {
        self.staking.jail(ctx, consensus)?;
        ctx.emit(Event::new("slash").attr("jailed", valcons(consensus)));
        Ok(())
    }

    /// The SDK's `Unjail`: the operator's validator must exist, hold a self delegation of
    /// at least its minimum, be jailed, not be tombstoned and be past its jail time.
    pub fn unjail(&self, ctx: &mut Context, operator: &Address) -> Result<()> {
        let validator = self
            .staking
            .validator(ctx, operator)?
            .ok_or_else(|| SlashingCode::NoValidatorForAddress.bare())?;
        let shares = self
            .staking
            .delegation(ctx, operator, operator)?
            .ok_or_else(|| SlashingCode::MissingSelfDelegation.bare())?;
        let tokens = validator.tokens_from_shares(shares)?;
        if tokens < validator.min_self_delegation {
            return Err(SlashingCode::SelfDelegationTooLowToUnjail.err(format!(
                "{tokens} less than {}",
                validator.min_self_delegation
            )));
        }
        if !validator.jailed {
            return Err(SlashingCode::ValidatorNotJailed.bare());
        }
        let consensus = validator.consensus_address();
        if let Some(info) = self.signing_info(ctx, consensus.as_bytes())? {
            if info.tombstoned || block_time(ctx) < info.jailed_until {
                return Err(SlashingCode::ValidatorJailed.bare());
            }
        }
        self.staking.unjail(ctx, consensus.as_bytes())
    }
}
