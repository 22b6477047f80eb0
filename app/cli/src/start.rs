//! `agorad start` and `agorad export`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use agora_app::{App, AppConfig};
use agora_node::config::{self, AppToml, NodeConfig};
use agora_node::{engine, rpc, Node};
use anyhow::{Context as _, Result};

use crate::Globals;

/// `agorad start` arguments; each overrides the matching line of config.toml or app.toml.
#[derive(Debug, clap::Args)]
pub struct StartArgs {
    /// Serve the application to an external CometBFT v0.38 over ABCI instead of running the embedded engine.
    #[arg(long)]
    pub abci_only: bool,
    /// Where to listen for CometBFT's ABCI connections (with --abci-only).
    #[arg(long, default_value = "tcp://127.0.0.1:26658")]
    pub abci_addr: String,
    /// The JSON-RPC listen address (config.toml `rpc.laddr`).
    #[arg(long = "rpc.laddr")]
    pub rpc_laddr: Option<String>,
    /// Pause between blocks, e.g. `1s` or `100ms` (config.toml `consensus.timeout_commit`).
    #[arg(long = "consensus.timeout_commit")]
    pub timeout_commit: Option<String>,
    /// Minimum gas prices for this node's mempool, e.g. `0.025uagr` (app.toml).
    #[arg(long = "minimum-gas-prices")]
    pub minimum_gas_prices: Option<String>,
    /// Keep this many recent heights of state, 0 keeps all (app.toml).
    #[arg(long = "pruning-keep-recent")]
    pub pruning_keep_recent: Option<u64>,
}

impl StartArgs {
    fn app_config(&self, globals: &Globals) -> Result<AppConfig> {
        let mut app_toml: AppToml = config::load(&globals.home.app_toml())?;
        if let Some(prices) = &self.minimum_gas_prices {
            app_toml.minimum_gas_prices = prices.clone();
        }
        if let Some(keep) = self.pruning_keep_recent {
            app_toml.pruning = if keep == 0 { "nothing" } else { "custom" }.into();
            app_toml.pruning_keep_recent = keep.to_string();
        }
        app_toml.app_config()
    }

    fn node_config(&self, globals: &Globals) -> Result<NodeConfig> {
        let mut node_config: NodeConfig = config::load(&globals.home.config_toml())?;
        if let Some(laddr) = &self.rpc_laddr {
            node_config.rpc.laddr = laddr
                .parse()
                .map_err(|e| anyhow::anyhow!("--rpc.laddr {laddr:?}: {e}"))?;
        }
        if let Some(timeout) = &self.timeout_commit {
            node_config.consensus.timeout_commit = timeout
                .parse()
                .map_err(|e| anyhow::anyhow!("--consensus.timeout_commit {timeout:?}: {e}"))?;
        }
        Ok(node_config)
    }

    /// Runs the node until SIGINT or SIGTERM.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let app_config = self.app_config(globals)?;
        if self.abci_only {
            let dir = globals.home.application_db();
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let app = App::open(&dir, app_config)?;
            log_pol_conformance();
            return agora_app::abci::serve(app, &self.abci_addr);
        }
        let node_config = self.node_config(globals)?;
        let node = Node::open(globals.home.clone(), node_config, app_config)?;
        engine::handshake(&node)?;
        log_pol_conformance();
        let runtime = tokio::runtime::Runtime::new()?;
        let stop = Arc::new(AtomicBool::new(false));
        let producer = {
            let (node, stop) = (node.clone(), stop.clone());
            std::thread::Builder::new()
                .name("block-producer".into())
                .spawn(move || engine::run(node, stop))?
        };
        runtime.block_on(async {
            let laddr = node.config.rpc.laddr.to_string();
            let addr = laddr.trim_start_matches("tcp://").to_string();
            let listener = tokio::net::TcpListener::bind(&addr)
                .await
                .with_context(|| format!("cannot listen for RPC on {laddr}"))?;
            tracing::info!(address = %laddr, "serving CometBFT JSON-RPC");
            let server = tokio::spawn(rpc::serve(node.clone(), listener));
            shutdown_signal().await;
            tracing::info!("shutting down");
            server.abort();
            anyhow::Ok(())
        })?;
        stop.store(true, Ordering::SeqCst);
        producer
            .join()
            .map_err(|_| anyhow::anyhow!("the block producer panicked"))??;
        Ok(())
    }
}

async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

/// `agorad export`: the state at the last committed height as genesis `app_state` JSON.
pub fn export(globals: &Globals) -> Result<()> {
    let app = App::open(&globals.home.application_db(), AppConfig::default())?;
    println!(
        "{}",
        serde_json::to_string_pretty(&app.export_app_state()?)?
    );
    Ok(())
}

/// Runs the proof-of-learning golden-hash check, so an operator sees at start-up whether this
/// machine can verify training steps bit for bit or must use the tolerance mode.
fn log_pol_conformance() {
    match agora_pol::golden::selftest() {
        Ok(report) if report.passed => {
            tracing::info!("proof-of-learning self-test passed: training steps verify bit for bit")
        }
        Ok(report) => {
            let failed: Vec<_> = report
                .checks
                .iter()
                .filter(|c| !c.ok)
                .map(|c| c.name.clone())
                .collect();
            tracing::warn!(
                ?failed,
                "proof-of-learning self-test failed: this machine verifies in tolerance mode"
            )
        }
        Err(e) => tracing::warn!(error = %e, "proof-of-learning self-test could not run"),
    }
}
