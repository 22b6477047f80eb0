//! What other modules and the app call: accounts, module accounts and params.

use agora_core::pagination::paginate;
use agora_core::{Address, Context, Error, Result, SdkCode};
use agora_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmwasm_std::Order;

use crate::state::{ACCOUNTS, MODULE_PERMISSIONS, NEXT_ACCOUNT_NUMBER, PARAMS};
use crate::{Account, ModuleAccountInfo, Params, MODULE};

/// The account at `addr`, if any.
pub fn account(ctx: &mut Context, addr: &Address) -> Result<Option<Account>> {
    Ok(ACCOUNTS.may_load(&ctx.kv(MODULE), addr.as_bytes())?)
}

/// Saves `account` under its address.
pub fn set_account(ctx: &mut Context, account: &Account) -> Result<()> {
    Ok(ACCOUNTS.save(&mut ctx.kv(MODULE), account.address.as_bytes(), account)?)
}

/// Creates and saves a fresh account at `addr` with the next account number; errors if one exists.
pub fn new_account(ctx: &mut Context, addr: &Address) -> Result<Account> {
    if has_account(ctx, addr)? {
        return Err(Error::sdk(
            SdkCode::InvalidRequest,
            format!("account {addr} already exists"),
        ));
    }
    let account = Account {
        address: addr.clone(),
        pub_key: None,
        account_number: next_account_number(ctx)?,
        sequence: 0,
        module: None,
    };
    set_account(ctx, &account)?;
    Ok(account)
}

/// Whether an account exists at `addr`.
pub fn has_account(ctx: &mut Context, addr: &Address) -> Result<bool> {
    Ok(ACCOUNTS.has(&ctx.kv(MODULE), addr.as_bytes()))
}

/// The module account `name` (address `Address::module(name)`), created on first use with the
/// permissions the app registered. Errors if the app registered no such module account, or if a
/// plain account already holds its address.
pub fn module_account(ctx: &mut Context, name: &str) -> Result<Account> {
    let addr = Address::module(name);
    if let Some(account) = account(ctx, &addr)? {
        return match account.module {
            Some(_) => Ok(account),
            None => Err(Error::sdk(
                SdkCode::Logic,
                format!("account {addr} is not a module account (module {name})"),
            )),
        };
    }
    let permissions = MODULE_PERMISSIONS
        .may_load(&ctx.kv(MODULE), name)?
        .ok_or_else(|| {
            Error::sdk(
                SdkCode::UnknownAddress,
                format!("module account {name} is not registered with auth"),
            )
        })?;
    let account = Account {
        address: addr,
        pub_key: None,
        account_number: next_account_number(ctx)?,
        sequence: 0,
        module: Some(ModuleAccountInfo {
            name: name.to_string(),
            permissions,
        }),
    };
    set_account(ctx, &account)?;
    Ok(account)
}

/// One page of accounts, by address bytes (`next_key` is the next account's address bytes).
pub fn accounts_page(
    ctx: &mut Context,
    page: Option<&PageRequest>,
) -> Result<(Vec<Account>, PageResponse)> {
    let kv = ctx.kv(MODULE);
    paginate(&kv, &ACCOUNTS.prefix(()), page, |_, account| Ok(account))
}

/// The module accounts the app registered that exist, by module name: one read per registered
/// module, however many accounts there are.
pub fn module_accounts(ctx: &mut Context) -> Result<Vec<Account>> {
    let names = {
        let kv = ctx.kv(MODULE);
        MODULE_PERMISSIONS
            .keys(&kv, None, None, Order::Ascending)
            .collect::<Result<Vec<_>, _>>()?
    };
    let mut accounts = Vec::with_capacity(names.len());
    for name in names {
        if let Some(found) = account(ctx, &Address::module(&name))? {
            if found.module.is_some() {
                accounts.push(found);
            }
        }
    }
    Ok(accounts)
}

/// The auth params.
pub fn params(ctx: &mut Context) -> Result<Params> {
    Ok(PARAMS.may_load(&ctx.kv(MODULE))?.unwrap_or_default())
}

/// Takes the next account number, advancing the counter.
fn next_account_number(ctx: &mut Context) -> Result<u64> {
    let mut kv = ctx.kv(MODULE);
    let number = NEXT_ACCOUNT_NUMBER.may_load(&kv)?.unwrap_or(0);
    NEXT_ACCOUNT_NUMBER.save(&mut kv, &(number + 1))?;
    Ok(number)
}
