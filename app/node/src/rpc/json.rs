//! CometBFT v0.38's JSON for the ABCI types the RPC returns.
//!
//! CometBFT writes JSON two ways, and clients see both:
//! - `ExecTxResult`, `ResponseCheckTx`, `ResponseQuery` and `EventAttribute` go through gogoproto's
//!   jsonpb with `EmitDefaults`: every field present, 64-bit integers as strings, empty bytes as
//!   `null`, other bytes as base64 ([`TxResult`], [`Attribute`], [`QueryResponse`]).
//! - Everything else goes through `cmtjson` reflection: `omitempty` fields left out when zero, so
//!   an event with an empty type has no `type` key ([`SparseEvent`], [`SparseTxResult`]).
//!
//! Hashes CometBFT types as `HexBytes` are upper-case hex; plain `[]byte` is base64.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::Serialize;
use tendermint_proto::v0_38::abci::{
    Event, EventAttribute, ExecTxResult, ResponseCheckTx, ResponseFinalizeBlock, ResponseQuery,
    ValidatorUpdate,
};
use tendermint_proto::v0_38::crypto::public_key::Sum;
use tendermint_proto::v0_38::types::ConsensusParams;

/// Upper-case hex, as CometBFT's `HexBytes`.
pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    hex::encode_upper(bytes)
}

/// Standard base64, as Go's `[]byte` in JSON.
pub(crate) fn base64(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

/// Base64, or `None` (JSON `null`) for no bytes: how jsonpb writes an empty bytes field.
fn base64_or_null(bytes: &[u8]) -> Option<String> {
    (!bytes.is_empty()).then(|| base64(bytes))
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

/// An event attribute: always `key`, `value` and `index` (jsonpb).
#[derive(Serialize)]
pub(crate) struct Attribute<'a> {
    key: &'a str,
    value: &'a str,
    index: bool,
}

impl<'a> From<&'a EventAttribute> for Attribute<'a> {
    fn from(a: &'a EventAttribute) -> Self {
        Self {
            key: &a.key,
            value: &a.value,
            index: a.index,
        }
    }
}

/// An event inside a jsonpb-encoded message: `type` and `attributes` always present.
#[derive(Serialize)]
pub(crate) struct FullEvent<'a> {
    r#type: &'a str,
    attributes: Vec<Attribute<'a>>,
}

impl<'a> From<&'a Event> for FullEvent<'a> {
    fn from(e: &'a Event) -> Self {
        Self {
            r#type: &e.r#type,
            attributes: e.attributes.iter().map(Into::into).collect(),
        }
    }
}

/// An event encoded by reflection: an empty type or attribute list is left out.
#[derive(Serialize)]
pub(crate) struct SparseEvent<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    r#type: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<Attribute<'a>>,
}

impl<'a> From<&'a Event> for SparseEvent<'a> {
    fn from(e: &'a Event) -> Self {
        Self {
            r#type: &e.r#type,
            attributes: e.attributes.iter().map(Into::into).collect(),
        }
    }
}

/// Reflection-encoded events, `None` (JSON `null`) when there are none.
pub(crate) fn sparse_events(events: &[Event]) -> Option<Vec<SparseEvent<'_>>> {
    (!events.is_empty()).then(|| events.iter().map(Into::into).collect())
}

/// `ExecTxResult` or `ResponseCheckTx` with every field (jsonpb `EmitDefaults`).
#[derive(Serialize)]
pub(crate) struct TxResult<'a> {
    code: u32,
    data: Option<String>,
    log: &'a str,
    info: &'a str,
    gas_wanted: String,
    gas_used: String,
    events: Vec<FullEvent<'a>>,
    codespace: &'a str,
}

impl<'a> From<&'a ExecTxResult> for TxResult<'a> {
    fn from(r: &'a ExecTxResult) -> Self {
        Self {
            code: r.code,
            data: base64_or_null(&r.data),
            log: &r.log,
            info: &r.info,
            gas_wanted: r.gas_wanted.to_string(),
            gas_used: r.gas_used.to_string(),
            events: r.events.iter().map(Into::into).collect(),
            codespace: &r.codespace,
        }
    }
}

impl<'a> From<&'a ResponseCheckTx> for TxResult<'a> {
    fn from(r: &'a ResponseCheckTx) -> Self {
        Self {
            code: r.code,
            data: base64_or_null(&r.data),
            log: &r.log,
            info: &r.info,
            gas_wanted: r.gas_wanted.to_string(),
            gas_used: r.gas_used.to_string(),
            events: r.events.iter().map(Into::into).collect(),
            codespace: &r.codespace,
        }
    }
}

/// `ExecTxResult` encoded by reflection, as inside a `Tx` event: zero fields left out.
#[derive(Serialize)]
pub(crate) struct SparseTxResult<'a> {
    #[serde(skip_serializing_if = "is_zero_u32")]
    code: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<String>,
    #[serde(skip_serializing_if = "str::is_empty")]
    log: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    info: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    gas_wanted: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gas_used: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<Vec<SparseEvent<'a>>>,
    #[serde(skip_serializing_if = "str::is_empty")]
    codespace: &'a str,
}

impl<'a> From<&'a ExecTxResult> for SparseTxResult<'a> {
    fn from(r: &'a ExecTxResult) -> Self {
        let nonzero = |n: i64| (n != 0).then(|| n.to_string());
        Self {
            code: r.code,
            data: base64_or_null(&r.data),
            log: &r.log,
            info: &r.info,
            gas_wanted: nonzero(r.gas_wanted),
            gas_used: nonzero(r.gas_used),
            events: sparse_events(&r.events),
            codespace: &r.codespace,
        }
    }
}

/// `ResponseQuery` (jsonpb): `proofOps`, `index` and `height` as CometBFT names and encodes them.
#[derive(Serialize)]
pub(crate) struct QueryResponse<'a> {
    code: u32,
    log: &'a str,
    info: &'a str,
    index: String,
    key: Option<String>,
    value: Option<String>,
    #[serde(rename = "proofOps")]
    proof_ops: Option<ProofOps<'a>>,
    height: String,
    codespace: &'a str,
}

#[derive(Serialize)]
struct ProofOps<'a> {
    ops: Vec<ProofOp<'a>>,
}

#[derive(Serialize)]
struct ProofOp<'a> {
    r#type: &'a str,
    key: Option<String>,
    data: Option<String>,
}

impl<'a> From<&'a ResponseQuery> for QueryResponse<'a> {
    fn from(r: &'a ResponseQuery) -> Self {
        Self {
            code: r.code,
            log: &r.log,
            info: &r.info,
            index: r.index.to_string(),
            key: base64_or_null(&r.key),
            value: base64_or_null(&r.value),
            proof_ops: r.proof_ops.as_ref().map(|p| ProofOps {
                ops: p
                    .ops
                    .iter()
                    .map(|op| ProofOp {
                        r#type: &op.r#type,
                        key: base64_or_null(&op.key),
                        data: base64_or_null(&op.data),
                    })
                    .collect(),
            }),
            height: r.height.to_string(),
            codespace: &r.codespace,
        }
    }
}

/// A validator update as CometBFT reflects it: the key as a protobuf oneof.
#[derive(Serialize)]
pub(crate) struct ValidatorUpdateJson {
    pub_key: OneofKey,
    #[serde(skip_serializing_if = "Option::is_none")]
    power: Option<String>,
}

#[derive(Serialize)]
struct OneofKey {
    #[serde(rename = "Sum", skip_serializing_if = "Option::is_none")]
    sum: Option<OneofSum>,
}

#[derive(Serialize)]
struct OneofSum {
    r#type: &'static str,
    value: serde_json::Value,
}

impl From<&ValidatorUpdate> for ValidatorUpdateJson {
    fn from(u: &ValidatorUpdate) -> Self {
        let sum = u
            .pub_key
            .as_ref()
            .and_then(|k| k.sum.as_ref())
            .map(|sum| match sum {
                Sum::Ed25519(key) => OneofSum {
                    r#type: "tendermint.crypto.PublicKey_Ed25519",
                    value: serde_json::json!({ "ed25519": base64(key) }),
                },
                Sum::Secp256k1(key) => OneofSum {
                    r#type: "tendermint.crypto.PublicKey_Secp256k1",
                    value: serde_json::json!({ "secp256k1": base64(key) }),
                },
            });
        Self {
            pub_key: OneofKey { sum },
            power: (u.power != 0).then(|| u.power.to_string()),
        }
    }
}

/// Consensus parameters as the `consensus_params` and `genesis` endpoints write them.
#[derive(Serialize)]
pub(crate) struct ConsensusParamsJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    block: Option<BlockParams>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<EvidenceParams>,
    #[serde(skip_serializing_if = "Option::is_none")]
    validator: Option<ValidatorParams>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<VersionParams>,
    #[serde(skip_serializing_if = "Option::is_none")]
    abci: Option<AbciParams>,
}

#[derive(Serialize)]
struct BlockParams {
    max_bytes: String,
    max_gas: String,
}

#[derive(Serialize)]
struct EvidenceParams {
    max_age_num_blocks: String,
    max_age_duration: String,
    max_bytes: String,
}

#[derive(Serialize)]
struct ValidatorParams {
    pub_key_types: Vec<String>,
}

#[derive(Serialize)]
struct VersionParams {
    app: String,
}

#[derive(Serialize)]
struct AbciParams {
    vote_extensions_enable_height: String,
}

impl From<&ConsensusParams> for ConsensusParamsJson {
    fn from(p: &ConsensusParams) -> Self {
        Self {
            block: p.block.as_ref().map(|b| BlockParams {
                max_bytes: b.max_bytes.to_string(),
                max_gas: b.max_gas.to_string(),
            }),
            evidence: p.evidence.as_ref().map(|e| {
                let nanos = e.max_age_duration.as_ref().map_or(0, |d| {
                    i128::from(d.seconds) * 1_000_000_000 + i128::from(d.nanos)
                });
                EvidenceParams {
                    max_age_num_blocks: e.max_age_num_blocks.to_string(),
                    max_age_duration: nanos.to_string(),
                    max_bytes: e.max_bytes.to_string(),
                }
            }),
            validator: p.validator.as_ref().map(|v| ValidatorParams {
                pub_key_types: v.pub_key_types.clone(),
            }),
            version: p.version.as_ref().map(|v| VersionParams {
                app: v.app.to_string(),
            }),
            abci: p.abci.as_ref().map(|a| AbciParams {
                vote_extensions_enable_height: a.vote_extensions_enable_height.to_string(),
            }),
        }
    }
}

impl From<&tendermint::consensus::Params> for ConsensusParamsJson {
    fn from(p: &tendermint::consensus::Params) -> Self {
        let mut raw = ConsensusParams::from(p.clone());
        // tendermint-rs leaves `version` out when the app version is 0; CometBFT writes it.
        raw.version.get_or_insert_with(Default::default);
        raw.abci.get_or_insert_with(Default::default);
        Self::from(&raw)
    }
}

/// `ResponseFinalizeBlock` as a `NewBlock` event carries it (`result_finalize_block`).
#[derive(Serialize)]
pub(crate) struct FinalizeBlockJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<Vec<SparseEvent<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tx_results: Option<Vec<TxResult<'a>>>,
    validator_updates: Vec<ValidatorUpdateJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consensus_param_updates: Option<ConsensusParamsJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_hash: Option<String>,
}

impl<'a> From<&'a ResponseFinalizeBlock> for FinalizeBlockJson<'a> {
    fn from(r: &'a ResponseFinalizeBlock) -> Self {
        Self {
            events: sparse_events(&r.events),
            tx_results: (!r.tx_results.is_empty())
                .then(|| r.tx_results.iter().map(Into::into).collect()),
            validator_updates: r.validator_updates.iter().map(Into::into).collect(),
            consensus_param_updates: r.consensus_param_updates.as_ref().map(Into::into),
            app_hash: base64_or_null(&r.app_hash),
        }
    }
}

/// `block_results` in the v0.38 shape (`finalize_block_events`, `app_hash` in base64).
#[derive(Serialize)]
pub(crate) struct BlockResults<'a> {
    height: String,
    txs_results: Option<Vec<TxResult<'a>>>,
    finalize_block_events: Option<Vec<SparseEvent<'a>>>,
    validator_updates: Option<Vec<ValidatorUpdateJson>>,
    consensus_param_updates: Option<ConsensusParamsJson>,
    app_hash: Option<String>,
}

impl<'a> BlockResults<'a> {
    /// The results of the block at `height`.
    pub(crate) fn new(height: u64, r: &'a ResponseFinalizeBlock) -> Self {
        Self {
            height: height.to_string(),
            txs_results: (!r.tx_results.is_empty())
                .then(|| r.tx_results.iter().map(Into::into).collect()),
            finalize_block_events: sparse_events(&r.events),
            validator_updates: (!r.validator_updates.is_empty())
                .then(|| r.validator_updates.iter().map(Into::into).collect()),
            consensus_param_updates: r.consensus_param_updates.as_ref().map(Into::into),
            app_hash: base64_or_null(&r.app_hash),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        Event {
            r#type: "transfer".into(),
            attributes: vec![EventAttribute {
                key: "amount".into(),
                value: "5uagr".into(),
                index: false,
            }],
        }
    }

    #[test]
    fn full_results_emit_defaults_and_sparse_results_omit_them() {
        let result = ExecTxResult {
            gas_wanted: 7,
            events: vec![event()],
            ..Default::default()
        };
        let full = serde_json::to_value(TxResult::from(&result)).unwrap();
        assert_eq!(
            full,
            serde_json::json!({
                "code": 0, "data": null, "log": "", "info": "", "gas_wanted": "7", "gas_used": "0",
                "events": [{"type": "transfer", "attributes": [{"key": "amount", "value": "5uagr", "index": false}]}],
                "codespace": ""
            })
        );
        let sparse = serde_json::to_value(SparseTxResult::from(&result)).unwrap();
        assert_eq!(
            sparse,
            serde_json::json!({
                "gas_wanted": "7",
                "events": [{"type": "transfer", "attributes": [{"key": "amount", "value": "5uagr", "index": false}]}]
            })
        );
    }

    #[test]
    fn block_results_use_null_for_empty_lists_and_base64_app_hash() {
        let r = ResponseFinalizeBlock {
            app_hash: vec![6, 0, 0, 0].into(),
            ..Default::default()
        };
        let json = serde_json::to_value(BlockResults::new(10, &r)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "height": "10", "txs_results": null, "finalize_block_events": null,
                "validator_updates": null, "consensus_param_updates": null, "app_hash": "BgAAAA=="
            })
        );
        let event_shape = serde_json::to_value(FinalizeBlockJson::from(&r)).unwrap();
        assert_eq!(
            event_shape,
            serde_json::json!({"validator_updates": [], "app_hash": "BgAAAA=="})
        );
    }

    #[test]
    fn consensus_params_match_cometbft() {
        let params = crate::setup::default_consensus_params();
        let json = serde_json::to_value(ConsensusParamsJson::from(&params)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "block": {"max_bytes": "22020096", "max_gas": "-1"},
                "evidence": {"max_age_num_blocks": "100000", "max_age_duration": "172800000000000", "max_bytes": "1048576"},
                "validator": {"pub_key_types": ["ed25519"]},
                "version": {"app": "0"},
                "abci": {"vote_extensions_enable_height": "0"}
            })
        );
    }
}
