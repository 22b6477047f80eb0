//! The consensus keeper: the only way to the consensus store.

use agora_core::{Address, Context, Error, Result, StoreKey};
use agora_proto::tendermint::v0_38::types::ConsensusParams;
use cosmwasm_std::Storage;
use prost::Message;

use crate::params::{validate, with_defaults};

/// Key of the chain id (UTF-8).
pub(crate) const CHAIN_ID_KEY: &[u8] = b"c";
/// Key of the consensus params (`tendermint.types.ConsensusParams`, protobuf).
pub(crate) const PARAMS_KEY: &[u8] = b"p";

/// The consensus keeper: the consensus store and its authority.
pub struct Keeper {
    key: StoreKey,
    authority: Address,
}

impl Keeper {
    /// A keeper over `key`, changed by `authority`.
    pub fn new(key: StoreKey, authority: Address) -> Self {
        Self { key, authority }
    }

    /// Who may change the consensus params.
    pub fn authority(&self) -> &Address {
        &self.authority
    }

    /// InitChain: stores the chain id and the genesis consensus params (missing sections
    /// take CometBFT's defaults); errors if the params are invalid.
    pub fn init_chain(
        &self,
        ctx: &mut Context,
        chain_id: &str,
        params: Option<ConsensusParams>,
    ) -> Result<()> {
        let params = with_defaults(params.unwrap_or_default());
        validate(&params).map_err(|mut e| {
            e.msg = format!("genesis consensus_params: {}", e.msg);
            e
        })?;
        ctx.kv(&self.key).set(CHAIN_ID_KEY, chain_id.as_bytes());
        self.set_params(ctx, &params);
        Ok(())
    }

    /// The consensus params in state.
    pub fn params(&self, ctx: &mut Context) -> Result<ConsensusParams> {
        let bytes = ctx.kv(&self.key).get(PARAMS_KEY).ok_or_else(|| {
            Error::internal("no consensus params in state: InitChain must run first")
        })?;
        ConsensusParams::decode(bytes.as_slice())
            .map_err(|e| Error::internal(format!("bad consensus params in state: {e}")))
    }

    /// Replaces the consensus params (already validated).
    pub(crate) fn set_params(&self, ctx: &mut Context, params: &ConsensusParams) {
        ctx.kv(&self.key).set(PARAMS_KEY, &params.encode_to_vec());
    }
}
