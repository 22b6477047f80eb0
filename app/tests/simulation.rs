//! A randomized simulation (like the SDK's x/simulation) of staking, distribution, slashing
//! and evidence through the whole app: random validator creation, delegations,
//! undelegations, redelegations, withdrawals, deposits, unjails, absent votes, validators
//! down for long enough to be jailed, and double signs reported as misbehavior, on two apps
//! over separate RocksDB stores fed the same blocks. Every block checks that both reach the
//! same app hash and the SDK's invariants: the bonded pool holds the bonded validators'
//! tokens and the not-bonded pool the others' plus every unbonding entry, delegation shares
//! add up, distribution holds what it owes and owes no more than outstanding rewards, and
//! the supply is what genesis created less what was burned, held by the accounts.

mod common;

use agora_app::testing::{
    consensus_address, create_validator, delegate, redelegate, undelegate, unjail, withdraw_rewards,
};
use agora_core::{Address, Dec, DecCoins, VALOPER_PREFIX};
use agora_proto::cosmos::distribution::v1beta1 as dpb;
use agora_proto::cosmos::staking::v1beta1 as spb;
use agora_proto::Any;
use common::{Chain, START_BALANCE};
use prost::Message;
use rand::{rngs::StdRng, Rng, SeedableRng};
use tendermint_proto::v0_38::abci::{Misbehavior, MisbehaviorType, ResponseFinalizeBlock};

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
    if operators.contains(me) && rng.gen_ratio(1, 10) {
        return unjail(me);
    }
    let v = &operators[rng.gen_range(0..operators.len())];
    let valoper = v.to_bech32_with(VALOPER_PREFIX);
    match rng.gen_range(0..6) {
        0 | 1 => delegate(me, v, amount),
        2 => undelegate(me, v, amount / 4),
        3 => {
            let dst = &operators[rng.gen_range(0..operators.len())];
            redelegate(me, v, dst, amount / 4)
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

/// The uagr burned in a block (the amounts of its `burn` events).
fn burned(res: &ResponseFinalizeBlock) -> u128 {
    let tx_events = res.tx_results.iter().flat_map(|r| &r.events);
    res.events
        .iter()
        .chain(tx_events)
        .filter(|e| e.r#type == "burn")
        .flat_map(|e| &e.attributes)
        .filter(|a| a.key == "amount")
        .map(|a| {
            a.value
                .strip_suffix("uagr")
                .unwrap()
                .parse::<u128>()
                .unwrap()
        })
        .sum()
}

/// The accounts that can hold uagr: the keys and the module accounts.
fn holders(chain: &Chain) -> Vec<Address> {
    let modules = [
        "fee_collector",
        "distribution",
        "mint",
        "bonded_tokens_pool",
        "not_bonded_tokens_pool",
        "gov",
    ];
    let keys = chain.keys.iter().map(|k| k.address.clone());
    keys.chain(modules.iter().map(|m| Address::module(m)))
        .collect()
}

/// Bank's invariants: the supply is genesis's less `burned`, and the accounts hold it all.
fn check_supply(chain: &mut Chain, burned: u128) {
    let req = agora_proto::cosmos::bank::v1beta1::QuerySupplyOfRequest {
        denom: "uagr".into(),
    };
    let res: agora_proto::cosmos::bank::v1beta1::QuerySupplyOfResponse =
        chain.query_as("/cosmos.bank.v1beta1.Query/SupplyOf", req);
    let supply: u128 = res.amount.unwrap().amount.parse().unwrap();
    assert_eq!(supply, KEYS as u128 * START_BALANCE - burned);
    let held: u128 = holders(chain).iter().map(|a| chain.balance(a)).sum();
    assert_eq!(held, supply);
}

/// The tokens of `v`'s unbonding entries.
fn unbonding_tokens(chain: &mut Chain, v: &spb::Validator) -> u128 {
    let req = spb::QueryValidatorUnbondingDelegationsRequest {
        validator_addr: v.operator_address.clone(),
        pagination: None,
    };
    let res: spb::QueryValidatorUnbondingDelegationsResponse = chain.query_as(
        "/cosmos.staking.v1beta1.Query/ValidatorUnbondingDelegations",
        req,
    );
    let entries = res.unbonding_responses.into_iter().flat_map(|u| u.entries);
    entries.map(|e| e.balance.parse::<u128>().unwrap()).sum()
}

/// The SDK's staking and distribution invariants on one chain.
fn check_invariants(chain: &mut Chain) {
    let validators = validators(chain);
    let tokens = |bonded: bool| -> u128 {
        let with_status = validators
            .iter()
            .filter(|v| (v.status == spb::BondStatus::Bonded as i32) == bonded);
        with_status.map(|v| v.tokens.parse::<u128>().unwrap()).sum()
    };
    assert_eq!(
        chain.balance(&Address::module("bonded_tokens_pool")),
        tokens(true)
    );
    let unbonding: u128 = validators.iter().map(|v| unbonding_tokens(chain, v)).sum();
    assert_eq!(
        chain.balance(&Address::module("not_bonded_tokens_pool")),
        tokens(false) + unbonding
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

/// A double sign by the validator with consensus key `key` at `height`, with its power then.
fn double_sign(chain: &Chain, key: &[u8], height: u64) -> Option<Misbehavior> {
    let power = *chain.sets.at(height).get(key)?;
    Some(Misbehavior {
        r#type: MisbehaviorType::DuplicateVote as i32,
        validator: Some(tendermint_proto::v0_38::abci::Validator {
            address: consensus_address(key).into(),
            power,
        }),
        height: height as i64,
        time: Some(agora_app::testing::block_time(height)),
        total_voting_power: chain.sets.at(height).values().sum(),
    })
}

#[test]
fn random_staking_rewards_and_slashing_keep_the_invariants_on_two_stores() {
    let mut rng = StdRng::seed_from_u64(0xA60EA);
    let (mut a, mut b) = (Chain::new(KEYS), Chain::new(KEYS));
    let keys: Vec<Address> = a.keys.iter().map(|k| k.address.clone()).collect();
    a.block(vec![]);
    b.block(vec![]);
    let mut operators: Vec<Address> = Vec::new();
    let (mut refused, mut burned_total) = (0, 0);
    let (mut downtime_jails, mut double_signs) = (0, 0);
    // The height until which each key's validator is down (absent from every commit).
    let mut down_until = [0u64; KEYS];
    for height in 2..BLOCKS as u64 + 2 {
        if rng.gen_ratio(1, 100) {
            down_until[rng.gen_range(0..KEYS)] = height + rng.gen_range(60..160);
        }
        // Besides those down, any validator now and then misses a block.
        let absent: std::collections::BTreeSet<Vec<u8>> = (0..KEYS)
            .filter(|&k| down_until[k] > height || rng.gen_ratio(1, 10))
            .map(|k| vec![k as u8 + 1; 32])
            .collect();
        a.absent = absent.clone();
        b.absent = absent;
        if rng.gen_ratio(1, 100) {
            let key = [rng.gen_range(0..KEYS) as u8 + 1; 32];
            let at = height.saturating_sub(rng.gen_range(1..6)).max(2);
            if let Some(report) = double_sign(&a, &key, at) {
                a.misbehavior.push(report.clone());
                b.misbehavior.push(report);
            }
        }
        let k = rng.gen_range(0..KEYS);
        let msg = random_msg(&mut rng, &keys, k, &operators);
        let creates = msg.type_url == agora_staking::MSG_CREATE_VALIDATOR_TYPE_URL;
        let tx = a.signed(k, vec![msg]);
        let (ra, rb) = (a.block(vec![tx.clone()]), b.block(vec![tx]));
        let (ta, tb) = (&ra.tx_results[0], &rb.tx_results[0]);
        assert_eq!((ta.code, &ta.log), (tb.code, &tb.log), "block {height}");
        assert_eq!(
            a.app.store().app_hash(),
            b.app.store().app_hash(),
            "block {height}"
        );
        if ta.code == 0 && creates {
            operators.push(keys[k].clone());
        }
        refused += (ta.code != 0) as usize;
        for e in ra.events.iter().filter(|e| e.r#type == "slash") {
            let reason = e.attributes.iter().find(|a| a.key == "reason");
            match reason.map(|a| a.value.as_str()) {
                Some("missing_signature") => downtime_jails += 1,
                Some("double_sign") => double_signs += 1,
                _ => {}
            }
        }
        burned_total += burned(&ra);
        check_invariants(&mut a);
        check_supply(&mut a, burned_total);
    }
    assert!(
        operators.len() >= 3,
        "too few validators: {}",
        operators.len()
    );
    assert!(refused < BLOCKS / 2, "{refused} of {BLOCKS} txs refused");
    assert!(downtime_jails >= 2, "{downtime_jails} downtime slashes");
    assert!(double_signs >= 2, "{double_signs} double-sign slashes");
    assert!(burned_total > 0);
}
