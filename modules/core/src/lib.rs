//! agora-core: what every Agora module is built from.
//!
//! - [`Context`]: block info, execution mode, gas meter and events of the running tx.
//! - [`store`]: the layered, prefixed, gas-metered state over `cosmwasm_std::Storage`.
//! - [`Coin`]/[`Coins`], [`Dec`], [`DecCoins`]: amounts and 18-place decimals with checked arithmetic.
//! - [`Address`]: bech32 addresses with the `agora` prefixes.
//! - [`Error`]: codespace + code + message, as ABCI reports it.
//! - [`Module`]: genesis, block hooks, Msg and Query routing; [`StoreKey`]: a module's
//!   store, held only by its keeper; [`DecodedMsg`] and [`MsgRouter`]: Msgs decoded once per
//!   tx and run by type URL; [`authority`]: who may change params.

mod address;
pub mod authority;
mod coins;
mod context;
mod dec;
mod dec_coins;
mod error;
mod events;
pub mod gas;
mod module;
mod msg;
pub mod pagination;
pub mod store;
mod store_key;

pub use address::{Address, ACCOUNT_PREFIX, MAX_ADDRESS_LEN, VALCONS_PREFIX, VALOPER_PREFIX};
pub use coins::{amount_string, seconds_string, u64_string, validate_denom, Coin, Coins};
pub use context::{BlockIdFlag, BlockInfo, CometInfo, Context, ExecMode, Misbehavior, VoteInfo};
pub use dec::Dec;
pub use dec_coins::{DecCoin, DecCoins};
pub use error::{Error, Result, SdkCode, SDK_CODESPACE};
pub use events::Event;
pub use gas::GasMeter;
pub use module::{decode_any, decode_request, parse_genesis, Module, VersionMap};
pub use msg::{DecodedMsg, MsgRouter};
pub use store_key::StoreKey;

/// A change of one validator's voting power (power 0 removes it), as ABCI carries it from
/// InitChain and EndBlock to the consensus engine.
pub use agora_proto::tendermint::v0_38::abci::ValidatorUpdate;

/// The staking and fee denom (1 AGR = 10^6 uagr).
pub const BOND_DENOM: &str = "uagr";
