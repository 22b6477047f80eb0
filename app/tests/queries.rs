//! Queries read committed snapshots: past heights, isolation from an uncommitted block, the
//! query gas limit, and the genesis working hash with an `initial_height` above 1.

mod common;

use agora_app::testing::{
    bank_send, finalize_request, funded_app_state, init_chain_request, Signer, TxSpec,
};
use agora_app::{App, AppConfig};
use agora_proto::cosmos::bank::v1beta1::QueryBalanceRequest;
use common::{Chain, CHAIN_ID, START_BALANCE};
use prost::Message;
use tendermint_proto::v0_38::abci::{RequestQuery, ResponseQuery};

const BALANCE: &str = "/cosmos.bank.v1beta1.Query/Balance";

fn balance_request(chain: &Chain, who: usize, height: i64) -> RequestQuery {
    RequestQuery {
        path: BALANCE.into(),
        data: QueryBalanceRequest {
            address: chain.keys[who].address.to_string(),
            denom: "uagr".into(),
        }
        .encode_to_vec()
        .into(),
        height,
        prove: false,
    }
}

fn amount(res: &ResponseQuery) -> u128 {
    assert_eq!(res.code, 0, "query failed: {}", res.log);
    let res = agora_proto::cosmos::bank::v1beta1::QueryBalanceResponse::decode(res.value.as_ref())
        .unwrap();
    res.balance.map_or(0, |c| c.amount.parse().unwrap())
}

fn send(chain: &Chain, sequence: u64, amount: u128) -> Vec<u8> {
    let keys = chain.keys.clone();
    TxSpec::new(
        CHAIN_ID,
        vec![bank_send(&keys[0].address, &keys[1].address, amount)],
        Signer {
            key: &keys[0],
            account_number: 0,
            sequence,
        },
    )
    .sign()
}

#[test]
fn grpc_queries_answer_past_heights_and_refuse_future_ones() {
    let mut chain = Chain::new(2);
    chain.block(vec![]);
    let tx = send(&chain, 0, 700);
    assert_eq!(chain.deliver(tx).code, 0);
    let tx = send(&chain, 1, 300);
    assert_eq!(chain.deliver(tx).code, 0);

    let at = |chain: &Chain, h| chain.app.query(balance_request(chain, 1, h));
    assert_eq!(amount(&at(&chain, 1)), START_BALANCE);
    assert_eq!(amount(&at(&chain, 2)), START_BALANCE + 700);
    assert_eq!(amount(&at(&chain, 3)), START_BALANCE + 1000);
    assert_eq!(amount(&at(&chain, 0)), START_BALANCE + 1000);
    assert_eq!(at(&chain, 2).height, 2);
    assert_eq!(at(&chain, 0).height, 3);

    let future = at(&chain, 4);
    assert_eq!((future.codespace.as_str(), future.code), ("sdk", 18));
    assert!(future.log.contains("in the future"), "{}", future.log);
}

#[test]
fn heights_older_than_the_kept_snapshots_point_to_the_store_path() {
    let config = AppConfig {
        query_snapshots: 2,
        ..AppConfig::default()
    };
    let mut chain = Chain::with_config(2, config);
    for _ in 0..4 {
        chain.block(vec![]);
    }
    let old = chain.app.query(balance_request(&chain, 0, 2));
    assert_eq!((old.codespace.as_str(), old.code), ("sdk", 18));
    assert!(old.log.contains("query-snapshots"), "{}", old.log);
    assert_eq!(
        amount(&chain.app.query(balance_request(&chain, 0, 3))),
        START_BALANCE
    );

    // Raw store reads answer every retained height, with or without a leading slash.
    for path in ["store/bank/key", "/store/bank/key"] {
        let raw = chain.app.query(RequestQuery {
            path: path.into(),
            data: b"p".to_vec().into(),
            height: 1,
            prove: true,
        });
        assert_eq!(raw.code, 0, "{path}: {}", raw.log);
        assert_eq!(raw.proof_ops.unwrap().ops.len(), 2, "{path}");
    }
}

#[test]
fn queries_see_the_committed_height_until_the_next_commit() {
    let mut chain = Chain::new(2);
    chain.block(vec![]);
    let queries = chain.app.queries();
    let tx = send(&chain, 0, 5_000);
    let res = chain
        .app
        .finalize_block(finalize_request(2, vec![tx]))
        .unwrap();
    assert_eq!(res.tx_results[0].code, 0, "{}", res.tx_results[0].log);

    // Block 2 is executed but not committed: another thread still reads height 1.
    let request = balance_request(&chain, 1, 0);
    let before = std::thread::spawn({
        let (queries, request) = (queries.clone(), request.clone());
        move || queries.query(request)
    })
    .join()
    .unwrap();
    assert_eq!((before.height, amount(&before)), (1, START_BALANCE));

    chain.app.commit().unwrap();
    let after = queries.query(request);
    assert_eq!((after.height, amount(&after)), (2, START_BALANCE + 5_000));
}

#[test]
fn the_query_gas_limit_stops_queries_and_simulations() {
    let config = AppConfig {
        query_gas_limit: 500,
        ..AppConfig::default()
    };
    let mut chain = Chain::with_config(2, config);
    chain.block(vec![]);
    let res = chain.app.query(balance_request(&chain, 0, 0));
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("sdk", 11),
        "{}",
        res.log
    );
    assert!(res.log.contains("query-gas-limit"), "{}", res.log);

    let simulate = agora_proto::cosmos::tx::v1beta1::SimulateRequest {
        tx_bytes: send(&chain, 0, 1),
        ..Default::default()
    };
    #[allow(deprecated)]
    let res = chain.app.query(RequestQuery {
        path: agora_app::SIMULATE_PATH.into(),
        data: simulate.encode_to_vec().into(),
        ..Default::default()
    });
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("sdk", 11),
        "{}",
        res.log
    );

    // The same query passes on a node with the default limit.
    let mut roomy = Chain::new(2);
    roomy.block(vec![]);
    assert_eq!(
        amount(&roomy.app.query(balance_request(&roomy, 0, 0))),
        START_BALANCE
    );
}

#[test]
fn init_chain_returns_the_genesis_hash_and_the_chain_starts_at_initial_height() {
    let dir = tempfile::tempdir().unwrap();
    let keys: Vec<_> = (0..2).map(agora_app::testing::TestKey::from_seed).collect();
    let mut app = App::open(dir.path(), AppConfig::default()).unwrap();
    let mut init = init_chain_request(CHAIN_ID, &funded_app_state(&keys, START_BALANCE));
    init.initial_height = 5;
    let genesis_hash = app.init_chain(init).unwrap().app_hash;
    assert_eq!(
        genesis_hash.len(),
        32,
        "InitChain returns the working app hash"
    );

    let wrong = app.finalize_block(finalize_request(1, vec![]));
    assert!(wrong.unwrap_err().msg.contains("next height is 5"));
    // The first block commits genesis with it (distribution also records the proposer).
    let first = app.finalize_block(finalize_request(5, vec![])).unwrap();
    app.commit().unwrap();
    assert_eq!(app.info().last_block_height, 5);
    drop(app);

    let mut app = App::open(dir.path(), AppConfig::default()).unwrap();
    assert_eq!(app.info().last_block_height, 5);
    assert_eq!(app.info().last_block_app_hash, first.app_hash);
    app.finalize_block(finalize_request(6, vec![])).unwrap();
    app.commit().unwrap();
    assert_eq!(app.store().height(), 6);
}

/// Simulate reads the committed state, which lacks txs still in the mempool: a client chaining
/// txs simulates with a sequence ahead of the committed one, and that must still estimate gas.
/// A sequence behind it is a replay and stays refused.
#[test]
fn simulate_accepts_a_sequence_ahead_of_the_committed_one() {
    let mut chain = Chain::new(2);
    chain.block(vec![]);
    assert_eq!(chain.deliver(send(&chain, 0, 1)).code, 0);
    let simulate = |chain: &Chain, sequence| {
        let req = agora_proto::cosmos::tx::v1beta1::SimulateRequest {
            tx_bytes: send(chain, sequence, 1),
            ..Default::default()
        };
        #[allow(deprecated)]
        chain.app.query(RequestQuery {
            path: agora_app::SIMULATE_PATH.into(),
            data: req.encode_to_vec().into(),
            ..Default::default()
        })
    };
    assert_eq!(simulate(&chain, 1).code, 0, "{}", simulate(&chain, 1).log);
    assert_eq!(simulate(&chain, 3).code, 0, "{}", simulate(&chain, 3).log);
    let replay = simulate(&chain, 0);
    assert_eq!(
        (replay.codespace.as_str(), replay.code),
        ("sdk", 32),
        "{}",
        replay.log
    );
}
