//! A real node (RocksDB in a temp dir, real keys) serving the RPC on a loopback port, and the
//! clients the RPC tests drive it with.
#![allow(dead_code)] // each test file uses its own part of the helpers

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use agora_app::testing::{bank_send, funded_app_state, Signer, TestKey, TxSpec};
use agora_node::config::NodeConfig;
use agora_node::{engine, rpc, setup, Node};
use serde_json::Value;
use tendermint_rpc::client::CompatMode;
use tendermint_rpc::{Client as _, HttpClient};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The chain id of every test node.
pub const CHAIN_ID: &str = "agora-rpc-test";

/// A node serving the RPC, with funded accounts.
pub struct TestNode {
    /// The node.
    pub node: Arc<Node>,
    /// Where the RPC listens.
    pub addr: SocketAddr,
    /// Funded keys: account `i` is `keys[i]`.
    pub keys: Vec<TestKey>,
    stop: Arc<AtomicBool>,
    producer: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl TestNode {
    /// A fresh node with default settings.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A fresh node with settings adjusted by `configure`.
    pub async fn start_with(configure: impl FnOnce(&mut NodeConfig)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let keys: Vec<TestKey> = (0..3).map(TestKey::from_seed).collect();
        let mut config = NodeConfig {
            moniker: "rpc-test-node".into(),
            ..NodeConfig::default()
        };
        configure(&mut config);
        let home = setup::single_validator_home(
            dir.path(),
            CHAIN_ID,
            funded_app_state(&keys, 1_000_000_000),
            &config,
        )
        .unwrap();
        let node = Node::open(home, config, agora_app::AppConfig::default()).unwrap();
        engine::handshake(&node).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(rpc::serve(node.clone(), listener));
        Self {
            node,
            addr,
            keys,
            stop: Arc::new(AtomicBool::new(false)),
            producer: None,
            _dir: dir,
        }
    }

    /// Produces one block; returns its height.
    pub async fn produce(&self) -> u64 {
        let node = self.node.clone();
        tokio::task::spawn_blocking(move || engine::produce_block(&node))
            .await
            .unwrap()
            .unwrap()
    }

    /// Produces `n` blocks; returns the last height.
    pub async fn produce_n(&self, n: usize) -> u64 {
        let mut height = 0;
        for _ in 0..n {
            height = self.produce().await;
        }
        height
    }

    /// Runs the engine on a thread (blocks every `consensus.timeout_commit`) until dropped.
    pub fn run_engine(&mut self) {
        let (node, stop) = (self.node.clone(), self.stop.clone());
        self.producer = Some(std::thread::spawn(move || engine::run(node, stop).unwrap()));
    }

    /// Waits (up to 10 s) until the running engine has committed `height`.
    pub async fn wait_for_height(&self, height: u64) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while self.node.latest_height() < height {
            assert!(
                std::time::Instant::now() < deadline,
                "height {height} not reached"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// tendermint-rpc's HTTP client, speaking CometBFT v0.38.
    pub fn client(&self) -> HttpClient {
        HttpClient::builder(self.url().parse().unwrap())
            .compat_mode(CompatMode::V0_38)
            .build()
            .unwrap()
    }

    /// A signed bank send of `amount` from account `from` (at `sequence`) to account 2.
    pub fn send_tx(&self, from: usize, sequence: u64, amount: u128) -> Vec<u8> {
        let key = &self.keys[from];
        TxSpec::new(
            CHAIN_ID,
            vec![bank_send(&key.address, &self.keys[2].address, amount)],
            Signer {
                key,
                account_number: from as u64,
                sequence,
            },
        )
        .sign()
    }

    /// The bech32 address of account `i`.
    pub fn address(&self, i: usize) -> String {
        self.keys[i].address.to_string()
    }

    /// A raw HTTP exchange: (status, body).
    pub async fn http(&self, method: &str, path: &str, body: &[u8]) -> (u16, String) {
        raw_http(self.addr, method, path, body).await
    }

    /// POSTs `body` to `/` and parses the JSON answer.
    pub async fn post(&self, body: &Value) -> (u16, Value) {
        let (status, text) = self.http("POST", "/", body.to_string().as_bytes()).await;
        (
            status,
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
        )
    }

    /// A JSON-RPC call with id 1; the whole response.
    pub async fn call(&self, method: &str, params: Value) -> Value {
        self.post(
            &serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}),
        )
        .await
        .1
    }

    /// A URI call (`GET /<path_and_query>`); the whole response.
    pub async fn get(&self, path_and_query: &str) -> (u16, Value) {
        let (status, text) = self.http("GET", path_and_query, b"").await;
        (
            status,
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
        )
    }

    /// Asserts the node still answers `health`.
    pub async fn assert_healthy(&self) {
        let response = self.call("health", serde_json::json!({})).await;
        assert_eq!(response["result"], serde_json::json!({}), "{response}");
        self.client()
            .health()
            .await
            .expect("health over tendermint-rpc");
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(producer) = self.producer.take() {
            let _ = producer.join();
        }
    }
}

/// Sends one HTTP/1.1 request and reads the whole answer.
pub async fn raw_http(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    let (status, _, body) = raw_http_with(addr, method, path, &[], body).await;
    (status, body)
}

/// Sends one HTTP/1.1 request with extra `headers` and reads the whole answer: (status,
/// response headers with lower-case names, body).
pub async fn raw_http_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server may answer (and stop reading) before a refused body is sent in full.
    let _ = stream.write_all(body).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("not HTTP: {answer:?}"));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, body.to_string())
}

/// Upper-case hex.
pub fn hex_upper(bytes: &[u8]) -> String {
    hex::encode_upper(bytes)
}

/// SHA-256 of a tx: its hash.
pub fn tx_hash(tx: &[u8]) -> [u8; 32] {
    agora_node::blockstore::tx_hash(tx)
}
