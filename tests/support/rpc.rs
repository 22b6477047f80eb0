//! A minimal blocking JSON-RPC 2.0 client over plain HTTP/1.1 on std's `TcpStream`: an
//! independent reader of the node's CometBFT RPC that shares no code with it.
#![allow(dead_code)] // each test binary uses a different part

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use serde_json::{json, Value};

/// A node's RPC at `127.0.0.1:<port>`.
#[derive(Clone)]
pub struct Rpc {
    addr: SocketAddr,
    /// How long one call may wait for its answer.
    pub timeout: Duration,
}

impl Rpc {
    /// The RPC at `laddr`: `tcp://host:port`, `http://host:port` or `host:port`.
    pub fn new(laddr: &str) -> Self {
        let hostport = laddr
            .trim_start_matches("tcp://")
            .trim_start_matches("http://")
            .trim_end_matches('/');
        let addr = hostport
            .to_socket_addrs()
            .unwrap_or_else(|e| panic!("bad RPC address {laddr}: {e}"))
            .next()
            .expect("an address");
        Self {
            addr,
            timeout: Duration::from_secs(20),
        }
    }

    /// Calls `method` with named `params`. `Ok` is the JSON-RPC `result`; `Err` is a
    /// connection failure or the JSON-RPC `error`, as text.
    pub fn call(&self, method: &str, params: Value) -> Result<Value, String> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let response = self.post(&serde_json::to_vec(&body).expect("JSON"))?;
        let value: Value = serde_json::from_slice(&response).map_err(|e| {
            format!(
                "{method}: answer is not JSON ({e}): {}",
                String::from_utf8_lossy(&response)
            )
        })?;
        if let Some(error) = value.get("error") {
            return Err(format!("{method}: {error}"));
        }
        value
            .get("result")
            .cloned()
            .ok_or_else(|| format!("{method}: no result in {value}"))
    }

    /// Like [`Rpc::call`], panicking on any error.
    pub fn get(&self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("RPC {method} failed: {e}"))
    }

    /// `status`'s `sync_info.latest_block_height`, if the node answers.
    pub fn latest_height(&self) -> Option<u64> {
        let status = self.call("status", json!({})).ok()?;
        status["sync_info"]["latest_block_height"]
            .as_str()?
            .parse()
            .ok()
    }

    /// One `POST /` with `Connection: close`; returns the response body of a 200 answer.
    fn post(&self, body: &[u8]) -> Result<Vec<u8>, String> {
        self.http("POST", "/", body).map(|(_, body)| body)
    }

    /// One `GET path` with `Connection: close`; the lower-cased header and the body of a 200
    /// answer.
    pub fn http_get(&self, path: &str) -> Result<(String, Vec<u8>), String> {
        self.http("GET", path, b"")
    }

    fn http(&self, method: &str, path: &str, body: &[u8]) -> Result<(String, Vec<u8>), String> {
        let mut stream = TcpStream::connect_timeout(&self.addr, Duration::from_secs(2))
            .map_err(|e| format!("connect {}: {e}", self.addr))?;
        stream
            .set_read_timeout(Some(self.timeout))
            .and_then(|_| stream.set_write_timeout(Some(self.timeout)))
            .map_err(|e| e.to_string())?;
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        stream
            .write_all(head.as_bytes())
            .and_then(|_| stream.write_all(body))
            .map_err(|e| format!("send: {e}"))?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .map_err(|e| format!("read: {e}"))?;
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| format!("no HTTP header in {:?}", String::from_utf8_lossy(&raw)))?;
        let header = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let body = &raw[split + 4..];
        let status_line = header.lines().next().unwrap_or_default();
        if !status_line.contains(" 200") {
            return Err(format!(
                "HTTP {status_line}: {}",
                String::from_utf8_lossy(body)
            ));
        }
        let body = if header.contains("transfer-encoding: chunked") {
            dechunk(body)?
        } else {
            body.to_vec()
        };
        Ok((header, body))
    }
}

/// The payload of a `Transfer-Encoding: chunked` body.
fn dechunk(mut body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("truncated chunk size")?;
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|e| format!("bad chunk size {size_text:?}: {e}"))?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if body.len() < size + 2 {
            return Err("truncated chunk".into());
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}
