//! `agorad start` as an operator meets its safety rules: key files written 0600, a chain with
//! `initial_height > 1` exported and restarted from the export, the refusal to sign again
//! when data/ is wiped but the sign state kept, and a non-zero exit when block production
//! fails while the node runs.

mod support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::home::{json, Home, SELF_DELEGATION};
use support::node::Node;
use support::process::text;

const CHAIN: &str = "agora-safety";
const BALANCE: u128 = 10_000_000_000;

fn status(home: &Home, node: &Node) -> Value {
    json(&home.ok(&["status", "--node", &node.laddr, "-o", "json"]))
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// `init` at `initial_height`, then the one-validator genesis ceremony.
fn validator_home(initial_height: u64) -> Home {
    let home = Home::new();
    home.ok(&[
        "init",
        "node0",
        "--chain-id",
        CHAIN,
        "--initial-height",
        &initial_height.to_string(),
    ]);
    home.add_key("validator");
    home.ok(&[
        "genesis",
        "add-genesis-account",
        "validator",
        &format!("{BALANCE}uagr"),
    ]);
    home.ok(&[
        "genesis",
        "gentx",
        "validator",
        &format!("{SELF_DELEGATION}uagr"),
        "--chain-id",
        CHAIN,
    ]);
    home.ok(&["genesis", "collect-gentxs"]);
    home
}

/// Polls until `check` holds, for up to 30 s.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_chain_from_initial_height_exports_and_restarts_from_its_export() {
    let home = validator_home(5);
    for file in [
        "config/priv_validator_key.json",
        "config/node_key.json",
        "data/priv_validator_state.json",
    ] {
        assert_eq!(mode(&home.path().join(file)), 0o600, "{file}");
    }
    let state = json(&home.read("data/priv_validator_state.json"));
    assert_eq!(
        state,
        serde_json::json!({"height": "0", "round": 0, "step": 0})
    );

    let bob = home.add_key("bob");
    let mut node = home.start();
    let first = status(&home, &node);
    assert_eq!(first["sync_info"]["earliest_block_height"], "5", "{first}");
    let sent = json(&home.ok(&[
        "tx",
        "bank",
        "send",
        "validator",
        &bob,
        "1000uagr",
        "-y",
        "--node",
        &node.laddr,
        "-o",
        "json",
    ]));
    assert_eq!(sent["code"], 0, "{sent}");
    eventually("bob's 1000uagr", || home.balance(&node, &bob) == 1000);
    let latest = node.wait_for_height(7);
    let signed = json(&home.read("data/priv_validator_state.json"));
    assert!(
        signed["height"].as_str().unwrap().parse::<u64>().unwrap() >= latest,
        "{signed}"
    );
    assert_eq!(signed["step"], 3);
    node.kill();

    let exported = json(&home.ok(&["export"]));
    let next_height: u64 = exported["initial_height"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(next_height > latest, "{next_height} <= {latest}");
    assert_eq!(exported["chain_id"], CHAIN);
    assert_eq!(exported["validators"], home.genesis()["validators"]);

    // A new home with the same keys and config, the exported genesis and no data.
    let restarted = Home::new();
    std::fs::create_dir_all(restarted.path().join("config")).unwrap();
    for file in [
        "priv_validator_key.json",
        "node_key.json",
        "config.toml",
        "app.toml",
        "client.toml",
    ] {
        std::fs::copy(
            home.path().join("config").join(file),
            restarted.path().join("config").join(file),
        )
        .unwrap();
    }
    std::fs::write(
        restarted.path().join("config/genesis.json"),
        serde_json::to_string_pretty(&exported).unwrap(),
    )
    .unwrap();
    let mut node = restarted.start();
    node.wait_for_height(next_height + 2);
    let now = status(&restarted, &node);
    assert_eq!(
        now["sync_info"]["earliest_block_height"],
        next_height.to_string(),
        "{now}"
    );
    assert_eq!(restarted.balance(&node, &bob), 1000);
    node.kill();
}

#[test]
fn wiping_data_except_the_sign_state_refuses_to_start() {
    let home = validator_home(1);
    let mut node = home.start();
    node.wait_for_height(3);
    node.kill();
    for db in ["data/blockstore.db", "data/application.db"] {
        std::fs::remove_dir_all(home.path().join(db)).unwrap();
    }
    let out = home.run(&["start", "--rpc.laddr", "tcp://127.0.0.1:0"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("already signed height") && err.contains("double sign"),
        "{err}"
    );
}

#[test]
fn the_node_exits_non_zero_when_block_production_fails() {
    let home = validator_home(1);
    let mut node = home.start();
    node.wait_for_height(2);
    // The sign state can no longer be saved: the next signature is refused, production stops.
    std::fs::create_dir(home.path().join("data/.priv_validator_state.json.tmp")).unwrap();
    let exit = node
        .wait_exit(Duration::from_secs(30))
        .expect("agorad kept running after block production failed");
    let stderr = node.stderr();
    assert_eq!(exit.code(), Some(1), "{stderr}");
    assert!(stderr.contains("block production stopped"), "{stderr}");
    assert!(stderr.contains("priv_validator_state.json.tmp"), "{stderr}");
}
