//! The authority's Msgs: `MsgUpdateParams` and `MsgSetSendEnabled` change bank only when sent
//! by the authority (the gov module account), and are refused with `gov/13` otherwise.

mod common;

use agora_bank::{
    BankCode, MODULE, MSG_SEND_TYPE_URL, MSG_SET_SEND_ENABLED_TYPE_URL, MSG_UPDATE_PARAMS_TYPE_URL,
};
use agora_core::authority::gov_authority;
use agora_core::{Address, Module, SdkCode};
use agora_proto::cosmos::bank::v1beta1 as pb;
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use agora_proto::Any;
use common::{addr, bank_genesis, Chain};
use prost::Message;

fn any(type_url: &str, msg: impl Message) -> Any {
    Any {
        type_url: type_url.into(),
        value: msg.encode_to_vec(),
    }
}

#[allow(deprecated)]
fn update_params(authority: &Address, default_send_enabled: bool, flags: &[(&str, bool)]) -> Any {
    let send_enabled = flags
        .iter()
        .map(|(denom, enabled)| pb::SendEnabled {
            denom: denom.to_string(),
            enabled: *enabled,
        })
        .collect();
    any(
        MSG_UPDATE_PARAMS_TYPE_URL,
        pb::MsgUpdateParams {
            authority: authority.to_string(),
            params: Some(pb::Params {
                send_enabled,
                default_send_enabled,
            }),
        },
    )
}

fn set_send_enabled(authority: &Address, flags: &[(&str, bool)], defaults: &[&str]) -> Any {
    any(
        MSG_SET_SEND_ENABLED_TYPE_URL,
        pb::MsgSetSendEnabled {
            authority: authority.to_string(),
            send_enabled: flags
                .iter()
                .map(|(denom, enabled)| pb::SendEnabled {
                    denom: denom.to_string(),
                    enabled: *enabled,
                })
                .collect(),
            use_default_for: defaults.iter().map(|d| d.to_string()).collect(),
        },
    )
}

fn send(from: &Address, to: &Address, denom: &str) -> Any {
    any(
        MSG_SEND_TYPE_URL,
        pb::MsgSend {
            from_address: from.to_string(),
            to_address: to.to_string(),
            amount: vec![ProtoCoin {
                denom: denom.into(),
                amount: "1".into(),
            }],
        },
    )
}

#[test]
fn only_the_authority_updates_params() {
    let (alice, bob) = (addr(1), addr(2));
    let mut chain = Chain::new(bank_genesis(&[(&alice, "1000uagr,10ufoo")]));
    let before = chain.export_bank();

    let by_alice = update_params(&alice, false, &[]);
    let decoded = chain.bank.decode_msg(&by_alice).unwrap();
    assert_eq!(
        decoded.signers(),
        std::slice::from_ref(&alice),
        "the named authority signs"
    );
    let err = chain
        .run(u64::MAX, |m, ctx| m.execute(ctx, &by_alice))
        .result
        .unwrap_err();
    assert_eq!((err.codespace.as_ref(), err.code), ("gov", 13));
    assert!(
        err.msg
            .contains(&format!("expected {}, got {alice}", gov_authority())),
        "{}",
        err.msg
    );
    assert_eq!(chain.export_bank(), before, "nothing changed");

    // The authority turns sends off by default, and moves a deprecated per-denom flag in the
    // params into the send-enabled store.
    let by_gov = update_params(&gov_authority(), false, &[("ufoo", true)]);
    chain
        .run(u64::MAX, |m, ctx| m.execute(ctx, &by_gov))
        .result
        .unwrap();
    let exported = chain.export_bank();
    assert_eq!(exported["params"]["default_send_enabled"], false);
    assert_eq!(exported["params"]["send_enabled"], serde_json::json!([]));
    assert_eq!(
        exported["send_enabled"],
        serde_json::json!([{"denom": "ufoo", "enabled": true}])
    );
    let err = chain
        .run(u64::MAX, |m, ctx| {
            m.execute(ctx, &send(&alice, &bob, "uagr"))
        })
        .result
        .unwrap_err();
    assert_eq!(
        (err.codespace.as_ref(), err.code),
        (MODULE, BankCode::SendDisabled as u32)
    );
    chain
        .run(u64::MAX, |m, ctx| {
            m.execute(ctx, &send(&alice, &bob, "ufoo"))
        })
        .result
        .unwrap();
}

#[test]
fn set_send_enabled_sets_and_clears_flags() {
    let (alice, bob) = (addr(1), addr(2));
    let mut chain = Chain::new(bank_genesis(&[(&alice, "1000uagr,10ufoo")]));
    let gov = gov_authority();

    let off = set_send_enabled(&gov, &[("ufoo", false)], &[]);
    chain
        .run(u64::MAX, |m, ctx| m.execute(ctx, &off))
        .result
        .unwrap();
    let err = chain
        .run(u64::MAX, |m, ctx| {
            m.execute(ctx, &send(&alice, &bob, "ufoo"))
        })
        .result
        .unwrap_err();
    assert_eq!(err.code, BankCode::SendDisabled as u32);

    let back = set_send_enabled(&gov, &[], &["ufoo"]);
    chain
        .run(u64::MAX, |m, ctx| m.execute(ctx, &back))
        .result
        .unwrap();
    assert_eq!(chain.export_bank()["send_enabled"], serde_json::json!([]));
    chain
        .run(u64::MAX, |m, ctx| {
            m.execute(ctx, &send(&alice, &bob, "ufoo"))
        })
        .result
        .unwrap();

    let by_alice = set_send_enabled(&alice, &[("uagr", false)], &[]);
    let err = chain
        .run(u64::MAX, |m, ctx| m.execute(ctx, &by_alice))
        .result
        .unwrap_err();
    assert_eq!((err.codespace.as_ref(), err.code), ("gov", 13));
}

#[test]
fn malformed_authority_msgs_are_refused_before_they_run() {
    let chain = Chain::new(bank_genesis(&[]));
    let gov = gov_authority();
    let twice = set_send_enabled(&gov, &[("ufoo", false)], &["ufoo"]);
    let err = chain.bank.decode_msg(&twice).unwrap_err();
    assert!(err.is(SdkCode::InvalidRequest), "{err:?}");
    assert!(err.msg.contains("duplicate denom entries"), "{}", err.msg);

    let bad_denom = set_send_enabled(&gov, &[("1nope", false)], &[]);
    assert!(chain
        .bank
        .decode_msg(&bad_denom)
        .unwrap_err()
        .is(SdkCode::InvalidRequest));

    let mut no_address = pb::MsgUpdateParams {
        authority: "agora1notanaddress".into(),
        params: Some(pb::Params::default()),
    };
    let err = chain
        .bank
        .decode_msg(&any(MSG_UPDATE_PARAMS_TYPE_URL, no_address.clone()))
        .unwrap_err();
    assert!(err.msg.contains("invalid authority address"), "{}", err.msg);

    no_address.authority = gov.to_string();
    no_address.params = None;
    let err = chain
        .bank
        .decode_msg(&any(MSG_UPDATE_PARAMS_TYPE_URL, no_address))
        .unwrap_err();
    assert!(err.msg.contains("params are required"), "{}", err.msg);
}
