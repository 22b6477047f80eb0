//! `cosmos.consensus.v1` (x/consensus's query and Msg), which cosmos-sdk-proto generates but
//! does not export. Field numbers follow `cosmos/consensus/v1/{query,tx}.proto` of SDK v0.50.

/// `cosmos.consensus.v1` messages.
pub mod v1 {
    use tendermint_proto::v0_38::types::{
        AbciParams, BlockParams, ConsensusParams, EvidenceParams, ValidatorParams,
    };

    const PACKAGE: &str = "cosmos.consensus.v1";

    /// Request of `/cosmos.consensus.v1.Query/Params`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct QueryParamsRequest {}

    /// Response of `/cosmos.consensus.v1.Query/Params`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct QueryParamsResponse {
        /// The consensus params in state.
        #[prost(message, optional, tag = "1")]
        pub params: Option<ConsensusParams>,
    }

    /// The authority's change of the consensus params (all but `abci` required).
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct MsgUpdateParams {
        /// The account allowed to change the params (the gov module account).
        #[prost(string, tag = "1")]
        pub authority: String,
        /// Block size and gas limits.
        #[prost(message, optional, tag = "2")]
        pub block: Option<BlockParams>,
        /// Evidence age and size limits.
        #[prost(message, optional, tag = "3")]
        pub evidence: Option<EvidenceParams>,
        /// Accepted validator key types.
        #[prost(message, optional, tag = "4")]
        pub validator: Option<ValidatorParams>,
        /// Vote-extension enable height.
        #[prost(message, optional, tag = "5")]
        pub abci: Option<AbciParams>,
    }

    /// Response of `MsgUpdateParams`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct MsgUpdateParamsResponse {}

    macro_rules! named {
        ($($ty:ident),*) => {$(
            impl prost::Name for $ty {
                const NAME: &'static str = stringify!($ty);
                const PACKAGE: &'static str = PACKAGE;
            }
        )*};
    }
    named!(
        QueryParamsRequest,
        QueryParamsResponse,
        MsgUpdateParams,
        MsgUpdateParamsResponse
    );
}
