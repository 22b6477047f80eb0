//! Bech32 account, validator-operator and consensus addresses.

use std::fmt;

use bech32::{Bech32, Hrp};
use sha2::{Digest, Sha256};

use crate::{Error, SdkCode};

/// Bech32 prefix of account addresses.
pub const ACCOUNT_PREFIX: &str = "agora";
/// Bech32 prefix of validator operator addresses.
pub const VALOPER_PREFIX: &str = "agoravaloper";
/// Bech32 prefix of validator consensus addresses.
pub const VALCONS_PREFIX: &str = "agoravalcons";

/// The longest address the SDK accepts (`address.MaxAddrLen`).
pub const MAX_ADDRESS_LEN: usize = 255;

/// Raw address bytes (20 for keys and module accounts, 32 for derived accounts); shown as bech32.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Address(Vec<u8>);

impl Address {
    /// Wraps raw bytes; errors if empty or too long.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Result<Self, Error> {
        let bytes = bytes.into();
        if bytes.is_empty() || bytes.len() > MAX_ADDRESS_LEN {
            return Err(Error::sdk(
                SdkCode::InvalidAddress,
                format!("address length {} must be 1..=255", bytes.len()),
            ));
        }
        Ok(Self(bytes))
    }

    /// The address of a module account: the first 20 bytes of SHA-256 of its name, as the SDK derives it.
    pub fn module(name: &str) -> Self {
        Self(Sha256::digest(name.as_bytes())[..20].to_vec())
    }

    /// Parses an account address (`agora1...`).
    pub fn from_bech32(s: &str) -> Result<Self, Error> {
        Self::from_bech32_with(ACCOUNT_PREFIX, s)
    }

    /// Parses a validator operator address (`agoravaloper1...`) from a Msg or query; the
    /// error is the SDK's `invalid validator address: ...` (`sdk/7`).
    pub fn from_valoper(s: &str) -> Result<Self, Error> {
        Self::from_bech32_with(VALOPER_PREFIX, s).map_err(|e| {
            Error::sdk(
                SdkCode::InvalidAddress,
                format!("invalid validator address: {}", e.msg),
            )
        })
    }

    /// Parses a bech32 address that must carry `prefix`.
    pub fn from_bech32_with(prefix: &str, s: &str) -> Result<Self, Error> {
        let (hrp, data) = bech32::decode(s).map_err(|e| {
            Error::sdk(
                SdkCode::InvalidAddress,
                format!("invalid address {s:?}: {e}"),
            )
        })?;
        if hrp.as_str() != prefix {
            return Err(Error::sdk(
                SdkCode::InvalidAddress,
                format!(
                    "invalid address {s:?}: expected prefix {prefix:?}, got {:?}",
                    hrp.as_str()
                ),
            ));
        }
        Self::from_bytes(data)
    }

    /// The bech32 string with the given prefix.
    pub fn to_bech32_with(&self, prefix: &str) -> String {
        let hrp = Hrp::parse(prefix).expect("static bech32 prefixes are valid");
        bech32::encode::<Bech32>(hrp, &self.0).expect("addresses are at most 255 bytes")
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_bech32_with(ACCOUNT_PREFIX))
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({self})")
    }
}

impl std::str::FromStr for Address {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_bech32(s)
    }
}

impl TryFrom<String> for Address {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        Self::from_bech32(&s)
    }
}

impl From<Address> for String {
    fn from(a: Address) -> String {
        a.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_address_matches_the_sdk() {
        // The Cosmos Hub's fee collector, derived by authtypes.NewModuleAddress("fee_collector").
        let fee = Address::module("fee_collector");
        assert_eq!(
            fee.to_bech32_with("cosmos"),
            "cosmos17xpfvakm2amg962yls6f84z3kell8c5lserqta"
        );
    }

    #[test]
    fn bech32_round_trip_and_prefix_check() {
        let a = Address::from_bytes(vec![7u8; 20]).unwrap();
        let s = a.to_string();
        assert!(s.starts_with("agora1"));
        assert_eq!(s.parse::<Address>().unwrap(), a);
        let val = a.to_bech32_with(VALOPER_PREFIX);
        let err = Address::from_bech32(&val).unwrap_err();
        assert!(err.msg.contains("expected prefix \"agora\""), "{}", err.msg);
        assert!(Address::from_bech32("agora1notbech32").is_err());
    }
}
