//! The block store: blocks, their commits, FinalizeBlock results and the tx index, in RocksDB.
//!
//! Keys (one column family, prefixed):
//! - `H` → latest stored block height; `R` → latest height with stored results
//! - `G` → the app hash InitChain answered (block `initial_height` carries it)
//! - `I` → InitChain's whole answer (its validators and consensus params start the chain's
//!   validator set history, see [`crate::history`])
//! - `b/<height>` → block (protobuf), `c/<height>` → its commit, `r/<height>` → its results
//! - `v/<height>`, `p/<height>` → the validator set and the consensus params that start at that
//!   height (see [`history`])
//! - `h/<block hash>` → height
//! - `t/<tx hash>` → (height, index)
//! - `e/<type.key>=<value>/<height><index>` → empty: the event attribute index
//!
//! A proposed block is written (synced) at `b/<H+1>` before the validator signs it, so a node
//! that dies after signing proposes the very same block again (the role of CometBFT's WAL).
//! The block and its commit are written (synced) before the app executes it; its results
//! after FinalizeBlock and before the app's Commit. So after a crash the store is never
//! behind the app, and a block the app has not committed can be replayed.
//!
//! The heights (`H`, `R`, the base) are read once at open, so a read error stops the node
//! there, and kept in memory afterwards.

mod history;

pub use history::{HistoryRecords, StoredHistory};

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{anyhow, Context as _, Result};
use prost::Message as _;
use rocksdb::{Direction, IteratorMode, Options, WriteBatch, WriteOptions, DB};
use sha2::{Digest, Sha256};
use tendermint::block::{self, parts, Block, Commit};
use tendermint::merkle::simple_hash_from_byte_vectors;
use tendermint::Hash;
use tendermint_proto::v0_38::abci::{ExecTxResult, ResponseFinalizeBlock, ResponseInitChain};
use tendermint_proto::v0_38::types as raw;
use tendermint_proto::Protobuf;

/// Block parts are this many bytes, as CometBFT's `BlockPartSizeBytes`.
const BLOCK_PART_SIZE: usize = 65536;

/// A committed tx with where it landed and how it ran.
#[derive(Debug, Clone, PartialEq)]
pub struct TxRecord {
    /// SHA-256 of the tx bytes (what CometBFT calls the tx hash).
    pub hash: [u8; 32],
    /// The block height.
    pub height: u64,
    /// Position in the block.
    pub index: u32,
    /// The tx bytes.
    pub tx: Vec<u8>,
    /// Its result from FinalizeBlock.
    pub result: ExecTxResult,
}

/// The tx hash CometBFT uses: SHA-256 of the raw bytes.
pub fn tx_hash(tx: &[u8]) -> [u8; 32] {
    Sha256::digest(tx).into()
}

/// Blocks, commits, results and the tx index of one node.
pub struct BlockStore {
    db: DB,
    /// The lowest stored block height (0 before the first block).
    base: AtomicU64,
    /// `H`.
    height: AtomicU64,
    /// `R`.
    results_height: AtomicU64,
}

fn height_key(prefix: u8, height: u64) -> Vec<u8> {
    let mut key = vec![prefix, b'/'];
    key.extend_from_slice(&height.to_be_bytes());
    key
}

fn read_u64(bytes: &[u8]) -> Result<u64> {
    Ok(u64::from_be_bytes(
        bytes
            .try_into()
            .map_err(|_| anyhow!("corrupt block store: bad height"))?,
    ))
}

/// The prefix under which txs with attribute `key` = `value` are indexed.
fn attribute_prefix(key: &str, value: &str) -> Vec<u8> {
    let mut prefix = b"e/".to_vec();
    prefix.extend_from_slice(key.as_bytes());
    prefix.push(b'=');
    prefix.extend_from_slice(value.as_bytes());
    prefix.push(0);
    prefix
}

/// Bytes of one block-store memtable (RocksDB's default is 64 MiB).
pub const WRITE_BUFFER_BYTES: usize = 16 << 20;

/// The id CometBFT gives a block: its header hash and the header of its 64 KiB part set.
pub fn block_id(block: &Block) -> block::Id {
    let bytes = Protobuf::<raw::Block>::encode_vec(block.clone());
    let parts: Vec<&[u8]> = bytes.chunks(BLOCK_PART_SIZE).collect();
    let parts_hash = simple_hash_from_byte_vectors::<Sha256>(&parts);
    block::Id {
        hash: block.header.hash(),
        part_set_header: parts::Header::new(parts.len() as u32, Hash::Sha256(parts_hash))
            .expect("a block has at least one part"),
    }
}

impl BlockStore {
    /// Opens (or creates) the block store at `path`. Its memtables are bounded
    /// ([`WRITE_BUFFER_BYTES`] each, two at most): blocks are written once and read rarely, so
    /// holding more of them in memory buys nothing.
    pub fn open(path: &Path) -> Result<Self> {
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.set_write_buffer_size(WRITE_BUFFER_BYTES);
        opts.set_max_write_buffer_number(2);
        let db = DB::open(&opts, path)
            .with_context(|| format!("cannot open the block store at {}", path.display()))?;
        let read = |key: &[u8]| -> Result<u64> {
            match db.get(key).context("block store read failed")? {
                Some(bytes) => read_u64(&bytes),
                None => Ok(0),
            }
        };
        let height = read(b"H")?;
        let results_height = read(b"R")?;
        let base = if height == 0 {
            0
        } else {
            first_block_height(&db)?
                .ok_or_else(|| anyhow!("corrupt block store: height {height} but no block"))?
        };
        Ok(Self {
            db,
            base: AtomicU64::new(base),
            height: AtomicU64::new(height),
            results_height: AtomicU64::new(results_height),
        })
    }

    /// The latest stored block's height (0 before the first block).
    pub fn height(&self) -> u64 {
        self.height.load(Ordering::SeqCst)
    }

    /// The latest height whose FinalizeBlock results are stored.
    pub fn results_height(&self) -> u64 {
        self.results_height.load(Ordering::SeqCst)
    }

    /// The lowest stored height: genesis `initial_height` once a block exists (nothing is
    /// pruned yet), 0 before.
    pub fn base(&self) -> u64 {
        self.base.load(Ordering::SeqCst)
    }

    /// Records what InitChain answered: the app hash, which the first block's header
    /// carries, and the validators and consensus params the chain starts with.
    pub fn save_init_chain(&self, response: &ResponseInitChain) -> Result<()> {
        let mut batch = WriteBatch::default();
        batch.put(b"G", &response.app_hash);
        batch.put(b"I", response.encode_to_vec());
        self.write(batch)
    }

    /// InitChain's answer, once recorded (block stores written before it was kept hold
    /// only its app hash: `None`).
    pub fn init_chain(&self) -> Result<Option<ResponseInitChain>> {
        self.db
            .get(b"I")
            .context("block store read failed")?
            .map(|bytes| {
                ResponseInitChain::decode(bytes.as_slice())
                    .context("corrupt stored InitChain answer")
            })
            .transpose()
    }

    /// The app hash InitChain answered, once recorded.
    pub fn init_chain_app_hash(&self) -> Result<Option<Vec<u8>>> {
        self.db.get(b"G").context("block store read failed")
    }

    /// Stores a block proposed at the next height, durably, before it is signed.
    pub fn save_proposal(&self, block: &Block) -> Result<()> {
        let height = block.header.height.value();
        if height <= self.height() {
            return Err(anyhow!(
                "cannot propose height {height}: block {} is already stored",
                self.height()
            ));
        }
        let mut batch = WriteBatch::default();
        batch.put(
            height_key(b'b', height),
            Protobuf::<raw::Block>::encode_vec(block.clone()),
        );
        self.write(batch)
    }

    /// The block proposed at `height` above the stored ones, if one was saved.
    pub fn proposal(&self, height: u64) -> Result<Option<Block>> {
        if height <= self.height() {
            return Ok(None);
        }
        self.read_block(height)
    }

    fn write(&self, batch: WriteBatch) -> Result<()> {
        let mut opts = WriteOptions::default();
        opts.set_sync(true);
        self.db
            .write_opt(batch, &opts)
            .context("block store write failed")
    }

    /// Stores a block and the commit that finalized it, durably.
    pub fn save_block(&self, block: &Block, commit: &Commit) -> Result<()> {
        let height = block.header.height.value();
        let mut batch = WriteBatch::default();
        batch.put(
            height_key(b'b', height),
            Protobuf::<raw::Block>::encode_vec(block.clone()),
        );
        batch.put(
            height_key(b'c', height),
            raw::Commit::from(commit.clone()).encode_to_vec(),
        );
        let mut hash_key = b"h/".to_vec();
        hash_key.extend_from_slice(block.header.hash().as_bytes());
        batch.put(hash_key, height.to_be_bytes());
        batch.put(b"H", height.to_be_bytes());
        self.write(batch)?;
        self.height.store(height, Ordering::SeqCst);
        // Only the first block sets the base; later ones leave it.
        let _ = self
            .base
            .compare_exchange(0, height, Ordering::SeqCst, Ordering::SeqCst);
        Ok(())
    }

    /// Stores a block's FinalizeBlock results, the validator set and consensus params they
    /// start (`history`), and indexes its txs, durably and at once.
    pub fn save_results(
        &self,
        height: u64,
        txs: &[Vec<u8>],
        results: &ResponseFinalizeBlock,
        history: &HistoryRecords,
    ) -> Result<()> {
        let mut batch = WriteBatch::default();
        history.put(&mut batch);
        batch.put(height_key(b'r', height), results.encode_to_vec());
        for (index, (tx, result)) in txs.iter().zip(&results.tx_results).enumerate() {
            let mut position = height.to_be_bytes().to_vec();
            position.extend_from_slice(&(index as u32).to_be_bytes());
            let mut tx_key = b"t/".to_vec();
            tx_key.extend_from_slice(&tx_hash(tx));
            batch.put(tx_key, &position);
            for event in &result.events {
                for attribute in event.attributes.iter().filter(|a| a.index) {
                    let mut key = attribute_prefix(
                        &format!("{}.{}", event.r#type, attribute.key),
                        &attribute.value,
                    );
                    key.extend_from_slice(&position);
                    batch.put(key, []);
                }
            }
        }
        batch.put(b"R", height.to_be_bytes());
        self.write(batch)?;
        self.results_height.store(height, Ordering::SeqCst);
        Ok(())
    }

    /// The block at `height`.
    pub fn block(&self, height: u64) -> Result<Option<Block>> {
        if height > self.height() {
            return Ok(None);
        }
        self.read_block(height)
    }

    fn read_block(&self, height: u64) -> Result<Option<Block>> {
        self.db
            .get(height_key(b'b', height))?
            .map(|bytes| Protobuf::<raw::Block>::decode_vec(&bytes).context("corrupt stored block"))
            .transpose()
    }

    /// The commit that finalized the block at `height`.
    pub fn commit(&self, height: u64) -> Result<Option<Commit>> {
        self.db
            .get(height_key(b'c', height))?
            .map(|bytes| {
                let raw = raw::Commit::decode(bytes.as_slice()).context("corrupt stored commit")?;
                Commit::try_from(raw).context("corrupt stored commit")
            })
            .transpose()
    }

    /// The FinalizeBlock results of the block at `height`.
    pub fn results(&self, height: u64) -> Result<Option<ResponseFinalizeBlock>> {
        self.db
            .get(height_key(b'r', height))?
            .map(|bytes| {
                ResponseFinalizeBlock::decode(bytes.as_slice()).context("corrupt stored results")
            })
            .transpose()
    }

    /// The block's id, size and header at `height`.
    pub fn block_meta(&self, height: u64) -> Result<Option<block::Meta>> {
        let Some(block) = self.block(height)? else {
            return Ok(None);
        };
        Ok(Some(block::Meta {
            block_id: block_id(&block),
            block_size: Protobuf::<raw::Block>::encode_vec(block.clone()).len() as i64,
            num_txs: block.data.len() as i64,
            header: block.header,
        }))
    }

    /// The height of the block whose header hash is `hash`.
    pub fn height_by_hash(&self, hash: &[u8]) -> Result<Option<u64>> {
        let mut key = b"h/".to_vec();
        key.extend_from_slice(hash);
        self.db.get(key)?.map(|b| read_u64(&b)).transpose()
    }

    /// The committed tx at (`height`, `index`).
    pub fn tx_at(&self, height: u64, index: u32) -> Result<Option<TxRecord>> {
        let (Some(block), Some(results)) = (self.block(height)?, self.results(height)?) else {
            return Ok(None);
        };
        let (Some(tx), Some(result)) = (
            block.data.get(index as usize),
            results.tx_results.get(index as usize),
        ) else {
            return Ok(None);
        };
        Ok(Some(TxRecord {
            hash: tx_hash(tx),
            height,
            index,
            tx: tx.clone(),
            result: result.clone(),
        }))
    }

    /// The committed tx with this hash.
    pub fn tx(&self, hash: &[u8]) -> Result<Option<TxRecord>> {
        let mut key = b"t/".to_vec();
        key.extend_from_slice(hash);
        let Some(position) = self.db.get(key)? else {
            return Ok(None);
        };
        let (height, index) = split_position(&position)?;
        self.tx_at(height, index)
    }

    /// (height, index) of every committed tx with an event attribute `key` (`type.key`)
    /// equal to `value`, in chain order.
    pub fn txs_with_attribute(&self, key: &str, value: &str) -> Result<Vec<(u64, u32)>> {
        let prefix = attribute_prefix(key, value);
        let mut found = Vec::new();
        for item in self
            .db
            .iterator(IteratorMode::From(&prefix, Direction::Forward))
        {
            let (k, _) = item?;
            let Some(position) = k.strip_prefix(prefix.as_slice()) else {
                break;
            };
            found.push(split_position(position)?);
        }
        Ok(found)
    }
}

/// The height of the first `b/<height>` key.
fn first_block_height(db: &DB) -> Result<Option<u64>> {
    let prefix = [b'b', b'/'];
    let Some(item) = db
        .iterator(IteratorMode::From(&prefix, Direction::Forward))
        .next()
    else {
        return Ok(None);
    };
    let (key, _) = item.context("block store read failed")?;
    match key.strip_prefix(&prefix[..]) {
        Some(height) => read_u64(height).map(Some),
        None => Ok(None),
    }
}

fn split_position(bytes: &[u8]) -> Result<(u64, u32)> {
    if bytes.len() != 12 {
        return Err(anyhow!("corrupt tx index entry"));
    }
    let height = read_u64(&bytes[..8])?;
    let index = u32::from_be_bytes(bytes[8..].try_into().expect("4 bytes"));
    Ok((height, index))
}
