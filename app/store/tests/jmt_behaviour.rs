//! What jmt 0.12 itself does with versions at which a tree gets no writes. These facts are why
//! the store redirects root lookups to the latest root at or before a version (see `tree.rs`).

use jmt::mock::MockTreeStore;
use jmt::{KeyHash, Sha256Jmt};
use sha2::Sha256;

fn kh(key: &[u8]) -> KeyHash {
    KeyHash::with::<Sha256>(key)
}

#[test]
fn jmt_has_no_root_at_unwritten_versions_and_forgets_state_across_gaps() {
    let db = MockTreeStore::default();
    let tree = Sha256Jmt::new(&db);
    let (root1, batch) = tree
        .put_value_set(vec![(kh(b"a"), Some(b"1".to_vec()))], 1)
        .unwrap();
    db.write_tree_update_batch(batch).unwrap();

    // Version 2 is never written: there is no root there.
    assert!(tree.get_root_hash_option(2).unwrap().is_none());
    assert!(tree.get_with_proof(kh(b"a"), 2).is_err());

    // Writing version 3 starts from the (missing) root at 2, i.e. from an empty tree: "a" is gone.
    let (root3, batch) = tree
        .put_value_set(vec![(kh(b"b"), Some(b"2".to_vec()))], 3)
        .unwrap();
    db.write_tree_update_batch(batch).unwrap();
    let fresh = MockTreeStore::default();
    let (only_b, _) = Sha256Jmt::new(&fresh)
        .put_value_set(vec![(kh(b"b"), Some(b"2".to_vec()))], 1)
        .unwrap();
    assert_eq!(root3, only_b);
    assert_ne!(root3, root1);

    // An empty write set copies the previous root forward.
    let (root4, batch) = tree.put_value_set(vec![], 4).unwrap();
    db.write_tree_update_batch(batch).unwrap();
    assert_eq!(root4, root3);
    assert_eq!(tree.get_root_hash_option(4).unwrap(), Some(root3));
}
