//! The application: ABCI 2.0 methods over the committed store and the module set.

use agora_consensus::ChainParams;
use agora_core::store::{CacheStore, Writes};
use agora_core::{
    BlockInfo, CometInfo, Context, Error, ExecMode, GasMeter, Misbehavior, Result, VoteInfo,
};
use agora_store::{Staged, Store, StoreOptions};
use agora_upgrade::UpgradeNeeded;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tendermint_proto::v0_38::types::BlockIdFlag;

use cosmwasm_std::Timestamp;
use rayon::prelude::*;
use tendermint_proto::v0_38::abci::{self as abci, response_process_proposal::ProposalStatus};
use tendermint_proto::v0_38::types::ConsensusParams;

use crate::check::{CheckGuard, CheckService};
use crate::config::AppConfig;
use crate::genesis;
use crate::modules::ModuleSet;
use crate::query::QueryService;
use crate::results;
use crate::runner::{run_tx, PreparedTx, TxEnv, TxOutcome};
use crate::sigverify::{signature_checks, VerifiedSignatures};
use crate::tx::DecodedTx;

/// A block executed by FinalizeBlock and waiting for Commit.
struct Finalized {
    staged: Staged,
    block: BlockInfo,
}

/// Agora's ABCI application. Single-threaded: the ABCI driver serialises calls; queries go to
/// its [`QueryService`], which needs no lock, and CheckTx to its [`CheckService`], which has
/// its own.
pub struct App {
    pub(crate) store: Store,
    pub(crate) modules: Arc<ModuleSet>,
    pub(crate) chain: Option<ChainParams>,
    /// Genesis state from InitChain; committed with the first block, as CometBFT expects.
    genesis_writes: Option<Writes>,
    /// The height of the chain's first block (genesis `initial_height`), known from InitChain.
    initial_height: u64,
    /// The last committed block.
    pub(crate) last_block: BlockInfo,
    finalized: Option<Finalized>,
    queries: QueryService,
    checks: CheckService,
    /// Where a halting upgrade writes `upgrade-info.json`: the directory of the store.
    data_dir: PathBuf,
    /// The upgrade this binary stopped at, if FinalizeBlock reached one it has no handler for.
    upgrade_needed: Option<UpgradeNeeded>,
}

impl App {
    /// Opens the application's store in `dir` (the home's `data/application.db`; an upgrade
    /// this binary has no handler for writes `upgrade-info.json` beside it, as the SDK does).
    pub fn open(dir: &Path, config: AppConfig) -> anyhow::Result<Self> {
        let store = Store::open(
            dir,
            StoreOptions {
                keep_recent: config.keep_recent,
                cache_bytes: config.store_cache_bytes,
                write_buffer_bytes: config.store_write_buffer_bytes,
            },
        )?;
        let chain = ChainParams::load(&store.latest())?;
        let last_block = BlockInfo {
            height: store.height(),
            time: Timestamp::from_nanos(0),
            chain_id: chain
                .as_ref()
                .map(|c| c.chain_id.clone())
                .unwrap_or_default(),
            comet: CometInfo::default(),
        };
        tracing::info!(height = store.height(), app_hash = %hex::encode_upper(store.app_hash()), "opened application state");
        let modules = Arc::new(ModuleSet::with_upgrades(config.upgrades.clone()));
        let queries = QueryService::new(modules.clone(), &config, &store, last_block.clone())?;
        let checks = CheckService::new(
            modules.clone(),
            config.min_gas_prices.clone(),
            queries.latest(),
            chain.clone(),
        );
        Ok(Self {
            store,
            modules,
            chain,
            genesis_writes: None,
            initial_height: 1,
            last_block,
            finalized: None,
            queries,
            checks,
            data_dir: dir.parent().unwrap_or(dir).to_path_buf(),
            upgrade_needed: None,
        })
    }

    /// The query service: answers ABCI queries and simulations from committed snapshots on
    /// any thread, without this App's lock.
    pub fn queries(&self) -> QueryService {
        self.queries.clone()
    }

    /// The mempool's state: CheckTx on any thread, without this App's lock.
    pub fn checks(&self) -> CheckService {
        self.checks.clone()
    }

    /// ABCI Query, answered by the [`QueryService`] from a committed snapshot.
    pub fn query(&self, req: abci::RequestQuery) -> abci::ResponseQuery {
        self.queries.query(req)
    }

    /// The committed store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// ABCI Info: the last committed height and app hash, so the driver knows what to replay.
    pub fn info(&self) -> abci::ResponseInfo {
        self.queries.info()
    }

    /// ABCI InitChain: validates and loads every module's genesis; the state is committed with
    /// the first block. Answers with the genesis state's working app hash (as SDK v0.50), which
    /// the first block's header carries.
    pub fn init_chain(&mut self, req: abci::RequestInitChain) -> Result<abci::ResponseInitChain> {
        if self.store.height() > 0 {
            return Err(Error::internal(format!(
                "InitChain on a chain already at height {}",
                self.store.height()
            )));
        }
        let time = req.time.map(to_timestamp).unwrap_or_default();
        let initial_height = req.initial_height.max(1) as u64;
        // As the SDK's InitChain: a chain starting at height 1 runs genesis at height 0
        // (signing infos, delegations' starting heights); a later initial height at itself.
        let block = BlockInfo {
            height: if initial_height > 1 {
                initial_height
            } else {
                0
            },
            time,
            chain_id: req.chain_id.clone(),
            ..Default::default()
        };
        let committed = self.store.latest();
        let mut state = CacheStore::new(&committed);
        let decided = genesis::init(
            &self.modules,
            &block,
            &mut state,
            req.consensus_params.clone(),
            &req.app_state_bytes,
        )?;
        let chain = ChainParams::load(&state)?
            .ok_or_else(|| Error::internal("InitChain stored no chain id"))?;
        let writes = state.into_writes();
        let app_hash = self
            .store
            .stage(initial_height, writes.clone())
            .map_err(|e| Error::internal(format!("hashing the genesis state: {e:#}")))?
            .app_hash();
        let validators = genesis_validators(req.validators, decided)?;
        // CheckTx sees the genesis accounts before the first block commits them.
        self.checks
            .lock()
            .start_from_genesis(chain.clone(), writes.clone());
        self.genesis_writes = Some(writes);
        self.initial_height = initial_height;
        tracing::info!(chain_id = %chain.chain_id, initial_height, validators = validators.len(), app_hash = %hex::encode_upper(app_hash), "initialised chain from genesis");
        self.last_block.chain_id = chain.chain_id.clone();
        self.chain = Some(chain);
        Ok(abci::ResponseInitChain {
            consensus_params: None,
            validators,
            app_hash: app_hash.to_vec().into(),
        })
    }

    fn chain(&self) -> Result<&ChainParams> {
        self.chain.as_ref().ok_or_else(|| {
            Error::internal("the chain has no genesis yet: InitChain must run first")
        })
    }

    /// ABCI CheckTx: decodes and pre-verifies the tx (see [`QueryService::prepare`] and
    /// [`CheckService`] to do that without this App), then runs the ante handler against the
    /// mempool's state.
    pub fn check_tx(&self, req: abci::RequestCheckTx) -> abci::ResponseCheckTx {
        let mode = check_mode(&req);
        let prepared = match mode {
            ExecMode::ReCheck => self.queries.prepare_recheck(&req.tx),
            _ => self.queries.prepare(&req.tx),
        };
        self.checks.lock().check(prepared, mode)
    }

    /// ABCI PrepareProposal: keeps the txs that decode, in order, while the block stays within
    /// `max_tx_bytes` and the consensus gas limit.
    pub fn prepare_proposal(
        &self,
        req: abci::RequestPrepareProposal,
    ) -> abci::ResponsePrepareProposal {
        let Ok(chain) = self.chain() else {
            return abci::ResponsePrepareProposal { txs: vec![] };
        };
        let (mut bytes, mut gas) = (0u64, 0u64);
        let mut txs = Vec::new();
        for tx in req.txs {
            let Ok(decoded) = DecodedTx::decode(&tx) else {
                continue;
            };
            let (next_bytes, next_gas) = (
                bytes + tx.len() as u64,
                gas.saturating_add(decoded.gas_limit),
            );
            if (req.max_tx_bytes >= 0 && next_bytes > req.max_tx_bytes as u64)
                || !chain.fits(next_bytes, next_gas)
            {
                continue;
            }
            (bytes, gas) = (next_bytes, next_gas);
            txs.push(tx);
        }
        abci::ResponsePrepareProposal { txs }
    }

    /// ABCI ProcessProposal: rejects blocks with undecodable txs or over the block limits.
    pub fn process_proposal(
        &self,
        req: abci::RequestProcessProposal,
    ) -> abci::ResponseProcessProposal {
        let accept = self.chain().is_ok_and(|chain| {
            let mut gas = 0u64;
            let mut bytes = 0u64;
            req.txs.iter().all(|tx| {
                bytes += tx.len() as u64;
                DecodedTx::decode(tx).is_ok_and(|d| {
                    gas = gas.saturating_add(d.gas_limit);
                    chain.fits(bytes, gas)
                })
            })
        });
        let status = if accept {
            ProposalStatus::Accept
        } else {
            ProposalStatus::Reject
        };
        abci::ResponseProcessProposal {
            status: status as i32,
        }
    }

    /// ABCI FinalizeBlock: begin block, every tx in order, end block; the new app hash is
    /// computed here and made durable at Commit.
    pub fn finalize_block(
        &mut self,
        req: abci::RequestFinalizeBlock,
    ) -> Result<abci::ResponseFinalizeBlock> {
        let chain = self.chain()?.clone();
        let height = req.height as u64;
        let expected = match self.store.height() {
            0 => self.initial_height,
            last => last + 1,
        };
        if height != expected {
            return Err(Error::internal(format!(
                "FinalizeBlock at height {height}, but the next height is {expected} (last committed: {})",
                self.store.height()
            )));
        }
        let base = if self.store.height() == 0 {
            self.genesis_writes
                .take()
                .ok_or_else(|| Error::internal("first block without InitChain"))?
        } else {
            Writes::new()
        };
        let block = BlockInfo {
            height,
            time: req.time.map(to_timestamp).unwrap_or_default(),
            chain_id: chain.chain_id.clone(),
            comet: comet_info(&req, &self.store.app_hash()),
        };
        let committed = self.store.latest();
        let mut state = CacheStore::with_writes(&committed, base);

        let gas = GasMeter::infinite();
        let consensus = &self.modules.keepers().consensus;
        let mut block_events = Vec::new();
        let params_before = {
            let mut ctx = Context::new(&block, ExecMode::Finalize, &mut state, &gas)
                .with_router(self.modules.as_ref());
            let params = consensus.params(&mut ctx)?;
            let upgrade = &self.modules.keepers().upgrade;
            if let Some(needed) = upgrade.pre_block(&mut ctx)? {
                write_upgrade_info(&self.data_dir, &needed);
                let error = Error::internal(needed.to_string());
                self.upgrade_needed = Some(needed);
                return Err(error);
            }
            self.modules.begin_block(&mut ctx)?;
            block_events.extend(ctx.take_events());
            params
        };

        let modules = &self.modules;
        let decoded: Vec<Result<PreparedTx>> = req
            .txs
            .par_iter()
            .map(|tx| DecodedTx::decode(tx).map(|tx| PreparedTx::new(modules, tx)))
            .collect();
        let verified = self.precheck_signatures(&block, &decoded, &state);
        let env = TxEnv {
            modules: &self.modules,
            chain_id: &chain.chain_id,
            min_gas_prices: &[],
            verified: &verified,
            simulate_gas_limit: 0,
            max_block_gas: None,
        };
        let mut outcomes = Vec::with_capacity(decoded.len());
        for tx in &decoded {
            let outcome = match tx {
                Err(e) => TxOutcome::rejected(e.clone()),
                Ok(tx) => {
                    let (outcome, writes) = run_tx(&env, &block, ExecMode::Finalize, &state, tx);
                    state.apply(writes);
                    outcome
                }
            };
            outcomes.push(outcome);
        }

        let (validator_updates, params_after) = {
            let mut ctx = Context::new(&block, ExecMode::Finalize, &mut state, &gas)
                .with_router(self.modules.as_ref());
            let updates = self.modules.end_block(&mut ctx)?;
            block_events.extend(ctx.take_events());
            (updates, consensus.params(&mut ctx)?)
        };

        let writes = state.into_writes();
        let staged = self
            .store
            .stage(height, writes)
            .map_err(|e| Error::internal(format!("staging height {height}: {e:#}")))?;
        let app_hash = staged.app_hash();
        let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
        tracing::info!(height, txs = outcomes.len(), failed, app_hash = %hex::encode_upper(app_hash), "finalized block");
        self.finalized = Some(Finalized { staged, block });
        Ok(abci::ResponseFinalizeBlock {
            events: block_events.into_iter().map(results::event).collect(),
            tx_results: outcomes.into_iter().map(results::exec_tx).collect(),
            validator_updates,
            // Changed params take effect at the next height, as CometBFT applies them.
            consensus_param_updates: (params_after != params_before).then_some(params_after),
            app_hash: app_hash.to_vec().into(),
        })
    }

    /// The upgrade this binary stopped at: set once FinalizeBlock reached the height of a plan
    /// it has no handler for. The node must exit (with
    /// [`agora_upgrade::UPGRADE_NEEDED_EXIT_CODE`]) and be restarted with a binary that has one.
    pub fn upgrade_needed(&self) -> Option<&UpgradeNeeded> {
        self.upgrade_needed.as_ref()
    }

    /// Verifies the block's signatures on all cores, reading each signer's account number and
    /// key from state at the block's start (a later tx that changes them is verified again).
    fn precheck_signatures(
        &self,
        block: &BlockInfo,
        decoded: &[Result<PreparedTx>],
        state: &CacheStore,
    ) -> VerifiedSignatures {
        let mut view = CacheStore::new(state);
        let gas = GasMeter::infinite();
        let mut ctx = Context::new(block, ExecMode::Finalize, &mut view, &gas);
        let txs = decoded.iter().filter_map(|t| t.as_ref().ok());
        let auth = &self.modules.keepers().auth;
        let checks = signature_checks(&mut ctx, auth, &block.chain_id, txs);
        VerifiedSignatures::precheck(checks, self.queries.signatures())
    }

    /// ABCI Commit: makes the finalized block durable and resets the mempool's state.
    pub fn commit(&mut self) -> Result<abci::ResponseCommit> {
        let checks = self.checks.clone();
        let mut check = checks.lock();
        self.commit_holding(&mut check)
    }

    /// [`App::commit`] with the mempool's state locked by the caller, who rechecks the mempool
    /// before letting CheckTx in again (as CometBFT holds its mempool lock from Commit through
    /// the recheck).
    pub fn commit_holding(&mut self, check: &mut CheckGuard<'_>) -> Result<abci::ResponseCommit> {
        let finalized = self
            .finalized
            .take()
            .ok_or_else(|| Error::internal("Commit without FinalizeBlock"))?;
        self.store
            .apply(finalized.staged)
            .map_err(|e| Error::internal(format!("commit failed: {e:#}")))?;
        self.last_block = BlockInfo {
            comet: CometInfo::default(),
            ..finalized.block
        };
        self.queries.publish(&self.store, self.last_block.clone())?;
        let latest = self.queries.latest();
        self.chain = latest.chain.clone();
        check.reset(latest, self.chain.clone());
        Ok(abci::ResponseCommit { retain_height: 0 })
    }

    /// The consensus params at the last committed height, for an exported genesis file.
    pub fn consensus_params(&self) -> Result<ConsensusParams> {
        let committed = self.store.latest();
        let mut state = CacheStore::new(&committed);
        let gas = GasMeter::infinite();
        let mut ctx = Context::new(&self.last_block, ExecMode::Finalize, &mut state, &gas);
        self.modules.keepers().consensus.params(&mut ctx)
    }

    /// Exports every module's state at the last committed height as genesis `app_state` JSON.
    pub fn export_app_state(&self) -> Result<serde_json::Value> {
        let committed = self.store.latest();
        let mut state = CacheStore::new(&committed);
        genesis::export(&self.modules, &self.last_block, &mut state)
    }
}

/// Writes `upgrade-info.json` for Cosmovisor when this binary stops at an upgrade (the SDK
/// fails the block if it cannot; here the halt goes ahead and the error is logged).
fn write_upgrade_info(data_dir: &Path, needed: &UpgradeNeeded) {
    match needed.write_info(data_dir) {
        Ok(path) => tracing::info!(file = %path.display(), "wrote the upgrade info"),
        Err(e) => {
            tracing::error!(error = %e, dir = %data_dir.display(), "cannot write upgrade-info.json")
        }
    }
}

/// The validator set InitChain answers with: the one a module decided (staking, genutil),
/// which must then equal the genesis file's if that names any, as the SDK requires; else the
/// genesis file's, unchanged.
fn genesis_validators(
    requested: Vec<abci::ValidatorUpdate>,
    decided: Vec<abci::ValidatorUpdate>,
) -> Result<Vec<abci::ValidatorUpdate>> {
    if decided.is_empty() {
        return Ok(requested);
    }
    if !requested.is_empty() {
        let sorted = |set: &[abci::ValidatorUpdate]| {
            let mut encoded: Vec<Vec<u8>> = set.iter().map(prost::Message::encode_to_vec).collect();
            encoded.sort();
            encoded
        };
        if sorted(&requested) != sorted(&decided) {
            return Err(Error::internal(format!(
                "the genesis file's {} validators differ from the {} the genesis state decides",
                requested.len(),
                decided.len()
            )));
        }
    }
    Ok(decided)
}

/// The CheckTx mode of a request.
pub fn check_mode(req: &abci::RequestCheckTx) -> ExecMode {
    if req.r#type == abci::CheckTxType::Recheck as i32 {
        ExecMode::ReCheck
    } else {
        ExecMode::Check
    }
}

/// What FinalizeBlock's request says about consensus, in the form modules read.
fn comet_info(req: &abci::RequestFinalizeBlock, last_app_hash: &[u8]) -> CometInfo {
    let flag = |f: i32| match BlockIdFlag::try_from(f) {
        Ok(tendermint_proto::v0_38::types::BlockIdFlag::Commit) => agora_core::BlockIdFlag::Commit,
        Ok(tendermint_proto::v0_38::types::BlockIdFlag::Nil) => agora_core::BlockIdFlag::Nil,
        _ => agora_core::BlockIdFlag::Absent,
    };
    let last_commit = req.decided_last_commit.iter().flat_map(|c| &c.votes);
    let last_commit = last_commit
        .filter_map(|v| {
            let validator = v.validator.as_ref()?;
            Some(VoteInfo {
                address: validator.address.to_vec(),
                power: validator.power,
                flag: flag(v.block_id_flag),
            })
        })
        .collect();
    let misbehavior = req
        .misbehavior
        .iter()
        .filter_map(|m| {
            // Evidence of an unknown type is ignored, as the SDK's x/evidence does.
            let known = [
                abci::MisbehaviorType::DuplicateVote as i32,
                abci::MisbehaviorType::LightClientAttack as i32,
            ];
            if !known.contains(&m.r#type) {
                return None;
            }
            let validator = m.validator.as_ref()?;
            Some(Misbehavior {
                duplicate_vote: m.r#type == abci::MisbehaviorType::DuplicateVote as i32,
                address: validator.address.to_vec(),
                power: validator.power,
                height: m.height.max(0) as u64,
                time: m.time.map(to_timestamp).unwrap_or_default(),
                total_voting_power: m.total_voting_power,
            })
        })
        .collect();
    CometInfo {
        proposer: req.proposer_address.to_vec(),
        last_commit,
        misbehavior,
        next_validators_hash: req.next_validators_hash.to_vec(),
        last_app_hash: last_app_hash.to_vec(),
    }
}

/// A protobuf timestamp as block time.
fn to_timestamp(t: tendermint_proto::google::protobuf::Timestamp) -> Timestamp {
    Timestamp::from_seconds(t.seconds.max(0) as u64).plus_nanos(t.nanos.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use tendermint_proto::v0_38::crypto::{public_key::Sum, PublicKey};

    use super::*;

    fn validator(key: u8, power: i64) -> abci::ValidatorUpdate {
        abci::ValidatorUpdate {
            pub_key: Some(PublicKey {
                sum: Some(Sum::Ed25519(vec![key; 32])),
            }),
            power,
        }
    }

    #[test]
    fn a_decided_validator_set_must_match_the_genesis_files() {
        let file = vec![validator(1, 10), validator(2, 5)];
        assert_eq!(genesis_validators(file.clone(), vec![]).unwrap(), file);
        let decided = vec![validator(2, 5), validator(1, 10)];
        assert_eq!(
            genesis_validators(file.clone(), decided.clone()).unwrap(),
            decided,
            "the same set in another order"
        );
        assert_eq!(
            genesis_validators(vec![], decided.clone()).unwrap(),
            decided
        );
        assert!(genesis_validators(file.clone(), vec![validator(1, 10)]).is_err());
        assert!(genesis_validators(file, vec![validator(1, 10), validator(2, 6)]).is_err());
    }
}
