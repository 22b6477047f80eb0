//! The mint keeper: the only way to mint's store; the minter and params, and the block
//! provision minted each BeginBlock.

use std::sync::Arc;

use agora_auth::FEE_COLLECTOR;
use agora_core::{Address, Coins, Context, Dec, Error, Result, StoreKey};

use crate::expected::{AccountKeeper, BankKeeper, StakingKeeper};
use crate::state::{MINTER, PARAMS};
use crate::{events, Minter, Params, MINT_MODULE};

/// The mint keeper.
pub struct Keeper {
    key: StoreKey,
    authority: Address,
    accounts: Arc<dyn AccountKeeper>,
    bank: Arc<dyn BankKeeper>,
    staking: Arc<dyn StakingKeeper>,
}

impl Keeper {
    /// A keeper over `key`, changed by `authority`, creating its module account with
    /// `accounts`, minting with `bank` and reading the bonded ratio from `staking` (and
    /// `bank`'s supply of the bond denom).
    pub fn new(
        key: StoreKey,
        authority: Address,
        accounts: Arc<dyn AccountKeeper>,
        bank: Arc<dyn BankKeeper>,
        staking: Arc<dyn StakingKeeper>,
    ) -> Self {
        Self {
            key,
            authority,
            accounts,
            bank,
            staking,
        }
    }

    /// Who may change mint's params.
    pub fn authority(&self) -> &Address {
        &self.authority
    }

    /// The params; an internal error before InitGenesis wrote them.
    pub fn params(&self, ctx: &mut Context) -> Result<Params> {
        PARAMS
            .may_load(&ctx.kv(&self.key))?
            .ok_or_else(|| Error::internal("no mint params in state: InitGenesis must run first"))
    }

    /// Replaces the params; errors if they are invalid.
    pub(crate) fn set_params(&self, ctx: &mut Context, params: &Params) -> Result<()> {
        params.validate()?;
        Ok(PARAMS.save(&mut ctx.kv(&self.key), params)?)
    }

    /// The minter; an internal error before InitGenesis wrote it.
    pub fn minter(&self, ctx: &mut Context) -> Result<Minter> {
        MINTER
            .may_load(&ctx.kv(&self.key))?
            .ok_or_else(|| Error::internal("no minter in state: InitGenesis must run first"))
    }

    /// Replaces the minter.
    pub(crate) fn set_minter(&self, ctx: &mut Context, minter: &Minter) -> Result<()> {
        Ok(MINTER.save(&mut ctx.kv(&self.key), minter)?)
    }

    /// Creates the mint module account if it does not exist yet (errors if the app did not
    /// register it with auth).
    pub(crate) fn ensure_module_account(&self, ctx: &mut Context) -> Result<()> {
        self.accounts.module_account(ctx, MINT_MODULE).map(|_| ())
    }

    /// The SDK's `BeginBlocker`: the bonded ratio (bonded tokens over the bond denom's supply,
    /// truncated; 0 without supply) sets the next inflation, which times the supply gives the
    /// annual provisions; this block's share of them is minted into the mint module account
    /// and sent to the fee collector. Emits `mint`. A zero provision mints and sends nothing.
    pub fn begin_block(&self, ctx: &mut Context) -> Result<()> {
        let mut minter = self.minter(ctx)?;
        let params = self.params(ctx)?;
        let bond_denom = self.staking.bond_denom(ctx)?;
        let supply = self.bank.supply_of(ctx, &bond_denom)?;
        let bonded_ratio = match supply {
            0 => Dec::zero(),
            _ => Dec::from_ratio(self.staking.total_bonded_tokens(ctx)?, supply)?,
        };
        minter.inflation = minter.next_inflation_rate(&params, bonded_ratio)?;
        minter.annual_provisions = minter.next_annual_provisions(supply)?;
        self.set_minter(ctx, &minter)?;
        let minted = minter.block_provision(&params)?;
        let amount = minted.amount;
        let coins = Coins::from(minted);
        if !coins.is_empty() {
            self.bank.mint_coins(ctx, MINT_MODULE, &coins)?;
            self.bank
                .send_coins_from_module_to_module(ctx, MINT_MODULE, FEE_COLLECTOR, &coins)?;
        }
        ctx.emit(events::mint(bonded_ratio, &minter, amount));
        Ok(())
    }
}
