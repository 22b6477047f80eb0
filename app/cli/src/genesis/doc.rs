//! Reading, checking and writing `genesis.json`, and what the genesis commands share.

use std::path::Path;

use agora_app::modules::ModuleSet;
use agora_core::{Address, BOND_DENOM};
use agora_node::GenesisDoc;
use anyhow::{anyhow, bail, Context as _, Result};
use serde_json::{json, Value};

/// The SDK's power reduction: one unit of voting power per 10^6 uagr bonded.
pub const POWER_REDUCTION: u128 = 1_000_000;

/// Reads a genesis file in CometBFT's shape.
pub fn load(path: &Path) -> Result<GenesisDoc> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {}: run `agorad init` first", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid genesis file", path.display()))
}

/// Checks `app_state` against every module's rules, then writes the file.
pub fn save(path: &Path, doc: &GenesisDoc) -> Result<()> {
    validate_app_state(&doc.app_state)?;
    agora_node::setup::write_json(path, doc)
}

/// Every module's genesis checks; errors name the bad field (`app_state.bank.balances[0]...`).
pub fn validate_app_state(app_state: &Value) -> Result<()> {
    agora_app::genesis::validate(&ModuleSet::agora(), app_state.to_string().as_bytes())
        .map_err(|e| anyhow!("{}", e.msg))?;
    Ok(())
}

/// `app_state.<module>`, created with the module's default genesis if absent.
pub fn module_state<'a>(app_state: &'a mut Value, module: &str) -> Result<&'a mut Value> {
    if app_state.is_null() {
        *app_state = json!({});
    }
    let state = app_state
        .as_object_mut()
        .ok_or_else(|| anyhow!("app_state is not a JSON object"))?;
    if !state.contains_key(module) {
        let defaults = agora_app::genesis::default_app_state(&ModuleSet::agora());
        let default = defaults
            .get(module)
            .cloned()
            .ok_or_else(|| anyhow!("no module named {module}"))?;
        state.insert(module.to_string(), default);
    }
    Ok(state.get_mut(module).expect("inserted above"))
}

/// The uagr balance `address` holds in genesis (`None`: it has no balance entry).
pub fn bonded_denom_balance(app_state: &Value, address: &Address) -> Result<Option<u128>> {
    let balances = app_state["bank"]["balances"].as_array();
    let Some(entry) = balances
        .into_iter()
        .flatten()
        .find(|b| b["address"].as_str() == Some(&address.to_string()))
    else {
        return Ok(None);
    };
    let amount = entry["coins"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["denom"] == BOND_DENOM)
        .map(|c| c["amount"].as_str().unwrap_or_default().parse::<u128>())
        .transpose()
        .map_err(|_| anyhow!("the genesis balance of {address} is not a whole number"))?;
    Ok(Some(amount.unwrap_or(0)))
}

/// Errors unless `address` holds at least `amount` uagr in genesis (the SDK's messages).
pub fn ensure_can_stake(app_state: &Value, address: &Address, amount: u128) -> Result<()> {
    match bonded_denom_balance(app_state, address)? {
        None => bail!("account {address} does not have a balance in the genesis state: add it with `agorad genesis add-genesis-account`"),
        Some(have) if have < amount => bail!(
            "account {address} has a balance in genesis, but it only has {have}{BOND_DENOM} available to stake, not {amount}{BOND_DENOM}"
        ),
        Some(_) => Ok(()),
    }
}

/// The voting power of a self-delegation of `amount` uagr; at least 1.
pub fn power(amount: u128) -> Result<u64> {
    let power = amount / POWER_REDUCTION;
    if power == 0 {
        bail!(
            "a self-delegation of {amount}{BOND_DENOM} gives no voting power: bond at least {POWER_REDUCTION}{BOND_DENOM}"
        );
    }
    u64::try_from(power).map_err(|_| anyhow!("{amount}{BOND_DENOM} is too much voting power"))
}

/// Prints what `init` and `collect-gentxs` print to stderr, as the SDK does (sorted JSON).
pub fn print_info(
    moniker: &str,
    chain_id: &str,
    node_id: &str,
    gentxs_dir: &str,
    app_state: &Value,
) {
    let info = json!({
        "moniker": moniker,
        "chain_id": chain_id,
        "node_id": node_id,
        "gentxs_dir": gentxs_dir,
        "app_message": app_state,
    });
    eprintln!("{info}");
}
