//! `agorad genesis add-genesis-account <address-or-key-name> <coins>`.

use agora_core::{Address, Coins};
use anyhow::{anyhow, bail, Result};
use serde_json::{json, Value};

use super::doc;
use crate::client::args::{address_or_key, parse_coins};
use crate::Globals;

/// `add-genesis-account` arguments.
#[derive(Debug, clap::Args)]
pub struct AddGenesisAccountArgs {
    /// The account: an address, or the name of a key in the keyring.
    pub address_or_key_name: String,
    /// Its coins, e.g. `1000000uagr,5ufoo`.
    pub coins: String,
}

impl AddGenesisAccountArgs {
    /// Adds the account and its balance to genesis.json.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let coins = parse_coins(&self.coins)?;
        let address = address_or_key(globals, &self.address_or_key_name)?;
        let path = globals.home.genesis();
        let mut genesis = doc::load(&path)?;
        add(&mut genesis.app_state, &address, &coins)?;
        doc::save(&path, &genesis)
    }
}

/// Adds a base account (next free account number) and a balance of `coins` for `address`;
/// adds the coins to `bank.supply` when genesis states the supply (else it is computed).
pub fn add(app_state: &mut Value, address: &Address, coins: &Coins) -> Result<()> {
    let addr = address.to_string();
    let exists = || anyhow!("cannot add account at existing address {addr}");
    let auth = doc::module_state(app_state, "auth")?;
    let accounts = array(auth, "accounts")?;
    let mut next_number = 0u64;
    for account in accounts.iter() {
        let base = account.get("base_account").unwrap_or(account);
        if base["address"] == addr.as_str() {
            return Err(exists());
        }
        let number = match &base["account_number"] {
            Value::String(s) => s.parse().ok(),
            n => n.as_u64(),
        };
        if let Some(n) = number {
            next_number = next_number.max(n + 1);
        }
    }
    accounts.push(json!({
        "@type": "/cosmos.auth.v1beta1.BaseAccount",
        "address": addr,
        "pub_key": null,
        "account_number": next_number.to_string(),
        "sequence": "0"
    }));

    let bank = doc::module_state(app_state, "bank")?;
    let balances = array(bank, "balances")?;
    if balances.iter().any(|b| b["address"] == addr.as_str()) {
        return Err(exists());
    }
    balances.push(json!({"address": addr, "coins": coins}));
    // The SDK keeps balances sorted by address bytes.
    balances.sort_by_key(|b| {
        b["address"]
            .as_str()
            .and_then(|a| Address::from_bech32(a).ok())
            .map(|a| a.as_bytes().to_vec())
    });

    let supply = array(bank, "supply")?;
    if !supply.is_empty() {
        let stated: Coins =
            serde_json::from_value::<Vec<agora_core::Coin>>(Value::Array(supply.clone()))
                .map_err(|e| anyhow!("app_state.bank.supply: {e}"))
                .and_then(|c| {
                    Coins::new(c).map_err(|e| anyhow!("app_state.bank.supply: {}", e.msg))
                })?;
        let total = stated
            .checked_add(coins)
            .map_err(|e| anyhow!("app_state.bank.supply: {}", e.msg))?;
        *supply = serde_json::from_value(serde_json::to_value(total)?)?;
    }
    Ok(())
}

fn array<'a>(module: &'a mut Value, field: &str) -> Result<&'a mut Vec<Value>> {
    let object = module
        .as_object_mut()
        .ok_or_else(|| anyhow!("the module's genesis is not a JSON object"))?;
    let value = object.entry(field).or_insert_with(|| json!([]));
    if value.is_null() {
        *value = json!([]);
    }
    match value {
        Value::Array(items) => Ok(items),
        _ => bail!("{field} is not a list"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_get_the_next_number_and_supply_follows() {
        let mut state = json!({
            "bank": {"params": {"send_enabled": [], "default_send_enabled": true},
                     "balances": [], "supply": [], "denom_metadata": [], "send_enabled": []}
        });
        let a = Address::from_bytes(vec![2; 20]).unwrap();
        let b = Address::from_bytes(vec![1; 20]).unwrap();
        add(&mut state, &a, &parse_coins("10uagr,3ufoo").unwrap()).unwrap();
        add(&mut state, &b, &parse_coins("1uagr").unwrap()).unwrap();
        assert_eq!(state["auth"]["accounts"][1]["account_number"], "1");
        assert_eq!(state["bank"]["balances"][0]["address"], b.to_string());
        assert_eq!(state["bank"]["supply"], json!([]));
        doc::validate_app_state(&state).unwrap();
        let err = add(&mut state, &a, &parse_coins("1uagr").unwrap()).unwrap_err();
        assert!(err.to_string().contains("existing address"), "{err}");

        state["bank"]["supply"] =
            json!([{"denom": "uagr", "amount": "11"}, {"denom": "ufoo", "amount": "3"}]);
        let c = Address::from_bytes(vec![3; 20]).unwrap();
        add(&mut state, &c, &parse_coins("4uagr").unwrap()).unwrap();
        assert_eq!(state["bank"]["supply"][0]["amount"], "15");
        doc::validate_app_state(&state).unwrap();
    }
}
