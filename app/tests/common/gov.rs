//! Governance helpers shared by the gov and upgrade tests: a chain with two validators and
//! short gov periods, Msg builders, and proposals submitted, voted and waited for.

use agora_app::testing::create_validator;
use agora_core::authority::gov_authority;
use agora_core::{Address, Dec};
use agora_gov::Params;
use agora_proto::cosmos::bank::v1beta1 as bank;
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::cosmos::gov::{v1 as pb, v1beta1};
use agora_proto::Any;
use pb::{ProposalStatus, VoteOption};
use prost::Name;

use super::{attr, Chain};

pub const AGR: u128 = 1_000_000;
/// Voting lasts 10 blocks (1 s each), expedited voting 4, deposits may wait 6.
pub const VOTING_S: u64 = 10;
pub const EXPEDITED_S: u64 = 4;
pub const DEPOSIT_S: u64 = 6;

pub fn any<M: Name>(msg: &M) -> Any {
    Any {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

pub fn coins(amount: u128) -> Vec<Coin> {
    vec![Coin {
        denom: "uagr".into(),
        amount: amount.to_string(),
    }]
}

/// A chain of `keys` funded keys whose gov periods are `voting`, `expedited` and `deposit`
/// blocks (1 s each) long, with keys 0 and 1 running validators of 60 and 40 AGR.
pub fn with_validators(keys: usize, voting: u64, expedited: u64, deposit: u64) -> Chain {
    let params = Params {
        voting_period: voting,
        expedited_voting_period: expedited,
        max_deposit_period: deposit,
        ..Params::default()
    };
    let mut chain = Chain::with_init(keys, Default::default(), |req| {
        let mut state: serde_json::Value = serde_json::from_slice(&req.app_state_bytes).unwrap();
        state["gov"] = serde_json::json!({
            "starting_proposal_id": "1",
            "params": serde_json::to_value(&params).unwrap(),
        });
        req.app_state_bytes = serde_json::to_vec(&state).unwrap().into();
    });
    chain.block(vec![]);
    let keys = chain.keys.clone();
    let rate = Dec::from_ratio(1, 10).unwrap();
    for (key, (consensus, stake)) in [([1u8; 32], 60 * AGR), ([2u8; 32], 40 * AGR)]
        .into_iter()
        .enumerate()
    {
        let operator = &keys[key].address;
        let res = chain.tx(
            key,
            vec![create_validator(operator, &consensus, stake, rate)],
        );
        assert_eq!(res.code, 0, "{}", res.log);
    }
    chain
}

/// A chain of 5 funded keys with the periods of [`VOTING_S`], [`EXPEDITED_S`] and
/// [`DEPOSIT_S`]; key 0 runs a validator with 60 AGR and key 1 one with 40 AGR (returned).
pub fn chain() -> (Chain, Address, Address) {
    let chain = with_validators(5, VOTING_S, EXPEDITED_S, DEPOSIT_S);
    let (v1, v2) = (chain.keys[0].address.clone(), chain.keys[1].address.clone());
    (chain, v1, v2)
}

pub fn submit(proposer: &Address, messages: Vec<Any>, deposit: u128, expedited: bool) -> Any {
    any(&pb::MsgSubmitProposal {
        messages,
        initial_deposit: coins(deposit),
        proposer: proposer.to_string(),
        metadata: "ipfs://proposal".into(),
        title: "A proposal".into(),
        summary: "What it does".into(),
        expedited,
    })
}

pub fn text() -> Any {
    let content = v1beta1::TextProposal {
        title: "Signal".into(),
        description: "No effect".into(),
    };
    any(&pb::MsgExecLegacyContent {
        content: Some(any(&content)),
        authority: gov_authority().to_string(),
    })
}

#[allow(deprecated)] // bank's Params still carries the deprecated send_enabled list
pub fn disable_sends() -> Any {
    any(&bank::MsgUpdateParams {
        authority: gov_authority().to_string(),
        params: Some(bank::Params {
            send_enabled: vec![],
            default_send_enabled: false,
        }),
    })
}

pub fn vote(voter: &Address, id: u64, option: VoteOption) -> Any {
    any(&pb::MsgVote {
        proposal_id: id,
        voter: voter.to_string(),
        option: option as i32,
        metadata: String::new(),
    })
}

pub fn weighted(voter: &Address, id: u64, options: &[(VoteOption, &str)]) -> Any {
    let options = options
        .iter()
        .map(|(option, weight)| pb::WeightedVoteOption {
            option: *option as i32,
            weight: weight.to_string(),
        })
        .collect();
    any(&pb::MsgVoteWeighted {
        proposal_id: id,
        voter: voter.to_string(),
        options,
        metadata: String::new(),
    })
}

pub fn deposit(depositor: &Address, id: u64, amount: Vec<Coin>) -> Any {
    any(&pb::MsgDeposit {
        proposal_id: id,
        depositor: depositor.to_string(),
        amount,
    })
}

pub fn proposal(chain: &mut Chain, id: u64) -> pb::Proposal {
    let res: pb::QueryProposalResponse = chain.query_as(
        "/cosmos.gov.v1.Query/Proposal",
        pb::QueryProposalRequest { proposal_id: id },
    );
    res.proposal.unwrap()
}

pub fn status(chain: &mut Chain, id: u64) -> ProposalStatus {
    ProposalStatus::try_from(proposal(chain, id).status).unwrap()
}

pub fn supply(chain: &mut Chain) -> u128 {
    let req = bank::QuerySupplyOfRequest {
        denom: "uagr".into(),
    };
    let res: bank::QuerySupplyOfResponse =
        chain.query_as("/cosmos.bank.v1beta1.Query/SupplyOf", req);
    res.amount.unwrap().amount.parse().unwrap()
}

/// Runs a tx that must succeed; returns its events.
pub fn ok(
    chain: &mut Chain,
    key: usize,
    msgs: Vec<Any>,
) -> Vec<tendermint_proto::v0_38::abci::Event> {
    let res = chain.tx(key, msgs);
    assert_eq!(res.code, 0, "{}", res.log);
    res.events
}

/// Runs a tx that must fail with `codespace/code`; returns its log.
pub fn refused(
    chain: &mut Chain,
    key: usize,
    msgs: Vec<Any>,
    codespace: &str,
    code: u32,
) -> String {
    let res = chain.tx(key, msgs);
    assert_eq!(
        (res.codespace.as_str(), res.code),
        (codespace, code),
        "{}",
        res.log
    );
    res.log
}

/// Submits a proposal from key 2 with `deposit`; returns its id.
pub fn submitted(chain: &mut Chain, messages: Vec<Any>, deposit: u128, expedited: bool) -> u64 {
    let proposer = chain.keys[2].address.clone();
    let events = ok(
        chain,
        2,
        vec![submit(&proposer, messages, deposit, expedited)],
    );
    attr(&events, "submit_proposal", "proposal_id")
        .unwrap()
        .parse()
        .unwrap()
}

/// Produces empty blocks until `seconds` of block time have passed.
pub fn wait(chain: &mut Chain, seconds: u64) {
    for _ in 0..seconds {
        chain.block(vec![]);
    }
}

/// Submits `messages` as a proposal, votes yes with the 60 % validator (key 0) and waits out
/// the voting period; returns the proposal's id and its final status.
pub fn decided(chain: &mut Chain, messages: Vec<Any>) -> (u64, pb::Proposal) {
    let id = submitted(chain, messages, 10 * AGR, false);
    let voter = chain.keys[0].address.clone();
    ok(chain, 0, vec![vote(&voter, id, VoteOption::Yes)]);
    wait(chain, VOTING_S);
    (id, proposal(chain, id))
}
