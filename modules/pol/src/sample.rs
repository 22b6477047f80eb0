//! Choosing which segments a verifier re-executes.
//!
//! Segment j (0-based) covers steps `j*k + 1 ..= (j+1)*k` and starts from checkpoint `j*k`. From a
//! 32-byte seed the verifier draws s segments uniformly with replacement (ChaCha20), then adds the
//! Q segments with the largest committed update norm (max over their steps; ties go to the lower
//! index). A worker who faked a fraction f of segments escapes the uniform draws with probability
//! (1-f)^s.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::attest::StepLeaf;
use crate::hash::Hash;

/// Unbiased uniform draw from `0..bound` by rejection (`bound > 0`).
pub fn below(rng: &mut impl RngCore, bound: u64) -> u64 {
    let zone = u64::MAX - (u64::MAX % bound);
    loop {
        let x = rng.next_u64();
        if x < zone {
            return x % bound;
        }
    }
}

/// The chain's sampling seed: `SHA-256(block hash || attestation id)`, with the block chosen after
/// the attestation was included so the worker cannot predict it.
pub fn derive_seed(block_hash: &[u8], attestation_id: &Hash) -> [u8; 32] {
    Hash::of_parts(&[block_hash, &attestation_id.0]).0
}

/// Sorted, de-duplicated segment indices to verify.
pub fn sample_segments(
    seed: &[u8; 32],
    leaves: &[StepLeaf],
    k: u64,
    s: u32,
    top_q: u32,
) -> Vec<u64> {
    let m = leaves.len() as u64 / k;
    if m == 0 {
        return Vec::new();
    }
    let mut rng = ChaCha20Rng::from_seed(*seed);
    let mut out: Vec<u64> = (0..s).map(|_| below(&mut rng, m)).collect();
    let mut by_norm: Vec<(u64, f32)> = leaves
        .chunks(k as usize)
        .take(m as usize)
        .enumerate()
        .map(|(j, c)| {
            (
                j as u64,
                c.iter()
                    .map(StepLeaf::update_norm)
                    .fold(f32::NEG_INFINITY, f32::max),
            )
        })
        .collect();
    by_norm.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out.extend(by_norm.iter().take(top_q as usize).map(|(j, _)| *j));
    out.sort_unstable();
    out.dedup();
    out
}
