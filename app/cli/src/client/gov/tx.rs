//! `agorad tx gov` subcommands: submit proposals (a file of Msgs, or legacy text), deposit,
//! vote (plain or weighted) and cancel.

use std::path::PathBuf;

use agora_core::{Address, Coins};
use agora_proto::cosmos::gov::{v1 as pb, v1beta1};
use agora_proto::Any;
use anyhow::{anyhow, Context as _, Result};
use prost::Name;
use serde::Deserialize;

use crate::client::args::parse_coins;
use crate::client::tx::{checked, TxFlags};
use crate::Globals;

/// `agorad tx gov` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum GovTx {
    /// Submits a proposal from a JSON file: `{"messages": [{"@type": ..., ...}], "metadata",
    /// "deposit": "10000000uagr", "title", "summary", "expedited"}` (the SDK v0.50 file).
    SubmitProposal {
        /// The proposal file.
        file: PathBuf,
        /// The proposer's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Submits a legacy (v1beta1) proposal; only `--type text` has content Agora executes.
    SubmitLegacyProposal {
        /// The proposal type.
        #[arg(long = "type", value_parser = ["text", "Text"])]
        kind: String,
        /// Its title.
        #[arg(long)]
        title: String,
        /// Its description.
        #[arg(long)]
        description: String,
        /// The initial deposit, e.g. `10000000uagr`.
        #[arg(long, default_value = "")]
        deposit: String,
        /// The proposer's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Deposits on a proposal in its deposit or voting period.
    Deposit {
        /// The proposal id.
        proposal_id: u64,
        /// The deposit, e.g. `10000000uagr`.
        deposit: String,
        /// The depositor's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Votes on a proposal in its voting period: yes, no, abstain or no_with_veto.
    Vote {
        /// The proposal id.
        proposal_id: u64,
        /// The option.
        option: String,
        /// Metadata of the vote.
        #[arg(long, default_value = "")]
        metadata: String,
        /// The voter's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Votes with weighted options summing to 1, e.g. `yes=0.6,no=0.4`.
    WeightedVote {
        /// The proposal id.
        proposal_id: u64,
        /// The options and weights.
        options: String,
        /// Metadata of the vote.
        #[arg(long, default_value = "")]
        metadata: String,
        /// The voter's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Cancels the signer's proposal before its voting ends (the cancel ratio of the
    /// deposits is burned).
    CancelProposal {
        /// The proposal id.
        proposal_id: u64,
        /// The proposer's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
}

/// The proposal flags of a module command that submits its Msg as a proposal (`tx upgrade
/// software-upgrade`), as the SDK's `AddGovPropFlagsToCmd`.
#[derive(Debug, clap::Args)]
pub struct ProposalFlags {
    /// The proposal's title.
    #[arg(long)]
    pub title: String,
    /// The proposal's summary.
    #[arg(long, default_value = "")]
    pub summary: String,
    /// The initial deposit, e.g. `10000000uagr`.
    #[arg(long, default_value = "")]
    pub deposit: String,
    /// The proposal's metadata (e.g. a link to a JSON document).
    #[arg(long, default_value = "")]
    pub metadata: String,
    /// An expedited proposal: a shorter vote with a higher threshold.
    #[arg(long)]
    pub expedited: bool,
}

impl ProposalFlags {
    /// The `MsgSubmitProposal` of `proposer` carrying `messages`, checked as the chain checks it.
    pub fn submit(&self, proposer: &Address, messages: Vec<Any>) -> Result<Vec<Any>> {
        let deposit = coins(&self.deposit).context("--deposit")?;
        checked(vec![any(&pb::MsgSubmitProposal {
            messages,
            initial_deposit: deposit.to_proto(),
            proposer: proposer.to_string(),
            metadata: self.metadata.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            expedited: self.expedited,
        })])
    }
}

/// A proposal file (`tx gov submit-proposal`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProposalFile {
    #[serde(default)]
    messages: Vec<serde_json::Value>,
    #[serde(default)]
    metadata: String,
    #[serde(default)]
    deposit: String,
    title: String,
    summary: String,
    #[serde(default)]
    expedited: bool,
}

/// `msg` in an `Any` under its type URL.
pub fn any<M: Name>(msg: &M) -> Any {
    Any {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

fn coins(text: &str) -> Result<Coins> {
    if text.trim().is_empty() {
        return Ok(Coins::empty());
    }
    parse_coins(text)
}

/// A vote option by gaiad's names (`yes`, `no`, `abstain`, `no_with_veto`, any case).
pub fn parse_option(text: &str) -> Result<pb::VoteOption> {
    let name = text.trim().to_ascii_uppercase().replace('-', "_");
    let name = name
        .strip_prefix("VOTE_OPTION_")
        .unwrap_or(&name)
        .to_string();
    pb::VoteOption::from_str_name(&format!("VOTE_OPTION_{name}"))
        .filter(|o| *o != pb::VoteOption::Unspecified)
        .ok_or_else(|| anyhow!("{text:?} is not a vote option: yes, no, abstain or no_with_veto"))
}

/// Weighted options `yes=0.6,no=0.4`.
fn parse_weighted(text: &str) -> Result<Vec<pb::WeightedVoteOption>> {
    text.split(',')
        .map(|part| {
            let (option, weight) = part
                .split_once('=')
                .ok_or_else(|| anyhow!("{part:?} is not option=weight, e.g. yes=0.6"))?;
            let weight: agora_core::Dec = weight
                .trim()
                .parse()
                .map_err(|_| anyhow!("{weight:?} is not a weight like 0.6"))?;
            Ok(pb::WeightedVoteOption {
                option: parse_option(option)? as i32,
                weight: weight.to_string(),
            })
        })
        .collect()
}

impl GovTx {
    /// Builds the Msg, then prints it unsigned or signs and broadcasts it.
    pub fn run(self, globals: &Globals) -> Result<()> {
        match self {
            GovTx::SubmitProposal { file, from, tx } => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let p: ProposalFile = serde_json::from_str(&text)
                    .with_context(|| format!("{} is not a proposal file", file.display()))?;
                let messages = p
                    .messages
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        agora_proto::json::any_from_json(m)
                            .map_err(|e| anyhow!("{}: messages[{i}]: {e}", file.display()))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let deposit = coins(&p.deposit).context("deposit")?;
                tx.run(&from, globals, |proposer| {
                    checked(vec![any(&pb::MsgSubmitProposal {
                        messages: messages.clone(),
                        initial_deposit: deposit.to_proto(),
                        proposer: proposer.to_string(),
                        metadata: p.metadata.clone(),
                        title: p.title.clone(),
                        summary: p.summary.clone(),
                        expedited: p.expedited,
                    })])
                })
            }
            GovTx::SubmitLegacyProposal {
                kind: _,
                title,
                description,
                deposit,
                from,
                tx,
            } => {
                let deposit = coins(&deposit).context("--deposit")?;
                let content = any(&v1beta1::TextProposal { title, description });
                tx.run(&from, globals, |proposer| {
                    checked(vec![any(&v1beta1::MsgSubmitProposal {
                        content: Some(content.clone()),
                        initial_deposit: deposit.to_proto(),
                        proposer: proposer.to_string(),
                    })])
                })
            }
            GovTx::Deposit {
                proposal_id,
                deposit,
                from,
                tx,
            } => {
                let amount = parse_coins(&deposit)?;
                tx.run(&from, globals, |depositor| {
                    checked(vec![any(&pb::MsgDeposit {
                        proposal_id,
                        depositor: depositor.to_string(),
                        amount: amount.to_proto(),
                    })])
                })
            }
            GovTx::Vote {
                proposal_id,
                option,
                metadata,
                from,
                tx,
            } => {
                let option = parse_option(&option)?;
                tx.run(&from, globals, |voter| {
                    checked(vec![any(&pb::MsgVote {
                        proposal_id,
                        voter: voter.to_string(),
                        option: option as i32,
                        metadata: metadata.clone(),
                    })])
                })
            }
            GovTx::WeightedVote {
                proposal_id,
                options,
                metadata,
                from,
                tx,
            } => {
                let options = parse_weighted(&options)?;
                tx.run(&from, globals, |voter| {
                    checked(vec![any(&pb::MsgVoteWeighted {
                        proposal_id,
                        voter: voter.to_string(),
                        options: options.clone(),
                        metadata: metadata.clone(),
                    })])
                })
            }
            GovTx::CancelProposal {
                proposal_id,
                from,
                tx,
            } => tx.run(&from, globals, |proposer| {
                checked(vec![any(&pb::MsgCancelProposal {
                    proposal_id,
                    proposer: proposer.to_string(),
                })])
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_by_gaiads_names() {
        assert_eq!(parse_option("yes").unwrap(), pb::VoteOption::Yes);
        assert_eq!(
            parse_option("No_With_Veto").unwrap(),
            pb::VoteOption::NoWithVeto
        );
        assert!(parse_option("maybe").is_err());
        assert!(parse_option("unspecified").is_err());
        let weighted = parse_weighted("yes=0.6,no=0.4").unwrap();
        assert_eq!(weighted[1].option, pb::VoteOption::No as i32);
        assert_eq!(weighted[0].weight, "0.600000000000000000");
        assert!(parse_weighted("yes:0.6").is_err());
    }
}
