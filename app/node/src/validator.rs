//! The validator's consensus key (`priv_validator_key.json`) and the precommits it signs.

use std::path::Path;

use anyhow::{anyhow, Context as _, Result};
use tendermint::block::{self, CommitSig};
use tendermint::vote::{self, Vote};
use tendermint::{account, chain, PrivateKey, PublicKey, Signature, Time};
use tendermint_config::PrivValidatorKey;

/// Voting power of the single validator when genesis gives none.
pub const DEFAULT_POWER: u64 = 10;

/// The node's validator key.
pub struct PrivValidator {
    key: PrivValidatorKey,
    signer: ed25519_consensus::SigningKey,
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
        Ok(Self { key, signer })
    }

    /// Writes `priv_validator_key.json` in CometBFT's shape.
    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_string_pretty(&self.key)?;
        std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))
    }

    /// The validator's consensus address (first 20 bytes of SHA-256 of the public key).
    pub fn address(&self) -> account::Id {
        self.key.address
    }

    /// The validator's consensus public key.
    pub fn public_key(&self) -> PublicKey {
        self.key.pub_key
    }

    /// Signs a precommit for `block_id` at `height`, round 0, over CometBFT's canonical vote
    /// sign bytes, and returns it as the commit signature stored in the block's commit.
    pub fn sign_precommit(
        &self,
        chain_id: &chain::Id,
        height: block::Height,
        block_id: block::Id,
        timestamp: Time,
        validator_index: u32,
    ) -> Result<CommitSig> {
        let vote = Vote {
            vote_type: vote::Type::Precommit,
            height,
            round: block::Round::default(),
            block_id: Some(block_id),
            timestamp: Some(timestamp),
            validator_address: self.address(),
            validator_index: validator_index.try_into()?,
            signature: None,
            extension: vec![],
            extension_signature: None,
        };
        let sign_bytes = vote.into_signable_vec(chain_id.clone());
        let signature = self.signer.sign(&sign_bytes);
        Ok(CommitSig::BlockIdFlagCommit {
            validator_address: self.address(),
            timestamp,
            signature: Signature::new(signature.to_bytes())?,
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
}
