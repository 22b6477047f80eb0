//! The Cosmos SDK's JSON form of `cosmos.tx.v1beta1.Tx` (proto-JSON with snake_case names,
//! `@type`-tagged Anys, 64-bit integers as strings, bytes as base64), for the messages Agora's
//! CLI builds (bank, staking, distribution and slashing Msgs; see `msgs`). Used by `--generate-only`,
//! `tx sign|broadcast|encode|decode`, `query tx`, `genesis gentx`, `collect-gentxs`, and
//! InitChain's delivery of the gentxs.

mod fields;
mod msgs;

use agora_proto::cosmos::tx::signing::v1beta1::SignMode;
use agora_proto::cosmos::tx::v1beta1::{
    mode_info, AuthInfo, Fee, ModeInfo, SignerInfo, Tx, TxBody, TxRaw,
};
use anyhow::{anyhow, bail, Context as _, Result};
use prost::Message;
use serde::{Deserialize, Serialize};

use fields::{coins_json, coins_proto, Base64, CoinJson, U64};
pub use fields::{pubkey_any, PubKeyJson};
pub use msgs::{dec_json, dec_proto};
use msgs::{msgs_from_proto, msgs_proto, MessageJson};

/// `tx` as the SDK's JSON (serialize it to print it; fields keep the SDK's order).
pub fn to_json(tx: &Tx) -> Result<TxJson> {
    TxJson::from_proto(tx)
}

/// A tx from the SDK's JSON; errors name the bad field.
pub fn from_json(value: &serde_json::Value) -> Result<Tx> {
    let json: TxJson = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        anyhow!("invalid tx JSON at {path}: {}", e.into_inner())
    })?;
    json.into_proto()
}

/// Reads a tx JSON file.
pub fn read_file(path: &std::path::Path) -> Result<Tx> {
    let text = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_slice(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    from_json(&value).with_context(|| format!("{} is not a tx", path.display()))
}

/// The `TxRaw` bytes of `tx`: what is signed over and broadcast.
pub fn encode(tx: &Tx) -> Vec<u8> {
    TxRaw {
        body_bytes: tx.body.clone().unwrap_or_default().encode_to_vec(),
        auth_info_bytes: tx.auth_info.clone().unwrap_or_default().encode_to_vec(),
        signatures: tx.signatures.clone(),
    }
    .encode_to_vec()
}

/// A tx from `TxRaw` bytes.
pub fn decode(bytes: &[u8]) -> Result<Tx> {
    let raw = TxRaw::decode(bytes).context("not a protobuf TxRaw")?;
    Ok(Tx {
        body: Some(TxBody::decode(raw.body_bytes.as_slice()).context("cannot decode tx body")?),
        auth_info: Some(
            AuthInfo::decode(raw.auth_info_bytes.as_slice()).context("cannot decode auth info")?,
        ),
        signatures: raw.signatures,
    })
}

/// A tx in the SDK's JSON shape.
#[derive(Serialize, Deserialize)]
pub struct TxJson {
    /// `/cosmos.tx.v1beta1.Tx` where the tx sits in an `Any` (as in `query tx`).
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    type_url: Option<TxTypeUrl>,
    body: BodyJson,
    auth_info: AuthInfoJson,
    #[serde(default)]
    signatures: Vec<Base64>,
}

#[derive(Serialize, Deserialize)]
struct BodyJson {
    messages: Vec<MessageJson>,
    #[serde(default)]
    memo: String,
    #[serde(default)]
    timeout_height: U64,
    #[serde(default)]
    extension_options: Vec<MessageJson>,
    #[serde(default)]
    non_critical_extension_options: Vec<MessageJson>,
}

#[derive(Serialize, Deserialize)]
struct AuthInfoJson {
    #[serde(default)]
    signer_infos: Vec<SignerInfoJson>,
    fee: FeeJson,
    /// Tips are not supported: always null.
    #[serde(default)]
    tip: Option<Nothing>,
}

#[derive(Serialize, Deserialize)]
enum TxTypeUrl {
    #[serde(rename = "/cosmos.tx.v1beta1.Tx")]
    Tx,
}

/// A type with no values: `Option<Nothing>` only reads and writes `null`.
#[derive(Serialize, Deserialize)]
enum Nothing {}

#[derive(Serialize, Deserialize)]
struct SignerInfoJson {
    public_key: Option<PubKeyJson>,
    mode_info: ModeInfoJson,
    #[serde(default)]
    sequence: U64,
}

#[derive(Serialize, Deserialize)]
struct ModeInfoJson {
    single: SingleJson,
}

#[derive(Serialize, Deserialize)]
struct SingleJson {
    mode: String,
}

#[derive(Serialize, Deserialize)]
struct FeeJson {
    #[serde(default)]
    amount: Vec<CoinJson>,
    #[serde(default)]
    gas_limit: U64,
    #[serde(default)]
    payer: String,
    #[serde(default)]
    granter: String,
}

impl TxJson {
    /// The tx as it sits in an `Any`, with `"@type": "/cosmos.tx.v1beta1.Tx"` first.
    pub fn typed(mut self) -> Self {
        self.type_url = Some(TxTypeUrl::Tx);
        self
    }

    fn from_proto(tx: &Tx) -> Result<Self> {
        let body = tx.body.clone().unwrap_or_default();
        let auth = tx.auth_info.clone().unwrap_or_default();
        #[allow(deprecated)]
        if auth.tip.is_some() {
            bail!("tips are not supported");
        }
        let fee = auth.fee.unwrap_or_default();
        Ok(Self {
            type_url: None,
            body: BodyJson {
                messages: msgs_from_proto(&body.messages)?,
                memo: body.memo,
                timeout_height: U64(body.timeout_height),
                extension_options: msgs_from_proto(&body.extension_options)?,
                non_critical_extension_options: msgs_from_proto(
                    &body.non_critical_extension_options,
                )?,
            },
            auth_info: AuthInfoJson {
                signer_infos: auth
                    .signer_infos
                    .iter()
                    .map(SignerInfoJson::from_proto)
                    .collect::<Result<_>>()?,
                fee: FeeJson {
                    amount: coins_json(&fee.amount),
                    gas_limit: U64(fee.gas_limit),
                    payer: fee.payer,
                    granter: fee.granter,
                },
                tip: None,
            },
            signatures: tx.signatures.iter().cloned().map(Base64).collect(),
        })
    }

    fn into_proto(self) -> Result<Tx> {
        let fee = self.auth_info.fee;
        #[allow(deprecated)]
        let auth_info = AuthInfo {
            signer_infos: self
                .auth_info
                .signer_infos
                .into_iter()
                .map(SignerInfoJson::into_proto)
                .collect::<Result<_>>()?,
            fee: Some(Fee {
                amount: coins_proto(fee.amount),
                gas_limit: fee.gas_limit.0,
                payer: fee.payer,
                granter: fee.granter,
            }),
            tip: None,
        };
        Ok(Tx {
            body: Some(TxBody {
                messages: msgs_proto(self.body.messages)?,
                memo: self.body.memo,
                timeout_height: self.body.timeout_height.0,
                extension_options: msgs_proto(self.body.extension_options)?,
                non_critical_extension_options: msgs_proto(
                    self.body.non_critical_extension_options,
                )?,
            }),
            auth_info: Some(auth_info),
            signatures: self.signatures.into_iter().map(|s| s.0).collect(),
        })
    }
}

impl SignerInfoJson {
    fn from_proto(info: &SignerInfo) -> Result<Self> {
        let mode = match info.mode_info.as_ref().and_then(|m| m.sum.as_ref()) {
            Some(mode_info::Sum::Single(single)) => SignMode::try_from(single.mode)
                .map_err(|_| anyhow!("unknown sign mode {}", single.mode))?
                .as_str_name()
                .to_string(),
            Some(mode_info::Sum::Multi(_)) => bail!("multisig signers are not supported"),
            None => bail!("a signer info has no mode info"),
        };
        Ok(Self {
            public_key: info
                .public_key
                .as_ref()
                .map(PubKeyJson::from_any)
                .transpose()?,
            mode_info: ModeInfoJson {
                single: SingleJson { mode },
            },
            sequence: U64(info.sequence),
        })
    }

    fn into_proto(self) -> Result<SignerInfo> {
        let mode = SignMode::from_str_name(&self.mode_info.single.mode)
            .ok_or_else(|| anyhow!("unknown sign mode {:?}", self.mode_info.single.mode))?;
        Ok(SignerInfo {
            public_key: self.public_key.map(pubkey_any),
            mode_info: Some(ModeInfo {
                sum: Some(mode_info::Sum::Single(mode_info::Single {
                    mode: mode as i32,
                })),
            }),
            sequence: self.sequence.0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_proto::cosmos::staking::v1beta1::{MsgCreateValidator, MsgEditValidator};

    fn sample() -> serde_json::Value {
        serde_json::json!({
            "body": {
                "messages": [
                    {"@type": "/cosmos.bank.v1beta1.MsgSend", "from_address": "agora1a", "to_address": "agora1b",
                     "amount": [{"denom": "uagr", "amount": "10"}]},
                    {"@type": "/cosmos.bank.v1beta1.MsgMultiSend",
                     "inputs": [{"address": "agora1a", "coins": [{"denom": "uagr", "amount": "2"}]}],
                     "outputs": [{"address": "agora1b", "coins": [{"denom": "uagr", "amount": "2"}]}]},
                    {"@type": "/cosmos.staking.v1beta1.MsgCreateValidator",
                     "description": {"moniker": "m", "identity": "", "website": "", "security_contact": "", "details": ""},
                     "commission": {"rate": "0.100000000000000000", "max_rate": "0.200000000000000000", "max_change_rate": "0.010000000000000000"},
                     "min_self_delegation": "1", "delegator_address": "", "validator_address": "agoravaloper1a",
                     "pubkey": {"@type": "/cosmos.crypto.ed25519.PubKey", "key": "AAEC"},
                     "value": {"denom": "uagr", "amount": "1000000"}},
                    {"@type": "/cosmos.slashing.v1beta1.MsgUnjail", "validator_addr": "agoravaloper1a"},
                    {"@type": "/cosmos.staking.v1beta1.MsgEditValidator",
                     "description": {"moniker": "[do-not-modify]", "identity": "[do-not-modify]", "website": "w", "security_contact": "[do-not-modify]", "details": "[do-not-modify]"},
                     "validator_address": "agoravaloper1a", "commission_rate": "0.110000000000000000", "min_self_delegation": null}
                ],
                "memo": "hi", "timeout_height": "7", "extension_options": [], "non_critical_extension_options": []
            },
            "auth_info": {
                "signer_infos": [{"public_key": {"@type": "/cosmos.crypto.secp256k1.PubKey", "key": "AwID"},
                                  "mode_info": {"single": {"mode": "SIGN_MODE_DIRECT"}}, "sequence": "3"}],
                "fee": {"amount": [{"denom": "uagr", "amount": "200"}], "gas_limit": "200000", "payer": "", "granter": ""},
                "tip": null
            },
            "signatures": ["AQID"]
        })
    }

    #[test]
    fn json_and_bytes_round_trip() {
        let tx = from_json(&sample()).unwrap();
        assert_eq!(
            serde_json::to_value(to_json(&tx).unwrap()).unwrap(),
            sample()
        );
        let typed = serde_json::to_string(&to_json(&tx).unwrap().typed()).unwrap();
        assert!(typed.starts_with(r#"{"@type":"/cosmos.tx.v1beta1.Tx","body":{"messages":[{"@type":"/cosmos.bank.v1beta1.MsgSend","from_address""#), "{typed}");
        assert_eq!(
            from_json(&serde_json::from_str(&typed).unwrap()).unwrap(),
            tx
        );
        let bytes = encode(&tx);
        assert_eq!(decode(&bytes).unwrap(), tx);
        let messages = tx.body.unwrap().messages;
        let cv = MsgCreateValidator::decode(messages[2].value.as_slice()).unwrap();
        assert_eq!(cv.commission.unwrap().rate, "100000000000000000");
        let ev = MsgEditValidator::decode(messages[4].value.as_slice()).unwrap();
        assert_eq!(ev.commission_rate, "110000000000000000");
        assert_eq!(ev.min_self_delegation, "", "null keeps the minimum");
    }

    #[test]
    fn bad_json_names_the_field() {
        let mut bad = sample();
        bad["auth_info"]["fee"]["gas_limit"] = "lots".into();
        let err = from_json(&bad).unwrap_err().to_string();
        assert!(err.contains("auth_info.fee.gas_limit"), "{err}");
        let mut unknown = sample();
        unknown["body"]["messages"][0]["@type"] = "/cosmos.gov.v1.MsgVote".into();
        assert!(from_json(&unknown).is_err());
    }
}
