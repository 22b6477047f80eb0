//! The gov keeper: the only way to gov's store. Params, proposals, deposits, votes and the
//! two queues EndBlock reads (deposit deadlines and voting deadlines).

use std::sync::Arc;

use agora_core::{Address, Context, Error, Result, StoreKey};
use agora_proto::cosmos::gov::v1 as pb;
use cosmwasm_std::{Binary, Order};
use cw_storage_plus::Map;
use prost::Message;

use crate::errors::GovCode;
use crate::expected::{AccountKeeper, BankKeeper, DistributionKeeper, StakingKeeper};
use crate::state::{
    ACTIVE_QUEUE, CONSTITUTION, DEPOSITS, INACTIVE_QUEUE, NEXT_PROPOSAL_ID, PARAMS, PROPOSALS,
    VOTES,
};
use crate::Params;

/// Lengths gov accepts (the SDK's keeper `Config`).
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// The longest metadata (and title) of a proposal, vote or deposit, in bytes.
    pub max_metadata_len: usize,
    /// The longest proposal summary, in bytes.
    pub max_summary_len: usize,
}

impl Default for Config {
    /// The SDK's defaults: 255 and 10,200 bytes.
    fn default() -> Self {
        Self {
            max_metadata_len: 255,
            max_summary_len: 10_200,
        }
    }
}

/// The gov keeper.
pub struct Keeper {
    pub(crate) key: StoreKey,
    authority: Address,
    pub(crate) config: Config,
    pub(crate) accounts: Arc<dyn AccountKeeper>,
    pub(crate) bank: Arc<dyn BankKeeper>,
    pub(crate) staking: Arc<dyn StakingKeeper>,
    pub(crate) distribution: Arc<dyn DistributionKeeper>,
}

/// A time in ns since the Unix epoch, as the queues order by it.
pub(crate) fn nanos(t: &Option<agora_proto::tendermint::google::protobuf::Timestamp>) -> u64 {
    t.as_ref()
        .map(|t| (t.seconds.max(0) as u64) * 1_000_000_000 + t.nanos.max(0) as u64)
        .unwrap_or_default()
}

/// The protobuf timestamp of ns since the Unix epoch.
pub(crate) fn timestamp(ns: u64) -> agora_proto::tendermint::google::protobuf::Timestamp {
    agora_proto::tendermint::google::protobuf::Timestamp {
        seconds: (ns / 1_000_000_000) as i64,
        nanos: (ns % 1_000_000_000) as i32,
    }
}

fn decode<M: Message + Default>(bytes: &Binary, what: &str) -> Result<M> {
    M::decode(bytes.as_slice()).map_err(|e| Error::internal(format!("stored {what}: {e}")))
}

impl Keeper {
    /// A keeper over `key`, changed by `authority`, escrowing deposits with `bank`, checking
    /// voters with `accounts`, weighing votes with `staking` and funding the community pool
    /// with `distribution`.
    pub fn new(
        key: StoreKey,
        authority: Address,
        accounts: Arc<dyn AccountKeeper>,
        bank: Arc<dyn BankKeeper>,
        staking: Arc<dyn StakingKeeper>,
        distribution: Arc<dyn DistributionKeeper>,
    ) -> Self {
        Self {
            key,
            authority,
            config: Config::default(),
            accounts,
            bank,
            staking,
            distribution,
        }
    }

    /// Who may change gov's params (gov's own module account unless wired otherwise).
    pub fn authority(&self) -> &Address {
        &self.authority
    }

    /// The params (the defaults before genesis wrote any).
    pub fn params(&self, ctx: &mut Context) -> Result<Params> {
        Ok(PARAMS.may_load(&ctx.kv(&self.key))?.unwrap_or_default())
    }

    /// Replaces the params; errors if they are invalid.
    pub(crate) fn set_params(&self, ctx: &mut Context, params: &Params) -> Result<()> {
        params.validate()?;
        Ok(PARAMS.save(&mut ctx.kv(&self.key), params)?)
    }

    /// The constitution.
    pub fn constitution(&self, ctx: &mut Context) -> Result<String> {
        Ok(CONSTITUTION
            .may_load(&ctx.kv(&self.key))?
            .unwrap_or_default())
    }

    pub(crate) fn set_constitution(&self, ctx: &mut Context, text: &str) -> Result<()> {
        Ok(CONSTITUTION.save(&mut ctx.kv(&self.key), &text.to_string())?)
    }

    /// The id the next proposal gets (1 before genesis set one).
    pub fn next_proposal_id(&self, ctx: &mut Context) -> Result<u64> {
        Ok(NEXT_PROPOSAL_ID.may_load(&ctx.kv(&self.key))?.unwrap_or(1))
    }

    pub(crate) fn set_next_proposal_id(&self, ctx: &mut Context, id: u64) -> Result<()> {
        Ok(NEXT_PROPOSAL_ID.save(&mut ctx.kv(&self.key), &id)?)
    }

    /// The proposal `id`, if any.
    pub fn proposal(&self, ctx: &mut Context, id: u64) -> Result<Option<pb::Proposal>> {
        PROPOSALS
            .may_load(&ctx.kv(&self.key), id)?
            .map(|b| decode(&b, "proposal"))
            .transpose()
    }

    /// The proposal `id`, or the SDK's unknown-proposal error.
    pub fn existing_proposal(&self, ctx: &mut Context, id: u64) -> Result<pb::Proposal> {
        self.proposal(ctx, id)?
            .ok_or_else(|| GovCode::UnknownProposal.err(id))
    }

    pub(crate) fn set_proposal(&self, ctx: &mut Context, proposal: &pb::Proposal) -> Result<()> {
        let bytes = Binary::from(proposal.encode_to_vec());
        Ok(PROPOSALS.save(&mut ctx.kv(&self.key), proposal.id, &bytes)?)
    }

    /// Removes a proposal with its votes and from both queues (its deposits are settled by
    /// the caller first).
    pub(crate) fn delete_proposal(&self, ctx: &mut Context, proposal: &pb::Proposal) -> Result<()> {
        let id = proposal.id;
        self.delete_votes(ctx, id)?;
        let mut kv = ctx.kv(&self.key);
        INACTIVE_QUEUE.remove(&mut kv, (nanos(&proposal.deposit_end_time), id));
        ACTIVE_QUEUE.remove(&mut kv, (nanos(&proposal.voting_end_time), id));
        PROPOSALS.remove(&mut kv, id);
        Ok(())
    }

    /// Every proposal, by id.
    pub fn proposals(&self, ctx: &mut Context) -> Result<Vec<pb::Proposal>> {
        let kv = ctx.kv(&self.key);
        let all = PROPOSALS.range(&kv, None, None, Order::Ascending);
        all.map(|item| decode(&item?.1, "proposal")).collect()
    }

    pub(crate) fn queue_inactive(&self, ctx: &mut Context, end_ns: u64, id: u64) -> Result<()> {
        Ok(INACTIVE_QUEUE.save(&mut ctx.kv(&self.key), (end_ns, id), &())?)
    }

    pub(crate) fn unqueue_inactive(&self, ctx: &mut Context, end_ns: u64, id: u64) {
        INACTIVE_QUEUE.remove(&mut ctx.kv(&self.key), (end_ns, id));
    }

    pub(crate) fn queue_active(&self, ctx: &mut Context, end_ns: u64, id: u64) -> Result<()> {
        Ok(ACTIVE_QUEUE.save(&mut ctx.kv(&self.key), (end_ns, id), &())?)
    }

    pub(crate) fn unqueue_active(&self, ctx: &mut Context, end_ns: u64, id: u64) {
        ACTIVE_QUEUE.remove(&mut ctx.kv(&self.key), (end_ns, id));
    }

    /// The ids in a queue whose deadline is at or before `now_ns`, earliest first.
    pub(crate) fn due(&self, ctx: &mut Context, active: bool, now_ns: u64) -> Result<Vec<u64>> {
        let queue = if active { ACTIVE_QUEUE } else { INACTIVE_QUEUE };
        let kv = ctx.kv(&self.key);
        let until = cw_storage_plus::Bound::inclusive((now_ns, u64::MAX));
        queue
            .keys(&kv, None, Some(until), Order::Ascending)
            .map(|key| Ok(key?.1))
            .collect()
    }

    /// `depositor`'s deposit on proposal `id`, if any.
    pub fn deposit(
        &self,
        ctx: &mut Context,
        id: u64,
        depositor: &Address,
    ) -> Result<Option<pb::Deposit>> {
        DEPOSITS
            .may_load(&ctx.kv(&self.key), (id, depositor.as_bytes()))?
            .map(|b| decode(&b, "deposit"))
            .transpose()
    }

    pub(crate) fn set_deposit(&self, ctx: &mut Context, deposit: &pb::Deposit) -> Result<()> {
        let depositor = Address::from_bech32(&deposit.depositor)?;
        let bytes = Binary::from(deposit.encode_to_vec());
        let key = (deposit.proposal_id, depositor.as_bytes());
        Ok(DEPOSITS.save(&mut ctx.kv(&self.key), key, &bytes)?)
    }

    /// Every deposit on proposal `id`, by depositor address.
    pub fn deposits(&self, ctx: &mut Context, id: u64) -> Result<Vec<pb::Deposit>> {
        let kv = ctx.kv(&self.key);
        let all = DEPOSITS.prefix(id).range(&kv, None, None, Order::Ascending);
        all.map(|item| decode(&item?.1, "deposit")).collect()
    }

    pub(crate) fn delete_deposits(&self, ctx: &mut Context, id: u64) -> Result<()> {
        self.clear(ctx, &DEPOSITS, id)
    }

    /// `voter`'s vote on proposal `id`, if any.
    pub fn vote(&self, ctx: &mut Context, id: u64, voter: &Address) -> Result<Option<pb::Vote>> {
        VOTES
            .may_load(&ctx.kv(&self.key), (id, voter.as_bytes()))?
            .map(|b| decode(&b, "vote"))
            .transpose()
    }

    pub(crate) fn set_vote(
        &self,
        ctx: &mut Context,
        voter: &Address,
        vote: &pb::Vote,
    ) -> Result<()> {
        let bytes = Binary::from(vote.encode_to_vec());
        let key = (vote.proposal_id, voter.as_bytes());
        Ok(VOTES.save(&mut ctx.kv(&self.key), key, &bytes)?)
    }

    /// Every vote on proposal `id`, by voter address.
    pub fn votes(&self, ctx: &mut Context, id: u64) -> Result<Vec<(Address, pb::Vote)>> {
        let kv = ctx.kv(&self.key);
        let all = VOTES.prefix(id).range(&kv, None, None, Order::Ascending);
        all.map(|item| {
            let (voter, bytes) = item?;
            Ok((Address::from_bytes(voter)?, decode(&bytes, "vote")?))
        })
        .collect()
    }

    pub(crate) fn delete_votes(&self, ctx: &mut Context, id: u64) -> Result<()> {
        self.clear(ctx, &VOTES, id)
    }

    /// Removes every record of proposal `id` from `records` (its deposits or its votes).
    fn clear(&self, ctx: &mut Context, records: &Map<(u64, &[u8]), Binary>, id: u64) -> Result<()> {
        let owners: Vec<Vec<u8>> = {
            let kv = ctx.kv(&self.key);
            let keys = records.prefix(id).keys(&kv, None, None, Order::Ascending);
            keys.collect::<std::result::Result<_, _>>()?
        };
        let mut kv = ctx.kv(&self.key);
        for owner in owners {
            records.remove(&mut kv, (id, owner.as_slice()));
        }
        Ok(())
    }
}
