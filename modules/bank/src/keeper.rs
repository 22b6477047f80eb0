//! The bank keeper: the only way to bank's store. Balances, sends, module accounts,
//! mint/burn, supply, denom metadata and send-enabled flags.

use std::collections::BTreeSet;
use std::sync::Arc;

use agora_auth::{BURNER, MINTER};
use agora_core::pagination::paginate;
use agora_core::{Address, Coin, Coins, Context, Error, Result, SdkCode, StoreKey};
use agora_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmwasm_std::{Order, Uint128};

use crate::expected::AccountKeeper;
use crate::state::{BALANCES, DENOM_METADATA, PARAMS, SEND_ENABLED, SUPPLY};
use crate::{events, BankCode, Metadata, Params, SendEnabled};

/// The bank keeper: bank's store, its authority, the addresses that may not receive funds
/// (the app's module accounts, defined once in the app) and the account keeper it needs.
pub struct Keeper {
    key: StoreKey,
    authority: Address,
    blocked: BTreeSet<Address>,
    accounts: Arc<dyn AccountKeeper>,
}

impl Keeper {
    /// A keeper over `key`, changed by `authority`, refusing sends to `blocked` (as the SDK's
    /// `BlockedAddrs`), creating accounts through `accounts`.
    pub fn new(
        key: StoreKey,
        authority: Address,
        blocked: BTreeSet<Address>,
        accounts: Arc<dyn AccountKeeper>,
    ) -> Self {
        Self {
            key,
            authority,
            blocked,
            accounts,
        }
    }

    /// Who may change bank's params and send-enabled flags.
    pub fn authority(&self) -> &Address {
        &self.authority
    }

    /// Replaces the params; the deprecated per-denom flags in them move to the send-enabled
    /// store, as the SDK's `SetParams` does.
    pub(crate) fn set_params(&self, ctx: &mut Context, params: &Params) -> Result<()> {
        params.validate()?;
        for entry in &params.send_enabled {
            self.set_send_enabled(ctx, &entry.denom, entry.enabled)?;
        }
        let stored = Params {
            send_enabled: Vec::new(),
            default_send_enabled: params.default_send_enabled,
        };
        Ok(PARAMS.save(&mut ctx.kv(&self.key), &stored)?)
    }

    /// Deletes the explicit send-enabled flag of `denom`, so it follows the default.
    pub(crate) fn delete_send_enabled(&self, ctx: &mut Context, denom: &str) {
        SEND_ENABLED.remove(&mut ctx.kv(&self.key), denom);
    }

    /// Every balance, in (address bytes, denom) order (for genesis export).
    pub(crate) fn all_balances_by_address(
        &self,
        ctx: &mut Context,
    ) -> Result<Vec<(Address, Coin)>> {
        let kv = ctx.kv(&self.key);
        let mut out = Vec::new();
        for item in BALANCES.range(&kv, None, None, Order::Ascending) {
            let ((addr, denom), amount) = item?;
            out.push((Address::from_bytes(addr)?, Coin::new(amount.u128(), denom)));
        }
        Ok(out)
    }

    /// The balance of `denom` held by `addr` (0 if none).
    pub fn balance(&self, ctx: &mut Context, addr: &Address, denom: &str) -> Result<u128> {
        Ok(BALANCES
            .may_load(&ctx.kv(&self.key), (addr.as_bytes(), denom))?
            .map_or(0, |a| a.u128()))
    }

    /// Everything `addr` holds.
    pub fn all_balances(&self, ctx: &mut Context, addr: &Address) -> Result<Coins> {
        let kv = ctx.kv(&self.key);
        let mut coins = Vec::new();
        for item in BALANCES
            .prefix(addr.as_bytes())
            .range(&kv, None, None, Order::Ascending)
        {
            let (denom, amount) = item?;
            coins.push(Coin::new(amount.u128(), denom));
        }
        Coins::new(coins).map_err(|e| Error::internal(format!("stored balances of {addr}: {e}")))
    }

    /// One page of `addr`'s balances, by denom (`next_key` is the next denom).
    pub fn balances_page(
        &self,
        ctx: &mut Context,
        addr: &Address,
        page: Option<&PageRequest>,
    ) -> Result<(Vec<Coin>, PageResponse)> {
        let kv = ctx.kv(&self.key);
        paginate(
            &kv,
            &BALANCES.prefix(addr.as_bytes()),
            page,
            |denom, amount| Ok(Coin::new(amount.u128(), stored_denom(denom)?)),
        )
    }

    /// Moves `amount` from `from` to `to`, creating `to`'s auth account if missing. Emits
    /// `coin_spent`, `coin_received`, `transfer` and `message{sender}` as the SDK's `SendCoins`.
    /// Errors with `sdk/5` (insufficient funds) before writing anything.
    pub fn send_coins(
        &self,
        ctx: &mut Context,
        from: &Address,
        to: &Address,
        amount: &Coins,
    ) -> Result<()> {
        self.sub_coins(ctx, from, amount)?;
        self.add_coins(ctx, to, amount)?;
        self.ensure_account(ctx, to)?;
        ctx.emit(events::transfer(to, from, amount));
        ctx.emit(events::message_sender(from));
        Ok(())
    }

    /// Moves `input`'s coins to the `outputs` (the SDK's `InputOutputCoins`); the sums must match.
    pub fn input_output_coins(
        &self,
        ctx: &mut Context,
        input: &(Address, Coins),
        outputs: &[(Address, Coins)],
    ) -> Result<()> {
        let total = outputs
            .iter()
            .try_fold(Coins::empty(), |sum, (_, coins)| sum.checked_add(coins))?;
        if total != input.1 {
            return Err(BankCode::InputOutputMismatch
                .err(format!("inputs {} != outputs {}", input.1, total)));
        }
        let (from, _) = input;
        self.sub_coins(ctx, from, &input.1)?;
        ctx.emit(events::message_sender(from));
        for (to, coins) in outputs {
            self.add_coins(ctx, to, coins)?;
            ctx.emit(events::transfer(to, from, coins));
            self.ensure_account(ctx, to)?;
        }
        Ok(())
    }

    /// Moves `amount` from an account to the module account `module`.
    pub fn send_coins_from_account_to_module(
        &self,
        ctx: &mut Context,
        from: &Address,
        module: &str,
        amount: &Coins,
    ) -> Result<()> {
        let to = self.accounts.module_account(ctx, module)?.address;
        self.send_coins(ctx, from, &to, amount)
    }

    /// Moves `amount` from the module account `module` to an account; blocked addresses refuse it.
    pub fn send_coins_from_module_to_account(
        &self,
        ctx: &mut Context,
        module: &str,
        to: &Address,
        amount: &Coins,
    ) -> Result<()> {
        let from = self.accounts.module_account(ctx, module)?.address;
        if self.is_blocked(to) {
            return Err(Error::sdk(
                SdkCode::Unauthorized,
                format!("{to} is not allowed to receive funds"),
            ));
        }
        self.send_coins(ctx, &from, to, amount)
    }

    /// Moves `amount` between two module accounts.
    pub fn send_coins_from_module_to_module(
        &self,
        ctx: &mut Context,
        from: &str,
        to: &str,
        amount: &Coins,
    ) -> Result<()> {
        let from = self.accounts.module_account(ctx, from)?.address;
        let to = self.accounts.module_account(ctx, to)?.address;
        self.send_coins(ctx, &from, &to, amount)
    }

    /// Creates `amount` in the module account `module`, which needs the `minter` permission.
    /// Emits `coin_received` and `coinbase`.
    pub fn mint_coins(&self, ctx: &mut Context, module: &str, amount: &Coins) -> Result<()> {
        let account = self.permitted_module_account(ctx, module, MINTER, "mint")?;
        for coin in amount.iter() {
            let supply = self
                .supply_of(ctx, &coin.denom)?
                .checked_add(coin.amount)
                .ok_or_else(|| {
                    Error::sdk(
                        SdkCode::InvalidCoins,
                        format!("minting {coin} overflows the supply"),
                    )
                })?;
            self.set_supply(ctx, &coin.denom, supply)?;
        }
        self.add_coins(ctx, &account, amount)?;
        ctx.emit(events::coinbase(&account, amount));
        Ok(())
    }

    /// Destroys `amount` held by the module account `module`, which needs the `burner` permission.
    /// Emits `coin_spent` and `burn`.
    pub fn burn_coins(&self, ctx: &mut Context, module: &str, amount: &Coins) -> Result<()> {
        let account = self.permitted_module_account(ctx, module, BURNER, "burn")?;
        self.sub_coins(ctx, &account, amount)?;
        for coin in amount.iter() {
            let supply = self
                .supply_of(ctx, &coin.denom)?
                .checked_sub(coin.amount)
                .ok_or_else(|| Error::internal(format!("burning {coin} exceeds the supply")))?;
            self.set_supply(ctx, &coin.denom, supply)?;
        }
        ctx.emit(events::burn(&account, amount));
        Ok(())
    }

    /// The total supply of `denom` (0 if none).
    pub fn supply_of(&self, ctx: &mut Context, denom: &str) -> Result<u128> {
        Ok(SUPPLY
            .may_load(&ctx.kv(&self.key), denom)?
            .map_or(0, |a| a.u128()))
    }

    /// The total supply of every denom.
    pub fn total_supply(&self, ctx: &mut Context) -> Result<Coins> {
        let kv = ctx.kv(&self.key);
        let mut coins = Vec::new();
        for item in SUPPLY.range(&kv, None, None, Order::Ascending) {
            let (denom, amount) = item?;
            coins.push(Coin::new(amount.u128(), denom));
        }
        Coins::new(coins).map_err(|e| Error::internal(format!("stored supply: {e}")))
    }

    /// One page of the total supply, by denom (`next_key` is the next denom).
    pub fn supply_page(
        &self,
        ctx: &mut Context,
        page: Option<&PageRequest>,
    ) -> Result<(Vec<Coin>, PageResponse)> {
        let kv = ctx.kv(&self.key);
        paginate(&kv, &SUPPLY.prefix(()), page, |denom, amount| {
            Ok(Coin::new(amount.u128(), stored_denom(denom)?))
        })
    }

    /// The bank params.
    pub fn params(&self, ctx: &mut Context) -> Result<Params> {
        Ok(PARAMS.may_load(&ctx.kv(&self.key))?.unwrap_or_default())
    }

    /// Whether `denom` may be sent: its own flag, else the params' default.
    pub fn is_send_enabled(&self, ctx: &mut Context, denom: &str) -> Result<bool> {
        match SEND_ENABLED.may_load(&ctx.kv(&self.key), denom)? {
            Some(enabled) => Ok(enabled),
            None => Ok(self.params(ctx)?.default_send_enabled),
        }
    }

    /// Errors with `bank/5` if any of `coins` may not be sent.
    pub fn check_send_enabled(&self, ctx: &mut Context, coins: &Coins) -> Result<()> {
        for coin in coins.iter() {
            if !self.is_send_enabled(ctx, &coin.denom)? {
                return Err(BankCode::SendDisabled
                    .err(format!("{} transfers are currently disabled", coin.denom)));
            }
        }
        Ok(())
    }

    /// The explicit send-enabled flags of `denoms` (of every denom if empty), by denom.
    pub fn send_enabled_entries(
        &self,
        ctx: &mut Context,
        denoms: &[String],
    ) -> Result<Vec<SendEnabled>> {
        let kv = ctx.kv(&self.key);
        if denoms.is_empty() {
            let all = SEND_ENABLED.range(&kv, None, None, Order::Ascending);
            return Ok(all
                .map(|item| item.map(|(denom, enabled)| SendEnabled { denom, enabled }))
                .collect::<Result<_, _>>()?);
        }
        let mut out = Vec::new();
        for denom in denoms {
            if let Some(enabled) = SEND_ENABLED.may_load(&kv, denom)? {
                out.push(SendEnabled {
                    denom: denom.clone(),
                    enabled,
                });
            }
        }
        Ok(out)
    }

    /// One page of the explicit send-enabled flags, by denom.
    pub fn send_enabled_page(
        &self,
        ctx: &mut Context,
        page: Option<&PageRequest>,
    ) -> Result<(Vec<SendEnabled>, PageResponse)> {
        let kv = ctx.kv(&self.key);
        paginate(&kv, &SEND_ENABLED.prefix(()), page, |denom, enabled| {
            Ok(SendEnabled {
                denom: stored_denom(denom)?,
                enabled,
            })
        })
    }

    /// Sets the send-enabled flag of one denom.
    pub fn set_send_enabled(&self, ctx: &mut Context, denom: &str, enabled: bool) -> Result<()> {
        Ok(SEND_ENABLED.save(&mut ctx.kv(&self.key), denom, &enabled)?)
    }

    /// The metadata of `denom`, if any.
    pub fn denom_metadata(&self, ctx: &mut Context, denom: &str) -> Result<Option<Metadata>> {
        Ok(DENOM_METADATA.may_load(&ctx.kv(&self.key), denom)?)
    }

    /// All denom metadata, by base denom.
    pub fn all_denom_metadata(&self, ctx: &mut Context) -> Result<Vec<Metadata>> {
        let kv = ctx.kv(&self.key);
        let all = DENOM_METADATA
            .range(&kv, None, None, Order::Ascending)
            .map(|item| item.map(|(_, m)| m));
        Ok(all.collect::<Result<_, _>>()?)
    }

    /// One page of the denom metadata, by base denom.
    pub fn denom_metadata_page(
        &self,
        ctx: &mut Context,
        page: Option<&PageRequest>,
    ) -> Result<(Vec<Metadata>, PageResponse)> {
        let kv = ctx.kv(&self.key);
        paginate(&kv, &DENOM_METADATA.prefix(()), page, |_, metadata| {
            Ok(metadata)
        })
    }

    /// Saves denom metadata under its base denom; errors if it is invalid.
    pub fn set_denom_metadata(&self, ctx: &mut Context, metadata: &Metadata) -> Result<()> {
        metadata.validate()?;
        Ok(DENOM_METADATA.save(&mut ctx.kv(&self.key), &metadata.base, metadata)?)
    }

    /// Whether `addr` is one of the module accounts the app blocked from receiving funds.
    pub fn is_blocked(&self, addr: &Address) -> bool {
        self.blocked.contains(addr)
    }

    /// The module account's address, if it holds `permission`; else `sdk/4`.
    fn permitted_module_account(
        &self,
        ctx: &mut Context,
        module: &str,
        permission: &str,
        action: &str,
    ) -> Result<Address> {
        let account = self.accounts.module_account(ctx, module)?;
        match &account.module {
            Some(info) if info.has_permission(permission) => Ok(account.address),
            _ => Err(Error::sdk(
                SdkCode::Unauthorized,
                format!("module account {module} does not have permissions to {action} tokens"),
            )),
        }
    }

    /// Takes `amount` from `addr`, checking every coin before writing; emits `coin_spent`.
    fn sub_coins(&self, ctx: &mut Context, addr: &Address, amount: &Coins) -> Result<()> {
        let mut new_balances = Vec::with_capacity(amount.iter().len());
        for coin in amount.iter() {
            let have = self.balance(ctx, addr, &coin.denom)?;
            let left = have.checked_sub(coin.amount).ok_or_else(|| {
                Error::sdk(
                    SdkCode::InsufficientFunds,
                    format!(
                        "spendable balance {} is smaller than {coin}",
                        Coin::new(have, coin.denom.clone())
                    ),
                )
            })?;
            new_balances.push((&coin.denom, left));
        }
        for (denom, left) in new_balances {
            self.set_balance(ctx, addr, denom, left)?;
        }
        ctx.emit(events::coin_spent(addr, amount));
        Ok(())
    }

    /// Adds `amount` to `addr`; emits `coin_received`.
    fn add_coins(&self, ctx: &mut Context, addr: &Address, amount: &Coins) -> Result<()> {
        for coin in amount.iter() {
            let total = self
                .balance(ctx, addr, &coin.denom)?
                .checked_add(coin.amount)
                .ok_or_else(|| {
                    Error::sdk(
                        SdkCode::InvalidCoins,
                        format!("adding {coin} to the balance of {addr} overflows"),
                    )
                })?;
            self.set_balance(ctx, addr, &coin.denom, total)?;
        }
        ctx.emit(events::coin_received(addr, amount));
        Ok(())
    }

    /// Writes one balance; a zero balance is deleted.
    pub(crate) fn set_balance(
        &self,
        ctx: &mut Context,
        addr: &Address,
        denom: &str,
        amount: u128,
    ) -> Result<()> {
        let mut kv = ctx.kv(&self.key);
        if amount == 0 {
            BALANCES.remove(&mut kv, (addr.as_bytes(), denom));
            return Ok(());
        }
        Ok(BALANCES.save(&mut kv, (addr.as_bytes(), denom), &Uint128::new(amount))?)
    }

    /// Writes the supply of one denom; a zero supply is deleted.
    pub(crate) fn set_supply(&self, ctx: &mut Context, denom: &str, amount: u128) -> Result<()> {
        let mut kv = ctx.kv(&self.key);
        if amount == 0 {
            SUPPLY.remove(&mut kv, denom);
            return Ok(());
        }
        Ok(SUPPLY.save(&mut kv, denom, &Uint128::new(amount))?)
    }

    /// Creates the auth account of `addr` if it has none.
    pub(crate) fn ensure_account(&self, ctx: &mut Context, addr: &Address) -> Result<()> {
        if !self.accounts.has_account(ctx, addr)? {
            self.accounts.new_account(ctx, addr)?;
        }
        Ok(())
    }
}

/// A denom read back from a store key.
fn stored_denom(key: &[u8]) -> Result<String> {
    String::from_utf8(key.to_vec())
        .map_err(|_| Error::internal(format!("stored denom {key:02x?} is not UTF-8")))
}
