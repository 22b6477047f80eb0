//! `agorad tx gov ...` ([`tx`]) and `agorad query gov ...` ([`query`]) with gaiad v0.50's
//! names. Proposal files carry their Msgs as JSON with `@type` (any Msg the chain knows, read
//! through the descriptors); answers print as the SDK's JSON (`agora_proto::json`).

mod query;
mod tx;

pub use query::GovQuery;
pub use tx::{any, GovTx, ProposalFlags};
