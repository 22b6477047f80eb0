//! Reads alongside the tx load, to show whether they slow blocks down: balance queries at a
//! fixed rate (`--query-rate`, open loop like the txs, over the API `--query-api` names) and a flood of `tx_search` requests that
//! no index answers (`--search-flood`, sent as fast as the node answers them, from the end of
//! the warm-up).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use serde::Serialize;
use tendermint_rpc::{query::Query, Client as _, Order};

use super::balance::{BalanceClient, QueryApi};
use super::pacing::Pacer;
use super::report::Latency;
use super::tracker::reason;
use crate::client::rpc::Rpc;

/// The side load of a run.
pub struct SideLoad<'a> {
    /// The node's RPC address.
    pub url: &'a str,
    /// Addresses whose balances are queried, round robin.
    pub addresses: Vec<String>,
    /// The denom queried.
    pub denom: String,
    /// Balance queries per second (0: none).
    pub query_rate: f64,
    /// The API the balance queries go to.
    pub query_api: QueryApi,
    /// That API's address.
    pub query_endpoint: String,
    /// How many `tx_search` requests to flood (0: none).
    pub search_flood: u64,
    /// The height the searches scan from (the load's start).
    pub search_from_height: u64,
    /// Connections for each kind of request.
    pub connections: usize,
}

/// What one kind of side request saw, over the requests due after the warm-up.
#[derive(Debug, Default, Serialize)]
pub struct SideReport {
    /// The API asked (balance queries only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<QueryApi>,
    /// Requests made.
    pub sent: u64,
    /// Requests the node answered without an error.
    pub answered: u64,
    /// Requests that failed, by reason (numbers replaced by N).
    pub failed_by_reason: BTreeMap<String, u64>,
    /// Due (or, for the flood, sent) to answered.
    pub latency_ms: Latency,
}

/// The side load's reports: `None` for a kind not asked for.
#[derive(Debug, Default)]
pub struct SideOutcome {
    /// The balance queries.
    pub queries: Option<SideReport>,
    /// The `tx_search` flood.
    pub searches: Option<SideReport>,
}

/// Requests timed so far, shared by the workers of one kind.
#[derive(Default)]
struct Samples {
    report: Mutex<SideReport>,
    latencies: Mutex<Vec<Duration>>,
}

impl Samples {
    fn record(&self, took: Duration, measured: bool, result: Result<()>) {
        let mut report = self.report.lock().expect("side report lock");
        report.sent += 1;
        match result {
            Ok(()) => report.answered += 1,
            Err(e) => {
                *report
                    .failed_by_reason
                    .entry(reason(&format!("{e:#}")))
                    .or_default() += 1
            }
        }
        if measured {
            self.latencies.lock().expect("latencies lock").push(took);
        }
    }

    fn finish(self) -> SideReport {
        let mut report = self.report.into_inner().expect("side report lock");
        report.latency_ms = Latency::of(self.latencies.into_inner().expect("latencies lock"));
        report
    }
}

impl SideLoad<'_> {
    /// Runs the side load from `start` until `start + duration` or `stop`.
    pub fn run(
        &self,
        start: Instant,
        duration: Duration,
        warmup: Duration,
        stop: &AtomicBool,
    ) -> Result<SideOutcome> {
        let (queries, searches) = (Samples::default(), Samples::default());
        let end = start + duration;
        let (next_query, next_search) = (AtomicU64::new(0), AtomicU64::new(0));
        std::thread::scope(|s| {
            let mut workers = Vec::new();
            for _ in 0..self.connections {
                if self.query_rate > 0.0 {
                    workers.push(s.spawn(|| {
                        self.query_worker(start, end, warmup, &next_query, &queries, stop)
                    }));
                }
                if self.search_flood > 0 {
                    workers.push(s.spawn(|| {
                        self.search_worker(start + warmup, end, &next_search, &searches, stop)
                    }));
                }
            }
            workers.into_iter().try_for_each(|w| {
                w.join()
                    .map_err(|_| anyhow!("a side load thread panicked"))?
            })
        })?;
        Ok(SideOutcome {
            queries: (self.query_rate > 0.0).then(|| SideReport {
                api: Some(self.query_api),
                ..queries.finish()
            }),
            searches: (self.search_flood > 0).then(|| searches.finish()),
        })
    }

    /// Balance queries, each at its pacer time; latency from that time, so queueing counts.
    fn query_worker(
        &self,
        start: Instant,
        end: Instant,
        warmup: Duration,
        next: &AtomicU64,
        samples: &Samples,
        stop: &AtomicBool,
    ) -> Result<()> {
        let mut client = BalanceClient::connect(self.query_api, &self.query_endpoint)?;
        let pacer = Pacer::new(self.query_rate);
        loop {
            let n = next.fetch_add(1, Ordering::SeqCst);
            let due = start + pacer.due_at(n);
            if due >= end || stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
            let address = &self.addresses[n as usize % self.addresses.len()];
            let result = client.balance(address, &self.denom);
            samples.record(due.elapsed(), due >= start + warmup, result);
        }
    }

    /// `tx_search` requests one after another until the flood is sent; latency per request.
    fn search_worker(
        &self,
        from: Instant,
        end: Instant,
        next: &AtomicU64,
        samples: &Samples,
        stop: &AtomicBool,
    ) -> Result<()> {
        let rpc = Rpc::new(self.url)?;
        // CONTAINS is never answered by an index: every tx from the start height is scanned.
        let query: Query = format!(
            "tx.height >= {} AND message.module CONTAINS 'bank'",
            self.search_from_height
        )
        .parse()
        .map_err(|e| anyhow!("the flood's tx_search query: {e}"))?;
        std::thread::sleep(from.saturating_duration_since(Instant::now()));
        while next.fetch_add(1, Ordering::SeqCst) < self.search_flood
            && Instant::now() < end
            && !stop.load(Ordering::SeqCst)
        {
            let sent = Instant::now();
            let result = rpc
                .call(|c| c.tx_search(query.clone(), false, 1, 30, Order::Descending))
                .map(drop);
            samples.record(sent.elapsed(), true, result);
        }
        Ok(())
    }
}
