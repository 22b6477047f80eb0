//! Slashing and jailing, as x/slashing and x/evidence ask for them (the SDK's `Slash`,
//! `Jail` and `Unjail`): a slash burns a fraction of the stake a validator had at the
//! infraction, taken from its tokens and from the unbonding delegations and redelegations
//! that left it after the infraction.

use agora_core::{Address, Coin, Coins, Context, Dec, Error, Result};
use cosmwasm_std::Order;

use crate::errors::StakingCode;
use crate::keeper::NOT_BONDED_POOL;
use crate::state::{REDELEGATIONS, REDELEGATIONS_BY_SRC, UNBONDING_BY_VALIDATOR};
use crate::unbonding::UnbondingDelegation;
use crate::{BondStatus, Keeper, Validator, BONDED_POOL, POWER_REDUCTION};

impl Keeper {
    /// The validator with consensus address `consensus`, or `staking/3`.
    fn validator_of(&self, ctx: &mut Context, consensus: &[u8]) -> Result<Validator> {
        self.validator_by_consensus_address(ctx, consensus)?
            .ok_or_else(|| StakingCode::NoValidatorFound.bare())
    }

    /// Jails the validator with consensus address `consensus`: it leaves the bonded set at
    /// this block's EndBlock. Jailing a jailed validator is a bug (as the SDK's).
    pub fn jail(&self, ctx: &mut Context, consensus: &[u8]) -> Result<()> {
        let mut validator = self.validator_of(ctx, consensus)?;
        if validator.jailed {
            return Err(Error::internal(format!(
                "cannot jail already jailed validator {}",
                validator.operator_address()
            )));
        }
        validator.jailed = true;
        self.set_validator(ctx, &validator)
    }

    /// Unjails the validator with consensus address `consensus` (x/slashing checked that it
    /// may be); it may rejoin the bonded set at EndBlock.
    pub fn unjail(&self, ctx: &mut Context, consensus: &[u8]) -> Result<()> {
        let mut validator = self.validator_of(ctx, consensus)?;
        if !validator.jailed {
            return Err(Error::internal(format!(
                "cannot unjail already unjailed validator {}",
                validator.operator_address()
            )));
        }
        validator.jailed = false;
        self.set_validator(ctx, &validator)
    }

    /// The SDK's `Slash`: burns `fraction` of the tokens behind `power` (the validator's
    /// power at `infraction_height`). Unbonding delegations and redelegations created at or
    /// after the infraction height and not yet mature pay their share first; the validator's
    /// tokens pay the rest, capped at what it has. A validator that no longer exists is not
    /// slashed (it was removed after being slashed to nothing). Returns the tokens burned
    /// from the validator itself.
    pub fn slash(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
        infraction_height: i64,
        power: i64,
        fraction: Dec,
    ) -> Result<u128> {
        let stake = u128::try_from(power).unwrap_or(0) * POWER_REDUCTION;
        let slash_amount = fraction.mul_int_quo_int(stake, 1)?.truncate()?;
        let Some(mut validator) = self.validator_by_consensus_address(ctx, consensus)? else {
            return Ok(0);
        };
        if validator.status == BondStatus::Unbonded {
            return Err(Error::internal(format!(
                "should not be slashing unbonded validator {}",
                validator.operator_address()
            )));
        }
        let operator = validator.operator.clone();
        self.each_hook(ctx, |h, ctx| h.before_validator_modified(ctx, &operator))?;
        let height = i64::try_from(ctx.block.height).unwrap_or(i64::MAX);
        if infraction_height > height {
            return Err(Error::internal(format!(
                "impossible attempt to slash future infraction at height {infraction_height} but we are at height {height}"
            )));
        }
        let mut remaining = slash_amount;
        if infraction_height < height {
            for ubd_delegator in self.unbonding_delegators_of(ctx, &operator)? {
                let slashed = self.slash_unbonding(
                    ctx,
                    &ubd_delegator,
                    &operator,
                    infraction_height,
                    fraction,
                )?;
                remaining = remaining.saturating_sub(slashed);
            }
            for (delegator, dst) in self.redelegations_from(ctx, &operator)? {
                let slashed = self.slash_redelegation(
                    ctx,
                    &delegator,
                    &operator,
                    &dst,
                    infraction_height,
                    fraction,
                )?;
                remaining = remaining.saturating_sub(slashed);
            }
        }
        let burn = remaining.min(validator.tokens);
        if burn == 0 {
            return Ok(0);
        }
        let effective = Dec::from_int(burn)?
            .quo_round_up(Dec::from_int(validator.tokens)?)?
            .min(Dec::one());
        self.each_hook(ctx, |h, ctx| {
            h.before_validator_slashed(ctx, &operator, effective)
        })?;
        validator.tokens -= burn;
        self.set_validator(ctx, &validator)?;
        let pool = match validator.status {
            BondStatus::Bonded => BONDED_POOL,
            _ => NOT_BONDED_POOL,
        };
        self.burn_from(ctx, pool, burn)?;
        Ok(burn)
    }

    /// Delegators unbonding from `validator`.
    fn unbonding_delegators_of(
        &self,
        ctx: &mut Context,
        validator: &Address,
    ) -> Result<Vec<Address>> {
        let kv = ctx.kv(&self.key);
        let keys = UNBONDING_BY_VALIDATOR.prefix(validator.as_bytes()).keys(
            &kv,
            None,
            None,
            Order::Ascending,
        );
        keys.map(|k| Address::from_bytes(k?)).collect()
    }

    /// (delegator, destination) of every redelegation out of `src`.
    fn redelegations_from(
        &self,
        ctx: &mut Context,
        src: &Address,
    ) -> Result<Vec<(Address, Address)>> {
        let kv = ctx.kv(&self.key);
        let keys =
            REDELEGATIONS_BY_SRC
                .sub_prefix(src.as_bytes())
                .keys(&kv, None, None, Order::Ascending);
        keys.map(|k| {
            let (delegator, dst) = k?;
            Ok((Address::from_bytes(delegator)?, Address::from_bytes(dst)?))
        })
        .collect()
    }

    /// The SDK's `SlashUnbondingDelegation`: each entry created at or after the infraction
    /// and not yet mature loses `fraction` of its initial balance (capped at its balance),
    /// burned from the not-bonded pool. Returns what the entries owed, burned or not.
    fn slash_unbonding(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &Address,
        infraction_height: i64,
        fraction: Dec,
    ) -> Result<u128> {
        let Some(mut ubd) = self.unbonding_delegation(ctx, delegator, validator)? else {
            return Ok(0);
        };
        let (owed, burned) = slash_entries(&mut ubd, ctx, infraction_height, |entry| {
            fraction
                .mul_int_quo_int(entry.initial_balance, 1)?
                .truncate()
        })?;
        if burned > 0 {
            self.set_unbonding(ctx, delegator, validator, &ubd)?;
            self.burn_from(ctx, NOT_BONDED_POOL, burned)?;
        }
        Ok(owed)
    }

    /// The SDK's `SlashRedelegation`: each entry created at or after the infraction and not
    /// yet mature owes `fraction` of its initial balance, taken first from the delegator's
    /// unbonding from the destination, then by unbonding `fraction` of the entry's shares
    /// from the destination and burning their tokens. Returns what the entries owed.
    fn slash_redelegation(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        src: &Address,
        dst: &Address,
        infraction_height: i64,
        fraction: Dec,
    ) -> Result<u128> {
        let key = (delegator.as_bytes(), src.as_bytes(), dst.as_bytes());
        let Some(red) = REDELEGATIONS.may_load(&ctx.kv(&self.key), key)? else {
            return Ok(0);
        };
        let now = ctx.block.time.nanos();
        let (mut owed, mut bonded_burn, mut not_bonded_burn) = (0u128, 0u128, 0u128);
        for entry in &red.entries {
            if (entry.creation_height as i64) < infraction_height
                || entry.completion_time_nanos <= now
            {
                continue;
            }
            let mut amount = fraction
                .mul_int_quo_int(entry.initial_balance, 1)?
                .truncate()?;
            owed += amount;
            if let Some(mut ubd) = self.unbonding_delegation(ctx, delegator, dst)? {
                let (_, burned) = slash_entries(&mut ubd, ctx, infraction_height, |e| {
                    let take = amount.min(e.balance);
                    amount -= take;
                    Ok(take)
                })?;
                if burned > 0 {
                    not_bonded_burn += burned;
                    self.set_unbonding(ctx, delegator, dst, &ubd)?;
                }
            }
            let shares = fraction.mul_round(entry.shares_dst)?;
            if shares.is_zero() || amount == 0 {
                continue;
            }
            let Some(held) = self.delegation(ctx, delegator, dst)? else {
                continue;
            };
            let mut destination = self.existing_validator(ctx, dst)?;
            let tokens = self.unbond(ctx, delegator, &mut destination, held, shares.min(held))?;
            match destination.status {
                BondStatus::Bonded => bonded_burn += tokens,
                _ => not_bonded_burn += tokens,
            }
        }
        self.burn_from(ctx, BONDED_POOL, bonded_burn)?;
        self.burn_from(ctx, NOT_BONDED_POOL, not_bonded_burn)?;
        Ok(owed)
    }

    /// Burns `amount` bond-denom tokens held by the pool `pool`.
    fn burn_from(&self, ctx: &mut Context, pool: &str, amount: u128) -> Result<()> {
        if amount == 0 {
            return Ok(());
        }
        let denom = self.params(ctx)?.bond_denom;
        let coins: Coins = Coin::new(amount, denom).into();
        self.bank.burn_coins(ctx, pool, &coins)
    }
}

/// Slashes the entries of `ubd` created at or after `infraction_height` and not yet mature,
/// each by `owed(entry)` capped at its balance. Returns (total owed, total taken).
fn slash_entries(
    ubd: &mut UnbondingDelegation,
    ctx: &Context,
    infraction_height: i64,
    mut owed: impl FnMut(&crate::UnbondingEntry) -> Result<u128>,
) -> Result<(u128, u128)> {
    let now = ctx.block.time.nanos();
    let (mut total_owed, mut taken) = (0u128, 0u128);
    for entry in &mut ubd.entries {
        if (entry.creation_height as i64) < infraction_height || entry.completion_time_nanos <= now
        {
            continue;
        }
        let amount = owed(entry)?;
        total_owed += amount;
        let take = amount.min(entry.balance);
        entry.balance -= take;
        taken += take;
    }
    Ok((total_owed, taken))
}
