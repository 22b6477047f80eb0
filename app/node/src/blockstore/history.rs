//! The chain's validator sets and consensus params, stored as change points:
//! `v/<height>` → the validator set that starts at that height (protobuf `ValidatorSet`) and
//! `p/<height>` → the consensus params that start there (protobuf `ConsensusParams`).
//!
//! A block's change points are written in the batch that stores its FinalizeBlock results, so
//! they are never behind them. The engine loads the recent ones at start instead of replaying
//! every block's results, and heights older than it keeps in memory are read from here.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use rocksdb::{Direction, IteratorMode, WriteBatch};
use tendermint::{consensus, validator};
use tendermint_proto::v0_38::types as raw;
use tendermint_proto::Protobuf;

use super::{height_key, read_u64, BlockStore};

/// Validator sets and consensus params to store, each with the height it starts at.
#[derive(Debug, Default)]
pub struct HistoryRecords<'a> {
    /// (start height, set).
    pub validators: Vec<(u64, &'a validator::Set)>,
    /// (start height, params).
    pub params: Vec<(u64, &'a consensus::Params)>,
}

impl HistoryRecords<'_> {
    /// Adds the records to `batch`.
    pub(super) fn put(&self, batch: &mut WriteBatch) {
        for (height, set) in &self.validators {
            let bytes = Protobuf::<raw::ValidatorSet>::encode_vec((*set).clone());
            batch.put(height_key(b'v', *height), bytes);
        }
        for (height, params) in &self.params {
            let bytes = Protobuf::<raw::ConsensusParams>::encode_vec((*params).clone());
            batch.put(height_key(b'p', *height), bytes);
        }
    }
}

/// The validator sets and the consensus params of a stretch of heights, by start height.
pub type StoredHistory = (
    BTreeMap<u64, validator::Set>,
    BTreeMap<u64, consensus::Params>,
);

impl BlockStore {
    /// Stores change points, durably.
    pub fn save_history(&self, records: &HistoryRecords) -> Result<()> {
        let mut batch = WriteBatch::default();
        records.put(&mut batch);
        self.write(batch)
    }

    /// Whether any validator set is stored (block stores written before change points were
    /// kept hold none: the engine rebuilds them once from the stored results).
    pub fn has_history(&self) -> Result<bool> {
        Ok(self.last_record(b'v', u64::MAX)?.is_some())
    }

    /// The validator set in effect at `height`: the last one starting at or before it.
    pub fn validator_set(&self, height: u64) -> Result<Option<validator::Set>> {
        self.last_record(b'v', height)?
            .map(|(_, bytes)| decode_set(&bytes))
            .transpose()
    }

    /// The consensus params in effect at `height`.
    pub fn consensus_params(&self, height: u64) -> Result<Option<consensus::Params>> {
        self.last_record(b'p', height)?
            .map(|(_, bytes)| decode_params(&bytes))
            .transpose()
    }

    /// The sets and params in effect at `height` and every later one stored.
    pub fn history_from(&self, height: u64) -> Result<StoredHistory> {
        let sets = self
            .records_from(b'v', height)?
            .into_iter()
            .map(|(start, bytes)| Ok((start, decode_set(&bytes)?)))
            .collect::<Result<_>>()?;
        let params = self
            .records_from(b'p', height)?
            .into_iter()
            .map(|(start, bytes)| Ok((start, decode_params(&bytes)?)))
            .collect::<Result<_>>()?;
        Ok((sets, params))
    }

    /// The record under `prefix` starting last at or before `height`.
    fn last_record(&self, prefix: u8, height: u64) -> Result<Option<(u64, Vec<u8>)>> {
        let from = height_key(prefix, height);
        let Some(item) = self
            .db
            .iterator(IteratorMode::From(&from, Direction::Reverse))
            .next()
        else {
            return Ok(None);
        };
        let (key, value) = item.context("block store read failed")?;
        match key.strip_prefix(&[prefix, b'/'][..]) {
            Some(start) => Ok(Some((read_u64(start)?, value.to_vec()))),
            None => Ok(None),
        }
    }

    /// The record under `prefix` in effect at `height`, then every later one.
    fn records_from(&self, prefix: u8, height: u64) -> Result<Vec<(u64, Vec<u8>)>> {
        let mut found: Vec<_> = self.last_record(prefix, height)?.into_iter().collect();
        let after = height_key(prefix, height.saturating_add(1));
        for item in self
            .db
            .iterator(IteratorMode::From(&after, Direction::Forward))
        {
            let (key, value) = item.context("block store read failed")?;
            let Some(start) = key.strip_prefix(&[prefix, b'/'][..]) else {
                break;
            };
            found.push((read_u64(start)?, value.to_vec()));
        }
        Ok(found)
    }
}

fn decode_set(bytes: &[u8]) -> Result<validator::Set> {
    Protobuf::<raw::ValidatorSet>::decode_vec(bytes).context("corrupt stored validator set")
}

fn decode_params(bytes: &[u8]) -> Result<consensus::Params> {
    Protobuf::<raw::ConsensusParams>::decode_vec(bytes).context("corrupt stored consensus params")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tendermint::PublicKey;

    fn set(powers: &[(u8, u32)]) -> validator::Set {
        let infos = powers
            .iter()
            .map(|&(seed, power)| {
                let key = PublicKey::from_raw_ed25519(&[seed; 32]).unwrap();
                validator::Info::new(key, power.into())
            })
            .collect();
        validator::Set::new(infos, None)
    }

    fn params(max_bytes: u64) -> consensus::Params {
        let mut params = crate::setup::default_consensus_params();
        params.block.max_bytes = max_bytes;
        params
    }

    #[test]
    fn change_points_answer_every_height_from_their_start() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlockStore::open(dir.path()).unwrap();
        assert!(!store.has_history().unwrap());
        assert_eq!(store.validator_set(5).unwrap(), None);
        let (one, two, three) = (set(&[(1, 10)]), set(&[(1, 10), (2, 5)]), set(&[(2, 5)]));
        let (small, large) = (params(1_000), params(2_000));
        store
            .save_history(&HistoryRecords {
                validators: vec![(1, &one), (7, &two)],
                params: vec![(1, &small)],
            })
            .unwrap();
        store
            .save_history(&HistoryRecords {
                validators: vec![(12, &three)],
                params: vec![(9, &large)],
            })
            .unwrap();
        assert!(store.has_history().unwrap());
        assert_eq!(store.validator_set(0).unwrap(), None);
        for (height, expected) in [(1, &one), (6, &one), (7, &two), (11, &two), (12, &three)] {
            assert_eq!(
                store.validator_set(height).unwrap().as_ref(),
                Some(expected)
            );
        }
        assert_eq!(store.validator_set(u64::MAX).unwrap(), Some(three.clone()));
        assert_eq!(store.consensus_params(8).unwrap(), Some(small.clone()));
        assert_eq!(store.consensus_params(9).unwrap(), Some(large.clone()));

        let (sets, ps) = store.history_from(8).unwrap();
        assert_eq!(sets, BTreeMap::from([(7, two), (12, three)]));
        assert_eq!(ps, BTreeMap::from([(1, small), (9, large)]));
    }
}
