//! Auth genesis in the Cosmos shape: params with u64s as strings, accounts as `@type`-tagged JSON.

use std::collections::BTreeMap;

use agora_core::{parse_genesis, Address, Context, Error, Result, SdkCode};
use cosmwasm_std::Binary;
use serde::{Deserialize, Serialize};

use crate::account::validate_pub_key;
use crate::{
    Account, Keeper, ModuleAccountInfo, Params, FEE_COLLECTOR, MODULE, SECP256K1_PUBKEY_TYPE_URL,
};

/// The validated genesis state.
pub struct GenesisState {
    params: Params,
    accounts: Vec<Account>,
}

/// `app_state.auth` as written in genesis.json; accounts are parsed one by one to name the bad one.
#[derive(Serialize, Deserialize)]
struct GenesisJson {
    params: Params,
    #[serde(default)]
    accounts: Vec<serde_json::Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "@type")]
enum AccountJson {
    #[serde(rename = "/cosmos.auth.v1beta1.BaseAccount")]
    Base(BaseAccountJson),
    #[serde(rename = "/cosmos.auth.v1beta1.ModuleAccount")]
    Module {
        base_account: BaseAccountJson,
        name: String,
        permissions: Vec<String>,
    },
}

#[derive(Serialize, Deserialize)]
struct BaseAccountJson {
    address: String,
    pub_key: Option<PubKeyJson>,
    #[serde(with = "agora_core::u64_string")]
    account_number: u64,
    #[serde(with = "agora_core::u64_string")]
    sequence: u64,
}

#[derive(Serialize, Deserialize)]
struct PubKeyJson {
    #[serde(rename = "@type")]
    type_url: String,
    key: Binary,
}

/// Prefixes an error's message with the genesis field it is about, keeping its code.
fn at(path: impl std::fmt::Display) -> impl FnOnce(Error) -> Error {
    move |mut e| {
        e.msg = format!("{path}: {}", e.msg);
        e
    }
}

fn invalid(path: impl std::fmt::Display, detail: impl std::fmt::Display) -> Error {
    Error::sdk(SdkCode::InvalidRequest, format!("{path}: {detail}"))
}

/// The default genesis: SDK params, no accounts.
pub fn default_json() -> serde_json::Value {
    serde_json::to_value(GenesisJson {
        params: Params::default(),
        accounts: Vec::new(),
    })
    .expect("serializable")
}

/// Parses and validates `app_state.auth`; errors name the bad field.
pub fn parse(genesis: &serde_json::Value) -> Result<GenesisState> {
    let raw: GenesisJson = parse_genesis(MODULE, genesis)?;
    raw.params.validate().map_err(at("app_state.auth.params"))?;
    let mut by_address = BTreeMap::new();
    let mut by_number = BTreeMap::new();
    let mut accounts = Vec::with_capacity(raw.accounts.len());
    for (i, value) in raw.accounts.into_iter().enumerate() {
        let path = format!("app_state.auth.accounts[{i}]");
        let account = parse_account(&path, value)?;
        if let Some(j) = by_address.insert(account.address.clone(), i) {
            return Err(invalid(
                format!("{path}.address"),
                format!("duplicate account {} (also accounts[{j}])", account.address),
            ));
        }
        if let Some(j) = by_number.insert(account.account_number, i) {
            return Err(invalid(
                format!("{path}.account_number"),
                format!(
                    "duplicate account number {} (also accounts[{j}])",
                    account.account_number
                ),
            ));
        }
        accounts.push(account);
    }
    Ok(GenesisState {
        params: raw.params,
        accounts,
    })
}

fn parse_account(path: &str, value: serde_json::Value) -> Result<Account> {
    let json: AccountJson = serde_json::from_value(value).map_err(|e| invalid(path, e))?;
    match json {
        AccountJson::Base(base) => parse_base(path, base, None),
        AccountJson::Module {
            base_account,
            name,
            permissions,
        } => {
            let base_path = format!("{path}.base_account");
            if name.trim().is_empty() {
                return Err(invalid(
                    format!("{path}.name"),
                    "module account name cannot be blank",
                ));
            }
            let account = parse_base(
                &base_path,
                base_account,
                Some(ModuleAccountInfo { name, permissions }),
            )?;
            let name = &account.module.as_ref().expect("set above").name;
            if account.address != Address::module(name) {
                return Err(invalid(
                    format!("{base_path}.address"),
                    format!(
                        "address {} cannot be derived from the module name {name:?}",
                        account.address
                    ),
                ));
            }
            Ok(account)
        }
    }
}

fn parse_base(
    path: &str,
    base: BaseAccountJson,
    module: Option<ModuleAccountInfo>,
) -> Result<Account> {
    let address = Address::from_bech32(&base.address).map_err(at(format!("{path}.address")))?;
    let pub_key = match base.pub_key {
        None => None,
        Some(pk) if pk.type_url != SECP256K1_PUBKEY_TYPE_URL => {
            return Err(invalid(
                format!("{path}.pub_key"),
                format!(
                    "unsupported public key type {:?}, expected {SECP256K1_PUBKEY_TYPE_URL}",
                    pk.type_url
                ),
            ))
        }
        Some(pk) => {
            validate_pub_key(pk.key.as_slice()).map_err(at(format!("{path}.pub_key.key")))?;
            Some(pk.key.to_vec())
        }
    };
    Ok(Account {
        address,
        pub_key,
        account_number: base.account_number,
        sequence: base.sequence,
        module,
    })
}

/// Writes params and accounts and makes sure the fee collector exists (as the SDK's auth
/// `InitGenesis` does).
pub fn init(keeper: &Keeper, ctx: &mut Context, state: &GenesisState) -> Result<()> {
    keeper.set_params(ctx, &state.params)?;
    for account in &state.accounts {
        keeper.set_account(ctx, account)?;
    }
    let next = state
        .accounts
        .iter()
        .map(|a| a.account_number + 1)
        .max()
        .unwrap_or(0);
    keeper.set_next_account_number(ctx, next)?;
    keeper.module_account(ctx, FEE_COLLECTOR)?;
    Ok(())
}

/// Reads params and every account (in address-byte order) back as genesis JSON.
pub fn export(keeper: &Keeper, ctx: &mut Context) -> Result<serde_json::Value> {
    let params = keeper.params(ctx)?;
    let accounts = keeper
        .all_accounts(ctx)?
        .into_iter()
        .map(|account| serde_json::to_value(account_json(account)).map_err(Error::internal))
        .collect::<Result<_>>()?;
    serde_json::to_value(GenesisJson { params, accounts }).map_err(Error::internal)
}

fn account_json(account: Account) -> AccountJson {
    let base = BaseAccountJson {
        address: account.address.to_string(),
        pub_key: account.pub_key.map(|key| PubKeyJson {
            type_url: SECP256K1_PUBKEY_TYPE_URL.into(),
            key: key.into(),
        }),
        account_number: account.account_number,
        sequence: account.sequence,
    };
    match account.module {
        None => AccountJson::Base(base),
        Some(info) => AccountJson::Module {
            base_account: base,
            name: info.name,
            permissions: info.permissions,
        },
    }
}
