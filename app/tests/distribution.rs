//! Distribution through the whole app: fees collected in one block are shared in the next
//! among the last commit's validators, after the community tax and commission, and paid to
//! delegators in proportion to stake (known answers); withdraw addresses, the community pool,
//! deposits into a validator's pool, and the SDK's errors.

mod common;

use agora_app::testing::{create_validator, delegate, withdraw_rewards};
use agora_core::{Address, Dec, DecCoins, VALOPER_PREFIX};
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::cosmos::distribution::v1beta1 as pb;
use agora_proto::Any;
use common::tx::FEE;
use common::{Chain, START_BALANCE};
use prost::Message;

const AGR: u128 = 1_000_000;
const Q: &str = "/cosmos.distribution.v1beta1.Query/";

fn valoper(a: &Address) -> String {
    a.to_bech32_with(VALOPER_PREFIX)
}

fn uagr(amount: u128) -> Vec<Coin> {
    vec![Coin {
        denom: "uagr".into(),
        amount: amount.to_string(),
    }]
}

fn any(type_url: &str, msg: impl Message) -> Any {
    Any {
        type_url: type_url.into(),
        value: msg.encode_to_vec(),
    }
}

/// The whole uagr of a DecCoins in protobuf form.
fn whole(coins: &[agora_proto::cosmos::base::v1beta1::DecCoin]) -> u128 {
    DecCoins::from_proto(coins)
        .unwrap()
        .amount_of("uagr")
        .truncate()
        .unwrap()
}

/// A chain whose key 0 runs a validator (self bond 1 AGR, 10% commission) and whose keys 1
/// and 2 delegate 1 and 3 AGR to it, at heights 2, 3 and 4.
fn chain_with_delegators() -> (Chain, Address) {
    let mut chain = Chain::new(5);
    chain.block(vec![]);
    let keys = chain.keys.clone();
    let operator = keys[0].address.clone();
    let rate = Dec::from_ratio(1, 10).unwrap();
    let create = create_validator(&operator, &[9; 32], AGR, rate);
    assert_eq!(chain.tx(0, vec![create]).code, 0);
    assert_eq!(
        chain
            .tx(1, vec![delegate(&keys[1].address, &operator, AGR)])
            .code,
        0
    );
    assert_eq!(
        chain
            .tx(2, vec![delegate(&keys[2].address, &operator, 3 * AGR)])
            .code,
        0
    );
    (chain, operator)
}

fn rewards(chain: &mut Chain, delegator: &Address, operator: &Address) -> u128 {
    let req = pb::QueryDelegationRewardsRequest {
        delegator_address: delegator.to_string(),
        validator_address: valoper(operator),
    };
    let res: pb::QueryDelegationRewardsResponse =
        chain.query_as(&format!("{Q}DelegationRewards"), req);
    whole(&res.rewards)
}

fn community_pool(chain: &mut Chain) -> u128 {
    let res: pb::QueryCommunityPoolResponse = chain.query_as(
        &format!("{Q}CommunityPool"),
        pb::QueryCommunityPoolRequest {},
    );
    whole(&res.pool)
}

fn commission(chain: &mut Chain, operator: &Address) -> u128 {
    let req = pb::QueryValidatorCommissionRequest {
        validator_address: valoper(operator),
    };
    let res: pb::QueryValidatorCommissionResponse =
        chain.query_as(&format!("{Q}ValidatorCommission"), req);
    whole(&res.commission.unwrap().commission)
}

/// The SDK's module-account invariant: distribution holds exactly the whole coins of the
/// community pool plus every validator's outstanding rewards.
fn assert_module_account_invariant(chain: &mut Chain, operator: &Address) {
    let req = pb::QueryValidatorOutstandingRewardsRequest {
        validator_address: valoper(operator),
    };
    let res: pb::QueryValidatorOutstandingRewardsResponse =
        chain.query_as(&format!("{Q}ValidatorOutstandingRewards"), req);
    let outstanding = DecCoins::from_proto(&res.rewards.unwrap().rewards).unwrap();
    let pool: pb::QueryCommunityPoolResponse = chain.query_as(
        &format!("{Q}CommunityPool"),
        pb::QueryCommunityPoolRequest {},
    );
    let pool = DecCoins::from_proto(&pool.pool).unwrap();
    let (expected, _) = outstanding
        .checked_add(&pool)
        .unwrap()
        .truncate_decimal()
        .unwrap();
    let held = chain.balance(&Address::module("distribution"));
    assert_eq!(held, expected.amount_of("uagr"));
}

#[test]
fn fees_are_split_by_stake_after_community_tax_and_commission() {
    let (mut chain, operator) = chain_with_delegators();
    let keys = chain.keys.clone();
    // Block 5 shares block 4's fee among the last commit (the validator, power 1): 2% to the
    // community pool, 10% of the rest as commission, 4,410 to the 5 AGR of delegations.
    // Blocks 3 and 4 had no validators in their last commit: those fees went to the pool.
    chain.block(vec![]);
    chain.block(vec![]);
    assert_eq!(rewards(&mut chain, &keys[1].address, &operator), 882);
    assert_eq!(rewards(&mut chain, &keys[2].address, &operator), 3 * 882);
    assert_eq!(rewards(&mut chain, &operator, &operator), 882);
    assert_eq!(commission(&mut chain, &operator), 490);
    assert_eq!(community_pool(&mut chain), 2 * FEE + 100);
    assert_module_account_invariant(&mut chain, &operator);

    // Withdrawing pays the rewards; the tx's own fee is shared in the next block.
    let before = chain.balance(&keys[1].address);
    let res = chain.tx(1, vec![withdraw_rewards(&keys[1].address, &operator)]);
    assert_eq!(res.code, 0, "{}", res.log);
    assert_eq!(chain.balance(&keys[1].address), before - FEE + 882);
    let paid = pb::MsgWithdrawDelegatorRewardResponse::decode(
        agora_proto::cosmos::base::abci::v1beta1::TxMsgData::decode(res.data.as_ref())
            .unwrap()
            .msg_responses[0]
            .value
            .as_slice(),
    )
    .unwrap();
    assert_eq!(paid.amount, uagr(882));
    assert_eq!(
        common::attr(&res.events, "withdraw_rewards", "amount"),
        Some("882uagr")
    );
    // Key 2 withdraws after one more fee was shared: its 3/5 of two rounds.
    let before = chain.balance(&keys[2].address);
    assert_eq!(
        chain
            .tx(2, vec![withdraw_rewards(&keys[2].address, &operator)])
            .code,
        0
    );
    assert_eq!(chain.balance(&keys[2].address), before - FEE + 2 * 3 * 882);
    // Commission of three shared fees goes to the operator.
    let before = chain.balance(&operator);
    let msg = any(
        agora_distribution::MSG_WITHDRAW_COMMISSION_TYPE_URL,
        pb::MsgWithdrawValidatorCommission {
            validator_address: valoper(&operator),
        },
    );
    assert_eq!(chain.tx(0, vec![msg.clone()]).code, 0);
    assert_eq!(chain.balance(&operator), before - FEE + 3 * 490);
    assert_eq!(community_pool(&mut chain), 2 * FEE + 3 * 100);
    assert_module_account_invariant(&mut chain, &operator);
    // The next withdrawal pays only the commission on the last tx's fee.
    let before = chain.balance(&operator);
    assert_eq!(chain.tx(0, vec![msg]).code, 0);
    assert_eq!(chain.balance(&operator), before - FEE + 490);
}

#[test]
fn rewards_go_to_the_withdraw_address_and_the_pools_take_deposits() {
    let (mut chain, operator) = chain_with_delegators();
    let keys = chain.keys.clone();
    let set = |to: &Address| {
        any(
            agora_distribution::MSG_SET_WITHDRAW_ADDRESS_TYPE_URL,
            pb::MsgSetWithdrawAddress {
                delegator_address: keys[1].address.to_string(),
                withdraw_address: to.to_string(),
            },
        )
    };
    // A module account may not receive rewards (sdk/4).
    let res = chain.tx(1, vec![set(&Address::module("distribution"))]);
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("sdk", 4),
        "{}",
        res.log
    );
    assert_eq!(chain.tx(1, vec![set(&keys[3].address)]).code, 0);
    let req = pb::QueryDelegatorWithdrawAddressRequest {
        delegator_address: keys[1].address.to_string(),
    };
    let res: pb::QueryDelegatorWithdrawAddressResponse =
        chain.query_as(&format!("{Q}DelegatorWithdrawAddress"), req);
    assert_eq!(res.withdraw_address, keys[3].address.to_string());

    // A deposit into the validator's pool is shared like fees, without community tax.
    let deposit = any(
        agora_distribution::MSG_DEPOSIT_VALIDATOR_REWARDS_TYPE_URL,
        pb::MsgDepositValidatorRewardsPool {
            depositor: keys[4].address.to_string(),
            validator_address: valoper(&operator),
            amount: uagr(100_000),
        },
    );
    let commission_before = commission(&mut chain, &operator);
    let rewards_before = rewards(&mut chain, &keys[1].address, &operator);
    assert_eq!(chain.tx(4, vec![deposit]).code, 0);
    // 10% of the deposit, plus the commission on the previous tx's fee shared in its block.
    assert_eq!(
        commission(&mut chain, &operator) - commission_before,
        10_000 + 490
    );
    // 90,000 over 5 AGR of stake, key 1's 1 AGR earns a fifth (plus the fees since).
    let earned = rewards(&mut chain, &keys[1].address, &operator) - rewards_before;
    assert!((18_000..18_000 + 900).contains(&earned), "{earned}");
    let before = chain.balance(&keys[3].address);
    let pending = rewards(&mut chain, &keys[1].address, &operator);
    assert_eq!(
        chain
            .tx(1, vec![withdraw_rewards(&keys[1].address, &operator)])
            .code,
        0
    );
    assert!(chain.balance(&keys[3].address) >= before + pending);

    // Funding the community pool.
    let pool = community_pool(&mut chain);
    let fund = any(
        agora_distribution::MSG_FUND_COMMUNITY_POOL_TYPE_URL,
        pb::MsgFundCommunityPool {
            amount: uagr(7_000),
            depositor: keys[4].address.to_string(),
        },
    );
    assert_eq!(chain.tx(4, vec![fund]).code, 0);
    // The fund tx's block shared the previous tx's fee (2% of it to the pool) first.
    assert_eq!(community_pool(&mut chain), pool + 7_000 + FEE / 50);
    assert_module_account_invariant(&mut chain, &operator);
}

#[test]
fn refusals_change_nothing_but_fee_and_sequence() {
    let (mut chain, operator) = chain_with_delegators();
    let keys = chain.keys.clone();
    // No delegation from key 3: staking/19, as the SDK's staking keeper answers.
    let res = chain.tx(3, vec![withdraw_rewards(&keys[3].address, &operator)]);
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("staking", 19),
        "{}",
        res.log
    );
    // No such validator: staking/3.
    let res = chain.tx(
        3,
        vec![withdraw_rewards(&keys[3].address, &keys[4].address)],
    );
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("staking", 3),
        "{}",
        res.log
    );
    // A key that runs no validator has no commission.
    let res = chain.tx(
        3,
        vec![any(
            agora_distribution::MSG_WITHDRAW_COMMISSION_TYPE_URL,
            pb::MsgWithdrawValidatorCommission {
                validator_address: valoper(&keys[3].address),
            },
        )],
    );
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("distribution", 7),
        "{}",
        res.log
    );
    // Each refusal cost the fee only.
    assert_eq!(chain.balance(&keys[3].address), START_BALANCE - 3 * FEE);
    assert_eq!(chain.account(&keys[3].address), (3, 3));
    // Bad addresses and amounts are refused before any state is read.
    let bad = any(
        agora_distribution::MSG_FUND_COMMUNITY_POOL_TYPE_URL,
        pb::MsgFundCommunityPool {
            amount: vec![],
            depositor: keys[3].address.to_string(),
        },
    );
    let res = chain.tx(3, vec![bad]);
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("sdk", 10),
        "{}",
        res.log
    );
}

#[test]
fn an_undelegation_pays_the_rewards_earned_so_far() {
    let (mut chain, operator) = chain_with_delegators();
    let keys = chain.keys.clone();
    chain.block(vec![]);
    chain.block(vec![]);
    let pending = rewards(&mut chain, &keys[2].address, &operator);
    assert_eq!(pending, 3 * 882);
    let unbond = any(
        agora_staking::MSG_UNDELEGATE_TYPE_URL,
        agora_proto::cosmos::staking::v1beta1::MsgUndelegate {
            delegator_address: keys[2].address.to_string(),
            validator_address: valoper(&operator),
            amount: Some(uagr(3 * AGR).remove(0)),
        },
    );
    let before = chain.balance(&keys[2].address);
    let res = chain.tx(2, vec![unbond]);
    assert_eq!(res.code, 0, "{}", res.log);
    assert_eq!(chain.balance(&keys[2].address), before - FEE + pending);
    assert_module_account_invariant(&mut chain, &operator);
}

/// The gas of key 1 withdrawing its rewards `blocks` blocks after delegating, with the same
/// deposit into the validator's pool just before.
fn withdraw_gas_after(blocks: usize) -> u64 {
    let (mut chain, operator) = chain_with_delegators();
    let keys = chain.keys.clone();
    for _ in 0..blocks {
        chain.block(vec![]);
    }
    let deposit = any(
        agora_distribution::MSG_DEPOSIT_VALIDATOR_REWARDS_TYPE_URL,
        pb::MsgDepositValidatorRewardsPool {
            depositor: keys[4].address.to_string(),
            validator_address: valoper(&operator),
            amount: uagr(100_000),
        },
    );
    assert_eq!(chain.tx(4, vec![deposit]).code, 0);
    let res = chain.tx(1, vec![withdraw_rewards(&keys[1].address, &operator)]);
    assert_eq!(res.code, 0, "{}", res.log);
    res.gas_used as u64
}

/// F1: a withdrawal reads and writes the same records however long the delegation ran, so it
/// costs the same gas after 1,000 blocks as after 5,000 (gas meters every byte of every store
/// access; both heights have four digits, as the height is in the record).
#[test]
fn withdrawing_costs_the_same_after_1000_or_5000_blocks() {
    assert_eq!(withdraw_gas_after(1_000), withdraw_gas_after(5_000));
}
