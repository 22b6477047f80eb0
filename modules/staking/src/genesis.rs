//! Staking genesis in the SDK's JSON shape: params, validators, delegations, unbonding
//! delegations, redelegations and (for an exported chain) the last validator powers.
//! Import checks what the SDK checks: the pools hold exactly the tokens the records say.

use std::collections::BTreeSet;

use agora_core::{
    parse_genesis, Address, Context, Dec, Error, Result, SdkCode, ValidatorUpdate, VALOPER_PREFIX,
};
use cosmwasm_std::Binary;
use serde::{Deserialize, Serialize};

use crate::keeper::{Delegation, BONDED_POOL, NOT_BONDED_POOL};
use crate::redelegation::{Redelegation, RedelegationEntry};
use crate::unbonding::{UnbondingDelegation, UnbondingEntry};
use crate::validator::{Commission, Description};
use crate::{BondStatus, Keeper, Params, Validator, MODULE};

/// Type URL of the only consensus key type.
const ED25519: &str = "/cosmos.crypto.ed25519.PubKey";

/// `app_state.staking`, as the SDK writes it.
#[derive(Serialize, Deserialize)]
struct GenesisJson {
    params: Params,
    #[serde(default, with = "agora_core::amount_string")]
    last_total_power: u128,
    #[serde(default)]
    last_validator_powers: Vec<LastPowerJson>,
    #[serde(default)]
    validators: Vec<ValidatorJson>,
    #[serde(default)]
    delegations: Vec<DelegationJson>,
    #[serde(default)]
    unbonding_delegations: Vec<UnbondingJson>,
    #[serde(default)]
    redelegations: Vec<RedelegationJson>,
    #[serde(default)]
    exported: bool,
}

#[derive(Serialize, Deserialize)]
struct LastPowerJson {
    address: String,
    #[serde(with = "i64_string")]
    power: i64,
}

#[derive(Serialize, Deserialize)]
struct PubKeyJson {
    #[serde(rename = "@type")]
    type_url: String,
    key: Binary,
}

#[derive(Serialize, Deserialize)]
struct RatesJson {
    rate: Dec,
    max_rate: Dec,
    max_change_rate: Dec,
}

#[derive(Serialize, Deserialize)]
struct CommissionJson {
    commission_rates: RatesJson,
    update_time: String,
}

#[derive(Serialize, Deserialize)]
struct ValidatorJson {
    operator_address: String,
    consensus_pubkey: PubKeyJson,
    #[serde(default)]
    jailed: bool,
    status: String,
    #[serde(with = "agora_core::amount_string")]
    tokens: u128,
    delegator_shares: Dec,
    description: Description,
    #[serde(with = "u64_string")]
    unbonding_height: u64,
    unbonding_time: String,
    commission: CommissionJson,
    #[serde(with = "agora_core::amount_string")]
    min_self_delegation: u128,
}

#[derive(Serialize, Deserialize)]
struct DelegationJson {
    delegator_address: String,
    validator_address: String,
    shares: Dec,
}

#[derive(Serialize, Deserialize)]
struct UnbondingEntryJson {
    #[serde(with = "u64_string")]
    creation_height: u64,
    completion_time: String,
    #[serde(with = "agora_core::amount_string")]
    initial_balance: u128,
    #[serde(with = "agora_core::amount_string")]
    balance: u128,
}

#[derive(Serialize, Deserialize)]
struct UnbondingJson {
    delegator_address: String,
    validator_address: String,
    entries: Vec<UnbondingEntryJson>,
}

#[derive(Serialize, Deserialize)]
struct RedelegationEntryJson {
    #[serde(with = "u64_string")]
    creation_height: u64,
    completion_time: String,
    #[serde(with = "agora_core::amount_string")]
    initial_balance: u128,
    shares_dst: Dec,
}

#[derive(Serialize, Deserialize)]
struct RedelegationJson {
    delegator_address: String,
    validator_src_address: String,
    validator_dst_address: String,
    entries: Vec<RedelegationEntryJson>,
}

/// The validated genesis state.
pub struct GenesisState {
    params: Params,
    validators: Vec<Validator>,
    delegations: Vec<Delegation>,
    unbonding: Vec<(Address, Address, UnbondingDelegation)>,
    redelegations: Vec<(Address, Address, Address, Redelegation)>,
    last_powers: Option<Vec<(Address, i64)>>,
}

fn invalid(path: impl std::fmt::Display, detail: impl std::fmt::Display) -> Error {
    Error::sdk(
        SdkCode::InvalidRequest,
        format!("app_state.staking.{path}: {detail}"),
    )
}

fn time_nanos(path: &str, s: &str) -> Result<u64> {
    let t = tendermint::Time::parse_from_rfc3339(s)
        .map_err(|e| invalid(path, format!("{s:?} is not an RFC 3339 time: {e}")))?;
    u64::try_from(t.unix_timestamp_nanos()).map_err(|_| invalid(path, "time before 1970"))
}

fn time_string(nanos: u64) -> String {
    let t = tendermint::Time::from_unix_timestamp(
        (nanos / 1_000_000_000) as i64,
        (nanos % 1_000_000_000) as u32,
    );
    t.map(|t| t.to_rfc3339()).unwrap_or_default()
}

fn account(path: &str, s: &str) -> Result<Address> {
    Address::from_bech32(s).map_err(|e| invalid(path, e.msg))
}

fn operator(path: &str, s: &str) -> Result<Address> {
    Address::from_bech32_with(VALOPER_PREFIX, s).map_err(|e| invalid(path, e.msg))
}

/// The default genesis: the SDK's params, nothing staked.
pub fn default_json() -> serde_json::Value {
    export_json(GenesisState {
        params: Params::default(),
        validators: Vec::new(),
        delegations: Vec::new(),
        unbonding: Vec::new(),
        redelegations: Vec::new(),
        last_powers: None,
    })
}

/// Parses and validates `app_state.staking`; errors name the bad field.
pub fn parse(genesis: &serde_json::Value) -> Result<GenesisState> {
    let raw: GenesisJson = parse_genesis(MODULE, genesis)?;
    raw.params
        .validate()
        .map_err(|e| invalid("params", e.msg))?;
    let mut operators = BTreeSet::new();
    let mut keys = BTreeSet::new();
    let mut validators = Vec::with_capacity(raw.validators.len());
    for (i, v) in raw.validators.into_iter().enumerate() {
        let path = format!("validators[{i}]");
        let op = operator(&format!("{path}.operator_address"), &v.operator_address)?;
        if v.consensus_pubkey.type_url != ED25519 || v.consensus_pubkey.key.len() != 32 {
            return Err(invalid(
                format!("{path}.consensus_pubkey"),
                "an ed25519 key of 32 bytes",
            ));
        }
        let status = [
            BondStatus::Unbonded,
            BondStatus::Unbonding,
            BondStatus::Bonded,
        ]
        .into_iter()
        .find(|s| s.name() == v.status)
        .ok_or_else(|| {
            invalid(
                format!("{path}.status"),
                format!("unknown status {:?}", v.status),
            )
        })?;
        if v.tokens == 0 && !v.delegator_shares.is_zero() {
            return Err(invalid(format!("{path}.tokens"), "shares without tokens"));
        }
        if !operators.insert(op.clone()) || !keys.insert(v.consensus_pubkey.key.to_vec()) {
            return Err(invalid(
                path,
                "duplicate validator operator or consensus key",
            ));
        }
        let rates = v.commission.commission_rates;
        let commission = Commission {
            rate: rates.rate,
            max_rate: rates.max_rate,
            max_change_rate: rates.max_change_rate,
            update_time_nanos: time_nanos(
                &format!("{path}.commission.update_time"),
                &v.commission.update_time,
            )?,
        };
        validators.push(Validator {
            operator: op,
            consensus_pubkey: v.consensus_pubkey.key.to_vec(),
            jailed: v.jailed,
            status,
            tokens: v.tokens,
            delegator_shares: v.delegator_shares,
            description: v.description,
            unbonding_height: v.unbonding_height,
            unbonding_time_nanos: time_nanos(&format!("{path}.unbonding_time"), &v.unbonding_time)?,
            commission,
            min_self_delegation: v.min_self_delegation,
        });
    }
    let known = |path: String, op: &Address| {
        if operators.contains(op) {
            Ok(())
        } else {
            Err(invalid(
                path,
                format!("no validator {}", op.to_bech32_with(VALOPER_PREFIX)),
            ))
        }
    };
    let mut delegations = Vec::new();
    for (i, d) in raw.delegations.iter().enumerate() {
        let path = format!("delegations[{i}]");
        let validator = operator(&format!("{path}.validator_address"), &d.validator_address)?;
        known(format!("{path}.validator_address"), &validator)?;
        delegations.push(Delegation {
            delegator: account(&format!("{path}.delegator_address"), &d.delegator_address)?,
            validator,
            shares: d.shares,
        });
    }
    let mut unbonding = Vec::new();
    for (i, u) in raw.unbonding_delegations.iter().enumerate() {
        let path = format!("unbonding_delegations[{i}]");
        let validator = operator(&format!("{path}.validator_address"), &u.validator_address)?;
        let entries = u
            .entries
            .iter()
            .enumerate()
            .map(|(j, e)| {
                Ok(UnbondingEntry {
                    creation_height: e.creation_height,
                    completion_time_nanos: time_nanos(
                        &format!("{path}.entries[{j}].completion_time"),
                        &e.completion_time,
                    )?,
                    initial_balance: e.initial_balance,
                    balance: e.balance,
                })
            })
            .collect::<Result<_>>()?;
        let delegator = account(&format!("{path}.delegator_address"), &u.delegator_address)?;
        unbonding.push((delegator, validator, UnbondingDelegation { entries }));
    }
    let mut redelegations = Vec::new();
    for (i, r) in raw.redelegations.iter().enumerate() {
        let path = format!("redelegations[{i}]");
        let src = operator(
            &format!("{path}.validator_src_address"),
            &r.validator_src_address,
        )?;
        let dst = operator(
            &format!("{path}.validator_dst_address"),
            &r.validator_dst_address,
        )?;
        known(format!("{path}.validator_dst_address"), &dst)?;
        let entries = r
            .entries
            .iter()
            .enumerate()
            .map(|(j, e)| {
                Ok(RedelegationEntry {
                    creation_height: e.creation_height,
                    completion_time_nanos: time_nanos(
                        &format!("{path}.entries[{j}].completion_time"),
                        &e.completion_time,
                    )?,
                    initial_balance: e.initial_balance,
                    shares_dst: e.shares_dst,
                })
            })
            .collect::<Result<_>>()?;
        let delegator = account(&format!("{path}.delegator_address"), &r.delegator_address)?;
        redelegations.push((delegator, src, dst, Redelegation { entries }));
    }
    let last_powers = if raw.exported {
        let powers = raw
            .last_validator_powers
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let op = operator(&format!("last_validator_powers[{i}].address"), &p.address)?;
                known(format!("last_validator_powers[{i}].address"), &op)?;
                Ok((op, p.power))
            })
            .collect::<Result<_>>()?;
        Some(powers)
    } else {
        None
    };
    Ok(GenesisState {
        params: raw.params,
        validators,
        delegations,
        unbonding,
        redelegations,
        last_powers,
    })
}

/// Writes the state; checks the pools hold exactly what the records say (as the SDK's
/// `InitGenesis`); returns the validator set: the exported last powers, or for a fresh
/// genesis the bonded set computed now.
pub fn init(
    keeper: &Keeper,
    ctx: &mut Context,
    state: &GenesisState,
) -> Result<Vec<ValidatorUpdate>> {
    keeper.set_params(ctx, &state.params)?;
    let (mut bonded, mut not_bonded) = (0u128, 0u128);
    // A fresh (not exported) genesis tells the hooks, so distribution starts its records;
    // an exported one carries those records itself (as the SDK's `InitGenesis`).
    let fresh = state.last_powers.is_none();
    for v in &state.validators {
        keeper.add_validator(ctx, v)?;
        if fresh {
            keeper.each_hook(ctx, |h, ctx| h.after_validator_created(ctx, &v.operator))?;
        }
        match v.status {
            BondStatus::Bonded => bonded += v.tokens,
            _ => not_bonded += v.tokens,
        }
    }
    for d in &state.delegations {
        let (delegator, validator) = (&d.delegator, &d.validator);
        if fresh {
            keeper.each_hook(ctx, |h, ctx| {
                h.before_delegation_created(ctx, delegator, validator)
            })?;
        }
        keeper.set_delegation(ctx, d)?;
        if fresh {
            keeper.each_hook(ctx, |h, ctx| {
                h.after_delegation_modified(ctx, delegator, validator)
            })?;
        }
    }
    for (delegator, validator, ubd) in &state.unbonding {
        not_bonded += ubd.entries.iter().map(|e| e.balance).sum::<u128>();
        keeper.import_unbonding(ctx, delegator, validator, ubd)?;
    }
    for (delegator, src, dst, red) in &state.redelegations {
        keeper.import_redelegation(ctx, delegator, src, dst, red)?;
    }
    let (pool_not_bonded, pool_bonded) = keeper.pool(ctx)?;
    if pool_bonded != bonded {
        return Err(invalid(
            "validators",
            format!("the bonded pool ({BONDED_POOL}) holds {pool_bonded} but bonded validators have {bonded}"),
        ));
    }
    if pool_not_bonded != not_bonded {
        return Err(invalid(
            "validators",
            format!("the not-bonded pool ({NOT_BONDED_POOL}) holds {pool_not_bonded} but unbonded validators and unbonding entries have {not_bonded}"),
        ));
    }
    match &state.last_powers {
        Some(powers) => keeper.import_last_powers(ctx, powers),
        None => keeper.apply_validator_set_updates(ctx),
    }
}

/// The whole staking state as genesis JSON (`exported: true`, with the last powers).
pub fn export(keeper: &Keeper, ctx: &mut Context) -> Result<serde_json::Value> {
    let state = GenesisState {
        params: keeper.params(ctx)?,
        validators: keeper.all_validators(ctx)?,
        delegations: keeper.all_delegations(ctx)?,
        unbonding: keeper.all_unbonding(ctx)?,
        redelegations: keeper
            .all_redelegations(ctx)?
            .into_iter()
            .map(|r| (r.delegator, r.src, r.dst, r.redelegation))
            .collect(),
        last_powers: Some(keeper.last_power_list(ctx)?),
    };
    Ok(export_json(state))
}

fn export_json(state: GenesisState) -> serde_json::Value {
    let exported = state.last_powers.is_some();
    let powers = state.last_powers.unwrap_or_default();
    let genesis = GenesisJson {
        params: state.params,
        last_total_power: powers.iter().map(|(_, p)| *p as u128).sum(),
        last_validator_powers: powers
            .iter()
            .map(|(op, power)| LastPowerJson {
                address: op.to_bech32_with(VALOPER_PREFIX),
                power: *power,
            })
            .collect(),
        validators: state
            .validators
            .iter()
            .map(|v| ValidatorJson {
                operator_address: v.operator_address(),
                consensus_pubkey: PubKeyJson {
                    type_url: ED25519.into(),
                    key: v.consensus_pubkey.clone().into(),
                },
                jailed: v.jailed,
                status: v.status.name().into(),
                tokens: v.tokens,
                delegator_shares: v.delegator_shares,
                description: v.description.clone(),
                unbonding_height: v.unbonding_height,
                unbonding_time: time_string(v.unbonding_time_nanos),
                commission: CommissionJson {
                    commission_rates: RatesJson {
                        rate: v.commission.rate,
                        max_rate: v.commission.max_rate,
                        max_change_rate: v.commission.max_change_rate,
                    },
                    update_time: time_string(v.commission.update_time_nanos),
                },
                min_self_delegation: v.min_self_delegation,
            })
            .collect(),
        delegations: state
            .delegations
            .iter()
            .map(|d| DelegationJson {
                delegator_address: d.delegator.to_string(),
                validator_address: d.validator.to_bech32_with(VALOPER_PREFIX),
                shares: d.shares,
            })
            .collect(),
        unbonding_delegations: state
            .unbonding
            .iter()
            .map(|(d, v, u)| UnbondingJson {
                delegator_address: d.to_string(),
                validator_address: v.to_bech32_with(VALOPER_PREFIX),
                entries: u
                    .entries
                    .iter()
                    .map(|e| UnbondingEntryJson {
                        creation_height: e.creation_height,
                        completion_time: time_string(e.completion_time_nanos),
                        initial_balance: e.initial_balance,
                        balance: e.balance,
                    })
                    .collect(),
            })
            .collect(),
        redelegations: state
            .redelegations
            .iter()
            .map(|(d, s, t, r)| RedelegationJson {
                delegator_address: d.to_string(),
                validator_src_address: s.to_bech32_with(VALOPER_PREFIX),
                validator_dst_address: t.to_bech32_with(VALOPER_PREFIX),
                entries: r
                    .entries
                    .iter()
                    .map(|e| RedelegationEntryJson {
                        creation_height: e.creation_height,
                        completion_time: time_string(e.completion_time_nanos),
                        initial_balance: e.initial_balance,
                        shares_dst: e.shares_dst,
                    })
                    .collect(),
            })
            .collect(),
        exported,
    };
    serde_json::to_value(genesis).expect("serializable")
}

/// Integers as decimal strings, as protobuf JSON writes 64-bit integers.
macro_rules! int_string {
    ($name:ident, $ty:ty) => {
        mod $name {
            use serde::{Deserialize, Deserializer, Serializer};

            pub fn serialize<S: Serializer>(v: &$ty, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&v.to_string())
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                let s = String::deserialize(d)?;
                s.parse()
                    .map_err(|_| serde::de::Error::custom(format!("{s:?} is not an integer")))
            }
        }
    };
}
int_string!(u64_string, u64);
int_string!(i64_string, i64);
