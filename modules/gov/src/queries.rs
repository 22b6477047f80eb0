//! `/cosmos.gov.v1.Query/...`: Constitution, Proposal, Proposals, Vote, Votes, Params,
//! Deposit, Deposits and TallyResult (live while a proposal is in its voting period).

use agora_core::pagination::{paginate, paginate_filtered};
use agora_core::{decode_request, Address, Context, Error, Result, SdkCode};
use agora_proto::cosmos::gov::v1::{self as pb, ProposalStatus};
use cosmwasm_std::Binary;
use prost::Message;

use crate::legacy;
use crate::state::{DEPOSITS, PROPOSALS, VOTES};
use crate::tally::TallyCounts;
use crate::Keeper;

const CONSTITUTION_PATH: &str = "/cosmos.gov.v1.Query/Constitution";
const PROPOSAL_PATH: &str = "/cosmos.gov.v1.Query/Proposal";
const PROPOSALS_PATH: &str = "/cosmos.gov.v1.Query/Proposals";
const VOTE_PATH: &str = "/cosmos.gov.v1.Query/Vote";
const VOTES_PATH: &str = "/cosmos.gov.v1.Query/Votes";
const PARAMS_PATH: &str = "/cosmos.gov.v1.Query/Params";
const DEPOSIT_PATH: &str = "/cosmos.gov.v1.Query/Deposit";
const DEPOSITS_PATH: &str = "/cosmos.gov.v1.Query/Deposits";
const TALLY_PATH: &str = "/cosmos.gov.v1.Query/TallyResult";

/// The query paths gov serves: v1's, and v1beta1's ([`crate::legacy`]).
pub const PATHS: &[&str] = &[
    CONSTITUTION_PATH,
    PROPOSAL_PATH,
    PROPOSALS_PATH,
    VOTE_PATH,
    VOTES_PATH,
    PARAMS_PATH,
    DEPOSIT_PATH,
    DEPOSITS_PATH,
    TALLY_PATH,
    legacy::PROPOSAL_PATH,
    legacy::PROPOSALS_PATH,
    legacy::VOTE_PATH,
    legacy::VOTES_PATH,
    legacy::PARAMS_PATH,
    legacy::DEPOSIT_PATH,
    legacy::DEPOSITS_PATH,
    legacy::TALLY_PATH,
];

fn invalid(detail: impl Into<String>) -> Error {
    Error::sdk(SdkCode::InvalidRequest, detail.into())
}

fn decoded<M: Message + Default>(bytes: Binary) -> Result<M> {
    M::decode(bytes.as_slice()).map_err(|e| Error::internal(format!("stored gov record: {e}")))
}

fn proposal_id(id: u64) -> Result<u64> {
    if id == 0 {
        return Err(invalid("proposal id can not be 0"));
    }
    Ok(id)
}

/// Answers one query.
pub fn handle(keeper: &Keeper, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
    Ok(match path {
        CONSTITUTION_PATH => {
            decode_request::<pb::QueryConstitutionRequest>(path, data)?;
            pb::QueryConstitutionResponse {
                constitution: keeper.constitution(ctx)?,
            }
            .encode_to_vec()
        }
        PROPOSAL_PATH => {
            let req: pb::QueryProposalRequest = decode_request(path, data)?;
            let id = proposal_id(req.proposal_id)?;
            let proposal = keeper.proposal(ctx, id)?.ok_or_else(|| {
                Error::not_found(format!("proposal {id} doesn't exist; proposal"))
            })?;
            pb::QueryProposalResponse {
                proposal: Some(proposal),
            }
            .encode_to_vec()
        }
        PROPOSALS_PATH => proposals(keeper, ctx, decode_request(path, data)?)?.encode_to_vec(),
        VOTE_PATH => {
            let req: pb::QueryVoteRequest = decode_request(path, data)?;
            let id = proposal_id(req.proposal_id)?;
            if req.voter.is_empty() {
                return Err(invalid("empty voter address"));
            }
            let voter = Address::from_bech32(&req.voter)?;
            let vote = keeper.vote(ctx, id, &voter)?.ok_or_else(|| {
                Error::not_found(format!(
                    "voter: {} not found for proposal: {id}; vote",
                    req.voter
                ))
            })?;
            pb::QueryVoteResponse { vote: Some(vote) }.encode_to_vec()
        }
        VOTES_PATH => {
            let req: pb::QueryVotesRequest = decode_request(path, data)?;
            let id = proposal_id(req.proposal_id)?;
            let kv = ctx.kv(&keeper.key);
            let (votes, pagination) =
                paginate(&kv, &VOTES.prefix(id), req.pagination.as_ref(), |_, b| {
                    decoded(b)
                })?;
            pb::QueryVotesResponse {
                votes,
                pagination: Some(pagination),
            }
            .encode_to_vec()
        }
        PARAMS_PATH => {
            let req: pb::QueryParamsRequest = decode_request(path, data)?;
            let params = keeper.params(ctx)?.to_proto();
            let mut response = pb::QueryParamsResponse {
                params: Some(params.clone()),
                ..Default::default()
            };
            // the deprecated per-type views, as the SDK still fills them
            #[allow(deprecated)]
            match req.params_type.as_str() {
                "deposit" => {
                    response.deposit_params = Some(pb::DepositParams {
                        min_deposit: params.min_deposit,
                        max_deposit_period: params.max_deposit_period,
                    })
                }
                "voting" => {
                    response.voting_params = Some(pb::VotingParams {
                        voting_period: params.voting_period,
                    })
                }
                "tallying" => {
                    response.tally_params = Some(pb::TallyParams {
                        quorum: params.quorum,
                        threshold: params.threshold,
                        veto_threshold: params.veto_threshold,
                    })
                }
                "" => {}
                other => return Err(invalid(format!("unknown params type: {other}"))),
            }
            response.encode_to_vec()
        }
        DEPOSIT_PATH => {
            let req: pb::QueryDepositRequest = decode_request(path, data)?;
            let id = proposal_id(req.proposal_id)?;
            if req.depositor.is_empty() {
                return Err(invalid("empty depositor address"));
            }
            let depositor = Address::from_bech32(&req.depositor)?;
            let deposit = keeper.deposit(ctx, id, &depositor)?.ok_or_else(|| {
                Error::not_found(format!(
                    "depositer: {} not found for proposal: {id}; deposit",
                    req.depositor
                ))
            })?;
            pb::QueryDepositResponse {
                deposit: Some(deposit),
            }
            .encode_to_vec()
        }
        DEPOSITS_PATH => {
            let req: pb::QueryDepositsRequest = decode_request(path, data)?;
            let id = proposal_id(req.proposal_id)?;
            let kv = ctx.kv(&keeper.key);
            let (deposits, pagination) = paginate(
                &kv,
                &DEPOSITS.prefix(id),
                req.pagination.as_ref(),
                |_, b| decoded(b),
            )?;
            pb::QueryDepositsResponse {
                deposits,
                pagination: Some(pagination),
            }
            .encode_to_vec()
        }
        TALLY_PATH => {
            let req: pb::QueryTallyResultRequest = decode_request(path, data)?;
            let id = proposal_id(req.proposal_id)?;
            let proposal = keeper.proposal(ctx, id)?.ok_or_else(|| {
                Error::not_found(format!("proposal {id} doesn't exist; proposal"))
            })?;
            let tally = match ProposalStatus::try_from(proposal.status) {
                Ok(ProposalStatus::DepositPeriod) => TallyCounts::default().to_proto(),
                Ok(ProposalStatus::VotingPeriod) => keeper.tally(ctx, &proposal)?.counts.to_proto(),
                _ => proposal.final_tally_result.unwrap_or_default(),
            };
            pb::QueryTallyResultResponse { tally: Some(tally) }.encode_to_vec()
        }
        other => {
            return Err(Error::sdk(
                SdkCode::UnknownRequest,
                format!("unknown query path {other}"),
            ))
        }
    })
}

/// Proposals by id, filtered by status, voter and depositor as the request asks (offset,
/// limit and total count the proposals kept, as the SDK's filtered pagination).
fn proposals(
    keeper: &Keeper,
    ctx: &mut Context,
    req: pb::QueryProposalsRequest,
) -> Result<pb::QueryProposalsResponse> {
    let voter = (!req.voter.is_empty())
        .then(|| Address::from_bech32(&req.voter))
        .transpose()?;
    let depositor = (!req.depositor.is_empty())
        .then(|| Address::from_bech32(&req.depositor))
        .transpose()?;
    let kv = ctx.kv(&keeper.key);
    let keep = |_: &[u8], b: Binary| {
        let p: pb::Proposal = decoded(b)?;
        if req.proposal_status != 0 && p.status != req.proposal_status {
            return Ok(None);
        }
        if let Some(voter) = &voter {
            if !VOTES.has(&kv, (p.id, voter.as_bytes())) {
                return Ok(None);
            }
        }
        if let Some(depositor) = &depositor {
            if !DEPOSITS.has(&kv, (p.id, depositor.as_bytes())) {
                return Ok(None);
            }
        }
        Ok(Some(p))
    };
    let (proposals, pagination) =
        paginate_filtered(&kv, &PROPOSALS.prefix(()), req.pagination.as_ref(), keep)?;
    Ok(pb::QueryProposalsResponse {
        proposals,
        pagination: Some(pagination),
    })
}
