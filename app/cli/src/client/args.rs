//! Reading what a person types: coins, addresses, key names, the node address.

use agora_core::{Address, Coin, Coins};
use agora_keys::Keyring;
use anyhow::{anyhow, bail, Result};

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
}
