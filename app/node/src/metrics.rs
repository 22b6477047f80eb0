//! Prometheus metrics: CometBFT's names for what CometBFT reports (`cometbft_consensus_*`,
//! `cometbft_mempool_*`, labelled `chain_id` as CometBFT labels them) and Agora's own
//! timings (`agora_*`), served as OpenMetrics text at `/metrics` on
//! `[instrumentation] prometheus_listen_addr` when `prometheus = true`.
//!
//! Gauges throughout where CometBFT's exposition has no `_total` suffix (its go-kit counters
//! `total_txs` and `failed_txs` keep their bare names that way).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use axum::http::header::CONTENT_TYPE;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use tendermint::Time;

use crate::Node;

/// The OpenMetrics content type Prometheus negotiates for this text.
const CONTENT: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Durations from 1 ms to ~16 s.
fn seconds_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The label of a per-method histogram.
type MethodLabel = Vec<(&'static str, &'static str)>;
type GrpcLabel = Vec<(&'static str, String)>;

/// Every metric the node reports, and the registry that encodes them.
pub struct Metrics {
    registry: Registry,
    height: Gauge,
    num_txs: Gauge,
    total_txs: Gauge,
    block_interval: Histogram,
    block_size: Gauge,
    validators: Gauge,
    validators_power: Gauge,
    mempool_size: Gauge,
    mempool_tx_size: Histogram,
    mempool_failed: Gauge,
    block_execution: Histogram,
    commit: Histogram,
    checktx: Histogram,
    rpc: Family<MethodLabel, Histogram, fn() -> Histogram>,
    grpc: Family<GrpcLabel, Histogram, fn() -> Histogram>,
    rest: Family<GrpcLabel, Histogram, fn() -> Histogram>,
    last_block_time: Mutex<Option<Time>>,
}

/// What the engine reports of each committed block.
pub struct BlockReport {
    /// Its height.
    pub height: u64,
    /// Its header time.
    pub time: Time,
    /// Its txs.
    pub txs: usize,
    /// Its protobuf size in bytes.
    pub size_bytes: usize,
    /// The validators (and their total power) that signed it.
    pub validators: usize,
    /// Their total voting power.
    pub power: u64,
    /// Txs left in the mempool after its recheck.
    pub mempool: usize,
    /// FinalizeBlock's duration.
    pub execution: Duration,
    /// Commit's duration.
    pub commit: Duration,
}

impl Metrics {
    /// The metrics of a node of chain `chain_id`, all zero.
    pub fn new(chain_id: &str) -> Self {
        let label = [("chain_id".into(), chain_id.to_string().into())];
        let mut registry = Registry::with_labels(label.into_iter());
        let metrics = Self {
            height: Gauge::default(),
            num_txs: Gauge::default(),
            total_txs: Gauge::default(),
            block_interval: Histogram::new(exponential_buckets(0.1, 1.5, 12)),
            block_size: Gauge::default(),
            validators: Gauge::default(),
            validators_power: Gauge::default(),
            mempool_size: Gauge::default(),
            mempool_tx_size: Histogram::new(exponential_buckets(64.0, 4.0, 10)),
            mempool_failed: Gauge::default(),
            block_execution: seconds_buckets(),
            commit: seconds_buckets(),
            checktx: seconds_buckets(),
            rpc: Family::new_with_constructor(seconds_buckets),
            grpc: Family::new_with_constructor(seconds_buckets),
            rest: Family::new_with_constructor(seconds_buckets),
            last_block_time: Mutex::new(None),
            registry: Registry::default(),
        };
        let cometbft = registry.sub_registry_with_prefix("cometbft");
        let consensus = cometbft.sub_registry_with_prefix("consensus");
        consensus.register("height", "Height of the chain", metrics.height.clone());
        consensus.register(
            "num_txs",
            "Txs in the latest block",
            metrics.num_txs.clone(),
        );
        consensus.register(
            "total_txs",
            "Txs committed since the node started",
            metrics.total_txs.clone(),
        );
        consensus.register(
            "block_interval_seconds",
            "Time between this block and the previous one (header times)",
            metrics.block_interval.clone(),
        );
        consensus.register(
            "block_size_bytes",
            "Size of the latest block",
            metrics.block_size.clone(),
        );
        consensus.register(
            "validators",
            "Validators of the latest block",
            metrics.validators.clone(),
        );
        consensus.register(
            "validators_power",
            "Their total voting power",
            metrics.validators_power.clone(),
        );
        let mempool = cometbft.sub_registry_with_prefix("mempool");
        mempool.register("size", "Txs in the mempool", metrics.mempool_size.clone());
        mempool.register(
            "tx_size_bytes",
            "Sizes of txs CheckTx accepted",
            metrics.mempool_tx_size.clone(),
        );
        mempool.register(
            "failed_txs",
            "Txs CheckTx refused since the node started",
            metrics.mempool_failed.clone(),
        );
        let agora = registry.sub_registry_with_prefix("agora");
        agora.register(
            "block_execution_seconds",
            "FinalizeBlock's duration",
            metrics.block_execution.clone(),
        );
        agora.register(
            "commit_seconds",
            "Commit's duration",
            metrics.commit.clone(),
        );
        agora.register(
            "checktx_seconds",
            "CheckTx's duration (decode, signatures, ante handler)",
            metrics.checktx.clone(),
        );
        agora.register(
            "rpc_request_seconds",
            "CometBFT JSON-RPC requests' durations, by method",
            metrics.rpc.clone(),
        );
        agora.register(
            "grpc_request_seconds",
            "gRPC requests' durations, by method path (\"unknown\" for paths not served)",
            metrics.grpc.clone(),
        );
        agora.register(
            "rest_request_seconds",
            "REST (LCD) requests' durations, by route template (\"unknown\" for paths not served)",
            metrics.rest.clone(),
        );
        Self {
            registry,
            ..metrics
        }
    }

    /// Records a committed block.
    pub fn block(&self, report: &BlockReport) {
        self.height.set(report.height as i64);
        self.num_txs.set(report.txs as i64);
        self.total_txs.inc_by(report.txs as i64);
        self.block_size.set(report.size_bytes as i64);
        self.validators.set(report.validators as i64);
        self.validators_power.set(report.power as i64);
        self.mempool_size.set(report.mempool as i64);
        self.block_execution.observe(report.execution.as_secs_f64());
        self.commit.observe(report.commit.as_secs_f64());
        let mut last = self.last_block_time.lock().expect("metrics lock poisoned");
        if let Some(previous) = last.replace(report.time) {
            if let Ok(interval) = report.time.duration_since(previous) {
                self.block_interval.observe(interval.as_secs_f64());
            }
        }
    }

    /// Records one CheckTx of a `size`-byte tx that took `took`, accepted or not, leaving
    /// `mempool` txs pending.
    pub fn checktx(&self, size: usize, took: Duration, accepted: bool, mempool: usize) {
        self.checktx.observe(took.as_secs_f64());
        if accepted {
            self.mempool_tx_size.observe(size as f64);
        } else {
            self.mempool_failed.inc();
        }
        self.mempool_size.set(mempool as i64);
    }

    /// Records one JSON-RPC request of `method` that took `took`.
    pub fn rpc(&self, method: &'static str, took: Duration) {
        self.rpc
            .get_or_create(&vec![("method", method)])
            .observe(took.as_secs_f64());
    }

    /// Records one gRPC request of the method at `path` that took `took`.
    pub fn grpc_request(&self, path: &str, took: Duration) {
        self.grpc
            .get_or_create(&vec![("method", path.to_string())])
            .observe(took.as_secs_f64());
    }

    /// Records one REST request of the route `template` that took `took`.
    pub fn rest_request(&self, template: &str, took: Duration) {
        self.rest
            .get_or_create(&vec![("route", template.to_string())])
            .observe(took.as_secs_f64());
    }

    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        encode(&mut text, &self.registry).expect("writing to a String cannot fail");
        text
    }
}

/// Serves `GET /metrics` of `node` on `listener` until the process ends.
pub async fn serve(node: Arc<Node>, listener: tokio::net::TcpListener) -> Result<()> {
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let node = node.clone();
            async move { ([(CONTENT_TYPE, CONTENT)], node.metrics.encode()) }
        }),
    );
    axum::serve(listener, app).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_checks_and_requests_show_under_cometbfts_names() {
        let metrics = Metrics::new("agora-1");
        let report = |height: u64, seconds: i64| BlockReport {
            height,
            time: Time::from_unix_timestamp(seconds, 0).unwrap(),
            txs: 3,
            size_bytes: 900,
            validators: 2,
            power: 30,
            mempool: 1,
            execution: Duration::from_millis(20),
            commit: Duration::from_millis(5),
        };
        metrics.block(&report(7, 100));
        metrics.block(&report(8, 102));
        metrics.checktx(250, Duration::from_millis(1), true, 4);
        metrics.checktx(250, Duration::from_millis(1), false, 4);
        metrics.rpc("status", Duration::from_millis(2));
        let text = metrics.encode();
        for line in [
            "cometbft_consensus_height{chain_id=\"agora-1\"} 8",
            "cometbft_consensus_total_txs{chain_id=\"agora-1\"} 6",
            "cometbft_consensus_validators_power{chain_id=\"agora-1\"} 30",
            "cometbft_consensus_block_interval_seconds_count{chain_id=\"agora-1\"} 1",
            "cometbft_consensus_block_interval_seconds_sum{chain_id=\"agora-1\"} 2.0",
            "cometbft_mempool_size{chain_id=\"agora-1\"} 4",
            "cometbft_mempool_failed_txs{chain_id=\"agora-1\"} 1",
            "agora_block_execution_seconds_count{chain_id=\"agora-1\"} 2",
            "agora_rpc_request_seconds_count{chain_id=\"agora-1\",method=\"status\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
        }
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
