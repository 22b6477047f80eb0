//! What the market needs from other modules, and the app's keepers that provide it.

use agora_core::{Address, Coins, Context, Result};

/// Coins, as the market locks and returns bonds.
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
}
