//! The load test's results: counts, the committed rate over the measured window, inclusion
//! latency percentiles and block statistics.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::side::{SideOutcome, SideReport};
use super::tracker::{Counts, Timings};
use super::watcher::BlockSeen;

/// What `agorad loadtest` prints (`--output json`: this object on one line).
#[derive(Debug, Serialize)]
pub struct Report {
    /// The node's RPC address.
    pub node: String,
    /// The chain the txs were signed for.
    pub chain_id: String,
    /// Sending accounts.
    pub accounts: u32,
    /// Concurrent broadcast connections.
    pub connections: usize,
    /// The rate asked for, tx/s.
    pub target_tx_per_s: f64,
    /// How long txs were sent, seconds.
    pub duration_s: f64,
    /// The start of the run left out of rates and latencies, seconds.
    pub warmup_s: f64,
    /// Broadcasts made.
    pub sent: u64,
    /// Broadcasts made per second of the run.
    pub offered_tx_per_s: f64,
    /// Txs the node accepted (CheckTx passed).
    pub accepted: u64,
    /// Txs refused by the mempool, CheckTx or the connection.
    pub rejected: u64,
    /// Refusals by reason (numbers replaced by N).
    pub rejected_by_reason: BTreeMap<String, u64>,
    /// Txs seen committed with result code 0.
    pub committed: u64,
    /// Txs seen committed with a non-zero result code.
    pub committed_failed: u64,
    /// Accepted txs not seen in a block by the end of the drain.
    pub not_committed: u64,
    /// The measured window (after warm-up, until sending stopped), seconds.
    pub window_s: f64,
    /// Committed txs per second over the window, between the first and last block seen in it.
    pub committed_tx_per_s: f64,
    /// Inclusion latency of the txs due in the window: from when the pacer wanted each sent
    /// (so time queued in the client counts) until the client saw it committed.
    pub latency_ms: Latency,
    /// Of that, time queued in the client while every connection waited for the node.
    pub send_lag_ms: Latency,
    /// `broadcast_tx_sync` round trips (CheckTx, and any wait for the app lock).
    pub broadcast_ms: Latency,
    /// Blocks first seen in the window.
    pub blocks: usize,
    /// Mean txs per block over those blocks.
    pub mean_txs_per_block: f64,
    /// Intervals between the header times of consecutive blocks seen in the window.
    pub block_interval_ms: Latency,
    /// The largest mempool size seen by the progress line.
    pub mempool_max: u64,
    /// Balance queries sent alongside (`--query-rate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queries: Option<SideReport>,
    /// The `tx_search` flood sent alongside (`--search-flood`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub searches: Option<SideReport>,
}

/// Percentiles of a time, milliseconds (nearest rank).
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Latency {
    /// Txs measured.
    pub samples: usize,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest.
    pub max: f64,
}

impl Latency {
    /// Percentiles of `latencies` (any order).
    pub fn of(mut latencies: Vec<Duration>) -> Self {
        latencies.sort_unstable();
        let ms = |d: Duration| round(d.as_secs_f64() * 1000.0, 1);
        Self {
            samples: latencies.len(),
            p50: ms(percentile(&latencies, 50.0)),
            p90: ms(percentile(&latencies, 90.0)),
            p99: ms(percentile(&latencies, 99.0)),
            max: ms(latencies.last().copied().unwrap_or_default()),
        }
    }
}

/// The `p`-th percentile (0 < p <= 100) of sorted values by nearest rank; zero when empty.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Blocks over a measured window.
#[derive(Debug, PartialEq)]
pub struct BlockStats {
    /// Our committed txs per second.
    pub committed_tx_per_s: f64,
    /// Blocks first seen in the window.
    pub blocks: usize,
    /// Mean txs per block (all txs) over them.
    pub mean_txs_per_block: f64,
    /// Intervals between their header times.
    pub interval_ms: Latency,
}

impl BlockStats {
    /// Statistics of the blocks first seen within `[from, to]`. With two or more, the rate is
    /// the txs of all but the first over the time between the first and the last (so the
    /// window's edges do not cut a block interval in part); otherwise the window's txs over
    /// its length.
    pub fn over(blocks: &[BlockSeen], from: Instant, to: Instant) -> Self {
        let inside: Vec<&BlockSeen> = blocks
            .iter()
            .filter(|b| b.seen_at >= from && b.seen_at <= to)
            .collect();
        let all_txs: usize = inside.iter().map(|b| b.txs).sum();
        let committed_tx_per_s = match inside.as_slice() {
            [first, .., last] if last.seen_at > first.seen_at => {
                let ours: usize = inside[1..].iter().map(|b| b.ours).sum();
                ours as f64 / (last.seen_at - first.seen_at).as_secs_f64()
            }
            _ => {
                let ours: usize = inside.iter().map(|b| b.ours).sum();
                ours as f64 / (to - from).as_secs_f64().max(f64::EPSILON)
            }
        };
        let intervals = inside
            .windows(2)
            .map(|pair| {
                pair[1]
                    .time
                    .duration_since(pair[0].time)
                    .unwrap_or_default()
            })
            .collect();
        Self {
            committed_tx_per_s: round(committed_tx_per_s, 1),
            interval_ms: Latency::of(intervals),
            blocks: inside.len(),
            mean_txs_per_block: if inside.is_empty() {
                0.0
            } else {
                round(all_txs as f64 / inside.len() as f64, 1)
            },
        }
    }
}

/// Everything the report is made of, besides the blocks and latencies.
pub struct Run {
    /// The node's RPC address.
    pub node: String,
    /// The chain id.
    pub chain_id: String,
    /// Sending accounts.
    pub accounts: u32,
    /// Broadcast connections.
    pub connections: usize,
    /// Target rate, tx/s.
    pub rate: f64,
    /// Sending time.
    pub duration: Duration,
    /// Warm-up.
    pub warmup: Duration,
    /// Final counts.
    pub counts: Counts,
    /// Refusals by reason.
    pub reasons: BTreeMap<String, u64>,
    /// Largest mempool seen.
    pub mempool_max: u64,
    /// The side load's reports.
    pub side: SideOutcome,
}

impl Report {
    /// The report of `run`, whose measured window gave `blocks` and `timings`.
    pub fn new(run: Run, blocks: BlockStats, timings: Timings) -> Self {
        let c = run.counts;
        let secs = run.duration.as_secs_f64();
        Self {
            node: run.node,
            chain_id: run.chain_id,
            accounts: run.accounts,
            connections: run.connections,
            target_tx_per_s: run.rate,
            duration_s: round(secs, 3),
            warmup_s: round(run.warmup.as_secs_f64(), 3),
            sent: c.sent,
            offered_tx_per_s: round(c.sent as f64 / secs, 1),
            accepted: c.accepted,
            rejected: c.rejected,
            rejected_by_reason: run.reasons,
            committed: c.committed,
            committed_failed: c.committed_failed,
            not_committed: c.accepted.saturating_sub(c.committed + c.committed_failed),
            window_s: round(secs - run.warmup.as_secs_f64(), 3),
            committed_tx_per_s: blocks.committed_tx_per_s,
            latency_ms: Latency::of(timings.inclusion),
            send_lag_ms: Latency::of(timings.send_lag),
            broadcast_ms: Latency::of(timings.broadcast),
            blocks: blocks.blocks,
            mean_txs_per_block: blocks.mean_txs_per_block,
            block_interval_ms: blocks.interval_ms,
            mempool_max: run.mempool_max,
            queries: run.side.queries,
            searches: run.side.searches,
        }
    }
}

fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&sorted, 50.0), ms(50));
        assert_eq!(percentile(&sorted, 99.0), ms(99));
        assert_eq!(percentile(&sorted, 100.0), ms(100));
        assert_eq!(percentile(&[ms(7)], 50.0), ms(7));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
        let latency = Latency::of(vec![ms(300), ms(100), ms(200), ms(1000)]);
        assert_eq!(
            latency,
            Latency {
                samples: 4,
                p50: 200.0,
                p90: 1000.0,
                p99: 1000.0,
                max: 1000.0
            }
        );
    }

    #[test]
    fn the_rate_runs_from_the_first_to_the_last_block_of_the_window() {
        let t0 = Instant::now();
        let genesis = tendermint::Time::unix_epoch();
        let block = |at, txs| BlockSeen {
            seen_at: t0 + ms(at),
            time: (genesis + ms(at)).unwrap(),
            txs,
            ours: txs,
        };
        let blocks = [
            block(500, 999),
            block(1_100, 400),
            block(2_100, 1_000),
            block(3_100, 1_200),
            block(4_500, 5),
        ];
        let stats = BlockStats::over(&blocks, t0 + ms(1_000), t0 + ms(4_000));
        assert_eq!(
            stats,
            BlockStats {
                committed_tx_per_s: 1_100.0,
                blocks: 3,
                mean_txs_per_block: 866.7,
                interval_ms: Latency::of(vec![ms(1_000), ms(1_000)]),
            }
        );
        let one = BlockStats::over(&blocks, t0 + ms(2_000), t0 + ms(3_000));
        assert_eq!(one.committed_tx_per_s, 1_000.0);
        assert_eq!(BlockStats::over(&blocks, t0, t0 + ms(100)).blocks, 0);
    }
}
