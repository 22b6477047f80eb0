//! SIGKILL `agorad start` at random moments while it produces 50 ms blocks under a steady
//! stream of signed txs, and restart it on the same home each time. Everything the RPC showed
//! before a kill must come back identical after it (block, block hash, block results, app
//! hash), every tx `broadcast_tx_commit` reported committed must still be found by `tx`, and
//! the chain must go on past the last height seen. The restarts must come back at several
//! different heights, so the kills hit the chain at different points of its life.
//!
//! The kill moments come from a seeded RNG: set `AGORA_CRASH_SEED` to replay a run.

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use agora_app::testing::{bank_send, funded_app_state, Signer, TestKey, TxSpec};
use agora_node::config::NodeConfig;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use support::node::Launch;
use support::rpc::Rpc;

const CHAIN: &str = "agora-node-crash";
/// Funded accounts; account 0 sends with `broadcast_tx_commit`, the others with `_sync`.
const KEYS: usize = 4;
/// How many times the node is SIGKILLed.
const KILLS: usize = 6;
/// The default seed of the kill moments.
const DEFAULT_SEED: u64 = 0x00c0_ffee;

/// What the RPC showed for one height.
#[derive(Debug, Clone, PartialEq)]
struct Observed {
    /// `block`'s `block_id.hash`.
    hash: String,
    /// The whole `block` result (header, txs, last commit).
    block: Value,
    /// The whole `block_results` result (tx results, events, app hash after the block).
    results: Value,
}

impl Observed {
    /// `block_results.app_hash` (base64): the app hash after executing this height, as hex.
    fn app_hash_after(&self) -> String {
        let b64 = self.results["app_hash"]
            .as_str()
            .unwrap_or_else(|| panic!("no app_hash in {}", self.results));
        hex::encode_upper(BASE64.decode(b64).expect("base64 app_hash"))
    }

    /// `header.app_hash` (hex): the app hash after the previous height.
    fn header_app_hash(&self) -> &str {
        self.block["block"]["header"]["app_hash"]
            .as_str()
            .expect("header.app_hash")
    }

    fn txs(&self) -> usize {
        self.results["txs_results"]
            .as_array()
            .map_or(0, |txs| txs.len())
    }
}

/// Reads `height` over the RPC.
fn observe(rpc: &Rpc, height: u64) -> Result<Observed, String> {
    let block = rpc.call("block", json!({"height": height.to_string()}))?;
    let results = rpc.call("block_results", json!({"height": height.to_string()}))?;
    let hash = block["block_id"]["hash"]
        .as_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| format!("no block_id.hash at {height}: {block}"))?
        .to_string();
    Ok(Observed {
        hash,
        block,
        results,
    })
}

/// A tx `broadcast_tx_commit` reported as committed with code 0.
#[derive(Debug, Clone)]
struct CommittedTx {
    /// Upper-case hex, as the RPC writes it.
    hash: String,
    height: u64,
}

/// The sequence the node expects, from CheckTx's "account sequence mismatch" log.
fn expected_sequence(log: &str) -> Option<u64> {
    let rest = log.split("account sequence mismatch, expected ").nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Sends txs until told to stop, on two threads: account 0 with `broadcast_tx_commit`
/// (recording what it reports committed), the others with `broadcast_tx_sync` as fast as the
/// node takes them. Sequences resync from the node's "account sequence mismatch" answers (a
/// restarted node has lost its mempool).
struct Feeder {
    stop: Arc<AtomicBool>,
    committed: Arc<Mutex<Vec<CommittedTx>>>,
    handles: Vec<JoinHandle<Vec<(usize, u64)>>>,
}

/// One sender thread's loop over `accounts`; returns their next sequences.
fn send_loop(
    rpc: Rpc,
    keys: Arc<Vec<TestKey>>,
    mut accounts: Vec<(usize, u64)>,
    stop: Arc<AtomicBool>,
    committed: Option<Arc<Mutex<Vec<CommittedTx>>>>,
) -> Vec<(usize, u64)> {
    let mut amount = 1u128;
    while !stop.load(Ordering::Relaxed) {
        for (from, seq) in accounts.iter_mut() {
            let from = *from;
            amount += 1;
            let to = (from + 1) % KEYS;
            let tx = TxSpec::new(
                CHAIN,
                vec![bank_send(&keys[from].address, &keys[to].address, amount)],
                Signer {
                    key: &keys[from],
                    account_number: from as u64,
                    sequence: *seq,
                },
            )
            .sign();
            let method = if committed.is_some() {
                "broadcast_tx_commit"
            } else {
                "broadcast_tx_sync"
            };
            let Ok(res) = rpc.call(method, json!({"tx": BASE64.encode(&tx)})) else {
                // The node is down (or being killed): try again shortly.
                std::thread::sleep(Duration::from_millis(20));
                continue;
            };
            let check = if committed.is_some() {
                &res["check_tx"]
            } else {
                &res
            };
            if check["code"] != 0 {
                if let Some(expected) = expected_sequence(check["log"].as_str().unwrap_or("")) {
                    *seq = expected;
                }
                continue;
            }
            *seq += 1;
            if let Some(committed) = &committed {
                if res["tx_result"]["code"] == 0 {
                    let height = res["height"]
                        .as_str()
                        .and_then(|h| h.parse().ok())
                        .unwrap_or_else(|| panic!("no height in {res}"));
                    let hash = res["hash"].as_str().expect("hash").to_string();
                    committed.lock().unwrap().push(CommittedTx { hash, height });
                }
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    accounts
}

impl Feeder {
    fn start(rpc: &Rpc, keys: &Arc<Vec<TestKey>>, seqs: &[u64]) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let committed = Arc::new(Mutex::new(Vec::new()));
        let commit_accounts = vec![(0, seqs[0])];
        let sync_accounts = (1..KEYS).map(|i| (i, seqs[i])).collect();
        let handles = vec![
            {
                let (rpc, keys, stop) = (rpc.clone(), keys.clone(), stop.clone());
                let committed = Some(committed.clone());
                std::thread::spawn(move || send_loop(rpc, keys, commit_accounts, stop, committed))
            },
            {
                let (rpc, keys, stop) = (rpc.clone(), keys.clone(), stop.clone());
                std::thread::spawn(move || send_loop(rpc, keys, sync_accounts, stop, None))
            },
        ];
        Self {
            stop,
            committed,
            handles,
        }
    }

    fn committed_so_far(&self) -> usize {
        self.committed.lock().unwrap().len()
    }

    /// Stops the feeder; returns the next sequences and what it saw committed.
    fn finish(self) -> (Vec<u64>, Vec<CommittedTx>) {
        self.stop.store(true, Ordering::Relaxed);
        let mut seqs = vec![0; KEYS];
        for handle in self.handles {
            for (i, seq) in handle.join().expect("feeder panicked") {
                seqs[i] = seq;
            }
        }
        let committed = std::mem::take(&mut *self.committed.lock().unwrap());
        (seqs, committed)
    }
}

/// Checks that every height and tx seen so far reads back unchanged.
fn verify_history(rpc: &Rpc, observed: &BTreeMap<u64, Observed>, committed: &[CommittedTx]) {
    for (height, before) in observed {
        let now = observe(rpc, *height)
            .unwrap_or_else(|e| panic!("height {height} seen before the kill is gone: {e}"));
        assert_eq!(now.hash, before.hash, "block hash of {height} changed");
        assert_eq!(now.block, before.block, "block {height} changed");
        assert_eq!(
            now.results, before.results,
            "block_results of {height} changed"
        );
    }
    for tx in committed {
        let hash = hex::decode(&tx.hash).expect("hex hash");
        let found = rpc
            .call("tx", json!({"hash": BASE64.encode(hash)}))
            .unwrap_or_else(|e| panic!("committed tx {} is gone: {e}", tx.hash));
        assert_eq!(found["hash"], tx.hash.as_str(), "{found}");
        assert_eq!(found["height"], tx.height.to_string(), "{found}");
        assert_eq!(found["tx_result"]["code"], 0, "{found}");
    }
}

/// Reads every height up to the latest that is not yet in `observed`.
fn observe_new(rpc: &Rpc, observed: &mut BTreeMap<u64, Observed>) -> usize {
    let Some(latest) = rpc.latest_height() else {
        return 0;
    };
    let from = observed.keys().next_back().map_or(1, |h| h + 1);
    let mut added = 0;
    for height in from..=latest {
        let seen = observe(rpc, height).unwrap_or_else(|e| panic!("reading {height}: {e}"));
        observed.insert(height, seen);
        added += 1;
    }
    added
}

#[test]
fn sigkill_during_block_production_loses_and_changes_nothing() {
    let seed = std::env::var("AGORA_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    eprintln!("node_crash: seed {seed} (AGORA_CRASH_SEED replays it)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let dir = tempfile::tempdir().unwrap();
    let keys: Arc<Vec<TestKey>> = Arc::new((0..KEYS as u64).map(TestKey::from_seed).collect());
    let mut config = NodeConfig {
        moniker: "crash".into(),
        ..NodeConfig::default()
    };
    config.consensus.timeout_commit = Duration::from_millis(50).into();
    let home = dir.path().join("home");
    agora_node::setup::single_validator_home(
        &home,
        CHAIN,
        funded_app_state(&keys, 1_000_000_000_000),
        &config,
    )
    .unwrap();

    let mut observed: BTreeMap<u64, Observed> = BTreeMap::new();
    let mut committed: Vec<CommittedTx> = Vec::new();
    let mut seqs = vec![0u64; KEYS];
    let mut kills = 0;
    // The height each restart came back at.
    let mut restarts: Vec<u64> = Vec::new();
    loop {
        // Each start listens on a new port (0 in --rpc.laddr); the RPC client follows it.
        let mut node = Launch::new(&home).start();
        let rpc = node.rpc();
        let latest = node.wait_for_height(1);
        if kills > 0 {
            restarts.push(latest);
        }
        let last_seen = observed.keys().next_back().copied().unwrap_or(0);
        assert!(
            latest >= last_seen,
            "restarted at height {latest}, below the {last_seen} seen before the kill"
        );
        verify_history(&rpc, &observed, &committed);
        if kills == KILLS {
            // The chain goes on past everything seen before the kills.
            let deadline = Instant::now() + Duration::from_secs(20);
            while rpc.latest_height().unwrap_or(0) <= last_seen + 2 {
                assert!(
                    Instant::now() < deadline,
                    "the chain stalled after restarting at {latest}"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            observe_new(&rpc, &mut observed);
            node.kill();
            break;
        }

        // Run under load for a random while, at least until a new block and a
        // broadcast_tx_commit have been seen in this run, then SIGKILL.
        let feeder = Feeder::start(&rpc, &keys, &seqs);
        let run_for = Duration::from_millis(rng.gen_range(100..1500));
        let started = Instant::now();
        let mut new_heights = 0;
        loop {
            new_heights += observe_new(&rpc, &mut observed);
            if started.elapsed() >= run_for && new_heights > 0 && feeder.committed_so_far() > 0 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no block or no committed tx within 20 s of a restart"
            );
            node.assert_running();
            std::thread::sleep(Duration::from_millis(rng.gen_range(1..15)));
        }
        node.kill();
        kills += 1;
        let (next_seqs, round_committed) = feeder.finish();
        seqs = next_seqs;
        eprintln!(
            "node_crash: kill {kills} after {run_for:?}: heights up to {}, {} txs committed",
            observed.keys().next_back().unwrap(),
            round_committed.len()
        );
        committed.extend(round_committed);
    }

    assert_eq!(kills, KILLS);
    assert_eq!(restarts.len(), KILLS);
    let distinct: std::collections::BTreeSet<u64> = restarts.iter().copied().collect();
    assert!(
        distinct.len() >= 3,
        "the restarts must happen at several different heights, got {restarts:?}"
    );
    assert!(
        restarts.windows(2).all(|w| w[0] <= w[1]),
        "a restart went back in height: {restarts:?}"
    );
    assert!(committed.len() >= KILLS, "{committed:?}");
    // Each height's app hash (from block_results) is the next header's app hash.
    for (height, seen) in &observed {
        if let Some(next) = observed.get(&(height + 1)) {
            assert_eq!(
                seen.app_hash_after(),
                next.header_app_hash(),
                "app hash after {height} differs from header {}",
                height + 1
            );
        }
    }
    let txs: usize = observed.values().map(Observed::txs).sum();
    eprintln!(
        "node_crash: {} heights, {txs} txs in blocks, {} confirmed by broadcast_tx_commit",
        observed.len(),
        committed.len()
    );
    assert!(txs > committed.len(), "only {txs} txs in blocks");
    // The committed txs are in the blocks they were reported in.
    for tx in &committed {
        let block = &observed[&tx.height];
        assert!(block.txs() > 0, "{tx:?} but block {} is empty", tx.height);
    }
}
