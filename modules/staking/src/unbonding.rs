//! Undelegation: shares turned back into tokens that mature after the unbonding time, the
//! queue that pays them out at EndBlock, cancelling an entry, and validators whose own
//! unbonding matures.

use agora_core::pagination::paginate;
use agora_core::{Address, Coin, Coins, Context, Dec, Error, Result};
use agora_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmwasm_std::Order;
use cw_storage_plus::Bound;
use serde::{Deserialize, Serialize};

use crate::errors::StakingCode;
use crate::keeper::{Delegation, TokenSource, NOT_BONDED_POOL};
use crate::state::{UNBONDING, UNBONDING_BY_VALIDATOR, UNBONDING_QUEUE};
use crate::{events, BondStatus, Keeper, Validator, BONDED_POOL};

/// One undelegation waiting for its completion time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnbondingEntry {
    /// The height it was created at (names it for cancelling).
    pub creation_height: u64,
    /// When it completes, in nanoseconds since the epoch.
    pub completion_time_nanos: u64,
    /// The tokens it started with.
    #[serde(with = "agora_core::amount_string")]
    pub initial_balance: u128,
    /// The tokens it will pay (less after a slash or a partial cancel).
    #[serde(with = "agora_core::amount_string")]
    pub balance: u128,
}

/// A (delegator, validator) pair's unbonding entries, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnbondingDelegation {
    /// The entries.
    pub entries: Vec<UnbondingEntry>,
}

impl Keeper {
    /// The unbonding entries of a pair, if any.
    pub fn unbonding_delegation(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &Address,
    ) -> Result<Option<UnbondingDelegation>> {
        let key = (delegator.as_bytes(), validator.as_bytes());
        Ok(UNBONDING.may_load(&ctx.kv(&self.key), key)?)
    }

    /// One page of `delegator`'s unbonding delegations, by validator.
    pub fn delegator_unbonding_page(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        page: Option<&PageRequest>,
    ) -> Result<(Vec<(Address, UnbondingDelegation)>, PageResponse)> {
        let kv = ctx.kv(&self.key);
        paginate(
            &kv,
            &UNBONDING.prefix(delegator.as_bytes()),
            page,
            |key, ubd| Ok((Address::from_bytes(key.to_vec())?, ubd)),
        )
    }

    /// One page of the unbonding delegations from `validator`, by delegator.
    pub fn validator_unbonding_page(
        &self,
        ctx: &mut Context,
        validator: &Address,
        page: Option<&PageRequest>,
    ) -> Result<(Vec<(Address, UnbondingDelegation)>, PageResponse)> {
        let (delegators, response) = {
            let kv = ctx.kv(&self.key);
            let index = UNBONDING_BY_VALIDATOR.prefix(validator.as_bytes());
            paginate(&kv, &index, page, |key, ()| {
                Address::from_bytes(key.to_vec())
            })?
        };
        let mut out = Vec::with_capacity(delegators.len());
        for delegator in delegators {
            let ubd = self
                .unbonding_delegation(ctx, &delegator, validator)?
                .unwrap_or_default();
            out.push((delegator, ubd));
        }
        Ok((out, response))
    }

    /// Every unbonding delegation, by (delegator, validator) (genesis export).
    pub(crate) fn all_unbonding(
        &self,
        ctx: &mut Context,
    ) -> Result<Vec<(Address, Address, UnbondingDelegation)>> {
        let kv = ctx.kv(&self.key);
        let mut out = Vec::new();
        for record in UNBONDING.range(&kv, None, None, Order::Ascending) {
            let ((delegator, validator), ubd) = record?;
            out.push((
                Address::from_bytes(delegator)?,
                Address::from_bytes(validator)?,
                ubd,
            ));
        }
        Ok(out)
    }

    /// Genesis import of a pair's unbonding entries, queued by their completion times.
    pub(crate) fn import_unbonding(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &Address,
        ubd: &UnbondingDelegation,
    ) -> Result<()> {
        self.set_unbonding(ctx, delegator, validator, ubd)?;
        for entry in &ubd.entries {
            let queued = (
                entry.completion_time_nanos,
                delegator.as_bytes(),
                validator.as_bytes(),
            );
            UNBONDING_QUEUE.save(&mut ctx.kv(&self.key), queued, &())?;
        }
        Ok(())
    }

    /// Saves a pair's unbonding entries (deleting the record when none are left).
    pub(crate) fn set_unbonding(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &Address,
        ubd: &UnbondingDelegation,
    ) -> Result<()> {
        let key = (delegator.as_bytes(), validator.as_bytes());
        let by_validator = (validator.as_bytes(), delegator.as_bytes());
        let mut kv = ctx.kv(&self.key);
        if ubd.entries.is_empty() {
            UNBONDING.remove(&mut kv, key);
            UNBONDING_BY_VALIDATOR.remove(&mut kv, by_validator);
            return Ok(());
        }
        UNBONDING_BY_VALIDATOR.save(&mut kv, by_validator, &())?;
        Ok(UNBONDING.save(&mut kv, key, ubd)?)
    }

    /// The SDK's `Undelegate` of `amount` tokens' worth of shares: the shares are removed,
    /// the tokens leave the bonded pool if the validator is bonded and wait in the not-bonded
    /// pool for `unbonding_time`. Returns the completion time (nanos) and the tokens.
    pub fn undelegate(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        operator: &Address,
        amount: u128,
    ) -> Result<(u64, u128)> {
        let params = self.params(ctx)?;
        let mut validator = self.existing_validator(ctx, operator)?;
        let (shares, held) = self.shares_to_unbond(ctx, delegator, &validator, amount)?;
        let mut ubd = self
            .unbonding_delegation(ctx, delegator, operator)?
            .unwrap_or_default();
        if ubd.entries.len() >= params.max_entries as usize {
            return Err(StakingCode::MaxUnbondingDelegationEntries.bare());
        }
        let was_bonded = validator.status == BondStatus::Bonded;
        let tokens = self.unbond(ctx, delegator, &mut validator, held, shares)?;
        let coins: Coins = Coin::new(tokens, params.bond_denom.clone()).into();
        if was_bonded && tokens > 0 {
            self.bank.send_coins_from_module_to_module(
                ctx,
                BONDED_POOL,
                NOT_BONDED_POOL,
                &coins,
            )?;
        }
        let completion = ctx.block.time.plus_seconds(params.unbonding_time).nanos();
        ubd.entries.push(UnbondingEntry {
            creation_height: ctx.block.height,
            completion_time_nanos: completion,
            initial_balance: tokens,
            balance: tokens,
        });
        self.set_unbonding(ctx, delegator, operator, &ubd)?;
        let queued = (completion, delegator.as_bytes(), operator.as_bytes());
        UNBONDING_QUEUE.save(&mut ctx.kv(&self.key), queued, &())?;
        let coin = Coin::new(tokens, params.bond_denom);
        ctx.emit(events::unbond(&validator, delegator, &coin, completion));
        Ok((completion, tokens))
    }

    /// The SDK's `Unbond`: takes `shares` of the `held` ones from a delegation (deleting it
    /// when none are left), jails an operator left below its minimum self delegation, and
    /// returns the tokens the shares were worth, which stay in the validator's pool. A
    /// validator left without shares while unbonded is deleted.
    pub(crate) fn unbond(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &mut Validator,
        held: Dec,
        shares: Dec,
    ) -> Result<u128> {
        let operator = validator.operator.clone();
        self.each_hook(ctx, |h, ctx| {
            h.before_delegation_shares_modified(ctx, delegator, &operator)
        })?;
        let remaining = held.checked_sub(shares)?;
        if remaining.is_zero() {
            self.each_hook(ctx, |h, ctx| {
                h.before_delegation_removed(ctx, delegator, &operator)
            })?;
            self.remove_delegation(ctx, delegator, &operator);
        } else {
            self.set_delegation(
                ctx,
                &Delegation {
                    delegator: delegator.clone(),
                    validator: operator.clone(),
                    shares: remaining,
                },
            )?;
            self.each_hook(ctx, |h, ctx| {
                h.after_delegation_modified(ctx, delegator, &operator)
            })?;
        }
        if *delegator == operator
            && !validator.jailed
            && validator.tokens_from_shares(remaining)? < validator.min_self_delegation
        {
            validator.jailed = true;
        }
        let tokens = validator.remove_delegator_shares(shares)?;
        if validator.delegator_shares.is_zero() && validator.status == BondStatus::Unbonded {
            self.remove_validator(ctx, validator)?;
        } else {
            self.set_validator(ctx, validator)?;
        }
        Ok(tokens)
    }

    /// The SDK's `ValidateUnbondAmount`: the shares `amount` tokens of `delegator`'s
    /// delegation to `validator` are, and the shares held.
    pub(crate) fn shares_to_unbond(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &Validator,
        amount: u128,
    ) -> Result<(Dec, Dec)> {
        let held = self
            .delegation(ctx, delegator, &validator.operator)?
            .ok_or_else(|| StakingCode::NoDelegation.bare())?;
        let shares = validator.shares_from_tokens(amount)?;
        if shares > held {
            return Err(StakingCode::NotEnoughDelegationShares.err("invalid shares amount"));
        }
        Ok((shares, held))
    }

    /// The SDK's `CancelUnbondingDelegation`: `amount` of the entry created at
    /// `creation_height` is delegated back to the validator.
    pub fn cancel_unbonding(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        operator: &Address,
        amount: u128,
        creation_height: u64,
    ) -> Result<()> {
        let mut validator = self.existing_validator(ctx, operator)?;
        if validator.jailed {
            return Err(StakingCode::ValidatorJailed.bare());
        }
        let mut ubd = self
            .unbonding_delegation(ctx, delegator, operator)?
            .ok_or_else(|| StakingCode::NoUnbondingDelegation.bare())?;
        let now = ctx.block.time.nanos();
        let index = ubd
            .entries
            .iter()
            .position(|e| e.creation_height == creation_height && e.completion_time_nanos > now)
            .ok_or_else(|| {
                StakingCode::NoUnbondingDelegation.err(format!(
                    "no unbonding entry at creation height {creation_height}"
                ))
            })?;
        let entry = &mut ubd.entries[index];
        if amount > entry.balance {
            return Err(Error::sdk(
                agora_core::SdkCode::InvalidRequest,
                "amount is greater than the unbonding delegation entry balance",
            ));
        }
        entry.balance -= amount;
        entry.initial_balance = entry.initial_balance.saturating_sub(amount);
        if entry.balance == 0 {
            let completion = entry.completion_time_nanos;
            ubd.entries.remove(index);
            if !ubd
                .entries
                .iter()
                .any(|e| e.completion_time_nanos == completion)
            {
                let queued = (completion, delegator.as_bytes(), operator.as_bytes());
                UNBONDING_QUEUE.remove(&mut ctx.kv(&self.key), queued);
            }
        }
        self.set_unbonding(ctx, delegator, operator, &ubd)?;
        self.delegate(
            ctx,
            delegator,
            &mut validator,
            amount,
            TokenSource::NotBondedPool,
        )?;
        Ok(())
    }

    /// EndBlock: pays out every unbonding entry whose time has come, from the not-bonded pool.
    pub(crate) fn complete_mature_unbondings(&self, ctx: &mut Context) -> Result<()> {
        let now = ctx.block.time.nanos();
        let due: Vec<(u64, Vec<u8>, Vec<u8>)> = {
            let kv = ctx.kv(&self.key);
            let end = Bound::inclusive((now, &[0xffu8; 64][..], &[0xffu8; 64][..]));
            UNBONDING_QUEUE
                .keys(&kv, None, Some(end), Order::Ascending)
                .collect::<std::result::Result<_, _>>()?
        };
        let denom = self.params(ctx)?.bond_denom;
        for (time, delegator, operator) in due {
            UNBONDING_QUEUE.remove(&mut ctx.kv(&self.key), (time, &delegator, &operator));
            let (delegator, operator) = (
                Address::from_bytes(delegator)?,
                Address::from_bytes(operator)?,
            );
            let Some(mut ubd) = self.unbonding_delegation(ctx, &delegator, &operator)? else {
                continue;
            };
            let (mature, pending): (Vec<_>, Vec<_>) = ubd
                .entries
                .into_iter()
                .partition(|e| e.completion_time_nanos <= now);
            ubd.entries = pending;
            self.set_unbonding(ctx, &delegator, &operator, &ubd)?;
            let paid: u128 = mature.iter().map(|e| e.balance).sum();
            if paid > 0 {
                let coins: Coins = Coin::new(paid, denom.clone()).into();
                self.bank.undelegate_coins_from_module_to_account(
                    ctx,
                    NOT_BONDED_POOL,
                    &delegator,
                    &coins,
                )?;
            }
            let coin = Coin::new(paid, denom.clone());
            ctx.emit(events::complete_unbonding(&operator, &delegator, &coin));
        }
        Ok(())
    }

    /// EndBlock: validators whose unbonding time has passed become unbonded; those with no
    /// shares left are deleted.
    pub(crate) fn unbond_mature_validators(&self, ctx: &mut Context) -> Result<()> {
        let now = ctx.block.time.nanos();
        for mut validator in self.all_validators(ctx)? {
            let mature = validator.status == BondStatus::Unbonding
                && validator.unbonding_time_nanos <= now
                && validator.unbonding_height <= ctx.block.height;
            if !mature {
                continue;
            }
            validator.status = BondStatus::Unbonded;
            if validator.delegator_shares == Dec::zero() {
                self.remove_validator(ctx, &validator)?;
            } else {
                self.set_validator(ctx, &validator)?;
            }
        }
        Ok(())
    }
}
