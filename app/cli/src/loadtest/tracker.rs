//! What happened to each tx sent: accepted or refused (and why), and when the client first
//! saw it in a committed block.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A tx's hash: SHA-256 of its bytes, as CometBFT names txs.
pub type TxHash = [u8; 32];

struct Sent {
    due: Instant,
    sent: Instant,
    answered: Option<Instant>,
    accepted: bool,
    included: Option<Instant>,
}

/// Counts over every tx sent so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Broadcasts made.
    pub sent: u64,
    /// Accepted into the mempool (CheckTx passed).
    pub accepted: u64,
    /// Refused by the mempool, CheckTx or the connection.
    pub rejected: u64,
    /// Seen in a committed block with result code 0.
    pub committed: u64,
    /// Seen in a committed block with a non-zero result code.
    pub committed_failed: u64,
}

/// Per-tx times of the txs due within a window.
#[derive(Debug, Default, PartialEq)]
pub struct Timings {
    /// Due (the pacer's time) to first seen in a committed block, for included txs.
    pub inclusion: Vec<Duration>,
    /// Due to the broadcast's start: time queued in the client behind busy connections.
    pub send_lag: Vec<Duration>,
    /// The broadcast's start to the node's answer (`broadcast_tx_sync` round trip).
    pub broadcast: Vec<Duration>,
}

#[derive(Default)]
struct Inner {
    txs: HashMap<TxHash, Sent>,
    counts: Counts,
    reasons: BTreeMap<String, u64>,
}

/// Shared by the senders and the block watcher.
#[derive(Default)]
pub struct Tracker {
    inner: Mutex<Inner>,
}

impl Tracker {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("tracker lock")
    }

    /// A broadcast of `hash`, due at `due`, starts at `sent` (recorded before the node
    /// answers, so a block seen first is matched all the same).
    pub fn sent(&self, hash: TxHash, due: Instant, sent: Instant) {
        let mut inner = self.lock();
        inner.counts.sent += 1;
        inner.txs.insert(
            hash,
            Sent {
                due,
                sent,
                answered: None,
                accepted: false,
                included: None,
            },
        );
    }

    /// The node answered the broadcast of `hash` at `at`: accepted into its mempool, or
    /// refused (by the node or the connection) for `refusal`.
    pub fn answered(&self, hash: &TxHash, at: Instant, refusal: Option<String>) {
        let mut inner = self.lock();
        let accepted = refusal.is_none();
        if let Some(tx) = inner.txs.get_mut(hash) {
            tx.answered = Some(at);
            tx.accepted = accepted;
        }
        match refusal {
            None => inner.counts.accepted += 1,
            Some(reason) => {
                inner.counts.rejected += 1;
                *inner.reasons.entry(reason).or_default() += 1;
            }
        }
    }

    /// `hash` is in a block first seen `at`, with result code 0 if `ok`; false if it is not
    /// one of ours (or was already seen).
    pub fn included(&self, hash: &TxHash, at: Instant, ok: bool) -> bool {
        let mut inner = self.lock();
        let Some(tx) = inner.txs.get_mut(hash).filter(|tx| tx.included.is_none()) else {
            return false;
        };
        tx.included = Some(at);
        if ok {
            inner.counts.committed += 1;
        } else {
            inner.counts.committed_failed += 1;
        }
        true
    }

    /// The counts so far.
    pub fn counts(&self) -> Counts {
        self.lock().counts
    }

    /// Accepted txs not yet seen in a block.
    pub fn pending(&self) -> u64 {
        let inner = self.lock();
        inner
            .txs
            .values()
            .filter(|tx| tx.accepted && tx.included.is_none())
            .count() as u64
    }

    /// Refusals by reason.
    pub fn reasons(&self) -> BTreeMap<String, u64> {
        self.lock().reasons.clone()
    }

    /// The times of every tx due within `[from, to]`.
    pub fn timings(&self, from: Instant, to: Instant) -> Timings {
        let inner = self.lock();
        let mut timings = Timings::default();
        for tx in inner
            .txs
            .values()
            .filter(|tx| tx.due >= from && tx.due <= to)
        {
            timings
                .send_lag
                .push(tx.sent.saturating_duration_since(tx.due));
            if let Some(at) = tx.answered {
                timings
                    .broadcast
                    .push(at.saturating_duration_since(tx.sent));
            }
            if let Some(at) = tx.included {
                timings.inclusion.push(at.saturating_duration_since(tx.due));
            }
        }
        timings
    }
}

/// A refusal reason with its numbers replaced by `N`, so refusals that differ only in
/// heights, sequences or sizes count together.
pub fn reason(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_number = false;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('N');
            }
            in_number = true;
        } else {
            out.push(c);
            in_number = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txs_are_counted_once_and_timed_from_when_they_were_due() {
        let tracker = Tracker::default();
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        tracker.sent([1; 32], at(0), at(5));
        tracker.sent([2; 32], at(10), at(10));
        tracker.sent([3; 32], at(20), at(20));
        tracker.answered(&[1; 32], at(7), None);
        tracker.answered(&[2; 32], at(11), None);
        let full = reason("mempool is full: number of txs 5000 (max: 5000)");
        tracker.answered(&[3; 32], at(21), Some(full));
        assert_eq!(tracker.pending(), 2);
        assert!(tracker.included(&[1; 32], at(500), true));
        assert!(!tracker.included(&[1; 32], at(500), true));
        assert!(!tracker.included(&[9; 32], at(500), true));
        assert!(tracker.included(&[2; 32], at(500), false));
        assert_eq!(
            tracker.counts(),
            Counts {
                sent: 3,
                accepted: 2,
                rejected: 1,
                committed: 1,
                committed_failed: 1
            }
        );
        assert_eq!(tracker.pending(), 0);
        let mut timings = tracker.timings(at(0), at(15));
        timings.inclusion.sort();
        timings.send_lag.sort();
        timings.broadcast.sort();
        let ms = Duration::from_millis;
        assert_eq!(
            timings,
            Timings {
                inclusion: vec![ms(490), ms(500)],
                send_lag: vec![ms(0), ms(5)],
                broadcast: vec![ms(1), ms(2)],
            }
        );
        assert_eq!(
            tracker.reasons().into_iter().collect::<Vec<_>>(),
            [("mempool is full: number of txs N (max: N)".to_string(), 1)]
        );
    }
}
