//! What mint needs from other modules (the SDK's expected keepers), and the app's keepers
//! that provide it.

use agora_auth::Account;
use agora_core::{Coins, Context, Result};

/// Staking, as mint reads it to compute the bonded ratio.
pub trait StakingKeeper: Send + Sync {
    /// The staking denom (staking params' `bond_denom`).
    fn bond_denom(&self, ctx: &mut Context) -> Result<String>;
    /// The tokens of bonded validators (the bonded pool's balance).
    fn total_bonded_tokens(&self, ctx: &mut Context) -> Result<u128>;
}

impl StakingKeeper for agora_staking::Keeper {
    fn bond_denom(&self, ctx: &mut Context) -> Result<String> {
        Ok(self.params(ctx)?.bond_denom)
    }

    fn total_bonded_tokens(&self, ctx: &mut Context) -> Result<u128> {
        Ok(self.pool(ctx)?.1)
    }
}

/// Coins, as mint creates and pays them.
pub trait BankKeeper: Send + Sync {
    /// The total supply of `denom`.
    fn supply_of(&self, ctx: &mut Context, denom: &str) -> Result<u128>;
    /// Creates `amount` in the module account `module` (which needs the minter permission).
    fn mint_coins(&self, ctx: &mut Context, module: &str, amount: &Coins) -> Result<()>;
    /// Moves `amount` between two module accounts.
    fn send_coins_from_module_to_module(
        &self,
        ctx: &mut Context,
        from: &str,
        to: &str,
        amount: &Coins,
    ) -> Result<()>;
}

impl BankKeeper for agora_bank::Keeper {
    fn supply_of(&self, ctx: &mut Context, denom: &str) -> Result<u128> {
        agora_bank::Keeper::supply_of(self, ctx, denom)
    }

    fn mint_coins(&self, ctx: &mut Context, module: &str, amount: &Coins) -> Result<()> {
        agora_bank::Keeper::mint_coins(self, ctx, module, amount)
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
}

/// Accounts, as mint's genesis needs them: its module account exists from InitChain on, as the
/// SDK's `InitGenesis` makes sure with `GetModuleAccount`.
pub trait AccountKeeper: Send + Sync {
    /// The module account `name`, created on first use.
    fn module_account(&self, ctx: &mut Context, name: &str) -> Result<Account>;
}

impl AccountKeeper for agora_auth::Keeper {
    fn module_account(&self, ctx: &mut Context, name: &str) -> Result<Account> {
        agora_auth::Keeper::module_account(self, ctx, name)
    }
}
