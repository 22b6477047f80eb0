//! agora-keys: the keyring behind `agorad keys`.
//!
//! Keys come from 24-word BIP-39 mnemonics derived along m/44'/118'/0'/0/0 (the path Keplr and
//! gaiad use), so a recovered mnemonic gives the same `agora1...` address. Backends: `file`
//! (private keys sealed with a passphrase: Argon2id + XChaCha20-Poly1305) and `test` (plain,
//! for devnets). Each key is one JSON file in `<home>/keyring-<backend>/`, mode 0600 in a 0700
//! directory; the file backend also keeps `keyhash`, a PHC hash of its passphrase, so a wrong
//! passphrase is refused before anything is read or written.

#![deny(missing_docs)]

use std::fmt;

use agora_core::{Address, ACCOUNT_PREFIX};
use anyhow::{anyhow, Result};
use cosmrs::crypto::PublicKey;

mod armor;
pub mod cli;
mod console;
mod hd;
mod keyring;
mod output;
mod seal;
mod store;

pub use console::{Console, MIN_PASSPHRASE_LEN};
pub use hd::{derive, HD_PATH};
pub use keyring::Keyring;

/// Where and how keys are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Encrypted files under `<home>/keyring-file`, unlocked with a passphrase.
    File,
    /// Plain files under `<home>/keyring-test`: for devnets and tests only.
    Test,
}

impl Backend {
    /// The backend's name: `file` or `test`.
    pub fn name(self) -> &'static str {
        match self {
            Self::File => "file",
            Self::Test => "test",
        }
    }

    /// The keyring's directory name in a home: `keyring-file` or `keyring-test`.
    pub fn dir_name(self) -> String {
        format!("keyring-{}", self.name())
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A key's public part.
#[derive(Debug, Clone)]
pub struct KeyInfo {
    /// The key's name in the keyring.
    pub name: String,
    /// Its account address (`agora1...`).
    pub address: agora_core::Address,
    /// Its secp256k1 public key.
    pub pub_key: PublicKey,
}

impl KeyInfo {
    /// The key `name` with public key `pub_key`; its address is RIPEMD160(SHA256(compressed
    /// public key)), as in the SDK.
    pub fn new(name: impl Into<String>, pub_key: PublicKey) -> Result<Self> {
        let id = pub_key
            .account_id(ACCOUNT_PREFIX)
            .map_err(|e| anyhow!("no account address for this public key: {e}"))?;
        Ok(Self {
            name: name.into(),
            address: Address::from_bytes(id.to_bytes())?,
            pub_key,
        })
    }

    /// The public key as the SDK prints it:
    /// `{"@type":"/cosmos.crypto.secp256k1.PubKey","key":"<base64>"}`.
    pub fn pubkey_json(&self) -> String {
        self.pub_key.to_json()
    }
}
