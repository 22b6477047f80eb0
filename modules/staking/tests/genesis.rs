//! Staking genesis: the default, and a chain's exported state imported into a new chain
//! (validators, delegations, unbonding entries, redelegations, last powers) that exports the
//! same again; imports whose pools do not match the records are refused.

mod common;

use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_staking::{MSG_REDELEGATE_TYPE_URL, MSG_UNDELEGATE_TYPE_URL};
use common::{addr, any, coin, create_validator, delegate, valoper, Chain, AGR};

/// Two validators, a delegator who delegated, undelegated part and redelegated part.
fn busy_chain() -> Chain {
    let (a, b, dave) = (addr(1), addr(2), addr(4));
    let mut chain = Chain::new(&[a.clone(), b.clone(), dave.clone()], 100 * AGR);
    chain.create_validator(create_validator(&a, 1, 20 * AGR));
    chain.create_validator(create_validator(&b, 2, 10 * AGR));
    chain.end_block();
    chain.execute(&delegate(&dave, &a, 9 * AGR)).result.unwrap();
    let undelegate = pb::MsgUndelegate {
        delegator_address: dave.to_string(),
        validator_address: valoper(&a),
        amount: coin(2 * AGR),
    };
    chain
        .execute(&any(MSG_UNDELEGATE_TYPE_URL, undelegate))
        .result
        .unwrap();
    let redelegate = pb::MsgBeginRedelegate {
        delegator_address: dave.to_string(),
        validator_src_address: valoper(&a),
        validator_dst_address: valoper(&b),
        amount: coin(3 * AGR),
    };
    chain
        .execute(&any(MSG_REDELEGATE_TYPE_URL, redelegate))
        .result
        .unwrap();
    chain.end_block();
    chain
}

#[test]
fn an_exported_chain_imports_and_exports_the_same() {
    use agora_core::Module;
    let chain = Chain::new(&[addr(1)], 1);
    let default = chain.staking.default_genesis();
    assert_eq!(default["params"]["unbonding_time"], "1814400s");
    assert_eq!(default["params"]["bond_denom"], "uagr");
    assert_eq!(default["exported"], false);

    let mut old = busy_chain();
    let (bank, staking) = old.export();
    assert_eq!(staking["exported"], true);
    assert_eq!(staking["validators"].as_array().unwrap().len(), 2);
    assert_eq!(
        staking["unbonding_delegations"].as_array().unwrap().len(),
        1
    );
    assert_eq!(staking["redelegations"].as_array().unwrap().len(), 1);
    assert_eq!(
        staking["last_total_power"], "37",
        "a: 20 + 9 - 2 - 3 = 24, b: 10 + 3 = 13, as the last set sent to the engine"
    );
    let (mut new, updates) = Chain::with_genesis(bank.clone(), Some(staking.clone())).unwrap();
    assert_eq!(
        updates.len(),
        2,
        "the exported last powers are the genesis set"
    );
    assert_eq!(new.export(), (bank, staking));
}

#[test]
fn imports_whose_pools_disagree_with_the_records_are_refused() {
    let mut old = busy_chain();
    let (bank, staking) = old.export();
    let mut more_tokens = staking.clone();
    more_tokens["validators"][0]["tokens"] = "999999999".into();
    let err = Chain::with_genesis(bank.clone(), Some(more_tokens))
        .err()
        .unwrap();
    assert!(err.msg.contains("bonded pool"), "{}", err.msg);

    let mut orphan = staking.clone();
    orphan["delegations"][0]["validator_address"] = valoper(&addr(9)).into();
    let err = Chain::with_genesis(bank.clone(), Some(orphan))
        .err()
        .unwrap();
    assert!(
        err.msg
            .starts_with("app_state.staking.delegations[0].validator_address"),
        "{}",
        err.msg
    );

    let mut twice = staking;
    let first = twice["validators"][0].clone();
    twice["validators"].as_array_mut().unwrap().push(first);
    let err = Chain::with_genesis(bank, Some(twice)).err().unwrap();
    assert!(err.msg.contains("duplicate validator"), "{}", err.msg);
}
