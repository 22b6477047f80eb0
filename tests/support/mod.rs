//! Running the real `agorad` binary: spawning, waiting for its ABCI socket, killing it.
#![allow(dead_code)] // each test binary uses a different part

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tendermint_abci::{Client, ClientBuilder};

/// The agorad binary cargo built for these tests.
pub const AGORAD: &str = env!("CARGO_BIN_EXE_agorad");

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `agorad start --abci-only` with `home`, listening on `port`.
pub struct Node {
    pub child: Child,
    pub port: u16,
}

impl Node {
    pub fn start(home: &Path, port: u16) -> Self {
        let child = Command::new(AGORAD)
            .args([
                "start",
                "--abci-only",
                "--abci-addr",
                &format!("tcp://127.0.0.1:{port}"),
                "--home",
            ])
            .arg(home)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn agorad");
        Self { child, port }
    }

    /// Connects an ABCI client, retrying while the node starts.
    pub fn client(&mut self) -> Client {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(client) = ClientBuilder::default().connect(("127.0.0.1", self.port)) {
                return client;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("agorad exited early: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "agorad did not open its ABCI socket"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL, as a crash or power cut would end it.
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
