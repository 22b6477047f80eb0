//! Gov's EndBlock: proposals whose deposit period ended without the minimum are dropped;
//! proposals whose voting period ended are tallied, and those that pass have their Msgs
//! executed with the gov account as signer, all in one branch kept only if every Msg succeeds.

use agora_core::{Context, Result};
use agora_proto::cosmos::gov::v1::{self as pb, ProposalStatus};

use crate::events;
use crate::keeper::{nanos, timestamp, Keeper};

impl Keeper {
    /// Ends the deposit and voting periods due at the block time.
    pub(crate) fn end_block(&self, ctx: &mut Context) -> Result<()> {
        let now = ctx.block.time.nanos();
        let params = self.params(ctx)?;
        for id in self.due(ctx, false, now)? {
            let proposal = self.existing_proposal(ctx, id)?;
            if params.burn_proposal_deposit_prevote {
                self.burn_deposits(ctx, id)?;
            } else {
                self.refund_deposits(ctx, id)?;
            }
            self.delete_proposal(ctx, &proposal)?;
            ctx.emit(events::inactive_proposal(id));
        }
        for id in self.due(ctx, true, now)? {
            let mut proposal = self.existing_proposal(ctx, id)?;
            self.end_voting(ctx, &mut proposal)?;
        }
        Ok(())
    }

    /// Tallies a proposal whose voting period ended and acts on the outcome.
    fn end_voting(&self, ctx: &mut Context, proposal: &mut pb::Proposal) -> Result<()> {
        let id = proposal.id;
        let tally = self.tally(ctx, proposal)?;
        self.delete_votes(ctx, id)?;
        self.unqueue_active(ctx, nanos(&proposal.voting_end_time), id);
        // A failed expedited proposal keeps its deposits: it becomes a regular one.
        let converted = proposal.expedited && !tally.passes;
        if !converted {
            if tally.burn_deposits {
                self.burn_deposits(ctx, id)?;
            } else {
                self.refund_deposits(ctx, id)?;
            }
        }
        let (result, log) = if tally.passes {
            match self.execute(ctx, proposal) {
                Ok(()) => {
                    proposal.status = ProposalStatus::Passed as i32;
                    ("proposal_passed", "passed".to_string())
                }
                Err(e) => {
                    proposal.status = ProposalStatus::Failed as i32;
                    proposal.failed_reason = e.msg.clone();
                    (
                        "proposal_failed",
                        format!("passed, but msg failed on execution: {}", e.msg),
                    )
                }
            }
        } else if converted {
            let params = self.params(ctx)?;
            let end = nanos(&proposal.voting_start_time) + params.voting_period * 1_000_000_000;
            proposal.voting_end_time = Some(timestamp(end));
            proposal.expedited = false;
            self.queue_active(ctx, end, id)?;
            (
                "expedited_proposal_rejected",
                "expedited proposal converted to regular".to_string(),
            )
        } else {
            proposal.status = ProposalStatus::Rejected as i32;
            ("proposal_rejected", "rejected".to_string())
        };
        proposal.final_tally_result = Some(tally.counts.to_proto());
        self.set_proposal(ctx, proposal)?;
        ctx.emit(events::active_proposal(id, result, &log));
        Ok(())
    }

    /// Runs a passed proposal's Msgs in order in one branch of state: all take effect, or
    /// (the first error returned) none.
    fn execute(&self, ctx: &mut Context, proposal: &pb::Proposal) -> Result<()> {
        let router = ctx.router()?;
        ctx.branch(|branch| {
            for (i, any) in proposal.messages.iter().enumerate() {
                let msg = router.decode(any)?;
                router.dispatch(branch, &msg).map_err(|mut e| {
                    e.msg = format!("msg {i} ({}): {}", any.type_url, e.msg);
                    e
                })?;
            }
            Ok(())
        })
    }
}
