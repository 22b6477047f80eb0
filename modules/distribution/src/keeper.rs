//! The distribution keeper: the only way to distribution's store. Params, the community
//! pool, withdraw addresses and each validator's F1 records.

use std::sync::Arc;

use agora_core::{Address, Coins, Context, Dec, DecCoins, Result, StoreKey};
use agora_staking::{StakingCode, Validator};
use cosmwasm_std::Order;

use crate::errors::DistributionCode;
use crate::expected::{BankKeeper, StakingKeeper};
use crate::state::{
    CurrentRewards, HistoricalRewards, SlashEvent, StartingInfo, COMMISSION, COMMUNITY_POOL,
    CURRENT, HISTORICAL, OUTSTANDING, PARAMS, PREVIOUS_PROPOSER, SLASH_EVENTS, STARTING_INFO,
    WITHDRAW_ADDRESSES,
};
use crate::{Params, DISTRIBUTION_MODULE};

/// The distribution keeper.
pub struct Keeper {
    pub(crate) key: StoreKey,
    authority: Address,
    pub(crate) bank: Arc<dyn BankKeeper>,
    pub(crate) staking: Arc<dyn StakingKeeper>,
}

impl Keeper {
    /// A keeper over `key`, changed by `authority`, moving coins with `bank` and reading
    /// validators and delegations from `staking`.
    pub fn new(
        key: StoreKey,
        authority: Address,
        bank: Arc<dyn BankKeeper>,
        staking: Arc<dyn StakingKeeper>,
    ) -> Self {
        Self {
            key,
            authority,
            bank,
            staking,
        }
    }

    /// Who may change distribution's params and spend the community pool.
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

    /// The community pool.
    pub fn community_pool(&self, ctx: &mut Context) -> Result<DecCoins> {
        Ok(COMMUNITY_POOL
            .may_load(&ctx.kv(&self.key))?
            .unwrap_or_default())
    }

    pub(crate) fn set_community_pool(&self, ctx: &mut Context, pool: &DecCoins) -> Result<()> {
        Ok(COMMUNITY_POOL.save(&mut ctx.kv(&self.key), pool)?)
    }

    /// Adds `coins` to the community pool.
    pub(crate) fn add_to_community_pool(&self, ctx: &mut Context, coins: &DecCoins) -> Result<()> {
        if coins.is_empty() {
            return Ok(());
        }
        let pool = self.community_pool(ctx)?.checked_add(coins)?;
        self.set_community_pool(ctx, &pool)
    }

    /// Moves `amount` from `depositor` into the community pool (the SDK's
    /// `FundCommunityPool`): what `MsgFundCommunityPool` and gov's cancellation charges do.
    pub fn fund_community_pool(
        &self,
        ctx: &mut Context,
        depositor: &Address,
        amount: &Coins,
    ) -> Result<()> {
        self.bank
            .send_coins_from_account_to_module(ctx, depositor, DISTRIBUTION_MODULE, amount)?;
        self.add_to_community_pool(ctx, &DecCoins::from_coins(amount)?)
    }

    /// The previous block's proposer (consensus address bytes), empty before the first block.
    pub fn previous_proposer(&self, ctx: &mut Context) -> Result<Vec<u8>> {
        Ok(PREVIOUS_PROPOSER
            .may_load(&ctx.kv(&self.key))?
            .unwrap_or_default())
    }

    pub(crate) fn set_previous_proposer(&self, ctx: &mut Context, proposer: &[u8]) -> Result<()> {
        Ok(PREVIOUS_PROPOSER.save(&mut ctx.kv(&self.key), &proposer.to_vec())?)
    }

    /// Where `delegator`'s rewards go: its withdraw address, or itself.
    pub fn withdraw_address(&self, ctx: &mut Context, delegator: &Address) -> Result<Address> {
        match WITHDRAW_ADDRESSES.may_load(&ctx.kv(&self.key), delegator.as_bytes())? {
            Some(bytes) => Address::from_bytes(bytes),
            None => Ok(delegator.clone()),
        }
    }

    pub(crate) fn set_withdraw_address_record(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        to: &Address,
    ) -> Result<()> {
        let mut kv = ctx.kv(&self.key);
        Ok(WITHDRAW_ADDRESSES.save(&mut kv, delegator.as_bytes(), &to.as_bytes().to_vec())?)
    }

    /// Every (delegator, withdraw address) record.
    pub(crate) fn withdraw_addresses(&self, ctx: &mut Context) -> Result<Vec<(Address, Address)>> {
        let kv = ctx.kv(&self.key);
        let all = WITHDRAW_ADDRESSES.range(&kv, None, None, Order::Ascending);
        all.map(|item| {
            let (delegator, to) = item?;
            Ok((Address::from_bytes(delegator)?, Address::from_bytes(to)?))
        })
        .collect()
    }

    /// A validator's rewards allocated and not yet withdrawn.
    pub fn outstanding(&self, ctx: &mut Context, validator: &Address) -> Result<DecCoins> {
        Ok(OUTSTANDING
            .may_load(&ctx.kv(&self.key), validator.as_bytes())?
            .unwrap_or_default())
    }

    pub(crate) fn set_outstanding(
        &self,
        ctx: &mut Context,
        validator: &Address,
        rewards: &DecCoins,
    ) -> Result<()> {
        Ok(OUTSTANDING.save(&mut ctx.kv(&self.key), validator.as_bytes(), rewards)?)
    }

    /// A validator's commission not yet withdrawn.
    pub fn commission(&self, ctx: &mut Context, validator: &Address) -> Result<DecCoins> {
        Ok(COMMISSION
            .may_load(&ctx.kv(&self.key), validator.as_bytes())?
            .unwrap_or_default())
    }

    pub(crate) fn set_commission(
        &self,
        ctx: &mut Context,
        validator: &Address,
        commission: &DecCoins,
    ) -> Result<()> {
        Ok(COMMISSION.save(&mut ctx.kv(&self.key), validator.as_bytes(), commission)?)
    }

    /// The historical rewards of a validator's period; missing is a broken invariant.
    pub(crate) fn historical(
        &self,
        ctx: &mut Context,
        validator: &Address,
        period: u64,
    ) -> Result<HistoricalRewards> {
        HISTORICAL
            .may_load(&ctx.kv(&self.key), (validator.as_bytes(), period))?
            .ok_or_else(|| {
                agora_core::Error::internal(format!(
                    "no historical rewards for validator {validator} period {period}"
                ))
            })
    }

    pub(crate) fn set_historical(
        &self,
        ctx: &mut Context,
        validator: &Address,
        period: u64,
        rewards: &HistoricalRewards,
    ) -> Result<()> {
        let mut kv = ctx.kv(&self.key);
        Ok(HISTORICAL.save(&mut kv, (validator.as_bytes(), period), rewards)?)
    }

    pub(crate) fn remove_historical(&self, ctx: &mut Context, validator: &Address, period: u64) {
        HISTORICAL.remove(&mut ctx.kv(&self.key), (validator.as_bytes(), period));
    }

    /// A validator's current period and its rewards so far; `distribution/6` if it has none.
    pub(crate) fn current(&self, ctx: &mut Context, validator: &Address) -> Result<CurrentRewards> {
        CURRENT
            .may_load(&ctx.kv(&self.key), validator.as_bytes())?
            .ok_or_else(|| DistributionCode::NoValidatorDistInfo.bare())
    }

    pub(crate) fn set_current(
        &self,
        ctx: &mut Context,
        validator: &Address,
        rewards: &CurrentRewards,
    ) -> Result<()> {
        Ok(CURRENT.save(&mut ctx.kv(&self.key), validator.as_bytes(), rewards)?)
    }

    /// Where a delegation's rewards start, if it has a record.
    pub(crate) fn starting_info(
        &self,
        ctx: &mut Context,
        validator: &Address,
        delegator: &Address,
    ) -> Result<Option<StartingInfo>> {
        let key = (validator.as_bytes(), delegator.as_bytes());
        Ok(STARTING_INFO.may_load(&ctx.kv(&self.key), key)?)
    }

    pub(crate) fn set_starting_info(
        &self,
        ctx: &mut Context,
        validator: &Address,
        delegator: &Address,
        info: &StartingInfo,
    ) -> Result<()> {
        let key = (validator.as_bytes(), delegator.as_bytes());
        Ok(STARTING_INFO.save(&mut ctx.kv(&self.key), key, info)?)
    }

    pub(crate) fn remove_starting_info(
        &self,
        ctx: &mut Context,
        validator: &Address,
        delegator: &Address,
    ) {
        let key = (validator.as_bytes(), delegator.as_bytes());
        STARTING_INFO.remove(&mut ctx.kv(&self.key), key);
    }

    pub(crate) fn set_slash_event(
        &self,
        ctx: &mut Context,
        validator: &Address,
        height: u64,
        event: &SlashEvent,
    ) -> Result<()> {
        let key = (validator.as_bytes(), height, event.validator_period);
        Ok(SLASH_EVENTS.save(&mut ctx.kv(&self.key), key, event)?)
    }

    /// A validator's slash events from height `from` through `to` (inclusive), in order.
    pub fn slash_events(
        &self,
        ctx: &mut Context,
        validator: &Address,
        from: u64,
        to: u64,
    ) -> Result<Vec<(u64, SlashEvent)>> {
        use cw_storage_plus::Bound;
        let kv = ctx.kv(&self.key);
        let range = SLASH_EVENTS.sub_prefix(validator.as_bytes()).range(
            &kv,
            Some(Bound::inclusive((from, 0))),
            Some(Bound::inclusive((to, u64::MAX))),
            Order::Ascending,
        );
        range
            .map(|item| {
                item.map(|((height, _), event)| (height, event))
                    .map_err(Into::into)
            })
            .collect()
    }

    /// The validator operated by `operator`; `staking/3` if none, as the SDK's staking
    /// keeper answers distribution.
    pub(crate) fn existing_validator(
        &self,
        ctx: &mut Context,
        operator: &Address,
    ) -> Result<Validator> {
        self.staking.validator(ctx, operator)?.ok_or_else(|| {
            StakingCode::NoValidatorFound.err(operator.to_bech32_with(agora_core::VALOPER_PREFIX))
        })
    }

    /// The shares of `delegator`'s delegation to `operator`; `staking/19` if none.
    pub(crate) fn existing_delegation(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        operator: &Address,
    ) -> Result<Dec> {
        self.staking
            .delegation(ctx, delegator, operator)?
            .ok_or_else(|| StakingCode::NoDelegation.bare())
    }

    /// Deletes every F1 record of a removed validator.
    pub(crate) fn remove_validator_records(
        &self,
        ctx: &mut Context,
        validator: &Address,
    ) -> Result<()> {
        let mut kv = ctx.kv(&self.key);
        let v = validator.as_bytes();
        OUTSTANDING.remove(&mut kv, v);
        COMMISSION.remove(&mut kv, v);
        CURRENT.remove(&mut kv, v);
        let periods: Vec<u64> = HISTORICAL
            .prefix(v)
            .keys(&kv, None, None, Order::Ascending)
            .collect::<std::result::Result<_, _>>()?;
        for period in periods {
            HISTORICAL.remove(&mut kv, (v, period));
        }
        let slashes: Vec<(u64, u64)> = SLASH_EVENTS
            .sub_prefix(v)
            .keys(&kv, None, None, Order::Ascending)
            .collect::<std::result::Result<_, _>>()?;
        for (height, period) in slashes {
            SLASH_EVENTS.remove(&mut kv, (v, height, period));
        }
        Ok(())
    }
}
