//! What a method path reaches: the app's queries and Simulate, and the node's tx, CometBFT
//! (`cosmos.base.tendermint.v1beta1.Service`), node and reflection services.

use std::sync::Arc;

use agora_core::{Address, VALCONS_PREFIX};
use agora_proto::cosmos::base::abci::v1beta1::TxResponse;
use agora_proto::cosmos::base::node::v1beta1 as node_pb;
use agora_proto::cosmos::base::query::v1beta1::PageResponse;
use agora_proto::cosmos::base::tendermint::v1beta1 as tm_pb;
use agora_proto::cosmos::tx::v1beta1 as tx_pb;
use agora_proto::Any;
use prost::{Message, Name};
use tendermint_proto::v0_38::abci::RequestQuery;
use tonic::Status;

use super::{txs, Server};
use crate::blockstore::tx_hash;
use crate::mempool::MempoolError;
use crate::{Node, BLOCK_PROTOCOL, COMETBFT_VERSION, P2P_PROTOCOL};

/// The Cosmos SDK release whose services and semantics the node follows (Hermes checks it).
pub(crate) const COSMOS_SDK_VERSION: &str = "v0.50.9";

const TX: &str = "/cosmos.tx.v1beta1.Service/";
const TM: &str = "/cosmos.base.tendermint.v1beta1.Service/";
const NODE: &str = "/cosmos.base.node.v1beta1.Service/";
const REFLECTION_FILES: &str = "/cosmos.reflection.v1.ReflectionService/FileDescriptors";

/// The methods the node answers itself (the app answers the module queries and Simulate).
const NODE_METHODS: &[&str] = &[
    "/cosmos.tx.v1beta1.Service/BroadcastTx",
    "/cosmos.tx.v1beta1.Service/GetTx",
    "/cosmos.tx.v1beta1.Service/GetTxsEvent",
    "/cosmos.tx.v1beta1.Service/GetBlockWithTxs",
    "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo",
    "/cosmos.base.tendermint.v1beta1.Service/GetSyncing",
    "/cosmos.base.tendermint.v1beta1.Service/GetLatestBlock",
    "/cosmos.base.tendermint.v1beta1.Service/GetBlockByHeight",
    "/cosmos.base.tendermint.v1beta1.Service/GetLatestValidatorSet",
    "/cosmos.base.tendermint.v1beta1.Service/GetValidatorSetByHeight",
    "/cosmos.base.tendermint.v1beta1.Service/ABCIQuery",
    "/cosmos.base.node.v1beta1.Service/Config",
    "/cosmos.base.node.v1beta1.Service/Status",
    REFLECTION_FILES,
];

/// Whether [`call`] answers the method `path` (the REST gateway serves routes for these).
pub(crate) fn serves(node: &Node, path: &str) -> bool {
    node.queries.serves(path) || NODE_METHODS.contains(&path)
}

/// Answers `path` with the request `data` at `height` (0 = latest): the response bytes and the
/// height they describe.
pub(crate) async fn call(
    server: &Server,
    path: &str,
    data: Vec<u8>,
    height: u64,
) -> Result<(Vec<u8>, u64), Status> {
    if path == format!("{TX}BroadcastTx") {
        return broadcast(server.node.clone(), &data).await;
    }
    let (server, path) = (server.clone(), path.to_string());
    tokio::task::spawn_blocking(move || read(&server, &path, &data, height))
        .await
        .map_err(|e| Status::internal(format!("the query stopped: {e}")))?
}

/// Every read-only method, on a blocking thread.
fn read(server: &Server, path: &str, data: &[u8], height: u64) -> Result<(Vec<u8>, u64), Status> {
    let node = &server.node;
    if node.queries.serves(path) {
        return node.queries.grpc(path, data, height).map_err(super::status);
    }
    let latest = node.latest_height();
    let bytes = if let Some(method) = path.strip_prefix(TX) {
        match method {
            "GetTx" => txs::get_tx(node, decode(data)?)?.encode_to_vec(),
            "GetTxsEvent" => txs::get_txs_event(node, decode(data)?)?.encode_to_vec(),
            "GetBlockWithTxs" => {
                let req: tx_pb::GetBlockWithTxsRequest = decode(data)?;
                let height = positive_height(req.height, latest)?;
                let (block_id, block, _) = block_at(node, height)?;
                txs::block_with_txs(block_id, block, req.pagination)?.encode_to_vec()
            }
            _ => return Err(unknown(path)),
        }
    } else if let Some(method) = path.strip_prefix(TM) {
        match method {
            "GetNodeInfo" => node_info(node).encode_to_vec(),
            "GetSyncing" => tm_pb::GetSyncingResponse { syncing: false }.encode_to_vec(),
            "GetLatestBlock" => {
                let (block_id, block, sdk_block) = block_at(node, latest)?;
                tm_pb::GetLatestBlockResponse {
                    block_id,
                    block,
                    sdk_block,
                }
                .encode_to_vec()
            }
            "GetBlockByHeight" => {
                let req: tm_pb::GetBlockByHeightRequest = decode(data)?;
                let height = positive_height(req.height, latest)?;
                let (block_id, block, sdk_block) = block_at(node, height)?;
                tm_pb::GetBlockByHeightResponse {
                    block_id,
                    block,
                    sdk_block,
                }
                .encode_to_vec()
            }
            "GetLatestValidatorSet" => {
                let req: tm_pb::GetLatestValidatorSetRequest = decode(data)?;
                let (block_height, validators, pagination) =
                    validator_set(node, latest, req.pagination)?;
                tm_pb::GetLatestValidatorSetResponse {
                    block_height,
                    validators,
                    pagination,
                }
                .encode_to_vec()
            }
            "GetValidatorSetByHeight" => {
                let req: tm_pb::GetValidatorSetByHeightRequest = decode(data)?;
                let height = positive_height(req.height, latest)?;
                let (block_height, validators, pagination) =
                    validator_set(node, height, req.pagination)?;
                tm_pb::GetValidatorSetByHeightResponse {
                    block_height,
                    validators,
                    pagination,
                }
                .encode_to_vec()
            }
            "ABCIQuery" => return abci_query(node, decode(data)?),
            _ => return Err(unknown(path)),
        }
    } else if let Some(method) = path.strip_prefix(NODE) {
        match method {
            "Config" => node_pb::ConfigResponse {
                minimum_gas_price: server.settings.minimum_gas_price.clone(),
                pruning_keep_recent: server.settings.pruning_keep_recent.clone(),
                pruning_interval: "0".into(),
                halt_height: 0,
            }
            .encode_to_vec(),
            "Status" => node_status(node, latest)?.encode_to_vec(),
            _ => return Err(unknown(path)),
        }
    } else if path == REFLECTION_FILES {
        // FileDescriptorsResponse has the layout of a FileDescriptorSet: field 1, every file.
        agora_proto::FILE_DESCRIPTOR_SET.to_vec()
    } else {
        return Err(unknown(path));
    };
    Ok((bytes, latest))
}

pub(super) fn unknown(path: &str) -> Status {
    Status::unimplemented(format!("unknown method {path}"))
}

pub(super) fn internal(e: anyhow::Error) -> Status {
    Status::internal(format!("{e:#}"))
}

/// Decodes a request message.
fn decode<T: Message + Name + Default>(data: &[u8]) -> Result<T, Status> {
    T::decode(data)
        .map_err(|e| Status::invalid_argument(format!("cannot decode {}: {e}", T::full_name())))
}

/// A requested height that must be committed.
fn positive_height(height: i64, latest: u64) -> Result<u64, Status> {
    match u64::try_from(height) {
        Ok(h) if h > 0 && h <= latest => Ok(h),
        Ok(h) if h > latest => Err(Status::invalid_argument(format!(
            "requested block height {h} is bigger than the chain length {latest}"
        ))),
        _ => Err(Status::invalid_argument(format!(
            "block height must be greater than 0, got {height}"
        ))),
    }
}

/// `BroadcastTx`: CheckTx and the mempool (`SYNC`), or the mempool without waiting (`ASYNC`).
async fn broadcast(node: Arc<Node>, data: &[u8]) -> Result<(Vec<u8>, u64), Status> {
    let req: tx_pb::BroadcastTxRequest = decode(data)?;
    let mode = tx_pb::BroadcastMode::try_from(req.mode).unwrap_or_default();
    let hash = hex::encode_upper(tx_hash(&req.tx_bytes));
    let height = node.latest_height();
    let reply = |tx_response: TxResponse| {
        let response = tx_pb::BroadcastTxResponse {
            tx_response: Some(tx_response),
        };
        Ok((response.encode_to_vec(), height))
    };
    let submit = {
        let node = node.clone();
        move || node.submit_tx(&req.tx_bytes)
    };
    match mode {
        tx_pb::BroadcastMode::Sync => {
            let outcome = tokio::task::spawn_blocking(submit)
                .await
                .map_err(|e| Status::internal(format!("CheckTx stopped: {e}")))?;
            reply(match outcome {
                Ok(check) => TxResponse {
                    txhash: hash,
                    code: check.code,
                    codespace: check.codespace,
                    raw_log: check.log,
                    gas_wanted: check.gas_wanted,
                    gas_used: check.gas_used,
                    ..Default::default()
                },
                // As the SDK turns CometBFT's mempool errors into codes.
                Err(e) => TxResponse {
                    txhash: hash,
                    code: mempool_code(&e) as u32,
                    codespace: "sdk".into(),
                    raw_log: e.to_string(),
                    ..Default::default()
                },
            })
        }
        tx_pb::BroadcastMode::Async => {
            tokio::task::spawn_blocking(submit);
            reply(TxResponse {
                txhash: hash,
                ..Default::default()
            })
        }
        #[allow(deprecated)]
        tx_pb::BroadcastMode::Block => Err(Status::invalid_argument(
            "BROADCAST_MODE_BLOCK is no longer supported (as in the SDK v0.50); use BROADCAST_MODE_SYNC and query the tx by hash",
        )),
        tx_pb::BroadcastMode::Unspecified => Err(Status::invalid_argument(
            "invalid broadcast mode: use BROADCAST_MODE_SYNC or BROADCAST_MODE_ASYNC",
        )),
    }
}

fn mempool_code(e: &MempoolError) -> agora_core::SdkCode {
    use agora_core::SdkCode;
    match e {
        MempoolError::Duplicate => SdkCode::TxInMempoolCache,
        MempoolError::TooLarge { .. } => SdkCode::TxTooLarge,
        _ => SdkCode::MempoolIsFull,
    }
}

/// `GetNodeInfo`: CometBFT's node info and the build, with the module versions Hermes checks.
fn node_info(node: &Node) -> tm_pb::GetNodeInfoResponse {
    use tendermint_proto::v0_38::p2p::{DefaultNodeInfo, DefaultNodeInfoOther, ProtocolVersion};
    let rpc_address = node.config.rpc.laddr.to_string();
    let dep = |path: &str, version: &str| tm_pb::Module {
        path: path.into(),
        version: version.into(),
        sum: String::new(),
    };
    tm_pb::GetNodeInfoResponse {
        default_node_info: Some(DefaultNodeInfo {
            protocol_version: Some(ProtocolVersion {
                p2p: P2P_PROTOCOL,
                block: BLOCK_PROTOCOL,
                app: node.queries.info().app_version,
            }),
            default_node_id: node.node_id.to_string(),
            listen_addr: rpc_address.clone(),
            network: node.chain_id().to_string(),
            version: COMETBFT_VERSION.into(),
            channels: hex::decode(crate::rpc::CHANNELS).expect("CHANNELS is hex"),
            moniker: node.config.moniker.clone(),
            other: Some(DefaultNodeInfoOther {
                tx_index: if crate::rpc::indexing(node) {
                    "on"
                } else {
                    "off"
                }
                .into(),
                rpc_address,
            }),
        }),
        application_version: Some(tm_pb::VersionInfo {
            name: "agora".into(),
            app_name: "agorad".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            git_commit: String::new(),
            build_tags: String::new(),
            go_version: "rust (agorad is not a Go binary)".into(),
            build_deps: vec![
                dep("github.com/cosmos/cosmos-sdk", COSMOS_SDK_VERSION),
                dep(
                    "github.com/cometbft/cometbft",
                    &format!("v{COMETBFT_VERSION}"),
                ),
            ],
            cosmos_sdk_version: COSMOS_SDK_VERSION.into(),
        }),
    }
}

/// A consensus address in bech32 (`agoravalcons1…`), empty if it is not an address.
fn valcons(bytes: &[u8]) -> String {
    Address::from_bytes(bytes.to_vec())
        .map(|a| a.to_bech32_with(VALCONS_PREFIX))
        .unwrap_or_default()
}

pub(super) type BlockParts = (
    Option<tendermint_proto::v0_38::types::BlockId>,
    Option<tendermint_proto::v0_38::types::Block>,
    Option<tm_pb::Block>,
);

/// A committed block in both forms the SDK returns: CometBFT's, and the SDK's with a bech32
/// proposer address.
pub(super) fn block_at(node: &Node, height: u64) -> Result<BlockParts, Status> {
    let block = node
        .blocks
        .block(height)
        .map_err(internal)?
        .ok_or_else(|| Status::not_found(format!("no block at height {height}")))?;
    let id: tendermint_proto::v0_38::types::BlockId = crate::blockstore::block_id(&block).into();
    let raw: tendermint_proto::v0_38::types::Block = block.clone().into();
    let header = raw.header.clone().unwrap_or_default();
    let proposer = valcons(&header.proposer_address);
    let sdk_block = tm_pb::Block {
        header: Some(tm_pb::Header {
            version: header.version,
            chain_id: header.chain_id,
            height: header.height,
            time: header.time,
            last_block_id: header.last_block_id,
            last_commit_hash: header.last_commit_hash,
            data_hash: header.data_hash,
            validators_hash: header.validators_hash,
            next_validators_hash: header.next_validators_hash,
            consensus_hash: header.consensus_hash,
            app_hash: header.app_hash,
            last_results_hash: header.last_results_hash,
            evidence_hash: header.evidence_hash,
            proposer_address: proposer,
        }),
        data: raw.data.clone(),
        evidence: raw.evidence.clone(),
        last_commit: raw.last_commit.clone(),
    };
    Ok((Some(id), Some(raw), Some(sdk_block)))
}

/// The validator set of `height`, a page of it (the SDK's default page is 100).
fn validator_set(
    node: &Node,
    height: u64,
    page: Option<agora_proto::cosmos::base::query::v1beta1::PageRequest>,
) -> Result<(i64, Vec<tm_pb::Validator>, Option<PageResponse>), Status> {
    let set = node
        .validator_set(height)
        .map_err(internal)?
        .ok_or_else(|| Status::not_found(format!("no validator set at height {height}")))?;
    let page = page.unwrap_or_default();
    let limit = if page.limit == 0 {
        100
    } else {
        page.limit.min(1000)
    } as usize;
    let all = set.validators();
    let validators = all
        .iter()
        .skip(page.offset as usize)
        .take(limit)
        .map(|v| tm_pb::Validator {
            address: valcons(v.address.as_bytes()),
            pub_key: Some(Any {
                type_url: "/cosmos.crypto.ed25519.PubKey".into(),
                value: agora_proto::cosmos::crypto::ed25519::PubKey {
                    key: v.pub_key.to_bytes(),
                }
                .encode_to_vec(),
            }),
            voting_power: v.power.value() as i64,
            proposer_priority: v.proposer_priority.value(),
        })
        .collect();
    let pagination = PageResponse {
        next_key: vec![],
        total: all.len() as u64,
    };
    Ok((height as i64, validators, Some(pagination)))
}

/// `ABCIQuery`: the app's Query, as the RPC's `abci_query`.
fn abci_query(node: &Node, req: tm_pb::AbciQueryRequest) -> Result<(Vec<u8>, u64), Status> {
    let response = node.queries.query(RequestQuery {
        data: req.data.into(),
        path: req.path,
        height: req.height,
        prove: req.prove,
    });
    let height = response.height.max(0) as u64;
    let proof_ops = response.proof_ops.map(|ops| tm_pb::ProofOps {
        ops: ops
            .ops
            .into_iter()
            .map(|op| tm_pb::ProofOp {
                r#type: op.r#type,
                key: op.key,
                data: op.data,
            })
            .collect(),
    });
    let answer = tm_pb::AbciQueryResponse {
        code: response.code,
        log: response.log,
        info: response.info,
        index: response.index,
        key: response.key.to_vec(),
        value: response.value.to_vec(),
        proof_ops,
        height: response.height,
        codespace: response.codespace,
    };
    Ok((answer.encode_to_vec(), height))
}

/// The node service's `Status`: the latest block's height, time, app and validators hashes.
fn node_status(node: &Node, latest: u64) -> Result<node_pb::StatusResponse, Status> {
    let block = node.blocks.block(latest).map_err(internal)?;
    let header = block.map(|b| b.header);
    Ok(node_pb::StatusResponse {
        earliest_store_height: node.blocks.base().max(u64::from(latest > 0)),
        height: latest,
        timestamp: header.as_ref().map(|h| h.time.into()),
        app_hash: header
            .as_ref()
            .map(|h| h.app_hash.as_bytes().to_vec())
            .unwrap_or_default(),
        validator_hash: header
            .as_ref()
            .map(|h| h.validators_hash.as_bytes().to_vec())
            .unwrap_or_default(),
    })
}
