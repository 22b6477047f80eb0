//! `agorad init <moniker> --chain-id <id>`: a CometBFT-style node home.

use agora_app::modules::ModuleSet;
use agora_node::config::{self, AppToml, ClientToml, NodeConfig};
use agora_node::setup::{generate_node_key, init_sign_state, new_genesis, write_json};
use agora_node::validator::PrivValidator;
use anyhow::{anyhow, bail, Context as _, Result};
use rand::distributions::{Alphanumeric, DistString};

use crate::genesis::doc::print_info;
use crate::Globals;

/// `agorad init` arguments.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// This node's name.
    pub moniker: String,
    /// The chain id (default: client.toml's, else a random `test-chain-XXXXXX`).
    #[arg(long = "chain-id")]
    pub chain_id: Option<String>,
    /// Replace an existing genesis.json (the validator and node keys are kept).
    #[arg(long)]
    pub overwrite: bool,
    /// The chain's first block height.
    #[arg(long = "initial-height", default_value_t = 1)]
    pub initial_height: u64,
}

impl InitArgs {
    /// Creates config/ (genesis.json, config.toml, app.toml, client.toml, the validator and
    /// node keys, mode 0600) and data/ with an empty priv_validator_state.json; keys and a
    /// sign state already there are kept.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let home = &globals.home;
        let chain_id = match self.chain_id {
            Some(id) => id,
            None if !globals.client.chain_id.is_empty() => globals.client.chain_id.clone(),
            None => format!(
                "test-chain-{}",
                Alphanumeric.sample_string(&mut rand::thread_rng(), 6)
            ),
        };
        check_chain_id(&chain_id)?;
        if self.initial_height == 0 {
            bail!("--initial-height must be at least 1");
        }
        let genesis_path = home.genesis();
        if genesis_path.exists() && !self.overwrite {
            bail!(
                "genesis.json file already exists: {} (pass --overwrite to replace it)",
                genesis_path.display()
            );
        }
        let app_state = agora_app::genesis::default_app_state(&ModuleSet::agora());
        let mut genesis = new_genesis(&chain_id, app_state)?;
        genesis.initial_height = i64::try_from(self.initial_height)
            .map_err(|_| anyhow!("--initial-height {} is too large", self.initial_height))?;

        for dir in [home.config_dir(), home.data_dir()] {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        if !home.priv_validator_key().exists() {
            PrivValidator::generate()?.save(&home.priv_validator_key())?;
        }
        init_sign_state(home)?;
        let node_id = if home.node_key().exists() {
            tendermint_config::NodeKey::load_json_file(&home.node_key())
                .map_err(|e| anyhow!("cannot load {}: {e}", home.node_key().display()))?
                .node_id()
        } else {
            generate_node_key(&home.node_key())?
        };
        let mut node_config: NodeConfig = config::load(&home.config_toml())?;
        node_config.moniker = self.moniker.clone();
        config::save(&home.config_toml(), &node_config)?;
        if !home.app_toml().exists() {
            config::save(&home.app_toml(), &AppToml::default())?;
        }
        let mut client: ClientToml = config::load(&home.client_toml())?;
        client.chain_id = chain_id.clone();
        config::save(&home.client_toml(), &client)?;
        write_json(&genesis_path, &genesis)?;
        print_info(
            &self.moniker,
            &chain_id,
            &node_id.to_string(),
            "",
            &genesis.app_state,
        );
        Ok(())
    }
}

/// CometBFT's rule: 1 to 50 characters of `a-z A-Z 0-9 - _ .`.
fn check_chain_id(id: &str) -> Result<()> {
    let ok = (1..=50).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if !ok {
        bail!(
            "invalid chain id {id:?}: use 1 to 50 characters from a-z, A-Z, 0-9, '-', '_' and '.'"
        );
    }
    Ok(())
}
