//! Pruning: deleting JMT nodes and value versions no retained height needs.
//!
//! Every commit records in the `stale` column family, keyed by the height `s` from which it is
//! unused:
//! - each JMT node jmt reports as replaced (plus the tree's previous root, see [`crate::tree`]);
//! - each key written, meaning "versions of this key from heights before `s` are unused from `s`
//!   on" (and so is a deletion at `s` itself).
//!
//! Once the earliest retained height `e` reaches `s`, no readable height needs those entries, so
//! the commit that moves `e` deletes them in its own `WriteBatch` (before the new height's
//! writes, so a key deleted long ago and written again now keeps its new preimage). The index is
//! in RocksDB, so pruning carries on after a restart, and a crash never leaves it half applied.

use anyhow::{bail, Result};
use rocksdb::{DBRawIterator, ReadOptions, WriteBatch};

use crate::db::{self, Db};
use crate::store::Store;
use crate::tree;

/// Upper bound on stale entries handled by one commit, so that a large backlog (e.g. after
/// lowering `keep_recent`) is worked off over several commits instead of one huge batch.
const MAX_STALE_ENTRIES_PER_COMMIT: u64 = 250_000;

impl Store {
    /// Stages the deletion of everything unused once `earliest` is the earliest retained height.
    /// Returns the number of stale-index entries handled and the prune cursor to keep once the
    /// batch is written.
    pub(crate) fn stage_prune(&self, batch: &mut WriteBatch, earliest: u64) -> Result<(u64, u64)> {
        if earliest < self.prune_cursor {
            return Ok((0, self.prune_cursor));
        }
        let mut bounds = ReadOptions::default();
        // Entries below the cursor are gone; starting there skips their tombstones.
        bounds.set_iterate_lower_bound(self.prune_cursor.to_be_bytes().to_vec());
        bounds.set_iterate_upper_bound((earliest + 1).to_be_bytes().to_vec());
        let mut stale = self.db.db.raw_iterator_cf_opt(self.db.stale(), bounds);
        let mut values = self.db.db.raw_iterator_cf(self.db.values());
        stale.seek_to_first();
        let mut handled = 0;
        let mut cursor = earliest + 1;
        while stale.valid() {
            let Some(key) = stale.key() else { break };
            let since = db::decode_u64(&key[..8])?;
            if handled == MAX_STALE_ENTRIES_PER_COMMIT {
                cursor = since;
                break;
            }
            match key.get(8) {
                Some(&db::STALE_NODE) => batch.delete_cf(self.db.nodes(), &key[9..]),
                Some(&db::STALE_VALUE) => {
                    stage_value_prune(&self.db, &mut values, batch, since, &key[9..])?
                }
                _ => bail!("corrupt stale index entry {key:?}"),
            }
            batch.delete_cf(self.db.stale(), key);
            handled += 1;
            stale.next();
        }
        stale.status()?;
        Ok((handled, cursor))
    }
}

/// Stages the deletion of the versions of one key (`tree ++ key hash`) that are unused once
/// `since` is the earliest retained height: those of earlier heights, and the deletion at `since`
/// itself (reads find no version either way). A key deleted at `since` and not written since
/// also loses its preimage.
fn stage_value_prune(
    db: &Db,
    values: &mut DBRawIterator<'_>,
    batch: &mut WriteBatch,
    since: u64,
    tree_and_hash: &[u8],
) -> Result<()> {
    // The deletion phase of a height only writes deletions, so this version is one or absent.
    let deletion = tree::deletes_version(since);
    let mut deleted_at_since = false;
    let mut written_later = false;
    values.seek(tree_and_hash);
    while values.valid() {
        let Some(key) = values.key() else { break };
        if key.len() != tree_and_hash.len() + 8 || !key.starts_with(tree_and_hash) {
            break;
        }
        let version = db::decode_u64(&key[tree_and_hash.len()..])?;
        if version > deletion {
            written_later = true;
            break;
        }
        deleted_at_since = version == deletion;
        batch.delete_cf(db.values(), key);
        values.next();
    }
    values.status()?;
    if deleted_at_since && !written_later {
        batch.delete_cf(db.preimages(), tree_and_hash);
    }
    Ok(())
}
