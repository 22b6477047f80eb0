//! The validator set and consensus params of every height, by CometBFT's rules:
//! - set(initial) = set(initial + 1) = the validators InitChain answered (genesis.json's
//!   when it answered none); params(initial) = genesis.json's, updated by InitChain's answer;
//! - the validator updates FinalizeBlock returns at height h form set(h + 2), from set(h + 1)
//!   (power 0 removes a validator, another power adds it or changes its power);
//! - the consensus param updates it returns at h apply from h + 1.
//!
//! Both are kept as change points: maps from the height a set (or params) starts to it. The
//! block store holds every change point (written with the results that made it); this
//! history holds the recent ones the engine needs, loaded at the handshake, extended after
//! each block's FinalizeBlock and trimmed by [`History::forget_before`].

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Result};
use tendermint::public_key::Algorithm;
use tendermint::{consensus, validator, vote, PublicKey};
use tendermint_proto::v0_38::abci::{ResponseFinalizeBlock, ValidatorUpdate};
use tendermint_proto::v0_38::types::ConsensusParams as RawParams;

use crate::blockstore::{HistoryRecords, StoredHistory};

/// The validator sets and consensus params from `initial` up to the highest height the
/// applied FinalizeBlock results determine.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// Genesis `initial_height`; 0 for an empty history (before the handshake).
    initial: u64,
    /// The height each set starts at -> the set.
    validators: BTreeMap<u64, validator::Set>,
    /// The height each params start at -> the params.
    params: BTreeMap<u64, consensus::Params>,
    /// The next height whose FinalizeBlock results [`History::apply`] takes.
    next: u64,
}

/// What one block's FinalizeBlock results changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// The height the new validator set starts at (h + 2), when the set changed.
    pub validators_from: Option<u64>,
    /// Validators the updates added.
    pub added: usize,
    /// Validators the updates removed (power 0).
    pub removed: usize,
    /// Validators whose power the updates changed.
    pub changed: usize,
    /// The height the new consensus params start at (h + 1), when they changed.
    pub params_from: Option<u64>,
}

impl History {
    /// The history of a chain starting at `initial` (at least 1) with `validators` and
    /// `params`, before any block's results.
    pub fn new(initial: u64, validators: validator::Set, params: consensus::Params) -> Self {
        Self {
            initial,
            validators: BTreeMap::from([(initial, validators)]),
            params: BTreeMap::from([(initial, params)]),
            next: initial,
        }
    }

    /// The history at `initial` from InitChain's answer: its validators when it answered any,
    /// else `genesis_validators`; `genesis_params` updated by its consensus params.
    pub fn from_init_chain(
        initial: u64,
        genesis_validators: &[validator::Info],
        genesis_params: &consensus::Params,
        init_validators: &[ValidatorUpdate],
        init_params: Option<&RawParams>,
    ) -> Result<Self> {
        let params = match init_params {
            Some(update) => updated_params(genesis_params, update)?,
            None => genesis_params.clone(),
        };
        let validators = if init_validators.is_empty() {
            validator::Set::new(genesis_validators.to_vec(), None)
        } else {
            let empty = validator::Set::new(vec![], None);
            updated_set(&empty, init_validators, &params)
                .map_err(|e| anyhow!("InitChain's validators: {e}"))?
                .0
        };
        Ok(Self::new(initial, validators, params))
    }

    /// The history of a chain starting at `initial` whose results up to `next - 1` are
    /// applied, from the stored change points in effect at some height and after.
    pub fn from_records(
        initial: u64,
        next: u64,
        (validators, params): StoredHistory,
    ) -> Result<Self> {
        if validators.is_empty() || params.is_empty() {
            bail!(
                "the block store holds no validator set or no consensus params for height {next}"
            );
        }
        Ok(Self {
            initial,
            validators,
            params,
            next,
        })
    }

    /// Every change point held, to store.
    pub fn records(&self) -> HistoryRecords<'_> {
        HistoryRecords {
            validators: self.validators.iter().map(|(h, s)| (*h, s)).collect(),
            params: self.params.iter().map(|(h, p)| (*h, p)).collect(),
        }
    }

    /// The change points `change` added, to store with the results that made them.
    pub fn records_of(&self, change: &Change) -> HistoryRecords<'_> {
        let pick = |from: Option<u64>| from.into_iter();
        HistoryRecords {
            validators: pick(change.validators_from)
                .filter_map(|h| self.validators.get(&h).map(|s| (h, s)))
                .collect(),
            params: pick(change.params_from)
                .filter_map(|h| self.params.get(&h).map(|p| (h, p)))
                .collect(),
        }
    }

    /// Drops the change points no height from `height` on needs, keeping memory bounded;
    /// older heights are the block store's to answer.
    pub fn forget_before(&mut self, height: u64) {
        fn trim<T>(map: &mut BTreeMap<u64, T>, height: u64) {
            if let Some(&start) = map.range(..=height).next_back().map(|(h, _)| h) {
                *map = map.split_off(&start);
            }
        }
        trim(&mut self.validators, height);
        trim(&mut self.params, height);
    }

    /// The first height.
    pub fn initial(&self) -> u64 {
        self.initial
    }

    /// The next height whose FinalizeBlock results [`History::apply`] takes.
    pub fn next(&self) -> u64 {
        self.next
    }

    /// set(`height`), known up to two heights past the last applied results, from the
    /// oldest change point held (`initial`, until [`History::forget_before`]).
    pub fn validators(&self, height: u64) -> Option<&validator::Set> {
        if height < self.initial || height > self.next + 1 {
            return None;
        }
        self.validators.range(..=height).next_back().map(|(_, s)| s)
    }

    /// params(`height`), known up to one height past the last applied results, from the
    /// oldest change point held.
    pub fn params(&self, height: u64) -> Option<&consensus::Params> {
        if height < self.initial || height > self.next {
            return None;
        }
        self.params.range(..=height).next_back().map(|(_, p)| p)
    }

    /// Takes in the FinalizeBlock results of `height`, which must be [`History::next`]:
    /// its validator updates form set(height + 2), its consensus param updates
    /// params(height + 1). Refuses updates CometBFT refuses (a negative power, a key twice, removing an
    /// unknown validator, a key type the params do not allow), changing nothing then.
    pub fn apply(&mut self, height: u64, results: &ResponseFinalizeBlock) -> Result<Change> {
        if height != self.next || self.initial == 0 {
            bail!(
                "the validator set history expects the results of height {}, not {height}",
                self.next
            );
        }
        let current = self
            .params(height)
            .expect("params of the next height")
            .clone();
        let mut change = Change::default();
        let new_params = match &results.consensus_param_updates {
            Some(update) => Some(
                updated_params(&current, update)
                    .map_err(|e| anyhow!("consensus param updates of block {height}: {e}"))?,
            )
            .filter(|p| *p != current),
            None => None,
        };
        let new_set = if results.validator_updates.is_empty() {
            None
        } else {
            let base = self.validators(height + 1).expect("set(h+1) is known");
            let (set, counts) = updated_set(base, &results.validator_updates, &current)
                .map_err(|e| anyhow!("validator updates of block {height}: {e}"))?;
            (change.added, change.removed, change.changed) = counts;
            (set != *base).then_some(set)
        };
        if let Some(params) = new_params {
            self.params.insert(height + 1, params);
            change.params_from = Some(height + 1);
        }
        if let Some(set) = new_set {
            self.validators.insert(height + 2, set);
            change.validators_from = Some(height + 2);
        }
        self.next = height + 1;
        Ok(change)
    }
}

/// `base` with `updates` applied (CometBFT's `UpdateWithChangeSet`), and how many validators
/// were (added, removed, changed).
fn updated_set(
    base: &validator::Set,
    updates: &[ValidatorUpdate],
    params: &consensus::Params,
) -> Result<(validator::Set, (usize, usize, usize))> {
    let mut validators: BTreeMap<tendermint::account::Id, validator::Info> = base
        .validators()
        .iter()
        .map(|v| (v.address, v.clone()))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let (mut added, mut removed, mut changed) = (0, 0, 0);
    for update in updates {
        let raw = update
            .pub_key
            .clone()
            .ok_or_else(|| anyhow!("an update without a public key"))?;
        let key = PublicKey::try_from(raw).map_err(|e| anyhow!("a bad public key: {e}"))?;
        let algorithm = if key.ed25519().is_some() {
            Algorithm::Ed25519
        } else {
            Algorithm::Secp256k1
        };
        if !params.validator.pub_key_types.contains(&algorithm) {
            bail!(
                "key type {algorithm} is not among the consensus params' pub_key_types {:?}",
                params.validator.pub_key_types
            );
        }
        let address = tendermint::account::Id::from(key);
        if !seen.insert(address) {
            bail!("validator {address} is updated twice");
        }
        if update.power < 0 {
            bail!("validator {address} has negative power {}", update.power);
        }
        if update.power == 0 {
            validators
                .remove(&address)
                .ok_or_else(|| anyhow!("validator {address} to remove is not in the set"))?;
            removed += 1;
            continue;
        }
        let power = vote::Power::try_from(update.power)?;
        match validators.insert(address, validator::Info::new(key, power)) {
            Some(_) => changed += 1,
            None => added += 1,
        }
    }
    let total = validators
        .values()
        .fold(0u64, |sum, v| sum.saturating_add(v.power()));
    if total > validator::Set::MAX_TOTAL_VOTING_POWER {
        bail!(
            "total voting power {total} exceeds {}",
            validator::Set::MAX_TOTAL_VOTING_POWER
        );
    }
    let set = validator::Set::new(validators.into_values().collect(), None);
    Ok((set, (added, removed, changed)))
}

/// `current` with the fields `update` sets replaced (CometBFT's `ConsensusParams.Update`).
fn updated_params(current: &consensus::Params, update: &RawParams) -> Result<consensus::Params> {
    let mut raw = RawParams::from(current.clone());
    if update.block.is_some() {
        raw.block = update.block;
    }
    if update.evidence.is_some() {
        raw.evidence = update.evidence;
    }
    if update.validator.is_some() {
        raw.validator = update.validator.clone();
    }
    if update.version.is_some() {
        raw.version = update.version;
    }
    if update.abci.is_some() {
        raw.abci = update.abci;
    }
    consensus::Params::try_from(raw).map_err(|e| anyhow!("invalid consensus params: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tendermint_proto::v0_38::types::BlockParams;

    fn key(seed: u8) -> PublicKey {
        let signer = ed25519_consensus::SigningKey::from([seed; 32]);
        PublicKey::from_raw_ed25519(signer.verification_key().as_bytes()).unwrap()
    }

    fn addr(seed: u8) -> tendermint::account::Id {
        key(seed).into()
    }

    fn info(seed: u8, power: u32) -> validator::Info {
        validator::Info::new(key(seed), power.into())
    }

    fn update(seed: u8, power: i64) -> ValidatorUpdate {
        ValidatorUpdate {
            pub_key: Some(key(seed).into()),
            power,
        }
    }

    fn results(updates: Vec<ValidatorUpdate>) -> ResponseFinalizeBlock {
        ResponseFinalizeBlock {
            validator_updates: updates,
            ..Default::default()
        }
    }

    /// (address, power) of set(height), in the set's order.
    fn powers(history: &History, height: u64) -> Vec<(tendermint::account::Id, u64)> {
        history
            .validators(height)
            .unwrap_or_else(|| panic!("set({height}) unknown"))
            .validators()
            .iter()
            .map(|v| (v.address, v.power()))
            .collect()
    }

    fn start(initial: u64) -> History {
        History::new(
            initial,
            validator::Set::new(vec![info(1, 10)], None),
            crate::setup::default_consensus_params(),
        )
    }

    #[test]
    fn updates_at_h_form_the_set_of_h_plus_2() {
        let mut h = start(5);
        let a = addr(1);
        assert_eq!(h.validators(4), None, "below initial_height");
        assert_eq!(powers(&h, 5), vec![(a, 10)]);
        assert_eq!(
            powers(&h, 6),
            vec![(a, 10)],
            "set(initial+1) = set(initial)"
        );
        assert_eq!(h.validators(7), None, "not known before block 5's results");
        assert_eq!(h.apply(5, &results(vec![])).unwrap(), Change::default());
        assert_eq!(powers(&h, 7), vec![(a, 10)]);

        let change = h
            .apply(6, &results(vec![update(2, 30), update(3, 1)]))
            .unwrap();
        assert_eq!(
            (change.validators_from, change.added, change.removed),
            (Some(8), 2, 0)
        );
        assert_eq!(powers(&h, 7), vec![(a, 10)], "still the old set at h+1");
        let (b, c) = (addr(2), addr(3));
        assert_eq!(
            powers(&h, 8),
            vec![(b, 30), (a, 10), (c, 1)],
            "by power, as CometBFT orders a set"
        );
        // Removing (power 0) and changing a power.
        let change = h
            .apply(7, &results(vec![update(2, 0), update(3, 5)]))
            .unwrap();
        assert_eq!((change.removed, change.changed), (1, 1));
        assert_eq!(powers(&h, 8).len(), 3);
        assert_eq!(powers(&h, 9), vec![(a, 10), (c, 5)]);
        assert_eq!(h.validators(10), None);
        assert_eq!(
            h.validators(7).unwrap().hash(),
            h.validators(5).unwrap().hash()
        );
        assert_ne!(
            h.validators(8).unwrap().hash(),
            h.validators(7).unwrap().hash()
        );
        // The same power again changes nothing.
        let change = h.apply(8, &results(vec![update(1, 10)])).unwrap();
        assert_eq!((change.validators_from, change.changed), (None, 1));
        assert_eq!(powers(&h, 10), powers(&h, 9));
    }

    #[test]
    fn bad_updates_and_out_of_order_results_are_refused_and_change_nothing() {
        let mut h = start(1);
        let before = h.clone();
        let err = h.apply(2, &results(vec![])).unwrap_err().to_string();
        assert!(err.contains("expects the results of height 1"), "{err}");
        for (bad, says) in [
            (vec![update(9, 0)], "is not in the set"),
            (vec![update(2, 3), update(2, 4)], "updated twice"),
            (vec![update(2, -1)], "negative power"),
            (vec![update(2, i64::MAX / 8)], "exceeds"),
        ] {
            let err = h.apply(1, &results(bad)).unwrap_err().to_string();
            assert!(err.contains(says), "{err}");
        }
        assert_eq!(h, before);
        // Removing the only validator leaves an empty set (the engine then halts).
        h.apply(1, &results(vec![update(1, 0)])).unwrap();
        assert!(h.validators(3).unwrap().validators().is_empty());
    }

    #[test]
    fn param_updates_at_h_apply_from_h_plus_1() {
        let mut h = start(1);
        let genesis = h.params(1).unwrap().clone();
        assert_eq!(h.params(2), None);
        h.apply(1, &results(vec![])).unwrap();
        let update = RawParams {
            block: Some(BlockParams {
                max_bytes: 1_000_000,
                max_gas: 50_000_000,
            }),
            ..Default::default()
        };
        let change = h
            .apply(
                2,
                &ResponseFinalizeBlock {
                    consensus_param_updates: Some(update),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(
            (change.params_from, change.validators_from),
            (Some(3), None)
        );
        assert_eq!(h.params(2), Some(&genesis));
        let new = h.params(3).unwrap();
        assert_eq!(
            (new.block.max_bytes, new.block.max_gas),
            (1_000_000, 50_000_000)
        );
        assert_eq!(new.evidence, genesis.evidence, "fields not updated stay");
        assert_eq!(h.params(4), None);
    }

    #[test]
    fn init_chain_validators_replace_genesis_ones_and_a_rebuild_gives_the_same() {
        let params = crate::setup::default_consensus_params();
        let genesis = [info(1, 10)];
        let from_genesis = History::from_init_chain(3, &genesis, &params, &[], None).unwrap();
        assert_eq!(powers(&from_genesis, 3), vec![(addr(1), 10)]);
        let answered = [update(2, 7)];
        let mut h = History::from_init_chain(3, &genesis, &params, &answered, None).unwrap();
        assert_eq!(powers(&h, 3), vec![(addr(2), 7)]);
        assert_eq!(powers(&h, 4), vec![(addr(2), 7)]);

        let blocks = [
            results(vec![update(1, 4)]),
            results(vec![]),
            results(vec![update(2, 0)]),
        ];
        for (i, r) in blocks.iter().enumerate() {
            h.apply(3 + i as u64, r).unwrap();
        }
        let mut rebuilt = History::from_init_chain(3, &genesis, &params, &answered, None).unwrap();
        for (i, r) in blocks.iter().enumerate() {
            rebuilt.apply(3 + i as u64, r).unwrap();
        }
        assert_eq!(rebuilt, h);
        assert_eq!(h.next(), 6);
        assert_eq!(powers(&h, 7), vec![(addr(1), 4)]);
    }

    #[test]
    fn stored_change_points_give_back_the_history_and_forgetting_keeps_recent_heights() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::blockstore::BlockStore::open(dir.path()).unwrap();
        let mut h = start(1);
        store.save_history(&h.records()).unwrap();
        let blocks = [
            results(vec![update(2, 3)]),
            results(vec![]),
            results(vec![update(1, 0)]),
            results(vec![update(2, 9)]),
            results(vec![]),
        ];
        for (i, r) in blocks.iter().enumerate() {
            let change = h.apply(1 + i as u64, r).unwrap();
            store.save_history(&h.records_of(&change)).unwrap();
        }
        let all: Vec<_> = (1..=7).map(|height| powers(&h, height)).collect();

        let mut recent = h.clone();
        recent.forget_before(5);
        assert_eq!(
            recent.validators(4),
            None,
            "older than the kept change points"
        );
        for height in 5..=7 {
            assert_eq!(powers(&recent, height), all[height as usize - 1]);
            assert_eq!(
                store.validator_set(height).unwrap().as_ref(),
                h.validators(height)
            );
        }
        let loaded = History::from_records(1, h.next(), store.history_from(5).unwrap()).unwrap();
        assert_eq!(loaded, recent);
        for height in 1..=4 {
            let stored = store.validator_set(height).unwrap();
            assert_eq!(stored.as_ref(), h.validators(height), "height {height}");
        }
    }
}
