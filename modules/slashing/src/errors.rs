//! Slashing's error codes (codespace `slashing`), as x/slashing registers them.

use agora_core::Error;

use crate::MODULE;

/// The slashing errors Agora returns, with the SDK's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum SlashingCode {
    /// No validator for the operator address.
    NoValidatorForAddress = 2,
    /// Still jailed: before `jailed_until`, or tombstoned.
    ValidatorJailed = 4,
    /// Unjail of a validator that is not jailed.
    ValidatorNotJailed = 5,
    /// The operator has no self delegation.
    MissingSelfDelegation = 6,
    /// The self delegation is below the validator's minimum.
    SelfDelegationTooLowToUnjail = 7,
    /// No signing info for the consensus address.
    NoSigningInfoFound = 8,
}

impl SlashingCode {
    /// The description the SDK registers for this code.
    pub fn description(self) -> &'static str {
        use SlashingCode::*;
        match self {
            NoValidatorForAddress => "address is not associated with any known validator",
            ValidatorJailed => "validator still jailed; cannot be unjailed",
            ValidatorNotJailed => "validator not jailed; cannot be unjailed",
            MissingSelfDelegation => "validator has no self-delegation; cannot be unjailed",
            SelfDelegationTooLowToUnjail => {
                "validator's self delegation less than minimum; cannot be unjailed"
            }
            NoSigningInfoFound => "no validator signing info found",
        }
    }

    /// The error with the SDK's description.
    pub fn bare(self) -> Error {
        Error::new(MODULE, self as u32, self.description())
    }

    /// The error with context before the description, as the SDK's `Wrapf`.
    pub fn err(self, detail: impl std::fmt::Display) -> Error {
        Error::new(
            MODULE,
            self as u32,
            format!("{detail}: {}", self.description()),
        )
    }
}
