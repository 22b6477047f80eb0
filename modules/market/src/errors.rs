//! The market's error codes (codespace `market`).

use agora_core::Error;

use crate::MODULE;

/// The market's errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum MarketCode {
    /// A provider description, resource, price or attribute that is not allowed.
    InvalidProvider = 2,
    /// The account already registered a provider.
    ProviderExists = 3,
    /// No provider is registered for the account.
    UnknownProvider = 4,
    /// A bond below the minimum or in another denom.
    InsufficientBond = 5,
    /// The provider still has active leases.
    ProviderHasLeases = 6,
    /// The provider is leaving and can no longer change.
    ProviderDeregistering = 7,
    /// A genesis state that does not hold together.
    InvalidGenesis = 8,
    /// Params that are not allowed.
    InvalidParams = 9,
}

impl MarketCode {
    /// What the code means.
    pub fn description(self) -> &'static str {
        use MarketCode::*;
        match self {
            InvalidProvider => "invalid provider",
            ProviderExists => "provider already exists",
            UnknownProvider => "unknown provider",
            InsufficientBond => "insufficient provider bond",
            ProviderHasLeases => "provider has active leases",
            ProviderDeregistering => "provider is deregistering",
            InvalidGenesis => "invalid genesis state",
            InvalidParams => "invalid params",
        }
    }

    /// This error: `context`, then the description.
    pub fn err(self, context: impl std::fmt::Display) -> Error {
        Error::new(
            MODULE,
            self as u32,
            format!("{context}: {}", self.description()),
        )
    }
}
