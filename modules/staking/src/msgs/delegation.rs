//! The checked (delegator, validator, amount) of `MsgDelegate`, `MsgUndelegate`,
//! `MsgBeginRedelegate` and `MsgCancelUnbondingDelegation`.

use agora_core::{Address, Coin, Error, Result, SdkCode};
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;

use super::positive_coin;

/// Who delegates to whom, how much.
pub(super) struct Delegate {
    pub(super) delegator: Address,
    pub(super) validator: Address,
    pub(super) amount: Coin,
}

/// A (delegator, validator, positive amount) triple, checked.
pub(super) fn check(
    delegator: &str,
    validator: &str,
    amount: Option<&ProtoCoin>,
) -> Result<Delegate> {
    let delegator = Address::from_bech32(delegator).map_err(|e| {
        Error::sdk(
            SdkCode::InvalidAddress,
            format!("invalid delegator address: {}", e.msg),
        )
    })?;
    Ok(Delegate {
        validator: Address::from_valoper(validator)?,
        amount: positive_coin(amount)?,
        delegator,
    })
}
