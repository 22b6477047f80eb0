//! `agorad genesis gentx <key-name> <amount>`: a signed MsgCreateValidator for genesis.

use std::path::PathBuf;

use agora_core::{Dec, BOND_DENOM, VALOPER_PREFIX};
use agora_node::config::{self, NodeConfig};
use agora_node::validator::PrivValidator;
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::cosmos::crypto::ed25519;
use agora_proto::cosmos::staking::v1beta1::{CommissionRates, Description, MsgCreateValidator};
use agora_proto::cosmos::tx::v1beta1::{AuthInfo, Fee, Tx, TxBody};
use agora_proto::Any;
use anyhow::{anyhow, bail, Context as _, Result};

use super::doc;
use crate::client::args::{keyring, parse_coins};
use crate::client::factory::{sign, AccountSeq, DEFAULT_GAS};
use crate::Globals;
use agora_app::txjson;

/// `gentx` arguments (the SDK's flags and defaults).
#[derive(Debug, clap::Args)]
pub struct GentxArgs {
    /// The key of the validator's operator account.
    pub key_name: String,
    /// The self-delegation, e.g. `100000000uagr`.
    pub amount: String,
    /// The chain id (default and must match: genesis.json's).
    #[arg(long = "chain-id")]
    pub chain_id: Option<String>,
    /// The validator's name (default: config.toml's moniker).
    #[arg(long)]
    pub moniker: Option<String>,
    /// Initial commission rate.
    #[arg(long = "commission-rate", default_value = "0.1")]
    pub commission_rate: String,
    /// Highest commission rate the validator may ever charge.
    #[arg(long = "commission-max-rate", default_value = "0.2")]
    pub commission_max_rate: String,
    /// Most the commission rate may change in a day.
    #[arg(long = "commission-max-change-rate", default_value = "0.01")]
    pub commission_max_change_rate: String,
    /// Smallest self-delegation the validator commits to keep, in uagr.
    #[arg(long = "min-self-delegation", default_value = "1")]
    pub min_self_delegation: String,
    /// Identity signature (e.g. a Keybase key id).
    #[arg(long, default_value = "")]
    pub identity: String,
    /// Website.
    #[arg(long, default_value = "")]
    pub website: String,
    /// Security contact email.
    #[arg(long = "security-contact", default_value = "")]
    pub security_contact: String,
    /// Free-form details.
    #[arg(long, default_value = "")]
    pub details: String,
    /// The node's public IP for the memo `<node-id>@<ip>:26656` (default: this machine's).
    #[arg(long)]
    pub ip: Option<String>,
    /// The node id for the memo (default: from node_key.json).
    #[arg(long = "node-id")]
    pub node_id: Option<String>,
    /// Where to write the gentx (default: config/gentx/gentx-<node-id>.json).
    #[arg(long = "output-document")]
    pub output_document: Option<PathBuf>,
}

impl GentxArgs {
    /// Checks the account can stake, signs the MsgCreateValidator and writes the file.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let home = &globals.home;
        let genesis = doc::load(&home.genesis())?;
        let chain_id = genesis.chain_id.to_string();
        if let Some(flag) = self.chain_id.as_deref().filter(|c| *c != chain_id) {
            bail!("--chain-id {flag} does not match the genesis file's chain id {chain_id}");
        }
        let value = self_delegation(&self.amount)?;
        doc::power(value)?;
        let keyring = keyring(globals)?;
        let info = keyring.get(&self.key_name)?;
        doc::ensure_can_stake(&genesis.app_state, &info.address, value)?;
        let commission = commission(
            &self.commission_rate,
            &self.commission_max_rate,
            &self.commission_max_change_rate,
        )?;
        let min_self: u128 = self
            .min_self_delegation
            .parse()
            .ok()
            .filter(|m| *m > 0)
            .ok_or_else(|| {
                anyhow!(
                    "--min-self-delegation {:?} must be a positive whole number",
                    self.min_self_delegation
                )
            })?;
        if min_self > value {
            bail!("validator's self delegation {value}{BOND_DENOM} must be at least its minimum self delegation {min_self}{BOND_DENOM}");
        }
        let moniker = match self.moniker {
            Some(m) => m,
            None => config::load::<NodeConfig>(&home.config_toml())?.moniker,
        };
        let node_id = match self.node_id {
            Some(id) => id,
            None => tendermint_config::NodeKey::load_json_file(&home.node_key())
                .map_err(|e| anyhow!("cannot load {}: {e}", home.node_key().display()))?
                .node_id()
                .to_string(),
        };
        let consensus_key = PrivValidator::load(&home.priv_validator_key())?.public_key();
        #[allow(deprecated)] // delegator_address: empty, as the SDK v0.50 leaves it
        let msg = MsgCreateValidator {
            description: Some(Description {
                moniker,
                identity: self.identity,
                website: self.website,
                security_contact: self.security_contact,
                details: self.details,
            }),
            commission: Some(commission),
            min_self_delegation: min_self.to_string(),
            delegator_address: String::new(),
            validator_address: info.address.to_bech32_with(VALOPER_PREFIX),
            pubkey: Some(Any::from_msg(&ed25519::PubKey {
                key: consensus_key.to_bytes(),
            })?),
            value: Some(Coin {
                denom: BOND_DENOM.into(),
                amount: value.to_string(),
            }),
        };
        let ip = self.ip.unwrap_or_else(external_ip);
        let mut tx = unsigned(Any::from_msg(&msg)?, format!("{node_id}@{ip}:26656"));
        // Genesis txs are signed with account number 0 and sequence 0, as the SDK signs them.
        let seq = AccountSeq {
            account_number: 0,
            sequence: 0,
        };
        sign(
            &mut tx,
            &keyring.signing_key(&self.key_name)?,
            &chain_id,
            seq,
        )?;
        let path = match self.output_document {
            Some(path) => path,
            None => {
                let dir = home.gentx_dir();
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                dir.join(format!("gentx-{node_id}.json"))
            }
        };
        let text = serde_json::to_string(&txjson::to_json(&tx)?)? + "\n";
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!(
            "Genesis transaction written to {:?}",
            path.display().to_string()
        );
        Ok(())
    }
}

/// One coin of the bond denom.
fn self_delegation(amount: &str) -> Result<u128> {
    let coins = parse_coins(amount)?.into_vec();
    match coins.as_slice() {
        [coin] if coin.denom == BOND_DENOM => Ok(coin.amount),
        _ => bail!("the self-delegation {amount:?} must be one amount of {BOND_DENOM}"),
    }
}

/// Commission rates, checked as the SDK checks them.
fn commission(rate: &str, max_rate: &str, max_change_rate: &str) -> Result<CommissionRates> {
    let parse = |flag: &str, s: &str| -> Result<Dec> {
        s.parse::<Dec>()
            .map_err(|e| anyhow!("--{flag} {s:?}: {}", e.msg))
    };
    let (r, max, change) = (
        parse("commission-rate", rate)?,
        parse("commission-max-rate", max_rate)?,
        parse("commission-max-change-rate", max_change_rate)?,
    );
    if max > Dec::one() {
        bail!("commission max rate cannot be more than 100%");
    }
    if r > max {
        bail!("commission rate cannot be more than the max rate");
    }
    if change > max {
        bail!("commission change rate cannot be more than the max rate");
    }
    Ok(CommissionRates {
        rate: txjson::dec_proto(&r.to_string())?,
        max_rate: txjson::dec_proto(&max.to_string())?,
        max_change_rate: txjson::dec_proto(&change.to_string())?,
    })
}

/// A genesis tx of `msg`: no fee, the default gas limit.
fn unsigned(msg: Any, memo: String) -> Tx {
    #[allow(deprecated)]
    let auth_info = AuthInfo {
        signer_infos: vec![],
        fee: Some(Fee {
            amount: vec![],
            gas_limit: DEFAULT_GAS,
            payer: String::new(),
            granter: String::new(),
        }),
        tip: None,
    };
    Tx {
        body: Some(TxBody {
            messages: vec![msg],
            memo,
            ..Default::default()
        }),
        auth_info: Some(auth_info),
        signatures: vec![],
    }
}

/// This machine's outward IPv4 address (no packet is sent), else 127.0.0.1.
fn external_ip() -> String {
    std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("8.8.8.8:80").map(|_| s))
        .and_then(|s| s.local_addr())
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|_| "127.0.0.1".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commission_is_checked() {
        let c = commission("0.1", "0.2", "0.01").unwrap();
        assert_eq!(c.rate, "100000000000000000");
        assert!(commission("0.3", "0.2", "0.01").is_err());
        assert!(commission("0.1", "1.5", "0.01").is_err());
        assert!(commission("0.1", "0.2", "0.3").is_err());
        assert!(commission("x", "0.2", "0.01").is_err());
    }

    #[test]
    fn self_delegation_is_one_bond_coin() {
        assert_eq!(self_delegation("5000000uagr").unwrap(), 5_000_000);
        assert!(self_delegation("5000000ufoo").is_err());
        assert!(self_delegation("5uagr,5ufoo").is_err());
    }
}
