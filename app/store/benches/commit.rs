//! Commit throughput: blocks of 6,000 changed keys (about 2,000 txs) over 3 modules, on top of
//! a state of 300,000 keys, with and without pruning.

use std::time::{Duration, Instant};

use agora_core::store::module_key;
use agora_store::{Store, StoreOptions};
use criterion::{criterion_group, criterion_main, Criterion};

const EXISTING_KEYS: u64 = 300_000;
const CHANGED_KEYS: u64 = 6_000;

/// splitmix64: a fixed pseudo-random sequence, so every run commits the same blocks.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Account `i`'s key in a module: a prefix plus a 20-byte address, like cw-storage-plus maps.
fn key(module: &str, i: u64) -> Vec<u8> {
    let mut k = b"\x00\x08balances".to_vec();
    for j in 0..3 {
        k.extend_from_slice(&mix(i * 3 + j).to_be_bytes()[..if j == 2 { 4 } else { 8 }]);
    }
    module_key(module, &k)
}

/// A block's net writes at `height`: bank balances (two per tx), auth sequences (one per tx),
/// mostly updates of existing accounts, a few new ones.
fn block(height: u64) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    let value = |i: u64| (mix(height ^ i) % 1_000_000_000).to_string().into_bytes();
    (0..CHANGED_KEYS)
        .map(|n| {
            let account = mix(height * CHANGED_KEYS + n) % (EXISTING_KEYS / 2 + height * 50);
            let module = if n % 3 == 0 { "auth" } else { "bank" };
            (key(module, account), Some(value(n)))
        })
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .collect()
}

fn prepared(keep_recent: u64) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), StoreOptions::keeping(keep_recent)).unwrap();
    let chunk = 50_000;
    for start in (0..EXISTING_KEYS / 2).step_by(chunk as usize) {
        let writes = (start..start + chunk).flat_map(|i| {
            [("bank", i), ("auth", i)].map(|(m, i)| (key(m, i), Some(i.to_be_bytes().to_vec())))
        });
        let h = store.height() + 1;
        store.commit(h, writes).unwrap();
    }
    (dir, store)
}

fn bench_commit(c: &mut Criterion) {
    // RUST_LOG=agora_store=debug shows each commit's phase timings.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .try_init();
    let mut group = c.benchmark_group("commit");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(20));
    for keep_recent in [0, 100] {
        let (_dir, mut store) = prepared(keep_recent);
        let name = format!("6000_keys_over_300k_keep_recent_{keep_recent}");
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let h = store.height() + 1;
                    let writes = block(h);
                    let started = Instant::now();
                    store.commit(h, writes).unwrap();
                    spent += started.elapsed();
                }
                spent
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_commit);
criterion_main!(benches);
