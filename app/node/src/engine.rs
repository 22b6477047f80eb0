//! The embedded single-validator engine: the CometBFT handshake (InitChain, replay of stored
//! blocks the app has not committed) and block production every `timeout_commit`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _, Result};
use prost::Message as _;
use sha2::{Digest, Sha256};
use tendermint::block::{self, header::Version, Block, Commit, Header};
use tendermint::merkle::simple_hash_from_byte_vectors;
use tendermint::{AppHash, Hash, Time};
use tendermint_proto::google::protobuf::Timestamp;
use tendermint_proto::v0_38::abci::{
    CheckTxType, CommitInfo, ExecTxResult, RequestCheckTx, RequestFinalizeBlock, RequestInitChain,
    RequestPrepareProposal, ResponseFinalizeBlock, Validator, ValidatorUpdate, VoteInfo,
};
use tendermint_proto::v0_38::types::{BlockIdFlag, CommitSig as RawCommitSig, HashedParams};

use crate::blockstore::{block_id, tx_hash, TxRecord};
use crate::events::NodeEvent;
use crate::{Node, BLOCK_PROTOCOL};

/// Brings the app level with the block store: InitChain on a fresh app, then replays every
/// stored block the app has not committed, checking app hashes against stored results.
pub fn handshake(node: &Node) -> Result<()> {
    let app_height = node.app().store().height();
    let stored = node.blocks.height();
    if app_height > stored {
        bail!("the application is at height {app_height} but the block store only at {stored}: the data directory is inconsistent");
    }
    if app_height == 0 {
        init_chain(node)?;
    }
    if stored > app_height {
        tracing::info!(
            from = app_height + 1,
            to = stored,
            "replaying stored blocks the application has not committed"
        );
    }
    for height in app_height + 1..=stored {
        let block = node
            .blocks
            .block(height)?
            .ok_or_else(|| anyhow!("block {height} is missing from the block store"))?;
        execute(node, &block, block_id(&block))?;
    }
    tracing::info!(height = stored, app_hash = %hex::encode_upper(node.app().store().app_hash()), "handshake complete");
    Ok(())
}

fn init_chain(node: &Node) -> Result<()> {
    let genesis = &node.genesis;
    if genesis.initial_height != 1 {
        bail!(
            "genesis initial_height {} is not supported; use 1",
            genesis.initial_height
        );
    }
    let validators = genesis
        .validators
        .iter()
        .map(|v| ValidatorUpdate {
            pub_key: Some(v.pub_key.into()),
            power: v.power.value() as i64,
        })
        .collect();
    let request = RequestInitChain {
        time: Some(genesis.genesis_time.into()),
        chain_id: genesis.chain_id.to_string(),
        consensus_params: Some(genesis.consensus_params.clone().into()),
        validators,
        app_state_bytes: serde_json::to_vec(&genesis.app_state)?.into(),
        initial_height: genesis.initial_height,
    };
    node.app()
        .init_chain(request)
        .map_err(|e| anyhow!("InitChain failed: {e}"))?;
    Ok(())
}

/// Proposes, signs, stores, executes and commits one block; returns its height.
pub fn produce_block(node: &Node) -> Result<u64> {
    let height = node.blocks.height() + 1;
    let previous = if height > 1 {
        let block = node
            .blocks
            .block(height - 1)?
            .context("previous block missing")?;
        let commit = node
            .blocks
            .commit(height - 1)?
            .context("previous commit missing")?;
        let results = node
            .blocks
            .results(height - 1)?
            .context("previous results missing")?;
        Some((block, commit, results))
    } else {
        None
    };
    let time = block_time(previous.as_ref().map(|(b, _, _)| b.header.time));
    let params = &node.genesis.consensus_params.block;
    let txs = {
        let app = node.app();
        let candidates = node.mempool().reap(params.max_bytes as i64, params.max_gas);
        app.prepare_proposal(RequestPrepareProposal {
            max_tx_bytes: params.max_bytes as i64,
            txs: candidates.into_iter().map(Into::into).collect(),
            height: height as i64,
            time: Some(time.into()),
            proposer_address: node.validator.address().as_bytes().to_vec().into(),
            next_validators_hash: node.validators.hash().as_bytes().to_vec().into(),
            ..Default::default()
        })
        .txs
        .into_iter()
        .map(|tx| tx.to_vec())
        .collect::<Vec<_>>()
    };

    let empty = Hash::Sha256(simple_hash_from_byte_vectors::<Sha256>(&[] as &[&[u8]]));
    let (last_block_id, last_commit, last_commit_hash, app_hash, last_results_hash) =
        match &previous {
            Some((block, commit, results)) => (
                Some(block_id(block)),
                Some(commit.clone()),
                commit_hash(commit),
                AppHash::try_from(results.app_hash.to_vec())?,
                results_hash(&results.tx_results),
            ),
            None => (None, None, empty, node.genesis.app_hash.clone(), empty),
        };
    let tx_hashes: Vec<[u8; 32]> = txs.iter().map(|tx| tx_hash(tx)).collect();
    let header = Header {
        version: Version {
            block: BLOCK_PROTOCOL,
            app: node.app().info().app_version,
        },
        chain_id: node.chain_id().clone(),
        height: height.try_into()?,
        time,
        last_block_id,
        last_commit_hash: Some(last_commit_hash),
        data_hash: Some(Hash::Sha256(simple_hash_from_byte_vectors::<Sha256>(
            &tx_hashes,
        ))),
        validators_hash: node.validators.hash(),
        next_validators_hash: node.validators.hash(),
        consensus_hash: consensus_hash(node),
        app_hash,
        last_results_hash: Some(last_results_hash),
        evidence_hash: Some(empty),
        proposer_address: node.validator.address(),
    };
    let block = Block::new(header, txs, Default::default(), last_commit);
    let id = block_id(&block);
    let signature = node.validator.sign_precommit(
        node.chain_id(),
        block.header.height,
        id,
        block_time(Some(time)),
        0,
    )?;
    let commit = Commit {
        height: block.header.height,
        round: block::Round::default(),
        block_id: id,
        signatures: vec![signature],
    };
    node.blocks.save_block(&block, &commit)?;
    execute(node, &block, id)?;
    Ok(height)
}

/// Runs a stored block (with its id) through the app (FinalizeBlock, store results, Commit),
/// updates the mempool and publishes the block's events.
fn execute(node: &Node, block: &Block, id: block::Id) -> Result<()> {
    let height = block.header.height.value();
    let started = Instant::now();
    let decided_last_commit = block.last_commit.as_ref().map(|_| CommitInfo {
        round: 0,
        votes: node
            .validators
            .validators()
            .iter()
            .map(|v| VoteInfo {
                validator: Some(Validator {
                    address: v.address.as_bytes().to_vec().into(),
                    power: v.power.value() as i64,
                }),
                block_id_flag: BlockIdFlag::Commit as i32,
            })
            .collect(),
    });
    let request = RequestFinalizeBlock {
        txs: block.data.iter().cloned().map(Into::into).collect(),
        decided_last_commit,
        misbehavior: vec![],
        hash: block.header.hash().as_bytes().to_vec().into(),
        height: height as i64,
        time: Some(Timestamp::from(block.header.time)),
        next_validators_hash: block.header.next_validators_hash.as_bytes().to_vec().into(),
        proposer_address: block.header.proposer_address.as_bytes().to_vec().into(),
    };
    let mut app = node.app();
    let results = app
        .finalize_block(request)
        .map_err(|e| anyhow!("FinalizeBlock at height {height} failed: {e}"))?;
    if let Some(stored) = node.blocks.results(height)? {
        if stored.app_hash != results.app_hash {
            bail!(
                "replaying block {height} gave app hash {} but the node computed {} before: the application is not deterministic",
                hex::encode_upper(&results.app_hash),
                hex::encode_upper(&stored.app_hash)
            );
        }
    }
    node.blocks.save_results(height, &block.data, &results)?;
    app.commit()
        .map_err(|e| anyhow!("Commit at height {height} failed: {e}"))?;
    let pending = update_mempool(node, &mut app, &block.data);
    drop(app);
    let failed = results.tx_results.iter().filter(|r| r.code != 0).count();
    tracing::info!(
        height,
        txs = block.data.len(),
        failed,
        hash = %block.header.hash(),
        app_hash = %hex::encode_upper(&results.app_hash),
        mempool = pending,
        took_ms = started.elapsed().as_millis() as u64,
        "committed block"
    );
    publish(node, block, id, results);
    Ok(())
}

/// Drops committed txs from the mempool and rechecks the rest against the new state; returns
/// how many remain.
fn update_mempool(node: &Node, app: &mut agora_app::App, committed: &[Vec<u8>]) -> usize {
    let mut mempool = node.mempool();
    mempool.remove_committed(committed);
    if mempool.recheck_enabled() {
        let failed: Vec<[u8; 32]> = mempool
            .txs(usize::MAX)
            .into_iter()
            .filter(|tx| {
                app.check_tx(RequestCheckTx {
                    tx: tx.clone().into(),
                    r#type: CheckTxType::Recheck as i32,
                })
                .code
                    != 0
            })
            .map(|tx| tx_hash(&tx))
            .collect();
        mempool.remove(failed);
    }
    mempool.len()
}

fn publish(node: &Node, block: &Block, id: block::Id, results: ResponseFinalizeBlock) {
    let height = block.header.height.value();
    let records: Vec<TxRecord> = block
        .data
        .iter()
        .zip(&results.tx_results)
        .enumerate()
        .map(|(index, (tx, result))| TxRecord {
            hash: tx_hash(tx),
            height,
            index: index as u32,
            tx: tx.clone(),
            result: result.clone(),
        })
        .collect();
    node.events.publish(NodeEvent::NewBlock {
        block: Arc::new(block.clone()),
        block_id: id,
        result: Arc::new(results),
    });
    for record in records {
        node.events.publish(NodeEvent::Tx(Arc::new(record)));
    }
}

/// Produces blocks every `timeout_commit` until `stop` is set.
pub fn run(node: Arc<Node>, stop: Arc<AtomicBool>) -> Result<()> {
    let pause: Duration = *node.config.consensus.timeout_commit;
    tracing::info!(timeout_commit = ?pause, validator = %node.validator.address(), "producing blocks");
    while !stop.load(Ordering::SeqCst) {
        produce_block(&node)?;
        let resume = Instant::now() + pause;
        while Instant::now() < resume && !stop.load(Ordering::SeqCst) {
            std::thread::sleep((resume - Instant::now()).min(Duration::from_millis(50)));
        }
    }
    Ok(())
}

/// The next block's time: now, but always after the previous block's.
fn block_time(previous: Option<Time>) -> Time {
    let now = Time::now();
    match previous {
        Some(prev) if now <= prev => (prev + Duration::from_millis(1)).expect("time in range"),
        _ => now,
    }
}

/// CometBFT's `Commit.Hash()`: the Merkle root of the protobuf-encoded commit signatures.
fn commit_hash(commit: &Commit) -> Hash {
    let sigs: Vec<Vec<u8>> = commit
        .signatures
        .iter()
        .map(|s| RawCommitSig::from(s.clone()).encode_to_vec())
        .collect();
    Hash::Sha256(simple_hash_from_byte_vectors::<Sha256>(&sigs))
}

/// CometBFT's `ABCIResults.Hash()`: the Merkle root over each tx result's deterministic fields.
pub fn results_hash(results: &[ExecTxResult]) -> Hash {
    let leaves: Vec<Vec<u8>> = results
        .iter()
        .map(|r| {
            ExecTxResult {
                code: r.code,
                data: r.data.clone(),
                gas_wanted: r.gas_wanted,
                gas_used: r.gas_used,
                ..Default::default()
            }
            .encode_to_vec()
        })
        .collect();
    Hash::Sha256(simple_hash_from_byte_vectors::<Sha256>(&leaves))
}

/// CometBFT's `ConsensusParams.Hash()`: SHA-256 of the block size limits.
fn consensus_hash(node: &Node) -> Hash {
    let block = &node.genesis.consensus_params.block;
    let bytes = HashedParams {
        block_max_bytes: block.max_bytes as i64,
        block_max_gas: block.max_gas,
    }
    .encode_to_vec();
    Hash::Sha256(Sha256::digest(bytes).into())
}
