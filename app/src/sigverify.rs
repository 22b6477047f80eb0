//! secp256k1 signature checks (libsecp256k1), a block's checks run in parallel up front, and
//! a cache of the checks CheckTx passed, so a tx is not verified again in its block.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

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

/// Signature checks that passed recently, by id, so a tx's signatures are verified once, when
/// CheckTx admits it, and not again in its block. Verification is a pure function of the key,
/// the bytes and the signature, so a remembered pass is the answer verifying would give.
/// Bounded: past `capacity` ids the oldest go first.
pub struct SignatureCache {
    capacity: usize,
    inner: Mutex<RecentIds>,
}

/// The remembered ids, as a set and in arrival order.
#[derive(Default)]
struct RecentIds {
    set: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
}

impl SignatureCache {
    /// A cache of at most `capacity` passed checks (0: remembers nothing).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(RecentIds::default()),
        }
    }

    fn remember(&self, ids: impl IntoIterator<Item = [u8; 32]>) {
        let mut inner = self.inner.lock().expect("signature cache poisoned");
        let RecentIds { set, order } = &mut *inner;
        for id in ids {
            if self.capacity > 0 && set.insert(id) {
                order.push_back(id);
            }
            while order.len() > self.capacity {
                let oldest = order.pop_front().expect("not empty");
                set.remove(&oldest);
            }
        }
    }

    fn known(&self, id: &[u8; 32]) -> bool {
        let inner = self.inner.lock().expect("signature cache poisoned");
        inner.set.contains(id)
    }
}

/// One signature to check: the key, the bytes it should sign, the signature.
pub struct SignatureCheck {
    /// Compressed secp256k1 public key.
    pub pub_key: Vec<u8>,
    /// The bytes signed: the SIGN_MODE_DIRECT `SignDoc` or the amino JSON sign doc.
    pub sign_bytes: Vec<u8>,
    /// The 64-byte signature.
    pub signature: Vec<u8>,
}

impl VerifiedSignatures {
    /// Verifies a block's `checks` on all cores, except those `cache` knows passed, and
    /// remembers the ones that pass.
    pub fn precheck(checks: Vec<SignatureCheck>, cache: &SignatureCache) -> Self {
        Self(
            checks
                .into_par_iter()
                .filter_map(|c| {
                    let id = check_id(&c.pub_key, &c.sign_bytes, &c.signature);
                    (cache.known(&id) || verify(&c.pub_key, &c.sign_bytes, &c.signature))
                        .then_some(id)
                })
                .collect(),
        )
    }

    /// Verifies `checks` on this thread (one tx's signatures, in CheckTx before any lock) and
    /// records the passes in `cache` for the tx's block.
    pub fn verify_now(checks: Vec<SignatureCheck>, cache: &SignatureCache) -> Self {
        let passed = Self(
            checks
                .into_iter()
                .filter(|c| verify(&c.pub_key, &c.sign_bytes, &c.signature))
                .map(|c| check_id(&c.pub_key, &c.sign_bytes, &c.signature))
                .collect(),
        );
        cache.remember(passed.0.iter().copied());
        passed
    }

    /// How many checks passed (tests count what the precheck settled).
    #[cfg(test)]
    pub(crate) fn passed(&self) -> usize {
        self.0.len()
    }

    /// Whether the signature is valid, from the precheck or by verifying it now.
    pub fn check(&self, pub_key: &[u8], sign_bytes: &[u8], signature: &[u8]) -> bool {
        self.0.contains(&check_id(pub_key, sign_bytes, signature))
            || verify(pub_key, sign_bytes, signature)
    }
}

/// The signature checks of `txs` against the accounts in `ctx`'s state: each signer's key (sent
/// in the tx or stored), account number and sign mode (direct or amino JSON). Signers without
/// an account or key, or whose sign bytes cannot be built, are skipped; the ante handler
/// verifies (or refuses) those itself.
pub(crate) fn signature_checks<'a>(
    ctx: &mut Context,
    auth: &agora_auth::Keeper,
    chain_id: &str,
    txs: impl Iterator<Item = &'a PreparedTx>,
) -> Vec<SignatureCheck> {
    let mut checks = Vec::new();
    for prepared in txs {
        let (tx, Ok(signers)) = (&prepared.tx, &prepared.signers) else {
            continue;
        };
        for ((addr, info), signature) in signers.iter().zip(&tx.signers).zip(&tx.signatures) {
            let Ok(Some(account)) = auth.account(ctx, addr) else {
                continue;
            };
            let Some(pub_key) = info.pub_key.clone().or(account.pub_key) else {
                continue;
            };
            let Some(Ok(sign_bytes)) = tx.signed_bytes(info, chain_id, account.account_number)
            else {
                continue;
            };
            checks.push(SignatureCheck {
                pub_key,
                sign_bytes,
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

    fn signed(byte: u8, doc: &[u8]) -> SignatureCheck {
        let sk = secp256k1::SecretKey::from_slice(&[byte; 32]).unwrap();
        let digest: [u8; 32] = Sha256::digest(doc).into();
        SignatureCheck {
            pub_key: PublicKey::from_secret_key(SECP256K1, &sk)
                .serialize()
                .to_vec(),
            sign_bytes: doc.to_vec(),
            signature: SECP256K1
                .sign_ecdsa(&Message::from_digest(digest), &sk)
                .serialize_compact()
                .to_vec(),
        }
    }

    fn id(c: &SignatureCheck) -> [u8; 32] {
        check_id(&c.pub_key, &c.sign_bytes, &c.signature)
    }

    #[test]
    fn checktx_passes_are_remembered_for_the_block_and_failures_never_are() {
        let cache = SignatureCache::new(2);
        let good = signed(1, b"a");
        let mut bad = signed(2, b"b");
        bad.sign_bytes = b"c".to_vec();
        let (good_id, bad_id) = (id(&good), id(&bad));
        let passed = VerifiedSignatures::verify_now(vec![good, bad], &cache);
        assert!(passed.0.contains(&good_id) && !passed.0.contains(&bad_id));
        assert!(cache.known(&good_id) && !cache.known(&bad_id));

        // The block's precheck takes the remembered pass and still refuses the bad one.
        let mut again = signed(2, b"b");
        again.sign_bytes = b"c".to_vec();
        let block = VerifiedSignatures::precheck(vec![signed(1, b"a"), again], &cache);
        assert!(block.0.contains(&good_id) && !block.0.contains(&bad_id));

        // Bounded: the oldest pass goes first.
        let (second, third) = (signed(3, b"d"), signed(4, b"e"));
        let (second_id, third_id) = (id(&second), id(&third));
        VerifiedSignatures::verify_now(vec![second, third], &cache);
        assert!(!cache.known(&good_id));
        assert!(cache.known(&second_id) && cache.known(&third_id));
        let none = SignatureCache::new(0);
        VerifiedSignatures::verify_now(vec![signed(5, b"f")], &none);
        assert!(!none.known(&id(&signed(5, b"f"))));
    }
}
