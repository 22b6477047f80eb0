//! `agorad tx staking ...` ([`tx`]) and `agorad query staking ...` ([`query`]), with gaiad's
//! names and flags; [`json`] shows the answers as the SDK's JSON.

mod json;
mod query;
mod tx;

pub use query::StakingQuery;
pub use tx::StakingTx;
