//! `agorad genesis collect-gentxs`: gentxs into `app_state.genutil.gen_txs`, and their
//! validators into genesis `validators`, which the embedded engine signs with; at InitChain
//! staking bonds the same validators from the gentxs and the app checks the two sets agree.

use std::path::{Path, PathBuf};

use agora_app::sigverify;
use agora_core::{Address, BOND_DENOM, VALOPER_PREFIX};
use agora_node::config::{self, NodeConfig};
use agora_proto::cosmos::crypto::{ed25519, secp256k1};
use agora_proto::cosmos::staking::v1beta1::MsgCreateValidator;
use agora_proto::cosmos::tx::v1beta1::{SignDoc, Tx};
use anyhow::{anyhow, bail, Context as _, Result};
use prost::{Message, Name};
use serde_json::{json, Value};
use tendermint::{validator, vote};

use super::doc;
use crate::Globals;
use agora_app::txjson;

/// `collect-gentxs` arguments.
#[derive(Debug, clap::Args)]
pub struct CollectGentxsArgs {
    /// Where the gentxs are (default: config/gentx).
    #[arg(long = "gentx-dir")]
    pub gentx_dir: Option<PathBuf>,
}

impl CollectGentxsArgs {
    /// Verifies every gentx and writes them and their validators into genesis.json.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let home = &globals.home;
        let path = home.genesis();
        let mut genesis = doc::load(&path)?;
        let dir = self.gentx_dir.unwrap_or_else(|| home.gentx_dir());
        let chain_id = genesis.chain_id.to_string();
        let mut gen_txs = Vec::new();
        let mut validators: Vec<validator::Info> = Vec::new();
        for file in gentx_files(&dir)? {
            let tx = txjson::read_file(&file)?;
            let info = verify(&tx, &chain_id, &genesis.app_state)
                .with_context(|| format!("invalid gentx {}", file.display()))?;
            if validators.iter().any(|v| v.pub_key == info.pub_key) {
                bail!(
                    "{}: another gentx already uses this consensus key",
                    file.display()
                );
            }
            gen_txs.push(serde_json::to_value(txjson::to_json(&tx)?)?);
            validators.push(info);
        }
        *doc::module_state(&mut genesis.app_state, "genutil")? = json!({ "gen_txs": gen_txs });
        genesis.validators = validators;
        doc::save(&path, &genesis)?;
        let node_config: NodeConfig = config::load(&home.config_toml())?;
        let node_id = tendermint_config::NodeKey::load_json_file(&home.node_key())
            .map(|k| k.node_id().to_string())
            .unwrap_or_default();
        doc::print_info(
            &node_config.moniker,
            &chain_id,
            &node_id,
            &dir.display().to_string(),
            &genesis.app_state,
        );
        Ok(())
    }
}

/// The `*.json` files of `dir`, by name.
fn gentx_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).with_context(|| {
        format!(
            "cannot read {}: run `agorad genesis gentx` first",
            dir.display()
        )
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        bail!(
            "no gentx files in {}: run `agorad genesis gentx` first",
            dir.display()
        );
    }
    Ok(files)
}

/// Checks one gentx (a single MsgCreateValidator signed by its operator for `chain_id` with
/// account number 0, bonding uagr the operator holds in genesis) and returns its validator.
pub fn verify(tx: &Tx, chain_id: &str, app_state: &Value) -> Result<validator::Info> {
    let body = tx.body.clone().unwrap_or_default();
    let auth = tx.auth_info.clone().unwrap_or_default();
    let [msg] = body.messages.as_slice() else {
        bail!("must provide genesis Tx with exactly 1 CreateValidator message");
    };
    if msg.type_url != MsgCreateValidator::type_url() {
        bail!("genesis transaction does not contain a MsgCreateValidator");
    }
    let msg = MsgCreateValidator::decode(msg.value.as_slice())?;
    let operator = Address::from_bech32_with(VALOPER_PREFIX, &msg.validator_address)
        .map_err(|e| anyhow!("validator_address: {}", e.msg))?;
    let (Some(signer), [signature]) = (auth.signer_infos.first(), tx.signatures.as_slice()) else {
        bail!("a gentx carries exactly one signature, from the validator's operator");
    };
    let pub_key = signer
        .public_key
        .as_ref()
        .filter(|k| k.type_url == secp256k1::PubKey::type_url())
        .map(|k| secp256k1::PubKey::decode(k.value.as_slice()))
        .transpose()?
        .ok_or_else(|| anyhow!("the signer has no secp256k1 public key"))?
        .key;
    if sigverify::pubkey_address(&pub_key) != operator.as_bytes() {
        bail!(
            "the signer's key is not the key of {}",
            msg.validator_address
        );
    }
    let sign_doc = SignDoc {
        body_bytes: body.encode_to_vec(),
        auth_info_bytes: auth.encode_to_vec(),
        chain_id: chain_id.to_string(),
        account_number: 0,
    };
    if signer.sequence != 0 || !sigverify::verify(&pub_key, &sign_doc.encode_to_vec(), signature) {
        bail!("the signature does not verify for chain id {chain_id} (account number 0, sequence 0): was it made for another chain, or changed since?");
    }
    let value = msg.value.unwrap_or_default();
    if value.denom != BOND_DENOM {
        bail!(
            "the self-delegation must be in {BOND_DENOM}, not {:?}",
            value.denom
        );
    }
    let amount: u128 = value.amount.parse().map_err(|_| {
        anyhow!(
            "self-delegation amount {:?} is not a whole number",
            value.amount
        )
    })?;
    let delegator = Address::from_bytes(operator.as_bytes().to_vec()).expect("valid length");
    doc::ensure_can_stake(app_state, &delegator, amount)?;
    let consensus = msg
        .pubkey
        .filter(|k| k.type_url == ed25519::PubKey::type_url())
        .map(|k| ed25519::PubKey::decode(k.value.as_slice()))
        .transpose()?
        .and_then(|k| tendermint::PublicKey::from_raw_ed25519(&k.key))
        .ok_or_else(|| anyhow!("the consensus pubkey must be a 32-byte ed25519 key"))?;
    let mut info = validator::Info::new(consensus, vote::Power::try_from(doc::power(amount)?)?);
    info.name = Some(msg.description.unwrap_or_default().moniker);
    Ok(info)
}
