//! Gas metering of every store access, with the Cosmos SDK's costs.

use cosmwasm_std::{Order, Record, Storage};

use crate::gas::{GasMeter, KvGasConfig};

/// Charges `meter` for each read, write, delete and iteration step on `inner`.
///
/// `Storage` methods cannot fail, so running out of gas is recorded on the meter and the access
/// stops there: once out of gas, reads find nothing, iterators end and writes are dropped, so a
/// tx does no unbounded work past its limit. The tx runner checks the meter and reverts the tx.
pub struct GasKv<'a, S: Storage> {
    inner: S,
    meter: &'a GasMeter,
    config: KvGasConfig,
}

impl<'a, S: Storage> GasKv<'a, S> {
    /// Meters `inner` against `meter` with the given costs.
    pub fn new(inner: S, meter: &'a GasMeter, config: KvGasConfig) -> Self {
        Self {
            inner,
            meter,
            config,
        }
    }

    /// Charges `amount`; whether gas remains for the access to go on.
    fn charge(&self, amount: u64, descriptor: &str) -> bool {
        // The error is recorded on the meter; see the type's docs.
        self.meter.consume(amount, descriptor).is_ok()
    }

    fn per_byte(cost: u64, len: usize) -> u64 {
        cost.saturating_mul(len as u64)
    }
}

impl<S: Storage> Storage for GasKv<'_, S> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        if !self.charge(self.config.read_cost_flat, "ReadFlat") {
            return None;
        }
        let value = self.inner.get(key);
        let len = key.len() + value.as_ref().map_or(0, Vec::len);
        let read = Self::per_byte(self.config.read_cost_per_byte, len);
        value.filter(|_| self.charge(read, "ReadPerByte"))
    }

    fn range<'b>(
        &'b self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'b> {
        if self.meter.is_out_of_gas() {
            return Box::new(std::iter::empty());
        }
        let iter = self.inner.range(start, end, order);
        Box::new(iter.take_while(move |(k, v)| {
            let read = Self::per_byte(self.config.read_cost_per_byte, k.len() + v.len());
            self.charge(read, "ValuePerByte")
                && self.charge(self.config.iter_next_cost_flat, "IterNextFlat")
        }))
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        let write = Self::per_byte(self.config.write_cost_per_byte, key.len() + value.len());
        if self.charge(self.config.write_cost_flat, "WriteFlat")
            && self.charge(write, "WritePerByte")
        {
            self.inner.set(key, value);
        }
    }

    fn remove(&mut self, key: &[u8]) {
        if self.charge(self.config.delete_cost, "Delete") {
            self.inner.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::PrefixStore;
    use cosmwasm_std::testing::MockStorage as MemoryStorage;

    #[test]
    fn charges_sdk_costs() {
        let meter = GasMeter::new(1_000_000);
        let mut store = GasKv::new(MemoryStorage::new(), &meter, KvGasConfig::default());
        store.set(b"key", b"value");
        assert_eq!(meter.consumed(), 2000 + 30 * 8);
        assert_eq!(store.get(b"key"), Some(b"value".to_vec()));
        assert_eq!(meter.consumed(), 2240 + 1000 + 3 * 8);
        assert_eq!(store.range(None, None, Order::Ascending).count(), 1);
        assert_eq!(meter.consumed(), 3264 + 30 + 3 * 8);
        store.remove(b"key");
        assert_eq!(meter.consumed(), 3318 + 1000);
    }

    #[test]
    fn out_of_gas_is_recorded_on_the_meter_and_the_write_dropped() {
        let meter = GasMeter::new(2050); // a write of 2 bytes costs 2000 + 30 * 2
        let mut inner = MemoryStorage::new();
        let mut store = GasKv::new(
            PrefixStore::new(&mut inner, &[]),
            &meter,
            KvGasConfig::default(),
        );
        store.set(b"k", b"v");
        assert!(meter.is_out_of_gas());
        assert_eq!(meter.consumed(), 2060);
        assert_eq!(inner.get(b"k"), None);
    }

    #[test]
    fn nothing_reaches_the_store_once_out_of_gas() {
        let mut inner = MemoryStorage::new();
        inner.set(b"a", b"1");
        inner.set(b"b", b"2");
        inner.set(b"c", b"3");
        // enough for the read's flat cost, not its bytes: the value is withheld
        let meter = GasMeter::new(1000);
        let store = GasKv::new(
            PrefixStore::new(&mut inner, &[]),
            &meter,
            KvGasConfig::default(),
        );
        assert_eq!(store.get(b"a"), None);
        assert_eq!(meter.consumed(), 1000 + 3 * 2);

        // an iteration stops at the step that runs out: one step costs 3 * 2 + 30
        let meter = GasMeter::new(36 + 20);
        let store = GasKv::new(
            PrefixStore::new(&mut inner, &[]),
            &meter,
            KvGasConfig::default(),
        );
        assert_eq!(store.range(None, None, Order::Ascending).count(), 1);
        assert_eq!(meter.consumed(), 36 + 36);

        // once out of gas: reads and iterations find nothing, writes and deletes are dropped,
        // and none of them adds to the gas used
        let mut store = GasKv::new(
            PrefixStore::new(&mut inner, &[]),
            &meter,
            KvGasConfig::default(),
        );
        assert_eq!(store.get(b"b"), None);
        assert_eq!(store.range(None, None, Order::Ascending).count(), 0);
        store.set(b"d", b"4");
        store.remove(b"a");
        assert_eq!(meter.consumed(), 72);
        assert_eq!(inner.get(b"d"), None);
        assert_eq!(inner.get(b"a"), Some(b"1".to_vec()));
    }
}
