//! Slashing's Msgs: `MsgUnjail` and the authority's `MsgUpdateParams`, decoded and checked
//! once without state, then executed.

use agora_core::authority::{authority_signer, check_authority};
use agora_core::{decode_any, Address, Context, DecodedMsg, Error, Result, SdkCode};
use agora_proto::cosmos::slashing::v1beta1 as pb;
use agora_proto::Any;
use prost::Message;

use crate::{Keeper, Params};

/// Type URL of `MsgUnjail`.
pub const MSG_UNJAIL_TYPE_URL: &str = "/cosmos.slashing.v1beta1.MsgUnjail";
/// Type URL of slashing's `MsgUpdateParams`.
pub const MSG_UPDATE_PARAMS_TYPE_URL: &str = "/cosmos.slashing.v1beta1.MsgUpdateParams";
/// The Msgs slashing handles.
pub const TYPE_URLS: &[&str] = &[MSG_UNJAIL_TYPE_URL, MSG_UPDATE_PARAMS_TYPE_URL];

/// A slashing Msg, checked.
enum SlashingMsg {
    Unjail { operator: Address },
    UpdateParams { authority: String, params: Params },
}

/// Decodes a slashing Msg and checks it without state.
pub fn decode(msg: &Any) -> Result<DecodedMsg> {
    let (signer, checked) = match msg.type_url.as_str() {
        MSG_UNJAIL_TYPE_URL => {
            let m: pb::MsgUnjail = decode_any(msg, &msg.type_url)?;
            let operator = Address::from_valoper(&m.validator_addr)?;
            (operator.clone(), SlashingMsg::Unjail { operator })
        }
        MSG_UPDATE_PARAMS_TYPE_URL => {
            let m: pb::MsgUpdateParams = decode_any(msg, &msg.type_url)?;
            let params = m
                .params
                .as_ref()
                .ok_or_else(|| Error::sdk(SdkCode::InvalidRequest, "params are required"))?;
            let params = Params::from_proto(params)?;
            params.validate()?;
            let signer = authority_signer(&m.authority)?;
            let update = SlashingMsg::UpdateParams {
                authority: m.authority,
                params,
            };
            (signer, update)
        }
        other => {
            return Err(Error::sdk(
                SdkCode::UnknownRequest,
                format!("unrecognized slashing message type: {other}"),
            ))
        }
    };
    Ok(DecodedMsg::new(
        msg.type_url.as_str(),
        vec![signer],
        checked,
    ))
}

/// Executes a decoded slashing Msg; returns the encoded response.
pub fn handle(keeper: &Keeper, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
    match msg.value::<SlashingMsg>()? {
        SlashingMsg::Unjail { operator } => {
            keeper.unjail(ctx, operator)?;
            Ok(pb::MsgUnjailResponse {}.encode_to_vec())
        }
        SlashingMsg::UpdateParams { authority, params } => {
            check_authority(keeper.authority(), authority)?;
            keeper.set_params(ctx, params)?;
            Ok(pb::MsgUpdateParamsResponse {}.encode_to_vec())
        }
    }
}
