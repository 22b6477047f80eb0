//! agora-genutil: the SDK's genesis-utility module. Its genesis holds the gentxs `agorad genesis
//! collect-gentxs` gathered, `{"gen_txs": [<tx JSON>, ...]}`, each a tx with exactly one
//! `/cosmos.staking.v1beta1.MsgCreateValidator`. It keeps no state: until a staking module
//! runs the gentxs at InitChain, their validators are written into genesis `validators`.

use agora_core::{parse_genesis, Context, Error, Module, Result, SdkCode, ValidatorUpdate};
use serde::Deserialize;
use serde_json::{json, Value};

/// The module name and genesis key.
pub const MODULE: &str = "genutil";

/// The type URL every gentx's single message must have.
pub const MSG_CREATE_VALIDATOR: &str = "/cosmos.staking.v1beta1.MsgCreateValidator";

/// The stateless genutil module.
pub struct Genutil;

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
        let parsed: GenesisJson = parse_genesis(MODULE, genesis)?;
        parsed
            .gen_txs
            .iter()
            .enumerate()
            .try_for_each(|(i, tx)| validate_gentx(i, tx))
    }

    /// Until staking delivers the gentxs, the validator set is genesis `validators`.
    fn init_genesis(&self, _ctx: &mut Context, genesis: &Value) -> Result<Vec<ValidatorUpdate>> {
        self.validate_genesis(genesis)?;
        Ok(Vec::new())
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
        let m = Genutil;
        m.validate_genesis(&m.default_genesis()).unwrap();
        m.validate_genesis(&json!({})).unwrap();
        m.validate_genesis(&json!({ "gen_txs": [gentx(&[MSG_CREATE_VALIDATOR])] }))
            .unwrap();
        let two = json!({ "gen_txs": [gentx(&[MSG_CREATE_VALIDATOR]), gentx(&[MSG_CREATE_VALIDATOR, MSG_CREATE_VALIDATOR])] });
        let err = m.validate_genesis(&two).unwrap_err();
        assert!(
            err.msg
                .starts_with("app_state.genutil.gen_txs[1].body.messages: must provide"),
            "{}",
            err.msg
        );
        let send = json!({ "gen_txs": [gentx(&["/cosmos.bank.v1beta1.MsgSend"])] });
        let err = m.validate_genesis(&send).unwrap_err();
        assert!(
            err.msg.contains("does not contain a MsgCreateValidator"),
            "{}",
            err.msg
        );
        let err = m.validate_genesis(&json!({ "gen_txs": [1] })).unwrap_err();
        assert!(err.msg.contains("gen_txs[0].body.messages"), "{}", err.msg);
        assert!(m.validate_genesis(&json!({ "gen_txs": 5 })).is_err());
    }
}
