//! The account allowed to change a module's params: the gov module account unless the app
//! wires another, as the SDK's `authority`.

use crate::{Address, Error, Result};

/// The gov module's name, whose module account is every module's default authority.
pub const GOV_MODULE: &str = "gov";

/// The gov module account's address: the default authority of every module.
pub fn gov_authority() -> Address {
    Address::module(GOV_MODULE)
}

/// Errors unless `got` (a Msg's `authority` field) is the module's authority `expected`, with
/// the SDK's error (`gov` codespace, code 13, `ErrInvalidSigner`).
pub fn check_authority(expected: &Address, got: &str) -> Result<()> {
    if expected.to_string() == got {
        return Ok(());
    }
    Err(Error::new(
        GOV_MODULE,
        13,
        format!(
            "invalid authority; expected {expected}, got {got}: expected gov account as only signer for proposal message"
        ),
    ))
}

/// The signer of an authority-gated Msg: its `authority` field as an address.
pub fn authority_signer(authority: &str) -> Result<Address> {
    Address::from_bech32(authority).map_err(|mut e| {
        e.msg = format!("invalid authority address: {}", e.msg);
        e
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_authority_passes() {
        let gov = gov_authority();
        check_authority(&gov, &gov.to_string()).unwrap();
        let other = Address::from_bytes(vec![7; 20]).unwrap();
        let err = check_authority(&gov, &other.to_string()).unwrap_err();
        assert_eq!((err.codespace.as_ref(), err.code), ("gov", 13));
        assert!(
            err.msg.contains(&format!("expected {gov}, got {other}")),
            "{}",
            err.msg
        );
        assert!(authority_signer("agora1nope").is_err());
        assert_eq!(authority_signer(&gov.to_string()).unwrap(), gov);
    }
}
