//! Upgrade's genesis: empty, as the SDK's. InitGenesis stores this binary's module version
//! map; export writes `{}` (a chain restarted from an export starts without upgrade history).

use agora_core::{parse_genesis, Context, Result};
use serde::Deserialize;

use crate::{Keeper, MODULE};

/// The (empty) genesis state.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Genesis {}

/// `{}`.
pub fn default_json() -> serde_json::Value {
    serde_json::json!({})
}

/// Checks the genesis state is the empty object.
pub fn validate(genesis: &serde_json::Value) -> Result<()> {
    parse_genesis::<Genesis>(MODULE, genesis).map(|_| ())
}

/// Stores every module's consensus version, read from the app's router.
pub fn init(keeper: &Keeper, ctx: &mut Context) -> Result<()> {
    let versions = ctx.router()?.module_versions();
    keeper.set_module_versions(ctx, &versions)
}
