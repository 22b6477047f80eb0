//! What bank needs from other modules (the SDK's expected keepers), and the app's keepers
//! that provide it.

use agora_auth::Account;
use agora_core::{Address, Context, Result};

/// Accounts, as bank needs them: to create the account of a first-time receiver and to find
/// module accounts and their permissions.
pub trait AccountKeeper: Send + Sync {
    /// Whether an account exists at `addr`.
    fn has_account(&self, ctx: &mut Context, addr: &Address) -> Result<bool>;
    /// Creates a fresh account at `addr`.
    fn new_account(&self, ctx: &mut Context, addr: &Address) -> Result<Account>;
    /// The module account `name`, created on first use.
    fn module_account(&self, ctx: &mut Context, name: &str) -> Result<Account>;
}

impl AccountKeeper for agora_auth::Keeper {
    fn has_account(&self, ctx: &mut Context, addr: &Address) -> Result<bool> {
        agora_auth::Keeper::has_account(self, ctx, addr)
    }

    fn new_account(&self, ctx: &mut Context, addr: &Address) -> Result<Account> {
        agora_auth::Keeper::new_account(self, ctx, addr)
    }

    fn module_account(&self, ctx: &mut Context, name: &str) -> Result<Account> {
        agora_auth::Keeper::module_account(self, ctx, name)
    }
}
