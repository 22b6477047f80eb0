//! The `agorad` command line: its arguments, logging and subcommands. The `agorad` binary
//! runs it with this release's upgrade handlers.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use crate::client::{QueryCommand, StatusArgs, TxCommand};
use crate::comet::CometCommand;
use crate::genesis::GenesisCommand;
use crate::init::InitArgs;
use crate::keplr::KeplrArgs;
use crate::loadtest::LoadtestArgs;
use crate::start::{StartArgs, LISTEN_TARGET};
use crate::Globals;
use agora_keys::cli::KeysCommand;
use agora_node::config::{self, ClientToml};
use agora_node::Home;
use agora_upgrade::{UpgradeNeeded, Upgrades, UPGRADE_NEEDED_EXIT_CODE};
use anyhow::{bail, Result};
use clap::{Parser, Subcommand, ValueEnum};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "agorad",
    version,
    about = "Agora: an appchain for verifiable decentralized AI"
)]
struct Cli {
    /// The node's home directory (config/, data/, keyring-*/).
    #[arg(long, global = true, env = "AGORA_HOME", default_value_os_t = default_home())]
    home: PathBuf,
    /// Log filter, e.g. `info`, `debug`, `agora_node=debug`.
    #[arg(
        long = "log_level",
        global = true,
        env = "RUST_LOG",
        default_value = "info"
    )]
    log_level: String,
    /// Log format: `plain` text, or `json` (one object per line, for log collectors).
    #[arg(long = "log_format", global = true, value_enum, default_value_t = LogFormat::Plain)]
    log_format: LogFormat,
    /// Output format (default: client.toml's `output`, else text).
    #[arg(long, short = 'o', global = true)]
    output: Option<Output>,
    /// Keyring backend: `file` (encrypted) or `test` (plain, devnets only).
    #[arg(long = "keyring-backend", global = true, env = "AGORA_KEYRING_BACKEND")]
    keyring_backend: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// CometBFT's `--log_format` values.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Plain,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Creates a node home: config files, validator and node keys, a genesis file.
    Init(InitArgs),
    /// Manages keys: BIP-39 mnemonics, addresses, import and export.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Genesis ceremony: accounts, gentxs, validation.
    #[command(subcommand)]
    Genesis(GenesisCommand),
    /// Runs the node: the embedded single-validator engine, or `--abci-only` behind CometBFT.
    Start(StartArgs),
    /// Shows a node's status.
    Status(StatusArgs),
    /// This node's CometBFT identities: consensus key and address, node id.
    #[command(subcommand, visible_aliases = ["cometbft", "tendermint"])]
    Comet(CometCommand),
    /// Queries a node.
    #[command(subcommand, visible_alias = "q")]
    Query(QueryCommand),
    /// Builds, signs and broadcasts transactions.
    #[command(subcommand)]
    Tx(TxCommand),
    /// Prints a genesis document of the last committed height (initial_height = next height).
    Export,
    /// Load-tests a node: signed sends from many accounts, committed tx/s and inclusion latency.
    Loadtest(LoadtestArgs),
    /// Proof of learning: train with an attestation, verify one, run the conformance self-test.
    #[command(subcommand)]
    Pol(agora_pol::cli::PolCommand),
    /// Prints the chain info JSON Keplr's `experimentalSuggestChain` takes.
    KeplrChainInfo(KeplrArgs),
}

fn default_home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".agora")
}

/// Runs `agorad` with `upgrades` (the handlers this binary has) and exits: 0 on success,
/// [`UPGRADE_NEEDED_EXIT_CODE`] when the node stopped at an upgrade it has no handler for, 1
/// on any other error.
pub fn main(upgrades: Upgrades) {
    let cli = Cli::parse();
    let stderr = std::io::stderr();
    // Colours only on a terminal (and not under NO_COLOR): log files and pipes get plain text.
    let colour = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(log_filter(&cli.log_level))
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Plain => logs.with_ansi(colour).init(),
        LogFormat::Json => logs.json().init(),
    }
    if let Err(e) = run(cli, upgrades) {
        eprintln!("Error: {e:#}");
        let code = match e.downcast_ref::<UpgradeNeeded>() {
            Some(_) => UPGRADE_NEEDED_EXIT_CODE,
            None => 1,
        };
        std::process::exit(code);
    }
}

/// `--log_level` (or `RUST_LOG`), plus the [`LISTEN_TARGET`] lines at info unless the filter
/// names that target itself: callers read the real listen address from them at any level.
fn log_filter(level: &str) -> EnvFilter {
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| "info".into());
    if level.contains(LISTEN_TARGET) {
        return filter;
    }
    filter.add_directive(
        format!("{LISTEN_TARGET}=info")
            .parse()
            .expect("a valid directive"),
    )
}

fn globals(cli: &Cli, upgrades: Upgrades) -> Result<Globals> {
    let home = Home::new(&cli.home);
    let client: ClientToml = config::load(&home.client_toml())?;
    let backend = cli
        .keyring_backend
        .clone()
        .unwrap_or_else(|| client.keyring_backend.clone());
    let keyring_backend = match backend.as_str() {
        "file" => agora_keys::Backend::File,
        "test" => agora_keys::Backend::Test,
        other => bail!("unknown keyring backend {other:?}: use `file` or `test`"),
    };
    let json = match cli.output {
        Some(output) => output == Output::Json,
        None => client.output == "json",
    };
    Ok(Globals {
        home,
        json,
        keyring_backend,
        client,
        upgrades,
    })
}

fn run(cli: Cli, upgrades: Upgrades) -> Result<()> {
    let globals = globals(&cli, upgrades)?;
    match cli.command {
        Command::Init(args) => args.run(&globals),
        Command::Keys(command) => {
            command.run(globals.home.root(), globals.keyring_backend, globals.json)
        }
        Command::Genesis(command) => command.run(&globals),
        Command::Start(args) => args.run(&globals),
        Command::Status(args) => args.run(&globals),
        Command::Comet(command) => command.run(&globals),
        Command::Query(command) => command.run(&globals),
        Command::Tx(command) => command.run(&globals),
        Command::Export => crate::start::export(&globals),
        Command::Loadtest(args) => args.run(&globals),
        Command::Pol(command) => command.run(globals.json),
        Command::KeplrChainInfo(args) => args.run(&globals),
    }
}
