//! Slashing genesis in the SDK's JSON shape: params, each validator's signing info and the
//! missed blocks of its current window.

use agora_core::{
    parse_genesis, u64_string, Address, Context, Error, Result, SdkCode, VALCONS_PREFIX,
};
use serde::{Deserialize, Serialize};

use crate::keeper::valcons;
use crate::state::SigningInfo;
use crate::{Keeper, Params, MODULE};

/// `app_state.slashing`, as the SDK writes it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GenesisState {
    params: Params,
    #[serde(default)]
    signing_infos: Vec<SigningInfoRecord>,
    #[serde(default)]
    missed_blocks: Vec<MissedBlocksRecord>,
}

#[derive(Serialize, Deserialize)]
struct SigningInfoRecord {
    address: String,
    validator_signing_info: SigningInfoJson,
}

#[derive(Serialize, Deserialize)]
struct SigningInfoJson {
    address: String,
    #[serde(with = "u64_string")]
    start_height: u64,
    #[serde(with = "u64_string")]
    index_offset: u64,
    jailed_until: tendermint::Time,
    tombstoned: bool,
    #[serde(with = "u64_string")]
    missed_blocks_counter: u64,
}

#[derive(Serialize, Deserialize)]
struct MissedBlocksRecord {
    address: String,
    missed_blocks: Vec<MissedBlock>,
}

#[derive(Serialize, Deserialize)]
struct MissedBlock {
    #[serde(with = "u64_string")]
    index: u64,
    missed: bool,
}

fn invalid(field: &str, detail: impl std::fmt::Display) -> Error {
    Error::sdk(
        SdkCode::JsonUnmarshal,
        format!("app_state.{MODULE}.{field}: {detail}"),
    )
}

fn consensus(field: &str, s: &str) -> Result<Address> {
    Address::from_bech32_with(VALCONS_PREFIX, s).map_err(|e| invalid(field, e.msg))
}

/// The default genesis: default params, no signing infos.
pub(crate) fn default_json() -> serde_json::Value {
    serde_json::to_value(GenesisState {
        params: Params::default(),
        signing_infos: Vec::new(),
        missed_blocks: Vec::new(),
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
    for (i, r) in state.signing_infos.iter().enumerate() {
        consensus(&format!("signing_infos[{i}].address"), &r.address)?;
    }
    let window = state.params.signed_blocks_window;
    for (i, r) in state.missed_blocks.iter().enumerate() {
        consensus(&format!("missed_blocks[{i}].address"), &r.address)?;
        if let Some(b) = r.missed_blocks.iter().find(|b| b.index >= window) {
            let field = format!("missed_blocks[{i}]");
            return Err(invalid(
                &field,
                format!("index {} is outside the window of {window}", b.index),
            ));
        }
    }
    Ok(state)
}

/// Writes the state.
pub(crate) fn init(keeper: &Keeper, ctx: &mut Context, state: &GenesisState) -> Result<()> {
    keeper.set_params(ctx, &state.params)?;
    for r in &state.signing_infos {
        let address = consensus("signing_infos", &r.address)?;
        let j = &r.validator_signing_info;
        let info = SigningInfo {
            start_height: j.start_height,
            index_offset: j.index_offset,
            jailed_until: j.jailed_until,
            tombstoned: j.tombstoned,
            missed_blocks_counter: j.missed_blocks_counter,
        };
        keeper.set_signing_info(ctx, address.as_bytes(), &info)?;
    }
    for r in &state.missed_blocks {
        let address = consensus("missed_blocks", &r.address)?;
        for b in r.missed_blocks.iter().filter(|b| b.missed) {
            keeper.set_missed(ctx, address.as_bytes(), b.index, true)?;
        }
    }
    Ok(())
}

/// Reads the state back; only missed blocks are listed in each window.
pub(crate) fn export(keeper: &Keeper, ctx: &mut Context) -> Result<serde_json::Value> {
    let mut signing_infos = Vec::new();
    let mut missed_blocks = Vec::new();
    for (address, info) in keeper.all_signing_infos(ctx)? {
        let bech32 = valcons(&address);
        let missed: Vec<MissedBlock> = keeper
            .missed_indices(ctx, &address)?
            .into_iter()
            .map(|index| MissedBlock {
                index,
                missed: true,
            })
            .collect();
        missed_blocks.push(MissedBlocksRecord {
            address: bech32.clone(),
            missed_blocks: missed,
        });
        signing_infos.push(SigningInfoRecord {
            address: bech32.clone(),
            validator_signing_info: SigningInfoJson {
                address: bech32,
                start_height: info.start_height,
                index_offset: info.index_offset,
                jailed_until: info.jailed_until,
                tombstoned: info.tombstoned,
                missed_blocks_counter: info.missed_blocks_counter,
            },
        });
    }
    let state = GenesisState {
        params: keeper.params(ctx)?,
        signing_infos,
        missed_blocks,
    };
    serde_json::to_value(state).map_err(|e| Error::internal(format!("slashing genesis: {e}")))
}
