//! The ABCI socket driver: serves the App to CometBFT v0.38 over tendermint-abci.

use std::sync::{Arc, Mutex, MutexGuard};

use tendermint_abci::Application;
use tendermint_proto::v0_38::abci::*;

use crate::app::App;

/// The App shared by the ABCI connections CometBFT opens (consensus, mempool, query,
/// snapshot); calls are serialised by a mutex.
#[derive(Clone)]
pub struct AbciApp(Arc<Mutex<App>>);

impl AbciApp {
    /// Shares `app` between connections.
    pub fn new(app: App) -> Self {
        Self(Arc::new(Mutex::new(app)))
    }

    fn app(&self) -> MutexGuard<'_, App> {
        // A panic while holding the lock means a consensus failure; nothing can continue.
        self.0
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
        self.app().info()
    }

    fn init_chain(&self, req: RequestInitChain) -> ResponseInitChain {
        must("InitChain", self.app().init_chain(req))
    }

    fn query(&self, req: RequestQuery) -> ResponseQuery {
        self.app().query(req)
    }

    fn check_tx(&self, req: RequestCheckTx) -> ResponseCheckTx {
        self.app().check_tx(req)
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

    fn finalize_block(&self, req: RequestFinalizeBlock) -> ResponseFinalizeBlock {
        must("FinalizeBlock", self.app().finalize_block(req))
    }
}

/// Serves `app` on `addr` (`tcp://127.0.0.1:26658` or `127.0.0.1:26658`) until the process ends.
pub fn serve(app: App, addr: &str) -> anyhow::Result<()> {
    let addr = addr.strip_prefix("tcp://").unwrap_or(addr);
    let server = tendermint_abci::ServerBuilder::default()
        .bind(addr, AbciApp::new(app))
        .map_err(|e| anyhow::anyhow!("cannot listen for ABCI on {addr}: {e}"))?;
    tracing::info!(%addr, "serving ABCI to CometBFT");
    server
        .listen()
        .map_err(|e| anyhow::anyhow!("ABCI server stopped: {e}"))
}
