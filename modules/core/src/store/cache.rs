//! An in-memory write overlay over a parent store.

use std::collections::BTreeMap;
use std::iter::Peekable;

use cosmwasm_std::{Order, Record, Storage};

use super::{in_order, is_empty_range, no_records};

/// Net writes of a cache layer: `None` marks a deletion. Ordered, so committing them is deterministic.
pub type Writes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// The overlay's entries in iteration order.
type OverlayIter<'b> = Box<dyn Iterator<Item = (&'b Vec<u8>, &'b Option<Vec<u8>>)> + 'b>;

/// Buffers writes over a read-only parent until they are taken with [`CacheStore::into_writes`]
/// and applied to the layer below, or dropped to revert them.
pub struct CacheStore<'a> {
    parent: &'a dyn Storage,
    writes: Writes,
}

impl<'a> CacheStore<'a> {
    /// An empty overlay over `parent`.
    pub fn new(parent: &'a dyn Storage) -> Self {
        Self::with_writes(parent, Writes::new())
    }

    /// An overlay over `parent` that already holds `writes` (a block or check state carried between calls).
    pub fn with_writes(parent: &'a dyn Storage, writes: Writes) -> Self {
        Self { parent, writes }
    }

    /// The buffered writes, in key order.
    pub fn writes(&self) -> &Writes {
        &self.writes
    }

    /// Takes the buffered writes, ending the overlay.
    pub fn into_writes(self) -> Writes {
        self.writes
    }

    /// Applies the writes of a layer that sat on this one (a tx that succeeded).
    pub fn apply(&mut self, writes: Writes) {
        self.writes.extend(writes);
    }
}

impl Storage for CacheStore<'_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        match self.writes.get(key) {
            Some(value) => value.clone(),
            None => self.parent.get(key),
        }
    }

    fn range<'b>(
        &'b self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'b> {
        if is_empty_range(start, end) {
            return no_records();
        }
        let bounds = (
            start.map_or(std::ops::Bound::Unbounded, |s| {
                std::ops::Bound::Included(s.to_vec())
            }),
            end.map_or(std::ops::Bound::Unbounded, |e| {
                std::ops::Bound::Excluded(e.to_vec())
            }),
        );
        let overlay = self.writes.range::<Vec<u8>, _>(bounds);
        let overlay: OverlayIter<'_> = match order {
            Order::Ascending => Box::new(overlay),
            Order::Descending => Box::new(overlay.rev()),
        };
        Box::new(Merge {
            parent: self.parent.range(start, end, order).peekable(),
            overlay: overlay.peekable(),
            order,
        })
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        self.writes.insert(key.to_vec(), Some(value.to_vec()));
    }

    fn remove(&mut self, key: &[u8]) {
        self.writes.insert(key.to_vec(), None);
    }
}

/// Merges the parent's records with the overlay's, the overlay winning on equal keys and its
/// deletions hiding the parent's records.
struct Merge<'b, P: Iterator<Item = Record>, O: Iterator<Item = (&'b Vec<u8>, &'b Option<Vec<u8>>)>>
{
    parent: Peekable<P>,
    overlay: Peekable<O>,
    order: Order,
}

impl<'b, P, O> Iterator for Merge<'b, P, O>
where
    P: Iterator<Item = Record>,
    O: Iterator<Item = (&'b Vec<u8>, &'b Option<Vec<u8>>)>,
{
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            let take_overlay = match (self.parent.peek(), self.overlay.peek()) {
                (None, None) => return None,
                (Some(_), None) => false,
                (None, Some(_)) => true,
                (Some((pk, _)), Some((ok, _))) => match in_order(self.order, ok, pk) {
                    std::cmp::Ordering::Less => true,
                    std::cmp::Ordering::Greater => false,
                    std::cmp::Ordering::Equal => {
                        self.parent.next();
                        true
                    }
                },
            };
            if !take_overlay {
                return self.parent.next();
            }
            let (key, value) = self.overlay.next().expect("peeked");
            if let Some(value) = value {
                return Some((key.clone(), value.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage as MemoryStorage;
    use proptest::prelude::*;

    fn collect(
        store: &dyn Storage,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Vec<Record> {
        store.range(start, end, order).collect()
    }

    #[test]
    fn overlay_shadows_and_deletes() {
        let mut base = MemoryStorage::new();
        base.set(b"a", b"1");
        base.set(b"b", b"2");
        base.set(b"c", b"3");
        let mut cache = CacheStore::new(&base);
        cache.set(b"b", b"20");
        cache.remove(b"c");
        cache.set(b"d", b"4");
        assert_eq!(cache.get(b"b"), Some(b"20".to_vec()));
        assert_eq!(cache.get(b"c"), None);
        let all: Vec<_> = collect(&cache, None, None, Order::Ascending);
        assert_eq!(
            all,
            vec![
                (b"a".to_vec(), b"1".to_vec()),
                (b"b".to_vec(), b"20".to_vec()),
                (b"d".to_vec(), b"4".to_vec())
            ]
        );
        // the parent is untouched until the writes are applied
        assert_eq!(base.get(b"b"), Some(b"2".to_vec()));
    }

    proptest! {
        /// Any mix of base state, overlay writes and range bounds reads the same as applying
        /// the writes to a plain map.
        #[test]
        fn reads_like_the_applied_map(
            base in proptest::collection::btree_map(proptest::collection::vec(0u8..4, 0..3), any::<u8>(), 0..12),
            ops in proptest::collection::vec((proptest::collection::vec(0u8..4, 0..3), proptest::option::of(any::<u8>())), 0..12),
            start in proptest::option::of(proptest::collection::vec(0u8..4, 0..3)),
            end in proptest::option::of(proptest::collection::vec(0u8..4, 0..3)),
            descending in any::<bool>(),
        ) {
            let mut parent = MemoryStorage::new();
            let mut model = std::collections::BTreeMap::new();
            for (k, v) in &base { parent.set(k, &[*v]); model.insert(k.clone(), vec![*v]); }
            let mut cache = CacheStore::new(&parent);
            for (k, v) in &ops {
                match v {
                    Some(v) => { cache.set(k, &[*v]); model.insert(k.clone(), vec![*v]); }
                    None => { cache.remove(k); model.remove(k); }
                }
            }
            let order = if descending { Order::Descending } else { Order::Ascending };
            let got = collect(&cache, start.as_deref(), end.as_deref(), order);
            let mut want: Vec<Record> = model.into_iter()
                .filter(|(k, _)| start.as_ref().is_none_or(|s| k >= s) && end.as_ref().is_none_or(|e| k < e))
                .collect();
            if matches!((&start, &end), (Some(s), Some(e)) if s >= e) { want.clear(); }
            if descending { want.reverse(); }
            prop_assert_eq!(got, want);
        }
    }
}
