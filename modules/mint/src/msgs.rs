//! `/cosmos.mint.v1beta1.MsgUpdateParams`: the authority replaces the params, which must pass
//! the SDK's `Params.Validate`.

use agora_core::authority::{authority_signer, check_authority};
use agora_core::{decode_any, Context, DecodedMsg, Result};
use agora_proto::cosmos::mint::v1beta1 as pb;
use agora_proto::Any;
use prost::Message;

use crate::{Keeper, Params};

/// Type URL of mint's `MsgUpdateParams`.
pub const MSG_UPDATE_PARAMS_TYPE_URL: &str = "/cosmos.mint.v1beta1.MsgUpdateParams";
/// The Msgs mint handles.
pub const TYPE_URLS: &[&str] = &[MSG_UPDATE_PARAMS_TYPE_URL];

/// A decoded `MsgUpdateParams`.
struct UpdateParams {
    authority: String,
    params: Params,
}

/// Decodes a `MsgUpdateParams`; its signer is the authority it names. Missing params are the
/// zero params (the SDK's field is not nullable), which the handler's validation refuses.
pub fn decode(msg: &Any) -> Result<DecodedMsg> {
    let m: pb::MsgUpdateParams = decode_any(msg, MSG_UPDATE_PARAMS_TYPE_URL)?;
    let params = Params::from_proto(&m.params.unwrap_or_default())?;
    let signer = authority_signer(&m.authority)?;
    let checked = UpdateParams {
        authority: m.authority,
        params,
    };
    Ok(DecodedMsg::new(
        msg.type_url.as_str(),
        vec![signer],
        checked,
    ))
}

/// Executes a decoded `MsgUpdateParams`: only the authority, and only valid params.
pub fn handle(keeper: &Keeper, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
    let m: &UpdateParams = msg.value()?;
    check_authority(keeper.authority(), &m.authority)?;
    keeper.set_params(ctx, &m.params)?;
    Ok(pb::MsgUpdateParamsResponse {}.encode_to_vec())
}
