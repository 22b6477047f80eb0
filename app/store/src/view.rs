//! The read-only view of the latest committed state over flat keys.

use cosmwasm_std::{Order, Record, Storage};
use rocksdb::{DBIteratorWithThreadMode, IteratorMode, ReadOptions, DB};

use crate::db::Db;
use crate::store::Store;

const READ_ONLY: &str = "the committed store's latest view is read-only: write through a cache \
                         layer, whose net writes reach the store at Commit";

/// The latest committed value of every flat key, read from the plain `latest` column family
/// (no Merkle tree on this path). Database errors panic: the `Storage` trait cannot return them
/// and the node cannot run on a failing disk.
pub struct LatestView<'a> {
    db: &'a Db,
}

impl Store {
    /// A read view of the latest committed state over flat keys.
    pub fn latest(&self) -> LatestView<'_> {
        LatestView { db: &self.db }
    }
}

impl Storage for LatestView<'_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.db
            .db
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
            self.db.db.iterator_cf_opt(self.db.latest(), bounds, mode)
        })
    }

    fn set(&mut self, _key: &[u8], _value: &[u8]) {
        panic!("{READ_ONLY}");
    }

    fn remove(&mut self, _key: &[u8]) {
        panic!("{READ_ONLY}");
    }
}

/// The records of the `latest` column family in `[start, end)` in `order`, read by `iterate`
/// (the database itself, or a snapshot of it) with the bounds and mode it is handed.
pub(crate) fn latest_range<'a>(
    start: Option<&[u8]>,
    end: Option<&[u8]>,
    order: Order,
    iterate: impl FnOnce(ReadOptions, IteratorMode) -> DBIteratorWithThreadMode<'a, DB>,
) -> Box<dyn Iterator<Item = Record> + 'a> {
    if let (Some(start), Some(end)) = (start, end) {
        if start >= end {
            return Box::new(std::iter::empty());
        }
    }
    let mut bounds = ReadOptions::default();
    if let Some(start) = start {
        bounds.set_iterate_lower_bound(start.to_vec());
    }
    if let Some(end) = end {
        bounds.set_iterate_upper_bound(end.to_vec());
    }
    let mode = match order {
        Order::Ascending => IteratorMode::Start,
        Order::Descending => IteratorMode::End,
    };
    Box::new(iterate(bounds, mode).map(|item| {
        let (key, value) =
            item.unwrap_or_else(|e| panic!("iterating the state database failed: {e}"));
        (key.into_vec(), value.into_vec())
    }))
}
