//! Upgrade's error codes (codespace `upgrade`), as x/upgrade v0.50 registers them.

use agora_core::Error;

use crate::MODULE;

/// The upgrade errors Agora returns, with the SDK's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum UpgradeCode {
    /// No module of that name is in the version map.
    NoModuleVersionFound = 2,
    /// A Msg whose authority is not the upgrade module's.
    InvalidSigner = 6,
}

impl UpgradeCode {
    /// The description the SDK registers for this code.
    pub fn description(self) -> &'static str {
        match self {
            UpgradeCode::NoModuleVersionFound => "module version not found",
            UpgradeCode::InvalidSigner => {
                "expected authority account as only signer for proposal message"
            }
        }
    }

    /// This error, its message `context` followed by the SDK's description (as `Wrap`).
    pub fn err(self, context: impl std::fmt::Display) -> Error {
        Error::new(
            MODULE,
            self as u32,
            format!("{context}: {}", self.description()),
        )
    }
}
