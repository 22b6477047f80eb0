//! Genesis `app_state`: one JSON object per module, validated before anything is written.

use agora_core::store::CacheStore;
use agora_core::{BlockInfo, Context, Error, ExecMode, GasMeter, Result, SdkCode};
use serde_json::{Map, Value};

use crate::modules::ModuleSet;

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
    if let Some(unknown) = state
        .keys()
        .find(|k| modules.iter().all(|m| m.name() != k.as_str()))
    {
        return Err(Error::sdk(
            SdkCode::InvalidRequest,
            format!("app_state.{unknown}: no module of that name"),
        ));
    }
    Ok(state)
}

/// Every module's genesis from `app_state`, defaulted where absent, validated.
pub fn validate(modules: &ModuleSet, bytes: &[u8]) -> Result<Vec<Value>> {
    let state = parse(modules, bytes)?;
    modules
        .iter()
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

/// Validates `app_state` and writes every module's genesis into `state`.
pub fn init(
    modules: &ModuleSet,
    block: &BlockInfo,
    state: &mut CacheStore,
    bytes: &[u8],
) -> Result<()> {
    let genesis = validate(modules, bytes)?;
    let gas = GasMeter::infinite();
    let mut ctx = Context::new(block, ExecMode::Finalize, state, &gas);
    for (module, genesis) in modules.iter().zip(&genesis) {
        module.init_genesis(&mut ctx, genesis)?;
    }
    Ok(())
}

/// Every module's state as genesis JSON.
pub fn export(modules: &ModuleSet, block: &BlockInfo, state: &mut CacheStore) -> Result<Value> {
    let gas = GasMeter::infinite();
    let mut ctx = Context::new(block, ExecMode::Finalize, state, &gas);
    let mut out = Map::new();
    for module in modules.iter() {
        out.insert(module.name().to_string(), module.export_genesis(&mut ctx)?);
    }
    Ok(Value::Object(out))
}

/// The default `app_state` of every module.
pub fn default_app_state(modules: &ModuleSet) -> Value {
    Value::Object(
        modules
            .iter()
            .map(|m| (m.name().to_string(), m.default_genesis()))
            .collect(),
    )
}
