//! What CometBFT tells the app about validators, modelled for tests and benchmarks that drive
//! the app directly: the set at each height (updates from block h's EndBlock take effect at
//! h + 2) and the `decided_last_commit` of each block.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};
use tendermint_proto::v0_38::abci::{CommitInfo, Validator, ValidatorUpdate, VoteInfo};
use tendermint_proto::v0_38::crypto::public_key::Sum;
use tendermint_proto::v0_38::types::BlockIdFlag;

/// An ed25519 consensus key's CometBFT address: the first 20 bytes of its SHA-256.
pub fn consensus_address(key: &[u8]) -> Vec<u8> {
    Sha256::digest(key)[..20].to_vec()
}

/// The validator set (ed25519 key -> power) of every height from the first block on.
#[derive(Clone, Debug, Default)]
pub struct ValidatorSets {
    sets: BTreeMap<u64, BTreeMap<Vec<u8>, i64>>,
}

fn apply(set: &mut BTreeMap<Vec<u8>, i64>, updates: &[ValidatorUpdate]) {
    for u in updates {
        let Some(Sum::Ed25519(key)) = u.pub_key.as_ref().and_then(|k| k.sum.clone()) else {
            continue;
        };
        if u.power == 0 {
            set.remove(&key);
        } else {
            set.insert(key, u.power);
        }
    }
}

impl ValidatorSets {
    /// The sets of a chain starting at `initial_height` with InitChain's `genesis` set
    /// (which also signs the block after it).
    pub fn new(initial_height: u64, genesis: &[ValidatorUpdate]) -> Self {
        let mut set = BTreeMap::new();
        apply(&mut set, genesis);
        let mut sets = BTreeMap::new();
        sets.insert(initial_height, set.clone());
        sets.insert(initial_height + 1, set);
        Self { sets }
    }

    /// Records block `height`'s updates: they form the set of `height + 2`.
    pub fn finalized(&mut self, height: u64, updates: &[ValidatorUpdate]) {
        let mut next = self.at(height + 1).clone();
        apply(&mut next, updates);
        self.sets.insert(height + 2, next);
    }

    /// The set that signs block `height` (the latest known at or below it).
    pub fn at(&self, height: u64) -> &BTreeMap<Vec<u8>, i64> {
        static EMPTY: BTreeMap<Vec<u8>, i64> = BTreeMap::new();
        self.sets
            .range(..=height)
            .next_back()
            .map_or(&EMPTY, |(_, set)| set)
    }

    /// The `decided_last_commit` of block `height`: the previous block's set, each vote
    /// `Commit` except the keys in `absent`. `None` for the chain's first block.
    pub fn last_commit(&self, height: u64, absent: &BTreeSet<Vec<u8>>) -> Option<CommitInfo> {
        let first = *self.sets.keys().next()?;
        if height <= first {
            return None;
        }
        let votes = self
            .at(height - 1)
            .iter()
            .map(|(key, &power)| VoteInfo {
                validator: Some(Validator {
                    address: consensus_address(key).into(),
                    power,
                }),
                block_id_flag: if absent.contains(key) {
                    BlockIdFlag::Absent
                } else {
                    BlockIdFlag::Commit
                } as i32,
            })
            .collect();
        Some(CommitInfo { round: 0, votes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tendermint_proto::v0_38::crypto::PublicKey;

    fn update(key: u8, power: i64) -> ValidatorUpdate {
        ValidatorUpdate {
            pub_key: Some(PublicKey {
                sum: Some(Sum::Ed25519(vec![key; 32])),
            }),
            power,
        }
    }

    #[test]
    fn updates_take_effect_two_blocks_later() {
        let mut sets = ValidatorSets::new(1, &[update(1, 10)]);
        assert!(sets.last_commit(1, &BTreeSet::new()).is_none());
        sets.finalized(1, &[update(2, 5)]);
        sets.finalized(2, &[update(1, 0)]);
        assert_eq!(sets.at(2).len(), 1);
        assert_eq!(sets.at(3).len(), 2);
        assert_eq!(sets.at(4).keys().collect::<Vec<_>>(), [&vec![2; 32]]);
        let absent = BTreeSet::from([vec![1; 32]]);
        let commit = sets.last_commit(4, &absent).unwrap();
        let flags: Vec<_> = commit.votes.iter().map(|v| v.block_id_flag).collect();
        assert_eq!(
            flags,
            [BlockIdFlag::Absent as i32, BlockIdFlag::Commit as i32]
        );
    }
}
