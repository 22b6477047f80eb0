//! Gov genesis in the SDK's JSON (`cosmos.gov.v1.GenesisState` as `agora_proto::json` writes
//! it: proto field names, proposals carrying their Msgs as `Any` with `@type`), read and
//! written through the descriptors so every Msg type the chain knows round-trips.

use agora_core::{Address, Coins, Context, Error, Result};
use agora_proto::cosmos::gov::v1::{self as pb, ProposalStatus};
use agora_proto::json;

use crate::errors::GovCode;
use crate::keeper::{nanos, Keeper};
use crate::proposals::coins_of;
use crate::{Params, MODULE};

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
    json::message_json(GENESIS_MESSAGE, &prost::Message::encode_to_vec(state))
        .map_err(|e| Error::internal(format!("gov genesis: {e}")))
}

/// Reads and checks a gov genesis state.
pub(crate) fn parse(genesis: &serde_json::Value) -> Result<GenesisState> {
    let bytes = json::from_json(GENESIS_MESSAGE, genesis).map_err(invalid)?;
    let state = <pb::GenesisState as prost::Message>::decode(bytes.as_slice()).map_err(invalid)?;
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
    let mut deposited = Coins::empty();
    for d in &state.deposits {
        keeper.set_deposit(ctx, d)?;
        deposited = deposited.checked_add(&coins_of(&d.amount)?)?;
    }
    for v in &state.votes {
        keeper.set_vote(ctx, &Address::from_bech32(&v.voter)?, v)?;
    }
    // The gov account escrows exactly the deposits, as the SDK's InitGenesis requires.
    let held = keeper.bank.all_balances(ctx, &Address::module(MODULE))?;
    if held != deposited {
        return Err(GovCode::InvalidGenesis.err(format!(
            "app_state.gov: the gov module account holds {held} but the deposits total {deposited}: app_state.bank's balance of {} must equal the sum of app_state.gov.deposits",
            Address::module(MODULE)
        )));
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
