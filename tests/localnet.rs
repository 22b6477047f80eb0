//! `scripts/localnet.sh` with the test build of `agorad`: what it prints (the faucet's
//! address and a mnemonic that recovers it), a home whose client.toml points the CLI at the
//! node, refusing to overwrite an existing home, and `--reset` starting a fresh chain.

mod support;

use std::time::{Duration, Instant};

use serde_json::Value;
use support::localnet::{run_script, Localnet};
use support::process::{alive, run_in, text};

const CHAIN: &str = "agora-localnet-1";

/// `status -o json` with no `--node` flag: client.toml must name the node.
fn status(net: &Localnet) -> Value {
    net.json(&["status", "-o", "json"])
}

/// The hash of block 1, as `agorad query block 1` reports it.
fn block_one_hash(net: &Localnet) -> String {
    let block = net.json(&["query", "block", "1", "-o", "json"]);
    block["block_id"]["hash"]
        .as_str()
        .unwrap_or_else(|| panic!("no block_id.hash in {block}"))
        .to_string()
}

/// Waits (up to 30 s) until `pid` has ended.
fn wait_gone(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while alive(pid) {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

#[test]
fn localnet_starts_refuses_to_overwrite_and_resets() {
    let mut net = Localnet::start("200ms");
    let pid = net.pid();
    assert!(alive(pid), "the recorded pid {pid} is not running");

    // What it printed.
    assert!(
        net.stdout
            .contains(&format!("RPC:      tcp://127.0.0.1:{}", net.port)),
        "{}",
        net.stdout
    );
    assert!(
        net.stdout.contains(&format!("started: pid {pid}")),
        "{}",
        net.stdout
    );
    assert!(net.faucet.starts_with("agora1"), "{}", net.stdout);
    assert_eq!(
        net.mnemonic.split_whitespace().count(),
        24,
        "{}",
        net.stdout
    );
    let saved = std::fs::read_to_string(net.home.join("faucet.mnemonic")).unwrap();
    assert_eq!(saved.trim(), net.mnemonic);
    let shown = net.ok(&["keys", "show", "faucet", "-a", "--keyring-backend", "test"]);
    assert_eq!(shown.trim(), net.faucet);
    // Its Prometheus metrics, on a port of their own, at the address it printed.
    let metrics = net
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("metrics:  http://"))
        .and_then(|rest| rest.split_once("/metrics"))
        .map(|(addr, _)| addr.to_string())
        .unwrap_or_else(|| panic!("no metrics address in\n{}", net.stdout));
    let (_, body) = support::rpc::Rpc::new(&metrics)
        .http_get("/metrics")
        .unwrap();
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("cometbft_consensus_height{"), "{body}");
    // Its gRPC server, at the address it printed (tests/grpc.rs exercises the services).
    let grpc: std::net::SocketAddr = net
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("gRPC:     "))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no gRPC address in\n{}", net.stdout));
    assert_ne!(grpc.port(), 0, "the bound port, not the one asked for");
    std::net::TcpStream::connect(grpc).expect("the gRPC port accepts connections");
    // Its REST API, with CORS open for a browser wallet (tests/rest.rs exercises the routes).
    let rest = net
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("REST:     http://"))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no REST address in\n{}", net.stdout))
        .to_string();
    assert!(
        !rest.ends_with(":0"),
        "the bound port, not the one asked for"
    );
    let (header, body) = support::rpc::Rpc::new(&rest)
        .http_get("/cosmos/base/tendermint/v1beta1/node_info")
        .unwrap();
    assert!(
        header.contains("access-control-allow-origin: *"),
        "{header}"
    );
    let info: Value = serde_json::from_slice(&body).unwrap();
    // The Keplr chain info it points at names this node's RPC, as a browser reaches it.
    let keplr: Value = serde_json::from_str(&net.ok(&["keplr-chain-info"])).unwrap();
    assert_eq!(info["default_node_info"]["network"], keplr["chainId"]);
    assert_eq!(keplr["rpc"], format!("http://127.0.0.1:{}", net.port));
    assert!(net.stdout.contains("keplr-chain-info"), "{}", net.stdout);

    // The mnemonic file recovers the same address (in another keyring: this one already
    // holds that address under the name faucet, and refuses it twice).
    let other = tempfile::tempdir().unwrap();
    let recovered = run_in(
        other.path(),
        &["keys", "add", "x", "--recover", "--keyring-backend", "test"],
        &saved,
    );
    assert!(
        recovered.status.success(),
        "keys add --recover: {}{}",
        text(&recovered.stdout),
        text(&recovered.stderr)
    );
    let x = run_in(
        other.path(),
        &["keys", "show", "x", "-a", "--keyring-backend", "test"],
        "",
    );
    assert_eq!(text(&x.stdout).trim(), net.faucet, "{}", text(&x.stderr));
    let duplicate = net.run(
        &["keys", "add", "x", "--recover", "--keyring-backend", "test"],
        &saved,
    );
    assert!(
        text(&duplicate.stderr).contains(&format!("key faucet already has address {}", net.faucet)),
        "{}",
        text(&duplicate.stderr)
    );

    // client.toml names the node and the keyring: no --node or --keyring-backend needed.
    net.wait_for_height(2);
    let first = status(&net);
    assert_eq!(first["node_info"]["network"], CHAIN, "{first}");
    let faucet_balance = net.json(&[
        "query",
        "bank",
        "balances",
        &net.faucet,
        "--denom",
        "uagr",
        "-o",
        "json",
    ]);
    assert_eq!(
        faucet_balance["amount"], "1000000000000000",
        "{faucet_balance}"
    );
    assert_eq!(net.ok(&["keys", "show", "faucet", "-a"]).trim(), net.faucet);
    // The devnet overlay shortens unbonding so a person can watch it mature.
    let genesis: Value = serde_json::from_str(
        &std::fs::read_to_string(net.home.join("config/genesis.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        genesis["app_state"]["staking"]["params"]["unbonding_time"],
        "300s"
    );
    let old_validator = first["validator_info"]["address"].clone();
    let old_block_one = block_one_hash(&net);

    // Running it again over the same home is refused and changes nothing.
    let again = run_script(&net.home, "200ms", &[]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again.stdout));
    assert!(
        text(&again.stderr).contains("already holds a node home; pass --reset"),
        "{}",
        text(&again.stderr)
    );
    assert!(alive(pid), "the refused run stopped the node");
    assert_eq!(net.pid(), pid);
    assert_eq!(
        std::fs::read_to_string(net.home.join("faucet.mnemonic")).unwrap(),
        saved
    );
    assert_eq!(block_one_hash(&net), old_block_one);

    // --reset stops the old node and starts a new chain with new keys.
    let reset = run_script(&net.home, "200ms", &["--reset"]);
    assert!(
        reset.status.success(),
        "localnet.sh --reset failed:\n{}{}",
        text(&reset.stdout),
        text(&reset.stderr)
    );
    assert!(wait_gone(pid), "--reset left the old node {pid} running");
    net.took_run(&text(&reset.stdout));
    assert!(
        net.stdout.contains(&format!("RPC:      {}", net.rpc)),
        "{}",
        net.stdout
    );
    let new_pid = net.pid();
    assert_ne!(new_pid, pid);
    assert!(alive(new_pid), "the new node is not running");
    assert_ne!(
        net.faucet,
        text(&x.stdout).trim(),
        "--reset kept the old faucet key"
    );
    assert_eq!(
        std::fs::read_to_string(net.home.join("faucet.mnemonic"))
            .unwrap()
            .trim(),
        net.mnemonic
    );
    assert_eq!(net.ok(&["keys", "show", "faucet", "-a"]).trim(), net.faucet);
    let keys = net.ok(&["keys", "list", "-n"]);
    let mut names: Vec<&str> = keys.lines().collect();
    names.sort_unstable();
    assert_eq!(names, ["faucet", "validator"], "the old keyring survived");
    net.wait_for_height(2);
    let fresh = status(&net);
    assert_eq!(fresh["node_info"]["network"], CHAIN, "{fresh}");
    assert_ne!(
        fresh["validator_info"]["address"], old_validator,
        "the RPC still answers with the old chain's validator: {fresh}"
    );
    assert_ne!(block_one_hash(&net), old_block_one);
    let balance = net.json(&[
        "query",
        "bank",
        "balances",
        &net.faucet,
        "--denom",
        "uagr",
        "-o",
        "json",
    ]);
    assert_eq!(balance["amount"], "1000000000000000", "{balance}");

    // Killing by the recorded pid stops the chain.
    net.kill();
    assert!(!alive(new_pid));
    let down = net.run(&["status"], "");
    assert!(!down.status.success(), "status answered after the kill");
}
