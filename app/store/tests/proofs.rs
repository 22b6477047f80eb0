//! ICS-23 proofs at past heights, checked with the ics23 verifier.

mod common;

use agora_store::{verify_proof, Proven};
use common::{commit, del, open, set};
use ics23::commitment_proof::Proof;

fn setup() -> (tempfile::TempDir, agora_store::Store, Vec<[u8; 32]>) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 0);
    let mut hashes = vec![[0; 32]];
    let mut writes = vec![set("ibc", b"clients/07-tendermint-0", b"state")];
    for i in 0..50u32 {
        writes.push(set(
            "bank",
            format!("balance/{i:03}").as_bytes(),
            &i.to_be_bytes(),
        ));
    }
    writes.push(set("auth", b"acct", b"1"));
    hashes.push(commit(&mut store, writes));
    hashes.push(commit(
        &mut store,
        vec![
            set("bank", b"balance/007", b"changed"),
            del("bank", b"balance/010"),
        ],
    ));
    hashes.push(commit(&mut store, vec![set("auth", b"acct", b"2")]));
    (dir, store, hashes)
}

#[test]
fn existence_and_non_existence_at_a_past_height() {
    let (_dir, store, hashes) = setup();
    // Height 1: balance/007 had its old value, balance/010 existed, balance/999 never did.
    let proven = store.prove_at("bank", b"balance/007", 1).unwrap();
    assert_eq!(proven.value, Some(7u32.to_be_bytes().to_vec()));
    assert!(matches!(proven.substore_proof.proof, Some(Proof::Exist(_))));
    verify_proof(&hashes[1], "bank", b"balance/007", &proven).unwrap();

    let proven = store.prove_at("bank", b"balance/999", 1).unwrap();
    assert_eq!(proven.value, None);
    assert!(matches!(
        proven.substore_proof.proof,
        Some(Proof::Nonexist(_))
    ));
    verify_proof(&hashes[1], "bank", b"balance/999", &proven).unwrap();

    // Height 2 (now in the past): the deleted key is provably absent, the changed key changed.
    let proven = store.prove_at("bank", b"balance/010", 2).unwrap();
    assert_eq!(proven.value, None);
    verify_proof(&hashes[2], "bank", b"balance/010", &proven).unwrap();
    let proven = store.prove_at("bank", b"balance/007", 2).unwrap();
    assert_eq!(proven.value, Some(b"changed".to_vec()));
    verify_proof(&hashes[2], "bank", b"balance/007", &proven).unwrap();
    // ... and proves nothing against the other heights' app hashes.
    assert!(verify_proof(&hashes[1], "bank", b"balance/007", &proven).is_err());

    // A module untouched since height 1, proven at height 2 and 3.
    for h in 2..=3 {
        let proven = store
            .prove_at("ibc", b"clients/07-tendermint-0", h)
            .unwrap();
        assert_eq!(proven.value, Some(b"state".to_vec()));
        verify_proof(
            &hashes[h as usize],
            "ibc",
            b"clients/07-tendermint-0",
            &proven,
        )
        .unwrap();
    }
}

#[test]
fn tampering_fails_verification() {
    let (_dir, store, hashes) = setup();
    let proven = store.prove_at("bank", b"balance/003", 1).unwrap();
    verify_proof(&hashes[1], "bank", b"balance/003", &proven).unwrap();

    let mut tampered = proven.clone();
    tampered.value = Some(b"1000000".to_vec());
    assert!(verify_proof(&hashes[1], "bank", b"balance/003", &tampered).is_err());

    let mut claims_absent = proven.clone();
    claims_absent.value = None;
    assert!(verify_proof(&hashes[1], "bank", b"balance/003", &claims_absent).is_err());

    let mut wrong_root = proven.clone();
    wrong_root.substore_root[0] ^= 1;
    assert!(verify_proof(&hashes[1], "bank", b"balance/003", &wrong_root).is_err());

    let mut wrong_app_hash = hashes[1];
    wrong_app_hash[31] ^= 1;
    assert!(verify_proof(&wrong_app_hash, "bank", b"balance/003", &proven).is_err());

    // The proof is for that key and that module only.
    assert!(verify_proof(&hashes[1], "bank", b"balance/004", &proven).is_err());
    assert!(verify_proof(&hashes[1], "auth", b"balance/003", &proven).is_err());

    // A non-existence proof cannot be turned into an existence claim.
    let mut absent = store.prove_at("bank", b"balance/999", 1).unwrap();
    absent.value = Some(b"x".to_vec());
    assert!(verify_proof(&hashes[1], "bank", b"balance/999", &absent).is_err());

    // Dropping the substore proof does not make a present module look absent.
    let mut hidden = store.prove_at("bank", b"balance/999", 1).unwrap();
    hidden.substore_proof = ics23::CommitmentProof::default();
    assert!(verify_proof(&hashes[1], "bank", b"balance/999", &hidden).is_err());
}

#[test]
fn a_module_without_state_has_a_root_level_non_existence_proof() {
    let (_dir, store, hashes) = setup();
    let proven: Proven = store.prove_at("gov", b"proposals/1", 2).unwrap();
    assert_eq!(proven.value, None);
    assert!(proven.substore_proof.proof.is_none());
    assert!(matches!(proven.root_proof.proof, Some(Proof::Nonexist(_))));
    verify_proof(&hashes[2], "gov", b"proposals/1", &proven).unwrap();
    assert!(verify_proof(&hashes[2], "bank", b"proposals/1", &proven).is_err());
    let mut wrong_app_hash = hashes[2];
    wrong_app_hash[0] ^= 1;
    assert!(verify_proof(&wrong_app_hash, "gov", b"proposals/1", &proven).is_err());
}

#[test]
fn no_state_no_proof() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), 0);
    commit(&mut store, vec![]);
    let err = store.prove_at("bank", b"a", 1).unwrap_err();
    assert!(err.to_string().contains("no state at height 1"), "{err}");
}
