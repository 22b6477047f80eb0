//! The embedded single-validator engine: the CometBFT handshake (consistency checks, InitChain,
//! replay of stored blocks the app has not committed, the sign state) and block production
//! every `timeout_commit`. Block times follow CometBFT: block `initial_height` has the genesis
//! time, every later block the median time of the previous block's commit.
//!
//! Validator sets and consensus params follow the app's FinalizeBlock answers by CometBFT's
//! rules (see [`crate::history`]). The commit of block h lists every validator of set(h): this
//! node's precommit, and absent for everyone else (no one else runs here). So the engine signs
//! only while its key holds more than 2/3 of set(h)'s power; otherwise the chain halts, as it
//! would under CometBFT, and the node stops producing blocks but keeps serving its RPC.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use agora_app::CheckGuard;
use agora_core::ExecMode;
use anyhow::{anyhow, bail, Context as _, Result};
use prost::Message as _;
use sha2::{Digest, Sha256};
use tendermint::block::{self, header::Version, Block, Commit, CommitSig, Header};
use tendermint::merkle::simple_hash_from_byte_vectors;
use tendermint::{account, consensus, validator, AppHash, Hash, Time};
use tendermint_proto::google::protobuf::Timestamp;
use tendermint_proto::v0_38::abci::{
    CommitInfo, ExecTxResult, RequestFinalizeBlock, RequestInitChain, RequestPrepareProposal,
    ResponseFinalizeBlock, ResponseInitChain, Validator, ValidatorUpdate, VoteInfo,
};
use tendermint_proto::v0_38::types::{BlockIdFlag, CommitSig as RawCommitSig, HashedParams};

use crate::blockstore::{block_id, tx_hash, TxRecord};
use crate::events::NodeEvent;
use crate::history::{Change, History};
use crate::metrics::BlockReport;
use crate::{Node, BLOCK_PROTOCOL};

/// Brings the app level with the block store: checks that the app, the block store and the
/// sign state belong together (chain id, heights, app hashes), runs InitChain on a fresh app,
/// rebuilds the validator set history, replays every stored block the app has not committed
/// (checking app hashes against stored results), and opens the validator's sign state.
pub fn handshake(node: &Node) -> Result<()> {
    let initial = initial_height(node)?;
    let app_height = node.app().store().height();
    let stored = node.blocks.height();
    check_block_store(node, initial, stored)?;
    check_app(node, initial, app_height, stored)?;
    let init = if app_height == 0 {
        Some(init_chain(node, initial, stored)?)
    } else {
        node.blocks.init_chain()?
    };
    load_history(node, initial, app_height, init.as_ref())?;
    let first = if app_height == 0 {
        initial
    } else {
        app_height + 1
    };
    if stored >= first {
        tracing::info!(
            from = first,
            to = stored,
            "replaying stored blocks the application has not committed"
        );
    }
    for height in first..=stored {
        let block = node
            .blocks
            .block(height)?
            .ok_or_else(|| anyhow!("block {height} is missing from the block store"))?;
        execute(node, &block, block_id(&block))?;
    }
    open_sign_state(node, initial, stored)?;
    tracing::info!(height = stored, app_hash = %hex::encode_upper(node.app().store().app_hash()), "handshake complete");
    Ok(())
}

/// Genesis `initial_height` (at least 1).
fn initial_height(node: &Node) -> Result<u64> {
    u64::try_from(node.genesis.initial_height)
        .ok()
        .filter(|h| *h >= 1)
        .ok_or_else(|| {
            anyhow!(
                "genesis initial_height {} must be at least 1",
                node.genesis.initial_height
            )
        })
}

/// The block store must hold this genesis' chain: it starts at `initial_height` and its
/// blocks carry the genesis chain id.
fn check_block_store(node: &Node, initial: u64, stored: u64) -> Result<()> {
    if stored == 0 {
        return Ok(());
    }
    let base = node.blocks.base();
    if base != initial {
        bail!(
            "the block store ({}) starts at height {base}, but genesis initial_height is {initial}: data/ belongs to another genesis",
            node.home.blockstore_db().display()
        );
    }
    let last = node
        .blocks
        .block(stored)?
        .ok_or_else(|| anyhow!("block {stored} is missing from the block store"))?;
    if &last.header.chain_id != node.chain_id() {
        bail!(
            "the block store ({}) holds chain {:?}, but genesis.json is chain {:?}: data/ belongs to another chain",
            node.home.blockstore_db().display(),
            last.header.chain_id.as_str(),
            node.chain_id().as_str()
        );
    }
    Ok(())
}

/// The app's committed state must be this chain's, at a height the block store has reached,
/// with the app hash the block store recorded for that height.
fn check_app(node: &Node, initial: u64, app_height: u64, stored: u64) -> Result<()> {
    if app_height == 0 {
        return Ok(());
    }
    let app = node.app();
    let db = node.home.application_db();
    let chain = agora_app::ChainParams::load(&app.store().latest())
        .map_err(|e| anyhow!("cannot read the chain id from {}: {e}", db.display()))?;
    if let Some(chain) = chain {
        if chain.chain_id != node.chain_id().as_str() {
            bail!(
                "the application state ({}) is chain {:?}, but genesis.json is chain {:?}: application.db comes from another chain",
                db.display(),
                chain.chain_id,
                node.chain_id().as_str()
            );
        }
    }
    if app_height < initial {
        bail!(
            "the application state ({}) is at height {app_height}, below genesis initial_height {initial}: application.db comes from another genesis",
            db.display()
        );
    }
    if app_height > stored {
        bail!(
            "the application state ({}) is at height {app_height}, but the block store only at {stored}: the block store is behind the application (restored from an older backup, or from another node). Restore data/blockstore.db and data/application.db from the same copy",
            db.display()
        );
    }
    let app_hash = app.store().app_hash();
    let recorded = match node.blocks.results(app_height)? {
        Some(results) => Some(results.app_hash.to_vec()),
        None => node
            .blocks
            .block(app_height + 1)?
            .map(|b| b.header.app_hash.as_bytes().to_vec()),
    };
    if let Some(recorded) = recorded {
        if recorded != app_hash {
            bail!(
                "the application state ({}) at height {app_height} has app hash {}, but the block store recorded {} for that height: application.db and blockstore.db do not belong together",
                db.display(),
                hex::encode_upper(app_hash),
                hex::encode_upper(recorded)
            );
        }
    }
    Ok(())
}

/// InitChain from genesis; records its answer (the app hash block `initial` carries, the
/// validators and consensus params the chain starts with) and checks the app hash against
/// that block when the block store already has it.
fn init_chain(node: &Node, initial: u64, stored: u64) -> Result<ResponseInitChain> {
    let genesis = &node.genesis;
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
    let response = node
        .app()
        .init_chain(request)
        .map_err(|e| anyhow!("InitChain failed: {e}"))?;
    if stored > 0 {
        let first = node
            .blocks
            .block(initial)?
            .ok_or_else(|| anyhow!("block {initial} is missing from the block store"))?;
        if first.header.app_hash.as_bytes() != response.app_hash.as_ref() {
            bail!(
                "InitChain on genesis.json gives app hash {}, but block {initial} in the block store carries {}: genesis.json is not the genesis of data/",
                hex::encode_upper(&response.app_hash),
                hex::encode_upper(first.header.app_hash.as_bytes())
            );
        }
    }
    node.blocks.save_init_chain(&response)?;
    Ok(response)
}

/// The validator sets and consensus params by height, as far as the app has committed: the
/// recent change points the block store holds or, for a block store from before they were
/// kept (or a fresh chain), rebuilt from InitChain's answer (or genesis.json alone, for a
/// block store from before that answer was kept) and the stored FinalizeBlock results of
/// every committed block, then stored. Replayed blocks extend it.
fn load_history(
    node: &Node,
    initial: u64,
    app_height: u64,
    init: Option<&ResponseInitChain>,
) -> Result<()> {
    let next = app_height.max(initial - 1) + 1;
    let mut history = if node.blocks.has_history()? {
        let kept_from = next.saturating_sub(RECENT_HEIGHTS).max(initial);
        History::from_records(initial, next, node.blocks.history_from(kept_from)?)?
    } else {
        let history = rebuild_history(node, initial, app_height, init)?;
        node.blocks.save_history(&history.records())?;
        history
    };
    history.forget_before(next.saturating_sub(RECENT_HEIGHTS));
    *node.history_mut() = history;
    Ok(())
}

/// Heights below the next one whose validator sets and params the engine keeps in memory
/// (it needs set(h - 1) to build block h's last commit info); older ones are read from the
/// block store.
const RECENT_HEIGHTS: u64 = 2;

/// The history from InitChain's answer and every committed block's stored results.
fn rebuild_history(
    node: &Node,
    initial: u64,
    app_height: u64,
    init: Option<&ResponseInitChain>,
) -> Result<History> {
    let (validators, params) = match init {
        Some(answer) => (&answer.validators[..], answer.consensus_params.as_ref()),
        None => (&[][..], None),
    };
    let genesis = &node.genesis;
    let mut history = History::from_init_chain(
        initial,
        &genesis.validators,
        &genesis.consensus_params,
        validators,
        params,
    )?;
    if history
        .validators(initial)
        .is_none_or(|set| set.validators().is_empty())
    {
        bail!("genesis.json has no validators and InitChain answered none: run `agorad genesis gentx` and `agorad genesis collect-gentxs` before `agorad start`");
    }
    if app_height >= initial {
        tracing::info!(
            blocks = app_height + 1 - initial,
            "rebuilding the validator set history from the stored block results (once: it is stored from now on)"
        );
    }
    for height in initial..=app_height {
        let results = node.blocks.results(height)?.ok_or_else(|| {
            anyhow!("the results of block {height} are missing from the block store: the validator sets cannot be rebuilt")
        })?;
        history.apply(height, &results)?;
    }
    Ok(history)
}

/// Opens `priv_validator_state.json`, raised to the last stored commit's precommit (so a lost
/// file is rebuilt from the block store), and refuses to go on when the validator signed a
/// height the block store does not hold: signing there again could sign a second block.
fn open_sign_state(node: &Node, initial: u64, stored: u64) -> Result<()> {
    let floor = match node.blocks.commit(stored)? {
        Some(commit) if stored > 0 => node.validator.signed_in(node.chain_id(), &commit)?,
        _ => None,
    };
    let path = node.home.priv_validator_state();
    let state = node.validator.open_sign_state(&path, floor)?;
    let next = if stored == 0 { initial } else { stored + 1 };
    if state.height < next {
        return Ok(());
    }
    if state.height == next && node.blocks.proposal(next)?.is_some() {
        tracing::info!(
            height = next,
            "the validator signed a block it had not stored: proposing the same block again"
        );
        return Ok(());
    }
    bail!(
        "{} says this validator already signed height {}, but the block store ends at {stored}: data/ was wiped or restored from an older backup. Producing blocks now could sign a second, different block at a height already signed (a double sign), so the node refuses. Restore data/blockstore.db and data/application.db from the copy that reached height {}; or, only if no one ever saw a block above {stored} (a throwaway test chain), delete the sign state file to start over",
        path.display(),
        state.height,
        state.height
    )
}

/// Proposes (or re-proposes after a restart), signs, stores, executes and commits one block;
/// returns its height.
pub fn produce_block(node: &Node) -> Result<u64> {
    produce(node).map(|(height, _)| height)
}

/// [`produce_block`], also returning when the block's commit was formed (its precommit
/// signed), the instant CometBFT counts `timeout_commit` from.
fn produce(node: &Node) -> Result<(u64, Instant)> {
    let stored = node.blocks.height();
    let height = next_height(node)?;
    let rules = HeightRules::at(node, height)?;
    let index = signer_index(&rules.validators, node.validator.address(), height)
        .map_err(|reason| anyhow!(reason))?;
    let previous = if stored > 0 {
        let block = node
            .blocks
            .block(stored)?
            .context("previous block missing")?;
        let commit = node
            .blocks
            .commit(stored)?
            .context("previous commit missing")?;
        let results = node
            .blocks
            .results(stored)?
            .context("previous results missing")?;
        Some((block, commit, results))
    } else {
        None
    };
    let block = match node.blocks.proposal(height)? {
        Some(block) => {
            let expected = previous.as_ref().map(|(b, _, _)| block_id(b));
            if block.header.last_block_id != expected {
                bail!("the stored proposal for height {height} does not extend block {stored}: the block store is corrupt");
            }
            block
        }
        None => {
            let block = propose(node, height, previous.as_ref(), &rules)?;
            node.blocks.save_proposal(&block)?;
            block
        }
    };
    let id = block_id(&block);
    let signature = node.validator.sign_precommit(
        node.chain_id(),
        block.header.height,
        id,
        vote_time(block.header.time)?,
        index as u32,
    )?;
    // Everyone else in the set is absent: no one else runs here.
    let mut signatures = vec![CommitSig::BlockIdFlagAbsent; rules.validators.validators().len()];
    signatures[index] = signature;
    let commit = Commit {
        height: block.header.height,
        round: block::Round::default(),
        block_id: id,
        signatures,
    };
    let committed_at = Instant::now();
    node.blocks.save_block(&block, &commit)?;
    execute(node, &block, id)?;
    Ok((height, committed_at))
}

/// The height after the stored blocks.
fn next_height(node: &Node) -> Result<u64> {
    match node.blocks.height() {
        0 => initial_height(node),
        stored => Ok(stored + 1),
    }
}

/// What consensus fixes for one height h: set(h), the hash of set(h+1), params(h), and
/// set(h-1), whose power weighs the previous commit's vote times.
struct HeightRules {
    validators: validator::Set,
    next_validators_hash: Hash,
    params: consensus::Params,
    last_validators: Option<validator::Set>,
}

impl HeightRules {
    fn at(node: &Node, height: u64) -> Result<Self> {
        let history = node.history();
        let unknown = |what: &str, at: u64| {
            anyhow!("the {what} of height {at} is not known: run the handshake first")
        };
        Ok(Self {
            validators: history
                .validators(height)
                .ok_or_else(|| unknown("validator set", height))?
                .clone(),
            next_validators_hash: history
                .validators(height + 1)
                .ok_or_else(|| unknown("validator set", height + 1))?
                .hash(),
            params: history
                .params(height)
                .ok_or_else(|| unknown("consensus params", height))?
                .clone(),
            last_validators: history.validators(height - 1).cloned(),
        })
    }
}

/// This node's position in `set`, when it may sign at `height`: it is in the set and holds
/// more than 2/3 of its power (no other validator runs here to add precommits). Otherwise why
/// the chain halts there, as it would under CometBFT.
pub fn signer_index(
    set: &validator::Set,
    me: account::Id,
    height: u64,
) -> std::result::Result<usize, String> {
    let Some(index) = set.validators().iter().position(|v| v.address == me) else {
        return Err(format!(
            "this node's validator {me} is not in the validator set at height {height} (it unbonded or was jailed): a single-validator chain halts here, as CometBFT would; the node stops producing blocks and keeps serving its RPC"
        ));
    };
    let power = set.validators()[index].power();
    let total = set.total_voting_power().value();
    if u128::from(power) * 3 <= u128::from(total) * 2 {
        return Err(format!(
            "this node's validator {me} holds {power} of {total} voting power at height {height}, not more than 2/3: a block needs the other validators' precommits, and none runs here, so the chain halts here, as CometBFT would; the node stops producing blocks and keeps serving its RPC"
        ));
    }
    Ok(index)
}

/// The block at `height` over `previous` (block, commit, results), with txs from the mempool.
fn propose(
    node: &Node,
    height: u64,
    previous: Option<&(Block, Commit, ResponseFinalizeBlock)>,
    rules: &HeightRules,
) -> Result<Block> {
    let time = match (previous, &rules.last_validators) {
        (Some((_, commit, _)), Some(last)) => median_time(commit, last)?,
        (Some(_), None) => bail!("the validator set of height {} is not known", height - 1),
        (None, _) => node.genesis.genesis_time,
    };
    let params = &rules.params.block;
    let txs = {
        let app = node.app();
        let candidates = node.mempool().reap(params.max_bytes as i64, params.max_gas);
        app.prepare_proposal(RequestPrepareProposal {
            max_tx_bytes: params.max_bytes as i64,
            txs: candidates.into_iter().map(Into::into).collect(),
            height: height as i64,
            time: Some(time.into()),
            proposer_address: node.validator.address().as_bytes().to_vec().into(),
            next_validators_hash: rules.next_validators_hash.as_bytes().to_vec().into(),
            ..Default::default()
        })
        .txs
        .into_iter()
        .map(|tx| tx.to_vec())
        .collect::<Vec<_>>()
    };

    let empty = Hash::Sha256(simple_hash_from_byte_vectors::<Sha256>(&[] as &[&[u8]]));
    let (last_block_id, last_commit, last_commit_hash, app_hash, last_results_hash) = match previous
    {
        Some((block, commit, results)) => (
            Some(block_id(block)),
            Some(commit.clone()),
            commit_hash(commit),
            AppHash::try_from(results.app_hash.to_vec())?,
            results_hash(&results.tx_results),
        ),
        None => {
            let app_hash = node.blocks.init_chain_app_hash()?.ok_or_else(|| {
                anyhow!("no InitChain app hash recorded: run the handshake first")
            })?;
            (None, None, empty, AppHash::try_from(app_hash)?, empty)
        }
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
        validators_hash: rules.validators.hash(),
        next_validators_hash: rules.next_validators_hash,
        consensus_hash: consensus_hash(&rules.params),
        app_hash,
        last_results_hash: Some(last_results_hash),
        evidence_hash: Some(empty),
        proposer_address: node.validator.address(),
    };
    Ok(Block::new(header, txs, Default::default(), last_commit))
}

/// Runs a stored block (with its id) through the app (FinalizeBlock, store results, Commit),
/// updates the mempool and publishes the block's events.
fn execute(node: &Node, block: &Block, id: block::Id) -> Result<()> {
    let height = block.header.height.value();
    let started = Instant::now();
    let decided_last_commit = decided_last_commit(node, block)?;
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
    let results = match app.finalize_block(request) {
        Ok(results) => results,
        // The chain reached an upgrade this binary has no handler for: a typed error, which
        // `agorad` exits on with its own code.
        Err(e) => match app.upgrade_needed() {
            Some(needed) => return Err(anyhow::Error::new(needed.clone())),
            None => bail!("FinalizeBlock at height {height} failed: {e}"),
        },
    };
    let finalized = started.elapsed();
    if let Some(stored) = node.blocks.results(height)? {
        if stored.app_hash != results.app_hash {
            bail!(
                "replaying block {height} gave app hash {} but the node computed {} before: the application is not deterministic",
                hex::encode_upper(&results.app_hash),
                hex::encode_upper(&stored.app_hash)
            );
        }
    }
    let change = {
        // RPC reads the latest height under this lock: it never sees results whose
        // validator updates the history does not hold yet.
        let mut history = node.history_mut();
        let change = history.apply(height, &results)?;
        let records = history.records_of(&change);
        node.blocks
            .save_results(height, &block.data, &results, &records)?;
        change
    };
    log_change(node, height, &change);
    node.history_mut()
        .forget_before((height + 1).saturating_sub(RECENT_HEIGHTS));
    let stored = started.elapsed();
    // CheckTx waits from here until the mempool is rechecked against the new state.
    let mut check = node.checks.lock();
    app.commit_holding(&mut check)
        .map_err(|e| anyhow!("Commit at height {height} failed: {e}"))?;
    drop(app);
    let committed = started.elapsed();
    let pending = update_mempool(node, &mut check, &block.data);
    drop(check);
    let rechecked = started.elapsed();
    let failed = results.tx_results.iter().filter(|r| r.code != 0).count();
    tracing::info!(
        height,
        txs = block.data.len(),
        failed,
        hash = %block.header.hash(),
        app_hash = %hex::encode_upper(&results.app_hash),
        mempool = pending,
        took_ms = rechecked.as_millis() as u64,
        finalize_ms = finalized.as_millis() as u64,
        results_ms = (stored - finalized).as_millis() as u64,
        commit_ms = (committed - stored).as_millis() as u64,
        recheck_ms = (rechecked - committed).as_millis() as u64,
        "committed block"
    );
    let (validators, power) = node
        .history()
        .validators(height)
        .map(|set| (set.validators().len(), set.total_voting_power().value()))
        .unwrap_or_default();
    node.metrics.block(&BlockReport {
        height,
        time: block.header.time,
        txs: block.data.len(),
        size_bytes: tendermint_proto::v0_38::types::Block::from(block.clone()).encoded_len(),
        validators,
        power,
        mempool: pending,
        execution: finalized,
        commit: committed - stored,
    });
    publish(node, block, id, results);
    Ok(())
}

/// CometBFT's `buildLastCommitInfo`: each validator of set(h-1), with its power, and the
/// flag of its signature in block h's last commit (listed in the set's order). `None` for
/// the first block, which has no last commit.
fn decided_last_commit(node: &Node, block: &Block) -> Result<Option<CommitInfo>> {
    let Some(last_commit) = &block.last_commit else {
        return Ok(None);
    };
    let height = block.header.height.value();
    let history = node.history();
    let set = history
        .validators(height - 1)
        .ok_or_else(|| anyhow!("the validator set of height {} is not known", height - 1))?;
    if last_commit.signatures.len() != set.validators().len() {
        bail!(
            "block {height}'s last commit holds {} signatures, but the validator set of height {} has {} validators",
            last_commit.signatures.len(),
            height - 1,
            set.validators().len()
        );
    }
    let votes = set
        .validators()
        .iter()
        .zip(&last_commit.signatures)
        .map(|(v, sig)| {
            let flag = match sig {
                CommitSig::BlockIdFlagCommit { .. } => BlockIdFlag::Commit,
                CommitSig::BlockIdFlagNil { .. } => BlockIdFlag::Nil,
                CommitSig::BlockIdFlagAbsent => BlockIdFlag::Absent,
            };
            VoteInfo {
                validator: Some(Validator {
                    address: v.address.as_bytes().to_vec().into(),
                    power: v.power() as i64,
                }),
                block_id_flag: flag as i32,
            }
        })
        .collect();
    Ok(Some(CommitInfo { round: 0, votes }))
}

/// Logs what a block's results change: the validator set from h+2 (warning when this node
/// can no longer sign there), the consensus params from h+1.
fn log_change(node: &Node, height: u64, change: &Change) {
    if let Some(from) = change.validators_from {
        let history = node.history();
        let (Some(before), Some(after)) = (history.validators(from - 1), history.validators(from))
        else {
            return;
        };
        tracing::info!(
            height,
            added = change.added,
            removed = change.removed,
            changed = change.changed,
            validators = after.validators().len(),
            total_power = after.total_voting_power().value(),
            "validator set changes at height {from}"
        );
        let me = node.validator.address();
        if signer_index(before, me, from - 1).is_ok() && signer_index(after, me, from).is_err() {
            match after.validator(me) {
                None => tracing::warn!(
                    height,
                    "this node's key leaves the validator set at height {from}: the engine, which signs alone, will stop producing blocks there"
                ),
                Some(v) => tracing::warn!(
                    height,
                    "this node's key will hold {} of {} voting power at height {from}, not more than 2/3: the engine, which signs alone, will stop producing blocks there",
                    v.power(),
                    after.total_voting_power().value()
                ),
            }
        }
    }
    if let Some(from) = change.params_from {
        tracing::info!(height, "consensus params change at height {from}");
    }
}

/// Drops committed txs from the mempool and rechecks the rest against the new state (the check
/// state just reset, locked by the caller); returns how many remain.
fn update_mempool(node: &Node, check: &mut CheckGuard<'_>, committed: &[Vec<u8>]) -> usize {
    let pending = {
        let mut mempool = node.mempool();
        mempool.remove_committed(committed);
        if !mempool.recheck_enabled() {
            return mempool.len();
        }
        mempool.txs(usize::MAX)
    };
    // The mempool lock is free meanwhile: RPC reads of it and duplicate checks go on.
    let failed: Vec<[u8; 32]> = pending
        .into_iter()
        .filter(|tx| {
            let prepared = node.queries.prepare_recheck(tx);
            check.check(prepared, ExecMode::ReCheck).code != 0
        })
        .map(|tx| tx_hash(&tx))
        .collect();
    let mut mempool = node.mempool();
    mempool.remove(failed);
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

/// Produces blocks until `stop` is set; waits for genesis time first. As in CometBFT, height
/// h+1 starts `timeout_commit` after block h's commit was formed, so the time spent executing
/// h counts toward the pause (blocks come every `timeout_commit` while execution is shorter).
pub fn run(node: Arc<Node>, stop: Arc<AtomicBool>) -> Result<()> {
    let pause: Duration = *node.config.consensus.timeout_commit;
    if node.blocks.height() == 0 {
        if let Ok(wait) = node.genesis.genesis_time.duration_since(Time::now()) {
            tracing::info!(?wait, "waiting for genesis time");
            sleep_unless_stopped(Instant::now() + wait, &stop);
        }
    }
    tracing::info!(timeout_commit = ?pause, validator = %node.validator.address(), "producing blocks");
    while !stop.load(Ordering::SeqCst) {
        let height = next_height(&node)?;
        let set = HeightRules::at(&node, height)?.validators;
        if let Err(reason) = signer_index(&set, node.validator.address(), height) {
            tracing::error!(height, "{reason}");
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
            break;
        }
        let (_, committed_at) = produce(&node)?;
        sleep_unless_stopped(committed_at + pause, &stop);
    }
    Ok(())
}

fn sleep_unless_stopped(resume: Instant, stop: &AtomicBool) {
    while Instant::now() < resume && !stop.load(Ordering::SeqCst) {
        std::thread::sleep((resume - Instant::now()).min(Duration::from_millis(50)));
    }
}

/// CometBFT's `voteTime`: now, but at least 1 ms after the block voted for, so block times
/// (the median of the previous commit's vote times) always increase.
fn vote_time(block_time: Time) -> Result<Time> {
    let min = block_time
        .checked_add(Duration::from_millis(1))
        .context("block time out of range")?;
    Ok(Time::now().max(min))
}

/// CometBFT's `MedianTime`: the median of the commit's vote times weighted by the power in
/// `validators` (the set that signed it); the time of the block after it. With one signer,
/// its precommit's timestamp.
fn median_time(commit: &Commit, validators: &validator::Set) -> Result<Time> {
    let mut times: Vec<(Time, u64)> = commit
        .signatures
        .iter()
        .filter_map(|sig| match sig {
            CommitSig::BlockIdFlagCommit {
                validator_address,
                timestamp,
                ..
            }
            | CommitSig::BlockIdFlagNil {
                validator_address,
                timestamp,
                ..
            } => validators
                .validator(*validator_address)
                .map(|v| (*timestamp, v.power.value())),
            CommitSig::BlockIdFlagAbsent => None,
        })
        .collect();
    times.sort_by_key(|(time, _)| *time);
    let mut median = times.iter().map(|(_, power)| power).sum::<u64>() / 2;
    for (time, power) in times {
        if median <= power {
            return Ok(time);
        }
        median -= power;
    }
    bail!(
        "the commit of block {} holds no vote of a known validator",
        commit.height
    )
}

/// The `health` check: an error when block production has stalled, i.e. the latest block's
/// commit is older than 3 x `timeout_commit`. Healthy before the first block.
pub fn health(node: &Node) -> Result<()> {
    let height = node.blocks.height();
    let Some(commit) = node.blocks.commit(height)? else {
        return Ok(());
    };
    let committed = commit
        .signatures
        .iter()
        .filter_map(|sig| match sig {
            CommitSig::BlockIdFlagCommit { timestamp, .. }
            | CommitSig::BlockIdFlagNil { timestamp, .. } => Some(*timestamp),
            CommitSig::BlockIdFlagAbsent => None,
        })
        .max()
        .context("the latest commit holds no vote")?;
    let limit = *node.config.consensus.timeout_commit * 3;
    let age = Time::now().duration_since(committed).unwrap_or_default();
    if age > limit {
        bail!(
            "the latest block ({height}) was committed {:.1} s ago, more than 3 x timeout_commit ({:.1} s): block production has stalled",
            age.as_secs_f64(),
            limit.as_secs_f64()
        );
    }
    Ok(())
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
fn consensus_hash(params: &consensus::Params) -> Hash {
    let block = &params.block;
    let bytes = HashedParams {
        block_max_bytes: block.max_bytes as i64,
        block_max_gas: block.max_gas,
    }
    .encode_to_vec();
    Hash::Sha256(Sha256::digest(bytes).into())
}
