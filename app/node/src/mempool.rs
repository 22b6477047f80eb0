//! The mempool: txs that passed CheckTx, in arrival order, under count and byte caps, with a
//! cache of recently seen hashes that rejects duplicates.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use crate::blockstore::tx_hash;
use crate::config::MempoolConfig;

/// Why a tx was refused before CheckTx ran. The messages are CometBFT's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MempoolError {
    /// Larger than `max_tx_bytes`.
    #[error("tx too large. Max size is {max}, but got {got}")]
    TooLarge {
        /// The limit.
        max: usize,
        /// The tx's size.
        got: usize,
    },
    /// `size` txs or `max_txs_bytes` bytes are already held.
    #[error("mempool is full: number of txs {txs} (max: {max_txs}), total txs bytes {bytes} (max: {max_bytes})")]
    Full {
        /// Txs held.
        txs: usize,
        /// Most txs.
        max_txs: usize,
        /// Bytes held.
        bytes: u64,
        /// Most bytes.
        max_bytes: u64,
    },
    /// Seen recently (pending or committed).
    #[error("tx already exists in cache")]
    Duplicate,
}

struct Entry {
    tx: Vec<u8>,
    gas_wanted: i64,
}

/// Pending txs. Not thread-safe by itself; the node keeps it behind a lock.
pub struct Mempool {
    config: MempoolConfig,
    entries: BTreeMap<u64, Entry>,
    by_hash: HashMap<[u8; 32], u64>,
    bytes: u64,
    next_seq: u64,
    seen: HashSet<[u8; 32]>,
    seen_order: VecDeque<[u8; 32]>,
}

impl Mempool {
    /// An empty mempool with these limits.
    pub fn new(config: MempoolConfig) -> Self {
        Self {
            config,
            entries: BTreeMap::new(),
            by_hash: HashMap::new(),
            bytes: 0,
            next_seq: 0,
            seen: HashSet::new(),
            seen_order: VecDeque::new(),
        }
    }

    /// Checks the size, capacity and duplicate rules and, if they pass, remembers the tx's hash
    /// so a concurrent duplicate is refused while CheckTx runs.
    pub fn precheck(&mut self, tx: &[u8]) -> Result<[u8; 32], MempoolError> {
        if tx.len() > self.config.max_tx_bytes {
            return Err(MempoolError::TooLarge {
                max: self.config.max_tx_bytes,
                got: tx.len(),
            });
        }
        if self.entries.len() >= self.config.size
            || self.bytes + tx.len() as u64 > self.config.max_txs_bytes
        {
            return Err(MempoolError::Full {
                txs: self.entries.len(),
                max_txs: self.config.size,
                bytes: self.bytes,
                max_bytes: self.config.max_txs_bytes,
            });
        }
        let hash = tx_hash(tx);
        if !self.remember(hash) {
            return Err(MempoolError::Duplicate);
        }
        Ok(hash)
    }

    /// Adds `hash` to the seen cache; false if it was already there.
    fn remember(&mut self, hash: [u8; 32]) -> bool {
        if !self.seen.insert(hash) {
            return false;
        }
        self.seen_order.push_back(hash);
        while self.seen_order.len() > self.config.cache_size.max(1) {
            if let Some(old) = self.seen_order.pop_front() {
                self.seen.remove(&old);
            }
        }
        true
    }

    /// Forgets a hash whose CheckTx failed, so the tx may be sent again once it is valid.
    pub fn forget(&mut self, hash: &[u8; 32]) {
        if self.seen.remove(hash) {
            self.seen_order.retain(|h| h != hash);
        }
    }

    /// Adds a tx that passed CheckTx.
    pub fn insert(&mut self, hash: [u8; 32], tx: Vec<u8>, gas_wanted: i64) {
        if self.by_hash.contains_key(&hash) {
            return;
        }
        self.bytes += tx.len() as u64;
        self.entries.insert(self.next_seq, Entry { tx, gas_wanted });
        self.by_hash.insert(hash, self.next_seq);
        self.next_seq += 1;
    }

    /// Txs in arrival order up to `max_bytes` total bytes and `max_gas` total gas wanted
    /// (-1 means no limit), for the next proposal.
    pub fn reap(&self, max_bytes: i64, max_gas: i64) -> Vec<Vec<u8>> {
        let (mut bytes, mut gas) = (0i64, 0i64);
        let mut txs = Vec::new();
        for entry in self.entries.values() {
            let size = entry.tx.len() as i64;
            if max_bytes >= 0 && bytes + size > max_bytes {
                break;
            }
            if max_gas >= 0 && gas.saturating_add(entry.gas_wanted) > max_gas {
                break;
            }
            bytes += size;
            gas = gas.saturating_add(entry.gas_wanted);
            txs.push(entry.tx.clone());
        }
        txs
    }

    /// Removes txs by hash (committed ones, or ones that failed recheck).
    pub fn remove(&mut self, hashes: impl IntoIterator<Item = [u8; 32]>) {
        for hash in hashes {
            if let Some(seq) = self.by_hash.remove(&hash) {
                if let Some(entry) = self.entries.remove(&seq) {
                    self.bytes -= entry.tx.len() as u64;
                }
            }
        }
    }

    /// Removes committed txs and keeps their hashes cached, so a replay is refused.
    pub fn remove_committed(&mut self, txs: &[Vec<u8>]) {
        let hashes: Vec<[u8; 32]> = txs.iter().map(|tx| tx_hash(tx)).collect();
        for hash in &hashes {
            self.remember(*hash);
        }
        self.remove(hashes);
    }

    /// The pending txs in arrival order, at most `limit`.
    pub fn txs(&self, limit: usize) -> Vec<Vec<u8>> {
        self.entries
            .values()
            .take(limit)
            .map(|e| e.tx.clone())
            .collect()
    }

    /// How many txs are pending.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes over all pending txs.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// True if recheck is configured.
    pub fn recheck_enabled(&self) -> bool {
        self.config.recheck
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(size: usize, max_txs_bytes: u64) -> Mempool {
        Mempool::new(MempoolConfig {
            size,
            max_txs_bytes,
            max_tx_bytes: 100,
            cache_size: 3,
            recheck: true,
        })
    }

    fn add(m: &mut Mempool, tx: &[u8]) -> Result<(), MempoolError> {
        let hash = m.precheck(tx)?;
        m.insert(hash, tx.to_vec(), 10);
        Ok(())
    }

    #[test]
    fn enforces_caps_and_duplicates() {
        let mut m = pool(2, 1000);
        add(&mut m, b"a").unwrap();
        assert_eq!(add(&mut m, b"a"), Err(MempoolError::Duplicate));
        add(&mut m, b"b").unwrap();
        assert!(matches!(
            add(&mut m, b"c"),
            Err(MempoolError::Full { txs: 2, .. })
        ));
        assert!(matches!(
            m.precheck(&[0; 101]),
            Err(MempoolError::TooLarge { max: 100, got: 101 })
        ));
        let mut small = pool(10, 3);
        add(&mut small, b"xy").unwrap();
        assert!(matches!(
            add(&mut small, b"zw"),
            Err(MempoolError::Full { .. })
        ));
    }

    #[test]
    fn reaps_in_order_within_limits_and_forgets_committed() {
        let mut m = pool(10, 1000);
        for tx in [b"t1", b"t2", b"t3"] {
            add(&mut m, tx).unwrap();
        }
        assert_eq!(m.reap(4, -1), vec![b"t1".to_vec(), b"t2".to_vec()]);
        assert_eq!(m.reap(-1, 25), vec![b"t1".to_vec(), b"t2".to_vec()]);
        m.remove_committed(&[b"t1".to_vec()]);
        assert_eq!(m.len(), 2);
        assert_eq!(m.bytes(), 4);
        assert_eq!(add(&mut m, b"t1"), Err(MempoolError::Duplicate));
        let failed = m.precheck(b"bad").unwrap();
        m.forget(&failed);
        assert!(m.precheck(b"bad").is_ok());
    }
}
