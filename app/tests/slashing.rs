//! Slashing and evidence through the whole app, with known answers: a validator absent from
//! the last commit for most of its window is slashed 1 % of its power's tokens (the
//! unbonding that left it after the infraction height pays its share), jailed for 600 s and
//! unjailed after; a double sign reported as misbehavior slashes 5 % at the infraction's
//! power, from the unbonding delegations and redelegations made after it, jails the
//! validator for ever and tombstones it. Each refusal carries the SDK's code.

mod common;

use agora_app::testing::{
    block_time, consensus_address, create_validator, delegate, redelegate, undelegate, unjail,
};
use agora_core::{Address, Dec, VALCONS_PREFIX, VALOPER_PREFIX};
use agora_proto::cosmos::bank::v1beta1 as bank;
use agora_proto::cosmos::distribution::v1beta1 as dpb;
use agora_proto::cosmos::evidence::v1beta1 as epb;
use agora_proto::cosmos::slashing::v1beta1 as pb;
use agora_proto::cosmos::staking::v1beta1 as spb;
use common::{attr, Chain};
use tendermint_proto::google::protobuf::Duration;
use tendermint_proto::v0_38::abci::{Misbehavior, MisbehaviorType, Validator};
use tendermint_proto::v0_38::types::{ConsensusParams, EvidenceParams};

const AGR: u128 = 1_000_000;
/// V1's and V2's consensus keys.
const KEY_1: [u8; 32] = [1; 32];
const KEY_2: [u8; 32] = [2; 32];

/// A chain where key 0 runs V1 (100 AGR, height 2) and key 1 runs V2 (10 AGR, height 3),
/// and key 2 delegates 4 AGR to V2 (height 4).
fn two_validators() -> (Chain, Address, Address) {
    two_validators_on(Chain::new(5))
}

/// [`two_validators`] on a chain whose evidence may be at most 3 blocks or 10 s old.
fn two_validators_with_short_evidence_age() -> (Chain, Address, Address) {
    two_validators_on(Chain::with_init(5, Default::default(), |req| {
        req.consensus_params = Some(ConsensusParams {
            evidence: Some(EvidenceParams {
                max_age_num_blocks: 3,
                max_age_duration: Some(Duration {
                    seconds: 10,
                    nanos: 0,
                }),
                max_bytes: 1024 * 1024,
            }),
            ..Default::default()
        });
    }))
}

fn two_validators_on(mut chain: Chain) -> (Chain, Address, Address) {
    chain.block(vec![]);
    let keys = chain.keys.clone();
    let (v1, v2) = (keys[0].address.clone(), keys[1].address.clone());
    let rate = Dec::from_ratio(1, 10).unwrap();
    assert_eq!(
        chain
            .tx(0, vec![create_validator(&v1, &KEY_1, 100 * AGR, rate)])
            .code,
        0
    );
    assert_eq!(
        chain
            .tx(1, vec![create_validator(&v2, &KEY_2, 10 * AGR, rate)])
            .code,
        0
    );
    assert_eq!(
        chain
            .tx(2, vec![delegate(&keys[2].address, &v2, 4 * AGR)])
            .code,
        0
    );
    (chain, v1, v2)
}

fn valcons(key: &[u8]) -> String {
    Address::from_bytes(consensus_address(key))
        .unwrap()
        .to_bech32_with(VALCONS_PREFIX)
}

fn signing_info(chain: &mut Chain, key: &[u8]) -> pb::ValidatorSigningInfo {
    let req = pb::QuerySigningInfoRequest {
        cons_address: valcons(key),
    };
    let res: pb::QuerySigningInfoResponse =
        chain.query_as("/cosmos.slashing.v1beta1.Query/SigningInfo", req);
    res.val_signing_info.unwrap()
}

fn validator(chain: &mut Chain, operator: &Address) -> spb::Validator {
    let req = spb::QueryValidatorRequest {
        validator_addr: operator.to_bech32_with(VALOPER_PREFIX),
    };
    let res: spb::QueryValidatorResponse =
        chain.query_as("/cosmos.staking.v1beta1.Query/Validator", req);
    res.validator.unwrap()
}

fn supply(chain: &mut Chain) -> u128 {
    let req = bank::QuerySupplyOfRequest {
        denom: "uagr".into(),
    };
    let res: bank::QuerySupplyOfResponse =
        chain.query_as("/cosmos.bank.v1beta1.Query/SupplyOf", req);
    res.amount.unwrap().amount.parse().unwrap()
}

/// The balances of `delegator`'s unbonding entries from `operator`.
fn unbonding(chain: &mut Chain, delegator: &Address, operator: &Address) -> Vec<u128> {
    let req = spb::QueryUnbondingDelegationRequest {
        delegator_addr: delegator.to_string(),
        validator_addr: operator.to_bech32_with(VALOPER_PREFIX),
    };
    let res: spb::QueryUnbondingDelegationResponse =
        chain.query_as("/cosmos.staking.v1beta1.Query/UnbondingDelegation", req);
    let entries = res.unbond.unwrap().entries;
    entries.iter().map(|e| e.balance.parse().unwrap()).collect()
}

fn assert_code(res: &tendermint_proto::v0_38::abci::ExecTxResult, codespace: &str, code: u32) {
    assert_eq!(
        (res.codespace.as_str(), res.code),
        (codespace, code),
        "{}",
        res.log
    );
}

#[test]
fn downtime_slashes_one_percent_jails_for_600_seconds_and_unjail_follows_the_rules() {
    let (mut chain, v1, v2) = two_validators();
    let keys = chain.keys.clone();
    let info = signing_info(&mut chain, &KEY_2);
    assert_eq!((info.start_height, info.missed_blocks_counter), (3, 0));
    // V2 (power 14 from height 6) misses every block from here on.
    chain.absent.insert(KEY_2.to_vec());
    while chain.height() < 102 {
        chain.block(vec![]);
    }
    // Still within its first window (start 3 + 100): counted, not punished.
    let info = signing_info(&mut chain, &KEY_2);
    assert_eq!(info.missed_blocks_counter, 97);
    assert!(!validator(&mut chain, &v2).jailed);
    // An unbonding at height 103, after the infraction height 104 - 2, pays its share.
    assert_eq!(
        chain
            .tx(2, vec![undelegate(&keys[2].address, &v2, AGR)])
            .code,
        0
    );
    let before = supply(&mut chain);
    let res = chain.block(vec![]);
    assert_eq!(chain.height(), 104);

    // 1 % of power 14: 140,000 uagr; the unbonding entry pays 1 % of 1 AGR, V2 the rest.
    assert_eq!(
        attr(&res.events, "slash", "reason"),
        Some("missing_signature")
    );
    assert_eq!(attr(&res.events, "slash", "power"), Some("14"));
    assert_eq!(attr(&res.events, "slash", "burned_coins"), Some("130000"));
    assert_eq!(before - supply(&mut chain), 140_000);
    assert_eq!(unbonding(&mut chain, &keys[2].address, &v2), [990_000]);
    let jailed = validator(&mut chain, &v2);
    assert!(jailed.jailed);
    assert_eq!(jailed.tokens, "12870000");
    assert_eq!(jailed.status, spb::BondStatus::Unbonding as i32);
    // It leaves the set: power 0 goes to the engine.
    let update = &res.validator_updates;
    assert_eq!(update.len(), 1);
    assert_eq!(update[0].power, 0);
    let info = signing_info(&mut chain, &KEY_2);
    assert_eq!((info.missed_blocks_counter, info.index_offset), (0, 0));
    let until = info.jailed_until.unwrap();
    assert_eq!(until.seconds, block_time(104).seconds + 600);
    chain.absent.clear();

    // Unjail too early: slashing/4; of a validator not jailed: slashing/5; of a key that
    // runs no validator: slashing/2.
    assert_code(&chain.tx(1, vec![unjail(&v2)]), "slashing", 4);
    assert_code(&chain.tx(0, vec![unjail(&v1)]), "slashing", 5);
    assert_code(&chain.tx(3, vec![unjail(&keys[3].address)]), "slashing", 2);
    assert!(validator(&mut chain, &v2).jailed);

    // Ten minutes later it may: it rejoins the set with power 12 and a fresh window.
    chain.time_offset = 600;
    let res = chain.tx(1, vec![unjail(&v2)]);
    assert_eq!(res.code, 0, "{}", res.log);
    let back = validator(&mut chain, &v2);
    assert!(!back.jailed);
    assert_eq!(back.status, spb::BondStatus::Bonded as i32);
    assert_eq!(
        signing_info(&mut chain, &KEY_2).start_height as u64,
        chain.height()
    );
    assert_eq!(
        chain.sets.at(chain.height() + 2).get(&KEY_2.to_vec()),
        Some(&12)
    );

    // A twin fed the same blocks agrees on everything.
    let twin = chain.twin();
    assert_eq!(twin.app.store().app_hash(), chain.app.store().app_hash());
}

/// Misbehavior of V2 at `height` with `power`, reported in the next block.
fn double_sign(height: i64, power: i64) -> Misbehavior {
    Misbehavior {
        r#type: MisbehaviorType::DuplicateVote as i32,
        validator: Some(Validator {
            address: consensus_address(&KEY_2).into(),
            power,
        }),
        height,
        time: Some(block_time(height as u64)),
        total_voting_power: 100 + power,
    }
}

#[test]
fn a_double_sign_slashes_five_percent_from_later_unbondings_and_redelegations_and_tombstones() {
    let (mut chain, v1, v2) = two_validators();
    let keys = chain.keys.clone();
    let (k2, k3) = (keys[2].address.clone(), keys[3].address.clone());
    // Height 5: an unbonding before the infraction (at 7, stake from 7 - 1 = 6 on).
    assert_eq!(chain.tx(2, vec![undelegate(&k2, &v2, AGR)]).code, 0);
    chain.block(vec![]);
    chain.block(vec![]);
    // Heights 8-10: an unbonding and a redelegation after it.
    assert_eq!(chain.tx(2, vec![undelegate(&k2, &v2, AGR)]).code, 0);
    assert_eq!(chain.tx(3, vec![delegate(&k3, &v2, 2 * AGR)]).code, 0);
    assert_eq!(
        chain.tx(3, vec![redelegate(&k3, &v2, &v1, 2 * AGR)]).code,
        0
    );
    let before = supply(&mut chain);
    // V2 had power 13 at height 7 (10 + 4 - 1 AGR).
    chain.misbehavior.push(double_sign(7, 13));
    let res = chain.block(vec![]);

    // 5 % of 13 AGR = 650,000: the later unbonding pays 50,000, the redelegation 100,000
    // (unbonded from V1 and burned), V2 the remaining 500,000 of its 12 AGR.
    assert_eq!(attr(&res.events, "slash", "reason"), Some("double_sign"));
    assert_eq!(attr(&res.events, "slash", "burned_coins"), Some("500000"));
    assert_eq!(before - supply(&mut chain), 650_000);
    assert_eq!(unbonding(&mut chain, &k2, &v2), [1_000_000, 950_000]);
    assert_eq!(validator(&mut chain, &v2).tokens, "11500000");
    assert_eq!(validator(&mut chain, &v1).tokens, "101900000");
    let req = spb::QueryDelegationRequest {
        delegator_addr: k3.to_string(),
        validator_addr: v1.to_bech32_with(VALOPER_PREFIX),
    };
    let res: spb::QueryDelegationResponse =
        chain.query_as("/cosmos.staking.v1beta1.Query/Delegation", req);
    assert_eq!(
        res.delegation_response.unwrap().balance.unwrap().amount,
        "1900000"
    );
    // Distribution recorded the effective fraction, 500,000 / 12,000,000 rounded up.
    let req = dpb::QueryValidatorSlashesRequest {
        validator_address: v2.to_bech32_with(VALOPER_PREFIX),
        starting_height: 0,
        ending_height: 100,
        pagination: None,
    };
    let res: dpb::QueryValidatorSlashesResponse =
        chain.query_as("/cosmos.distribution.v1beta1.Query/ValidatorSlashes", req);
    assert_eq!(res.slashes.len(), 1);
    assert_eq!(
        Dec::from_atomics_str(&res.slashes[0].fraction)
            .unwrap()
            .to_string(),
        "0.041666666666666667"
    );

    // Jailed for ever and tombstoned; the evidence is kept under its hash.
    assert!(validator(&mut chain, &v2).jailed);
    let info = signing_info(&mut chain, &KEY_2);
    assert!(info.tombstoned);
    assert_eq!(info.jailed_until.unwrap().seconds, 253_402_300_799);
    let all: epb::QueryAllEvidenceResponse = chain.query_as(
        "/cosmos.evidence.v1beta1.Query/AllEvidence",
        epb::QueryAllEvidenceRequest::default(),
    );
    assert_eq!(all.evidence.len(), 1);
    let stored: epb::Equivocation =
        prost::Message::decode(all.evidence[0].value.as_slice()).unwrap();
    assert_eq!((stored.height, stored.power), (7, 13));
    assert_eq!(stored.consensus_address, valcons(&KEY_2));
    let req = epb::QueryEvidenceRequest {
        hash: hex::encode(agora_evidence::evidence_hash(&stored)),
        ..Default::default()
    };
    let one: epb::QueryEvidenceResponse =
        chain.query_as("/cosmos.evidence.v1beta1.Query/Evidence", req);
    assert_eq!(one.evidence.unwrap(), all.evidence[0]);

    // A second report is ignored; unjailing is refused however long one waits.
    let before = supply(&mut chain);
    chain.misbehavior.push(double_sign(8, 12));
    chain.block(vec![]);
    assert_eq!(supply(&mut chain), before);
    chain.time_offset = 10 * 365 * 24 * 3600;
    assert_code(&chain.tx(1, vec![unjail(&v2)]), "slashing", 4);
}

#[test]
fn evidence_older_than_both_age_limits_is_ignored_and_old_in_one_only_is_punished() {
    // Height 8, 100 s late: a report of height 4 is 4 blocks and 104 s old, past both
    // limits (3 blocks, 10 s): ignored, the state is the twin's that saw no report.
    let (mut chain, _, v2) = two_validators_with_short_evidence_age();
    chain.block(vec![]);
    chain.block(vec![]);
    chain.block(vec![]);
    let mut twin = chain.twin();
    chain.time_offset = 100;
    twin.time_offset = 100;
    chain.misbehavior.push(double_sign(4, 14));
    let res = chain.block(vec![]);
    twin.block(vec![]);
    assert_eq!(attr(&res.events, "slash", "reason"), None);
    assert_eq!(chain.app.store().app_hash(), twin.app.store().app_hash());
    assert!(!signing_info(&mut chain, &KEY_2).tombstoned);

    // The same report 100 s late but within 3 blocks (height 6 at height 9) counts: the
    // SDK ignores evidence only when it is too old by blocks and by time.
    chain.misbehavior.push(double_sign(6, 14));
    let res = chain.block(vec![]);
    assert_eq!(attr(&res.events, "slash", "reason"), Some("double_sign"));
    assert!(signing_info(&mut chain, &KEY_2).tombstoned);
    assert!(validator(&mut chain, &v2).jailed);
}

#[test]
fn evidence_of_an_unknown_key_changes_nothing_and_a_missing_hash_is_reported() {
    let (mut chain, _, _) = two_validators();
    let mut twin = chain.twin();
    let mut report = double_sign(4, 10);
    report.validator.as_mut().unwrap().address = consensus_address(&[9; 32]).into();
    chain.misbehavior.push(report);
    chain.block(vec![]);
    twin.block(vec![]);
    assert_eq!(chain.app.store().app_hash(), twin.app.store().app_hash());
    let res = chain
        .app
        .query(tendermint_proto::v0_38::abci::RequestQuery {
            path: "/cosmos.evidence.v1beta1.Query/Evidence".into(),
            data: prost::Message::encode_to_vec(&epb::QueryEvidenceRequest {
                hash: "00".repeat(32),
                ..Default::default()
            })
            .into(),
            ..Default::default()
        });
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("evidence", 4),
        "{}",
        res.log
    );
}

#[test]
fn params_change_only_by_the_authority_and_signing_infos_page() {
    let (mut chain, _, _) = two_validators();
    let keys = chain.keys.clone();
    let params: pb::QueryParamsResponse = chain.query_as(
        "/cosmos.slashing.v1beta1.Query/Params",
        pb::QueryParamsRequest {},
    );
    let params = params.params.unwrap();
    assert_eq!(params.signed_blocks_window, 100);
    assert_eq!(params.min_signed_per_window, b"500000000000000000");
    let update = agora_proto::Any {
        type_url: agora_slashing::MSG_UPDATE_PARAMS_TYPE_URL.into(),
        value: prost::Message::encode_to_vec(&pb::MsgUpdateParams {
            authority: keys[0].address.to_string(),
            params: Some(params),
        }),
    };
    assert_code(&chain.tx(0, vec![update]), "gov", 13);

    let req = pb::QuerySigningInfosRequest {
        pagination: Some(agora_proto::cosmos::base::query::v1beta1::PageRequest {
            limit: 1,
            count_total: true,
            ..Default::default()
        }),
    };
    let page: pb::QuerySigningInfosResponse =
        chain.query_as("/cosmos.slashing.v1beta1.Query/SigningInfos", req);
    assert_eq!(page.info.len(), 1);
    let pagination = page.pagination.unwrap();
    assert_eq!(pagination.total, 2);
    assert!(!pagination.next_key.is_empty());
}
