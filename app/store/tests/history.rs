//! Historical reads, and trees that are not written at every height.

mod common;

use agora_store::EMPTY_ROOT;
use common::{commit, del, open, set};

#[test]
fn past_heights_read_their_own_values_after_overwrites_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 0);
    commit(
        &mut store,
        vec![set("bank", b"a", b"1"), set("bank", b"b", b"1")],
    );
    commit(&mut store, vec![set("bank", b"a", b"2")]);
    commit(&mut store, vec![del("bank", b"a"), del("bank", b"b")]);
    commit(&mut store, vec![set("bank", b"a", b"4")]);

    let a: Vec<_> = (1..=4)
        .map(|h| store.get_at("bank", b"a", h).unwrap())
        .collect();
    assert_eq!(
        a,
        vec![
            Some(b"1".to_vec()),
            Some(b"2".to_vec()),
            None,
            Some(b"4".to_vec())
        ]
    );
    let b: Vec<_> = (1..=4)
        .map(|h| store.get_at("bank", b"b", h).unwrap())
        .collect();
    assert_eq!(
        b,
        vec![Some(b"1".to_vec()), Some(b"1".to_vec()), None, None]
    );
    assert_eq!(store.get_at("bank", b"a", 0).unwrap(), None);
}

/// jmt 0.12 starts a write at version v from the root at v - 1 and takes a missing root for an
/// empty tree. Modules here are written only every few heights; each write must still build on
/// the module's last state, and every height in between must read and prove that state.
#[test]
fn modules_skipping_heights_keep_their_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 0);
    let mut hashes = vec![EMPTY_ROOT];
    for h in 1..=12u64 {
        let mut writes = vec![];
        if h % 3 == 1 {
            writes.push(set("gov", &h.to_be_bytes(), b"g"));
        }
        if h % 4 == 2 {
            writes.push(set("bank", &h.to_be_bytes(), b"b"));
        }
        hashes.push(commit(&mut store, writes));
    }
    for h in 1..=12u64 {
        for k in 1..=12u64 {
            let gov = store.get_at("gov", &k.to_be_bytes(), h).unwrap();
            assert_eq!(gov.is_some(), k <= h && k % 3 == 1, "gov key {k} at {h}");
            let bank = store.get_at("bank", &k.to_be_bytes(), h).unwrap();
            assert_eq!(bank.is_some(), k <= h && k % 4 == 2, "bank key {k} at {h}");
            for (module, value) in [("gov", gov), ("bank", bank)] {
                let proven = store.prove_at(module, &k.to_be_bytes(), h).unwrap();
                assert_eq!(proven.value, value);
                agora_store::verify_proof(&hashes[h as usize], module, &k.to_be_bytes(), &proven)
                    .unwrap();
            }
        }
        assert_eq!(store.app_hash_at(h).unwrap(), hashes[h as usize]);
    }

    // The same final state written in one go has the same app hash: no key was lost.
    let other = tempfile::tempdir().unwrap();
    let mut fresh = open(other.path(), 0);
    let mut all = vec![];
    for k in 1..=12u64 {
        if k % 3 == 1 {
            all.push(set("gov", &k.to_be_bytes(), b"g"));
        }
        if k % 4 == 2 {
            all.push(set("bank", &k.to_be_bytes(), b"b"));
        }
    }
    assert_eq!(commit(&mut fresh, all), store.app_hash());
}

#[test]
fn a_module_emptied_and_refilled() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 0);
    commit(
        &mut store,
        vec![set("bank", b"a", b"1"), set("gov", b"p", b"1")],
    );
    let only_gov = commit(&mut store, vec![del("bank", b"a")]);
    commit(&mut store, vec![]);
    commit(&mut store, vec![set("bank", b"b", b"2")]);
    assert_eq!(store.get_at("bank", b"a", 4).unwrap(), None);
    assert_eq!(store.get_at("bank", b"b", 4).unwrap(), Some(b"2".to_vec()));
    assert_eq!(store.get_at("bank", b"a", 1).unwrap(), Some(b"1".to_vec()));

    // Emptying a module removes it from the root tree: same hash as never having had it.
    let other = tempfile::tempdir().unwrap();
    let mut fresh = open(other.path(), 0);
    assert_eq!(commit(&mut fresh, vec![set("gov", b"p", b"1")]), only_gov);
}

/// Deleting a tree's last key and then an absent key in the same height makes jmt drop the null
/// root it just made and look the root up again; that lookup must not find the previous root.
#[test]
fn deleting_the_last_key_and_an_absent_one_empties_the_module() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 0);
    commit(
        &mut store,
        vec![set("bank", &[0], &[0]), set("gov", b"p", b"1")],
    );
    let after = commit(&mut store, vec![del("bank", &[0]), del("bank", &[1])]);
    assert_eq!(store.get_at("bank", &[0], 2).unwrap(), None);
    let other = tempfile::tempdir().unwrap();
    let mut fresh = open(other.path(), 0);
    assert_eq!(commit(&mut fresh, vec![set("gov", b"p", b"1")]), after);
    // Emptied and refilled within one height.
    let refilled = commit(&mut store, vec![set("bank", &[2], &[2]), del("gov", b"p")]);
    let again = commit(&mut fresh, vec![del("gov", b"p"), set("bank", &[2], &[2])]);
    assert_eq!(refilled, again);
}
