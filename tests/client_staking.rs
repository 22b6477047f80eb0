//! Staking from the CLI against a running node whose validator was bonded by its gentx:
//! the validator set, delegating, unbonding, the pools, and refusals.

mod support;

use serde_json::Value;
use support::home::{json, Home, SELF_DELEGATION};
use support::node::Node;

const CHAIN: &str = "agora-staking";
const BALANCE: u128 = 1_000_000_000;

/// `agorad <args> --node <node> -o json`, parsed.
fn query(home: &Home, node: &Node, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--node", &node.laddr, "-o", "json"]);
    json(&home.ok(&all))
}

/// Sends a staking tx from the validator's key and waits for its block; the committed tx.
fn staking_tx(home: &Home, node: &Node, args: &[&str]) -> Value {
    let mut all = vec!["tx", "staking"];
    all.extend_from_slice(args);
    all.extend_from_slice(&[
        "--from",
        "validator",
        "-y",
        "--node",
        &node.laddr,
        "-o",
        "json",
    ]);
    let sent = json(&home.ok(&all));
    assert_eq!(
        sent["code"], 0,
        "CheckTx runs the ante handler only: {sent}"
    );
    home.wait_for_tx(node, sent["txhash"].as_str().unwrap())
}

#[test]
fn delegating_and_unbonding_from_the_cli() {
    let home = Home::new();
    let address = home.validator(CHAIN, BALANCE);
    let node = home.start();

    let set = query(&home, &node, &["query", "staking", "validators"]);
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
    let delegation = query(
        &home,
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
    let ubd = query(
        &home,
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
    let pool = query(&home, &node, &["query", "staking", "pool"]);
    assert_eq!(
        pool["bonded_tokens"],
        (SELF_DELEGATION + 3_000_000).to_string()
    );
    assert_eq!(pool["not_bonded_tokens"], "2000000");
    let listed = query(&home, &node, &["query", "staking", "delegations", &address]);
    assert_eq!(listed["delegation_responses"].as_array().unwrap().len(), 1);
    let params = query(&home, &node, &["query", "staking", "params"]);
    assert_eq!(params["bond_denom"], "uagr");
    assert_eq!(params["unbonding_time"], "1814400s");

    // An account that runs no validator: the chain refuses the delegation with staking/3
    // (here already when the CLI simulates it for its gas) and nothing changes.
    let (_, bytes) = bech32::decode(&home.add_key("bob")).unwrap();
    let hrp = bech32::Hrp::parse("agoravaloper").unwrap();
    let bob_valoper = bech32::encode::<bech32::Bech32>(hrp, &bytes).unwrap();
    let before = home.balance(&node, &address);
    let refused = home.fails(&[
        "tx",
        "staking",
        "delegate",
        &bob_valoper,
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
