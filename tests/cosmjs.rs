//! An unmodified cosmjs client (tests/cosmjs/send.mjs, pinned in its package-lock.json)
//! against a chain from `scripts/localnet.sh`: it connects over RPC (auto-detecting CometBFT
//! 0.38), signs and broadcasts a MsgSend from the faucet's mnemonic and waits for the block;
//! the result is then checked against the node with `agorad query`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::localnet::{repo_root, Localnet};
use support::process::text;

/// What the faucet sends per MsgSend.
const AMOUNT: u128 = 1234;
/// The fixed fee send.mjs pays.
const FEE: u128 = 5000;
/// The faucet's genesis balance in scripts/localnet.sh.
const FAUCET_GENESIS: u128 = 1_000_000_000_000_000;

/// tests/cosmjs, with its node_modules installed (`npm ci` here when `make test` has not).
fn cosmjs_dir() -> PathBuf {
    let dir = repo_root().join("tests/cosmjs");
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "node is not installed: run scripts/install-deps.sh ({node:?})"
    );
    if !dir
        .join("node_modules/@cosmjs/stargate/package.json")
        .exists()
    {
        let out = Command::new("npm")
            .args([
                "ci",
                "--no-audit",
                "--no-fund",
                "--prefer-offline",
                "--prefix",
            ])
            .arg(&dir)
            .output()
            .expect("run npm ci");
        assert!(
            out.status.success(),
            "npm ci --prefix tests/cosmjs failed:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    dir
}

/// Runs `node send.mjs <args>`, killing it (by its own pid) if it takes over two minutes.
fn run_send(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new("node")
        .arg(dir.join("send.mjs"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn node");
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("node output")
}

/// `agorad query bank balances <address> --denom uagr` through the home's client.toml.
fn balance(net: &Localnet, address: &str) -> u128 {
    let out = net.json(&[
        "query", "bank", "balances", address, "--denom", "uagr", "-o", "json",
    ]);
    out["amount"]
        .as_str()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no amount in {out}"))
}

fn as_u128(v: &Value) -> u128 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
}

/// Starts a localnet past height 2, adds a key `bob`, runs send.mjs with `extra`, and returns
/// the network, bob's address and the parsed summary.
fn run_cosmjs(extra: &[&str]) -> (Localnet, String, Value) {
    let dir = cosmjs_dir();
    let net = Localnet::start("500ms");
    // Block 1's header carries the empty genesis app hash, which cosmjs refuses in status.
    net.wait_for_height(2);
    net.ok(&["keys", "add", "bob", "--keyring-backend", "test"]);
    let bob = net
        .ok(&["keys", "show", "bob", "-a", "--keyring-backend", "test"])
        .trim()
        .to_string();
    let rpc = format!("http://127.0.0.1:{}", net.port);
    let mnemonic_file = net.home.join("faucet.mnemonic");
    let amount = AMOUNT.to_string();
    let mut args = vec![
        rpc.as_str(),
        mnemonic_file.to_str().expect("UTF-8 path"),
        bob.as_str(),
        amount.as_str(),
    ];
    args.extend_from_slice(extra);
    let out = run_send(&dir, &args);
    assert!(
        out.status.success(),
        "send.mjs failed ({}):\n{}{}\n--- agorad.log ---\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr),
        net.log_tail()
    );
    let stdout = text(&out.stdout);
    let summary: Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("send.mjs printed no JSON summary ({e}): {stdout}"));
    (net, bob, summary)
}

/// Checks one of the summary's txs against `agorad query tx`; returns its fee in uagr.
fn check_tx(net: &Localnet, tx: &Value, bob: &str) -> u128 {
    let hash = tx["hash"].as_str().expect("tx hash");
    assert_eq!(tx["code"], 0, "{tx}");
    let height = tx["height"].as_u64().expect("tx height");
    assert!(height >= 2, "{tx}");
    let queried = net.json(&["query", "tx", hash, "-o", "json"]);
    assert_eq!(queried["txhash"], hash, "{queried}");
    assert_eq!(queried["code"], 0, "{queried}");
    assert_eq!(queried["height"], height.to_string(), "{queried}");
    assert_eq!(queried["gas_wanted"], tx["gasWanted"], "{queried}");
    assert_eq!(queried["gas_used"], tx["gasUsed"], "{queried}");
    let msg = &queried["tx"]["body"]["messages"][0];
    assert_eq!(msg["@type"], "/cosmos.bank.v1beta1.MsgSend", "{queried}");
    assert_eq!(msg["from_address"], net.faucet.as_str(), "{queried}");
    assert_eq!(msg["to_address"], bob, "{queried}");
    assert_eq!(msg["amount"][0]["denom"], "uagr", "{queried}");
    assert_eq!(as_u128(&msg["amount"][0]["amount"]), AMOUNT, "{queried}");
    let block = net.json(&["query", "block", &height.to_string(), "-o", "json"]);
    assert_eq!(block["block"]["header"]["height"], height.to_string());
    as_u128(&queried["tx"]["auth_info"]["fee"]["amount"][0]["amount"])
}

/// connectWithSigner, getChainId, getAccount, getBalance, sendTokens with a fixed fee,
/// getTx, getBlock and a NewBlock subscription, cross-checked with `agorad query`.
#[test]
fn cosmjs_signs_and_broadcasts_a_send() {
    let (net, bob, summary) = run_cosmjs(&[]);
    let status = net.json(&["status", "-o", "json"]);
    assert_eq!(
        summary["chainId"], status["node_info"]["network"],
        "{summary}"
    );
    assert_eq!(summary["chainId"], "agora-localnet-1", "{summary}");
    assert_eq!(summary["sender"], net.faucet.as_str(), "{summary}");
    assert_eq!(summary["recipient"], bob.as_str(), "{summary}");
    assert_eq!(summary["sequence"], 1, "{summary}");
    assert_eq!(
        as_u128(&summary["senderBefore"]),
        FAUCET_GENESIS,
        "{summary}"
    );
    assert_eq!(as_u128(&summary["recipientBefore"]), 0, "{summary}");
    assert!(summary["autoTx"].is_null(), "{summary}");

    let fee = check_tx(&net, &summary["tx"], &bob);
    assert_eq!(fee, FEE);
    assert_eq!(summary["tx"]["gasWanted"], "200000", "{summary}");

    // The node's own view of the balances after the send.
    assert_eq!(balance(&net, &bob), AMOUNT);
    assert_eq!(as_u128(&summary["recipientAfter"]), AMOUNT, "{summary}");
    let faucet = balance(&net, &net.faucet);
    assert_eq!(faucet, FAUCET_GENESIS - AMOUNT - FEE);
    assert_eq!(as_u128(&summary["senderAfter"]), faucet, "{summary}");
    let account = net.json(&["query", "auth", "account", &net.faucet, "-o", "json"]);
    assert_eq!(account["account"]["sequence"], "1", "{account}");
    assert_eq!(
        account["account"]["account_number"], summary["accountNumber"],
        "{account}"
    );
}

/// `sendTokens(..., "auto")`: cosmjs simulates the tx first (SIGN_MODE_UNSPECIFIED, an empty
/// signature and an empty fee, as the Cosmos SDK's Simulate accepts) and sets the gas limit to
/// 1.4 times the estimate. Simulate accepts sign mode 0 and charges the gas of the missing
/// signature bytes and fee transfer, so the estimate covers the real tx.
#[test]
fn cosmjs_sends_with_gas_auto() {
    let (net, bob, summary) = run_cosmjs(&["--gas-auto"]);
    check_tx(&net, &summary["tx"], &bob);
    let auto = &summary["autoTx"];
    let fee = check_tx(&net, auto, &bob);
    let gas_wanted = as_u128(&auto["gasWanted"]);
    assert!(gas_wanted > as_u128(&auto["gasUsed"]), "{summary}");
    // gasPrice 0.025uagr, rounded up.
    assert_eq!(fee, (gas_wanted * 25).div_ceil(1000), "{summary}");
    assert_eq!(balance(&net, &bob), 2 * AMOUNT);
    assert_eq!(summary["sequence"], 2, "{summary}");
}
