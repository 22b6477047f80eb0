//! Datasets as content-addressed shards with a Merkle root over example hashes, the data order,
//! and the built-in datasets.
//!
//! A dataset of n examples has root `MerkleTree(leaf_hash(example_i)).root()` (n bound in). It is
//! published as shards of consecutive examples, each example stored with its Merkle proof, plus a
//! [`Manifest`] listing the shard blobs. Batches fetched from untrusted stores are authenticated by
//! the proofs against the spec's `dataset_root`, never by the manifest.

use std::cell::RefCell;
use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

use crate::blob::{BlobError, BlobStore};
use crate::error::{PolError, Result};
use crate::hash::Hash;
use crate::merkle::{leaf_hash, verify_proof, MerkleTree};
use crate::sample::below;

/// Text of the Apache License 2.0 (the project's licence), the built-in character corpus.
pub const CORPUS: &str = include_str!("../data/corpus.txt");

/// Examples per shard when publishing.
pub const SHARD_SIZE: usize = 64;

/// An in-memory dataset with its Merkle tree.
#[derive(Clone, Debug)]
pub struct Dataset {
    examples: Vec<Vec<u8>>,
    tree: MerkleTree,
}

/// Index of published shards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The dataset root the shards claim to prove into.
    pub root: Hash,
    /// Number of examples n.
    pub examples: u64,
    /// Examples per shard (the last may hold fewer).
    pub shard_size: u64,
    /// Shard blob hashes in order.
    pub shards: Vec<Hash>,
}

/// One shard: consecutive examples with their Merkle proofs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    /// Index of the first example.
    pub first: u64,
    /// Examples in order.
    pub examples: Vec<ShardExample>,
}

/// An example's bytes (hex) and its proof.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardExample {
    /// Example bytes, hex encoded.
    pub data: String,
    /// Sibling hashes from leaf to root.
    pub proof: Vec<Hash>,
}

impl Dataset {
    /// Builds a dataset; it must not be empty.
    pub fn new(examples: Vec<Vec<u8>>) -> Result<Self> {
        if examples.is_empty() {
            return Err(PolError::Data(
                "a dataset needs at least one example".into(),
            ));
        }
        let tree = MerkleTree::new(examples.iter().map(|e| leaf_hash(e)).collect());
        Ok(Self { examples, tree })
    }

    /// Merkle root over example hashes (what a spec commits to).
    pub fn root(&self) -> Hash {
        self.tree.root()
    }

    /// Number of examples.
    pub fn len(&self) -> usize {
        self.examples.len()
    }

    /// Always false: datasets are never empty.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Example `i`.
    pub fn example(&self, i: usize) -> &[u8] {
        &self.examples[i]
    }

    /// The batch of step `step` under `order_seed`.
    pub fn batch(&self, order_seed: u64, step: u64, batch_size: usize) -> Vec<Vec<u8>> {
        batch_indices(order_seed, step, batch_size, self.len())
            .into_iter()
            .map(|i| self.examples[i].clone())
            .collect()
    }

    /// Writes shards and the manifest to `store`; returns the manifest's hash.
    pub fn publish(&self, store: &dyn BlobStore) -> Result<Hash> {
        let mut shards = Vec::new();
        for (s, chunk) in self.examples.chunks(SHARD_SIZE).enumerate() {
            let first = (s * SHARD_SIZE) as u64;
            let examples = chunk
                .iter()
                .enumerate()
                .map(|(j, e)| ShardExample {
                    data: hex::encode(e),
                    proof: self.tree.proof(first + j as u64),
                })
                .collect();
            shards.push(
                store.put(
                    &serde_json::to_vec(&Shard { first, examples }).expect("shard serialises"),
                )?,
            );
        }
        let manifest = Manifest {
            root: self.root(),
            examples: self.len() as u64,
            shard_size: SHARD_SIZE as u64,
            shards,
        };
        Ok(store.put(&serde_json::to_vec(&manifest).expect("manifest serialises"))?)
    }

    /// Synthetic classification set: `classes` random i8 centres in `dim` dimensions; each example
    /// is a centre plus uniform noise in [-24, 24], clamped, with its class as the label byte.
    pub fn synthetic_classification(
        n: usize,
        dim: usize,
        classes: usize,
        seed: u64,
    ) -> Result<Self> {
        let mut rng = ChaCha20Rng::from_seed(
            Hash::of_parts(&[b"agora-pol/synthetic", &seed.to_le_bytes()]).0,
        );
        let centres: Vec<Vec<i32>> = (0..classes)
            .map(|_| (0..dim).map(|_| below(&mut rng, 97) as i32 - 48).collect())
            .collect();
        let examples = (0..n)
            .map(|_| {
                let c = below(&mut rng, classes as u64) as usize;
                let mut e = vec![c as u8];
                e.extend(centres[c].iter().map(|&x| {
                    ((x + below(&mut rng, 49) as i32 - 24).clamp(-127, 127) as i8) as u8
                }));
                e
            })
            .collect();
        Self::new(examples)
    }

    /// Character windows of `context + 1` bytes taken every `stride` bytes of ASCII `text`.
    pub fn char_windows(text: &str, context: usize, stride: usize) -> Result<Self> {
        let bytes = text.as_bytes();
        if !text.is_ascii() || stride == 0 || bytes.len() <= context {
            return Err(PolError::Data(
                "char windows need ASCII text longer than the context and a non-zero stride".into(),
            ));
        }
        Self::new(
            (0..=bytes.len() - context - 1)
                .step_by(stride)
                .map(|i| bytes[i..=i + context].to_vec())
                .collect(),
        )
    }

    /// The built-in datasets, by name: `synthetic-16x4` (512 examples, 16 features, 4 classes) and
    /// `apache-2.0-chars-32` (32-character windows of [`CORPUS`], stride 4).
    pub fn builtin() -> Vec<(&'static str, Dataset)> {
        vec![
            (
                "synthetic-16x4",
                Self::synthetic_classification(512, 16, 4, 1).expect("valid"),
            ),
            (
                "apache-2.0-chars-32",
                Self::char_windows(CORPUS, 32, 4).expect("valid"),
            ),
        ]
    }
}

/// Example indices of step `step` (1-based; `step` must be at least 1): position p = (step-1)*B + i walks through one
/// Fisher-Yates permutation per epoch, keyed by `SHA-256("agora-pol/order" || seed || epoch)`.
pub fn batch_indices(order_seed: u64, step: u64, batch_size: usize, n: usize) -> Vec<usize> {
    let mut perms: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    let start = (step - 1) * batch_size as u64;
    (start..start + batch_size as u64)
        .map(|p| {
            let (epoch, at) = (p / n as u64, (p % n as u64) as usize);
            perms
                .entry(epoch)
                .or_insert_with(|| permutation(order_seed, epoch, n))[at]
        })
        .collect()
}

fn permutation(seed: u64, epoch: u64, n: usize) -> Vec<usize> {
    let mut rng = ChaCha20Rng::from_seed(
        Hash::of_parts(&[
            b"agora-pol/order",
            &seed.to_le_bytes(),
            &epoch.to_le_bytes(),
        ])
        .0,
    );
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        v.swap(i, below(&mut rng, i as u64 + 1) as usize);
    }
    v
}

/// Why a remote batch could not be used.
#[derive(Debug)]
pub enum DataFault {
    /// A shard or the manifest was not served.
    Missing(Hash),
    /// Example `index` failed its Merkle proof (or the manifest is inconsistent).
    BadProof {
        /// Example index.
        index: u64,
        /// What failed.
        detail: String,
    },
    /// The verifier's own access to the store failed.
    Error(PolError),
}

impl From<BlobError> for DataFault {
    fn from(e: BlobError) -> Self {
        match e {
            BlobError::NotFound(h) => Self::Missing(h),
            other => Self::Error(other.into()),
        }
    }
}

/// A dataset read from a blob store, authenticated example by example against a trusted root.
pub struct RemoteDataset<'a> {
    store: &'a dyn BlobStore,
    root: Hash,
    manifest: Manifest,
    shards: RefCell<BTreeMap<usize, Shard>>,
}

impl<'a> RemoteDataset<'a> {
    /// Fetches the manifest `manifest` and checks it claims `root`.
    pub fn open(
        store: &'a dyn BlobStore,
        manifest: &Hash,
        root: Hash,
    ) -> std::result::Result<Self, DataFault> {
        let bytes = store.get(manifest)?;
        let manifest: Manifest =
            serde_json::from_slice(&bytes).map_err(|e| DataFault::BadProof {
                index: 0,
                detail: format!("manifest {manifest} is not valid JSON: {e}"),
            })?;
        if manifest.root != root || manifest.examples == 0 || manifest.shard_size == 0 {
            return Err(DataFault::BadProof {
                index: 0,
                detail: format!(
                    "manifest claims root {} and {} examples; the committed root is {root}",
                    manifest.root, manifest.examples
                ),
            });
        }
        Ok(Self {
            store,
            root,
            manifest,
            shards: RefCell::new(BTreeMap::new()),
        })
    }

    /// Number of examples the manifest declares (bound into every proof).
    pub fn len(&self) -> usize {
        self.manifest.examples as usize
    }

    /// Always false: a manifest with no examples is rejected by [`RemoteDataset::open`].
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Example `index`, after checking its Merkle proof against the trusted root.
    pub fn example(&self, index: u64) -> std::result::Result<Vec<u8>, DataFault> {
        let s = (index / self.manifest.shard_size) as usize;
        let bad = |detail: String| DataFault::BadProof { index, detail };
        if !self.shards.borrow().contains_key(&s) {
            let hash = self
                .manifest
                .shards
                .get(s)
                .ok_or_else(|| bad(format!("manifest has no shard {s}")))?;
            let shard: Shard = serde_json::from_slice(&self.store.get(hash)?)
                .map_err(|e| bad(format!("shard {hash} is not valid JSON: {e}")))?;
            self.shards.borrow_mut().insert(s, shard);
        }
        let shards = self.shards.borrow();
        let shard = &shards[&s];
        let ex = index
            .checked_sub(shard.first)
            .and_then(|j| shard.examples.get(j as usize))
            .ok_or_else(|| bad(format!("shard {s} does not hold example {index}")))?;
        let data =
            hex::decode(&ex.data).map_err(|e| bad(format!("example data is not hex: {e}")))?;
        if !verify_proof(
            &self.root,
            self.manifest.examples,
            index,
            &leaf_hash(&data),
            &ex.proof,
        ) {
            return Err(bad(format!(
                "Merkle proof of example {index} does not lead to root {}",
                self.root
            )));
        }
        Ok(data)
    }

    /// The authenticated batch of `step`.
    pub fn batch(
        &self,
        order_seed: u64,
        step: u64,
        batch_size: usize,
    ) -> std::result::Result<Vec<Vec<u8>>, DataFault> {
        batch_indices(order_seed, step, batch_size, self.len())
            .into_iter()
            .map(|i| self.example(i as u64))
            .collect()
    }
}
