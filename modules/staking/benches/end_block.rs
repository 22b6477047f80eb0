//! Staking's EndBlock with 100 validators and 10,000 delegations (100 delegators to each
//! validator): the bonded-set update when nothing changed, and after one delegation changed
//! one validator's power. State is the in-memory store of the module tests, so this measures
//! staking's own work, not RocksDB's.

#[path = "../tests/common/mod.rs"]
mod common;

use std::cell::RefCell;

use agora_core::{Dec, VALOPER_PREFIX};
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;
use agora_staking::{consensus_pubkey_any, MSG_CREATE_VALIDATOR_TYPE_URL, MSG_DELEGATE_TYPE_URL};
use common::{addr, Chain};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use prost::Message;

const VALIDATORS: u8 = 100;
const DELEGATORS: u8 = 100;
const AGR: u128 = 1_000_000;

fn any(type_url: &str, msg: impl Message) -> Any {
    Any {
        type_url: type_url.into(),
        value: msg.encode_to_vec(),
    }
}

fn coin(amount: u128) -> Option<ProtoCoin> {
    Some(ProtoCoin {
        denom: "uagr".into(),
        amount: amount.to_string(),
    })
}

fn delegate(delegator: u8, validator: u8, amount: u128) -> Any {
    any(
        MSG_DELEGATE_TYPE_URL,
        pb::MsgDelegate {
            delegator_address: addr(delegator).to_string(),
            validator_address: addr(validator).to_bech32_with(VALOPER_PREFIX),
            amount: coin(amount),
        },
    )
}

fn staked_chain() -> Chain {
    let accounts: Vec<_> = (1..=VALIDATORS + DELEGATORS).map(addr).collect();
    let mut chain = Chain::new(&accounts, 100_000 * AGR);
    chain.update_params(|p| p.max_validators = u32::from(VALIDATORS));
    for v in 1..=VALIDATORS {
        let rate = Dec::from_ratio(1, 10).unwrap().to_atomics_string();
        #[allow(deprecated)]
        let msg = pb::MsgCreateValidator {
            description: Some(pb::Description {
                moniker: format!("v{v}"),
                ..Default::default()
            }),
            commission: Some(pb::CommissionRates {
                rate: rate.clone(),
                max_rate: rate.clone(),
                max_change_rate: rate,
            }),
            min_self_delegation: "1".into(),
            delegator_address: String::new(),
            validator_address: addr(v).to_bech32_with(VALOPER_PREFIX),
            pubkey: Some(consensus_pubkey_any(&[v; 32])),
            value: coin(u128::from(v) * AGR),
        };
        chain
            .execute(&any(MSG_CREATE_VALIDATOR_TYPE_URL, msg))
            .result
            .unwrap();
    }
    for d in VALIDATORS + 1..=VALIDATORS + DELEGATORS {
        for v in 1..=VALIDATORS {
            chain.execute(&delegate(d, v, AGR)).result.unwrap();
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
                    .execute(&delegate(VALIDATORS + 1, 1, AGR))
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
