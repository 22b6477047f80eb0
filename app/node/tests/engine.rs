//! The embedded engine on a real home: blocks a light client accepts, txs through the mempool,
//! and the handshake replaying a stored block the app never committed.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use agora_app::testing::{bank_send, funded_app_state, Signer, TestKey, TxSpec};
use agora_app::AppConfig;
use agora_node::config::NodeConfig;
use agora_node::mempool::MempoolError;
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
    let node = Node::open(home.clone(), NodeConfig::default(), AppConfig::default()).unwrap();
    engine::handshake(&node).unwrap();
    node
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
        node.validators.clone(),
        node.validators.clone(),
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
