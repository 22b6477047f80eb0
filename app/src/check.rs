//! CheckTx over the mempool's state: the last committed snapshot plus the writes of the txs
//! accepted since. It sits behind its own lock, not the [`crate::App`]'s, so CheckTx runs
//! while a block executes (as the SDK's check state does beside FinalizeBlock's) and waits
//! only for Commit, which resets it.

use std::sync::{Arc, Mutex, MutexGuard};

use agora_consensus::ChainParams;
use agora_core::store::{CacheStore, Writes};
use agora_core::{BlockInfo, Dec, Error, ExecMode};
use tendermint_proto::v0_38::abci::ResponseCheckTx;

use crate::modules::ModuleSet;
use crate::query::{check_size, CommittedView, PreparedCheck};
use crate::results;
use crate::runner::{run_tx, TxEnv, TxOutcome};

/// The mempool's state, shared by the [`crate::App`] (which resets it at Commit) and the node's
/// RPC threads. Cheap to clone.
#[derive(Clone)]
pub struct CheckService(Arc<Mutex<CheckState>>);

/// The mempool's state, locked: hold it while adding a checked tx to the mempool, so a Commit
/// and its recheck cannot come between the check and the insert.
pub struct CheckState {
    modules: Arc<ModuleSet>,
    min_gas_prices: Vec<(Dec, String)>,
    base: Arc<CommittedView>,
    block: BlockInfo,
    chain: Option<ChainParams>,
    writes: Writes,
}

/// [`CheckState`] behind its lock.
pub struct CheckGuard<'a>(MutexGuard<'a, CheckState>);

impl CheckService {
    /// A check state over `base`, the last committed height.
    pub(crate) fn new(
        modules: Arc<ModuleSet>,
        min_gas_prices: Vec<(Dec, String)>,
        base: Arc<CommittedView>,
        chain: Option<ChainParams>,
    ) -> Self {
        Self(Arc::new(Mutex::new(CheckState {
            modules,
            min_gas_prices,
            block: base.block.clone(),
            base,
            chain,
            writes: Writes::new(),
        })))
    }

    /// The check state, locked. Lock order: the app, then this, then the node's mempool.
    pub fn lock(&self) -> CheckGuard<'_> {
        CheckGuard(self.0.lock().expect("check state poisoned"))
    }
}

impl CheckGuard<'_> {
    /// CheckTx of a tx prepared without any lock ([`crate::QueryService::prepare`]): the ante
    /// handler only (SDK v0.50), keeping its writes if it passes. `ReCheck` skips signature
    /// verification, as the SDK does.
    pub fn check(&mut self, prepared: PreparedCheck, mode: ExecMode) -> ResponseCheckTx {
        results::check_tx(self.0.run(prepared, mode))
    }

    /// After a Commit: checks start over from the newly committed height.
    pub(crate) fn reset(&mut self, base: Arc<CommittedView>, chain: Option<ChainParams>) {
        self.0.block = base.block.clone();
        self.0.base = base;
        self.0.chain = chain;
        self.0.writes = Writes::new();
    }

    /// After InitChain: the genesis state, not committed before the first block, is what the
    /// first txs are checked against.
    pub(crate) fn start_from_genesis(&mut self, chain: ChainParams, writes: Writes) {
        self.0.block.chain_id = chain.chain_id.clone();
        self.0.chain = Some(chain);
        self.0.writes = writes;
    }
}

impl CheckState {
    fn run(&mut self, prepared: PreparedCheck, mode: ExecMode) -> TxOutcome {
        let Some(chain) = &self.chain else {
            return TxOutcome::rejected(Error::internal(
                "the chain has no genesis yet: InitChain must run first",
            ));
        };
        if let Err(e) = check_size(prepared.len, chain) {
            return TxOutcome::rejected(e);
        }
        let tx = match prepared.tx {
            Ok(tx) => tx,
            Err(e) => return TxOutcome::rejected(e),
        };
        let env = TxEnv {
            modules: &self.modules,
            chain_id: &chain.chain_id,
            min_gas_prices: &self.min_gas_prices,
            verified: &prepared.verified,
            simulate_gas_limit: 0,
            max_block_gas: chain.tx_gas_cap(),
        };
        let mut state =
            CacheStore::with_writes(&self.base.snapshot, std::mem::take(&mut self.writes));
        let (outcome, writes) = run_tx(&env, &self.block, mode, &state, &tx);
        if outcome.result.is_ok() {
            state.apply(writes);
        }
        self.writes = state.into_writes();
        outcome
    }
}
