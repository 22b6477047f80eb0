//! Staking genesis: the params. Validators come from gentxs (through genutil) once staking
//! is wired into the app; importing exported validators and delegations is not supported yet,
//! so a genesis naming any is refused rather than half-read.

use agora_core::{parse_genesis, Context, Error, Result, SdkCode};
use serde::{Deserialize, Serialize};

use crate::{Keeper, Params, MODULE};

/// `app_state.staking`, in the SDK's shape.
#[derive(Serialize, Deserialize)]
struct GenesisJson {
    params: Params,
    #[serde(default)]
    validators: Vec<serde_json::Value>,
    #[serde(default)]
    delegations: Vec<serde_json::Value>,
}

/// The default genesis: the SDK's params, no validators.
pub fn default_json() -> serde_json::Value {
    serde_json::to_value(GenesisJson {
        params: Params::default(),
        validators: Vec::new(),
        delegations: Vec::new(),
    })
    .expect("serializable")
}

/// Parses and validates `app_state.staking`; errors name the bad field.
pub fn parse(genesis: &serde_json::Value) -> Result<Params> {
    let raw: GenesisJson = parse_genesis(MODULE, genesis)?;
    raw.params.validate().map_err(|mut e| {
        e.msg = format!("app_state.staking.params.{}", e.msg);
        e
    })?;
    for (field, list) in [
        ("validators", &raw.validators),
        ("delegations", &raw.delegations),
    ] {
        if !list.is_empty() {
            return Err(Error::sdk(
                SdkCode::NotSupported,
                format!("app_state.staking.{field}: importing {field} is not supported yet; validators join through gentxs"),
            ));
        }
    }
    Ok(raw.params)
}

/// Writes the params.
pub fn init(keeper: &Keeper, ctx: &mut Context, params: &Params) -> Result<()> {
    keeper.set_params(ctx, params)
}

/// The params as genesis JSON; errors rather than drop validators it cannot export yet.
pub fn export(keeper: &Keeper, ctx: &mut Context) -> Result<serde_json::Value> {
    if !keeper.all_validators(ctx)?.is_empty() {
        return Err(Error::sdk(
            SdkCode::NotSupported,
            "exporting staking validators and delegations is not supported yet",
        ));
    }
    let genesis = GenesisJson {
        params: keeper.params(ctx)?,
        validators: Vec::new(),
        delegations: Vec::new(),
    };
    serde_json::to_value(genesis).map_err(Error::internal)
}
