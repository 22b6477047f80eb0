//! The store handle: opening, metadata and historical reads.

use std::path::Path;
use std::sync::Arc;

use anyhow::{ensure, Context, Result};

use crate::db::{self, Db};
use crate::tree::{TreeStore, EMPTY_ROOT};

/// How the store is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// Number of most recent heights whose state stays readable and provable; 0 keeps every
    /// height. After committing height `h`, heights below `h + 1 - keep_recent` are pruned.
    pub keep_recent: u64,
    /// Bytes of RocksDB's block cache, shared by every column family.
    pub cache_bytes: usize,
    /// Bytes all column families' memtables may hold together before RocksDB flushes them.
    pub write_buffer_bytes: usize,
}

/// Default block cache: 128 MiB.
pub const DEFAULT_CACHE_BYTES: usize = 128 << 20;
/// Default memtable budget across column families: 64 MiB.
pub const DEFAULT_WRITE_BUFFER_BYTES: usize = 64 << 20;

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            keep_recent: 0,
            cache_bytes: DEFAULT_CACHE_BYTES,
            write_buffer_bytes: DEFAULT_WRITE_BUFFER_BYTES,
        }
    }
}

impl StoreOptions {
    /// Default options keeping the last `keep_recent` heights (0 = all).
    pub fn keeping(keep_recent: u64) -> Self {
        Self {
            keep_recent,
            ..Self::default()
        }
    }
}

/// Why a height cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeightError {
    /// The height was pruned away.
    #[error(
        "height {height} is pruned: the earliest retained height is {earliest} (keep_recent = \
         {keep_recent})"
    )]
    Pruned {
        /// The requested height.
        height: u64,
        /// The earliest height still readable.
        earliest: u64,
        /// The retention the store runs with.
        keep_recent: u64,
    },
    /// The height has not been committed yet.
    #[error("height {height} is not committed yet: the last committed height is {latest}")]
    Future {
        /// The requested height.
        height: u64,
        /// The last committed height.
        latest: u64,
    },
}

/// Agora's committed state: the latest value of every flat key, plus a two-level Jellyfish
/// Merkle commitment (one tree per module, a root tree over the module roots) versioned by height.
pub struct Store {
    pub(crate) db: Arc<Db>,
    pub(crate) opts: StoreOptions,
    pub(crate) height: u64,
    pub(crate) app_hash: [u8; 32],
    pub(crate) earliest: u64,
    /// Every stale-index entry below this height has been pruned (in memory: after a restart
    /// the first prune starts from 0 and skips the deleted entries once).
    pub(crate) prune_cursor: u64,
}

/// Checks a module name the way the flat key layout does, as a recoverable error.
pub(crate) fn substore_tree(module: &str) -> Result<Vec<u8>> {
    ensure!(
        !module.is_empty() && module.len() <= agora_core::store::MAX_MODULE_NAME_LEN,
        "module name {module:?} must be 1..=255 bytes"
    );
    Ok(agora_core::store::module_prefix(module))
}

impl Store {
    /// Opens (creating if missing) the store in `dir`.
    ///
    /// Fails if the recorded app hash does not match the root tree, i.e. the database is corrupt.
    pub fn open(dir: &Path, opts: StoreOptions) -> Result<Store> {
        let db = Arc::new(Db::open(dir, &opts)?);
        let height = db.meta_u64(db::META_HEIGHT)?.unwrap_or(0);
        let earliest = db.meta_u64(db::META_EARLIEST)?.unwrap_or(0);
        let app_hash = match db.db.get_cf(db.meta(), db::META_APP_HASH)? {
            None => EMPTY_ROOT,
            Some(bytes) => bytes
                .as_slice()
                .try_into()
                .context("corrupt app hash in the state database")?,
        };
        let computed = TreeStore::new(&db, db::ROOT_TREE).root_hash_at(height)?;
        ensure!(
            computed == app_hash,
            "state database in {} is corrupt: recorded app hash {} at height {height}, root tree \
             hash {}",
            dir.display(),
            hex::encode(app_hash),
            hex::encode(computed)
        );
        tracing::debug!(height, earliest, app_hash = %hex::encode(app_hash), "opened state store");
        Ok(Store {
            db,
            opts,
            height,
            app_hash,
            earliest,
            prune_cursor: 0,
        })
    }

    /// Last committed height (0 before the first commit).
    pub fn height(&self) -> u64 {
        self.height
    }

    /// App hash at the last committed height. With no state at all (e.g. height 0) it is
    /// [`EMPTY_ROOT`], the root hash of an empty Jellyfish Merkle tree.
    pub fn app_hash(&self) -> [u8; 32] {
        self.app_hash
    }

    /// Earliest height that can still be read and proven.
    pub fn earliest_height(&self) -> u64 {
        self.earliest
    }

    /// Errors with a [`HeightError`] unless `height` is committed and retained.
    pub(crate) fn check_retained(&self, height: u64) -> Result<()> {
        check_retained(height, self.height, self.earliest, self.opts.keep_recent)
    }

    /// App hash at a retained past height.
    pub fn app_hash_at(&self, height: u64) -> Result<[u8; 32]> {
        self.check_retained(height)?;
        if height == self.height {
            return Ok(self.app_hash);
        }
        TreeStore::new(&self.db, db::ROOT_TREE).root_hash_at(height)
    }

    /// A module key's value at a retained height (read from the versioned JMT values).
    pub fn get_at(&self, module: &str, key: &[u8], height: u64) -> Result<Option<Vec<u8>>> {
        self.check_retained(height)?;
        let tree = substore_tree(module)?;
        TreeStore::new(&self.db, &tree).value_at(key, height)
    }

    /// Number of entries in each column family, by name (a full scan: for diagnostics and tests).
    pub fn entry_counts(&self) -> Result<Vec<(&'static str, u64)>> {
        Ok(self.db.entry_counts()?.to_vec())
    }
}

/// Errors with a [`HeightError`] unless `height` lies in `earliest..=latest`.
pub(crate) fn check_retained(
    height: u64,
    latest: u64,
    earliest: u64,
    keep_recent: u64,
) -> Result<()> {
    if height > latest {
        return Err(HeightError::Future { height, latest }.into());
    }
    if height < earliest {
        return Err(HeightError::Pruned {
            height,
            earliest,
            keep_recent,
        }
        .into());
    }
    Ok(())
}
