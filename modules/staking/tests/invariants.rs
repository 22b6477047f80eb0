//! Randomized runs of validator creation, delegations, undelegations, redelegations, cancels
//! and block ends
//! (5 s apart, unbonding 20 s), checking after every step the SDK's staking invariants: the
//! bonded pool holds exactly the bonded validators' tokens and the not-bonded pool the
//! others' plus every pending unbonding entry; delegations' shares add up to each validator's
//! shares; no token is created or lost; the engine's powers are those of the bonded set; and a
//! second chain on its own store, fed the same steps, ends in the same state.

mod common;

use std::collections::BTreeMap;

use agora_core::{Address, Dec, VALOPER_PREFIX};
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_staking::{
    BondStatus, BONDED_POOL, MSG_CANCEL_UNBONDING_TYPE_URL, MSG_CREATE_VALIDATOR_TYPE_URL,
    MSG_REDELEGATE_TYPE_URL, MSG_UNDELEGATE_TYPE_URL, NOT_BONDED_POOL,
};
use common::{addr, any, coin, create_validator, delegate, Chain};
use proptest::prelude::*;

const ACCOUNTS: u8 = 6;
const START: u128 = 200_000_000;

#[derive(Debug, Clone)]
enum Step {
    Create {
        who: u8,
        amount: u128,
    },
    Delegate {
        who: u8,
        to: u8,
        amount: u128,
    },
    Redelegate {
        who: u8,
        from: u8,
        to: u8,
        amount: u128,
    },
    Undelegate {
        who: u8,
        from: u8,
        amount: u128,
    },
    Cancel {
        who: u8,
        from: u8,
        amount: u128,
        blocks_ago: u64,
    },
    EndBlock,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1..=ACCOUNTS, 1u128..50_000_000).prop_map(|(who, amount)| Step::Create { who, amount }),
        (1..=ACCOUNTS, 1..=ACCOUNTS, 1u128..50_000_000)
            .prop_map(|(who, to, amount)| Step::Delegate { who, to, amount }),
        (1..=ACCOUNTS, 1..=ACCOUNTS, 1u128..30_000_000)
            .prop_map(|(who, from, amount)| Step::Undelegate { who, from, amount }),
        (1..=ACCOUNTS, 1..=ACCOUNTS, 1..=ACCOUNTS, 1u128..30_000_000).prop_map(
            |(who, from, to, amount)| Step::Redelegate {
                who,
                from,
                to,
                amount
            }
        ),
        (1..=ACCOUNTS, 1..=ACCOUNTS, 1u128..30_000_000, 0u64..4).prop_map(
            |(who, from, amount, blocks_ago)| Step::Cancel {
                who,
                from,
                amount,
                blocks_ago
            }
        ),
        Just(Step::EndBlock),
    ]
}

fn apply(chain: &mut Chain, step: &Step, powers: &mut BTreeMap<Vec<u8>, i64>) {
    match *step {
        Step::Create { who, amount } => {
            let msg = any(
                MSG_CREATE_VALIDATOR_TYPE_URL,
                create_validator(&addr(who), who, amount),
            );
            // refused when the validator exists or funds run short: either way nothing changes
            let _ = chain.execute(&msg);
        }
        Step::Delegate { who, to, amount } => {
            let _ = chain.execute(&delegate(&addr(who), &addr(to), amount));
        }
        Step::Undelegate { who, from, amount } => {
            let msg = pb::MsgUndelegate {
                delegator_address: addr(who).to_string(),
                validator_address: addr(from).to_bech32_with(VALOPER_PREFIX),
                amount: coin(amount),
            };
            let _ = chain.execute(&any(MSG_UNDELEGATE_TYPE_URL, msg));
        }
        Step::Redelegate {
            who,
            from,
            to,
            amount,
        } => {
            let msg = pb::MsgBeginRedelegate {
                delegator_address: addr(who).to_string(),
                validator_src_address: addr(from).to_bech32_with(VALOPER_PREFIX),
                validator_dst_address: addr(to).to_bech32_with(VALOPER_PREFIX),
                amount: coin(amount),
            };
            let _ = chain.execute(&any(MSG_REDELEGATE_TYPE_URL, msg));
        }
        Step::Cancel {
            who,
            from,
            amount,
            blocks_ago,
        } => {
            let msg = pb::MsgCancelUnbondingDelegation {
                delegator_address: addr(who).to_string(),
                validator_address: addr(from).to_bech32_with(VALOPER_PREFIX),
                amount: coin(amount),
                creation_height: chain.block.height.saturating_sub(blocks_ago) as i64,
            };
            let _ = chain.execute(&any(MSG_CANCEL_UNBONDING_TYPE_URL, msg));
        }
        Step::EndBlock => {
            for update in chain.end_block() {
                let key = format!("{:?}", update.pub_key).into_bytes();
                if update.power == 0 {
                    powers.remove(&key);
                } else {
                    powers.insert(key, update.power);
                }
            }
        }
    }
}

fn check(chain: &mut Chain, powers: &BTreeMap<Vec<u8>, i64>, ended: bool) {
    let validators = chain.read(|c, ctx| {
        let (page, _) = c.keeper.validators_page(ctx, None, None)?;
        Ok(page)
    });
    let (mut bonded, mut not_bonded) = (0u128, 0u128);
    for v in &validators {
        match v.status {
            BondStatus::Bonded => bonded += v.tokens,
            _ => not_bonded += v.tokens,
        }
        let operator = v.operator.clone();
        let shares = chain.read(|c, ctx| {
            let (page, _) = c.keeper.validator_delegations_page(ctx, &operator, None)?;
            page.iter()
                .try_fold(Dec::zero(), |sum, d| sum.checked_add(d.shares))
        });
        assert_eq!(
            shares,
            v.delegator_shares,
            "shares of {}",
            v.operator_address()
        );
    }
    let mut unbonding = 0u128;
    for who in 1..=ACCOUNTS {
        for from in 1..=ACCOUNTS {
            let ubd =
                chain.read(|c, ctx| c.keeper.unbonding_delegation(ctx, &addr(who), &addr(from)));
            unbonding += ubd.map_or(0, |u| u.entries.iter().map(|e| e.balance).sum());
        }
    }
    let bonded_pool = chain.balance(&Address::module(BONDED_POOL));
    let not_bonded_pool = chain.balance(&Address::module(NOT_BONDED_POOL));
    assert_eq!(bonded_pool, bonded);
    assert_eq!(not_bonded_pool, not_bonded + unbonding);
    let held: u128 = (1..=ACCOUNTS).map(|n| chain.balance(&addr(n))).sum();
    assert_eq!(
        held + bonded_pool + not_bonded_pool,
        START * ACCOUNTS as u128,
        "tokens conserved"
    );
    if ended {
        let engine: i64 = powers.values().sum();
        let set: i64 = validators.iter().map(|v| v.consensus_power()).sum();
        assert_eq!(engine, set, "the engine's powers follow the bonded set");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn pools_shares_and_powers_stay_consistent(steps in proptest::collection::vec(step(), 1..80)) {
        let accounts: Vec<Address> = (1..=ACCOUNTS).map(addr).collect();
        let mut chain = Chain::new(&accounts, START);
        chain.update_params(|p| p.unbonding_time.as_mut().unwrap().seconds = 20);
        let mut twin = Chain::new(&accounts, START);
        twin.update_params(|p| p.unbonding_time.as_mut().unwrap().seconds = 20);
        let (mut powers, mut twin_powers) = (BTreeMap::new(), BTreeMap::new());
        for step in &steps {
            apply(&mut chain, step, &mut powers);
            check(&mut chain, &powers, matches!(step, Step::EndBlock));
            apply(&mut twin, step, &mut twin_powers);
        }
        prop_assert!(chain.state() == twin.state(), "two stores fed the same steps differ");
        prop_assert_eq!(powers, twin_powers);
    }
}
