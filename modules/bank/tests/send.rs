//! MsgSend / MsgMultiSend: moving funds, events, refusals, and gas.

mod common;

use agora_bank::{BankCode, MODULE, MSG_MULTI_SEND_TYPE_URL, MSG_SEND_TYPE_URL};
use agora_core::{Address, Coins, SdkCode};
use agora_proto::cosmos::bank::v1beta1 as pb;
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use agora_proto::Any;
use common::{addr, bank_genesis, Chain, BLOCKED};
use prost::Message;

fn coins(list: &[(&str, &str)]) -> Vec<ProtoCoin> {
    list.iter()
        .map(|(amount, denom)| ProtoCoin {
            denom: denom.to_string(),
            amount: amount.to_string(),
        })
        .collect()
}

fn msg_send(from: &Address, to: &Address, amount: &[(&str, &str)]) -> Any {
    let msg = pb::MsgSend {
        from_address: from.to_string(),
        to_address: to.to_string(),
        amount: coins(amount),
    };
    Any {
        type_url: MSG_SEND_TYPE_URL.into(),
        value: msg.encode_to_vec(),
    }
}

fn msg_multi_send(
    inputs: &[(&Address, &[(&str, &str)])],
    outputs: &[(&Address, &[(&str, &str)])],
) -> Any {
    let msg = pb::MsgMultiSend {
        inputs: inputs
            .iter()
            .map(|(a, c)| pb::Input {
                address: a.to_string(),
                coins: coins(c),
            })
            .collect(),
        outputs: outputs
            .iter()
            .map(|(a, c)| pb::Output {
                address: a.to_string(),
                coins: coins(c),
            })
            .collect(),
    };
    Any {
        type_url: MSG_MULTI_SEND_TYPE_URL.into(),
        value: msg.encode_to_vec(),
    }
}

#[test]
fn send_moves_funds_creates_the_recipient_and_emits_sdk_events() {
    let (alice, bob) = (addr(1), addr(2));
    let mut chain = Chain::new(bank_genesis(&[(&alice, "1000uagr,50ufoo")]));
    let msg = msg_send(&alice, &bob, &[("100", "uagr"), ("5", "ufoo")]);
    assert_eq!(
        common::signers(&chain.bank, &msg).unwrap(),
        vec![alice.clone()]
    );

    assert!(!chain.read(|_, ctx| common::auth_keeper().has_account(ctx, &bob)));
    let out = chain.run(1_000_000, |m, ctx| m.execute(ctx, &msg));
    let response = out.result.unwrap();
    pb::MsgSendResponse::decode(response.as_slice()).unwrap();

    assert_eq!(chain.balance(&alice, "uagr"), 900);
    assert_eq!(chain.balance(&alice, "ufoo"), 45);
    assert_eq!(chain.balance(&bob, "uagr"), 100);
    assert_eq!(chain.balance(&bob, "ufoo"), 5);
    assert!(
        chain.read(|_, ctx| common::auth_keeper().has_account(ctx, &bob)),
        "recipient account created"
    );

    let kinds: Vec<_> = out.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["coin_spent", "coin_received", "transfer", "message"]
    );
    let (a, b) = (alice.to_string(), bob.to_string());
    assert_eq!(out.events[0].get("spender"), Some(a.as_str()));
    assert_eq!(out.events[0].get("amount"), Some("100uagr,5ufoo"));
    assert_eq!(out.events[1].get("receiver"), Some(b.as_str()));
    assert_eq!(out.events[2].get("recipient"), Some(b.as_str()));
    assert_eq!(out.events[2].get("sender"), Some(a.as_str()));
    assert_eq!(out.events[2].get("amount"), Some("100uagr,5ufoo"));
    assert_eq!(out.events[3].get("sender"), Some(a.as_str()));
}

#[test]
fn insufficient_funds_fails_with_code_5_and_changes_nothing() {
    let (alice, bob) = (addr(1), addr(2));
    let mut chain = Chain::new(bank_genesis(&[(&alice, "10uagr,50ufoo")]));
    let before = chain.export_bank();

    let msg = msg_send(&alice, &bob, &[("100", "uagr")]);
    let err = chain
        .run(1_000_000, |m, ctx| m.execute(ctx, &msg))
        .result
        .unwrap_err();
    assert!(err.is(SdkCode::InsufficientFunds), "{err:?}");
    assert_eq!(
        err.msg,
        "spendable balance 10uagr is smaller than 100uagr: insufficient funds"
    );

    // The keeper itself writes nothing when a later coin is short (ufoo is checked first here).
    let amount: Coins = "5ufoo,1uzzz".parse().unwrap();
    let out = chain.run(u64::MAX, |_, ctx| {
        let err = common::bank_keeper()
            .send_coins(ctx, &alice, &bob, &amount)
            .unwrap_err();
        assert_eq!(
            err.msg,
            "spendable balance 0uzzz is smaller than 1uzzz: insufficient funds"
        );
        assert_eq!(
            common::bank_keeper().balance(ctx, &alice, "ufoo")?,
            50,
            "nothing written before the error"
        );
        assert!(ctx.events().is_empty());
        Ok(())
    });
    out.result.unwrap();
    assert_eq!(chain.export_bank(), before);
    assert!(!chain.read(|_, ctx| common::auth_keeper().has_account(ctx, &bob)));
}

#[test]
fn multisend_conserves_coins_and_checks_its_shape() {
    let (alice, bob, carol) = (addr(1), addr(2), addr(3));
    let mut chain = Chain::new(bank_genesis(&[(&alice, "1000uagr")]));
    let msg = msg_multi_send(
        &[(&alice, &[("100", "uagr")])],
        &[(&bob, &[("30", "uagr")]), (&carol, &[("70", "uagr")])],
    );
    assert_eq!(
        common::signers(&chain.bank, &msg).unwrap(),
        vec![alice.clone()]
    );
    let out = chain.run(1_000_000, |m, ctx| m.execute(ctx, &msg));
    out.result.unwrap();
    assert_eq!(chain.balance(&alice, "uagr"), 900);
    assert_eq!(chain.balance(&bob, "uagr"), 30);
    assert_eq!(chain.balance(&carol, "uagr"), 70);
    assert_eq!(
        chain.read(|_, ctx| common::bank_keeper().supply_of(ctx, "uagr")),
        1000
    );
    let transfers = out.events.iter().filter(|e| e.kind == "transfer").count();
    assert_eq!(transfers, 2);

    let bank_err = |msg: &Any| common::signers(&chain.bank, msg).unwrap_err();
    let mismatch = msg_multi_send(
        &[(&alice, &[("100", "uagr")])],
        &[(&bob, &[("99", "uagr")])],
    );
    let err = bank_err(&mismatch);
    assert_eq!(
        (err.codespace.as_ref(), err.code),
        (MODULE, BankCode::InputOutputMismatch as u32)
    );
    let two_inputs = msg_multi_send(
        &[(&alice, &[("1", "uagr")]), (&bob, &[("1", "uagr")])],
        &[(&carol, &[("2", "uagr")])],
    );
    assert_eq!(bank_err(&two_inputs).code, BankCode::MultipleSenders as u32);
    assert_eq!(
        bank_err(&msg_multi_send(&[], &[(&carol, &[("2", "uagr")])])).code,
        BankCode::NoInputs as u32
    );
    assert_eq!(
        bank_err(&msg_multi_send(&[(&alice, &[("2", "uagr")])], &[])).code,
        BankCode::NoOutputs as u32
    );
}

#[test]
fn stateless_checks_reject_bad_addresses_and_coins() {
    let chain = Chain::new(bank_genesis(&[]));
    let (alice, bob) = (addr(1), addr(2));
    let mut bad_from = pb::MsgSend {
        from_address: "cosmos1xyz".into(),
        to_address: bob.to_string(),
        amount: coins(&[("1", "uagr")]),
    };
    let any = |m: &pb::MsgSend| Any {
        type_url: MSG_SEND_TYPE_URL.into(),
        value: m.encode_to_vec(),
    };
    let err = common::signers(&chain.bank, &any(&bad_from)).unwrap_err();
    assert!(
        err.is(SdkCode::InvalidAddress) && err.msg.starts_with("invalid from address"),
        "{err:?}"
    );
    bad_from.from_address = alice.to_string();
    for amount in [
        vec![],
        coins(&[("0", "uagr")]),
        coins(&[("1", "uzz"), ("1", "uaa")]),
        coins(&[("-1", "uagr")]),
    ] {
        let msg = pb::MsgSend {
            amount,
            ..bad_from.clone()
        };
        assert!(common::signers(&chain.bank, &any(&msg))
            .unwrap_err()
            .is(SdkCode::InvalidCoins));
    }
}

#[test]
fn blocked_module_accounts_cannot_receive() {
    let alice = addr(1);
    let pool = Address::module(BLOCKED);
    let mut chain = Chain::new(bank_genesis(&[(&alice, "1000uagr")]));
    let msg = msg_send(&alice, &pool, &[("1", "uagr")]);
    let err = chain
        .run(1_000_000, |m, ctx| m.execute(ctx, &msg))
        .result
        .unwrap_err();
    assert!(err.is(SdkCode::Unauthorized));
    assert_eq!(
        err.msg,
        format!("{pool} is not allowed to receive funds: unauthorized")
    );
    let multi = msg_multi_send(
        &[(&alice, &[("2", "uagr")])],
        &[(&addr(2), &[("1", "uagr")]), (&pool, &[("1", "uagr")])],
    );
    assert!(chain
        .run(1_000_000, |m, ctx| m.execute(ctx, &multi))
        .result
        .unwrap_err()
        .is(SdkCode::Unauthorized));
    // Modules may not pay a blocked address either.
    let one: Coins = "1uagr".parse().unwrap();
    let out = chain.run(u64::MAX, |_, ctx| {
        common::bank_keeper().send_coins_from_account_to_module(ctx, &alice, "mint", &one)?;
        common::bank_keeper().send_coins_from_module_to_account(ctx, "mint", &pool, &one)
    });
    assert!(out.result.unwrap_err().is(SdkCode::Unauthorized));
    assert_eq!(chain.balance(&alice, "uagr"), 1000);
    assert_eq!(chain.balance(&pool, "uagr"), 0);
}

#[test]
fn send_disabled_denoms_are_refused() {
    let (alice, bob) = (addr(1), addr(2));
    let mut genesis = bank_genesis(&[(&alice, "1000uagr,50ufoo")]);
    genesis["send_enabled"] = serde_json::json!([{"denom": "ufoo", "enabled": false}]);
    let mut chain = Chain::new(genesis.clone());
    let msg = msg_send(&alice, &bob, &[("1", "ufoo")]);
    let err = chain
        .run(1_000_000, |m, ctx| m.execute(ctx, &msg))
        .result
        .unwrap_err();
    assert_eq!(
        (err.codespace.as_ref(), err.code),
        (MODULE, BankCode::SendDisabled as u32)
    );
    assert_eq!(
        err.msg,
        "ufoo transfers are currently disabled: send transactions are disabled"
    );
    let ok = msg_send(&alice, &bob, &[("1", "uagr")]);
    chain
        .run(1_000_000, |m, ctx| m.execute(ctx, &ok))
        .result
        .unwrap();

    // With the default off, a denom without its own flag is refused too.
    genesis["params"]["default_send_enabled"] = false.into();
    let mut chain = Chain::new(genesis);
    let err = chain
        .run(1_000_000, |m, ctx| m.execute(ctx, &ok))
        .result
        .unwrap_err();
    assert_eq!(err.code, BankCode::SendDisabled as u32);
}

#[test]
fn gas_is_charged_and_a_tiny_limit_runs_out() {
    let (alice, bob) = (addr(1), addr(2));
    let mut chain = Chain::new(bank_genesis(&[(&alice, "1000uagr")]));
    let msg = msg_send(&alice, &bob, &[("1", "uagr")]);
    let out = chain.run(1_000_000, |m, ctx| m.execute(ctx, &msg));
    out.result.unwrap();
    assert!(out.gas_used > 2000, "gas used {}", out.gas_used);
    assert!(!out.out_of_gas);

    let out = chain.run(5_000, |m, ctx| m.execute(ctx, &msg));
    assert!(out.out_of_gas);
    assert_eq!(
        chain.balance(&alice, "uagr"),
        999,
        "the out-of-gas tx was dropped"
    );
}
