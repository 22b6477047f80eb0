//! BeginBlock liveness (the SDK's `HandleValidatorSignature`): every validator of the last
//! commit moves one step along its `signed_blocks_window`; one that missed more than the
//! window allows is slashed for downtime, jailed for `downtime_jail_duration` and starts a
//! fresh window.

use agora_core::{BlockIdFlag, Context, Event, Result, VoteInfo};

use crate::keeper::{block_time, valcons, Infraction};
use crate::Keeper;

/// CometBFT applies validator-set changes this many blocks after EndBlock returns them
/// (the SDK's `ValidatorUpdateDelay`).
pub const VALIDATOR_UPDATE_DELAY: i64 = 1;

impl Keeper {
    /// Records each vote of the last commit.
    pub(crate) fn begin_block(&self, ctx: &mut Context) -> Result<()> {
        let votes = ctx.block.comet.last_commit.clone();
        for vote in &votes {
            self.handle_signature(ctx, vote)?;
        }
        Ok(())
    }

    /// One validator's vote in the last commit.
    fn handle_signature(&self, ctx: &mut Context, vote: &VoteInfo) -> Result<()> {
        let consensus = vote.address.as_slice();
        let Some(validator) = self
            .staking
            .validator_by_consensus_address(ctx, consensus)?
        else {
            // A key staking does not know (a genesis validator outside staking): nothing to
            // judge. The SDK would halt the chain here.
            tracing::debug!(address = %valcons(consensus), "vote from a key staking does not know");
            return Ok(());
        };
        if validator.jailed {
            return Ok(());
        }
        let Some(mut info) = self.signing_info(ctx, consensus)? else {
            tracing::warn!(address = %valcons(consensus), "bonded validator has no signing info");
            return Ok(());
        };
        let params = self.params(ctx)?;
        let window = params.signed_blocks_window;
        let index = info.index_offset % window;
        info.index_offset += 1;
        let previous = self.missed(ctx, consensus, index)?;
        let missed = vote.flag == BlockIdFlag::Absent;
        if previous != missed {
            self.set_missed(ctx, consensus, index, missed)?;
            if missed {
                info.missed_blocks_counter += 1;
            } else {
                info.missed_blocks_counter -= 1;
            }
        }
        let height = ctx.block.height;
        if missed {
            ctx.emit(
                Event::new("liveness")
                    .attr("address", valcons(consensus))
                    .attr("missed_blocks", info.missed_blocks_counter.to_string())
                    .attr("height", height.to_string()),
            );
        }
        let past_first_window = height > info.start_height + window;
        if past_first_window && info.missed_blocks_counter > params.max_missed()? {
            // The votes are of the last block, whose validators were chosen
            // VALIDATOR_UPDATE_DELAY blocks before it.
            let distribution_height = height as i64 - VALIDATOR_UPDATE_DELAY - 1;
            let burned = self.staking.slash(
                ctx,
                consensus,
                distribution_height,
                vote.power,
                params.slash_fraction_downtime,
            )?;
            ctx.emit(
                Event::new("slash")
                    .attr("address", valcons(consensus))
                    .attr("power", vote.power.to_string())
                    .attr("reason", Infraction::Downtime.reason())
                    .attr("jailed", valcons(consensus))
                    .attr("burned_coins", burned.to_string()),
            );
            self.staking.jail(ctx, consensus)?;
            info.jailed_until = (block_time(ctx)
                + std::time::Duration::from_secs(params.downtime_jail_duration))
            .map_err(|e| agora_core::Error::internal(format!("jail end time: {e}")))?;
            info.missed_blocks_counter = 0;
            info.index_offset = 0;
            self.clear_missed(ctx, consensus)?;
            tracing::info!(
                height,
                validator = %validator.operator_address(),
                burned = %burned,
                jailed_until = %info.jailed_until,
                "validator slashed and jailed for downtime"
            );
        }
        self.set_signing_info(ctx, consensus, &info)
    }
}
