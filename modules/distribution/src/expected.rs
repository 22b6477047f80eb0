//! What distribution needs from other modules (the SDK's expected keepers), and the app's
//! keepers that provide it.

use agora_core::{Address, Coins, Context, Dec, Result};
use agora_staking::{Delegation, Validator};

/// Validators and delegations, as distribution reads them.
pub trait StakingKeeper: Send + Sync {
    /// The validator operated by `operator`, if any.
    fn validator(&self, ctx: &mut Context, operator: &Address) -> Result<Option<Validator>>;
    /// The validator with consensus address `consensus`, if any.
    fn validator_by_consensus_address(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
    ) -> Result<Option<Validator>>;
    /// The shares `delegator` holds in `validator`, if any.
    fn delegation(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &Address,
    ) -> Result<Option<Dec>>;
    /// Every delegation of `delegator`.
    fn delegator_delegations(
        &self,
        ctx: &mut Context,
        delegator: &Address,
    ) -> Result<Vec<Delegation>>;
}

impl StakingKeeper for agora_staking::Keeper {
    fn validator(&self, ctx: &mut Context, operator: &Address) -> Result<Option<Validator>> {
        agora_staking::Keeper::validator(self, ctx, operator)
    }

    fn validator_by_consensus_address(
        &self,
        ctx: &mut Context,
        consensus: &[u8],
    ) -> Result<Option<Validator>> {
        agora_staking::Keeper::validator_by_consensus_address(self, ctx, consensus)
    }

    fn delegation(
        &self,
        ctx: &mut Context,
        delegator: &Address,
        validator: &Address,
    ) -> Result<Option<Dec>> {
        agora_staking::Keeper::delegation(self, ctx, delegator, validator)
    }

    fn delegator_delegations(
        &self,
        ctx: &mut Context,
        delegator: &Address,
    ) -> Result<Vec<Delegation>> {
        agora_staking::Keeper::delegator_delegations(self, ctx, delegator)
    }
}

/// Coins, as distribution moves them: fees in from the fee collector, rewards out to
/// withdraw addresses, deposits into the community pool.
pub trait BankKeeper: Send + Sync {
    /// Every balance of `addr`.
    fn all_balances(&self, ctx: &mut Context, addr: &Address) -> Result<Coins>;
    /// Moves coins between module accounts.
    fn send_coins_from_module_to_module(
        &self,
        ctx: &mut Context,
        from: &str,
        to: &str,
        amount: &Coins,
    ) -> Result<()>;
    /// Pays coins from a module account to an account.
    fn send_coins_from_module_to_account(
        &self,
        ctx: &mut Context,
        from: &str,
        to: &Address,
        amount: &Coins,
    ) -> Result<()>;
    /// Takes coins from an account into a module account.
    fn send_coins_from_account_to_module(
        &self,
        ctx: &mut Context,
        from: &Address,
        to: &str,
        amount: &Coins,
    ) -> Result<()>;
    /// Whether `addr` may not receive funds (a module account).
    fn is_blocked(&self, addr: &Address) -> bool;
}

impl BankKeeper for agora_bank::Keeper {
    fn all_balances(&self, ctx: &mut Context, addr: &Address) -> Result<Coins> {
        agora_bank::Keeper::all_balances(self, ctx, addr)
    }

    fn send_coins_from_module_to_module(
        &self,
        ctx: &mut Context,
        from: &str,
        to: &str,
        amount: &Coins,
    ) -> Result<()> {
        agora_bank::Keeper::send_coins_from_module_to_module(self, ctx, from, to, amount)
    }

    fn send_coins_from_module_to_account(
        &self,
        ctx: &mut Context,
        from: &str,
        to: &Address,
        amount: &Coins,
    ) -> Result<()> {
        agora_bank::Keeper::send_coins_from_module_to_account(self, ctx, from, to, amount)
    }

    fn send_coins_from_account_to_module(
        &self,
        ctx: &mut Context,
        from: &Address,
        to: &str,
        amount: &Coins,
    ) -> Result<()> {
        agora_bank::Keeper::send_coins_from_account_to_module(self, ctx, from, to, amount)
    }

    fn is_blocked(&self, addr: &Address) -> bool {
        agora_bank::Keeper::is_blocked(self, addr)
    }
}
