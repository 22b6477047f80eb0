//! `agorad keplr-chain-info`: the chain as Keplr's `window.keplr.experimentalSuggestChain`
//! takes it, read from this home: the chain id and staking denom of `genesis.json` (display
//! units from bank's `denom_metadata`, else `u<name>` is taken as 10^-6 of `<NAME>`), the
//! gas prices of `app.toml`, the RPC address of `client.toml`.
//!
//! Gas price steps: `low` is the node's minimum gas price in the fee denom, `average` 2.5
//! times it and `high` 4 times (Keplr's own 0.01 / 0.025 / 0.04 ratios); a node that takes
//! free txs gets Keplr's defaults, which it accepts too.

use agora_core::{Dec, ACCOUNT_PREFIX, VALCONS_PREFIX, VALOPER_PREFIX};
use agora_node::config::{self, AppToml};
use anyhow::{anyhow, Context as _, Result};
use clap::Args;
use serde_json::{json, Value};

use crate::client::rpc::http_url;
use crate::Globals;

/// The SLIP-44 coin type of Cosmos keys, which `agorad keys` derives (m/44'/118'/0'/0/0).
const COIN_TYPE: u32 = 118;
/// The REST (LCD) address app.toml's `[api] address` defaults to in the SDK.
const DEFAULT_REST: &str = "http://127.0.0.1:1317";

/// `agorad keplr-chain-info`.
#[derive(Debug, Args)]
pub struct KeplrArgs {
    /// The RPC address Keplr should use (default: client.toml's `node`, as http://).
    #[arg(long)]
    rpc: Option<String>,
    /// The REST (LCD) address Keplr should use.
    #[arg(long, default_value = DEFAULT_REST)]
    rest: String,
    /// The name Keplr shows (default: the chain id).
    #[arg(long)]
    chain_name: Option<String>,
}

impl KeplrArgs {
    /// Prints the chain info JSON (always JSON: it is what Keplr takes).
    pub fn run(self, globals: &Globals) -> Result<()> {
        let genesis = crate::genesis::doc::load(&globals.home.genesis())?;
        let app: AppToml = config::load(&globals.home.app_toml())?;
        let rpc = self.rpc.unwrap_or_else(|| http_url(&globals.client.node));
        let info = chain_info(
            genesis.chain_id.as_str(),
            self.chain_name.as_deref(),
            &genesis.app_state,
            &app.minimum_gas_prices,
            &rpc,
            &self.rest,
        )?;
        println!("{}", serde_json::to_string_pretty(&info)?);
        Ok(())
    }
}

/// The chain info of a chain `chain_id` whose genesis app state is `app_state` and whose node
/// asks `min_gas_prices` (app.toml's `minimum-gas-prices`).
pub fn chain_info(
    chain_id: &str,
    chain_name: Option<&str>,
    app_state: &Value,
    min_gas_prices: &str,
    rpc: &str,
    rest: &str,
) -> Result<Value> {
    for (flag, url) in [("--rpc", rpc), ("--rest", rest)] {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(anyhow!(
                "{flag} {url:?} must be an http:// or https:// URL that a browser can reach"
            ));
        }
    }
    let denom = app_state["staking"]["params"]["bond_denom"]
        .as_str()
        .context("genesis.json has no app_state.staking.params.bond_denom")?;
    let currency = currency(app_state, denom);
    let prices = agora_app::config::parse_gas_prices(min_gas_prices)
        .map_err(|e| anyhow!("app.toml: minimum-gas-prices: {e}"))?;
    let low = prices
        .into_iter()
        .find(|(price, d)| d == denom && !price.is_zero())
        .map(|(price, _)| price)
        .unwrap_or(Dec::from_ratio(1, 100)?);
    let times = |n: u128, d: u128| -> Result<Value> {
        let step = low.checked_mul(Dec::from_ratio(n, d)?)?;
        // "2.500000000000000000" → 2.5, "4.000000000000000000" → 4.
        let text = step.to_string();
        Ok(serde_json::from_str(
            text.trim_end_matches('0').trim_end_matches('.'),
        )?)
    };
    let mut fee_currency = currency.clone();
    fee_currency["gasPriceStep"] = json!({
        "low": times(1, 1)?,
        "average": times(5, 2)?,
        "high": times(4, 1)?,
    });
    Ok(json!({
        "chainId": chain_id,
        "chainName": chain_name.unwrap_or(chain_id),
        "rpc": rpc,
        "rest": rest,
        "bip44": { "coinType": COIN_TYPE },
        "bech32Config": {
            "bech32PrefixAccAddr": ACCOUNT_PREFIX,
            "bech32PrefixAccPub": format!("{ACCOUNT_PREFIX}pub"),
            "bech32PrefixValAddr": VALOPER_PREFIX,
            "bech32PrefixValPub": format!("{VALOPER_PREFIX}pub"),
            "bech32PrefixConsAddr": VALCONS_PREFIX,
            "bech32PrefixConsPub": format!("{VALCONS_PREFIX}pub"),
        },
        "currencies": [currency],
        "feeCurrencies": [fee_currency],
        "stakeCurrency": currency,
        "features": [],
    }))
}

/// Keplr's currency of base denom `denom`: its display unit and exponent from bank's
/// `denom_metadata` when genesis has them, else `uagr` → `AGR` with 6 decimals.
fn currency(app_state: &Value, denom: &str) -> Value {
    let metadata = app_state["bank"]["denom_metadata"]
        .as_array()
        .and_then(|all| all.iter().find(|m| m["base"] == denom));
    let from_metadata = metadata.and_then(|m| {
        let display = m["display"].as_str()?;
        let exponent = m["denom_units"]
            .as_array()?
            .iter()
            .find(|u| u["denom"] == display)?["exponent"]
            .as_u64()?;
        let symbol = m["symbol"].as_str().filter(|s| !s.is_empty());
        Some((symbol.unwrap_or(display).to_uppercase(), exponent))
    });
    let (display, decimals) = from_metadata.unwrap_or_else(|| match denom.strip_prefix('u') {
        Some(name) if !name.is_empty() => (name.to_uppercase(), 6),
        _ => (denom.to_uppercase(), 0),
    });
    json!({
        "coinDenom": display,
        "coinMinimalDenom": denom,
        "coinDecimals": decimals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(metadata: Value) -> Value {
        json!({
            "staking": { "params": { "bond_denom": "uagr" } },
            "bank": { "denom_metadata": metadata },
        })
    }

    #[test]
    fn gas_steps_follow_the_nodes_minimum_price_in_the_fee_denom() {
        let info = chain_info(
            "agora-1",
            None,
            &state(json!([])),
            "0.5ufoo,0.1uagr",
            "http://localhost:26657",
            DEFAULT_REST,
        )
        .unwrap();
        let step = &info["feeCurrencies"][0]["gasPriceStep"];
        assert_eq!(step, &json!({"low": 0.1, "average": 0.25, "high": 0.4}));
        assert_eq!(info["chainName"], "agora-1");
        assert_eq!(info["stakeCurrency"]["coinDenom"], "AGR");
        assert_eq!(info["stakeCurrency"]["coinDecimals"], 6);
        let whole = chain_info(
            "a-1",
            None,
            &state(json!([])),
            "1uagr",
            "http://x",
            "http://y",
        )
        .unwrap();
        let step = &whole["feeCurrencies"][0]["gasPriceStep"];
        assert_eq!(step, &json!({"low": 1, "average": 2.5, "high": 4}));
        // Free txs: Keplr's default steps.
        let free = chain_info(
            "a-1",
            Some("A"),
            &state(json!([])),
            "0uagr",
            "http://x",
            "https://y",
        )
        .unwrap();
        assert_eq!(free["feeCurrencies"][0]["gasPriceStep"]["average"], 0.025);
        assert_eq!(free["chainName"], "A");
    }

    #[test]
    fn display_units_come_from_the_denom_metadata() {
        let metadata = json!([{
            "base": "uagr",
            "display": "agora",
            "symbol": "",
            "denom_units": [
                { "denom": "uagr", "exponent": 0 },
                { "denom": "agora", "exponent": 9 },
            ],
        }]);
        let info = chain_info("a-1", None, &state(metadata), "", "http://x", "http://y").unwrap();
        assert_eq!(
            info["currencies"][0],
            json!({"coinDenom": "AGORA", "coinMinimalDenom": "uagr", "coinDecimals": 9})
        );
    }

    #[test]
    fn urls_a_browser_cannot_reach_and_a_genesis_without_staking_are_refused() {
        let err =
            chain_info("a-1", None, &state(json!([])), "", "tcp://x:1", "http://y").unwrap_err();
        assert!(err.to_string().contains("--rpc \"tcp://x:1\""), "{err}");
        let err = chain_info("a-1", None, &json!({}), "", "http://x", "http://y").unwrap_err();
        assert!(err.to_string().contains("bond_denom"), "{err}");
        let err =
            chain_info("a-1", None, &state(json!([])), "x", "http://x", "http://y").unwrap_err();
        assert!(err.to_string().contains("minimum-gas-prices"), "{err}");
    }
}
