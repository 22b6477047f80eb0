//! agora-proto: protobuf types.
//!
//! - [`cosmos`]: the Cosmos SDK's `cosmos.*` types (`cosmos-sdk-proto`, as cosmrs ships them), so standard
//!   Msgs, queries and txs keep their standard type URLs and encodings.
//! - [`tendermint`]: CometBFT's types.
//! - [`agora`]: Agora's own messages, generated at build time from `proto/agora/**/*.proto`
//!   with prost, parsed by protox (no `protoc` needed).

pub use cosmrs::proto::cosmos;
pub use cosmrs::Any;
pub use prost;
pub use tendermint_proto as tendermint;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/agora.rs"));
}

pub use generated::agora;

#[cfg(test)]
mod tests {
    use prost::{Message, Name};

    #[test]
    fn generated_types_encode_and_know_their_names() {
        let params = super::agora::consensus::v1::ChainParams {
            chain_id: "agora-1".into(),
            max_bytes: 10,
            max_gas: -1,
        };
        let bytes = params.encode_to_vec();
        assert_eq!(
            super::agora::consensus::v1::ChainParams::decode(bytes.as_slice()).unwrap(),
            params
        );
        assert_eq!(
            super::agora::consensus::v1::ChainParams::type_url(),
            "/agora.consensus.v1.ChainParams"
        );
    }
}
