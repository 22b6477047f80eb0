//! The load phase: sign every tx, then run the dispatcher, senders and block watcher threads
//! with a progress line once a second, and drain after sending stops.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Mutex};
use std::thread::{self, ScopedJoinHandle};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};

use super::pacing::Pacer;
use super::progress::Progress;
use super::send::{broadcast, Dispatch};
use super::sequences::Sequences;
use super::setup::LoadAccount;
use super::side::{SideLoad, SideOutcome};
use super::signer::LoadSigner;
use super::tracker::Tracker;
use super::watcher::{BlockSeen, Watch};

/// What the load phase needs.
pub struct Load<'a> {
    /// The node's RPC address.
    pub url: &'a str,
    /// The funded accounts.
    pub accounts: &'a [LoadAccount],
    /// Their sequences.
    pub sequences: &'a Sequences,
    /// The chain id to sign for.
    pub chain_id: &'a str,
    /// Each tx's fee.
    pub fee: &'a [(String, u128)],
    /// Each tx's gas limit.
    pub gas: u64,
    /// Target tx/s.
    pub rate: f64,
    /// How long to send.
    pub duration: Duration,
    /// The start of the run left out of the measurement.
    pub warmup: Duration,
    /// Reads sent alongside the txs.
    pub side: &'a SideLoad<'a>,
    /// Broadcast connections.
    pub connections: usize,
    /// How long to wait after sending for accepted txs to commit.
    pub drain_timeout: Duration,
    /// The node's height before the load: blocks after it are watched.
    pub start_height: u64,
}

/// What the load phase saw.
pub struct Outcome {
    /// When sending started.
    pub start: Instant,
    /// Blocks committed after the start height.
    pub blocks: Vec<BlockSeen>,
    /// The largest mempool size seen.
    pub mempool_max: u64,
    /// What the side load saw.
    pub side: SideOutcome,
}

impl Load<'_> {
    /// Runs the load and the drain; `tracker` records every tx.
    pub fn run(&self, tracker: &Tracker) -> Result<Outcome> {
        let signer = LoadSigner {
            accounts: self.accounts,
            sequences: self.sequences,
            chain_id: self.chain_id,
            fee: self.fee,
            gas: self.gas,
        };
        let pacer = Pacer::new(self.rate);
        let total = pacer.total(self.duration);
        eprintln!("loadtest: signing {total} txs ahead");
        let presigned = signer.presign(total)?;
        eprintln!(
            "loadtest: sending {} tx/s for {} s over {} connections",
            self.rate,
            self.duration.as_secs_f64(),
            self.connections
        );
        let (jobs, queue) = mpsc::channel();
        let queue = Mutex::new(queue);
        let stop = AtomicBool::new(false);
        let height = AtomicU64::new(self.start_height);
        let mut progress = Progress::new(self.url)?;
        thread::scope(|s| {
            let watch = Watch {
                url: self.url,
                tracker,
                stop: &stop,
                height: &height,
            };
            let watcher = s.spawn(move || watch.run());
            let senders: Vec<_> = (0..self.connections)
                .map(|_| s.spawn(|| broadcast(self.url, &queue, tracker, self.sequences)))
                .collect();
            let start = Instant::now();
            let dispatch = Dispatch {
                pacer,
                start,
                presigned,
                signer: &signer,
                jobs,
                sequences: self.sequences,
                stop: &stop,
            };
            let dispatcher = s.spawn(move || dispatch.run());
            let stopping = &stop;
            let side = s.spawn(move || self.side.run(start, self.duration, self.warmup, stopping));
            let mut report = |phase: &str| {
                let h = height.load(Ordering::SeqCst);
                progress.line(phase, start, tracker.counts(), h);
            };
            let sending = || {
                !dispatcher.is_finished()
                    || !side.is_finished()
                    || senders.iter().any(|t| !t.is_finished())
            };
            let mut ticker = Ticker {
                next: start + Duration::from_secs(1),
            };
            ticker.every_second(|| sending() && !watcher.is_finished(), || report("sending"));
            // The watcher only ends early on an error: stop sending and report it.
            stop.store(watcher.is_finished(), Ordering::SeqCst);
            let sent = join(dispatcher).and_then(|()| senders.into_iter().try_for_each(join));
            let side = join(side);
            let deadline = Instant::now() + self.drain_timeout;
            ticker.every_second(
                || tracker.pending() > 0 && Instant::now() < deadline && !watcher.is_finished(),
                || report("draining"),
            );
            stop.store(true, Ordering::SeqCst);
            let blocks = join(watcher)?;
            sent?;
            Ok(Outcome {
                start,
                blocks,
                mempool_max: progress.mempool_max,
                side: side?,
            })
        })
    }
}

/// Whole seconds since a start, for the progress line.
struct Ticker {
    next: Instant,
}

impl Ticker {
    /// Calls `tick` at each whole second (counted from the start) while `running` holds.
    fn every_second(&mut self, running: impl Fn() -> bool, mut tick: impl FnMut()) {
        while running() {
            let now = Instant::now();
            if now >= self.next {
                tick();
                self.next += Duration::from_secs(1);
            }
            thread::sleep(Duration::from_millis(20).min(self.next.saturating_duration_since(now)));
        }
    }
}

fn join<T>(thread: ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    thread
        .join()
        .map_err(|_| anyhow!("a load test thread panicked"))?
}
