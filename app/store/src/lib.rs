//! Agora's committed state: RocksDB with a two-level Jellyfish Merkle commitment, historical
//! reads and ICS-23 proofs.
//!
//! All module state is one ordered flat keyspace (`[len(module)] ++ module ++ key`, see
//! `agora_core::store`). At FinalizeBlock the application hands [`Store::stage`] the block's net writes and gets
//! the app hash; at Commit, [`Store::apply`] makes the height durable. The store
//! - keeps the latest value of every flat key in a plain column family, read through
//!   [`Store::latest`] (a `cosmwasm_std::Storage`);
//! - commits each module's keys in the module's own Jellyfish Merkle tree (its substore), and
//!   the module roots in a root tree (module name -> substore root); the app hash is the root
//!   tree's root hash ([`EMPTY_ROOT`] when there is no state);
//! - versions nodes and values by height, so every retained height answers [`Store::get_at`] and
//!   [`Store::prove_at`], whose two ICS-23 proofs [`verify_proof`] checks;
//! - prunes heights older than [`StoreOptions::keep_recent`];
//! - hands out [`Snapshot`]s of the last committed height, which queries read from any thread
//!   while the next height is executed and committed.
//!
//! A tree is written only at heights where it changes; how reads and writes find the right root
//! is described in the `tree` module, the on-disk layout in the `db` module.

mod commit;
mod db;
mod proof;
mod prune;
mod snapshot;
mod store;
mod tree;
mod view;

pub use commit::Staged;
pub use proof::{verify_proof, Proven};
pub use snapshot::Snapshot;
pub use store::{
    HeightError, Store, StoreOptions, DEFAULT_CACHE_BYTES, DEFAULT_WRITE_BUFFER_BYTES,
};
pub use tree::EMPTY_ROOT;
pub use view::LatestView;
