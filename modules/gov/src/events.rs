//! Gov's events, with the SDK v0.50 names and attributes.

use agora_core::{Address, Coins, Event};

use crate::votes::Weighted;

/// `submit_proposal`: a proposal was stored.
pub fn submit_proposal(id: u64, proposer: &Address, type_urls: &[&str]) -> Event {
    Event::new("submit_proposal")
        .attr("proposal_id", id.to_string())
        .attr("proposal_proposer", proposer.to_string())
        .attr("proposal_messages", type_urls.join(","))
}

/// `kind` (`submit_proposal` or `proposal_deposit`) with `voting_period_start`: that
/// deposit started the proposal's voting period.
pub fn voting_period_start(kind: &str, id: u64) -> Event {
    Event::new(kind).attr("voting_period_start", id.to_string())
}

/// `proposal_deposit`: coins were deposited.
pub fn proposal_deposit(id: u64, depositor: &Address, amount: &Coins) -> Event {
    Event::new("proposal_deposit")
        .attr("depositor", depositor.to_string())
        .attr("amount", amount.to_string())
        .attr("proposal_id", id.to_string())
}

/// `proposal_vote`: a vote was cast; `option` is the SDK's JSON of the weighted options.
pub fn proposal_vote(id: u64, voter: &Address, options: &[Weighted]) -> Event {
    let options: Vec<serde_json::Value> = options
        .iter()
        .map(|w| serde_json::json!({"option": w.option as i32, "weight": w.weight.to_string()}))
        .collect();
    Event::new("proposal_vote")
        .attr("voter", voter.to_string())
        .attr("option", serde_json::Value::Array(options).to_string())
        .attr("proposal_id", id.to_string())
}

/// `cancel_proposal`: the proposer withdrew a proposal.
pub fn cancel_proposal(id: u64, proposer: &Address) -> Event {
    Event::new("cancel_proposal")
        .attr("sender", proposer.to_string())
        .attr("proposal_id", id.to_string())
}

/// `inactive_proposal`: a proposal's deposit period ended without the minimum deposit.
pub fn inactive_proposal(id: u64) -> Event {
    Event::new("inactive_proposal")
        .attr("proposal_id", id.to_string())
        .attr("proposal_result", "proposal_dropped")
}

/// `active_proposal`: a proposal's voting period ended with `result`
/// (`proposal_passed`, `proposal_rejected`, `proposal_failed`,
/// `expedited_proposal_rejected`).
pub fn active_proposal(id: u64, result: &str, log: &str) -> Event {
    Event::new("active_proposal")
        .attr("proposal_id", id.to_string())
        .attr("proposal_result", result)
        .attr("proposal_log", log)
}
