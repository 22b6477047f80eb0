//! The mempool: txs that passed CheckTx, ordered by gas price (priority) and, per sender, by
//! sequence, under count, byte and per-sender caps, with a cache of recently seen hashes that
//! rejects duplicates.
//!
//! A tx's priority is the fee it pays in the bond denom per unit of gas limit, in integer
//! math, scaled by [`PRIORITY_SCALE`] so that fractional gas prices (`0.025uagr`) still order
//! txs (the SDK's `getTxPriority` truncates them all to 0). Its sender is its first signer (by
//! public key) and its nonce that signer's sequence. [`Mempool::reap`] takes the
//! highest-priority tx whose sender has no earlier tx pending, so each sender's txs stay in
//! sequence order. When the mempool is full, a new tx evicts the lowest-priority txs (with
//! their senders' later txs, which could no longer execute) only if it pays strictly more;
//! otherwise it is refused with CometBFT's "mempool is full".

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, VecDeque};

use agora_app::tx::DecodedTx;

use crate::blockstore::tx_hash;
use crate::config::MempoolConfig;

/// Priorities are fee (bond denom) x `PRIORITY_SCALE` / gas limit.
pub const PRIORITY_SCALE: u128 = 1_000_000;

/// Why a tx was refused. The messages are CometBFT's (the per-sender cap has no CometBFT
/// equivalent).
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
    /// `size` txs or `max_txs_bytes` bytes are already held, and the tx does not pay more
    /// than the txs it would have to evict.
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
    /// The sender already has `max_txs_per_sender` txs pending.
    #[error(
        "sender has too many txs in the mempool: {held} (max: {max}, mempool.max_txs_per_sender)"
    )]
    SenderFull {
        /// The sender's pending txs.
        held: usize,
        /// `max_txs_per_sender`.
        max: usize,
    },
    /// Seen recently (pending or committed).
    #[error("tx already exists in cache")]
    Duplicate,
}

/// Who sent a tx: its first signer's public key (or the tx hash when it carries none).
type Sender = Vec<u8>;

/// How a tx ranks: its priority, sender and nonce, read from its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rank {
    priority: u128,
    sender: Sender,
    nonce: u64,
}

impl Rank {
    /// The rank of `tx`; a tx that does not decode ranks lowest, as its own sender.
    fn of(tx: &[u8]) -> Self {
        match DecodedTx::decode(tx) {
            Ok(decoded) => {
                let fee: u128 = decoded
                    .fee
                    .iter()
                    .filter(|c| c.denom == agora_core::BOND_DENOM)
                    .map(|c| c.amount)
                    .sum();
                let priority = match decoded.gas_limit {
                    0 => 0,
                    gas => fee.saturating_mul(PRIORITY_SCALE) / u128::from(gas),
                };
                let first = decoded.signers.first();
                let sender = first
                    .and_then(|s| s.pub_key.clone())
                    .or_else(|| decoded.fee_payer.map(|p| p.to_string().into_bytes()))
                    .unwrap_or_else(|| decoded.hash.to_vec());
                Self {
                    priority,
                    sender,
                    nonce: first.map_or(0, |s| s.sequence),
                }
            }
            Err(_) => Self {
                priority: 0,
                sender: tx_hash(tx).to_vec(),
                nonce: 0,
            },
        }
    }
}

struct Entry {
    tx: Vec<u8>,
    gas_wanted: i64,
    rank: Rank,
    /// Arrival order: among equal priorities the earlier tx goes first and is evicted last.
    seq: u64,
}

/// Pending txs. Not thread-safe by itself; the node keeps it behind a lock.
pub struct Mempool {
    config: MempoolConfig,
    entries: HashMap<[u8; 32], Entry>,
    /// Each sender's txs by (nonce, arrival).
    by_sender: HashMap<Sender, BTreeMap<(u64, u64), [u8; 32]>>,
    /// Every tx by (priority, newest first): the first is the next to evict.
    by_priority: BTreeSet<(u128, Reverse<u64>, [u8; 32])>,
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
            entries: HashMap::new(),
            by_sender: HashMap::new(),
            by_priority: BTreeSet::new(),
            bytes: 0,
            next_seq: 0,
            seen: HashSet::new(),
            seen_order: VecDeque::new(),
        }
    }

    fn full_error(&self) -> MempoolError {
        MempoolError::Full {
            txs: self.entries.len(),
            max_txs: self.config.size,
            bytes: self.bytes,
            max_bytes: self.config.max_txs_bytes,
        }
    }

    /// Checks the size, capacity, per-sender and duplicate rules and, if they pass,
    /// remembers the tx's hash so a concurrent duplicate is refused while CheckTx runs. A
    /// full mempool refuses here, before CheckTx, a tx that could not evict anything.
    pub fn precheck(&mut self, tx: &[u8]) -> Result<[u8; 32], MempoolError> {
        if tx.len() > self.config.max_tx_bytes {
            return Err(MempoolError::TooLarge {
                max: self.config.max_tx_bytes,
                got: tx.len(),
            });
        }
        let full = self.entries.len() >= self.config.size
            || self.bytes + tx.len() as u64 > self.config.max_txs_bytes;
        if full || self.config.max_txs_per_sender > 0 {
            let rank = Rank::of(tx);
            self.check_sender(&rank)?;
            if full {
                self.evictions(&rank, tx.len())?;
            }
        }
        let hash = tx_hash(tx);
        if !self.remember(hash) {
            return Err(MempoolError::Duplicate);
        }
        Ok(hash)
    }

    fn check_sender(&self, rank: &Rank) -> Result<(), MempoolError> {
        let max = self.config.max_txs_per_sender;
        let held = self.by_sender.get(&rank.sender).map_or(0, BTreeMap::len);
        if max > 0 && held >= max {
            return Err(MempoolError::SenderFull { held, max });
        }
        Ok(())
    }

    /// The txs to evict so a tx of `len` bytes ranked `rank` fits: the lowest-priority ones
    /// (each with its sender's later txs), all paying strictly less than it. `Full` if no
    /// such set makes room.
    fn evictions(&self, rank: &Rank, len: usize) -> Result<Vec<[u8; 32]>, MempoolError> {
        let fits = |txs: usize, bytes: u64| {
            txs < self.config.size && bytes + len as u64 <= self.config.max_txs_bytes
        };
        let (mut txs, mut bytes) = (self.entries.len(), self.bytes);
        let mut evicted: Vec<[u8; 32]> = Vec::new();
        let mut chosen = HashSet::new();
        for (priority, _, hash) in &self.by_priority {
            if fits(txs, bytes) {
                break;
            }
            if chosen.contains(hash) {
                continue;
            }
            if *priority >= rank.priority {
                return Err(self.full_error());
            }
            let entry = &self.entries[hash];
            if entry.rank.sender == rank.sender && entry.rank.nonce < rank.nonce {
                // Evicting an earlier tx of the same sender would strand the new one.
                return Err(self.full_error());
            }
            let later = self.by_sender[&entry.rank.sender]
                .range((entry.rank.nonce, entry.seq)..)
                .map(|(_, h)| *h);
            for h in later {
                if chosen.insert(h) {
                    txs -= 1;
                    bytes -= self.entries[&h].tx.len() as u64;
                    evicted.push(h);
                }
            }
        }
        if fits(txs, bytes) {
            Ok(evicted)
        } else {
            Err(self.full_error())
        }
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

    /// Adds a tx that passed CheckTx. CheckTx runs without the mempool lock, so the caps are
    /// checked again here: a full mempool evicts lower-priority txs (their hashes are
    /// forgotten, so they may be sent again) or refuses this one. Returns the evicted hashes.
    pub fn try_insert(
        &mut self,
        hash: [u8; 32],
        tx: Vec<u8>,
        gas_wanted: i64,
    ) -> Result<Vec<[u8; 32]>, MempoolError> {
        if self.entries.contains_key(&hash) {
            return Ok(Vec::new());
        }
        let rank = Rank::of(&tx);
        self.check_sender(&rank)?;
        let evicted = self.evictions(&rank, tx.len())?;
        self.remove(evicted.iter().copied());
        for h in &evicted {
            self.forget(h);
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.bytes += tx.len() as u64;
        self.by_priority.insert((rank.priority, Reverse(seq), hash));
        self.by_sender
            .entry(rank.sender.clone())
            .or_default()
            .insert((rank.nonce, seq), hash);
        self.entries.insert(
            hash,
            Entry {
                tx,
                gas_wanted,
                rank,
                seq,
            },
        );
        Ok(evicted)
    }

    /// Pending txs, highest priority first with each sender's txs in sequence order.
    fn ordered(&self) -> impl Iterator<Item = &Entry> + '_ {
        // Each sender's next tx, best first: (priority, earliest arrival).
        let mut heads: BinaryHeap<(u128, Reverse<u64>, &[u8; 32])> = BinaryHeap::new();
        let mut cursors: HashMap<
            &Sender,
            std::collections::btree_map::Values<'_, (u64, u64), [u8; 32]>,
        > = HashMap::new();
        for (sender, txs) in &self.by_sender {
            let mut cursor = txs.values();
            if let Some(hash) = cursor.next() {
                let e = &self.entries[hash];
                heads.push((e.rank.priority, Reverse(e.seq), hash));
            }
            cursors.insert(sender, cursor);
        }
        std::iter::from_fn(move || {
            let (_, _, hash) = heads.pop()?;
            let entry = &self.entries[hash];
            if let Some(next) = cursors.get_mut(&entry.rank.sender).and_then(Iterator::next) {
                let e = &self.entries[next];
                heads.push((e.rank.priority, Reverse(e.seq), next));
            }
            Some(entry)
        })
    }

    /// Txs for the next proposal, highest priority first (each sender's in sequence order),
    /// up to `max_bytes` total bytes and `max_gas` total gas wanted (-1 means no limit).
    pub fn reap(&self, max_bytes: i64, max_gas: i64) -> Vec<Vec<u8>> {
        let (mut bytes, mut gas) = (0i64, 0i64);
        let mut txs = Vec::new();
        for entry in self.ordered() {
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
            let Some(entry) = self.entries.remove(&hash) else {
                continue;
            };
            self.bytes -= entry.tx.len() as u64;
            self.by_priority
                .remove(&(entry.rank.priority, Reverse(entry.seq), hash));
            if let Some(txs) = self.by_sender.get_mut(&entry.rank.sender) {
                txs.remove(&(entry.rank.nonce, entry.seq));
                if txs.is_empty() {
                    self.by_sender.remove(&entry.rank.sender);
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

    /// The pending txs in reaping order, at most `limit`.
    pub fn txs(&self, limit: usize) -> Vec<Vec<u8>> {
        self.ordered().take(limit).map(|e| e.tx.clone()).collect()
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
    use agora_app::testing::{bank_send, Signer, TestKey, TxSpec};

    fn pool(size: usize, max_txs_bytes: u64) -> Mempool {
        Mempool::new(MempoolConfig {
            size,
            max_txs_bytes,
            max_tx_bytes: 100,
            cache_size: 3,
            recheck: true,
            max_txs_per_sender: 0,
        })
    }

    fn add(m: &mut Mempool, tx: &[u8]) -> Result<(), MempoolError> {
        let hash = m.precheck(tx)?;
        m.try_insert(hash, tx.to_vec(), 10).map(|_| ())
    }

    /// A signed send from `key` at `sequence` paying `fee` uagr for 100,000 gas.
    fn signed(key: &TestKey, sequence: u64, fee: u128) -> Vec<u8> {
        let mut spec = TxSpec::new(
            "mempool-test",
            vec![bank_send(&key.address, &key.address, 1)],
            Signer {
                key,
                account_number: 0,
                sequence,
            },
        );
        spec.fee = vec![(agora_core::BOND_DENOM, fee)];
        spec.gas_limit = 100_000;
        spec.sign()
    }

    fn signed_pool(size: usize, per_sender: usize) -> Mempool {
        Mempool::new(MempoolConfig {
            size,
            max_txs_per_sender: per_sender,
            ..MempoolConfig::default()
        })
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
    fn reaps_within_limits_and_forgets_committed() {
        let mut m = pool(10, 1000);
        for tx in [b"t1", b"t2", b"t3"] {
            add(&mut m, tx).unwrap();
        }
        assert_eq!(m.reap(4, -1).len(), 2);
        assert_eq!(m.reap(-1, 25).len(), 2);
        m.remove_committed(&[b"t1".to_vec()]);
        assert_eq!(m.len(), 2);
        assert_eq!(m.bytes(), 4);
        assert_eq!(add(&mut m, b"t1"), Err(MempoolError::Duplicate));
        let failed = m.precheck(b"bad").unwrap();
        m.forget(&failed);
        assert!(m.precheck(b"bad").is_ok());
    }

    #[test]
    fn reaps_by_gas_price_keeping_each_senders_sequence() {
        let (a, b, c) = (
            TestKey::from_seed(1),
            TestKey::from_seed(2),
            TestKey::from_seed(3),
        );
        let mut m = signed_pool(100, 0);
        let a0 = signed(&a, 0, 1_000);
        let a1 = signed(&a, 1, 90_000);
        let b0 = signed(&b, 0, 50_000);
        let c0 = signed(&c, 0, 5_000);
        // Arrival order is deliberately not priority order.
        for tx in [&c0, &a1, &a0, &b0] {
            add(&mut m, tx).unwrap();
        }
        // b0 pays most among heads; a1 pays more than c0 but must wait for a0.
        assert_eq!(
            m.reap(-1, -1),
            vec![b0.clone(), c0.clone(), a0.clone(), a1.clone()]
        );
        assert_eq!(m.txs(2), vec![b0, c0]);
        assert_eq!(Rank::of(&a1).priority, 90_000 * PRIORITY_SCALE / 100_000);
    }

    #[test]
    fn a_full_mempool_evicts_only_for_a_higher_gas_price() {
        let keys: Vec<TestKey> = (10..14).map(TestKey::from_seed).collect();
        let mut m = signed_pool(2, 0);
        let cheap = signed(&keys[0], 0, 1_000);
        let cheap_next = signed(&keys[0], 1, 100_000);
        let mid = signed(&keys[1], 0, 10_000);
        add(&mut m, &cheap).unwrap();
        add(&mut m, &mid).unwrap();
        // Paying no more than the cheapest: refused, before CheckTx.
        let same = signed(&keys[2], 0, 1_000);
        assert!(matches!(
            m.precheck(&same),
            Err(MempoolError::Full { txs: 2, .. })
        ));
        // Paying more evicts the cheapest, whose hash is forgotten.
        let rich = signed(&keys[3], 0, 20_000);
        let hash = m.precheck(&rich).unwrap();
        assert_eq!(
            m.try_insert(hash, rich.clone(), 10).unwrap(),
            vec![tx_hash(&cheap)]
        );
        assert_eq!(m.reap(-1, -1), vec![rich.clone(), mid.clone()]);
        assert!(m.precheck(&cheap).is_err(), "full, and cheap pays least");
        // A re-check at insert: room taken while CheckTx ran is not double-booked.
        let mut m = signed_pool(2, 0);
        add(&mut m, &cheap).unwrap();
        add(&mut m, &cheap_next).unwrap();
        let h1 = m.precheck(&mid).unwrap();
        let h2 = m.precheck(&rich).unwrap();
        // mid evicts cheap and, with it, cheap_next (which could no longer execute).
        assert_eq!(m.try_insert(h1, mid.clone(), 10).unwrap().len(), 2);
        m.try_insert(h2, rich.clone(), 10).unwrap();
        assert_eq!(m.len(), 2);
        let poorer = signed(&keys[2], 0, 5_000);
        let h3 = tx_hash(&poorer);
        assert!(matches!(
            m.try_insert(h3, poorer, 10),
            Err(MempoolError::Full { .. })
        ));
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn each_sender_has_a_cap() {
        let (a, b) = (TestKey::from_seed(20), TestKey::from_seed(21));
        let mut m = signed_pool(100, 2);
        add(&mut m, &signed(&a, 0, 1)).unwrap();
        add(&mut m, &signed(&a, 1, 1)).unwrap();
        let third = signed(&a, 2, 1);
        assert_eq!(
            m.precheck(&third),
            Err(MempoolError::SenderFull { held: 2, max: 2 })
        );
        assert_eq!(
            m.try_insert(tx_hash(&third), third, 10),
            Err(MempoolError::SenderFull { held: 2, max: 2 })
        );
        add(&mut m, &signed(&b, 0, 1)).unwrap();
        assert_eq!(m.len(), 3);
    }
}
