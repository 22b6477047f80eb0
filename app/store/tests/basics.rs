//! Commit, read-back, deletes, ranges over the latest view, reopening, and input checks.

mod common;

use agora_core::store::{module_key, module_prefix};
use agora_store::{HeightError, EMPTY_ROOT};
use common::{commit, del, open, set};
use cosmwasm_std::{Order, Storage};

#[test]
fn commit_read_back_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 0);
    assert_eq!(store.height(), 0);
    assert_eq!(store.app_hash(), EMPTY_ROOT);
    assert_eq!(store.app_hash_at(0).unwrap(), EMPTY_ROOT);

    let h1 = commit(
        &mut store,
        vec![
            set("bank", b"alice", b"10"),
            set("bank", b"bob", b"20"),
            set("auth", b"seq", b"1"),
        ],
    );
    assert_eq!(store.height(), 1);
    assert_eq!(store.app_hash(), h1);
    assert_ne!(h1, EMPTY_ROOT);
    let latest = store.latest();
    assert_eq!(
        latest.get(&module_key("bank", b"alice")),
        Some(b"10".to_vec())
    );
    assert_eq!(latest.get(&module_key("auth", b"seq")), Some(b"1".to_vec()));
    assert_eq!(latest.get(&module_key("bank", b"carol")), None);
    assert_eq!(
        store.get_at("bank", b"bob", 1).unwrap(),
        Some(b"20".to_vec())
    );
    assert_eq!(store.get_at("bank", b"carol", 1).unwrap(), None);
    assert_eq!(store.get_at("gov", b"anything", 1).unwrap(), None);

    let h2 = commit(
        &mut store,
        vec![del("bank", b"alice"), set("bank", b"bob", b"21")],
    );
    assert_ne!(h2, h1);
    let latest = store.latest();
    assert_eq!(latest.get(&module_key("bank", b"alice")), None);
    assert_eq!(
        latest.get(&module_key("bank", b"bob")),
        Some(b"21".to_vec())
    );
    assert_eq!(store.get_at("bank", b"alice", 2).unwrap(), None);
    assert_eq!(
        store.get_at("bank", b"alice", 1).unwrap(),
        Some(b"10".to_vec())
    );

    // Deleting everything brings back the empty-state hash.
    commit(&mut store, vec![del("bank", b"bob"), del("auth", b"seq")]);
    assert_eq!(store.app_hash(), EMPTY_ROOT);
    assert_eq!(store.app_hash_at(1).unwrap(), h1);
    assert_eq!(store.app_hash_at(2).unwrap(), h2);
}

#[test]
fn empty_commits_keep_the_app_hash() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 0);
    assert_eq!(commit(&mut store, vec![]), EMPTY_ROOT);
    let h2 = commit(&mut store, vec![set("bank", b"a", b"1")]);
    assert_eq!(commit(&mut store, vec![]), h2);
    // Deleting a key that never existed, in a module that never existed, changes nothing.
    assert_eq!(
        commit(&mut store, vec![del("gov", b"x"), del("bank", b"zz")]),
        h2
    );
    assert_eq!(store.app_hash_at(3).unwrap(), h2);
    assert_eq!(store.app_hash_at(1).unwrap(), EMPTY_ROOT);
    assert_eq!(store.get_at("bank", b"a", 4).unwrap(), Some(b"1".to_vec()));
}

#[test]
fn range_over_latest_view_in_both_orders_and_prefix_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 0);
    commit(
        &mut store,
        vec![
            set("bank", b"a", b"1"),
            set("bank", b"b", b"2"),
            set("bank", b"c", b"3"),
            set("auth", b"a", b"x"),
            set("authz", b"a", b"y"),
        ],
    );
    commit(&mut store, vec![del("bank", b"b"), set("bank", b"d", b"4")]);
    let latest = store.latest();

    let prefix = module_prefix("bank");
    let mut end = prefix.clone();
    *end.last_mut().unwrap() += 1;
    let asc: Vec<_> = latest
        .range(Some(&prefix), Some(&end), Order::Ascending)
        .collect();
    let want = vec![
        (module_key("bank", b"a"), b"1".to_vec()),
        (module_key("bank", b"c"), b"3".to_vec()),
        (module_key("bank", b"d"), b"4".to_vec()),
    ];
    assert_eq!(asc, want);
    let desc: Vec<_> = latest
        .range(Some(&prefix), Some(&end), Order::Descending)
        .collect();
    assert_eq!(desc, want.iter().rev().cloned().collect::<Vec<_>>());

    // The "auth" prefix does not reach into "authz".
    let prefix = module_prefix("auth");
    let mut end = prefix.clone();
    *end.last_mut().unwrap() += 1;
    let auth: Vec<_> = latest
        .range(Some(&prefix), Some(&end), Order::Descending)
        .collect();
    assert_eq!(auth, vec![(module_key("auth", b"a"), b"x".to_vec())]);

    // Open bounds, inner bounds, and empty ranges.
    assert_eq!(latest.range(None, None, Order::Ascending).count(), 5);
    let last = latest.range(None, None, Order::Descending).next().unwrap();
    assert_eq!(last.0, module_key("authz", b"a"));
    let from_c: Vec<_> = latest
        .range(Some(&module_key("bank", b"c")), None, Order::Ascending)
        .map(|r| r.0)
        .collect();
    assert_eq!(
        from_c[..2],
        [module_key("bank", b"c"), module_key("bank", b"d")]
    );
    let until_c: Vec<_> = latest
        .range(None, Some(&module_key("bank", b"c")), Order::Descending)
        .map(|r| r.0)
        .collect();
    // "auth" sorts before "bank" (same name length), so it is below the bound too.
    assert_eq!(
        until_c,
        vec![module_key("bank", b"a"), module_key("auth", b"a")]
    );
    let k = module_key("bank", b"c");
    assert_eq!(
        latest.range(Some(&k), Some(&k), Order::Ascending).count(),
        0
    );
    let a = module_key("bank", b"a");
    assert_eq!(
        latest.range(Some(&k), Some(&a), Order::Descending).count(),
        0
    );
}

#[test]
#[should_panic(expected = "read-only")]
fn latest_view_rejects_set() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path(), 0);
    store.latest().set(b"k", b"v");
}

#[test]
#[should_panic(expected = "read-only")]
fn latest_view_rejects_remove() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path(), 0);
    store.latest().remove(b"k");
}

#[test]
fn reopen_gives_the_same_height_hash_and_values() {
    let dir = tempfile::tempdir().unwrap();
    let (h3, h2) = {
        let mut store = open(dir.path(), 0);
        commit(
            &mut store,
            vec![set("bank", b"a", b"1"), set("ibc", b"c", b"2")],
        );
        let h2 = commit(&mut store, vec![set("bank", b"a", b"3")]);
        let h3 = commit(&mut store, vec![del("ibc", b"c"), set("gov", b"p", b"4")]);
        (h3, h2)
    };
    let mut store = open(dir.path(), 0);
    assert_eq!(store.height(), 3);
    assert_eq!(store.app_hash(), h3);
    assert_eq!(store.app_hash_at(2).unwrap(), h2);
    assert_eq!(
        store.latest().get(&module_key("bank", b"a")),
        Some(b"3".to_vec())
    );
    assert_eq!(store.latest().get(&module_key("ibc", b"c")), None);
    assert_eq!(store.get_at("ibc", b"c", 2).unwrap(), Some(b"2".to_vec()));
    // And it carries on committing from there.
    commit(&mut store, vec![set("bank", b"b", b"5")]);
    assert_eq!(store.height(), 4);
    assert_eq!(store.get_at("bank", b"a", 4).unwrap(), Some(b"3".to_vec()));
}

#[test]
fn rejects_bad_heights_and_bad_writes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 0);
    let err = store.commit(0, vec![set("bank", b"a", b"1")]).unwrap_err();
    assert!(
        err.to_string().contains("last committed height is 0"),
        "{err}"
    );
    let err = store
        .commit(1, vec![set("bank", b"a", b"1"), set("bank", b"a", b"2")])
        .unwrap_err();
    assert!(err.to_string().contains("twice"), "{err}");
    let err = store
        .commit(1, vec![(vec![9, b'x'], Some(vec![1]))])
        .unwrap_err();
    assert!(err.to_string().contains("module prefix"), "{err}");
    // Failed commits change nothing.
    assert_eq!(store.height(), 0);
    commit(&mut store, vec![set("bank", b"a", b"1")]);

    let err = store.get_at("bank", b"a", 2).unwrap_err();
    assert_eq!(
        err.downcast_ref::<HeightError>(),
        Some(&HeightError::Future {
            height: 2,
            latest: 1
        })
    );
    assert!(err.to_string().contains("height 2"), "{err}");
    assert!(store.app_hash_at(5).is_err());
    assert!(store.prove_at("bank", b"a", 2).is_err());
    assert!(store.get_at("", b"a", 1).is_err());
}

#[test]
fn the_store_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<agora_store::Store>();
}

/// A chain whose genesis `initial_height` is above 1 commits that height first, then goes on
/// one height at a time; heights below the first read as empty state.
#[test]
fn the_first_commit_may_be_at_any_height() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 0);
    store.commit(7, vec![set("bank", b"a", b"1")]).unwrap();
    assert_eq!(store.height(), 7);
    let err = store.commit(9, vec![set("bank", b"a", b"2")]).unwrap_err();
    assert!(
        err.to_string().contains("last committed height is 7"),
        "{err}"
    );
    store.commit(8, vec![set("bank", b"a", b"2")]).unwrap();
    assert_eq!(store.get_at("bank", b"a", 7).unwrap(), Some(b"1".to_vec()));
    assert_eq!(store.get_at("bank", b"a", 8).unwrap(), Some(b"2".to_vec()));
    assert_eq!(store.get_at("bank", b"a", 3).unwrap(), None);
    drop(store);
    let store = open(dir.path(), 0);
    assert_eq!(store.height(), 8);
}

/// A snapshot keeps showing its height, on another thread, while later heights commit.
#[test]
fn snapshots_keep_their_height_while_the_store_moves_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 0);
    commit(
        &mut store,
        vec![set("bank", b"a", b"1"), set("bank", b"b", b"1")],
    );
    let snapshot = store.snapshot();
    commit(&mut store, vec![set("bank", b"a", b"2"), del("bank", b"b")]);
    commit(&mut store, vec![set("bank", b"c", b"3")]);
    let reader = std::thread::spawn(move || {
        let keys: Vec<_> = snapshot.range(None, None, Order::Ascending).collect();
        (
            snapshot.height(),
            snapshot.get(&module_key("bank", b"a")),
            keys,
        )
    });
    let (height, a, keys) = reader.join().unwrap();
    assert_eq!(height, 1);
    assert_eq!(a, Some(b"1".to_vec()));
    assert_eq!(
        keys,
        vec![
            (module_key("bank", b"a"), b"1".to_vec()),
            (module_key("bank", b"b"), b"1".to_vec())
        ]
    );
    let latest = store.snapshot();
    assert_eq!(latest.height(), 3);
    assert_eq!(latest.get(&module_key("bank", b"b")), None);
    assert_eq!(latest.get_at("bank", b"b", 1).unwrap(), Some(b"1".to_vec()));
    assert!(latest.prove_at("bank", b"c", 3).unwrap().value.is_some());
}
