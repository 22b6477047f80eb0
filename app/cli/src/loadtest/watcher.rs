//! Watching committed blocks: poll `status` and, at each new height, read `block` and
//! `block_results` and match the block's txs against those sent.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use sha2::{Digest, Sha256};
use tendermint::block::Height;
use tendermint_rpc::Client as _;

use super::tracker::Tracker;
use crate::client::rpc::Rpc;

/// How often the node's height is polled; inclusion is seen this much late at most.
const POLL: Duration = Duration::from_millis(20);
/// How long the node may stay unreachable before the run is abandoned.
const GIVE_UP: Duration = Duration::from_secs(10);

/// A committed block as the client first saw it.
#[derive(Debug, Clone)]
pub struct BlockSeen {
    /// When the client first saw it committed.
    pub seen_at: Instant,
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
            match self.catch_up(&rpc, &mut blocks) {
                Ok(()) => failing_since = None,
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

    /// Reads every block committed since the last one seen.
    fn catch_up(&self, rpc: &Rpc, blocks: &mut Vec<BlockSeen>) -> Result<()> {
        let latest = rpc
            .call(|c| c.status())?
            .sync_info
            .latest_block_height
            .value();
        let seen_at = Instant::now();
        while self.height.load(Ordering::SeqCst) < latest {
            let height = self.height.load(Ordering::SeqCst) + 1;
            blocks.push(self.read(rpc, height, seen_at)?);
            self.height.store(height, Ordering::SeqCst);
        }
        Ok(())
    }

    fn read(&self, rpc: &Rpc, height: u64, seen_at: Instant) -> Result<BlockSeen> {
        let h = Height::try_from(height).map_err(|e| anyhow!("height {height}: {e}"))?;
        let block = rpc.call(|c| c.block(h))?.block;
        let results = rpc
            .call(|c| c.block_results(h))?
            .txs_results
            .unwrap_or_default();
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
        Ok(BlockSeen {
            seen_at,
            txs: block.data.len(),
            ours,
        })
    }
}
