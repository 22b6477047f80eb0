//! Content-addressed blob stores for checkpoints, shards, specs and manifests: a filesystem store,
//! an HTTP client store and a small HTTP server exposing any store.
//!
//! HTTP protocol: `GET /blobs/<hex>` returns the bytes (404 if absent); `PUT /blobs/<hex>` stores
//! the body if it hashes to `<hex>` (400 otherwise). Every `get` re-hashes what it returns.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::hash::Hash;

/// Blob store failures. `NotFound` is what a verifier turns into a "blob not served" verdict.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// No blob with this hash.
    #[error("blob {0} is not in the store")]
    NotFound(Hash),
    /// The stored bytes do not hash to their key.
    #[error("blob {expected} is corrupt: its bytes hash to {actual}")]
    Corrupt {
        /// The requested hash.
        expected: Hash,
        /// The hash of the bytes found.
        actual: Hash,
    },
    /// Local I/O failed.
    #[error("blob store {location}: {message}")]
    Io {
        /// Directory or URL.
        location: String,
        /// What failed.
        message: String,
    },
}

/// A content-addressed store: blobs are keyed by their SHA-256.
pub trait BlobStore: Send + Sync {
    /// Stores `bytes` and returns their hash.
    fn put(&self, bytes: &[u8]) -> Result<Hash, BlobError>;
    /// Fetches the blob with hash `hash`, checking the bytes hash to it.
    fn get(&self, hash: &Hash) -> Result<Vec<u8>, BlobError>;
}

fn checked(hash: &Hash, bytes: Vec<u8>) -> Result<Vec<u8>, BlobError> {
    let actual = Hash::of(&bytes);
    if actual == *hash {
        Ok(bytes)
    } else {
        Err(BlobError::Corrupt {
            expected: *hash,
            actual,
        })
    }
}

/// Blobs as files `<dir>/<hex>`.
#[derive(Clone, Debug)]
pub struct FsStore {
    dir: PathBuf,
}

impl FsStore {
    /// Opens (creating if needed) the directory.
    pub fn new(dir: impl AsRef<Path>) -> Result<Self, BlobError> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
        Ok(Self { dir })
    }

    /// Path of a blob's file.
    pub fn path(&self, hash: &Hash) -> PathBuf {
        self.dir.join(hash.to_hex())
    }
}

fn io_err(dir: &Path, e: std::io::Error) -> BlobError {
    BlobError::Io {
        location: dir.display().to_string(),
        message: e.to_string(),
    }
}

impl BlobStore for FsStore {
    fn put(&self, bytes: &[u8]) -> Result<Hash, BlobError> {
        let hash = Hash::of(bytes);
        let path = self.path(&hash);
        if !path.exists() {
            let tmp = self.dir.join(format!(".{}.tmp", hash.to_hex()));
            std::fs::write(&tmp, bytes)
                .and_then(|_| std::fs::rename(&tmp, &path))
                .map_err(|e| io_err(&self.dir, e))?;
        }
        Ok(hash)
    }

    fn get(&self, hash: &Hash) -> Result<Vec<u8>, BlobError> {
        match std::fs::read(self.path(hash)) {
            Ok(b) => checked(hash, b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(BlobError::NotFound(*hash)),
            Err(e) => Err(io_err(&self.dir, e)),
        }
    }
}

/// Client for a blob server at `base` (e.g. `http://127.0.0.1:7070`).
pub struct HttpStore {
    base: String,
    agent: ureq::Agent,
}

impl HttpStore {
    /// A client with a 60 s per-request timeout.
    pub fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Self {
            base: base.trim_end_matches('/').to_string(),
            agent,
        }
    }

    fn url(&self, hash: &Hash) -> String {
        format!("{}/blobs/{}", self.base, hash.to_hex())
    }

    fn err(&self, e: impl std::fmt::Display) -> BlobError {
        BlobError::Io {
            location: self.base.clone(),
            message: e.to_string(),
        }
    }
}

impl BlobStore for HttpStore {
    fn put(&self, bytes: &[u8]) -> Result<Hash, BlobError> {
        let hash = Hash::of(bytes);
        self.agent
            .put(&self.url(&hash))
            .send(bytes)
            .map_err(|e| self.err(e))?;
        Ok(hash)
    }

    fn get(&self, hash: &Hash) -> Result<Vec<u8>, BlobError> {
        match self.agent.get(&self.url(hash)).call() {
            Ok(mut resp) => {
                let bytes = resp
                    .body_mut()
                    .with_config()
                    .limit(1 << 32)
                    .read_to_vec()
                    .map_err(|e| self.err(e))?;
                checked(hash, bytes)
            }
            Err(ureq::Error::StatusCode(404)) => Err(BlobError::NotFound(*hash)),
            Err(e) => Err(self.err(e)),
        }
    }
}

/// Opens `location` as an [`HttpStore`] if it starts with `http://` or `https://`, else as an
/// [`FsStore`] directory.
pub fn open_store(location: &str) -> Result<Box<dyn BlobStore>, BlobError> {
    if location.starts_with("http://") || location.starts_with("https://") {
        Ok(Box::new(HttpStore::new(location)))
    } else {
        Ok(Box::new(FsStore::new(location)?))
    }
}

/// An HTTP blob server running on a background thread.
pub struct BlobServer {
    server: Arc<tiny_http::Server>,
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

impl BlobServer {
    /// Binds `listen` (e.g. `127.0.0.1:0` for an ephemeral port) and serves `store`.
    pub fn start(store: Arc<dyn BlobStore>, listen: &str) -> Result<Self, BlobError> {
        let server = tiny_http::Server::http(listen).map_err(|e| BlobError::Io {
            location: listen.to_string(),
            message: e.to_string(),
        })?;
        let addr = server.server_addr().to_ip().ok_or_else(|| BlobError::Io {
            location: listen.to_string(),
            message: "not an IP address".into(),
        })?;
        let server = Arc::new(server);
        let s = server.clone();
        let thread = std::thread::spawn(move || {
            for req in s.incoming_requests() {
                handle(store.as_ref(), req);
            }
        });
        Ok(Self {
            server,
            addr,
            thread: Some(thread),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL for [`HttpStore::new`].
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Blocks serving requests until the process ends.
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for BlobServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn handle(store: &dyn BlobStore, mut req: tiny_http::Request) {
    let reply =
        |code: u16, body: Vec<u8>| tiny_http::Response::from_data(body).with_status_code(code);
    let hash = req
        .url()
        .strip_prefix("/blobs/")
        .and_then(|h| h.parse::<Hash>().ok());
    let resp = match (req.method(), hash) {
        (tiny_http::Method::Get, Some(h)) => match store.get(&h) {
            Ok(bytes) => reply(200, bytes),
            Err(BlobError::NotFound(_)) => reply(404, b"not found".to_vec()),
            Err(e) => reply(500, e.to_string().into_bytes()),
        },
        (tiny_http::Method::Put, Some(h)) => {
            let mut body = Vec::new();
            match req.as_reader().read_to_end(&mut body) {
                Err(e) => reply(400, e.to_string().into_bytes()),
                Ok(_) if Hash::of(&body) != h => {
                    reply(400, b"body does not hash to the URL's hash".to_vec())
                }
                Ok(_) => match store.put(&body) {
                    Ok(_) => reply(201, Vec::new()),
                    Err(e) => reply(500, e.to_string().into_bytes()),
                },
            }
        }
        _ => reply(404, b"use GET or PUT /blobs/<sha256 hex>".to_vec()),
    };
    let _ = req.respond(resp);
}
