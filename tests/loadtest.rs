//! `agorad loadtest` against a one-validator local chain (scripts/localnet.sh), at a low
//! rate with balance queries and `tx_search` requests alongside: every accepted tx is
//! committed, every side request is answered, and the JSON report adds up. No timing
//! assertions.

mod support;

use serde_json::Value;
use support::localnet::Localnet;
use support::process::{self, text, UNREACHABLE};

fn u(report: &Value, key: &str) -> u64 {
    report[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} in {report}"))
}

fn f(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

#[test]
fn every_accepted_tx_is_committed_and_the_report_adds_up() {
    let net = Localnet::start("200ms");
    let out = net.run(
        &[
            "loadtest",
            "--from",
            "faucet",
            "--accounts",
            "50",
            "--rate",
            "100",
            "--duration",
            "5s",
            "--warmup",
            "1s",
            "--connections",
            "4",
            "--query-rate",
            "20",
            "--search-flood",
            "5",
            "--query-connections",
            "2",
            "--output",
            "json",
        ],
        "",
    );
    let stderr = text(&out.stderr);
    assert!(
        out.status.success(),
        "loadtest failed:\n{}{stderr}",
        text(&out.stdout)
    );
    assert!(stderr.contains("loadtest sending"), "no progress: {stderr}");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)));

    assert_eq!(report["chain_id"], "agora-localnet-1");
    assert_eq!(u(&report, "accounts"), 50);
    // The pacer hands out every tx due within the duration, late or not.
    assert_eq!(u(&report, "sent"), 500, "{report}");
    assert_eq!(f(&report["offered_tx_per_s"]), 100.0);
    let (accepted, rejected) = (u(&report, "accepted"), u(&report, "rejected"));
    assert_eq!(accepted + rejected, 500, "{report}");
    assert_eq!(rejected, 0, "{report}");
    assert_eq!(report["rejected_by_reason"], serde_json::json!({}));
    assert_eq!(u(&report, "committed"), accepted, "{report}");
    assert_eq!(u(&report, "committed_failed"), 0, "{report}");
    assert_eq!(u(&report, "not_committed"), 0, "{report}");

    let latency = &report["latency_ms"];
    let samples = latency["samples"].as_u64().unwrap();
    assert!(samples > 0 && samples <= accepted, "{report}");
    let [p50, p90, p99, max] = ["p50", "p90", "p99", "max"].map(|k| f(&latency[k]));
    assert!(
        0.0 < p50 && p50 <= p90 && p90 <= p99 && p99 <= max,
        "{report}"
    );
    assert!(u(&report, "blocks") > 0, "{report}");
    assert!(f(&report["mean_txs_per_block"]) > 0.0, "{report}");
    assert!(f(&report["committed_tx_per_s"]) > 0.0, "{report}");
    assert_eq!(f(&report["window_s"]), 4.0);
    let intervals = &report["block_interval_ms"];
    assert_eq!(
        u(intervals, "samples"),
        u(&report, "blocks") - 1,
        "{report}"
    );
    assert!(f(&intervals["p50"]) > 0.0, "{report}");

    // 20 queries/s over 5 s: those due from 0 s to 4.95 s; latencies after the 1 s warm-up.
    let queries = &report["queries"];
    assert_eq!(u(queries, "sent"), 100, "{report}");
    assert_eq!(u(queries, "answered"), 100, "{report}");
    assert_eq!(queries["failed_by_reason"], serde_json::json!({}));
    assert_eq!(u(&queries["latency_ms"], "samples"), 80, "{report}");
    let searches = &report["searches"];
    assert_eq!(u(searches, "sent"), 5, "{report}");
    assert_eq!(u(searches, "answered"), 5, "{report}");
    assert_eq!(u(&searches["latency_ms"], "samples"), 5, "{report}");
}

#[test]
fn bad_arguments_and_an_unreachable_node_are_clear_errors() {
    let home = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str]| {
        let args = [&["loadtest"], args, &["--keyring-backend", "test"]].concat();
        let out = process::run_in(home.path(), &args, "");
        assert!(!out.status.success(), "{args:?} should fail");
        text(&out.stderr)
    };
    let err = run(&["--from", "x", "--warmup", "10s", "--duration", "5s"]);
    assert!(err.contains("--warmup"), "{err}");
    let err = run(&["--from", "x", "--rate", "0"]);
    assert!(err.contains("--rate must be a positive"), "{err}");
    let err = run(&["--from", "x", "--query-rate=-1"]);
    assert!(err.contains("--query-rate must be"), "{err}");
    let err = run(&["--from", "x", "--query-connections", "0"]);
    assert!(
        err.contains("--query-connections must be at least 1"),
        "{err}"
    );
    let err = run(&["--from", "x", "--duration", "five"]);
    assert!(err.contains("not a duration"), "{err}");
    let err = run(&["--from", "x", "--node", UNREACHABLE]);
    assert!(err.contains("cannot reach the node"), "{err}");
}
