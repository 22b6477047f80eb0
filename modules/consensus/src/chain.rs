//! What the app needs from the consensus store on every tx and proposal, read once per commit.

use agora_core::store::module_key;
use agora_core::{Error, Result};
use agora_proto::tendermint::v0_38::types::ConsensusParams;
use cosmwasm_std::Storage;
use prost::Message;

use crate::keeper::{CHAIN_ID_KEY, PARAMS_KEY};
use crate::MODULE;

/// The chain id and block limits of a committed state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainParams {
    /// The chain id signatures commit to.
    pub chain_id: String,
    /// Largest block in bytes (consensus params `block.max_bytes`; -1 = no limit).
    pub max_bytes: i64,
    /// Largest block in summed gas limits (`block.max_gas`; -1 = no limit).
    pub max_gas: i64,
}

impl ChainParams {
    /// Reads the chain id and block limits from committed `state` (the flat keyspace), if
    /// InitChain has run.
    pub fn load(state: &dyn Storage) -> Result<Option<Self>> {
        let Some(chain_id) = state.get(&module_key(MODULE, CHAIN_ID_KEY)) else {
            return Ok(None);
        };
        let chain_id = String::from_utf8(chain_id)
            .map_err(|_| Error::internal("the chain id in state is not UTF-8"))?;
        let bytes = state
            .get(&module_key(MODULE, PARAMS_KEY))
            .ok_or_else(|| Error::internal("a chain id but no consensus params in state"))?;
        let params = ConsensusParams::decode(bytes.as_slice())
            .map_err(|e| Error::internal(format!("bad consensus params in state: {e}")))?;
        let block = params.block.unwrap_or_default();
        Ok(Some(Self {
            chain_id,
            max_bytes: block.max_bytes,
            max_gas: block.max_gas,
        }))
    }

    /// The largest gas limit one tx may ask for: `max_gas` when it limits blocks (> 0).
    pub fn tx_gas_cap(&self) -> Option<u64> {
        u64::try_from(self.max_gas).ok().filter(|&max| max > 0)
    }

    /// Whether a block of `bytes` total and `gas` summed gas limits fits.
    pub fn fits(&self, bytes: u64, gas: u64) -> bool {
        (self.max_bytes < 0 || bytes <= self.max_bytes as u64)
            && (self.max_gas < 0 || gas <= self.max_gas as u64)
    }
}
