//! A randomized run of governance through the whole app on two stores fed the same blocks:
//! random proposals (regular and expedited, some below the minimum deposit), deposits, votes,
//! weighted votes and cancels from random keys, with time passing so deposit and voting
//! periods end. Every block checks that both stores reach the same app hash and gov's
//! invariants: the gov module account holds exactly the deposits of the proposals still
//! stored; each stored proposal's total deposit is the sum of its deposits; votes exist only
//! on proposals in their voting period; ended proposals are PASSED or REJECTED with a final
//! tally; the supply falls only by what gov burned.

mod common;

use agora_app::testing::delegate;
use agora_core::authority::gov_authority;
use agora_core::{Address, Dec};
use agora_proto::cosmos::bank::v1beta1 as bank;
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::cosmos::gov::{v1 as pb, v1beta1};
use agora_proto::Any;
use common::gov::{any, coins, with_validators, AGR};
use common::Chain;
use rand::{rngs::StdRng, Rng, SeedableRng};

const KEYS: usize = 6;
const BLOCKS: u64 = 400;

/// A chain whose gov periods are a few blocks long, keys 0 and 1 running validators and key
/// 2 delegating.
fn chain() -> Chain {
    let mut chain = with_validators(KEYS, 8, 4, 6);
    let keys = chain.keys.clone();
    let res = chain.tx(
        2,
        vec![delegate(&keys[2].address, &keys[0].address, 20 * AGR)],
    );
    assert_eq!(res.code, 0, "{}", res.log);
    chain
}

fn text() -> Any {
    any(&pb::MsgExecLegacyContent {
        content: Some(any(&v1beta1::TextProposal {
            title: "t".into(),
            description: "d".into(),
        })),
        authority: gov_authority().to_string(),
    })
}

/// A random gov Msg from key `k` on proposals up to `last_id`.
fn random_msg(rng: &mut StdRng, voter: &Address, last_id: u64) -> Any {
    let id = rng.gen_range(1..=last_id.max(1));
    let options = [1, 2, 3, 4];
    match rng.gen_range(0..10) {
        0 | 1 => {
            let expedited = rng.gen_ratio(1, 4);
            let deposit = [AGR / 2, 5 * AGR, 10 * AGR, 50 * AGR][rng.gen_range(0..4)];
            any(&pb::MsgSubmitProposal {
                messages: vec![text()],
                initial_deposit: coins(deposit),
                proposer: voter.to_string(),
                metadata: String::new(),
                title: "Random".into(),
                summary: "A random proposal".into(),
                expedited,
            })
        }
        2 | 3 => any(&pb::MsgDeposit {
            proposal_id: id,
            depositor: voter.to_string(),
            amount: coins(rng.gen_range(AGR / 10..20 * AGR)),
        }),
        4..=6 => any(&pb::MsgVote {
            proposal_id: id,
            voter: voter.to_string(),
            option: options[rng.gen_range(0..4)],
            metadata: String::new(),
        }),
        7 | 8 => {
            let yes = rng.gen_range(1..10u128);
            let w = |n: u128| Dec::from_ratio(n, 10).unwrap().to_string();
            any(&pb::MsgVoteWeighted {
                proposal_id: id,
                voter: voter.to_string(),
                options: vec![
                    pb::WeightedVoteOption {
                        option: 1,
                        weight: w(yes),
                    },
                    pb::WeightedVoteOption {
                        option: 3,
                        weight: w(10 - yes),
                    },
                ],
                metadata: String::new(),
            })
        }
        _ => any(&pb::MsgCancelProposal {
            proposal_id: id,
            proposer: voter.to_string(),
        }),
    }
}

/// The id of the newest stored proposal (0 if none).
fn last_proposal_id(chain: &mut Chain) -> u64 {
    let newest = agora_proto::cosmos::base::query::v1beta1::PageRequest {
        reverse: true,
        limit: 1,
        ..Default::default()
    };
    let req = pb::QueryProposalsRequest {
        pagination: Some(newest),
        ..Default::default()
    };
    let res: pb::QueryProposalsResponse = chain.query_as("/cosmos.gov.v1.Query/Proposals", req);
    res.proposals.first().map_or(0, |p| p.id)
}

fn supply(chain: &mut Chain) -> u128 {
    let req = bank::QuerySupplyOfRequest {
        denom: "uagr".into(),
    };
    let res: bank::QuerySupplyOfResponse =
        chain.query_as("/cosmos.bank.v1beta1.Query/SupplyOf", req);
    res.amount.unwrap().amount.parse().unwrap()
}

fn amount(coins: &[Coin]) -> u128 {
    coins
        .iter()
        .map(|c| c.amount.parse::<u128>().unwrap())
        .sum()
}

/// Checks gov's invariants; returns the proposals' statuses.
fn check_invariants(chain: &mut Chain) -> Vec<i32> {
    let all: pb::QueryProposalsResponse = chain.query_as(
        "/cosmos.gov.v1.Query/Proposals",
        pb::QueryProposalsRequest {
            pagination: Some(Default::default()),
            ..Default::default()
        },
    );
    let mut escrowed = 0;
    for p in &all.proposals {
        let deposits: pb::QueryDepositsResponse = chain.query_as(
            "/cosmos.gov.v1.Query/Deposits",
            pb::QueryDepositsRequest {
                proposal_id: p.id,
                pagination: None,
            },
        );
        let held: u128 = deposits.deposits.iter().map(|d| amount(&d.amount)).sum();
        let votes: pb::QueryVotesResponse = chain.query_as(
            "/cosmos.gov.v1.Query/Votes",
            pb::QueryVotesRequest {
                proposal_id: p.id,
                pagination: None,
            },
        );
        let status = pb::ProposalStatus::try_from(p.status).unwrap();
        match status {
            pb::ProposalStatus::DepositPeriod | pb::ProposalStatus::VotingPeriod => {
                assert_eq!(held, amount(&p.total_deposit), "proposal {}", p.id);
                escrowed += held;
            }
            _ => {
                assert!(
                    deposits.deposits.is_empty(),
                    "ended proposal {} keeps deposits",
                    p.id
                );
                assert!(p.final_tally_result.is_some());
            }
        }
        if status != pb::ProposalStatus::VotingPeriod {
            assert!(
                votes.votes.is_empty(),
                "proposal {} ({status:?}) has votes",
                p.id
            );
        }
        assert_ne!(
            status,
            pb::ProposalStatus::Failed,
            "text proposals cannot fail"
        );
    }
    assert_eq!(
        chain.balance(&gov_authority()),
        escrowed,
        "the gov account holds the deposits"
    );
    all.proposals.iter().map(|p| p.status).collect()
}

#[test]
fn random_proposals_deposits_and_votes_keep_gov_invariants_on_two_stores() {
    let mut rng = StdRng::seed_from_u64(0x60F);
    let mut a = chain();
    let mut b = a.twin();
    let keys: Vec<Address> = a.keys.iter().map(|k| k.address.clone()).collect();
    let start_supply = supply(&mut a);
    let (mut accepted, mut refused) = (0, 0);
    let mut last_id = 0u64;
    for _ in 0..BLOCKS {
        let mut txs = Vec::new();
        let mut signers = std::collections::BTreeSet::new();
        for _ in 0..rng.gen_range(0..4) {
            let k = rng.gen_range(0..KEYS);
            if !signers.insert(k) {
                continue;
            }
            let msg = random_msg(&mut rng, &keys[k], last_id + 1);
            txs.push(a.signed(k, vec![msg]));
        }
        let ra = a.block(txs.clone());
        let rb = b.block(txs);
        assert_eq!(ra.app_hash, rb.app_hash);
        for r in &ra.tx_results {
            if r.code == 0 {
                accepted += 1;
            } else {
                refused += 1;
                assert!(
                    matches!(r.codespace.as_str(), "gov" | "sdk"),
                    "{}: {}",
                    r.codespace,
                    r.log
                );
            }
        }
        last_id = last_id.max(last_proposal_id(&mut a));
        check_invariants(&mut a);
    }
    let statuses = check_invariants(&mut a);
    let ended = statuses
        .iter()
        .filter(|s| **s >= pb::ProposalStatus::Passed as i32)
        .count();
    eprintln!(
        "{BLOCKS} blocks: {accepted} txs accepted, {refused} refused; {} proposals stored, {ended} ended; supply {start_supply} -> {}",
        statuses.len(),
        supply(&mut a)
    );
    assert!(
        accepted > 100 && refused > 10,
        "accepted {accepted}, refused {refused}"
    );
    assert!(ended > 5, "proposals ended: {ended} of {}", statuses.len());
    assert!(
        supply(&mut a) <= start_supply,
        "only burns change the supply here"
    );
}
