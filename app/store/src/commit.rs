//! Committing one height: per-module trees, the root tree, latest values, pruning, metadata,
//! all in one synced RocksDB `WriteBatch`.

use std::cmp::Reverse;
use std::collections::btree_map::{BTreeMap, Entry};
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use rocksdb::{WriteBatch, WriteOptions};

use crate::db::{self, Db};
use crate::store::{substore_tree, Store};
use crate::tree::{self, TreeUpdate, EMPTY_ROOT};

/// One module's writes at a height: module name and (module key, value or `None` = delete).
type ModuleWrites = (String, Vec<(Vec<u8>, Option<Vec<u8>>)>);

/// One height computed and ready to write: the new app hash is known, nothing is durable yet.
///
/// FinalizeBlock stages (so it can answer with the app hash) and Commit applies, as ABCI 2.0
/// separates them; a crash in between loses the staged height, which the consensus engine then
/// replays.
pub struct Staged {
    height: u64,
    app_hash: [u8; 32],
    earliest: u64,
    prune_cursor: u64,
    batch: WriteBatch,
    key_count: usize,
    started: Instant,
}

impl Staged {
    /// The app hash the height will have once applied.
    pub fn app_hash(&self) -> [u8; 32] {
        self.app_hash
    }

    /// The height this stages.
    pub fn height(&self) -> u64 {
        self.height
    }
}

impl Store {
    /// Commits one height atomically and returns the new app hash: [`Store::stage`] then
    /// [`Store::apply`].
    pub fn commit(
        &mut self,
        height: u64,
        writes: impl IntoIterator<Item = (Vec<u8>, Option<Vec<u8>>)>,
    ) -> Result<[u8; 32]> {
        let staged = self.stage(height, writes)?;
        let app_hash = staged.app_hash();
        self.apply(staged)?;
        Ok(app_hash)
    }

    /// Computes height `height` (which must be `height() + 1`, or any height on an empty store) from the block's net writes over
    /// flat keys (`None` = delete), without making anything durable.
    ///
    /// The writes' order does not matter; a key given twice is an error, as is a key outside the
    /// flat layout. Everything the height needs (JMT nodes, value versions, latest values, stale
    /// index, pruning, height and app hash) is gathered into one RocksDB `WriteBatch`.
    pub fn stage(
        &self,
        height: u64,
        writes: impl IntoIterator<Item = (Vec<u8>, Option<Vec<u8>>)>,
    ) -> Result<Staged> {
        ensure!(
            self.is_next_height(height),
            "cannot commit height {height}: the last committed height is {}",
            self.height
        );
        let started = Instant::now();
        let mut flat = BTreeMap::new();
        for (key, value) in writes {
            match flat.entry(key) {
                Entry::Occupied(e) => {
                    bail!(
                        "key {:?} written twice in the commit of height {height}",
                        e.key()
                    )
                }
                Entry::Vacant(e) => {
                    e.insert(value);
                }
            }
        }
        let key_count = flat.len();

        let mut batch = WriteBatch::default();
        let earliest = self.target_earliest(height);
        let (pruned, prune_cursor) = self.stage_prune(&mut batch, earliest)?;
        let prune_time = started.elapsed();

        let modules = group_by_module(&self.db, &mut batch, flat)?;
        let updates = update_substores(&self.db, height, modules)?;
        let root_writes: Vec<_> = updates
            .iter()
            .map(|(module, u)| {
                let root = (u.root != EMPTY_ROOT).then(|| u.root.to_vec());
                (module.as_bytes().to_vec(), root)
            })
            .collect();
        let root_update = tree::update(&self.db, db::ROOT_TREE.to_vec(), height, root_writes)?;
        let app_hash = root_update.as_ref().map_or(self.app_hash, |u| u.root);
        let tree_time = started.elapsed();

        let (mut new_nodes, mut stale_nodes) = (0, 0);
        for update in updates.iter().map(|(_, u)| u).chain(root_update.iter()) {
            update.stage(&self.db, &mut batch)?;
            let (new, stale) = update.node_counts();
            new_nodes += new;
            stale_nodes += stale;
        }
        let meta = self.db.meta();
        batch.put_cf(meta, db::META_HEIGHT, height.to_be_bytes());
        batch.put_cf(meta, db::META_APP_HASH, app_hash);
        batch.put_cf(meta, db::META_EARLIEST, earliest.to_be_bytes());
        tracing::debug!(
            height,
            keys = key_count,
            trees = updates.len(),
            new_nodes,
            stale_nodes,
            pruned,
            batch_bytes = batch.size_in_bytes(),
            prune_ms = prune_time.as_millis() as u64,
            tree_ms = (tree_time - prune_time).as_millis() as u64,
            stage_ms = (started.elapsed() - tree_time).as_millis() as u64,
            app_hash = %hex::encode(app_hash),
            "staged height"
        );
        Ok(Staged {
            height,
            app_hash,
            earliest,
            prune_cursor,
            batch,
            key_count,
            started,
        })
    }

    /// Makes a staged height durable: one synced RocksDB write. Errors (changing nothing) if
    /// the store moved since the height was staged.
    pub fn apply(&mut self, staged: Staged) -> Result<()> {
        let Staged {
            height,
            app_hash,
            earliest,
            prune_cursor,
            batch,
            key_count,
            started,
        } = staged;
        ensure!(
            self.is_next_height(height),
            "cannot apply height {height}: it was staged against another state (last committed height {})",
            self.height
        );
        let write_started = Instant::now();
        let mut sync = WriteOptions::default();
        sync.set_sync(true);
        self.db
            .db
            .write_opt(batch, &sync)
            .with_context(|| format!("writing height {height} to the state database"))?;
        self.height = height;
        self.app_hash = app_hash;
        self.earliest = earliest;
        self.prune_cursor = prune_cursor;
        tracing::debug!(
            height,
            keys = key_count,
            write_ms = write_started.elapsed().as_millis() as u64,
            total_ms = started.elapsed().as_millis() as u64,
            "committed height"
        );
        Ok(())
    }

    /// Whether `height` may be committed next: `height() + 1`, or any height on an empty store
    /// (a chain whose genesis `initial_height` is above 1 commits that height first).
    fn is_next_height(&self, height: u64) -> bool {
        if self.height == 0 {
            height >= 1
        } else {
            height == self.height + 1
        }
    }

    /// The earliest retained height once `height` is committed.
    fn target_earliest(&self, height: u64) -> u64 {
        match self.opts.keep_recent {
            0 => self.earliest,
            keep => self.earliest.max((height + 1).saturating_sub(keep)),
        }
    }
}

/// Stages the `latest` column family writes and splits the flat writes per module.
fn group_by_module(
    db: &Db,
    batch: &mut WriteBatch,
    flat: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
) -> Result<Vec<ModuleWrites>> {
    let mut modules: Vec<ModuleWrites> = Vec::new();
    for (flat_key, value) in flat {
        match &value {
            Some(v) => batch.put_cf(db.latest(), &flat_key, v),
            None => batch.delete_cf(db.latest(), &flat_key),
        }
        let Some((module, key)) = agora_core::store::split_module_key(&flat_key) else {
            bail!("flat key {flat_key:?} does not start with a module prefix");
        };
        let entry = (key.to_vec(), value);
        match modules.last_mut() {
            Some((last, writes)) if last == module => writes.push(entry),
            _ => modules.push((module.to_owned(), vec![entry])),
        }
    }
    Ok(modules)
}

/// Computes every written module's tree update, on two threads when more than one module
/// changed. Trees are independent, so the outcome does not depend on scheduling.
fn update_substores(
    db: &Db,
    height: u64,
    modules: Vec<ModuleWrites>,
) -> Result<Vec<(String, TreeUpdate)>> {
    let run = |(module, writes): ModuleWrites| -> Result<Option<(String, TreeUpdate)>> {
        let tree = substore_tree(&module)?;
        Ok(tree::update(db, tree, height, writes)
            .with_context(|| format!("module {module}"))?
            .map(|u| (module, u)))
    };
    let results: Vec<Result<Option<(String, TreeUpdate)>>> = if modules.len() > 1 {
        // Two bins of about equal key counts, largest module first.
        let mut modules = modules;
        modules.sort_by_key(|m| Reverse(m.1.len()));
        let (mut here, mut there) = (Vec::new(), Vec::new());
        let (mut here_keys, mut there_keys) = (0, 0);
        for m in modules {
            if here_keys <= there_keys {
                here_keys += m.1.len();
                here.push(m);
            } else {
                there_keys += m.1.len();
                there.push(m);
            }
        }
        std::thread::scope(|s| {
            let other = s.spawn(|| there.into_iter().map(run).collect::<Vec<_>>());
            let mut done: Vec<_> = here.into_iter().map(run).collect();
            done.extend(other.join().expect("tree update thread panicked"));
            done
        })
    } else {
        modules.into_iter().map(run).collect()
    };
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        if let Some(u) = r? {
            out.push(u);
        }
    }
    Ok(out)
}
