//! The node's home directory, laid out as CometBFT and the Cosmos SDK lay it out.

use std::path::{Path, PathBuf};

/// Paths under a node home (`~/.agora` by default).
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    /// The home rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The home directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `config/`.
    pub fn config_dir(&self) -> PathBuf {
        self.root.join("config")
    }

    /// `config/genesis.json`.
    pub fn genesis(&self) -> PathBuf {
        self.config_dir().join("genesis.json")
    }

    /// `config/config.toml`: the node's CometBFT settings.
    pub fn config_toml(&self) -> PathBuf {
        self.config_dir().join("config.toml")
    }

    /// `config/app.toml`: the application's node-local settings.
    pub fn app_toml(&self) -> PathBuf {
        self.config_dir().join("app.toml")
    }

    /// `config/client.toml`: defaults for client commands.
    pub fn client_toml(&self) -> PathBuf {
        self.config_dir().join("client.toml")
    }

    /// `config/priv_validator_key.json`: the consensus signing key.
    pub fn priv_validator_key(&self) -> PathBuf {
        self.config_dir().join("priv_validator_key.json")
    }

    /// `config/node_key.json`: the p2p identity.
    pub fn node_key(&self) -> PathBuf {
        self.config_dir().join("node_key.json")
    }

    /// `config/gentx/`: signed genesis transactions awaiting `collect-gentxs`.
    pub fn gentx_dir(&self) -> PathBuf {
        self.config_dir().join("gentx")
    }

    /// `data/`.
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    /// `data/priv_validator_state.json`: the last height, round and step the validator signed.
    pub fn priv_validator_state(&self) -> PathBuf {
        self.data_dir().join("priv_validator_state.json")
    }

    /// `data/application.db`: the application's state (agora-store).
    pub fn application_db(&self) -> PathBuf {
        self.data_dir().join("application.db")
    }

    /// `data/blockstore.db`: blocks, commits, results and the tx index.
    pub fn blockstore_db(&self) -> PathBuf {
        self.data_dir().join("blockstore.db")
    }

    /// `keyring-<backend>/`: the keyring of the given backend.
    pub fn keyring_dir(&self, backend: &str) -> PathBuf {
        self.root.join(format!("keyring-{backend}"))
    }
}
