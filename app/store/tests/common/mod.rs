//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test crate uses a different subset

use std::path::Path;

use agora_core::store::module_key;
use agora_store::{Store, StoreOptions};

/// One flat write.
pub type Write = (Vec<u8>, Option<Vec<u8>>);

/// Opens a store in `dir` keeping `keep_recent` heights.
pub fn open(dir: &Path, keep_recent: u64) -> Store {
    Store::open(dir, StoreOptions::keeping(keep_recent)).expect("open store")
}

/// Sets `module`'s `key` to `value`.
pub fn set(module: &str, key: &[u8], value: &[u8]) -> Write {
    (module_key(module, key), Some(value.to_vec()))
}

/// Deletes `module`'s `key`.
pub fn del(module: &str, key: &[u8]) -> Write {
    (module_key(module, key), None)
}

/// Commits the next height.
pub fn commit(store: &mut Store, writes: Vec<Write>) -> [u8; 32] {
    let h = store.height() + 1;
    store.commit(h, writes).expect("commit")
}
