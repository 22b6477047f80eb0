//! `status`, `genesis`, `genesis_chunked`, `validators` and `consensus_params`.

use serde::Serialize;
use serde_json::Value;
use tendermint::{PublicKey, Time};

use super::json::{base64, hex_upper, ConsensusParamsJson};
use super::params::Params;
use super::{blocks, search, to_json, RpcError};
use crate::{Node, BLOCK_PROTOCOL, COMETBFT_VERSION, P2P_PROTOCOL};

#[derive(Serialize)]
struct Status {
    node_info: NodeInfo,
    sync_info: SyncInfo,
    validator_info: ValidatorInfo,
}

#[derive(Serialize)]
struct NodeInfo {
    protocol_version: ProtocolVersion,
    id: String,
    listen_addr: String,
    network: String,
    version: &'static str,
    channels: &'static str,
    moniker: String,
    other: Other,
}

#[derive(Serialize)]
struct ProtocolVersion {
    p2p: String,
    block: String,
    app: String,
}

#[derive(Serialize)]
struct Other {
    tx_index: &'static str,
    rpc_address: String,
}

#[derive(Serialize)]
struct SyncInfo {
    latest_block_hash: String,
    latest_app_hash: String,
    latest_block_height: String,
    latest_block_time: Time,
    earliest_block_hash: String,
    earliest_app_hash: String,
    earliest_block_height: String,
    earliest_block_time: Time,
    catching_up: bool,
}

#[derive(Serialize)]
struct ValidatorInfo {
    address: String,
    pub_key: PublicKey,
    voting_power: String,
}

/// The channels a CometBFT v0.38 node advertises; this node has no p2p, but clients expect
/// the field.
pub(crate) const CHANNELS: &str = "40202122233038606100";

/// What `status` tells of one block.
struct Summary {
    hash: String,
    app_hash: String,
    time: Time,
    app_version: Option<u64>,
}

/// The block at `height`, or empties before block 1.
fn block_summary(node: &Node, height: u64) -> Result<Summary, RpcError> {
    if height == 0 {
        return Ok(Summary {
            hash: String::new(),
            app_hash: String::new(),
            time: Time::unix_epoch(),
            app_version: None,
        });
    }
    let meta = node.blocks.block_meta(height)?.ok_or_else(|| {
        RpcError::internal(format!("block {height} is missing from the block store"))
    })?;
    Ok(Summary {
        hash: hex_upper(meta.block_id.hash.as_bytes()),
        app_hash: hex_upper(meta.header.app_hash.as_bytes()),
        time: meta.header.time,
        app_version: Some(meta.header.version.app),
    })
}

/// True unless `config.toml` turns the tx indexer off.
pub(crate) fn indexing(node: &Node) -> bool {
    node.config.tx_index.indexer != "null"
}

/// `status`: node identity, the chain's first and latest block, and this validator.
/// `health`: `{}` while blocks keep coming; an error once the last block is older than
/// 3 x `timeout_commit` (the node is up but not producing).
pub(crate) fn health(node: &Node, _: &Params) -> Result<String, RpcError> {
    crate::engine::health(node).map_err(|e| RpcError::internal(format!("{e:#}")))?;
    Ok("{}".into())
}

pub(crate) fn status(node: &Node, _: &Params) -> Result<String, RpcError> {
    let latest = node.latest_height();
    let earliest = if latest == 0 {
        0
    } else {
        node.blocks.base().max(1)
    };
    let latest_block = block_summary(node, latest)?;
    let earliest_block = block_summary(node, earliest)?;
    let app_version = match latest_block.app_version {
        Some(version) => version,
        None => node.queries.info().app_version,
    };
    let address = node.validator.address();
    // As CometBFT's: the power in the set that signs the next block.
    let power = node
        .history()
        .validators(latest + 1)
        .and_then(|set| set.validator(address))
        .map_or(0, |v| v.power.value());
    let rpc_address = node.config.rpc.laddr.to_string();
    to_json(&Status {
        node_info: NodeInfo {
            protocol_version: ProtocolVersion {
                p2p: P2P_PROTOCOL.to_string(),
                block: BLOCK_PROTOCOL.to_string(),
                app: app_version.to_string(),
            },
            id: node.node_id.to_string(),
            listen_addr: rpc_address.clone(),
            network: node.chain_id().to_string(),
            version: COMETBFT_VERSION,
            channels: CHANNELS,
            moniker: node.config.moniker.clone(),
            other: Other {
                tx_index: if indexing(node) { "on" } else { "off" },
                rpc_address,
            },
        },
        sync_info: SyncInfo {
            latest_block_hash: latest_block.hash,
            latest_app_hash: latest_block.app_hash,
            latest_block_height: latest.to_string(),
            latest_block_time: latest_block.time,
            earliest_block_hash: earliest_block.hash,
            earliest_app_hash: earliest_block.app_hash,
            earliest_block_height: earliest.to_string(),
            earliest_block_time: earliest_block.time,
            catching_up: false,
        },
        validator_info: ValidatorInfo {
            address: hex_upper(address.as_bytes()),
            pub_key: node.validator.public_key(),
            voting_power: power.to_string(),
        },
    })
}

#[derive(Serialize)]
struct Genesis<'a> {
    genesis_time: Time,
    chain_id: String,
    initial_height: String,
    consensus_params: ConsensusParamsJson,
    validators: Vec<GenesisValidator>,
    app_hash: String,
    #[serde(skip_serializing_if = "Value::is_null")]
    app_state: &'a Value,
}

#[derive(Serialize)]
struct GenesisValidator {
    address: String,
    pub_key: PublicKey,
    power: String,
    name: String,
}

/// The genesis document as CometBFT writes it.
fn genesis_json(node: &Node) -> Result<String, RpcError> {
    let g = &node.genesis;
    to_json(&Genesis {
        genesis_time: g.genesis_time,
        chain_id: g.chain_id.to_string(),
        initial_height: g.initial_height.to_string(),
        consensus_params: (&g.consensus_params).into(),
        validators: g
            .validators
            .iter()
            .map(|v| GenesisValidator {
                address: hex_upper(v.address.as_bytes()),
                pub_key: v.pub_key,
                power: v.power.value().to_string(),
                name: v.name.clone().unwrap_or_default(),
            })
            .collect(),
        app_hash: hex_upper(g.app_hash.as_bytes()),
        app_state: &g.app_state,
    })
}

/// `genesis`.
pub(crate) fn genesis(node: &Node, _: &Params) -> Result<String, RpcError> {
    Ok(format!("{{\"genesis\":{}}}", genesis_json(node)?))
}

#[derive(Serialize)]
struct GenesisChunk {
    chunk: String,
    total: String,
    data: String,
}

/// `genesis_chunked`: the genesis JSON in base64, as one chunk.
pub(crate) fn genesis_chunked(node: &Node, p: &Params) -> Result<String, RpcError> {
    let chunk = p.int("chunk")?.unwrap_or(0);
    if chunk != 0 {
        // CometBFT's wording, which counts from zero.
        return Err(RpcError::internal(format!(
            "there are 0 chunks, {chunk} is invalid"
        )));
    }
    to_json(&GenesisChunk {
        chunk: "0".into(),
        total: "1".into(),
        data: base64(genesis_json(node)?.as_bytes()),
    })
}

#[derive(Serialize)]
struct Validators {
    block_height: String,
    validators: Vec<Validator>,
    count: String,
    total: String,
}

#[derive(Serialize)]
struct Validator {
    address: String,
    pub_key: PublicKey,
    voting_power: String,
    proposer_priority: String,
}

/// `validators`: the set at a height (up to the next one), paginated.
pub(crate) fn validators(node: &Node, p: &Params) -> Result<String, RpcError> {
    // The engine extends the history before the latest height moves, so set(latest + 1)
    // is known; older sets come from the block store.
    let height = blocks::resolve_height(node, p.int("height")?, node.latest_height() + 1)?;
    let set = node
        .validator_set(height)
        .map_err(|e| RpcError::internal(format!("{e:#}")))?
        .ok_or_else(|| unknown_height(height, node.history().initial()))?;
    let all = set.validators();
    let per_page = search::per_page(p.int("per_page")?);
    let page = search::page(p.int("page")?, per_page, all.len())?;
    let validators: Vec<Validator> = all
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|v| Validator {
            address: hex_upper(v.address.as_bytes()),
            pub_key: v.pub_key,
            voting_power: v.power.value().to_string(),
            proposer_priority: v.proposer_priority.value().to_string(),
        })
        .collect();
    to_json(&Validators {
        block_height: height.to_string(),
        count: validators.len().to_string(),
        total: all.len().to_string(),
        validators,
    })
}

#[derive(Serialize)]
struct ConsensusParamsResult {
    block_height: String,
    consensus_params: ConsensusParamsJson,
}

/// `consensus_params` at a height (up to the next one): genesis.json's, as InitChain and
/// later FinalizeBlock answers updated them.
pub(crate) fn consensus_params(node: &Node, p: &Params) -> Result<String, RpcError> {
    let height = blocks::resolve_height(node, p.int("height")?, node.latest_height() + 1)?;
    let params = node
        .consensus_params(height)
        .map_err(|e| RpcError::internal(format!("{e:#}")))?
        .ok_or_else(|| unknown_height(height, node.history().initial()))?;
    to_json(&ConsensusParamsResult {
        block_height: height.to_string(),
        consensus_params: (&params).into(),
    })
}

/// A height the history does not cover: below `initial_height` (before the first block,
/// when the block store's base does not bound requests yet).
fn unknown_height(height: u64, initial: u64) -> RpcError {
    RpcError::internal(format!(
        "height {height} is not available, lowest height is {initial}"
    ))
}
