//! Distribution's error codes (codespace `distribution`), as x/distribution registers them.

use agora_core::Error;

use crate::MODULE;

/// The distribution errors Agora returns, with the SDK's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum DistributionCode {
    /// The delegation has no distribution record.
    EmptyDelegationDistInfo = 5,
    /// The validator has no distribution record.
    NoValidatorDistInfo = 6,
    /// The validator has no commission to withdraw.
    NoValidatorCommission = 7,
    /// Params forbid setting a withdraw address.
    SetWithdrawAddrDisabled = 8,
    /// The community pool holds less than asked for.
    BadDistribution = 9,
}

impl DistributionCode {
    /// The description the SDK registers for this code.
    pub fn description(self) -> &'static str {
        use DistributionCode::*;
        match self {
            EmptyDelegationDistInfo => "no delegation distribution info",
            NoValidatorDistInfo => "no validator distribution info",
            NoValidatorCommission => "no validator commission to withdraw",
            SetWithdrawAddrDisabled => "set withdraw address disabled",
            BadDistribution => "community pool does not have sufficient coins to distribute",
        }
    }

    /// The error with the SDK's description.
    pub fn bare(self) -> Error {
        Error::new(MODULE, self as u32, self.description())
    }

    /// The error with context after the description, as the SDK's `Wrapf`.
    pub fn err(self, detail: impl std::fmt::Display) -> Error {
        Error::new(
            MODULE,
            self as u32,
            format!("{detail}: {}", self.description()),
        )
    }
}
