//! Binary SHA-256 Merkle trees with domain-separated leaves and nodes and the leaf count bound
//! into the root. An odd node at the end of a level is carried up unchanged (no duplication, so
//! no CVE-2012-2459-style ambiguity).

use crate::hash::Hash;

/// Hash of a leaf's bytes: `H(0x00 || bytes)`.
pub fn leaf_hash(bytes: &[u8]) -> Hash {
    Hash::of_parts(&[&[0u8], bytes])
}

fn node_hash(l: &Hash, r: &Hash) -> Hash {
    Hash::of_parts(&[&[1u8], &l.0, &r.0])
}

fn bind_count(n: u64, top: &Hash) -> Hash {
    Hash::of_parts(&[&[2u8], &n.to_le_bytes(), &top.0])
}

/// A Merkle tree kept level by level so proofs can be produced for any leaf.
#[derive(Clone, Debug)]
pub struct MerkleTree {
    levels: Vec<Vec<Hash>>,
}

impl MerkleTree {
    /// Builds the tree over leaf hashes (see [`leaf_hash`]).
    pub fn new(leaves: Vec<Hash>) -> Self {
        let mut levels = vec![leaves];
        while levels.last().map_or(0, Vec::len) > 1 {
            let prev = levels.last().expect("non-empty");
            let next = prev
                .chunks(2)
                .map(|c| {
                    if c.len() == 2 {
                        node_hash(&c[0], &c[1])
                    } else {
                        c[0]
                    }
                })
                .collect();
            levels.push(next);
        }
        Self { levels }
    }

    /// Number of leaves.
    pub fn len(&self) -> u64 {
        self.levels[0].len() as u64
    }

    /// True when the tree has no leaves.
    pub fn is_empty(&self) -> bool {
        self.levels[0].is_empty()
    }

    /// Root: `H(0x02 || n as u64 LE || top node)`; the top node of an empty tree is all zeros.
    pub fn root(&self) -> Hash {
        let top = self
            .levels
            .last()
            .and_then(|l| l.first())
            .copied()
            .unwrap_or_default();
        bind_count(self.len(), &top)
    }

    /// Sibling hashes from the leaf up to the top, skipping levels where the node has no sibling.
    pub fn proof(&self, index: u64) -> Vec<Hash> {
        let mut i = index as usize;
        let mut out = Vec::new();
        for level in &self.levels[..self.levels.len().saturating_sub(1)] {
            let sib = i ^ 1;
            if sib < level.len() {
                out.push(level[sib]);
            }
            i /= 2;
        }
        out
    }
}

/// Checks that `leaf` is leaf number `index` of an `n`-leaf tree with the given root.
pub fn verify_proof(root: &Hash, n: u64, index: u64, leaf: &Hash, proof: &[Hash]) -> bool {
    if index >= n {
        return false;
    }
    let (mut i, mut len, mut cur) = (index, n, *leaf);
    let mut siblings = proof.iter();
    while len > 1 {
        let sib = i ^ 1;
        if sib < len {
            let Some(s) = siblings.next() else {
                return false;
            };
            cur = if i % 2 == 0 {
                node_hash(&cur, s)
            } else {
                node_hash(s, &cur)
            };
        }
        i /= 2;
        len = len.div_ceil(2);
    }
    siblings.next().is_none() && bind_count(n, &cur) == *root
}
