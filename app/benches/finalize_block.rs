//! FinalizeBlock + Commit throughput on blocks of 2,000 signed MsgSends from 1,000 accounts,
//! next to the machine's limit: raw secp256k1 verifications per second on all cores.

use std::cell::RefCell;

use agora_app::sigverify::{verify, SignatureCache, SignatureCheck, VerifiedSignatures};
use agora_app::testing::{
    bank_send, finalize_request, funded_app_state, init_chain_request, Signer, TestKey, TxSpec,
};
use agora_app::{App, AppConfig};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const ACCOUNTS: usize = 1_000;
const TXS_PER_BLOCK: usize = 2_000;
const CHAIN: &str = "bench-1";

struct Senders {
    keys: Vec<TestKey>,
    sequences: Vec<u64>,
    height: u64,
}

impl Senders {
    /// The next block: every account sends twice, so sequences and signatures are all real.
    fn next_block(&mut self) -> Vec<Vec<u8>> {
        let mut txs = Vec::with_capacity(TXS_PER_BLOCK);
        for i in 0..TXS_PER_BLOCK {
            let from = i % ACCOUNTS;
            let to = (i * 7 + 1) % ACCOUNTS;
            let mut spec = TxSpec::new(
                CHAIN,
                vec![bank_send(
                    &self.keys[from].address,
                    &self.keys[to].address,
                    1,
                )],
                Signer {
                    key: &self.keys[from],
                    account_number: from as u64,
                    sequence: self.sequences[from],
                },
            );
            spec.fee = vec![("uagr", 2_000)];
            self.sequences[from] += 1;
            txs.push(spec.sign());
        }
        txs
    }
}

fn finalize_and_commit(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(dir.path(), AppConfig::default()).unwrap();
    let keys: Vec<TestKey> = (0..ACCOUNTS as u64).map(TestKey::from_seed).collect();
    app.init_chain(init_chain_request(
        CHAIN,
        &funded_app_state(&keys, 1_000_000_000_000),
    ))
    .unwrap();
    app.finalize_block(finalize_request(1, vec![])).unwrap();
    app.commit().unwrap();
    let senders = RefCell::new(Senders {
        keys,
        sequences: vec![0; ACCOUNTS],
        height: 1,
    });
    let app = RefCell::new(app);

    let mut group = c.benchmark_group("block");
    group.sample_size(10);
    group.throughput(Throughput::Elements(TXS_PER_BLOCK as u64));
    group.bench_function("finalize_block+commit 2000 MsgSend", |b| {
        b.iter_batched(
            || {
                let mut s = senders.borrow_mut();
                s.height += 1;
                (s.height, s.next_block())
            },
            |(height, txs)| {
                let mut app = app.borrow_mut();
                let res = app.finalize_block(finalize_request(height, txs)).unwrap();
                assert!(
                    res.tx_results.iter().all(|r| r.code == 0),
                    "{:?}",
                    res.tx_results.iter().find(|r| r.code != 0)
                );
                app.commit().unwrap();
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn raw_verification(c: &mut Criterion) {
    let key = TestKey::from_seed(1);
    let checks: Vec<SignatureCheck> = (0..TXS_PER_BLOCK)
        .map(|i| {
            let sign_bytes = format!("sign doc {i}").into_bytes();
            SignatureCheck {
                pub_key: key.pub_key.clone(),
                signature: key.sign(&sign_bytes),
                sign_bytes,
            }
        })
        .collect();
    assert!(checks
        .iter()
        .all(|c| verify(&c.pub_key, &c.sign_bytes, &c.signature)));
    let mut group = c.benchmark_group("secp256k1");
    group.sample_size(10);
    group.throughput(Throughput::Elements(TXS_PER_BLOCK as u64));
    group.bench_function("verify 2000 on all cores", |b| {
        b.iter_batched(
            || {
                checks
                    .iter()
                    .map(|c| SignatureCheck {
                        pub_key: c.pub_key.clone(),
                        sign_bytes: c.sign_bytes.clone(),
                        signature: c.signature.clone(),
                    })
                    .collect()
            },
            |checks| VerifiedSignatures::precheck(checks, &SignatureCache::new(0)),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, raw_verification, finalize_and_commit);
criterion_main!(benches);
