//! Redelegating: a delegation moves to another validator at once, tokens follow the pools'
//! statuses, and an entry stays until the source's unbonding time has passed.

mod common;

use agora_core::Address;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;
use agora_staking::{StakingCode, BONDED_POOL, MODULE, MSG_REDELEGATE_TYPE_URL, NOT_BONDED_POOL};
use common::{addr, any, coin, create_validator, delegate, valoper, Chain, AGR};

fn redelegate(who: &Address, src: &Address, dst: &Address, amount: u128) -> Any {
    any(
        MSG_REDELEGATE_TYPE_URL,
        pb::MsgBeginRedelegate {
            delegator_address: who.to_string(),
            validator_src_address: valoper(src),
            validator_dst_address: valoper(dst),
            amount: coin(amount),
        },
    )
}

/// Validators a (30 AGR), b (20 AGR) bonded and c (10 AGR) not, with max_validators 2;
/// dave delegated 10 AGR to a; unbonding takes 30 s, blocks 5 s.
fn chain() -> (Chain, [Address; 4]) {
    let [a, b, c, dave] = [addr(1), addr(2), addr(3), addr(4)];
    let mut chain = Chain::new(&[a.clone(), b.clone(), c.clone(), dave.clone()], 100 * AGR);
    chain.update_params(|p| {
        p.max_validators = 2;
        p.unbonding_time.as_mut().unwrap().seconds = 30;
    });
    chain.create_validator(create_validator(&a, 1, 20 * AGR));
    chain.create_validator(create_validator(&b, 2, 20 * AGR));
    chain.create_validator(create_validator(&c, 3, 10 * AGR));
    chain
        .execute(&delegate(&dave, &a, 10 * AGR))
        .result
        .unwrap();
    chain.end_block();
    (chain, [a, b, c, dave])
}

fn code(out: agora_core::Result<Vec<u8>>) -> u32 {
    let err = out.unwrap_err();
    assert_eq!(err.codespace, MODULE, "{err:?}");
    err.code
}

#[test]
fn a_redelegation_moves_shares_at_once_and_its_entry_matures() {
    let (mut chain, [a, b, _, dave]) = chain();
    let time = chain.block.time;
    chain
        .execute(&redelegate(&dave, &a, &b, 4 * AGR))
        .result
        .unwrap();
    let v = |chain: &mut Chain, who: &Address| {
        chain.read(|c, ctx| c.keeper.existing_validator(ctx, who))
    };
    assert_eq!(
        (v(&mut chain, &a).tokens, v(&mut chain, &b).tokens),
        (26 * AGR, 24 * AGR)
    );
    assert_eq!(
        chain.balance(&Address::module(BONDED_POOL)),
        50 * AGR,
        "bonded to bonded: no pool move"
    );
    let entry = chain
        .read(|c, ctx| c.keeper.redelegation(ctx, &dave, &a, &b))
        .unwrap()
        .entries[0]
        .clone();
    assert_eq!(entry.completion_time_nanos, time.plus_seconds(30).nanos());
    assert_eq!(entry.initial_balance, 4 * AGR);
    let updates = chain.end_block();
    assert_eq!(updates.len(), 2, "both powers changed");
    for _ in 0..6 {
        chain.end_block();
    }
    assert!(chain
        .read(|c, ctx| c.keeper.redelegation(ctx, &dave, &a, &b))
        .is_none());
}

#[test]
fn tokens_follow_the_destinations_pool() {
    let (mut chain, [a, _, c, dave]) = chain();
    chain
        .execute(&redelegate(&dave, &a, &c, 5 * AGR))
        .result
        .unwrap();
    assert_eq!(chain.balance(&Address::module(BONDED_POOL)), 45 * AGR);
    assert_eq!(
        chain.balance(&Address::module(NOT_BONDED_POOL)),
        15 * AGR,
        "c is not bonded"
    );
    // c (15 AGR) still below b (20 AGR): no set change but a's power.
    assert_eq!(chain.end_block().len(), 1);
}

#[test]
fn bad_redelegations_are_refused() {
    let (mut chain, [a, b, c, dave]) = chain();
    let nobody = addr(9);
    assert_eq!(
        code(chain.execute(&redelegate(&dave, &a, &a, AGR)).result),
        StakingCode::SelfRedelegation as u32
    );
    assert_eq!(
        code(chain.execute(&redelegate(&dave, &a, &nobody, AGR)).result),
        StakingCode::BadRedelegationDst as u32
    );
    assert_eq!(
        code(chain.execute(&redelegate(&dave, &a, &b, 11 * AGR)).result),
        StakingCode::NotEnoughDelegationShares as u32
    );
    assert_eq!(
        code(chain.execute(&redelegate(&dave, &b, &c, AGR)).result),
        StakingCode::NoDelegation as u32
    );
    chain
        .execute(&redelegate(&dave, &a, &b, AGR))
        .result
        .unwrap();
    assert_eq!(
        code(chain.execute(&redelegate(&dave, &b, &c, AGR)).result),
        StakingCode::TransitiveRedelegation as u32,
        "b's shares came by a redelegation still in progress"
    );
    chain.update_params(|p| p.max_entries = 2);
    chain
        .execute(&redelegate(&dave, &a, &b, AGR))
        .result
        .unwrap();
    assert_eq!(
        code(chain.execute(&redelegate(&dave, &a, &b, AGR)).result),
        StakingCode::MaxRedelegationEntries as u32
    );
    assert_eq!(chain.balance(&dave), 90 * AGR, "no tokens left the pools");
}

#[test]
fn from_an_unbonded_validator_a_redelegation_completes_at_once() {
    let (mut chain, [a, _, c, dave]) = chain();
    chain
        .execute(&redelegate(&dave, &a, &c, 5 * AGR))
        .result
        .unwrap();
    for _ in 0..7 {
        chain.end_block();
    }
    chain
        .execute(&redelegate(&dave, &c, &a, 2 * AGR))
        .result
        .unwrap();
    assert!(
        chain
            .read(|c_, ctx| c_.keeper.redelegation(ctx, &dave, &c, &a))
            .is_none(),
        "no entry: c never bonded, nothing to slash"
    );
}

#[test]
fn redelegations_are_queried_by_delegator_by_source_and_by_triple() {
    let (mut chain, [a, b, c, dave]) = chain();
    chain
        .execute(&redelegate(&dave, &a, &b, 3 * AGR))
        .result
        .unwrap();
    chain
        .execute(&redelegate(&dave, &a, &c, 2 * AGR))
        .result
        .unwrap();
    let query = |chain: &mut Chain, d: &str, s: &str, t: &str| {
        chain.query::<pb::QueryRedelegationsResponse>(
            "Redelegations",
            pb::QueryRedelegationsRequest {
                delegator_addr: d.into(),
                src_validator_addr: s.into(),
                dst_validator_addr: t.into(),
                pagination: None,
            },
        )
    };
    let all = query(&mut chain, &dave.to_string(), "", "").unwrap();
    assert_eq!(all.redelegation_responses.len(), 2);
    let from_a = query(&mut chain, "", &valoper(&a), "").unwrap();
    assert_eq!(
        from_a.redelegation_responses.len(),
        2,
        "through the source index"
    );
    let one = query(&mut chain, &dave.to_string(), &valoper(&a), &valoper(&c)).unwrap();
    let response = &one.redelegation_responses[0];
    assert_eq!(
        response
            .redelegation
            .as_ref()
            .unwrap()
            .validator_dst_address,
        valoper(&c)
    );
    assert_eq!(response.entries[0].balance, (2 * AGR).to_string());
    let none = query(&mut chain, &dave.to_string(), &valoper(&b), &valoper(&c));
    assert!(none.unwrap_err().msg.contains("NotFound"));
    assert!(
        query(&mut chain, "", "", "").is_err(),
        "a delegator or a source is needed"
    );

    let validators: pb::QueryDelegatorValidatorsResponse = chain
        .query(
            "DelegatorValidators",
            pb::QueryDelegatorValidatorsRequest {
                delegator_addr: dave.to_string(),
                pagination: None,
            },
        )
        .unwrap();
    assert_eq!(validators.validators.len(), 3, "a, b and c");
    let single: pb::QueryDelegatorValidatorResponse = chain
        .query(
            "DelegatorValidator",
            pb::QueryDelegatorValidatorRequest {
                delegator_addr: dave.to_string(),
                validator_addr: valoper(&c),
            },
        )
        .unwrap();
    assert_eq!(single.validator.unwrap().operator_address, valoper(&c));
}
