//! agora-proto: protobuf types.
//!
//! - [`cosmos`]: the Cosmos SDK's `cosmos.*` types (`cosmos-sdk-proto`, as cosmrs ships them), so standard
//!   Msgs, queries and txs keep their standard type URLs and encodings.
//! - [`tendermint`]: CometBFT's types.
//! - [`cosmos_consensus`]: `cosmos.consensus.v1`, which cosmos-sdk-proto does not export.
//! - [`agora`]: Agora's own messages, generated at build time from `proto/agora/**/*.proto`
//!   with prost, parsed by protox (no `protoc` needed).

pub use cosmrs::proto::cosmos;
pub use cosmrs::Any;
pub use prost;
pub use tendermint_proto as tendermint;

pub mod cosmos_consensus;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/agora.rs"));
}

pub use generated::agora;

#[cfg(test)]
mod tests {
    use prost::{Message, Name};

    use super::cosmos_consensus::v1::MsgUpdateParams;

    #[test]
    fn consensus_messages_have_the_sdk_names_and_field_numbers() {
        assert_eq!(
            MsgUpdateParams::type_url(),
            "/cosmos.consensus.v1.MsgUpdateParams"
        );
        let msg = MsgUpdateParams {
            authority: "a".into(),
            ..Default::default()
        };
        // field 1, length-delimited: tag byte 0x0a
        assert_eq!(msg.encode_to_vec(), vec![0x0a, 1, b'a']);
    }
}
