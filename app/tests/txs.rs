//! Signed txs through FinalizeBlock and CheckTx: what succeeds, what each bad input is refused
//! with, and what state each leaves behind.

mod common;

use agora_app::testing::{bank_send, Signer, TxSpec};
use agora_app::{config::parse_gas_prices, AppConfig};
use agora_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, Output};
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::Any;
use common::tx::{assert_refused, fee_collector, send, FEE};
use common::{attr, Chain, CHAIN_ID, START_BALANCE};
use prost::Message;

#[test]
fn send_moves_funds_charges_the_fee_and_bumps_the_sequence() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    let (a, b) = (chain.keys[0].address.clone(), chain.keys[1].address.clone());
    let res = chain.deliver(send(&keys, 0, 1, 1234).sign());
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
    let mut next = send(&keys, 0, 1, 1);
    next.signers[0].sequence = 1;
    assert_eq!(chain.deliver(next.sign()).code, 0);
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

#[test]
fn garbage_bytes_are_a_decode_error() {
    let mut chain = Chain::new(1);
    chain.block(vec![]);
    assert_refused(
        &mut chain,
        b"not a tx".to_vec(),
        2,
        "cannot decode cosmos.tx.v1beta1.TxRaw",
    );
}

#[test]
fn bad_signatures_are_unauthorized() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    chain.block(vec![]);

    let mut tampered = send(&keys, 0, 1, 10).sign();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert_refused(&mut chain, tampered, 4, "signature verification failed");

    let mut wrong_chain = send(&keys, 0, 1, 10);
    wrong_chain.chain_id = "other-chain";
    assert_refused(&mut chain, wrong_chain.sign(), 4, "chain-id (agora-test-1)");

    let mut wrong_number = send(&keys, 0, 1, 10);
    wrong_number.signers[0].account_number = 7;
    assert_refused(&mut chain, wrong_number.sign(), 4, "account number (0)");

    // signed by another key than the sender's
    let mut impostor = send(&keys, 0, 1, 10);
    impostor.signers[0].key = &keys[1];
    impostor.signers[0].account_number = 1;
    let tx = impostor.sign();
    assert_refused(&mut chain, tx, 8, "pubKey does not match signer address");
}

#[test]
fn a_replayed_sequence_is_refused() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    let (from, to) = (keys[0].address.clone(), keys[1].address.clone());
    let tx = send(&keys, 0, 1, 10).sign();
    let moved = |chain: &mut Chain| {
        assert_eq!(chain.balance(&from), START_BALANCE - 10 - FEE);
        assert_eq!(chain.balance(&to), START_BALANCE + 10);
        // the fee sits in the fee collector until distribution takes it next block
        let distribution = agora_core::Address::module("distribution");
        let fees = chain.balance(&fee_collector()) + chain.balance(&distribution);
        assert_eq!(fees, FEE);
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
    assert_refused(
        &mut chain,
        tx.clone(),
        32,
        "account sequence mismatch, expected 1, got 0: incorrect account sequence",
    );
    moved(&mut chain);
    let res = chain.check(tx);
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
    let res = chain.deliver(send(&keys, 0, 1, START_BALANCE).sign());
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
    let mut spec = send(&keys, 0, 1, 1);
    spec.fee = vec![("uagr", START_BALANCE + 1)];
    assert_refused(&mut chain, spec.sign(), 5, "failed to deduct fees");
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
    let mut cheap = send(&keys, 0, 1, 1);
    cheap.fee = vec![("uagr", 10)];
    let res = chain.check(cheap.sign());
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
    let ok = chain.check(send(&keys, 0, 1, 1).sign());
    assert_eq!(ok.code, 0, "{}", ok.log);
    // CheckTx state advanced the sequence: the same sequence is now refused in the mempool
    let again = chain.check(send(&keys, 0, 1, 2).sign());
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
    let mut spec = send(&keys, 0, 1, 1);
    spec.gas_limit = 1_000; // less than the tx-size gas alone
    assert_refused(&mut chain, spec.sign(), 11, "out of gas");

    // enough for the ante handler, not for the send: fee and sequence stay, the send reverts
    let (a, b) = (keys[0].address.clone(), keys[1].address.clone());
    let needed = chain.simulated_gas(send(&keys, 0, 1, 1).sign());
    let mut spec = send(&keys, 0, 1, 1);
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

#[test]
fn oversized_memo_is_refused() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    chain.block(vec![]);
    let mut spec = send(&keys, 0, 1, 1);
    spec.memo = "x".repeat(257);
    assert_refused(
        &mut chain,
        spec.sign(),
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
    assert_refused(&mut chain, tx, 14, "signatures: 8, limit: 7");
}

#[test]
fn expired_timeout_height_is_refused() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    chain.block(vec![]);
    chain.block(vec![]);
    let mut spec = send(&keys, 0, 1, 1);
    spec.timeout_height = 2;
    assert_refused(
        &mut chain,
        spec.sign(),
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
    assert_refused(
        &mut chain,
        spec.sign(),
        6,
        "unrecognized message type /cosmos.nope.v1.MsgNope",
    );
}

#[test]
fn simulate_reports_gas_without_changing_state() {
    let mut chain = Chain::new(2);
    let keys = chain.keys.clone();
    chain.block(vec![]);
    let tx = send(&keys, 0, 1, 1).sign();
    let before = chain.app.store().app_hash();
    let simulated = chain.simulated_gas(tx.clone());
    assert!(simulated > 10_000);
    // simulation left the mempool state alone: the same sequence is still accepted
    let checked = chain.check(tx.clone());
    assert_eq!(checked.code, 0, "{}", checked.log);
    assert_eq!(chain.app.store().app_hash(), before);
    let delivered = chain.deliver(tx);
    assert_eq!(delivered.code, 0, "{}", delivered.log);
    // the same store accesses and signature gas are charged whether or not the signature is checked
    assert_eq!(delivered.gas_used as u64, simulated);
}

fn update_auth_params(authority: &agora_core::Address) -> Any {
    let mut params = agora_auth::Params::default().to_proto();
    params.max_memo_characters = 1;
    Any {
        type_url: agora_auth::MSG_UPDATE_PARAMS_TYPE_URL.into(),
        value: agora_proto::cosmos::auth::v1beta1::MsgUpdateParams {
            authority: authority.to_string(),
            params: Some(params),
        }
        .encode_to_vec(),
    }
}

#[test]
fn update_params_from_anyone_but_the_authority_fails_and_keeps_only_fee_and_sequence() {
    let mut chain = Chain::new(1);
    let keys = chain.keys.clone();
    let a = keys[0].address.clone();
    let memo_limit = |chain: &mut Chain| {
        let bytes = chain.query(
            "/cosmos.auth.v1beta1.Query/Params",
            agora_proto::cosmos::auth::v1beta1::QueryParamsRequest {}.encode_to_vec(),
        );
        agora_proto::cosmos::auth::v1beta1::QueryParamsResponse::decode(bytes.as_slice())
            .unwrap()
            .params
            .unwrap()
            .max_memo_characters
    };
    // Signed by its own authority field's account, so it passes the ante handler ...
    let mut spec = send(&keys, 0, 0, 1);
    spec.msgs = vec![update_auth_params(&a)];
    let res = chain.deliver(spec.sign());
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("gov", 13),
        "{}",
        res.log
    );
    assert!(
        res.log.contains("invalid authority; expected"),
        "{}",
        res.log
    );
    // ... and fails in its handler: only the fee and the sequence changed.
    assert_eq!(chain.balance(&a), START_BALANCE - FEE);
    assert_eq!(chain.account(&a), (0, 1));
    assert_eq!(memo_limit(&mut chain), 256);

    // Naming the gov authority makes gov the signer, which the sender's signature is not.
    let mut spec = send(&keys, 0, 0, 1);
    spec.signers[0].sequence = 1;
    spec.msgs = vec![update_auth_params(&agora_core::authority::gov_authority())];
    let res = chain.deliver(spec.sign());
    assert_ne!(res.code, 0, "{}", res.log);
    assert_eq!(chain.account(&a), (0, 1), "refused in the ante handler");
    assert_eq!(memo_limit(&mut chain), 256);
}
