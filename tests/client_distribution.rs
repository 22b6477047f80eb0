//! Distribution and mint from the CLI against a running one-validator node: rewards and
//! commission accrue, are withdrawn in one tx, the withdraw address is set, the community pool
//! is funded, mint's inflation and params, and refusals of bad arguments.

mod support;

use serde_json::Value;
use support::home::Home;
use support::node::Node;

const CHAIN: &str = "agora-distribution";
const BALANCE: u128 = 1_000_000_000;

/// Sends a distribution tx from the validator's key and waits for its block; the committed
/// tx, which must have succeeded.
fn distribution_tx(home: &Home, node: &Node, args: &[&str]) -> Value {
    let mut all = vec!["distribution"];
    all.extend_from_slice(args);
    let committed = home.validator_tx(node, &all);
    assert_eq!(committed["code"], 0, "{committed}");
    committed
}

/// The uagr amount of SDK-JSON DecCoins, as a float.
fn uagr(coins: &Value) -> f64 {
    coins
        .as_array()
        .unwrap_or_else(|| panic!("not coins: {coins}"))
        .iter()
        .find(|c| c["denom"] == "uagr")
        .map(|c| c["amount"].as_str().unwrap().parse().unwrap())
        .unwrap_or(0.0)
}

/// The uagr amount of the `amount` attribute of the events of `kind` (e.g. `882uagr`).
fn event_amount(committed: &Value, kind: &str) -> u128 {
    committed["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == kind)
        .flat_map(|e| e["attributes"].as_array().unwrap().clone())
        .filter(|a| a["key"] == "amount")
        .map(|a| {
            let v = a["value"].as_str().unwrap();
            v.trim_end_matches("uagr").parse::<u128>().unwrap_or(0)
        })
        .sum()
}

#[test]
fn rewards_commission_and_mint_from_the_cli() {
    let home = Home::new();
    let address = home.validator(CHAIN, BALANCE);
    let mut node = home.start();
    let height = node.wait_for_height(5);
    assert!(height >= 5);

    let set = home.query(&node, &["query", "staking", "validators"]);
    let valoper = set["validators"][0]["operator_address"]
        .as_str()
        .unwrap()
        .to_string();

    let rewards = home.query(
        &node,
        &["query", "distribution", "rewards", &address, &valoper],
    );
    assert!(uagr(&rewards["rewards"]) > 0.0, "{rewards}");
    let amount = rewards["rewards"][0]["amount"].as_str().unwrap();
    assert!(amount.split_once('.').unwrap().1.len() == 18, "{rewards}");
    let total = home.query(&node, &["query", "distribution", "rewards", &address]);
    assert_eq!(total["rewards"][0]["validator_address"], valoper, "{total}");
    assert!(uagr(&total["total"]) > 0.0, "{total}");
    let commission = home.query(&node, &["query", "distribution", "commission", &valoper]);
    assert!(
        uagr(&commission["commission"]["commission"]) > 0.0,
        "{commission}"
    );
    let outstanding = home.query(
        &node,
        &[
            "query",
            "distribution",
            "validator-outstanding-rewards",
            &valoper,
        ],
    );
    assert!(
        uagr(&outstanding["rewards"]["rewards"]) > 0.0,
        "{outstanding}"
    );
    let slashes = home.query(
        &node,
        &["query", "distribution", "slashes", &valoper, "1", "100"],
    );
    assert_eq!(slashes["slashes"].as_array().unwrap().len(), 0, "{slashes}");
    let params = home.query(&node, &["query", "distribution", "params"]);
    assert_eq!(params["withdraw_addr_enabled"], true, "{params}");

    // Rewards and commission in one tx; the balance rises by what was withdrawn, less the fee.
    let before = home.balance(&node, &address);
    let committed = distribution_tx(
        &home,
        &node,
        &["withdraw-rewards", &valoper, "--commission"],
    );
    let rewarded = event_amount(&committed, "withdraw_rewards");
    let commissioned = event_amount(&committed, "withdraw_commission");
    assert!(rewarded > 0, "{committed}");
    assert!(commissioned > 0, "{committed}");
    let after = home.balance(&node, &address);
    let fee: u128 = committed["tx"]["auth_info"]["fee"]["amount"]
        .as_array()
        .map(|coins| {
            coins
                .iter()
                .filter(|c| c["denom"] == "uagr")
                .map(|c| c["amount"].as_str().unwrap().parse::<u128>().unwrap())
                .sum()
        })
        .unwrap_or(0);
    assert_eq!(after + fee, before + rewarded + commissioned, "{committed}");

    // The withdraw address.
    let bob = home.add_key("bob");
    distribution_tx(&home, &node, &["set-withdraw-addr", &bob]);
    let shown = home.query(&node, &["query", "distribution", "withdraw-addr", &address]);
    assert_eq!(shown["withdraw_address"], bob, "{shown}");
    let committed = distribution_tx(&home, &node, &["withdraw-all-rewards"]);
    assert!(
        event_amount(&committed, "withdraw_rewards") > 0,
        "{committed}"
    );
    assert!(home.balance(&node, &bob) > 0);

    // The community pool grows by at least the funds (and the community tax keeps flowing).
    let pool = home.query(&node, &["query", "distribution", "community-pool"]);
    let before = uagr(&pool["pool"]);
    distribution_tx(&home, &node, &["fund-community-pool", "1000000uagr"]);
    let pool = home.query(&node, &["query", "distribution", "community-pool"]);
    assert!(uagr(&pool["pool"]) >= before + 1_000_000.0, "{pool}");

    // Mint.
    let inflation = home.query(&node, &["query", "mint", "inflation"]);
    let inflation: f64 = inflation.as_str().unwrap().parse().unwrap();
    assert!((0.07..=0.20).contains(&inflation), "{inflation}");
    let provisions = home.query(&node, &["query", "mint", "annual-provisions"]);
    assert!(provisions.as_str().unwrap().parse::<f64>().unwrap() > 0.0);
    let params = home.query(&node, &["query", "mint", "params"]);
    assert_eq!(params["mint_denom"], "uagr", "{params}");

    // Refusals before anything is sent.
    let err = home.fails(&[
        "tx",
        "distribution",
        "withdraw-rewards",
        "agoravaloper1nope",
        "--from",
        "validator",
        "-y",
        "--node",
        &node.laddr,
    ]);
    assert!(err.contains("invalid validator address"), "{err}");
    let err = home.fails(&[
        "query",
        "distribution",
        "commission",
        &address,
        "--node",
        &node.laddr,
    ]);
    assert!(err.contains("invalid validator address"), "{err}");
    let err = home.fails(&[
        "tx",
        "distribution",
        "fund-community-pool",
        "lots",
        "--from",
        "validator",
        "-y",
        "--node",
        &node.laddr,
    ]);
    assert!(!err.is_empty());
}
