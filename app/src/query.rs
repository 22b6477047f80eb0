//! ABCI Query over committed snapshots: gRPC method paths routed to modules, tx simulation,
//! and raw store reads with ICS-23 proofs (`store/<module>/key`).
//!
//! A [`QueryService`] is shared with the node's API servers and runs on their threads: it reads
//! the [`Snapshot`] of a committed height, never the [`crate::App`] (whose lock block execution
//! holds), so a query neither waits for a block nor delays one.

use std::collections::VecDeque;
use std::sync::{Arc, RwLock};

use agora_consensus::ChainParams;
use agora_core::store::CacheStore;
use agora_core::{BlockInfo, Context, Error, ExecMode, GasMeter, Result, SdkCode};
use agora_proto::cosmos::base::abci::v1beta1::{GasInfo, Result as AbciResult, TxMsgData};
use agora_proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use agora_store::{Snapshot, Store};
use prost::Message;
use tendermint_proto::v0_38::abci::{RequestQuery, ResponseInfo, ResponseQuery};
use tendermint_proto::v0_38::crypto::{ProofOp, ProofOps};

use crate::config::AppConfig;
use crate::modules::ModuleSet;
use crate::results;
use crate::runner::{run_tx, PreparedTx, TxEnv};
use crate::sigverify::{signature_checks, SignatureCache, VerifiedSignatures};
use crate::tx::DecodedTx;

/// The gRPC path of tx simulation (what `--gas auto` and cosmjs call).
pub const SIMULATE_PATH: &str = "/cosmos.tx.v1beta1.Service/Simulate";

/// How many passed signature checks CheckTx remembers for FinalizeBlock: a few full mempools'
/// worth (CometBFT's default mempool holds 5,000 txs); ~100 bytes each.
const SIGNATURE_CACHE_SIZE: usize = 20_000;

/// The proof op type of a JMT ICS-23 commitment proof.
pub const JMT_PROOF_OP: &str = "ics23:jmt";

/// One committed height as queries (and CheckTx) see it.
pub(crate) struct CommittedView {
    pub(crate) snapshot: Snapshot,
    pub(crate) block: BlockInfo,
    pub(crate) chain: Option<ChainParams>,
}

/// Answers queries and simulations, and pre-checks mempool signatures, from snapshots of
/// committed heights. Cheap to clone; safe to use from any thread.
#[derive(Clone)]
pub struct QueryService(Arc<Shared>);

struct Shared {
    modules: Arc<ModuleSet>,
    gas_limit: u64,
    keep: usize,
    /// The most recent committed heights, oldest first; never empty.
    views: RwLock<VecDeque<Arc<CommittedView>>>,
    /// Signature checks CheckTx passed, for the blocks that include those txs.
    signatures: SignatureCache,
}

/// A tx decoded, its Msgs' signers derived and its signatures verified against the last
/// committed state, all without the application lock ([`QueryService::prepare`]).
pub struct PreparedCheck {
    pub(crate) len: usize,
    pub(crate) tx: Result<PreparedTx>,
    pub(crate) verified: VerifiedSignatures,
}

impl QueryService {
    /// A service showing the store's last committed height.
    pub(crate) fn new(
        modules: Arc<ModuleSet>,
        config: &AppConfig,
        store: &Store,
        block: BlockInfo,
    ) -> Result<Self> {
        let service = Self(Arc::new(Shared {
            modules,
            gas_limit: config.query_gas(),
            keep: config.query_snapshots.max(1),
            views: RwLock::new(VecDeque::new()),
            signatures: SignatureCache::new(SIGNATURE_CACHE_SIZE),
        }));
        service.publish(store, block)?;
        Ok(service)
    }

    /// Makes the store's newly committed height what queries read.
    pub(crate) fn publish(&self, store: &Store, block: BlockInfo) -> Result<()> {
        let snapshot = store.snapshot();
        let chain = ChainParams::load(&snapshot)?;
        let view = Arc::new(CommittedView {
            snapshot,
            block,
            chain,
        });
        let mut views = self.0.views.write().expect("query views poisoned");
        views.push_back(view);
        while views.len() > self.0.keep {
            views.pop_front();
        }
        Ok(())
    }

    /// Signature checks CheckTx passed.
    pub(crate) fn signatures(&self) -> &SignatureCache {
        &self.0.signatures
    }

    /// The last committed height's view.
    pub(crate) fn latest(&self) -> Arc<CommittedView> {
        let views = self.0.views.read().expect("query views poisoned");
        views.back().expect("never empty").clone()
    }

    /// The last committed height queries see.
    pub fn height(&self) -> u64 {
        self.latest().snapshot.height()
    }

    /// ABCI Info: the last committed height and app hash (empty before the first block).
    pub fn info(&self) -> ResponseInfo {
        let view = self.latest();
        let height = view.snapshot.height();
        ResponseInfo {
            data: "agora".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            app_version: 1,
            last_block_height: height as i64,
            last_block_app_hash: if height == 0 {
                Default::default()
            } else {
                view.snapshot.app_hash().to_vec().into()
            },
        }
    }

    /// The view of `height` (0 = latest), if it is among the recent heights kept.
    fn at(&self, height: u64) -> Result<Arc<CommittedView>> {
        let views = self.0.views.read().expect("query views poisoned");
        let latest = views.back().expect("never empty");
        if height == 0 || height == latest.snapshot.height() {
            return Ok(latest.clone());
        }
        if height > latest.snapshot.height() {
            return Err(Error::sdk(
                SdkCode::InvalidRequest,
                format!(
                    "cannot query with height in the future; please provide a valid height (latest is {})",
                    latest.snapshot.height()
                ),
            ));
        }
        let oldest = views.front().expect("never empty").snapshot.height();
        views
            .iter()
            .find(|v| v.snapshot.height() == height)
            .cloned()
            .ok_or_else(|| {
                Error::sdk(
                    SdkCode::InvalidRequest,
                    format!(
                        "height {height} is not among the recent heights this node keeps for queries \
                         ({oldest}..={}; app.toml query-snapshots); store/<module>/key reads every retained height",
                        latest.snapshot.height()
                    ),
                )
            })
    }

    /// ABCI Query: `req.height` 0 means the last committed height.
    pub fn query(&self, req: RequestQuery) -> ResponseQuery {
        let requested = req.height.max(0) as u64;
        let path = req.path.strip_prefix('/').unwrap_or(&req.path);
        let answer = if let Some(rest) = path.strip_prefix("store/") {
            let view = self.latest();
            let height = if requested == 0 {
                view.snapshot.height()
            } else {
                requested
            };
            query_store(&view.snapshot, rest, &req.data, height, req.prove).map(|a| (a, height))
        } else {
            self.grpc(&req.path, &req.data, requested)
                .map(|(value, height)| ((value, None), height))
        };
        match answer {
            Ok(((value, proof_ops), height)) => ResponseQuery {
                key: req.data.clone(),
                value: value.into(),
                proof_ops,
                height: height as i64,
                ..Default::default()
            },
            Err(e) => ResponseQuery {
                code: e.code,
                codespace: e.codespace.into_owned(),
                log: e.msg,
                height: requested as i64,
                ..Default::default()
            },
        }
    }

    /// Answers the gRPC method `path` (a module's query or Simulate) with `data` at `height`
    /// (0 = the latest): the response bytes and the height they were read at.
    pub fn grpc(&self, path: &str, data: &[u8], height: u64) -> Result<(Vec<u8>, u64)> {
        let view = self.at(height)?;
        let value = if path == SIMULATE_PATH {
            self.simulate(&view, data)?
        } else {
            self.query_module(&view, path, data)?
        };
        Ok((value, view.snapshot.height()))
    }

    /// True if [`Self::grpc`] answers the method `path`.
    pub fn serves(&self, path: &str) -> bool {
        path == SIMULATE_PATH || self.0.modules.for_query(path).is_some()
    }

    fn query_module(&self, view: &CommittedView, path: &str, data: &[u8]) -> Result<Vec<u8>> {
        let module = self.0.modules.for_query(path).ok_or_else(|| {
            Error::sdk(
                SdkCode::UnknownRequest,
                format!("unknown query path {path}"),
            )
        })?;
        let mut state = CacheStore::new(&view.snapshot);
        let gas = GasMeter::new(self.0.gas_limit);
        let mut ctx = Context::new(&view.block, ExecMode::Check, &mut state, &gas);
        let answer = module.query(&mut ctx, path, data);
        if gas.is_out_of_gas() {
            return Err(Error::sdk(
                SdkCode::OutOfGas,
                format!(
                    "query gas limit of {} exceeded (app.toml query-gas-limit); ask for a smaller page with pagination.limit",
                    gas.limit()
                ),
            ));
        }
        answer
    }

    fn simulate(&self, view: &CommittedView, data: &[u8]) -> Result<Vec<u8>> {
        let req: SimulateRequest = agora_core::decode_request(SIMULATE_PATH, data)?;
        let chain = view.chain.as_ref().ok_or_else(|| {
            Error::sdk(
                SdkCode::InvalidRequest,
                "the chain has no committed block yet; simulate after height 1",
            )
        })?;
        let tx = PreparedTx::new(&self.0.modules, decode_checked(&req.tx_bytes, chain)?);
        let verified = VerifiedSignatures::default();
        let env = TxEnv {
            modules: &self.0.modules,
            chain_id: &chain.chain_id,
            min_gas_prices: &[],
            verified: &verified,
            simulate_gas_limit: self.0.gas_limit,
            max_block_gas: chain.tx_gas_cap(),
        };
        let state = CacheStore::new(&view.snapshot);
        let (outcome, _) = run_tx(&env, &view.block, ExecMode::Simulate, &state, &tx);
        let gas_info = GasInfo {
            gas_wanted: outcome.gas_wanted,
            gas_used: outcome.gas_used,
        };
        let data = outcome.result?;
        let msg_responses = TxMsgData::decode(data.as_slice())
            .map(|d| d.msg_responses)
            .unwrap_or_default();
        #[allow(deprecated)]
        let result = AbciResult {
            data: vec![],
            log: String::new(),
            events: outcome.events.into_iter().map(results::event).collect(),
            msg_responses,
        };
        Ok(SimulateResponse {
            gas_info: Some(gas_info),
            result: Some(result),
        }
        .encode_to_vec())
    }

    /// Decodes a tx for CheckTx and verifies its signatures against the last committed state,
    /// on the caller's thread: CheckTx then runs under the application lock without them (a
    /// signer whose key or account is only in the mempool's state is verified there instead).
    pub fn prepare(&self, tx_bytes: &[u8]) -> PreparedCheck {
        self.prepare_with(tx_bytes, true)
    }

    /// Decodes a tx for a ReCheck, which verifies no signatures.
    pub fn prepare_recheck(&self, tx_bytes: &[u8]) -> PreparedCheck {
        self.prepare_with(tx_bytes, false)
    }

    fn prepare_with(&self, tx_bytes: &[u8], verify: bool) -> PreparedCheck {
        let view = self.latest();
        let decoded = match &view.chain {
            Some(chain) => decode_checked(tx_bytes, chain),
            None => DecodedTx::decode(tx_bytes),
        };
        let tx = decoded.map(|tx| PreparedTx::new(&self.0.modules, tx));
        let verified = match (&tx, &view.chain) {
            (Ok(prepared), Some(chain)) if verify => {
                let mut state = CacheStore::new(&view.snapshot);
                let gas = GasMeter::infinite();
                let mut ctx = Context::new(&view.block, ExecMode::Check, &mut state, &gas);
                let auth = &self.0.modules.keepers().auth;
                let once = std::iter::once(prepared);
                let checks = signature_checks(&mut ctx, auth, &chain.chain_id, once);
                VerifiedSignatures::verify_now(checks, &self.0.signatures)
            }
            _ => VerifiedSignatures::default(),
        };
        PreparedCheck {
            len: tx_bytes.len(),
            tx,
            verified,
        }
    }
}

/// Decodes `bytes` as a tx after checking it fits in a block.
pub(crate) fn decode_checked(bytes: &[u8], chain: &ChainParams) -> Result<DecodedTx> {
    check_size(bytes.len(), chain)?;
    DecodedTx::decode(bytes)
}

/// Errors unless a tx of `len` bytes fits in a block.
pub(crate) fn check_size(len: usize, chain: &ChainParams) -> Result<()> {
    if chain.fits(len as u64, 0) {
        return Ok(());
    }
    Err(Error::sdk(
        SdkCode::TxTooLarge,
        format!(
            "tx of {len} bytes exceeds the block limit of {} bytes",
            chain.max_bytes
        ),
    ))
}

/// `store/<module>/key`: the raw value at `height`, with its two ICS-23 proofs when `prove`.
fn query_store(
    snapshot: &Snapshot,
    rest: &str,
    key: &[u8],
    height: u64,
    prove: bool,
) -> Result<(Vec<u8>, Option<ProofOps>)> {
    let module = rest
        .strip_suffix("/key")
        .filter(|m| !m.is_empty() && !m.contains('/'))
        .ok_or_else(|| {
            Error::sdk(
                SdkCode::UnknownRequest,
                format!("unknown store query store/{rest}; use store/<module>/key"),
            )
        })?;
    let invalid = |e: anyhow::Error| Error::sdk(SdkCode::InvalidRequest, format!("{e:#}"));
    if !prove {
        let value = snapshot.get_at(module, key, height).map_err(invalid)?;
        return Ok((value.unwrap_or_default(), None));
    }
    let proven = snapshot.prove_at(module, key, height).map_err(invalid)?;
    let ops = vec![
        ProofOp {
            r#type: JMT_PROOF_OP.into(),
            key: key.to_vec(),
            data: proven.substore_proof.encode_to_vec(),
        },
        ProofOp {
            r#type: JMT_PROOF_OP.into(),
            key: module.as_bytes().to_vec(),
            data: proven.root_proof.encode_to_vec(),
        },
    ];
    Ok((proven.value.unwrap_or_default(), Some(ProofOps { ops })))
}
