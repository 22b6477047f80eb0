//! Running `agorad` as a person does, against a temporary home with the test keyring:
//! commands, the genesis ceremony, and a running node with its RPC.
#![allow(dead_code)] // each client_* test binary uses a different part

use std::io::Write as _;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The agorad binary cargo built for these tests.
pub const AGORAD: &str = env!("CARGO_BIN_EXE_agorad");

/// The self-delegation of the validator of [`Home::validator`]: 100 voting power.
pub const SELF_DELEGATION: u128 = 100_000_000;

/// A temporary node home.
pub struct Home {
    dir: tempfile::TempDir,
}

/// Stdout or stderr as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Home {
    /// An empty home.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The home directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `agorad <args> --home <home> --keyring-backend test`, stdin fed `input`.
    pub fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut child = Command::new(AGORAD)
            .args(args)
            .arg("--home")
            .arg(self.path())
            .args(["--keyring-backend", "test"])
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

    /// `agorad <args>` with nothing on stdin.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_input(args, "")
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "agorad {args:?} failed:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// Runs a command that must fail with exit code 1; returns its stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "agorad {args:?} should fail:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stderr)
    }

    /// Adds a key to the test keyring; returns its address.
    pub fn add_key(&self, name: &str) -> String {
        self.ok(&["keys", "add", name]);
        self.ok(&["keys", "show", name, "-a"]).trim().to_string()
    }

    /// config/genesis.json.
    pub fn genesis(&self) -> Value {
        let path = self.path().join("config/genesis.json");
        serde_json::from_slice(&std::fs::read(path).expect("genesis.json")).expect("JSON")
    }

    /// A file under the home, as text.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).expect(rel)
    }

    /// A one-validator home: `init`, key `validator` funded with `balance` uagr, its gentx
    /// bonding [`SELF_DELEGATION`], `collect-gentxs`. Returns the validator's address.
    pub fn validator(&self, chain_id: &str, balance: u128) -> String {
        self.ok(&["init", "node0", "--chain-id", chain_id]);
        let address = self.add_key("validator");
        self.ok(&[
            "genesis",
            "add-genesis-account",
            "validator",
            &format!("{balance}uagr"),
        ]);
        self.ok(&[
            "genesis",
            "gentx",
            "validator",
            &format!("{SELF_DELEGATION}uagr"),
            "--chain-id",
            chain_id,
        ]);
        self.ok(&["genesis", "collect-gentxs"]);
        address
    }
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

/// `agorad start` on a home, with its RPC on a free port and 100 ms blocks.
pub struct Node {
    child: Child,
    /// `tcp://127.0.0.1:<port>`.
    pub rpc: String,
}

impl Node {
    /// Starts the node and waits until its RPC answers `status` with a block.
    pub fn start(home: &Home) -> Self {
        let rpc = format!("tcp://127.0.0.1:{}", free_port());
        let child = Command::new(AGORAD)
            .args([
                "start",
                "--consensus.timeout_commit",
                "100ms",
                "--rpc.laddr",
                &rpc,
                "--home",
            ])
            .arg(home.path())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn agorad start");
        let mut node = Self { child, rpc };
        node.wait_for_height(home, 1);
        node
    }

    /// Waits until the node has committed `height`; returns the latest height.
    pub fn wait_for_height(&mut self, home: &Home, height: u64) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                panic!("agorad start exited: {status}");
            }
            let out = home.run(&["status", "--node", &self.rpc, "-o", "json"]);
            if out.status.success() {
                let status: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
                let latest: u64 = status["sync_info"]["latest_block_height"]
                    .as_str()
                    .and_then(|h| h.parse().ok())
                    .expect("latest_block_height");
                if latest >= height {
                    return latest;
                }
            }
            assert!(
                Instant::now() < deadline,
                "the node did not reach height {height}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGKILL, as a crash would end it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}
