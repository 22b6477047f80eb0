//! agora-consensus: the consensus params (block, evidence, validator, ABCI) and the chain id,
//! in state (the SDK's x/consensus). InitChain writes them; the authority changes them with
//! `/cosmos.consensus.v1.MsgUpdateParams`, and FinalizeBlock hands a change to the engine;
//! `/cosmos.consensus.v1.Query/Params` reads them.
//!
//! Its `app_state.consensus` is empty: the params live in the genesis file's top-level
//! `consensus_params`, which CometBFT and the embedded engine pass to InitChain.

mod chain;
mod keeper;
mod msgs;
mod params;

use std::sync::Arc;

use agora_core::{decode_request, Context, DecodedMsg, Error, Module, Result, SdkCode};
use agora_core::{parse_genesis, ValidatorUpdate};
use agora_proto::cosmos_consensus::v1 as pb;
use agora_proto::Any;
use prost::Message;

pub use chain::ChainParams;
pub use keeper::Keeper;
pub use msgs::MSG_UPDATE_PARAMS_TYPE_URL;
pub use params::{default_params, validate};

/// The module name: store, codespace and genesis key.
pub const MODULE: &str = "consensus";

/// The query path of the consensus params.
pub const PARAMS_PATH: &str = "/cosmos.consensus.v1.Query/Params";

/// The consensus module, over its keeper.
pub struct Consensus {
    keeper: Arc<Keeper>,
}

impl Consensus {
    /// The consensus module of `keeper`.
    pub fn new(keeper: Arc<Keeper>) -> Self {
        Self { keeper }
    }
}

/// `app_state.consensus`: nothing (unknown fields are refused, so params put here by mistake
/// are not silently ignored).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct GenesisJson {}

impl Module for Consensus {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn default_genesis(&self) -> serde_json::Value {
        serde_json::json!({})
    }

    fn validate_genesis(&self, genesis: &serde_json::Value) -> Result<()> {
        parse_genesis::<GenesisJson>(MODULE, genesis)
            .map(|_| ())
            .map_err(|mut e| {
                e.msg = format!(
                    "{} (consensus params belong in the genesis file's top-level consensus_params)",
                    e.msg
                );
                e
            })
    }

    /// The params themselves were written from InitChain's request ([`Keeper::init_chain`]).
    fn init_genesis(
        &self,
        _ctx: &mut Context,
        genesis: &serde_json::Value,
    ) -> Result<Vec<ValidatorUpdate>> {
        self.validate_genesis(genesis)?;
        Ok(Vec::new())
    }

    fn export_genesis(&self, _ctx: &mut Context) -> Result<serde_json::Value> {
        Ok(self.default_genesis())
    }

    fn msg_type_urls(&self) -> &'static [&'static str] {
        msgs::TYPE_URLS
    }

    fn decode_msg(&self, msg: &Any) -> Result<DecodedMsg> {
        msgs::decode(msg)
    }

    fn handle_msg(&self, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
        msgs::handle(&self.keeper, ctx, msg)
    }

    fn query_paths(&self) -> &'static [&'static str] {
        &[PARAMS_PATH]
    }

    fn query(&self, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
        if path != PARAMS_PATH {
            return Err(Error::sdk(
                SdkCode::UnknownRequest,
                format!("unknown query path {path}"),
            ));
        }
        decode_request::<pb::QueryParamsRequest>(path, data)?;
        let params = self.keeper.params(ctx)?;
        Ok(pb::QueryParamsResponse {
            params: Some(params),
        }
        .encode_to_vec())
    }
}
