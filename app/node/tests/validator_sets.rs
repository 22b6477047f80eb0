//! The embedded engine follows the validator set the app returns, on a real home: a validator
//! bonded by a tx at height h joins the set at h+2 (headers, commits and light clients agree),
//! the commits list it absent and the app counts its missed blocks, a restart loads the
//! same sets from the block store, and a node left without more than 2/3 of the power stops signing.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use agora_app::testing::{create_validator, funded_app_state, Signer, TestKey, TxSpec};
use agora_app::AppConfig;
use agora_core::{Address, Dec, VALCONS_PREFIX};
use agora_node::config::NodeConfig;
use agora_node::validator::PrivValidator;
use agora_node::{engine, setup, Home, Node};
use agora_proto::cosmos::slashing::v1beta1 as slashing;
use prost::Message as _;
use tendermint::block::signed_header::SignedHeader;
use tendermint::block::CommitSig;
use tendermint::{account, PublicKey};
use tendermint_light_client_verifier::options::Options;
use tendermint_light_client_verifier::types::{LightBlock, TrustThreshold};
use tendermint_light_client_verifier::{ProdVerifier, Verdict, Verifier};
use tendermint_proto::v0_38::abci::RequestQuery;

const CHAIN_ID: &str = "agora-valset-test";
/// The genesis validator's power (`setup::single_validator_home`).
const MY_POWER: u64 = agora_node::validator::DEFAULT_POWER;

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

/// Bonds a new validator (a fresh consensus key, operated by account 1) with `power` (x 10^6
/// uagr) in the next block; returns that block's height and the key.
fn bond_second_validator(node: &Node, power: u64) -> (u64, PublicKey) {
    let keys = keys();
    let consensus_key = PrivValidator::generate().unwrap().public_key();
    let msg = create_validator(
        &keys[1].address,
        &consensus_key.to_bytes(),
        u128::from(power) * 1_000_000,
        Dec::from_ratio(1, 10).unwrap(),
    );
    let mut spec = TxSpec::new(
        CHAIN_ID,
        vec![msg],
        Signer {
            key: &keys[1],
            account_number: 1,
            sequence: 0,
        },
    );
    spec.gas_limit = 1_000_000;
    let check = node.submit_tx(&spec.sign()).unwrap();
    assert_eq!(check.code, 0, "{}", check.log);
    let height = engine::produce_block(node).unwrap();
    let results = node.blocks.results(height).unwrap().unwrap();
    assert_eq!(
        results.tx_results[0].code, 0,
        "{}",
        results.tx_results[0].log
    );
    (height, consensus_key)
}

/// (address, power) of set(`height`), in the set's order.
fn set_at(node: &Node, height: u64) -> Vec<(account::Id, u64)> {
    node.validator_set(height)
        .unwrap()
        .unwrap_or_else(|| panic!("set({height}) unknown"))
        .validators()
        .iter()
        .map(|v| (v.address, v.power()))
        .collect()
}

/// Deletes the block store's validator-set and consensus-param change points (`v/`, `p/`),
/// as a block store written before they were kept lacks them.
fn forget_stored_history(home: &Home) {
    let db = rocksdb::DB::open_default(home.blockstore_db()).unwrap();
    let keys: Vec<Box<[u8]>> = db
        .iterator(rocksdb::IteratorMode::Start)
        .map(|item| item.unwrap().0)
        .filter(|key| key.starts_with(b"v/") || key.starts_with(b"p/"))
        .collect();
    assert!(!keys.is_empty());
    for key in keys {
        db.delete(key).unwrap();
    }
}

fn light_block(node: &Node, height: u64) -> LightBlock {
    let set = |height| node.validator_set(height).unwrap().unwrap();
    LightBlock::new(
        SignedHeader::new(
            node.blocks.block(height).unwrap().unwrap().header,
            node.blocks.commit(height).unwrap().unwrap(),
        )
        .unwrap(),
        set(height),
        set(height + 1),
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

/// The slashing module's `missed_blocks_counter` of consensus key `key`.
fn missed_blocks(node: &Node, key: PublicKey) -> i64 {
    let address = Address::from_bytes(account::Id::from(key).as_bytes()).unwrap();
    let response = node.queries.query(RequestQuery {
        path: "/cosmos.slashing.v1beta1.Query/SigningInfo".into(),
        data: slashing::QuerySigningInfoRequest {
            cons_address: address.to_bech32_with(VALCONS_PREFIX),
        }
        .encode_to_vec()
        .into(),
        ..Default::default()
    });
    assert_eq!(response.code, 0, "{}", response.log);
    slashing::QuerySigningInfoResponse::decode(response.value.as_ref())
        .unwrap()
        .val_signing_info
        .expect("signing info")
        .missed_blocks_counter
}

#[test]
fn a_validator_bonded_at_h_joins_the_set_at_h_plus_2_and_is_marked_absent() {
    let dir = tempfile::tempdir().unwrap();
    let home = new_home(dir.path());
    let node = open(&home);
    let me = node.validator.address();
    engine::produce_block(&node).unwrap();
    let (h, key) = bond_second_validator(&node, 1);
    let other = account::Id::from(key);
    for _ in 0..4 {
        engine::produce_block(&node).unwrap();
    }
    let latest = h + 4;
    assert_eq!(node.blocks.height(), latest);

    assert_eq!(set_at(&node, h), vec![(me, MY_POWER)]);
    assert_eq!(set_at(&node, h + 1), vec![(me, MY_POWER)]);
    assert_eq!(set_at(&node, h + 2), vec![(me, MY_POWER), (other, 1)]);
    assert_eq!(set_at(&node, latest + 1), set_at(&node, h + 2));

    // Headers: set(h) and set(h+1) hashed; the change shows first as h+1's next set.
    let hash = |height| node.validator_set(height).unwrap().unwrap().hash();
    let header = |height| node.blocks.block(height).unwrap().unwrap().header;
    assert_eq!(header(h + 1).validators_hash, hash(h + 1));
    assert_eq!(header(h + 1).next_validators_hash, hash(h + 2));
    assert_ne!(hash(h + 1), hash(h + 2));
    assert_eq!(header(h + 2).validators_hash, hash(h + 2));

    // Commits list every validator of set(h), in its order: this node signs, the other is absent.
    assert_eq!(
        node.blocks.commit(h + 1).unwrap().unwrap().signatures.len(),
        1
    );
    for height in h + 2..=latest {
        let sigs = node.blocks.commit(height).unwrap().unwrap().signatures;
        assert!(
            matches!(&sigs[..], [CommitSig::BlockIdFlagCommit { validator_address, .. }, CommitSig::BlockIdFlagAbsent] if *validator_address == me),
            "{sigs:?}"
        );
    }
    // A light client follows the change.
    for height in h..latest {
        assert_eq!(
            verify(&light_block(&node, height), &light_block(&node, height + 1)),
            Verdict::Success,
            "{height} -> {}",
            height + 1
        );
    }
    // decided_last_commit marks the new validator absent from block h+3 on (the commit of
    // h+2 is the first it belongs to): slashing counts h+3 and h+4 as missed.
    assert_eq!(missed_blocks(&node, key), 2);

    // A restart loads the same sets from the block store's change points (older heights
    // than the engine keeps in memory come from there too).
    let before: Vec<_> = (1..=latest + 1)
        .map(|height| set_at(&node, height))
        .collect();
    drop(node);
    let node = open(&home);
    let after: Vec<_> = (1..=latest + 1)
        .map(|height| set_at(&node, height))
        .collect();
    assert_eq!(after, before);
    // A block store from before change points were stored: the engine rebuilds them once
    // from every block's results, and stores them.
    drop(node);
    forget_stored_history(&home);
    let node = open(&home);
    assert!(node.blocks.has_history().unwrap());
    let rebuilt: Vec<_> = (1..=latest + 1)
        .map(|height| set_at(&node, height))
        .collect();
    assert_eq!(rebuilt, before);
    assert_eq!(engine::produce_block(&node).unwrap(), latest + 1);
    assert_eq!(
        node.blocks
            .commit(latest + 1)
            .unwrap()
            .unwrap()
            .signatures
            .len(),
        2
    );
    assert_eq!(missed_blocks(&node, key), 3);
}

#[test]
fn a_node_holding_no_more_than_two_thirds_of_the_power_stops_signing() {
    let dir = tempfile::tempdir().unwrap();
    let home = new_home(dir.path());
    let node = open(&home);
    let (h, _) = bond_second_validator(&node, 2 * MY_POWER);
    assert_eq!(engine::produce_block(&node).unwrap(), h + 1);
    let err = engine::produce_block(&node).unwrap_err().to_string();
    assert!(
        err.contains(&format!(
            "holds {MY_POWER} of {} voting power at height {}, not more than 2/3",
            3 * MY_POWER,
            h + 2
        )),
        "{err}"
    );
    assert_eq!(node.blocks.height(), h + 1);
    assert_eq!(
        node.blocks.proposal(h + 2).unwrap(),
        None,
        "nothing proposed"
    );

    // The run loop stops producing but goes on until it is told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let runner = {
        let (node, stop) = (node.clone(), stop.clone());
        std::thread::spawn(move || engine::run(node, stop))
    };
    std::thread::sleep(Duration::from_millis(500));
    assert!(!runner.is_finished(), "run returned before it was stopped");
    assert_eq!(node.blocks.height(), h + 1);
    stop.store(true, Ordering::SeqCst);
    runner.join().unwrap().unwrap();
}
