//! A view of one key prefix of a store (a module's slice of the flat keyspace).

use cosmwasm_std::{Order, Record, Storage};

use super::{is_empty_range, no_records};

/// Reads and writes `prefix ++ key` in the inner store, and strips the prefix from ranged keys.
pub struct PrefixStore<'a> {
    inner: &'a mut dyn Storage,
    prefix: &'a [u8],
}

impl<'a> PrefixStore<'a> {
    /// The slice of `inner` under `prefix` (borrowed: a store key's prefix is made once).
    pub fn new(inner: &'a mut dyn Storage, prefix: &'a [u8]) -> Self {
        Self { inner, prefix }
    }

    fn full(&self, key: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.prefix.len() + key.len());
        out.extend_from_slice(self.prefix);
        out.extend_from_slice(key);
        out
    }
}

/// The smallest key greater than every key starting with `prefix`, or `None` if there is none
/// (a prefix of only 0xff bytes).
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

impl Storage for PrefixStore<'_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.inner.get(&self.full(key))
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
        let start = self.full(start.unwrap_or_default());
        let end = match end {
            Some(end) => Some(self.full(end)),
            None => prefix_end(self.prefix),
        };
        let strip = self.prefix.len();
        Box::new(
            self.inner
                .range(Some(&start), end.as_deref(), order)
                .map(move |(k, v)| (k[strip..].to_vec(), v)),
        )
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        let full = self.full(key);
        self.inner.set(&full, value);
    }

    fn remove(&mut self, key: &[u8]) {
        let full = self.full(key);
        self.inner.remove(&full);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage as MemoryStorage;

    #[test]
    fn prefix_end_carries_over_ff() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(&[1, 0xff]), Some(vec![2]));
        assert_eq!(prefix_end(&[0xff, 0xff]), None);
    }

    #[test]
    fn ranges_stay_inside_the_prefix() {
        let mut base = MemoryStorage::new();
        base.set(b"a\x01", b"x");
        base.set(b"b\x01", b"1");
        base.set(b"b\x02", b"2");
        base.set(b"c\x00", b"y");
        let view = PrefixStore::new(&mut base, b"b");
        let keys: Vec<_> = view
            .range(None, None, Order::Descending)
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, vec![b"\x02".to_vec(), b"\x01".to_vec()]);
        assert_eq!(view.get(b"\x01"), Some(b"1".to_vec()));
        assert_eq!(view.get(b"\x00"), None);
    }
}
