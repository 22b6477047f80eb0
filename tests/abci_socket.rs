//! tendermint-abci's client talks to `agorad start --abci-only` over a real socket, as
//! CometBFT v0.38 would.

mod support;

use agora_app::testing::{
    bank_send, finalize_request, funded_app_state, init_chain_request, Signer, TestKey, TxSpec,
};
use agora_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use prost::Message;
use support::node::Launch;
use tendermint_proto::v0_38::abci::{RequestCheckTx, RequestInfo, RequestQuery};

#[test]
fn cometbft_style_session_over_the_socket() {
    let home = tempfile::tempdir().unwrap();
    let node = Launch::new(home.path()).abci_only().start();
    let mut client = node.client();

    let info = client.info(RequestInfo::default()).unwrap();
    assert_eq!(info.last_block_height, 0);
    assert_eq!(info.data, "agora");

    let keys: Vec<TestKey> = (0..2).map(TestKey::from_seed).collect();
    client
        .init_chain(init_chain_request(
            "socket-1",
            &funded_app_state(&keys, 1_000_000),
        ))
        .unwrap();

    let good = {
        let mut spec = TxSpec::new(
            "socket-1",
            vec![bank_send(&keys[0].address, &keys[1].address, 250)],
            Signer {
                key: &keys[0],
                account_number: 0,
                sequence: 0,
            },
        );
        spec.fee = vec![("uagr", 100)];
        spec.sign()
    };
    // the genesis state is committed with block 1, but the mempool already checks against it:
    let early = client
        .check_tx(RequestCheckTx {
            tx: good.clone().into(),
            r#type: 0,
        })
        .unwrap();
    assert_eq!(early.code, 0, "{}", early.log);

    let res = client.finalize_block(finalize_request(1, vec![])).unwrap();
    client.commit().unwrap();
    assert_eq!(
        client
            .info(RequestInfo::default())
            .unwrap()
            .last_block_app_hash,
        res.app_hash
    );

    let checked = client
        .check_tx(RequestCheckTx {
            tx: good.clone().into(),
            r#type: 0,
        })
        .unwrap();
    assert_eq!(checked.code, 0, "{}", checked.log);
    let garbage = client
        .check_tx(RequestCheckTx {
            tx: vec![1, 2, 3].into(),
            r#type: 0,
        })
        .unwrap();
    assert_eq!((garbage.codespace.as_str(), garbage.code), ("sdk", 2));

    let res = client
        .finalize_block(finalize_request(2, vec![good, b"junk".to_vec()]))
        .unwrap();
    assert_eq!(
        res.tx_results.iter().map(|r| r.code).collect::<Vec<_>>(),
        vec![0, 2]
    );
    client.commit().unwrap();

    let req = QueryBalanceRequest {
        address: keys[1].address.to_string(),
        denom: "uagr".into(),
    };
    let q = client
        .query(RequestQuery {
            path: "/cosmos.bank.v1beta1.Query/Balance".into(),
            data: req.encode_to_vec().into(),
            height: 0,
            prove: false,
        })
        .unwrap();
    assert_eq!(q.code, 0, "{}", q.log);
    let balance = QueryBalanceResponse::decode(q.value.as_ref())
        .unwrap()
        .balance
        .unwrap();
    assert_eq!(balance.amount, "1000250");
    assert_eq!(q.height, 2);

    let unknown = client
        .query(RequestQuery {
            path: "/nope.Query/Nothing".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(unknown.code, 6);
}
