//! secp256k1 signature checks (libsecp256k1), and a block's checks run in parallel up front.

use std::collections::HashSet;

use agora_core::Context;

use rayon::prelude::*;
use ripemd::Ripemd160;
use secp256k1::{ecdsa::Signature, Message, PublicKey, SECP256K1};
use sha2::{Digest, Sha256};

use crate::runner::PreparedTx;

/// The account address of a compressed secp256k1 key: RIPEMD-160(SHA-256(key)), as the SDK derives it.
pub fn pubkey_address(pub_key: &[u8]) -> Vec<u8> {
    Ripemd160::digest(Sha256::digest(pub_key)).to_vec()
}

/// Whether `signature` (64-byte compact r||s, low-S) signs SHA-256(`sign_bytes`) under `pub_key`.
/// High-S signatures are rejected, as the SDK rejects malleable signatures.
pub fn verify(pub_key: &[u8], sign_bytes: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = PublicKey::from_slice(pub_key) else {
        return false;
    };
    let Ok(sig) = Signature::from_compact(signature) else {
        return false;
    };
    let digest: [u8; 32] = Sha256::digest(sign_bytes).into();
    SECP256K1
        .verify_ecdsa(&Message::from_digest(digest), &sig, &key)
        .is_ok()
}

/// Identifies one (key, signed bytes, signature) triple.
fn check_id(pub_key: &[u8], sign_bytes: &[u8], signature: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [pub_key, sign_bytes, signature] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

/// Signature checks already known to pass. The ante handler asks it before verifying; what it
/// holds never changes a result, only saves the work, so execution stays deterministic.
#[derive(Default)]
pub struct VerifiedSignatures(HashSet<[u8; 32]>);

/// One signature to check: the key, the bytes it should sign, the signature.
pub struct SignatureCheck {
    /// Compressed secp256k1 public key.
    pub pub_key: Vec<u8>,
    /// The SIGN_MODE_DIRECT sign bytes.
    pub sign_bytes: Vec<u8>,
    /// The 64-byte signature.
    pub signature: Vec<u8>,
}

impl VerifiedSignatures {
    /// Verifies `checks` on all cores and remembers the ones that pass.
    pub fn precheck(checks: Vec<SignatureCheck>) -> Self {
        Self(
            checks
                .into_par_iter()
                .filter(|c| verify(&c.pub_key, &c.sign_bytes, &c.signature))
                .map(|c| check_id(&c.pub_key, &c.sign_bytes, &c.signature))
                .collect(),
        )
    }

    /// Verifies `checks` on this thread (one tx's signatures, before it takes the app lock).
    pub fn verify_now(checks: Vec<SignatureCheck>) -> Self {
        Self(
            checks
                .into_iter()
                .filter(|c| verify(&c.pub_key, &c.sign_bytes, &c.signature))
                .map(|c| check_id(&c.pub_key, &c.sign_bytes, &c.signature))
                .collect(),
        )
    }

    /// Whether the signature is valid, from the precheck or by verifying it now.
    pub fn check(&self, pub_key: &[u8], sign_bytes: &[u8], signature: &[u8]) -> bool {
        self.0.contains(&check_id(pub_key, sign_bytes, signature))
            || verify(pub_key, sign_bytes, signature)
    }
}

/// The signature checks of `txs` against the accounts in `ctx`'s state: each signer's key (sent
/// in the tx or stored) and account number. Signers without an account or key are skipped; the
/// ante handler verifies those itself.
pub(crate) fn signature_checks<'a>(
    ctx: &mut Context,
    chain_id: &str,
    txs: impl Iterator<Item = &'a PreparedTx>,
) -> Vec<SignatureCheck> {
    let mut checks = Vec::new();
    for prepared in txs {
        let (tx, Ok(signers)) = (&prepared.tx, &prepared.signers) else {
            continue;
        };
        for ((addr, info), signature) in signers.iter().zip(&tx.signers).zip(&tx.signatures) {
            let Ok(Some(account)) = agora_auth::keeper::account(ctx, addr) else {
                continue;
            };
            let Some(pub_key) = info.pub_key.clone().or(account.pub_key) else {
                continue;
            };
            checks.push(SignatureCheck {
                pub_key,
                sign_bytes: tx.sign_bytes(chain_id, account.account_number),
                signature: signature.clone(),
            });
        }
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_and_rejects() {
        let sk = secp256k1::SecretKey::from_slice(&[7u8; 32]).unwrap();
        let pk = PublicKey::from_secret_key(SECP256K1, &sk).serialize();
        let digest: [u8; 32] = Sha256::digest(b"doc").into();
        let sig = SECP256K1
            .sign_ecdsa(&Message::from_digest(digest), &sk)
            .serialize_compact();
        assert!(verify(&pk, b"doc", &sig));
        assert!(!verify(&pk, b"dod", &sig));
        assert!(!verify(&pk, b"doc", &sig[..63]));
        assert_eq!(pubkey_address(&pk).len(), 20);
    }
}
