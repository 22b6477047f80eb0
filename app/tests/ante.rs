//! The ante handler's rules, each with a real signed tx that would pass but for one defect:
//! the SDK code it is refused with, and that balances and sequences did not move.

mod common;

use agora_app::testing::{bank_send, init_chain_request, Signer, TestKey, TxSpec};
use agora_app::{App, AppConfig};
use agora_proto::cosmos::tx::v1beta1::TxRaw;
use common::tx::{assert_refused, send, FEE};
use common::{attr, Chain, CHAIN_ID, START_BALANCE};
use prost::encoding::{encode_key, encode_varint, WireType};
use prost::Message;
use tendermint_proto::v0_38::types::{BlockParams, ConsensusParams};

/// A chain past its first block.
fn chain(n: usize) -> Chain {
    let mut chain = Chain::new(n);
    chain.block(vec![]);
    chain
}

#[test]
fn check_tx_refuses_a_gas_limit_above_the_block_max_gas() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(dir.path(), AppConfig::default()).unwrap();
    let keys: Vec<TestKey> = (0..2).map(TestKey::from_seed).collect();
    let mut req = init_chain_request(
        CHAIN_ID,
        &agora_app::testing::funded_app_state(&keys, START_BALANCE),
    );
    req.consensus_params = Some(ConsensusParams {
        block: Some(BlockParams {
            max_bytes: 2_000_000,
            max_gas: 150_000,
        }),
        ..Default::default()
    });
    app.init_chain(req).unwrap();
    let mut chain = Chain::from_app(app, std::rc::Rc::new(keys), dir);
    chain.block(vec![]);
    let keys = chain.keys.clone();

    let mut over = send(&keys, 0, 1, 1);
    over.gas_limit = 150_001;
    let res = chain.check(over.sign());
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("sdk", 41),
        "{}",
        res.log
    );
    assert_eq!(
        res.log,
        "tx gas limit 150001 exceeds block max gas 150000: invalid gas limit"
    );
    // the mempool's state is untouched: the same sequence at the limit is accepted
    let mut at_limit = send(&keys, 0, 1, 1);
    at_limit.gas_limit = 150_000;
    let res = chain.check(at_limit.sign());
    assert_eq!(res.code, 0, "{}", res.log);
    assert_eq!(chain.balance(&keys[0].address), START_BALANCE);
}

#[test]
fn out_of_gas_reports_the_gas_consumed_past_the_limit() {
    let mut chain = chain(2);
    let keys = chain.keys.clone();
    let mut spec = send(&keys, 0, 1, 1);
    let needed = chain.simulated_gas(spec.sign());
    spec.gas_limit = needed - 2_000; // the ante handler fits, the send's writes do not
    let (a, b) = (keys[0].address.clone(), keys[1].address.clone());
    let res = chain.deliver(spec.sign());
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("sdk", 11),
        "{}",
        res.log
    );
    assert!(res.gas_used > res.gas_wanted, "{res:?}");
    // the crossing charge is the last one counted: one store access at most (a write of a
    // balance: 2,000 flat + 30 a byte of a key and value well under 100 bytes)
    assert!(res.gas_used < res.gas_wanted + 5_000, "{res:?}");
    assert!(
        res.log.starts_with("out of gas in location: ")
            && res.log.contains(&format!(
                "gasWanted: {}, gasUsed: {}: out of gas",
                res.gas_wanted, res.gas_used
            )),
        "{}",
        res.log
    );
    // the fee and sequence stay, the send reverts
    assert_eq!(chain.balance(&a), START_BALANCE - FEE);
    assert_eq!(chain.balance(&b), START_BALANCE);
    assert_eq!(chain.account(&a), (0, 1));
}

#[test]
fn the_memo_limit_counts_bytes() {
    let mut chain = chain(2);
    let keys = chain.keys.clone();
    // 129 characters, 258 bytes: over the 256 limit
    let mut spec = send(&keys, 0, 1, 1);
    spec.memo = "é".repeat(129);
    assert_refused(
        &mut chain,
        spec.sign(),
        12,
        "maximum number of characters is 256 but received 258 characters",
    );
    // exactly 256 bytes pass
    spec.memo = "é".repeat(128);
    let res = chain.deliver(spec.sign());
    assert_eq!(res.code, 0, "{}", res.log);
}

#[test]
fn the_timeout_height_is_checked_before_the_memo() {
    let mut chain = chain(2);
    chain.block(vec![]);
    let keys = chain.keys.clone();
    let mut spec = send(&keys, 0, 1, 1);
    spec.timeout_height = 2;
    spec.memo = "x".repeat(300);
    assert_refused(
        &mut chain,
        spec.sign(),
        30,
        "block height: 3, timeout height: 2",
    );
}

/// `spec` with `payer` as its fee payer, signed.
fn with_payer(spec: &TxSpec, payer: &str) -> Vec<u8> {
    let mut auth = spec.auth_info();
    auth.fee.as_mut().unwrap().payer = payer.to_string();
    spec.sign_parts(spec.body().encode_to_vec(), auth.encode_to_vec())
}

#[test]
fn a_fee_payer_must_sign() {
    let mut chain = chain(3);
    let keys = chain.keys.clone();
    let payer = keys[2].address.to_string();
    assert_refused(
        &mut chain,
        with_payer(&send(&keys, 0, 1, 10), &payer),
        4,
        "wrong number of signers; expected 2, got 1",
    );
    // signed by the payer as well, the tx passes and the payer pays the fee
    let mut spec = send(&keys, 0, 1, 10);
    spec.signers.push(Signer {
        key: &keys[2],
        account_number: 2,
        sequence: 0,
    });
    let res = chain.deliver(with_payer(&spec, &payer));
    assert_eq!(res.code, 0, "{}", res.log);
    assert_eq!(attr(&res.events, "tx", "fee_payer"), Some(payer.as_str()));
    assert_eq!(chain.balance(&keys[0].address), START_BALANCE - 10);
    assert_eq!(chain.balance(&keys[1].address), START_BALANCE + 10);
    assert_eq!(chain.balance(&keys[2].address), START_BALANCE - FEE);
    assert_eq!(chain.account(&keys[0].address), (0, 1));
    assert_eq!(chain.account(&keys[2].address), (2, 1));
    // a payer that already signs the Msgs is not a second signer
    let mut spec = send(&keys, 0, 1, 10);
    spec.signers[0].sequence = 1;
    let res = chain.deliver(with_payer(&spec, &keys[0].address.to_string()));
    assert_eq!(res.code, 0, "{}", res.log);
    // a payer that is not an address does not decode
    assert_refused(
        &mut chain,
        with_payer(&spec, "agora1notanaddress"),
        2,
        "invalid fee payer",
    );
}

#[test]
fn fee_coins_must_be_a_valid_coin_set() {
    let mut chain = chain(2);
    let keys = chain.keys.clone();
    let cases: [(&[(&str, u128)], &str); 4] = [
        (
            &[("uatom", 1), ("uagr", FEE)],
            "invalid fee amount: 1uatom,5000uagr",
        ),
        (
            &[("uagr", FEE), ("uagr", 1)],
            "invalid fee amount: 5000uagr,1uagr",
        ),
        (
            &[("uagr", FEE), ("uatom", 0)],
            "invalid fee amount: 5000uagr,0uatom",
        ),
        (&[("u", FEE)], "invalid fee amount: 5000u"),
    ];
    for (fee, log) in cases {
        let mut spec = send(&keys, 0, 1, 1);
        spec.fee = fee.to_vec();
        assert_refused(&mut chain, spec.sign(), 13, log);
    }
    // a fee of zero coins deducts nothing, as in the SDK
    let mut spec = send(&keys, 0, 1, 1);
    spec.fee = vec![("uagr", 0)];
    let res = chain.deliver(spec.sign());
    assert_eq!(res.code, 0, "{}", res.log);
    assert_eq!(chain.balance(&keys[0].address), START_BALANCE - 1);
}

#[test]
fn each_message_event_names_its_own_msgs_signer() {
    let mut chain = chain(3);
    let keys = chain.keys.clone();
    let (a, b, c) = (&keys[0].address, &keys[1].address, &keys[2].address);
    let mut spec = send(&keys, 0, 2, 1);
    spec.msgs.push(bank_send(b, c, 2));
    spec.signers.push(Signer {
        key: &keys[1],
        account_number: 1,
        sequence: 0,
    });
    let res = chain.deliver(spec.sign());
    assert_eq!(res.code, 0, "{}", res.log);
    // (type, msg_index, sender) of the events of the Msgs; the runner's message events are
    // those with an action (bank's own carry only a sender)
    let tagged: Vec<(&str, &str, Option<&str>)> = res
        .events
        .iter()
        .filter_map(|e| {
            let get = |key: &str| {
                e.attributes
                    .iter()
                    .find(|x| x.key == key)
                    .map(|x| x.value.as_str())
            };
            let kind = match (e.r#type.as_str(), get("action")) {
                ("message", Some(_)) => "action",
                (kind, _) => kind,
            };
            Some((kind, get("msg_index")?, get("sender")))
        })
        .collect();
    let (a, b) = (a.to_string(), b.to_string());
    // per Msg: its message event (with its own signer as sender), then the handler's events,
    // each exactly once
    let messages: Vec<_> = tagged.iter().filter(|t| t.0 == "action").collect();
    assert_eq!(
        messages,
        [
            &("action", "0", Some(a.as_str())),
            &("action", "1", Some(b.as_str()))
        ]
    );
    let transfers = |index| {
        tagged
            .iter()
            .filter(|t| t.0 == "transfer" && t.1 == index)
            .count()
    };
    assert_eq!((transfers("0"), transfers("1")), (1, 1));
    let first_of = |index| tagged.iter().position(|t| t.1 == index).unwrap();
    assert_eq!(tagged[first_of("0")].0, "action");
    assert_eq!(tagged[first_of("1")].0, "action");
    assert!(tagged[..first_of("1")].iter().all(|t| t.1 == "0"));
}

/// A length-delimited protobuf field.
fn bytes_field(number: u32, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_key(number, WireType::LengthDelimited, &mut out);
    encode_varint(value.len() as u64, &mut out);
    out.extend_from_slice(value);
    out
}

/// A varint protobuf field.
fn varint_field(number: u32, value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    encode_key(number, WireType::Varint, &mut out);
    encode_varint(value, &mut out);
    out
}

#[test]
fn unknown_fields_are_refused_except_non_critical_ones_in_the_body() {
    let mut chain = chain(2);
    let keys = chain.keys.clone();
    let spec = send(&keys, 0, 1, 1);
    let body = spec.body().encode_to_vec();
    let auth = spec.auth_info();
    let auth_bytes = auth.encode_to_vec();
    let extra = varint_field(99, 1);

    // appended to TxRaw, which no signature covers
    let tx = [spec.sign(), extra.clone()].concat();
    assert_refused(
        &mut chain,
        tx.clone(),
        2,
        "errUnknownField \"cosmos.tx.v1beta1.TxRaw\": {TagNum: 99, WireType:\"varint\"}",
    );
    let res = chain.check(tx);
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("sdk", 2),
        "{}",
        res.log
    );

    // signed, in the body (critical) and in the auth info
    let in_body = spec.sign_parts([body.clone(), extra.clone()].concat(), auth_bytes.clone());
    assert_refused(&mut chain, in_body, 2, "TxBody\": {TagNum: 99");
    let in_auth = spec.sign_parts(body.clone(), [auth_bytes.clone(), extra.clone()].concat());
    assert_refused(&mut chain, in_auth, 2, "AuthInfo\": {TagNum: 99");

    // in a signer info, in the fee and in a mode info: auth info rebuilt around the edited part
    let signer = auth.signer_infos[0].encode_to_vec();
    let fee = auth.fee.as_ref().unwrap().encode_to_vec();
    let rebuilt =
        |signer: &[u8], fee: &[u8]| [bytes_field(1, signer), bytes_field(2, fee)].concat();
    let plain = spec.sign_parts(body.clone(), rebuilt(&signer, &fee));
    assert_eq!(plain, spec.sign(), "the rebuilt auth info is the original");
    let in_signer = spec.sign_parts(
        body.clone(),
        rebuilt(&[signer.clone(), extra.clone()].concat(), &fee),
    );
    assert_refused(&mut chain, in_signer, 2, "SignerInfo\": {TagNum: 99");
    let in_fee = spec.sign_parts(
        body.clone(),
        rebuilt(&signer, &[fee.clone(), extra.clone()].concat()),
    );
    assert_refused(&mut chain, in_fee, 2, "Fee\": {TagNum: 99");
    let mut mode_info = auth.signer_infos[0]
        .mode_info
        .clone()
        .unwrap()
        .encode_to_vec();
    mode_info.extend(&extra);
    let mut edited = auth.signer_infos[0].clone();
    edited.mode_info = None;
    let signer_with_mode = [edited.encode_to_vec(), bytes_field(2, &mode_info)].concat();
    let in_mode = spec.sign_parts(body.clone(), rebuilt(&signer_with_mode, &fee));
    assert_refused(&mut chain, in_mode, 2, "ModeInfo\": {TagNum: 99");

    // a non-critical field (bit 11 set) in the body is accepted
    let non_critical = spec.sign_parts([body, bytes_field(1025, b"ext")].concat(), auth_bytes);
    let res = chain.deliver(non_critical);
    assert_eq!(res.code, 0, "{}", res.log);
    assert_eq!(chain.account(&keys[0].address), (0, 1));
}

#[test]
fn tx_raw_bytes_must_be_canonical() {
    let mut chain = chain(2);
    let keys = chain.keys.clone();
    let tx = send(&keys, 0, 1, 1).sign();
    let raw = TxRaw::decode(tx.as_slice()).unwrap();
    let non_canonical = "not the canonical encoding of their TxRaw";

    // the same fields, signatures first: decodes to the same tx, but another hash
    let reordered = [
        bytes_field(3, &raw.signatures[0]),
        bytes_field(1, &raw.body_bytes),
        bytes_field(2, &raw.auth_info_bytes),
    ]
    .concat();
    assert_eq!(TxRaw::decode(reordered.as_slice()).unwrap(), raw);
    assert_refused(&mut chain, reordered, 2, non_canonical);

    // the body's length as a varint one byte longer than it needs
    let mut length = Vec::new();
    encode_varint(raw.body_bytes.len() as u64, &mut length);
    let rest = &tx[1 + length.len()..];
    *length.last_mut().unwrap() |= 0x80;
    length.push(0);
    let padded = [&tx[..1], &length, rest].concat();
    assert_eq!(TxRaw::decode(padded.as_slice()).unwrap(), raw);
    assert_refused(&mut chain, padded, 2, non_canonical);

    // the body sent twice: decoding keeps the last one
    let twice = [bytes_field(1, b"junk"), tx.clone()].concat();
    assert_eq!(TxRaw::decode(twice.as_slice()).unwrap(), raw);
    assert_refused(&mut chain, twice, 2, non_canonical);

    // the canonical bytes pass
    assert_eq!(chain.deliver(tx).code, 0);
}
