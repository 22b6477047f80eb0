//! Sending: a dispatcher hands signed txs out at the pacer's times; senders, one connection
//! each, broadcast them with `broadcast_tx_sync` and record the node's verdict.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{anyhow, Result};
use tendermint_rpc::Client as _;

use super::pacing::Pacer;
use super::sequences::{expected_sequence, Sequences};
use super::signer::{LoadSigner, Signed};
use super::tracker::{reason, Tracker};
use crate::client::rpc::Rpc;

/// A signed tx and when the pacer wanted it sent.
pub struct Job {
    /// The tx.
    pub tx: Signed,
    /// When it was due.
    pub due: Instant,
}

/// Where the dispatcher takes txs from and hands them to.
pub struct Dispatch<'a> {
    /// The rate.
    pub pacer: Pacer,
    /// When the run started.
    pub start: Instant,
    /// Every tx of the run, signed before the start, in sending order.
    pub presigned: Vec<Signed>,
    /// Signs again the txs of accounts set back since they were signed.
    pub signer: &'a LoadSigner<'a>,
    /// The senders' queue.
    pub jobs: Sender<Job>,
    /// To drop txs whose account was set back since they were signed.
    pub sequences: &'a Sequences,
    /// Set to end the run early.
    pub stop: &'a AtomicBool,
}

impl Dispatch<'_> {
    /// Hands out every presigned tx, each at its time (at once when late); a tx whose
    /// account was set back since it was signed is signed again first.
    pub fn run(self) -> Result<()> {
        let total = self.presigned.len() as u64;
        let mut txs = self.presigned.into_iter();
        let mut handed = 0;
        while handed < total && !self.stop.load(Ordering::SeqCst) {
            let due = self.pacer.due(self.start.elapsed()).min(total);
            while handed < due {
                let tx = txs.next().ok_or_else(|| anyhow!("ran out of signed txs"))?;
                let tx = if self.sequences.is_current(tx.account, tx.epoch) {
                    tx
                } else {
                    self.signer.sign_next(tx.account)
                };
                let job = Job {
                    tx,
                    due: self.start + self.pacer.due_at(handed),
                };
                self.jobs
                    .send(job)
                    .map_err(|_| anyhow!("the senders stopped"))?;
                handed += 1;
            }
            let next = self.start + self.pacer.due_at(handed);
            std::thread::sleep(next.saturating_duration_since(Instant::now()));
        }
        Ok(())
    }
}

/// Broadcasts txs from `jobs` until it is closed and empty, over one connection.
pub fn broadcast(
    url: &str,
    jobs: &Mutex<Receiver<Job>>,
    tracker: &Tracker,
    sequences: &Sequences,
) -> Result<()> {
    let rpc = Rpc::new(url)?;
    loop {
        let Ok(Job { tx, due }) = jobs.lock().expect("jobs lock").recv() else {
            return Ok(());
        };
        tracker.sent(tx.hash, due, Instant::now());
        let answer = rpc.call(|c| c.broadcast_tx_sync(tx.bytes));
        let refusal = match answer {
            Ok(answer) if answer.code.is_ok() => None,
            Ok(answer) => {
                let expected = expected_sequence(&answer.log);
                sequences.refused(tx.account, tx.sequence, tx.epoch, expected);
                Some(format!(
                    "{} code {}: {}",
                    answer.codespace,
                    answer.code.value(),
                    answer.log
                ))
            }
            Err(e) => {
                sequences.refused(tx.account, tx.sequence, tx.epoch, None);
                Some(format!("{e:#}"))
            }
        };
        tracker.answered(&tx.hash, Instant::now(), refusal.as_deref().map(reason));
    }
}
