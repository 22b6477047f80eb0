//! Watching committed blocks: ask for `block_results` at the next height until the node has
//! it (a refused height costs the node next to nothing, unlike `status`, which reads the
//! latest block), then read `block` and match its txs against those sent.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use sha2::{Digest, Sha256};
use tendermint::block::Height;
use tendermint_rpc::Client as _;

use super::tracker::Tracker;
use crate::client::rpc::Rpc;

/// How often the next height is asked for; inclusion is seen this much late at most.
const POLL: Duration = Duration::from_millis(20);
/// How long the node may stay unreachable before the run is abandoned.
const GIVE_UP: Duration = Duration::from_secs(10);

/// A committed block as the client first saw it.
#[derive(Debug, Clone)]
pub struct BlockSeen {
    /// When the client first saw it committed.
    pub seen_at: Instant,
    /// Its header time (the previous block's commit time).
    pub time: tendermint::Time,
    /// Txs in it.
    pub txs: usize,
    /// Txs in it that this run sent.
    pub ours: usize,
}

/// A block watcher.
pub struct Watch<'a> {
    /// The node's RPC address.
    pub url: &'a str,
    /// The txs sent.
    pub tracker: &'a Tracker,
    /// Set to stop watching.
    pub stop: &'a AtomicBool,
    /// The latest height seen (start it at the height to watch after).
    pub height: &'a AtomicU64,
}

impl Watch<'_> {
    /// Watches until stopped; returns the blocks seen after the starting height.
    pub fn run(&self) -> Result<Vec<BlockSeen>> {
        let rpc = Rpc::new(self.url)?;
        let mut blocks = Vec::new();
        let mut failing_since: Option<Instant> = None;
        while !self.stop.load(Ordering::SeqCst) {
            let height = self.height.load(Ordering::SeqCst) + 1;
            match self.read(&rpc, height) {
                Ok(Some(block)) => {
                    blocks.push(block);
                    self.height.store(height, Ordering::SeqCst);
                    failing_since = None;
                    continue;
                }
                Ok(None) => failing_since = None,
                Err(e) => {
                    let since = *failing_since.get_or_insert_with(Instant::now);
                    if since.elapsed() > GIVE_UP {
                        return Err(e.context("lost the node while watching blocks"));
                    }
                }
            }
            std::thread::sleep(POLL);
        }
        Ok(blocks)
    }

    /// The block at `height`, matched against the txs sent; `None` if not committed yet.
    fn read(&self, rpc: &Rpc, height: u64) -> Result<Option<BlockSeen>> {
        let h = Height::try_from(height).map_err(|e| anyhow!("height {height}: {e}"))?;
        let results = match rpc.call(|c| c.block_results(h)) {
            Ok(results) => results.txs_results.unwrap_or_default(),
            Err(e) if e.to_string().contains("must be less than or equal to") => return Ok(None),
            Err(e) => return Err(e),
        };
        let seen_at = Instant::now();
        let block = rpc.call(|c| c.block(h))?.block;
        let mut ours = 0;
        for (i, tx) in block.data.iter().enumerate() {
            let ok = results.get(i).is_some_and(|r| r.code.is_ok());
            if self
                .tracker
                .included(&Sha256::digest(tx).into(), seen_at, ok)
            {
                ours += 1;
            }
        }
        Ok(Some(BlockSeen {
            seen_at,
            time: block.header.time,
            txs: block.data.len(),
            ours,
        }))
    }
}
