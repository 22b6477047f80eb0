//! The node's files under `config/`: `config.toml` (CometBFT's sections and names),
//! `app.toml` and `client.toml` (the Cosmos SDK's names).

use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, Result};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use tendermint::Timeout;
use tendermint_config::net::Address;

/// `config.toml`: what CometBFT calls the node configuration. Missing fields take defaults.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeConfig {
    /// This node's name, shown in `status`.
    pub moniker: String,
    /// The JSON-RPC server.
    pub rpc: RpcConfig,
    /// Block production timing.
    pub consensus: ConsensusConfig,
    /// Mempool limits.
    pub mempool: MempoolConfig,
    /// Transaction indexing.
    pub tx_index: TxIndexConfig,
    /// Prometheus metrics.
    pub instrumentation: InstrumentationConfig,
}

/// `[rpc]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct RpcConfig {
    /// Listen address, `tcp://host:port`.
    pub laddr: Address,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: u64,
    /// Most concurrent websocket clients.
    pub max_subscription_clients: usize,
    /// Most subscriptions per websocket client.
    pub max_subscriptions_per_client: usize,
    /// How long `broadcast_tx_commit` waits for the tx to land in a block.
    pub timeout_broadcast_tx_commit: Timeout,

    // Limits (issue 8): CometBFT's names where CometBFT has the setting.
    /// Origins allowed to make cross-origin requests; `*` allows any, `http://*.example.com`
    /// a wildcard subdomain; empty turns CORS off (CometBFT's default).
    pub cors_allowed_origins: Vec<String>,
    /// Methods cross-origin requests may use.
    pub cors_allowed_methods: Vec<String>,
    /// Headers cross-origin requests may send.
    pub cors_allowed_headers: Vec<String>,
    /// Most simultaneous connections (HTTP and websocket); more wait to be accepted. 0 is no
    /// limit.
    pub max_open_connections: usize,
    /// Most requests in one JSON-RPC batch; 0 is no limit.
    pub max_request_batch_size: usize,
    /// Most requests handled at once over all connections; others wait their turn (Agora's).
    pub max_concurrent_requests: usize,
    /// How long a request may run (Go's `WriteTimeout`); `broadcast_tx_commit` gets
    /// `timeout_broadcast_tx_commit` plus a second, as in CometBFT.
    pub timeout_write: Timeout,
    /// A connection with no bytes read or written for this long is closed (Go's
    /// `IdleTimeout`), so idle clients cannot hold `max_open_connections`. At least
    /// `websocket_read_wait` and `timeout_broadcast_tx_commit` plus a second are used.
    pub timeout_idle: Timeout,
    /// A websocket client that sends nothing (not even a pong to the server's pings, sent
    /// every 9/10 of this) for this long is dropped (CometBFT's `readWait`, 30 s).
    pub websocket_read_wait: Timeout,
    /// Bytes queued for one websocket client beyond which it is too slow and is dropped.
    pub websocket_write_buffer_bytes: usize,
    /// Heights (or txs) `tx_search` and `block_search` may scan for conditions no index
    /// answers; a wider query is refused and must be narrowed with `tx.height` or
    /// `block.height` bounds.
    pub max_search_scan: u64,
}

/// `[consensus]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsensusConfig {
    /// Pause after a block is committed before the next one is proposed.
    pub timeout_commit: Timeout,
}

/// `[mempool]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MempoolConfig {
    /// Most txs held.
    pub size: usize,
    /// Most bytes held over all txs.
    pub max_txs_bytes: u64,
    /// Largest single tx accepted.
    pub max_tx_bytes: usize,
    /// How many recently seen tx hashes are remembered to reject duplicates.
    pub cache_size: usize,
    /// Re-run CheckTx on the remaining txs after every block.
    pub recheck: bool,

    // Limits (issue 8).
    /// Most txs one sender (first signer) may have pending; 0 is no limit (Agora's; CometBFT
    /// has none, the SDK's priority mempool bounds senders only by `max-txs`).
    pub max_txs_per_sender: usize,
}

/// `[tx_index]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TxIndexConfig {
    /// `kv` indexes txs by hash and event; `null` turns indexing off.
    pub indexer: String,
}

/// `[instrumentation]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct InstrumentationConfig {
    /// Serve Prometheus metrics at `/metrics`.
    pub prometheus: bool,
    /// Where: `host:port`, or CometBFT's `:port` for every interface.
    pub prometheus_listen_addr: String,
}

impl Default for InstrumentationConfig {
    fn default() -> Self {
        Self {
            prometheus: false,
            prometheus_listen_addr: "127.0.0.1:26660".into(),
        }
    }
}

impl InstrumentationConfig {
    /// The address to bind: `:26660` (CometBFT's form) is every interface.
    pub fn bind_addr(&self) -> String {
        match self.prometheus_listen_addr.strip_prefix(':') {
            Some(port) => format!("0.0.0.0:{port}"),
            None => self.prometheus_listen_addr.clone(),
        }
    }
}

impl Default for NodeConfig {
    fn default() -> Self {
        Self {
            moniker: "agora-node".into(),
            rpc: RpcConfig::default(),
            consensus: ConsensusConfig::default(),
            mempool: MempoolConfig::default(),
            tx_index: TxIndexConfig::default(),
            instrumentation: InstrumentationConfig::default(),
        }
    }
}

impl Default for RpcConfig {
    fn default() -> Self {
        Self {
            laddr: "tcp://127.0.0.1:26657".parse().expect("valid address"),
            max_body_bytes: 1_000_000,
            max_subscription_clients: 100,
            max_subscriptions_per_client: 5,
            timeout_broadcast_tx_commit: Duration::from_secs(10).into(),

            cors_allowed_origins: Vec::new(),
            cors_allowed_methods: ["HEAD", "GET", "POST"].map(String::from).to_vec(),
            cors_allowed_headers: [
                "Origin",
                "Accept",
                "Content-Type",
                "X-Requested-With",
                "X-Server-Time",
            ]
            .map(String::from)
            .to_vec(),
            max_open_connections: 900,
            max_request_batch_size: 10,
            max_concurrent_requests: 64,
            timeout_write: Duration::from_secs(10).into(),
            timeout_idle: Duration::from_secs(60).into(),
            websocket_read_wait: Duration::from_secs(30).into(),
            websocket_write_buffer_bytes: 16 << 20,
            max_search_scan: 10_000,
        }
    }
}

impl Default for ConsensusConfig {
    fn default() -> Self {
        Self {
            timeout_commit: Duration::from_secs(1).into(),
        }
    }
}

impl Default for MempoolConfig {
    fn default() -> Self {
        Self {
            size: 5000,
            max_txs_bytes: 1 << 30,
            max_tx_bytes: 1 << 20,
            cache_size: 10_000,
            recheck: true,

            max_txs_per_sender: 100,
        }
    }
}

impl Default for TxIndexConfig {
    fn default() -> Self {
        Self {
            indexer: "kv".into(),
        }
    }
}

/// `app.toml`: the application's node-local settings (never consensus).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct AppToml {
    /// Minimum gas prices for this node's mempool, e.g. `0.025uagr`.
    pub minimum_gas_prices: String,
    /// `nothing` keeps every height; `custom` keeps `pruning-keep-recent`.
    pub pruning: String,
    /// Heights of state kept under `custom` pruning.
    pub pruning_keep_recent: String,
    /// Gas limit of each query and simulation; 0 means unbounded (the SDK's key and meaning).
    pub query_gas_limit: String,
    /// Recent committed heights kept as snapshots for queries at a past `height`.
    pub query_snapshots: String,
    /// Bytes of the state database's block cache.
    pub store_cache_bytes: String,
    /// Bytes the state database's memtables hold, across column families, before flushing.
    pub store_write_buffer_bytes: String,
    /// `[grpc]`: the gRPC server.
    pub grpc: GrpcToml,
    /// `[api]`: the REST (LCD) server.
    pub api: ApiToml,
}

/// app.toml `[api]` (the SDK's keys, on loopback; on by default, as the devnet wants it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct ApiToml {
    /// Whether `agorad start` serves the REST API.
    pub enable: bool,
    /// Where it listens (`tcp://` optional); port 0 picks a free port (the `REST listening
    /// addr=` log line names it).
    pub address: String,
    /// Whether any web origin may call it (CORS `*`): for browser wallets on a devnet.
    pub enabled_unsafe_cors: bool,
    /// Requests answered at once; more wait.
    pub max_open_connections: String,
    /// Largest request body in bytes.
    pub rpc_max_body_bytes: String,
}

impl Default for ApiToml {
    fn default() -> Self {
        Self {
            enable: true,
            address: "127.0.0.1:1317".into(),
            enabled_unsafe_cors: false,
            max_open_connections: "1000".into(),
            rpc_max_body_bytes: "1000000".into(),
        }
    }
}

impl ApiToml {
    /// The address to bind, without a `tcp://` scheme.
    pub fn bind_addr(&self) -> &str {
        self.address.trim_start_matches("tcp://")
    }

    /// The REST server's settings.
    pub fn settings(&self) -> Result<crate::rest::RestSettings> {
        Ok(crate::rest::RestSettings {
            max_concurrent_requests: self
                .max_open_connections
                .parse()
                .context("app.toml: [api] max-open-connections must be a whole number")?,
            max_body_bytes: self
                .rpc_max_body_bytes
                .parse()
                .context("app.toml: [api] rpc-max-body-bytes must be a whole number of bytes")?,
            unsafe_cors: self.enabled_unsafe_cors,
        })
    }
}

/// app.toml `[grpc]` (the SDK's keys and defaults, on loopback).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct GrpcToml {
    /// Whether `agorad start` serves gRPC.
    pub enable: bool,
    /// Where it listens; port 0 picks a free port (the `gRPC listening addr=` log line names it).
    pub address: String,
    /// Largest request message in bytes.
    pub max_recv_msg_size: String,
    /// Largest response message in bytes.
    pub max_send_msg_size: String,
}

impl Default for GrpcToml {
    fn default() -> Self {
        Self {
            enable: true,
            address: "127.0.0.1:9090".into(),
            max_recv_msg_size: (10 << 20).to_string(),
            max_send_msg_size: i32::MAX.to_string(),
        }
    }
}

impl Default for AppToml {
    fn default() -> Self {
        Self {
            minimum_gas_prices: "0uagr".into(),
            pruning: "nothing".into(),
            pruning_keep_recent: "0".into(),
            query_gas_limit: agora_app::config::DEFAULT_QUERY_GAS_LIMIT.to_string(),
            query_snapshots: agora_app::config::DEFAULT_QUERY_SNAPSHOTS.to_string(),
            store_cache_bytes: agora_app::AppConfig::default()
                .store_cache_bytes
                .to_string(),
            store_write_buffer_bytes: agora_app::AppConfig::default()
                .store_write_buffer_bytes
                .to_string(),
            grpc: GrpcToml::default(),
            api: ApiToml::default(),
        }
    }
}

impl AppToml {
    /// The gRPC server's settings (`[grpc]`), with what the node's Config service reports.
    pub fn grpc_settings(&self) -> Result<crate::grpc::GrpcSettings> {
        Ok(crate::grpc::GrpcSettings {
            max_recv_msg_size: self
                .grpc
                .max_recv_msg_size
                .parse()
                .context("app.toml: [grpc] max-recv-msg-size must be a whole number of bytes")?,
            max_send_msg_size: self
                .grpc
                .max_send_msg_size
                .parse()
                .context("app.toml: [grpc] max-send-msg-size must be a whole number of bytes")?,
            max_concurrent_requests: 256,
            minimum_gas_price: self.minimum_gas_prices.clone(),
            pruning_keep_recent: self.pruning_keep_recent.clone(),
        })
    }

    /// The application settings these lines describe.
    pub fn app_config(&self) -> Result<agora_app::AppConfig> {
        let keep_recent = match self.pruning.as_str() {
            "nothing" | "" => 0,
            "custom" => self
                .pruning_keep_recent
                .parse()
                .context("app.toml: pruning-keep-recent must be a whole number")?,
            other => anyhow::bail!("app.toml: pruning {other:?} is not one of nothing, custom"),
        };
        Ok(agora_app::AppConfig {
            min_gas_prices: agora_app::config::parse_gas_prices(&self.minimum_gas_prices)
                .map_err(|e| anyhow::anyhow!("app.toml: minimum-gas-prices: {e}"))?,
            keep_recent,
            query_gas_limit: self
                .query_gas_limit
                .parse()
                .context("app.toml: query-gas-limit must be a whole number (0 = unbounded)")?,
            query_snapshots: self
                .query_snapshots
                .parse()
                .context("app.toml: query-snapshots must be a whole number")?,
            store_cache_bytes: self
                .store_cache_bytes
                .parse()
                .context("app.toml: store-cache-bytes must be a whole number of bytes")?,
            store_write_buffer_bytes: self
                .store_write_buffer_bytes
                .parse()
                .context("app.toml: store-write-buffer-bytes must be a whole number of bytes")?,
            // Handlers come with the binary, skipped heights with `start`.
            upgrades: agora_upgrade::Upgrades::default(),
        })
    }
}

/// `client.toml`: defaults for client commands (the SDK's keys and names).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct ClientToml {
    /// The chain id client commands sign for.
    pub chain_id: String,
    /// `file` or `test`.
    pub keyring_backend: String,
    /// `text` or `json`.
    pub output: String,
    /// The node's RPC address.
    pub node: String,
    /// `sync` or `async`.
    pub broadcast_mode: String,
}

impl Default for ClientToml {
    fn default() -> Self {
        Self {
            chain_id: String::new(),
            keyring_backend: "file".into(),
            output: "text".into(),
            node: "tcp://localhost:26657".into(),
            broadcast_mode: "sync".into(),
        }
    }
}

/// Reads a TOML file; a missing file gives the defaults.
pub fn load<T: DeserializeOwned + Default>(path: &Path) -> Result<T> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            toml::from_str(&text).with_context(|| format!("cannot parse {}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Writes a TOML file.
pub fn save<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = toml::to_string_pretty(value)?;
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_toml_round_trips_with_cometbft_names() {
        let mut c = NodeConfig::default();
        c.consensus.timeout_commit = Duration::from_millis(100).into();
        let text = toml::to_string_pretty(&c).unwrap();
        assert!(text.contains("[consensus]"), "{text}");
        assert!(text.contains("laddr = \"tcp://127.0.0.1:26657\""), "{text}");
        let back: NodeConfig = toml::from_str(&text).unwrap();
        assert_eq!(*back.consensus.timeout_commit, Duration::from_millis(100));
        let partial: NodeConfig =
            toml::from_str("[consensus]\ntimeout_commit = \"250ms\"\n").unwrap();
        assert_eq!(
            *partial.consensus.timeout_commit,
            Duration::from_millis(250)
        );
        assert_eq!(partial.mempool.size, 5000);
    }

    #[test]
    fn app_toml_gives_app_config() {
        let a: AppToml = toml::from_str("minimum-gas-prices = \"0.025uagr\"\npruning = \"custom\"\npruning-keep-recent = \"100\"\n").unwrap();
        let c = a.app_config().unwrap();
        assert_eq!(c.keep_recent, 100);
        assert_eq!(c.min_gas_prices[0].1, "uagr");
        let bad: AppToml = toml::from_str("pruning = \"everything\"\n").unwrap();
        assert!(bad.app_config().is_err());
    }
}
