//! Signed txs through FinalizeBlock and CheckTx: what succeeds, what each bad input is refused
//! with, and what state each leaves behind.

mod common;

use agora_app::testing::{bank_send, Signer, TestKey, TxSpec};
use agora_app::{config::parse_gas_prices, AppConfig};
use agora_core::Address;
use agora_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, Output};
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::Any;
use common::{attr, Chain, CHAIN_ID, START_BALANCE};
use prost::Message;
use tendermint_proto::v0_38::abci::{CheckTxType, RequestCheckTx};

const FEE: u128 = 5_000;

fn send_tx<'a>(
    keys: &'a [TestKey],
    from: usize,
    to: &Address,
    amount: u128,
    sequence: u64,
) -> TxSpec<'a> {
    let key = &keys[from];
    let mut spec = TxSpec::new(
        CHAIN_ID,
        vec![bank_send(&key.address, to, amount)],
        Signer {
            key,
            account_number: from as u64,
            sequence,
        },
    );
    spec.fee = vec![("uagr", FEE)];
    spec
}

fn fee_collector() -> Address {
    Address::module("fee_collector")
}

#[test]
fn send_moves_funds_charges_the_fee_and_bumps_the_sequence() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    let (a, b) = (chain.keys[0].address.clone(), chain.keys[1].address.clone());
    let res = chain.deliver(send_tx(&keys, 0, &b, 1234, 0).sign());
    assert_eq!(res.code, 0, "{}", res.log);
    assert!(res.gas_used > 0 && res.gas_used <= res.gas_wanted);
    assert_eq!(chain.balance(&a), START_BALANCE - 1234 - FEE);
    assert_eq!(chain.balance(&b), START_BALANCE + 1234);
    assert_eq!(chain.balance(&fee_collector()), FEE);
    assert_eq!(chain.account(&a), (0, 1));
    assert_eq!(
        attr(&res.events, "message", "action"),
        Some("/cosmos.bank.v1beta1.MsgSend")
    );
    // the fee transfer comes first (ante events), then the message's own events, tagged msg_index
    assert_eq!(
        attr(&res.events, "transfer", "recipient"),
        Some(fee_collector().to_string().as_str())
    );
    let msg_events: Vec<_> = res
        .events
        .iter()
        .filter(|e| e.attributes.iter().any(|a| a.key == "msg_index"))
        .cloned()
        .collect();
    assert_eq!(
        attr(&msg_events, "transfer", "recipient"),
        Some(b.to_string().as_str())
    );
    assert_eq!(
        attr(&msg_events, "coin_spent", "spender"),
        Some(a.to_string().as_str())
    );
    assert_eq!(attr(&res.events, "tx", "fee"), Some("5000uagr"));
    // the next sequence works, the same one again does not
    assert_eq!(chain.deliver(send_tx(&keys, 0, &b, 1, 1).sign()).code, 0);
}

#[test]
fn multisend_conserves_coins() {
    let mut chain = Chain::new(3);
    let keys = chain.keys.clone();
    let (a, b, c) = (
        chain.keys[0].address.clone(),
        chain.keys[1].address.clone(),
        chain.keys[2].address.clone(),
    );
    let coin = |n: u128| {
        vec![Coin {
            denom: "uagr".into(),
            amount: n.to_string(),
        }]
    };
    let msg = MsgMultiSend {
        inputs: vec![Input {
            address: a.to_string(),
            coins: coin(300),
        }],
        outputs: vec![
            Output {
                address: b.to_string(),
                coins: coin(100),
            },
            Output {
                address: c.to_string(),
                coins: coin(200),
            },
        ],
    };
    let any = Any {
        type_url: "/cosmos.bank.v1beta1.MsgMultiSend".into(),
        value: msg.encode_to_vec(),
    };
    let mut spec = TxSpec::new(
        CHAIN_ID,
        vec![any],
        Signer {
            key: &keys[0],
            account_number: 0,
            sequence: 0,
        },
    );
    spec.fee = vec![("uagr", FEE)];
    let res = chain.deliver(spec.sign());
    assert_eq!(res.code, 0, "{}", res.log);
    assert_eq!(chain.balance(&a), START_BALANCE - 300 - FEE);
    assert_eq!(chain.balance(&b), START_BALANCE + 100);
    assert_eq!(chain.balance(&c), START_BALANCE + 200);
}

/// Delivers a tx the ante handler must refuse; checks its code and that state did not change at all.
fn assert_refused_without_effect(
    chain: &mut Chain,
    tx: Vec<u8>,
    codespace: &str,
    code: u32,
    log_part: &str,
) {
    let before = chain.app.store().app_hash();
    let res = chain.deliver(tx);
    assert_eq!(
        (res.codespace.as_str(), res.code),
        (codespace, code),
        "log: {}",
        res.log
    );
    assert!(
        res.log.contains(log_part),
        "log {:?} should mention {log_part:?}",
        res.log
    );
    assert_eq!(
        chain.app.store().app_hash(),
        before,
        "a refused tx must not change state"
    );
}

#[test]
fn garbage_bytes_are_a_decode_error() {
    let mut chain = Chain::new(1);
    chain.block(vec![]);
    assert_refused_without_effect(
        &mut chain,
        b"not a tx".to_vec(),
        "sdk",
        2,
        "cannot decode cosmos.tx.v1beta1.TxRaw",
    );
}

#[test]
fn bad_signatures_are_unauthorized() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    chain.block(vec![]);
    let to = chain.keys[1].address.clone();

    let mut tampered = send_tx(&keys, 0, &to, 10, 0).sign();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert_refused_without_effect(
        &mut chain,
        tampered,
        "sdk",
        4,
        "signature verification failed",
    );

    let mut wrong_chain = send_tx(&keys, 0, &to, 10, 0);
    wrong_chain.chain_id = "other-chain";
    assert_refused_without_effect(
        &mut chain,
        wrong_chain.sign(),
        "sdk",
        4,
        "chain-id (agora-test-1)",
    );

    let mut wrong_number = send_tx(&keys, 0, &to, 10, 0);
    wrong_number.signers[0].account_number = 7;
    assert_refused_without_effect(
        &mut chain,
        wrong_number.sign(),
        "sdk",
        4,
        "account number (0)",
    );

    // signed by another key than the sender's
    let mut impostor = send_tx(&keys, 0, &to, 10, 0);
    impostor.signers[0].key = &keys[1];
    impostor.signers[0].account_number = 1;
    let tx = impostor.sign();
    assert_refused_without_effect(
        &mut chain,
        tx,
        "sdk",
        8,
        "pubKey does not match signer address",
    );
}

#[test]
fn a_replayed_sequence_is_refused() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    let (from, to) = (keys[0].address.clone(), keys[1].address.clone());
    let tx = send_tx(&keys, 0, &to, 10, 0).sign();
    let moved = |chain: &mut Chain| {
        assert_eq!(chain.balance(&from), START_BALANCE - 10 - FEE);
        assert_eq!(chain.balance(&to), START_BALANCE + 10);
        assert_eq!(chain.balance(&fee_collector()), FEE);
        assert_eq!(chain.account(&from), (0, 1));
    };
    // twice in one block: the second copy fails with sdk/32 and moves nothing
    let res = chain.block(vec![tx.clone(), tx.clone()]);
    let codes: Vec<_> = res
        .tx_results
        .iter()
        .map(|r| (r.codespace.as_str(), r.code))
        .collect();
    assert_eq!(codes, [("", 0), ("sdk", 32)], "{:?}", res.tx_results[1].log);
    moved(&mut chain);
    // in a later block, and in the mempool
    assert_refused_without_effect(
        &mut chain,
        tx.clone(),
        "sdk",
        32,
        "account sequence mismatch, expected 1, got 0: incorrect account sequence",
    );
    moved(&mut chain);
    let res = chain.app.check_tx(RequestCheckTx {
        tx: tx.into(),
        r#type: CheckTxType::New as i32,
    });
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("sdk", 32),
        "{}",
        res.log
    );
    moved(&mut chain);
}

#[test]
fn insufficient_funds_keeps_fee_and_sequence_but_reverts_the_send() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    let (a, b) = (chain.keys[0].address.clone(), chain.keys[1].address.clone());
    let res = chain.deliver(send_tx(&keys, 0, &b, START_BALANCE, 0).sign());
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("sdk", 5),
        "{}",
        res.log
    );
    assert!(res.log.contains("insufficient funds"), "{}", res.log);
    assert_eq!(chain.balance(&a), START_BALANCE - FEE);
    assert_eq!(chain.balance(&b), START_BALANCE);
    assert_eq!(chain.balance(&fee_collector()), FEE);
    assert_eq!(chain.account(&a), (0, 1));
}

#[test]
fn a_fee_larger_than_the_balance_is_refused() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    chain.block(vec![]);
    let to = chain.keys[1].address.clone();
    let mut spec = send_tx(&keys, 0, &to, 1, 0);
    spec.fee = vec![("uagr", START_BALANCE + 1)];
    assert_refused_without_effect(&mut chain, spec.sign(), "sdk", 5, "failed to deduct fees");
}

#[test]
fn check_tx_enforces_minimum_gas_prices() {
    let config = AppConfig {
        min_gas_prices: parse_gas_prices("0.025uagr").unwrap(),
        ..Default::default()
    };
    let mut chain = Chain::with_config(2, config);
    let keys = chain.keys.clone();
    chain.block(vec![]);
    let to = chain.keys[1].address.clone();
    let mut cheap = send_tx(&keys, 0, &to, 1, 0);
    cheap.fee = vec![("uagr", 10)];
    let res = chain.app.check_tx(RequestCheckTx {
        tx: cheap.sign().into(),
        r#type: CheckTxType::New as i32,
    });
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("sdk", 13),
        "{}",
        res.log
    );
    assert!(
        res.log
            .contains("insufficient fees; got: 10uagr required: 5000uagr"),
        "{}",
        res.log
    );
    // paying enough passes; min gas prices are a mempool rule, not consensus
    let ok = chain.app.check_tx(RequestCheckTx {
        tx: send_tx(&keys, 0, &to, 1, 0).sign().into(),
        r#type: CheckTxType::New as i32,
    });
    assert_eq!(ok.code, 0, "{}", ok.log);
    // CheckTx state advanced the sequence: the same sequence is now refused in the mempool
    let again = chain.app.check_tx(RequestCheckTx {
        tx: send_tx(&keys, 0, &to, 2, 0).sign().into(),
        r#type: CheckTxType::New as i32,
    });
    assert_eq!(again.code, 32, "{}", again.log);
    assert_eq!(
        chain.deliver(cheap.sign()).code,
        0,
        "a low fee is valid in a block"
    );
}

#[test]
fn gas_limit_too_low_is_out_of_gas() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    chain.block(vec![]);
    let to = chain.keys[1].address.clone();
    let mut spec = send_tx(&keys, 0, &to, 1, 0);
    spec.gas_limit = 1_000; // less than the tx-size gas alone
    assert_refused_without_effect(&mut chain, spec.sign(), "sdk", 11, "out of gas");

    // enough for the ante handler, not for the send: fee and sequence stay, the send reverts
    let (a, b) = (keys[0].address.clone(), to.clone());
    let needed = simulated_gas(&mut chain, send_tx(&keys, 0, &to, 1, 0).sign());
    let mut spec = send_tx(&keys, 0, &to, 1, 0);
    spec.gas_limit = needed - 2_000; // the send's own store writes cost far more than 2,000
    let res = chain.deliver(spec.sign());
    assert_eq!(res.code, 11, "{}", res.log);
    assert_eq!(res.gas_wanted as u64, needed - 2_000);
    // the gas consumed is reported, past the limit, as the SDK does
    assert!(res.gas_used > res.gas_wanted, "{res:?}");
    assert_eq!(chain.balance(&a), START_BALANCE - FEE);
    assert_eq!(chain.balance(&b), START_BALANCE);
    assert_eq!(chain.account(&a), (0, 1));
}

fn simulated_gas(chain: &mut Chain, tx: Vec<u8>) -> u64 {
    use agora_proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
    let req = SimulateRequest {
        tx_bytes: tx,
        ..Default::default()
    };
    SimulateResponse::decode(
        chain
            .query(agora_app::SIMULATE_PATH, req.encode_to_vec())
            .as_slice(),
    )
    .unwrap()
    .gas_info
    .unwrap()
    .gas_used
}

#[test]
fn oversized_memo_is_refused() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    chain.block(vec![]);
    let to = chain.keys[1].address.clone();
    let mut spec = send_tx(&keys, 0, &to, 1, 0);
    spec.memo = "x".repeat(257);
    assert_refused_without_effect(
        &mut chain,
        spec.sign(),
        "sdk",
        12,
        "maximum number of characters is 256 but received 257",
    );
}

#[test]
fn too_many_signatures_are_refused() {
    let mut chain = Chain::new(9);
    let keys = chain.keys.clone();
    chain.block(vec![]);
    let to = chain.keys[8].address.clone();
    let msgs = (0..8)
        .map(|i| bank_send(&keys[i].address, &to, 1))
        .collect();
    let signers = (0..8)
        .map(|i| Signer {
            key: &keys[i],
            account_number: i as u64,
            sequence: 0,
        })
        .collect();
    let spec = TxSpec {
        signers,
        fee: vec![("uagr", FEE)],
        gas_limit: 1_000_000,
        ..TxSpec::new(
            CHAIN_ID,
            msgs,
            Signer {
                key: &keys[0],
                account_number: 0,
                sequence: 0,
            },
        )
    };
    let tx = spec.sign();
    assert_refused_without_effect(&mut chain, tx, "sdk", 14, "signatures: 8, limit: 7");
}

#[test]
fn expired_timeout_height_is_refused() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    chain.block(vec![]);
    chain.block(vec![]);
    let to = chain.keys[1].address.clone();
    let mut spec = send_tx(&keys, 0, &to, 1, 0);
    spec.timeout_height = 2;
    assert_refused_without_effect(
        &mut chain,
        spec.sign(),
        "sdk",
        30,
        "block height: 3, timeout height: 2",
    );
}

#[test]
fn unknown_message_types_are_refused() {
    let mut chain = Chain::new(1);
    let keys = chain.keys.clone();
    chain.block(vec![]);
    let msg = Any {
        type_url: "/cosmos.nope.v1.MsgNope".into(),
        value: vec![],
    };
    let spec = TxSpec::new(
        CHAIN_ID,
        vec![msg],
        Signer {
            key: &keys[0],
            account_number: 0,
            sequence: 0,
        },
    );
    assert_refused_without_effect(
        &mut chain,
        spec.sign(),
        "sdk",
        6,
        "unrecognized message type /cosmos.nope.v1.MsgNope",
    );
}

#[test]
fn simulate_reports_gas_without_changing_state() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    chain.block(vec![]);
    let to = keys[1].address.clone();
    let tx = send_tx(&keys, 0, &to, 1, 0).sign();
    let before = chain.app.store().app_hash();
    let simulated = simulated_gas(&mut chain, tx.clone());
    assert!(simulated > 10_000);
    // simulation left the mempool state alone: the same sequence is still accepted
    let checked = chain.app.check_tx(RequestCheckTx {
        tx: tx.clone().into(),
        r#type: CheckTxType::New as i32,
    });
    assert_eq!(checked.code, 0, "{}", checked.log);
    assert_eq!(chain.app.store().app_hash(), before);
    let delivered = chain.deliver(tx);
    assert_eq!(delivered.code, 0, "{}", delivered.log);
    // the same store accesses and signature gas are charged whether or not the signature is checked
    assert_eq!(delivered.gas_used as u64, simulated);
}
