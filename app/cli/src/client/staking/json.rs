//! Staking's query answers as the SDK's JSON shows them: int64s as strings, times in
//! RFC 3339, decimals as `"1.000000000000000000"`, bytes in base64.

use agora_app::txjson::dec_json;
use agora_proto::cosmos::staking::v1beta1 as pb;
use anyhow::Result;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use prost::Message;
use serde_json::{json, Value};

use super::super::response::time_json;

/// A validator as the SDK's JSON shows it.
pub fn validator_json(v: &pb::Validator) -> Result<Value> {
    let status = match v.status {
        1 => "BOND_STATUS_UNBONDED",
        2 => "BOND_STATUS_UNBONDING",
        3 => "BOND_STATUS_BONDED",
        _ => "BOND_STATUS_UNSPECIFIED",
    };
    let key = v
        .consensus_pubkey
        .as_ref()
        .map(|k| {
            let raw = agora_proto::cosmos::crypto::ed25519::PubKey::decode(k.value.as_slice())
                .map(|p| p.key)
                .unwrap_or_default();
            json!({ "@type": k.type_url, "key": B64.encode(raw) })
        })
        .unwrap_or(Value::Null);
    let d = v.description.clone().unwrap_or_default();
    let c = v.commission.clone().unwrap_or_default();
    let rates = c.commission_rates.unwrap_or_default();
    Ok(json!({
        "operator_address": v.operator_address,
        "consensus_pubkey": key,
        "jailed": v.jailed,
        "status": status,
        "tokens": v.tokens,
        "delegator_shares": dec_json(&v.delegator_shares)?,
        "description": {
            "moniker": d.moniker,
            "identity": d.identity,
            "website": d.website,
            "security_contact": d.security_contact,
            "details": d.details,
        },
        "unbonding_height": v.unbonding_height.to_string(),
        "unbonding_time": time_json(v.unbonding_time.as_ref()),
        "commission": {
            "commission_rates": {
                "rate": dec_json(&rates.rate)?,
                "max_rate": dec_json(&rates.max_rate)?,
                "max_change_rate": dec_json(&rates.max_change_rate)?,
            },
            "update_time": time_json(c.update_time.as_ref()),
        },
        "min_self_delegation": v.min_self_delegation,
    }))
}

/// A delegation with its balance as the SDK's JSON shows it.
pub fn delegation_json(d: &pb::DelegationResponse) -> Result<Value> {
    let delegation = d.delegation.clone().unwrap_or_default();
    let balance = d.balance.clone().unwrap_or_default();
    Ok(json!({
        "delegation": {
            "delegator_address": delegation.delegator_address,
            "validator_address": delegation.validator_address,
            "shares": dec_json(&delegation.shares)?,
        },
        "balance": { "denom": balance.denom, "amount": balance.amount },
    }))
}

/// An unbonding delegation with its entries.
pub fn unbonding_json(u: &pb::UnbondingDelegation) -> Result<Value> {
    let entries: Vec<Value> = u
        .entries
        .iter()
        .map(|e| {
            json!({
                "creation_height": e.creation_height.to_string(),
                "completion_time": time_json(e.completion_time.as_ref()),
                "initial_balance": e.initial_balance,
                "balance": e.balance,
                "unbonding_id": e.unbonding_id.to_string(),
                "unbonding_on_hold_ref_count": e.unbonding_on_hold_ref_count.to_string(),
            })
        })
        .collect();
    Ok(json!({
        "delegator_address": u.delegator_address,
        "validator_address": u.validator_address,
        "entries": entries,
    }))
}

/// One redelegation entry.
fn redelegation_entry_json(e: &pb::RedelegationEntry) -> Result<Value> {
    Ok(json!({
        "creation_height": e.creation_height.to_string(),
        "completion_time": time_json(e.completion_time.as_ref()),
        "initial_balance": e.initial_balance,
        "shares_dst": dec_json(&e.shares_dst)?,
        "unbonding_id": e.unbonding_id.to_string(),
        "unbonding_on_hold_ref_count": e.unbonding_on_hold_ref_count.to_string(),
    }))
}

/// A redelegation with its entries and each entry's balance now.
pub fn redelegation_json(r: &pb::RedelegationResponse) -> Result<Value> {
    let red = r.redelegation.clone().unwrap_or_default();
    let entries = red
        .entries
        .iter()
        .map(redelegation_entry_json)
        .collect::<Result<Vec<_>>>()?;
    let balances = r
        .entries
        .iter()
        .map(|e| {
            let entry = e.redelegation_entry.clone().unwrap_or_default();
            Ok(json!({
                "redelegation_entry": redelegation_entry_json(&entry)?,
                "balance": e.balance,
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(json!({
        "redelegation": {
            "delegator_address": red.delegator_address,
            "validator_src_address": red.validator_src_address,
            "validator_dst_address": red.validator_dst_address,
            "entries": entries,
        },
        "entries": balances,
    }))
}

/// The staking params.
pub fn params_json(p: &pb::Params) -> Result<Value> {
    Ok(json!({
        "unbonding_time": format!("{}s", p.unbonding_time.unwrap_or_default().seconds),
        "max_validators": p.max_validators,
        "max_entries": p.max_entries,
        "historical_entries": p.historical_entries,
        "bond_denom": p.bond_denom,
        "min_commission_rate": dec_json(&p.min_commission_rate)?,
    }))
}

/// A block header and the bonded validators staking recorded for it.
pub fn historical_info_json(hist: &pb::HistoricalInfo) -> Result<Value> {
    let h = hist.header.clone().unwrap_or_default();
    let version = h.version.unwrap_or_default();
    let block_id = h.last_block_id.unwrap_or_default();
    let parts = block_id.part_set_header.unwrap_or_default();
    let valset = hist
        .valset
        .iter()
        .map(validator_json)
        .collect::<Result<Vec<_>>>()?;
    Ok(json!({
        "header": {
            "version": { "block": version.block.to_string(), "app": version.app.to_string() },
            "chain_id": h.chain_id,
            "height": h.height.to_string(),
            "time": time_json(h.time.as_ref()),
            "last_block_id": {
                "hash": B64.encode(&block_id.hash),
                "part_set_header": { "total": parts.total, "hash": B64.encode(&parts.hash) },
            },
            "last_commit_hash": B64.encode(&h.last_commit_hash),
            "data_hash": B64.encode(&h.data_hash),
            "validators_hash": B64.encode(&h.validators_hash),
            "next_validators_hash": B64.encode(&h.next_validators_hash),
            "consensus_hash": B64.encode(&h.consensus_hash),
            "app_hash": B64.encode(&h.app_hash),
            "last_results_hash": B64.encode(&h.last_results_hash),
            "evidence_hash": B64.encode(&h.evidence_hash),
            "proposer_address": B64.encode(&h.proposer_address),
        },
        "valset": valset,
    }))
}
