//! BIP-39 mnemonics and BIP-32 derivation along the Cosmos path m/44'/118'/0'/0/0.

use std::fmt;

use anyhow::{anyhow, Context, Result};
use bip39::{Language, Mnemonic};
use cosmrs::crypto::secp256k1::SigningKey;
use rand::{rngs::OsRng, RngCore};
use zeroize::Zeroizing;

/// The HD path of every key: BIP-44 purpose, coin type 118 (ATOM), account 0, external chain,
/// index 0; the path Keplr, gaiad and cosmjs use by default.
pub const HD_PATH: &str = "m/44'/118'/0'/0/0";

/// Bytes of entropy of a fresh mnemonic: 32 bytes make 24 words.
const FRESH_ENTROPY_LEN: usize = 32;

/// A raw secp256k1 private key, wiped from memory when dropped.
pub(crate) struct Secret(Zeroizing<[u8; 32]>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// Wraps 32 raw bytes, checking they are a valid secp256k1 scalar.
    pub(crate) fn from_slice(bytes: &[u8]) -> Result<Self> {
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| anyhow!("a secp256k1 private key is 32 bytes, got {}", bytes.len()))?;
        let secret = Self(Zeroizing::new(bytes));
        secret.signing_key()?;
        Ok(secret)
    }

    /// The raw 32 bytes.
    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key as cosmrs signs with it.
    pub(crate) fn signing_key(&self) -> Result<SigningKey> {
        SigningKey::from_slice(self.0.as_slice())
            .map_err(|e| anyhow!("invalid secp256k1 private key: {e}"))
    }
}

/// Parses an English BIP-39 mnemonic, tolerating extra whitespace and capitals (as cosmjs does).
pub(crate) fn parse_mnemonic(mnemonic: &str) -> Result<Mnemonic> {
    let normalized = Zeroizing::new(
        mnemonic
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
    );
    Mnemonic::parse_in_normalized(Language::English, &normalized)
        .map_err(|e| anyhow!("invalid bip39 mnemonic: {e}"))
}

/// A fresh 24-word mnemonic from the operating system's random number generator.
pub(crate) fn fresh_mnemonic() -> Mnemonic {
    let mut entropy = Zeroizing::new([0u8; FRESH_ENTROPY_LEN]);
    OsRng.fill_bytes(entropy.as_mut_slice());
    Mnemonic::from_entropy(entropy.as_slice()).expect("32 bytes is a valid BIP-39 entropy length")
}

/// The private key at [`HD_PATH`] of a parsed mnemonic (empty BIP-39 passphrase).
pub(crate) fn derive_secret(mnemonic: &Mnemonic) -> Result<Secret> {
    let seed = Zeroizing::new(mnemonic.to_seed(""));
    let path = HD_PATH.parse().expect("HD_PATH is a valid derivation path");
    let xprv = bip32::XPrv::derive_from_path(seed.as_slice(), &path)
        .context("BIP-32 derivation failed")?;
    Secret::from_slice(&Zeroizing::new(xprv.to_bytes())[..])
}

/// The signing key at m/44'/118'/0'/0/0 of a BIP-39 mnemonic.
///
/// The mnemonic must be English with a valid checksum; whitespace and case are normalized.
pub fn derive(mnemonic: &str) -> Result<SigningKey> {
    derive_secret(&parse_mnemonic(mnemonic)?)?.signing_key()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyInfo;

    /// A 24-word mnemonic drawn once by cosmjs (`Bip39.encode(Random.getBytes(32))`).
    const MNEMONIC_24: &str = "loan cannon accident employ legal fossil produce entire mad shadow \
        victory gift essay way ordinary simple return glad beef kick obey glory spend napkin";
    /// A 12-word mnemonic from cosmjs's own test vectors.
    const MNEMONIC_12: &str =
        "enlist hip relief stomach skate base shallow young switch frequent cry park";

    fn address_of(mnemonic: &str) -> (String, String) {
        let key = derive(mnemonic).unwrap();
        let info = KeyInfo::new("k", key.public_key()).unwrap();
        (
            info.address.to_string(),
            info.address.to_bech32_with("cosmos"),
        )
    }

    /// Expected values computed independently with cosmjs 0.32.4 on Node 20:
    /// `(await (await DirectSecp256k1HdWallet.fromMnemonic(m, {prefix})).getAccounts())[0].address`
    /// for prefix "agora" and "cosmos".
    #[test]
    fn addresses_match_cosmjs() {
        assert_eq!(
            address_of(MNEMONIC_24),
            (
                "agora154w08psdpgfx9cm56cnfaec62g677hdys4luhj".into(),
                "cosmos154w08psdpgfx9cm56cnfaec62g677hdy4w9hfe".into()
            )
        );
        assert_eq!(
            address_of(MNEMONIC_12),
            (
                "agora14qemq0vw6y3gc3u3e0aty2e764u4gs5lu2dknk".into(),
                "cosmos14qemq0vw6y3gc3u3e0aty2e764u4gs5le3hada".into()
            )
        );
        // The BIP-39 "abandon ... about" vector; its cosmos address is widely published.
        let abandon = format!("{} about", ["abandon"; 11].join(" "));
        assert_eq!(
            address_of(&abandon),
            (
                "agora19rl4cm2hmr8afy4kldpxz3fka4jguq0aemhkp7".into(),
                "cosmos19rl4cm2hmr8afy4kldpxz3fka4jguq0auqdal4".into()
            )
        );
    }

    /// cosmjs's `getAccounts()[0].pubkey` (base64) for the 24-word mnemonic.
    #[test]
    fn public_key_matches_cosmjs() {
        let key = derive(MNEMONIC_24).unwrap();
        let info = KeyInfo::new("k", key.public_key()).unwrap();
        assert_eq!(
            info.pubkey_json(),
            r#"{"@type":"/cosmos.crypto.secp256k1.PubKey","key":"Avq0B/3PhQnsJkhpBbCshnDFHQyTwffFyv8sg0U/qAVH"}"#
        );
    }

    #[test]
    fn whitespace_and_case_are_normalized() {
        let messy = format!("  {}\n", MNEMONIC_12.to_uppercase().replace(' ', "  \t"));
        assert_eq!(address_of(&messy), address_of(MNEMONIC_12));
    }

    #[test]
    fn bad_mnemonics_are_rejected() {
        let unknown = MNEMONIC_12.replace("enlist", "enlistx");
        let err = derive(&unknown).err().unwrap().to_string();
        assert!(err.contains("unknown word"), "{err}");
        let checksum = MNEMONIC_12.replace("park", "cry");
        let err = derive(&checksum).err().unwrap().to_string();
        assert!(err.contains("invalid checksum"), "{err}");
        let short = "enlist hip relief";
        let err = derive(short).err().unwrap().to_string();
        assert!(err.contains("invalid bip39 mnemonic"), "{err}");
    }

    #[test]
    fn fresh_mnemonics_have_24_words_and_differ() {
        let a = fresh_mnemonic();
        let b = fresh_mnemonic();
        assert_eq!(a.word_count(), 24);
        assert_ne!(a.to_string(), b.to_string());
        assert!(derive(&a.to_string()).is_ok());
    }

    #[test]
    fn secrets_must_be_valid_scalars() {
        assert!(Secret::from_slice(&[0u8; 32]).is_err());
        assert!(Secret::from_slice(&[1u8; 31]).is_err());
        assert!(Secret::from_slice(&[1u8; 32]).is_ok());
    }
}
