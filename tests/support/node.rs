//! `agorad start` on port 0: the real address comes from the node's `agorad::listen` line on
//! stderr (read by a thread that forwards and keeps every line), the launcher waits until the
//! node is ready, and the process is SIGKILLed on drop.

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tendermint_abci::{Client, ClientBuilder};

use super::process;
use super::rpc::Rpc;

/// How long a node may take to listen, and to reach a height it is waited for.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The address of an `agorad::listen` line for `what` (`RPC` or `ABCI`), as agorad logs it:
/// `<time>  INFO agorad::listen: RPC listening addr=127.0.0.1:41234`.
pub fn listen_addr(line: &str, what: &str) -> Option<SocketAddr> {
    let (_, rest) = line.split_once(" agorad::listen: ")?;
    let addr = rest.strip_prefix(what)?.strip_prefix(" listening addr=")?;
    addr.split_whitespace().next()?.parse().ok()
}

/// How to start a node: `agorad start --home <home>` listening on port 0, plus options.
pub struct Launch {
    binary: &'static str,
    home: PathBuf,
    abci_only: bool,
    args: Vec<String>,
}

impl Launch {
    /// A full node (the embedded engine and its RPC) on `home`.
    pub fn new(home: &Path) -> Self {
        Self {
            binary: process::AGORAD,
            home: home.to_path_buf(),
            abci_only: false,
            args: Vec::new(),
        }
    }

    /// `--abci-only`: the application alone, serving ABCI.
    pub fn abci_only(mut self) -> Self {
        self.abci_only = true;
        self
    }

    /// Runs another build of agorad (the upgrade test's `agorad-next`).
    pub fn binary(mut self, binary: &'static str) -> Self {
        self.binary = binary;
        self
    }

    /// Runs the node until it exits by itself (within [`TIMEOUT`]): its exit status and stderr.
    pub fn run_to_exit(self) -> (ExitStatus, String) {
        let (mut node, _) = self.spawn();
        let status = node
            .wait_exit(TIMEOUT)
            .unwrap_or_else(|| panic!("agorad start did not exit within {TIMEOUT:?}"));
        (status, node.stderr())
    }

    /// Spawns the node with a thread that forwards and keeps its stderr; the receiver gets
    /// the address of its `agorad::listen` line.
    fn spawn(&self) -> (Node, mpsc::Receiver<SocketAddr>) {
        let what = if self.abci_only { "ABCI" } else { "RPC" };
        let mut child = self
            .command()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn agorad start");
        let (found, listening) = mpsc::channel();
        let stderr = Arc::new(Mutex::new(String::new()));
        let reader = {
            let (pipe, kept) = (child.stderr.take().expect("piped stderr"), stderr.clone());
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    eprintln!("{line}");
                    if let Some(addr) = listen_addr(&line, what) {
                        let _ = found.send(addr);
                    }
                    kept.lock().unwrap().push_str(&(line + "\n"));
                }
            })
        };
        let node = Node {
            child,
            laddr: String::new(),
            stderr,
            reader: Some(reader),
        };
        (node, listening)
    }

    /// `agorad start` with this launch's arguments, listening on port 0.
    fn command(&self) -> std::process::Command {
        let listen_flag = if self.abci_only {
            "--abci-addr"
        } else {
            "--rpc.laddr"
        };
        let mut command = process::command_of(self.binary);
        command.arg("start");
        if self.abci_only {
            command.arg("--abci-only");
        }
        command
            .args([listen_flag, "tcp://127.0.0.1:0"])
            .args(&self.args)
            .arg("--home")
            .arg(&self.home);
        command
    }

    /// Extra `agorad start` arguments.
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// Spawns the node and waits until it is ready: its ABCI socket listening, or its RPC
    /// answering `status` with a block.
    pub fn start(self) -> Node {
        let (mut node, listening) = self.spawn();
        let deadline = Instant::now() + TIMEOUT;
        let addr = loop {
            match listening.recv_timeout(Duration::from_millis(50)) {
                Ok(addr) => break addr,
                Err(RecvTimeoutError::Disconnected) => {
                    let status = node.child.wait().expect("wait");
                    panic!("agorad start exited before listening: {status}");
                }
                Err(RecvTimeoutError::Timeout) => {
                    node.assert_running();
                    assert!(Instant::now() < deadline, "agorad start did not listen");
                }
            }
        };
        node.laddr = format!("tcp://{addr}");
        if !self.abci_only {
            node.wait_for_height(1);
        }
        node
    }
}

/// A running `agorad start`; SIGKILLed on drop.
pub struct Node {
    child: Child,
    /// `tcp://<ip>:<port>` where it listens: its RPC, or its ABCI socket with `--abci-only`.
    pub laddr: String,
    /// Every line it wrote to stderr so far.
    stderr: Arc<Mutex<String>>,
    reader: Option<JoinHandle<()>>,
}

impl Node {
    /// The address its gRPC server bound (from its `gRPC listening` line).
    pub fn grpc_addr(&self) -> SocketAddr {
        self.listening("gRPC")
    }

    /// Where the node's REST API listens (from its `REST listening` log line).
    pub fn rest_addr(&self) -> SocketAddr {
        self.listening("REST")
    }

    fn listening(&self, server: &str) -> SocketAddr {
        let stderr = self.stderr.lock().unwrap();
        stderr
            .lines()
            .find_map(|line| listen_addr(line, server))
            .unwrap_or_else(|| panic!("the node logged no {server} listening line"))
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A JSON-RPC client of its RPC.
    pub fn rpc(&self) -> Rpc {
        Rpc::new(&self.laddr)
    }

    /// An ABCI client on its socket (`--abci-only`).
    pub fn client(&self) -> Client {
        ClientBuilder::default()
            .connect(self.laddr.trim_start_matches("tcp://"))
            .expect("connect to the ABCI socket")
    }

    /// Waits until its RPC reports `height` committed; returns the latest height.
    pub fn wait_for_height(&mut self, height: u64) -> u64 {
        let rpc = self.rpc();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            self.assert_running();
            if let Some(latest) = rpc.latest_height().filter(|latest| *latest >= height) {
                return latest;
            }
            assert!(
                Instant::now() < deadline,
                "the node did not reach height {height}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Panics if the process has exited.
    pub fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().expect("try_wait") {
            panic!("agorad start exited by itself: {status}");
        }
    }

    /// Waits up to `timeout` for the process to exit on its own; `None` if it still runs.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                self.join_reader();
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What it wrote to stderr so far (all of it once it has exited).
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// SIGKILL, as a crash or power cut would end it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.join_reader();
    }

    /// Waits for the stderr reader to reach the end of the (closed) pipe.
    fn join_reader(&mut self) {
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}
