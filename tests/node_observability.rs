//! What operators watch of a running `agorad start`. Prometheus metrics: off by default,
//! served at `/metrics` on `[instrumentation] prometheus_listen_addr` when on, in the
//! OpenMetrics text format with CometBFT's names (labelled `chain_id`) and Agora's timings;
//! the height advances between scrapes; a bad address stops the node with a message naming
//! the setting. Logs: `--log_format json` writes one JSON object per line, each block's
//! height, txs and app hash among its fields.

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use support::home::Home;
use support::node::listen_addr;
use support::process;
use support::rpc::Rpc;

const CHAIN: &str = "agora-metrics";

/// Turns Prometheus on in `home`'s config.toml, listening on `addr`.
fn enable_prometheus(home: &Home, addr: &str) {
    let path = home.path().join("config/config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("prometheus = false"),
        "off by default:\n{text}"
    );
    let text = text
        .replace("prometheus = false", "prometheus = true")
        .replace(
            "prometheus_listen_addr = \"127.0.0.1:26660\"",
            &format!("prometheus_listen_addr = \"{addr}\""),
        );
    std::fs::write(&path, text).unwrap();
}

/// Each sample of an OpenMetrics text (`name{labels} value`), checking that every line is a
/// `# HELP`, `# TYPE` or `# UNIT` of a family, a sample of the last typed family, or the
/// final `# EOF`.
fn parse(text: &str) -> BTreeMap<String, f64> {
    let mut samples = BTreeMap::new();
    let mut family = String::new();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.last(), Some(&"# EOF"), "{text}");
    for line in &lines[..lines.len() - 1] {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE <name> <type>");
            assert!(["gauge", "histogram", "counter"].contains(&kind), "{line}");
            family = name.to_string();
        } else if line.starts_with("# HELP ") || line.starts_with("# UNIT ") {
        } else {
            let (series, value) = line.rsplit_once(' ').expect("<series> <value>");
            assert!(
                series.starts_with(&family),
                "{series} outside family {family}"
            );
            let value: f64 = value.parse().unwrap_or_else(|e| panic!("{line}: {e}"));
            samples.insert(series.to_string(), value);
        }
    }
    samples
}

fn scrape(metrics: &Rpc) -> BTreeMap<String, f64> {
    let (header, body) = metrics.http_get("/metrics").expect("GET /metrics");
    assert!(
        header.contains("content-type: application/openmetrics-text"),
        "{header}"
    );
    parse(&String::from_utf8(body).unwrap())
}

#[test]
fn prometheus_serves_cometbfts_metrics_and_the_height_advances() {
    let home = Home::new();
    home.validator(CHAIN, 1_000_000_000);
    enable_prometheus(&home, "127.0.0.1:0");
    let mut node = home.start();
    // Bound right after the RPC; its line may come a moment after the first block.
    let deadline = Instant::now() + Duration::from_secs(10);
    let addr = loop {
        let found = node
            .stderr()
            .lines()
            .find_map(|line| listen_addr(line, "Prometheus"));
        match found {
            Some(addr) => break addr,
            None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            None => panic!("no `Prometheus listening addr=` line in\n{}", node.stderr()),
        }
    };
    let metrics = Rpc::new(&addr.to_string());
    node.rpc().get("status", json!({}));

    let first = scrape(&metrics);
    let label = format!("{{chain_id=\"{CHAIN}\"}}");
    let height =
        |samples: &BTreeMap<String, f64>| samples[&format!("cometbft_consensus_height{label}")];
    assert!(height(&first) >= 1.0, "{first:?}");
    assert_eq!(first[&format!("cometbft_consensus_validators{label}")], 1.0);
    assert_eq!(
        first[&format!("cometbft_consensus_validators_power{label}")],
        100.0
    );
    for name in [
        "cometbft_consensus_num_txs",
        "cometbft_consensus_total_txs",
        "cometbft_consensus_block_size_bytes",
        "cometbft_mempool_size",
        "cometbft_mempool_failed_txs",
        "agora_block_execution_seconds_count",
        "agora_commit_seconds_count",
        "agora_checktx_seconds_count",
    ] {
        assert!(
            first.contains_key(&format!("{name}{label}")),
            "no {name} in {first:?}"
        );
    }
    let status =
        format!("agora_rpc_request_seconds_count{{chain_id=\"{CHAIN}\",method=\"status\"}}");
    assert!(first[&status] >= 1.0, "{first:?}");

    let before = height(&first);
    node.wait_for_height(before as u64 + 2);
    let second = scrape(&metrics);
    assert!(height(&second) >= before + 2.0, "{second:?}");
    let blocks = format!("agora_block_execution_seconds_count{label}");
    assert!(second[&blocks] > first[&blocks]);
    let intervals = format!("cometbft_consensus_block_interval_seconds_count{label}");
    assert!(second[&intervals] >= 1.0, "{second:?}");
    assert!(metrics.http_get("/nothing").unwrap_err().contains("404"));
}

#[test]
fn a_bad_prometheus_address_stops_the_node_naming_the_setting() {
    let home = Home::new();
    home.validator(CHAIN, 1_000_000_000);
    enable_prometheus(&home, "no-such-host:xyz");
    let err = home.fails(&["start"]);
    assert!(err.contains("prometheus_listen_addr"), "{err}");
}

#[test]
fn json_logs_carry_each_blocks_height_txs_and_app_hash() {
    let home = Home::new();
    home.validator(CHAIN, 1_000_000_000);
    let mut child = process::command()
        .env("RUST_LOG", "info")
        .args([
            "--log_format",
            "json",
            "start",
            "--rpc.laddr",
            "tcp://127.0.0.1:0",
        ])
        .args(["--consensus.timeout_commit", "100ms", "--home"])
        .arg(home.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut listening = false;
    let mut block = None;
    for line in lines.map_while(Result::ok).take(200) {
        let entry: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
        assert!(
            entry["level"].is_string() && entry["timestamp"].is_string(),
            "{line}"
        );
        let fields = &entry["fields"];
        listening |= entry["target"] == "agorad::listen" && fields["addr"].is_string();
        if fields["message"] == "committed block" {
            block = Some(fields.clone());
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(listening, "the RPC listen line, with its address");
    let block = block.expect("a committed block line");
    assert!(block["height"].as_u64().unwrap() >= 1, "{block}");
    assert!(block["txs"].is_u64(), "{block}");
    assert_eq!(block["app_hash"].as_str().unwrap().len(), 64, "{block}");
}
