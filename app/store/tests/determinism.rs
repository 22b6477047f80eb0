//! The app hash depends only on the state, never on the store, the write order or the history.

mod common;

use common::{commit, del, open, set, Write};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn block(h: u64) -> Vec<Write> {
    // Net writes: a later write of the same key replaces an earlier one.
    let mut w = BTreeMap::new();
    for i in 0..30u64 {
        if (i + h) % 3 == 0 {
            w.extend([set("bank", &i.to_be_bytes(), &(i * h).to_be_bytes())]);
        }
        if (i + h) % 5 == 0 {
            w.extend([del("bank", &(i + 1).to_be_bytes())]);
        }
    }
    if h % 2 == 0 {
        w.extend([set("staking", b"validators", &h.to_be_bytes())]);
    }
    w.into_iter().collect()
}

#[test]
fn two_stores_agree_every_height_and_order_does_not_matter() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut a, mut b) = (open(d1.path(), 0), open(d2.path(), 0));
    let mut seen = std::collections::BTreeSet::new();
    for h in 1..=12 {
        let mut reversed = block(h);
        reversed.reverse();
        let ha = commit(&mut a, block(h));
        let hb = commit(&mut b, reversed);
        assert_eq!(ha, hb, "height {h}");
        assert!(seen.insert(ha), "every height changes the state here");
    }
}

#[test]
fn a_different_write_gives_a_different_hash() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut a, mut b) = (open(d1.path(), 0), open(d2.path(), 0));
    let base = vec![set("bank", b"alice", b"10"), set("auth", b"n", b"1")];
    assert_eq!(commit(&mut a, base.clone()), commit(&mut b, base));
    assert_ne!(
        commit(&mut a, vec![set("bank", b"alice", b"11")]),
        commit(&mut b, vec![set("bank", b"alice", b"12")])
    );
    // Same key and value under another module is another state too.
    let (d3, d4) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut c, mut d) = (open(d3.path(), 0), open(d4.path(), 0));
    assert_ne!(
        commit(&mut c, vec![set("bank", b"k", b"v")]),
        commit(&mut d, vec![set("bankx", b"k", b"v")])
    );
}

/// One step of a random history: flat writes to a few modules and keys.
fn step() -> impl Strategy<Value = Vec<(u8, u8, Option<u8>)>> {
    prop::collection::vec((0u8..3, 0u8..12, prop::option::of(0u8..4)), 0..12)
}

fn to_writes(step: &[(u8, u8, Option<u8>)]) -> Vec<Write> {
    // Net writes of one block: the last write of a key wins.
    let mut net = BTreeMap::new();
    for &(m, k, v) in step {
        net.insert((m, k), v);
    }
    net.into_iter()
        .map(|((m, k), v)| {
            let module = ["bank", "auth", "gov"][m as usize];
            match v {
                Some(v) => set(module, &[k], &[v]),
                None => del(module, &[k]),
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Random writes and deletes against a BTreeMap model: same latest reads, same reads at every
    /// past height, and an app hash that only depends on the final key-value set (committing the
    /// model's final state in one block to a fresh store gives the same hash).
    #[test]
    fn matches_a_btreemap_model(steps in prop::collection::vec(step(), 1..8)) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open(dir.path(), 0);
        let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let mut history = vec![model.clone()];
        for s in &steps {
            let writes = to_writes(s);
            for (k, v) in &writes {
                match v {
                    Some(v) => model.insert(k.clone(), v.clone()),
                    None => model.remove(k),
                };
            }
            commit(&mut store, writes);
            history.push(model.clone());

            let fresh_dir = tempfile::tempdir().unwrap();
            let mut fresh = open(fresh_dir.path(), 0);
            let all = model.iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect();
            prop_assert_eq!(commit(&mut fresh, all), store.app_hash());
        }
        use cosmwasm_std::{Order, Storage};
        let latest: Vec<_> = store.latest().range(None, None, Order::Ascending).collect();
        let want: Vec<_> = model.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        prop_assert_eq!(latest, want);
        for (h, state) in history.iter().enumerate() {
            for m in ["bank", "auth", "gov"] {
                for k in 0u8..12 {
                    let flat = agora_core::store::module_key(m, &[k]);
                    prop_assert_eq!(store.get_at(m, &[k], h as u64).unwrap(), state.get(&flat).cloned());
                }
            }
        }
    }
}
