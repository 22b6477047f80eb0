//! Gov genesis in the SDK's JSON (`cosmos.gov.v1.GenesisState` as protobuf JSON with proto
//! field names: proposals carry their Msgs as `Any` with `@type`), read and written through
//! the descriptors so every Msg type the chain knows round-trips.

use agora_core::{Address, Context, Error, Result};
use agora_proto::cosmos::gov::v1::{self as pb, ProposalStatus};
use agora_proto::prost_reflect::{DynamicMessage, SerializeOptions};

use crate::errors::GovCode;
use crate::keeper::{nanos, Keeper};
use crate::Params;

const GENESIS_MESSAGE: &str = "cosmos.gov.v1.GenesisState";

/// The validated genesis state.
pub(crate) struct GenesisState {
    starting_proposal_id: u64,
    params: Params,
    proposals: Vec<pb::Proposal>,
    deposits: Vec<pb::Deposit>,
    votes: Vec<pb::Vote>,
    constitution: String,
}

fn invalid(detail: impl std::fmt::Display) -> Error {
    GovCode::InvalidGenesis.err(format!("app_state.gov: {detail}"))
}

fn descriptor() -> agora_proto::prost_reflect::MessageDescriptor {
    agora_proto::descriptors()
        .get_message_by_name(GENESIS_MESSAGE)
        .expect("the descriptor set holds cosmos.gov.v1")
}

/// The default genesis: the SDK's params, proposals from 1.
pub(crate) fn default_json() -> serde_json::Value {
    to_json(&pb::GenesisState {
        starting_proposal_id: 1,
        params: Some(Params::default().to_proto()),
        ..Default::default()
    })
    .expect("the default genesis encodes")
}

fn to_json(state: &pb::GenesisState) -> Result<serde_json::Value> {
    let message = DynamicMessage::decode(
        descriptor(),
        prost::Message::encode_to_vec(state).as_slice(),
    )
    .map_err(|e| Error::internal(format!("gov genesis: {e}")))?;
    let options = SerializeOptions::new()
        .use_proto_field_name(true)
        .skip_default_fields(false);
    message
        .serialize_with_options(serde_json::value::Serializer, &options)
        .map_err(|e| Error::internal(format!("gov genesis: {e}")))
}

/// Reads and checks a gov genesis state.
pub(crate) fn parse(genesis: &serde_json::Value) -> Result<GenesisState> {
    let message = DynamicMessage::deserialize(descriptor(), genesis).map_err(invalid)?;
    let state: pb::GenesisState = message.transcode_to().map_err(invalid)?;
    let params = state
        .params
        .as_ref()
        .ok_or_else(|| invalid("params must be set"))?;
    let params = Params::from_proto(params).map_err(|e| invalid(format!("params: {}", e.msg)))?;
    params
        .validate()
        .map_err(|e| invalid(format!("params.{}", e.msg)))?;
    if state.starting_proposal_id == 0 {
        return Err(invalid("starting_proposal_id must be positive"));
    }
    let mut ids = std::collections::BTreeSet::new();
    for p in &state.proposals {
        if p.id == 0 || p.id >= state.starting_proposal_id {
            return Err(invalid(format!(
                "proposal {} must be below starting_proposal_id {}",
                p.id, state.starting_proposal_id
            )));
        }
        if !ids.insert(p.id) {
            return Err(invalid(format!("duplicate proposal id {}", p.id)));
        }
        Address::from_bech32(&p.proposer)
            .map_err(|e| invalid(format!("proposal {}: {}", p.id, e.msg)))?;
    }
    for d in &state.deposits {
        if !ids.contains(&d.proposal_id) {
            return Err(invalid(format!(
                "deposit on unknown proposal {}",
                d.proposal_id
            )));
        }
        Address::from_bech32(&d.depositor).map_err(|e| invalid(e.msg))?;
    }
    for v in &state.votes {
        if !ids.contains(&v.proposal_id) {
            return Err(invalid(format!(
                "vote on unknown proposal {}",
                v.proposal_id
            )));
        }
        Address::from_bech32(&v.voter).map_err(|e| invalid(e.msg))?;
        crate::votes::check_options(&v.options).map_err(|e| invalid(e.msg))?;
    }
    Ok(GenesisState {
        starting_proposal_id: state.starting_proposal_id,
        params,
        proposals: state.proposals,
        deposits: state.deposits,
        votes: state.votes,
        constitution: state.constitution,
    })
}

/// Writes a genesis state: params, proposals (queued by their deadlines), deposits, votes.
pub(crate) fn init(keeper: &Keeper, ctx: &mut Context, state: &GenesisState) -> Result<()> {
    keeper.set_params(ctx, &state.params)?;
    keeper.set_next_proposal_id(ctx, state.starting_proposal_id)?;
    keeper.set_constitution(ctx, &state.constitution)?;
    for p in &state.proposals {
        keeper.set_proposal(ctx, p)?;
        match ProposalStatus::try_from(p.status) {
            Ok(ProposalStatus::DepositPeriod) => {
                keeper.queue_inactive(ctx, nanos(&p.deposit_end_time), p.id)?
            }
            Ok(ProposalStatus::VotingPeriod) => {
                keeper.queue_active(ctx, nanos(&p.voting_end_time), p.id)?
            }
            _ => {}
        }
    }
    for d in &state.deposits {
        keeper.set_deposit(ctx, d)?;
    }
    for v in &state.votes {
        keeper.set_vote(ctx, &Address::from_bech32(&v.voter)?, v)?;
    }
    Ok(())
}

/// Reads gov's whole state back as its genesis JSON.
pub(crate) fn export(keeper: &Keeper, ctx: &mut Context) -> Result<serde_json::Value> {
    let proposals = keeper.proposals(ctx)?;
    let (mut deposits, mut votes) = (Vec::new(), Vec::new());
    for p in &proposals {
        deposits.extend(keeper.deposits(ctx, p.id)?);
        votes.extend(keeper.votes(ctx, p.id)?.into_iter().map(|(_, v)| v));
    }
    to_json(&pb::GenesisState {
        starting_proposal_id: keeper.next_proposal_id(ctx)?,
        deposits,
        votes,
        proposals,
        params: Some(keeper.params(ctx)?.to_proto()),
        constitution: keeper.constitution(ctx)?,
        ..Default::default()
    })
}
