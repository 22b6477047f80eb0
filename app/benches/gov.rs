//! Gov's tally through the whole app: 100 bonded validators, 10,000 delegators (100 to each)
//! and a proposal with 10,000 delegator votes and 100 validator votes. The tally EndBlock runs
//! when voting ends is what the live `TallyResult` query runs on a committed snapshot, so the
//! query is timed (repeatably) as the EndBlock's tally cost; the block that ends the vote (the
//! tally, deleting the 10,100 votes, refunding the deposit) is timed once and printed.

use std::time::Instant;

use agora_app::testing::{
    create_validator, delegate, finalize_request, funded_app_state, init_chain_request, Signer,
    TestKey, TxSpec, ValidatorSets,
};
use agora_app::{App, AppConfig};
use agora_core::authority::gov_authority;
use agora_core::Dec;
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::cosmos::gov::{v1 as pb, v1beta1};
use agora_proto::Any;
use criterion::{criterion_group, criterion_main, Criterion};
use prost::{Message, Name};
use tendermint_proto::v0_38::abci::RequestQuery;

const VALIDATORS: usize = 100;
const DELEGATORS: usize = 10_000;
const TXS_PER_BLOCK: usize = 2_000;
const CHAIN: &str = "bench-gov-1";
/// Voting lasts this many 1 s blocks.
const VOTING_S: u64 = 20;

fn any<M: Name>(msg: &M) -> Any {
    Any {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

struct Chain {
    app: App,
    keys: Vec<TestKey>,
    sequences: Vec<u64>,
    sets: ValidatorSets,
    _dir: tempfile::TempDir,
}

impl Chain {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut app = App::open(dir.path(), AppConfig::default()).unwrap();
        let keys: Vec<TestKey> = (0..(VALIDATORS + DELEGATORS) as u64)
            .map(TestKey::from_seed)
            .collect();
        let mut state = funded_app_state(&keys, 1_000_000_000_000);
        state["gov"] = serde_json::json!({
            "starting_proposal_id": "1",
            "params": serde_json::to_value(agora_gov::Params {
                voting_period: VOTING_S,
                expedited_voting_period: VOTING_S / 2,
                ..Default::default()
            })
            .unwrap(),
        });
        app.init_chain(init_chain_request(CHAIN, &state)).unwrap();
        let mut chain = Self {
            app,
            sequences: vec![0; keys.len()],
            keys,
            sets: ValidatorSets::new(1, &[]),
            _dir: dir,
        };
        chain.block(vec![]);
        chain
    }

    fn block(&mut self, txs: Vec<Vec<u8>>) -> std::time::Duration {
        let height = self.app.store().height() + 1;
        let mut req = finalize_request(height, txs);
        req.decided_last_commit = self.sets.last_commit(height, &Default::default());
        let start = Instant::now();
        let res = self.app.finalize_block(req).unwrap();
        assert!(
            res.tx_results.iter().all(|r| r.code == 0),
            "{:?}",
            res.tx_results.iter().find(|r| r.code != 0)
        );
        self.app.commit().unwrap();
        let took = start.elapsed();
        self.sets.finalized(height, &res.validator_updates);
        took
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

    /// Runs `msg(key)` for each key in `keys`, in blocks of [`TXS_PER_BLOCK`].
    fn txs(&mut self, keys: std::ops::Range<usize>, msg: impl Fn(&Chain, usize) -> Any) {
        let all: Vec<usize> = keys.collect();
        for chunk in all.chunks(TXS_PER_BLOCK) {
            let txs = chunk
                .iter()
                .map(|&k| {
                    let m = msg(self, k);
                    self.signed(k, vec![m])
                })
                .collect();
            self.block(txs);
        }
    }

    fn tally(&self, id: u64) -> pb::TallyResult {
        let res = self.app.query(RequestQuery {
            path: "/cosmos.gov.v1.Query/TallyResult".into(),
            data: pb::QueryTallyResultRequest { proposal_id: id }
                .encode_to_vec()
                .into(),
            ..Default::default()
        });
        assert_eq!(res.code, 0, "{}", res.log);
        pb::QueryTallyResultResponse::decode(res.value.as_ref())
            .unwrap()
            .tally
            .unwrap()
    }
}

fn tally(c: &mut Criterion) {
    let mut chain = Chain::new();
    let rate = Dec::from_ratio(1, 10).unwrap();
    chain.txs(0..VALIDATORS, |c, k| {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&(k as u64 + 1).to_be_bytes());
        create_validator(&c.keys[k].address, &key, 1_000_000, rate)
    });
    chain.txs(VALIDATORS..VALIDATORS + DELEGATORS, |c, k| {
        let operator = &c.keys[k % VALIDATORS].address;
        delegate(&c.keys[k].address, operator, 1_000_000)
    });
    let content = any(&v1beta1::TextProposal {
        title: "Bench".into(),
        description: "A tally of 10,100 votes".into(),
    });
    let exec = any(&pb::MsgExecLegacyContent {
        content: Some(content),
        authority: gov_authority().to_string(),
    });
    let submit = any(&pb::MsgSubmitProposal {
        messages: vec![exec],
        initial_deposit: vec![Coin {
            denom: "uagr".into(),
            amount: "10000000".into(),
        }],
        proposer: chain.keys[0].address.to_string(),
        metadata: String::new(),
        title: "Bench".into(),
        summary: "A tally".into(),
        expedited: false,
    });
    let tx = chain.signed(0, vec![submit]);
    chain.block(vec![tx]);
    let vote = |c: &Chain, k: usize| {
        any(&pb::MsgVote {
            proposal_id: 1,
            voter: c.keys[k].address.to_string(),
            option: if k.is_multiple_of(3) {
                pb::VoteOption::No
            } else {
                pb::VoteOption::Yes
            } as i32,
            metadata: String::new(),
        })
    };
    chain.txs(0..VALIDATORS + DELEGATORS, vote);
    let counts = chain.tally(1);
    eprintln!(
        "tally of {} votes: yes {} no {}",
        VALIDATORS + DELEGATORS,
        counts.yes_count,
        counts.no_count
    );
    let mut group = c.benchmark_group("gov");
    group.sample_size(20);
    group.bench_function(
        "tally 10,100 votes (100 validators, 10,000 delegations)",
        |b| b.iter(|| chain.tally(1)),
    );
    group.finish();
    let empty = chain.block(vec![]);
    let mut ended = None;
    for _ in 0..VOTING_S {
        let took = chain.block(vec![]);
        let res = chain.app.query(RequestQuery {
            path: "/cosmos.gov.v1.Query/Proposal".into(),
            data: pb::QueryProposalRequest { proposal_id: 1 }
                .encode_to_vec()
                .into(),
            ..Default::default()
        });
        let p = pb::QueryProposalResponse::decode(res.value.as_ref())
            .unwrap()
            .proposal
            .unwrap();
        if p.status == pb::ProposalStatus::Passed as i32 {
            ended = Some(took);
            break;
        }
    }
    let ended = ended.expect("the proposal passed within its voting period");
    eprintln!("FinalizeBlock+Commit: empty block {empty:?}; the block ending the vote {ended:?}");
}

criterion_group!(benches, tally);
criterion_main!(benches);
