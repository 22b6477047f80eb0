//! agora-genutil: the SDK's genesis-utility module. Its genesis holds the gentxs `agorad genesis
//! collect-gentxs` gathered, `{"gen_txs": [<tx JSON>, ...]}`, each a tx with exactly one
//! `/cosmos.staking.v1beta1.MsgCreateValidator`. It keeps no state: at InitChain it delivers
//! each gentx through the app's router (ante handler, then the Msg, as the SDK's
//! `DeliverGenTxs`) and answers with the validator set staking then bonds.

pub mod expected;

use std::sync::Arc;

use agora_core::{parse_genesis, Context, Error, Module, Result, SdkCode, ValidatorUpdate};
use serde::Deserialize;
use serde_json::{json, Value};

use expected::StakingKeeper;

/// The module name and genesis key.
pub const MODULE: &str = "genutil";

/// The type URL every gentx's single message must have.
pub const MSG_CREATE_VALIDATOR: &str = "/cosmos.staking.v1beta1.MsgCreateValidator";

/// The stateless genutil module, knowing staking for the validator set the gentxs make.
pub struct Genutil {
    staking: Arc<dyn StakingKeeper>,
}

impl Genutil {
    /// A genutil module asking `staking` for the validator set after the gentxs.
    pub fn new(staking: Arc<dyn StakingKeeper>) -> Self {
        Self { staking }
    }
}

/// Checks `app_state.genutil`: every gentx is a tx JSON with one MsgCreateValidator; errors
/// name the bad gentx.
pub fn validate(genesis: &Value) -> Result<Vec<Value>> {
    let parsed: GenesisJson = parse_genesis(MODULE, genesis)?;
    parsed
        .gen_txs
        .iter()
        .enumerate()
        .try_for_each(|(i, tx)| validate_gentx(i, tx))?;
    Ok(parsed.gen_txs)
}

#[derive(Deserialize)]
struct GenesisJson {
    #[serde(default)]
    gen_txs: Vec<Value>,
}

fn invalid(path: String, detail: &str) -> Error {
    Error::sdk(SdkCode::InvalidRequest, format!("{path}: {detail}"))
}

/// Checks one gentx's shape: an object whose `body.messages` is one MsgCreateValidator.
fn validate_gentx(i: usize, tx: &Value) -> Result<()> {
    let path = format!("app_state.{MODULE}.gen_txs[{i}]");
    let messages = tx
        .pointer("/body/messages")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            invalid(
                format!("{path}.body.messages"),
                "a gentx is a tx JSON with body.messages",
            )
        })?;
    let [msg] = messages.as_slice() else {
        return Err(invalid(
            format!("{path}.body.messages"),
            "must provide genesis Tx with exactly 1 CreateValidator message",
        ));
    };
    if msg.get("@type").and_then(Value::as_str) != Some(MSG_CREATE_VALIDATOR) {
        return Err(invalid(
            format!("{path}.body.messages[0]"),
            "genesis transaction does not contain a MsgCreateValidator",
        ));
    }
    Ok(())
}

impl Module for Genutil {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn default_genesis(&self) -> Value {
        json!({ "gen_txs": [] })
    }

    fn validate_genesis(&self, genesis: &Value) -> Result<()> {
        validate(genesis).map(|_| ())
    }

    /// Delivers every gentx; with any, answers with the validator set staking bonds from them.
    fn init_genesis(&self, ctx: &mut Context, genesis: &Value) -> Result<Vec<ValidatorUpdate>> {
        let gen_txs = validate(genesis)?;
        if gen_txs.is_empty() {
            return Ok(Vec::new());
        }
        let router = ctx.router()?;
        for (i, tx) in gen_txs.iter().enumerate() {
            router.deliver_genesis_tx(ctx, tx).map_err(|mut e| {
                e.msg = format!("app_state.{MODULE}.gen_txs[{i}]: {}", e.msg);
                e
            })?;
        }
        self.staking.apply_and_return_validator_set_updates(ctx)
    }

    /// Gentxs only matter at genesis: an export carries none, as in the SDK.
    fn export_genesis(&self, _ctx: &mut Context) -> Result<Value> {
        Ok(self.default_genesis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gentx(types: &[&str]) -> Value {
        let messages: Vec<Value> = types.iter().map(|t| json!({ "@type": t })).collect();
        json!({"body": {"messages": messages}, "auth_info": {}, "signatures": []})
    }

    #[test]
    fn gentxs_must_each_create_one_validator() {
        validate(&json!({ "gen_txs": [] })).unwrap();
        validate(&json!({})).unwrap();
        validate(&json!({ "gen_txs": [gentx(&[MSG_CREATE_VALIDATOR])] })).unwrap();
        let two = json!({ "gen_txs": [gentx(&[MSG_CREATE_VALIDATOR]), gentx(&[MSG_CREATE_VALIDATOR, MSG_CREATE_VALIDATOR])] });
        let err = validate(&two).unwrap_err();
        assert!(
            err.msg
                .starts_with("app_state.genutil.gen_txs[1].body.messages: must provide"),
            "{}",
            err.msg
        );
        let send = json!({ "gen_txs": [gentx(&["/cosmos.bank.v1beta1.MsgSend"])] });
        let err = validate(&send).unwrap_err();
        assert!(
            err.msg.contains("does not contain a MsgCreateValidator"),
            "{}",
            err.msg
        );
        let err = validate(&json!({ "gen_txs": [1] })).unwrap_err();
        assert!(err.msg.contains("gen_txs[0].body.messages"), "{}", err.msg);
        assert!(validate(&json!({ "gen_txs": 5 })).is_err());
    }
}
