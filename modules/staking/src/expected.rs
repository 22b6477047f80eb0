//! What staking needs from other modules (the SDK's expected keepers), and the app's keepers
//! that provide it.

use agora_core::{Address, Coins, Context, Result};

/// Coins, as staking moves them: into the pools on delegation, between pools as validators
/// join and leave the set.
pub trait BankKeeper: Send + Sync {
    /// Moves a delegation from an account into the pool module account `pool`.
    fn delegate_coins_from_account_to_module(
        &self,
        ctx: &mut Context,
        from: &Address,
        pool: &str,
        amount: &Coins,
    ) -> Result<()>;
    /// Pays matured unbonding tokens from the pool `pool` to an account.
    fn undelegate_coins_from_module_to_account(
        &self,
        ctx: &mut Context,
        pool: &str,
        to: &Address,
        amount: &Coins,
    ) -> Result<()>;
    /// Moves tokens between the pools.
    fn send_coins_from_module_to_module(
        &self,
        ctx: &mut Context,
        from: &str,
        to: &str,
        amount: &Coins,
    ) -> Result<()>;
    /// Destroys slashed tokens held by the pool `pool`.
    fn burn_coins(&self, ctx: &mut Context, pool: &str, amount: &Coins) -> Result<()>;
    /// The balance of `denom` at `addr`.
    fn balance(&self, ctx: &mut Context, addr: &Address, denom: &str) -> Result<u128>;
}

impl BankKeeper for agora_bank::Keeper {
    fn delegate_coins_from_account_to_module(
        &self,
        ctx: &mut Context,
        from: &Address,
        pool: &str,
        amount: &Coins,
    ) -> Result<()> {
        // Without vesting accounts a delegation is a plain send into the pool.
        self.send_coins_from_account_to_module(ctx, from, pool, amount)
    }

    fn undelegate_coins_from_module_to_account(
        &self,
        ctx: &mut Context,
        pool: &str,
        to: &Address,
        amount: &Coins,
    ) -> Result<()> {
        self.send_coins_from_module_to_account(ctx, pool, to, amount)
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

    fn burn_coins(&self, ctx: &mut Context, pool: &str, amount: &Coins) -> Result<()> {
        agora_bank::Keeper::burn_coins(self, ctx, pool, amount)
    }

    fn balance(&self, ctx: &mut Context, addr: &Address, denom: &str) -> Result<u128> {
        agora_bank::Keeper::balance(self, ctx, addr, denom)
    }
}

/// The consensus params staking reads: which consensus key types validators may use.
pub trait ConsensusKeeper: Send + Sync {
    /// `validator.pub_key_types` of the consensus params (`ed25519`, ...).
    fn validator_pub_key_types(&self, ctx: &mut Context) -> Result<Vec<String>>;
}

impl ConsensusKeeper for agora_consensus::Keeper {
    fn validator_pub_key_types(&self, ctx: &mut Context) -> Result<Vec<String>> {
        Ok(self
            .params(ctx)?
            .validator
            .map(|v| v.pub_key_types)
            .unwrap_or_default())
    }
}
