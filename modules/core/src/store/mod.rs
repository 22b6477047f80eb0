//! State layers over `cosmwasm_std::Storage`.
//!
//! The committed store (in `app/`) sits at the bottom; a block's [`CacheStore`] sits on it during
//! FinalizeBlock; each tx runs in its own [`CacheStore`] on the block's, merged on success and
//! dropped on failure. A module sees its own slice through a [`PrefixStore`], with every access
//! charged by a [`GasKv`].

mod cache;
mod gas_kv;
mod keys;
mod prefix;

pub use cache::{CacheStore, Writes};
pub use gas_kv::GasKv;
pub use keys::{module_key, module_prefix, split_module_key, MAX_MODULE_NAME_LEN};
pub use prefix::{prefix_end, PrefixStore};

use cosmwasm_std::{Order, Record};

/// Clamps a `[start, end)` range the way `Storage::range` defines it: empty when `start >= end`.
pub(crate) fn is_empty_range(start: Option<&[u8]>, end: Option<&[u8]>) -> bool {
    matches!((start, end), (Some(s), Some(e)) if s >= e)
}

/// An empty iterator of records, boxed for `Storage::range`.
pub(crate) fn no_records<'a>() -> Box<dyn Iterator<Item = Record> + 'a> {
    Box::new(std::iter::empty())
}

/// Orders two keys in the direction of an iteration.
pub(crate) fn in_order(order: Order, a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    match order {
        Order::Ascending => a.cmp(b),
        Order::Descending => b.cmp(a),
    }
}
