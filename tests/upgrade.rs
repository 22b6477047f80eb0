//! A software upgrade through the real `agorad`: a token holder proposes it with
//! `tx upgrade software-upgrade`, it passes, and at its height the node stops with the SDK's
//! line, exit code 3 and `data/upgrade-info.json`; restarted, the same binary stops there
//! again; `agorad-next` (agorad plus the handler of `next`) applies it and goes on; and the
//! old binary then refuses the upgraded chain.

mod support;

use std::time::Duration;

use support::home::Home;
use support::node::Launch;

const CHAIN: &str = "agora-upgrade";
const BALANCE: u128 = 1_000_000_000;
/// agorad with a handler for the upgrade `next`.
const AGORAD_NEXT: &str = env!("CARGO_BIN_EXE_agorad-next");
/// The exit code of a node that stopped for an upgrade.
const UPGRADE_NEEDED: i32 = agora_upgrade::UPGRADE_NEEDED_EXIT_CODE;
const INFO: &str = "https://example.com/agorad-next";

#[test]
fn a_passed_upgrade_halts_the_old_binary_and_the_new_one_applies_it() {
    let home = Home::new();
    home.validator(CHAIN, BALANCE);
    home.short_gov_periods();
    let mut node = home.start();
    let latest = node.wait_for_height(2);

    // A height in the past is refused before anything is sent.
    let bad = home.fails(&[
        "tx",
        "upgrade",
        "software-upgrade",
        "next",
        "--upgrade-height",
        "1",
        "--title",
        "t",
        "--from",
        "validator",
        "-y",
        "--node",
        &node.laddr,
    ]);
    assert!(bad.contains("is not above the chain's height"), "{bad}");

    // 3 s of voting at 100 ms blocks ends some 30 blocks on; the plan comes well after.
    let height = (latest + 90).to_string();
    let submitted = home.validator_tx(
        &node,
        &[
            "upgrade",
            "software-upgrade",
            "next",
            "--upgrade-height",
            &height,
            "--upgrade-info",
            INFO,
            "--title",
            "Agora next",
            "--summary",
            "Switch to agorad-next",
            "--deposit",
            "10000000uagr",
            "--gas",
            "400000",
        ],
    );
    assert_eq!(submitted["code"], 0, "{submitted}");
    let proposals = home.query(&node, &["query", "gov", "proposals"]);
    let proposal = &proposals["proposals"][0];
    assert_eq!(
        proposal["messages"][0]["@type"],
        "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade"
    );
    assert_eq!(proposal["messages"][0]["plan"]["height"], height);
    let id = proposal["id"].as_str().unwrap().to_string();
    let voted = home.validator_tx(&node, &["gov", "vote", &id, "yes"]);
    assert_eq!(voted["code"], 0, "{voted}");
    assert_eq!(
        home.wait_proposal_past(&node, &id, "PROPOSAL_STATUS_VOTING_PERIOD"),
        "PROPOSAL_STATUS_PASSED"
    );
    let plan = home.query(&node, &["query", "upgrade", "plan"]);
    assert_eq!(plan["plan"]["name"], "next", "{plan}");
    assert_eq!(plan["plan"]["height"], height);
    assert_eq!(plan["plan"]["info"], INFO);

    // At the height the node stops by itself, with the SDK's line and its own exit code.
    let status = node
        .wait_exit(Duration::from_secs(60))
        .expect("the node stops at the upgrade height");
    assert_eq!(status.code(), Some(UPGRADE_NEEDED), "{}", node.stderr());
    let line = format!("UPGRADE \"next\" NEEDED at height: {height}: {INFO}");
    assert!(node.stderr().contains(&line), "{}", node.stderr());
    let info = support::home::json(&home.read("data/upgrade-info.json"));
    assert_eq!(info["name"], "next");
    assert_eq!(info["height"].to_string(), height);

    // The same binary, restarted, stops at the same height again.
    let (status, stderr) = Launch::new(home.path()).run_to_exit();
    assert_eq!(status.code(), Some(UPGRADE_NEEDED), "{stderr}");
    assert!(stderr.contains(&line), "{stderr}");

    // The binary with the handler applies the upgrade and produces blocks past it.
    let mut next = Launch::new(home.path()).binary(AGORAD_NEXT).start();
    let upgraded_at: u64 = height.parse().unwrap();
    next.wait_for_height(upgraded_at + 3);
    let applied = home.query(&next, &["query", "upgrade", "applied", "next"]);
    assert_eq!(applied["height"], height);
    let plan = home.query(&next, &["query", "upgrade", "plan"]);
    assert!(plan["plan"].is_null(), "{plan}");
    let versions = home.query(&next, &["query", "upgrade", "module-versions", "gov"]);
    assert_eq!(versions["module_versions"][0]["version"], "1");
    let authority = home.query(&next, &["query", "upgrade", "authority"]);
    assert_eq!(
        authority["address"],
        agora_core::authority::gov_authority().to_string()
    );
    let sent = home.validator_tx(
        &next,
        &[
            "bank",
            "send",
            "validator",
            authority["address"].as_str().unwrap(),
            "1uagr",
        ],
    );
    assert_eq!(sent["code"], 0, "txs run after the upgrade: {sent}");
    next.kill();

    // The old binary refuses a chain that applied an upgrade it has no handler for.
    let (status, stderr) = Launch::new(home.path()).run_to_exit();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no handler for the upgrade \"next\""),
        "{stderr}"
    );
}
