//! Governance through the whole app with real signed txs: a proposal passes and its Msg
//! changes bank's params; rejection, veto (deposits burned), no quorum, an expired deposit
//! period, expedited proposals passing early or falling back to a regular vote, weighted
//! votes, delegators overriding their validator's vote, cancellation, a passed proposal whose
//! Msg fails (FAILED, nothing changed), and the refusals, each with the SDK's code.

mod common;

use agora_app::testing::{bank_send, delegate};
use agora_core::authority::gov_authority;
use agora_core::Address;
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::cosmos::distribution::v1beta1 as dpb;
use agora_proto::cosmos::gov::{v1 as pb, v1beta1};
use agora_proto::Any;
use common::gov::*;
use common::{attr, Chain};
use pb::{ProposalStatus, VoteOption};
use prost::Message;

#[test]
fn a_passed_proposal_executes_its_msgs_with_the_gov_account() {
    let (mut chain, v1, v2) = chain();
    let proposer = chain.keys[2].address.clone();
    let before = chain.balance(&proposer);
    let id = submitted(&mut chain, vec![disable_sends()], 10 * AGR, false);
    assert_eq!(status(&mut chain, id), ProposalStatus::VotingPeriod);
    ok(&mut chain, 0, vec![vote(&v1, id, VoteOption::Yes)]);
    ok(&mut chain, 1, vec![vote(&v2, id, VoteOption::No)]);
    let res: pb::QueryTallyResultResponse = chain.query_as(
        "/cosmos.gov.v1.Query/TallyResult",
        pb::QueryTallyResultRequest { proposal_id: id },
    );
    let tally = res.tally.unwrap();
    assert_eq!(
        (tally.yes_count.as_str(), tally.no_count.as_str()),
        ("60000000", "40000000")
    );
    wait(&mut chain, VOTING_S);
    let p = proposal(&mut chain, id);
    assert_eq!(
        ProposalStatus::try_from(p.status).unwrap(),
        ProposalStatus::Passed,
        "{}",
        p.failed_reason
    );
    assert_eq!(p.final_tally_result.unwrap().yes_count, "60000000");
    // the deposit came back and sends are now disabled
    assert_eq!(chain.balance(&proposer), before - common::tx::FEE);
    let to = chain.keys[3].address.clone();
    refused(&mut chain, 2, vec![bank_send(&proposer, &to, 1)], "bank", 5);
}

#[test]
fn rejection_veto_no_quorum_and_an_expired_deposit_settle_deposits_as_params_say() {
    let (mut chain, v1, v2) = chain();
    let proposer = chain.keys[2].address.clone();
    // rejected: deposits refunded
    let rejected = submitted(&mut chain, vec![text()], 10 * AGR, false);
    ok(&mut chain, 0, vec![vote(&v1, rejected, VoteOption::No)]);
    // vetoed (40 % no_with_veto > 33.4 %): deposits burned
    let vetoed = submitted(&mut chain, vec![text()], 10 * AGR, false);
    ok(
        &mut chain,
        1,
        vec![vote(&v2, vetoed, VoteOption::NoWithVeto)],
    );
    ok(&mut chain, 0, vec![vote(&v1, vetoed, VoteOption::Yes)]);
    // nobody votes: no quorum, refunded (burn_vote_quorum is false)
    let unvoted = submitted(&mut chain, vec![text()], 10 * AGR, false);
    // 1 AGR of 10: stays in its deposit period, then is dropped and refunded
    let underfunded = submitted(&mut chain, vec![text()], AGR, false);
    assert_eq!(
        status(&mut chain, underfunded),
        ProposalStatus::DepositPeriod
    );
    let (balance, supply_before) = (chain.balance(&proposer), supply(&mut chain));
    wait(&mut chain, VOTING_S + 1);
    assert_eq!(status(&mut chain, rejected), ProposalStatus::Rejected);
    assert_eq!(status(&mut chain, vetoed), ProposalStatus::Rejected);
    assert_eq!(status(&mut chain, unvoted), ProposalStatus::Rejected);
    let res = chain
        .app
        .query(tendermint_proto::v0_38::abci::RequestQuery {
            path: "/cosmos.gov.v1.Query/Proposal".into(),
            data: pb::QueryProposalRequest {
                proposal_id: underfunded,
            }
            .encode_to_vec()
            .into(),
            ..Default::default()
        });
    assert_eq!(res.code, 22, "a dropped proposal is gone: {}", res.log);
    assert_eq!(
        chain.balance(&proposer),
        balance + 3 * 10 * AGR - 10 * AGR + AGR
    );
    assert_eq!(
        supply(&mut chain),
        supply_before - 10 * AGR,
        "the vetoed deposit was burned"
    );
}

#[test]
fn expedited_proposals_pass_early_or_become_regular() {
    let (mut chain, v1, v2) = chain();
    let passing = submitted(&mut chain, vec![text()], 50 * AGR, true);
    let failing = submitted(&mut chain, vec![text()], 50 * AGR, true);
    // 60 % yes passes a regular vote but not the expedited threshold of 66.7 %
    ok(
        &mut chain,
        0,
        vec![
            vote(&v1, passing, VoteOption::Yes),
            vote(&v1, failing, VoteOption::Yes),
        ],
    );
    ok(
        &mut chain,
        1,
        vec![
            vote(&v2, passing, VoteOption::Yes),
            vote(&v2, failing, VoteOption::No),
        ],
    );
    wait(&mut chain, EXPEDITED_S);
    assert_eq!(status(&mut chain, passing), ProposalStatus::Passed);
    let converted = proposal(&mut chain, failing);
    assert_eq!(
        ProposalStatus::try_from(converted.status).unwrap(),
        ProposalStatus::VotingPeriod
    );
    assert!(!converted.expedited);
    // the votes were counted and cleared: the voters vote again in the regular period
    let votes: pb::QueryVotesResponse = chain.query_as(
        "/cosmos.gov.v1.Query/Votes",
        pb::QueryVotesRequest {
            proposal_id: failing,
            pagination: None,
        },
    );
    assert!(votes.votes.is_empty());
    ok(&mut chain, 0, vec![vote(&v1, failing, VoteOption::Yes)]);
    ok(&mut chain, 1, vec![vote(&v2, failing, VoteOption::No)]);
    wait(&mut chain, VOTING_S);
    assert_eq!(status(&mut chain, failing), ProposalStatus::Passed);
}

#[test]
fn delegators_override_their_validators_vote_and_weights_split_power() {
    let (mut chain, v1, v2) = chain();
    let delegator = chain.keys[3].address.clone();
    ok(&mut chain, 3, vec![delegate(&delegator, &v1, 20 * AGR)]);
    let id = submitted(&mut chain, vec![text()], 10 * AGR, false);
    ok(&mut chain, 0, vec![vote(&v1, id, VoteOption::Yes)]);
    ok(&mut chain, 3, vec![vote(&delegator, id, VoteOption::No)]);
    ok(
        &mut chain,
        1,
        vec![weighted(
            &v2,
            id,
            &[(VoteOption::Yes, "0.5"), (VoteOption::Abstain, "0.5")],
        )],
    );
    let res: pb::QueryTallyResultResponse = chain.query_as(
        "/cosmos.gov.v1.Query/TallyResult",
        pb::QueryTallyResultRequest { proposal_id: id },
    );
    let t = res.tally.unwrap();
    let counts = [
        t.yes_count,
        t.no_count,
        t.abstain_count,
        t.no_with_veto_count,
    ];
    assert_eq!(
        counts,
        ["80000000", "20000000", "20000000", "0"].map(String::from)
    );
    wait(&mut chain, VOTING_S);
    // yes 80 of the 100 that did not abstain
    assert_eq!(status(&mut chain, id), ProposalStatus::Passed);
    let twin = chain.twin();
    assert_eq!(twin.app.store().app_hash(), chain.app.store().app_hash());
}

#[test]
fn a_failing_msg_fails_the_proposal_and_changes_nothing() {
    let (mut chain, v1, _) = chain();
    let spend = any(&dpb::MsgCommunityPoolSpend {
        authority: gov_authority().to_string(),
        recipient: chain.keys[4].address.to_string(),
        amount: coins(1_000 * AGR),
    });
    let id = submitted(&mut chain, vec![disable_sends(), spend], 10 * AGR, false);
    ok(&mut chain, 0, vec![vote(&v1, id, VoteOption::Yes)]);
    wait(&mut chain, VOTING_S);
    let p = proposal(&mut chain, id);
    assert_eq!(
        ProposalStatus::try_from(p.status).unwrap(),
        ProposalStatus::Failed
    );
    assert!(p.failed_reason.contains("msg 1"), "{}", p.failed_reason);
    // the first Msg's param change was rolled back with the second's failure
    let (from, to) = (chain.keys[2].address.clone(), chain.keys[3].address.clone());
    ok(&mut chain, 2, vec![bank_send(&from, &to, 1)]);
}

#[test]
fn the_proposer_cancels_and_pays_the_cancel_ratio() {
    let (mut chain, v1, _) = chain();
    let proposer = chain.keys[2].address.clone();
    let id = submitted(&mut chain, vec![text()], 10 * AGR, false);
    refused(
        &mut chain,
        0,
        vec![any(&pb::MsgCancelProposal {
            proposal_id: id,
            proposer: v1.to_string(),
        })],
        "gov",
        18,
    );
    let (balance, supply_before) = (chain.balance(&proposer), supply(&mut chain));
    ok(
        &mut chain,
        2,
        vec![any(&pb::MsgCancelProposal {
            proposal_id: id,
            proposer: proposer.to_string(),
        })],
    );
    assert_eq!(
        chain.balance(&proposer),
        balance + 5 * AGR - common::tx::FEE
    );
    assert_eq!(supply(&mut chain), supply_before - 5 * AGR);
    refused(
        &mut chain,
        0,
        vec![vote(&v1, id, VoteOption::Yes)],
        "gov",
        2,
    );
}

#[test]
fn bad_proposals_deposits_and_votes_get_the_sdks_errors() {
    let (mut chain, v1, _) = chain();
    let proposer = chain.keys[2].address.clone();
    let id = submitted(&mut chain, vec![text()], AGR, false);
    // votes: in the deposit period, weights not summing to one
    refused(
        &mut chain,
        0,
        vec![vote(&v1, id, VoteOption::Yes)],
        "gov",
        3,
    );
    let half = weighted(&v1, id, &[(VoteOption::Yes, "0.5")]);
    refused(&mut chain, 0, vec![half], "gov", 7);
    // deposits: another denom, too little, an unknown proposal
    let wrong = vec![Coin {
        denom: "uatom".into(),
        amount: "5".into(),
    }];
    refused(
        &mut chain,
        2,
        vec![deposit(&proposer, id, wrong)],
        "gov",
        23,
    );
    refused(
        &mut chain,
        2,
        vec![deposit(&proposer, id, coins(1))],
        "gov",
        16,
    );
    refused(
        &mut chain,
        2,
        vec![deposit(&proposer, 99, coins(AGR))],
        "gov",
        2,
    );
    // no coins at all, in either version
    refused(
        &mut chain,
        2,
        vec![deposit(&proposer, id, vec![])],
        "sdk",
        10,
    );
    let empty = any(&v1beta1::MsgDeposit {
        proposal_id: id,
        depositor: proposer.to_string(),
        amount: vec![],
    });
    refused(&mut chain, 2, vec![empty], "sdk", 10);
    // a Msg gov cannot sign, and one no module handles
    let send = bank_send(&proposer, &v1, 1);
    refused(
        &mut chain,
        2,
        vec![submit(&proposer, vec![send], AGR, false)],
        "gov",
        13,
    );
    let unknown = Any {
        type_url: "/cosmos.nothing.v1.MsgNothing".into(),
        value: vec![],
    };
    refused(
        &mut chain,
        2,
        vec![submit(&proposer, vec![unknown], AGR, false)],
        "gov",
        10,
    );
    let mut long =
        pb::MsgSubmitProposal::decode(submit(&proposer, vec![], AGR, false).value.as_slice())
            .unwrap();
    long.metadata = "x".repeat(256);
    refused(&mut chain, 2, vec![any(&long)], "gov", 15);
}

#[test]
fn the_v1beta1_surface_answers_for_the_same_proposals() {
    let (mut chain, v1, v2) = chain();
    let proposer = chain.keys[2].address.clone();
    let content = any(&v1beta1::TextProposal {
        title: "Signal".into(),
        description: "Legacy clients".into(),
    });
    let legacy_submit = any(&v1beta1::MsgSubmitProposal {
        content: Some(content.clone()),
        initial_deposit: coins(10 * AGR),
        proposer: proposer.to_string(),
    });
    let events = ok(&mut chain, 2, vec![legacy_submit]);
    let id: u64 = attr(&events, "submit_proposal", "proposal_id")
        .unwrap()
        .parse()
        .unwrap();
    // v1 sees the content wrapped in MsgExecLegacyContent, titled from it
    let p = proposal(&mut chain, id);
    assert_eq!(
        p.messages[0].type_url,
        "/cosmos.gov.v1.MsgExecLegacyContent"
    );
    assert_eq!(
        (p.title.as_str(), p.summary.as_str()),
        ("Signal", "Legacy clients")
    );
    // a v1beta1 weighted vote: weights are LegacyDec atomics on the wire
    let split = any(&v1beta1::MsgVoteWeighted {
        proposal_id: id,
        voter: v1.to_string(),
        options: vec![
            v1beta1::WeightedVoteOption {
                option: VoteOption::Yes as i32,
                weight: "750000000000000000".into(),
            },
            v1beta1::WeightedVoteOption {
                option: VoteOption::No as i32,
                weight: "250000000000000000".into(),
            },
        ],
    });
    ok(&mut chain, 0, vec![split]);
    ok(
        &mut chain,
        1,
        vec![any(&v1beta1::MsgVote {
            proposal_id: id,
            voter: v2.to_string(),
            option: VoteOption::Yes as i32,
        })],
    );
    let res: v1beta1::QueryProposalResponse = chain.query_as(
        "/cosmos.gov.v1beta1.Query/Proposal",
        v1beta1::QueryProposalRequest { proposal_id: id },
    );
    assert_eq!(res.proposal.unwrap().content.unwrap(), content);
    let res: v1beta1::QueryVoteResponse = chain.query_as(
        "/cosmos.gov.v1beta1.Query/Vote",
        v1beta1::QueryVoteRequest {
            proposal_id: id,
            voter: v1.to_string(),
        },
    );
    let weights: Vec<String> = res
        .vote
        .unwrap()
        .options
        .into_iter()
        .map(|o| o.weight)
        .collect();
    assert_eq!(weights, ["750000000000000000", "250000000000000000"]);
    let res: v1beta1::QueryTallyResultResponse = chain.query_as(
        "/cosmos.gov.v1beta1.Query/TallyResult",
        v1beta1::QueryTallyResultRequest { proposal_id: id },
    );
    let t = res.tally.unwrap();
    assert_eq!((t.yes.as_str(), t.no.as_str()), ("85000000", "15000000"));
    let res: v1beta1::QueryParamsResponse = chain.query_as(
        "/cosmos.gov.v1beta1.Query/Params",
        v1beta1::QueryParamsRequest {
            params_type: "tallying".into(),
        },
    );
    assert_eq!(
        res.tally_params.unwrap().quorum,
        b"334000000000000000".to_vec()
    );
    let res: v1beta1::QueryProposalsResponse = chain.query_as(
        "/cosmos.gov.v1beta1.Query/Proposals",
        v1beta1::QueryProposalsRequest {
            voter: v2.to_string(),
            ..Default::default()
        },
    );
    assert_eq!(res.proposals.len(), 1);
    wait(&mut chain, VOTING_S);
    assert_eq!(status(&mut chain, id), ProposalStatus::Passed);
}

#[test]
fn a_proposal_changes_the_block_gas_limit_and_spends_the_community_pool() {
    use agora_proto::cosmos_consensus::v1 as cpb;
    let (mut chain, _, _) = chain();
    let (funder, recipient) = (chain.keys[3].address.clone(), chain.keys[4].address.clone());
    let fund = any(&dpb::MsgFundCommunityPool {
        amount: coins(100 * AGR),
        depositor: funder.to_string(),
    });
    ok(&mut chain, 3, vec![fund]);
    let params: cpb::QueryParamsResponse = chain.query_as(
        "/cosmos.consensus.v1.Query/Params",
        cpb::QueryParamsRequest {},
    );
    let params = params.params.unwrap();
    let mut block = params.block.unwrap();
    block.max_gas = 1_000_000;
    let update = any(&cpb::MsgUpdateParams {
        authority: gov_authority().to_string(),
        block: Some(block),
        evidence: params.evidence,
        validator: params.validator,
        abci: params.abci,
    });
    let spend = any(&dpb::MsgCommunityPoolSpend {
        authority: gov_authority().to_string(),
        recipient: recipient.to_string(),
        amount: coins(60 * AGR),
    });
    let before = chain.balance(&recipient);
    let (_, p) = decided(&mut chain, vec![update, spend]);
    assert_eq!(
        p.status,
        ProposalStatus::Passed as i32,
        "{}",
        p.failed_reason
    );
    assert_eq!(chain.balance(&recipient), before + 60 * AGR);
    let pool: dpb::QueryCommunityPoolResponse = chain.query_as(
        "/cosmos.distribution.v1beta1.Query/CommunityPool",
        dpb::QueryCommunityPoolRequest {},
    );
    let uagr = pool.pool.iter().find(|c| c.denom == "uagr").unwrap();
    // 40 AGR of the funding stay, plus the community tax of the blocks' fees
    // (a DecCoin's amount travels as LegacyDec atomics: 10^18 per unit)
    let left = uagr.amount.parse::<u128>().unwrap() / 10u128.pow(18);
    assert!((40 * AGR..41 * AGR).contains(&left), "{left}");

    // Four txs of 400,000 gas each: a block now holds two of them.
    let txs: Vec<Vec<u8>> = (1..5)
        .map(|key| {
            let (from, to) = (
                chain.keys[key].address.clone(),
                chain.keys[0].address.clone(),
            );
            chain.signed(key, vec![bank_send(&from, &to, 1)])
        })
        .collect();
    let prepared =
        chain
            .app
            .prepare_proposal(tendermint_proto::v0_38::abci::RequestPrepareProposal {
                max_tx_bytes: 1_000_000,
                txs: txs.iter().cloned().map(Into::into).collect(),
                height: chain.height() as i64 + 1,
                ..Default::default()
            });
    assert_eq!(prepared.txs.len(), 2);
    assert_eq!(prepared.txs[1].as_ref(), txs[1].as_slice());
}

#[test]
fn cancellation_charges_go_to_the_community_pool_when_params_say_so() {
    let (mut chain, _, _) = chain();
    let distribution = Address::module(agora_distribution::DISTRIBUTION_MODULE);
    let params: pb::QueryParamsResponse = chain.query_as(
        "/cosmos.gov.v1.Query/Params",
        pb::QueryParamsRequest::default(),
    );
    let mut params = params.params.unwrap();
    params.proposal_cancel_dest = distribution.to_string();
    let update = any(&pb::MsgUpdateParams {
        authority: gov_authority().to_string(),
        params: Some(params),
    });
    let (_, p) = decided(&mut chain, vec![update]);
    assert_eq!(
        p.status,
        ProposalStatus::Passed as i32,
        "{}",
        p.failed_reason
    );

    let pool = |chain: &mut Chain| {
        let res: dpb::QueryCommunityPoolResponse = chain.query_as(
            "/cosmos.distribution.v1beta1.Query/CommunityPool",
            dpb::QueryCommunityPoolRequest {},
        );
        let uagr = res.pool.iter().find(|c| c.denom == "uagr");
        uagr.map_or(0, |c| c.amount.parse::<u128>().unwrap() / 10u128.pow(18))
    };
    let id = submitted(&mut chain, vec![text()], 10 * AGR, false);
    let (before, supply_before) = (pool(&mut chain), supply(&mut chain));
    let proposer = chain.keys[2].address.clone();
    let cancel = any(&pb::MsgCancelProposal {
        proposal_id: id,
        proposer: proposer.to_string(),
    });
    ok(&mut chain, 2, vec![cancel]);
    // half the 10 AGR deposit (the cancel ratio) funds the pool, besides the block's fee tax
    let gained = pool(&mut chain) - before;
    assert!((5 * AGR..5 * AGR + 1_000).contains(&gained), "{gained}");
    assert_eq!(supply(&mut chain), supply_before, "nothing is burned");
}

#[test]
fn an_export_with_open_deposits_reimports_only_if_the_gov_account_holds_them() {
    let (mut chain, _, _) = chain();
    submitted(&mut chain, vec![text()], 3 * AGR, false);
    let exported = chain.app.export_app_state().unwrap();
    let import = |state: &serde_json::Value| {
        let dir = tempfile::tempdir().unwrap();
        let mut app = agora_app::App::open(dir.path(), Default::default()).unwrap();
        app.init_chain(agora_app::testing::init_chain_request(
            common::CHAIN_ID,
            state,
        ))
        .map(|_| ())
    };
    import(&exported).unwrap();
    let mut tampered = exported.clone();
    tampered["gov"]["deposits"][0]["amount"][0]["amount"] = "2000000".into();
    let err = import(&tampered).unwrap_err();
    assert_eq!(
        (err.codespace.as_ref(), err.code),
        ("gov", 8),
        "{}",
        err.msg
    );
    assert!(
        err.msg
            .contains("holds 3000000uagr but the deposits total 2000000uagr"),
        "{}",
        err.msg
    );
}
