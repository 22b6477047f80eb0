//! `MsgUpdateParams`, auth's one Msg: the authority replaces the params.

use agora_core::authority::{authority_signer, check_authority};
use agora_core::{decode_any, Context, DecodedMsg, Error, Result, SdkCode};
use agora_proto::cosmos::auth::v1beta1 as pb;
use agora_proto::Any;
use prost::Message;

use crate::{Keeper, Params};

/// Type URL of auth's `MsgUpdateParams`.
pub const MSG_UPDATE_PARAMS_TYPE_URL: &str = "/cosmos.auth.v1beta1.MsgUpdateParams";
/// The Msgs auth handles.
pub const TYPE_URLS: &[&str] = &[MSG_UPDATE_PARAMS_TYPE_URL];

/// A checked `MsgUpdateParams`.
struct UpdateParams {
    authority: String,
    params: Params,
}

/// Decodes an auth Msg and checks it without state; its signer is the authority it names.
pub fn decode(msg: &Any) -> Result<DecodedMsg> {
    let m: pb::MsgUpdateParams = decode_any(msg, MSG_UPDATE_PARAMS_TYPE_URL)?;
    let signer = authority_signer(&m.authority)?;
    let params = m
        .params
        .as_ref()
        .map(Params::from_proto)
        .ok_or_else(|| Error::sdk(SdkCode::InvalidRequest, "params are required"))?;
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

/// Executes a decoded auth Msg; returns the encoded response.
pub fn handle(keeper: &Keeper, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
    let update: &UpdateParams = msg.value()?;
    check_authority(keeper.authority(), &update.authority)?;
    keeper.set_params(ctx, &update.params)?;
    Ok(pb::MsgUpdateParamsResponse {}.encode_to_vec())
}
