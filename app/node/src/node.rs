//! The node: the app, mempool, block store and event bus of one running `agorad start`.

use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use agora_app::{App, CheckService, QueryService};
use agora_core::ExecMode;
use anyhow::{anyhow, Context as _, Result};
use tendermint::{chain, node, Genesis};
use tendermint_config::NodeKey;
use tendermint_proto::v0_38::abci::ResponseCheckTx;

use crate::blockstore::BlockStore;
use crate::config::NodeConfig;
use crate::events::EventBus;
use crate::history::History;
use crate::mempool::{Mempool, MempoolError};
use crate::metrics::Metrics;
use crate::validator::PrivValidator;
use crate::Home;

/// CometBFT version this node's RPC and blocks follow.
pub const COMETBFT_VERSION: &str = "0.38.17";
/// CometBFT's block protocol version for v0.38.
pub const BLOCK_PROTOCOL: u64 = 11;
/// CometBFT's p2p protocol version for v0.38.
pub const P2P_PROTOCOL: u64 = 8;

/// The genesis document, with `app_state` kept as JSON.
pub type GenesisDoc = Genesis<serde_json::Value>;

/// One running node. Lock order: `app`, then the check state (`checks`), then `mempool`;
/// `history` after `app`.
pub struct Node {
    /// Where its files live.
    pub home: Home,
    /// `config.toml`.
    pub config: NodeConfig,
    /// `genesis.json`.
    pub genesis: GenesisDoc,
    /// The application.
    pub app: Mutex<App>,
    /// The application's queries, answered from committed snapshots without the app lock.
    pub queries: QueryService,
    /// The mempool's state, for CheckTx without the app lock.
    pub checks: CheckService,
    /// Blocks, commits, results, tx index.
    pub blocks: BlockStore,
    /// Pending txs.
    pub mempool: Mutex<Mempool>,
    /// Committed blocks and txs, for subscribers.
    pub events: EventBus,
    /// The consensus key.
    pub validator: PrivValidator,
    /// The validator sets and consensus params by height (empty until the handshake).
    pub history: RwLock<History>,
    /// The p2p identity from `node_key.json`.
    pub node_id: node::Id,
    /// Taken by RPC searches that scan blocks no index answers for: one runs at a time.
    pub scans: Mutex<()>,
    /// What Prometheus scrapes (served when `[instrumentation] prometheus` is on).
    pub metrics: Metrics,
}

impl Node {
    /// Opens a node home: reads config, genesis and keys, opens the app and block store.
    /// Call [`crate::engine::handshake`] before producing blocks.
    pub fn open(
        home: Home,
        config: NodeConfig,
        app_config: agora_app::AppConfig,
    ) -> Result<Arc<Self>> {
        let genesis_path = home.genesis();
        let text = std::fs::read_to_string(&genesis_path).with_context(|| {
            format!(
                "cannot read {}: run `agorad init` first",
                genesis_path.display()
            )
        })?;
        let genesis: GenesisDoc = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a valid genesis file", genesis_path.display()))?;
        let validator = PrivValidator::load(&home.priv_validator_key())?;
        let node_key = NodeKey::load_json_file(&home.node_key())
            .map_err(|e| anyhow!("cannot load {}: {e}", home.node_key().display()))?;
        std::fs::create_dir_all(home.data_dir())
            .with_context(|| format!("cannot create {}", home.data_dir().display()))?;
        let app = App::open(&home.application_db(), app_config)?;
        let queries = app.queries();
        let checks = app.checks();
        let blocks = BlockStore::open(&home.blockstore_db())?;
        Ok(Arc::new(Self {
            mempool: Mutex::new(Mempool::new(config.mempool.clone())),
            events: EventBus::for_block_txs(config.mempool.size),
            node_id: node_key.node_id(),
            scans: Mutex::new(()),
            metrics: Metrics::new(genesis.chain_id.as_str()),
            home,
            config,
            genesis,
            app: Mutex::new(app),
            queries,
            checks,
            blocks,
            validator,
            history: RwLock::new(History::default()),
        }))
    }

    /// The chain id from genesis.
    pub fn chain_id(&self) -> &chain::Id {
        &self.genesis.chain_id
    }

    /// The app, locked.
    pub fn app(&self) -> MutexGuard<'_, App> {
        self.app.lock().expect("app lock poisoned")
    }

    /// The validator sets and consensus params by height, for reading.
    pub fn history(&self) -> RwLockReadGuard<'_, History> {
        self.history.read().expect("history lock poisoned")
    }

    /// set(`height`): from the recent history in memory, or for older heights (from
    /// `initial_height` on) from the block store. `None` past the next height.
    pub fn validator_set(&self, height: u64) -> anyhow::Result<Option<tendermint::validator::Set>> {
        let history = self.history();
        if let Some(set) = history.validators(height) {
            return Ok(Some(set.clone()));
        }
        if height < history.initial() || height >= history.next() {
            return Ok(None);
        }
        self.blocks.validator_set(height)
    }

    /// params(`height`), as [`Node::validator_set`] finds sets.
    pub fn consensus_params(
        &self,
        height: u64,
    ) -> anyhow::Result<Option<tendermint::consensus::Params>> {
        let history = self.history();
        if let Some(params) = history.params(height) {
            return Ok(Some(params.clone()));
        }
        if height < history.initial() || height >= history.next() {
            return Ok(None);
        }
        self.blocks.consensus_params(height)
    }

    /// The validator sets and consensus params by height, for the engine to extend.
    pub fn history_mut(&self) -> RwLockWriteGuard<'_, History> {
        self.history.write().expect("history lock poisoned")
    }

    /// The mempool, locked (take the app lock and the check state first if needed).
    pub fn mempool(&self) -> MutexGuard<'_, Mempool> {
        self.mempool.lock().expect("mempool lock poisoned")
    }

    /// The latest height whose block is committed and whose results are stored, and whose
    /// state queries read: results are stored just before the app's Commit, and a reader
    /// that found a tx must find the state after it (CometBFT indexes after Commit too).
    pub fn latest_height(&self) -> u64 {
        self.blocks.results_height().min(self.queries.height())
    }

    /// Runs CheckTx on a new tx and adds it to the mempool if it passes. Mempool limits and
    /// duplicates are errors; a tx CheckTx rejects is a response with a non-zero code.
    ///
    /// Decoding and signature verification run on the caller's thread against the last
    /// committed state; the ante handler's state checks take the check state's lock, not the
    /// app's, so they run while a block executes and wait only for Commit and its recheck.
    pub fn submit_tx(&self, tx: &[u8]) -> Result<ResponseCheckTx, MempoolError> {
        let hash = self.mempool().precheck(tx)?;
        let started = std::time::Instant::now();
        let prepared = self.queries.prepare(tx);
        let mut check = self.checks.lock();
        let response = check.check(prepared, ExecMode::Check);
        let took = started.elapsed();
        let mut mempool = self.mempool();
        let accepted = response.code == 0;
        let inserted = match accepted {
            true => mempool
                .try_insert(hash, tx.to_vec(), response.gas_wanted)
                .map(drop),
            false => Ok(()),
        };
        if !accepted || inserted.is_err() {
            // Refused, or another tx took the room while CheckTx ran (as a full mempool does).
            mempool.forget(&hash);
        }
        self.metrics
            .checktx(tx.len(), took, accepted && inserted.is_ok(), mempool.len());
        inserted.map(|()| response)
    }
}
