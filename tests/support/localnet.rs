//! `scripts/localnet.sh` driven as a person runs it: a one-validator chain in a temporary
//! directory, started in the background with the test build of `agorad`, stopped by its pid.
#![allow(dead_code)] // each test binary uses a different part

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The agorad binary cargo built for these tests.
pub const AGORAD: &str = env!("CARGO_BIN_EXE_agorad");

/// The checkout's root (this crate is app/cli).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// Stdout or stderr as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

/// `scripts/localnet.sh <dir> --agorad <test build> --rpc-port <port> --timeout-commit
/// <timeout_commit> <extra...>`.
pub fn run_script(dir: &Path, port: u16, timeout_commit: &str, extra: &[&str]) -> Output {
    Command::new("bash")
        .arg(repo_root().join("scripts/localnet.sh"))
        .arg(dir)
        .args(["--agorad", AGORAD, "--rpc-port", &port.to_string()])
        .args(["--timeout-commit", timeout_commit])
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .expect("run scripts/localnet.sh")
}

/// `agorad --home <home> <args>`, stdin fed `input`.
pub fn agorad(home: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(AGORAD)
        .arg("--home")
        .arg(home)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run agorad");
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin.write_all(input.as_bytes()).expect("write stdin");
    drop(stdin);
    child.wait_with_output().expect("agorad output")
}

/// Whether process `pid` still runs (a zombie counts as ended).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => !matches!(
            stat.rsplit(')').next().map(str::trim_start),
            Some(s) if s.starts_with('Z') || s.starts_with('X')
        ),
        Err(_) => false,
    }
}

/// SIGKILL to `pid` (exactly that process), then waits until it has ended.
pub fn kill_pid(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .stderr(Stdio::null())
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        assert!(Instant::now() < deadline, "pid {pid} survived SIGKILL");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A chain that `scripts/localnet.sh` built and started; SIGKILLed by its pid on drop.
pub struct Localnet {
    /// Keeps the temporary directory alive; the home is `<tmp>/net`.
    _tmp: tempfile::TempDir,
    /// The node home the script built.
    pub home: PathBuf,
    /// The RPC port.
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
    /// Runs the script into a fresh temporary directory on a free port; panics if it fails.
    pub fn start(timeout_commit: &str) -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let home = tmp.path().join("net");
        let port = free_port();
        let out = run_script(&home, port, timeout_commit, &[]);
        let mut net = Self {
            _tmp: tmp,
            home,
            port,
            rpc: format!("tcp://127.0.0.1:{port}"),
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
        net.took_output(&text(&out.stdout));
        net
    }

    /// Reads the faucet address and mnemonic out of the script's stdout.
    pub fn took_output(&mut self, stdout: &str) {
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
    pub fn agorad_with_input(&self, args: &[&str], input: &str) -> Output {
        agorad(&self.home, args, input)
    }

    /// `agorad --home <home> <args>`, which must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.agorad_with_input(args, "");
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
            let out = self.agorad_with_input(&["status", "-o", "json"], "");
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
