//! `/cosmos.consensus.v1.MsgUpdateParams`: the authority replaces the block, evidence and
//! validator params (and the ABCI ones, if given), as x/consensus does.

use agora_core::authority::{authority_signer, check_authority};
use agora_core::{decode_any, Context, DecodedMsg, Error, Result, SdkCode};
use agora_proto::cosmos_consensus::v1 as pb;
use agora_proto::tendermint::v0_38::types::ConsensusParams;
use agora_proto::Any;
use prost::Message;

use crate::params::{validate, validate_update};
use crate::Keeper;

/// Type URL of x/consensus's `MsgUpdateParams`.
pub const MSG_UPDATE_PARAMS_TYPE_URL: &str = "/cosmos.consensus.v1.MsgUpdateParams";
/// The Msgs the consensus module handles.
pub const TYPE_URLS: &[&str] = &[MSG_UPDATE_PARAMS_TYPE_URL];

/// Decodes a `MsgUpdateParams`; block, evidence and validator params are required, as the
/// SDK's `ToProtoConsensusParams` requires them. Its signer is the authority it names.
pub fn decode(msg: &Any) -> Result<DecodedMsg> {
    let m: pb::MsgUpdateParams = decode_any(msg, MSG_UPDATE_PARAMS_TYPE_URL)?;
    if m.block.is_none() || m.evidence.is_none() || m.validator.is_none() {
        return Err(Error::sdk(
            SdkCode::InvalidRequest,
            "all parameters must be present: block, evidence and validator",
        ));
    }
    let signer = authority_signer(&m.authority)?;
    Ok(DecodedMsg::new(msg.type_url.as_str(), vec![signer], m))
}

/// Executes a decoded `MsgUpdateParams`: the updated params must pass CometBFT's checks.
pub fn handle(keeper: &Keeper, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
    let m: &pb::MsgUpdateParams = msg.value()?;
    check_authority(keeper.authority(), &m.authority)?;
    let current = keeper.params(ctx)?;
    let next = ConsensusParams {
        block: m.block,
        evidence: m.evidence,
        validator: m.validator.clone(),
        version: current.version,
        abci: m.abci.or(current.abci),
    };
    validate(&next)?;
    validate_update(&current, m.abci.as_ref(), ctx.block.height)?;
    keeper.set_params(ctx, &next);
    Ok(pb::MsgUpdateParamsResponse {}.encode_to_vec())
}
