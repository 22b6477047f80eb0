//! Merkle trees, data order and dataset publishing.

use agora_pol::blob::FsStore;
use agora_pol::data::{batch_indices, Dataset, RemoteDataset, CORPUS};
use agora_pol::merkle::{leaf_hash, verify_proof, MerkleTree};

#[test]
fn merkle_proofs_verify_for_every_leaf_and_nothing_else() {
    for n in 1..=13u64 {
        let leaves: Vec<_> = (0..n).map(|i| leaf_hash(&i.to_le_bytes())).collect();
        let tree = MerkleTree::new(leaves.clone());
        let root = tree.root();
        for i in 0..n {
            let proof = tree.proof(i);
            assert!(
                verify_proof(&root, n, i, &leaves[i as usize], &proof),
                "n={n} i={i}"
            );
            assert!(
                !verify_proof(&root, n + 1, i, &leaves[i as usize], &proof),
                "count is bound in"
            );
            if n > 1 {
                let j = (i + 1) % n;
                assert!(
                    !verify_proof(&root, n, j, &leaves[i as usize], &proof),
                    "index is bound in"
                );
                let mut bad = proof.clone();
                bad[0].0[0] ^= 1;
                assert!(!verify_proof(&root, n, i, &leaves[i as usize], &bad));
            }
        }
    }
    // A different leaf set (or count) gives a different root.
    let a = MerkleTree::new(vec![leaf_hash(b"a"), leaf_hash(b"b")]).root();
    let b = MerkleTree::new(vec![leaf_hash(b"a"), leaf_hash(b"b"), leaf_hash(b"b")]).root();
    assert_ne!(a, b);
}

#[test]
fn data_order_is_a_permutation_per_epoch_and_seeded() {
    let n = 50;
    let epoch: Vec<usize> = (1..=10).flat_map(|s| batch_indices(7, s, 5, n)).collect();
    let mut sorted = epoch.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        (0..n).collect::<Vec<_>>(),
        "steps 1..=10 of batch 5 cover the 50 examples once"
    );
    assert_ne!(epoch, (0..n).collect::<Vec<_>>(), "shuffled");
    assert_ne!(
        batch_indices(7, 11, 5, n),
        batch_indices(7, 1, 5, n),
        "next epoch reshuffles"
    );
    assert_ne!(
        batch_indices(8, 1, 5, n),
        batch_indices(7, 1, 5, n),
        "seed matters"
    );
    assert_eq!(batch_indices(7, 3, 5, n), batch_indices(7, 3, 5, n));
}

#[test]
fn published_datasets_read_back_through_proofs() {
    let data = Dataset::char_windows(CORPUS, 16, 40).unwrap();
    assert!(data.len() > 64, "more than one shard");
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::new(dir.path()).unwrap();
    let manifest = data.publish(&store).unwrap();
    let remote = RemoteDataset::open(&store, &manifest, data.root())
        .map_err(|_| "open")
        .unwrap();
    assert_eq!(remote.len(), data.len());
    for i in [0, 63, 64, data.len() - 1] {
        assert_eq!(
            remote.example(i as u64).map_err(|_| "example").unwrap(),
            data.example(i)
        );
    }
    assert_eq!(
        remote.batch(3, 2, 8).map_err(|_| "batch").unwrap(),
        data.batch(3, 2, 8)
    );
    // A manifest checked against another root is refused.
    let other = Dataset::synthetic_classification(10, 4, 2, 0).unwrap();
    assert!(RemoteDataset::open(&store, &manifest, other.root()).is_err());
    // Built-in datasets are stable.
    let builtin = Dataset::builtin();
    assert_eq!(
        builtin.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        ["synthetic-16x4", "apache-2.0-chars-32"]
    );
    assert_eq!(builtin[0].1.len(), 512);
    assert!(Dataset::new(vec![]).is_err());
    assert!(Dataset::char_windows("héllo wörld", 4, 1).is_err());
}
