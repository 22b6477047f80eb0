//! The RocksDB layout: column families, tuning and key encodings.
//!
//! Every integer inside a key is big-endian, so RocksDB's byte order is numeric order. Node and
//! value versions are JMT versions (`2h` for a height's deletions, `2h + 1` for the rest, see
//! the `tree` module); stale-index keys start with heights.
//!
//! | column family | key                                              | value                      |
//! |---------------|--------------------------------------------------|----------------------------|
//! | `latest`      | flat key                                         | latest value               |
//! | `jmt_nodes`   | tree ++ nibble count ++ packed nibbles ++ version | borsh `jmt::storage::Node` |
//! | `jmt_values`  | tree ++ key hash ++ version                      | tagged value (tombstone)   |
//! | `preimages`   | tree ++ key hash                                 | the key                    |
//! | `stale`       | stale-since height ++ kind ++ what               | empty                      |
//! | `meta`        | name                                             | height / app hash / ...    |
//!
//! A *tree* id names one Jellyfish Merkle tree: [`ROOT_TREE`] for the root tree, and the module's
//! flat-key prefix (`[len] ++ name`) for a module substore. Both are self-delimiting, so the keys of
//! different trees never interleave, and a tree's roots (empty nibble path) are contiguous and
//! ordered by version: `tree ++ 0x00 ++ version`.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::store::StoreOptions;
use jmt::storage::NodeKey;
use jmt::KeyHash;
use rocksdb::{
    BlockBasedOptions, Cache, ColumnFamily, ColumnFamilyDescriptor, DBCompressionType, Options, DB,
};

/// Latest value of every flat key (the fast read path).
const CF_LATEST: &str = "latest";
/// JMT nodes of every tree, versioned by height.
const CF_NODES: &str = "jmt_nodes";
/// Versioned values of every tree (what JMT leaves point at).
const CF_VALUES: &str = "jmt_values";
/// Key preimages by key hash, needed for ICS-23 non-existence proofs.
const CF_PREIMAGES: &str = "preimages";
/// The stale index: what may be deleted once a height is no longer retained.
const CF_STALE: &str = "stale";
/// Last height, app hash, earliest retained height.
const CF_META: &str = "meta";

const ALL_CFS: [&str; 6] = [
    CF_LATEST,
    CF_NODES,
    CF_VALUES,
    CF_PREIMAGES,
    CF_STALE,
    CF_META,
];

/// The tree id of the root tree (module names are never empty, so no substore id is `[0]`).
pub(crate) const ROOT_TREE: &[u8] = &[0];

/// `meta` key of the last committed height.
pub(crate) const META_HEIGHT: &[u8] = b"height";
/// `meta` key of the app hash at the last committed height.
pub(crate) const META_APP_HASH: &[u8] = b"app_hash";
/// `meta` key of the earliest height still readable.
pub(crate) const META_EARLIEST: &[u8] = b"earliest";

/// Stale-index kind: the entry names a JMT node (by its `jmt_nodes` key).
pub(crate) const STALE_NODE: u8 = 0;
/// Stale-index kind: a key was written at that height, so its older value versions expire.
pub(crate) const STALE_VALUE: u8 = 1;

/// Value tag for a deletion recorded in `jmt_values`.
const TOMBSTONE: u8 = 0;
/// Value tag for a present value in `jmt_values`.
const PRESENT: u8 = 1;

/// The opened database with its column families.
pub(crate) struct Db {
    /// The RocksDB handle.
    pub(crate) db: DB,
}

impl Db {
    /// Opens (creating if missing) the database and all column families in `dir`, within the
    /// memory bounds of `opts`: one block cache, and one memtable budget across column families
    /// (each family's memtable is a quarter of it, so a busy family flushes early).
    pub(crate) fn open(dir: &Path, opts: &StoreOptions) -> Result<Db> {
        let cache = Cache::new_lru_cache(opts.cache_bytes);
        let mut db_opts = Options::default();
        db_opts.create_if_missing(true);
        db_opts.create_missing_column_families(true);
        db_opts.set_db_write_buffer_size(opts.write_buffer_bytes);
        db_opts.set_max_background_jobs(2);
        db_opts.set_bytes_per_sync(1 << 20);
        let cfs = ALL_CFS.iter().map(|name| {
            let mut table = BlockBasedOptions::default();
            table.set_block_cache(&cache);
            table.set_bloom_filter(10.0, false);
            table.set_cache_index_and_filter_blocks(true);
            table.set_pin_l0_filter_and_index_blocks_in_cache(true);
            let mut cf_opts = Options::default();
            cf_opts.set_write_buffer_size((opts.write_buffer_bytes / 4).max(1 << 20));
            cf_opts.set_block_based_table_factory(&table);
            cf_opts.set_compression_type(DBCompressionType::Lz4);
            ColumnFamilyDescriptor::new(*name, cf_opts)
        });
        let db = DB::open_cf_descriptors(&db_opts, dir, cfs)
            .with_context(|| format!("opening the state database in {}", dir.display()))?;
        Ok(Db { db })
    }

    fn cf(&self, name: &str) -> &ColumnFamily {
        self.db
            .cf_handle(name)
            .unwrap_or_else(|| panic!("column family {name} is created at open"))
    }

    /// The `latest` column family.
    pub(crate) fn latest(&self) -> &ColumnFamily {
        self.cf(CF_LATEST)
    }

    /// The `jmt_nodes` column family.
    pub(crate) fn nodes(&self) -> &ColumnFamily {
        self.cf(CF_NODES)
    }

    /// The `jmt_values` column family.
    pub(crate) fn values(&self) -> &ColumnFamily {
        self.cf(CF_VALUES)
    }

    /// The `preimages` column family.
    pub(crate) fn preimages(&self) -> &ColumnFamily {
        self.cf(CF_PREIMAGES)
    }

    /// The `stale` column family.
    pub(crate) fn stale(&self) -> &ColumnFamily {
        self.cf(CF_STALE)
    }

    /// The `meta` column family.
    pub(crate) fn meta(&self) -> &ColumnFamily {
        self.cf(CF_META)
    }

    /// Reads a big-endian `u64` from `meta`.
    pub(crate) fn meta_u64(&self, key: &[u8]) -> Result<Option<u64>> {
        match self.db.get_pinned_cf(self.meta(), key)? {
            None => Ok(None),
            Some(bytes) => {
                Ok(Some(decode_u64(&bytes).with_context(|| {
                    format!("meta {}", String::from_utf8_lossy(key))
                })?))
            }
        }
    }

    /// Counts the entries of every column family (a full scan: diagnostics and tests only).
    pub(crate) fn entry_counts(&self) -> Result<[(&'static str, u64); 6]> {
        let mut out = ALL_CFS.map(|name| (name, 0u64));
        for (name, count) in out.iter_mut() {
            let mut it = self.db.raw_iterator_cf(self.cf(name));
            it.seek_to_first();
            while it.valid() {
                *count += 1;
                it.next();
            }
            it.status()?;
        }
        Ok(out)
    }
}

/// Decodes a big-endian `u64`.
pub(crate) fn decode_u64(bytes: &[u8]) -> Result<u64> {
    let arr: [u8; 8] = bytes
        .try_into()
        .with_context(|| format!("expected 8 bytes, found {}", bytes.len()))?;
    Ok(u64::from_be_bytes(arr))
}

/// The `jmt_nodes` key of `key` in `tree`.
pub(crate) fn node_key(tree: &[u8], key: &NodeKey) -> Vec<u8> {
    let path = key.nibble_path();
    let n = path.num_nibbles();
    let mut out = Vec::with_capacity(tree.len() + 1 + n.div_ceil(2) + 8);
    out.extend_from_slice(tree);
    // At most 64 nibbles (a 32-byte key hash), so the count fits a byte.
    out.push(n as u8);
    for i in (0..n).step_by(2) {
        let hi = u8::from(path.get_nibble(i));
        let lo = if i + 1 < n {
            u8::from(path.get_nibble(i + 1))
        } else {
            0
        };
        out.push(hi << 4 | lo);
    }
    out.extend_from_slice(&key.version().to_be_bytes());
    out
}

/// The prefix shared by all roots (empty nibble path) of `tree`.
pub(crate) fn root_prefix(tree: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(tree.len() + 9);
    out.extend_from_slice(tree);
    out.push(0);
    out
}

/// The `jmt_nodes` key of the root of `tree` written at `version`.
pub(crate) fn root_key(tree: &[u8], version: u64) -> Vec<u8> {
    let mut out = root_prefix(tree);
    out.extend_from_slice(&version.to_be_bytes());
    out
}

/// The prefix of all versions of one key in `jmt_values`, which is also its `preimages` key.
pub(crate) fn key_hash_prefix(tree: &[u8], key_hash: &KeyHash) -> Vec<u8> {
    let mut out = Vec::with_capacity(tree.len() + 32 + 8);
    out.extend_from_slice(tree);
    out.extend_from_slice(&key_hash.0);
    out
}

/// The `jmt_values` key of one version of one key.
pub(crate) fn value_key(tree: &[u8], key_hash: &KeyHash, version: u64) -> Vec<u8> {
    let mut out = key_hash_prefix(tree, key_hash);
    out.extend_from_slice(&version.to_be_bytes());
    out
}

/// The `stale` key saying the node stored under `node_db_key` is unused from height `since` on.
pub(crate) fn stale_node_key(since: u64, node_db_key: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(9 + node_db_key.len());
    out.extend_from_slice(&since.to_be_bytes());
    out.push(STALE_NODE);
    out.extend_from_slice(node_db_key);
    out
}

/// The `stale` key saying `key_hash` of `tree` was written at `since`, so its older versions
/// are unused from `since` on.
pub(crate) fn stale_value_key(since: u64, tree: &[u8], key_hash: &KeyHash) -> Vec<u8> {
    let mut out = Vec::with_capacity(9 + tree.len() + 32);
    out.extend_from_slice(&since.to_be_bytes());
    out.push(STALE_VALUE);
    out.extend_from_slice(tree);
    out.extend_from_slice(&key_hash.0);
    out
}

/// Encodes a value version for `jmt_values` (`None` is a deletion).
pub(crate) fn encode_value(value: Option<&[u8]>) -> Vec<u8> {
    match value {
        None => vec![TOMBSTONE],
        Some(v) => {
            let mut out = Vec::with_capacity(1 + v.len());
            out.push(PRESENT);
            out.extend_from_slice(v);
            out
        }
    }
}

/// Decodes a `jmt_values` entry.
pub(crate) fn decode_value(encoded: &[u8]) -> Result<Option<Vec<u8>>> {
    match encoded.split_first() {
        Some((&TOMBSTONE, [])) => Ok(None),
        Some((&PRESENT, v)) => Ok(Some(v.to_vec())),
        _ => bail!("corrupt jmt value entry"),
    }
}
