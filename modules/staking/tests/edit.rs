//! `MsgEditValidator`: description fields (keeping `[do-not-modify]` ones), a commission rate
//! at most once a day and within the max change, a minimum self delegation that only rises.

mod common;

use agora_core::{Address, SdkCode, VALOPER_PREFIX};
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;
use agora_staking::{StakingCode, MODULE, MSG_EDIT_VALIDATOR_TYPE_URL};
use common::{addr, any, create_validator, dec, Chain, AGR};
use prost::Message;

/// Alice's validator: rate 0.10, max 0.20, max change 0.01 a day; 10 AGR, minimum 1 AGR.
fn chain() -> (Chain, Address) {
    let alice = addr(1);
    let mut chain = Chain::new(std::slice::from_ref(&alice), 100 * AGR);
    let mut create = create_validator(&alice, 1, 10 * AGR);
    create.description = Some(pb::Description {
        moniker: "alice".into(),
        website: "https://a.example".into(),
        ..Default::default()
    });
    create.min_self_delegation = AGR.to_string();
    chain.create_validator(create);
    (chain, alice)
}

fn edit(alice: &Address, rate: &str, min_self: &str) -> Any {
    any(
        MSG_EDIT_VALIDATOR_TYPE_URL,
        pb::MsgEditValidator {
            description: Some(pb::Description {
                moniker: "[do-not-modify]".into(),
                website: "https://b.example".into(),
                identity: "[do-not-modify]".into(),
                security_contact: "[do-not-modify]".into(),
                details: "[do-not-modify]".into(),
            }),
            validator_address: alice.to_bech32_with(VALOPER_PREFIX),
            commission_rate: if rate.is_empty() {
                String::new()
            } else {
                dec(rate)
            },
            min_self_delegation: min_self.into(),
        },
    )
}

fn staking_code(chain: &mut Chain, msg: &Any) -> u32 {
    let err = chain.execute(msg).result.unwrap_err();
    assert_eq!(err.codespace, MODULE, "{err:?}");
    err.code
}

#[test]
fn description_edits_keep_the_fields_marked_do_not_modify() {
    let (mut chain, alice) = chain();
    let out = chain.execute(&edit(&alice, "", ""));
    out.result.unwrap();
    assert!(out.events.iter().any(|e| e.kind == "edit_validator"));
    let v = chain.read(|c, ctx| c.keeper.existing_validator(ctx, &alice));
    assert_eq!(v.description.moniker, "alice");
    assert_eq!(v.description.website, "https://b.example");
}

#[test]
fn the_rate_changes_once_a_day_within_its_limits() {
    let (mut chain, alice) = chain();
    assert_eq!(
        staking_code(&mut chain, &edit(&alice, "0.105", "")),
        StakingCode::CommissionUpdateTime as u32,
        "created today"
    );
    chain.block.time = chain.block.time.plus_seconds(24 * 3600);
    assert_eq!(
        staking_code(&mut chain, &edit(&alice, "0.12", "")),
        StakingCode::CommissionGtMaxChangeRate as u32
    );
    assert_eq!(
        staking_code(&mut chain, &edit(&alice, "0.25", "")),
        StakingCode::CommissionGtMaxRate as u32
    );
    chain.execute(&edit(&alice, "0.11", "")).result.unwrap();
    let v = chain.read(|c, ctx| c.keeper.existing_validator(ctx, &alice));
    assert_eq!(v.commission.rate, "0.11".parse().unwrap());
    assert_eq!(v.commission.update_time_nanos, chain.block.time.nanos());
    assert_eq!(
        staking_code(&mut chain, &edit(&alice, "0.10", "")),
        StakingCode::CommissionUpdateTime as u32,
        "changed again within the day"
    );
}

#[test]
fn the_minimum_self_delegation_only_rises_and_stays_covered() {
    let (mut chain, alice) = chain();
    assert_eq!(
        staking_code(&mut chain, &edit(&alice, "", &AGR.to_string())),
        StakingCode::MinSelfDelegationDecreased as u32
    );
    assert_eq!(
        staking_code(&mut chain, &edit(&alice, "", &(11 * AGR).to_string())),
        StakingCode::SelfDelegationBelowMinimum as u32
    );
    chain
        .execute(&edit(&alice, "", &(5 * AGR).to_string()))
        .result
        .unwrap();
    let v = chain.read(|c, ctx| c.keeper.existing_validator(ctx, &alice));
    assert_eq!(v.min_self_delegation, 5 * AGR);

    let nobody = addr(9);
    assert_eq!(
        staking_code(&mut chain, &edit(&nobody, "", "")),
        StakingCode::NoValidatorFound as u32
    );
    let mut empty = pb::MsgEditValidator::decode(edit(&alice, "", "").value.as_slice()).unwrap();
    empty.description = None;
    let err = chain
        .execute(&any(MSG_EDIT_VALIDATOR_TYPE_URL, empty))
        .result
        .unwrap_err();
    assert!(err.is(SdkCode::InvalidRequest), "{err:?}");
}
