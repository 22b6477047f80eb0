//! Undelegating: tokens wait in the not-bonded pool for the unbonding time and are paid out
//! at EndBlock; entries can be cancelled; an operator below its minimum self delegation is
//! jailed and leaves the set.

mod common;

use agora_core::{Address, SdkCode};
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;
use agora_staking::{
    BondStatus, StakingCode, BONDED_POOL, MODULE, MSG_CANCEL_UNBONDING_TYPE_URL,
    MSG_UNDELEGATE_TYPE_URL, NOT_BONDED_POOL,
};
use common::{addr, any, coin, create_validator, delegate, valoper, Chain, AGR};
use prost::Message;

/// A chain where alice runs a bonded validator (self delegation 10 AGR, minimum 5 AGR) and
/// bob delegated 20 AGR to her; unbonding takes 60 s and each block 5 s.
fn chain() -> (Chain, Address, Address) {
    let (alice, bob) = (addr(1), addr(2));
    let mut chain = Chain::new(&[alice.clone(), bob.clone()], 100 * AGR);
    chain.update_params(|p| p.unbonding_time.as_mut().unwrap().seconds = 60);
    let mut create = create_validator(&alice, 1, 10 * AGR);
    create.min_self_delegation = (5 * AGR).to_string();
    chain.create_validator(create);
    chain
        .execute(&delegate(&bob, &alice, 20 * AGR))
        .result
        .unwrap();
    chain.end_block();
    (chain, alice, bob)
}

fn undelegate(who: &Address, from: &Address, amount: u128) -> Any {
    any(
        MSG_UNDELEGATE_TYPE_URL,
        pb::MsgUndelegate {
            delegator_address: who.to_string(),
            validator_address: valoper(from),
            amount: coin(amount),
        },
    )
}

fn cancel(who: &Address, from: &Address, amount: u128, height: i64) -> Any {
    any(
        MSG_CANCEL_UNBONDING_TYPE_URL,
        pb::MsgCancelUnbondingDelegation {
            delegator_address: who.to_string(),
            validator_address: valoper(from),
            amount: coin(amount),
            creation_height: height,
        },
    )
}

fn code(err: agora_core::Error) -> (String, u32) {
    (err.codespace.to_string(), err.code)
}

#[test]
fn undelegated_tokens_wait_for_the_unbonding_time_then_return() {
    let (mut chain, alice, bob) = chain();
    let out = chain.execute(&undelegate(&bob, &alice, 8 * AGR));
    let response = pb::MsgUndelegateResponse::decode(out.result.unwrap().as_slice()).unwrap();
    assert_eq!(response.amount.unwrap().amount, (8 * AGR).to_string());
    let completion = response.completion_time.unwrap();
    assert_eq!(completion.seconds as u64, chain.block.time.seconds() + 60);
    let unbond = out.events.iter().find(|e| e.kind == "unbond").unwrap();
    assert!(unbond.get("completion_time").unwrap().ends_with('Z'));

    assert_eq!(chain.balance(&Address::module(BONDED_POOL)), 22 * AGR);
    assert_eq!(chain.balance(&Address::module(NOT_BONDED_POOL)), 8 * AGR);
    let ubd: pb::QueryUnbondingDelegationResponse = chain
        .query(
            "UnbondingDelegation",
            pb::QueryUnbondingDelegationRequest {
                delegator_addr: bob.to_string(),
                validator_addr: valoper(&alice),
            },
        )
        .unwrap();
    assert_eq!(
        ubd.unbond.unwrap().entries[0].balance,
        (8 * AGR).to_string()
    );

    let updates = chain.end_block();
    assert_eq!(updates.len(), 1, "alice's power fell from 30 to 22");
    assert_eq!(updates[0].power, 22);
    for _ in 0..11 {
        chain.end_block(); // the blocks at 5 s .. 55 s after the undelegation
    }
    assert_eq!(chain.balance(&bob), 80 * AGR, "not yet");
    chain.end_block(); // the block at 60 s
    assert_eq!(chain.balance(&bob), 88 * AGR, "paid out at maturity");
    assert_eq!(chain.balance(&Address::module(NOT_BONDED_POOL)), 0);
    assert!(chain
        .read(|c, ctx| c.keeper.unbonding_delegation(ctx, &bob, &alice))
        .is_none());
}

#[test]
fn refusals_name_the_sdk_error_and_change_nothing() {
    let (mut chain, alice, bob) = chain();
    let carol = addr(3);
    let err = chain
        .execute(&undelegate(&bob, &alice, 21 * AGR))
        .result
        .unwrap_err();
    assert_eq!(
        code(err),
        (MODULE.into(), StakingCode::NotEnoughDelegationShares as u32)
    );
    let err = chain
        .execute(&undelegate(&carol, &alice, AGR))
        .result
        .unwrap_err();
    assert_eq!(code(err), (MODULE.into(), StakingCode::NoDelegation as u32));
    let err = chain
        .execute(&undelegate(&bob, &carol, AGR))
        .result
        .unwrap_err();
    assert_eq!(
        code(err),
        (MODULE.into(), StakingCode::NoValidatorFound as u32)
    );

    chain.update_params(|p| p.max_entries = 2);
    chain
        .execute(&undelegate(&bob, &alice, AGR))
        .result
        .unwrap();
    chain
        .execute(&undelegate(&bob, &alice, AGR))
        .result
        .unwrap();
    let err = chain
        .execute(&undelegate(&bob, &alice, AGR))
        .result
        .unwrap_err();
    assert_eq!(
        code(err),
        (
            MODULE.into(),
            StakingCode::MaxUnbondingDelegationEntries as u32
        )
    );
    assert_eq!(chain.balance(&Address::module(NOT_BONDED_POOL)), 2 * AGR);
}

#[test]
fn a_cancelled_entry_is_delegated_again() {
    let (mut chain, alice, bob) = chain();
    let height = chain.block.height as i64;
    chain
        .execute(&undelegate(&bob, &alice, 8 * AGR))
        .result
        .unwrap();
    let err = chain
        .execute(&cancel(&bob, &alice, 9 * AGR, height))
        .result
        .unwrap_err();
    assert!(err.is(SdkCode::InvalidRequest), "{err:?}");
    let err = chain
        .execute(&cancel(&bob, &alice, AGR, height + 1))
        .result
        .unwrap_err();
    assert_eq!(
        code(err),
        (MODULE.into(), StakingCode::NoUnbondingDelegation as u32)
    );

    chain
        .execute(&cancel(&bob, &alice, 3 * AGR, height))
        .result
        .unwrap();
    assert_eq!(chain.balance(&Address::module(NOT_BONDED_POOL)), 5 * AGR);
    assert_eq!(
        chain.balance(&Address::module(BONDED_POOL)),
        25 * AGR,
        "back in the bonded pool"
    );
    let shares = chain
        .read(|c, ctx| c.keeper.delegation(ctx, &bob, &alice))
        .unwrap();
    let v = chain.read(|c, ctx| c.keeper.existing_validator(ctx, &alice));
    assert_eq!(v.tokens_from_shares(shares).unwrap(), 15 * AGR);
    chain
        .execute(&cancel(&bob, &alice, 5 * AGR, height))
        .result
        .unwrap();
    assert!(
        chain
            .read(|c, ctx| c.keeper.unbonding_delegation(ctx, &bob, &alice))
            .is_none(),
        "an emptied entry is gone"
    );
}

#[test]
fn an_operator_below_its_minimum_self_delegation_is_jailed_and_leaves_the_set() {
    let (mut chain, alice, _bob) = chain();
    chain
        .execute(&undelegate(&alice, &alice, 6 * AGR))
        .result
        .unwrap();
    let v = chain.read(|c, ctx| c.keeper.existing_validator(ctx, &alice));
    assert!(v.jailed, "4 AGR left, minimum 5");
    let updates = chain.end_block();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].power, 0, "a jailed validator leaves the set");
    let v = chain.read(|c, ctx| c.keeper.existing_validator(ctx, &alice));
    assert_eq!(v.status, BondStatus::Unbonding);
    assert_eq!(chain.balance(&Address::module(BONDED_POOL)), 0);
    for _ in 0..12 {
        chain.end_block();
    }
    let v = chain.read(|c, ctx| c.keeper.existing_validator(ctx, &alice));
    assert_eq!(v.status, BondStatus::Unbonded, "its own unbonding matured");
    assert_eq!(
        chain.balance(&alice),
        96 * AGR,
        "its undelegated 6 AGR came back"
    );
}

#[test]
fn unbonding_delegations_are_listed_by_delegator_and_by_validator() {
    let (mut chain, alice, bob) = chain();
    chain
        .execute(&undelegate(&bob, &alice, 2 * AGR))
        .result
        .unwrap();
    chain
        .execute(&undelegate(&alice, &alice, AGR))
        .result
        .unwrap();
    let of_validator: pb::QueryValidatorUnbondingDelegationsResponse = chain
        .query(
            "ValidatorUnbondingDelegations",
            pb::QueryValidatorUnbondingDelegationsRequest {
                validator_addr: valoper(&alice),
                pagination: None,
            },
        )
        .unwrap();
    assert_eq!(of_validator.unbonding_responses.len(), 2);
    let of_bob: pb::QueryDelegatorUnbondingDelegationsResponse = chain
        .query(
            "DelegatorUnbondingDelegations",
            pb::QueryDelegatorUnbondingDelegationsRequest {
                delegator_addr: bob.to_string(),
                pagination: None,
            },
        )
        .unwrap();
    assert_eq!(of_bob.unbonding_responses.len(), 1);
    assert_eq!(
        of_bob.unbonding_responses[0].entries[0].balance,
        (2 * AGR).to_string()
    );
    for _ in 0..13 {
        chain.end_block();
    }
    let after: pb::QueryValidatorUnbondingDelegationsResponse = chain
        .query(
            "ValidatorUnbondingDelegations",
            pb::QueryValidatorUnbondingDelegationsRequest {
                validator_addr: valoper(&alice),
                pagination: None,
            },
        )
        .unwrap();
    assert!(
        after.unbonding_responses.is_empty(),
        "matured entries leave the index too"
    );
}
