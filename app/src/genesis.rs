//! Genesis `app_state`: one JSON object per module, validated before anything is written.

use agora_core::store::CacheStore;
use agora_core::{BlockInfo, Context, Error, ExecMode, GasMeter, Result, SdkCode, ValidatorUpdate};
use agora_proto::tendermint::v0_38::types::ConsensusParams;
use serde_json::{Map, Value};

use crate::modules::{collect_updates, ModuleSet};

/// Parses `app_state` bytes (empty = every module's default) and checks it names only known modules.
pub fn parse(modules: &ModuleSet, bytes: &[u8]) -> Result<Map<String, Value>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let state: Map<String, Value> = serde_json::from_slice(bytes).map_err(|e| {
        Error::sdk(
            SdkCode::JsonUnmarshal,
            format!("app_state is not a JSON object: {e}"),
        )
    })?;
    if let Some(unknown) = state.keys().find(|k| !modules.has_module(k)) {
        return Err(Error::sdk(
            SdkCode::InvalidRequest,
            format!("app_state.{unknown}: no module of that name"),
        ));
    }
    Ok(state)
}

/// Every module's genesis from `app_state`, defaulted where absent, validated; in genesis
/// order.
pub fn validate(modules: &ModuleSet, bytes: &[u8]) -> Result<Vec<Value>> {
    let state = parse(modules, bytes)?;
    modules
        .in_genesis_order()
        .map(|m| {
            let genesis = state
                .get(m.name())
                .cloned()
                .unwrap_or_else(|| m.default_genesis());
            m.validate_genesis(&genesis)?;
            Ok(genesis)
        })
        .collect()
}

/// Validates `app_state`, stores the chain id and consensus params, and writes every
/// module's genesis into `state`; returns the genesis validator set if a module decided it.
pub fn init(
    modules: &ModuleSet,
    block: &BlockInfo,
    state: &mut CacheStore,
    consensus_params: Option<ConsensusParams>,
    bytes: &[u8],
) -> Result<Vec<ValidatorUpdate>> {
    let genesis = validate(modules, bytes)?;
    let gas = GasMeter::infinite();
    let mut ctx = Context::new(block, ExecMode::Finalize, state, &gas).with_router(modules);
    let consensus = &modules.keepers().consensus;
    consensus.init_chain(&mut ctx, &block.chain_id, consensus_params)?;
    let mut validators = Vec::new();
    for (module, genesis) in modules.in_genesis_order().zip(&genesis) {
        let updates = module.init_genesis(&mut ctx, genesis)?;
        collect_updates(&mut validators, module, updates)?;
    }
    Ok(validators)
}

/// Every module's state as genesis JSON.
pub fn export(modules: &ModuleSet, block: &BlockInfo, state: &mut CacheStore) -> Result<Value> {
    let gas = GasMeter::infinite();
    let mut ctx = Context::new(block, ExecMode::Finalize, state, &gas);
    let mut out = Map::new();
    for module in modules.in_genesis_order() {
        out.insert(module.name().to_string(), module.export_genesis(&mut ctx)?);
    }
    Ok(Value::Object(out))
}

/// The default `app_state` of every module.
pub fn default_app_state(modules: &ModuleSet) -> Value {
    Value::Object(
        modules
            .in_genesis_order()
            .map(|m| (m.name().to_string(), m.default_genesis()))
            .collect(),
    )
}
