//! A randomized simulation (like the SDK's x/simulation) of staking, distribution and mint
//! through the whole app: random validator creation, delegations, undelegations,
//! redelegations, withdrawals, deposits and absent votes, on two apps over separate RocksDB
//! stores fed the same blocks. Every block checks that both reach the same app hash and the
//! SDK's invariants: the bonded pool holds the bonded validators' tokens, delegation shares
//! add up, and distribution holds what it owes and owes no more than outstanding rewards.

mod common;

use agora_app::testing::{create_validator, delegate, withdraw_rewards};
use agora_core::{Address, Dec, DecCoins, VALOPER_PREFIX};
use agora_proto::cosmos::distribution::v1beta1 as dpb;
use agora_proto::cosmos::staking::v1beta1 as spb;
use agora_proto::Any;
use common::Chain;
use prost::Message;
use rand::{rngs::StdRng, Rng, SeedableRng};

const KEYS: usize = 8;
const BLOCKS: usize = 1_000;

fn any(type_url: &str, msg: impl Message) -> Any {
    Any {
        type_url: type_url.into(),
        value: msg.encode_to_vec(),
    }
}

fn coin(amount: u128) -> Option<agora_proto::cosmos::base::v1beta1::Coin> {
    Some(agora_proto::cosmos::base::v1beta1::Coin {
        denom: "uagr".into(),
        amount: amount.to_string(),
    })
}

/// A random Msg for key `k`, given the validators' operators.
fn random_msg(rng: &mut StdRng, keys: &[Address], k: usize, operators: &[Address]) -> Any {
    let me = &keys[k];
    let amount = rng.gen_range(1..5) * 100_000;
    if operators.is_empty() || (rng.gen_ratio(1, 8) && !operators.contains(me)) {
        let rate = Dec::from_ratio(rng.gen_range(0..20), 100).unwrap();
        return create_validator(me, &[k as u8 + 1; 32], 1_000_000 + amount, rate);
    }
    let v = &operators[rng.gen_range(0..operators.len())];
    let valoper = v.to_bech32_with(VALOPER_PREFIX);
    match rng.gen_range(0..6) {
        0 | 1 => delegate(me, v, amount),
        2 => any(
            agora_staking::MSG_UNDELEGATE_TYPE_URL,
            spb::MsgUndelegate {
                delegator_address: me.to_string(),
                validator_address: valoper,
                amount: coin(amount / 4),
            },
        ),
        3 => {
            let dst = &operators[rng.gen_range(0..operators.len())];
            any(
                agora_staking::MSG_REDELEGATE_TYPE_URL,
                spb::MsgBeginRedelegate {
                    delegator_address: me.to_string(),
                    validator_src_address: valoper,
                    validator_dst_address: dst.to_bech32_with(VALOPER_PREFIX),
                    amount: coin(amount / 4),
                },
            )
        }
        4 => withdraw_rewards(me, v),
        _ => any(
            agora_distribution::MSG_DEPOSIT_VALIDATOR_REWARDS_TYPE_URL,
            dpb::MsgDepositValidatorRewardsPool {
                depositor: me.to_string(),
                validator_address: valoper,
                amount: coin(amount / 100).into_iter().collect(),
            },
        ),
    }
}

fn validators(chain: &mut Chain) -> Vec<spb::Validator> {
    let req = spb::QueryValidatorsRequest::default();
    let res: spb::QueryValidatorsResponse =
        chain.query_as("/cosmos.staking.v1beta1.Query/Validators", req);
    res.validators
}

fn dec_coins(coins: &[agora_proto::cosmos::base::v1beta1::DecCoin]) -> DecCoins {
    DecCoins::from_proto(coins).unwrap()
}

/// The SDK's staking and distribution invariants on one chain.
fn check_invariants(chain: &mut Chain) {
    let validators = validators(chain);
    let bonded: u128 = validators
        .iter()
        .filter(|v| v.status == spb::BondStatus::Bonded as i32)
        .map(|v| v.tokens.parse::<u128>().unwrap())
        .sum();
    assert_eq!(
        chain.balance(&Address::module("bonded_tokens_pool")),
        bonded
    );
    let mut owed = DecCoins::empty();
    for v in &validators {
        // Shares add up: the delegations' shares are the validator's.
        let req = spb::QueryValidatorDelegationsRequest {
            validator_addr: v.operator_address.clone(),
            pagination: None,
        };
        let res: spb::QueryValidatorDelegationsResponse =
            chain.query_as("/cosmos.staking.v1beta1.Query/ValidatorDelegations", req);
        let mut shares = Dec::zero();
        let mut withdrawable = DecCoins::empty();
        for d in res.delegation_responses {
            let d = d.delegation.unwrap();
            shares = shares
                .checked_add(Dec::from_atomics_str(&d.shares).unwrap())
                .unwrap();
            let req = dpb::QueryDelegationRewardsRequest {
                delegator_address: d.delegator_address,
                validator_address: v.operator_address.clone(),
            };
            let r: dpb::QueryDelegationRewardsResponse =
                chain.query_as("/cosmos.distribution.v1beta1.Query/DelegationRewards", req);
            withdrawable = withdrawable.checked_add(&dec_coins(&r.rewards)).unwrap();
        }
        assert_eq!(shares, Dec::from_atomics_str(&v.delegator_shares).unwrap());
        // Outstanding rewards cover every delegation's rewards plus the commission.
        let req = dpb::QueryValidatorOutstandingRewardsRequest {
            validator_address: v.operator_address.clone(),
        };
        let out: dpb::QueryValidatorOutstandingRewardsResponse = chain.query_as(
            "/cosmos.distribution.v1beta1.Query/ValidatorOutstandingRewards",
            req,
        );
        let outstanding = dec_coins(&out.rewards.unwrap().rewards);
        let req = dpb::QueryValidatorCommissionRequest {
            validator_address: v.operator_address.clone(),
        };
        let c: dpb::QueryValidatorCommissionResponse = chain.query_as(
            "/cosmos.distribution.v1beta1.Query/ValidatorCommission",
            req,
        );
        let commission = dec_coins(&c.commission.unwrap().commission);
        let claims = withdrawable.checked_add(&commission).unwrap();
        assert!(outstanding.is_all_gte(&claims), "{outstanding} < {claims}");
        owed = owed.checked_add(&outstanding).unwrap();
    }
    let pool: dpb::QueryCommunityPoolResponse = chain.query_as(
        "/cosmos.distribution.v1beta1.Query/CommunityPool",
        dpb::QueryCommunityPoolRequest {},
    );
    let (held, _) = owed
        .checked_add(&dec_coins(&pool.pool))
        .unwrap()
        .truncate_decimal()
        .unwrap();
    let distribution = chain.balance(&Address::module("distribution"));
    assert_eq!(distribution, held.amount_of("uagr"));
}

#[test]
fn random_staking_and_rewards_keep_the_invariants_on_two_stores() {
    let mut rng = StdRng::seed_from_u64(0xA60EA);
    let (mut a, mut b) = (Chain::new(KEYS), Chain::new(KEYS));
    let keys: Vec<Address> = a.keys.iter().map(|k| k.address.clone()).collect();
    a.block(vec![]);
    b.block(vec![]);
    let mut operators: Vec<Address> = Vec::new();
    let mut refused = 0;
    for height in 0..BLOCKS {
        // Now and then a validator misses blocks (its votes are absent from the last commit).
        let absent: std::collections::BTreeSet<Vec<u8>> = (0..KEYS)
            .filter(|_| rng.gen_ratio(1, 10))
            .map(|k| vec![k as u8 + 1; 32])
            .collect();
        a.absent = absent.clone();
        b.absent = absent;
        let k = rng.gen_range(0..KEYS);
        let msg = random_msg(&mut rng, &keys, k, &operators);
        let creates = msg.type_url == agora_staking::MSG_CREATE_VALIDATOR_TYPE_URL;
        let tx = a.signed(k, vec![msg]);
        let (ra, rb) = (a.deliver(tx.clone()), b.deliver(tx));
        assert_eq!((ra.code, &ra.log), (rb.code, &rb.log), "block {height}");
        assert_eq!(
            a.app.store().app_hash(),
            b.app.store().app_hash(),
            "block {height}"
        );
        if ra.code == 0 && creates {
            operators.push(keys[k].clone());
        }
        refused += (ra.code != 0) as usize;
        check_invariants(&mut a);
    }
    assert!(
        operators.len() >= 3,
        "too few validators: {}",
        operators.len()
    );
    assert!(refused < BLOCKS / 2, "{refused} of {BLOCKS} txs refused");
}
