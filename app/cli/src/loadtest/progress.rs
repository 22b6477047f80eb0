//! The progress line, once a second on stderr: sent, accepted, rejected, committed, the
//! node's height and its mempool size (`num_unconfirmed_txs`).

use std::time::Instant;

use anyhow::{Context as _, Result};

use super::tracker::Counts;
use crate::client::rpc::http_url;

/// Prints progress and remembers the largest mempool seen.
pub struct Progress {
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    url: String,
    last: Option<(Instant, Counts)>,
    /// The largest mempool size seen.
    pub mempool_max: u64,
}

impl Progress {
    /// Progress for the node at `url`.
    pub fn new(url: &str) -> Result<Self> {
        Ok(Self {
            client: reqwest::Client::new(),
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")?,
            url: format!(
                "{}/num_unconfirmed_txs",
                http_url(url).trim_end_matches('/')
            ),
            last: None,
            mempool_max: 0,
        })
    }

    /// The node's mempool size (`num_unconfirmed_txs`, which tendermint-rpc does not offer).
    fn mempool(&self) -> Option<u64> {
        let text = self
            .runtime
            .block_on(async { self.client.get(&self.url).send().await?.text().await })
            .ok()?;
        let answer: serde_json::Value = serde_json::from_str(&text).ok()?;
        answer["result"]["total"].as_str()?.parse().ok()
    }

    /// Prints one line: `phase` and seconds since `start`, the counts and the rates since the
    /// last line.
    pub fn line(&mut self, phase: &str, start: Instant, counts: Counts, height: u64) {
        let now = Instant::now();
        let mempool = self.mempool();
        self.mempool_max = self.mempool_max.max(mempool.unwrap_or(0));
        let (at, last) = self.last.unwrap_or((start, Counts::default()));
        let secs = (now - at).as_secs_f64().max(1e-3);
        let sent_rate = (counts.sent - last.sent) as f64 / secs;
        let committed_rate = (counts.committed - last.committed) as f64 / secs;
        self.last = Some((now, counts));
        eprintln!(
            "loadtest {phase} {:>4.0}s: sent {} ({sent_rate:.0}/s), accepted {}, rejected {}, committed {} ({committed_rate:.0}/s), height {height}, mempool {}",
            (now - start).as_secs_f64(),
            counts.sent,
            counts.accepted,
            counts.rejected,
            counts.committed + counts.committed_failed,
            mempool.map_or("?".to_string(), |m| m.to_string()),
        );
    }
}
