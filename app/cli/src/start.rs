//! `agorad start` and `agorad export`.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use agora_app::{App, AppConfig};
use agora_node::config::{self, AppToml, NodeConfig};
use agora_node::{engine, files, rpc, GenesisDoc, Node};
use agora_upgrade::{UpgradeNeeded, UPGRADE_NEEDED_EXIT_CODE};
use anyhow::{anyhow, bail, Context as _, Result};

use crate::Globals;

/// The `tracing` target of the lines that say where agorad listens, which `agorad` prints at
/// any log level: `<what> listening addr=<ip>:<port>` with the bound address, so a caller that
/// asked for port 0 learns the real one (scripts/localnet.sh and the e2e tests read it).
pub const LISTEN_TARGET: &str = "agorad::listen";

/// Logs the [`LISTEN_TARGET`] line of a bound listener: `what` is `RPC` or `ABCI`.
fn log_listening(what: &str, addr: impl std::fmt::Display) {
    tracing::info!(target: LISTEN_TARGET, addr = %addr, "{what} listening");
}

/// Runs a server until it ends; an error that ends it is logged (the node goes on without it).
async fn logged<E: std::fmt::Display>(
    what: &'static str,
    server: impl std::future::Future<Output = std::result::Result<(), E>>,
) {
    if let Err(e) = server.await {
        tracing::error!(error = %e, "the {what} server stopped; restart agorad to serve {what} again");
    }
}

/// `agorad start` arguments; each overrides the matching line of config.toml or app.toml.
#[derive(Debug, clap::Args)]
pub struct StartArgs {
    /// Serve the application to an external CometBFT v0.38 over ABCI instead of running the embedded engine.
    #[arg(long)]
    pub abci_only: bool,
    /// Where to listen for CometBFT's ABCI connections (with --abci-only); port 0 picks a free
    /// port, which the `ABCI listening addr=...` log line names.
    #[arg(long, default_value = "tcp://127.0.0.1:26658")]
    pub abci_addr: String,
    /// The JSON-RPC listen address (config.toml `rpc.laddr`); port 0 picks a free port, which
    /// the `RPC listening addr=...` log line names.
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
    /// The gRPC listen address (app.toml `[grpc] address`); port 0 picks a free port, which
    /// the `gRPC listening addr=...` log line names.
    #[arg(long = "grpc.address", env = "AGORAD_GRPC_ADDRESS")]
    pub grpc_address: Option<String>,
    /// The REST (LCD) listen address (app.toml `[api] address`); port 0 picks a free port,
    /// which the `REST listening addr=...` log line names.
    #[arg(long = "api.address", env = "AGORAD_API_ADDRESS")]
    pub api_address: Option<String>,
    /// Heights whose scheduled upgrade this node skips, going on with this binary, e.g.
    /// `--unsafe-skip-upgrades 1200,3400` (the SDK's flag; every validator must agree, or
    /// the chain forks).
    #[arg(long = "unsafe-skip-upgrades", value_delimiter = ',')]
    pub unsafe_skip_upgrades: Vec<u64>,
}

impl StartArgs {
    fn app_toml(&self, globals: &Globals) -> Result<AppToml> {
        let mut app_toml: AppToml = config::load(&globals.home.app_toml())?;
        if let Some(prices) = &self.minimum_gas_prices {
            app_toml.minimum_gas_prices = prices.clone();
        }
        if let Some(keep) = self.pruning_keep_recent {
            app_toml.pruning = if keep == 0 { "nothing" } else { "custom" }.into();
            app_toml.pruning_keep_recent = keep.to_string();
        }
        if let Some(address) = &self.grpc_address {
            app_toml.grpc.address = address.clone();
        }
        if let Some(address) = &self.api_address {
            app_toml.api.address = address.clone();
        }
        Ok(app_toml)
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

    /// Runs the node until SIGINT or SIGTERM; fails (so agorad exits non-zero) when block
    /// production stops or panics, with the cause logged.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let app_toml = self.app_toml(globals)?;
        let mut app_config = app_toml.app_config()?;
        app_config.upgrades = globals
            .upgrades
            .clone()
            .skipping(self.unsafe_skip_upgrades.iter().copied());
        let grpc_settings = app_toml.grpc_settings()?;
        let rest_settings = app_toml.api.settings()?;
        if app_config
            .min_gas_prices
            .iter()
            .all(|(price, _)| price.is_zero())
        {
            tracing::warn!("minimum-gas-prices is zero (app.toml): this node accepts txs that pay no fee, so anyone can fill its mempool for free; set e.g. minimum-gas-prices = \"0.025uagr\"");
        }
        if self.abci_only {
            let dir = globals.home.application_db();
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let app = App::open(&dir, app_config)?;
            log_pol_conformance();
            let server = agora_app::abci::bind(app, &self.abci_addr)?;
            log_listening("ABCI", server.local_addr());
            return server
                .listen()
                .map_err(|e| anyhow!("ABCI server stopped: {e}"));
        }
        let node_config = self.node_config(globals)?;
        warn_if_exposed(&[globals.home.priv_validator_key(), globals.home.node_key()]);
        let node = Node::open(globals.home.clone(), node_config, app_config)?;
        engine::handshake(&node)?;
        log_pol_conformance();
        // The RPC runs below block production's CPU priority (agora_node::priority).
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .on_thread_start(agora_node::priority::lower_rpc_thread)
            .build()?;
        let stop = Arc::new(AtomicBool::new(false));
        let (stopped_tx, stopped) = tokio::sync::oneshot::channel();
        {
            let (node, stop) = (node.clone(), stop.clone());
            std::thread::Builder::new()
                .name("block-producer".into())
                .spawn(move || {
                    let outcome =
                        std::panic::catch_unwind(AssertUnwindSafe(|| engine::run(node, stop)))
                            .unwrap_or_else(|panic| {
                                Err(anyhow!(
                                    "the block producer panicked: {}",
                                    panic_text(&panic)
                                ))
                            });
                    let _ = stopped_tx.send(outcome);
                })?;
        }
        let outcome = runtime.block_on(async {
            let laddr = node.config.rpc.laddr.to_string();
            let addr = laddr.trim_start_matches("tcp://").to_string();
            let listener = tokio::net::TcpListener::bind(&addr)
                .await
                .with_context(|| format!("cannot listen for RPC on {laddr}"))?;
            log_listening("RPC", listener.local_addr()?);
            let server = tokio::spawn(logged("RPC", rpc::serve(node.clone(), listener)));
            let grpc = match &app_toml.grpc {
                grpc if grpc.enable => {
                    let listener = tokio::net::TcpListener::bind(&grpc.address)
                        .await
                        .with_context(|| format!("cannot listen for gRPC on {} (app.toml [grpc] address)", grpc.address))?;
                    log_listening("gRPC", listener.local_addr()?);
                    Some(tokio::spawn(logged("gRPC", agora_node::grpc::serve(node.clone(), listener, grpc_settings.clone()))))
                }
                _ => None,
            };
            let rest = match &app_toml.api {
                api if api.enable => {
                    let listener = tokio::net::TcpListener::bind(api.bind_addr())
                        .await
                        .with_context(|| format!("cannot listen for REST on {} (app.toml [api] address)", api.address))?;
                    log_listening("REST", listener.local_addr()?);
                    Some(tokio::spawn(logged("REST", agora_node::rest::serve(node.clone(), listener, rest_settings, grpc_settings))))
                }
                _ => None,
            };
            let metrics = match &node.config.instrumentation {
                config if config.prometheus => {
                    let addr = config.bind_addr();
                    let listener = tokio::net::TcpListener::bind(&addr)
                        .await
                        .with_context(|| format!("cannot listen for Prometheus on {addr} (config.toml [instrumentation] prometheus_listen_addr)"))?;
                    log_listening("Prometheus", listener.local_addr()?);
                    Some(tokio::spawn(logged("Prometheus", agora_node::metrics::serve(node.clone(), listener))))
                }
                _ => None,
            };
            let mut stopped = stopped;
            let outcome = tokio::select! {
                () = shutdown_signal() => {
                    tracing::info!("shutting down");
                    stop.store(true, Ordering::SeqCst);
                    (&mut stopped).await
                }
                outcome = &mut stopped => outcome,
            };
            server.abort();
            for task in [metrics, grpc, rest].into_iter().flatten() {
                task.abort();
            }
            let outcome = outcome.map_err(|_| anyhow!("the block producer vanished"))?;
            if let Err(e) = &outcome {
                if let Some(needed) = e.downcast_ref::<UpgradeNeeded>() {
                    tracing::info!(upgrade = %needed.plan.name, height = needed.plan.height, exit_code = UPGRADE_NEEDED_EXIT_CODE, "stopping for the upgrade: start a binary that has its handler");
                    return outcome;
                }
                tracing::error!(error = %format!("{e:#}"), "block production stopped; the node exits");
            } else if !stop.load(Ordering::SeqCst) {
                return Err(anyhow!("block production stopped on its own"));
            }
            outcome.context("block production stopped")
        });
        // RPC requests still running on blocking threads must not keep the process alive.
        runtime.shutdown_timeout(Duration::from_secs(1));
        outcome
    }
}

/// The message of a caught panic.
fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// Warns about key files that others than their owner may read, as CometBFT's keys are 0600.
fn warn_if_exposed(paths: &[PathBuf]) {
    for path in paths {
        match files::exposed_mode(path) {
            Ok(Some(mode)) => tracing::warn!(
                file = %path.display(),
                mode = %format!("{mode:o}"),
                "key file is readable by group or others; run `chmod 600` on it"
            ),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "cannot check key file permissions")
            }
        }
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

/// `agorad export`: a genesis document to restart the chain from the last committed height,
/// as the SDK's `export`: genesis.json with `app_state` the exported state, `consensus_params`
/// those in state (changed by any `MsgUpdateParams`) and `initial_height` the next height.
pub fn export(globals: &Globals) -> Result<()> {
    let path = globals.home.genesis();
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut genesis: GenesisDoc = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid genesis file", path.display()))?;
    let app = App::open(&globals.home.application_db(), AppConfig::default())?;
    let height = app.store().height();
    if height == 0 {
        bail!("nothing to export: the application has committed no block yet");
    }
    genesis.app_state = app.export_app_state()?;
    genesis.consensus_params = app
        .consensus_params()?
        .try_into()
        .context("the consensus params in state are not valid CometBFT params")?;
    genesis.initial_height = i64::try_from(height + 1)?;
    genesis.app_hash = Default::default();
    println!("{}", serde_json::to_string_pretty(&genesis)?);
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
