//! Creating validators, delegating, and the bonded set EndBlock hands the engine; every
//! refusal with the SDK's code and nothing changed.

mod common;

use agora_core::authority::gov_authority;
use agora_core::{Address, Dec, SdkCode, VALOPER_PREFIX};
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::tendermint::v0_38::crypto::public_key::Sum;
use agora_staking::{
    BondStatus, StakingCode, BONDED_POOL, MODULE, MSG_CREATE_VALIDATOR_TYPE_URL,
    MSG_UPDATE_PARAMS_TYPE_URL,
};
use common::{addr, any, create_validator, dec, delegate, Chain, AGR};

fn power_of(updates: &[agora_core::ValidatorUpdate], key: u8) -> Option<i64> {
    updates
        .iter()
        .find(|u| {
            u.pub_key.as_ref().and_then(|k| k.sum.clone()) == Some(Sum::Ed25519(vec![key; 32]))
        })
        .map(|u| u.power)
}

fn validator(chain: &mut Chain, operator: &Address) -> agora_staking::Validator {
    chain.read(|c, ctx| c.keeper.existing_validator(ctx, operator))
}

#[test]
fn a_new_validator_delegates_to_itself_and_is_bonded_at_end_block() {
    let alice = addr(1);
    let mut chain = Chain::new(std::slice::from_ref(&alice), 100 * AGR);
    let out = chain.execute(&any(
        MSG_CREATE_VALIDATOR_TYPE_URL,
        create_validator(&alice, 1, 10 * AGR),
    ));
    out.result.unwrap();
    let kinds: Vec<_> = out.events.iter().map(|e| e.kind.as_str()).collect();
    assert!(
        kinds.contains(&"create_validator") && kinds.contains(&"delegate"),
        "{kinds:?}"
    );

    let v = validator(&mut chain, &alice);
    assert_eq!((v.status, v.tokens), (BondStatus::Unbonded, 10 * AGR));
    assert_eq!(v.delegator_shares, Dec::from_int(10 * AGR).unwrap());
    assert_eq!(chain.balance(&alice), 90 * AGR);
    let pool: pb::QueryPoolResponse = chain.query("Pool", pb::QueryPoolRequest {}).unwrap();
    let pool = pool.pool.unwrap();
    assert_eq!(
        (pool.not_bonded_tokens.as_str(), pool.bonded_tokens.as_str()),
        ("10000000", "0")
    );

    let updates = chain.end_block();
    assert_eq!(power_of(&updates, 1), Some(10), "power is tokens / 10^6");
    assert_eq!(validator(&mut chain, &alice).status, BondStatus::Bonded);
    let pool: pb::QueryPoolResponse = chain.query("Pool", pb::QueryPoolRequest {}).unwrap();
    assert_eq!(
        pool.pool.unwrap().bonded_tokens,
        "10000000",
        "tokens moved to the bonded pool"
    );
    assert!(chain.end_block().is_empty(), "no change, no update");
}

#[test]
fn delegators_get_shares_in_proportion_to_stake() {
    let (alice, bob, carol) = (addr(1), addr(2), addr(3));
    let mut chain = Chain::new(&[alice.clone(), bob.clone(), carol.clone()], 100 * AGR);
    chain
        .execute(&any(
            MSG_CREATE_VALIDATOR_TYPE_URL,
            create_validator(&alice, 1, 10 * AGR),
        ))
        .result
        .unwrap();
    chain.end_block();
    chain
        .execute(&delegate(&bob, &alice, 10 * AGR))
        .result
        .unwrap();
    chain
        .execute(&delegate(&carol, &alice, 30 * AGR))
        .result
        .unwrap();
    assert_eq!(
        chain.balance(&Address::module(BONDED_POOL)),
        50 * AGR,
        "delegations to a bonded validator go to the bonded pool"
    );
    let shares = |chain: &mut Chain, who: &Address| {
        chain
            .read(|c, ctx| c.keeper.delegation(ctx, who, &alice))
            .unwrap()
    };
    let (b, c) = (shares(&mut chain, &bob), shares(&mut chain, &carol));
    assert_eq!(
        c,
        b.checked_mul(Dec::from_int(3).unwrap()).unwrap(),
        "1:3 stake, 1:3 shares"
    );
    assert_eq!(power_of(&chain.end_block(), 1), Some(50));

    let resp: pb::QueryDelegationResponse = chain
        .query(
            "Delegation",
            pb::QueryDelegationRequest {
                delegator_addr: carol.to_string(),
                validator_addr: alice.to_bech32_with(VALOPER_PREFIX),
            },
        )
        .unwrap();
    let resp = resp.delegation_response.unwrap();
    assert_eq!(resp.balance.unwrap().amount, (30 * AGR).to_string());
    assert_eq!(
        resp.delegation.unwrap().shares,
        dec("30000000"),
        "shares on the wire scaled by 10^18"
    );

    let by_validator: pb::QueryValidatorDelegationsResponse = chain
        .query(
            "ValidatorDelegations",
            pb::QueryValidatorDelegationsRequest {
                validator_addr: alice.to_bech32_with(VALOPER_PREFIX),
                pagination: None,
            },
        )
        .unwrap();
    assert_eq!(
        by_validator.delegation_responses.len(),
        3,
        "alice's own, bob's, carol's"
    );
    let of_bob: pb::QueryDelegatorDelegationsResponse = chain
        .query(
            "DelegatorDelegations",
            pb::QueryDelegatorDelegationsRequest {
                delegator_addr: bob.to_string(),
                pagination: None,
            },
        )
        .unwrap();
    assert_eq!(of_bob.delegation_responses.len(), 1);
}

#[test]
fn only_the_strongest_max_validators_are_bonded() {
    let (alice, bob, carol) = (addr(1), addr(2), addr(3));
    let mut chain = Chain::new(&[alice.clone(), bob.clone(), carol.clone()], 100 * AGR);
    let mut params = chain.read(|c, ctx| c.keeper.params(ctx)).to_proto();
    params.max_validators = 1;
    let update = |authority: &Address| {
        any(
            MSG_UPDATE_PARAMS_TYPE_URL,
            pb::MsgUpdateParams {
                authority: authority.to_string(),
                params: Some(params.clone()),
            },
        )
    };
    let err = chain.execute(&update(&alice)).result.unwrap_err();
    assert_eq!((err.codespace.as_ref(), err.code), ("gov", 13));
    chain.execute(&update(&gov_authority())).result.unwrap();

    chain
        .execute(&any(
            MSG_CREATE_VALIDATOR_TYPE_URL,
            create_validator(&alice, 1, 10 * AGR),
        ))
        .result
        .unwrap();
    chain
        .execute(&any(
            MSG_CREATE_VALIDATOR_TYPE_URL,
            create_validator(&bob, 2, 20 * AGR),
        ))
        .result
        .unwrap();
    let updates = chain.end_block();
    assert_eq!(
        (power_of(&updates, 2), power_of(&updates, 1)),
        (Some(20), None)
    );
    assert_eq!(validator(&mut chain, &alice).status, BondStatus::Unbonded);

    let bonded: pb::QueryValidatorsResponse = chain
        .query(
            "Validators",
            pb::QueryValidatorsRequest {
                status: "BOND_STATUS_BONDED".into(),
                pagination: None,
            },
        )
        .unwrap();
    assert_eq!(bonded.validators.len(), 1);
    assert_eq!(
        bonded.validators[0].operator_address,
        bob.to_bech32_with(VALOPER_PREFIX)
    );
    // A one-item page of bonded validators holds bob whichever validator sorts first: the
    // status filter applies before paging (the SDK's FilteredPaginate).
    for status in ["BOND_STATUS_BONDED", "BOND_STATUS_UNBONDED"] {
        let page: pb::QueryValidatorsResponse = chain
            .query(
                "Validators",
                pb::QueryValidatorsRequest {
                    status: status.into(),
                    pagination: Some(agora_proto::cosmos::base::query::v1beta1::PageRequest {
                        limit: 1,
                        count_total: true,
                        ..Default::default()
                    }),
                },
            )
            .unwrap();
        assert_eq!(page.validators.len(), 1, "{status}");
        assert_eq!(page.pagination.unwrap().total, 1, "{status}");
    }

    // carol's delegation makes alice the strongest: she joins, bob leaves and unbonds.
    chain
        .execute(&delegate(&carol, &alice, 15 * AGR))
        .result
        .unwrap();
    let time = chain.block.time;
    let updates = chain.end_block();
    assert_eq!(
        (power_of(&updates, 1), power_of(&updates, 2)),
        (Some(25), Some(0))
    );
    let bob_v = validator(&mut chain, &bob);
    assert_eq!(bob_v.status, BondStatus::Unbonding);
    assert_eq!(
        bob_v.unbonding_time_nanos,
        time.plus_seconds(21 * 24 * 3600).nanos()
    );
    assert_eq!(
        chain.balance(&Address::module(BONDED_POOL)),
        25 * AGR,
        "only alice's tokens stay bonded"
    );
}

#[test]
fn bad_validators_and_delegations_are_refused_and_change_nothing() {
    let (alice, bob) = (addr(1), addr(2));
    let mut chain = Chain::new(&[alice.clone(), bob.clone()], 100 * AGR);
    let code = |chain: &mut Chain, msg: pb::MsgCreateValidator| {
        let err = chain
            .execute(&any(MSG_CREATE_VALIDATOR_TYPE_URL, msg))
            .result
            .unwrap_err();
        (err.codespace.to_string(), err.code)
    };
    let staking = |c: StakingCode| (MODULE.to_string(), c as u32);

    let mut m = create_validator(&alice, 1, 10 * AGR);
    m.min_self_delegation = (11 * AGR).to_string();
    assert_eq!(
        code(&mut chain, m),
        staking(StakingCode::SelfDelegationBelowMinimum)
    );
    let mut m = create_validator(&alice, 1, 10 * AGR);
    m.commission.as_mut().unwrap().rate = dec("0.3");
    assert_eq!(
        code(&mut chain, m),
        staking(StakingCode::CommissionGtMaxRate)
    );
    let mut m = create_validator(&alice, 1, 10 * AGR);
    m.commission.as_mut().unwrap().max_rate = dec("1.5");
    assert_eq!(code(&mut chain, m), staking(StakingCode::CommissionHuge));
    let mut m = create_validator(&alice, 1, 10 * AGR);
    m.pubkey = None;
    assert_eq!(
        code(&mut chain, m),
        staking(StakingCode::EmptyValidatorPubKey)
    );
    let mut m = create_validator(&alice, 1, 10 * AGR);
    m.value = Some(ProtoCoin {
        denom: "ufoo".into(),
        amount: (10 * AGR).to_string(),
    });
    assert_eq!(
        code(&mut chain, m),
        ("sdk".into(), SdkCode::InvalidRequest as u32)
    );
    let m = create_validator(&alice, 1, 1_000 * AGR);
    assert_eq!(
        code(&mut chain, m),
        ("sdk".into(), SdkCode::InsufficientFunds as u32)
    );
    let mut m = create_validator(&alice, 1, 10 * AGR);
    m.description = None;
    assert_eq!(
        code(&mut chain, m),
        ("sdk".into(), SdkCode::InvalidRequest as u32)
    );
    assert_eq!(chain.balance(&alice), 100 * AGR, "nothing moved");
    assert!(chain
        .read(|c, ctx| c.keeper.validator(ctx, &alice))
        .is_none());

    chain
        .execute(&any(
            MSG_CREATE_VALIDATOR_TYPE_URL,
            create_validator(&alice, 1, 10 * AGR),
        ))
        .result
        .unwrap();
    assert_eq!(
        code(&mut chain, create_validator(&alice, 9, 10 * AGR)),
        staking(StakingCode::ValidatorOwnerExists)
    );
    assert_eq!(
        code(&mut chain, create_validator(&bob, 1, 10 * AGR)),
        staking(StakingCode::ValidatorPubKeyExists)
    );

    let err = chain
        .execute(&delegate(&bob, &bob, AGR))
        .result
        .unwrap_err();
    assert_eq!(
        (err.codespace.as_ref(), err.code),
        (MODULE, StakingCode::NoValidatorFound as u32)
    );
    let err = chain
        .execute(&delegate(&bob, &alice, 0))
        .result
        .unwrap_err();
    assert!(err.is(SdkCode::InvalidRequest), "{err:?}");
    assert_eq!(chain.balance(&bob), 100 * AGR);

    let err = chain
        .query::<pb::QueryValidatorResponse>(
            "Validator",
            pb::QueryValidatorRequest {
                validator_addr: bob.to_bech32_with(VALOPER_PREFIX),
            },
        )
        .unwrap_err();
    assert!(
        err.msg.starts_with("rpc error: code = NotFound"),
        "{}",
        err.msg
    );
    let err = chain
        .query::<pb::QueryValidatorsResponse>(
            "Validators",
            pb::QueryValidatorsRequest {
                status: "SOMETIMES".into(),
                pagination: None,
            },
        )
        .unwrap_err();
    assert!(err.is(SdkCode::InvalidRequest));
}
