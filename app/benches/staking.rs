//! Proof-of-stake costs through the whole app: FinalizeBlock + Commit of a block of 2,000
//! signed MsgDelegates from 1,000 accounts (each runs distribution's hooks), and what one
//! MsgWithdrawDelegatorReward costs (simulated, so it can run again) after 10 and after
//! 10,000 blocks of inflation rewards, which F1 should make the same.

use std::cell::RefCell;

use agora_app::testing::{
    create_validator, delegate, finalize_request, funded_app_state, init_chain_request,
    withdraw_rewards, Signer, TestKey, TxSpec, ValidatorSets,
};
use agora_app::{App, AppConfig, SIMULATE_PATH};
use agora_core::{Address, Dec};
use agora_proto::cosmos::tx::v1beta1::SimulateRequest;
use agora_proto::Any;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use prost::Message;
use tendermint_proto::v0_38::abci::RequestQuery;

const ACCOUNTS: usize = 1_000;
const TXS_PER_BLOCK: usize = 2_000;
const CHAIN: &str = "bench-1";

/// An app over a temp dir whose genesis funds `keys`, with key 0 running a validator
/// (created at height 2); blocks are signed by the validator set the app chose.
struct Chain {
    app: App,
    keys: Vec<TestKey>,
    sequences: Vec<u64>,
    sets: ValidatorSets,
    _dir: tempfile::TempDir,
}

impl Chain {
    fn new(accounts: usize, app_state: impl Fn(&[TestKey]) -> serde_json::Value) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut app = App::open(dir.path(), AppConfig::default()).unwrap();
        let keys: Vec<TestKey> = (0..accounts as u64).map(TestKey::from_seed).collect();
        app.init_chain(init_chain_request(CHAIN, &app_state(&keys)))
            .unwrap();
        let mut chain = Self {
            app,
            sequences: vec![0; keys.len()],
            keys,
            sets: ValidatorSets::new(1, &[]),
            _dir: dir,
        };
        chain.block(vec![]);
        let operator = chain.keys[0].address.clone();
        let create = create_validator(&operator, &[7; 32], 1_000_000_000, Dec::zero());
        let tx = chain.signed(0, vec![create]);
        chain.block(vec![tx]);
        chain
    }

    fn height(&self) -> u64 {
        self.app.store().height()
    }

    fn block(&mut self, txs: Vec<Vec<u8>>) {
        let height = self.height() + 1;
        let mut req = finalize_request(height, txs);
        req.decided_last_commit = self.sets.last_commit(height, &Default::default());
        let res = self.app.finalize_block(req).unwrap();
        assert!(
            res.tx_results.iter().all(|r| r.code == 0),
            "{:?}",
            res.tx_results.iter().find(|r| r.code != 0)
        );
        self.app.commit().unwrap();
        self.sets.finalized(height, &res.validator_updates);
    }

    fn signed(&mut self, from: usize, msgs: Vec<Any>) -> Vec<u8> {
        let mut spec = TxSpec::new(
            CHAIN,
            msgs,
            Signer {
                key: &self.keys[from],
                account_number: from as u64,
                sequence: self.sequences[from],
            },
        );
        spec.fee = vec![("uagr", 5_000)];
        spec.gas_limit = 400_000;
        self.sequences[from] += 1;
        spec.sign()
    }

    fn operator(&self) -> Address {
        self.keys[0].address.clone()
    }
}

fn delegations(c: &mut Criterion) {
    let chain = RefCell::new(Chain::new(ACCOUNTS, |keys| {
        funded_app_state(keys, 1_000_000_000_000)
    }));
    let mut group = c.benchmark_group("staking");
    group.sample_size(10);
    group.throughput(Throughput::Elements(TXS_PER_BLOCK as u64));
    group.bench_function("finalize_block+commit 2000 MsgDelegate", |b| {
        b.iter_batched(
            || {
                let mut chain = chain.borrow_mut();
                let operator = chain.operator();
                (0..TXS_PER_BLOCK)
                    .map(|i| {
                        let from = i % ACCOUNTS;
                        let msg = delegate(&chain.keys[from].address, &operator, 1_000);
                        chain.signed(from, vec![msg])
                    })
                    .collect()
            },
            |txs| chain.borrow_mut().block(txs),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// Gas and time of a simulated withdrawal by key 1 of its rewards.
fn simulate_withdraw(chain: &mut Chain) -> u64 {
    let msg = withdraw_rewards(&chain.keys[1].address, &chain.operator());
    let tx = chain.signed(1, vec![msg]);
    chain.sequences[1] -= 1;
    let req = SimulateRequest {
        tx_bytes: tx,
        ..Default::default()
    };
    let res = chain.app.query(RequestQuery {
        path: SIMULATE_PATH.into(),
        data: req.encode_to_vec().into(),
        ..Default::default()
    });
    assert_eq!(res.code, 0, "{}", res.log);
    let res = agora_proto::cosmos::tx::v1beta1::SimulateResponse::decode(res.value.as_ref());
    res.unwrap().gas_info.unwrap().gas_used
}

fn withdrawals(c: &mut Criterion) {
    let mut group = c.benchmark_group("distribution");
    group.sample_size(20);
    for blocks in [10u64, 10_000] {
        // Default mint genesis: inflation accrues rewards every block.
        let mut chain = Chain::new(2, |keys| {
            let mut state = funded_app_state(keys, 1_000_000_000_000);
            state.as_object_mut().unwrap().remove("mint");
            state
        });
        let operator = chain.operator();
        let tx = chain.signed(
            1,
            vec![delegate(&chain.keys[1].address, &operator, 5_000_000)],
        );
        chain.block(vec![tx]);
        for _ in 0..blocks {
            chain.block(vec![]);
        }
        let gas = simulate_withdraw(&mut chain);
        eprintln!("withdraw after {blocks} blocks: {gas} gas");
        let name = format!("simulate MsgWithdrawDelegatorReward after {blocks} blocks");
        group.bench_function(name, |b| b.iter(|| simulate_withdraw(&mut chain)));
    }
    group.finish();
}

criterion_group!(benches, delegations, withdrawals);
criterion_main!(benches);
