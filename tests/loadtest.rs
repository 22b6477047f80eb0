//! `agorad loadtest` against a one-validator local chain (scripts/localnet.sh), at a low
//! rate: every accepted tx is committed and the JSON report adds up. No timing assertions.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

const AGORAD: &str = env!("CARGO_BIN_EXE_agorad");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A chain started by scripts/localnet.sh; killed by its pid when dropped.
struct Localnet {
    dir: PathBuf,
    pid: u32,
    _tmp: tempfile::TempDir,
}

impl Localnet {
    fn start(timeout_commit: &str) -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("net");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/localnet.sh");
        let port = free_port().to_string();
        let out = Command::new("bash")
            .arg(&script)
            .arg(&dir)
            .args(["--agorad", AGORAD, "--rpc-port", &port])
            .args(["--timeout-commit", timeout_commit])
            .output()
            .expect("run localnet.sh");
        let pid_file = dir.join("agorad.pid");
        let pid = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|p| p.trim().parse().ok());
        let net = pid.map(|pid| Self {
            dir: dir.clone(),
            pid,
            _tmp: tmp,
        });
        assert!(
            out.status.success(),
            "localnet.sh failed:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        net.expect("localnet.sh wrote agorad.pid")
    }

    fn agorad(&self, args: &[&str]) -> Output {
        Command::new(AGORAD)
            .args(args)
            .arg("--home")
            .arg(&self.dir)
            .args(["--keyring-backend", "test", "--log_level", "warn"])
            .output()
            .expect("run agorad")
    }
}

impl Drop for Localnet {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.pid.to_string()).status();
        let proc = PathBuf::from(format!("/proc/{}", self.pid));
        let deadline = Instant::now() + Duration::from_secs(10);
        while proc.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

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
    let out = net.agorad(&[
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
        "--output",
        "json",
    ]);
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
}

#[test]
fn bad_arguments_and_an_unreachable_node_are_clear_errors() {
    let home = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str]| {
        let out = Command::new(AGORAD)
            .arg("loadtest")
            .args(args)
            .arg("--home")
            .arg(home.path())
            .args(["--keyring-backend", "test"])
            .output()
            .expect("run agorad");
        assert!(!out.status.success(), "{args:?} should fail");
        text(&out.stderr)
    };
    let node = format!("tcp://127.0.0.1:{}", free_port());
    let err = run(&["--from", "x", "--warmup", "10s", "--duration", "5s"]);
    assert!(err.contains("--warmup"), "{err}");
    let err = run(&["--from", "x", "--rate", "0"]);
    assert!(err.contains("--rate must be a positive"), "{err}");
    let err = run(&["--from", "x", "--duration", "five"]);
    assert!(err.contains("not a duration"), "{err}");
    let err = run(&["--from", "x", "--node", &node]);
    assert!(err.contains("cannot reach the node"), "{err}");
}
