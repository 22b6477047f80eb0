//! `agorad query gov` subcommands: proposals, votes, deposits, tallies, params and the
//! constitution, printed as the SDK's JSON.

use agora_proto::cosmos::gov::v1 as pb;
use anyhow::{anyhow, Result};
use prost::{Message, Name};

use crate::client::args::{parse_address, NodeArg};
use crate::client::query::page::{self, PageArgs, PageJson};
use crate::client::rpc::{query_at, Rpc};
use crate::{output, Globals};

/// `agorad query gov` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum GovQuery {
    /// One proposal.
    Proposal {
        /// The proposal id.
        proposal_id: u64,
        #[command(flatten)]
        node: NodeArg,
    },
    /// Proposals, optionally only those of a status or with a given voter or depositor.
    Proposals {
        /// deposit_period, voting_period, passed, rejected or failed.
        #[arg(long)]
        status: Option<String>,
        /// Only proposals this address voted on.
        #[arg(long)]
        voter: Option<String>,
        /// Only proposals this address deposited on.
        #[arg(long)]
        depositor: Option<String>,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// One voter's vote on a proposal.
    Vote {
        /// The proposal id.
        proposal_id: u64,
        /// The voter's address.
        voter: String,
        #[command(flatten)]
        node: NodeArg,
    },
    /// The votes on a proposal (until its tally clears them).
    Votes {
        /// The proposal id.
        proposal_id: u64,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// One depositor's deposit on a proposal.
    Deposit {
        /// The proposal id.
        proposal_id: u64,
        /// The depositor's address.
        depositor: String,
        #[command(flatten)]
        node: NodeArg,
    },
    /// The deposits on a proposal.
    Deposits {
        /// The proposal id.
        proposal_id: u64,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// A proposal's tally: live during voting, final after.
    Tally {
        /// The proposal id.
        proposal_id: u64,
        #[command(flatten)]
        node: NodeArg,
    },
    /// The gov params.
    Params {
        #[command(flatten)]
        node: NodeArg,
    },
    /// The chain's constitution.
    Constitution {
        #[command(flatten)]
        node: NodeArg,
    },
}

/// A proposal status by its short name (`voting_period`) or the SDK's (`PROPOSAL_STATUS_...`).
fn parse_status(text: &str) -> Result<i32> {
    let name = text.trim().to_ascii_uppercase().replace('-', "_");
    let name = name
        .strip_prefix("PROPOSAL_STATUS_")
        .unwrap_or(&name)
        .to_string();
    pb::ProposalStatus::from_str_name(&format!("PROPOSAL_STATUS_{name}"))
        .map(|s| s as i32)
        .ok_or_else(|| {
            anyhow!("{text:?} is not a status: deposit_period, voting_period, passed, rejected or failed")
        })
}

/// Prints `{"<key>": [items], "pagination": ...}` as the SDK's JSON.
fn print_list<M: Message + Name>(
    key: &str,
    items: &[M],
    pagination: PageJson,
    json: bool,
) -> Result<()> {
    let items = items
        .iter()
        .map(output::message_json)
        .collect::<Result<Vec<_>>>()?;
    let value = serde_json::json!({ key: items, "pagination": pagination });
    output::print(&value, json)
}

impl GovQuery {
    /// Runs the query and prints the answer.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let json = globals.json;
        let path = |m: &str| format!("/cosmos.gov.v1.Query/{m}");
        match self {
            GovQuery::Proposal { proposal_id, node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let res: pb::QueryProposalResponse = query_at(
                    &rpc,
                    &path("Proposal"),
                    pb::QueryProposalRequest { proposal_id },
                )?;
                let proposal = res
                    .proposal
                    .ok_or_else(|| anyhow!("the node answered no proposal"))?;
                output::print_message(&proposal, json)
            }
            GovQuery::Proposals {
                status,
                voter,
                depositor,
                page,
                node,
            } => {
                let proposal_status = status
                    .as_deref()
                    .map(parse_status)
                    .transpose()?
                    .unwrap_or(0);
                let voter = voter.as_deref().map(parse_address).transpose()?;
                let depositor = depositor.as_deref().map(parse_address).transpose()?;
                let rpc = Rpc::new(&node.url(globals))?;
                let (proposals, pagination) = page::fetch(&page, |pagination| {
                    let req = pb::QueryProposalsRequest {
                        proposal_status,
                        voter: voter.as_ref().map(|a| a.to_string()).unwrap_or_default(),
                        depositor: depositor
                            .as_ref()
                            .map(|a| a.to_string())
                            .unwrap_or_default(),
                        pagination: Some(pagination),
                    };
                    let res: pb::QueryProposalsResponse = query_at(&rpc, &path("Proposals"), req)?;
                    Ok((res.proposals, res.pagination))
                })?;
                print_list("proposals", &proposals, pagination, json)
            }
            GovQuery::Vote {
                proposal_id,
                voter,
                node,
            } => {
                let voter = parse_address(&voter)?.to_string();
                let rpc = Rpc::new(&node.url(globals))?;
                let res: pb::QueryVoteResponse = query_at(
                    &rpc,
                    &path("Vote"),
                    pb::QueryVoteRequest { proposal_id, voter },
                )?;
                let vote = res
                    .vote
                    .ok_or_else(|| anyhow!("the node answered no vote"))?;
                output::print_message(&vote, json)
            }
            GovQuery::Votes {
                proposal_id,
                page,
                node,
            } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let (votes, pagination) = page::fetch(&page, |pagination| {
                    let req = pb::QueryVotesRequest {
                        proposal_id,
                        pagination: Some(pagination),
                    };
                    let res: pb::QueryVotesResponse = query_at(&rpc, &path("Votes"), req)?;
                    Ok((res.votes, res.pagination))
                })?;
                print_list("votes", &votes, pagination, json)
            }
            GovQuery::Deposit {
                proposal_id,
                depositor,
                node,
            } => {
                let depositor = parse_address(&depositor)?.to_string();
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryDepositRequest {
                    proposal_id,
                    depositor,
                };
                let res: pb::QueryDepositResponse = query_at(&rpc, &path("Deposit"), req)?;
                let deposit = res
                    .deposit
                    .ok_or_else(|| anyhow!("the node answered no deposit"))?;
                output::print_message(&deposit, json)
            }
            GovQuery::Deposits {
                proposal_id,
                page,
                node,
            } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let (deposits, pagination) = page::fetch(&page, |pagination| {
                    let req = pb::QueryDepositsRequest {
                        proposal_id,
                        pagination: Some(pagination),
                    };
                    let res: pb::QueryDepositsResponse = query_at(&rpc, &path("Deposits"), req)?;
                    Ok((res.deposits, res.pagination))
                })?;
                print_list("deposits", &deposits, pagination, json)
            }
            GovQuery::Tally { proposal_id, node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryTallyResultRequest { proposal_id };
                let res: pb::QueryTallyResultResponse = query_at(&rpc, &path("TallyResult"), req)?;
                let tally = res
                    .tally
                    .ok_or_else(|| anyhow!("the node answered no tally"))?;
                output::print_message(&tally, json)
            }
            GovQuery::Params { node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryParamsRequest::default();
                let res: pb::QueryParamsResponse = query_at(&rpc, &path("Params"), req)?;
                let params = res
                    .params
                    .ok_or_else(|| anyhow!("the node answered no params"))?;
                output::print_message(&params, json)
            }
            GovQuery::Constitution { node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryConstitutionRequest {};
                let res: pb::QueryConstitutionResponse =
                    query_at(&rpc, &path("Constitution"), req)?;
                output::print_message(&res, json)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_by_short_or_sdk_names() {
        assert_eq!(parse_status("voting_period").unwrap(), 2);
        assert_eq!(parse_status("PROPOSAL_STATUS_PASSED").unwrap(), 3);
        assert!(parse_status("open").is_err());
    }
}
