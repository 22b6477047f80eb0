//! A chain driven block by block through the ABCI methods, on a real RocksDB in a temp dir.
#![allow(dead_code)] // each test binary uses a different part of the harness

pub mod gov;
pub mod tx;

use std::collections::BTreeSet;

use agora_app::testing::{
    consensus_address, finalize_request, funded_app_state, init_chain_request, Signer, TestKey,
    TxSpec, ValidatorSets,
};
use agora_app::{App, AppConfig};
use agora_core::Address;
use agora_proto::cosmos::auth::v1beta1::{BaseAccount, QueryAccountRequest, QueryAccountResponse};
use agora_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use agora_proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use agora_proto::Any;
use prost::Message;
use tendermint_proto::v0_38::abci::{
    CheckTxType, ExecTxResult, Misbehavior, RequestCheckTx, RequestFinalizeBlock, RequestInitChain,
    RequestQuery, ResponseCheckTx, ResponseFinalizeBlock,
};

/// The chain id of every [`Chain`].
pub const CHAIN_ID: &str = "agora-test-1";
/// The uagr each key holds at genesis.
pub const START_BALANCE: u128 = 1_000_000_000;

/// Where a [`Chain`] keeps its store: `application.db` in its temp dir, which stands for
/// the home's `data/` (a halting upgrade writes `upgrade-info.json` there).
pub fn store_dir(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("application.db")
}

/// An App with its keys and its temp dir.
pub struct Chain {
    /// The application.
    pub app: App,
    /// Shared so txs signed with them can outlive a `&mut Chain` borrow.
    pub keys: std::rc::Rc<Vec<TestKey>>,
    /// Holds the App's RocksDB.
    pub dir: tempfile::TempDir,
    /// The validator set of each height, as CometBFT would follow it.
    pub sets: ValidatorSets,
    /// Consensus keys whose votes are missing from the next blocks' last commit.
    pub absent: BTreeSet<Vec<u8>>,
    /// Misbehavior the next block reports (then cleared).
    pub misbehavior: Vec<Misbehavior>,
    /// Seconds added to every later block's time (a chain that stood still for a while).
    pub time_offset: i64,
    /// InitChain and every block since, to build a [`Chain::twin`].
    history: Option<(RequestInitChain, Vec<RequestFinalizeBlock>)>,
}

impl Chain {
    /// A chain at height 0 whose genesis funds `n` keys (account numbers 0..n).
    pub fn new(n: usize) -> Self {
        Self::with_config(n, AppConfig::default())
    }

    /// [`Chain::new`] with `config`.
    pub fn with_config(n: usize, config: AppConfig) -> Self {
        Self::with_init(n, config, |_| {})
    }

    /// [`Chain::with_config`] whose InitChain request `edit` changes first (consensus params).
    pub fn with_init(
        n: usize,
        config: AppConfig,
        edit: impl FnOnce(&mut RequestInitChain),
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut app = App::open(&store_dir(&dir), config).unwrap();
        let keys: Vec<TestKey> = (0..n as u64).map(TestKey::from_seed).collect();
        let mut request = init_chain_request(CHAIN_ID, &funded_app_state(&keys, START_BALANCE));
        edit(&mut request);
        let init = app.init_chain(request.clone()).unwrap();
        Self {
            app,
            keys: std::rc::Rc::new(keys),
            dir,
            sets: ValidatorSets::new(1, &init.validators),
            absent: BTreeSet::new(),
            misbehavior: Vec::new(),
            time_offset: 0,
            history: Some((request, Vec::new())),
        }
    }

    /// A second chain over its own store, fed the same genesis and blocks: the same state.
    pub fn twin(&self) -> Self {
        let (init, blocks) = self.history.clone().expect("a chain made by Chain::new");
        let dir = tempfile::tempdir().unwrap();
        let mut app = App::open(&store_dir(&dir), AppConfig::default()).unwrap();
        app.init_chain(init.clone()).unwrap();
        for block in &blocks {
            app.finalize_block(block.clone()).unwrap();
            app.commit().unwrap();
        }
        assert_eq!(app.store().app_hash(), self.app.store().app_hash());
        Self {
            app,
            keys: self.keys.clone(),
            dir,
            sets: self.sets.clone(),
            absent: self.absent.clone(),
            misbehavior: self.misbehavior.clone(),
            time_offset: self.time_offset,
            history: Some((init, blocks)),
        }
    }

    /// A chain over an App the caller set up, without validators.
    pub fn from_app(app: App, keys: std::rc::Rc<Vec<TestKey>>, dir: tempfile::TempDir) -> Self {
        Self {
            app,
            keys,
            dir,
            sets: ValidatorSets::default(),
            absent: BTreeSet::new(),
            misbehavior: Vec::new(),
            time_offset: 0,
            history: None,
        }
    }

    /// The last committed height.
    pub fn height(&self) -> u64 {
        self.app.store().height()
    }

    /// Finalizes and commits the next block, signed by the previous block's validators
    /// except the [`Chain::absent`] ones, proposed by the first of them, reporting the
    /// pending [`Chain::misbehavior`], at its height's time plus [`Chain::time_offset`].
    pub fn block(&mut self, txs: Vec<Vec<u8>>) -> ResponseFinalizeBlock {
        self.try_block(txs).unwrap()
    }

    /// [`Chain::block`], returning FinalizeBlock's error instead (nothing is committed then).
    pub fn try_block(&mut self, txs: Vec<Vec<u8>>) -> agora_core::Result<ResponseFinalizeBlock> {
        let height = self.height() + 1;
        let mut req = finalize_request(height, txs);
        req.decided_last_commit = self.sets.last_commit(height, &self.absent);
        req.misbehavior = std::mem::take(&mut self.misbehavior);
        if let Some(time) = &mut req.time {
            time.seconds += self.time_offset;
        }
        if let Some(key) = self.sets.at(height).keys().next() {
            req.proposer_address = consensus_address(key).into();
        }
        let res = self.app.finalize_block(req.clone())?;
        if let Some((_, blocks)) = &mut self.history {
            blocks.push(req);
        }
        self.app.commit().unwrap();
        assert_eq!(res.app_hash.as_ref(), self.app.store().app_hash());
        self.sets.finalized(height, &res.validator_updates);
        Ok(res)
    }

    /// Restarts the App on the same store with `config`: a node restarted with another
    /// binary or other flags. (The old App must close its RocksDB first; a scratch App on an
    /// empty dir stands in meanwhile.)
    pub fn restart(&mut self, config: AppConfig) {
        let scratch = tempfile::tempdir().unwrap();
        let stand_in = App::open(scratch.path(), AppConfig::default()).unwrap();
        drop(std::mem::replace(&mut self.app, stand_in));
        self.app = App::open(&store_dir(&self.dir), config).unwrap();
    }

    /// Signs `msgs` as key `key` (at its current sequence), paying [`tx::FEE`] for 400,000
    /// gas, and runs them in their own block.
    pub fn tx(&mut self, key: usize, msgs: Vec<Any>) -> ExecTxResult {
        let tx = self.signed(key, msgs);
        self.deliver(tx)
    }

    /// The tx [`Chain::tx`] sends, signed but not delivered.
    pub fn signed(&mut self, key: usize, msgs: Vec<Any>) -> Vec<u8> {
        let keys = self.keys.clone();
        let (account_number, sequence) = self.account(&keys[key].address);
        let mut spec = TxSpec::new(
            CHAIN_ID,
            msgs,
            Signer {
                key: &keys[key],
                account_number,
                sequence,
            },
        );
        spec.fee = vec![("uagr", tx::FEE)];
        spec.gas_limit = 400_000;
        spec.sign()
    }

    /// Answers a gRPC-path query with a decoded response.
    pub fn query_as<Resp: Message + Default>(&mut self, path: &str, req: impl Message) -> Resp {
        Resp::decode(self.query(path, req.encode_to_vec()).as_slice()).unwrap()
    }

    /// Runs one tx in its own block and returns its result.
    pub fn deliver(&mut self, tx: Vec<u8>) -> ExecTxResult {
        self.block(vec![tx]).tx_results.remove(0)
    }

    /// CheckTx of `tx` as a new tx.
    pub fn check(&mut self, tx: Vec<u8>) -> ResponseCheckTx {
        self.app.check_tx(RequestCheckTx {
            tx: tx.into(),
            r#type: CheckTxType::New as i32,
        })
    }

    /// The gas Simulate reports for `tx`.
    pub fn simulated_gas(&mut self, tx: Vec<u8>) -> u64 {
        let req = SimulateRequest {
            tx_bytes: tx,
            ..Default::default()
        };
        let res = self.query(agora_app::SIMULATE_PATH, req.encode_to_vec());
        SimulateResponse::decode(res.as_slice())
            .unwrap()
            .gas_info
            .unwrap()
            .gas_used
    }

    /// An ABCI query that must succeed; returns its value.
    pub fn query(&mut self, path: &str, data: Vec<u8>) -> Vec<u8> {
        let res = self.app.query(RequestQuery {
            path: path.into(),
            data: data.into(),
            ..Default::default()
        });
        assert_eq!(res.code, 0, "query {path} failed: {}", res.log);
        res.value.to_vec()
    }

    /// The uagr balance of `addr`.
    pub fn balance(&mut self, addr: &Address) -> u128 {
        let req = QueryBalanceRequest {
            address: addr.to_string(),
            denom: "uagr".into(),
        };
        let res = QueryBalanceResponse::decode(
            self.query("/cosmos.bank.v1beta1.Query/Balance", req.encode_to_vec())
                .as_slice(),
        )
        .unwrap();
        res.balance.map_or(0, |c| c.amount.parse().unwrap())
    }

    /// (account number, sequence) of a base account.
    pub fn account(&mut self, addr: &Address) -> (u64, u64) {
        let req = QueryAccountRequest {
            address: addr.to_string(),
        };
        let res = QueryAccountResponse::decode(
            self.query("/cosmos.auth.v1beta1.Query/Account", req.encode_to_vec())
                .as_slice(),
        )
        .unwrap();
        let any = res.account.unwrap();
        assert_eq!(any.type_url, "/cosmos.auth.v1beta1.BaseAccount");
        let acc = BaseAccount::decode(any.value.as_slice()).unwrap();
        (acc.account_number, acc.sequence)
    }
}

/// The first attribute `key` of the first event of type `kind`.
pub fn attr<'a>(
    events: &'a [tendermint_proto::v0_38::abci::Event],
    kind: &str,
    key: &str,
) -> Option<&'a str> {
    events
        .iter()
        .filter(|e| e.r#type == kind)
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.as_str())
}
