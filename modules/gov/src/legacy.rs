//! The gov v1beta1 surface that cosmjs, Keplr and older tools use, over the same proposals:
//! its Msgs decode into v1's (a v1beta1 proposal's content runs as `MsgExecLegacyContent`),
//! its queries answer v1's with the v1beta1 shapes (content, tally field names, weights and
//! tally params as `LegacyDec` atomics on the wire).

use agora_core::authority::gov_authority;
use agora_core::{decode_any, Address, Context, Dec, Error, Result, SdkCode};
use agora_proto::cosmos::gov::{v1, v1beta1 as pb};
use agora_proto::Any;
use prost::{Message, Name};

use crate::errors::GovCode;
use crate::msgs::{deposit_msg, execute_legacy_content, single, vote_msg, GovMsg};
use crate::proposals::{coins_of, Submission};
use crate::Keeper;

/// Type URL of v1beta1 `MsgSubmitProposal`.
pub const MSG_SUBMIT_PROPOSAL_TYPE_URL: &str = "/cosmos.gov.v1beta1.MsgSubmitProposal";
/// Type URL of v1beta1 `MsgDeposit`.
pub const MSG_DEPOSIT_TYPE_URL: &str = "/cosmos.gov.v1beta1.MsgDeposit";
/// Type URL of v1beta1 `MsgVote`.
pub const MSG_VOTE_TYPE_URL: &str = "/cosmos.gov.v1beta1.MsgVote";
/// Type URL of v1beta1 `MsgVoteWeighted`.
pub const MSG_VOTE_WEIGHTED_TYPE_URL: &str = "/cosmos.gov.v1beta1.MsgVoteWeighted";

/// Decodes a v1beta1 Msg into the v1 form gov executes, with its signer.
pub(crate) fn decode(msg: &Any) -> Result<(Address, GovMsg)> {
    Ok(match msg.type_url.as_str() {
        MSG_SUBMIT_PROPOSAL_TYPE_URL => {
            let m: pb::MsgSubmitProposal = decode_any(msg, &msg.type_url)?;
            let proposer = Address::from_bech32(&m.proposer)?;
            let content = m
                .content
                .ok_or_else(|| GovCode::InvalidProposalContent.err("missing content"))?;
            execute_legacy_content(&content)?;
            let text: pb::TextProposal = decode_any(&content, &content.type_url)?;
            if text.title.is_empty() {
                return Err(GovCode::InvalidProposalContent.err("proposal title cannot be blank"));
            }
            if text.description.is_empty() {
                return Err(
                    GovCode::InvalidProposalContent.err("proposal description cannot be blank")
                );
            }
            let exec = v1::MsgExecLegacyContent {
                content: Some(content),
                authority: gov_authority().to_string(),
            };
            let submission = Submission {
                messages: vec![Any {
                    type_url: v1::MsgExecLegacyContent::type_url(),
                    value: exec.encode_to_vec(),
                }],
                initial_deposit: coins_of(&m.initial_deposit)?,
                proposer: proposer.clone(),
                metadata: String::new(),
                title: text.title,
                summary: text.description,
                expedited: false,
            };
            let size = msg.value.len();
            (proposer, GovMsg::Submit { submission, size })
        }
        MSG_DEPOSIT_TYPE_URL => {
            let m: pb::MsgDeposit = decode_any(msg, &msg.type_url)?;
            deposit_msg(m.proposal_id, &m.depositor, &m.amount)?
        }
        MSG_VOTE_TYPE_URL => {
            let m: pb::MsgVote = decode_any(msg, &msg.type_url)?;
            vote_msg(m.proposal_id, &m.voter, &[single(m.option)], String::new())?
        }
        MSG_VOTE_WEIGHTED_TYPE_URL => {
            let m: pb::MsgVoteWeighted = decode_any(msg, &msg.type_url)?;
            // v1beta1 weights travel as LegacyDec atomics, v1's as decimals
            let mut options = Vec::with_capacity(m.options.len());
            for o in &m.options {
                let weight = Dec::from_atomics_str(&o.weight).map_err(|_| {
                    GovCode::InvalidVote.err(format!("invalid weight {:?}", o.weight))
                })?;
                options.push(v1::WeightedVoteOption {
                    option: o.option,
                    weight: weight.to_string(),
                });
            }
            vote_msg(m.proposal_id, &m.voter, &options, String::new())?
        }
        other => {
            return Err(Error::sdk(
                SdkCode::UnknownRequest,
                format!("unrecognized gov message type: {other}"),
            ))
        }
    })
}

pub(crate) const PROPOSAL_PATH: &str = "/cosmos.gov.v1beta1.Query/Proposal";
pub(crate) const PROPOSALS_PATH: &str = "/cosmos.gov.v1beta1.Query/Proposals";
pub(crate) const VOTE_PATH: &str = "/cosmos.gov.v1beta1.Query/Vote";
pub(crate) const VOTES_PATH: &str = "/cosmos.gov.v1beta1.Query/Votes";
pub(crate) const PARAMS_PATH: &str = "/cosmos.gov.v1beta1.Query/Params";
pub(crate) const DEPOSIT_PATH: &str = "/cosmos.gov.v1beta1.Query/Deposit";
pub(crate) const DEPOSITS_PATH: &str = "/cosmos.gov.v1beta1.Query/Deposits";
pub(crate) const TALLY_PATH: &str = "/cosmos.gov.v1beta1.Query/TallyResult";

/// The v1 query answering a v1beta1 one (their requests have the same fields).
fn v1_answer<M: Message + Default>(
    keeper: &Keeper,
    ctx: &mut Context,
    path: &str,
    data: &[u8],
) -> Result<M> {
    let v1_path = path.replace(".v1beta1.", ".v1.");
    let bytes = crate::queries::handle(keeper, ctx, &v1_path, data)?;
    M::decode(bytes.as_slice()).map_err(|e| Error::internal(format!("{v1_path}: {e}")))
}

/// A v1 proposal as v1beta1 shows it: its legacy content, or (as the SDK does for clients
/// that do not read v1) its first Msg.
fn proposal(p: v1::Proposal) -> pb::Proposal {
    let legacy = p.messages.iter().find_map(|m| {
        (m.type_url == v1::MsgExecLegacyContent::type_url())
            .then(|| v1::MsgExecLegacyContent::decode(m.value.as_slice()).ok())
            .flatten()
            .and_then(|m| m.content)
    });
    pb::Proposal {
        proposal_id: p.id,
        content: legacy.or_else(|| p.messages.first().cloned()),
        status: p.status,
        final_tally_result: p.final_tally_result.map(tally),
        submit_time: p.submit_time,
        deposit_end_time: p.deposit_end_time,
        total_deposit: p.total_deposit,
        voting_start_time: p.voting_start_time,
        voting_end_time: p.voting_end_time,
    }
}

fn tally(t: v1::TallyResult) -> pb::TallyResult {
    pb::TallyResult {
        yes: t.yes_count,
        abstain: t.abstain_count,
        no: t.no_count,
        no_with_veto: t.no_with_veto_count,
    }
}

fn vote(v: v1::Vote) -> pb::Vote {
    #[allow(deprecated)] // the single `option` is left unset, as the SDK converts votes
    pb::Vote {
        proposal_id: v.proposal_id,
        voter: v.voter,
        option: 0,
        options: v
            .options
            .into_iter()
            .map(|o| pb::WeightedVoteOption {
                option: o.option,
                weight: o
                    .weight
                    .parse::<Dec>()
                    .map(|w| w.to_atomics_string())
                    .unwrap_or_default(),
            })
            .collect(),
    }
}

fn deposit(d: v1::Deposit) -> pb::Deposit {
    pb::Deposit {
        proposal_id: d.proposal_id,
        depositor: d.depositor,
        amount: d.amount,
    }
}

/// Answers one v1beta1 query.
pub fn handle(keeper: &Keeper, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
    Ok(match path {
        PROPOSAL_PATH => {
            let r: v1::QueryProposalResponse = v1_answer(keeper, ctx, path, data)?;
            pb::QueryProposalResponse {
                proposal: r.proposal.map(proposal),
            }
            .encode_to_vec()
        }
        PROPOSALS_PATH => {
            let r: v1::QueryProposalsResponse = v1_answer(keeper, ctx, path, data)?;
            pb::QueryProposalsResponse {
                proposals: r.proposals.into_iter().map(proposal).collect(),
                pagination: r.pagination,
            }
            .encode_to_vec()
        }
        VOTE_PATH => {
            let r: v1::QueryVoteResponse = v1_answer(keeper, ctx, path, data)?;
            pb::QueryVoteResponse {
                vote: r.vote.map(vote),
            }
            .encode_to_vec()
        }
        VOTES_PATH => {
            let r: v1::QueryVotesResponse = v1_answer(keeper, ctx, path, data)?;
            pb::QueryVotesResponse {
                votes: r.votes.into_iter().map(vote).collect(),
                pagination: r.pagination,
            }
            .encode_to_vec()
        }
        DEPOSIT_PATH => {
            let r: v1::QueryDepositResponse = v1_answer(keeper, ctx, path, data)?;
            pb::QueryDepositResponse {
                deposit: r.deposit.map(deposit),
            }
            .encode_to_vec()
        }
        DEPOSITS_PATH => {
            let r: v1::QueryDepositsResponse = v1_answer(keeper, ctx, path, data)?;
            pb::QueryDepositsResponse {
                deposits: r.deposits.into_iter().map(deposit).collect(),
                pagination: r.pagination,
            }
            .encode_to_vec()
        }
        TALLY_PATH => {
            let r: v1::QueryTallyResultResponse = v1_answer(keeper, ctx, path, data)?;
            pb::QueryTallyResultResponse {
                tally: r.tally.map(tally),
            }
            .encode_to_vec()
        }
        PARAMS_PATH => {
            params(keeper, ctx, agora_core::decode_request(path, data)?)?.encode_to_vec()
        }
        other => {
            return Err(Error::sdk(
                SdkCode::UnknownRequest,
                format!("unknown query path {other}"),
            ))
        }
    })
}

/// The one params view v1beta1 asks for by `params_type`.
fn params(
    keeper: &Keeper,
    ctx: &mut Context,
    req: pb::QueryParamsRequest,
) -> Result<pb::QueryParamsResponse> {
    let p = keeper.params(ctx)?;
    let duration = |seconds: u64| {
        Some(agora_proto::tendermint::google::protobuf::Duration {
            seconds: seconds as i64,
            nanos: 0,
        })
    };
    let mut response = pb::QueryParamsResponse::default();
    match req.params_type.as_str() {
        "voting" => {
            response.voting_params = Some(pb::VotingParams {
                voting_period: duration(p.voting_period),
            })
        }
        "deposit" => {
            response.deposit_params = Some(pb::DepositParams {
                min_deposit: p.min_deposit.to_proto(),
                max_deposit_period: duration(p.max_deposit_period),
            })
        }
        "tallying" => {
            let bytes = |d: Dec| d.to_atomics_string().into_bytes();
            response.tally_params = Some(pb::TallyParams {
                quorum: bytes(p.quorum),
                threshold: bytes(p.threshold),
                veto_threshold: bytes(p.veto_threshold),
            })
        }
        other => {
            return Err(Error::sdk(
                SdkCode::InvalidRequest,
                format!("{other} is not a valid parameter type"),
            ))
        }
    }
    Ok(response)
}
