//! The client against a running `agorad start`: status, sends with `--gas auto`, queries,
//! the confirmation prompt, refused txs, and state that survives a kill and restart.

mod support;

use serde_json::Value;
use support::home::{json, Home, SELF_DELEGATION};
use support::node::Node;
use support::process::text;

const CHAIN: &str = "agora-e2e";
const BALANCE: u128 = 1_000_000_000;

/// `tx bank send` of `amount` uagr from `from` to `to`, confirmed with -y; returns the TxResponse.
fn send(home: &Home, node: &Node, from: &str, to: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "tx",
        "bank",
        "send",
        from,
        to,
        "1000uagr",
        "-y",
        "--node",
        &node.laddr,
        "-o",
        "json",
    ];
    args.extend_from_slice(extra);
    json(&home.ok(&args))
}

/// The address of an account as `query auth accounts` prints it.
fn account_address(account: &Value) -> String {
    let base = match account["@type"].as_str() {
        Some("/cosmos.auth.v1beta1.ModuleAccount") => &account["base_account"],
        _ => account,
    };
    base["address"].as_str().unwrap().to_string()
}

/// `query auth accounts --limit 1`, then `--page-key` with each `next_key`, visits every
/// account once (`--count-total` of them, `holders` among them); `--reverse` starts at the last.
fn accounts_page_by_page(home: &Home, node: &Node, holders: &[&str]) {
    let page = |extra: &[&str]| {
        let mut args = vec!["query", "auth", "accounts", "--limit", "1"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--node", &node.laddr, "-o", "json"]);
        json(&home.ok(&args))
    };
    let first = page(&["--count-total"]);
    let total: usize = first["pagination"]["total"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(total >= 3, "validator, bob and the fee collector: {first}");
    let (mut seen, mut current) = (Vec::new(), first);
    loop {
        let accounts = current["accounts"].as_array().unwrap();
        assert_eq!(accounts.len(), 1, "{current}");
        seen.push(account_address(&accounts[0]));
        match current["pagination"]["next_key"].as_str() {
            Some(key) => current = page(&["--page-key", key]),
            None => break,
        }
    }
    assert_eq!(seen.len(), total, "{seen:?}");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), total, "each account once: {seen:?}");
    for holder in holders {
        assert!(seen.iter().any(|a| a == holder), "{holder} in {seen:?}");
    }
    let last = page(&["--reverse"]);
    assert_eq!(&account_address(&last["accounts"][0]), seen.last().unwrap());
}

#[test]
fn sends_queries_and_restarts_against_a_running_node() {
    let home = Home::new();
    let validator = home.validator(CHAIN, BALANCE);
    // Fees are required: 0.01uagr per unit of gas.
    let app_toml = home.path().join("config/app.toml");
    let app = std::fs::read_to_string(&app_toml)
        .unwrap()
        .replace("0uagr", "0.01uagr");
    std::fs::write(&app_toml, app).unwrap();
    let bob = home.add_key("bob");
    let mut node = home.start();

    let status = json(&home.ok(&["status", "--node", &node.laddr, "-o", "json"]));
    assert_eq!(status["node_info"]["network"], CHAIN);
    assert_eq!(status["node_info"]["moniker"], "node0");
    let text_status = home.ok(&["status", "--node", &node.laddr]);
    assert!(
        text_status.contains("latest_block_height:"),
        "{text_status}"
    );

    // --gas auto simulates; --gas-prices turns the limit into the fee.
    let sent = send(
        &home,
        &node,
        "validator",
        &bob,
        &["--gas", "auto", "--gas-prices", "0.01uagr"],
    );
    assert_eq!(sent["code"], 0, "{sent}");
    assert_eq!(sent["height"], "0");
    let hash = sent["txhash"].as_str().unwrap().to_string();
    let committed = home.wait_for_tx(&node, &hash);
    assert_eq!(committed["code"], 0, "{committed}");
    assert_eq!(committed["txhash"], hash.as_str());
    assert!(
        committed["height"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_eq!(committed["tx"]["@type"], "/cosmos.tx.v1beta1.Tx");
    assert_eq!(
        committed["tx"]["body"]["messages"][0]["to_address"],
        bob.as_str()
    );
    assert!(committed["timestamp"].as_str().unwrap().ends_with('Z'));
    let data = hex::decode(committed["data"].as_str().unwrap()).expect("data is hex");
    assert!(
        String::from_utf8_lossy(&data).contains("/cosmos.bank.v1beta1.MsgSendResponse"),
        "data is the TxMsgData: {committed}"
    );
    let gas_wanted: u128 = committed["gas_wanted"].as_str().unwrap().parse().unwrap();
    let gas_used: u128 = committed["gas_used"].as_str().unwrap().parse().unwrap();
    assert!(
        gas_used <= gas_wanted && gas_wanted <= gas_used + 100,
        "auto gas {gas_wanted} vs used {gas_used}"
    );
    let fee: u128 = committed["tx"]["auth_info"]["fee"]["amount"][0]["amount"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(fee, gas_wanted.div_ceil(100));
    assert!(committed["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["type"] == "transfer"));

    assert_eq!(home.balance(&node, &bob), 1000);
    // the gentx bonded the self delegation at genesis
    assert_eq!(
        home.balance(&node, &validator),
        BALANCE - SELF_DELEGATION - 1000 - fee
    );
    let balances = json(&home.ok(&[
        "query",
        "bank",
        "balances",
        &bob,
        "--node",
        &node.laddr,
        "-o",
        "json",
    ]));
    assert_eq!(balances["balances"][0]["amount"], "1000");
    assert_eq!(balances["pagination"]["total"], "1");
    let one_page = json(&home.ok(&[
        "query",
        "bank",
        "balances",
        &bob,
        "--limit",
        "1",
        "--node",
        &node.laddr,
        "-o",
        "json",
    ]));
    assert_eq!(one_page["balances"], balances["balances"]);
    assert_eq!(
        one_page["pagination"]["next_key"],
        Value::Null,
        "{one_page}"
    );
    accounts_page_by_page(&home, &node, &[&validator, &bob]);
    let supply = json(&home.ok(&[
        "query",
        "bank",
        "total",
        "--node",
        &node.laddr,
        "-o",
        "json",
    ]));
    // Genesis coins plus what inflation minted since (x/mint, 13% a year to start).
    let total: u128 = supply["supply"][0]["amount"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(total >= BALANCE, "{supply}");
    let account = json(&home.ok(&[
        "query",
        "auth",
        "account",
        &validator,
        "--node",
        &node.laddr,
        "-o",
        "json",
    ]));
    assert_eq!(
        account["account"]["@type"],
        "/cosmos.auth.v1beta1.BaseAccount"
    );
    assert_eq!(
        account["account"]["sequence"], "2",
        "its gentx at genesis, then the send"
    );
    let text_tx = home.ok(&["query", "tx", &hash, "--node", &node.laddr]);
    assert!(text_tx.contains(&format!("txhash: {hash}")), "{text_tx}");
    let block = json(&home.ok(&[
        "query",
        "block",
        committed["height"].as_str().unwrap(),
        "--node",
        &node.laddr,
        "-o",
        "json",
    ]));
    assert_eq!(block["block"]["header"]["chain_id"], CHAIN);

    // Refused by CheckTx: exit 1 with code, codespace and the node's log; nothing changes.
    let before = home.balance(&node, &validator);
    let out = home.run(&[
        "tx",
        "bank",
        "send",
        "validator",
        &bob,
        "5uagr",
        "-y",
        "--fees",
        "10uagr",
        "--node",
        &node.laddr,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("code 13 (codespace sdk)")
            && err.contains("insufficient fees; got: 10uagr required: 2000uagr"),
        "{err}"
    );
    assert!(
        text(&out.stdout).contains("code: 13"),
        "the TxResponse is printed: {}",
        text(&out.stdout)
    );
    let err = home.fails(&[
        "tx",
        "bank",
        "send",
        "validator",
        &bob,
        "5uagr",
        "-y",
        "--chain-id",
        "other",
        "--node",
        &node.laddr,
    ]);
    assert!(
        err.contains("does not match the node's chain id \"agora-e2e\""),
        "{err}"
    );
    home.add_key("carol");
    let err = home.fails(&[
        "tx",
        "bank",
        "send",
        "carol",
        &bob,
        "5uagr",
        "-y",
        "--node",
        &node.laddr,
    ]);
    assert!(
        err.contains("not found: has it received funds yet?"),
        "{err}"
    );
    let unknown = home.ok(&["keys", "show", "carol", "-a"]);
    let err = home.fails(&[
        "query",
        "auth",
        "account",
        unknown.trim(),
        "--node",
        &node.laddr,
    ]);
    assert!(
        err.contains("not found: has it received funds yet?"),
        "{err}"
    );

    // Without -y the tx is shown and a "y" on stdin is needed.
    let args = [
        "tx",
        "bank",
        "send",
        "validator",
        &bob,
        "5uagr",
        "--fees",
        "2000uagr",
        "--node",
        &node.laddr,
        "-o",
        "json",
    ];
    let declined = home.run_with_input(&args, "n\n");
    assert!(declined.status.success());
    assert!(
        text(&declined.stderr).contains("canceled transaction"),
        "{}",
        text(&declined.stderr)
    );
    assert!(text(&declined.stderr).contains("/cosmos.bank.v1beta1.MsgSend"));
    let no_answer = home.run_with_input(&args, "");
    assert_eq!(no_answer.status.code(), Some(1));
    assert_eq!(home.balance(&node, &validator), before);
    let accepted = home.run_with_input(&args, "y\n");
    assert!(accepted.status.success(), "{}", text(&accepted.stderr));
    let accepted_hash = json(&text(&accepted.stdout))["txhash"]
        .as_str()
        .unwrap()
        .to_string();
    home.wait_for_tx(&node, &accepted_hash);

    // Generate, sign online (account number and sequence from the node), broadcast async.
    let signed_file = home.signed_send(&node, &bob, "7uagr");
    let async_sent = json(&home.ok(&[
        "tx",
        "broadcast",
        signed_file.to_str().unwrap(),
        "-b",
        "async",
        "--node",
        &node.laddr,
        "-o",
        "json",
    ]));
    home.wait_for_tx(&node, async_sent["txhash"].as_str().unwrap());
    assert_eq!(home.balance(&node, &bob), 1000 + 5 + 7);

    // Kill the node, start it again: balances and height survive.
    let height = node.wait_for_height(1);
    let bob_before = home.balance(&node, &bob);
    node.kill();
    let mut node = home.start();
    assert!(node.wait_for_height(height) >= height);
    assert_eq!(home.balance(&node, &bob), bob_before);
    let sent = send(&home, &node, "validator", &bob, &["--fees", "2000uagr"]);
    home.wait_for_tx(&node, sent["txhash"].as_str().unwrap());
    assert_eq!(home.balance(&node, &bob), bob_before + 1000);
}

/// `--sign-mode amino-json` (SIGN_MODE_LEGACY_AMINO_JSON): a send signed and broadcast in one
/// command, and one made with --generate-only, signed with `tx sign --sign-mode amino-json`
/// and broadcast, both land declared in that mode; the same signature declared as
/// SIGN_MODE_DIRECT is refused (sdk/4).
#[test]
fn amino_json_signed_sends_land() {
    let home = Home::new();
    home.validator(CHAIN, BALANCE);
    let bob = home.add_key("bob");
    let node = home.start();
    // A sent tx is committed with code 0, declared in amino-JSON mode.
    let lands_in_amino_mode = |sent: &Value| {
        assert_eq!(sent["code"], 0, "{sent}");
        let committed = home.wait_for_tx(&node, sent["txhash"].as_str().unwrap());
        assert_eq!(committed["code"], 0, "{committed}");
        assert_eq!(
            committed["tx"]["auth_info"]["signer_infos"][0]["mode_info"]["single"]["mode"],
            "SIGN_MODE_LEGACY_AMINO_JSON",
            "{committed}"
        );
        committed
    };

    let sent = send(
        &home,
        &node,
        "validator",
        &bob,
        &[
            "--sign-mode",
            "amino-json",
            "--fees",
            "2000uagr",
            "--memo",
            "a <b> & c",
        ],
    );
    let committed = lands_in_amino_mode(&sent);
    assert_eq!(committed["tx"]["body"]["memo"], "a <b> & c", "{committed}");

    let unsigned = home.ok(&[
        "tx",
        "bank",
        "send",
        "validator",
        &bob,
        "7uagr",
        "--generate-only",
        "--fees",
        "2000uagr",
    ]);
    let unsigned_file = home.path().join("unsigned-amino.json");
    std::fs::write(&unsigned_file, unsigned).unwrap();
    let signed = home.ok(&[
        "tx",
        "sign",
        unsigned_file.to_str().unwrap(),
        "--from",
        "validator",
        "--sign-mode",
        "amino-json",
        "--node",
        &node.laddr,
    ]);
    let signed_json = json(&signed);
    assert_eq!(
        signed_json["auth_info"]["signer_infos"][0]["mode_info"]["single"]["mode"],
        "SIGN_MODE_LEGACY_AMINO_JSON",
        "{signed}"
    );
    // declared as direct, the amino signature does not verify
    let as_direct = signed.replace("SIGN_MODE_LEGACY_AMINO_JSON", "SIGN_MODE_DIRECT");
    let direct_file = home.path().join("amino-as-direct.json");
    std::fs::write(&direct_file, as_direct).unwrap();
    let broadcast = |file: &std::path::Path| {
        json(&home.ok(&broadcast_args(file.to_str().unwrap(), &node.laddr)))
    };
    let refused = home.run_with_input(
        &broadcast_args(direct_file.to_str().unwrap(), &node.laddr),
        "",
    );
    assert!(!refused.status.success());
    let refused = json(&text(&refused.stdout));
    assert_eq!(refused["code"], 4, "{refused}");
    let signed_file = home.path().join("signed-amino.json");
    std::fs::write(&signed_file, signed).unwrap();
    let sent = broadcast(&signed_file);
    lands_in_amino_mode(&sent);
    assert_eq!(home.balance(&node, &bob), 1000 + 7);
}

/// `agorad tx broadcast <file>` against `node`, with JSON output.
fn broadcast_args<'a>(file: &'a str, node: &'a str) -> [&'a str; 7] {
    ["tx", "broadcast", file, "--node", node, "-o", "json"]
}
