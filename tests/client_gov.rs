//! The token holder's governance flow from the CLI against a running one-validator node with
//! short gov periods: a proposal file whose Msg changes distribution's community tax is
//! submitted with its deposit, voted on, tallied live, passes and takes effect; a legacy text
//! proposal gets a deposit and is cancelled by its proposer; bad arguments are refused with
//! messages that say what to type.

mod support;

use serde_json::{json, Value};
use support::home::{Home, SELF_DELEGATION};

const CHAIN: &str = "agora-gov";
const BALANCE: u128 = 1_000_000_000;

fn committed_ok(tx: &Value) {
    assert_eq!(tx["code"], 0, "{tx}");
}

#[test]
fn a_token_holder_submits_votes_and_the_proposal_executes() {
    let home = Home::new();
    home.validator(CHAIN, BALANCE);
    home.short_gov_periods();
    let mut node = home.start();
    node.wait_for_height(2);
    let gov = agora_core::authority::gov_authority().to_string();
    assert_eq!(
        gov, "agora10d07y265gmmuvt4z0w9aw880jnsr700jlefwgc",
        "README.md names it"
    );

    let params = home.query(&node, &["query", "gov", "params"]);
    assert_eq!(params["voting_period"], "3s");
    assert_eq!(params["quorum"], "0.334000000000000000");

    // A proposal file as the SDK v0.50 writes it; the decimal is read as a LegacyDec.
    let file = home.path().join("proposal.json");
    let proposal = json!({
        "messages": [{
            "@type": "/cosmos.distribution.v1beta1.MsgUpdateParams",
            "authority": gov,
            "params": {
                "community_tax": "0.050000000000000000",
                "base_proposer_reward": "0.000000000000000000",
                "bonus_proposer_reward": "0.000000000000000000",
                "withdraw_addr_enabled": true
            }
        }],
        "metadata": "ipfs://tax",
        "deposit": "10000000uagr",
        "title": "Community tax to 5 %",
        "summary": "Fund the community pool faster.",
        "expedited": false
    });
    std::fs::write(&file, proposal.to_string()).unwrap();
    let submitted = home.validator_tx(
        &node,
        &[
            "gov",
            "submit-proposal",
            file.to_str().unwrap(),
            "--gas",
            "400000",
        ],
    );
    committed_ok(&submitted);
    let voting = home.query(
        &node,
        &["query", "gov", "proposals", "--status", "voting_period"],
    );
    let id = voting["proposals"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(voting["proposals"][0]["title"], "Community tax to 5 %");
    assert_eq!(
        voting["proposals"][0]["messages"][0]["params"]["community_tax"],
        "0.050000000000000000"
    );

    committed_ok(&home.validator_tx(&node, &["gov", "vote", &id, "yes"]));
    let tally = home.query(&node, &["query", "gov", "tally", &id]);
    assert_eq!(tally["yes_count"], SELF_DELEGATION.to_string());
    let votes = home.query(&node, &["query", "gov", "votes", &id]);
    assert_eq!(votes["votes"][0]["options"][0]["option"], "VOTE_OPTION_YES");

    assert_eq!(
        home.wait_proposal_past(&node, &id, "PROPOSAL_STATUS_VOTING_PERIOD"),
        "PROPOSAL_STATUS_PASSED"
    );
    let distribution = home.query(&node, &["query", "distribution", "params"]);
    assert_eq!(distribution["community_tax"], "0.050000000000000000");

    // A legacy text proposal below the minimum deposit: a deposit, then the proposer cancels.
    let legacy = home.validator_tx(
        &node,
        &[
            "gov",
            "submit-legacy-proposal",
            "--type",
            "text",
            "--title",
            "Signal",
            "--description",
            "A text proposal",
            "--deposit",
            "1000000uagr",
        ],
    );
    committed_ok(&legacy);
    let all = home.query(&node, &["query", "gov", "proposals"]);
    let legacy_id = all["proposals"][1]["id"].as_str().unwrap().to_string();
    assert_eq!(
        home.proposal_status(&node, &legacy_id),
        "PROPOSAL_STATUS_DEPOSIT_PERIOD"
    );
    committed_ok(&home.validator_tx(&node, &["gov", "deposit", &legacy_id, "500000uagr"]));
    let deposits = home.query(&node, &["query", "gov", "deposits", &legacy_id]);
    assert_eq!(deposits["deposits"][0]["amount"][0]["amount"], "1500000");
    committed_ok(&home.validator_tx(&node, &["gov", "cancel-proposal", &legacy_id]));
    let gone = home.fails(&[
        "query",
        "gov",
        "proposal",
        &legacy_id,
        "--node",
        &node.laddr,
    ]);
    assert!(gone.contains("doesn't exist"), "{gone}");

    // Bad arguments say what to type.
    let bad = home.fails(&[
        "tx",
        "gov",
        "vote",
        &id,
        "maybe",
        "--from",
        "validator",
        "-y",
        "--node",
        &node.laddr,
    ]);
    assert!(bad.contains("yes, no, abstain or no_with_veto"), "{bad}");
    let bad = home.fails(&[
        "tx",
        "gov",
        "weighted-vote",
        &id,
        "yes:1",
        "--from",
        "validator",
        "-y",
        "--node",
        &node.laddr,
    ]);
    assert!(bad.contains("option=weight"), "{bad}");
    let bad = home.fails(&[
        "query",
        "gov",
        "proposals",
        "--status",
        "open",
        "--node",
        &node.laddr,
    ]);
    assert!(bad.contains("voting_period"), "{bad}");
    std::fs::write(
        &file,
        r#"{"messages": [{"authority": "x"}], "title": "t", "summary": "s"}"#,
    )
    .unwrap();
    let bad = home.fails(&[
        "tx",
        "gov",
        "submit-proposal",
        file.to_str().unwrap(),
        "--from",
        "validator",
        "-y",
        "--node",
        &node.laddr,
    ]);
    assert!(bad.contains("@type"), "{bad}");
}
