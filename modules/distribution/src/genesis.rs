//! Distribution genesis in the SDK's JSON shape. Import checks what the SDK checks: the
//! distribution module account holds exactly the community pool plus every validator's
//! outstanding rewards (whole coins).

use agora_core::{
    parse_genesis, u64_string, Address, Context, Dec, DecCoins, Error, Result, SdkCode,
    VALCONS_PREFIX, VALOPER_PREFIX,
};
use cosmwasm_std::Order;
use cw_storage_plus::Map;
use serde::{Deserialize, Serialize};

use crate::state::{
    CurrentRewards, HistoricalRewards, SlashEvent, StartingInfo, COMMISSION, CURRENT, HISTORICAL,
    OUTSTANDING, SLASH_EVENTS, STARTING_INFO,
};
use crate::{Keeper, Params, DISTRIBUTION_MODULE, MODULE};

/// `app_state.distribution`, as the SDK writes it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GenesisState {
    params: Params,
    fee_pool: FeePool,
    #[serde(default)]
    delegator_withdraw_infos: Vec<WithdrawInfo>,
    #[serde(default)]
    previous_proposer: String,
    #[serde(default)]
    outstanding_rewards: Vec<OutstandingRecord>,
    #[serde(default)]
    validator_accumulated_commissions: Vec<CommissionRecord>,
    #[serde(default)]
    validator_historical_rewards: Vec<HistoricalRecord>,
    #[serde(default)]
    validator_current_rewards: Vec<CurrentRecord>,
    #[serde(default)]
    delegator_starting_infos: Vec<StartingInfoRecord>,
    #[serde(default)]
    validator_slash_events: Vec<SlashEventRecord>,
}

#[derive(Serialize, Deserialize)]
struct FeePool {
    community_pool: DecCoins,
}

#[derive(Serialize, Deserialize)]
struct WithdrawInfo {
    delegator_address: String,
    withdraw_address: String,
}

#[derive(Serialize, Deserialize)]
struct OutstandingRecord {
    validator_address: String,
    outstanding_rewards: DecCoins,
}

#[derive(Serialize, Deserialize)]
struct Accumulated {
    commission: DecCoins,
}

#[derive(Serialize, Deserialize)]
struct CommissionRecord {
    validator_address: String,
    accumulated: Accumulated,
}

#[derive(Serialize, Deserialize)]
struct HistoricalRecord {
    validator_address: String,
    #[serde(with = "u64_string")]
    period: u64,
    rewards: HistoricalRewards,
}

#[derive(Serialize, Deserialize)]
struct CurrentJson {
    rewards: DecCoins,
    #[serde(with = "u64_string")]
    period: u64,
}

#[derive(Serialize, Deserialize)]
struct CurrentRecord {
    validator_address: String,
    rewards: CurrentJson,
}

#[derive(Serialize, Deserialize)]
struct StartingInfoJson {
    #[serde(with = "u64_string")]
    previous_period: u64,
    stake: Dec,
    #[serde(with = "u64_string")]
    height: u64,
}

#[derive(Serialize, Deserialize)]
struct StartingInfoRecord {
    delegator_address: String,
    validator_address: String,
    starting_info: StartingInfoJson,
}

#[derive(Serialize, Deserialize)]
struct SlashEventJson {
    #[serde(with = "u64_string")]
    validator_period: u64,
    fraction: Dec,
}

#[derive(Serialize, Deserialize)]
struct SlashEventRecord {
    validator_address: String,
    #[serde(with = "u64_string")]
    height: u64,
    #[serde(with = "u64_string")]
    period: u64,
    validator_slash_event: SlashEventJson,
}

fn invalid(field: &str, detail: impl std::fmt::Display) -> Error {
    Error::sdk(
        SdkCode::JsonUnmarshal,
        format!("app_state.{MODULE}.{field}: {detail}"),
    )
}

fn valoper(field: &str, s: &str) -> Result<Address> {
    Address::from_bech32_with(VALOPER_PREFIX, s).map_err(|e| invalid(field, e.msg))
}

fn account(field: &str, s: &str) -> Result<Address> {
    s.parse::<Address>().map_err(|e| invalid(field, e.msg))
}

/// The default genesis: default params, an empty pool.
pub(crate) fn default_json() -> serde_json::Value {
    serde_json::to_value(GenesisState {
        params: Params::default(),
        fee_pool: FeePool {
            community_pool: DecCoins::empty(),
        },
        delegator_withdraw_infos: Vec::new(),
        previous_proposer: String::new(),
        outstanding_rewards: Vec::new(),
        validator_accumulated_commissions: Vec::new(),
        validator_historical_rewards: Vec::new(),
        validator_current_rewards: Vec::new(),
        delegator_starting_infos: Vec::new(),
        validator_slash_events: Vec::new(),
    })
    .expect("genesis serializes")
}

/// Reads and checks a genesis state without touching state.
pub(crate) fn parse(genesis: &serde_json::Value) -> Result<GenesisState> {
    let state: GenesisState = parse_genesis(MODULE, genesis)?;
    state
        .params
        .validate()
        .map_err(|e| invalid("params", e.msg))?;
    for (i, w) in state.delegator_withdraw_infos.iter().enumerate() {
        let field = format!("delegator_withdraw_infos[{i}]");
        account(&field, &w.delegator_address)?;
        account(&field, &w.withdraw_address)?;
    }
    if !state.previous_proposer.is_empty() {
        Address::from_bech32_with(VALCONS_PREFIX, &state.previous_proposer)
            .map_err(|e| invalid("previous_proposer", e.msg))?;
    }
    Ok(state)
}

/// Writes the state and checks the module account's balance against it.
pub(crate) fn init(keeper: &Keeper, ctx: &mut Context, state: &GenesisState) -> Result<()> {
    keeper.set_params(ctx, &state.params)?;
    keeper.set_community_pool(ctx, &state.fee_pool.community_pool)?;
    for w in &state.delegator_withdraw_infos {
        let delegator = account("delegator_withdraw_infos", &w.delegator_address)?;
        let to = account("delegator_withdraw_infos", &w.withdraw_address)?;
        keeper.set_withdraw_address_record(ctx, &delegator, &to)?;
    }
    if !state.previous_proposer.is_empty() {
        let proposer = Address::from_bech32_with(VALCONS_PREFIX, &state.previous_proposer)?;
        keeper.set_previous_proposer(ctx, proposer.as_bytes())?;
    }
    let mut holdings = state.fee_pool.community_pool.clone();
    for r in &state.outstanding_rewards {
        let v = valoper("outstanding_rewards", &r.validator_address)?;
        keeper.set_outstanding(ctx, &v, &r.outstanding_rewards)?;
        holdings = holdings.checked_add(&r.outstanding_rewards)?;
    }
    for r in &state.validator_accumulated_commissions {
        let v = valoper("validator_accumulated_commissions", &r.validator_address)?;
        keeper.set_commission(ctx, &v, &r.accumulated.commission)?;
    }
    for r in &state.validator_historical_rewards {
        let v = valoper("validator_historical_rewards", &r.validator_address)?;
        keeper.set_historical(ctx, &v, r.period, &r.rewards)?;
    }
    for r in &state.validator_current_rewards {
        let v = valoper("validator_current_rewards", &r.validator_address)?;
        let current = CurrentRewards {
            rewards: r.rewards.rewards.clone(),
            period: r.rewards.period,
        };
        keeper.set_current(ctx, &v, &current)?;
    }
    for r in &state.delegator_starting_infos {
        let v = valoper("delegator_starting_infos", &r.validator_address)?;
        let d = account("delegator_starting_infos", &r.delegator_address)?;
        let info = StartingInfo {
            previous_period: r.starting_info.previous_period,
            stake: r.starting_info.stake,
            height: r.starting_info.height,
        };
        keeper.set_starting_info(ctx, &v, &d, &info)?;
    }
    for r in &state.validator_slash_events {
        let v = valoper("validator_slash_events", &r.validator_address)?;
        let event = SlashEvent {
            validator_period: r.validator_slash_event.validator_period,
            fraction: r.validator_slash_event.fraction,
        };
        if event.validator_period != r.period {
            return Err(invalid(
                "validator_slash_events",
                format!(
                    "period {} differs from the event's {}",
                    r.period, event.validator_period
                ),
            ));
        }
        keeper.set_slash_event(ctx, &v, r.height, &event)?;
    }
    let (expected, _) = holdings.truncate_decimal()?;
    let module = Address::module(DISTRIBUTION_MODULE);
    let balance = keeper.bank.all_balances(ctx, &module)?;
    if balance != expected {
        return Err(invalid(
            "fee_pool",
            format!("distribution module balance does not match the module holdings: {balance} <-> {expected}"),
        ));
    }
    Ok(())
}

/// Every record of a map keyed by validator bytes, with the validator's address.
fn by_validator<T: Serialize + serde::de::DeserializeOwned>(
    ctx: &mut Context,
    keeper: &Keeper,
    map: &Map<&[u8], T>,
) -> Result<Vec<(String, T)>> {
    let kv = ctx.kv(&keeper.key);
    let all = map.range(&kv, None, None, Order::Ascending);
    all.map(|item| {
        let (v, value) = item?;
        Ok((
            Address::from_bytes(v)?.to_bech32_with(VALOPER_PREFIX),
            value,
        ))
    })
    .collect()
}

/// The whole distribution state as genesis JSON.
pub(crate) fn export(keeper: &Keeper, ctx: &mut Context) -> Result<serde_json::Value> {
    let delegator_withdraw_infos = keeper
        .withdraw_addresses(ctx)?
        .into_iter()
        .map(|(d, w)| WithdrawInfo {
            delegator_address: d.to_string(),
            withdraw_address: w.to_string(),
        })
        .collect();
    let proposer = keeper.previous_proposer(ctx)?;
    let previous_proposer = if proposer.is_empty() {
        String::new()
    } else {
        Address::from_bytes(proposer)?.to_bech32_with(VALCONS_PREFIX)
    };
    let outstanding_rewards = by_validator(ctx, keeper, &OUTSTANDING)?
        .into_iter()
        .map(
            |(validator_address, outstanding_rewards)| OutstandingRecord {
                validator_address,
                outstanding_rewards,
            },
        )
        .collect();
    let validator_accumulated_commissions = by_validator(ctx, keeper, &COMMISSION)?
        .into_iter()
        .map(|(validator_address, commission)| CommissionRecord {
            validator_address,
            accumulated: Accumulated { commission },
        })
        .collect();
    let validator_current_rewards = by_validator(ctx, keeper, &CURRENT)?
        .into_iter()
        .map(|(validator_address, c)| CurrentRecord {
            validator_address,
            rewards: CurrentJson {
                rewards: c.rewards,
                period: c.period,
            },
        })
        .collect();
    let kv = ctx.kv(&keeper.key);
    let valoper_of = |bytes: Vec<u8>| -> Result<String> {
        Ok(Address::from_bytes(bytes)?.to_bech32_with(VALOPER_PREFIX))
    };
    let validator_historical_rewards = HISTORICAL
        .range(&kv, None, None, Order::Ascending)
        .map(|item| {
            let ((v, period), rewards) = item?;
            Ok(HistoricalRecord {
                validator_address: valoper_of(v)?,
                period,
                rewards,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let delegator_starting_infos = STARTING_INFO
        .range(&kv, None, None, Order::Ascending)
        .map(|item| {
            let ((v, d), info) = item?;
            Ok(StartingInfoRecord {
                delegator_address: Address::from_bytes(d)?.to_string(),
                validator_address: valoper_of(v)?,
                starting_info: StartingInfoJson {
                    previous_period: info.previous_period,
                    stake: info.stake,
                    height: info.height,
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let validator_slash_events = SLASH_EVENTS
        .range(&kv, None, None, Order::Ascending)
        .map(|item| {
            let ((v, height, period), e) = item?;
            Ok(SlashEventRecord {
                validator_address: valoper_of(v)?,
                height,
                period,
                validator_slash_event: SlashEventJson {
                    validator_period: e.validator_period,
                    fraction: e.fraction,
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let state = GenesisState {
        params: keeper.params(ctx)?,
        fee_pool: FeePool {
            community_pool: keeper.community_pool(ctx)?,
        },
        delegator_withdraw_infos,
        previous_proposer,
        outstanding_rewards,
        validator_accumulated_commissions,
        validator_historical_rewards,
        validator_current_rewards,
        delegator_starting_infos,
        validator_slash_events,
    };
    serde_json::to_value(state)
        .map_err(|e| Error::internal(format!("exporting distribution genesis: {e}")))
}
