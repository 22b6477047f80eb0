//! The scalar shapes of the SDK's JSON: coins, public keys, u64s as strings, base64 bytes.

use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::cosmos::crypto::{ed25519, secp256k1};
use agora_proto::Any;
use anyhow::{bail, Result};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use prost::{Message, Name};
use serde::{Deserialize, Serialize};

/// A coin: `{"denom": "uagr", "amount": "10"}`.
#[derive(Serialize, Deserialize)]
pub(super) struct CoinJson {
    pub(super) denom: String,
    pub(super) amount: String,
}

/// A public key as the SDK's JSON shows it: `{"@type": ..., "key": "<base64>"}`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "@type")]
pub enum PubKeyJson {
    /// An account key.
    #[serde(rename = "/cosmos.crypto.secp256k1.PubKey")]
    Secp256k1 {
        /// The compressed key.
        key: Base64,
    },
    /// A consensus key.
    #[serde(rename = "/cosmos.crypto.ed25519.PubKey")]
    Ed25519 {
        /// The key.
        key: Base64,
    },
}

/// A u64 written as a decimal string, as proto-JSON writes 64-bit integers.
#[derive(Default, Clone, Copy)]
pub(super) struct U64(pub(super) u64);

impl Serialize for U64 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for U64 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Text(String),
            Number(u64),
        }
        match Either::deserialize(d)? {
            Either::Number(n) => Ok(U64(n)),
            Either::Text(s) => s
                .parse()
                .map(U64)
                .map_err(|_| serde::de::Error::custom(format!("{s:?} is not a u64"))),
        }
    }
}

/// Bytes written as standard base64.
pub struct Base64(pub(super) Vec<u8>);

impl Serialize for Base64 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&B64.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        B64.decode(&s)
            .map(Base64)
            .map_err(|e| serde::de::Error::custom(format!("{s:?} is not base64: {e}")))
    }
}

/// Coins as JSON.
pub(super) fn coins_json(coins: &[Coin]) -> Vec<CoinJson> {
    coins
        .iter()
        .map(|c| CoinJson {
            denom: c.denom.clone(),
            amount: c.amount.clone(),
        })
        .collect()
}

/// Coins from JSON.
pub(super) fn coins_proto(coins: Vec<CoinJson>) -> Vec<Coin> {
    coins
        .into_iter()
        .map(|c| Coin {
            denom: c.denom,
            amount: c.amount,
        })
        .collect()
}

impl PubKeyJson {
    /// The JSON of a public key in an `Any`.
    pub fn from_any(any: &Any) -> Result<Self> {
        if any.type_url == secp256k1::PubKey::type_url() {
            Ok(PubKeyJson::Secp256k1 {
                key: Base64(secp256k1::PubKey::decode(any.value.as_slice())?.key),
            })
        } else if any.type_url == ed25519::PubKey::type_url() {
            Ok(PubKeyJson::Ed25519 {
                key: Base64(ed25519::PubKey::decode(any.value.as_slice())?.key),
            })
        } else {
            bail!("public key type {} is not supported", any.type_url)
        }
    }
}

/// A public key's `Any`.
pub fn pubkey_any(key: PubKeyJson) -> Any {
    match key {
        PubKeyJson::Secp256k1 { key } => Any::from_msg(&secp256k1::PubKey { key: key.0 }),
        PubKeyJson::Ed25519 { key } => Any::from_msg(&ed25519::PubKey { key: key.0 }),
    }
    .expect("encoding into a Vec cannot fail")
}
