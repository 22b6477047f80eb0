//! Creating a node's files: genesis documents, node keys, and a whole single-validator home
//! (what `agorad init` + `genesis gentx` + `collect-gentxs` produce, in one call for tests).

use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, Result};
use serde::Serialize;
use tendermint::consensus::params::{AbciParams, ValidatorParams, VersionParams};
use tendermint::{block, consensus, evidence, public_key::Algorithm, validator, vote, Time};
use tendermint_config::NodeKey;

use crate::config::{self, ClientToml, NodeConfig};
use crate::files;
use crate::sign_state::SignStateFile;
use crate::validator::PrivValidator;
use crate::{GenesisDoc, Home};

/// CometBFT v0.38's default consensus parameters.
pub fn default_consensus_params() -> consensus::Params {
    consensus::Params {
        block: block::Size {
            max_bytes: 22_020_096,
            max_gas: -1,
            time_iota_ms: 1000,
        },
        evidence: evidence::Params {
            max_age_num_blocks: 100_000,
            max_age_duration: evidence::Duration(Duration::from_secs(48 * 3600)),
            max_bytes: 1_048_576,
        },
        validator: ValidatorParams {
            pub_key_types: vec![Algorithm::Ed25519],
        },
        version: Some(VersionParams { app: 0 }),
        abci: AbciParams::default(),
    }
}

/// A genesis document for `chain_id` starting now, with no validators yet.
pub fn new_genesis(chain_id: &str, app_state: serde_json::Value) -> Result<GenesisDoc> {
    Ok(GenesisDoc {
        genesis_time: Time::now(),
        chain_id: chain_id
            .parse()
            .with_context(|| format!("{chain_id:?} is not a valid chain id"))?,
        initial_height: 1,
        consensus_params: default_consensus_params(),
        validators: vec![],
        app_hash: Default::default(),
        app_state,
    })
}

/// Writes `value` as pretty JSON, atomically.
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value)? + "\n";
    files::write_atomic(path, text.as_bytes(), false)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Writes a fresh `node_key.json` (atomically, mode 0600) and returns the node id.
pub fn generate_node_key(path: &Path) -> Result<tendermint::node::Id> {
    let signer = ed25519_consensus::SigningKey::new(rand::rngs::OsRng);
    let key = NodeKey {
        priv_key: tendermint::PrivateKey::from_ed25519_consensus(signer),
    };
    let text = serde_json::to_string_pretty(&key)? + "\n";
    files::write_atomic(path, text.as_bytes(), true)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(key.node_id())
}

/// Writes CometBFT's empty `priv_validator_state.json` (`{"height":"0","round":0,"step":0}`)
/// unless one exists: a sign state is never reset by `init`.
pub fn init_sign_state(home: &Home) -> Result<()> {
    SignStateFile::open(&home.priv_validator_state(), None).map(drop)
}

/// The genesis validator entry for `key` with `power`.
pub fn genesis_validator(key: &PrivValidator, power: u64, name: &str) -> Result<validator::Info> {
    let mut info = validator::Info::new(key.public_key(), vote::Power::try_from(power)?);
    info.name = Some(name.to_string());
    Ok(info)
}

/// A complete home for a one-validator chain: config files (with `node_config`), keys, and a
/// genesis with `app_state` whose only validator is this node. For tests and scripts.
pub fn single_validator_home(
    root: &Path,
    chain_id: &str,
    app_state: serde_json::Value,
    node_config: &NodeConfig,
) -> Result<Home> {
    let home = Home::new(root);
    std::fs::create_dir_all(home.config_dir())?;
    std::fs::create_dir_all(home.data_dir())?;
    let key = PrivValidator::generate()?;
    key.save(&home.priv_validator_key())?;
    generate_node_key(&home.node_key())?;
    init_sign_state(&home)?;
    let mut genesis = new_genesis(chain_id, app_state)?;
    genesis.validators = vec![genesis_validator(
        &key,
        crate::validator::DEFAULT_POWER,
        &node_config.moniker,
    )?];
    write_json(&home.genesis(), &genesis)?;
    config::save(&home.config_toml(), node_config)?;
    config::save(&home.app_toml(), &config::AppToml::default())?;
    config::save(
        &home.client_toml(),
        &ClientToml {
            chain_id: chain_id.into(),
            ..Default::default()
        },
    )?;
    Ok(home)
}
