//! Staking from the CLI against a running node whose validator was bonded by its gentx:
//! the validator set, delegating, unbonding and cancelling it, the pools, a second validator
//! created from a file, redelegating to it, every list query, historical info,
//! edit-validator, and refusals.

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

    let (bob_validator, pubkey) = second_validator(&home, &node);
    assert_eq!(bob_validator["consensus_pubkey"], pubkey);
    assert_eq!(
        bob_validator["commission"]["commission_rates"]["rate"],
        "0.100000000000000000"
    );

    // An account that runs no validator: CheckTx (the ante handler only) accepts the
    // delegation, the block refuses it with staking/3, and only the fee and sequence change.
    let carol = home.add_key("carol");
    let (_, bytes) = bech32::decode(&carol).unwrap();
    let hrp = bech32::Hrp::parse("agoravaloper").unwrap();
    let carol_valoper = bech32::encode::<bech32::Bech32>(hrp, &bytes).unwrap();
    let before = home.balance(&node, &address);
    let refused = staking_tx(&home, &node, &["delegate", &carol_valoper, "1000000uagr"]);
    assert_eq!(refused["code"], 3, "{refused}");
    assert_eq!(refused["codespace"], "staking", "{refused}");
    let log = refused["raw_log"].as_str().unwrap();
    assert!(log.contains("validator does not exist"), "{refused}");
    let fee: u128 = refused["tx"]["auth_info"]["fee"]["amount"][0]["amount"]
        .as_str()
        .map_or(0, |a| a.parse().unwrap());
    assert_eq!(home.balance(&node, &address), before - fee);
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

/// A second validator, "bob", funded by the validator and created from the file format the
/// SDK's create-validator reads, with the consensus key another node's `comet show-validator`
/// prints; its JSON as `query staking validators` lists it, and that key.
fn second_validator(home: &Home, node: &Node) -> (Value, Value) {
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
    home.wait_for_tx(node, sent["txhash"].as_str().unwrap());
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
    let committed = home.wait_for_tx(node, sent["txhash"].as_str().unwrap());
    assert_eq!(committed["code"], 0, "{committed}");
    let set = home.query(node, &["query", "staking", "validators"]);
    let bob_validator = set["validators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["description"]["moniker"] == "bob")
        .cloned()
        .expect("bob's validator is listed");
    (bob_validator, pubkey)
}

#[test]
fn redelegating_editing_and_history_from_the_cli() {
    let home = Home::new();
    let address = home.validator(CHAIN, BALANCE);
    let node = home.start();
    let own = home.query(&node, &["query", "staking", "validators"]);
    let valoper = own["validators"][0]["operator_address"]
        .as_str()
        .unwrap()
        .to_string();
    let (bob, _) = second_validator(&home, &node);
    let bob_valoper = bob["operator_address"].as_str().unwrap().to_string();

    // A redelegation to bob and an unbonding, seen from the delegator and from each validator.
    let moved = staking_tx(
        &home,
        &node,
        &[
            "redelegate",
            &valoper,
            &bob_valoper,
            "3000000uagr",
            "--gas",
            "400000",
        ],
    );
    assert_eq!(moved["code"], 0, "{moved}");
    let unbonded = staking_tx(&home, &node, &["unbond", &valoper, "1000000uagr"]);
    assert_eq!(unbonded["code"], 0, "{unbonded}");
    let one = home.query(
        &node,
        &[
            "query",
            "staking",
            "redelegation",
            &address,
            &valoper,
            &bob_valoper,
        ],
    );
    let response = &one["redelegation_responses"][0];
    assert_eq!(
        response["redelegation"]["validator_dst_address"], bob_valoper,
        "{one}"
    );
    assert_eq!(response["entries"][0]["balance"], "3000000", "{one}");
    assert_eq!(
        response["entries"][0]["redelegation_entry"]["shares_dst"], "3000000.000000000000000000",
        "{one}"
    );
    assert_eq!(
        response["entries"][0]["redelegation_entry"]["creation_height"], moved["height"],
        "{one}"
    );
    for (args, field, count) in [
        (
            ["redelegations", address.as_str()],
            "redelegation_responses",
            1,
        ),
        (
            ["redelegations-from", valoper.as_str()],
            "redelegation_responses",
            1,
        ),
        (
            ["redelegations-from", bob_valoper.as_str()],
            "redelegation_responses",
            0,
        ),
        (
            ["delegations-to", bob_valoper.as_str()],
            "delegation_responses",
            2,
        ),
        (
            ["unbonding-delegations", address.as_str()],
            "unbonding_responses",
            1,
        ),
        (
            ["unbonding-delegations-from", valoper.as_str()],
            "unbonding_responses",
            1,
        ),
        (
            ["unbonding-delegations-from", bob_valoper.as_str()],
            "unbonding_responses",
            0,
        ),
        (["delegator-validators", address.as_str()], "validators", 2),
    ] {
        let mut all = vec!["query", "staking"];
        all.extend_from_slice(&args);
        let listed = home.query(&node, &all);
        assert_eq!(
            listed[field].as_array().unwrap().len(),
            count,
            "{args:?}: {listed}"
        );
    }
    let ubds = home.query(
        &node,
        &["query", "staking", "unbonding-delegations", &address],
    );
    let entry = &ubds["unbonding_responses"][0]["entries"][0];
    assert_eq!(entry["balance"], "1000000", "{ubds}");
    assert_eq!(entry["creation_height"], unbonded["height"], "{ubds}");
    let to_bob = home.query(
        &node,
        &[
            "query",
            "staking",
            "delegations-to",
            &bob_valoper,
            "--limit",
            "1",
        ],
    );
    assert_eq!(to_bob["delegation_responses"].as_array().unwrap().len(), 1);
    assert!(to_bob["pagination"]["next_key"].is_string(), "{to_bob}");
    let theirs = home.query(
        &node,
        &[
            "query",
            "staking",
            "delegator-validator",
            &address,
            &bob_valoper,
        ],
    );
    assert_eq!(theirs["description"]["moniker"], "bob");

    // The header and bonded set staking recorded at the redelegation's height.
    let height = moved["height"].as_str().unwrap();
    let hist = home.query(&node, &["query", "staking", "historical-info", height]);
    assert_eq!(hist["hist"]["header"]["height"], height, "{hist}");
    assert_eq!(hist["hist"]["header"]["chain_id"], CHAIN, "{hist}");
    let bonded: Vec<&Value> = hist["hist"]["valset"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["operator_address"])
        .collect();
    assert!(bonded.contains(&&Value::from(valoper.clone())), "{hist}");
    let future = home.fails(&[
        "query",
        "staking",
        "historical-info",
        "999999",
        "--node",
        &node.laddr,
    ]);
    assert!(future.contains("not found"), "{future}");

    // edit-validator changes only the fields it is given; the commission, set at genesis,
    // cannot change again within 24 hours (the block refuses it: CheckTx runs the ante only).
    let edited = staking_tx(
        &home,
        &node,
        &[
            "edit-validator",
            "--new-moniker",
            "val2",
            "--details",
            "runs Agora",
        ],
    );
    assert_eq!(edited["code"], 0, "{edited}");
    let v = home.query(&node, &["query", "staking", "validator", &valoper]);
    assert_eq!(v["description"]["moniker"], "val2", "{v}");
    assert_eq!(v["description"]["details"], "runs Agora", "{v}");
    assert_eq!(v["description"]["website"], "", "{v}");
    let refused = staking_tx(
        &home,
        &node,
        &["edit-validator", "--commission-rate", "0.05"],
    );
    assert_eq!(refused["codespace"], "staking", "{refused}");
    let log = refused["raw_log"].as_str().unwrap();
    assert!(
        log.contains("commission cannot be changed more than once in 24h"),
        "{log}"
    );
    let v = home.query(&node, &["query", "staking", "validator", &valoper]);
    assert_eq!(
        v["description"]["moniker"], "val2",
        "the refused edit changed nothing"
    );
    let err = home.fails(&[
        "tx",
        "staking",
        "edit-validator",
        "--min-self-delegation",
        "1.5",
        "--from",
        "validator",
        "-y",
    ]);
    assert!(err.contains("is not a whole number of tokens"), "{err}");
    let err = home.fails(&[
        "tx",
        "staking",
        "edit-validator",
        "--commission-rate",
        "ten",
        "--from",
        "validator",
        "-y",
    ]);
    assert!(err.contains("--commission-rate"), "{err}");
}
