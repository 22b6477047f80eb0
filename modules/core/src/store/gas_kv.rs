//! Gas metering of every store access, with the Cosmos SDK's costs.

use cosmwasm_std::{Order, Record, Storage};

use crate::gas::{GasMeter, KvGasConfig};

/// Charges `meter` for each read, write, delete and iteration step on `inner`.
///
/// `Storage` methods cannot fail, so running out of gas is recorded on the meter and the access
/// still completes; the tx runner checks [`GasMeter::is_out_of_gas`] and reverts the tx.
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

    fn charge(&self, amount: u64, descriptor: &str) {
        // The error is recorded on the meter; see the type's docs.
        let _ = self.meter.consume(amount, descriptor);
    }

    fn per_byte(cost: u64, len: usize) -> u64 {
        cost.saturating_mul(len as u64)
    }
}

impl<S: Storage> Storage for GasKv<'_, S> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.charge(self.config.read_cost_flat, "ReadFlat");
        let value = self.inner.get(key);
        let len = key.len() + value.as_ref().map_or(0, Vec::len);
        self.charge(
            Self::per_byte(self.config.read_cost_per_byte, len),
            "ReadPerByte",
        );
        value
    }

    fn range<'b>(
        &'b self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'b> {
        let iter = self.inner.range(start, end, order);
        Box::new(iter.inspect(move |(k, v)| {
            self.charge(
                Self::per_byte(self.config.read_cost_per_byte, k.len() + v.len()),
                "ValuePerByte",
            );
            self.charge(self.config.iter_next_cost_flat, "IterNextFlat");
        }))
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        self.charge(self.config.write_cost_flat, "WriteFlat");
        self.charge(
            Self::per_byte(self.config.write_cost_per_byte, key.len() + value.len()),
            "WritePerByte",
        );
        self.inner.set(key, value);
    }

    fn remove(&mut self, key: &[u8]) {
        self.charge(self.config.delete_cost, "Delete");
        self.inner.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
    fn out_of_gas_is_recorded_on_the_meter() {
        let meter = GasMeter::new(2050); // a write of 2 bytes costs 2000 + 30 * 2
        let mut store = GasKv::new(MemoryStorage::new(), &meter, KvGasConfig::default());
        store.set(b"k", b"v");
        assert!(meter.is_out_of_gas());
    }
}
