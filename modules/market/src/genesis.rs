//! The market's genesis (`agora.market.v1.GenesisState` in the SDK's JSON): params and
//! providers, whose bonds the market module account must hold.

use agora_core::{Address, Context, Error, Result};
use agora_proto::agora::market::v1::{self as pb, ProviderStatus};
use agora_proto::json;
use prost::Message;

use crate::errors::MarketCode;
use crate::{provider, Keeper, Params};

const GENESIS_MESSAGE: &str = "agora.market.v1.GenesisState";

fn invalid(detail: impl std::fmt::Display) -> Error {
    MarketCode::InvalidGenesis.err(format!("app_state.market: {detail}"))
}

/// The default genesis: the default params, no providers.
pub fn default_json() -> serde_json::Value {
    to_json(&pb::GenesisState {
        params: Some(Params::default().to_proto()),
        providers: vec![],
    })
    .expect("the default genesis encodes")
}

fn to_json(state: &pb::GenesisState) -> Result<serde_json::Value> {
    json::message_json(GENESIS_MESSAGE, &state.encode_to_vec())
        .map_err(|e| Error::internal(format!("market genesis: {e}")))
}

/// Reads and checks a genesis state.
pub fn parse(genesis: &serde_json::Value) -> Result<(Params, Vec<pb::Provider>)> {
    let bytes = json::from_json(GENESIS_MESSAGE, genesis).map_err(invalid)?;
    let state = pb::GenesisState::decode(bytes.as_slice()).map_err(invalid)?;
    let params = Params::from_proto(&state.params.unwrap_or_default())
        .map_err(|e| invalid(format!("params: {}", e.msg)))?;
    let mut owners = std::collections::BTreeSet::new();
    for (i, p) in state.providers.iter().enumerate() {
        let at = |e: Error| invalid(format!("providers[{i}]: {}", e.msg));
        let owner = Address::from_bech32(&p.owner).map_err(at)?;
        if !owners.insert(owner) {
            return Err(invalid(format!("providers[{i}]: {} twice", p.owner)));
        }
        provider::check(
            &p.moniker,
            &p.endpoint,
            p.resources.as_ref(),
            &p.attributes,
            p.prices.as_ref(),
        )
        .map_err(at)?;
        if ProviderStatus::try_from(p.status).unwrap_or_default() == ProviderStatus::Unspecified {
            return Err(invalid(format!("providers[{i}]: a status is required")));
        }
    }
    Ok((params, state.providers))
}

/// Writes a genesis state.
pub fn init(
    keeper: &Keeper,
    ctx: &mut Context,
    params: &Params,
    providers: &[pb::Provider],
) -> Result<()> {
    keeper.set_params(ctx, params)?;
    for p in providers {
        keeper.set_provider(ctx, p)?;
        if p.status == ProviderStatus::Deregistering as i32 {
            keeper.queue_release(ctx, p)?;
        }
    }
    Ok(())
}

/// The whole state as a genesis state.
pub fn export(keeper: &Keeper, ctx: &mut Context) -> Result<serde_json::Value> {
    let providers = keeper.providers(ctx)?;
    to_json(&pb::GenesisState {
        params: Some(keeper.params(ctx)?.to_proto()),
        providers,
    })
}
