//! Bank genesis in the Cosmos shape: import, export, validate.

use std::collections::{BTreeMap, BTreeSet};

use agora_core::{parse_genesis, Address, Coin, Coins, Context, Error, Result, SdkCode};
use serde::{Deserialize, Serialize};

use crate::errors::at;
use crate::params::validate_send_enabled;
use crate::{Keeper, Metadata, Params, SendEnabled, MODULE};

/// `app_state.bank` as written in genesis.json.
#[derive(Serialize, Deserialize)]
struct GenesisJson {
    params: Params,
    #[serde(default)]
    balances: Vec<BalanceJson>,
    #[serde(default)]
    supply: Vec<Coin>,
    #[serde(default)]
    denom_metadata: Vec<Metadata>,
    #[serde(default)]
    send_enabled: Vec<SendEnabled>,
}

#[derive(Serialize, Deserialize)]
struct BalanceJson {
    address: String,
    coins: Vec<Coin>,
}

/// The validated genesis state.
pub struct GenesisState {
    default_send_enabled: bool,
    send_enabled: Vec<SendEnabled>,
    balances: BTreeMap<Address, Coins>,
    supply: Coins,
    denom_metadata: Vec<Metadata>,
}

fn invalid(path: impl std::fmt::Display, detail: impl std::fmt::Display) -> Error {
    Error::sdk(SdkCode::InvalidRequest, format!("{path}: {detail}"))
}

/// The default genesis: sends enabled, nothing held.
pub fn default_json() -> serde_json::Value {
    let genesis = GenesisJson {
        params: Params::default(),
        balances: Vec::new(),
        supply: Vec::new(),
        denom_metadata: Vec::new(),
        send_enabled: Vec::new(),
    };
    serde_json::to_value(genesis).expect("serializable")
}

/// Parses and validates `app_state.bank`; errors name the bad field. An empty supply is computed
/// from the balances; a non-empty one must equal their sum.
pub fn parse(genesis: &serde_json::Value) -> Result<GenesisState> {
    let raw: GenesisJson = parse_genesis(MODULE, genesis)?;
    if !raw.params.send_enabled.is_empty() && !raw.send_enabled.is_empty() {
        return Err(invalid(
            "app_state.bank.send_enabled",
            "send_enabled defined in both the send_enabled field and in params (deprecated)",
        ));
    }
    validate_send_enabled(
        "app_state.bank.params.send_enabled",
        &raw.params.send_enabled,
    )?;
    validate_send_enabled("app_state.bank.send_enabled", &raw.send_enabled)?;

    let mut balances = BTreeMap::new();
    let mut seen = BTreeMap::new();
    let mut total = Coins::empty();
    for (i, balance) in raw.balances.into_iter().enumerate() {
        let path = format!("app_state.bank.balances[{i}]");
        let address =
            Address::from_bech32(&balance.address).map_err(at(format!("{path}.address")))?;
        if let Some(j) = seen.insert(address.clone(), i) {
            return Err(invalid(
                format!("{path}.address"),
                format!("duplicate balance for address {address} (also balances[{j}])"),
            ));
        }
        let coins = Coins::from_canonical(balance.coins).map_err(at(format!("{path}.coins")))?;
        total = total
            .checked_add(&coins)
            .map_err(at(format!("{path}.coins")))?;
        balances.insert(address, coins);
    }

    let mut bases = BTreeSet::new();
    for (i, metadata) in raw.denom_metadata.iter().enumerate() {
        let path = format!("app_state.bank.denom_metadata[{i}]");
        metadata.validate().map_err(at(&path))?;
        if !bases.insert(metadata.base.as_str()) {
            return Err(invalid(
                format!("{path}.base"),
                format!("duplicate client metadata for denom {}", metadata.base),
            ));
        }
    }

    let supply = if raw.supply.is_empty() {
        total
    } else {
        let supply = Coins::from_canonical(raw.supply).map_err(at("app_state.bank.supply"))?;
        if supply != total {
            return Err(invalid(
                "app_state.bank.supply",
                format!("genesis supply is incorrect, expected {supply}, got {total}"),
            ));
        }
        supply
    };

    let mut send_enabled = raw.send_enabled;
    send_enabled.extend(raw.params.send_enabled);
    Ok(GenesisState {
        default_send_enabled: raw.params.default_send_enabled,
        send_enabled,
        balances,
        supply,
        denom_metadata: raw.denom_metadata,
    })
}

/// Writes params, flags, balances (creating auth accounts for holders without one, in
/// address order), supply and metadata.
pub fn init(keeper: &Keeper, ctx: &mut Context, state: &GenesisState) -> Result<()> {
    let params = Params {
        send_enabled: Vec::new(),
        default_send_enabled: state.default_send_enabled,
    };
    keeper.set_params(ctx, &params)?;
    for entry in &state.send_enabled {
        keeper.set_send_enabled(ctx, &entry.denom, entry.enabled)?;
    }
    let mut by_bytes: Vec<_> = state.balances.iter().collect();
    by_bytes.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    for (address, coins) in by_bytes {
        for coin in coins.iter() {
            keeper.set_balance(ctx, address, &coin.denom, coin.amount)?;
        }
        keeper.ensure_account(ctx, address)?;
    }
    for coin in state.supply.iter() {
        keeper.set_supply(ctx, &coin.denom, coin.amount)?;
    }
    for metadata in &state.denom_metadata {
        keeper.set_denom_metadata(ctx, metadata)?;
    }
    Ok(())
}

/// Reads the whole bank state back as genesis JSON (balances in address-byte order).
pub fn export(keeper: &Keeper, ctx: &mut Context) -> Result<serde_json::Value> {
    let params = keeper.params(ctx)?;
    let mut balances: Vec<BalanceJson> = Vec::new();
    for (address, coin) in keeper.all_balances_by_address(ctx)? {
        let address = address.to_string();
        match balances.last_mut() {
            Some(last) if last.address == address => last.coins.push(coin),
            _ => balances.push(BalanceJson {
                address,
                coins: vec![coin],
            }),
        }
    }
    let genesis = GenesisJson {
        params,
        balances,
        supply: keeper.total_supply(ctx)?.into_vec(),
        denom_metadata: keeper.all_denom_metadata(ctx)?,
        send_enabled: keeper.send_enabled_entries(ctx, &[])?,
    };
    serde_json::to_value(genesis).map_err(Error::internal)
}
