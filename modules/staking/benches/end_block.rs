//! Staking's EndBlock with 100 validators and 10,000 delegations (100 delegators to each
//! validator): the bonded-set update when nothing changed, and after one delegation changed
//! one validator's power. State is the in-memory store of the module tests, so this measures
//! staking's own work, not RocksDB's.

#[path = "../tests/common/mod.rs"]
mod common;

use std::cell::RefCell;

use common::{addr, create_validator, delegate, Chain, AGR};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

const VALIDATORS: u8 = 100;
const DELEGATORS: u8 = 100;

fn staked_chain() -> Chain {
    let accounts: Vec<_> = (1..=VALIDATORS + DELEGATORS).map(addr).collect();
    let mut chain = Chain::new(&accounts, 100_000 * AGR);
    chain.update_params(|p| p.max_validators = u32::from(VALIDATORS));
    for v in 1..=VALIDATORS {
        chain.create_validator(create_validator(&addr(v), v, u128::from(v) * AGR));
    }
    for d in VALIDATORS + 1..=VALIDATORS + DELEGATORS {
        for v in 1..=VALIDATORS {
            chain
                .execute(&delegate(&addr(d), &addr(v), AGR))
                .result
                .unwrap();
        }
    }
    assert_eq!(chain.end_block().len(), usize::from(VALIDATORS));
    chain
}

fn end_block(c: &mut Criterion) {
    let chain = RefCell::new(staked_chain());
    let mut group = c.benchmark_group("staking");
    group.sample_size(20);
    group.bench_function(
        "end_block, 100 validators, 10,000 delegations, no change",
        |b| b.iter(|| assert!(chain.borrow_mut().end_block().is_empty())),
    );
    group.bench_function("end_block after one delegation changed a power", |b| {
        b.iter_batched(
            || {
                chain
                    .borrow_mut()
                    .execute(&delegate(&addr(VALIDATORS + 1), &addr(1), AGR))
                    .result
                    .unwrap();
            },
            |()| assert_eq!(chain.borrow_mut().end_block().len(), 1),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, end_block);
criterion_main!(benches);
