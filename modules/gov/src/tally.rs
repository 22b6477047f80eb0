//! The SDK's tally: each delegator's vote counts its delegated stake; a validator's vote
//! counts the rest of its stake (what its delegators did not vote themselves). Quorum,
//! veto and threshold (the expedited one for expedited proposals) decide the outcome.

use std::collections::BTreeMap;

use agora_core::{Context, Dec, Result};
use agora_proto::cosmos::gov::v1::{self as pb, VoteOption};

use crate::keeper::Keeper;
use crate::votes::Weighted;
use crate::Params;

/// Stake per option (whole tokens, truncated as the SDK reports them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TallyCounts {
    /// Yes.
    pub yes: u128,
    /// Abstain.
    pub abstain: u128,
    /// No.
    pub no: u128,
    /// No with veto.
    pub no_with_veto: u128,
}

impl TallyCounts {
    /// As protobuf (`cosmos.gov.v1.TallyResult`, amounts as decimal strings).
    pub fn to_proto(&self) -> pb::TallyResult {
        pb::TallyResult {
            yes_count: self.yes.to_string(),
            abstain_count: self.abstain.to_string(),
            no_count: self.no.to_string(),
            no_with_veto_count: self.no_with_veto.to_string(),
        }
    }
}

/// What a tally decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Whether the proposal passes.
    pub passes: bool,
    /// Whether its deposits are burned (no quorum or veto, as params say).
    pub burn_deposits: bool,
    /// The stake per option.
    pub counts: TallyCounts,
}

/// A bonded validator as the tally sees it.
struct ValidatorTally {
    tokens: u128,
    shares: Dec,
    deducted: Dec,
    vote: Option<Vec<Weighted>>,
}

/// The options of a stored vote.
fn stored_options(vote: &pb::Vote) -> Result<Vec<Weighted>> {
    crate::votes::check_options(&vote.options)
}

/// `shares` of a validator with `tokens` and `total_shares`, as stake (the SDK's
/// `shares.MulInt(tokens).Quo(totalShares)`).
fn power(shares: Dec, tokens: u128, total_shares: Dec) -> Result<Dec> {
    if total_shares.is_zero() {
        return Ok(Dec::zero());
    }
    shares
        .checked_mul(Dec::from_int(tokens)?)?
        .quo_round(total_shares)
}

impl Keeper {
    /// Tallies proposal `proposal`'s votes against the bonded stake now (the SDK's `Tally`);
    /// reads only, so queries can show a live tally.
    pub fn tally(&self, ctx: &mut Context, proposal: &pb::Proposal) -> Result<Tally> {
        let params = self.params(ctx)?;
        let mut validators: BTreeMap<Vec<u8>, ValidatorTally> = BTreeMap::new();
        for v in self.staking.bonded_validators(ctx)? {
            validators.insert(
                v.operator.as_bytes().to_vec(),
                ValidatorTally {
                    tokens: v.tokens,
                    shares: v.delegator_shares,
                    deducted: Dec::zero(),
                    vote: None,
                },
            );
        }
        let mut results: BTreeMap<i32, Dec> = BTreeMap::new();
        let mut total = Dec::zero();
        let add = |results: &mut BTreeMap<i32, Dec>, options: &[Weighted], power: Dec| {
            for w in options {
                let entry = results.entry(w.option as i32).or_default();
                *entry = entry.checked_add(power.mul_round(w.weight)?)?;
            }
            Ok::<(), agora_core::Error>(())
        };
        for (voter, vote) in self.votes(ctx, proposal.id)? {
            let options = stored_options(&vote)?;
            if let Some(v) = validators.get_mut(voter.as_bytes()) {
                v.vote = Some(options.clone());
            }
            for delegation in self.staking.delegator_delegations(ctx, &voter)? {
                let Some(v) = validators.get_mut(delegation.validator.as_bytes()) else {
                    continue;
                };
                v.deducted = v.deducted.checked_add(delegation.shares)?;
                let power = power(delegation.shares, v.tokens, v.shares)?;
                add(&mut results, &options, power)?;
                total = total.checked_add(power)?;
            }
        }
        for v in validators.values() {
            let Some(options) = &v.vote else { continue };
            let remaining = v.shares.checked_sub(v.deducted)?;
            let power = power(remaining, v.tokens, v.shares)?;
            add(&mut results, options, power)?;
            total = total.checked_add(power)?;
        }
        let of = |option: VoteOption| results.get(&(option as i32)).copied().unwrap_or_default();
        let counts = TallyCounts {
            yes: of(VoteOption::Yes).truncate()?,
            abstain: of(VoteOption::Abstain).truncate()?,
            no: of(VoteOption::No).truncate()?,
            no_with_veto: of(VoteOption::NoWithVeto).truncate()?,
        };
        let outcome = |passes, burn_deposits| Tally {
            passes,
            burn_deposits,
            counts: counts.clone(),
        };
        let bonded = self.staking.total_bonded_tokens(ctx)?;
        if bonded == 0 {
            return Ok(outcome(false, false));
        }
        if total.quo_round(Dec::from_int(bonded)?)? < params.quorum {
            return Ok(outcome(false, params.burn_vote_quorum));
        }
        let voting = total.checked_sub(of(VoteOption::Abstain))?;
        if voting.is_zero() {
            return Ok(outcome(false, false));
        }
        if of(VoteOption::NoWithVeto).quo_round(total)? > params.veto_threshold {
            return Ok(outcome(false, params.burn_vote_veto));
        }
        let threshold = threshold(&params, proposal.expedited);
        Ok(outcome(
            of(VoteOption::Yes).quo_round(voting)? > threshold,
            false,
        ))
    }
}

fn threshold(params: &Params, expedited: bool) -> Dec {
    if expedited {
        params.expedited_threshold
    } else {
        params.threshold
    }
}
