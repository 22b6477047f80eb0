//! SIGKILL `agorad` at random points while a client feeds it blocks; every restart must
//! report the last committed height with the hash an uninterrupted run had there, and the
//! chain must reach the same final hash.

mod support;

use std::time::Duration;

use agora_app::testing::{
    bank_send, finalize_request, funded_app_state, init_chain_request, Signer, TestKey, TxSpec,
};
use agora_app::{App, AppConfig};
use rand::{Rng, SeedableRng};
use support::node::Launch;
use tendermint_proto::v0_38::abci::RequestInfo;

const CHAIN: &str = "crash-1";
const BLOCKS: u64 = 300;
const KEYS: usize = 6;

fn blocks() -> Vec<Vec<Vec<u8>>> {
    let keys: Vec<TestKey> = (0..KEYS as u64).map(TestKey::from_seed).collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut seq = [0u64; KEYS];
    (0..BLOCKS)
        .map(|_| {
            (0..rng.gen_range(1..20))
                .map(|_| {
                    let (from, to) = (rng.gen_range(0..KEYS), rng.gen_range(0..KEYS));
                    let spec = TxSpec::new(
                        CHAIN,
                        vec![bank_send(
                            &keys[from].address,
                            &keys[to].address,
                            rng.gen_range(1..1000),
                        )],
                        Signer {
                            key: &keys[from],
                            account_number: from as u64,
                            sequence: seq[from],
                        },
                    );
                    seq[from] += 1;
                    spec.sign()
                })
                .collect()
        })
        .collect()
}

fn app_state() -> serde_json::Value {
    let keys: Vec<TestKey> = (0..KEYS as u64).map(TestKey::from_seed).collect();
    funded_app_state(&keys, 10_000_000)
}

/// App hash after each height, from an in-process run that is never interrupted.
fn reference_hashes(blocks: &[Vec<Vec<u8>>]) -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(dir.path(), AppConfig::default()).unwrap();
    app.init_chain(init_chain_request(CHAIN, &app_state()))
        .unwrap();
    let mut hashes = vec![vec![]];
    for (i, txs) in blocks.iter().enumerate() {
        let res = app
            .finalize_block(finalize_request(i as u64 + 1, txs.clone()))
            .unwrap();
        app.commit().unwrap();
        hashes.push(res.app_hash.to_vec());
    }
    hashes
}

/// Feeds blocks from wherever the node stands until it dies or the chain is done.
fn feed(
    mut client: tendermint_abci::Client,
    blocks: &[Vec<Vec<u8>>],
    hashes: &[Vec<u8>],
) -> Result<u64, String> {
    let info = client
        .info(RequestInfo::default())
        .map_err(|e| e.to_string())?;
    let height = info.last_block_height as u64;
    assert_eq!(
        info.last_block_app_hash.to_vec(),
        hashes[height as usize],
        "restart at height {height} reports a wrong app hash"
    );
    if height == 0 {
        client
            .init_chain(init_chain_request(CHAIN, &app_state()))
            .map_err(|e| e.to_string())?;
    }
    for h in height + 1..=BLOCKS {
        let res = client
            .finalize_block(finalize_request(h, blocks[h as usize - 1].clone()))
            .map_err(|e| e.to_string())?;
        assert_eq!(
            res.app_hash.to_vec(),
            hashes[h as usize],
            "height {h} diverged"
        );
        client.commit().map_err(|e| e.to_string())?;
    }
    Ok(BLOCKS)
}

#[test]
fn killed_at_random_points_the_node_restarts_where_it_committed() {
    let blocks = blocks();
    let hashes = reference_hashes(&blocks);
    let home = tempfile::tempdir().unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let mut kills = 0;
    let mut restarts_seen = Vec::new();
    for _ in 0..8 {
        let mut node = Launch::new(home.path()).abci_only().start();
        let client = node.client();
        let pid = node.pid();
        let delay = Duration::from_millis(rng.gen_range(30..250));
        let killer = std::thread::spawn(move || {
            std::thread::sleep(delay);
            std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status()
                .ok();
        });
        let outcome = feed(client, &blocks, &hashes);
        killer.join().unwrap();
        node.kill();
        if outcome.is_err() {
            kills += 1;
        }
        let check = Launch::new(home.path()).abci_only().start();
        let info = check.client().info(RequestInfo::default()).unwrap();
        restarts_seen.push(info.last_block_height);
        assert_eq!(
            info.last_block_app_hash.to_vec(),
            hashes[info.last_block_height as usize]
        );
        if outcome == Ok(BLOCKS) {
            break;
        }
    }
    // finish uninterrupted
    let node = Launch::new(home.path()).abci_only().start();
    assert_eq!(feed(node.client(), &blocks, &hashes), Ok(BLOCKS));
    let info = node.client().info(RequestInfo::default()).unwrap();
    assert_eq!(info.last_block_height as u64, BLOCKS);
    assert_eq!(info.last_block_app_hash.to_vec(), hashes[BLOCKS as usize]);
    assert!(
        kills >= 3,
        "the node must have been killed mid-stream several times (restart heights {restarts_seen:?})"
    );
    let distinct: std::collections::BTreeSet<i64> = restarts_seen.iter().copied().collect();
    assert!(
        distinct.len() >= 3,
        "the restarts must come back at several different heights, got {restarts_seen:?}"
    );
}
