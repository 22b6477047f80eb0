//! Sending signed txs to a node (`-b sync|async`), and asking before doing it.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use agora_proto::cosmos::tx::v1beta1::Tx;
use anyhow::{bail, Result};
use tendermint_rpc::Client as _;

use super::args::NodeArg;
use super::response::TxResponse;
use super::rpc::Rpc;
use crate::{output, Globals};
use agora_app::txjson;

/// `-b`: how long to wait for the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BroadcastMode {
    /// Wait for CheckTx (the mempool's verdict).
    Sync,
    /// Return as soon as the node has the tx.
    Async,
}

/// Where and how to broadcast.
#[derive(Debug, Clone, clap::Args)]
pub struct BroadcastFlags {
    /// `sync` (wait for CheckTx) or `async` (default: client.toml's `broadcast-mode`).
    #[arg(long = "broadcast-mode", short = 'b', value_enum)]
    pub broadcast_mode: Option<BroadcastMode>,
}

impl BroadcastFlags {
    /// The mode: the flag, else client.toml's.
    pub fn mode(&self, globals: &Globals) -> Result<BroadcastMode> {
        if let Some(mode) = self.broadcast_mode {
            return Ok(mode);
        }
        match globals.client.broadcast_mode.as_str() {
            "sync" => Ok(BroadcastMode::Sync),
            "async" => Ok(BroadcastMode::Async),
            other => bail!("client.toml: broadcast-mode {other:?} is not one of sync, async"),
        }
    }
}

/// Broadcasts `tx` and prints the node's `TxResponse`; a non-zero code is an error.
pub fn broadcast(rpc: &Rpc, tx: &Tx, mode: BroadcastMode, globals: &Globals) -> Result<()> {
    let bytes = txjson::encode(tx);
    let response = match mode {
        BroadcastMode::Sync => TxResponse::from_sync(rpc.call(|c| c.broadcast_tx_sync(bytes))?),
        BroadcastMode::Async => TxResponse::from_async(rpc.call(|c| c.broadcast_tx_async(bytes))?),
    };
    output::print(&response, globals.json)?;
    response.ensure_success()
}

/// Prints the tx to stderr and asks to go on, as the SDK does: the prompt shows on a terminal;
/// otherwise the answer is read from stdin all the same. `Ok(false)` means declined.
pub fn confirm(tx: &Tx) -> Result<bool> {
    eprintln!("{}\n", serde_json::to_string(&txjson::to_json(tx)?)?);
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("confirm transaction before signing and broadcasting [y/N]: ");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    if stdin.lock().read_line(&mut line)? == 0 {
        bail!("no answer to \"confirm transaction before signing and broadcasting\" on stdin: pass -y to skip it");
    }
    Ok(matches!(
        line.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// `agorad tx broadcast <file>`.
pub fn broadcast_file(
    file: &std::path::Path,
    node: &NodeArg,
    flags: &BroadcastFlags,
    globals: &Globals,
) -> Result<()> {
    let tx = txjson::read_file(file)?;
    if tx.signatures.is_empty() {
        bail!(
            "{} is not signed: sign it with `agorad tx sign` first",
            file.display()
        );
    }
    let rpc = Rpc::new(&node.url(globals))?;
    broadcast(&rpc, &tx, flags.mode(globals)?, globals)
}
