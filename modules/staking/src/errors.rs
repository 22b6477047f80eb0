//! Staking's error codes (codespace `staking`), as x/staking registers them.

use agora_core::Error;

use crate::MODULE;

/// The staking errors Agora returns, with the SDK's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum StakingCode {
    /// No validator at the address.
    NoValidatorFound = 3,
    /// The operator already runs a validator.
    ValidatorOwnerExists = 4,
    /// Another validator has the consensus key.
    ValidatorPubKeyExists = 5,
    /// The consensus key's type is not in the consensus params.
    ValidatorPubKeyTypeNotSupported = 6,
    /// The validator is jailed.
    ValidatorJailed = 7,
    /// A commission rate is above 1.
    CommissionHuge = 10,
    /// The rate is above the max rate.
    CommissionGtMaxRate = 11,
    /// The rate changed less than 24 hours ago.
    CommissionUpdateTime = 12,
    /// The max change rate is above the max rate.
    CommissionChangeRateGtMaxRate = 14,
    /// The rate rises by more than the max change rate.
    CommissionGtMaxChangeRate = 15,
    /// The self delegation is below the minimum.
    SelfDelegationBelowMinimum = 16,
    /// A minimum self delegation may only rise.
    MinSelfDelegationDecreased = 17,
    /// No delegation for the (delegator, validator) pair.
    NoDelegation = 19,
    /// Fewer shares held than asked for.
    NotEnoughDelegationShares = 24,
    /// No unbonding delegation (or entry) for the pair.
    NoUnbondingDelegation = 26,
    /// The pair already has `max_entries` unbonding entries.
    MaxUnbondingDelegationEntries = 27,
    /// A redelegation from a validator to itself.
    SelfRedelegation = 29,
    /// The redelegated amount is worth no tokens.
    TinyRedelegationAmount = 30,
    /// No validator at the redelegation's destination.
    BadRedelegationDst = 31,
    /// Redelegating from a validator the delegator is still redelegating into.
    TransitiveRedelegation = 32,
    /// The triple already has `max_entries` redelegation entries.
    MaxRedelegationEntries = 33,
    /// The validator has no tokens but has shares.
    DelegatorShareExRateInvalid = 34,
    /// The Msg carries no consensus key.
    EmptyValidatorPubKey = 39,
    /// The rate is below the params' minimum commission.
    CommissionLtMinRate = 40,
}

impl StakingCode {
    /// The description the SDK registers for this code.
    pub fn description(self) -> &'static str {
        use StakingCode::*;
        match self {
            NoValidatorFound => "validator does not exist",
            ValidatorOwnerExists => "validator already exist for this operator address; must use new validator operator address",
            ValidatorPubKeyExists => "validator already exist for this pubkey; must use new validator pubkey",
            ValidatorPubKeyTypeNotSupported => "validator pubkey type is not supported",
            ValidatorJailed => "validator for this address is currently jailed",
            CommissionHuge => "commission cannot be more than 100%",
            CommissionGtMaxRate => "commission cannot be more than the max rate",
            CommissionUpdateTime => "commission cannot be changed more than once in 24h",
            CommissionGtMaxChangeRate => "commission cannot be changed more than max change rate",
            MinSelfDelegationDecreased => "minimum self delegation cannot be decrease",
            CommissionChangeRateGtMaxRate => "commission change rate cannot be more than the max rate",
            SelfDelegationBelowMinimum => "validator's self delegation must be greater than their minimum self delegation",
            NoDelegation => "no delegation for (address, validator) tuple",
            NotEnoughDelegationShares => "not enough delegation shares",
            NoUnbondingDelegation => "no unbonding delegation found",
            MaxUnbondingDelegationEntries => "too many unbonding delegation entries for (delegator, validator) tuple",
            SelfRedelegation => "cannot redelegate to the same validator",
            TinyRedelegationAmount => "too few tokens to redelegate (truncates to zero tokens)",
            BadRedelegationDst => "redelegation destination validator not found",
            TransitiveRedelegation => "redelegation to this validator already in progress; first redelegation to this validator must complete before next redelegation",
            MaxRedelegationEntries => "too many redelegation entries for (delegator, src-validator, dst-validator) tuple",
            DelegatorShareExRateInvalid => "cannot delegate to validators with invalid (zero) ex-rate",
            EmptyValidatorPubKey => "empty validator public key",
            CommissionLtMinRate => "commission cannot be less than min rate",
        }
    }

    /// This error with `detail` before its description, as `errors.Wrap` writes it.
    pub fn err(self, detail: impl std::fmt::Display) -> Error {
        Error::new(
            MODULE,
            self as u32,
            format!("{detail}: {}", self.description()),
        )
    }

    /// This error with only its description.
    pub fn bare(self) -> Error {
        Error::new(MODULE, self as u32, self.description())
    }
}
