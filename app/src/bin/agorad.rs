//! agorad: the Agora node and command line.

use std::path::{Path, PathBuf};

use agora_app::{config, modules::ModuleSet, App, AppConfig};
use anyhow::{bail, Context as _, Result};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "agorad",
    version,
    about = "Agora: an appchain for verifiable decentralized AI"
)]
struct Cli {
    /// The node's home directory (config/ and data/).
    #[arg(long, global = true, env = "AGORA_HOME", default_value_os_t = default_home())]
    home: PathBuf,
    /// Log filter, e.g. `info`, `debug`, `agora_app=debug`.
    #[arg(
        long = "log_level",
        global = true,
        env = "RUST_LOG",
        default_value = "info"
    )]
    log_level: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the node.
    Start(StartArgs),
    /// Prints the state at the last committed height as genesis `app_state` JSON.
    Export,
    /// Genesis file tools.
    #[command(subcommand)]
    Genesis(GenesisCommand),
    /// Proof of learning: train with an attestation, verify one, run the conformance self-test.
    #[command(subcommand)]
    Pol(agora_pol::cli::PolCommand),
}

#[derive(clap::Args)]
struct StartArgs {
    /// Serve the application to an external CometBFT v0.38 over ABCI instead of running the embedded engine.
    #[arg(long)]
    abci_only: bool,
    /// Where to listen for CometBFT's ABCI connections.
    #[arg(long, default_value = "tcp://127.0.0.1:26658")]
    abci_addr: String,
    /// Minimum gas prices for this node's mempool, e.g. `0.025uagr`.
    #[arg(long = "minimum-gas-prices", default_value = "")]
    minimum_gas_prices: String,
    /// Keep this many recent heights of state (0 keeps all).
    #[arg(long = "pruning-keep-recent", default_value_t = 0)]
    pruning_keep_recent: u64,
}

#[derive(Subcommand)]
enum GenesisCommand {
    /// Checks a genesis file's `app_state` against every module's rules.
    Validate {
        /// The genesis file (default: <home>/config/genesis.json).
        file: Option<PathBuf>,
    },
}

fn default_home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".agora")
}

fn data_dir(home: &Path) -> PathBuf {
    home.join("data").join("application.db")
}

fn main() {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&cli.log_level)
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = run(cli) {
        eprintln!("Error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Start(args) => start(&cli.home, args),
        Command::Export => {
            let app = App::open(&data_dir(&cli.home), AppConfig::default())?;
            println!(
                "{}",
                serde_json::to_string_pretty(&app.export_app_state()?)?
            );
            Ok(())
        }
        Command::Pol(command) => command.run(),
        Command::Genesis(GenesisCommand::Validate { file }) => {
            let file = file.unwrap_or_else(|| cli.home.join("config").join("genesis.json"));
            let text =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let doc: serde_json::Value = serde_json::from_slice(&text)
                .with_context(|| format!("{} is not JSON", file.display()))?;
            let app_state = doc.get("app_state").cloned().unwrap_or_default();
            agora_app::genesis::validate(&ModuleSet::agora(), app_state.to_string().as_bytes())?;
            println!("File at {} is a valid genesis file", file.display());
            Ok(())
        }
    }
}

fn start(home: &Path, args: StartArgs) -> Result<()> {
    if !args.abci_only {
        bail!("the embedded block producer is not part of this build yet; run `agorad start --abci-only` behind CometBFT v0.38");
    }
    let config = AppConfig {
        min_gas_prices: config::parse_gas_prices(&args.minimum_gas_prices)?,
        keep_recent: args.pruning_keep_recent,
    };
    let dir = data_dir(home);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let app = App::open(&dir, config)?;
    log_pol_conformance();
    agora_app::abci::serve(app, &args.abci_addr)
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
