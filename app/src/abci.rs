//! The ABCI socket driver: serves the App to CometBFT v0.38 over tendermint-abci.

use std::sync::{Arc, Mutex, MutexGuard};

use tendermint_abci::Application;
use tendermint_proto::v0_38::abci::*;

use crate::app::App;
use crate::check::CheckService;
use crate::query::QueryService;

/// The App shared by the ABCI connections CometBFT opens (consensus, mempool, query,
/// snapshot). Consensus calls are serialised by a mutex; Info and Query read committed
/// snapshots without it, and CheckTx runs on the mempool's state, which has its own lock
/// (CometBFT holds its mempool lock from Commit through the recheck).
#[derive(Clone)]
pub struct AbciApp {
    app: Arc<Mutex<App>>,
    queries: QueryService,
    checks: CheckService,
}

impl AbciApp {
    /// Shares `app` between connections.
    pub fn new(app: App) -> Self {
        let queries = app.queries();
        let checks = app.checks();
        Self {
            app: Arc::new(Mutex::new(app)),
            queries,
            checks,
        }
    }

    fn app(&self) -> MutexGuard<'_, App> {
        // A panic while holding the lock means a consensus failure; nothing can continue.
        self.app
            .lock()
            .expect("the application panicked; restart the node")
    }
}

/// Consensus methods cannot answer with an error: the SDK panics so the node halts instead of
/// diverging, and so does Agora.
fn must<T>(what: &str, result: agora_core::Result<T>) -> T {
    result.unwrap_or_else(|e| {
        tracing::error!(error = %e, "{what} failed; halting");
        panic!("{what} failed: {e}")
    })
}

impl Application for AbciApp {
    fn info(&self, _req: RequestInfo) -> ResponseInfo {
        self.queries.info()
    }

    fn init_chain(&self, req: RequestInitChain) -> ResponseInitChain {
        must("InitChain", self.app().init_chain(req))
    }

    fn query(&self, req: RequestQuery) -> ResponseQuery {
        self.queries.query(req)
    }

    fn check_tx(&self, req: RequestCheckTx) -> ResponseCheckTx {
        let mode = crate::app::check_mode(&req);
        let prepared = match mode {
            agora_core::ExecMode::ReCheck => self.queries.prepare_recheck(&req.tx),
            _ => self.queries.prepare(&req.tx),
        };
        self.checks.lock().check(prepared, mode)
    }

    fn commit(&self) -> ResponseCommit {
        must("Commit", self.app().commit())
    }

    fn prepare_proposal(&self, req: RequestPrepareProposal) -> ResponsePrepareProposal {
        self.app().prepare_proposal(req)
    }

    fn process_proposal(&self, req: RequestProcessProposal) -> ResponseProcessProposal {
        self.app().process_proposal(req)
    }

    /// At an upgrade this binary has no handler for, the process exits with
    /// [`agora_upgrade::UPGRADE_NEEDED_EXIT_CODE`] (CometBFT then stops on the lost
    /// connection) so a supervisor can start the new binary.
    fn finalize_block(&self, req: RequestFinalizeBlock) -> ResponseFinalizeBlock {
        let mut app = self.app();
        let result = app.finalize_block(req);
        if let Some(needed) = app.upgrade_needed() {
            tracing::error!("{needed}: start a binary that has this upgrade's handler");
            std::process::exit(agora_upgrade::UPGRADE_NEEDED_EXIT_CODE);
        }
        must("FinalizeBlock", result)
    }
}

/// Binds the ABCI socket for `app` on `addr` (`tcp://127.0.0.1:26658` or `127.0.0.1:26658`;
/// port 0 picks a free one, see `local_addr`); `listen` then serves it until the process ends.
pub fn bind(app: App, addr: &str) -> anyhow::Result<tendermint_abci::Server<AbciApp>> {
    let addr = addr.strip_prefix("tcp://").unwrap_or(addr);
    tendermint_abci::ServerBuilder::default()
        .bind(addr, AbciApp::new(app))
        .map_err(|e| anyhow::anyhow!("cannot listen for ABCI on {addr}: {e}"))
}
