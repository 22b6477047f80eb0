//! The validator's consensus key (`priv_validator_key.json`) and the precommits it signs,
//! guarded by the sign state (`priv_validator_state.json`, see [`crate::sign_state`]).

use std::path::Path;
use std::sync::Mutex;

use anyhow::{anyhow, bail, Context as _, Result};
use tendermint::block::{self, Commit, CommitSig};
use tendermint::vote::{self, Vote};
use tendermint::{account, chain, PrivateKey, PublicKey, Signature, Time};
use tendermint_config::PrivValidatorKey;

use crate::files;
use crate::sign_state::{Decision, SignState, SignStateFile, STEP_PRECOMMIT};

/// Voting power of the single validator when genesis gives none.
pub const DEFAULT_POWER: u64 = 10;

/// The node's validator key and, once opened, its sign state.
pub struct PrivValidator {
    key: PrivValidatorKey,
    signer: ed25519_consensus::SigningKey,
    last_signed: Mutex<Option<SignStateFile>>,
}

impl PrivValidator {
    /// Reads `priv_validator_key.json`.
    pub fn load(path: &Path) -> Result<Self> {
        let key = PrivValidatorKey::load_json_file(&path)
            .map_err(|e| anyhow!("cannot load {}: {e}", path.display()))?;
        Self::from_key(key)
    }

    /// A fresh random key, as `agorad init` creates.
    pub fn generate() -> Result<Self> {
        let signer = ed25519_consensus::SigningKey::new(rand::rngs::OsRng);
        let priv_key = PrivateKey::from_ed25519_consensus(signer);
        let pub_key = priv_key.public_key();
        Self::from_key(PrivValidatorKey {
            address: account::Id::from(pub_key),
            pub_key,
            priv_key,
        })
    }

    fn from_key(key: PrivValidatorKey) -> Result<Self> {
        let bytes = key
            .priv_key
            .ed25519_signing_key()
            .ok_or_else(|| anyhow!("priv_validator_key.json must hold an ed25519 key"))?
            .as_bytes();
        let signer = ed25519_consensus::SigningKey::try_from(bytes)
            .map_err(|e| anyhow!("bad ed25519 key: {e}"))?;
        Ok(Self {
            key,
            signer,
            last_signed: Mutex::new(None),
        })
    }

    /// Writes `priv_validator_key.json` in CometBFT's shape, atomically, with mode 0600.
    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_string_pretty(&self.key)?;
        files::write_atomic(path, json.as_bytes(), true)
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Opens the sign state at `path` (creating it when missing), raised to `floor` when that
    /// is higher; returns it. Signing refuses until this has been called.
    pub fn open_sign_state(&self, path: &Path, floor: Option<SignState>) -> Result<SignState> {
        let file = SignStateFile::open(path, floor)?;
        let state = file.state().clone();
        *self.last_signed.lock().expect("sign state lock poisoned") = Some(file);
        Ok(state)
    }

    /// The sign state a stored `commit` proves: this validator's precommit in it, with its
    /// sign bytes rebuilt. `None` when the commit holds no signature of this validator.
    pub fn signed_in(&self, chain_id: &chain::Id, commit: &Commit) -> Result<Option<SignState>> {
        for (index, sig) in commit.signatures.iter().enumerate() {
            let CommitSig::BlockIdFlagCommit {
                validator_address,
                timestamp,
                signature: Some(signature),
            } = sig
            else {
                continue;
            };
            if *validator_address != self.address() {
                continue;
            }
            let sign_bytes = self.precommit_sign_bytes(
                chain_id,
                commit.height,
                commit.round,
                commit.block_id,
                *timestamp,
                index as u32,
            )?;
            return Ok(Some(SignState {
                height: commit.height.value(),
                round: commit.round.value() as i32,
                step: STEP_PRECOMMIT,
                signature: signature.as_bytes().to_vec(),
                sign_bytes,
            }));
        }
        Ok(None)
    }

    /// The validator's consensus address (first 20 bytes of SHA-256 of the public key).
    pub fn address(&self) -> account::Id {
        self.key.address
    }

    /// The validator's consensus public key.
    pub fn public_key(&self) -> PublicKey {
        self.key.pub_key
    }

    fn precommit_sign_bytes(
        &self,
        chain_id: &chain::Id,
        height: block::Height,
        round: block::Round,
        block_id: block::Id,
        timestamp: Time,
        validator_index: u32,
    ) -> Result<Vec<u8>> {
        let vote = Vote {
            vote_type: vote::Type::Precommit,
            height,
            round,
            block_id: Some(block_id),
            timestamp: Some(timestamp),
            validator_address: self.address(),
            validator_index: validator_index.try_into()?,
            signature: None,
            extension: vec![],
            extension_signature: None,
        };
        Ok(vote.into_signable_vec(chain_id.clone()))
    }

    /// Signs a precommit for `block_id` at `height`, round 0, over CometBFT's canonical vote
    /// sign bytes, and returns it as the commit signature stored in the block's commit.
    ///
    /// The sign state is saved (fsynced) before the signature is returned. A different vote
    /// at a height already signed is refused; the same vote (even with another timestamp)
    /// gets the stored signature and timestamp back, as CometBFT's FilePV does.
    pub fn sign_precommit(
        &self,
        chain_id: &chain::Id,
        height: block::Height,
        block_id: block::Id,
        timestamp: Time,
        validator_index: u32,
    ) -> Result<CommitSig> {
        let round = block::Round::default();
        let sign_bytes = self.precommit_sign_bytes(
            chain_id,
            height,
            round,
            block_id,
            timestamp,
            validator_index,
        )?;
        let mut guard = self.last_signed.lock().expect("sign state lock poisoned");
        let Some(file) = guard.as_mut() else {
            bail!("the sign state (priv_validator_state.json) is not open: run the handshake before signing");
        };
        let (signature, timestamp) = match file.state().check(
            height.value(),
            round.value() as i32,
            STEP_PRECOMMIT,
            &sign_bytes,
        )? {
            Decision::Same => (file.state().signature.clone(), timestamp),
            Decision::SameButTimestamp(stored) => (file.state().signature.clone(), stored),
            Decision::Sign => {
                let signature = self.signer.sign(&sign_bytes).to_bytes().to_vec();
                file.save(SignState {
                    height: height.value(),
                    round: round.value() as i32,
                    step: STEP_PRECOMMIT,
                    signature: signature.clone(),
                    sign_bytes,
                })?;
                (signature, timestamp)
            }
        };
        Ok(CommitSig::BlockIdFlagCommit {
            validator_address: self.address(),
            timestamp,
            signature: Signature::new(signature)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tendermint::{hash::Algorithm, Hash};

    #[test]
    fn key_file_round_trips_and_precommits_verify() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("priv_validator_key.json");
        let v = PrivValidator::generate().unwrap();
        v.save(&path).unwrap();
        let loaded = PrivValidator::load(&path).unwrap();
        assert_eq!(loaded.address(), v.address());
        assert_eq!(
            files::exposed_mode(&path).unwrap(),
            None,
            "the key file is 0600"
        );
        loaded
            .open_sign_state(&dir.path().join("priv_validator_state.json"), None)
            .unwrap();

        let chain_id: chain::Id = "agora-test".parse().unwrap();
        let block_id = block::Id {
            hash: Hash::from_bytes(Algorithm::Sha256, &[7; 32]).unwrap(),
            part_set_header: Default::default(),
        };
        let time = Time::unix_epoch();
        let height = block::Height::from(5u32);
        let CommitSig::BlockIdFlagCommit { signature, .. } = loaded
            .sign_precommit(&chain_id, height, block_id, time, 0)
            .unwrap()
        else {
            panic!("not a commit signature");
        };
        let vote = Vote {
            vote_type: vote::Type::Precommit,
            height,
            round: block::Round::default(),
            block_id: Some(block_id),
            timestamp: Some(time),
            validator_address: v.address(),
            validator_index: 0u32.try_into().unwrap(),
            signature: None,
            extension: vec![],
            extension_signature: None,
        };
        let bytes = vote.into_signable_vec(chain_id);
        let PublicKey::Ed25519(pk) = v.public_key() else {
            panic!()
        };
        let vk = ed25519_consensus::VerificationKey::try_from(pk.as_bytes()).unwrap();
        let sig = ed25519_consensus::Signature::try_from(signature.unwrap().as_bytes()).unwrap();
        vk.verify(&sig, &bytes).unwrap();
        let mut tampered = bytes.clone();
        tampered[5] ^= 1;
        assert!(vk.verify(&sig, &tampered).is_err());
    }

    fn block(byte: u8) -> block::Id {
        block::Id {
            hash: Hash::from_bytes(Algorithm::Sha256, &[byte; 32]).unwrap(),
            part_set_header: Default::default(),
        }
    }

    fn signature(sig: &CommitSig) -> (Time, Vec<u8>) {
        let CommitSig::BlockIdFlagCommit {
            timestamp,
            signature,
            ..
        } = sig
        else {
            panic!("not a commit signature");
        };
        (*timestamp, signature.as_ref().unwrap().as_bytes().to_vec())
    }

    #[test]
    fn the_signer_never_signs_two_blocks_at_one_height_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("priv_validator_state.json");
        let key = dir.path().join("priv_validator_key.json");
        let v = PrivValidator::generate().unwrap();
        v.save(&key).unwrap();
        let chain_id: chain::Id = "agora-test".parse().unwrap();
        let h = |n: u32| block::Height::from(n);
        let t = |s: i64| Time::from_unix_timestamp(s, 0).unwrap();
        assert!(
            v.sign_precommit(&chain_id, h(1), block(1), t(1), 0)
                .is_err(),
            "no signing before the sign state is open"
        );
        v.open_sign_state(&state, None).unwrap();
        let first = v
            .sign_precommit(&chain_id, h(3), block(1), t(10), 0)
            .unwrap();
        // The same block again, even at another time: the stored signature and timestamp.
        let again = v
            .sign_precommit(&chain_id, h(3), block(1), t(99), 0)
            .unwrap();
        assert_eq!(signature(&again), signature(&first));
        let err = v
            .sign_precommit(&chain_id, h(3), block(2), t(10), 0)
            .unwrap_err();
        assert!(err.to_string().contains("conflicting data"), "{err}");
        let err = v
            .sign_precommit(&chain_id, h(2), block(2), t(10), 0)
            .unwrap_err();
        assert!(err.to_string().contains("height regression"), "{err}");

        // A restarted signer (same key, same state file) refuses the same.
        let restarted = PrivValidator::load(&key).unwrap();
        restarted.open_sign_state(&state, None).unwrap();
        assert!(restarted
            .sign_precommit(&chain_id, h(3), block(2), t(10), 0)
            .is_err());
        let resigned = restarted
            .sign_precommit(&chain_id, h(3), block(1), t(50), 0)
            .unwrap();
        assert_eq!(signature(&resigned), signature(&first));
        let next = restarted
            .sign_precommit(&chain_id, h(4), block(2), t(11), 0)
            .unwrap();

        // Without the file, the state comes back from the stored commit that holds the vote.
        std::fs::remove_file(&state).unwrap();
        let commit = Commit {
            height: h(4),
            round: block::Round::default(),
            block_id: block(2),
            signatures: vec![next.clone()],
        };
        let floor = restarted.signed_in(&chain_id, &commit).unwrap();
        let wiped = PrivValidator::load(&key).unwrap();
        let opened = wiped.open_sign_state(&state, floor).unwrap();
        assert_eq!(opened.height, 4);
        assert!(wiped
            .sign_precommit(&chain_id, h(4), block(3), t(11), 0)
            .is_err());
        let same = wiped
            .sign_precommit(&chain_id, h(4), block(2), t(12), 0)
            .unwrap();
        assert_eq!(signature(&same), signature(&next));
    }
}
