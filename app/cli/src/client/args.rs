//! Reading what a person types: coins, addresses, key names, the node address.

use agora_app::txjson::{pubkey_any, PubKeyJson};
use agora_core::{Address, Coin, Coins, VALCONS_PREFIX, VALOPER_PREFIX};
use agora_keys::Keyring;
use agora_proto::cosmos::crypto::ed25519;
use anyhow::{anyhow, bail, Result};
use prost::{Message as _, Name as _};
use sha2::{Digest as _, Sha256};

use crate::Globals;

/// `--node`: the RPC address of the node to talk to.
#[derive(Debug, Clone, clap::Args)]
pub struct NodeArg {
    /// The node's RPC address, e.g. tcp://localhost:26657 (default: client.toml's `node`).
    #[arg(long)]
    pub node: Option<String>,
}

impl NodeArg {
    /// The address to use: the flag, else client.toml's.
    pub fn url(&self, globals: &Globals) -> String {
        self.node
            .clone()
            .unwrap_or_else(|| globals.client.node.clone())
    }
}

/// Coins like `1000000uagr,5ufoo`: integer amounts, valid denoms, no denom twice, not all zero.
pub fn parse_coins(s: &str) -> Result<Coins> {
    let coins = s
        .split(',')
        .map(|c| c.parse::<Coin>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow!("invalid coins {s:?}: {}", e.msg))?;
    let coins = Coins::new(coins).map_err(|e| anyhow!("invalid coins {s:?}: {}", e.msg))?;
    if coins.is_empty() {
        bail!("invalid coins {s:?}: the amount must be positive");
    }
    Ok(coins)
}

/// An account address (`agora1...`); errors say what is wrong (checksum, prefix, ...).
pub fn parse_address(s: &str) -> Result<Address> {
    Address::from_bech32(s).map_err(|e| anyhow!("{}", e.msg))
}

/// A validator operator address (`agoravaloper1...`).
pub fn parse_valoper(s: &str) -> Result<Address> {
    Address::from_bech32_with(VALOPER_PREFIX, s)
        .map_err(|e| anyhow!("invalid validator address {s:?}: {}", e.msg))
}

/// A validator's consensus address: `agoravalcons1...`, or its consensus public key as
/// `agorad comet show-validator` prints it (`{"@type":"/cosmos.crypto.ed25519.PubKey",
/// "key":"<base64>"}`), whose address is the first 20 bytes of its SHA-256, as CometBFT's.
pub fn parse_consensus(s: &str) -> Result<Address> {
    let s = s.trim();
    if !s.starts_with('{') {
        return Address::from_bech32_with(VALCONS_PREFIX, s)
            .map_err(|e| anyhow!("invalid consensus address {s:?}: {}", e.msg));
    }
    let key: PubKeyJson = serde_json::from_str(s).map_err(|e| {
        anyhow!(
            "{s:?} is not a consensus public key as `agorad comet show-validator` prints it: {e}"
        )
    })?;
    let any = pubkey_any(key);
    if any.type_url != ed25519::PubKey::type_url() {
        bail!(
            "{s:?}: a consensus public key is a {}, not a {}",
            ed25519::PubKey::type_url(),
            any.type_url
        );
    }
    let key = ed25519::PubKey::decode(any.value.as_slice())?.key;
    if key.len() != 32 {
        bail!(
            "{s:?}: an ed25519 public key has 32 bytes, not {}",
            key.len()
        );
    }
    Ok(Address::from_bytes(Sha256::digest(&key)[..20].to_vec())?)
}

/// Opens the keyring of `--keyring-backend` in the home.
pub fn keyring(globals: &Globals) -> Result<Keyring> {
    Keyring::open(globals.home.root(), globals.keyring_backend)
}

/// `s` as an address, else the address of the key named `s`.
pub fn address_or_key(globals: &Globals, s: &str) -> Result<Address> {
    match Address::from_bech32(s) {
        Ok(address) => Ok(address),
        // Text that looks like an address is one with a mistake, not a key name.
        Err(e)
            if s.starts_with(&format!("{}1", agora_core::ACCOUNT_PREFIX))
                || bech32::decode(s).is_ok() =>
        {
            Err(anyhow!("{}", e.msg))
        }
        Err(_) => Ok(keyring(globals)?.get(s)?.address),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coins_are_validated() {
        let coins = parse_coins("5ufoo,1000000uagr").unwrap();
        assert_eq!(coins.to_string(), "1000000uagr,5ufoo");
        for bad in [
            "",
            "10",
            "uagr",
            "1.5uagr",
            "-1uagr",
            "1uagr,2uagr",
            "0uagr",
            "1u",
        ] {
            assert!(parse_coins(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn addresses_name_the_mistake() {
        let good = Address::from_bytes(vec![1; 20]).unwrap().to_string();
        assert!(parse_address(&good).is_ok());
        let mut bad = good.clone();
        bad.pop();
        bad.push(if good.ends_with('q') { 'p' } else { 'q' });
        assert!(parse_address(&bad).is_err());
        let other = Address::from_bytes(vec![1; 20])
            .unwrap()
            .to_bech32_with("cosmos");
        let err = parse_address(&other).unwrap_err().to_string();
        assert!(err.contains("expected prefix \"agora\""), "{err}");
    }

    #[test]
    fn consensus_addresses_are_read_from_a_key_or_bech32() {
        use base64::Engine as _;
        let key = [7u8; 32];
        let expected = Address::from_bytes(Sha256::digest(key)[..20].to_vec()).unwrap();
        let json = format!(
            r#"{{"@type":"/cosmos.crypto.ed25519.PubKey","key":"{}"}}"#,
            base64::engine::general_purpose::STANDARD.encode(key)
        );
        assert_eq!(parse_consensus(&json).unwrap(), expected);
        let valcons = expected.to_bech32_with(VALCONS_PREFIX);
        assert_eq!(parse_consensus(&valcons).unwrap(), expected);
        let valoper = expected.to_bech32_with(VALOPER_PREFIX);
        let err = parse_consensus(&valoper).unwrap_err().to_string();
        assert!(err.contains("invalid consensus address"), "{err}");
        let secp = r#"{"@type":"/cosmos.crypto.secp256k1.PubKey","key":"AwID"}"#;
        assert!(parse_consensus(secp).is_err());
        let short = r#"{"@type":"/cosmos.crypto.ed25519.PubKey","key":"AAEC"}"#;
        assert!(parse_consensus(short)
            .unwrap_err()
            .to_string()
            .contains("32 bytes"));
        assert!(parse_consensus("{not json").is_err());
        assert!(parse_valoper(&valcons).is_err());
        assert_eq!(parse_valoper(&valoper).unwrap(), expected);
    }
}
