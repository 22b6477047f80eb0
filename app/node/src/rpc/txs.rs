//! `tx`, `tx_search`, `broadcast_tx_async/sync/commit`, `unconfirmed_txs` and
//! `num_unconfirmed_txs`.

use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};
use tendermint::merkle::simple_hash_from_byte_vectors;
use tendermint_proto::v0_38::abci::{ExecTxResult, ResponseCheckTx};
use tokio::sync::broadcast::error::RecvError;

use super::json::{base64, hex_upper, TxResult};
use super::methods::{self, blocking};
use super::params::Params;
use super::query::{self, EventMap, Query};
use super::websocket::Subscribers;
use super::{info, search, to_json, RpcError};
use crate::blockstore::{tx_hash, TxRecord};
use crate::events::{NodeEvent, Published};
use crate::Node;

/// A committed tx as `tx` and `tx_search` return it.
#[derive(Serialize)]
struct TxJson<'a> {
    hash: String,
    height: String,
    index: u32,
    tx_result: TxResult<'a>,
    tx: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    proof: Option<TxProof>,
}

impl<'a> TxJson<'a> {
    fn new(record: &'a TxRecord, proof: Option<TxProof>) -> Self {
        Self {
            hash: hex_upper(&record.hash),
            height: record.height.to_string(),
            index: record.index,
            tx_result: (&record.result).into(),
            tx: base64(&record.tx),
            proof,
        }
    }
}

/// That a tx is in its block: a Merkle proof from the tx's hash to the header's `data_hash`.
#[derive(Serialize)]
struct TxProof {
    root_hash: String,
    data: String,
    proof: MerkleProof,
}

#[derive(Serialize)]
struct MerkleProof {
    total: String,
    index: String,
    leaf_hash: String,
    aunts: Vec<String>,
}

/// CometBFT's split of `n` leaves: the largest power of two below `n`.
fn split_point(n: usize) -> usize {
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// The sibling hashes from the leaf at `index` up to the root, lowest first.
fn aunts(leaves: &[[u8; 32]], index: usize) -> Vec<[u8; 32]> {
    if leaves.len() <= 1 {
        return Vec::new();
    }
    let k = split_point(leaves.len());
    let (mut path, sibling) = if index < k {
        (aunts(&leaves[..k], index), &leaves[k..])
    } else {
        (aunts(&leaves[k..], index - k), &leaves[..k])
    };
    path.push(simple_hash_from_byte_vectors::<Sha256>(sibling));
    path
}

/// CometBFT's `Txs.Proof(index)`: the leaves are the tx hashes.
fn tx_proof(txs: &[Vec<u8>], index: usize) -> TxProof {
    let leaves: Vec<[u8; 32]> = txs.iter().map(|tx| tx_hash(tx)).collect();
    let mut leaf = Sha256::new();
    leaf.update([0u8]);
    leaf.update(leaves[index]);
    TxProof {
        root_hash: hex_upper(&simple_hash_from_byte_vectors::<Sha256>(&leaves)),
        data: base64(&txs[index]),
        proof: MerkleProof {
            total: txs.len().to_string(),
            index: index.to_string(),
            leaf_hash: base64(&leaf.finalize()),
            aunts: aunts(&leaves, index).iter().map(|a| base64(a)).collect(),
        },
    }
}

/// The proof for a committed tx, read from its block.
fn proof_for(node: &Node, record: &TxRecord) -> Result<Option<TxProof>, RpcError> {
    Ok(node
        .blocks
        .block(record.height)?
        .map(|block| tx_proof(&block.data, record.index as usize)))
}

fn require_indexing(node: &Node) -> Result<(), RpcError> {
    if info::indexing(node) {
        Ok(())
    } else {
        Err(RpcError::internal("transaction indexing is disabled"))
    }
}

/// `tx`: a committed tx by hash, optionally with its inclusion proof.
pub(crate) fn tx(node: &Node, p: &Params) -> Result<String, RpcError> {
    require_indexing(node)?;
    let hash = p.bytes("hash")?.unwrap_or_default();
    let prove = p.bool("prove")?;
    let record = node
        .blocks
        .tx(&hash)?
        .filter(|r| r.height <= node.latest_height())
        .ok_or_else(|| RpcError::internal(format!("tx ({}) not found", hex_upper(&hash))))?;
    let proof = if prove {
        proof_for(node, &record)?
    } else {
        None
    };
    to_json(&TxJson::new(&record, proof))
}

/// What a tx's query sees: `tm.event = Tx`, `tx.hash`, `tx.height` and its indexed event
/// attributes.
fn tx_events(tx: &[u8], height: u64, result: &ExecTxResult) -> EventMap {
    let mut events = EventMap::new();
    query::add_events(&mut events, &result.events, true);
    query::add(&mut events, "tm.event", "Tx".into());
    query::add(&mut events, "tx.hash", hex_upper(&tx_hash(tx)));
    query::add(&mut events, "tx.height", height.to_string());
    events
}

/// (height, index) of every committed tx matching `q`, in chain order. The tx index narrows
/// the candidates when the query has a `tx.hash` or `type.key = 'value'` condition; otherwise
/// the heights `tx.height` allows are scanned one block at a time.
fn matching_txs(node: &Node, q: &Query) -> Result<Vec<(u64, u32)>, RpcError> {
    let latest = node.latest_height();
    let mut _scan_turn = None;
    let candidates: Vec<(u64, Option<u32>)> = if let Some(hash) = q.equals("tx.hash") {
        let hash = hex::decode(&hash).unwrap_or_default();
        node.blocks
            .tx(&hash)?
            .map(|r| (r.height, Some(r.index)))
            .into_iter()
            .collect()
    } else if let Some((key, value)) = q.attribute_equality() {
        node.blocks
            .txs_with_attribute(key, value)?
            .into_iter()
            .map(|(h, i)| (h, Some(i)))
            .collect()
    } else {
        let (low, high) = q.height_range("tx.height");
        let heights = low.max(node.blocks.base()).max(1)..=high.min(latest);
        _scan_turn = Some(search::start_scan(node, heights.clone(), "tx.height")?);
        heights.map(|h| (h, None)).collect()
    };
    let mut found = Vec::new();
    let mut loaded: Option<(
        u64,
        tendermint::Block,
        tendermint_proto::v0_38::abci::ResponseFinalizeBlock,
    )> = None;
    for (height, index) in candidates {
        if height > latest {
            continue;
        }
        methods::ensure_live()?;
        if loaded.as_ref().is_none_or(|(h, _, _)| *h != height) {
            let (Some(block), Some(results)) =
                (node.blocks.block(height)?, node.blocks.results(height)?)
            else {
                continue;
            };
            loaded = Some((height, block, results));
        }
        let (_, block, results) = loaded.as_ref().expect("just loaded");
        let indexes = match index {
            Some(i) => i..i + 1,
            None => 0..block.data.len() as u32,
        };
        for i in indexes {
            let (Some(tx), Some(result)) = (
                block.data.get(i as usize),
                results.tx_results.get(i as usize),
            ) else {
                continue;
            };
            if q.matches(&tx_events(tx, height, result)) {
                found.push((height, i));
            }
        }
    }
    Ok(found)
}

/// (height, index) of every committed tx matching the CometBFT `query`, in chain order, for
/// the gRPC and REST tx search; the error says what is wrong with the query.
pub(crate) fn search_positions(node: &Node, query: &str) -> Result<Vec<(u64, u32)>, String> {
    require_indexing(node).map_err(|e| e.data)?;
    let q = Query::parse(query)?;
    matching_txs(node, &q).map_err(|e| e.data)
}

#[derive(Serialize)]
struct TxSearch<'a> {
    txs: Vec<TxJson<'a>>,
    total_count: String,
}

/// `tx_search`: committed txs matching `query`, oldest first unless `order_by` is `desc`.
pub(crate) fn search(node: &Node, p: &Params) -> Result<String, RpcError> {
    require_indexing(node)?;
    let q = search::query(p)?;
    let prove = p.bool("prove")?;
    let descending = search::descending(p, false)?;
    let mut positions = matching_txs(node, &q)?;
    if descending {
        positions.reverse();
    }
    let per_page = search::per_page(p.int("per_page")?);
    let page = search::page(p.int("page")?, per_page, positions.len())?;
    let mut records = Vec::new();
    for (height, index) in &positions[search::window(page, per_page, positions.len())] {
        if let Some(record) = node.blocks.tx_at(*height, *index)? {
            let proof = if prove {
                proof_for(node, &record)?
            } else {
                None
            };
            records.push((record, proof));
        }
    }
    to_json(&TxSearch {
        txs: records
            .iter_mut()
            .map(|(record, proof)| TxJson::new(record, proof.take()))
            .collect(),
        total_count: positions.len().to_string(),
    })
}

#[derive(Serialize)]
struct UnconfirmedTxs {
    n_txs: String,
    total: String,
    total_bytes: String,
    txs: Option<Vec<String>>,
}

/// `unconfirmed_txs`: up to `limit` (30 by default, at most 100) pending txs.
pub(crate) fn unconfirmed(node: &Node, p: &Params) -> Result<String, RpcError> {
    let limit = search::per_page(p.int("limit")?);
    let mempool = node.mempool();
    let txs = mempool.txs(limit);
    to_json(&UnconfirmedTxs {
        n_txs: txs.len().to_string(),
        total: mempool.len().to_string(),
        total_bytes: mempool.bytes().to_string(),
        txs: Some(txs.iter().map(|tx| base64(tx)).collect()),
    })
}

/// `num_unconfirmed_txs`: the mempool's size.
pub(crate) fn num_unconfirmed(node: &Node, _: &Params) -> Result<String, RpcError> {
    let mempool = node.mempool();
    to_json(&UnconfirmedTxs {
        n_txs: mempool.len().to_string(),
        total: mempool.len().to_string(),
        total_bytes: mempool.bytes().to_string(),
        txs: None,
    })
}

/// Runs CheckTx on the `tx` parameter and adds it to the mempool; mempool refusals (full,
/// too large, duplicate) are errors with CometBFT's messages.
async fn submit(
    node: &Arc<Node>,
    p: &Params,
    context: &'static str,
) -> Result<(Vec<u8>, ResponseCheckTx), RpcError> {
    let tx = p.bytes("tx")?.unwrap_or_default();
    let node = node.clone();
    blocking(move || {
        let response = node
            .submit_tx(&tx)
            .map_err(|e| RpcError::internal(format!("{context}{e}")))?;
        Ok((tx, response))
    })
    .await
}

#[derive(Serialize)]
struct Broadcast<'a> {
    code: u32,
    data: String,
    log: &'a str,
    codespace: &'a str,
    hash: String,
}

/// `broadcast_tx_sync` (with CheckTx's result) or `broadcast_tx_async` (hash only).
pub(crate) async fn broadcast(
    node: &Arc<Node>,
    p: &Params,
    sync: bool,
) -> Result<String, RpcError> {
    let (tx, response) = submit(node, p, "").await?;
    let hash = hex_upper(&tx_hash(&tx));
    if !sync {
        return to_json(&Broadcast {
            code: 0,
            data: String::new(),
            log: "",
            codespace: "",
            hash,
        });
    }
    to_json(&Broadcast {
        code: response.code,
        data: hex_upper(&response.data),
        log: &response.log,
        codespace: &response.codespace,
        hash,
    })
}

#[derive(Serialize)]
struct BroadcastCommit<'a> {
    check_tx: TxResult<'a>,
    tx_result: TxResult<'a>,
    hash: String,
    height: String,
}

/// Waits for the Tx event of `hash`. After a lag it looks the tx up in the store, since its
/// event may have been among those missed.
async fn committed(
    node: &Arc<Node>,
    events: &mut tokio::sync::broadcast::Receiver<Arc<Published>>,
    hash: [u8; 32],
) -> Result<Arc<TxRecord>, RpcError> {
    loop {
        match events.recv().await {
            Ok(published) => {
                if let NodeEvent::Tx(record) = &published.event {
                    if record.hash == hash {
                        return Ok(record.clone());
                    }
                }
            }
            Err(RecvError::Lagged(_)) => {
                let node = node.clone();
                if let Some(record) = blocking(move || Ok(node.blocks.tx(&hash)?)).await? {
                    return Ok(Arc::new(record));
                }
            }
            Err(RecvError::Closed) => {
                return Err(RpcError::internal("the node stopped producing blocks"))
            }
        }
    }
}

/// `broadcast_tx_commit`: CheckTx, then wait (up to `timeout_broadcast_tx_commit`) for the tx
/// to be committed. It counts as a subscription while it waits, as in CometBFT.
pub(crate) async fn broadcast_commit(
    node: &Arc<Node>,
    subscribers: &Arc<Subscribers>,
    p: &Params,
) -> Result<String, RpcError> {
    let _slot = subscribers.reserve_one_shot().map_err(RpcError::internal)?;
    let mut events = node.events.subscribe();
    let (tx, check) = submit(node, p, "error on broadcastTxCommit: ").await?;
    let hash = tx_hash(&tx);
    if check.code != 0 {
        let none = ExecTxResult::default();
        return to_json(&BroadcastCommit {
            check_tx: (&check).into(),
            tx_result: (&none).into(),
            hash: hex_upper(&hash),
            height: "0".into(),
        });
    }
    let timeout = *node.config.rpc.timeout_broadcast_tx_commit;
    let record = tokio::time::timeout(timeout, committed(node, &mut events, hash))
        .await
        .map_err(|_| RpcError::internal("timed out waiting for tx to be included in a block"))??;
    to_json(&BroadcastCommit {
        check_tx: (&check).into(),
        tx_result: (&record.result).into(),
        hash: hex_upper(&hash),
        height: record.height.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CometBFT's `computeHashFromAunts`, written top-down (unlike [`aunts`]).
    fn root_from_aunts(index: usize, total: usize, leaf: [u8; 32], aunts: &[[u8; 32]]) -> [u8; 32] {
        if total == 1 {
            assert!(aunts.is_empty());
            return leaf;
        }
        let k = split_point(total);
        let (last, rest) = aunts.split_last().expect("an aunt per level");
        let inner = |l: &[u8], r: &[u8]| -> [u8; 32] {
            let mut h = Sha256::new();
            h.update([1u8]);
            h.update(l);
            h.update(r);
            h.finalize().into()
        };
        if index < k {
            inner(&root_from_aunts(index, k, leaf, rest), last)
        } else {
            inner(last, &root_from_aunts(index - k, total - k, leaf, rest))
        }
    }

    #[test]
    fn tx_proofs_lead_to_the_data_hash() {
        assert_eq!(
            (
                split_point(2),
                split_point(3),
                split_point(4),
                split_point(5)
            ),
            (1, 2, 2, 4)
        );
        for n in 1..=9usize {
            let txs: Vec<Vec<u8>> = (0..n).map(|i| format!("tx{i}").into_bytes()).collect();
            let hashes: Vec<[u8; 32]> = txs.iter().map(|t| tx_hash(t)).collect();
            let root = simple_hash_from_byte_vectors::<Sha256>(&hashes);
            for i in 0..n {
                let proof = tx_proof(&txs, i);
                assert_eq!(proof.root_hash, hex_upper(&root));
                let leaf: [u8; 32] = Sha256::digest([&[0u8][..], &hashes[i]].concat()).into();
                assert_eq!(proof.proof.leaf_hash, base64(&leaf));
                let aunts = aunts(&hashes, i);
                assert_eq!(root_from_aunts(i, n, leaf, &aunts), root, "n={n} i={i}");
            }
        }
    }
}
