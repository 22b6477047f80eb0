//! Gas: the meter every tx carries and the Cosmos SDK's KV store costs.

use std::cell::{Cell, RefCell};

/// Cosmos SDK v0.50 KV store gas costs (`storetypes.KVGasConfig()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KvGasConfig {
    /// Flat cost of a `has` check.
    pub has_cost: u64,
    /// Flat cost of a delete.
    pub delete_cost: u64,
    /// Flat cost of a read.
    pub read_cost_flat: u64,
    /// Cost per byte of key and value read.
    pub read_cost_per_byte: u64,
    /// Flat cost of a write.
    pub write_cost_flat: u64,
    /// Cost per byte of key and value written.
    pub write_cost_per_byte: u64,
    /// Cost of each step of an iterator, plus `read_cost_per_byte` per byte returned.
    pub iter_next_cost_flat: u64,
}

impl Default for KvGasConfig {
    fn default() -> Self {
        Self {
            has_cost: 1000,
            delete_cost: 1000,
            read_cost_flat: 1000,
            read_cost_per_byte: 3,
            write_cost_flat: 2000,
            write_cost_per_byte: 30,
            iter_next_cost_flat: 30,
        }
    }
}

/// Counts the gas a tx (or a block phase) uses against a limit.
///
/// The charge that crosses the limit is still recorded, so the caller can report `gas_used` the
/// way the SDK does (where that charge panics and the tx stops); later charges are refused
/// without being added, as nothing runs past that point in the SDK.
/// [`GasMeter::is_out_of_gas`] tells whether the limit was crossed. Interior mutability lets
/// every store view of one tx share the meter.
#[derive(Debug)]
pub struct GasMeter {
    limit: u64,
    consumed: Cell<u64>,
    /// The descriptor of the charge that crossed the limit.
    exhausted_at: RefCell<Option<String>>,
}

impl GasMeter {
    /// A meter that fails once more than `limit` gas is consumed.
    pub fn new(limit: u64) -> Self {
        Self {
            limit,
            consumed: Cell::new(0),
            exhausted_at: RefCell::new(None),
        }
    }

    /// A meter that never runs out: genesis, begin/end block, queries.
    pub fn infinite() -> Self {
        Self::new(u64::MAX)
    }

    /// The limit this meter enforces.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Gas consumed so far (saturating; may exceed the limit after an out-of-gas).
    pub fn consumed(&self) -> u64 {
        self.consumed.get()
    }

    /// Gas still available before the limit.
    pub fn remaining(&self) -> u64 {
        self.limit.saturating_sub(self.consumed())
    }

    /// Whether consumption has crossed the limit.
    pub fn is_out_of_gas(&self) -> bool {
        self.consumed() > self.limit
    }

    /// Adds `amount` to the consumption; errors if that crosses the limit. Once out of gas, it
    /// errors without adding.
    pub fn consume(&self, amount: u64, descriptor: &str) -> Result<(), crate::Error> {
        if let Some(err) = self.out_of_gas_error() {
            return Err(err);
        }
        let total = self.consumed().saturating_add(amount);
        self.consumed.set(total);
        if total > self.limit {
            *self.exhausted_at.borrow_mut() = Some(descriptor.to_string());
            return Err(self.error(descriptor));
        }
        Ok(())
    }

    /// The SDK's out-of-gas error naming the charge that crossed the limit, once one has.
    pub fn out_of_gas_error(&self) -> Option<crate::Error> {
        self.exhausted_at.borrow().as_deref().map(|d| self.error(d))
    }

    fn error(&self, descriptor: &str) -> crate::Error {
        crate::Error::sdk(
            crate::SdkCode::OutOfGas,
            format!(
                "out of gas in location: {descriptor}; gasWanted: {}, gasUsed: {}",
                self.limit,
                self.consumed()
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_out_of_gas_once_over_the_limit() {
        let meter = GasMeter::new(100);
        meter.consume(100, "a").unwrap();
        assert!(!meter.is_out_of_gas());
        let err = meter.consume(1, "b").unwrap_err();
        assert_eq!(err.code, crate::SdkCode::OutOfGas as u32);
        assert!(meter.is_out_of_gas());
        assert_eq!(meter.consumed(), 101);
        assert_eq!(meter.remaining(), 0);
        // nothing is added past the crossing charge; the error keeps naming it
        let again = meter.consume(50, "c").unwrap_err();
        assert_eq!(meter.consumed(), 101);
        assert_eq!(again, err);
        assert_eq!(
            meter.out_of_gas_error().unwrap().msg,
            "out of gas in location: b; gasWanted: 100, gasUsed: 101: out of gas"
        );
    }

    #[test]
    fn infinite_meter_saturates_instead_of_overflowing() {
        let meter = GasMeter::infinite();
        meter.consume(u64::MAX, "x").unwrap();
        meter.consume(5, "y").unwrap();
        assert_eq!(meter.consumed(), u64::MAX);
    }
}
