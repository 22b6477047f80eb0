//! Mint genesis in the SDK's JSON shape: the minter and the params.

use agora_core::{parse_genesis, Context, Result};
use serde::{Deserialize, Serialize};

use crate::{Keeper, Minter, Params, MODULE};

/// `app_state.mint`, as the SDK writes it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    minter: Minter,
    params: Params,
}

/// The default genesis: the SDK's initial minter (inflation 0.13) and default params.
pub fn default_json() -> serde_json::Value {
    to_json(&GenesisState {
        minter: Minter::default(),
        params: Params::default(),
    })
}

/// Parses and validates `app_state.mint`; errors name the bad field.
pub fn parse(genesis: &serde_json::Value) -> Result<GenesisState> {
    let state: GenesisState = parse_genesis(MODULE, genesis)?;
    state.params.validate().map_err(|mut e| {
        e.msg = format!("app_state.{MODULE}.params.{}", e.msg);
        e
    })?;
    Ok(state)
}

/// Writes the minter and params and creates the mint module account, as the SDK's
/// `InitGenesis`.
pub fn init(keeper: &Keeper, ctx: &mut Context, state: &GenesisState) -> Result<()> {
    keeper.set_minter(ctx, &state.minter)?;
    keeper.set_params(ctx, &state.params)?;
    keeper.ensure_module_account(ctx)
}

/// The minter and params as genesis JSON.
pub fn export(keeper: &Keeper, ctx: &mut Context) -> Result<serde_json::Value> {
    Ok(to_json(&GenesisState {
        minter: keeper.minter(ctx)?,
        params: keeper.params(ctx)?,
    }))
}

fn to_json(state: &GenesisState) -> serde_json::Value {
    serde_json::to_value(state).expect("serializable")
}
