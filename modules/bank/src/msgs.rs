//! Bank's Msgs: `MsgSend` and `MsgMultiSend`, and the authority's `MsgUpdateParams` and
//! `MsgSetSendEnabled`. Each is decoded and checked without state once (the SDK's
//! `ValidateBasic`), then executed.

use std::collections::BTreeSet;

use agora_core::authority::{authority_signer, check_authority};
use agora_core::{
    decode_any, validate_denom, Address, Coins, Context, DecodedMsg, Error, Result, SdkCode,
};
use agora_proto::cosmos::bank::v1beta1 as pb;
use agora_proto::Any;
use prost::Message;

use crate::errors::at;
use crate::{BankCode, Keeper, Params, SendEnabled};

/// Type URL of `MsgSend`.
pub const MSG_SEND_TYPE_URL: &str = "/cosmos.bank.v1beta1.MsgSend";
/// Type URL of `MsgMultiSend`.
pub const MSG_MULTI_SEND_TYPE_URL: &str = "/cosmos.bank.v1beta1.MsgMultiSend";
/// Type URL of bank's `MsgUpdateParams`.
pub const MSG_UPDATE_PARAMS_TYPE_URL: &str = "/cosmos.bank.v1beta1.MsgUpdateParams";
/// Type URL of `MsgSetSendEnabled`.
pub const MSG_SET_SEND_ENABLED_TYPE_URL: &str = "/cosmos.bank.v1beta1.MsgSetSendEnabled";
/// The Msgs bank handles.
pub const TYPE_URLS: &[&str] = &[
    MSG_SEND_TYPE_URL,
    MSG_MULTI_SEND_TYPE_URL,
    MSG_UPDATE_PARAMS_TYPE_URL,
    MSG_SET_SEND_ENABLED_TYPE_URL,
];

/// A checked `MsgSend`.
struct Send {
    from: Address,
    to: Address,
    amount: Coins,
}

/// A checked `MsgMultiSend`: one input, outputs summing to it.
struct MultiSend {
    input: (Address, Coins),
    outputs: Vec<(Address, Coins)>,
}

/// A checked `MsgSetSendEnabled`: flags to set and denoms to return to the default.
struct SetSendEnabled {
    authority: String,
    send_enabled: Vec<SendEnabled>,
    use_default_for: Vec<String>,
}

/// A bank Msg, checked.
enum BankMsg {
    Send(Send),
    MultiSend(MultiSend),
    UpdateParams { authority: String, params: Params },
    SetSendEnabled(SetSendEnabled),
}

/// Decodes a bank Msg and checks it without state; names its signer.
pub fn decode(msg: &Any) -> Result<DecodedMsg> {
    let (signer, checked) = match msg.type_url.as_str() {
        MSG_SEND_TYPE_URL => {
            let send = check_send(msg)?;
            (send.from.clone(), BankMsg::Send(send))
        }
        MSG_MULTI_SEND_TYPE_URL => {
            let multi = check_multi_send(msg)?;
            (multi.input.0.clone(), BankMsg::MultiSend(multi))
        }
        MSG_UPDATE_PARAMS_TYPE_URL => {
            let m: pb::MsgUpdateParams = decode_any(msg, MSG_UPDATE_PARAMS_TYPE_URL)?;
            let params = m
                .params
                .as_ref()
                .map(Params::from_proto)
                .ok_or_else(|| Error::sdk(SdkCode::InvalidRequest, "params are required"))?;
            let signer = authority_signer(&m.authority)?;
            let checked = BankMsg::UpdateParams {
                authority: m.authority,
                params,
            };
            (signer, checked)
        }
        MSG_SET_SEND_ENABLED_TYPE_URL => {
            let set = check_set_send_enabled(msg)?;
            (
                authority_signer(&set.authority)?,
                BankMsg::SetSendEnabled(set),
            )
        }
        other => return Err(unknown(other)),
    };
    Ok(DecodedMsg::new(
        msg.type_url.as_str(),
        vec![signer],
        checked,
    ))
}

/// Executes a decoded bank Msg against state; returns the encoded response.
pub fn handle(keeper: &Keeper, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
    match msg.value::<BankMsg>()? {
        BankMsg::Send(send) => {
            keeper.check_send_enabled(ctx, &send.amount)?;
            refuse_blocked(keeper, &send.to)?;
            keeper.send_coins(ctx, &send.from, &send.to, &send.amount)?;
            Ok(pb::MsgSendResponse {}.encode_to_vec())
        }
        BankMsg::MultiSend(multi) => {
            keeper.check_send_enabled(ctx, &multi.input.1)?;
            for (to, _) in &multi.outputs {
                refuse_blocked(keeper, to)?;
            }
            keeper.input_output_coins(ctx, &multi.input, &multi.outputs)?;
            Ok(pb::MsgMultiSendResponse {}.encode_to_vec())
        }
        BankMsg::UpdateParams { authority, params } => {
            check_authority(keeper.authority(), authority)?;
            keeper.set_params(ctx, params)?;
            Ok(pb::MsgUpdateParamsResponse {}.encode_to_vec())
        }
        BankMsg::SetSendEnabled(set) => {
            check_authority(keeper.authority(), &set.authority)?;
            for entry in &set.send_enabled {
                keeper.set_send_enabled(ctx, &entry.denom, entry.enabled)?;
            }
            for denom in &set.use_default_for {
                keeper.delete_send_enabled(ctx, denom);
            }
            Ok(pb::MsgSetSendEnabledResponse {}.encode_to_vec())
        }
    }
}

fn unknown(type_url: &str) -> Error {
    Error::sdk(
        SdkCode::UnknownRequest,
        format!("unrecognized bank message type: {type_url}"),
    )
}

fn refuse_blocked(keeper: &Keeper, to: &Address) -> Result<()> {
    if keeper.is_blocked(to) {
        return Err(Error::sdk(
            SdkCode::Unauthorized,
            format!("{to} is not allowed to receive funds"),
        ));
    }
    Ok(())
}

/// `MsgSetSendEnabled`'s checks: valid denoms, none named twice across both lists.
fn check_set_send_enabled(msg: &Any) -> Result<SetSendEnabled> {
    let m: pb::MsgSetSendEnabled = decode_any(msg, MSG_SET_SEND_ENABLED_TYPE_URL)?;
    let mut seen = BTreeSet::new();
    let denoms = m
        .send_enabled
        .iter()
        .map(|e| e.denom.as_str())
        .chain(m.use_default_for.iter().map(String::as_str));
    for denom in denoms {
        validate_denom(denom).map_err(|e| {
            Error::sdk(
                SdkCode::InvalidRequest,
                format!("invalid denom {denom:?}: {}", e.msg),
            )
        })?;
        if !seen.insert(denom) {
            return Err(Error::sdk(
                SdkCode::InvalidRequest,
                format!("duplicate denom entries found for {denom:?}"),
            ));
        }
    }
    Ok(SetSendEnabled {
        send_enabled: m.send_enabled.iter().map(SendEnabled::from_proto).collect(),
        use_default_for: m.use_default_for,
        authority: m.authority,
    })
}

fn check_send(msg: &Any) -> Result<Send> {
    let msg: pb::MsgSend = decode_any(msg, MSG_SEND_TYPE_URL)?;
    Ok(Send {
        from: Address::from_bech32(&msg.from_address).map_err(at("invalid from address"))?,
        to: Address::from_bech32(&msg.to_address).map_err(at("invalid to address"))?,
        amount: Coins::from_msg(&msg.amount)?,
    })
}

fn check_multi_send(msg: &Any) -> Result<MultiSend> {
    let msg: pb::MsgMultiSend = decode_any(msg, MSG_MULTI_SEND_TYPE_URL)?;
    let input = match msg.inputs.as_slice() {
        [] => return Err(BankCode::NoInputs.bare()),
        [input] => input,
        _ => return Err(BankCode::MultipleSenders.bare()),
    };
    if msg.outputs.is_empty() {
        return Err(BankCode::NoOutputs.bare());
    }
    let input = (
        Address::from_bech32(&input.address).map_err(at("invalid input address"))?,
        Coins::from_msg(&input.coins)?,
    );
    let mut outputs = Vec::with_capacity(msg.outputs.len());
    let mut total = Coins::empty();
    for out in &msg.outputs {
        let to = Address::from_bech32(&out.address).map_err(at("invalid output address"))?;
        let coins = Coins::from_msg(&out.coins)?;
        total = total.checked_add(&coins)?;
        outputs.push((to, coins));
    }
    if total != input.1 {
        return Err(
            BankCode::InputOutputMismatch.err(format!("inputs {} != outputs {}", input.1, total))
        );
    }
    Ok(MultiSend { input, outputs })
}
