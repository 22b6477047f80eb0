//! A proposal's life before its tally: submission (its Msgs checked against the router and
//! the gov account), deposits until the minimum starts voting, cancellation, and the refund
//! or burn of deposits when it ends.

use agora_core::{Address, Coin, Coins, Context, Dec, Result};
use agora_proto::cosmos::gov::v1::{self as pb, ProposalStatus};
use agora_proto::Any;

use crate::errors::GovCode;
use crate::events;
use crate::keeper::{nanos, timestamp, Keeper};
use crate::{Params, MODULE};

/// A proposal as submitted, checked without state.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The Msgs to execute if it passes.
    pub messages: Vec<Any>,
    /// Its first deposit.
    pub initial_deposit: Coins,
    /// Who submits it.
    pub proposer: Address,
    /// Off-chain metadata (an IPFS link, JSON).
    pub metadata: String,
    /// Its title.
    pub title: String,
    /// Its summary.
    pub summary: String,
    /// Whether it asks for the shorter, stricter expedited vote.
    pub expedited: bool,
}

impl Keeper {
    /// Errors unless `text` fits the metadata length.
    pub(crate) fn check_metadata(&self, text: &str) -> Result<()> {
        if text.len() > self.config.max_metadata_len {
            return Err(GovCode::MetadataTooLong.err(format!(
                "got {} bytes, at most {}",
                text.len(),
                self.config.max_metadata_len
            )));
        }
        Ok(())
    }

    /// Stores a new proposal in its deposit period and takes its initial deposit (the SDK's
    /// `SubmitProposal` + `AddDeposit`); returns its id.
    pub(crate) fn submit(&self, ctx: &mut Context, sub: &Submission) -> Result<u64> {
        let params = self.params(ctx)?;
        self.check_metadata(&sub.metadata)?;
        self.check_metadata(&sub.title)?;
        if sub.summary.len() > self.config.max_summary_len {
            return Err(GovCode::SummaryTooLong.err(format!(
                "got {} bytes, at most {}",
                sub.summary.len(),
                self.config.max_summary_len
            )));
        }
        check_initial_deposit(&params, &sub.initial_deposit, sub.expedited)?;
        check_deposit_denoms(&params, &sub.initial_deposit)?;
        let router = ctx.router()?;
        let gov = self.authority().clone();
        for (i, any) in sub.messages.iter().enumerate() {
            let msg = router.decode(any).map_err(|e| {
                if e.code == agora_core::SdkCode::UnknownRequest as u32 {
                    GovCode::UnroutableProposalMsg.err(&any.type_url)
                } else {
                    GovCode::InvalidProposalMsg.err(format!("msg {i}: {}", e.msg))
                }
            })?;
            if msg.signers() != [gov.clone()] {
                return Err(GovCode::InvalidSigner.err(format!("msg {i} ({})", any.type_url)));
            }
        }
        let id = self.next_proposal_id(ctx)?;
        self.set_next_proposal_id(ctx, id + 1)?;
        let now = ctx.block.time.nanos();
        let deposit_end = now + params.max_deposit_period * 1_000_000_000;
        let proposal = pb::Proposal {
            id,
            messages: sub.messages.clone(),
            status: ProposalStatus::DepositPeriod as i32,
            final_tally_result: Some(crate::tally::TallyCounts::default().to_proto()),
            submit_time: Some(timestamp(now)),
            deposit_end_time: Some(timestamp(deposit_end)),
            total_deposit: Vec::new(),
            voting_start_time: None,
            voting_end_time: None,
            metadata: sub.metadata.clone(),
            title: sub.title.clone(),
            summary: sub.summary.clone(),
            proposer: sub.proposer.to_string(),
            expedited: sub.expedited,
            failed_reason: String::new(),
        };
        self.set_proposal(ctx, &proposal)?;
        self.queue_inactive(ctx, deposit_end, id)?;
        let type_urls: Vec<&str> = sub.messages.iter().map(|m| m.type_url.as_str()).collect();
        ctx.emit(events::submit_proposal(id, &sub.proposer, &type_urls));
        if self.add_deposit(ctx, id, &sub.proposer, &sub.initial_deposit)? {
            ctx.emit(events::voting_period_start("submit_proposal", id));
        }
        Ok(id)
    }

    /// Adds `amount` from `depositor` to proposal `id` (the SDK's `AddDeposit`); returns
    /// whether this deposit started its voting period.
    pub(crate) fn add_deposit(
        &self,
        ctx: &mut Context,
        id: u64,
        depositor: &Address,
        amount: &Coins,
    ) -> Result<bool> {
        let mut proposal = self.existing_proposal(ctx, id)?;
        let status = proposal.status;
        if status != ProposalStatus::DepositPeriod as i32
            && status != ProposalStatus::VotingPeriod as i32
        {
            return Err(GovCode::InactiveProposal.err(id));
        }
        let params = self.params(ctx)?;
        check_deposit_denoms(&params, amount)?;
        check_min_deposit_ratio(&params, amount)?;
        if !amount.is_empty() {
            self.bank
                .send_coins_from_account_to_module(ctx, depositor, MODULE, amount)?;
        }
        let total = coins_of(&proposal.total_deposit)?.checked_add(amount)?;
        proposal.total_deposit = total.to_proto();
        let mut started = false;
        if status == ProposalStatus::DepositPeriod as i32
            && total.is_all_gte(params.min_deposit_for(proposal.expedited))
        {
            self.activate_voting(ctx, &mut proposal, &params)?;
            started = true;
        }
        self.set_proposal(ctx, &proposal)?;
        let previous = match self.deposit(ctx, id, depositor)? {
            Some(d) => coins_of(&d.amount)?,
            None => Coins::empty(),
        };
        let deposit = pb::Deposit {
            proposal_id: id,
            depositor: depositor.to_string(),
            amount: previous.checked_add(amount)?.to_proto(),
        };
        self.set_deposit(ctx, &deposit)?;
        ctx.emit(events::proposal_deposit(id, depositor, amount));
        Ok(started)
    }

    /// Moves a proposal from its deposit period into voting, from the block time.
    fn activate_voting(
        &self,
        ctx: &mut Context,
        proposal: &mut pb::Proposal,
        params: &Params,
    ) -> Result<()> {
        let now = ctx.block.time.nanos();
        let end = now + params.voting_period_for(proposal.expedited) * 1_000_000_000;
        self.unqueue_inactive(ctx, nanos(&proposal.deposit_end_time), proposal.id);
        proposal.voting_start_time = Some(timestamp(now));
        proposal.voting_end_time = Some(timestamp(end));
        proposal.status = ProposalStatus::VotingPeriod as i32;
        self.queue_active(ctx, end, proposal.id)
    }

    /// Cancels proposal `id` for its proposer (the SDK's `CancelProposal`): the cancel ratio
    /// of every deposit is burned or sent to `proposal_cancel_dest`, the rest refunded, and
    /// the proposal with its votes removed.
    pub(crate) fn cancel(&self, ctx: &mut Context, id: u64, proposer: &Address) -> Result<()> {
        let proposal = self.existing_proposal(ctx, id)?;
        if proposal.proposer != proposer.to_string() {
            return Err(GovCode::InvalidProposer.err(proposer));
        }
        let now = ctx.block.time.nanos();
        if proposal.voting_end_time.is_some() && nanos(&proposal.voting_end_time) <= now {
            return Err(GovCode::VotingPeriodEnded.err(format!(
                "voting period is already ended for this proposal {id}"
            )));
        }
        let status = proposal.status;
        if status != ProposalStatus::DepositPeriod as i32
            && status != ProposalStatus::VotingPeriod as i32
        {
            return Err(GovCode::InvalidProposal.err(format!(
                "proposal status {} can not be canceled",
                status_name(status)
            )));
        }
        let params = self.params(ctx)?;
        self.charge_deposits(
            ctx,
            id,
            params.proposal_cancel_ratio,
            &params.proposal_cancel_dest,
        )?;
        self.delete_proposal(ctx, &proposal)
    }

    /// Takes `ratio` of each deposit on `id` (burned; or sent to `dest` if it is set, into
    /// the community pool if `dest` is the distribution module account) and refunds the rest;
    /// deletes the deposits.
    fn charge_deposits(&self, ctx: &mut Context, id: u64, ratio: Dec, dest: &str) -> Result<()> {
        let mut charged = Coins::empty();
        for deposit in self.deposits(ctx, id)? {
            let depositor = Address::from_bech32(&deposit.depositor)?;
            let amount = coins_of(&deposit.amount)?;
            let mut charge = Vec::new();
            for coin in amount.iter() {
                charge.push(Coin::new(ratio.mul_floor(coin.amount)?, coin.denom.clone()));
            }
            let charge = Coins::new(charge)?;
            let refund = amount.checked_sub(&charge)?;
            if !refund.is_empty() {
                self.bank
                    .send_coins_from_module_to_account(ctx, MODULE, &depositor, &refund)?;
            }
            charged = charged.checked_add(&charge)?;
        }
        if !charged.is_empty() {
            let pool = self.distribution.module_address();
            match dest {
                "" => self.bank.burn_coins(ctx, MODULE, &charged)?,
                dest if dest == pool.to_string() => self.distribution.fund_community_pool(
                    ctx,
                    &Address::module(MODULE),
                    &charged,
                )?,
                dest => {
                    let dest = Address::from_bech32(dest)?;
                    self.bank
                        .send_coins_from_module_to_account(ctx, MODULE, &dest, &charged)?;
                }
            }
        }
        self.delete_deposits(ctx, id)
    }

    /// Returns every deposit on `id` to its depositor and deletes them.
    pub(crate) fn refund_deposits(&self, ctx: &mut Context, id: u64) -> Result<()> {
        for deposit in self.deposits(ctx, id)? {
            let depositor = Address::from_bech32(&deposit.depositor)?;
            let amount = coins_of(&deposit.amount)?;
            self.bank
                .send_coins_from_module_to_account(ctx, MODULE, &depositor, &amount)?;
        }
        self.delete_deposits(ctx, id)
    }

    /// Burns every deposit on `id` and deletes them.
    pub(crate) fn burn_deposits(&self, ctx: &mut Context, id: u64) -> Result<()> {
        let mut total = Coins::empty();
        for deposit in self.deposits(ctx, id)? {
            total = total.checked_add(&coins_of(&deposit.amount)?)?;
        }
        if !total.is_empty() {
            self.bank.burn_coins(ctx, MODULE, &total)?;
        }
        self.delete_deposits(ctx, id)
    }
}

/// The coins of a deposit or total, which may be empty (as an initial deposit may be).
pub(crate) fn coins_of(coins: &[agora_proto::cosmos::base::v1beta1::Coin]) -> Result<Coins> {
    if coins.is_empty() {
        return Ok(Coins::empty());
    }
    Coins::from_msg(coins)
}

/// The SDK's name of a proposal status (`PROPOSAL_STATUS_PASSED`, ...).
pub fn status_name(status: i32) -> &'static str {
    ProposalStatus::try_from(status)
        .unwrap_or(ProposalStatus::Unspecified)
        .as_str_name()
}

/// The initial deposit must be at least `min_initial_deposit_ratio` of the minimum.
fn check_initial_deposit(params: &Params, deposit: &Coins, expedited: bool) -> Result<()> {
    let ratio = params.min_initial_deposit_ratio;
    if ratio.is_zero() {
        return Ok(());
    }
    let mut needed = Vec::new();
    for coin in params.min_deposit_for(expedited).iter() {
        needed.push(Coin::new(ratio.mul_floor(coin.amount)?, coin.denom.clone()));
    }
    let needed = Coins::new(needed)?;
    if !deposit.is_all_gte(&needed) {
        return Err(GovCode::MinDepositTooSmall.err(format!("was ({deposit}), need ({needed})")));
    }
    Ok(())
}

/// Deposits only in the denoms of `min_deposit`.
fn check_deposit_denoms(params: &Params, deposit: &Coins) -> Result<()> {
    let accepted: Vec<&str> = params
        .min_deposit
        .iter()
        .map(|c| c.denom.as_str())
        .collect();
    for coin in deposit.iter() {
        if !accepted.contains(&coin.denom.as_str()) {
            return Err(GovCode::InvalidDepositDenom.err(format!(
                "deposited {coin}, but gov accepts only the following denom(s): [{}]",
                accepted.join(" ")
            )));
        }
    }
    Ok(())
}

/// Each deposit must reach `min_deposit_ratio` of the minimum in at least one denom.
fn check_min_deposit_ratio(params: &Params, deposit: &Coins) -> Result<()> {
    let ratio = params.min_deposit_ratio;
    if ratio.is_zero() {
        return Ok(());
    }
    let mut thresholds = Vec::new();
    for coin in params.min_deposit.iter() {
        let threshold = Coin::new(ratio.mul_floor(coin.amount)?, coin.denom.clone());
        if deposit.amount_of(&coin.denom) >= threshold.amount {
            return Ok(());
        }
        thresholds.push(threshold.to_string());
    }
    Err(GovCode::MinDepositTooSmall.err(format!(
        "received {deposit} but need at least one of the following: {}",
        thresholds.join(",")
    )))
}
