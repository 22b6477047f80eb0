//! Chain-level settings kept in state: the chain id and the block limits from consensus params.

use agora_core::store::CacheStore;
use agora_core::{Error, Result};
use agora_proto::agora::consensus::v1::ChainParams as ChainParamsProto;
use cosmwasm_std::Storage;
use prost::Message;

/// The namespace holding chain-level settings (like the SDK's x/consensus store).
pub const CONSENSUS_MODULE: &str = "consensus";

const CHAIN_KEY: &[u8] = b"chain";

/// The chain id and block limits, fixed at InitChain and read back after a restart.
/// Stored as `agora.consensus.v1.ChainParams`.
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
    /// CometBFT's defaults: `max_bytes` 22020096 (21 MiB), unlimited gas.
    pub fn with_defaults(chain_id: String) -> Self {
        Self {
            chain_id,
            max_bytes: 22_020_096,
            max_gas: -1,
        }
    }

    /// Reads the settings from state, if InitChain has run.
    pub fn load(state: &dyn Storage) -> Result<Option<Self>> {
        let Some(bytes) = state.get(&agora_core::store::module_key(CONSENSUS_MODULE, CHAIN_KEY))
        else {
            return Ok(None);
        };
        let p = ChainParamsProto::decode(bytes.as_slice())
            .map_err(|e| Error::internal(format!("bad chain params in state: {e}")))?;
        Ok(Some(Self {
            chain_id: p.chain_id,
            max_bytes: p.max_bytes,
            max_gas: p.max_gas,
        }))
    }

    /// Writes the settings into state.
    pub fn save(&self, state: &mut CacheStore) {
        let p = ChainParamsProto {
            chain_id: self.chain_id.clone(),
            max_bytes: self.max_bytes,
            max_gas: self.max_gas,
        };
        state.set(
            &agora_core::store::module_key(CONSENSUS_MODULE, CHAIN_KEY),
            &p.encode_to_vec(),
        );
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
