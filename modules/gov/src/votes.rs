//! Votes: weighted options checked without state, then cast on a proposal in its voting
//! period (a later vote replaces an earlier one).

use agora_core::{Address, Context, Dec, Result};
use agora_proto::cosmos::gov::v1::{self as pb, ProposalStatus, VoteOption};

use crate::errors::GovCode;
use crate::events;
use crate::keeper::Keeper;

/// One option of a vote with its weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weighted {
    /// The option.
    pub option: VoteOption,
    /// Its share of the voter's power, in (0, 1].
    pub weight: Dec,
}

/// Checks weighted options as the SDK's `ValidateBasic`: known options, each once, weights
/// positive and summing to exactly 1.
pub fn check_options(options: &[pb::WeightedVoteOption]) -> Result<Vec<Weighted>> {
    if options.is_empty() {
        return Err(GovCode::InvalidVote.err("no vote options given"));
    }
    let mut out: Vec<Weighted> = Vec::with_capacity(options.len());
    let mut total = Dec::zero();
    for o in options {
        let option = match VoteOption::try_from(o.option) {
            Ok(option) if option != VoteOption::Unspecified => option,
            _ => return Err(GovCode::InvalidVote.err(format!("{} is not a vote option", o.option))),
        };
        let weight: Dec = o
            .weight
            .parse()
            .map_err(|_| GovCode::InvalidVote.err(format!("invalid weight {:?}", o.weight)))?;
        if weight.is_zero() || weight > Dec::one() {
            return Err(GovCode::InvalidVote.err(format!(
                "weight {weight} of {} must be in (0, 1]",
                option.as_str_name()
            )));
        }
        if out.iter().any(|w| w.option == option) {
            return Err(GovCode::InvalidVote
                .err(format!("duplicated vote option {}", option.as_str_name())));
        }
        total = total.checked_add(weight)?;
        out.push(Weighted { option, weight });
    }
    if total != Dec::one() {
        return Err(GovCode::InvalidVote.err(format!("total weight {total} is not 1")));
    }
    Ok(out)
}

/// The options as protobuf, weights in the SDK's 18-place form.
pub fn options_to_proto(options: &[Weighted]) -> Vec<pb::WeightedVoteOption> {
    options
        .iter()
        .map(|w| pb::WeightedVoteOption {
            option: w.option as i32,
            weight: w.weight.to_string(),
        })
        .collect()
}

impl Keeper {
    /// Casts `voter`'s vote on proposal `id` (the SDK's `AddVote`).
    pub(crate) fn add_vote(
        &self,
        ctx: &mut Context,
        id: u64,
        voter: &Address,
        options: &[Weighted],
        metadata: &str,
    ) -> Result<()> {
        let proposal = self.existing_proposal(ctx, id)?;
        if proposal.status != ProposalStatus::VotingPeriod as i32 {
            return Err(GovCode::InactiveProposal.err(id));
        }
        self.check_metadata(metadata)?;
        if !self.accounts.has_account(ctx, voter)? {
            return Err(agora_core::Error::sdk(
                agora_core::SdkCode::UnknownAddress,
                format!("account {voter} does not exist"),
            ));
        }
        let vote = pb::Vote {
            proposal_id: id,
            voter: voter.to_string(),
            options: options_to_proto(options),
            metadata: metadata.to_string(),
        };
        self.set_vote(ctx, voter, &vote)?;
        ctx.emit(events::proposal_vote(id, voter, options));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(option: VoteOption, weight: &str) -> pb::WeightedVoteOption {
        pb::WeightedVoteOption {
            option: option as i32,
            weight: weight.into(),
        }
    }

    #[test]
    fn weights_must_be_known_distinct_and_sum_to_one() {
        let ok = check_options(&[
            option(VoteOption::Yes, "0.6"),
            option(VoteOption::No, "0.4"),
        ]);
        assert_eq!(ok.unwrap().len(), 2);
        let bad = [
            vec![],
            vec![
                option(VoteOption::Yes, "0.6"),
                option(VoteOption::No, "0.3"),
            ],
            vec![
                option(VoteOption::Yes, "0.5"),
                option(VoteOption::Yes, "0.5"),
            ],
            vec![option(VoteOption::Unspecified, "1")],
            vec![option(VoteOption::Yes, "1.5")],
            vec![option(VoteOption::Yes, "0"), option(VoteOption::No, "1")],
            vec![option(VoteOption::Yes, "one")],
            vec![pb::WeightedVoteOption {
                option: 9,
                weight: "1".into(),
            }],
        ];
        for options in bad {
            let err = check_options(&options).unwrap_err();
            assert_eq!(
                (err.codespace.as_ref(), err.code),
                ("gov", 7),
                "{options:?}"
            );
        }
    }
}
