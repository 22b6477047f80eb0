//! agora-proto: protobuf types.
//!
//! - [`cosmos`]: the Cosmos SDK's `cosmos.*` types (`cosmos-sdk-proto`, as cosmrs ships them), so standard
//!   Msgs, queries and txs keep their standard type URLs and encodings.
//! - [`tendermint`]: CometBFT's types.
//! - [`cosmos_consensus`]: `cosmos.consensus.v1`, which cosmos-sdk-proto does not export.
//! - [`agora`]: Agora's own messages, generated at build time from `proto/agora/**/*.proto`
//!   with prost, parsed by protox (no `protoc` needed).
//! - [`json`]: messages as the Cosmos SDK's JSON, both ways, through the descriptors.
//! - [`descriptors`]: the descriptors of every message and service the node serves (the Cosmos
//!   SDK's own `.proto` files in `proto/third_party`, and Agora's), for what is generic over
//!   messages: gRPC reflection, the REST gateway and its JSON.

pub use cosmrs::proto::cosmos;
pub use cosmrs::Any;
pub use prost;
pub use tendermint_proto as tendermint;

pub mod cosmos_consensus;
pub mod json;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/agora.rs"));
}

pub use generated::agora;

/// The encoded `FileDescriptorSet` of every served message and service, imports included.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/descriptors.binpb"));

/// [`FILE_DESCRIPTOR_SET`] decoded once, to look messages and services up by name.
pub fn descriptors() -> &'static prost_reflect::DescriptorPool {
    static POOL: std::sync::OnceLock<prost_reflect::DescriptorPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        prost_reflect::DescriptorPool::decode(FILE_DESCRIPTOR_SET)
            .expect("the build wrote a valid descriptor set")
    })
}

pub use prost_reflect;

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
