//! `MsgSend` and `MsgMultiSend`: stateless checks (the SDK's `ValidateBasic`), then execution.

use std::collections::BTreeSet;

use agora_core::{decode_any, Address, Coin, Coins, Context, Error, Result, SdkCode};
use agora_proto::cosmos::bank::v1beta1 as pb;
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use agora_proto::Any;
use prost::Message;

use crate::errors::at;
use crate::{keeper, BankCode};

/// Type URL of `MsgSend`.
pub const MSG_SEND_TYPE_URL: &str = "/cosmos.bank.v1beta1.MsgSend";
/// Type URL of `MsgMultiSend`.
pub const MSG_MULTI_SEND_TYPE_URL: &str = "/cosmos.bank.v1beta1.MsgMultiSend";
/// The Msgs bank handles.
pub const TYPE_URLS: &[&str] = &[MSG_SEND_TYPE_URL, MSG_MULTI_SEND_TYPE_URL];

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

/// Decodes a bank Msg, checks it without state and returns its signer.
pub fn signers(msg: &Any) -> Result<Vec<Address>> {
    match msg.type_url.as_str() {
        MSG_SEND_TYPE_URL => Ok(vec![check_send(msg)?.from]),
        MSG_MULTI_SEND_TYPE_URL => Ok(vec![check_multi_send(msg)?.input.0]),
        other => Err(unknown(other)),
    }
}

/// Executes a bank Msg against state; returns the encoded response.
pub fn handle(ctx: &mut Context, msg: &Any, blocked: &BTreeSet<Address>) -> Result<Vec<u8>> {
    match msg.type_url.as_str() {
        MSG_SEND_TYPE_URL => {
            let send = check_send(msg)?;
            keeper::check_send_enabled(ctx, &send.amount)?;
            refuse_blocked(blocked, &send.to)?;
            keeper::send_coins(ctx, &send.from, &send.to, &send.amount)?;
            Ok(pb::MsgSendResponse {}.encode_to_vec())
        }
        MSG_MULTI_SEND_TYPE_URL => {
            let multi = check_multi_send(msg)?;
            keeper::check_send_enabled(ctx, &multi.input.1)?;
            for (to, _) in &multi.outputs {
                refuse_blocked(blocked, to)?;
            }
            keeper::input_output_coins(ctx, &multi.input, &multi.outputs)?;
            Ok(pb::MsgMultiSendResponse {}.encode_to_vec())
        }
        other => Err(unknown(other)),
    }
}

fn unknown(type_url: &str) -> Error {
    Error::sdk(
        SdkCode::UnknownRequest,
        format!("unrecognized bank message type: {type_url}"),
    )
}

fn refuse_blocked(blocked: &BTreeSet<Address>, to: &Address) -> Result<()> {
    if blocked.contains(to) {
        return Err(Error::sdk(
            SdkCode::Unauthorized,
            format!("{to} is not allowed to receive funds"),
        ));
    }
    Ok(())
}

fn check_send(msg: &Any) -> Result<Send> {
    let msg: pb::MsgSend = decode_any(msg, MSG_SEND_TYPE_URL)?;
    Ok(Send {
        from: Address::from_bech32(&msg.from_address).map_err(at("invalid from address"))?,
        to: Address::from_bech32(&msg.to_address).map_err(at("invalid to address"))?,
        amount: positive_coins(&msg.amount)?,
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
        positive_coins(&input.coins)?,
    );
    let mut outputs = Vec::with_capacity(msg.outputs.len());
    let mut total = Coins::empty();
    for out in &msg.outputs {
        let to = Address::from_bech32(&out.address).map_err(at("invalid output address"))?;
        let coins = positive_coins(&out.coins)?;
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

/// Coins of a Msg: non-empty, valid denoms, positive amounts, sorted, no repeats.
fn positive_coins(coins: &[ProtoCoin]) -> Result<Coins> {
    if coins.is_empty() {
        return Err(Error::sdk(SdkCode::InvalidCoins, "no coins given"));
    }
    let parsed = coins
        .iter()
        .map(|c| {
            let amount = c.amount.parse::<u128>().map_err(|_| {
                Error::sdk(
                    SdkCode::InvalidCoins,
                    format!("invalid amount {:?} of {}", c.amount, c.denom),
                )
            })?;
            Ok(Coin::new(amount, c.denom.clone()))
        })
        .collect::<Result<Vec<_>>>()?;
    Coins::from_canonical(parsed)
}
