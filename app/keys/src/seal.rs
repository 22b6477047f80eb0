//! Passphrase-based encryption: Argon2id derives a 256-bit key from the passphrase and a random
//! salt, XChaCha20-Poly1305 encrypts and authenticates with a random 192-bit nonce.
//!
//! Cost: Argon2id v1.3 with 19 MiB of memory, 2 passes, 1 lane (OWASP's recommended minimum),
//! about 20-50 ms per derivation on a laptop core, so tests stay fast while guessing a
//! passphrase offline stays expensive. The parameters are stored next to each ciphertext, so
//! they can be raised later without breaking existing files.

use anyhow::{anyhow, bail, Result};
use argon2::{password_hash::PasswordHasher, password_hash::PasswordVerifier, Algorithm, Argon2};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::{rngs::OsRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Argon2id memory cost in KiB (19 MiB).
pub(crate) const M_COST_KIB: u32 = 19 * 1024;
/// Argon2id passes over memory.
pub(crate) const T_COST: u32 = 2;
/// Argon2id lanes.
pub(crate) const P_COST: u32 = 1;

/// Largest memory cost accepted from a file (1 GiB), so a crafted file cannot exhaust memory.
const MAX_M_COST_KIB: u32 = 1024 * 1024;
/// Largest number of passes accepted from a file.
const MAX_T_COST: u32 = 64;
/// Largest number of lanes accepted from a file.
const MAX_P_COST: u32 = 16;

/// Bytes of random salt.
pub(crate) const SALT_LEN: usize = 16;
/// Bytes of an XChaCha20-Poly1305 nonce.
pub(crate) const NONCE_LEN: usize = 24;

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct KdfParams {
    /// Memory in KiB.
    pub m_cost: u32,
    /// Passes.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl KdfParams {
    /// The parameters new ciphertexts use.
    pub(crate) const DEFAULT: Self = Self {
        m_cost: M_COST_KIB,
        t_cost: T_COST,
        p_cost: P_COST,
    };

    fn argon2(&self) -> Result<Argon2<'static>> {
        if self.m_cost > MAX_M_COST_KIB || self.t_cost > MAX_T_COST || self.p_cost > MAX_P_COST {
            bail!(
                "argon2 parameters m={},t={},p={} exceed the accepted maximum m={MAX_M_COST_KIB},t={MAX_T_COST},p={MAX_P_COST}",
                self.m_cost,
                self.t_cost,
                self.p_cost
            );
        }
        let params = argon2::Params::new(self.m_cost, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| anyhow!("invalid argon2 parameters: {e}"))?;
        Ok(Argon2::new(
            Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        ))
    }

    fn derive_key(&self, passphrase: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let mut key = Zeroizing::new([0u8; 32]);
        self.argon2()?
            .hash_password_into(passphrase, salt, key.as_mut_slice())
            .map_err(|e| anyhow!("argon2 key derivation failed: {e}"))?;
        Ok(key)
    }
}

/// A ciphertext with everything needed to decrypt it given the passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Sealed {
    /// Argon2id costs.
    #[serde(flatten)]
    pub kdf: KdfParams,
    /// Argon2id salt.
    #[serde(with = "hex")]
    pub salt: Vec<u8>,
    /// XChaCha20-Poly1305 nonce.
    #[serde(with = "hex")]
    pub nonce: Vec<u8>,
    /// Ciphertext followed by the 16-byte Poly1305 tag.
    #[serde(with = "hex")]
    pub ciphertext: Vec<u8>,
}

/// Encrypts `plaintext` under `passphrase`, authenticating `aad` along with it.
pub(crate) fn seal(passphrase: &[u8], plaintext: &[u8], aad: &[u8]) -> Result<Sealed> {
    let mut salt = vec![0u8; SALT_LEN];
    let mut nonce = vec![0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut nonce);
    let kdf = KdfParams::DEFAULT;
    let key = kdf.derive_key(passphrase, &salt)?;
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    let nonce_array = XNonce::try_from(nonce.as_slice()).expect("NONCE_LEN bytes");
    let ciphertext = cipher
        .encrypt(
            &nonce_array,
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| anyhow!("encryption failed"))?;
    Ok(Sealed {
        kdf,
        salt,
        nonce,
        ciphertext,
    })
}

/// Decrypts what [`seal`] made; `None` if the passphrase or `aad` is wrong or the data was altered.
pub(crate) fn open(
    passphrase: &[u8],
    sealed: &Sealed,
    aad: &[u8],
) -> Result<Option<Zeroizing<Vec<u8>>>> {
    if sealed.salt.len() < 8 {
        bail!("salt of {} bytes is too short", sealed.salt.len());
    }
    let nonce = XNonce::try_from(sealed.nonce.as_slice()).map_err(|_| {
        anyhow!(
            "nonce must be {NONCE_LEN} bytes, got {}",
            sealed.nonce.len()
        )
    })?;
    let key = sealed.kdf.derive_key(passphrase, &sealed.salt)?;
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    let plaintext = cipher.decrypt(
        &nonce,
        Payload {
            msg: &sealed.ciphertext,
            aad,
        },
    );
    Ok(plaintext.ok().map(Zeroizing::new))
}

/// A PHC string (`$argon2id$v=19$m=...`) of `passphrase` with a random salt, for checking it later.
pub(crate) fn hash_passphrase(passphrase: &[u8]) -> Result<String> {
    let mut salt = [0u8; SALT_LEN];
    OsRng.fill_bytes(&mut salt);
    let hash = KdfParams::DEFAULT
        .argon2()?
        .hash_password_with_salt(passphrase, &salt)
        .map_err(|e| anyhow!("hashing the passphrase failed: {e}"))?;
    Ok(hash.to_string())
}

/// Whether `passphrase` matches a PHC string made by [`hash_passphrase`].
pub(crate) fn verify_passphrase(passphrase: &[u8], phc: &str) -> Result<bool> {
    let hash = argon2::PasswordHash::new(phc.trim())
        .map_err(|e| anyhow!("unreadable passphrase hash: {e}"))?;
    let params = argon2::Params::try_from(&hash)
        .map_err(|e| anyhow!("unreadable passphrase hash parameters: {e}"))?;
    // Refuses absurd costs before running the hash.
    KdfParams {
        m_cost: params.m_cost(),
        t_cost: params.t_cost(),
        p_cost: params.p_cost(),
    }
    .argon2()?;
    match Argon2::default().verify_password(passphrase, &hash) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
        Err(e) => bail!("checking the passphrase failed: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_failures() {
        let sealed = seal(b"correct horse", b"secret bytes", b"aad").unwrap();
        assert_eq!(sealed.kdf, KdfParams::DEFAULT);
        assert_eq!(sealed.ciphertext.len(), b"secret bytes".len() + 16);
        let plain = open(b"correct horse", &sealed, b"aad").unwrap().unwrap();
        assert_eq!(plain.as_slice(), b"secret bytes");
        assert!(open(b"wrong horse", &sealed, b"aad").unwrap().is_none());
        assert!(open(b"correct horse", &sealed, b"other").unwrap().is_none());
        let mut tampered = sealed.clone();
        tampered.ciphertext[0] ^= 1;
        assert!(open(b"correct horse", &tampered, b"aad").unwrap().is_none());
    }

    #[test]
    fn salts_and_nonces_are_fresh() {
        let a = seal(b"pw", b"x", b"").unwrap();
        let b = seal(b"pw", b"x", b"").unwrap();
        assert_ne!(a.salt, b.salt);
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
    }

    #[test]
    fn absurd_costs_are_refused() {
        let mut sealed = seal(b"pw", b"x", b"").unwrap();
        sealed.kdf.m_cost = u32::MAX;
        let err = open(b"pw", &sealed, b"").unwrap_err().to_string();
        assert!(err.contains("exceed the accepted maximum"), "{err}");
    }

    #[test]
    fn passphrase_hash_verifies() {
        let phc = hash_passphrase(b"open sesame").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_passphrase(b"open sesame", &phc).unwrap());
        assert!(!verify_passphrase(b"open sesame!", &phc).unwrap());
        assert!(verify_passphrase(b"x", "not a hash").is_err());
    }
}
