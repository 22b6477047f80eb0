//! The node's CometBFT JSON-RPC, as client commands use it: one blocking call at a time, and
//! errors that say whether the node is unreachable or what it answered.

use std::future::Future;

use anyhow::{anyhow, bail, Context as _, Result};
use prost::Message;
use tendermint_rpc::client::CompatMode;
use tendermint_rpc::error::ErrorDetail;
use tendermint_rpc::{Client, HttpClient};

/// A connection to a node's RPC at `--node` (or client.toml's `node`).
pub struct Rpc {
    client: HttpClient,
    url: String,
    runtime: tokio::runtime::Runtime,
}

/// A failed ABCI query: what the application answered.
#[derive(Debug)]
pub struct QueryError {
    /// The error's codespace, e.g. `sdk`.
    pub codespace: String,
    /// The error code.
    pub code: u32,
    /// The application's message.
    pub log: String,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (codespace {}, code {})",
            self.log, self.codespace, self.code
        )
    }
}

impl std::error::Error for QueryError {}

impl Rpc {
    /// A client for the node at `url` (`tcp://host:port`, `http://...`).
    pub fn new(url: &str) -> Result<Self> {
        let http = http_url(url);
        let http_url: tendermint_rpc::HttpClientUrl =
            http.parse().map_err(|e: tendermint_rpc::Error| {
                anyhow!(
                    "--node {url:?} is not an RPC address like tcp://localhost:26657: {}",
                    e.detail()
                )
            })?;
        let client = HttpClient::builder(http_url)
            .compat_mode(CompatMode::V0_38)
            .build()
            .map_err(|e| anyhow!("--node {url:?}: {}", e.detail()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        Ok(Self {
            client,
            url: url.to_string(),
            runtime,
        })
    }

    /// Runs one request with the client, naming an unreachable node or the node's answer.
    pub fn call<'a, T, F>(&'a self, request: impl FnOnce(&'a HttpClient) -> F) -> Result<T>
    where
        F: Future<Output = Result<T, tendermint_rpc::Error>> + 'a,
    {
        self.runtime
            .block_on(request(&self.client))
            .map_err(|e| self.explain(e))
    }

    fn explain(&self, e: tendermint_rpc::Error) -> anyhow::Error {
        match e.detail() {
            ErrorDetail::Http(_) | ErrorDetail::Io(_) | ErrorDetail::Timeout(_) => anyhow!(
                "cannot reach the node at {}: is `agorad start` running?",
                self.url
            ),
            ErrorDetail::Response(r) => {
                let r = &r.source;
                match r.data() {
                    Some(data) if !data.is_empty() => anyhow!("{data}"),
                    _ => anyhow!("the node at {} answered: {}", self.url, r.message()),
                }
            }
            detail => anyhow!("RPC call to {} failed: {detail}", self.url),
        }
    }

    /// An ABCI query of gRPC method `path` with protobuf `data` at the latest height; a
    /// non-zero code is a [`QueryError`] inside the returned error.
    pub fn abci_query(&self, path: &str, data: Vec<u8>) -> Result<Vec<u8>> {
        let answer = self.call(|c| c.abci_query(Some(path.to_string()), data, None, false))?;
        if answer.code.is_err() {
            return Err(QueryError {
                codespace: answer.codespace,
                code: answer.code.value(),
                log: answer.log,
            }
            .into());
        }
        Ok(answer.value)
    }

    /// The node's chain id, from `status`.
    pub fn chain_id(&self) -> Result<String> {
        Ok(self.call(|c| c.status())?.node_info.network.to_string())
    }

    /// Errors unless the node runs `chain_id`.
    pub fn check_chain_id(&self, chain_id: &str) -> Result<()> {
        let node_chain = self.chain_id()?;
        if node_chain != chain_id {
            bail!(
                "chain id {chain_id:?} does not match the node's chain id {node_chain:?}: pass --chain-id {node_chain}"
            );
        }
        Ok(())
    }
}

/// The gRPC query `path` (`/<service>/<method>`) of the protobuf `req`, its answer decoded.
pub fn query_at<Req: Message, Res: Message + Default>(
    rpc: &Rpc,
    path: &str,
    req: Req,
) -> Result<Res> {
    let bytes = rpc.abci_query(path, req.encode_to_vec())?;
    Res::decode(bytes.as_slice()).with_context(|| format!("cannot decode the answer of {path}"))
}

/// `url` as HTTP: CometBFT writes `tcp://` for what is HTTP on the wire.
pub fn http_url(url: &str) -> String {
    match url.strip_prefix("tcp://") {
        Some(rest) => format!("http://{rest}"),
        None => url.to_string(),
    }
}

/// The [`QueryError`] inside `e`, if the application refused the query.
pub fn query_error(e: &anyhow::Error) -> Option<&QueryError> {
    e.downcast_ref::<QueryError>()
}
