//! One Jellyfish Merkle tree (the root tree or a module substore) over RocksDB.
//!
//! # Versions
//!
//! A height `h` is two JMT versions: its deletions are applied at `2h` with jmt's per-key
//! `put_value_set` (which supports deletion), then its insertions and updates at `2h + 1` with
//! jmt's `batch_put_value_sets`, which builds and hashes each touched node once instead of once
//! per key passing through it, but cannot delete. A phase with nothing to do is skipped. The state at height `h` is the tree at version `2h + 1`
//! ([`state_version`]).
//!
//! # Trees that skip versions
//!
//! A tree is written only at heights where it changes, so most trees have no root at most
//! versions. jmt 0.12 does not cope with that on its own:
//! - reads at version `v` look for the root node `(v, [])` and fail with `MissingRootError`
//!   when the tree was not written at `v`;
//! - a write at `v` starts from the root `(v - 1, [])`; when that node is missing the per-key
//!   path takes the tree to be *empty* (silently losing all earlier keys), and the batch path
//!   fails.
//!
//! [`TreeStore`] therefore answers a lookup of the root `(v, [])` with the latest root written at
//! or before `v` (one `seek_for_prev`). Child nodes carry their own versions, so nothing else
//! changes. A tree never written has no root, which reads report as the empty tree; writes see
//! a `Null` root, which both jmt write paths treat as the empty tree. Lookups of the root of the
//! version being written are never redirected (see `TreeStore::get_node_option`).
//!
//! The stale index jmt produces names the root it started from as `(v - 1, [])`, which need not
//! exist. [`TreeUpdate::stage`] drops jmt's stale root entries and records instead the real
//! previous root as stale from `h` on: every write leaves a new root at `(2h, [])` or
//! `(2h + 1, [])`, so the previous root is needed only by earlier heights.

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use jmt::storage::{HasPreimage, LeafNode, Node, NodeBatch, NodeKey, TreeReader, TreeUpdateBatch};
use jmt::{KeyHash, OwnedValue, RootHash, Sha256Jmt};
use rocksdb::WriteBatch;
use sha2::Sha256;

use crate::db::{self, Db};

/// The root hash of a tree without keys (`jmt`'s placeholder hash); also the app hash of a store
/// without state, e.g. at height 0.
pub const EMPTY_ROOT: [u8; 32] = Sha256Jmt::<TreeStore<'static>>::EMPTY_ROOT.0;

/// The JMT version holding the state at `height`.
pub(crate) fn state_version(height: u64) -> u64 {
    2 * height + 1
}

/// The JMT version at which `height`'s deletions are applied.
pub(crate) fn deletes_version(height: u64) -> u64 {
    2 * height
}

/// The JMT key hash of a key (SHA-256, as `jmt::ics23_spec()` expects).
pub(crate) fn key_hash(key: &[u8]) -> KeyHash {
    KeyHash::with::<Sha256>(key)
}

/// Read access to one tree in RocksDB, implementing jmt's reader traits.
pub(crate) struct TreeStore<'a> {
    db: &'a Db,
    tree: &'a [u8],
    /// Nodes and values written earlier in the same height, not yet in RocksDB.
    pending: Option<&'a NodeBatch>,
    /// The version being written, if this reader serves a write (see `get_node_option`).
    writing: Option<u64>,
}

impl<'a> TreeStore<'a> {
    /// The tree `tree` (see [`crate::db`] for tree ids) in `db`, for reads.
    pub(crate) fn new(db: &'a Db, tree: &'a [u8]) -> Self {
        TreeStore {
            db,
            tree,
            pending: None,
            writing: None,
        }
    }

    /// The same tree for writing `version` on top of `pending` (if any).
    fn for_write(db: &'a Db, tree: &'a [u8], version: u64, pending: Option<&'a NodeBatch>) -> Self {
        TreeStore {
            db,
            tree,
            pending,
            writing: Some(version),
        }
    }

    /// The version of the latest root written at or before `version` in RocksDB, with the node.
    pub(crate) fn root_at_or_before(&self, version: u64) -> Result<Option<(u64, Node)>> {
        let prefix = db::root_prefix(self.tree);
        let mut it = self.db.db.raw_iterator_cf(self.db.nodes());
        it.seek_for_prev(db::root_key(self.tree, version));
        if !it.valid() {
            it.status()?;
            return Ok(None);
        }
        let (Some(key), Some(value)) = (it.key(), it.value()) else {
            return Ok(None);
        };
        if key.len() != prefix.len() + 8 || !key.starts_with(&prefix) {
            return Ok(None);
        }
        let found = db::decode_u64(&key[prefix.len()..])?;
        let node = borsh::from_slice(value).context("corrupt JMT root node")?;
        Ok(Some((found, node)))
    }

    /// The root hash of the tree at `height` ([`EMPTY_ROOT`] if it had no keys).
    pub(crate) fn root_hash_at(&self, height: u64) -> Result<[u8; 32]> {
        Ok(Sha256Jmt::new(self)
            .get_root_hash_option(state_version(height))?
            .map_or(EMPTY_ROOT, |RootHash(h)| h))
    }

    /// The value of `key` at `height`.
    pub(crate) fn value_at(&self, key: &[u8], height: u64) -> Result<Option<Vec<u8>>> {
        self.get_value_option(state_version(height), key_hash(key))
    }

    /// The value of `key` at `height` with its ICS-23 proof (existence or non-existence).
    ///
    /// Fails for a tree without keys at `height`: there is nothing a proof could refer to.
    pub(crate) fn prove(
        &self,
        key: &[u8],
        height: u64,
    ) -> Result<(Option<Vec<u8>>, ics23::CommitmentProof)> {
        Sha256Jmt::new(self).get_with_ics23_proof(key.to_vec(), state_version(height))
    }
}

impl TreeReader for TreeStore<'_> {
    fn get_node_option(&self, node_key: &NodeKey) -> Result<Option<Node>> {
        if let Some(node) = self.pending.and_then(|p| p.get_node(node_key)) {
            return Ok(Some(node.clone()));
        }
        if node_key.nibble_path().is_empty() {
            return match self.writing {
                // jmt looks for the root of the version it is writing to learn whether it has
                // already made one (deleting the last key leaves a null root it may drop again);
                // redirecting that lookup would resurrect an older root.
                Some(writing) if node_key.version() >= writing => Ok(None),
                // Writes see a tree that never had a root as the empty tree, which both jmt
                // write paths handle (a missing root fails the batch path).
                Some(_) => Ok(Some(
                    self.root_at_or_before(node_key.version())?
                        .map_or(Node::Null, |(_, node)| node),
                )),
                None => Ok(self
                    .root_at_or_before(node_key.version())?
                    .map(|(_, node)| node)),
            };
        }
        let key = db::node_key(self.tree, node_key);
        match self.db.db.get_pinned_cf(self.db.nodes(), key)? {
            None => Ok(None),
            Some(bytes) => Ok(Some(borsh::from_slice(&bytes).context("corrupt JMT node")?)),
        }
    }

    fn get_value_option(&self, max_version: u64, key_hash: KeyHash) -> Result<Option<OwnedValue>> {
        if let Some(pending) = self.pending {
            let newest = pending
                .values()
                .range((0, key_hash)..=(max_version, key_hash))
                .rev()
                .find(|((_, hash), _)| *hash == key_hash);
            if let Some((_, value)) = newest {
                return Ok(value.clone());
            }
        }
        let prefix = db::key_hash_prefix(self.tree, &key_hash);
        let mut it = self.db.db.raw_iterator_cf(self.db.values());
        it.seek_for_prev(db::value_key(self.tree, &key_hash, max_version));
        if !it.valid() {
            it.status()?;
            return Ok(None);
        }
        match (it.key(), it.value()) {
            (Some(key), Some(value))
                if key.len() == prefix.len() + 8 && key.starts_with(&prefix) =>
            {
                db::decode_value(value)
            }
            _ => Ok(None),
        }
    }

    fn get_rightmost_leaf(&self) -> Result<Option<(NodeKey, LeafNode)>> {
        bail!("the rightmost leaf is only used by jmt's state restore, which Agora does not use")
    }
}

impl HasPreimage for TreeStore<'_> {
    fn preimage(&self, key_hash: KeyHash) -> Result<Option<Vec<u8>>> {
        Ok(self.db.db.get_cf(
            self.db.preimages(),
            db::key_hash_prefix(self.tree, &key_hash),
        )?)
    }
}

/// The computed (not yet written) change of one tree at one height.
pub(crate) struct TreeUpdate {
    tree: Vec<u8>,
    height: u64,
    /// The version of the root this update started from, if the tree had one.
    prev_root: Option<u64>,
    /// The new root hash ([`EMPTY_ROOT`] if the tree is now empty).
    pub(crate) root: [u8; 32],
    /// New nodes to write.
    nodes: BTreeMap<NodeKey, Node>,
    /// New value versions (`None` = deletion).
    values: BTreeMap<(u64, KeyHash), Option<OwnedValue>>,
    /// Nodes of earlier heights that this height replaces.
    stale: Vec<NodeKey>,
    /// Key hashes and keys that are present after this update, for the preimage index.
    preimages: Vec<(KeyHash, Vec<u8>)>,
}

/// Computes the change of `tree` at `height` for `writes` (key, `None` = delete).
///
/// Returns `None` when the tree does not change: it never had a root and every write is a
/// deletion (deleting from an empty tree is a no-op, and writing nothing keeps it rootless).
pub(crate) fn update(
    db: &Db,
    tree: Vec<u8>,
    height: u64,
    writes: Vec<(Vec<u8>, Option<Vec<u8>>)>,
) -> Result<Option<TreeUpdate>> {
    if height == 0 {
        bail!("height 0 is the empty state and is never written");
    }
    let prev_root = TreeStore::new(db, &tree)
        .root_at_or_before(state_version(height - 1))?
        .map(|(v, _)| v);
    let mut preimages = Vec::new();
    let (mut deletes, mut sets) = (Vec::new(), Vec::new());
    for (key, value) in writes {
        let hash = key_hash(&key);
        match value {
            Some(value) => {
                preimages.push((hash, key));
                sets.push((hash, value));
            }
            // Deleting from a tree that never had keys is a no-op.
            None if prev_root.is_some() => deletes.push((hash, None)),
            None => {}
        }
    }
    if deletes.is_empty() && sets.is_empty() {
        return Ok(None);
    }
    let context = || format!("updating the Merkle tree at height {height}");
    let deleted = if deletes.is_empty() {
        None
    } else {
        let reader = TreeStore::for_write(db, &tree, deletes_version(height), None);
        let (RootHash(root), batch) = Sha256Jmt::new(&reader)
            .put_value_set(deletes, deletes_version(height))
            .with_context(context)?;
        Some((root, batch))
    };
    let set = if sets.is_empty() {
        None
    } else {
        let pending = deleted.as_ref().map(|(_, b)| &b.node_batch);
        let reader = TreeStore::for_write(db, &tree, state_version(height), pending);
        let (roots, batch) = Sha256Jmt::new(&reader)
            .batch_put_value_sets(vec![sets], None, state_version(height))
            .with_context(context)?;
        let [RootHash(root)] = roots[..] else {
            bail!("jmt returned {} roots for one version", roots.len());
        };
        Some((root, batch))
    };
    let mut update = TreeUpdate {
        tree,
        height,
        prev_root,
        root: EMPTY_ROOT,
        nodes: BTreeMap::new(),
        values: BTreeMap::new(),
        stale: Vec::new(),
        preimages,
    };
    let both = deleted.is_some() && set.is_some();
    for (root, batch) in [deleted, set].into_iter().flatten() {
        update.root = root;
        update.merge(batch);
    }
    if both {
        // The insertion phase's root supersedes the deletion phase's root.
        let deletes = deletes_version(height);
        update
            .nodes
            .retain(|k, _| !(k.nibble_path().is_empty() && k.version() == deletes));
    }
    if !update.nodes.keys().any(|k| k.nibble_path().is_empty()) {
        bail!("jmt wrote no root at height {height}: the tree layout assumptions broke");
    }
    Ok(Some(update))
}

impl TreeUpdate {
    /// Adds one phase's jmt output (deletion phase first). A node the insertion phase replaces
    /// that the deletion phase created is never written; jmt's stale roots are replaced by
    /// `prev_root` (see the module docs).
    fn merge(&mut self, batch: TreeUpdateBatch) {
        let TreeUpdateBatch {
            node_batch,
            stale_node_index_batch,
            ..
        } = batch;
        self.nodes.extend(
            node_batch
                .nodes()
                .iter()
                .map(|(k, n)| (k.clone(), n.clone())),
        );
        self.values.extend(node_batch.values().clone());
        for stale in stale_node_index_batch {
            if stale.node_key.version() >= deletes_version(self.height) {
                self.nodes.remove(&stale.node_key);
            } else if !stale.node_key.nibble_path().is_empty() {
                self.stale.push(stale.node_key);
            }
        }
    }

    /// Number of new and stale nodes (for commit logs).
    pub(crate) fn node_counts(&self) -> (usize, usize) {
        (self.nodes.len(), self.stale.len())
    }

    /// Adds this update to `batch`: nodes, value versions, preimages and stale-index entries.
    pub(crate) fn stage(&self, db: &Db, batch: &mut WriteBatch) -> Result<()> {
        let tree = self.tree.as_slice();
        for (key, node) in &self.nodes {
            batch.put_cf(db.nodes(), db::node_key(tree, key), borsh::to_vec(node)?);
        }
        for ((version, hash), value) in &self.values {
            batch.put_cf(
                db.values(),
                db::value_key(tree, hash, *version),
                db::encode_value(value.as_deref()),
            );
            batch.put_cf(
                db.stale(),
                db::stale_value_key(self.height, tree, hash),
                b"",
            );
        }
        // Keys in order, which RocksDB's memtable inserts fastest.
        let mut preimages: Vec<_> = self
            .preimages
            .iter()
            .map(|(hash, key)| (db::key_hash_prefix(tree, hash), key))
            .collect();
        preimages.sort_unstable();
        for (hash, key) in preimages {
            batch.put_cf(db.preimages(), hash, key);
        }
        let mut stale: Vec<_> = self.stale.iter().map(|k| db::node_key(tree, k)).collect();
        stale.sort_unstable();
        for node in stale {
            batch.put_cf(db.stale(), db::stale_node_key(self.height, &node), b"");
        }
        if let Some(prev) = self.prev_root {
            let node = db::root_key(tree, prev);
            batch.put_cf(db.stale(), db::stale_node_key(self.height, &node), b"");
        }
        Ok(())
    }
}
