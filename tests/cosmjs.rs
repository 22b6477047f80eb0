//! Unmodified cosmjs clients (tests/cosmjs/*.mjs, pinned in its package-lock.json) against a
//! chain from `scripts/localnet.sh`: send.mjs connects over RPC (auto-detecting CometBFT 0.38),
//! signs and broadcasts a MsgSend from the faucet's mnemonic and waits for the block;
//! staking.mjs delegates, withdraws rewards and undelegates. The results are then checked
//! against the node with `agorad query`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use agora_proto::cosmos::distribution::v1beta1 as distribution;
use base64::Engine as _;
use prost::Message as _;
use serde_json::{json, Value};
use support::localnet::{repo_root, Localnet};
use support::process::text;
use support::rpc::Rpc;

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

/// Runs `node <script> <args>` in `dir`, killing it (by its own pid) if it takes over two
/// minutes.
fn run_node(dir: &Path, script: &str, args: &[&str]) -> Output {
    let mut child = Command::new("node")
        .arg(dir.join(script))
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

/// A localnet with 500 ms blocks, past height 2: block 1's header carries the empty genesis app
/// hash, which cosmjs refuses in status.
fn localnet() -> Localnet {
    let net = Localnet::start("500ms");
    net.wait_for_height(2);
    net
}

/// Runs `node tests/cosmjs/<script> <rpc> <faucet mnemonic file> <args>` against `net`, which
/// must succeed; returns the JSON summary it printed.
fn run_script(net: &Localnet, script: &str, args: &[&str]) -> Value {
    let dir = cosmjs_dir();
    let rpc = format!("http://127.0.0.1:{}", net.port);
    let mnemonic_file = net.home.join("faucet.mnemonic");
    let mut all = vec![rpc.as_str(), mnemonic_file.to_str().expect("UTF-8 path")];
    all.extend_from_slice(args);
    let out = run_node(&dir, script, &all);
    assert!(
        out.status.success(),
        "{script} failed ({}):\n{}{}\n--- agorad.log ---\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr),
        net.log_tail()
    );
    let stdout = text(&out.stdout);
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{script} printed no JSON summary ({e}): {stdout}"))
}

/// Starts a localnet, adds a key `bob`, runs send.mjs with `extra`, and returns the network,
/// bob's address and the parsed summary.
fn run_cosmjs(extra: &[&str]) -> (Localnet, String, Value) {
    let net = localnet();
    net.ok(&["keys", "add", "bob", "--keyring-backend", "test"]);
    let bob = net
        .ok(&["keys", "show", "bob", "-a", "--keyring-backend", "test"])
        .trim()
        .to_string();
    let amount = AMOUNT.to_string();
    let mut args = vec![bob.as_str(), amount.as_str()];
    args.extend_from_slice(extra);
    let summary = run_script(&net, "send.mjs", &args);
    (net, bob, summary)
}

/// Checks one of a summary's txs (`hash`, `height`, `gasWanted`, `gasUsed`) against `agorad
/// query tx` and `query block`: committed with code 0, its one message of type `type_url`.
/// Returns the queried tx.
fn committed(net: &Localnet, tx: &Value, type_url: &str) -> Value {
    let hash = tx["hash"].as_str().expect("tx hash");
    let height = tx["height"].as_u64().expect("tx height");
    assert!(height >= 2, "{tx}");
    let queried = net.json(&["query", "tx", hash, "-o", "json"]);
    assert_eq!(queried["txhash"], hash, "{queried}");
    assert_eq!(queried["code"], 0, "{queried}");
    assert_eq!(queried["height"], height.to_string(), "{queried}");
    assert_eq!(queried["gas_wanted"], tx["gasWanted"], "{queried}");
    assert_eq!(queried["gas_used"], tx["gasUsed"], "{queried}");
    let messages = queried["tx"]["body"]["messages"]
        .as_array()
        .expect("messages");
    assert_eq!(messages.len(), 1, "{queried}");
    assert_eq!(messages[0]["@type"], type_url, "{queried}");
    let block = net.json(&["query", "block", &height.to_string(), "-o", "json"]);
    assert_eq!(block["block"]["header"]["height"], height.to_string());
    queried
}

/// Checks one of send.mjs's txs against the node; returns its fee in uagr.
fn check_tx(net: &Localnet, tx: &Value, bob: &str) -> u128 {
    assert_eq!(tx["code"], 0, "{tx}");
    let queried = committed(net, tx, "/cosmos.bank.v1beta1.MsgSend");
    let msg = &queried["tx"]["body"]["messages"][0];
    assert_eq!(msg["from_address"], net.faucet.as_str(), "{queried}");
    assert_eq!(msg["to_address"], bob, "{queried}");
    assert_eq!(msg["amount"][0]["denom"], "uagr", "{queried}");
    assert_eq!(as_u128(&msg["amount"][0]["amount"]), AMOUNT, "{queried}");
    fee(&queried)
}

/// The uagr fee of a tx from `agorad query tx`.
fn fee(queried: &Value) -> u128 {
    let fee = &queried["tx"]["auth_info"]["fee"]["amount"];
    assert_eq!(fee[0]["denom"], "uagr", "{queried}");
    as_u128(&fee[0]["amount"])
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

/// What staking.mjs delegates to the localnet's validator, and then undelegates of it.
const DELEGATE: u128 = 50_000_000;
const UNDELEGATE: u128 = 20_000_000;
/// The fixed fee staking.mjs pays per tx.
const STAKING_FEE: u128 = 12_500;
/// The validator's self-delegation in scripts/localnet.sh.
const SELF_DELEGATION: u128 = 100_000_000;
/// The staking unbonding_time of genesis/devnet-overlay.json.
const UNBONDING_SECS: u64 = 300;
/// One in the atomics of an SDK decimal.
const DEC: u128 = 1_000_000_000_000_000_000;

/// An SDK decimal as the CLI prints it (`12.500000000000000000`), in atomics.
fn atomics(v: &Value) -> u128 {
    let s = v.as_str().unwrap_or_else(|| panic!("not a decimal: {v}"));
    let (int, frac) = s.split_once('.').unwrap_or_else(|| panic!("no point: {s}"));
    assert_eq!(frac.len(), 18, "{s}");
    format!("{int}{frac}").parse().expect("decimal digits")
}

/// The uagr atomics of SDK-JSON DecCoins (nothing of another denom).
fn dec_coins_uagr(coins: &Value) -> u128 {
    let coins = coins
        .as_array()
        .unwrap_or_else(|| panic!("not coins: {coins}"));
    assert!(coins.iter().all(|c| c["denom"] == "uagr"), "{coins:?}");
    coins.iter().map(|c| atomics(&c["amount"])).sum()
}

/// The uagr of the `amount` attributes (`123uagr`) of a queried tx's `withdraw_rewards` events.
fn withdrawn(queried: &Value) -> u128 {
    let events = queried["events"].as_array().expect("events");
    let rewards: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "withdraw_rewards")
        .collect();
    assert!(!rewards.is_empty(), "no withdraw_rewards event: {queried}");
    rewards
        .iter()
        .flat_map(|e| e["attributes"].as_array().expect("attributes"))
        .filter(|a| a["key"] == "amount")
        .map(|a| {
            let value = a["value"].as_str().expect("amount");
            value.strip_suffix("uagr").unwrap().parse::<u128>().unwrap()
        })
        .sum()
}

/// `DelegationRewards` at `height` in uagr atomics, asked over the node's RPC (`abci_query`
/// with a height, which the CLI's queries do not take): what cosmjs read there, re-asked.
fn rewards_at(net: &Localnet, delegator: &str, validator: &str, height: u64) -> u128 {
    let request = distribution::QueryDelegationRewardsRequest {
        delegator_address: delegator.to_string(),
        validator_address: validator.to_string(),
    };
    let params = json!({
        "path": "/cosmos.distribution.v1beta1.Query/DelegationRewards",
        "data": hex::encode(request.encode_to_vec()),
        "height": height.to_string(),
    });
    let answer = Rpc::new(&net.rpc).get("abci_query", params);
    let response = &answer["response"];
    assert_eq!(response["code"], 0, "{answer}");
    assert_eq!(response["height"], height.to_string(), "{answer}");
    let value = base64::engine::general_purpose::STANDARD
        .decode(response["value"].as_str().unwrap_or_default())
        .expect("base64");
    let rewards = distribution::QueryDelegationRewardsResponse::decode(&*value).expect("proto");
    assert!(
        rewards.rewards.iter().all(|c| c.denom == "uagr"),
        "{answer}"
    );
    rewards
        .rewards
        .iter()
        .map(|c| c.amount.parse::<u128>().expect("atomics"))
        .sum()
}

/// staking.mjs: getQueryClient().staking.validators, delegateTokens, staking.delegation,
/// distribution.delegationRewards until rewards accrue, withdrawRewards, undelegateTokens and
/// staking.unbondingDelegation, each cross-checked with `agorad query`.
#[test]
fn cosmjs_delegates_withdraws_rewards_and_undelegates() {
    let net = localnet();
    let s = run_script(
        &net,
        "staking.mjs",
        &[&DELEGATE.to_string(), &UNDELEGATE.to_string()],
    );
    let faucet = net.faucet.as_str();
    assert_eq!(s["delegator"], faucet, "{s}");

    // The validator cosmjs picked is the node's one bonded validator, holding what is left.
    let set = net.json(&["query", "staking", "validators", "-o", "json"]);
    let validators = set["validators"].as_array().expect("validators");
    assert_eq!(validators.len(), 1, "{set}");
    let v = &validators[0];
    let valoper = v["operator_address"].as_str().expect("operator");
    assert_eq!(v["status"], "BOND_STATUS_BONDED", "{set}");
    assert_eq!(s["validator"]["operatorAddress"], valoper, "{s}");
    assert_eq!(s["validator"]["status"], 3, "BondStatus BONDED: {s}");
    assert_eq!(as_u128(&s["validator"]["tokensBefore"]), SELF_DELEGATION);
    let tokens = SELF_DELEGATION + DELEGATE - UNDELEGATE;
    assert_eq!(as_u128(&v["tokens"]), tokens, "{set}");
    assert_eq!(s["validator"]["tokensAfter"], v["tokens"], "{s}");
    let pool = net.json(&["query", "staking", "pool", "-o", "json"]);
    assert_eq!(as_u128(&pool["bonded_tokens"]), tokens, "{pool}");
    assert_eq!(as_u128(&pool["not_bonded_tokens"]), UNDELEGATE, "{pool}");

    // The three txs as the node committed them.
    let delegate = committed(
        &net,
        &s["delegateTx"],
        "/cosmos.staking.v1beta1.MsgDelegate",
    );
    let withdraw = committed(
        &net,
        &s["withdrawTx"],
        "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward",
    );
    let undelegate = committed(
        &net,
        &s["undelegateTx"],
        "/cosmos.staking.v1beta1.MsgUndelegate",
    );
    for tx in [&delegate, &withdraw, &undelegate] {
        let msg = &tx["tx"]["body"]["messages"][0];
        assert_eq!(msg["delegator_address"], faucet, "{tx}");
        assert_eq!(msg["validator_address"], valoper, "{tx}");
        assert_eq!(fee(tx), STAKING_FEE, "{tx}");
    }
    let amount = |tx: &Value| as_u128(&tx["tx"]["body"]["messages"][0]["amount"]["amount"]);
    assert_eq!(amount(&delegate), DELEGATE, "{delegate}");
    assert_eq!(amount(&undelegate), UNDELEGATE, "{undelegate}");
    let heights = ["delegateTx", "withdrawTx", "undelegateTx"]
        .map(|t| s[t]["height"].as_u64().expect("tx height"));
    assert!(heights.windows(2).all(|w| w[0] < w[1]), "{s}");

    // The delegation cosmjs read right after delegating held all of it.
    assert_eq!(as_u128(&s["delegation"]["balance"]), DELEGATE, "{s}");
    assert_eq!(as_u128(&s["delegation"]["shares"]), DELEGATE * DEC, "{s}");

    // Rewards: cosmjs's reading, re-asked at its height, was positive; the withdrawal paid at
    // least that (truncated); right after it, nothing was left. Both withdrawals as the node's
    // events say.
    let rewards_height = s["rewards"]["height"].as_u64().expect("rewards height");
    let rewards = as_u128(&s["rewards"]["atomics"]);
    assert!(rewards > 0, "{s}");
    assert!(rewards_height > heights[0], "{s}");
    assert_eq!(rewards_at(&net, faucet, valoper, rewards_height), rewards);
    let paid = withdrawn(&withdraw);
    assert_eq!(as_u128(&s["withdrawn"]), paid, "{s}");
    assert!(paid >= rewards / DEC, "{s}");
    let withdraw_height = heights[1];
    assert_eq!(as_u128(&s["rewardsAtWithdraw"]), 0, "{s}");
    assert_eq!(rewards_at(&net, faucet, valoper, withdraw_height), 0);
    let paid_on_undelegate = withdrawn(&undelegate);
    assert_eq!(
        as_u128(&s["withdrawnOnUndelegate"]),
        paid_on_undelegate,
        "{s}"
    );
    assert!(
        paid_on_undelegate > 0,
        "blocks passed since the withdrawal: {s}"
    );
    // The rewards since the undelegation: re-asked at cosmjs's height, and no less by the
    // CLI now (nothing withdrew since).
    let last_height = s["lastRewards"]["height"].as_u64().expect("height");
    let last = as_u128(&s["lastRewards"]["atomics"]);
    assert!(last > 0 && last_height > heights[2], "{s}");
    assert_eq!(rewards_at(&net, faucet, valoper, last_height), last);
    let now = net.json(&[
        "query",
        "distribution",
        "rewards",
        faucet,
        valoper,
        "-o",
        "json",
    ]);
    let now = dec_coins_uagr(&now["rewards"]);
    assert!(now >= last, "{now} < {last}");

    // The delegation and the unbonding delegation, from the CLI.
    let delegation = net.json(&[
        "query",
        "staking",
        "delegation",
        faucet,
        valoper,
        "-o",
        "json",
    ]);
    assert_eq!(delegation["delegation"]["delegator_address"], faucet);
    assert_eq!(delegation["delegation"]["validator_address"], valoper);
    assert_eq!(delegation["balance"]["denom"], "uagr", "{delegation}");
    assert_eq!(
        as_u128(&delegation["balance"]["amount"]),
        DELEGATE - UNDELEGATE
    );
    assert_eq!(
        s["delegationAfter"]["balance"],
        delegation["balance"]["amount"]
    );
    let shares = atomics(&delegation["delegation"]["shares"]);
    assert_eq!(shares, (DELEGATE - UNDELEGATE) * DEC, "{delegation}");
    assert_eq!(as_u128(&s["delegationAfter"]["shares"]), shares, "{s}");

    let ubd = net.json(&[
        "query",
        "staking",
        "unbonding-delegation",
        faucet,
        valoper,
        "-o",
        "json",
    ]);
    assert_eq!(ubd["delegator_address"], faucet, "{ubd}");
    assert_eq!(ubd["validator_address"], valoper, "{ubd}");
    let entries = ubd["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1, "{ubd}");
    let entry = &entries[0];
    let unbonding = &s["unbonding"];
    assert_eq!(as_u128(&entry["balance"]), UNDELEGATE, "{ubd}");
    assert_eq!(as_u128(&entry["initial_balance"]), UNDELEGATE, "{ubd}");
    assert_eq!(unbonding["balance"], entry["balance"], "{s}");
    assert_eq!(unbonding["initialBalance"], entry["initial_balance"], "{s}");
    let undelegate_height = heights[2].to_string();
    assert_eq!(
        entry["creation_height"],
        undelegate_height.as_str(),
        "{ubd}"
    );
    assert_eq!(unbonding["creationHeight"], entry["creation_height"], "{s}");
    // Completion: the undelegation's block time plus the localnet's unbonding time.
    let block = net.json(&["query", "block", &undelegate_height, "-o", "json"]);
    let block_time = block["block"]["header"]["time"].as_str().expect("time");
    let block_time = tendermint::Time::parse_from_rfc3339(block_time).expect("RFC 3339");
    let completion = (block_time + Duration::from_secs(UNBONDING_SECS)).expect("time");
    assert_eq!(entry["completion_time"], completion.to_rfc3339(), "{ubd}");
    let seen = &unbonding["completionTime"];
    let seen = tendermint::Time::from_unix_timestamp(
        seen["seconds"].as_str().unwrap().parse().unwrap(),
        seen["nanos"].as_u64().unwrap() as u32,
    )
    .expect("time");
    assert_eq!(seen, completion, "{s}");

    // The faucet's balance: its genesis less the delegation and three fees, plus both
    // withdrawals (the unbonding tokens are not back before the unbonding time).
    let balances = &s["balances"];
    assert_eq!(as_u128(&balances["start"]), FAUCET_GENESIS, "{s}");
    let end = FAUCET_GENESIS - DELEGATE - 3 * STAKING_FEE + paid + paid_on_undelegate;
    assert_eq!(balance(&net, faucet), end);
    assert_eq!(as_u128(&balances["end"]), end, "{s}");
    assert_eq!(
        as_u128(&balances["afterWithdraw"]),
        FAUCET_GENESIS - DELEGATE - 2 * STAKING_FEE + paid,
        "{s}"
    );
}

/// amino.mjs: cosmjs' amino-only `Secp256k1HdWallet` (what Keplr's and Ledger's amino signing
/// amounts to) signs a MsgSend, a MsgDelegate and a MsgWithdrawDelegatorReward in
/// SIGN_MODE_LEGACY_AMINO_JSON; each lands, declared in that mode, with the effects
/// `agorad query` reads back.
#[test]
fn cosmjs_signs_in_amino_json_mode() {
    let net = localnet();
    net.ok(&["keys", "add", "carol", "--keyring-backend", "test"]);
    let carol = net
        .ok(&["keys", "show", "carol", "-a", "--keyring-backend", "test"])
        .trim()
        .to_string();
    let s = run_script(
        &net,
        "amino.mjs",
        &[&carol, &AMOUNT.to_string(), &DELEGATE.to_string()],
    );
    let faucet = net.faucet.as_str();
    assert_eq!(s["sender"], faucet, "{s}");
    assert_eq!(as_u128(&s["received"]), AMOUNT, "{s}");
    assert_eq!(balance(&net, &carol), AMOUNT);

    let send = committed(&net, &s["sendTx"], "/cosmos.bank.v1beta1.MsgSend");
    let delegate = committed(
        &net,
        &s["delegateTx"],
        "/cosmos.staking.v1beta1.MsgDelegate",
    );
    let withdraw = committed(
        &net,
        &s["withdrawTx"],
        "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward",
    );
    for tx in [&send, &delegate, &withdraw] {
        let info = &tx["tx"]["auth_info"]["signer_infos"][0];
        assert_eq!(
            info["mode_info"]["single"]["mode"], "SIGN_MODE_LEGACY_AMINO_JSON",
            "{tx}"
        );
    }
    assert_eq!(send["tx"]["body"]["memo"], "amino & <json>", "{send}");
    let valoper = s["validator"].as_str().expect("validator");
    let delegation = net.json(&[
        "query",
        "staking",
        "delegation",
        faucet,
        valoper,
        "-o",
        "json",
    ]);
    assert_eq!(
        as_u128(&delegation["balance"]["amount"]),
        DELEGATE,
        "{delegation}"
    );
    assert!(withdrawn(&withdraw) > 0, "{withdraw}");
}
