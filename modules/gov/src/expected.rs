//! What gov needs from other modules (the SDK's expected keepers), and the app's keepers
//! that provide it.

use agora_core::{Address, Coins, Context, Result};
use agora_staking::{BondStatus, Delegation, Validator};

/// Accounts, as gov checks voters.
pub trait AccountKeeper: Send + Sync {
    /// Whether `addr` has an account.
    fn has_account(&self, ctx: &mut Context, addr: &Address) -> Result<bool>;
}

impl AccountKeeper for agora_auth::Keeper {
    fn has_account(&self, ctx: &mut Context, addr: &Address) -> Result<bool> {
        agora_auth::Keeper::has_account(self, ctx, addr)
    }
}

/// Coins, as gov escrows, refunds and burns deposits.
pub trait BankKeeper: Send + Sync {
    /// Takes coins from an account into a module account.
    fn send_coins_from_account_to_module(
        &self,
        ctx: &mut Context,
        from: &Address,
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
    /// Destroys coins a module account holds.
    fn burn_coins(&self, ctx: &mut Context, module: &str, amount: &Coins) -> Result<()>;
    /// Every coin `addr` holds.
    fn all_balances(&self, ctx: &mut Context, addr: &Address) -> Result<Coins>;
}

impl BankKeeper for agora_bank::Keeper {
    fn send_coins_from_account_to_module(
        &self,
        ctx: &mut Context,
        from: &Address,
        to: &str,
        amount: &Coins,
    ) -> Result<()> {
        agora_bank::Keeper::send_coins_from_account_to_module(self, ctx, from, to, amount)
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

    fn burn_coins(&self, ctx: &mut Context, module: &str, amount: &Coins) -> Result<()> {
        agora_bank::Keeper::burn_coins(self, ctx, module, amount)
    }

    fn all_balances(&self, ctx: &mut Context, addr: &Address) -> Result<Coins> {
        agora_bank::Keeper::all_balances(self, ctx, addr)
    }
}

/// The community pool, where cancellation charges go when `proposal_cancel_dest` is the
/// distribution module account.
pub trait DistributionKeeper: Send + Sync {
    /// The distribution module account's address.
    fn module_address(&self) -> Address;
    /// Moves `amount` from `depositor` into the community pool.
    fn fund_community_pool(
        &self,
        ctx: &mut Context,
        depositor: &Address,
        amount: &Coins,
    ) -> Result<()>;
}

impl DistributionKeeper for agora_distribution::Keeper {
    fn module_address(&self) -> Address {
        Address::module(agora_distribution::DISTRIBUTION_MODULE)
    }

    fn fund_community_pool(
        &self,
        ctx: &mut Context,
        depositor: &Address,
        amount: &Coins,
    ) -> Result<()> {
        agora_distribution::Keeper::fund_community_pool(self, ctx, depositor, amount)
    }
}

/// Stake, as the tally weighs votes.
pub trait StakingKeeper: Send + Sync {
    /// The bonded validators, by operator address.
    fn bonded_validators(&self, ctx: &mut Context) -> Result<Vec<Validator>>;
    /// Every delegation of `delegator`.
    fn delegator_delegations(
        &self,
        ctx: &mut Context,
        delegator: &Address,
    ) -> Result<Vec<Delegation>>;
    /// The tokens bonded to the bonded validators.
    fn total_bonded_tokens(&self, ctx: &mut Context) -> Result<u128>;
}

impl StakingKeeper for agora_staking::Keeper {
    fn bonded_validators(&self, ctx: &mut Context) -> Result<Vec<Validator>> {
        let all = agora_staking::Keeper::last_validators(self, ctx)?;
        Ok(all
            .into_iter()
            .filter(|v| v.status == BondStatus::Bonded)
            .collect())
    }

    fn delegator_delegations(
        &self,
        ctx: &mut Context,
        delegator: &Address,
    ) -> Result<Vec<Delegation>> {
        agora_staking::Keeper::delegator_delegations(self, ctx, delegator)
    }

    fn total_bonded_tokens(&self, ctx: &mut Context) -> Result<u128> {
        Ok(agora_staking::Keeper::pool(self, ctx)?.1)
    }
}
