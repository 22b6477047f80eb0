//! keep_recent pruning.

mod common;

use agora_store::{verify_proof, HeightError, Store};
use common::{commit, del, open, set, Write};

fn count(store: &Store, cf: &str) -> u64 {
    store
        .entry_counts()
        .unwrap()
        .into_iter()
        .find(|(n, _)| *n == cf)
        .unwrap()
        .1
}

/// Height h overwrites every bank key and one auth key, and deletes a gov key once.
fn writes(h: u64) -> Vec<Write> {
    let mut w: Vec<Write> = (0..40u32)
        .map(|i| set("bank", format!("b{i}").as_bytes(), &h.to_be_bytes()))
        .collect();
    w.push(set("auth", b"seq", &h.to_be_bytes()));
    match h {
        1 => w.push(set("gov", b"p", b"x")),
        3 => w.push(del("gov", b"p")),
        _ => {}
    }
    w
}

#[test]
fn old_heights_are_pruned_recent_ones_kept_and_the_db_shrinks() {
    let pruned_dir = tempfile::tempdir().unwrap();
    let full_dir = tempfile::tempdir().unwrap();
    let mut pruned = open(pruned_dir.path(), 2);
    let mut full = open(full_dir.path(), 0);
    let mut hashes = vec![[0; 32]];
    for h in 1..=10 {
        let a = commit(&mut pruned, writes(h));
        assert_eq!(
            a,
            commit(&mut full, writes(h)),
            "pruning never changes the app hash"
        );
        hashes.push(a);
    }
    assert_eq!(pruned.earliest_height(), 9);

    for h in 0..=8 {
        let err = pruned.get_at("bank", b"b1", h).unwrap_err();
        assert!(
            matches!(
                err.downcast_ref(),
                Some(HeightError::Pruned {
                    earliest: 9,
                    keep_recent: 2,
                    ..
                })
            ),
            "{err}"
        );
        assert!(err.to_string().contains("pruned"), "{err}");
        assert!(pruned.prove_at("bank", b"b1", h).is_err());
        assert!(pruned.app_hash_at(h).is_err());
        // The unpruned twin still has them.
        assert_eq!(full.get_at("bank", b"b1", h).unwrap().is_some(), h > 0);
    }
    for h in 9..=10u64 {
        assert_eq!(
            pruned.get_at("bank", b"b1", h).unwrap(),
            Some(h.to_be_bytes().to_vec())
        );
        assert_eq!(pruned.get_at("gov", b"p", h).unwrap(), None);
        assert_eq!(pruned.app_hash_at(h).unwrap(), hashes[h as usize]);
        for (module, key) in [
            ("bank", &b"b7"[..]),
            ("auth", b"seq"),
            ("bank", b"nope"),
            ("gov", b"p"),
        ] {
            let proven = pruned.prove_at(module, key, h).unwrap();
            verify_proof(&hashes[h as usize], module, key, &proven).unwrap();
        }
    }

    let (pruned_nodes, full_nodes) = (count(&pruned, "jmt_nodes"), count(&full, "jmt_nodes"));
    let (pruned_values, full_values) = (count(&pruned, "jmt_values"), count(&full, "jmt_values"));
    assert!(
        pruned_nodes * 3 < full_nodes,
        "nodes: {pruned_nodes} pruned vs {full_nodes} full"
    );
    // 41 live keys and the bank and auth roots in the root tree, written at each of the 2
    // retained heights; no deletions left. Unpruned: every height, plus gov's set and delete of
    // its key and of its root-tree entry.
    assert_eq!(
        pruned_values,
        43 * 2,
        "values: {pruned_values} pruned vs {full_values} full"
    );
    assert_eq!(full_values, 43 * 10 + 4);
    // The deleted gov key's and gov module's preimages went with their last versions.
    assert_eq!(count(&pruned, "preimages"), 41 + 2);
    assert_eq!(count(&full, "preimages"), 42 + 3);

    // Pruning carries on after a restart, from the index stored in RocksDB.
    drop(pruned);
    let mut pruned = open(pruned_dir.path(), 2);
    assert_eq!(pruned.earliest_height(), 9);
    assert!(pruned.get_at("bank", b"b1", 8).is_err());
    let before = count(&pruned, "jmt_nodes");
    // A failed commit prunes nothing and does not lose track of what is left to prune.
    assert!(pruned
        .commit(11, vec![(vec![9, b'x'], Some(vec![1]))])
        .is_err());
    assert_eq!(count(&pruned, "jmt_nodes"), before);
    let h11 = commit(&mut pruned, writes(11));
    assert_eq!(h11, commit(&mut full, writes(11)));
    assert_eq!(pruned.earliest_height(), 10);
    assert!(pruned.get_at("bank", b"b1", 9).is_err());
    assert_eq!(
        count(&pruned, "jmt_nodes"),
        before,
        "one height in, one height out"
    );
    let proven = pruned.prove_at("bank", b"b1", 10).unwrap();
    verify_proof(&hashes[10], "bank", b"b1", &proven).unwrap();
}

#[test]
fn keep_recent_zero_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 0);
    for h in 1..=5 {
        commit(&mut store, writes(h));
    }
    assert_eq!(store.earliest_height(), 0);
    for h in 1..=5u64 {
        assert_eq!(
            store.get_at("bank", b"b0", h).unwrap(),
            Some(h.to_be_bytes().to_vec())
        );
    }
}

#[test]
fn a_tree_untouched_for_longer_than_the_retention_stays_readable() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 2);
    commit(
        &mut store,
        vec![set("ibc", b"client", b"c"), set("bank", b"a", b"0")],
    );
    for h in 2..=8u64 {
        commit(&mut store, vec![set("bank", b"a", &h.to_be_bytes())]);
    }
    let app_hash = store.app_hash();
    assert_eq!(
        store.get_at("ibc", b"client", 8).unwrap(),
        Some(b"c".to_vec())
    );
    let proven = store.prove_at("ibc", b"client", 8).unwrap();
    verify_proof(&app_hash, "ibc", b"client", &proven).unwrap();
    drop(store);
    let mut store = open(dir.path(), 2);
    commit(&mut store, vec![set("ibc", b"client2", b"d")]);
    assert_eq!(
        store.get_at("ibc", b"client", 9).unwrap(),
        Some(b"c".to_vec())
    );
    let proven = store.prove_at("ibc", b"client", 9).unwrap();
    verify_proof(&store.app_hash(), "ibc", b"client", &proven).unwrap();
}
