//! The embedded engine on a real home: blocks a light client accepts, txs through the mempool,
//! the handshake replaying a stored block the app never committed, the crash windows around
//! signing and storing a block, the handshake's consistency checks, block times,
//! `initial_height > 1` and `health`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use agora_app::testing::{bank_send, funded_app_state, Signer, TestKey, TxSpec};
use agora_app::AppConfig;
use agora_node::blockstore::BlockStore;
use agora_node::config::NodeConfig;
use agora_node::mempool::MempoolError;
use agora_node::sign_state::SignState;
use agora_node::{engine, setup, Home, Node};
use tendermint::block::signed_header::SignedHeader;
use tendermint::block::CommitSig;
use tendermint_light_client_verifier::options::Options;
use tendermint_light_client_verifier::types::{LightBlock, TrustThreshold};
use tendermint_light_client_verifier::{ProdVerifier, Verdict, Verifier};

const CHAIN_ID: &str = "agora-engine-test";

fn keys() -> Vec<TestKey> {
    (0..3).map(TestKey::from_seed).collect()
}

fn new_home(dir: &Path) -> Home {
    setup::single_validator_home(
        dir,
        CHAIN_ID,
        funded_app_state(&keys(), 1_000_000_000),
        &NodeConfig::default(),
    )
    .unwrap()
}

fn open(home: &Home) -> Arc<Node> {
    try_open(home).unwrap()
}

fn try_open(home: &Home) -> anyhow::Result<Arc<Node>> {
    let node = Node::open(home.clone(), NodeConfig::default(), AppConfig::default())?;
    engine::handshake(&node)?;
    Ok(node)
}

/// The handshake's error on `home`, as text.
fn refusal(home: &Home) -> String {
    match try_open(home) {
        Ok(_) => panic!("the handshake should refuse {}", home.root().display()),
        Err(e) => format!("{e:#}"),
    }
}

/// Rewrites genesis.json's `key` to `value`.
fn set_genesis(home: &Home, key: &str, value: serde_json::Value) {
    let mut genesis: serde_json::Value =
        serde_json::from_slice(&std::fs::read(home.genesis()).unwrap()).unwrap();
    genesis[key] = value;
    std::fs::write(home.genesis(), genesis.to_string()).unwrap();
}

fn sign_state(home: &Home) -> SignState {
    serde_json::from_slice(&std::fs::read(home.priv_validator_state()).unwrap()).unwrap()
}

fn send(key: &TestKey, account_number: u64, sequence: u64, amount: u128) -> Vec<u8> {
    let to = TestKey::from_seed(99).address;
    TxSpec::new(
        CHAIN_ID,
        vec![bank_send(&key.address, &to, amount)],
        Signer {
            key,
            account_number,
            sequence,
        },
    )
    .sign()
}

fn light_block(node: &Node, height: u64) -> LightBlock {
    LightBlock::new(
        SignedHeader::new(
            node.blocks.block(height).unwrap().unwrap().header,
            node.blocks.commit(height).unwrap().unwrap(),
        )
        .unwrap(),
        node.validator_set(height).unwrap().unwrap(),
        node.validator_set(height + 1).unwrap().unwrap(),
        node.node_id,
    )
}

fn verify(trusted: &LightBlock, untrusted: &LightBlock) -> Verdict {
    let options = Options {
        trust_threshold: TrustThreshold::TWO_THIRDS,
        trusting_period: Duration::from_secs(3600),
        clock_drift: Duration::from_secs(60),
    };
    ProdVerifier::default().verify_update_header(
        untrusted.as_untrusted_state(),
        trusted.as_trusted_state(),
        &options,
        tendermint::Time::now(),
    )
}

#[test]
fn blocks_carry_txs_and_pass_light_client_verification() {
    let dir = tempfile::tempdir().unwrap();
    let node = open(&new_home(dir.path()));
    let keys = keys();
    let tx = send(&keys[0], 0, 0, 5);
    assert_eq!(node.submit_tx(&tx).unwrap().code, 0);
    assert_eq!(node.submit_tx(&tx), Err(MempoolError::Duplicate));
    let bad = send(&keys[1], 1, 7, 5);
    assert_ne!(
        node.submit_tx(&bad).unwrap().code,
        0,
        "a wrong sequence fails CheckTx"
    );
    assert_eq!(node.mempool().len(), 1);

    for expected in 1..=3 {
        assert_eq!(engine::produce_block(&node).unwrap(), expected);
    }
    assert!(node.mempool().is_empty());
    let block1 = node.blocks.block(1).unwrap().unwrap();
    assert_eq!(block1.data, vec![tx.clone()]);
    let record = node
        .blocks
        .tx(&agora_node::blockstore::tx_hash(&tx))
        .unwrap()
        .unwrap();
    assert_eq!((record.height, record.index, record.result.code), (1, 0, 0));
    let sender = keys[0].address.to_string();
    assert_eq!(
        node.blocks
            .txs_with_attribute("message.sender", &sender)
            .unwrap(),
        vec![(1, 0)]
    );
    // Block 2 carries block 1's app hash and commits to block 1's id.
    let block2 = node.blocks.block(2).unwrap().unwrap();
    let results1 = node.blocks.results(1).unwrap().unwrap();
    assert_eq!(
        block2.header.app_hash.as_bytes(),
        results1.app_hash.as_ref()
    );
    assert_eq!(
        block2.header.last_block_id,
        Some(agora_node::blockstore::block_id(&block1))
    );

    assert_eq!(
        verify(&light_block(&node, 1), &light_block(&node, 2)),
        Verdict::Success
    );
    assert_eq!(
        verify(&light_block(&node, 2), &light_block(&node, 3)),
        Verdict::Success
    );

    // A commit signed over anything else is refused.
    let mut forged = light_block(&node, 3);
    if let CommitSig::BlockIdFlagCommit { signature, .. } =
        &mut forged.signed_header.commit.signatures[0]
    {
        let mut bytes = signature.as_ref().unwrap().as_bytes().to_vec();
        bytes[0] ^= 1;
        *signature = Some(tendermint::Signature::new(bytes).unwrap().unwrap());
    }
    assert_ne!(verify(&light_block(&node, 2), &forged), Verdict::Success);
}

#[test]
fn handshake_replays_a_stored_block_the_app_did_not_commit() {
    let dir = tempfile::tempdir().unwrap();
    let home = new_home(&dir.path().join("a"));
    let keys = keys();
    {
        let node = open(&home);
        node.submit_tx(&send(&keys[0], 0, 0, 5)).unwrap();
        engine::produce_block(&node).unwrap();
        engine::produce_block(&node).unwrap();
    }
    // Snapshot the home at height 2, then let the original go one block further.
    let copy = dir.path().join("b");
    copy_dir(home.root(), &copy);
    let (hash3, app_hash3) = {
        let node = open(&home);
        node.submit_tx(&send(&keys[1], 1, 0, 7)).unwrap();
        engine::produce_block(&node).unwrap();
        let app_hash = node.app().store().app_hash();
        (
            node.blocks.block(3).unwrap().unwrap().header.hash(),
            app_hash,
        )
    };
    // The snapshot gets the newer block store but keeps its height-2 application state: as if
    // the node died after storing block 3 and before the app committed it.
    std::fs::remove_dir_all(copy.join("data/blockstore.db")).unwrap();
    copy_dir(&home.blockstore_db(), &copy.join("data/blockstore.db"));
    let replayed = open(&Home::new(&copy));
    assert_eq!(replayed.app().store().height(), 3);
    assert_eq!(replayed.app().store().app_hash(), app_hash3);
    assert_eq!(
        replayed.blocks.block(3).unwrap().unwrap().header.hash(),
        hash3
    );
    assert_eq!(engine::produce_block(&replayed).unwrap(), 4);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Two copies of one node at height 2 (same genesis, same key); the first goes on to height 3.
/// Returns (ahead, behind).
fn diverged_copies(dir: &Path) -> (Home, Home) {
    let ahead = new_home(&dir.join("ahead"));
    let keys = keys();
    {
        let node = open(&ahead);
        node.submit_tx(&send(&keys[0], 0, 0, 5)).unwrap();
        engine::produce_block(&node).unwrap();
        engine::produce_block(&node).unwrap();
    }
    let behind = Home::new(dir.join("behind"));
    copy_dir(ahead.root(), behind.root());
    let node = open(&ahead);
    node.submit_tx(&send(&keys[1], 1, 0, 7)).unwrap();
    assert_eq!(engine::produce_block(&node).unwrap(), 3);
    (ahead, behind)
}

#[test]
fn a_block_stored_but_not_finalized_is_replayed_at_the_handshake() {
    let dir = tempfile::tempdir().unwrap();
    let (ahead, behind) = diverged_copies(dir.path());
    let (block3, commit3, results3) = {
        let node = open(&ahead);
        (
            node.blocks.block(3).unwrap().unwrap(),
            node.blocks.commit(3).unwrap().unwrap(),
            node.blocks.results(3).unwrap().unwrap(),
        )
    };
    // The crash window: block 3 and its commit are stored, FinalizeBlock has not run (no
    // results) and the app is still at height 2.
    {
        let blocks = BlockStore::open(&behind.blockstore_db()).unwrap();
        blocks.save_block(&block3, &commit3).unwrap();
        assert_eq!((blocks.height(), blocks.results_height()), (3, 2));
        assert_eq!(blocks.results(3).unwrap(), None);
    }
    let node = open(&behind);
    assert_eq!(node.app().store().height(), 3);
    assert_eq!(
        node.app().store().app_hash().as_slice(),
        results3.app_hash.as_ref()
    );
    assert_eq!(node.blocks.results(3).unwrap().unwrap(), results3);
    // The lost sign state is raised from the stored commit to height 3: block 4 comes next.
    assert_eq!(sign_state(&behind).height, 3);
    assert_eq!(engine::produce_block(&node).unwrap(), 4);
    assert_eq!(
        node.blocks.block(4).unwrap().unwrap().header.last_block_id,
        Some(agora_node::blockstore::block_id(&block3))
    );
}

#[test]
fn a_block_signed_but_not_stored_is_proposed_again_never_another() {
    let dir = tempfile::tempdir().unwrap();
    let (ahead, behind) = diverged_copies(dir.path());
    let (block3, commit3) = {
        let node = open(&ahead);
        (
            node.blocks.block(3).unwrap().unwrap(),
            node.blocks.commit(3).unwrap().unwrap(),
        )
    };
    // The behind copy gets the ahead copy's sign state: it signed block 3 but stored nothing.
    std::fs::copy(ahead.priv_validator_state(), behind.priv_validator_state()).unwrap();
    let err = refusal(&behind);
    assert!(
        err.contains("already signed height 3") && err.contains("double sign"),
        "{err}"
    );
    // With the proposal stored before signing (as produce_block does), the same block is
    // signed again: the stored signature, and the txs of the proposal although the restarted
    // mempool is empty.
    BlockStore::open(&behind.blockstore_db())
        .unwrap()
        .save_proposal(&block3)
        .unwrap();
    let node = open(&behind);
    assert_eq!(engine::produce_block(&node).unwrap(), 3);
    assert_eq!(node.blocks.block(3).unwrap().unwrap(), block3);
    assert_eq!(node.blocks.commit(3).unwrap().unwrap(), commit3);
    assert_eq!(engine::produce_block(&node).unwrap(), 4);
}

#[test]
fn wiping_data_but_the_sign_state_refuses_to_sign_again() {
    let dir = tempfile::tempdir().unwrap();
    let home = new_home(dir.path());
    {
        let node = open(&home);
        for _ in 0..3 {
            engine::produce_block(&node).unwrap();
        }
    }
    assert_eq!(sign_state(&home).height, 3);
    std::fs::remove_dir_all(home.blockstore_db()).unwrap();
    std::fs::remove_dir_all(home.application_db()).unwrap();
    let err = refusal(&home);
    assert!(
        err.contains("already signed height 3") && err.contains("block store ends at 0"),
        "{err}"
    );
    assert_eq!(
        sign_state(&home).height,
        3,
        "the sign state is never lowered"
    );
}

#[test]
fn the_handshake_refuses_an_app_that_does_not_match_the_block_store() {
    let dir = tempfile::tempdir().unwrap();
    let home = new_home(&dir.path().join("a"));
    {
        let node = open(&home);
        engine::produce_block(&node).unwrap();
        engine::produce_block(&node).unwrap();
    }
    // Another chain's application.db.
    let other = setup::single_validator_home(
        &dir.path().join("b"),
        "another-chain",
        funded_app_state(&keys(), 1_000_000_000),
        &NodeConfig::default(),
    )
    .unwrap();
    {
        let node = open(&other);
        engine::produce_block(&node).unwrap();
        engine::produce_block(&node).unwrap();
    }
    let mixed = Home::new(dir.path().join("mixed"));
    copy_dir(home.root(), mixed.root());
    std::fs::remove_dir_all(mixed.application_db()).unwrap();
    copy_dir(&other.application_db(), &mixed.application_db());
    let err = refusal(&mixed);
    assert!(err.contains("another chain"), "{err}");

    // The same chain id but another genesis state: the app hashes differ.
    let twin = setup::single_validator_home(
        &dir.path().join("c"),
        CHAIN_ID,
        funded_app_state(&keys(), 5),
        &NodeConfig::default(),
    )
    .unwrap();
    {
        let node = open(&twin);
        engine::produce_block(&node).unwrap();
        engine::produce_block(&node).unwrap();
    }
    std::fs::remove_dir_all(mixed.application_db()).unwrap();
    copy_dir(&twin.application_db(), &mixed.application_db());
    let err = refusal(&mixed);
    assert!(err.contains("do not belong together"), "{err}");

    // An application ahead of the block store.
    std::fs::remove_dir_all(mixed.application_db()).unwrap();
    copy_dir(&home.application_db(), &mixed.application_db());
    std::fs::remove_dir_all(mixed.blockstore_db()).unwrap();
    let err = refusal(&mixed);
    assert!(
        err.contains("block store is behind the application"),
        "{err}"
    );
}

#[test]
fn a_chain_starts_at_initial_height_with_the_init_chain_app_hash_and_commit_times() {
    let dir = tempfile::tempdir().unwrap();
    let home = new_home(dir.path());
    set_genesis(&home, "initial_height", "10".into());
    let node = open(&home);
    let genesis_time = node.genesis.genesis_time;
    for expected in 10..=12 {
        assert_eq!(engine::produce_block(&node).unwrap(), expected);
    }
    assert_eq!((node.blocks.base(), node.blocks.height()), (10, 12));
    assert_eq!(node.blocks.block(9).unwrap(), None);
    let first = node.blocks.block(10).unwrap().unwrap();
    assert_eq!(first.header.last_block_id, None);
    assert_eq!(
        first.header.app_hash.as_bytes(),
        node.blocks.init_chain_app_hash().unwrap().unwrap(),
        "block initial_height carries InitChain's app hash"
    );
    assert!(!first.header.app_hash.as_bytes().is_empty());
    // CometBFT's block times: genesis time, then each commit's (median) vote time.
    assert_eq!(first.header.time, genesis_time);
    for height in 11..=12 {
        let block = node.blocks.block(height).unwrap().unwrap();
        let previous = node.blocks.block(height - 1).unwrap().unwrap();
        let CommitSig::BlockIdFlagCommit { timestamp, .. } =
            node.blocks.commit(height - 1).unwrap().unwrap().signatures[0]
        else {
            panic!("no commit signature")
        };
        assert_eq!(block.header.time, timestamp);
        assert!(block.header.time > previous.header.time);
    }
    assert_eq!(
        verify(&light_block(&node, 10), &light_block(&node, 11)),
        Verdict::Success
    );
    drop(node);
    // Restarted, it goes on from 12.
    let node = open(&home);
    assert_eq!(engine::produce_block(&node).unwrap(), 13);
}

#[test]
fn health_fails_once_the_last_block_is_older_than_three_timeout_commits() {
    let dir = tempfile::tempdir().unwrap();
    let home = new_home(dir.path());
    let mut config = NodeConfig::default();
    config.consensus.timeout_commit = Duration::from_millis(100).into();
    let node = Node::open(home, config, AppConfig::default()).unwrap();
    engine::handshake(&node).unwrap();
    engine::health(&node).expect("healthy before the first block");
    engine::produce_block(&node).unwrap();
    engine::health(&node).expect("healthy right after a block");
    std::thread::sleep(Duration::from_millis(400));
    let err = engine::health(&node).unwrap_err().to_string();
    assert!(err.contains("block production has stalled"), "{err}");
    engine::produce_block(&node).unwrap();
    engine::health(&node).expect("healthy again");
}
