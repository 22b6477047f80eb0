//! BeginBlock: the fees and inflation collected in the fee collector are shared among the
//! validators that signed the last block, by power, after the community tax (the SDK v0.50
//! `AllocateTokens`, which no longer pays a proposer bonus).

use agora_auth::FEE_COLLECTOR;
use agora_core::{Context, Dec, DecCoins, Event, Result};
use agora_staking::Validator;

use crate::{Keeper, DISTRIBUTION_MODULE};

impl Keeper {
    /// The SDK's `BeginBlocker`: from the second block on, allocates what the fee collector
    /// holds to the last commit's validators; then records this block's proposer.
    pub(crate) fn begin_block(&self, ctx: &mut Context) -> Result<()> {
        if ctx.block.height > 1 {
            self.allocate_tokens(ctx)?;
        }
        let proposer = ctx.block.comet.proposer.clone();
        self.set_previous_proposer(ctx, &proposer)
    }

    fn allocate_tokens(&self, ctx: &mut Context) -> Result<()> {
        let collector = agora_core::Address::module(FEE_COLLECTOR);
        let fees = self.bank.all_balances(ctx, &collector)?;
        if !fees.is_empty() {
            self.bank.send_coins_from_module_to_module(
                ctx,
                FEE_COLLECTOR,
                DISTRIBUTION_MODULE,
                &fees,
            )?;
        }
        let collected = DecCoins::from_coins(&fees)?;
        let votes = ctx.block.comet.last_commit.clone();
        let total: u128 = votes.iter().map(|v| v.power.max(0) as u128).sum();
        if total == 0 {
            return self.add_to_community_pool(ctx, &collected);
        }
        let tax = self.params(ctx)?.community_tax;
        let for_validators = collected.mul_dec_truncate(Dec::one().checked_sub(tax)?)?;
        let mut remaining = collected;
        let total = Dec::from_int(total)?;
        for vote in &votes {
            // A vote of a key staking does not know (a chain whose genesis set came without
            // gentxs) earns nothing: its share stays in the community pool. The SDK halts.
            let Some(validator) = self
                .staking
                .validator_by_consensus_address(ctx, &vote.address)?
            else {
                continue;
            };
            let fraction = Dec::from_int(vote.power.max(0) as u128)?.checked_div(total)?;
            let reward = for_validators.mul_dec_truncate(fraction)?;
            self.allocate_to_validator(ctx, &validator, &reward)?;
            remaining = remaining.checked_sub(&reward)?;
        }
        self.add_to_community_pool(ctx, &remaining)
    }

    /// Splits `tokens` into the validator's commission and its delegators' rewards
    /// (`AllocateTokensToValidator`). Emits `commission` and `rewards`.
    pub(crate) fn allocate_to_validator(
        &self,
        ctx: &mut Context,
        validator: &Validator,
        tokens: &DecCoins,
    ) -> Result<()> {
        let operator = &validator.operator;
        let commission = tokens.mul_dec(validator.commission.rate)?;
        let shared = tokens.checked_sub(&commission)?;
        ctx.emit(
            Event::new("commission")
                .attr("amount", commission.to_string())
                .attr("validator", validator.operator_address()),
        );
        let accumulated = self.commission(ctx, operator)?.checked_add(&commission)?;
        self.set_commission(ctx, operator, &accumulated)?;
        let mut current = self.current(ctx, operator)?;
        current.rewards = current.rewards.checked_add(&shared)?;
        self.set_current(ctx, operator, &current)?;
        ctx.emit(
            Event::new("rewards")
                .attr("amount", tokens.to_string())
                .attr("validator", validator.operator_address()),
        );
        let outstanding = self.outstanding(ctx, operator)?.checked_add(tokens)?;
        self.set_outstanding(ctx, operator, &outstanding)
    }
}
