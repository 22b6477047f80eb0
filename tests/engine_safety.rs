//! `agorad start` as an operator meets its safety rules: key files written 0600, a chain with
//! `initial_height > 1` exported and restarted from the export, the refusal to sign again
//! when data/ is wiped but the sign state kept, a non-zero exit when block production
//! fails while the node runs, the engine following a validator-set change the app makes
//! (a second validator bonded at h is in the set from h+2, across a restart), and a node
//! whose validator left the set stopping there with its RPC up.

mod support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
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

/// `validators?height=<height>` from the node's RPC.
fn validators_at(node: &Node, height: u64) -> Value {
    node.rpc()
        .get("validators", json!({"height": height.to_string()}))
}

/// (base64 ed25519 key, power) of each validator in a `validators` answer, in its order.
fn powers(answer: &Value) -> Vec<(String, String)> {
    answer["validators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                key_of(&v["pub_key"]),
                v["voting_power"].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// The base64 key of a public key in CometBFT's JSON (`value`) or the SDK's (`key`).
fn key_of(pub_key: &Value) -> String {
    pub_key["value"]
        .as_str()
        .or(pub_key["key"].as_str())
        .unwrap_or_else(|| panic!("no key in {pub_key}"))
        .to_string()
}

/// CometBFT's hash of the validator set in a `validators` answer.
fn set_hash(answer: &Value) -> String {
    let validators = answer["validators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let key: tendermint::PublicKey = serde_json::from_value(v["pub_key"].clone()).unwrap();
            let power: u64 = v["voting_power"].as_str().unwrap().parse().unwrap();
            tendermint::validator::Info::new(key, power.try_into().unwrap())
        })
        .collect();
    tendermint::validator::Set::new(validators, None)
        .hash()
        .to_string()
}

/// The `missed_blocks_counter` of the validator with consensus key `pubkey` (JSON).
fn missed_blocks(home: &Home, node: &Node, pubkey: &Value) -> u64 {
    let info = home.query(
        node,
        &["query", "slashing", "signing-info", &pubkey.to_string()],
    );
    info["missed_blocks_counter"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn the_engine_follows_a_validator_set_change_the_app_makes() {
    let home = validator_home(1);
    let mut node = home.start();
    let mine = json(home.ok(&["comet", "show-validator"]).trim());

    // A second validator with its own consensus key and a small self bond (power 1).
    let bob = home.add_key("bob");
    let sent = json(&home.ok(&[
        "tx",
        "bank",
        "send",
        "validator",
        &bob,
        "50000000uagr",
        "-y",
        "--node",
        &node.laddr,
        "-o",
        "json",
    ]));
    home.wait_for_tx(&node, sent["txhash"].as_str().unwrap());
    let other = Home::new();
    other.ok(&["init", "node1", "--chain-id", CHAIN]);
    let pubkey = json(other.ok(&["comet", "show-validator"]).trim());
    let file = home.path().join("validator.json");
    let spec = json!({
        "pubkey": pubkey, "amount": "1000000uagr", "moniker": "bob",
        "commission-rate": "0.1", "commission-max-rate": "0.2",
        "commission-max-change-rate": "0.01", "min-self-delegation": "1"
    });
    std::fs::write(&file, spec.to_string()).unwrap();
    let sent = json(&home.ok(&[
        "tx",
        "staking",
        "create-validator",
        file.to_str().unwrap(),
        "--from",
        "bob",
        "-y",
        "--node",
        &node.laddr,
        "-o",
        "json",
    ]));
    let committed = home.wait_for_tx(&node, sent["txhash"].as_str().unwrap());
    assert_eq!(committed["code"], 0, "{committed}");
    let h: u64 = committed["height"].as_str().unwrap().parse().unwrap();
    node.wait_for_height(h + 5);

    let power = SELF_DELEGATION / 1_000_000;
    let before = validators_at(&node, h + 1);
    assert_eq!(
        powers(&before),
        vec![(key_of(&mine), power.to_string())],
        "{before}"
    );
    let after = validators_at(&node, h + 2);
    assert_eq!(after["total"], "2", "{after}");
    assert_eq!(
        powers(&after),
        vec![
            (key_of(&mine), power.to_string()),
            (key_of(&pubkey), "1".into())
        ],
        "{after}"
    );
    let header = |height: u64| {
        node.rpc()
            .get("header", json!({"height": height.to_string()}))["header"]
            .clone()
    };
    assert_eq!(header(h + 2)["validators_hash"], set_hash(&after));
    assert_eq!(header(h + 1)["next_validators_hash"], set_hash(&after));
    assert_eq!(header(h + 1)["validators_hash"], set_hash(&before));
    // The next height's set is answered, not the one after (CometBFT's limit).
    let latest = node.rpc().latest_height().unwrap();
    let beyond = node
        .rpc()
        .call("validators", json!({"height": (latest + 5).to_string()}))
        .unwrap_err();
    assert!(
        beyond.contains("must be less than or equal to the current blockchain height"),
        "{beyond}"
    );

    // The commits mark bob absent: slashing counts his missed blocks, and the count grows.
    let missed = missed_blocks(&home, &node, &pubkey);
    assert!(missed >= 2, "{missed}");
    let later = node.wait_for_height(latest + 3);
    assert!(missed_blocks(&home, &node, &pubkey) > missed);
    assert!(later >= latest + 3);

    // A restart answers the same sets.
    node.kill();
    let mut node = home.start();
    node.wait_for_height(later + 2);
    assert_eq!(validators_at(&node, h + 1), before);
    assert_eq!(validators_at(&node, h + 2), after);
    assert_eq!(powers(&validators_at(&node, later)), powers(&after));
}

#[test]
fn a_node_whose_validator_leaves_the_set_stops_producing_and_says_so() {
    let home = validator_home(1);
    let mut node = home.start();
    let set = home.query(&node, &["query", "staking", "validators"]);
    let valoper = set["validators"][0]["operator_address"]
        .as_str()
        .unwrap()
        .to_string();
    let committed = home.validator_tx(
        &node,
        &[
            "staking",
            "unbond",
            &valoper,
            &format!("{SELF_DELEGATION}uagr"),
        ],
    );
    assert_eq!(committed["code"], 0, "{committed}");
    let h: u64 = committed["height"].as_str().unwrap().parse().unwrap();
    let said = format!(
        "is not in the validator set at height {} (it unbonded or was jailed): a single-validator chain halts here, as CometBFT would",
        h + 2
    );
    eventually("the halt's log line", || node.stderr().contains(&said));
    let stderr = node.stderr();
    let warned = format!(
        "this node's key leaves the validator set at height {}",
        h + 2
    );
    assert!(stderr.contains(&warned), "{stderr}");
    // It stays up, serving RPC, at h+1.
    let rpc = node.rpc();
    assert_eq!(rpc.latest_height(), Some(h + 1));
    std::thread::sleep(Duration::from_secs(1));
    node.assert_running();
    assert_eq!(rpc.latest_height(), Some(h + 1));
    assert_eq!(validators_at(&node, h + 2)["total"], "0");
    let health = rpc.call("health", json!({})).unwrap_err();
    assert!(health.contains("block production has stalled"), "{health}");
    assert_eq!(stderr.matches(&said).count(), 1, "logged once: {stderr}");
}
