//! agora-cli: the commands of `agorad` other than the node itself.
//!
//! [`agorad::main`] is the whole command line; the `agorad` binary runs it with this
//! release's upgrade handlers.
//! `init` makes a node home; `comet` shows its consensus key, address and node id; `genesis` runs the SDK's genesis ceremony; `client` holds the
//! commands that talk to a node over CometBFT RPC (`status`, `query ...`, `tx ...`).

pub mod agorad;
pub mod client;
pub mod comet;
pub mod genesis;
pub mod init;
pub mod keplr;
pub mod loadtest;
pub mod output;
pub mod start;

use agora_node::config::ClientToml;
use agora_node::Home;

/// What every command may need: the home, the output format, the keyring backend and the
/// client defaults from `client.toml`.
#[derive(Debug, Clone)]
pub struct Globals {
    /// The node home.
    pub home: Home,
    /// `--output json` (else text).
    pub json: bool,
    /// `--keyring-backend`, else `AGORA_KEYRING_BACKEND`, else client.toml.
    pub keyring_backend: agora_keys::Backend,
    /// `client.toml` (defaults when absent).
    pub client: ClientToml,
    /// The upgrade handlers this binary has (what `start` runs at plan heights).
    pub upgrades: agora_upgrade::Upgrades,
}
