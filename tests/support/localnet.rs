//! `scripts/localnet.sh` driven as a person runs it: a one-validator chain in a temporary
//! directory, started in the background with the test build of `agorad`, stopped by its pid.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::node::listen_addr;
use super::process::{self, alive, kill_pid, text, AGORAD};

/// The checkout's root (this crate is app/cli).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// `scripts/localnet.sh <dir> --agorad <test build> --rpc-port 0 --timeout-commit
/// <timeout_commit> <extra...>`: the node takes a free port and the script reports it.
pub fn run_script(dir: &Path, timeout_commit: &str, extra: &[&str]) -> Output {
    Command::new("bash")
        .arg(repo_root().join("scripts/localnet.sh"))
        .arg(dir)
        .args(["--agorad", AGORAD, "--rpc-port", "0"])
        .args(["--timeout-commit", timeout_commit])
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .expect("run scripts/localnet.sh")
}

/// A chain that `scripts/localnet.sh` built and started; SIGKILLed by its pid on drop.
pub struct Localnet {
    /// Keeps the temporary directory alive; the home is `<tmp>/net`.
    _tmp: tempfile::TempDir,
    /// The node home the script built.
    pub home: PathBuf,
    /// The RPC port, as the node logged it in `<home>/agorad.log`.
    pub port: u16,
    /// `tcp://127.0.0.1:<port>`.
    pub rpc: String,
    /// What the script printed on stdout.
    pub stdout: String,
    /// The faucet address it printed.
    pub faucet: String,
    /// The faucet mnemonic it printed.
    pub mnemonic: String,
}

impl Localnet {
    /// Runs the script into a fresh temporary directory on port 0; panics if it fails.
    pub fn start(timeout_commit: &str) -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let home = tmp.path().join("net");
        let out = run_script(&home, timeout_commit, &[]);
        let mut net = Self {
            _tmp: tmp,
            home,
            port: 0,
            rpc: String::new(),
            stdout: String::new(),
            faucet: String::new(),
            mnemonic: String::new(),
        };
        assert!(
            out.status.success(),
            "localnet.sh failed ({}):\n{}{}",
            out.status,
            text(&out.stdout),
            text(&out.stderr)
        );
        net.took_run(&text(&out.stdout));
        net
    }

    /// Takes in a successful run of the script: the faucet address and mnemonic from its
    /// stdout, the RPC address from the `RPC listening` line the node wrote to agorad.log.
    pub fn took_run(&mut self, stdout: &str) {
        let log = std::fs::read_to_string(self.home.join("agorad.log")).unwrap_or_default();
        let addr = log
            .lines()
            .find_map(|line| listen_addr(line, "RPC"))
            .unwrap_or_else(|| panic!("no RPC listening line in agorad.log:\n{log}"));
        self.port = addr.port();
        self.rpc = format!("tcp://{addr}");
        self.stdout = stdout.to_string();
        self.faucet = field(stdout, "faucet:")
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        self.mnemonic = field(stdout, "mnemonic:");
    }

    /// The pid in `<home>/agorad.pid`.
    pub fn pid(&self) -> u32 {
        let pid = std::fs::read_to_string(self.home.join("agorad.pid")).expect("agorad.pid");
        pid.trim().parse().expect("a pid")
    }

    /// `agorad --home <home> <args>`, stdin fed `input`.
    pub fn run(&self, args: &[&str], input: &str) -> Output {
        process::run_in(&self.home, args, input)
    }

    /// `agorad --home <home> <args>`, which must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args, "");
        assert!(
            out.status.success(),
            "agorad {args:?} failed:\n{}{}\n--- agorad.log ---\n{}",
            text(&out.stdout),
            text(&out.stderr),
            self.log_tail()
        );
        text(&out.stdout)
    }

    /// `ok` parsed as JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.ok(args);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("agorad {args:?}: not JSON ({e}): {out}"))
    }

    /// Waits until `status` (over the RPC the home's client.toml names) reports `height`;
    /// returns the latest height.
    pub fn wait_for_height(&self, height: u64) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let out = self.run(&["status", "-o", "json"], "");
            if out.status.success() {
                let status: serde_json::Value =
                    serde_json::from_slice(&out.stdout).expect("status JSON");
                let latest: u64 = status["sync_info"]["latest_block_height"]
                    .as_str()
                    .and_then(|h| h.parse().ok())
                    .expect("latest_block_height");
                if latest >= height {
                    return latest;
                }
            }
            assert!(alive(self.pid()), "agorad exited:\n{}", self.log_tail());
            assert!(
                Instant::now() < deadline,
                "the node did not reach height {height}:\n{}",
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The last lines of `<home>/agorad.log`.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.home.join("agorad.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// SIGKILLs the node by the pid the script recorded.
    pub fn kill(&self) {
        if let Ok(pid) = std::fs::read_to_string(self.home.join("agorad.pid")) {
            if let Ok(pid) = pid.trim().parse() {
                kill_pid(pid);
            }
        }
    }
}

impl Drop for Localnet {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The rest of the first stdout line that starts (after indentation) with `label`.
fn field(stdout: &str, label: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.trim_start().strip_prefix(label))
        .map(|rest| rest.trim().to_string())
        .unwrap_or_default()
}
