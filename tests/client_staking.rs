//! Staking from the CLI against a running node whose validator was bonded by its gentx:
//! the validator set, delegating, unbonding and cancelling it, the pools, a second validator
//! created from a file, and refusals.

mod support;

use serde_json::Value;
use support::home::{json, Home, SELF_DELEGATION};
use support::node::Node;

const CHAIN: &str = "agora-staking";
const BALANCE: u128 = 1_000_000_000;

/// Sends a staking tx from the validator's key and waits for its block; the committed tx.
fn staking_tx(home: &Home, node: &Node, args: &[&str]) -> Value {
    let mut all = vec!["staking"];
    all.extend_from_slice(args);
    home.validator_tx(node, &all)
}

#[test]
fn delegating_and_unbonding_from_the_cli() {
    let home = Home::new();
    let address = home.validator(CHAIN, BALANCE);
    let node = home.start();

    let set = home.query(&node, &["query", "staking", "validators"]);
    let validators = set["validators"].as_array().unwrap();
    assert_eq!(validators.len(), 1, "{set}");
    let v = &validators[0];
    assert_eq!(v["status"], "BOND_STATUS_BONDED");
    assert_eq!(v["tokens"], SELF_DELEGATION.to_string());
    assert_eq!(
        v["consensus_pubkey"]["@type"],
        "/cosmos.crypto.ed25519.PubKey"
    );
    let shown = json(home.ok(&["comet", "show-validator"]).trim());
    assert_eq!(
        v["consensus_pubkey"], shown,
        "the gentx bonded this node's consensus key"
    );
    let valoper = v["operator_address"].as_str().unwrap().to_string();
    assert!(valoper.starts_with("agoravaloper1"), "{valoper}");

    let committed = staking_tx(&home, &node, &["delegate", &valoper, "5000000uagr"]);
    assert_eq!(committed["code"], 0, "{committed}");
    let events = committed["events"].as_array().unwrap();
    assert!(
        events.iter().any(|e| e["type"] == "delegate"),
        "{committed}"
    );
    let delegation = home.query(
        &node,
        &["query", "staking", "delegation", &address, &valoper],
    );
    assert_eq!(
        delegation["balance"]["amount"],
        (SELF_DELEGATION + 5_000_000).to_string()
    );
    assert_eq!(
        delegation["delegation"]["shares"],
        format!("{}.000000000000000000", SELF_DELEGATION + 5_000_000)
    );

    staking_tx(&home, &node, &["unbond", &valoper, "2000000uagr"]);
    let ubd = home.query(
        &node,
        &[
            "query",
            "staking",
            "unbonding-delegation",
            &address,
            &valoper,
        ],
    );
    assert_eq!(ubd["entries"][0]["balance"], "2000000", "{ubd}");
    let pool = home.query(&node, &["query", "staking", "pool"]);
    assert_eq!(
        pool["bonded_tokens"],
        (SELF_DELEGATION + 3_000_000).to_string()
    );
    assert_eq!(pool["not_bonded_tokens"], "2000000");
    // Half the unbonding entry goes back to the validator before it completes.
    let height = ubd["entries"][0]["creation_height"]
        .as_str()
        .unwrap()
        .to_string();
    staking_tx(
        &home,
        &node,
        &["cancel-unbond", &valoper, "1000000uagr", &height],
    );
    let ubd = home.query(
        &node,
        &[
            "query",
            "staking",
            "unbonding-delegation",
            &address,
            &valoper,
        ],
    );
    assert_eq!(ubd["entries"][0]["balance"], "1000000", "{ubd}");
    let pool = home.query(&node, &["query", "staking", "pool"]);
    assert_eq!(
        pool["bonded_tokens"],
        (SELF_DELEGATION + 4_000_000).to_string()
    );
    let listed = home.query(&node, &["query", "staking", "delegations", &address]);
    assert_eq!(listed["delegation_responses"].as_array().unwrap().len(), 1);
    let params = home.query(&node, &["query", "staking", "params"]);
    assert_eq!(params["bond_denom"], "uagr");
    assert_eq!(params["unbonding_time"], "1814400s");

    // A second validator, created from the file format the SDK's create-validator reads, with
    // the consensus key another node's `comet show-validator` prints.
    let bob = home.add_key("bob");
    let mut send = vec![
        "tx",
        "bank",
        "send",
        "validator",
        &bob,
        "50000000uagr",
        "-y",
    ];
    send.extend_from_slice(&["--node", &node.laddr, "-o", "json"]);
    let sent = json(&home.ok(&send));
    home.wait_for_tx(&node, sent["txhash"].as_str().unwrap());
    let other = Home::new();
    other.ok(&["init", "node1", "--chain-id", CHAIN]);
    let pubkey = json(other.ok(&["comet", "show-validator"]).trim());
    let file = home.path().join("validator.json");
    let spec = serde_json::json!({
        "pubkey": pubkey, "amount": "20000000uagr", "moniker": "bob",
        "commission-rate": "0.1", "commission-max-rate": "0.2",
        "commission-max-change-rate": "0.01", "min-self-delegation": "1"
    });
    std::fs::write(&file, spec.to_string()).unwrap();
    let mut create = vec!["tx", "staking", "create-validator", file.to_str().unwrap()];
    create.extend_from_slice(&["--from", "bob", "-y", "--node", &node.laddr, "-o", "json"]);
    let sent = json(&home.ok(&create));
    let committed = home.wait_for_tx(&node, sent["txhash"].as_str().unwrap());
    assert_eq!(committed["code"], 0, "{committed}");
    let set = home.query(&node, &["query", "staking", "validators"]);
    let bob_validator = set["validators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["description"]["moniker"] == "bob")
        .cloned()
        .expect("bob's validator is listed");
    assert_eq!(bob_validator["consensus_pubkey"], pubkey);
    assert_eq!(
        bob_validator["commission"]["commission_rates"]["rate"],
        "0.100000000000000000"
    );

    // An account that runs no validator: the chain refuses the delegation with staking/3
    // (here already when the CLI simulates it for its gas) and nothing changes.
    let carol = home.add_key("carol");
    let (_, bytes) = bech32::decode(&carol).unwrap();
    let hrp = bech32::Hrp::parse("agoravaloper").unwrap();
    let carol_valoper = bech32::encode::<bech32::Bech32>(hrp, &bytes).unwrap();
    let before = home.balance(&node, &address);
    let refused = home.fails(&[
        "tx",
        "staking",
        "delegate",
        &carol_valoper,
        "1000000uagr",
        "--from",
        "validator",
        "-y",
        "--node",
        &node.laddr,
    ]);
    assert!(refused.contains("code 3 (codespace staking)"), "{refused}");
    assert!(refused.contains("validator does not exist"), "{refused}");
    assert_eq!(home.balance(&node, &address), before);
    let err = home.fails(&[
        "tx",
        "staking",
        "delegate",
        "agoravaloper1nope",
        "1uagr",
        "--from",
        "validator",
        "-y",
        "--node",
        &node.laddr,
    ]);
    assert!(err.contains("invalid validator address"), "{err}");
    let err = home.fails(&[
        "tx",
        "staking",
        "delegate",
        &valoper,
        "1uagr,1ufoo",
        "--from",
        "validator",
        "-y",
    ]);
    assert!(err.contains("give one amount of one denom"), "{err}");
}
