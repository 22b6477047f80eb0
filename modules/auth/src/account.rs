//! Accounts as stored, and their protobuf form (`BaseAccount` / `ModuleAccount` in an `Any`).

use agora_core::{Address, Error, Result, SdkCode};
use agora_proto::cosmos::auth::v1beta1 as pb;
use agora_proto::cosmos::crypto::secp256k1::PubKey;
use agora_proto::Any;
use prost::Message;
use serde::{Deserialize, Serialize};

/// Type URL of a plain account.
pub const BASE_ACCOUNT_TYPE_URL: &str = "/cosmos.auth.v1beta1.BaseAccount";
/// Type URL of a module account.
pub const MODULE_ACCOUNT_TYPE_URL: &str = "/cosmos.auth.v1beta1.ModuleAccount";
/// Type URL of a secp256k1 public key.
pub const SECP256K1_PUBKEY_TYPE_URL: &str = "/cosmos.crypto.secp256k1.PubKey";

/// Length of a compressed secp256k1 public key.
const SECP256K1_KEY_LEN: usize = 33;

/// An account: its address, public key (once it has signed), number and sequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The account's address.
    pub address: Address,
    /// The 33-byte compressed secp256k1 public key, known after the first signed tx.
    #[serde(with = "opt_base64")]
    pub pub_key: Option<Vec<u8>>,
    /// The number given when the account was created; signatures commit to it.
    pub account_number: u64,
    /// The number of txs the account has signed; signatures commit to it.
    pub sequence: u64,
    /// Set for module accounts.
    pub module: Option<ModuleAccountInfo>,
}

/// What makes an account a module account: its name and permissions (`minter`, `burner`, ...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleAccountInfo {
    /// The module's name, from which the address is derived.
    pub name: String,
    /// The permissions the app granted the module.
    pub permissions: Vec<String>,
}

impl ModuleAccountInfo {
    /// Whether the module holds `permission`.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }
}

impl Account {
    /// The account as a protobuf `BaseAccount` (the base part of a module account).
    pub fn to_base_proto(&self) -> pb::BaseAccount {
        pb::BaseAccount {
            address: self.address.to_string(),
            pub_key: self.pub_key.as_ref().map(|key| pubkey_any(key)),
            account_number: self.account_number,
            sequence: self.sequence,
        }
    }

    /// The account as cosmjs reads it: an `Any` of `BaseAccount` or `ModuleAccount`.
    pub fn to_any(&self) -> Any {
        let base = self.to_base_proto();
        match &self.module {
            None => Any {
                type_url: BASE_ACCOUNT_TYPE_URL.into(),
                value: base.encode_to_vec(),
            },
            Some(info) => {
                let acc = pb::ModuleAccount {
                    base_account: Some(base),
                    name: info.name.clone(),
                    permissions: info.permissions.clone(),
                };
                Any {
                    type_url: MODULE_ACCOUNT_TYPE_URL.into(),
                    value: acc.encode_to_vec(),
                }
            }
        }
    }
}

/// A secp256k1 public key as an `Any`.
fn pubkey_any(key: &[u8]) -> Any {
    Any {
        type_url: SECP256K1_PUBKEY_TYPE_URL.into(),
        value: PubKey { key: key.to_vec() }.encode_to_vec(),
    }
}

/// Checks that `key` is a compressed secp256k1 public key (33 bytes, prefix 2 or 3).
pub(crate) fn validate_pub_key(key: &[u8]) -> Result<()> {
    if key.len() != SECP256K1_KEY_LEN || !matches!(key[0], 2 | 3) {
        return Err(Error::sdk(
            SdkCode::InvalidPubKey,
            format!(
                "secp256k1 public key must be 33 bytes starting with 0x02 or 0x03, got {} bytes",
                key.len()
            ),
        ));
    }
    Ok(())
}

/// Stores public keys as base64 strings (cheaper in gas than a JSON array of numbers).
mod opt_base64 {
    use cosmwasm_std::Binary;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref().map(|b| Binary::new(b.clone())).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Ok(Option::<Binary>::deserialize(d)?.map(Vec::from))
    }
}
