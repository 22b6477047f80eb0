//! Immutable views of one committed height that outlive the lock block execution holds.
//!
//! Queries, simulations and the node's API servers read a [`Snapshot`]: a RocksDB snapshot of
//! the `latest` column family taken right after a height was applied, so a commit landing while
//! a query runs changes nothing the query sees, and the query never waits for it.

use std::sync::Arc;

use anyhow::Result;
use cosmwasm_std::{Order, Record, Storage};
use rocksdb::{SnapshotWithThreadMode, DB};

use crate::db::Db;
use crate::proof::Proven;
use crate::store::{check_retained, Store};
use crate::tree::TreeStore;
use crate::view::latest_range;

const READ_ONLY: &str = "a committed snapshot is read-only: write through a cache layer";

/// The state of one committed height, readable from any thread without the store.
///
/// Flat-key reads (`Storage`) see exactly that height. [`Snapshot::get_at`] and
/// [`Snapshot::prove_at`] read the versioned trees, which also answer older retained heights.
pub struct Snapshot {
    // Declared before `db` so it is dropped first: it borrows the database `db` keeps alive.
    snap: SnapshotWithThreadMode<'static, DB>,
    db: Arc<Db>,
    height: u64,
    app_hash: [u8; 32],
    earliest: u64,
    keep_recent: u64,
}

impl Store {
    /// A snapshot of the last committed height.
    pub fn snapshot(&self) -> Snapshot {
        let snap = self.db.db.snapshot();
        // SAFETY: the snapshot borrows the `DB` inside `self.db`, an `Arc` whose heap allocation
        // never moves; `Snapshot` holds a clone of that `Arc` and drops `snap` before it, so the
        // database outlives every use of the snapshot.
        let snap = unsafe {
            std::mem::transmute::<SnapshotWithThreadMode<'_, DB>, SnapshotWithThreadMode<'static, DB>>(
                snap,
            )
        };
        Snapshot {
            snap,
            db: self.db.clone(),
            height: self.height,
            app_hash: self.app_hash,
            earliest: self.earliest,
            keep_recent: self.opts.keep_recent,
        }
    }
}

impl Snapshot {
    /// The committed height this snapshot shows.
    pub fn height(&self) -> u64 {
        self.height
    }

    /// The app hash of that height.
    pub fn app_hash(&self) -> [u8; 32] {
        self.app_hash
    }

    /// A module key's value at a retained height up to this snapshot's (from the versioned trees).
    pub fn get_at(&self, module: &str, key: &[u8], height: u64) -> Result<Option<Vec<u8>>> {
        check_retained(height, self.height, self.earliest, self.keep_recent)?;
        let tree = crate::store::substore_tree(module)?;
        TreeStore::new(&self.db, &tree).value_at(key, height)
    }

    /// A module key's value (or absence) at a retained height with its two ICS-23 proofs.
    pub fn prove_at(&self, module: &str, key: &[u8], height: u64) -> Result<Proven> {
        check_retained(height, self.height, self.earliest, self.keep_recent)?;
        crate::proof::prove(&self.db, module, key, height)
    }
}

impl Storage for Snapshot {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.snap
            .get_cf(self.db.latest(), key)
            .unwrap_or_else(|e| panic!("reading the state database failed: {e}"))
    }

    fn range<'a>(
        &'a self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'a> {
        latest_range(start, end, order, |bounds, mode| {
            self.snap.iterator_cf_opt(self.db.latest(), bounds, mode)
        })
    }

    fn set(&mut self, _key: &[u8], _value: &[u8]) {
        panic!("{READ_ONLY}");
    }

    fn remove(&mut self, _key: &[u8]) {
        panic!("{READ_ONLY}");
    }
}
