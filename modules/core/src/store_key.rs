//! The key to one module's store.

use crate::store::module_prefix;

/// Access to one module's slice of state. The app makes one per module when it wires the
/// modules and moves it into that module's keeper, so only that keeper can read or write the
/// module's store ([`crate::Context::kv`] takes it); other modules go through the keeper.
/// It is deliberately neither `Clone` nor `Copy`.
#[derive(Debug)]
pub struct StoreKey {
    name: &'static str,
    prefix: Vec<u8>,
}

impl StoreKey {
    /// The key of the store named `name` (the module's name). Only the app's wiring and tests
    /// call this; panics on an empty name or one over 255 bytes, a wiring bug.
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            prefix: module_prefix(name),
        }
    }

    /// The store's name: the module's name, its substore in the commitment.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The prefix of the store's keys in the flat keyspace.
    pub(crate) fn prefix(&self) -> &[u8] {
        &self.prefix
    }
}
