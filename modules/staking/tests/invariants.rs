//! Randomized runs of validator creation, delegations and block ends, checking after every
//! step the SDK's staking invariants: the bonded pool holds exactly the bonded validators'
//! tokens and the not-bonded pool the others'; delegations' shares add up to each validator's
//! shares; the engine's powers are those of the bonded validators.

mod common;

use std::collections::BTreeMap;

use agora_core::{Address, Dec, VALOPER_PREFIX};
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;
use agora_staking::{
    consensus_pubkey_any, BondStatus, BONDED_POOL, MSG_CREATE_VALIDATOR_TYPE_URL,
    MSG_DELEGATE_TYPE_URL, NOT_BONDED_POOL,
};
use common::{addr, Chain};
use proptest::prelude::*;
use prost::Message;

const ACCOUNTS: u8 = 6;

#[derive(Debug, Clone)]
enum Step {
    Create { who: u8, amount: u128 },
    Delegate { who: u8, to: u8, amount: u128 },
    EndBlock,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1..=ACCOUNTS, 1u128..50_000_000).prop_map(|(who, amount)| Step::Create { who, amount }),
        (1..=ACCOUNTS, 1..=ACCOUNTS, 1u128..50_000_000)
            .prop_map(|(who, to, amount)| Step::Delegate { who, to, amount }),
        Just(Step::EndBlock),
    ]
}

fn any(type_url: &str, msg: impl Message) -> Any {
    Any {
        type_url: type_url.into(),
        value: msg.encode_to_vec(),
    }
}

fn apply(chain: &mut Chain, step: &Step, powers: &mut BTreeMap<Vec<u8>, i64>) {
    let coin = |amount: u128| {
        Some(ProtoCoin {
            denom: "uagr".into(),
            amount: amount.to_string(),
        })
    };
    match *step {
        Step::Create { who, amount } => {
            #[allow(deprecated)]
            let msg = pb::MsgCreateValidator {
                description: Some(pb::Description {
                    moniker: format!("v{who}"),
                    ..Default::default()
                }),
                commission: Some(pb::CommissionRates {
                    rate: Dec::zero().to_atomics_string(),
                    max_rate: Dec::one().to_atomics_string(),
                    max_change_rate: Dec::one().to_atomics_string(),
                }),
                min_self_delegation: "1".into(),
                delegator_address: String::new(),
                validator_address: addr(who).to_bech32_with(VALOPER_PREFIX),
                pubkey: Some(consensus_pubkey_any(&[who; 32])),
                value: coin(amount),
            };
            // refused when the validator exists or funds run short: either way nothing changes
            let _ = chain.execute(&any(MSG_CREATE_VALIDATOR_TYPE_URL, msg));
        }
        Step::Delegate { who, to, amount } => {
            let msg = pb::MsgDelegate {
                delegator_address: addr(who).to_string(),
                validator_address: addr(to).to_bech32_with(VALOPER_PREFIX),
                amount: coin(amount),
            };
            let _ = chain.execute(&any(MSG_DELEGATE_TYPE_URL, msg));
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
    assert_eq!(chain.balance(&Address::module(BONDED_POOL)), bonded);
    assert_eq!(chain.balance(&Address::module(NOT_BONDED_POOL)), not_bonded);
    if ended {
        let engine: i64 = powers.values().sum();
        let set: i64 = validators.iter().map(|v| v.consensus_power()).sum();
        assert_eq!(engine, set, "the engine's powers follow the bonded set");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn pools_shares_and_powers_stay_consistent(steps in proptest::collection::vec(step(), 1..60)) {
        let accounts: Vec<Address> = (1..=ACCOUNTS).map(addr).collect();
        let mut chain = Chain::new(&accounts, 200_000_000);
        let mut powers = BTreeMap::new();
        for step in &steps {
            apply(&mut chain, step, &mut powers);
            check(&mut chain, &powers, matches!(step, Step::EndBlock));
        }
    }
}
