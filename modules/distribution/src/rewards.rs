//! The F1 fee distribution algorithm, as the SDK's x/distribution: each validator's rewards
//! accumulate per period as a cumulative reward-per-token ratio, so a delegation's rewards are
//! its stake times the ratio's growth since it started, whatever the number of blocks.

use agora_core::{Address, Coin, Coins, Context, Dec, DecCoins, Error, Event, Result};
use agora_staking::Validator;

use crate::errors::DistributionCode;
use crate::state::{CurrentRewards, HistoricalRewards, SlashEvent, StartingInfo};
use crate::{Keeper, DISTRIBUTION_MODULE};

/// The tokens `shares` of `validator` are worth, as a decimal: shares * tokens / shares,
/// rounded (`TokensFromShares`) or truncated (`TokensFromSharesTruncated`).
fn tokens_from_shares(validator: &Validator, shares: Dec, truncate: bool) -> Result<Dec> {
    if validator.delegator_shares.is_zero() {
        return Ok(Dec::zero());
    }
    let product = shares.mul_int_quo_int(validator.tokens, 1)?;
    if truncate {
        product.checked_div(validator.delegator_shares)
    } else {
        product.quo_round(validator.delegator_shares)
    }
}

fn broken(detail: impl std::fmt::Display) -> Error {
    Error::internal(format!("distribution invariant broken: {detail}"))
}

impl Keeper {
    /// Starts a new validator's records (`initializeValidator`): period 0 with one reference,
    /// current period 1, no commission and nothing outstanding.
    pub(crate) fn initialize_validator(
        &self,
        ctx: &mut Context,
        validator: &Address,
    ) -> Result<()> {
        let zero = HistoricalRewards {
            cumulative_reward_ratio: DecCoins::empty(),
            reference_count: 1,
        };
        self.set_historical(ctx, validator, 0, &zero)?;
        let current = CurrentRewards {
            rewards: DecCoins::empty(),
            period: 1,
        };
        self.set_current(ctx, validator, &current)?;
        self.set_commission(ctx, validator, &DecCoins::empty())?;
        self.set_outstanding(ctx, validator, &DecCoins::empty())
    }

    fn change_reference_count(
        &self,
        ctx: &mut Context,
        validator: &Address,
        period: u64,
        up: bool,
    ) -> Result<()> {
        let mut historical = self.historical(ctx, validator, period)?;
        if up {
            if historical.reference_count > 2 {
                return Err(broken("reference count above 2"));
            }
            historical.reference_count += 1;
        } else {
            historical.reference_count = historical
                .reference_count
                .checked_sub(1)
                .ok_or_else(|| broken("reference count below 0"))?;
        }
        if historical.reference_count == 0 {
            self.remove_historical(ctx, validator, period);
            Ok(())
        } else {
            self.set_historical(ctx, validator, period, &historical)
        }
    }

    /// Ends the validator's current period (`IncrementValidatorPeriod`): its rewards per token
    /// join the cumulative ratio (a validator without tokens gives them to the community
    /// pool); returns the period just ended.
    pub(crate) fn increment_validator_period(
        &self,
        ctx: &mut Context,
        validator: &Validator,
    ) -> Result<u64> {
        let operator = &validator.operator;
        let current = self.current(ctx, operator)?;
        let per_token = if validator.tokens == 0 {
            self.add_to_community_pool(ctx, &current.rewards)?;
            let outstanding = self.outstanding(ctx, operator)?;
            let left = outstanding.checked_sub(&current.rewards)?;
            self.set_outstanding(ctx, operator, &left)?;
            DecCoins::empty()
        } else {
            current
                .rewards
                .quo_dec_truncate(Dec::from_int(validator.tokens)?)?
        };
        let previous = current
            .period
            .checked_sub(1)
            .ok_or_else(|| broken("current period 0"))?;
        let ratio = self
            .historical(ctx, operator, previous)?
            .cumulative_reward_ratio;
        self.change_reference_count(ctx, operator, previous, false)?;
        let ended = HistoricalRewards {
            cumulative_reward_ratio: ratio.checked_add(&per_token)?,
            reference_count: 1,
        };
        self.set_historical(ctx, operator, current.period, &ended)?;
        let next = CurrentRewards {
            rewards: DecCoins::empty(),
            period: current.period + 1,
        };
        self.set_current(ctx, operator, &next)?;
        Ok(current.period)
    }

    /// Starts a delegation's record at the period just ended (`initializeDelegation`).
    pub(crate) fn initialize_delegation(
        &self,
        ctx: &mut Context,
        operator: &Address,
        delegator: &Address,
    ) -> Result<()> {
        let previous_period = self.current(ctx, operator)?.period - 1;
        self.change_reference_count(ctx, operator, previous_period, true)?;
        let validator = self.existing_validator(ctx, operator)?;
        let shares = self.existing_delegation(ctx, delegator, operator)?;
        let info = StartingInfo {
            previous_period,
            stake: tokens_from_shares(&validator, shares, true)?,
            height: ctx.block.height,
        };
        self.set_starting_info(ctx, operator, delegator, &info)
    }

    /// `stake` times the growth of the cumulative ratio from `start` to `end`, truncated.
    fn rewards_between(
        &self,
        ctx: &mut Context,
        operator: &Address,
        start: u64,
        end: u64,
        stake: Dec,
    ) -> Result<DecCoins> {
        if start > end {
            return Err(broken("starting period after ending period"));
        }
        let starting = self
            .historical(ctx, operator, start)?
            .cumulative_reward_ratio;
        let ending = self.historical(ctx, operator, end)?.cumulative_reward_ratio;
        let growth = ending
            .checked_sub(&starting)
            .map_err(|_| broken("negative rewards"))?;
        growth.mul_dec_truncate(stake)
    }

    /// A delegation's rewards up to `ending_period` (`CalculateDelegationRewards`): period by
    /// period between the validator's slashes, with the stake reduced by each slash.
    pub(crate) fn calculate_delegation_rewards(
        &self,
        ctx: &mut Context,
        validator: &Validator,
        delegator: &Address,
        shares: Dec,
        ending_period: u64,
    ) -> Result<DecCoins> {
        let operator = &validator.operator;
        let info = self
            .starting_info(ctx, operator, delegator)?
            .ok_or_else(|| DistributionCode::EmptyDelegationDistInfo.bare())?;
        let mut rewards = DecCoins::empty();
        if info.height == ctx.block.height {
            return Ok(rewards);
        }
        let mut start = info.previous_period;
        let mut stake = info.stake;
        if ctx.block.height > info.height {
            let slashes = self.slash_events(ctx, operator, info.height, ctx.block.height)?;
            for (_, slash) in slashes {
                if slash.validator_period > start {
                    let earned =
                        self.rewards_between(ctx, operator, start, slash.validator_period, stake)?;
                    rewards = rewards.checked_add(&earned)?;
                    stake = stake.checked_mul(Dec::one().checked_sub(slash.fraction)?)?;
                    start = slash.validator_period;
                }
            }
        }
        // The recomputed stake may exceed the current stake only by rounding (3 atto).
        let current = tokens_from_shares(validator, shares, false)?;
        if stake > current {
            let margin = Dec::from_atomics_str("3")?;
            if stake <= current.checked_add(margin)? {
                stake = current;
            } else {
                return Err(broken(format!(
                    "calculated final stake for delegator {delegator} greater than current stake: {stake} > {current}"
                )));
            }
        }
        let last = self.rewards_between(ctx, operator, start, ending_period, stake)?;
        rewards.checked_add(&last)
    }

    /// Pays a delegation's rewards to its withdraw address and deletes its record
    /// (`withdrawDelegationRewards`); the fractional remainder goes to the community pool.
    /// Emits `withdraw_rewards`.
    pub(crate) fn withdraw_delegation_rewards(
        &self,
        ctx: &mut Context,
        validator: &Validator,
        delegator: &Address,
        shares: Dec,
    ) -> Result<Coins> {
        let operator = &validator.operator;
        let Some(info) = self.starting_info(ctx, operator, delegator)? else {
            return Err(DistributionCode::EmptyDelegationDistInfo.bare());
        };
        let ending = self.increment_validator_period(ctx, validator)?;
        let raw = self.calculate_delegation_rewards(ctx, validator, delegator, shares, ending)?;
        let outstanding = self.outstanding(ctx, operator)?;
        // The last digits may exceed what is outstanding because of operation order.
        let rewards = raw.intersect(&outstanding);
        let (paid, change) = rewards.truncate_decimal()?;
        if !paid.is_empty() {
            let to = self.withdraw_address(ctx, delegator)?;
            self.bank
                .send_coins_from_module_to_account(ctx, DISTRIBUTION_MODULE, &to, &paid)?;
        }
        self.set_outstanding(ctx, operator, &outstanding.checked_sub(&rewards)?)?;
        self.add_to_community_pool(ctx, &change)?;
        self.change_reference_count(ctx, operator, info.previous_period, false)?;
        self.remove_starting_info(ctx, operator, delegator);
        let shown = if paid.is_empty() {
            Coin::new(0, agora_core::BOND_DENOM).to_string()
        } else {
            paid.to_string()
        };
        ctx.emit(
            Event::new("withdraw_rewards")
                .attr("amount", shown)
                .attr("validator", validator.operator_address())
                .attr("delegator", delegator.to_string()),
        );
        Ok(paid)
    }

    /// `MsgWithdrawDelegatorReward`: pays the rewards and restarts the delegation's record.
    pub fn withdraw_rewards(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        operator: &Address,
    ) -> Result<Coins> {
        let validator = self.existing_validator(ctx, operator)?;
        let shares = self.existing_delegation(ctx, delegator, operator)?;
        let paid = self.withdraw_delegation_rewards(ctx, &validator, delegator, shares)?;
        self.initialize_delegation(ctx, operator, delegator)?;
        Ok(paid)
    }

    /// The rewards a delegation could withdraw now, without changing state for good (the
    /// query's `DelegationRewards`: the period is ended in a branch that is dropped).
    pub fn pending_rewards(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        operator: &Address,
    ) -> Result<DecCoins> {
        let validator = self.existing_validator(ctx, operator)?;
        let shares = self.existing_delegation(ctx, delegator, operator)?;
        let mut rewards = None;
        let _ = ctx.branch(|ctx| -> Result<()> {
            let ending = self.increment_validator_period(ctx, &validator)?;
            rewards =
                Some(self.calculate_delegation_rewards(ctx, &validator, delegator, shares, ending));
            Err(Error::internal("dropped: a query changes nothing"))
        });
        rewards.unwrap_or_else(|| Err(broken("validator period could not be ended")))
    }

    /// `MsgWithdrawValidatorCommission`: pays the whole-coin part of the commission to the
    /// operator's withdraw address and keeps the remainder; `distribution/7` if there is none.
    pub fn withdraw_commission(&self, ctx: &mut Context, operator: &Address) -> Result<Coins> {
        let accumulated = self.commission(ctx, operator)?;
        if accumulated.is_empty() {
            return Err(DistributionCode::NoValidatorCommission.bare());
        }
        let (paid, remainder) = accumulated.truncate_decimal()?;
        self.set_commission(ctx, operator, &remainder)?;
        let outstanding = self.outstanding(ctx, operator)?;
        let left = outstanding.checked_sub(&DecCoins::from_coins(&paid)?)?;
        self.set_outstanding(ctx, operator, &left)?;
        if !paid.is_empty() {
            let to = self.withdraw_address(ctx, operator)?;
            self.bank
                .send_coins_from_module_to_account(ctx, DISTRIBUTION_MODULE, &to, &paid)?;
        }
        ctx.emit(Event::new("withdraw_commission").attr("amount", paid.to_string()));
        Ok(paid)
    }

    /// Records a slash of `fraction` of the validator's stake (`updateValidatorSlashFraction`):
    /// ends the period, keeps it referenced, and stores the slash event at this height.
    pub(crate) fn record_slash(
        &self,
        ctx: &mut Context,
        validator: &Validator,
        fraction: Dec,
    ) -> Result<()> {
        if fraction > Dec::one() {
            return Err(broken(format!("slash fraction {fraction} above 1")));
        }
        let period = self.increment_validator_period(ctx, validator)?;
        self.change_reference_count(ctx, &validator.operator, period, true)?;
        let event = SlashEvent {
            validator_period: period,
            fraction,
        };
        self.set_slash_event(ctx, &validator.operator, ctx.block.height, &event)
    }

    /// A removed validator's last records (the SDK's `AfterValidatorRemoved`): its
    /// commission is paid to the operator, the dust left outstanding goes to the community
    /// pool, and every record is deleted.
    pub(crate) fn close_validator(&self, ctx: &mut Context, operator: &Address) -> Result<()> {
        let mut outstanding = self.outstanding(ctx, operator)?;
        let commission = self.commission(ctx, operator)?;
        if !commission.is_empty() {
            outstanding = outstanding.checked_sub(&commission)?;
            let (paid, remainder) = commission.truncate_decimal()?;
            self.add_to_community_pool(ctx, &remainder)?;
            if !paid.is_empty() {
                let to = self.withdraw_address(ctx, operator)?;
                self.bank.send_coins_from_module_to_account(
                    ctx,
                    DISTRIBUTION_MODULE,
                    &to,
                    &paid,
                )?;
            }
        }
        self.add_to_community_pool(ctx, &outstanding)?;
        self.remove_validator_records(ctx, operator)
    }
}
