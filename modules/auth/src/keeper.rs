//! The auth keeper: the only way to auth's store. Other modules hold it (or a trait of it)
//! to read and create accounts and module accounts.

use std::collections::BTreeMap;

use agora_core::pagination::paginate;
use agora_core::{Address, Context, Error, Result, SdkCode, StoreKey};
use agora_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};

use crate::state::{ACCOUNTS, NEXT_ACCOUNT_NUMBER, PARAMS};
use crate::{Account, ModuleAccountInfo, Params};

/// The auth keeper: auth's store, its authority, and the app's module accounts with their
/// permissions (the SDK's `maccPerms`, defined once by the app and kept in code, not state).
pub struct Keeper {
    key: StoreKey,
    authority: Address,
    module_accounts: BTreeMap<&'static str, &'static [&'static str]>,
}

impl Keeper {
    /// A keeper over `key`, changed by `authority`, knowing the module accounts
    /// `(name, permissions)` the app registers.
    pub fn new(
        key: StoreKey,
        authority: Address,
        module_accounts: &[(&'static str, &'static [&'static str])],
    ) -> Self {
        Self {
            key,
            authority,
            module_accounts: module_accounts.iter().copied().collect(),
        }
    }

    /// Who may change auth's params.
    pub fn authority(&self) -> &Address {
        &self.authority
    }

    /// The account at `addr`, if any.
    pub fn account(&self, ctx: &mut Context, addr: &Address) -> Result<Option<Account>> {
        Ok(ACCOUNTS.may_load(&ctx.kv(&self.key), addr.as_bytes())?)
    }

    /// Saves `account` under its address.
    pub fn set_account(&self, ctx: &mut Context, account: &Account) -> Result<()> {
        Ok(ACCOUNTS.save(&mut ctx.kv(&self.key), account.address.as_bytes(), account)?)
    }

    /// Creates and saves a fresh account at `addr` with the next account number; errors if
    /// one exists.
    pub fn new_account(&self, ctx: &mut Context, addr: &Address) -> Result<Account> {
        if self.has_account(ctx, addr)? {
            return Err(Error::sdk(
                SdkCode::InvalidRequest,
                format!("account {addr} already exists"),
            ));
        }
        let account = Account {
            address: addr.clone(),
            pub_key: None,
            account_number: self.next_account_number(ctx)?,
            sequence: 0,
            module: None,
        };
        self.set_account(ctx, &account)?;
        Ok(account)
    }

    /// Whether an account exists at `addr`.
    pub fn has_account(&self, ctx: &mut Context, addr: &Address) -> Result<bool> {
        Ok(ACCOUNTS.has(&ctx.kv(&self.key), addr.as_bytes()))
    }

    /// The module account `name` (address `Address::module(name)`), created on first use with
    /// the permissions the app registered. Errors if the app registered no such module
    /// account, or if a plain account already holds its address.
    pub fn module_account(&self, ctx: &mut Context, name: &str) -> Result<Account> {
        let addr = Address::module(name);
        if let Some(account) = self.account(ctx, &addr)? {
            return match account.module {
                Some(_) => Ok(account),
                None => Err(Error::sdk(
                    SdkCode::Logic,
                    format!("account {addr} is not a module account (module {name})"),
                )),
            };
        }
        let permissions = self.module_accounts.get(name).ok_or_else(|| {
            Error::sdk(
                SdkCode::UnknownAddress,
                format!("module account {name} is not registered with auth"),
            )
        })?;
        let account = Account {
            address: addr,
            pub_key: None,
            account_number: self.next_account_number(ctx)?,
            sequence: 0,
            module: Some(ModuleAccountInfo {
                name: name.to_string(),
                permissions: permissions.iter().map(|p| p.to_string()).collect(),
            }),
        };
        self.set_account(ctx, &account)?;
        Ok(account)
    }

    /// One page of accounts, by address bytes (`next_key` is the next account's address bytes).
    pub fn accounts_page(
        &self,
        ctx: &mut Context,
        page: Option<&PageRequest>,
    ) -> Result<(Vec<Account>, PageResponse)> {
        let kv = ctx.kv(&self.key);
        paginate(&kv, &ACCOUNTS.prefix(()), page, |_, account| Ok(account))
    }

    /// Every account, in address-byte order (for genesis export).
    pub(crate) fn all_accounts(&self, ctx: &mut Context) -> Result<Vec<Account>> {
        let kv = ctx.kv(&self.key);
        let all = ACCOUNTS.range(&kv, None, None, cosmwasm_std::Order::Ascending);
        Ok(all
            .map(|item| item.map(|(_, account)| account))
            .collect::<Result<_, _>>()?)
    }

    /// The module accounts the app registered that exist, by module name: one read per
    /// registered module, however many accounts there are.
    pub fn module_accounts(&self, ctx: &mut Context) -> Result<Vec<Account>> {
        let mut accounts = Vec::with_capacity(self.module_accounts.len());
        for name in self.module_accounts.keys() {
            if let Some(found) = self.account(ctx, &Address::module(name))? {
                if found.module.is_some() {
                    accounts.push(found);
                }
            }
        }
        Ok(accounts)
    }

    /// The auth params.
    pub fn params(&self, ctx: &mut Context) -> Result<Params> {
        Ok(PARAMS.may_load(&ctx.kv(&self.key))?.unwrap_or_default())
    }

    /// Replaces the params (genesis and `MsgUpdateParams`); errors if they are invalid.
    pub(crate) fn set_params(&self, ctx: &mut Context, params: &Params) -> Result<()> {
        params.validate()?;
        Ok(PARAMS.save(&mut ctx.kv(&self.key), params)?)
    }

    /// Sets the next account number (genesis: one past the highest imported).
    pub(crate) fn set_next_account_number(&self, ctx: &mut Context, next: u64) -> Result<()> {
        Ok(NEXT_ACCOUNT_NUMBER.save(&mut ctx.kv(&self.key), &next)?)
    }

    /// Takes the next account number, advancing the counter.
    fn next_account_number(&self, ctx: &mut Context) -> Result<u64> {
        let mut kv = ctx.kv(&self.key);
        let number = NEXT_ACCOUNT_NUMBER.may_load(&kv)?.unwrap_or(0);
        NEXT_ACCOUNT_NUMBER.save(&mut kv, &(number + 1))?;
        Ok(number)
    }
}
